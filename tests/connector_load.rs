//! `LoadOptions::connector_only` (what `mcpow generate` loads with) against a full load: the models are the
//! same but for the examples a generated connector never reads, for a hand-made spec and for every loadable
//! document of the shared corpus (`../shared/corpus`).

mod common;

use std::path::Path;

use mcpoverflow::spec::model::{ApiModel, Operation, SpecFormat};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use serde_json::{Value, json};

fn load(name: &str, bytes: &[u8], path: Option<&Path>, connector_only: bool) -> Option<ApiModel> {
    let options = LoadOptions {
        connector_only,
        ..LoadOptions::default()
    };
    load_bytes(name, bytes, path, &options).ok()
}

/// The examples a connector-only load keeps of `op`: a success response's first, nothing else.
fn keep_connector_examples(op: &mut Operation) {
    for media in op
        .request_body
        .iter_mut()
        .flat_map(|body| body.content.values_mut())
    {
        media.example = None;
        media.examples.clear();
    }
    for response in &mut op.responses {
        let success = response.status.starts_with('2');
        for media in response.content.values_mut() {
            if !success {
                media.example = None;
            }
            if !success || media.example.is_some() {
                media.examples.clear();
            }
            media.examples.truncate(1);
        }
    }
}

/// The full load cut down to what a connector-only load keeps, and the connector-only load, as JSON (warnings
/// aside: fewer examples read can only mean fewer warnings, which is checked). Only OpenAPI 3.x examples are cut
/// (Swagger 2.0 has one example per media type, Postman's are its saved responses).
fn compared(mut full: ApiModel, connector: ApiModel) -> (Value, Value) {
    if full.format == SpecFormat::Openapi {
        for op in full.operations.iter_mut().chain(full.webhooks.iter_mut()) {
            keep_connector_examples(op);
        }
    }
    for warning in &connector.warnings {
        assert!(
            full.warnings.contains(warning),
            "a connector-only load warned more: {warning:?}"
        );
    }
    full.warnings.clear();
    let mut connector = connector;
    connector.warnings.clear();
    (
        serde_json::to_value(full).unwrap(),
        serde_json::to_value(connector).unwrap(),
    )
}

#[test]
fn only_the_first_example_of_success_responses_is_read() {
    let spec = json!({
        "openapi": "3.1.0", "info": {"title": "E", "version": "1"},
        "paths": {"/a": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}, "example": {"in": 1}}}},
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"},
                    "examples": {"one": {"$ref": "#/components/examples/one"},
                                 "broken": {"$ref": "#/components/examples/missing"}, "two": {"value": {"n": 2}}}}}},
                "201": {"description": "made", "content": {"application/json": {"example": {"n": 0},
                    "examples": {"three": {"value": {"n": 3}}}}}},
                "404": {"description": "no", "content": {"application/json": {"example": {"error": "no"}}}}}}}},
        "components": {"examples": {"one": {"value": {"n": 1}}}}
    });
    let bytes = serde_json::to_vec(&spec).unwrap();
    let full = load("e.json", &bytes, None, false).unwrap();
    let connector = load("e.json", &bytes, None, true).unwrap();
    let op = &connector.operations[0];
    let body = &op.request_body.as_ref().unwrap().content["application/json"];
    assert_eq!((&body.example, body.examples.len()), (&None, 0));
    let ok = &op.responses[0].content["application/json"];
    assert_eq!(ok.example, None);
    assert_eq!(
        ok.examples.iter().collect::<Vec<_>>(),
        vec![(&"one".to_string(), &json!({"n": 1}))]
    );
    let made = &op.responses[1].content["application/json"];
    assert_eq!(
        (&made.example, made.examples.len()),
        (&Some(json!({"n": 0})), 0)
    );
    assert_eq!(op.responses[2].content["application/json"].example, None);
    // The full load keeps them all, and warns of the broken reference.
    let full_ok = &full.operations[0].responses[0].content["application/json"];
    assert_eq!(full_ok.examples.keys().collect::<Vec<_>>(), ["one", "two"]);
    assert!(full.warnings.len() > connector.warnings.len());
    let (full, connector) = compared(full, connector);
    assert_eq!(full, connector);
}

#[test]
fn corpus_models_differ_only_in_unread_examples() {
    let Some(dir) = common::corpus("manifest.tsv").and_then(|m| m.parent().map(Path::to_path_buf))
    else {
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let (mut compared_count, mut differing) = (0, Vec::new());
    for relative in manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
    {
        let path = dir.join(relative);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let (Some(full), Some(connector)) = (
            load(relative, &bytes, Some(&path), false),
            load(relative, &bytes, Some(&path), true),
        ) else {
            continue;
        };
        let (full, connector) = compared(full, connector);
        compared_count += 1;
        if full != connector {
            differing.push(relative.to_string());
        }
    }
    assert!(
        compared_count > 400,
        "only {compared_count} documents loaded"
    );
    assert!(differing.is_empty(), "models differ: {differing:?}");
}
