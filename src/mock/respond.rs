//! Building the mock's answer for an operation: which declared response (the first 2xx, `Prefer: code=N`,
//! `Prefer: example=NAME`), which media type (`Accept`), which value (the spec's examples, else a
//! synthesized one), rendered as JSON, text, XML or bytes, with the declared headers.

use axum::http::HeaderMap;
use serde_json::Value;

use super::problem::Problem;
use super::synth::synthesize;
use crate::spec::model::{ApiModel, BodyKind, MediaType, Operation, Response};

/// What the client asked for in `Prefer`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Prefer {
    pub code: Option<String>,
    pub example: Option<String>,
}

impl Prefer {
    /// Reads `Prefer: code=404, example=cat` (entries split by `,` or `;`).
    pub(crate) fn from_headers(headers: &HeaderMap) -> Prefer {
        let mut prefer = Prefer::default();
        for value in headers
            .get_all("prefer")
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            for entry in value.split([',', ';']) {
                let Some((key, val)) = entry.trim().split_once('=') else {
                    continue;
                };
                let val = val.trim().trim_matches('"').to_string();
                match key.trim().to_ascii_lowercase().as_str() {
                    "code" | "status" => prefer.code = Some(val),
                    "example" => prefer.example = Some(val),
                    _ => {}
                }
            }
        }
        prefer
    }
}

/// A rendered answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    /// `None` sends no body at all.
    pub body: Option<Vec<u8>>,
}

/// The status a declared response answers with (`2XX` → 200, `default` → 200).
fn status_of(status: &str) -> u16 {
    if let Ok(code) = status.parse::<u16>() {
        return code;
    }
    match status.as_bytes().first() {
        Some(d @ b'1'..=b'5') if status.len() == 3 => u16::from(d - b'0') * 100,
        _ => 200,
    }
}

/// The response used when the client states no preference: the first 2xx, else `default`, else the first.
fn default_response(op: &Operation) -> Option<&Response> {
    op.responses
        .iter()
        .find(|r| r.status.starts_with('2'))
        .or_else(|| op.responses.iter().find(|r| r.status == "default"))
        .or_else(|| op.responses.first())
}

fn declared_statuses(op: &Operation) -> String {
    let list: Vec<&str> = op.responses.iter().map(|r| r.status.as_str()).collect();
    list.join(", ")
}

fn prefer_problem(message: String) -> Problem {
    Problem {
        status: 400,
        field: "header.Prefer".into(),
        pointer: String::new(),
        message,
    }
}

/// Builds the answer for `op`.
pub(crate) fn respond(
    model: &ApiModel,
    op: &Operation,
    prefer: &Prefer,
    accept: Option<&str>,
    use_examples: bool,
) -> Result<Reply, Problem> {
    let (response, status) = match &prefer.code {
        Some(code) => {
            let wanted: u16 = code
                .parse()
                .ok()
                .filter(|c| (100..=599).contains(c))
                .ok_or_else(|| {
                    prefer_problem(format!("Prefer: code={code} is not a status code"))
                })?;
            let range = format!("{}XX", wanted / 100);
            let found = op
                .responses
                .iter()
                .find(|r| r.status == code.as_str())
                .or_else(|| {
                    op.responses
                        .iter()
                        .find(|r| r.status.eq_ignore_ascii_case(&range))
                })
                .or_else(|| op.responses.iter().find(|r| r.status == "default"));
            match found {
                Some(r) => (Some(r), wanted),
                None => {
                    return Err(prefer_problem(format!(
                        "status {code} is not declared for this operation (declared: {})",
                        declared_statuses(op)
                    )));
                }
            }
        }
        None => {
            let r = default_response(op);
            (r, r.map_or(200, |r| status_of(&r.status)))
        }
    };
    // A named example may live in another response than the default one.
    let mut chosen = response;
    let mut status = status;
    let mut named: Option<(&str, &MediaType, &Value)> = None;
    if let Some(name) = &prefer.example {
        let mut order: Vec<&Response> = chosen.into_iter().collect();
        if prefer.code.is_none() {
            order.extend(op.responses.iter());
        }
        let hit = order.iter().find_map(|r| {
            r.content.iter().find_map(|(media_type, media)| {
                media
                    .examples
                    .get(name)
                    .map(|value| (*r, media_type.as_str(), media, value))
            })
        });
        match hit {
            Some((r, media_type, media, value)) => {
                if prefer.code.is_none() {
                    status = status_of(&r.status);
                }
                chosen = Some(r);
                named = Some((media_type, media, value));
            }
            None => {
                let known: Vec<&str> = op
                    .responses
                    .iter()
                    .flat_map(|r| r.content.values())
                    .flat_map(|m| m.examples.keys().map(String::as_str))
                    .collect();
                return Err(prefer_problem(format!(
                    "no response example named {name:?} (named examples: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
        }
    }
    let Some(response) = chosen else {
        return Ok(Reply {
            status,
            headers: Vec::new(),
            content_type: None,
            body: None,
        });
    };
    let headers = response_headers(model, response);
    if response.content.is_empty() || status == 204 || status == 304 {
        return Ok(Reply {
            status,
            headers,
            content_type: None,
            body: None,
        });
    }
    let (media_type, media, value) = match named {
        Some((media_type, media, value)) => (media_type, media, value.clone()),
        None => match negotiate(&response.content, accept) {
            Some((media_type, media)) => {
                let value = match (&media.schema, use_examples) {
                    (Some(schema), false) => synthesize(schema, model),
                    _ => example_or_synthesized(model, media),
                };
                (media_type, media, value)
            }
            None => {
                return Ok(Reply {
                    status,
                    headers,
                    content_type: None,
                    body: None,
                });
            }
        },
    };
    let (content_type, body) = render(media_type, media, &value);
    Ok(Reply {
        status,
        headers,
        content_type: Some(content_type),
        body: Some(body),
    })
}

/// The spec's example (media `example`, the first of `examples`, the schema's `examples`/`example`), else a
/// value synthesized from the schema.
pub(crate) fn example_or_synthesized(model: &ApiModel, media: &MediaType) -> Value {
    if let Some(example) = &media.example {
        return example.clone();
    }
    if let Some((_, example)) = media.examples.first() {
        return example.clone();
    }
    let Some(schema) = &media.schema else {
        return Value::Object(Default::default());
    };
    let resolved = model.resolve(schema);
    if let Some(first) = resolved
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(example) = resolved.get("example") {
        return example.clone();
    }
    synthesize(schema, model)
}

/// The declared media type the `Accept` header prefers; without a match, the first JSON one, else the first.
fn negotiate<'a>(
    content: &'a indexmap::IndexMap<String, MediaType>,
    accept: Option<&str>,
) -> Option<(&'a str, &'a MediaType)> {
    let ranges: Vec<String> = accept
        .unwrap_or("")
        .split(',')
        .filter(|r| !r.contains("q=0") || r.contains("q=0."))
        .map(|r| {
            r.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|r| !r.is_empty() && r != "*/*")
        .collect();
    for range in &ranges {
        let hit = content.iter().find(|(declared, _)| {
            let declared = declared
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            &declared == range
                || range
                    .strip_suffix("/*")
                    .is_some_and(|top| declared.starts_with(&format!("{top}/")))
        });
        if let Some((k, v)) = hit {
            return Some((k.as_str(), v));
        }
    }
    content
        .iter()
        .find(|(k, _)| BodyKind::of(k) == BodyKind::Json)
        .or_else(|| content.iter().next())
        .map(|(k, v)| (k.as_str(), v))
}

/// The Content-Type and bytes for a value under a media type.
fn render(media_type: &str, media: &MediaType, value: &Value) -> (String, Vec<u8>) {
    let concrete = if media_type.contains('*') {
        match (media_type.starts_with("*/"), value) {
            (true, Value::String(_)) => "text/plain".to_string(),
            (true, _) => "application/json".to_string(),
            (false, _) => "application/octet-stream".to_string(),
        }
    } else {
        media_type.to_string()
    };
    let json = || serde_json::to_vec(value).unwrap_or_default();
    let body = match BodyKind::of(&concrete) {
        BodyKind::Json | BodyKind::FormUrlencoded => json(),
        BodyKind::Xml => match value {
            Value::String(text) if text.trim_start().starts_with('<') => text.clone().into_bytes(),
            _ => {
                let root = media
                    .schema
                    .as_ref()
                    .and_then(|s| s.pointer("/xml/name"))
                    .and_then(Value::as_str)
                    .unwrap_or("response");
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
                to_xml(root, value, &mut out, 0);
                out.into_bytes()
            }
        },
        BodyKind::OctetStream | BodyKind::Multipart => match value {
            Value::String(text) => text.clone().into_bytes(),
            _ => b"mock binary content".to_vec(),
        },
        BodyKind::Text | BodyKind::Other => match value {
            Value::String(text) => text.clone().into_bytes(),
            other => serde_json::to_vec(other).unwrap_or_default(),
        },
    };
    (concrete, body)
}

fn to_xml(name: &str, value: &Value, out: &mut String, depth: usize) {
    if depth > 64 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                to_xml(name, item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (key, child) in map {
                let key: String = key
                    .chars()
                    .map(|c| {
                        if c.is_alphanumeric() || c == '_' || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                to_xml(&key, child, out, depth + 1);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::String(text) => {
            let escaped = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            out.push_str(&format!("<{name}>{escaped}</{name}>"));
        }
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// Declared response headers with synthesized values (those that make sense to set by hand).
fn response_headers(model: &ApiModel, response: &Response) -> Vec<(String, String)> {
    response
        .headers
        .iter()
        .filter(|(name, _)| {
            !matches!(
                name.to_ascii_lowercase().as_str(),
                "content-type" | "content-length" | "transfer-encoding" | "connection"
            )
        })
        .take(32)
        .filter_map(|(name, schema)| {
            let text = match synthesize(schema, model) {
                Value::Null => return None,
                // A relative Location would send clients round in circles.
                Value::String(s) if name.eq_ignore_ascii_case("location") && !s.contains("://") => {
                    "https://example.com/".to_string()
                }
                Value::String(s) => s,
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            Some((name.clone(), text))
        })
        .collect()
}
