//! The MCP client (`src/mcp`) against real servers that others wrote, installed by `tests/clients/setup.sh`:
//! `@modelcontextprotocol/server-everything` (stdio and streamable HTTP), `server-filesystem`,
//! `mcp-server-time` (PyPI), a server built on the Python `mcp` package, and `mcpow serve` itself.
//! Misbehaving servers are in `tests/mcp_client/faults.rs`.

mod common;

#[path = "mcp_client/faults.rs"]
mod faults;
#[path = "mcp_client/support.rs"]
mod support;

use std::time::Duration;

use mcpoverflow::mcp::{
    CallOptions, ConnectOptions, Session, SessionError, SessionEvent, StdioCommand, Target,
};
use serde_json::{Map, Value, json};
use support::{args, node_server, python_server, result_json, stdio, with_env};

#[tokio::test(flavor = "multi_thread")]
async fn everything_over_stdio() {
    let Some(command) = node_server("mcp-server-everything", &[]) else {
        return;
    };
    let session = Session::connect(Target::Stdio(command), &ConnectOptions::default())
        .await
        .expect("connect");
    let summary = session.summary().expect("server info");
    assert!(
        ["2025-06-18", "2025-11-25", "2026-07-28"].contains(&summary.protocol_version.as_str()),
        "negotiated {}",
        summary.protocol_version
    );
    let tools = session.list_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for expected in [
        "echo",
        "get-sum",
        "get-tiny-image",
        "get-structured-content",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }

    let options = CallOptions::default();
    let sum = session
        .call_tool("get-sum", args(json!({"a": 2, "b": 40})), &options, None)
        .await
        .unwrap();
    assert!(
        result_json(&sum.result)["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("42")
    );

    let structured = session
        .call_tool(
            "get-structured-content",
            args(json!({"location": "New York"})),
            &options,
            None,
        )
        .await
        .unwrap();
    assert!(structured.result.structured_content.is_some());
    assert!(
        structured.output_problems.is_empty(),
        "{:?}",
        structured.output_problems
    );

    let image = session
        .call_tool("get-tiny-image", Map::new(), &options, None)
        .await
        .unwrap();
    let blocks = result_json(&image.result)["content"].clone();
    let image_block = blocks
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "image")
        .expect("an image block");
    assert_eq!(image_block["mimeType"], "image/png");
    assert!(image_block["data"].as_str().unwrap().len() > 100);

    let links = session
        .call_tool(
            "get-resource-links",
            args(json!({"count": 3})),
            &options,
            None,
        )
        .await
        .unwrap();
    let link_count = result_json(&links.result)["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "resource_link")
        .count();
    assert_eq!(link_count, 3);

    let resources = session.list_resources().await.unwrap();
    assert!(!resources.is_empty());
    let first = serde_json::to_value(&resources[0]).unwrap();
    let read = session
        .read_resource(first["uri"].as_str().unwrap())
        .await
        .unwrap();
    assert!(!read.contents.is_empty());
    let prompts = session.list_prompts().await.unwrap();
    assert!(!prompts.is_empty());

    // The capture has the handshake and the server's stderr.
    let frames = session.capture().frames();
    assert!(frames.iter().any(|f| f.text.contains("\"initialize\"")));
    assert!(frames.iter().any(|f| f.text.contains("get-tiny-image")));
    assert!(!session.capture().stderr().is_empty());
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_arrives_as_it_comes_and_a_call_can_be_cancelled_part_way() {
    let Some(command) = node_server("mcp-server-everything", &[]) else {
        return;
    };
    let session = Session::connect(Target::Stdio(command), &ConnectOptions::default())
        .await
        .unwrap();
    let mut events = session.subscribe();
    let options = CallOptions::default();
    let done = session
        .call_tool(
            "trigger-long-running-operation",
            args(json!({"duration": 1, "steps": 4})),
            &options,
            None,
        )
        .await
        .unwrap();
    assert!(!done.result.is_error.unwrap_or(false));
    let mut steps = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let SessionEvent::Progress {
            progress, total, ..
        } = event
        {
            steps.push((progress, total));
        }
    }
    assert_eq!(
        steps,
        vec![
            (1.0, Some(4.0)),
            (2.0, Some(4.0)),
            (3.0, Some(4.0)),
            (4.0, Some(4.0))
        ]
    );

    // Cancel a 20-second operation after its first progress notification.
    let (cancel, cancelled) = tokio::sync::oneshot::channel();
    let mut events = session.subscribe();
    let watcher = tokio::spawn(async move {
        while let Ok(event) = events.recv().await {
            if matches!(event, SessionEvent::Progress { .. }) {
                let _ = cancel.send(());
                return;
            }
        }
    });
    let started = std::time::Instant::now();
    let outcome = session
        .call_tool(
            "trigger-long-running-operation",
            args(json!({"duration": 20, "steps": 20})),
            &options,
            Some(cancelled),
        )
        .await;
    watcher.await.unwrap();
    assert!(
        matches!(outcome, Err(SessionError::Cancelled)),
        "{outcome:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    let sent_cancel = session
        .capture()
        .frames()
        .iter()
        .any(|f| f.text.contains("notifications/cancelled"));
    assert!(sent_cancel, "notifications/cancelled went out");
    // The session is still usable.
    let echo = session
        .call_tool(
            "echo",
            args(json!({"message": "still here"})),
            &options,
            None,
        )
        .await
        .unwrap();
    assert!(result_json(&echo.result).to_string().contains("still here"));
    session.close().await;
}

/// rmcp hands notifications to handler tasks that may run after the answer is delivered: mcpow
/// publishes them as the transport reads them, so a call's progress is all there when it returns.
#[tokio::test(flavor = "multi_thread")]
async fn progress_sent_before_the_answer_is_published_before_the_call_returns() {
    let session = Session::connect(
        Target::Stdio(support::faulty("burst")),
        &ConnectOptions::default(),
    )
    .await
    .unwrap();
    let expected: Vec<f64> = (1..=200).map(f64::from).collect();
    for round in 0..5 {
        let mut events = session.subscribe();
        let done = session
            .call_tool("ok", Map::new(), &CallOptions::default(), None)
            .await
            .unwrap();
        assert_eq!(result_json(&done.result)["content"][0]["text"], "ok: fine");
        let mut steps = Vec::new();
        while let Ok(event) = events.try_recv() {
            if let SessionEvent::Progress {
                progress, total, ..
            } = event
            {
                assert_eq!(total, Some(200.0));
                steps.push(progress);
            }
        }
        assert_eq!(steps, expected, "round {round}");
    }
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn log_notifications_are_delivered() {
    let Some(command) = node_server("mcp-server-everything", &[]) else {
        return;
    };
    let session = Session::connect(Target::Stdio(command), &ConnectOptions::default())
        .await
        .unwrap();
    #[allow(deprecated)]
    session
        .set_log_level(rmcp::model::LoggingLevel::Debug)
        .await
        .unwrap();
    let mut events = session.subscribe();
    session
        .call_tool(
            "toggle-simulated-logging",
            Map::new(),
            &CallOptions::default(),
            None,
        )
        .await
        .unwrap();
    let log = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match events.recv().await {
                Ok(SessionEvent::Log { data, .. }) => return data,
                Ok(_) => continue,
                Err(e) => panic!("events ended: {e}"),
            }
        }
    })
    .await
    .expect("a log message within 20 s");
    assert!(!log.is_null());
    session.close().await;
}

/// Over a network transport: server-everything lists its tools and reports a long operation's progress.
async fn everything_answers_with_progress(session: &Session, transport: &str) {
    let tools = session.list_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "get-sum"));
    let mut events = session.subscribe();
    let done = session
        .call_tool(
            "trigger-long-running-operation",
            args(json!({"duration": 1, "steps": 2})),
            &CallOptions::default(),
            None,
        )
        .await
        .unwrap();
    assert!(
        result_json(&done.result).to_string().contains("Steps: 2"),
        "{transport}"
    );
    // A progress notification may be dispatched just after the result it preceded on the wire (the
    // transport's tasks race under load): wait a little for both.
    let mut progress = 0;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while progress < 2 {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Ok(event)) => {
                progress += usize::from(matches!(event, SessionEvent::Progress { .. }))
            }
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
            Ok(Err(_)) | Err(_) => break,
        }
    }
    assert_eq!(progress, 2, "progress over {transport}");
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_over_streamable_http() {
    let Some((mut child, port)) = support::everything_on_a_port("streamableHttp").await else {
        return;
    };
    let target = Target::StreamableHttp {
        url: format!("http://127.0.0.1:{port}/mcp"),
        headers: vec![("X-Test".into(), "1".into())],
    };
    let session = Session::connect(target, &ConnectOptions::default())
        .await
        .expect("connect over HTTP");
    everything_answers_with_progress(&session, "HTTP").await;
    assert!(
        session
            .capture()
            .frames()
            .iter()
            .any(|f| f.text.contains("tools/list"))
    );
    session.close().await;
    let _ = child.kill().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filesystem_server_on_a_temp_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "filesystem says hi").unwrap();
    let root = dir.path().canonicalize().unwrap();
    let Some(command) = node_server("mcp-server-filesystem", &[root.to_str().unwrap()]) else {
        return;
    };
    let session = Session::connect(Target::Stdio(command), &ConnectOptions::default())
        .await
        .unwrap();
    let tools = session.list_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "list_directory"));
    let options = CallOptions::default();
    let listing = session
        .call_tool(
            "list_directory",
            args(json!({"path": root.to_str().unwrap()})),
            &options,
            None,
        )
        .await
        .unwrap();
    assert!(
        result_json(&listing.result)
            .to_string()
            .contains("notes.txt")
    );
    let read = session
        .call_tool(
            "read_text_file",
            args(json!({"path": root.join("notes.txt").to_str().unwrap()})),
            &options,
            None,
        )
        .await
        .unwrap();
    assert!(
        result_json(&read.result)
            .to_string()
            .contains("filesystem says hi")
    );
    // Outside the allowed folder: the server's own error, as a tool error or an error answer.
    let outside = session
        .call_tool(
            "read_text_file",
            args(json!({"path": "/etc/hostname"})),
            &options,
            None,
        )
        .await;
    match outside {
        Ok(outcome) => assert_eq!(outcome.result.is_error, Some(true)),
        Err(SessionError::Server { message, .. }) => assert!(!message.is_empty()),
        Err(other) => panic!("{other}"),
    }
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn time_server_from_pypi() {
    let Some(command) = python_server("mcp-server-time", &[]) else {
        return;
    };
    let session = Session::connect(Target::Stdio(command), &ConnectOptions::default())
        .await
        .unwrap();
    let now = session
        .call_tool(
            "get_current_time",
            args(json!({"timezone": "Europe/Paris"})),
            &CallOptions::default(),
            None,
        )
        .await
        .unwrap();
    let text = result_json(&now.result)["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_string();
    let parsed: Value = serde_json::from_str(&text).expect("the time as JSON");
    assert_eq!(parsed["timezone"], "Europe/Paris");
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_built_on_the_python_sdk() {
    let Some(python) = python_server("python", &[]) else {
        return;
    };
    let script = common::root().join("tests/mcp_servers/python_server.py");
    let command = StdioCommand {
        args: vec![script.display().to_string()],
        ..python
    };
    let session = Session::connect(Target::Stdio(command), &ConnectOptions::default())
        .await
        .unwrap();
    let options = CallOptions::default();
    let sum = session
        .call_tool("add", args(json!({"a": 2, "b": 40})), &options, None)
        .await
        .unwrap();
    assert!(result_json(&sum.result).to_string().contains("42"));
    let templates = session.list_resource_templates().await.unwrap();
    let templates = serde_json::to_value(&templates).unwrap();
    assert_eq!(templates[0]["uriTemplate"], "note://{name}");
    let note = session.read_resource("note://welcome").await.unwrap();
    assert!(
        serde_json::to_string(&note)
            .unwrap()
            .contains("Hello from the Python SDK.")
    );
    let prompt = session
        .get_prompt("summarize", args(json!({"topic": "MCP"})))
        .await
        .unwrap();
    assert!(
        serde_json::to_string(&prompt)
            .unwrap()
            .contains("Summarize what you know about MCP")
    );
    // Bad arguments are the server's tool error, not a client failure.
    let bad = session
        .call_tool("add", args(json!({"a": "two"})), &options, None)
        .await
        .unwrap();
    assert_eq!(bad.result.is_error, Some(true));
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mcpow_serve_is_a_server_too() {
    let spec = common::sample("petstore-3.0.yaml");
    let mock = common::processes::start_mcpow(&["mock", spec.to_str().unwrap(), "--port", "0"]);
    let command = with_env(
        stdio(
            env!("CARGO_BIN_EXE_mcpow"),
            &["serve", spec.to_str().unwrap(), "--base-url", &mock.url],
        ),
        "PET_CLINIC_STORE_API_KEY",
        "k-1",
    );
    let session = Session::connect(Target::Stdio(command), &ConnectOptions::default())
        .await
        .unwrap();
    let tools = session.list_tools().await.unwrap();
    assert_eq!(tools.len(), 10);
    let pets = session
        .call_tool(
            "listPets",
            args(json!({"limit": 2})),
            &CallOptions::default(),
            None,
        )
        .await
        .unwrap();
    assert_ne!(pets.result.is_error, Some(true), "{:?}", pets.result);
    assert!(
        pets.output_problems.is_empty(),
        "{:?}",
        pets.output_problems
    );
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_follow_cursors_including_the_empty_string() {
    let command = support::faulty("paged");
    let session = Session::connect(Target::Stdio(command), &ConnectOptions::default())
        .await
        .unwrap();
    let tools = session.list_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["ok", "hang", "huge", "crash"]);
    let cursors: Vec<String> = session
        .capture()
        .frames()
        .iter()
        .filter(|f| f.text.contains("tools/list"))
        .map(|f| f.text.clone())
        .collect();
    assert!(
        cursors.iter().any(|f| f.contains("\"cursor\":\"\"")),
        "{cursors:?}"
    );
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_over_the_legacy_sse_transport() {
    let Some((mut child, port)) = support::everything_on_a_port("sse").await else {
        return;
    };
    let target = Target::Sse {
        url: format!("http://127.0.0.1:{port}/sse"),
        headers: Vec::new(),
    };
    let session = Session::connect(target, &ConnectOptions::default())
        .await
        .expect("connect over SSE");
    everything_answers_with_progress(&session, "SSE").await;
    let frames = session.capture().frames();
    assert!(frames.iter().any(|f| f.text.contains("\"initialize\"")));
    session.close().await;
    let _ = child.kill().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_protocol_version_is_negotiated_and_kept() {
    let session = Session::connect(
        Target::Stdio(support::faulty("protocol-2025-06-18")),
        &ConnectOptions::default(),
    )
    .await
    .unwrap();
    let summary = session.summary().unwrap();
    assert_eq!(summary.protocol_version, "2025-06-18");
    assert_eq!(summary.info.unwrap().name, "faulty-protocol-2025-06-18");
    let asked = &session.capture().frames()[0].text;
    assert!(
        asked.contains("\"protocolVersion\":\"2026-07-28\""),
        "{asked}"
    );
    let ok = session
        .call_tool("ok", Map::new(), &CallOptions::default(), None)
        .await
        .unwrap();
    assert_eq!(result_json(&ok.result)["content"][0]["text"], "ok: fine");
    session.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_are_refreshed_when_the_server_says_they_changed() {
    let session = Session::connect(
        Target::Stdio(support::faulty("changing")),
        &ConnectOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(session.list_tools().await.unwrap().len(), 4);
    let mut events = session.subscribe();
    session
        .call_tool("ok", Map::new(), &CallOptions::default(), None)
        .await
        .unwrap();
    let refreshed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(SessionEvent::ListRefreshed(kind)) = events.recv().await {
                return kind;
            }
        }
    })
    .await
    .expect("a refresh within 10 s");
    assert_eq!(refreshed, mcpoverflow::mcp::ListKind::Tools);
    let tools = session.cached_lists().tools.expect("a cached list");
    assert_eq!(tools.len(), 5);
    assert_eq!(tools[4].name, "added");
    session.close().await;
}
