//! The shapes of `operations.json`: each tool's HTTP request and the security schemes with the environment
//! variables they read.

use serde::Deserialize;

/// One parameter of an operation, serialized as OpenAPI's `style` and `explode` say.
#[derive(Debug, Clone, Deserialize)]
pub struct Parameter {
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    pub style: String,
    pub explode: bool,
    #[serde(default)]
    pub allow_reserved: bool,
    /// A parameter described by `content` rather than `schema`: sent as JSON text.
    #[serde(default)]
    pub content: bool,
}

/// Where one tool argument goes: a parameter (`path`, `query`, `header`, `cookie`), one property of an
/// object body (`body_property`), or the whole body (`body`).
#[derive(Debug, Clone, Deserialize)]
pub struct Binding {
    pub argument: String,
    pub target: String,
    /// The parameter's or body property's name in the API (empty for the whole body).
    pub name: String,
}

/// The HTTP side of a tool.
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    /// The tool's name.
    pub tool: String,
    pub method: String,
    pub path: String,
    /// The spec's server for this operation (variables at their defaults).
    pub server: Option<String>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    #[serde(default)]
    pub bindings: Vec<Binding>,
    /// The media type of the request body sent, when the operation has one.
    pub body_media_type: Option<String>,
    /// Every media type the operation's request body declares, in the spec's order.
    #[serde(default)]
    pub body_media_types: Vec<String>,
    /// Multipart fields whose values are paths of local files to upload.
    #[serde(default)]
    pub file_fields: Vec<String>,
    /// Multipart fields' declared `contentType` encodings.
    #[serde(default)]
    pub file_content_types: Vec<(String, String)>,
    /// Alternative security requirements: each a list of (scheme, scopes), all of which apply.
    #[serde(default)]
    pub security: Vec<Vec<(String, Vec<String>)>>,
    /// For a GraphQL operation, the query document sent with the arguments as variables.
    pub graphql_document: Option<String>,
}

/// How one security scheme reads its credentials.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecurityScheme {
    /// An API key read from `variable`, sent as the header, query parameter or cookie `name`.
    ApiKey {
        variable: String,
        name: String,
        location: String,
    },
    /// HTTP basic auth.
    Basic {
        username_variable: String,
        password_variable: String,
    },
    /// A bearer token.
    Bearer { variable: String },
    /// An OAuth2 access token, used as is when set, else fetched with the client credentials flow.
    Oauth2 {
        token_variable: String,
        client_id_variable: Option<String>,
        client_secret_variable: Option<String>,
        token_url: Option<String>,
    },
    /// A scheme this connector cannot apply (mutual TLS): requirements using it are skipped.
    Unsupported { scheme: String },
}

/// Everything `operations.json` holds.
#[derive(Debug, Clone, Deserialize)]
pub struct Definitions {
    pub schemes: Vec<(String, SecurityScheme)>,
    /// One per tool, in the order of `tools.json`.
    pub operations: Vec<Operation>,
}

impl Definitions {
    /// The embedded definitions, parsed once.
    pub fn embedded() -> &'static Definitions {
        static DEFINITIONS: std::sync::OnceLock<Definitions> = std::sync::OnceLock::new();
        DEFINITIONS.get_or_init(|| {
            serde_json::from_str(crate::config::OPERATIONS_JSON).expect("operations.json is valid")
        })
    }

    pub fn scheme(&self, name: &str) -> Option<&SecurityScheme> {
        self.schemes.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}
