//! Whether an example fits a schema, checked by walking both, for the keywords tools' schemas are made of
//! (types, properties, enums, bounds, combinators). Compiling a validator costs far more than one check, and a
//! stub plan checks each output schema about once. `format` and `pattern` are delegated to validators of that
//! keyword alone (a few per spec), so their meaning is the validator's own. Anything else, and anything
//! unusual (a float compared for equality, an odd bound), is [`Fit::Unsure`]: the caller then compiles the
//! whole schema, so the answer is always the validator's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Number, Value};

/// The outcome of a direct check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    Yes,
    No,
    Unsure,
}

impl Fit {
    fn of(valid: bool) -> Fit {
        if valid { Fit::Yes } else { Fit::No }
    }

    fn not(self) -> Fit {
        match self {
            Fit::Yes => Fit::No,
            Fit::No => Fit::Yes,
            Fit::Unsure => Fit::Unsure,
        }
    }
}

/// Yes if every outcome is (no at the first no, unsure if any is).
fn every(outcomes: impl IntoIterator<Item = Fit>) -> Fit {
    let mut outcome = Fit::Yes;
    for next in outcomes {
        match next {
            Fit::No => return Fit::No,
            Fit::Unsure => outcome = Fit::Unsure,
            Fit::Yes => {}
        }
    }
    outcome
}

/// Yes if some outcome is (at the first yes; no if every one is no, else unsure).
fn some(outcomes: impl IntoIterator<Item = Fit>) -> Fit {
    every(outcomes.into_iter().map(Fit::not)).not()
}

/// Whether no item equals an earlier one.
fn distinct<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, item)| !items[..i].contains(item))
}

/// Every other keyword a JSON Schema validator acts on (all drafts): a schema holding one is not checked here.
const OTHERS: [&str; 30] = [
    "pattern",
    "$ref",
    "$dynamicRef",
    "$recursiveRef",
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "$vocabulary",
    "$defs",
    "definitions",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "prefixItems",
    "additionalItems",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// The content keywords, which some drafts apply.
const CONTENT: [&str; 3] = ["contentMediaType", "contentEncoding", "contentSchema"];

/// Validators of one `format` each, compiled once per spec: the checker asks them about strings.
#[derive(Default)]
pub(crate) struct Formats {
    compiled: Mutex<HashMap<String, Arc<Option<jsonschema::Validator>>>>,
}

impl Formats {
    fn validator(&self, format: &str) -> Arc<Option<jsonschema::Validator>> {
        let mut compiled = self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(validator) = compiled.get(format) {
            return Arc::clone(validator);
        }
        let validator = Arc::new(
            jsonschema::options()
                .should_validate_formats(true)
                .build(&serde_json::json!({ "format": format }))
                .ok(),
        );
        compiled.insert(format.to_string(), Arc::clone(&validator));
        validator
    }
}

/// Whether `schema` (to any depth) uses only keywords this checker applies or ignores, each well formed, so
/// that a validator compiles it and [`fit`] gives its answer or [`Fit::Unsure`].
pub(crate) fn checkable(schema: &Value, formats: &Formats) -> bool {
    let object = match schema {
        Value::Bool(_) => return true,
        Value::Object(object) => object,
        _ => return false,
    };
    object
        .iter()
        .all(|(key, value)| checkable_keyword(key, value, formats))
}

fn checkable_keyword(key: &str, value: &Value, formats: &Formats) -> bool {
    let schemas = |value: &Value| {
        value
            .as_array()
            .is_some_and(|list| !list.is_empty() && list.iter().all(|s| checkable(s, formats)))
    };
    match key {
        "title" | "description" | "$comment" => value.is_string(),
        "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" => value.is_boolean(),
        "examples" => value.is_array(),
        "default" | "const" => true,
        "type" => type_names(value).is_some(),
        "enum" => value.as_array().is_some_and(|list| !list.is_empty()),
        "properties" => value
            .as_object()
            .is_some_and(|map| map.values().all(|s| checkable(s, formats))),
        "required" => value
            .as_array()
            .is_some_and(|names| names.iter().all(Value::is_string) && distinct(names)),
        "additionalProperties" | "items" | "not" => checkable(value, formats),
        "allOf" | "anyOf" | "oneOf" => schemas(value),
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => value.is_number(),
        "minLength" | "maxLength" | "minItems" | "maxItems" => value.is_u64(),
        "format" => value
            .as_str()
            .is_some_and(|format| formats.validator(format).is_some()),
        _ if OTHERS.contains(&key) || CONTENT.contains(&key) => false,
        // Any other keyword means nothing to a validator.
        _ => true,
    }
}

/// The type names a `type` keyword allows (one, or a non-empty list of distinct ones).
fn type_names(value: &Value) -> Option<Vec<&str>> {
    const NAMES: [&str; 7] = [
        "null", "boolean", "object", "array", "number", "integer", "string",
    ];
    let names: Vec<&str> = match value {
        Value::String(name) => vec![name.as_str()],
        Value::Array(list) if !list.is_empty() => {
            list.iter().map(Value::as_str).collect::<Option<_>>()?
        }
        _ => return None,
    };
    (distinct(&names) && names.iter().all(|name| NAMES.contains(name))).then_some(names)
}

/// Whether `value` is valid against `schema`, which [`checkable`] must have accepted.
pub(crate) fn fit(schema: &Value, value: &Value, formats: &Formats) -> Fit {
    let object = match schema {
        Value::Bool(valid) => return Fit::of(*valid),
        Value::Object(object) => object,
        _ => return Fit::Unsure,
    };
    every(
        object
            .iter()
            .map(|(key, keyword)| apply(object, key, keyword, value, formats)),
    )
}

fn apply(
    object: &Map<String, Value>,
    key: &str,
    keyword: &Value,
    value: &Value,
    formats: &Formats,
) -> Fit {
    match key {
        "type" => type_fit(keyword, value),
        "enum" => any_equal(keyword.as_array().into_iter().flatten(), value),
        "const" => equal(keyword, value),
        "properties" => match (keyword, value) {
            (Value::Object(properties), Value::Object(map)) => all(
                map.iter()
                    .filter_map(|(name, v)| Some((properties.get(name)?, v))),
                formats,
            ),
            _ => Fit::Yes,
        },
        "required" => match value {
            Value::Object(map) => Fit::of(
                keyword
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .all(|name| map.contains_key(name)),
            ),
            _ => Fit::Yes,
        },
        "additionalProperties" => match value {
            Value::Object(map) => {
                let declared = object.get("properties").and_then(Value::as_object);
                all(
                    map.iter()
                        .filter(|(name, _)| !declared.is_some_and(|d| d.contains_key(*name)))
                        .map(|(_, v)| (keyword, v)),
                    formats,
                )
            }
            _ => Fit::Yes,
        },
        "items" => match value {
            Value::Array(list) => all(list.iter().map(|v| (keyword, v)), formats),
            _ => Fit::Yes,
        },
        "allOf" => all(schemas(keyword).map(|s| (s, value)), formats),
        "anyOf" => some(schemas(keyword).map(|schema| fit(schema, value, formats))),
        "oneOf" => {
            let mut matched = 0;
            for schema in schemas(keyword) {
                match fit(schema, value, formats) {
                    Fit::Yes => matched += 1,
                    Fit::Unsure => return Fit::Unsure,
                    Fit::No => {}
                }
            }
            Fit::of(matched == 1)
        }
        "not" => fit(keyword, value, formats).not(),
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => match value {
            Value::Number(number) => bound_fit(key, keyword, number),
            _ => Fit::Yes,
        },
        "minLength" | "maxLength" => match value {
            Value::String(text) => length_fit(key, keyword, text.chars().count()),
            _ => Fit::Yes,
        },
        "minItems" | "maxItems" => match value {
            Value::Array(list) => length_fit(key, keyword, list.len()),
            _ => Fit::Yes,
        },
        "uniqueItems" => match value {
            Value::Array(list) if keyword == &Value::Bool(true) => unique(list),
            _ => Fit::Yes,
        },
        "format" => match (keyword.as_str(), value) {
            (Some(format), Value::String(_)) => match &*formats.validator(format) {
                Some(validator) => Fit::of(validator.is_valid(value)),
                None => Fit::Unsure,
            },
            _ => Fit::Yes,
        },
        // What else `checkable` accepts only annotates.
        _ => Fit::Yes,
    }
}

fn schemas(keyword: &Value) -> impl Iterator<Item = &Value> {
    keyword.as_array().into_iter().flatten()
}

/// Whether every (schema, value) pair fits.
fn all<'v>(pairs: impl Iterator<Item = (&'v Value, &'v Value)>, formats: &Formats) -> Fit {
    every(pairs.map(|(schema, value)| fit(schema, value, formats)))
}

fn type_fit(keyword: &Value, value: &Value) -> Fit {
    let Some(names) = type_names(keyword) else {
        return Fit::Unsure;
    };
    some(names.into_iter().map(|name| match (name, value) {
        ("null", Value::Null)
        | ("boolean", Value::Bool(_))
        | ("object", Value::Object(_))
        | ("array", Value::Array(_))
        | ("number", Value::Number(_))
        | ("string", Value::String(_)) => Fit::Yes,
        // A float with no fraction counts as an integer for some drafts: left to the validator.
        ("integer", Value::Number(n)) if n.is_f64() => Fit::Unsure,
        ("integer", Value::Number(_)) => Fit::Yes,
        _ => Fit::No,
    }))
}

/// JSON equality as validators mean it; unsure where floats are compared (1 and 1.0 are equal to them).
fn equal(a: &Value, b: &Value) -> Fit {
    match (a, b) {
        (Value::Null, Value::Null) => Fit::Yes,
        (Value::Bool(x), Value::Bool(y)) => Fit::of(x == y),
        (Value::String(x), Value::String(y)) => Fit::of(x == y),
        (Value::Number(x), Value::Number(y)) => match (integer(x), integer(y)) {
            (Some(x), Some(y)) => Fit::of(x == y),
            _ => Fit::Unsure,
        },
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            every(x.iter().zip(y).map(|(x, y)| equal(x, y)))
        }
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => every(
            x.iter()
                .map(|(key, x)| y.get(key).map_or(Fit::No, |y| equal(x, y))),
        ),
        // Different kinds, or lists or objects of different sizes.
        _ => Fit::No,
    }
}

fn any_equal<'v>(candidates: impl Iterator<Item = &'v Value>, value: &Value) -> Fit {
    some(candidates.map(|candidate| equal(candidate, value)))
}

fn unique(list: &[Value]) -> Fit {
    every(
        list.iter()
            .enumerate()
            .map(|(i, item)| any_equal(list[..i].iter(), item).not()),
    )
}

fn integer(number: &Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

/// A number within a bound; floats compared as floats only where every integer involved is exact as one.
fn bound_fit(key: &str, bound: &Value, number: &Number) -> Fit {
    let Value::Number(bound) = bound else {
        return Fit::Unsure;
    };
    let order = match (integer(number), integer(bound)) {
        (Some(n), Some(b)) => n.cmp(&b),
        _ => {
            const EXACT: i128 = 1 << 53;
            let as_float = |n: &Number| match integer(n) {
                Some(i) if i.abs() > EXACT => None,
                _ => n.as_f64(),
            };
            match (as_float(number), as_float(bound)) {
                (Some(n), Some(b)) => match n.partial_cmp(&b) {
                    Some(order) => order,
                    None => return Fit::Unsure,
                },
                _ => return Fit::Unsure,
            }
        }
    };
    use std::cmp::Ordering::*;
    Fit::of(match key {
        "minimum" => order != Less,
        "maximum" => order != Greater,
        "exclusiveMinimum" => order == Greater,
        _ => order == Less,
    })
}

fn length_fit(key: &str, bound: &Value, length: usize) -> Fit {
    let Some(bound) = bound.as_u64() else {
        return Fit::Unsure;
    };
    let length = length as u64;
    Fit::of(if key.starts_with("min") {
        length >= bound
    } else {
        length <= bound
    })
}

#[cfg(test)]
#[path = "fits_tests.rs"]
mod tests;
