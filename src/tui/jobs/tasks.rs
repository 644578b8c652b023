//! The Jobs pane's work, off the UI thread: listing the jobs, reading a connector's files, and preparing a
//! failed job's request to run again (its spec version loaded from the store).

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::codegen::GeneratedFile;
use crate::engine::{GenerateRequest, JobRequest};
use crate::spec::{LoadOptions, load_bytes};
use crate::store::add_spec::stored_spec;
use crate::store::{ConnectorRecord, JobRecord, Store};
use crate::tui::Message;

pub enum JobsTask {
    List,
    OpenConnector { project: String, name: String },
    PrepareRetry(Box<JobRecord>),
}

/// How many of the newest jobs are read for the first frame, before the whole history.
pub const FIRST_PAGE: usize = 200;

pub enum JobsMessage {
    /// The newest [`FIRST_PAGE`] jobs, newest first; every job follows as `Listed`.
    Newest(Vec<JobRecord>),
    /// Every job, oldest first.
    Listed(Result<Vec<JobRecord>, String>),
    Connector(Result<Box<(ConnectorRecord, Vec<GeneratedFile>)>, String>),
    RetryReady(Result<Box<GenerateRequest>, String>),
}

pub fn spawn(task: JobsTask, store: Arc<Store>, queue: mpsc::UnboundedSender<Message>) {
    tokio::task::spawn_blocking(move || {
        let message = match task {
            JobsTask::List => list(&store, &queue),
            JobsTask::OpenConnector { project, name } => {
                JobsMessage::Connector(open_connector(&store, &project, &name).map(Box::new))
            }
            JobsTask::PrepareRetry(job) => {
                JobsMessage::RetryReady(prepare_retry(&store, &job).map(Box::new))
            }
        };
        let _ = queue.send(Message::Jobs(message));
    });
}

/// The newest jobs first (sent at once when there are more), then every job.
fn list(store: &Store, queue: &mpsc::UnboundedSender<Message>) -> JobsMessage {
    match store.recent_jobs(FIRST_PAGE) {
        Ok(newest) if newest.len() == FIRST_PAGE => {
            let _ = queue.send(Message::Jobs(JobsMessage::Newest(newest)));
            JobsMessage::Listed(store.jobs().map_err(|e| e.to_string()))
        }
        Ok(mut every) => {
            every.reverse();
            JobsMessage::Listed(Ok(every))
        }
        Err(e) => JobsMessage::Listed(Err(e.to_string())),
    }
}

fn open_connector(
    store: &Store,
    project: &str,
    name: &str,
) -> Result<(ConnectorRecord, Vec<GeneratedFile>), String> {
    let connector = store
        .connector(project, name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the connector {name} is no longer in {project}"))?;
    let files = store
        .connector_files(&connector)
        .map_err(|e| e.to_string())?;
    Ok((connector, files))
}

/// The request a failed job kept, on its spec version loaded again.
pub fn prepare_retry(store: &Store, job: &JobRecord) -> Result<GenerateRequest, String> {
    let kept: JobRequest = job
        .request
        .clone()
        .ok_or_else(|| format!("job #{} kept no request", job.id))
        .and_then(|value| {
            serde_json::from_value(value)
                .map_err(|e| format!("job #{}'s request cannot be read: {e}", job.id))
        })?;
    let (version, bytes) = stored_spec(store, &job.project, &kept.spec, kept.spec_version)?;
    let model = load_bytes(&version.name, &bytes, None, &LoadOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(GenerateRequest::from_job(
        &kept,
        &job.project,
        Arc::new(model),
    ))
}
