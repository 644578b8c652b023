//! Streamable HTTP through rmcp's client, wrapped so every frame lands in the session's capture.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};
use rmcp::RoleClient;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, Transport};

use super::SessionError;
use super::capture::{Capture, Direction};
use super::health::Health;

/// A transport whose frames are recorded as they pass.
pub struct Traced<T> {
    inner: T,
    capture: Arc<Capture>,
    health: Arc<Health>,
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for Traced<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        if let Ok(text) = serde_json::to_string(&item) {
            self.capture.record_frame(Direction::Out, &text);
        }
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        let message = self.inner.receive().await;
        match &message {
            Some(message) => {
                if let Ok(text) = serde_json::to_string(message) {
                    self.capture.record_frame(Direction::In, &text);
                }
            }
            None => self.health.mark_ended(),
        }
        message
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.health.mark_ended();
        self.inner.close()
    }
}

/// The rmcp streamable HTTP client for `url`, with `headers` on every request (an `Authorization` header
/// goes through rmcp's own auth setting).
pub fn connect_streamable_http(
    url: &str,
    headers: &[(String, String)],
    capture: Arc<Capture>,
    health: Arc<Health>,
) -> Result<Traced<StreamableHttpClientTransport<reqwest::Client>>, SessionError> {
    let mut config = StreamableHttpClientTransportConfig::with_uri(url.to_string());
    let mut custom = HashMap::new();
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("authorization") {
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .unwrap_or(value);
            config = config.auth_header(token.to_string());
            continue;
        }
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| SessionError::Usage(format!("`{name}` is not a valid header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            SessionError::Usage(format!("the value of header `{name}` is not valid"))
        })?;
        custom.insert(header, value);
    }
    config = config.custom_headers(custom);
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| SessionError::Protocol(format!("cannot build the HTTP client: {e}")))?;
    Ok(Traced {
        inner: StreamableHttpClientTransport::with_client(client, config),
        capture,
        health,
    })
}
