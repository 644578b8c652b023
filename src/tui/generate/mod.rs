//! The Generate pane: a form for a connector of the open spec (name, language, transport, runtime, and the
//! operations to include, with the tool list's size as you check them), then a job with live stages,
//! elapsed time and log, which can be cancelled. The finished project goes to the Code pane.

mod draw;
pub mod selection;
pub mod tasks;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};

use crate::codegen::{Language, Transport};
use crate::engine::api::Health;
use crate::engine::queue::CancelHandle;
use crate::engine::remote::RemoteSettings;
use crate::engine::{GenerateRequest, Runtime};
use crate::spec::model::ApiModel;
use crate::store::{ConnectorRecord, JobRecord, SpecVersion};
use crate::tui::keymap::Action;
use crate::tui::widgets::{FilterKey, move_cursor, type_into_filter};
pub use draw::thousands;
pub use selection::{Choices, Row};
pub use tasks::{GenerateMessage, GenerateTask};

/// The form's fields above the operations, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Language,
    Transport,
    Runtime,
    Engine,
}

impl Field {
    const ALL: [Field; 5] = [
        Field::Name,
        Field::Language,
        Field::Transport,
        Field::Runtime,
        Field::Engine,
    ];
}

/// A row of the form: a field, an operation row, or the button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Field(Field),
    Choice(Row),
    Button,
}

/// The spec the form is for.
pub struct Target {
    pub version: SpecVersion,
    pub model: Arc<ApiModel>,
}

/// The job this pane started last (id 0 until the job manager has stored it).
pub struct RunningJob {
    pub record: JobRecord,
    pub cancel: CancelHandle,
    /// The connector it made, once done.
    pub connector: Option<ConnectorRecord>,
    pub error: Option<String>,
}

impl RunningJob {
    pub fn running(&self) -> bool {
        !self.record.status.is_finished() && self.error.is_none()
    }
}

/// What the pane asks of the app.
pub enum Outcome {
    Nothing,
    Changed,
    Run(Box<GenerateTask>),
    Toast(String),
    /// A project was generated: show it in the Code pane.
    Generated(Box<tasks::Finished>),
}

#[derive(Default)]
pub struct GeneratePane {
    pub target: Option<Target>,
    /// The operations on offer, once built (a task: large specs take a while).
    pub choices: Option<Choices>,
    pub name: String,
    pub editing_name: bool,
    pub language: Language,
    pub transport: Transport,
    pub runtime: Runtime,
    pub cursor: usize,
    pub filter: String,
    pub filtering: bool,
    pub job: Option<RunningJob>,
    /// The remote engine configured (MCPOVERFLOW_API_URL), if any, and whether the form uses it.
    pub remote: Option<RemoteSettings>,
    pub use_remote: bool,
    /// The remote engine's answer to `/health`.
    pub health: Option<Result<Health, String>>,
}

impl GeneratePane {
    /// Shows the form for `version` (the Specs pane's open spec); asks for its operations when it is new.
    pub fn set_target(
        &mut self,
        version: SpecVersion,
        model: Arc<ApiModel>,
    ) -> Option<GenerateTask> {
        if self
            .target
            .as_ref()
            .is_some_and(|t| t.version == version && Arc::ptr_eq(&t.model, &model))
        {
            return None;
        }
        self.name = crate::codegen::default_name(&model.title);
        self.choices = None;
        self.cursor = 0;
        self.filter.clear();
        self.target = Some(Target {
            version: version.clone(),
            model: model.clone(),
        });
        Some(GenerateTask::Choices { version, model })
    }

    /// The form's rows, as shown.
    pub fn lines(&self) -> Vec<Line> {
        let mut lines: Vec<Line> = Field::ALL.iter().map(|f| Line::Field(*f)).collect();
        if let Some(choices) = &self.choices {
            lines.extend(choices.rows(&self.filter).into_iter().map(Line::Choice));
        }
        lines.push(Line::Button);
        lines
    }

    fn current(&self) -> Option<Line> {
        let lines = self.lines();
        lines
            .get(self.cursor.min(lines.len().saturating_sub(1)))
            .copied()
    }

    /// Whether keys go to a text input here before the keymap.
    pub fn takes_keys(&self) -> bool {
        self.editing_name || self.filtering
    }

    /// A key for the name or the filter being typed.
    pub fn type_key(&mut self, key: KeyEvent) -> Outcome {
        if self.filtering {
            return match type_into_filter(&mut self.filter, &mut self.filtering, key) {
                FilterKey::Ignored => Outcome::Nothing,
                _ => {
                    // The first matching tool, so Space checks it at once.
                    let lines = self.lines();
                    self.cursor = lines
                        .iter()
                        .position(|l| matches!(l, Line::Choice(Row::Tool(_))))
                        .unwrap_or(0);
                    Outcome::Changed
                }
            };
        }
        match key.code {
            KeyCode::Char(c) if !c.is_control() => self.name.push(c),
            KeyCode::Backspace => {
                self.name.pop();
            }
            KeyCode::Enter | KeyCode::Esc | KeyCode::Tab | KeyCode::Down => {
                self.editing_name = false;
                if self.name.trim().is_empty()
                    && let Some(target) = &self.target
                {
                    self.name = crate::codegen::default_name(&target.model.title);
                }
            }
            _ => return Outcome::Nothing,
        }
        Outcome::Changed
    }

    pub fn paste(&mut self, text: &str) -> bool {
        if !self.editing_name {
            return false;
        }
        self.name.extend(text.chars().filter(|c| !c.is_control()));
        true
    }

    /// Does what a key bound in this pane says.
    pub fn act(&mut self, action: Action) -> Outcome {
        let count = self.lines().len();
        match action {
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => move_cursor(&mut self.cursor, count, action),
            Action::Filter => {
                self.filtering = true;
            }
            Action::ToggleAll => match &mut self.choices {
                Some(choices) => choices.toggle_all(),
                None => return Outcome::Nothing,
            },
            Action::Toggle => return self.toggle(true),
            Action::NextColumn => return self.toggle_or_fold(true),
            Action::PreviousColumn => return self.toggle_or_fold(false),
            Action::Open => match self.current() {
                Some(Line::Field(Field::Name)) => self.editing_name = true,
                Some(Line::Button) => return self.start(),
                Some(_) => return self.toggle(true),
                None => return Outcome::Nothing,
            },
            Action::Generate => return self.start(),
            Action::Cancel => return self.cancel(),
            Action::Back if !self.filter.is_empty() => self.filter.clear(),
            _ => return Outcome::Nothing,
        }
        Outcome::Changed
    }

    /// Space: checks a row, cycles a choice forward, or folds a tag.
    fn toggle(&mut self, forward: bool) -> Outcome {
        match self.current() {
            Some(Line::Field(Field::Name)) => self.editing_name = true,
            Some(Line::Field(field)) => self.cycle(field, forward),
            Some(Line::Choice(row)) => match &mut self.choices {
                Some(choices) => choices.toggle(row),
                None => return Outcome::Nothing,
            },
            Some(Line::Button) => return self.start(),
            None => return Outcome::Nothing,
        }
        Outcome::Changed
    }

    /// ←/→: cycles a choice, or folds/unfolds a tag (→ opens, ← closes; on a tool, ← goes to its tag).
    fn toggle_or_fold(&mut self, forward: bool) -> Outcome {
        match self.current() {
            Some(Line::Field(field)) if field != Field::Name => self.cycle(field, forward),
            Some(Line::Choice(Row::Group(g))) => {
                if let Some(choices) = &mut self.choices {
                    choices.groups[g].expanded = forward;
                }
            }
            Some(Line::Choice(Row::Tool(t))) if !forward => {
                let Some(choices) = &mut self.choices else {
                    return Outcome::Nothing;
                };
                if let Some(g) = choices.groups.iter().position(|g| g.tools.contains(&t)) {
                    choices.groups[g].expanded = false;
                    let lines = self.lines();
                    self.cursor = lines
                        .iter()
                        .position(|l| *l == Line::Choice(Row::Group(g)))
                        .unwrap_or(0);
                }
            }
            _ => return Outcome::Nothing,
        }
        Outcome::Changed
    }

    fn cycle(&mut self, field: Field, forward: bool) {
        fn step<T: Copy + PartialEq>(all: &[T], current: T, forward: bool) -> T {
            let i = all.iter().position(|v| *v == current).unwrap_or(0);
            let n = all.len();
            all[if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }]
        }
        match field {
            Field::Name => {}
            Field::Language => {
                self.language = step(
                    &[Language::Python, Language::Typescript, Language::Rust],
                    self.language,
                    forward,
                )
            }
            Field::Transport => {
                self.transport = step(
                    &[Transport::Stdio, Transport::Http],
                    self.transport,
                    forward,
                )
            }
            Field::Runtime => {
                self.runtime = step(&[Runtime::Local, Runtime::Docker], self.runtime, forward)
            }
            Field::Engine => self.use_remote = self.remote.is_some() && !self.use_remote,
        }
    }

    /// Queues a job for the form as it is.
    fn start(&mut self) -> Outcome {
        let (Some(target), Some(choices)) = (&self.target, &self.choices) else {
            return Outcome::Toast("open a spec in pane 1 first".into());
        };
        if choices.checked.is_empty() {
            return Outcome::Toast("no operation is checked (Space checks one, a all)".into());
        }
        let request = GenerateRequest {
            project: target.version.project.clone(),
            spec: target.version.name.clone(),
            spec_version: target.version.version,
            model: target.model.clone(),
            name: self.name.trim().to_string(),
            language: self.language,
            transport: self.transport,
            runtime: self.runtime,
            selection: crate::tools::Selection {
                include_operations: choices.selected_names().unwrap_or_default(),
                ..crate::tools::Selection::default()
            },
            env_prefix: None,
        };
        self.run_request(request)
    }

    /// Queues a generation job for `request` (the form's, or a failed job's again); the pane follows it.
    /// A job it followed before goes on (pane 5 lists every job).
    pub fn run_request(&mut self, request: GenerateRequest) -> Outcome {
        let remote = self.remote.clone().filter(|_| self.use_remote);
        let engine = remote
            .as_ref()
            .map_or(crate::engine::EMBEDDED.to_string(), |r| r.url.clone());
        let mut record = JobRecord::queued(
            crate::store::JobKind::Generate,
            &request.project,
            Some(&request.name),
            &engine,
        );
        record.stage = None;
        let cancel = CancelHandle::default();
        self.job = Some(RunningJob {
            record,
            cancel: cancel.clone(),
            connector: None,
            error: None,
        });
        Outcome::Run(Box::new(GenerateTask::Generate {
            request: Box::new(request),
            remote,
            cancel,
        }))
    }

    fn cancel(&mut self) -> Outcome {
        match &self.job {
            Some(job) if job.running() => {
                job.cancel.cancel();
                Outcome::Toast("cancelling the generation".into())
            }
            _ => Outcome::Nothing,
        }
    }

    /// Whether `id` is the job this pane follows.
    fn follows(&self, id: u64) -> bool {
        self.job.as_ref().is_some_and(|job| job.record.id == id)
    }

    /// Uses `remote` (when set) as the engine; the effect asks it how it is.
    pub fn set_remote(&mut self, remote: Option<RemoteSettings>) -> Option<GenerateTask> {
        self.use_remote = remote.is_some();
        self.remote = remote.clone();
        remote.map(GenerateTask::Health)
    }

    /// The engine in use, for the status bar: embedded, or the remote one with its health and model.
    pub fn engine_status(&self) -> String {
        let Some(remote) = self.remote.as_ref().filter(|_| self.use_remote) else {
            return "engine: embedded".into();
        };
        match &self.health {
            None => format!("engine: {} …", remote.url),
            Some(Ok(health)) => format!(
                "engine: {} ✓ {}{}",
                remote.url,
                health.engine,
                health
                    .model
                    .as_deref()
                    .map(|m| format!(" · {m}"))
                    .unwrap_or_default()
            ),
            Some(Err(_)) => format!("engine: {} ✗ unreachable", remote.url),
        }
    }

    /// Whether a job is running (the elapsed time moves).
    pub fn animating(&self) -> bool {
        self.job.as_ref().is_some_and(RunningJob::running)
    }

    /// A task's report.
    pub fn receive(&mut self, message: GenerateMessage) -> Outcome {
        match message {
            GenerateMessage::Choices { version, choices } => {
                if self.target.as_ref().is_some_and(|t| t.version == version) {
                    self.choices = Some(choices);
                }
                Outcome::Changed
            }
            GenerateMessage::Health(health) => {
                self.health = Some(health);
                Outcome::Changed
            }
            GenerateMessage::Submitted(record) => {
                if let Some(job) = self.job.as_mut().filter(|job| job.record.id == 0) {
                    job.record = record;
                }
                Outcome::Changed
            }
            GenerateMessage::Progress(record) => {
                if let Some(job) = self.job.as_mut().filter(|j| j.record.id == record.id) {
                    job.record = record;
                }
                Outcome::Changed
            }
            GenerateMessage::Finished { job: id, outcome } => {
                let followed = self.follows(id);
                match (outcome, self.job.as_mut().filter(|_| followed)) {
                    (Ok(finished), Some(job)) => {
                        job.record = finished.job.clone();
                        job.connector = Some(finished.connector.clone());
                        Outcome::Generated(finished)
                    }
                    (Err(reason), Some(job)) => {
                        job.error = Some(reason.clone());
                        Outcome::Toast(format!("generation failed: {reason}"))
                    }
                    (Ok(finished), None) => Outcome::Toast(format!(
                        "job #{id} made {} ({} files): Enter in pane 5 opens it",
                        finished.connector.name,
                        finished.files.len()
                    )),
                    (Err(reason), None) => Outcome::Toast(format!("job #{id} failed: {reason}")),
                }
            }
            GenerateMessage::Notice(text) => Outcome::Toast(text),
        }
    }
}
