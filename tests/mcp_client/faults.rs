//! Scripted servers that misbehave (`tests/mcp_servers/faulty.py`): each failure gives a clear outcome within
//! its time-out, and nothing panics.

use std::time::{Duration, Instant};

use mcpoverflow::mcp::{CallOptions, ConnectOptions, Session, SessionError, Target};
use serde_json::Map;

use super::support::{faulty, result_json};

async fn connect(mode: &str) -> Result<Session, SessionError> {
    let options = ConnectOptions {
        initialize_timeout: Duration::from_secs(20),
        ..ConnectOptions::default()
    };
    Session::connect(Target::Stdio(faulty(mode)), &options).await
}

fn quick() -> CallOptions {
    CallOptions {
        timeout: Duration::from_secs(1),
        reset_on_progress: true,
        max_total: Duration::from_secs(5),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_exits_at_start_reports_its_status_and_stderr() {
    let started = Instant::now();
    let error = connect("exit-at-start")
        .await
        .err()
        .expect("initialize fails");
    let message = error.to_string();
    assert!(
        matches!(error, SessionError::Initialize { .. }),
        "{message}"
    );
    assert!(message.contains("exited with status 3"), "{message}");
    assert!(message.contains("/etc/faulty.toml is missing"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_mid_call_ends_the_call_and_marks_the_session_dead() {
    let session = connect("crash-mid-call").await.unwrap();
    assert_eq!(session.list_tools().await.unwrap().len(), 4);
    let error = session
        .call_tool("crash", Map::new(), &quick(), None)
        .await
        .expect_err("the call fails");
    let message = error.to_string();
    assert!(matches!(error, SessionError::Dead(_)), "{message}");
    assert!(message.contains("exited with status 70"), "{message}");
    assert!(message.contains("panic: index out of range"), "{message}");
    assert!(!session.is_alive());
    // A later request fails at once with the same account.
    let again = session.list_tools().await.expect_err("dead");
    assert!(again.to_string().contains("status 70"), "{again}");
    // A new session to the same server works: restarting is connecting again.
    let restarted = connect("crash-mid-call").await.unwrap();
    assert!(restarted.is_alive());
    restarted.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hung_call_times_out_and_the_session_stays_usable() {
    let session = connect("hang").await.unwrap();
    let started = Instant::now();
    let error = session
        .call_tool("hang", Map::new(), &quick(), None)
        .await
        .expect_err("a time-out");
    assert!(matches!(error, SessionError::Timeout(_)), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let cancelled = session
        .capture()
        .frames()
        .iter()
        .any(|f| f.text.contains("notifications/cancelled"));
    assert!(cancelled, "the hung request was cancelled");
    let ok = session
        .call_tool("ok", Map::new(), &quick(), None)
        .await
        .expect("the session still answers");
    assert_eq!(result_json(&ok.result)["content"][0]["text"], "ok: fine");
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_on_stdout_is_a_protocol_error_naming_the_line() {
    let session = connect("garbage").await.unwrap();
    let error = session.list_tools().await.expect_err("a protocol error");
    let message = error.to_string();
    assert!(message.contains("protocol error: line 2"), "{message}");
    assert!(message.contains("Listening on port 8080"), "{message}");
    assert!(!session.is_alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stderr_flood_is_kept_bounded() {
    let session = connect("stderr-flood").await.unwrap();
    let ok = session
        .call_tool("ok", Map::new(), &quick(), None)
        .await
        .unwrap();
    assert_eq!(result_json(&ok.result)["content"][0]["text"], "ok: fine");
    // The flood was written before the server answered initialize, so all of it has been read.
    let stderr = session.capture().stderr();
    assert_eq!(stderr.len(), 2_000, "the default bound");
    assert_eq!(session.capture().dropped().1, 198_000);
    assert!(
        stderr
            .last()
            .unwrap()
            .text
            .starts_with("debug line 199999:")
    );
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_100_mb_result_is_cut_with_a_note() {
    let session = connect("huge-result").await.unwrap();
    let options = CallOptions {
        timeout: Duration::from_secs(30),
        ..quick()
    };
    let outcome = session
        .call_tool("huge", Map::new(), &options, None)
        .await
        .expect("a cut result");
    let result = result_json(&outcome.result);
    let note = result["content"][0]["text"].as_str().unwrap();
    assert!(note.contains("104857"), "{note}");
    assert!(note.contains("16777216-byte limit"), "{note}");
    let head = result["content"][1]["text"].as_str().unwrap();
    assert_eq!(head.len(), 64 * 1024);
    let frame = session
        .capture()
        .frames()
        .into_iter()
        .find(|f| f.cut_from.is_some())
        .expect("the capture keeps the head only");
    assert!(frame.cut_from.unwrap() > 100 * 1024 * 1024);
    assert!(frame.text.len() <= 256 * 1024);
    // The session goes on.
    assert!(
        session
            .call_tool("ok", Map::new(), &quick(), None)
            .await
            .is_ok()
    );
    session.close().await;
}
