//! A generation job on a remote engine, kept in the store like an embedded one: created once (one
//! idempotency key), its remote id stored at once, each stage the engine reports written as it is seen, the
//! connector stored with its files (and the AI model and tokens used) when it completes. A job still running
//! when the workbench quits (or is killed) is followed again at the next start from its stored remote id.

use std::time::Instant;

use serde_json::json;

use super::api::{GenerateConnectorRequest, GenerateConnectorResponse, JobState};
use super::embedded::{Generated, fail_job, queue_job};
use super::remote::{RemoteEngine, idempotency_key};
use super::{GenerateRequest, JobRequest};
use crate::codegen::{GeneratedFile, Project};
use crate::store::{ConnectorRecord, ConnectorStatus, JobRecord, JobStatus, Store, now_millis};
use crate::tools::{Exposure, ToolOptions, build_tools};

/// The API's request for `request`, with the spec's text.
pub fn api_request(request: &GenerateRequest, spec: String) -> GenerateConnectorRequest {
    let endpoints = (!request.selection.is_empty()).then(|| {
        let options = ToolOptions {
            selection: request.selection.clone(),
            exposure: Exposure::Selected,
            ..ToolOptions::default()
        };
        build_tools(&request.model, &options)
            .tools
            .into_iter()
            .map(|t| t.name)
            .collect()
    });
    GenerateConnectorRequest {
        name: request.name.clone(),
        spec_type: request.model.format.as_str().to_string(),
        spec,
        language: request.language.as_str().to_string(),
        runtime: request.runtime_name().to_string(),
        endpoints,
        description: None,
    }
}

/// Runs `request` as a job on `remote`: stored as created, followed to its end.
pub async fn generate_remote(
    store: &Store,
    remote: &RemoteEngine,
    request: &GenerateRequest,
    spec: String,
    progress: &mut (dyn FnMut(&JobRecord) + Send),
) -> Result<Generated, String> {
    let job = queue_job(store, request, &remote.settings().url)?;
    progress(&job);
    start_remote(store, remote, request, spec, job, progress).await
}

/// Creates the remote job for a queued local `job` (one idempotency key), keeps its remote id, and follows it.
pub async fn start_remote(
    store: &Store,
    remote: &RemoteEngine,
    request: &GenerateRequest,
    spec: String,
    mut job: JobRecord,
    progress: &mut (dyn FnMut(&JobRecord) + Send),
) -> Result<Generated, String> {
    let created = remote
        .create_job(&api_request(request, spec), &idempotency_key())
        .await;
    match created {
        Ok(created) => {
            job.remote_id = Some(created.job_id.clone());
            job.enter("queued", &format!("{} on {}", created.job_id, job.engine));
            job.status = JobStatus::Queued;
            store.save_job(&job).map_err(|e| e.to_string())?;
            progress(&job);
            follow(store, remote, job, progress).await
        }
        Err(e) => fail(store, job, &e.to_string(), progress),
    }
}

/// Follows a stored remote job (after a restart too) until it completes or fails, storing each stage.
pub async fn follow(
    store: &Store,
    remote: &RemoteEngine,
    mut job: JobRecord,
    progress: &mut (dyn FnMut(&JobRecord) + Send),
) -> Result<Generated, String> {
    let Some(remote_id) = job.remote_id.clone() else {
        return fail(store, job, "no remote job id was kept", progress);
    };
    let started = Instant::now();
    let mut on_state = |state: &JobState| {
        let stage = state.progress.stage.as_str();
        if state.status == "processing" && job.stage.as_deref() != Some(stage) {
            job.enter(
                stage,
                &format!("{}% {}", state.progress.percent, state.progress.message),
            );
            if store.save_job(&job).is_ok() {
                progress(&job);
            }
        }
    };
    let outcome = remote.wait_for_job(&remote_id, &mut on_state).await;
    let response = match outcome {
        Ok(response) => response,
        Err(e) => return fail(store, job, &e.to_string(), progress),
    };
    complete(store, job, response, started, progress)
}

fn fail(
    store: &Store,
    mut job: JobRecord,
    reason: &str,
    progress: &mut (dyn FnMut(&JobRecord) + Send),
) -> Result<Generated, String> {
    Err(fail_job(store, &mut job, reason, progress))
}

fn complete(
    store: &Store,
    mut job: JobRecord,
    response: GenerateConnectorResponse,
    started: Instant,
    progress: &mut (dyn FnMut(&JobRecord) + Send),
) -> Result<Generated, String> {
    let kept: Option<JobRequest> = job
        .request
        .clone()
        .and_then(|v| serde_json::from_value(v).ok());
    let Some(kept) = kept else {
        return fail(store, job, "the job kept no request", progress);
    };
    let files: Vec<GeneratedFile> = response
        .connector
        .files
        .iter()
        .map(|f| GeneratedFile::text(f.path.clone(), &f.content))
        .collect();
    let connector = ConnectorRecord {
        project: job.project.clone(),
        name: kept.name.clone(),
        language: kept.language.as_str().to_string(),
        runtime: kept.runtime.clone(),
        spec: kept.spec.clone(),
        spec_version: kept.spec_version,
        operations: kept.selection.include_operations.clone(),
        engine: job.engine.clone(),
        ai_model: response.ai_model.clone(),
        tokens_used: Some(response.tokens_used),
        job: Some(job.id),
        status: ConnectorStatus::Ready,
        stale: None,
        files: Vec::new(),
        saved_to: None,
        duration_ms: response
            .duration_ms
            .max(u64::try_from(started.elapsed().as_millis()).unwrap_or(0)),
        created_at: now_millis(),
    };
    let connector = match store.save_connector(connector, &files) {
        Ok(connector) => connector,
        Err(e) => return fail(store, job, &e.to_string(), progress),
    };
    job.complete(json!({
        "connector": kept.name,
        "language": kept.language.as_str(),
        "files": files.len(),
        "aiModel": response.ai_model,
        "tokensUsed": response.tokens_used,
        "durationMs": response.duration_ms,
    }));
    store.save_job(&job).map_err(|e| e.to_string())?;
    progress(&job);
    Ok(Generated {
        job,
        connector,
        project: Project {
            language: kept.language,
            files,
        },
    })
}

/// The stored jobs of `engine_url` that had not finished: to follow again.
pub fn unfinished(store: &Store, engine_url: &str) -> Result<Vec<JobRecord>, String> {
    Ok(store
        .jobs()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|j| j.engine == engine_url && !j.status.is_finished() && j.remote_id.is_some())
        .collect())
}
