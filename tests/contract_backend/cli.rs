//! `mcpow test --start`: the tiny backend started, discovered, tested through mcpow's MCP server, and stopped
//! on success, on failure and on Ctrl-C; its code from a git branch or pull request.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{assert_refused, mcpow, run_bounded};
use crate::support::{
    junit_counts, mcpow_test, process_alive, python, read_pid, repository, tiny_backend_dir,
};

const LIMIT: Duration = Duration::from_secs(180);
/// The tiny backend, its process id written first (`exec` keeps the id).
const START: &str = "echo $$ > backend.pid; exec python3 app.py";

fn assert_stopped(dir: &Path) {
    let pid = read_pid(&dir.join("backend.pid"));
    assert!(!process_alive(pid), "the backend {pid} was left running");
}

#[test]
fn smoke_and_full_pass_against_a_conforming_backend_and_stop_it() {
    if !python() {
        return;
    }
    let dir = tiny_backend_dir();
    let junit = dir.path().join("smoke.xml");
    let smoke = mcpow_test(
        dir.path(),
        &["--start", START, "--junit", junit.to_str().unwrap()],
        LIMIT,
    );
    assert_eq!(smoke.code, 0, "{}", smoke.stderr);
    smoke.assert_exit_code_fits();
    assert_eq!(smoke.report["tools"], 3);
    assert_eq!(smoke.report["totals"]["cases"], 3);
    let api = smoke.report["api"].as_str().unwrap();
    assert!(
        api.starts_with("http://127.0.0.1:") && api.ends_with("/api"),
        "{api}"
    );
    assert!(
        smoke.report["spec"]
            .as_str()
            .unwrap()
            .ends_with("/openapi.json"),
        "discovered: {}",
        smoke.report["spec"]
    );
    assert!(smoke.stderr.contains("backend stopped"), "{}", smoke.stderr);
    assert_stopped(dir.path());
    assert_eq!(junit_counts(&junit), (3, 0, 3));

    let full = mcpow_test(
        dir.path(),
        &["--start", START, "--suite", "full", "--allow-writes"],
        LIMIT,
    );
    assert_eq!(full.code, 0, "{}", full.stderr);
    assert!(!full.cases("negative").is_empty());
    let created = full.report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["exchanges"].as_array().unwrap())
        .any(|e| e["method"] == "POST" && e["status"] == 201);
    assert!(created, "the full suite with --allow-writes made no write");
    assert_stopped(dir.path());
}

#[test]
fn a_backend_that_breaks_its_spec_fails_the_run_and_is_stopped() {
    if !python() {
        return;
    }
    let dir = tiny_backend_dir();
    let junit = dir.path().join("broken.xml");
    let run = mcpow_test(
        dir.path(),
        &[
            "--start",
            START,
            "--env",
            "TINY_BROKEN=1",
            "--junit",
            junit.to_str().unwrap(),
        ],
        LIMIT,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_exit_code_fits();
    let failed: Vec<_> = run.report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["tool"], "listItems");
    let detail = failed[0]["checks"].to_string();
    assert!(detail.contains("/0/name"), "{detail}");
    assert!(
        run.stderr.contains("the backend's last output") && run.stderr.contains("GET /api/items"),
        "{}",
        run.stderr
    );
    assert_stopped(dir.path());
    assert_eq!(junit_counts(&junit), (3, 1, 3));
}

#[test]
fn ctrl_c_stops_the_backend_and_exits_130() {
    if !python() {
        return;
    }
    let dir = tiny_backend_dir();
    let mut child = mcpow()
        .args([
            "test",
            "--no-save",
            "--start",
            START,
            "--env",
            "TINY_SLOW=600",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mcpow");
    let (sender, receiver) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("answers on") {
                let _ = sender.send(());
            }
            lines.push(line);
        }
        lines.join("\n")
    });
    if receiver.recv_timeout(LIMIT).is_err() {
        let _ = child.kill();
        panic!("the backend never answered");
    }
    let backend = read_pid(&dir.path().join("backend.pid"));
    assert!(process_alive(backend));
    // SAFETY: kill(2) on the child we spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = wait_bounded(&mut child);
    let stderr = reader.join().unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(!process_alive(backend), "the backend outlived Ctrl-C");
}

fn wait_bounded(child: &mut std::process::Child) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("mcpow test did not end after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_branch_and_a_pull_request_are_cloned_tested_and_removed_or_kept() {
    if !python() {
        return;
    }
    let repo = repository();
    let scratch = tempfile::tempdir().unwrap();
    let branch = mcpow_test(
        scratch.path(),
        &[
            "--source",
            &repo.url,
            "--branch",
            "feature",
            "--start",
            "python3 app.py",
        ],
        LIMIT,
    );
    assert_eq!(branch.code, 0, "{}", branch.stderr);
    // The feature branch adds one tool to the three of main.
    assert_eq!(branch.report["tools"], 4);
    let clone = path_after(&branch.stderr, "source cloned into ");
    assert!(!clone.exists(), "the clone was left at {}", clone.display());

    let pull = mcpow_test(
        scratch.path(),
        &[
            "--source",
            &repo.url,
            "--pr",
            "7",
            "--keep",
            "--start",
            "python3 app.py",
        ],
        LIMIT,
    );
    assert_eq!(pull.code, 0, "{}", pull.stderr);
    assert_eq!(pull.report["tools"], 4);
    let kept = path_after(&pull.stderr, "the source is kept at ");
    assert_eq!(
        std::fs::read_to_string(kept.join("variant.txt")).unwrap(),
        "pr7"
    );
    std::fs::remove_dir_all(kept).unwrap();
}

fn path_after(stderr: &str, prefix: &str) -> std::path::PathBuf {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in: {stderr}"));
    std::path::PathBuf::from(line.trim())
}

#[test]
fn start_failures_exit_3_with_the_backends_output_and_leave_nothing_running() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = mcpow();
    command
        .args(["test", "--no-save", "--start"])
        .arg("echo 'no config at app.toml' >&2; exit 4")
        .current_dir(dir.path());
    let output = run_bounded(command, None, LIMIT);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.starts_with("error: the backend"), "{stderr}");
    assert!(
        stderr.contains("exit status: 4") && stderr.contains("no config at app.toml"),
        "{stderr}"
    );

    let mut command = mcpow();
    command
        .args(["test", "--no-save", "--startup-timeout", "1", "--start"])
        .arg("echo $$ > backend.pid; exec sleep 600")
        .args(["--health", "http://127.0.0.1:{port}/ready"])
        .current_dir(dir.path());
    let output = run_bounded(command, None, LIMIT);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("did not answer at http://127.0.0.1:"),
        "{stderr}"
    );
    assert_stopped(dir.path());
}

#[test]
fn backend_flags_are_checked() {
    let mut command = mcpow();
    command.args(["test", "--start", "true", "--port", "http"]);
    let output = run_bounded(command, None, LIMIT);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a port"), "{stderr}");

    let mut command = mcpow();
    command.args(["test", "--start", "true", "--branch", "main"]);
    let output = run_bounded(command, None, LIMIT);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--source"));

    let mut command = mcpow();
    command.args(["test", "--no-save", "--start", "true", "--env", "NOEQUALS"]);
    let output = run_bounded(command, None, LIMIT);
    assert_refused(&output, "--env `NOEQUALS`");
}

#[test]
fn a_kept_clone_is_named_when_the_backend_fails_to_start() {
    let repo = repository();
    let scratch = tempfile::tempdir().unwrap();
    let mut command = mcpow();
    command
        .args([
            "test",
            "--no-save",
            "--source",
            &repo.url,
            "--keep",
            "--start",
        ])
        .arg("test -f app.py && exit 5")
        .current_dir(scratch.path());
    let output = run_bounded(command, None, LIMIT);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    // The command ran in the clone (app.py is there), exited 5, and the clone was kept and named.
    assert!(stderr.contains("exit status: 5"), "{stderr}");
    let kept = stderr
        .split("(the source is kept at ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| panic!("no kept path in: {stderr}"));
    assert!(kept.join("app.py").is_file(), "{}", kept.display());
    std::fs::remove_dir_all(kept).unwrap();
}
