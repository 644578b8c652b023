//! What every generator needs to know about a connector, in one language-neutral form: per tool, the
//! request it makes (parameters with their style, body media types, file fields, security, default server);
//! the environment variables it reads; and a test case (valid arguments and a response for the stub).
//! Built once from the model and the tool set, in document order, so generation stays deterministic.

use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value, json};

use super::fits::{self, Fit};
use super::shared::{ByAddress, OnceEach, drop_meanwhile};
use crate::http::auth::{EnvVar, all_env_vars, default_prefix, upper_snake};
use crate::mock::synth::synthesize_with;
use crate::mock::{Direction, SynthOptions, synthesize};
use crate::spec::model::{
    ApiModel, BodyKind, OAuthFlowKind, Operation, ParamLocation, ParamStyle, Parameter,
    SecurityScheme,
};
use crate::tools::{ToolDefinition, ToolSet};

/// One tool and the operation behind it.
#[derive(Debug, Clone)]
pub struct ToolPlan<'a> {
    pub tool: &'a ToolDefinition,
    pub op: &'a Operation,
    /// The operation's own or the document's first server, variables at their defaults.
    pub server: Option<String>,
    /// Multipart fields whose values are local file paths.
    pub file_fields: Vec<String>,
    /// Multipart fields' declared `contentType`.
    pub file_content_types: Vec<(String, String)>,
    /// Every media type the request body declares.
    pub body_media_types: Vec<String>,
    /// Alternative requirements: (scheme, scopes) lists.
    pub security: Vec<Vec<(String, Vec<String>)>>,
    pub case: TestCase,
}

/// A call that the generated tests make against the stub.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    pub arguments: Map<String, Value>,
    /// Arguments that take a local file path (replaced by a real file in the test).
    pub file_arguments: Vec<String>,
    pub status: u16,
    pub content_type: Option<String>,
    /// The JSON the stub answers, or else `raw_body` (shared by tools answering with the same synthesized
    /// value).
    pub json_body: Option<Arc<Value>>,
    pub raw_body: Vec<u8>,
}

/// The whole connector.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    pub model: &'a ApiModel,
    pub tools: Vec<ToolPlan<'a>>,
    /// Prefix of every variable (the spec's title in upper snake case unless given).
    pub env_prefix: String,
    /// Credentials, in the order the spec declares its schemes.
    pub credentials: Vec<EnvVar>,
    /// The names of the API settings variables.
    pub base_url_variable: String,
    pub timeout_variable: String,
    pub retries_variable: String,
}

/// Plans with fewer tools are freed where they are dropped.
const DROP_MEANWHILE_FROM: usize = 64;

impl Drop for Plan<'_> {
    /// A large plan's test cases (arguments, the stub's answers) are many small values: freed meanwhile.
    fn drop(&mut self) {
        if self.tools.len() >= DROP_MEANWHILE_FROM {
            let owned: Vec<_> = self
                .tools
                .drain(..)
                .map(|tool| {
                    (
                        tool.server,
                        tool.file_fields,
                        tool.file_content_types,
                        tool.body_media_types,
                        tool.security,
                        tool.case,
                    )
                })
                .collect();
            drop_meanwhile(owned);
        }
    }
}

impl<'a> Plan<'a> {
    pub fn new(model: &'a ApiModel, tools: &'a ToolSet, env_prefix: Option<&str>) -> Plan<'a> {
        let env_prefix = env_prefix
            .map(upper_snake)
            .unwrap_or_else(|| default_prefix(model));
        // Each tool's plan is independent of the others': built on every core, kept in document order.
        let stubs = StubCache::default();
        let tools = super::par_map(
            &tools.tools,
            || &stubs,
            |tool, stubs| {
                let op = model.operations.get(tool.operation)?;
                Some(tool_plan(model, tool, op, stubs))
            },
        )
        .into_iter()
        .flatten()
        .collect();
        // Freeing the compiled validators takes a while: let it happen meanwhile.
        drop_meanwhile(stubs);
        Plan {
            model,
            tools,
            credentials: all_env_vars(model, &env_prefix),
            base_url_variable: format!("{env_prefix}_BASE_URL"),
            timeout_variable: format!("{env_prefix}_TIMEOUT"),
            retries_variable: format!("{env_prefix}_RETRIES"),
            env_prefix,
        }
    }

    /// The spec's first server as the default base URL (variables at their defaults).
    pub fn default_server(&self) -> Option<String> {
        self.model.servers.first().map(|s| s.default_url())
    }

    /// The credential variables a generated test suite gives a value: OAuth2 tokens are used as they are (no
    /// client id or secret), and an API key whose name cannot be a header is left out.
    pub fn test_credentials(&self) -> impl Iterator<Item = &EnvVar> {
        self.credentials
            .iter()
            .filter(|v| !v.name.ends_with("_CLIENT_ID") && !v.name.ends_with("_CLIENT_SECRET"))
            .filter(|v| self.sendable(&v.scheme))
    }

    /// Whether the scheme's credentials can go on the wire (an API key's name must be an HTTP token).
    fn sendable(&self, scheme: &str) -> bool {
        match self.model.security_schemes.get(scheme) {
            Some(SecurityScheme::ApiKey { name, location, .. })
                if *location != ParamLocation::Query =>
            {
                is_http_token(name)
            }
            _ => true,
        }
    }
}

fn tool_plan<'a>(
    model: &'a ApiModel,
    tool: &'a ToolDefinition,
    op: &'a Operation,
    stubs: &StubCache,
) -> ToolPlan<'a> {
    let server = op
        .servers
        .first()
        .or(model.servers.first())
        .map(|s| s.default_url());
    let (file_fields, file_content_types) = file_fields(model, op, tool.body_media_type.as_deref());
    let security = model
        .security_for(op)
        .iter()
        .map(|requirement| {
            requirement
                .iter()
                .map(|(name, scopes)| (name.clone(), scopes.clone()))
                .collect()
        })
        .collect();
    let body_media_types = op
        .request_body
        .as_ref()
        .map(|b| b.content.keys().cloned().collect())
        .unwrap_or_default();
    let case = test_case(model, tool, op, &file_fields, stubs);
    ToolPlan {
        tool,
        op,
        server,
        file_fields,
        file_content_types,
        body_media_types,
        security,
        case,
    }
}

/// The style name as OpenAPI spells it.
pub fn style_name(style: ParamStyle) -> &'static str {
    match style {
        ParamStyle::Matrix => "matrix",
        ParamStyle::Label => "label",
        ParamStyle::Form => "form",
        ParamStyle::Simple => "simple",
        ParamStyle::SpaceDelimited => "spaceDelimited",
        ParamStyle::PipeDelimited => "pipeDelimited",
        ParamStyle::DeepObject => "deepObject",
    }
}

/// Whether a parameter is described by `content` (sent as JSON text).
pub fn is_content_param(param: &Parameter) -> bool {
    param.media_type.is_some()
}

fn is_binary(schema: &Value) -> bool {
    matches!(
        schema.get("format").and_then(Value::as_str),
        Some("binary") | Some("base64")
    ) || schema.get("contentMediaType").is_some()
}

/// Multipart fields that upload files (binary schemas, or arrays of them) and their declared content types,
/// as `src/http` finds them.
fn file_fields(
    model: &ApiModel,
    op: &Operation,
    media_type: Option<&str>,
) -> (Vec<String>, Vec<(String, String)>) {
    let Some(media_type) = media_type.filter(|m| BodyKind::of(m) == BodyKind::Multipart) else {
        return (Vec::new(), Vec::new());
    };
    let Some(media) = op
        .request_body
        .as_ref()
        .and_then(|b| b.content.get(media_type))
    else {
        return (Vec::new(), Vec::new());
    };
    let mut fields = Vec::new();
    if let Some(schema) = &media.schema {
        let schema = model.resolve(schema);
        let mut parts = vec![schema];
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            parts.push(model.resolve(part));
        }
        for part in parts {
            for (name, property) in part
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let property = model.resolve(property);
                let item = property
                    .get("items")
                    .map(|i| model.resolve(i))
                    .unwrap_or(property);
                if is_binary(item) && !fields.contains(name) {
                    fields.push(name.clone());
                }
            }
        }
    }
    let declared = fields
        .iter()
        .filter_map(|name| {
            let kind = media.encoding.get(name)?.get("contentType")?.as_str()?;
            Some((name.clone(), kind.to_string()))
        })
        .collect();
    (fields, declared)
}

/// Valid arguments (every optional one too, within bounds) and the answer the stub gives for the tool.
fn test_case(
    model: &ApiModel,
    tool: &ToolDefinition,
    op: &Operation,
    files: &[String],
    stubs: &StubCache,
) -> TestCase {
    let options = SynthOptions {
        max_optional: 64,
        ..SynthOptions::new(Direction::Request)
    };
    let mut arguments = match synthesize_with(&tool.input_schema, model, &options) {
        Value::Object(arguments) => arguments,
        _ => Map::new(),
    };
    // A header or cookie whose name is not an HTTP token cannot be sent (by any client): leave it out.
    for binding in &tool.bindings {
        if let crate::tools::ArgumentTarget::Header(name)
        | crate::tools::ArgumentTarget::Cookie(name) = &binding.target
            && !is_http_token(name)
        {
            arguments.remove(&binding.argument);
        }
    }
    let file_arguments = tool
        .bindings
        .iter()
        .filter(|b| matches!(&b.target, crate::tools::ArgumentTarget::BodyProperty(name) if files.contains(name)))
        .filter(|b| arguments.contains_key(&b.argument))
        .map(|b| b.argument.clone())
        .collect();
    let (status, content_type, json_body, raw_body) = stub_answer(model, tool, op, stubs);
    TestCase {
        arguments,
        file_arguments,
        status,
        content_type,
        json_body,
        raw_body,
    }
}

/// The stub's answer: the success response the outputSchema describes (else the first 2xx), with its
/// example when it fits the schema, else a value synthesized from the schema.
fn stub_answer(
    model: &ApiModel,
    tool: &ToolDefinition,
    op: &Operation,
    stubs: &StubCache,
) -> (u16, Option<String>, Option<Arc<Value>>, Vec<u8>) {
    let mut successes: Vec<_> = op
        .responses
        .iter()
        .filter(|r| r.status.starts_with('2'))
        .collect();
    successes.sort_by_key(|r| r.status.parse::<u16>().unwrap_or(u16::MAX));
    let response = match &tool.output_status {
        Some(status) => successes.iter().find(|r| &r.status == status).copied(),
        None => successes.first().copied(),
    };
    let Some(response) = response else {
        return (
            200,
            Some("application/json".into()),
            Some(Arc::new(json!({"ok": true}))),
            Vec::new(),
        );
    };
    let status = response.status.parse::<u16>().unwrap_or(200);
    let Some((media_type, media)) = response.content.iter().next() else {
        return (
            if status == 200 { 204 } else { status },
            None,
            None,
            Vec::new(),
        );
    };
    let kind = BodyKind::of(media_type);
    if kind == BodyKind::Json {
        let body = match (&tool.output_schema, &media.schema) {
            (Some(output), _) => {
                let example = media
                    .example
                    .as_ref()
                    .or_else(|| media.examples.values().next());
                match example {
                    Some(example) if stubs.fits(output, example) => Arc::new(example.clone()),
                    _ => stubs.synthesized(output, model),
                }
            }
            (None, Some(schema)) => stubs.synthesized_from_text(schema, model),
            (None, None) => Arc::new(json!({"ok": true})),
        };
        return (status, Some(media_type.clone()), Some(body), Vec::new());
    }
    let raw = match kind {
        BodyKind::Text | BodyKind::Xml => match &media.example {
            Some(Value::String(text)) => text.clone().into_bytes(),
            _ => b"example text".to_vec(),
        },
        _ => (0u8..32).collect(),
    };
    (status, Some(media_type.clone()), None, raw)
}

/// Whether `name` can be a header or cookie name (an RFC 9110 token).
pub fn is_http_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

type Compiled = Arc<OnceLock<Option<jsonschema::Validator>>>;

/// How examples are checked against one output schema.
struct Check {
    /// Whether [`fits::fit`] can check them (most output schemas: no validator to compile).
    direct: bool,
    /// The whole schema's validator, for when it cannot or is unsure.
    compiled: OnceLock<Compiled>,
}

/// What the stubs' answers need per output schema, shared by the workers: how examples are checked (one
/// validator per distinct schema where one is needed: compiling costs far more than checking) and synthesized
/// answers.
#[derive(Default)]
struct StubCache {
    checks: ByAddress<Arc<Check>>,
    validators_by_text: OnceEach<String, Compiled>,
    formats: fits::Formats,
    synthesized: ByAddress<Arc<Value>>,
    /// For the spec's own schemas (not shared: often equal, as lists of the same named schema are).
    synthesized_by_text: OnceEach<String, Arc<Value>>,
}

impl StubCache {
    /// Whether `value` is valid against `schema` (false when the schema does not compile).
    fn fits(&self, schema: &Arc<Value>, value: &Value) -> bool {
        // An object schema refuses anything else: no need to check further.
        if schema.get("type").and_then(Value::as_str) == Some("object") && !value.is_object() {
            return false;
        }
        let check = self.checks.of(schema, || {
            Arc::new(Check {
                direct: fits::checkable(schema, &self.formats),
                compiled: OnceLock::new(),
            })
        });
        if check.direct {
            match fits::fit(schema, value, &self.formats) {
                Fit::Yes => return true,
                Fit::No => return false,
                Fit::Unsure => {}
            }
        }
        // Equal schemas behind different `Arc`s share the validator too.
        let compiled = check.compiled.get_or_init(|| {
            let key = serde_json::to_string(&**schema).unwrap_or_default();
            self.validators_by_text.get(key, Compiled::default)
        });
        compiled
            .get_or_init(|| {
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(schema)
                    .ok()
            })
            .as_ref()
            .is_some_and(|validator| validator.is_valid(value))
    }

    /// The value synthesized for `schema`.
    fn synthesized(&self, schema: &Arc<Value>, model: &ApiModel) -> Arc<Value> {
        self.synthesized
            .of(schema, || Arc::new(synthesize(schema, model)))
    }

    /// The value synthesized for `schema`, once per distinct text.
    fn synthesized_from_text(&self, schema: &Value, model: &ApiModel) -> Arc<Value> {
        let text = serde_json::to_string(schema).unwrap_or_default();
        self.synthesized_by_text
            .get(text, || Arc::new(synthesize(schema, model)))
    }
}

/// Scheme variables in the form the runtime needs: for each scheme, its kind and variable names.
pub fn scheme_variables(prefix: &str, name: &str, scheme: &SecurityScheme) -> SchemeVariables {
    let base = format!("{prefix}_{}", upper_snake(name));
    match scheme {
        SecurityScheme::ApiKey { name, location, .. } => SchemeVariables::ApiKey {
            variable: base,
            name: name.clone(),
            location: location.as_str(),
        },
        SecurityScheme::Http { scheme, .. } if scheme == "basic" => SchemeVariables::Basic {
            username: format!("{base}_USERNAME"),
            password: format!("{base}_PASSWORD"),
        },
        SecurityScheme::Http { .. } | SecurityScheme::OpenIdConnect { .. } => {
            SchemeVariables::Bearer {
                token: format!("{base}_TOKEN"),
            }
        }
        SecurityScheme::OAuth2 { flows, .. } => {
            let flow = flows
                .iter()
                .find(|f| f.kind == OAuthFlowKind::ClientCredentials);
            SchemeVariables::OAuth2 {
                token: format!("{base}_TOKEN"),
                client_id: flow.map(|_| format!("{base}_CLIENT_ID")),
                client_secret: flow.map(|_| format!("{base}_CLIENT_SECRET")),
                token_url: flow.and_then(|f| f.token_url.clone()),
            }
        }
        SecurityScheme::MutualTls { .. } => SchemeVariables::Unsupported { kind: "mutualTLS" },
    }
}

/// How one security scheme reads its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeVariables {
    ApiKey {
        variable: String,
        name: String,
        location: &'static str,
    },
    Basic {
        username: String,
        password: String,
    },
    Bearer {
        token: String,
    },
    OAuth2 {
        token: String,
        client_id: Option<String>,
        client_secret: Option<String>,
        token_url: Option<String>,
    },
    Unsupported {
        kind: &'static str,
    },
}
