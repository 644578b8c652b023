//! The Jobs pane: every job in the store, newest first, filtered by text (kind, status, connector, project)
//! and by status; the selected job's timeline, log, result or error. `Enter` opens its connector in the Code
//! pane, `r` runs a failed job again (as the Generate pane would, with what the job kept of its request).

mod draw;
pub use draw::log_line;
pub mod tasks;

use crossterm::event::KeyEvent;

use crate::store::{JobRecord, JobStatus};
use crate::tui::keymap::Action;
use crate::tui::widgets::{FilterKey, move_cursor, type_into_filter};
pub use tasks::{JobsMessage, JobsTask};

/// What the pane asks of the app.
pub enum JobsOutcome {
    Nothing,
    Changed,
    Run(JobsTask),
    Toast(String),
}

#[derive(Default)]
pub struct JobsPane {
    /// Newest first.
    pub jobs: Vec<JobRecord>,
    pub loaded: bool,
    /// Only the newest jobs are in; the rest are being read.
    pub partial: bool,
    pub cursor: usize,
    pub filter: String,
    pub filtering: bool,
    /// Only jobs with this status.
    pub status: Option<JobStatus>,
}

impl JobsPane {
    /// The jobs shown, as indices into `jobs`.
    pub fn visible(&self) -> Vec<usize> {
        let needle = self.filter.to_lowercase();
        self.jobs
            .iter()
            .enumerate()
            .filter(|(_, job)| self.status.is_none_or(|s| job.status == s))
            .filter(|(_, job)| {
                needle.is_empty() || {
                    let text = format!(
                        "{} {} {} {} {} #{}",
                        job.kind.as_str(),
                        job.status.as_str(),
                        job.connector.as_deref().unwrap_or(""),
                        job.project,
                        job.engine,
                        job.id
                    )
                    .to_lowercase();
                    text.contains(&needle)
                }
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn selected(&self) -> Option<&JobRecord> {
        let visible = self.visible();
        let index = *visible.get(self.cursor.min(visible.len().saturating_sub(1)))?;
        self.jobs.get(index)
    }

    /// The store's jobs (oldest first, as the store gives them).
    pub fn set_jobs(&mut self, mut jobs: Vec<JobRecord>) {
        let selected = self.selected().map(|j| j.id);
        jobs.reverse();
        self.jobs = jobs;
        self.loaded = true;
        self.partial = false;
        if let Some(id) = selected {
            let visible = self.visible();
            self.cursor = visible
                .iter()
                .position(|&i| self.jobs[i].id == id)
                .unwrap_or(0);
        }
    }

    /// The newest jobs (newest first) while the rest are read; a pane showing a whole list keeps it.
    pub fn set_newest(&mut self, jobs: Vec<JobRecord>) {
        if self.loaded {
            return;
        }
        self.jobs = jobs;
        self.loaded = true;
        self.partial = true;
    }

    /// A job's new state (from a running generation): replaced in place, or added on top.
    pub fn upsert(&mut self, job: &JobRecord) {
        if job.id == 0 {
            return;
        }
        match self.jobs.iter_mut().find(|j| j.id == job.id) {
            Some(existing) => *existing = job.clone(),
            None => self.jobs.insert(0, job.clone()),
        }
    }

    pub fn takes_keys(&self) -> bool {
        self.filtering
    }

    pub fn type_key(&mut self, key: KeyEvent) -> JobsOutcome {
        match type_into_filter(&mut self.filter, &mut self.filtering, key) {
            FilterKey::Ignored => JobsOutcome::Nothing,
            _ => {
                self.cursor = 0;
                JobsOutcome::Changed
            }
        }
    }

    pub fn act(&mut self, action: Action) -> JobsOutcome {
        let count = self.visible().len();
        match action {
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => move_cursor(&mut self.cursor, count, action),
            Action::Filter => self.filtering = true,
            Action::Back if !self.filter.is_empty() || self.status.is_some() => {
                self.filter.clear();
                self.status = None;
            }
            Action::CycleStatus => {
                self.status = match self.status {
                    None => Some(JobStatus::Failed),
                    Some(JobStatus::Failed) => Some(JobStatus::Completed),
                    Some(JobStatus::Completed) => Some(JobStatus::Processing),
                    Some(JobStatus::Processing) => Some(JobStatus::Queued),
                    Some(JobStatus::Queued) => None,
                };
                self.cursor = 0;
            }
            Action::Open => return self.open(),
            Action::Retry => return self.retry(),
            _ => return JobsOutcome::Nothing,
        }
        JobsOutcome::Changed
    }

    fn open(&self) -> JobsOutcome {
        let Some(job) = self.selected() else {
            return JobsOutcome::Nothing;
        };
        match (&job.connector, job.status) {
            (Some(name), JobStatus::Completed) => JobsOutcome::Run(JobsTask::OpenConnector {
                project: job.project.clone(),
                name: name.clone(),
            }),
            _ => JobsOutcome::Toast(format!(
                "job #{} made no connector to open ({})",
                job.id,
                job.status.as_str()
            )),
        }
    }

    fn retry(&self) -> JobsOutcome {
        let Some(job) = self.selected() else {
            return JobsOutcome::Nothing;
        };
        if job.status != JobStatus::Failed {
            return JobsOutcome::Toast(format!(
                "job #{} is {}: only a failed job runs again",
                job.id,
                job.status.as_str()
            ));
        }
        if job.request.is_none() {
            return JobsOutcome::Toast(format!("job #{} kept no request to run again", job.id));
        }
        JobsOutcome::Run(JobsTask::PrepareRetry(Box::new(job.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::JobKind;

    fn job(id: u64, status: JobStatus, connector: &str) -> JobRecord {
        let mut job = JobRecord::queued(JobKind::Generate, "sample", Some(connector), "embedded");
        job.id = id;
        job.status = status;
        job
    }

    #[test]
    fn newest_first_filtered_by_text_and_status() {
        let mut pane = JobsPane::default();
        pane.set_jobs(vec![
            job(1, JobStatus::Completed, "clinic"),
            job(2, JobStatus::Failed, "clinic"),
            job(3, JobStatus::Completed, "billing"),
        ]);
        assert_eq!(pane.selected().unwrap().id, 3);
        pane.act(Action::CycleStatus);
        assert_eq!(pane.visible().len(), 1);
        assert_eq!(pane.selected().unwrap().id, 2);
        pane.act(Action::CycleStatus);
        pane.filter = "clinic".into();
        assert_eq!(pane.selected().unwrap().id, 1);
        pane.act(Action::Back);
        assert_eq!(pane.visible().len(), 3);
        // A running job's progress replaces it in place; a new one goes on top.
        let mut running = job(4, JobStatus::Processing, "clinic");
        pane.upsert(&running);
        running.status = JobStatus::Completed;
        pane.upsert(&running);
        assert_eq!(pane.jobs.len(), 4);
        assert_eq!(pane.jobs[0].status, JobStatus::Completed);
    }

    #[test]
    fn the_newest_jobs_show_until_every_job_is_read() {
        let mut pane = JobsPane::default();
        pane.set_newest(vec![job(9, JobStatus::Completed, "clinic")]);
        assert!(pane.loaded && pane.partial);
        assert_eq!(pane.selected().unwrap().id, 9);
        pane.set_jobs(vec![
            job(1, JobStatus::Failed, "clinic"),
            job(9, JobStatus::Completed, "clinic"),
        ]);
        assert!(!pane.partial);
        assert_eq!(pane.jobs.len(), 2);
        // Coming back to the pane: the whole list stays until the new one is read.
        pane.set_newest(vec![job(9, JobStatus::Completed, "clinic")]);
        assert_eq!((pane.jobs.len(), pane.partial), (2, false));
    }

    #[test]
    fn only_failed_jobs_with_a_request_run_again() {
        let mut pane = JobsPane::default();
        let mut failed = job(2, JobStatus::Failed, "clinic");
        pane.set_jobs(vec![job(1, JobStatus::Completed, "clinic"), failed.clone()]);
        assert!(
            matches!(pane.act(Action::Retry), JobsOutcome::Toast(t) if t.contains("no request"))
        );
        failed.request = Some(serde_json::json!({}));
        pane.set_jobs(vec![job(1, JobStatus::Completed, "clinic"), failed]);
        assert!(matches!(
            pane.act(Action::Retry),
            JobsOutcome::Run(JobsTask::PrepareRetry(_))
        ));
        pane.act(Action::Down);
        assert!(
            matches!(pane.act(Action::Retry), JobsOutcome::Toast(t) if t.contains("only a failed job"))
        );
        assert!(matches!(
            pane.act(Action::Open),
            JobsOutcome::Run(JobsTask::OpenConnector { .. })
        ));
    }
}
