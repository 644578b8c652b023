//! Building forms from schemas, typing into them, their JSON and its problems, `fill`, raw JSON mode.

mod draw;
mod json;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Map, Value, json};

use super::fields::{Shape, TextKind};
use super::value::{EMPTY_ITEM, REQUIRED};
use super::{ArgumentForm, FieldProblem};

/// The Swagger petstore's `addPet` body as a tool schema.
pub fn add_pet() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": { "type": "string", "minLength": 1, "description": "The pet's name" },
            "photoUrls": { "type": "array", "items": { "type": "string", "format": "uri" } },
            "id": { "type": "integer", "format": "int64", "minimum": 1 },
            "category": {
                "type": "object",
                "properties": { "id": { "type": "integer" }, "name": { "type": "string" } },
                "required": ["name"]
            },
            "tags": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": { "id": { "type": "integer" }, "name": { "type": "string" } }
                }
            },
            "status": {
                "type": "string",
                "enum": ["available", "pending", "sold"],
                "description": "pet status in the store"
            },
            "vaccinated": { "type": "boolean" }
        },
        "required": ["name", "photoUrls"]
    })
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub fn type_text(form: &mut ArgumentForm, text: &str) {
    for c in text.chars() {
        assert!(form.handle_key(key(KeyCode::Char(c))), "{c} was not typed");
    }
}

/// Selects the row at `path` by moving with ↑/↓ from the top.
pub fn go(form: &mut ArgumentForm, path: &str) {
    let paths: Vec<String> = form.rows().into_iter().map(|r| r.path).collect();
    let target = paths
        .iter()
        .position(|p| p == path)
        .unwrap_or_else(|| panic!("no {path} in {paths:?}"));
    while form.selected > 0 {
        form.handle_key(key(KeyCode::Up));
    }
    for _ in 0..target {
        assert!(form.handle_key(key(KeyCode::Down)));
    }
    assert_eq!(form.selected_path().as_deref(), Some(path));
}

fn paths(form: &ArgumentForm) -> Vec<String> {
    form.rows().into_iter().map(|r| r.path).collect()
}

fn problems(form: &ArgumentForm) -> Vec<(String, String)> {
    match form.arguments() {
        Ok(arguments) => panic!("no problems: {arguments:?}"),
        Err(problems) => problems.into_iter().map(|p| (p.path, p.reason)).collect(),
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn petstore_fields_in_schema_order() {
    let form = ArgumentForm::from_schema(&add_pet());
    assert_eq!(
        paths(&form),
        [
            "name",
            "photoUrls",
            "id",
            "category",
            "category.id",
            "category.name",
            "tags",
            "status",
            "vaccinated"
        ]
    );
    let spec = |path: &str| {
        let row = form.rows().into_iter().find(|r| r.path == path).unwrap();
        form.field(&row.tree).unwrap().spec.clone()
    };
    assert!(spec("name").required && spec("photoUrls").required && spec("category.name").required);
    assert!(!spec("id").required && !spec("category").required && !spec("category.id").required);
    assert!(
        matches!(&spec("id").shape, Shape::Text(r) if r.kind == TextKind::Integer && r.minimum == Some(1.0))
    );
    assert_eq!(spec("id").hint, "integer·int64 ≥1");
    assert!(matches!(&spec("status").shape, Shape::Choice(v) if v.len() == 3));
    assert!(matches!(spec("vaccinated").shape, Shape::Toggle));
    assert!(
        matches!(&spec("tags").shape, Shape::List { item, .. } if matches!(item.shape, Shape::Group(_)))
    );
    assert_eq!(spec("tags").hint, "object[]");
    assert_eq!(
        spec("status").description.as_deref(),
        Some("pet status in the store")
    );
}

#[test]
fn typed_values_become_json() {
    let mut form = ArgumentForm::from_schema(&add_pet());
    go(&mut form, "name");
    type_text(&mut form, "Rex");
    go(&mut form, "photoUrls");
    assert!(form.handle_key(ctrl('a')));
    assert_eq!(form.selected_path().as_deref(), Some("photoUrls[0]"));
    type_text(&mut form, "https://img.example/rex.png");
    go(&mut form, "id");
    type_text(&mut form, "42");
    go(&mut form, "category.name");
    type_text(&mut form, "Dogs");
    go(&mut form, "tags");
    assert!(form.handle_key(key(KeyCode::Insert)));
    assert_eq!(form.selected_path().as_deref(), Some("tags[0]"));
    form.handle_key(key(KeyCode::Down));
    form.handle_key(key(KeyCode::Down));
    assert_eq!(form.selected_path().as_deref(), Some("tags[0].name"));
    type_text(&mut form, "good boy");
    go(&mut form, "status");
    assert!(form.handle_key(key(KeyCode::Char(' '))));
    assert!(form.handle_key(key(KeyCode::Right)));
    go(&mut form, "vaccinated");
    assert!(form.handle_key(key(KeyCode::Char(' '))));
    let expected = json!({
        "name": "Rex",
        "photoUrls": ["https://img.example/rex.png"],
        "id": 42,
        "category": { "name": "Dogs" },
        "tags": [{ "name": "good boy" }],
        "status": "pending",
        "vaccinated": true
    });
    let arguments = form.arguments().unwrap();
    assert_eq!(Value::Object(arguments.clone()), expected);
    assert!(arguments["id"].is_i64());
}

#[test]
fn numbers_keep_their_kind() {
    let schema = json!({ "properties": {
        "count": { "type": "integer" }, "ratio": { "type": "number" }, "big": { "type": "integer" }
    }});
    let mut form = ArgumentForm::from_schema(&schema);
    type_text(&mut form, " -3 ");
    go(&mut form, "ratio");
    type_text(&mut form, "2.5");
    go(&mut form, "big");
    type_text(&mut form, "18446744073709551615");
    let arguments = form.arguments().unwrap();
    assert_eq!(arguments["count"], json!(-3));
    assert_eq!(arguments["ratio"].as_f64(), Some(2.5));
    assert_eq!(arguments["big"].as_u64(), Some(u64::MAX));
}

#[test]
fn problems_name_the_field_and_the_reason() {
    let mut form = ArgumentForm::from_schema(&add_pet());
    assert_eq!(
        problems(&form),
        [("name".to_string(), REQUIRED.to_string())],
        "an empty optional group, list or field is no problem; an empty required list is []"
    );
    go(&mut form, "id");
    type_text(&mut form, "abc");
    go(&mut form, "category.id");
    type_text(&mut form, "1.5");
    go(&mut form, "photoUrls");
    form.handle_key(ctrl('a'));
    type_text(&mut form, "not a url");
    form.handle_key(ctrl('a'));
    let found = problems(&form);
    let expected = [
        ("name", REQUIRED),
        ("photoUrls[0]", "not a valid uri"),
        ("photoUrls[1]", EMPTY_ITEM),
        ("id", "not a number"),
        ("category.id", "not an integer"),
        ("category.name", REQUIRED),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, r)| (p.to_string(), r.to_string()))
        .collect();
    assert_eq!(found, expected);
    go(&mut form, "id");
    form.handle_key(ctrl('u'));
    type_text(&mut form, "0");
    assert!(problems(&form).contains(&("id".into(), "must be ≥ 1".into())));
}

#[test]
fn nested_list_items_have_paths() {
    let schema = json!({
        "type": "object",
        "properties": { "filter": { "type": "object", "properties": {
            "tags": { "type": "array", "items": { "type": "string", "maxLength": 3 }, "maxItems": 2, "uniqueItems": true },
            "code": { "type": "string", "pattern": "^[a-z]+$" },
            "score": { "type": "number", "exclusiveMinimum": 0, "multipleOf": 0.5 }
        }}}
    });
    let mut form = ArgumentForm::from_schema(&schema);
    go(&mut form, "filter.tags");
    for tag in ["abc", "toolong"] {
        form.handle_key(ctrl('a'));
        type_text(&mut form, tag);
    }
    go(&mut form, "filter.code");
    type_text(&mut form, "Abc");
    go(&mut form, "filter.score");
    type_text(&mut form, "0.75");
    let found = problems(&form);
    assert_eq!(
        found,
        [
            (
                "filter.tags[1]".to_string(),
                "at most 3 characters".to_string()
            ),
            ("filter.code".into(), "does not match ^[a-z]+$".into()),
            ("filter.score".into(), "must be a multiple of 0.5".into()),
        ]
    );
    assert_eq!(
        FieldProblem {
            path: "filter.tags[1]".into(),
            reason: "x".into()
        }
        .to_string(),
        "filter.tags[1]: x"
    );
    // Ctrl-D removes the item the selection is in, and selects the one before.
    go(&mut form, "filter.tags[1]");
    assert!(form.handle_key(ctrl('d')));
    assert_eq!(form.selected_path().as_deref(), Some("filter.tags[0]"));
    form.handle_key(ctrl('a'));
    type_text(&mut form, "abc");
    assert!(problems(&form).contains(&("filter.tags".into(), "items must be unique".into())));
    form.handle_key(ctrl('a'));
    assert!(problems(&form).contains(&("filter.tags".into(), "at most 2 items".into())));
    go(&mut form, "filter.score");
    assert!(!form.handle_key(ctrl('d')), "not in a list");
    assert!(!form.handle_key(ctrl('a')), "not in a list");
}

#[test]
fn what_fields_cannot_show_is_raw_json() {
    let schema = json!({
        "type": "object",
        "$defs": { "Owner": { "type": "object", "properties": { "email": { "type": "string", "format": "email" } } } },
        "properties": {
            "target": { "oneOf": [{ "type": "string" }, { "type": "integer" }] },
            "owner": { "anyOf": [{ "$ref": "#/$defs/Owner" }, { "type": "null" }] },
            "when": { "type": ["string", "null"] },
            "mixed": { "type": ["string", "integer"] },
            "labels": { "type": "object", "additionalProperties": { "type": "string" } },
            "matrix": { "type": "array", "items": { "type": "array", "items": { "type": "number" } } },
            "merged": { "allOf": [{ "type": "object", "properties": { "a": { "type": "string" } } },
                                  { "properties": { "b": { "type": "boolean" } }, "required": ["b"] }] },
            "deep": { "type": "object", "properties": { "l1": { "type": "object", "properties": {
                "l2": { "type": "object", "properties": { "l3": { "type": "object", "properties": {
                    "l4": { "type": "object", "properties": { "x": { "type": "string" } } } } } } } } } } }
        }
    });
    let mut form = ArgumentForm::from_schema(&schema);
    let shape = |form: &ArgumentForm, path: &str| {
        let row = form
            .rows()
            .into_iter()
            .find(|r| r.path == path)
            .unwrap_or_else(|| panic!("{path}"));
        match &form.field(&row.tree).unwrap().spec.shape {
            Shape::Raw => "raw",
            Shape::Text(_) => "text",
            Shape::Group(_) => "group",
            Shape::Toggle => "toggle",
            _ => "other",
        }
    };
    for (path, expected) in [
        ("target", "raw"),
        ("owner", "group"),
        ("owner.email", "text"),
        ("when", "text"),
        ("mixed", "raw"),
        ("labels", "raw"),
        ("matrix", "raw"),
        ("merged", "group"),
        ("merged.b", "toggle"),
        ("deep.l1.l2.l3", "group"),
        ("deep.l1.l2.l3.l4", "raw"),
    ] {
        assert_eq!(shape(&form, path), expected, "{path}");
    }
    go(&mut form, "target");
    type_text(&mut form, "{\"a\":");
    let found = problems(&form);
    assert_eq!(found[0].0, "target");
    assert!(found[0].1.starts_with("not JSON"), "{found:?}");
    type_text(&mut form, "1}");
    go(&mut form, "merged.b");
    form.handle_key(key(KeyCode::Char(' ')));
    assert_eq!(
        Value::Object(form.arguments().unwrap()),
        json!({ "target": { "a": 1 }, "merged": { "b": true } })
    );
}

#[test]
fn keys_the_form_leaves_to_the_workbench() {
    let mut form = ArgumentForm::from_schema(&add_pet());
    for code in [KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab] {
        assert!(!form.handle_key(key(code)), "{code:?}");
    }
    assert!(form.is_editing_text());
    assert!(
        form.handle_key(key(KeyCode::Char('q'))),
        "typed into the name"
    );
    go(&mut form, "vaccinated");
    assert!(
        !form.handle_key(key(KeyCode::Char('q'))),
        "a toggle takes no letters"
    );
    assert!(!form.is_editing_text());
    assert!(form.handle_key(key(KeyCode::Home)));
    assert_eq!(form.selected_path().as_deref(), Some("name"));
    assert!(
        form.handle_key(key(KeyCode::Up)),
        "↑ at the top is still the form's"
    );
    let mut empty = ArgumentForm::from_schema(&json!({ "type": "object" }));
    assert!(empty.is_empty());
    assert!(!empty.handle_key(key(KeyCode::Down)));
    assert_eq!(empty.arguments(), Ok(Map::new()));
}

#[test]
fn editing_text_toggles_and_choices() {
    let mut form = ArgumentForm::from_schema(&add_pet());
    type_text(&mut form, "Réx");
    form.handle_key(key(KeyCode::Left));
    form.handle_key(key(KeyCode::Backspace));
    form.handle_key(key(KeyCode::Home));
    form.handle_key(key(KeyCode::Delete));
    type_text(&mut form, "T");
    form.handle_key(key(KeyCode::End));
    assert!(form.paste("-1\n2"));
    assert_eq!(form.arguments().unwrap()["name"], "Tx-1 2");
    go(&mut form, "status");
    let mut seen = Vec::new();
    for _ in 0..4 {
        form.handle_key(key(KeyCode::Char(' ')));
        seen.push(form.arguments().unwrap().get("status").cloned());
    }
    assert_eq!(
        seen,
        [
            Some(json!("available")),
            Some(json!("pending")),
            Some(json!("sold")),
            None
        ]
    );
    form.handle_key(key(KeyCode::Left));
    assert_eq!(form.arguments().unwrap()["status"], "sold");
    form.handle_key(key(KeyCode::Backspace));
    assert!(!form.arguments().unwrap().contains_key("status"));
    go(&mut form, "vaccinated");
    let mut seen = Vec::new();
    for _ in 0..3 {
        form.handle_key(key(KeyCode::Char(' ')));
        seen.push(form.arguments().unwrap().get("vaccinated").cloned());
    }
    assert_eq!(seen, [Some(json!(true)), Some(json!(false)), None]);
}
