//! Merging schemas: `allOf` members into one object, one-member unions into their parent, and `$ref` siblings
//! over the schema they refer to.

use serde_json::{Map, Value, json};

use super::schema::is_array_type;

/// Merges a one-member `anyOf`/`oneOf` and an `allOf` of object schemas into the schema itself.
pub(crate) fn simplify(mut out: Map<String, Value>) -> Map<String, Value> {
    for key in ["anyOf", "oneOf"] {
        let single = matches!(
            out.get(key),
            Some(Value::Array(list)) if list.len() == 1 && (list[0].is_object() || list[0] == Value::Bool(true))
        );
        if single
            && let Some(Value::Array(mut list)) = out.remove(key)
            && let Some(Value::Object(member)) = list.pop()
        {
            merge_into(&mut out, member, false);
        }
    }
    if out.contains_key("allOf")
        && let Value::Object(merged) = merge_all_of(Value::Object(out.clone()))
    {
        return merged;
    }
    out
}

/// Merges `other` into `base`: properties merged (a property in both gets `other`'s keys over `base`'s),
/// `required` unioned, `type` intersected; any other keyword is taken from `other` only if `other_wins` or
/// `base` lacks it.
pub fn merge_into(base: &mut Map<String, Value>, other: Map<String, Value>, other_wins: bool) {
    for (key, value) in other {
        match (key.as_str(), base.get_mut(&key)) {
            ("properties", Some(Value::Object(props))) => {
                if let Value::Object(more) = value {
                    for (name, schema) in more {
                        match (props.get_mut(&name), schema) {
                            (Some(Value::Object(existing)), Value::Object(extra)) => {
                                existing.extend(extra);
                            }
                            (_, schema) => {
                                props.insert(name, schema);
                            }
                        }
                    }
                }
            }
            ("required", Some(Value::Array(names))) => {
                if let Value::Array(more) = value {
                    for name in more {
                        if !names.contains(&name) {
                            names.push(name);
                        }
                    }
                }
            }
            ("type", Some(existing)) => {
                if let Some(both) = intersect_types(existing, &value) {
                    *existing = both;
                } else if other_wins {
                    *existing = value;
                }
            }
            (_, Some(existing)) => {
                if other_wins {
                    *existing = value;
                }
            }
            (_, None) => {
                base.insert(key, value);
            }
        }
    }
}

fn intersect_types(a: &Value, b: &Value) -> Option<Value> {
    let list = |v: &Value| -> Vec<String> {
        match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        }
    };
    let (a, b) = (list(a), list(b));
    let both: Vec<String> = a
        .iter()
        .filter(|t| b.contains(t) || (t.as_str() == "number" && b.iter().any(|x| x == "integer")))
        .map(|t| {
            if t == "number" && !b.contains(t) {
                "integer".to_string()
            } else {
                t.clone()
            }
        })
        .collect();
    match both.len() {
        0 => None,
        1 => Some(Value::String(both[0].clone())),
        _ => Some(Value::Array(both.into_iter().map(Value::String).collect())),
    }
}

/// Merges a top-level `allOf` into its schema when every member is an object schema and at most one `oneOf`
/// and one `anyOf` result. Otherwise, or without `allOf`, the schema is returned unchanged.
pub fn merge_all_of(schema: Value) -> Value {
    let Value::Object(mut map) = schema else {
        return schema;
    };
    let Some(Value::Array(members)) = map.remove("allOf") else {
        return Value::Object(map);
    };
    let mut merged = map.clone();
    for member in &members {
        match merge_all_of(member.clone()) {
            Value::Bool(true) => {}
            Value::Object(member) => {
                let clash = ["oneOf", "anyOf", "allOf"]
                    .iter()
                    .any(|k| member.contains_key(*k) && merged.contains_key(*k));
                if clash {
                    map.insert("allOf".to_string(), Value::Array(members));
                    return Value::Object(map);
                }
                merge_into(&mut merged, member, false);
            }
            _ => {
                map.insert("allOf".to_string(), Value::Array(members));
                return Value::Object(map);
            }
        }
    }
    if is_array_type(merged.get("type")) && !merged.contains_key("items") {
        merged.insert("items".to_string(), json!({}));
    }
    Value::Object(merged)
}

/// Whether a schema is a plain object schema: `type: object` (or no type but properties), and no top-level
/// `oneOf`, `anyOf` or `allOf`.
pub fn is_object_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    if ["oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return false;
    }
    match map.get("type") {
        Some(Value::String(kind)) => kind == "object",
        None => map.get("properties").is_some_and(Value::is_object),
        _ => false,
    }
}
