//! `mcpow generate --lang python`: the same input gives the same bytes; a spec of hostile names and texts gives
//! Python that compiles and passes `ruff check`; and the sample spec's connector, installed with pip into a
//! venv, passes its own pytest suite, lists exactly the tools of `mcpow serve`, and answers every call against
//! `mcpow mock` exactly as `mcpow serve` does.
//!
//! Tests that need Python fail in CI (`CI=true`) when python3 is missing and are skipped elsewhere.

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

/// `mcpow generate SPEC --lang python --out DIR ARGS...`, which must succeed.
fn generate_cli(spec: &Path, out: &Path, args: &[&str]) {
    let mut command = common::mcpow();
    command
        .args([
            "generate",
            spec.to_str().unwrap(),
            "--lang",
            "python",
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

#[test]
fn generation_is_deterministic() {
    for spec in [common::sample("petstore-3.0.yaml"), injection_spec()] {
        let model = load(&spec);
        let tools = build_tools(&model, &ToolOptions::default());
        let options = GenerateOptions::default();
        let first = generate(&model, &tools, Language::Python, &options).unwrap();
        let second = generate(&model, &tools, Language::Python, &options).unwrap();
        assert_eq!(first, second, "{}", spec.display());
        let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "files are sorted by path");
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = common::sample("petstore-3.0.yaml");
    generate_cli(&spec, &dir.path().join("a"), &[]);
    generate_cli(&spec, &dir.path().join("b"), &[]);
    assert_eq!(tree(&dir.path().join("a")), tree(&dir.path().join("b")));
}

#[test]
fn refuses_a_non_empty_directory_and_other_languages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let spec = common::sample("petstore-3.0.yaml");
    let mut command = common::mcpow();
    command
        .args([
            "generate",
            spec.to_str().unwrap(),
            "--lang",
            "python",
            "--out",
        ])
        .arg(dir.path());
    let output = common::run_bounded(command, None, Duration::from_secs(60));
    common::assert_refused(&output, "not empty");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
    let mut command = common::mcpow();
    command
        .args([
            "generate",
            spec.to_str().unwrap(),
            "--lang",
            "cobol",
            "--out",
        ])
        .arg(dir.path().join("cobol"));
    let output = common::run_bounded(command, None, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid value 'cobol'"), "{stderr}");
    assert!(!dir.path().join("cobol").exists());
    generate_cli(
        &spec,
        dir.path(),
        &["--force", "--name", "clinic", "--include-tag", "owners"],
    );
    assert!(!dir.path().join("keep.txt").exists());
    let operations = std::fs::read_to_string(dir.path().join("src/clinic/operations.py")).unwrap();
    assert!(operations.contains("name=\"getOwner\"") && !operations.contains("name=\"listPets\""));
}

#[test]
fn hostile_spec_gives_python_that_compiles_and_passes_ruff() {
    let Some(venv) = common::client_toolchain("codegen-python") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evil");
    generate_cli(&injection_spec(), &out, &[]);
    let python_files: Vec<String> = tree(&out)
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.ends_with(".py"))
        .collect();
    assert!(python_files.len() >= 10, "{python_files:?}");
    let mut command = Command::new("python3");
    command
        .args([
            "-c",
            "import py_compile, sys\nfor f in sys.argv[1:]: py_compile.compile(f, doraise=True)",
        ])
        .args(&python_files);
    run_ok(command, &out, "py_compile");
    let mut ruff = Command::new(venv.join("bin/ruff"));
    ruff.args(["check", "--no-cache", "."]);
    run_ok(ruff, &out, "ruff check");
    // Its own tests pass too (hostile paths, parameter names and enum values on the wire).
    let mut pytest = Command::new(venv.join("bin/python"));
    pytest
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .env("PYTHONPATH", out.join("src"));
    run_ok(pytest, &out, "the generated tests");
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
async fn petstore_connector_installs_passes_its_tests_and_matches_mcpow_serve() {
    let Some(venv) = common::client_toolchain("codegen-python") else {
        return;
    };
    let spec = common::sample("petstore-3.0.yaml");
    let model = load(&spec);
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("clinic");
    generate_cli(&spec, &project, &[]);

    let mut pip = Command::new(venv.join("bin/pip"));
    pip.args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",
    ])
    .args(["--force-reinstall", "."]);
    run_ok(pip, &project, "pip install");
    let mut pytest = Command::new(venv.join("bin/python"));
    pytest.args(["-m", "pytest", "-q", "-p", "no:cacheprovider"]);
    let report = run_ok(pytest, &project, "the generated tests");
    assert!(report.contains("passed"), "{report}");
    let mut ruff = Command::new(venv.join("bin/ruff"));
    ruff.args(["check", "--no-cache", "."]);
    run_ok(ruff, &project, "ruff check");

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
        command: venv.join("bin/pet-clinic-store-mcp").display().to_string(),
        args: vec!["--transport".into(), "stdio".into()],
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

    // Streamable HTTP: the same tools.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut http = Command::new(venv.join("bin/pet-clinic-store-mcp"));
    http.args(["--transport", "http", "--port", &port.to_string()])
        .env(format!("{prefix}_BASE_URL"), &mock.url)
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
