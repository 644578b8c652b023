//! The normalized API model: every format (OpenAPI 3.0/3.1, Swagger 2.0, Postman, GraphQL) loads into this.
//!
//! Schemas are JSON Schema (2020-12 dialect) held as `serde_json::Value`. A schema refers to a named schema only
//! through `{"$ref": "#/components/schemas/<name>"}` (see [`schema_ref`]); every other reference is resolved at load.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A JSON Schema in the 2020-12 dialect. Named schemas are referenced with [`schema_ref`].
pub type JsonSchema = Value;

/// Which security schemes (by name) an operation needs, with the scopes each needs.
pub type SecurityRequirement = IndexMap<String, Vec<String>>;

/// The prefix of every reference to a named schema in [`ApiModel::schemas`].
pub const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// A `$ref` object pointing at a named schema.
pub fn schema_ref(name: &str) -> JsonSchema {
    let escaped = name.replace('~', "~0").replace('/', "~1");
    serde_json::json!({ "$ref": format!("{SCHEMA_REF_PREFIX}{escaped}") })
}

/// The named schema a `$ref` string points at, if it is one of ours.
pub fn schema_ref_name(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix(SCHEMA_REF_PREFIX)?;
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpecFormat {
    Openapi,
    Swagger,
    Postman,
    Graphql,
}

impl SpecFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SpecFormat::Openapi => "openapi",
            SpecFormat::Swagger => "swagger",
            SpecFormat::Postman => "postman",
            SpecFormat::Graphql => "graphql",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiModel {
    pub format: SpecFormat,
    /// The format's own version: "3.0.3", "3.1.0", "2.0", "2.1.0", "sdl", "introspection".
    pub version: String,
    pub title: String,
    /// `info.version` of the API itself.
    pub api_version: Option<String>,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    /// Tags in declaration order, then any tag only used by operations.
    pub tags: Vec<Tag>,
    pub operations: Vec<Operation>,
    /// OpenAPI 3.1 webhooks: described, but not callable operations.
    pub webhooks: Vec<Operation>,
    /// Named schemas, each kept once. Others refer to them with [`schema_ref`].
    pub schemas: IndexMap<String, JsonSchema>,
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// The document-wide default security. An operation with `security: None` uses this.
    pub security: Vec<SecurityRequirement>,
    pub warnings: Vec<Warning>,
}

impl ApiModel {
    pub fn new(format: SpecFormat, version: impl Into<String>, title: impl Into<String>) -> Self {
        ApiModel {
            format,
            version: version.into(),
            title: title.into(),
            api_version: None,
            description: None,
            servers: Vec::new(),
            tags: Vec::new(),
            operations: Vec::new(),
            webhooks: Vec::new(),
            schemas: IndexMap::new(),
            security_schemes: IndexMap::new(),
            security: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The security requirements that apply to `op` (its own, or the document's default).
    pub fn security_for<'a>(&'a self, op: &'a Operation) -> &'a [SecurityRequirement] {
        op.security.as_deref().unwrap_or(&self.security)
    }

    /// A named schema, following a `$ref` to it if `schema` is one.
    pub fn resolve<'a>(&'a self, schema: &'a JsonSchema) -> &'a JsonSchema {
        let mut current = schema;
        for _ in 0..16 {
            match current
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(schema_ref_name)
            {
                Some(name) => match self.schemas.get(&name) {
                    Some(next) => current = next,
                    None => return current,
                },
                None => return current,
            }
        }
        current
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// The URL template, e.g. `https://{region}.example.com/v1`.
    pub url: String,
    pub description: Option<String>,
    pub variables: IndexMap<String, ServerVariable>,
}

impl Server {
    /// The URL with every variable replaced by its default.
    pub fn default_url(&self) -> String {
        let mut url = self.url.clone();
        for (name, var) in &self.variables {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
        url
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerVariable {
    pub default: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// Parses a method name in any case (`get`, `GET`).
    pub fn parse(name: &str) -> Option<HttpMethod> {
        HttpMethod::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub method: HttpMethod,
    /// The path template relative to the server URL, e.g. `/pets/{petId}`.
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// `None` means the document's default security applies; `Some(vec![])` means none.
    pub security: Option<Vec<SecurityRequirement>>,
    /// Servers that override the document's servers for this operation.
    pub servers: Vec<Server>,
    /// Where the operation is in its source, as a JSON pointer (`/paths/~1pets/get`).
    pub pointer: String,
    /// For GraphQL fields: how to turn a call into a GraphQL request.
    pub graphql: Option<GraphqlOperation>,
    /// Why this operation cannot be called (a GraphQL subscription, say).
    pub unsupported: Option<String>,
}

impl Operation {
    pub fn new(method: HttpMethod, path: impl Into<String>, pointer: impl Into<String>) -> Self {
        Operation {
            method,
            path: path.into(),
            operation_id: None,
            summary: None,
            description: None,
            tags: Vec::new(),
            deprecated: false,
            parameters: Vec::new(),
            request_body: None,
            responses: Vec::new(),
            security: None,
            servers: Vec::new(),
            pointer: pointer.into(),
            graphql: None,
            unsupported: None,
        }
    }

    /// `GET /pets/{petId}`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// OpenAPI serialization styles for parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamStyle {
    Matrix,
    Label,
    Form,
    Simple,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl ParamStyle {
    pub fn parse(name: &str) -> Option<ParamStyle> {
        Some(match name {
            "matrix" => ParamStyle::Matrix,
            "label" => ParamStyle::Label,
            "form" => ParamStyle::Form,
            "simple" => ParamStyle::Simple,
            "spaceDelimited" => ParamStyle::SpaceDelimited,
            "pipeDelimited" => ParamStyle::PipeDelimited,
            "deepObject" => ParamStyle::DeepObject,
            _ => return None,
        })
    }

    /// The style a location uses when the spec names none.
    pub fn default_for(location: ParamLocation) -> ParamStyle {
        match location {
            ParamLocation::Query | ParamLocation::Cookie => ParamStyle::Form,
            ParamLocation::Path | ParamLocation::Header => ParamStyle::Simple,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub deprecated: bool,
    pub description: Option<String>,
    /// Always set: the spec's style, or the default for the location.
    pub style: ParamStyle,
    /// Always set: the spec's explode, or the default for the style (true only for form).
    pub explode: bool,
    pub allow_reserved: bool,
    pub schema: JsonSchema,
    /// A parameter described by `content` (one media type) instead of a schema.
    pub media_type: Option<String>,
    pub example: Option<Value>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub examples: IndexMap<String, Value>,
}

impl Parameter {
    /// A parameter with the location's default style and explode.
    pub fn new(name: impl Into<String>, location: ParamLocation, schema: JsonSchema) -> Self {
        let style = ParamStyle::default_for(location);
        Parameter {
            name: name.into(),
            location,
            required: location == ParamLocation::Path,
            deprecated: false,
            description: None,
            style,
            explode: style == ParamStyle::Form,
            allow_reserved: false,
            schema,
            media_type: None,
            example: None,
            examples: IndexMap::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    pub description: Option<String>,
    pub required: bool,
    /// Keyed by media type (`application/json`, `multipart/form-data`, ...), in the spec's order.
    pub content: IndexMap<String, MediaType>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MediaType {
    pub schema: Option<JsonSchema>,
    pub example: Option<Value>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub examples: IndexMap<String, Value>,
    /// Per-property encoding of form bodies (content type, style, explode).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub encoding: IndexMap<String, Value>,
}

/// The kind of a body, from its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    Json,
    FormUrlencoded,
    Multipart,
    OctetStream,
    Text,
    Xml,
    Other,
}

impl BodyKind {
    pub fn of(media_type: &str) -> BodyKind {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
        {
            BodyKind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            BodyKind::FormUrlencoded
        } else if essence.starts_with("multipart/") {
            BodyKind::Multipart
        } else if essence.ends_with("/xml") || essence.ends_with("+xml") {
            BodyKind::Xml
        } else if essence.starts_with("text/") {
            BodyKind::Text
        } else if essence == "application/octet-stream"
            || essence.starts_with("image/")
            || essence.starts_with("audio/")
            || essence.starts_with("video/")
        {
            BodyKind::OctetStream
        } else {
            BodyKind::Other
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// `200`, `2XX` or `default`.
    pub status: String,
    pub description: Option<String>,
    pub content: IndexMap<String, MediaType>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, JsonSchema>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SecurityScheme {
    ApiKey {
        name: String,
        location: ParamLocation,
        description: Option<String>,
    },
    Http {
        /// `bearer`, `basic`, `digest`, ... (lowercase).
        scheme: String,
        bearer_format: Option<String>,
        description: Option<String>,
    },
    #[serde(rename = "oauth2")]
    OAuth2 {
        flows: Vec<OAuthFlow>,
        description: Option<String>,
    },
    OpenIdConnect {
        url: String,
        description: Option<String>,
    },
    MutualTls {
        description: Option<String>,
    },
}

impl SecurityScheme {
    /// A one-line summary: `apiKey (header X-Api-Key)`, `http bearer`, `oauth2 (clientCredentials)`.
    pub fn summary(&self) -> String {
        match self {
            SecurityScheme::ApiKey { name, location, .. } => {
                format!("apiKey ({} {name})", location.as_str())
            }
            SecurityScheme::Http { scheme, .. } => format!("http {scheme}"),
            SecurityScheme::OAuth2 { flows, .. } => {
                let kinds: Vec<&str> = flows.iter().map(|f| f.kind.as_str()).collect();
                format!("oauth2 ({})", kinds.join(", "))
            }
            SecurityScheme::OpenIdConnect { url, .. } => format!("openIdConnect ({url})"),
            SecurityScheme::MutualTls { .. } => "mutualTLS".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OAuthFlowKind {
    Implicit,
    Password,
    ClientCredentials,
    AuthorizationCode,
}

impl OAuthFlowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthFlowKind::Implicit => "implicit",
            OAuthFlowKind::Password => "password",
            OAuthFlowKind::ClientCredentials => "clientCredentials",
            OAuthFlowKind::AuthorizationCode => "authorizationCode",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthFlow {
    pub kind: OAuthFlowKind,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub refresh_url: Option<String>,
    pub scopes: IndexMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GraphqlRoot {
    Query,
    Mutation,
    Subscription,
}

impl GraphqlRoot {
    pub fn as_str(self) -> &'static str {
        match self {
            GraphqlRoot::Query => "query",
            GraphqlRoot::Mutation => "mutation",
            GraphqlRoot::Subscription => "subscription",
        }
    }
}

/// A GraphQL root field, called as `POST <endpoint>` with `{query, variables}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphqlOperation {
    pub root: GraphqlRoot,
    pub field: String,
    /// The complete GraphQL document sent for a call, with one variable per argument.
    pub document: String,
}

/// Something in the document that loaded with a problem, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// A JSON pointer into the document (for other files: `file.yaml#/pointer`).
    pub pointer: String,
    pub message: String,
}

impl Warning {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// Escapes one segment of a JSON pointer (`/` and `~`).
pub fn escape_pointer_segment(segment: &str) -> String {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1")
    } else {
        segment.to_string()
    }
}

/// Appends a segment to a JSON pointer.
pub fn pointer_join(base: &str, segment: &str) -> String {
    let mut out = String::with_capacity(base.len() + segment.len() + 1);
    out.push_str(base);
    out.push('/');
    out.push_str(&escape_pointer_segment(segment));
    out
}
