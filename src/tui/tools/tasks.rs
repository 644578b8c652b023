//! The Tools pane's effects, each run in a task that reports back as a [`ToolsMessage`].

use std::sync::Arc;

use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

use super::ToolsMessage;
use super::live::{self, Context, ServerChoice};
use super::output::{self, Rendered};
use crate::mcp::{CallOptions, Connection};
use crate::store::{CallRecord, now_millis};
use crate::tui::Message;

/// Work the Tools pane asks for.
pub enum ToolsRequest {
    /// The saved profiles, and the generated connectors of this project.
    ListProfiles {
        project: String,
    },
    /// Import profiles from an `mcpServers` file at this path.
    Import(String),
    /// Connects to `choice`, closing the session it replaces first.
    Connect {
        choice: ServerChoice,
        replacing: Option<Box<live::Live>>,
    },
    Call {
        connection: Arc<Connection>,
        server: String,
        tool: String,
        arguments: Map<String, Value>,
        cancel: oneshot::Receiver<()>,
    },
    ReadResource {
        connection: Arc<Connection>,
        uri: String,
    },
    GetPrompt {
        connection: Arc<Connection>,
        name: String,
        arguments: Map<String, Value>,
    },
    Close(Box<live::Live>),
    LoadHistory,
}

pub fn spawn(request: ToolsRequest, context: Context, queue: mpsc::UnboundedSender<Message>) {
    tokio::spawn(async move {
        let message = run(request, context, queue.clone()).await;
        if let Some(message) = message {
            let _ = queue.send(Message::Tools(message));
        }
    });
}

async fn run(
    request: ToolsRequest,
    context: Context,
    queue: mpsc::UnboundedSender<Message>,
) -> Option<ToolsMessage> {
    let store = context.store.clone();
    Some(match request {
        ToolsRequest::ListProfiles { project } => ToolsMessage::Profiles(
            blocking(move || {
                let listed = || {
                    let profiles = store.profiles()?;
                    let mut connectors = store.connectors(&project)?;
                    connectors.sort_by_key(|c| std::cmp::Reverse(c.created_at));
                    Ok::<_, crate::store::StoreError>((profiles, connectors))
                };
                listed().map_err(|e| e.to_string())
            })
            .await,
        ),
        ToolsRequest::Import(path) => {
            ToolsMessage::Imported(blocking(move || import_profiles(&store, &path)).await)
        }
        ToolsRequest::Connect { choice, replacing } => {
            if let Some(old) = replacing {
                old.close().await;
            }
            let label = choice.label();
            match live::connect(choice, context, queue).await {
                Ok(live) => ToolsMessage::Connected(Box::new(live)),
                Err(reason) => ToolsMessage::ConnectFailed { label, reason },
            }
        }
        ToolsRequest::Call {
            connection,
            server,
            tool,
            arguments,
            cancel,
        } => call(connection, server, tool, arguments, cancel, context).await,
        ToolsRequest::ReadResource { connection, uri } => {
            let rendered = match connection.read_resource(&uri).await {
                Ok(result) => output::resource_contents(&uri, &to_value(&result)),
                Err(e) => output::failure(&format!("reading {uri}"), &e.to_string()),
            };
            ToolsMessage::Output {
                rendered,
                record: None,
            }
        }
        ToolsRequest::GetPrompt {
            connection,
            name,
            arguments,
        } => {
            // Prompt arguments are strings on the wire.
            let arguments = arguments
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, Value::String(s)),
                    other => (k, Value::String(other.to_string())),
                })
                .collect();
            let rendered = match connection.get_prompt(&name, arguments).await {
                Ok(result) => output::prompt_messages(&name, &to_value(&result)),
                Err(e) => output::failure(&format!("prompt {name}"), &e.to_string()),
            };
            ToolsMessage::Output {
                rendered,
                record: None,
            }
        }
        ToolsRequest::Close(live) => {
            live.close().await;
            return None;
        }
        ToolsRequest::LoadHistory => ToolsMessage::History(
            blocking(move || store.recent_calls(500).map_err(|e| e.to_string())).await,
        ),
    })
}

async fn call(
    connection: Arc<Connection>,
    server: String,
    tool: String,
    arguments: Map<String, Value>,
    cancel: oneshot::Receiver<()>,
    context: Context,
) -> ToolsMessage {
    let outcome = connection
        .call_tool(
            &tool,
            arguments.clone(),
            &CallOptions::default(),
            Some(cancel),
        )
        .await;
    let (rendered, result, is_error, elapsed_ms): (Rendered, Value, bool, u64) = match outcome {
        Ok(outcome) => {
            let result = to_value(&outcome.result);
            let elapsed_ms = outcome.elapsed.as_millis() as u64;
            let rendered =
                output::tool_result(&result, &outcome.output_problems, elapsed_ms, &tool);
            let is_error = rendered.is_error;
            (rendered, result, is_error, elapsed_ms)
        }
        Err(error) => {
            let reason = error.to_string();
            let rendered = output::failure(&format!("calling {tool}"), &reason);
            (rendered, Value::String(reason), true, 0)
        }
    };
    let record = CallRecord {
        id: 0,
        server,
        tool,
        arguments,
        result,
        is_error,
        duration_ms: elapsed_ms,
        at: now_millis(),
    };
    let store = context.store.clone();
    let saved = blocking(move || {
        let id = store
            .append_call(record.clone())
            .map_err(|e| e.to_string())?;
        // The stored copy (arguments redacted) is what history shows.
        Ok::<_, String>(CallRecord {
            id,
            arguments: crate::store::redact_arguments(&record.arguments),
            ..record
        })
    })
    .await;
    match saved {
        Ok(record) => ToolsMessage::Output {
            rendered,
            record: Some(record),
        },
        Err(reason) => ToolsMessage::Output {
            rendered: Rendered {
                lines: [
                    rendered.lines,
                    vec![vec![(
                        output::Tone::Problem,
                        format!("(not kept in history: {reason})"),
                    )]],
                ]
                .concat(),
                ..rendered
            },
            record: None,
        },
    }
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Runs blocking store work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(format!("the task stopped: {e}")))
}

/// Imports the profiles of an `mcpServers` file into the store; a summary of what was done.
fn import_profiles(store: &crate::store::Store, path: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let report = crate::mcp::profiles::import(&text, path).map_err(|e| e.to_string())?;
    for profile in &report.profiles {
        store.save_profile(profile).map_err(|e| e.to_string())?;
    }
    let mut summary = format!("imported {} profiles from {path}", report.profiles.len());
    if !report.skipped.is_empty() {
        summary.push_str(&format!(", skipped {}", report.skipped.len()));
    }
    if !report.secrets_moved.is_empty() {
        summary.push_str(&format!(
            "; {} secrets now read from environment variables",
            report.secrets_moved.len()
        ));
    }
    Ok(summary)
}
