//! Parts of a lazily read document parsed on another thread, a few ahead of the reader that asks for them in
//! order (the path items of a large description): parsing then overlaps with reading into the model. The
//! reader hands each part back once read ([`PartsAhead::done`]), and the parsing thread frees it: freeing
//! where it was allocated is cheaper, keeps that work off the reader, and lets the next parts reuse the memory.
//! Parts go over in batches, so that a parser waiting for room is woken once per batch, not once per part.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel, sync_channel};

use serde_json::Value;

use super::lazy::LazyJson;

/// How many parsed parts may wait for the reader.
const AHEAD: usize = 16;
/// The most parts in one batch. The first batches are smaller (1, 2, 4, ...), so the reader starts soon.
const BATCH: usize = 8;
/// Fewer parts than this are parsed in place: a thread would cost more than it saves.
const WORTH_A_THREAD: usize = 32;

/// A parsed part and the rest of its pointer (as [`LazyJson::part`] gives them).
type Part = Option<(Arc<Value>, String)>;

/// The parser thread's ends: parsed parts come in; read ones go back to be freed.
struct Parser {
    parsed: Receiver<Vec<Part>>,
    read: Sender<Arc<Value>>,
}

/// The parts at some pointers, in order.
pub(crate) struct PartsAhead {
    lazy: Arc<LazyJson>,
    pointers: std::vec::IntoIter<String>,
    parser: Option<Parser>,
    /// The rest of the batch received last.
    batch: std::vec::IntoIter<Part>,
}

impl PartsAhead {
    /// With `ahead` false (or few pointers) every part is parsed when asked for.
    pub fn new(lazy: Arc<LazyJson>, pointers: Vec<String>, ahead: bool) -> PartsAhead {
        let parser = (ahead && pointers.len() >= WORTH_A_THREAD)
            .then(|| spawn_parser(Arc::clone(&lazy), pointers.clone()))
            .flatten();
        PartsAhead {
            lazy,
            pointers: pointers.into_iter(),
            parser,
            batch: Vec::new().into_iter(),
        }
    }

    /// The reader is done with `unit`: it is freed on the parsing thread when there is one.
    pub fn done(&self, unit: Arc<Value>) {
        if let Some(parser) = &self.parser {
            // A parser that is gone cannot take it: it is then freed here, as the send hands it back.
            let _ = parser.read.send(unit);
        }
    }
}

impl Iterator for PartsAhead {
    type Item = Part;

    fn next(&mut self) -> Option<Part> {
        let pointer = self.pointers.next()?;
        if let Some(part) = self.batch.next() {
            return Some(part);
        }
        if let Some(parser) = &self.parser {
            match parser.parsed.recv() {
                Ok(batch) => {
                    self.batch = batch.into_iter();
                    if let Some(part) = self.batch.next() {
                        return Some(part);
                    }
                }
                // The parser is gone (it cannot fail, but a panic would end it): the rest is parsed here.
                Err(_) => self.parser = None,
            }
        }
        Some(self.lazy.part(&pointer))
    }
}

/// Parses the parts in order on a new thread, freeing the read ones as they come back; `None` when no thread
/// could be started. The thread stops once the reader drops its ends.
fn spawn_parser(lazy: Arc<LazyJson>, pointers: Vec<String>) -> Option<Parser> {
    let (sender, parsed) = sync_channel(AHEAD / BATCH);
    let (read, read_parts) = channel::<Arc<Value>>();
    std::thread::Builder::new()
        .name("mcpow-parse".into())
        .spawn(move || {
            let mut pointers = pointers.iter();
            let mut size = 1;
            loop {
                while let Ok(unit) = read_parts.try_recv() {
                    drop(unit);
                }
                let batch: Vec<Part> = pointers.by_ref().take(size).map(|p| lazy.part(p)).collect();
                if batch.is_empty() || sender.send(batch).is_err() {
                    break;
                }
                size = (size * 2).min(BATCH);
            }
            drop(sender);
            for unit in read_parts {
                drop(unit);
            }
        })
        .ok()?;
    Some(Parser { parsed, read })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_come_in_order_with_or_without_a_thread() {
        for count in [3, WORTH_A_THREAD * 3] {
            let entries: Vec<String> = (0..count)
                .map(|i| format!(r#""/p{i}": {{"n": {i}}}"#))
                .collect();
            let text = format!(r#"{{"paths": {{{}}}}}"#, entries.join(","));
            let lazy = Arc::new(LazyJson::new(text).unwrap());
            let mut pointers: Vec<String> = (0..count).map(|i| format!("/paths/~1p{i}")).collect();
            pointers.push("/paths/~1missing".into());
            let parts: Vec<Part> = PartsAhead::new(lazy, pointers, true).collect();
            assert_eq!(parts.len(), count + 1);
            for (i, part) in parts[..count].iter().enumerate() {
                let (value, rest) = part.as_ref().unwrap();
                assert_eq!(value["n"], i);
                assert_eq!(rest, "");
            }
            assert!(parts[count].is_none());
        }
    }

    #[test]
    fn the_reader_may_stop_early() {
        let entries: Vec<String> = (0..WORTH_A_THREAD * 4)
            .map(|i| format!(r#""/p{i}": {i}"#))
            .collect();
        let text = format!(r#"{{"paths": {{{}}}}}"#, entries.join(","));
        let lazy = Arc::new(LazyJson::new(text).unwrap());
        let pointers = (0..WORTH_A_THREAD * 4)
            .map(|i| format!("/paths/~1p{i}"))
            .collect();
        let first: Vec<Part> = PartsAhead::new(lazy, pointers, true).take(2).collect();
        assert_eq!(*first[1].as_ref().unwrap().0, 1);
    }
}
