//! Small pieces the panes and overlays share: centring a popup, typing into a list's filter line, and a
//! block whose border shows focus.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::keymap::Action;
use super::theme::Palette;

/// A `width` x `height` rectangle in the middle of `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// Draws a list's filter line (`/ text▏`) at the top of `area` while it is typed or set; the rest of `area`.
pub fn draw_filter_line(
    frame: &mut Frame,
    area: Rect,
    filter: &str,
    filtering: bool,
    palette: &Palette,
) -> Rect {
    if !filtering && filter.is_empty() {
        return area;
    }
    let [line, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let cursor = if filtering { "▏" } else { "" };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("/ ", palette.accent),
            Span::raw(filter.to_string()),
            Span::styled(cursor, palette.focus),
        ])),
        line,
    );
    rest
}

/// Moves a list's cursor over `count` rows as a movement action says (a page is ten rows); other actions
/// leave it.
pub fn move_cursor(cursor: &mut usize, count: usize, action: Action) {
    let last = count.saturating_sub(1);
    *cursor = match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (*cursor + 1).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        Action::PageUp => cursor.saturating_sub(10),
        Action::PageDown => (*cursor + 10).min(last),
        _ => *cursor,
    };
}

/// What a key did to a filter line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    /// The text changed: filter again.
    Edited,
    /// Typing ended (Enter, ↑, ↓, Tab); the filter stays.
    Done,
    /// Not a filter key.
    Ignored,
}

/// A key typed into a filter line: characters and Backspace edit it, Esc clears it and stops typing.
pub fn type_into_filter(filter: &mut String, filtering: &mut bool, key: KeyEvent) -> FilterKey {
    match key.code {
        KeyCode::Char(c) => filter.push(c),
        KeyCode::Backspace => {
            filter.pop();
        }
        KeyCode::Esc => {
            *filtering = false;
            filter.clear();
        }
        KeyCode::Enter | KeyCode::Down | KeyCode::Up | KeyCode::Tab => {
            *filtering = false;
            return FilterKey::Done;
        }
        _ => return FilterKey::Ignored,
    }
    FilterKey::Edited
}

/// A bordered block titled `title`, its border in the focus colour when `focused`.
pub fn focus_block<'a>(title: String, focused: bool, palette: &Palette) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            palette.focus
        } else {
            palette.border
        })
        .title(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_keys() {
        let (mut filter, mut filtering) = (String::new(), true);
        let key = |code| KeyEvent::from(code);
        assert_eq!(
            type_into_filter(&mut filter, &mut filtering, key(KeyCode::Char('a'))),
            FilterKey::Edited
        );
        assert_eq!(filter, "a");
        assert_eq!(
            type_into_filter(&mut filter, &mut filtering, key(KeyCode::F(2))),
            FilterKey::Ignored
        );
        assert_eq!(
            type_into_filter(&mut filter, &mut filtering, key(KeyCode::Enter)),
            FilterKey::Done
        );
        assert!(!filtering);
        assert_eq!(filter, "a");
        type_into_filter(&mut filter, &mut filtering, key(KeyCode::Esc));
        assert!(filter.is_empty());
    }

    #[test]
    fn popups_fit_small_areas() {
        let area = Rect::new(0, 0, 80, 24);
        assert_eq!(centered(area, 60, 10), Rect::new(10, 7, 60, 10));
        assert_eq!(centered(area, 100, 40), area);
    }
}
