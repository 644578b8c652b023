//! Reading an operation's parameters out of a request (per location, style and explode), converting them to
//! their schema's types, and validating them.

use axum::http::HeaderMap;
use serde_json::{Map, Value};

use super::problem::{Problem, pointer_segment};
use super::synth::{Direction, flat_schema, flat_types};
use super::validate::{SchemaChecker, issues};
use crate::spec::model::{ApiModel, Operation, ParamLocation, ParamStyle, Parameter};

/// The parts of a request parameters come from.
pub(crate) struct ParamInput<'a> {
    pub path: &'a [(String, String)],
    /// Decoded `key=value` pairs of the query string, in order.
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    pub cookies: &'a [(String, String)],
}

/// Header parameters OpenAPI says to ignore (they are described elsewhere).
const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

/// Every problem with the parameters of operation `op_index`.
pub(crate) fn check_params(
    op_index: usize,
    op: &Operation,
    input: &ParamInput<'_>,
    checker: &SchemaChecker,
) -> Vec<Problem> {
    let model = checker.model();
    let mut problems = Vec::new();
    for param in &op.parameters {
        let location = param.location.as_str();
        if param.location == ParamLocation::Header
            && IGNORED_HEADERS.contains(&param.name.to_ascii_lowercase().as_str())
        {
            continue;
        }
        let base = pointer_segment(&param.name);
        let field = format!("{location}.{}", param.name);
        let Some(raw) = raw_value(param, input, model) else {
            if param.required {
                let message = format!("missing required {location} parameter `{}`", param.name);
                problems.push(Problem::malformed(field, base, message));
            }
            continue;
        };
        let value = if param.media_type.is_some() {
            match raw.as_str().map(serde_json::from_str::<Value>) {
                Some(Ok(value)) => value,
                _ => {
                    let message = format!("{field}: expected JSON text");
                    problems.push(Problem::malformed(field, base, message));
                    continue;
                }
            }
        } else {
            match coerce(&raw, &param.schema, model, 0) {
                Ok(value) => value,
                Err(reason) => {
                    problems.push(Problem::malformed(
                        field.clone(),
                        base,
                        format!("{field}: {reason}"),
                    ));
                    continue;
                }
            }
        };
        let key = format!("{op_index}/param/{location}/{}", param.name);
        let validator = checker.validator(&key, &param.schema, Direction::Request);
        if let Ok(validator) = validator.as_ref() {
            for issue in issues(validator, &value, 10) {
                problems.push(Problem::from_issue(location, &base, &issue));
            }
        }
    }
    problems
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Array,
    Object,
    Scalar,
}

fn shape_of(map: &Map<String, Value>) -> Shape {
    let types = flat_types(map);
    let first = types.iter().find(|t| *t != "null").map(String::as_str);
    match first {
        Some("array") => Shape::Array,
        Some("object") => Shape::Object,
        Some(_) => Shape::Scalar,
        None if map.contains_key("items") => Shape::Array,
        None if map.contains_key("properties") => Shape::Object,
        None => Shape::Scalar,
    }
}

/// The parameter's raw value: a string, an array of strings, or an object of strings; `None` when absent.
fn raw_value(param: &Parameter, input: &ParamInput<'_>, model: &ApiModel) -> Option<Value> {
    let map = flat_schema(model, &param.schema);
    let shape = if param.media_type.is_some() {
        Shape::Scalar
    } else {
        shape_of(&map)
    };
    let name = param.name.as_str();
    match param.location {
        ParamLocation::Query => query_value(param, shape, &map, input.query),
        ParamLocation::Path => {
            let text = input.path.iter().find(|(n, _)| n == name)?.1.as_str();
            Some(styled(text, param, shape))
        }
        ParamLocation::Header => {
            let values: Vec<&str> = input
                .headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            (!values.is_empty()).then(|| styled(&values.join(","), param, shape))
        }
        ParamLocation::Cookie => {
            let text = input.cookies.iter().find(|(n, _)| n == name)?.1.as_str();
            Some(match shape {
                Shape::Scalar => Value::String(text.to_string()),
                Shape::Array => split(text, ','),
                Shape::Object => pairs_object(text, ',', None),
            })
        }
    }
}

fn query_value(
    param: &Parameter,
    shape: Shape,
    map: &Map<String, Value>,
    pairs: &[(String, String)],
) -> Option<Value> {
    let name = param.name.as_str();
    let values_of = |key: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    };
    if param.style == ParamStyle::DeepObject {
        return deep_object(name, pairs);
    }
    match shape {
        Shape::Scalar => values_of(name).into_iter().next().map(Value::String),
        Shape::Array => {
            let mut values = values_of(name);
            values.extend(values_of(&format!("{name}[]")));
            if values.is_empty() {
                return None;
            }
            if param.explode {
                return Some(Value::Array(
                    values.into_iter().map(Value::String).collect(),
                ));
            }
            let delimiter = match param.style {
                ParamStyle::SpaceDelimited => ' ',
                ParamStyle::PipeDelimited => '|',
                _ => ',',
            };
            let items = values
                .iter()
                .flat_map(|v| v.split(delimiter))
                .map(|v| Value::String(v.to_string()))
                .collect();
            Some(Value::Array(items))
        }
        Shape::Object if param.explode => {
            let properties = map.get("properties").and_then(Value::as_object)?;
            let object: Map<String, Value> = properties
                .keys()
                .filter_map(|key| {
                    let value = values_of(key).into_iter().next()?;
                    Some((key.clone(), Value::String(value)))
                })
                .collect();
            (!object.is_empty()).then_some(Value::Object(object))
        }
        Shape::Object => values_of(name)
            .first()
            .map(|text| pairs_object(text, ',', None)),
    }
}

/// `filter[minAgeYears]=2&filter[tags][]=a` → `{"minAgeYears": "2", "tags": ["a"]}`.
fn deep_object(name: &str, pairs: &[(String, String)]) -> Option<Value> {
    let prefix = format!("{name}[");
    let mut root = Value::Object(Map::new());
    let mut found = false;
    for (key, value) in pairs {
        if let Some(rest) = key.strip_prefix(&prefix) {
            let path = bracket_path(&format!("[{rest}"));
            insert_path(&mut root, &path, value.clone());
            found = true;
        }
    }
    found.then_some(root)
}

/// How many bracket levels a form or deepObject key may have.
const MAX_BRACKETS: usize = 16;

/// `[a][b][]` → `["a", "b", ""]`; anything after a malformed bracket is one segment.
pub(crate) fn bracket_path(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(inner) = rest.strip_prefix('[') {
        // Deeper nesting stays one segment: request input must not drive unbounded recursion.
        if out.len() >= MAX_BRACKETS {
            out.push(rest.to_string());
            return out;
        }
        match inner.find(']') {
            Some(close) => {
                out.push(inner[..close].to_string());
                rest = &inner[close + 1..];
            }
            None => {
                out.push(inner.to_string());
                rest = "";
            }
        }
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// Inserts `value` at a bracket path: names make objects, empty or numeric segments make arrays.
pub(crate) fn insert_path(root: &mut Value, path: &[String], value: String) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let is_index = first.is_empty() || first.bytes().all(|b| b.is_ascii_digit());
    if is_index {
        if !root.is_array() {
            if root.as_object().is_some_and(|m| !m.is_empty()) {
                return;
            }
            *root = Value::Array(Vec::new());
        }
        let Value::Array(items) = root else {
            return;
        };
        let index = first.parse::<usize>().ok().filter(|i| *i < items.len());
        if rest.is_empty() {
            items.push(Value::String(value));
            return;
        }
        let slot = match index {
            Some(i) => &mut items[i],
            None => {
                items.push(Value::Object(Map::new()));
                let last = items.len() - 1;
                &mut items[last]
            }
        };
        insert_path(slot, rest, value);
        return;
    }
    if !root.is_object() {
        *root = Value::Object(Map::new());
    }
    let Value::Object(map) = root else {
        return;
    };
    if rest.is_empty() {
        match map.get_mut(first) {
            Some(Value::Array(items)) => items.push(Value::String(value)),
            Some(existing) => {
                let previous = existing.take();
                *existing = Value::Array(vec![previous, Value::String(value)]);
            }
            None => {
                map.insert(first.clone(), Value::String(value));
            }
        }
    } else {
        let child = map
            .entry(first.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        insert_path(child, rest, value);
    }
}

/// A path or header value under simple, label or matrix style.
fn styled(text: &str, param: &Parameter, shape: Shape) -> Value {
    let name = param.name.as_str();
    match param.style {
        ParamStyle::Label => {
            let body = text.strip_prefix('.').unwrap_or(text);
            let delimiter = if param.explode { '.' } else { ',' };
            match shape {
                Shape::Scalar => Value::String(body.to_string()),
                Shape::Array => split(body, delimiter),
                Shape::Object => pairs_object(body, delimiter, param.explode.then_some('=')),
            }
        }
        ParamStyle::Matrix => {
            let assigned = format!(";{name}=");
            match shape {
                Shape::Scalar => {
                    Value::String(text.strip_prefix(&assigned).unwrap_or(text).to_string())
                }
                Shape::Array if param.explode => {
                    let prefix = format!("{name}=");
                    let items = text
                        .split(';')
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.strip_prefix(&prefix).unwrap_or(s).to_string()))
                        .collect();
                    Value::Array(items)
                }
                Shape::Array => split(text.strip_prefix(&assigned).unwrap_or(text), ','),
                Shape::Object if param.explode => {
                    pairs_object(text.trim_start_matches(';'), ';', Some('='))
                }
                Shape::Object => {
                    pairs_object(text.strip_prefix(&assigned).unwrap_or(text), ',', None)
                }
            }
        }
        _ => match shape {
            Shape::Scalar => Value::String(text.to_string()),
            Shape::Array => split(text, ','),
            Shape::Object => pairs_object(text, ',', param.explode.then_some('=')),
        },
    }
}

fn split(text: &str, delimiter: char) -> Value {
    Value::Array(
        text.split(delimiter)
            .map(|s| Value::String(s.trim().to_string()))
            .collect(),
    )
}

/// `k,v,k2,v2` (no `assign`) or `k=v,k2=v2` (with `assign` `=`) → an object of strings.
fn pairs_object(text: &str, delimiter: char, assign: Option<char>) -> Value {
    let mut object = Map::new();
    let parts: Vec<&str> = text.split(delimiter).collect();
    match assign {
        Some(assign) => {
            for part in parts {
                let (key, value) = part.split_once(assign).unwrap_or((part, ""));
                object.insert(key.to_string(), Value::String(value.to_string()));
            }
        }
        None => {
            for pair in parts.chunks(2) {
                let value = pair.get(1).copied().unwrap_or("");
                object.insert(pair[0].to_string(), Value::String(value.to_string()));
            }
        }
    }
    Value::Object(object)
}

/// Converts raw strings to the schema's types: `"20"` → `20` for an integer, and so on inside arrays and
/// objects. A value that cannot be read as its type is an error naming what was expected.
pub(crate) fn coerce(
    raw: &Value,
    schema: &Value,
    model: &ApiModel,
    depth: usize,
) -> Result<Value, String> {
    if depth > 32 {
        return Ok(raw.clone());
    }
    let map = flat_schema(model, schema);
    let types = flat_types(&map);
    match raw {
        Value::String(text) => {
            let only = |kind: &str| {
                types.iter().any(|t| t == kind) && !types.iter().any(|t| t == "string")
            };
            // Forms cannot send an empty list or map: `key=` stands for one.
            if text.is_empty() && only("array") {
                return Ok(Value::Array(Vec::new()));
            }
            if text.is_empty() && only("object") {
                return Ok(Value::Object(Map::new()));
            }
            if only("array") {
                let items = map.get("items").cloned().unwrap_or(Value::Bool(true));
                return Ok(Value::Array(vec![coerce(raw, &items, model, depth + 1)?]));
            }
            scalar(text, &map, &types)
        }
        Value::Array(items) => {
            if types.is_empty() || types.iter().any(|t| t == "array") {
                let item_schema = map.get("items").cloned().unwrap_or(Value::Bool(true));
                let converted: Result<Vec<Value>, String> = items
                    .iter()
                    .map(|item| coerce(item, &item_schema, model, depth + 1))
                    .collect();
                Ok(Value::Array(converted?))
            } else {
                // A repeated scalar: the first value counts.
                match items.first() {
                    Some(first) => coerce(first, schema, model, depth + 1),
                    None => Ok(raw.clone()),
                }
            }
        }
        Value::Object(object) => {
            let properties = map.get("properties").and_then(Value::as_object);
            let additional = map.get("additionalProperties").filter(|a| a.is_object());
            let mut out = Map::new();
            for (key, value) in object {
                let child = properties
                    .and_then(|p| p.get(key))
                    .or(additional)
                    .cloned()
                    .unwrap_or(Value::Bool(true));
                out.insert(key.clone(), coerce(value, &child, model, depth + 1)?);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other.clone()),
    }
}

fn scalar(text: &str, map: &Map<String, Value>, types: &[String]) -> Result<Value, String> {
    if types.is_empty() {
        let from_enum = map
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|options| {
                options.iter().find(|o| match o {
                    Value::String(s) => s == text,
                    other => *other == text,
                })
            });
        return Ok(from_enum
            .cloned()
            .unwrap_or_else(|| Value::String(text.to_string())));
    }
    if types.iter().any(|t| t == "string") {
        return Ok(Value::String(text.to_string()));
    }
    for kind in types {
        match kind.as_str() {
            "integer" => {
                if let Ok(n) = text.parse::<i64>() {
                    return Ok(Value::from(n));
                }
                if let Ok(n) = text.parse::<u64>() {
                    return Ok(Value::from(n));
                }
            }
            "number" => {
                if let Some(n) = text
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .and_then(serde_json::Number::from_f64)
                {
                    // Keep integers integral (`5`, not `5.0`).
                    return Ok(text
                        .parse::<i64>()
                        .map(Value::from)
                        .unwrap_or(Value::Number(n)));
                }
            }
            "boolean" => match text {
                "true" => return Ok(Value::Bool(true)),
                "false" => return Ok(Value::Bool(false)),
                _ => {}
            },
            "null" if text.is_empty() || text == "null" => return Ok(Value::Null),
            "object" | "array" => {
                if let Ok(value) = serde_json::from_str::<Value>(text) {
                    return Ok(value);
                }
            }
            _ => {}
        }
    }
    let expected: Vec<&str> = types
        .iter()
        .map(|t| match t.as_str() {
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean (true or false)",
            "null" => "null",
            "object" => "an object",
            "array" => "an array",
            other => other,
        })
        .collect();
    Err(format!("expected {}, got {text:?}", expected.join(" or ")))
}

/// `a=1; b=2` → `[("a","1"), ("b","2")]`.
pub(crate) fn parse_cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}
