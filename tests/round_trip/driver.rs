//! Drives the real `mcpow serve` (stdio, rmcp's client) against an HTTP target: every tool called once with
//! arguments synthesized from its inputSchema, and what arrived and what came back checked.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mcpoverflow::http::auth::{all_env_vars, default_prefix};
use mcpoverflow::mock::synth::synthesize_with;
use mcpoverflow::mock::{Direction, LoggedRequest, SchemaChecker, SynthOptions};
use mcpoverflow::spec::model::{ApiModel, BodyKind, Operation, ParamLocation};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::tools::{ArgumentTarget, ToolDefinition, ToolOptions, build_tools};
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use serde_json::{Map, Value, json};

use super::wire;

pub fn load(spec: &Path) -> Arc<ApiModel> {
    let bytes = std::fs::read(spec).expect("read spec");
    let name = spec.display().to_string();
    Arc::new(load_bytes(&name, &bytes, Some(spec), &LoadOptions::default()).expect("load spec"))
}

/// Credentials for every scheme the spec declares, as the variables `mcpow serve` reads.
pub fn credentials(model: &ApiModel) -> Vec<(String, String)> {
    all_env_vars(model, &default_prefix(model))
        .into_iter()
        .filter(|v| !v.name.ends_with("_CLIENT_ID") && !v.name.ends_with("_CLIENT_SECRET"))
        .map(|v| (v.name, "round-trip-credential".to_string()))
        .collect()
}

pub async fn connect(
    spec: &Path,
    base_url: &str,
    env: &[(String, String)],
) -> RunningService<RoleClient, ()> {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcpow"));
    command
        .arg("serve")
        .arg(spec)
        .args(["--base-url", base_url])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stderr(std::process::Stdio::null());
    let transport = TokioChildProcess::new(command).expect("spawn mcpow serve");
    ().serve(transport).await.expect("initialize")
}

/// Arguments for a tool: every optional argument too (up to 64), and a real file for each file part.
pub fn arguments(tool: &ToolDefinition, model: &ApiModel, file: &Path) -> Map<String, Value> {
    let options = SynthOptions {
        max_optional: 64,
        ..SynthOptions::new(Direction::Request)
    };
    let mut args = synthesize_with(&tool.input_schema, model, &options)
        .as_object()
        .cloned()
        .unwrap_or_default();
    let multipart = tool
        .body_media_type
        .as_deref()
        .is_some_and(|m| BodyKind::of(m) == BodyKind::Multipart);
    if multipart {
        mcpoverflow::contract::suite::put_upload(&mut args, &tool.input_schema, file);
    }
    args
}

/// What one spec's round trip found.
#[derive(Default)]
pub struct Tally {
    pub tools: usize,
    pub succeeded: usize,
    pub params: [usize; 4],
    pub bodies: usize,
    pub bodies_too_long_to_log: usize,
    pub validated: usize,
    pub without_schema: usize,
    pub redirects_followed: usize,
    pub failures: Vec<String>,
}

impl Tally {
    pub fn report(&self, name: &str) -> String {
        let [path, query, header, cookie] = self.params;
        format!(
            "{name}: {} tools, {} calls succeeded; wire checks: {path} path, {query} query, {header} header, \
             {cookie} cookie parameters, {} bodies ({} too long for the log); {} response bodies validated, \
             {} without a JSON schema; {} redirects followed; {} failures",
            self.tools,
            self.succeeded,
            self.bodies,
            self.bodies_too_long_to_log,
            self.validated,
            self.without_schema,
            self.redirects_followed,
            self.failures.len()
        )
    }
}

/// Lists the tools and checks they are the library's own definitions, then calls each once. `prepare` may
/// adjust the synthesized arguments; `after_call` gets each tool, its arguments and the tally, and returns
/// the status the API answered (`None` skips checking the result against the response schema).
pub async fn call_every_tool(
    model: &Arc<ApiModel>,
    client: &RunningService<RoleClient, ()>,
    file: &Path,
    mut prepare: impl FnMut(&ToolDefinition, &mut Map<String, Value>),
    mut after_call: impl FnMut(&ToolDefinition, &Map<String, Value>, &mut Tally) -> Option<u16>,
) -> Tally {
    let tools = build_tools(model, &ToolOptions::default()).tools;
    let listed = client.list_all_tools().await.expect("tools/list");
    assert_eq!(listed.len(), tools.len(), "tools/list size");
    for (served, ours) in listed.iter().zip(&tools) {
        assert_eq!(served.name, ours.name);
        let served = serde_json::to_value(served).unwrap();
        assert_eq!(
            served["inputSchema"], ours.input_schema,
            "{}: the served inputSchema differs from src/tools",
            ours.name
        );
    }
    let checker = SchemaChecker::new(model.clone(), true);
    let mut tally = Tally {
        tools: tools.len(),
        ..Tally::default()
    };
    let mut responses: Vec<(String, Value, Value)> = Vec::new();
    for tool in &tools {
        let mut args = arguments(tool, model, file);
        prepare(tool, &mut args);
        let params = CallToolRequestParams::new(tool.name.clone()).with_arguments(args.clone());
        let result = client.call_tool(params).await.expect("tools/call");
        let result = serde_json::to_value(&result).unwrap();
        let text = result["content"][0]["text"].as_str().unwrap_or("");
        if result["isError"] == json!(true) {
            // The request line can be long: keep the API's answer after it.
            let answer = text.split_once('\n').map_or(text, |(_, rest)| rest);
            let answer: String = answer.chars().take(600).collect();
            tally
                .failures
                .push(format!("{}: tool error: {answer}", tool.name));
            after_call(tool, &args, &mut tally);
            continue;
        }
        tally.succeeded += 1;
        let Some(status) = after_call(tool, &args, &mut tally) else {
            continue;
        };
        let op = &model.operations[tool.operation];
        let body = match result.get("structuredContent") {
            Some(structured) => Some(structured.clone()),
            None => serde_json::from_str::<Value>(text).ok(),
        };
        match (response_schema(op, status), body) {
            (Some(schema), Some(body)) => responses.push((tool.name.clone(), schema, body)),
            (Some(_), None) if status != 204 => tally.failures.push(format!(
                "{}: the {status} answer has a JSON schema but the result is not JSON: {text:.200}",
                tool.name
            )),
            _ => tally.without_schema += 1,
        }
    }
    let pairs: Vec<(&Value, &Value)> = responses.iter().map(|(_, s, b)| (s, b)).collect();
    for ((name, _, _), outcome) in responses
        .iter()
        .zip(checker.check_many(&pairs, Direction::Response))
    {
        match outcome {
            Ok(issues) if issues.is_empty() => tally.validated += 1,
            Ok(issues) => tally.failures.push(format!(
                "{name}: the result breaks the response schema: {}",
                issues
                    .iter()
                    .take(3)
                    .map(|i| format!("{} {}", i.pointer, i.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Err(e) => tally.failures.push(format!("{name}: response schema: {e}")),
        }
    }
    tally
}

/// The JSON schema of the response `op` declares for `status` (exact, then `2XX`, then `default`).
fn response_schema(op: &Operation, status: u16) -> Option<Value> {
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    let response = op
        .responses
        .iter()
        .find(|r| r.status == exact)
        .or_else(|| {
            op.responses
                .iter()
                .find(|r| r.status.eq_ignore_ascii_case(&range))
        })
        .or_else(|| op.responses.iter().find(|r| r.status == "default"))?;
    response
        .content
        .iter()
        .find(|(media_type, _)| BodyKind::of(media_type) == BodyKind::Json)
        .and_then(|(_, media)| media.schema.clone())
}

/// Checks one logged request against the arguments of the call that made it.
pub fn check_wire(
    model: &ApiModel,
    tool: &ToolDefinition,
    args: &Map<String, Value>,
    logged: &LoggedRequest,
    tally: &mut Tally,
) {
    let op = &model.operations[tool.operation];
    let mut problems = Vec::new();
    let mut segments = Vec::new();
    let query = wire::query_pairs(logged.query.as_deref().unwrap_or(""));
    let header = |name: &str| {
        logged
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    let cookies = wire::cookie_pairs(&header("cookie").join("; "));
    let mut body_fields = Map::new();
    let mut whole_body = None;
    for binding in &tool.bindings {
        let Some(value) = args.get(&binding.argument) else {
            continue;
        };
        let (location, name) = match &binding.target {
            ArgumentTarget::Path(n) => (ParamLocation::Path, n),
            ArgumentTarget::Query(n) => (ParamLocation::Query, n),
            ArgumentTarget::Header(n) => (ParamLocation::Header, n),
            ArgumentTarget::Cookie(n) => (ParamLocation::Cookie, n),
            ArgumentTarget::BodyProperty(n) => {
                body_fields.insert(n.clone(), value.clone());
                continue;
            }
            ArgumentTarget::Body => {
                whole_body = Some(value.clone());
                continue;
            }
        };
        let Some(param) = wire::find(&op.parameters, location, name) else {
            problems.push(format!("{name}: no such parameter in the spec"));
            continue;
        };
        match location {
            ParamLocation::Path => {
                tally.params[0] += 1;
                segments.push((name.clone(), wire::segment(param, value)));
            }
            ParamLocation::Query => {
                tally.params[1] += 1;
                let expected = wire::pairs(param, value);
                if !wire::contains_run(&query, &expected) {
                    problems.push(format!(
                        "query `{name}` ({:?}, explode {}): expected {expected:?} in {:?}",
                        param.style, param.explode, logged.query
                    ));
                }
            }
            ParamLocation::Header => {
                tally.params[2] += 1;
                let expected = wire::segment(param, value);
                let seen = header(name);
                if seen.iter().map(|v| wire::decode(v)).all(|v| v != expected) {
                    problems.push(format!(
                        "header `{name}`: expected {expected:?}, saw {seen:?}"
                    ));
                }
            }
            ParamLocation::Cookie => {
                tally.params[3] += 1;
                let expected = wire::pairs(param, value);
                if !wire::contains_run(&cookies, &expected) {
                    problems.push(format!(
                        "cookie `{name}`: expected {expected:?} in {cookies:?}"
                    ));
                }
            }
        }
    }
    let expected_path = wire::decode(&wire::expected_path(&op.path, &segments));
    if !wire::decode(&logged.path).ends_with(&expected_path) {
        problems.push(format!(
            "path: expected …{expected_path}, saw {}",
            logged.path
        ));
    }
    let sent =
        whole_body.or_else(|| (!body_fields.is_empty()).then_some(Value::Object(body_fields)));
    let expected_body = match (&op.graphql, sent) {
        (Some(graphql), sent) => Some((
            BodyKind::Json,
            json!({"query": graphql.document, "variables": sent.unwrap_or_else(|| json!({}))}),
        )),
        (None, Some(sent)) => Some((
            BodyKind::of(
                tool.body_media_type
                    .as_deref()
                    .unwrap_or("application/json"),
            ),
            sent,
        )),
        (None, None) => None,
    };
    if let Some((kind, expected)) = expected_body {
        check_body(kind, &expected, logged, tally, &mut problems);
    }
    if !problems.is_empty() {
        tally
            .failures
            .push(format!("{}: {}", tool.name, problems.join("; ")));
    }
}

fn check_body(
    kind: BodyKind,
    expected: &Value,
    logged: &LoggedRequest,
    tally: &mut Tally,
    problems: &mut Vec<String>,
) {
    let Some(body) = logged.body.as_deref() else {
        problems.push("body: nothing arrived".into());
        return;
    };
    if body.starts_with('<') && body.ends_with(" bytes>") {
        tally.bodies_too_long_to_log += 1;
        return;
    }
    tally.bodies += 1;
    match kind {
        BodyKind::Json => match serde_json::from_str::<Value>(body) {
            Ok(seen) if &seen == expected => {}
            Ok(seen) => problems.push(format!("body: expected {expected}, saw {seen}")),
            Err(e) => problems.push(format!("body: not JSON ({e}): {body:.200}")),
        },
        BodyKind::FormUrlencoded => {
            let seen = wire::query_pairs(&body.replace('+', "%20"));
            for (name, value) in expected.as_object().into_iter().flatten() {
                if value.is_object() || value.is_array() || value.is_null() {
                    continue;
                }
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), String::from);
                if !seen.contains(&(name.clone(), text.clone())) {
                    problems.push(format!(
                        "form field `{name}`: expected {text:?} in {seen:?}"
                    ));
                }
            }
        }
        BodyKind::Multipart => {
            for (name, value) in expected.as_object().into_iter().flatten() {
                if !value.is_null() && !body.contains(&format!("name=\"{name}\"")) {
                    problems.push(format!("multipart part `{name}` is missing"));
                }
            }
        }
        _ => {}
    }
}

/// A small file for multipart file parts.
pub fn upload_file(dir: &Path) -> PathBuf {
    let path = dir.join("upload.txt");
    std::fs::write(&path, b"round trip upload\n").unwrap();
    path
}
