//! The config file's `[engine]` table: the remote engine (the `MCPOVERFLOW_*` variables win over it) and how
//! many jobs run at once.
//!
//! ```toml
//! [engine]
//! url = "http://127.0.0.1:3001"    # a remote MCPOverflow engine (unset: the embedded one)
//! api_key_env = "TEAM_ENGINE_KEY"  # the variable holding its key (a key is never kept in this file)
//! timeout_ms = 300000
//! retry_count = 3
//! poll_interval_ms = 5000
//! jobs = 2                         # generation jobs run at once; more wait in the queue
//! ```

use toml::de::{DeTable, DeValue};

use super::{Reader, line_at};
use crate::engine::remote::EngineFileSettings;

/// The `[engine]` table as understood.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineConfig {
    pub remote: EngineFileSettings,
    /// Jobs run at once.
    pub jobs: Option<usize>,
}

impl Reader<'_> {
    pub(super) fn engine(&mut self, table: &DeTable) -> EngineConfig {
        let mut config = EngineConfig::default();
        for (name, value) in table.iter() {
            if !self.usable(name.span()) || !self.usable(value.span()) {
                continue;
            }
            let line = line_at(self.text, name.span().start);
            let name: &str = name.get_ref();
            let value = value.get_ref();
            let outcome = match name {
                "url" => text(value).and_then(|url| {
                    if url.starts_with("http://") || url.starts_with("https://") {
                        config.remote.url = Some(url.trim_end_matches('/').to_string());
                        Ok(())
                    } else {
                        Err(format!("`{url}` is not an http(s) URL"))
                    }
                }),
                "api_key_env" => text(value).and_then(|variable| {
                    let valid = !variable.is_empty()
                        && variable
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if valid {
                        config.remote.api_key_env = Some(variable);
                        Ok(())
                    } else {
                        Err(format!(
                            "`{variable}` is not an environment variable's name"
                        ))
                    }
                }),
                "api_key" | "key" | "token" => Err(
                    "a key is not kept in the config file: put it in an environment variable and \
                     name that variable in api_key_env (or set MCPOVERFLOW_API_KEY)"
                        .to_string(),
                ),
                "timeout_ms" => count(value, 1).map(|n| config.remote.timeout_ms = Some(n)),
                "retry_count" => count(value, 0).map(|n| config.remote.retry_count = Some(n)),
                "poll_interval_ms" => {
                    count(value, 1).map(|n| config.remote.poll_interval_ms = Some(n))
                }
                "jobs" => count(value, 1).map(|n| {
                    config.jobs = Some(usize::try_from(n.min(64)).unwrap_or(64));
                }),
                other => Err(format!(
                    "there is no setting `{other}` (there are url, api_key_env, timeout_ms, \
                     retry_count, poll_interval_ms and jobs)"
                )),
            };
            if let Err(message) = outcome {
                self.problems
                    .push((line, format!("engine.{name}: {message}")));
            }
        }
        config
    }
}

fn text(value: &DeValue) -> Result<String, String> {
    match value {
        DeValue::String(text) => Ok(text.trim().to_string()),
        other => Err(format!("must be a string, not {}", other.type_str())),
    }
}

/// A whole number of at least `least`.
fn count(value: &DeValue, least: u64) -> Result<u64, String> {
    match value {
        DeValue::Integer(number) => u64::from_str_radix(number.as_str(), number.radix())
            .ok()
            .filter(|n| *n >= least)
            .ok_or_else(|| format!("must be a whole number of at least {least}")),
        other => Err(format!("must be a whole number, not {}", other.type_str())),
    }
}
