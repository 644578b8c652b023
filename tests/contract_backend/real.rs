//! Real backends that others wrote, started by `mcpow test --start`: Kinto (PyPI, memory backend), whose
//! description is discovered from it, and Prometheus Alertmanager (Debian), tested with the corpus's spec.
//! Their reports are printed (run with `--nocapture` to read them); what must hold is asserted: the run
//! happened, every tool was called, the exit code fits the failures, the JUnit file parses, the process is gone.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::{corpus, root};
use crate::support::{TestRun, junit_counts, mcpow_test, process_alive, read_pid};

const LIMIT: Duration = Duration::from_secs(600);
const WRITE_METHODS: [&str; 4] = ["POST", "PUT", "PATCH", "DELETE"];

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Kinto installed (pinned) into target/clients; Python missing fails in CI and skips elsewhere.
fn kinto() -> Option<PathBuf> {
    if !Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(!in_ci(), "python3 is required in CI to install Kinto");
        eprintln!("skipping: python3 is not installed");
        return None;
    }
    let output = Command::new(root().join("tests/clients/setup.sh"))
        .arg("kinto")
        .output()
        .expect("run tests/clients/setup.sh");
    assert!(
        output.status.success(),
        "installing Kinto failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim(),
    ))
}

/// Prints the report as the closing note quotes it: the rate, then each failure with its reason.
fn print_report(name: &str, run: &TestRun) {
    let totals = &run.report["totals"];
    eprintln!(
        "== {name}: exit {}, {} tools, {} calls: {} passed, {} failed, {} skipped",
        run.code,
        run.report["tools"],
        totals["cases"],
        totals["passed"],
        totals["failed"],
        totals["skipped"]
    );
    for case in run.report["cases"].as_array().unwrap() {
        if case["outcome"] != "failed" {
            continue;
        }
        let status = case["exchanges"]
            .as_array()
            .and_then(|e| e.last())
            .map(|e| e["status"].to_string())
            .unwrap_or_default();
        for check in case["checks"].as_array().unwrap() {
            if check["status"] == "failed" {
                let detail = check["detail"].as_str().unwrap_or("");
                eprintln!(
                    "  FAIL {} / {} [{status}] {}: {}",
                    case["tool"].as_str().unwrap_or(""),
                    case["name"].as_str().unwrap_or(""),
                    check["check"].as_str().unwrap_or(""),
                    detail.replace('\n', " ")
                );
            }
        }
    }
}

/// What must hold for any backend: every tool called, the exit code fits, the JUnit file agrees, it stopped.
fn assert_sound(run: &TestRun, dir: &Path, junit: &Path, pid_file: &str) {
    run.assert_exit_code_fits();
    let tools = run.report["tools"].as_u64().unwrap();
    let called: std::collections::BTreeSet<&str> = run.report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] != "skipped")
        .filter_map(|c| c["tool"].as_str())
        .collect();
    let listed: std::collections::BTreeSet<&str> = run.report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["tool"].as_str())
        .collect();
    assert_eq!(listed.len() as u64, tools, "every tool has a case");
    assert!(!called.is_empty());
    let cases = run.report["totals"]["cases"].as_u64().unwrap();
    let failed = run.report["totals"]["failed"].as_u64().unwrap();
    assert_eq!(junit_counts(junit), (cases, failed, cases));
    let pid = read_pid(&dir.join(pid_file));
    assert!(!process_alive(pid), "the backend {pid} was left running");
    assert!(run.stderr.contains("backend stopped"), "{}", run.stderr);
}

fn writes_made(run: &TestRun) -> usize {
    run.report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["exchanges"].as_array().unwrap())
        .filter(|e| {
            WRITE_METHODS.iter().any(|m| e["method"] == *m)
                && e["status"]
                    .as_u64()
                    .is_some_and(|s| (200..300).contains(&s))
        })
        .count()
}

fn kinto_run(kinto: &Path, suite: &[&str]) -> (TestRun, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("kinto.xml");
    let bin = kinto.display();
    // A fresh memory-backed configuration; anyone may create buckets, so writes can succeed.
    let start = format!(
        "echo $$ > kinto.pid; {bin} init --backend=memory --cache-backend=memory --ini kinto.ini -q && \
         exec {bin} start --ini kinto.ini --port {{port}}"
    );
    let mut args = vec![
        "--start",
        &start,
        "--env",
        "KINTO_BUCKET_CREATE_PRINCIPALS=system.Everyone",
        "--health",
        "http://127.0.0.1:{port}/v1/__heartbeat__",
        "--junit",
        junit.to_str().unwrap(),
    ];
    args.extend_from_slice(suite);
    let run = mcpow_test(dir.path(), &args, LIMIT);
    (run, dir, junit)
}

#[test]
fn kinto_is_tested_with_its_discovered_spec_smoke_and_full_with_writes() {
    let Some(kinto) = kinto() else {
        return;
    };
    let (smoke, dir, junit) = kinto_run(&kinto, &["--suite", "smoke"]);
    print_report("Kinto smoke", &smoke);
    assert_sound(&smoke, dir.path(), &junit, "kinto.pid");
    // Discovered at /__api__ (Kinto redirects it to /v1/__api__); the API is under the spec's /v1.
    let spec = smoke.report["spec"].as_str().unwrap();
    assert!(spec.ends_with("/__api__"), "{spec}");
    assert!(
        smoke.report["api"].as_str().unwrap().ends_with("/v1"),
        "{}",
        smoke.report["api"]
    );
    assert!(smoke.report["tools"].as_u64().unwrap() >= 40);
    assert!(
        smoke
            .cases("valid")
            .iter()
            .any(|c| c["outcome"] == "passed")
    );
    assert_eq!(writes_made(&smoke), 0, "smoke without --allow-writes wrote");

    let (full, dir, junit) = kinto_run(&kinto, &["--suite", "full", "--allow-writes"]);
    print_report("Kinto full --allow-writes", &full);
    assert_sound(&full, dir.path(), &junit, "kinto.pid");
    assert!(writes_made(&full) > 0, "no write succeeded");
    assert!(!full.cases("negative").is_empty());
    assert!(!full.cases("boundary").is_empty());
}

#[test]
fn alertmanager_is_tested_with_the_corpus_spec() {
    let Some(spec) = corpus("openapi/alertmanager/openapi.yaml") else {
        return;
    };
    if !Command::new("prometheus-alertmanager")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(
            !in_ci(),
            "prometheus-alertmanager is required in CI (.ci/run installs it with apt-get)"
        );
        eprintln!("skipping: prometheus-alertmanager is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("alertmanager.yml"),
        "route:\n  receiver: default\nreceivers:\n  - name: default\n",
    )
    .unwrap();
    let junit = dir.path().join("alertmanager.xml");
    let run = mcpow_test(
        dir.path(),
        &[
            "--start",
            "echo $$ > am.pid; exec prometheus-alertmanager --config.file=alertmanager.yml \
             --storage.path=data --web.listen-address=127.0.0.1:{port} --cluster.listen-address=",
            "--health",
            "http://127.0.0.1:{port}/-/ready",
            "--spec",
            spec.to_str().unwrap(),
            "--suite",
            "full",
            "--allow-writes",
            "--junit",
            junit.to_str().unwrap(),
        ],
        LIMIT,
    );
    print_report("Alertmanager full --allow-writes", &run);
    assert_sound(&run, dir.path(), &junit, "am.pid");
    assert_eq!(run.report["tools"], 9);
    assert!(
        run.report["api"].as_str().unwrap().ends_with("/api/v2"),
        "{}",
        run.report["api"]
    );
    let status = run
        .cases("valid")
        .into_iter()
        .find(|c| c["tool"] == "getStatus")
        .expect("getStatus was called");
    assert_eq!(status["outcome"], "passed", "{status}");
}
