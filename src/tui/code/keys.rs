//! The Code pane's keys: the keymap's actions, and typing into the search, go-to-line and save inputs.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tree::Row;
use super::view::Search;
use super::{CodeOutcome, CodePane, Column, SavePrompt};
use crate::tui::code::tasks::CodeRequest;
use crate::tui::keymap::Action;

impl CodePane {
    /// Whether keys should go to an input of this pane before the keymap.
    pub fn takes_keys(&self) -> bool {
        self.save.is_some() || self.goto.is_some() || self.search.as_ref().is_some_and(|s| s.typing)
    }

    /// The keys of the focused input, for the status bar.
    pub fn input_hints(&self) -> Option<Vec<(&'static str, &'static str)>> {
        if let Some(prompt) = &self.save {
            return Some(match prompt.confirm {
                Some(_) => vec![
                    ("Enter", "replace it"),
                    ("Esc", "cancel"),
                    ("type", "another directory"),
                ],
                None => vec![("type", "directory"), ("Enter", "save"), ("Esc", "cancel")],
            });
        }
        if self.goto.is_some() {
            return Some(vec![
                ("type", "line number"),
                ("Enter", "go"),
                ("Esc", "cancel"),
            ]);
        }
        if self.search.as_ref().is_some_and(|s| s.typing) {
            return Some(vec![
                ("type", "search"),
                ("Enter", "done"),
                ("Esc", "clear"),
            ]);
        }
        None
    }

    /// Pasted text for the focused input (its first line).
    pub fn paste(&mut self, text: &str) -> bool {
        let line = text.lines().next().unwrap_or("");
        if let Some(prompt) = &mut self.save {
            prompt.path.push_str(line);
            prompt.confirm = None;
            return true;
        }
        if let Some(goto) = &mut self.goto {
            goto.extend(line.chars().filter(char::is_ascii_digit));
            return true;
        }
        if self.search.as_ref().is_some_and(|s| s.typing) {
            if let Some(search) = &mut self.search {
                search.query.push_str(line);
            }
            self.research();
            return true;
        }
        false
    }

    /// A key for the pane's focused input. `None`: not consumed.
    pub fn type_key(&mut self, key: KeyEvent) -> Option<CodeOutcome> {
        if self.save.is_some() {
            return Some(self.type_save(key));
        }
        if let Some(goto) = &mut self.goto {
            match key.code {
                KeyCode::Char(c) if c.is_ascii_digit() => goto.push(c),
                KeyCode::Backspace => {
                    goto.pop();
                }
                KeyCode::Esc => self.goto = None,
                KeyCode::Enter => {
                    let line: Option<usize> = goto.parse().ok();
                    self.goto = None;
                    let page = self.page.get();
                    return Some(match (line, &mut self.open) {
                        (Some(line), Some(open)) if line > 0 => {
                            open.jump_to(line - 1, page);
                            CodeOutcome::Changed
                        }
                        _ => CodeOutcome::Toast("no such line".into()),
                    });
                }
                _ => return Some(CodeOutcome::Nothing),
            }
            return Some(CodeOutcome::Changed);
        }
        let search = self.search.as_mut().filter(|s| s.typing)?;
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                search.query.push(c)
            }
            KeyCode::Backspace => {
                search.query.pop();
            }
            KeyCode::Esc => {
                let (cursor, scroll) = search.origin;
                self.search = None;
                if let Some(open) = &mut self.open {
                    open.cursor = cursor;
                    open.scroll = scroll;
                }
                return Some(CodeOutcome::Changed);
            }
            KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Tab => {
                search.typing = false;
                if search.query.is_empty() {
                    self.search = None;
                }
                return Some(CodeOutcome::Changed);
            }
            _ => return Some(CodeOutcome::Nothing),
        }
        self.research();
        Some(CodeOutcome::Changed)
    }

    /// Finds the query again and moves to the first match from where the search began.
    fn research(&mut self) {
        let (Some(search), Some(open)) = (&mut self.search, &mut self.open) else {
            return;
        };
        let (matches, more) = open.find(&search.query);
        search.matches = matches;
        search.more = more;
        search.current = search.first_from(search.origin.0);
        match search.current {
            Some(current) => {
                let line = search.matches[current].0;
                if line < open.scroll || line >= open.scroll + self.page.get() {
                    open.jump_to(line, self.page.get());
                } else {
                    open.cursor = line;
                }
            }
            None => {
                open.cursor = search.origin.0;
                open.scroll = search.origin.1;
            }
        }
    }

    fn type_save(&mut self, key: KeyEvent) -> CodeOutcome {
        let Some(prompt) = &mut self.save else {
            return CodeOutcome::Nothing;
        };
        match key.code {
            KeyCode::Esc => self.save = None,
            KeyCode::Enter if prompt.saving => return CodeOutcome::Nothing,
            KeyCode::Enter => {
                let dir = resolve(&prompt.path);
                if prompt.path.trim().is_empty() {
                    return CodeOutcome::Toast("type a directory".into());
                }
                // Confirmed: the same directory again after it was found not empty (typing clears `confirm`).
                let force = prompt.confirm.is_some();
                prompt.saving = true;
                return CodeOutcome::Request(CodeRequest::Save {
                    dir,
                    files: self.files(),
                    force,
                });
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                prompt.path.clear();
                prompt.confirm = None;
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                prompt.path.push(c);
                prompt.confirm = None;
            }
            KeyCode::Backspace => {
                prompt.path.pop();
                prompt.confirm = None;
            }
            _ => return CodeOutcome::Nothing,
        }
        CodeOutcome::Changed
    }

    /// An action from the keymap.
    pub fn act(&mut self, action: Action) -> CodeOutcome {
        if self.shown.is_none() {
            return match action {
                Action::Save | Action::Filter | Action::GoToLine => CodeOutcome::Toast(
                    "nothing generated yet: generate a connector in pane 2".into(),
                ),
                _ => CodeOutcome::Nothing,
            };
        }
        let page = self.page.get().max(1);
        match action {
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => match (self.column, &mut self.open) {
                (Column::Viewer, Some(open)) => {
                    let target = match action {
                        Action::Up => open.cursor.saturating_sub(1),
                        Action::Down => open.cursor + 1,
                        Action::Top => 0,
                        Action::Bottom => open.last_line(),
                        Action::PageUp => {
                            open.scroll = open.scroll.saturating_sub(page);
                            open.cursor.saturating_sub(page)
                        }
                        _ => {
                            open.scroll = (open.scroll + page).min(open.last_line());
                            open.cursor + page
                        }
                    };
                    open.move_to(target, page);
                }
                _ => self.step_tree(action, page),
            },
            Action::NextColumn if self.open.is_some() => self.column = Column::Viewer,
            Action::Back if self.search.is_some() => self.search = None,
            Action::PreviousColumn | Action::Back => self.column = Column::Tree,
            Action::Open => return self.enter(),
            Action::Filter => {
                let Some(open) = &self.open else {
                    return CodeOutcome::Nothing;
                };
                self.search = Some(Search::new((open.cursor, open.scroll)));
                self.column = Column::Viewer;
            }
            Action::NextMatch | Action::PreviousMatch => {
                return self.next_match(action == Action::NextMatch);
            }
            Action::GoToLine if self.open.is_some() => {
                self.goto = Some(String::new());
                self.column = Column::Viewer;
            }
            Action::Save => {
                let path = match self.source().and_then(|s| s.saved_to.clone()) {
                    Some(dir) => dir.display().to_string(),
                    None => format!(
                        "./{}",
                        dir_name(&self.source().map(|s| s.title.clone()).unwrap_or_default())
                    ),
                };
                self.save = Some(SavePrompt {
                    path,
                    confirm: None,
                    saving: false,
                });
            }
            _ => return CodeOutcome::Nothing,
        }
        CodeOutcome::Changed
    }

    fn step_tree(&mut self, action: Action, page: usize) {
        let last = self.rows().len().saturating_sub(1);
        self.tree_cursor = match action {
            Action::Up => self.tree_cursor.saturating_sub(1),
            Action::Down => self.tree_cursor + 1,
            Action::Top => 0,
            Action::PageUp => self.tree_cursor.saturating_sub(page),
            Action::PageDown => self.tree_cursor + page,
            _ => last,
        }
        .min(last);
    }

    /// Enter in the tree: fold or unfold a directory, or open a file in the viewer.
    fn enter(&mut self) -> CodeOutcome {
        if self.column == Column::Viewer {
            return CodeOutcome::Nothing;
        }
        match self.rows().get(self.tree_cursor) {
            Some(Row::Dir { path, open, .. }) => {
                if *open {
                    self.closed.insert(path.clone());
                } else {
                    self.closed.remove(path);
                }
                CodeOutcome::Changed
            }
            Some(Row::File { index, .. }) => {
                let index = *index;
                self.column = Column::Viewer;
                if self.open.as_ref().is_some_and(|o| o.index == index) {
                    return CodeOutcome::Changed;
                }
                self.open_file(index)
            }
            None => CodeOutcome::Nothing,
        }
    }

    fn next_match(&mut self, forward: bool) -> CodeOutcome {
        let page = self.page.get();
        let (Some(search), Some(open)) = (&mut self.search, &mut self.open) else {
            return CodeOutcome::Toast("no search: / searches the file".into());
        };
        let count = search.matches.len();
        if count == 0 {
            return CodeOutcome::Toast(format!("no match for {:?}", search.query));
        }
        let current = search.current.unwrap_or(0);
        let (next, wrapped) = if forward {
            ((current + 1) % count, current + 1 == count)
        } else {
            ((current + count - 1) % count, current == 0)
        };
        search.current = Some(next);
        let line = search.matches[next].0;
        if line < open.scroll || line >= open.scroll + page {
            open.jump_to(line, page);
        } else {
            open.cursor = line;
        }
        self.column = Column::Viewer;
        match (wrapped, forward) {
            (true, true) => CodeOutcome::Toast("search wrapped to the top".into()),
            (true, false) => CodeOutcome::Toast("search wrapped to the bottom".into()),
            _ => CodeOutcome::Changed,
        }
    }

    pub fn tree_cursor(&self) -> usize {
        self.tree_cursor
    }
}

/// A directory name from the connector's name: letters, digits, `-`, `_` and `.`.
fn dir_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches(['-', '.']).to_string();
    if name.is_empty() {
        "connector".into()
    } else {
        name
    }
}

/// The directory typed: `~/` is the home directory; a relative path stays relative (to the workbench's
/// directory, as the shell would read it).
fn resolve(typed: &str) -> PathBuf {
    let typed = typed.trim();
    match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(typed),
    }
}
