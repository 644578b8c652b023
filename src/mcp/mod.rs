//! The MCP client: sessions with any MCP server (a stdio child process, streamable HTTP), their lists and
//! calls, and everything a debugger needs to see (the server's stderr, every JSON-RPC frame). The workbench's
//! Tools pane and the `tools`/`call`/`resources`/`prompts` commands are faces over it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), mcpoverflow::mcp::SessionError> {
//! use mcpoverflow::mcp::{CallOptions, ConnectOptions, Session, StdioCommand, Target};
//! let target = Target::Stdio(StdioCommand { command: "mcp-server-time".into(), ..Default::default() });
//! let session = Session::connect(target, &ConnectOptions::default()).await?;
//! let tools = session.list_tools().await?;
//! let answer = session
//!     .call_tool("get_current_time", serde_json::Map::new(), &CallOptions::default(), None)
//!     .await?;
//! session.close().await;
//! # Ok(()) }
//! ```

pub mod capture;
pub mod connection;
pub mod events;
pub mod health;
mod http;
pub mod profiles;
pub mod render;
mod resolve;
pub mod session;
mod sse;
pub mod stdio;

use std::time::Duration;

pub use capture::{Capture, CaptureLimits, Direction, Frame, StderrLine};
pub use connection::{CachedLists, Connection};
pub use events::{ListKind, SessionEvent};
pub use resolve::resolve_target;
pub use session::{CallOptions, CallOutcome, ConnectOptions, ServerSummary, Session, Target};
pub use stdio::StdioCommand;

/// Why a session or a request failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("cannot start `{command}`: {source}")]
    Start {
        command: String,
        source: std::io::Error,
    },
    #[error("{target}: initialize failed: {reason}")]
    Initialize { target: String, reason: String },
    #[error("no answer within {} s; the request was cancelled", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("cancelled")]
    Cancelled,
    #[error("the session is over: {0}")]
    Dead(String),
    #[error("the server answered with error {code}: {message}")]
    Server { code: i32, message: String },
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("{0}")]
    Usage(String),
}
