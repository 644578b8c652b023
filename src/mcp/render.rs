//! Plain-text views of what a session returns, shared by the command line and the workbench: a tool result
//! block by block, a tool list, a frame and a stderr line.

use serde_json::Value;

use super::capture::{Direction, Frame, StderrLine};

/// Binary content is described, not shown.
fn describe_blob(kind: &str, mime: &str, base64: &str) -> String {
    let bytes = base64.len() / 4 * 3;
    format!("[{kind} {mime}, about {bytes} bytes]")
}

/// One content block as text.
pub fn content_block(block: &Value) -> String {
    let kind = block["type"].as_str().unwrap_or("?");
    let mime = block["mimeType"].as_str().unwrap_or("?");
    match kind {
        "text" => block["text"].as_str().unwrap_or("").to_string(),
        "image" | "audio" => describe_blob(kind, mime, block["data"].as_str().unwrap_or("")),
        "resource" => {
            let resource = &block["resource"];
            let uri = resource["uri"].as_str().unwrap_or("?");
            match resource["text"].as_str() {
                Some(text) => format!("[resource {uri}]\n{text}"),
                None => format!(
                    "[resource {uri}] {}",
                    describe_blob("blob", resource["mimeType"].as_str().unwrap_or("?"), {
                        resource["blob"].as_str().unwrap_or("")
                    })
                ),
            }
        }
        "resource_link" => {
            let uri = block["uri"].as_str().unwrap_or("?");
            let name = block["name"].as_str().unwrap_or("");
            format!("[link {name} {uri}]")
        }
        other => format!("[{other} content] {block}"),
    }
}

/// A `CallToolResult` (as JSON) as text: its blocks, then its structured content, then a line on errors.
pub fn tool_result(result: &Value) -> String {
    let mut parts: Vec<String> = result["content"]
        .as_array()
        .into_iter()
        .flatten()
        .map(content_block)
        .collect();
    if let Some(structured) = result.get("structuredContent").filter(|v| !v.is_null()) {
        let pretty = serde_json::to_string_pretty(structured).unwrap_or_default();
        parts.push(format!("structuredContent:\n{pretty}"));
    }
    if result["isError"] == Value::Bool(true) {
        parts.push("(the tool reported an error: isError)".to_string());
    }
    parts.join("\n")
}

/// A tools/list as lines: name, then the first line of the description, then the arguments.
pub fn tool_lines(tools: &[Value]) -> String {
    let width = tools
        .iter()
        .filter_map(|t| t["name"].as_str())
        .map(str::len)
        .max()
        .unwrap_or(0)
        .min(48);
    let mut out = String::new();
    for tool in tools {
        let name = tool["name"].as_str().unwrap_or("?");
        let summary = tool["description"]
            .as_str()
            .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
            .unwrap_or("")
            .trim();
        let summary: String = summary.chars().take(100).collect();
        let required: Vec<&str> = tool["inputSchema"]["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let arguments: Vec<String> = tool["inputSchema"]["properties"]
            .as_object()
            .map(|p| {
                p.keys()
                    .map(|k| {
                        if required.contains(&k.as_str()) {
                            k.clone()
                        } else {
                            format!("{k}?")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push_str(&format!("{name:<width$}  {summary}\n"));
        if !arguments.is_empty() {
            out.push_str(&format!("{:<width$}  ({})\n", "", arguments.join(", ")));
        }
    }
    out
}

/// `{"resources": [...], "resourceTemplates": [...]}` as lines: URI (or template) and name.
pub fn resource_lines(listed: &Value) -> String {
    let mut out = String::new();
    for r in listed["resources"].as_array().into_iter().flatten() {
        let uri = r["uri"].as_str().unwrap_or("?");
        out.push_str(&format!("{uri}  {}\n", r["name"].as_str().unwrap_or("")));
    }
    for t in listed["resourceTemplates"].as_array().into_iter().flatten() {
        let template = t["uriTemplate"].as_str().unwrap_or("?");
        out.push_str(&format!(
            "{template}  {} (template)\n",
            t["name"].as_str().unwrap_or("")
        ));
    }
    out
}

/// A prompts/list as lines: name, description and argument names.
pub fn prompt_lines(prompts: &[Value]) -> String {
    let mut out = String::new();
    for p in prompts {
        let arguments: Vec<&str> = p["arguments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str())
            .collect();
        out.push_str(&format!(
            "{}  {} ({})\n",
            p["name"].as_str().unwrap_or("?"),
            p["description"].as_str().unwrap_or(""),
            arguments.join(", ")
        ));
    }
    out
}

/// `  0.012s -> {"jsonrpc":...}` (out) or `<-` (in).
pub fn frame_line(frame: &Frame) -> String {
    let arrow = match frame.direction {
        Direction::Out => "->",
        Direction::In => "<-",
    };
    let cut = frame
        .cut_from
        .map(|total| format!(" … ({total} bytes in all)"))
        .unwrap_or_default();
    format!(
        "{:>8.3}s {arrow} {}{cut}",
        frame.at.as_secs_f64(),
        frame.text
    )
}

pub fn stderr_line(line: &StderrLine) -> String {
    format!("{:>8.3}s stderr {}", line.at.as_secs_f64(), line.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_content_kind_has_a_text_form() {
        let result = json!({
            "content": [
                {"type": "text", "text": "hello"},
                {"type": "image", "data": "AAAA", "mimeType": "image/png"},
                {"type": "audio", "data": "AAAAAAAA", "mimeType": "audio/wav"},
                {"type": "resource", "resource": {"uri": "file:///a.txt", "text": "inside"}},
                {"type": "resource_link", "uri": "test://static/resource/1", "name": "Resource 1"}
            ],
            "structuredContent": {"sum": 3},
            "isError": true
        });
        let text = tool_result(&result);
        assert_eq!(
            text,
            "hello\n[image image/png, about 3 bytes]\n[audio audio/wav, about 6 bytes]\n\
             [resource file:///a.txt]\ninside\n[link Resource 1 test://static/resource/1]\n\
             structuredContent:\n{\n  \"sum\": 3\n}\n(the tool reported an error: isError)"
        );
    }

    #[test]
    fn tools_list_shows_required_and_optional_arguments() {
        let tools = vec![json!({
            "name": "add", "description": "Adds two numbers.\nMore.",
            "inputSchema": {"type": "object", "properties": {"a": {}, "b": {}, "round": {}}, "required": ["a", "b"]}
        })];
        assert_eq!(
            tool_lines(&tools),
            "add  Adds two numbers.\n     (a, b, round?)\n"
        );
    }
}
