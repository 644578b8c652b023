//! What a run starts before its calls (the mock, the recording proxy, mcpow's own server) and stops after.

use std::path::PathBuf;

use super::ContractError;
use super::recorder::Recorder;
use super::run::{ApiBackend, ContractTarget, McpServer};
use crate::mcp::Target;
use crate::spec::model::ApiModel;

/// A credential value given to a stdio server tested against the mock (which takes any).
pub const MOCK_CREDENTIAL: &str = "mcpow-test-credential";
/// Replaced in a stdio SERVER's arguments by the URL it is to call the API at.
pub const BASE_URL_PLACEHOLDER: &str = "{base_url}";

/// What the run started, stopped in [`Started::stop`] whatever happened.
pub(super) struct Started {
    pub(super) mock: Option<crate::mock::RunningMock>,
    pub(super) recorder: Option<Recorder>,
    pub(super) serve: Option<tokio::sync::oneshot::Sender<()>>,
    pub(super) scratch: Option<PathBuf>,
}

impl Started {
    pub(super) async fn stop(mut self) {
        if let Some(serve) = self.serve.take() {
            let _ = serve.send(());
        }
        if let Some(recorder) = self.recorder.take() {
            recorder.stop().await;
        }
        if let Some(mock) = self.mock.take() {
            let _ = mock.stop().await;
        }
        if let Some(scratch) = self.scratch.take() {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}

impl Drop for Started {
    /// A run dropped midway (Ctrl-C) still removes its scratch folder; the rest ends with the process.
    fn drop(&mut self) {
        if let Some(scratch) = self.scratch.take() {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}

/// The API's URL the recorder forwards to, starting the mock when asked.
pub(super) async fn upstream_url(
    target: &ContractTarget,
    model: Option<&ApiModel>,
    started: &mut Started,
) -> Result<Option<String>, ContractError> {
    match (&target.api, &target.server) {
        (ApiBackend::Mock | ApiBackend::MockWithFaults { .. }, _) => {
            let Some(spec) = &target.spec else {
                return Err(ContractError::Usage(
                    "--mock needs the spec (--spec)".into(),
                ));
            };
            let (fail_rate, seed) = match target.api {
                ApiBackend::MockWithFaults { fail_percent, seed } => {
                    (f64::from(fail_percent.min(100)) / 100.0, seed)
                }
                _ => (0.0, 0),
            };
            let options = crate::mock::MockOptions {
                seed: Some(seed),
                fail_rate,
                use_examples: false,
                ..crate::mock::MockOptions::default()
            };
            let mock = crate::mock::start(spec.model.clone(), options)
                .await
                .map_err(|e| ContractError::Setup(format!("the mock: {e}")))?;
            let url = mock.base_url();
            started.mock = Some(mock);
            Ok(Some(url))
        }
        (ApiBackend::BaseUrl(url), _) => Ok(Some(url.clone())),
        (ApiBackend::None, McpServer::ServeSpec) => {
            let server = model
                .and_then(|m| m.servers.first())
                .map(|s| s.default_url());
            match server {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    Ok(Some(url))
                }
                Some(url) => Err(ContractError::Usage(format!(
                    "the spec's server `{url}` is relative: give --base-url URL or --mock"
                ))),
                None => Err(ContractError::Usage(
                    "the spec declares no server: give --base-url URL or --mock".into(),
                )),
            }
        }
        (ApiBackend::None, McpServer::Connect(_)) => Ok(None),
    }
}

/// The MCP target to connect to: mcpow's own server started here, or the given one pointed at the recorder.
pub(super) async fn server_target(
    target: &ContractTarget,
    started: &mut Started,
) -> Result<Target, ContractError> {
    let recorder_url = started.recorder.as_ref().map(Recorder::base_url);
    match &target.server {
        McpServer::ServeSpec => {
            let Some(spec) = &target.spec else {
                return Err(ContractError::Usage(
                    "mcpow's server needs the spec (--spec)".into(),
                ));
            };
            let options = crate::serve::ServeOptions {
                http: crate::http::HttpConfig {
                    base_url: recorder_url,
                    retries: 0,
                    headers: target.api_headers.clone(),
                    ..crate::http::HttpConfig::default()
                },
                env_prefix: target.env_prefix.clone(),
                ..crate::serve::ServeOptions::default()
            };
            let server = crate::serve::SpecServer::start(spec.model.clone(), options);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| ContractError::Setup(format!("mcpow's server cannot listen: {e}")))?;
            let addr = listener
                .local_addr()
                .map_err(|e| ContractError::Setup(format!("mcpow's server: {e}")))?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(crate::serve::run_http(server, listener, async {
                let _ = stopped.await;
            }));
            started.serve = Some(stop);
            Ok(Target::StreamableHttp {
                url: format!("http://{addr}/mcp"),
                headers: Vec::new(),
            })
        }
        McpServer::Connect(Target::Stdio(command)) => {
            let mut command = command.clone();
            if let Some(url) = recorder_url {
                // `{base_url}` in its arguments (`mcpow serve SPEC --base-url {base_url}`), else its variable.
                let placeholder = command
                    .args
                    .iter()
                    .any(|a| a.contains(BASE_URL_PLACEHOLDER));
                for arg in &mut command.args {
                    *arg = arg.replace(BASE_URL_PLACEHOLDER, &url);
                }
                match target.base_url_variable() {
                    Some(variable) => {
                        command.env.retain(|(name, _)| *name != variable);
                        command.env.push((variable, url));
                    }
                    None if placeholder => {}
                    None => {
                        return Err(ContractError::Usage(
                            "to point SERVER at the API, mcpow must know how it takes the base URL: give --spec \
                             (for {PREFIX}_BASE_URL), --env-prefix, --base-url-env NAME, or `{base_url}` in its \
                             arguments"
                                .into(),
                        ));
                    }
                }
            }
            if target.api.is_mock()
                && let Some(spec) = &target.spec
            {
                add_mock_credentials(&mut command.env, target, &spec.model);
            }
            Ok(Target::Stdio(command))
        }
        McpServer::Connect(other) => {
            if recorder_url.is_some() {
                return Err(ContractError::Usage(format!(
                    "{} is reached over HTTP: mcpow cannot point it at the API; start it yourself against the API \
                     and leave out --mock/--base-url (the HTTP checks then use its results)",
                    other.label()
                )));
            }
            Ok(other.clone())
        }
    }
}

/// Credentials for every scheme the spec declares, unless already set: the mock takes any value, and a
/// connector may refuse to call without one.
fn add_mock_credentials(
    env: &mut Vec<(String, String)>,
    target: &ContractTarget,
    model: &ApiModel,
) {
    let prefix = target
        .env_prefix
        .as_deref()
        .map(crate::http::auth::upper_snake)
        .unwrap_or_else(|| crate::http::auth::default_prefix(model));
    for variable in crate::http::auth::all_env_vars(model, &prefix) {
        let oauth_client =
            variable.name.ends_with("_CLIENT_ID") || variable.name.ends_with("_CLIENT_SECRET");
        let set = env.iter().any(|(name, _)| *name == variable.name)
            || std::env::var_os(&variable.name).is_some();
        if !oauth_client && !set {
            env.push((variable.name, MOCK_CREDENTIAL.to_string()));
        }
    }
}

pub(super) fn scratch_dir() -> Result<PathBuf, ContractError> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("mcpow-test-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| ContractError::Setup(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}
