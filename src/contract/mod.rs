//! Contract tests through MCP: a server's tools called with valid, boundary and invalid arguments, each call
//! checked against the spec (the tool error flag, the HTTP status, content type and body, and
//! structuredContent against the outputSchema). The core never prints: progress comes out as [`RunEvent`]s.
//!
//! A run takes a [`ContractTarget`] (an MCP server or a spec mcpow serves, an optional spec, and the API
//! behind it) and [`RunOptions`], and gives a [`TestRunReport`]; [`junit`] writes it as JUnit XML. The HTTP
//! exchanges are seen through a recording proxy ([`recorder`]) the server is pointed at.

pub mod backend;
mod call;
pub mod checks;
pub mod junit;
pub mod recorder;
pub mod report;
pub mod run;
pub mod source;
mod start;
pub mod suite;

pub use call::operation_for;
pub use report::{
    CaseKind, CaseOutcome, CaseResult, CheckKind, CheckResult, CheckStatus, Exchange,
    TestRunReport, Totals,
};
pub use run::{ApiBackend, ContractSpec, ContractTarget, McpServer, RunEvent, RunOptions, run};
pub use start::{BASE_URL_PLACEHOLDER, MOCK_CREDENTIAL};
pub use suite::Suite;

/// Why a run could not be made (a check failing is not an error: it is in the report).
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The target or options cannot work together.
    #[error("{0}")]
    Usage(String),
    /// The mock or the recording proxy could not start.
    #[error("{0}")]
    Setup(String),
    /// The MCP server could not be reached or listed.
    #[error("{0}")]
    Connection(String),
}
