//! Connecting the Tools pane to a server, off the UI loop: the open spec served live by `mcpow serve` (a
//! child process, so its stderr and frames are real) against mcpow's mock or the spec's own servers, a saved
//! profile, or a typed command line or URL. A connected server is a [`Live`], which the pane owns.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{Prompt, Resource, Tool};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::ToolsMessage;
use crate::engine::queue::JobQueue;
use crate::mcp::profiles::Profile;
use crate::mcp::{ConnectOptions, Session, StdioCommand, Target, resolve_target};
use crate::mock::{MockOptions, RunningMock};
use crate::spec::{LoadOptions, load_bytes};
use crate::store::{ConnectorRecord, SpecVersion, Store};
use crate::tui::Message;

/// What the workbench's tasks need: the store, where to keep files, the `mcpow` binary that serves specs,
/// and the job manager that runs generations.
#[derive(Clone)]
pub struct Context {
    pub store: Arc<Store>,
    pub data_dir: PathBuf,
    pub mcpow_exe: PathBuf,
    pub jobs: JobQueue,
}

impl Context {
    /// A context whose job manager runs at most `job_limit` generations at once.
    pub fn new(store: Arc<Store>, data_dir: PathBuf, mcpow_exe: PathBuf, job_limit: usize) -> Self {
        Context {
            jobs: JobQueue::new(store.clone(), job_limit),
            store,
            data_dir,
            mcpow_exe,
        }
    }
}

/// Where a served spec's calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// mcpow's mock of the same spec, on 127.0.0.1.
    Mock,
    /// The servers the spec names (the real API).
    SpecServers,
    /// Another base URL (a local instance of the API, a staging server).
    BaseUrl(String),
}

/// A server to connect to, as chosen in the picker.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerChoice {
    ServeSpec {
        version: SpecVersion,
        backend: Backend,
    },
    Profile(Profile),
    /// A generated connector, run with its own runtime, calling `backend`.
    Connector {
        connector: Box<ConnectorRecord>,
        backend: Backend,
    },
    /// A command line (`npx -y @modelcontextprotocol/server-everything`) or a URL (`/sse` means SSE).
    Typed(String),
}

impl ServerChoice {
    /// The name calls are kept under in history: stable across runs (no ports or temp paths).
    pub fn label(&self) -> String {
        match self {
            ServerChoice::ServeSpec { version, backend } => match backend {
                Backend::Mock => format!("{} served against the mock", version.name),
                Backend::SpecServers => format!("{} served against its servers", version.name),
                Backend::BaseUrl(url) => format!("{} served against {url}", version.name),
            },
            ServerChoice::Profile(profile) => profile.name.clone(),
            ServerChoice::Connector { connector, backend } => match backend {
                Backend::Mock => format!("connector {} against the mock", connector.name),
                Backend::SpecServers => format!("connector {} against the API", connector.name),
                Backend::BaseUrl(url) => format!("connector {} against {url}", connector.name),
            },
            ServerChoice::Typed(text) => text.trim().to_string(),
        }
    }
}

/// A connected server and what came with it.
pub struct Live {
    pub label: String,
    pub session: Session,
    pub mock: Option<RunningMock>,
    forwarder: JoinHandle<()>,
    pub tools: Vec<Tool>,
    pub resources: Vec<Resource>,
    pub prompts: Vec<Prompt>,
    /// Lists the server failed to give (a server without prompts may answer "method not found").
    pub list_problems: Vec<String>,
}

impl Live {
    /// Ends the session (a stdio server's process group with it) and stops the mock.
    pub async fn close(self) {
        self.forwarder.abort();
        self.session.close().await;
        if let Some(mock) = self.mock {
            let _ = mock.stop().await;
        }
    }
}

pub async fn connect(
    choice: ServerChoice,
    context: Context,
    queue: mpsc::UnboundedSender<Message>,
) -> Result<Live, String> {
    let label = choice.label();
    let mut options = ConnectOptions::default();
    let (target, mock) = match choice {
        ServerChoice::ServeSpec { version, backend } => {
            serve_spec_target(&version, &backend, &context).await?
        }
        ServerChoice::Profile(profile) => (
            resolve_target(&profile, &|name| std::env::var(name).ok())?,
            None,
        ),
        ServerChoice::Connector { connector, backend } => {
            let (target, mock, needs) =
                super::connector::connector_target(&connector, &backend, &context).await?;
            options = needs;
            (target, mock)
        }
        ServerChoice::Typed(text) => (typed_target(&text)?, None),
    };
    let session = match Session::connect(target, &options).await {
        Ok(session) => session,
        Err(error) => {
            if let Some(mock) = mock {
                let _ = mock.stop().await;
            }
            return Err(error.to_string());
        }
    };
    let mut list_problems = Vec::new();
    let capabilities = session
        .summary()
        .map(|summary| summary.peer.capabilities)
        .unwrap_or_default();
    let tools = session.list_tools().await.unwrap_or_else(|e| {
        list_problems.push(format!("tools/list: {e}"));
        Vec::new()
    });
    let resources = if capabilities.resources.is_some() {
        session.list_resources().await.unwrap_or_else(|e| {
            list_problems.push(format!("resources/list: {e}"));
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let prompts = if capabilities.prompts.is_some() {
        session.list_prompts().await.unwrap_or_else(|e| {
            list_problems.push(format!("prompts/list: {e}"));
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let forwarder = tokio::spawn(forward_events(session.connection(), queue));
    Ok(Live {
        label,
        session,
        mock,
        forwarder,
        tools,
        resources,
        prompts,
        list_problems,
    })
}

/// `mcpow serve FILE [--base-url MOCK]`, with the spec written where the child can read it.
async fn serve_spec_target(
    version: &SpecVersion,
    backend: &Backend,
    context: &Context,
) -> Result<(Target, Option<RunningMock>), String> {
    let store = context.store.clone();
    let cache = context.data_dir.join("served");
    let owned = version.clone();
    let wants_mock = *backend == Backend::Mock;
    let (path, model) = tokio::task::spawn_blocking(move || {
        let bytes = store.spec_bytes(&owned).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&cache)
            .map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
        let short = &owned.hash[..owned.hash.len().min(12)];
        let path = cache.join(format!("{short}-{}", file_name(&owned.name)));
        if !path.exists() {
            std::fs::write(&path, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        let model = if wants_mock {
            Some(
                load_bytes(&owned.name, &bytes, None, &LoadOptions::default())
                    .map_err(|e| e.to_string())?,
            )
        } else {
            None
        };
        Ok::<_, String>((path, model))
    })
    .await
    .map_err(|e| format!("loading the spec stopped: {e}"))??;
    let mut args = vec![
        "serve".to_string(),
        path.display().to_string(),
        "--name".to_string(),
        version.name.clone(),
    ];
    let mock = match model {
        Some(model) => {
            let options = MockOptions {
                use_examples: true,
                ..MockOptions::default()
            };
            let mock = crate::mock::start(Arc::new(model), options)
                .await
                .map_err(|e| format!("cannot start the mock: {e}"))?;
            args.push("--base-url".to_string());
            args.push(mock.base_url());
            Some(mock)
        }
        None => {
            if let Backend::BaseUrl(url) = backend {
                args.push("--base-url".to_string());
                args.push(url.clone());
            }
            None
        }
    };
    let command = StdioCommand {
        command: context.mcpow_exe.display().to_string(),
        args,
        ..Default::default()
    };
    Ok((Target::Stdio(command), mock))
}

/// A name (a spec's, a project's, a connector's) as a safe file name.
pub(super) fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A typed URL (streamable HTTP, or SSE when it ends in `/sse`) or command line.
pub fn typed_target(text: &str) -> Result<Target, String> {
    let text = text.trim();
    if text.starts_with("http://") || text.starts_with("https://") {
        let url = text.to_string();
        let sse = url.trim_end_matches('/').ends_with("/sse");
        return Ok(if sse {
            Target::Sse {
                url,
                headers: Vec::new(),
            }
        } else {
            Target::StreamableHttp {
                url,
                headers: Vec::new(),
            }
        });
    }
    let mut words = split_words(text)?.into_iter();
    let command = words
        .next()
        .ok_or_else(|| "type a command line or an http(s) URL".to_string())?;
    Ok(Target::Stdio(StdioCommand {
        command,
        args: words.collect(),
        ..Default::default()
    }))
}

/// Words of a command line: whitespace separates, single and double quotes group, `\` escapes.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                let escaped = chars
                    .next()
                    .ok_or("the command line ends with a lone backslash")?;
                word.get_or_insert_with(String::new).push(escaped);
            }
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(q) = quote {
        return Err(format!("the command line has an unclosed {q}"));
    }
    words.extend(word);
    Ok(words)
}

/// Passes the session's notifications and capture changes to the loop. Capture changes are coalesced (at
/// most one message per 50 ms), so a server flooding stderr can't flood the UI.
async fn forward_events(
    connection: Arc<crate::mcp::Connection>,
    queue: mpsc::UnboundedSender<Message>,
) {
    let mut events = connection.subscribe();
    let mut captured = connection.capture().subscribe();
    let send = |message: ToolsMessage| queue.send(Message::Tools(message)).is_ok();
    loop {
        tokio::select! {
            // The server exited or the stream closed: the header says so at once.
            _ = connection.ended() => {
                send(ToolsMessage::Ended);
                return;
            }
            event = events.recv() => match event {
                Ok(event) => {
                    if !send(ToolsMessage::Event(event)) {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            change = captured.recv() => {
                if let Err(RecvError::Closed) = change {
                    return;
                }
                // One redraw now, then one per 50 ms while more keeps coming.
                loop {
                    if !send(ToolsMessage::CaptureChanged) {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    let mut more = false;
                    loop {
                        match captured.try_recv() {
                            Ok(_) | Err(TryRecvError::Lagged(_)) => more = true,
                            Err(TryRecvError::Empty) => break,
                            Err(TryRecvError::Closed) => return,
                        }
                    }
                    if !more {
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_split_like_a_shell() {
        assert_eq!(
            split_words(r#"npx -y "@scope/pkg name" 'a b' c\ d"#).unwrap(),
            ["npx", "-y", "@scope/pkg name", "a b", "c d"]
        );
        assert_eq!(split_words(r#"x """#).unwrap(), ["x", ""]);
        assert!(split_words("python 'unclosed").unwrap_err().contains('\''));
    }

    #[test]
    fn urls_pick_their_transport() {
        assert!(matches!(
            typed_target("http://127.0.0.1:3000/mcp").unwrap(),
            Target::StreamableHttp { .. }
        ));
        assert!(matches!(
            typed_target("http://127.0.0.1:3000/sse").unwrap(),
            Target::Sse { .. }
        ));
        let Target::Stdio(command) = typed_target("  uvx mcp-server-time ").unwrap() else {
            panic!("a command line is stdio");
        };
        assert_eq!(command.command, "uvx");
        assert_eq!(command.args, ["mcp-server-time"]);
        assert!(typed_target("   ").is_err());
    }
}
