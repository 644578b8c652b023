//! Checking a request body against the operation's declared media types: JSON against its schema,
//! urlencoded forms and multipart bodies for their fields (converted to the schema's types, then validated).

use serde_json::{Map, Value};

use super::params::{bracket_path, coerce, insert_path};
use super::problem::{Problem, pointer_segment};
use super::synth::{Direction, flat_schema};
use super::validate::{SchemaChecker, issues};
use crate::spec::model::{BodyKind, MediaType, Operation};

/// Every problem with the request body of operation `op_index`.
pub(crate) fn check_body(
    op_index: usize,
    op: &Operation,
    content_type: Option<&str>,
    body: &[u8],
    checker: &SchemaChecker,
) -> Vec<Problem> {
    let Some(declared) = op.request_body.as_ref() else {
        return Vec::new();
    };
    if declared.content.is_empty() {
        return Vec::new();
    }
    if body.is_empty() {
        return if declared.required {
            vec![Problem::malformed(
                "body".into(),
                String::new(),
                "a request body is required".into(),
            )]
        } else {
            Vec::new()
        };
    }
    let Some((media_type, media)) = pick_media(&declared.content, content_type) else {
        let accepted: Vec<&str> = declared.content.keys().map(String::as_str).collect();
        return vec![Problem {
            status: 415,
            field: "header.Content-Type".into(),
            pointer: String::new(),
            message: format!(
                "content type {} is not accepted; send one of: {}",
                content_type.unwrap_or("(none)"),
                accepted.join(", ")
            ),
        }];
    };
    let Some(schema) = media.schema.as_ref() else {
        return Vec::new();
    };
    let key = format!("{op_index}/body/{media_type}");
    let model = checker.model();
    let (value, binary_fields) = match BodyKind::of(media_type) {
        BodyKind::Json => match serde_json::from_slice::<Value>(body) {
            Ok(value) => (value, Vec::new()),
            Err(error) => {
                let message = format!("the body is not valid JSON: {error}");
                return vec![Problem::malformed("body".into(), String::new(), message)];
            }
        },
        BodyKind::FormUrlencoded => {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            match typed_fields(fields_object(&pairs), schema, model) {
                Ok(value) => (value, Vec::new()),
                Err(problem) => return vec![problem],
            }
        }
        BodyKind::Multipart => {
            let parts = match parse_multipart(content_type.unwrap_or(""), body) {
                Ok(parts) => parts,
                Err(message) => {
                    return vec![Problem::malformed("body".into(), String::new(), message)];
                }
            };
            let properties = flat_schema(model, schema)
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let mut binary = Vec::new();
            let mut text_pairs = Vec::new();
            for part in parts {
                let is_binary = part.filename.is_some()
                    || properties
                        .get(&part.name)
                        .is_some_and(|p| is_binary_schema(p, checker));
                if is_binary {
                    binary.push(part.name.clone());
                    text_pairs.push((part.name, format!("<{} bytes>", part.data.len())));
                } else {
                    text_pairs.push((part.name, String::from_utf8_lossy(&part.data).into_owned()));
                }
            }
            match typed_fields(fields_object(&text_pairs), schema, model) {
                Ok(value) => (value, binary),
                Err(problem) => return vec![problem],
            }
        }
        _ => return Vec::new(),
    };
    let validator = checker.validator(&key, schema, Direction::Request);
    let Ok(validator) = validator.as_ref() else {
        return Vec::new();
    };
    issues(validator, &value, 20)
        .iter()
        .filter(|issue| {
            // File parts hold placeholders: only their presence is checked.
            issue.keyword == "required"
                || !binary_fields
                    .iter()
                    .any(|name| issue.pointer.starts_with(&pointer_segment(name)))
        })
        .map(|issue| Problem::from_issue("body", "", issue))
        .collect()
}

/// The declared media type for the request's `Content-Type`: the same essence, a wildcard, or the same kind;
/// without a `Content-Type`, the first declared.
fn pick_media<'a>(
    content: &'a indexmap::IndexMap<String, MediaType>,
    content_type: Option<&str>,
) -> Option<(&'a str, &'a MediaType)> {
    let Some(sent) = content_type else {
        return content.iter().next().map(|(k, v)| (k.as_str(), v));
    };
    let essence = |m: &str| {
        m.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let sent_essence = essence(sent);
    let exact = content.iter().find(|(k, _)| essence(k) == sent_essence);
    let wildcard = || {
        content.iter().find(|(k, _)| {
            let declared = essence(k);
            declared == "*/*"
                || declared
                    .strip_suffix("/*")
                    .is_some_and(|top| sent_essence.starts_with(&format!("{top}/")))
        })
    };
    let same_kind = || {
        let kind = BodyKind::of(sent);
        content
            .iter()
            .find(|(k, _)| kind != BodyKind::Other && BodyKind::of(k) == kind)
    };
    exact
        .or_else(wildcard)
        .or_else(same_kind)
        .map(|(k, v)| (k.as_str(), v))
}

fn is_binary_schema(schema: &Value, checker: &SchemaChecker) -> bool {
    let map = flat_schema(checker.model(), schema);
    map.get("format").and_then(Value::as_str) == Some("binary")
        || map.contains_key("contentMediaType")
        || map.contains_key("contentEncoding")
}

/// Form fields (`a=1&b[c]=2&tags=x&tags=y`) as an object of strings and arrays of strings.
fn fields_object(pairs: &[(String, String)]) -> Value {
    let mut root = Value::Object(Map::new());
    for (key, value) in pairs {
        let (head, brackets) = match key.find('[') {
            Some(at) => (&key[..at], &key[at..]),
            None => (key.as_str(), ""),
        };
        let mut path = vec![head.to_string()];
        path.extend(bracket_path(brackets));
        insert_path(&mut root, &path, value.clone());
    }
    root
}

/// Converts each top-level field to its property's type; a field that cannot be read is a 400 naming it.
fn typed_fields(
    fields: Value,
    schema: &Value,
    model: &crate::spec::model::ApiModel,
) -> Result<Value, Problem> {
    let map = flat_schema(model, schema);
    let properties = map.get("properties").and_then(Value::as_object);
    let Value::Object(fields) = fields else {
        return Ok(fields);
    };
    let mut out = Map::new();
    for (name, raw) in fields {
        let property = properties
            .and_then(|p| p.get(&name))
            .cloned()
            .unwrap_or(Value::Bool(true));
        match coerce(&raw, &property, model, 0) {
            Ok(value) => {
                out.insert(name, value);
            }
            Err(reason) => {
                let field = format!("body.{name}");
                let message = format!("{field}: {reason}");
                return Err(Problem::malformed(field, pointer_segment(&name), message));
            }
        }
    }
    Ok(Value::Object(out))
}

struct FormPart {
    name: String,
    filename: Option<String>,
    data: Vec<u8>,
}

/// Splits a `multipart/form-data` body into its named parts.
fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, String> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"').to_string())
        .ok_or("a multipart body needs a boundary in its Content-Type")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut at = find(body, &delimiter, 0).ok_or("the multipart body has no boundary line")?;
    loop {
        let start = at + delimiter.len();
        if body[start..].starts_with(b"--") {
            break;
        }
        let Some(next) = find(body, &delimiter, start) else {
            return Err("the multipart body is not terminated".into());
        };
        let section = &body[start..next];
        let section = section.strip_prefix(b"\r\n").unwrap_or(section);
        let section = section.strip_suffix(b"\r\n").unwrap_or(section);
        let split = find(section, b"\r\n\r\n", 0).ok_or("a multipart part has no header block")?;
        let headers = String::from_utf8_lossy(&section[..split]);
        let data = section[split + 4..].to_vec();
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .unwrap_or("");
        let name = disposition_param(disposition, "name")
            .ok_or("a multipart part has no name in its Content-Disposition")?;
        let filename = disposition_param(disposition, "filename");
        parts.push(FormPart {
            name,
            filename,
            data,
        });
        at = next;
        if parts.len() > 10_000 {
            return Err("the multipart body has too many parts".into());
        }
    }
    Ok(parts)
}

fn disposition_param(line: &str, key: &str) -> Option<String> {
    line.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}
