//! Server profiles: saved MCP servers a user connects to by name, and their import from the configuration
//! files of Claude Desktop, Cursor and VS Code.
//!
//! Profiles never hold secrets: `env` and `headers` values are [`EnvValue`]s that reference environment
//! variables (`Bearer ${env:TOKEN}`), stored as written and resolved only at connect time. [`import()`] moves
//! every literal secret it finds into such a reference and says which variables to set.

mod entry;
mod env_value;
mod import;
mod jsonc;

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use env_value::EnvValue;
pub use import::{ImportReport, MovedSecret, import};

/// A saved MCP server, connected to by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub transport: Transport,
}

/// How to reach a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Transport {
    /// A child process speaking MCP over stdio.
    Stdio {
        command: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        args: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cwd: Option<PathBuf>,
        #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
        env: IndexMap<String, EnvValue>,
    },
    /// Streamable HTTP (the current MCP HTTP transport).
    StreamableHttp {
        url: String,
        #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
        headers: IndexMap<String, EnvValue>,
    },
    /// The legacy HTTP+SSE transport (2024-11-05 servers).
    Sse {
        url: String,
        #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
        headers: IndexMap<String, EnvValue>,
    },
}

/// Why a profile could not be imported or resolved. Messages name the file or the variable, never a value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    /// The file is not JSON, even allowing comments and trailing commas.
    #[error("{source_name}: line {line}, column {column}: {message}")]
    Parse {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The file has neither an `mcpServers` nor a `servers` object.
    #[error(
        "{source_name}: not an MCP client configuration (expected an \"mcpServers\" or a \"servers\" object)"
    )]
    UnknownFormat { source_name: String },
    /// The file has the right key, but not the right shape under it.
    #[error("{source_name}: {field}: {message}")]
    Invalid {
        source_name: String,
        field: String,
        message: String,
    },
    /// A `${env:NAME}` reference whose variable is not set.
    #[error("environment variable {name} is not set")]
    MissingVariable { name: String },
    /// A `${env:` that does not form a reference (no closing brace, or no valid name).
    #[error("malformed ${{env:NAME}} reference at byte {offset}: {reason}")]
    MalformedReference { offset: usize, reason: String },
}

#[cfg(test)]
mod tests;
