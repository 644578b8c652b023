//! [`EnvValue`]: text that may reference environment variables as `${env:NAME}`, and the heuristics that
//! tell a literal secret from a harmless value.

use serde::{Deserialize, Serialize};
use url::Url;

use super::ProfileError;

const REFERENCE_OPEN: &str = "${env:";

/// Parts of a key (an env var or header name, a command-line flag) that mark its value as a secret,
/// compared case-insensitively.
const SECRET_KEY_PARTS: [&str; 8] = [
    "token",
    "secret",
    "key",
    "password",
    "passwd",
    "auth",
    "credential",
    "cookie",
];

/// How well-known API tokens begin, whatever the key holding them is called.
const TOKEN_PREFIXES: [&str; 15] = [
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xapp-",
    "sk-",
    "sk_live_",
    "rk_live_",
    "AKIA",
    "eyJ",
];

/// The shortest text taken for a token because of its prefix alone.
const MIN_TOKEN_LENGTH: usize = 16;

/// Authorization schemes kept in front of a moved secret (`Bearer ${env:…}`), compared case-insensitively.
const AUTH_SCHEMES: [&str; 6] = ["bearer", "basic", "token", "bot", "digest", "apikey"];

/// A value that may reference environment variables: `${env:NAME}` anywhere inside it (several allowed, e.g.
/// `Bearer ${env:TOKEN}`). Stored as written; never resolved when saving; resolved only at connect time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EnvValue(pub String);

/// One part of an [`EnvValue`]'s text.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Literal(&'a str),
    Reference(&'a str),
    /// A `${env:` that does not form a reference, at this byte offset.
    Malformed {
        offset: usize,
        reason: &'static str,
    },
}

impl EnvValue {
    /// The text with each `${env:NAME}` replaced by `lookup(NAME)`. Replaced text is not scanned again.
    /// A variable `lookup` does not know is an error naming the variable, and nothing else.
    pub fn resolve(&self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, ProfileError> {
        let mut resolved = String::with_capacity(self.0.len());
        for piece in pieces(&self.0) {
            match piece {
                Piece::Literal(text) => resolved.push_str(text),
                Piece::Reference(name) => {
                    let value = lookup(name).ok_or_else(|| ProfileError::MissingVariable {
                        name: name.to_string(),
                    })?;
                    resolved.push_str(&value);
                }
                Piece::Malformed { offset, reason } => {
                    return Err(ProfileError::MalformedReference {
                        offset,
                        reason: reason.to_string(),
                    });
                }
            }
        }
        Ok(resolved)
    }

    /// The names of the variables referenced, in order of first use, each once.
    pub fn references(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for piece in pieces(&self.0) {
            if let Piece::Reference(name) = piece
                && !names.iter().any(|known| known == name)
            {
                names.push(name.to_string());
            }
        }
        names
    }

    /// Whether `value`, found under `key` (an env var or header name, or a command-line flag), holds a literal
    /// secret that must not be stored. The key decides first: a name containing token, secret, key, password,
    /// passwd, auth, credential or cookie (any case; so Authorization, Proxy-Authorization and X-Api-Key too).
    /// The value decides too: a well-known token prefix (`ghp_`, `sk-`, `xoxb-`, …) or a URL with a password.
    /// A value made only of `${env:…}` references (after an optional scheme such as `Bearer `), an empty
    /// value and `true`/`false` hold no literal secret.
    pub fn is_secret_literal(key: &str, value: &str) -> bool {
        let (_, credential) = split_auth_scheme(value);
        if !has_literal_text(credential)
            || credential.eq_ignore_ascii_case("true")
            || credential.eq_ignore_ascii_case("false")
        {
            return false;
        }
        key_looks_secret(key) || looks_like_token(credential) || is_url_with_password(credential)
    }
}

/// Splits a recognizable authorization scheme off a header value: `"Bearer abc"` → `("Bearer ", "abc")`.
/// Without one, the prefix is empty.
pub(super) fn split_auth_scheme(value: &str) -> (&str, &str) {
    if let Some((scheme, rest)) = value.split_once(' ') {
        let credential = rest.trim_start();
        if !credential.is_empty()
            && AUTH_SCHEMES
                .iter()
                .any(|known| scheme.eq_ignore_ascii_case(known))
        {
            return value.split_at(value.len() - credential.len());
        }
    }
    ("", value)
}

/// Whether a name is usable as an environment variable everywhere: `[A-Za-z_][A-Za-z0-9_]*`.
pub(super) fn is_portable_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|rest| rest.is_ascii_alphanumeric() || rest == '_')
}

fn key_looks_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEY_PARTS.iter().any(|part| key.contains(part))
}

fn looks_like_token(value: &str) -> bool {
    value.len() >= MIN_TOKEN_LENGTH
        && !value.contains(char::is_whitespace)
        && TOKEN_PREFIXES
            .iter()
            .any(|prefix| value.starts_with(prefix))
}

fn is_url_with_password(value: &str) -> bool {
    Url::parse(value).is_ok_and(|url| url.password().is_some_and(|password| !password.is_empty()))
}

/// Whether the text holds anything besides well-formed references and whitespace.
fn has_literal_text(text: &str) -> bool {
    pieces(text).iter().any(|piece| match piece {
        Piece::Literal(literal) => !literal.trim().is_empty(),
        Piece::Reference(_) => false,
        Piece::Malformed { .. } => true,
    })
}

/// Splits text into literals and `${env:NAME}` references. Scanning stops at the first malformed reference.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut position = 0;
    while let Some(found) = text[position..].find(REFERENCE_OPEN) {
        let open = position + found;
        if open > position {
            pieces.push(Piece::Literal(&text[position..open]));
        }
        let name_start = open + REFERENCE_OPEN.len();
        let Some(name_length) = text[name_start..].find('}') else {
            pieces.push(Piece::Malformed {
                offset: open,
                reason: "no closing `}`",
            });
            return pieces;
        };
        let name = &text[name_start..name_start + name_length];
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '$' || c == '{') {
            pieces.push(Piece::Malformed {
                offset: open,
                reason: "not a variable name",
            });
            return pieces;
        }
        pieces.push(Piece::Reference(name));
        position = name_start + name_length + 1;
    }
    if position < text.len() {
        pieces.push(Piece::Literal(&text[position..]));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup_in(variables: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let variables: Vec<(String, String)> = variables
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        move |name| {
            variables
                .iter()
                .find(|(known, _)| known == name)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn resolve_replaces_every_reference() {
        let value = EnvValue("Bearer ${env:TOKEN} as ${env:USER}/${env:TOKEN}".to_string());
        let lookup = lookup_in(&[("TOKEN", "t0k3n"), ("USER", "alice")]);
        assert_eq!(
            value.resolve(&lookup).unwrap(),
            "Bearer t0k3n as alice/t0k3n"
        );
    }

    #[test]
    fn resolve_does_not_expand_resolved_text_again() {
        let value = EnvValue("${env:OUTER}".to_string());
        let lookup = lookup_in(&[("OUTER", "${env:INNER}"), ("INNER", "no")]);
        assert_eq!(value.resolve(&lookup).unwrap(), "${env:INNER}");
    }

    #[test]
    fn resolve_keeps_text_without_references() {
        let value = EnvValue("${workspaceFolder}/data and $HOME".to_string());
        assert_eq!(
            value.resolve(&lookup_in(&[])).unwrap(),
            "${workspaceFolder}/data and $HOME"
        );
    }

    #[test]
    fn missing_variable_error_names_only_the_variable() {
        let value = EnvValue("Bearer ${env:PRESENT}${env:GITHUB_TOKEN}".to_string());
        let error = value
            .resolve(&lookup_in(&[("PRESENT", "visible-secret-value")]))
            .unwrap_err();
        assert_eq!(
            error,
            ProfileError::MissingVariable {
                name: "GITHUB_TOKEN".to_string()
            }
        );
        assert_eq!(
            error.to_string(),
            "environment variable GITHUB_TOKEN is not set"
        );
    }

    #[test]
    fn malformed_references_are_errors_with_their_offset() {
        let unclosed = EnvValue("Bearer ${env:TOKEN".to_string());
        assert_eq!(
            unclosed.resolve(&lookup_in(&[("TOKEN", "x")])).unwrap_err(),
            ProfileError::MalformedReference {
                offset: 7,
                reason: "no closing `}`".to_string()
            }
        );
        let empty = EnvValue("${env:}".to_string());
        assert_eq!(
            empty.resolve(&lookup_in(&[])).unwrap_err().to_string(),
            "malformed ${env:NAME} reference at byte 0: not a variable name"
        );
    }

    #[test]
    fn references_lists_each_name_once_in_order() {
        let value = EnvValue("${env:B}-${env:A}-${env:B}-${input:x}".to_string());
        assert_eq!(value.references(), vec!["B".to_string(), "A".to_string()]);
        assert_eq!(
            EnvValue("plain".to_string()).references(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn secret_keys_are_recognized() {
        for key in [
            "Authorization",
            "Proxy-Authorization",
            "X-Api-Key",
            "x-auth-token",
            "GITHUB_PERSONAL_ACCESS_TOKEN",
            "CLIENT_SECRET",
            "DB_PASSWORD",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "Cookie",
        ] {
            assert!(EnvValue::is_secret_literal(key, "abc123"), "{key}");
        }
        for key in ["NODE_ENV", "X-Client-Name", "LOG_LEVEL", "Accept"] {
            assert!(!EnvValue::is_secret_literal(key, "production"), "{key}");
        }
    }

    #[test]
    fn references_empty_values_and_booleans_are_not_secret_literals() {
        assert!(!EnvValue::is_secret_literal(
            "GITHUB_TOKEN",
            "${env:GITHUB_TOKEN}"
        ));
        assert!(!EnvValue::is_secret_literal(
            "Authorization",
            "Bearer ${env:TOKEN}"
        ));
        assert!(!EnvValue::is_secret_literal(
            "Authorization",
            "${env:SCHEME} ${env:TOKEN}"
        ));
        assert!(!EnvValue::is_secret_literal("API_KEY", ""));
        assert!(!EnvValue::is_secret_literal("REQUIRE_AUTH", "true"));
        assert!(EnvValue::is_secret_literal(
            "Authorization",
            "Bearer ${env:A}x"
        ));
    }

    #[test]
    fn token_shaped_values_are_secret_under_any_key() {
        assert!(EnvValue::is_secret_literal(
            "GH",
            "ghp_example0000000000000000000000000000"
        ));
        assert!(EnvValue::is_secret_literal(
            "DATABASE_URL",
            "postgresql://app:hunter2@db.internal:5432/app"
        ));
        assert!(!EnvValue::is_secret_literal(
            "DATABASE_URL",
            "postgresql://localhost:5432/app_dev"
        ));
        assert!(!EnvValue::is_secret_literal("MODE", "sk-short"));
    }

    #[test]
    fn auth_schemes_are_split_off() {
        assert_eq!(split_auth_scheme("Bearer abc"), ("Bearer ", "abc"));
        assert_eq!(split_auth_scheme("token  ghp_x"), ("token  ", "ghp_x"));
        assert_eq!(
            split_auth_scheme("Basic dXNlcjpwdw=="),
            ("Basic ", "dXNlcjpwdw==")
        );
        assert_eq!(split_auth_scheme("Custom abc"), ("", "Custom abc"));
        assert_eq!(split_auth_scheme("Bearer "), ("", "Bearer "));
        assert_eq!(split_auth_scheme("abc"), ("", "abc"));
    }

    #[test]
    fn portable_variable_names() {
        assert!(is_portable_variable_name("GITHUB_TOKEN"));
        assert!(is_portable_variable_name("_private2"));
        assert!(!is_portable_variable_name("2FA_CODE"));
        assert!(!is_portable_variable_name("X-Api-Key"));
        assert!(!is_portable_variable_name(""));
    }
}
