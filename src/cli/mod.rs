//! The command line: every workbench action as a subcommand. Errors end here as one `error: ...` line.

mod inspect;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load an API description and report its operations, models, auth, servers and warnings.
    Inspect(inspect::InspectArgs),
}

pub async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Inspect(args)) => inspect::run(args).await,
        None => {
            eprintln!(
                "error: the workbench is not built yet; try `mcpow inspect specs/petstore-3.0.yaml`"
            );
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}
