//! Telling GraphQL SDL from JSON and YAML by content alone, in one pass and without allocating.

/// The keywords a type-system document can start with.
const KEYWORDS: [&[u8]; 9] = [
    b"type",
    b"schema",
    b"extend",
    b"scalar",
    b"enum",
    b"input",
    b"interface",
    b"union",
    b"directive",
];

/// True when, after whitespace, `#` comments and descriptions, the text starts with a type-system keyword
/// followed by whitespace and then a name, `{` or (for `directive`) `@`.
pub(super) fn looks_like_sdl(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = if bytes.starts_with("\u{feff}".as_bytes()) {
        3
    } else {
        0
    };
    loop {
        i = skip_ignored(bytes, i);
        match bytes.get(i) {
            Some(b'"') if bytes[i..].starts_with(b"\"\"\"") => match block_string_end(bytes, i + 3)
            {
                Some(end) => i = end,
                None => return false,
            },
            Some(b'"') => match string_end(bytes, i + 1) {
                Some(end) => i = end,
                None => return false,
            },
            _ => break,
        }
    }
    let start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    if !KEYWORDS.contains(&&bytes[start..i]) {
        return false;
    }
    let after_word = i;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    if i == after_word {
        return false;
    }
    match bytes.get(i) {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' || *c == b'{' => true,
        Some(b'@') => &bytes[start..after_word] == b"directive",
        _ => false,
    }
}

/// Skips whitespace, commas (insignificant in GraphQL) and `#` comments.
fn skip_ignored(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    i
}

/// The index after the `"""` that closes a block string whose content starts at `i`.
fn block_string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i + 2 < bytes.len() {
        match bytes[i] {
            b'\\' if bytes[i + 1..].starts_with(b"\"\"\"") => i += 4,
            b'"' if bytes[i + 1] == b'"' && bytes[i + 2] == b'"' => return Some(i + 3),
            _ => i += 1,
        }
    }
    None
}

/// The index after the `"` that closes a one-line string whose content starts at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b'\n' | b'\r' => return None,
            _ => i += 1,
        }
    }
    None
}
