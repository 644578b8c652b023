//! What a parameter must look like on the wire, written here from the OpenAPI style table (3.1 §4.8.12.4),
//! independently of `src/http/serialize.rs`, so the round trip checks one against the other.
//!
//! Values are compared percent-decoded: the delimiters come from the style, the text from the value.

use mcpoverflow::spec::model::{ParamLocation, ParamStyle, Parameter};
use serde_json::Value;

/// A primitive as text: strings as they are, numbers and booleans as JSON writes them.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn joined<'a>(items: impl Iterator<Item = &'a Value>, delimiter: &str) -> String {
    items.map(text).collect::<Vec<_>>().join(delimiter)
}

/// `k,v,k2,v2` (or `k=v,k2=v2` when exploded), with `delimiter` between entries.
fn object_text(map: &serde_json::Map<String, Value>, explode: bool, delimiter: &str) -> String {
    map.iter()
        .map(|(k, v)| {
            if explode {
                format!("{k}={}", text(v))
            } else {
                format!("{k}{delimiter}{}", text(v))
            }
        })
        .collect::<Vec<_>>()
        .join(delimiter)
}

/// The decoded `name=value` pairs a query or cookie parameter becomes.
pub fn pairs(param: &Parameter, value: &Value) -> Vec<(String, String)> {
    let name = param.name.clone();
    if param.media_type.is_some() {
        return vec![(name, value.to_string())];
    }
    let delimiter = match param.style {
        ParamStyle::SpaceDelimited => " ",
        ParamStyle::PipeDelimited => "|",
        _ => ",",
    };
    match (param.style, value) {
        (ParamStyle::DeepObject, Value::Object(map)) => {
            let mut out = Vec::new();
            deep_pairs(&name, map, &mut out);
            out
        }
        (_, Value::Array(items)) if param.explode => {
            items.iter().map(|v| (name.clone(), text(v))).collect()
        }
        (_, Value::Array(items)) => vec![(name, joined(items.iter(), delimiter))],
        (_, Value::Object(map)) if param.explode => {
            map.iter().map(|(k, v)| (k.clone(), text(v))).collect()
        }
        (_, Value::Object(map)) => vec![(name, object_text(map, false, delimiter))],
        (_, primitive) => vec![(name, text(primitive))],
    }
}

fn deep_pairs(prefix: &str, map: &serde_json::Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (key, value) in map {
        let name = format!("{prefix}[{key}]");
        match value {
            Value::Object(inner) => deep_pairs(&name, inner, out),
            Value::Array(items) => out.extend(items.iter().map(|v| (name.clone(), text(v)))),
            primitive => out.push((name, text(primitive))),
        }
    }
}

/// The decoded text a path parameter's `{name}` becomes (simple, label or matrix), or a header's value.
pub fn segment(param: &Parameter, value: &Value) -> String {
    if param.media_type.is_some() {
        return value.to_string();
    }
    let explode = param.explode;
    match param.style {
        ParamStyle::Label => {
            let delimiter = if explode { "." } else { "," };
            match value {
                Value::Array(items) => format!(".{}", joined(items.iter(), delimiter)),
                Value::Object(map) => format!(".{}", object_text(map, explode, delimiter)),
                primitive => format!(".{}", text(primitive)),
            }
        }
        ParamStyle::Matrix => {
            let name = &param.name;
            match value {
                Value::Array(items) if explode => items
                    .iter()
                    .map(|v| format!(";{name}={}", text(v)))
                    .collect(),
                Value::Array(items) => format!(";{name}={}", joined(items.iter(), ",")),
                Value::Object(map) if explode => map
                    .iter()
                    .map(|(k, v)| format!(";{k}={}", text(v)))
                    .collect(),
                Value::Object(map) => format!(";{name}={}", object_text(map, false, ",")),
                primitive => format!(";{name}={}", text(primitive)),
            }
        }
        _ => match value {
            Value::Array(items) => joined(items.iter(), ","),
            Value::Object(map) => object_text(map, explode, ","),
            primitive => text(primitive),
        },
    }
}

/// Percent-decodes `%XX` (and nothing else: a `+` stays a `+`).
pub fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("-"), 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A raw query string as decoded pairs, in order.
pub fn query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// A `Cookie:` header as decoded pairs.
pub fn cookie_pairs(header: &str) -> Vec<(String, String)> {
    header
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// Whether `expected` appears in `actual` as a contiguous run (a parameter's pairs stay together).
pub fn contains_run(actual: &[(String, String)], expected: &[(String, String)]) -> bool {
    expected.is_empty() || actual.windows(expected.len()).any(|w| w == expected)
}

/// The path the mock must see for `template`, each `{name}` replaced with its decoded segment.
pub fn expected_path(template: &str, segments: &[(String, String)]) -> String {
    let mut path = template.to_string();
    for (name, value) in segments {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    path
}

/// The parameter of `op` at `location` named `name`.
pub fn find<'a>(
    params: &'a [Parameter],
    location: ParamLocation,
    name: &str,
) -> Option<&'a Parameter> {
    params
        .iter()
        .find(|p| p.location == location && p.name == name)
}
