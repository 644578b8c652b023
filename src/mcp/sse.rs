//! The legacy HTTP+SSE transport (protocol 2024-11-05), which rmcp 3 no longer ships: a `GET` opens an event
//! stream whose first `endpoint` event names where to `POST` messages; the server's messages arrive as
//! `message` events. Frames are captured, an event that is not JSON-RPC is a protocol fault, and an event
//! over the size limit is cut like a stdio line.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use rmcp::RoleClient;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::SessionError;
use super::capture::{Capture, Direction, cut};
use super::health::{Fault, Health};
use super::stdio::{Pending, TransportError, cut_message, forget_answered, remember_request};

/// One server-sent event.
#[derive(Debug, Default, PartialEq, Eq)]
struct Event {
    name: String,
    data: String,
    /// The full size of `data` when it was cut.
    cut_from: Option<usize>,
}

/// Splits an event stream into events, holding at most `limit` bytes of one event's data.
struct EventParser {
    line: Vec<u8>,
    event: Event,
    data_bytes: usize,
    limit: usize,
}

impl EventParser {
    fn new(limit: usize) -> Self {
        EventParser {
            line: Vec::new(),
            event: Event::default(),
            data_bytes: 0,
            limit,
        }
    }

    /// Feeds bytes; returns the events completed by them.
    fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut done = Vec::new();
        for &byte in bytes {
            if byte != b'\n' {
                // A line is kept only up to the limit (plus room for the field name).
                if self.line.len() < self.limit + 16 {
                    self.line.push(byte);
                } else {
                    self.data_bytes += 1;
                }
                continue;
            }
            let line = std::mem::take(&mut self.line);
            let line = line.strip_suffix(b"\r").unwrap_or(&line);
            if line.is_empty() {
                if !self.event.data.is_empty() || !self.event.name.is_empty() {
                    let mut event = std::mem::take(&mut self.event);
                    if self.data_bytes > event.data.len() {
                        event.cut_from = Some(self.data_bytes);
                    }
                    self.data_bytes = 0;
                    done.push(event);
                }
                continue;
            }
            let text = String::from_utf8_lossy(line);
            let (field, value) = text.split_once(':').unwrap_or((&text, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => self.event.name = value.to_string(),
                "data" => {
                    if !self.event.data.is_empty() {
                        self.event.data.push('\n');
                    }
                    self.data_bytes += value.len();
                    let room = self.limit.saturating_sub(self.event.data.len());
                    self.event.data.push_str(cut(value, room));
                }
                _ => {}
            }
        }
        done
    }
}

pub struct SseTransport {
    client: reqwest::Client,
    headers: HeaderMap,
    endpoint: String,
    incoming: mpsc::Receiver<RxJsonRpcMessage<RoleClient>>,
    capture: Arc<Capture>,
    health: Arc<Health>,
    pending: Pending,
    reader: JoinHandle<()>,
}

impl Drop for SseTransport {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, SessionError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| SessionError::Usage(format!("`{name}` is not a valid header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            SessionError::Usage(format!("the value of header `{name}` is not valid"))
        })?;
        map.insert(header, value);
    }
    Ok(map)
}

/// Opens the event stream and waits (up to `wait`) for the `endpoint` event.
pub async fn connect_sse(
    url: &str,
    headers: &[(String, String)],
    capture: Arc<Capture>,
    health: Arc<Health>,
    max_message_bytes: usize,
    wait: Duration,
) -> Result<SseTransport, SessionError> {
    let failed = |reason: String| SessionError::Initialize {
        target: url.to_string(),
        reason,
    };
    let headers = header_map(headers)?;
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| failed(format!("cannot build the HTTP client: {e}")))?;
    let mut response = client
        .get(url)
        .headers(headers.clone())
        .header(ACCEPT, "text/event-stream")
        .send()
        .await
        .map_err(|e| failed(format!("cannot open the event stream: {e}")))?;
    if !response.status().is_success() {
        return Err(failed(format!(
            "the event stream answered HTTP {}",
            response.status()
        )));
    }
    let base = response.url().clone();
    let mut parser = EventParser::new(max_message_bytes);
    let mut early = Vec::new();
    let endpoint = tokio::time::timeout(wait, async {
        loop {
            let chunk = response
                .chunk()
                .await
                .map_err(|e| format!("reading the event stream: {e}"))?
                .ok_or_else(|| "the event stream ended before naming its endpoint".to_string())?;
            for event in parser.feed(&chunk) {
                if event.name == "endpoint" {
                    return Ok::<String, String>(event.data);
                }
                early.push(event);
            }
        }
    })
    .await
    .map_err(|_| failed(format!("no endpoint event within {} s", wait.as_secs_f64())))?
    .map_err(failed)?;
    let endpoint = base
        .join(endpoint.trim())
        .map_err(|e| failed(format!("the endpoint {endpoint:?} is not a URL: {e}")))?
        .to_string();
    let (sender, incoming) = mpsc::channel(256);
    let pending = Pending::default();
    let reader = tokio::spawn(read_events(
        response,
        parser,
        early,
        sender,
        capture.clone(),
        health.clone(),
        pending.clone(),
    ));
    Ok(SseTransport {
        client,
        headers,
        endpoint,
        incoming,
        capture,
        health,
        pending,
        reader,
    })
}

async fn read_events(
    mut response: reqwest::Response,
    mut parser: EventParser,
    early: Vec<Event>,
    sender: mpsc::Sender<RxJsonRpcMessage<RoleClient>>,
    capture: Arc<Capture>,
    health: Arc<Health>,
    pending: Pending,
) {
    let mut number = 0u64;
    let mut queue: std::collections::VecDeque<Event> = early.into();
    loop {
        while let Some(event) = queue.pop_front() {
            if event.name != "message" && !event.name.is_empty() {
                continue;
            }
            number += 1;
            let message = match event.cut_from {
                None => {
                    capture.record_frame(Direction::In, &event.data);
                    match serde_json::from_str::<RxJsonRpcMessage<RoleClient>>(&event.data) {
                        Ok(message) => message,
                        Err(_) => {
                            health.record_fault(Fault::Protocol {
                                line: number,
                                text: cut(event.data.trim(), 200).to_string(),
                            });
                            return;
                        }
                    }
                }
                Some(total) => {
                    capture.record_frame_head(Direction::In, &event.data, total);
                    match cut_message(&event.data, total, parser.limit, &pending) {
                        Some(message) => message,
                        None => {
                            health.record_fault(Fault::Protocol {
                                line: number,
                                text: format!("an event of {total} bytes that answers no request"),
                            });
                            return;
                        }
                    }
                }
            };
            forget_answered(&pending, &message);
            if sender.send(message).await.is_err() {
                return;
            }
        }
        match response.chunk().await {
            Ok(Some(chunk)) => queue.extend(parser.feed(&chunk)),
            Ok(None) => break,
            Err(e) => {
                health.record_fault(Fault::Io(format!("reading the event stream: {e}")));
                break;
            }
        }
    }
    health.mark_ended();
}

impl Transport<RoleClient> for SseTransport {
    type Error = TransportError;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let request = serde_json::to_string(&item).map(|body| {
            self.capture.record_frame(Direction::Out, &body);
            remember_request(&self.pending, &body);
            self.client
                .post(&self.endpoint)
                .headers(self.headers.clone())
                .header(CONTENT_TYPE, "application/json")
                .body(body)
        });
        let health = self.health.clone();
        async move {
            let request = request.map_err(|e| TransportError(format!("encoding: {e}")))?;
            let response = request.send().await.map_err(|e| {
                let message = format!("cannot post to the server: {e}");
                health.record_fault(Fault::Io(message.clone()));
                TransportError(message)
            })?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(TransportError(format!(
                    "the server answered the post with HTTP {}",
                    response.status()
                )))
            }
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<RxJsonRpcMessage<RoleClient>>> + Send {
        self.incoming.recv()
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.reader.abort();
        self.health.mark_ended();
        std::future::ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_and_lines() {
        let mut parser = EventParser::new(1_000);
        assert!(
            parser
                .feed(b"event: endpoint\r\ndata: /message?sess")
                .is_empty()
        );
        let events = parser
            .feed(b"ionId=1\r\n\r\n: a comment\n\nevent: message\ndata: {\"a\":\ndata: 1}\n\n");
        assert_eq!(
            events,
            vec![
                Event {
                    name: "endpoint".into(),
                    data: "/message?sessionId=1".into(),
                    cut_from: None
                },
                Event {
                    name: "message".into(),
                    data: "{\"a\":\n1}".into(),
                    cut_from: None
                },
            ]
        );
    }

    #[test]
    fn an_oversized_event_keeps_its_head() {
        let mut parser = EventParser::new(8);
        let events = parser.feed(b"event: message\ndata: 0123456789abcdef\n\n");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "01234567");
        assert_eq!(events[0].cut_from, Some(16));
    }
}
