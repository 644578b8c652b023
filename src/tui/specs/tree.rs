//! The operations column: operations grouped under their first tag (untagged ones last, under
//! "(untagged)"), each group collapsible. While a filter is active only the matches show, under their
//! groups, expanded, the group with the best match first and the cursor on that match.

use std::cell::Cell;

use indexmap::IndexMap;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};

use super::method_style;
use super::outline::scrolled;
use crate::spec::model::{ApiModel, Operation};
use crate::tui::fuzzy;
use crate::tui::theme::Palette;

pub const UNTAGGED: &str = "(untagged)";

pub struct Group {
    pub name: String,
    pub description: Option<String>,
    pub operations: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeRow {
    Group(usize),
    Operation(usize),
}

pub struct OperationTree {
    pub groups: Vec<Group>,
    /// One searchable line per operation.
    labels: Vec<String>,
    /// The group of each operation.
    group_of: Vec<usize>,
    collapsed: Vec<bool>,
    /// While filtering: groups collapsed since the query last changed.
    collapsed_in_filter: Vec<bool>,
    /// While filtering: the matches, best first.
    matches: Option<Vec<usize>>,
    /// While filtering: how many matches each group has.
    match_counts: Vec<usize>,
    pub rows: Vec<TreeRow>,
    pub cursor: usize,
    offset: Cell<usize>,
    /// The height last drawn, for PageUp/PageDown.
    page: Cell<usize>,
}

impl OperationTree {
    pub fn new(model: &ApiModel) -> Self {
        let mut by_tag: IndexMap<&str, Vec<usize>> = model
            .tags
            .iter()
            .map(|t| (t.name.as_str(), Vec::new()))
            .collect();
        for (index, op) in model.operations.iter().enumerate() {
            let tag = op.tags.first().map_or(UNTAGGED, String::as_str);
            by_tag.entry(tag).or_default().push(index);
        }
        if let Some(untagged) = by_tag.shift_remove(UNTAGGED) {
            by_tag.insert(UNTAGGED, untagged);
        }
        let groups: Vec<Group> = by_tag
            .into_iter()
            .filter(|(_, operations)| !operations.is_empty())
            .map(|(name, operations)| Group {
                name: name.to_string(),
                description: model
                    .tags
                    .iter()
                    .find(|t| t.name == name)
                    .and_then(|t| t.description.clone()),
                operations,
            })
            .collect();
        let mut group_of = vec![0; model.operations.len()];
        for (g, group) in groups.iter().enumerate() {
            for &op in &group.operations {
                group_of[op] = g;
            }
        }
        let mut tree = OperationTree {
            labels: model.operations.iter().map(label).collect(),
            group_of,
            collapsed: vec![false; groups.len()],
            collapsed_in_filter: vec![false; groups.len()],
            match_counts: vec![0; groups.len()],
            groups,
            matches: None,
            rows: Vec::new(),
            cursor: 0,
            offset: Cell::new(0),
            page: Cell::new(10),
        };
        tree.rebuild();
        tree
    }

    pub fn filtering(&self) -> bool {
        self.matches.is_some()
    }

    pub fn match_count(&self) -> usize {
        self.matches.as_ref().map_or(self.labels.len(), Vec::len)
    }

    /// Shows only the operations matching `query` (all of them when it is empty).
    pub fn set_filter(&mut self, query: &str) {
        let keep = self.selected();
        if query.is_empty() {
            self.matches = None;
            self.rebuild();
            // The same row, else its group (when that is closed).
            let group = match keep {
                Some(TreeRow::Operation(op)) => Some(TreeRow::Group(self.group_of[op])),
                other => other,
            };
            let at = |row: Option<TreeRow>| self.rows.iter().position(|r| Some(*r) == row);
            self.cursor = at(keep).or_else(|| at(group)).unwrap_or(0);
            return;
        }
        let matches = fuzzy::filter(query, self.labels.iter().map(String::as_str));
        self.match_counts.iter_mut().for_each(|c| *c = 0);
        for &op in &matches {
            self.match_counts[self.group_of[op]] += 1;
        }
        self.collapsed_in_filter.iter_mut().for_each(|c| *c = false);
        self.matches = Some(matches);
        self.rebuild();
        // The best match, just under its group.
        self.cursor = usize::from(self.rows.len() > 1);
    }

    fn rebuild(&mut self) {
        self.rows.clear();
        match &self.matches {
            None => {
                for (g, group) in self.groups.iter().enumerate() {
                    self.rows.push(TreeRow::Group(g));
                    if !self.collapsed[g] {
                        self.rows
                            .extend(group.operations.iter().map(|&op| TreeRow::Operation(op)));
                    }
                }
            }
            Some(matches) => {
                // Groups in the order of their best match; each group's matches best first.
                let mut order: Vec<usize> = Vec::new();
                let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.groups.len()];
                for &op in matches {
                    let g = self.group_of[op];
                    if members[g].is_empty() {
                        order.push(g);
                    }
                    members[g].push(op);
                }
                for g in order {
                    self.rows.push(TreeRow::Group(g));
                    if !self.collapsed_in_filter[g] {
                        self.rows
                            .extend(members[g].iter().map(|&op| TreeRow::Operation(op)));
                    }
                }
            }
        }
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    pub fn selected(&self) -> Option<TreeRow> {
        self.rows.get(self.cursor).copied()
    }

    pub fn selected_operation(&self) -> Option<usize> {
        match self.selected()? {
            TreeRow::Operation(op) => Some(op),
            TreeRow::Group(_) => None,
        }
    }

    /// Opens or closes group `g`, the cursor staying on it.
    pub fn toggle(&mut self, g: usize) {
        let collapsed = if self.filtering() {
            &mut self.collapsed_in_filter
        } else {
            &mut self.collapsed
        };
        collapsed[g] = !collapsed[g];
        self.rebuild();
        if let Some(at) = self.rows.iter().position(|r| *r == TreeRow::Group(g)) {
            self.cursor = at;
        }
    }

    pub fn is_open(&self, g: usize) -> bool {
        if self.filtering() {
            !self.collapsed_in_filter[g]
        } else {
            !self.collapsed[g]
        }
    }

    /// Moves the cursor by `delta` rows (a page is the height last drawn); returns whether it moved.
    pub fn move_by(&mut self, delta: isize) -> bool {
        let before = self.cursor;
        let last = self.rows.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.cursor != before
    }

    pub fn page(&self) -> isize {
        self.page.get().max(1) as isize
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, model: &ApiModel, palette: &Palette) {
        let height = usize::from(area.height);
        self.page.set(height.saturating_sub(1).max(1));
        let offset = scrolled(self.offset.get(), self.cursor, height, self.rows.len());
        self.offset.set(offset);
        let items: Vec<ListItem> = self
            .rows
            .iter()
            .skip(offset)
            .take(height)
            .map(|row| ListItem::new(self.line(*row, model, palette)))
            .collect();
        let mut state =
            ListState::default().with_selected(Some(self.cursor.saturating_sub(offset)));
        frame.render_stateful_widget(
            List::new(items).highlight_style(palette.selected),
            area,
            &mut state,
        );
    }

    fn line<'a>(&'a self, row: TreeRow, model: &'a ApiModel, palette: &Palette) -> Line<'a> {
        match row {
            TreeRow::Group(g) => {
                let group = &self.groups[g];
                let marker = if self.is_open(g) { "▾ " } else { "▸ " };
                let count = if self.filtering() {
                    format!(" ({} of {})", self.match_counts[g], group.operations.len())
                } else {
                    format!(" ({})", group.operations.len())
                };
                let mut spans = vec![
                    Span::styled(marker, palette.dim),
                    Span::styled(
                        group.name.as_str(),
                        palette.accent.add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(count, palette.dim),
                ];
                if let Some(description) = &group.description {
                    spans.push(Span::styled(format!("  {description}"), palette.dim));
                }
                Line::from(spans)
            }
            TreeRow::Operation(index) => operation_line(&model.operations[index], palette),
        }
    }
}

fn operation_line<'a>(op: &'a Operation, palette: &Palette) -> Line<'a> {
    let mut path = ratatui::style::Style::default();
    if op.deprecated {
        path = path.add_modifier(Modifier::CROSSED_OUT);
    }
    let mut spans = vec![
        Span::raw("  "),
        Span::styled(
            format!("{:<7}", op.method.as_str()),
            method_style(op.method, palette),
        ),
        Span::styled(op.path.as_str(), path),
    ];
    if let Some(id) = &op.operation_id {
        spans.push(Span::styled(format!("  {id}"), palette.dim));
    }
    if let Some(summary) = &op.summary {
        spans.push(Span::styled(format!(" · {summary}"), palette.dim));
    }
    Line::from(spans)
}

fn label(op: &Operation) -> String {
    format!(
        "{} {} {} {} {}",
        op.method.as_str(),
        op.path,
        op.operation_id.as_deref().unwrap_or(""),
        op.tags.join(" "),
        op.summary.as_deref().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{HttpMethod, SpecFormat, Tag};

    fn model() -> ApiModel {
        let mut model = ApiModel::new(SpecFormat::Openapi, "3.0.3", "t");
        model.tags.push(Tag {
            name: "pets".into(),
            description: None,
        });
        model.tags.push(Tag {
            name: "unused".into(),
            description: None,
        });
        let op = |path: &str, id: &str, tags: &[&str]| {
            let mut op = Operation::new(HttpMethod::Get, path, "");
            op.operation_id = Some(id.into());
            op.tags = tags.iter().map(|t| t.to_string()).collect();
            op
        };
        model.operations = vec![
            op("/health", "health", &[]),
            op("/pets", "listPets", &["pets"]),
            op("/owners", "listOwners", &["owners", "pets"]),
            op("/pets/{id}", "getPet", &["pets"]),
        ];
        model
    }

    #[test]
    fn operations_group_under_their_first_tag_untagged_last() {
        let tree = OperationTree::new(&model());
        let names: Vec<&str> = tree.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["pets", "owners", UNTAGGED]);
        assert_eq!(tree.groups[0].operations, [1, 3]);
        assert_eq!(tree.rows.len(), 3 + 4);
    }

    #[test]
    fn a_group_collapses_and_the_filter_expands_matches() {
        let mut tree = OperationTree::new(&model());
        tree.toggle(0);
        assert_eq!(
            tree.rows[..2],
            [TreeRow::Group(0), TreeRow::Group(1)],
            "pets is closed"
        );
        tree.set_filter("getpet");
        assert_eq!(tree.rows[..2], [TreeRow::Group(0), TreeRow::Operation(3)]);
        assert_eq!(
            tree.selected_operation(),
            Some(3),
            "the best match is selected"
        );
        tree.set_filter("");
        assert_eq!(tree.rows[..2], [TreeRow::Group(0), TreeRow::Group(1)]);
    }

    #[test]
    fn clearing_the_filter_keeps_the_selected_operation() {
        let mut tree = OperationTree::new(&model());
        tree.set_filter("owners");
        assert_eq!(tree.selected_operation(), Some(2));
        tree.set_filter("");
        assert_eq!(tree.selected_operation(), Some(2));
        assert_eq!(tree.match_count(), 4);
    }
}
