//! The Code pane: a generated project's files as a tree and a viewer with syntax highlighting, line
//! numbers, search and go-to-line; copying a file, editing it in $EDITOR (the edit replaces the pane's copy),
//! and saving the project to a directory. Highlighting runs in a task, in chunks (the first screen comes
//! first), and is cached per text and theme, so going back to a file is instant; lines not yet highlighted
//! are drawn plain.

mod draw;
mod keys;
pub mod tasks;
pub mod tree;
pub mod view;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::EditPurpose;
use super::highlight::StyledLine;
use super::theme::{Palette, SyntaxColors};
use crate::codegen::{GeneratedFile, Language};
pub use tasks::{CodeRequest, SaveOutcome};
use tree::Row;
use view::{OpenFile, Search};

/// At most this many highlighted texts are kept, holding at most this many lines in all (then the cache
/// starts again from the file being opened).
const CACHE_LIMIT: usize = 64;
const CACHE_LINES: usize = 200_000;

/// A generated project to show.
#[derive(Debug, Clone)]
pub struct CodeSource {
    /// The connector's name.
    pub title: String,
    pub language: Language,
    pub files: Arc<Vec<GeneratedFile>>,
    /// Where the project was saved, if it was.
    pub saved_to: Option<PathBuf>,
}

/// What comes back to the Code pane.
pub enum CodeMessage {
    /// A project to show (the same as [`CodePane::show`]).
    Show(CodeSource),
    /// Lines `from..` of the text whose cache key is `key`, highlighted; `done` with the last chunk.
    Highlighted {
        key: u64,
        from: usize,
        lines: Vec<StyledLine>,
        done: bool,
    },
    /// Provisional lines `from..` of the text whose cache key is `key` (a window around the view).
    Window {
        key: u64,
        from: usize,
        lines: Vec<StyledLine>,
    },
    Saved(SaveOutcome),
}

/// What the pane wants the app to do besides redrawing.
pub enum CodeOutcome {
    Nothing,
    Changed,
    Request(CodeRequest),
    Toast(String),
    Error(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Tree,
    Viewer,
}

/// A text's highlighting so far: the exact lines from the top, and a window of provisional lines around
/// the view when it is ahead of them (highlighted from a plausible restart point, replaced as the exact
/// pass gets there).
#[derive(Default)]
pub struct Highlight {
    pub lines: Vec<StyledLine>,
    pub done: bool,
    pub window: Option<(usize, Vec<StyledLine>)>,
}

impl Highlight {
    /// Line `i`'s styles: exact, else provisional, else none yet (drawn plain).
    pub fn line(&self, i: usize) -> Option<&StyledLine> {
        self.lines.get(i).or_else(|| {
            let (from, lines) = self.window.as_ref()?;
            lines.get(i.checked_sub(*from)?)
        })
    }
}

/// The save overlay: the directory typed, and what happened to the last attempt.
pub struct SavePrompt {
    pub path: String,
    /// The directory was not empty: Enter again replaces it.
    pub confirm: Option<PathBuf>,
    pub saving: bool,
}

struct Shown {
    source: CodeSource,
    /// Files edited in $EDITOR, by index: they replace the generated text (and are what a save writes).
    edited: BTreeMap<usize, String>,
    /// Counts the sources shown, so an edit that comes back after another `show` is not misapplied.
    id: u64,
}

pub struct CodePane {
    colors: Option<SyntaxColors>,
    shown: Option<Shown>,
    shows: u64,
    pub column: Column,
    /// Folded directories.
    closed: BTreeSet<String>,
    tree_cursor: usize,
    pub open: Option<OpenFile>,
    cache: HashMap<u64, Highlight>,
    /// The highlighting under way: its key and its cancel flag.
    running: Option<(u64, Arc<AtomicBool>)>,
    /// The window highlighting under way: its key, its lines and its cancel flag.
    window_job: Option<(u64, usize, usize, Arc<AtomicBool>)>,
    pub search: Option<Search>,
    /// The go-to-line input, when open.
    pub goto: Option<String>,
    pub save: Option<SavePrompt>,
    /// Lines the viewer showed at the last draw (a page).
    page: Cell<usize>,
}

impl CodePane {
    /// An empty pane that highlights in `palette`'s syntax colours (none under NO_COLOR).
    pub fn new(palette: &Palette) -> Self {
        CodePane {
            colors: palette.syntax.clone(),
            shown: None,
            shows: 0,
            column: Column::Tree,
            closed: BTreeSet::new(),
            tree_cursor: 0,
            open: None,
            cache: HashMap::new(),
            running: None,
            window_job: None,
            search: None,
            goto: None,
            save: None,
            page: Cell::new(20),
        }
    }

    /// Shows a generated project, its main file open (the entry point for the language, else the first).
    pub fn show(&mut self, source: CodeSource) -> CodeOutcome {
        self.shows += 1;
        let main = main_file(&source);
        self.shown = Some(Shown {
            source,
            edited: BTreeMap::new(),
            id: self.shows,
        });
        self.closed.clear();
        self.column = Column::Viewer;
        self.search = None;
        self.goto = None;
        self.save = None;
        match main {
            Some(index) => {
                let outcome = self.open_file(index);
                self.tree_cursor = self
                    .rows()
                    .iter()
                    .position(|r| matches!(r, Row::File { index: i, .. } if *i == index))
                    .unwrap_or(0);
                outcome
            }
            None => {
                self.cancel_running();
                self.open = None;
                self.tree_cursor = 0;
                CodeOutcome::Changed
            }
        }
    }

    /// The project shown, if any.
    pub fn source(&self) -> Option<&CodeSource> {
        self.shown.as_ref().map(|s| &s.source)
    }

    /// Indices of the files edited since the project was shown (or last saved).
    pub fn modified(&self) -> Vec<usize> {
        self.shown
            .as_ref()
            .map(|s| s.edited.keys().copied().collect())
            .unwrap_or_default()
    }

    /// The project's files with the edits in place (what a save writes).
    pub fn files(&self) -> Vec<GeneratedFile> {
        let Some(shown) = &self.shown else {
            return Vec::new();
        };
        shown
            .source
            .files
            .iter()
            .enumerate()
            .map(|(i, file)| match shown.edited.get(&i) {
                Some(text) => GeneratedFile::text(file.path.clone(), text),
                None => file.clone(),
            })
            .collect()
    }

    fn text_of(&self, index: usize) -> Option<Arc<str>> {
        let shown = self.shown.as_ref()?;
        let file = shown.source.files.get(index)?;
        Some(match shown.edited.get(&index) {
            Some(text) => Arc::from(text.as_str()),
            None => Arc::from(String::from_utf8_lossy(&file.contents)),
        })
    }

    /// Opens file `index` in the viewer and asks for its highlighting unless it is cached.
    fn open_file(&mut self, index: usize) -> CodeOutcome {
        let Some(text) = self.text_of(index) else {
            return CodeOutcome::Nothing;
        };
        let path = self.source().map(|s| s.files[index].path.clone());
        let file = OpenFile::new(index, &path.unwrap_or_default(), text, self.colors.as_ref());
        self.search = None;
        self.goto = None;
        let request = self.highlight(&file);
        self.open = Some(file);
        match request {
            Some(request) => CodeOutcome::Request(request),
            None => CodeOutcome::Changed,
        }
    }

    /// The request that highlights `file`, unless it is cached, under way, or there are no colours.
    fn highlight(&mut self, file: &OpenFile) -> Option<CodeRequest> {
        let colors = self.colors.clone()?;
        if self
            .running
            .as_ref()
            .is_some_and(|(key, _)| *key == file.key)
        {
            return None;
        }
        if self.cache.get(&file.key).is_some_and(|h| h.done) {
            return None;
        }
        self.cancel_running();
        let lines: usize = self.cache.values().map(|h| h.lines.len()).sum();
        if self.cache.len() >= CACHE_LIMIT || lines + file.line_count() > CACHE_LINES {
            self.cache.retain(|_, h| !h.done);
        }
        self.cache.insert(file.key, Highlight::default());
        let cancel = Arc::new(AtomicBool::new(false));
        self.running = Some((file.key, cancel.clone()));
        Some(CodeRequest::Highlight {
            key: file.key,
            path: file.path.clone(),
            text: file.text.clone(),
            colors,
            cancel,
        })
    }

    /// When the view is ahead of the exact highlighting and of the window: a request for a window around
    /// it (the app asks after every update of this pane).
    pub fn window_request(&mut self) -> Option<CodeRequest> {
        let colors = self.colors.clone()?;
        let open = self.open.as_ref()?;
        let entry = self.cache.get(&open.key)?;
        if entry.done {
            return None;
        }
        let page = self.page.get().max(1);
        let top = open.scroll.min(open.line_count());
        let bottom = (top + page).min(open.line_count());
        if bottom <= entry.lines.len() + tasks::FIRST_CHUNK {
            return None;
        }
        let covers = |from: usize, to: usize| from <= top.max(entry.lines.len()) && bottom <= to;
        if let Some((from, lines)) = &entry.window
            && covers(*from, from + lines.len())
        {
            return None;
        }
        if let Some((key, from, to, _)) = &self.window_job
            && *key == open.key
            && covers(*from, *to)
        {
            return None;
        }
        let start = open.restart_line(top.max(entry.lines.len()));
        let end = (bottom + page).min(open.line_count());
        if let Some((_, _, _, cancel)) = self.window_job.take() {
            cancel.store(true, Ordering::Relaxed);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.window_job = Some((open.key, start, end, cancel.clone()));
        Some(CodeRequest::HighlightWindow {
            key: open.key,
            path: open.path.clone(),
            text: open.text.clone(),
            lines: start..end,
            start_byte: open.line_start(start),
            colors,
            cancel,
        })
    }

    /// Stops the highlighting under way; what it did so far is dropped.
    fn cancel_running(&mut self) {
        if let Some((_, _, _, cancel)) = self.window_job.take() {
            cancel.store(true, Ordering::Relaxed);
        }
        if let Some((key, cancel)) = self.running.take() {
            cancel.store(true, Ordering::Relaxed);
            if self.cache.get(&key).is_some_and(|h| !h.done) {
                self.cache.remove(&key);
            }
        }
    }

    /// The open file's highlighting so far.
    pub fn highlighted(&self) -> Option<&Highlight> {
        self.cache.get(&self.open.as_ref()?.key)
    }

    /// Whether the open file's highlighting is complete (and cached).
    pub fn fully_highlighted(&self) -> bool {
        self.highlighted().is_some_and(|h| h.done)
    }

    /// The tree's rows as shown.
    fn rows(&self) -> Vec<Row> {
        match &self.shown {
            Some(shown) => tree::rows(&shown.source.files, &self.closed),
            None => Vec::new(),
        }
    }

    /// Applies what a task reported.
    pub fn receive(&mut self, message: CodeMessage) -> CodeOutcome {
        match message {
            CodeMessage::Show(source) => self.show(source),
            CodeMessage::Highlighted {
                key,
                from,
                lines,
                done,
            } => {
                let Some(entry) = self.cache.get_mut(&key) else {
                    return CodeOutcome::Nothing;
                };
                if entry.done || entry.lines.len() != from {
                    return CodeOutcome::Nothing;
                }
                entry.lines.extend(lines);
                entry.done = done;
                if done {
                    entry.window = None;
                }
                if done && self.running.as_ref().is_some_and(|(k, _)| *k == key) {
                    self.running = None;
                }
                match &self.open {
                    Some(open) if open.key == key => CodeOutcome::Changed,
                    _ => CodeOutcome::Nothing,
                }
            }
            CodeMessage::Window { key, from, lines } => {
                if self
                    .window_job
                    .as_ref()
                    .is_some_and(|(k, f, ..)| *k == key && *f == from)
                {
                    self.window_job = None;
                }
                let Some(entry) = self.cache.get_mut(&key).filter(|e| !e.done) else {
                    return CodeOutcome::Nothing;
                };
                entry.window = Some((from, lines));
                match &self.open {
                    Some(open) if open.key == key => CodeOutcome::Changed,
                    _ => CodeOutcome::Nothing,
                }
            }
            CodeMessage::Saved(outcome) => self.saved(outcome),
        }
    }

    fn saved(&mut self, outcome: SaveOutcome) -> CodeOutcome {
        if let Some(prompt) = &mut self.save {
            prompt.saving = false;
        }
        match outcome {
            SaveOutcome::Written { dir, files } => {
                self.save = None;
                if let Some(shown) = &mut self.shown {
                    shown.source.saved_to = Some(dir.clone());
                    // The saved files are the project now.
                    if !shown.edited.is_empty() {
                        let files: Vec<GeneratedFile> = self.files();
                        if let Some(shown) = &mut self.shown {
                            shown.source.files = Arc::new(files);
                            shown.edited.clear();
                        }
                    }
                }
                CodeOutcome::Toast(format!("saved {files} files to {}", dir.display()))
            }
            SaveOutcome::NotEmpty(dir) => {
                if let Some(prompt) = &mut self.save {
                    prompt.confirm = Some(dir);
                }
                CodeOutcome::Changed
            }
            SaveOutcome::Failed(reason) => CodeOutcome::Error(format!("not saved: {reason}")),
        }
    }

    /// The open file's text, for copying and $EDITOR: its extension, and that an edit replaces it.
    pub fn focused_text(&self) -> Option<(String, &'static str, EditPurpose)> {
        let open = self.open.as_ref()?;
        let shown = self.shown.as_ref()?;
        Some((
            open.text.to_string(),
            editor_extension(&open.path),
            EditPurpose::CodeFile {
                source: shown.id,
                file: open.index,
            },
        ))
    }

    /// The text of file `file` came back from $EDITOR: it replaces the pane's copy (a save writes it).
    pub fn file_edited(&mut self, purpose: EditPurpose, text: String) -> CodeOutcome {
        let EditPurpose::CodeFile { source, file } = purpose else {
            return CodeOutcome::Nothing;
        };
        let Some(shown) = self.shown.as_mut().filter(|s| s.id == source) else {
            return CodeOutcome::Toast(
                "the project changed meanwhile: the edit was dropped".into(),
            );
        };
        let Some(generated) = shown.source.files.get(file) else {
            return CodeOutcome::Nothing;
        };
        let path = generated.path.clone();
        let current = match shown.edited.get(&file) {
            Some(edited) => edited.as_bytes() == text.as_bytes(),
            None => generated.contents == text.as_bytes(),
        };
        if current {
            return CodeOutcome::Toast(format!("{path}: no changes"));
        }
        if generated.contents == text.as_bytes() {
            shown.edited.remove(&file);
        } else {
            shown.edited.insert(file, text);
        }
        let (cursor, scroll) = self
            .open
            .as_ref()
            .filter(|o| o.index == file)
            .map_or((0, 0), |o| (o.cursor, o.scroll));
        let outcome = self.open_file(file);
        if let Some(open) = &mut self.open {
            open.move_to(cursor, self.page.get());
            open.scroll = scroll.min(open.cursor);
        }
        self.column = Column::Viewer;
        match outcome {
            CodeOutcome::Request(request) => CodeOutcome::Request(request),
            _ => CodeOutcome::Toast(format!("{path} edited: s saves the project")),
        }
    }

    /// Whether the screen changes with time alone (it doesn't: highlighting reports in messages).
    pub fn animating(&self) -> bool {
        false
    }
}

/// The file a project opens on: its entry point for the language (the server module the package's
/// metadata names: Python's script, package.json's `main`; Rust's binary), else its first file.
fn main_file(source: &CodeSource) -> Option<usize> {
    let files = &source.files;
    let find = |wanted: &dyn Fn(&str) -> bool| files.iter().position(|f| wanted(&f.path));
    let entry = match source.language {
        Language::Python => find(&|p| p.starts_with("src/") && p.ends_with("/server.py")),
        // package.json's `main`.
        Language::Typescript => find(&|p| p == "src/server.ts"),
        Language::Rust => find(&|p| p == "src/main.rs"),
    };
    entry.or_else(|| tree::tree_order(files).into_iter().next())
}

/// An extension for the editor's temporary file, so it picks the right mode.
fn editor_extension(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.starts_with("Dockerfile") {
        return "dockerfile";
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match extension {
        "py" => "py",
        "ts" => "ts",
        "js" => "js",
        "mjs" => "mjs",
        "rs" => "rs",
        "toml" => "toml",
        "json" => "json",
        "md" => "md",
        "yaml" | "yml" => "yaml",
        "cfg" => "cfg",
        "ini" => "ini",
        "sh" => "sh",
        "txt" => "txt",
        _ => "txt",
    }
}

#[cfg(test)]
mod tests;
