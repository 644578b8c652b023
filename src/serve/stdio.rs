//! The stdio transport of `mcpow serve`: newline-delimited JSON-RPC, as rmcp's own. `tools/list` is answered
//! here from the rendered entries, written piece by piece; every other message goes to and from rmcp.

use std::io::{BufWriter, Write};
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{ClientJsonRpcMessage, ErrorData, ServerJsonRpcMessage};
use rmcp::transport::Transport;
use rmcp::{RoleServer, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use super::{Prepared, SpecServer};

/// How long output still queued at the end may take to be written.
const FLUSH_AT_END: Duration = Duration::from_secs(5);

/// One line to write.
enum Outgoing {
    Message(Vec<u8>),
    /// The answer to a `tools/list` request with this id.
    ToolsList(Value, Result<Arc<Prepared>, ErrorData>),
}

/// rmcp's side of the transport: messages read by [`read_messages`] come in, its messages go to the writer.
struct ListingStdio {
    incoming: mpsc::Receiver<ClientJsonRpcMessage>,
    outgoing: mpsc::Sender<Outgoing>,
}

impl Transport<RoleServer> for ListingStdio {
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let outgoing = self.outgoing.clone();
        let line = serde_json::to_vec(&item).map_err(std::io::Error::other);
        async move {
            outgoing
                .send(Outgoing::Message(line?))
                .await
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<ClientJsonRpcMessage>> + Send {
        self.incoming.recv()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Serves over stdio until the client closes it.
pub async fn run_stdio(server: SpecServer) -> Result<(), String> {
    let (incoming_sender, incoming) = mpsc::channel(64);
    let (outgoing, outgoing_queue) = mpsc::channel(64);
    let (written, all_written) = oneshot::channel();
    std::thread::spawn(move || {
        write_messages(outgoing_queue);
        let _ = written.send(());
    });
    let reader = tokio::spawn(read_messages(
        server.clone(),
        incoming_sender,
        outgoing.clone(),
    ));
    let transport = ListingStdio { incoming, outgoing };
    let session = async {
        server
            .serve(transport)
            .await
            .map_err(|e| format!("MCP session failed to start: {e}"))?
            .waiting()
            .await
            .map_err(|e| format!("MCP session ended with an error: {e}"))
    };
    let ended = session.await;
    reader.abort();
    let _ = tokio::time::timeout(FLUSH_AT_END, all_written).await;
    ended.map(|_| ())
}

/// Reads lines from stdin until it closes: `tools/list` requests are answered once the tools are ready,
/// other messages go to rmcp, and a line that is not a JSON-RPC message gets rmcp's "Invalid request".
async fn read_messages(
    server: SpecServer,
    incoming: mpsc::Sender<ClientJsonRpcMessage>,
    outgoing: mpsc::Sender<Outgoing>,
) {
    let mut input = BufReader::new(tokio::io::stdin());
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let message: Option<Value> = serde_json::from_slice(text).ok();
        if let Some(id) = message.as_ref().and_then(tools_list_id) {
            let (id, server, outgoing) = (id.clone(), server.clone(), outgoing.clone());
            tokio::spawn(async move {
                let prepared = server.ready().await;
                let _ = outgoing.send(Outgoing::ToolsList(id, prepared)).await;
            });
            continue;
        }
        match message.map(serde_json::from_value::<ClientJsonRpcMessage>) {
            Some(Ok(message)) => {
                if incoming.send(message).await.is_err() {
                    return;
                }
            }
            _ => {
                let error = ErrorData::invalid_request("Invalid request", None);
                let reply = serde_json::to_vec(&ServerJsonRpcMessage::error(error, None));
                if let Ok(reply) = reply
                    && outgoing.send(Outgoing::Message(reply)).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

/// The id of a `tools/list` request.
fn tools_list_id(message: &Value) -> Option<&Value> {
    (message.get("method")? == "tools/list")
        .then(|| message.get("id"))
        .flatten()
}

/// Writes each message as one line on stdout, in order, until every sender is gone or stdout closes.
fn write_messages(mut queue: mpsc::Receiver<Outgoing>) {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    while let Some(message) = queue.blocking_recv() {
        let written = match message {
            Outgoing::Message(line) => out.write_all(&line),
            Outgoing::ToolsList(id, prepared) => write_tools_list(&mut out, &id, prepared),
        };
        if written
            .and_then(|_| out.write_all(b"\n"))
            .and_then(|_| out.flush())
            .is_err()
        {
            return;
        }
    }
}

/// The `tools/list` response, or its error.
fn write_tools_list(
    out: &mut impl Write,
    id: &Value,
    prepared: Result<Arc<Prepared>, ErrorData>,
) -> std::io::Result<()> {
    match prepared {
        Ok(prepared) => {
            out.write_all(b"{\"jsonrpc\":\"2.0\",\"id\":")?;
            serde_json::to_writer(&mut *out, id)?;
            out.write_all(b",\"result\":")?;
            prepared.listed_json().write_result(out)?;
            out.write_all(b"}")
        }
        Err(error) => {
            let reply = json!({ "jsonrpc": "2.0", "id": id, "error": error });
            serde_json::to_writer(out, &reply).map_err(std::io::Error::other)
        }
    }
}
