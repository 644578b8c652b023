//! The Specs pane: the project's specs; the opened spec's operations as a tree by tag with a fuzzy filter;
//! an operation's detail; the spec's overview with its warnings; and the add-a-spec overlay. Loading and
//! adding a spec are tasks; the pane only asks for them and holds what came back.

mod add;
mod detail;
mod outline;
mod schema_tree;
mod tree;

use std::sync::Arc;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph};

use super::keymap::Action;
use super::theme::Palette;
use crate::spec::SpecSource;
use crate::spec::model::{ApiModel, HttpMethod, Operation};
use crate::store::SpecVersion;
use crate::tui::widgets::{FilterKey, type_into_filter};
use add::{AddForm, Outcome};
use outline::{Outline, Row};
use tree::{OperationTree, TreeRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Specs,
    Operations,
}

/// What the right-hand column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Operations,
    /// The detail of one operation (its index in the model).
    Detail(usize),
    /// The spec's overview and all its warnings.
    Overview,
}

/// What the pane asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Open(SpecVersion),
    Add(SpecSource),
    /// The drift of this spec's latest version from the one before.
    Diff(String),
}

pub struct OpenedSpec {
    pub name: String,
    pub model: Arc<ApiModel>,
    tree: OperationTree,
}

pub struct SpecsPane {
    pub project: String,
    pub specs: Vec<SpecVersion>,
    spec_cursor: usize,
    pub opened: Option<OpenedSpec>,
    pub loading: Option<String>,
    pub column: Column,
    pub filter: String,
    pub filtering: bool,
    pub view: View,
    detail: Outline,
    overview: Outline,
    /// The add overlay's input survives closing it, so a failed add can be corrected.
    add: AddForm,
    pub adding: bool,
}

impl SpecsPane {
    pub fn new(project: &str) -> Self {
        SpecsPane {
            project: project.to_string(),
            specs: Vec::new(),
            spec_cursor: 0,
            opened: None,
            loading: None,
            column: Column::Specs,
            filter: String::new(),
            filtering: false,
            view: View::Operations,
            detail: Outline::default(),
            overview: Outline::default(),
            add: AddForm::default(),
            adding: false,
        }
    }

    pub fn set_specs(&mut self, specs: Vec<SpecVersion>) -> Option<Request> {
        self.specs = specs;
        self.spec_cursor = self.spec_cursor.min(self.specs.len().saturating_sub(1));
        let first = self.specs.get(self.spec_cursor)?.clone();
        self.loading = Some(first.name.clone());
        Some(Request::Open(first))
    }

    /// A spec was added: the list now, with the added one selected and opened.
    pub fn spec_added(&mut self, added: SpecVersion, specs: Vec<SpecVersion>) -> Option<Request> {
        self.specs = specs;
        self.spec_cursor = self
            .specs
            .iter()
            .position(|s| s.name == added.name)
            .unwrap_or(0);
        self.add = AddForm::default();
        self.filter.clear();
        self.loading = Some(added.name.clone());
        self.column = Column::Operations;
        Some(Request::Open(added))
    }

    pub fn set_opened(&mut self, name: String, model: Arc<ApiModel>) {
        let mut tree = OperationTree::new(&model);
        tree.set_filter(&self.filter);
        self.opened = Some(OpenedSpec { name, model, tree });
        self.loading = None;
        self.view = View::Operations;
    }

    /// The stored version of the spec that is open.
    pub fn opened_version(&self) -> Option<SpecVersion> {
        let opened = self.opened.as_ref()?;
        self.specs.iter().find(|v| v.name == opened.name).cloned()
    }

    /// The selected operation as the normalized model holds it (JSON), for copying and $EDITOR.
    pub fn focused_text(&self) -> Option<String> {
        serde_json::to_string_pretty(self.selected_operation()?).ok()
    }

    /// The operation under the cursor in the operations column.
    pub fn selected_operation(&self) -> Option<&Operation> {
        let opened = self.opened.as_ref()?;
        opened
            .model
            .operations
            .get(opened.tree.selected_operation()?)
    }

    pub fn visible_count(&self) -> usize {
        self.opened.as_ref().map_or(0, |o| o.tree.match_count())
    }

    /// The text of the row under the cursor in the right-hand column (tests find rows by it).
    pub fn cursor_text(&self) -> Option<String> {
        let opened = self.opened.as_ref()?;
        match self.view {
            View::Operations => match opened.tree.selected()? {
                TreeRow::Group(g) => Some(opened.tree.groups[g].name.clone()),
                TreeRow::Operation(op) => Some(opened.model.operations[op].label()),
            },
            View::Detail(_) | View::Overview => {
                let rows = self.outline_rows()?;
                rows.get(self.outline().cursor).map(Row::text)
            }
        }
    }

    /// Whether keys go to a text input here before the keymap.
    /// Pasted text for the focused input: the add-a-spec overlay or the filter.
    pub fn paste(&mut self, text: &str) -> bool {
        if self.adding {
            self.add.paste(text);
        } else if self.filtering {
            self.filter.push_str(text.lines().next().unwrap_or(""));
            if let Some(opened) = &mut self.opened {
                opened.tree.set_filter(&self.filter);
            }
        } else {
            return false;
        }
        true
    }

    pub fn takes_keys(&self) -> bool {
        self.filtering || self.adding
    }

    /// A key for the focused text input: the add overlay or the filter.
    pub fn type_key(&mut self, key: KeyEvent) -> (bool, Option<Request>) {
        if self.adding {
            return match self.add.key(key) {
                Outcome::Open(changed) => (changed, None),
                Outcome::Cancel => {
                    self.adding = false;
                    (true, None)
                }
                Outcome::Submit(source) => {
                    self.adding = false;
                    (true, Some(Request::Add(source)))
                }
            };
        }
        (self.type_into_filter(key), None)
    }

    /// A key typed into the filter.
    pub fn type_into_filter(&mut self, key: KeyEvent) -> bool {
        match type_into_filter(&mut self.filter, &mut self.filtering, key) {
            FilterKey::Edited => {
                if let Some(opened) = &mut self.opened {
                    opened.tree.set_filter(&self.filter);
                }
                true
            }
            FilterKey::Done => true,
            FilterKey::Ignored => false,
        }
    }

    /// The detail's or the overview's rows.
    fn outline_rows(&self) -> Option<Vec<Row>> {
        let opened = self.opened.as_ref()?;
        match self.view {
            View::Detail(index) => {
                let op = opened.model.operations.get(index)?;
                let is_open = |id: &str, by_default: bool| self.detail.is_open(id, by_default);
                Some(detail::operation_rows(&opened.model, op, &is_open))
            }
            View::Overview => Some(detail::overview_rows(&opened.model)),
            View::Operations => None,
        }
    }

    fn outline(&self) -> &Outline {
        match self.view {
            View::Overview => &self.overview,
            _ => &self.detail,
        }
    }

    fn outline_mut(&mut self) -> &mut Outline {
        match self.view {
            View::Overview => &mut self.overview,
            _ => &mut self.detail,
        }
    }

    /// Shows `view` from its top, schema nodes at their defaults.
    fn show(&mut self, view: View) {
        self.view = view;
        self.column = Column::Operations;
        self.filtering = false;
        self.outline_mut().reset(&[]);
        if let Some(rows) = self.outline_rows() {
            self.outline_mut().reset(&rows);
        }
    }

    /// Applies a keymap action; returns whether anything changed, and what to do next.
    pub fn act(&mut self, action: Action) -> (bool, Option<Request>) {
        match action {
            Action::Add => {
                self.adding = true;
                return (true, None);
            }
            Action::Filter if self.opened.is_some() => {
                self.column = Column::Operations;
                self.filtering = true;
                self.view = View::Operations;
                return (true, None);
            }
            Action::Diff => {
                // The spec under the cursor in the list; the open one from the operations column.
                let spec = match self.column {
                    Column::Specs => self.specs.get(self.spec_cursor).map(|s| s.name.clone()),
                    Column::Operations => self.opened.as_ref().map(|o| o.name.clone()),
                };
                return (false, spec.map(Request::Diff));
            }
            Action::Warnings if self.opened.is_some() => {
                let next = if self.view == View::Overview {
                    View::Operations
                } else {
                    View::Overview
                };
                self.show(next);
                return (true, None);
            }
            _ => {}
        }
        match (self.column, self.view) {
            (Column::Specs, _) => self.act_on_specs(action),
            (Column::Operations, View::Operations) => (self.act_on_tree(action), None),
            (Column::Operations, _) => (self.act_on_outline(action), None),
        }
    }

    fn act_on_specs(&mut self, action: Action) -> (bool, Option<Request>) {
        let last = self.specs.len().saturating_sub(1);
        match action {
            Action::NextColumn if self.opened.is_some() => self.column = Column::Operations,
            Action::Up => self.spec_cursor = self.spec_cursor.saturating_sub(1),
            Action::Down => self.spec_cursor = (self.spec_cursor + 1).min(last),
            Action::Top => self.spec_cursor = 0,
            Action::Bottom => self.spec_cursor = last,
            Action::Open => {
                let Some(spec) = self.specs.get(self.spec_cursor).cloned() else {
                    return (false, None);
                };
                self.loading = Some(spec.name.clone());
                self.column = Column::Operations;
                self.view = View::Operations;
                self.filter.clear();
                return (true, Some(Request::Open(spec)));
            }
            _ => return (false, None),
        }
        (true, None)
    }

    fn act_on_tree(&mut self, action: Action) -> bool {
        let Some(opened) = &mut self.opened else {
            if matches!(action, Action::PreviousColumn | Action::Back) {
                self.column = Column::Specs;
                return true;
            }
            return false;
        };
        let tree = &mut opened.tree;
        match (action, tree.selected()) {
            (Action::PreviousColumn | Action::Back, _) => self.column = Column::Specs,
            (Action::Up, _) => return tree.move_by(-1),
            (Action::Down, _) => return tree.move_by(1),
            (Action::PageUp, _) => return tree.move_by(-tree.page()),
            (Action::PageDown, _) => return tree.move_by(tree.page()),
            (Action::Top, _) => return tree.move_by(-(tree.rows.len() as isize)),
            (Action::Bottom, _) => return tree.move_by(tree.rows.len() as isize),
            (Action::Open | Action::NextColumn, Some(TreeRow::Group(g))) => tree.toggle(g),
            (Action::Open | Action::NextColumn, Some(TreeRow::Operation(op))) => {
                self.show(View::Detail(op))
            }
            _ => return false,
        }
        true
    }

    fn act_on_outline(&mut self, action: Action) -> bool {
        if matches!(action, Action::Back | Action::PreviousColumn) {
            self.view = View::Operations;
            return true;
        }
        let Some(rows) = self.outline_rows() else {
            return false;
        };
        self.outline_mut().act(action, &rows)
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)])
                .areas(area);
        self.draw_specs(frame, left, palette);
        match (self.view, &self.opened) {
            (View::Detail(index), Some(opened)) => {
                let title = opened
                    .model
                    .operations
                    .get(index)
                    .map_or_else(String::new, |op| {
                        op.operation_id.clone().unwrap_or_else(|| op.label())
                    });
                self.draw_outline(frame, right, format!(" {title} "), palette);
            }
            (View::Overview, Some(opened)) => {
                let title = format!(" {} · overview and warnings ", opened.name);
                self.draw_outline(frame, right, title, palette);
            }
            _ => self.draw_operations(frame, right, palette),
        }
        if self.adding {
            self.add.draw(frame, area, &self.project, palette);
        }
    }

    fn draw_outline(&self, frame: &mut Frame, area: Rect, title: String, palette: &Palette) {
        let Some(rows) = self.outline_rows() else {
            return;
        };
        let outline = self.outline();
        let block = self
            .block(title, Column::Operations, palette)
            .title_bottom(Line::styled(" Esc back ", palette.dim).right_aligned());
        outline.draw(frame, area, block, &rows, palette);
    }

    fn block<'a>(&self, title: String, column: Column, palette: &Palette) -> Block<'a> {
        crate::tui::widgets::focus_block(title, self.column == column, palette)
    }

    fn draw_specs(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let items: Vec<ListItem> = self
            .specs
            .iter()
            .map(|spec| {
                let open = self.opened.as_ref().is_some_and(|o| o.name == spec.name);
                let marker = if self.loading.as_deref() == Some(&spec.name) {
                    "…"
                } else if open {
                    "●"
                } else {
                    " "
                };
                ListItem::new(format!("{marker} {} v{}", spec.name, spec.version))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(self.spec_cursor));
        let title = format!(" Specs · {} ", self.project);
        let block = self
            .block(title, Column::Specs, palette)
            .title_bottom(Line::styled(" a add ", palette.dim).right_aligned());
        let list = List::new(items)
            .block(block)
            .highlight_style(palette.selected);
        frame.render_stateful_widget(list, area, &mut state);
    }

    fn draw_operations(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let Some(opened) = &self.opened else {
            let text = match &self.loading {
                Some(name) => format!("Loading {name}…"),
                None => "No spec open: choose one and press Enter, or press a to add one.".into(),
            };
            let block = self.block(" Operations ".into(), Column::Operations, palette);
            frame.render_widget(Paragraph::new(text).block(block), area);
            return;
        };
        let total = opened.model.operations.len();
        let title = if self.filter.is_empty() {
            format!(" Operations · {} ({total}) ", opened.name)
        } else {
            format!(
                " Operations · {} ({} of {total}) ",
                opened.name,
                opened.tree.match_count()
            )
        };
        let mut block = self.block(title, Column::Operations, palette);
        let warnings = opened.model.warnings.len();
        if warnings > 0 {
            let plural = if warnings == 1 { "" } else { "s" };
            block = block.title_bottom(
                Line::styled(format!(" w {warnings} warning{plural} "), palette.dim)
                    .right_aligned(),
            );
        }
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [filter_area, list_area] = if self.filtering || !self.filter.is_empty() {
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner)
        } else {
            [Rect::default(), inner]
        };
        if filter_area.height > 0 {
            let cursor = if self.filtering { "▏" } else { "" };
            let line = Line::from(vec![
                Span::styled("/ ", palette.accent),
                Span::raw(format!("{}{cursor}", self.filter)),
            ]);
            frame.render_widget(Paragraph::new(line), filter_area);
        }
        opened.tree.draw(frame, list_area, &opened.model, palette);
    }
}

pub(super) fn method_style(method: HttpMethod, palette: &Palette) -> Style {
    let color = match method {
        HttpMethod::Get => palette.get,
        HttpMethod::Post => palette.post,
        HttpMethod::Delete => palette.delete,
        _ => palette.other_method,
    };
    Style::default().fg(color).add_modifier(Modifier::BOLD)
}
