//! The mock's request log: a bounded in-memory list, an optional JSON-lines file, and a broadcast for
//! watchers (the CLI prints from it). Secrets in headers are cut to their first four characters.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// Bodies longer than this are logged by size only.
const MAX_LOGGED_BODY: usize = 16 * 1024;

/// One request the mock answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    pub method: String,
    pub path: String,
    /// The raw query string, exactly as sent (API keys in it redacted).
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    /// The body as text when it is small UTF-8, else `<N bytes>`.
    pub body: Option<String>,
    /// The matched operation's id, or its `METHOD /path` label.
    pub operation: Option<String>,
    pub status: u16,
    pub duration_ms: u64,
}

impl LoggedRequest {
    /// `GET /pets?limit=2 -> 200 listPets (3 ms)`.
    pub fn summary(&self) -> String {
        let query = self
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let operation = self.operation.as_deref().unwrap_or("-");
        format!(
            "{} {}{} -> {} {} ({} ms)",
            self.method, self.path, query, self.status, operation, self.duration_ms
        )
    }
}

/// The in-memory log, shared by the server and whoever reads it.
pub struct RequestLog {
    capacity: usize,
    entries: Mutex<VecDeque<LoggedRequest>>,
    file: Option<Mutex<File>>,
    events: broadcast::Sender<LoggedRequest>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize, file: Option<File>) -> RequestLog {
        let (events, _) = broadcast::channel(1024);
        RequestLog {
            capacity: capacity.max(1),
            entries: Mutex::new(VecDeque::new()),
            file: file.map(Mutex::new),
            events,
        }
    }

    pub(crate) fn record(&self, entry: LoggedRequest) {
        if let Some(file) = &self.file
            && let Ok(mut line) = serde_json::to_vec(&entry)
        {
            line.push(b'\n');
            let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
            // A full disk must not take the mock down; the in-memory log still has the entry.
            let _ = file.write_all(&line);
        }
        let _ = self.events.send(entry.clone());
        let mut entries = self.lock();
        if entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<LoggedRequest>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The entries kept, oldest first.
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.lock().iter().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub fn last(&self) -> Option<LoggedRequest> {
        self.lock().back().cloned()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Every entry from now on, as it is recorded.
    pub fn subscribe(&self) -> broadcast::Receiver<LoggedRequest> {
        self.events.subscribe()
    }
}

/// Header names whose values are secrets.
pub(crate) fn is_secret_header(name: &str, extra: &[String]) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "authorization" | "proxy-authorization" | "set-cookie"
    ) || lower.contains("api-key")
        || lower.contains("apikey")
        || lower.contains("api_key")
        || lower.contains("token")
        || lower.contains("secret")
        || extra.iter().any(|e| e.eq_ignore_ascii_case(name))
}

/// The first four characters and an ellipsis.
pub(crate) fn redact(value: &str) -> String {
    let head: String = value.chars().take(4).collect();
    format!("{head}…")
}

/// A `Cookie:` header with the values of secret cookies redacted (the spec's API-key cookies, and names
/// that look like credentials or sessions); other cookies stay as sent, so the log shows their serialization.
pub(crate) fn redact_cookies(header: &str, secret_names: &[String]) -> String {
    header
        .split(';')
        .map(|pair| {
            let pair = pair.trim();
            match pair.split_once('=') {
                Some((name, value)) if is_secret_cookie(name, secret_names) => {
                    format!("{name}={}", redact(value))
                }
                _ => pair.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn is_secret_cookie(name: &str, secret_names: &[String]) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "session", "sid", "token", "secret", "auth", "key", "jwt", "csrf", "xsrf",
    ]
    .iter()
    .any(|word| lower.contains(word))
        || secret_names.iter().any(|s| s == name)
}

/// The raw query with the values of the named keys redacted; everything else byte for byte.
pub(crate) fn redact_query(query: &str, secret_keys: &[String]) -> String {
    if secret_keys.is_empty() {
        return query.to_string();
    }
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if secret_keys.iter().any(|s| s == key) => {
                format!("{key}={}", redact(value))
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A body for the log: small UTF-8 text as is, anything else by size.
pub(crate) fn body_text(body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    match std::str::from_utf8(body) {
        Ok(text) if body.len() <= MAX_LOGGED_BODY => Some(text.to_string()),
        _ => Some(format!("<{} bytes>", body.len())),
    }
}

/// Now, as RFC 3339 in UTC with milliseconds.
pub(crate) fn now_rfc3339() -> String {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
}

/// Unix milliseconds as RFC 3339 (UTC, milliseconds).
pub(crate) fn rfc3339(millis: u64) -> String {
    let secs = millis / 1000;
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        millis % 1000
    )
}

/// Days since 1970-01-01 to a (year, month, day) date (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_redaction() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(redact("Bearer abc"), "Bear…");
        assert_eq!(
            redact_query("a=1&api_key=secret&b=%20", &["api_key".into()]),
            "a=1&api_key=secr…&b=%20"
        );
        assert_eq!(
            redact_cookies(
                "units=metric; session_id=abcdef; pet_key=k-123",
                &["pet_key".into()]
            ),
            "units=metric; session_id=abcd…; pet_key=k-12…"
        );
        assert!(!is_secret_header("Cookie", &[]));
        assert!(is_secret_header("X-Api-Key", &[]));
        assert!(!is_secret_header("X-Request-Id", &[]));
    }
}
