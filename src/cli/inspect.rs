//! `mcpow inspect SPEC [--json]`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::EXIT_UNUSABLE;
use crate::spec::analysis::Analysis;
use crate::spec::{LoadOptions, SpecSource};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A file, `-` for stdin, a URL, or a running service's base URL (its description is discovered).
    pub spec: String,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Print the whole normalized model as JSON (operations, parameters, bodies, responses, schemas).
    #[arg(long, conflicts_with = "json")]
    pub model: bool,
    /// Also check an OpenAPI 3.0 document against the specification's typed object model; the first place it
    /// departs from it is a warning.
    #[arg(long)]
    pub strict: bool,
    /// Follow `$ref`s to other hosts (never followed by default).
    #[arg(long)]
    pub allow_remote_refs: bool,
    /// The largest document accepted, in MB.
    #[arg(long, default_value_t = 100, value_name = "MB")]
    pub max_size: u64,
    /// Seconds to wait for each HTTP request.
    #[arg(long, default_value_t = 30, value_name = "S")]
    pub timeout: u64,
    /// How many warnings the report lists.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max_warnings: usize,
}

pub async fn run(args: InspectArgs) -> ExitCode {
    let options = LoadOptions {
        max_bytes: args.max_size.saturating_mul(1024 * 1024),
        allow_remote_refs: args.allow_remote_refs,
        strict: args.strict,
        timeout: Duration::from_secs(args.timeout.max(1)),
        ..LoadOptions::default()
    };
    let source = SpecSource::from_arg(&args.spec);
    let model = match crate::spec::load(&source, &options).await {
        Ok(model) => model,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    let analysis = Analysis::of(&model);
    let json = if args.model {
        Some(serde_json::to_string_pretty(&model))
    } else if args.json {
        Some(serde_json::to_string_pretty(&analysis))
    } else {
        None
    };
    let text = if let Some(json) = json {
        match json {
            Ok(json) => json + "\n",
            Err(error) => {
                eprintln!("error: cannot write the analysis as JSON: {error}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        analysis.report(args.max_warnings)
    };
    super::write_stdout(&text);
    ExitCode::SUCCESS
}
