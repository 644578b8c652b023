//! The stdio transport: a child process speaking newline-delimited JSON-RPC. Its own reader, rather than
//! rmcp's, so that every frame is captured, a line that is not JSON-RPC becomes a protocol error naming it,
//! an oversized message is cut (never held whole), and stderr is kept line by line.
//!
//! The child runs in its own process group, so closing the session also ends what it started (`npx` starts
//! `node`); it is killed when the transport is dropped.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::RoleClient;
use rmcp::model::JsonRpcMessage;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio::sync::oneshot;

use super::capture::{Capture, Direction, cut};
use super::health::{Fault, Health};

/// A server to start as a child process (environment references already resolved).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StdioCommand {
    pub command: String,
    pub args: Vec<String>,
    pub cwd: Option<PathBuf>,
    /// Added to the inherited environment.
    pub env: Vec<(String, String)>,
}

/// The largest message read whole; a longer one is cut and answered with a note.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
/// How much of a cut message is kept for the note and the capture.
const CUT_HEAD_BYTES: usize = 64 * 1024;

/// Methods of requests still waiting for an answer, by JSON-encoded id (to answer a cut message sensibly).
pub(super) type Pending = Arc<Mutex<HashMap<String, String>>>;

pub struct StdioTransport {
    stdin: Arc<tokio::sync::Mutex<ChildStdin>>,
    /// Read inside `receive` (no task of its own: one thread hop less per message).
    stdout: LineReader<ChildStdout>,
    line_number: u64,
    finished: bool,
    capture: Arc<Capture>,
    health: Arc<Health>,
    pending: Pending,
    stop: Option<oneshot::Sender<()>>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub(super) String);

impl StdioTransport {
    /// Starts the child and the tasks that read its stdout and stderr and wait for its exit.
    pub fn spawn(
        command: &StdioCommand,
        capture: Arc<Capture>,
        health: Arc<Health>,
        max_message_bytes: usize,
    ) -> std::io::Result<StdioTransport> {
        let mut process = tokio::process::Command::new(&command.command);
        process
            .args(&command.args)
            .envs(command.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(cwd) = &command.cwd {
            process.current_dir(cwd);
        }
        #[cfg(unix)]
        process.process_group(0);
        let mut child = process.spawn()?;
        let stdin = child.stdin.take().ok_or_else(|| missing("stdin"))?;
        let stdout = child.stdout.take().ok_or_else(|| missing("stdout"))?;
        let stderr = child.stderr.take().ok_or_else(|| missing("stderr"))?;

        let pending: Pending = Arc::default();
        tokio::spawn(read_stderr(stderr, capture.clone()));
        let (stop, stop_requested) = oneshot::channel();
        tokio::spawn(watch_child(child, health.clone(), stop_requested));
        Ok(StdioTransport {
            stdin: Arc::new(tokio::sync::Mutex::new(stdin)),
            stdout: LineReader::new(stdout, max_message_bytes),
            line_number: 0,
            finished: false,
            capture,
            health,
            pending,
            stop: Some(stop),
        })
    }
}

fn missing(what: &str) -> std::io::Error {
    std::io::Error::other(format!("the child's {what} is not available"))
}

impl Transport<RoleClient> for StdioTransport {
    type Error = TransportError;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let stdin = self.stdin.clone();
        let capture = self.capture.clone();
        let health = self.health.clone();
        let pending = self.pending.clone();
        async move {
            let mut line = serde_json::to_string(&item)
                .map_err(|e| TransportError(format!("encoding: {e}")))?;
            capture.record_frame(Direction::Out, &line);
            remember_request(&pending, &line);
            line.push('\n');
            let mut stdin = stdin.lock().await;
            let written = async {
                stdin.write_all(line.as_bytes()).await?;
                stdin.flush().await
            };
            written.await.map_err(|e| {
                let message = format!("cannot write to the server: {e}");
                health.record_fault(Fault::Io(message.clone()));
                TransportError(message)
            })
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<RxJsonRpcMessage<RoleClient>>> + Send {
        self.next_message()
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.finished = true;
        std::future::ready(Ok(()))
    }
}

impl Drop for StdioTransport {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Notes the method of an outgoing request under its id (read off the line: no second parse).
pub(super) fn remember_request(pending: &Pending, line: &str) {
    let (Some(id), Some(method)) = (leading_id(line), string_field(line, "method")) else {
        return;
    };
    let mut pending = pending.lock().unwrap_or_else(|p| p.into_inner());
    if pending.len() < 10_000 {
        pending.insert(id.to_string(), method);
    }
}

/// The first `"name":"value"` string field of a JSON line (our own requests put `method` before `params`).
fn string_field(line: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\"");
    let start = line.find(&key)? + key.len();
    let rest = line[start..].trim_start().strip_prefix(':')?.trim_start();
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
    stream.next()?.ok()
}

/// One line of the child's stdout: whole, or cut at the limit.
enum Line {
    Whole(Vec<u8>),
    Cut { head: Vec<u8>, total: usize },
}

/// Reads lines without ever holding more than `limit` bytes of one. The partial line lives here, not in
/// the future, so a read cancelled at its await point loses nothing (rmcp polls `receive` in a `select!`).
pub(super) struct LineReader<R> {
    reader: BufReader<R>,
    kept: Vec<u8>,
    total: usize,
    limit: usize,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub(super) fn new(reader: R, limit: usize) -> Self {
        LineReader {
            reader: BufReader::with_capacity(64 * 1024, reader),
            kept: Vec::new(),
            total: 0,
            limit,
        }
    }

    async fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            let available = self.reader.fill_buf().await?;
            if available.is_empty() {
                return Ok((self.total > 0).then(|| self.take_line()));
            }
            let (chunk, found_end) = match available.iter().position(|b| *b == b'\n') {
                Some(end) => (&available[..end], true),
                None => (available, false),
            };
            let room = self.limit.saturating_sub(self.kept.len());
            self.kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            self.total += chunk.len();
            let consumed = chunk.len() + usize::from(found_end);
            self.reader.consume(consumed);
            if found_end {
                return Ok(Some(self.take_line()));
            }
        }
    }

    fn take_line(&mut self) -> Line {
        let kept = std::mem::take(&mut self.kept);
        let total = std::mem::take(&mut self.total);
        finish(kept, total, self.limit)
    }
}

fn finish(mut kept: Vec<u8>, total: usize, limit: usize) -> Line {
    if total <= limit {
        if kept.last() == Some(&b'\r') {
            kept.pop();
        }
        Line::Whole(kept)
    } else {
        kept.truncate(CUT_HEAD_BYTES);
        Line::Cut { head: kept, total }
    }
}

impl StdioTransport {
    /// The next message from the server; `None` once its output ends or breaks the protocol.
    async fn next_message(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        if self.finished {
            return None;
        }
        let message = self.read_message().await;
        if message.is_none() {
            self.finished = true;
            self.health.mark_ended();
        }
        message
    }

    async fn read_message(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        let limit = self.stdout.limit;
        loop {
            let line = match self.stdout.next_line().await {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(e) => {
                    let message = format!("reading the server's output: {e}");
                    self.health.record_fault(Fault::Io(message));
                    return None;
                }
            };
            self.line_number += 1;
            let number = self.line_number;
            let message = match line {
                Line::Whole(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    if text.trim().is_empty() {
                        continue;
                    }
                    self.capture.record_frame(Direction::In, &text);
                    match serde_json::from_str::<RxJsonRpcMessage<RoleClient>>(&text) {
                        Ok(message) => message,
                        Err(_) => {
                            self.health.record_fault(Fault::Protocol {
                                line: number,
                                text: cut(text.trim(), 200).to_string(),
                            });
                            return None;
                        }
                    }
                }
                Line::Cut { head, total } => {
                    let head = String::from_utf8_lossy(&head).into_owned();
                    self.capture.record_frame_head(Direction::In, &head, total);
                    match cut_message(&head, total, limit, &self.pending) {
                        Some(message) => message,
                        None => {
                            self.health.record_fault(Fault::Protocol {
                                line: number,
                                text: format!(
                                    "a message of {total} bytes, over the {limit}-byte limit, that answers no request"
                                ),
                            });
                            return None;
                        }
                    }
                }
            };
            forget_answered(&self.pending, &message);
            return Some(message);
        }
    }
}

pub(super) fn forget_answered(pending: &Pending, message: &RxJsonRpcMessage<RoleClient>) {
    let id = match message {
        JsonRpcMessage::Response(response) => Some(&response.id),
        JsonRpcMessage::Error(error) => error.id.as_ref(),
        _ => None,
    };
    let Some(key) = id.and_then(|id| serde_json::to_string(id).ok()) else {
        return;
    };
    pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&key);
}

/// The answer to a message too long to read whole: for `tools/call`, a result whose text is the head of what
/// arrived and a note; for other requests, an error. `None` when the head names no pending request.
pub(super) fn cut_message(
    head: &str,
    total: usize,
    limit: usize,
    pending: &Pending,
) -> Option<RxJsonRpcMessage<RoleClient>> {
    let id = leading_id(head)?;
    let method = pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&id.to_string())
        .cloned()?;
    let note = format!(
        "the server's answer was {total} bytes, over the {limit}-byte limit: it was cut, and only its first \
         {} bytes are shown",
        head.len()
    );
    let message = if method == "tools/call" {
        json!({"jsonrpc": "2.0", "id": id, "result": {
            "content": [
                {"type": "text", "text": format!("[{note}]")},
                {"type": "text", "text": head},
            ],
            "_meta": {"mcpow/cut": {"bytes": total, "limit": limit}},
        }})
    } else {
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32603, "message": note}})
    };
    serde_json::from_value(message).ok()
}

/// The `"id"` of a JSON-RPC message from the head of its text (a number or a string).
fn leading_id(head: &str) -> Option<Value> {
    let start = head.find("\"id\"")? + 4;
    let rest = head[start..].trim_start().strip_prefix(':')?.trim_start();
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
    match stream.next()?.ok()? {
        id @ (Value::Number(_) | Value::String(_)) => Some(id),
        _ => None,
    }
}

async fn read_stderr<R: AsyncRead + Unpin>(stderr: R, capture: Arc<Capture>) {
    let mut reader = LineReader::new(stderr, 64 * 1024);
    loop {
        match reader.next_line().await {
            Ok(Some(Line::Whole(bytes))) => capture.record_stderr(&String::from_utf8_lossy(&bytes)),
            Ok(Some(Line::Cut { head, .. })) => {
                capture.record_stderr(&String::from_utf8_lossy(&head))
            }
            Ok(None) | Err(_) => break,
        }
    }
}

/// Waits for the child to exit, or ends it (and its process group) when the transport closes.
async fn watch_child(mut child: Child, health: Arc<Health>, stop: oneshot::Receiver<()>) {
    tokio::select! {
        biased;
        status = child.wait() => {
            if let Ok(status) = status {
                health.record_exit(status);
            }
        }
        _ = stop => {
            // When the server's output has already ended, it is probably exiting: keep its own status.
            let grace = if health.has_ended() { 1_000 } else { 0 };
            match tokio::time::timeout(Duration::from_millis(grace), child.wait()).await {
                Ok(Ok(status)) => health.record_exit(status),
                _ => end_process_group(&mut child).await,
            }
            health.mark_ended();
        }
    }
}

/// SIGTERM to the group, then SIGKILL after a grace period.
async fn end_process_group(child: &mut Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id() {
        let group = -(pid as i32);
        // SAFETY: kill(2) with a negative pid signals the process group we created for this child.
        unsafe { libc::kill(group, libc::SIGTERM) };
        if tokio::time::timeout(Duration::from_millis(1_000), child.wait())
            .await
            .is_err()
        {
            unsafe { libc::kill(group, libc::SIGKILL) };
        }
        let _ = child.wait().await;
        return;
    }
    let _ = child.kill().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_read_whole_or_cut_at_the_limit() {
        let input: &[u8] = b"short\r\n0123456789abcdef\nlast";
        let mut reader = LineReader {
            reader: BufReader::with_capacity(4, input),
            kept: Vec::new(),
            total: 0,
            limit: 10,
        };
        let Some(Line::Whole(first)) = reader.next_line().await.unwrap() else {
            panic!("a whole line");
        };
        assert_eq!(first, b"short");
        let Some(Line::Cut { head, total }) = reader.next_line().await.unwrap() else {
            panic!("a cut line");
        };
        assert_eq!((head.as_slice(), total), (&b"0123456789"[..], 16));
        let Some(Line::Whole(last)) = reader.next_line().await.unwrap() else {
            panic!("the last line without a newline");
        };
        assert_eq!(last, b"last");
        assert!(reader.next_line().await.unwrap().is_none());
    }

    #[test]
    fn ids_are_found_at_the_head_of_a_message() {
        assert_eq!(
            leading_id(r#"{"jsonrpc":"2.0","id":7,"result":{"con"#),
            Some(json!(7))
        );
        assert_eq!(leading_id(r#"{"id" : "a-1", "res"#), Some(json!("a-1")));
        assert_eq!(leading_id(r#"{"jsonrpc":"2.0","result":"#), None);
    }

    #[test]
    fn a_cut_tool_result_carries_the_head_and_a_note() {
        let pending: Pending = Arc::default();
        remember_request(
            &pending,
            r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"big"}}"#,
        );
        let head = r#"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"xxxx"#;
        let message = cut_message(head, 100_000_000, 1_000, &pending).expect("an answer");
        let value = serde_json::to_value(&message).unwrap();
        assert_eq!(value["id"], 3);
        let note = value["result"]["content"][0]["text"].as_str().unwrap();
        assert!(note.contains("100000000 bytes"), "{note}");
        assert_eq!(value["result"]["content"][1]["text"], head);
        assert!(cut_message(r#"{"id":9,"#, 5_000, 1_000, &pending).is_none());
    }
}
