//! Where a backend's code comes from: a local directory, or a git repository cloned (a branch, or a pull
//! request's `pull/N/head`) into a temporary directory that is removed afterwards unless kept.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use thiserror::Error;
use tokio::process::Command;

/// What to check out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum GitRef {
    /// The remote's default branch.
    #[default]
    Default,
    Branch(String),
    /// `pull/N/head`, as GitHub (and Gitea, Forgejo) publish pull requests.
    PullRequest(u64),
}

/// `--source`, `--branch`, `--pr`, `--keep`.
#[derive(Debug, Clone, Default)]
pub struct SourceRequest {
    /// A directory, or a git URL (`https://`, `ssh://`, `git@host:path`, `file://`).
    pub location: String,
    pub git_ref: GitRef,
    /// Keep the clone instead of removing it.
    pub keep: bool,
}

impl SourceRequest {
    /// From the flags; `--branch` and `--pr` together are refused.
    pub fn new(
        location: &str,
        branch: Option<&str>,
        pr: Option<u64>,
        keep: bool,
    ) -> Result<SourceRequest, SourceError> {
        let git_ref = match (branch, pr) {
            (Some(_), Some(_)) => return Err(SourceError::BranchAndPr),
            (Some(branch), None) if branch.trim().is_empty() => {
                return Err(SourceError::EmptyBranch);
            }
            (Some(branch), None) => GitRef::Branch(branch.to_string()),
            (None, Some(number)) => GitRef::PullRequest(number),
            (None, None) => GitRef::Default,
        };
        Ok(SourceRequest {
            location: location.to_string(),
            git_ref,
            keep,
        })
    }

    /// Cloned when it looks like a git URL or a branch or pull request is asked for; else a directory.
    pub fn is_git(&self) -> bool {
        self.git_ref != GitRef::Default || looks_like_git_url(&self.location)
    }
}

#[derive(Debug, Error)]
pub enum SourceError {
    #[error("--branch and --pr cannot be used together")]
    BranchAndPr,
    #[error("--branch is empty")]
    EmptyBranch,
    #[error("--source {0}: not a directory (nor a git URL)")]
    NotADirectory(String),
    #[error("--source {url}: git is not installed (it is needed to clone a repository): {message}")]
    GitMissing { url: String, message: String },
    #[error("--source {url}: cannot make a temporary directory: {message}")]
    TempDir { url: String, message: String },
    #[error("--source {url}: the branch `{branch}` is not there: {stderr}")]
    BranchNotFound {
        url: String,
        branch: String,
        stderr: String,
    },
    #[error(
        "--source {url}: pull request {number} is not there (no `pull/{number}/head`): {stderr}"
    )]
    PullRequestNotFound {
        url: String,
        number: u64,
        stderr: String,
    },
    #[error("--source {url}: `git {step}` failed: {stderr}")]
    Git {
        url: String,
        step: String,
        stderr: String,
    },
}

/// A checked-out source. A clone is removed on [`CheckedOut::finish`] or drop, unless kept.
#[derive(Debug)]
pub struct CheckedOut {
    path: PathBuf,
    /// Set for a clone this run made.
    clone: bool,
    keep: bool,
    removed: bool,
}

impl CheckedOut {
    /// Uses the directory, or clones the repository.
    pub async fn prepare(request: &SourceRequest) -> Result<CheckedOut, SourceError> {
        if !request.is_git() {
            let path = PathBuf::from(&request.location);
            if !path.is_dir() {
                return Err(SourceError::NotADirectory(request.location.clone()));
            }
            return Ok(CheckedOut {
                path,
                clone: false,
                keep: true,
                removed: false,
            });
        }
        let url = &request.location;
        let path = make_temp_dir().map_err(|e| SourceError::TempDir {
            url: url.clone(),
            message: e.to_string(),
        })?;
        // From here the directory is removed on any error (the guard's drop).
        let checkout = CheckedOut {
            path,
            clone: true,
            keep: request.keep,
            removed: false,
        };
        clone_into(url, &request.git_ref, &checkout.path).await?;
        Ok(checkout)
    }

    /// The source's directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this is a clone made for the run (else the user's own directory).
    pub fn is_clone(&self) -> bool {
        self.clone
    }

    /// Removes a clone unless kept; returns the path of a kept clone, to tell the user.
    pub fn finish(mut self) -> Option<PathBuf> {
        if self.clone && self.keep {
            self.removed = true;
            return Some(self.path.clone());
        }
        self.remove();
        None
    }

    fn remove(&mut self) {
        if self.clone && !self.keep && !self.removed {
            let _ = std::fs::remove_dir_all(&self.path);
            self.removed = true;
        }
    }
}

impl Drop for CheckedOut {
    fn drop(&mut self) {
        self.remove();
    }
}

/// `https://`, `ssh://`, `git://`, `file://` URLs, and scp-like `user@host:path`.
pub fn looks_like_git_url(text: &str) -> bool {
    if let Some((scheme, _)) = text.split_once("://") {
        return !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+');
    }
    match (text.find('@'), text.find(':'), text.find('/')) {
        (Some(at), Some(colon), slash) => at < colon && slash.is_none_or(|s| colon < s),
        _ => false,
    }
}

async fn clone_into(url: &str, git_ref: &GitRef, dir: &Path) -> Result<(), SourceError> {
    let mut clone: Vec<OsString> = vec!["clone".into(), "--quiet".into()];
    if let GitRef::Branch(branch) = git_ref {
        clone.extend(["--branch".into(), branch.into(), "--single-branch".into()]);
    }
    clone.extend(["--".into(), url.into(), dir.as_os_str().to_owned()]);
    if let Err(stderr) = git(url, None, &clone).await? {
        if let GitRef::Branch(branch) = git_ref
            && is_missing_ref(&stderr)
        {
            return Err(SourceError::BranchNotFound {
                url: url.to_string(),
                branch: branch.clone(),
                stderr,
            });
        }
        return Err(SourceError::Git {
            url: url.to_string(),
            step: "clone".to_string(),
            stderr,
        });
    }
    if let GitRef::PullRequest(number) = git_ref {
        let refspec = format!("pull/{number}/head");
        let fetch: [OsString; 4] = [
            "fetch".into(),
            "--quiet".into(),
            "origin".into(),
            refspec.as_str().into(),
        ];
        if let Err(stderr) = git(url, Some(dir), &fetch).await? {
            return Err(if is_missing_ref(&stderr) {
                SourceError::PullRequestNotFound {
                    url: url.to_string(),
                    number: *number,
                    stderr,
                }
            } else {
                SourceError::Git {
                    url: url.to_string(),
                    step: format!("fetch origin {refspec}"),
                    stderr,
                }
            });
        }
        let checkout: [OsString; 4] = [
            "checkout".into(),
            "--quiet".into(),
            "--detach".into(),
            "FETCH_HEAD".into(),
        ];
        if let Err(stderr) = git(url, Some(dir), &checkout).await? {
            return Err(SourceError::Git {
                url: url.to_string(),
                step: "checkout FETCH_HEAD".to_string(),
                stderr,
            });
        }
    }
    Ok(())
}

fn is_missing_ref(stderr: &str) -> bool {
    let lower = stderr.to_ascii_lowercase();
    lower.contains("not found in upstream")
        || lower.contains("couldn't find remote ref")
        || lower.contains("could not find remote branch")
}

/// Runs git (never prompting). `Ok(Err(stderr))` when git ran and failed.
async fn git(
    url: &str,
    cwd: Option<&Path>,
    args: &[OsString],
) -> Result<Result<(), String>, SourceError> {
    let mut command = Command::new("git");
    command
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let output = command
        .output()
        .await
        .map_err(|e| SourceError::GitMissing {
            url: url.to_string(),
            message: e.to_string(),
        })?;
    if output.status.success() {
        Ok(Ok(()))
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        Ok(Err(if stderr.is_empty() {
            format!("git exited with {}", output.status)
        } else {
            stderr
        }))
    }
}

fn make_temp_dir() -> std::io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut last = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("mcpow-source-{}-{nanos:x}-{n}", std::process::id()));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_urls_are_told_from_directories() {
        for url in [
            "https://github.com/Kinto/kinto.git",
            "ssh://git@host/x",
            "file:///tmp/repo.git",
            "git@github.com:Kinto/kinto.git",
        ] {
            assert!(looks_like_git_url(url), "{url}");
        }
        for dir in ["./backend", "/srv/app", "app:v2/x", "C", "a/b@c:d"] {
            assert!(!looks_like_git_url(dir), "{dir}");
        }
    }

    #[test]
    fn flags_combine_clearly() {
        assert!(matches!(
            SourceRequest::new("x", Some("b"), Some(1), false),
            Err(SourceError::BranchAndPr)
        ));
        assert!(matches!(
            SourceRequest::new("x", Some(" "), None, false),
            Err(SourceError::EmptyBranch)
        ));
        let request = SourceRequest::new("/srv/app", Some("main"), None, false).unwrap();
        assert!(request.is_git());
        assert!(
            !SourceRequest::new("/srv/app", None, None, false)
                .unwrap()
                .is_git()
        );
    }
}
