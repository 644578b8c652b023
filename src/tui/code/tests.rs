//! The Code pane without the loop: highlighting requests run in place, their chunks received in order.

use std::sync::Arc;

use super::tasks::{self, CHUNK, FIRST_CHUNK};
use super::*;
use crate::tui::keymap::Action;
use crate::tui::theme::{Depth, Theme};

fn colour_palette() -> Palette {
    Palette::from_theme(&Theme::bundled("dark").unwrap(), Depth::TrueColor)
}

fn source(files: &[(&str, String)]) -> CodeSource {
    CodeSource {
        title: "clinic".into(),
        language: Language::Typescript,
        files: Arc::new(
            files
                .iter()
                .map(|(path, text)| GeneratedFile::text(path.to_string(), text))
                .collect(),
        ),
        saved_to: None,
    }
}

/// Runs a highlight request to the end, feeding each chunk to the pane; how many chunks there were.
fn run_request(pane: &mut CodePane, outcome: CodeOutcome) -> usize {
    let CodeOutcome::Request(request) = outcome else {
        panic!("no request");
    };
    let mut messages = Vec::new();
    tasks::run(request, &mut |m| {
        messages.push(m);
        true
    });
    let count = messages.len();
    for message in messages {
        pane.receive(message);
    }
    count
}

fn big_file(lines: usize) -> String {
    (0..lines)
        .map(|i| format!("export const value{i}: number = {i}; // line {i}\n"))
        .collect()
}

#[test]
fn highlighting_comes_in_chunks_and_is_cached() {
    let mut pane = CodePane::new(&colour_palette());
    let lines = FIRST_CHUNK + CHUNK + 10;
    let outcome = pane.show(source(&[
        ("src/server.ts", big_file(lines)),
        ("package.json", "{\"name\": \"clinic\"}\n".into()),
    ]));
    assert_eq!(pane.open.as_ref().unwrap().path, "src/server.ts");
    assert!(!pane.fully_highlighted());
    assert_eq!(run_request(&mut pane, outcome), 3);
    let highlight = pane.highlighted().unwrap();
    assert!(highlight.done);
    assert_eq!(highlight.lines.len(), lines);
    assert!(highlight.lines[lines - 1].spans.len() > 2);

    // Another file, then back: the first is cached, nothing to run.
    pane.column = Column::Tree;
    pane.act(Action::Bottom);
    let outcome = pane.act(Action::Open);
    assert_eq!(pane.open.as_ref().unwrap().path, "package.json");
    run_request(&mut pane, outcome);
    pane.column = Column::Tree;
    pane.act(Action::Top); // src/
    pane.act(Action::Down); // src/server.ts
    let outcome = pane.act(Action::Open);
    assert_eq!(pane.open.as_ref().unwrap().path, "src/server.ts");
    assert!(matches!(outcome, CodeOutcome::Changed), "a cache hit");
    assert!(pane.fully_highlighted());
}

#[test]
fn a_file_left_half_highlighted_is_cancelled() {
    let mut pane = CodePane::new(&colour_palette());
    let first = pane.show(source(&[
        ("a.ts", big_file(3000)),
        ("b.ts", "let b = 1;\n".into()),
    ]));
    let CodeOutcome::Request(CodeRequest::Highlight { cancel, .. }) = &first else {
        panic!("no request");
    };
    let cancel = cancel.clone();
    pane.column = Column::Tree;
    pane.act(Action::Down);
    let second = pane.act(Action::Open);
    assert!(cancel.load(std::sync::atomic::Ordering::Relaxed));
    // The cancelled job sends nothing more; its late chunks would be ignored anyway.
    assert_eq!(run_request(&mut pane, first), 0);
    run_request(&mut pane, second);
    assert!(pane.fully_highlighted());
}

#[test]
fn no_colour_means_no_highlighting() {
    let mut pane = CodePane::new(&Palette::plain());
    let outcome = pane.show(source(&[("src/main.ts", big_file(10))]));
    assert!(matches!(outcome, CodeOutcome::Changed));
    assert!(pane.highlighted().is_none());
}

#[test]
fn the_main_file_per_language() {
    let files = |paths: &[&str]| -> Arc<Vec<GeneratedFile>> {
        Arc::new(
            paths
                .iter()
                .map(|p| GeneratedFile::text(p.to_string(), ""))
                .collect(),
        )
    };
    let python = CodeSource {
        title: "x".into(),
        language: Language::Python,
        files: files(&["README.md", "src/x/__init__.py", "src/x/server.py"]),
        saved_to: None,
    };
    assert_eq!(main_file(&python), Some(2));
    let rust = CodeSource {
        language: Language::Rust,
        files: files(&["Cargo.toml", "src/lib.rs", "src/main.rs"]),
        ..python.clone()
    };
    assert_eq!(main_file(&rust), Some(2));
    let other = CodeSource {
        language: Language::Typescript,
        files: files(&["package.json", "test/a.ts"]),
        ..python
    };
    assert_eq!(main_file(&other), Some(1), "the first in the tree: test/");
}

#[test]
fn an_edit_replaces_the_file_until_saved() {
    let mut pane = CodePane::new(&Palette::plain());
    pane.show(source(&[("src/main.ts", "let a = 1;\n".into())]));
    let (text, extension, purpose) = pane.focused_text().unwrap();
    assert_eq!((text.as_str(), extension), ("let a = 1;\n", "ts"));
    pane.file_edited(purpose, "let a = 2;\n".into());
    assert_eq!(pane.modified(), vec![0]);
    assert_eq!(pane.files()[0].contents, b"let a = 2;\n");
    assert_eq!(pane.open.as_ref().unwrap().line(0), "let a = 2;");
    // A stale edit (another project shown since) is dropped.
    pane.show(source(&[("src/main.ts", "x\n".into())]));
    let outcome = pane.file_edited(purpose, "y\n".into());
    assert!(matches!(outcome, CodeOutcome::Toast(_)));
    assert!(pane.modified().is_empty());
}

#[test]
fn a_view_ahead_of_the_exact_pass_gets_a_window_first() {
    let mut pane = CodePane::new(&colour_palette());
    let sequential = pane.show(source(&[("src/server.ts", big_file(5000))]));
    assert!(
        pane.window_request().is_none(),
        "the top comes first anyway"
    );
    pane.act(Action::GoToLine);
    for c in "4000".chars() {
        pane.type_key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(c),
        ));
    }
    pane.type_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Enter,
    ));
    assert_eq!(pane.open.as_ref().unwrap().cursor, 3999);
    let window = pane.window_request().expect("a window around line 4000");
    assert!(pane.window_request().is_none(), "asked once");
    assert_eq!(run_request(&mut pane, CodeOutcome::Request(window)), 1);
    let highlight = pane.highlighted().unwrap();
    assert!(highlight.line(3999).is_some_and(|l| l.spans.len() > 2));
    assert!(highlight.line(10).is_none(), "the exact pass has not run");
    // The exact pass replaces the window.
    run_request(&mut pane, sequential);
    let highlight = pane.highlighted().unwrap();
    assert!(highlight.done && highlight.window.is_none());
    assert!(highlight.line(3999).is_some());
}
