//! The app's side of the Jobs pane: listing when it comes into view, a connector opened in the Code pane,
//! a failed job run again through the Generate pane's job.

use super::App;
use crate::tui::code::CodeSource;
use crate::tui::jobs::{JobsMessage, JobsOutcome, JobsTask};
use crate::tui::{Effect, Pane};

impl App {
    /// Applies what the Jobs pane asked for.
    pub(super) fn apply_jobs(&mut self, outcome: JobsOutcome) -> (bool, Vec<Effect>) {
        match outcome {
            JobsOutcome::Nothing => (false, Vec::new()),
            JobsOutcome::Changed => (true, Vec::new()),
            JobsOutcome::Run(task) => (true, vec![Effect::Jobs(task)]),
            JobsOutcome::Toast(text) => {
                self.toast = Some(text);
                (true, Vec::new())
            }
        }
    }

    /// The jobs as the store has them now.
    pub(super) fn list_jobs(&self) -> Effect {
        Effect::Jobs(JobsTask::List)
    }

    pub(super) fn receive_jobs(&mut self, message: JobsMessage) -> (bool, Vec<Effect>) {
        match message {
            JobsMessage::Newest(jobs) => {
                self.jobs.set_newest(jobs);
                (true, Vec::new())
            }
            JobsMessage::Listed(Ok(jobs)) => {
                self.jobs.set_jobs(jobs);
                (true, Vec::new())
            }
            JobsMessage::Connector(Ok(opened)) => {
                let (connector, files) = *opened;
                let language =
                    crate::codegen::Language::parse(&connector.language).unwrap_or_default();
                self.focus = Pane::Code;
                self.toast = Some(format!("{}: {} files", connector.name, files.len()));
                self.show_code(CodeSource {
                    title: connector.name,
                    language,
                    files: std::sync::Arc::new(files),
                    saved_to: connector.saved_to.map(std::path::PathBuf::from),
                })
            }
            JobsMessage::RetryReady(Ok(request)) => {
                self.toast = Some(format!("running {} again (pane 2 shows it)", request.name));
                let outcome = self.generate.run_request(*request);
                self.apply_generate(outcome)
            }
            JobsMessage::Listed(Err(reason))
            | JobsMessage::Connector(Err(reason))
            | JobsMessage::RetryReady(Err(reason)) => {
                self.error = Some(reason);
                (true, Vec::new())
            }
        }
    }
}
