//! Engines: what generates connectors. The embedded engine runs the generators of [`crate::codegen`] in this
//! process, offline and deterministically; every run is a job whose transitions (queued, each stage,
//! completed or failed) are written to the store as they happen.

pub mod api;
pub mod embedded;
pub mod queue;
pub mod remote;
pub mod remote_job;
pub mod server;
pub mod service;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::codegen::{Language, Transport};
use crate::spec::model::ApiModel;
use crate::tools::Selection;

/// The engine's name in job and connector records.
pub const EMBEDDED: &str = "embedded";

/// The stages of a generation job, in order.
pub const STAGES: [&str; 5] = [
    "analyzing",
    "generating code",
    "generating tests",
    "writing docs",
    "done",
];

/// How a generated connector is meant to run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Runtime {
    /// With its language's own toolchain, on this machine.
    #[default]
    Local,
    /// In a container built from its Dockerfile (serving streamable HTTP).
    Docker,
}

/// A connector to generate from a loaded spec.
#[derive(Clone)]
pub struct GenerateRequest {
    pub project: String,
    /// The spec's name and version in the project.
    pub spec: String,
    pub spec_version: u32,
    pub model: Arc<ApiModel>,
    pub name: String,
    pub language: Language,
    pub transport: Transport,
    pub runtime: Runtime,
    /// Which operations become tools (the default: all).
    pub selection: Selection,
    /// Prefix of the connector's environment variables (default: the spec's title, as `mcpow serve`).
    pub env_prefix: Option<String>,
}

/// What a generation job was asked, kept with the job (so a failed one can be run again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRequest {
    pub spec: String,
    pub spec_version: u32,
    pub name: String,
    pub language: Language,
    pub transport: Transport,
    /// `stdio`, `streamable-http` or `docker`.
    pub runtime: String,
    #[serde(default)]
    pub selection: Selection,
    #[serde(default)]
    pub env_prefix: Option<String>,
}

impl GenerateRequest {
    /// The request as a job keeps it.
    pub fn job_request(&self) -> JobRequest {
        JobRequest {
            spec: self.spec.clone(),
            spec_version: self.spec_version,
            name: self.name.clone(),
            language: self.language,
            transport: self.transport,
            runtime: self.runtime_name().to_string(),
            selection: self.selection.clone(),
            env_prefix: self.env_prefix.clone(),
        }
    }

    /// The request a job kept, on `model` (its spec version, loaded again) in `project`.
    pub fn from_job(kept: &JobRequest, project: &str, model: Arc<ApiModel>) -> GenerateRequest {
        GenerateRequest {
            project: project.to_string(),
            spec: kept.spec.clone(),
            spec_version: kept.spec_version,
            model,
            name: kept.name.clone(),
            language: kept.language,
            transport: kept.transport,
            runtime: if kept.runtime == "docker" {
                Runtime::Docker
            } else {
                Runtime::Local
            },
            selection: kept.selection.clone(),
            env_prefix: kept.env_prefix.clone(),
        }
    }

    /// The runtime in the engine API's words: `stdio`, `streamable-http` or `docker`.
    pub fn runtime_name(&self) -> &'static str {
        match (self.runtime, self.transport) {
            (Runtime::Docker, _) => "docker",
            (Runtime::Local, Transport::Stdio) => "stdio",
            (Runtime::Local, Transport::Http) => "streamable-http",
        }
    }
}
