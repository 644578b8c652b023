//! 1,000 sequential calls of a trivial tool on one stdio session, timed in-process: through mcpow's client
//! (`src/mcp`), and through a bare pipe that writes each request line and reads each answer line with no MCP
//! machinery at all (the floor: the server's own time and the pipe's). The client's own overhead per call
//! is the difference. `benches/python_client_calls.py` does the same with the Python `mcp` client.
//!
//! Usage: cargo bench --bench client_calls [-- CALLS]; the server is `python3 tests/mcp_servers/faulty.py plain`.

use std::process::Stdio;
use std::time::{Duration, Instant};

use mcpoverflow::mcp::{CallOptions, ConnectOptions, Session, StdioCommand, Target};
use serde_json::Map;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn server() -> StdioCommand {
    StdioCommand {
        command: "python3".into(),
        args: vec![
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp_servers/faulty.py").into(),
            "plain".into(),
        ],
        ..StdioCommand::default()
    }
}

async fn bare_pipe(calls: usize) -> Duration {
    let command = server();
    let mut child = tokio::process::Command::new(&command.command)
        .args(&command.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the server");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let initialize = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#;
    stdin
        .write_all(format!("{initialize}\n").as_bytes())
        .await
        .unwrap();
    stdout.read_line(&mut line).await.unwrap();
    let started = Instant::now();
    for id in 1..=calls {
        let request = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/call\",\"params\":{{\"name\":\"ok\",\"arguments\":{{}}}}}}\n"
        );
        stdin.write_all(request.as_bytes()).await.unwrap();
        line.clear();
        stdout.read_line(&mut line).await.unwrap();
        assert!(line.contains("ok: fine"));
    }
    started.elapsed()
}

async fn mcpow_client(calls: usize) -> Duration {
    let session = Session::connect(Target::Stdio(server()), &ConnectOptions::default())
        .await
        .expect("connect");
    let options = CallOptions::default();
    for _ in 0..10 {
        session
            .call_tool("ok", Map::new(), &options, None)
            .await
            .unwrap();
    }
    let started = Instant::now();
    for _ in 0..calls {
        let outcome = session
            .call_tool("ok", Map::new(), &options, None)
            .await
            .unwrap();
        assert_ne!(outcome.result.is_error, Some(true));
    }
    let elapsed = started.elapsed();
    session.close().await;
    elapsed
}

/// The allocator of the `mcpow` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let calls: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000);
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / calls as f64;
    // A single-threaded runtime is the like of Python's asyncio loop; the multi-threaded one is what the
    // `mcpow` binary runs (tasks hop between its worker threads).
    let runtimes = [
        (
            "current-thread",
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        ),
        (
            "multi-thread",
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap(),
        ),
    ];
    for round in 1..=3 {
        for (name, runtime) in &runtimes {
            let floor = runtime.block_on(bare_pipe(calls));
            let client = runtime.block_on(mcpow_client(calls));
            println!(
                "round {round} {name:<14} {calls} calls: bare pipe {:.1} us/call, mcpow client {:.1} us/call, \
                 client overhead {:.1} us/call",
                per_call(floor),
                per_call(client),
                per_call(client) - per_call(floor)
            );
        }
    }
}
