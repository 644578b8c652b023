//! What the store keeps, as serde records (JSON in sled values, so a store stays readable with any tool).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::mcp::profiles::Profile;

/// A project: a name and what belongs to it (its specs are keyed by project and spec name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub name: String,
    /// Unix milliseconds.
    pub created_at: u64,
    /// Names of the server profiles used with it.
    #[serde(default)]
    pub profiles: Vec<String>,
}

/// One version of a spec in a project; the bytes live once, under their content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecVersion {
    pub project: String,
    /// The spec's name in the project (its file name, or a name the user gave).
    pub name: String,
    /// 1, 2, ... in the order added.
    pub version: u32,
    /// SHA-256 of the bytes, hex.
    pub hash: String,
    /// Where it came from: a path, a URL, `stdin`, `pasted`, or `bundled:NAME`.
    pub source: String,
    pub added_at: u64,
    pub bytes: usize,
    /// The analysis in brief, made when the version was added (none when the bytes no longer load alone).
    #[serde(default)]
    pub summary: Option<Box<SpecSummary>>,
}

/// What a spec version holds, in brief: enough to list it without loading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecSummary {
    /// `openapi`, `swagger`, `postman` or `graphql`, and that format's version.
    pub format: String,
    pub format_version: String,
    pub title: String,
    #[serde(default)]
    pub api_version: Option<String>,
    pub operations: usize,
    pub webhooks: usize,
    pub deprecated: usize,
    pub tags: usize,
    pub schemas: usize,
    pub security_schemes: Vec<String>,
    pub servers: Vec<String>,
    pub warnings: usize,
}

impl SpecSummary {
    pub fn of(model: &crate::spec::model::ApiModel) -> SpecSummary {
        let analysis = crate::spec::analysis::Analysis::of(model);
        SpecSummary {
            format: analysis.format.to_string(),
            format_version: analysis.version,
            title: analysis.title,
            api_version: analysis.api_version,
            operations: analysis.operations,
            webhooks: analysis.webhooks,
            deprecated: analysis.deprecated,
            tags: analysis.tags.len(),
            schemas: analysis.schemas.len(),
            security_schemes: analysis
                .security_schemes
                .into_iter()
                .map(|s| s.name)
                .collect(),
            servers: analysis.servers,
            warnings: analysis.warnings.len(),
        }
    }

    /// The summary of `bytes` named `name`, if they load on their own.
    pub fn of_bytes(name: &str, bytes: &[u8]) -> Option<Box<SpecSummary>> {
        let options = crate::spec::LoadOptions::default();
        crate::spec::load_bytes(name, bytes, None, &options)
            .ok()
            .map(|model| Box::new(SpecSummary::of(&model)))
    }
}

/// One tool call, as the history keeps it: arguments with secret-looking values redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// Assigned by the store, increasing.
    #[serde(default)]
    pub id: u64,
    /// The server, as its label (`command args` or URL) or profile name.
    pub server: String,
    pub tool: String,
    pub arguments: Map<String, Value>,
    /// The `CallToolResult` JSON, or the error text for a failed call.
    pub result: Value,
    pub is_error: bool,
    pub duration_ms: u64,
    pub at: u64,
}

/// A saved server profile (its secrets are already `${env:NAME}` references).
pub type ProfileRecord = Profile;

/// Argument names whose values are not kept.
fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "api-key",
        "authorization",
        "credential",
        "private_key",
        "cookie",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// `arguments` with the values of secret-looking keys (at any depth) replaced by `"[redacted]"`.
pub fn redact_arguments(arguments: &Map<String, Value>) -> Map<String, Value> {
    fn walk(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(redact_arguments(map)),
            Value::Array(items) => Value::Array(items.iter().map(walk).collect()),
            other => other.clone(),
        }
    }
    arguments
        .iter()
        .map(|(key, value)| {
            let kept = if is_secret_name(key) && !value.is_null() {
                Value::String("[redacted]".into())
            } else {
                walk(value)
            };
            (key.clone(), kept)
        })
        .collect()
}

pub fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_in_arguments_are_redacted_at_any_depth() {
        let arguments = json!({
            "owner": "octocat",
            "apiKey": "sk-123",
            "auth": {"Authorization": "Bearer abc", "user": "me"},
            "list": [{"password": "p"}]
        });
        let redacted = redact_arguments(arguments.as_object().unwrap());
        assert_eq!(
            Value::Object(redacted),
            json!({
                "owner": "octocat",
                "apiKey": "[redacted]",
                "auth": {"Authorization": "[redacted]", "user": "me"},
                "list": [{"password": "[redacted]"}]
            })
        );
    }
}
