//! What a server tells the client on its own: progress, log messages, list changes. The session's handler
//! forwards each as a [`SessionEvent`] to whoever subscribed.

// MCP logging is deprecated by SEP-2577 in rmcp, but servers in use still send it: the client keeps it.
#![allow(deprecated)]

use rmcp::ClientHandler;
use rmcp::model::{
    ClientCapabilities, ClientConfig, Implementation, LoggingLevel,
    LoggingMessageNotificationParam, NumberOrString, ProgressNotificationParam,
    ResourceUpdatedNotificationParam,
};
use rmcp::service::{NotificationContext, RoleClient};
use serde_json::Value;
use tokio::sync::broadcast;

/// Something the server reported while the session ran.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    Progress {
        /// The request's progress token (a number or a string, as text).
        token: String,
        progress: f64,
        total: Option<f64>,
        message: Option<String>,
    },
    Log {
        level: LoggingLevel,
        logger: Option<String>,
        data: Value,
    },
    ToolsChanged,
    ResourcesChanged,
    PromptsChanged,
    ResourceUpdated {
        uri: String,
    },
    /// A list was fetched again after the server said it changed (see `Connection::cached_lists`).
    ListRefreshed(ListKind),
}

/// Which of the server's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Tools,
    Resources,
    Prompts,
}

/// The client side of a session: announces mcpow and forwards notifications.
#[derive(Clone)]
pub struct EventHandler {
    events: broadcast::Sender<SessionEvent>,
}

impl EventHandler {
    pub fn new(events: broadcast::Sender<SessionEvent>) -> Self {
        EventHandler { events }
    }

    fn emit(&self, event: SessionEvent) {
        // Nobody listening is fine.
        let _ = self.events.send(event);
    }
}

pub fn token_text(token: &NumberOrString) -> String {
    match token {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.to_string(),
    }
}

impl ClientHandler for EventHandler {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("mcpow", env!("CARGO_PKG_VERSION")),
        )
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.emit(SessionEvent::Progress {
            token: token_text(&params.progress_token.0),
            progress: params.progress,
            total: params.total,
            message: params.message,
        });
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.emit(SessionEvent::Log {
            level: params.level,
            logger: params.logger,
            data: params.data,
        });
    }

    async fn on_resource_updated(
        &self,
        params: ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.emit(SessionEvent::ResourceUpdated { uri: params.uri });
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.emit(SessionEvent::ToolsChanged);
    }

    async fn on_resource_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.emit(SessionEvent::ResourcesChanged);
    }

    async fn on_prompt_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.emit(SessionEvent::PromptsChanged);
    }
}
