//! The Tools pane's text for copying and $EDITOR, and edited arguments coming back.

use serde_json::{Value, json};

use super::{Column, Outcome, ToolsPane, View};
use crate::tui::EditPurpose;

impl ToolsPane {
    /// The text under focus, for copying and $EDITOR: the form's arguments as JSON (an edit goes back into
    /// the form), the result, a history entry, stderr or the frames.
    pub fn focused_text(&self) -> Option<(String, &'static str, EditPurpose)> {
        let view = |text: String, extension| Some((text, extension, EditPurpose::View));
        if self.column == Column::Form {
            let (_, form) = self.form.as_ref()?;
            let arguments = form.arguments().unwrap_or_default();
            let text = serde_json::to_string_pretty(&arguments).ok()?;
            return Some((text, "json", EditPurpose::Arguments));
        }
        match self.view {
            View::Result => view(self.output.as_ref()?.plain.clone(), "txt"),
            View::History => {
                let record = self.history.get(self.history_cursor)?;
                let entry = json!({
                    "server": record.server, "tool": record.tool, "arguments": record.arguments,
                    "result": record.result, "isError": record.is_error,
                    "durationMs": record.duration_ms, "at": record.at,
                });
                view(serde_json::to_string_pretty(&entry).ok()?, "json")
            }
            View::Stderr => {
                let lines = self.live()?.session.capture().stderr();
                let text: Vec<String> = lines.into_iter().map(|l| l.text).collect();
                view(text.join("\n"), "log")
            }
            View::Frames => {
                let frames = self.live()?.session.capture().frames();
                let text: Vec<String> = frames.into_iter().map(|f| f.text).collect();
                view(text.join("\n"), "jsonl")
            }
        }
    }

    /// Arguments edited as JSON in $EDITOR: back into the form.
    pub fn arguments_edited(&mut self, text: &str) -> Outcome {
        let Some((_, form)) = &mut self.form else {
            return Outcome::Nothing;
        };
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(arguments)) => {
                form.fill(&arguments);
                Outcome::Toast("arguments from the editor are in the form".into())
            }
            Ok(_) => Outcome::Error("the edited arguments must be a JSON object".into()),
            Err(e) => Outcome::Error(format!(
                "the edited arguments are not JSON: line {}, column {}: {e}",
                e.line(),
                e.column()
            )),
        }
    }
}
