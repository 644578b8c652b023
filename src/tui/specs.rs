//! The Specs pane: the project's specs, the opened spec's operations with a fuzzy filter, and an
//! operation's detail. Loading a spec is a task; the pane only holds what came back.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use super::fuzzy;
use super::keymap::Action;
use crate::spec::model::{ApiModel, HttpMethod, Operation};
use crate::store::SpecVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Specs,
    Operations,
}

/// What the pane asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Open(SpecVersion),
}

pub struct OpenedSpec {
    pub name: String,
    pub model: Arc<ApiModel>,
    /// One searchable line per operation.
    labels: Vec<String>,
}

pub struct SpecsPane {
    pub project: String,
    pub specs: Vec<SpecVersion>,
    spec_cursor: usize,
    pub opened: Option<OpenedSpec>,
    pub loading: Option<String>,
    pub column: Column,
    op_cursor: usize,
    pub filter: String,
    pub filtering: bool,
    visible: Vec<usize>,
    pub detail: bool,
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
            op_cursor: 0,
            filter: String::new(),
            filtering: false,
            visible: Vec::new(),
            detail: false,
        }
    }

    pub fn set_specs(&mut self, specs: Vec<SpecVersion>) -> Option<Request> {
        self.specs = specs;
        self.spec_cursor = self.spec_cursor.min(self.specs.len().saturating_sub(1));
        let first = self.specs.get(self.spec_cursor)?.clone();
        self.loading = Some(first.name.clone());
        Some(Request::Open(first))
    }

    pub fn set_opened(&mut self, name: String, model: Arc<ApiModel>) {
        let labels = model.operations.iter().map(label).collect();
        self.opened = Some(OpenedSpec {
            name,
            model,
            labels,
        });
        self.loading = None;
        self.op_cursor = 0;
        self.detail = false;
        self.refilter();
    }

    fn refilter(&mut self) {
        self.visible = match &self.opened {
            Some(opened) => fuzzy::filter(&self.filter, opened.labels.iter().map(String::as_str)),
            None => Vec::new(),
        };
        self.op_cursor = self.op_cursor.min(self.visible.len().saturating_sub(1));
    }

    /// The operation under the cursor.
    pub fn selected_operation(&self) -> Option<&Operation> {
        let opened = self.opened.as_ref()?;
        opened
            .model
            .operations
            .get(*self.visible.get(self.op_cursor)?)
    }

    pub fn visible_count(&self) -> usize {
        self.visible.len()
    }

    /// A key typed into the filter (the focused text input gets keys before the keymap).
    pub fn type_into_filter(&mut self, key: crossterm::event::KeyEvent) -> bool {
        use crossterm::event::KeyCode;
        match key.code {
            KeyCode::Char(c) => self.filter.push(c),
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Esc => {
                self.filtering = false;
                self.filter.clear();
            }
            KeyCode::Enter | KeyCode::Down | KeyCode::Up | KeyCode::Tab => self.filtering = false,
            _ => return false,
        }
        self.refilter();
        true
    }

    /// Applies a keymap action; returns whether anything changed, and what to do next.
    pub fn act(&mut self, action: Action) -> (bool, Option<Request>) {
        match (action, self.column) {
            (Action::Filter, _) if self.opened.is_some() => {
                self.column = Column::Operations;
                self.filtering = true;
                self.detail = false;
            }
            (Action::NextColumn, Column::Specs) if self.opened.is_some() => {
                self.column = Column::Operations
            }
            (Action::PreviousColumn | Action::Back, Column::Operations) if !self.detail => {
                self.column = Column::Specs
            }
            (Action::Back, Column::Operations) => self.detail = false,
            (Action::Up, Column::Specs) => self.spec_cursor = self.spec_cursor.saturating_sub(1),
            (Action::Down, Column::Specs) => {
                self.spec_cursor = (self.spec_cursor + 1).min(self.specs.len().saturating_sub(1))
            }
            (Action::Up, Column::Operations) => self.op_cursor = self.op_cursor.saturating_sub(1),
            (Action::Down, Column::Operations) => {
                self.op_cursor = (self.op_cursor + 1).min(self.visible.len().saturating_sub(1))
            }
            (Action::Top, Column::Specs) => self.spec_cursor = 0,
            (Action::Top, Column::Operations) => self.op_cursor = 0,
            (Action::Bottom, Column::Specs) => {
                self.spec_cursor = self.specs.len().saturating_sub(1)
            }
            (Action::Bottom, Column::Operations) => {
                self.op_cursor = self.visible.len().saturating_sub(1)
            }
            (Action::Open, Column::Specs) => {
                let Some(spec) = self.specs.get(self.spec_cursor).cloned() else {
                    return (false, None);
                };
                self.loading = Some(spec.name.clone());
                self.column = Column::Operations;
                self.filter.clear();
                return (true, Some(Request::Open(spec)));
            }
            (Action::Open, Column::Operations) if self.selected_operation().is_some() => {
                self.detail = true
            }
            _ => return (false, None),
        }
        (true, None)
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &super::theme::Palette) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)])
                .areas(area);
        self.draw_specs(frame, left, palette);
        if self.detail
            && let Some(op) = self.selected_operation()
        {
            draw_detail(frame, right, op, palette);
        } else {
            self.draw_operations(frame, right, palette);
        }
    }

    fn block<'a>(
        &self,
        title: String,
        column: Column,
        palette: &super::theme::Palette,
    ) -> Block<'a> {
        let style = if self.column == column {
            palette.focus
        } else {
            palette.border
        };
        Block::default()
            .borders(Borders::ALL)
            .border_style(style)
            .title(title)
    }

    fn draw_specs(&self, frame: &mut Frame, area: Rect, palette: &super::theme::Palette) {
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
        let list = List::new(items)
            .block(self.block(title, Column::Specs, palette))
            .highlight_style(palette.selected);
        frame.render_stateful_widget(list, area, &mut state);
    }

    fn draw_operations(&self, frame: &mut Frame, area: Rect, palette: &super::theme::Palette) {
        let Some(opened) = &self.opened else {
            let text = match &self.loading {
                Some(name) => format!("Loading {name}…"),
                None => "No spec open: choose one and press Enter.".to_string(),
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
                self.visible.len()
            )
        };
        let block = self.block(title, Column::Operations, palette);
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
        let items: Vec<ListItem> = self
            .visible
            .iter()
            .map(|&index| {
                let op = &opened.model.operations[index];
                let tag = op.tags.first().map(String::as_str).unwrap_or("-");
                let mut spans = vec![
                    Span::styled(
                        format!("{:<7}", op.method.as_str()),
                        method_style(op.method, palette),
                    ),
                    Span::raw(op.path.clone()),
                ];
                if let Some(id) = &op.operation_id {
                    spans.push(Span::styled(format!("  {id}"), palette.dim));
                }
                spans.push(Span::styled(format!("  [{tag}]"), palette.dim));
                ListItem::new(Line::from(spans))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(self.op_cursor));
        frame.render_stateful_widget(
            List::new(items).highlight_style(palette.selected),
            list_area,
            &mut state,
        );
    }
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

fn method_style(method: HttpMethod, palette: &super::theme::Palette) -> Style {
    let color = match method {
        HttpMethod::Get => palette.get,
        HttpMethod::Post => palette.post,
        HttpMethod::Delete => palette.delete,
        _ => palette.other_method,
    };
    Style::default().fg(color).add_modifier(Modifier::BOLD)
}

fn schema_type(schema: &serde_json::Value) -> String {
    if let Some(name) = schema["$ref"]
        .as_str()
        .and_then(crate::spec::model::schema_ref_name)
    {
        return name;
    }
    match &schema["type"] {
        serde_json::Value::String(t) if t == "array" => {
            format!("{}[]", schema_type(&schema["items"]))
        }
        serde_json::Value::String(t) => t.clone(),
        serde_json::Value::Array(types) => types
            .iter()
            .filter_map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join("|"),
        _ => "any".to_string(),
    }
}

fn draw_detail(frame: &mut Frame, area: Rect, op: &Operation, palette: &super::theme::Palette) {
    let heading = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{} ", op.method.as_str()),
            method_style(op.method, palette),
        ),
        Span::styled(op.path.clone(), heading),
    ])];
    if let Some(summary) = &op.summary {
        lines.push(Line::raw(summary.clone()));
    }
    if op.deprecated {
        lines.push(Line::styled(
            "deprecated",
            Style::default().fg(Color::Yellow),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Parameters", heading));
    if op.parameters.is_empty() {
        lines.push(Line::styled("  none", palette.dim));
    }
    for param in &op.parameters {
        let required = if param.required { "required" } else { "" };
        lines.push(Line::raw(format!(
            "  {:<24} {:<7} {:<14} {required}",
            param.name,
            param.location.as_str(),
            schema_type(&param.schema)
        )));
    }
    if let Some(body) = &op.request_body {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Request body", heading));
        for (media_type, media) in &body.content {
            let shape = media.schema.as_ref().map(schema_type).unwrap_or_default();
            lines.push(Line::raw(format!("  {media_type}  {shape}")));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Responses", heading));
    for response in &op.responses {
        let media: Vec<&str> = response.content.keys().map(String::as_str).collect();
        lines.push(Line::raw(format!(
            "  {:<8} {}  {}",
            response.status,
            response.description.as_deref().unwrap_or(""),
            media.join(", ")
        )));
    }
    let title = format!(
        " {} ",
        op.operation_id.clone().unwrap_or_else(|| op.label())
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(palette.focus)
        .title(title);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
