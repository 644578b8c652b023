//! A REST mock of an API description: an axum server on 127.0.0.1 that answers every operation of an
//! [`ApiModel`], validating parameters and bodies against the spec and answering with the spec's examples or
//! values synthesized from its schemas.
//!
//! ```no_run
//! # async fn demo(model: mcpoverflow::spec::ApiModel) -> Result<(), mcpoverflow::mock::MockError> {
//! use std::sync::Arc;
//! use mcpoverflow::mock::{MockOptions, start};
//! let mock = start(Arc::new(model), MockOptions::default()).await?;
//! println!("{}", mock.base_url());        // http://127.0.0.1:PORT
//! let requests = mock.log().entries();    // what it received
//! mock.stop().await?;
//! # Ok(()) }
//! ```
//!
//! Paths match by template, with or without the servers' base paths (`/v1`). GraphQL models answer
//! `POST /graphql` by reading the query. Beyond the spec: `latency`, `fail_rate` (seeded, deterministic),
//! `require_auth` (401 without credentials of a required scheme), `Prefer: code=404` and
//! `Prefer: example=NAME`. [`synth`] and [`sample`] are reusable on their own: valid values for any schema,
//! and a valid request for any operation.

mod auth;
mod body;
mod graphql;
mod handler;
mod log;
mod params;
mod problem;
mod respond;
mod routes;
pub mod sample;
pub mod synth;
pub mod validate;

/// Dates for `mcpow specs list` too.
pub(crate) use log::{civil_from_days, rfc3339};

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use thiserror::Error;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::spec::model::ApiModel;

pub use log::{LoggedRequest, RequestLog};
pub use sample::{SampleBody, SampleRequest, sample_request};
pub use synth::{Direction, SynthOptions, synthesize, synthesize_request};
pub use validate::{Issue, SchemaChecker};

/// How the mock behaves.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Added before every response.
    pub latency: Duration,
    /// The share of matched requests answered with an injected 500 or 503 (0 to 1).
    pub fail_rate: f64,
    /// Seeds the fault injection; `None` seeds from the clock.
    pub seed: Option<u64>,
    /// Answer 401 when no security requirement of the operation is met.
    pub require_auth: bool,
    /// Also append each logged request to this file, as JSON lines.
    pub log_file: Option<PathBuf>,
    /// How many requests the in-memory log keeps (the oldest go first).
    pub log_capacity: usize,
    pub max_body_bytes: usize,
    /// Check `format` (date-time, email, uuid, ...) of parameters and bodies, not only their types.
    pub validate_formats: bool,
    /// Answer with the spec's examples where it has them; `false` always synthesizes from the schema (real
    /// specs' examples often break their own schemas). `Prefer: example=NAME` works either way.
    pub use_examples: bool,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            port: 0,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            seed: None,
            require_auth: false,
            log_file: None,
            log_capacity: 1_000,
            max_body_bytes: 10 * 1024 * 1024,
            validate_formats: true,
            use_examples: true,
        }
    }
}

#[derive(Debug, Error)]
pub enum MockError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("cannot open the log file {}: {source}", path.display())]
    LogFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the fail rate must be between 0 and 1, not {0}")]
    FailRate(f64),
    #[error("the mock server stopped: {0}")]
    Server(String),
}

/// The router of a mock (for embedding in another server), and its request log.
pub fn router(
    model: Arc<ApiModel>,
    options: MockOptions,
) -> Result<(Router, Arc<RequestLog>, u64), MockError> {
    if !(0.0..=1.0).contains(&options.fail_rate) {
        return Err(MockError::FailRate(options.fail_rate));
    }
    let file = match &options.log_file {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|source| MockError::LogFile {
                    path: path.clone(),
                    source,
                })?,
        ),
        None => None,
    };
    let log = Arc::new(RequestLog::new(options.log_capacity, file));
    let seed = options.seed.unwrap_or_else(clock_seed);
    let state = Arc::new(handler::MockState::new(model, options, log.clone(), seed));
    let router = Router::new().fallback(handler::handle).with_state(state);
    Ok((router, log, seed))
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// Starts a mock on 127.0.0.1 and returns once it is listening.
pub async fn start(model: Arc<ApiModel>, options: MockOptions) -> Result<RunningMock, MockError> {
    let port = options.port;
    let operations = model.operations.len();
    let (router, log, seed) = router(model, options)?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|source| MockError::Bind { port, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| MockError::Bind { port, source })?;
    let (shutdown, task) = crate::http::listen::serve_until_stopped(listener, router);
    Ok(RunningMock {
        addr,
        log,
        seed,
        operations,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}

/// A mock that is listening. Dropping it stops it too (without waiting).
pub struct RunningMock {
    addr: SocketAddr,
    log: Arc<RequestLog>,
    seed: u64,
    operations: usize,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningMock {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn log(&self) -> &Arc<RequestLog> {
        &self.log
    }

    /// The seed of the fault injection (the given one, or the clock's).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn operation_count(&self) -> usize {
        self.operations
    }

    /// Stops accepting requests, lets the ones in flight finish, and waits for the server to end.
    pub async fn stop(mut self) -> Result<(), MockError> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.join().await
    }

    /// Waits until the server ends (it only ends on its own after an error).
    pub async fn wait(&mut self) -> Result<(), MockError> {
        self.join().await
    }

    async fn join(&mut self) -> Result<(), MockError> {
        match self.task.take() {
            Some(task) => match task.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(error)) => Err(MockError::Server(error.to_string())),
                Err(error) => Err(MockError::Server(error.to_string())),
            },
            None => Ok(()),
        }
    }
}

impl Drop for RunningMock {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
