//! `mcpow serve` as a real subprocess over stdio, driven by rmcp's client, calling a real HTTP API on 127.0.0.1.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{Request, State};
use axum::routing::any;
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};

/// Answers every request with what arrived, and counts requests.
async fn echo(State(hits): State<Arc<AtomicUsize>>, request: Request) -> axum::Json<Value> {
    hits.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    axum::Json(json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query().unwrap_or(""),
        "body": String::from_utf8_lossy(&bytes),
    }))
}

async fn connect(args: &[&str]) -> RunningService<RoleClient, ()> {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcpow"));
    command
        .arg("serve")
        .args(args)
        .stderr(std::process::Stdio::null());
    let transport = TokioChildProcess::new(command).expect("spawn mcpow serve");
    ().serve(transport).await.expect("initialize")
}

async fn call(
    client: &RunningService<RoleClient, ()>,
    name: &str,
    arguments: Value,
) -> CallToolResult {
    let params = CallToolRequestParams::new(name.to_string())
        .with_arguments(arguments.as_object().unwrap().clone());
    client.call_tool(params).await.expect("tools/call")
}

fn text(result: &CallToolResult) -> String {
    let value = serde_json::to_value(result).unwrap();
    value["content"][0]["text"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_lists_and_calls_tools_over_stdio() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = common::serve(Router::new().fallback(any(echo)).with_state(hits.clone())).await;
    let spec = common::sample("petstore-3.0.yaml");
    let client = connect(&[spec.to_str().unwrap(), "--base-url", &base]).await;

    let info = client.peer_info().expect("server info");
    assert_eq!(info.server_info.as_ref().unwrap().name, "mcpow-serve");
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 10);
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert!(
        names.contains(&"listPets") && names.contains(&"getPet"),
        "{names:?}"
    );

    let result = call(
        &client,
        "listPets",
        json!({"species": ["dog", "cat"], "limit": 5}),
    )
    .await;
    assert_ne!(result.is_error, Some(true), "{}", text(&result));
    let echoed: Value = serde_json::from_str(&text(&result)).unwrap();
    assert_eq!(echoed["path"], "/pets");
    assert_eq!(echoed["query"], "species=dog,cat&limit=5");

    let result = call(
        &client,
        "createPet",
        json!({"name": "Biscuit", "species": "dog"}),
    )
    .await;
    let echoed: Value = serde_json::from_str(&text(&result)).unwrap();
    assert_eq!(echoed["method"], "POST");
    let sent: Value = serde_json::from_str(echoed["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent["name"], "Biscuit");

    // Bad arguments are refused before any HTTP request, naming the argument.
    let before = hits.load(Ordering::SeqCst);
    let result = call(&client, "listPets", json!({"limit": "many"})).await;
    assert_eq!(result.is_error, Some(true));
    assert!(text(&result).contains("`limit`"), "{}", text(&result));
    let result = call(&client, "getPet", json!({})).await;
    assert_eq!(result.is_error, Some(true));
    assert!(text(&result).contains("petId"), "{}", text(&result));
    assert_eq!(hits.load(Ordering::SeqCst), before, "no request was sent");
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_api_is_a_tool_error_and_the_server_keeps_serving() {
    let spec = common::sample("petstore-3.0.yaml");
    let client = connect(&[
        spec.to_str().unwrap(),
        "--base-url",
        "http://127.0.0.1:9",
        "--timeout",
        "2",
    ])
    .await;
    for _ in 0..2 {
        let result = call(&client, "listAvailableSlots", json!({"date": "2026-12-01"})).await;
        assert_eq!(result.is_error, Some(true));
        assert!(
            text(&result).contains("could not connect"),
            "{}",
            text(&result)
        );
    }
    assert_eq!(client.list_all_tools().await.unwrap().len(), 10);
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn discover_exposure_offers_three_meta_tools() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = common::serve(Router::new().fallback(any(echo)).with_state(hits)).await;
    let spec = common::sample("petstore-3.1.yaml");
    let client = connect(&[
        spec.to_str().unwrap(),
        "--base-url",
        &base,
        "--exposure",
        "discover",
    ])
    .await;
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 3);
    let found = call(&client, "search_operations", json!({"query": "owner"})).await;
    assert!(text(&found).contains("getOwner"), "{}", text(&found));
    let described = call(&client, "describe_operation", json!({"name": "getOwner"})).await;
    assert!(
        text(&described).contains("inputSchema"),
        "{}",
        text(&described)
    );
    let called = call(
        &client,
        "call_operation",
        json!({"name": "getOwner", "arguments": {"ownerId": "6f1c2a9e-3b1d-4c55-9a0e-2f7d8b6c1e44"}}),
    )
    .await;
    let echoed: Value = serde_json::from_str(&text(&called)).unwrap();
    assert_eq!(
        echoed["path"],
        "/owners/6f1c2a9e-3b1d-4c55-9a0e-2f7d8b6c1e44"
    );
    client.cancel().await.unwrap();
}

/// The raw protocol: `initialize` and `tools/list` sent at once, before GitHub's 1,223 tools are ready, with a
/// line that is not JSON between them. `initialize` is answered first, the bad line gets rmcp's "Invalid
/// request" and the session goes on, and the list (written entry by entry) holds every tool.
#[test]
fn initialize_is_answered_before_a_large_list_and_a_bad_line_does_not_end_the_session() {
    use std::io::{BufRead, BufReader, Write};
    let Some(spec) = common::corpus("openapi/github/api.github.com.json") else {
        return;
    };
    let mut child = common::mcpow()
        .args(["serve", "--base-url", "http://127.0.0.1:9"])
        .arg(&spec)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn mcpow serve");
    let mut input = child.stdin.take().unwrap();
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": "list", "method": "tools/list"}),
    ];
    let mut text = String::new();
    for (index, request) in requests.iter().enumerate() {
        text.push_str(&format!("{request}\n"));
        if index == 0 {
            text.push_str("this is not JSON\n");
        }
    }
    text.push_str(&format!(
        "{}\n",
        json!({"jsonrpc": "2.0", "id": 2, "method": "ping"})
    ));
    input.write_all(text.as_bytes()).unwrap();
    input.flush().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut answers: Vec<Value> = Vec::new();
    while answers.len() < 4 {
        let line = lines.next().expect("a line").expect("readable");
        answers.push(serde_json::from_str(&line).expect("each line is JSON"));
    }
    drop(input);
    let _ = child.wait();
    let position = |id: Value| answers.iter().position(|a| a["id"] == id);
    let initialize = position(json!(1)).expect("initialize answered");
    let list = position(json!("list")).expect("tools/list answered");
    assert!(initialize < list, "{answers:?}");
    assert!(position(json!(2)).is_some(), "ping answered: {answers:?}");
    let invalid = position(Value::Null).expect("the bad line answered");
    assert_eq!(answers[invalid]["error"]["code"], -32600);
    let tools = answers[list]["result"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 1223);
    assert!(tools.iter().all(|t| t["inputSchema"]["type"] == "object"));
}
