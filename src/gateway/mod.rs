//! Any MCP server's tools as a REST API on 127.0.0.1: `POST /tools/{name}` with the arguments as the JSON
//! body, `GET /openapi.json` (OpenAPI 3.1 generated from the tools' schemas), `GET /tools`, `GET /health`.
//!
//! One session to the server is kept (one per bearer token with [`Credentials::pass_bearer`]); a session
//! found dead is started again on the next request. Statuses:
//!
//! | status | when | body |
//! | --- | --- | --- |
//! | 200 | the tool ran | `{content, structuredContent?, isError: false}` |
//! | 400 | the body is not a JSON object | `{error, code}` |
//! | 401 | bearer pass-through without a token of the caller's or the gateway's own | `{error, code}` |
//! | 404 | no such tool | `{error, code}` |
//! | 422 | the arguments break the tool's inputSchema (or the server said invalid params) | `{error, code, problems: [{field, pointer, message}]}` |
//! | 502 | the tool reported an error (`isError: true`): the failure is upstream's, not the request's | the result, as for 200 |
//! | 502 | the server answered with a JSON-RPC error or broke the protocol | `{error, code}` |
//! | 503 | the server cannot be started or reached, or went away during the call | `{error, code}` |
//! | 504 | no answer (nor progress) within the call's time-out | `{error, code}` |
//!
//! ```no_run
//! # async fn demo(target: mcpoverflow::mcp::Target) -> Result<(), mcpoverflow::gateway::GatewayError> {
//! use mcpoverflow::gateway::{GatewayOptions, start};
//! let gateway = start(target, GatewayOptions::default()).await?;
//! println!("{}", gateway.base_url()); // http://127.0.0.1:PORT
//! gateway.stop().await;
//! # Ok(()) }
//! ```

mod arguments;
mod openapi;
mod routes;
mod upstream;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinHandle;

use crate::mcp::{CallOptions, ConnectOptions, Target};

pub use arguments::{Problem, check_arguments};
pub use openapi::tool_path;
pub use openapi::{DocumentInfo, document};
pub use upstream::{SessionState, UpstreamFailure, UpstreamStatus};

/// How the gateway reaches the server on behalf of its callers.
#[derive(Clone, Default)]
pub struct Credentials {
    /// Forward an incoming `Authorization: Bearer` header to the (HTTP) server: one session per token.
    pub pass_bearer: bool,
    /// The gateway's own bearer token for the (HTTP) server, used when a request brings none.
    pub token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("pass_bearer", &self.pass_bearer)
            .field("token", &self.token.as_ref().map(|_| "(redacted)"))
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct GatewayOptions {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub connect: ConnectOptions,
    /// Limits of each tool call.
    pub call: CallOptions,
    pub credentials: Credentials,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
    /// At most this many sessions at once with `pass_bearer` (the least recently used one goes first).
    pub max_sessions: usize,
}

impl Default for GatewayOptions {
    fn default() -> Self {
        GatewayOptions {
            port: 0,
            connect: ConnectOptions::default(),
            call: CallOptions::default(),
            credentials: Credentials::default(),
            max_body_bytes: 10 * 1024 * 1024,
            max_sessions: 16,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("{0}")]
    Upstream(String),
}

/// What happens, for a log.
#[derive(Debug, Clone)]
pub enum GatewayEvent {
    /// A request was answered.
    Request {
        method: String,
        path: String,
        status: u16,
        elapsed: Duration,
    },
    /// A session to the server started (`restart` when an earlier one had ended).
    SessionStarted { restart: bool },
    /// A session was found ended, and why.
    SessionEnded { reason: String },
}

/// A gateway that is listening. Dropping it stops it too (without waiting).
pub struct RunningGateway {
    addr: SocketAddr,
    state: Arc<routes::GatewayState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Checks the credentials fit the target, starts the session (unless every request brings its own token),
/// and listens on 127.0.0.1.
pub async fn start(
    target: Target,
    options: GatewayOptions,
) -> Result<RunningGateway, GatewayError> {
    let credentials = &options.credentials;
    if matches!(target, Target::Stdio(_))
        && (credentials.pass_bearer || credentials.token.is_some())
    {
        return Err(GatewayError::Usage(
            "bearer tokens go to HTTP servers only; a stdio server takes its credentials from its \
             environment (--env NAME=VALUE)"
                .into(),
        ));
    }
    let (events, _) = broadcast::channel(1024);
    let upstream = upstream::Upstream::new(target, &options, events.clone());
    if !credentials.pass_bearer || credentials.token.is_some() {
        upstream
            .tools(None)
            .await
            .map_err(|e| GatewayError::Upstream(e.message))?;
    }
    let port = options.port;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|source| GatewayError::Bind { port, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| GatewayError::Bind { port, source })?;
    let max_body_bytes = options.max_body_bytes;
    let state = Arc::new(routes::GatewayState::new(upstream, options, addr, events));
    let router = routes::router(state.clone(), max_body_bytes);
    let (shutdown, task) = crate::http::listen::serve_until_stopped(listener, router);
    Ok(RunningGateway {
        addr,
        state,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}

impl RunningGateway {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests answered and sessions started or ended, as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<GatewayEvent> {
        self.state.events.subscribe()
    }

    /// The server's session, calls in flight, restarts.
    pub fn status(&self) -> UpstreamStatus {
        self.state.upstream.status()
    }

    /// How many tools the server had when last listed (none before a session started).
    pub fn tool_count(&self) -> Option<usize> {
        self.state.upstream.cached_tool_count()
    }

    /// The server's name (as it said at initialize) or its command or URL.
    pub fn server_name(&self) -> String {
        self.state.upstream.server_name()
    }

    /// The frames and stderr of the latest session (for a trace).
    pub fn capture(&self) -> Option<Arc<crate::mcp::Capture>> {
        self.state.upstream.capture()
    }

    /// Resolves if the HTTP server ends by itself.
    pub async fn wait(&mut self) -> Result<(), GatewayError> {
        match self.task.take() {
            Some(task) => join(task).await,
            None => Ok(()),
        }
    }

    /// Stops listening, lets requests in flight finish, and ends the sessions.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = join(task).await;
        }
        self.state.upstream.close_all().await;
    }
}

impl Drop for RunningGateway {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn join(task: JoinHandle<std::io::Result<()>>) -> Result<(), GatewayError> {
    match task.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(GatewayError::Upstream(format!("the gateway stopped: {e}"))),
        Err(e) => Err(GatewayError::Upstream(format!("the gateway stopped: {e}"))),
    }
}
