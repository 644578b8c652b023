//! `--require-auth`: does a request carry credentials for one of the operation's security requirements?
//! Only presence is checked (an API key, a `Bearer` or `Basic` Authorization); values are never verified.

use axum::http::HeaderMap;

use crate::spec::model::{ApiModel, Operation, ParamLocation, SecurityScheme};

/// Why a request was refused: the schemes it could have used, and `WWW-Authenticate` challenges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthFailure {
    pub accepted: Vec<String>,
    pub challenge: Option<String>,
}

/// `Ok` when the operation is open or one of its requirements is met.
pub(crate) fn check(
    model: &ApiModel,
    op: &Operation,
    headers: &HeaderMap,
    query: &[(String, String)],
    cookies: &[(String, String)],
) -> Result<(), AuthFailure> {
    let requirements = model.security_for(op);
    if requirements.is_empty() || requirements.iter().any(|r| r.is_empty()) {
        return Ok(());
    }
    let present = |name: &str| {
        model
            .security_schemes
            .get(name)
            .is_none_or(|scheme| satisfied(scheme, headers, query, cookies))
    };
    if requirements
        .iter()
        .any(|requirement| requirement.keys().all(|name| present(name)))
    {
        return Ok(());
    }
    let mut accepted = Vec::new();
    let mut challenges: Vec<&str> = Vec::new();
    for requirement in requirements {
        let names: Vec<String> = requirement
            .keys()
            .map(|name| match model.security_schemes.get(name) {
                Some(scheme) => format!("{name}: {}", scheme.summary()),
                None => name.clone(),
            })
            .collect();
        accepted.push(names.join(" + "));
        for name in requirement.keys() {
            let challenge = match model.security_schemes.get(name) {
                Some(SecurityScheme::Http { scheme, .. }) if scheme == "basic" => {
                    "Basic realm=\"mock\""
                }
                Some(SecurityScheme::Http { .. })
                | Some(SecurityScheme::OAuth2 { .. })
                | Some(SecurityScheme::OpenIdConnect { .. }) => "Bearer realm=\"mock\"",
                _ => continue,
            };
            if !challenges.contains(&challenge) {
                challenges.push(challenge);
            }
        }
    }
    Err(AuthFailure {
        accepted,
        challenge: (!challenges.is_empty()).then(|| challenges.join(", ")),
    })
}

fn satisfied(
    scheme: &SecurityScheme,
    headers: &HeaderMap,
    query: &[(String, String)],
    cookies: &[(String, String)],
) -> bool {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim();
    let has_scheme = |prefix: &str| {
        authorization.split_once(' ').is_some_and(|(kind, value)| {
            kind.eq_ignore_ascii_case(prefix) && !value.trim().is_empty()
        })
    };
    match scheme {
        SecurityScheme::ApiKey { name, location, .. } => match location {
            ParamLocation::Header => headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| !v.trim().is_empty()),
            ParamLocation::Query => query.iter().any(|(k, v)| k == name && !v.is_empty()),
            ParamLocation::Cookie => cookies.iter().any(|(k, v)| k == name && !v.is_empty()),
            ParamLocation::Path => true,
        },
        SecurityScheme::Http { scheme, .. } => match scheme.as_str() {
            "bearer" => has_scheme("bearer"),
            "basic" => has_scheme("basic"),
            other => has_scheme(other),
        },
        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIdConnect { .. } => {
            has_scheme("bearer")
        }
        // A plain-HTTP mock cannot see client certificates.
        SecurityScheme::MutualTls { .. } => true,
    }
}
