//! Tool arguments into an HTTP call, and the API's answer into an MCP `CallToolResult`.

use serde_json::{Map, Value, json};

use crate::http::{HttpOutcome, OperationArgs};
use crate::spec::model::{BodyKind, ParamLocation};
use crate::tools::{ArgumentTarget, ToolDefinition};

/// The largest binary body returned as a base64 resource.
const MAX_BLOB_BYTES: usize = 1024 * 1024;
/// The largest text shown for an error response.
const MAX_ERROR_TEXT: usize = 16 * 1024;

/// Sorts a call's arguments by where they go, following the tool's bindings.
pub fn operation_args(tool: &ToolDefinition, arguments: &Map<String, Value>) -> OperationArgs {
    let mut args = OperationArgs {
        body_media_type: tool.body_media_type.clone(),
        ..Default::default()
    };
    let mut body_fields = Map::new();
    for binding in &tool.bindings {
        let Some(value) = arguments.get(&binding.argument) else {
            continue;
        };
        match &binding.target {
            ArgumentTarget::Path(name) => {
                args.params
                    .push((ParamLocation::Path, name.clone(), value.clone()))
            }
            ArgumentTarget::Query(name) => {
                args.params
                    .push((ParamLocation::Query, name.clone(), value.clone()))
            }
            ArgumentTarget::Header(name) => {
                args.params
                    .push((ParamLocation::Header, name.clone(), value.clone()))
            }
            ArgumentTarget::Cookie(name) => {
                args.params
                    .push((ParamLocation::Cookie, name.clone(), value.clone()))
            }
            ArgumentTarget::BodyProperty(name) => {
                body_fields.insert(name.clone(), value.clone());
            }
            ArgumentTarget::Body => args.body = Some(value.clone()),
        }
    }
    if args.body.is_none() && !body_fields.is_empty() {
        args.body = Some(Value::Object(body_fields));
    }
    args
}

/// A tool error result with one text block.
pub fn error_result(message: impl Into<String>) -> Value {
    json!({ "content": [{ "type": "text", "text": message.into() }], "isError": true })
}

/// The API's answer as a tool result: non-2xx is an error carrying the status and body; JSON is text (and
/// structuredContent when `structured`: the tool has an outputSchema); images are image content; other binary
/// a resource.
pub fn outcome_result(tool_name: &str, structured: bool, outcome: &HttpOutcome) -> Value {
    let media_type = outcome.content_type.clone().unwrap_or_default();
    let kind = BodyKind::of(&media_type);
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
    let parsed_json = if kind == BodyKind::Json || media_type.is_empty() {
        serde_json::from_slice::<Value>(&outcome.body).ok()
    } else {
        None
    };
    if let Some(parsed) = parsed_json {
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
        let data = crate::http::auth::base64_encode(&outcome.body);
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
        "blob": crate::http::auth::base64_encode(bytes),
    }})];
    if !note.is_empty() {
        content.push(json!({ "type": "text", "text": note }));
    }
    json!({ "content": content })
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::{ArgumentBinding, ToolAnnotations};

    fn tool(bindings: Vec<ArgumentBinding>, output: bool) -> ToolDefinition {
        ToolDefinition {
            name: "t".into(),
            title: None,
            description: String::new(),
            input_schema: json!({"type": "object"}),
            output_schema: output.then(|| std::sync::Arc::new(json!({"type": "object"}))),
            annotations: ToolAnnotations::default(),
            operation: 0,
            body_media_type: Some("application/json".into()),
            bindings,
            output_status: None,
        }
    }

    fn outcome(status: u16, content_type: &str, body: &[u8]) -> HttpOutcome {
        HttpOutcome {
            status,
            content_type: Some(content_type.into()),
            headers: Vec::new(),
            body: body.to_vec(),
            request_line: "GET http://127.0.0.1/x".into(),
        }
    }

    #[test]
    fn arguments_follow_bindings() {
        let bindings = vec![
            ArgumentBinding {
                argument: "id".into(),
                target: ArgumentTarget::Path("id".into()),
            },
            ArgumentBinding {
                argument: "body_id".into(),
                target: ArgumentTarget::BodyProperty("id".into()),
            },
            ArgumentBinding {
                argument: "name".into(),
                target: ArgumentTarget::BodyProperty("name".into()),
            },
        ];
        let args = json!({"id": 1, "body_id": 2, "name": "x"});
        let call = operation_args(&tool(bindings, false), args.as_object().unwrap());
        assert_eq!(
            call.params,
            vec![(ParamLocation::Path, "id".to_string(), json!(1))]
        );
        assert_eq!(call.body, Some(json!({"id": 2, "name": "x"})));
    }

    #[test]
    fn results_by_kind() {
        let t = tool(Vec::new(), true);
        let ok = outcome_result(
            &t.name,
            true,
            &outcome(200, "application/json", br#"{"a":1}"#),
        );
        assert_eq!(ok["structuredContent"], json!({"a": 1}));
        assert!(ok.get("isError").is_none());
        let failed = outcome_result(
            &t.name,
            true,
            &outcome(404, "application/json", br#"{"error":"no"}"#),
        );
        assert_eq!(failed["isError"], true);
        assert!(
            failed["content"][0]["text"]
                .as_str()
                .unwrap()
                .starts_with("HTTP 404 from GET")
        );
        let invalid = outcome_result(&t.name, true, &outcome(200, "application/json", b"{nope"));
        assert_eq!(invalid["isError"], true);
        let image = outcome_result(&t.name, true, &outcome(200, "image/png", b"\x89PNG"));
        assert_eq!(image["content"][0]["type"], "image");
        let blob = outcome_result(
            &t.name,
            true,
            &outcome(200, "application/octet-stream", &[0xff, 0x00, 0xfe]),
        );
        assert_eq!(blob["content"][0]["resource"]["blob"], "/wD+");
    }
}
