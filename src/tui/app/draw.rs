//! Drawing the workbench: the pane tabs, the focused pane, the status bar with its hints, and the overlays
//! (project switcher, help, command palette, error).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Tabs, Wrap};

use super::App;
use crate::tui::Pane;
use crate::tui::widgets::centered;

impl App {
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
            Pane::Tools => self.tools.draw(frame, body, &self.palette),
            Pane::Generate => self.generate.draw(frame, body, &self.palette),
            Pane::Code => self.code.draw(frame, body, &self.palette),
            Pane::Jobs => self.jobs.draw(frame, body, &self.palette),
            Pane::Tests => self.tests.draw(frame, body, &self.palette),
        }
        self.draw_status(frame, status);
        if let Some(picker) = &self.projects {
            picker.draw(frame, body, &self.palette);
        }
        if let Some(drift) = &self.drift {
            drift.draw(frame, body, &self.palette);
        }
        if self.help {
            self.draw_help(frame, body);
        }
        if let Some(palette) = &self.command_palette {
            palette.draw(frame, body, &self.palette);
        }
        if let Some(message) = &self.error {
            self.draw_error(frame, body, message);
        }
    }

    fn draw_status(&self, frame: &mut Frame, area: Rect) {
        let mut spans = Vec::new();
        if let Some(toast) = &self.toast {
            spans.push(Span::styled(format!(" {toast} "), self.palette.toast));
            spans.push(Span::raw(" "));
        }
        let hints: Vec<(String, String)> = match self.input_hints() {
            Some(hints) => hints
                .into_iter()
                .map(|(key, what)| (key.to_string(), what.to_string()))
                .collect(),
            None => self
                .keymap
                .bindings_for(self.focus)
                .filter(|b| b.hint)
                .map(|b| (b.label.to_string(), short(b.description).to_string()))
                .collect(),
        };
        for (key, what) in hints {
            spans.push(Span::styled(key, self.palette.accent));
            spans.push(Span::styled(format!(" {what}  "), self.palette.dim));
        }
        // The engine in use, on the right (when the line has room for it).
        let engine = format!(" {}", self.generate.engine_status());
        let width = engine.chars().count() as u16;
        let [left, right] = if area.width >= width + 40 {
            Layout::horizontal([Constraint::Min(1), Constraint::Length(width)]).areas(area)
        } else {
            [area, Rect { width: 0, ..area }]
        };
        frame.render_widget(Paragraph::new(Line::from(spans)), left);
        frame.render_widget(
            Paragraph::new(Span::styled(engine, self.palette.dim)),
            right,
        );
    }

    /// The keys of the focused text input, when one takes keys.
    fn input_hints(&self) -> Option<Vec<(&'static str, &'static str)>> {
        match self.focus {
            Pane::Specs if self.specs.filtering => Some(vec![
                ("type", "filter"),
                ("Enter", "done"),
                ("Esc", "clear"),
            ]),
            Pane::Tools => self.tools.input_hints(),
            Pane::Code => self.code.input_hints(),
            Pane::Tests if self.tests.takes_keys() => Some(vec![
                ("type", "the API's base URL"),
                ("Enter", "done"),
                ("Esc", "cancel"),
            ]),
            _ => None,
        }
    }

    fn draw_help(&self, frame: &mut Frame, area: Rect) {
        let bindings: Vec<_> = self.keymap.bindings_for(self.focus).collect();
        // Too many for one column (80x24): two columns of shorter descriptions.
        let columns = if bindings.len() + 2 > area.height as usize && area.width >= 60 {
            2
        } else {
            1
        };
        let line = |b: &&_| -> Line {
            let b: &crate::tui::keymap::KeyBinding = b;
            let description = if columns == 2 {
                short(b.description)
            } else {
                b.description
            };
            Line::from(vec![
                Span::styled(format!("{:<7}", b.label), self.palette.accent),
                Span::raw(description),
            ])
        };
        let per_column = bindings.len().div_ceil(columns);
        let height = (per_column as u16 + 2).min(area.height);
        let width = if columns == 2 { area.width } else { 72 };
        let popup = centered(area, width, height);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(self.palette.focus)
            .title(format!(" Keys · {} (Esc closes) ", self.focus.title()));
        let inner = block.inner(popup);
        frame.render_widget(Clear, popup);
        frame.render_widget(block, popup);
        let areas =
            Layout::horizontal(vec![Constraint::Ratio(1, columns as u32); columns]).split(inner);
        for (chunk, area) in bindings.chunks(per_column.max(1)).zip(areas.iter()) {
            let lines: Vec<Line> = chunk.iter().map(line).collect();
            frame.render_widget(Paragraph::new(lines), *area);
        }
    }

    fn draw_error(&self, frame: &mut Frame, area: Rect, message: &str) {
        // Tall enough for the message wrapped (config problems are several long lines).
        let rows: usize = message.lines().map(|l| l.chars().count() / 50 + 1).sum();
        let popup = centered(area, 60, (rows as u16 + 2).max(7).min(area.height));
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

/// A description up to its first aside (` · `, ` (`, `, `), for the status bar.
fn short(description: &str) -> &str {
    [" · ", " (", ", "]
        .iter()
        .filter_map(|cut| description.find(cut))
        .min()
        .map_or(description, |end| &description[..end])
}
