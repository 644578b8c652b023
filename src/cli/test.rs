//! `mcpow test`: contract tests through MCP. SERVER is given as for `mcpow tools` (a URL, a profile, or
//! `-- COMMAND ARGS...`); without one, `--spec SPEC` is served by mcpow itself. The API behind it is
//! `--base-url URL` or `--mock`. A stdio SERVER is pointed at the API through its base URL variable
//! (`{PREFIX}_BASE_URL`, as generated connectors read it; `--base-url-env NAME` for others).
//! Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or an unusable spec, 3 the server could not
//! be reached.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::client::{EXIT_CONNECTION, ServerArgs};
use super::{EXIT_UNUSABLE, write_stdout};
use crate::contract::{
    ApiBackend, CaseOutcome, ContractError, ContractSpec, ContractTarget, McpServer, RunEvent,
    RunOptions, Suite, TestRunReport, junit,
};
use crate::spec::{LoadOptions, SpecSource};
use crate::store::TestRunRecord;

pub const EXIT_CHECK_FAILED: u8 = 1;
/// 128 + SIGINT, as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The MCP server: an http(s) URL or a profile name; for a stdio server give its command after `--`.
    /// Leave it out to test the spec served by mcpow.
    pub server: Option<String>,
    /// The API description: served by mcpow when no SERVER is given, the source of the HTTP checks always.
    #[arg(long, value_name = "SPEC")]
    pub spec: Option<String>,
    /// The API behind the server (mcpow's own server, or a stdio SERVER, is pointed at it).
    #[arg(long, value_name = "URL", conflicts_with = "mock")]
    pub base_url: Option<String>,
    /// Start mcpow's mock of the spec on 127.0.0.1 as the API (stopped when the run ends).
    #[arg(long)]
    pub mock: bool,
    /// `smoke`: one valid call per tool; `full`: also examples, boundary values and calls that must fail.
    #[arg(long, value_enum, default_value = "smoke")]
    pub suite: Suite,
    /// Call tools that change data (the smoke suite, and the full suite against a real API).
    #[arg(long)]
    pub allow_writes: bool,
    /// Only this tool (repeatable).
    #[arg(long = "tool", value_name = "NAME")]
    pub tools: Vec<String>,
    /// The report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write the report as JUnit XML.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// The prefix of the stdio server's variables (default: the spec's title in upper snake case).
    #[arg(long, value_name = "PREFIX")]
    pub env_prefix: Option<String>,
    /// The variable a stdio SERVER reads the API's base URL from (default: PREFIX_BASE_URL); or put
    /// `{base_url}` in its arguments.
    #[arg(long, value_name = "NAME")]
    pub base_url_env: Option<String>,
    /// Seconds each call may take.
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    pub timeout: f64,
    /// Store the run under this project.
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Store the run as a test run of this connector.
    #[arg(long, value_name = "NAME")]
    pub connector: Option<String>,
    /// Do not store the run.
    #[arg(long)]
    pub no_save: bool,
    #[command(flatten)]
    pub connection: ServerArgs,
    #[command(flatten)]
    pub backend: super::test_backend::BackendArgs,
    /// The stdio server's command and arguments.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

fn failure(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

/// The target from the arguments (the spec loaded when given).
pub(super) async fn contract_target(args: &TestArgs) -> Result<ContractTarget, String> {
    let spec = match &args.spec {
        Some(arg) => {
            let source = SpecSource::from_arg(arg);
            let model = crate::spec::load(&source, &LoadOptions::default())
                .await
                .map_err(|e| e.to_string())?;
            Some(ContractSpec {
                model: Arc::new(model),
                label: source.display_name(),
            })
        }
        None => None,
    };
    let server = if args.server.is_some() || !args.command.is_empty() {
        McpServer::Connect(super::client::target(
            args.server.as_deref(),
            &args.command,
            &args.connection,
        )?)
    } else if spec.is_some() {
        McpServer::ServeSpec
    } else {
        return Err(
            "name the server to test (a URL, a profile, or `-- COMMAND ARGS...`), or give --spec SPEC to test \
             the spec served by mcpow"
                .into(),
        );
    };
    let api = match (&args.base_url, args.mock) {
        (Some(url), _) => ApiBackend::BaseUrl(url.clone()),
        (None, true) => ApiBackend::Mock,
        (None, false) => ApiBackend::None,
    };
    let api_headers = match server {
        McpServer::ServeSpec => super::parse_headers(&args.connection.headers)?,
        McpServer::Connect(_) => Vec::new(),
    };
    Ok(ContractTarget {
        server,
        spec,
        api,
        base_url_variable: args.base_url_env.clone(),
        env_prefix: args.env_prefix.clone(),
        api_headers,
    })
}

/// The run's options from the command line.
pub(super) fn run_options(args: &TestArgs) -> RunOptions {
    RunOptions {
        suite: args.suite,
        allow_writes: args.allow_writes,
        tools: args.tools.clone(),
        call_timeout: Duration::from_secs_f64(args.timeout.max(0.1)),
        initialize_timeout: Duration::from_secs_f64(args.connection.init_timeout.max(0.1)),
    }
}

pub async fn run(args: TestArgs) -> ExitCode {
    if args.backend.start.is_some() {
        return super::test_backend::run(args).await;
    }
    let target = match contract_target(&args).await {
        Ok(target) => target,
        Err(message) => return failure(EXIT_UNUSABLE, message),
    };
    let options = run_options(&args);
    // Ctrl-C drops the run: the stdio server's process group is ended with its session.
    let outcome = tokio::select! {
        outcome = run_with_progress(target, &options) => outcome,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("interrupted");
            return ExitCode::from(EXIT_INTERRUPTED);
        }
    };
    let report = match outcome {
        Ok(report) => report,
        Err(error @ ContractError::Connection(_)) => return failure(EXIT_CONNECTION, error),
        Err(error) => return failure(EXIT_UNUSABLE, error),
    };
    finish(&args, report)
}

/// Runs, printing one line per call to stderr when it is a terminal.
pub(super) async fn run_with_progress(
    target: ContractTarget,
    options: &RunOptions,
) -> Result<TestRunReport, ContractError> {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let show = std::io::stderr().is_terminal();
    let printer = tokio::spawn(async move {
        while let Some(event) = receiver.recv().await {
            if !show {
                continue;
            }
            match event {
                RunEvent::Started { tools, cases } => {
                    eprintln!("{tools} tools, {cases} calls");
                }
                RunEvent::CaseFinished { index, total, case } => {
                    let mark = match case.outcome {
                        CaseOutcome::Passed => "pass",
                        CaseOutcome::Failed => "FAIL",
                        CaseOutcome::Skipped => "skip",
                    };
                    eprintln!("[{}/{total}] {mark} {}", index + 1, case.title());
                }
            }
        }
    });
    let report = crate::contract::run(target, options, Some(sender)).await;
    let _ = printer.await;
    report
}

/// Prints the report, writes the JUnit file, stores the run, and gives the exit code.
pub(super) fn finish(args: &TestArgs, report: TestRunReport) -> ExitCode {
    if args.json {
        write_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ));
    } else {
        write_stdout(&report.to_text());
    }
    if let Some(path) = &args.junit
        && let Err(e) = std::fs::write(path, junit::to_junit(&report))
    {
        return failure(
            EXIT_UNUSABLE,
            format!("cannot write the JUnit report {}: {e}", path.display()),
        );
    }
    let passed = report.passed();
    if !args.no_save {
        let record =
            TestRunRecord::from_report(report, args.project.as_deref(), args.connector.as_deref());
        match args
            .connection
            .data
            .open()
            .and_then(|store| store.save_test_run(record))
        {
            Ok(id) => eprintln!("stored as test run {id}"),
            Err(e) => eprintln!("warning: the run was not stored: {e}"),
        }
    }
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_CHECK_FAILED)
    }
}
