use serde_json::{Value, json};

use super::*;

fn validator(schema: &Value) -> Option<jsonschema::Validator> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .ok()
}

/// Every value against every schema: where the direct check answers, it is the validator's answer.
fn agree(schemas: &[Value], values: &[Value]) -> (usize, usize) {
    let formats = Formats::default();
    let (mut answered, mut unsure) = (0, 0);
    for schema in schemas {
        let compiled = validator(schema);
        if !checkable(schema, &formats) {
            continue;
        }
        let compiled =
            compiled.unwrap_or_else(|| panic!("checkable but does not compile: {schema}"));
        for value in values {
            match fit(schema, value, &formats) {
                Fit::Unsure => unsure += 1,
                direct => {
                    answered += 1;
                    assert_eq!(
                        direct == Fit::Yes,
                        compiled.is_valid(value),
                        "{value} against {schema}"
                    );
                }
            }
        }
    }
    (answered, unsure)
}

fn values() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(-1),
        json!(1.0),
        json!(1.5),
        json!(2.5),
        json!(10),
        json!(9007199254740993u64),
        json!(u64::MAX),
        json!(""),
        json!("a"),
        json!("héllo"),
        json!("a🦀"),
        json!("ab"),
        json!("2024-01-02T03:04:05Z"),
        json!("not a date"),
        json!("https://api.example.com/x"),
        json!("a@b.co"),
        json!([]),
        json!([1, 2]),
        json!([1, 1]),
        json!([1, 1.0]),
        json!(["a", "b", "c"]),
        json!([{"a": 1}, {"a": 1}]),
        json!({}),
        json!({"id": 1}),
        json!({"id": "1"}),
        json!({"id": 1, "name": "x"}),
        json!({"id": 1, "extra": true}),
        json!({"name": "x"}),
        json!({"id": 1.0}),
    ]
}

#[test]
fn direct_answers_are_the_validators() {
    let schemas = vec![
        json!(true),
        json!(false),
        json!({}),
        json!({"type": "integer"}),
        json!({"type": "number", "minimum": 1, "maximum": 10}),
        json!({"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 10.5}),
        json!({"minimum": 1.5}),
        json!({"maximum": 9007199254740992u64}),
        json!({"type": ["string", "null"]}),
        json!({"type": ["integer", "boolean"]}),
        json!({"type": "string", "minLength": 2, "maxLength": 4}),
        // Lengths count characters, not bytes ("héllo" is 5 and 6) nor UTF-16 units ("a🦀" is 2 and 3).
        json!({"maxLength": 5}),
        json!({"maxLength": 2}),
        json!({"type": "string", "format": "date-time"}),
        json!({"type": "string", "format": "uri"}),
        json!({"format": "email"}),
        json!({"format": "not-a-known-format"}),
        json!({"enum": [1, "a", null, [1, 2], {"a": 1}]}),
        json!({"enum": [1.0]}),
        json!({"const": {"id": 1}}),
        json!({"const": [1, 2]}),
        json!({"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 2}),
        json!({"type": "array", "uniqueItems": true}),
        json!({"uniqueItems": false}),
        json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}),
        json!({"type": "object", "properties": {"id": {"type": "integer"}}, "additionalProperties": false}),
        json!({"properties": {"id": {"type": "integer"}}, "additionalProperties": {"type": "boolean"}}),
        json!({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 5}]}),
        json!({"oneOf": [{"type": "integer"}, {"type": "number"}]}),
        json!({"oneOf": [{"type": "string"}, {"type": "object", "required": ["id"]}]}),
        json!({"allOf": [{"type": "object"}, {"required": ["name"]}]}),
        json!({"not": {"type": "string"}}),
        json!({"title": "T", "description": "d", "examples": [1], "default": 3, "readOnly": true,
               "deprecated": false, "x-anything": {"type": 5}, "nullable": true, "discriminator": {}}),
        json!({"properties": {"nested": {"type": "object", "properties": {"a": {"enum": ["x"]}}}}}),
    ];
    let (answered, unsure) = agree(&schemas, &values());
    assert!(answered > 800, "{answered} answered, {unsure} unsure");
    assert!(
        unsure < answered / 10,
        "{answered} answered, {unsure} unsure"
    );
}

#[test]
fn what_is_not_checked_here_is_left_to_the_validator() {
    let formats = Formats::default();
    let left: Vec<Value> = vec![
        json!({"$ref": "#/$defs/A", "$defs": {"A": {}}}),
        json!({"pattern": "^a"}),
        json!({"$schema": "http://json-schema.org/draft-04/schema#"}),
        json!({"prefixItems": [{}]}),
        json!({"items": [{}]}),
        json!({"if": {}, "then": {}}),
        json!({"contentMediaType": "application/json"}),
        json!({"multipleOf": 2}),
        json!({"properties": {"a": {"patternProperties": {}}}}),
        // Ill-formed: the validator refuses to compile some, so the direct check must not answer.
        json!({"type": "file"}),
        json!({"type": []}),
        json!({"type": ["string", "string"]}),
        json!({"required": "id"}),
        json!({"required": ["id", "id"]}),
        json!({"minLength": -1}),
        json!({"minLength": 1.5}),
        json!({"maximum": "10"}),
        json!({"enum": []}),
        json!({"anyOf": []}),
        json!({"title": 5}),
        json!({"readOnly": "yes"}),
        json!({"examples": {}}),
        json!({"format": 5}),
        json!({"exclusiveMinimum": true}),
        json!(5),
    ];
    for schema in left {
        assert!(!checkable(&schema, &formats), "{schema}");
    }
    // Floats compared for equality or as integers are left to it too.
    let float_cases = [
        (json!({"enum": [1]}), json!(1.0)),
        (json!({"type": "integer"}), json!(1.0)),
        (json!({"uniqueItems": true}), json!([1, 1.0])),
        (json!({"maximum": 9007199254740993u64}), json!(1.5)),
    ];
    for (schema, value) in float_cases {
        assert!(checkable(&schema, &formats), "{schema}");
        assert_eq!(
            fit(&schema, &value, &formats),
            Fit::Unsure,
            "{value} against {schema}"
        );
    }
}
