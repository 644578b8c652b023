//! `mcpow test --start COMMAND`: start the user's backend (from a directory or a git clone), wait until it
//! answers, discover its spec (or take `--spec`), run the suite through MCP against it, and always stop it:
//! on success, on failure, and on Ctrl-C (exit 130) or SIGTERM (exit 143).

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use tokio::signal::unix::{Signal, SignalKind, signal};

use super::EXIT_UNUSABLE;
use super::client::EXIT_CONNECTION;
use super::test::{TestArgs, finish, run_with_progress};
use crate::contract::backend::{
    BackendRequest, Finished, PortChoice, StartOptions, prepare_backend,
};
use crate::contract::source::SourceRequest;
use crate::contract::{ApiBackend, ContractError, ContractTarget, McpServer};
use crate::spec::LoadOptions;

/// How many lines of the backend's output are shown after a failed run.
const OUTPUT_TAIL_LINES: usize = 20;

#[derive(Debug, Args)]
pub struct BackendArgs {
    /// Start the API with this shell command, test it, stop it. A free port is in PORT and replaces `{port}`;
    /// --env and --cwd apply to it. The spec is discovered from it unless --spec is given.
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["base_url", "mock"])]
    pub start: Option<String>,
    /// The backend is ready once this URL answers below 500 (`{port}` replaced); else once the port accepts.
    #[arg(long, value_name = "URL", requires = "start")]
    pub health: Option<String>,
    /// The backend's port: `auto` (a free one on 127.0.0.1) or a number.
    #[arg(long, value_name = "auto|N", value_parser = PortChoice::parse, requires = "start")]
    pub port: Option<PortChoice>,
    /// Seconds the backend may take to answer.
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    pub startup_timeout: f64,
    /// The backend's code: a directory, or a git URL cloned into a temporary directory (removed afterwards).
    #[arg(long, value_name = "DIR|GIT_URL", requires = "start")]
    pub source: Option<String>,
    /// The branch to clone.
    #[arg(
        long,
        value_name = "BRANCH",
        requires = "source",
        conflicts_with = "pr"
    )]
    pub branch: Option<String>,
    /// The pull request to test (its `pull/N/head`).
    #[arg(long, value_name = "N", requires = "source")]
    pub pr: Option<u64>,
    /// Keep the clone (its path is printed).
    #[arg(long, requires = "source")]
    pub keep: bool,
}

/// SIGINT and SIGTERM, listened for from the start so a signal never kills mcpow before it stops the backend.
struct Interrupts {
    interrupt: Option<Signal>,
    terminate: Option<Signal>,
}

impl Interrupts {
    fn listen() -> Interrupts {
        Interrupts {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }

    /// The exit code of the next signal (128 + its number).
    async fn next(&mut self) -> u8 {
        let interrupt = async {
            match &mut self.interrupt {
                Some(s) => s.recv().await,
                None => std::future::pending().await,
            }
        };
        let terminate = async {
            match &mut self.terminate {
                Some(s) => s.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = interrupt => 130,
            _ = terminate => 143,
        }
    }
}

fn failure(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

fn request(args: &TestArgs, command: &str) -> Result<BackendRequest, String> {
    let backend = &args.backend;
    let mut start = StartOptions::new(command);
    start.cwd = args.connection.cwd.clone();
    start.env = args
        .connection
        .env
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("--env `{pair}` is not `NAME=VALUE`"))
        })
        .collect::<Result<_, _>>()?;
    start.health = backend.health.clone();
    start.port = backend.port.unwrap_or(PortChoice::Auto);
    if !(backend.startup_timeout > 0.0 && backend.startup_timeout.is_finite()) {
        return Err("--startup-timeout must be a positive number of seconds".into());
    }
    start.startup_timeout = Duration::from_secs_f64(backend.startup_timeout);
    let source = match &backend.source {
        Some(location) => Some(
            SourceRequest::new(
                location,
                backend.branch.as_deref(),
                backend.pr,
                backend.keep,
            )
            .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    Ok(BackendRequest {
        start,
        source,
        spec: args.spec.clone(),
    })
}

/// `mcpow test --start`.
pub(super) async fn run(args: TestArgs) -> ExitCode {
    let Some(command) = args.backend.start.clone() else {
        return failure(EXIT_UNUSABLE, "--start COMMAND is missing");
    };
    let mut interrupts = Interrupts::listen();
    let request = match request(&args, &command) {
        Ok(request) => request,
        Err(message) => return failure(EXIT_UNUSABLE, message),
    };
    let load = LoadOptions::default();
    let prepared = tokio::select! {
        prepared = prepare_backend(&request, &load) => prepared,
        // Dropping the preparation stops what it started and removes the clone.
        code = interrupts.next() => {
            eprintln!("interrupted: the backend was stopped");
            return ExitCode::from(code);
        }
    };
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(error) if error.is_unreachable() => return failure(EXIT_CONNECTION, error),
        Err(error) => return failure(EXIT_UNUSABLE, error),
    };
    eprintln!(
        "backend `{command}` answers on {} (spec: {}; API: {})",
        prepared.backend.url(),
        prepared.spec.label,
        prepared.base_url
    );
    if let Some(checkout) = prepared.checkout.as_ref().filter(|c| c.is_clone()) {
        eprintln!("source cloned into {}", checkout.path().display());
    }
    let target = match contract_target(&args, &prepared) {
        Ok(target) => target,
        Err(message) => {
            report_stop(prepared.stop().await);
            return failure(EXIT_UNUSABLE, message);
        }
    };
    let options = super::test::run_options(&args);
    let outcome = tokio::select! {
        report = run_with_progress(target, &options) => Ok(report),
        code = interrupts.next() => Err(code),
    };
    let output = prepared.backend.output().clone();
    report_stop(prepared.stop().await);
    match outcome {
        Err(code) => {
            eprintln!("interrupted: the backend was stopped");
            ExitCode::from(code)
        }
        Ok(Ok(report)) => {
            if !report.passed() {
                show_output(&output.tail(OUTPUT_TAIL_LINES));
            }
            finish(&args, report)
        }
        Ok(Err(error)) => {
            show_output(&output.tail(OUTPUT_TAIL_LINES));
            match error {
                ContractError::Connection(_) => failure(EXIT_CONNECTION, error),
                _ => failure(EXIT_UNUSABLE, error),
            }
        }
    }
}

fn contract_target(
    args: &TestArgs,
    prepared: &crate::contract::backend::PreparedBackend,
) -> Result<ContractTarget, String> {
    let server = if args.server.is_some() || !args.command.is_empty() {
        McpServer::Connect(super::client::target(
            args.server.as_deref(),
            &args.command,
            &args.connection,
        )?)
    } else {
        McpServer::ServeSpec
    };
    let api_headers = match server {
        McpServer::ServeSpec => super::parse_headers(&args.connection.headers)?,
        McpServer::Connect(_) => Vec::new(),
    };
    Ok(ContractTarget {
        server,
        spec: Some(prepared.spec.clone()),
        api: ApiBackend::BaseUrl(prepared.base_url.clone()),
        base_url_variable: args.base_url_env.clone(),
        env_prefix: args.env_prefix.clone(),
        api_headers,
    })
}

fn report_stop(finished: Finished) {
    let how = if finished.stopped.killed {
        "killed after the grace period"
    } else {
        "stopped"
    };
    eprintln!("backend {how} ({})", finished.stopped.status);
    if let Some(kept) = finished.kept {
        eprintln!("the source is kept at {}", kept.display());
    }
}

fn show_output(tail: &str) {
    if !tail.trim().is_empty() {
        eprintln!("the backend's last output:\n{}", tail.trim_end());
    }
}
