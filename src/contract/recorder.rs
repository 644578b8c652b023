//! A recording proxy on 127.0.0.1: the server under test is pointed at it instead of the API, every request
//! is forwarded to the API as it came, and each exchange (request, status, content type, body) is kept, so the
//! HTTP checks see what went over the wire whichever server made the request.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::response::Response;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use super::ContractError;
use super::report::Exchange;

/// The largest request or response body forwarded.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// The largest response body kept as text in an exchange.
const MAX_KEPT_BODY: usize = 64 * 1024;
/// The largest request body kept as text.
const MAX_KEPT_REQUEST: usize = 16 * 1024;

/// Hop-by-hop headers, and those the HTTP stacks set themselves.
const NOT_FORWARDED: [&str; 7] = [
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
    "upgrade",
    "proxy-connection",
];

struct Shared {
    /// The API's origin (`http://host:port`), which forwarded paths are appended to.
    origin: String,
    client: reqwest::Client,
    exchanges: Mutex<Vec<Exchange>>,
}

/// A running recorder; dropping it stops it.
pub struct Recorder {
    addr: SocketAddr,
    base_path: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Recorder {
    /// Starts a recorder in front of `api_base_url` (`http(s)://host[:port][/base/path]`).
    pub async fn start(api_base_url: &str, timeout: Duration) -> Result<Recorder, ContractError> {
        let url = Url::parse(api_base_url).map_err(|e| {
            ContractError::Usage(format!(
                "the API base URL `{api_base_url}` is not a URL: {e}"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(ContractError::Usage(format!(
                "the API base URL `{api_base_url}` is not an http(s) URL"
            )));
        }
        let origin = url.origin().ascii_serialization();
        let base_path = url.path().trim_end_matches('/').to_string();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .build()
            .map_err(|e| ContractError::Setup(format!("the recording proxy's client: {e}")))?;
        let shared = Arc::new(Shared {
            origin,
            client,
            exchanges: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|e| ContractError::Setup(format!("the recording proxy cannot listen: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ContractError::Setup(format!("the recording proxy: {e}")))?;
        let router = Router::new().fallback(forward).with_state(shared.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Recorder {
            addr,
            base_path,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The URL to give the server as its API base URL: the recorder with the API's base path.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.base_path)
    }

    /// The API's base path (`/v1`, or empty).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The exchanges recorded since the last call, oldest first.
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Exchange>> {
        self.shared
            .exchanges
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Stops accepting requests and waits for the server task.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn forward(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let url = format!("{}{path_and_query}", shared.origin);
    let request_headers = kept_headers(&parts.headers);
    let mut exchange = Exchange {
        method: parts.method.to_string(),
        url: url.clone(),
        request_headers: request_headers
            .iter()
            .map(|(name, value)| (name.clone(), shown_header(name, value)))
            .collect(),
        request_body: None,
        status: 0,
        content_type: None,
        response_body: None,
        body_complete: false,
        error: None,
        duration_ms: 0,
    };
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return record_failure(&shared, exchange, started, format!("request body: {e}"));
        }
    };
    exchange.request_body = body_text(&bytes, MAX_KEPT_REQUEST).map(|(text, _)| text);
    let mut outgoing = shared.client.request(parts.method.clone(), &url);
    for (name, value) in parts.headers.iter() {
        if !NOT_FORWARDED.contains(&name.as_str()) {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = match outgoing.body(bytes).send().await {
        Ok(answer) => answer,
        Err(e) => return record_failure(&shared, exchange, started, e.to_string()),
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let body = match answer.bytes().await {
        Ok(body) => body,
        Err(e) => return record_failure(&shared, exchange, started, e.to_string()),
    };
    exchange.status = status.as_u16();
    exchange.content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some((text, complete)) = body_text(&body, MAX_KEPT_BODY) {
        exchange.response_body = Some(text);
        exchange.body_complete = complete;
    } else {
        exchange.body_complete = true;
    }
    exchange.duration_ms = started.elapsed().as_millis() as u64;
    shared
        .exchanges
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(exchange);
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    for (name, value) in headers.iter() {
        if !NOT_FORWARDED.contains(&name.as_str()) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}

fn record_failure(
    shared: &Shared,
    mut exchange: Exchange,
    started: Instant,
    error: String,
) -> Response {
    exchange.error = Some(error.clone());
    exchange.duration_ms = started.elapsed().as_millis() as u64;
    shared
        .exchanges
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(exchange);
    let mut response = Response::new(Body::from(format!(
        "mcpow test: the API could not be reached: {error}"
    )));
    *response.status_mut() = StatusCode::BAD_GATEWAY;
    response
}

fn kept_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| !NOT_FORWARDED.contains(&name.as_str()))
        .map(|(name, value): (&HeaderName, _)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// A header's value for the record: secrets cut to their first four characters.
fn shown_header(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let secret = matches!(
        lower.as_str(),
        "authorization" | "proxy-authorization" | "cookie"
    ) || ["api-key", "apikey", "api_key", "token", "secret"]
        .iter()
        .any(|word| lower.contains(word));
    if secret {
        let head: String = value.chars().take(4).collect();
        format!("{head}…")
    } else {
        value.to_string()
    }
}

/// A body as text (cut at `max` bytes on a character boundary) with whether it is whole; binary by size.
fn body_text(body: &Bytes, max: usize) -> Option<(String, bool)> {
    if body.is_empty() {
        return None;
    }
    match std::str::from_utf8(body) {
        Ok(text) if text.len() <= max => Some((text.to_string(), true)),
        Ok(text) => {
            let mut end = max;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            Some((text[..end].to_string(), false))
        }
        Err(_) => Some((format!("<{} bytes>", body.len()), false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_cut_and_bodies_bounded() {
        assert_eq!(shown_header("Authorization", "Bearer abc"), "Bear…");
        assert_eq!(shown_header("X-Api-Key", "k-123456"), "k-12…");
        assert_eq!(
            shown_header("Accept", "application/json"),
            "application/json"
        );
        let long = Bytes::from("é".repeat(10));
        let (text, complete) = body_text(&long, 5).unwrap();
        assert_eq!((text.as_str(), complete), ("éé", false));
        assert_eq!(
            body_text(&Bytes::from_static(&[0xff, 0x00]), 10),
            Some(("<2 bytes>".to_string(), false))
        );
        assert_eq!(body_text(&Bytes::new(), 10), None);
    }
}
