//! `mcpow diff OLD NEW [--json] [--only-breaking]`: the tool-level changes between two versions of a spec.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow};
use clap::Args;

use super::EXIT_UNUSABLE;
use super::selection::SelectionArgs;
use crate::spec::model::ApiModel;
use crate::spec::{LoadOptions, SpecSource};
use crate::tools::{ToolOptions, build_tools};

/// Exit status when a change breaks callers or connectors of the old version.
const EXIT_BREAKING: u8 = 1;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: a file, `-` for stdin, a URL, or a running service's base URL.
    pub old: String,
    /// The new version, as OLD.
    pub new: String,
    /// Print the diff as one JSON object (summary, then the tools with their changes).
    #[arg(long)]
    pub json: bool,
    /// List only the breaking changes (the summary still counts every change).
    #[arg(long)]
    pub only_breaking: bool,
    /// Follow `$ref`s to other hosts (never followed by default).
    #[arg(long)]
    pub allow_remote_refs: bool,
    /// Seconds to wait for each HTTP request.
    #[arg(long, default_value_t = 30, value_name = "S")]
    pub timeout: u64,
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Exit 0 without breaking changes, 1 with some, 2 when a version cannot be loaded.
pub async fn run(args: DiffArgs) -> ExitCode {
    match diff(&args).await {
        Ok((text, breaking)) => {
            super::write_stdout(&text);
            if breaking {
                ExitCode::from(EXIT_BREAKING)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

async fn diff(args: &DiffArgs) -> anyhow::Result<(String, bool)> {
    if args.old == "-" && args.new == "-" {
        return Err(anyhow!("only one of OLD and NEW can be `-` (stdin)"));
    }
    let tool_options = args.selection.tool_options().map_err(|e| anyhow!(e))?;
    let options = LoadOptions {
        allow_remote_refs: args.allow_remote_refs,
        timeout: Duration::from_secs(args.timeout.max(1)),
        ..LoadOptions::default()
    };
    let (old, new) = tokio::join!(
        load(&args.old, &options, &tool_options, "OLD"),
        load(&args.new, &options, &tool_options, "NEW"),
    );
    let (old, new) = (old?, new?);
    let mut diff = crate::diff::diff_tools(&old, &new);
    let breaking = diff.has_breaking();
    if args.only_breaking {
        diff = diff.only_breaking();
    }
    let text = if args.json {
        serde_json::to_string_pretty(&diff).context("cannot write the diff as JSON")? + "\n"
    } else {
        diff.report()
    };
    Ok((text, breaking))
}

/// Loads one version and builds its tools as `mcpow serve` would, off the async threads.
async fn load(
    arg: &str,
    options: &LoadOptions,
    tool_options: &ToolOptions,
    which: &str,
) -> anyhow::Result<crate::tools::ToolSet> {
    let source = SpecSource::from_arg(arg);
    let model: ApiModel = crate::spec::load(&source, options)
        .await
        .with_context(|| format!("cannot load {which}"))?;
    let tool_options = tool_options.clone();
    tokio::task::spawn_blocking(move || build_tools(&model, &tool_options))
        .await
        .with_context(|| format!("building the tools of {which} failed"))
}
