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
    /// A string value as a safe string literal.
    pub string: fn(&str) -> String,
    /// An object key as it stands before `: `.
    pub key: fn(&str) -> String,
    /// What opens and closes a non-empty object on one line (an empty one is `{}`).
    pub open_brace: &'static str,
    pub close_brace: &'static str,
    /// The function that parses JSON text, for values deeper than [`MAX_LITERAL_DEPTH`].
    pub parse_json: &'static str,
}

/// `value` as an expression whose first line starts at column `column` and whose continuation lines are
/// indented by `indent` spaces.
pub fn literal(syntax: &Syntax, value: &Value, indent: usize, column: usize) -> String {
    if needs_json(value) {
        let text = serde_json::to_string(value).unwrap_or_default();
        return format!("{}({})", syntax.parse_json, (syntax.string)(&text));
    }
    let mut out = String::new();
    write_value(syntax, &mut out, value, indent, column);
    out
}

/// Whether [`literal`] of `value` is JSON text passed to [`Syntax::parse_json`].
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

fn scalar(syntax: &Syntax, value: &Value) -> String {
    match value {
        Value::Null => syntax.null.into(),
        Value::Bool(true) => syntax.true_.into(),
        Value::Bool(false) => syntax.false_.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => (syntax.string)(s),
        Value::Array(_) | Value::Object(_) => unreachable!("containers are not scalars"),
    }
}

/// The one-line form, or None when it would be longer than `budget`.
fn compact(syntax: &Syntax, value: &Value, budget: usize) -> Option<String> {
    let mut out = String::new();
    compact_into(syntax, &mut out, value, budget).then_some(out)
}

/// Appends the one-line form; false (stopping early) once it is longer than `budget`.
fn compact_into(syntax: &Syntax, out: &mut String, value: &Value, budget: usize) -> bool {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if out.len() > budget || !compact_into(syntax, out, item, budget) {
                    return false;
                }
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
                out.push_str(&(syntax.key)(key));
                out.push_str(": ");
                if out.len() > budget || !compact_into(syntax, out, item, budget) {
                    return false;
                }
            }
            out.push_str(syntax.close_brace);
        }
        other => out.push_str(&scalar(syntax, other)),
    }
    out.len() <= budget
}

fn write_value(syntax: &Syntax, out: &mut String, value: &Value, indent: usize, column: usize) {
    // The room left on the line, less a trailing comma.
    let budget = WIDTH.saturating_sub(column + 1);
    if let Some(line) = compact(syntax, value, budget) {
        out.push_str(&line);
        return;
    }
    let nested = indent + syntax.indent;
    let inner = " ".repeat(nested);
    match value {
        Value::Array(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&inner);
                write_value(syntax, out, item, nested, nested);
                out.push_str(",\n");
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (key, item) in map {
                let key = (syntax.key)(key);
                out.push_str(&inner);
                out.push_str(&key);
                out.push_str(": ");
                write_value(syntax, out, item, nested, nested + key.len() + 2);
                out.push_str(",\n");
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
        other => out.push_str(&scalar(syntax, other)),
    }
}
