use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::mock::validate::SchemaChecker;
use crate::spec::model::SpecFormat;

fn model(schemas: Value) -> Arc<ApiModel> {
    let mut model = ApiModel::new(SpecFormat::Openapi, "3.1.0", "t");
    if let Value::Object(map) = schemas {
        model.schemas.extend(map);
    }
    Arc::new(model)
}

/// Synthesizes for `direction` and asserts the value validates (formats included).
fn valid(model: &Arc<ApiModel>, schema: &Value, direction: Direction) -> Value {
    let value = synthesize_with(schema, model, &SynthOptions::new(direction));
    let issues = SchemaChecker::new(model.clone(), true)
        .check(schema, &value, direction)
        .unwrap();
    assert!(issues.is_empty(), "{value} for {schema}: {issues:?}");
    value
}

#[test]
fn primitives_honour_formats_bounds_and_enums() {
    let m = model(json!({}));
    let cases = [
        json!({"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 7}),
        json!({"type": "integer", "exclusiveMaximum": 0}),
        json!({"type": "number", "exclusiveMinimum": 0, "maximum": 0.5}),
        json!({"type": "number", "minimum": 2.5, "multipleOf": 0.25}),
        json!({"type": "string", "minLength": 12, "maxLength": 14}),
        json!({"type": "string", "maxLength": 3}),
        json!({"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"}),
        json!({"type": "string", "format": "date-time"}),
        json!({"type": "string", "format": "date"}),
        json!({"type": "string", "format": "email"}),
        json!({"type": "string", "format": "uuid"}),
        json!({"type": "string", "format": "uri"}),
        json!({"type": "string", "format": "ipv6"}),
        json!({"type": ["string", "null"], "enum": [null, "b", "c"]}),
        json!({"const": {"fixed": true}}),
        json!({"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": "string", "enum": ["x", "y", "z"]}}),
        json!({"type": "object", "minProperties": 2, "additionalProperties": {"type": "integer"}}),
        json!({"type": "string", "examples": ["not-an-email"], "format": "email"}),
    ];
    for schema in &cases {
        valid(&m, schema, Direction::Response);
    }
    assert_eq!(synthesize(&cases[0], &m), json!(14));
    assert_eq!(synthesize(&cases[13], &m), json!("b"));
    assert_eq!(synthesize(&cases[6], &m), json!("AAA-1111"));
    assert_eq!(
        synthesize(&json!({"type": "string", "examples": ["Biscuit"]}), &m),
        json!("Biscuit")
    );
}

#[test]
fn objects_merge_all_of_and_respect_direction() {
    let m = model(json!({
        "Base": {"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer", "readOnly": true},
            "name": {"type": "string"},
            "secret": {"type": "string", "writeOnly": true}}},
        "Pet": {"allOf": [{"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": ["dog", "cat"]}}}]}
    }));
    let schema = json!({"$ref": "#/components/schemas/Pet"});
    let response = valid(&m, &schema, Direction::Response);
    assert_eq!(response["kind"], "dog");
    assert!(
        response.get("id").is_some() && response.get("secret").is_none(),
        "{response}"
    );
    let request = valid(&m, &schema, Direction::Request);
    assert!(
        request.get("id").is_none() && request.get("secret").is_some(),
        "{request}"
    );
    assert_eq!(synthesize(&schema, &m), response, "deterministic");
}

#[test]
fn recursion_is_cut_and_nullable_unions_end_it() {
    let m = model(json!({
        "Node": {"type": "object", "required": ["name", "children", "parent"], "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "parent": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]}}}
    }));
    let value = valid(
        &m,
        &json!({"$ref": "#/components/schemas/Node"}),
        Direction::Response,
    );
    assert!(value["children"].is_array());
    assert!(value.to_string().len() < 10_000, "{value}");
}

#[test]
fn one_of_values_match_exactly_one_branch() {
    let m = model(json!({
        "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
        "RuleError": {"type": "object", "properties": {"message": {"type": "string"},
            "metadata": {"type": "object"}}}
    }));
    let by_required = json!({"type": "object",
        "properties": {"type": {"type": "string"}, "id": {"type": "integer"}, "owner": {"type": "string"}},
        "oneOf": [{"required": ["type", "id"]}, {"required": ["type", "owner"]}]});
    valid(&m, &by_required, Direction::Request);
    let overlapping = json!({"oneOf": [{"$ref": "#/components/schemas/Error"},
        {"$ref": "#/components/schemas/RuleError"}]});
    valid(&m, &overlapping, Direction::Response);
    let subsets = json!({"oneOf": [
        {"type": "object", "required": ["a", "b"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}]});
    valid(&m, &subsets, Direction::Response);
}
