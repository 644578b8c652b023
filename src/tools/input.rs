//! A tool's arguments: path, query, header and cookie parameters and the request body merged into one object
//! schema, with a binding that says where each argument goes; and the output schema from the responses.
//!
//! Names: parameters keep their own names in the order path, query, header, cookie, then body properties. A
//! name already taken gets its location as a prefix (`query_id`, `header_X-Id`, `cookie_id`, `body_id`), then
//! `_2`, `_3`, ... A body that is not a plain object (an array, a string, binary, a top-level `oneOf`/`anyOf`,
//! or an object without properties) is one argument, `body` (or `request_body` if `body` is taken).

use std::collections::HashSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::merge::{is_object_schema, merge_all_of};
use super::schema::{Direction, Inliner};
use super::text::{bound, clean_markup};
use crate::spec::model::{
    ApiModel, BodyKind, MediaType, Operation, ParamLocation, Parameter, SecurityScheme,
};

/// Longest description kept on one argument.
const MAX_ARGUMENT_DESCRIPTION: usize = 512;

/// Where one argument of a tool call goes in the HTTP request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "in", content = "name", rename_all = "camelCase")]
pub enum ArgumentTarget {
    /// The path parameter of this name.
    Path(String),
    Query(String),
    Header(String),
    Cookie(String),
    /// The property of this name in an object body.
    BodyProperty(String),
    /// The whole request body.
    Body,
}

impl ArgumentTarget {
    /// Where it goes (`path`, `query`, `header`, `cookie`, `body_property`, `body`) and the name there
    /// (empty for the whole body): how generated connectors spell a binding.
    pub fn place_and_name(&self) -> (&'static str, &str) {
        match self {
            ArgumentTarget::Path(name) => ("path", name),
            ArgumentTarget::Query(name) => ("query", name),
            ArgumentTarget::Header(name) => ("header", name),
            ArgumentTarget::Cookie(name) => ("cookie", name),
            ArgumentTarget::BodyProperty(name) => ("body_property", name),
            ArgumentTarget::Body => ("body", ""),
        }
    }
}

/// One argument of a tool and where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArgumentBinding {
    /// The property name in the tool's `inputSchema`.
    pub argument: String,
    pub target: ArgumentTarget,
}

/// The input side of one tool.
pub(crate) struct Input {
    pub schema: Value,
    pub bindings: Vec<ArgumentBinding>,
    pub body_media_type: Option<String>,
}

/// Header parameters that OpenAPI says to ignore: the HTTP layer sets them.
fn is_ignored_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

/// Parameters the operation's security schemes fill in (API keys): credentials are not tool arguments.
fn credential_params(model: &ApiModel, op: &Operation) -> Vec<(ParamLocation, String)> {
    let mut found = Vec::new();
    for requirement in model.security_for(op) {
        for scheme in requirement.keys() {
            if let Some(SecurityScheme::ApiKey { name, location, .. }) =
                model.security_schemes.get(scheme)
            {
                found.push((*location, name.clone()));
            }
        }
    }
    found
}

fn location_rank(location: ParamLocation) -> u8 {
    match location {
        ParamLocation::Path => 0,
        ParamLocation::Query => 1,
        ParamLocation::Header => 2,
        ParamLocation::Cookie => 3,
    }
}

/// Argument names handed out so far.
struct Names(HashSet<String>);

impl Names {
    /// `wanted` made a valid argument name, else with the location prefix, else with `_2`, `_3`, ... Every
    /// result matches `^[A-Za-z0-9_.-]{1,64}$`.
    fn claim(&mut self, wanted: &str, prefix: &str) -> String {
        // Argument names are ASCII, so byte positions are character positions.
        let cut = |text: &str, len: usize| text[..text.len().min(len)].to_string();
        let base = argument_name(wanted);
        let prefixed = cut(&format!("{prefix}_{base}"), MAX_ARGUMENT_NAME);
        let mut name = base;
        if self.0.contains(&name) {
            name = prefixed.clone();
        }
        let mut n = 2;
        while self.0.contains(&name) {
            let suffix = format!("_{n}");
            name = cut(&prefixed, MAX_ARGUMENT_NAME - suffix.len()) + &suffix;
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

/// The longest argument name: some model APIs reject longer property keys in tool schemas.
pub const MAX_ARGUMENT_NAME: usize = 64;

/// Whether `name` is usable as an argument: `^[A-Za-z0-9_.-]{1,64}$`, the rule model APIs (Anthropic's among
/// them) apply to the top-level property keys of a tool's input schema, rejecting the whole tool list otherwise.
pub fn is_valid_argument_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_ARGUMENT_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// A parameter or property name as an argument name. Valid names stay as they are; otherwise `<` and `>`
/// become `_lt` and `_gt` (Twilio's `StartTime<`), a trailing `[]` goes (`ids[]`), any other run of invalid
/// characters becomes one `_` (`filter[minAge]` → `filter_minAge`, `$top` → `top`), and the result is cut to 64.
pub fn argument_name(raw: &str) -> String {
    if is_valid_argument_name(raw) {
        return raw.to_string();
    }
    let raw = raw.strip_suffix("[]").unwrap_or(raw);
    let mut out = String::with_capacity(raw.len() + 4);
    let mut replaced = false;
    for c in raw.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '.' | '-' => {
                out.push(c);
                replaced = false;
            }
            '<' | '>' => {
                if !out.is_empty() && !replaced {
                    out.push('_');
                }
                out.push_str(if c == '<' { "lt" } else { "gt" });
                replaced = false;
            }
            _ => {
                if !replaced && !out.is_empty() {
                    out.push('_');
                }
                replaced = true;
            }
        }
    }
    if replaced && out.ends_with('_') {
        out.pop();
    }
    out.truncate(MAX_ARGUMENT_NAME);
    if out.is_empty() {
        out.push_str("arg");
    }
    out
}

/// Builds the input schema and bindings of `op`.
pub(crate) fn build_input(model: &ApiModel, op: &Operation, inliner: &mut Inliner<'_>) -> Input {
    let credentials = credential_params(model, op);
    let mut params: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| !(p.location == ParamLocation::Header && is_ignored_header(&p.name)))
        .filter(|p| {
            !credentials.iter().any(|(location, name)| {
                *location == p.location
                    && (name == &p.name
                        || (p.location == ParamLocation::Header
                            && name.eq_ignore_ascii_case(&p.name)))
            })
        })
        .collect();
    params.sort_by_key(|p| location_rank(p.location));

    let mut names = Names(HashSet::new());
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut bindings = Vec::new();
    for param in params {
        let argument = names.claim(&param.name, param.location.as_str());
        let schema = param_schema(param, inliner);
        if param.required {
            required.push(Value::String(argument.clone()));
        }
        properties.insert(argument.clone(), schema);
        let name = param.name.clone();
        let target = match param.location {
            ParamLocation::Path => ArgumentTarget::Path(name),
            ParamLocation::Query => ArgumentTarget::Query(name),
            ParamLocation::Header => ArgumentTarget::Header(name),
            ParamLocation::Cookie => ArgumentTarget::Cookie(name),
        };
        bindings.push(ArgumentBinding { argument, target });
    }

    let mut body_media_type = None;
    if let Some(body) = &op.request_body
        && let Some((media_type, media)) = choose_media_type(&body.content)
    {
        let schema = body_schema(media_type, media, inliner);
        if is_empty_object(&schema) {
            // Nothing to send (Stripe declares such bodies even on GET).
        } else if is_object_schema(&schema) && has_properties(&schema) {
            body_media_type = Some(media_type.to_string());
            let body_required: Vec<&Value> = match schema.get("required") {
                Some(Value::Array(list)) if body.required => list.iter().collect(),
                _ => Vec::new(),
            };
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (property, prop_schema) in props {
                    let argument = names.claim(property, "body");
                    if body_required.iter().any(|r| r.as_str() == Some(property)) {
                        required.push(Value::String(argument.clone()));
                    }
                    properties.insert(argument.clone(), prop_schema.clone());
                    let target = ArgumentTarget::BodyProperty(property.clone());
                    bindings.push(ArgumentBinding { argument, target });
                }
            }
        } else {
            body_media_type = Some(media_type.to_string());
            let argument = names.claim("body", "request");
            let mut schema = schema;
            if let (Some(text), Some(map)) = (&body.description, schema.as_object_mut())
                && !map.contains_key("description")
            {
                let text = bound(&clean_markup(text), MAX_ARGUMENT_DESCRIPTION);
                map.insert("description".to_string(), Value::String(text));
            }
            if body.required {
                required.push(Value::String(argument.clone()));
            }
            properties.insert(argument.clone(), schema);
            let target = ArgumentTarget::Body;
            bindings.push(ArgumentBinding { argument, target });
        }
    }

    let mut schema = Map::new();
    schema.insert("type".to_string(), json!("object"));
    schema.insert("properties".to_string(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".to_string(), Value::Array(required));
    }
    Input {
        schema: Value::Object(schema),
        bindings,
        body_media_type,
    }
}

/// An object that can have no properties at all: `{"type":"object","properties":{},"additionalProperties":false}`.
fn is_empty_object(schema: &Value) -> bool {
    is_object_schema(schema)
        && !has_properties(schema)
        && schema.get("additionalProperties") == Some(&Value::Bool(false))
        && schema.get("patternProperties").is_none()
}

fn has_properties(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

/// A parameter's schema with its description, deprecation and examples.
fn param_schema(param: &Parameter, inliner: &mut Inliner<'_>) -> Value {
    let schema = merge_all_of(inliner.inline(&param.schema, Direction::Request));
    let mut map = match schema {
        Value::Object(map) => map,
        Value::Bool(false) => Map::from_iter([("not".to_string(), json!({}))]),
        _ => Map::new(),
    };
    // A parameter is always input: `readOnly` on its schema (a shared component) would tell clients to
    // leave a required argument out.
    map.remove("readOnly");
    map.remove("writeOnly");
    let description = param
        .description
        .as_deref()
        .map(|d| bound(&clean_markup(d), MAX_ARGUMENT_DESCRIPTION))
        .filter(|d| !d.is_empty());
    let description = match (param.deprecated, description) {
        (true, Some(text)) => Some(format!("Deprecated. {text}")),
        (true, None) => Some("Deprecated.".to_string()),
        (false, text) => text,
    };
    if param.deprecated {
        map.insert("deprecated".to_string(), Value::Bool(true));
    }
    if let Some(text) = description {
        map.insert("description".to_string(), Value::String(text));
    }
    if !map.contains_key("examples") {
        let mut examples: Vec<Value> = param.example.iter().cloned().collect();
        examples.extend(
            param
                .examples
                .values()
                .filter(|v| !v.is_null())
                .take(3)
                .cloned(),
        );
        if !examples.is_empty() {
            map.insert("examples".to_string(), Value::Array(examples));
        }
    }
    Value::Object(map)
}

/// The body's media type: JSON first, then form-urlencoded, then multipart, then the first other one.
pub(crate) fn choose_media_type(
    content: &indexmap::IndexMap<String, MediaType>,
) -> Option<(&str, &MediaType)> {
    let rank = |media_type: &str| match BodyKind::of(media_type) {
        BodyKind::Json => 0,
        BodyKind::FormUrlencoded => 1,
        BodyKind::Multipart => 2,
        _ => 3,
    };
    content
        .iter()
        .enumerate()
        .min_by_key(|(index, (media_type, _))| (rank(media_type), *index))
        .map(|(_, (media_type, media))| (media_type.as_str(), media))
}

/// The body's schema, inlined and with a top-level `allOf` merged; a schema by kind when none is given.
fn body_schema(media_type: &str, media: &MediaType, inliner: &mut Inliner<'_>) -> Value {
    let schema = match &media.schema {
        Some(schema) => inliner.inline(schema, Direction::Request),
        None => match BodyKind::of(media_type) {
            BodyKind::Json | BodyKind::Other => json!({}),
            BodyKind::FormUrlencoded | BodyKind::Multipart => json!({"type": "object"}),
            BodyKind::OctetStream => json!({"type": "string", "format": "binary"}),
            BodyKind::Text | BodyKind::Xml => json!({"type": "string"}),
        },
    };
    merge_all_of(schema)
}

/// The output schema: from the first 2xx response (200 before 201 ..., `2XX` last) with a JSON body whose
/// schema is an object schema once top-level `allOf` is merged. Returns the status too.
pub(crate) fn build_output(
    op: &Operation,
    inliner: &mut Inliner<'_>,
) -> Option<(String, Arc<Value>)> {
    let mut successes: Vec<_> = op
        .responses
        .iter()
        .filter(|r| r.status.starts_with('2'))
        .collect();
    successes.sort_by_key(|r| r.status.parse::<u16>().unwrap_or(u16::MAX));
    for response in successes {
        let json_schema = response
            .content
            .iter()
            .filter(|(media_type, _)| BodyKind::of(media_type) == BodyKind::Json)
            .find_map(|(_, media)| media.schema.as_ref());
        let Some(schema) = json_schema else {
            continue;
        };
        let output = inliner.shared(schema, Direction::Response, |inlined| {
            let mut schema = merge_all_of(inlined);
            if !is_object_schema(&schema) {
                return None;
            }
            schema
                .as_object_mut()?
                .insert("type".to_string(), json!("object"));
            Some(schema)
        });
        if let Some(output) = output {
            return Some((response.status.clone(), output));
        }
    }
    None
}
