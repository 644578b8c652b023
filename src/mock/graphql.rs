//! GraphQL over the mock: `POST /graphql {query, variables, operationName}` answered with
//! `{"data": {FIELD: synthesized}}` for each root field the query selects, chosen by reading the query text.

use serde_json::{Map, Value, json};

use super::problem::Problem;
use super::synth::{Direction, synthesize};
use super::validate::{SchemaChecker, issues};
use crate::spec::model::{ApiModel, Operation};

/// The answer to a GraphQL request, or the problem with it.
pub(crate) struct GraphqlReply {
    pub data: Value,
    /// The operation of the first root field (for the log).
    pub op_index: usize,
}

/// Answers a GraphQL request against the operations `candidates` (those sharing the endpoint).
pub(crate) fn answer(
    model: &ApiModel,
    candidates: &[usize],
    body: &[u8],
    checker: &SchemaChecker,
) -> Result<GraphqlReply, Problem> {
    let request: Value = serde_json::from_slice(body).map_err(|e| {
        bad(
            "body",
            format!("a GraphQL request is a JSON object with a `query`: {e}"),
        )
    })?;
    let query = request
        .get("query")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            bad(
                "body.query",
                "a GraphQL request needs a `query` string".into(),
            )
        })?;
    let operation_name = request.get("operationName").and_then(Value::as_str);
    let variables = match request.get("variables") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => {
            return Err(bad(
                "body.variables",
                "`variables` must be an object".into(),
            ));
        }
    };
    let tokens = tokenize(query);
    let definitions = definitions(&tokens);
    let definition = match operation_name {
        Some(name) => definitions.iter().find(|d| d.name.as_deref() == Some(name)),
        None => definitions.first(),
    }
    .ok_or_else(|| bad("body.query", "the query holds no operation to run".into()))?;

    let mut data = Map::new();
    let mut first_op = None;
    for (key, field) in &definition.fields {
        let found = candidates.iter().copied().find(|i| {
            model.operations.get(*i).is_some_and(|op| {
                op.graphql
                    .as_ref()
                    .is_some_and(|g| &g.field == field && g.root.as_str() == definition.kind)
            })
        });
        let Some(op_index) = found else {
            let root = definition.kind[..1].to_uppercase() + &definition.kind[1..];
            let message = format!("Cannot query field \"{field}\" on type \"{root}\"");
            return Err(bad("body.query", message));
        };
        let op = &model.operations[op_index];
        check_variables(op_index, op, definition, &variables, checker)?;
        first_op.get_or_insert(op_index);
        let schema = op
            .responses
            .iter()
            .flat_map(|r| r.content.values())
            .find_map(|m| m.schema.as_ref())
            .and_then(|s| s.pointer(&format!("/properties/data/properties/{field}")));
        let value = schema.map_or(Value::Null, |s| synthesize(s, model));
        data.insert(key.clone(), value);
    }
    let op_index =
        first_op.ok_or_else(|| bad("body.query", "the query selects no field".into()))?;
    Ok(GraphqlReply {
        data: json!({ "data": data }),
        op_index,
    })
}

fn bad(field: &str, message: String) -> Problem {
    Problem::malformed(field.into(), String::new(), message)
}

/// Declared non-null variables must be given; given variables must match the field's argument schema.
fn check_variables(
    op_index: usize,
    op: &Operation,
    definition: &Definition,
    variables: &Value,
    checker: &SchemaChecker,
) -> Result<(), Problem> {
    for variable in &definition.variables {
        if variable.non_null
            && !variable.has_default
            && variables.get(&variable.name).is_none_or(Value::is_null)
        {
            return Err(Problem::malformed(
                format!("variables.{}", variable.name),
                format!("/{}", variable.name),
                format!("variable ${} of a non-null type is required", variable.name),
            ));
        }
    }
    let Some(schema) = op
        .request_body
        .as_ref()
        .and_then(|b| b.content.values().next())
        .and_then(|m| m.schema.as_ref())
    else {
        return Ok(());
    };
    // Arguments the query passes inline are not variables: only declared ones are required here.
    let mut schema = schema.clone();
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| {
            r.as_str()
                .is_some_and(|r| definition.variables.iter().any(|v| v.name == r))
        });
    }
    let key = format!("{op_index}/graphql/{}", declared_key(definition));
    let validator = checker.validator(&key, &schema, Direction::Request);
    if let Ok(validator) = validator.as_ref()
        && let Some(issue) = issues(validator, variables, 1).first()
    {
        return Err(Problem::from_issue("variables", "", issue));
    }
    Ok(())
}

fn declared_key(definition: &Definition) -> String {
    let names: Vec<&str> = definition
        .variables
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    names.join(",")
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Punct(char),
    Spread,
    /// A string or number literal.
    Literal,
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c.is_whitespace() || c == ',' || c == '\u{feff}' {
            i += 1;
        } else if c == '"' {
            let block = chars.get(i..i + 3) == Some(&['"', '"', '"'][..]);
            i += if block { 3 } else { 1 };
            while i < chars.len() {
                if block && chars.get(i..i + 3) == Some(&['"', '"', '"'][..]) {
                    i += 3;
                    break;
                }
                if !block && chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if !block && chars[i] == '"' {
                    i += 1;
                    break;
                }
                i += 1;
            }
            out.push(Token::Literal);
        } else if c == '.' && chars.get(i..i + 3) == Some(&['.', '.', '.'][..]) {
            out.push(Token::Spread);
            i += 3;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Name(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() || c == '-' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || ".-+".contains(chars[i]))
            {
                i += 1;
            }
            out.push(Token::Literal);
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

#[derive(Debug, Default)]
struct Variable {
    name: String,
    non_null: bool,
    has_default: bool,
}

/// One operation definition of a GraphQL document: its kind, name, variables and root fields
/// (response key and field name).
#[derive(Debug, Default)]
struct Definition {
    kind: &'static str,
    name: Option<String>,
    variables: Vec<Variable>,
    fields: Vec<(String, String)>,
}

fn definitions(tokens: &[Token]) -> Vec<Definition> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct('{') => {
                let fields = selection_set(tokens, &mut i);
                out.push(Definition {
                    kind: "query",
                    fields,
                    ..Definition::default()
                });
            }
            Token::Name(word) if matches!(word.as_str(), "query" | "mutation" | "subscription") => {
                let kind = match word.as_str() {
                    "query" => "query",
                    "mutation" => "mutation",
                    _ => "subscription",
                };
                let mut definition = Definition {
                    kind,
                    ..Definition::default()
                };
                i += 1;
                if let Some(Token::Name(name)) = tokens.get(i) {
                    definition.name = Some(name.clone());
                    i += 1;
                }
                if tokens.get(i) == Some(&Token::Punct('(')) {
                    definition.variables = variable_definitions(tokens, &mut i);
                }
                while i < tokens.len() && tokens[i] != Token::Punct('{') {
                    i += 1;
                }
                definition.fields = selection_set(tokens, &mut i);
                out.push(definition);
            }
            Token::Name(word) if word == "fragment" => {
                while i < tokens.len() && tokens[i] != Token::Punct('{') {
                    i += 1;
                }
                skip_balanced(tokens, &mut i, '{', '}');
            }
            _ => i += 1,
        }
    }
    out
}

/// Reads `($id: ID!, $first: Int = 20)` starting at the `(`; leaves `i` after the `)`.
fn variable_definitions(tokens: &[Token], i: &mut usize) -> Vec<Variable> {
    let start = *i;
    skip_balanced(tokens, i, '(', ')');
    let inner = tokens.get(start + 1..(*i).saturating_sub(1)).unwrap_or(&[]);
    let mut out = Vec::new();
    let mut k = 0;
    while k < inner.len() {
        let (Token::Punct('$'), Some(Token::Name(name))) = (&inner[k], inner.get(k + 1)) else {
            k += 1;
            continue;
        };
        let mut variable = Variable {
            name: name.clone(),
            ..Variable::default()
        };
        k += 2;
        let mut depth = 0usize;
        let mut last_type_token = None;
        let mut type_done = false;
        while k < inner.len() {
            match &inner[k] {
                Token::Punct('$') if depth == 0 => break,
                Token::Punct('=') if depth == 0 => {
                    variable.has_default = true;
                    type_done = true;
                }
                Token::Punct('@') if depth == 0 => type_done = true,
                Token::Punct('[' | '(') => depth += 1,
                Token::Punct(']' | ')') => depth = depth.saturating_sub(1),
                _ => {}
            }
            if !type_done {
                last_type_token = Some(&inner[k]);
            }
            k += 1;
        }
        variable.non_null = last_type_token == Some(&Token::Punct('!'));
        out.push(variable);
    }
    out
}

/// Reads a selection set starting at `{`: the root fields as (response key, field name).
fn selection_set(tokens: &[Token], i: &mut usize) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    if tokens.get(*i) != Some(&Token::Punct('{')) {
        return fields;
    }
    *i += 1;
    while *i < tokens.len() {
        match &tokens[*i] {
            Token::Punct('}') => {
                *i += 1;
                break;
            }
            Token::Name(name) => {
                *i += 1;
                let (key, field) = if tokens.get(*i) == Some(&Token::Punct(':')) {
                    *i += 1;
                    match tokens.get(*i) {
                        Some(Token::Name(field)) => {
                            *i += 1;
                            (name.clone(), field.clone())
                        }
                        _ => (name.clone(), name.clone()),
                    }
                } else {
                    (name.clone(), name.clone())
                };
                if tokens.get(*i) == Some(&Token::Punct('(')) {
                    skip_balanced(tokens, i, '(', ')');
                }
                while tokens.get(*i) == Some(&Token::Punct('@')) {
                    *i += 2;
                    if tokens.get(*i) == Some(&Token::Punct('(')) {
                        skip_balanced(tokens, i, '(', ')');
                    }
                }
                if tokens.get(*i) == Some(&Token::Punct('{')) {
                    skip_balanced(tokens, i, '{', '}');
                }
                if field != "__typename" {
                    fields.push((key, field));
                }
            }
            Token::Spread => {
                // Fragments at the root are not expanded: skip `...Name` or `... on Type @dir { ... }`.
                *i += 1;
                if matches!(tokens.get(*i), Some(Token::Name(n)) if n == "on") {
                    *i += 2;
                } else if matches!(tokens.get(*i), Some(Token::Name(_))) {
                    *i += 1;
                }
                while tokens.get(*i) == Some(&Token::Punct('@')) {
                    *i += 2;
                    if tokens.get(*i) == Some(&Token::Punct('(')) {
                        skip_balanced(tokens, i, '(', ')');
                    }
                }
                if tokens.get(*i) == Some(&Token::Punct('{')) {
                    skip_balanced(tokens, i, '{', '}');
                }
            }
            _ => *i += 1,
        }
    }
    fields
}

/// Skips from an opening bracket to just after its match.
fn skip_balanced(tokens: &[Token], i: &mut usize, open: char, close: char) {
    let mut depth = 0usize;
    while *i < tokens.len() {
        let token = &tokens[*i];
        *i += 1;
        if *token == Token::Punct(open) {
            depth += 1;
        } else if *token == Token::Punct(close) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_operations_variables_and_root_fields() {
        let doc = "# a comment\nfragment F on Pet { id }\nquery Pets($filter: PetFilter, $first: Int = 20, $id: ID!) {\n  \
                   mine: pets(filter: $filter, first: $first) { edges { cursor } }\n  pet(id: \"x\") @include(if: true) { ...F }\n}\n\
                   mutation Book($input: BookInput!) { bookAppointment(input: $input) { id } }";
        let defs = definitions(&tokenize(doc));
        assert_eq!(defs.len(), 2);
        assert_eq!(defs[0].name.as_deref(), Some("Pets"));
        assert_eq!(
            defs[0].fields,
            vec![("mine".into(), "pets".into()), ("pet".into(), "pet".into())]
        );
        let vars: Vec<(&str, bool)> = defs[0]
            .variables
            .iter()
            .map(|v| (v.name.as_str(), v.non_null))
            .collect();
        assert_eq!(
            vars,
            vec![("filter", false), ("first", false), ("id", true)]
        );
        assert_eq!(defs[1].kind, "mutation");
        assert!(defs[1].variables[0].non_null);
        let anonymous = definitions(&tokenize("{ owner(id: 1) { id } }"));
        assert_eq!(anonymous[0].fields, vec![("owner".into(), "owner".into())]);
    }
}
