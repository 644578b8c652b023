//! The Generate pane's work, off the UI thread: building the operations on offer, and generation jobs handed
//! to the job manager (each stored transition reported back as it happens).

use std::sync::Arc;

use tokio::sync::mpsc;

use super::selection::Choices;
use crate::codegen::{GeneratedFile, Language};
use crate::engine::GenerateRequest;
use crate::engine::api::Health;
use crate::engine::embedded::Generated;
use crate::engine::queue::{CancelHandle, Cancelled, Engine, JobEvent, JobSink};
use crate::engine::remote::{RemoteEngine, RemoteSettings};
use crate::spec::model::ApiModel;
use crate::store::{ConnectorRecord, JobRecord, SpecVersion};
use crate::tui::{Context, Message};

pub enum GenerateTask {
    /// Build every tool of the spec, for the picker.
    Choices {
        version: SpecVersion,
        model: Arc<ApiModel>,
    },
    /// Queue a generation job with the job manager.
    Generate {
        request: Box<GenerateRequest>,
        /// A remote engine to run it on; the embedded engine when `None`.
        remote: Option<RemoteSettings>,
        cancel: CancelHandle,
    },
    /// Ask job `id` to stop.
    Cancel(u64),
    /// Follow the remote engine's jobs left unfinished by a quit or a crash.
    Resume(RemoteSettings),
    /// Ask the remote engine how it is.
    Health(RemoteSettings),
}

/// A finished generation.
pub struct Finished {
    pub job: JobRecord,
    pub connector: ConnectorRecord,
    pub language: Language,
    pub files: Arc<Vec<GeneratedFile>>,
}

pub enum GenerateMessage {
    Choices {
        version: SpecVersion,
        choices: Choices,
    },
    /// The pane's job, as stored when it was queued (before any of its progress).
    Submitted(JobRecord),
    /// A job after a transition (already stored).
    Progress(JobRecord),
    /// Job `job` ended.
    Finished {
        job: u64,
        outcome: Result<Box<Finished>, String>,
    },
    /// The remote engine's health (engine and model), or why it cannot be reached.
    Health(Result<Health, String>),
    /// What came of a cancel or a submission that could not be queued.
    Notice(String),
}

pub fn spawn(task: GenerateTask, context: &Context, queue: mpsc::UnboundedSender<Message>) {
    let send = move |message| {
        let _ = queue.send(Message::Generate(message));
    };
    match task {
        GenerateTask::Choices { version, model } => {
            tokio::task::spawn_blocking(move || {
                send(GenerateMessage::Choices {
                    version,
                    choices: Choices::of(&model),
                })
            });
        }
        GenerateTask::Health(remote) => {
            tokio::spawn(async move {
                let health = match RemoteEngine::new(remote) {
                    Ok(engine) => engine.health().await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                send(GenerateMessage::Health(health));
            });
        }
        GenerateTask::Generate {
            request,
            remote,
            cancel,
        } => {
            let jobs = context.jobs.clone();
            let engine = remote.map_or(Engine::Embedded, Engine::Remote);
            // Submitting writes the queued job to the store: off the UI thread too.
            tokio::spawn(async move {
                let submitted = std::sync::atomic::AtomicBool::new(false);
                let forward = send.clone();
                let sink: JobSink = Arc::new(move |event| {
                    // The first event is the job as queued: the pane's own (see `Submitted`).
                    let first = !submitted.swap(true, std::sync::atomic::Ordering::SeqCst);
                    forward(match event {
                        JobEvent::Progress(job) if first => GenerateMessage::Submitted(*job),
                        other => message_of(other),
                    })
                });
                if let Err(reason) = jobs.submit(*request, engine, sink, cancel) {
                    send(GenerateMessage::Notice(format!(
                        "the job was not queued: {reason}"
                    )));
                }
            });
        }
        GenerateTask::Cancel(id) => {
            let notice = match context.jobs.cancel(id) {
                Cancelled::Requested => format!("cancelling job #{id}"),
                Cancelled::NotRunning => format!("job #{id} is not running here"),
            };
            send(GenerateMessage::Notice(notice));
        }
        GenerateTask::Resume(remote) => {
            let jobs = context.jobs.clone();
            tokio::spawn(async move {
                let forward = send.clone();
                let sink: JobSink = Arc::new(move |event| forward(message_of(event)));
                match jobs.resume(remote, sink) {
                    Ok(0) => {}
                    Ok(count) => send(GenerateMessage::Notice(format!(
                        "following {count} job{} left on the remote engine",
                        if count == 1 { "" } else { "s" }
                    ))),
                    Err(reason) => send(GenerateMessage::Notice(reason)),
                }
            });
        }
    }
}

fn message_of(event: JobEvent) -> GenerateMessage {
    match event {
        JobEvent::Progress(job) => GenerateMessage::Progress(*job),
        JobEvent::Finished { job, outcome } => GenerateMessage::Finished {
            job,
            outcome: outcome.map(|generated| finished(*generated)),
        },
    }
}

fn finished(generated: Generated) -> Box<Finished> {
    Box::new(Finished {
        job: generated.job,
        connector: generated.connector,
        language: generated.project.language,
        files: Arc::new(generated.project.files),
    })
}
