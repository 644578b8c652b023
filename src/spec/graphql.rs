//! GraphQL schemas (SDL or introspection JSON) into the model.

use serde_json::Value;

use super::error::SpecError;
use super::model::ApiModel;

/// True when the text looks like GraphQL SDL rather than JSON or YAML.
pub(crate) fn looks_like_sdl(_text: &str) -> bool {
    false
}

/// Reads GraphQL SDL.
pub(crate) fn read_sdl(_text: &str, source_name: &str) -> Result<ApiModel, SpecError> {
    Err(SpecError::unsupported(source_name, "GraphQL is not read yet"))
}

/// Reads an introspection result: `{"data": {"__schema": ...}}` or `{"__schema": ...}`.
pub(crate) fn read_introspection(_doc: &Value, source_name: &str) -> Result<ApiModel, SpecError> {
    Err(SpecError::unsupported(source_name, "GraphQL is not read yet"))
}
