//! An introspection result (`{"data": {"__schema": ...}}` or `{"__schema": ...}`) into the internal [`Schema`].
//!
//! Problems with the document's shape are errors when nothing can be read (no `__schema`, no `types`) and
//! warnings with the JSON pointer of the part that was skipped otherwise.

use std::collections::HashSet;

use serde_json::Value;

use super::schema::{EnumValue, Field, InputValue, RootDecl, Schema, TypeDef, TypeKind, TypeRef};
use super::sdl::parse_literal;
use crate::spec::error::SpecError;
use crate::spec::model::{GraphqlRoot, Warning};

/// How many `ofType` wrappers a type reference may have. Real ones have at most a handful.
const MAX_TYPE_DEPTH: usize = 32;

pub(super) fn parse_introspection(doc: &Value, source_name: &str) -> Result<Schema, SpecError> {
    let (schema_value, base) = if let Some(s) = doc.get("data").and_then(|d| d.get("__schema")) {
        (s, "/data/__schema")
    } else if let Some(s) = doc.get("__schema") {
        (s, "/__schema")
    } else {
        let server_error = doc
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|errors| errors.first())
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str);
        return Err(match server_error {
            Some(message) => SpecError::invalid(
                source_name,
                "/errors/0/message",
                format!("the introspection query failed: {message}"),
            ),
            None => SpecError::invalid(
                source_name,
                "/",
                "not a GraphQL introspection result: no `__schema`",
            ),
        });
    };
    let Some(schema_object) = schema_value.as_object() else {
        return Err(SpecError::invalid(
            source_name,
            base,
            "`__schema` must be an object",
        ));
    };
    let types_pointer = format!("{base}/types");
    let Some(types) = schema_object.get("types").and_then(Value::as_array) else {
        return Err(SpecError::invalid(
            source_name,
            &types_pointer,
            "`__schema.types` must be a list",
        ));
    };

    let mut reader = Reader {
        schema: Schema::default(),
    };
    reader.schema.description = non_empty_string(schema_object.get("description"));
    for (index, ty) in types.iter().enumerate() {
        let pointer = format!("{types_pointer}/{index}");
        if let Some(ty) = reader.type_def(ty, &pointer) {
            if reader.schema.types.contains_key(&ty.name) {
                reader.warn(
                    pointer,
                    format!("`{}` is listed more than once; the first is used", ty.name),
                );
            } else {
                reader.schema.types.insert(ty.name.clone(), ty);
            }
        }
    }
    for (root, key) in [
        (GraphqlRoot::Query, "queryType"),
        (GraphqlRoot::Mutation, "mutationType"),
        (GraphqlRoot::Subscription, "subscriptionType"),
    ] {
        let pointer = format!("{base}/{key}");
        match schema_object.get(key) {
            None | Some(Value::Null) => {}
            Some(value) => match value.get("name").and_then(Value::as_str) {
                Some(name) => {
                    *reader.schema.root_mut(root) = Some(RootDecl {
                        type_name: name.to_string(),
                        pointer,
                    })
                }
                None => reader.warn(pointer, format!("`{key}` has no `name`; it is ignored")),
            },
        }
    }
    let mut schema = reader.schema;
    schema.check_references();
    Ok(schema)
}

struct Reader {
    schema: Schema,
}

impl Reader {
    fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.schema.warnings.push(Warning::new(pointer, message));
    }

    fn type_def(&mut self, value: &Value, pointer: &str) -> Option<TypeDef> {
        let Some(name) = value.get("name").and_then(Value::as_str) else {
            self.warn(pointer, "a type without a `name` is skipped");
            return None;
        };
        let kind = match value.get("kind").and_then(Value::as_str) {
            Some("SCALAR") => TypeKind::Scalar,
            Some("OBJECT") => TypeKind::Object,
            Some("INTERFACE") => TypeKind::Interface,
            Some("UNION") => TypeKind::Union,
            Some("ENUM") => TypeKind::Enum,
            Some("INPUT_OBJECT") => TypeKind::InputObject,
            other => {
                let kind =
                    other.map_or_else(|| "no kind".to_string(), |k| format!("the kind `{k}`"));
                self.warn(
                    format!("{pointer}/kind"),
                    format!("`{name}` has {kind}; it is skipped"),
                );
                return None;
            }
        };
        let mut ty = TypeDef::new(name, kind);
        ty.description = non_empty_string(value.get("description"));
        match kind {
            TypeKind::Object | TypeKind::Interface => {
                let mut fields = Vec::new();
                for (field, field_pointer) in self.list(value, pointer, "fields") {
                    fields.extend(
                        self.field(field, &field_pointer)
                            .map(|f| (f, field_pointer)),
                    );
                }
                ty.fields = self.keep_first(fields, |f| &f.name);
            }
            TypeKind::InputObject => {
                let mut inputs = Vec::new();
                for (input, input_pointer) in self.list(value, pointer, "inputFields") {
                    inputs.extend(
                        self.input_value(input, &input_pointer)
                            .map(|i| (i, input_pointer)),
                    );
                }
                ty.input_fields = self.keep_first(inputs, |i| &i.name);
            }
            TypeKind::Enum => {
                let mut values = Vec::new();
                for (item, item_pointer) in self.list(value, pointer, "enumValues") {
                    match item.get("name").and_then(Value::as_str) {
                        Some(name) => values.push((
                            EnumValue {
                                name: name.to_string(),
                                description: non_empty_string(item.get("description")),
                                deprecated: is_deprecated(item),
                            },
                            item_pointer,
                        )),
                        None => {
                            self.warn(item_pointer, "an enum value without a `name` is skipped")
                        }
                    }
                }
                ty.enum_values = self.keep_first(values, |v| &v.name);
            }
            TypeKind::Union => {
                let mut members = Vec::new();
                for (member, member_pointer) in self.list(value, pointer, "possibleTypes") {
                    match member.get("name").and_then(Value::as_str) {
                        Some(name) => members.push((name.to_string(), member_pointer)),
                        None => {
                            self.warn(member_pointer, "a union member without a `name` is skipped")
                        }
                    }
                }
                ty.members = self.keep_first(members, |m| m);
            }
            TypeKind::Scalar => {}
        }
        Some(ty)
    }

    /// Keeps the first of the items that share a name, warning about each repeat.
    fn keep_first<T>(&mut self, items: Vec<(T, String)>, name: impl Fn(&T) -> &String) -> Vec<T> {
        let mut seen = HashSet::new();
        let mut kept = Vec::with_capacity(items.len());
        for (item, pointer) in items {
            if seen.insert(name(&item).clone()) {
                kept.push(item);
            } else {
                let message = format!("`{}` is repeated; the first one is kept", name(&item));
                self.warn(pointer, message);
            }
        }
        kept
    }

    /// The items of a list member with their pointers; `null` or absent is an empty list.
    fn list<'v>(&mut self, value: &'v Value, pointer: &str, key: &str) -> Vec<(&'v Value, String)> {
        match value.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (item, format!("{pointer}/{key}/{i}")))
                .collect(),
            Some(_) => {
                self.warn(
                    format!("{pointer}/{key}"),
                    format!("`{key}` must be a list; it is ignored"),
                );
                Vec::new()
            }
        }
    }

    fn field(&mut self, value: &Value, pointer: &str) -> Option<Field> {
        let Some(name) = value.get("name").and_then(Value::as_str) else {
            self.warn(pointer, "a field without a `name` is skipped");
            return None;
        };
        let ty = self.type_of(value, pointer, name)?;
        let mut args = Vec::new();
        for (arg, arg_pointer) in self.list(value, pointer, "args") {
            args.extend(
                self.input_value(arg, &arg_pointer)
                    .map(|a| (a, arg_pointer)),
            );
        }
        let args = self.keep_first(args, |a| &a.name);
        Some(Field {
            name: name.to_string(),
            description: non_empty_string(value.get("description")),
            args,
            ty,
            deprecated: is_deprecated(value),
        })
    }

    fn input_value(&mut self, value: &Value, pointer: &str) -> Option<InputValue> {
        let Some(name) = value.get("name").and_then(Value::as_str) else {
            self.warn(
                pointer,
                "an argument or input field without a `name` is skipped",
            );
            return None;
        };
        let ty = self.type_of(value, pointer, name)?;
        let default = match value.get("defaultValue") {
            None | Some(Value::Null) => None,
            Some(Value::String(literal)) => {
                let parsed = parse_literal(literal);
                if parsed.is_none() {
                    let message = format!(
                        "the default value of `{name}` is not a GraphQL literal; it is ignored"
                    );
                    self.warn(format!("{pointer}/defaultValue"), message);
                }
                parsed
            }
            Some(_) => {
                let message =
                    format!("the default value of `{name}` must be a string; it is ignored");
                self.warn(format!("{pointer}/defaultValue"), message);
                None
            }
        };
        Some(InputValue {
            name: name.to_string(),
            description: non_empty_string(value.get("description")),
            ty,
            default,
            deprecated: is_deprecated(value),
        })
    }

    fn type_of(&mut self, value: &Value, pointer: &str, name: &str) -> Option<TypeRef> {
        let ty = value.get("type").and_then(|t| type_ref(t, 0));
        if ty.is_none() {
            self.warn(
                format!("{pointer}/type"),
                format!("`{name}` has no readable `type`; it is skipped"),
            );
        }
        ty
    }
}

/// `{"kind": "NON_NULL", "ofType": {"kind": "LIST", "ofType": {"kind": "SCALAR", "name": "Int"}}}`.
fn type_ref(value: &Value, depth: usize) -> Option<TypeRef> {
    if depth > MAX_TYPE_DEPTH {
        return None;
    }
    match value.get("kind").and_then(Value::as_str) {
        Some("NON_NULL") => {
            let inner = type_ref(value.get("ofType")?, depth + 1)?;
            (!inner.is_non_null()).then(|| TypeRef::NonNull(Box::new(inner)))
        }
        Some("LIST") => Some(TypeRef::List(Box::new(type_ref(
            value.get("ofType")?,
            depth + 1,
        )?))),
        _ => Some(TypeRef::Named(value.get("name")?.as_str()?.to_string())),
    }
}

fn is_deprecated(value: &Value) -> bool {
    value
        .get("isDeprecated")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn non_empty_string(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}
