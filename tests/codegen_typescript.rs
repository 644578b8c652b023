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

use codegen_support::{
    SELECTION, assert_sorted, cli_output_is_deterministic, connect_over_http, free_port,
    generate_cli, generated_twice, injection_spec, load, petstore_matches_mcpow_serve, run_ok,
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
