//! The workbench's state and its two halves: `update` (a message in, whether anything changed out, plus the
//! effects to run as tasks) and `draw`. Nothing here does I/O.

use crossterm::event::{Event, KeyEvent, KeyEventKind};

use super::code::{CodeOutcome, CodePane, CodeSource};
use super::contract::TestsPane;
use super::drift::{DriftOutcome, DriftView};
use super::generate::{GenerateMessage, GeneratePane, GenerateTask, Outcome as GenerateOutcome};
use super::jobs::JobsPane;
use super::keymap::{Action, Keymap};
use super::palette::{Palette as CommandPalette, PaletteOutcome, PaletteState};
use super::projects::{ProjectOutcome, ProjectPicker};
use super::specs::{Request, SpecsPane};
use super::theme::Palette;
use super::tools::{Outcome, ToolsPane};
use super::{EditPurpose, Effect, Message, Pane};
use crate::engine::remote::RemoteSettings;
mod contract;
mod draw;
mod jobs;

pub struct App {
    pub focus: Pane,
    pub specs: SpecsPane,
    /// The project switcher, when open.
    projects: Option<ProjectPicker>,
    pub tools: ToolsPane,
    pub code: CodePane,
    pub generate: GeneratePane,
    pub jobs: JobsPane,
    pub tests: TestsPane,
    pub help: bool,
    pub toast: Option<String>,
    pub error: Option<String>,
    pub quit: bool,
    /// The first `q` while a server runs asks; the next quits.
    quit_armed: bool,
    palette: Palette,
    keymap: Keymap,
    /// The command palette, when open.
    pub command_palette: Option<PaletteState>,
    /// A spec version's drift, when shown.
    pub drift: Option<DriftView>,
    /// Effects the loop runs when it starts (the remote engine's health, its unfinished jobs).
    pub startup: Vec<Effect>,
}

impl App {
    pub fn new(project: &str, palette: Palette) -> Self {
        App {
            focus: Pane::Specs,
            specs: SpecsPane::new(project),
            projects: None,
            tools: ToolsPane::default(),
            code: CodePane::new(&palette),
            generate: GeneratePane::default(),
            jobs: JobsPane::default(),
            tests: TestsPane::new(project),
            help: false,
            toast: None,
            error: None,
            quit: false,
            quit_armed: false,
            palette,
            keymap: Keymap::default(),
            command_palette: None,
            drift: None,
            startup: Vec::new(),
        }
    }

    /// The app with `remote` as its engine (MCPOVERFLOW_API_URL's): its health is asked for, and its jobs left
    /// unfinished by a quit or a crash are followed again, when the loop starts.
    pub fn with_engine(mut self, remote: Option<RemoteSettings>) -> Self {
        if let Some(task) = self.generate.set_remote(remote.clone()) {
            self.startup.push(Effect::Generate(task));
        }
        if let Some(remote) = remote {
            self.startup
                .push(Effect::Generate(GenerateTask::Resume(remote)));
        }
        self
    }

    /// The app with `keymap` (the config's) instead of the default one.
    pub fn with_keymap(mut self, keymap: Keymap) -> Self {
        self.keymap = keymap;
        self
    }

    /// Applies one message; returns whether the screen must be drawn again, and effects to run.
    pub fn update(&mut self, message: Message) -> (bool, Vec<Effect>) {
        match message {
            Message::Input(Event::Key(key)) if key.kind == KeyEventKind::Press => self.key(key),
            Message::Input(Event::Resize(..)) => (true, Vec::new()),
            Message::Input(Event::Paste(text)) => {
                let used = match self.focus {
                    Pane::Specs => self.specs.paste(&text),
                    Pane::Tools => self.tools.paste(&text),
                    Pane::Code => self.code.paste(&text),
                    Pane::Generate => self.generate.paste(&text),
                    _ => false,
                };
                (used, Vec::new())
            }
            Message::Input(_) => (false, Vec::new()),
            Message::Tick => (self.animating(), Vec::new()),
            Message::ProjectsListed(Ok(projects)) => {
                if let Some(picker) = &mut self.projects {
                    picker.set_projects(projects, &self.specs.project);
                }
                (true, Vec::new())
            }
            Message::ProjectsListed(Err(reason)) => {
                self.projects = None;
                self.error = Some(reason);
                (true, Vec::new())
            }
            Message::Copied(result) => {
                match result {
                    Ok(how) => self.toast = Some(how),
                    Err(reason) => self.error = Some(reason),
                }
                (true, Vec::new())
            }
            Message::Edited { purpose, text } => {
                match (purpose, text) {
                    (EditPurpose::Arguments, Ok(text)) => {
                        let outcome = self.tools.arguments_edited(&text);
                        return self.apply(outcome);
                    }
                    (EditPurpose::CodeFile { .. }, Ok(text)) => {
                        let outcome = self.code.file_edited(purpose, text);
                        return self.apply_code(outcome);
                    }
                    (EditPurpose::View, Ok(_)) => {}
                    (_, Err(reason)) => self.error = Some(reason),
                }
                (true, Vec::new())
            }
            Message::Tools(message) => {
                let outcome = self.tools.receive(message);
                self.apply(outcome)
            }
            Message::Generate(message) => {
                if let GenerateMessage::Progress(job) | GenerateMessage::Submitted(job) = &message {
                    self.jobs.upsert(job);
                }
                let outcome = self.generate.receive(message);
                self.apply_generate(outcome)
            }
            Message::Jobs(message) => self.receive_jobs(message),
            Message::Tests(message) => self.receive_tests(message),
            Message::Code(message) => {
                let outcome = self.code.receive(message);
                self.apply_code(outcome)
            }
            Message::SpecsListed(Ok(specs)) => {
                let request = self.specs.set_specs(specs);
                (true, self.specs_effects(request))
            }
            Message::SpecAdded {
                added,
                specs,
                drift,
            } => {
                self.toast = Some(format!("added {} v{}", added.name, added.version));
                let request = self.specs.spec_added(added, specs);
                if let Some(drift) = drift {
                    self.show_drift(drift.map(Some));
                }
                (true, self.specs_effects(request))
            }
            Message::DriftComputed { spec, drift } => {
                if let Ok(None) = drift {
                    self.toast = Some(format!("{spec} has one version: nothing to compare"));
                }
                self.show_drift(drift);
                (true, Vec::new())
            }
            Message::SpecOpened { name, model } => {
                match model {
                    Ok(model) => self.specs.set_opened(name, model),
                    Err(message) => {
                        self.specs.loading = None;
                        self.error = Some(message);
                    }
                }
                (true, self.follow_open_spec())
            }
            Message::SpecsListed(Err(message)) | Message::Failed(message) => {
                self.error = Some(message);
                (true, Vec::new())
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        if self.error.is_some() {
            // A modal error takes the next key.
            self.error = None;
            return (true, Vec::new());
        }
        // The command palette, when open, takes every key.
        if let Some(palette) = self.command_palette.as_mut() {
            return match palette.handle_key(key) {
                PaletteOutcome::Consumed => (true, Vec::new()),
                PaletteOutcome::Closed => {
                    self.command_palette = None;
                    (true, Vec::new())
                }
                PaletteOutcome::Run(action) => {
                    self.command_palette = None;
                    (true, self.act(action).1)
                }
            };
        }
        if let Some(view) = self.drift.as_mut() {
            return match view.handle_key(key) {
                DriftOutcome::Stay(moved) => (moved, Vec::new()),
                DriftOutcome::Close => {
                    self.drift = None;
                    (true, Vec::new())
                }
            };
        }
        // A focused text input gets keys before the keymap.
        if let Some(picker) = &mut self.projects {
            return match picker.handle_key(key) {
                ProjectOutcome::Stay => (true, Vec::new()),
                ProjectOutcome::Close => {
                    self.projects = None;
                    (true, Vec::new())
                }
                ProjectOutcome::Switch(name) => {
                    self.projects = None;
                    self.toast = Some(format!("project {name}"));
                    self.specs = SpecsPane::new(&name);
                    (true, vec![Effect::ListSpecs(name)])
                }
            };
        }
        if self.focus == Pane::Specs && self.specs.takes_keys() {
            let (changed, request) = self.specs.type_key(key);
            return (changed, self.specs_effects(request));
        }
        if self.focus == Pane::Tools
            && self.tools.takes_keys()
            && let Some(outcome) = self.tools.type_key(key)
        {
            return self.apply(outcome);
        }
        if self.focus == Pane::Jobs && self.jobs.takes_keys() {
            let outcome = self.jobs.type_key(key);
            return self.apply_jobs(outcome);
        }
        if self.focus == Pane::Tests && self.tests.takes_keys() {
            let outcome = self.tests.type_key(key);
            return self.apply_tests(outcome);
        }
        if self.focus == Pane::Generate && self.generate.takes_keys() {
            let outcome = self.generate.type_key(key);
            return self.apply_generate(outcome);
        }
        if self.focus == Pane::Code
            && self.code.takes_keys()
            && let Some(outcome) = self.code.type_key(key)
        {
            return self.apply_code(outcome);
        }
        let Some(action) = self.keymap.action_for(&key, self.focus) else {
            return (false, Vec::new());
        };
        self.act(action)
    }

    /// Does what `action` says, as its key would (the command palette runs actions through here too).
    fn act(&mut self, action: Action) -> (bool, Vec<Effect>) {
        if self.help {
            self.help = !matches!(action, Action::Back | Action::Help);
            if action == Action::Quit {
                self.quit = true;
            }
            return (true, Vec::new());
        }
        let armed = std::mem::take(&mut self.quit_armed);
        self.toast = None;
        match action {
            Action::Quit if !armed && self.tools.live().is_some() => {
                // Quitting stops the server the workbench started: ask first.
                self.quit_armed = true;
                self.toast = Some("a server is connected: q again quits and stops it".into());
            }
            Action::Quit if !armed && self.generate.animating() => {
                self.quit_armed = true;
                self.toast =
                    Some("a generation is running: q again quits and interrupts it".into());
            }
            Action::Quit if !armed && self.tests.is_running() => {
                self.quit_armed = true;
                self.toast = Some("a test run is going on: q again quits and stops it".into());
            }
            Action::Quit => self.quit = true,
            Action::Help => self.help = true,
            Action::Palette => {
                self.command_palette = Some(CommandPalette::open(&self.keymap, self.focus));
            }
            Action::NextPane => return self.focus_on(self.focus.next()),
            Action::PreviousPane => return self.focus_on(self.focus.previous()),
            Action::GoTo(pane) => return self.focus_on(pane),
            Action::Projects => {
                self.projects = Some(ProjectPicker::default());
                return (true, vec![Effect::ListProjects]);
            }
            Action::Cancel if self.focus == Pane::Jobs => {
                let Some(job) = self.jobs.selected().filter(|j| !j.status.is_finished()) else {
                    self.toast = Some("the selected job is not running".into());
                    return (true, Vec::new());
                };
                return (true, vec![Effect::Generate(GenerateTask::Cancel(job.id))]);
            }
            Action::Cancel if self.focus == Pane::Tests => {
                let outcome = self.tests.act(Action::Cancel);
                return self.apply_tests(outcome);
            }
            Action::Cancel if self.generate.animating() => {
                let outcome = self.generate.act(Action::Cancel);
                return self.apply_generate(outcome);
            }
            Action::Cancel => {
                let outcome = self.tools.act(Action::Cancel);
                return self.apply(outcome);
            }
            Action::Copy | Action::Edit => {
                let Some((text, extension, purpose)) = self.focused_text() else {
                    self.toast = Some("nothing here to copy or edit".into());
                    return (true, Vec::new());
                };
                let effect = if action == Action::Copy {
                    Effect::Copy(text)
                } else {
                    Effect::Edit {
                        text,
                        extension,
                        purpose,
                    }
                };
                return (true, vec![effect]);
            }
            other if self.focus == Pane::Tools => {
                if other == Action::Connect {
                    self.tools.open_spec = self.specs.opened_version();
                    self.tools.project = self.specs.project.clone();
                }
                let outcome = self.tools.act(other);
                return self.apply(outcome);
            }
            other if self.focus == Pane::Jobs => {
                let outcome = self.jobs.act(other);
                return self.apply_jobs(outcome);
            }
            other if self.focus == Pane::Tests => {
                let outcome = self.tests.act(other);
                return self.apply_tests(outcome);
            }
            other if self.focus == Pane::Generate => {
                let outcome = self.generate.act(other);
                return self.apply_generate(outcome);
            }
            other if self.focus == Pane::Code => {
                let outcome = self.code.act(other);
                return self.apply_code(outcome);
            }
            other if self.focus == Pane::Specs => {
                let (changed, request) = self.specs.act(other);
                return (changed, self.specs_effects(request));
            }
            _ => return (false, Vec::new()),
        }
        (true, Vec::new())
    }

    /// Opens the drift overlay with a toast of its headline; an error goes to the modal.
    fn show_drift(&mut self, drift: Result<Option<crate::store::drift::SpecDrift>, String>) {
        match drift {
            Ok(Some(drift)) => {
                self.toast = Some(drift.headline());
                self.drift = Some(DriftView::new(drift));
            }
            Ok(None) => {}
            Err(message) => self.error = Some(message),
        }
    }

    /// The effect for what the Specs pane asked, if anything.
    fn specs_effects(&self, request: Option<Request>) -> Vec<Effect> {
        request
            .map(|r| effect(&self.specs.project, r))
            .into_iter()
            .collect()
    }

    /// The focused text, for copying and $EDITOR: its file extension, and what an edit of it means.
    fn focused_text(&self) -> Option<(String, &'static str, EditPurpose)> {
        match self.focus {
            Pane::Tools => self.tools.focused_text(),
            Pane::Code => self.code.focused_text(),
            Pane::Tests => self
                .tests
                .focused_text()
                .map(|text| (text, "txt", EditPurpose::View)),
            Pane::Specs => self
                .specs
                .focused_text()
                .map(|text| (text, "json", EditPurpose::View)),
            _ => None,
        }
    }

    /// Whether the screen changes with time alone (so the loop sends ticks).
    pub fn animating(&self) -> bool {
        self.tools.animating() || self.generate.animating()
    }

    /// Moves the focus to `pane`; the Generate pane follows the spec open in the Specs pane.
    fn focus_on(&mut self, pane: Pane) -> (bool, Vec<Effect>) {
        self.focus = pane;
        if pane == Pane::Jobs {
            return (true, vec![self.list_jobs()]);
        }
        if pane == Pane::Tests {
            return (true, self.show_tests());
        }
        (true, self.follow_open_spec())
    }

    /// Points the Generate pane (when in view) at the open spec; the effect builds its operations.
    fn follow_open_spec(&mut self) -> Vec<Effect> {
        if self.focus != Pane::Generate {
            return Vec::new();
        }
        let (Some(version), Some(opened)) = (self.specs.opened_version(), &self.specs.opened)
        else {
            return Vec::new();
        };
        self.generate
            .set_target(version, opened.model.clone())
            .map(Effect::Generate)
            .into_iter()
            .collect()
    }

    /// Applies what the Generate pane asked for: a finished project opens in the Code pane.
    fn apply_generate(&mut self, outcome: GenerateOutcome) -> (bool, Vec<Effect>) {
        match outcome {
            GenerateOutcome::Nothing => (false, Vec::new()),
            GenerateOutcome::Changed => (true, Vec::new()),
            GenerateOutcome::Run(task) => (true, vec![Effect::Generate(*task)]),
            GenerateOutcome::Toast(text) => {
                self.toast = Some(text);
                (true, Vec::new())
            }
            GenerateOutcome::Generated(finished) => {
                self.toast = Some(format!(
                    "generated {}: {} files in {} ms · 3 reads them",
                    finished.connector.name,
                    finished.files.len(),
                    finished.connector.duration_ms
                ));
                let (_, effects) = self.show_code(CodeSource {
                    title: finished.connector.name.clone(),
                    language: finished.language,
                    files: finished.files,
                    saved_to: None,
                });
                (true, effects)
            }
        }
    }

    /// Shows a generated project in the Code pane (its main file open); the effects highlight it.
    pub fn show_code(&mut self, source: super::code::CodeSource) -> (bool, Vec<Effect>) {
        let outcome = self.code.show(source);
        self.apply_code(outcome)
    }

    /// Applies what the Code pane asked for.
    fn apply_code(&mut self, outcome: CodeOutcome) -> (bool, Vec<Effect>) {
        let (changed, mut effects) = match outcome {
            CodeOutcome::Nothing => (false, Vec::new()),
            CodeOutcome::Changed => (true, Vec::new()),
            CodeOutcome::Request(request) => (true, vec![Effect::Code(request)]),
            CodeOutcome::Toast(text) => {
                self.toast = Some(text);
                (true, Vec::new())
            }
            CodeOutcome::Error(text) => {
                self.error = Some(text);
                (true, Vec::new())
            }
        };
        // A view moved ahead of the highlighting gets its own lines highlighted first.
        effects.extend(self.code.window_request().map(Effect::Code));
        (changed, effects)
    }

    /// Applies what the Tools pane asked for.
    fn apply(&mut self, outcome: Outcome) -> (bool, Vec<Effect>) {
        match outcome {
            Outcome::Nothing => (false, Vec::new()),
            Outcome::Changed => (true, Vec::new()),
            Outcome::Request(request) => (true, vec![Effect::Tools(request)]),
            Outcome::Toast(text) => {
                self.toast = Some(text);
                (true, Vec::new())
            }
            Outcome::Error(text) => {
                self.error = Some(text);
                (true, Vec::new())
            }
        }
    }
}

fn effect(project: &str, request: Request) -> Effect {
    match request {
        Request::Open(spec) => Effect::OpenSpec(spec),
        Request::Add(source) => Effect::AddSpec {
            project: project.to_string(),
            source,
        },
        Request::Diff(spec) => Effect::ShowDrift {
            project: project.to_string(),
            spec,
        },
    }
}
