//! Parameter values onto the wire as OpenAPI's `style` and `explode` say.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::Value;

use crate::spec::model::{ParamStyle, Parameter};

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

pub(crate) fn encode(text: &str, allow_reserved: bool) -> String {
    let set = if allow_reserved {
        RESERVED_ALLOWED
    } else {
        COMPONENT
    };
    utf8_percent_encode(text, set).to_string()
}

/// A primitive as text (`true`, `12`, `a b`); objects and arrays as JSON.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A path parameter's replacement for `{name}`, as its spec says: a `content` parameter is its JSON text.
pub fn param_path_value(param: &Parameter, value: &Value) -> String {
    if param.media_type.is_some() {
        return encode(&value.to_string(), false);
    }
    path_value(
        &param.name,
        value,
        param.style,
        param.explode,
        param.allow_reserved,
    )
}

/// A query parameter's pairs, as its spec says: a `content` parameter is one pair of JSON text.
pub fn param_query_pairs(param: &Parameter, value: &Value) -> Vec<String> {
    if param.media_type.is_some() {
        return vec![format!(
            "{}={}",
            encode(&param.name, false),
            encode(&value.to_string(), false)
        )];
    }
    query_pairs(
        &param.name,
        value,
        param.style,
        param.explode,
        param.allow_reserved,
    )
}

/// A path parameter's replacement for `{name}` (already percent-encoded).
pub fn path_value(
    name: &str,
    value: &Value,
    style: ParamStyle,
    explode: bool,
    allow_reserved: bool,
) -> String {
    let enc = |s: &str| encode(s, allow_reserved);
    match style {
        ParamStyle::Label => {
            let sep = if explode { "." } else { "," };
            format!(".{}", join_value(value, sep, explode, &enc))
        }
        ParamStyle::Matrix => match value {
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
    style: ParamStyle,
    explode: bool,
    allow_reserved: bool,
) -> Vec<String> {
    let enc = |s: &str| encode(s, allow_reserved);
    let key = encode(name, false);
    match (style, value) {
        (ParamStyle::DeepObject, Value::Object(map)) => map
            .iter()
            .flat_map(|(k, v)| deep_object_pairs(&format!("{name}[{k}]"), v))
            .collect(),
        (ParamStyle::SpaceDelimited, Value::Array(items)) if !explode => {
            vec![format!(
                "{key}={}",
                items
                    .iter()
                    .map(|v| enc(&scalar_text(v)))
                    .collect::<Vec<_>>()
                    .join("%20")
            )]
        }
        (ParamStyle::PipeDelimited, Value::Array(items)) if !explode => {
            vec![format!(
                "{key}={}",
                items
                    .iter()
                    .map(|v| enc(&scalar_text(v)))
                    .collect::<Vec<_>>()
                    .join("|")
            )]
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_styles() {
        let list = json!(["a", "b c"]);
        let obj = json!({"r": 100, "g": 200});
        assert_eq!(
            path_value("id", &json!(5), ParamStyle::Simple, false, false),
            "5"
        );
        assert_eq!(
            path_value("id", &list, ParamStyle::Simple, false, false),
            "a,b%20c"
        );
        assert_eq!(
            path_value("id", &obj, ParamStyle::Simple, false, false),
            "r,100,g,200"
        );
        assert_eq!(
            path_value("id", &obj, ParamStyle::Simple, true, false),
            "r=100,g=200"
        );
        assert_eq!(
            path_value("id", &list, ParamStyle::Label, false, false),
            ".a,b%20c"
        );
        assert_eq!(
            path_value("id", &list, ParamStyle::Label, true, false),
            ".a.b%20c"
        );
        assert_eq!(
            path_value("id", &list, ParamStyle::Matrix, false, false),
            ";id=a,b%20c"
        );
        assert_eq!(
            path_value("id", &list, ParamStyle::Matrix, true, false),
            ";id=a;id=b%20c"
        );
        assert_eq!(
            path_value("p", &json!("a/b"), ParamStyle::Simple, false, false),
            "a%2Fb"
        );
        assert_eq!(
            path_value("p", &json!("a/b"), ParamStyle::Simple, false, true),
            "a/b"
        );
    }

    #[test]
    fn query_styles() {
        let list = json!(["dog", "cat"]);
        assert_eq!(
            query_pairs("s", &list, ParamStyle::Form, true, false),
            ["s=dog", "s=cat"]
        );
        assert_eq!(
            query_pairs("s", &list, ParamStyle::Form, false, false),
            ["s=dog,cat"]
        );
        assert_eq!(
            query_pairs("s", &list, ParamStyle::SpaceDelimited, false, false),
            ["s=dog%20cat"]
        );
        assert_eq!(
            query_pairs("s", &list, ParamStyle::PipeDelimited, false, false),
            ["s=dog|cat"]
        );
        let obj = json!({"minAge": 2, "vaccinated": true});
        assert_eq!(
            query_pairs("filter", &obj, ParamStyle::DeepObject, true, false),
            ["filter%5BminAge%5D=2", "filter%5Bvaccinated%5D=true"]
        );
        assert_eq!(
            query_pairs("f", &obj, ParamStyle::Form, true, false),
            ["minAge=2", "vaccinated=true"]
        );
        assert_eq!(
            query_pairs("f", &obj, ParamStyle::Form, false, false),
            ["f=minAge,2,vaccinated,true"]
        );
        assert_eq!(
            query_pairs("q", &json!("a&b=c"), ParamStyle::Form, true, false),
            ["q=a%26b%3Dc"]
        );
    }

    #[test]
    fn content_parameters_are_json_text() {
        let mut param = Parameter::new(
            "filter",
            crate::spec::model::ParamLocation::Query,
            json!({"type": "object"}),
        );
        param.media_type = Some("application/json".into());
        let value = json!({"a": [1, 2]});
        assert_eq!(
            param_query_pairs(&param, &value),
            vec!["filter=%7B%22a%22%3A%5B1%2C2%5D%7D".to_string()]
        );
        param.media_type = None;
        param.style = ParamStyle::DeepObject;
        assert_eq!(
            param_query_pairs(&param, &value),
            vec!["filter%5Ba%5D=1".to_string(), "filter%5Ba%5D=2".to_string()]
        );
    }

    #[test]
    fn headers_and_cookies() {
        assert_eq!(header_value(&json!([1, 2]), false), "1,2");
        assert_eq!(header_value(&json!({"a": 1}), true), "a=1");
        assert_eq!(cookie_pair("sid", &json!("x y"), false), "sid=x%20y");
        assert_eq!(cookie_pair("ids", &json!([1, 2]), false), "ids=1,2");
    }
}
