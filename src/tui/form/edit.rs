//! Keys: moving between fields, editing text, toggles and selectors, adding and removing list items.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::ArgumentForm;
use super::fields::{Field, Input, Shape};

/// Rows PgUp/PgDn move.
const PAGE: usize = 5;

/// A single line of text and a cursor (in characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    pub cursor: usize,
}

impl LineInput {
    /// `text` with the cursor at its end.
    pub fn new(text: String) -> LineInput {
        let cursor = text.chars().count();
        LineInput { text, cursor }
    }

    fn byte(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn insert(&mut self, text: &str) {
        let at = self.byte(self.cursor);
        self.text.insert_str(at, text);
        self.cursor += text.chars().count();
    }

    /// Applies an editing key; false when it is not one.
    fn edit(&mut self, key: &KeyEvent) -> bool {
        let length = self.text.chars().count();
        match key.code {
            KeyCode::Char(c) if plain(key) => self.insert(c.encode_utf8(&mut [0; 4])),
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Delete if self.cursor < length => {
                let at = self.byte(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Backspace | KeyCode::Delete => {}
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(length),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = length,
            _ => return false,
        }
        true
    }
}

/// A key that types a character (Shift is part of the character).
fn plain(key: &KeyEvent) -> bool {
    key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
}

impl ArgumentForm {
    /// Applies a key; returns whether the form used it (else the workbench's keymap gets it). Enter, Esc
    /// and Tab are never used outside the JSON editor; in the editor only Esc and Ctrl-C are not.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        if key.kind == KeyEventKind::Release {
            return false;
        }
        let control = key.modifiers == KeyModifiers::CONTROL;
        if let Some(editor) = &mut self.raw {
            if key.code == KeyCode::Esc || control && key.code == KeyCode::Char('c') {
                return false;
            }
            editor.input(key);
            self.raw_error = None;
            return true;
        }
        let rows = self.rows();
        let Some(row) = rows.get(self.selected) else {
            return false;
        };
        let tree = row.tree.clone();
        let last = rows.len() - 1;
        match key.code {
            KeyCode::Up => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down => self.selected = (self.selected + 1).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(PAGE),
            KeyCode::PageDown => self.selected = (self.selected + PAGE).min(last),
            KeyCode::Home if !self.is_editing_text() => self.selected = 0,
            KeyCode::End if !self.is_editing_text() => self.selected = last,
            KeyCode::Insert => return self.add_item(&tree),
            KeyCode::Char('a') if control => return self.add_item(&tree),
            KeyCode::Char('d') if control => return self.remove_item(&tree),
            _ => return self.edit_field(&tree, &key),
        }
        true
    }

    /// Inserts pasted text into the selected text field or the JSON editor (newlines become spaces in a
    /// field); false when neither takes text.
    pub fn paste(&mut self, text: &str) -> bool {
        if let Some(editor) = &mut self.raw {
            editor.insert_str(text);
            self.raw_error = None;
            return true;
        }
        let Some(tree) = self.rows().into_iter().nth(self.selected).map(|r| r.tree) else {
            return false;
        };
        match self.field_mut(&tree).map(|f| &mut f.input) {
            Some(Input::Line(line) | Input::Raw(line)) => {
                line.insert(&text.replace(['\r', '\n'], " "));
                true
            }
            _ => false,
        }
    }

    fn edit_field(&mut self, tree: &[usize], key: &KeyEvent) -> bool {
        let Some(field) = self.field_mut(tree) else {
            return false;
        };
        let required = field.spec.required;
        let clear = key.modifiers == KeyModifiers::CONTROL && key.code == KeyCode::Char('u');
        if clear && !matches!(field.input, Input::Group(_) | Input::List(_)) {
            // Back to an empty field of the schema's kind (a value put back as raw JSON included).
            *field = Field::new(field.spec.clone());
            return true;
        }
        let unset = matches!(key.code, KeyCode::Backspace | KeyCode::Delete);
        let choices = match &field.spec.shape {
            Shape::Choice(values) => values.len(),
            _ => 0,
        };
        match &mut field.input {
            Input::Line(line) | Input::Raw(line) => return line.edit(key),
            Input::Toggle(value) => match key.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    *value = match (*value, required) {
                        (None, _) => Some(true),
                        (Some(true), _) => Some(false),
                        (Some(false), true) => Some(true),
                        (Some(false), false) => None,
                    }
                }
                _ if unset && !required => *value = None,
                _ => return false,
            },
            Input::Choice(index) => match key.code {
                KeyCode::Char(' ') | KeyCode::Right => *index = cycle(*index, choices, required, 1),
                KeyCode::Left => *index = cycle(*index, choices, required, -1),
                _ if unset && !required => *index = None,
                _ => return false,
            },
            Input::Group(_) | Input::List(_) => return false,
        }
        true
    }

    /// Appends an item to the list around `tree` and selects it.
    fn add_item(&mut self, tree: &[usize]) -> bool {
        let Some(list) = self.enclosing_list(tree) else {
            return false;
        };
        let Some(field) = self.field_mut(&list) else {
            return false;
        };
        let Shape::List { item, .. } = &field.spec.shape else {
            return false;
        };
        let item = Field::new(item.clone());
        let Input::List(items) = &mut field.input else {
            return false;
        };
        items.push(item);
        let mut new = list;
        new.push(items.len() - 1);
        self.select(&new);
        true
    }

    /// Removes the list item around `tree`; the selection moves to the next item, the previous one, or the
    /// list.
    fn remove_item(&mut self, tree: &[usize]) -> bool {
        let Some(item) = self.enclosing_item(tree) else {
            return false;
        };
        let (index, list) = item
            .split_last()
            .map(|(i, l)| (*i, l.to_vec()))
            .unwrap_or_default();
        let Some(Input::List(items)) = self.field_mut(&list).map(|f| &mut f.input) else {
            return false;
        };
        items.remove(index);
        let remaining = items.len();
        let mut next = list.clone();
        if remaining > 0 {
            next.push(index.min(remaining - 1));
        }
        self.select(&next);
        true
    }

    fn select(&mut self, tree: &[usize]) {
        if let Some(row) = self.rows().iter().position(|r| r.tree == tree) {
            self.selected = row;
        }
    }
}

/// The next choice `step` away: values `0..count`, and unset (`None`) too when the field is optional.
fn cycle(current: Option<usize>, count: usize, required: bool, step: isize) -> Option<usize> {
    let mut options: Vec<Option<usize>> = (0..count).map(Some).collect();
    if !required || count == 0 {
        options.insert(0, None);
    }
    let Some(at) = options.iter().position(|o| *o == current) else {
        return options.first().copied().flatten();
    };
    let next = (at as isize + step).rem_euclid(options.len() as isize) as usize;
    options[next]
}
