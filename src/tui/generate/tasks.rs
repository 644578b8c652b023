//! The Generate pane's work, off the UI thread: building the operations on offer, and the generation job
//! (each stored transition reported back as it happens).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tokio::sync::mpsc;

use super::selection::Choices;
use crate::codegen::{GeneratedFile, Language};
use crate::engine::GenerateRequest;
use crate::engine::api::Health;
use crate::engine::embedded::{Generated, generate_connector};
use crate::engine::remote::{RemoteEngine, RemoteSettings};
use crate::engine::remote_job::{follow, generate_remote, unfinished};
use crate::spec::model::ApiModel;
use crate::store::add_spec::stored_spec;
use crate::store::{ConnectorRecord, JobRecord, SpecVersion, Store};
use crate::tui::Message;

pub enum GenerateTask {
    /// Build every tool of the spec, for the picker.
    Choices {
        version: SpecVersion,
        model: Arc<ApiModel>,
    },
    Generate {
        request: Box<GenerateRequest>,
        cancel: Arc<AtomicBool>,
        /// A remote engine to run it on; the embedded engine when `None`.
        remote: Option<RemoteSettings>,
    },
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
    /// The job after a transition (already stored).
    Progress(JobRecord),
    Finished(Result<Box<Finished>, String>),
    /// The remote engine's health (engine and model), or why it cannot be reached.
    Health(Result<Health, String>),
}

pub fn spawn(task: GenerateTask, store: Arc<Store>, queue: mpsc::UnboundedSender<Message>) {
    let task = match task {
        GenerateTask::Generate {
            request,
            remote: Some(remote),
            ..
        } => return spawn_remote(*request, remote, store, queue),
        GenerateTask::Resume(remote) => return spawn_resume(remote, store, queue),
        GenerateTask::Health(remote) => {
            tokio::spawn(async move {
                let health = match RemoteEngine::new(remote) {
                    Ok(engine) => engine.health().await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                let _ = queue.send(Message::Generate(GenerateMessage::Health(health)));
            });
            return;
        }
        other => other,
    };
    tokio::task::spawn_blocking(move || {
        let send = |message| {
            let _ = queue.send(Message::Generate(message));
        };
        match task {
            GenerateTask::Choices { version, model } => send(GenerateMessage::Choices {
                version,
                choices: Choices::of(&model),
            }),
            GenerateTask::Resume(_) | GenerateTask::Health(_) => {}
            GenerateTask::Generate {
                request, cancel, ..
            } => {
                let outcome = generate_connector(&store, &request, &cancel, |job| {
                    send(GenerateMessage::Progress(job.clone()))
                });
                send(GenerateMessage::Finished(outcome.map(finished)));
            }
        }
    });
}

fn finished(generated: Generated) -> Box<Finished> {
    Box::new(Finished {
        job: generated.job,
        connector: generated.connector,
        language: generated.project.language,
        files: Arc::new(generated.project.files),
    })
}

/// The spec's text as the project keeps it (the remote engine takes the document itself).
fn spec_text(store: &Store, request: &GenerateRequest) -> Result<String, String> {
    let (_, bytes) = stored_spec(store, &request.project, &request.spec, request.spec_version)?;
    String::from_utf8(bytes).map_err(|_| format!("{}: is not UTF-8 text", request.spec))
}

fn spawn_remote(
    request: GenerateRequest,
    remote: RemoteSettings,
    store: Arc<Store>,
    queue: mpsc::UnboundedSender<Message>,
) {
    tokio::spawn(async move {
        let send = |message| {
            let _ = queue.send(Message::Generate(message));
        };
        let outcome = async {
            let engine = RemoteEngine::new(remote)?;
            let text = spec_text(&store, &request)?;
            generate_remote(&store, &engine, &request, text, &mut |job| {
                send(GenerateMessage::Progress(job.clone()))
            })
            .await
        }
        .await;
        send(GenerateMessage::Finished(outcome.map(finished)));
    });
}

fn spawn_resume(remote: RemoteSettings, store: Arc<Store>, queue: mpsc::UnboundedSender<Message>) {
    tokio::spawn(async move {
        let send = |message| {
            let _ = queue.send(Message::Generate(message));
        };
        let Ok(engine) = RemoteEngine::new(remote.clone()) else {
            return;
        };
        let jobs = match unfinished(&store, &remote.url) {
            Ok(jobs) => jobs,
            Err(e) => return send(GenerateMessage::Finished(Err(e))),
        };
        for job in jobs {
            let outcome = follow(&store, &engine, job, &mut |job| {
                send(GenerateMessage::Progress(job.clone()))
            })
            .await;
            send(GenerateMessage::Finished(outcome.map(finished)));
        }
    });
}
