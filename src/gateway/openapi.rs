//! The OpenAPI 3.1 document of a gateway: one `POST /tools/{name}` per tool, its inputSchema as the request
//! body, its outputSchema as the result's structuredContent, its annotations as `x-mcp-annotations`.
//!
//! Tool schemas move into `components/schemas` (keys made of `[A-Za-z0-9._-]`), and their local `$ref`s
//! (`#/$defs/X`, `#`) are rewritten to point there, so they resolve inside the document.

use std::collections::HashSet;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rmcp::model::Tool;
use serde_json::{Map, Value, json};

/// Everything but the unreserved characters is encoded in a tool's path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The document's info and server.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// Where the gateway listens (`http://127.0.0.1:PORT`).
    pub server_url: String,
}

/// The path of a tool's operation (`/tools/NAME`, the name percent-encoded where needed).
pub fn tool_path(name: &str) -> String {
    format!("/tools/{}", utf8_percent_encode(name, SEGMENT))
}

/// The document for `tools`.
pub fn document(tools: &[Tool], info: &DocumentInfo) -> Value {
    let mut schemas = shared_schemas();
    let mut paths = Map::new();
    let mut used = HashSet::new();
    for tool in tools {
        let key = component_key(&tool.name, &mut used);
        let input_key = format!("{key}.input");
        schemas.insert(
            input_key.clone(),
            relocated(&Value::Object((*tool.input_schema).clone()), &input_key),
        );
        let result = match &tool.output_schema {
            Some(output) => {
                let output_key = format!("{key}.output");
                schemas.insert(
                    output_key.clone(),
                    relocated(&Value::Object((**output).clone()), &output_key),
                );
                let result_key = format!("{key}.result");
                schemas.insert(result_key.clone(), result_schema(Some(&output_key)));
                reference(&result_key)
            }
            None => reference("ToolResult"),
        };
        paths.insert(
            tool_path(&tool.name),
            json!({ "post": operation(tool, &input_key, result) }),
        );
    }
    let mut info_object = json!({ "title": info.title, "version": info.version });
    if let Some(description) = &info.description {
        info_object["description"] = json!(description);
    }
    json!({
        "openapi": "3.1.0",
        "info": info_object,
        "servers": [{ "url": info.server_url, "description": "mcpow gateway" }],
        "tags": [{ "name": "tools", "description": "The MCP server's tools" }],
        "paths": paths,
        "components": { "schemas": schemas, "responses": shared_responses() }
    })
}

fn operation(tool: &Tool, input_key: &str, result: Value) -> Value {
    let description = tool.description.as_deref().unwrap_or("").trim();
    let title = tool
        .title
        .clone()
        .or_else(|| tool.annotations.as_ref().and_then(|a| a.title.clone()));
    let summary = title.unwrap_or_else(|| first_line(description));
    let required = tool
        .input_schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|names| !names.is_empty());
    let mut operation = json!({
        "operationId": tool.name,
        "tags": ["tools"],
        "requestBody": {
            "required": required,
            "description": "The tool's arguments (an empty body is `{}`).",
            "content": { "application/json": { "schema": reference(input_key) } }
        },
        "responses": {
            "200": {
                "description": "The tool ran.",
                "content": { "application/json": { "schema": result } }
            },
            "400": { "$ref": "#/components/responses/BadRequest" },
            "404": { "$ref": "#/components/responses/UnknownTool" },
            "422": { "$ref": "#/components/responses/InvalidArguments" },
            "502": { "$ref": "#/components/responses/ToolError" },
            "503": { "$ref": "#/components/responses/ServerUnavailable" },
            "504": { "$ref": "#/components/responses/Timeout" }
        }
    });
    if !summary.is_empty() {
        operation["summary"] = json!(summary);
    }
    if !description.is_empty() {
        operation["description"] = json!(description);
    }
    if let Some(annotations) = &tool.annotations
        && let Ok(value) = serde_json::to_value(annotations)
    {
        operation["x-mcp-annotations"] = value;
    }
    operation
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    match line.char_indices().nth(120) {
        Some((end, _)) => format!("{}...", &line[..end]),
        None => line.to_string(),
    }
}

fn reference(key: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{key}") })
}

/// A tool's result schema; `structuredContent` follows the outputSchema when there is one.
fn result_schema(output_key: Option<&str>) -> Value {
    let structured = match output_key {
        Some(key) => reference(key),
        None => json!({ "description": "Structured output, when the tool gives one." }),
    };
    json!({
        "type": "object",
        "required": ["content", "isError"],
        "properties": {
            "content": { "type": "array", "items": reference("ContentBlock") },
            "structuredContent": structured,
            "isError": { "type": "boolean" }
        }
    })
}

fn shared_schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    schemas.insert("ToolResult".into(), result_schema(None));
    schemas.insert(
        "ContentBlock".into(),
        json!({
            "type": "object",
            "description": "An MCP content block: text, image, audio, resource_link or resource.",
            "required": ["type"],
            "properties": {
                "type": { "type": "string" },
                "text": { "type": "string" },
                "data": { "type": "string", "description": "Base64 (image, audio)." },
                "mimeType": { "type": "string" },
                "uri": { "type": "string" },
                "resource": { "type": "object" }
            }
        }),
    );
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error", "code"],
            "properties": {
                "error": { "type": "string" },
                "code": { "type": "string" },
                "problems": { "type": "array", "items": reference("Problem") }
            }
        }),
    );
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "required": ["field", "pointer", "message"],
            "properties": {
                "field": { "type": "string", "description": "The argument, dotted; empty for all of them." },
                "pointer": { "type": "string", "description": "The same place as a JSON pointer." },
                "message": { "type": "string" }
            }
        }),
    );
    schemas
}

fn shared_responses() -> Value {
    let error = |description: &str| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": reference("Error") } }
        })
    };
    json!({
        "BadRequest": error("The body is not a JSON object."),
        "UnknownTool": error("The server has no such tool."),
        "InvalidArguments": error("The arguments break the tool's inputSchema; `problems` names each field."),
        "ToolError": {
            "description": "The tool reported an error (the result, with isError true), or the server answered \
                            with a JSON-RPC error or broke the protocol.",
            "content": { "application/json": { "schema": {
                "anyOf": [reference("ToolResult"), reference("Error")]
            } } }
        },
        "ServerUnavailable": error("The server cannot be started or reached, or went away during the call."),
        "Timeout": error("No answer from the server in time.")
    })
}

/// A component key for a tool name (`[A-Za-z0-9._-]`, unique).
fn component_key(name: &str, used: &mut HashSet<String>) -> String {
    let base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = if base.is_empty() {
        "tool".to_string()
    } else {
        base
    };
    let mut key = base.clone();
    let mut n = 2;
    // Suffixed (`.input`, `.output`, `.result`), keys never meet the shared schemas' names.
    while used.contains(&key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    used.insert(key.clone());
    key
}

/// A tool schema placed at `components/schemas/KEY`: local `$ref`s rewritten to point there.
fn relocated(schema: &Value, key: &str) -> Value {
    let base = format!("#/components/schemas/{key}");
    let mut copy = schema.clone();
    rewrite_refs(&mut copy, &base);
    copy
}

fn rewrite_refs(value: &mut Value, base: &str) {
    match value {
        Value::Object(map) => {
            for (name, child) in map.iter_mut() {
                match (name.as_str(), &*child) {
                    ("$ref", Value::String(target)) if target.starts_with('#') => {
                        *child = Value::String(format!("{base}{}", &target[1..]));
                    }
                    // Data, not schemas.
                    ("enum" | "const" | "default" | "examples" | "example", _) => {}
                    _ => rewrite_refs(child, base),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, base)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn tool(name: &str, input: Value, output: Option<Value>) -> Tool {
        let mut tool = Tool::new(
            name.to_string(),
            "Echoes.\nMore words.",
            Arc::new(input.as_object().cloned().unwrap_or_default()),
        );
        tool.output_schema = output.map(|o| Arc::new(o.as_object().cloned().unwrap_or_default()));
        tool
    }

    fn info() -> DocumentInfo {
        DocumentInfo {
            title: "t".into(),
            version: "1".into(),
            description: None,
            server_url: "http://127.0.0.1:1".into(),
        }
    }

    #[test]
    fn local_refs_point_into_components() {
        let input = json!({
            "type": "object",
            "properties": {"node": {"$ref": "#/$defs/Node"}, "tree": {"$ref": "#"}},
            "$defs": {"Node": {"type": "object", "enum": [{"$ref": "#/kept"}]}}
        });
        let doc = document(&[tool("walk tree", input, None)], &info());
        let schema = &doc["components"]["schemas"]["walk_tree.input"];
        assert_eq!(
            schema["properties"]["node"]["$ref"],
            "#/components/schemas/walk_tree.input/$defs/Node"
        );
        assert_eq!(
            schema["properties"]["tree"]["$ref"],
            "#/components/schemas/walk_tree.input"
        );
        assert_eq!(schema["$defs"]["Node"]["enum"][0]["$ref"], "#/kept");
        assert!(doc["paths"]["/tools/walk%20tree"]["post"].is_object());
        assert_eq!(
            doc["paths"]["/tools/walk%20tree"]["post"]["operationId"],
            "walk tree"
        );
    }

    #[test]
    fn output_schemas_shape_the_result_and_names_stay_unique() {
        let object = json!({"type": "object"});
        let doc = document(
            &[
                tool(
                    "a/b",
                    object.clone(),
                    Some(json!({"type": "object", "properties": {"n": {"type": "number"}}})),
                ),
                tool("a_b", object.clone(), None),
                tool("Error", object, None),
            ],
            &info(),
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["a_b.result"]["properties"]["structuredContent"]["$ref"],
            "#/components/schemas/a_b.output"
        );
        assert!(schemas["a_b_2.input"].is_object());
        assert!(schemas["Error.input"].is_object());
        assert!(schemas["Error"]["properties"]["error"].is_object());
        let post = &doc["paths"]["/tools/a%2Fb"]["post"];
        assert_eq!(post["summary"], "Echoes.");
        assert_eq!(post["requestBody"]["required"], false);
        assert_eq!(
            post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/a_b.result"
        );
    }
}
