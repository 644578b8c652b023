//! Everything before a run against a started backend: its code checked out, the process started and
//! answering, its description discovered (or taken as given) and loaded, the API's base URL worked out.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use super::{Backend, BackendError, StartOptions, Stopped};
use crate::contract::run::ContractSpec;
use crate::contract::source::{CheckedOut, SourceError, SourceRequest};
use crate::spec::{LoadOptions, SpecError, SpecSource};

/// What to start and test.
#[derive(Debug, Clone)]
pub struct BackendRequest {
    /// `cwd`, when relative, is taken inside the source's directory.
    pub start: StartOptions,
    pub source: Option<SourceRequest>,
    /// A path or URL (`{port}` replaced); a relative path found inside the source is taken from there.
    /// Discovered from the running backend when absent.
    pub spec: Option<String>,
}

#[derive(Debug, Error)]
pub enum PrepareError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A failure after the source was cloned with `keep`: the clone stays, and the message says where.
    #[error("{error} (the source is kept at {})", path.display())]
    Kept {
        error: Box<PrepareError>,
        path: PathBuf,
    },
}

impl PrepareError {
    /// The backend could not be started or never answered (rather than bad input).
    pub fn is_unreachable(&self) -> bool {
        match self {
            PrepareError::Backend(
                BackendError::Exited { .. }
                | BackendError::TimedOut { .. }
                | BackendError::Spawn { .. },
            ) => true,
            PrepareError::Kept { error, .. } => error.is_unreachable(),
            _ => false,
        }
    }
}

/// A backend ready to be tested. Stop it with [`PreparedBackend::stop`] (dropping it stops it too).
#[derive(Debug)]
pub struct PreparedBackend {
    pub backend: Backend,
    pub spec: ContractSpec,
    /// The backend's origin with the spec's server path (`http://127.0.0.1:PORT/v1`).
    pub base_url: String,
    /// Declared last: fields drop in order, so on a drop the backend stops before its clone is removed.
    pub checkout: Option<CheckedOut>,
}

/// How the backend ended.
#[derive(Debug, Clone)]
pub struct Finished {
    pub stopped: Stopped,
    /// A clone kept with `--keep`.
    pub kept: Option<PathBuf>,
}

impl PreparedBackend {
    /// Stops the backend, then removes its clone unless kept.
    pub async fn stop(mut self) -> Finished {
        let stopped = self.backend.stop().await;
        let kept = self.checkout.take().and_then(CheckedOut::finish);
        Finished { stopped, kept }
    }
}

/// Checks out the source, starts the backend in it, and finds and loads its description. Whatever was
/// started or cloned is stopped or removed again when this fails.
pub async fn prepare_backend(
    request: &BackendRequest,
    load: &LoadOptions,
) -> Result<PreparedBackend, PrepareError> {
    let checkout = match &request.source {
        Some(source) => Some(CheckedOut::prepare(source).await?),
        None => None,
    };
    let kept = checkout
        .as_ref()
        .filter(|c| c.is_clone() && request.source.as_ref().is_some_and(|s| s.keep))
        .map(|c| c.path().to_path_buf());
    start_and_load(request, load, checkout)
        .await
        .map_err(|error| match kept {
            Some(path) => PrepareError::Kept {
                error: Box::new(error),
                path,
            },
            None => error,
        })
}

async fn start_and_load(
    request: &BackendRequest,
    load: &LoadOptions,
    checkout: Option<CheckedOut>,
) -> Result<PreparedBackend, PrepareError> {
    let mut start = request.start.clone();
    if let Some(checkout) = &checkout {
        start.cwd = Some(match &start.cwd {
            Some(cwd) if cwd.is_absolute() => cwd.clone(),
            Some(cwd) => checkout.path().join(cwd),
            None => checkout.path().to_path_buf(),
        });
    }
    let mut backend = Backend::start(&start).await?;
    let spec_arg = request
        .spec
        .as_deref()
        .map(|spec| inside_source(spec, checkout.as_ref()));
    let loaded = load_spec(&backend, spec_arg.as_deref(), load).await;
    let (source, model) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            backend.stop().await;
            return Err(error);
        }
    };
    let base_url = backend.api_base_url(&model);
    Ok(PreparedBackend {
        backend,
        spec: ContractSpec {
            model: Arc::new(model),
            label: source.display_name(),
        },
        base_url,
        checkout,
    })
}

async fn load_spec(
    backend: &Backend,
    spec: Option<&str>,
    load: &LoadOptions,
) -> Result<(SpecSource, crate::spec::ApiModel), PrepareError> {
    let source = backend.spec_source(spec, load).await?;
    let model = crate::spec::load(&source, load).await?;
    Ok((source, model))
}

/// A relative spec path that exists inside the checked-out source is taken from there.
fn inside_source(spec: &str, checkout: Option<&CheckedOut>) -> String {
    let path = Path::new(spec);
    match checkout {
        Some(checkout)
            if !matches!(
                SpecSource::from_arg(spec),
                SpecSource::Url(_) | SpecSource::Stdin
            ) && path.is_relative()
                && checkout.path().join(path).is_file() =>
        {
            checkout.path().join(path).display().to_string()
        }
        _ => spec.to_string(),
    }
}
