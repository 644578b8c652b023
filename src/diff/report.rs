//! The readable report of a [`ToolDiff`]: one block per tool, one line per change, then a summary line.

use serde_json::Value;

use super::{Change, ChangeKind, DiffSummary, Side, ToolDiff, ToolStatus};

/// Enum values listed in one line before `and N more`.
const MAX_VALUES: usize = 8;

pub(super) fn render(diff: &ToolDiff) -> String {
    let mut out = String::new();
    for tool in &diff.tools {
        match tool.status {
            ToolStatus::Added => out.push_str(&format!("+ {}: added\n", tool.tool)),
            ToolStatus::Removed => out.push_str(&format!("- {}: removed  [breaking]\n", tool.tool)),
            ToolStatus::Changed => {
                let breaking = tool.breaking_count();
                let count = tool.changes.len();
                out.push_str(&format!(
                    "~ {}: {count} {}, {breaking} breaking\n",
                    tool.tool,
                    plural(count, "change", "changes"),
                ));
                for change in &tool.changes {
                    let mark = if change.breaking { "breaking" } else { "" };
                    out.push_str(&format!("    {mark:<9} {}\n", describe(change)));
                }
            }
        }
    }
    if !diff.tools.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(&diff.summary));
    out.push('\n');
    out
}

/// `Summary: 417 -> 468 tools: 55 added, 4 removed, 120 changed, 293 unchanged; 900 changes, 85 breaking (in 40 tools).`
pub(super) fn summary_line(s: &DiffSummary) -> String {
    format!(
        "Summary: {} -> {} tools: {} added, {} removed, {} changed, {} unchanged; {} {}, {} breaking (in {} {}).",
        s.old_tools,
        s.new_tools,
        s.tools_added,
        s.tools_removed,
        s.tools_changed,
        s.tools_unchanged,
        s.changes,
        plural(s.changes, "change", "changes"),
        s.breaking,
        s.tools_broken,
        plural(s.tools_broken, "tool", "tools"),
    )
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// One change in words: `argument `limit` added (optional)`, `response property `id`: type string -> integer`.
pub(super) fn describe(change: &Change) -> String {
    let subject = subject(change);
    match &change.kind {
        ChangeKind::ToolAdded => "tool added".to_string(),
        ChangeKind::ToolRemoved => "tool removed".to_string(),
        ChangeKind::ArgumentAdded { required } | ChangeKind::PropertyAdded { required } => {
            let how = if *required { "required" } else { "optional" };
            format!("{subject} added ({how})")
        }
        ChangeKind::ArgumentRemoved { .. } | ChangeKind::PropertyRemoved { .. } => {
            format!("{subject} removed")
        }
        ChangeKind::BecameRequired => format!("{subject} became required"),
        ChangeKind::BecameOptional => format!("{subject} became optional"),
        ChangeKind::TypeChanged { old, new } => {
            format!("{subject}: type {} -> {}", types(old), types(new))
        }
        ChangeKind::EnumValuesAdded { values } => {
            format!("{subject}: enum values added: {}", list(values))
        }
        ChangeKind::EnumValuesRemoved { values } => {
            format!("{subject}: enum values removed: {}", list(values))
        }
        ChangeKind::EnumIntroduced { values } => {
            format!("{subject}: now limited to {}", list(values))
        }
        ChangeKind::EnumDropped { values } => {
            format!("{subject}: no longer limited to {}", list(values))
        }
        ChangeKind::FormatChanged { old, new } => format!(
            "{subject}: format {} -> {}",
            old.as_deref().unwrap_or("none"),
            new.as_deref().unwrap_or("none")
        ),
        ChangeKind::AlternativeAdded { alternative } => {
            format!("{subject}: alternative `{alternative}` added")
        }
        ChangeKind::AlternativeRemoved { alternative } => {
            format!("{subject}: alternative `{alternative}` removed")
        }
        ChangeKind::OutputSchemaAdded => "response schema (outputSchema) added".to_string(),
        ChangeKind::OutputSchemaRemoved => "response schema (outputSchema) removed".to_string(),
        ChangeKind::ArgumentMoved { old, new } => format!("{subject} moved from {old} to {new}"),
    }
}

/// What the path names: `argument `x``, `property `a.b``, `response property `id``, `response`.
fn subject(change: &Change) -> String {
    let path = &change.path;
    let top_level = matches!(
        change.kind,
        ChangeKind::ArgumentAdded { .. }
            | ChangeKind::ArgumentRemoved { .. }
            | ChangeKind::ArgumentMoved { .. }
    ) || !path.contains(['.', '[', '<']);
    match change.side {
        Side::Tool => "tool".to_string(),
        Side::Input if path.is_empty() => "arguments".to_string(),
        Side::Input if top_level => format!("argument `{path}`"),
        Side::Input => format!("property `{path}`"),
        Side::Output if path.is_empty() => "response".to_string(),
        Side::Output => format!("response property `{path}`"),
    }
}

fn types(types: &[String]) -> String {
    if types.is_empty() {
        "any".to_string()
    } else {
        types.join("|")
    }
}

fn list(values: &[Value]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(MAX_VALUES)
        .map(|v| v.to_string())
        .collect();
    let more = values.len().saturating_sub(MAX_VALUES);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
