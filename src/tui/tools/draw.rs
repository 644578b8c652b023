//! Drawing the Tools pane: the server line, the list, the form and the output views. Nothing here
//! changes state; capture views copy only the lines that fit.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use super::output::Tone;
use super::{Column, FormTarget, Server, ToolsPane, View};
use crate::mcp::ListKind;
use crate::mcp::render::stderr_line;
use crate::mcp::{Direction, Frame as RpcFrame};
use crate::tui::theme::Palette;
use crate::tui::widgets::draw_filter_line;

impl ToolsPane {
    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let [header, body] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(3)]).areas(area);
        self.draw_header(frame, header, palette);
        let list_width = if area.width >= 120 { 36 } else { 26 };
        let [list, right] =
            Layout::horizontal([Constraint::Length(list_width), Constraint::Min(20)]).areas(body);
        self.draw_list(frame, list, palette);
        match &self.form {
            Some(_) => {
                let form_height = (right.height * 9 / 20).max(5);
                let [form, output] =
                    Layout::vertical([Constraint::Length(form_height), Constraint::Min(3)])
                        .areas(right);
                self.draw_form(frame, form, palette);
                self.draw_output(frame, output, palette);
            }
            None => self.draw_output(frame, right, palette),
        }
        if let Some(picker) = &self.picker {
            picker.draw(frame, area, palette);
        }
    }

    fn draw_header(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let lines = match &self.server {
            Server::None => vec![
                Line::from(vec![
                    Span::styled("○ not connected", palette.dim),
                    Span::raw("  press "),
                    Span::styled("c", palette.accent),
                    Span::raw(
                        " to serve the open spec against the mock, or pick a profile, command or URL",
                    ),
                ]),
                Line::default(),
            ],
            Server::Connecting { label, since } => vec![
                Line::from(vec![
                    Span::styled("◌ connecting to ", palette.accent),
                    Span::raw(label.as_str()),
                    Span::styled(
                        format!("  {:.1} s", since.elapsed().as_secs_f64()),
                        palette.dim,
                    ),
                ]),
                Line::default(),
            ],
            Server::Live(live) => {
                let connection = live.session.connection();
                let (status, style) = match connection.end_reason() {
                    None => ("● ".to_string(), palette.accent),
                    Some(reason) => (format!("✗ ended: {reason} · "), palette.error),
                };
                let summary = connection.summary();
                let mut first = vec![
                    Span::styled(status, style),
                    Span::styled(
                        live.label.as_str(),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                ];
                let mut second = Vec::new();
                if let Some(summary) = summary {
                    if let Some(info) = &summary.info {
                        first.push(Span::styled(
                            format!("  {} {}", info.name, info.version),
                            palette.dim,
                        ));
                    }
                    first.push(Span::styled(
                        format!("  MCP {}", summary.protocol_version),
                        palette.dim,
                    ));
                    let capabilities = &summary.peer.capabilities;
                    let names: Vec<&str> = [
                        ("tools", capabilities.tools.is_some()),
                        ("resources", capabilities.resources.is_some()),
                        ("prompts", capabilities.prompts.is_some()),
                        ("logging", capabilities.logging.is_some()),
                        ("completions", capabilities.completions.is_some()),
                    ]
                    .into_iter()
                    .filter_map(|(name, has)| has.then_some(name))
                    .collect();
                    second.push(Span::styled(
                        format!("  capabilities: {}", names.join(" ")),
                        palette.dim,
                    ));
                    if let Some(instructions) = &summary.instructions {
                        let line = instructions.lines().next().unwrap_or("");
                        second.push(Span::styled(format!(" · {line}"), palette.dim));
                    }
                }
                vec![Line::from(first), Line::from(second)]
            }
        };
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn draw_list(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let labels = self.item_labels();
        let kind = match self.list {
            ListKind::Tools => "Tools",
            ListKind::Resources => "Resources",
            ListKind::Prompts => "Prompts",
        };
        let count = if self.filter.is_empty() {
            format!("{}", labels.len())
        } else {
            format!("{} of {}", self.visible().len(), labels.len())
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(border(self.column == Column::List, palette))
            .title(format!(" {kind} ({count}) · s switches "));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let rows = draw_filter_line(frame, inner, &self.filter, self.filtering, palette);
        if self.live().is_none() {
            frame.render_widget(Paragraph::new("c connects").style(palette.dim), rows);
            return;
        }
        let items: Vec<ListItem> = self
            .visible()
            .iter()
            .map(|&i| {
                let (name, about) = &labels[i];
                ListItem::new(Line::from(vec![
                    Span::raw(name.as_str()),
                    Span::styled(format!("  {about}"), palette.dim),
                ]))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(self.cursor()));
        frame.render_stateful_widget(
            List::new(items)
                .highlight_style(palette.selected)
                .highlight_symbol("› "),
            rows,
            &mut state,
        );
    }

    fn draw_form(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let Some((target, form)) = &self.form else {
            return;
        };
        let (what, name) = match target {
            FormTarget::Tool(name) => ("Arguments", name),
            FormTarget::Prompt(name) => ("Prompt arguments", name),
        };
        let focused = self.column == Column::Form;
        let hint = if focused {
            " · Enter calls · Esc leaves"
        } else {
            ""
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(border(focused, palette))
            .title(format!(" {what} · {name}{hint} "));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        form.draw(frame, inner, palette, focused);
    }

    fn draw_output(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let capture = self.live().map(|live| live.session.capture().clone());
        let (frames, stderr) = capture.as_ref().map(|c| c.counts()).unwrap_or_default();
        let mut title = vec![Span::raw(" ")];
        for view in View::ALL {
            let label = match view {
                View::Stderr => format!("{} {stderr}", view.title()),
                View::Frames => format!("{} {frames}", view.title()),
                View::History => format!("{} {}", view.title(), self.history.len()),
                View::Result => view.title().to_string(),
            };
            let style = if view == self.view {
                palette.focus.add_modifier(Modifier::BOLD)
            } else {
                palette.dim
            };
            title.push(Span::styled(label, style));
            title.push(Span::styled(" │ ", palette.dim));
        }
        title.pop();
        title.push(Span::styled(" ([ ] switch) ", palette.dim));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(border(self.column == Column::Output, palette))
            .title(Line::from(title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let height = inner.height as usize;
        let lines: Vec<Line> = match self.view {
            View::Result => self.result_lines(height, palette),
            View::Stderr => match &capture {
                Some(capture) => tail(
                    capture
                        .last_stderr(height + self.scroll)
                        .iter()
                        .map(|l| Line::raw(stderr_line(l)))
                        .collect(),
                    height,
                ),
                None => vec![Line::styled("no server", palette.dim)],
            },
            View::Frames => match &capture {
                Some(capture) => tail(
                    capture
                        .last_frames(height + self.scroll)
                        .iter()
                        .map(|f| frame_summary(f, palette))
                        .collect(),
                    height,
                ),
                None => vec![Line::styled("no server", palette.dim)],
            },
            View::History => self.history_lines(height, palette),
        };
        let wrap = matches!(self.view, View::Result);
        let mut paragraph = Paragraph::new(lines);
        if wrap {
            paragraph = paragraph.wrap(Wrap { trim: false });
        }
        frame.render_widget(paragraph, inner);
    }

    fn result_lines(&self, height: usize, palette: &Palette) -> Vec<Line<'_>> {
        let mut lines = Vec::new();
        if let Some(running) = &self.running {
            let mut status = format!(
                "{}… {:.1} s",
                running.what,
                running.since.elapsed().as_secs_f64()
            );
            if let Some((progress, total, message)) = &running.progress {
                match total {
                    Some(total) => status.push_str(&format!(" · {progress}/{total}")),
                    None => status.push_str(&format!(" · {progress}")),
                }
                if let Some(message) = message {
                    status.push_str(&format!(" · {message}"));
                }
            }
            lines.push(Line::styled(status, palette.accent));
            lines.push(Line::styled("Ctrl-C cancels", palette.dim));
            return lines;
        }
        let Some(output) = &self.output else {
            return vec![Line::styled(
                "Choose a tool (Enter), fill its form, and Enter calls it.",
                palette.dim,
            )];
        };
        let start = self.scroll.min(output.lines.len().saturating_sub(1));
        for line in output.lines.iter().skip(start).take(height) {
            lines.push(Line::from(
                line.iter()
                    .map(|(tone, text)| Span::styled(text.as_str(), tone_style(*tone, palette)))
                    .collect::<Vec<_>>(),
            ));
        }
        lines
    }

    fn history_lines(&self, height: usize, palette: &Palette) -> Vec<Line<'_>> {
        if self.history.is_empty() {
            return vec![Line::styled("no calls yet", palette.dim)];
        }
        let first = self
            .history_cursor()
            .saturating_sub(height.saturating_sub(1));
        self.history
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, record)| {
                let (mark, style) = if record.is_error {
                    ("✗", palette.error)
                } else {
                    ("✓", palette.accent)
                };
                let arguments = serde_json::Value::Object(record.arguments.clone()).to_string();
                let mut line = Line::from(vec![
                    Span::styled(format!("{mark} "), style),
                    Span::raw(format!("{} ", record.tool)),
                    Span::styled(format!("{:>6} ms ", record.duration_ms), palette.dim),
                    Span::styled(arguments, palette.dim),
                    Span::styled(format!("  {}", record.server), palette.dim),
                ]);
                if i == self.history_cursor() && self.column == Column::Output {
                    line = line.style(palette.selected);
                }
                line
            })
            .collect()
    }
}

/// `0.015s → tools/call #2` (or `← result #2`), then the frame's JSON: what a frame is, readable even
/// where the JSON is cut off by the width.
fn frame_summary(frame: &RpcFrame, palette: &Palette) -> Line<'static> {
    let head = &frame.text[..floor_boundary(&frame.text, 300)];
    let field = |name: &str| {
        let key = format!("\"{name}\":");
        let start = head.find(&key)? + key.len();
        let rest = head[start..].trim_start();
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        Some(rest[..end].trim_matches('"').to_string())
    };
    let id = field("id").map(|id| format!(" #{id}")).unwrap_or_default();
    let what = match field("method") {
        Some(method) => format!("{method}{id}"),
        None if head.contains("\"error\":") => format!("error{id}"),
        None => format!("result{id}"),
    };
    let (arrow, style) = match frame.direction {
        Direction::Out => ("→", palette.accent),
        Direction::In => ("←", Style::default()),
    };
    let cut = frame
        .cut_from
        .map(|total| format!(" ({total} bytes in all)"))
        .unwrap_or_default();
    Line::from(vec![
        Span::styled(format!("{:>8.3}s ", frame.at.as_secs_f64()), palette.dim),
        Span::styled(format!("{arrow} {what:<24} "), style),
        Span::styled(format!("{}{cut}", head), palette.dim),
    ])
}

fn floor_boundary(text: &str, limit: usize) -> usize {
    let mut end = limit.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// The first `height` of the last `height + scroll` lines: the view scrolled up by `scroll` from the end.
fn tail(lines: Vec<Line<'static>>, height: usize) -> Vec<Line<'static>> {
    lines.into_iter().take(height).collect()
}

fn border(focused: bool, palette: &Palette) -> Style {
    if focused {
        palette.focus
    } else {
        palette.border
    }
}

pub fn tone_style(tone: Tone, palette: &Palette) -> Style {
    match tone {
        Tone::Plain => Style::default(),
        Tone::Heading => Style::default().add_modifier(Modifier::BOLD),
        Tone::Dim => palette.dim,
        Tone::Problem => palette.error,
        Tone::Key => palette.accent,
        Tone::Text => Style::default().fg(palette.get),
        Tone::Number => Style::default().fg(palette.post),
        Tone::Literal => Style::default().fg(palette.other_method),
    }
}
