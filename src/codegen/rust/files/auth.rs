//! Credentials from environment variables, applied to a request; OAuth2 client-credentials tokens are
//! fetched and cached until they expire.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::definitions::{Definitions, SecurityScheme};

/// What auth adds to one request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AuthParts {
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub cookies: Vec<(String, String)>,
}

/// Reads a variable (unset and empty are the same); tests substitute their own.
pub type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

struct CachedToken {
    token: String,
    expires: Instant,
}

/// Applies the credentials the environment holds.
pub struct Authenticator {
    env: Box<EnvLookup>,
    tokens: Mutex<HashMap<String, CachedToken>>,
}

impl Authenticator {
    pub fn new(env: Box<EnvLookup>) -> Self {
        Authenticator {
            env,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    pub fn from_process_env() -> Self {
        Authenticator::new(Box::new(|name| {
            std::env::var(name).ok().filter(|v| !v.is_empty())
        }))
    }

    /// Credentials for the first requirement whose every scheme has its variables set (none otherwise).
    pub async fn parts_for(
        &self,
        definitions: &Definitions,
        requirements: &[Vec<(String, Vec<String>)>],
        client: &reqwest::Client,
    ) -> Result<AuthParts, String> {
        for requirement in requirements {
            let mut parts = AuthParts::default();
            let mut satisfied = true;
            for (name, scopes) in requirement {
                let Some(scheme) = definitions.scheme(name) else {
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

    fn read(&self, variable: &str) -> Option<String> {
        (self.env)(variable)
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
                variable,
                name: key,
                location,
            } => {
                let Some(value) = self.read(variable) else {
                    return Ok(false);
                };
                match location.as_str() {
                    "query" => parts.query.push((key.clone(), value)),
                    "cookie" => parts.cookies.push((key.clone(), value)),
                    _ => parts.headers.push((key.clone(), value)),
                }
            }
            SecurityScheme::Basic {
                username_variable,
                password_variable,
            } => {
                let (Some(user), Some(password)) =
                    (self.read(username_variable), self.read(password_variable))
                else {
                    return Ok(false);
                };
                let encoded = base64_encode(format!("{user}:{password}").as_bytes());
                parts
                    .headers
                    .push(("Authorization".into(), format!("Basic {encoded}")));
            }
            SecurityScheme::Bearer { variable } => {
                let Some(token) = self.read(variable) else {
                    return Ok(false);
                };
                parts
                    .headers
                    .push(("Authorization".into(), format!("Bearer {token}")));
            }
            SecurityScheme::Oauth2 {
                token_variable,
                client_id_variable,
                client_secret_variable,
                token_url,
            } => {
                let token = match self.read(token_variable) {
                    Some(token) => token,
                    None => {
                        let id = client_id_variable.as_deref().and_then(|v| self.read(v));
                        let secret = client_secret_variable.as_deref().and_then(|v| self.read(v));
                        let (Some(token_url), Some(id), Some(secret)) = (token_url, id, secret)
                        else {
                            return Ok(false);
                        };
                        self.client_credentials_token(name, token_url, &id, &secret, scopes, client)
                            .await?
                    }
                };
                parts
                    .headers
                    .push(("Authorization".into(), format!("Bearer {token}")));
            }
            SecurityScheme::Unsupported { .. } => return Ok(false),
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
        let mut form = String::from("grant_type=client_credentials");
        if !scopes.is_empty() {
            form.push_str("&scope=");
            form.push_str(&form_encode(&scopes.join(" ")));
        }
        let response = client
            .post(token_url)
            .basic_auth(client_id, Some(client_secret))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| format!("OAuth2 token request to {token_url} failed: {e}"))?;
        let status = response.status();
        let url = response.url().clone();
        let not_json = |e: &dyn std::fmt::Display| {
            format!("OAuth2 token response from {token_url} is not JSON: {e}")
        };
        let bytes = response.bytes().await.map_err(|e| not_json(&e))?;
        // The words of reqwest's own decoding error, as `mcpow serve` reports it.
        let body: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| not_json(&format!("error decoding response body for url ({url})")))?;
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

/// A form value as `application/x-www-form-urlencoded` writes it (as reqwest's `.form` does): ASCII letters,
/// digits and `*-._` as they are, a space as `+`, every other byte as `%XX`.
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'*' | b'-' | b'.' | b'_' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
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
    use super::{base64_encode, form_encode};

    #[test]
    fn form_values_are_encoded_as_forms_are() {
        assert_eq!(
            form_encode("read:pets write_pets"),
            "read%3Apets+write_pets"
        );
        assert_eq!(form_encode("a*b~c/é"), "a*b%7Ec%2F%C3%A9");
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
    }
}
