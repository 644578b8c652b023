use serde_json::{Value, json};

use super::schema::compare;
use super::*;
use crate::tools::{ArgumentBinding, ToolAnnotations};

fn changes(old: Value, new: Value, side: Side) -> Vec<(String, ChangeKind, bool)> {
    let mut out = Vec::new();
    compare(&old, &new, side, &mut out);
    out.into_iter()
        .map(|c| (c.path, c.kind, c.breaking))
        .collect()
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

#[test]
fn types_narrowed_break_inputs_and_widened_break_outputs() {
    let integer = object(json!({"n": {"type": "integer"}}), &[]);
    let number = object(json!({"n": {"type": "number"}}), &[]);
    let widened = changes(integer.clone(), number.clone(), Side::Input);
    assert_eq!(widened.len(), 1);
    assert!(!widened[0].2, "integer -> number accepts more calls");
    assert!(changes(integer.clone(), number.clone(), Side::Output)[0].2);
    assert!(changes(number.clone(), integer.clone(), Side::Input)[0].2);
    assert!(!changes(number, integer, Side::Output)[0].2);
    let text = object(json!({"n": {"type": "string"}}), &[]);
    let nullable = object(json!({"n": {"type": ["string", "null"]}}), &[]);
    assert_eq!(
        changes(text.clone(), nullable.clone(), Side::Output),
        vec![(
            "n".to_string(),
            ChangeKind::TypeChanged {
                old: vec!["string".into()],
                new: vec!["null".into(), "string".into()]
            },
            true
        )]
    );
    assert!(!changes(text, nullable, Side::Input)[0].2);
}

#[test]
fn top_level_input_properties_are_arguments_and_nested_ones_properties() {
    let old = object(
        json!({"a": object(json!({"x": {"type": "string"}}), &[])}),
        &[],
    );
    let new = object(
        json!({"a": object(json!({"y": {"type": "string"}}), &["y"]), "b": {"type": "string"}}),
        &["b"],
    );
    let found = changes(old, new, Side::Input);
    assert_eq!(
        found,
        vec![
            (
                "a.x".to_string(),
                ChangeKind::PropertyRemoved { required: false },
                true
            ),
            (
                "a.y".to_string(),
                ChangeKind::PropertyAdded { required: true },
                true
            ),
            (
                "b".to_string(),
                ChangeKind::ArgumentAdded { required: true },
                true
            ),
        ]
    );
}

#[test]
fn formats_known_widenings_are_judged_by_direction() {
    let f = |format: Option<&str>| match format {
        Some(format) => object(json!({"n": {"type": "integer", "format": format}}), &[]),
        None => object(json!({"n": {"type": "integer"}}), &[]),
    };
    assert!(!changes(f(Some("int32")), f(Some("int64")), Side::Input)[0].2);
    assert!(changes(f(Some("int64")), f(Some("int32")), Side::Input)[0].2);
    assert!(changes(f(None), f(Some("int32")), Side::Input)[0].2);
    assert!(!changes(f(Some("int32")), f(None), Side::Input)[0].2);
    assert!(changes(f(Some("int32")), f(None), Side::Output)[0].2);
    assert!(changes(f(Some("uuid")), f(Some("email")), Side::Output)[0].2);
}

#[test]
fn union_members_are_matched_by_type_and_compared() {
    let old = object(
        json!({"m": {"type": "object", "properties": {"k": {"type": "string"}}}}),
        &[],
    );
    let new = object(
        json!({"m": {"anyOf": [
            {"type": "object", "properties": {"k": {"type": "integer"}}},
            {"type": "string", "enum": [""]}
        ]}}),
        &[],
    );
    let found = changes(old, new, Side::Input);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "m<object>.k");
    assert!(matches!(found[0].1, ChangeKind::TypeChanged { .. }) && found[0].2);
    assert_eq!(
        found[1],
        (
            "m".to_string(),
            ChangeKind::AlternativeAdded {
                alternative: "string".into()
            },
            false
        )
    );
}

fn tool(name: &str, input: Value, output: Option<Value>) -> ToolDefinition {
    let bindings = input["properties"]
        .as_object()
        .map(|props| {
            props
                .keys()
                .map(|k| ArgumentBinding {
                    argument: k.clone(),
                    target: ArgumentTarget::Query(k.clone()),
                })
                .collect()
        })
        .unwrap_or_default();
    ToolDefinition {
        name: name.to_string(),
        title: None,
        description: String::new(),
        input_schema: input,
        output_schema: output.map(std::sync::Arc::new),
        annotations: ToolAnnotations::default(),
        operation: 0,
        body_media_type: None,
        bindings,
        output_status: None,
    }
}

#[test]
fn a_diff_counts_tools_and_round_trips_through_json() {
    let empty = object(json!({}), &[]);
    let old = vec![
        tool("keep", empty.clone(), None),
        tool("gone", empty.clone(), None),
        tool("shaped", empty.clone(), Some(empty.clone())),
    ];
    let new = vec![
        tool("keep", empty.clone(), None),
        tool("fresh", empty.clone(), None),
        tool("shaped", empty.clone(), None),
    ];
    let diff = diff_definitions(&old, &new);
    assert_eq!(diff.summary.tools_added, 1);
    assert_eq!(diff.summary.tools_removed, 1);
    assert_eq!(diff.summary.tools_changed, 1);
    assert_eq!(diff.summary.tools_unchanged, 1);
    assert_eq!(diff.summary.breaking, 2);
    assert!(diff.has_breaking());
    let names: Vec<&str> = diff.breaking_changes().map(|(name, _)| name).collect();
    assert_eq!(names, ["gone", "shaped"]);
    let text = serde_json::to_string(&diff).expect("serializes");
    assert!(text.contains(r#""kind":"output_schema_removed""#), "{text}");
    let back: ToolDiff = serde_json::from_str(&text).expect("deserializes");
    assert_eq!(back, diff);
    assert!(diff.report().ends_with(
        "Summary: 3 -> 3 tools: 1 added, 1 removed, 1 changed, 1 unchanged; 3 changes, 2 breaking (in 2 tools).\n"
    ));
}
