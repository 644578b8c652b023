//! Schemas of any dialect into JSON Schema 2020-12, with named schemas kept once and referred to.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::{Dialect, Loc, Reader};
use crate::spec::docs::{Node, Target};
use crate::spec::model::{JsonSchema, schema_ref};

/// Keywords whose value is a map of names to schemas.
const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is one schema.
const SCHEMA_ONE: [&str; 11] = [
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// How deep one schema may nest, counting inlined references, before it is cut.
const MAX_SCHEMA_DEPTH: usize = 256;
/// How many references may be inlined inside one another.
const MAX_INLINE_DEPTH: usize = 64;
/// How many JSON values (objects, arrays, strings, ...) inlining may copy into one model, counted in the schemas
/// it inlines. Each use of an inlined reference is a new copy, so references that each use the next twice
/// (`A: {allOf: [B, B]}`, `B: {allOf: [C, C]}`, ...) double the work at every step, and a schema with a large
/// `enum` or `example` copies all of it each time. Past this budget a reference that would be inlined becomes a
/// named schema instead, normalized once. The most a real description copies is about 240,000 values
/// (DigitalOcean's, whose files `$ref` each other).
const MAX_INLINED_VALUES: usize = 500_000;

/// The name a location has when it is a named schema (`/components/schemas/X`, `/definitions/X`).
fn named_location(pointer: &str) -> Option<String> {
    let rest = pointer
        .strip_prefix("/components/schemas/")
        .or_else(|| pointer.strip_prefix("/definitions/"))?;
    if rest.contains('/') || rest.is_empty() {
        return None;
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

impl Reader<'_, '_> {
    /// Registers every schema of the root's components (or definitions) under its own name, in order.
    pub(super) fn register_component_schemas(&mut self) {
        let container = if self.dialect == Dialect::Swagger2 {
            "/definitions"
        } else {
            "/components/schemas"
        };
        let Some(names) = self.docs.keys(0, container) else {
            return;
        };
        for name in names {
            let pointer = crate::spec::model::pointer_join(container, &name);
            self.register_named(Target { doc: 0, pointer }, name);
        }
    }

    /// Gives a location a unique schema name and queues it for normalization.
    fn register_named(&mut self, target: Target, wanted: String) -> String {
        if self.speculative && !self.named.contains_key(&target) {
            self.impure = true;
            return wanted;
        }
        if let Some(name) = self.named.get(&target) {
            return name.clone();
        }
        let name = self.unique_name(wanted);
        self.names_taken.insert(name.clone());
        self.named.insert(target.clone(), name.clone());
        self.model.schemas.insert(name.clone(), Value::Null);
        self.pending.push_back(target);
        name
    }

    fn unique_name(&self, wanted: String) -> String {
        if !self.names_taken.contains(&wanted) {
            return wanted;
        }
        (2..)
            .map(|n| format!("{wanted}_{n}"))
            .find(|candidate| !self.names_taken.contains(candidate))
            .unwrap_or(wanted)
    }

    /// Normalizes every queued named schema (new ones may be queued as it goes), taking those in `done` as
    /// they are (normalized ahead, with nothing else to do).
    pub(super) fn normalize_pending_schemas(&mut self, mut done: HashMap<Target, JsonSchema>) {
        // In rounds: the schemas queued now (those of the root document parsed ahead), then those they queued.
        while !self.pending.is_empty() {
            let round: Vec<Target> = self.pending.drain(..).collect();
            let root_pointers = round.iter().filter(|t| t.doc == 0 && !done.contains_key(t));
            let mut root_nodes = self
                .docs
                .nodes_in_order(0, root_pointers.map(|t| t.pointer.clone()).collect());
            for target in round {
                if let Some(normalized) = done.remove(&target) {
                    let name = self.named[&target].clone();
                    self.model.schemas.insert(name, normalized);
                    continue;
                }
                if target.doc != 0 {
                    let node = self.docs.node(target.doc, &target.pointer);
                    self.normalize_named(target, node.as_ref());
                    continue;
                }
                let node = root_nodes.next().flatten();
                self.normalize_named(target, node.as_ref());
                if let Some(node) = node {
                    root_nodes.done(node);
                }
            }
        }
    }

    fn normalize_named(&mut self, target: Target, node: Option<&Node>) {
        let name = self.named[&target].clone();
        let normalized = match node {
            Some(node) => {
                let loc = Loc::at(target.doc, &target.pointer);
                self.inlining.push(target.clone());
                let out = self.schema_at_depth(node.get(), &loc, 0);
                self.inlining.pop();
                out
            }
            None => json!({}),
        };
        self.model.schemas.insert(name, normalized);
    }

    /// Normalizes one schema found at `loc`.
    pub(crate) fn schema(&mut self, value: &Value, loc: &Loc<'_>) -> JsonSchema {
        self.schema_at_depth(value, loc, 0)
    }

    pub(super) fn schema_at_depth(
        &mut self,
        value: &Value,
        loc: &Loc<'_>,
        depth: usize,
    ) -> JsonSchema {
        if depth > MAX_SCHEMA_DEPTH {
            self.warn(
                loc,
                format!("schema nests deeper than {MAX_SCHEMA_DEPTH} levels; cut here"),
            );
            return json!({});
        }
        let object = match value {
            Value::Object(object) => object,
            Value::Bool(_) => return value.clone(),
            _ => {
                self.warn(loc, "schema is not an object; read as any value");
                return json!({});
            }
        };
        let mut out = Map::with_capacity(object.len());
        for (key, child) in object {
            self.schema_keyword(&mut out, key, child, loc, depth);
        }
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            match self.schema_reference(reference, loc, depth) {
                Value::Object(resolved) if resolved.contains_key("$ref") && resolved.len() == 1 => {
                    out.extend(resolved);
                }
                Value::Object(resolved) => {
                    for (key, value) in resolved {
                        out.entry(key).or_insert(value);
                    }
                }
                other if out.is_empty() => return other,
                _ => {}
            }
        }
        settle_exclusive(&mut out);
        let nullable = object
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || object
                .get("x-nullable")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        if nullable {
            return make_nullable(out);
        }
        Value::Object(out)
    }

    fn schema_keyword(
        &mut self,
        out: &mut Map<String, Value>,
        key: &str,
        child: &Value,
        loc: &Loc<'_>,
        depth: usize,
    ) {
        match key {
            "$ref" | "nullable" | "x-nullable" => {}
            _ if key.starts_with("x-") => {}
            _ if SCHEMA_MAPS.contains(&key) => {
                let normalized = self.schema_map(key, child, &loc.key(key), depth);
                if let Some(normalized) = normalized {
                    out.insert(key.to_string(), normalized);
                }
            }
            _ if SCHEMA_ONE.contains(&key) => {
                let normalized = self.schema_at_depth(child, &loc.key(key), depth + 1);
                out.insert(key.to_string(), normalized);
            }
            _ if SCHEMA_LISTS.contains(&key) => {
                let here = loc.key(key);
                let Some(list) = child.as_array() else {
                    self.warn(&here, format!("`{key}` is not an array; ignored"));
                    return;
                };
                let normalized = list
                    .iter()
                    .enumerate()
                    .map(|(i, schema)| self.schema_at_depth(schema, &here.index(i), depth + 1))
                    .collect();
                out.insert(key.to_string(), Value::Array(normalized));
            }
            "items" => {
                let here = loc.key(key);
                if let Some(list) = child.as_array() {
                    // Draft 4 tuple form.
                    let normalized = list
                        .iter()
                        .enumerate()
                        .map(|(i, schema)| self.schema_at_depth(schema, &here.index(i), depth + 1))
                        .collect();
                    out.insert("prefixItems".to_string(), Value::Array(normalized));
                } else {
                    out.insert(
                        "items".to_string(),
                        self.schema_at_depth(child, &here, depth + 1),
                    );
                }
            }
            "type" if child.as_str() == Some("file") => {
                out.insert("type".to_string(), json!("string"));
                out.insert("format".to_string(), json!("binary"));
            }
            "format" if out.get("format").is_some() => {}
            "exclusiveMinimum" | "exclusiveMaximum" => exclusive_bound(out, key, child),
            "minimum" | "maximum" => {
                let exclusive = if key == "minimum" {
                    "exclusiveMinimum"
                } else {
                    "exclusiveMaximum"
                };
                if !matches!(out.get(exclusive), Some(Value::Number(_))) {
                    out.insert(key.to_string(), child.clone());
                }
            }
            "example" => {
                out.entry("examples").or_insert_with(|| json!([child]));
            }
            "examples" => {
                let list = match child {
                    Value::Array(_) => child.clone(),
                    Value::Object(map) => Value::Array(map.values().cloned().collect()),
                    other => json!([other]),
                };
                out.insert(key.to_string(), list);
            }
            "required" => {
                if child.is_array() {
                    out.insert(key.to_string(), child.clone());
                }
            }
            "discriminator" => {
                let discriminator = self.discriminator(child, &loc.key(key));
                out.insert(key.to_string(), discriminator);
            }
            _ => {
                out.insert(key.to_string(), child.clone());
            }
        }
    }

    /// A map of names to schemas (`properties`, `$defs`, ...). Some descriptions put the whole map behind a `$ref`.
    fn schema_map(
        &mut self,
        key: &str,
        child: &Value,
        loc: &Loc<'_>,
        depth: usize,
    ) -> Option<Value> {
        let resolved = match self.deref(child, loc) {
            super::Deref::Inline => None,
            super::Deref::Found(node, target) => Some((node, target)),
            super::Deref::Broken => return None,
        };
        let target_loc;
        let (map, loc) = match &resolved {
            Some((node, target)) => {
                target_loc = Loc::at(target.doc, &target.pointer);
                (node.get(), &target_loc)
            }
            None => (child, loc),
        };
        let Some(map) = map.as_object() else {
            self.warn(loc, format!("`{key}` is not an object; ignored"));
            return None;
        };
        let mut normalized = Map::with_capacity(map.len());
        for (name, schema) in map {
            let at = loc.key(name);
            normalized.insert(name.clone(), self.schema_at_depth(schema, &at, depth + 1));
        }
        Some(Value::Object(normalized))
    }

    /// A schema `$ref`: a named schema stays a reference; anything else is inlined (cycles become named).
    fn schema_reference(&mut self, reference: &str, loc: &Loc<'_>, depth: usize) -> JsonSchema {
        let target = match self.locate(loc.doc, reference) {
            Ok(target) => target,
            Err(message) => {
                self.warn(loc, message);
                return json!({});
            }
        };
        if let Some(name) = self.named.get(&target) {
            return schema_ref(name);
        }
        if let Some(name) = named_location(&target.pointer) {
            let name = self.register_named(target, name);
            return schema_ref(&name);
        }
        if self.speculative {
            // Inlining counts against the shared budget and may name a cycle: left to the reader.
            self.impure = true;
            return json!({});
        }
        if self.inlining.contains(&target) {
            let wanted = last_segment(&target.pointer);
            let name = self.unique_name(wanted);
            self.names_taken.insert(name.clone());
            self.named.insert(target, name.clone());
            self.model.schemas.insert(name.clone(), Value::Null);
            return schema_ref(&name);
        }
        if self.inlining.len() >= MAX_INLINE_DEPTH {
            self.warn(
                loc,
                format!("references nest deeper than {MAX_INLINE_DEPTH}; `{reference}` cut here"),
            );
            return json!({});
        }
        if self.inlined_values >= MAX_INLINED_VALUES {
            if !self.inline_budget_spent {
                self.inline_budget_spent = true;
                self.warn(
                    loc,
                    format!(
                        "inlined references copy more than {MAX_INLINED_VALUES} values; \
                         from `{reference}` on, they are kept as named schemas"
                    ),
                );
            }
            let wanted = last_segment(&target.pointer);
            let name = self.register_named(target, wanted);
            return schema_ref(&name);
        }
        self.inline(target, depth)
    }

    fn inline(&mut self, target: Target, depth: usize) -> JsonSchema {
        let Some(node) = self.docs.node(target.doc, &target.pointer) else {
            return json!({});
        };
        let node = node.get();
        self.inlined_values += value_count(node);
        self.inlining.push(target.clone());
        let loc = Loc::at(target.doc, &target.pointer);
        let normalized = self.schema_at_depth(node, &loc, depth + 1);
        self.inlining.pop();
        // A cycle found inside made this location a named schema: keep the body there and refer to it.
        match self.named.get(&target) {
            Some(name) => {
                let name = name.clone();
                self.model.schemas.insert(name.clone(), normalized);
                schema_ref(&name)
            }
            None => normalized,
        }
    }

    fn discriminator(&mut self, value: &Value, loc: &Loc<'_>) -> Value {
        let mut out = value.clone();
        let Some(mapping) = out.get_mut("mapping").and_then(Value::as_object_mut) else {
            return out;
        };
        for (_, target) in mapping.iter_mut() {
            let Some(reference) = target.as_str() else {
                continue;
            };
            let reference = if reference.contains(['#', '/', '.']) {
                reference.to_string()
            } else {
                let prefix = if self.dialect == Dialect::Swagger2 {
                    "#/definitions/"
                } else {
                    "#/components/schemas/"
                };
                format!("{prefix}{reference}")
            };
            let located = self.locate(loc.doc, &reference);
            if let Ok(located) = located
                && let Some(name) = self.named_at(located)
            {
                *target = schema_ref(&name)["$ref"].clone();
            }
        }
        out
    }

    fn named_at(&mut self, target: Target) -> Option<String> {
        if let Some(name) = self.named.get(&target) {
            return Some(name.clone());
        }
        let name = named_location(&target.pointer)?;
        Some(self.register_named(target, name))
    }
}

/// How many JSON values `value` holds, itself included (a `$ref` inside counts as the object it is).
fn value_count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(value_count).sum(),
        Value::Object(map) => map.values().map(value_count).sum(),
        _ => 0,
    }
}

fn last_segment(pointer: &str) -> String {
    let segment = pointer.rsplit('/').next().unwrap_or("Schema");
    let segment = segment.replace("~1", "/").replace("~0", "~");
    if segment.is_empty() {
        "Schema".to_string()
    } else {
        segment
    }
}

/// OpenAPI 3.0's boolean `exclusiveMinimum` (with `minimum`) becomes 2020-12's numeric form.
fn exclusive_bound(out: &mut Map<String, Value>, key: &str, child: &Value) {
    match child {
        Value::Bool(true) => {
            let bound = if key == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            };
            if let Some(limit) = out.remove(bound) {
                out.insert(key.to_string(), limit);
            } else {
                out.insert(key.to_string(), Value::Bool(true));
            }
        }
        Value::Bool(false) => {}
        other => {
            out.insert(key.to_string(), other.clone());
        }
    }
}

/// Fixes a boolean exclusive bound whose `minimum`/`maximum` came after it in the object.
fn settle_exclusive(out: &mut Map<String, Value>) {
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if out.get(exclusive) == Some(&Value::Bool(true)) {
            match out.remove(bound) {
                Some(limit) => {
                    out.insert(exclusive.to_string(), limit);
                }
                None => {
                    out.remove(exclusive);
                }
            }
        }
    }
}

/// OpenAPI 3.0's `nullable: true` as 2020-12: `null` joins the type (and the enum), or an `anyOf` with null.
fn make_nullable(mut out: Map<String, Value>) -> Value {
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    let empty = out.is_empty();
    match out.get_mut("type") {
        Some(Value::String(name)) => {
            let name = std::mem::take(name);
            out.insert("type".to_string(), json!([name, "null"]));
        }
        Some(Value::Array(names)) if !names.contains(&json!("null")) => names.push(json!("null")),
        None if !empty => return json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
        _ => {}
    }
    Value::Object(out)
}
