//! Themes: TOML files (themes/ in the repository, compiled in; more in CONFIG_DIR/themes) with the UI's
//! colours and a syntect theme name, turned into a [`Palette`] for this terminal: truecolor when
//! `COLORTERM` says so, else the nearest of 256 colours; no colour at all under `NO_COLOR`.

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The bundled themes, by name.
pub const BUNDLED: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("ansi16", include_str!("../../themes/ansi16.toml")),
];

/// A theme file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub name: String,
    /// The syntect theme for code.
    pub syntax: String,
    pub colors: BTreeMap<String, String>,
}

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Depth {
    TrueColor,
    Indexed256,
}

impl Depth {
    pub fn from_environment() -> Depth {
        match std::env::var("COLORTERM").as_deref() {
            Ok("truecolor") | Ok("24bit") => Depth::TrueColor,
            _ => Depth::Indexed256,
        }
    }
}

const KEYS: [&str; 14] = [
    "border",
    "focus",
    "selected_fg",
    "selected_bg",
    "accent",
    "dim",
    "toast_fg",
    "toast_bg",
    "error_fg",
    "error_bg",
    "get",
    "post",
    "delete",
    "other_method",
];

impl Theme {
    /// Reads a theme; errors name the file and the line.
    pub fn parse(text: &str, source: &str) -> Result<Theme, String> {
        let theme: Theme = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| crate::config::line_at(text, span.start))
                .map(|line| format!(", line {line}"))
                .unwrap_or_default();
            format!("{source}{line}: {}", e.message())
        })?;
        for key in KEYS {
            let value = theme
                .colors
                .get(key)
                .ok_or_else(|| format!("{source}: colors.{key} is missing"))?;
            parse_color(value, Depth::TrueColor)
                .ok_or_else(|| format!("{source}: colors.{key} = {value:?} is not a colour"))?;
        }
        if let Some(unknown) = theme.colors.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!("{source}: colors.{unknown} is not a theme colour"));
        }
        Ok(theme)
    }

    pub fn bundled(name: &str) -> Option<Theme> {
        let (_, text) = BUNDLED.iter().find(|(n, _)| *n == name)?;
        Theme::parse(text, &format!("themes/{name}.toml")).ok()
    }

    /// The theme called `name`: `CONFIG_DIR/themes/NAME.toml` when there is one (it may replace a bundled
    /// theme), else a bundled theme.
    pub fn find(name: &str, config_dir: Option<&Path>) -> Result<Theme, String> {
        let plain_name = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        let file = config_dir
            .filter(|_| plain_name)
            .map(|dir| dir.join("themes").join(format!("{name}.toml")));
        if let Some(path) = file.as_ref().filter(|p| p.is_file()) {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read it: {e}", path.display()))?;
            return Theme::parse(&text, &path.display().to_string());
        }
        Theme::bundled(name).ok_or_else(|| {
            let names: Vec<&str> = BUNDLED.iter().map(|(n, _)| *n).collect();
            let elsewhere = file
                .map(|p| format!(", nor {}", p.display()))
                .unwrap_or_default();
            format!(
                "no theme named `{name}` (bundled: {}{elsewhere})",
                names.join(", ")
            )
        })
    }

    fn color(&self, key: &str, depth: Depth) -> Color {
        self.colors
            .get(key)
            .and_then(|v| parse_color(v, depth))
            .unwrap_or(Color::Reset)
    }
}

/// A colour: one of the 16 ANSI names, `#rrggbb`, or `ansi:N` (0-255).
pub fn parse_color(text: &str, depth: Depth) -> Option<Color> {
    let text = text.trim().to_ascii_lowercase();
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        let (r, g, b) = (channel(0)?, channel(2)?, channel(4)?);
        return Some(match depth {
            Depth::TrueColor => Color::Rgb(r, g, b),
            Depth::Indexed256 => Color::Indexed(nearest_256(r, g, b)),
        });
    }
    if let Some(index) = text.strip_prefix("ansi:") {
        return index.parse().ok().map(Color::Indexed);
    }
    Some(match text.as_str() {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        "reset" | "default" => Color::Reset,
        _ => return None,
    })
}

/// The nearest colour of the xterm 256-colour cube or grey ramp.
pub(crate) fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const STEPS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let step = |v: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(STEPS[i]) - i32::from(v)).abs())
            .unwrap_or(0) as u8
    };
    let (ri, gi, bi) = (step(r), step(g), step(b));
    let cube = 16 + 36 * ri + 6 * gi + bi;
    let cube_rgb = (STEPS[ri as usize], STEPS[gi as usize], STEPS[bi as usize]);
    let average = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let grey_index = ((average.saturating_sub(8)) / 10).min(23) as u8;
    let grey = 8 + 10 * grey_index;
    let distance = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    if distance((grey, grey, grey)) < distance(cube_rgb) {
        232 + grey_index
    } else {
        cube
    }
}

/// What the environment says about colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColorEnvironment {
    /// `NO_COLOR` is set (and not empty).
    pub no_color: bool,
    /// `MCPOW_THEME`, when set and not empty.
    pub theme: Option<String>,
    pub depth: Depth,
}

impl ColorEnvironment {
    pub fn read() -> Self {
        ColorEnvironment {
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            theme: std::env::var("MCPOW_THEME").ok().filter(|t| !t.is_empty()),
            depth: Depth::from_environment(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    pub border: Style,
    pub focus: Style,
    pub selected: Style,
    pub accent: Style,
    pub dim: Style,
    pub toast: Style,
    pub error: Style,
    pub get: Color,
    pub post: Color,
    pub delete: Color,
    pub other_method: Color,
    /// How code is coloured: the theme's syntect theme at this terminal's depth; `None` under NO_COLOR.
    pub syntax: Option<SyntaxColors>,
}

/// The syntect theme for code (a name from two-face's themes: `base16-ocean.dark`, `InspiredGitHub`, `ansi`
/// for the terminal's 16 colours, ...) and the colour depth its RGB colours are shown at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyntaxColors {
    pub theme: String,
    pub depth: Depth,
}

impl Palette {
    pub fn from_theme(theme: &Theme, depth: Depth) -> Palette {
        let c = |key: &str| theme.color(key, depth);
        Palette {
            border: Style::default().fg(c("border")),
            focus: Style::default().fg(c("focus")),
            selected: Style::default().fg(c("selected_fg")).bg(c("selected_bg")),
            accent: Style::default().fg(c("accent")),
            dim: Style::default().fg(c("dim")),
            toast: Style::default().fg(c("toast_fg")).bg(c("toast_bg")),
            error: Style::default().fg(c("error_fg")).bg(c("error_bg")),
            get: c("get"),
            post: c("post"),
            delete: c("delete"),
            other_method: c("other_method"),
            syntax: Some(SyntaxColors {
                theme: theme.syntax.clone(),
                depth,
            }),
        }
    }

    /// The bundled dark theme.
    pub fn dark() -> Self {
        Theme::bundled("dark").map_or_else(Palette::plain, |t| {
            Palette::from_theme(&t, Depth::from_environment())
        })
    }

    /// No colour at all (NO_COLOR): focus and selection by modifiers only.
    pub fn plain() -> Self {
        Palette {
            border: Style::default(),
            focus: Style::default().add_modifier(Modifier::BOLD),
            selected: Style::default().add_modifier(Modifier::REVERSED),
            accent: Style::default().add_modifier(Modifier::BOLD),
            dim: Style::default(),
            toast: Style::default().add_modifier(Modifier::REVERSED),
            error: Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            get: Color::Reset,
            post: Color::Reset,
            delete: Color::Reset,
            other_method: Color::Reset,
            syntax: None,
        }
    }

    /// The palette for this terminal: none under NO_COLOR, else the theme named by `MCPOW_THEME` (a
    /// bundled name), else dark.
    pub fn from_environment() -> Self {
        Palette::choose(&ColorEnvironment::read(), None, None).0
    }

    /// None under NO_COLOR; else the theme `MCPOW_THEME` names (in `config_dir`'s themes or bundled), else
    /// `configured` (the config file's), else dark. A `MCPOW_THEME` not found is the message returned.
    pub fn choose(
        env: &ColorEnvironment,
        config_dir: Option<&Path>,
        configured: Option<&Theme>,
    ) -> (Palette, Option<String>) {
        if env.no_color {
            return (Palette::plain(), None);
        }
        let (from_env, problem) = match env.theme.as_deref().map(|n| Theme::find(n, config_dir)) {
            Some(Ok(theme)) => (Some(theme), None),
            Some(Err(message)) => (None, Some(format!("MCPOW_THEME: {message}"))),
            None => (None, None),
        };
        let theme = from_env
            .or_else(|| configured.cloned())
            .or_else(|| Theme::bundled("dark"));
        let palette = theme.map_or_else(Palette::plain, |t| Palette::from_theme(&t, env.depth));
        (palette, problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_theme_is_complete() {
        for (name, text) in BUNDLED {
            let theme = Theme::parse(text, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(theme.name, name);
        }
        let ansi = Theme::bundled("ansi16").unwrap();
        for value in ansi.colors.values() {
            assert!(
                !value.starts_with('#') && !value.starts_with("ansi:"),
                "{value}"
            );
        }
    }

    #[test]
    fn colours_by_depth() {
        assert_eq!(
            parse_color("#ff0000", Depth::TrueColor),
            Some(Color::Rgb(255, 0, 0))
        );
        assert_eq!(
            parse_color("#ff0000", Depth::Indexed256),
            Some(Color::Indexed(196))
        );
        assert_eq!(
            parse_color("#808080", Depth::Indexed256),
            Some(Color::Indexed(244))
        );
        assert_eq!(
            parse_color("ansi:42", Depth::TrueColor),
            Some(Color::Indexed(42))
        );
        assert_eq!(parse_color("Cyan", Depth::Indexed256), Some(Color::Cyan));
        assert_eq!(parse_color("#12", Depth::TrueColor), None);
    }

    #[test]
    fn a_bad_theme_names_the_file_and_line() {
        let text = "name = \"x\"\nsyntax = \"y\"\n[colors]\nborder = 12\n";
        let error = Theme::parse(text, "themes/x.toml").unwrap_err();
        assert!(error.starts_with("themes/x.toml, line 4"), "{error}");
        let missing =
            Theme::parse("name = \"x\"\nsyntax = \"y\"\n[colors]\n", "t.toml").unwrap_err();
        assert!(missing.contains("colors.border is missing"), "{missing}");
    }
}
