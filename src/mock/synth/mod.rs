//! Deterministic values from JSON Schemas: mock responses, and valid arguments for requests and tests.
//!
//! The same schema and model always give the same value. Required properties are always present; optional
//! ones too near the top (up to a bound per object). Formats, enums (the first value), `const`, numeric and
//! length bounds, `minItems`, `multipleOf` and nullability are honoured; unions take their first suitable
//! branch, `allOf` is merged, `pattern` is followed for simple expressions, and recursion is cut at a bounded
//! depth by switching to minimal values (required properties only, empty arrays, `null` where allowed).

mod check;
mod flat_map;
mod merge;
mod one_of;
mod strings;

use serde_json::{Map, Number, Value};

use flat_map::FlatMap;

use crate::spec::model::ApiModel;

pub(crate) use merge::has_flag;

/// `schema` with its references followed and compositions merged (one branch of each union).
pub(crate) fn flat_schema(model: &ApiModel, schema: &Value) -> Map<String, Value> {
    merge::flatten(model, schema, false, &[]).map.into_map()
}

/// The declared types of a flattened schema.
pub(crate) fn flat_types(map: &Map<String, Value>) -> Vec<String> {
    merge::types_of(map).unwrap_or_default()
}

/// Which side of an exchange a value is for: responses leave out `writeOnly` properties, requests leave out
/// `readOnly` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Request,
    Response,
}

/// Bounds on a synthesized value.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub direction: Direction,
    /// Optional properties are included only in objects nested less deeply than this.
    pub optional_depth: usize,
    /// At most this many optional properties per object.
    pub max_optional: usize,
    /// Past this many generated values everything else is minimal.
    pub node_budget: usize,
    /// Nesting beyond this gives `null`.
    pub max_depth: usize,
}

impl SynthOptions {
    pub fn new(direction: Direction) -> Self {
        SynthOptions {
            direction,
            optional_depth: 3,
            max_optional: 16,
            node_budget: 2_000,
            max_depth: 48,
        }
    }
}

/// A response value for `schema` (named schemas resolved through `model`).
pub fn synthesize(schema: &Value, model: &ApiModel) -> Value {
    synthesize_with(schema, model, &SynthOptions::new(Direction::Response))
}

/// A request value for `schema`: arguments, parameters and bodies.
pub fn synthesize_request(schema: &Value, model: &ApiModel) -> Value {
    synthesize_with(schema, model, &SynthOptions::new(Direction::Request))
}

pub fn synthesize_with(schema: &Value, model: &ApiModel, options: &SynthOptions) -> Value {
    let mut generator = Generator {
        model,
        options,
        stack: Vec::new(),
        nodes: 0,
        minimal: 0,
    };
    generator.value(schema, 0, 0)
}

/// Whether a primitive example or default satisfies the parts of `schema` that are cheap to check (type,
/// enum, const, bounds, lengths, known formats). Object and array values are not checked and not accepted.
pub fn plausible_example(value: &Value, schema: &Value, model: &ApiModel) -> bool {
    let flat = merge::flatten(model, schema, false, &[]);
    cheap_valid(value, &flat.map)
}

struct Generator<'a> {
    model: &'a ApiModel,
    options: &'a SynthOptions,
    /// References being expanded, outermost first.
    stack: Vec<String>,
    nodes: usize,
    /// Above zero inside a minimal subtree.
    minimal: usize,
}

impl<'a> Generator<'a> {
    fn value(&mut self, schema: &Value, depth: usize, variant: usize) -> Value {
        self.nodes += 1;
        if depth > self.options.max_depth {
            return Value::Null;
        }
        if let Some((refs, target)) = self.direct_one_of(schema) {
            return self.one_of(refs, target, depth, variant);
        }
        let inherited = self.minimal > 0 || self.nodes > self.options.node_budget;
        let flat = merge::flatten(self.model, schema, inherited, &self.stack);
        let recursive = flat.refs.iter().any(|r| self.stack.iter().any(|s| s == r));
        let minimal = inherited || recursive;
        let map = &flat.map;

        if let Some(value) = map.get("const") {
            return value.clone();
        }
        if let Some(Value::Array(options)) = map.get("enum") {
            let non_null: Vec<&Value> = options.iter().filter(|v| !v.is_null()).collect();
            return match non_null.len() {
                0 => Value::Null,
                n => non_null[variant % n].clone(),
            };
        }
        if variant == 0 {
            let candidates = ["examples", "example", "default"];
            for key in candidates {
                let example = match map.get(key) {
                    Some(Value::Array(list)) if key == "examples" => list.first(),
                    Some(value) if key != "examples" => Some(value),
                    _ => None,
                };
                if let Some(example) = example.filter(|e| cheap_valid(e, map)) {
                    return example.clone();
                }
            }
        }

        let pushed = flat.refs.len();
        self.stack.extend(flat.refs.iter().map(|r| r.to_string()));
        if minimal {
            self.minimal += 1;
        }
        let out = match choose_type(map, minimal).as_str() {
            "null" => Value::Null,
            "boolean" => Value::Bool(variant.is_multiple_of(2)),
            "integer" => integer(map, variant),
            "number" => number(map, variant),
            "array" => self.array(map, depth, variant, minimal),
            "object" => self.object(map, depth, variant, minimal),
            _ => Value::String(string(map, variant)),
        };
        if minimal {
            self.minimal -= 1;
        }
        self.stack.truncate(self.stack.len() - pushed);
        out
    }

    fn array(&mut self, map: &FlatMap, depth: usize, variant: usize, minimal: bool) -> Value {
        let min = count(map, "minItems").unwrap_or(0);
        let max = count(map, "maxItems").unwrap_or(usize::MAX);
        let prefix = map.get("prefixItems").and_then(Value::as_array);
        let wanted = if minimal { min } else { min.max(1) };
        let wanted = wanted.min(max).min(256);
        let any = Value::Bool(true);
        let items = map.get("items").unwrap_or(&any);
        let contains = map.get("contains");
        let mut out = Vec::with_capacity(wanted);
        for index in 0..wanted {
            let schema = match prefix.and_then(|p| p.get(index)) {
                Some(schema) => schema,
                None if index == 0 && contains.is_some() => contains.unwrap_or(items),
                None if items == &Value::Bool(false) => break,
                None => items,
            };
            out.push(self.value(schema, depth + 1, variant + index));
        }
        Value::Array(out)
    }

    fn object(&mut self, map: &FlatMap, depth: usize, variant: usize, minimal: bool) -> Value {
        let empty = Map::new();
        let properties = map
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let skip_flag = match self.options.direction {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        };
        let max_properties = count(map, "maxProperties").unwrap_or(usize::MAX);
        let min_properties = count(map, "minProperties").unwrap_or(0);
        let include_optional = !minimal && depth < self.options.optional_depth;
        let mut out = Map::new();
        let mut optional = 0;
        let mut skipped = Vec::new();
        for (name, schema) in properties {
            let is_required = required.contains(&name.as_str());
            if has_flag(self.model, schema, skip_flag) {
                // Required read-only properties are not sent in requests (and vice versa).
                continue;
            }
            if !is_required {
                if !include_optional || optional >= self.options.max_optional {
                    skipped.push((name, schema));
                    continue;
                }
                optional += 1;
            }
            let value = self.value(schema, depth + 1, variant);
            out.insert(name.clone(), value);
        }
        let additional = map.get("additionalProperties");
        let any = Value::Bool(true);
        let extra_schema = match additional {
            Some(schema @ Value::Object(_)) => schema,
            _ => &any,
        };
        // An empty object says little and vanishes in deepObject and form encodings: give it one property.
        let wanted = min_properties.max(usize::from(!minimal && !properties.is_empty()));
        for name in &required {
            if !out.contains_key(*name) && !properties.contains_key(*name) {
                let value = self.value(extra_schema, depth + 1, variant);
                out.insert(name.to_string(), value);
            }
        }
        for (name, schema) in skipped {
            if out.len() >= wanted {
                break;
            }
            let value = self.value(schema, depth + 1, variant);
            out.insert(name.clone(), value);
        }
        let open = additional != Some(&Value::Bool(false));
        let map_like = properties.is_empty() && matches!(additional, Some(Value::Object(_)));
        let names_free =
            !map.contains_key("propertyNames") && !map.contains_key("patternProperties");
        let wants_sample = map_like && !minimal && out.is_empty();
        let mut index = 1;
        while open && names_free && (out.len() < min_properties || (wants_sample && index == 1)) {
            let value = self.value(extra_schema, depth + 1, variant);
            out.insert(format!("additionalProp{index}"), value);
            index += 1;
            if index > 64 {
                break;
            }
        }
        while out.len() > max_properties {
            let Some(last) = out
                .keys()
                .rev()
                .find(|k| !required.contains(&k.as_str()))
                .cloned()
            else {
                break;
            };
            out.remove(&last);
        }
        Value::Object(out)
    }
}

fn count(map: &FlatMap, key: &str) -> Option<usize> {
    map.get(key)
        .and_then(Value::as_f64)
        .filter(|n| *n >= 0.0)
        .map(|n| n.ceil().min(1e6) as usize)
}

/// The type to synthesize: the declared one (the first non-null, or null in minimal mode), else inferred
/// from the keywords present.
fn choose_type(map: &FlatMap, minimal: bool) -> String {
    if let Some(types) = map.types() {
        if minimal && types.iter().any(|t| t == "null") {
            return "null".into();
        }
        if let Some(first) = types.iter().find(|t| *t != "null") {
            return first.clone();
        }
        if !types.is_empty() {
            return "null".into();
        }
    }
    let has = |keys: &[&str]| keys.iter().any(|k| map.contains_key(k));
    if has(&[
        "properties",
        "additionalProperties",
        "required",
        "patternProperties",
        "minProperties",
    ]) {
        "object".into()
    } else if has(&["items", "prefixItems", "minItems", "maxItems", "contains"]) {
        "array".into()
    } else if let Some(format) = map.get("format").and_then(Value::as_str) {
        match format {
            "int32" | "int64" => "integer".into(),
            "float" | "double" => "number".into(),
            _ => "string".into(),
        }
    } else if has(&[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ]) {
        "number".into()
    } else {
        "string".into()
    }
}

fn bound(map: &FlatMap, key: &str) -> Option<f64> {
    map.get(key).and_then(Value::as_f64)
}

fn to_number(value: f64, integer: bool) -> Value {
    if integer && value.abs() < 9.0e15 {
        return Value::from(value as i64);
    }
    // Round away float noise (`1.5000000000000002`) so `multipleOf` checks see clean decimals.
    let cleaned = format!("{value:.10}").parse::<f64>().unwrap_or(value);
    Number::from_f64(cleaned).map_or(Value::Null, Value::Number)
}

fn integer(map: &FlatMap, variant: usize) -> Value {
    let mut low = bound(map, "minimum").map(f64::ceil);
    if let Some(exclusive) = bound(map, "exclusiveMinimum") {
        let candidate = exclusive.floor() + 1.0;
        low = Some(low.map_or(candidate, |l| l.max(candidate)));
    }
    let mut high = bound(map, "maximum").map(f64::floor);
    if let Some(exclusive) = bound(map, "exclusiveMaximum") {
        let candidate = exclusive.ceil() - 1.0;
        high = Some(high.map_or(candidate, |h| h.min(candidate)));
    }
    let offset = variant as f64;
    let mut value = 1.0 + offset;
    if let Some(low) = low.filter(|l| value < *l) {
        value = low + offset;
    }
    if let Some(high) = high.filter(|h| value > *h) {
        value = (high - offset).max(low.unwrap_or(f64::MIN));
    }
    if let Some(step) = bound(map, "multipleOf").filter(|m| *m > 0.0) {
        let mut candidate = (value / step).ceil() * step;
        if high.is_some_and(|h| candidate > h) {
            candidate = (value / step).floor() * step;
        }
        if candidate.fract() == 0.0 {
            value = candidate;
        }
    }
    to_number(value, true)
}

fn number(map: &FlatMap, variant: usize) -> Value {
    let offset = variant as f64;
    let inclusive_low = bound(map, "minimum");
    let exclusive_low = bound(map, "exclusiveMinimum");
    let inclusive_high = bound(map, "maximum");
    let exclusive_high = bound(map, "exclusiveMaximum");
    let low = [inclusive_low, exclusive_low]
        .into_iter()
        .flatten()
        .reduce(f64::max);
    let high = [inclusive_high, exclusive_high]
        .into_iter()
        .flatten()
        .reduce(f64::min);
    let step = match (low, high) {
        (Some(l), Some(h)) if h > l => ((h - l) / 2.0).min(1.0),
        _ => 1.0,
    };
    let mut value = 1.5 + offset;
    if let Some(l) = low {
        let exclusive = exclusive_low == Some(l);
        if value < l || (exclusive && value <= l) {
            value = if exclusive { l + step } else { l };
        }
    }
    if let Some(h) = high {
        let exclusive = exclusive_high == Some(h);
        if value > h || (exclusive && value >= h) {
            value = if exclusive { h - step } else { h };
        }
    }
    if let Some(multiple) = bound(map, "multipleOf").filter(|m| *m > 0.0) {
        let mut candidate = (value / multiple).ceil() * multiple;
        if high.is_some_and(|h| candidate > h) {
            candidate = (value / multiple).floor() * multiple;
        }
        value = candidate;
    }
    to_number(value, false)
}

fn string(map: &FlatMap, variant: usize) -> String {
    let format = map.get("format").and_then(Value::as_str);
    if let Some(value) = format.and_then(|f| strings::format_value(f, variant)) {
        return value;
    }
    if let Some(value) = map
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(strings::from_pattern)
    {
        return value;
    }
    let mut value = if variant == 0 {
        "string".to_string()
    } else {
        format!("string{variant}")
    };
    let min = count(map, "minLength").unwrap_or(0);
    let max = count(map, "maxLength").unwrap_or(usize::MAX);
    let length = value.chars().count();
    if length < min {
        value.extend(std::iter::repeat_n('x', min.min(100_000) - length));
    }
    if value.chars().count() > max {
        value = value.chars().take(max).collect();
    }
    value
}

/// Whether a primitive example satisfies the flat schema's cheap constraints.
fn cheap_valid(value: &Value, map: &FlatMap) -> bool {
    let types = map.types();
    let type_ok = |name: &str| types.as_ref().is_none_or(|ts| ts.iter().any(|t| t == name));
    match value {
        Value::String(text) => {
            let length = text.chars().count();
            type_ok("string")
                && count(map, "minLength").is_none_or(|m| length >= m)
                && count(map, "maxLength").is_none_or(|m| length <= m)
                && map
                    .get("format")
                    .and_then(Value::as_str)
                    .is_none_or(|f| strings::plausible(f, text))
        }
        Value::Number(n) => {
            let Some(x) = n.as_f64() else {
                return false;
            };
            let is_integer = x.fract() == 0.0;
            (type_ok("number") || (is_integer && type_ok("integer")))
                && bound(map, "minimum").is_none_or(|m| x >= m)
                && bound(map, "maximum").is_none_or(|m| x <= m)
                && bound(map, "exclusiveMinimum").is_none_or(|m| x > m)
                && bound(map, "exclusiveMaximum").is_none_or(|m| x < m)
                && !map.contains_key("multipleOf")
        }
        Value::Bool(_) => type_ok("boolean"),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
