//! One session with an MCP server: where it is ([`Target`]), connecting (initialize, with a clear account
//! of a server that fails to start), and the task that refreshes lists when the server says they changed.
//! Requests are [`Connection`]'s (the session derefs to it). Nothing here blocks a caller: every method is
//! async, and live events (progress, log messages, list changes) come through `subscribe`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::model::{CallToolResult, Implementation, ServerPeerInfo};
use rmcp::service::{RoleClient, RunningService};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use super::SessionError;
use super::capture::{Capture, CaptureLimits};
use super::connection::{CachedLists, Connection, with_stderr};
use super::events::{EventHandler, ListKind, PublishingTransport, SessionEvent};
use super::health::Health;
use super::http::connect_streamable_http;
use super::sse::connect_sse;
use super::stdio::{DEFAULT_MAX_MESSAGE_BYTES, StdioCommand, StdioTransport};

/// Where the server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdio(StdioCommand),
    StreamableHttp {
        url: String,
        headers: Vec<(String, String)>,
    },
    /// The legacy HTTP+SSE transport: the URL of the event stream (often `.../sse`).
    Sse {
        url: String,
        headers: Vec<(String, String)>,
    },
}

impl Target {
    /// `command arg...` or the URL, for messages.
    pub fn label(&self) -> String {
        match self {
            Target::Stdio(command) => {
                let mut words = vec![command.command.clone()];
                words.extend(command.args.iter().cloned());
                words.join(" ")
            }
            Target::StreamableHttp { url, .. } | Target::Sse { url, .. } => url.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// How long `initialize` may take (a server started through `npx` may first download itself).
    pub initialize_timeout: Duration,
    pub capture: CaptureLimits,
    /// The largest message read whole from a stdio server.
    pub max_message_bytes: usize,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            initialize_timeout: Duration::from_secs(60),
            capture: CaptureLimits::default(),
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

/// Limits of one call.
#[derive(Debug, Clone)]
pub struct CallOptions {
    /// Without an answer (or, with `reset_on_progress`, without progress) for this long, the call is
    /// cancelled.
    pub timeout: Duration,
    /// A progress notification restarts the timeout.
    pub reset_on_progress: bool,
    /// Never wait longer than this in all.
    pub max_total: Duration,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions {
            timeout: Duration::from_secs(60),
            reset_on_progress: true,
            max_total: Duration::from_secs(600),
        }
    }
}

/// A tool call's answer, with what the client found about it.
#[derive(Debug, Clone)]
pub struct CallOutcome {
    pub result: CallToolResult,
    /// How `structuredContent` breaks the tool's outputSchema (empty when it fits or there is none).
    pub output_problems: Vec<String>,
    pub elapsed: Duration,
}

/// What the server said about itself at initialize.
#[derive(Debug, Clone)]
pub struct ServerSummary {
    pub protocol_version: String,
    pub info: Option<Implementation>,
    pub instructions: Option<String>,
    pub peer: ServerPeerInfo,
}

/// A live session: the [`Connection`] it derefs to (shareable with [`Session::connection`]), and the rmcp
/// service and list refresher it owns. Dropping or closing it ends the connection.
pub struct Session {
    connection: Arc<Connection>,
    service: Option<RunningService<RoleClient, EventHandler>>,
    refresher: JoinHandle<()>,
}

impl std::ops::Deref for Session {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.connection
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.refresher.abort();
    }
}

impl Session {
    pub async fn connect(
        target: Target,
        options: &ConnectOptions,
    ) -> Result<Session, SessionError> {
        let capture = Arc::new(Capture::new(options.capture));
        let health = Arc::new(Health::default());
        let (events, _) = broadcast::channel(1024);
        let handler = EventHandler;
        let started = match &target {
            Target::Stdio(command) => {
                let transport = StdioTransport::spawn(
                    command,
                    capture.clone(),
                    health.clone(),
                    options.max_message_bytes,
                )
                .map_err(|source| SessionError::Start {
                    command: command.command.clone(),
                    source,
                })?;
                tokio::time::timeout(
                    options.initialize_timeout,
                    handler.serve(PublishingTransport::new(transport, events.clone())),
                )
                .await
            }
            Target::StreamableHttp { url, headers } => {
                let transport =
                    connect_streamable_http(url, headers, capture.clone(), health.clone())?;
                tokio::time::timeout(
                    options.initialize_timeout,
                    handler.serve(PublishingTransport::new(transport, events.clone())),
                )
                .await
            }
            Target::Sse { url, headers } => {
                let transport = connect_sse(
                    url,
                    headers,
                    capture.clone(),
                    health.clone(),
                    options.max_message_bytes,
                    options.initialize_timeout,
                )
                .await?;
                tokio::time::timeout(
                    options.initialize_timeout,
                    handler.serve(PublishingTransport::new(transport, events.clone())),
                )
                .await
            }
        };
        let service = match started {
            Ok(Ok(service)) => service,
            Ok(Err(error)) => {
                return Err(
                    initialize_failure(&target, &capture, &health, &error.to_string()).await,
                );
            }
            Err(_) => {
                let waited = format!(
                    "no answer to initialize within {} s",
                    options.initialize_timeout.as_secs_f64()
                );
                return Err(initialize_failure(&target, &capture, &health, &waited).await);
            }
        };
        let connection = Arc::new(Connection {
            target,
            peer: service.peer().clone(),
            capture,
            health,
            events,
            output_schemas: Mutex::new(HashMap::new()),
            lists: Mutex::new(CachedLists::default()),
        });
        let refresher = tokio::spawn(refresh_on_change(connection.clone()));
        Ok(Session {
            connection,
            service: Some(service),
            refresher,
        })
    }

    /// The connection, to share with tasks (it stays usable until the session is closed).
    pub fn connection(&self) -> Arc<Connection> {
        self.connection.clone()
    }

    /// Ends the session (and a stdio server's process group).
    pub async fn close(mut self) {
        self.refresher.abort();
        if let Some(service) = self.service.take() {
            let _ = service.cancel().await;
        }
        self.health.mark_ended();
    }
}

/// An initialize failure in one message: what rmcp saw, how the server ended, and its last stderr lines.
async fn initialize_failure(
    target: &Target,
    capture: &Capture,
    health: &Health,
    seen: &str,
) -> SessionError {
    // The exit status arrives a moment after stdout closes.
    let _ = tokio::time::timeout(Duration::from_millis(500), health.ended()).await;
    if let Target::Stdio(_) = target {
        for _ in 0..10 {
            if health.exit().is_some() || health.fault().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let reason = health.describe_end().unwrap_or_else(|| seen.to_string());
    SessionError::Initialize {
        target: target.label(),
        reason: with_stderr(reason, capture),
    }
}

/// Re-fetches a list when the server says it changed, and tells subscribers it did.
async fn refresh_on_change(connection: Arc<Connection>) {
    let mut events = connection.subscribe();
    loop {
        let kind = match events.recv().await {
            Ok(SessionEvent::ToolsChanged) => ListKind::Tools,
            Ok(SessionEvent::ResourcesChanged) => ListKind::Resources,
            Ok(SessionEvent::PromptsChanged) => ListKind::Prompts,
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let refreshed = match kind {
            ListKind::Tools => connection.list_tools().await.map(|_| ()),
            ListKind::Resources => connection.list_resources().await.map(|_| ()),
            ListKind::Prompts => connection.list_prompts().await.map(|_| ()),
        };
        if refreshed.is_ok() {
            let _ = connection.events.send(SessionEvent::ListRefreshed(kind));
        }
    }
}
