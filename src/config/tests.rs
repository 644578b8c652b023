use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::tui::Pane;
use crate::tui::keymap::Action;
use crate::tui::theme::Depth;

fn parse(text: &str) -> (Config, Vec<String>) {
    Config::parse(text, Path::new("/nowhere"), "config.toml")
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn env(theme: Option<&str>) -> ColorEnvironment {
    ColorEnvironment {
        no_color: false,
        theme: theme.map(str::to_string),
        depth: Depth::TrueColor,
    }
}

fn bundled_palette(name: &str) -> Palette {
    Palette::from_theme(&Theme::bundled(name).unwrap(), Depth::TrueColor)
}

/// The bundled dark theme renamed, with one colour changed (so it can be told apart).
fn user_theme(name: &str) -> String {
    let (_, dark) = crate::tui::theme::BUNDLED[0];
    dark.replace("name = \"dark\"", &format!("name = \"{name}\""))
        .replacen("accent = \"", "accent = \"#123456\"\n# was: \"", 1)
}

#[test]
fn a_good_file() {
    let text =
        "# mine\ntheme = \"light\"\n\n[keys]\nquit = [\"q\", \"ctrl-q\"]\nfilter = \"ctrl-f\"\n";
    let (config, problems) = parse(text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        config.theme.as_ref().map(|t| t.name.as_str()),
        Some("light")
    );
    let names: Vec<(&str, usize)> = config
        .keys
        .iter()
        .map(|o| (o.name.as_str(), o.line))
        .collect();
    assert_eq!(names, vec![("quit", 5), ("filter", 6)]);
    let (keymap, problems) = config.keymap();
    assert!(problems.is_empty(), "{problems:?}");
    let ctrl_q = press(KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert_eq!(keymap.action_for(&ctrl_q, Pane::Jobs), Some(Action::Quit));
    let ctrl_f = press(KeyCode::Char('f'), KeyModifiers::CONTROL);
    assert_eq!(
        keymap.action_for(&ctrl_f, Pane::Specs),
        Some(Action::Filter)
    );
    let slash = press(KeyCode::Char('/'), KeyModifiers::NONE);
    assert_eq!(keymap.action_for(&slash, Pane::Specs), None);
    assert_eq!(keymap.get("quit").unwrap().label, "q/C-q");
    let (palette, problem) = config.palette(&env(None));
    assert_eq!(problem, None);
    assert_eq!(palette, bundled_palette("light"));
}

#[test]
fn an_empty_or_missing_file_is_the_defaults() {
    let (config, problems) = parse("");
    assert!(problems.is_empty() && config.theme.is_none() && config.keys.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let (config, problems) = Config::load(dir.path());
    assert!(problems.is_empty() && config.keys.is_empty());
    assert_eq!(config.keymap().0, Keymap::default());
    assert_eq!(config.palette(&env(None)).0, bundled_palette("dark"));
}

#[test]
fn each_bad_line_is_named_and_the_rest_still_counts() {
    let text = [
        "theme = \"nosuch\"",   // 1: unknown theme
        "colour = \"red\"",     // 2: unknown setting
        "[keys]",               // 3
        "quitt = \"x\"",        // 4: unknown binding
        "help = \"ctrl-\"",     // 5: not a key
        "filter = 3",           // 6: wrong type
        "top = [\"t\",",        // 7
        "  \"nokey\"]",         // 8: one bad key of a list
        "down = \"x",           // 9: syntax error
        "quit = \"ctrl-q\"",    // 10: fine
        "bottom = [\"ctrl-\"]", // 11: only bad keys
    ]
    .join("\n");
    let (config, problems) = parse(&text);
    let lines: Vec<&str> = problems
        .iter()
        .map(|p| p.split(':').next().unwrap())
        .collect();
    let expected: Vec<String> = [1, 2, 4, 5, 6, 8, 9, 11]
        .iter()
        .map(|l| format!("config.toml, line {l}"))
        .collect();
    assert_eq!(lines, expected, "{problems:#?}");
    assert!(
        problems[0].contains("no theme named `nosuch`"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains("unknown setting `colour`"),
        "{}",
        problems[1]
    );
    assert!(
        problems[2].contains("no binding named `quitt`"),
        "{}",
        problems[2]
    );
    assert!(
        problems[3].contains("`ctrl-` is not a key"),
        "{}",
        problems[3]
    );
    assert!(
        problems[4].contains("keys.filter must be a key or a list"),
        "{}",
        problems[4]
    );
    assert!(
        problems[5].contains("`nokey` is not a key"),
        "{}",
        problems[5]
    );
    assert!(problems[7].contains("keys.bottom"), "{}", problems[7]);
    // What was wrong keeps its default; the rest is used.
    assert!(config.theme.is_none());
    let names: Vec<&str> = config.keys.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, vec!["top", "quit"]);
    let (keymap, _) = config.keymap();
    assert_eq!(keymap.get("top").unwrap().label, "t");
    assert_eq!(keymap.get("help").unwrap().label, "?");
    assert_eq!(keymap.get("down").unwrap().label, "j/↓");
    assert_eq!(keymap.get("bottom").unwrap().label, "G");
    assert_eq!(keymap.get("quit").unwrap().label, "C-q");
}

#[test]
fn a_syntax_error_names_its_line() {
    let (config, problems) = parse("theme = \"light\"\n[keys]\nquit = = \"x\"\nhelp = \"h\"\n");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("config.toml, line 3: "),
        "{problems:?}"
    );
    assert!(config.theme.is_some());
    assert_eq!(config.keys.len(), 1);
    assert_eq!(config.keys[0].name, "help");

    let (_, problems) = parse("theme = 3\nkeys = \"q\"\n");
    assert!(problems[0].starts_with("config.toml, line 1: theme must be a string"));
    assert!(problems[1].starts_with("config.toml, line 2: keys must be a table"));
}

#[test]
fn a_shared_key_names_the_override_line() {
    let (config, problems) = parse("[keys]\n\nquit = \"j\"\n");
    assert!(problems.is_empty());
    let (_, problems) = config.keymap();
    assert_eq!(
        problems,
        vec![
            "config.toml, line 3: `j` is bound to both quit and down everywhere; down wins"
                .to_string()
        ]
    );
}

#[test]
fn user_themes_come_from_the_config_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    std::fs::write(dir.path().join("themes/mine.toml"), user_theme("mine")).unwrap();
    std::fs::write(dir.path().join("config.toml"), "theme = \"mine\"\n").unwrap();
    let (config, problems) = Config::load(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(config.theme.as_ref().unwrap().name, "mine");
    let (palette, _) = config.palette(&env(None));
    assert_eq!(
        palette.accent.fg,
        Some(ratatui::style::Color::Rgb(0x12, 0x34, 0x56))
    );

    // A broken user theme: the message names the theme file and its line.
    std::fs::write(
        dir.path().join("themes/broken.toml"),
        "name = \"broken\"\nsyntax = \"x\"\n[colors]\nborder = 12\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("config.toml"), "\ntheme = \"broken\"\n").unwrap();
    let (config, problems) = Config::load(dir.path());
    assert!(config.theme.is_none());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let file = dir.path().join("config.toml").display().to_string();
    let theme_file = dir.path().join("themes/broken.toml").display().to_string();
    assert!(
        problems[0].starts_with(&format!("{file}, line 2: theme: ")),
        "{problems:?}"
    );
    assert!(
        problems[0].contains(&format!("{theme_file}, line 4")),
        "{problems:?}"
    );
}

#[test]
fn the_environment_wins_over_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    std::fs::write(dir.path().join("themes/mine.toml"), user_theme("mine")).unwrap();
    let (config, _) = Config::parse("theme = \"light\"\n", dir.path(), "config.toml");
    let (palette, problem) = config.palette(&env(Some("ansi16")));
    assert_eq!((palette, problem), (bundled_palette("ansi16"), None));
    // MCPOW_THEME finds user themes too.
    let (palette, _) = config.palette(&env(Some("mine")));
    assert_eq!(
        palette.accent.fg,
        Some(ratatui::style::Color::Rgb(0x12, 0x34, 0x56))
    );
    // An unknown one is reported and the file's theme used.
    let (palette, problem) = config.palette(&env(Some("nosuch")));
    assert_eq!(palette, bundled_palette("light"));
    assert!(
        problem
            .unwrap()
            .starts_with("MCPOW_THEME: no theme named `nosuch`")
    );
    // NO_COLOR beats both.
    let plain = ColorEnvironment {
        no_color: true,
        ..env(Some("light"))
    };
    assert_eq!(config.palette(&plain).0, Palette::plain());
}

#[test]
fn settings_gather_every_problem() {
    let (config, problems) = parse("theme = \"nosuch\"\n[keys]\nhelp = \"q\"\n");
    let settings = Settings::from_config(&config, problems, &env(Some("gone")));
    assert_eq!(settings.problems.len(), 3, "{:?}", settings.problems);
    assert!(settings.problems[0].starts_with("config.toml, line 1: theme:"));
    assert!(
        settings.problems[1].starts_with("config.toml, line 3: `q` is bound to both help and quit")
    );
    assert!(settings.problems[2].starts_with("MCPOW_THEME: "));
    let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(
        settings.keymap.action_for(&q, Pane::Code),
        Some(Action::Help)
    );
    assert_eq!(settings.palette, bundled_palette("dark"));
}

#[test]
fn the_config_dir() {
    let dir = |m: Option<&str>, x: Option<&str>, h: Option<&str>| {
        config_dir_from(m.map(Into::into), x.map(Into::into), h.map(Into::into))
    };
    assert_eq!(dir(Some("/c"), Some("/x"), Some("/h")), PathBuf::from("/c"));
    assert_eq!(
        dir(Some(""), Some("/x"), Some("/h")),
        PathBuf::from("/x/mcpow")
    );
    assert_eq!(
        dir(None, None, Some("/h")),
        PathBuf::from("/h/.config/mcpow")
    );
    assert_eq!(line_at("a\nb\nc", 0), 1);
    assert_eq!(line_at("a\nb\nc", 2), 2);
    assert_eq!(line_at("a\nb\nc", 99), 3);
}

#[test]
fn the_engine_table_is_read_and_a_key_in_it_is_refused() {
    let text = "[engine]\nurl = \"http://127.0.0.1:3001/\"\napi_key_env = \"TEAM_KEY\"\n\
                timeout_ms = 0x10\nretry_count = 0\npoll_interval_ms = 250\njobs = 3\n";
    let (config, problems) = parse(text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        config.engine.remote.url.as_deref(),
        Some("http://127.0.0.1:3001")
    );
    assert_eq!(
        config.engine.remote.api_key_env.as_deref(),
        Some("TEAM_KEY")
    );
    assert_eq!(config.engine.remote.timeout_ms, Some(16));
    assert_eq!(config.engine.remote.retry_count, Some(0));
    assert_eq!(config.engine.remote.poll_interval_ms, Some(250));
    assert_eq!(config.engine.jobs, Some(3));

    let text = "[engine]\nurl = \"ftp://x\"\napi_key = \"sk-live-1\"\njobs = 0\nspeed = 1\n\
                api_key_env = \"not a name\"\n";
    let (config, problems) = parse(text);
    assert_eq!(config.engine, EngineConfig::default());
    assert_eq!(problems.len(), 5, "{problems:?}");
    assert!(problems[0].starts_with("config.toml, line 2: engine.url: `ftp://x`"));
    assert!(problems[1].starts_with("config.toml, line 3: engine.api_key: a key is not kept"));
    assert!(
        !problems.iter().any(|p| p.contains("sk-live-1")),
        "{problems:?}"
    );
    assert!(problems[2].contains("line 4: engine.jobs: must be a whole number of at least 1"));
    assert!(problems[3].contains("line 5: engine.speed: there is no setting `speed`"));
    assert!(problems[4].contains("line 6: engine.api_key_env"));
}
