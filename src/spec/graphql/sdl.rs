//! GraphQL SDL (parsed with apollo-parser) into the internal [`Schema`].

use std::collections::{HashMap, HashSet};

use apollo_parser::cst::{self, CstNode};
use apollo_parser::{Parser, SyntaxKind, SyntaxNode};

use super::schema::{
    ConstValue, EnumValue, Field, InputValue, RootDecl, Schema, TypeDef, TypeKind, TypeRef,
    type_pointer,
};
use super::strings::{decode_string, line_column};
use crate::spec::error::SpecError;
use crate::spec::model::{GraphqlRoot, Warning, pointer_join};

/// How deep list types and list or object values may nest. Real schemas need a handful of levels; the limit
/// keeps the recursive-descent parser (and our walk of its tree) far from the end of a 2 MB thread stack.
pub(super) const RECURSION_LIMIT: usize = 64;

/// The most tokens a document may have: about 20 times the GitHub schema (1.2 MB, 105,000 tokens).
pub(super) const TOKEN_LIMIT: usize = 2_000_000;

/// Parses SDL. A syntax error is reported at the first problem, with a 1-based line and column.
pub(super) fn parse_sdl(text: &str, source_name: &str) -> Result<Schema, SpecError> {
    let tree = Parser::new(text)
        .recursion_limit(RECURSION_LIMIT)
        .token_limit(TOKEN_LIMIT)
        .parse();
    // A limit error explains everything after it, so it wins; otherwise the earliest error.
    let first = tree
        .errors()
        .min_by_key(|e| (!e.is_limit(), e.index()))
        .cloned();
    if let Some(err) = first {
        let (line, column) = line_column(text, err.index());
        let message = if err.is_limit() && err.message().contains("token") {
            format!(
                "{} (the document has more than {TOKEN_LIMIT} tokens)",
                err.message()
            )
        } else if err.is_limit() {
            format!(
                "{} (lists, list types or values nest more than {RECURSION_LIMIT} levels deep)",
                err.message()
            )
        } else if err.is_eof() {
            format!("{} at the end of the document", err.message())
        } else if err.data().is_empty() {
            err.message().to_string()
        } else {
            format!("{}, found `{}`", err.message(), err.data())
        };
        return Err(SpecError::syntax(source_name, line, column, message));
    }

    let mut reader = SdlReader::default();
    let mut extensions = Vec::new();
    for definition in tree.document().definitions() {
        if definition.is_extension_definition() {
            extensions.push(definition);
        } else {
            reader.definition(definition);
        }
    }
    for extension in extensions {
        reader.extension(extension);
    }
    let mut schema = reader.schema;
    if !reader.has_schema_block {
        schema.default_roots();
    }
    schema.check_references();
    Ok(schema)
}

#[derive(Default)]
struct SdlReader {
    schema: Schema,
    has_schema_block: bool,
    warned_executable: bool,
    /// The field, value or member names of each extended type, so that extending stays linear.
    extended_names: HashMap<String, HashSet<String>>,
}

impl SdlReader {
    fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.schema.warnings.push(Warning::new(pointer, message));
    }

    fn definition(&mut self, definition: cst::Definition) {
        use cst::Definition as D;
        let ty = match definition {
            D::SchemaDefinition(def) => {
                if self.has_schema_block {
                    self.warn(
                        "/schema",
                        "the schema is defined more than once; the later definition adds to it",
                    );
                }
                self.has_schema_block = true;
                self.schema.description = description(def.description());
                self.root_types(def.root_operation_type_definitions());
                return;
            }
            D::OperationDefinition(_) | D::FragmentDefinition(_) => {
                if !self.warned_executable {
                    self.warned_executable = true;
                    self.warn(
                        "/",
                        "operations and fragments in a schema document are ignored",
                    );
                }
                return;
            }
            D::DirectiveDefinition(_) => return,
            D::ScalarTypeDefinition(def) => {
                let Some(mut ty) = new_type(def.name(), TypeKind::Scalar) else {
                    return;
                };
                ty.description = description(def.description());
                ty
            }
            D::ObjectTypeDefinition(def) => {
                let Some(mut ty) = new_type(def.name(), TypeKind::Object) else {
                    return;
                };
                ty.description = description(def.description());
                ty.fields = fields(def.fields_definition());
                ty
            }
            D::InterfaceTypeDefinition(def) => {
                let Some(mut ty) = new_type(def.name(), TypeKind::Interface) else {
                    return;
                };
                ty.description = description(def.description());
                ty.fields = fields(def.fields_definition());
                ty
            }
            D::UnionTypeDefinition(def) => {
                let Some(mut ty) = new_type(def.name(), TypeKind::Union) else {
                    return;
                };
                ty.description = description(def.description());
                ty.members = members(def.union_member_types());
                ty
            }
            D::EnumTypeDefinition(def) => {
                let Some(mut ty) = new_type(def.name(), TypeKind::Enum) else {
                    return;
                };
                ty.description = description(def.description());
                ty.enum_values = enum_values(def.enum_values_definition());
                ty
            }
            D::InputObjectTypeDefinition(def) => {
                let Some(mut ty) = new_type(def.name(), TypeKind::InputObject) else {
                    return;
                };
                ty.description = description(def.description());
                ty.input_fields = input_values(
                    def.input_fields_definition()
                        .map(|d| d.input_value_definitions()),
                );
                ty
            }
            _ => return,
        };
        if self.schema.types.contains_key(&ty.name) {
            let message = format!(
                "`{}` is defined more than once; the first definition is used",
                ty.name
            );
            self.warn(type_pointer(&ty.name), message);
        } else {
            self.schema.types.insert(ty.name.clone(), ty);
        }
    }

    fn extension(&mut self, definition: cst::Definition) {
        use cst::Definition as D;
        let addition = match definition {
            D::SchemaExtension(ext) => {
                self.root_types(ext.root_operation_type_definitions());
                return;
            }
            D::ScalarTypeExtension(ext) => new_type(ext.name(), TypeKind::Scalar),
            D::ObjectTypeExtension(ext) => new_type(ext.name(), TypeKind::Object).map(|mut ty| {
                ty.fields = fields(ext.fields_definition());
                ty
            }),
            D::InterfaceTypeExtension(ext) => {
                new_type(ext.name(), TypeKind::Interface).map(|mut ty| {
                    ty.fields = fields(ext.fields_definition());
                    ty
                })
            }
            D::UnionTypeExtension(ext) => new_type(ext.name(), TypeKind::Union).map(|mut ty| {
                ty.members = members(ext.union_member_types());
                ty
            }),
            D::EnumTypeExtension(ext) => new_type(ext.name(), TypeKind::Enum).map(|mut ty| {
                ty.enum_values = enum_values(ext.enum_values_definition());
                ty
            }),
            D::InputObjectTypeExtension(ext) => {
                new_type(ext.name(), TypeKind::InputObject).map(|mut ty| {
                    ty.input_fields = input_values(
                        ext.input_fields_definition()
                            .map(|d| d.input_value_definitions()),
                    );
                    ty
                })
            }
            _ => None,
        };
        let Some(addition) = addition else { return };
        let pointer = type_pointer(&addition.name);
        let Some(existing) = self.schema.types.get_mut(&addition.name) else {
            let message = format!(
                "`extend` of the undefined type `{}`; it is read as its definition",
                addition.name
            );
            self.warn(pointer, message);
            self.schema.types.insert(addition.name.clone(), addition);
            return;
        };
        if existing.kind != addition.kind {
            let message = format!(
                "`{}` is {}, but is extended as {}; the extension is ignored",
                addition.name,
                existing.kind.label(),
                addition.kind.label()
            );
            self.warn(pointer, message);
            return;
        }
        let names = self
            .extended_names
            .entry(addition.name.clone())
            .or_insert_with(|| names_of(existing));
        let mut duplicates = Vec::new();
        merge_named(
            &mut existing.fields,
            addition.fields,
            |f| &f.name,
            names,
            &mut duplicates,
        );
        merge_named(
            &mut existing.input_fields,
            addition.input_fields,
            |f| &f.name,
            names,
            &mut duplicates,
        );
        merge_named(
            &mut existing.enum_values,
            addition.enum_values,
            |v| &v.name,
            names,
            &mut duplicates,
        );
        merge_named(
            &mut existing.members,
            addition.members,
            |m| m,
            names,
            &mut duplicates,
        );
        for name in duplicates {
            let message = format!(
                "`extend {}` repeats `{name}`; the first one is kept",
                addition.name
            );
            self.warn(pointer.clone(), message);
        }
    }

    /// `query: X mutation: Y subscription: Z` of a schema definition or extension.
    fn root_types(&mut self, roots: cst::CstChildren<cst::RootOperationTypeDefinition>) {
        for root_def in roots {
            let Some(op) = root_def.operation_type() else {
                continue;
            };
            let root = if op.query_token().is_some() {
                GraphqlRoot::Query
            } else if op.mutation_token().is_some() {
                GraphqlRoot::Mutation
            } else {
                GraphqlRoot::Subscription
            };
            let Some(name) = root_def.named_type().and_then(|n| n.name()) else {
                continue;
            };
            *self.schema.root_mut(root) = Some(RootDecl {
                type_name: name.text().to_string(),
                pointer: pointer_join("/schema", root.as_str()),
            });
        }
    }
}

/// Appends the items of `addition` whose names are new; collects the names already there.
fn merge_named<T>(
    existing: &mut Vec<T>,
    addition: Vec<T>,
    name: impl Fn(&T) -> &String,
    names: &mut HashSet<String>,
    duplicates: &mut Vec<String>,
) {
    for item in addition {
        if names.insert(name(&item).clone()) {
            existing.push(item);
        } else {
            duplicates.push(name(&item).clone());
        }
    }
}

/// Every field, input field, enum value and member name of a type.
fn names_of(ty: &TypeDef) -> HashSet<String> {
    let fields = ty.fields.iter().map(|f| &f.name);
    let inputs = ty.input_fields.iter().map(|f| &f.name);
    let values = ty.enum_values.iter().map(|v| &v.name);
    fields
        .chain(inputs)
        .chain(values)
        .chain(&ty.members)
        .cloned()
        .collect()
}

fn new_type(name: Option<cst::Name>, kind: TypeKind) -> Option<TypeDef> {
    Some(TypeDef::new(name?.text().as_str(), kind))
}

fn description(description: Option<cst::Description>) -> Option<String> {
    let value = description?.string_value()?;
    let token = value.syntax().first_token()?;
    let text = match token.kind() {
        SyntaxKind::STRING => decode_string(token.text()),
        _ => None,
    }
    .unwrap_or_else(|| String::from(&value));
    (!text.trim().is_empty()).then_some(text)
}

fn is_deprecated(directives: Option<cst::Directives>) -> bool {
    directives.is_some_and(|d| {
        d.directives()
            .any(|d| d.name().is_some_and(|n| n.text().as_str() == "deprecated"))
    })
}

/// The parts of a field or input value definition, found in one pass over its children (the generated
/// accessors scan the children once each).
#[derive(Default)]
struct Parts {
    description: Option<cst::Description>,
    name: Option<cst::Name>,
    arguments: Option<cst::ArgumentsDefinition>,
    ty: Option<cst::Type>,
    default: Option<cst::DefaultValue>,
    directives: Option<cst::Directives>,
}

impl Parts {
    fn of(node: &SyntaxNode) -> Parts {
        let mut parts = Parts::default();
        for child in node.children() {
            match child.kind() {
                SyntaxKind::DESCRIPTION => parts.description = cst::Description::cast(child),
                SyntaxKind::NAME => parts.name = cst::Name::cast(child),
                SyntaxKind::ARGUMENTS_DEFINITION => {
                    parts.arguments = cst::ArgumentsDefinition::cast(child)
                }
                SyntaxKind::NAMED_TYPE | SyntaxKind::LIST_TYPE | SyntaxKind::NON_NULL_TYPE => {
                    parts.ty = cst::Type::cast(child)
                }
                SyntaxKind::DEFAULT_VALUE => parts.default = cst::DefaultValue::cast(child),
                SyntaxKind::DIRECTIVES => parts.directives = cst::Directives::cast(child),
                _ => {}
            }
        }
        parts
    }
}

fn fields(definition: Option<cst::FieldsDefinition>) -> Vec<Field> {
    let Some(definition) = definition else {
        return Vec::new();
    };
    let mut out: Vec<Field> = Vec::new();
    let mut seen = HashSet::new();
    for field in definition.field_definitions() {
        let parts = Parts::of(field.syntax());
        let (Some(name), Some(ty)) = (parts.name, parts.ty.and_then(type_ref)) else {
            continue;
        };
        let name = name.text().to_string();
        if !seen.insert(name.clone()) {
            continue;
        }
        out.push(Field {
            name,
            description: description(parts.description),
            args: input_values(parts.arguments.map(|a| a.input_value_definitions())),
            ty,
            deprecated: is_deprecated(parts.directives),
        });
    }
    out
}

fn input_values(
    definitions: Option<cst::CstChildren<cst::InputValueDefinition>>,
) -> Vec<InputValue> {
    let mut out: Vec<InputValue> = Vec::new();
    let mut seen = HashSet::new();
    for value in definitions.into_iter().flatten() {
        let parts = Parts::of(value.syntax());
        let (Some(name), Some(ty)) = (parts.name, parts.ty.and_then(type_ref)) else {
            continue;
        };
        let name = name.text().to_string();
        if !seen.insert(name.clone()) {
            continue;
        }
        out.push(InputValue {
            name,
            description: description(parts.description),
            ty,
            default: parts.default.and_then(|d| d.value()).and_then(const_value),
            deprecated: is_deprecated(parts.directives),
        });
    }
    out
}

fn enum_values(definition: Option<cst::EnumValuesDefinition>) -> Vec<EnumValue> {
    let Some(definition) = definition else {
        return Vec::new();
    };
    let mut out: Vec<EnumValue> = Vec::new();
    let mut seen = HashSet::new();
    for value in definition.enum_value_definitions() {
        let Some(name) = value.enum_value().and_then(|v| v.name()) else {
            continue;
        };
        let name = name.text().to_string();
        if !seen.insert(name.clone()) {
            continue;
        }
        out.push(EnumValue {
            name,
            description: description(value.description()),
            deprecated: is_deprecated(value.directives()),
        });
    }
    out
}

fn members(members: Option<cst::UnionMemberTypes>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for named in members.iter().flat_map(|m| m.named_types()) {
        if let Some(name) = named.name() {
            let name = name.text().to_string();
            if seen.insert(name.clone()) {
                out.push(name);
            }
        }
    }
    out
}

/// A type from the tree. Recursion is bounded by the parser's recursion limit.
pub(super) fn type_ref(ty: cst::Type) -> Option<TypeRef> {
    Some(match ty {
        cst::Type::NamedType(named) => TypeRef::Named(named.name()?.text().to_string()),
        cst::Type::ListType(list) => TypeRef::List(Box::new(type_ref(list.ty()?)?)),
        cst::Type::NonNullType(non_null) => {
            let inner = match (non_null.named_type(), non_null.list_type()) {
                (Some(named), _) => type_ref(cst::Type::NamedType(named))?,
                (None, Some(list)) => type_ref(cst::Type::ListType(list))?,
                (None, None) => return None,
            };
            TypeRef::NonNull(Box::new(inner))
        }
    })
}

/// A constant value from the tree (variables are not constants). Bounded by the parser's recursion limit.
pub(super) fn const_value(value: cst::Value) -> Option<ConstValue> {
    Some(match value {
        cst::Value::Variable(_) => return None,
        cst::Value::StringValue(s) => ConstValue::String(String::from(&s)),
        cst::Value::FloatValue(f) => ConstValue::Float(f.float_token()?.text().to_string()),
        cst::Value::IntValue(i) => ConstValue::Int(i.int_token()?.text().to_string()),
        cst::Value::BooleanValue(b) => ConstValue::Boolean(b.true_token().is_some()),
        cst::Value::NullValue(_) => ConstValue::Null,
        cst::Value::EnumValue(e) => ConstValue::Enum(e.name()?.text().to_string()),
        cst::Value::ListValue(list) => {
            ConstValue::List(list.values().filter_map(const_value).collect())
        }
        cst::Value::ObjectValue(object) => ConstValue::Object(
            object
                .object_fields()
                .filter_map(|f| Some((f.name()?.text().to_string(), const_value(f.value()?)?)))
                .collect(),
        ),
    })
}

/// Parses a GraphQL literal written as text (introspection's `defaultValue`).
pub(super) fn parse_literal(literal: &str) -> Option<ConstValue> {
    let source = format!("{{ f(a: {literal}) }}");
    let tree = Parser::new(&source)
        .recursion_limit(RECURSION_LIMIT)
        .token_limit(100_000)
        .parse_selection_set();
    if tree.errors().next().is_some() {
        return None;
    }
    let mut selections = tree.field_set().selections();
    let (Some(cst::Selection::Field(field)), None) = (selections.next(), selections.next()) else {
        return None;
    };
    let mut arguments = field.arguments()?.arguments();
    let (Some(argument), None) = (arguments.next(), arguments.next()) else {
        return None;
    };
    const_value(argument.value()?)
}
