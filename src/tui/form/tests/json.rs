//! `fill` and `arguments` round trips, values that do not fit, and the whole-form JSON editor.

use crossterm::event::KeyCode;
use serde_json::json;
use tui_textarea::TextArea;

use super::{add_pet, ctrl, go, key, object, paths, problems};
use crate::tui::form::ArgumentForm;
use crate::tui::form::fields::Input;
use crate::tui::form::value::REQUIRED;

#[test]
fn fill_then_arguments_round_trips() {
    let arguments = object(json!({
        "name": "Rex",
        "photoUrls": ["https://a.example/1", "https://a.example/2"],
        "id": 7,
        "category": { "id": 3, "name": "Dogs" },
        "tags": [{ "id": 1, "name": "calm" }, { "name": "small" }],
        "status": "sold",
        "vaccinated": false
    }));
    let mut form = ArgumentForm::from_schema(&add_pet());
    form.fill(&arguments);
    assert_eq!(form.arguments().unwrap(), arguments);
    assert!(paths(&form).contains(&"tags[1].name".to_string()));
    // Values that do not fit go in as raw JSON, and keys the schema lacks as extra fields.
    let odd = object(json!({
        "name": "",
        "photoUrls": [],
        "id": "12",
        "status": "lost",
        "category": {},
        "vaccinated": null,
        "color": { "r": 1 }
    }));
    form.fill(&odd);
    assert_eq!(form.arguments().unwrap(), odd);
    let row = form
        .rows()
        .into_iter()
        .find(|r| r.path == "status")
        .unwrap();
    assert!(matches!(&form.field(&row.tree).unwrap().input, Input::Raw(l) if l.text == "\"lost\""));
    // Ctrl-U turns a raw leftover back into the schema's field.
    go(&mut form, "status");
    form.handle_key(ctrl('u'));
    assert!(!form.is_editing_text());
    assert!(!form.arguments().unwrap().contains_key("status"));
}

#[test]
fn raw_json_mode_round_trips() {
    let mut form = ArgumentForm::from_schema(&add_pet());
    form.fill(&object(json!({ "name": "Rex", "photoUrls": [], "id": 5 })));
    assert!(form.toggle_raw());
    assert!(form.is_raw() && form.is_editing_text());
    let text = form.raw.as_ref().unwrap().lines().join("\n");
    assert_eq!(
        text,
        "{\n  \"name\": \"Rex\",\n  \"photoUrls\": [],\n  \"id\": 5\n}"
    );
    // Enter is a new line here; Esc and Ctrl-C are the workbench's.
    assert!(form.handle_key(key(KeyCode::Enter)));
    assert!(!form.handle_key(key(KeyCode::Esc)));
    assert!(!form.handle_key(ctrl('c')));
    let edited = "{\"name\": \"Max\", \"photoUrls\": [\"https://u.example\"], \"tags\": [{\"name\": \"x\"}], \"status\": \"sold\"}";
    form.raw = Some(TextArea::new(vec![edited.to_string()]));
    assert_eq!(
        form.arguments().unwrap(),
        object(serde_json::from_str(edited).unwrap())
    );
    assert!(!form.toggle_raw());
    assert_eq!(
        form.arguments().unwrap(),
        object(serde_json::from_str(edited).unwrap())
    );
    assert!(paths(&form).contains(&"tags[0].name".to_string()));
    // A parse error keeps the editor open and is a problem of the whole form.
    form.toggle_raw();
    form.raw = Some(TextArea::new(vec!["{ \"name\": ".to_string()]));
    assert!(form.toggle_raw());
    assert!(form.raw_error().is_some_and(|e| e.starts_with("not JSON")));
    let found = form.arguments().unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "");
    form.raw = Some(TextArea::new(vec!["[1]".to_string()]));
    assert!(form.toggle_raw());
    assert_eq!(
        form.raw_error(),
        Some("the arguments must be a JSON object")
    );
    form.raw = Some(TextArea::new(vec![String::new()]));
    assert!(!form.toggle_raw());
    assert_eq!(
        problems(&form),
        [("name".to_string(), REQUIRED.to_string())]
    );
}
