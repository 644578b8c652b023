//! JSON values as readable Python literals: on one line when short, else one item per line with trailing
//! commas (the layout `ruff format` would give). Strings go through [`py_str`](crate::codegen::escape::py_str), so any text is safe.

use serde_json::Value;

use crate::codegen::escape::{push_quoted, quoted_len};
use crate::codegen::literal::{Syntax, literal, push_literal};

/// Python's spelling; deeper values are embedded as JSON text (`json.loads(...)`): Python's parser refuses
/// 200 nested brackets.
const PYTHON: Syntax = Syntax {
    indent: 4,
    null: "None",
    true_: "True",
    false_: "False",
    string: push_quoted,
    string_len: quoted_len,
    key: push_quoted,
    key_len: quoted_len,
    open_brace: "{",
    close_brace: "}",
    parse_json: "json.loads",
};

/// `value` as a Python expression whose first line starts at column `column` and whose continuation lines
/// are indented by `indent` spaces.
pub fn py_value(value: &Value, indent: usize, column: usize) -> String {
    literal(&PYTHON, value, indent, column)
}

/// Appends [`py_value`] of `value` to `out`; true when it needs `import json` (a value nested too deep
/// for Python's parser goes in as `json.loads(...)`).
pub fn push_py_value(out: &mut String, value: &Value, indent: usize, column: usize) -> bool {
    push_literal(&PYTHON, out, value, indent, column)
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
        let mut text = String::new();
        assert!(push_py_value(&mut text, &value, 0, 0));
        assert!(text.starts_with("json.loads(\"[[[["), "{text}");
        assert_eq!(py_value(&value, 0, 0), text);
    }
}
