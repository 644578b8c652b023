//! Syntax highlighting with syntect and two-face's syntaxes and themes (TypeScript, TOML and Dockerfile
//! among them). The syntax comes from the file's name; the theme from the palette ([`SyntaxColors`]). RGB
//! colours follow the terminal's depth; two-face's `ansi` and `base16` themes (bat's) name the terminal's
//! own 16 colours, so the 16-colour theme stays within them. Under NO_COLOR nothing is highlighted.
//!
//! The syntax and theme sets load once, on first use: call [`Highlighter::new`] off the UI thread.

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, Theme};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use two_face::theme::{EmbeddedLazyThemeSet, EmbeddedThemeName};

use super::theme::{Depth, SyntaxColors, nearest_256};

/// The theme used when the palette names one two-face doesn't have.
pub const FALLBACK_THEME: &str = "base16-ocean.dark";

/// One line's colours: byte ranges of the line (its newline left out), in order, with their styles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StyledLine {
    pub spans: Vec<(u32, u32, Style)>,
}

struct Assets {
    syntaxes: SyntaxSet,
    themes: EmbeddedLazyThemeSet,
}

fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| Assets {
        syntaxes: two_face::syntax::extra_newlines(),
        themes: two_face::theme::extra(),
    })
}

/// Loads the syntax and theme sets now (they load on first use otherwise). Blocking: not on the UI thread.
pub fn preload() {
    assets();
}

/// The syntax for a file, by its extension, else its whole name (`Dockerfile`, `.gitignore`), else plain
/// text.
fn syntax_for<'a>(syntaxes: &'a SyntaxSet, path: &str) -> &'a SyntaxReference {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty());
    extension
        .and_then(|e| syntaxes.find_syntax_by_extension(e))
        .or_else(|| syntaxes.find_syntax_by_extension(name))
        .or_else(|| syntaxes.find_syntax_by_extension(name.trim_start_matches('.')))
        .or_else(|| {
            name.starts_with("Dockerfile")
                .then(|| syntaxes.find_syntax_by_name("Dockerfile"))?
        })
        .unwrap_or_else(|| syntaxes.find_syntax_plain_text())
}

/// The name of the syntax `path` is highlighted with (`TypeScript`, `TOML`, `Plain Text`). Loads the sets on
/// first use: not on the UI thread.
pub fn syntax_name(path: &str) -> &'static str {
    &syntax_for(&assets().syntaxes, path).name
}

/// Two-face's theme called `name` (case aside), else [`FALLBACK_THEME`].
fn theme_named(name: &str) -> (&'static Theme, EmbeddedThemeName) {
    let themes = EmbeddedLazyThemeSet::theme_names();
    let chosen = themes
        .iter()
        .find(|t| t.as_name().eq_ignore_ascii_case(name))
        .or_else(|| themes.iter().find(|t| t.as_name() == FALLBACK_THEME))
        .copied()
        .unwrap_or(EmbeddedThemeName::Base16OceanDark);
    (assets().themes.get(chosen), chosen)
}

/// Highlights one file line by line, in order (syntect's state runs from the first line).
pub struct Highlighter {
    lines: HighlightLines<'static>,
    depth: Depth,
}

impl Highlighter {
    /// For the file at `path`, in `colors`' theme. Loads the sets on first use (blocking).
    pub fn new(path: &str, colors: &SyntaxColors) -> Highlighter {
        let syntax = syntax_for(&assets().syntaxes, path);
        let (theme, _) = theme_named(&colors.theme);
        Highlighter {
            lines: HighlightLines::new(syntax, theme),
            depth: colors.depth,
        }
    }

    /// The next line, with its newline if it has one.
    pub fn line(&mut self, line: &str) -> StyledLine {
        let content = line.trim_end_matches(['\n', '\r']).len() as u32;
        let Ok(regions) = self.lines.highlight_line(line, &assets().syntaxes) else {
            return StyledLine::default();
        };
        let mut spans: Vec<(u32, u32, Style)> = Vec::with_capacity(regions.len());
        let mut at = 0u32;
        for (style, text) in regions {
            let start = at;
            at += text.len() as u32;
            let end = at.min(content);
            if end <= start {
                continue;
            }
            let style = convert(style, self.depth);
            match spans.last_mut() {
                Some(last) if last.2 == style && last.1 == start => last.1 = end,
                _ => spans.push((start, end, style)),
            }
        }
        StyledLine { spans }
    }
}

/// A syntect style as a ratatui one: the foreground and the font style (the theme's background is left to
/// the terminal, as the rest of the workbench does).
fn convert(style: syntect::highlighting::Style, depth: Depth) -> Style {
    let mut out = Style::default();
    if let Some(color) = color(style.foreground, depth) {
        out = out.fg(color);
    }
    let font = style.font_style;
    for (flag, modifier) in [
        (FontStyle::BOLD, Modifier::BOLD),
        (FontStyle::ITALIC, Modifier::ITALIC),
        (FontStyle::UNDERLINE, Modifier::UNDERLINED),
    ] {
        if font.contains(flag) {
            out = out.add_modifier(modifier);
        }
    }
    out
}

/// bat's encoding, which two-face's `ansi` and `base16` themes use: alpha 0 means `r` is a palette index
/// (0-7 the terminal's own colours), alpha 1 the terminal's default colour.
fn color(color: syntect::highlighting::Color, depth: Depth) -> Option<Color> {
    match color.a {
        0 => Some(match color.r {
            0 => Color::Black,
            1 => Color::Red,
            2 => Color::Green,
            3 => Color::Yellow,
            4 => Color::Blue,
            5 => Color::Magenta,
            6 => Color::Cyan,
            7 => Color::Gray,
            n => Color::Indexed(n),
        }),
        1 => None,
        _ => Some(match depth {
            Depth::TrueColor => Color::Rgb(color.r, color.g, color.b),
            Depth::Indexed256 => Color::Indexed(nearest_256(color.r, color.g, color.b)),
        }),
    }
}

/// Every line of `text` highlighted (for tests and the benchmark; the pane highlights in chunks).
pub fn highlight_all(path: &str, text: &str, colors: &SyntaxColors) -> Vec<StyledLine> {
    let mut highlighter = Highlighter::new(path, colors);
    text.split_inclusive('\n')
        .map(|line| highlighter.line(line))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colors(theme: &str) -> SyntaxColors {
        SyntaxColors {
            theme: theme.into(),
            depth: Depth::TrueColor,
        }
    }

    #[test]
    fn syntaxes_by_file_name() {
        for (path, syntax) in [
            ("src/server.ts", "TypeScript"),
            ("package.json", "JSON"),
            ("tsconfig.json", "JSON"),
            ("pyproject.toml", "TOML"),
            ("Cargo.toml", "TOML"),
            ("src/clinic/server.py", "Python"),
            ("src/main.rs", "Rust"),
            ("README.md", "Markdown"),
            ("Dockerfile", "Dockerfile"),
            ("ci.yaml", "YAML"),
            ("notes", "Plain Text"),
        ] {
            assert_eq!(syntax_name(path), syntax, "{path}");
        }
    }

    fn has_colour(lines: &[StyledLine]) -> bool {
        let colours: std::collections::HashSet<_> = lines
            .iter()
            .flat_map(|l| l.spans.iter().filter_map(|s| s.2.fg))
            .collect();
        colours.len() >= 3
    }

    #[test]
    fn typescript_and_toml_are_coloured() {
        let ts = "import { Server } from \"@modelcontextprotocol/sdk\";\n// a comment\nexport const n: number = 42;\n";
        let lines = highlight_all("src/main.ts", ts, &colors("base16-ocean.dark"));
        assert_eq!(lines.len(), 3);
        assert!(has_colour(&lines), "{lines:?}");
        let toml = "[project]\nname = \"clinic\" # the name\nversion = 1\n";
        let lines = highlight_all("pyproject.toml", toml, &colors("InspiredGitHub"));
        assert!(has_colour(&lines), "{lines:?}");
        // Spans stay inside each line, newline left out, in order.
        for (line, styled) in toml.lines().zip(&lines) {
            let mut at = 0;
            for (start, end, _) in &styled.spans {
                assert!(*start >= at && end > start && *end as usize <= line.len());
                at = *end;
            }
        }
    }

    #[test]
    fn the_ansi_theme_uses_only_the_terminals_colours() {
        let py = "def main() -> None:\n    \"\"\"Doc.\"\"\"\n    return print(42)\n";
        let lines = highlight_all("server.py", py, &colors("ansi"));
        assert!(has_colour(&lines), "{lines:?}");
        for span in lines.iter().flat_map(|l| &l.spans) {
            assert!(
                !matches!(span.2.fg, Some(Color::Rgb(..))),
                "{:?} is not one of the 16",
                span.2
            );
        }
        let indexed = highlight_all(
            "server.py",
            py,
            &SyntaxColors {
                theme: "base16-ocean.dark".into(),
                depth: Depth::Indexed256,
            },
        );
        assert!(
            indexed
                .iter()
                .flat_map(|l| &l.spans)
                .all(|s| matches!(s.2.fg, Some(Color::Indexed(_)) | None))
        );
    }

    #[test]
    fn an_unknown_theme_falls_back() {
        let (_, name) = theme_named("no such theme");
        assert_eq!(name.as_name(), FALLBACK_THEME);
        assert_eq!(theme_named("inspiredgithub").1.as_name(), "InspiredGitHub");
    }
}
