//! Operations as MCP tools: the one definition that `serve`, the mock-backed tests and the code generators
//! share, so they agree exactly on names, schemas and where each argument goes.
//!
//! [`build_tools`] turns the selected operations of an [`ApiModel`] into [`ToolDefinition`]s:
//! - names from the operationId or the method and path, `[A-Za-z0-9_.-]`, bounded by the [`ClientProfile`],
//!   unique and stable (see [`naming`]);
//! - a cleaned, bounded description and a title from the summary;
//! - an `inputSchema` merging parameters and body, with an [`ArgumentBinding`] per argument (see [`input`]);
//! - an `outputSchema` from the first 2xx JSON response with an object schema;
//! - annotations from the method.
//!
//! Schemas are self-contained: no `$ref`, arrays always with `items`, no top-level combinators, argument names
//! that model APIs accept as property keys (see [`schema`], [`merge`]). With [`Exposure::Discover`], three
//! meta-tools are listed instead (see [`discover`]). [`ToolSet::size`] and [`size_report`] give the size of the
//! `tools/list` result in bytes and estimated tokens.
//!
//! Building never fails and never panics: what cannot be represented is cut, dropped or skipped, and reported
//! in [`ToolSet::warnings`] or [`ToolSet::skipped`].

pub mod discover;
pub mod input;
pub mod merge;
pub mod naming;
pub mod schema;
pub mod select;
pub mod text;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::spec::model::{ApiModel, GraphqlRoot, HttpMethod, Operation, Warning};

pub use discover::{MetaTool, MetaToolKind, SearchHit};
pub use input::{ArgumentBinding, ArgumentTarget};
pub use naming::ClientProfile;
pub use select::Selection;

/// Longest tool description, in characters (notes included).
pub const MAX_DESCRIPTION: usize = 1024;
/// Longest title, in characters.
pub const MAX_TITLE: usize = 120;

/// Which tools a server lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    /// One tool per operation; the selection is ignored.
    All,
    /// One tool per selected operation.
    #[default]
    Selected,
    /// Three meta-tools (search, describe, call) over the selected operations.
    Discover,
}

/// How to build tools.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ToolOptions {
    pub selection: Selection,
    pub exposure: Exposure,
    pub profile: ClientProfile,
}

/// MCP tool annotations (all hints). Unset hints keep MCP's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
}

/// One operation as an MCP tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolDefinition {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub description: String,
    /// `{"type":"object","properties":{...},"required":[...]}`, self-contained.
    pub input_schema: Value,
    /// Shared by the tools whose operations answer with the same schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Arc<Value>>,
    pub annotations: ToolAnnotations,
    /// The operation's index in `model.operations`.
    pub operation: usize,
    /// The request body's media type, when there is a body.
    #[serde(default)]
    pub body_media_type: Option<String>,
    /// Where each argument goes, in `inputSchema` property order.
    pub bindings: Vec<ArgumentBinding>,
    /// The response status the `outputSchema` describes (`200`, `2XX`, ...).
    #[serde(default)]
    pub output_status: Option<String>,
}

impl ToolDefinition {
    /// The entry for this tool in a `tools/list` result.
    pub fn list_entry(&self) -> Value {
        list_entry(
            &self.name,
            self.title.as_deref(),
            &self.description,
            &self.input_schema,
            self.output_schema.as_deref(),
            &self.annotations,
        )
    }

    /// [`ToolDefinition::list_entry`] without copying: it serializes to the same JSON.
    pub fn list_entry_ref(&self) -> ListEntryRef<'_> {
        ListEntryRef {
            name: &self.name,
            title: self.title.as_deref(),
            description: &self.description,
            input_schema: &self.input_schema,
            output_schema: self.output_schema.as_deref(),
            annotations: Some(&self.annotations)
                .filter(|annotations| **annotations != ToolAnnotations::default()),
        }
    }

    /// Where the argument called `argument` goes.
    pub fn target_of(&self, argument: &str) -> Option<&ArgumentTarget> {
        self.bindings
            .iter()
            .find(|b| b.argument == argument)
            .map(|b| &b.target)
    }
}

/// A `tools/list` entry: name, title, description, inputSchema, outputSchema, annotations.
fn list_entry(
    name: &str,
    title: Option<&str>,
    description: &str,
    input_schema: &Value,
    output_schema: Option<&Value>,
    annotations: &ToolAnnotations,
) -> Value {
    let mut entry = Map::new();
    entry.insert("name".to_string(), json!(name));
    if let Some(title) = title {
        entry.insert("title".to_string(), json!(title));
    }
    entry.insert("description".to_string(), json!(description));
    entry.insert("inputSchema".to_string(), input_schema.clone());
    if let Some(output) = output_schema {
        entry.insert("outputSchema".to_string(), output.clone());
    }
    if *annotations != ToolAnnotations::default() {
        entry.insert("annotations".to_string(), json!(annotations));
    }
    Value::Object(entry)
}

/// A `tools/list` entry that borrows the tool's fields (see [`ToolDefinition::list_entry_ref`]).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ListEntryRef<'a> {
    pub(crate) name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<&'a str>,
    pub(crate) description: &'a str,
    #[serde(rename = "inputSchema")]
    pub(crate) input_schema: &'a Value,
    #[serde(rename = "outputSchema", skip_serializing_if = "Option::is_none")]
    pub(crate) output_schema: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) annotations: Option<&'a ToolAnnotations>,
}

/// An operation that has no tool, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedOperation {
    /// The operation's index in `model.operations`.
    pub operation: usize,
    pub reason: String,
}

/// The size of a `tools/list` result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSize {
    /// Bytes of the compact JSON of `{"tools":[...]}`.
    pub bytes: usize,
    /// Estimated tokens: bytes / 4, rounded up. A rough rule for BPE tokenizers on English and JSON; schemas
    /// heavy in punctuation and short keys usually come out 10-30 % higher.
    pub tokens: usize,
}

impl ListSize {
    fn of(result: &Value) -> ListSize {
        let bytes = serde_json::to_vec(result).map_or(0, |v| v.len());
        ListSize {
            bytes,
            tokens: bytes.div_ceil(4),
        }
    }
}

/// The tools built from one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSet {
    pub exposure: Exposure,
    /// One tool per selected operation, in document order. With [`Exposure::Discover`] these are not listed:
    /// they are what the meta-tools search, describe and call.
    pub tools: Vec<ToolDefinition>,
    /// The meta-tools listed with [`Exposure::Discover`]; empty otherwise.
    pub meta_tools: Vec<MetaTool>,
    /// Selected operations without a tool (unsupported ones), with the reason.
    pub skipped: Vec<SkippedOperation>,
    /// Problems met while building (unresolved references, patterns dropped, schemas cut), each once.
    pub warnings: Vec<Warning>,
}

impl ToolSet {
    /// The `tools` array of the `tools/list` result for this exposure.
    pub fn list_json(&self) -> Value {
        let entries = if self.exposure == Exposure::Discover {
            self.meta_tools.iter().map(MetaTool::list_entry).collect()
        } else {
            self.tools.iter().map(ToolDefinition::list_entry).collect()
        };
        Value::Array(entries)
    }

    /// The size of the `tools/list` result (`{"tools": list_json()}`).
    pub fn size(&self) -> ListSize {
        ListSize::of(&json!({ "tools": self.list_json() }))
    }

    /// The operation tool of this name (also in Discover exposure).
    pub fn get(&self, name: &str) -> Option<&ToolDefinition> {
        self.tools.iter().find(|t| t.name == name)
    }
}

/// Below this many operations the tools are built on one thread.
const PARALLEL_FROM: usize = 128;

/// Builds the tools for `model` as `options` say. Never fails: problems become warnings or skipped operations.
///
/// Large APIs are built on up to four threads, each with its own inliner over a contiguous run of operations.
/// An inlining never depends on what was inlined before (the inliner's caches only save work), so the tools
/// are the same as one thread's, in the same order, with the same warnings.
pub fn build_tools(model: &ApiModel, options: &ToolOptions) -> ToolSet {
    let selected = select_operations(model, options);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(selected.len() / PARALLEL_FROM)
        .max(1);
    if workers == 1 {
        return assemble(model, options, built_in_order(model, selected), |_| {});
    }
    let run = selected.len().div_ceil(workers);
    let mut runs = Vec::with_capacity(workers);
    let mut rest = selected;
    while rest.len() > run {
        let tail = rest.split_off(run);
        runs.push(rest);
        rest = tail;
    }
    runs.push(rest);
    let built: Vec<Built> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || built_in_order(model, run).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    });
    assemble(model, options, built.into_iter(), |_| {})
}

/// [`build_tools`] on one thread, handing each tool to `on_tool` as soon as it is built (before the next one
/// is), so a caller can serialize its schemas and drop them rather than hold every tool's at once.
pub fn build_tools_with(
    model: &ApiModel,
    options: &ToolOptions,
    on_tool: impl FnMut(&mut ToolDefinition),
) -> ToolSet {
    let selected = select_operations(model, options);
    assemble(model, options, built_in_order(model, selected), on_tool)
}

/// One selected operation: its tool and the problems met building it, or why it was skipped.
type Built = Result<(ToolDefinition, Vec<String>), SkippedOperation>;

/// The operations `options` select, by index, with their tool names.
fn select_operations(model: &ApiModel, options: &ToolOptions) -> Vec<(usize, String)> {
    let names = naming::assign_names(&model.operations, options.profile);
    model
        .operations
        .iter()
        .zip(names)
        .enumerate()
        .filter(|(_, (op, name))| {
            options.exposure == Exposure::All || options.selection.matches(op, name)
        })
        .map(|(index, (_, name))| (index, name))
        .collect()
}

/// Builds `selected` one after another with one inliner, lazily.
fn built_in_order(
    model: &ApiModel,
    selected: Vec<(usize, String)>,
) -> impl Iterator<Item = Built> + '_ {
    let mut inliner = schema::Inliner::new(model);
    selected.into_iter().map(move |(index, name)| {
        let op = &model.operations[index];
        match &op.unsupported {
            Some(reason) => Err(SkippedOperation {
                operation: index,
                reason: reason.clone(),
            }),
            None => Ok(build_tool(model, index, op, name, &mut inliner)),
        }
    })
}

/// The tool set from the built operations, in order: each problem becomes one warning (at its first
/// operation), and the discover exposure adds its meta-tools.
fn assemble(
    model: &ApiModel,
    options: &ToolOptions,
    built: impl Iterator<Item = Built>,
    mut on_tool: impl FnMut(&mut ToolDefinition),
) -> ToolSet {
    let mut tools = Vec::new();
    let mut skipped = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut warned = std::collections::HashSet::new();
    for item in built {
        let (mut tool, problems) = match item {
            Ok(built) => built,
            Err(skip) => {
                skipped.push(skip);
                continue;
            }
        };
        let op = &model.operations[tool.operation];
        for problem in problems {
            if warned.insert(problem.clone()) {
                warnings.push(Warning::new(op.pointer.clone(), problem));
            }
        }
        on_tool(&mut tool);
        tools.push(tool);
    }
    let meta_tools = if options.exposure == Exposure::Discover {
        discover::meta_tools(&model.title, tools.len())
    } else {
        Vec::new()
    };
    ToolSet {
        exposure: options.exposure,
        tools,
        meta_tools,
        skipped,
        warnings,
    }
}

fn build_tool(
    model: &ApiModel,
    index: usize,
    op: &Operation,
    name: String,
    inliner: &mut schema::Inliner<'_>,
) -> (ToolDefinition, Vec<String>) {
    let input = input::build_input(model, op, inliner);
    let output = input::build_output(op, inliner);
    let (recursive, problems) = inliner.take_notes();
    let title = op
        .summary
        .as_deref()
        .map(|s| text::one_line(&text::clean_markup(s), MAX_TITLE))
        .filter(|s| !s.is_empty());
    let description = describe(op, &recursive);
    let annotations = annotations(op, title.clone());
    let (output_status, output_schema) = output.unzip();
    let tool = ToolDefinition {
        name,
        title,
        description,
        input_schema: input.schema,
        output_schema,
        annotations,
        operation: index,
        body_media_type: input.body_media_type,
        bindings: input.bindings,
        output_status,
    };
    (tool, problems)
}

/// Summary and description, cleaned and bounded, with notes on deprecation and recursive schemas cut.
fn describe(op: &Operation, recursive: &[String]) -> String {
    let summary = op
        .summary
        .as_deref()
        .map(text::clean_markup)
        .unwrap_or_default();
    let details = op
        .description
        .as_deref()
        .map(text::clean_markup)
        .unwrap_or_default();
    let mut body = if details.is_empty() || details.starts_with(summary.trim_end_matches('.')) {
        if details.is_empty() { summary } else { details }
    } else if summary.is_empty() {
        details
    } else {
        format!("{summary}\n\n{details}")
    };
    if body.is_empty() {
        body = match &op.graphql {
            Some(graphql) => format!("GraphQL {} `{}`.", graphql.root.as_str(), graphql.field),
            None => op.label(),
        };
    }
    if op.deprecated {
        body = format!("Deprecated. {body}");
    }
    let note = match recursive {
        [] => String::new(),
        [one] => format!("\n\n(Recursive schema {one} is shown to a limited depth.)"),
        many => format!(
            "\n\n(Recursive schemas {} are shown to a limited depth.)",
            many.join(", ")
        ),
    };
    let note = text::bound(&note, MAX_DESCRIPTION / 4);
    let room = MAX_DESCRIPTION.saturating_sub(note.chars().count());
    format!("{}{note}", text::bound(&body, room))
}

/// Hints from the method (or, for GraphQL, the root type): safe methods and queries are read-only, DELETE is
/// destructive and idempotent, PUT is idempotent.
fn annotations(op: &Operation, title: Option<String>) -> ToolAnnotations {
    let mut hints = ToolAnnotations {
        title,
        ..ToolAnnotations::default()
    };
    if let Some(graphql) = &op.graphql {
        if graphql.root == GraphqlRoot::Query {
            hints.read_only_hint = Some(true);
        }
        return hints;
    }
    match op.method {
        HttpMethod::Get | HttpMethod::Head | HttpMethod::Options | HttpMethod::Trace => {
            hints.read_only_hint = Some(true);
            hints.idempotent_hint = Some(true);
        }
        HttpMethod::Delete => {
            hints.destructive_hint = Some(true);
            hints.idempotent_hint = Some(true);
        }
        HttpMethod::Put => hints.idempotent_hint = Some(true),
        HttpMethod::Post | HttpMethod::Patch => {}
    }
    hints
}

/// The `tools/list` size of each exposure, from one build of every tool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeReport {
    pub all: ListSize,
    pub all_tools: usize,
    pub selected: ListSize,
    pub selected_tools: usize,
    pub discover: ListSize,
}

/// Sizes of the `tools/list` result for [`Exposure::All`], the selection and [`Exposure::Discover`].
pub fn size_report(model: &ApiModel, options: &ToolOptions) -> SizeReport {
    let all = build_tools(
        model,
        &ToolOptions {
            exposure: Exposure::All,
            ..options.clone()
        },
    );
    let selected: Vec<Value> = all
        .tools
        .iter()
        .filter(|t| {
            model
                .operations
                .get(t.operation)
                .is_some_and(|op| options.selection.matches(op, &t.name))
        })
        .map(ToolDefinition::list_entry)
        .collect();
    let selected_tools = selected.len();
    let discover: Vec<Value> = discover::meta_tools(&model.title, selected_tools)
        .iter()
        .map(MetaTool::list_entry)
        .collect();
    SizeReport {
        all: all.size(),
        all_tools: all.tools.len(),
        selected: ListSize::of(&json!({ "tools": selected })),
        selected_tools,
        discover: ListSize::of(&json!({ "tools": discover })),
    }
}
