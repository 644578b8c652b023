//! The Generate pane's work, off the UI thread: building the operations on offer, and the generation job
//! (each stored transition reported back as it happens).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tokio::sync::mpsc;

use super::selection::Choices;
use crate::codegen::{GeneratedFile, Language};
use crate::engine::GenerateRequest;
use crate::engine::embedded::generate_connector;
use crate::spec::model::ApiModel;
use crate::store::{ConnectorRecord, JobRecord, SpecVersion, Store};
use crate::tui::Message;

pub enum GenerateTask {
    /// Build every tool of the spec, for the picker.
    Choices {
        version: SpecVersion,
        model: Arc<ApiModel>,
    },
    Generate {
        request: GenerateRequest,
        cancel: Arc<AtomicBool>,
    },
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
}

pub fn spawn(task: GenerateTask, store: Arc<Store>, queue: mpsc::UnboundedSender<Message>) {
    tokio::task::spawn_blocking(move || {
        let send = |message| {
            let _ = queue.send(Message::Generate(message));
        };
        match task {
            GenerateTask::Choices { version, model } => send(GenerateMessage::Choices {
                version,
                choices: Choices::of(&model),
            }),
            GenerateTask::Generate { request, cancel } => {
                let outcome = generate_connector(&store, &request, &cancel, |job| {
                    send(GenerateMessage::Progress(job.clone()))
                });
                send(GenerateMessage::Finished(outcome.map(|generated| {
                    Box::new(Finished {
                        job: generated.job,
                        connector: generated.connector,
                        language: generated.project.language,
                        files: Arc::new(generated.project.files),
                    })
                })));
            }
        }
    });
}
