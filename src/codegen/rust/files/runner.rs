//! Running one operation over HTTP: base URL, parameter serialization, bodies, auth, timeouts, redirects
//! and retries.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::auth::{AuthParts, Authenticator};
use crate::definitions::{Definitions, Operation};
use crate::serialize::{self, encode, scalar_text};

/// The largest file a multipart part reads.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// How the API is called.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Overrides the spec's servers.
    pub base_url: Option<String>,
    pub timeout: Duration,
    /// Retries for idempotent methods after a connection failure, a timeout or a 502/503/504.
    pub retries: u32,
    pub max_response_bytes: usize,
    pub max_redirects: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: None,
            timeout: Duration::from_secs(30),
            retries: 2,
            max_response_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

impl Settings {
    /// From the environment (see README.md); a value that is not a number keeps the default.
    pub fn from_env() -> Settings {
        let read = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let defaults = Settings::default();
        Settings {
            base_url: read(crate::config::BASE_URL_VARIABLE),
            timeout: read(crate::config::TIMEOUT_VARIABLE)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .map(|v| Duration::from_secs_f64(v.max(1.0)))
                .unwrap_or(defaults.timeout),
            retries: read(crate::config::RETRIES_VARIABLE)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .map(|v| v.max(0.0).trunc() as u32)
                .unwrap_or(defaults.retries),
            ..defaults
        }
    }
}

/// What the API answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The method and URL that were called (credentials hidden).
    pub request_line: String,
}

impl Outcome {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A call that produced no HTTP answer to report (bad arguments, no connection, a timeout, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    Arguments(String),
    NoBaseUrl(String),
    Connect { request: String, message: String },
    Timeout { request: String, seconds: u64 },
    Redirects { request: String },
    TooLarge { request: String, limit: usize },
    Auth(String),
    Other { request: String, message: String },
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Arguments(message) | CallError::Auth(message) => f.write_str(message),
            CallError::NoBaseUrl(why) => write!(
                f,
                "no base URL: {why} (set {})",
                crate::config::BASE_URL_VARIABLE
            ),
            CallError::Connect { request, message } => {
                write!(f, "{request}: could not connect: {message}")
            }
            CallError::Timeout { request, seconds } => {
                write!(f, "{request}: timed out after {seconds} s")
            }
            CallError::Redirects { request } => write!(f, "{request}: too many redirects"),
            CallError::TooLarge { request, limit } => {
                write!(f, "{request}: the response is larger than {limit} bytes")
            }
            CallError::Other { request, message } => write!(f, "{request}: {message}"),
        }
    }
}

impl std::error::Error for CallError {}

/// The values of one call, sorted by where they go.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Call {
    /// (location, parameter name, value).
    pub params: Vec<(String, String, Value)>,
    pub body: Option<Value>,
}

impl Call {
    fn param(&self, location: &str, name: &str) -> Option<&Value> {
        self.params
            .iter()
            .find(|(l, n, _)| l == location && n == name)
            .map(|(_, _, v)| v)
            .filter(|v| !v.is_null())
    }
}

/// Sorts a call's arguments by where they go, following the tool's bindings.
pub fn sort_arguments(operation: &Operation, arguments: &Map<String, Value>) -> Call {
    let mut call = Call::default();
    let mut fields = Map::new();
    for binding in &operation.bindings {
        let Some(value) = arguments.get(&binding.argument) else {
            continue;
        };
        match binding.target.as_str() {
            "body" => call.body = Some(value.clone()),
            "body_property" => {
                fields.insert(binding.name.clone(), value.clone());
            }
            location => {
                call.params
                    .push((location.to_string(), binding.name.clone(), value.clone()))
            }
        }
    }
    if call.body.is_none() && !fields.is_empty() {
        call.body = Some(Value::Object(fields));
    }
    call
}

fn is_idempotent(method: &str) -> bool {
    !matches!(method, "POST" | "PATCH")
}

/// Calls the API's operations.
pub struct Runner {
    definitions: &'static Definitions,
    client: reqwest::Client,
    auth: Authenticator,
    settings: Settings,
}

impl Runner {
    pub fn new(
        definitions: &'static Definitions,
        settings: Settings,
        auth: Authenticator,
    ) -> Result<Runner, String> {
        let client = Runner::client(&settings)?;
        Ok(Runner::with_client(definitions, settings, auth, client))
    }

    /// The HTTP client for `settings` (timeouts, redirects). Building one (TLS) takes a while: a connector
    /// builds it once, and its tests share one.
    pub fn client(settings: &Settings) -> Result<reqwest::Client, String> {
        reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(settings.max_redirects))
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))
    }

    /// A runner calling through `client` (made by [`Runner::client`] for the same settings).
    pub fn with_client(
        definitions: &'static Definitions,
        settings: Settings,
        auth: Authenticator,
        client: reqwest::Client,
    ) -> Runner {
        Runner {
            definitions,
            client,
            auth,
            settings,
        }
    }

    pub fn definitions(&self) -> &'static Definitions {
        self.definitions
    }

    /// The override, else the operation's server from the spec.
    pub fn base_url(&self, operation: &Operation) -> Result<String, CallError> {
        if let Some(base) = &self.settings.base_url {
            return Ok(base.trim_end_matches('/').to_string());
        }
        let Some(url) = &operation.server else {
            return Err(CallError::NoBaseUrl("the spec declares no server".into()));
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(CallError::NoBaseUrl(format!(
                "the spec's server `{url}` is relative"
            )));
        }
        Ok(url.trim_end_matches('/').to_string())
    }

    /// The full URL for a call: path parameters filled in, query string appended.
    pub fn url(&self, operation: &Operation, call: &Call) -> Result<String, CallError> {
        let mut path = operation.path.clone();
        for param in operation.parameters.iter().filter(|p| p.location == "path") {
            let placeholder = format!("{{{}}}", param.name);
            match call.param("path", &param.name) {
                Some(value) => {
                    let text = serialize::param_path_value(param, value);
                    path = path.replace(&placeholder, &text);
                }
                None => {
                    return Err(CallError::Arguments(format!(
                        "missing path parameter `{}`",
                        param.name
                    )));
                }
            }
        }
        let mut pairs = Vec::new();
        for param in operation
            .parameters
            .iter()
            .filter(|p| p.location == "query")
        {
            if let Some(value) = call.param("query", &param.name) {
                pairs.extend(serialize::param_query_pairs(param, value));
            }
        }
        let mut url = format!("{}{}", self.base_url(operation)?, path);
        if !pairs.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&pairs.join("&"));
        }
        Ok(url)
    }

    /// Runs `operation` with `arguments` (already checked against the tool's inputSchema).
    pub async fn call(
        &self,
        operation: &Operation,
        arguments: &Map<String, Value>,
    ) -> Result<Outcome, CallError> {
        let call = sort_arguments(operation, arguments);
        let mut url = self.url(operation, &call)?;
        let auth = self
            .auth
            .parts_for(self.definitions, &operation.security, &self.client)
            .await
            .map_err(CallError::Auth)?;
        for (name, value) in &auth.query {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("{}={}", encode(name, false), encode(value, false)));
        }
        let mut shown = url.clone();
        for (_, value) in &auth.query {
            shown = shown.replace(&encode(value, false), "***");
        }
        let request_line = format!("{} {shown}", operation.method);
        let attempts = if is_idempotent(&operation.method) {
            self.settings.retries + 1
        } else {
            1
        };
        let mut last = None;
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(250 * 2u64.pow(attempt - 1))).await;
            }
            let request = self.build(operation, &url, &call, &auth).await?;
            match self.send(request, &request_line).await {
                Ok(outcome) if attempt + 1 < attempts && matches!(outcome.status, 502..=504) => {
                    last = Some(Ok(outcome));
                }
                Ok(outcome) => return Ok(outcome),
                Err(error @ (CallError::Connect { .. } | CallError::Timeout { .. }))
                    if attempt + 1 < attempts =>
                {
                    last = Some(Err(error));
                }
                Err(error) => return Err(error),
            }
        }
        last.unwrap_or_else(|| Err(CallError::Arguments("no attempt was made".into())))
    }

    async fn build(
        &self,
        operation: &Operation,
        url: &str,
        call: &Call,
        auth: &AuthParts,
    ) -> Result<reqwest::RequestBuilder, CallError> {
        let method = reqwest::Method::from_bytes(operation.method.as_bytes())
            .map_err(|e| CallError::Arguments(e.to_string()))?;
        let mut request = self.client.request(method, url);
        let mut cookies: Vec<String> = auth
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value, false)))
            .collect();
        for param in &operation.parameters {
            let Some(value) = call.param(&param.location, &param.name) else {
                continue;
            };
            match param.location.as_str() {
                "header" => {
                    request = request.header(
                        param.name.as_str(),
                        serialize::header_value(value, param.explode),
                    );
                }
                "cookie" => cookies.push(serialize::cookie_pair(&param.name, value, param.explode)),
                _ => {}
            }
        }
        if !cookies.is_empty() {
            request = request.header("Cookie", cookies.join("; "));
        }
        for (name, value) in &auth.headers {
            request = request.header(name, value);
        }
        attach_body(operation, call, request).await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        request_line: &str,
    ) -> Result<Outcome, CallError> {
        let fail = |error: reqwest::Error| classify(error, request_line, self.settings.timeout);
        let mut response = request.send().await.map_err(fail)?;
        let status = response.status().as_u16();
        let limit = self.settings.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(CallError::TooLarge {
                request: request_line.to_string(),
                limit,
            });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_string());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            body.extend_from_slice(&chunk);
            if body.len() > limit {
                return Err(CallError::TooLarge {
                    request: request_line.to_string(),
                    limit,
                });
            }
        }
        Ok(Outcome {
            status,
            content_type,
            body,
            request_line: request_line.to_string(),
        })
    }
}

fn classify(error: reqwest::Error, request: &str, timeout: Duration) -> CallError {
    let request = request.to_string();
    if error.is_timeout() {
        CallError::Timeout {
            request,
            seconds: timeout.as_secs(),
        }
    } else if error.is_redirect() {
        CallError::Redirects { request }
    } else if error.is_connect() {
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            message = cause.to_string();
            source = cause.source();
        }
        CallError::Connect { request, message }
    } else {
        CallError::Other {
            request,
            message: error.to_string(),
        }
    }
}

/// The kinds of body this connector sends and reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Multipart,
    Xml,
    Text,
    Binary,
    Other,
}

/// `text/plain; charset=utf-8` -> `text/plain`.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

pub fn body_kind(media_type: &str) -> BodyKind {
    let kind = essence(media_type).to_ascii_lowercase();
    if kind == "application/json" || kind.ends_with("+json") || kind.ends_with("/json") {
        BodyKind::Json
    } else if kind == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if kind.starts_with("multipart/") {
        BodyKind::Multipart
    } else if kind.ends_with("/xml") || kind.ends_with("+xml") {
        BodyKind::Xml
    } else if kind.starts_with("text/") {
        BodyKind::Text
    } else if kind == "application/octet-stream"
        || kind.starts_with("image/")
        || kind.starts_with("audio/")
        || kind.starts_with("video/")
    {
        BodyKind::Binary
    } else {
        BodyKind::Other
    }
}

async fn attach_body(
    operation: &Operation,
    call: &Call,
    request: reqwest::RequestBuilder,
) -> Result<reqwest::RequestBuilder, CallError> {
    let json_body = |request: reqwest::RequestBuilder, media_type: &str, value: &Value| {
        request
            .header(reqwest::header::CONTENT_TYPE, media_type)
            .body(serde_json::to_vec(value).unwrap_or_default())
    };
    if let Some(document) = &operation.graphql_document {
        let variables = call.body.clone().unwrap_or_else(|| json!({}));
        let body = json!({ "query": document, "variables": variables });
        return Ok(json_body(request, "application/json", &body));
    }
    let Some(value) = &call.body else {
        return Ok(request);
    };
    let media_type = operation
        .body_media_type
        .clone()
        .or_else(|| operation.body_media_types.first().cloned())
        .unwrap_or_else(|| "application/json".to_string());
    Ok(match body_kind(&media_type) {
        BodyKind::Json => json_body(request, &media_type, value),
        BodyKind::Form => request
            .header(reqwest::header::CONTENT_TYPE, media_type)
            .body(serialize::form_urlencoded(value)),
        BodyKind::Multipart => request.multipart(multipart(operation, value).await?),
        _ => {
            let bytes = match value {
                Value::String(text) => text.clone().into_bytes(),
                other => other.to_string().into_bytes(),
            };
            request
                .header(reqwest::header::CONTENT_TYPE, media_type)
                .body(bytes)
        }
    })
}

async fn multipart(
    operation: &Operation,
    value: &Value,
) -> Result<reqwest::multipart::Form, CallError> {
    let Some(fields) = value.as_object() else {
        return Err(CallError::Arguments(
            "a multipart body must be an object of fields".into(),
        ));
    };
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        if value.is_null() {
            continue;
        }
        let is_file = operation.file_fields.contains(name);
        let values: Vec<&Value> = match value {
            Value::Array(items) if is_file => items.iter().collect(),
            other => vec![other],
        };
        for value in values {
            let part = if is_file {
                let declared = operation
                    .file_content_types
                    .iter()
                    .find(|(field, _)| field == name)
                    .map(|(_, kind)| kind.as_str());
                file_part(name, value, declared).await?
            } else {
                reqwest::multipart::Part::text(scalar_text(value))
            };
            form = form.part(name.clone(), part);
        }
    }
    Ok(form)
}

async fn file_part(
    name: &str,
    value: &Value,
    declared: Option<&str>,
) -> Result<reqwest::multipart::Part, CallError> {
    let Some(path) = value.as_str() else {
        return Err(CallError::Arguments(format!(
            "`{name}` takes the path of a local file"
        )));
    };
    let unreadable =
        |e: std::io::Error| CallError::Arguments(format!("`{name}`: cannot read {path}: {e}"));
    let size = tokio::fs::metadata(path).await.map_err(unreadable)?.len();
    if size > MAX_FILE_BYTES {
        return Err(CallError::Arguments(format!(
            "`{name}`: {path} is larger than {} MB",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = tokio::fs::read(path).await.map_err(unreadable)?;
    let file_name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "file".to_string());
    let content_type = file_content_type(declared, &file_name);
    // A declared type that is not a valid media type fails the call, as `mcpow serve` does.
    reqwest::multipart::Part::bytes(bytes)
        .file_name(file_name)
        .mime_str(&content_type)
        .map_err(|e| CallError::Arguments(format!("`{name}`: content type {content_type}: {e}")))
}

/// The spec's encoding when it names one type, else a guess from the extension, else octet-stream.
pub fn file_content_type(declared: Option<&str>, file_name: &str) -> String {
    let declared = declared
        .and_then(|list| list.split(',').next())
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.contains('*'));
    if let Some(declared) = declared {
        return declared.to_string();
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let guessed = match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "txt" | "log" | "md" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "yaml" | "yml" => "application/yaml",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    };
    guessed.to_string()
}
