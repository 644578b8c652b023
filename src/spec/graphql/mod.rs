//! GraphQL schemas (SDL or introspection JSON) into the model.
//!
//! Both readers produce one internal [`schema::Schema`]; [`build::build_model`] turns it into an
//! [`ApiModel`]. Every root field (query, mutation, subscription) becomes a `POST /graphql` operation whose
//! arguments are a JSON body and whose [`GraphqlOperation`](super::model::GraphqlOperation) carries the document
//! to send. Subscriptions are listed but marked unsupported.
//!
//! - [`sniff`]: is this text SDL?
//! - [`sdl`]: SDL through apollo-parser, with [`strings`] for string tokens and error positions.
//! - [`introspection`]: an introspection result.
//! - [`build`]: operations and JSON Schemas.
//! - [`document`]: the GraphQL document of each operation.

mod build;
mod document;
mod introspection;
mod schema;
mod sdl;
mod sniff;
mod strings;

#[cfg(test)]
mod tests;

use serde_json::Value;

use super::error::SpecError;
use super::model::ApiModel;

/// True when the text looks like GraphQL SDL rather than JSON or YAML.
pub(crate) fn looks_like_sdl(text: &str) -> bool {
    sniff::looks_like_sdl(text)
}

/// Reads GraphQL SDL.
pub(crate) fn read_sdl(text: &str, source_name: &str) -> Result<ApiModel, SpecError> {
    let schema = sdl::parse_sdl(text, source_name)?;
    Ok(build::build_model(schema, "sdl", title_for(source_name)))
}

/// Reads an introspection result: `{"data": {"__schema": ...}}` or `{"__schema": ...}`.
pub(crate) fn read_introspection(doc: &Value, source_name: &str) -> Result<ApiModel, SpecError> {
    let schema = introspection::parse_introspection(doc, source_name)?;
    Ok(build::build_model(
        schema,
        "introspection",
        title_for(source_name),
    ))
}

/// Names that say nothing about which API a file describes.
const GENERIC_NAMES: [&str; 10] = [
    "schema",
    "introspection",
    "graphql",
    "api",
    "index",
    "data",
    "-",
    "stdin",
    "<stdin>",
    "sdl",
];

/// `<name> GraphQL API` from the source's file stem (or its folder when the stem is generic, as in
/// `github/schema.graphql`), else `GraphQL API`.
fn title_for(source_name: &str) -> String {
    let path = source_name.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once("://").map_or(path, |(_, rest)| {
        rest.split_once('/').map_or("", |(_, p)| p)
    });
    let mut segments = path.rsplit(['/', '\\']).filter(|s| !s.is_empty());
    for segment in segments.by_ref().take(2) {
        let stem = segment.split('.').next().unwrap_or("").trim();
        if !stem.is_empty() && !GENERIC_NAMES.iter().any(|g| g.eq_ignore_ascii_case(stem)) {
            return format!("{stem} GraphQL API");
        }
    }
    "GraphQL API".to_string()
}
