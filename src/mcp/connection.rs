//! A live connection's requests: lists (following cursors, cached, refreshed when the server says they
//! changed), calls with progress, time-outs and cancellation, and errors that say how the connection ended.
//! [`Connection`] is shared (`Arc`), so tasks can call the server while the session lives.

// MCP logging is deprecated by SEP-2577 in rmcp, but servers in use still send it: the client keeps it.
#![allow(deprecated)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResult, CancelledNotification, CancelledNotificationParam,
    ClientRequest, GetPromptRequestParams, GetPromptResult, LoggingLevel, PaginatedRequestParams,
    Prompt, ReadResourceRequestParams, ReadResourceResult, Request, RequestOptionalParam, Resource,
    ResourceTemplate, ServerResult, SetLevelRequestParams, Tool,
};
use rmcp::service::{Peer, PeerRequestOptions, RoleClient, ServiceError};
use serde_json::{Map, Value};
use tokio::sync::{broadcast, oneshot};

use super::SessionError;
use super::capture::Capture;
use super::events::SessionEvent;
use super::health::Health;
use super::session::{CallOptions, CallOutcome, ServerSummary, Target};

/// The lists last fetched from the server.
#[derive(Debug, Clone, Default)]
pub struct CachedLists {
    pub tools: Option<Vec<Tool>>,
    pub resources: Option<Vec<Resource>>,
    pub prompts: Option<Vec<Prompt>>,
}

/// A tool's outputSchema, compiled on the first call that needs it.
pub(super) struct OutputCheck {
    schema: Arc<Map<String, Value>>,
    validator: std::sync::OnceLock<Result<jsonschema::Validator, String>>,
}

/// The shared side of a session.
pub struct Connection {
    pub(super) target: Target,
    pub(super) peer: Peer<RoleClient>,
    pub(super) capture: Arc<Capture>,
    pub(super) health: Arc<Health>,
    pub(super) events: broadcast::Sender<SessionEvent>,
    /// Output schemas of listed tools, by name, for checking structuredContent.
    pub(super) output_schemas: Mutex<HashMap<String, Arc<OutputCheck>>>,
    pub(super) lists: Mutex<CachedLists>,
}

impl Connection {
    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn capture(&self) -> &Arc<Capture> {
        &self.capture
    }

    /// Progress, log messages and list changes, as they come.
    pub fn subscribe(&self) -> broadcast::Receiver<SessionEvent> {
        self.events.subscribe()
    }

    pub fn summary(&self) -> Option<ServerSummary> {
        let peer = self.peer.peer_info()?;
        Some(ServerSummary {
            protocol_version: peer.protocol_version.to_string(),
            info: peer.server_info.clone(),
            instructions: peer.instructions.clone(),
            peer: (*peer).clone(),
        })
    }

    /// Whether the connection is still up.
    pub fn is_alive(&self) -> bool {
        !self.health.has_ended() && !self.peer.is_transport_closed()
    }

    /// Resolves when the connection ends (the server exits, the stream closes, or the session is closed).
    pub async fn ended(&self) {
        self.health.ended().await
    }

    /// Why the connection ended, when it has.
    pub fn end_reason(&self) -> Option<String> {
        if self.is_alive() {
            return None;
        }
        Some(
            self.health
                .describe_end()
                .unwrap_or_else(|| "the session was closed".to_string()),
        )
    }

    pub async fn list_tools(&self) -> Result<Vec<Tool>, SessionError> {
        let tools = self
            .pages(
                |cursor| {
                    ClientRequest::ListToolsRequest(RequestOptionalParam::with_param(paginated(
                        cursor,
                    )))
                },
                |r| match r {
                    ServerResult::ListToolsResult(page) => Some((page.tools, page.next_cursor)),
                    _ => None,
                },
            )
            .await?;
        let mut schemas = self
            .output_schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        schemas.clear();
        for tool in &tools {
            if let Some(schema) = &tool.output_schema {
                let check = OutputCheck {
                    schema: schema.clone(),
                    validator: std::sync::OnceLock::new(),
                };
                schemas.insert(tool.name.to_string(), Arc::new(check));
            }
        }
        drop(schemas);
        self.cache(|lists| lists.tools = Some(tools.clone()));
        Ok(tools)
    }

    pub async fn list_resources(&self) -> Result<Vec<Resource>, SessionError> {
        let resources = self
            .pages(
                |cursor| {
                    ClientRequest::ListResourcesRequest(RequestOptionalParam::with_param(
                        paginated(cursor),
                    ))
                },
                |r| match r {
                    ServerResult::ListResourcesResult(page) => {
                        Some((page.resources, page.next_cursor))
                    }
                    _ => None,
                },
            )
            .await?;
        self.cache(|lists| lists.resources = Some(resources.clone()));
        Ok(resources)
    }

    pub async fn list_resource_templates(&self) -> Result<Vec<ResourceTemplate>, SessionError> {
        self.pages(
            |cursor| {
                ClientRequest::ListResourceTemplatesRequest(RequestOptionalParam::with_param(
                    paginated(cursor),
                ))
            },
            |r| match r {
                ServerResult::ListResourceTemplatesResult(page) => {
                    Some((page.resource_templates, page.next_cursor))
                }
                _ => None,
            },
        )
        .await
    }

    pub async fn list_prompts(&self) -> Result<Vec<Prompt>, SessionError> {
        let prompts = self
            .pages(
                |cursor| {
                    ClientRequest::ListPromptsRequest(RequestOptionalParam::with_param(paginated(
                        cursor,
                    )))
                },
                |r| match r {
                    ServerResult::ListPromptsResult(page) => Some((page.prompts, page.next_cursor)),
                    _ => None,
                },
            )
            .await?;
        self.cache(|lists| lists.prompts = Some(prompts.clone()));
        Ok(prompts)
    }

    /// Follows `nextCursor` (an empty string is a cursor too) until the server gives none; a cursor seen
    /// twice ends the walk with an error rather than looping.
    async fn pages<T>(
        &self,
        request: impl Fn(Option<String>) -> ClientRequest,
        page: impl Fn(ServerResult) -> Option<(Vec<T>, Option<String>)>,
    ) -> Result<Vec<T>, SessionError> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let answer = self.request(request(cursor.clone()), None).await?;
            let Some((mut batch, next)) = page(answer) else {
                return Err(SessionError::Protocol(
                    "the server answered a list request with another kind of result".into(),
                ));
            };
            items.append(&mut batch);
            match next {
                Some(next) if !seen.insert(next.clone()) => {
                    return Err(SessionError::Protocol(format!(
                        "the server repeated the cursor {next:?}; the list was cut there"
                    )));
                }
                Some(next) => cursor = Some(next),
                None => return Ok(items),
            }
        }
    }

    /// Calls a tool; `cancel` ends it early (the server gets `notifications/cancelled`).
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Map<String, Value>,
        options: &CallOptions,
        cancel: Option<oneshot::Receiver<()>>,
    ) -> Result<CallOutcome, SessionError> {
        let started = Instant::now();
        let params = CallToolRequestParams::new(name.to_string()).with_arguments(arguments);
        let request = ClientRequest::CallToolRequest(Request::new(params));
        let answer = self.request(request, Some((options, cancel))).await?;
        let ServerResult::CallToolResult(result) = answer else {
            return Err(SessionError::Protocol(
                "the server answered tools/call with another kind of result".into(),
            ));
        };
        let output_problems = self.check_output(name, &result);
        Ok(CallOutcome {
            result,
            output_problems,
            elapsed: started.elapsed(),
        })
    }

    pub async fn read_resource(&self, uri: &str) -> Result<ReadResourceResult, SessionError> {
        let request =
            ClientRequest::ReadResourceRequest(Request::new(ReadResourceRequestParams::new(uri)));
        match self.request(request, None).await? {
            ServerResult::ReadResourceResult(result) => Ok(result),
            _ => Err(SessionError::Protocol(
                "the server answered resources/read with another kind of result".into(),
            )),
        }
    }

    pub async fn get_prompt(
        &self,
        name: &str,
        arguments: Map<String, Value>,
    ) -> Result<GetPromptResult, SessionError> {
        let params = GetPromptRequestParams::new(name).with_arguments(arguments);
        match self
            .request(ClientRequest::GetPromptRequest(Request::new(params)), None)
            .await?
        {
            ServerResult::GetPromptResult(result) => Ok(result),
            _ => Err(SessionError::Protocol(
                "the server answered prompts/get with another kind of result".into(),
            )),
        }
    }

    /// Asks the server to send log messages at `level` and above (they arrive as [`SessionEvent::Log`]).
    pub async fn set_log_level(&self, level: LoggingLevel) -> Result<(), SessionError> {
        let request =
            ClientRequest::SetLevelRequest(Request::new(SetLevelRequestParams::new(level)));
        self.request(request, None).await.map(|_| ())
    }

    /// Sends a request and waits for its answer, within the call's limits and until `cancel` fires.
    async fn request(
        &self,
        request: ClientRequest,
        limits: Option<(&CallOptions, Option<oneshot::Receiver<()>>)>,
    ) -> Result<ServerResult, SessionError> {
        if let Some(reason) = self.end_reason() {
            return Err(SessionError::Dead(reason));
        }
        let (options, cancel) = match limits {
            Some((options, cancel)) => (Some(options), cancel),
            None => (None, None),
        };
        let default_limits = CallOptions::default();
        let options = options.unwrap_or(&default_limits);
        let mut peer_options = PeerRequestOptions::with_timeout(options.timeout)
            .with_max_total_timeout(options.max_total);
        if options.reset_on_progress {
            peer_options = peer_options.reset_timeout_on_progress();
        }
        let peer = self.peer.clone();
        let handle = peer
            .send_cancellable_request(request, peer_options)
            .await
            .map_err(|e| self.service_error_now(e))?;
        let id = handle.id.clone();
        let answer = match cancel {
            None => handle.await_response().await,
            Some(cancel) => tokio::select! {
                answer = handle.await_response() => answer,
                Ok(()) = cancel => {
                    let notification = CancelledNotification::new(CancelledNotificationParam::new(
                        Some(id),
                        Some("cancelled by the user".into()),
                    ));
                    let _ = peer.send_notification(notification.into()).await;
                    return Err(SessionError::Cancelled);
                }
            },
        };
        match answer {
            Ok(answer) => Ok(answer),
            Err(error) => Err(self.service_error(error).await),
        }
    }

    /// A service error, with the connection's own account when it ended (a crashed server's exit status
    /// arrives a moment after its output closes, so wait for it briefly).
    async fn service_error(&self, error: ServiceError) -> SessionError {
        if !matches!(
            error,
            ServiceError::McpError(_) | ServiceError::Timeout { .. }
        ) {
            for _ in 0..25 {
                if self.health.exit().is_some() || self.health.fault().is_some() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        self.service_error_now(error)
    }

    fn service_error_now(&self, error: ServiceError) -> SessionError {
        match error {
            ServiceError::Timeout { timeout } => SessionError::Timeout(timeout),
            ServiceError::McpError(error) => SessionError::Server {
                code: error.code.0,
                message: error.message.to_string(),
            },
            other => match self.health.describe_end() {
                Some(reason) => SessionError::Dead(with_stderr(reason, &self.capture)),
                None => SessionError::Protocol(other.to_string()),
            },
        }
    }

    fn check_output(&self, name: &str, result: &CallToolResult) -> Vec<String> {
        let Some(structured) = &result.structured_content else {
            return Vec::new();
        };
        let check = self
            .output_schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned();
        let Some(check) = check else {
            return Vec::new();
        };
        let compiled = check.validator.get_or_init(|| {
            jsonschema::validator_for(&Value::Object((*check.schema).clone()))
                .map_err(|e| format!("the tool's outputSchema cannot be compiled: {e}"))
        });
        match compiled {
            Ok(validator) => validator
                .iter_errors(structured)
                .take(10)
                .map(|e| format!("{} {e}", e.instance_path()))
                .collect(),
            Err(message) => vec![message.clone()],
        }
    }

    /// The lists as last fetched (by a call, or by the refresh that follows a list_changed notification).
    pub fn cached_lists(&self) -> CachedLists {
        self.lists.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn cache(&self, update: impl FnOnce(&mut CachedLists)) {
        update(&mut self.lists.lock().unwrap_or_else(|p| p.into_inner()));
    }
}

fn paginated(cursor: Option<String>) -> PaginatedRequestParams {
    PaginatedRequestParams::default().with_cursor(cursor)
}

pub(super) fn with_stderr(reason: String, capture: &Capture) -> String {
    let tail = capture.stderr_tail(10);
    if tail.is_empty() {
        reason
    } else {
        format!("{reason}; the last lines of its stderr:\n{tail}")
    }
}
