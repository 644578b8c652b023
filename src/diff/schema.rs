//! Comparing two self-contained JSON Schemas (a tool's `inputSchema` or `outputSchema`) and judging each change.
//!
//! A change either narrows the values the schema accepts (a type, enum value, format, alternative or property
//! taken away, a property made required) or widens them, or both. On the input side narrowing breaks (a call
//! that worked is refused); on the output side widening breaks (a client holding the old schema meets a value it
//! does not accept). Properties follow the same idea: an input property removed or newly required breaks, an
//! output property removed or no longer required breaks.

use serde_json::{Map, Value};

use super::{Change, ChangeKind, Side, union};

/// Formats where the new one accepts every value of the old one (old, new).
const WIDER_FORMATS: &[(&str, &str)] = &[
    ("int32", "int64"),
    ("float", "double"),
    ("date", "date-time"),
];

/// Appends the changes from `old` to `new` to `out`; top-level input properties are reported as arguments.
pub fn compare(old: &Value, new: &Value, side: Side, out: &mut Vec<Change>) {
    Walker { side, out }.schema(old, new, "");
}

struct Walker<'a> {
    side: Side,
    out: &'a mut Vec<Change>,
}

impl Walker<'_> {
    fn push(&mut self, kind: ChangeKind, path: &str, breaking: bool) {
        self.out.push(Change {
            kind,
            side: self.side,
            path: path.to_string(),
            breaking,
        });
    }

    /// Whether a change that narrows and/or widens the accepted values breaks on this side.
    fn breaks(&self, narrowed: bool, widened: bool) -> bool {
        match self.side {
            Side::Input => narrowed,
            Side::Output => widened,
            Side::Tool => narrowed || widened,
        }
    }

    fn schema(&mut self, old: &Value, new: &Value, path: &str) {
        if old == new {
            return;
        }
        if let (Some(old), Some(new)) = (old.as_object(), new.as_object()) {
            self.object(old, new, path);
        }
    }

    fn object(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, path: &str) {
        if old == new {
            return;
        }
        if alternatives(old).is_some() || alternatives(new).is_some() {
            self.alternatives(old, new, path);
            return;
        }
        self.types(old, new, path);
        self.enums(old, new, path);
        self.format(old, new, path);
        self.properties(old, new, path);
        if let (Some(before), Some(after)) = (old.get("items"), new.get("items")) {
            self.schema(before, after, &format!("{path}[]"));
        }
        if let (Some(before), Some(after)) = (
            old.get("additionalProperties"),
            new.get("additionalProperties"),
        ) {
            self.schema(before, after, &join(path, "*"));
        }
        if let (Some(Value::Array(before)), Some(Value::Array(after))) =
            (old.get("allOf"), new.get("allOf"))
            && before.len() == after.len()
        {
            for (index, (b, a)) in before.iter().zip(after).enumerate() {
                self.schema(b, a, &format!("{path}<allOf#{}>", index + 1));
            }
        }
    }

    fn types(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, path: &str) {
        let before = type_set(old);
        let after = type_set(new);
        if before == after {
            return;
        }
        // An empty set accepts any type.
        let narrowed = before.is_empty() || before.iter().any(|t| !covers(&after, t));
        let widened = after.is_empty() || after.iter().any(|t| !covers(&before, t));
        let breaking = self.breaks(narrowed, widened);
        self.push(
            ChangeKind::TypeChanged {
                old: before,
                new: after,
            },
            path,
            breaking,
        );
    }

    fn enums(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, path: &str) {
        match (enum_values(old), enum_values(new)) {
            (Some(before), Some(after)) => {
                let removed: Vec<Value> = before
                    .iter()
                    .filter(|v| !after.contains(v))
                    .cloned()
                    .collect();
                let added: Vec<Value> = after
                    .iter()
                    .filter(|v| !before.contains(v))
                    .cloned()
                    .collect();
                if !removed.is_empty() {
                    let breaking = self.breaks(true, false);
                    self.push(
                        ChangeKind::EnumValuesRemoved { values: removed },
                        path,
                        breaking,
                    );
                }
                if !added.is_empty() {
                    let breaking = self.breaks(false, true);
                    self.push(
                        ChangeKind::EnumValuesAdded { values: added },
                        path,
                        breaking,
                    );
                }
            }
            (None, Some(values)) => {
                let breaking = self.breaks(true, false);
                self.push(ChangeKind::EnumIntroduced { values }, path, breaking);
            }
            (Some(values), None) => {
                let breaking = self.breaks(false, true);
                self.push(ChangeKind::EnumDropped { values }, path, breaking);
            }
            (None, None) => {}
        }
    }

    fn format(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, path: &str) {
        let before = old.get("format").and_then(Value::as_str);
        let after = new.get("format").and_then(Value::as_str);
        let (narrowed, widened) = match (before, after) {
            (a, b) if a == b => return,
            (None, Some(_)) => (true, false),
            (Some(_), None) => (false, true),
            (Some(a), Some(b)) if WIDER_FORMATS.contains(&(a, b)) => (false, true),
            (Some(a), Some(b)) if WIDER_FORMATS.contains(&(b, a)) => (true, false),
            _ => (true, true),
        };
        let breaking = self.breaks(narrowed, widened);
        self.push(
            ChangeKind::FormatChanged {
                old: before.map(str::to_string),
                new: after.map(str::to_string),
            },
            path,
            breaking,
        );
    }

    fn properties(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, path: &str) {
        let empty = Map::new();
        let before = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let after = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required_before = required(old);
        let required_after = required(new);
        let arguments = self.side == Side::Input && path.is_empty();
        for (name, schema) in before {
            let here = join(path, name);
            let was_required = required_before.contains(&name.as_str());
            let Some(now) = after.get(name) else {
                let kind = if arguments {
                    ChangeKind::ArgumentRemoved {
                        required: was_required,
                    }
                } else {
                    ChangeKind::PropertyRemoved {
                        required: was_required,
                    }
                };
                self.push(kind, &here, true);
                continue;
            };
            let is_required = required_after.contains(&name.as_str());
            if is_required && !was_required {
                let breaking = self.side == Side::Input;
                self.push(ChangeKind::BecameRequired, &here, breaking);
            } else if was_required && !is_required {
                let breaking = self.side == Side::Output;
                self.push(ChangeKind::BecameOptional, &here, breaking);
            }
            self.schema(schema, now, &here);
        }
        for name in after.keys().filter(|name| !before.contains_key(*name)) {
            let required = required_after.contains(&name.as_str());
            let kind = if arguments {
                ChangeKind::ArgumentAdded { required }
            } else {
                ChangeKind::PropertyAdded { required }
            };
            let breaking = self.side == Side::Input && required;
            self.push(kind, &join(path, name), breaking);
        }
    }

    /// Unions (see [`union`]): matched members compared, the rest reported as added or removed.
    fn alternatives(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, path: &str) {
        let before = union::members(old);
        let after = union::members(new);
        let matching = union::pair(&before, &after);
        let before_labels = union::labels(&before);
        let after_labels = union::labels(&after);
        for (i, j) in matching.pairs {
            let here = format!("{path}<{}>", after_labels[j]);
            self.object(before[i], after[j], &here);
        }
        for i in matching.removed {
            let breaking = self.breaks(true, false);
            let alternative = before_labels[i].clone();
            self.push(
                ChangeKind::AlternativeRemoved { alternative },
                path,
                breaking,
            );
        }
        for j in matching.added {
            let breaking = self.breaks(false, true);
            let alternative = after_labels[j].clone();
            self.push(ChangeKind::AlternativeAdded { alternative }, path, breaking);
        }
    }
}

/// `a.b`, or `b` at the root.
fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

pub(super) fn alternatives(schema: &Map<String, Value>) -> Option<&Vec<Value>> {
    ["anyOf", "oneOf"]
        .iter()
        .find_map(|key| schema.get(*key).and_then(Value::as_array))
}

/// The sorted JSON types a schema allows; empty for any. Properties without a type mean an object.
pub(super) fn type_set(schema: &Map<String, Value>) -> Vec<String> {
    let mut types: Vec<String> = match schema.get("type") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ if schema.contains_key("properties") => vec!["object".to_string()],
        _ => Vec::new(),
    };
    types.sort();
    types.dedup();
    types
}

/// Whether `types` accepts every value of type `one`.
fn covers(types: &[String], one: &str) -> bool {
    types.is_empty()
        || types.iter().any(|t| t == one)
        || (one == "integer" && types.iter().any(|t| t == "number"))
}

fn enum_values(schema: &Map<String, Value>) -> Option<Vec<Value>> {
    match (schema.get("enum"), schema.get("const")) {
        (Some(Value::Array(values)), _) => Some(values.clone()),
        (_, Some(value)) => Some(vec![value.clone()]),
        _ => None,
    }
}

fn required(schema: &Map<String, Value>) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `string|null`, or `any`.
pub(super) fn type_label(schema: &Map<String, Value>) -> String {
    let types = type_set(schema);
    if types.is_empty() {
        "any".to_string()
    } else {
        types.join("|")
    }
}
