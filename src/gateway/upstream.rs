//! The session to the server: started on demand, started again on the next request once found dead, one per
//! bearer token when callers' tokens are passed through. Failures become a status, a code and a message.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::Tool;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::broadcast;

use super::{Credentials, GatewayEvent, GatewayOptions};
use crate::mcp::{
    CallOptions, CallOutcome, ConnectOptions, Connection, Session, SessionError, Target,
};

/// How a connection that ended without an exit status or fault (yet) is described.
const CLOSED: &str = "the server closed the connection";
/// JSON-RPC's "invalid params".
const INVALID_PARAMS: i32 = -32602;

/// Why a request could not be served: the HTTP status, a stable code and a message.
#[derive(Debug, Clone)]
pub struct UpstreamFailure {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl UpstreamFailure {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        UpstreamFailure {
            status,
            code,
            message: message.into(),
        }
    }
}

/// A session's state, for `/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum SessionState {
    NotStarted,
    Up,
    /// Ended (why); the next request starts it again.
    Down(String),
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamStatus {
    /// The server's command or URL (a URL without its query or user info).
    pub server: String,
    pub session: SessionState,
    /// Live sessions (more than one only with bearer pass-through).
    pub sessions: usize,
    pub in_flight: usize,
    /// Sessions started after an earlier one had ended.
    pub restarts: u64,
}

/// One session's place: the session (locked while connecting, so concurrent requests share one start).
#[derive(Default)]
struct Slot {
    session: tokio::sync::Mutex<Option<Session>>,
    live: Mutex<Option<Arc<Connection>>>,
    last_end: Mutex<Option<String>>,
    started_once: std::sync::atomic::AtomicBool,
    last_used: AtomicU64,
}

pub(crate) struct Upstream {
    target: Target,
    connect: ConnectOptions,
    credentials: Credentials,
    max_sessions: usize,
    events: broadcast::Sender<GatewayEvent>,
    /// By the caller's bearer token (`None`: the gateway's own credentials).
    slots: Mutex<HashMap<Option<String>, Arc<Slot>>>,
    uses: AtomicU64,
    restarts: AtomicU64,
    in_flight: AtomicUsize,
}

/// Counts a call while it runs.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Upstream {
    pub(crate) fn new(
        target: Target,
        options: &GatewayOptions,
        events: broadcast::Sender<GatewayEvent>,
    ) -> Self {
        Upstream {
            target,
            connect: options.connect.clone(),
            credentials: options.credentials.clone(),
            max_sessions: options.max_sessions.max(1),
            events,
            slots: Mutex::new(HashMap::new()),
            uses: AtomicU64::new(0),
            restarts: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        }
    }

    fn slot(&self, key: Option<String>) -> (Arc<Slot>, Vec<Arc<Slot>>) {
        let mut slots = lock(&self.slots);
        let mut evicted = Vec::new();
        if !slots.contains_key(&key) && slots.len() >= self.max_sessions {
            let oldest = slots
                .iter()
                .min_by_key(|(_, slot)| slot.last_used.load(Ordering::SeqCst))
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest
                && let Some(slot) = slots.remove(&oldest)
            {
                evicted.push(slot);
            }
        }
        let slot = slots.entry(key).or_default().clone();
        slot.last_used
            .store(self.uses.fetch_add(1, Ordering::SeqCst), Ordering::SeqCst);
        (slot, evicted)
    }

    /// The live connection for a caller (its bearer token, with pass-through), starting a session when there
    /// is none or the last one ended.
    pub(crate) async fn connection(
        &self,
        bearer: Option<&str>,
    ) -> Result<Arc<Connection>, UpstreamFailure> {
        let key = match (self.credentials.pass_bearer, bearer) {
            (true, Some(token)) => Some(token.to_string()),
            (true, None) if self.credentials.token.is_none() => {
                return Err(UpstreamFailure::new(
                    401,
                    "UNAUTHORIZED",
                    "this gateway passes the caller's token to the server: send `Authorization: Bearer TOKEN`",
                ));
            }
            _ => None,
        };
        let (slot, evicted) = self.slot(key.clone());
        for old in evicted {
            close_slot(&old).await;
        }
        let mut held = slot.session.lock().await;
        if let Some(session) = held.as_ref()
            && session.is_alive()
        {
            return Ok(session.connection());
        }
        if let Some(session) = held.take() {
            let reason = session
                .end_reason()
                .unwrap_or_else(|| "the session ended".to_string());
            *lock(&slot.last_end) = Some(reason.clone());
            *lock(&slot.live) = None;
            let _ = self.events.send(GatewayEvent::SessionEnded { reason });
            session.close().await;
        }
        let token = key.or_else(|| self.credentials.token.clone());
        let target = with_bearer(&self.target, token.as_deref());
        let session = Session::connect(target, &self.connect).await.map_err(|e| {
            UpstreamFailure::new(
                503,
                "SERVER_UNAVAILABLE",
                format!("cannot start the server: {e}"),
            )
        })?;
        if let Err(error) = session.list_tools().await {
            let failure = self.failure(&session, error).await;
            session.close().await;
            return Err(UpstreamFailure::new(
                503,
                "SERVER_UNAVAILABLE",
                format!(
                    "the server started but cannot list its tools: {}",
                    failure.message
                ),
            ));
        }
        let restart = slot.started_once.swap(true, Ordering::SeqCst);
        if restart {
            self.restarts.fetch_add(1, Ordering::SeqCst);
        }
        let _ = self.events.send(GatewayEvent::SessionStarted { restart });
        let connection = session.connection();
        *lock(&slot.live) = Some(connection.clone());
        *held = Some(session);
        Ok(connection)
    }

    /// The connection and its tools (as last listed; the session refreshes them when the server says they
    /// changed).
    pub(crate) async fn tools(
        &self,
        bearer: Option<&str>,
    ) -> Result<(Arc<Connection>, Vec<Tool>), UpstreamFailure> {
        let connection = self.connection(bearer).await?;
        if let Some(tools) = connection.cached_lists().tools {
            return Ok((connection, tools));
        }
        match connection.list_tools().await {
            Ok(tools) => Ok((connection, tools)),
            Err(error) => Err(self.failure(&connection, error).await),
        }
    }

    pub(crate) async fn call(
        &self,
        connection: &Connection,
        name: &str,
        arguments: Map<String, Value>,
        options: &CallOptions,
    ) -> Result<CallOutcome, UpstreamFailure> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let _counted = InFlight(&self.in_flight);
        match connection.call_tool(name, arguments, options, None).await {
            Ok(outcome) => Ok(outcome),
            Err(error) => Err(self.failure(connection, error).await),
        }
    }

    /// A session error as a failure; a broken connection is reported as the server going away, once its end
    /// is known (the exit status comes a moment after the pipe closes).
    async fn failure(&self, connection: &Connection, error: SessionError) -> UpstreamFailure {
        let gone = |reason: String| {
            UpstreamFailure::new(
                503,
                "SERVER_GONE",
                format!(
                    "the server went away during the call ({reason}); the next request starts it again"
                ),
            )
        };
        match error {
            SessionError::Server { code, message } if code == INVALID_PARAMS => {
                UpstreamFailure::new(
                    422,
                    "INVALID_ARGUMENTS",
                    format!("the server refused the arguments: {message}"),
                )
            }
            SessionError::Server { code, message } => UpstreamFailure::new(
                502,
                "SERVER_ERROR",
                format!("the server answered with error {code}: {message}"),
            ),
            SessionError::Timeout(waited) => UpstreamFailure::new(
                504,
                "TIMEOUT",
                format!(
                    "no answer from the server within {} s; the call was cancelled",
                    waited.as_secs_f64()
                ),
            ),
            SessionError::Dead(reason) => gone(reason),
            SessionError::Protocol(message) => {
                let _ = tokio::time::timeout(Duration::from_secs(1), connection.ended()).await;
                // A child's exit status comes a moment after its output closes.
                for _ in 0..25 {
                    let bare = connection.end_reason().as_deref() == Some(CLOSED);
                    if !bare || !matches!(connection.target(), Target::Stdio(_)) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                match connection.end_reason() {
                    Some(reason) => gone(reason),
                    None => UpstreamFailure::new(502, "PROTOCOL_ERROR", message),
                }
            }
            SessionError::Start { .. }
            | SessionError::Initialize { .. }
            | SessionError::Cancelled => {
                UpstreamFailure::new(503, "SERVER_UNAVAILABLE", error.to_string())
            }
            SessionError::Usage(message) => {
                UpstreamFailure::new(500, "GATEWAY_MISCONFIGURED", message)
            }
        }
    }

    pub(crate) fn status(&self) -> UpstreamStatus {
        let slots: Vec<Arc<Slot>> = lock(&self.slots).values().cloned().collect();
        let live: Vec<bool> = slots
            .iter()
            .map(|slot| lock(&slot.live).as_ref().is_some_and(|c| c.is_alive()))
            .collect();
        let sessions = live.iter().filter(|up| **up).count();
        let session = if sessions > 0 {
            SessionState::Up
        } else {
            let ended = slots.iter().find_map(|slot| {
                let connection = lock(&slot.live).clone();
                connection
                    .and_then(|c| c.end_reason())
                    .or_else(|| lock(&slot.last_end).clone())
            });
            match ended {
                Some(reason) => SessionState::Down(reason),
                None => SessionState::NotStarted,
            }
        };
        UpstreamStatus {
            server: safe_label(&self.target),
            session,
            sessions,
            in_flight: self.in_flight.load(Ordering::SeqCst),
            restarts: self.restarts.load(Ordering::SeqCst),
        }
    }

    fn any_live(&self) -> Option<Arc<Connection>> {
        let slots: Vec<Arc<Slot>> = lock(&self.slots).values().cloned().collect();
        slots.iter().find_map(|slot| lock(&slot.live).clone())
    }

    pub(crate) fn capture(&self) -> Option<Arc<crate::mcp::Capture>> {
        self.any_live().map(|c| c.capture().clone())
    }

    pub(crate) fn cached_tool_count(&self) -> Option<usize> {
        self.any_live()?.cached_lists().tools.map(|t| t.len())
    }

    /// The name the server gave at initialize, else its command or URL.
    pub(crate) fn server_name(&self) -> String {
        self.any_live()
            .and_then(|c| c.summary())
            .and_then(|s| s.info.map(|info| info.name))
            .unwrap_or_else(|| safe_label(&self.target))
    }

    /// The server's name and version, as it said at initialize.
    pub(crate) fn server_info(connection: &Connection) -> Option<(String, String, Option<String>)> {
        let summary = connection.summary()?;
        let info = summary.info?;
        Some((info.name, info.version, summary.instructions))
    }

    pub(crate) async fn close_all(&self) {
        let slots: Vec<Arc<Slot>> = lock(&self.slots).drain().map(|(_, slot)| slot).collect();
        for slot in slots {
            close_slot(&slot).await;
        }
    }

    pub(crate) fn label(&self) -> String {
        safe_label(&self.target)
    }
}

async fn close_slot(slot: &Slot) {
    *lock(&slot.live) = None;
    if let Some(session) = slot.session.lock().await.take() {
        session.close().await;
    }
}

/// The target with `Authorization: Bearer TOKEN` in place of any authorization header it had.
fn with_bearer(target: &Target, token: Option<&str>) -> Target {
    let Some(token) = token else {
        return target.clone();
    };
    let replace = |headers: &[(String, String)]| {
        let mut headers: Vec<(String, String)> = headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("authorization"))
            .cloned()
            .collect();
        headers.push(("Authorization".to_string(), format!("Bearer {token}")));
        headers
    };
    match target {
        Target::Stdio(_) => target.clone(),
        Target::StreamableHttp { url, headers } => Target::StreamableHttp {
            url: url.clone(),
            headers: replace(headers),
        },
        Target::Sse { url, headers } => Target::Sse {
            url: url.clone(),
            headers: replace(headers),
        },
    }
}

/// The command, or the URL without its query and user info (where tokens sometimes hide).
pub(crate) fn safe_label(target: &Target) -> String {
    match target {
        Target::Stdio(_) => target.label(),
        Target::StreamableHttp { url, .. } | Target::Sse { url, .. } => {
            match url::Url::parse(url) {
                Ok(mut parsed) => {
                    parsed.set_query(None);
                    let _ = parsed.set_username("");
                    let _ = parsed.set_password(None);
                    parsed.to_string()
                }
                Err(_) => "(an unparsable URL)".to_string(),
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_token_replaces_the_authorization_header() {
        let target = Target::StreamableHttp {
            url: "http://127.0.0.1:1/mcp".into(),
            headers: vec![
                ("authorization".into(), "Bearer old".into()),
                ("X-Team".into(), "a".into()),
            ],
        };
        let Target::StreamableHttp { headers, .. } = with_bearer(&target, Some("new")) else {
            panic!("still HTTP");
        };
        assert_eq!(
            headers,
            vec![
                ("X-Team".to_string(), "a".to_string()),
                ("Authorization".to_string(), "Bearer new".to_string())
            ]
        );
        assert_eq!(with_bearer(&target, None), target);
    }

    #[test]
    fn labels_leave_out_queries_and_user_info() {
        let target = Target::StreamableHttp {
            url: "http://user:secret@127.0.0.1:9/mcp?api_key=abc".into(),
            headers: vec![],
        };
        assert_eq!(safe_label(&target), "http://127.0.0.1:9/mcp");
    }
}
