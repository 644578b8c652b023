//! The command palette (`:` or Ctrl-P): every binding of the focused pane, filtered fuzzily as you type;
//! Enter runs the chosen one as if its key was pressed, Esc closes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::fuzzy;
use super::keymap::{Action, Keymap, Scope};
use super::{Pane, theme};
use crate::tui::widgets::centered;

/// The component; [`Palette::open`] gives its state.
pub struct Palette;

impl Palette {
    /// The palette over the bindings that apply in `pane` (itself left out).
    pub fn open(keymap: &Keymap, pane: Pane) -> PaletteState {
        let entries: Vec<Entry> = keymap
            .bindings_for(pane)
            .filter(|b| b.action != Action::Palette)
            .map(|b| {
                let scope = match b.scope {
                    Scope::Global => "global".to_string(),
                    Scope::In(panes) => {
                        let titles: Vec<&str> = panes.iter().map(|p| p.title()).collect();
                        titles.join("/")
                    }
                };
                Entry {
                    action: b.action,
                    text: format!("{} {} {} {scope}", b.description, b.name, b.label),
                    label: b.label.clone(),
                    description: b.description,
                    scope,
                }
            })
            .collect();
        let shown = (0..entries.len()).collect();
        PaletteState {
            pane,
            entries,
            query: String::new(),
            shown,
            selected: 0,
        }
    }
}

struct Entry {
    action: Action,
    label: String,
    description: &'static str,
    scope: String,
    /// What the filter matches: description, name, label and scope.
    text: String,
}

/// What a key did to the palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteOutcome {
    Consumed,
    /// Run this action (the palette is done).
    Run(Action),
    Closed,
}

pub struct PaletteState {
    pane: Pane,
    entries: Vec<Entry>,
    query: String,
    /// Indexes of the entries that match the query, best first.
    shown: Vec<usize>,
    /// Index into `shown`.
    selected: usize,
}

impl PaletteState {
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The descriptions shown, in order.
    pub fn choices(&self) -> Vec<&'static str> {
        self.shown
            .iter()
            .map(|i| self.entries[*i].description)
            .collect()
    }

    /// The action Enter would run.
    pub fn chosen(&self) -> Option<Action> {
        let index = self.shown.get(self.selected)?;
        Some(self.entries[*index].action)
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> PaletteOutcome {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return PaletteOutcome::Closed,
            KeyCode::Char('c') if control => return PaletteOutcome::Closed,
            KeyCode::Enter => {
                return self
                    .chosen()
                    .map_or(PaletteOutcome::Consumed, PaletteOutcome::Run);
            }
            KeyCode::Up => self.selected = self.selected.saturating_sub(1),
            KeyCode::Char('p') if control => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Tab => self.move_down(),
            KeyCode::Char('n') if control => self.move_down(),
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.selected = self.shown.len().saturating_sub(1),
            KeyCode::Backspace => {
                self.query.pop();
                self.refilter();
            }
            KeyCode::Char('u') if control => {
                self.query.clear();
                self.refilter();
            }
            KeyCode::Char(c) if !control && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.query.push(c);
                self.refilter();
            }
            _ => {}
        }
        PaletteOutcome::Consumed
    }

    fn move_down(&mut self) {
        self.selected = (self.selected + 1).min(self.shown.len().saturating_sub(1));
    }

    fn refilter(&mut self) {
        self.shown = fuzzy::filter(&self.query, self.entries.iter().map(|e| e.text.as_str()));
        self.selected = 0;
    }

    /// An overlay in the middle of `area`.
    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &theme::Palette) {
        let height = (self.entries.len() as u16)
            .saturating_add(3)
            .min(area.height);
        let popup = centered(area, 72, height);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.focus)
            .title(format!(
                " Commands · {} (Enter runs, Esc closes) ",
                self.pane.title()
            ));
        let inner = block.inner(popup);
        frame.render_widget(Clear, popup);
        frame.render_widget(block, popup);
        if inner.height == 0 {
            return;
        }
        let [input, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        let prompt = Line::from(vec![
            Span::styled("> ", palette.accent),
            Span::raw(format!("{}▏", self.query)),
        ]);
        frame.render_widget(Paragraph::new(prompt), input);
        let rows = usize::from(list.height);
        if self.shown.is_empty() {
            let none = Span::styled("no command matches", palette.dim);
            frame.render_widget(Paragraph::new(none), list);
            return;
        }
        // Scroll so the selection stays in view.
        let first = (self.selected + 1).saturating_sub(rows);
        let width = usize::from(list.width);
        let lines: Vec<Line> = self
            .shown
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(at, index)| {
                let line = self.row(&self.entries[*index], width, palette);
                if at == self.selected {
                    line.style(palette.selected)
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }

    /// `label  description ... scope`, the description cut to fit `width`.
    fn row(&self, entry: &Entry, width: usize, palette: &theme::Palette) -> Line<'static> {
        let label = format!(" {:<8} ", entry.label);
        let scope = format!(" {} ", entry.scope);
        let room = width.saturating_sub(label.chars().count() + scope.chars().count());
        let mut description: String = entry.description.chars().take(room).collect();
        if description.chars().count() < entry.description.chars().count() && room > 0 {
            description.pop();
            description.push('…');
        }
        let padding = room.saturating_sub(description.chars().count());
        Line::from(vec![
            Span::styled(label, palette.accent),
            Span::raw(description),
            Span::raw(" ".repeat(padding)),
            Span::styled(scope, palette.dim),
        ])
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::tui::keymap::parse_key;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn type_text(state: &mut PaletteState, text: &str) {
        for c in text.chars() {
            assert_eq!(
                state.handle_key(key(KeyCode::Char(c))),
                PaletteOutcome::Consumed
            );
        }
    }

    fn screen(state: &PaletteState, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| state.draw(frame, frame.area(), &theme::Palette::plain()))
            .unwrap();
        terminal.backend().to_string()
    }

    #[test]
    fn it_lists_the_panes_bindings_then_the_global_ones() {
        let state = Palette::open(&Keymap::default(), Pane::Specs);
        let choices = state.choices();
        assert_eq!(choices[0], "move up");
        assert!(choices.contains(&"quit") && choices.contains(&"filter the list (fuzzy)"));
        assert!(!choices.contains(&"command palette"));
        assert!(!choices.contains(&"connect to a server"), "a Tools binding");
        let tools = Palette::open(&Keymap::default(), Pane::Tools);
        assert!(tools.choices().contains(&"connect to a server"));
    }

    #[test]
    fn typing_filters_and_enter_runs() {
        let mut state = Palette::open(&Keymap::default(), Pane::Specs);
        type_text(&mut state, "lastit");
        assert_eq!(state.query(), "lastit");
        assert_eq!(state.choices()[0], "last item");
        assert_eq!(
            state.handle_key(key(KeyCode::Enter)),
            PaletteOutcome::Run(Action::Bottom)
        );
        // By pane name and by label too.
        let mut state = Palette::open(&Keymap::default(), Pane::Code);
        type_text(&mut state, "tools pane");
        assert_eq!(state.chosen(), Some(Action::GoTo(Pane::Tools)));
        let mut state = Palette::open(&Keymap::default(), Pane::Code);
        type_text(&mut state, "C-c");
        assert_eq!(state.chosen(), Some(Action::Cancel));
    }

    #[test]
    fn arrows_choose_backspace_widens_esc_closes() {
        let mut state = Palette::open(&Keymap::default(), Pane::Specs);
        type_text(&mut state, "pane");
        let choices = state.choices();
        assert!(choices.len() > 2, "{choices:?}");
        state.handle_key(key(KeyCode::Down));
        state.handle_key(key(KeyCode::Down));
        state.handle_key(key(KeyCode::Up));
        let second = state.choices()[1];
        let expected = Palette::open(&Keymap::default(), Pane::Specs)
            .entries
            .into_iter()
            .find(|e| e.description == second)
            .map(|e| e.action);
        assert_eq!(state.chosen(), expected);
        type_text(&mut state, "zzz");
        assert!(state.choices().is_empty());
        assert_eq!(
            state.handle_key(key(KeyCode::Enter)),
            PaletteOutcome::Consumed
        );
        for _ in 0..3 {
            state.handle_key(key(KeyCode::Backspace));
        }
        assert_eq!(state.choices(), choices);
        assert_eq!(state.handle_key(key(KeyCode::Esc)), PaletteOutcome::Closed);
    }

    #[test]
    fn overridden_keys_show_in_it() {
        let quit = parse_key("ctrl-q").unwrap();
        let (keymap, _) = Keymap::with_overrides(&[("quit".to_string(), quit)]);
        let mut state = Palette::open(&keymap, Pane::Jobs);
        type_text(&mut state, "quit");
        let shown = screen(&state, 80, 24);
        assert!(shown.contains("C-q"), "{shown}");
    }

    #[test]
    fn it_fits_80_by_24() {
        let state = Palette::open(&Keymap::default(), Pane::Tools);
        let shown = screen(&state, 80, 22);
        assert!(
            shown.contains("Commands · Tools (Enter runs, Esc closes)"),
            "{shown}"
        );
        assert!(shown.contains("> ▏"), "{shown}");
        assert!(shown.contains("move up"), "{shown}");
        assert!(shown.contains("open the tool's form"), "{shown}");
        let mut state = Palette::open(&Keymap::default(), Pane::Tools);
        for _ in 0..state.choices().len() {
            state.handle_key(key(KeyCode::Down));
        }
        let last: String = state.choices().last().unwrap().chars().take(20).collect();
        let shown = screen(&state, 80, 22);
        assert!(
            shown.contains(&last),
            "the last entry scrolls into view: {shown}"
        );
        let tiny = screen(&state, 20, 3);
        assert!(tiny.contains("Comm"), "{tiny}");
    }
}
