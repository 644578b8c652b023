//! What a call, a resource read or a prompt gave, turned into lines of toned text off the UI thread (a
//! 16 MB result is laid out once, in the task, and drawing only styles the visible lines).

use serde_json::Value;

/// How a piece of text is shown; the palette maps tones to styles when drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Heading,
    Dim,
    Problem,
    Key,
    Text,
    Number,
    Literal,
}

pub type ToneLine = Vec<(Tone, String)>;

/// Laid-out output, bounded to [`MAX_LINES`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub lines: Vec<ToneLine>,
    /// The whole output as plain text (for copying and $EDITOR).
    pub plain: String,
    pub is_error: bool,
}

/// Lines kept for display; the rest is reachable through copy and $EDITOR.
pub const MAX_LINES: usize = 5_000;

impl Rendered {
    fn push(&mut self, tone: Tone, text: impl Into<String>) {
        self.lines.push(vec![(tone, text.into())]);
    }

    fn push_json(&mut self, value: &Value) {
        let mut layout = JsonLayout {
            lines: Vec::new(),
            current: Vec::new(),
        };
        layout.value(value, 0);
        layout.end_line();
        self.lines.extend(layout.lines);
    }

    /// Text that is JSON is shown as JSON; other text as its lines.
    fn push_text(&mut self, text: &str) {
        let trimmed = text.trim_start();
        if (trimmed.starts_with('{') || trimmed.starts_with('['))
            && let Ok(value) = serde_json::from_str::<Value>(text)
        {
            self.push_json(&value);
            return;
        }
        for line in text.lines() {
            self.push(Tone::Plain, line);
        }
    }

    fn finish(mut self) -> Rendered {
        self.plain = self
            .lines
            .iter()
            .map(|line| line.iter().map(|(_, t)| t.as_str()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n");
        if self.lines.len() > MAX_LINES {
            let more = self.lines.len() - MAX_LINES;
            self.lines.truncate(MAX_LINES);
            self.push(
                Tone::Dim,
                format!("… {more} more lines (y copies all, e opens them in $EDITOR)"),
            );
        }
        self
    }
}

/// A `tools/call` result: each content block, structuredContent, and what the client found.
pub fn tool_result(
    result: &Value,
    output_problems: &[String],
    elapsed_ms: u64,
    tool: &str,
) -> Rendered {
    let is_error = result.get("isError").and_then(Value::as_bool) == Some(true);
    let mut out = Rendered {
        is_error,
        ..Rendered::default()
    };
    let verdict = if is_error { "error (isError)" } else { "ok" };
    out.push(
        Tone::Heading,
        format!("{tool} · {verdict} · {elapsed_ms} ms"),
    );
    for block in result
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        content_block(&mut out, block);
    }
    if let Some(structured) = result.get("structuredContent") {
        out.push(Tone::Dim, "structuredContent:");
        out.push_json(structured);
    }
    if output_problems.is_empty() {
        if result.get("structuredContent").is_some() {
            out.push(Tone::Dim, "✓ structuredContent fits the outputSchema");
        }
    } else {
        out.push(
            Tone::Problem,
            "✗ structuredContent breaks the outputSchema:",
        );
        for problem in output_problems {
            out.push(Tone::Problem, format!("  {problem}"));
        }
    }
    out.finish()
}

fn content_block(out: &mut Rendered, block: &Value) {
    let field = |name: &str| block.get(name).and_then(Value::as_str).unwrap_or("");
    match field("type") {
        "text" => out.push_text(field("text")),
        "image" | "audio" => out.push(
            Tone::Dim,
            format!(
                "[{} {}, about {} bytes]",
                field("type"),
                field("mimeType"),
                field("data").len() / 4 * 3
            ),
        ),
        "resource" => {
            let resource = block.get("resource").unwrap_or(&Value::Null);
            let uri = resource.get("uri").and_then(Value::as_str).unwrap_or("");
            out.push(Tone::Dim, format!("[resource {uri}]"));
            match resource.get("text").and_then(Value::as_str) {
                Some(text) => out.push_text(text),
                None => out.push(Tone::Dim, "(binary)"),
            }
        }
        "resource_link" => out.push(
            Tone::Dim,
            format!("[link {} {}]", field("name"), field("uri")),
        ),
        _ => out.push_json(block),
    }
}

/// A `resources/read` result.
pub fn resource_contents(uri: &str, result: &Value) -> Rendered {
    let mut out = Rendered::default();
    out.push(Tone::Heading, format!("resource {uri}"));
    for item in result
        .get("contents")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(mime) = item.get("mimeType").and_then(Value::as_str) {
            out.push(Tone::Dim, format!("[{mime}]"));
        }
        match item.get("text").and_then(Value::as_str) {
            Some(text) => out.push_text(text),
            None => out.push(Tone::Dim, "(binary blob)"),
        }
    }
    out.finish()
}

/// A `prompts/get` result: each message with its role.
pub fn prompt_messages(name: &str, result: &Value) -> Rendered {
    let mut out = Rendered::default();
    out.push(Tone::Heading, format!("prompt {name}"));
    if let Some(description) = result.get("description").and_then(Value::as_str) {
        out.push(Tone::Dim, description);
    }
    for message in result
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let role = message.get("role").and_then(Value::as_str).unwrap_or("?");
        out.push(Tone::Key, format!("{role}:"));
        content_block(&mut out, message.get("content").unwrap_or(&Value::Null));
    }
    out.finish()
}

/// A failure (the request itself failed, not the tool).
pub fn failure(what: &str, reason: &str) -> Rendered {
    let mut out = Rendered {
        is_error: true,
        ..Rendered::default()
    };
    out.push(Tone::Problem, format!("{what} failed"));
    for line in reason.lines() {
        out.push(Tone::Problem, line);
    }
    out.finish()
}

/// Pretty JSON as toned lines.
struct JsonLayout {
    lines: Vec<ToneLine>,
    current: ToneLine,
}

impl JsonLayout {
    fn put(&mut self, tone: Tone, text: String) {
        self.current.push((tone, text));
    }

    fn end_line(&mut self) {
        if !self.current.is_empty() {
            self.lines.push(std::mem::take(&mut self.current));
        }
    }

    fn indent(&mut self, depth: usize) {
        self.end_line();
        self.put(Tone::Plain, "  ".repeat(depth));
    }

    fn value(&mut self, value: &Value, depth: usize) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.put(Tone::Plain, "{".into());
                let last = map.len() - 1;
                for (i, (key, item)) in map.iter().enumerate() {
                    self.indent(depth + 1);
                    self.put(Tone::Key, quoted(key));
                    self.put(Tone::Plain, ": ".into());
                    self.value(item, depth + 1);
                    if i < last {
                        self.put(Tone::Plain, ",".into());
                    }
                }
                self.indent(depth);
                self.put(Tone::Plain, "}".into());
            }
            Value::Array(items) if !items.is_empty() => {
                self.put(Tone::Plain, "[".into());
                let last = items.len() - 1;
                for (i, item) in items.iter().enumerate() {
                    self.indent(depth + 1);
                    self.value(item, depth + 1);
                    if i < last {
                        self.put(Tone::Plain, ",".into());
                    }
                }
                self.indent(depth);
                self.put(Tone::Plain, "]".into());
            }
            Value::Object(_) => self.put(Tone::Plain, "{}".into()),
            Value::Array(_) => self.put(Tone::Plain, "[]".into()),
            Value::String(text) => self.put(Tone::Text, quoted(text)),
            Value::Number(number) => self.put(Tone::Number, number.to_string()),
            Value::Bool(_) | Value::Null => self.put(Tone::Literal, value.to_string()),
        }
    }
}

fn quoted(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text_of(rendered: &Rendered) -> Vec<String> {
        rendered
            .lines
            .iter()
            .map(|line| line.iter().map(|(_, t)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn json_text_is_laid_out_with_tones() {
        let result = json!({"content": [{"type": "text", "text": "{\"id\":1,\"tags\":[\"a\"],\"ok\":true}"}]});
        let rendered = tool_result(&result, &[], 12, "getPet");
        assert_eq!(
            text_of(&rendered),
            [
                "getPet · ok · 12 ms",
                "{",
                "  \"id\": 1,",
                "  \"tags\": [",
                "    \"a\"",
                "  ],",
                "  \"ok\": true",
                "}"
            ]
        );
        assert!(rendered.lines[2].contains(&(Tone::Key, "\"id\"".to_string())));
        assert!(rendered.lines[2].contains(&(Tone::Number, "1".to_string())));
        assert!(rendered.lines[6].contains(&(Tone::Literal, "true".to_string())));
        assert!(!rendered.is_error);
    }

    #[test]
    fn errors_and_schema_problems_are_marked() {
        let result = json!({"content": [{"type": "text", "text": "HTTP 404: not found"}], "isError": true, "structuredContent": {"a": 1}});
        let rendered = tool_result(&result, &["/a: 1 is not a string".into()], 3, "t");
        assert!(rendered.is_error);
        let text = text_of(&rendered);
        assert_eq!(text[0], "t · error (isError) · 3 ms");
        assert_eq!(text[1], "HTTP 404: not found");
        assert!(text.iter().any(|l| l.contains("breaks the outputSchema")));
        assert!(text.iter().any(|l| l.contains("/a: 1 is not a string")));
    }

    #[test]
    fn long_output_is_bounded_but_kept_whole_for_copying() {
        let text: String = (0..MAX_LINES + 10).map(|i| format!("line {i}\n")).collect();
        let result = json!({"content": [{"type": "text", "text": text}]});
        let rendered = tool_result(&result, &[], 1, "t");
        assert_eq!(rendered.lines.len(), MAX_LINES + 1);
        assert!(text_of(&rendered).last().unwrap().contains("11 more lines"));
        assert!(rendered.plain.ends_with(&format!("line {}", MAX_LINES + 9)));
    }
}
