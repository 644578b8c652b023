//! What the form shows, at the sizes the workbench gives it.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::{Position, Rect};
use serde_json::{Value, json};

use super::{add_pet, ctrl, go, key, type_text};
use crate::tui::form::ArgumentForm;
use crate::tui::theme::Palette;

/// The form drawn at `width` x `height`, one string per screen line, and the cursor if shown.
fn screen(
    form: &ArgumentForm,
    width: u16,
    height: u16,
    focused: bool,
) -> (Vec<String>, Option<Position>) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            form.draw(
                frame,
                Rect::new(0, 0, width, height),
                &Palette::plain(),
                focused,
            );
        })
        .unwrap();
    let backend = terminal.backend();
    let cursor = backend.cursor_visible().then(|| backend.cursor_position());
    let buffer = terminal.backend().buffer();
    let lines = (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect();
    (lines, cursor)
}

fn line_with<'a>(lines: &'a [String], text: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line with {text:?} in\n{}", lines.join("\n")))
}

#[test]
fn fields_values_hints_and_problems_at_50_by_15() {
    let mut form = ArgumentForm::from_schema(&add_pet());
    let (lines, cursor) = screen(&form, 50, 15, true);
    let name = line_with(&lines, "name*");
    assert!(name.contains(" : "), "{name}");
    assert!(name.contains("string ≥1 chars"), "{name}");
    assert_eq!(
        lines[1].trim(),
        "The pet's name",
        "the selected field's description"
    );
    assert!(line_with(&lines, "photoUrls*").contains("no items"));
    assert!(line_with(&lines, "vaccinated").contains("[ ] unset"));
    assert!(line_with(&lines, "category").contains("object"));
    assert!(
        lines.iter().any(|l| l.starts_with("  name*")),
        "category.name indented:\n{}",
        lines.join("\n")
    );
    assert_eq!(
        cursor,
        Some(Position::new(
            line_with(&lines, "name*").find(" : ").unwrap() as u16 + 3,
            0
        ))
    );

    go(&mut form, "id");
    type_text(&mut form, "abc");
    let (lines, _) = screen(&form, 50, 15, true);
    let id = line_with(&lines, "id ");
    assert!(id.contains("abc") && id.contains("not a number"), "{id}");
    go(&mut form, "status");
    form.handle_key(key(KeyCode::Char(' ')));
    let (lines, cursor) = screen(&form, 50, 15, true);
    assert_eq!(cursor, None, "no cursor on a selector");
    assert!(line_with(&lines, "status").contains("◂ available ▸"));
    assert_eq!(
        line_with(&lines, "category").trim_end(),
        "category      object",
        "a group has no value"
    );
    assert!(line_with(&lines, "available · pending · sold").starts_with("  "));
    line_with(&lines, "pet status in the store");
    // Unselected, without focus: no cursor, plain value.
    go(&mut form, "vaccinated");
    form.handle_key(key(KeyCode::Char(' ')));
    let (lines, cursor) = screen(&form, 50, 15, false);
    assert!(line_with(&lines, "status").contains(": available"));
    assert!(line_with(&lines, "vaccinated").contains("[x] true"));
    assert_eq!(cursor, None);
}

#[test]
fn lists_and_items_at_160_by_48() {
    let mut form = ArgumentForm::from_schema(&add_pet());
    go(&mut form, "tags");
    let (lines, _) = screen(&form, 160, 48, true);
    assert!(line_with(&lines, "tags").contains("object[] · C-a adds"));
    form.handle_key(ctrl('a'));
    form.handle_key(ctrl('a'));
    let (lines, _) = screen(&form, 160, 48, true);
    assert!(line_with(&lines, "tags ").contains("2 items"));
    let items: Vec<&String> = lines
        .iter()
        .filter(|l| l.trim_start().starts_with('['))
        .collect();
    assert_eq!(items.len(), 2, "{}", lines.join("\n"));
    assert!(items[1].starts_with("  [1]"));
    assert!(
        lines.iter().any(|l| l.starts_with("    name ")),
        "item fields indented twice"
    );
}

#[test]
fn scrolls_to_keep_the_selection_visible() {
    let properties: serde_json::Map<String, Value> = (0..30)
        .map(|i| {
            (
                format!("field{i:02}"),
                json!({ "type": "string", "description": "text" }),
            )
        })
        .collect();
    let mut form =
        ArgumentForm::from_schema(&json!({ "type": "object", "properties": properties }));
    let (lines, _) = screen(&form, 50, 10, true);
    assert!(lines[0].starts_with("field00"));
    go(&mut form, "field29");
    let (lines, cursor) = screen(&form, 50, 10, true);
    assert!(!lines.iter().any(|l| l.contains("field00")));
    assert!(lines[8].starts_with("field29"), "{}", lines.join("\n"));
    assert_eq!(lines[9].trim(), "text");
    assert_eq!(cursor.map(|c| c.y), Some(8));
    // Moving up inside the view does not scroll.
    form.handle_key(key(KeyCode::Up));
    let (again, _) = screen(&form, 50, 10, true);
    assert!(
        again[0].starts_with(&lines[0][..7]),
        "{} vs {}",
        again[0],
        lines[0]
    );
}

#[test]
fn long_values_and_raw_mode() {
    let mut form = ArgumentForm::from_schema(&add_pet());
    type_text(&mut form, &"x".repeat(80));
    let (lines, cursor) = screen(&form, 50, 15, true);
    assert_eq!(
        &lines[0][14..49],
        "x".repeat(35),
        "the window follows the cursor"
    );
    assert_eq!(cursor.map(|c| c.x), Some(49));
    form.handle_key(ctrl('u'));
    type_text(&mut form, "Rex");
    form.toggle_raw();
    let (lines, _) = screen(&form, 50, 15, true);
    assert_eq!(lines[0].trim_end(), "{");
    assert!(lines[1].contains("\"name\": \"Rex\""));
    assert!(lines[14].contains("raw JSON arguments"));
    form.handle_key(key(KeyCode::Char('!')));
    form.toggle_raw();
    let (lines, _) = screen(&form, 50, 15, true);
    assert!(lines[14].starts_with("not JSON"), "{}", lines[14]);
}

#[test]
fn no_arguments() {
    let form = ArgumentForm::from_schema(&json!({ "type": "object", "properties": {} }));
    let (lines, _) = screen(&form, 50, 15, true);
    assert_eq!(lines[0].trim_end(), "no arguments");
    let free =
        ArgumentForm::from_schema(&json!({ "type": "object", "additionalProperties": true }));
    let (lines, _) = screen(&free, 80, 5, true);
    assert!(lines[1].contains("free-form"));
}
