//! Connector generation: tool definitions into a complete project in a language, as a sorted list of
//! (relative path, bytes).
//!
//! Generation is a pure function of the model, the tool set and the options: no clock, no randomness, no
//! hash-map iteration order, so the same input gives byte-identical files. [`plan::Plan`] gathers what every
//! language needs (the request behind each tool, the variables read, a test case per tool); [`escape`] makes
//! each spec string safe for the place it lands in code; [`write_project`] puts a project on disk atomically.

pub mod escape;
mod fits;
pub mod launch;
mod literal;
pub mod plan;
pub mod python;
pub mod rust;
mod shared;
pub mod typescript;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::spec::model::ApiModel;
use crate::tools::{Exposure, ToolSet};

/// The version a generated project starts at.
pub const PROJECT_VERSION: &str = "0.1.0";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Python,
    Typescript,
    Rust,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Typescript => "typescript",
            Language::Rust => "rust",
        }
    }

    /// The language [`Language::as_str`] names.
    pub fn parse(name: &str) -> Option<Language> {
        [Language::Python, Language::Typescript, Language::Rust]
            .into_iter()
            .find(|l| l.as_str() == name)
    }
}

/// A connector's name when none is given: the spec's title followed by `mcp`, as a package name
/// (`pet-clinic-store-mcp`).
pub fn default_name(title: &str) -> String {
    python::Names::new(title, None).project
}

/// The transport a generated server uses when neither its flag nor its environment variable says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Stdio,
    Http,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateOptions {
    /// The project's name (default: the spec's title followed by `mcp`).
    pub name: Option<String>,
    pub transport: Transport,
    /// Prefix of the environment variables (default: the spec's title in upper snake case, as `mcpow serve`).
    pub env_prefix: Option<String>,
}

/// One file of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedFile {
    /// Relative, `/`-separated, without `.` or `..` segments.
    pub path: String,
    pub contents: Vec<u8>,
}

impl GeneratedFile {
    /// A text file (an owned `String` is moved in, not copied).
    pub fn text(path: String, text: impl Into<String>) -> GeneratedFile {
        GeneratedFile {
            path,
            contents: text.into().into_bytes(),
        }
    }
}

/// A generated project: files sorted by path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub language: Language,
    pub files: Vec<GeneratedFile>,
}

impl Project {
    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

#[derive(Debug, Error)]
pub enum CodegenError {
    #[error("generating {0} connectors is not available yet (python and typescript are)")]
    NotYet(&'static str),
    #[error("{0}")]
    Unsupported(String),
    #[error("{path}: {message}")]
    Write { path: PathBuf, message: String },
}

/// Generates the project for `tools` (built from `model`) in `language`.
pub fn generate(
    model: &ApiModel,
    tools: &ToolSet,
    language: Language,
    options: &GenerateOptions,
) -> Result<Project, CodegenError> {
    if tools.exposure == Exposure::Discover {
        return Err(CodegenError::Unsupported(
            "generated connectors expose one tool per operation; the discover exposure is `mcpow serve`'s only"
                .into(),
        ));
    }
    let plan = plan::Plan::new(model, tools, options.env_prefix.as_deref());
    let mut files = match language {
        Language::Python => python::generate(&plan, options),
        Language::Typescript => typescript::generate(&plan, options),
        Language::Rust => rust::generate(&plan, options),
    };
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    Ok(Project { language, files })
}

/// `side()` on another thread while `main()` runs on this one (a large file written meanwhile).
pub(crate) fn alongside<S: Send, M>(
    side: impl FnOnce() -> S + Send,
    main: impl FnOnce() -> M,
) -> (S, M) {
    std::thread::scope(|scope| {
        let side = scope.spawn(side);
        let main = main();
        let side = side.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (side, main)
    })
}

/// `f` of every item, in order, spread over the available cores (each worker with its own `state`).
pub(crate) fn par_map<'a, T: Sync, S, R: Send>(
    items: &'a [T],
    state: impl Fn() -> S + Sync,
    f: impl Fn(&'a T, &mut S) -> R + Sync,
) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
        .min(items.len() / 16)
        .max(1);
    if workers == 1 {
        let mut state = state();
        return items.iter().map(|item| f(item, &mut state)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Small chunks taken in turn, so a worker that meets heavy tools does not hold the others up.
    const CHUNK: usize = 8;
    let mut parts: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = state();
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(CHUNK, std::sync::atomic::Ordering::Relaxed);
                        if start >= items.len() {
                            break done;
                        }
                        let end = (start + CHUNK).min(items.len());
                        let results = items[start..end]
                            .iter()
                            .map(|item| f(item, &mut state))
                            .collect();
                        done.push((start, results));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    parts.sort_by_key(|(start, _)| *start);
    parts.into_iter().flat_map(|(_, results)| results).collect()
}

/// The README's environment-variable table up to the connector's own `MCP_*` rows (the same in every
/// language): base URL, timeout, retries, and each credential with whether it is a secret.
pub fn environment_table(out: &mut String, plan: &plan::Plan) {
    use std::fmt::Write;
    out.push_str("## Environment variables\n\n| Variable | Secret | What |\n|---|---|---|\n");
    let default_server = plan
        .default_server()
        .map(|s| format!("the spec's server, {}", md_code(&s)))
        .unwrap_or_else(|| "none: the spec declares no server, so set it".into());
    let _ = writeln!(
        out,
        "| `{}` | no | The API's base URL (default: {default_server}) |",
        plan.base_url_variable
    );
    let _ = writeln!(
        out,
        "| `{}` | no | Seconds each API request may take (default 30) |",
        plan.timeout_variable
    );
    let _ = writeln!(
        out,
        "| `{}` | no | Retries of idempotent requests after a connection failure, a timeout or a 502/503/504 \
         (default 2) |",
        plan.retries_variable
    );
    for var in &plan.credentials {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} (scheme {}) |",
            var.name,
            if var.secret { "**yes**" } else { "no" },
            md_cell(&var.purpose),
            md_code(&var.scheme)
        );
    }
}

/// The README's table of tools (the same in every language): each tool's name, its request and the first line
/// of its description.
pub fn tools_table(out: &mut String, plan: &plan::Plan) {
    use std::fmt::Write;
    let _ = writeln!(
        out,
        "## Tools ({})\n\n| Tool | Request | Description |\n|---|---|---|",
        plan.tools.len()
    );
    let mut request = String::new();
    for tool in &plan.tools {
        request.clear();
        let _ = write!(request, "{} {}", tool.op.method.as_str(), tool.op.path);
        let first_line = tool.tool.description.lines().next().unwrap_or("");
        out.push_str("| ");
        push_md_code(out, &tool.tool.name);
        out.push_str(" | ");
        push_md_code(out, &request);
        out.push_str(" | ");
        if is_plain_cell(first_line, 160) {
            out.push_str(first_line);
        } else {
            out.push_str(&md_cell(&escape::comment_line(first_line, 160)));
        }
        out.push_str(" |\n");
    }
}

/// Appends [`md_code`] of `text`.
fn push_md_code(out: &mut String, text: &str) {
    if is_plain_cell(text, 400) {
        out.push('`');
        out.push_str(text);
        out.push('`');
    } else {
        out.push_str(&md_code(text));
    }
}

/// Whether `text` already is what [`md_cell`] and [`md_code`] keep as it is: at most `max` printable ASCII
/// characters without `|`, `\`, `<` or backticks, spaces single and at neither end.
fn is_plain_cell(text: &str, max: usize) -> bool {
    text.len() <= max
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && text
            .bytes()
            .all(|b| matches!(b, b' '..=b'~') && !matches!(b, b'|' | b'\\' | b'<' | b'`'))
}

/// Text for one Markdown table cell: one line, `|` escaped, HTML tags neutralized.
pub fn md_cell(text: &str) -> String {
    escape::comment_line(text, 400)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
}

/// A Markdown code span that no backtick in `text` can close early.
pub fn md_code(text: &str) -> String {
    let text = escape::comment_line(text, 400).replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

/// Writes `files` into `dir`: refuses a non-empty directory unless `force` (which replaces it). The files are
/// written to a temporary directory beside `dir` and renamed into place, so a half-written project is never
/// left behind.
pub fn write_project(dir: &Path, files: &[GeneratedFile], force: bool) -> Result<(), CodegenError> {
    let fail = |path: &Path, error: std::io::Error| CodegenError::Write {
        path: path.to_path_buf(),
        message: error.to_string(),
    };
    let existing = match std::fs::read_dir(dir) {
        Ok(mut entries) => Some(entries.next().is_some()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(fail(dir, error)),
    };
    if existing == Some(true) && !force {
        return Err(CodegenError::Write {
            path: dir.to_path_buf(),
            message: "the directory is not empty (pass --force to replace it)".into(),
        });
    }
    for file in files {
        if !is_safe_relative(&file.path) {
            return Err(CodegenError::Write {
                path: PathBuf::from(&file.path),
                message: "not a relative path inside the project".into(),
            });
        }
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "project".into());
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| fail(&parent, e))?;
    let staging = parent.join(format!(".{name}.mcpow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let written = write_all(&staging, files);
    if let Err(error) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    let result = match existing {
        None => std::fs::rename(&staging, dir).map_err(|e| fail(dir, e)),
        Some(_) => replace_dir(&staging, dir, &parent, &name),
    };
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(staging: &Path, files: &[GeneratedFile]) -> Result<(), CodegenError> {
    let fail = |path: &Path, error: std::io::Error| CodegenError::Write {
        path: path.to_path_buf(),
        message: error.to_string(),
    };
    std::fs::create_dir_all(staging).map_err(|e| fail(staging, e))?;
    for file in files {
        if let Some(folder) = staging.join(&file.path).parent() {
            std::fs::create_dir_all(folder).map_err(|e| fail(folder, e))?;
        }
    }
    let write = |file: &GeneratedFile| {
        let path = staging.join(&file.path);
        std::fs::write(&path, &file.contents).map_err(|e| fail(&path, e))
    };
    // Large files (the tool table, the test cases) are written on their own threads, meanwhile.
    const LARGE: usize = 1 << 20;
    std::thread::scope(|scope| {
        let large: Vec<_> = files
            .iter()
            .filter(|file| file.contents.len() >= LARGE)
            .map(|file| scope.spawn(move || write(file)))
            .collect();
        let small = files
            .iter()
            .filter(|file| file.contents.len() < LARGE)
            .try_for_each(write);
        for handle in large {
            handle
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        }
        small
    })
}

/// Moves the old directory aside, the new one in, then removes the old one (restoring it on failure).
fn replace_dir(staging: &Path, dir: &Path, parent: &Path, name: &str) -> Result<(), CodegenError> {
    let fail = |path: &Path, error: std::io::Error| CodegenError::Write {
        path: path.to_path_buf(),
        message: error.to_string(),
    };
    let old = parent.join(format!(".{name}.mcpow-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&old);
    std::fs::rename(dir, &old).map_err(|e| fail(dir, e))?;
    if let Err(error) = std::fs::rename(staging, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(fail(dir, error));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|segment| !matches!(segment, "" | "." | ".."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_go_in_as_md_cell_and_md_code_would_write_them() {
        let long_161 = "x".repeat(161);
        let long_401 = "y".repeat(401);
        let texts = [
            "getRepo",
            "GET /repos/{owner}/{repo}",
            "",
            " leading",
            "trailing ",
            "two  spaces",
            "a|b",
            "a`b",
            "<b>bold</b>",
            "back\\slash",
            "tab\there",
            "h\u{e9}llo",
            long_161.as_str(),
            long_401.as_str(),
        ];
        for text in texts {
            let mut code = String::new();
            push_md_code(&mut code, text);
            assert_eq!(code, md_code(text), "{text:?}");
            if is_plain_cell(text, 160) {
                assert_eq!(md_cell(&escape::comment_line(text, 160)), text);
            }
        }
        assert!(is_plain_cell("GET /repos/{owner}/{repo}", 160));
        assert!(!is_plain_cell(&long_161, 160));
    }

    #[test]
    fn markdown_cells_and_code_spans_stay_closed() {
        assert_eq!(md_cell("a | b\nc <script>"), "a \\| b c &lt;script>");
        assert_eq!(md_code("GET /pets"), "`GET /pets`");
        assert_eq!(md_code("a`b"), "`` a`b ``");
        assert_eq!(md_code("```"), "```` ``` ````");
    }

    #[test]
    fn projects_are_written_whole_and_never_over_a_non_empty_directory() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let files = vec![
            GeneratedFile::text("a/b.txt".into(), "one"),
            GeneratedFile::text("c.txt".into(), "two"),
        ];
        write_project(&dir, &files, false).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a/b.txt")).unwrap(), "one");
        let again = write_project(&dir, &files, false).unwrap_err().to_string();
        assert!(again.contains("not empty"), "{again}");
        std::fs::write(dir.join("stale.txt"), "x").unwrap();
        write_project(&dir, &files[1..], true).unwrap();
        assert!(!dir.join("stale.txt").exists() && !dir.join("a").exists());
        assert_eq!(
            std::fs::read_dir(root.path()).unwrap().count(),
            1,
            "no staging left"
        );
        let bad = vec![GeneratedFile::text("../escape.txt".into(), "x")];
        assert!(write_project(&root.path().join("other"), &bad, false).is_err());
        assert!(!root.path().join("escape.txt").exists());
        // An empty directory is fine.
        let empty = root.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        write_project(&empty, &files, false).unwrap();
        assert!(empty.join("c.txt").exists());
    }
}
