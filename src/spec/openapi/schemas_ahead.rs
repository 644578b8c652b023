//! Named schemas normalized on another thread while the reader reads the paths. Most named schemas only
//! refer to other named schemas, so their normal form depends on nothing the paths change. The thread reads
//! them with a speculative [`Reader`]: a schema that would warn, name a new location, inline a reference or
//! read another document is dropped there, and the reader normalizes it in its turn as before. So the model,
//! its names and its warnings are exactly those of reading in order.

use std::collections::HashMap;

use super::{Dialect, Loc, Reader};
use crate::spec::docs::{DocumentSet, Target};
use crate::spec::model::{ApiModel, JsonSchema, SpecFormat};

/// Fewer named schemas than this are normalized in place: a thread would cost more than it saves.
const WORTH_A_THREAD: usize = 64;

/// What the thread needs: the root document, the names given so far, and the schemas to normalize.
pub(super) struct SchemasAhead<'a> {
    docs: DocumentSet<'a>,
    dialect: Dialect,
    named: HashMap<Target, String>,
    targets: Vec<Target>,
}

impl<'a> Reader<'_, 'a> {
    /// The root document's pending named schemas, to normalize on another thread; `None` when they are few,
    /// or the description is read for a server (whose peak memory counts more than its start-up time).
    pub(super) fn schemas_ahead(&self) -> Option<SchemasAhead<'a>> {
        if self.docs.options().serving_only {
            return None;
        }
        #[cfg(test)]
        if IN_ORDER_ONLY.get() {
            return None;
        }
        let targets: Vec<Target> = self
            .pending
            .iter()
            .filter(|t| t.doc == 0)
            .cloned()
            .collect();
        if targets.len() < WORTH_A_THREAD {
            return None;
        }
        #[cfg(test)]
        USED.set(true);
        Some(SchemasAhead {
            docs: self.docs.root_only(),
            dialect: self.dialect,
            named: self.named.clone(),
            targets,
        })
    }
}

impl SchemasAhead<'_> {
    /// The schemas that normalized without touching what the reader shares, by location.
    pub(super) fn run(mut self) -> HashMap<Target, JsonSchema> {
        let model = ApiModel::new(SpecFormat::Openapi, "", "");
        let mut reader = Reader::new(&mut self.docs, model, self.dialect);
        reader.named = self.named;
        reader.speculative = true;
        let mut done = HashMap::new();
        for target in self.targets {
            let Some(node) = reader.docs.node(0, &target.pointer) else {
                continue;
            };
            reader.impure = false;
            reader.inlining.push(target.clone());
            let normalized = reader.schema_at_depth(node.get(), &Loc::at(0, &target.pointer), 0);
            reader.inlining.pop();
            if !reader.impure {
                done.insert(target, normalized);
            }
        }
        done
    }
}

#[cfg(test)]
thread_local! {
    /// Tests load a description both ways: set, every named schema is normalized in order.
    static IN_ORDER_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set by a load that normalized schemas ahead.
    static USED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{IN_ORDER_ONLY, USED};
    use crate::spec::{LoadOptions, load_bytes};

    /// Named schemas of every kind: plain ones, and ones that warn, inline a location, name a cycle or a new
    /// location (clashing with a name taken), or reach another document; paths that name locations first.
    fn description() -> Value {
        let mut schemas = serde_json::Map::new();
        for i in 0..70 {
            schemas.insert(
                format!("Plain{i}"),
                json!({"type": "object", "properties": {"next": {"$ref": format!("#/components/schemas/Plain{}", i + 1)}}}),
            );
        }
        schemas.insert(
            "Plain70".into(),
            json!({"type": "string", "nullable": true}),
        );
        schemas.insert("Warns".into(), json!({"allOf": "not a list"}));
        schemas.insert(
            "Deep".into(),
            json!({"type": "object", "properties": {"x": {"oneOf": 5}}}),
        );
        schemas.insert("Inlines".into(), json!({"$ref": "#/x-shared/Thing"}));
        schemas.insert(
            "Cycles".into(),
            json!({"items": {"$ref": "#/x-shared/Loop"}}),
        );
        schemas.insert("Legacy".into(), json!({"$ref": "#/definitions/Plain3"}));
        schemas.insert("Elsewhere".into(), json!({"$ref": "other.json#/Thing"}));
        schemas.insert(
            "Broken".into(),
            json!({"$ref": "#/components/schemas/Missing"}),
        );
        schemas.insert(
            "Picks".into(),
            json!({"oneOf": [{"$ref": "#/components/schemas/Plain1"}],
                   "discriminator": {"propertyName": "kind", "mapping": {"a": "Plain1", "b": "#/definitions/Other"}}}),
        );
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Ahead", "version": "1"},
            "paths": {
                "/things": {"get": {"operationId": "things", "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"allOf": [
                        {"$ref": "#/definitions/Plain3"},
                        {"$ref": "#/x-shared/Thing"},
                        {"$ref": "#/components/schemas/Plain0"},
                        {"type": "object", "properties": {"bad": {"anyOf": "x"}}}
                    ]}}}}}}}
            },
            "x-shared": {"Thing": {"type": "integer"}, "Loop": {"type": "array", "items": {"$ref": "#/x-shared/Loop"}}},
            "definitions": {"Plain3": {"type": "boolean"}, "Other": {"type": "number"}},
            "components": {"schemas": schemas}
        })
    }

    fn load(in_order_only: bool) -> Value {
        IN_ORDER_ONLY.set(in_order_only);
        USED.set(false);
        let text = serde_json::to_vec_pretty(&description()).unwrap();
        let model = load_bytes("ahead.json", &text, None, &LoadOptions::default()).unwrap();
        assert_eq!(USED.get(), !in_order_only, "schemas normalized ahead");
        serde_json::to_value(&model).unwrap()
    }

    #[test]
    fn normalizing_ahead_changes_nothing() {
        let ahead = load(false);
        let in_order = load(true);
        assert_eq!(ahead, in_order);
        // Every kind of schema was met: new names (one clashing), inlined values and warnings in order.
        let names: Vec<&String> = ahead["schemas"].as_object().unwrap().keys().collect();
        assert!(names.len() > 75, "{names:?}");
        for name in ["Plain3_2", "Loop", "Other"] {
            assert!(names.iter().any(|n| *n == name), "{name} in {names:?}");
        }
        let warnings = ahead["warnings"].to_string();
        for part in [
            "/components/schemas/Warns",
            "/components/schemas/Deep",
            "other.json",
            "Missing",
        ] {
            assert!(warnings.contains(part), "{part} in {warnings}");
        }
    }
}
