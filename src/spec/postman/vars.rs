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
/// How many bytes of variable values all resolving in one collection may insert. Values can use other variables
/// many times over (`a` = `{{b}}{{b}}`, `b` = `{{c}}{{c}}`, ...) and every request can use them, so a small
/// collection could otherwise expand without end; past this, variables stay as written (`{{name}}`). Real
/// collections insert a few KB (the most in the shared corpus: 12.5 KB).
pub(super) const MAX_EXPANSION: usize = 1024 * 1024;

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
        let mut out = String::with_capacity(text.len());
        self.resolve_into(text, 0, &mut out);
        out
    }

    fn resolve_into(&self, text: &str, depth: usize, out: &mut String) {
        if !text.contains("{{") {
            out.push_str(text);
            return;
        }
        for piece in pieces(text) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(name) => match self.vars.get(name) {
                    Some(value) if !self.spend_expansion(value.len()) => {
                        out.push_str(&placeholder(name))
                    }
                    Some(value) if depth < MAX_RESOLVE_DEPTH => {
                        self.resolve_into(value, depth + 1, out)
                    }
                    Some(value) => out.push_str(value),
                    None => out.push_str(&placeholder(name)),
                },
            }
        }
    }

    /// Takes `bytes` from the collection's [`MAX_EXPANSION`]; false, taking nothing, when that much is not left.
    fn spend_expansion(&self, bytes: usize) -> bool {
        let spent = self.expanded.get().saturating_add(bytes);
        if spent > MAX_EXPANSION {
            self.expansion_cut.set(true);
            return false;
        }
        self.expanded.set(spent);
        true
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
    // Each `}}` closes the `{{` nearest before it, so every byte is looked at a bounded number of times.
    while let Some(close) = rest.find("}}") {
        let end = close + 2;
        let name = rest[..close]
            .rfind("{{")
            .map(|open| (open, &rest[open + 2..close]))
            .filter(|(_, name)| !name.trim().is_empty() && !name.contains(['{', '}']));
        match name {
            Some((open, name)) => {
                if open > 0 {
                    out.push(Piece::Text(&rest[..open]));
                }
                out.push(Piece::Var(name.trim()));
            }
            None => out.push(Piece::Text(&rest[..end])),
        }
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}
