//! Credentials from environment variables for every scheme a spec declares, and applying them to a request.
//!
//! Variable names are `{PREFIX}_{SCHEME}` plus a suffix, in upper snake case: for a spec titled "Pet Store" and a
//! scheme `bearerAuth`, the token is `PET_STORE_BEARER_AUTH_TOKEN`. Generated connectors use the same names.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Mutex;

use crate::spec::model::{
    ApiModel, OAuthFlowKind, ParamLocation, SecurityRequirement, SecurityScheme,
};

/// One environment variable a spec's auth reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub scheme: String,
    /// Whether the value is a secret (never logged or stored).
    pub secret: bool,
    pub purpose: String,
}

/// `Pet Clinic & Store` -> `PET_CLINIC_STORE`; `bearerAuth` -> `BEARER_AUTH`.
pub fn upper_snake(text: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    let out = out.trim_end_matches('_').to_string();
    match out.chars().next() {
        None => "API".to_string(),
        Some(c) if c.is_ascii_digit() => format!("API_{out}"),
        Some(_) => out,
    }
}

/// The default prefix for a model: its title in upper snake case.
pub fn default_prefix(model: &ApiModel) -> String {
    upper_snake(&model.title)
}

/// The variables that carry a scheme's credentials.
pub fn env_vars(prefix: &str, scheme_name: &str, scheme: &SecurityScheme) -> Vec<EnvVar> {
    let base = format!("{prefix}_{}", upper_snake(scheme_name));
    let var = |suffix: &str, secret: bool, purpose: &str| EnvVar {
        name: if suffix.is_empty() {
            base.clone()
        } else {
            format!("{base}_{suffix}")
        },
        scheme: scheme_name.to_string(),
        secret,
        purpose: purpose.to_string(),
    };
    match scheme {
        SecurityScheme::ApiKey { name, .. } => {
            vec![var("", true, &format!("API key sent as `{name}`"))]
        }
        SecurityScheme::Http { scheme, .. } if scheme == "basic" => {
            vec![
                var("USERNAME", false, "basic auth user name"),
                var("PASSWORD", true, "basic auth password"),
            ]
        }
        SecurityScheme::Http { .. } | SecurityScheme::OpenIdConnect { .. } => {
            vec![var("TOKEN", true, "bearer token")]
        }
        SecurityScheme::OAuth2 { flows, .. } => {
            let mut vars = vec![var(
                "TOKEN",
                true,
                "OAuth2 access token (used as is when set)",
            )];
            if flows
                .iter()
                .any(|f| f.kind == OAuthFlowKind::ClientCredentials)
            {
                vars.push(var(
                    "CLIENT_ID",
                    false,
                    "OAuth2 client id (client credentials flow)",
                ));
                vars.push(var(
                    "CLIENT_SECRET",
                    true,
                    "OAuth2 client secret (client credentials flow)",
                ));
            }
            vars
        }
        SecurityScheme::MutualTls { .. } => Vec::new(),
    }
}

/// Every variable of every scheme in the model, in declaration order.
pub fn all_env_vars(model: &ApiModel, prefix: &str) -> Vec<EnvVar> {
    model
        .security_schemes
        .iter()
        .flat_map(|(name, scheme)| env_vars(prefix, name, scheme))
        .collect()
}

/// What auth adds to one request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AuthParts {
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub cookies: Vec<(String, String)>,
}

/// Reads variables; tests substitute a map.
pub type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

struct CachedToken {
    token: String,
    expires: Instant,
}

/// Applies credentials, fetching and caching OAuth2 client-credentials tokens until they expire.
pub struct Authenticator {
    prefix: String,
    env: Box<EnvLookup>,
    tokens: Mutex<HashMap<String, CachedToken>>,
}

impl Authenticator {
    pub fn new(prefix: impl Into<String>, env: Box<EnvLookup>) -> Self {
        Authenticator {
            prefix: prefix.into(),
            env,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    pub fn from_process_env(prefix: impl Into<String>) -> Self {
        Authenticator::new(
            prefix,
            Box::new(|name| std::env::var(name).ok().filter(|v| !v.is_empty())),
        )
    }

    /// Credentials for the first requirement whose every scheme has its variables set.
    pub async fn parts_for(
        &self,
        model: &ApiModel,
        requirements: &[SecurityRequirement],
        client: &reqwest::Client,
    ) -> Result<AuthParts, String> {
        for requirement in requirements {
            let mut parts = AuthParts::default();
            let mut satisfied = true;
            for (name, scopes) in requirement {
                let Some(scheme) = model.security_schemes.get(name) else {
                    satisfied = false;
                    break;
                };
                if !self.apply(name, scheme, scopes, client, &mut parts).await? {
                    satisfied = false;
                    break;
                }
            }
            if satisfied {
                return Ok(parts);
            }
        }
        Ok(AuthParts::default())
    }

    fn read(&self, scheme_name: &str, suffix: &str) -> Option<String> {
        let base = format!("{}_{}", self.prefix, upper_snake(scheme_name));
        let name = if suffix.is_empty() {
            base
        } else {
            format!("{base}_{suffix}")
        };
        (self.env)(&name)
    }

    async fn apply(
        &self,
        name: &str,
        scheme: &SecurityScheme,
        scopes: &[String],
        client: &reqwest::Client,
        parts: &mut AuthParts,
    ) -> Result<bool, String> {
        match scheme {
            SecurityScheme::ApiKey {
                name: key,
                location,
                ..
            } => {
                let Some(value) = self.read(name, "") else {
                    return Ok(false);
                };
                match location {
                    ParamLocation::Query => parts.query.push((key.clone(), value)),
                    ParamLocation::Cookie => parts.cookies.push((key.clone(), value)),
                    _ => parts.headers.push((key.clone(), value)),
                }
            }
            SecurityScheme::Http { scheme, .. } if scheme == "basic" => {
                let (Some(user), Some(password)) =
                    (self.read(name, "USERNAME"), self.read(name, "PASSWORD"))
                else {
                    return Ok(false);
                };
                let encoded = base64_encode(format!("{user}:{password}").as_bytes());
                parts
                    .headers
                    .push(("Authorization".into(), format!("Basic {encoded}")));
            }
            SecurityScheme::Http { .. } | SecurityScheme::OpenIdConnect { .. } => {
                let Some(token) = self.read(name, "TOKEN") else {
                    return Ok(false);
                };
                parts
                    .headers
                    .push(("Authorization".into(), format!("Bearer {token}")));
            }
            SecurityScheme::OAuth2 { flows, .. } => {
                let token = match self.read(name, "TOKEN") {
                    Some(token) => token,
                    None => {
                        let flow = flows
                            .iter()
                            .find(|f| f.kind == OAuthFlowKind::ClientCredentials);
                        let token_url = flow.and_then(|f| f.token_url.clone());
                        let (Some(token_url), Some(id), Some(secret)) = (
                            token_url,
                            self.read(name, "CLIENT_ID"),
                            self.read(name, "CLIENT_SECRET"),
                        ) else {
                            return Ok(false);
                        };
                        self.client_credentials_token(
                            name, &token_url, &id, &secret, scopes, client,
                        )
                        .await?
                    }
                };
                parts
                    .headers
                    .push(("Authorization".into(), format!("Bearer {token}")));
            }
            SecurityScheme::MutualTls { .. } => return Ok(false),
        }
        Ok(true)
    }

    async fn client_credentials_token(
        &self,
        scheme_name: &str,
        token_url: &str,
        client_id: &str,
        client_secret: &str,
        scopes: &[String],
        client: &reqwest::Client,
    ) -> Result<String, String> {
        let mut cache = self.tokens.lock().await;
        if let Some(cached) = cache.get(scheme_name)
            && cached.expires > Instant::now()
        {
            return Ok(cached.token.clone());
        }
        let mut form = vec![("grant_type", "client_credentials".to_string())];
        if !scopes.is_empty() {
            form.push(("scope", scopes.join(" ")));
        }
        let response = client
            .post(token_url)
            .basic_auth(client_id, Some(client_secret))
            .form(&form)
            .send()
            .await
            .map_err(|e| format!("OAuth2 token request to {token_url} failed: {e}"))?;
        let status = response.status();
        let body: serde_json::Value = response
            .json()
            .await
            .map_err(|e| format!("OAuth2 token response from {token_url} is not JSON: {e}"))?;
        let Some(token) = body.get("access_token").and_then(|t| t.as_str()) else {
            return Err(format!(
                "OAuth2 token endpoint {token_url} answered {status} without an access_token"
            ));
        };
        let lifetime = body
            .get("expires_in")
            .and_then(|e| e.as_u64())
            .unwrap_or(3600);
        let expires = Instant::now() + Duration::from_secs(lifetime.saturating_sub(30).max(1));
        cache.insert(
            scheme_name.to_string(),
            CachedToken {
                token: token.to_string(),
                expires,
            },
        );
        Ok(token.to_string())
    }
}

pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_upper_snake() {
        assert_eq!(upper_snake("Pet Clinic & Store"), "PET_CLINIC_STORE");
        assert_eq!(upper_snake("bearerAuth"), "BEARER_AUTH");
        assert_eq!(upper_snake("api_key"), "API_KEY");
        assert_eq!(upper_snake("3scale"), "API_3SCALE");
        assert_eq!(upper_snake("!!"), "API");
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
    }
}
