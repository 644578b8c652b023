//! The MCPOverflow engine API's JSON bodies (../shared/design.md): what `mcpow engine serve` answers and the
//! remote client sends. Field names are the API's (camelCase).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub engine: String,
    pub version: String,
    /// The AI model behind it (remote engines); absent for the embedded engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// `POST /api/analyze`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeRequest {
    /// `openapi`, `swagger`, `postman` or `graphql` (a hint: the document says what it is).
    pub spec_type: String,
    /// The description's text.
    pub spec: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub operation_id: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeResponse {
    pub endpoints: Vec<Endpoint>,
    pub models: Vec<String>,
    pub auth: Vec<String>,
    pub suggested_name: String,
    pub warnings: Vec<String>,
    pub tokens_used: u64,
}

/// `POST /api/generate-connector` and `POST /api/jobs/generate-connector`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateConnectorRequest {
    pub name: String,
    pub spec_type: String,
    pub spec: String,
    /// `python`, `typescript` or `rust`.
    pub language: String,
    /// `stdio`, `streamable-http` or `docker`.
    pub runtime: String,
    /// operationIds (or tool names) to include; all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<String>>,
    /// A connector from a description alone (remote AI engines only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileContent {
    pub path: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connector {
    pub name: String,
    pub language: String,
    pub runtime: String,
    pub files: Vec<FileContent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateConnectorResponse {
    pub connector: Connector,
    pub ai_model: Option<String>,
    pub tokens_used: u64,
    pub duration_ms: u64,
}

/// `202` to a job's creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobCreated {
    pub job_id: String,
    pub status: String,
    pub estimated_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub stage: String,
    pub percent: u8,
    pub message: String,
}

/// `GET /api/jobs/:jobId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobState {
    pub job_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `queued`, `processing`, `completed` or `failed`.
    pub status: String,
    pub progress: Progress,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
}

/// A connector's language and files, as `generate-tests` and `validate-connector` take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorFiles {
    pub language: String,
    pub files: Vec<FileContent>,
}

/// `POST /api/generate-tests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateTestsRequest {
    pub connector: ConnectorFiles,
    pub spec: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateTestsResponse {
    pub files: Vec<FileContent>,
    pub framework: String,
    pub tokens_used: u64,
}

/// `POST /api/validate-connector`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidateRequest {
    pub connector: ConnectorFiles,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tests: Option<Vec<FileContent>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationIssue {
    /// `error` or `warning`.
    pub severity: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidateResponse {
    pub valid: bool,
    pub issues: Vec<ValidationIssue>,
}

/// `POST /api/fix-connector`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixRequest {
    pub connector: Connector,
    pub failures: Vec<Value>,
}

/// Every non-2xx answer: `{"error": message, "code": CODE}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub code: String,
}
