//! Switching projects: the store's projects with their spec counts, and a new project by name (it is kept
//! once a spec is added to it). A modal: it takes every key while open.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};

use super::theme::Palette;
use super::widgets::centered;

#[derive(Debug, PartialEq, Eq)]
pub enum ProjectOutcome {
    Stay,
    Close,
    Switch(String),
}

#[derive(Default)]
pub struct ProjectPicker {
    /// Name and number of specs.
    projects: Vec<(String, usize)>,
    cursor: usize,
    /// A new project's name being typed.
    new_name: Option<String>,
}

impl ProjectPicker {
    pub fn set_projects(&mut self, projects: Vec<(String, usize)>, current: &str) {
        self.cursor = projects.iter().position(|(n, _)| n == current).unwrap_or(0);
        self.projects = projects;
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> ProjectOutcome {
        if let Some(name) = &mut self.new_name {
            match key.code {
                KeyCode::Esc => self.new_name = None,
                KeyCode::Enter if !name.trim().is_empty() => {
                    return ProjectOutcome::Switch(name.trim().to_string());
                }
                KeyCode::Backspace => {
                    name.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => name.push(c),
                _ => {}
            }
            return ProjectOutcome::Stay;
        }
        // The last row is "New project…".
        let rows = self.projects.len() + 1;
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return ProjectOutcome::Close,
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.cursor = (self.cursor + 1).min(rows - 1),
            KeyCode::Enter => match self.projects.get(self.cursor) {
                Some((name, _)) => return ProjectOutcome::Switch(name.clone()),
                None => self.new_name = Some(String::new()),
            },
            _ => {}
        }
        ProjectOutcome::Stay
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let height = (self.projects.len() as u16 + 3).clamp(5, area.height);
        let popup = centered(area, 60, height);
        frame.render_widget(Clear, popup);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.focus)
            .title(" Projects (Enter switches, Esc closes) ");
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        if let Some(name) = &self.new_name {
            let lines = vec![
                Line::styled(
                    "New project's name (kept once a spec is added):",
                    palette.dim,
                ),
                Line::from(vec![
                    Span::styled("> ", palette.accent),
                    Span::raw(name.as_str()),
                    Span::styled("▏", palette.focus),
                ]),
            ];
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        }
        let mut items: Vec<ListItem> = self
            .projects
            .iter()
            .map(|(name, specs)| {
                ListItem::new(Line::from(vec![
                    Span::raw(name.as_str()),
                    Span::styled(format!("  {specs} specs"), palette.dim),
                ]))
            })
            .collect();
        items.push(ListItem::new(Line::styled("New project…", palette.dim)));
        let mut state = ListState::default().with_selected(Some(self.cursor));
        frame.render_stateful_widget(
            List::new(items)
                .highlight_style(palette.selected)
                .highlight_symbol("› "),
            inner,
            &mut state,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(picker: &mut ProjectPicker, code: KeyCode) -> ProjectOutcome {
        picker.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn switching_to_a_listed_or_a_new_project() {
        let mut picker = ProjectPicker::default();
        picker.set_projects(vec![("github".into(), 1), ("sample".into(), 5)], "sample");
        press(&mut picker, KeyCode::Up);
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            ProjectOutcome::Switch("github".into())
        );
        press(&mut picker, KeyCode::Down);
        press(&mut picker, KeyCode::Down);
        assert_eq!(press(&mut picker, KeyCode::Enter), ProjectOutcome::Stay);
        for c in "billing".chars() {
            press(&mut picker, KeyCode::Char(c));
        }
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            ProjectOutcome::Switch("billing".into())
        );
        press(&mut picker, KeyCode::Esc);
        assert_eq!(press(&mut picker, KeyCode::Esc), ProjectOutcome::Close);
    }
}
