//! Engines: what generates connectors. The embedded engine runs the generators of [`crate::codegen`] in this
//! process, offline and deterministically; every run is a job whose transitions (queued, each stage,
//! completed or failed) are written to the store as they happen.

pub mod api;
pub mod embedded;
pub mod remote;
pub mod server;
pub mod service;

use std::sync::Arc;

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

impl GenerateRequest {
    /// The runtime in the engine API's words: `stdio`, `streamable-http` or `docker`.
    pub fn runtime_name(&self) -> &'static str {
        match (self.runtime, self.transport) {
            (Runtime::Docker, _) => "docker",
            (Runtime::Local, Transport::Stdio) => "stdio",
            (Runtime::Local, Transport::Http) => "streamable-http",
        }
    }
}
