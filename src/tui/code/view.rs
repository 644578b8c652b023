//! The open file: its text split into lines (by offsets, nothing copied), the cursor and scroll, and the
//! search over it.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::tui::theme::SyntaxColors;

/// At most this many matches are kept (the count says "10000+").
pub const MATCH_LIMIT: usize = 10_000;

pub struct OpenFile {
    /// The file's index in the source.
    pub index: usize,
    pub path: String,
    pub text: Arc<str>,
    /// Where each line starts; as many as there are lines.
    starts: Vec<usize>,
    /// The text's highlighting in the cache: a hash of the path, the text and the colours.
    pub key: u64,
    pub cursor: usize,
    /// The first line shown.
    pub scroll: usize,
    /// The text in ASCII lower case (same offsets), made by the first case-insensitive search.
    lower: Option<String>,
}

impl OpenFile {
    pub fn new(index: usize, path: &str, text: Arc<str>, colors: Option<&SyntaxColors>) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        if !text.is_empty() {
            starts.push(0);
        }
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(i, b)| *b == b'\n' && i + 1 < text.len())
                .map(|(i, _)| i + 1),
        );
        let mut hasher = std::hash::DefaultHasher::new();
        path.hash(&mut hasher);
        text.hash(&mut hasher);
        colors.hash(&mut hasher);
        OpenFile {
            index,
            path: path.to_string(),
            text,
            starts,
            key: hasher.finish(),
            cursor: 0,
            scroll: 0,
            lower: None,
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Line `i` (0-based) without its line ending.
    pub fn line(&self, i: usize) -> &str {
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text[start..end]
            .trim_end_matches('\n')
            .trim_end_matches('\r')
    }

    /// The line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Where line `i` starts in the text (the end for a line past the last).
    pub fn line_start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(self.text.len())
    }

    /// A line at or a little before `line` where highlighting can plausibly start afresh: the nearest line
    /// that starts at the margin with neither a closing bracket nor a quote (a top-level statement), within
    /// 200 lines; else 20 lines before (some context for what the view shows).
    pub fn restart_line(&self, line: usize) -> usize {
        let line = line.min(self.line_count());
        (line.saturating_sub(200)..=line)
            .rev()
            .find(|&i| {
                self.line(i)
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_whitespace() && !"}])\"'`#/*".contains(c))
            })
            .unwrap_or(line.saturating_sub(20))
    }

    pub fn last_line(&self) -> usize {
        self.line_count().saturating_sub(1)
    }

    /// Moves the cursor to `line` (clamped), scrolling as little as needed for a `page` of lines.
    pub fn move_to(&mut self, line: usize, page: usize) {
        self.cursor = line.min(self.last_line());
        let page = page.max(1);
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + page {
            self.scroll = self.cursor + 1 - page;
        }
    }

    /// Moves the cursor to `line` and shows it a third of the way down (a jump: search, go-to-line).
    pub fn jump_to(&mut self, line: usize, page: usize) {
        self.cursor = line.min(self.last_line());
        self.scroll = self.cursor.saturating_sub(page / 3);
    }

    /// Every place `query` occurs, as (line, start, end) in the line's bytes: case-insensitive unless the
    /// query has a capital letter. At most [`MATCH_LIMIT`]; the flag says whether there were more.
    pub fn find(&mut self, query: &str) -> (Vec<(usize, u32, u32)>, bool) {
        if query.is_empty() {
            return (Vec::new(), false);
        }
        let exact = query.chars().any(char::is_uppercase);
        let needle = if exact {
            query.to_string()
        } else {
            query.to_ascii_lowercase()
        };
        if !exact && self.lower.is_none() {
            self.lower = Some(self.text.to_ascii_lowercase());
        }
        let haystack: &str = match &self.lower {
            Some(lower) if !exact => lower,
            _ => &self.text,
        };
        let mut found = Vec::new();
        let mut more = false;
        for (offset, _) in haystack.match_indices(needle.as_str()) {
            if found.len() == MATCH_LIMIT {
                more = true;
                break;
            }
            let line = self.line_of(offset);
            let start = offset - self.starts[line];
            found.push((line, start as u32, (start + needle.len()) as u32));
        }
        (found, more)
    }
}

/// A search: the query, whether it is being typed, its matches and the one the cursor is on.
pub struct Search {
    pub query: String,
    pub typing: bool,
    pub matches: Vec<(usize, u32, u32)>,
    pub more: bool,
    pub current: Option<usize>,
    /// Where the cursor was when the search began (Esc goes back there).
    pub origin: (usize, usize),
}

impl Search {
    pub fn new(origin: (usize, usize)) -> Self {
        Search {
            query: String::new(),
            typing: true,
            matches: Vec::new(),
            more: false,
            current: None,
            origin,
        }
    }

    /// The first match at or after `line`, else the first.
    pub fn first_from(&self, line: usize) -> Option<usize> {
        if self.matches.is_empty() {
            return None;
        }
        Some(self.matches.iter().position(|m| m.0 >= line).unwrap_or(0))
    }

    /// The matches on lines `from..to`, in order.
    pub fn on_lines(&self, from: usize, to: usize) -> &[(usize, u32, u32)] {
        let start = self.matches.partition_point(|m| m.0 < from);
        let end = self.matches.partition_point(|m| m.0 < to);
        &self.matches[start..end]
    }

    /// "3/17", "0/0", "3/10000+".
    pub fn count(&self) -> String {
        let position = self.current.map_or(0, |c| c + 1);
        let more = if self.more { "+" } else { "" };
        format!("{position}/{}{more}", self.matches.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> OpenFile {
        OpenFile::new(0, "a.py", Arc::from(text), None)
    }

    #[test]
    fn lines_by_offset() {
        assert_eq!(file("").line_count(), 0);
        let f = file("a\r\nbb\n\nccc");
        assert_eq!(f.line_count(), 4);
        assert_eq!(
            (0..4).map(|i| f.line(i)).collect::<Vec<_>>(),
            ["a", "bb", "", "ccc"]
        );
        assert_eq!(file("a\nb\n").line_count(), 2);
        assert_eq!(f.line_of(4), 1);
        assert_eq!(f.line(9), "");
    }

    #[test]
    fn smart_case_search() {
        let mut f = file("Pet pet\nnothing\nPETS\n");
        let (found, more) = f.find("pet");
        assert_eq!(found, vec![(0, 0, 3), (0, 4, 7), (2, 0, 3)]);
        assert!(!more);
        assert_eq!(f.find("Pet").0, vec![(0, 0, 3)]);
        let mut search = Search::new((0, 0));
        search.matches = found;
        assert_eq!(search.first_from(1), Some(2));
        assert_eq!(search.first_from(5), Some(0));
        assert_eq!(search.on_lines(1, 3), &[(2, 0, 3)]);
    }

    #[test]
    fn restart_points_are_top_level_lines() {
        let f = file(
            "import a\n\nexport const x = [\n  1,\n  2,\n];\nfunction f() {\n  return 1;\n}\n",
        );
        assert_eq!(f.restart_line(4), 2);
        assert_eq!(f.restart_line(8), 6, "not the closing brace");
        assert_eq!(f.line_start(2), 10);
        let deep: String = (0..300).map(|i| format!("  {i},\n")).collect();
        assert_eq!(file(&deep).restart_line(250), 230);
    }

    #[test]
    fn cursor_keeps_in_view() {
        let text: String = (0..100).map(|i| format!("{i}\n")).collect();
        let mut f = file(&text);
        f.move_to(30, 10);
        assert_eq!((f.cursor, f.scroll), (30, 21));
        f.move_to(5, 10);
        assert_eq!((f.cursor, f.scroll), (5, 5));
        f.jump_to(500, 30);
        assert_eq!((f.cursor, f.scroll), (99, 89));
    }
}
