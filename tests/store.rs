//! The sled store on a real temp directory: crash safety under `kill -9`, one process at a time, and the
//! history that `mcpow call --save` keeps.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use mcpoverflow::store::{CallRecord, Store};
use serde_json::json;

/// When this variable names a directory, `store_writer_child` appends calls there (this test binary re-runs
/// itself as the writer to be killed).
const WRITER_DIR: &str = "MCPOW_TEST_STORE_WRITER_DIR";

fn call(index: u64) -> CallRecord {
    CallRecord {
        id: 0,
        server: "python3 server.py".into(),
        tool: "save_note".into(),
        arguments: json!({"name": format!("note-{index}"), "text": "x".repeat(200), "api_key": "sk-secret"})
            .as_object()
            .cloned()
            .unwrap(),
        result: json!({"content": [{"type": "text", "text": format!("saved {index}")}]}),
        is_error: false,
        duration_ms: index % 100,
        at: 1_700_000_000_000 + index,
    }
}

/// The writer: appends 10,000 calls, printing each id once `append_call` has returned (it is on disk).
#[test]
fn store_writer_child() {
    let Ok(dir) = std::env::var(WRITER_DIR) else {
        return; // only when run as the child
    };
    let store = Store::open(std::path::Path::new(&dir)).expect("open");
    for index in 0..10_000 {
        let id = store.append_call(call(index)).expect("append");
        println!("acked {id} {index}");
    }
}

/// Starts the writer, kills it with SIGKILL once it has acknowledged `kill_after` calls (so the kill lands
/// in the middle of the writes however fast the disk is), and returns every acknowledged (id, index) pair.
fn write_and_kill(dir: &std::path::Path, kill_after: usize) -> Vec<(u64, u64)> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "store_writer_child",
            "--exact",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(WRITER_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the writer");
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut words = line.strip_prefix("acked ").unwrap_or("").split(' ');
            let pair = (|| Some((words.next()?.parse().ok()?, words.next()?.parse().ok()?)))();
            if let Some(pair) = pair
                && sender.send(pair).is_err()
            {
                return;
            }
        }
    });
    let mut acked: Vec<(u64, u64)> = Vec::new();
    while acked.len() < kill_after {
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(pair) => acked.push(pair),
            Err(_) => break,
        }
    }
    // SIGKILL: no destructors, no flush. Acknowledgements already in the pipe count too.
    let _ = child.kill();
    let _ = child.wait();
    acked.extend(receiver.try_iter());
    acked
}

#[test]
fn every_acknowledged_call_survives_kill_9() {
    let mut total_acked = 0;
    for round in 0..20u64 {
        let dir = tempfile::tempdir().unwrap();
        // The writer is killed at a different point each round, always before its 10,000th write.
        let kill_after = 1 + (round as usize * 487) % 9_000;
        let acked = write_and_kill(dir.path(), kill_after);
        assert!(
            acked.len() >= kill_after && acked.len() < 10_000,
            "round {round}: {}",
            acked.len()
        );
        let store = Store::open(dir.path()).expect("the store reopens after kill -9");
        let calls = store.all_calls().expect("every record decodes");
        assert!(
            calls.len() >= acked.len(),
            "round {round}: {} < {}",
            calls.len(),
            acked.len()
        );
        for (id, index) in &acked {
            let found = calls
                .iter()
                .find(|c| c.id == *id)
                .unwrap_or_else(|| panic!("round {round}: acknowledged call {id} is lost"));
            assert_eq!(found.tool, "save_note");
            assert_eq!(found.arguments["name"], format!("note-{index}"));
            assert_eq!(found.arguments["api_key"], "[redacted]");
        }
        // Ids only grow, and the store still takes writes.
        let next = store.append_call(call(99_999)).unwrap();
        assert!(calls.iter().all(|c| c.id < next));
        total_acked += acked.len();
    }
    println!("20 rounds of kill -9, {total_acked} acknowledged calls, none lost");
    assert!(
        total_acked > 0,
        "the writer acknowledged nothing: the test proved nothing"
    );
}

#[test]
fn a_second_mcpow_on_the_same_store_says_so_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let _held = Store::open(&dir.path().join("store")).unwrap();
    let mut command = common::mcpow();
    command.args(["history", "--data-dir", dir.path().to_str().unwrap()]);
    let output = common::run_bounded(command, None, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("another mcpow is using the store at"),
        "{message}"
    );
    assert!(
        message.contains(&dir.path().display().to_string()),
        "{message}"
    );
}

#[test]
fn saved_calls_are_in_the_history_with_secrets_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let script = common::root().join("tests/mcp_servers/faulty.py");
    let mut command = common::mcpow();
    command.args([
        "call",
        "ok",
        "--save",
        "--data-dir",
        data,
        "--args",
        r#"{"token": "t-123", "note": "hi"}"#,
        "--",
        "python3",
        script.to_str().unwrap(),
        "plain",
    ]);
    let called = common::run_bounded(command, None, Duration::from_secs(30));
    assert_eq!(
        called.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&called.stderr)
    );

    let mut command = common::mcpow();
    command.args(["history", "--json", "--data-dir", data]);
    let listed = common::run_bounded(command, None, Duration::from_secs(30));
    let calls: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(calls.as_array().unwrap().len(), 1);
    assert_eq!(calls[0]["tool"], "ok");
    assert_eq!(
        calls[0]["arguments"],
        json!({"token": "[redacted]", "note": "hi"})
    );
    assert_eq!(calls[0]["result"]["content"][0]["text"], "ok: fine");
    let raw = std::fs::read_dir(dir.path().join("store"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .any(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).contains("t-123"));
    assert!(!raw, "the secret reached the store's files");
}
