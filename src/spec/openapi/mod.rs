//! OpenAPI 3.0, 3.1 and Swagger 2.0 into the model, read leniently from the JSON tree so that real-world
//! documents load with warnings rather than fail. Schemas are normalized to JSON Schema 2020-12.

mod loc;
mod meta;
mod operations;
mod parts;
mod schema;
mod schemas_ahead;
mod swagger;

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::Value;

use super::docs::{DocumentSet, Node, Target};
use super::model::{ApiModel, SpecFormat, Warning};
pub(crate) use loc::Loc;

/// Which dialect the root document speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Swagger2,
    Openapi30,
    Openapi31,
}

/// The most warnings kept; past it one summary warning says how many more there were.
const MAX_WARNINGS: usize = 2_000;
/// The longest chain of `$ref`s to `$ref`s followed.
const MAX_REF_HOPS: usize = 32;

pub(crate) struct Reader<'s, 'a> {
    docs: &'s mut DocumentSet<'a>,
    model: ApiModel,
    dialect: Dialect,
    /// Named schemas by location, and the names taken.
    named: HashMap<Target, String>,
    names_taken: HashSet<String>,
    /// Named schemas registered but not normalized yet.
    pending: VecDeque<Target>,
    /// Schemas being inlined right now, to detect cycles.
    inlining: Vec<Target>,
    /// How many JSON values inlining has copied in all (see `MAX_INLINED_VALUES`), and whether that ran out.
    inlined_values: usize,
    inline_budget_spent: bool,
    warnings_dropped: usize,
    /// Warnings already given, so a schema inlined in many places warns once.
    warned: HashSet<(String, String)>,
    /// Swagger 2.0 document-wide media types.
    consumes: Vec<String>,
    produces: Vec<String>,
    /// Set on a reader that normalizes named schemas ahead (see `schemas_ahead`): anything that would change the
    /// shared state (a warning, a new name, an inlined reference, another document) marks its result `impure`.
    speculative: bool,
    impure: bool,
}

/// The outcome of following a `$ref` to a non-schema object.
pub(crate) enum Deref {
    /// The value was not a reference.
    Inline,
    /// The object it names, in its own document.
    Found(Node, Target),
    /// It did not resolve (a warning was given).
    Broken,
}

/// Reads an OpenAPI or Swagger root document (document 0 of `docs`).
pub(crate) fn read(docs: &mut DocumentSet<'_>, dialect: Dialect, version: &str) -> ApiModel {
    let format = if dialect == Dialect::Swagger2 {
        SpecFormat::Swagger
    } else {
        SpecFormat::Openapi
    };
    let mut reader = Reader::new(docs, ApiModel::new(format, version, ""), dialect);
    reader.read_document();
    reader.finish()
}

impl<'s, 'a> Reader<'s, 'a> {
    /// A reader of `docs` into `model`, with nothing named or read yet.
    fn new(docs: &'s mut DocumentSet<'a>, model: ApiModel, dialect: Dialect) -> Self {
        Reader {
            docs,
            model,
            dialect,
            named: HashMap::new(),
            names_taken: HashSet::new(),
            pending: VecDeque::new(),
            inlining: Vec::new(),
            inlined_values: 0,
            inline_budget_spent: false,
            warnings_dropped: 0,
            warned: HashSet::new(),
            consumes: Vec::new(),
            produces: Vec::new(),
            speculative: false,
            impure: false,
        }
    }
}

impl Reader<'_, '_> {
    fn read_document(&mut self) {
        let root = self.docs.shallow_root(0);
        let top = Loc::at(0, "");
        self.read_info(&root, &top);
        self.register_component_schemas();
        self.read_security_schemes(&root, &top);
        if self.dialect == Dialect::Swagger2 {
            self.consumes = swagger::media_list(root.get("consumes"));
            self.produces = swagger::media_list(root.get("produces"));
            self.model.servers = swagger::servers(&root, self.docs.get(0));
        } else {
            self.model.servers = self.read_servers(root.get("servers"), &top.key("servers"));
            if self.model.servers.is_empty() {
                self.model.servers.push(super::model::Server {
                    url: "/".to_string(),
                    ..Default::default()
                });
            }
        }
        if let Some(security) = root.get("security") {
            self.model.security = self.read_security_requirements(security, &top.key("security"));
        }
        // The named schemas known now are normalized on another thread meanwhile, where they can be.
        let ahead = self.schemas_ahead();
        std::thread::scope(|scope| {
            let ahead = ahead.map(|ahead| scope.spawn(move || ahead.run()));
            self.read_paths(&top);
            self.read_webhooks(&top);
            self.read_tags(&root, &top);
            let done = ahead
                .and_then(|ahead| ahead.join().ok())
                .unwrap_or_default();
            self.normalize_pending_schemas(done);
        });
        self.check_operation_ids();
        self.check_security_names();
    }

    fn finish(mut self) -> ApiModel {
        if self.warnings_dropped > 0 {
            self.model.warnings.push(Warning::new(
                "/",
                format!("{} more warnings not shown", self.warnings_dropped),
            ));
        }
        // Placeholders of named schemas that never resolved would be `null`; make them "any".
        for schema in self.model.schemas.values_mut() {
            if schema.is_null() {
                *schema = Value::Object(Default::default());
            }
        }
        self.model
    }

    pub(crate) fn warn(&mut self, loc: &Loc<'_>, message: impl Into<String>) {
        if self.speculative {
            self.impure = true;
            return;
        }
        let pointer = self.docs.display(loc.doc, &loc.shown_pointer());
        let message = message.into();
        if !self.warned.insert((pointer.clone(), message.clone())) {
            return;
        }
        if self.model.warnings.len() >= MAX_WARNINGS {
            self.warnings_dropped += 1;
            return;
        }
        self.model.warnings.push(Warning::new(pointer, message));
    }

    /// Follows `$ref`s from `value` to the object they name, across files, detecting cycles.
    pub(crate) fn deref(&mut self, value: &Value, loc: &Loc<'_>) -> Deref {
        let Some(first) = value.get("$ref").and_then(Value::as_str) else {
            return Deref::Inline;
        };
        let mut reference = first.to_string();
        let mut from = loc.doc;
        let mut seen: Vec<Target> = Vec::new();
        for _ in 0..MAX_REF_HOPS {
            let target = match self.locate(from, &reference) {
                Ok(target) => target,
                Err(message) => {
                    self.warn(loc, message);
                    return Deref::Broken;
                }
            };
            if seen.contains(&target) {
                self.warn(loc, format!("reference cycle through `{reference}`"));
                return Deref::Broken;
            }
            let node = self.docs.node_or_null(target.doc, &target.pointer);
            match node.get().get("$ref").and_then(Value::as_str) {
                Some(next) => {
                    reference = next.to_string();
                    from = target.doc;
                    seen.push(target);
                }
                None => return Deref::Found(node, target),
            }
        }
        self.warn(
            loc,
            format!("reference chain from `{first}` is longer than {MAX_REF_HOPS} hops"),
        );
        Deref::Broken
    }

    /// Where a reference leads ([`DocumentSet::locate`]); a speculative reader goes to no other document.
    pub(crate) fn locate(&mut self, from: usize, reference: &str) -> Result<Target, String> {
        if self.speculative && !reference.starts_with('#') {
            self.impure = true;
            return Err(format!("reference `{reference}` is read later"));
        }
        self.docs.locate(from, reference)
    }

    /// Runs `read` on the object `value` names (following a `$ref`), with the location it really has.
    pub(crate) fn with_deref<T>(
        &mut self,
        value: &Value,
        loc: &Loc<'_>,
        read: impl FnOnce(&mut Self, &Value, &Loc<'_>) -> Option<T>,
    ) -> Option<T> {
        match self.deref(value, loc) {
            Deref::Inline => read(self, value, loc),
            Deref::Found(node, target) => {
                let target_loc = Loc::at(target.doc, &target.pointer);
                read(self, node.get(), &target_loc)
            }
            Deref::Broken => None,
        }
    }
}

/// A string field, if present and a string.
pub(crate) fn str_field(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A boolean field, false when absent or not a boolean.
pub(crate) fn bool_field(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}
