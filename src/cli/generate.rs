//! `mcpow generate SPEC --lang python|typescript|rust --out DIR`: the spec's tools as a connector project.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::{Args, ValueEnum};

use super::EXIT_UNUSABLE;
use super::history::DataDirArgs;
use super::selection::SelectionArgs;
use crate::codegen::{GenerateOptions, Language, Transport, generate, write_project};
use crate::engine::embedded::generate_connector;
use crate::engine::{GenerateRequest, Runtime};
use crate::spec::{LoadOptions, SpecSource, load_bytes};
use crate::store::drift::store_spec_marking_stale;
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
    /// Also keep the spec (as its next version), the job and the connector in this workbench project
    /// (created if needed), as the Generate pane does.
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// The engine: a remote MCPOverflow API's URL, or `embedded` (default: $MCPOVERFLOW_API_URL if set,
    /// else embedded).
    #[arg(long, value_name = "URL|embedded")]
    pub engine: Option<String>,
    #[command(flatten)]
    pub data: DataDirArgs,
}

pub async fn run(args: GenerateArgs, config_dir: &std::path::Path) -> ExitCode {
    match run_generate(args, config_dir).await {
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

async fn run_generate(args: GenerateArgs, config_dir: &std::path::Path) -> Result<String, String> {
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
    if let Some(remote) = super::generate_remote::remote_engine(args.engine.as_deref(), config_dir)?
    {
        let transport = transport(args.transport);
        return super::generate_remote::run(args, language, transport, source, remote).await;
    }
    if let Some(project) = args.project.clone() {
        return generate_in_project(args, language, source, &project).await;
    }
    // A one-shot job that builds a lot and exits: huge pages save most of its page faults, and pages freed
    // by one phase are kept for the next instead of being handed back and faulted in again.
    crate::memory::prefer_huge_pages();
    crate::memory::keep_freed_pages();
    let load_options = LoadOptions {
        connector_only: true,
        ..LoadOptions::default()
    };
    let model = crate::spec::load(&source, &load_options)
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
        transport: transport(args.transport),
        env_prefix: args.env_prefix,
    };
    let project = generate(&model, &tools, language, &options).map_err(|e| e.to_string())?;
    write_project(&args.out, &project.files, args.force).map_err(|e| e.to_string())?;
    let summary = format!(
        "mcpow generate: {} tools, {} files written to {}",
        tools.tools.len(),
        project.files.len(),
        args.out.display()
    );
    // The process exits next: freeing millions of small values one by one (the model, the tools' schemas, the
    // project's text) took 30-100 ms of a GitHub-sized run on a busy machine, for nothing (BENCHMARKS.md).
    std::mem::forget(project);
    std::mem::forget(tools);
    std::mem::forget(model);
    Ok(summary)
}

fn transport(arg: GeneratedTransportArg) -> Transport {
    match arg {
        GeneratedTransportArg::Stdio => Transport::Stdio,
        GeneratedTransportArg::Http => Transport::Http,
    }
}

/// `--project`: the spec stored as the project's next version, then a generation job on the embedded
/// engine (each stage printed as it is stored), the connector kept with its files, and the project written.
async fn generate_in_project(
    args: GenerateArgs,
    language: Language,
    source: SpecSource,
    project: &str,
) -> Result<String, String> {
    let store = args.data.open().map_err(|e| e.to_string())?;
    let selection = args.selection.tool_options()?.selection;
    let project = project.to_string();
    tokio::task::spawn_blocking(move || {
        let (version, drift) = store_spec_marking_stale(&store, &project, &source)?;
        if let Some(drift) = drift {
            eprintln!("{drift}");
        }
        let bytes = store.spec_bytes(&version).map_err(|e| e.to_string())?;
        let model = load_bytes(&version.name, &bytes, None, &LoadOptions::default())
            .map_err(|e| e.to_string())?;
        let name = args
            .name
            .clone()
            .unwrap_or_else(|| crate::codegen::default_name(&model.title));
        let request = GenerateRequest {
            project: project.clone(),
            spec: version.name.clone(),
            spec_version: version.version,
            model: Arc::new(model),
            name,
            language,
            transport: transport(args.transport),
            runtime: Runtime::Local,
            selection,
            env_prefix: args.env_prefix.clone(),
        };
        let mut printed = 0;
        let generated = generate_connector(&store, &request, &AtomicBool::new(false), |job| {
            for entry in &job.log[printed..] {
                eprintln!("job {}: {}: {}", job.id, entry.stage, entry.message);
            }
            printed = job.log.len();
        })?;
        write_project(&args.out, &generated.project.files, args.force)
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "mcpow generate: connector {} (job {}) kept in project {project}; {} files written to {}",
            generated.connector.name,
            generated.job.id,
            generated.project.files.len(),
            args.out.display()
        ))
    })
    .await
    .map_err(|e| format!("generation stopped: {e}"))?
}
