//! Where the reader is in a document, kept on the stack and turned into a JSON pointer only for a warning.

use std::borrow::Cow;

use crate::spec::docs::DocId;
use crate::spec::model::escape_pointer_segment;

/// The longest key (or starting pointer) a warning shows in full; see [`Loc::shown_pointer`].
pub(crate) const MAX_SHOWN: usize = 200;

#[derive(Clone, Copy)]
enum Segment<'p> {
    /// A pointer to start from (already escaped).
    Root(&'p str),
    Key(&'p str),
    Index(usize),
}

#[derive(Clone, Copy)]
pub(crate) struct Loc<'p> {
    pub doc: DocId,
    parent: Option<&'p Loc<'p>>,
    segment: Segment<'p>,
}

impl<'p> Loc<'p> {
    /// A location at `pointer` (an escaped JSON pointer, "" for the document root) in `doc`.
    pub fn at(doc: DocId, pointer: &'p str) -> Loc<'p> {
        Loc {
            doc,
            parent: None,
            segment: Segment::Root(pointer),
        }
    }

    pub fn key(&'p self, key: &'p str) -> Loc<'p> {
        Loc {
            doc: self.doc,
            parent: Some(self),
            segment: Segment::Key(key),
        }
    }

    pub fn index(&'p self, index: usize) -> Loc<'p> {
        Loc {
            doc: self.doc,
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// The JSON pointer of this location within its document.
    pub fn pointer(&self) -> String {
        self.build(usize::MAX)
    }

    /// [`Loc::pointer`] for a warning: a key longer than [`MAX_SHOWN`] bytes is cut short with `…`. A document
    /// can have a path of 500 KB and thousands of warnings under it; in full, they would take gigabytes.
    pub fn shown_pointer(&self) -> String {
        self.build(MAX_SHOWN)
    }

    fn build(&self, limit: usize) -> String {
        let mut segments = Vec::new();
        let mut current = Some(self);
        while let Some(loc) = current {
            segments.push(loc.segment);
            current = loc.parent;
        }
        let mut out = String::new();
        for segment in segments.into_iter().rev() {
            match segment {
                Segment::Root(pointer) => out.push_str(&shorten(pointer, limit)),
                Segment::Key(key) => {
                    out.push('/');
                    out.push_str(&escape_pointer_segment(&shorten(key, limit)));
                }
                Segment::Index(index) => {
                    out.push('/');
                    out.push_str(&index.to_string());
                }
            }
        }
        out
    }
}

/// `text` cut to at most `limit` bytes (at a character boundary) and ended with `…` when it is longer.
pub(crate) fn shorten(text: &str, limit: usize) -> Cow<'_, str> {
    if text.len() <= limit {
        return Cow::Borrowed(text);
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_escaped_pointers() {
        let root = Loc::at(0, "");
        let paths = root.key("paths");
        let path = paths.key("/pets/{id}");
        let params = path.key("parameters");
        let first = params.index(0);
        assert_eq!(first.pointer(), "/paths/~1pets~1{id}/parameters/0");
        let from = Loc::at(0, "/components/schemas/A");
        assert_eq!(
            from.key("properties").pointer(),
            "/components/schemas/A/properties"
        );
    }

    #[test]
    fn shown_pointers_cut_long_keys() {
        let root = Loc::at(0, "");
        let paths = root.key("paths");
        let long = format!("/{}é", "a".repeat(MAX_SHOWN - 2));
        let path = paths.key(&long);
        let get = path.key("get");
        assert_eq!(
            get.pointer(),
            format!("/paths/~1{}é/get", "a".repeat(MAX_SHOWN - 2))
        );
        assert_eq!(
            get.shown_pointer(),
            format!("/paths/~1{}…/get", "a".repeat(MAX_SHOWN - 2))
        );
    }
}
