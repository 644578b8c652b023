//! `mcpow engine serve`: the embedded engine over the MCPOverflow API, for a team to share and for the
//! remote client's tests.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::EXIT_UNUSABLE;
use crate::engine::server::{ServeOptions, start};

#[derive(Debug, Args)]
pub struct EngineArgs {
    #[command(subcommand)]
    pub command: EngineCommand,
}

#[derive(Debug, Subcommand)]
pub enum EngineCommand {
    /// Serve the embedded engine over HTTP: /health, /api/analyze, /api/generate-connector, async jobs
    /// (/api/jobs/...), /api/generate-tests, /api/validate-connector.
    Serve(EngineServeArgs),
}

#[derive(Debug, Args)]
pub struct EngineServeArgs {
    #[arg(long, default_value_t = 3001)]
    pub port: u16,
    /// The address to listen on (127.0.0.1 unless you mean to share it).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// The environment variable holding the API key callers must send as `Authorization: Bearer`
    /// (no key: open to anyone who can reach the port).
    #[arg(long, value_name = "NAME", default_value = "MCPOW_ENGINE_API_KEY")]
    pub api_key_env: String,
    /// The largest request body, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 32)]
    pub max_body_mib: usize,
    /// Generation jobs run at once (more wait, queued).
    #[arg(long, default_value_t = 2)]
    pub concurrency: usize,
    /// Pause this long at each stage of a job: to watch progress, or to test a client against a slow engine.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub stage_delay_ms: u64,
}

pub async fn run(args: EngineArgs) -> ExitCode {
    match args.command {
        EngineCommand::Serve(args) => serve(args).await,
    }
}

async fn serve(args: EngineServeArgs) -> ExitCode {
    let api_key = std::env::var(&args.api_key_env)
        .ok()
        .filter(|k| !k.is_empty());
    let keyed = api_key.is_some();
    let options = ServeOptions {
        host: args.host,
        port: args.port,
        api_key,
        max_body_bytes: args.max_body_mib.saturating_mul(1024 * 1024),
        concurrency: args.concurrency,
        stage_delay: std::time::Duration::from_millis(args.stage_delay_ms),
    };
    let engine = match start(options).await {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!(
                "error: cannot listen on {}:{}: {error}",
                args.host, args.port
            );
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    let line = format!(
        "engine listening on {} ({})\n",
        engine.url(),
        if keyed {
            format!("API key from ${}", args.api_key_env)
        } else {
            "no API key".to_string()
        }
    );
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
    let _ = std::io::stdout().lock().flush();
    let mut engine = Some(engine);
    let ended = tokio::select! {
        _ = tokio::signal::ctrl_c() => None,
        result = async { engine.take().expect("running").wait().await } => Some(result),
    };
    if let Some(engine) = engine {
        let _ = engine.stop().await;
    }
    match ended {
        None | Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(error)) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
