//! The gateway as a child process (its server's process found under it in /proc), requests, and the checks
//! of its OpenAPI document.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use serde_json::Value;

use crate::common;

/// `mcpow gateway --port 0 ARGS -- SERVER...`, killed (with its server) when dropped.
pub struct Gateway {
    child: Child,
    pub url: String,
    /// What it printed on stderr so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Gateway {
    /// Starts the gateway and waits (up to 120 s: npm servers may be slow to start) for its listening line.
    pub fn start(args: &[&str], server: &[&str]) -> Gateway {
        Gateway::start_with(args, server, &[])
    }

    /// [`Gateway::start`] with `env` added to its environment; no `--` when `server` is empty (a URL in
    /// `args`).
    pub fn start_with(args: &[&str], server: &[&str], env: &[(&str, &str)]) -> Gateway {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mcpow"));
        command.args(["gateway", "--port", "0"]).args(args);
        if !server.is_empty() {
            command.arg("--").args(server);
        }
        let mut child = command
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn mcpow gateway");
        let (sender, receiver) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(start) = line.find("http://") {
                    let url = line[start..].split_whitespace().next().unwrap_or("");
                    let _ = sender.send(url.to_string());
                }
            }
        });
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let kept = lines.clone();
        std::thread::spawn(move || {
            // Drained so the gateway never blocks on a full pipe; shown when the test runs with --nocapture.
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("gateway: {line}");
                kept.lock().unwrap().push(line);
            }
        });
        let url = receiver
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("mcpow gateway {server:?} printed no URL within 120 s"));
        Gateway {
            child,
            url,
            stderr: lines,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        kill(self);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The processes whose parent is `parent`, from /proc.
fn children(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut fields = after.split_whitespace();
        let state = fields.next();
        let ppid = fields.next().and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(parent) && state != Some("Z") {
            found.push(pid);
        }
    }
    found.sort();
    found
}

/// SIGKILLs the gateway's server processes (its children); returns their pids.
pub fn kill(gateway: &Gateway) -> Vec<u32> {
    let pids = children(gateway.pid());
    for pid in &pids {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    pids
}

/// `POST /tools/NAME` with `arguments`: the status and the JSON body.
pub async fn post(
    client: &reqwest::Client,
    gateway: &Gateway,
    tool: &str,
    arguments: Value,
) -> (u16, Value) {
    let response = client
        .post(format!("{}/tools/{tool}", gateway.url))
        .json(&arguments)
        .send()
        .await
        .expect("the gateway answers");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.expect("a JSON body");
    (status, body)
}

async fn health(client: &reqwest::Client, gateway: &Gateway) -> Value {
    client
        .get(format!("{}/health", gateway.url))
        .send()
        .await
        .expect("/health answers")
        .json()
        .await
        .expect("/health is JSON")
}

/// Polls /health (up to 60 s) until the session is in `state` (`up`, `down`); returns that answer.
pub async fn wait_for_session(client: &reqwest::Client, gateway: &Gateway, state: &str) -> Value {
    wait_for_health(client, gateway, |health| {
        health["session"]["state"] == state
    })
    .await
}

/// Polls /health (up to 60 s) until `wanted` holds for its answer; returns that answer.
pub async fn wait_for_health(
    client: &reqwest::Client,
    gateway: &Gateway,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    for _ in 0..600 {
        last = health(client, gateway).await;
        if wanted(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/health never answered as expected: {last}");
}

/// Waits (up to 60 s) for the gateway to print a line containing `needle`; returns all it printed.
pub async fn wait_for_stderr(gateway: &Gateway, needle: &str) -> String {
    for _ in 0..600 {
        let printed = gateway.stderr.lock().unwrap().join("\n");
        if printed.contains(needle) {
            return printed;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let printed = gateway.stderr.lock().unwrap().join("\n");
    panic!("the gateway never printed `{needle}`: {printed}");
}

/// Polls /health (up to 60 s) until a call is in flight.
pub async fn wait_for_in_flight(client: &reqwest::Client, gateway: &Gateway) {
    let mut last = Value::Null;
    for _ in 0..600 {
        last = health(client, gateway).await;
        if last["inFlight"] == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no call in flight: {last}");
}

/// npm `mcp-server-everything` (installed by `setup.sh servers-node`); `None` (skipping) without node.
pub fn everything() -> Option<PathBuf> {
    Some(common::client_toolchain("servers-node")?.join("mcp-server-everything"))
}

/// PyPI `openapi-spec-validator` (installed by `setup.sh openapi-validator`). Without python3 this fails in
/// CI and skips elsewhere.
fn validator() -> Option<PathBuf> {
    common::client_toolchain("openapi-validator")
}

/// Fetches /openapi.json; checks it loads back through `mcpow inspect` with one POST operation per tool and
/// passes openapi-spec-validator. Returns the document.
pub async fn check_document(gateway: &Gateway, tools: u64) -> Value {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let response = client
        .get(format!("{}/openapi.json", gateway.url))
        .send()
        .await
        .expect("/openapi.json answers");
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.unwrap();
    let document: Value = serde_json::from_str(&text).expect("the document is JSON");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], gateway.url.as_str());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, &text).unwrap();
    let inspected = common::inspect_json(&path);
    assert_eq!(inspected["format"], "openapi", "{inspected}");
    assert_eq!(inspected["operations"], tools, "{inspected}");
    assert_eq!(inspected["methods"]["POST"], tools, "{inspected}");
    // The URL too, as a client would read it.
    let url = format!("{}/openapi.json", gateway.url);
    let output = common::inspect(&["--json", &url], None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let by_url: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(by_url["operations"], tools);

    if let Some(validator) = validator() {
        let output = Command::new(&validator)
            .arg(&path)
            .output()
            .expect("run openapi-spec-validator");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "openapi-spec-validator: {said}");
        assert!(said.contains("OK"), "openapi-spec-validator: {said}");
    }
    document
}

/// A streamable HTTP proxy on 127.0.0.1 in front of `upstream` (an MCP endpoint) that keeps each request's
/// `Authorization` header; bodies are passed whole (the server's answer to a POST is a finite stream).
pub async fn recording_proxy(upstream: String) -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::body::{Body, Bytes};
    use axum::http::{HeaderMap, Method, StatusCode};
    use axum::response::Response;

    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let forward = move |method: Method, headers: HeaderMap, body: Bytes| {
        let client = client.clone();
        let upstream = upstream.clone();
        let kept = kept.clone();
        async move {
            if method == Method::GET {
                return Response::builder()
                    .status(StatusCode::METHOD_NOT_ALLOWED)
                    .body(Body::empty())
                    .unwrap();
            }
            if let Some(value) = headers.get("authorization") {
                kept.lock()
                    .unwrap()
                    .push(value.to_str().unwrap_or("?").to_string());
            }
            let mut request = client.request(method, &upstream).body(body);
            for (name, value) in &headers {
                if name != "host" && name != "content-length" {
                    request = request.header(name.as_str(), value.as_bytes());
                }
            }
            let answer = request.send().await.expect("the MCP server answers");
            let mut response = Response::builder().status(answer.status().as_u16());
            for (name, value) in answer.headers() {
                if name != "content-length" && name != "transfer-encoding" {
                    response = response.header(name.as_str(), value.as_bytes());
                }
            }
            let bytes = answer.bytes().await.unwrap_or_default();
            response.body(Body::from(bytes)).unwrap()
        }
    };
    let router = axum::Router::new().route("/mcp", axum::routing::any(forward));
    (format!("{}/mcp", common::serve(router).await), seen)
}
