//! JSON values as readable literals in a generated language: on one line when short, else one item per line
//! with trailing commas. The layout is shared; a [`Syntax`] says how the language spells scalars, strings,
//! keys and braces, and how deep values are embedded as JSON text.

use serde_json::Value;

/// Widest line a literal is kept on.
const WIDTH: usize = 100;
/// Deeper values are embedded as JSON text (see [`Syntax::parse_json`]).
pub const MAX_LITERAL_DEPTH: usize = 64;

/// How a language writes a JSON value as a literal.
pub struct Syntax {
    /// Spaces a nested level is indented by.
    pub indent: usize,
    pub null: &'static str,
    pub true_: &'static str,
    pub false_: &'static str,
    /// Appends a string value as a safe string literal.
    pub string: fn(&mut String, &str),
    /// The length in bytes of what `string` appends (never less than the text's own length).
    pub string_len: fn(&str) -> usize,
    /// Appends an object key as it stands before `: `.
    pub key: fn(&mut String, &str),
    /// The length in bytes of what `key` appends (never less than the text's own length).
    pub key_len: fn(&str) -> usize,
    /// What opens and closes a non-empty object on one line (an empty one is `{}`).
    pub open_brace: &'static str,
    pub close_brace: &'static str,
    /// The function that parses JSON text, for values deeper than [`MAX_LITERAL_DEPTH`].
    pub parse_json: &'static str,
}

/// `value` as an expression whose first line starts at column `column` and whose continuation lines are
/// indented by `indent` spaces.
pub fn literal(syntax: &Syntax, value: &Value, indent: usize, column: usize) -> String {
    let mut out = String::new();
    push_literal(syntax, &mut out, value, indent, column);
    out
}

/// Appends [`literal`] of `value` to `out`, and says whether it went in as JSON text passed to
/// [`Syntax::parse_json`] (for a value that nests containers more than [`MAX_LITERAL_DEPTH`] deep).
pub fn push_literal(
    syntax: &Syntax,
    out: &mut String,
    value: &Value,
    indent: usize,
    column: usize,
) -> bool {
    let start = out.len();
    if write_value(syntax, out, value, indent, column, MAX_LITERAL_DEPTH).is_ok() {
        return false;
    }
    out.truncate(start);
    let text = serde_json::to_string(value).unwrap_or_default();
    out.push_str(syntax.parse_json);
    out.push('(');
    (syntax.string)(out, &text);
    out.push(')');
    true
}

/// Whether `value` nests containers more than `levels` deep.
fn deeper_than(value: &Value, levels: usize) -> bool {
    match value {
        Value::Array(items) => levels == 0 || items.iter().any(|i| deeper_than(i, levels - 1)),
        Value::Object(map) => levels == 0 || map.values().any(|i| deeper_than(i, levels - 1)),
        _ => false,
    }
}

/// Counts the bytes written to it.
struct Count(usize);

impl std::fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

fn write_scalar(syntax: &Syntax, out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str(syntax.null),
        Value::Bool(true) => out.push_str(syntax.true_),
        Value::Bool(false) => out.push_str(syntax.false_),
        Value::Number(n) => {
            use std::fmt::Write;
            let _ = write!(out, "{n}");
        }
        Value::String(s) => (syntax.string)(out, s),
        Value::Array(_) | Value::Object(_) => unreachable!("containers are not scalars"),
    }
}

/// `used` plus the length of `text` as [`Syntax::string`] or [`Syntax::key`] writes it (`len`), or None once
/// that is more than `budget` (checked on the text's own length first, which needs no scan).
fn add_text(used: usize, text: &str, len: fn(&str) -> usize, budget: usize) -> Option<usize> {
    if used + text.len() > budget {
        return None;
    }
    let used = used + len(text);
    (used <= budget).then_some(used)
}

/// `used` plus the length of the one-line form of `value`, or None once that is more than `budget` (stopping
/// early, without writing anything).
fn compact_len(syntax: &Syntax, value: &Value, mut used: usize, budget: usize) -> Option<usize> {
    match value {
        Value::Array(items) => {
            used += 1;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    used += 2;
                }
                if used > budget {
                    return None;
                }
                used = compact_len(syntax, item, used, budget)?;
            }
            used += 1;
        }
        Value::Object(map) if map.is_empty() => used += 2,
        Value::Object(map) => {
            used += syntax.open_brace.len();
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    used += 2;
                }
                used = add_text(used, key, syntax.key_len, budget)? + 2;
                if used > budget {
                    return None;
                }
                used = compact_len(syntax, item, used, budget)?;
            }
            used += syntax.close_brace.len();
        }
        Value::Null => used += syntax.null.len(),
        Value::Bool(true) => used += syntax.true_.len(),
        Value::Bool(false) => used += syntax.false_.len(),
        Value::Number(n) => {
            use std::fmt::Write;
            let mut count = Count(0);
            let _ = write!(count, "{n}");
            used += count.0;
        }
        Value::String(s) => used = add_text(used, s, syntax.string_len, budget)?,
    }
    (used <= budget).then_some(used)
}

/// Appends the one-line form.
fn write_compact(syntax: &Syntax, out: &mut String, value: &Value) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_compact(syntax, out, item);
            }
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push_str(syntax.open_brace);
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                (syntax.key)(out, key);
                out.push_str(": ");
                write_compact(syntax, out, item);
            }
            out.push_str(syntax.close_brace);
        }
        other => write_scalar(syntax, out, other),
    }
}

fn push_spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = n;
    while left > 0 {
        let run = left.min(SPACES.len());
        out.push_str(&SPACES[..run]);
        left -= run;
    }
}

/// A value nested more than [`MAX_LITERAL_DEPTH`] deep, found while writing it.
struct TooDeep;

/// Writes `value`, one item per line when its one-line form does not fit; fails once containers nest more
/// than `levels` deep (as [`deeper_than`] counts), so the layout and the depth check are one walk.
fn write_value(
    syntax: &Syntax,
    out: &mut String,
    value: &Value,
    indent: usize,
    column: usize,
    levels: usize,
) -> Result<(), TooDeep> {
    // The room left on the line, less a trailing comma.
    let budget = WIDTH.saturating_sub(column + 1);
    if compact_len(syntax, value, 0, budget).is_some() {
        // A value that fits on a line is small: checking its depth costs little.
        if deeper_than(value, levels) {
            return Err(TooDeep);
        }
        write_compact(syntax, out, value);
        return Ok(());
    }
    let nested = indent + syntax.indent;
    match value {
        Value::Array(_) | Value::Object(_) if levels == 0 => return Err(TooDeep),
        Value::Array(items) => {
            out.push_str("[\n");
            for item in items {
                push_spaces(out, nested);
                write_value(syntax, out, item, nested, nested, levels - 1)?;
                out.push_str(",\n");
            }
            push_spaces(out, indent);
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (key, item) in map {
                push_spaces(out, nested);
                let start = out.len();
                (syntax.key)(out, key);
                let key_len = out.len() - start;
                out.push_str(": ");
                write_value(syntax, out, item, nested, nested + key_len + 2, levels - 1)?;
                out.push_str(",\n");
            }
            push_spaces(out, indent);
            out.push('}');
        }
        other => write_scalar(syntax, out, other),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::escape::{push_quoted, quoted_len};
    use serde_json::json;

    const TEST_SYNTAX: Syntax = Syntax {
        indent: 2,
        null: "null",
        true_: "true",
        false_: "false",
        string: push_quoted,
        string_len: quoted_len,
        key: push_quoted,
        key_len: quoted_len,
        open_brace: "{",
        close_brace: "}",
        parse_json: "parse",
    };

    /// `levels` containers around `leaf`, alternating arrays and objects.
    fn nested(levels: usize, leaf: Value) -> Value {
        (0..levels).fold(leaf, |inner, level| {
            if level % 2 == 0 {
                json!([inner, 1])
            } else {
                json!({ "key": inner })
            }
        })
    }

    #[test]
    fn the_depth_check_in_the_write_agrees_with_a_separate_walk() {
        let long = Value::String("x".repeat(120));
        // With no indent, deep levels still fit on a line, so the limit is also crossed inside a
        // one-line value (with real indents, the line is full long before).
        let unindented = Syntax {
            indent: 0,
            ..TEST_SYNTAX
        };
        for syntax in [&TEST_SYNTAX, &unindented] {
            for levels in 0..=70 {
                // Short leaves let the inner levels fit on a line; a long one breaks every level.
                for leaf in [json!(1), json!([]), json!({}), long.clone()] {
                    let value = nested(levels, leaf.clone());
                    let deep = deeper_than(&value, MAX_LITERAL_DEPTH);
                    let mut out = String::from("x = ");
                    let as_json = push_literal(syntax, &mut out, &value, 4, 4);
                    let case = format!("{levels} levels around {leaf}, indent {}", syntax.indent);
                    assert_eq!(as_json, deep, "{case}");
                    let text = out.strip_prefix("x = ").expect("the text before is kept");
                    assert_eq!(text.starts_with("parse(\""), deep, "{case}: {text}");
                    assert_eq!(literal(syntax, &value, 4, 4), text, "{case}");
                }
            }
        }
    }

    #[test]
    fn a_value_that_fits_on_a_line_is_written_on_one() {
        let value = json!({"a": [1, 2.5, true, null], "b": "x\"y"});
        assert_eq!(
            literal(&TEST_SYNTAX, &value, 0, 0),
            r#"{"a": [1, 2.5, true, null], "b": "x\"y"}"#
        );
    }
}
