//! The drift overlay: what a new version of a spec changed, tool by tool (breaking tools first, breaking
//! changes first within a tool), and which connectors it made stale. Opened when an added spec becomes a
//! new version, and by `d` in the Specs pane. A modal: j/k and pages scroll, Esc closes.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Palette;
use super::widgets::centered;
use crate::diff::{ToolChanges, ToolStatus};
use crate::store::drift::SpecDrift;

/// How a row is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heading,
    Plain,
    Tool,
    Breaking,
    Change,
    Dim,
}

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftOutcome {
    /// Still open; whether the view moved.
    Stay(bool),
    Close,
}

pub struct DriftView {
    pub drift: SpecDrift,
    rows: Vec<(Kind, String)>,
    offset: usize,
    /// Rows that fit, as last drawn (pages and the end of the scroll follow it).
    page: Cell<usize>,
}

impl DriftView {
    pub fn new(drift: SpecDrift) -> Self {
        let rows = rows(&drift);
        DriftView {
            drift,
            rows,
            offset: 0,
            page: Cell::new(10),
        }
    }

    /// The rows' text, as drawn (tests read it).
    pub fn text(&self) -> Vec<&str> {
        self.rows.iter().map(|(_, text)| text.as_str()).collect()
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DriftOutcome {
        let page = self.page.get().max(1);
        let last = self.rows.len().saturating_sub(page);
        let offset = match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('d') => return DriftOutcome::Close,
            KeyCode::Down | KeyCode::Char('j') => self.offset + 1,
            KeyCode::Up | KeyCode::Char('k') => self.offset.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.offset + page,
            KeyCode::PageUp => self.offset.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => last,
            _ => return DriftOutcome::Stay(false),
        };
        let offset = offset.min(last);
        let moved = offset != self.offset;
        self.offset = offset;
        DriftOutcome::Stay(moved)
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let width = area.width.saturating_sub(4).clamp(20, 110);
        let height = (self.rows.len() as u16 + 2).clamp(5, area.height.saturating_sub(2).max(5));
        let popup = centered(area, width, height);
        let summary = self.drift.diff.summary;
        let title = format!(
            " {} v{} → v{} · {} breaking of {} ",
            self.drift.spec, self.drift.from, self.drift.to, summary.breaking, summary.changes
        );
        let visible = popup.height.saturating_sub(2) as usize;
        self.page.set(visible);
        let offset = self.offset.min(self.rows.len().saturating_sub(visible));
        let position = if self.rows.len() > visible {
            format!(
                " {}-{} of {} · j/k scroll · Esc closes ",
                offset + 1,
                (offset + visible).min(self.rows.len()),
                self.rows.len()
            )
        } else {
            " Esc closes ".to_string()
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.focus)
            .title(title)
            .title_bottom(Line::styled(position, palette.dim).right_aligned());
        let lines: Vec<Line> = self
            .rows
            .iter()
            .skip(offset)
            .take(visible)
            .map(|(kind, text)| {
                let style = match kind {
                    Kind::Heading => palette.accent,
                    Kind::Plain | Kind::Change => ratatui::style::Style::default(),
                    Kind::Tool => palette.focus,
                    Kind::Breaking => palette.error,
                    Kind::Dim => palette.dim,
                };
                Line::from(Span::styled(text.as_str(), style))
            })
            .collect();
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(block), popup);
    }
}

/// The summary, the connectors, then every changed tool: breaking ones first.
fn rows(drift: &SpecDrift) -> Vec<(Kind, String)> {
    let mut rows = Vec::new();
    // The change counts are in the title.
    let s = drift.diff.summary;
    rows.push((
        Kind::Plain,
        format!(
            "{} -> {} tools: {} added, {} removed, {} changed, {} unchanged",
            s.old_tools,
            s.new_tools,
            s.tools_added,
            s.tools_removed,
            s.tools_changed,
            s.tools_unchanged
        ),
    ));
    for connector in &drift.stale {
        rows.push((
            Kind::Breaking,
            format!(
                "connector {} (from v{}) is stale: {} breaking",
                connector.connector,
                connector.spec_version,
                connector.breaking.len()
            ),
        ));
    }
    for connector in &drift.ready {
        rows.push((
            Kind::Dim,
            format!(
                "connector {} (from v{}) still works ({}, none breaking)",
                connector.connector,
                connector.spec_version,
                count(connector.other_changes, "change")
            ),
        ));
    }
    for connector in &drift.unchecked {
        rows.push((
            Kind::Dim,
            format!(
                "connector {} not checked: {}",
                connector.connector, connector.reason
            ),
        ));
    }
    if drift.diff.tools.is_empty() {
        rows.push((Kind::Dim, "No tool changed.".into()));
        return rows;
    }
    let (breaking, other): (Vec<&ToolChanges>, Vec<&ToolChanges>) =
        drift.diff.tools.iter().partition(|t| t.has_breaking());
    for (heading, tools) in [("Breaking", breaking), ("Other changes", other)] {
        if tools.is_empty() {
            continue;
        }
        rows.push((Kind::Plain, String::new()));
        rows.push((
            Kind::Heading,
            format!("{heading} ({})", count(tools.len(), "tool")),
        ));
        for tool in tools {
            tool_rows(tool, &mut rows);
        }
    }
    rows
}

/// `1 tool`, `3 tools`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn tool_rows(tool: &ToolChanges, rows: &mut Vec<(Kind, String)>) {
    match tool.status {
        ToolStatus::Added => rows.push((Kind::Tool, format!("+ {}  added", tool.tool))),
        ToolStatus::Removed => rows.push((Kind::Breaking, format!("- {}  removed", tool.tool))),
        ToolStatus::Changed => {
            rows.push((
                Kind::Tool,
                format!(
                    "~ {}  {}, {} breaking",
                    tool.tool,
                    count(tool.changes.len(), "change"),
                    tool.breaking_count()
                ),
            ));
            let (breaking, other): (Vec<_>, Vec<_>) = tool.changes.iter().partition(|c| c.breaking);
            for change in breaking {
                rows.push((Kind::Breaking, format!("    ✗ {}", change.describe())));
            }
            for change in other {
                rows.push((Kind::Change, format!("    · {}", change.describe())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff_tools;
    use crate::spec::{LoadOptions, load_bytes};
    use crate::tools::{ToolOptions, build_tools};
    use crossterm::event::KeyModifiers;

    fn drift() -> SpecDrift {
        let tools = |bytes: &[u8]| {
            let model = load_bytes("api.yaml", bytes, None, &LoadOptions::default()).unwrap();
            build_tools(&model, &ToolOptions::default())
        };
        let old = tools(include_bytes!("../../tests/fixtures/diff/api-v1.yaml"));
        let new = tools(include_bytes!("../../tests/fixtures/diff/api-v2.yaml"));
        SpecDrift {
            project: "demo".into(),
            spec: "api.yaml".into(),
            from: 1,
            to: 2,
            diff: diff_tools(&old, &new),
            stale: Vec::new(),
            ready: Vec::new(),
            unchecked: Vec::new(),
        }
    }

    #[test]
    fn breaking_tools_and_changes_come_first() {
        let view = DriftView::new(drift());
        let text = view.text();
        let at = |needle: &str| {
            text.iter()
                .position(|t| t.contains(needle))
                .unwrap_or_else(|| panic!("{needle} in {text:#?}"))
        };
        assert!(at("Breaking (2 tools)") < at("- deleteItem  removed"));
        assert!(at("~ listItems") < at("Other changes (1 tool)"));
        assert!(at("Other changes") < at("+ archiveItem  added"));
        assert!(at("✗ argument `cursor` removed") < at("· argument `page` added (optional)"));
    }

    #[test]
    fn keys_scroll_within_the_rows_and_esc_closes() {
        let mut view = DriftView::new(drift());
        view.page.set(3);
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(view.handle_key(key(KeyCode::Up)), DriftOutcome::Stay(false));
        assert_eq!(
            view.handle_key(key(KeyCode::Char('j'))),
            DriftOutcome::Stay(true)
        );
        assert_eq!(view.offset, 1);
        view.handle_key(key(KeyCode::Char('G')));
        assert_eq!(view.offset, view.rows.len() - 3);
        assert_eq!(
            view.handle_key(key(KeyCode::Down)),
            DriftOutcome::Stay(false)
        );
        assert_eq!(view.handle_key(key(KeyCode::Esc)), DriftOutcome::Close);
    }
}
