//! Auth: which auth object is in effect (request over folder over collection) and the security scheme it
//! means. Only a scheme's shape is kept, never a secret value.

use std::collections::HashSet;

use indexmap::IndexMap;
use serde_json::Value;

use super::fields::text_of;
use super::{Reader, first_free};
use crate::spec::model::{
    OAuthFlow, OAuthFlowKind, ParamLocation, SecurityRequirement, SecurityScheme,
};

/// An auth object in effect, with its pointer.
pub(super) type Auth<'a> = (&'a Value, String);

/// Where auth puts its credentials (location, lower-case name): those headers and query entries are not
/// parameters.
pub(super) type AuthNames = HashSet<(ParamLocation, String)>;

impl Reader {
    /// The auth object at `value` when it overrides what is inherited (`inherit` and absent do not).
    pub(super) fn auth_at<'a>(
        &mut self,
        value: Option<&'a Value>,
        pointer: &str,
    ) -> Option<Auth<'a>> {
        match value? {
            Value::Null => None,
            auth @ Value::Object(obj) => match obj.get("type").and_then(Value::as_str) {
                Some("inherit") => None,
                Some(_) => Some((auth, pointer.to_string())),
                None => {
                    self.warn(pointer, "the auth has no `type`; it is ignored");
                    None
                }
            },
            _ => {
                self.warn(pointer, "the auth must be an object; it is ignored");
                None
            }
        }
    }

    /// The security requirements of the request at `pointer`: those of its own auth, else of the inherited one.
    pub(super) fn request_security(
        &mut self,
        own: Option<&Value>,
        pointer: &str,
        inherited: Option<&Auth>,
    ) -> Vec<SecurityRequirement> {
        let own = self.auth_at(own, &format!("{pointer}/request/auth"));
        match own.as_ref().or(inherited) {
            Some((value, auth_pointer)) => self.security_of(value, auth_pointer),
            None => Vec::new(),
        }
    }

    /// The security requirements an auth object means (none for `noauth` and unsupported types).
    pub(super) fn security_of(&mut self, auth: &Value, pointer: &str) -> Vec<SecurityRequirement> {
        if let Some(cached) = self.auth_cache.get(pointer) {
            return cached.clone();
        }
        let kind = auth
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let requirements = match self.scheme_of(auth, &kind) {
            Some((base, scheme, scopes)) => {
                let name = self.register_scheme(base, scheme);
                vec![IndexMap::from([(name, scopes)])]
            }
            None if kind == "noauth" => Vec::new(),
            None => {
                self.warn(pointer, format!("auth type {kind} is not supported"));
                Vec::new()
            }
        };
        self.auth_cache
            .insert(pointer.to_string(), requirements.clone());
        requirements
    }

    /// The scheme's base name, the scheme and the scopes it needs.
    fn scheme_of(
        &self,
        auth: &Value,
        kind: &str,
    ) -> Option<(&'static str, SecurityScheme, Vec<String>)> {
        let param = |key: &str| {
            auth_param(auth, kind, key)
                .map(|v| self.resolve(&v))
                .filter(|v| !v.is_empty())
        };
        let http = |scheme: &str| SecurityScheme::Http {
            scheme: scheme.into(),
            bearer_format: None,
            description: None,
        };
        Some(match kind {
            "apikey" => {
                let location = match param("in").as_deref() {
                    Some("query") => ParamLocation::Query,
                    _ => ParamLocation::Header,
                };
                let name = param("key").unwrap_or_else(|| "X-API-Key".to_string());
                (
                    "apiKey",
                    SecurityScheme::ApiKey {
                        name,
                        location,
                        description: None,
                    },
                    Vec::new(),
                )
            }
            "bearer" => ("bearerAuth", http("bearer"), Vec::new()),
            "basic" => ("basicAuth", http("basic"), Vec::new()),
            "digest" => ("digestAuth", http("digest"), Vec::new()),
            "oauth2" => {
                let scopes: Vec<String> = param("scope")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(String::from)
                    .collect();
                let flow = OAuthFlow {
                    kind: oauth_flow_kind(param("grant_type").as_deref()),
                    authorization_url: param("authUrl"),
                    token_url: param("accessTokenUrl"),
                    refresh_url: None,
                    scopes: scopes.iter().map(|s| (s.clone(), String::new())).collect(),
                };
                (
                    "oauth2",
                    SecurityScheme::OAuth2 {
                        flows: vec![flow],
                        description: None,
                    },
                    scopes,
                )
            }
            _ => return None,
        })
    }

    /// Adds a scheme under `base` (or `base_2`, ...) unless an equal one is already there; returns its name.
    fn register_scheme(&mut self, base: &str, scheme: SecurityScheme) -> String {
        let schemes = &mut self.model.security_schemes;
        if let Some((name, _)) = schemes.iter().find(|(_, s)| **s == scheme) {
            return name.clone();
        }
        let name = first_free(
            base,
            |name| schemes.contains_key(name),
            |n| format!("{base}_{n}"),
        );
        schemes.insert(name.clone(), scheme);
        name
    }

    /// Where API keys go for these requirements, so those headers and query entries are not parameters.
    pub(super) fn auth_param_names(&self, requirements: &[SecurityRequirement]) -> AuthNames {
        let mut names = HashSet::from([(ParamLocation::Header, "authorization".to_string())]);
        for name in requirements.iter().flat_map(|r| r.keys()) {
            if let Some(SecurityScheme::ApiKey { name, location, .. }) =
                self.model.security_schemes.get(name)
            {
                names.insert((*location, name.to_ascii_lowercase()));
            }
        }
        names
    }
}

/// The value of `key` in an auth's settings: a `[{key, value}]` list (v2.1) or an object (v2.0).
fn auth_param(auth: &Value, kind: &str, key: &str) -> Option<String> {
    match auth.get(kind)? {
        Value::Array(list) => list
            .iter()
            .find(|e| e.get("key").and_then(Value::as_str) == Some(key))?
            .get("value"),
        Value::Object(obj) => obj.get(key),
        _ => None,
    }
    .and_then(text_of)
}

fn oauth_flow_kind(grant_type: Option<&str>) -> OAuthFlowKind {
    match grant_type {
        Some("client_credentials") => OAuthFlowKind::ClientCredentials,
        Some("password_credentials" | "password") => OAuthFlowKind::Password,
        Some("implicit") => OAuthFlowKind::Implicit,
        _ => OAuthFlowKind::AuthorizationCode,
    }
}
