//! `mcpow generate SPEC --lang python|typescript|rust --out DIR`: the spec's tools as a connector project.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::EXIT_UNUSABLE;
use super::selection::SelectionArgs;
use crate::codegen::{GenerateOptions, Language, Transport, generate, write_project};
use crate::spec::{LoadOptions, SpecSource};
use crate::tools::build_tools;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LanguageArg {
    Python,
    Typescript,
    Rust,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GeneratedTransportArg {
    Stdio,
    Http,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// A file, `-` for stdin, a URL, or a running service's base URL.
    pub spec: String,
    #[arg(long, value_enum)]
    pub lang: LanguageArg,
    /// The project's directory (created; must be empty unless --force).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace a non-empty output directory.
    #[arg(long)]
    pub force: bool,
    /// The project's name (default: the spec's title followed by `mcp`).
    #[arg(long)]
    pub name: Option<String>,
    /// The transport the connector uses unless its flag or MCP_TRANSPORT says otherwise.
    #[arg(long, value_enum, default_value = "stdio")]
    pub transport: GeneratedTransportArg,
    /// Prefix of the credential and settings variables (default: the spec's title in upper snake case).
    #[arg(long, value_name = "PREFIX")]
    pub env_prefix: Option<String>,
    #[command(flatten)]
    pub selection: SelectionArgs,
}

pub async fn run(args: GenerateArgs) -> ExitCode {
    match run_generate(args).await {
        Ok(summary) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

async fn run_generate(args: GenerateArgs) -> Result<String, String> {
    let language = match args.lang {
        LanguageArg::Python => Language::Python,
        LanguageArg::Typescript => Language::Typescript,
        LanguageArg::Rust => Language::Rust,
    };
    let tool_options = args.selection.tool_options()?;
    // Fail before the (possibly long) load; `write_project` checks again.
    let occupied = std::fs::read_dir(&args.out).is_ok_and(|mut entries| entries.next().is_some());
    if occupied && !args.force {
        return Err(format!(
            "{}: the directory is not empty (pass --force to replace it)",
            args.out.display()
        ));
    }
    let source = SpecSource::from_arg(&args.spec);
    let model = crate::spec::load(&source, &LoadOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let tools = build_tools(&model, &tool_options);
    if tools.tools.is_empty() {
        return Err(format!(
            "{}: no operation is selected",
            source.display_name()
        ));
    }
    let options = GenerateOptions {
        name: args.name,
        transport: match args.transport {
            GeneratedTransportArg::Stdio => Transport::Stdio,
            GeneratedTransportArg::Http => Transport::Http,
        },
        env_prefix: args.env_prefix,
    };
    let project = generate(&model, &tools, language, &options).map_err(|e| e.to_string())?;
    write_project(&args.out, &project.files, args.force).map_err(|e| e.to_string())?;
    Ok(format!(
        "mcpow generate: {} tools, {} files written to {}",
        tools.tools.len(),
        project.files.len(),
        args.out.display()
    ))
}
