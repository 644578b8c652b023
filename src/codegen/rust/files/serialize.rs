//! Parameter values onto the wire as OpenAPI's `style` and `explode` say.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::Value;

use crate::definitions::Parameter;

/// Characters escaped in a path segment or a query component (everything but RFC 3986 unreserved).
const COMPONENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'$')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b'+')
    .add(b',')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// With `allowReserved`: only what can never appear raw.
const RESERVED_ALLOWED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes a path segment or query component.
pub fn encode(text: &str, allow_reserved: bool) -> String {
    let set = if allow_reserved {
        RESERVED_ALLOWED
    } else {
        COMPONENT
    };
    utf8_percent_encode(text, set).to_string()
}

/// A primitive as text (`true`, `12`, `a b`); objects and arrays as JSON.
pub fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A path parameter's replacement for `{name}`: a `content` parameter is its JSON text.
pub fn param_path_value(param: &Parameter, value: &Value) -> String {
    if param.content {
        return encode(&value.to_string(), false);
    }
    path_value(
        &param.name,
        value,
        &param.style,
        param.explode,
        param.allow_reserved,
    )
}

/// A query parameter's pairs: a `content` parameter is one pair of JSON text.
pub fn param_query_pairs(param: &Parameter, value: &Value) -> Vec<String> {
    if param.content {
        return vec![format!(
            "{}={}",
            encode(&param.name, false),
            encode(&value.to_string(), false)
        )];
    }
    query_pairs(
        &param.name,
        value,
        &param.style,
        param.explode,
        param.allow_reserved,
    )
}

/// A path parameter's replacement for `{name}` (already percent-encoded).
pub fn path_value(
    name: &str,
    value: &Value,
    style: &str,
    explode: bool,
    allow_reserved: bool,
) -> String {
    let enc = |s: &str| encode(s, allow_reserved);
    match style {
        "label" => {
            let sep = if explode { "." } else { "," };
            format!(".{}", join_value(value, sep, explode, &enc))
        }
        "matrix" => match value {
            Value::Array(items) if explode => items
                .iter()
                .map(|v| format!(";{name}={}", enc(&scalar_text(v))))
                .collect(),
            Value::Object(map) if explode => map
                .iter()
                .map(|(k, v)| format!(";{}={}", enc(k), enc(&scalar_text(v))))
                .collect(),
            _ => format!(";{name}={}", join_value(value, ",", false, &enc)),
        },
        _ => join_value(value, ",", explode, &enc),
    }
}

/// `a,b,c` for arrays; `k,v,k2,v2` (or `k=v,k2=v2` exploded) for objects; the text of a primitive.
fn join_value(value: &Value, sep: &str, explode: bool, enc: &dyn Fn(&str) -> String) -> String {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| enc(&scalar_text(v)))
            .collect::<Vec<_>>()
            .join(sep),
        Value::Object(map) if explode => map
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(&scalar_text(v))))
            .collect::<Vec<_>>()
            .join(sep),
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [enc(k), enc(&scalar_text(v))])
            .collect::<Vec<_>>()
            .join(sep),
        other => enc(&scalar_text(other)),
    }
}

/// Query pairs (`name=value`, already percent-encoded) for one parameter.
pub fn query_pairs(
    name: &str,
    value: &Value,
    style: &str,
    explode: bool,
    allow_reserved: bool,
) -> Vec<String> {
    let enc = |s: &str| encode(s, allow_reserved);
    let key = encode(name, false);
    match (style, value) {
        ("deepObject", Value::Object(map)) => map
            .iter()
            .flat_map(|(k, v)| deep_object_pairs(&format!("{name}[{k}]"), v))
            .collect(),
        ("spaceDelimited", Value::Array(items)) if !explode => vec![format!(
            "{key}={}",
            items
                .iter()
                .map(|v| enc(&scalar_text(v)))
                .collect::<Vec<_>>()
                .join("%20")
        )],
        ("pipeDelimited", Value::Array(items)) if !explode => vec![format!(
            "{key}={}",
            items
                .iter()
                .map(|v| enc(&scalar_text(v)))
                .collect::<Vec<_>>()
                .join("|")
        )],
        (_, Value::Array(items)) if explode => items
            .iter()
            .map(|v| format!("{key}={}", enc(&scalar_text(v))))
            .collect(),
        (_, Value::Object(map)) if explode => map
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k, false), enc(&scalar_text(v))))
            .collect(),
        (_, other) => vec![format!("{key}={}", join_value(other, ",", false, &enc))],
    }
}

/// `filter[a]=1`, nesting further for nested objects (`filter[a][b]=1`) and repeating for arrays.
fn deep_object_pairs(prefix: &str, value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| deep_object_pairs(&format!("{prefix}[{k}]"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                format!(
                    "{}={}",
                    encode(prefix, false),
                    encode(&scalar_text(v), false)
                )
            })
            .collect(),
        other => vec![format!(
            "{}={}",
            encode(prefix, false),
            encode(&scalar_text(other), false)
        )],
    }
}

/// A header's value (`simple` style; not percent-encoded).
pub fn header_value(value: &Value, explode: bool) -> String {
    join_value(value, ",", explode, &|s: &str| s.to_string())
}

/// One `name=value` pair of a Cookie header.
pub fn cookie_pair(name: &str, value: &Value, explode: bool) -> String {
    match value {
        Value::Array(items) if explode => items
            .iter()
            .map(|v| format!("{name}={}", encode(&scalar_text(v), false)))
            .collect::<Vec<_>>()
            .join("; "),
        other => format!(
            "{name}={}",
            join_value(other, ",", false, &|s: &str| encode(s, false))
        ),
    }
}

/// `a=1&tags=x&tags=y`: arrays repeat their key, objects are sent as JSON text.
pub fn form_urlencoded(value: &Value) -> String {
    let Some(fields) = value.as_object() else {
        return encode(&scalar_text(value), false);
    };
    let mut pairs = Vec::new();
    for (key, value) in fields {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    pairs.push(format!(
                        "{}={}",
                        encode(key, false),
                        encode(&scalar_text(item), false)
                    ));
                }
            }
            other => pairs.push(format!(
                "{}={}",
                encode(key, false),
                encode(&scalar_text(other), false)
            )),
        }
    }
    pairs.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn styles() {
        assert_eq!(
            path_value("id", &json!(["a", "b c"]), "simple", false, false),
            "a,b%20c"
        );
        assert_eq!(path_value("id", &json!(5), "label", false, false), ".5");
        assert_eq!(
            path_value("id", &json!([1, 2]), "matrix", true, false),
            ";id=1;id=2"
        );
        assert_eq!(
            query_pairs("f", &json!({"a": {"b": 1}}), "deepObject", true, false),
            vec!["f%5Ba%5D%5Bb%5D=1"]
        );
        assert_eq!(
            query_pairs("t", &json!(["x", "y"]), "pipeDelimited", false, false),
            vec!["t=x|y"]
        );
        assert_eq!(cookie_pair("c", &json!([1, 2]), true), "c=1; c=2");
        assert_eq!(
            form_urlencoded(&json!({"reason": "moved away", "tags": ["a", "b&c"], "skip": null})),
            "reason=moved%20away&tags=a&tags=b%26c"
        );
    }
}
