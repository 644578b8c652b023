//! Discover exposure for large APIs: three meta-tools instead of one tool per operation. The executor (serve,
//! generated connectors) answers them with [`ToolSet::search`], [`ToolSet::get`] and the operation's own tool.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::text::one_line;
use super::{ToolAnnotations, ToolDefinition, ToolSet};
use crate::spec::model::ApiModel;

/// Longest one-line description in search results.
const ONE_LINE: usize = 160;
/// Most results `search_operations` returns.
pub const MAX_SEARCH_RESULTS: usize = 50;

/// Which meta-tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetaToolKind {
    /// `search_operations {query, limit?}` → `{operations: [{name, title?, description, method, path}]}`.
    SearchOperations,
    /// `describe_operation {name}` → the operation's tool entry (name, description, inputSchema, ...).
    DescribeOperation,
    /// `call_operation {name, arguments}` → the operation's result.
    CallOperation,
}

impl MetaToolKind {
    pub const ALL: [MetaToolKind; 3] = [
        MetaToolKind::SearchOperations,
        MetaToolKind::DescribeOperation,
        MetaToolKind::CallOperation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MetaToolKind::SearchOperations => "search_operations",
            MetaToolKind::DescribeOperation => "describe_operation",
            MetaToolKind::CallOperation => "call_operation",
        }
    }

    /// The meta-tool of this name.
    pub fn from_name(name: &str) -> Option<MetaToolKind> {
        MetaToolKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One meta-tool as it is listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaTool {
    pub kind: MetaToolKind,
    pub name: String,
    pub title: String,
    pub description: String,
    pub input_schema: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    pub annotations: ToolAnnotations,
}

impl MetaTool {
    /// The entry for this tool in a `tools/list` result.
    pub fn list_entry(&self) -> Value {
        super::list_entry(
            &self.name,
            Some(&self.title),
            &self.description,
            &self.input_schema,
            self.output_schema.as_ref(),
            &self.annotations,
        )
    }
}

/// The three meta-tools for `count` operations of the API called `title`.
pub fn meta_tools(title: &str, count: usize) -> Vec<MetaTool> {
    let api = if title.trim().is_empty() {
        "this API"
    } else {
        title.trim()
    };
    let read_only = ToolAnnotations {
        read_only_hint: Some(true),
        idempotent_hint: Some(true),
        ..ToolAnnotations::default()
    };
    let name_arg = json!({
        "type": "string",
        "description": "The operation's name, as search_operations returns it"
    });
    vec![
        MetaTool {
            kind: MetaToolKind::SearchOperations,
            name: MetaToolKind::SearchOperations.name().to_string(),
            title: "Search operations".to_string(),
            description: format!(
                "Search the {count} operations of {api} by keywords (words in the name, summary, path or tags). \
                 Returns matching operations with their names and one-line descriptions. Then use \
                 describe_operation for an operation's arguments and call_operation to call it."
            ),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "Keywords, e.g. \"list pets\""},
                    "limit": {
                        "type": "integer", "minimum": 1, "maximum": MAX_SEARCH_RESULTS, "default": 10,
                        "description": "Most results to return"
                    }
                },
                "required": ["query"]
            }),
            output_schema: Some(json!({
                "type": "object",
                "properties": {
                    "operations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "title": {"type": "string"},
                                "description": {"type": "string"},
                                "method": {"type": "string"},
                                "path": {"type": "string"}
                            },
                            "required": ["name", "description"]
                        }
                    }
                },
                "required": ["operations"]
            })),
            annotations: ToolAnnotations {
                title: Some("Search operations".to_string()),
                ..read_only.clone()
            },
        },
        MetaTool {
            kind: MetaToolKind::DescribeOperation,
            name: MetaToolKind::DescribeOperation.name().to_string(),
            title: "Describe an operation".to_string(),
            description: format!(
                "The full description of one operation of {api}: what it does, and the JSON Schema of its \
                 arguments (inputSchema) and of its result (outputSchema, when known)."
            ),
            input_schema: json!({
                "type": "object",
                "properties": {"name": name_arg},
                "required": ["name"]
            }),
            output_schema: Some(json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "inputSchema": {"type": "object"},
                    "outputSchema": {"type": "object"},
                    "annotations": {"type": "object"}
                },
                "required": ["name", "description", "inputSchema"]
            })),
            annotations: ToolAnnotations {
                title: Some("Describe an operation".to_string()),
                ..read_only
            },
        },
        MetaTool {
            kind: MetaToolKind::CallOperation,
            name: MetaToolKind::CallOperation.name().to_string(),
            title: "Call an operation".to_string(),
            description: format!(
                "Call one operation of {api} with arguments that match its inputSchema (see \
                 describe_operation). Returns the operation's result."
            ),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "name": name_arg,
                    "arguments": {
                        "type": "object",
                        "description": "The operation's arguments, as its inputSchema describes",
                        "default": {}
                    }
                },
                "required": ["name"]
            }),
            output_schema: None,
            annotations: ToolAnnotations {
                title: Some("Call an operation".to_string()),
                ..ToolAnnotations::default()
            },
        },
    ]
}

/// One result of [`ToolSet::search`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The description's first paragraph on one line, bounded.
    pub description: String,
    pub method: String,
    pub path: String,
    pub score: u32,
}

/// Lowercase words of `text` (letters and digits), with camelCase split (`listPets` → `list`, `pets`).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && previous_lower && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
            current.extend(c.to_lowercase());
        } else {
            previous_lower = false;
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// How well `tool` matches the query words: name 4, title 3, path 2, tags 2, description 1 per word (a word
/// matches a text word it starts, so `pet` matches `pets`). Zero when some query word matches nowhere.
fn score(query: &[String], tool: &ToolDefinition, model: &ApiModel) -> u32 {
    let op = model.operations.get(tool.operation);
    let fields: [(Vec<String>, u32); 5] = [
        (words(&tool.name), 4),
        (words(tool.title.as_deref().unwrap_or("")), 3),
        (words(op.map_or("", |o| o.path.as_str())), 2),
        (op.map(|o| words(&o.tags.join(" "))).unwrap_or_default(), 2),
        (words(&tool.description), 1),
    ];
    let mut total = 0;
    for wanted in query {
        let best = fields
            .iter()
            .filter(|(text, _)| text.iter().any(|w| w.starts_with(wanted.as_str())))
            .map(|(_, weight)| *weight)
            .max();
        match best {
            Some(weight) => total += weight,
            None => return 0,
        }
    }
    total
}

impl ToolSet {
    /// Operations matching `query` (every word must match somewhere), best first, at most `limit`
    /// (capped at [`MAX_SEARCH_RESULTS`]). Ties keep document order. An empty query lists the first ones.
    pub fn search(&self, model: &ApiModel, query: &str, limit: usize) -> Vec<SearchHit> {
        let query = words(query);
        let limit = limit.clamp(1, MAX_SEARCH_RESULTS);
        let mut scored: Vec<(u32, &ToolDefinition)> = self
            .tools
            .iter()
            .map(|tool| {
                (
                    if query.is_empty() {
                        1
                    } else {
                        score(&query, tool, model)
                    },
                    tool,
                )
            })
            .filter(|(score, _)| *score > 0)
            .collect();
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        scored
            .into_iter()
            .take(limit)
            .map(|(score, tool)| {
                let op = model.operations.get(tool.operation);
                SearchHit {
                    name: tool.name.clone(),
                    title: tool.title.clone(),
                    description: one_line(&tool.description, ONE_LINE),
                    method: op.map_or(String::new(), |o| o.method.as_str().to_string()),
                    path: op.map_or(String::new(), |o| o.path.clone()),
                    score,
                }
            })
            .collect()
    }
}
