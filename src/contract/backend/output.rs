//! A backend's output: stdout and stderr lines, interleaved, bounded.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// The most output kept from a backend (older lines are dropped first).
const OUTPUT_LIMIT_BYTES: usize = 64 * 1024;
/// The longest single line kept (the rest is cut).
const LINE_LIMIT_BYTES: usize = 4096;

/// The backend's stdout and stderr, interleaved by line, bounded to [`OUTPUT_LIMIT_BYTES`].
#[derive(Debug, Clone, Default)]
pub struct OutputLog {
    lines: Arc<Mutex<LogLines>>,
}

#[derive(Debug, Default)]
struct LogLines {
    lines: VecDeque<String>,
    bytes: usize,
    dropped: usize,
}

impl OutputLog {
    pub(super) fn push(&self, line: String) {
        let Ok(mut log) = self.lines.lock() else {
            return;
        };
        log.bytes += line.len() + 1;
        log.lines.push_back(line);
        while log.bytes > OUTPUT_LIMIT_BYTES {
            match log.lines.pop_front() {
                Some(old) => {
                    log.bytes -= old.len() + 1;
                    log.dropped += 1;
                }
                None => break,
            }
        }
    }

    /// The last `count` lines, one per line.
    pub fn tail(&self, count: usize) -> String {
        let Ok(log) = self.lines.lock() else {
            return String::new();
        };
        let skip = log.lines.len().saturating_sub(count);
        let mut out = String::new();
        for line in log.lines.iter().skip(skip) {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// Everything kept, with a note when older lines were dropped.
    pub fn text(&self) -> String {
        let Ok(log) = self.lines.lock() else {
            return String::new();
        };
        let mut out = String::new();
        if log.dropped > 0 {
            out.push_str(&format!("[{} earlier lines dropped]\n", log.dropped));
        }
        for line in &log.lines {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

pub(super) async fn collect_lines(stream: impl AsyncRead + Unpin, log: OutputLog) {
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                line.truncate(LINE_LIMIT_BYTES);
                let text = String::from_utf8_lossy(&line);
                log.push(strip_ansi(text.trim_end_matches(['\n', '\r'])));
            }
        }
    }
}

/// Drops terminal colour and cursor sequences (`ESC [ ... letter`), which loggers write even into pipes.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for next in chars.by_ref() {
                    if next.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_log_keeps_the_newest_lines_within_its_bound() {
        let log = OutputLog::default();
        for i in 0..10_000 {
            log.push(format!("line {i} {}", "x".repeat(20)));
        }
        let text = log.text();
        assert!(text.len() <= OUTPUT_LIMIT_BYTES + 64);
        assert!(text.starts_with('['), "{}", &text[..40]);
        assert!(log.tail(1).starts_with("line 9999 "));
        assert_eq!(log.tail(3).lines().count(), 3);
    }

    #[test]
    fn colour_sequences_are_dropped() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\"GET /v1/\"\u{1b}[0m\u{1b}[33m 200\u{1b}[0m done"),
            "\"GET /v1/\" 200 done"
        );
        assert_eq!(strip_ansi("plain ünïcode"), "plain ünïcode");
    }
}
