//! JSON with comments and trailing commas (the `jsonc` of VS Code settings), read by blanking `//` and
//! `/* */` comments and trailing commas with spaces. Every byte keeps its offset, so serde_json's line and
//! column still point into the original file.

use serde_json::Value;

use super::ProfileError;

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Parses JSON that may hold comments, trailing commas and a byte order mark.
pub(super) fn parse(text: &str, source_name: &str) -> Result<Value, ProfileError> {
    let plain = to_plain_json(text).map_err(|comment_start| {
        let (line, column) = line_and_column(text, comment_start);
        ProfileError::Parse {
            source_name: source_name.to_string(),
            line,
            column,
            message: "unterminated /* comment".to_string(),
        }
    })?;
    serde_json::from_str(&plain).map_err(|error| {
        let full = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        ProfileError::Parse {
            source_name: source_name.to_string(),
            line: error.line(),
            column: error.column(),
            message: full.strip_suffix(&position).unwrap_or(&full).to_string(),
        }
    })
}

/// The text with comments, trailing commas and a byte order mark replaced by spaces (newlines inside block
/// comments kept). An unterminated block comment is an error at its byte offset.
fn to_plain_json(text: &str) -> Result<String, usize> {
    let mut bytes = text.as_bytes().to_vec();
    let mut index = 0;
    if bytes.starts_with(BYTE_ORDER_MARK) {
        blank(&mut bytes[..BYTE_ORDER_MARK.len()]);
        index = BYTE_ORDER_MARK.len();
    }
    let mut in_string = false;
    let mut pending_comma: Option<usize> = None;
    while index < bytes.len() {
        let byte = bytes[index];
        if in_string {
            match byte {
                b'\\' => index += 1,
                b'"' => in_string = false,
                _ => {}
            }
            index += 1;
            continue;
        }
        match (byte, bytes.get(index + 1)) {
            (b'/', Some(b'/')) => {
                let end = bytes[index..]
                    .iter()
                    .position(|&byte| byte == b'\n')
                    .map_or(bytes.len(), |length| index + length);
                blank(&mut bytes[index..end]);
                index = end;
                continue;
            }
            (b'/', Some(b'*')) => {
                let end = bytes[index + 2..]
                    .windows(2)
                    .position(|pair| pair == b"*/")
                    .map(|length| index + 2 + length + 2)
                    .ok_or(index)?;
                blank(&mut bytes[index..end]);
                index = end;
                continue;
            }
            (b'"', _) => {
                in_string = true;
                pending_comma = None;
            }
            (b',', _) => pending_comma = Some(index),
            (b'}' | b']', _) => {
                if let Some(comma) = pending_comma.take() {
                    bytes[comma] = b' ';
                }
            }
            (b' ' | b'\t' | b'\n' | b'\r', _) => {}
            _ => pending_comma = None,
        }
        index += 1;
    }
    // Only ASCII bytes and whole comments (which end at ASCII bytes) were replaced, so this stays UTF-8.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()))
}

/// Replaces bytes with spaces, keeping line breaks.
fn blank(bytes: &mut [u8]) {
    for byte in bytes
        .iter_mut()
        .filter(|byte| !matches!(byte, b'\n' | b'\r'))
    {
        *byte = b' ';
    }
}

/// The 1-based line and byte column of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    let line = 1 + before.iter().filter(|&&byte| byte == b'\n').count();
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn comments_and_trailing_commas_become_spaces() {
        let text = "{\n  // line comment, with \"quotes\"\n  \"a\": [1, 2,], /* block\n spanning */ \"b\": \"//not a comment /* either */\",\n}\n";
        let plain = to_plain_json(text).unwrap();
        assert_eq!(plain.len(), text.len());
        assert_eq!(plain.lines().count(), text.lines().count());
        assert_eq!(
            serde_json::from_str::<Value>(&plain).unwrap(),
            json!({"a": [1, 2], "b": "//not a comment /* either */"})
        );
    }

    #[test]
    fn escaped_quotes_and_non_ascii_text_survive() {
        let text = "{\"q\": \"say \\\"hi\\\" // still text\", /* é ü */ \"é\": \"ü\",}";
        assert_eq!(
            parse(text, "x.json").unwrap(),
            json!({"q": "say \"hi\" // still text", "é": "ü"})
        );
    }

    #[test]
    fn a_comma_before_a_comment_and_a_brace_is_trailing() {
        let text = "{\"a\": 1, // last\n}";
        assert_eq!(parse(text, "x.json").unwrap(), json!({"a": 1}));
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        assert_eq!(
            parse("\u{feff}{\"a\": true}", "x.json").unwrap(),
            json!({"a": true})
        );
    }

    #[test]
    fn errors_point_at_the_original_line() {
        let text = "{\n  /* one\n     two\n     three */\n  \"a\": 1\n  \"b\": 2\n}\n";
        let error = parse(text, "mcp.json").unwrap_err();
        assert_eq!(
            error.to_string(),
            "mcp.json: line 6, column 3: expected `,` or `}`"
        );
    }

    #[test]
    fn an_unterminated_block_comment_is_an_error_where_it_starts() {
        let error = parse("{\n  \"a\": 1 /* never closed\n}", "mcp.json").unwrap_err();
        assert_eq!(
            error,
            ProfileError::Parse {
                source_name: "mcp.json".to_string(),
                line: 2,
                column: 10,
                message: "unterminated /* comment".to_string(),
            }
        );
    }
}
