//! JSON Schema validation against a model: named schemas are registered once as a shared document, so a
//! validator for one operation's schema resolves `#/components/schemas/X` without copying every schema.
//!
//! Compiling follows references eagerly, so a validator for a schema of a large, densely linked API
//! (Stripe) compiles much of the API: cache validators, and check many values with one validator
//! ([`SchemaChecker::check_many`]).
//!
//! OpenAPI's `readOnly`/`writeOnly` rule is applied: a required read-only property is not required in a
//! request, and a required write-only property not in a response.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Registry, Resource, Validator};
use serde_json::{Map, Value, json};

use super::synth::{Direction, has_flag};
use crate::spec::model::{ApiModel, SCHEMA_REF_PREFIX};

/// The URI the model's named schemas are registered under (as `{"components": {"schemas": ...}}`).
const BASE: &str = "urn:mcpow:model";

/// How many validators a checker keeps.
const MAX_CACHED: usize = 4096;

/// One way an instance fails its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// A JSON pointer into the instance; for a missing property, the property's own pointer.
    pub pointer: String,
    pub message: String,
    /// The failing keyword (`required`, `enum`, `type`, ...).
    pub keyword: String,
}

/// Validators for schemas of one model, built on demand and cached by a caller-chosen key.
pub struct SchemaChecker {
    model: Arc<ApiModel>,
    formats: bool,
    request: OnceLock<Result<Registry<'static>, String>>,
    response: OnceLock<Result<Registry<'static>, String>>,
    cache: Mutex<HashMap<String, Arc<Result<Validator, String>>>>,
}

impl SchemaChecker {
    /// `formats`: also assert `format` (date-time, email, uuid, ...), not just annotate it.
    pub fn new(model: Arc<ApiModel>, formats: bool) -> Self {
        SchemaChecker {
            model,
            formats,
            request: OnceLock::new(),
            response: OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn model(&self) -> &ApiModel {
        &self.model
    }

    fn registry(&self, direction: Direction) -> Result<&Registry<'static>, String> {
        let cell = match direction {
            Direction::Request => &self.request,
            Direction::Response => &self.response,
        };
        cell.get_or_init(|| {
            let schemas: Map<String, Value> = self
                .model
                .schemas
                .iter()
                .map(|(name, schema)| {
                    (name.clone(), prepare(&self.model, schema, direction, false))
                })
                .collect();
            let document = json!({ "components": { "schemas": schemas } });
            Registry::new()
                .draft(Draft::Draft202012)
                .retrieve_known_draft_meta_schemas(false)
                .add(BASE, Resource::from_contents(document))
                .and_then(|builder| builder.prepare())
                .map_err(|e| format!("the model's schemas cannot be registered: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// Compiles a validator for `schema` (uncached).
    pub fn compile(&self, schema: &Value, direction: Direction) -> Result<Validator, String> {
        let registry = self.registry(direction)?;
        let root = prepare(&self.model, schema, direction, true);
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(registry)
            .should_validate_formats(self.formats)
            .build(&root)
            .map_err(|e| format!("the schema cannot be compiled: {e}"))
    }

    /// The validator cached under `key`, compiled on first use.
    pub fn validator(
        &self,
        key: &str,
        schema: &Value,
        direction: Direction,
    ) -> Arc<Result<Validator, String>> {
        if let Some(hit) = self.lock().get(key) {
            return hit.clone();
        }
        let built = Arc::new(self.compile(schema, direction));
        let mut cache = self.lock();
        // Keys can come from requests (GraphQL variable lists): keep the cache bounded.
        if cache.len() < MAX_CACHED {
            cache.insert(key.to_string(), built.clone());
        }
        built
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Result<Validator, String>>>> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every issue of `instance` against `schema` (at most `limit`); `Err` when the schema cannot compile.
    pub fn check(
        &self,
        schema: &Value,
        instance: &Value,
        direction: Direction,
    ) -> Result<Vec<Issue>, String> {
        let validator = self.compile(schema, direction)?;
        Ok(issues(&validator, instance, 20))
    }
}

impl SchemaChecker {
    /// Checks many values at once, each against its own schema, with a single validator (references
    /// shared by the schemas compile once). Returns the issues per value, in order. When the combined
    /// schema cannot compile, each value is checked alone and one that cannot compile gets `Err`.
    pub fn check_many(
        &self,
        pairs: &[(&Value, &Value)],
        direction: Direction,
    ) -> Vec<Result<Vec<Issue>, String>> {
        let schemas: Vec<Value> = pairs.iter().map(|(schema, _)| (*schema).clone()).collect();
        let values: Vec<Value> = pairs.iter().map(|(_, value)| (*value).clone()).collect();
        let combined = json!({"type": "array", "prefixItems": schemas, "items": false});
        let Ok(validator) = self.compile(&combined, direction) else {
            return pairs
                .iter()
                .map(|(schema, value)| self.check(schema, value, direction))
                .collect();
        };
        let mut out: Vec<Result<Vec<Issue>, String>> = vec![Ok(Vec::new()); pairs.len()];
        for mut issue in issues(&validator, &Value::Array(values), usize::MAX) {
            let rest = issue.pointer.strip_prefix('/').unwrap_or("");
            let (index, inner) = rest.split_once('/').map_or((rest, ""), |(i, r)| (i, r));
            let Some(slot) = index.parse::<usize>().ok().and_then(|i| out.get_mut(i)) else {
                continue;
            };
            issue.pointer = if inner.is_empty() {
                String::new()
            } else {
                format!("/{inner}")
            };
            if let Ok(list) = slot {
                list.push(issue);
            }
        }
        out
    }
}

/// The first `limit` issues of `instance` against a compiled validator.
pub fn issues(validator: &Validator, instance: &Value, limit: usize) -> Vec<Issue> {
    validator
        .iter_errors(instance)
        .take(limit)
        .map(|error| {
            let mut pointer = error.instance_path().as_str().to_string();
            if let jsonschema::error::ValidationErrorKind::Required { property } = error.kind()
                && let Some(name) = property.as_str()
            {
                pointer.push('/');
                pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
            }
            Issue {
                pointer,
                message: error.to_string(),
                keyword: error.kind().keyword().to_string(),
            }
        })
        .collect()
}

/// Keywords whose values are data, not schemas: never rewritten.
const DATA_KEYWORDS: [&str; 5] = ["const", "enum", "default", "examples", "example"];

/// A copy of `schema` with required read-only (requests) or write-only (responses) properties not required,
/// and, when `rewrite`, references to named schemas pointed at the registered document.
fn prepare(model: &ApiModel, schema: &Value, direction: Direction, rewrite: bool) -> Value {
    let flag = match direction {
        Direction::Request => "readOnly",
        Direction::Response => "writeOnly",
    };
    let mut out = schema.clone();
    walk(model, &mut out, flag, rewrite, 0);
    out
}

fn walk(model: &ApiModel, schema: &mut Value, flag: &str, rewrite: bool, depth: usize) {
    if depth > 256 {
        return;
    }
    match schema {
        Value::Object(map) => {
            if rewrite
                && let Some(Value::String(reference)) = map.get_mut("$ref")
                && reference.starts_with(SCHEMA_REF_PREFIX)
            {
                *reference = format!("{BASE}{reference}");
            }
            let flagged: Vec<String> = match map.get("properties") {
                Some(Value::Object(props)) => props
                    .iter()
                    .filter(|(_, p)| has_flag(model, p, flag))
                    .map(|(name, _)| name.clone())
                    .collect(),
                _ => Vec::new(),
            };
            if !flagged.is_empty()
                && let Some(Value::Array(required)) = map.get_mut("required")
            {
                required.retain(|r| r.as_str().is_none_or(|r| !flagged.iter().any(|f| f == r)));
            }
            for (key, value) in map.iter_mut() {
                if DATA_KEYWORDS.contains(&key.as_str()) {
                    continue;
                }
                if key == "properties" || key == "patternProperties" || key == "$defs" {
                    if let Value::Object(children) = value {
                        for child in children.values_mut() {
                            walk(model, child, flag, rewrite, depth + 1);
                        }
                    }
                    continue;
                }
                walk(model, value, flag, rewrite, depth + 1);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(model, item, flag, rewrite, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::SpecFormat;

    fn model() -> Arc<ApiModel> {
        let mut model = ApiModel::new(SpecFormat::Openapi, "3.1.0", "t");
        model.schemas.insert(
            "Pet".into(),
            json!({"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string"},
                "tag": {"$ref": "#/components/schemas/Tag"}}}),
        );
        model
            .schemas
            .insert("Tag".into(), json!({"type": "string", "enum": ["a", "b"]}));
        Arc::new(model)
    }

    #[test]
    fn named_schemas_resolve_and_read_only_is_not_required_in_requests() {
        let checker = SchemaChecker::new(model(), true);
        let schema = json!({"$ref": "#/components/schemas/Pet"});
        let request = checker
            .check(
                &schema,
                &json!({"name": "x", "tag": "a"}),
                Direction::Request,
            )
            .unwrap();
        assert!(request.is_empty(), "{request:?}");
        let response = checker
            .check(
                &schema,
                &json!({"name": "x", "tag": "c"}),
                Direction::Response,
            )
            .unwrap();
        let pointers: Vec<&str> = response.iter().map(|i| i.pointer.as_str()).collect();
        assert!(pointers.contains(&"/id"), "{response:?}");
        assert!(pointers.contains(&"/tag"), "{response:?}");
    }
}
