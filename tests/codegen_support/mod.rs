//! What the `mcpow generate` tests of every language share: generating (in-process and with the binary),
//! checking that the same input gives the same bytes, and the end-to-end comparison of a generated connector
//! with `mcpow serve`, both calling `mcpow mock`. Each test file keeps its language's steps (installing or
//! building the project, running its own tests, how the connector is started).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use mcpoverflow::codegen::{GenerateOptions, Language, Project, generate};
use mcpoverflow::http::auth::{all_env_vars, default_prefix};
use mcpoverflow::mcp::{CallOptions, ConnectOptions, Session, StdioCommand, Target};
use mcpoverflow::mock::synth::synthesize_with;
use mcpoverflow::mock::{Direction, SynthOptions};
use mcpoverflow::spec::model::{ApiModel, BodyKind};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::tools::{ToolDefinition, ToolOptions, ToolSet, build_tools};
use serde_json::{Map, Value, json};

use super::common;
use super::common::processes::Running;

pub fn injection_spec() -> PathBuf {
    common::root().join("tests/fixtures/codegen/injection.yaml")
}

pub fn load(spec: &Path) -> ApiModel {
    let bytes = std::fs::read(spec).expect("read spec");
    load_bytes(
        &spec.display().to_string(),
        &bytes,
        Some(spec),
        &LoadOptions::default(),
    )
    .expect("load spec")
}

/// `mcpow generate SPEC --lang LANG --out DIR`, not yet run.
pub fn generate_command(lang: &str, spec: &Path, out: &Path) -> Command {
    let mut command = common::mcpow();
    command
        .args(["generate", spec.to_str().unwrap(), "--lang", lang, "--out"])
        .arg(out);
    command
}

/// `mcpow generate SPEC --lang LANGUAGE --out DIR ARGS...`, which must succeed.
pub fn generate_cli(language: Language, spec: &Path, out: &Path, args: &[&str]) {
    let mut command = generate_command(language.as_str(), spec, out);
    command.args(args);
    let output = common::run_bounded(command, None, Duration::from_secs(60));
    assert!(
        output.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Options that select and rename: the owners' operations only, as `clinic`, over HTTP by default.
pub const SELECTION: &[&str] = &[
    "--name",
    "clinic",
    "--include-tag",
    "owners",
    "--transport",
    "http",
];

pub use super::common::tree;

/// Runs a command to completion in `cwd`, asserting success and returning stdout.
pub fn run_ok(mut command: Command, cwd: &Path, what: &str) -> String {
    command.current_dir(cwd);
    let output = common::run_bounded(command, None, Duration::from_secs(600));
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// Generates `spec` in-process twice, which must give the same project; returns the tools and the project.
pub fn generated_twice(language: Language, spec: &Path) -> (ToolSet, Project) {
    let model = load(spec);
    let tools = build_tools(&model, &ToolOptions::default());
    let options = GenerateOptions::default();
    let first = generate(&model, &tools, language, &options).unwrap();
    let second = generate(&model, &tools, language, &options).unwrap();
    assert_eq!(first, second, "{}", spec.display());
    (tools, first)
}

/// Asserts that the project's files are sorted by path.
pub fn assert_sorted(project: &Project) {
    let paths: Vec<&str> = project.files.iter().map(|f| f.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "files are sorted by path");
}

/// `mcpow generate` of `spec` into `dir/a` and `dir/b` writes the same files.
pub fn cli_output_is_deterministic(language: Language, spec: &Path, dir: &Path) {
    generate_cli(language, spec, &dir.join("a"), &[]);
    generate_cli(language, spec, &dir.join("b"), &[]);
    assert_eq!(tree(&dir.join("a")), tree(&dir.join("b")));
}

/// Arguments for a tool (every optional one too), with a real file for each file part.
fn arguments(tool: &ToolDefinition, model: &ApiModel, file: &Path) -> Map<String, Value> {
    let options = SynthOptions {
        max_optional: 64,
        ..SynthOptions::new(Direction::Request)
    };
    let mut args = synthesize_with(&tool.input_schema, model, &options)
        .as_object()
        .cloned()
        .unwrap_or_default();
    if tool
        .body_media_type
        .as_deref()
        .is_some_and(|m| BodyKind::of(m) == BodyKind::Multipart)
    {
        let path = Value::String(file.display().to_string());
        let binary =
            |schema: &Value| schema.get("format").and_then(Value::as_str) == Some("binary");
        for (name, value) in args.iter_mut() {
            let schema = &tool.input_schema["properties"][name];
            if binary(schema) {
                *value = path.clone();
            } else if binary(&schema["items"]) {
                *value = json!([path.clone()]);
            }
        }
    }
    args
}

pub fn listed(tools: &[rmcp::model::Tool]) -> Vec<Value> {
    tools
        .iter()
        .map(|tool| {
            let value = serde_json::to_value(tool).unwrap();
            let keys = [
                "name",
                "title",
                "description",
                "inputSchema",
                "outputSchema",
                "annotations",
            ];
            Value::Object(
                keys.iter()
                    .filter_map(|k| Some((k.to_string(), value.get(*k)?.clone())))
                    .collect(),
            )
        })
        .collect()
}

/// What two servers must agree on in a result.
pub fn comparable(result: &rmcp::model::CallToolResult) -> Value {
    let value = serde_json::to_value(result).unwrap();
    json!({
        "content": value["content"],
        "isError": value.get("isError").and_then(Value::as_bool).unwrap_or(false),
        "structuredContent": value.get("structuredContent").cloned().unwrap_or(Value::Null),
    })
}

/// What [`matches_mcpow_serve`] leaves for the language's own further checks.
pub struct Compared {
    /// `mcpow mock` of the spec, running until this is dropped.
    pub mock: Running,
    /// The prefix of the connector's environment variables.
    pub prefix: String,
    /// `mcpow serve`'s tools/list, as [`listed`].
    pub expected: Vec<Value>,
    /// Calls compared, and how many of them `mcpow serve` answered without a tool error.
    pub calls: usize,
    pub succeeded: usize,
    /// The first tool with a required argument, called without arguments, as [`comparable`]: `mcpow
    /// serve`'s result and the connector's.
    pub refusals: (Value, Value),
}

/// The corpus documents every generator is checked on end to end (beside the sample spec): Stripe, Twilio's
/// api_v2010 and a Swagger 2.0 document (Docker Engine). `None` (after printing why) when the corpus is
/// absent outside CI.
pub fn corpus_specs() -> Option<Vec<PathBuf>> {
    [
        "openapi/stripe/spec3.json",
        "openapi/twilio/json/twilio_api_v2010.json",
        "openapi/docker-engine/swagger.yaml",
    ]
    .iter()
    .map(|relative| common::corpus(relative))
    .collect()
}

/// Starts `mcpow mock` for `spec`, connects `mcpow serve` and the connector (over stdio) to it, and asserts
/// they list the same tools, answer every tool's call alike, and both refuse a call missing a required
/// argument. `connector` makes the connector's command from its environment: every credential variable,
/// then `{prefix}_BASE_URL`. `scratch` is a folder for the file uploaded.
pub async fn matches_mcpow_serve(
    spec: &Path,
    model: &ApiModel,
    scratch: &Path,
    connector: impl FnOnce(Vec<(String, String)>) -> StdioCommand,
) -> Compared {
    let mock = common::processes::start_mcpow(&["mock", spec.to_str().unwrap(), "--port", "0"]);
    let prefix = default_prefix(model);
    let mut env: Vec<(String, String)> = all_env_vars(model, &prefix)
        .into_iter()
        .filter(|v| !v.name.ends_with("_CLIENT_ID") && !v.name.ends_with("_CLIENT_SECRET"))
        .map(|v| (v.name, "codegen-credential".to_string()))
        .collect();
    let serve = StdioCommand {
        command: env!("CARGO_BIN_EXE_mcpow").to_string(),
        args: vec![
            "serve".into(),
            spec.display().to_string(),
            "--base-url".into(),
            mock.url.clone(),
        ],
        cwd: None,
        env: env.clone(),
    };
    env.push((format!("{prefix}_BASE_URL"), mock.url.clone()));
    let generated = connector(env);
    let options = ConnectOptions::default();
    let serve = Session::connect(Target::Stdio(serve), &options)
        .await
        .expect("mcpow serve");
    let generated = Session::connect(Target::Stdio(generated), &options)
        .await
        .expect("the connector");

    let tools = build_tools(model, &ToolOptions::default());
    let expected = listed(&serve.list_tools().await.unwrap());
    let actual = listed(&generated.list_tools().await.unwrap());
    assert_eq!(expected.len(), tools.tools.len());
    assert_eq!(actual, expected, "tools/list differs from mcpow serve's");

    let upload = scratch.join("upload.txt");
    std::fs::write(&upload, b"codegen upload\n").unwrap();
    let call = CallOptions::default();
    let (mut calls, mut succeeded) = (0, 0);
    for tool in &tools.tools {
        let args = arguments(tool, model, &upload);
        let want = serve
            .call_tool(&tool.name, args.clone(), &call, None)
            .await
            .unwrap();
        let got = generated
            .call_tool(&tool.name, args.clone(), &call, None)
            .await
            .unwrap();
        assert_eq!(
            comparable(&got.result),
            comparable(&want.result),
            "{} with {}",
            tool.name,
            Value::Object(args)
        );
        calls += 1;
        succeeded += usize::from(want.result.is_error != Some(true));
    }
    // Refusals agree too: a missing required argument is a tool error before any request.
    let refused = tools
        .tools
        .iter()
        .find(|t| {
            t.input_schema["required"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        })
        .expect("a tool with a required argument");
    let want = serve
        .call_tool(&refused.name, Map::new(), &call, None)
        .await
        .unwrap();
    let got = generated
        .call_tool(&refused.name, Map::new(), &call, None)
        .await
        .unwrap();
    assert_eq!(got.result.is_error, Some(true), "{}", refused.name);
    assert_eq!(want.result.is_error, Some(true), "{}", refused.name);
    serve.close().await;
    generated.close().await;
    Compared {
        mock,
        prefix,
        expected,
        calls,
        succeeded,
        refusals: (comparable(&want.result), comparable(&got.result)),
    }
}

/// [`matches_mcpow_serve`] on the sample spec: ten tools, at least eight calls succeeding against the mock.
pub async fn petstore_matches_mcpow_serve(
    spec: &Path,
    model: &ApiModel,
    scratch: &Path,
    connector: impl FnOnce(Vec<(String, String)>) -> StdioCommand,
) -> Compared {
    let compared = matches_mcpow_serve(spec, model, scratch, connector).await;
    assert_eq!(compared.calls, 10);
    assert!(
        compared.succeeded >= 8,
        "only {} of 10 calls succeeded against the mock",
        compared.succeeded
    );
    compared
}

/// A free port on 127.0.0.1 for a connector to listen on.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the connector over streamable HTTP on `port` (its output discarded), waits (up to 30 s) for the
/// port to open, and connects; the session must list `expected`. The child is killed when the returned guard
/// is dropped.
pub async fn connect_over_http(
    mut http: Command,
    port: u16,
    expected: &[Value],
) -> (KillOnDrop, Session) {
    http.stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = KillOnDrop(http.spawn().expect("start the connector over HTTP"));
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        assert!(
            child.0.try_wait().unwrap().is_none(),
            "the connector exited"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let target = Target::StreamableHttp {
        url: format!("http://127.0.0.1:{port}/mcp"),
        headers: Vec::new(),
    };
    let over_http = Session::connect(target, &ConnectOptions::default())
        .await
        .expect("the connector over HTTP");
    assert_eq!(listed(&over_http.list_tools().await.unwrap()), expected);
    (child, over_http)
}

/// A child process killed when the test ends.
pub struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
