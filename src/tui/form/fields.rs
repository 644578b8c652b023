//! The form's model: a [`Spec`] per property (what the field is and its rules, shared by every array item
//! made from it; built in `schema`) and a [`Field`] per value being edited.

use std::sync::Arc;

use serde_json::Value;

use super::edit::LineInput;

/// What a field is, from its schema.
pub struct Spec {
    /// The property name; empty for an array item.
    pub name: String,
    pub required: bool,
    pub description: Option<String>,
    /// The type and format, dim after the value (`integer·int32 1..10`).
    pub hint: String,
    /// Shown with the description of the selected field (`default 10`, `pattern ^a`).
    pub notes: Vec<String>,
    pub shape: Shape,
}

pub enum Shape {
    Text(Box<TextRules>),
    Toggle,
    Choice(Vec<Value>),
    Group(Vec<Arc<Spec>>),
    List {
        item: Arc<Spec>,
        rules: ListRules,
    },
    /// JSON text: whatever the form cannot show as fields.
    Raw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    String,
    Number,
    Integer,
}

pub struct TextRules {
    pub kind: TextKind,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub multiple_of: Option<f64>,
    /// The pattern and its compiled check (absent when it does not compile).
    pub pattern: Option<(String, jsonschema::Validator)>,
    pub format: Option<String>,
    /// A check of `format` for strings (unknown formats pass).
    pub format_check: Option<jsonschema::Validator>,
}

#[derive(Default)]
pub struct ListRules {
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique: bool,
}

/// One value being edited.
pub struct Field {
    pub spec: Arc<Spec>,
    pub input: Input,
}

pub enum Input {
    Line(LineInput),
    Toggle(Option<bool>),
    Choice(Option<usize>),
    Group(Vec<Field>),
    List(Vec<Field>),
    /// Raw JSON text: the spec's shape is `Raw`, or a value put back by `fill` did not fit the field.
    Raw(LineInput),
}

impl Field {
    /// An empty field (a required boolean starts at its default, or false).
    pub fn new(spec: Arc<Spec>) -> Field {
        let input = match &spec.shape {
            Shape::Text(_) => Input::Line(LineInput::default()),
            Shape::Toggle => Input::Toggle(spec.required.then_some(false)),
            Shape::Choice(_) => Input::Choice(None),
            Shape::Group(children) => {
                Input::Group(children.iter().cloned().map(Field::new).collect())
            }
            Shape::List { .. } => Input::List(Vec::new()),
            Shape::Raw => Input::Raw(LineInput::default()),
        };
        Field { spec, input }
    }

    /// A field for a key that the schema does not name (kept so that nothing put back is lost).
    pub fn extra(name: &str, text: String) -> Field {
        let spec = Arc::new(Spec {
            name: name.to_string(),
            required: false,
            description: Some("not in the tool's schema".into()),
            hint: "JSON".into(),
            notes: Vec::new(),
            shape: Shape::Raw,
        });
        Field {
            spec,
            input: Input::Raw(LineInput::new(text)),
        }
    }

    pub fn children(&self) -> Option<&Vec<Field>> {
        match &self.input {
            Input::Group(fields) | Input::List(fields) => Some(fields),
            _ => None,
        }
    }

    pub fn children_mut(&mut self) -> Option<&mut Vec<Field>> {
        match &mut self.input {
            Input::Group(fields) | Input::List(fields) => Some(fields),
            _ => None,
        }
    }
}
