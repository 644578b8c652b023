//! `mcpow generate --lang rust`: the same input gives the same bytes; the hostile spec's project builds with
//! `RUSTFLAGS=-D warnings` and passes its own `cargo test`; and the connectors of the sample spec and of three
//! corpus documents (Stripe, Twilio's api_v2010, Docker Engine's Swagger 2.0) build without warnings, pass
//! their own tests, list exactly the tools of `mcpow serve` over stdio and over streamable HTTP, and answer
//! every call against `mcpow mock` exactly as `mcpow serve` does. Each spec's figures (tools, calls,
//! successes, seconds per step) are printed.
//!
//! Generated projects compile rmcp, reqwest and tokio: they share one target directory
//! (`target/codegen-rust`) so that is paid once, start from this crate's `Cargo.lock` (the same versions),
//! and build one after the other, in one test function.

#[path = "codegen_support/mod.rs"]
mod codegen_support;
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen_support::{
    SELECTION, cli_output_is_deterministic, comparable, connect_over_http, corpus_specs, free_port,
    generate_cli, generated_twice, injection_spec, load, matches_mcpow_serve,
};
use mcpoverflow::codegen::Language;
use mcpoverflow::mcp::{CallOptions, ConnectOptions, Session, StdioCommand, Target};
use serde_json::{Map, Value};

const LANGUAGE: Language = Language::Rust;

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

/// Builds the project (from this crate's lock file), which must give no warning.
fn build(project: &Path) {
    std::fs::copy(
        common::root().join("Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();
    let build = cargo(project, &["build"]);
    assert!(!build.contains("warning:"), "{build}");
}

/// Runs the project's own tests, which must all pass; returns the report.
fn test(project: &Path) -> String {
    let report = cargo(project, &["test"]);
    assert!(
        report.contains("test result: ok") && !report.contains("FAILED"),
        "{report}"
    );
    report
}

/// Builds the project and runs its own tests.
fn build_and_test(project: &Path) -> String {
    build(project);
    test(project)
}

#[test]
fn generation_is_deterministic() {
    for spec in [common::sample("petstore-3.0.yaml"), injection_spec()] {
        let (tools, first) = generated_twice(LANGUAGE, &spec);
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
        // Byte for byte what serializing the list entries gives (so their key order too).
        let entries: Vec<_> = tools.tools.iter().map(|t| t.list_entry_ref()).collect();
        assert_eq!(
            std::str::from_utf8(&first.file("src/tools.json").unwrap().contents).unwrap(),
            format!("{}\n", serde_json::to_string_pretty(&entries).unwrap())
        );
        // The data files are written in pieces, in serde_json's own pretty layout.
        for path in ["src/tools.json", "src/operations.json", "tests/cases.json"] {
            let text = std::str::from_utf8(&first.file(path).unwrap().contents).unwrap();
            let value: Value = serde_json::from_str(text).unwrap();
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(text, format!("{pretty}\n"), "{path}");
        }
        // A file part whose declared content type is not a media type fails the call, as in `mcpow serve`:
        // the injection spec's upload is such a case, and its test expects that error.
        let cases: Value =
            serde_json::from_slice(&first.file("tests/cases.json").unwrap().contents).unwrap();
        let refused: Vec<&Value> = cases["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| !c["expect_error"].is_null())
            .collect();
        let expected = usize::from(spec == injection_spec());
        assert_eq!(refused.len(), expected, "{refused:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = common::sample("petstore-3.0.yaml");
    cli_output_is_deterministic(LANGUAGE, &spec, dir.path());
    generate_cli(LANGUAGE, &spec, &dir.path().join("c"), SELECTION);
    let tools = std::fs::read_to_string(dir.path().join("c/src/tools.json")).unwrap();
    assert!(tools.contains("\"getOwner\"") && !tools.contains("\"listPets\""));
    let config = std::fs::read_to_string(dir.path().join("c/src/config.rs")).unwrap();
    assert!(
        config.contains("SERVER_NAME: &str = r#\"clinic\"#;")
            && config.contains("DEFAULT_TRANSPORT: &str = r#\"http\"#;"),
        "{config}"
    );
}

/// Seconds since `start`, for the figures printed.
fn seconds(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// What one spec's check measured.
struct Figures {
    spec: String,
    tools: usize,
    calls: usize,
    succeeded: usize,
    /// (step, seconds).
    steps: Vec<(&'static str, f64)>,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rust connector for {}: {} tools, {} calls compared with mcpow serve, {} succeeded against the mock;",
            self.spec, self.tools, self.calls, self.succeeded
        )?;
        for (step, seconds) in &self.steps {
            let close = if step.starts_with('(') { ")" } else { "" };
            write!(f, " {step} {seconds:.1} s{close}")?;
        }
        Ok(())
    }
}

/// The connector of `spec`, generated into `project` (which must not exist) with `args`, built, its own tests
/// run; then compared with `mcpow serve` over stdio (every tool called against `mcpow mock`, see
/// [`matches_mcpow_serve`]) and over streamable HTTP: the same tools listed, the same refusal, and a call
/// that needs no arguments answered as `mcpow serve` answers it.
async fn check_connector(
    spec: &Path,
    project: &Path,
    package: &str,
    args: &[&str],
) -> (Figures, String) {
    let mut steps = Vec::new();
    let started = Instant::now();
    let model = load(spec);
    let mut generate_args = vec!["--name", package];
    generate_args.extend_from_slice(args);
    generate_cli(LANGUAGE, spec, project, &generate_args);
    steps.push(("generate", seconds(started)));

    let started = Instant::now();
    build(project);
    steps.push(("build", seconds(started)));
    let started = Instant::now();
    let report = test(project);
    steps.push(("own tests", seconds(started)));
    // Of which running them (the rest is compiling them).
    let running: f64 = report
        .lines()
        .filter_map(|line| line.split("finished in ").nth(1)?.strip_suffix('s'))
        .filter_map(|number| number.trim().parse::<f64>().ok())
        .sum();
    steps.push(("(running them", running));
    let binary = shared_target().join("debug").join(package);
    assert!(binary.exists(), "{}", binary.display());

    // Over stdio, every tool against the mock.
    let started = Instant::now();
    let mut environment = Vec::new();
    let scratch = project.parent().unwrap();
    let compared = matches_mcpow_serve(spec, &model, scratch, |mut env| {
        environment = env.clone();
        env.push(("MCP_TRANSPORT".into(), "http".into()));
        StdioCommand {
            command: binary.display().to_string(),
            // The flag wins over MCP_TRANSPORT.
            args: vec!["--transport".into(), "stdio".into()],
            cwd: Some(project.to_path_buf()),
            env,
        }
    })
    .await;
    // The refusal is the same tool error, not only an error.
    let (want, got) = &compared.refusals;
    assert_eq!(got, want);
    steps.push(("stdio", seconds(started)));

    // Over streamable HTTP (the variable says stdio; the flag wins).
    let started = Instant::now();
    let port = free_port();
    let mut http = Command::new(&binary);
    http.args(["--transport", "http", "--port", &port.to_string()])
        .current_dir(project)
        .env("MCP_TRANSPORT", "stdio")
        .envs(environment.iter().cloned());
    let (_child, over_http) = connect_over_http(http, port, &compared.expected).await;
    let call = CallOptions::default();
    let refused = over_http
        .call_tool(&refused_tool(&compared.expected), Map::new(), &call, None)
        .await
        .unwrap();
    assert_eq!(&comparable(&refused.result), want);
    if let Some(name) = argument_free_tool(&compared.expected) {
        let credentials: Vec<(String, String)> = environment
            .iter()
            .filter(|(name, _)| *name != format!("{}_BASE_URL", compared.prefix))
            .cloned()
            .collect();
        let serve = StdioCommand {
            command: env!("CARGO_BIN_EXE_mcpow").to_string(),
            args: vec![
                "serve".into(),
                spec.display().to_string(),
                "--base-url".into(),
                compared.mock.url.clone(),
            ],
            cwd: None,
            env: credentials,
        };
        let serve = Session::connect(Target::Stdio(serve), &ConnectOptions::default())
            .await
            .expect("mcpow serve");
        let want = serve
            .call_tool(&name, Map::new(), &call, None)
            .await
            .unwrap();
        let got = over_http
            .call_tool(&name, Map::new(), &call, None)
            .await
            .unwrap();
        assert_eq!(comparable(&got.result), comparable(&want.result), "{name}");
        serve.close().await;
    }
    over_http.close().await;
    steps.push(("http", seconds(started)));

    let figures = Figures {
        spec: spec.file_name().unwrap().to_string_lossy().to_string(),
        tools: compared.expected.len(),
        calls: compared.calls,
        succeeded: compared.succeeded,
        steps,
    };
    (figures, report)
}

/// The tool `matches_mcpow_serve` calls without its required arguments: the first with any.
fn refused_tool(listed: &[Value]) -> String {
    listed
        .iter()
        .find(|t| {
            t["inputSchema"]["required"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        })
        .and_then(|t| t["name"].as_str())
        .expect("a tool with a required argument")
        .to_string()
}

/// The first tool that can be called without arguments.
fn argument_free_tool(listed: &[Value]) -> Option<String> {
    listed
        .iter()
        .find(|t| {
            t["inputSchema"]["required"]
                .as_array()
                .is_none_or(|r| r.is_empty())
        })
        .and_then(|t| t["name"].as_str())
        .map(str::to_string)
}

/// One function, so the generated projects build one after the other into the shared target directory.
#[tokio::test(flavor = "multi_thread")]
async fn generated_projects_build_without_warnings_pass_their_tests_and_match_mcpow_serve() {
    let dir = tempfile::tempdir().unwrap();

    // Hostile names and texts: the project builds without warnings and its own tests pass.
    let evil = dir.path().join("evil");
    generate_cli(LANGUAGE, &injection_spec(), &evil, &[]);
    build_and_test(&evil);

    // The sample spec, end to end.
    let spec = common::sample("petstore-3.0.yaml");
    let (figures, report) =
        check_connector(&spec, &dir.path().join("clinic"), "clinic-rs", &[]).await;
    println!("{figures}");
    assert!(report.contains("test list_pets ... ok"), "{report}");
    assert_eq!((figures.tools, figures.calls), (10, 10), "{figures}");
    assert!(figures.succeeded >= 8, "{figures}");

    // Three corpus documents. Their projects differ only in data (tools.json, operations.json, cases.json
    // and the names in config.rs and the tests), so each is generated in turn into the same folder under
    // the same package name: Cargo then rebuilds only the connector's own crate, incrementally.
    let Some(corpus) = corpus_specs() else {
        return;
    };
    let project = dir.path().join("corpus");
    for spec in corpus {
        if project.exists() {
            std::fs::remove_dir_all(&project).unwrap();
        }
        let (figures, _) = check_connector(&spec, &project, "corpus-rs", &[]).await;
        println!("{figures}");
        // Observed: Stripe 417 of 417 calls succeed against the mock, Twilio 197 of 197, Docker Engine 107
        // of 108 (the rest are the mock's refusals, answered alike).
        let minimum = match figures.spec.as_str() {
            "spec3.json" => 400,
            "twilio_api_v2010.json" => 190,
            _ => 100,
        };
        assert_eq!(figures.calls, figures.tools, "{figures}");
        assert!(figures.succeeded >= minimum, "{figures}");
    }
}
