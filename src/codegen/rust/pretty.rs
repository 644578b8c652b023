//! serde_json's pretty layout (two spaces a level, `": "` after a key), written in pieces: a value can be
//! written as if it sat some levels deep in a larger document, so a large array's entries are written on
//! every core and appended in order, and a value shared by many entries is written once and pasted.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

use crate::codegen::shared::par_append;

/// The pretty layout, starting `depth` levels in.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn next_line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.depth)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(bracket)
    }
}

fn indent<W: ?Sized + Write>(writer: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        writer.write_all(b"  ")?;
    }
    Ok(())
}

impl Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` appended to `out` as it would read `depth` levels into a pretty document.
pub fn value_at<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T, depth: usize) {
    let formatter = Nested {
        depth,
        has_value: false,
    };
    // Writing to memory fails only for a map with keys that are not strings, which no file here has.
    let _ = value.serialize(&mut Serializer::with_formatter(out, formatter));
}

/// An object written field by field, `depth` levels in.
pub struct Object<'a> {
    pub out: &'a mut Vec<u8>,
    depth: usize,
    first: bool,
}

impl<'a> Object<'a> {
    pub fn new(out: &'a mut Vec<u8>, depth: usize) -> Object<'a> {
        out.push(b'{');
        Object {
            out,
            depth,
            first: true,
        }
    }

    /// The next key (a plain name: nothing in it needs escaping); its value is written next, one level in.
    pub fn key(&mut self, key: &str) -> usize {
        debug_assert!(!key.contains(['"', '\\']) && !key.contains(char::is_control));
        self.out
            .extend_from_slice(if self.first { b"\n" } else { b",\n" });
        self.first = false;
        let _ = indent(self.out, self.depth + 1);
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
        self.depth + 1
    }

    pub fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        let depth = self.key(key);
        value_at(self.out, value, depth);
    }

    /// A field whose value was written beforehand at this object's depth + 1.
    pub fn written_field(&mut self, key: &str, text: &[u8]) {
        self.key(key);
        self.out.extend_from_slice(text);
    }

    pub fn end(self) {
        if !self.first {
            self.out.push(b'\n');
            let _ = indent(self.out, self.depth);
        }
        self.out.push(b'}');
    }
}

/// An array of `items`, `depth` levels in, each entry written by `entry` one level in, on every core (and
/// appended in order as it is ready).
pub fn array<T: Sync>(
    out: &mut Vec<u8>,
    items: &[T],
    depth: usize,
    entry: impl Fn(&T, &mut Vec<u8>) + Sync,
) {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    par_append(
        out,
        items,
        || (),
        |index, item, (), text| {
            text.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
            let _ = indent(text, depth + 1);
            entry(item, text);
        },
    );
    out.push(b'\n');
    let _ = indent(out, depth);
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Object, array, value_at};

    fn samples() -> Vec<serde_json::Value> {
        vec![
            json!(null),
            json!([]),
            json!({}),
            json!([[]]),
            json!([{}, [], [1, [2, []], {"a": {}}]]),
            json!({"a": [], "b": {"c": [1, 2.5, "x\"\n"]}, "d": {}, "e": [{}]}),
            json!("\u{1F980} \u{7} </script>"),
        ]
    }

    #[test]
    fn values_written_at_depth_zero_are_serde_jsons_pretty() {
        for value in samples() {
            let mut out = Vec::new();
            value_at(&mut out, &value, 0);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string_pretty(&value).unwrap()
            );
        }
    }

    #[test]
    fn pieces_pasted_together_are_the_whole_documents_pretty() {
        let items = samples();
        let many: Vec<_> = (0..100)
            .map(|i| json!({"i": i, "v": items[i % 7]}))
            .collect();
        for list in [&items[..0], &items[..1], &items[..], &many[..]] {
            let mut out = Vec::new();
            let mut object = Object::new(&mut out, 0);
            object.field("first", &json!({"x": [1]}));
            let depth = object.key("list");
            array(object.out, list, depth, |item, out| {
                let mut entry = Object::new(out, depth + 1);
                entry.field("value", item);
                let mut shared = Vec::new();
                value_at(&mut shared, item, depth + 2);
                entry.written_field("shared", &shared);
                entry.end();
            });
            object.end();
            let whole = json!({
                "first": {"x": [1]},
                "list": list.iter().map(|v| json!({"value": v, "shared": v})).collect::<Vec<_>>(),
            });
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string_pretty(&whole).unwrap()
            );
        }
        let mut empty = Vec::new();
        Object::new(&mut empty, 3).end();
        assert_eq!(empty, b"{}");
    }
}
