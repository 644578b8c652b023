//! The config file end to end: `mcpow keys` with a temporary `--config-dir`, and the workbench built from it
//! (its keymap, the command palette, a bad config in the error modal).

mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::config::{Config, Settings};
use mcpoverflow::tui::theme::{ColorEnvironment, Depth, Palette};
use mcpoverflow::tui::{App, Message, Pane};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn keys_in(dir: &Path, by_env: bool) -> Output {
    let mut command = common::mcpow();
    command.arg("keys");
    if by_env {
        command.env("MCPOW_CONFIG_DIR", dir);
    } else {
        command
            .arg("--config-dir")
            .arg(dir)
            .env_remove("MCPOW_CONFIG_DIR");
    }
    common::run_bounded(command, None, Duration::from_secs(20))
}

/// The `mcpow keys` row of a binding, split in columns (name, keys..., where, description...).
fn row<'a>(stdout: &'a str, name: &str) -> Vec<&'a str> {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no row for {name} in\n{stdout}"));
    line.split_whitespace().collect()
}

fn config_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), text).unwrap();
    dir
}

#[test]
fn keys_lists_the_overridden_keys() {
    let dir =
        config_dir("theme = \"light\"\n\n[keys]\nquit = [\"ctrl-q\", \"x\"]\nfilter = \"F\"\n");
    let output = keys_in(dir.path(), false);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr, "", "a good config has nothing to say");
    assert_eq!(
        row(&stdout, "quit"),
        ["quit", "ctrl-q", "x", "everywhere", "quit"]
    );
    assert_eq!(row(&stdout, "filter")[..3], ["filter", "F", "Specs,Tools"]);
    // Untouched bindings keep the table's keys.
    assert_eq!(row(&stdout, "help")[..3], ["help", "?", "everywhere"]);
    assert_eq!(row(&stdout, "palette")[..3], ["palette", ":", "ctrl-p"]);
    assert_eq!(
        row(&stdout, "NAME"),
        ["NAME", "KEYS", "WHERE", "DESCRIPTION"]
    );

    // MCPOW_CONFIG_DIR finds the same file.
    let by_env = keys_in(dir.path(), true);
    assert_eq!(String::from_utf8_lossy(&by_env.stdout), stdout);
}

#[test]
fn a_bad_config_is_reported_by_line_and_defaults_are_used() {
    let dir =
        config_dir("theme = \"light\"\n[keys]\nquitt = \"x\"\nhelp = 5\nfilter = \"ctrl-f\"\n");
    let output = keys_in(dir.path(), false);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "a bad config stops nothing: {stderr}"
    );
    let file = dir.path().join("config.toml").display().to_string();
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert_eq!(
        warnings[0],
        format!(
            "warning: {file}, line 3: keys.quitt: there is no binding named `quitt` (`mcpow keys` lists them)"
        )
    );
    assert!(
        warnings[1].starts_with(&format!("warning: {file}, line 4: keys.help must be a key")),
        "{stderr}"
    );
    assert_eq!(row(&stdout, "help")[..2], ["help", "?"]);
    assert_eq!(row(&stdout, "quit")[..2], ["quit", "q"]);
    assert_eq!(row(&stdout, "filter")[..2], ["filter", "ctrl-f"]);

    // A syntax error names its line too.
    let dir = config_dir("[keys]\nquit = \"q\"\nhelp = [\"h\"\n");
    let output = keys_in(dir.path(), false);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("config.toml, line 3: "), "{stderr}");
    assert!(output.status.success());
}

fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    let key = KeyEvent::new(code, modifiers);
    app.update(Message::Input(Event::Key(key)));
}

/// The settings `tui::run` would start with (the colour environment fixed, not read).
fn settings(dir: &Path) -> Settings {
    let (config, problems) = Config::load(dir);
    let env = ColorEnvironment {
        no_color: false,
        theme: None,
        depth: Depth::TrueColor,
    };
    Settings::from_config(&config, problems, &env)
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| app.draw(frame)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn the_workbench_uses_the_configs_keys_and_palette() {
    let dir = config_dir("[keys]\nquit = \"ctrl-q\"\npalette = \"ctrl-k\"\n");
    let settings = settings(dir.path());
    assert!(settings.problems.is_empty(), "{:?}", settings.problems);
    let mut app = App::new("demo", Palette::plain()).with_keymap(settings.keymap);
    // The status bar's hints show the new keys (after the Jobs pane's own: a wide terminal shows them all).
    press(&mut app, KeyCode::Char('5'), KeyModifiers::NONE);
    let mut terminal = Terminal::new(TestBackend::new(200, 24)).unwrap();
    terminal.draw(|frame| app.draw(frame)).unwrap();
    let shown = terminal.backend().to_string();
    assert!(shown.contains("C-q quit"), "{shown}");
    assert!(shown.contains("C-k command palette"), "{shown}");
    press(&mut app, KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(!app.quit, "q is no longer quit");

    // The palette: open, filter, Enter runs the action.
    press(&mut app, KeyCode::Char('k'), KeyModifiers::CONTROL);
    assert!(app.command_palette.is_some());
    for c in "code pane".chars() {
        press(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let shown = screen(&app);
    assert!(shown.contains("Commands · Jobs"), "{shown}");
    assert!(shown.contains("> code pane"), "{shown}");
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(app.command_palette.is_none());
    assert_eq!(app.focus, Pane::Code);
    // Esc closes it without running anything.
    press(&mut app, KeyCode::Char('k'), KeyModifiers::CONTROL);
    press(&mut app, KeyCode::Char('4'), KeyModifiers::NONE);
    press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert!(app.command_palette.is_none());
    assert_eq!(app.focus, Pane::Code);
    press(&mut app, KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert!(app.quit);
}

#[test]
fn a_bad_config_opens_the_error_modal() {
    let dir = config_dir("theme = \"nosuch\"\n[keys]\nquitt = \"x\"\n");
    let settings = settings(dir.path());
    assert_eq!(settings.problems.len(), 2, "{:?}", settings.problems);
    // What tui::run does with them.
    let mut app = App::new("demo", settings.palette).with_keymap(settings.keymap);
    app.error = Some(settings.problems.join("\n"));
    let shown = screen(&app);
    assert!(shown.contains("Error"), "{shown}");
    // Both messages fit (the modal grows with them).
    assert!(shown.contains("nosuch"), "{shown}");
    assert!(shown.contains("keys.quitt"), "{shown}");
    press(&mut app, KeyCode::Char('x'), KeyModifiers::NONE);
    assert!(app.error.is_none());
}
