//! Descriptions for tools: markup noise removed (HTML tags and entities, Markdown images, links, emphasis and
//! headings), whitespace collapsed (paragraphs and list items keep their line breaks), and bounded in length.

use std::borrow::Cow;

/// HTML elements whose tags are dropped; anything else in angle brackets (`<username>`) is kept as text.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "center",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
];
/// Elements that end a line where they stand.
const BLOCK_TAGS: &[&str] = &[
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "summary",
    "table",
    "tr",
    "ul",
];

/// Cleans markup from `raw`; see the module notes.
pub fn clean_markup(raw: &str) -> String {
    if is_plain(raw) {
        return raw.to_string();
    }
    clean_markup_fully(raw)
}

/// Whether `text` is one line of printable ASCII that cleaning leaves as it is: no tag, entity, link, `**`,
/// heading or fence, and single spaces between words only. Most descriptions are.
pub(super) fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if matches!(first, b' ' | b'#' | b'`' | b'~') || last == b' ' {
        return false;
    }
    let mut previous = 0;
    for &byte in bytes {
        let doubled = byte == previous && matches!(byte, b' ' | b'*');
        if !(0x20..0x7f).contains(&byte) || matches!(byte, b'<' | b'&' | b'[') || doubled {
            return false;
        }
        previous = byte;
    }
    true
}

pub(super) fn clean_markup_fully(raw: &str) -> String {
    let text = strip_html(raw);
    let text = decode_entities(&text);
    let text = strip_markdown(&text);
    collapse_whitespace(&text)
}

/// Cuts `text` to at most `max` characters at a word boundary, ending with "…".
pub fn bound(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let limit = max.saturating_sub(1);
    let byte_end = text
        .char_indices()
        .nth(limit)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..byte_end];
    let cut = match head.rfind(char::is_whitespace) {
        Some(space) if space >= byte_end / 2 => &head[..space],
        _ => head,
    };
    let cut =
        cut.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '('));
    format!("{cut}…")
}

/// The first paragraph on one line, bounded to `max` characters (for search results).
pub fn one_line(text: &str, max: usize) -> String {
    let first = text.split("\n\n").next().unwrap_or("");
    let joined: Vec<&str> = first.split_whitespace().collect();
    bound(&joined.join(" "), max)
}

fn strip_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        if let Some(comment) = after.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        match tag_at(after) {
            Some((len, block)) => {
                if block {
                    out.push('\n');
                } else if after[..len].starts_with("<img")
                    && let Some(alt) = attribute(&after[..len], "alt")
                {
                    out.push_str(alt);
                }
                rest = &after[len..];
            }
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// If `s` starts with a known HTML tag, its length and whether it is a block tag.
fn tag_at(s: &str) -> Option<(usize, bool)> {
    let inner = s.strip_prefix('<')?;
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    if !HTML_TAGS.contains(&name.as_str()) {
        return None;
    }
    let next = inner[name_len..].chars().next()?;
    if !matches!(next, '>' | '/' | ' ' | '\t' | '\n' | '\r') {
        return None;
    }
    let end = s.find('>')?;
    Some((end + 1, BLOCK_TAGS.contains(&name.as_str())))
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let entity = &after[1..semi];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let code = if let Some(hex) =
                        entity.strip_prefix("#x").or(entity.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        entity.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    char::from_u32(code?)?
                }
            };
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Images and links to their text, `**` and heading hashes removed, code fences dropped. (`__` stays: it is
/// common in parameter names such as `created__gte`.)
fn strip_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut first = true;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") || is_link_definition(trimmed) {
            continue;
        }
        let line = match trimmed.strip_prefix('#') {
            Some(_) => {
                let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
                if hashes <= 6 && trimmed[hashes..].starts_with(' ') {
                    &trimmed[hashes + 1..]
                } else {
                    line
                }
            }
            None => line,
        };
        if !first {
            out.push('\n');
        }
        first = false;
        push_without_double_stars(&mut out, &strip_links(line));
    }
    out
}

/// `text` with every `**` removed (left to right, as `str::replace` does).
fn push_without_double_stars(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find("**") {
        out.push_str(&rest[..at]);
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
}

/// `[id]: http://...` lines.
fn is_link_definition(line: &str) -> bool {
    line.starts_with('[')
        && line
            .find("]:")
            .is_some_and(|end| !line[1..end].contains(']'))
}

/// `![alt](url)` → `alt`, `[text](url)` and `[text][ref]` → `text`.
fn strip_links(line: &str) -> Cow<'_, str> {
    if !line.contains('[') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let image = open > 0 && rest[..open].ends_with('!');
        out.push_str(&rest[..if image { open - 1 } else { open }]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            return Cow::Owned(out);
        };
        let label = &after[..close];
        let tail = &after[close + 1..];
        let target_end = match tail.chars().next() {
            Some('(') => tail.find(')').map(|end| end + 1),
            Some('[') => tail.find(']').map(|end| end + 1),
            _ => None,
        };
        match target_end {
            Some(end) if !label.contains('[') => {
                out.push_str(label);
                rest = &tail[end..];
            }
            _ => {
                if image {
                    out.push('!');
                }
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Paragraphs (split at blank lines) joined by one blank line; inside a paragraph, whitespace is one space,
/// except before a list item (`- `, `* `, `+ `, `1. `), which keeps its line break.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = true;
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else {
            blank_run = true;
            continue;
        };
        if !out.is_empty() {
            if blank_run {
                out.push_str("\n\n");
            } else if is_list_item(first) {
                out.push('\n');
            } else {
                out.push(' ');
            }
        }
        blank_run = false;
        out.push_str(first);
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
    }
    out
}

fn is_list_item(first_word: &str) -> bool {
    matches!(first_word, "-" | "*" | "+" | "•")
        || (first_word.ends_with('.')
            && first_word.len() <= 4
            && first_word[..first_word.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit())
            && first_word.len() > 1)
}
