//! A JSON Schema as collapsible outline rows: object properties, array items (an array shows its items'
//! children directly), composition branches. A named schema met again inside itself is shown once more,
//! marked `↻ recursive`, and not expanded. Only open nodes' children are built, so a huge schema costs what
//! is on screen.

use serde_json::Value;

use super::outline::{Row, Toggle, Tone};
use crate::spec::model::{ApiModel, schema_ref_name};

/// Nodes at this depth and deeper start collapsed (the root is depth 0).
const OPEN_BELOW_DEPTH: usize = 2;
/// A bound on nesting that no named schema marks (deep inline schemas).
const MAX_DEPTH: usize = 48;
const COMPOSITIONS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// Appends the rows of `schema` (part of `model`), labelled `label`, as node `id`. `is_open(id, default)`
/// says whether a node is open.
pub fn schema_rows<'m>(
    model: &'m ApiModel,
    label: &str,
    schema: &'m Value,
    id: &str,
    indent: usize,
    is_open: &dyn Fn(&str, bool) -> bool,
    out: &mut Vec<Row>,
) {
    let mut walk = Walk {
        model,
        is_open,
        ancestors: Vec::new(),
        out,
    };
    let root = Child {
        label: label.to_string(),
        schema,
        required: false,
    };
    walk.node(root, id.to_string(), 0, indent);
}

struct Child<'m> {
    label: String,
    schema: &'m Value,
    required: bool,
}

struct Walk<'m, 'o> {
    model: &'m ApiModel,
    is_open: &'o dyn Fn(&str, bool) -> bool,
    /// Named schemas on the way down to the current node.
    ancestors: Vec<String>,
    out: &'o mut Vec<Row>,
}

impl<'m> Walk<'m, '_> {
    fn node(&mut self, node: Child<'m>, id: String, depth: usize, indent: usize) {
        let outer = seen_through(self.model, node.schema);
        let element = element(self.model, &outer);
        let recursive = element.names.iter().any(|n| self.ancestors.contains(n));
        let children = if recursive || depth >= MAX_DEPTH {
            Vec::new()
        } else {
            children(&element)
        };
        let open = !children.is_empty() && (self.is_open)(&id, depth < OPEN_BELOW_DEPTH);
        let marker = match (children.is_empty(), open) {
            (true, _) => "  ",
            (false, true) => "▾ ",
            (false, false) => "▸ ",
        };
        let mut parts = vec![
            (Tone::Dim, marker.to_string()),
            (Tone::Plain, node.label),
            (Tone::Accent, format!("  {}", type_text(self.model, &outer))),
        ];
        if node.required {
            parts.push((Tone::Plain, " required".into()));
        }
        let facts = facts(outer.schema);
        if !facts.is_empty() {
            parts.push((Tone::Dim, format!("  {facts}")));
        }
        if recursive {
            parts.push((Tone::Warning, "  ↻ recursive".into()));
        }
        if let Some(description) = description(node.schema, &outer) {
            parts.push((Tone::Dim, format!("  {description}")));
        }
        let mut row = Row::new(indent, parts);
        if !children.is_empty() {
            row.toggle = Some(Toggle {
                id: id.clone(),
                open,
            });
        }
        self.out.push(row);
        if !open {
            return;
        }
        let before = self.ancestors.len();
        let names = outer.names.iter().chain(&element.names);
        self.ancestors.extend(names.cloned());
        for child in children {
            let child_id = format!("{id}\u{1f}{}", child.label);
            self.node(child, child_id, depth + 1, indent + 1);
        }
        self.ancestors.truncate(before);
    }
}

/// A schema with `$ref`s, a lone `allOf` branch and a `null` alternative seen through.
struct Shape<'m> {
    /// The named schemas passed on the way, the first as written.
    names: Vec<String>,
    schema: &'m Value,
    nullable: bool,
}

fn seen_through<'m>(model: &'m ApiModel, schema: &'m Value) -> Shape<'m> {
    let mut shape = Shape {
        names: Vec::new(),
        schema,
        nullable: false,
    };
    for _ in 0..16 {
        let current = shape.schema;
        if let Some(name) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(schema_ref_name)
        {
            let Some(next) = model.schemas.get(&name) else {
                shape.names.push(name);
                break;
            };
            shape.names.push(name);
            shape.schema = next;
            continue;
        }
        if let Some([only]) = current
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            && current.get("properties").is_none()
            && current.get("type").is_none()
        {
            shape.schema = only;
            continue;
        }
        let nullable_branch = ["anyOf", "oneOf"].iter().find_map(|key| {
            let [a, b] = current.get(*key)?.as_array()?.as_slice() else {
                return None;
            };
            match (is_null(a), is_null(b)) {
                (true, false) => Some(b),
                (false, true) => Some(a),
                _ => None,
            }
        });
        if let Some(branch) = nullable_branch {
            shape.nullable = true;
            shape.schema = branch;
            continue;
        }
        break;
    }
    if let Some(types) = shape.schema.get("type").and_then(Value::as_array)
        && types.iter().any(|t| t == "null")
    {
        shape.nullable = true;
    }
    if shape.schema.get("nullable") == Some(&Value::Bool(true)) {
        shape.nullable = true;
    }
    shape
}

fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

fn is_array(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "array",
        Some(Value::Array(types)) => types.iter().any(|t| t == "array"),
        _ => false,
    }
}

/// What an array holds, through nested arrays; the shape itself for anything else.
fn element<'m>(model: &'m ApiModel, shape: &Shape<'m>) -> Shape<'m> {
    let mut current = Shape {
        names: shape.names.clone(),
        schema: shape.schema,
        nullable: shape.nullable,
    };
    for _ in 0..8 {
        match current.schema.get("items") {
            Some(items) if is_array(current.schema) => current = seen_through(model, items),
            _ => break,
        }
    }
    current
}

/// The children of a node: composition branches, then properties, then additional properties.
fn children<'m>(shape: &Shape<'m>) -> Vec<Child<'m>> {
    let schema = shape.schema;
    let mut out = Vec::new();
    for key in COMPOSITIONS {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            for (index, branch) in branches.iter().enumerate() {
                out.push(Child {
                    label: format!("{key} {}", index + 1),
                    schema: branch,
                    required: false,
                });
            }
        }
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            out.push(Child {
                label: name.clone(),
                schema: property,
                required: required.contains(&name.as_str()),
            });
        }
    }
    if let Some(additional) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        out.push(Child {
            label: "additionalProperties".into(),
            schema: additional,
            required: false,
        });
    }
    out
}

/// `Pet`, `string(date-time)`, `Category[]`, `oneOf`, `integer?` (nullable).
fn type_text(model: &ApiModel, shape: &Shape) -> String {
    let base = match shape.names.first() {
        Some(name) => name.clone(),
        None => bare_type(model, shape.schema),
    };
    if shape.nullable {
        format!("{base}?")
    } else {
        base
    }
}

fn bare_type(model: &ApiModel, schema: &Value) -> String {
    if is_array(schema) {
        let items = match schema.get("items") {
            Some(items) => type_text(model, &seen_through(model, items)),
            None => "any".into(),
        };
        return format!("{items}[]");
    }
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .map(|f| format!("({f})"))
        .unwrap_or_default();
    match schema.get("type") {
        Some(Value::String(t)) => return format!("{t}{format}"),
        Some(Value::Array(types)) => {
            let named: Vec<&str> = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            return format!("{}{format}", named.join("|"));
        }
        _ => {}
    }
    if let Some(key) = COMPOSITIONS.iter().find(|k| schema.get(**k).is_some()) {
        return key.to_string();
    }
    if schema.get("properties").is_some() {
        "object".into()
    } else if schema.get("enum").is_some() {
        "enum".into()
    } else if schema.get("const").is_some() {
        "const".into()
    } else {
        "any".into()
    }
}

/// Enum values, const, default, read/write-only, deprecated.
fn facts(schema: &Value) -> String {
    let mut facts = Vec::new();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let shown: Vec<String> = values.iter().take(6).map(short).collect();
        let more = if values.len() > 6 { "|…" } else { "" };
        facts.push(format!("{}{more}", shown.join("|")));
    }
    if let Some(value) = schema.get("const") {
        facts.push(format!("= {}", short(value)));
    }
    if let Some(value) = schema.get("default") {
        facts.push(format!("default {}", short(value)));
    }
    for (key, text) in [
        ("readOnly", "read-only"),
        ("writeOnly", "write-only"),
        ("deprecated", "deprecated"),
    ] {
        if schema.get(key) == Some(&Value::Bool(true)) {
            facts.push(text.into());
        }
    }
    facts.join(" · ")
}

fn short(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first line of the property's own description, else the schema's.
fn description(written: &Value, shape: &Shape) -> Option<String> {
    [written, shape.schema]
        .iter()
        .find_map(|s| s.get("description").and_then(Value::as_str))
        .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{SpecFormat, schema_ref};
    use serde_json::json;

    fn model() -> ApiModel {
        let mut model = ApiModel::new(SpecFormat::Openapi, "3.1.0", "t");
        model.schemas.insert(
            "Node".into(),
            json!({
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": schema_ref("Node")},
                    "parent": {"anyOf": [schema_ref("Node"), {"type": "null"}]},
                }
            }),
        );
        model
    }

    fn texts(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| format!("{}{}", "  ".repeat(r.indent), r.text()))
            .collect()
    }

    #[test]
    fn a_recursive_schema_is_marked_not_expanded() {
        let model = model();
        let root = json!({"type": "array", "items": schema_ref("Node")});
        let mut rows = Vec::new();
        schema_rows(&model, "body", &root, "b", 0, &|_, open| open, &mut rows);
        assert_eq!(
            texts(&rows),
            [
                "▾ body  Node[]",
                "    name  string required",
                "    children  Node[]  ↻ recursive",
                "    parent  Node?  ↻ recursive",
            ]
        );
        assert!(rows[0].toggle.as_ref().is_some_and(|t| t.open));
        assert!(
            rows[2].toggle.is_none(),
            "a recursive node has nothing to open"
        );
    }

    #[test]
    fn deep_nodes_start_collapsed_and_open_when_toggled() {
        let model = ApiModel::new(SpecFormat::Openapi, "3.1.0", "t");
        let root = json!({"type": "object", "properties": {"a": {"type": "object", "properties": {
            "b": {"type": "object", "properties": {"c": {"type": "integer", "format": "int32"}}}}}}});
        let mut rows = Vec::new();
        schema_rows(&model, "r", &root, "r", 0, &|_, open| open, &mut rows);
        assert_eq!(
            texts(&rows),
            ["▾ r  object", "  ▾ a  object", "    ▸ b  object"]
        );
        let b = rows[2].toggle.clone().unwrap();
        let mut rows = Vec::new();
        let is_open = |id: &str, open: bool| open != (id == b.id);
        schema_rows(&model, "r", &root, "r", 0, &is_open, &mut rows);
        assert_eq!(rows.len(), 4);
        assert_eq!(texts(&rows)[3], "        c  integer(int32)");
    }

    #[test]
    fn compositions_are_branches() {
        let mut model = model();
        model.schemas.insert(
            "Visit".into(),
            json!({"oneOf": [{"type": "object", "properties": {"kind": {"const": "a"}}}, schema_ref("Node")]}),
        );
        let root = schema_ref("Visit");
        let mut rows = Vec::new();
        schema_rows(&model, "v", &root, "v", 0, &|_, open| open, &mut rows);
        let texts = texts(&rows);
        assert_eq!(texts[0], "▾ v  Visit");
        assert_eq!(texts[1], "  ▾ oneOf 1  object");
        assert_eq!(texts[2], "      kind  const  = a");
        assert_eq!(texts[3], "  ▾ oneOf 2  Node");
    }
}
