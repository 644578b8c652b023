//! `mcpow generate --lang python`: the same input gives the same bytes; a spec of hostile names and texts gives
//! Python that compiles and passes `ruff check`; and the sample spec's connector, installed with pip into a
//! venv, passes its own pytest suite, lists exactly the tools of `mcpow serve`, and answers every call against
//! `mcpow mock` exactly as `mcpow serve` does.
//!
//! Tests that need Python fail in CI (`CI=true`) when python3 is missing and are skipped elsewhere.

#[path = "codegen_support/mod.rs"]
mod codegen_support;
mod common;

use std::process::Command;
use std::time::Duration;

use codegen_support::{
    assert_sorted, cli_output_is_deterministic, connect_over_http, free_port, generate_cli,
    generate_command, generated_twice, injection_spec, load, petstore_matches_mcpow_serve, run_ok,
    tree,
};
use mcpoverflow::codegen::Language;
use mcpoverflow::mcp::StdioCommand;

const LANGUAGE: Language = Language::Python;

#[test]
fn generation_is_deterministic() {
    for spec in [common::sample("petstore-3.0.yaml"), injection_spec()] {
        let (_, project) = generated_twice(LANGUAGE, &spec);
        assert_sorted(&project);
    }
    let dir = tempfile::tempdir().unwrap();
    cli_output_is_deterministic(LANGUAGE, &common::sample("petstore-3.0.yaml"), dir.path());
}

#[test]
fn refuses_a_non_empty_directory_and_other_languages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let spec = common::sample("petstore-3.0.yaml");
    let command = generate_command("python", &spec, dir.path());
    let output = common::run_bounded(command, None, Duration::from_secs(60));
    common::assert_refused(&output, "not empty");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
    let command = generate_command("cobol", &spec, &dir.path().join("cobol"));
    let output = common::run_bounded(command, None, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid value 'cobol'"), "{stderr}");
    assert!(!dir.path().join("cobol").exists());
    generate_cli(
        LANGUAGE,
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
    generate_cli(LANGUAGE, &injection_spec(), &out, &[]);
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

#[tokio::test(flavor = "multi_thread")]
async fn petstore_connector_installs_passes_its_tests_and_matches_mcpow_serve() {
    let Some(venv) = common::client_toolchain("codegen-python") else {
        return;
    };
    let spec = common::sample("petstore-3.0.yaml");
    let model = load(&spec);
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("clinic");
    generate_cli(LANGUAGE, &spec, &project, &[]);

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

    let compared = petstore_matches_mcpow_serve(&spec, &model, dir.path(), |env| StdioCommand {
        command: venv.join("bin/pet-clinic-store-mcp").display().to_string(),
        args: vec!["--transport".into(), "stdio".into()],
        cwd: Some(project.clone()),
        env,
    })
    .await;

    // Streamable HTTP: the same tools.
    let port = free_port();
    let mut http = Command::new(venv.join("bin/pet-clinic-store-mcp"));
    http.args(["--transport", "http", "--port", &port.to_string()])
        .env(format!("{}_BASE_URL", compared.prefix), &compared.mock.url);
    let (_child, over_http) = connect_over_http(http, port, &compared.expected).await;
    over_http.close().await;
}
