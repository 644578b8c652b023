//! Unit tests of tool building, one module per concern.

mod discover;
mod input;
mod naming;
mod schema;
mod select;
mod text;

use crate::spec::model::ApiModel;
use crate::spec::{LoadOptions, load_bytes};

use super::{ToolDefinition, ToolOptions, ToolSet, build_tools};

/// Loads an OpenAPI document written as YAML (or JSON) text.
pub(super) fn model(text: &str) -> ApiModel {
    load_bytes("test.yaml", text.as_bytes(), None, &LoadOptions::default())
        .expect("test document loads")
}

/// An OpenAPI 3.1 document with these `paths` and `components.schemas` (YAML blocks, not indented).
pub(super) fn openapi(paths: &str, schemas: &str) -> ApiModel {
    let indent = |block: &str, by: &str| {
        block
            .lines()
            .map(|line| format!("{by}{line}\n"))
            .collect::<String>()
    };
    let mut doc = format!(
        "openapi: 3.1.0\ninfo: {{title: Test API, version: '1'}}\npaths:\n{}",
        indent(paths, "  ")
    );
    if !schemas.trim().is_empty() {
        doc.push_str("components:\n  schemas:\n");
        doc.push_str(&indent(schemas, "    "));
    }
    model(&doc)
}

pub(super) fn build(model: &ApiModel) -> ToolSet {
    build_tools(model, &ToolOptions::default())
}

pub(super) fn only_tool(model: &ApiModel) -> ToolDefinition {
    let set = build(model);
    assert_eq!(set.tools.len(), 1, "expected one tool: {:?}", set.tools);
    set.tools.into_iter().next().expect("one tool")
}

/// The sample specs bundled in `specs/`.
pub(super) fn sample(name: &str) -> ApiModel {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("specs")
        .join(name);
    let bytes = std::fs::read(&path).expect("read sample");
    load_bytes(name, &bytes, Some(&path), &LoadOptions::default()).expect("sample loads")
}
