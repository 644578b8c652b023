//! The Tests pane's work, off the UI thread: the project's connectors, a target's past runs, and a suite run
//! whose calls come back one by one, stored when it ends; cancelling drops the run, which stops the mock,
//! the recording proxy and the server it started.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::{ApiChoice, RunsOf, TestTarget};
use crate::contract::{
    ApiBackend, ContractSpec, ContractTarget, McpServer, RunEvent, RunOptions, TestRunReport,
};
use crate::spec::{LoadOptions, load_bytes};
use crate::store::add_spec::stored_spec;
use crate::store::{ConnectorRecord, Store, TestRunRecord};
use crate::tui::Message;
use crate::tui::tools::connector::connector_target;
use crate::tui::tools::{Backend, Context};

/// The share of requests the faulty mock fails, and its seed (the same seed fails the same calls).
pub const FAULT_PERCENT: u8 = 30;
pub const FAULT_SEED: u64 = 7;

pub enum TestsTask {
    /// The project's connectors.
    Connectors {
        project: String,
    },
    /// The stored runs of one target.
    Runs(RunsOf),
    Run(Box<RunRequest>),
}

/// A suite to run: on what, against which API, with which options; `run` numbers it for its messages.
pub struct RunRequest {
    pub run: u64,
    pub project: String,
    pub target: TestTarget,
    pub api: ApiChoice,
    pub options: RunOptions,
    pub cancel: oneshot::Receiver<()>,
}

pub enum TestsMessage {
    Connectors(Result<Vec<ConnectorRecord>, String>),
    /// Newest first.
    Runs {
        of: RunsOf,
        runs: Result<Vec<TestRunRecord>, String>,
    },
    Event {
        run: u64,
        event: RunEvent,
    },
    /// The run ended and was stored (its id set); or why it could not be made or stored.
    Finished {
        run: u64,
        outcome: Result<Box<TestRunRecord>, String>,
    },
    /// Cancelled: everything it started is stopped.
    Cancelled {
        run: u64,
    },
}

pub fn spawn(task: TestsTask, context: &Context, queue: mpsc::UnboundedSender<Message>) {
    let store = context.store.clone();
    match task {
        TestsTask::Connectors { project } => {
            tokio::task::spawn_blocking(move || {
                let listed = store.connectors(&project).map_err(|e| e.to_string());
                let _ = queue.send(Message::Tests(TestsMessage::Connectors(listed)));
            });
        }
        TestsTask::Runs(of) => {
            tokio::task::spawn_blocking(move || {
                let runs = runs_of(&store, &of);
                let _ = queue.send(Message::Tests(TestsMessage::Runs { of, runs }));
            });
        }
        TestsTask::Run(request) => {
            tokio::spawn(run_suite(*request, context.clone(), queue));
        }
    }
}

/// The stored runs of a target, newest first.
fn runs_of(store: &Store, of: &RunsOf) -> Result<Vec<TestRunRecord>, String> {
    let mut runs: Vec<TestRunRecord> = match &of.connector {
        Some(connector) => store.connector_test_runs(&of.project, connector),
        None => store.test_runs().map(|runs| {
            runs.into_iter()
                .filter(|r| {
                    r.project.as_deref() == Some(of.project.as_str())
                        && r.connector.is_none()
                        && r.report.target == of.target
                })
                .collect()
        }),
    }
    .map_err(|e| e.to_string())?;
    runs.reverse();
    Ok(runs)
}

async fn run_suite(request: RunRequest, context: Context, queue: mpsc::UnboundedSender<Message>) {
    let RunRequest {
        run,
        project,
        target,
        api,
        mut options,
        cancel,
    } = request;
    let send = |message: TestsMessage| {
        let _ = queue.send(Message::Tests(message));
    };
    let (events, mut received) = mpsc::unbounded_channel();
    let forward = {
        let queue = queue.clone();
        tokio::spawn(async move {
            while let Some(event) = received.recv().await {
                let _ = queue.send(Message::Tests(TestsMessage::Event { run, event }));
            }
        })
    };
    let work = async {
        let contract_target = contract_target(&target, &api, &context, &mut options).await?;
        crate::contract::run(contract_target, &options, Some(events))
            .await
            .map_err(|e| e.to_string())
    };
    // Dropping the run on a cancel ends the server's process group, the mock and the proxy.
    let outcome: Result<TestRunReport, String> = tokio::select! {
        outcome = work => outcome,
        _ = cancel => {
            let _ = forward.await;
            send(TestsMessage::Cancelled { run });
            return;
        }
    };
    // Every call's event is in the queue before the end.
    let _ = forward.await;
    let outcome = match outcome {
        Ok(report) => {
            let connector = match &target {
                TestTarget::Connector(record) => Some(record.name.clone()),
                TestTarget::ServedSpec { .. } => None,
            };
            let store = context.store.clone();
            tokio::task::spawn_blocking(move || {
                let mut record =
                    TestRunRecord::from_report(report, Some(&project), connector.as_deref());
                store
                    .save_test_run(record.clone())
                    .map(|id| {
                        record.id = id;
                        Box::new(record)
                    })
                    .map_err(|e| format!("the run was not stored: {e}"))
            })
            .await
            .unwrap_or_else(|e| Err(format!("storing the run stopped: {e}")))
        }
        Err(message) => Err(message),
    };
    send(TestsMessage::Finished { run, outcome });
}

/// What the runner needs for `target`: the served spec, or the connector started with its own runtime
/// (its spec loaded from the store), with the API chosen.
async fn contract_target(
    target: &TestTarget,
    api: &ApiChoice,
    context: &Context,
    options: &mut RunOptions,
) -> Result<ContractTarget, String> {
    let api = match api {
        ApiChoice::Mock => ApiBackend::Mock,
        ApiChoice::FaultyMock => ApiBackend::MockWithFaults {
            fail_percent: FAULT_PERCENT,
            seed: FAULT_SEED,
        },
        ApiChoice::BaseUrl(url) => ApiBackend::BaseUrl(url.clone()),
    };
    match target {
        TestTarget::ServedSpec { version, model } => Ok(ContractTarget::serve_spec(
            ContractSpec {
                model: model.clone(),
                label: format!("{} v{}", version.name, version.version),
            },
            api,
        )),
        TestTarget::Connector(record) => {
            let store = context.store.clone();
            let kept = (**record).clone();
            let (label, model) = tokio::task::spawn_blocking(move || {
                let (version, bytes) =
                    stored_spec(&store, &kept.project, &kept.spec, kept.spec_version)?;
                let model = load_bytes(&version.name, &bytes, None, &LoadOptions::default())
                    .map_err(|e| e.to_string())?;
                Ok::<_, String>((format!("{} v{}", version.name, version.version), model))
            })
            .await
            .map_err(|e| format!("loading the spec stopped: {e}"))??;
            // Its base URL and credentials are set by the run (the recording proxy, the mock's).
            let (server, _, connect) =
                connector_target(record, &Backend::SpecServers, context).await?;
            options.initialize_timeout = connect.initialize_timeout;
            Ok(ContractTarget {
                server: McpServer::Connect(server),
                spec: Some(ContractSpec {
                    model: Arc::new(model),
                    label,
                }),
                api,
                base_url_variable: None,
                env_prefix: None,
                api_headers: Vec::new(),
            })
        }
    }
}
