//! The Tools pane: connect to a server (the open spec served live, a profile, a command or URL), browse its
//! tools, resources and prompts, fill an argument form, call, cancel, and read the result, the server's
//! stderr, the raw JSON-RPC frames and the call history (with replay). Every effect is a [`ToolsRequest`]
//! run in a task; the pane only holds what came back.

pub mod connector;
mod draw;
pub mod live;
pub mod output;
pub mod picker;
mod receive;
pub mod tasks;
mod text;

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::KeyEvent;
use serde_json::{Map, Value, json};
use tokio::sync::oneshot;

use super::form::ArgumentForm;
use super::fuzzy;
use super::keymap::Action;
use super::widgets::{FilterKey, type_into_filter};
use crate::mcp::{Connection, ListKind, SessionEvent};
use crate::store::{CallRecord, ConnectorRecord, SpecVersion};
pub use live::{Backend, Context, Live, ServerChoice};
use output::Rendered;
use picker::{Picker, PickerOutcome};
pub use tasks::ToolsRequest;

/// What comes back to the Tools pane.
pub enum ToolsMessage {
    Profiles(Result<(Vec<crate::mcp::profiles::Profile>, Vec<ConnectorRecord>), String>),
    Imported(Result<String, String>),
    Connected(Box<Live>),
    ConnectFailed {
        label: String,
        reason: String,
    },
    Event(SessionEvent),
    CaptureChanged,
    Ended,
    /// A finished call (with its history record), resource read or prompt.
    Output {
        rendered: Rendered,
        record: Option<CallRecord>,
    },
    History(Result<Vec<CallRecord>, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    List,
    Form,
    Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Result,
    Stderr,
    Frames,
    History,
}

impl View {
    const ALL: [View; 4] = [View::Result, View::Stderr, View::Frames, View::History];

    pub fn title(self) -> &'static str {
        match self {
            View::Result => "Result",
            View::Stderr => "Stderr",
            View::Frames => "Frames",
            View::History => "History",
        }
    }

    fn step(self, forward: bool) -> View {
        let i = View::ALL.iter().position(|v| *v == self).unwrap_or(0);
        let n = View::ALL.len();
        View::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// The server, as far as the pane knows.
pub enum Server {
    None,
    Connecting { label: String, since: Instant },
    Live(Box<Live>),
}

/// A request in flight (a call, a resource read or a prompt).
pub struct Running {
    pub what: String,
    pub since: Instant,
    pub progress: Option<(f64, Option<f64>, Option<String>)>,
    cancel: Option<oneshot::Sender<()>>,
}

/// What the form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormTarget {
    Tool(String),
    Prompt(String),
}

pub struct ToolsPane {
    pub server: Server,
    pub picker: Option<Picker>,
    pub list: ListKind,
    pub column: Column,
    pub view: View,
    cursor: usize,
    pub filter: String,
    pub filtering: bool,
    visible: Vec<usize>,
    pub form: Option<(FormTarget, ArgumentForm)>,
    pub running: Option<Running>,
    pub output: Option<Rendered>,
    /// Lines scrolled: from the top for the result, from the bottom for stderr and frames.
    pub scroll: usize,
    pub history: Vec<CallRecord>,
    history_cursor: usize,
    last_typed: Option<String>,
    /// The spec open in the Specs pane, offered for serving.
    pub open_spec: Option<SpecVersion>,
    /// The project whose connectors the picker offers (set with `open_spec`).
    pub project: String,
}

/// What the pane wants the app to do besides redrawing.
pub enum Outcome {
    Nothing,
    Changed,
    Request(ToolsRequest),
    Toast(String),
    Error(String),
}

impl Default for ToolsPane {
    fn default() -> Self {
        ToolsPane {
            server: Server::None,
            picker: None,
            list: ListKind::Tools,
            column: Column::List,
            view: View::Result,
            cursor: 0,
            filter: String::new(),
            filtering: false,
            visible: Vec::new(),
            form: None,
            running: None,
            output: None,
            scroll: 0,
            history: Vec::new(),
            history_cursor: 0,
            last_typed: None,
            project: String::new(),
            open_spec: None,
        }
    }
}

impl ToolsPane {
    pub fn live(&self) -> Option<&Live> {
        match &self.server {
            Server::Live(live) => Some(live),
            _ => None,
        }
    }

    fn connection(&self) -> Option<Arc<Connection>> {
        self.live().map(|live| live.session.connection())
    }

    /// Whether the screen changes with time alone (elapsed counters).
    pub fn animating(&self) -> bool {
        self.running.is_some() || matches!(self.server, Server::Connecting { .. })
    }

    /// Names of the listed items (tools, resources or prompts), for the list and the filter.
    pub fn item_labels(&self) -> Vec<(String, String)> {
        let Some(live) = self.live() else {
            return Vec::new();
        };
        let first_line =
            |text: Option<&str>| text.unwrap_or("").lines().next().unwrap_or("").to_string();
        match self.list {
            ListKind::Tools => live
                .tools
                .iter()
                .map(|t| (t.name.to_string(), first_line(t.description.as_deref())))
                .collect(),
            ListKind::Resources => live
                .resources
                .iter()
                .map(|r| (r.uri.clone(), r.name.clone()))
                .collect(),
            ListKind::Prompts => live
                .prompts
                .iter()
                .map(|p| (p.name.clone(), first_line(p.description.as_deref())))
                .collect(),
        }
    }

    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn history_cursor(&self) -> usize {
        self.history_cursor
    }

    fn refilter(&mut self) {
        let labels: Vec<String> = self
            .item_labels()
            .into_iter()
            .map(|(name, about)| format!("{name} {about}"))
            .collect();
        self.visible = fuzzy::filter(&self.filter, labels.iter().map(String::as_str));
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
    }

    /// Whether keys should go to a text input of this pane before the keymap.
    pub fn takes_keys(&self) -> bool {
        self.picker.is_some()
            || self.filtering
            || (self.column == Column::Form && self.form.is_some())
    }

    /// The keys of the focused input, for the status bar.
    pub fn input_hints(&self) -> Option<Vec<(&'static str, &'static str)>> {
        if self.picker.is_some() {
            return Some(vec![
                ("↑↓", "choose"),
                ("Enter", "connect"),
                ("Esc", "close"),
            ]);
        }
        if self.filtering {
            return Some(vec![
                ("type", "filter"),
                ("Enter", "done"),
                ("Esc", "clear"),
            ]);
        }
        match &self.form {
            Some((_, form)) if self.column == Column::Form => {
                let mut hints = vec![("Enter", "call"), ("Esc", "leave")];
                hints.extend(form.hints());
                if !form.is_raw() {
                    hints.push(("C-r", "raw JSON"));
                }
                Some(hints)
            }
            _ => None,
        }
    }

    /// Pasted text for the focused input (the picker's line, the filter, the form).
    pub fn paste(&mut self, text: &str) -> bool {
        if let Some(picker) = &mut self.picker {
            return picker.paste(text);
        }
        if self.filtering {
            self.filter.push_str(text.lines().next().unwrap_or(""));
            self.refilter();
            return true;
        }
        match &mut self.form {
            Some((_, form)) if self.column == Column::Form => form.paste(text),
            _ => false,
        }
    }

    /// A key for the pane's focused input (the picker, the filter or the form). `None`: not consumed.
    pub fn type_key(&mut self, key: KeyEvent) -> Option<Outcome> {
        use crossterm::event::KeyCode;
        if let Some(picker) = &mut self.picker {
            return Some(match picker.handle_key(key) {
                PickerOutcome::Stay => Outcome::Changed,
                PickerOutcome::Close => {
                    self.picker = None;
                    Outcome::Changed
                }
                PickerOutcome::Import(path) => {
                    self.picker = None;
                    Outcome::Request(ToolsRequest::Import(path))
                }
                PickerOutcome::Connect(choice) => {
                    self.picker = None;
                    self.connect(choice)
                }
            });
        }
        if self.filtering {
            return Some(
                match type_into_filter(&mut self.filter, &mut self.filtering, key) {
                    FilterKey::Edited => {
                        self.refilter();
                        Outcome::Changed
                    }
                    FilterKey::Done => Outcome::Changed,
                    FilterKey::Ignored => Outcome::Nothing,
                },
            );
        }
        if self.column == Column::Form
            && let Some((_, form)) = &mut self.form
        {
            if form.handle_key(key) {
                return Some(Outcome::Changed);
            }
            // Letters on a toggle or choice row are the form's too (Esc leaves the form first).
            if let KeyCode::Char(_) = key.code
                && !key
                    .modifiers
                    .contains(crossterm::event::KeyModifiers::CONTROL)
            {
                return Some(Outcome::Nothing);
            }
        }
        None
    }

    fn connect(&mut self, choice: ServerChoice) -> Outcome {
        if let ServerChoice::Typed(text) = &choice {
            self.last_typed = Some(text.clone());
        }
        let previous = std::mem::replace(
            &mut self.server,
            Server::Connecting {
                label: choice.label(),
                since: Instant::now(),
            },
        );
        self.reset_for_server();
        Outcome::Request(ToolsRequest::Connect {
            choice,
            replacing: match previous {
                Server::Live(live) => Some(live),
                _ => None,
            },
        })
    }

    fn reset_for_server(&mut self) {
        self.form = None;
        self.running = None;
        self.cursor = 0;
        self.filter.clear();
        self.visible.clear();
        self.column = Column::List;
    }

    /// An action from the keymap.
    pub fn act(&mut self, action: Action) -> Outcome {
        match action {
            Action::Connect => {
                self.picker = Some(Picker::new(self.open_spec.clone(), self.last_typed.clone()));
                return Outcome::Request(ToolsRequest::ListProfiles {
                    project: self.project.clone(),
                });
            }
            Action::Disconnect => {
                return match std::mem::replace(&mut self.server, Server::None) {
                    Server::Live(live) => {
                        self.reset_for_server();
                        Outcome::Request(ToolsRequest::Close(live))
                    }
                    other => {
                        self.server = other;
                        Outcome::Nothing
                    }
                };
            }
            Action::Cancel => return self.cancel(),
            Action::NextView | Action::PreviousView => {
                self.view = self.view.step(action == Action::NextView);
                self.column = Column::Output;
                self.scroll = 0;
                if self.view == View::History {
                    return Outcome::Request(ToolsRequest::LoadHistory);
                }
            }
            Action::SwitchList => {
                self.list = match self.list {
                    ListKind::Tools => ListKind::Resources,
                    ListKind::Resources => ListKind::Prompts,
                    ListKind::Prompts => ListKind::Tools,
                };
                self.cursor = 0;
                self.refilter();
            }
            Action::RawJson => match &mut self.form {
                Some((_, form)) => {
                    form.toggle_raw();
                    self.column = Column::Form;
                }
                None => return Outcome::Nothing,
            },
            Action::Filter if self.live().is_some() => {
                self.filtering = true;
                self.column = Column::List;
            }
            Action::NextColumn => {
                self.column = match self.column {
                    Column::List if self.form.is_some() => Column::Form,
                    Column::List | Column::Form => Column::Output,
                    Column::Output => Column::Output,
                }
            }
            Action::Back
                if self.column == Column::Form
                    && self.form.as_ref().is_some_and(|(_, f)| f.is_raw()) =>
            {
                // Esc in the JSON editor goes back to the fields (it stays when the JSON is broken).
                if let Some((_, form)) = &mut self.form {
                    form.toggle_raw();
                }
            }
            Action::PreviousColumn | Action::Back => {
                self.column = match self.column {
                    Column::Output if self.form.is_some() => Column::Form,
                    _ => Column::List,
                }
            }
            Action::Open => return self.open(),
            Action::Up | Action::Down | Action::Top | Action::Bottom => self.step(action),
            _ => return Outcome::Nothing,
        }
        Outcome::Changed
    }

    fn step(&mut self, action: Action) {
        let (position, count) = match (self.column, self.view) {
            (Column::Output, View::History) => (&mut self.history_cursor, self.history.len()),
            (Column::Output, _) => {
                let forward = matches!(self.view, View::Result);
                self.scroll = match (action, forward) {
                    (Action::Down, true) | (Action::Up, false) => self.scroll + 1,
                    (Action::Up, true) | (Action::Down, false) => self.scroll.saturating_sub(1),
                    (Action::Top, true) | (Action::Bottom, false) => 0,
                    _ => usize::MAX / 2,
                };
                return;
            }
            _ => (&mut self.cursor, self.visible.len()),
        };
        let last = count.saturating_sub(1);
        *position = match action {
            Action::Up => position.saturating_sub(1),
            Action::Down => (*position + 1).min(last),
            Action::Top => 0,
            _ => last,
        };
    }

    fn cancel(&mut self) -> Outcome {
        match self.running.as_mut().and_then(|r| r.cancel.take()) {
            Some(cancel) => {
                let _ = cancel.send(());
                Outcome::Toast("cancelling…".into())
            }
            None => Outcome::Toast("nothing to cancel (q quits)".into()),
        }
    }

    /// Enter: open the selected item's form, call it, or replay a history entry.
    fn open(&mut self) -> Outcome {
        match self.column {
            Column::List => self.open_item(),
            Column::Form => self.submit(),
            Column::Output if self.view == View::History => self.replay(),
            Column::Output => Outcome::Nothing,
        }
    }

    fn open_item(&mut self) -> Outcome {
        let Some(live) = self.live() else {
            return Outcome::Toast("not connected: press c to connect".into());
        };
        let Some(&index) = self.visible.get(self.cursor) else {
            return Outcome::Nothing;
        };
        match self.list {
            ListKind::Tools => {
                let tool = &live.tools[index];
                let schema = Value::Object((*tool.input_schema).clone());
                let target = FormTarget::Tool(tool.name.to_string());
                self.set_form(target, &schema);
                Outcome::Changed
            }
            ListKind::Prompts => {
                let prompt = &live.prompts[index];
                let schema = prompt_schema(prompt);
                let target = FormTarget::Prompt(prompt.name.clone());
                self.set_form(target, &schema);
                Outcome::Changed
            }
            ListKind::Resources => {
                let uri = live.resources[index].uri.clone();
                let Some(connection) = self.connection() else {
                    return Outcome::Nothing;
                };
                self.start(format!("reading {uri}"), None);
                Outcome::Request(ToolsRequest::ReadResource { connection, uri })
            }
        }
    }

    /// Keeps the form when it is already for `target` (what was typed stays).
    fn set_form(&mut self, target: FormTarget, schema: &Value) {
        if self.form.as_ref().map(|(t, _)| t) != Some(&target) {
            self.form = Some((target, ArgumentForm::from_schema(schema)));
        }
        self.column = Column::Form;
    }

    fn start(&mut self, what: String, cancel: Option<oneshot::Sender<()>>) {
        self.running = Some(Running {
            what,
            since: Instant::now(),
            progress: None,
            cancel,
        });
        self.view = View::Result;
        self.scroll = 0;
    }

    /// Calls the form's tool (or gets its prompt) with the form's arguments.
    fn submit(&mut self) -> Outcome {
        if self.running.is_some() {
            return Outcome::Toast("a call is running (Ctrl-C cancels it)".into());
        }
        let (Some((target, form)), Some(connection)) = (&self.form, self.connection()) else {
            return Outcome::Toast("not connected: press c to connect".into());
        };
        let arguments = match form.arguments() {
            Ok(arguments) => arguments,
            Err(problems) => {
                let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                return Outcome::Toast(format!("fix the form first: {}", text.join("; ")));
            }
        };
        let server = self.live().map(|l| l.label.clone()).unwrap_or_default();
        match target.clone() {
            FormTarget::Tool(tool) => {
                let (cancel, cancelled) = oneshot::channel();
                self.start(format!("calling {tool}"), Some(cancel));
                Outcome::Request(ToolsRequest::Call {
                    connection,
                    server,
                    tool,
                    arguments,
                    cancel: cancelled,
                })
            }
            FormTarget::Prompt(name) => {
                self.start(format!("getting prompt {name}"), None);
                Outcome::Request(ToolsRequest::GetPrompt {
                    connection,
                    name,
                    arguments,
                })
            }
        }
    }

    /// Puts a history entry's arguments back into its tool's form.
    fn replay(&mut self) -> Outcome {
        let Some(record) = self.history.get(self.history_cursor).cloned() else {
            return Outcome::Nothing;
        };
        let Some(live) = self.live() else {
            return Outcome::Toast("connect first: replay fills the tool's form".into());
        };
        let Some(tool) = live.tools.iter().find(|t| t.name == record.tool.as_str()) else {
            return Outcome::Toast(format!("{} has no tool {}", live.label, record.tool));
        };
        let schema = Value::Object((*tool.input_schema).clone());
        self.form = Some((
            FormTarget::Tool(record.tool.clone()),
            ArgumentForm::from_schema(&schema),
        ));
        if let Some((_, form)) = &mut self.form {
            form.fill(&record.arguments);
        }
        self.list = ListKind::Tools;
        self.filter.clear();
        self.refilter();
        if let Some(position) = self.visible.iter().position(|&i| {
            self.live()
                .is_some_and(|l| l.tools[i].name == record.tool.as_str())
        }) {
            self.cursor = position;
        }
        self.column = Column::Form;
        Outcome::Toast(format!(
            "{} arguments back in the form; Enter calls",
            record.tool
        ))
    }

    /// Everything that must be closed when the workbench quits.
    pub fn take_live(&mut self) -> Option<Box<Live>> {
        match std::mem::replace(&mut self.server, Server::None) {
            Server::Live(live) => Some(live),
            _ => None,
        }
    }
}

/// A prompt's arguments as an object schema of strings, so the argument form can show them.
fn prompt_schema(prompt: &rmcp::model::Prompt) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for argument in prompt.arguments.iter().flatten() {
        let mut schema = json!({"type": "string"});
        if let Some(description) = &argument.description {
            schema["description"] = json!(description);
        }
        properties.insert(argument.name.clone(), schema);
        if argument.required == Some(true) {
            required.push(json!(argument.name));
        }
    }
    json!({"type": "object", "properties": properties, "required": required})
}
