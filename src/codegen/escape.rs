//! Escaping every string taken from a spec for the place it lands in generated code: string literals,
//! docstrings, comments and identifiers, per language. Whatever the text holds (quotes, triple quotes,
//! backticks, `*/`, `${...}`, `#{`, newlines, NUL, bidirectional controls), the result stays inside its place.

use std::collections::HashSet;

use crate::swar::plain_ascii_end;

/// Characters escaped (or blanked in comments) even where the language would accept them raw: controls,
/// line and paragraph separators, and invisible formatting characters, bidirectional overrides among them
/// (a "Trojan Source" comment or string must not reorder the code around it).
pub fn is_hazard(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{ad}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}')
}

/// `\uXXXX` for a BMP character (every hazard is one).
fn push_unicode_escape(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "\\u{:04x}", c as u32);
}

/// A double-quoted Python string literal. The escapes used (`\\`, `\"`, `\n`, `\r`, `\t`, `\uXXXX`) are the
/// same in JSON, so the literal is also a valid JSON string with the same value.
pub fn py_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_quoted(&mut out, text);
    out
}

/// Appends `text` as a double-quoted string literal, as [`py_str`] and [`js_str`] (the same) spell it: runs of
/// characters that need no escape are copied whole.
pub fn push_quoted(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let bytes = text.as_bytes();
    let (mut i, mut run) = (0, 0);
    loop {
        i = plain_ascii_end(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        if b < 0x80 {
            let escape = match b {
                b'\\' => "\\\\",
                b'"' => "\\\"",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                _ => "",
            };
            out.push_str(&text[run..i]);
            if escape.is_empty() {
                push_unicode_escape(out, b as char);
            } else {
                out.push_str(escape);
            }
            i += 1;
            run = i;
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            let len = c.len_utf8();
            if is_hazard(c) {
                out.push_str(&text[run..i]);
                push_unicode_escape(out, c);
                run = i + len;
            }
            i += len;
        }
    }
    out.push_str(&text[run..]);
    out.push('"');
}

/// The length in bytes of [`push_quoted`]'s literal of `text` (never less than `text.len() + 2`).
pub fn quoted_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut len) = (0, 2 + text.len());
    loop {
        i = plain_ascii_end(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        if b < 0x80 {
            len += match b {
                b'\\' | b'"' | b'\n' | b'\r' | b'\t' => 1,
                _ => 5,
            };
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            let width = c.len_utf8();
            if is_hazard(c) {
                len += 6 - width;
            }
            i += width;
        }
    }
    len
}

/// A Python bytes literal (`b"..."`): printable ASCII as is, everything else `\xNN`.
pub fn py_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push_str("b\"");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            other => out.push_str(&format!("\\x{other:02x}")),
        }
    }
    out.push('"');
    out
}

/// The body of a `"""` docstring: newlines kept, backslashes doubled, every quote that touches another quote
/// (or ends the text) escaped, so no `"""` can close it early; other hazards as `\uXXXX`.
pub fn py_docstring(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => {
                let touches =
                    chars.get(i + 1).is_none_or(|&n| n == '"') || (i > 0 && chars[i - 1] == '"');
                out.push_str(if touches { "\\\"" } else { "\"" });
            }
            '\n' => out.push('\n'),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("    "),
            c if is_hazard(c) => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Text for one comment line (any language's `#` or `//` comment): every line break, control and hazard
/// becomes a space, runs of spaces collapse, and the result is cut to `max` characters.
pub fn comment_line(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max.saturating_mul(4)));
    let mut count = 0;
    for c in text.chars() {
        let c = if is_hazard(c) { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        if count == max {
            out.push('…');
            break;
        }
        out.push(c);
        count += 1;
    }
    out.trim_end().to_string()
}

/// Python's keywords: never identifiers (soft keywords such as `match` and `type` are fine).
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Any text as a Python identifier: ASCII letters, digits and `_` (other runs become one `_`), not
/// starting with a digit, never empty, never a keyword.
pub fn py_identifier(raw: &str) -> String {
    let mut out = identifier_chars(raw);
    if out.is_empty() {
        out.push('_');
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if PYTHON_KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `Pet Clinic & Store` -> `pet_clinic_store`, `listPets` -> `list_pets`: lower snake case, a valid and
/// non-keyword Python identifier.
pub fn py_snake(raw: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    py_identifier(out.trim_matches('_'))
}

/// ASCII letters, digits and `_`; any other run as one `_` (not at the ends).
fn identifier_chars(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if pending && !out.is_empty() {
                out.push('_');
            }
            pending = false;
            out.push(c);
        } else {
            pending = true;
        }
    }
    out
}

/// Hands out unique identifiers: the escaped name, else with `_2`, `_3`, ...
#[derive(Debug, Default)]
pub struct Identifiers {
    taken: HashSet<String>,
}

impl Identifiers {
    /// With names already in use (module names, imports).
    pub fn reserving(names: &[&str]) -> Self {
        Identifiers {
            taken: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// A unique identifier for `raw`, made with `escape` (e.g. [`py_identifier`]).
    pub fn claim(&mut self, raw: &str, escape: fn(&str) -> String) -> String {
        let base = escape(raw);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// A double-quoted JavaScript/TypeScript string literal (also valid JSON): quotes, backslashes and every
/// hazard escaped, so `</script>`-free, line-terminator-free and safe in any position.
pub fn js_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_quoted(&mut out, text);
    out
}

/// Text for a `/** ... */` comment: `*/` can never close it early, hazards blanked, lines kept.
pub fn js_block_comment(text: &str) -> String {
    text.lines()
        .map(|line| comment_line(line, usize::MAX).replace("*/", "*\\/"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The body of a JavaScript/TypeScript template literal (between backticks): backslashes, backticks and
/// `${` escaped, so nothing is interpolated or closes it early; newlines kept, other hazards as `\uXXXX`.
pub fn js_template(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '`' => out.push_str("\\`"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            '\n' => out.push('\n'),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hazard(c) => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// A property key in a JavaScript object literal: a string literal, except `__proto__`, which as a plain key
/// would set the prototype instead of making a property, so it is computed (`["__proto__"]`).
pub fn js_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    push_js_key(&mut out, text);
    out
}

/// Appends [`js_key`] of `text`.
pub fn push_js_key(out: &mut String, text: &str) {
    if text == "__proto__" {
        out.push('[');
        push_quoted(out, text);
        out.push(']');
    } else {
        push_quoted(out, text);
    }
}

/// The length in bytes of [`js_key`] of `text` (never less than `text.len() + 2`).
pub fn js_key_len(text: &str) -> usize {
    quoted_len(text) + if text == "__proto__" { 2 } else { 0 }
}

/// JavaScript's reserved words (and TypeScript's strict-mode and type-position ones): never identifiers.
pub const JS_RESERVED: &[&str] = &[
    "any",
    "arguments",
    "as",
    "async",
    "await",
    "boolean",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "constructor",
    "continue",
    "debugger",
    "declare",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "from",
    "function",
    "get",
    "if",
    "implements",
    "import",
    "in",
    "infer",
    "instanceof",
    "interface",
    "is",
    "keyof",
    "let",
    "module",
    "namespace",
    "never",
    "new",
    "null",
    "number",
    "object",
    "of",
    "package",
    "private",
    "protected",
    "public",
    "readonly",
    "require",
    "return",
    "set",
    "static",
    "string",
    "super",
    "switch",
    "symbol",
    "this",
    "throw",
    "true",
    "try",
    "type",
    "typeof",
    "undefined",
    "unique",
    "unknown",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Any text as a JavaScript/TypeScript identifier: ASCII letters, digits and `_` (other runs become one
/// `_`), not starting with a digit, never empty, never a reserved word.
pub fn js_identifier(raw: &str) -> String {
    let mut out = identifier_chars(raw);
    if out.is_empty() {
        out.push('_');
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if JS_RESERVED.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// A Rust string literal: `\u{...}` escapes for hazards, quotes and backslashes escaped.
pub fn rust_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hazard(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rust raw string literal (`r#"..."#`) with one `#` more than the longest run of `#` after a quote in
/// the text, so nothing in it can close the literal early. Text holding a hazard (a line break, a control, a
/// bidirectional override, which rustc denies raw in a literal) is written as [`rust_str`] instead.
pub fn rust_raw_str(text: &str) -> String {
    if text.chars().any(is_hazard) {
        return rust_str(text);
    }
    let mut longest = 0;
    for (i, _) in text.match_indices('"') {
        let run = text[i + 1..].chars().take_while(|&c| c == '#').count();
        longest = longest.max(run + 1);
    }
    let hashes = "#".repeat(longest.max(1));
    format!("r{hashes}\"{text}\"{hashes}")
}

/// Doc comment lines (`prefix` is `///` or `//!`): one per line of `text`, each through [`comment_line`] (no
/// line break or hazard can end the comment or reorder the code), with the Markdown that would change what
/// rustdoc does (runs of backticks or tildes that could open a fenced code block, hence a doctest; HTML)
/// escaped.
pub fn rust_doc(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|line| {
            let line = comment_line(line, 400)
                .replace('\\', "\\\\")
                .replace("``", "`\\`")
                .replace("~~", "~\\~")
                .replace('<', "\\<");
            if line.is_empty() {
                prefix.to_string()
            } else {
                format!("{prefix} {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rust's strict and reserved keywords (and `_`): never identifiers.
pub const RUST_KEYWORDS: &[&str] = &[
    "Self", "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Any text as a Rust identifier: ASCII letters, digits and `_` (other runs become one `_`), not starting
/// with a digit, never empty or `_` alone, never a keyword (a `_` is appended).
pub fn rust_identifier(raw: &str) -> String {
    let mut out = identifier_chars(raw);
    if out.is_empty() || out.chars().all(|c| c == '_') {
        out = "unnamed".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if RUST_KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `listPets` -> `list_pets`: lower snake case with single underscores (no `non_snake_case` warning), a
/// valid and non-keyword Rust identifier.
pub fn rust_snake(raw: &str) -> String {
    let snake = py_snake(raw);
    let trimmed = snake.trim_matches('_');
    let mut out = String::new();
    for c in trimmed.chars() {
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    rust_identifier(&out)
}

#[cfg(test)]
#[path = "escape_tests.rs"]
mod tests;
