//! Which calls a suite makes: `smoke` one valid call per tool; `full` also the spec's examples, boundary
//! values and calls that must fail. Arguments come from the mock's deterministic synthesis, so a run is
//! repeatable.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::report::CaseKind;
use crate::mock::synth::{SynthOptions, synthesize_with};
use crate::mock::{Direction, sample::parameter_value};
use crate::spec::model::{ApiModel, HttpMethod, Operation, ParamLocation};
use crate::tools::{ArgumentTarget, ToolDefinition};

/// The longest string a `maxLength` boundary call sends.
const MAX_BOUNDARY_STRING: u64 = 4096;
/// A value no enum of a real API holds.
const OUT_OF_ENUM: &str = "mcpow-not-in-enum";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Suite {
    /// One valid call per tool (read-only tools unless writes are allowed).
    #[default]
    Smoke,
    /// Valid calls from schemas and examples, boundary values, and invalid calls that must fail.
    Full,
}

impl Suite {
    pub fn as_str(self) -> &'static str {
        match self {
            Suite::Smoke => "smoke",
            Suite::Full => "full",
        }
    }
}

/// A tool as the server listed it, with its operation in the spec when there is one.
#[derive(Debug, Clone)]
pub struct ToolUnderTest {
    pub name: String,
    pub input_schema: Value,
    pub output_schema: Option<Value>,
    /// The `readOnlyHint` annotation.
    pub read_only_hint: Option<bool>,
    /// The spec's tool definition of the same name (its operation and argument bindings).
    pub definition: Option<ToolDefinition>,
}

impl ToolUnderTest {
    /// From a `tools/list` entry.
    pub fn from_listed(entry: &Value, definitions: &[ToolDefinition]) -> Option<ToolUnderTest> {
        let name = entry.get("name")?.as_str()?.to_string();
        Some(ToolUnderTest {
            input_schema: entry
                .get("inputSchema")
                .cloned()
                .unwrap_or_else(|| json!({"type": "object"})),
            output_schema: entry.get("outputSchema").filter(|s| s.is_object()).cloned(),
            read_only_hint: entry
                .pointer("/annotations/readOnlyHint")
                .and_then(Value::as_bool),
            definition: definitions.iter().find(|d| d.name == name).cloned(),
            name,
        })
    }

    /// Whether calling it changes nothing: the operation's method when the spec has it, else the annotation.
    pub fn is_read_only(&self, model: Option<&ApiModel>) -> bool {
        match (model, &self.definition) {
            (Some(model), Some(definition)) => model
                .operations
                .get(definition.operation)
                .is_some_and(|op| {
                    matches!(
                        op.method,
                        HttpMethod::Get | HttpMethod::Head | HttpMethod::Options
                    )
                }),
            _ => self.read_only_hint == Some(true),
        }
    }
}

/// One call to make.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCase {
    pub tool: String,
    pub name: String,
    pub kind: CaseKind,
    pub arguments: Map<String, Value>,
    pub expect_error: bool,
}

/// The calls of `suite` for one tool. `model` resolves named schemas (an empty model when there is no spec);
/// `upload` is a file given to binary arguments.
pub fn plan_tool(
    suite: Suite,
    tool: &ToolUnderTest,
    model: &ApiModel,
    upload: &Path,
) -> Vec<PlannedCase> {
    let base = valid_arguments(tool, model, upload);
    let case = |name: String, kind: CaseKind, arguments: Map<String, Value>| PlannedCase {
        tool: tool.name.clone(),
        name,
        kind,
        arguments,
        expect_error: kind == CaseKind::Negative,
    };
    let mut cases = vec![case("valid".into(), CaseKind::Valid, base.clone())];
    if suite == Suite::Smoke {
        return cases;
    }
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&tool.input_schema)
        .ok();
    let fits = |args: &Map<String, Value>| {
        validator
            .as_ref()
            .is_some_and(|v| v.is_valid(&Value::Object(args.clone())))
    };
    if let Some(examples) = example_arguments(tool, model, &base)
        && fits(&examples)
    {
        cases.push(case("examples".into(), CaseKind::Valid, examples));
    }
    for (label, arguments) in boundary_arguments(tool, &base) {
        let seen = cases.iter().any(|c| c.arguments == arguments);
        if !seen && fits(&arguments) {
            cases.push(case(
                format!("boundary: {label}"),
                CaseKind::Boundary,
                arguments,
            ));
        }
    }
    // Invalid calls only when the schema surely refuses them (and so must the server).
    for (label, arguments) in negative_arguments(tool, &base) {
        if validator.is_some() && !fits(&arguments) {
            cases.push(case(
                format!("negative: {label}"),
                CaseKind::Negative,
                arguments,
            ));
        }
    }
    cases
}

/// The arguments of a valid call, synthesized from the inputSchema: every required one, and an optional one
/// only where the schema says what to send (an example, a default, a const or an enum) — a made-up value for
/// a free-form optional argument (a paging token, a sort key, a filter) tests the synthesizer, not the API.
/// Binary arguments get a path to `upload`.
pub fn valid_arguments(
    tool: &ToolUnderTest,
    model: &ApiModel,
    upload: &Path,
) -> Map<String, Value> {
    let options = SynthOptions::new(Direction::Request);
    let mut args = synthesize_with(&tool.input_schema, model, &options)
        .as_object()
        .cloned()
        .unwrap_or_default();
    let required: Vec<&str> = tool
        .input_schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    args.retain(|name, value| {
        if required.contains(&name.as_str()) {
            return true;
        }
        let schema = &tool.input_schema["properties"][name];
        let given = schema
            .get("examples")
            .and_then(|e| e.as_array()?.first())
            .or_else(|| schema.get("example"))
            .or_else(|| schema.get("default"))
            .or_else(|| schema.get("const"));
        match given {
            Some(given) => {
                *value = given.clone();
                true
            }
            None => schema.get("enum").is_some(),
        }
    });
    put_upload(&mut args, &tool.input_schema, upload);
    args
}

/// Puts the path of `upload` in every binary argument of `input_schema` (a file part takes a local path),
/// and a one-path list in every array of binaries.
pub fn put_upload(args: &mut Map<String, Value>, input_schema: &Value, upload: &Path) {
    let path = Value::String(upload.display().to_string());
    for (name, value) in args.iter_mut() {
        let schema = &input_schema["properties"][name];
        if is_binary(schema) {
            *value = path.clone();
        } else if is_binary(&schema["items"]) {
            *value = json!([path.clone()]);
        }
    }
}

fn is_binary(schema: &Value) -> bool {
    matches!(
        schema.get("format").and_then(Value::as_str),
        Some("binary") | Some("base64")
    ) || schema.get("contentMediaType").is_some()
}

/// The valid arguments with the spec's examples put in (parameter examples, the body's example, and the
/// inputSchema's own `examples`/`default`); `None` when there are none.
fn example_arguments(
    tool: &ToolUnderTest,
    model: &ApiModel,
    base: &Map<String, Value>,
) -> Option<Map<String, Value>> {
    let mut args = base.clone();
    let mut changed = false;
    let op: Option<&Operation> = tool
        .definition
        .as_ref()
        .and_then(|d| model.operations.get(d.operation));
    let properties = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object);
    for (name, schema) in properties.into_iter().flatten() {
        let from_schema = schema
            .get("examples")
            .and_then(|e| e.as_array()?.first().cloned())
            .or_else(|| schema.get("example").cloned())
            .or_else(|| schema.get("default").cloned());
        if let Some(value) = from_schema
            && args.get(name) != Some(&value)
        {
            args.insert(name.clone(), value);
            changed = true;
        }
    }
    if let (Some(definition), Some(op)) = (&tool.definition, op) {
        let body_example = op.request_body.as_ref().and_then(|body| {
            body.content.values().find_map(|media| {
                media
                    .example
                    .clone()
                    .or_else(|| media.examples.values().next().cloned())
            })
        });
        for binding in &definition.bindings {
            let example = match &binding.target {
                ArgumentTarget::Path(name) => param_example(model, op, ParamLocation::Path, name),
                ArgumentTarget::Query(name) => param_example(model, op, ParamLocation::Query, name),
                ArgumentTarget::Header(name) => {
                    param_example(model, op, ParamLocation::Header, name)
                }
                ArgumentTarget::Cookie(name) => {
                    param_example(model, op, ParamLocation::Cookie, name)
                }
                ArgumentTarget::BodyProperty(name) => body_example
                    .as_ref()
                    .and_then(|body| body.get(name))
                    .cloned(),
                ArgumentTarget::Body => body_example.clone(),
            };
            if let Some(value) = example
                && args.get(&binding.argument) != Some(&value)
            {
                args.insert(binding.argument.clone(), value);
                changed = true;
            }
        }
    }
    changed.then_some(args)
}

fn param_example(
    model: &ApiModel,
    op: &Operation,
    location: ParamLocation,
    name: &str,
) -> Option<Value> {
    let param = op
        .parameters
        .iter()
        .find(|p| p.location == location && p.name == name)?;
    if param.example.is_none() && param.examples.is_empty() {
        return None;
    }
    // The example when it fits the schema, else nothing (a synthesized value is no example).
    let value = parameter_value(model, param);
    let declared = param
        .example
        .as_ref()
        .or_else(|| param.examples.values().next());
    (declared == Some(&value)).then_some(value)
}

/// The type a property declares (the first non-null one of a list).
fn declared_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t.as_str()),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

/// One call per bound of each top-level argument: numbers at their minimum and maximum, strings (without a
/// pattern or format) at their length bounds, enums at their first and last value.
fn boundary_arguments(
    tool: &ToolUnderTest,
    base: &Map<String, Value>,
) -> Vec<(String, Map<String, Value>)> {
    let mut out = Vec::new();
    let properties = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object);
    for (name, schema) in properties.into_iter().flatten() {
        let mut with = |label: String, value: Value| {
            let mut args = base.clone();
            args.insert(name.clone(), value);
            out.push((format!("{name} = {label}"), args));
        };
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && values.len() > 1
        {
            if let Some(first) = values.first() {
                with(format!("first enum value ({first})"), first.clone());
            }
            if let Some(last) = values.last() {
                with(format!("last enum value ({last})"), last.clone());
            }
            continue;
        }
        match declared_type(schema) {
            Some(kind @ ("integer" | "number")) if schema.get("multipleOf").is_none() => {
                let integer = kind == "integer";
                let bound = |key: &str, exclusive: &str, step: i64| -> Option<Value> {
                    if let Some(value) = schema.get(key).and_then(Value::as_f64) {
                        return number(value, integer);
                    }
                    let value = schema.get(exclusive).and_then(Value::as_f64)?;
                    integer.then(|| number(value + step as f64, true)).flatten()
                };
                if let Some(value) = bound("minimum", "exclusiveMinimum", 1) {
                    with(format!("minimum ({value})"), value);
                }
                if let Some(value) = bound("maximum", "exclusiveMaximum", -1) {
                    with(format!("maximum ({value})"), value);
                }
            }
            Some("string") if schema.get("pattern").is_none() && schema.get("format").is_none() => {
                let length = |key: &str| schema.get(key).and_then(Value::as_u64);
                if let Some(min) = length("minLength").filter(|m| *m >= 1) {
                    with(
                        format!("minLength ({min})"),
                        Value::String("a".repeat(min as usize)),
                    );
                }
                if let Some(max) =
                    length("maxLength").filter(|m| (1..=MAX_BOUNDARY_STRING).contains(m))
                {
                    with(
                        format!("maxLength ({max})"),
                        Value::String("z".repeat(max as usize)),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

fn number(value: f64, integer: bool) -> Option<Value> {
    if integer {
        (value.fract() == 0.0 && value.abs() < 9.0e15).then(|| json!(value as i64))
    } else {
        serde_json::Number::from_f64(value).map(Value::Number)
    }
}

/// The calls that must fail: the first required argument left out, the first typed argument with a value of
/// another type, and the first enum argument with a value outside it.
fn negative_arguments(
    tool: &ToolUnderTest,
    base: &Map<String, Value>,
) -> Vec<(String, Map<String, Value>)> {
    let mut out = Vec::new();
    let required: Vec<&str> = tool
        .input_schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(first) = required.first() {
        let mut args = base.clone();
        args.remove(*first);
        out.push((format!("missing required `{first}`"), args));
    }
    let properties: Vec<(&String, &Value)> = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    // Required arguments first: a server may ignore an optional one it cannot use.
    let ordered = properties
        .iter()
        .filter(|(name, _)| required.contains(&name.as_str()))
        .chain(
            properties
                .iter()
                .filter(|(name, _)| !required.contains(&name.as_str())),
        );
    let mut typed = None;
    let mut enumerated = None;
    for (name, schema) in ordered {
        if typed.is_none()
            && let Some(kind) = declared_type(schema)
        {
            typed = Some((name.as_str(), kind));
        }
        if enumerated.is_none() && schema.get("enum").and_then(Value::as_array).is_some() {
            enumerated = Some(name.as_str());
        }
    }
    if let Some((name, kind)) = typed {
        let wrong = match kind {
            "string" => json!(12345),
            "integer" | "number" => json!("not-a-number"),
            "boolean" => json!("not-a-boolean"),
            "array" => json!("not-an-array"),
            _ => json!(["not", "an", "object"]),
        };
        let mut args = base.clone();
        args.insert(name.to_string(), wrong.clone());
        out.push((
            format!("`{name}` of the wrong type ({wrong}, not {kind})"),
            args,
        ));
    }
    if let Some(name) = enumerated {
        let mut args = base.clone();
        args.insert(name.to_string(), json!(OUT_OF_ENUM));
        out.push((format!("`{name}` outside its enum"), args));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::SpecFormat;

    fn tool(schema: Value) -> ToolUnderTest {
        ToolUnderTest {
            name: "t".into(),
            input_schema: schema,
            output_schema: None,
            read_only_hint: Some(true),
            definition: None,
        }
    }

    #[test]
    fn full_suite_has_boundaries_and_negatives_that_the_schema_decides() {
        let schema = json!({
            "type": "object",
            "properties": {
                "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                "kind": {"type": "string", "enum": ["dog", "cat", "bird"]},
                "name": {"type": "string", "minLength": 2, "maxLength": 5},
                "free": {}
            },
            "required": ["limit"]
        });
        let model = ApiModel::new(SpecFormat::Openapi, "3.1.0", "t");
        let cases = plan_tool(
            Suite::Full,
            &tool(schema.clone()),
            &model,
            Path::new("/tmp/x"),
        );
        let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        for expected in [
            "valid",
            "boundary: limit = maximum (100)",
            "boundary: kind = last enum value (\"bird\")",
            "boundary: name = minLength (2)",
            "boundary: name = maxLength (5)",
            "negative: missing required `limit`",
            "negative: `limit` of the wrong type (\"not-a-number\", not integer)",
            "negative: `kind` outside its enum",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        // The synthesized value is already the minimum: no second call with the same arguments.
        assert_eq!(cases[0].arguments["limit"], json!(1));
        assert!(!names.contains(&"boundary: limit = minimum (1)"));
        let negatives = cases.iter().filter(|c| c.expect_error).count();
        assert_eq!(negatives, 3);
        let smoke = plan_tool(Suite::Smoke, &tool(schema), &model, Path::new("/tmp/x"));
        assert_eq!(smoke.len(), 1);
        assert!(smoke[0].arguments.contains_key("limit"));
        // An argument that accepts anything yields no wrong-type call.
        let open = plan_tool(
            Suite::Full,
            &tool(json!({"type": "object", "properties": {"x": {}}})),
            &model,
            Path::new("/tmp/x"),
        );
        assert!(open.iter().all(|c| !c.expect_error), "{open:?}");
    }

    #[test]
    fn a_valid_call_sends_required_arguments_and_optional_ones_the_schema_gives() {
        let schema = json!({
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "_token": {"type": "string"},
                "_sort": {"type": "string", "example": "-last_modified"},
                "limit": {"type": "integer", "default": 25},
                "state": {"type": "string", "enum": ["open", "closed"]}
            },
            "required": ["id"]
        });
        let model = ApiModel::new(SpecFormat::Openapi, "3.1.0", "t");
        let args = valid_arguments(&tool(schema), &model, Path::new("/tmp/x"));
        let mut names: Vec<&str> = args.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["_sort", "id", "limit", "state"]);
        assert_eq!(args["_sort"], "-last_modified");
        assert_eq!(args["limit"], 25);
    }
}
