//! The workbench's state and its two halves: `update` (a message in, whether anything changed out, plus the
//! effects to run as tasks) and `draw`. Nothing here does I/O.

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Tabs, Wrap};

use super::keymap::{self, Action};
use super::specs::{Request, SpecsPane};
use super::theme::Palette;
use super::{Effect, Message, Pane};

pub struct App {
    pub focus: Pane,
    pub specs: SpecsPane,
    pub help: bool,
    pub toast: Option<String>,
    pub error: Option<String>,
    pub quit: bool,
    palette: Palette,
}

impl App {
    pub fn new(project: &str, palette: Palette) -> Self {
        App {
            focus: Pane::Specs,
            specs: SpecsPane::new(project),
            help: false,
            toast: None,
            error: None,
            quit: false,
            palette,
        }
    }

    /// Applies one message; returns whether the screen must be drawn again, and effects to run.
    pub fn update(&mut self, message: Message) -> (bool, Vec<Effect>) {
        match message {
            Message::Input(Event::Key(key)) if key.kind == KeyEventKind::Press => self.key(key),
            Message::Input(Event::Resize(..)) => (true, Vec::new()),
            Message::Input(_) => (false, Vec::new()),
            Message::SpecsListed(Ok(specs)) => {
                let effects = self
                    .specs
                    .set_specs(specs)
                    .map(effect)
                    .into_iter()
                    .collect();
                (true, effects)
            }
            Message::SpecOpened { name, model } => {
                match model {
                    Ok(model) => self.specs.set_opened(name, model),
                    Err(message) => {
                        self.specs.loading = None;
                        self.error = Some(message);
                    }
                }
                (true, Vec::new())
            }
            Message::SpecsListed(Err(message)) | Message::Failed(message) => {
                self.error = Some(message);
                (true, Vec::new())
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        if self.error.is_some() {
            // A modal error takes the next key.
            self.error = None;
            return (true, Vec::new());
        }
        // A focused text input gets keys before the keymap.
        if self.focus == Pane::Specs && self.specs.filtering {
            return (self.specs.type_into_filter(key), Vec::new());
        }
        let Some(action) = keymap::action_for(&key, self.focus) else {
            return (false, Vec::new());
        };
        if self.help {
            self.help = !matches!(action, Action::Back | Action::Help);
            if action == Action::Quit {
                self.quit = true;
            }
            return (true, Vec::new());
        }
        self.toast = None;
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = true,
            Action::NextPane => self.focus = self.focus.next(),
            Action::PreviousPane => self.focus = self.focus.previous(),
            Action::GoTo(pane) => self.focus = pane,
            other if self.focus == Pane::Specs => {
                let (changed, request) = self.specs.act(other);
                return (changed, request.map(effect).into_iter().collect());
            }
            _ => return (false, Vec::new()),
        }
        (true, Vec::new())
    }

    pub fn draw(&self, frame: &mut Frame) {
        let [tabs, body, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        let titles: Vec<String> = Pane::ALL
            .iter()
            .enumerate()
            .map(|(i, pane)| format!("{} {}", i + 1, pane.title()))
            .collect();
        let selected = Pane::ALL.iter().position(|p| *p == self.focus).unwrap_or(0);
        frame.render_widget(
            Tabs::new(titles)
                .select(selected)
                .highlight_style(self.palette.focus.add_modifier(Modifier::BOLD)),
            tabs,
        );
        match self.focus {
            Pane::Specs => self.specs.draw(frame, body, &self.palette),
            other => self.draw_placeholder(frame, body, other),
        }
        self.draw_status(frame, status);
        if self.help {
            self.draw_help(frame, body);
        }
        if let Some(message) = &self.error {
            self.draw_error(frame, body, message);
        }
    }

    fn draw_placeholder(&self, frame: &mut Frame, area: Rect, pane: Pane) {
        let text = match pane {
            Pane::Generate => {
                "Generate: a connector project (Python, TypeScript or Rust) from the open spec, with the embedded or the remote engine. Not built yet."
            }
            Pane::Code => {
                "Code: the generated files with syntax highlighting, and saving them. Not built yet."
            }
            Pane::Tools => {
                "Tools: connect to the spec served live or to any MCP server, fill argument forms, call tools, read stderr and the JSON-RPC frames. Not built yet; `mcpow tools` and `mcpow call` do this from the command line."
            }
            Pane::Jobs => "Jobs: generation and test jobs with their progress. Not built yet.",
            Pane::Specs => "",
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(self.palette.border)
            .title(format!(" {} ", pane.title()));
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
            area,
        );
    }

    fn draw_status(&self, frame: &mut Frame, area: Rect) {
        let mut spans = Vec::new();
        if let Some(toast) = &self.toast {
            spans.push(Span::styled(format!(" {toast} "), self.palette.toast));
            spans.push(Span::raw(" "));
        }
        if self.focus == Pane::Specs && self.specs.filtering {
            spans.push(Span::styled(
                "filter: type · Enter done · Esc clear",
                self.palette.dim,
            ));
        } else {
            for binding in keymap::bindings_for(self.focus).filter(|b| b.hint) {
                spans.push(Span::styled(binding.label, self.palette.accent));
                spans.push(Span::styled(
                    format!(" {}  ", binding.description),
                    self.palette.dim,
                ));
            }
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_help(&self, frame: &mut Frame, area: Rect) {
        let lines: Vec<Line> = keymap::bindings_for(self.focus)
            .map(|b| {
                Line::from(vec![
                    Span::styled(format!("{:<8}", b.label), self.palette.accent),
                    Span::raw(b.description),
                ])
            })
            .collect();
        let height = (lines.len() as u16 + 2).min(area.height);
        let popup = centered(area, 72, height);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(self.palette.focus)
            .title(format!(" Keys · {} (Esc closes) ", self.focus.title()));
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(block), popup);
    }

    fn draw_error(&self, frame: &mut Frame, area: Rect, message: &str) {
        let popup = centered(area, 60, 7.min(area.height));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(self.palette.error)
            .title(" Error (any key closes) ");
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(message.to_string())
                .wrap(Wrap { trim: true })
                .style(Style::default())
                .block(block),
            popup,
        );
    }
}

fn effect(request: Request) -> Effect {
    match request {
        Request::Open(spec) => Effect::OpenSpec(spec),
    }
}

/// A `width` x `height` rectangle in the middle of `area` (clipped to it).
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}
