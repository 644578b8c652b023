//! The project's files as a tree: directories first at each level, each foldable.

use std::collections::BTreeSet;

use crate::codegen::GeneratedFile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// A directory: its path (`src/clinic`), its last name, its depth, whether it is open, its files.
    Dir {
        path: String,
        name: String,
        depth: usize,
        open: bool,
        files: usize,
    },
    /// A file: its index in the source, its name, its depth.
    File {
        index: usize,
        name: String,
        depth: usize,
    },
}

impl Row {
    pub fn depth(&self) -> usize {
        match self {
            Row::Dir { depth, .. } | Row::File { depth, .. } => *depth,
        }
    }
}

/// The files' indices in tree order: at each level directories first, then files, each by name.
pub fn tree_order(files: &[GeneratedFile]) -> Vec<usize> {
    let key = |path: &str| -> Vec<(u8, String)> {
        let parts: Vec<&str> = path.split('/').collect();
        parts
            .iter()
            .enumerate()
            .map(|(i, part)| (u8::from(i + 1 == parts.len()), part.to_string()))
            .collect()
    };
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_cached_key(|&i| key(&files[i].path));
    order
}

/// The rows shown: every directory, and the files of the open ones (`closed` holds folded directories).
pub fn rows(files: &[GeneratedFile], closed: &BTreeSet<String>) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for index in tree_order(files) {
        let path = files[index].path.as_str();
        let mut parts: Vec<&str> = path.split('/').collect();
        let name = parts.pop().unwrap_or(path);
        let shared = current
            .iter()
            .zip(&parts)
            .take_while(|(a, b)| a == b)
            .count();
        for depth in shared..parts.len() {
            let dir = parts[..=depth].join("/");
            let prefix = format!("{dir}/");
            let hidden = (0..depth).any(|d| closed.contains(&parts[..=d].join("/")));
            if !hidden {
                rows.push(Row::Dir {
                    name: parts[depth].to_string(),
                    depth,
                    open: !closed.contains(&dir),
                    files: files.iter().filter(|f| f.path.starts_with(&prefix)).count(),
                    path: dir,
                });
            }
        }
        current = parts.clone();
        let hidden = (0..parts.len()).any(|d| closed.contains(&parts[..=d].join("/")));
        if !hidden {
            rows.push(Row::File {
                index,
                name: name.to_string(),
                depth: parts.len(),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> Vec<GeneratedFile> {
        paths
            .iter()
            .map(|p| GeneratedFile::text(p.to_string(), ""))
            .collect()
    }

    fn names(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                Row::Dir {
                    name, depth, open, ..
                } => format!(
                    "{}{}{name}/",
                    "  ".repeat(*depth),
                    if *open { "-" } else { "+" }
                ),
                Row::File { name, depth, .. } => format!("{}{name}", "  ".repeat(*depth)),
            })
            .collect()
    }

    #[test]
    fn directories_first_and_foldable() {
        let files = files(&[
            "Dockerfile",
            "README.md",
            "pyproject.toml",
            "src/clinic/__init__.py",
            "src/clinic/server.py",
            "tests/cases.py",
            "tests/test_tools.py",
        ]);
        let open = rows(&files, &BTreeSet::new());
        assert_eq!(
            names(&open),
            [
                "-src/",
                "  -clinic/",
                "    __init__.py",
                "    server.py",
                "-tests/",
                "  cases.py",
                "  test_tools.py",
                "Dockerfile",
                "README.md",
                "pyproject.toml",
            ]
        );
        let closed = BTreeSet::from(["src".to_string()]);
        assert_eq!(
            names(&rows(&files, &closed))[..3],
            ["+src/", "-tests/", "  cases.py"]
        );
        assert!(matches!(open[0], Row::Dir { files: 2, .. }));
        assert!(matches!(open[3], Row::File { index: 4, .. }));
    }
}
