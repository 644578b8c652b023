//! Servers for the client tests, and small helpers.

use std::path::PathBuf;
use std::time::Duration;

use mcpoverflow::mcp::StdioCommand;
use rmcp::model::CallToolResult;
use serde_json::{Map, Value};

use super::common;

pub fn stdio(command: &str, args: &[&str]) -> StdioCommand {
    StdioCommand {
        command: command.to_string(),
        args: args.iter().map(|a| a.to_string()).collect(),
        ..StdioCommand::default()
    }
}

pub fn with_env(mut command: StdioCommand, name: &str, value: &str) -> StdioCommand {
    command.env.push((name.to_string(), value.to_string()));
    command
}

/// An npm server's executable (installed by `tests/clients/setup.sh servers-node`).
pub fn node_server(name: &str, args: &[&str]) -> Option<StdioCommand> {
    let bin: PathBuf = common::client_toolchain("servers-node")?;
    Some(stdio(bin.join(name).to_str()?, args))
}

/// A PyPI server's executable, or the venv's `python` (installed by `setup.sh servers-python`).
pub fn python_server(name: &str, args: &[&str]) -> Option<StdioCommand> {
    let bin: PathBuf = common::client_toolchain("servers-python")?;
    Some(stdio(bin.join(name).to_str()?, args))
}

/// `tests/mcp_servers/faulty.py MODE` (standard library only). Needs python3: fails in CI without it.
pub fn faulty(mode: &str) -> StdioCommand {
    let present = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(present, "python3 is needed for the scripted servers");
    let script = common::root().join("tests/mcp_servers/faulty.py");
    stdio("python3", &[script.to_str().unwrap(), mode])
}

pub fn args(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("an object")
}

pub fn result_json(result: &CallToolResult) -> Value {
    serde_json::to_value(result).unwrap()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
}

/// Waits (up to 60 s) until something listens on the port.
pub async fn wait_for_port(port: u16) {
    for _ in 0..600 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nothing listens on 127.0.0.1:{port} after 60 s");
}

/// `mcp-server-everything MODE` (`streamableHttp` or `sse`) listening on a free port, once it listens.
pub async fn everything_on_a_port(mode: &str) -> Option<(tokio::process::Child, u16)> {
    let command = node_server("mcp-server-everything", &[mode])?;
    let port = free_port();
    let child = tokio::process::Command::new(&command.command)
        .args(&command.args)
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start server-everything");
    wait_for_port(port).await;
    Some((child, port))
}
