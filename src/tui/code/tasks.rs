//! The Code pane's effects, each in a blocking task that reports back as a [`CodeMessage`]: highlighting a
//! file in chunks (the first screen first, then larger chunks), and saving the project.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;

use super::CodeMessage;
use crate::codegen::{GeneratedFile, write_project};
use crate::tui::Message;
use crate::tui::highlight::{Highlighter, StyledLine};
use crate::tui::theme::SyntaxColors;

/// Lines in the first chunk: a tall screen's worth, so it shows quickly.
pub const FIRST_CHUNK: usize = 80;
/// Lines in each later chunk.
pub const CHUNK: usize = 1_000;

/// Work the Code pane asks for.
pub enum CodeRequest {
    /// Highlights `text` (the file at `path`) in `colors`, reporting under `key`, until `cancel` is set.
    Highlight {
        key: u64,
        path: String,
        text: Arc<str>,
        colors: SyntaxColors,
        cancel: Arc<AtomicBool>,
    },
    /// Highlights `lines` of `text` (which start at `start_byte`) from a fresh state: provisional colours
    /// for a view ahead of the exact pass.
    HighlightWindow {
        key: u64,
        path: String,
        text: Arc<str>,
        lines: std::ops::Range<usize>,
        start_byte: usize,
        colors: SyntaxColors,
        cancel: Arc<AtomicBool>,
    },
    /// Writes the project into `dir` (replacing what is there when `force`).
    Save {
        dir: PathBuf,
        files: Vec<GeneratedFile>,
        force: bool,
    },
}

/// What came of a save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    Written {
        dir: PathBuf,
        files: usize,
    },
    /// The directory has files in it: saving again with `force` replaces them.
    NotEmpty(PathBuf),
    Failed(String),
}

pub fn spawn(request: CodeRequest, queue: mpsc::UnboundedSender<Message>) {
    tokio::task::spawn_blocking(move || {
        run(request, &mut |message| {
            queue.send(Message::Code(message)).is_ok()
        })
    });
}

/// Does `request`, handing each message to `send` (which says whether anyone still listens).
pub fn run(request: CodeRequest, send: &mut dyn FnMut(CodeMessage) -> bool) {
    match request {
        CodeRequest::Highlight {
            key,
            path,
            text,
            colors,
            cancel,
        } => highlight(key, &path, &text, &colors, &cancel, send),
        CodeRequest::HighlightWindow {
            key,
            path,
            text,
            lines,
            start_byte,
            colors,
            cancel,
        } => {
            let mut highlighter = Highlighter::new(&path, &colors);
            let mut styled = Vec::with_capacity(lines.len());
            for line in text[start_byte.min(text.len())..]
                .split_inclusive('\n')
                .take(lines.len())
            {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                styled.push(highlighter.line(line));
            }
            send(CodeMessage::Window {
                key,
                from: lines.start,
                lines: styled,
            });
        }
        CodeRequest::Save { dir, files, force } => {
            send(CodeMessage::Saved(save(&dir, &files, force)));
        }
    }
}

fn highlight(
    key: u64,
    path: &str,
    text: &str,
    colors: &SyntaxColors,
    cancel: &AtomicBool,
    send: &mut dyn FnMut(CodeMessage) -> bool,
) {
    let mut highlighter = Highlighter::new(path, colors);
    let mut from = 0;
    let mut chunk: Vec<StyledLine> = Vec::with_capacity(FIRST_CHUNK);
    let mut size = FIRST_CHUNK;
    for line in text.split_inclusive('\n') {
        chunk.push(highlighter.line(line));
        if chunk.len() == size {
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            let lines = std::mem::take(&mut chunk);
            let count = lines.len();
            let message = CodeMessage::Highlighted {
                key,
                from,
                lines,
                done: false,
            };
            if !send(message) {
                return;
            }
            from += count;
            size = CHUNK;
        }
    }
    if !cancel.load(Ordering::Relaxed) {
        send(CodeMessage::Highlighted {
            key,
            from,
            lines: chunk,
            done: true,
        });
    }
}

/// Writes the project into `dir`; a directory with files in it is reported unless `force`.
fn save(dir: &std::path::Path, files: &[GeneratedFile], force: bool) -> SaveOutcome {
    let dir = if dir.is_relative() {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(dir),
            Err(e) => return SaveOutcome::Failed(format!("no current directory: {e}")),
        }
    } else {
        dir.to_path_buf()
    };
    let dir = PathBuf::from_iter(
        dir.components()
            .filter(|c| *c != std::path::Component::CurDir),
    );
    if !force && std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return SaveOutcome::NotEmpty(dir);
    }
    match write_project(&dir, files, force) {
        Ok(()) => SaveOutcome::Written {
            dir,
            files: files.len(),
        },
        Err(e) => SaveOutcome::Failed(e.to_string()),
    }
}
