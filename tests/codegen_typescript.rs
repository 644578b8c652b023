//! `mcpow generate --lang typescript`: the same input gives the same bytes; a spec of hostile names and texts
//! gives TypeScript that passes `tsc --noEmit` (strict) and its own tests; and the sample spec's connector,
//! built with tsc, passes its own `node --test` suite, lists exactly the tools of `mcpow serve` over stdio and
//! streamable HTTP, and answers every call against `mcpow mock` exactly as `mcpow serve` does.
//!
//! Dependencies (the SDK, Ajv, TypeScript, @types/node) are installed from npm once into target/clients
//! (`tests/clients/setup.sh codegen-typescript`) and linked into each generated project. Tests that need
//! Node fail in CI (`CI=true`) when node is missing and are skipped elsewhere.

#[path = "codegen_support/mod.rs"]
mod codegen_support;
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use codegen_support::{
    SELECTION, assert_sorted, cli_output_is_deterministic, connect_over_http, corpus_specs,
    free_port, generate_cli, generated_twice, injection_spec, load, matches_mcpow_serve,
    petstore_matches_mcpow_serve, run_ok,
};
use mcpoverflow::codegen::Language;
use mcpoverflow::mcp::{CallOptions, StdioCommand};
use serde_json::{Map, Value};

const LANGUAGE: Language = Language::Typescript;

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

/// The project's own tests, with node's test runner (after `tsc`); returns the TAP report. The report goes to
/// a file: Stripe's (hundreds of tests) is more than a pipe holds, and `run_bounded` reads pipes at the end
/// only.
fn own_tests(project: &Path) -> String {
    let report = project.join("test-report.tap");
    let mut command = Command::new("node");
    command
        .args([
            "--test",
            "--test-reporter=tap",
            "--test-reporter-destination",
        ])
        .arg(&report)
        .args(["dist/test/server.test.js", "dist/test/tools.test.js"]);
    command.current_dir(project);
    let output = common::run_bounded(command, None, Duration::from_secs(600));
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(
        output.status.success(),
        "the generated tests failed:\n{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    text
}

#[test]
fn generation_is_deterministic() {
    for spec in [common::sample("petstore-3.0.yaml"), injection_spec()] {
        let (_, first) = generated_twice(LANGUAGE, &spec);
        assert_sorted(&first);
        let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
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
    cli_output_is_deterministic(LANGUAGE, &spec, dir.path());
    // The selection options apply, and --name names the package.
    generate_cli(LANGUAGE, &spec, &dir.path().join("c"), SELECTION);
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
    generate_cli(LANGUAGE, &injection_spec(), &out, &[]);
    link_dependencies(&shared, &out);
    tsc(&shared, &out, &["--noEmit", "--strict"]);
    tsc(&shared, &out, &[]);
    // Hostile paths, parameter names and enum values on the wire.
    let report = own_tests(&out);
    assert!(report.contains("# fail 0"), "{report}");
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
    generate_cli(LANGUAGE, &spec, &project, &[]);
    link_dependencies(&shared, &project);
    tsc(&shared, &project, &[]);
    let report = own_tests(&project);
    assert!(
        report.contains("# pass ") && report.contains("# fail 0"),
        "{report}"
    );
    let main = project.join("dist/src/main.js").display().to_string();

    let compared = petstore_matches_mcpow_serve(&spec, &model, dir.path(), |env| StdioCommand {
        command: "node".into(),
        args: vec![main.clone(), "--transport".into(), "stdio".into()],
        cwd: Some(project.clone()),
        env,
    })
    .await;
    // The refusal's words too (Ajv's errors worded as `mcpow serve`'s).
    assert_eq!(compared.refusals.1, compared.refusals.0);

    // Streamable HTTP, chosen by the environment variable this time: the same tools, and a call.
    let port = free_port();
    let mut http = Command::new("node");
    http.arg(&main)
        .args(["--port", &port.to_string()])
        .env("MCP_TRANSPORT", "http")
        .env(format!("{}_BASE_URL", compared.prefix), &compared.mock.url)
        .current_dir(&project);
    let (_child, over_http) = connect_over_http(http, port, &compared.expected).await;
    let result = over_http
        .call_tool("listPets", Map::new(), &CallOptions::default(), None)
        .await
        .unwrap();
    assert_ne!(result.result.is_error, Some(true), "{:?}", result.result);
    over_http.close().await;
}

/// What `fetch` cannot do but `mcpow serve` does (tests/fixtures/codegen/wire.yaml): required bodies with GET
/// (JSON and a form), HEAD and DELETE, and a `101 Switching Protocols` answer. The connector sends and reports
/// them exactly as `mcpow serve` does.
#[tokio::test(flavor = "multi_thread")]
async fn wire_edges_match_mcpow_serve() {
    let Some(shared) = common::client_toolchain("codegen-typescript") else {
        return;
    };
    let spec = common::root().join("tests/fixtures/codegen/wire.yaml");
    let model = load(&spec);
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("wire");
    generate_cli(LANGUAGE, &spec, &project, &[]);
    link_dependencies(&shared, &project);
    tsc(&shared, &project, &["--strict"]);
    let report = own_tests(&project);
    assert!(report.contains("# fail 0"), "{report}");
    let main = project.join("dist/src/main.js").display().to_string();
    let compared = matches_mcpow_serve(&spec, &model, dir.path(), |env| StdioCommand {
        command: "node".into(),
        args: vec![main.clone(), "--transport".into(), "stdio".into()],
        cwd: Some(project.clone()),
        env,
    })
    .await;
    // Every body arrived (the mock refuses a request without its required body); the 101 is an error result.
    assert_eq!((compared.calls, compared.succeeded), (5, 4));
    assert_eq!(compared.refusals.1, compared.refusals.0);
}

/// Calls that `mcpow serve` answers without a tool error against `mcpow mock`, at least, per corpus spec (by
/// file name): a little under what was observed (417 of 417, 197 of 197, 107 of 108: Docker's `Session` answers
/// `101 Switching Protocols`), so that a generator or mock change that breaks many calls shows. The real check is that every call's result equals `mcpow serve`'s.
const CORPUS_MIN_SUCCEEDED: &[(&str, usize)] = &[
    ("spec3.json", 405),
    ("twilio_api_v2010.json", 190),
    ("swagger.yaml", 104),
];

/// The corpus documents (Stripe, Twilio api_v2010, Docker Engine's Swagger 2.0): each connector is
/// generated, type-checked strictly and built, passes its own tests, lists exactly `mcpow serve`'s tools over
/// stdio and answers every call as `mcpow serve` does, then lists them over streamable HTTP and answers a
/// call. `tsc --strict` (emitting) runs once: its diagnostics are those of `tsc --noEmit --strict`, and
/// Stripe's 417 tools take tsc most of the test's time.
#[tokio::test(flavor = "multi_thread")]
async fn corpus_connectors_build_pass_their_tests_and_match_mcpow_serve() {
    let Some(shared) = common::client_toolchain("codegen-typescript") else {
        return;
    };
    let Some(specs) = corpus_specs() else {
        return;
    };
    for spec in specs {
        let file = spec.file_name().unwrap().to_string_lossy().to_string();
        let mut steps: Vec<(&str, f64)> = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |steps: &mut Vec<(&str, f64)>, step| {
            steps.push((step, clock.elapsed().as_secs_f64()));
            clock = Instant::now();
        };
        let model = load(&spec);
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("connector");
        generate_cli(LANGUAGE, &spec, &project, &[]);
        link_dependencies(&shared, &project);
        lap(&mut steps, "generate");
        tsc(&shared, &project, &["--strict"]);
        lap(&mut steps, "tsc --strict");
        let report = own_tests(&project);
        assert!(
            report.contains("# pass ") && report.contains("# fail 0"),
            "{file}: {report}"
        );
        lap(&mut steps, "node --test");
        let main = project.join("dist/src/main.js").display().to_string();
        let compared = matches_mcpow_serve(&spec, &model, dir.path(), |env| StdioCommand {
            command: "node".into(),
            args: vec![main.clone(), "--transport".into(), "stdio".into()],
            cwd: Some(project.clone()),
            env,
        })
        .await;
        assert_eq!(compared.refusals.1, compared.refusals.0, "{file}");
        lap(&mut steps, "stdio comparison");

        // Streamable HTTP: the same tools, and a read-only tool without required arguments answers.
        let port = free_port();
        let mut http = Command::new("node");
        http.arg(&main)
            .args(["--transport", "http", "--port", &port.to_string()])
            .env(format!("{}_BASE_URL", compared.prefix), &compared.mock.url)
            .current_dir(&project);
        let (_child, over_http) = connect_over_http(http, port, &compared.expected).await;
        let simple = compared
            .expected
            .iter()
            .find(|tool| {
                tool["annotations"]["readOnlyHint"] == true
                    && tool["inputSchema"]["required"]
                        .as_array()
                        .is_none_or(Vec::is_empty)
            })
            .and_then(|tool| tool["name"].as_str())
            .expect("a read-only tool without required arguments");
        let result = over_http
            .call_tool(simple, Map::new(), &CallOptions::default(), None)
            .await
            .unwrap();
        assert_ne!(
            result.result.is_error,
            Some(true),
            "{file}: {simple} over HTTP: {:?}",
            result.result
        );
        over_http.close().await;
        lap(&mut steps, "http");

        let timings: Vec<String> = steps
            .iter()
            .map(|(step, seconds)| format!("{step} {seconds:.1} s"))
            .collect();
        println!(
            "{file}: {} tools, {} calls compared, {} succeeded against the mock; {}",
            compared.expected.len(),
            compared.calls,
            compared.succeeded,
            timings.join(", ")
        );
        let minimum = CORPUS_MIN_SUCCEEDED
            .iter()
            .find(|(name, _)| *name == file)
            .map_or(0, |(_, minimum)| *minimum);
        assert!(
            compared.succeeded >= minimum,
            "{file}: only {} of {} calls succeeded against the mock (at least {minimum} did)",
            compared.succeeded,
            compared.calls
        );
    }
}
