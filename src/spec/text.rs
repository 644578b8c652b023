//! Bytes to text to a JSON tree, with every failure located by line and column.

use serde_json::Value;

use super::error::SpecError;
use super::yaml::MAX_NESTING;

/// Decodes bytes as UTF-8 (a UTF-8 BOM is dropped; UTF-16 with a BOM is converted).
pub(crate) fn decode(bytes: &[u8], source_name: &str) -> Result<String, SpecError> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        utf8(rest, source_name)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, source_name, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, source_name, u16::from_be_bytes)?
    } else {
        utf8(bytes, source_name)?
    };
    if text.trim().is_empty() {
        return Err(SpecError::Empty {
            source_name: source_name.to_string(),
        });
    }
    Ok(text)
}

/// [`decode`] for bytes owned by the caller: plain UTF-8 becomes the text without a copy.
pub(crate) fn decode_owned(bytes: Vec<u8>, source_name: &str) -> Result<String, SpecError> {
    let marked = [&[0xEF, 0xBB, 0xBF][..], &[0xFF, 0xFE], &[0xFE, 0xFF]];
    if marked.iter().any(|mark| bytes.starts_with(mark)) {
        return decode(&bytes, source_name);
    }
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return decode(&bytes, source_name);
    }
    // SAFETY: the bytes were just checked to be UTF-8.
    let text = unsafe { String::from_utf8_unchecked(bytes) };
    if text.trim().is_empty() {
        return Err(SpecError::Empty {
            source_name: source_name.to_string(),
        });
    }
    Ok(text)
}

fn utf8(bytes: &[u8], source_name: &str) -> Result<String, SpecError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let (line, column) = line_column(&bytes[..e.valid_up_to()]);
            Err(SpecError::syntax(
                source_name,
                line,
                column,
                "invalid UTF-8 (the document must be UTF-8 text)",
            ))
        }
    }
}

fn utf16(bytes: &[u8], source_name: &str, unit: fn([u8; 2]) -> u16) -> Result<String, SpecError> {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| SpecError::syntax(source_name, 1, 1, "invalid UTF-16 text"))
}

/// The 1-based line and column just after `prefix`.
pub(crate) fn line_column(prefix: &[u8]) -> (usize, usize) {
    let line = 1 + prefix.iter().filter(|&&b| b == b'\n').count();
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = 1 + String::from_utf8_lossy(&prefix[line_start..])
        .chars()
        .count();
    (line, column)
}

/// True when the first significant character opens a JSON object or array.
pub(crate) fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{') | Some('['))
}

/// Parses JSON or YAML (JSON is tried first when the text starts like JSON).
pub(crate) fn parse_tree(text: &str, source_name: &str) -> Result<Value, SpecError> {
    if looks_like_json(text) {
        return match serde_json::from_str::<Value>(text) {
            Ok(value) => Ok(value),
            Err(json_error) if json_error.to_string().starts_with("recursion limit") => {
                Err(SpecError::syntax(
                    source_name,
                    json_error.line(),
                    json_error.column(),
                    format!("the document nests deeper than {MAX_NESTING} levels"),
                ))
            }
            Err(json_error) => {
                // Some "JSON" files are really YAML flow mappings; accept them only if YAML reads them.
                parse_yaml(text, source_name).map_err(|_| {
                    SpecError::syntax(
                        source_name,
                        json_error.line(),
                        json_error.column(),
                        json_message(&json_error),
                    )
                })
            }
        };
    }
    parse_yaml(text, source_name)
}

fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    // serde_json appends " at line L column C"; the location is reported separately.
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Where brackets first nest deeper than the YAML limit, counted without regard to quoting.
///
/// The YAML parser slows quadratically with flow nesting, so deep nesting is refused before it runs. Real
/// descriptions stay far below the limit even counting brackets inside strings (28 at most in the corpus).
fn bracket_depth_exceeded(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (i, byte) in text.bytes().enumerate() {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(line_column(&text.as_bytes()[..i]));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn parse_yaml(text: &str, source_name: &str) -> Result<Value, SpecError> {
    if let Some((line, column)) = bracket_depth_exceeded(text) {
        return Err(SpecError::syntax(
            source_name,
            line,
            column,
            format!("the document nests deeper than {MAX_NESTING} levels"),
        ));
    }
    let mut documents = yaml_serde::Deserializer::from_str(text);
    let first = match documents.next() {
        Some(document) => document,
        None => {
            return Err(SpecError::Empty {
                source_name: source_name.to_string(),
            });
        }
    };
    let value = serde::de::DeserializeSeed::deserialize(super::yaml::ValueSeed { depth: 0 }, first)
        .map_err(|e| yaml_error(&e, source_name))?;
    if documents.next().is_some() {
        return Err(SpecError::unsupported(
            source_name,
            "the YAML stream holds more than one document; an API description is one document",
        ));
    }
    Ok(value)
}

fn yaml_error(error: &yaml_serde::Error, source_name: &str) -> SpecError {
    let (line, column) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
    let mut message = error.to_string();
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    if message.contains("repetition limit exceeded") {
        message = "YAML aliases expand past the repetition limit (an alias bomb?)".to_string();
    } else if message.contains("recursion limit exceeded") {
        message = format!("the document nests deeper than {MAX_NESTING} levels");
    }
    SpecError::syntax(source_name, line, column, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        assert_eq!(line_column(b"ab\ncd"), (2, 3));
        assert_eq!(line_column("é".as_bytes()), (1, 2));
        assert_eq!(line_column(b""), (1, 1));
    }

    #[test]
    fn decode_reports_invalid_utf8_position() {
        let err = decode(b"a: 1\nb: \xff\n", "x.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.yaml: line 2, column 4: invalid UTF-8 (the document must be UTF-8 text)"
        );
    }

    #[test]
    fn decode_owned_agrees_with_decode() {
        for bytes in [&b"{}"[..], b"\xEF\xBB\xBF{}", b"a: 1\nb: \xff\n", b"  \n"] {
            let owned = decode_owned(bytes.to_vec(), "x.yaml").map_err(|e| e.to_string());
            assert_eq!(owned, decode(bytes, "x.yaml").map_err(|e| e.to_string()));
        }
    }

    #[test]
    fn decode_strips_bom_and_reads_utf16() {
        assert_eq!(decode(b"\xEF\xBB\xBF{}", "x").unwrap(), "{}");
        let utf16: Vec<u8> = [0xFF, 0xFE, b'{', 0, b'}', 0].to_vec();
        assert_eq!(decode(&utf16, "x").unwrap(), "{}");
        assert!(matches!(decode(b"  \n", "x"), Err(SpecError::Empty { .. })));
    }

    #[test]
    fn json_errors_carry_line_and_column() {
        let err = parse_tree("{\n  \"a\": [1,\n}", "bad.json").unwrap_err();
        match err {
            SpecError::Syntax { line, column, .. } => assert_eq!((line, column), (3, 1)),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let err = parse_tree("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml").unwrap_err();
        assert!(matches!(err, SpecError::Syntax { line: 3, .. }), "{err}");
    }

    #[test]
    fn yaml_integer_keys_become_strings() {
        let value = parse_tree("responses:\n  200:\n    description: ok\n", "x").unwrap();
        assert!(value["responses"]["200"].is_object());
    }
}
