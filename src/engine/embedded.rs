//! The embedded engine's generation job: the request through each stage, every transition stored, the
//! connector stored with its files at the end.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde_json::json;

use super::{EMBEDDED, GenerateRequest};
use crate::codegen::{GenerateOptions, GeneratedFile, Project, generate};
use crate::store::{ConnectorRecord, ConnectorStatus, JobKind, JobRecord, Store};
use crate::tools::{Exposure, ToolOptions, build_tools};

/// What a finished generation gives: the job as stored, and the connector with its project.
pub struct Generated {
    pub job: JobRecord,
    pub connector: ConnectorRecord,
    pub project: Project,
}

/// What a file of a project is, for the stage that reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    Code,
    Tests,
    Docs,
}

impl FileRole {
    pub fn of(path: &str) -> FileRole {
        let name = path.rsplit('/').next().unwrap_or(path);
        if path.starts_with("tests/") || path.starts_with("test/") || name.starts_with("test_") {
            FileRole::Tests
        } else if name.ends_with(".md") || name == "Dockerfile" || name == ".dockerignore" {
            FileRole::Docs
        } else {
            FileRole::Code
        }
    }
}

/// Runs a generation job for `request`: queued, then each stage, then completed (or failed). `progress` sees
/// the job after every transition, once it is stored; `cancel` is checked between stages. The job is failed
/// (and stored so) on any error, which is returned as text.
pub fn generate_connector(
    store: &Store,
    request: &GenerateRequest,
    cancel: &AtomicBool,
    mut progress: impl FnMut(&JobRecord),
) -> Result<Generated, String> {
    let job = queue_job(store, request, EMBEDDED)?;
    progress(&job);
    run_job(store, request, job, cancel, progress)
}

/// A new job for `request` on `engine`, stored as queued with the request it will run.
pub fn queue_job(
    store: &Store,
    request: &GenerateRequest,
    engine: &str,
) -> Result<JobRecord, String> {
    let mut queued = JobRecord::queued(
        JobKind::Generate,
        &request.project,
        Some(&request.name),
        engine,
    );
    queued.request = serde_json::to_value(request.job_request()).ok();
    store.create_job(queued).map_err(|e| e.to_string())
}

/// Runs a queued `job` on the embedded engine (see [`generate_connector`]).
pub fn run_job(
    store: &Store,
    request: &GenerateRequest,
    mut job: JobRecord,
    cancel: &AtomicBool,
    mut progress: impl FnMut(&JobRecord),
) -> Result<Generated, String> {
    match run_stages(store, request, cancel, &mut job, &mut progress) {
        Ok(generated) => Ok(generated),
        Err(reason) => Err(fail_job(store, &mut job, &reason, &mut progress)),
    }
}

/// Marks `job` failed with `reason` and stores it; the text to report (with a store error, if any).
pub fn fail_job(
    store: &Store,
    job: &mut JobRecord,
    reason: &str,
    progress: &mut dyn FnMut(&JobRecord),
) -> String {
    job.fail(reason);
    // The job's failure is the news; a store error on top of it is reported with it.
    let stored = store.save_job(job);
    progress(job);
    match stored {
        Ok(()) => reason.to_string(),
        Err(e) => format!("{reason} (and the job could not be stored: {e})"),
    }
}

/// A project generated stage by stage, and the names of its tools.
pub struct Staged {
    pub project: Project,
    pub tools: Vec<String>,
}

/// The generation itself, reporting each stage (name, message) to `stage` before it starts; `stage` may stop
/// it with an error (a cancel). Shared by the workbench's jobs and `mcpow engine serve`.
pub fn generate_in_stages(
    request: &GenerateRequest,
    stage: &mut dyn FnMut(&str, String) -> Result<(), String>,
) -> Result<Staged, String> {
    let model = &request.model;
    stage(
        "analyzing",
        format!(
            "{} v{} ({} {}), {} operations",
            request.spec,
            request.spec_version,
            model.format.as_str(),
            model.version,
            model.operations.len()
        ),
    )?;
    let options = ToolOptions {
        selection: request.selection.clone(),
        exposure: Exposure::Selected,
        ..ToolOptions::default()
    };
    let tools = build_tools(model, &options);
    if tools.tools.is_empty() {
        return Err("no operation is selected".into());
    }
    let size = tools.size();
    stage(
        "generating code",
        format!(
            "{} {} tools, {} skipped; tools/list {} bytes (~{} tokens)",
            request.language.as_str(),
            tools.tools.len(),
            tools.skipped.len(),
            size.bytes,
            size.tokens
        ),
    )?;
    let generate_options = GenerateOptions {
        name: Some(request.name.clone()),
        transport: request.transport,
        env_prefix: request.env_prefix.clone(),
    };
    let project =
        generate(model, &tools, request.language, &generate_options).map_err(|e| e.to_string())?;
    let summary = |role: FileRole| summarize(&project.files, role);
    stage(
        "generating tests",
        format!("code: {}", summary(FileRole::Code)),
    )?;
    stage(
        "writing docs",
        format!("tests: {}", summary(FileRole::Tests)),
    )?;
    Ok(Staged {
        tools: tools.tools.iter().map(|t| t.name.clone()).collect(),
        project,
    })
}

fn run_stages(
    store: &Store,
    request: &GenerateRequest,
    cancel: &AtomicBool,
    job: &mut JobRecord,
    progress: &mut impl FnMut(&JobRecord),
) -> Result<Generated, String> {
    let started = Instant::now();
    let mut stage = |name: &str, message: String| -> Result<(), String> {
        if cancel.load(Ordering::Relaxed) {
            return Err("cancelled".into());
        }
        job.enter(name, &message);
        store.save_job(job).map_err(|e| e.to_string())?;
        progress(job);
        Ok(())
    };
    let Staged { project, tools } = generate_in_stages(request, &mut stage)?;
    let summary = |role: FileRole| summarize(&project.files, role);
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let connector = ConnectorRecord {
        project: request.project.clone(),
        name: request.name.clone(),
        language: request.language.as_str().to_string(),
        runtime: request.runtime_name().to_string(),
        spec: request.spec.clone(),
        spec_version: request.spec_version,
        operations: if request.selection.is_empty() {
            Vec::new()
        } else {
            tools.clone()
        },
        engine: EMBEDDED.to_string(),
        ai_model: None,
        tokens_used: None,
        job: Some(job.id),
        status: ConnectorStatus::Ready,
        stale: None,
        files: Vec::new(),
        saved_to: None,
        duration_ms,
        created_at: crate::store::now_millis(),
    };
    if cancel.load(Ordering::Relaxed) {
        return Err("cancelled".into());
    }
    let connector = store
        .save_connector(connector, &project.files)
        .map_err(|e| e.to_string())?;
    job.enter(
        "writing docs",
        &format!(
            "docs: {}; stored {} files",
            summary(FileRole::Docs),
            project.files.len()
        ),
    );
    let lines: usize = project.files.iter().map(|f| count_lines(&f.contents)).sum();
    job.complete(json!({
        "connector": request.name,
        "language": request.language.as_str(),
        "files": project.files.len(),
        "lines": lines,
        "tools": tools.len(),
        "durationMs": duration_ms,
    }));
    store.save_job(job).map_err(|e| e.to_string())?;
    progress(job);
    Ok(Generated {
        job: job.clone(),
        connector,
        project,
    })
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

/// `3 files, 1,234 lines` for the files of one role.
fn summarize(files: &[GeneratedFile], role: FileRole) -> String {
    let chosen: Vec<&GeneratedFile> = files
        .iter()
        .filter(|f| FileRole::of(&f.path) == role)
        .collect();
    let lines: usize = chosen.iter().map(|f| count_lines(&f.contents)).sum();
    format!(
        "{} file{}, {lines} lines",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::codegen::{Language, Transport};
    use crate::engine::Runtime;
    use crate::spec::{LoadOptions, load_bytes};
    use crate::store::JobStatus;
    use crate::tools::Selection;

    fn request(operations: &[&str]) -> GenerateRequest {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/petstore-3.0.yaml");
        let bytes = std::fs::read(path).unwrap();
        let model = load_bytes("petstore-3.0.yaml", &bytes, None, &LoadOptions::default()).unwrap();
        GenerateRequest {
            project: "demo".into(),
            spec: "petstore-3.0.yaml".into(),
            spec_version: 1,
            model: Arc::new(model),
            name: "clinic".into(),
            language: Language::Python,
            transport: Transport::Stdio,
            runtime: Runtime::Local,
            selection: Selection {
                include_operations: operations.iter().map(|o| o.to_string()).collect(),
                ..Selection::default()
            },
            env_prefix: None,
        }
    }

    #[test]
    fn a_job_goes_through_every_stage_and_stores_the_connector() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut seen = Vec::new();
        let generated = generate_connector(
            &store,
            &request(&["getPet", "listPets"]),
            &AtomicBool::new(false),
            |job| seen.push((job.status, job.stage.clone())),
        )
        .unwrap();
        let stages: Vec<&str> = seen.iter().filter_map(|(_, s)| s.as_deref()).collect();
        assert_eq!(
            stages,
            [
                "analyzing",
                "generating code",
                "generating tests",
                "writing docs",
                "done"
            ]
        );
        assert_eq!(seen[0], (JobStatus::Queued, None));
        let stored = store.job(generated.job.id).unwrap().unwrap();
        assert_eq!(stored.status, JobStatus::Completed);
        assert_eq!(stored.result.as_ref().unwrap()["tools"], 2);
        let connector = store.connector("demo", "clinic").unwrap().unwrap();
        assert_eq!(connector.job, Some(stored.id));
        assert_eq!(connector.runtime, "stdio");
        assert_eq!(connector.operations, ["listPets", "getPet"]);
        assert_eq!(
            store.connector_files(&connector).unwrap(),
            generated.project.files
        );
        let operations = generated
            .project
            .files
            .iter()
            .find(|f| f.path.ends_with("operations.py"))
            .unwrap();
        let text = String::from_utf8_lossy(&operations.contents);
        assert!(text.contains("\"getPet\"") && !text.contains("\"addPet\""));
    }

    #[test]
    fn cancelled_and_empty_jobs_fail_and_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let cancelled = generate_connector(&store, &request(&[]), &AtomicBool::new(true), |_| {});
        assert_eq!(cancelled.err().as_deref(), Some("cancelled"));
        let empty = generate_connector(
            &store,
            &request(&["DELETE /nowhere"]),
            &AtomicBool::new(false),
            |_| {},
        );
        assert_eq!(empty.err().as_deref(), Some("no operation is selected"));
        let jobs = store.jobs().unwrap();
        assert_eq!(jobs.len(), 2);
        assert!(jobs.iter().all(|j| j.status == JobStatus::Failed));
        assert_eq!(jobs[0].error.as_deref(), Some("cancelled"));
        assert!(store.connectors("demo").unwrap().is_empty());
    }

    #[test]
    fn files_are_sorted_into_code_tests_and_docs() {
        assert_eq!(FileRole::of("src/clinic/server.py"), FileRole::Code);
        assert_eq!(FileRole::of("tests/test_tools.py"), FileRole::Tests);
        assert_eq!(FileRole::of("test/cases.ts"), FileRole::Tests);
        assert_eq!(FileRole::of("README.md"), FileRole::Docs);
        assert_eq!(FileRole::of("Dockerfile"), FileRole::Docs);
        assert_eq!(FileRole::of("Cargo.toml"), FileRole::Code);
    }
}
