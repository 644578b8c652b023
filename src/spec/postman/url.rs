//! Request URLs: split into base, path and query; the base becomes a server, the path a template.

use std::collections::HashSet;

use indexmap::IndexMap;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::Reader;
use super::fields::{Entry, entries, text_of};
use super::vars::{MARK_OPEN, unmark, variable_description};
use crate::spec::model::{Server, ServerVariable};

/// A URL split into its parts, with unresolved variables as markers (see [`Reader::mark`]).
pub(super) struct UrlParts {
    base: String,
    pub(super) path: String,
    pub(super) query: Vec<Entry>,
    /// The unresolved variables' names, indexed by the markers.
    pub(super) names: Vec<String>,
}

impl Reader {
    pub(super) fn split_url(&mut self, url: Option<&Value>, pointer: &str) -> UrlParts {
        let mut names = Vec::new();
        let (base, path, query) = match url {
            Some(Value::String(raw)) => split_raw(&self.mark(raw, &mut names)),
            Some(Value::Object(obj)) if obj.get("host").is_some_and(|h| !h.is_null()) => {
                let (base, extra) = split_base(&self.mark(&url_base(obj), &mut names));
                let path = self.mark(&url_path(obj.get("path")), &mut names);
                let path = if path.is_empty() {
                    extra
                } else {
                    format!("{extra}/{path}")
                };
                (base, path, entries(obj.get("query")))
            }
            Some(Value::Object(obj)) if obj.get("raw").is_some_and(Value::is_string) => {
                split_raw(&self.mark(obj["raw"].as_str().unwrap_or(""), &mut names))
            }
            _ => {
                self.warn(&format!("{pointer}/request"), "the request has no URL");
                (String::new(), String::new(), Vec::new())
            }
        };
        UrlParts {
            base,
            path,
            query,
            names,
        }
    }

    /// Registers the URL's base as a server (once per distinct base) and returns its index.
    pub(super) fn server(&mut self, url: &UrlParts) -> Option<usize> {
        let mut base = url.base.trim().to_string();
        if base.is_empty() {
            return None;
        }
        if !base.contains("://") && !base.starts_with(MARK_OPEN) {
            base = format!("http://{base}");
        }
        let host_start = base.find("://").map_or(0, |i| i + 3);
        if let Some(at) = base[host_start..].rfind('@') {
            base.replace_range(host_start..host_start + at + 1, ""); // user:password@
        }
        let mut variables = IndexMap::new();
        let template = unmark(&base, &url.names, |name| {
            let clean = param_name(name);
            let var = ServerVariable {
                description: Some(variable_description(name)),
                ..ServerVariable::default()
            };
            variables.insert(clean.clone(), var);
            format!("{{{clean}}}")
        });
        let template = template.trim_end_matches('/').to_string();
        if let Some(index) = self.model.servers.iter().position(|s| s.url == template) {
            return Some(index);
        }
        self.model.servers.push(Server {
            url: template,
            description: None,
            variables,
        });
        Some(self.model.servers.len() - 1)
    }

    /// Operations whose base is not the first server's get their own server.
    pub(super) fn assign_servers(&mut self) {
        if self.model.servers.len() < 2 {
            return;
        }
        for (op, server) in self.model.operations.iter_mut().zip(&self.op_servers) {
            if let Some(index) = server.filter(|i| *i != 0) {
                op.servers = vec![self.model.servers[index].clone()];
            }
        }
    }
}

/// `scheme://host:port` of an object URL (before variables are resolved).
fn url_base(url: &Map<String, Value>) -> String {
    let mut base = String::new();
    if let Some(protocol) = url.get("protocol").and_then(text_of) {
        let protocol = protocol.trim_end_matches("://").trim_end_matches(':');
        if !protocol.is_empty() {
            base = format!("{protocol}://");
        }
    }
    match url.get("host") {
        Some(Value::Array(parts)) => base.push_str(
            &parts
                .iter()
                .filter_map(text_of)
                .collect::<Vec<_>>()
                .join("."),
        ),
        Some(host) => base.push_str(&text_of(host).unwrap_or_default()),
        None => {}
    }
    if let Some(port) = url.get("port").and_then(text_of).filter(|p| !p.is_empty()) {
        base = format!("{base}:{port}");
    }
    base
}

/// The path of an object URL without its leading `/`: a string, or segments (strings or `{value}` objects).
fn url_path(path: Option<&Value>) -> String {
    let segment = |s: &Value| text_of(s).or_else(|| s.get("value").and_then(text_of));
    let joined = match path {
        Some(Value::Array(segments)) => segments
            .iter()
            .filter_map(segment)
            .collect::<Vec<_>>()
            .join("/"),
        Some(other) => text_of(other).unwrap_or_default(),
        None => String::new(),
    };
    joined.trim_start_matches('/').to_string()
}

/// Splits a raw URL into base, path and query entries.
fn split_raw(raw: &str) -> (String, String, Vec<Entry>) {
    let raw = raw.trim();
    let without_fragment = raw.split('#').next().unwrap_or("");
    let (before, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let (base, path) = split_base(before);
    (base, path, query_entries(query))
}

/// `https://host:port/rest` into (`https://host:port`, `/rest`).
fn split_base(text: &str) -> (String, String) {
    let start = text.find("://").map_or(0, |i| i + 3);
    match text[start..].find('/') {
        Some(i) => (text[..start + i].to_string(), text[start + i..].to_string()),
        None => (text.to_string(), String::new()),
    }
}

/// The percent-decoded `key=value` pairs of a query string.
fn query_entries(query: &str) -> Vec<Entry> {
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Entry {
                key: decode(key),
                value: decode(value),
                ..Entry::default()
            }
        })
        .collect()
}

/// The path template (`/users/{id}`) and its parameters in order: (name, came from a `:name` segment).
pub(super) fn path_template(path: &str, names: &[String]) -> (String, Vec<(String, bool)>) {
    let mut params: Vec<(String, bool)> = Vec::new();
    let mut template_param = |name: &str, from_colon: bool| {
        let name = param_name(name);
        let slot = format!("{{{name}}}");
        params.push((name, from_colon));
        slot
    };
    let segments: Vec<String> = path
        .split('/')
        .map(
            |segment| match segment.strip_prefix(':').filter(|s| !s.is_empty()) {
                Some(name) => template_param(name, true),
                None => unmark(segment, names, |name| template_param(name, false)),
            },
        )
        .collect();
    let mut template = segments.join("/");
    if !template.starts_with('/') {
        template.insert(0, '/');
    }
    let mut seen = HashSet::new();
    params.retain(|(name, _)| seen.insert(name.clone()));
    (template, params)
}

/// A variable name usable inside `{...}` of a URL template.
fn param_name(name: &str) -> String {
    let clean: String = name
        .trim()
        .trim_start_matches('$')
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "var".to_string()
    } else {
        clean
    }
}
