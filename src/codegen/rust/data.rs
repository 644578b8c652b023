//! The project's data files, in serde_json's pretty layout: `src/tools.json` (the `tools/list` entries, byte
//! for byte those of `mcpow serve`), `src/operations.json` (each tool's request and the security schemes) and
//! `tests/cases.json`. Their entries are written on every core, and an output schema or a stub's answer that
//! several tools share is written once.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};

use super::pretty::{Object, array, value_at};
use crate::codegen::plan::{
    Plan, SchemeVariables, ToolPlan, is_content_param, scheme_variables, style_name,
};
use crate::codegen::shared::ByAddress;
use crate::tools::ArgumentTarget;

/// `value` as it reads `depth` levels into a pretty document.
fn written_at(value: &Value, depth: usize) -> Arc<[u8]> {
    let mut text = Vec::new();
    value_at(&mut text, value, depth);
    text.into()
}

/// `src/tools.json`: the same JSON as serializing each tool's [`crate::tools::ListEntryRef`].
pub fn tools_json(plan: &Plan<'_>) -> Vec<u8> {
    let outputs = ByAddress::<Arc<[u8]>>::default();
    let mut out = Vec::new();
    array(&mut out, &plan.tools, 0, |tool, out| {
        let entry = tool.tool.list_entry_ref();
        let mut object = Object::new(out, 1);
        object.field("name", entry.name);
        if let Some(title) = entry.title {
            object.field("title", title);
        }
        object.field("description", entry.description);
        object.field("inputSchema", entry.input_schema);
        if let Some(schema) = &tool.tool.output_schema {
            let text = outputs.of(schema, || written_at(schema, 2));
            object.written_field("outputSchema", &text);
        }
        if let Some(annotations) = entry.annotations {
            object.field("annotations", annotations);
        }
        object.end();
    });
    out.push(b'\n');
    out
}

#[derive(Serialize)]
struct ParameterEntry<'a> {
    name: &'a str,
    location: &'a str,
    style: &'a str,
    explode: bool,
    allow_reserved: bool,
    content: bool,
}

#[derive(Serialize)]
struct BindingEntry<'a> {
    argument: &'a str,
    target: &'a str,
    name: &'a str,
}

/// `src/operations.json`.
pub fn operations_json(plan: &Plan<'_>) -> Vec<u8> {
    let schemes: Vec<Value> = plan
        .model
        .security_schemes
        .iter()
        .map(|(name, scheme)| {
            let scheme = match scheme_variables(&plan.env_prefix, name, scheme) {
                SchemeVariables::ApiKey { variable, name, location } => {
                    json!({"kind": "api_key", "variable": variable, "name": name, "location": location})
                }
                SchemeVariables::Basic { username, password } => {
                    json!({"kind": "basic", "username_variable": username, "password_variable": password})
                }
                SchemeVariables::Bearer { token } => json!({"kind": "bearer", "variable": token}),
                SchemeVariables::OAuth2 { token, client_id, client_secret, token_url } => json!({
                    "kind": "oauth2",
                    "token_variable": token,
                    "client_id_variable": client_id,
                    "client_secret_variable": client_secret,
                    "token_url": token_url,
                }),
                SchemeVariables::Unsupported { kind } => json!({"kind": "unsupported", "scheme": kind}),
            };
            json!([name, scheme])
        })
        .collect();
    let mut out = Vec::new();
    let mut object = Object::new(&mut out, 0);
    object.field("schemes", &schemes);
    let depth = object.key("operations");
    array(object.out, &plan.tools, depth, |tool, out| {
        let op = tool.op;
        let parameters: Vec<ParameterEntry> = op
            .parameters
            .iter()
            .map(|param| ParameterEntry {
                name: &param.name,
                location: param.location.as_str(),
                style: style_name(param.style),
                explode: param.explode,
                allow_reserved: param.allow_reserved,
                content: is_content_param(param),
            })
            .collect();
        let bindings: Vec<BindingEntry> = tool
            .tool
            .bindings
            .iter()
            .map(|binding| {
                let (target, name) = binding.target.place_and_name();
                BindingEntry {
                    argument: &binding.argument,
                    target,
                    name,
                }
            })
            .collect();
        let mut entry = Object::new(out, depth + 1);
        entry.field("tool", &tool.tool.name);
        entry.field("method", op.method.as_str());
        entry.field("path", &op.path);
        entry.field("server", &tool.server);
        entry.field("parameters", &parameters);
        entry.field("bindings", &bindings);
        entry.field("body_media_type", &tool.tool.body_media_type);
        entry.field("body_media_types", &tool.body_media_types);
        entry.field("file_fields", &tool.file_fields);
        entry.field("file_content_types", &tool.file_content_types);
        entry.field("security", &tool.security);
        entry.field(
            "graphql_document",
            &op.graphql.as_ref().map(|g| g.document.as_str()),
        );
        entry.end();
    });
    object.end();
    out.push(b'\n');
    out
}

/// `tests/cases.json`.
pub fn cases_json(plan: &Plan<'_>) -> Vec<u8> {
    let credentials: Vec<&str> = plan.test_credentials().map(|v| v.name.as_str()).collect();
    let bodies = ByAddress::<Arc<[u8]>>::default();
    let mut out = Vec::new();
    let mut object = Object::new(&mut out, 0);
    object.field("credentials", &credentials);
    let depth = object.key("cases");
    array(object.out, &plan.tools, depth, |tool, out| {
        let case = &tool.case;
        let mut entry = Object::new(out, depth + 1);
        entry.field("tool", &tool.tool.name);
        entry.field("method", tool.op.method.as_str());
        entry.field("path", &tool.op.path);
        entry.field("arguments", &case.arguments);
        entry.field("file_arguments", &case.file_arguments);
        entry.field("status", &case.status);
        entry.field("content_type", &case.content_type);
        match &case.json_body {
            Some(body) => {
                let text = bodies.of(body, || written_at(body, depth + 2));
                entry.written_field("json_body", &text);
            }
            None => entry.field("json_body", &Value::Null),
        }
        entry.field("raw_body", &case.raw_body);
        entry.field("structured", &tool.tool.output_schema.is_some());
        entry.field("expect_error", &expected_error(tool));
        entry.end();
    });
    object.end();
    out.push(b'\n');
    out
}

/// The error a case's call must end in, before any request: a file part whose declared `contentType` is not
/// a media type fails the call, as it does in `mcpow serve` (both send multipart with reqwest, which refuses
/// it).
pub fn expected_error(tool: &ToolPlan<'_>) -> Option<&'static str> {
    let sent = |field: &str| {
        tool.tool.bindings.iter().any(|binding| {
            matches!(&binding.target, ArgumentTarget::BodyProperty(name) if name == field)
                && tool.case.file_arguments.contains(&binding.argument)
        })
    };
    let invalid = |declared: &str| {
        let first = declared.split(',').next().unwrap_or("").trim();
        !first.is_empty()
            && !first.contains('*')
            && reqwest::multipart::Part::bytes(Vec::new())
                .mime_str(first)
                .is_err()
    };
    tool.file_content_types
        .iter()
        .any(|(field, declared)| sent(field) && invalid(declared))
        .then_some("content type")
}
