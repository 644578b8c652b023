//! `mcpow test`, run as a real process: the sample spec served by mcpow against its mock (smoke and full suites
//! pass, exit 0, the run stored and read back from the sled store); a backend that breaks its own description
//! (a tiny axum server here) gives failures naming the JSON pointer, the status or the content type, exit 1, and
//! JUnit XML that a JUnit reader written by others (PyPI `junitparser`) counts alike; a generated Python
//! connector as the SERVER, pointed at the mock through its base URL variable; and usage errors exit 2.
//!
//! Tests that need Python fail in CI (`CI=true`) when python3 is missing and are skipped elsewhere.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use mcpoverflow::contract::{CaseOutcome, CheckKind, CheckStatus, TestRunReport};
use mcpoverflow::store::Store;
use serde_json::Value;

const LIMIT: Duration = Duration::from_secs(300);

fn mcpow_test(args: &[&str]) -> Output {
    let mut command = common::mcpow();
    command.arg("test").args(args);
    common::run_bounded(command, None, LIMIT)
}

/// Runs `mcpow test` off the async runtime (the test's own servers keep answering meanwhile).
async fn mcpow_test_async(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        mcpow_test(&args)
    })
    .await
    .expect("mcpow test")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn parse_report(output: &Output) -> TestRunReport {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "--json prints a report ({e}); stdout: {}; stderr: {}",
            text(&output.stdout),
            text(&output.stderr)
        )
    })
}

#[test]
fn the_sample_spec_against_the_mock_passes_both_suites_and_is_stored() {
    let spec = common::sample("petstore-3.0.yaml");
    let spec = spec.to_str().unwrap();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();

    let smoke = mcpow_test(&["--spec", spec, "--mock", "--data-dir", data_dir]);
    let stdout = text(&smoke.stdout);
    assert_eq!(
        smoke.status.code(),
        Some(0),
        "{stdout}{}",
        text(&smoke.stderr)
    );
    assert!(stdout.contains("mcpow test (smoke suite)"), "{stdout}");
    assert!(stdout.contains("success rate 100.0%"), "{stdout}");
    // Writes are left out of the smoke suite, each with the reason.
    assert!(
        stdout.contains("SKIP createPet / valid: may change data (not read-only)"),
        "{stdout}"
    );

    let full = mcpow_test(&[
        "--spec",
        spec,
        "--mock",
        "--suite",
        "full",
        "--json",
        "--data-dir",
        data_dir,
        "--project",
        "clinic",
        "--connector",
        "clinic-mcp",
    ]);
    assert_eq!(full.status.code(), Some(0), "{}", text(&full.stderr));
    let report = parse_report(&full);
    assert_eq!(report.suite, "full");
    assert_eq!(report.api, "mock");
    assert_eq!(report.tools, 10);
    assert!(report.passed());
    assert_eq!(report.totals.failed, 0);
    // Against the mock the full suite calls the writes too.
    assert_eq!(report.totals.skipped, 0);
    let calls = |name: &str| {
        report
            .cases
            .iter()
            .filter(|c| c.name.starts_with(name))
            .count()
    };
    assert!(calls("valid") == 10, "one valid call per tool");
    assert!(
        calls("boundary: ") >= 5,
        "boundary calls: {}",
        calls("boundary: ")
    );
    assert!(calls("negative: missing required") >= 5);
    assert!(calls("negative: ") > calls("negative: missing required"));
    // Every call that reached the API was observed and checked at the HTTP level.
    let get_pet = report
        .cases
        .iter()
        .find(|c| c.tool == "getPet" && c.name == "valid")
        .expect("getPet called");
    assert_eq!(get_pet.exchanges.len(), 1);
    assert_eq!(get_pet.exchanges[0].status, 200);
    for kind in [
        CheckKind::HttpStatus,
        CheckKind::ContentType,
        CheckKind::Body,
        CheckKind::OutputSchema,
    ] {
        let check = get_pet.checks.iter().find(|c| c.check == kind).unwrap();
        assert_eq!(check.status, CheckStatus::Passed, "{check:?}");
    }
    // Invalid calls are refused before any request.
    for case in report.cases.iter().filter(|c| c.expect_error) {
        assert!(
            case.exchanges.is_empty(),
            "{}: {:?}",
            case.title(),
            case.exchanges
        );
        assert_eq!(case.outcome, CaseOutcome::Passed);
    }

    let store = Store::open(&data.path().join("store")).expect("the store");
    let runs = store.test_runs().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (runs[0].report.suite.as_str(), runs[1].report.suite.as_str()),
        ("smoke", "full")
    );
    let linked = store.connector_test_runs("clinic", "clinic-mcp").unwrap();
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].report.totals, report.totals);
    let stored = linked[0]
        .report
        .cases
        .iter()
        .find(|c| c.tool == "getPet" && c.name == "valid")
        .unwrap();
    assert!(
        stored.exchanges[0]
            .response_body
            .as_deref()
            .unwrap_or("")
            .contains("\"name\"")
    );
}

/// A backend for `broken-shelf.yaml` that deviates from it on purpose.
fn broken_shelf() -> Router {
    let json = |body: &'static str| ([(header::CONTENT_TYPE, "application/json")], body);
    Router::new()
        .route(
            "/api/items",
            get(move || async move { json(r#"[{"id": 1, "name": "lamp"}, {"id": 2}]"#) }),
        )
        .route(
            "/api/items/{id}",
            get(move || async move { json(r#"{"id": "seven", "name": "chair"}"#) }),
        )
        .route(
            "/api/items/{id}/owner",
            get(|| async { StatusCode::NOT_FOUND }),
        )
        .route(
            "/api/status",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<p>ok</p>") }),
        )
        .route(
            "/api/ping",
            get(|| async {
                (
                    StatusCode::CREATED,
                    [(header::CONTENT_TYPE, "application/json")],
                    "{}",
                )
                    .into_response()
            }),
        )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backend_that_breaks_its_spec_fails_with_pointers_and_valid_junit() {
    let base = common::serve(broken_shelf()).await;
    let spec = common::root().join("tests/fixtures/contract/broken-shelf.yaml");
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let args = |json: bool| {
        let mut args = vec![
            "--spec".to_string(),
            spec.display().to_string(),
            "--base-url".into(),
            format!("{base}/api"),
            "--junit".into(),
            junit.display().to_string(),
            "--no-save".into(),
        ];
        if json {
            args.push("--json".into());
        }
        args
    };
    let output = mcpow_test_async(args(true)).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let report = parse_report(&output);
    assert_eq!(report.tools, 6);
    assert_eq!(
        (
            report.totals.failed,
            report.totals.skipped,
            report.totals.passed
        ),
        (4, 1, 1)
    );
    let failure = |tool: &str| {
        let case = report.cases.iter().find(|c| c.tool == tool).unwrap();
        assert_eq!(case.outcome, CaseOutcome::Failed, "{case:?}");
        case.first_failure().unwrap().clone()
    };
    let list = failure("listItems");
    assert_eq!(
        (list.check, list.pointer.as_deref()),
        (CheckKind::Body, Some("/1/name"))
    );
    let item = failure("getItem");
    assert_eq!(
        (item.check, item.pointer.as_deref()),
        (CheckKind::Body, Some("/id"))
    );
    assert!(item.detail.contains("integer"), "{}", item.detail);
    let status = failure("getStatus");
    assert_eq!(status.check, CheckKind::ContentType);
    assert!(
        status.detail.contains("text/html is not documented"),
        "{}",
        status.detail
    );
    let ping = failure("ping");
    assert_eq!(ping.check, CheckKind::HttpStatus);
    assert_eq!(ping.detail, "201 is not documented (documented: 204)");
    // A documented 404 is the data's absence, not a deviation: the error flag is skipped, not failed.
    let owner = report
        .cases
        .iter()
        .find(|c| c.tool == "getItemOwner")
        .unwrap();
    assert_eq!(owner.outcome, CaseOutcome::Passed, "{owner:?}");
    let flag = &owner.checks[0];
    assert_eq!(
        (flag.check, flag.status),
        (CheckKind::ErrorFlag, CheckStatus::Skipped)
    );
    assert!(
        flag.detail
            .contains("answered 404, documented (The item has no owner)"),
        "{}",
        flag.detail
    );
    let create = report
        .cases
        .iter()
        .find(|c| c.tool == "createItem")
        .unwrap();
    assert_eq!(create.outcome, CaseOutcome::Skipped);
    // What was sent and answered is kept for each failure.
    let exchange = &report
        .cases
        .iter()
        .find(|c| c.tool == "getItem")
        .unwrap()
        .exchanges[0];
    assert!(
        exchange.url.ends_with("/api/items/1") || exchange.url.contains("/api/items/"),
        "{}",
        exchange.url
    );
    assert_eq!(
        exchange.response_body.as_deref(),
        Some(r#"{"id": "seven", "name": "chair"}"#)
    );

    // The readable report names each failure and the rate.
    let output = mcpow_test_async(args(false)).await;
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("FAIL listItems / valid"), "{stdout}");
    assert!(
        stdout.contains("body at /1/name: does not fit the response schema"),
        "{stdout}"
    );
    assert!(stdout.contains("body at /id:"), "{stdout}");
    assert!(
        stdout.contains("1 passed, 4 failed, 1 skipped of 6 calls; success rate 20.0%"),
        "{stdout}"
    );

    let Some(counts) = junit_counts(&junit) else {
        return;
    };
    assert_eq!(counts["tests"], 6, "{counts}");
    assert_eq!(counts["failures"], 4, "{counts}");
    assert_eq!(counts["skipped"], 1, "{counts}");
    assert_eq!(counts["errors"], 0, "{counts}");
    // The counts the file declares agree with its test cases.
    assert_eq!(counts["declared_tests"], 6, "{counts}");
    assert_eq!(counts["declared_failures"], 4, "{counts}");
    let messages = counts["failure_messages"].to_string();
    assert!(messages.contains("body at /1/name"), "{messages}");
    assert!(
        messages.contains("HTTP status: 201 is not documented"),
        "{messages}"
    );
}

/// What junitparser reads from a JUnit file: test cases and results counted, and the declared totals.
fn junit_counts(file: &Path) -> Option<Value> {
    // The venv with PyPI `junitparser` (pinned in tests/clients/setup.sh).
    let python = common::client_toolchain("junitparser")?;
    let script = r#"
import json, sys
from junitparser import JUnitXml, Failure, Skipped, Error
xml = JUnitXml.fromfile(sys.argv[1])
counts = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0, "failure_messages": []}
declared_tests = declared_failures = 0
for suite in xml:
    declared_tests += suite.tests
    declared_failures += suite.failures
    assert suite.time is not None and suite.time >= 0
    for case in suite:
        counts["tests"] += 1
        assert case.time is not None
        for result in case.result:
            if isinstance(result, Failure):
                counts["failures"] += 1
                counts["failure_messages"].append(result.message)
            elif isinstance(result, Skipped):
                counts["skipped"] += 1
            elif isinstance(result, Error):
                counts["errors"] += 1
counts["declared_tests"] = declared_tests
counts["declared_failures"] = declared_failures
print(json.dumps(counts))
"#;
    let output = Command::new(python)
        .args(["-c", script])
        .arg(file)
        .output()
        .expect("run python");
    assert!(
        output.status.success(),
        "junitparser could not read the file: {}",
        text(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("counts as JSON"))
}

#[test]
fn a_generated_python_connector_as_the_server_passes_against_the_mock() {
    let Some(venv) = common::client_toolchain("codegen-python") else {
        return;
    };
    let spec = common::sample("petstore-3.0.yaml");
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("clinic");
    let mut generate = common::mcpow();
    generate
        .args([
            "generate",
            spec.to_str().unwrap(),
            "--lang",
            "python",
            "--name",
            "clinic",
            "--out",
        ])
        .arg(&project)
        .arg("--data-dir")
        .arg(dir.path().join("data"));
    let generated = common::run_bounded(generate, None, LIMIT);
    assert!(generated.status.success(), "{}", text(&generated.stderr));

    let python = venv.join("bin/python").display().to_string();
    let pythonpath = format!("PYTHONPATH={}", project.join("src").display());
    let output = mcpow_test(&[
        "--spec",
        spec.to_str().unwrap(),
        "--mock",
        "--suite",
        "full",
        "--json",
        "--no-save",
        "--env",
        &pythonpath,
        "--",
        &python,
        "-m",
        "clinic",
        "--transport",
        "stdio",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let report = parse_report(&output);
    assert!(report.target.contains("-m clinic"), "{}", report.target);
    assert_eq!(report.tools, 10);
    assert_eq!(report.totals.failed, 0);
    // The connector called the mock through mcpow's recorder: its requests were seen and checked.
    let observed = report
        .cases
        .iter()
        .filter(|c| !c.exchanges.is_empty())
        .count();
    let valid = report.cases.iter().filter(|c| !c.expect_error).count();
    assert_eq!(observed, valid, "every valid call reached the API");
    let body_checked = report
        .cases
        .iter()
        .flat_map(|c| &c.checks)
        .filter(|c| c.check == CheckKind::Body && c.status == CheckStatus::Passed)
        .count();
    assert!(body_checked >= 10, "{body_checked} bodies checked");
    // It refuses each invalid call, as mcpow serve does.
    let negatives: Vec<_> = report.cases.iter().filter(|c| c.expect_error).collect();
    assert!(negatives.len() >= 10);
    assert!(negatives.iter().all(|c| c.outcome == CaseOutcome::Passed));

    // Configured by the user instead (its own base URL, no --mock): its HTTP traffic is not seen, so status and
    // content type are skipped, not passed, and bodies are checked on the results against the spec.
    let mock = common::processes::start_mcpow(&["mock", spec.to_str().unwrap(), "--port", "0"]);
    let base_url = format!("PET_CLINIC_STORE_BASE_URL={}", mock.url);
    let output = mcpow_test(&[
        "--spec",
        spec.to_str().unwrap(),
        "--json",
        "--no-save",
        "--env",
        &pythonpath,
        "--env",
        &base_url,
        "--",
        &python,
        "-m",
        "clinic",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let observed_elsewhere = parse_report(&output);
    assert_eq!(observed_elsewhere.api, "none");
    let ran: Vec<_> = observed_elsewhere
        .cases
        .iter()
        .filter(|c| c.outcome == CaseOutcome::Passed)
        .collect();
    assert_eq!(ran.len(), 5, "the read-only tools");
    for case in &ran {
        assert!(case.exchanges.is_empty());
        let status = case
            .checks
            .iter()
            .find(|c| c.check == CheckKind::HttpStatus)
            .unwrap();
        assert_eq!(status.status, CheckStatus::Skipped);
        assert!(
            status.detail.starts_with("not observable"),
            "{}",
            status.detail
        );
    }
    let from_results = ran
        .iter()
        .flat_map(|c| &c.checks)
        .filter(|c| c.check == CheckKind::Body && c.status == CheckStatus::Passed)
        .filter(|c| c.detail.contains("from the tool result"))
        .count();
    assert!(
        from_results >= 3,
        "{from_results} bodies checked on results"
    );
}

#[test]
fn mcpow_serve_as_a_stdio_server_takes_the_base_url_in_its_arguments() {
    let spec = common::sample("petstore-3.0.yaml");
    let spec = spec.to_str().unwrap();
    let output = mcpow_test(&[
        "--spec",
        spec,
        "--mock",
        "--json",
        "--no-save",
        "--",
        env!("CARGO_BIN_EXE_mcpow"),
        "serve",
        spec,
        "--base-url",
        "{base_url}",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report = parse_report(&output);
    assert!(
        report.target.ends_with("--base-url {base_url}"),
        "{}",
        report.target
    );
    let ran: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.outcome == CaseOutcome::Passed)
        .collect();
    assert_eq!(ran.len(), 5, "the read-only tools");
    for case in ran {
        assert_eq!(case.exchanges.len(), 1, "{}", case.title());
        assert!(case.exchanges[0].url.starts_with("http://127.0.0.1:"));
        let body = case
            .checks
            .iter()
            .find(|c| c.check == CheckKind::Body)
            .unwrap();
        assert_eq!(body.status, CheckStatus::Passed, "{body:?}");
    }
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    let none = mcpow_test(&["--no-save"]);
    common::assert_refused(&none, "--spec SPEC");
    let spec = common::sample("petstore-3.0.yaml");
    let http = mcpow_test(&[
        "http://127.0.0.1:9/mcp",
        "--spec",
        spec.to_str().unwrap(),
        "--mock",
        "--no-save",
    ]);
    common::assert_refused(&http, "cannot point it at the API");
    let missing = mcpow_test(&["--spec", "no/such/spec.yaml", "--mock", "--no-save"]);
    common::assert_refused(&missing, "no/such/spec.yaml");
    let variable = mcpow_test(&[
        "--base-url",
        "http://127.0.0.1:9",
        "--no-save",
        "--",
        "true",
    ]);
    common::assert_refused(&variable, "--base-url-env");
}
