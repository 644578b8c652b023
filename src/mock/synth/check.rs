//! A small structural validator, enough to tell which `oneOf` branches a synthesized value satisfies: types,
//! enums, `const`, required and known properties, items, bounds, and the combinators. Patterns and formats
//! are assumed to pass; beyond a bounded depth everything passes.

use serde_json::Value;

use super::merge::{ref_of, resolve_ref};
use crate::spec::model::ApiModel;

const MAX_DEPTH: usize = 24;

/// Whether `value` plausibly satisfies `schema`.
pub(crate) fn accepts(model: &ApiModel, schema: &Value, value: &Value) -> bool {
    check(model, schema, value, 0)
}

fn check(model: &ApiModel, schema: &Value, value: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let map = match schema {
        Value::Bool(b) => return *b,
        Value::Object(map) => map,
        _ => return true,
    };
    let next = depth + 1;
    if let Some(reference) = ref_of(schema)
        && let Some(target) = resolve_ref(model, reference)
        && !check(model, target, value, next)
    {
        return false;
    }
    if let Some(Value::Array(all)) = map.get("allOf")
        && !all.iter().all(|s| check(model, s, value, next))
    {
        return false;
    }
    if let Some(Value::Array(any)) = map.get("anyOf")
        && !any.iter().any(|s| check(model, s, value, next))
    {
        return false;
    }
    if let Some(Value::Array(one)) = map.get("oneOf")
        && one.iter().filter(|s| check(model, s, value, next)).count() != 1
    {
        return false;
    }
    if let Some(not) = map.get("not")
        && check(model, not, value, next)
    {
        return false;
    }
    if let Some(constant) = map.get("const")
        && !same(constant, value)
    {
        return false;
    }
    if let Some(Value::Array(options)) = map.get("enum")
        && !options.iter().any(|o| same(o, value))
    {
        return false;
    }
    if !type_ok(map.get("type"), value) {
        return false;
    }
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(required)) = map.get("required")
                && required
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|r| !object.contains_key(r))
            {
                return false;
            }
            let properties = map.get("properties").and_then(Value::as_object);
            let additional = map.get("additionalProperties");
            let patterned = map.contains_key("patternProperties");
            for (key, child) in object {
                match properties.and_then(|p| p.get(key)) {
                    Some(schema) => {
                        if !check(model, schema, child, next) {
                            return false;
                        }
                    }
                    None if patterned => {}
                    None => match additional {
                        Some(Value::Bool(false)) => return false,
                        Some(schema @ Value::Object(_)) if !check(model, schema, child, next) => {
                            return false;
                        }
                        _ => {}
                    },
                }
            }
            let count = object.len() as f64;
            number_at_least(map, "minProperties", count)
                && number_at_most(map, "maxProperties", count)
        }
        Value::Array(items) => {
            let count = items.len() as f64;
            if !(number_at_least(map, "minItems", count) && number_at_most(map, "maxItems", count))
            {
                return false;
            }
            let prefix = map.get("prefixItems").and_then(Value::as_array);
            items.iter().enumerate().all(|(index, item)| {
                match (prefix.and_then(|p| p.get(index)), map.get("items")) {
                    (Some(schema), _) | (None, Some(schema)) => check(model, schema, item, next),
                    (None, None) => true,
                }
            })
        }
        Value::String(text) => {
            let length = text.chars().count() as f64;
            number_at_least(map, "minLength", length) && number_at_most(map, "maxLength", length)
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            number_at_least(map, "minimum", x)
                && number_at_most(map, "maximum", x)
                && map
                    .get("exclusiveMinimum")
                    .and_then(Value::as_f64)
                    .is_none_or(|m| x > m)
                && map
                    .get("exclusiveMaximum")
                    .and_then(Value::as_f64)
                    .is_none_or(|m| x < m)
        }
        _ => true,
    }
}

fn number_at_least(map: &serde_json::Map<String, Value>, key: &str, x: f64) -> bool {
    map.get(key).and_then(Value::as_f64).is_none_or(|m| x >= m)
}

fn number_at_most(map: &serde_json::Map<String, Value>, key: &str, x: f64) -> bool {
    map.get(key).and_then(Value::as_f64).is_none_or(|m| x <= m)
}

/// Equality as JSON Schema sees it (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn type_ok(declared: Option<&Value>, value: &Value) -> bool {
    let matches = |name: &str| match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|x| x.fract() == 0.0),
        _ => true,
    };
    match declared {
        Some(Value::String(name)) => matches(name),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).any(matches),
        _ => true,
    }
}
