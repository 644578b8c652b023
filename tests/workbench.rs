//! The workbench: its panes and overlays drawn into ratatui's `TestBackend` (insta snapshots; review with
//! `cargo insta review`), and the real binary driven in tmux.

mod common;

#[path = "workbench/code_views.rs"]
mod code_views;
#[path = "workbench/drift_views.rs"]
mod drift_views;
#[path = "workbench/generate_flow.rs"]
mod generate_flow;
#[path = "workbench/live.rs"]
mod live;
#[path = "workbench/tests_flow.rs"]
mod tests_flow;
#[path = "workbench/tmux.rs"]
mod tmux;
#[path = "workbench/tools_views.rs"]
mod tools_views;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::store::Store;
use mcpoverflow::store::sample::{BUNDLED, SAMPLE_PROJECT, ensure_sample_project};
use mcpoverflow::tui::jobs::JobsMessage;
use mcpoverflow::tui::theme::Palette;
use mcpoverflow::tui::{App, Context, Effect, Message, spawn_effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The app after the sample project's first spec has loaded (what the loop's tasks would report).
fn sample_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    ensure_sample_project(&store).unwrap();
    let specs = store.specs(SAMPLE_PROJECT).unwrap();
    let mut app = App::new(SAMPLE_PROJECT, Palette::plain());
    let (_, effects) = app.update(Message::SpecsListed(Ok(specs.clone())));
    assert_eq!(effects.len(), 1, "opening the first spec is asked for");
    let (name, bytes) = BUNDLED
        .iter()
        .find(|(name, _)| *name == specs[0].name)
        .unwrap();
    let model = load_bytes(name, bytes, None, &LoadOptions::default()).unwrap();
    app.update(Message::SpecOpened {
        name: name.to_string(),
        model: Ok(Arc::new(model)),
    });
    app
}

fn press(app: &mut App, code: KeyCode) {
    let key = KeyEvent::new(code, KeyModifiers::NONE);
    app.update(Message::Input(Event::Key(key)));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| app.draw(frame)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn specs_pane_at_both_sizes() {
    let app = sample_app();
    insta::assert_snapshot!("specs_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("specs_160x48", screen(&app, 160, 48));
}

#[test]
fn filter_then_operation_detail() {
    let mut app = sample_app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "getpet");
    let filtered = screen(&app, 80, 24);
    assert!(filtered.contains("/ getpet"), "{filtered}");
    assert!(filtered.contains("getPet"), "{filtered}");
    press(&mut app, KeyCode::Enter); // leaves the filter
    press(&mut app, KeyCode::Enter); // opens the detail
    insta::assert_snapshot!("operation_detail_80x24", screen(&app, 80, 24));
}

#[test]
fn help_overlay_and_other_panes() {
    let mut app = sample_app();
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Esc);
    assert!(!app.help);
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_160x48", screen(&app, 160, 48));
    press(&mut app, KeyCode::Esc);
    // The Jobs pane of a store without jobs, at both sizes (Generate: tests/workbench/generate_flow.rs,
    // which lists a job too; Code: tests/workbench/code_views.rs).
    press(&mut app, KeyCode::Char('5'));
    assert!(screen(&app, 80, 24).contains("reading the store"));
    app.update(Message::Jobs(JobsMessage::Listed(Ok(Vec::new()))));
    for (width, height) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(
            format!("jobs_empty_{width}x{height}"),
            screen(&app, width, height)
        );
    }
    press(&mut app, KeyCode::Char('4'));
    insta::assert_snapshot!("tools_placeholder_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, mcpoverflow::tui::Pane::Jobs);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn a_failed_load_is_a_modal_not_a_crash() {
    let mut app = sample_app();
    app.update(Message::SpecOpened {
        name: "broken.yaml".into(),
        model: Err("broken.yaml: line 3, column 1: mapping values are not allowed here".into()),
    });
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("Error"), "{shown}");
    assert!(shown.contains("broken.yaml: line 3"), "{shown}");
    insta::assert_snapshot!("error_80x24", shown);
    insta::assert_snapshot!("error_160x48", screen(&app, 160, 48));
    press(&mut app, KeyCode::Char('x'));
    assert!(app.error.is_none(), "any key closes it");
}

/// Presses Down until the row under the cursor in the right-hand column contains `text`.
fn down_to(app: &mut App, text: &str) {
    for _ in 0..200 {
        if app.specs.cursor_text().is_some_and(|t| t.contains(text)) {
            return;
        }
        press(app, KeyCode::Down);
    }
    panic!("no row with {text:?}; at {:?}", app.specs.cursor_text());
}

/// getPet's detail, from the filter.
fn get_pet_detail() -> App {
    let mut app = sample_app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "getpet");
    press(&mut app, KeyCode::Enter); // leaves the filter, the best match selected
    press(&mut app, KeyCode::Enter); // opens the detail
    app
}

#[test]
fn operations_tree_with_a_tag_collapsed() {
    let mut app = sample_app();
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.specs.cursor_text().as_deref(), Some("pets"));
    press(&mut app, KeyCode::Enter);
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("▸ pets (5)") && !shown.contains("listPets"),
        "{shown}"
    );
    insta::assert_snapshot!("tree_collapsed_80x24", shown);
    insta::assert_snapshot!("tree_collapsed_160x48", screen(&app, 160, 48));
    press(&mut app, KeyCode::Right); // opens it again
    assert!(screen(&app, 80, 24).contains("listPets"));
    // Filtering shows matches under their groups, expanded, the best one selected.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "owner");
    assert_eq!(
        app.specs.cursor_text().as_deref(),
        Some("GET /owners/{ownerId}")
    );
}

#[test]
fn operation_detail_with_a_schema_node_expanded() {
    let mut app = get_pet_detail();
    down_to(&mut app, "▸ owner");
    press(&mut app, KeyCode::Enter);
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("▾ owner") && shown.contains("fullName"),
        "{shown}"
    );
    insta::assert_snapshot!("detail_schema_expanded_80x24", shown);
    insta::assert_snapshot!("detail_schema_expanded_160x48", screen(&app, 160, 48));
    press(&mut app, KeyCode::Char(' ')); // Space closes it again
    assert!(!screen(&app, 80, 24).contains("fullName"));
    // Auth and servers are further down; a page down reaches them.
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    let end = screen(&app, 80, 24);
    assert!(end.contains("Auth") && end.contains("apiKey"), "{end}");
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app, 80, 24).contains("Operations · petstore-3.0.yaml"));
}

#[test]
fn a_recursive_schema_is_marked() {
    let mut app = get_pet_detail();
    down_to(&mut app, "▸ category");
    press(&mut app, KeyCode::Enter);
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("subcategories  Category[]  ↻ recursive"),
        "{shown}"
    );
    insta::assert_snapshot!("detail_recursive_80x24", shown);
    insta::assert_snapshot!("detail_recursive_160x48", screen(&app, 160, 48));
}

#[test]
fn the_spec_overview_lists_every_warning_with_its_pointer() {
    let mut app = sample_app();
    press(&mut app, KeyCode::Char('w'));
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("Warnings (1)"), "{shown}");
    assert!(shown.contains("/paths/~1pets~1{petId}/delete"), "{shown}");
    press(&mut app, KeyCode::Char('w'));
    assert!(screen(&app, 80, 24).contains("Operations · petstore-3.0.yaml"));
    // The operation's own warnings are in its detail.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "delete");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    let detail = screen(&app, 80, 24);
    assert!(detail.contains("has no operationId"), "{detail}");
    assert!(detail.contains("/paths/~1pets~1{petId}/delete"), "{detail}");
}

#[test]
fn add_spec_overlay_for_a_path_and_for_pasted_text() {
    let mut app = sample_app();
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "specs/petstore-3.1.yaml");
    assert!(!app.quit, "keys go to the input");
    insta::assert_snapshot!("add_path_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("add_path_160x48", screen(&app, 160, 48));
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "openapi: 3.1.0");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "info: {title: Pasted, version: '1'}");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "paths: {}");
    insta::assert_snapshot!("add_paste_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("add_paste_160x48", screen(&app, 160, 48));
    press(&mut app, KeyCode::Esc);
    assert!(!screen(&app, 80, 24).contains("Add a spec"));
}

/// Runs `effects` as the loop would, feeding each result back, until nothing more is asked.
async fn settle(app: &mut App, mut effects: Vec<Effect>, context: &Context) {
    let (queue, mut messages) = tokio::sync::mpsc::unbounded_channel();
    while !effects.is_empty() {
        let pending = effects.len();
        for effect in effects.drain(..) {
            spawn_effect(effect, context, queue.clone());
        }
        for _ in 0..pending {
            let message = tokio::time::timeout(Duration::from_secs(20), messages.recv())
                .await
                .expect("the task answers")
                .unwrap();
            effects.extend(app.update(message).1);
        }
    }
}

fn key_effects(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Message::Input(Event::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))))
    .1
}

#[tokio::test(flavor = "multi_thread")]
async fn adding_a_spec_from_a_file_through_the_app() {
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&data.path().join("store")).unwrap());
    ensure_sample_project(&store).unwrap();
    let context = Context::new(store.clone(), data.path().to_path_buf(), "mcpow".into(), 2);
    let mut app = App::new(SAMPLE_PROJECT, Palette::plain());
    let specs = store.specs(SAMPLE_PROJECT).unwrap();
    let effects = app.update(Message::SpecsListed(Ok(specs))).1;
    settle(&mut app, effects, &context).await;

    let file = data.path().join("clinic.yaml");
    std::fs::write(&file, BUNDLED[1].1).unwrap();
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, &file.display().to_string());
    let effects = key_effects(&mut app, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::AddSpec { .. }]));
    settle(&mut app, effects, &context).await;
    assert!(app.error.is_none(), "{:?}", app.error);
    assert_eq!(app.toast.as_deref(), Some("added clinic.yaml v1"));
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("● clinic.yaml v1"), "{shown}");
    assert!(
        shown.contains("Operations · clinic.yaml (10)"),
        "the added spec is opened: {shown}"
    );
    let stored = store.specs(SAMPLE_PROJECT).unwrap();
    assert_eq!(stored.len(), 6);
    let added = stored.iter().find(|s| s.name == "clinic.yaml").unwrap();
    assert_eq!(added.source, file.display().to_string());

    // A file that does not parse: the error names it and the line; the input is kept for a retry.
    let broken = data.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\ninfo: {title: x\npaths: {}\n").unwrap();
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, &broken.display().to_string());
    let effects = key_effects(&mut app, KeyCode::Enter);
    settle(&mut app, effects, &context).await;
    let error = app.error.clone().expect("an error");
    assert!(error.contains(&broken.display().to_string()), "{error}");
    assert!(error.contains("line "), "{error}");
    press(&mut app, KeyCode::Char('x')); // closes the error
    press(&mut app, KeyCode::Char('a'));
    assert!(
        screen(&app, 160, 48).contains("broken.yaml"),
        "the input is kept"
    );

    // A file that is not there.
    for _ in 0.."broken.yaml".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "missing.yaml");
    let effects = key_effects(&mut app, KeyCode::Enter);
    settle(&mut app, effects, &context).await;
    let error = app.error.clone().expect("an error");
    assert!(
        error.contains("missing.yaml") && error.contains("cannot read"),
        "{error}"
    );
    assert_eq!(store.specs(SAMPLE_PROJECT).unwrap().len(), 6);
}
