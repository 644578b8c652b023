//! The add-a-spec overlay: a source kind (a path, a document's URL, a running service's URL, pasted text)
//! and its input, one line or (for pasted text) many. It takes every key while open.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use tui_textarea::TextArea;

use crate::spec::SpecSource;
use crate::tui::theme::Palette;
use crate::tui::widgets::centered;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Path,
    Url,
    Service,
    Paste,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Path,
        SourceKind::Url,
        SourceKind::Service,
        SourceKind::Paste,
    ];

    fn title(self) -> &'static str {
        match self {
            SourceKind::Path => "Path",
            SourceKind::Url => "URL",
            SourceKind::Service => "Service",
            SourceKind::Paste => "Paste",
        }
    }

    fn prompt(self) -> &'static str {
        match self {
            SourceKind::Path => " File path ",
            SourceKind::Url => " The document's URL ",
            SourceKind::Service => " The running service's base URL ",
            SourceKind::Paste => " The spec's text ",
        }
    }

    fn help(self) -> &'static str {
        match self {
            SourceKind::Path => {
                "A file on this machine: OpenAPI 3.x, Swagger 2.0, a Postman collection or GraphQL SDL."
            }
            SourceKind::Url => "An http(s) URL that serves the description itself.",
            SourceKind::Service => {
                "A service's base URL (http://localhost:8080): its description is found at /openapi.json, /v3/api-docs and the other usual places."
            }
            SourceKind::Paste => "Paste or type the description (YAML or JSON, or GraphQL SDL).",
        }
    }
}

/// What a key did to the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Still open; whether anything changed.
    Open(bool),
    Cancel,
    Submit(SpecSource),
}

pub struct AddForm {
    pub kind: SourceKind,
    line: TextArea<'static>,
    text: TextArea<'static>,
    /// Why the input cannot be submitted as it is.
    pub problem: Option<String>,
}

impl Default for AddForm {
    fn default() -> Self {
        let mut line = TextArea::default();
        line.set_cursor_line_style(Style::default());
        let mut text = TextArea::default();
        text.set_cursor_line_style(Style::default());
        text.set_hard_tab_indent(true);
        AddForm {
            kind: SourceKind::Path,
            line,
            text,
            problem: None,
        }
    }
}

impl AddForm {
    fn input(&mut self) -> &mut TextArea<'static> {
        if self.kind == SourceKind::Paste {
            &mut self.text
        } else {
            &mut self.line
        }
    }

    /// Pasted text (bracketed paste): whole into the text area; one line into a path or URL.
    pub fn paste(&mut self, text: &str) {
        if self.kind == SourceKind::Paste {
            self.text.insert_str(text);
        } else {
            self.line
                .insert_str(text.lines().next().unwrap_or("").trim());
        }
        self.problem = None;
    }

    fn cycle(&mut self, step: usize) {
        let at = SourceKind::ALL
            .iter()
            .position(|k| *k == self.kind)
            .unwrap_or(0);
        let count = SourceKind::ALL.len();
        self.kind = SourceKind::ALL[(at + step) % count];
        self.problem = None;
    }

    pub fn key(&mut self, key: KeyEvent) -> Outcome {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        let paste = self.kind == SourceKind::Paste;
        match key.code {
            KeyCode::Esc => return Outcome::Cancel,
            KeyCode::Char('c') if control => return Outcome::Cancel,
            // Pasted text may hold tabs: once there is some, Tab is a tab and Shift-Tab changes the kind.
            KeyCode::Tab if paste && !self.text.is_empty() => {
                return Outcome::Open(self.text.insert_tab());
            }
            KeyCode::Tab => self.cycle(1),
            KeyCode::BackTab => self.cycle(SourceKind::ALL.len() - 1),
            KeyCode::Char('s') if control => return self.submit(),
            KeyCode::Enter if !paste || control => return self.submit(),
            // A single line takes no line breaks (Ctrl-M and Ctrl-J would make one).
            KeyCode::Char('m' | 'j') if control && !paste => return self.submit(),
            _ => {
                self.problem = None;
                return Outcome::Open(self.input().input(key));
            }
        }
        Outcome::Open(true)
    }

    /// The source the input describes, or why there is none yet.
    fn submit(&mut self) -> Outcome {
        match self.source() {
            Ok(source) => Outcome::Submit(source),
            Err(problem) => {
                self.problem = Some(problem);
                Outcome::Open(true)
            }
        }
    }

    fn source(&self) -> Result<SpecSource, String> {
        let line = self.line.lines().first().map_or("", |l| l.trim());
        match self.kind {
            SourceKind::Path if line.is_empty() => Err("Type a file's path first.".into()),
            SourceKind::Path => Ok(SpecSource::File(expand_home(line))),
            SourceKind::Url | SourceKind::Service if line.is_empty() => {
                Err("Type a URL first.".into())
            }
            SourceKind::Url if !has_scheme(line) => {
                Err(format!("{line}: a URL starts with http:// or https://"))
            }
            SourceKind::Url => Ok(SpecSource::Url(line.to_string())),
            SourceKind::Service if has_scheme(line) => Ok(SpecSource::Url(line.to_string())),
            SourceKind::Service => Ok(SpecSource::Url(format!("http://{line}"))),
            SourceKind::Paste => {
                let text = self.text.lines().join("\n");
                if text.trim().is_empty() {
                    Err("Paste the spec's text first.".into())
                } else {
                    Ok(SpecSource::Text {
                        name: "pasted text".into(),
                        text,
                    })
                }
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, project: &str, palette: &Palette) {
        let paste = self.kind == SourceKind::Paste;
        let height = if paste {
            area.height.min(20)
        } else {
            10.min(area.height)
        };
        let popup = centered(area, 76, height);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.focus)
            .title(format!(" Add a spec to {project} "));
        let inner = block.inner(popup);
        frame.render_widget(Clear, popup);
        frame.render_widget(block, popup);
        let help_height = if paste { 1 } else { 2 };
        let [kinds, input, help, hint] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(help_height),
            Constraint::Length(1),
        ])
        .areas(inner);

        let mut spans = vec![Span::styled("Source ", palette.dim)];
        for kind in SourceKind::ALL {
            let (text, style) = if kind == self.kind {
                (format!("[{}]", kind.title()), palette.selected)
            } else {
                (format!(" {} ", kind.title()), Style::default())
            };
            spans.push(Span::styled(text, style));
            spans.push(Span::raw(" "));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), kinds);

        let input_block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.accent)
            .title(self.kind.prompt());
        let input_inner = input_block.inner(input);
        frame.render_widget(input_block, input);
        let textarea = if paste { &self.text } else { &self.line };
        frame.render_widget(textarea, input_inner);

        let (text, style) = match &self.problem {
            Some(problem) => (problem.as_str(), palette.error),
            None => (self.kind.help(), palette.dim),
        };
        frame.render_widget(
            Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
            help,
        );
        let (submit, kind) = match (paste, self.text.is_empty()) {
            (false, _) => ("Enter add", " · Tab next kind · Esc cancel"),
            (true, true) => ("Ctrl-S add", " · Tab next kind · Esc cancel"),
            (true, false) => ("Ctrl-S add", " · S-Tab other kind · Esc cancel"),
        };
        let hint_line = Line::from(vec![
            Span::styled(submit, palette.accent.add_modifier(Modifier::BOLD)),
            Span::styled(kind, palette.dim),
        ]);
        frame.render_widget(Paragraph::new(hint_line), hint);
    }
}

fn has_scheme(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

/// `~/x` is under the home directory.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(form: &mut AddForm, code: KeyCode) -> Outcome {
        form.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn type_text(form: &mut AddForm, text: &str) {
        for c in text.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    #[test]
    fn each_kind_makes_its_source() {
        let mut form = AddForm::default();
        assert_eq!(press(&mut form, KeyCode::Enter), Outcome::Open(true));
        assert!(form.problem.is_some(), "an empty path is not submitted");
        type_text(&mut form, "specs/a.yaml");
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            Outcome::Submit(SpecSource::File("specs/a.yaml".into()))
        );
        press(&mut form, KeyCode::Tab);
        assert_eq!(form.kind, SourceKind::Url);
        assert!(matches!(press(&mut form, KeyCode::Enter), Outcome::Open(_)));
        assert!(form.problem.as_deref().unwrap().contains("http://"));
        press(&mut form, KeyCode::Tab);
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            Outcome::Submit(SpecSource::Url("http://specs/a.yaml".into()))
        );
    }

    #[test]
    fn pasted_text_takes_line_breaks_and_submits_with_ctrl_s() {
        let mut form = AddForm::default();
        press(&mut form, KeyCode::BackTab);
        assert_eq!(form.kind, SourceKind::Paste);
        type_text(&mut form, "openapi: 3.1.0");
        press(&mut form, KeyCode::Enter);
        type_text(&mut form, "info: {}");
        press(&mut form, KeyCode::Tab);
        assert_eq!(form.kind, SourceKind::Paste, "Tab in text is a tab");
        let submitted = form.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        assert_eq!(
            submitted,
            Outcome::Submit(SpecSource::Text {
                name: "pasted text".into(),
                text: "openapi: 3.1.0\ninfo: {}\t".into()
            })
        );
        assert_eq!(press(&mut form, KeyCode::Esc), Outcome::Cancel);
    }
}
