//! `mcpow generate --engine URL` (or with MCPOVERFLOW_API_URL set): the connector made by a remote engine
//! over the MCPOverflow API, as an asynchronous job followed to its end; with `--project`, the job and the
//! connector are kept in the store like the embedded engine's.

use std::sync::Arc;

use super::generate::GenerateArgs;
use crate::codegen::{GeneratedFile, Language, Transport, write_project};
use crate::engine::remote::{RemoteEngine, RemoteSettings};
use crate::engine::remote_job::{api_request, generate_remote};
use crate::engine::{GenerateRequest, Runtime};
use crate::spec::source::fetch_source;
use crate::spec::{LoadOptions, SpecSource, load_bytes};
use crate::store::drift::store_spec_marking_stale;

/// The remote engine `--engine` names (`embedded` for none), else MCPOVERFLOW_API_URL's or the config file's
/// `[engine] url`, if any (the other settings come from the environment over the config file).
pub fn remote_engine(
    engine: Option<&str>,
    config_dir: &std::path::Path,
) -> Result<Option<RemoteEngine>, String> {
    let (config, problems) = crate::config::Config::load(config_dir);
    if let Some(problem) = problems.into_iter().find(|p| p.contains(": engine")) {
        return Err(problem);
    }
    let from_env =
        RemoteSettings::resolve(&config.engine.remote, &|name| std::env::var(name).ok())?;
    let settings = match engine {
        Some("embedded") => None,
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            let mut settings = from_env.unwrap_or_else(|| RemoteSettings::new(url));
            settings.url = url.trim_end_matches('/').to_string();
            Some(settings)
        }
        Some(other) => {
            return Err(format!(
                "--engine `{other}` is not an http(s) URL or `embedded`"
            ));
        }
        None => from_env,
    };
    settings.map(RemoteEngine::new).transpose()
}

pub async fn run(
    args: GenerateArgs,
    language: Language,
    transport: Transport,
    source: SpecSource,
    remote: RemoteEngine,
) -> Result<String, String> {
    let selection = args.selection.tool_options()?.selection;
    let (project, version, bytes) = match &args.project {
        Some(project) => {
            let store = args.data.open().map_err(|e| e.to_string())?;
            let (project, source) = (project.clone(), source.clone());
            let (version, bytes) = tokio::task::spawn_blocking(move || {
                let (version, drift) = store_spec_marking_stale(&store, &project, &source)?;
                if let Some(drift) = drift {
                    eprintln!("{drift}");
                }
                let bytes = store.spec_bytes(&version).map_err(|e| e.to_string())?;
                Ok::<_, String>((version, bytes))
            })
            .await
            .map_err(|e| e.to_string())??;
            (args.project.clone(), Some(version), bytes)
        }
        None => {
            let fetched = fetch_source(&source, &LoadOptions::default())
                .await
                .map_err(|e| e.to_string())?;
            (None, None, fetched.bytes)
        }
    };
    let name = source.display_name();
    let model =
        load_bytes(&name, &bytes, None, &LoadOptions::default()).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{name}: is not UTF-8 text"))?;
    let request = GenerateRequest {
        project: project.clone().unwrap_or_default(),
        spec: version.as_ref().map_or(name.clone(), |v| v.name.clone()),
        spec_version: version.as_ref().map_or(1, |v| v.version),
        name: args
            .name
            .clone()
            .unwrap_or_else(|| crate::codegen::default_name(&model.title)),
        model: Arc::new(model),
        language,
        transport,
        runtime: Runtime::Local,
        selection,
        env_prefix: args.env_prefix.clone(),
    };
    let url = remote.settings().url.clone();
    let (files, summary) = match &project {
        Some(project) => {
            let store = args.data.open().map_err(|e| e.to_string())?;
            let mut printed = 0;
            let generated = generate_remote(&store, &remote, &request, text, &mut |job| {
                for entry in &job.log[printed..] {
                    eprintln!("job {}: {}: {}", job.id, entry.stage, entry.message);
                }
                printed = job.log.len();
            })
            .await?;
            let connector = generated.connector;
            let summary = format!(
                "connector {} (job {}, {}, model {}, {} tokens) kept in project {project}",
                connector.name,
                generated.job.id,
                url,
                connector.ai_model.as_deref().unwrap_or("none"),
                connector.tokens_used.unwrap_or(0)
            );
            (generated.project.files, summary)
        }
        None => {
            let mut stage = String::new();
            let response = remote
                .generate_connector_async(&api_request(&request, text), &mut |state| {
                    if state.progress.stage != stage {
                        stage = state.progress.stage.clone();
                        eprintln!("{}: {} ({}%)", state.job_id, stage, state.progress.percent);
                    }
                })
                .await
                .map_err(|e| e.to_string())?;
            let summary = format!(
                "connector {} from {url} (model {}, {} tokens)",
                response.connector.name,
                response.ai_model.as_deref().unwrap_or("none"),
                response.tokens_used
            );
            let files = response
                .connector
                .files
                .iter()
                .map(|f| GeneratedFile::text(f.path.clone(), &f.content))
                .collect();
            (files, summary)
        }
    };
    let mut files: Vec<GeneratedFile> = files;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    write_project(&args.out, &files, args.force).map_err(|e| e.to_string())?;
    Ok(format!(
        "mcpow generate: {summary}; {} files written to {}",
        files.len(),
        args.out.display()
    ))
}
