//! JSON values as readable Python literals: on one line when short, else one item per line with trailing
//! commas (the layout `ruff format` would give). Strings go through [`py_str`], so any text is safe.

use serde_json::Value;

use crate::codegen::escape::py_str;

/// Widest line a literal is kept on.
const WIDTH: usize = 100;
/// Deeper values are embedded as JSON text (`json.loads(...)`): Python's parser refuses 200 nested brackets.
pub const MAX_LITERAL_DEPTH: usize = 64;

/// `value` as a Python expression whose first line starts at column `column` and whose continuation lines
/// are indented by `indent` spaces. Needs `import json` when [`needs_json`] says so.
pub fn py_value(value: &Value, indent: usize, column: usize) -> String {
    if depth(value) > MAX_LITERAL_DEPTH {
        let text = serde_json::to_string(value).unwrap_or_default();
        return format!("json.loads({})", py_str(&text));
    }
    let mut out = String::new();
    write_value(&mut out, value, indent, column);
    out
}

/// Whether [`py_value`] of `value` uses the `json` module.
pub fn needs_json(value: &Value) -> bool {
    depth(value) > MAX_LITERAL_DEPTH
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
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_str(s),
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
                if !compact_into(out, item, budget) {
                    return false;
                }
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&py_str(key));
                out.push_str(": ");
                if out.len() > budget || !compact_into(out, item, budget) {
                    return false;
                }
            }
            out.push('}');
        }
        other => out.push_str(&scalar(other)),
    }
    out.len() <= budget
}

fn write_value(out: &mut String, value: &Value, indent: usize, column: usize) {
    let budget = WIDTH.saturating_sub(column + 1);
    if let Some(line) = compact(value, budget) {
        out.push_str(&line);
        return;
    }
    let inner = " ".repeat(indent + 4);
    match value {
        Value::Array(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&inner);
                write_value(out, item, indent + 4, indent + 4);
                out.push_str(",\n");
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (key, item) in map {
                let key = py_str(key);
                out.push_str(&inner);
                out.push_str(&key);
                out.push_str(": ");
                write_value(out, item, indent + 4, indent + 4 + key.len() + 2);
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
        let value = json!({"a": [1, 2.5, true, null], "b": "x\"y"});
        assert_eq!(
            py_value(&value, 0, 0),
            r#"{"a": [1, 2.5, True, None], "b": "x\"y"}"#
        );
    }

    #[test]
    fn long_values_break_with_trailing_commas() {
        let value = json!({"description": "d".repeat(90), "n": 1});
        let text = py_value(&value, 4, 10);
        assert!(text.starts_with("{\n        \"description\": "), "{text}");
        assert!(text.ends_with(",\n    }"), "{text}");
    }

    #[test]
    fn deep_values_become_json_text() {
        let mut value = json!(1);
        for _ in 0..100 {
            value = json!([value]);
        }
        assert!(needs_json(&value));
        assert!(py_value(&value, 0, 0).starts_with("json.loads(\"[[[["));
    }
}
