//! Helpers shared by the integration tests: the real binary, a real HTTP server on 127.0.0.1, corpus paths.
#![allow(dead_code)]

pub mod processes;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The project's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled sample spec.
pub fn sample(name: &str) -> PathBuf {
    root().join("specs").join(name)
}

/// The shared corpus of real descriptions, beside the clone (`../shared/corpus`).
pub fn corpus(relative: &str) -> Option<PathBuf> {
    let path = root().join("../shared/corpus").join(relative);
    if path.exists() {
        Some(path)
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the corpus file {} is missing (CI must have ../shared/corpus)",
            path.display()
        );
    } else {
        eprintln!("skipping: {} is not here", path.display());
        None
    }
}

/// The `mcpow` binary built for these tests.
pub fn mcpow() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mcpow"))
}

/// Runs a command to completion, killing it if it outlives `limit` (a hang guard, not a speed test).
pub fn run_bounded(mut command: Command, stdin: Option<&[u8]>, limit: Duration) -> Output {
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn mcpow");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    // Both pipes are drained while the child runs: a child writing more than a pipe holds never blocks.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            // A grandchild may hold the pipe open: the stderr shown is what came within a second.
            let waited = Instant::now();
            while !stderr.is_finished() && waited.elapsed() < Duration::from_secs(1) {
                std::thread::sleep(Duration::from_millis(20));
            }
            let stderr = if stderr.is_finished() {
                stderr.join().unwrap_or_default()
            } else {
                b"(still open)".to_vec()
            };
            panic!(
                "the command did not finish within {limit:?}; stderr: {}",
                String::from_utf8_lossy(&stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// `mcpow inspect ARGS...`, bounded to a minute.
pub fn inspect(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = mcpow();
    command.arg("inspect").args(args);
    run_bounded(command, stdin, Duration::from_secs(60))
}

/// Stdout of a successful `mcpow inspect --json`, parsed.
pub fn inspect_json(path: &Path) -> serde_json::Value {
    let output = inspect(&["--json", path.to_str().unwrap()], None);
    assert!(
        output.status.success(),
        "inspect failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("inspect --json prints JSON")
}

/// Asserts a clear refusal: exit 2 and exactly one stderr line starting `error: ` that contains `needle`.
pub fn assert_refused(output: &Output, needle: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit 2, stderr: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(
        lines[0].contains(needle),
        "expected `{needle}` in: {stderr}"
    );
    stderr
}

/// Serves an axum router on 127.0.0.1 (a free port) for the rest of the test; returns its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

/// Installs (once) and returns a toolchain written by others: `python` (a venv with the `mcp` package), `node`
/// (a folder with `@modelcontextprotocol/sdk`), `prism` (the Prism executable), `servers-node` and
/// `servers-python` (folders of MCP servers' executables). Missing Python or Node fails in CI and skips elsewhere.
pub fn client_toolchain(kind: &str) -> Option<PathBuf> {
    let python = matches!(
        kind,
        "python"
            | "servers-python"
            | "fastmcp"
            | "codegen-python"
            | "kinto"
            | "junitparser"
            | "openapi-validator"
    );
    if !runtime_present(if python { "python3" } else { "node" }, "the client tests") {
        return None;
    }
    let output = Command::new(root().join("tests/clients/setup.sh"))
        .arg(kind)
        .output()
        .expect("run tests/clients/setup.sh");
    assert!(
        output.status.success(),
        "installing the {kind} MCP client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    Some(PathBuf::from(path))
}

/// Whether `runtime` (`python3`, `node`) runs here. In CI (`CI=true`) its absence fails the test, naming
/// `purpose`; elsewhere the caller skips, and this says why.
pub fn runtime_present(runtime: &str, purpose: &str) -> bool {
    let present = Command::new(runtime)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "{runtime} is required in CI for {purpose}"
        );
        eprintln!("skipping: {runtime} is not installed");
    }
    present
}

/// Every file under `dir`, by relative path, with its bytes, sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
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
