//! One configuration entry's fields, checked and sorted into a transport before any conversion, so an entry
//! is either imported whole or skipped with a reason.

use serde_json::{Map, Value};
use url::Url;

/// An entry's fields, checked but not yet converted.
pub(super) enum RawServer<'a> {
    Stdio {
        command: &'a str,
        args: Vec<String>,
        cwd: Option<&'a str>,
        env: Vec<(String, Option<String>)>,
    },
    Remote {
        sse: bool,
        url: &'a str,
        headers: Vec<(String, Option<String>)>,
    },
}

/// Checks an entry's fields and decides its transport: `type` when given, else `command` (stdio), else `url`
/// (SSE when its path ends with `/sse`, streamable HTTP otherwise). The error is the reason to skip it.
pub(super) fn read_server(entry: &Map<String, Value>) -> Result<RawServer<'_>, String> {
    let declared_type = optional_string(entry, "type")?;
    let command = optional_string(entry, "command")?.filter(|command| !command.trim().is_empty());
    let url = optional_string(entry, "url")?.filter(|url| !url.trim().is_empty());
    let sse = match declared_type {
        Some("stdio") => None,
        Some("sse") => Some(true),
        Some("http" | "streamable-http" | "streamable_http" | "streamableHttp") => Some(false),
        Some(other) => {
            return Err(format!(
                "unsupported type \"{other}\" (expected stdio, http or sse)"
            ));
        }
        None if command.is_some() => None,
        None => match url {
            Some(url) => Some(url_path_ends_with_sse(url)),
            None => return Err("has neither a command nor a url".to_string()),
        },
    };
    let Some(sse) = sse else {
        let command = command.ok_or("a stdio server needs a command")?;
        return Ok(RawServer::Stdio {
            command,
            args: string_list(entry, "args")?,
            cwd: optional_string(entry, "cwd")?,
            env: string_map(entry, "env")?,
        });
    };
    let url = url.ok_or(if sse {
        "an sse server needs a url"
    } else {
        "an http server needs a url"
    })?;
    check_url(url)?;
    Ok(RawServer::Remote {
        sse,
        url,
        headers: string_map(entry, "headers")?,
    })
}

/// A URL must be http or https; one holding `${…}` variables is checked only at connect time.
fn check_url(url: &str) -> Result<(), String> {
    if url.contains("${") {
        return Ok(());
    }
    let parsed = Url::parse(url).map_err(|error| format!("url is not a valid URL ({error})"))?;
    match parsed.scheme() {
        "http" | "https" => Ok(()),
        _ => Err("url must start with http:// or https://".to_string()),
    }
}

fn url_path_ends_with_sse(url: &str) -> bool {
    let without_query = url.split(['?', '#']).next().unwrap_or(url);
    without_query
        .trim_end_matches('/')
        .to_ascii_lowercase()
        .ends_with("/sse")
}

fn optional_string<'a>(
    entry: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, String> {
    match entry.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(format!("{key} must be a string")),
    }
}

/// Strings, numbers and booleans are accepted as text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn string_list(entry: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    match entry.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                scalar_text(item).ok_or_else(|| format!("{key}[{index}] must be a string"))
            })
            .collect(),
        Some(_) => Err(format!("{key} must be an array of strings")),
    }
}

/// A map of text values; a null value is kept as `None` (left out later, with a warning).
fn string_map(
    entry: &Map<String, Value>,
    key: &str,
) -> Result<Vec<(String, Option<String>)>, String> {
    match entry.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(values)) => values
            .iter()
            .map(|(name, value)| match value {
                Value::Null => Ok((name.clone(), None)),
                other => scalar_text(other)
                    .map(|text| (name.clone(), Some(text)))
                    .ok_or_else(|| format!("{key}.{name} must be a string")),
            })
            .collect(),
        Some(_) => Err(format!("{key} must be an object")),
    }
}
