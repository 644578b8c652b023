//! `mcpow generate --lang rust`: the same input gives the same bytes; the hostile spec's project builds with
//! `RUSTFLAGS=-D warnings` and passes its own `cargo test`; and the sample spec's connector builds, passes its
//! tests, lists exactly the tools of `mcpow serve` over stdio, and answers every call against `mcpow mock`
//! exactly as `mcpow serve` does.
//!
//! Generated projects compile rmcp, reqwest and tokio: they share one target directory
//! (`target/codegen-rust`) so that is paid once, start from this crate's `Cargo.lock` (the same versions),
//! and build one after the other, in one test function.

#[path = "codegen_support/mod.rs"]
mod codegen_support;
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use codegen_support::{
    SELECTION, cli_output_is_deterministic, generate_cli, generated_twice, injection_spec, load,
    petstore_matches_mcpow_serve,
};
use mcpoverflow::codegen::Language;
use mcpoverflow::mcp::StdioCommand;
use serde_json::Value;

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
    let model = load(&spec);
    let project = dir.path().join("clinic");
    generate_cli(LANGUAGE, &spec, &project, &["--name", "clinic-rs"]);
    let report = build_and_test(&project);
    assert!(report.contains("test list_pets ... ok"), "{report}");
    let binary = shared_target().join("debug/clinic-rs");
    assert!(binary.exists(), "{}", binary.display());

    let compared = petstore_matches_mcpow_serve(&spec, &model, dir.path(), |mut env| {
        env.push(("MCP_TRANSPORT".into(), "http".into()));
        StdioCommand {
            command: binary.display().to_string(),
            // The flag wins over MCP_TRANSPORT.
            args: vec!["--transport".into(), "stdio".into()],
            cwd: Some(project.clone()),
            env,
        }
    })
    .await;
    // The refusal is the same tool error, not only an error.
    let (want, got) = &compared.refusals;
    assert_eq!(got, want);
}
