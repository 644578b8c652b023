//! The Tests pane: contract tests of the project's connectors (or the open spec served by mcpow). Pick a
//! target, the suite, whether writes are allowed and the API (the mock, the mock with injected faults, or a
//! base URL); `r` runs it as a task and the calls come in one by one; `Enter` opens a call's detail (its
//! arguments, the HTTP requests and responses, the result, every check with the failing one marked).
//! Each run is stored; a target's past runs are listed and open the same way.

mod detail;
mod draw;
mod model;
pub mod tasks;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use tokio::sync::oneshot;

pub use detail::{DetailLine, LineKind, case_detail};
pub use model::{
    ApiChoice, Column, OpenDetail, RunState, RunsOf, ShownRun, TestTarget, outcome_word, run_title,
};
pub use tasks::{FAULT_PERCENT, FAULT_SEED, RunRequest, TestsMessage, TestsTask};

use crate::contract::{RunEvent, RunOptions, Suite};
use crate::spec::model::ApiModel;
use crate::store::{ConnectorRecord, SpecVersion, TestRunRecord};
use crate::tui::keymap::Action;
use crate::tui::widgets::move_cursor;
use model::first_failure;

/// What the pane asks of the app.
pub enum TestsOutcome {
    Nothing,
    Changed,
    Run(TestsTask),
    Toast(String),
}

struct Running {
    run: u64,
    cancel: Option<oneshot::Sender<()>>,
}

pub struct TestsPane {
    pub project: String,
    /// The spec open in the Specs pane, offered first.
    served: Option<(SpecVersion, Arc<ApiModel>)>,
    pub connectors: Vec<ConnectorRecord>,
    pub loaded: bool,
    pub target_cursor: usize,
    pub suite: Suite,
    pub allow_writes: bool,
    pub api: ApiChoice,
    /// The base URL being typed (after `a` reached "a base URL").
    pub url_input: Option<String>,
    /// The selected target's stored runs, newest first, and whose they are.
    pub runs: Vec<TestRunRecord>,
    runs_of: Option<RunsOf>,
    pub run_cursor: usize,
    pub shown: Option<ShownRun>,
    pub case_cursor: usize,
    pub column: Column,
    pub detail: Option<OpenDetail>,
    running: Option<Running>,
    next_run: u64,
}

impl TestsPane {
    pub fn new(project: &str) -> TestsPane {
        TestsPane {
            project: project.to_string(),
            served: None,
            connectors: Vec::new(),
            loaded: false,
            target_cursor: 0,
            suite: Suite::Smoke,
            allow_writes: false,
            api: ApiChoice::Mock,
            url_input: None,
            runs: Vec::new(),
            runs_of: None,
            run_cursor: 0,
            shown: None,
            case_cursor: 0,
            column: Column::Targets,
            detail: None,
            running: None,
            next_run: 1,
        }
    }

    /// Coming into view on `project` with `served` open in the Specs pane: the connectors are read again.
    pub fn show(
        &mut self,
        project: &str,
        served: Option<(SpecVersion, Arc<ApiModel>)>,
    ) -> Vec<TestsTask> {
        if project != self.project {
            *self = TestsPane::new(project);
        }
        self.served = served;
        vec![TestsTask::Connectors {
            project: self.project.clone(),
        }]
    }

    /// Every target: the served spec first (when a spec is open), then the connectors.
    pub fn targets(&self) -> Vec<TestTarget> {
        let served = self
            .served
            .iter()
            .map(|(version, model)| TestTarget::ServedSpec {
                version: version.clone(),
                model: model.clone(),
            });
        served
            .chain(
                self.connectors
                    .iter()
                    .map(|c| TestTarget::Connector(Box::new(c.clone()))),
            )
            .collect()
    }

    pub fn selected_target(&self) -> Option<TestTarget> {
        let targets = self.targets();
        let last = targets.len().checked_sub(1)?;
        targets.into_iter().nth(self.target_cursor.min(last))
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Whether a text input (the base URL) takes the keys.
    pub fn takes_keys(&self) -> bool {
        self.url_input.is_some()
    }

    pub fn type_key(&mut self, key: KeyEvent) -> TestsOutcome {
        let Some(input) = self.url_input.as_mut() else {
            return TestsOutcome::Nothing;
        };
        match key.code {
            KeyCode::Char(c) => input.push(c),
            KeyCode::Backspace => {
                input.pop();
            }
            KeyCode::Enter => {
                let url = input.trim().to_string();
                self.url_input = None;
                if url.starts_with("http://") || url.starts_with("https://") {
                    self.api = ApiChoice::BaseUrl(url);
                } else {
                    self.api = ApiChoice::Mock;
                    return TestsOutcome::Toast(format!(
                        "`{url}` is not an http(s) URL: the API stays the mock"
                    ));
                }
            }
            KeyCode::Esc => {
                self.url_input = None;
                self.api = ApiChoice::Mock;
            }
            _ => return TestsOutcome::Nothing,
        }
        TestsOutcome::Changed
    }

    pub fn act(&mut self, action: Action) -> TestsOutcome {
        if self.detail.is_some() {
            return self.act_in_detail(action);
        }
        match action {
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => return self.move_in_column(action),
            Action::NextColumn => {
                self.column = match self.column {
                    Column::Targets => Column::Runs,
                    _ => Column::Calls,
                }
            }
            Action::PreviousColumn => {
                self.column = match self.column {
                    Column::Calls => Column::Runs,
                    _ => Column::Targets,
                }
            }
            Action::Open => return self.open(),
            Action::RunSuite => return self.run(),
            Action::Cancel => return self.cancel(),
            Action::CycleSuite => {
                self.suite = match self.suite {
                    Suite::Smoke => Suite::Full,
                    Suite::Full => Suite::Smoke,
                }
            }
            Action::ToggleWrites => self.allow_writes = !self.allow_writes,
            Action::CycleApi => match self.api {
                ApiChoice::Mock => self.api = ApiChoice::FaultyMock,
                ApiChoice::FaultyMock => {
                    self.url_input = Some(String::new());
                    return TestsOutcome::Toast("type the API's base URL, Enter".into());
                }
                ApiChoice::BaseUrl(_) => self.api = ApiChoice::Mock,
            },
            Action::Back if self.column != Column::Targets => {
                self.column = match self.column {
                    Column::Calls => Column::Runs,
                    _ => Column::Targets,
                }
            }
            _ => return TestsOutcome::Nothing,
        }
        TestsOutcome::Changed
    }

    fn act_in_detail(&mut self, action: Action) -> TestsOutcome {
        let Some(detail) = self.detail.as_mut() else {
            return TestsOutcome::Nothing;
        };
        let last = detail.lines.len().saturating_sub(1);
        detail.scroll = match action {
            Action::Up => detail.scroll.saturating_sub(1),
            Action::Down => (detail.scroll + 1).min(last),
            Action::PageUp => detail.scroll.saturating_sub(10),
            Action::PageDown => (detail.scroll + 10).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            Action::Back | Action::Open => {
                self.detail = None;
                return TestsOutcome::Changed;
            }
            Action::Cancel => return self.cancel(),
            _ => return TestsOutcome::Nothing,
        };
        TestsOutcome::Changed
    }

    fn move_in_column(&mut self, action: Action) -> TestsOutcome {
        match self.column {
            Column::Targets => {
                let before = self.target_cursor;
                let count = self.targets().len();
                move_cursor(&mut self.target_cursor, count, action);
                if before != self.target_cursor {
                    return self.list_runs();
                }
            }
            Column::Runs => move_cursor(&mut self.run_cursor, self.runs.len(), action),
            Column::Calls => {
                let count = self.shown.as_ref().map_or(0, |s| s.cases.len());
                move_cursor(&mut self.case_cursor, count, action);
            }
        }
        TestsOutcome::Changed
    }

    /// Reads the selected target's stored runs.
    fn list_runs(&mut self) -> TestsOutcome {
        match self.selected_target() {
            Some(target) => {
                let of = target.runs_of(&self.project);
                if self.runs_of.as_ref() != Some(&of) {
                    self.runs.clear();
                    self.run_cursor = 0;
                }
                TestsOutcome::Run(TestsTask::Runs(of))
            }
            None => TestsOutcome::Changed,
        }
    }

    fn open(&mut self) -> TestsOutcome {
        match self.column {
            Column::Targets => {
                self.column = Column::Runs;
                TestsOutcome::Changed
            }
            Column::Runs => {
                let Some(record) = self.runs.get(self.run_cursor) else {
                    return TestsOutcome::Toast("no stored run here yet: r runs the suite".into());
                };
                self.shown = Some(ShownRun::stored(record));
                self.case_cursor = first_failure(&record.report.cases);
                self.column = Column::Calls;
                TestsOutcome::Changed
            }
            Column::Calls => self.open_case(),
        }
    }

    /// Opens the call under the cursor.
    pub fn open_case(&mut self) -> TestsOutcome {
        let Some(case) = self
            .shown
            .as_ref()
            .and_then(|s| s.cases.get(self.case_cursor))
        else {
            return TestsOutcome::Nothing;
        };
        self.detail = Some(OpenDetail {
            title: format!("{} · {}", case.title(), outcome_word(case)),
            lines: case_detail(case),
            scroll: 0,
        });
        TestsOutcome::Changed
    }

    fn run(&mut self) -> TestsOutcome {
        if self.running.is_some() {
            return TestsOutcome::Toast("a run is going on (Ctrl-C cancels it)".into());
        }
        let Some(target) = self.selected_target() else {
            return TestsOutcome::Toast(
                "nothing to test: open a spec (pane 1) or generate a connector (pane 2)".into(),
            );
        };
        let run = self.next_run;
        self.next_run += 1;
        let (cancel, cancelled) = oneshot::channel();
        self.running = Some(Running {
            run,
            cancel: Some(cancel),
        });
        self.shown = Some(ShownRun {
            title: format!("· {}", self.suite.as_str()),
            api: self.api.label(),
            stored: None,
            planned: None,
            cases: Vec::new(),
            state: RunState::Running,
            duration_ms: None,
        });
        self.case_cursor = 0;
        self.column = Column::Calls;
        TestsOutcome::Run(TestsTask::Run(Box::new(RunRequest {
            run,
            project: self.project.clone(),
            target,
            api: self.api.clone(),
            options: RunOptions {
                suite: self.suite,
                allow_writes: self.allow_writes,
                ..RunOptions::default()
            },
            cancel: cancelled,
        })))
    }

    fn cancel(&mut self) -> TestsOutcome {
        match self.running.as_mut().and_then(|r| r.cancel.take()) {
            Some(cancel) => {
                let _ = cancel.send(());
                TestsOutcome::Toast("cancelling the run…".into())
            }
            None => TestsOutcome::Toast("no run to cancel".into()),
        }
    }

    fn current(&self, run: u64) -> bool {
        self.running.as_ref().is_some_and(|r| r.run == run)
    }

    pub fn receive(&mut self, message: TestsMessage) -> TestsOutcome {
        match message {
            TestsMessage::Connectors(Ok(connectors)) => {
                self.connectors = connectors;
                self.loaded = true;
                let count = self.targets().len();
                self.target_cursor = self.target_cursor.min(count.saturating_sub(1));
                return self.list_runs();
            }
            TestsMessage::Connectors(Err(reason)) => {
                self.loaded = true;
                return TestsOutcome::Toast(reason);
            }
            TestsMessage::Runs { of, runs } => {
                let current = self.selected_target().map(|t| t.runs_of(&self.project));
                if current.as_ref() != Some(&of) {
                    return TestsOutcome::Nothing;
                }
                match runs {
                    Ok(runs) => {
                        self.run_cursor = self.run_cursor.min(runs.len().saturating_sub(1));
                        self.runs = runs;
                        self.runs_of = Some(of);
                    }
                    Err(reason) => return TestsOutcome::Toast(reason),
                }
            }
            TestsMessage::Event { run, event } if self.current(run) => {
                let Some(shown) = self.shown.as_mut() else {
                    return TestsOutcome::Nothing;
                };
                match event {
                    RunEvent::Started { cases, .. } => shown.planned = Some(cases),
                    RunEvent::CaseFinished { case, .. } => shown.cases.push(*case),
                }
            }
            TestsMessage::Finished { run, outcome } if self.current(run) => {
                self.running = None;
                let Some(shown) = self.shown.as_mut() else {
                    return TestsOutcome::Nothing;
                };
                match outcome {
                    Ok(record) => {
                        let totals = record.report.totals;
                        shown.title = run_title(&record);
                        shown.api = record.report.api.clone();
                        shown.stored = Some(record.id);
                        shown.cases = record.report.cases.clone();
                        shown.duration_ms = Some(record.report.duration_ms);
                        shown.state = RunState::Finished;
                        if self.case_cursor == 0 {
                            self.case_cursor = first_failure(&shown.cases);
                        }
                        let mine = self.runs_of.as_ref().is_some_and(|of| {
                            record.connector.as_ref() == of.connector.as_ref()
                                && (of.connector.is_some() || record.report.target == of.target)
                        });
                        if mine {
                            self.runs.insert(0, *record);
                            self.run_cursor = 0;
                        }
                        return TestsOutcome::Toast(format!(
                            "{} passed, {} failed, {} skipped · success rate {:.1}%",
                            totals.passed,
                            totals.failed,
                            totals.skipped,
                            totals.success_rate()
                        ));
                    }
                    Err(reason) => {
                        shown.state = RunState::Failed(reason.clone());
                        return TestsOutcome::Toast(format!("the run failed: {reason}"));
                    }
                }
            }
            TestsMessage::Cancelled { run } if self.current(run) => {
                self.running = None;
                if let Some(shown) = self.shown.as_mut() {
                    shown.state = RunState::Cancelled;
                }
                return TestsOutcome::Toast(
                    "cancelled: the run and what it started stopped".into(),
                );
            }
            TestsMessage::Event { .. }
            | TestsMessage::Finished { .. }
            | TestsMessage::Cancelled { .. } => return TestsOutcome::Nothing,
        }
        TestsOutcome::Changed
    }

    /// The text `y` copies: the open detail, else the run shown as a report.
    pub fn focused_text(&self) -> Option<String> {
        if let Some(detail) = &self.detail {
            let mut text = format!("{}\n", detail.title);
            for line in &detail.lines {
                text.push_str(&line.text);
                text.push('\n');
            }
            return Some(text);
        }
        let shown = self.shown.as_ref()?;
        let mut text = format!("Run {} · API {}\n", shown.title, shown.api);
        for case in &shown.cases {
            text.push_str(&format!("{} {}\n", outcome_word(case), case.title()));
            if let Some(check) = case.first_failure() {
                text.push_str(&format!("    {}\n", check.line()));
            }
        }
        Some(text)
    }
}
