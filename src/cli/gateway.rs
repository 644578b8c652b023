//! `mcpow gateway SERVER [--port N]`: an MCP server's tools as a REST API with an OpenAPI 3.1 document.
//! SERVER is taken as `mcpow tools` takes it (`-- COMMAND ARGS...`, a URL, a profile). Exit codes: 2 bad
//! usage, 3 the server cannot be started or reached at start.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::EXIT_UNUSABLE;
use super::client::{EXIT_CONNECTION, ServerArgs, print_capture, target};
use crate::gateway::{Credentials, GatewayError, GatewayEvent, GatewayOptions, start};
use crate::mcp::{CallOptions, ConnectOptions};

#[derive(Debug, Args)]
pub struct GatewayArgs {
    /// An http(s) URL or a profile name; for a stdio server, give its command after `--` instead.
    pub server: Option<String>,
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Seconds a tool call may go without an answer or progress before it is cancelled (answered 504).
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    pub timeout: f64,
    /// Forward each request's `Authorization: Bearer` header to the HTTP server (one session per token).
    #[arg(long)]
    pub pass_bearer: bool,
    /// The gateway's own bearer token for the HTTP server, read from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub bearer_env: Option<String>,
    /// Print only the listening line, not a line per request.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub connection: ServerArgs,
    /// The stdio server's command and arguments.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

fn failure(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

/// The token named by `--bearer-env` (never printed).
fn own_token(variable: Option<&str>) -> Result<Option<String>, String> {
    let Some(variable) = variable else {
        return Ok(None);
    };
    match std::env::var(variable) {
        Ok(token) if !token.trim().is_empty() => Ok(Some(token.trim().to_string())),
        Ok(_) => Err(format!("--bearer-env {variable}: the variable is empty")),
        Err(_) => Err(format!("--bearer-env {variable}: the variable is not set")),
    }
}

pub async fn run(args: GatewayArgs) -> ExitCode {
    let target = match target(args.server.as_deref(), &args.command, &args.connection) {
        Ok(target) => target,
        Err(message) => return failure(EXIT_UNUSABLE, message),
    };
    let token = match own_token(args.bearer_env.as_deref()) {
        Ok(token) => token,
        Err(message) => return failure(EXIT_UNUSABLE, message),
    };
    let options = GatewayOptions {
        port: args.port,
        connect: ConnectOptions {
            initialize_timeout: Duration::from_secs_f64(args.connection.init_timeout.max(0.1)),
            ..ConnectOptions::default()
        },
        call: CallOptions {
            timeout: Duration::from_secs_f64(args.timeout.max(0.1)),
            ..CallOptions::default()
        },
        credentials: Credentials {
            pass_bearer: args.pass_bearer,
            token,
        },
        ..GatewayOptions::default()
    };
    let mut gateway = match start(target, options).await {
        Ok(gateway) => gateway,
        Err(error @ (GatewayError::Usage(_) | GatewayError::Bind { .. })) => {
            return failure(EXIT_UNUSABLE, error);
        }
        Err(error) => return failure(EXIT_CONNECTION, error),
    };
    let tools = match gateway.tool_count() {
        Some(count) => format!("{count} tools from {}", gateway.server_name()),
        None => format!(
            "tools from {}, listed with each caller's token",
            gateway.status().server
        ),
    };
    let line = format!(
        "gateway listening on {} ({tools}); OpenAPI at {}/openapi.json\n",
        gateway.base_url(),
        gateway.base_url()
    );
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
    let _ = std::io::stdout().lock().flush();
    let mut events = gateway.subscribe();
    let quiet = args.quiet;
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(line) = describe(&event, quiet) {
                        eprintln!("{line}");
                    }
                }
                Err(RecvError::Lagged(missed)) if !quiet => {
                    eprintln!("({missed} events not shown)")
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            }
        }
    });
    let ended = tokio::select! {
        _ = tokio::signal::ctrl_c() => None,
        result = gateway.wait() => Some(result),
    };
    if args.connection.trace
        && let Some(capture) = gateway.capture()
    {
        print_capture(&capture);
    }
    gateway.stop().await;
    match ended {
        None | Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(error)) => failure(EXIT_CONNECTION, error),
    }
}

fn describe(event: &GatewayEvent, quiet: bool) -> Option<String> {
    match event {
        GatewayEvent::Request {
            method,
            path,
            status,
            elapsed,
        } => (!quiet).then(|| format!("{method} {path} {status} {} ms", elapsed.as_millis())),
        GatewayEvent::SessionStarted { restart: true } => {
            Some("the server's session started again".to_string())
        }
        GatewayEvent::SessionStarted { restart: false } => None,
        GatewayEvent::SessionEnded { reason } => {
            Some(format!("the server's session ended: {reason}"))
        }
    }
}
