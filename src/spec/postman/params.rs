//! Operation parameters: path variables, query entries and headers.

use serde_json::{Value, json};

use super::Reader;
use super::auth::AuthNames;
use super::fields::Entry;
use super::url::UrlParts;
use super::vars::variable_description;
use crate::spec::model::{ParamLocation, Parameter};

/// Headers the HTTP client sets itself (Content-Type comes from the body's media type): not parameters.
const MANAGED_HEADERS: [&str; 5] = [
    "content-type",
    "content-length",
    "host",
    "connection",
    "transfer-encoding",
];

impl Reader {
    pub(super) fn query_parameters(
        &self,
        url: &UrlParts,
        auth_names: &AuthNames,
    ) -> Vec<Parameter> {
        let mut params: Vec<Parameter> = Vec::new();
        for entry in &url.query {
            let key = self.unmark_resolved(&entry.key, &url.names);
            let skip = key.is_empty()
                || params.iter().any(|p| p.name == key)
                || auth_names.contains(&(ParamLocation::Query, key.to_ascii_lowercase()));
            if skip {
                continue;
            }
            let value = self.unmark_resolved(&entry.value, &url.names);
            let description = entry.description.clone();
            params.push(string_parameter(
                key,
                ParamLocation::Query,
                description,
                Some(&value),
            ));
        }
        params
    }
}

/// The path's parameters (from [`path_template`](super::url::path_template)), described by the URL's variables.
pub(super) fn path_parameters(names: &[(String, bool)], url_vars: &[Entry]) -> Vec<Parameter> {
    names
        .iter()
        .map(|(name, from_colon)| {
            let var = url_vars.iter().find(|v| v.key == *name);
            let mut description = var.and_then(|v| v.description.clone());
            if description.is_none() && !from_colon {
                description = Some(variable_description(name));
            }
            let value = var.map(|v| v.value.as_str());
            string_parameter(name.clone(), ParamLocation::Path, description, value)
        })
        .collect()
}

pub(super) fn header_parameters(headers: &[Entry], auth_names: &AuthNames) -> Vec<Parameter> {
    let mut params: Vec<Parameter> = Vec::new();
    for header in headers {
        let lower = header.key.to_ascii_lowercase();
        let skip = lower.is_empty()
            || MANAGED_HEADERS.contains(&lower.as_str())
            || auth_names.contains(&(ParamLocation::Header, lower))
            || params
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&header.key));
        if skip {
            continue;
        }
        let (name, description) = (header.key.clone(), header.description.clone());
        let value = Some(header.value.as_str());
        params.push(string_parameter(
            name,
            ParamLocation::Header,
            description,
            value,
        ));
    }
    params
}

/// A string parameter, with `value` as its example when [`example_value`] allows it.
fn string_parameter(
    name: String,
    location: ParamLocation,
    description: Option<String>,
    value: Option<&str>,
) -> Parameter {
    let example = value.and_then(|v| example_value(&name, v));
    let mut param = Parameter::new(name, location, json!({"type": "string"}));
    param.description = description;
    param.example = example;
    param
}

/// An example for a parameter, unless it is empty, a placeholder, or might be a secret.
pub(super) fn example_value(name: &str, value: &str) -> Option<Value> {
    let usable = !value.trim().is_empty() && !value.contains("{{") && !looks_secret(name);
    usable.then(|| Value::String(value.to_string()))
}

fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words = [
        "token",
        "secret",
        "password",
        "passwd",
        "auth",
        "cookie",
        "session",
        "signature",
        "credential",
    ];
    words.iter().any(|w| lower.contains(w)) || lower.ends_with("key")
}
