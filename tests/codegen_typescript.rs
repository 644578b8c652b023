//! `mcpow generate --lang typescript`: the same input gives the same bytes; a spec of hostile names and texts
//! gives TypeScript that passes `tsc --noEmit` (strict) and its own tests; and the sample spec's connector,
//! built with tsc, passes its own `node --test` suite, lists exactly the tools of `mcpow serve` over stdio and
//! streamable HTTP, and answers every call against `mcpow mock` exactly as `mcpow serve` does.
//!
//! Dependencies (the SDK, Ajv, TypeScript, @types/node) are installed from npm once into target/clients
//! (`tests/clients/setup.sh codegen-typescript`) and linked into each generated project. Tests that need
//! Node fail in CI (`CI=true`) when node is missing and are skipped elsewhere.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mcpoverflow::codegen::{GenerateOptions, Language, generate};
use mcpoverflow::http::auth::{all_env_vars, default_prefix};
use mcpoverflow::mcp::{CallOptions, ConnectOptions, Session, StdioCommand, Target};
use mcpoverflow::mock::synth::synthesize_with;
use mcpoverflow::mock::{Direction, SynthOptions};
use mcpoverflow::spec::model::{ApiModel, BodyKind};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::tools::{ToolDefinition, ToolOptions, build_tools};
use serde_json::{Map, Value, json};

fn injection_spec() -> PathBuf {
    common::root().join("tests/fixtures/codegen/injection.yaml")
}

fn load(spec: &Path) -> ApiModel {
    let bytes = std::fs::read(spec).expect("read spec");
    load_bytes(
        &spec.display().to_string(),
        &bytes,
        Some(spec),
        &LoadOptions::default(),
    )
    .expect("load spec")
}

/// `mcpow generate SPEC --lang typescript --out DIR ARGS...`, which must succeed.
fn generate_cli(spec: &Path, out: &Path, args: &[&str]) {
    let mut command = common::mcpow();
    command
        .args([
            "generate",
            spec.to_str().unwrap(),
            "--lang",
            "typescript",
            "--out",
        ])
        .arg(out)
        .args(args);
    let output = common::run_bounded(command, None, Duration::from_secs(60));
    assert!(
        output.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                files.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// Runs a command to completion in `cwd`, asserting success and returning stdout.
fn run_ok(mut command: Command, cwd: &Path, what: &str) -> String {
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

/// Links the shared node_modules into a generated project (as `npm install` would fill it).
fn link_dependencies(shared: &Path, project: &Path) {
    std::os::unix::fs::symlink(shared.join("node_modules"), project.join("node_modules"))
        .expect("link node_modules");
}

/// `tsc ARGS...` in the project, which must pass.
fn tsc(shared: &Path, project: &Path, args: &[&str]) {
    let mut command = Command::new("node");
    command
        .arg(shared.join("node_modules/typescript/bin/tsc"))
        .args(args);
    run_ok(command, project, "tsc");
}

/// The project's own tests, with node's test runner (after `tsc`).
fn own_tests(project: &Path) -> String {
    let mut command = Command::new("node");
    command.args([
        "--test",
        "dist/test/server.test.js",
        "dist/test/tools.test.js",
    ]);
    run_ok(command, project, "the generated tests")
}

#[test]
fn generation_is_deterministic() {
    for spec in [common::sample("petstore-3.0.yaml"), injection_spec()] {
        let model = load(&spec);
        let tools = build_tools(&model, &ToolOptions::default());
        let options = GenerateOptions::default();
        let first = generate(&model, &tools, Language::Typescript, &options).unwrap();
        let second = generate(&model, &tools, Language::Typescript, &options).unwrap();
        assert_eq!(first, second, "{}", spec.display());
        let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "files are sorted by path");
        for path in [
            "package.json",
            "tsconfig.json",
            "README.md",
            "Dockerfile",
            "src/server.ts",
            "src/operations.ts",
            "test/cases.ts",
        ] {
            assert!(first.file(path).is_some(), "{path} in {paths:?}");
        }
        let package: Value =
            serde_json::from_slice(&first.file("package.json").unwrap().contents).unwrap();
        assert_eq!(
            package["dependencies"]["@modelcontextprotocol/sdk"],
            "^1.32.2"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = common::sample("petstore-3.0.yaml");
    generate_cli(&spec, &dir.path().join("a"), &[]);
    generate_cli(&spec, &dir.path().join("b"), &[]);
    assert_eq!(tree(&dir.path().join("a")), tree(&dir.path().join("b")));
    // The selection options apply, and --name names the package.
    generate_cli(
        &spec,
        &dir.path().join("c"),
        &[
            "--name",
            "clinic",
            "--include-tag",
            "owners",
            "--transport",
            "http",
        ],
    );
    let operations = std::fs::read_to_string(dir.path().join("c/src/operations.ts")).unwrap();
    assert!(
        operations.contains("name: \"getOwner\"") && !operations.contains("name: \"listPets\"")
    );
    let config = std::fs::read_to_string(dir.path().join("c/src/config.ts")).unwrap();
    assert!(config.contains("SERVER_NAME = \"clinic\"") && config.contains("= \"http\";"));
}

#[test]
fn hostile_spec_gives_typescript_that_type_checks_and_passes_its_tests() {
    let Some(shared) = common::client_toolchain("codegen-typescript") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evil");
    generate_cli(&injection_spec(), &out, &[]);
    link_dependencies(&shared, &out);
    tsc(&shared, &out, &["--noEmit", "--strict"]);
    tsc(&shared, &out, &[]);
    // Hostile paths, parameter names and enum values on the wire.
    let report = own_tests(&out);
    assert!(report.contains("# fail 0"), "{report}");
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

fn listed(tools: &[rmcp::model::Tool]) -> Vec<Value> {
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
fn comparable(result: &rmcp::model::CallToolResult) -> Value {
    let value = serde_json::to_value(result).unwrap();
    json!({
        "content": value["content"],
        "isError": value.get("isError").and_then(Value::as_bool).unwrap_or(false),
        "structuredContent": value.get("structuredContent").cloned().unwrap_or(Value::Null),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn petstore_connector_builds_passes_its_tests_and_matches_mcpow_serve() {
    let Some(shared) = common::client_toolchain("codegen-typescript") else {
        return;
    };
    let spec = common::sample("petstore-3.0.yaml");
    let model = load(&spec);
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("clinic");
    generate_cli(&spec, &project, &[]);
    link_dependencies(&shared, &project);
    tsc(&shared, &project, &[]);
    let report = own_tests(&project);
    assert!(
        report.contains("# pass ") && report.contains("# fail 0"),
        "{report}"
    );
    let main = project.join("dist/src/main.js").display().to_string();

    let mock = common::processes::start_mcpow(&["mock", spec.to_str().unwrap(), "--port", "0"]);
    let prefix = default_prefix(&model);
    let mut env: Vec<(String, String)> = all_env_vars(&model, &prefix)
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
    let generated = StdioCommand {
        command: "node".into(),
        args: vec![main.clone(), "--transport".into(), "stdio".into()],
        cwd: Some(project.clone()),
        env,
    };
    let options = ConnectOptions::default();
    let serve = Session::connect(Target::Stdio(serve), &options)
        .await
        .expect("mcpow serve");
    let generated = Session::connect(Target::Stdio(generated), &options)
        .await
        .expect("the connector");

    let expected = listed(&serve.list_tools().await.unwrap());
    let actual = listed(&generated.list_tools().await.unwrap());
    assert_eq!(expected.len(), 10);
    assert_eq!(actual, expected, "tools/list differs from mcpow serve's");

    let upload = dir.path().join("upload.txt");
    std::fs::write(&upload, b"codegen upload\n").unwrap();
    let tools = build_tools(&model, &ToolOptions::default());
    let call = CallOptions::default();
    let (mut compared, mut succeeded) = (0, 0);
    for tool in &tools.tools {
        let args = arguments(tool, &model, &upload);
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
        compared += 1;
        succeeded += usize::from(want.result.is_error != Some(true));
    }
    assert_eq!(compared, 10);
    assert!(
        succeeded >= 8,
        "only {succeeded} of 10 calls succeeded against the mock"
    );
    // Refusals agree too: a missing required argument is a tool error before any request.
    let want = serve
        .call_tool("getPet", Map::new(), &call, None)
        .await
        .unwrap();
    let got = generated
        .call_tool("getPet", Map::new(), &call, None)
        .await
        .unwrap();
    assert_eq!(got.result.is_error, Some(true));
    assert_eq!(want.result.is_error, Some(true));
    serve.close().await;
    generated.close().await;

    // Streamable HTTP, chosen by the environment variable this time: the same tools, and a call.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut http = Command::new("node");
    http.arg(&main)
        .args(["--port", &port.to_string()])
        .env("MCP_TRANSPORT", "http")
        .env(format!("{prefix}_BASE_URL"), &mock.url)
        .current_dir(&project)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
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
    let over_http = Session::connect(target, &options)
        .await
        .expect("the connector over HTTP");
    assert_eq!(listed(&over_http.list_tools().await.unwrap()), expected);
    let result = over_http
        .call_tool("listPets", Map::new(), &call, None)
        .await
        .unwrap();
    assert_ne!(result.result.is_error, Some(true), "{:?}", result.result);
    over_http.close().await;
}

/// A child process killed when the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
