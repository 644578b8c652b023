//! The Tools pane's argument form: a tool's `inputSchema` as fields to fill, and its arguments as JSON.
//!
//! Properties become fields in schema order (required ones marked `*`); nested objects become indented
//! groups, arrays lists of items, enums selectors, booleans toggles, strings and numbers single-line text
//! checked as you type. Whatever the fields cannot show (unions that remain, type lists other than
//! `[T, "null"]`, maps, tuples, arrays of arrays, groups nested more than four deep) is a raw JSON field.
//! [`ArgumentForm::toggle_raw`] switches the whole form to a JSON editor and back.
//!
//! Keys ([`ArgumentForm::handle_key`]; Enter, Esc and Tab are left to the workbench):
//! - `↑`/`↓` (`PgUp`/`PgDn` by five) move between fields; `Home`/`End` jump when no text field is selected;
//! - text fields: characters, `Backspace`, `Delete`, `←`/`→`, `Home`/`End`; `Ctrl-U` clears;
//! - toggles: `Space` (or `←`/`→`) flips, cycling through "unset" when optional; `Backspace` unsets;
//! - enums: `Space`/`→` next value, `←` previous ("unset" is one of them when optional); `Backspace` unsets;
//! - lists: `Ctrl-A` (or `Insert`) appends an item to the list around the selection, `Ctrl-D` removes the
//!   item the selection is in;
//! - raw JSON mode: everything but `Esc` and `Ctrl-C` goes to the editor (Enter is a new line).

mod draw;
mod edit;
mod fields;
mod schema;
mod value;

#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};
use tui_textarea::TextArea;

use fields::{Field, Input, Spec};

/// Why a field's value cannot be sent; `path` is like `filter.tags[1]` (empty for the whole form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub path: String,
    pub reason: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

pub struct ArgumentForm {
    specs: Vec<Arc<Spec>>,
    fields: Vec<Field>,
    /// The schema allows arguments the fields cannot name (shown as a note).
    free_form: bool,
    /// Index into [`ArgumentForm::rows`].
    selected: usize,
    /// First visible line, kept between draws so the view only scrolls when the selection leaves it.
    scroll: Cell<usize>,
    raw: Option<TextArea<'static>>,
    raw_error: Option<String>,
}

/// One line of the form: a field, a group's or list's heading, or an item.
pub(crate) struct Row {
    /// Indices from the top-level fields down to this one.
    pub tree: Vec<usize>,
    pub depth: usize,
    pub path: String,
    pub label: String,
}

impl ArgumentForm {
    pub fn from_schema(schema: &Value) -> ArgumentForm {
        let root = schema::root(schema);
        ArgumentForm {
            fields: root.specs.iter().cloned().map(Field::new).collect(),
            specs: root.specs,
            free_form: root.free_form,
            selected: 0,
            scroll: Cell::new(0),
            raw: None,
            raw_error: None,
        }
    }

    /// Replaces every value with `arguments` (a history replay). Values that do not fit their field, and
    /// keys the schema does not name, go in as raw JSON text. In raw mode the editor gets them instead.
    pub fn fill(&mut self, arguments: &Map<String, Value>) {
        if self.raw.is_some() {
            self.raw = Some(editor(arguments));
            self.raw_error = None;
            return;
        }
        self.fields = self.filled(arguments);
        self.selected = self.selected.min(self.rows().len().saturating_sub(1));
    }

    fn filled(&self, arguments: &Map<String, Value>) -> Vec<Field> {
        let mut fields: Vec<Field> = self.specs.iter().cloned().map(Field::new).collect();
        value::fill_fields(&mut fields, arguments);
        fields
    }

    /// The arguments to send, or every problem with the values. Empty optional fields are left out.
    pub fn arguments(&self) -> Result<Map<String, Value>, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let arguments = match &self.raw {
            Some(editor) => match parse_object(&editor.lines().join("\n")) {
                Ok(parsed) => value::collect_fields(&self.filled(&parsed), "", &mut problems),
                Err(reason) => {
                    let path = String::new();
                    return Err(vec![FieldProblem { path, reason }]);
                }
            },
            None => value::collect_fields(&self.fields, "", &mut problems),
        };
        if problems.is_empty() {
            Ok(arguments)
        } else {
            Err(problems)
        }
    }

    /// Switches between the fields and the whole-form JSON editor; returns whether the editor is open.
    /// Leaving the editor parses its text into the fields; when that fails the error is shown and the
    /// editor stays.
    pub fn toggle_raw(&mut self) -> bool {
        match &self.raw {
            None => {
                let mut ignored = Vec::new();
                let current = value::collect_fields(&self.fields, "", &mut ignored);
                self.raw = Some(editor(&current));
                self.raw_error = None;
            }
            Some(editor) => match parse_object(&editor.lines().join("\n")) {
                Ok(parsed) => {
                    self.fields = self.filled(&parsed);
                    self.selected = self.selected.min(self.rows().len().saturating_sub(1));
                    self.raw = None;
                    self.raw_error = None;
                }
                Err(reason) => self.raw_error = Some(reason),
            },
        }
        self.raw.is_some()
    }

    pub fn is_raw(&self) -> bool {
        self.raw.is_some()
    }

    /// The error that kept the JSON editor open, if any.
    pub fn raw_error(&self) -> Option<&str> {
        self.raw_error.as_deref()
    }

    /// Whether the tool takes no named arguments.
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// Whether printable keys go into text (a text field is selected, or the JSON editor is open); the
    /// workbench's single-letter keys do not reach its keymap then.
    pub fn is_editing_text(&self) -> bool {
        self.raw.is_some()
            || self
                .selected_field()
                .is_some_and(|f| matches!(f.input, Input::Line(_) | Input::Raw(_)))
    }

    /// The selected field's path (`filter.tags[1]`).
    pub fn selected_path(&self) -> Option<String> {
        self.rows().into_iter().nth(self.selected).map(|r| r.path)
    }

    /// Keys that apply to the selection, for the status bar: (key, what it does).
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        if self.raw.is_some() {
            return vec![("Esc", "leave the editor")];
        }
        let mut hints = vec![("↑/↓", "field")];
        match self.selected_field().map(|f| &f.input) {
            Some(Input::Toggle(_)) => hints.push(("Space", "toggle")),
            Some(Input::Choice(_)) => hints.push(("Space/←/→", "choose")),
            Some(Input::Line(_) | Input::Raw(_)) => hints.push(("C-u", "clear")),
            _ => {}
        }
        let tree = self.rows().into_iter().nth(self.selected).map(|r| r.tree);
        if let Some(tree) = tree {
            if self.enclosing_list(&tree).is_some() {
                hints.push(("C-a", "add item"));
            }
            if self.enclosing_item(&tree).is_some() {
                hints.push(("C-d", "remove item"));
            }
        }
        hints
    }

    /// Every line of the form, top to bottom.
    pub(crate) fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        push_rows(&self.fields, &mut Vec::new(), 0, "", &mut rows);
        rows
    }

    fn selected_field(&self) -> Option<&Field> {
        let tree = self.rows().into_iter().nth(self.selected)?.tree;
        self.field(&tree)
    }

    pub(crate) fn field(&self, tree: &[usize]) -> Option<&Field> {
        let (first, rest) = tree.split_first()?;
        let mut field = self.fields.get(*first)?;
        for index in rest {
            field = field.children()?.get(*index)?;
        }
        Some(field)
    }

    pub(crate) fn field_mut(&mut self, tree: &[usize]) -> Option<&mut Field> {
        let (first, rest) = tree.split_first()?;
        let mut field = self.fields.get_mut(*first)?;
        for index in rest {
            field = field.children_mut()?.get_mut(*index)?;
        }
        Some(field)
    }

    /// The innermost list that is `tree`'s field or holds it.
    pub(crate) fn enclosing_list(&self, tree: &[usize]) -> Option<Vec<usize>> {
        (1..=tree.len())
            .rev()
            .map(|end| &tree[..end])
            .find(|t| matches!(self.field(t).map(|f| &f.input), Some(Input::List(_))))
            .map(<[usize]>::to_vec)
    }

    /// The innermost list item that is `tree`'s field or holds it.
    pub(crate) fn enclosing_item(&self, tree: &[usize]) -> Option<Vec<usize>> {
        (2..=tree.len())
            .rev()
            .map(|end| &tree[..end])
            .find(|t| {
                let parent = self.field(&t[..t.len() - 1]);
                matches!(parent.map(|f| &f.input), Some(Input::List(_)))
            })
            .map(<[usize]>::to_vec)
    }
}

fn push_rows(
    fields: &[Field],
    tree: &mut Vec<usize>,
    depth: usize,
    prefix: &str,
    rows: &mut Vec<Row>,
) {
    for (index, field) in fields.iter().enumerate() {
        let (path, label) = if field.spec.name.is_empty() {
            (format!("{prefix}[{index}]"), format!("[{index}]"))
        } else if prefix.is_empty() {
            (field.spec.name.clone(), field.spec.name.clone())
        } else {
            (
                format!("{prefix}.{}", field.spec.name),
                field.spec.name.clone(),
            )
        };
        tree.push(index);
        rows.push(Row {
            tree: tree.clone(),
            depth,
            path: path.clone(),
            label,
        });
        if let Some(children) = field.children() {
            push_rows(children, tree, depth + 1, &path, rows);
        }
        tree.pop();
    }
}

/// The JSON editor, holding `arguments` pretty-printed.
fn editor(arguments: &Map<String, Value>) -> TextArea<'static> {
    let text = serde_json::to_string_pretty(arguments).unwrap_or_else(|_| "{}".into());
    let mut editor = TextArea::new(text.lines().map(String::from).collect());
    editor.set_cursor_line_style(ratatui::style::Style::default());
    editor
}

/// The editor's text as arguments: a JSON object (empty text is no arguments).
fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the arguments must be a JSON object".into()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}
