//! Running one operation over HTTP: base URL, parameter serialization, bodies, auth, timeouts and retries.
//! Shared by `mcpow serve` and the contract tests; generated connectors do the same in their own language.

pub mod auth;
mod body;
pub mod listen;
pub mod serialize;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use thiserror::Error;

use crate::spec::model::{ApiModel, HttpMethod, Operation, ParamLocation};
pub use auth::Authenticator;

/// The values of one call, already sorted by where they go.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationArgs {
    /// Parameter values by location and the spec's parameter name.
    pub params: Vec<(ParamLocation, String, Value)>,
    /// The request body (an object for JSON objects, forms and multipart).
    pub body: Option<Value>,
    /// Which of the operation's body media types to send.
    pub body_media_type: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Overrides the spec's servers.
    pub base_url: Option<String>,
    pub timeout: Duration,
    /// Retries for idempotent methods after a connection failure, a timeout or a 502/503/504.
    pub retries: u32,
    /// The largest response body kept; a larger one fails the call.
    pub max_response_bytes: usize,
    pub max_redirects: usize,
    /// Sent with every request (e.g. from `--header`).
    pub headers: Vec<(String, String)>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            base_url: None,
            timeout: Duration::from_secs(30),
            retries: 2,
            max_response_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            headers: Vec::new(),
        }
    }
}

/// What the API answered.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOutcome {
    pub status: u16,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The method and URL that were called (no credentials).
    pub request_line: String,
}

impl HttpOutcome {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Debug, Error)]
pub enum HttpError {
    #[error("{0}")]
    Arguments(String),
    #[error("no base URL: {0} (pass --base-url)")]
    NoBaseUrl(String),
    #[error("{request}: could not connect: {message}")]
    Connect { request: String, message: String },
    #[error("{request}: timed out after {seconds} s")]
    Timeout { request: String, seconds: u64 },
    #[error("{request}: too many redirects")]
    Redirects { request: String },
    #[error("{request}: the response is larger than {limit} bytes")]
    TooLarge { request: String, limit: usize },
    #[error("{0}")]
    Auth(String),
    #[error("{request}: {message}")]
    Other { request: String, message: String },
}

/// Calls a model's operations.
pub struct HttpCaller {
    model: Arc<ApiModel>,
    client: reqwest::Client,
    auth: Authenticator,
    config: HttpConfig,
}

impl HttpCaller {
    pub fn new(
        model: Arc<ApiModel>,
        config: HttpConfig,
        auth: Authenticator,
    ) -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(config.max_redirects))
            .user_agent(concat!("mcpow/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Other {
                request: "client".into(),
                message: e.to_string(),
            })?;
        Ok(HttpCaller {
            model,
            client,
            auth,
            config,
        })
    }

    pub fn model(&self) -> &ApiModel {
        &self.model
    }

    /// The base URL an operation is called on: the override, else its own or the document's first server.
    pub fn base_url(&self, op: &Operation) -> Result<String, HttpError> {
        if let Some(base) = &self.config.base_url {
            return Ok(base.trim_end_matches('/').to_string());
        }
        let server = op.servers.first().or(self.model.servers.first());
        let Some(server) = server else {
            return Err(HttpError::NoBaseUrl("the spec declares no server".into()));
        };
        let url = server.default_url();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(HttpError::NoBaseUrl(format!(
                "the spec's server `{url}` is relative"
            )));
        }
        Ok(url.trim_end_matches('/').to_string())
    }

    /// The full URL for a call: path parameters filled in, query string appended.
    pub fn url(&self, op: &Operation, args: &OperationArgs) -> Result<String, HttpError> {
        let mut path = op.path.clone();
        for param in op
            .parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
        {
            let placeholder = format!("{{{}}}", param.name);
            match find_arg(args, ParamLocation::Path, &param.name) {
                Some(value) => {
                    let text = serialize::param_path_value(param, value);
                    path = path.replace(&placeholder, &text);
                }
                None => {
                    return Err(HttpError::Arguments(format!(
                        "missing path parameter `{}`",
                        param.name
                    )));
                }
            }
        }
        let mut pairs = Vec::new();
        for param in op
            .parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
        {
            if let Some(value) = find_arg(args, ParamLocation::Query, &param.name) {
                pairs.extend(serialize::param_query_pairs(param, value));
            }
        }
        let mut url = format!("{}{}", self.base_url(op)?, path);
        if !pairs.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&pairs.join("&"));
        }
        Ok(url)
    }

    /// Runs the operation at `index` with `args`.
    pub async fn call(&self, index: usize, args: &OperationArgs) -> Result<HttpOutcome, HttpError> {
        let op = self
            .model
            .operations
            .get(index)
            .ok_or_else(|| HttpError::Arguments(format!("no operation {index}")))?;
        let mut url = self.url(op, args)?;
        let auth = self
            .auth
            .parts_for(&self.model, self.model.security_for(op), &self.client)
            .await
            .map_err(HttpError::Auth)?;
        for (name, value) in &auth.query {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!(
                "{}={}",
                serialize::encode(name, false),
                serialize::encode(value, false)
            ));
        }
        let request_line = format!("{} {}", op.method.as_str(), redact_query(&url, &auth.query));
        let attempts = if is_idempotent(op.method) {
            self.config.retries + 1
        } else {
            1
        };
        let mut last_error = None;
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(250 * 2u64.pow(attempt - 1))).await;
            }
            let request = self.build(op, &url, args, &auth).await?;
            match self.send(request, &request_line).await {
                Ok(outcome) if attempt + 1 < attempts && matches!(outcome.status, 502..=504) => {
                    last_error = Some(Ok(outcome));
                }
                Ok(outcome) => return Ok(outcome),
                Err(error @ (HttpError::Connect { .. } | HttpError::Timeout { .. }))
                    if attempt + 1 < attempts =>
                {
                    last_error = Some(Err(error));
                }
                Err(error) => return Err(error),
            }
        }
        last_error.unwrap_or_else(|| Err(HttpError::Arguments("no attempt was made".into())))
    }

    async fn build(
        &self,
        op: &Operation,
        url: &str,
        args: &OperationArgs,
        auth: &auth::AuthParts,
    ) -> Result<reqwest::RequestBuilder, HttpError> {
        let method = reqwest::Method::from_bytes(op.method.as_str().as_bytes())
            .map_err(|e| HttpError::Arguments(e.to_string()))?;
        let mut request = self.client.request(method, url);
        for (name, value) in &self.config.headers {
            request = request.header(name, value);
        }
        let mut cookies: Vec<String> = auth
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={}", serialize::encode(value, false)))
            .collect();
        for param in &op.parameters {
            let Some(value) = find_arg(args, param.location, &param.name) else {
                continue;
            };
            match param.location {
                ParamLocation::Header => {
                    request = request.header(
                        param.name.as_str(),
                        serialize::header_value(value, param.explode),
                    );
                }
                ParamLocation::Cookie => {
                    cookies.push(serialize::cookie_pair(&param.name, value, param.explode))
                }
                _ => {}
            }
        }
        if !cookies.is_empty() {
            request = request.header("Cookie", cookies.join("; "));
        }
        for (name, value) in &auth.headers {
            request = request.header(name, value);
        }
        body::attach(&self.model, op, args, request).await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        request_line: &str,
    ) -> Result<HttpOutcome, HttpError> {
        let fail = |error: reqwest::Error| classify(error, request_line, self.config.timeout);
        let mut response = request.send().await.map_err(fail)?;
        let status = response.status().as_u16();
        if response
            .content_length()
            .is_some_and(|len| len > self.config.max_response_bytes as u64)
        {
            return Err(HttpError::TooLarge {
                request: request_line.to_string(),
                limit: self.config.max_response_bytes,
            });
        }
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).to_string(),
                )
            })
            .collect();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_string());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            body.extend_from_slice(&chunk);
            if body.len() > self.config.max_response_bytes {
                return Err(HttpError::TooLarge {
                    request: request_line.to_string(),
                    limit: self.config.max_response_bytes,
                });
            }
        }
        Ok(HttpOutcome {
            status,
            content_type,
            headers,
            body,
            request_line: request_line.to_string(),
        })
    }
}

fn find_arg<'a>(args: &'a OperationArgs, location: ParamLocation, name: &str) -> Option<&'a Value> {
    args.params
        .iter()
        .find(|(l, n, _)| *l == location && n == name)
        .map(|(_, _, v)| v)
        .filter(|v| !v.is_null())
}

fn is_idempotent(method: HttpMethod) -> bool {
    !matches!(method, HttpMethod::Post | HttpMethod::Patch)
}

/// The URL with auth query values hidden.
fn redact_query(url: &str, secrets: &[(String, String)]) -> String {
    let mut out = url.to_string();
    for (_, value) in secrets {
        out = out.replace(&serialize::encode(value, false), "***");
    }
    out
}

fn classify(error: reqwest::Error, request: &str, timeout: Duration) -> HttpError {
    let request = request.to_string();
    if error.is_timeout() {
        HttpError::Timeout {
            request,
            seconds: timeout.as_secs(),
        }
    } else if error.is_redirect() {
        HttpError::Redirects { request }
    } else if error.is_connect() {
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            message = cause.to_string();
            source = cause.source();
        }
        HttpError::Connect { request, message }
    } else {
        HttpError::Other {
            request,
            message: error.to_string(),
        }
    }
}
