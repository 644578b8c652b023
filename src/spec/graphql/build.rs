//! The internal [`Schema`] into the model: one operation per root field, JSON Schemas for arguments and results,
//! and a named schema (built once) for each enum, input, object, interface and union type in use.

use std::collections::{HashSet, VecDeque};

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::document::{DocumentWriter, MAX_LEVEL};
use super::schema::{
    Field, InputValue, ROOTS, Schema, TypeDef, TypeKind, TypeRef, builtin_scalar_schema,
    field_pointer, first_line,
};
use crate::spec::model::{
    ApiModel, GraphqlOperation, GraphqlRoot, HttpMethod, JsonSchema, MediaType, Operation,
    RequestBody, Response, SpecFormat, Tag, Warning, schema_ref,
};

/// Why a subscription is listed but cannot be called.
pub(super) const SUBSCRIPTION_UNSUPPORTED: &str =
    "GraphQL subscriptions need a streaming transport and cannot be called";

const JSON: &str = "application/json";

pub(super) fn build_model(mut schema: Schema, version: &str, title: String) -> ApiModel {
    let mut model = ApiModel::new(SpecFormat::Graphql, version, title);
    model.description = schema.description.take();
    model.warnings = std::mem::take(&mut schema.warnings);

    let schema = &schema;
    let mut schemas = SchemaBuilder::new(schema);
    let mut documents = DocumentWriter::new(schema);
    let mut ids: HashSet<String> = HashSet::new();
    let mut has_query = false;
    for root in ROOTS {
        let Some(decl) = schema.root(root) else {
            continue;
        };
        let Some(ty) = schema.types.get(&decl.type_name) else {
            let message = format!(
                "the {} type `{}` is not defined",
                root.as_str(),
                decl.type_name
            );
            model
                .warnings
                .push(Warning::new(decl.pointer.clone(), message));
            continue;
        };
        if !matches!(ty.kind, TypeKind::Object | TypeKind::Interface) {
            let message = format!(
                "the {} type `{}` is {}, not an object type",
                root.as_str(),
                ty.name,
                ty.kind.label()
            );
            model
                .warnings
                .push(Warning::new(decl.pointer.clone(), message));
            continue;
        }
        has_query |= root == GraphqlRoot::Query;
        let before = model.operations.len();
        for field in ty.fields.iter().filter(|f| !f.name.starts_with("__")) {
            let id = unique_id(&mut ids, &field.name, root);
            let mut op = operation(&mut schemas, root, ty, field, &id);
            let document = documents.document(root, &operation_name(&id), field);
            if let Some(levels) = document.cut_to_levels {
                let message = format!(
                    "the document of `{id}` selects {levels} of {MAX_LEVEL} levels to stay within the size limits"
                );
                model
                    .warnings
                    .push(Warning::new(op.pointer.clone(), message));
            }
            op.graphql = Some(GraphqlOperation {
                root,
                field: field.name.clone(),
                document: document.text,
            });
            model.operations.push(op);
        }
        if model.operations.len() > before {
            model.tags.push(Tag {
                name: root.as_str().to_string(),
                description: ty.description.clone(),
            });
        }
    }
    if !has_query {
        model
            .warnings
            .push(Warning::new("/schema", "the schema has no query type"));
    }
    model.schemas = schemas.finish();
    model
}

/// The field name, or `name_mutation` (`name_subscription`) when a query already uses it.
fn unique_id(ids: &mut HashSet<String>, name: &str, root: GraphqlRoot) -> String {
    let mut id = name.to_string();
    if ids.contains(&id) {
        id = format!("{name}_{}", root.as_str());
    }
    let mut n = 2;
    while ids.contains(&id) {
        id = format!("{name}_{}_{n}", root.as_str());
        n += 1;
    }
    ids.insert(id.clone());
    id
}

/// The operation's name in its document: the id with its first letter in upper case.
fn operation_name(id: &str) -> String {
    let mut chars = id.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn operation<'s>(
    schemas: &mut SchemaBuilder<'s>,
    root: GraphqlRoot,
    ty: &TypeDef,
    field: &'s Field,
    id: &str,
) -> Operation {
    let mut op = Operation::new(
        HttpMethod::Post,
        "/graphql",
        field_pointer(&ty.name, &field.name),
    );
    op.operation_id = Some(id.to_string());
    op.summary = field.description.as_deref().and_then(first_line);
    op.description = field.description.clone();
    op.tags = vec![root.as_str().to_string()];
    op.deprecated = field.deprecated;
    if !field.args.is_empty() {
        let mut properties = Map::new();
        for arg in &field.args {
            properties.insert(arg.name.clone(), schemas.input_value_schema(arg));
        }
        let required: Vec<&str> = field
            .args
            .iter()
            .filter(|a| a.is_required())
            .map(|a| a.name.as_str())
            .collect();
        let any_required = !required.is_empty();
        let body_schema = object_schema(properties, required);
        op.request_body = Some(RequestBody {
            description: Some(format!(
                "The arguments of `{}`, sent as GraphQL variables",
                field.name
            )),
            required: any_required,
            content: json_content(body_schema),
        });
    }
    let data = Map::from_iter([(field.name.clone(), schemas.type_schema(&field.ty))]);
    let response_schema = object([
        ("type", "object".into()),
        (
            "properties",
            object([
                (
                    "data",
                    object([
                        ("type", "object".into()),
                        ("properties", Value::Object(data)),
                    ]),
                ),
                (
                    "errors",
                    json!({"type": "array", "items": {"type": "object"}}),
                ),
            ]),
        ),
    ]);
    op.responses = vec![Response {
        status: "200".to_string(),
        description: Some("The GraphQL response".to_string()),
        content: json_content(response_schema),
        headers: IndexMap::new(),
    }];
    if root == GraphqlRoot::Subscription {
        op.unsupported = Some(SUBSCRIPTION_UNSUPPORTED.to_string());
    }
    op
}

fn json_content(schema: JsonSchema) -> IndexMap<String, MediaType> {
    let media = MediaType {
        schema: Some(schema),
        ..MediaType::default()
    };
    IndexMap::from([(JSON.to_string(), media)])
}

/// JSON Schemas of GraphQL types. Named types are referenced with [`schema_ref`] and built once, from a queue,
/// so recursive types stay finite and the work stays proportional to the schema.
struct SchemaBuilder<'s> {
    schema: &'s Schema,
    named: IndexMap<String, JsonSchema>,
    queued: HashSet<&'s str>,
    queue: VecDeque<&'s str>,
}

impl<'s> SchemaBuilder<'s> {
    fn new(schema: &'s Schema) -> Self {
        SchemaBuilder {
            schema,
            named: IndexMap::new(),
            queued: HashSet::new(),
            queue: VecDeque::new(),
        }
    }

    /// The schema of a type in any position: without `!` it also allows null.
    fn type_schema(&mut self, ty: &'s TypeRef) -> JsonSchema {
        match ty {
            TypeRef::NonNull(inner) => self.non_null_schema(inner),
            other => allow_null(self.non_null_schema(other)),
        }
    }

    fn non_null_schema(&mut self, ty: &'s TypeRef) -> JsonSchema {
        match ty {
            TypeRef::NonNull(inner) => self.non_null_schema(inner),
            TypeRef::List(inner) => {
                object([("type", "array".into()), ("items", self.type_schema(inner))])
            }
            TypeRef::Named(name) => self.named_schema(name),
        }
    }

    fn named_schema(&mut self, name: &'s str) -> JsonSchema {
        if let Some(builtin) = builtin_scalar_schema(name) {
            return builtin;
        }
        match self.schema.kind_of(name) {
            None | Some(TypeKind::Scalar) => custom_scalar_schema(name),
            Some(_) => {
                if self.queued.insert(name) {
                    self.queue.push_back(name);
                }
                schema_ref(name)
            }
        }
    }

    /// An argument or input field: its type, description, default and deprecation.
    fn input_value_schema(&mut self, value: &'s InputValue) -> JsonSchema {
        let mut schema = self.type_schema(&value.ty);
        annotate(&mut schema, value.description.as_deref(), value.deprecated);
        if let (Some(default), Value::Object(map)) = (&value.default, &mut schema) {
            map.insert("default".to_string(), default.to_json());
        }
        schema
    }

    fn output_field_schema(&mut self, field: &'s Field) -> JsonSchema {
        let mut schema = self.type_schema(&field.ty);
        annotate(&mut schema, field.description.as_deref(), field.deprecated);
        schema
    }

    /// Builds every queued named schema (building one may queue more).
    fn finish(mut self) -> IndexMap<String, JsonSchema> {
        while let Some(name) = self.queue.pop_front() {
            let built = self.build_named(name);
            self.named.insert(name.to_string(), built);
        }
        self.named
    }

    fn build_named(&mut self, name: &'s str) -> JsonSchema {
        let schema = self.schema;
        let Some(ty) = schema.types.get(name) else {
            return custom_scalar_schema(name);
        };
        let mut out = match ty.kind {
            TypeKind::Enum => {
                let values = ty
                    .enum_values
                    .iter()
                    .map(|v| Value::from(v.name.as_str()))
                    .collect();
                object([("type", "string".into()), ("enum", Value::Array(values))])
            }
            TypeKind::InputObject => {
                let mut properties = Map::new();
                for input in &ty.input_fields {
                    properties.insert(input.name.clone(), self.input_value_schema(input));
                }
                let required: Vec<&str> = ty
                    .input_fields
                    .iter()
                    .filter(|f| f.is_required())
                    .map(|f| f.name.as_str())
                    .collect();
                object_schema(properties, required)
            }
            TypeKind::Object | TypeKind::Interface => {
                let mut properties = Map::new();
                for field in &ty.fields {
                    properties.insert(field.name.clone(), self.output_field_schema(field));
                }
                object([
                    ("type", "object".into()),
                    ("properties", Value::Object(properties)),
                ])
            }
            TypeKind::Union => {
                let members: Vec<JsonSchema> = ty
                    .members
                    .iter()
                    .filter(|m| schema.kind_of(m) == Some(TypeKind::Object))
                    .map(|m| self.named_schema(m))
                    .collect();
                if members.is_empty() {
                    object([("type", "object".into())])
                } else {
                    object([("anyOf", Value::Array(members))])
                }
            }
            TypeKind::Scalar => custom_scalar_schema(name),
        };
        let description = match ty.kind {
            TypeKind::Enum => enum_description(ty),
            _ => ty.description.clone(),
        };
        annotate(&mut out, description.as_deref(), false);
        out
    }
}

/// An enum's description followed by one line per value that has a description or is deprecated.
fn enum_description(ty: &TypeDef) -> Option<String> {
    let mut text = ty.description.clone().unwrap_or_default();
    for value in &ty.enum_values {
        let summary = value.description.as_deref().and_then(first_line);
        if summary.is_none() && !value.deprecated {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str("- ");
        text.push_str(&value.name);
        if let Some(summary) = summary {
            text.push_str(": ");
            text.push_str(&summary);
        }
        if value.deprecated {
            text.push_str(" (deprecated)");
        }
    }
    (!text.is_empty()).then_some(text)
}

/// Adds a description (after a custom scalar's own one) and `deprecated`.
fn annotate(schema: &mut JsonSchema, description: Option<&str>, deprecated: bool) {
    let Value::Object(map) = schema else { return };
    if let Some(description) = description {
        let text = match map.get("description").and_then(Value::as_str) {
            Some(existing) => format!("{description}\n\n{existing}"),
            None => description.to_string(),
        };
        map.insert("description".to_string(), Value::String(text));
    }
    if deprecated {
        map.insert("deprecated".to_string(), Value::Bool(true));
    }
}

/// A nullable type: `"type": [T, "null"]`, or `anyOf` with null around a reference. A schema without a type
/// (a custom scalar) already allows null.
fn allow_null(mut schema: JsonSchema) -> JsonSchema {
    if schema.get("$ref").is_some() {
        return object([(
            "anyOf",
            Value::Array(vec![schema, object([("type", "null".into())])]),
        )]);
    }
    if let Some(Value::String(ty)) = schema.get("type") {
        let both = Value::Array(vec![Value::String(ty.clone()), "null".into()]);
        schema["type"] = both;
    }
    schema
}

/// A JSON object from its entries, built in place (`json!` would deep-copy every interpolated value).
fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut map = Map::with_capacity(N);
    for (key, value) in entries {
        map.insert(key.to_string(), value);
    }
    Value::Object(map)
}

/// `{"type": "object", "properties": ..., "required": [...]}` (no `required` when nothing is).
fn object_schema(properties: Map<String, Value>, required: Vec<&str>) -> JsonSchema {
    let mut map = Map::with_capacity(3);
    map.insert("type".to_string(), "object".into());
    map.insert("properties".to_string(), Value::Object(properties));
    if !required.is_empty() {
        map.insert(
            "required".to_string(),
            required.into_iter().map(Value::from).collect(),
        );
    }
    Value::Object(map)
}

fn custom_scalar_schema(name: &str) -> JsonSchema {
    object([(
        "description",
        Value::String(format!("GraphQL scalar {name}")),
    )])
}
