//! "Run this connector": a generated project, started with its own runtime from its directory (where it
//! was saved, else a working copy under the data directory), its base URL pointed at mcpow's mock of the
//! spec it came from, or at another URL.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::live::{Backend, Context, file_name};
use crate::codegen::launch::stdio_launch;
use crate::codegen::{GeneratedFile, Language};
use crate::http::auth::default_prefix;
use crate::mcp::{ConnectOptions, StdioCommand, Target};
use crate::mock::{MockOptions, RunningMock};
use crate::spec::{LoadOptions, load_bytes};
use crate::store::add_spec::stored_spec;
use crate::store::{ConnectorRecord, Store};

/// How long a connector may take to answer `initialize`: a first start may install or build it.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The interpreter for Python connectors without a `.venv` of their own: `MCPOW_PYTHON`, else `python3`.
fn python() -> String {
    std::env::var("MCPOW_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into())
}

/// Where a connector runs from: where it was saved, else `DATA/connectors/PROJECT/NAME`.
pub fn working_dir(connector: &ConnectorRecord, data_dir: &Path) -> PathBuf {
    match &connector.saved_to {
        Some(dir) => PathBuf::from(dir),
        None => data_dir
            .join("connectors")
            .join(file_name(&connector.project))
            .join(file_name(&connector.name)),
    }
}

/// Writes the files that differ (what the runtime added, a venv, node_modules, target, stays).
fn sync_files(dir: &Path, files: &[GeneratedFile]) -> Result<(), String> {
    for file in files {
        let path = dir.join(&file.path);
        if std::fs::read(&path).is_ok_and(|old| old == file.contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The connector's stdio target and the mock it calls, if any, with the connect options it needs.
pub async fn connector_target(
    connector: &ConnectorRecord,
    backend: &Backend,
    context: &Context,
) -> Result<(Target, Option<RunningMock>, ConnectOptions), String> {
    let store: Arc<Store> = context.store.clone();
    let record = connector.clone();
    let dir = working_dir(connector, &context.data_dir);
    let at = dir.clone();
    let (files, model) = tokio::task::spawn_blocking(move || {
        let files = store.connector_files(&record).map_err(|e| e.to_string())?;
        if record.saved_to.is_none() {
            sync_files(&at, &files)?;
        }
        let (version, bytes) =
            stored_spec(&store, &record.project, &record.spec, record.spec_version)?;
        let model = load_bytes(&version.name, &bytes, None, &LoadOptions::default())
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((files, model))
    })
    .await
    .map_err(|e| format!("preparing the connector stopped: {e}"))??;
    let language = Language::parse(&connector.language)
        .ok_or_else(|| format!("connectors in {} cannot be run here", connector.language))?;
    let launch = stdio_launch(language, &dir, &files, &python())?;
    let base_url_variable = format!("{}_BASE_URL", default_prefix(&model));
    let mut env = launch.env;
    let mock = match backend {
        Backend::Mock => {
            let options = MockOptions {
                use_examples: true,
                ..MockOptions::default()
            };
            let mock = crate::mock::start(Arc::new(model), options)
                .await
                .map_err(|e| format!("cannot start the mock: {e}"))?;
            env.push((base_url_variable, mock.base_url()));
            Some(mock)
        }
        Backend::BaseUrl(url) => {
            env.push((base_url_variable, url.clone()));
            None
        }
        Backend::SpecServers => None,
    };
    let command = StdioCommand {
        command: launch.program,
        args: launch.args,
        cwd: Some(dir),
        env,
    };
    let options = ConnectOptions {
        initialize_timeout: if launch.builds {
            BUILD_TIMEOUT
        } else {
            ConnectOptions::default().initialize_timeout
        },
        ..ConnectOptions::default()
    };
    Ok((Target::Stdio(command), mock, options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_files_are_written_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![GeneratedFile::text("src/a.py".into(), "a = 1\n")];
        sync_files(dir.path(), &files).unwrap();
        std::fs::write(dir.path().join("extra.txt"), "mine").unwrap();
        let changed = vec![GeneratedFile::text("src/a.py".into(), "a = 2\n")];
        sync_files(dir.path(), &changed).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("src/a.py")).unwrap(),
            "a = 2\n"
        );
        assert!(dir.path().join("extra.txt").exists());
        assert_eq!(file_name("my project/x"), "my_project_x");
    }
}
