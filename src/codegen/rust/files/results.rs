//! The API's answer as an MCP `CallToolResult` (JSON).

use serde_json::{Value, json};

use crate::auth::base64_encode;
use crate::runner::{BodyKind, Outcome, body_kind, essence};

/// The largest binary body returned as a base64 resource.
pub const MAX_BLOB_BYTES: usize = 1024 * 1024;
/// The largest text shown for an error response.
pub const MAX_ERROR_TEXT: usize = 16 * 1024;

/// A tool error result with one text block.
pub fn error_result(message: impl Into<String>) -> Value {
    json!({ "content": [{ "type": "text", "text": message.into() }], "isError": true })
}

/// Non-2xx is an error carrying the status and body; JSON is text (and structuredContent when the tool has
/// an outputSchema); images are image content; other text is text; other binary a resource.
pub fn outcome_result(tool_name: &str, structured: bool, outcome: &Outcome) -> Value {
    let media_type = outcome.content_type.clone().unwrap_or_default();
    let kind = body_kind(&media_type);
    if !outcome.is_success() {
        let text = String::from_utf8_lossy(&outcome.body);
        let shown: String = text.chars().take(MAX_ERROR_TEXT).collect();
        return error_result(format!(
            "HTTP {} from {}\n{}",
            outcome.status, outcome.request_line, shown
        ));
    }
    if outcome.body.is_empty() {
        return json!({ "content": [{ "type": "text", "text": format!("HTTP {} (no content)", outcome.status) }] });
    }
    let parsed = if kind == BodyKind::Json || media_type.is_empty() {
        serde_json::from_slice::<Value>(&outcome.body).ok()
    } else {
        None
    };
    if let Some(parsed) = parsed {
        let text = String::from_utf8_lossy(&outcome.body).to_string();
        let mut result = json!({ "content": [{ "type": "text", "text": text }] });
        if structured && parsed.is_object() {
            result["structuredContent"] = parsed;
        }
        return result;
    }
    if kind == BodyKind::Json {
        return error_result(format!(
            "the API answered invalid JSON ({} bytes of {media_type}) from {}",
            outcome.body.len(),
            outcome.request_line
        ));
    }
    if media_type.starts_with("image/") {
        let data = base64_encode(&outcome.body);
        return json!({ "content": [{ "type": "image", "data": data, "mimeType": essence(&media_type) }] });
    }
    if matches!(kind, BodyKind::Text | BodyKind::Xml) || std::str::from_utf8(&outcome.body).is_ok()
    {
        let text = String::from_utf8_lossy(&outcome.body).to_string();
        return json!({ "content": [{ "type": "text", "text": text }] });
    }
    let mut note = String::new();
    let bytes = if outcome.body.len() > MAX_BLOB_BYTES {
        note = format!(
            "the response had {} bytes; the first {MAX_BLOB_BYTES} are included",
            outcome.body.len()
        );
        &outcome.body[..MAX_BLOB_BYTES]
    } else {
        &outcome.body[..]
    };
    let mut content = vec![json!({ "type": "resource", "resource": {
        "uri": format!("mcpow://response/{tool_name}"),
        "mimeType": essence(&media_type),
        "blob": base64_encode(bytes),
    }})];
    if !note.is_empty() {
        content.push(json!({ "type": "text", "text": note }));
    }
    json!({ "content": content })
}
