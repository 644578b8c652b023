//! `mcpow specs add SPEC`, `mcpow specs list` and `mcpow projects`: the workbench's projects and specs, from
//! the command line. A new store starts with the sample project, as the workbench's first run does.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::history::DataDirArgs;
use super::{EXIT_UNUSABLE, write_stdout};
use crate::spec::SpecSource;
use crate::store::add_spec::{Added, store_spec};
use crate::store::drift::{SpecDrift, spec_added};
use crate::store::sample::{SAMPLE_PROJECT, ensure_sample_project};
use crate::store::{SpecVersion, Store};

#[derive(Debug, Args)]
pub struct SpecsArgs {
    #[command(subcommand)]
    pub command: SpecsCommand,
}

#[derive(Debug, Subcommand)]
pub enum SpecsCommand {
    /// Add a spec to a project as its next version (the same bytes as the latest version add nothing).
    Add {
        /// A file, `-` for stdin, a URL, or a running service's base URL (its description is discovered).
        spec: String,
        /// The project (created if it does not exist).
        #[arg(long, default_value = SAMPLE_PROJECT, value_name = "NAME")]
        project: String,
        /// What was added, with its drift from the version before, as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        data: DataDirArgs,
    },
    /// Every spec of a project with its versions: number, size, source, when added.
    List {
        #[arg(long, default_value = SAMPLE_PROJECT, value_name = "NAME")]
        project: String,
        /// The project's specs as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        data: DataDirArgs,
    },
}

#[derive(Debug, Args)]
pub struct ProjectsArgs {
    /// The projects as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataDirArgs,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_UNUSABLE)
}

/// The store, with the sample project in it if it had no project yet.
fn open(data: &DataDirArgs) -> Result<Store, String> {
    let store = data.open().map_err(|e| e.to_string())?;
    ensure_sample_project(&store).map_err(|e| e.to_string())?;
    Ok(store)
}

pub async fn run(args: SpecsArgs) -> ExitCode {
    match args.command {
        SpecsCommand::Add {
            spec,
            project,
            json,
            data,
        } => add(spec, project, json, data).await,
        SpecsCommand::List {
            project,
            json,
            data,
        } => match open(&data).and_then(|store| list(&store, &project, json)) {
            Ok(text) => {
                write_stdout(&text);
                ExitCode::SUCCESS
            }
            Err(message) => fail(message),
        },
    }
}

/// Breaking changes listed by `specs add` before `... and N more`.
const SHOWN_BREAKING: usize = 20;

/// Adds the spec; a new version of an existing spec also prints its drift from the version before, and the
/// connectors it made stale (they are marked so in the store).
async fn add(spec: String, project: String, json: bool, data: DataDirArgs) -> ExitCode {
    let store = match open(&data) {
        Ok(store) => store,
        Err(message) => return fail(message),
    };
    let source = SpecSource::from_arg(&spec);
    // Loading waits on files and the network and parses: a blocking thread's work.
    let stored = tokio::task::spawn_blocking(move || {
        let added = store_spec(&store, &project, &source)?;
        let drift = match &added {
            Added::New(version) => spec_added(&store, &project, version).map_err(|e| {
                format!(
                    "{} v{} was added, but its drift from the version before is unknown: {e}",
                    version.name, version.version
                )
            }),
            Added::Unchanged(_) => Ok(None),
        };
        Ok::<_, String>((added, drift))
    })
    .await;
    let (added, drift) = match stored {
        Ok(Ok(stored)) => stored,
        Ok(Err(message)) => return fail(message),
        Err(e) => return fail(format!("adding {spec} stopped: {e}")),
    };
    let (drift, problem) = match drift {
        Ok(drift) => (drift, None),
        Err(problem) => (None, Some(problem)),
    };
    let text = if json {
        let (version, new) = match &added {
            Added::New(version) => (version, true),
            Added::Unchanged(version) => (version, false),
        };
        let answer = json!({"added": version, "new": new, "drift": drift});
        format!(
            "{}\n",
            serde_json::to_string_pretty(&answer).unwrap_or_default()
        )
    } else {
        let mut text = match &added {
            Added::New(version) => format!(
                "added {} v{} to {} ({} bytes)\n",
                version.name, version.version, version.project, version.bytes
            ),
            Added::Unchanged(version) => format!(
                "unchanged: {} is already v{} in {} ({} bytes)\n",
                version.name, version.version, version.project, version.bytes
            ),
        };
        if let Some(drift) = &drift {
            text.push_str(&drift_text(drift));
        }
        text
    };
    write_stdout(&text);
    match problem {
        Some(problem) => fail(problem),
        None => ExitCode::SUCCESS,
    }
}

/// The drift of a new version: the counts, the breaking changes (the first [`SHOWN_BREAKING`]), then the
/// connectors marked stale and those still ready.
fn drift_text(drift: &SpecDrift) -> String {
    let summary = drift.diff.summary.line();
    let mut out = format!(
        "drift from v{}: {}\n",
        drift.from,
        summary.strip_prefix("Summary: ").unwrap_or(&summary)
    );
    let breaking = drift.breaking_lines();
    if !breaking.is_empty() {
        out.push_str(&format!("breaking changes ({}):\n", breaking.len()));
        for line in breaking.iter().take(SHOWN_BREAKING) {
            out.push_str(&format!("  {line}\n"));
        }
        if breaking.len() > SHOWN_BREAKING {
            out.push_str(&format!(
                "  ... and {} more\n",
                breaking.len() - SHOWN_BREAKING
            ));
        }
    }
    if !drift.stale.is_empty() {
        out.push_str(&format!(
            "connectors marked stale ({}):\n",
            drift.stale.len()
        ));
        for connector in &drift.stale {
            out.push_str(&format!(
                "  {} (from v{}): {}\n",
                connector.connector,
                connector.spec_version,
                count(connector.breaking.len(), "breaking change")
            ));
        }
    }
    for connector in &drift.ready {
        out.push_str(&format!(
            "connector {} (from v{}) still works: {}, none breaking\n",
            connector.connector,
            connector.spec_version,
            count(connector.other_changes, "change")
        ));
    }
    for connector in &drift.unchecked {
        out.push_str(&format!(
            "connector {} not checked: {}\n",
            connector.connector, connector.reason
        ));
    }
    out
}

/// The project's specs, each with every version, as text or JSON.
fn list(store: &Store, project: &str, json: bool) -> Result<String, String> {
    if store.project(project).map_err(|e| e.to_string())?.is_none() {
        let names: Vec<String> = store
            .projects()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|p| p.name)
            .collect();
        return Err(format!(
            "no project `{project}` in {} (projects: {})",
            store.path().display(),
            names.join(", ")
        ));
    }
    let mut specs: Vec<(String, Vec<SpecVersion>)> = Vec::new();
    for latest in store.specs(project).map_err(|e| e.to_string())? {
        let versions = store
            .spec_versions(project, &latest.name)
            .map_err(|e| e.to_string())?;
        specs.push((latest.name, versions));
    }
    if json {
        let specs: Vec<_> = specs
            .iter()
            .map(|(name, versions)| json!({"name": name, "versions": versions}))
            .collect();
        let listing = json!({"project": project, "specs": specs});
        return Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&listing).unwrap_or_default()
        ));
    }
    let mut out = format!("{project}: {}\n", count(specs.len(), "spec"));
    for (name, versions) in &specs {
        out.push_str(&format!("{name}\n"));
        for version in versions {
            let summary = version.summary.as_ref().map_or(String::new(), |s| {
                format!(
                    "  {} {}, {}",
                    s.format,
                    s.format_version,
                    count(s.operations, "operation")
                )
            });
            out.push_str(&format!(
                "  v{:<3} {:>10} bytes  {}  {}{summary}\n",
                version.version,
                version.bytes,
                utc_minutes(version.added_at),
                version.source
            ));
        }
    }
    Ok(out)
}

pub async fn projects(args: ProjectsArgs) -> ExitCode {
    let listing = open(&args.data).and_then(|store| {
        let projects = store.projects().map_err(|e| e.to_string())?;
        projects
            .into_iter()
            .map(|project| {
                let specs = store.specs(&project.name).map_err(|e| e.to_string())?;
                Ok((project, specs.len()))
            })
            .collect::<Result<Vec<_>, String>>()
    });
    let listing = match listing {
        Ok(listing) => listing,
        Err(message) => return fail(message),
    };
    let text = if args.json {
        let projects: Vec<_> = listing
            .iter()
            .map(|(project, specs)| {
                json!({"name": project.name, "specs": specs, "created_at": project.created_at})
            })
            .collect();
        format!(
            "{}\n",
            serde_json::to_string_pretty(&projects).unwrap_or_default()
        )
    } else {
        listing
            .iter()
            .map(|(project, specs)| {
                format!(
                    "{:<24} {:<10} created {}\n",
                    project.name,
                    count(*specs, "spec"),
                    utc_minutes(project.created_at)
                )
            })
            .collect()
    };
    write_stdout(&text);
    ExitCode::SUCCESS
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Unix milliseconds as `2026-11-24 10:05 UTC`.
fn utc_minutes(millis: u64) -> String {
    let secs = millis / 1000;
    let (year, month, day) = crate::mock::civil_from_days((secs / 86_400) as i64);
    let minutes = secs % 86_400 / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_counts_read_well() {
        assert_eq!(utc_minutes(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minutes(1_795_000_000_000), "2026-11-18 11:06 UTC");
        assert_eq!(count(1, "spec"), "1 spec");
        assert_eq!(count(0, "spec"), "0 specs");
    }
}
