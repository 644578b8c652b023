//! Text helpers for SDL: string tokens decoded quickly, and byte offsets as lines and columns.

use std::borrow::Cow;

/// The 1-based line and column (in characters) of a byte offset.
pub(super) fn line_column(text: &str, index: usize) -> (usize, usize) {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    let before = &text[..index];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

/// Decodes a string token with std's string functions (fast even in debug builds); `None` for the rare cases
/// left to apollo-parser: escapes in a one-line string, and `\r` line ends in a block string.
pub(super) fn decode_string(token: &str) -> Option<String> {
    if let Some(block) = token
        .strip_prefix("\"\"\"")
        .and_then(|t| t.strip_suffix("\"\"\""))
    {
        if block.contains('\r') {
            return None;
        }
        let block = match block.contains("\\\"\"\"") {
            true => Cow::Owned(block.replace("\\\"\"\"", "\"\"\"")),
            false => Cow::Borrowed(block),
        };
        return Some(block_string_value(&block));
    }
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then(|| inner.to_string())
}

/// The spec's `BlockStringValue`: drop the common indentation (not counting the first line) and the blank
/// lines at the start and the end.
fn block_string_value(raw: &str) -> String {
    let unindented = |line: &str| line.trim_start_matches([' ', '\t']).len();
    let common = raw
        .split('\n')
        .skip(1)
        .filter(|line| unindented(line) > 0)
        .map(|line| line.len() - unindented(line))
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = raw
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                line
            } else {
                &line[common.min(line.len())..]
            }
        })
        .collect();
    let Some(first) = lines.iter().position(|line| unindented(line) > 0) else {
        return String::new();
    };
    let last = lines
        .iter()
        .rposition(|line| unindented(line) > 0)
        .unwrap_or(first);
    lines[first..=last].join("\n")
}
