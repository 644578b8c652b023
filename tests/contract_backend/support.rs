//! The tiny backend the tests start, a git repository holding it, and process helpers.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use mcpoverflow::contract::backend::StartOptions;
use mcpoverflow::contract::source::CheckedOut;

/// A tiny backend (standard-library Python): its description at /openapi.json with the server `/api`, items
/// under /api/items. `variant.txt` beside it, when present, names the variant in the title and adds a tool.
pub const TINY_BACKEND: &str = r#"import json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

here = os.path.dirname(os.path.abspath(__file__))
variant_file = os.path.join(here, "variant.txt")
variant = open(variant_file).read().strip() if os.path.exists(variant_file) else "main"
item = {"type": "object", "required": ["id", "name"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
paths = {
    "/items": {
        "get": {"operationId": "listItems", "responses": {"200": {"description": "items",
            "content": {"application/json": {"schema": {"type": "array", "items": item}}}}}},
        "post": {"operationId": "createItem",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}},
            "responses": {"201": {"description": "created",
                "content": {"application/json": {"schema": item}}}}},
    },
    "/items/{id}": {"get": {"operationId": "getItem",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                        "example": "1"}],
        "responses": {"200": {"description": "an item", "content": {"application/json": {"schema": item}}},
                      "404": {"description": "no such item", "content": {"application/json": {"schema": {
                          "type": "object", "properties": {"error": {"type": "string"}}}}}}}}},
}
if variant != "main":
    paths["/" + variant] = {"get": {"operationId": "variant_" + variant,
        "responses": {"200": {"description": "the variant", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"variant": {"type": "string"}}}}}}}}}
spec = {"openapi": "3.0.3", "info": {"title": "Tiny " + variant, "version": "1"},
        "servers": [{"url": "/api"}], "paths": paths}
items = {"1": {"id": "1", "name": "first"}}
# TINY_BROKEN: answers that break the spec (a number for a name); TINY_SLOW=S: listing takes S seconds.
broken = os.environ.get("TINY_BROKEN") == "1"
slow = float(os.environ.get("TINY_SLOW") or 0)

class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("request " + (fmt % args) + "\n")

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/openapi.json":
            return self.reply(200, spec)
        if path == "/api/items":
            if slow:
                import time
                time.sleep(slow)
            listed = list(items.values())
            return self.reply(200, [{"id": i["id"], "name": 7} for i in listed] if broken else listed)
        if path.startswith("/api/items/"):
            found = items.get(path.rsplit("/", 1)[1])
            return self.reply(200, found) if found else self.reply(404, {"error": "no such item"})
        if path == "/api/" + variant:
            return self.reply(200, {"variant": variant})
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        new = {"id": str(len(items) + 1), "name": str(body.get("name", ""))}
        items[new["id"]] = new
        self.reply(201, new)

print("tiny backend on port " + os.environ["PORT"], flush=True)
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"#;

/// Python 3 is needed by the tiny backend: it must be there in CI; elsewhere its absence skips.
pub fn python() -> bool {
    crate::common::runtime_present("python3", "the backend tests")
}

pub fn tiny_backend_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), TINY_BACKEND).unwrap();
    dir
}

pub fn options(command: &str, cwd: &Path) -> StartOptions {
    let mut options = StartOptions::new(command);
    options.cwd = Some(cwd.to_path_buf());
    options.startup_timeout = Duration::from_secs(60);
    options
}

/// Whether a process (not a zombie) with this id exists.
pub fn process_alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rfind(')')
            .map(|at| stat[at + 1..].trim_start())
            .is_some_and(|rest| !rest.starts_with('Z')),
        Err(_) => false,
    }
}

pub fn read_pid(path: &Path) -> i32 {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .parse()
        .unwrap()
}

/// A repository with the tiny backend on `main`, a `feature` branch, and a pull request's head only reachable
/// as `refs/pull/7/head` in the bare repository the tests clone from.
pub struct Repository {
    _dir: tempfile::TempDir,
    pub url: String,
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=Tests",
            "-c",
            "user.email=tests@example.com",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

pub fn repository() -> Repository {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    git(&work, &["init", "--quiet", "--initial-branch=main"]);
    std::fs::write(work.join("app.py"), TINY_BACKEND).unwrap();
    git(&work, &["add", "app.py"]);
    git(&work, &["commit", "--quiet", "-m", "the tiny backend"]);
    for variant in ["feature", "pr7"] {
        git(&work, &["checkout", "--quiet", "-b", variant, "main"]);
        std::fs::write(work.join("variant.txt"), variant).unwrap();
        git(&work, &["add", "variant.txt"]);
        git(&work, &["commit", "--quiet", "-m", variant]);
    }
    let pr_head = git(&work, &["rev-parse", "HEAD"]);
    git(&work, &["checkout", "--quiet", "main"]);
    let bare = dir.path().join("origin.git");
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--bare",
            work.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    git(&bare, &["update-ref", "refs/pull/7/head", &pr_head]);
    git(&bare, &["branch", "-D", "pr7"]);
    Repository {
        url: format!("file://{}", bare.display()),
        _dir: dir,
    }
}

pub fn variant_in(checkout: &CheckedOut) -> Option<String> {
    std::fs::read_to_string(checkout.path().join("variant.txt")).ok()
}

/// What `mcpow test --json` gave: the exit code, the report, and stderr.
pub struct TestRun {
    pub code: i32,
    pub report: serde_json::Value,
    pub stderr: String,
}

impl TestRun {
    /// Exit 0 exactly when no call failed (1 otherwise).
    pub fn assert_exit_code_fits(&self) {
        let failed = self.report["totals"]["failed"]
            .as_u64()
            .expect("totals.failed");
        let expected = if failed == 0 { 0 } else { 1 };
        assert_eq!(
            self.code, expected,
            "{failed} failed; stderr: {}",
            self.stderr
        );
    }

    /// The cases of one kind (`valid`, `boundary`, `negative`).
    pub fn cases(&self, kind: &str) -> Vec<&serde_json::Value> {
        self.report["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .filter(|c| c["kind"] == kind)
            .collect()
    }
}

/// `mcpow test --no-save --json ARGS` in `cwd`, bounded to `limit` (a hang guard).
pub fn mcpow_test(cwd: &Path, args: &[&str], limit: Duration) -> TestRun {
    let mut command = crate::common::mcpow();
    command
        .arg("test")
        .args(["--no-save", "--json"])
        .args(args)
        .current_dir(cwd);
    let output = crate::common::run_bounded(command, None, limit);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let code = output.status.code().expect("an exit code");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); exit {code}; stdout: {}; stderr: {stderr}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    TestRun {
        code,
        report,
        stderr,
    }
}

/// Parses a JUnit file with Python's XML parser (independent of ours) and returns the `<testsuites>`
/// attributes `tests` and `failures` and the number of `<testcase>` elements.
pub fn junit_counts(path: &Path) -> (u64, u64, u64) {
    let script = "import sys, xml.etree.ElementTree as E\n\
                  root = E.parse(sys.argv[1]).getroot()\n\
                  assert root.tag == 'testsuites', root.tag\n\
                  print(root.get('tests'), root.get('failures'), len(root.findall('./testsuite/testcase')))\n";
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "the JUnit file does not parse: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<u64> = text
        .split_whitespace()
        .map(|n| n.parse().expect("a count"))
        .collect();
    (numbers[0], numbers[1], numbers[2])
}
