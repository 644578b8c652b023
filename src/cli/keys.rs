//! `mcpow keys`: every workbench binding with its name (for `[keys]` in config.toml), its keys as the config
//! file writes them (after the config's overrides), where it applies and what it does.

use std::path::Path;
use std::process::ExitCode;

use super::write_stdout;
use crate::config::Config;
use crate::tui::keymap::{Keymap, Scope};

pub fn run(config_dir: &Path) -> ExitCode {
    let (config, mut problems) = Config::load(config_dir);
    let (keymap, key_problems) = config.keymap();
    problems.extend(key_problems);
    // A bad config does not stop the workbench, so it does not fail here either.
    for problem in &problems {
        eprintln!("warning: {problem}");
    }
    write_stdout(&table(&keymap));
    ExitCode::SUCCESS
}

/// Name, keys, where, description: one binding a line, in columns.
pub fn table(keymap: &Keymap) -> String {
    let rows: Vec<[String; 4]> = keymap
        .bindings()
        .iter()
        .map(|b| {
            let keys = b.key_names();
            let keys = if keys.is_empty() {
                "(none)".to_string()
            } else {
                keys.join(" ")
            };
            let scope = match b.scope {
                Scope::Global => "everywhere".to_string(),
                Scope::In(panes) => {
                    let titles: Vec<&str> = panes.iter().map(|p| p.title()).collect();
                    titles.join(",")
                }
            };
            [b.name.to_string(), keys, scope, b.description.to_string()]
        })
        .collect();
    let header = ["NAME", "KEYS", "WHERE", "DESCRIPTION"].map(String::from);
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (i, width) in widths.iter().enumerate() {
            out.push_str(&format!("{:<width$}  ", row[i]));
        }
        out.push_str(&row[3]);
        out.push('\n');
    }
    out
}
