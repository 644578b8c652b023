//! JSON values as readable TypeScript literals: on one line when short, else one item per line with trailing
//! commas (two-space indents, as Prettier lays them out). Strings and keys go through [`js_str`](crate::codegen::escape::js_str) and
//! [`js_key`](crate::codegen::escape::js_key), so any text is safe, and a `__proto__` key stays an own property.

use serde_json::Value;

use crate::codegen::escape::{js_key_len, push_js_key, push_quoted, quoted_len};
use crate::codegen::literal::{Syntax, literal};

/// TypeScript's spelling; deeper values are embedded as JSON text (`JSON.parse(...)`), which keeps the type
/// checker's work flat.
const TYPESCRIPT: Syntax = Syntax {
    indent: 2,
    null: "null",
    true_: "true",
    false_: "false",
    string: push_quoted,
    string_len: quoted_len,
    key: push_js_key,
    key_len: js_key_len,
    open_brace: "{ ",
    close_brace: " }",
    parse_json: "JSON.parse",
};

/// `value` as a TypeScript expression whose first line starts at column `column` and whose continuation
/// lines are indented by `indent` spaces.
pub fn js_value(value: &Value, indent: usize, column: usize) -> String {
    literal(&TYPESCRIPT, value, indent, column)
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
