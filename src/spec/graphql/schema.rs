//! The one internal representation of a GraphQL schema: both readers (SDL and introspection) produce a
//! [`Schema`], and the builder turns it into the model.

use std::collections::HashSet;

use indexmap::IndexMap;
use serde_json::{Number, Value, json};

use crate::spec::model::{GraphqlRoot, Warning, pointer_join};

/// The scalars every schema has without declaring them.
pub(super) const BUILTIN_SCALARS: [&str; 5] = ["Int", "Float", "String", "Boolean", "ID"];

/// A type reference as written in GraphQL: `Name`, `[T]`, `T!`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum TypeRef {
    Named(String),
    List(Box<TypeRef>),
    NonNull(Box<TypeRef>),
}

impl TypeRef {
    /// The named type at the bottom of the wrappers.
    pub(super) fn named(&self) -> &str {
        let mut current = self;
        loop {
            match current {
                TypeRef::Named(name) => return name,
                TypeRef::List(inner) | TypeRef::NonNull(inner) => current = inner,
            }
        }
    }

    pub(super) fn is_non_null(&self) -> bool {
        matches!(self, TypeRef::NonNull(_))
    }

    /// Writes the exact GraphQL syntax (`[String!]!`).
    pub(super) fn write_graphql(&self, out: &mut String) {
        match self {
            TypeRef::Named(name) => out.push_str(name),
            TypeRef::List(inner) => {
                out.push('[');
                inner.write_graphql(out);
                out.push(']');
            }
            TypeRef::NonNull(inner) => {
                inner.write_graphql(out);
                out.push('!');
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TypeKind {
    Scalar,
    Object,
    Interface,
    Union,
    Enum,
    InputObject,
}

impl TypeKind {
    /// "a scalar", "an enum", ...
    pub(super) fn label(self) -> &'static str {
        match self {
            TypeKind::Scalar => "a scalar",
            TypeKind::Object => "an object type",
            TypeKind::Interface => "an interface",
            TypeKind::Union => "a union",
            TypeKind::Enum => "an enum",
            TypeKind::InputObject => "an input type",
        }
    }

    /// Scalars and enums: a field of this type takes no selection set.
    pub(super) fn is_leaf(self) -> bool {
        matches!(self, TypeKind::Scalar | TypeKind::Enum)
    }
}

/// A constant GraphQL value (a default value), kept so it can be written back as GraphQL or as JSON.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ConstValue {
    Int(String),
    Float(String),
    String(String),
    Boolean(bool),
    Null,
    Enum(String),
    List(Vec<ConstValue>),
    Object(Vec<(String, ConstValue)>),
}

impl ConstValue {
    pub(super) fn to_json(&self) -> Value {
        match self {
            ConstValue::Int(text) => match text.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => number_or_text(text),
            },
            ConstValue::Float(text) => number_or_text(text),
            ConstValue::String(text) | ConstValue::Enum(text) => Value::String(text.clone()),
            ConstValue::Boolean(b) => Value::Bool(*b),
            ConstValue::Null => Value::Null,
            ConstValue::List(items) => {
                Value::Array(items.iter().map(ConstValue::to_json).collect())
            }
            ConstValue::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(name, value)| (name.clone(), value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Writes the value as a GraphQL literal.
    pub(super) fn write_graphql(&self, out: &mut String) {
        match self {
            ConstValue::Int(text) | ConstValue::Float(text) | ConstValue::Enum(text) => {
                out.push_str(text)
            }
            ConstValue::String(text) => out.push_str(&Value::String(text.clone()).to_string()),
            ConstValue::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
            ConstValue::Null => out.push_str("null"),
            ConstValue::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_graphql(out);
                }
                out.push(']');
            }
            ConstValue::Object(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    out.push_str(if i > 0 { ", " } else { " " });
                    out.push_str(name);
                    out.push_str(": ");
                    value.write_graphql(out);
                }
                out.push_str(if fields.is_empty() { "}" } else { " }" });
            }
        }
    }
}

fn number_or_text(text: &str) -> Value {
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// An argument or an input field.
#[derive(Debug, Clone)]
pub(super) struct InputValue {
    pub name: String,
    pub description: Option<String>,
    pub ty: TypeRef,
    pub default: Option<ConstValue>,
    pub deprecated: bool,
}

impl InputValue {
    /// Non-null without a default value: the caller must give it.
    pub(super) fn is_required(&self) -> bool {
        self.ty.is_non_null() && self.default.is_none()
    }
}

/// A field of an object type or an interface.
#[derive(Debug, Clone)]
pub(super) struct Field {
    pub name: String,
    pub description: Option<String>,
    pub args: Vec<InputValue>,
    pub ty: TypeRef,
    pub deprecated: bool,
}

#[derive(Debug, Clone)]
pub(super) struct EnumValue {
    pub name: String,
    pub description: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone)]
pub(super) struct TypeDef {
    pub name: String,
    pub kind: TypeKind,
    pub description: Option<String>,
    /// Object types and interfaces.
    pub fields: Vec<Field>,
    /// Input object types.
    pub input_fields: Vec<InputValue>,
    pub enum_values: Vec<EnumValue>,
    /// Union members.
    pub members: Vec<String>,
}

impl TypeDef {
    pub(super) fn new(name: impl Into<String>, kind: TypeKind) -> Self {
        TypeDef {
            name: name.into(),
            kind,
            description: None,
            fields: Vec::new(),
            input_fields: Vec::new(),
            enum_values: Vec::new(),
            members: Vec::new(),
        }
    }
}

/// Which type serves a root operation, and where that was said.
#[derive(Debug, Clone)]
pub(super) struct RootDecl {
    pub type_name: String,
    pub pointer: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Schema {
    pub description: Option<String>,
    pub types: IndexMap<String, TypeDef>,
    pub query: Option<RootDecl>,
    pub mutation: Option<RootDecl>,
    pub subscription: Option<RootDecl>,
    pub warnings: Vec<Warning>,
}

impl Schema {
    /// The kind of a named type; built-in scalars are scalars, undefined names are `None`.
    pub(super) fn kind_of(&self, name: &str) -> Option<TypeKind> {
        if BUILTIN_SCALARS.contains(&name) {
            return Some(TypeKind::Scalar);
        }
        self.types.get(name).map(|t| t.kind)
    }

    pub(super) fn root(&self, root: GraphqlRoot) -> Option<&RootDecl> {
        match root {
            GraphqlRoot::Query => self.query.as_ref(),
            GraphqlRoot::Mutation => self.mutation.as_ref(),
            GraphqlRoot::Subscription => self.subscription.as_ref(),
        }
    }

    pub(super) fn root_mut(&mut self, root: GraphqlRoot) -> &mut Option<RootDecl> {
        match root {
            GraphqlRoot::Query => &mut self.query,
            GraphqlRoot::Mutation => &mut self.mutation,
            GraphqlRoot::Subscription => &mut self.subscription,
        }
    }

    /// Without a `schema {}` block, the types named Query, Mutation and Subscription are the roots.
    pub(super) fn default_roots(&mut self) {
        for (root, name) in ROOTS.iter().zip(["Query", "Mutation", "Subscription"]) {
            if self.root(*root).is_none() && self.types.contains_key(name) {
                *self.root_mut(*root) = Some(RootDecl {
                    type_name: name.to_string(),
                    pointer: type_pointer(name),
                });
            }
        }
    }

    /// Warns once per undefined type name that a field, argument or input field refers to, and about union
    /// members that are not object types.
    pub(super) fn check_references(&mut self) {
        let mut reported: HashSet<String> = HashSet::new();
        let mut newly_undefined = |name: &str| {
            self.kind_of(name).is_none()
                && !reported.contains(name)
                && reported.insert(name.to_string())
        };
        let mut warnings = Vec::new();
        let undefined = |owner: String, name: &str| {
            format!(
                "{owner} refers to the undefined type `{name}`; it is treated as a custom scalar"
            )
        };
        for ty in self.types.values() {
            for field in &ty.fields {
                let named = field.ty.named();
                if newly_undefined(named) {
                    let owner = format!("field `{}.{}`", ty.name, field.name);
                    warnings.push(Warning::new(
                        field_pointer(&ty.name, &field.name),
                        undefined(owner, named),
                    ));
                }
                for arg in &field.args {
                    let named = arg.ty.named();
                    if newly_undefined(named) {
                        let pointer = pointer_join(
                            &pointer_join(&field_pointer(&ty.name, &field.name), "args"),
                            &arg.name,
                        );
                        let owner =
                            format!("argument `{}` of `{}.{}`", arg.name, ty.name, field.name);
                        warnings.push(Warning::new(pointer, undefined(owner, named)));
                    }
                }
            }
            for input in &ty.input_fields {
                let named = input.ty.named();
                if newly_undefined(named) {
                    let pointer = pointer_join(
                        &pointer_join(&type_pointer(&ty.name), "inputFields"),
                        &input.name,
                    );
                    let owner = format!("input field `{}.{}`", ty.name, input.name);
                    warnings.push(Warning::new(pointer, undefined(owner, named)));
                }
            }
            for member in &ty.members {
                if self.kind_of(member) != Some(TypeKind::Object) {
                    warnings.push(Warning::new(
                        type_pointer(&ty.name),
                        format!(
                            "union `{}` has the member `{member}`, which is not a defined object type; it is left out",
                            ty.name
                        ),
                    ));
                }
            }
        }
        self.warnings.extend(warnings);
    }
}

/// The three roots in the order operations are listed.
pub(super) const ROOTS: [GraphqlRoot; 3] = [
    GraphqlRoot::Query,
    GraphqlRoot::Mutation,
    GraphqlRoot::Subscription,
];

/// `/types/Name`: the readable pseudo-pointer of a type.
pub(super) fn type_pointer(name: &str) -> String {
    pointer_join("/types", name)
}

/// `/types/Type/fields/field`.
pub(super) fn field_pointer(type_name: &str, field: &str) -> String {
    pointer_join(&pointer_join(&type_pointer(type_name), "fields"), field)
}

/// The JSON Schema of a built-in scalar.
pub(super) fn builtin_scalar_schema(name: &str) -> Option<Value> {
    Some(match name {
        "Int" => json!({"type": "integer", "format": "int32"}),
        "Float" => json!({"type": "number"}),
        "String" | "ID" => json!({"type": "string"}),
        "Boolean" => json!({"type": "boolean"}),
        _ => return None,
    })
}

/// The first non-empty line of a description, trimmed.
pub(super) fn first_line(description: &str) -> Option<String> {
    description
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(str::to_string)
}
