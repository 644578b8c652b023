//! Building the form's [`Spec`]s from an `inputSchema`: local `$ref`s resolved, agreeing `allOf`s merged,
//! unions with `null` reduced; what remains that fields cannot show becomes raw JSON.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::fields::{ListRules, Shape, Spec, TextKind, TextRules};

/// Groups and lists nested deeper than this become raw JSON fields.
pub const MAX_DEPTH: usize = 4;
/// `$ref`s followed in a row to resolve one node (cycles stop here).
const MAX_REF_HOPS: usize = 16;

/// What the top of an `inputSchema` holds.
pub struct Root {
    pub specs: Vec<Arc<Spec>>,
    /// Arguments the fields cannot name: `additionalProperties`, `patternProperties`, or a root union.
    pub free_form: bool,
}

pub fn root(schema: &Value) -> Root {
    let builder = Builder { root: schema };
    let map = builder.normalize(schema);
    let specs = match map.get("properties").and_then(Value::as_object) {
        Some(properties) => builder.properties(properties, &map, 0),
        None => Vec::new(),
    };
    let open = |key: &str| map.get(key).is_some_and(|v| v != &Value::Bool(false));
    let union = ["oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| map.contains_key(*k));
    Root {
        specs,
        free_form: open("additionalProperties") || open("patternProperties") || union,
    }
}

struct Builder<'a> {
    root: &'a Value,
}

impl Builder<'_> {
    fn properties(
        &self,
        properties: &Map<String, Value>,
        parent: &Map<String, Value>,
        depth: usize,
    ) -> Vec<Arc<Spec>> {
        let required: Vec<&str> = parent
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        properties
            .iter()
            .map(|(name, schema)| {
                Arc::new(self.spec(name, schema, required.contains(&name.as_str()), depth))
            })
            .collect()
    }

    fn spec(&self, name: &str, schema: &Value, required: bool, depth: usize) -> Spec {
        let map = self.normalize(schema);
        let description = ["description", "title"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str))
            .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "));
        let mut notes = Vec::new();
        if let Some(default) = map.get("default") {
            notes.push(format!("default {default}"));
        }
        let (shape, hint) = self.shape(&map, depth, &mut notes);
        Spec {
            name: name.to_string(),
            required,
            description,
            hint,
            notes,
            shape,
        }
    }

    fn shape(
        &self,
        map: &Map<String, Value>,
        depth: usize,
        notes: &mut Vec<String>,
    ) -> (Shape, String) {
        let raw = |why: &str| (Shape::Raw, format!("JSON · {why}"));
        if map.contains_key("$ref") {
            return raw("$ref");
        }
        if let Some(key) = ["oneOf", "anyOf", "allOf"]
            .iter()
            .find(|k| map.contains_key(**k))
        {
            return raw(key);
        }
        if let Some(values) = map
            .get("enum")
            .and_then(Value::as_array)
            .filter(|v| !v.is_empty())
        {
            return (Shape::Choice(values.clone()), "enum".into());
        }
        if let Some(value) = map.get("const") {
            return (Shape::Choice(vec![value.clone()]), "const".into());
        }
        let kind = match map.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(Value::Array(kinds)) => {
                let named: Vec<&str> = kinds
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|k| *k != "null")
                    .collect();
                match named.as_slice() {
                    [kind] => *kind,
                    _ => return raw("several types"),
                }
            }
            _ if map.contains_key("properties") => "object",
            _ if map.contains_key("items") => "array",
            _ => return raw("any"),
        };
        match kind {
            "boolean" => (Shape::Toggle, "boolean".into()),
            "string" | "number" | "integer" => self.text(kind, map, notes),
            "object" if depth >= MAX_DEPTH => raw("nested too deep"),
            "object" => match map.get("properties").and_then(Value::as_object) {
                Some(properties) if !properties.is_empty() => (
                    Shape::Group(self.properties(properties, map, depth + 1)),
                    "object".into(),
                ),
                _ if map.contains_key("additionalProperties") => raw("map"),
                _ => raw("object"),
            },
            "array" if depth >= MAX_DEPTH => raw("nested too deep"),
            "array" => self.list(map, depth),
            _ => raw(kind),
        }
    }

    fn list(&self, map: &Map<String, Value>, depth: usize) -> (Shape, String) {
        if map.contains_key("prefixItems") || map.get("items").is_some_and(Value::is_array) {
            return (Shape::Raw, "JSON · tuple".into());
        }
        let items = map.get("items").cloned().unwrap_or(json!({}));
        let item_map = self.normalize(&items);
        let is_array = |v: &Value| v.as_str() == Some("array");
        let nested = match item_map.get("type") {
            Some(Value::Array(kinds)) => kinds.iter().any(is_array),
            Some(kind) => is_array(kind),
            None => item_map.contains_key("items"),
        };
        if nested {
            return (Shape::Raw, "JSON · array of arrays".into());
        }
        let item = self.spec("", &items, true, depth + 1);
        let count = |key: &str| map.get(key).and_then(Value::as_u64).map(|n| n as usize);
        let rules = ListRules {
            min_items: count("minItems"),
            max_items: count("maxItems"),
            unique: map.get("uniqueItems") == Some(&Value::Bool(true)),
        };
        let hint = format!("{}[]", item.hint.split(' ').next().unwrap_or("any"));
        let item = Arc::new(item);
        (Shape::List { item, rules }, hint)
    }

    fn text(
        &self,
        kind: &str,
        map: &Map<String, Value>,
        notes: &mut Vec<String>,
    ) -> (Shape, String) {
        let number = |key: &str| map.get(key).and_then(Value::as_f64);
        let count = |key: &str| map.get(key).and_then(Value::as_u64).map(|n| n as usize);
        let kind = match kind {
            "integer" => TextKind::Integer,
            "number" => TextKind::Number,
            _ => TextKind::String,
        };
        // Draft 4 writes `exclusiveMinimum: true` beside `minimum`; 2020-12 gives the bound itself.
        let exclusive = |key: &str, bound: &str| match map.get(key) {
            Some(Value::Bool(true)) => number(bound),
            other => other.and_then(Value::as_f64),
        };
        let mut rules = TextRules {
            kind,
            min_length: count("minLength"),
            max_length: count("maxLength"),
            minimum: number("minimum"),
            maximum: number("maximum"),
            exclusive_minimum: exclusive("exclusiveMinimum", "minimum"),
            exclusive_maximum: exclusive("exclusiveMaximum", "maximum"),
            multiple_of: number("multipleOf").filter(|m| *m > 0.0),
            pattern: None,
            format: map.get("format").and_then(Value::as_str).map(String::from),
            format_check: None,
        };
        if rules.exclusive_minimum.is_some() && map.get("exclusiveMinimum") == Some(&json!(true)) {
            rules.minimum = None;
        }
        if rules.exclusive_maximum.is_some() && map.get("exclusiveMaximum") == Some(&json!(true)) {
            rules.maximum = None;
        }
        if kind == TextKind::String {
            if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
                notes.push(format!("pattern {pattern}"));
                rules.pattern = jsonschema::validator_for(&json!({ "pattern": pattern }))
                    .ok()
                    .map(|check| (pattern.to_string(), check));
            }
            rules.format_check = rules.format.as_ref().and_then(|format| {
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(&json!({ "format": format }))
                    .ok()
            });
        }
        let hint = text_hint(&rules);
        (Shape::Text(Box::new(rules)), hint)
    }

    /// The node with local `$ref`s resolved, `allOf`s merged when their parts agree, and unions with `null`
    /// reduced to their other member. A union that remains makes the field raw JSON.
    fn normalize(&self, schema: &Value) -> Map<String, Value> {
        self.normalize_hops(schema, 0)
    }

    fn normalize_hops(&self, schema: &Value, hops: usize) -> Map<String, Value> {
        let Some(node) = schema.as_object() else {
            return Map::new();
        };
        let mut map = node.clone();
        if let Some(reference) = map.get("$ref").and_then(Value::as_str).map(String::from) {
            let target = reference
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer));
            let Some(target) = target.filter(|_| hops < MAX_REF_HOPS) else {
                return map;
            };
            map.remove("$ref");
            let mut base = self.normalize_hops(target, hops + 1);
            for (key, value) in map {
                base.insert(key, value);
            }
            map = base;
        }
        if let Some(parts) = map.get("allOf").and_then(Value::as_array).cloned() {
            let parts: Vec<_> = parts
                .iter()
                .map(|p| self.normalize_hops(p, hops + 1))
                .collect();
            let mut merged = map.clone();
            merged.remove("allOf");
            if parts.into_iter().all(|part| merge(&mut merged, part)) {
                map = merged;
            }
        }
        for key in ["anyOf", "oneOf"] {
            let Some(options) = map.get(key).and_then(Value::as_array) else {
                continue;
            };
            let others: Vec<&Value> = options.iter().filter(|o| !is_null(o)).collect();
            if let [only] = others.as_slice() {
                let only = self.normalize_hops(only, hops + 1);
                let mut merged = map.clone();
                merged.remove(key);
                if merge(&mut merged, only) {
                    map = merged;
                }
            }
        }
        map
    }
}

/// Merges `part` into `into`; false when they disagree on a keyword.
fn merge(into: &mut Map<String, Value>, part: Map<String, Value>) -> bool {
    const ANNOTATIONS: [&str; 4] = ["description", "title", "default", "examples"];
    for (key, value) in part {
        match (key.as_str(), into.get_mut(&key)) {
            (_, None) => {
                into.insert(key, value);
            }
            ("properties", Some(Value::Object(mine))) => {
                for (name, schema) in value.as_object().into_iter().flatten() {
                    mine.entry(name.clone()).or_insert_with(|| schema.clone());
                }
            }
            ("required", Some(Value::Array(mine))) => {
                for name in value.as_array().into_iter().flatten() {
                    if !mine.contains(name) {
                        mine.push(name.clone());
                    }
                }
            }
            (key, Some(mine)) if ANNOTATIONS.contains(&key) || *mine == value => {}
            _ => return false,
        }
    }
    true
}

fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema.get("const") == Some(&Value::Null)
}

fn text_hint(rules: &TextRules) -> String {
    let mut hint = match rules.kind {
        TextKind::String => "string",
        TextKind::Number => "number",
        TextKind::Integer => "integer",
    }
    .to_string();
    if let Some(format) = &rules.format {
        hint.push('·');
        hint.push_str(format);
    }
    let show = |n: f64| json!(n).to_string().trim_end_matches(".0").to_string();
    let low = rules
        .minimum
        .map(|n| (show(n), "≥"))
        .or(rules.exclusive_minimum.map(|n| (show(n), ">")));
    let high = rules
        .maximum
        .map(|n| (show(n), "≤"))
        .or(rules.exclusive_maximum.map(|n| (show(n), "<")));
    let range = match (low, high) {
        (Some((low, "≥")), Some((high, "≤"))) => format!("{low}..{high}"),
        (Some((low, a)), Some((high, b))) => format!("{a}{low} {b}{high}"),
        (Some((low, a)), None) => format!("{a}{low}"),
        (None, Some((high, b))) => format!("{b}{high}"),
        (None, None) => match (rules.min_length, rules.max_length) {
            (Some(low), Some(high)) => format!("{low}..{high} chars"),
            (Some(low), None) => format!("≥{low} chars"),
            (None, Some(high)) => format!("≤{high} chars"),
            (None, None) => String::new(),
        },
    };
    if !range.is_empty() {
        hint.push(' ');
        hint.push_str(&range);
    }
    hint
}
