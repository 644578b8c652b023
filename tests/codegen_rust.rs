//! `mcpow generate --lang rust`: the same input gives the same bytes; the hostile spec's project builds with
//! `RUSTFLAGS=-D warnings` and passes its own `cargo test`; and the sample spec's connector builds, passes its
//! tests, lists exactly the tools of `mcpow serve` over stdio, and answers every call against `mcpow mock`
//! exactly as `mcpow serve` does.
//!
//! Generated projects compile rmcp, reqwest and tokio: they share one target directory
//! (`target/codegen-rust`) so that is paid once, start from this crate's `Cargo.lock` (the same versions),
//! and build one after the other, in one test function.

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

/// `mcpow generate SPEC --lang rust --out DIR ARGS...`, which must succeed.
fn generate_cli(spec: &Path, out: &Path, args: &[&str]) {
    let mut command = common::mcpow();
    command
        .args([
            "generate",
            spec.to_str().unwrap(),
            "--lang",
            "rust",
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

/// The target directory every generated project builds into.
fn shared_target() -> PathBuf {
    common::root().join("target/codegen-rust")
}

/// `cargo ARGS...` in the project with warnings denied, which must pass; returns stdout and stderr.
fn cargo(project: &Path, args: &[&str]) -> String {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", shared_target())
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("RUSTC_WRAPPER");
    let output = common::run_bounded(command, None, Duration::from_secs(1800));
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "cargo {args:?} failed:\n{text}");
    text
}

/// Builds the project (from this crate's lock file) and runs its own tests, which must all pass.
fn build_and_test(project: &Path) -> String {
    std::fs::copy(
        common::root().join("Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();
    let build = cargo(project, &["build"]);
    assert!(!build.contains("warning:"), "{build}");
    let report = cargo(project, &["test"]);
    assert!(
        report.contains("test result: ok") && !report.contains("FAILED"),
        "{report}"
    );
    report
}

#[test]
fn generation_is_deterministic() {
    for spec in [common::sample("petstore-3.0.yaml"), injection_spec()] {
        let model = load(&spec);
        let tools = build_tools(&model, &ToolOptions::default());
        let options = GenerateOptions::default();
        let first = generate(&model, &tools, Language::Rust, &options).unwrap();
        let second = generate(&model, &tools, Language::Rust, &options).unwrap();
        assert_eq!(first, second, "{}", spec.display());
        let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
        for path in [
            "Cargo.toml",
            "README.md",
            "Dockerfile",
            "src/main.rs",
            "src/server.rs",
            "src/config.rs",
            "src/tools.json",
            "src/operations.json",
            "tests/tools.rs",
            "tests/cases.json",
        ] {
            assert!(first.file(path).is_some(), "{path} in {paths:?}");
        }
        let manifest =
            String::from_utf8(first.file("Cargo.toml").unwrap().contents.clone()).unwrap();
        assert!(manifest.contains("version = \"=3.11.0\""), "{manifest}");
        // The tool definitions are `mcpow serve`'s list entries, as they are.
        let listed: Value =
            serde_json::from_slice(&first.file("src/tools.json").unwrap().contents).unwrap();
        let expected: Vec<Value> = tools.tools.iter().map(|t| t.list_entry()).collect();
        assert_eq!(listed, Value::Array(expected));
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = common::sample("petstore-3.0.yaml");
    generate_cli(&spec, &dir.path().join("a"), &[]);
    generate_cli(&spec, &dir.path().join("b"), &[]);
    assert_eq!(tree(&dir.path().join("a")), tree(&dir.path().join("b")));
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
    let tools = std::fs::read_to_string(dir.path().join("c/src/tools.json")).unwrap();
    assert!(tools.contains("\"getOwner\"") && !tools.contains("\"listPets\""));
    let config = std::fs::read_to_string(dir.path().join("c/src/config.rs")).unwrap();
    assert!(
        config.contains("SERVER_NAME: &str = r#\"clinic\"#;")
            && config.contains("DEFAULT_TRANSPORT: &str = r#\"http\"#;"),
        "{config}"
    );
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

/// One function, so the generated projects build one after the other into the shared target directory.
#[tokio::test(flavor = "multi_thread")]
async fn generated_projects_build_without_warnings_pass_their_tests_and_match_mcpow_serve() {
    let dir = tempfile::tempdir().unwrap();

    // Hostile names and texts: the project builds without warnings and its own tests pass.
    let evil = dir.path().join("evil");
    generate_cli(&injection_spec(), &evil, &[]);
    build_and_test(&evil);

    // The sample spec, end to end.
    let spec = common::sample("petstore-3.0.yaml");
    let model = load(&spec);
    let project = dir.path().join("clinic");
    generate_cli(&spec, &project, &["--name", "clinic-rs"]);
    let report = build_and_test(&project);
    assert!(report.contains("test list_pets ... ok"), "{report}");
    let binary = shared_target().join("debug/clinic-rs");
    assert!(binary.exists(), "{}", binary.display());

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
    env.push(("MCP_TRANSPORT".into(), "http".into()));
    let generated = StdioCommand {
        command: binary.display().to_string(),
        // The flag wins over MCP_TRANSPORT.
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
    // Refusals agree too: a missing required argument is the same tool error before any request.
    let want = serve
        .call_tool("getPet", Map::new(), &call, None)
        .await
        .unwrap();
    let got = generated
        .call_tool("getPet", Map::new(), &call, None)
        .await
        .unwrap();
    assert_eq!(got.result.is_error, Some(true));
    assert_eq!(comparable(&got.result), comparable(&want.result));
    serve.close().await;
    generated.close().await;
}
