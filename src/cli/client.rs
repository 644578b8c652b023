//! `mcpow tools`, `mcpow call`, `mcpow resources`, `mcpow prompts`: the MCP client from the command line.
//!
//! SERVER is `-- COMMAND ARGS...` (a stdio server), an http(s) URL (streamable HTTP), or a profile name
//! from a Claude Desktop, Cursor or VS Code configuration file given with `--from`.
//! Exit codes: 0 success, 1 the tool reported an error, 2 bad usage, 3 connection, protocol or time-out.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use serde_json::{Map, Value};

use super::{EXIT_UNUSABLE, write_stdout};
use crate::mcp::profiles;
use crate::mcp::render;
use crate::mcp::{
    CallOptions, ConnectOptions, Session, SessionError, SessionEvent, StdioCommand, Target,
};
use crate::store::{CallRecord, now_millis};

pub const EXIT_TOOL_ERROR: u8 = 1;
pub const EXIT_CONNECTION: u8 = 3;

/// How to reach the server (shared by the four commands).
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// A header for an HTTP server, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// An environment variable for a stdio server, `NAME=value` (repeatable).
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,
    /// The working directory of a stdio server.
    #[arg(long)]
    pub cwd: Option<PathBuf>,
    /// Read the profile named by SERVER from this Claude Desktop, Cursor or VS Code configuration file.
    #[arg(long = "from", value_name = "CONFIG")]
    pub from: Option<PathBuf>,
    /// Seconds to wait for initialize (a server started through npx may download itself first).
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    pub init_timeout: f64,
    /// Print every JSON-RPC frame and the server's stderr (to stderr) when done.
    #[arg(long)]
    pub trace: bool,
    /// Use the legacy HTTP+SSE transport for the URL (the default for URLs whose path ends in `/sse`).
    #[arg(long)]
    pub sse: bool,
    /// Where saved profiles and the call history are.
    #[command(flatten)]
    pub data: super::history::DataDirArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// An http(s) URL or a profile name; for a stdio server, give its command after `--` instead.
    pub server: Option<String>,
    /// The whole list as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: ServerArgs,
    /// The stdio server's command and arguments.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CallArgs {
    /// `SERVER TOOL`, or just `TOOL` when the server's command follows `--`.
    #[arg(required = true, num_args = 1..=2, value_name = "SERVER TOOL")]
    pub positional: Vec<String>,
    /// The arguments as a JSON object.
    #[arg(long, default_value = "{}", value_name = "JSON")]
    pub args: String,
    /// Seconds without an answer or progress before the call is cancelled.
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    pub timeout: f64,
    /// The whole result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Keep the call in the store's history (arguments with secret-looking names are redacted).
    #[arg(long)]
    pub save: bool,
    #[command(flatten)]
    pub connection: ServerArgs,
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// What to list.
#[derive(Debug, Clone, Copy)]
pub enum Listing {
    Tools,
    Resources,
    Prompts,
}

fn failure(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

fn error_code(error: &SessionError) -> u8 {
    match error {
        SessionError::Usage(_) => EXIT_UNUSABLE,
        _ => EXIT_CONNECTION,
    }
}

/// A profile saved in the store (`mcpow profiles import`).
fn saved_profile(server: &str, data: &super::history::DataDirArgs) -> Result<Target, String> {
    let store = data.open().map_err(|e| e.to_string())?;
    let profiles = store.profiles().map_err(|e| e.to_string())?;
    let profile = profiles.iter().find(|p| p.name == server).ok_or_else(|| {
        format!(
            "`{server}` is neither a URL nor a saved profile (saved: {}); give the command after `--`, a \
             configuration file with --from, or import one with `mcpow profiles import`",
            if profiles.is_empty() {
                "none".to_string()
            } else {
                profiles.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
            }
        )
    })?;
    crate::mcp::resolve_target(profile, &|name| std::env::var(name).ok())
}

/// A value with its `${env:NAME}` references resolved (so a token need not be typed on the command line).
fn with_references(value: &str) -> Result<String, String> {
    profiles::EnvValue(value.to_string())
        .resolve(&|name| std::env::var(name).ok())
        .map_err(|e| e.to_string())
}

/// The target from the arguments: a command after `--`, a URL, or a profile from `--from`.
pub(super) fn target(
    server: Option<&str>,
    command: &[String],
    args: &ServerArgs,
) -> Result<Target, String> {
    if let Some((program, rest)) = command.split_first() {
        let env = args
            .env
            .iter()
            .map(|pair| {
                let (name, value) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--env {pair}: expected NAME=value"))?;
                Ok((name.to_string(), with_references(value)?))
            })
            .collect::<Result<Vec<_>, String>>()?;
        return Ok(Target::Stdio(StdioCommand {
            command: program.clone(),
            args: rest.to_vec(),
            cwd: args.cwd.clone(),
            env,
        }));
    }
    let Some(server) = server else {
        return Err(
            "name the server: a URL, a profile (with --from), or `-- COMMAND ARGS...`".into(),
        );
    };
    if server.starts_with("http://") || server.starts_with("https://") {
        let headers = super::parse_headers(&args.headers)?
            .into_iter()
            .map(|(name, value)| Ok((name, with_references(&value)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let url = server.to_string();
        let legacy = args.sse
            || url::Url::parse(server)
                .is_ok_and(|u| u.path().trim_end_matches('/').ends_with("/sse"));
        return Ok(if legacy {
            Target::Sse { url, headers }
        } else {
            Target::StreamableHttp { url, headers }
        });
    }
    let Some(config) = &args.from else {
        return saved_profile(server, &args.data);
    };
    let text = std::fs::read_to_string(config)
        .map_err(|e| format!("cannot read {}: {e}", config.display()))?;
    let report =
        profiles::import(&text, &config.display().to_string()).map_err(|e| e.to_string())?;
    let profile = report
        .profiles
        .iter()
        .find(|p| p.name == server)
        .ok_or_else(|| {
            let names: Vec<&str> = report.profiles.iter().map(|p| p.name.as_str()).collect();
            format!(
                "{} has no server `{server}` (it has: {})",
                config.display(),
                names.join(", ")
            )
        })?;
    crate::mcp::resolve_target(profile, &|name| std::env::var(name).ok())
}

async fn connect(target: Target, args: &ServerArgs) -> Result<Session, ExitCode> {
    let options = ConnectOptions {
        initialize_timeout: Duration::from_secs_f64(args.init_timeout.max(0.1)),
        ..ConnectOptions::default()
    };
    Session::connect(target, &options)
        .await
        .map_err(|e| failure(error_code(&e), e))
}

fn print_trace(session: &Session) {
    print_capture(session.capture());
}

/// Every JSON-RPC frame and the server's stderr, to stderr.
pub(super) fn print_capture(capture: &crate::mcp::Capture) {
    for frame in capture.frames() {
        eprintln!("{}", render::frame_line(&frame));
    }
    for line in capture.stderr() {
        eprintln!("{}", render::stderr_line(&line));
    }
}

pub async fn list(what: Listing, args: ListArgs) -> ExitCode {
    let target = match target(args.server.as_deref(), &args.command, &args.connection) {
        Ok(target) => target,
        Err(message) => return failure(EXIT_UNUSABLE, message),
    };
    let session = match connect(target, &args.connection).await {
        Ok(session) => session,
        Err(code) => return code,
    };
    let listed: Result<Value, SessionError> = match what {
        Listing::Tools => session.list_tools().await.map(|t| serde_json::json!(t)),
        Listing::Resources => match session.list_resources().await {
            Ok(resources) => session
                .list_resource_templates()
                .await
                .or_else(|e| match e {
                    // Servers without templates answer "method not found".
                    SessionError::Server { .. } => Ok(Vec::new()),
                    other => Err(other),
                })
                .map(|templates| serde_json::json!({"resources": resources, "resourceTemplates": templates})),
            Err(e) => Err(e),
        },
        Listing::Prompts => session.list_prompts().await.map(|p| serde_json::json!(p)),
    };
    if args.connection.trace {
        print_trace(&session);
    }
    session.close().await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => return failure(error_code(&e), e),
    };
    if args.json {
        write_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&listed).unwrap_or_default()
        ));
        return ExitCode::SUCCESS;
    }
    let text = match what {
        Listing::Tools => render::tool_lines(listed.as_array().map(Vec::as_slice).unwrap_or(&[])),
        Listing::Resources => render::resource_lines(&listed),
        Listing::Prompts => {
            render::prompt_lines(listed.as_array().map(Vec::as_slice).unwrap_or(&[]))
        }
    };
    write_stdout(&text);
    ExitCode::SUCCESS
}

pub async fn call(args: CallArgs) -> ExitCode {
    let (server, tool) = match (args.command.is_empty(), args.positional.as_slice()) {
        (true, [server, tool]) => (Some(server.as_str()), tool.clone()),
        (false, [tool]) => (None, tool.clone()),
        (true, _) => {
            return failure(
                EXIT_UNUSABLE,
                "usage: mcpow call SERVER TOOL, or mcpow call TOOL -- COMMAND ARGS...",
            );
        }
        (false, _) => {
            return failure(
                EXIT_UNUSABLE,
                "with `-- COMMAND`, name only the tool: mcpow call TOOL -- COMMAND ARGS...",
            );
        }
    };
    let arguments: Map<String, Value> = match serde_json::from_str(&args.args) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return failure(EXIT_UNUSABLE, "--args must be a JSON object"),
        Err(e) => return failure(EXIT_UNUSABLE, format!("--args is not JSON: {e}")),
    };
    let target = match target(server, &args.command, &args.connection) {
        Ok(target) => target,
        Err(message) => return failure(EXIT_UNUSABLE, message),
    };
    let session = match connect(target, &args.connection).await {
        Ok(session) => session,
        Err(code) => return code,
    };
    // Listing first gives the tool's outputSchema, against which structuredContent is checked.
    let _ = session.list_tools().await;
    let mut events = session.subscribe();
    let progress = tokio::spawn(async move {
        while let Ok(event) = events.recv().await {
            match event {
                SessionEvent::Progress {
                    progress,
                    total,
                    message,
                    ..
                } => {
                    let total = total.map(|t| format!("/{t}")).unwrap_or_default();
                    let message = message.map(|m| format!(" {m}")).unwrap_or_default();
                    eprintln!("progress {progress}{total}{message}");
                }
                SessionEvent::Log { level, data, .. } => eprintln!("log {level:?}: {data}"),
                _ => {}
            }
        }
    });
    let options = CallOptions {
        timeout: Duration::from_secs_f64(args.timeout.max(0.1)),
        ..CallOptions::default()
    };
    let server_label = session.target().label();
    let started = std::time::Instant::now();
    let outcome = session
        .call_tool(&tool, arguments.clone(), &options, None)
        .await;
    progress.abort();
    if args.connection.trace {
        print_trace(&session);
    }
    session.close().await;
    if args.save {
        let (result, is_error) = match &outcome {
            Ok(outcome) => (
                serde_json::to_value(&outcome.result).unwrap_or_default(),
                outcome.result.is_error == Some(true),
            ),
            Err(e) => (Value::String(e.to_string()), true),
        };
        let record = CallRecord {
            id: 0,
            server: server_label,
            tool: tool.clone(),
            arguments,
            result,
            is_error,
            duration_ms: started.elapsed().as_millis() as u64,
            at: now_millis(),
        };
        if let Err(e) = args
            .connection
            .data
            .open()
            .and_then(|store| store.append_call(record))
        {
            eprintln!("warning: the call was not saved: {e}");
        }
    }
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return failure(error_code(&e), e),
    };
    let result = serde_json::to_value(&outcome.result).unwrap_or_default();
    if args.json {
        write_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&result).unwrap_or_default()
        ));
    } else {
        write_stdout(&format!("{}\n", render::tool_result(&result)));
    }
    for problem in &outcome.output_problems {
        eprintln!("warning: structuredContent does not fit the outputSchema: {problem}");
    }
    if outcome.result.is_error == Some(true) {
        ExitCode::from(EXIT_TOOL_ERROR)
    } else {
        ExitCode::SUCCESS
    }
}
