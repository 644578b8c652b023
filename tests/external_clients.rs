//! Clients written by others against `mcpow serve`, with `mcpow mock` as the API: the Python `mcp` package over
//! stdio and streamable HTTP, and the TypeScript SDK over stdio. All on 127.0.0.1, all real subprocesses.

mod common;

use std::process::Command;

use common::processes::start_mcpow;
use serde_json::{Value, json};

const SAMPLE_TOOLS: [&str; 10] = [
    "listPets",
    "createPet",
    "getPet",
    "delete_pets_by_petId",
    "uploadPetPhoto",
    "getOwner",
    "listOwnerPets",
    "listAvailableSlots",
    "bookAppointment",
    "cancelAppointment",
];

fn calls() -> Value {
    json!([
        {"name": "listPets", "arguments": {"species": ["dog", "cat"], "limit": 2}},
        {"name": "getPet", "arguments": {"petId": 1042}},
        {"name": "createPet", "arguments": {"name": "Biscuit", "species": "dog"}},
        {"name": "getOwner", "arguments": {"ownerId": "6f1c2a9e-3b1d-4c55-9a0e-2f7d8b6c1e44"}},
        {"name": "listPets", "arguments": {"limit": "many"}}
    ])
}

fn check(seen: &Value) {
    assert_eq!(seen["server"]["name"], "mcpow-serve");
    let tools: Vec<&str> = seen["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(tools, SAMPLE_TOOLS);
    let results = seen["results"].as_array().unwrap();
    for (i, result) in results[..4].iter().enumerate() {
        assert_eq!(result["isError"], false, "call {i}: {result}");
    }
    assert!(
        results[0]["structured"]["items"].is_array(),
        "{}",
        results[0]
    );
    assert_eq!(results[1]["structured"]["id"], 1042);
    assert!(
        results[2]["text"].as_str().unwrap().contains("\"id\""),
        "{}",
        results[2]
    );
    assert_eq!(results[4]["isError"], true);
    assert!(
        results[4]["text"].as_str().unwrap().contains("`limit`"),
        "{}",
        results[4]
    );
}

fn run_client(program: &std::path::Path, args: &[&str], cwd: Option<&std::path::Path>) -> Value {
    let mut command = Command::new(program);
    command.args(args);
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let output = common::run_bounded(command, None, std::time::Duration::from_secs(120));
    assert!(
        output.status.success(),
        "client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("client prints JSON")
}

fn serve_command(mock: &str) -> Vec<String> {
    vec![
        env!("CARGO_BIN_EXE_mcpow").to_string(),
        "serve".into(),
        common::sample("petstore-3.0.yaml")
            .to_string_lossy()
            .to_string(),
        "--base-url".into(),
        format!("{mock}/v1"),
    ]
}

fn start_mock() -> common::processes::Running {
    let spec = common::sample("petstore-3.0.yaml");
    start_mcpow(&["mock", spec.to_str().unwrap(), "--port", "0"])
}

#[test]
fn python_client_over_stdio() {
    let Some(python) = common::client_toolchain("python") else {
        return;
    };
    let mock = start_mock();
    let plan = json!({"transport": "stdio", "command": serve_command(&mock.url), "calls": calls()});
    let script = common::root().join("tests/clients/py_client.py");
    check(&run_client(
        &python,
        &[script.to_str().unwrap(), &plan.to_string()],
        None,
    ));
}

#[test]
fn python_client_over_streamable_http() {
    let Some(python) = common::client_toolchain("python") else {
        return;
    };
    let mock = start_mock();
    let spec = common::sample("petstore-3.0.yaml");
    let base = format!("{}/v1", mock.url);
    let server = start_mcpow(&[
        "serve",
        spec.to_str().unwrap(),
        "--base-url",
        &base,
        "--transport",
        "http",
        "--port",
        "0",
    ]);
    let plan = json!({"transport": "http", "url": server.url, "calls": calls()});
    let script = common::root().join("tests/clients/py_client.py");
    check(&run_client(
        &python,
        &[script.to_str().unwrap(), &plan.to_string()],
        None,
    ));
}

#[test]
fn typescript_sdk_client_over_stdio() {
    let Some(node_dir) = common::client_toolchain("node") else {
        return;
    };
    let mock = start_mock();
    // ESM resolves packages from the script's folder, so the script runs from the install folder.
    let script = node_dir.join("ts_client.mjs");
    std::fs::copy(common::root().join("tests/clients/ts_client.mjs"), &script).unwrap();
    let plan = json!({"command": serve_command(&mock.url), "calls": calls()});
    let seen = run_client(
        std::path::Path::new("node"),
        &[script.to_str().unwrap(), &plan.to_string()],
        Some(&node_dir),
    );
    check(&seen);
}
