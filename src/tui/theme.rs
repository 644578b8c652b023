//! Colours: a palette of styles the panes draw with. Themes as TOML files under themes/ come later; for now
//! a dark palette, and a plain one for NO_COLOR.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone)]
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
}

impl Palette {
    /// The 16-colour dark palette.
    pub fn dark() -> Self {
        Palette {
            border: Style::default().fg(Color::DarkGray),
            focus: Style::default().fg(Color::Cyan),
            selected: Style::default().add_modifier(Modifier::REVERSED),
            accent: Style::default().fg(Color::Yellow),
            dim: Style::default().fg(Color::DarkGray),
            toast: Style::default().fg(Color::Black).bg(Color::Green),
            error: Style::default().fg(Color::White).bg(Color::Red),
            get: Color::Green,
            post: Color::Yellow,
            delete: Color::Red,
            other_method: Color::Magenta,
        }
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
        }
    }

    /// The palette for this terminal: plain when NO_COLOR is set (to anything non-empty).
    pub fn from_environment() -> Self {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            Palette::plain()
        } else {
            Palette::dark()
        }
    }
}
