//! A backend's life through the library: started, answering, discovered, and always stopped.

use std::path::PathBuf;
use std::time::Duration;

use mcpoverflow::contract::backend::{
    Backend, BackendError, PortChoice, StartOptions, group_alive,
};
use mcpoverflow::spec::{LoadOptions, SpecSource};

use crate::support::{options, process_alive, python, read_pid, tiny_backend_dir};

#[tokio::test(flavor = "multi_thread")]
async fn started_backend_answers_is_discovered_and_stopped() {
    if !python() {
        return;
    }
    let dir = tiny_backend_dir();
    let mut backend = Backend::start(&options("python3 app.py", dir.path()))
        .await
        .expect("the tiny backend starts");
    let group = backend.process_group();
    assert!(group_alive(group));
    assert_eq!(
        backend.url().as_str(),
        format!("http://127.0.0.1:{}/", backend.port())
    );

    let source = backend
        .spec_source(None, &LoadOptions::default())
        .await
        .expect("discovered");
    assert_eq!(
        source,
        SpecSource::Url(format!("http://127.0.0.1:{}/openapi.json", backend.port()))
    );
    let model = mcpoverflow::spec::load(&source, &LoadOptions::default())
        .await
        .unwrap();
    assert_eq!(model.title, "Tiny main");
    assert_eq!(model.operations.len(), 3);
    assert_eq!(
        backend.api_base_url(&model),
        format!("http://127.0.0.1:{}/api", backend.port())
    );
    let items: serde_json::Value = reqwest::get(format!("{}/items", backend.api_base_url(&model)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(items[0]["name"], "first");

    let stopped = backend.stop().await;
    assert!(!stopped.killed, "python stops on SIGTERM: {stopped:?}");
    assert!(!group_alive(group));
    assert!(!process_alive(group));
    assert!(backend.output().text().contains("tiny backend on port"));
    assert!(backend.output().text().contains("GET /api/items"));
    // Stopping twice is harmless.
    assert_eq!(backend.stop().await, stopped);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_port_is_substituted_and_a_health_url_is_waited_for() {
    if !python() {
        return;
    }
    let dir = tiny_backend_dir();
    // PORT is unset for the script (it reads it from the environment): `{port}` fills it in.
    let mut start = options("PORT={port} exec python3 app.py", dir.path());
    start.health = Some("http://127.0.0.1:{port}/api/items".to_string());
    start.env = vec![("PORT".to_string(), "1".to_string())];
    let mut backend = Backend::start(&start).await.expect("started");
    let body = reqwest::get(format!("{}api/items/1", backend.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("first"), "{body}");
    backend.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_the_guard_stops_the_whole_group() {
    if !python() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("child.pid");
    // A grandchild in the same group: the listener, and a sleeper the shell waits for.
    let command = format!(
        "sleep 600 & echo $! > {}; exec python3 -m http.server {{port}} --bind 127.0.0.1",
        pids.display()
    );
    let backend = Backend::start(&options(&command, dir.path()))
        .await
        .expect("started");
    let group = backend.process_group();
    let sleeper = read_pid(&pids);
    assert!(process_alive(sleeper));
    drop(backend);
    assert!(!group_alive(group));
    assert!(!process_alive(sleeper), "the grandchild was left running");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backend_ignoring_sigterm_is_killed_after_the_grace_period() {
    if !python() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut start = options(
        "trap '' TERM; exec python3 -c 'import signal, http.server, os; \
         signal.signal(signal.SIGTERM, signal.SIG_IGN); \
         http.server.HTTPServer((\"127.0.0.1\", int(os.environ[\"PORT\"])), http.server.BaseHTTPRequestHandler).serve_forever()'",
        dir.path(),
    );
    start.stop_grace = Duration::from_millis(300);
    let mut backend = Backend::start(&start).await.expect("started");
    let group = backend.process_group();
    let stopped = backend.stop().await;
    assert!(stopped.killed, "{stopped:?}");
    assert!(stopped.status.contains("signal: 9"), "{stopped:?}");
    assert!(!group_alive(group));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backend_that_exits_early_is_reported_with_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let error = Backend::start(&options(
        "echo 'starting up'; echo 'config file missing: app.toml' >&2; exit 3",
        dir.path(),
    ))
    .await
    .expect_err("it exits");
    let message = error.to_string();
    assert!(matches!(error, BackendError::Exited { .. }), "{message}");
    assert!(message.contains("exit status: 3"), "{message}");
    assert!(
        message.contains("config file missing: app.toml"),
        "{message}"
    );
    assert!(message.contains("starting up"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_health_timeout_names_the_url_and_stops_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("sh.pid");
    let mut start = options(
        &format!(
            "echo $$ > {}; echo 'still warming up'; sleep 600",
            pid_file.display()
        ),
        dir.path(),
    );
    start.health = Some("http://127.0.0.1:{port}/ready".to_string());
    start.startup_timeout = Duration::from_millis(800);
    let error = Backend::start(&start).await.expect_err("never ready");
    let message = error.to_string();
    assert!(matches!(error, BackendError::TimedOut { .. }), "{message}");
    assert!(message.contains("/ready"), "{message}");
    assert!(message.contains("still warming up"), "{message}");
    let shell = read_pid(&pid_file);
    assert!(
        !group_alive(shell),
        "the timed-out backend was left running"
    );
    assert!(!process_alive(shell));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_start_options_are_refused_clearly() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut start = StartOptions::new("true");
    start.port = PortChoice::Fixed(port);
    let message = Backend::start(&start).await.unwrap_err().to_string();
    assert!(
        message.contains(&format!("port {port}")) && message.contains("taken"),
        "{message}"
    );

    let mut start = StartOptions::new("true");
    start.health = Some("localhost:{port}/health".to_string());
    let message = Backend::start(&start).await.unwrap_err().to_string();
    assert!(message.starts_with("--health"), "{message}");

    let mut start = StartOptions::new("true");
    start.cwd = Some(PathBuf::from("/no/such/dir"));
    let message = Backend::start(&start).await.unwrap_err().to_string();
    assert!(message.contains("/no/such/dir"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_failure_says_what_was_tried() {
    if !python() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut backend = Backend::start(&options(
        "exec python3 -m http.server {port} --bind 127.0.0.1",
        dir.path(),
    ))
    .await
    .unwrap();
    let error = backend
        .spec_source(None, &LoadOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("no API description found"), "{error}");
    assert!(
        error.contains("/openapi.json") && error.contains("/__api__"),
        "{error}"
    );
    // A given spec is taken as it is, `{port}` filled in.
    let given = backend
        .spec_source(
            Some("http://127.0.0.1:{port}/v1/__api__"),
            &LoadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        given,
        SpecSource::Url(format!("http://127.0.0.1:{}/v1/__api__", backend.port()))
    );
    backend.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_while_the_backend_runs_still_stops_it() {
    if !python() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let start = options(
        "echo $$ > backend.pid; exec python3 -m http.server {port} --bind 127.0.0.1",
        dir.path(),
    );
    let task = tokio::spawn(async move {
        let _backend = Backend::start(&start).await.expect("started");
        panic!("a check failed while the backend ran");
    });
    let error = task.await.expect_err("the task panicked");
    assert!(error.is_panic());
    let pid = read_pid(&dir.path().join("backend.pid"));
    assert!(!process_alive(pid), "the backend outlived the panic");
}
