//! `mcpow profiles import FILE` and `mcpow profiles list`: saved MCP servers, kept in the store.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::history::DataDirArgs;
use super::{EXIT_UNUSABLE, write_stdout};
use crate::mcp::profiles::{Transport, import};

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub command: ProfilesCommand,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// Save the servers of a Claude Desktop, Cursor or VS Code configuration file as profiles (literal
    /// secrets become ${env:NAME} references).
    Import {
        file: PathBuf,
        #[command(flatten)]
        data: DataDirArgs,
    },
    /// The saved profiles.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        data: DataDirArgs,
    },
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_UNUSABLE)
}

pub async fn run(args: ProfilesArgs) -> ExitCode {
    match args.command {
        ProfilesCommand::Import { file, data } => {
            let text = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(e) => return fail(format!("cannot read {}: {e}", file.display())),
            };
            let report = match import(&text, &file.display().to_string()) {
                Ok(report) => report,
                Err(e) => return fail(e),
            };
            let store = match data.open() {
                Ok(store) => store,
                Err(e) => return fail(e),
            };
            for profile in &report.profiles {
                if let Err(e) = store.save_profile(profile) {
                    return fail(e);
                }
            }
            let names: Vec<&str> = report.profiles.iter().map(|p| p.name.as_str()).collect();
            let mut out = format!("saved {} profiles: {}\n", names.len(), names.join(", "));
            for (name, reason) in &report.skipped {
                out.push_str(&format!("skipped {name}: {reason}\n"));
            }
            for moved in &report.secrets_moved {
                out.push_str(&format!(
                    "set {} before connecting to {} (it replaces the literal {})\n",
                    moved.variable, moved.profile, moved.field
                ));
            }
            for warning in &report.warnings {
                out.push_str(&format!("warning: {warning}\n"));
            }
            write_stdout(&out);
            ExitCode::SUCCESS
        }
        ProfilesCommand::List { json, data } => {
            let profiles = match data.open().and_then(|store| store.profiles()) {
                Ok(profiles) => profiles,
                Err(e) => return fail(e),
            };
            if json {
                write_stdout(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&profiles).unwrap_or_default()
                ));
                return ExitCode::SUCCESS;
            }
            let mut out = String::new();
            for profile in &profiles {
                let reach = match &profile.transport {
                    Transport::Stdio { command, args, .. } => {
                        format!("stdio  {command} {}", args.join(" "))
                    }
                    Transport::StreamableHttp { url, .. } => format!("http   {url}"),
                    Transport::Sse { url, .. } => format!("sse    {url}"),
                };
                out.push_str(&format!("{:<20} {reach}\n", profile.name));
            }
            write_stdout(&out);
            ExitCode::SUCCESS
        }
    }
}
