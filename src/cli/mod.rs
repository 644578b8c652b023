//! The command line: every workbench action as a subcommand. Errors end here as one `error: ...` line.

mod client;
mod diff;
mod engine;
mod export;
mod gateway;
mod generate;
mod generate_remote;
mod history;
mod inspect;
mod jobs;
mod keys;
mod mock;
mod profiles;
mod selection;
mod serve;
mod specs;
mod test;
mod test_backend;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub(crate) fn write_stdout(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// `--header` values (`Name: value`) as pairs.
pub(crate) fn parse_headers(items: &[String]) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| format!("--header `{h}` is not `Name: value`"))
        })
        .collect()
}

/// Exit status for input that cannot be used (a clear one-line reason is printed).
pub const EXIT_UNUSABLE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "mcpow",
    version,
    about = "MCPOverflow Workbench: API descriptions to MCP connectors, from the terminal"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The workbench's data directory (default: $MCPOW_DATA_DIR, else $XDG_DATA_HOME/mcpow, else
    /// ~/.local/share/mcpow).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<std::path::PathBuf>,
    /// The project the workbench opens (default: the first by name).
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Where config.toml and themes/ are (default: $MCPOW_CONFIG_DIR, else $XDG_CONFIG_HOME/mcpow, else
    /// ~/.config/mcpow).
    #[arg(long, value_name = "DIR", global = true)]
    pub config_dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load an API description and report its operations, models, auth, servers and warnings.
    Inspect(inspect::InspectArgs),
    /// A REST mock of the spec on 127.0.0.1: validates requests, answers with examples or synthesized data.
    Mock(mock::MockArgs),
    /// Serve the spec as a live MCP server (stdio, or streamable HTTP on 127.0.0.1) calling the real API.
    Serve(serve::ServeArgs),
    /// Generate a connector project (an MCP server in Python, TypeScript or Rust) exposing the tools `serve` exposes.
    Generate(generate::GenerateArgs),
    /// Connect to an MCP server and list its tools.
    Tools(client::ListArgs),
    /// Connect to an MCP server and call one tool.
    Call(client::CallArgs),
    /// Connect to an MCP server and list its resources and resource templates.
    Resources(client::ListArgs),
    /// Connect to an MCP server and list its prompts.
    Prompts(client::ListArgs),
    /// The tool calls kept in the store, newest first.
    History(history::HistoryArgs),
    /// Saved MCP servers: import them from editor configurations, list them.
    Profiles(profiles::ProfilesArgs),
    /// A project's specs: add one (a file, stdin, a URL, a running service) as its next version, list them.
    Specs(specs::SpecsArgs),
    /// The projects in the store, with how many specs each holds.
    Projects(specs::ProjectsArgs),
    /// Write a whole project (specs, connectors, jobs, profiles, calls; never secrets) to one JSON file.
    Export(export::ExportArgs),
    /// Add a project written by `export` to the store.
    Import(export::ImportArgs),
    /// The jobs kept in the store (connector generation), newest first.
    Jobs(jobs::JobsArgs),
    /// The embedded engine over the MCPOverflow HTTP API (`engine serve`).
    Engine(engine::EngineArgs),
    /// The tool-level changes between two versions of a spec, each marked breaking or not (exit 1 if any breaks).
    Diff(diff::DiffArgs),
    /// Contract tests through MCP: a server's tools (or the spec served by mcpow) called and checked against the spec.
    Test(test::TestArgs),
    /// An MCP server's tools as a REST API on 127.0.0.1 (POST /tools/NAME), with an OpenAPI 3.1 document.
    Gateway(gateway::GatewayArgs),
    /// The workbench's key bindings: name (for config.toml's [keys]), keys, where, what.
    Keys,
}

impl Command {
    /// The MCP client commands: sequential requests, best served by a single-threaded runtime (no hops
    /// between worker threads per message; see BENCHMARKS.md).
    pub fn is_client(&self) -> bool {
        matches!(
            self,
            Command::Tools(_) | Command::Call(_) | Command::Resources(_) | Command::Prompts(_)
        )
    }
}

pub async fn run(cli: Cli) -> ExitCode {
    let config_dir = cli
        .config_dir
        .unwrap_or_else(crate::config::default_config_dir);
    match cli.command {
        Some(Command::Inspect(args)) => inspect::run(args).await,
        Some(Command::Mock(args)) => mock::run(args).await,
        Some(Command::Serve(args)) => serve::run(args).await,
        Some(Command::Generate(args)) => generate::run(args, &config_dir).await,
        Some(Command::Tools(args)) => client::list(client::Listing::Tools, args).await,
        Some(Command::Call(args)) => client::call(args).await,
        Some(Command::Resources(args)) => client::list(client::Listing::Resources, args).await,
        Some(Command::Prompts(args)) => client::list(client::Listing::Prompts, args).await,
        Some(Command::History(args)) => history::run(args).await,
        Some(Command::Profiles(args)) => profiles::run(args).await,
        Some(Command::Specs(args)) => specs::run(args).await,
        Some(Command::Projects(args)) => specs::projects(args).await,
        Some(Command::Export(args)) => export::export(args).await,
        Some(Command::Import(args)) => export::import(args).await,
        Some(Command::Jobs(args)) => jobs::run(args).await,
        Some(Command::Engine(args)) => engine::run(args).await,
        Some(Command::Diff(args)) => diff::run(args).await,
        Some(Command::Test(args)) => test::run(args).await,
        Some(Command::Gateway(args)) => gateway::run(args).await,
        Some(Command::Keys) => keys::run(&config_dir),
        None => {
            let data_dir = cli.data_dir.unwrap_or_else(crate::store::default_data_dir);
            match crate::tui::run(&data_dir, &config_dir, cli.project.as_deref()).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_UNUSABLE)
                }
            }
        }
    }
}
