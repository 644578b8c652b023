//! The config file, `CONFIG_DIR/config.toml`: the theme, key overrides and the engine. A bad file never stops the
//! workbench: what is wrong keeps its default, and each problem becomes a message naming the file and line.
//!
//! ```toml
//! theme = "light"          # bundled (dark, light, ansi16) or CONFIG_DIR/themes/NAME.toml
//! [keys]
//! quit = ["q", "ctrl-q"]   # a binding's name = its keys
//! filter = "ctrl-f"
//! [engine]                 # see [`engine`]
//! url = "http://127.0.0.1:3001"
//! ```

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

mod engine;
pub use engine::EngineConfig;

use crate::tui::keymap::{BINDINGS, Key, Keymap, parse_key};
use crate::tui::theme::{ColorEnvironment, Palette, Theme};

pub const FILE_NAME: &str = "config.toml";

/// `$MCPOW_CONFIG_DIR`, else `$XDG_CONFIG_HOME/mcpow`, else `~/.config/mcpow`.
pub fn default_config_dir() -> PathBuf {
    config_dir_from(
        std::env::var_os("MCPOW_CONFIG_DIR"),
        std::env::var_os("XDG_CONFIG_HOME"),
        std::env::var_os("HOME"),
    )
}

fn config_dir_from(
    mcpow: Option<OsString>,
    xdg: Option<OsString>,
    home: Option<OsString>,
) -> PathBuf {
    if let Some(dir) = mcpow.filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = xdg.filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("mcpow");
    }
    home.map_or_else(|| PathBuf::from("."), PathBuf::from)
        .join(".config/mcpow")
}

/// The line (from 1) of byte `offset` in `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// One `[keys]` entry that was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    pub name: String,
    pub keys: Vec<Key>,
    /// Where it is in the file.
    pub line: usize,
}

/// The config file as read: only what was understood.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub dir: PathBuf,
    /// How messages name the file.
    pub source: String,
    /// The theme the file chose, found and read.
    pub theme: Option<Theme>,
    pub keys: Vec<KeyOverride>,
    pub engine: EngineConfig,
}

impl Config {
    /// Reads `dir/config.toml`; no file is the defaults.
    pub fn load(dir: &Path) -> (Config, Vec<String>) {
        let path = dir.join(FILE_NAME);
        let source = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, dir, &source),
            Err(e) => {
                let config = Config {
                    dir: dir.to_path_buf(),
                    source: source.clone(),
                    ..Config::default()
                };
                let problems = if e.kind() == std::io::ErrorKind::NotFound {
                    Vec::new()
                } else {
                    vec![format!("{source}: cannot read it: {e}")]
                };
                (config, problems)
            }
        }
    }

    /// Reads config text; `dir` is where user themes are looked for, `source` names the file in messages.
    pub fn parse(text: &str, dir: &Path, source: &str) -> (Config, Vec<String>) {
        let mut config = Config {
            dir: dir.to_path_buf(),
            source: source.to_string(),
            ..Config::default()
        };
        let mut reader = Reader {
            text,
            problems: Vec::new(),
            broken: BTreeSet::new(),
        };
        let (document, errors) = DeTable::parse_recoverable(text);
        for error in errors {
            let line = error.span().map_or(1, |s| line_at(text, s.start));
            // One syntax error a line is enough; the parser's recovery may add more.
            if reader.broken.insert(line) {
                reader
                    .problems
                    .push((line, error.message().trim().to_string()));
            }
        }
        for (key, value) in document.get_ref().iter() {
            if !reader.usable(key.span()) || !reader.usable(value.span()) {
                continue;
            }
            let line = line_at(text, key.span().start);
            let name: &str = key.get_ref();
            match (name, value.get_ref()) {
                ("theme", DeValue::String(name)) => match Theme::find(name, Some(dir)) {
                    Ok(theme) => config.theme = Some(theme),
                    Err(message) => reader.problems.push((line, format!("theme: {message}"))),
                },
                ("theme", other) => reader.problems.push((
                    line,
                    format!(
                        "theme must be a string (a theme's name), not {}",
                        other.type_str()
                    ),
                )),
                ("keys", DeValue::Table(table)) => config.keys = reader.keys(table),
                ("keys", other) => reader.problems.push((
                    line,
                    format!("keys must be a table ([keys]), not {}", other.type_str()),
                )),
                ("engine", DeValue::Table(table)) => config.engine = reader.engine(table),
                ("engine", other) => reader.problems.push((
                    line,
                    format!(
                        "engine must be a table ([engine]), not {}",
                        other.type_str()
                    ),
                )),
                (other, _) => reader.problems.push((
                    line,
                    format!(
                        "unknown setting `{other}` (there are `theme`, `[keys]` and `[engine]`)"
                    ),
                )),
            }
        }
        (config, reader.messages(source))
    }

    /// The keymap with this file's overrides; problems (shared keys) name the line of the override.
    pub fn keymap(&self) -> (Keymap, Vec<String>) {
        let overrides: Vec<(String, Vec<Key>)> = self
            .keys
            .iter()
            .map(|o| (o.name.clone(), o.keys.clone()))
            .collect();
        let (keymap, problems) = Keymap::build(&overrides);
        let problems = problems
            .into_iter()
            .map(|(index, message)| {
                let line = self.keys.get(index).map_or(1, |o| o.line);
                format!("{}, line {line}: {message}", self.source)
            })
            .collect();
        (keymap, problems)
    }

    /// The palette: `MCPOW_THEME` wins over the file's theme (see [`Palette::choose`]).
    pub fn palette(&self, env: &ColorEnvironment) -> (Palette, Option<String>) {
        Palette::choose(env, Some(&self.dir), self.theme.as_ref())
    }
}

/// What the workbench starts with: the keymap, the palette, and every problem met on the way.
pub struct Settings {
    pub keymap: Keymap,
    pub palette: Palette,
    pub engine: EngineConfig,
    pub problems: Vec<String>,
}

impl Settings {
    /// Reads `dir/config.toml` and the colour environment.
    pub fn load(dir: &Path) -> Settings {
        let (config, problems) = Config::load(dir);
        Settings::from_config(&config, problems, &ColorEnvironment::read())
    }

    pub fn from_config(
        config: &Config,
        mut problems: Vec<String>,
        env: &ColorEnvironment,
    ) -> Settings {
        let (keymap, key_problems) = config.keymap();
        problems.extend(key_problems);
        let (palette, theme_problem) = config.palette(env);
        problems.extend(theme_problem);
        Settings {
            keymap,
            palette,
            engine: config.engine.clone(),
            problems,
        }
    }
}

/// The state of reading one file: its text, the problems so far (by line) and the lines with syntax errors.
struct Reader<'a> {
    text: &'a str,
    problems: Vec<(usize, String)>,
    broken: BTreeSet<usize>,
}

impl Reader<'_> {
    /// Whether the span's lines are free of syntax errors (the parser's guesses there are not used).
    fn usable(&self, span: Range<usize>) -> bool {
        let lines = line_at(self.text, span.start)..=line_at(self.text, span.end);
        self.broken.range(lines).next().is_none()
    }

    fn keys(&mut self, table: &DeTable) -> Vec<KeyOverride> {
        let mut overrides = Vec::new();
        for (name, value) in table.iter() {
            if !self.usable(name.span()) || !self.usable(value.span()) {
                continue;
            }
            let line = line_at(self.text, name.span().start);
            let name: &str = name.get_ref();
            if !BINDINGS.iter().any(|b| b.name == name) {
                let message = format!(
                    "keys.{name}: there is no binding named `{name}` (`mcpow keys` lists them)"
                );
                self.problems.push((line, message));
                continue;
            }
            let items: Vec<_> = match value.get_ref() {
                DeValue::String(_) => vec![value],
                DeValue::Array(items) => items.iter().collect(),
                other => {
                    let message = format!(
                        "keys.{name} must be a key or a list of keys, not {}",
                        other.type_str()
                    );
                    self.problems.push((line, message));
                    continue;
                }
            };
            let mut keys = Vec::new();
            let mut bad = false;
            for item in &items {
                let at = line_at(self.text, item.span().start);
                let parsed = match item.get_ref() {
                    DeValue::String(text) => parse_key(text),
                    other => Err(format!("a key is a string, not {}", other.type_str())),
                };
                match parsed {
                    Ok(parsed) => keys.extend(parsed),
                    Err(message) => {
                        bad = true;
                        self.problems.push((at, format!("keys.{name}: {message}")));
                    }
                }
            }
            // Only bad keys: the binding keeps its own (an empty list unbinds it).
            if bad && keys.is_empty() {
                continue;
            }
            overrides.push(KeyOverride {
                name: name.to_string(),
                keys,
                line,
            });
        }
        overrides.sort_by_key(|o| o.line);
        overrides
    }

    fn messages(mut self, source: &str) -> Vec<String> {
        self.problems.sort_by_key(|(line, _)| *line);
        self.problems
            .into_iter()
            .map(|(line, message)| format!("{source}, line {line}: {message}"))
            .collect()
    }
}

#[cfg(test)]
mod tests;
