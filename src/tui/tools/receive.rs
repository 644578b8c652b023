//! What comes back to the Tools pane: task results and the session's notifications.

use serde_json::Value;

use super::{Outcome, Server, ToolsMessage, ToolsPane, View};
use crate::mcp::{ListKind, SessionEvent};

impl ToolsPane {
    /// Applies what a task reported.
    pub fn receive(&mut self, message: ToolsMessage) -> Outcome {
        match message {
            ToolsMessage::Profiles(Ok((profiles, connectors))) => {
                if let Some(picker) = &mut self.picker {
                    picker.set_profiles(profiles);
                    picker.set_connectors(connectors);
                }
                Outcome::Changed
            }
            ToolsMessage::Profiles(Err(reason)) => Outcome::Error(reason),
            ToolsMessage::Imported(Ok(summary)) => Outcome::Toast(summary),
            ToolsMessage::Imported(Err(reason)) => Outcome::Error(reason),
            ToolsMessage::Connected(live) => {
                let problems = live.list_problems.join("\n");
                self.server = Server::Live(live);
                self.list = ListKind::Tools;
                self.refilter();
                if problems.is_empty() {
                    Outcome::Changed
                } else {
                    Outcome::Toast(problems)
                }
            }
            ToolsMessage::ConnectFailed { label, reason } => {
                self.server = Server::None;
                Outcome::Error(format!("cannot connect to {label}:\n{reason}"))
            }
            ToolsMessage::Event(event) => self.event(event),
            ToolsMessage::CaptureChanged | ToolsMessage::Ended => Outcome::Changed,
            ToolsMessage::Output { rendered, record } => {
                self.running = None;
                self.output = Some(rendered);
                self.view = View::Result;
                self.scroll = 0;
                if let Some(record) = record {
                    self.history.insert(0, record);
                }
                Outcome::Changed
            }
            ToolsMessage::History(Ok(history)) => {
                self.history = history;
                self.history_cursor = 0;
                Outcome::Changed
            }
            ToolsMessage::History(Err(reason)) => Outcome::Error(reason),
        }
    }

    fn event(&mut self, event: SessionEvent) -> Outcome {
        match event {
            SessionEvent::Progress {
                progress,
                total,
                message,
                ..
            } => {
                if let Some(running) = &mut self.running {
                    running.progress = Some((progress, total, message));
                }
                Outcome::Changed
            }
            SessionEvent::ListRefreshed(kind) => {
                if let Server::Live(live) = &mut self.server {
                    let lists = live.session.cached_lists();
                    match kind {
                        ListKind::Tools => live.tools = lists.tools.unwrap_or_default(),
                        ListKind::Resources => live.resources = lists.resources.unwrap_or_default(),
                        ListKind::Prompts => live.prompts = lists.prompts.unwrap_or_default(),
                    }
                }
                self.refilter();
                Outcome::Toast(format!("the server's {kind:?} list changed").to_lowercase())
            }
            SessionEvent::Log { level, data, .. } => {
                let text = match data {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                Outcome::Toast(format!("{level:?}: {text}").to_lowercase())
            }
            _ => Outcome::Nothing,
        }
    }
}
