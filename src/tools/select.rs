//! Which operations become tools: include and exclude by tag, path glob, method and operation.
//!
//! An operation is selected when no include of any kind is given, or when it matches every kind of include that
//! is given (tags AND paths AND methods; any value within one kind), or when it is named in
//! `include_operations`. An exclude of any kind always wins.

use serde::{Deserialize, Serialize};

use crate::spec::model::{HttpMethod, Operation};

/// Include and exclude filters over operations. The default selects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Selection {
    /// Tags, compared without regard to case.
    pub include_tags: Vec<String>,
    pub exclude_tags: Vec<String>,
    /// Path globs over the path template (`/pets/{petId}`): `*` matches within one segment, `**` any number of
    /// whole segments (none included), `?` one character.
    pub include_paths: Vec<String>,
    pub exclude_paths: Vec<String>,
    pub include_methods: Vec<HttpMethod>,
    pub exclude_methods: Vec<HttpMethod>,
    /// operationIds, tool names, or labels such as `DELETE /pets/{petId}`.
    pub include_operations: Vec<String>,
    pub exclude_operations: Vec<String>,
}

impl Selection {
    /// A selection with no filters: everything.
    pub fn all() -> Self {
        Selection::default()
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Selection::default()
    }

    /// Whether `op`, whose tool name is `tool_name`, is selected.
    pub fn matches(&self, op: &Operation, tool_name: &str) -> bool {
        if self.excluded(op, tool_name) {
            return false;
        }
        if names_operation(&self.include_operations, op, tool_name) {
            return true;
        }
        let filtered = !self.include_tags.is_empty()
            || !self.include_paths.is_empty()
            || !self.include_methods.is_empty();
        if !filtered {
            return self.include_operations.is_empty();
        }
        (self.include_tags.is_empty() || has_tag(&self.include_tags, op))
            && (self.include_paths.is_empty() || matches_any_glob(&self.include_paths, &op.path))
            && (self.include_methods.is_empty() || self.include_methods.contains(&op.method))
    }

    fn excluded(&self, op: &Operation, tool_name: &str) -> bool {
        has_tag(&self.exclude_tags, op)
            || matches_any_glob(&self.exclude_paths, &op.path)
            || self.exclude_methods.contains(&op.method)
            || names_operation(&self.exclude_operations, op, tool_name)
    }
}

fn has_tag(tags: &[String], op: &Operation) -> bool {
    tags.iter()
        .any(|wanted| op.tags.iter().any(|tag| tag.eq_ignore_ascii_case(wanted)))
}

fn names_operation(names: &[String], op: &Operation, tool_name: &str) -> bool {
    names.iter().any(|name| {
        name == tool_name
            || op.operation_id.as_deref() == Some(name.as_str())
            || name.split_once(' ').is_some_and(|(method, path)| {
                HttpMethod::parse(method) == Some(op.method) && path == op.path
            })
    })
}

fn matches_any_glob(globs: &[String], path: &str) -> bool {
    globs.iter().any(|glob| glob_matches(glob, path))
}

/// Matches a path against a glob (see [`Selection::include_paths`]). Empty segments (doubled or trailing
/// slashes) are ignored on both sides.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let pattern: Vec<&str> = glob.split('/').filter(|s| !s.is_empty()).collect();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_segments(&pattern, &segments)
}

fn match_segments(pattern: &[&str], segments: &[&str]) -> bool {
    // Iterative with one backtrack point per `**`, so the cost stays polynomial.
    let (mut p, mut s) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while s < segments.len() {
        if p < pattern.len() && pattern[p] == "**" {
            star = Some((p, s));
            p += 1;
        } else if p < pattern.len() && segment_matches(pattern[p], segments[s]) {
            p += 1;
            s += 1;
        } else if let Some((star_p, star_s)) = star {
            p = star_p + 1;
            s = star_s + 1;
            star = Some((star_p, star_s + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|rest| *rest == "**")
}

/// One segment against one pattern segment with `*` (any run) and `?` (one character).
fn segment_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}
