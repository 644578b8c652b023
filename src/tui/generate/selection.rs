//! The Generate pane's operation picker: every tool of the spec under its first tag, each with a checkbox,
//! and the exact size of the `tools/list` a connector with the checked ones would send.

use std::collections::BTreeSet;

use crate::spec::model::ApiModel;
use crate::tools::{Exposure, ListSize, ToolOptions, build_tools};

/// One tool the spec offers, with the bytes of its `tools/list` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolChoice {
    pub name: String,
    /// `GET /pets/{petId}`.
    pub label: String,
    pub entry_bytes: usize,
}

/// The tools under one tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagGroup {
    pub tag: String,
    /// Indices into [`Choices::tools`].
    pub tools: Vec<usize>,
    pub expanded: bool,
}

/// What the picker offers and what is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    pub tools: Vec<ToolChoice>,
    pub groups: Vec<TagGroup>,
    pub checked: BTreeSet<usize>,
    /// Operations without a tool (unsupported), not offered.
    pub skipped: usize,
}

/// A visible row of the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Group(usize),
    Tool(usize),
}

/// The bytes of `{"tools":[]}`, the list's frame.
const FRAME_BYTES: usize = 12;

impl Choices {
    /// Builds every tool of `model` once (off the UI thread: large specs take a while); all are checked.
    pub fn of(model: &ApiModel) -> Choices {
        let options = ToolOptions {
            exposure: Exposure::All,
            ..ToolOptions::default()
        };
        let set = build_tools(model, &options);
        let mut groups: Vec<TagGroup> = Vec::new();
        let mut tools = Vec::with_capacity(set.tools.len());
        for (index, tool) in set.tools.iter().enumerate() {
            let operation = model.operations.get(tool.operation);
            let tag = operation
                .and_then(|op| op.tags.first().cloned())
                .unwrap_or_else(|| "(no tag)".to_string());
            let label = operation
                .map(|op| format!("{} {}", op.method.as_str(), op.path))
                .unwrap_or_default();
            let entry_bytes = serde_json::to_vec(&tool.list_entry()).map_or(0, |v| v.len());
            tools.push(ToolChoice {
                name: tool.name.clone(),
                label,
                entry_bytes,
            });
            match groups.iter_mut().find(|g| g.tag == tag) {
                Some(group) => group.tools.push(index),
                None => groups.push(TagGroup {
                    tag,
                    tools: vec![index],
                    expanded: false,
                }),
            }
        }
        // A single group is shown open: there is nothing to fold.
        if let [only] = groups.as_mut_slice() {
            only.expanded = true;
        }
        Choices {
            checked: (0..tools.len()).collect(),
            tools,
            groups,
            skipped: set.skipped.len(),
        }
    }

    pub fn all_checked(&self) -> bool {
        self.checked.len() == self.tools.len()
    }

    /// The checked tools' names, or `None` when every tool is checked.
    pub fn selected_names(&self) -> Option<Vec<String>> {
        if self.all_checked() {
            return None;
        }
        Some(
            self.checked
                .iter()
                .map(|&i| self.tools[i].name.clone())
                .collect(),
        )
    }

    /// The size of the `tools/list` result with the checked tools (compact JSON, as `ToolSet::size`).
    pub fn size(&self) -> ListSize {
        let count = self.checked.len();
        let entries: usize = self
            .checked
            .iter()
            .map(|&i| self.tools[i].entry_bytes)
            .sum();
        let bytes = FRAME_BYTES + entries + count.saturating_sub(1);
        ListSize {
            bytes,
            tokens: bytes.div_ceil(4),
        }
    }

    /// The rows shown: each group, and its tools when expanded, narrowed by `filter` (a case-insensitive
    /// substring of the tool's name or label, which also opens the groups that match).
    pub fn rows(&self, filter: &str) -> Vec<Row> {
        let needle = filter.to_lowercase();
        let mut rows = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            let matching: Vec<usize> = group
                .tools
                .iter()
                .copied()
                .filter(|&t| {
                    needle.is_empty()
                        || self.tools[t].name.to_lowercase().contains(&needle)
                        || self.tools[t].label.to_lowercase().contains(&needle)
                })
                .collect();
            if matching.is_empty() && !needle.is_empty() {
                continue;
            }
            rows.push(Row::Group(g));
            if group.expanded || !needle.is_empty() {
                rows.extend(matching.into_iter().map(Row::Tool));
            }
        }
        rows
    }

    /// How many of a group's tools are checked.
    pub fn checked_in(&self, group: usize) -> usize {
        self.groups[group]
            .tools
            .iter()
            .filter(|t| self.checked.contains(t))
            .count()
    }

    /// Checks or unchecks a tool, or a whole group (all of it unless all of it is checked).
    pub fn toggle(&mut self, row: Row) {
        match row {
            Row::Tool(t) => {
                if !self.checked.remove(&t) {
                    self.checked.insert(t);
                }
            }
            Row::Group(g) => {
                let tools = self.groups[g].tools.clone();
                if self.checked_in(g) == tools.len() {
                    for t in tools {
                        self.checked.remove(&t);
                    }
                } else {
                    self.checked.extend(tools);
                }
            }
        }
    }

    /// Checks everything, or nothing when everything is checked.
    pub fn toggle_all(&mut self) {
        if self.all_checked() {
            self.checked.clear();
        } else {
            self.checked = (0..self.tools.len()).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{LoadOptions, load_bytes};
    use crate::tools::Selection;

    fn petstore() -> ApiModel {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/petstore-3.0.yaml");
        load_bytes(
            "petstore",
            &std::fs::read(path).unwrap(),
            None,
            &LoadOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn the_size_is_the_size_of_the_list_a_server_would_send() {
        let model = petstore();
        let mut choices = Choices::of(&model);
        assert_eq!(choices.tools.len(), 10);
        let all = build_tools(&model, &ToolOptions::default());
        assert_eq!(choices.size(), all.size());
        assert_eq!(choices.selected_names(), None);
        // Two groups' worth unchecked: the size is that of the selection built for real.
        choices.toggle(Row::Group(0));
        let names = choices.selected_names().unwrap();
        let selected = build_tools(
            &model,
            &ToolOptions {
                selection: Selection {
                    include_operations: names.clone(),
                    ..Selection::default()
                },
                ..ToolOptions::default()
            },
        );
        assert_eq!(selected.tools.len(), names.len());
        assert_eq!(choices.size(), selected.size());
        choices.toggle_all();
        assert!(choices.all_checked());
        choices.toggle_all();
        assert_eq!(choices.size().bytes, FRAME_BYTES);
    }

    #[test]
    fn rows_fold_by_tag_and_a_filter_opens_the_matching_groups() {
        let mut choices = Choices::of(&petstore());
        let folded = choices.rows("");
        assert!(folded.iter().all(|r| matches!(r, Row::Group(_))));
        choices.groups[0].expanded = true;
        let open = choices.rows("");
        assert_eq!(open.len(), folded.len() + choices.groups[0].tools.len());
        let found = choices.rows("getpet");
        let tools: Vec<&str> = found
            .iter()
            .filter_map(|r| match r {
                Row::Tool(t) => Some(choices.tools[*t].name.as_str()),
                Row::Group(_) => None,
            })
            .collect();
        assert_eq!(tools, ["getPet"]);
        choices.toggle(Row::Tool(0));
        assert_eq!(choices.checked.len(), 9);
        choices.toggle(Row::Tool(0));
        assert!(choices.all_checked());
    }
}
