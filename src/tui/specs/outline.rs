//! A scrollable outline of rows with a cursor, some rows collapsible nodes: the operation detail and the
//! spec overview are both drawn as one.

use std::cell::Cell;
use std::collections::HashSet;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState};

use super::method_style;
use crate::spec::model::HttpMethod;
use crate::tui::keymap::Action;
use crate::tui::theme::Palette;

/// How a part of a row looks; the palette decides the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Dim,
    Accent,
    Heading,
    Method(HttpMethod),
    Warning,
}

/// A collapsible node: its id and whether it is open now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toggle {
    pub id: String,
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub indent: usize,
    pub toggle: Option<Toggle>,
    pub parts: Vec<(Tone, String)>,
}

impl Row {
    pub fn new(indent: usize, parts: Vec<(Tone, String)>) -> Row {
        Row {
            indent,
            toggle: None,
            parts,
        }
    }

    pub fn blank() -> Row {
        Row::new(0, Vec::new())
    }

    pub fn heading(text: impl Into<String>) -> Row {
        Row::new(0, vec![(Tone::Heading, text.into())])
    }

    /// The cursor stops on every row but the blank ones.
    fn selectable(&self) -> bool {
        !self.parts.is_empty()
    }

    pub fn text(&self) -> String {
        self.parts.iter().map(|(_, text)| text.as_str()).collect()
    }
}

/// The cursor, the scroll position and which nodes the user toggled from their default.
#[derive(Debug, Default)]
pub struct Outline {
    pub cursor: usize,
    offset: Cell<usize>,
    /// The height last drawn, for PageUp/PageDown.
    page: Cell<usize>,
    toggled: HashSet<String>,
    /// A node was just opened: the next draw scrolls its children into view.
    reveal: Cell<bool>,
}

impl Outline {
    /// Whether node `id` is open: its default, unless the user toggled it.
    pub fn is_open(&self, id: &str, by_default: bool) -> bool {
        by_default != self.toggled.contains(id)
    }

    /// Up/Down/Top/Bottom/PageUp/PageDown move; Open toggles the node under the cursor.
    pub fn act(&mut self, action: Action, rows: &[Row]) -> bool {
        let last = rows.len().saturating_sub(1);
        let page = self.page.get().max(1);
        let before = self.cursor;
        match action {
            Action::Up => self.cursor = self.selectable_at(rows, self.cursor, false, 1),
            Action::Down => self.cursor = self.selectable_at(rows, self.cursor, true, 1),
            Action::PageUp => self.cursor = self.selectable_at(rows, self.cursor, false, page),
            Action::PageDown => self.cursor = self.selectable_at(rows, self.cursor, true, page),
            Action::Top => self.cursor = self.selectable_at(rows, 0, true, 0),
            Action::Bottom => self.cursor = self.selectable_at(rows, last, false, 0),
            Action::Open => {
                let Some(toggle) = rows.get(self.cursor).and_then(|r| r.toggle.as_ref()) else {
                    return false;
                };
                if !self.toggled.remove(&toggle.id) {
                    self.toggled.insert(toggle.id.clone());
                }
                self.reveal.set(!toggle.open);
                return true;
            }
            _ => return false,
        }
        self.cursor != before
    }

    /// The selectable row `steps` rows from `from` (0: `from` itself, or the nearest one after it).
    fn selectable_at(&self, rows: &[Row], from: usize, forward: bool, steps: usize) -> usize {
        if rows.is_empty() {
            return 0;
        }
        let last = rows.len() - 1;
        let target = if forward {
            (from + steps).min(last)
        } else {
            from.saturating_sub(steps)
        };
        let found = if forward {
            (target..=last)
                .find(|&i| rows[i].selectable())
                .or_else(|| (0..target).rev().find(|&i| rows[i].selectable()))
        } else {
            (0..=target)
                .rev()
                .find(|&i| rows[i].selectable())
                .or_else(|| (target..=last).find(|&i| rows[i].selectable()))
        };
        found.unwrap_or(from.min(last))
    }

    pub fn reset(&mut self, rows: &[Row]) {
        *self = Outline::default();
        self.cursor = self.selectable_at(rows, 0, true, 0);
    }

    pub fn draw(
        &self,
        frame: &mut Frame,
        area: Rect,
        block: Block,
        rows: &[Row],
        palette: &Palette,
    ) {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let height = usize::from(inner.height);
        self.page.set(height.saturating_sub(1).max(1));
        let cursor = self.cursor.min(rows.len().saturating_sub(1));
        let mut offset = scrolled(self.offset.get(), cursor, height, rows.len());
        if self.reveal.replace(false) {
            // As many of the opened node's descendants as fit, the node itself staying in view.
            let depth = rows.get(cursor).map_or(0, |r| r.indent);
            let end = rows
                .iter()
                .skip(cursor + 1)
                .take_while(|r| r.indent > depth)
                .count()
                + cursor;
            offset = offset.max((end + 1).saturating_sub(height)).min(cursor);
        }
        self.offset.set(offset);
        let items: Vec<ListItem> = rows
            .iter()
            .skip(offset)
            .take(height)
            .map(|row| ListItem::new(line(row, palette)))
            .collect();
        let mut state = ListState::default().with_selected(Some(cursor.saturating_sub(offset)));
        frame.render_stateful_widget(
            List::new(items).highlight_style(palette.selected),
            inner,
            &mut state,
        );
    }
}

/// The first row to show so that `cursor` is in view, moving as little as possible from `offset`.
pub fn scrolled(offset: usize, cursor: usize, height: usize, rows: usize) -> usize {
    if height == 0 {
        return 0;
    }
    let offset = if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    };
    // No empty space below the last row while there are rows above.
    offset.min(rows.saturating_sub(height))
}

fn line<'a>(row: &'a Row, palette: &Palette) -> Line<'a> {
    let mut spans = Vec::with_capacity(row.parts.len() + 1);
    if row.indent > 0 {
        spans.push(Span::raw("  ".repeat(row.indent)));
    }
    for (tone, text) in &row.parts {
        spans.push(Span::styled(text.as_str(), style(*tone, palette)));
    }
    Line::from(spans)
}

pub fn style(tone: Tone, palette: &Palette) -> Style {
    match tone {
        Tone::Plain => Style::default(),
        Tone::Dim => palette.dim,
        Tone::Accent => palette.accent,
        Tone::Heading => Style::default().add_modifier(Modifier::BOLD),
        Tone::Method(method) => method_style(method, palette),
        Tone::Warning => palette.accent.add_modifier(Modifier::BOLD),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        vec![
            Row::heading("Title"),
            Row::blank(),
            Row::new(1, vec![(Tone::Plain, "a".into())]),
            Row::blank(),
            Row::new(1, vec![(Tone::Plain, "b".into())]),
        ]
    }

    #[test]
    fn the_cursor_skips_blank_rows() {
        let rows = rows();
        let mut outline = Outline::default();
        outline.reset(&rows);
        assert_eq!(outline.cursor, 0);
        assert!(outline.act(Action::Down, &rows));
        assert_eq!(outline.cursor, 2);
        outline.act(Action::Down, &rows);
        assert_eq!(outline.cursor, 4);
        assert!(!outline.act(Action::Down, &rows), "the last row stays");
        outline.act(Action::Top, &rows);
        assert_eq!(outline.cursor, 0);
        outline.act(Action::PageDown, &rows);
        assert_eq!(outline.cursor, 2, "the default page is one row");
    }

    #[test]
    fn scrolling_keeps_the_cursor_in_view() {
        assert_eq!(scrolled(0, 3, 5, 20), 0);
        assert_eq!(scrolled(0, 7, 5, 20), 3);
        assert_eq!(scrolled(10, 4, 5, 20), 4);
        assert_eq!(scrolled(18, 19, 5, 20), 15);
        assert_eq!(scrolled(0, 0, 0, 20), 0);
    }
}
