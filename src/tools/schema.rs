//! Schemas for tools, self-contained and fit for strict clients:
//! - named `$ref`s are inlined from `model.schemas`; a schema that recurs is cut (`(recursive NAME, cut)`)
//!   after [`MAX_REENTRIES`] re-entries or where no more references may open, and bounded in size and depth
//!   ([`REQUEST_LIMITS`], [`RESPONSE_LIMITS`]);
//! - only JSON Schema 2020-12 keywords with valid values are kept (vendor extensions, `discriminator`, `xml`,
//!   bad `type`s and patterns that do not compile are dropped), descriptions are cleaned of markup;
//! - arrays always have `items`; one-member unions and `allOf`s of objects are merged into their schema;
//! - `readOnly` properties leave request schemas and `writeOnly` ones response schemas; response schemas keep
//!   titles, descriptions and examples only near the top (they are outlines, not documentation).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Weak};

use serde_json::{Map, Value, json};

use super::merge::{merge_into, simplify};
use super::text::{bound, clean_markup};
use crate::spec::model::{ApiModel, schema_ref_name};

/// How many times a named schema may be re-entered inside itself before it is cut.
pub const MAX_REENTRIES: u8 = 2;
/// Longest description kept inside a schema.
pub const MAX_SCHEMA_DESCRIPTION: usize = 512;
/// How deep (in nested subschemas) an inlined schema may grow before further references are cut.
pub const MAX_DEPTH: usize = 48;

/// Bounds on one inlined schema, so tool lists stay usable for huge, interlinked APIs (Stripe, GitHub).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Subschemas one inlined schema may hold; references met beyond it are cut.
    pub max_nodes: usize,
    /// Named schemas that may be open inside one another; deeper references are left unexpanded.
    pub max_ref_depth: usize,
}

/// Request schemas: the model must be able to build valid arguments, so they go deep.
pub const REQUEST_LIMITS: Limits = Limits {
    max_nodes: 3_000,
    max_ref_depth: 6,
};
/// Response schemas: an outline of the result is enough.
pub const RESPONSE_LIMITS: Limits = Limits {
    max_nodes: 1_000,
    max_ref_depth: 3,
};

const VALID_TYPES: [&str; 7] = [
    "null", "boolean", "object", "array", "number", "string", "integer",
];
/// Keywords whose value is one schema.
const ONE_SCHEMA: [&str; 10] = [
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
const NON_NEGATIVE: [&str; 8] = [
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
];
const TEXT: [&str; 5] = [
    "title",
    "description",
    "format",
    "contentEncoding",
    "contentMediaType",
];
const FLAGS: [&str; 4] = ["uniqueItems", "deprecated", "readOnly", "writeOnly"];

/// Which side of a call a schema describes: it decides whether `readOnly` or `writeOnly` properties go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Request,
    Response,
}

impl Direction {
    fn limits(self) -> Limits {
        match self {
            Direction::Request => REQUEST_LIMITS,
            Direction::Response => RESPONSE_LIMITS,
        }
    }
    /// The flag that removes a property in this direction.
    fn hidden_flag(self) -> &'static str {
        match self {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        }
    }
}

/// Inlines schemas of one model. Expansions are not memoized: copying a kept expansion cost as much as
/// walking it again, and the kept copies were most of a large API's memory while its tools were built.
pub struct Inliner<'m> {
    model: &'m ApiModel,
    direction: Direction,
    /// How many expansions of each named schema (by index) are open right now, and in all.
    open: Vec<u8>,
    open_total: usize,
    patterns: HashMap<String, bool>,
    nodes: usize,
    /// Named schemas cut for recursion since the last [`Inliner::take_notes`].
    recursive: BTreeSet<String>,
    /// Other problems since the last [`Inliner::take_notes`] (unresolved references, size cuts, bad patterns).
    problems: BTreeSet<String>,
    /// Finished schemas of [`Inliner::shared`], by the compact JSON of their source.
    shared: HashMap<String, Shared>,
}

/// A finished schema and the notes its inlining gave, kept to be handed out again. The schema is held weakly:
/// it lives as long as a tool holds it (serving drops each tool's schemas once its entry is written).
struct Shared {
    value: Option<Weak<Value>>,
    recursive: Vec<String>,
    problems: Vec<String>,
}

impl<'m> Inliner<'m> {
    pub fn new(model: &'m ApiModel) -> Self {
        Inliner {
            model,
            direction: Direction::Request,
            open: vec![0; model.schemas.len()],
            open_total: 0,
            patterns: HashMap::new(),
            nodes: 0,
            recursive: BTreeSet::new(),
            problems: BTreeSet::new(),
            shared: HashMap::new(),
        }
    }

    /// `finish(inline(schema))`, computed once per distinct `schema` and shared while some tool holds it: an
    /// inlining at the top does not depend on what was inlined before, so equal sources give equal results
    /// (and equal notes, which are given again on each use). Many operations answer with the same schema.
    pub fn shared(
        &mut self,
        schema: &Value,
        direction: Direction,
        finish: impl FnOnce(Value) -> Option<Value>,
    ) -> Option<Arc<Value>> {
        let key = format!("{direction:?}{schema}");
        if let Some(shared) = self.shared.get(&key) {
            let value = match &shared.value {
                Some(weak) => weak.upgrade().map(Some),
                None => Some(None),
            };
            if let Some(value) = value {
                self.recursive.extend(shared.recursive.iter().cloned());
                self.problems.extend(shared.problems.iter().cloned());
                return value;
            }
        }
        let (recursive_before, problems_before) = self.take_notes();
        let value = finish(self.inline(schema, direction)).map(Arc::new);
        let (recursive, problems) = self.take_notes();
        self.recursive = recursive_before
            .into_iter()
            .chain(recursive.iter().cloned())
            .collect();
        self.problems = problems_before
            .into_iter()
            .chain(problems.iter().cloned())
            .collect();
        let shared = Shared {
            value: value.as_ref().map(Arc::downgrade),
            recursive,
            problems,
        };
        self.shared.insert(key, shared);
        value
    }

    /// `schema` with every reference inlined and every keyword checked, for one side of a call.
    pub fn inline(&mut self, schema: &Value, direction: Direction) -> Value {
        self.direction = direction;
        self.nodes = 0;
        self.walk(schema, 0)
    }

    /// Named schemas cut for recursion, and other problems, since the last call; both sorted.
    pub fn take_notes(&mut self) -> (Vec<String>, Vec<String>) {
        (
            std::mem::take(&mut self.recursive).into_iter().collect(),
            std::mem::take(&mut self.problems).into_iter().collect(),
        )
    }

    fn walk(&mut self, schema: &Value, depth: usize) -> Value {
        self.nodes += 1;
        match schema {
            Value::Bool(_) => schema.clone(),
            Value::Object(map) => Value::Object(self.walk_object(map, depth)),
            _ => json!({}),
        }
    }

    fn walk_object(&mut self, map: &Map<String, Value>, depth: usize) -> Map<String, Value> {
        let mut out = Map::with_capacity(map.len());
        let mut hidden = Vec::new();
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            out = match self.expand(reference, depth) {
                Value::Object(resolved) => resolved,
                Value::Bool(false) => Map::from_iter([("not".to_string(), json!({}))]),
                _ => Map::new(),
            };
            let mut siblings = Map::new();
            for (key, value) in map {
                self.keyword(&mut siblings, &mut hidden, key, value, depth);
            }
            merge_into(&mut out, siblings, true);
        } else {
            for (key, value) in map {
                self.keyword(&mut out, &mut hidden, key, value, depth);
            }
        }
        finish_object(&mut out, &hidden);
        simplify(out)
    }

    /// Copies one keyword to `out` if it is JSON Schema with a valid value, walking the schemas it holds.
    fn keyword(
        &mut self,
        out: &mut Map<String, Value>,
        hidden: &mut Vec<String>,
        key: &str,
        value: &Value,
        depth: usize,
    ) {
        let kept = match key {
            "title" | "description" | "examples" if !self.keeps_annotations() => return,
            "properties" | "patternProperties" | "dependentSchemas" => {
                let Some(entries) = value.as_object() else {
                    return;
                };
                let mut walked = Map::with_capacity(entries.len());
                for (name, schema) in entries {
                    let schema = self.walk(schema, depth + 1);
                    if key == "properties" && has_flag(&schema, self.direction.hidden_flag()) {
                        hidden.push(name.clone());
                    } else {
                        walked.insert(name.clone(), schema);
                    }
                }
                Value::Object(walked)
            }
            "items" => match value {
                Value::Array(list) => {
                    let list = list.iter().map(|s| self.walk(s, depth + 1)).collect();
                    out.insert("prefixItems".to_string(), Value::Array(list));
                    return;
                }
                _ => self.walk(value, depth + 1),
            },
            "additionalItems" if !out.contains_key("items") => self.walk(value, depth + 1),
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => match value.as_array() {
                Some(list) if !list.is_empty() => {
                    Value::Array(list.iter().map(|s| self.walk(s, depth + 1)).collect())
                }
                _ => return,
            },
            _ if ONE_SCHEMA.contains(&key) => self.walk(value, depth + 1),
            "type" => match valid_type(value) {
                Some(kept) => kept,
                None => return,
            },
            "required" => match string_set(value) {
                Some(kept) => kept,
                None => return,
            },
            "dependentRequired" => {
                let Some(entries) = value.as_object() else {
                    return;
                };
                let kept: Map<String, Value> = entries
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), string_set(v)?)))
                    .collect();
                Value::Object(kept)
            }
            "enum" if value.is_array() => value.clone(),
            "const" | "default" => value.clone(),
            "examples" => match value {
                Value::Array(_) => value.clone(),
                other => json!([other]),
            },
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum"
                if value.is_number() =>
            {
                value.clone()
            }
            "multipleOf" if value.as_f64().is_some_and(|n| n > 0.0) => value.clone(),
            _ if NON_NEGATIVE.contains(&key) && is_non_negative_integer(value) => value.clone(),
            _ if FLAGS.contains(&key) && value.is_boolean() => value.clone(),
            "description" => match value.as_str() {
                Some(text) => Value::String(bound(&clean_markup(text), MAX_SCHEMA_DESCRIPTION)),
                None => return,
            },
            _ if TEXT.contains(&key) && value.is_string() => value.clone(),
            "pattern" => match value.as_str() {
                Some(pattern) if self.pattern_ok(pattern) => value.clone(),
                Some(pattern) => {
                    self.problems
                        .insert(format!("pattern `{pattern}` does not compile; dropped"));
                    return;
                }
                None => return,
            },
            _ => return,
        };
        let key = if key == "additionalItems" {
            "items"
        } else {
            key
        };
        out.insert(key.to_string(), kept);
    }

    /// The inlined named schema a reference points at, or a cut marker.
    fn expand(&mut self, reference: &str, depth: usize) -> Value {
        let found = schema_ref_name(reference).and_then(|name| self.model.schemas.get_full(&name));
        let Some((index, name, schema)) = found else {
            self.problems.insert(format!(
                "unresolved reference `{reference}` read as any value"
            ));
            return json!({});
        };
        let limits = self.direction.limits();
        let remaining = limits.max_ref_depth.saturating_sub(self.open_total);
        let open = self.open[index];
        if open > MAX_REENTRIES || (open > 0 && remaining == 0) {
            self.recursive.insert(name.clone());
            return cut_marker(schema, &format!("(recursive {name}, cut)"));
        }
        if remaining == 0 {
            return cut_marker(schema, &format!("({name}, not expanded)"));
        }
        if depth >= MAX_DEPTH || self.nodes >= limits.max_nodes {
            self.problems.insert(format!(
                "a schema has more than {} subschemas or {MAX_DEPTH} levels; `{name}` cut",
                limits.max_nodes
            ));
            return cut_marker(schema, &format!("({name}, cut: schema too large)"));
        }
        self.open[index] += 1;
        self.open_total += 1;
        let value = self.walk(schema, depth);
        self.open[index] -= 1;
        self.open_total -= 1;
        value
    }

    /// Response schemas are outlines: titles, descriptions and examples are kept only in the response's own
    /// schema and the first named schema it uses, not in schemas nested deeper.
    fn keeps_annotations(&self) -> bool {
        self.direction == Direction::Request || self.open_total <= 1
    }

    /// Whether `pattern` compiles with the regex engine our validator uses, and is portable: Unicode property
    /// escapes (`\p{L}`) are refused by Python's `re` and by JavaScript without the `u` flag, which clients use.
    fn pattern_ok(&mut self, pattern: &str) -> bool {
        if pattern.contains("\\p{") || pattern.contains("\\P{") {
            return false;
        }
        if let Some(ok) = self.patterns.get(pattern) {
            return *ok;
        }
        let ok = jsonschema::validator_for(&json!({ "pattern": pattern })).is_ok();
        self.patterns.insert(pattern.to_string(), ok);
        ok
    }
}

/// What stands for a named schema that is not expanded: its top-level type (if simple) and a note.
fn cut_marker(schema: &Value, note: &str) -> Value {
    let mut marker = Map::new();
    let kind = match schema.get("type") {
        Some(Value::String(kind)) if VALID_TYPES.contains(&kind.as_str()) => Some(kind.clone()),
        None if schema.get("properties").is_some() => Some("object".to_string()),
        _ => None,
    };
    if let Some(kind) = kind {
        marker.insert("type".to_string(), Value::String(kind.clone()));
        if kind == "array" {
            marker.insert("items".to_string(), json!({}));
        }
    }
    marker.insert("description".to_string(), Value::String(note.to_string()));
    Value::Object(marker)
}

/// Adds `items: {}` to arrays without it and drops hidden properties from `required`.
fn finish_object(out: &mut Map<String, Value>, hidden: &[String]) {
    if is_array_type(out.get("type")) && !out.contains_key("items") {
        out.insert("items".to_string(), json!({}));
    }
    if !hidden.is_empty()
        && let Some(Value::Array(required)) = out.get_mut("required")
    {
        required.retain(|name| !name.as_str().is_some_and(|n| hidden.iter().any(|h| h == n)));
    }
}

/// Whether a `type` value includes `array`.
pub fn is_array_type(kind: Option<&Value>) -> bool {
    match kind {
        Some(Value::String(kind)) => kind == "array",
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "array"),
        _ => false,
    }
}

/// Whether a schema (or one of its `allOf` members) sets `flag` to true.
fn has_flag(schema: &Value, flag: &str) -> bool {
    schema.get(flag) == Some(&Value::Bool(true))
        || schema
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|members| {
                members
                    .iter()
                    .any(|m| m.get(flag) == Some(&Value::Bool(true)))
            })
}

fn valid_type(value: &Value) -> Option<Value> {
    match value {
        Value::String(kind) if VALID_TYPES.contains(&kind.as_str()) => Some(value.clone()),
        Value::Array(kinds) => {
            let mut kept: Vec<Value> = Vec::with_capacity(kinds.len());
            for kind in kinds {
                if kind.as_str().is_some_and(|k| VALID_TYPES.contains(&k)) && !kept.contains(kind) {
                    kept.push(kind.clone());
                }
            }
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        _ => None,
    }
}

/// An array of distinct strings (others dropped), or `None` if `value` is not an array.
fn string_set(value: &Value) -> Option<Value> {
    let list = value.as_array()?;
    let mut kept: Vec<Value> = Vec::with_capacity(list.len());
    for item in list {
        if item.is_string() && !kept.contains(item) {
            kept.push(item.clone());
        }
    }
    Some(Value::Array(kept))
}

fn is_non_negative_integer(value: &Value) -> bool {
    value.is_u64() || value.as_f64().is_some_and(|n| n >= 0.0 && n.fract() == 0.0)
}

/// Problems that would make a schema unfit for a tool: a `$ref` at a schema position, an array without
/// `items`, or (at the top) `oneOf`/`anyOf`/`allOf` or a type other than `object`. Data (`enum`, `const`,
/// `default`, `examples`) is not looked into. Empty when the schema is fit.
pub fn schema_problems(schema: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(map) = schema.as_object() {
        for key in ["oneOf", "anyOf", "allOf"] {
            if map.contains_key(key) {
                problems.push(format!("top-level `{key}`"));
            }
        }
        if map.get("type").and_then(Value::as_str) != Some("object") {
            problems.push("the top level is not `type: object`".to_string());
        }
    } else {
        problems.push("not a JSON object".to_string());
    }
    collect_problems(schema, "", &mut problems);
    problems
}

fn collect_problems(schema: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if map.contains_key("$ref") {
        problems.push(format!("`$ref` at {at}/"));
    }
    if is_array_type(map.get("type")) && !map.contains_key("items") {
        problems.push(format!("array without `items` at {at}/"));
    }
    for (key, value) in map {
        match key.as_str() {
            "properties" | "patternProperties" | "dependentSchemas" | "$defs" => {
                if let Some(entries) = value.as_object() {
                    for (name, child) in entries {
                        collect_problems(child, &format!("{at}/{key}/{name}"), problems);
                    }
                }
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                if let Some(list) = value.as_array() {
                    for (i, child) in list.iter().enumerate() {
                        collect_problems(child, &format!("{at}/{key}/{i}"), problems);
                    }
                }
            }
            "items" | "additionalItems" => {
                collect_problems(value, &format!("{at}/{key}"), problems)
            }
            _ if ONE_SCHEMA.contains(&key.as_str()) => {
                collect_problems(value, &format!("{at}/{key}"), problems)
            }
            _ => {}
        }
    }
}
