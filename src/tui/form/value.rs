//! Fields to JSON (with every problem found on the way) and JSON back into fields.

use std::sync::Arc;

use serde_json::{Map, Number, Value};

use super::FieldProblem;
use super::edit::LineInput;
use super::fields::{Field, Input, ListRules, Shape, Spec, TextKind, TextRules};

/// The reason given for an empty required field.
pub const REQUIRED: &str = "required";
/// The reason given for an empty list item.
pub const EMPTY_ITEM: &str = "empty item (Ctrl-D removes it)";

/// The fields' values as a JSON object, in schema order. Problems are pushed to `problems`; the values
/// they concern still go in as well as they can (bad numbers and bad JSON as text), so that the JSON editor
/// can show what was typed.
pub fn collect_fields(
    fields: &[Field],
    prefix: &str,
    problems: &mut Vec<FieldProblem>,
) -> Map<String, Value> {
    let mut map = Map::new();
    for field in fields {
        let path = join(prefix, &field.spec.name);
        if let Some(value) = collect(field, &path, problems) {
            map.insert(field.spec.name.clone(), value);
        }
    }
    map
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// One field's value: `None` when it is empty (a problem if it is required).
fn collect(field: &Field, path: &str, problems: &mut Vec<FieldProblem>) -> Option<Value> {
    let mut problem = |reason: String| {
        problems.push(FieldProblem {
            path: path.to_string(),
            reason,
        })
    };
    let spec = &field.spec;
    let value = match (&field.input, &spec.shape) {
        (Input::Line(line), Shape::Text(rules)) if !line.text.is_empty() => {
            Some(check_text(rules, &line.text).unwrap_or_else(|reason| {
                problem(reason);
                serde_json::from_str::<Number>(line.text.trim())
                    .map_or_else(|_| Value::String(line.text.clone()), Value::Number)
            }))
        }
        (Input::Raw(line), _) if !line.text.trim().is_empty() => {
            Some(serde_json::from_str(&line.text).unwrap_or_else(|e| {
                problem(format!("not JSON: {e}"));
                Value::String(line.text.clone())
            }))
        }
        (Input::Toggle(value), _) => value.map(Value::Bool),
        (Input::Choice(index), Shape::Choice(values)) => index.and_then(|i| values.get(i).cloned()),
        (Input::Group(children), _) => {
            let mut inner = Vec::new();
            let map = collect_fields(children, path, &mut inner);
            // An optional object left empty is left out, with the problems of its empty fields.
            if map.is_empty() && !spec.required {
                return None;
            }
            problems.append(&mut inner);
            Some(Value::Object(map))
        }
        (Input::List(items), Shape::List { rules, .. }) => {
            if items.is_empty() && !spec.required {
                return None;
            }
            let mut values = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{index}]");
                match collect(item, &item_path, problems) {
                    Some(value) => values.push(value),
                    None => problems.push(FieldProblem {
                        path: item_path,
                        reason: EMPTY_ITEM.into(),
                    }),
                }
            }
            if let Some(reason) = check_list(rules, items.len(), &values) {
                problems.push(FieldProblem {
                    path: path.to_string(),
                    reason,
                });
            }
            Some(Value::Array(values))
        }
        _ => None,
    };
    // Items report their own emptiness.
    if value.is_none() && spec.required && !spec.name.is_empty() {
        problems.push(FieldProblem {
            path: path.to_string(),
            reason: REQUIRED.into(),
        });
    }
    value
}

/// A text field's value, or why it is not one.
pub fn check_text(rules: &TextRules, text: &str) -> Result<Value, String> {
    match rules.kind {
        TextKind::String => check_string(rules, text).map(|()| Value::String(text.to_string())),
        TextKind::Number | TextKind::Integer => check_number(rules, text.trim()).map(Value::Number),
    }
}

fn check_string(rules: &TextRules, text: &str) -> Result<(), String> {
    let length = text.chars().count();
    if let Some(min) = rules.min_length.filter(|min| length < *min) {
        return Err(format!("at least {min} characters"));
    }
    if let Some(max) = rules.max_length.filter(|max| length > *max) {
        return Err(format!("at most {max} characters"));
    }
    let value = Value::String(text.to_string());
    if let Some((pattern, check)) = &rules.pattern
        && !check.is_valid(&value)
    {
        return Err(format!("does not match {pattern}"));
    }
    if let (Some(format), Some(check)) = (&rules.format, &rules.format_check)
        && !check.is_valid(&value)
    {
        return Err(format!("not a valid {format}"));
    }
    Ok(())
}

fn check_number(rules: &TextRules, text: &str) -> Result<Number, String> {
    let number = if let Ok(n) = text.parse::<i64>() {
        Number::from(n)
    } else if let Ok(n) = text.parse::<u64>() {
        Number::from(n)
    } else if rules.kind == TextKind::Integer {
        return Err(match text.parse::<f64>() {
            Ok(n) if n.is_finite() => "not an integer".into(),
            _ => "not a number".into(),
        });
    } else {
        match text.parse::<f64>().ok().and_then(Number::from_f64) {
            // `inf` and `NaN` parse as f64 but are not JSON.
            Some(n) if text.chars().any(|c| c.is_ascii_digit()) => n,
            _ => return Err("not a number".into()),
        }
    };
    let n = number.as_f64().unwrap_or(0.0);
    let show = |bound: f64| {
        Value::from(bound)
            .to_string()
            .trim_end_matches(".0")
            .to_string()
    };
    if let Some(min) = rules.minimum.filter(|min| n < *min) {
        return Err(format!("must be ≥ {}", show(min)));
    }
    if let Some(min) = rules.exclusive_minimum.filter(|min| n <= *min) {
        return Err(format!("must be > {}", show(min)));
    }
    if let Some(max) = rules.maximum.filter(|max| n > *max) {
        return Err(format!("must be ≤ {}", show(max)));
    }
    if let Some(max) = rules.exclusive_maximum.filter(|max| n >= *max) {
        return Err(format!("must be < {}", show(max)));
    }
    if let Some(step) = rules.multiple_of {
        let ratio = n / step;
        if (ratio - ratio.round()).abs() > 1e-9 * ratio.abs().max(1.0) {
            return Err(format!("must be a multiple of {}", show(step)));
        }
    }
    let fits = match rules.format.as_deref() {
        Some("int32") => number.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Some("uint32") => number.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
        _ => true,
    };
    if !fits {
        return Err(format!(
            "out of range for {}",
            rules.format.as_deref().unwrap_or("")
        ));
    }
    Ok(number)
}

/// `count` items, of which `values` have values.
fn check_list(rules: &ListRules, count: usize, values: &[Value]) -> Option<String> {
    let plural = |n: usize| if n == 1 { "item" } else { "items" };
    if let Some(min) = rules.min_items.filter(|min| count < *min) {
        return Some(format!("at least {min} {}", plural(min)));
    }
    if let Some(max) = rules.max_items.filter(|max| count > *max) {
        return Some(format!("at most {max} {}", plural(max)));
    }
    let repeated = |(i, v): (usize, &Value)| values[..i].contains(v);
    if rules.unique && values.iter().enumerate().any(repeated) {
        return Some("items must be unique".into());
    }
    None
}

/// Puts `values` into fresh `fields`; keys no field names are added as raw JSON fields.
pub fn fill_fields(fields: &mut Vec<Field>, values: &Map<String, Value>) {
    for (name, value) in values {
        match fields.iter_mut().find(|f| &f.spec.name == name) {
            Some(field) => fill(field, value),
            None => fields.push(Field::extra(name, compact(value))),
        }
    }
}

/// Puts `value` into a fresh `field`, as raw JSON when it does not fit (or would read back differently).
pub fn fill(field: &mut Field, value: &Value) {
    let spec = Arc::clone(&field.spec);
    let input = match (&spec.shape, value) {
        (Shape::Text(rules), Value::String(text)) if rules.kind == TextKind::String => {
            (!text.is_empty()).then(|| Input::Line(LineInput::new(text.clone())))
        }
        (Shape::Text(rules), Value::Number(n)) if rules.kind != TextKind::String => {
            Some(Input::Line(LineInput::new(n.to_string())))
        }
        (Shape::Toggle, Value::Bool(b)) => Some(Input::Toggle(Some(*b))),
        (Shape::Choice(values), value) => values
            .iter()
            .position(|v| v == value)
            .map(|i| Input::Choice(Some(i))),
        (Shape::Group(_), Value::Object(map)) if !map.is_empty() || spec.required => {
            let mut children = match Field::new(Arc::clone(&spec)).input {
                Input::Group(children) => children,
                _ => Vec::new(),
            };
            fill_fields(&mut children, map);
            Some(Input::Group(children))
        }
        (Shape::List { item, .. }, Value::Array(values)) if !values.is_empty() || spec.required => {
            Some(Input::List(
                values.iter().map(|v| filled(item, v)).collect(),
            ))
        }
        _ => None,
    };
    field.input = input.unwrap_or_else(|| Input::Raw(LineInput::new(compact(value))));
}

/// A new list item holding `value`.
pub fn filled(spec: &Arc<Spec>, value: &Value) -> Field {
    let mut field = Field::new(Arc::clone(spec));
    fill(&mut field, value);
    field
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
