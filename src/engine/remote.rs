//! The remote engine: a client of the MCPOverflow API (`mcpow engine serve`, or a shared AI engine).
//!
//! Every request carries `Authorization: Bearer` when a key is set and is bounded by the timeout.
//! Connection errors, timeouts, 5xx answers and bodies cut off are retried with exponential backoff and full
//! jitter, for requests that change nothing on the engine (health, analysis, generation, tests, validation,
//! polling). A job's creation is retried too, but always with the same `Idempotency-Key`, so the engine
//! reconciles the retries into the one job. Asynchronous generation polls the job every poll interval until it
//! completes, fails, or the timeout passes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

use super::api::{
    AnalyzeRequest, AnalyzeResponse, ApiError, FixRequest, GenerateConnectorRequest,
    GenerateConnectorResponse, GenerateTestsRequest, GenerateTestsResponse, Health, JobCreated,
    JobState, ValidateRequest, ValidateResponse,
};

/// The remote engine's settings (MCPOVERFLOW_* variables, or the config file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSettings {
    /// The API's base URL, without the trailing slash.
    pub url: String,
    pub api_key: Option<String>,
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    pub poll_interval: Duration,
}

impl RemoteSettings {
    pub const DEFAULT_TIMEOUT_MS: u64 = 300_000;
    pub const DEFAULT_RETRIES: u32 = 3;
    pub const DEFAULT_POLL_MS: u64 = 5_000;

    pub fn new(url: &str) -> RemoteSettings {
        RemoteSettings {
            url: url.trim_end_matches('/').to_string(),
            api_key: None,
            timeout: Duration::from_millis(Self::DEFAULT_TIMEOUT_MS),
            retries: Self::DEFAULT_RETRIES,
            poll_interval: Duration::from_millis(Self::DEFAULT_POLL_MS),
        }
    }

    /// From `MCPOVERFLOW_API_URL` (unset: `None`, the embedded engine), `_API_KEY`, `_TIMEOUT` (ms),
    /// `_RETRY_COUNT` and `_POLL_INTERVAL` (ms), read through `lookup`. A value that is not a number is an
    /// error naming the variable.
    pub fn from_env(
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<RemoteSettings>, String> {
        RemoteSettings::resolve(&EngineFileSettings::default(), lookup)
    }

    /// The environment over the config file's `[engine]`: each `MCPOVERFLOW_*` variable that is set wins
    /// over the file's value; the key comes from `MCPOVERFLOW_API_KEY`, else from the variable the file
    /// names in `api_key_env` (a key itself is never kept in the file).
    pub fn resolve(
        file: &EngineFileSettings,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<RemoteSettings>, String> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let Some(url) = get("MCPOVERFLOW_API_URL").or_else(|| file.url.clone()) else {
            return Ok(None);
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "MCPOVERFLOW_API_URL: `{url}` is not an http(s) URL"
            ));
        }
        let number = |name: &str, from_file: Option<u64>| -> Result<Option<u64>, String> {
            match get(name) {
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Some)
                    .map_err(|_| format!("{name}: `{v}` is not a whole number")),
                None => Ok(from_file),
            }
        };
        let mut settings = RemoteSettings::new(&url);
        settings.api_key =
            get("MCPOVERFLOW_API_KEY").or_else(|| file.api_key_env.as_deref().and_then(get));
        if let Some(ms) = number("MCPOVERFLOW_TIMEOUT", file.timeout_ms)? {
            settings.timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(count) = number("MCPOVERFLOW_RETRY_COUNT", file.retry_count)? {
            settings.retries = u32::try_from(count.min(20)).unwrap_or(20);
        }
        if let Some(ms) = number("MCPOVERFLOW_POLL_INTERVAL", file.poll_interval_ms)? {
            settings.poll_interval = Duration::from_millis(ms.max(1));
        }
        Ok(Some(settings))
    }
}

/// The remote engine as the config file's `[engine]` table sets it (already checked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineFileSettings {
    pub url: Option<String>,
    /// The environment variable holding the API key.
    pub api_key_env: Option<String>,
    pub timeout_ms: Option<u64>,
    pub retry_count: Option<u64>,
    pub poll_interval_ms: Option<u64>,
}

#[derive(Debug, Error)]
pub enum RemoteError {
    /// The engine answered with an error (`{"error", "code"}`, or another body).
    #[error("the engine at {url} answered {status} ({code}): {message}")]
    Refused {
        url: String,
        status: u16,
        code: String,
        message: String,
    },
    /// No usable answer after every attempt.
    #[error("the engine at {url} {what} ({attempts} attempts): {reason}")]
    Unreachable {
        url: String,
        what: &'static str,
        attempts: u32,
        reason: String,
    },
    #[error("the engine's job {job} failed: {reason}")]
    JobFailed { job: String, reason: String },
    #[error("the engine's job {job} did not finish within {seconds} s (last: {status}, {stage})")]
    JobTimedOut {
        job: String,
        seconds: u64,
        status: String,
        stage: String,
    },
}

/// Why one attempt failed, and whether another may help.
struct Attempt {
    reason: String,
    retry: bool,
}

/// A client of one remote engine.
#[derive(Clone)]
pub struct RemoteEngine {
    settings: RemoteSettings,
    client: reqwest::Client,
}

impl RemoteEngine {
    pub fn new(settings: RemoteSettings) -> Result<RemoteEngine, String> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(RemoteEngine { settings, client })
    }

    pub fn settings(&self) -> &RemoteSettings {
        &self.settings
    }

    pub async fn health(&self) -> Result<Health, RemoteError> {
        self.send::<(), _>(reqwest::Method::GET, "/health", None, None)
            .await
    }

    pub async fn analyze(&self, request: &AnalyzeRequest) -> Result<AnalyzeResponse, RemoteError> {
        self.post("/api/analyze", request).await
    }

    pub async fn generate_connector(
        &self,
        request: &GenerateConnectorRequest,
    ) -> Result<GenerateConnectorResponse, RemoteError> {
        self.post("/api/generate-connector", request).await
    }

    pub async fn generate_tests(
        &self,
        request: &GenerateTestsRequest,
    ) -> Result<GenerateTestsResponse, RemoteError> {
        self.post("/api/generate-tests", request).await
    }

    pub async fn validate(
        &self,
        request: &ValidateRequest,
    ) -> Result<ValidateResponse, RemoteError> {
        self.post("/api/validate-connector", request).await
    }

    pub async fn fix(&self, request: &FixRequest) -> Result<serde_json::Value, RemoteError> {
        self.post("/api/fix-connector", request).await
    }

    /// Creates a generation job under `idempotency_key` (retries carry it, so they are the same job).
    pub async fn create_job(
        &self,
        request: &GenerateConnectorRequest,
        idempotency_key: &str,
    ) -> Result<JobCreated, RemoteError> {
        self.send(
            reqwest::Method::POST,
            "/api/jobs/generate-connector",
            Some(request),
            Some(idempotency_key),
        )
        .await
    }

    pub async fn job(&self, job_id: &str) -> Result<JobState, RemoteError> {
        let path = format!("/api/jobs/{job_id}");
        self.send::<(), _>(reqwest::Method::GET, &path, None, None)
            .await
    }

    /// Polls a job until it completes (its result returned), fails, or the timeout passes; `progress` sees
    /// each state polled.
    pub async fn wait_for_job(
        &self,
        job_id: &str,
        progress: &mut (dyn FnMut(&JobState) + Send),
    ) -> Result<GenerateConnectorResponse, RemoteError> {
        let started = Instant::now();
        loop {
            let state = self.job(job_id).await?;
            progress(&state);
            match state.status.as_str() {
                "completed" => {
                    let result = state.result.unwrap_or_default();
                    return serde_json::from_value(result).map_err(|e| RemoteError::JobFailed {
                        job: job_id.to_string(),
                        reason: format!("its result is not a connector: {e}"),
                    });
                }
                "failed" => {
                    return Err(RemoteError::JobFailed {
                        job: job_id.to_string(),
                        reason: state.error.unwrap_or_else(|| "no reason given".into()),
                    });
                }
                _ => {}
            }
            let left = self.settings.timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(RemoteError::JobTimedOut {
                    job: job_id.to_string(),
                    seconds: self.settings.timeout.as_secs(),
                    status: state.status,
                    stage: state.progress.stage,
                });
            }
            tokio::time::sleep(self.settings.poll_interval.min(left)).await;
        }
    }

    /// Generation as a job: created (once, whatever the retries), then polled to the end.
    pub async fn generate_connector_async(
        &self,
        request: &GenerateConnectorRequest,
        progress: &mut (dyn FnMut(&JobState) + Send),
    ) -> Result<GenerateConnectorResponse, RemoteError> {
        let key = idempotency_key();
        let created = self.create_job(request, &key).await?;
        self.wait_for_job(&created.job_id, progress).await
    }

    async fn post<Q: Serialize, A: DeserializeOwned>(
        &self,
        path: &str,
        body: &Q,
    ) -> Result<A, RemoteError> {
        self.send(reqwest::Method::POST, path, Some(body), None)
            .await
    }

    /// One request with its retries.
    async fn send<Q: Serialize, A: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Q>,
        idempotency_key: Option<&str>,
    ) -> Result<A, RemoteError> {
        let url = format!("{}{path}", self.settings.url);
        let attempts = self.settings.retries + 1;
        let mut last = String::new();
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(backoff(attempt)).await;
            }
            let mut request = self.client.request(method.clone(), &url);
            if let Some(key) = &self.settings.api_key {
                request = request.bearer_auth(key);
            }
            if let Some(key) = idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            match self.attempt(request, &url).await {
                Ok(Ok(answer)) => return Ok(answer),
                Ok(Err(refused)) => return Err(refused),
                Err(Attempt { reason, retry }) => {
                    last = reason;
                    if !retry {
                        break;
                    }
                }
            }
        }
        Err(RemoteError::Unreachable {
            url: self.settings.url.clone(),
            what: "gave no usable answer",
            attempts,
            reason: last,
        })
    }

    /// One attempt: the answer, a refusal (4xx: final), or why it failed and whether to try again.
    async fn attempt<A: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<Result<A, RemoteError>, Attempt> {
        let response = request.send().await.map_err(|e| Attempt {
            reason: describe(&e),
            retry: true,
        })?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| Attempt {
            reason: format!("the answer was cut off: {}", describe(&e)),
            retry: true,
        })?;
        if status >= 500 {
            return Err(Attempt {
                reason: format!("{status}: {}", short(&bytes)),
                retry: true,
            });
        }
        if !(200..300).contains(&status) {
            let (code, message) = match serde_json::from_slice::<ApiError>(&bytes) {
                Ok(error) => (error.code, error.error),
                Err(_) => ("http_error".to_string(), short(&bytes)),
            };
            return Ok(Err(RemoteError::Refused {
                url: url.to_string(),
                status,
                code,
                message,
            }));
        }
        serde_json::from_slice(&bytes).map(Ok).map_err(|e| Attempt {
            reason: format!(
                "the answer is not the expected JSON ({e}): {}",
                short(&bytes)
            ),
            retry: true,
        })
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_string()
    } else if error.is_connect() {
        format!("cannot connect: {error}")
    } else {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

/// The first 200 characters of a body.
fn short(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// A fresh pseudo-random number (splitmix64 over the clock, the process and a counter).
fn random() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut z = nanos
        ^ (u64::from(std::process::id()) << 32)
        ^ SEQUENCE
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A key no other request shares.
pub fn idempotency_key() -> String {
    format!("mcpow-{:016x}{:016x}", random(), random())
}

/// The wait before retry `attempt` (1, 2, ...): full jitter over 200 ms × 2^(attempt-1), at most 5 s.
pub fn backoff(attempt: u32) -> Duration {
    let ceiling = 200u64
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(5_000);
    Duration::from_millis(random() % (ceiling + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_the_environment_and_bad_values_are_named() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(RemoteSettings::from_env(&env(&[])).unwrap(), None);
        let settings = RemoteSettings::from_env(&env(&[
            ("MCPOVERFLOW_API_URL", "http://127.0.0.1:3001/"),
            ("MCPOVERFLOW_API_KEY", "k"),
            ("MCPOVERFLOW_TIMEOUT", "2500"),
            ("MCPOVERFLOW_RETRY_COUNT", "5"),
            ("MCPOVERFLOW_POLL_INTERVAL", "50"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(settings.url, "http://127.0.0.1:3001");
        assert_eq!(settings.timeout, Duration::from_millis(2500));
        assert_eq!(
            (settings.retries, settings.api_key.as_deref()),
            (5, Some("k"))
        );
        assert_eq!(settings.poll_interval, Duration::from_millis(50));
        let bad = RemoteSettings::from_env(&env(&[
            ("MCPOVERFLOW_API_URL", "http://127.0.0.1:3001"),
            ("MCPOVERFLOW_TIMEOUT", "soon"),
        ]))
        .unwrap_err();
        assert_eq!(bad, "MCPOVERFLOW_TIMEOUT: `soon` is not a whole number");
        let bad =
            RemoteSettings::from_env(&env(&[("MCPOVERFLOW_API_URL", "ftp://x")])).unwrap_err();
        assert!(bad.starts_with("MCPOVERFLOW_API_URL"), "{bad}");
    }

    #[test]
    fn the_environment_wins_over_the_config_file() {
        let file = EngineFileSettings {
            url: Some("http://127.0.0.1:4000".into()),
            api_key_env: Some("TEAM_ENGINE_KEY".into()),
            timeout_ms: Some(1000),
            retry_count: Some(1),
            poll_interval_ms: Some(250),
        };
        let lookup = |name: &str| match name {
            "TEAM_ENGINE_KEY" => Some("from-team".to_string()),
            "MCPOVERFLOW_RETRY_COUNT" => Some("7".to_string()),
            _ => None,
        };
        let settings = RemoteSettings::resolve(&file, &lookup).unwrap().unwrap();
        assert_eq!(settings.url, "http://127.0.0.1:4000");
        assert_eq!(settings.api_key.as_deref(), Some("from-team"));
        assert_eq!(settings.timeout, Duration::from_millis(1000));
        assert_eq!(settings.retries, 7);
        assert_eq!(settings.poll_interval, Duration::from_millis(250));
        let lookup = |name: &str| match name {
            "MCPOVERFLOW_API_URL" => Some("http://127.0.0.1:5000".to_string()),
            "MCPOVERFLOW_API_KEY" => Some("own".to_string()),
            _ => None,
        };
        let settings = RemoteSettings::resolve(&file, &lookup).unwrap().unwrap();
        assert_eq!(settings.url, "http://127.0.0.1:5000");
        assert_eq!(settings.api_key.as_deref(), Some("own"));
        let none = RemoteSettings::resolve(&EngineFileSettings::default(), &|_| None).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn backoff_grows_within_its_ceiling_and_keys_differ() {
        for attempt in 1..12 {
            let ceiling = 200u64 * (1 << (attempt - 1).min(10));
            assert!(backoff(attempt) <= Duration::from_millis(ceiling.min(5_000)));
        }
        assert_ne!(idempotency_key(), idempotency_key());
    }
}
