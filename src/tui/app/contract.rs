//! The app's side of the Tests pane: the targets read when it comes into view (the spec open in the Specs
//! pane first), its tasks run, a run stopped when the workbench quits.

use super::App;
use crate::tui::Effect;
use crate::tui::contract::{TestsMessage, TestsOutcome};
use crate::tui::keymap::Action;

impl App {
    /// Applies what the Tests pane asked for.
    pub(super) fn apply_tests(&mut self, outcome: TestsOutcome) -> (bool, Vec<Effect>) {
        match outcome {
            TestsOutcome::Nothing => (false, Vec::new()),
            TestsOutcome::Changed => (true, Vec::new()),
            TestsOutcome::Run(task) => (true, vec![Effect::Tests(task)]),
            TestsOutcome::Toast(text) => {
                self.toast = Some(text);
                (true, Vec::new())
            }
        }
    }

    pub(super) fn receive_tests(&mut self, message: TestsMessage) -> (bool, Vec<Effect>) {
        let outcome = self.tests.receive(message);
        self.apply_tests(outcome)
    }

    /// The Tests pane in view: its targets read again, the open spec offered first.
    pub(super) fn show_tests(&mut self) -> Vec<Effect> {
        let served = match (self.specs.opened_version(), &self.specs.opened) {
            (Some(version), Some(opened)) => Some((version, opened.model.clone())),
            _ => None,
        };
        let project = self.specs.project.clone();
        self.tests
            .show(&project, served)
            .into_iter()
            .map(Effect::Tests)
            .collect()
    }

    /// Cancels a running test run (when the workbench quits); whether one was running.
    pub fn stop_test_run(&mut self) -> bool {
        if !self.tests.is_running() {
            return false;
        }
        let _ = self.tests.act(Action::Cancel);
        true
    }
}
