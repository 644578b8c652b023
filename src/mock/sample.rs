//! A valid request for any operation: every parameter filled (the spec's example when it fits its schema,
//! else a synthesized value) and serialized per its style, a body, and credentials for the first security
//! requirement. Tests use it to call every operation; parameters go on the wire through the same
//! serializer as `mcpow serve`'s calls (`http::serialize`).

use serde_json::{Map, Value, json};

use super::synth::{flat_schema, plausible_example, synthesize_request};
use crate::http::serialize;
use crate::spec::model::{
    ApiModel, BodyKind, HttpMethod, Operation, ParamLocation, Parameter, SecurityScheme,
};

/// The multipart boundary of sample bodies.
pub const SAMPLE_BOUNDARY: &str = "mcpow-sample-boundary";

/// A request ready to send to `BASE + path_and_query()`.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRequest {
    pub method: HttpMethod,
    /// The path with its parameters filled in (relative to the server URL).
    pub path: String,
    /// The query string without `?`, or `None`.
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Option<SampleBody>,
}

impl SampleRequest {
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SampleBody {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A value for one parameter: its example when plausible, else one synthesized from its schema.
pub fn parameter_value(model: &ApiModel, param: &Parameter) -> Value {
    let example = param
        .example
        .as_ref()
        .or_else(|| param.examples.values().next());
    match example {
        Some(example) if example_fits(model, example, &param.schema) => example.clone(),
        _ => synthesize_request(&param.schema, model),
    }
}

fn example_fits(model: &ApiModel, example: &Value, schema: &Value) -> bool {
    match example {
        Value::Array(items) => {
            let map = flat_schema(model, schema);
            let items_schema = map.get("items").cloned().unwrap_or(Value::Bool(true));
            !items.is_empty()
                && items
                    .iter()
                    .all(|i| plausible_example(i, &items_schema, model))
        }
        Value::Object(_) => false,
        other => plausible_example(other, schema, model),
    }
}

/// A valid request for `op`.
pub fn sample_request(model: &ApiModel, op: &Operation) -> SampleRequest {
    let mut path = op.path.split('?').next().unwrap_or("").to_string();
    let mut query: Vec<String> = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut cookies: Vec<String> = Vec::new();
    for param in &op.parameters {
        let value = parameter_value(model, param);
        match param.location {
            ParamLocation::Path => {
                let text = serialize::param_path_value(param, &value);
                path = path.replace(&format!("{{{}}}", param.name), &text);
            }
            ParamLocation::Query => query.extend(serialize::param_query_pairs(param, &value)),
            ParamLocation::Header => {
                if !matches!(
                    param.name.to_ascii_lowercase().as_str(),
                    "accept" | "content-type" | "authorization"
                ) {
                    headers.push((
                        param.name.clone(),
                        serialize::header_value(&value, param.explode),
                    ));
                }
            }
            ParamLocation::Cookie => {
                cookies.push(serialize::cookie_pair(&param.name, &value, param.explode))
            }
        }
    }
    add_credentials(model, op, &mut headers, &mut query, &mut cookies);
    if !cookies.is_empty() {
        headers.push(("Cookie".into(), cookies.join("; ")));
    }
    let body = sample_body(model, op);
    SampleRequest {
        method: op.method,
        path,
        query: (!query.is_empty()).then(|| query.join("&")),
        headers,
        body,
    }
}

/// Credentials for the first security requirement of `op` (placeholders: only presence matters).
fn add_credentials(
    model: &ApiModel,
    op: &Operation,
    headers: &mut Vec<(String, String)>,
    query: &mut Vec<String>,
    cookies: &mut Vec<String>,
) {
    let Some(requirement) = model.security_for(op).first() else {
        return;
    };
    for name in requirement.keys() {
        match model.security_schemes.get(name) {
            Some(SecurityScheme::ApiKey { name, location, .. }) => match location {
                ParamLocation::Header => headers.push((name.clone(), "mock-api-key".into())),
                ParamLocation::Query => query.push(format!("{name}=mock-api-key")),
                ParamLocation::Cookie => cookies.push(format!("{name}=mock-api-key")),
                ParamLocation::Path => {}
            },
            Some(SecurityScheme::Http { scheme, .. }) if scheme == "basic" => {
                headers.push(("Authorization".into(), "Basic bW9jazptb2Nr".into()));
            }
            Some(SecurityScheme::Http { scheme, .. }) if scheme != "bearer" => {
                headers.push(("Authorization".into(), format!("{scheme} mock-credentials")));
            }
            Some(_) => headers.push(("Authorization".into(), "Bearer mock-token".into())),
            None => {}
        }
    }
}

fn sample_body(model: &ApiModel, op: &Operation) -> Option<SampleBody> {
    let declared = op.request_body.as_ref()?;
    let rank = |media_type: &str| match BodyKind::of(media_type) {
        BodyKind::Json => 0,
        BodyKind::FormUrlencoded => 1,
        BodyKind::Multipart => 2,
        _ => 3,
    };
    let (media_type, media) = declared.content.iter().min_by_key(|(k, _)| rank(k))?;
    let value = match &media.schema {
        Some(schema) => synthesize_request(schema, model),
        None => json!({}),
    };
    if let Some(graphql) = &op.graphql {
        let request = json!({"query": graphql.document, "variables": value});
        return Some(SampleBody {
            content_type: "application/json".into(),
            bytes: serde_json::to_vec(&request).unwrap_or_default(),
        });
    }
    let concrete = if media_type.contains('*') {
        "application/json".to_string()
    } else {
        media_type.clone()
    };
    let bytes = match BodyKind::of(&concrete) {
        BodyKind::Json => serde_json::to_vec(&value).unwrap_or_default(),
        BodyKind::FormUrlencoded => {
            let mut pairs = Vec::new();
            if let Value::Object(map) = &value {
                form_pairs(map, &mut pairs);
            }
            let mut serializer = url::form_urlencoded::Serializer::new(String::new());
            serializer.extend_pairs(pairs);
            serializer.finish().into_bytes()
        }
        BodyKind::Multipart => {
            let content_type = format!("multipart/form-data; boundary={SAMPLE_BOUNDARY}");
            return Some(SampleBody {
                content_type,
                bytes: multipart(model, media.schema.as_ref(), &value),
            });
        }
        _ => match &value {
            Value::String(s) => s.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        },
    };
    Some(SampleBody {
        content_type: concrete,
        bytes,
    })
}

fn form_pairs(map: &Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (key, value) in map {
        form_value(key.clone(), value, out);
    }
}

/// One form field: nested objects as `a[b]=`, lists of scalars as repeated keys, lists of objects as
/// `a[0][b]=`, and `a=` for an empty list or map (a form has no other way to send one).
fn form_value(key: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(inner) if inner.is_empty() => out.push((key, String::new())),
        Value::Array(items) if items.is_empty() => out.push((key, String::new())),
        Value::Object(inner) => {
            for (name, child) in inner {
                form_value(format!("{key}[{name}]"), child, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        form_value(format!("{key}[{index}]"), item, out)
                    }
                    other => out.push((key.clone(), serialize::scalar_text(other))),
                }
            }
        }
        other => out.push((key, serialize::scalar_text(other))),
    }
}

fn multipart(model: &ApiModel, schema: Option<&Value>, value: &Value) -> Vec<u8> {
    let properties = schema
        .map(|s| flat_schema(model, s))
        .and_then(|m| m.get("properties").and_then(Value::as_object).cloned())
        .unwrap_or_default();
    let mut out = Vec::new();
    let Value::Object(map) = value else {
        return format!("--{SAMPLE_BOUNDARY}--\r\n").into_bytes();
    };
    for (name, field) in map {
        let binary = properties.get(name).is_some_and(|p| {
            let flat = flat_schema(model, p);
            flat.get("format").and_then(Value::as_str) == Some("binary")
                || flat.contains_key("contentMediaType")
                || flat.contains_key("contentEncoding")
        });
        let items: Vec<&Value> = match field {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for item in items {
            out.extend(format!("--{SAMPLE_BOUNDARY}\r\n").as_bytes());
            if binary {
                out.extend(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}.bin\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                out.extend(b"sample file content");
            } else if item.is_object() || item.is_array() {
                out.extend(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"\r\n\
                         Content-Type: application/json\r\n\r\n{item}"
                    )
                    .as_bytes(),
                );
            } else {
                out.extend(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{}",
                        serialize::scalar_text(item)
                    )
                    .as_bytes(),
                );
            }
            out.extend(b"\r\n");
        }
    }
    out.extend(format!("--{SAMPLE_BOUNDARY}--\r\n").as_bytes());
    out
}
