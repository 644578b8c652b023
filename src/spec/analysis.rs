//! What `mcpow inspect` reports about a model: counts, tags, models, auth, servers and warnings.

use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;

use super::model::{ApiModel, Warning};

#[derive(Debug, Clone, Serialize)]
pub struct TagCount {
    pub name: String,
    pub operations: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchemeSummary {
    pub name: String,
    /// `apiKey`, `http`, `oauth2`, `openIdConnect`, `mutualTLS`.
    pub kind: String,
    pub summary: String,
}

/// The analysis of one loaded description. Its JSON form is what `mcpow inspect --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub format: &'static str,
    pub version: String,
    pub title: String,
    pub api_version: Option<String>,
    /// Callable HTTP operations (GraphQL root fields, Postman requests); webhooks are not counted.
    pub operations: usize,
    pub webhooks: usize,
    pub deprecated: usize,
    pub unsupported: usize,
    pub methods: IndexMap<String, usize>,
    pub tags: Vec<TagCount>,
    /// Operations with no tag.
    pub untagged: usize,
    pub schemas: Vec<String>,
    pub security_schemes: Vec<SchemeSummary>,
    pub servers: Vec<String>,
    pub warnings: Vec<Warning>,
}

impl Analysis {
    pub fn of(model: &ApiModel) -> Analysis {
        let mut methods: IndexMap<String, usize> = IndexMap::new();
        for method in super::model::HttpMethod::ALL {
            let count = model
                .operations
                .iter()
                .filter(|op| op.method == method)
                .count();
            if count > 0 {
                methods.insert(method.as_str().to_string(), count);
            }
        }
        let mut tag_counts: IndexMap<&str, usize> =
            model.tags.iter().map(|t| (t.name.as_str(), 0)).collect();
        for op in &model.operations {
            for tag in &op.tags {
                *tag_counts.entry(tag.as_str()).or_default() += 1;
            }
        }
        let security_schemes = model
            .security_schemes
            .iter()
            .map(|(name, scheme)| {
                let value = serde_json::to_value(scheme).unwrap_or_default();
                SchemeSummary {
                    name: name.clone(),
                    kind: value["type"].as_str().unwrap_or_default().to_string(),
                    summary: scheme.summary(),
                }
            })
            .collect();
        Analysis {
            format: model.format.as_str(),
            version: model.version.clone(),
            title: model.title.clone(),
            api_version: model.api_version.clone(),
            operations: model.operations.len(),
            webhooks: model.webhooks.len(),
            deprecated: model.operations.iter().filter(|op| op.deprecated).count(),
            unsupported: model
                .operations
                .iter()
                .filter(|op| op.unsupported.is_some())
                .count(),
            methods,
            tags: tag_counts
                .into_iter()
                .map(|(name, operations)| TagCount {
                    name: name.to_string(),
                    operations,
                })
                .collect(),
            untagged: model
                .operations
                .iter()
                .filter(|op| op.tags.is_empty())
                .count(),
            schemas: model.schemas.keys().cloned().collect(),
            security_schemes,
            servers: model.servers.iter().map(|s| s.url.clone()).collect(),
            warnings: model.warnings.clone(),
        }
    }

    /// The human-readable report.
    pub fn report(&self, max_warnings: usize) -> String {
        let mut out = String::new();
        let api_version = self
            .api_version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{api_version}", self.title);
        let _ = writeln!(out, "format      {} {}", self.format, self.version);
        let methods: Vec<String> = self
            .methods
            .iter()
            .map(|(m, n)| format!("{m} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "operations  {} ({})",
            self.operations,
            methods.join(", ")
        );
        if self.webhooks > 0 {
            let _ = writeln!(out, "webhooks    {}", self.webhooks);
        }
        if self.deprecated > 0 || self.unsupported > 0 {
            let _ = writeln!(
                out,
                "            {} deprecated, {} unsupported",
                self.deprecated, self.unsupported
            );
        }
        let _ = writeln!(
            out,
            "servers     {}",
            if self.servers.is_empty() {
                "(none)".to_string()
            } else {
                self.servers.join(", ")
            }
        );
        let _ = writeln!(out, "schemas     {}", self.schemas.len());
        if self.security_schemes.is_empty() {
            let _ = writeln!(out, "auth        (none)");
        }
        for (i, scheme) in self.security_schemes.iter().enumerate() {
            let label = if i == 0 { "auth" } else { "" };
            let _ = writeln!(out, "{label:<12}{}: {}", scheme.name, scheme.summary);
        }
        if !self.tags.is_empty() {
            let _ = writeln!(out, "\ntags");
            for tag in &self.tags {
                let _ = writeln!(out, "  {:<40} {}", tag.name, tag.operations);
            }
            if self.untagged > 0 {
                let _ = writeln!(out, "  {:<40} {}", "(untagged)", self.untagged);
            }
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(out, "\nwarnings ({})", self.warnings.len());
            for warning in self.warnings.iter().take(max_warnings) {
                let _ = writeln!(out, "  {}: {}", warning.pointer, warning.message);
            }
            if self.warnings.len() > max_warnings {
                let _ = writeln!(
                    out,
                    "  ... {} more (all of them with --json)",
                    self.warnings.len() - max_warnings
                );
            }
        }
        out
    }
}
