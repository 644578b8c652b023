//! The loosely typed fields of a collection: text that may be a number, descriptions that may be objects,
//! and key/value rows that may be a list or `Key: Value` lines.

use serde_json::Value;

/// A key/value row: a query parameter, header, form field or URL variable.
#[derive(Default)]
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) value: String,
    pub(super) description: Option<String>,
    pub(super) disabled: bool,
    /// The row's `type` (`text` or `file` in a form).
    pub(super) kind: Option<String>,
}

/// Key/value rows from a list of `{key, value, description, disabled}` or from `Key: Value` lines.
pub(super) fn entries(value: Option<&Value>) -> Vec<Entry> {
    match value {
        Some(Value::Array(list)) => list
            .iter()
            .filter(|e| e.is_object())
            .map(|e| Entry {
                key: e
                    .get("key")
                    .and_then(text_of)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                value: e.get("value").and_then(text_of).unwrap_or_default(),
                description: description_of(e.get("description")),
                disabled: is_disabled(e),
                kind: e.get("type").and_then(Value::as_str).map(str::to_string),
            })
            .collect(),
        Some(Value::String(lines)) => lines
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(key, value)| Entry {
                disabled: key.trim_start().starts_with("//"),
                key: key.trim().trim_start_matches("//").trim().to_string(),
                value: value.trim().to_string(),
                ..Entry::default()
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The text of a description: a string or `{content, type}`.
pub(super) fn description_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(obj) => non_empty(obj.get("content")),
        other => non_empty(Some(other)),
    }
}

/// A string, trimmed, unless it is blank.
pub(super) fn non_empty(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A string, number or boolean as text.
pub(super) fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A row turned off by `"disabled": true` or `"enabled": false`.
pub(super) fn is_disabled(entry: &Value) -> bool {
    entry.get("disabled").and_then(Value::as_bool) == Some(true)
        || entry.get("enabled").and_then(Value::as_bool) == Some(false)
}
