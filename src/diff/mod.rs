//! Drift between two versions of a spec, tool by tool: what changed in the tools `mcpow serve` lists, and
//! which changes break a caller or a connector built from the old version.
//!
//! [`diff_tools`] compares two [`ToolSet`]s (built with the same [`crate::tools::ToolOptions`], so names agree)
//! and gives a [`ToolDiff`]: tools added, removed and changed, each change with its [`Side`] (the arguments or
//! the response), a path into the schema (`address.city`, `lines[].amount`, `metadata<object>.key`) and whether
//! it breaks. The rules (see [`schema`]):
//! - arguments: removed, added as required, made required, a type narrowed, an enum value removed, an enum or
//!   a stricter format introduced, an alternative of a union removed, or moved to another part of the request
//!   (a connector built from the old version sends it to the old place) break; the opposite changes do not;
//! - the response (`outputSchema`): a property removed or made optional, a type widened, an enum value added, an
//!   enum or a format dropped, an alternative added, or the whole `outputSchema` removed break (a client checks
//!   `structuredContent` against the old schema); additions and narrowings do not.
//!
//! Comparing never fails and never panics: schemas are walked as JSON values, anything unexpected is skipped.

mod report;
pub mod schema;
mod union;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::tools::{ArgumentTarget, ToolDefinition, ToolSet};

/// Which side of a tool changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The tool itself (added or removed).
    Tool,
    /// The `inputSchema`: what callers send.
    Input,
    /// The `outputSchema`: what callers receive.
    Output,
}

/// What changed at one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    ToolAdded,
    ToolRemoved,
    /// A top-level property of the `inputSchema`.
    ArgumentAdded {
        required: bool,
    },
    ArgumentRemoved {
        required: bool,
    },
    /// A nested input property or any output property.
    PropertyAdded {
        required: bool,
    },
    PropertyRemoved {
        required: bool,
    },
    BecameRequired,
    BecameOptional,
    /// `type` changed (the sorted set of JSON types; empty means any type).
    TypeChanged {
        old: Vec<String>,
        new: Vec<String>,
    },
    EnumValuesAdded {
        values: Vec<Value>,
    },
    EnumValuesRemoved {
        values: Vec<Value>,
    },
    /// An `enum` (or `const`) where there was none.
    EnumIntroduced {
        values: Vec<Value>,
    },
    /// No `enum` where there was one.
    EnumDropped {
        values: Vec<Value>,
    },
    FormatChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// A member of an `anyOf`/`oneOf` (named by its type and title).
    AlternativeAdded {
        alternative: String,
    },
    AlternativeRemoved {
        alternative: String,
    },
    OutputSchemaAdded,
    OutputSchemaRemoved,
    /// The argument goes to another part of the HTTP request (`query` to `body_property`, ...).
    ArgumentMoved {
        old: String,
        new: String,
    },
}

/// One change of one tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    #[serde(flatten)]
    pub kind: ChangeKind,
    pub side: Side,
    /// Where in the schema: empty for the tool or the schema's root, else `name`, `a.b`, `list[]`,
    /// `union<object>.field`, `map.*`.
    pub path: String,
    pub breaking: bool,
}

impl Change {
    /// The change in words: `argument `limit` added (optional)`, `response property `id`: type string -> integer`.
    pub fn describe(&self) -> String {
        report::describe(self)
    }
}

impl DiffSummary {
    /// `Summary: 417 -> 468 tools: 102 added, ...; 15705 changes, 3382 breaking (in 312 tools).`
    pub fn line(&self) -> String {
        report::summary_line(self)
    }
}

/// How a tool differs between the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolStatus {
    Added,
    Removed,
    Changed,
}

/// The changes of one tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolChanges {
    pub tool: String,
    pub status: ToolStatus,
    pub changes: Vec<Change>,
}

impl ToolChanges {
    pub fn breaking_count(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }
}

/// Counts over a whole diff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSummary {
    pub old_tools: usize,
    pub new_tools: usize,
    pub tools_added: usize,
    pub tools_removed: usize,
    pub tools_changed: usize,
    pub tools_unchanged: usize,
    /// Every change, tool additions and removals included.
    pub changes: usize,
    pub breaking: usize,
    /// Tools with at least one breaking change (a removed tool counts).
    pub tools_broken: usize,
}

/// The tool-level changes between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDiff {
    pub summary: DiffSummary,
    /// Tools with changes, by name.
    pub tools: Vec<ToolChanges>,
}

impl ToolDiff {
    pub fn has_breaking(&self) -> bool {
        self.summary.breaking > 0
    }

    /// Every breaking change with its tool's name, in report order.
    pub fn breaking_changes(&self) -> impl Iterator<Item = (&str, &Change)> {
        self.tools.iter().flat_map(|tool| {
            tool.changes
                .iter()
                .filter(|c| c.breaking)
                .map(move |c| (tool.tool.as_str(), c))
        })
    }

    /// The changes of the tool of this name, if it changed.
    pub fn tool(&self, name: &str) -> Option<&ToolChanges> {
        self.tools.iter().find(|t| t.tool == name)
    }

    /// Only the breaking changes (tools without any are dropped); the summary is kept as it was.
    pub fn only_breaking(&self) -> ToolDiff {
        let tools = self
            .tools
            .iter()
            .filter(|t| t.has_breaking())
            .map(|t| ToolChanges {
                tool: t.tool.clone(),
                status: t.status,
                changes: t.changes.iter().filter(|c| c.breaking).cloned().collect(),
            })
            .collect();
        ToolDiff {
            summary: self.summary,
            tools,
        }
    }

    /// A readable report: the changes grouped by tool, then one summary line.
    pub fn report(&self) -> String {
        report::render(self)
    }
}

/// The changes from `old` to `new`, tools matched by name (build both with the same options).
pub fn diff_tools(old: &ToolSet, new: &ToolSet) -> ToolDiff {
    diff_definitions(&old.tools, &new.tools)
}

/// [`diff_tools`] over bare tool definitions (as kept with a generated connector).
pub fn diff_definitions(old: &[ToolDefinition], new: &[ToolDefinition]) -> ToolDiff {
    let old_by_name: BTreeMap<&str, &ToolDefinition> =
        old.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_by_name: BTreeMap<&str, &ToolDefinition> =
        new.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut names: Vec<&str> = old_by_name
        .keys()
        .chain(new_by_name.keys())
        .copied()
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut summary = DiffSummary {
        old_tools: old_by_name.len(),
        new_tools: new_by_name.len(),
        ..DiffSummary::default()
    };
    let mut tools = Vec::new();
    for name in names {
        let entry = match (old_by_name.get(name), new_by_name.get(name)) {
            (Some(_), None) => {
                summary.tools_removed += 1;
                ToolChanges {
                    tool: name.to_string(),
                    status: ToolStatus::Removed,
                    changes: vec![tool_change(ChangeKind::ToolRemoved, true)],
                }
            }
            (None, Some(_)) => {
                summary.tools_added += 1;
                ToolChanges {
                    tool: name.to_string(),
                    status: ToolStatus::Added,
                    changes: vec![tool_change(ChangeKind::ToolAdded, false)],
                }
            }
            (Some(before), Some(after)) => {
                let changes = diff_tool(before, after);
                if changes.is_empty() {
                    summary.tools_unchanged += 1;
                    continue;
                }
                summary.tools_changed += 1;
                ToolChanges {
                    tool: name.to_string(),
                    status: ToolStatus::Changed,
                    changes,
                }
            }
            (None, None) => continue,
        };
        summary.changes += entry.changes.len();
        summary.breaking += entry.breaking_count();
        if entry.has_breaking() {
            summary.tools_broken += 1;
        }
        tools.push(entry);
    }
    ToolDiff { summary, tools }
}

fn tool_change(kind: ChangeKind, breaking: bool) -> Change {
    Change {
        kind,
        side: Side::Tool,
        path: String::new(),
        breaking,
    }
}

/// The changes of one tool present in both versions.
pub fn diff_tool(old: &ToolDefinition, new: &ToolDefinition) -> Vec<Change> {
    let mut changes = Vec::new();
    schema::compare(
        &old.input_schema,
        &new.input_schema,
        Side::Input,
        &mut changes,
    );
    for binding in &old.bindings {
        if let (Some(before), Some(after)) = (
            old.target_of(&binding.argument),
            new.target_of(&binding.argument),
        ) && before != after
        {
            changes.push(Change {
                kind: ChangeKind::ArgumentMoved {
                    old: target_label(before),
                    new: target_label(after),
                },
                side: Side::Input,
                path: binding.argument.clone(),
                breaking: true,
            });
        }
    }
    match (&old.output_schema, &new.output_schema) {
        (Some(before), Some(after)) => schema::compare(before, after, Side::Output, &mut changes),
        (Some(_), None) => changes.push(Change {
            kind: ChangeKind::OutputSchemaRemoved,
            side: Side::Output,
            path: String::new(),
            breaking: true,
        }),
        (None, Some(_)) => changes.push(Change {
            kind: ChangeKind::OutputSchemaAdded,
            side: Side::Output,
            path: String::new(),
            breaking: false,
        }),
        (None, None) => {}
    }
    changes
}

/// `query id`, `body property name`, `body`.
fn target_label(target: &ArgumentTarget) -> String {
    match target.place_and_name() {
        (place, "") => place.replace('_', " "),
        (place, name) => format!("{} {name}", place.replace('_', " ")),
    }
}
