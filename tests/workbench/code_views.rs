//! The Code pane with real generated projects (the sample petstore spec): its screens at 80x24 and 160x48,
//! and search, go-to-line, an edit and saving driven through `App::update`, the pane's tasks run in place
//! and their messages fed back as the loop would.

use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::codegen::{GenerateOptions, Language, generate};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::tools::{ToolOptions, build_tools};
use mcpoverflow::tui::code::CodeSource;
use mcpoverflow::tui::code::tasks;
use mcpoverflow::tui::theme::{Depth, Palette, Theme};
use mcpoverflow::tui::{App, EditPurpose, Effect, Message};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use super::common;
use super::{press, sample_app, screen, type_text};

/// The sample petstore spec generated in `language`, as the Generate pane hands it over.
fn petstore(language: Language) -> CodeSource {
    let path = common::root().join("specs/petstore-3.0.yaml");
    let bytes = std::fs::read(&path).unwrap();
    let model = load_bytes(
        "petstore-3.0.yaml",
        &bytes,
        Some(&path),
        &LoadOptions::default(),
    )
    .unwrap();
    let tools = build_tools(&model, &ToolOptions::default());
    let project = generate(&model, &tools, language, &GenerateOptions::default()).unwrap();
    CodeSource {
        title: "pet-clinic-store-mcp".into(),
        language,
        files: Arc::new(project.files),
        saved_to: None,
    }
}

/// A small Python project that never changes (the snapshots must not follow the generators' output).
fn fixed_python_project() -> CodeSource {
    let server = "\"\"\"The API as an MCP server: one tool per operation.\"\"\"\n\nfrom __future__ import annotations\n\nimport argparse\nimport os\n\nfrom .operations import OPERATIONS\n\n\ndef tool_names() -> list[str]:\n    \"\"\"The names of the tools, in order.\"\"\"\n    return [op.name for op in OPERATIONS]\n\n\ndef main() -> None:\n    parser = argparse.ArgumentParser(prog=\"pet-clinic-store-mcp\")\n    parser.add_argument(\"--transport\", default=os.environ.get(\"MCP_TRANSPORT\", \"stdio\"))\n    args = parser.parse_args()\n    print(args.transport, len(tool_names()))\n\n\nif __name__ == \"__main__\":\n    main()\n";
    let files = [
        ("README.md", "# pet-clinic-store-mcp\n\nAn MCP server.\n"),
        (
            "pyproject.toml",
            "[project]\nname = \"pet-clinic-store-mcp\"\nversion = \"0.1.0\"\n",
        ),
        ("src/pet_clinic_store_mcp/__init__.py", ""),
        (
            "src/pet_clinic_store_mcp/__main__.py",
            "from .server import main\n\nmain()\n",
        ),
        (
            "src/pet_clinic_store_mcp/operations.py",
            "OPERATIONS = []\n",
        ),
        ("src/pet_clinic_store_mcp/server.py", server),
        (
            "tests/test_tools.py",
            "def test_nothing() -> None:\n    assert True\n",
        ),
    ];
    CodeSource {
        title: "pet-clinic-store-mcp".into(),
        language: Language::Python,
        files: Arc::new(
            files
                .iter()
                .map(|(path, text)| {
                    mcpoverflow::codegen::GeneratedFile::text(path.to_string(), *text)
                })
                .collect(),
        ),
        saved_to: None,
    }
}

/// Runs the Code pane's effects in place (as the loop's tasks would) and feeds their messages back, until
/// there are none; the other effects are returned.
fn settle(app: &mut App, effects: Vec<Effect>) -> Vec<Effect> {
    let mut pending = effects;
    let mut others = Vec::new();
    while let Some(effect) = pending.pop() {
        match effect {
            Effect::Code(request) => {
                let mut messages = Vec::new();
                tasks::run(request, &mut |m| {
                    messages.push(m);
                    true
                });
                for message in messages {
                    pending.extend(app.update(Message::Code(message)).1);
                }
            }
            other => others.push(other),
        }
    }
    others
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    let effects = app
        .update(Message::Input(Event::Key(KeyEvent::new(code, modifiers))))
        .1;
    settle(app, effects)
}

#[test]
fn code_pane_empty_and_with_a_project_at_both_sizes() {
    let mut app = sample_app();
    press(&mut app, KeyCode::Char('3'));
    let empty = screen(&app, 80, 24);
    assert!(empty.contains("nothing generated yet"), "{empty}");
    insta::assert_snapshot!("code_empty_80x24", empty);
    let (_, effects) = app.show_code(fixed_python_project());
    assert!(effects.is_empty(), "no colour, nothing to highlight");
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("server.py") && shown.contains("pet-clinic-store-mcp"),
        "{shown}"
    );
    insta::assert_snapshot!("code_python_80x24", shown);
    insta::assert_snapshot!("code_python_160x48", screen(&app, 160, 48));
    // A search as it is typed, at the larger size.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "def ");
    insta::assert_snapshot!("code_search_160x48", screen(&app, 160, 48));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    let help = screen(&app, 80, 24);
    assert!(help.contains("go to line"), "{help}");
}

#[test]
fn search_go_to_line_edit_and_save_through_update() {
    let mut app = sample_app();
    press(&mut app, KeyCode::Char('3'));
    app.show_code(petstore(Language::Typescript));
    let open = app.code.open.as_ref().unwrap();
    assert_eq!(open.path, "src/server.ts");
    let main_lines = open.line_count();

    // Search: the first match from the top, then n and N (wrapping).
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "transport");
    let search = app.code.search.as_ref().unwrap();
    let count = search.matches.len();
    assert!(count >= 2, "{count} matches");
    let first = search.matches[0].0;
    assert_eq!(app.code.open.as_ref().unwrap().cursor, first);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.code.search.as_ref().unwrap().current, Some(1));
    press(&mut app, KeyCode::Char('N'));
    press(&mut app, KeyCode::Char('N'));
    assert_eq!(app.code.search.as_ref().unwrap().current, Some(count - 1));
    assert_eq!(app.toast.as_deref(), Some("search wrapped to the bottom"));
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains(&format!("/transport {count}/{count}")),
        "{shown}"
    );
    press(&mut app, KeyCode::Esc); // clears the search

    // Go to a line (Ctrl-G), and past the end (the last line).
    key(&mut app, KeyCode::Char('g'), KeyModifiers::CONTROL);
    type_text(&mut app, "12");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.code.open.as_ref().unwrap().cursor, 11);
    press(&mut app, KeyCode::Char('L'));
    type_text(&mut app, "99999");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.code.open.as_ref().unwrap().cursor, main_lines - 1);
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.code.open.as_ref().unwrap().cursor, 0);

    // $EDITOR: the edited text replaces the file.
    let effects = key(&mut app, KeyCode::Char('e'), KeyModifiers::NONE);
    let Some(Effect::Edit {
        text,
        extension,
        purpose,
    }) = effects.into_iter().next()
    else {
        panic!("no edit");
    };
    assert_eq!(extension, "ts");
    assert!(matches!(purpose, EditPurpose::CodeFile { .. }));
    let edited = format!("// reviewed\n{text}");
    app.update(Message::Edited {
        purpose,
        text: Ok(edited.clone()),
    });
    assert_eq!(app.code.modified().len(), 1);
    assert!(screen(&app, 80, 24).contains("edited"));

    // Save into a new directory: every file, the edit included.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clinic-ts");
    press(&mut app, KeyCode::Char('s'));
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("Save the project") && shown.contains("./pet-clinic-store-mcp"),
        "{shown}"
    );
    key(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, out.to_str().unwrap());
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(app.code.save.is_none(), "{:?}", app.error);
    let files = app.code.source().unwrap().files.len();
    assert_eq!(
        app.toast.as_deref(),
        Some(format!("saved {files} files to {}", out.display()).as_str())
    );
    assert_eq!(
        std::fs::read_to_string(out.join("src/server.ts")).unwrap(),
        edited
    );
    assert!(out.join("package.json").is_file());
    assert!(app.code.modified().is_empty(), "saved: nothing edited now");

    // Again into the same (now not empty) directory: asked first, then replaced.
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(
        app.code.save.as_ref().unwrap().path,
        out.display().to_string()
    );
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("is not empty"), "{shown}");
    std::fs::write(out.join("stray.txt"), "x").unwrap();
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(app.code.save.is_none());
    assert!(!out.join("stray.txt").exists(), "replaced");
    assert!(out.join("src/server.ts").is_file());
}

#[test]
fn the_sixteen_colour_theme_highlights_with_terminal_colours() {
    let theme = Theme::bundled("ansi16").unwrap();
    let mut app = App::new("sample", Palette::from_theme(&theme, Depth::TrueColor));
    press(&mut app, KeyCode::Char('3'));
    let (_, effects) = app.show_code(petstore(Language::Typescript));
    assert_eq!(effects.len(), 1, "highlighting asked for");
    settle(&mut app, effects);
    assert!(app.code.fully_highlighted());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|frame| app.draw(frame)).unwrap();
    let buffer = terminal.backend().buffer();
    let colours: std::collections::HashSet<Color> = buffer
        .content()
        .iter()
        .filter_map(|cell| Some(cell.fg).filter(|c| *c != Color::Reset))
        .collect();
    assert!(colours.len() >= 4, "{colours:?}");
    assert!(
        colours.iter().all(|c| !matches!(c, Color::Rgb(..))),
        "{colours:?}"
    );
}
