//! The GraphQL document sent for a root field: one variable per argument and a selection set built from the
//! return type.
//!
//! ```graphql
//! query Repository($owner: String!, $name: String!) {
//!   repository(owner: $owner, name: $name) {
//!     id
//!     name
//!     owner {
//!       __typename
//!       login
//!     }
//!   }
//! }
//! ```
//!
//! Selection sets take every scalar and enum field, and object fields down to [`MAX_LEVEL`] selection sets,
//! skipping deprecated fields and fields with required arguments. Unions and interfaces also select
//! `__typename`; a set with nothing else to select is `{ __typename }`. Each (type, level, depth) is built once.
//!
//! Documents are bounded: a selection set larger than [`DOCUMENT_BUDGET`] is rebuilt with fewer levels (down
//! to `{ __typename }`), and once [`TOTAL_BUDGET`] bytes of documents are written, the remaining ones select
//! only `__typename`. The caller is told, so it can warn.

use std::collections::HashMap;
use std::rc::Rc;

use super::schema::{Field, Schema, TypeKind};
use crate::spec::model::GraphqlRoot;

/// How many selection sets deep a document goes: the root field's, and two nested ones.
pub(super) const MAX_LEVEL: usize = 3;

/// The largest selection set of one document, in bytes. GitHub's largest (`repository`) is about 51 KB.
pub(super) const DOCUMENT_BUDGET: usize = 128 * 1024;

/// How many bytes of documents one schema may produce before the rest select only `__typename`.
pub(super) const TOTAL_BUDGET: usize = 32 * 1024 * 1024;

/// A document, and how many selection levels it kept when it had to be cut (0: only `__typename`).
pub(super) struct Document {
    pub text: String,
    pub cut_to_levels: Option<usize>,
}

struct Selection {
    /// `{` ... `}`, the inner lines indented for its level.
    text: String,
    /// Whether it selects anything besides `__typename`.
    has_fields: bool,
}

#[derive(Clone)]
enum Built {
    /// A scalar or enum (or an undefined type): no selection set.
    Leaf,
    /// Over the document budget.
    TooLarge,
    Set(Rc<Selection>),
}

pub(super) struct DocumentWriter<'s> {
    schema: &'s Schema,
    /// Keyed by type, level and deepest level.
    cache: HashMap<(&'s str, usize, usize), Built>,
    document_budget: usize,
    total_budget: usize,
    written: usize,
}

impl<'s> DocumentWriter<'s> {
    pub(super) fn new(schema: &'s Schema) -> Self {
        Self::with_budgets(schema, DOCUMENT_BUDGET, TOTAL_BUDGET)
    }

    pub(super) fn with_budgets(
        schema: &'s Schema,
        document_budget: usize,
        total_budget: usize,
    ) -> Self {
        DocumentWriter {
            schema,
            cache: HashMap::new(),
            document_budget,
            total_budget,
            written: 0,
        }
    }

    /// `query OpName($a: Int!) {\n  field(a: $a) {\n    ...\n  }\n}`.
    pub(super) fn document(
        &mut self,
        root: GraphqlRoot,
        operation_name: &str,
        field: &'s Field,
    ) -> Document {
        let mut out = String::with_capacity(64);
        out.push_str(root.as_str());
        out.push(' ');
        out.push_str(operation_name);
        if !field.args.is_empty() {
            out.push('(');
            for (i, arg) in field.args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push('$');
                out.push_str(&arg.name);
                out.push_str(": ");
                arg.ty.write_graphql(&mut out);
                // A non-null variable without a default would have to be given even though the argument has one.
                if let (true, Some(default)) = (arg.ty.is_non_null(), &arg.default) {
                    out.push_str(" = ");
                    default.write_graphql(&mut out);
                }
            }
            out.push(')');
        }
        out.push_str(" {\n  ");
        out.push_str(&field.name);
        if !field.args.is_empty() {
            out.push('(');
            for (i, arg) in field.args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&arg.name);
                out.push_str(": $");
                out.push_str(&arg.name);
            }
            out.push(')');
        }
        let cut_to_levels = self.write_root_selection(field.ty.named(), &mut out);
        out.push_str("\n}");
        self.written += out.len();
        Document {
            text: out,
            cut_to_levels,
        }
    }

    /// Writes the selection set of the root field with as many levels as the budgets allow; returns how many
    /// levels it kept when that is fewer than [`MAX_LEVEL`].
    fn write_root_selection(&mut self, type_name: &'s str, out: &mut String) -> Option<usize> {
        if self.schema.kind_of(type_name).is_none_or(TypeKind::is_leaf) {
            return None;
        }
        if self.written <= self.total_budget {
            for max_level in (1..=MAX_LEVEL).rev() {
                if let Built::Set(selection) = self.selection(type_name, 1, max_level) {
                    out.push(' ');
                    out.push_str(&selection.text);
                    return (max_level < MAX_LEVEL).then_some(max_level);
                }
            }
        }
        out.push_str(" {\n    __typename\n  }");
        Some(0)
    }

    /// The selection set of a field of type `type_name` at `level` (1 for the root field).
    fn selection(&mut self, type_name: &'s str, level: usize, max_level: usize) -> Built {
        if let Some(cached) = self.cache.get(&(type_name, level, max_level)) {
            return cached.clone();
        }
        let built = self.build_selection(type_name, level, max_level);
        self.cache
            .insert((type_name, level, max_level), built.clone());
        built
    }

    fn build_selection(&mut self, type_name: &'s str, level: usize, max_level: usize) -> Built {
        let schema = self.schema;
        let kind = schema.kind_of(type_name);
        let Some(kind @ (TypeKind::Object | TypeKind::Interface | TypeKind::Union)) = kind else {
            return Built::Leaf;
        };
        let indent = "  ".repeat(level + 1);
        let mut text = String::from("{");
        let push_line = |text: &mut String, item: &str| {
            text.push('\n');
            text.push_str(&indent);
            text.push_str(item);
        };
        if kind != TypeKind::Object {
            push_line(&mut text, "__typename");
        }
        let mut has_fields = false;
        let fields = schema
            .types
            .get(type_name)
            .map_or(&[][..], |t| &t.fields[..]);
        for field in fields {
            if field.name.starts_with("__")
                || field.deprecated
                || field.args.iter().any(|a| a.is_required())
            {
                continue;
            }
            let named = field.ty.named();
            if schema.kind_of(named).is_none_or(TypeKind::is_leaf) {
                push_line(&mut text, &field.name);
                has_fields = true;
            } else if level < max_level {
                match self.selection(named, level + 1, max_level) {
                    Built::Set(sub) if sub.has_fields => {
                        push_line(&mut text, &field.name);
                        text.push(' ');
                        text.push_str(&sub.text);
                        has_fields = true;
                    }
                    Built::TooLarge => return Built::TooLarge,
                    _ => {}
                }
            }
            if text.len() > self.document_budget {
                return Built::TooLarge;
            }
        }
        if !has_fields && kind == TypeKind::Object {
            push_line(&mut text, "__typename");
        }
        text.push('\n');
        text.push_str(&"  ".repeat(level));
        text.push('}');
        Built::Set(Rc::new(Selection { text, has_fields }))
    }
}
