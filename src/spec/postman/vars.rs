//! `{{variables}}`: the collection's values, resolving them in text, and marking the unresolved ones in a URL
//! so that the URL can be split without breaking them apart.

use std::collections::HashMap;

use serde_json::Value;

use super::Reader;
use super::fields::{is_disabled, text_of};

/// Marks an unresolved variable in a URL while the URL is split into base, path and query.
pub(super) const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';
/// How many levels deep variables inside the values of variables resolve.
const MAX_RESOLVE_DEPTH: usize = 4;

/// Enabled collection variables with a non-empty value; a later duplicate wins.
pub(super) fn collection_variables(list: Option<&Value>) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    for entry in list.and_then(Value::as_array).into_iter().flatten() {
        let key = entry
            .get("key")
            .or_else(|| entry.get("id"))
            .and_then(text_of);
        let Some(key) = key.filter(|k| !k.is_empty() && !is_disabled(entry)) else {
            continue;
        };
        match entry
            .get("value")
            .and_then(text_of)
            .filter(|v| !v.is_empty())
        {
            Some(value) => vars.insert(key, value),
            None => vars.remove(&key),
        };
    }
    vars
}

/// `{{name}}`: a variable as Postman writes it.
pub(super) fn placeholder(name: &str) -> String {
    format!("{{{{{name}}}}}")
}

/// The description of a parameter or server variable that stands for a Postman variable.
pub(super) fn variable_description(name: &str) -> String {
    format!("Postman variable `{}`", placeholder(name))
}

impl Reader {
    /// Text with every known variable replaced by its value (variables in values resolve a few levels deep).
    pub(super) fn resolve(&self, text: &str) -> String {
        self.resolve_depth(text, 0)
    }

    fn resolve_depth(&self, text: &str, depth: usize) -> String {
        if !text.contains("{{") {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        for piece in pieces(text) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(name) => match self.vars.get(name) {
                    Some(value) if depth < MAX_RESOLVE_DEPTH => {
                        out.push_str(&self.resolve_depth(value, depth + 1))
                    }
                    Some(value) => out.push_str(value),
                    None => out.push_str(&placeholder(name)),
                },
            }
        }
        out
    }

    /// [`Reader::resolve`], with each unresolved variable replaced by a marker that indexes `names`.
    pub(super) fn mark(&self, text: &str, names: &mut Vec<String>) -> String {
        let mut out = String::new();
        for piece in pieces(&self.resolve(text)) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(name) => {
                    out.push(MARK_OPEN);
                    out.push_str(&names.len().to_string());
                    out.push(MARK_CLOSE);
                    names.push(name.to_string());
                }
            }
        }
        out
    }

    /// Text that may hold markers, resolved, with each marker written back as `{{name}}`.
    pub(super) fn unmark_resolved(&self, text: &str, names: &[String]) -> String {
        unmark(&self.resolve(text), names, placeholder)
    }
}

/// Replaces each marker made by [`Reader::mark`] with what `replace` gives for its variable's name.
pub(super) fn unmark(
    text: &str,
    names: &[String],
    mut replace: impl FnMut(&str) -> String,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(MARK_OPEN) {
        let after = &rest[start + MARK_OPEN.len_utf8()..];
        let Some(len) = after.find(MARK_CLOSE) else {
            break;
        };
        out.push_str(&rest[..start]);
        if let Some(name) = after[..len]
            .parse::<usize>()
            .ok()
            .and_then(|i| names.get(i))
        {
            out.push_str(&replace(name));
        }
        rest = &after[len + MARK_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

enum Piece<'t> {
    Text(&'t str),
    Var(&'t str),
}

/// Splits text into literal text and `{{name}}` variables (innermost first when they nest).
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + 2 + len];
        if name.trim().is_empty() || name.contains(['{', '}']) {
            out.push(Piece::Text(&rest[..start + 1]));
            rest = &rest[start + 1..];
            continue;
        }
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        out.push(Piece::Var(name.trim()));
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}
