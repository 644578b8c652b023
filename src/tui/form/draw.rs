//! Drawing: one line per field (`name* : value  hint or problem`), the selected field's description and
//! choices below it, scrolled so the selection stays in view; or the JSON editor.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde_json::Value;

use super::fields::{Field, Input, Shape};
use super::value::{self, REQUIRED};
use super::{ArgumentForm, Row};
use crate::tui::theme::Palette;

/// Lines of description shown under the selected field.
const DESCRIPTION_LINES: usize = 3;
const SEPARATOR: &str = " : ";

impl ArgumentForm {
    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette, focused: bool) {
        if area.is_empty() {
            return;
        }
        if self.raw.is_some() {
            return self.draw_raw(frame, area, palette, focused);
        }
        if self.fields.is_empty() {
            let mut lines = vec![Line::styled("no arguments", palette.dim)];
            if self.free_form {
                lines.push(Line::styled(
                    "(the tool takes free-form arguments: edit them as raw JSON)",
                    palette.dim,
                ));
            }
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
        let rows = self.rows();
        let mut problems = Vec::new();
        value::collect_fields(&self.fields, "", &mut problems);
        let mut reasons: HashMap<&str, &str> = HashMap::new();
        for problem in &problems {
            reasons.entry(&problem.path).or_insert(&problem.reason);
        }
        let width = usize::from(area.width);
        let label_width = rows
            .iter()
            .map(|r| 2 * r.depth + cells(&r.label) + 1)
            .max()
            .unwrap_or(0)
            .min(width * 2 / 5)
            .max(4);
        let mut lines = Vec::new();
        let mut selection = (0, 0);
        let mut cursor = None;
        for (index, row) in rows.iter().enumerate() {
            let Some(field) = self.field(&row.tree) else {
                continue;
            };
            let selected = index == self.selected;
            let view = RowView {
                row,
                field,
                label_width,
                width,
                problem: reasons.get(row.path.as_str()).copied(),
                selected,
                focused,
                palette,
            };
            let start = lines.len();
            lines.push(view.line(&mut cursor, start));
            if selected {
                lines.extend(details(field, row.depth, width, palette));
                selection = (start, lines.len());
            }
        }
        let top = scrolled(
            self.scroll.get(),
            selection,
            lines.len(),
            area.height.into(),
        );
        self.scroll.set(top);
        frame.render_widget(Paragraph::new(lines).scroll((top as u16, 0)), area);
        if let Some((line, column)) = cursor
            && line >= top
            && line < top + usize::from(area.height)
        {
            let x = area.x + (column as u16).min(area.width - 1);
            frame.set_cursor_position(Position::new(x, area.y + (line - top) as u16));
        }
    }

    fn draw_raw(&self, frame: &mut Frame, area: Rect, palette: &Palette, focused: bool) {
        let Some(editor) = &self.raw else {
            return;
        };
        let [text, status] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        if focused {
            frame.render_widget(editor, text);
        } else {
            let mut editor = editor.clone();
            editor.set_cursor_style(Style::default());
            frame.render_widget(&editor, text);
        }
        let status_line = match &self.raw_error {
            Some(error) => Line::styled(error.clone(), palette.error),
            None => Line::styled("raw JSON arguments", palette.dim),
        };
        frame.render_widget(Paragraph::new(status_line), status);
    }
}

/// The first visible line: the last one if the selection (its row and details) is still in view, else
/// moved just enough to show it.
fn scrolled(top: usize, (start, end): (usize, usize), total: usize, height: usize) -> usize {
    let mut top = top.min(total.saturating_sub(height));
    if start < top {
        top = start;
    }
    if end > top + height {
        top = end.saturating_sub(height).min(start);
    }
    top
}

struct RowView<'a> {
    row: &'a Row,
    field: &'a Field,
    label_width: usize,
    width: usize,
    problem: Option<&'a str>,
    selected: bool,
    focused: bool,
    palette: &'a Palette,
}

impl RowView<'_> {
    /// The row's line; sets `cursor` (line, column) when it is the focused text field.
    fn line(&self, cursor: &mut Option<(usize, usize)>, line_index: usize) -> Line<'static> {
        let palette = self.palette;
        let spec = &self.field.spec;
        let star = spec.required && !spec.name.is_empty();
        let indent = "  ".repeat(self.row.depth);
        let name = clip(
            &format!("{indent}{}", self.row.label),
            self.label_width - usize::from(star),
        );
        let padding = self
            .label_width
            .saturating_sub(cells(&name) + usize::from(star));
        let name_style = if self.selected && !self.focused {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let mut spans = vec![Span::styled(name, name_style)];
        if star {
            spans.push(Span::styled("*", palette.accent));
        }
        spans.push(Span::raw(" ".repeat(padding)));
        // A group has no value of its own: its hint stands in the value column.
        let group = matches!(self.field.input, Input::Group(_));
        let separator = if group { "   " } else { SEPARATOR };
        spans.push(Span::styled(separator, palette.dim));
        let room = self
            .width
            .saturating_sub(self.label_width + separator.len());
        let editing = match &self.field.input {
            Input::Line(line) | Input::Raw(line) if self.selected && self.focused => Some(line),
            _ => None,
        };
        let (value, value_style) = match editing {
            Some(line) => (line.text.clone(), Style::default()),
            None => self.value(),
        };
        let problem = self.problem.filter(|p| *p != REQUIRED);
        let gap = if value.is_empty() && editing.is_none() {
            ""
        } else {
            "  "
        };
        let suffix = match problem {
            Some(problem) => Span::styled(format!(" {problem}"), palette.error),
            None => Span::styled(format!("{gap}{}", self.hint()), palette.dim),
        };
        let value_room = if problem.is_some() && cells(&value) + suffix.width() > room {
            room.saturating_sub(suffix.width()).max(room / 2)
        } else {
            room
        };
        let shown = match editing {
            Some(line) => {
                // A window on the text that holds the cursor (which takes a cell at the end).
                let first = line.cursor.saturating_sub(value_room.saturating_sub(1));
                let column = self.label_width + separator.len() + line.cursor - first;
                *cursor = Some((line_index, column));
                line.text.chars().skip(first).take(value_room).collect()
            }
            None => clip(&value, value_room),
        };
        let used = cells(&shown);
        spans.push(Span::styled(shown, value_style));
        let left = room.saturating_sub(used);
        if left > 1 {
            let text = clip(&suffix.content, left);
            spans.push(Span::styled(text, suffix.style));
        }
        let line = Line::from(spans);
        if self.selected && self.focused {
            line.style(palette.selected)
        } else {
            line
        }
    }

    /// What the value column says, and its style.
    fn value(&self) -> (String, Style) {
        let dim = self.palette.dim;
        let spec = &self.field.spec;
        let empty = || {
            let text = if spec.required && !spec.name.is_empty() {
                "‹required›"
            } else {
                ""
            };
            (text.to_string(), dim)
        };
        match &self.field.input {
            Input::Line(line) | Input::Raw(line) if line.text.is_empty() => empty(),
            Input::Line(line) | Input::Raw(line) => (line.text.clone(), Style::default()),
            Input::Toggle(Some(true)) => ("[x] true".into(), Style::default()),
            Input::Toggle(Some(false)) => ("[ ] false".into(), Style::default()),
            Input::Toggle(None) => ("[ ] unset".into(), dim),
            Input::Choice(index) => {
                let values = match &spec.shape {
                    Shape::Choice(values) => values.as_slice(),
                    _ => &[],
                };
                let (text, style) = match index.and_then(|i| values.get(i)) {
                    Some(value) => (choice_text(value), Style::default()),
                    None if spec.required => ("‹choose›".to_string(), dim),
                    None => ("unset".to_string(), dim),
                };
                if self.selected {
                    (format!("◂ {text} ▸"), style)
                } else {
                    (text, style)
                }
            }
            Input::Group(_) => (String::new(), dim),
            Input::List(items) => match items.len() {
                0 => ("no items".into(), dim),
                1 => ("1 item".into(), Style::default()),
                n => (format!("{n} items"), Style::default()),
            },
        }
    }

    fn hint(&self) -> String {
        let spec = &self.field.spec;
        match (&self.field.input, &spec.shape) {
            (Input::Raw(_), shape) if !matches!(shape, Shape::Raw) => {
                format!("JSON, not a {} (C-u resets)", spec.hint)
            }
            (Input::List(_), _) if self.selected => format!("{} · C-a adds", spec.hint),
            _ => spec.hint.clone(),
        }
    }
}

/// The selected field's choices, description and notes, indented under it.
fn details(field: &Field, depth: usize, width: usize, palette: &Palette) -> Vec<Line<'static>> {
    let indent = 2 * depth + 2;
    let room = width.saturating_sub(indent);
    if room < 8 {
        return Vec::new();
    }
    let pad = || Span::raw(" ".repeat(indent));
    let mut lines = Vec::new();
    if let (Shape::Choice(values), Input::Choice(current)) = (&field.spec.shape, &field.input) {
        // From the current choice on when they do not all fit.
        let texts: Vec<String> = values.iter().map(choice_text).collect();
        let all: usize = texts.iter().map(|t| cells(t) + 3).sum();
        let first = if all > room { current.unwrap_or(0) } else { 0 };
        let mut spans = vec![pad()];
        let mut used = 0;
        if first > 0 {
            spans.push(Span::styled("… ", palette.dim));
            used += 2;
        }
        for (index, text) in texts.iter().enumerate().skip(first) {
            let piece = if index + 1 < texts.len() {
                format!("{text} · ")
            } else {
                text.clone()
            };
            if used + cells(&piece) > room {
                spans.push(Span::styled("…", palette.dim));
                break;
            }
            used += cells(&piece);
            let style = if Some(index) == *current {
                palette.accent
            } else {
                palette.dim
            };
            spans.push(Span::styled(piece, style));
        }
        lines.push(Line::from(spans));
    }
    if let Some(description) = &field.spec.description {
        let wrapped = wrap(description, room);
        let more = wrapped.len() > DESCRIPTION_LINES;
        for (index, text) in wrapped.into_iter().take(DESCRIPTION_LINES).enumerate() {
            let text = if more && index + 1 == DESCRIPTION_LINES {
                format!("{}…", clip(&text, room - 1))
            } else {
                text
            };
            lines.push(Line::from(vec![pad(), Span::styled(text, palette.dim)]));
        }
    }
    if !field.spec.notes.is_empty() {
        let notes = clip(&field.spec.notes.join(" · "), room);
        lines.push(Line::from(vec![pad(), Span::styled(notes, palette.dim)]));
    }
    lines
}

fn choice_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Terminal cells `text` takes.
fn cells(text: &str) -> usize {
    Span::raw(text).width()
}

/// `text` cut to `max` cells, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    if cells(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let width = cells(c.encode_utf8(&mut [0; 4]));
        if used + width + 1 > max {
            break;
        }
        out.push(c);
        used += width;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// Words of `text` in lines of at most `width` cells (a longer word is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && cells(&line) + 1 + cells(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(|l| clip(&l, width)).collect()
}
