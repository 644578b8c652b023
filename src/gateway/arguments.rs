//! A request's arguments against the tool's inputSchema, before the server sees them: each problem names the
//! failing field. Validators are compiled once per schema (a changed tool list brings new ones).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonschema::error::ValidationErrorKind;
use rmcp::model::JsonObject;
use serde::Serialize;
use serde_json::Value;

/// How many problems one answer lists.
const MAX_PROBLEMS: usize = 20;

/// One way the arguments break the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The argument, dotted (`address.city`, `tags.0`); empty for the arguments as a whole.
    pub field: String,
    /// The same place as a JSON pointer (`/address/city`).
    pub pointer: String,
    pub message: String,
}

/// The problems of `arguments` under `schema`; none when it fits. A schema that does not compile checks
/// nothing (the server still decides).
pub fn check_arguments(schema: &Value, arguments: &Value) -> Vec<Problem> {
    match jsonschema::validator_for(schema) {
        Ok(validator) => problems(&validator, arguments),
        Err(_) => Vec::new(),
    }
}

fn problems(validator: &jsonschema::Validator, arguments: &Value) -> Vec<Problem> {
    validator
        .iter_errors(arguments)
        .take(MAX_PROBLEMS)
        .map(|error| {
            let mut pointer = error.instance_path().as_str().to_string();
            match error.kind() {
                ValidationErrorKind::Required { property } => {
                    if let Some(name) = property.as_str() {
                        pointer = format!("{pointer}/{}", escape(name));
                    }
                }
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    if let [name] = unexpected.as_slice() {
                        pointer = format!("{pointer}/{}", escape(name));
                    }
                }
                _ => {}
            }
            Problem {
                field: dotted(&pointer),
                pointer,
                message: error.to_string(),
            }
        })
        .collect()
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn dotted(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

/// A schema and its validator (none when it does not compile).
type Compiled = (Arc<JsonObject>, Arc<Option<jsonschema::Validator>>);

/// Compiled validators by tool name, kept while the tool's schema is the same one.
#[derive(Default)]
pub(crate) struct Validators {
    compiled: Mutex<HashMap<String, Compiled>>,
}

impl Validators {
    pub(crate) fn check(
        &self,
        tool: &str,
        schema: &Arc<JsonObject>,
        arguments: &Value,
    ) -> Vec<Problem> {
        let validator = {
            let mut compiled = self.compiled.lock().unwrap_or_else(|p| p.into_inner());
            match compiled.get(tool) {
                Some((known, validator)) if Arc::ptr_eq(known, schema) || known == schema => {
                    validator.clone()
                }
                _ => {
                    let validator = Arc::new(
                        jsonschema::validator_for(&Value::Object((**schema).clone())).ok(),
                    );
                    compiled.insert(tool.to_string(), (schema.clone(), validator.clone()));
                    validator
                }
            }
        };
        match validator.as_ref() {
            Some(validator) => problems(validator, arguments),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "a": {"type": "number"},
                "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
            },
            "required": ["a"],
            "additionalProperties": false
        })
    }

    #[test]
    fn a_missing_argument_is_named() {
        let problems = check_arguments(&schema(), &json!({}));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "a");
        assert_eq!(problems[0].pointer, "/a");
        assert!(problems[0].message.contains("required"), "{problems:?}");
    }

    #[test]
    fn nested_wrong_and_unexpected_arguments_are_named() {
        let problems = check_arguments(&schema(), &json!({"a": "two", "address": {}, "extra": 1}));
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"a"), "{fields:?}");
        assert!(fields.contains(&"address.city"), "{fields:?}");
        assert!(fields.contains(&"extra"), "{fields:?}");
    }

    #[test]
    fn fitting_arguments_have_no_problems() {
        assert!(
            check_arguments(&schema(), &json!({"a": 1, "address": {"city": "Oslo"}})).is_empty()
        );
    }

    #[test]
    fn cached_validators_follow_a_changed_schema() {
        let validators = Validators::default();
        let first = Arc::new(schema().as_object().cloned().unwrap_or_default());
        assert_eq!(validators.check("t", &first, &json!({})).len(), 1);
        let relaxed = Arc::new(
            json!({"type": "object"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        );
        assert!(validators.check("t", &relaxed, &json!({})).is_empty());
    }
}
