//! The remote engine client (`src/engine/remote.rs`): against `mcpow engine serve` in a separate process,
//! and against a scripted fault server on 127.0.0.1 (500s, 503 then success, 401, malformed JSON, a body cut
//! off, a connection reset, a stall past the timeout, a job that never completes). Every case ends as a
//! success after retries or as a clear error within its timeout, and one request never makes two jobs.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::processes::start_mcpow_with;
use mcpoverflow::engine::api::{AnalyzeRequest, GenerateConnectorRequest, ValidateRequest};
use mcpoverflow::engine::remote::{RemoteEngine, RemoteError, RemoteSettings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn petstore() -> String {
    std::fs::read_to_string(common::sample("petstore-3.0.yaml")).unwrap()
}

fn generation(language: &str) -> GenerateConnectorRequest {
    GenerateConnectorRequest {
        name: "clinic".into(),
        spec_type: "openapi".into(),
        spec: petstore(),
        language: language.into(),
        runtime: "stdio".into(),
        endpoints: None,
        description: None,
    }
}

fn settings(url: &str, key: Option<&str>) -> RemoteSettings {
    RemoteSettings {
        api_key: key.map(str::to_string),
        timeout: Duration::from_secs(20),
        retries: 3,
        poll_interval: Duration::from_millis(20),
        ..RemoteSettings::new(url)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn against_mcpow_engine_serve() {
    let engine = start_mcpow_with(
        &["engine", "serve", "--port", "0"],
        &[("MCPOW_ENGINE_API_KEY", "remote-key")],
    );
    let remote = RemoteEngine::new(settings(&engine.url, Some("remote-key"))).unwrap();
    let health = remote.health().await.unwrap();
    assert_eq!(
        (health.status.as_str(), health.engine.as_str()),
        ("ok", "mcpow-embedded")
    );

    let analysis = remote
        .analyze(&AnalyzeRequest {
            spec_type: "openapi".into(),
            spec: petstore(),
        })
        .await
        .unwrap();
    assert_eq!(analysis.endpoints.len(), 10);

    let sync = remote
        .generate_connector(&generation("python"))
        .await
        .unwrap();
    assert!(
        sync.connector
            .files
            .iter()
            .any(|f| f.path == "pyproject.toml")
    );

    let mut stages = Vec::new();
    let job = remote
        .generate_connector_async(&generation("typescript"), &mut |state| {
            stages.push(state.status.clone())
        })
        .await
        .unwrap();
    assert!(job.connector.files.iter().any(|f| f.path == "package.json"));
    assert_eq!(stages.last().map(String::as_str), Some("completed"));
    // The files are the embedded engine's, byte for byte: the same as a local generation.
    assert_eq!(
        remote
            .generate_connector(&generation("typescript"))
            .await
            .unwrap()
            .connector
            .files,
        job.connector.files
    );

    let tests = remote
        .generate_tests(&mcpoverflow::engine::api::GenerateTestsRequest {
            connector: mcpoverflow::engine::api::ConnectorFiles {
                language: "typescript".into(),
                files: job.connector.files.clone(),
            },
            spec: petstore(),
        })
        .await
        .unwrap();
    assert_eq!(tests.framework, "node:test");
    let valid = remote
        .validate(&ValidateRequest {
            connector: mcpoverflow::engine::api::ConnectorFiles {
                language: "typescript".into(),
                files: job.connector.files,
            },
            tests: None,
        })
        .await
        .unwrap();
    assert!(valid.valid, "{:?}", valid.issues);

    // Auth: required, and refused when wrong, at once (a 401 is not retried).
    for key in [None, Some("wrong")] {
        let refused = RemoteEngine::new(settings(&engine.url, key)).unwrap();
        let started = Instant::now();
        match refused
            .analyze(&AnalyzeRequest {
                spec_type: "openapi".into(),
                spec: petstore(),
            })
            .await
        {
            Err(RemoteError::Refused {
                status: 401, code, ..
            }) => assert_eq!(code, "unauthorized"),
            other => panic!("expected a 401, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}

/// Each request's first line and Idempotency-Key, in order.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// What the fault server does with one connection.
#[derive(Debug, Clone)]
enum Act {
    Answer(u16, &'static str),
    /// A 200 whose Content-Length promises more than is sent.
    CutOff,
    /// Closed with a reset before any answer.
    Reset,
    /// Reads the request and never answers.
    Stall,
}

/// A raw HTTP server on 127.0.0.1 that plays `script` (one act per connection, the last one repeated) and
/// records each request's first line and Idempotency-Key.
struct FaultServer {
    url: String,
    requests: Seen,
}

impl FaultServer {
    async fn start(script: Vec<Act>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        tokio::spawn(async move {
            let mut next = 0;
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let act = script[next.min(script.len() - 1)].clone();
                next += 1;
                let seen = seen.clone();
                tokio::spawn(async move { serve_one(socket, act, seen).await });
            }
        });
        FaultServer { url, requests }
    }

    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

async fn serve_one(mut socket: TcpStream, act: Act, seen: Seen) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    // Headers, then the body by its Content-Length.
    let head_end = loop {
        let Ok(n) = socket.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let Ok(n) = socket.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let first = head.lines().next().unwrap_or("").to_string();
    seen.lock()
        .unwrap()
        .push((first, header("idempotency-key")));
    match act {
        Act::Answer(status, body) => {
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
        Act::CutOff => {
            let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\nconnection: close\r\n\r\n{\"status\":\"o";
            let _ = socket.write_all(reply.as_bytes()).await;
        }
        Act::Reset => {
            let _ = socket.set_zero_linger();
        }
        Act::Stall => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    }
    let _ = socket.shutdown().await;
}

const HEALTHY: &str = r#"{"status":"ok","engine":"fault","version":"1"}"#;

fn quick(url: &str) -> RemoteEngine {
    RemoteEngine::new(RemoteSettings {
        timeout: Duration::from_millis(800),
        retries: 3,
        poll_interval: Duration::from_millis(20),
        ..RemoteSettings::new(url)
    })
    .unwrap()
}

/// Runs `health` against a server playing `script`: the outcome, the requests made, and the time taken.
async fn health_with(script: Vec<Act>) -> (Result<String, String>, usize, Duration) {
    let server = FaultServer::start(script).await;
    let started = Instant::now();
    let outcome = quick(&server.url)
        .health()
        .await
        .map(|h| h.engine)
        .map_err(|e| e.to_string());
    (outcome, server.count(), started.elapsed())
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_end_in_a_success_after_retries_or_a_clear_error_in_time() {
    // 503 then success: retried.
    let (outcome, requests, _) =
        health_with(vec![Act::Answer(503, "{}"), Act::Answer(200, HEALTHY)]).await;
    assert_eq!((outcome, requests), (Ok("fault".into()), 2));
    // A reset, a body cut off, malformed JSON: each retried, then the answer.
    let (outcome, requests, _) = health_with(vec![
        Act::Reset,
        Act::CutOff,
        Act::Answer(200, "{not json"),
        Act::Answer(200, HEALTHY),
    ])
    .await;
    assert_eq!((outcome, requests), (Ok("fault".into()), 4));
    // 500s only: four attempts (one and three retries), then an error with the last reason.
    let (outcome, requests, _) = health_with(vec![Act::Answer(500, "boom")]).await;
    let error = outcome.unwrap_err();
    assert_eq!(requests, 4);
    assert!(
        error.contains("4 attempts") && error.contains("500: boom"),
        "{error}"
    );
    // Malformed JSON every time: named as such.
    let (outcome, _, _) = health_with(vec![Act::Answer(200, "[1,")]).await;
    assert!(outcome.unwrap_err().contains("not the expected JSON"));
    // 401: final at once.
    let (outcome, requests, _) = health_with(vec![Act::Answer(
        401,
        r#"{"error":"no key","code":"unauthorized"}"#,
    )])
    .await;
    let error = outcome.unwrap_err();
    assert_eq!(requests, 1);
    assert!(error.contains("401 (unauthorized): no key"), "{error}");
    // A stall: each attempt ends at the timeout (0.8 s), all four within their bound (plus backoff).
    let (outcome, requests, took) = health_with(vec![Act::Stall]).await;
    let error = outcome.unwrap_err();
    assert!(error.contains("timed out"), "{error}");
    assert_eq!(requests, 4);
    assert!(took < Duration::from_secs(4 + 5), "{took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_is_created_once_however_often_its_creation_is_retried() {
    let created = r#"{"jobId":"job-7","status":"queued","estimatedMs":10}"#;
    let done = r#"{"jobId":"job-7","type":"generate-connector","status":"completed","progress":{"stage":"done","percent":100,"message":""},"result":{"connector":{"name":"c","language":"python","runtime":"stdio","files":[]},"aiModel":"m","tokensUsed":12,"durationMs":3},"createdAt":"2026-01-01T00:00:00.000Z"}"#;
    // The creation's answers are lost twice (a reset, a 502); the engine reconciles by the key.
    let server = FaultServer::start(vec![
        Act::Reset,
        Act::Answer(502, "bad gateway"),
        Act::Answer(202, created),
        Act::Answer(200, done),
    ])
    .await;
    let result = quick(&server.url)
        .generate_connector_async(&generation("python"), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        (result.ai_model.as_deref(), result.tokens_used),
        (Some("m"), 12)
    );
    let requests = server.requests.lock().unwrap().clone();
    let creations: Vec<&Option<String>> = requests
        .iter()
        .filter(|(line, _)| line.starts_with("POST /api/jobs/generate-connector"))
        .map(|(_, key)| key)
        .collect();
    assert_eq!(creations.len(), 3);
    assert!(creations[0].is_some());
    assert!(
        creations.iter().all(|k| *k == creations[0]),
        "one key: {creations:?}"
    );

    // Against the real engine: the same key twice is one job.
    let engine = start_mcpow_with(&["engine", "serve", "--port", "0"], &[]);
    let remote = quick(&engine.url);
    let first = remote
        .create_job(&generation("python"), "key-1")
        .await
        .unwrap();
    let second = remote
        .create_job(&generation("python"), "key-1")
        .await
        .unwrap();
    let other = remote
        .create_job(&generation("python"), "key-2")
        .await
        .unwrap();
    assert_eq!(first.job_id, second.job_id);
    assert_ne!(first.job_id, other.job_id);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_that_never_completes_fails_at_the_timeout() {
    let created = r#"{"jobId":"job-1","status":"queued","estimatedMs":10}"#;
    let stuck = r#"{"jobId":"job-1","type":"generate-connector","status":"processing","progress":{"stage":"generating code","percent":40,"message":""},"createdAt":"2026-01-01T00:00:00.000Z"}"#;
    let server = FaultServer::start(vec![Act::Answer(202, created), Act::Answer(200, stuck)]).await;
    let started = Instant::now();
    let error = quick(&server.url)
        .generate_connector_async(&generation("python"), &mut |_| {})
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(&error, RemoteError::JobTimedOut { stage, .. } if stage == "generating code"),
        "{error}"
    );
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_secs(3),
        "{took:?}"
    );
    // A failed job's reason comes through.
    let failed = r#"{"jobId":"job-1","type":"generate-connector","status":"failed","progress":{"stage":"generating code","percent":40,"message":""},"error":"the model gave up","createdAt":"2026-01-01T00:00:00.000Z"}"#;
    let server =
        FaultServer::start(vec![Act::Answer(202, created), Act::Answer(200, failed)]).await;
    let error = quick(&server.url)
        .generate_connector_async(&generation("python"), &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the engine's job job-1 failed: the model gave up"
    );
}

#[test]
fn mcpow_generate_through_a_remote_engine_keeps_the_job_and_the_connector() {
    let engine = start_mcpow_with(&["engine", "serve", "--port", "0"], &[]);
    let data = tempfile::tempdir().unwrap();
    let spec = common::sample("petstore-3.0.yaml");
    let generate = |out: &std::path::Path, engine_arg: &str, project: bool| {
        let mut command = common::mcpow();
        command
            .args([
                "generate",
                spec.to_str().unwrap(),
                "--lang",
                "python",
                "--engine",
                engine_arg,
            ])
            .arg("--out")
            .arg(out)
            .arg("--data-dir")
            .arg(data.path())
            .env("MCPOVERFLOW_POLL_INTERVAL", "20")
            .env_remove("MCPOW_DATA_DIR");
        if project {
            command.args(["--project", "remote-demo"]);
        }
        let output = common::run_bounded(command, None, Duration::from_secs(120));
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(output.status.success(), "{stderr}");
        stderr
    };
    let remote_out = data.path().join("remote");
    let said = generate(&remote_out, &engine.url, true);
    assert!(said.contains("kept in project remote-demo"), "{said}");
    let local_out = data.path().join("local");
    generate(&local_out, "embedded", false);
    assert_eq!(
        common::tree(&remote_out),
        common::tree(&local_out),
        "the same project either way"
    );
    let direct = data.path().join("direct");
    let said = generate(&direct, &engine.url, false);
    assert!(said.contains(&format!("from {}", engine.url)), "{said}");
    assert_eq!(common::tree(&direct), common::tree(&local_out));

    let store = mcpoverflow::store::Store::open(&data.path().join("store")).unwrap();
    let jobs = store.jobs().unwrap();
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];
    assert_eq!(job.engine, engine.url);
    assert!(
        job.remote_id
            .as_deref()
            .is_some_and(|id| id.starts_with("job-"))
    );
    assert_eq!(job.status, mcpoverflow::store::JobStatus::Completed);
    let connector = store
        .connector("remote-demo", "pet-clinic-store-mcp")
        .unwrap()
        .unwrap();
    assert_eq!(connector.engine, engine.url);
    assert_eq!(
        (connector.tokens_used, connector.job),
        (Some(0), Some(job.id))
    );
    let refused = common::run_bounded(
        {
            let mut command = common::mcpow();
            command.args([
                "generate",
                spec.to_str().unwrap(),
                "--lang",
                "rust",
                "--engine",
                "ftp://x",
                "--out",
            ]);
            command.arg(data.path().join("never"));
            command
        },
        None,
        Duration::from_secs(60),
    );
    common::assert_refused(&refused, "--engine `ftp://x`");
}

#[test]
fn the_config_files_engine_table_picks_the_engine_and_its_key() {
    let engine = start_mcpow_with(
        &["engine", "serve", "--port", "0"],
        &[("MCPOW_ENGINE_API_KEY", "team-secret")],
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    let spec = common::sample("petstore-3.0.yaml");
    let generate = |out: &str, key: Option<&str>| {
        let mut command = common::mcpow();
        command
            .args(["generate", spec.to_str().unwrap(), "--lang", "python"])
            .arg("--out")
            .arg(dir.path().join(out))
            .arg("--config-dir")
            .arg(&config);
        for name in [
            "MCPOVERFLOW_API_URL",
            "MCPOVERFLOW_API_KEY",
            "MCPOVERFLOW_POLL_INTERVAL",
            "TEAM_ENGINE_KEY",
        ] {
            command.env_remove(name);
        }
        if let Some(key) = key {
            command.env("TEAM_ENGINE_KEY", key);
        }
        common::run_bounded(command, None, Duration::from_secs(120))
    };
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[engine]\nurl = \"{}\"\napi_key_env = \"TEAM_ENGINE_KEY\"\npoll_interval_ms = 20\n",
            engine.url
        ),
    )
    .unwrap();
    let output = generate("with-key", Some("team-secret"));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(said.contains(&format!("from {}", engine.url)), "{said}");
    assert!(dir.path().join("with-key/README.md").exists());

    let refused = generate("without-key", None);
    let said = common::assert_refused(&refused, "401");
    assert!(!said.contains("team-secret"), "{said}");

    // A key written into the file itself is refused, naming the file and line, and never echoed.
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[engine]\nurl = \"{}\"\napi_key = \"team-secret\"\n",
            engine.url
        ),
    )
    .unwrap();
    let refused = generate("key-in-file", Some("team-secret"));
    let said = common::assert_refused(&refused, "config.toml, line 3: engine.api_key");
    assert!(!said.contains("team-secret"), "{said}");
}
