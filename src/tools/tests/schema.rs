use serde_json::{Value, json};

use super::super::merge::merge_all_of;
use super::super::schema::{Direction, Inliner, MAX_REENTRIES, schema_problems};
use super::{build, only_tool, openapi};
use crate::spec::model::{ApiModel, SpecFormat, schema_ref};

fn model_with(schemas: &[(&str, Value)]) -> ApiModel {
    let mut model = ApiModel::new(SpecFormat::Openapi, "3.1.0", "T");
    for (name, schema) in schemas {
        model.schemas.insert((*name).to_string(), schema.clone());
    }
    model
}

/// Counts how often `needle` occurs as a string anywhere in `value`.
fn count(value: &Value, needle: &str) -> usize {
    match value {
        Value::String(s) => usize::from(s.contains(needle)),
        Value::Array(list) => list.iter().map(|v| count(v, needle)).sum(),
        Value::Object(map) => map.values().map(|v| count(v, needle)).sum(),
        _ => 0,
    }
}

#[test]
fn references_are_inlined_and_none_is_left() {
    let model = model_with(&[
        (
            "Pet",
            json!({"type": "object", "properties": {"owner": schema_ref("Owner"), "tags": {"type": "array"}}}),
        ),
        (
            "Owner",
            json!({"type": "object", "properties": {"name": {"type": "string"}}}),
        ),
    ]);
    let mut inliner = Inliner::new(&model);
    let wrapped = json!({"type": "object", "properties": {"pet": schema_ref("Pet")}});
    let out = inliner.inline(&wrapped, Direction::Request);
    assert_eq!(
        out["properties"]["pet"]["properties"]["owner"]["properties"]["name"]["type"],
        "string"
    );
    // The array without items got `items: {}`.
    assert_eq!(
        out["properties"]["pet"]["properties"]["tags"],
        json!({"type": "array", "items": {}})
    );
    assert!(
        schema_problems(&out).is_empty(),
        "{:?}",
        schema_problems(&out)
    );
    // Memoized: a second use gives the same result.
    assert_eq!(inliner.inline(&wrapped, Direction::Request), out);
}

#[test]
fn recursion_is_cut_after_a_few_reentries_and_noted() {
    let model = openapi(
        r#"/nodes:
  post:
    operationId: addNode
    requestBody:
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Node'}
    responses: {'201': {description: ok}}"#,
        r#"Node:
  type: object
  properties:
    name: {type: string}
    children: {type: array, items: {$ref: '#/components/schemas/Node'}}"#,
    );
    let tool = only_tool(&model);
    let schema = &tool.input_schema;
    assert_eq!(count(schema, "(recursive Node, cut)"), 1);
    // Node opens at the top and re-enters MAX_REENTRIES times before the cut.
    let mut levels = 0;
    let mut node = &schema["properties"]["children"]["items"];
    while node["properties"].is_object() {
        levels += 1;
        node = &node["properties"]["children"]["items"];
    }
    assert_eq!(levels, usize::from(MAX_REENTRIES));
    assert_eq!(node["type"], "object");
    assert!(
        tool.description
            .ends_with("\n\n(Recursive schema Node is shown to a limited depth.)"),
        "{}",
        tool.description
    );
    assert!(schema_problems(schema).is_empty());
}

#[test]
fn mutual_recursion_and_unresolved_references_stay_bounded() {
    let model = model_with(&[
        (
            "A",
            json!({"type": "object", "properties": {"b": schema_ref("B"), "b2": schema_ref("B")}}),
        ),
        (
            "B",
            json!({"type": "object", "properties": {"a": schema_ref("A"), "gone": schema_ref("Missing")}}),
        ),
    ]);
    let mut inliner = Inliner::new(&model);
    let out = inliner.inline(&schema_ref("A"), Direction::Request);
    assert!(schema_problems(&out).is_empty());
    let (recursive, problems) = inliner.take_notes();
    assert!(recursive.contains(&"A".to_string()), "{recursive:?}");
    assert!(
        problems.iter().any(|p| p.contains("Missing")),
        "{problems:?}"
    );
    assert!(serde_json::to_string(&out).expect("json").len() < 200_000);
}

#[test]
fn top_level_all_of_merges_into_one_object() {
    let merged = merge_all_of(json!({
        "description": "A pet",
        "allOf": [
            {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "kind": {"type": "string"}}},
            {"allOf": [{"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}]},
            {"properties": {"kind": {"const": "dog"}}}
        ]
    }));
    assert_eq!(
        merged,
        json!({
            "description": "A pet",
            "type": "object",
            "required": ["name", "id"],
            "properties": {"name": {"type": "string"}, "kind": {"type": "string", "const": "dog"}, "id": {"type": "integer"}}
        })
    );
    // Two unions cannot merge: left as it was.
    let clash =
        json!({"allOf": [{"oneOf": [{"type": "string"}]}, {"oneOf": [{"type": "integer"}]}]});
    assert_eq!(merge_all_of(clash.clone()), clash);
}

#[test]
fn an_all_of_body_becomes_top_level_arguments() {
    let model = super::sample("petstore-3.0.yaml");
    let set = build(&model);
    let create = set.get("createPet").expect("createPet");
    let props = create.input_schema["properties"]
        .as_object()
        .expect("props");
    assert!(
        props.contains_key("name") && props.contains_key("ownerId"),
        "{props:?}"
    );
    // Pet's readOnly id is not in the request; the output (Pet) keeps it.
    let get = set.get("getPet").expect("getPet");
    assert!(get.output_schema.as_ref().expect("output")["properties"]["id"].is_object());
    for tool in &set.tools {
        assert!(
            schema_problems(&tool.input_schema).is_empty(),
            "{}",
            tool.name
        );
        for key in ["allOf", "oneOf", "anyOf"] {
            assert!(tool.input_schema.get(key).is_none());
        }
    }
}

#[test]
fn keywords_with_invalid_values_are_dropped() {
    let model = model_with(&[]);
    let mut inliner = Inliner::new(&model);
    let messy = json!({
        "type": ["string", "strnig", "string"],
        "pattern": "([a-z",
        "minLength": -1,
        "maxLength": 3,
        "required": ["a", "a", 1],
        "multipleOf": 0,
        "description": "<b>Bold</b> [link](http://x)",
        "x-vendor": {"$ref": "#/nowhere"},
        "items": [{"type": "string"}],
        "allOf": [],
        "properties": {"p": {"type": "array", "items": {"type": "array"}}}
    });
    let out = inliner.inline(&messy, Direction::Request);
    assert_eq!(
        out,
        json!({
            "type": ["string"],
            "maxLength": 3,
            "required": ["a"],
            "description": "Bold link",
            "prefixItems": [{"type": "string"}],
            "properties": {"p": {"type": "array", "items": {"type": "array", "items": {}}}}
        })
    );
    let (_, problems) = inliner.take_notes();
    assert!(problems.iter().any(|p| p.contains("([a-z")), "{problems:?}");
    assert!(jsonschema::validator_for(&out).is_ok());
}

#[test]
fn response_schemas_drop_write_only_and_deep_annotations() {
    let model = model_with(&[
        (
            "Outer",
            json!({"type": "object", "description": "kept", "properties": {
            "inner": schema_ref("Inner"), "password": {"type": "string", "writeOnly": true}}}),
        ),
        (
            "Inner",
            json!({"type": "object", "description": "dropped", "properties": {"x": {"type": "string", "examples": ["a"]}}}),
        ),
    ]);
    let mut inliner = Inliner::new(&model);
    let out = inliner.inline(&schema_ref("Outer"), Direction::Response);
    assert_eq!(out["description"], "kept");
    assert!(out["properties"].get("password").is_none());
    assert_eq!(
        out["properties"]["inner"],
        json!({"type": "object", "properties": {"x": {"type": "string"}}})
    );
    // The same schema in a request keeps everything but readOnly properties.
    let request = inliner.inline(&schema_ref("Outer"), Direction::Request);
    assert_eq!(request["properties"]["inner"]["description"], "dropped");
    assert!(request["properties"]["password"].is_object());
}

#[test]
fn deep_nesting_stays_within_a_test_thread_stack() {
    // 250 levels of nested objects inline (the loader allows 256), then a chain of 60 named schemas.
    let mut inline = json!({"type": "string"});
    for _ in 0..250 {
        inline = json!({"type": "object", "properties": {"next": inline}});
    }
    let mut schemas = vec![("S0".to_string(), inline)];
    for i in 1..60 {
        let next = schema_ref(&format!("S{}", i - 1));
        schemas.push((
            format!("S{i}"),
            json!({"type": "object", "properties": {"a": next.clone(), "b": next}}),
        ));
    }
    let named: Vec<(&str, Value)> = schemas
        .iter()
        .map(|(n, s)| (n.as_str(), s.clone()))
        .collect();
    let model = model_with(&named);
    let mut inliner = Inliner::new(&model);
    for (name, direction) in [
        ("S59", Direction::Request),
        ("S0", Direction::Request),
        ("S1", Direction::Response),
    ] {
        let out = inliner.inline(&schema_ref(name), direction);
        assert!(schema_problems(&json!({"type": "object", "properties": {"x": out}})).is_empty());
    }
}
