//! `mcpow engine serve`: the embedded engine over the MCPOverflow API, with axum on 127.0.0.1 by default.
//! Sync calls, async generation jobs (queued, then processing through the stages, then completed or
//! failed; at most `concurrency` at a time), an optional API key (`Authorization: Bearer`), a request size
//! limit, and a JSON error (`{"error", "code"}`) for every refusal. A job created twice with the same
//! `Idempotency-Key` is one job.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinHandle;

use super::api::{
    AnalyzeRequest, ApiError, FixRequest, GenerateConnectorRequest, GenerateTestsRequest, Health,
    JobCreated, JobState, Progress, ValidateRequest,
};
use super::service::{self, ENGINE_NAME, EngineError};

/// How `engine serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub host: std::net::IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Required as `Authorization: Bearer KEY` on /api/* when set.
    pub api_key: Option<String>,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Jobs processed at once; more wait, queued.
    pub concurrency: usize,
    /// A pause at each stage of a job (to watch progress, or to test a client against a slow engine).
    pub stage_delay: std::time::Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            host: std::net::Ipv4Addr::LOCALHOST.into(),
            port: 3001,
            api_key: None,
            max_body_bytes: 32 * 1024 * 1024,
            concurrency: 2,
            stage_delay: std::time::Duration::ZERO,
        }
    }
}

struct Shared {
    api_key: Option<String>,
    jobs: Mutex<HashMap<String, JobState>>,
    /// Idempotency keys of created jobs, to their ids.
    keys: Mutex<HashMap<String, String>>,
    slots: Arc<Semaphore>,
    next_id: std::sync::atomic::AtomicU64,
    stage_delay: std::time::Duration,
}

type AppState = Arc<Shared>;

/// A running `engine serve`; stops when dropped or with [`RunningEngine::stop`].
pub struct RunningEngine {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningEngine {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting and waits for the server to end; what it was doing ends with it.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }

    /// Runs until the server fails (a `mcpow engine serve` in the foreground).
    pub async fn wait(mut self) -> std::io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl Drop for RunningEngine {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Binds and starts serving.
pub async fn start(options: ServeOptions) -> std::io::Result<RunningEngine> {
    let shared = Arc::new(Shared {
        api_key: options.api_key.clone().filter(|k| !k.is_empty()),
        jobs: Mutex::new(HashMap::new()),
        keys: Mutex::new(HashMap::new()),
        slots: Arc::new(Semaphore::new(options.concurrency.max(1))),
        next_id: std::sync::atomic::AtomicU64::new(1),
        stage_delay: options.stage_delay,
    });
    let router = Router::new()
        .route("/health", get(health))
        .route("/api/analyze", post(analyze))
        .route("/api/generate-connector", post(generate_connector))
        .route("/api/jobs/generate-connector", post(create_job))
        .route("/api/jobs/{job_id}", get(job))
        .route("/api/generate-tests", post(generate_tests))
        .route("/api/validate-connector", post(validate))
        .route("/api/fix-connector", post(fix))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .with_state(shared);
    let listener = tokio::net::TcpListener::bind((options.host, options.port)).await?;
    let addr = listener.local_addr()?;
    let (shutdown, task) = crate::http::listen::serve_until_stopped(listener, router);
    Ok(RunningEngine {
        addr,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}

/// A refusal: its status and the JSON body every error has.
struct Refusal(StatusCode, ApiError);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, axum::Json(self.1)).into_response()
    }
}

fn refusal(status: StatusCode, code: &str, message: impl Into<String>) -> Refusal {
    Refusal(
        status,
        ApiError {
            error: message.into(),
            code: code.to_string(),
        },
    )
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    refusal(status, code, message).into_response()
}

impl IntoResponse for EngineError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        error(status, self.code(), self.to_string())
    }
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}

/// The API key, when one is set; a refusal otherwise.
fn authorize(state: &Shared, headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(key) = &state.api_key else {
        return Ok(());
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(given) if given == key => Ok(()),
        Some(_) => Err(refusal(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the API key is not this engine's",
        )),
        None => Err(refusal(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this engine needs an API key: Authorization: Bearer <key>",
        )),
    }
}

/// The body as `T`, or a JSON refusal naming the field (or the size limit).
fn parse<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, Refusal> {
    let bytes = body.map_err(|rejection| {
        let status = rejection.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "too_large"
        } else {
            "bad_request"
        };
        refusal(status, code, rejection.body_text())
    })?;
    let mut reader = serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let at = e.path().to_string();
        let message = if at == "." {
            format!("the body is not the expected JSON: {}", e.inner())
        } else {
            format!("{at}: {}", e.inner())
        };
        refusal(StatusCode::BAD_REQUEST, "bad_request", message)
    })
}

/// Runs CPU-bound engine work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, EngineError> + Send + 'static,
) -> Result<T, EngineError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(EngineError::Failed(format!("the engine stopped: {e}"))))
}

async fn health() -> Response {
    json(
        StatusCode::OK,
        &Health {
            status: "ok".into(),
            engine: ENGINE_NAME.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            model: None,
        },
    )
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint (see GET /health and /api/*)",
    )
}

/// A sync endpoint: authorize, parse, run `work` off the async threads, answer 200 with its result.
async fn sync_call<Q, A>(
    state: AppState,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
    work: fn(&Q) -> Result<A, EngineError>,
) -> Response
where
    Q: DeserializeOwned + Send + 'static,
    A: Serialize + Send + 'static,
{
    if let Err(refused) = authorize(&state, &headers) {
        return refused.into_response();
    }
    let request: Q = match parse(body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    match blocking(move || work(&request)).await {
        Ok(answer) => json(StatusCode::OK, &answer),
        Err(e) => e.into_response(),
    }
}

async fn analyze(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    sync_call::<AnalyzeRequest, _>(state, headers, body, service::analyze).await
}

async fn generate_connector(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    sync_call::<GenerateConnectorRequest, _>(state, headers, body, |request| {
        service::generate_connector(request, &mut |_, _, _| {})
    })
    .await
}

async fn generate_tests(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    sync_call::<GenerateTestsRequest, _>(state, headers, body, service::generate_tests).await
}

async fn validate(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    sync_call::<ValidateRequest, _>(state, headers, body, service::validate).await
}

async fn fix(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    sync_call::<FixRequest, ()>(state, headers, body, |_| {
        Err(EngineError::NeedsAi(
            "fixing a connector from its failing tests",
        ))
    })
    .await
}

fn now() -> String {
    crate::mock::rfc3339(crate::store::now_millis())
}

async fn create_job(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(refused) = authorize(&state, &headers) {
        return refused.into_response();
    }
    let request: GenerateConnectorRequest = match parse(body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let id = {
        let mut keys = state.keys.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = key.as_ref().and_then(|k| keys.get(k)) {
            // The same request again (a retry after a lost answer): the same job.
            let jobs = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(job) = jobs.get(existing) {
                return json(StatusCode::ACCEPTED, &created(job));
            }
        }
        let number = state
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("job-{number}");
        if let Some(key) = key {
            keys.insert(key, id.clone());
        }
        id
    };
    let job = JobState {
        job_id: id.clone(),
        kind: "generate-connector".into(),
        status: "queued".into(),
        progress: Progress {
            stage: "queued".into(),
            percent: 0,
            message: "waiting for a slot".into(),
        },
        result: None,
        error: None,
        created_at: now(),
        started_at: None,
        completed_at: None,
    };
    let answer = created(&job);
    state
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id.clone(), job);
    tokio::spawn(run_job(state.clone(), id, request));
    json(StatusCode::ACCEPTED, &answer)
}

fn created(job: &JobState) -> JobCreated {
    JobCreated {
        job_id: job.job_id.clone(),
        status: job.status.clone(),
        estimated_ms: 1000,
    }
}

fn update(state: &Shared, id: &str, change: impl FnOnce(&mut JobState)) {
    if let Some(job) = state
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_mut(id)
    {
        change(job);
    }
}

async fn run_job(state: AppState, id: String, request: GenerateConnectorRequest) {
    let Ok(_slot) = state.slots.clone().acquire_owned().await else {
        return;
    };
    update(&state, &id, |job| {
        job.status = "processing".into();
        job.started_at = Some(now());
    });
    let progress_state = state.clone();
    let progress_id = id.clone();
    let delay = state.stage_delay;
    let outcome = blocking(move || {
        service::generate_connector(&request, &mut |stage, percent, message| {
            update(&progress_state, &progress_id, |job| {
                job.progress = Progress {
                    stage: stage.to_string(),
                    percent,
                    message,
                };
            });
            if !delay.is_zero() && stage != "done" {
                std::thread::sleep(delay);
            }
        })
    })
    .await;
    update(&state, &id, |job| {
        job.completed_at = Some(now());
        match outcome {
            Ok(result) => {
                job.status = "completed".into();
                job.result = serde_json::to_value(result).ok();
            }
            Err(e) => {
                job.status = "failed".into();
                job.error = Some(e.to_string());
            }
        }
    });
}

async fn job(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Response {
    if let Err(refused) = authorize(&state, &headers) {
        return refused.into_response();
    }
    let jobs = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
    match jobs.get(&job_id) {
        Some(job) => json(StatusCode::OK, job),
        None => error(
            StatusCode::NOT_FOUND,
            "job_not_found",
            format!("no job {job_id} on this engine"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::mock::rfc3339;

    #[test]
    fn times_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_704_067_200_123), "2024-01-01T00:00:00.123Z");
    }
}
