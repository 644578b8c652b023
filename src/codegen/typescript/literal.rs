//! JSON values as readable TypeScript literals: on one line when short, else one item per line with trailing
//! commas (two-space indents, as Prettier lays them out). Strings and keys go through [`js_str`] and
//! [`js_key`], so any text is safe, and a `__proto__` key stays an own property.

use serde_json::Value;

use crate::codegen::escape::{js_key, js_str};

/// Widest line a literal is kept on.
const WIDTH: usize = 100;
/// Deeper values are embedded as JSON text (`JSON.parse(...)`), which keeps the type checker's work flat.
pub const MAX_LITERAL_DEPTH: usize = 64;

/// `value` as a TypeScript expression whose first line starts at column `column` and whose continuation
/// lines are indented by `indent` spaces.
pub fn js_value(value: &Value, indent: usize, column: usize) -> String {
    if depth(value) > MAX_LITERAL_DEPTH {
        let text = serde_json::to_string(value).unwrap_or_default();
        return format!("JSON.parse({})", js_str(&text));
    }
    let mut out = String::new();
    write_value(&mut out, value, indent, column);
    out
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => js_str(s),
        Value::Array(_) | Value::Object(_) => unreachable!("containers are not scalars"),
    }
}

/// The one-line form, or None when it would be longer than `budget`.
fn compact(value: &Value, budget: usize) -> Option<String> {
    let mut out = String::new();
    compact_into(&mut out, value, budget).then_some(out)
}

fn compact_into(out: &mut String, value: &Value, budget: usize) -> bool {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if out.len() > budget || !compact_into(out, item, budget) {
                    return false;
                }
            }
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push_str("{ ");
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&js_key(key));
                out.push_str(": ");
                if out.len() > budget || !compact_into(out, item, budget) {
                    return false;
                }
            }
            out.push_str(" }");
        }
        other => out.push_str(&scalar(other)),
    }
    out.len() <= budget
}

fn write_value(out: &mut String, value: &Value, indent: usize, column: usize) {
    // The room left on the line, less a trailing comma.
    let budget = WIDTH.saturating_sub(column + 1);
    if let Some(line) = compact(value, budget) {
        out.push_str(&line);
        return;
    }
    let inner = " ".repeat(indent + 2);
    match value {
        Value::Array(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&inner);
                write_value(out, item, indent + 2, indent + 2);
                out.push_str(",\n");
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (key, item) in map {
                let key = js_key(key);
                out.push_str(&inner);
                out.push_str(&key);
                out.push_str(": ");
                write_value(out, item, indent + 2, indent + 2 + key.len() + 2);
                out.push_str(",\n");
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
        other => out.push_str(&scalar(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_values_stay_on_one_line() {
        let value = json!({"a": [1, 2.5, true, null], "b": "x\"y\u{2028}", "c": {}});
        assert_eq!(
            js_value(&value, 0, 0),
            r#"{ "a": [1, 2.5, true, null], "b": "x\"y\u2028", "c": {} }"#
        );
    }

    #[test]
    fn long_values_break_with_trailing_commas() {
        let value = json!({"description": "d".repeat(90), "n": 1});
        let text = js_value(&value, 4, 10);
        assert!(text.starts_with("{\n      \"description\": "), "{text}");
        assert!(text.ends_with(",\n    }"), "{text}");
    }

    #[test]
    fn proto_keys_stay_own_properties_and_deep_values_become_json_text() {
        let value = json!({"__proto__": {"type": "string"}});
        assert_eq!(
            js_value(&value, 0, 0),
            r#"{ ["__proto__"]: { "type": "string" } }"#
        );
        let mut value = json!(1);
        for _ in 0..100 {
            value = json!([value]);
        }
        assert!(js_value(&value, 0, 0).starts_with("JSON.parse(\"[[[["));
    }
}
