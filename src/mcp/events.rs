//! What a server tells the client on its own: progress, log messages, list changes. [`PublishingTransport`] turns
//! each notification into a [`SessionEvent`] as the transport hands it over, so subscribers see them in
//! the order the server sent them: a call's last progress arrives before the call returns. (rmcp runs
//! its notification handlers in spawned tasks, which may run after the answer is delivered.)

// MCP logging is deprecated by SEP-2577 in rmcp, but servers in use still send it: the client keeps it.
#![allow(deprecated)]

use rmcp::ClientHandler;
use rmcp::model::{
    ClientCapabilities, ClientConfig, Implementation, JsonRpcMessage, LoggingLevel, NumberOrString,
    ServerNotification,
};
use rmcp::service::{RoleClient, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
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

/// The client side of a session: announces mcpow (notifications are taken by [`PublishingTransport`]).
#[derive(Clone)]
pub struct EventHandler;

impl ClientHandler for EventHandler {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("mcpow", env!("CARGO_PKG_VERSION")),
        )
    }
}

pub fn token_text(token: &NumberOrString) -> String {
    match token {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.to_string(),
    }
}

/// The event a server notification stands for, if subscribers care about it.
pub fn event_of(notification: &ServerNotification) -> Option<SessionEvent> {
    let event = match notification {
        ServerNotification::ProgressNotification(n) => SessionEvent::Progress {
            token: token_text(&n.params.progress_token.0),
            progress: n.params.progress,
            total: n.params.total,
            message: n.params.message.clone(),
        },
        ServerNotification::LoggingMessageNotification(n) => SessionEvent::Log {
            level: n.params.level,
            logger: n.params.logger.clone(),
            data: n.params.data.clone(),
        },
        ServerNotification::ResourceUpdatedNotification(n) => SessionEvent::ResourceUpdated {
            uri: n.params.uri.clone(),
        },
        ServerNotification::ToolListChangedNotification(_) => SessionEvent::ToolsChanged,
        ServerNotification::ResourceListChangedNotification(_) => SessionEvent::ResourcesChanged,
        ServerNotification::PromptListChangedNotification(_) => SessionEvent::PromptsChanged,
        _ => return None,
    };
    Some(event)
}

/// A transport that publishes each notification it receives before handing it on.
pub struct PublishingTransport<T> {
    inner: T,
    events: broadcast::Sender<SessionEvent>,
}

impl<T> PublishingTransport<T> {
    pub fn new(inner: T, events: broadcast::Sender<SessionEvent>) -> Self {
        PublishingTransport { inner, events }
    }
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for PublishingTransport<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        let message = self.inner.receive().await;
        if let Some(JsonRpcMessage::Notification(notification)) = &message
            && let Some(event) = event_of(&notification.notification)
        {
            // Nobody listening is fine.
            let _ = self.events.send(event);
        }
        message
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}
