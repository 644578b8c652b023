//! Flattening a schema for synthesis: `$ref`s followed, `allOf` merged, one branch of each `oneOf`/`anyOf`
//! chosen and merged, so the generator reads one flat map of keywords.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::flat_map::FlatMap;
use crate::spec::model::{ApiModel, SCHEMA_REF_PREFIX};

/// How many `$ref`/`allOf` steps one flattening follows.
const MAX_HOPS: usize = 64;

/// Follows a reference to a named schema, or to a pointer inside one (`#/components/schemas/A/$defs/B`).
/// Returns the reference as a key for recursion tracking, and the target.
pub(crate) fn resolve_ref<'a>(model: &'a ApiModel, reference: &str) -> Option<&'a Value> {
    let rest = reference.strip_prefix(SCHEMA_REF_PREFIX)?;
    let mut segments = rest.split('/');
    let name = unescape(segments.next()?);
    let mut current = model.schemas.get(&name)?;
    for segment in segments {
        let segment = unescape(segment);
        current = match current {
            Value::Object(map) => map.get(&segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn unescape(segment: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    decoded.replace("~1", "/").replace("~0", "~")
}

/// The reference string of a `{"$ref": ...}` schema pointing at one of our named schemas.
pub(crate) fn ref_of(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .filter(|r| r.starts_with(SCHEMA_REF_PREFIX))
}

/// A schema with its references followed and its compositions merged.
pub(crate) struct Flat<'s> {
    pub map: FlatMap<'s>,
    /// The references followed on the way (for recursion tracking).
    pub refs: Vec<&'s str>,
}

/// Flattens `schema`. `minimal` prefers `null` branches; `stack` holds the references being expanded above,
/// so a branch that would recurse is avoided when another exists.
pub(crate) fn flatten<'s>(
    model: &'s ApiModel,
    schema: &'s Value,
    minimal: bool,
    stack: &[String],
) -> Flat<'s> {
    let mut flat = Flat {
        map: FlatMap::default(),
        refs: Vec::new(),
    };
    let mut merger = Merger {
        model,
        minimal,
        stack,
    };
    merger.merge_into(&mut flat, schema, 0);
    flat
}

struct Merger<'s, 'k> {
    model: &'s ApiModel,
    minimal: bool,
    stack: &'k [String],
}

impl<'s> Merger<'s, '_> {
    fn merge_into(&mut self, flat: &mut Flat<'s>, schema: &'s Value, hops: usize) {
        if hops > MAX_HOPS {
            return;
        }
        let Some(object) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                flat.map.insert("not", Cow::Owned(json!({})));
            }
            return;
        };
        if let Some(reference) = ref_of(schema)
            && !flat.refs.contains(&reference)
        {
            flat.refs.push(reference);
            if let Some(target) = resolve_ref(self.model, reference) {
                self.merge_into(flat, target, hops + 1);
            }
        }
        for (key, value) in object {
            match key.as_str() {
                "$ref" | "allOf" | "oneOf" | "anyOf" | "$defs" | "definitions"
                | "discriminator" => {}
                _ => merge_keyword(&mut flat.map, key, value),
            }
        }
        if let Some(Value::Array(all)) = object.get("allOf") {
            for branch in all {
                self.merge_into(flat, branch, hops + 1);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = object.get(key)
                && let Some(branch) = self.pick_branch(branches, flat)
            {
                self.merge_into(flat, branch, hops + 1);
            }
        }
    }

    /// The branch to synthesize: normally the first non-null one compatible with the type so far that does
    /// not recurse; in minimal mode a `null` branch when there is one.
    fn pick_branch<'b>(&self, branches: &'b [Value], flat: &Flat) -> Option<&'b Value> {
        let wanted = flat.map.types();
        let mut fallback = None;
        let mut best = None;
        for branch in branches {
            if branch == &Value::Bool(false) {
                continue;
            }
            let branch_types = self.shallow_types(branch);
            let compatible = compatible(&wanted, &branch_types);
            let null_only = branch_types
                .as_ref()
                .is_some_and(|t| t.len() == 1 && t[0] == "null");
            if self.minimal && null_only && compatible {
                return Some(branch);
            }
            let recursive = ref_of(branch)
                .is_some_and(|r| self.stack.iter().any(|s| s == r) || flat.refs.contains(&r));
            if compatible && !null_only && !recursive && best.is_none() {
                best = Some(branch);
            }
            if fallback.is_none() && compatible && !null_only {
                fallback = Some(branch);
            }
        }
        best.or(fallback)
            .or_else(|| branches.iter().find(|b| *b != &Value::Bool(false)))
    }

    /// The types a branch allows, looking through one `$ref` (and through `allOf` members one level down).
    fn shallow_types(&self, schema: &Value) -> Option<Vec<String>> {
        let mut current = schema;
        for _ in 0..8 {
            match ref_of(current).and_then(|r| resolve_ref(self.model, r)) {
                Some(target) => current = target,
                None => break,
            }
        }
        let map = current.as_object()?;
        if let Some(types) = types_of(map) {
            return Some(types);
        }
        if map.contains_key("properties") {
            return Some(vec!["object".into()]);
        }
        let all = map.get("allOf")?.as_array()?;
        all.iter().find_map(|member| {
            let target = match ref_of(member).and_then(|r| resolve_ref(self.model, r)) {
                Some(target) => target,
                None => member,
            };
            target.as_object().and_then(types_of)
        })
    }
}

/// The `type` keyword as a list (`None` when absent).
pub(crate) fn types_of(map: &Map<String, Value>) -> Option<Vec<String>> {
    types_list_of(map.get("type")?)
}

fn compatible(wanted: &Option<Vec<String>>, offered: &Option<Vec<String>>) -> bool {
    match (wanted, offered) {
        (Some(wanted), Some(offered)) => wanted
            .iter()
            .any(|w| offered.iter().any(|o| type_meets(w, o))),
        _ => true,
    }
}

fn type_meets(a: &str, b: &str) -> bool {
    a == b || (a == "number" && b == "integer") || (a == "integer" && b == "number")
}

/// Merges one keyword into the flat map: constraints tighten, lists combine, everything else first-wins.
fn merge_keyword<'s>(out: &mut FlatMap<'s>, key: &'s str, value: &'s Value) {
    match key {
        "properties" => {
            let Some(incoming) = value.as_object() else {
                return;
            };
            let Some(Value::Object(props)) = out.get_mut("properties") else {
                out.insert("properties", Cow::Borrowed(value));
                return;
            };
            for (name, schema) in incoming {
                match props.get_mut(name) {
                    Some(existing) if existing != schema => {
                        let combined = json!({"allOf": [existing.clone(), schema.clone()]});
                        *existing = combined;
                    }
                    Some(_) => {}
                    None => {
                        props.insert(name.clone(), schema.clone());
                    }
                }
            }
        }
        "required" => {
            let Some(incoming) = value.as_array() else {
                return;
            };
            let list = match out.get_mut("required") {
                Some(Value::Array(list)) => list,
                Some(_) => return,
                None if !has_repeats(incoming) => {
                    out.insert("required", Cow::Borrowed(value));
                    return;
                }
                None => {
                    out.insert("required", Cow::Owned(Value::Array(Vec::new())));
                    match out.get_mut("required") {
                        Some(Value::Array(list)) => list,
                        _ => return,
                    }
                }
            };
            for name in incoming {
                if !list.contains(name) {
                    list.push(name.clone());
                }
            }
        }
        "type" => match (out.get("type"), types_list_of(value)) {
            (Some(existing), Some(incoming)) => {
                let existing = types_list_of(existing).unwrap_or_default();
                let both: Vec<Value> = existing
                    .iter()
                    .filter_map(|e| {
                        let hit = incoming.iter().find(|i| type_meets(e, i))?;
                        // integer is the narrower of integer and number.
                        Some(if e == "integer" || hit == "integer" {
                            Value::from("integer")
                        } else {
                            Value::from(e.as_str())
                        })
                    })
                    .collect();
                if !both.is_empty() {
                    out.insert("type", Cow::Owned(Value::Array(both)));
                }
            }
            _ => out.insert("type", Cow::Borrowed(value)),
        },
        "enum" => match (out.get("enum").and_then(Value::as_array), value.as_array()) {
            (Some(existing), Some(incoming)) => {
                let both: Vec<Value> = existing
                    .iter()
                    .filter(|v| incoming.contains(v))
                    .cloned()
                    .collect();
                if !both.is_empty() {
                    out.insert("enum", Cow::Owned(Value::Array(both)));
                }
            }
            _ => out.insert("enum", Cow::Borrowed(value)),
        },
        "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties" => {
            tighten(out, key, value, f64::max)
        }
        "maximum" | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties" => {
            tighten(out, key, value, f64::min)
        }
        "items" | "additionalProperties" => match out.get(key) {
            Some(Value::Bool(false)) => {}
            Some(existing) if value.is_object() && existing.is_object() && existing != value => {
                let combined = json!({"allOf": [existing.clone(), value.clone()]});
                out.insert(key, Cow::Owned(combined));
            }
            Some(Value::Object(_)) if value == &Value::Bool(false) => {
                out.insert(key, Cow::Borrowed(value));
            }
            Some(_) => {}
            None => out.insert(key, Cow::Borrowed(value)),
        },
        "readOnly" | "writeOnly" | "uniqueItems" => {
            if value == &Value::Bool(true) {
                out.insert(key, Cow::Borrowed(value));
            } else {
                out.insert_new(key, value);
            }
        }
        _ => out.insert_new(key, value),
    }
}

/// Whether a list holds some value twice.
fn has_repeats(list: &[Value]) -> bool {
    list.iter()
        .enumerate()
        .any(|(i, item)| list[..i].contains(item))
}

pub(super) fn types_list_of(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(t) => Some(vec![t.clone()]),
        Value::Array(ts) => Some(
            ts.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

fn tighten<'s>(out: &mut FlatMap<'s>, key: &'s str, value: &'s Value, pick: fn(f64, f64) -> f64) {
    // 3.0's boolean exclusive bounds arrive converted, but stay safe with anything non-numeric.
    let Some(incoming) = value.as_f64() else {
        return;
    };
    if let Some(existing) = out.get(key).and_then(Value::as_f64)
        && pick(existing, incoming) == existing
    {
        return;
    }
    out.insert(key, Cow::Borrowed(value));
}

/// Whether a property schema is marked with `flag` (`readOnly`/`writeOnly`), directly, through its
/// `$ref`, or on one of its `allOf` members.
pub(crate) fn has_flag(model: &ApiModel, schema: &Value, flag: &str) -> bool {
    fn direct(model: &ApiModel, schema: &Value, flag: &str) -> bool {
        if schema.get(flag) == Some(&Value::Bool(true)) {
            return true;
        }
        ref_of(schema)
            .and_then(|r| resolve_ref(model, r))
            .is_some_and(|t| t.get(flag) == Some(&Value::Bool(true)))
    }
    direct(model, schema, flag)
        || schema
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|all| all.iter().any(|m| direct(model, m, flag)))
}
