//! `mcpow jobs [--json]`: the jobs kept in the store (generation on the embedded or a remote engine), newest
//! first, as the workbench's Jobs pane lists them.

use std::process::ExitCode;

use clap::Args;

use super::history::DataDirArgs;
use super::{EXIT_UNUSABLE, write_stdout};
use crate::store::{JobRecord, JobStatus};

#[derive(Debug, Args)]
pub struct JobsArgs {
    /// Only this project's jobs.
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Only jobs with this status: queued, processing, completed or failed.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// At most this many (newest first).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// The jobs as JSON, with their logs.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataDirArgs,
}

/// One line: id, status, stage, connector, engine, duration, error.
pub fn line(job: &JobRecord) -> String {
    let outcome = match (&job.error, job.status) {
        (Some(error), _) => format!("  {error}"),
        (None, JobStatus::Completed) => String::new(),
        (None, _) => format!("  at {}", job.stage.as_deref().unwrap_or("queue")),
    };
    format!(
        "{:>6}  {:<10}  {:<18}  {:<24}  {:>7} ms  {}{outcome}\n",
        job.id,
        job.status.as_str(),
        job.project,
        job.connector.as_deref().unwrap_or("-"),
        job.elapsed_ms(),
        job.engine,
    )
}

pub async fn run(args: JobsArgs) -> ExitCode {
    if let Some(status) = &args.status
        && !["queued", "processing", "completed", "failed"].contains(&status.as_str())
    {
        eprintln!("error: --status `{status}` is not queued, processing, completed or failed");
        return ExitCode::from(EXIT_UNUSABLE);
    }
    let jobs = match args.data.open().and_then(|store| store.jobs()) {
        Ok(jobs) => jobs,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    let chosen: Vec<&JobRecord> = jobs
        .iter()
        .rev()
        .filter(|j| args.project.as_ref().is_none_or(|p| &j.project == p))
        .filter(|j| {
            args.status
                .as_deref()
                .is_none_or(|s| s == j.status.as_str())
        })
        .take(args.limit)
        .collect();
    if args.json {
        write_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&chosen).unwrap_or_default()
        ));
    } else if chosen.is_empty() {
        write_stdout("no jobs\n");
    } else {
        write_stdout(&chosen.iter().map(|j| line(j)).collect::<String>());
    }
    ExitCode::SUCCESS
}
