//! What a session saw: every JSON-RPC frame in and out, and the server's stderr, each timestamped and kept in
//! a bounded buffer (the oldest go first, and the number dropped is counted). Watchers subscribe for live
//! updates; the workbench's protocol view and `mcpow call --trace` read these.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use tokio::sync::broadcast;

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the client to the server.
    Out,
    /// From the server to the client.
    In,
}

/// One JSON-RPC message as it crossed the wire (or the head of it, when it was too long to keep whole).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frame {
    /// Since the session started.
    #[serde(serialize_with = "millis")]
    pub at: Duration,
    pub direction: Direction,
    pub text: String,
    /// The full size, when `text` holds only the head.
    pub cut_from: Option<usize>,
}

/// One line the server wrote to stderr.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StderrLine {
    #[serde(serialize_with = "millis")]
    pub at: Duration,
    pub text: String,
}

fn millis<S: serde::Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(value.as_millis() as u64)
}

/// Bounds of a capture.
#[derive(Debug, Clone, Copy)]
pub struct CaptureLimits {
    pub frames: usize,
    /// Longest frame text kept; longer frames keep their head.
    pub frame_bytes: usize,
    pub stderr_lines: usize,
    pub stderr_line_bytes: usize,
}

impl Default for CaptureLimits {
    fn default() -> Self {
        CaptureLimits {
            frames: 2_000,
            frame_bytes: 256 * 1024,
            stderr_lines: 2_000,
            stderr_line_bytes: 8 * 1024,
        }
    }
}

/// A bounded list that counts what it dropped.
#[derive(Debug)]
struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
    dropped: u64,
}

impl<T: Clone> Ring<T> {
    fn new(capacity: usize) -> Self {
        Ring {
            items: VecDeque::new(),
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    fn push(&mut self, item: T) {
        if self.items.len() >= self.capacity {
            self.items.pop_front();
            self.dropped += 1;
        }
        self.items.push_back(item);
    }
}

/// A live addition to a capture.
#[derive(Debug, Clone)]
pub enum CaptureEvent {
    Frame(Frame),
    Stderr(StderrLine),
}

/// The frames and stderr of one session.
pub struct Capture {
    started: Instant,
    started_at: SystemTime,
    limits: CaptureLimits,
    frames: Mutex<Ring<Frame>>,
    stderr: Mutex<Ring<StderrLine>>,
    events: broadcast::Sender<CaptureEvent>,
}

impl Capture {
    pub fn new(limits: CaptureLimits) -> Self {
        let (events, _) = broadcast::channel(1024);
        Capture {
            started: Instant::now(),
            started_at: SystemTime::now(),
            limits,
            frames: Mutex::new(Ring::new(limits.frames)),
            stderr: Mutex::new(Ring::new(limits.stderr_lines)),
            events,
        }
    }

    /// When the session started (wall clock), for showing frame times as dates.
    pub fn started_at(&self) -> SystemTime {
        self.started_at
    }

    pub fn record_frame(&self, direction: Direction, text: &str) {
        self.record_frame_head(direction, text, text.len());
    }

    /// Records a frame of which only `head` is at hand (`total` bytes in all).
    pub fn record_frame_head(&self, direction: Direction, head: &str, total: usize) {
        let kept = cut(head, self.limits.frame_bytes);
        let cut_from = (kept.len() < total).then_some(total);
        let frame = Frame {
            at: self.started.elapsed(),
            direction,
            text: kept.to_string(),
            cut_from,
        };
        let _ = self.events.send(CaptureEvent::Frame(frame.clone()));
        lock(&self.frames).push(frame);
    }

    pub fn record_stderr(&self, line: &str) {
        let line = StderrLine {
            at: self.started.elapsed(),
            text: cut(
                line.trim_end_matches(['\r', '\n']),
                self.limits.stderr_line_bytes,
            )
            .to_string(),
        };
        let _ = self.events.send(CaptureEvent::Stderr(line.clone()));
        lock(&self.stderr).push(line);
    }

    pub fn frames(&self) -> Vec<Frame> {
        lock(&self.frames).items.iter().cloned().collect()
    }

    pub fn stderr(&self) -> Vec<StderrLine> {
        lock(&self.stderr).items.iter().cloned().collect()
    }

    /// The last `count` frames, oldest first (what a view of the frames shows, without copying them all).
    pub fn last_frames(&self, count: usize) -> Vec<Frame> {
        last(&lock(&self.frames).items, count)
    }

    /// The last `count` stderr lines, oldest first.
    pub fn last_stderr(&self, count: usize) -> Vec<StderrLine> {
        last(&lock(&self.stderr).items, count)
    }

    /// How many frames and stderr lines are kept now.
    pub fn counts(&self) -> (usize, usize) {
        (
            lock(&self.frames).items.len(),
            lock(&self.stderr).items.len(),
        )
    }

    /// How many frames and stderr lines were dropped to stay within the bounds.
    pub fn dropped(&self) -> (u64, u64) {
        (lock(&self.frames).dropped, lock(&self.stderr).dropped)
    }

    /// The last `count` stderr lines, joined (for error messages).
    pub fn stderr_tail(&self, count: usize) -> String {
        let stderr = lock(&self.stderr);
        let skip = stderr.items.len().saturating_sub(count);
        stderr
            .items
            .iter()
            .skip(skip)
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn subscribe(&self) -> broadcast::Receiver<CaptureEvent> {
        self.events.subscribe()
    }
}

fn last<T: Clone>(items: &VecDeque<T>, count: usize) -> Vec<T> {
    items
        .iter()
        .skip(items.len().saturating_sub(count))
        .cloned()
        .collect()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The longest prefix of `text` of at most `limit` bytes that ends on a character boundary.
pub(crate) fn cut(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_bounded_and_count_what_they_drop() {
        let capture = Capture::new(CaptureLimits {
            frames: 2,
            frame_bytes: 5,
            stderr_lines: 3,
            stderr_line_bytes: 4,
        });
        for i in 0..4 {
            capture.record_frame(Direction::Out, &format!("frame-{i}"));
            capture.record_stderr(&format!("line {i}\n"));
        }
        let frames = capture.frames();
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].text, "frame");
        assert_eq!(frames[1].cut_from, Some(7));
        let stderr = capture.stderr();
        assert_eq!(stderr.len(), 3);
        assert_eq!(stderr[0].text, "line");
        assert_eq!(capture.dropped(), (2, 1));
        assert_eq!(capture.stderr_tail(2), "line\nline");
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        assert_eq!(cut("héllo", 2), "h");
        assert_eq!(cut("héllo", 3), "hé");
        assert_eq!(cut("abc", 10), "abc");
    }
}
