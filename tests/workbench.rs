//! The workbench: its panes and overlays drawn into ratatui's `TestBackend` (insta snapshots; review with
//! `cargo insta review`), and the real binary driven in tmux.

mod common;

#[path = "workbench/tmux.rs"]
mod tmux;

use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::store::Store;
use mcpoverflow::store::sample::{BUNDLED, SAMPLE_PROJECT, ensure_sample_project};
use mcpoverflow::tui::theme::Palette;
use mcpoverflow::tui::{App, Message};
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
    press(&mut app, KeyCode::Char('x'));
    assert!(app.error.is_none(), "any key closes it");
}
