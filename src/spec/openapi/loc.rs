//! Where the reader is in a document, kept on the stack and turned into a JSON pointer only for a warning.

use crate::spec::docs::DocId;
use crate::spec::model::escape_pointer_segment;

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
        let mut segments = Vec::new();
        let mut current = Some(self);
        while let Some(loc) = current {
            segments.push(loc.segment);
            current = loc.parent;
        }
        let mut out = String::new();
        for segment in segments.into_iter().rev() {
            match segment {
                Segment::Root(pointer) => out.push_str(pointer),
                Segment::Key(key) => {
                    out.push('/');
                    out.push_str(&escape_pointer_segment(key));
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
}
