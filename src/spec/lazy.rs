//! A JSON document read part by part. One scan checks the text and notes where each top-level entry lies (and
//! each entry of the big containers: `paths`, `components/*`, `definitions`, ...); a part becomes a `Value`
//! only when the reader asks for it, and is dropped when the reader is done, so the whole document never
//! exists as one tree.
//!
//! The whitespace between tokens is dropped (`compact.rs`, on another core while the scan runs), so a
//! pretty-printed document is kept at about half its size while it is read.
//!
//! The scan is strict and gives up on anything unusual (huge exponents, lone surrogates, deep nesting, any
//! syntax error): the caller then parses the whole text as before, which also reports errors as before.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::compact;
#[cfg(target_arch = "x86_64")]
use crate::swar::lane_bits;
use crate::swar::{bytes_equal, control_bytes, first, word_at};

/// Top-level keys whose object is indexed entry by entry (under `components`, one level deeper too).
pub(crate) const SPLIT_TOP: [&str; 6] = [
    "paths",
    "webhooks",
    "components",
    "definitions",
    "parameters",
    "responses",
];
/// Deeper nesting is left to the full parser (which stops at 128).
const MAX_DEPTH: usize = 100;
/// Numbers with more digits, or exponents of three digits, are left to the full parser (it may refuse them).
const MAX_DIGITS: usize = 200;
/// Texts at least this long are compacted on another thread during the scan.
const PARALLEL_COMPACTION: usize = 1 << 20;

pub(crate) struct LazyJson {
    /// The document without whitespace between tokens; spans index into it.
    text: String,
    top: Index,
    /// Parts reached by pointers that go deeper than the index (`#/x/a1` inside an unindexed `x`), kept once
    /// parsed: many such references into one part would otherwise parse it again each time. Parts reached
    /// exactly (a path item, a component) are not kept, so they can be dropped after use.
    deep_parts: Mutex<HashMap<usize, Arc<Value>>>,
}

#[derive(Default)]
struct Index(IndexMap<String, Slot>);

impl Index {
    /// Moves every span (at any depth) from the text's positions to those `to` gives.
    fn move_spans(&mut self, to: &impl Fn(usize) -> usize) {
        for slot in self.0.values_mut() {
            slot.span = to(slot.span.start)..to(slot.span.end);
            if let Some(children) = &mut slot.children {
                children.move_spans(to);
            }
        }
    }
}

struct Slot {
    span: Range<usize>,
    /// The object's entries, when it is indexed one level further.
    children: Option<Index>,
}

/// Where a pointer lands: a part of the text (`None`: the whole) and the rest of the pointer inside it.
type Landing<'a> = (Option<&'a Slot>, &'a str);

impl LazyJson {
    /// Indexes `text`, or gives it back when it is not a JSON object the scan vouches for.
    pub fn new(text: String) -> Result<LazyJson, String> {
        // A large text is compacted on another core while this one scans it.
        let (top, compacted) = if text.len() >= PARALLEL_COMPACTION {
            std::thread::scope(|scope| {
                let compactor = scope.spawn(|| compact::compact(text.as_bytes()));
                let top = scan(&text);
                // Joined either way: the scope would wait for it anyway. Kept only for text the scan vouched for.
                let compacted = compactor.join().ok().flatten();
                (top, compacted)
            })
        } else {
            let top = scan(&text);
            let compacted = top
                .as_ref()
                .ok()
                .and_then(|_| compact::compact(text.as_bytes()));
            (top, compacted)
        };
        let Ok(mut top) = top else {
            return Err(text);
        };
        let text = match compacted {
            None => text,
            Some(compacted) => {
                top.move_spans(&|pos| compacted.position(pos));
                // SAFETY: the scan vouched that the text is JSON, so everything cut is whitespace between
                // tokens: ASCII bytes, none inside a character, and UTF-8 text stays UTF-8 without them.
                unsafe { String::from_utf8_unchecked(compacted.text) }
            }
        };
        Ok(LazyJson {
            text,
            top,
            deep_parts: Mutex::default(),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }

    /// The `openapi` and `swagger` fields, enough to tell the format; `None` when neither is there.
    pub fn probe(&self) -> Option<Value> {
        let map: Map<String, Value> = ["openapi", "swagger"]
            .into_iter()
            .filter_map(|key| Some((key.to_string(), self.parse(self.top.0.get(key)?))))
            .collect();
        (!map.is_empty()).then_some(Value::Object(map))
    }

    /// The top level without the big containers and `x-` extensions (the reader gets those part by part).
    pub fn shallow_root(&self) -> Value {
        let map = self
            .top
            .0
            .iter()
            .filter(|(key, _)| !SPLIT_TOP.contains(&key.as_str()) && !key.starts_with("x-"))
            .map(|(key, slot)| (key.clone(), self.parse(slot)))
            .collect();
        Value::Object(map)
    }

    /// The value at `pointer`: the part of the text holding it, parsed, and the rest of the pointer.
    pub fn part(&self, pointer: &str) -> Option<(Arc<Value>, String)> {
        let (slot, rest) = self.land(pointer)?;
        let unit = match slot {
            Some(slot) if !rest.is_empty() => {
                let mut kept = self
                    .deep_parts
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                kept.entry(slot.span.start)
                    .or_insert_with(|| Arc::new(self.parse(slot)))
                    .clone()
            }
            Some(slot) => Arc::new(self.parse(slot)),
            None => Arc::new(self.parse_whole()),
        };
        unit.pointer(rest)?;
        Some((unit, rest.to_string()))
    }

    pub fn exists(&self, pointer: &str) -> bool {
        match self.land(pointer) {
            Some((_, "")) => true,
            Some(_) => self.part(pointer).is_some(),
            None => false,
        }
    }

    /// The keys of the object at `pointer`, in order; `None` when there is none.
    pub fn keys(&self, pointer: &str) -> Option<Vec<String>> {
        let index = match self.land(pointer)? {
            (None, "") => Some(&self.top),
            (Some(slot), "") => slot.children.as_ref(),
            _ => None,
        };
        match index {
            Some(index) => Some(index.0.keys().cloned().collect()),
            None => {
                let (unit, rest) = self.part(pointer)?;
                let object = unit.pointer(&rest)?.as_object()?;
                Some(object.keys().cloned().collect())
            }
        }
    }

    fn land<'a>(&'a self, pointer: &'a str) -> Option<Landing<'a>> {
        if pointer.is_empty() {
            return Some((None, ""));
        }
        if !pointer.starts_with('/') {
            return None;
        }
        let mut index = &self.top;
        let mut rest = pointer;
        loop {
            let after = &rest[1..];
            let (segment, next) = match after.find('/') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, ""),
            };
            let slot = index.0.get(unescape(segment).as_ref())?;
            match &slot.children {
                Some(children) if !next.is_empty() => {
                    index = children;
                    rest = next;
                }
                _ => return Some((Some(slot), next)),
            }
        }
    }

    fn parse(&self, slot: &Slot) -> Value {
        // The scan vouched for the text; a part serde_json still refused would read as null.
        serde_json::from_str(&self.text[slot.span.clone()]).unwrap_or(Value::Null)
    }

    fn parse_whole(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// A JSON pointer segment's key (as serde_json reads it).
fn unescape(segment: &str) -> Cow<'_, str> {
    if segment.contains('~') {
        Cow::Owned(segment.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// The scan gave up on the text.
struct Refused;

/// Checks `text` and indexes its top level (and the big containers' entries), spans in the text's positions.
fn scan(text: &str) -> Result<Index, Refused> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    scan.ws();
    let top = match scan.peek() {
        Some(b'{') => scan.object_index(1, 0, "")?,
        _ => return Err(Refused),
    };
    scan.ws();
    if scan.pos == text.len() {
        Ok(top)
    } else {
        Err(Refused)
    }
}

struct Scan<'t> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        self.pos = skip_whitespace(self.bytes, self.pos);
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, byte: u8) -> Result<(), Refused> {
        if self.eat(byte) { Ok(()) } else { Err(Refused) }
    }

    /// An object, its entries noted; `level` 0 is the top, 1 a container of [`SPLIT_TOP`].
    fn object_index(&mut self, depth: usize, level: u8, key: &str) -> Result<Index, Refused> {
        let mut index = Index::default();
        self.expect(b'{')?;
        self.ws();
        if self.eat(b'}') {
            return Ok(index);
        }
        loop {
            let name = self.key()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            let start = self.pos;
            let split = match level {
                0 => SPLIT_TOP.contains(&name.as_str()),
                _ => key == "components",
            };
            let children = if split && level < 2 && self.peek() == Some(b'{') {
                Some(self.object_index(depth + 1, level + 1, &name)?)
            } else {
                self.value(depth)?;
                None
            };
            let span = start..self.pos;
            index.0.insert(name, Slot { span, children });
            self.ws();
            if self.eat(b',') {
                self.ws();
                continue;
            }
            self.expect(b'}')?;
            return Ok(index);
        }
    }

    fn key(&mut self) -> Result<String, Refused> {
        let start = self.pos;
        let escaped = self.string()?;
        let quoted = &self.text[start..self.pos];
        if escaped {
            serde_json::from_str(quoted).map_err(|_| Refused)
        } else {
            Ok(quoted[1..quoted.len() - 1].to_string())
        }
    }

    /// One value, checked and passed over.
    fn value(&mut self, depth: usize) -> Result<(), Refused> {
        if depth > MAX_DEPTH {
            return Err(Refused);
        }
        match self.peek().ok_or(Refused)? {
            b'{' => self.container(depth, b'}', true),
            b'[' => self.container(depth, b']', false),
            b'"' => self.string().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Refused),
        }
    }

    fn container(&mut self, depth: usize, close: u8, keyed: bool) -> Result<(), Refused> {
        self.pos += 1;
        self.ws();
        if self.eat(close) {
            return Ok(());
        }
        loop {
            if keyed {
                self.string()?;
                self.ws();
                self.expect(b':')?;
                self.ws();
            }
            self.value(depth + 1)?;
            self.ws();
            if self.eat(b',') {
                self.ws();
                continue;
            }
            return self.expect(close);
        }
    }

    /// A string; true when it holds escapes.
    fn string(&mut self) -> Result<bool, Refused> {
        self.expect(b'"')?;
        let mut escaped = false;
        loop {
            // Plain text up to the next quote or backslash; a control character in it refuses.
            self.pos = plain_text_end(self.bytes, self.pos)?;
            if self.bytes[self.pos] == b'"' {
                self.pos += 1;
                return Ok(escaped);
            }
            escaped = true;
            self.escape()?;
        }
    }

    fn escape(&mut self) -> Result<(), Refused> {
        self.pos += 1;
        match self.peek().ok_or(Refused)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                self.pos += 1;
                Ok(())
            }
            b'u' => {
                let unit = self.hex()?;
                match unit {
                    0xD800..=0xDBFF => {
                        // Only a complete surrogate pair; anything else is the full parser's to judge.
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(Refused);
                        }
                        self.pos += 1;
                        match self.hex()? {
                            0xDC00..=0xDFFF => Ok(()),
                            _ => Err(Refused),
                        }
                    }
                    0xDC00..=0xDFFF => Err(Refused),
                    _ => Ok(()),
                }
            }
            _ => Err(Refused),
        }
    }

    /// `uXXXX` (at the `u`).
    fn hex(&mut self) -> Result<u32, Refused> {
        let digits = self.bytes.get(self.pos + 1..self.pos + 5).ok_or(Refused)?;
        let digits = std::str::from_utf8(digits).map_err(|_| Refused)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Refused);
        }
        self.pos += 5;
        u32::from_str_radix(digits, 16).map_err(|_| Refused)
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Refused> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Refused)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<(), Refused> {
        self.eat(b'-');
        let mut count = match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                1
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Refused),
        };
        if self.eat(b'.') {
            let fraction = self.digits();
            if fraction == 0 {
                return Err(Refused);
            }
            count += fraction;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !(1..=2).contains(&self.digits()) {
                return Err(Refused);
            }
        }
        if count > MAX_DIGITS {
            return Err(Refused);
        }
        Ok(())
    }
}

/// Where the whitespace from `pos` ends. Pretty-printed documents indent with runs of spaces: eight at a time.
fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    loop {
        while pos + 8 <= bytes.len() {
            let others = word_at(bytes, pos) ^ SPACES;
            if others != 0 {
                pos = first(pos, others);
                break;
            }
            pos += 8;
        }
        match bytes.get(pos) {
            Some(b' ' | b'\n' | b'\t' | b'\r') => pos += 1,
            _ => return pos,
        }
    }
}

/// Where the plain text of a string from `pos` ends: at the first quote or backslash, eight bytes at a time.
/// A control character before it (or no end at all) refuses.
fn plain_text_end(bytes: &[u8], mut pos: usize) -> Result<usize, Refused> {
    #[cfg(target_arch = "x86_64")]
    while let Some(lane) = bytes.get(pos..pos + 16) {
        // At or below 0x1f: a control character.
        let bits = lane_bits(lane.try_into().expect("16 bytes"), 0x1f);
        let stops = bits.quotes | bits.backslashes | bits.at_most;
        if stops != 0 {
            pos += stops.trailing_zeros() as usize;
            return if bytes[pos] < 0x20 {
                Err(Refused)
            } else {
                Ok(pos)
            };
        }
        pos += 16;
    }
    while pos + 8 <= bytes.len() {
        let word = word_at(bytes, pos);
        let stops = bytes_equal(word, b'"') | bytes_equal(word, b'\\') | control_bytes(word);
        if stops != 0 {
            pos = first(pos, stops);
            return if bytes[pos] < 0x20 {
                Err(Refused)
            } else {
                Ok(pos)
            };
        }
        pos += 8;
    }
    loop {
        match *bytes.get(pos).ok_or(Refused)? {
            b'"' | b'\\' => return Ok(pos),
            0..0x20 => return Err(Refused),
            _ => pos += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lazy(text: &str) -> Option<LazyJson> {
        LazyJson::new(text.to_string()).ok()
    }

    #[test]
    fn parts_are_found_by_pointer() {
        let doc = lazy(
            r#" {"openapi": "3.1.0", "paths": {"/a/{b}": {"get": {"x": [1, 2.5e-3, -0]}}},
            "components": {"schemas": {"A~B": {"type": "string"}, "C\u00e9": true}}, "x-big": {"k": null}} "#,
        )
        .unwrap();
        assert_eq!(doc.probe(), Some(json!({"openapi": "3.1.0"})));
        assert_eq!(doc.shallow_root(), json!({"openapi": "3.1.0"}));
        let (unit, rest) = doc.part("/paths/~1a~1{b}/get/x/1").unwrap();
        assert_eq!(rest, "/get/x/1");
        assert_eq!(unit.pointer(&rest), Some(&json!(2.5e-3)));
        assert!(doc.exists("/components/schemas/A~0B"));
        assert!(doc.exists("/components/schemas/Cé"));
        assert!(!doc.exists("/components/schemas/D"));
        assert!(!doc.exists("/paths/~1a~1{b}/put"));
        assert_eq!(
            doc.keys("/components/schemas").unwrap(),
            vec!["A~B".to_string(), "Cé".to_string()]
        );
        assert_eq!(doc.keys("/x-big").unwrap(), vec!["k".to_string()]);
        assert_eq!(doc.part("").unwrap().0["x-big"], json!({"k": null}));
    }

    #[test]
    fn whitespace_between_tokens_is_dropped_and_strings_keep_theirs() {
        let pretty = "\n {\n  \"paths\" : {\n    \"/a b\": { \"get\": [ 1 ,\t2 ] }\r\n  },\n  \"k\": \" x \\\" y \"\n}\n ";
        let doc = lazy(pretty).unwrap();
        assert_eq!(
            doc.text(),
            r#"{"paths":{"/a b":{"get":[1,2]}},"k":" x \" y "}"#
        );
        let (unit, rest) = doc.part("/paths/~1a b/get").unwrap();
        assert_eq!(unit.pointer(&rest), Some(&json!([1, 2])));
        assert_eq!(doc.part("/k").unwrap().0.as_str(), Some(" x \" y "));
        let compact = r#"{"a":{"b":[true]}}"#;
        assert_eq!(lazy(compact).unwrap().text(), compact);
        // A refused text comes back as it was, for the full parser's located error.
        assert_eq!(
            LazyJson::new(" {\"a\": [1,]} ".into()).err().unwrap(),
            " {\"a\": [1,]} "
        );
    }

    #[test]
    fn anything_unusual_is_left_to_the_full_parser() {
        for text in [
            "[1]",
            "{\"a\": 1,}",
            "{\"a\": 01}",
            "{\"a\": 1e400}",
            "{\"a\": \"\\ud800\"}",
            "{\"a\": \"tab\there\"}",
            "{\"a\": \"after an escape \\n\u{1}\"}",
            "{\"key\u{1f}\": 1}",
            "{\"a\": \"never closed}",
            "{\"a\": 1} x",
            "{\"a\": tru}",
        ] {
            assert!(lazy(text).is_none(), "{text}");
        }
        let deep = format!("{{\"a\": {}1{}}}", "[".repeat(120), "]".repeat(120));
        assert!(lazy(&deep).is_none());
        assert!(lazy("{\"a\": \"\\ud83d\\ude00 \\n\", \"b\": [true, false, null]}").is_some());
    }

    /// The model read part by part is the model read from the whole tree, warnings included.
    #[test]
    fn models_match_the_whole_tree_reading() {
        use crate::spec::docs::Body;
        use crate::spec::openapi::Dialect;
        use crate::spec::source::{DocLocation, LoadOptions};
        let openapi = r##"{"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
          "paths": {"/a/{id}": {"parameters": [{"$ref": "#/components/parameters/id"}],
            "get": {"responses": {"200": {"$ref": "#/components/responses/ok"}},
              "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A/properties/b"},
                "examples": {"one": {"$ref": "#/components/examples/one"}}}}}}},
            "/b": {"$ref": "#/paths/~1a~1{id}"}, "x-skip": {}, "/c": {"get": {"parameters": [{"$ref": "#/nowhere"}]}}},
          "webhooks": {"ping": {"post": {"responses": {}}}},
          "components": {"schemas": {"A": {"type": "object", "properties": {"b": {"type": "string", "nullable": true}},
              "additionalProperties": {"$ref": "#/components/schemas/A"}}},
            "parameters": {"id": {"name": "id", "in": "path", "schema": {"type": "integer"}}},
            "responses": {"ok": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}},
            "examples": {"one": {"value": {"b": "x"}}}}, "x-webhooks": {"big": [1, 2, 3]}}"##;
        let swagger = r##"{"swagger": "2.0", "info": {"title": "S", "version": "1"}, "host": "h",
          "paths": {"/p": {"get": {"parameters": [{"$ref": "#/parameters/q"}], "responses": {"200": {"$ref": "#/responses/r"}}}}},
          "parameters": {"q": {"name": "q", "in": "query", "type": "string"}},
          "responses": {"r": {"description": "r", "schema": {"$ref": "#/definitions/D"}}},
          "definitions": {"D": {"type": "object", "x-nullable": true}}}"##;
        for (text, dialect) in [(openapi, Dialect::Openapi31), (swagger, Dialect::Swagger2)] {
            let options = LoadOptions::default();
            let read = |body: Body| {
                let root = crate::spec::docs::Document {
                    name: "t.json".into(),
                    location: DocLocation::Detached,
                    body,
                };
                let mut docs = crate::spec::docs::DocumentSet::new(root, 0, &options, None);
                serde_json::to_value(crate::spec::openapi::read(&mut docs, dialect, "x")).unwrap()
            };
            let tree: Value = serde_json::from_str(text).unwrap();
            let whole = read(Body::Tree(std::sync::Arc::new(tree)));
            let parts = read(Body::Lazy(std::sync::Arc::new(lazy(text).unwrap())));
            assert_eq!(parts, whole);
            assert!(!whole["operations"].as_array().unwrap().is_empty());
        }
    }

    /// The word-at-a-time scans against plain byte loops, at every offset and length around a word.
    #[test]
    fn word_scans_agree_with_byte_loops() {
        let fillers: [&[u8]; 4] = [b" ", b" \n\t\r", b"a\xc3\xa9", b"x\x01\x1f\x7f\x80\xe0"];
        for filler in fillers {
            for length in 0..24 {
                for stop in [b'"', b'\\', b'{', 0x1f] {
                    let mut bytes: Vec<u8> = filler.iter().copied().cycle().take(length).collect();
                    bytes.push(stop);
                    bytes.extend_from_slice(b"   ");
                    for start in 0..bytes.len() {
                        let spaces = (start..bytes.len())
                            .find(|&i| !b" \n\t\r".contains(&bytes[i]))
                            .unwrap_or(bytes.len());
                        assert_eq!(
                            skip_whitespace(&bytes, start),
                            spaces,
                            "{bytes:?} from {start}"
                        );
                        let plain = (start..bytes.len())
                            .find(|&i| matches!(bytes[i], b'"' | b'\\' | 0..0x20));
                        let expected = match plain {
                            Some(i) if bytes[i] >= 0x20 => Some(i),
                            _ => None,
                        };
                        assert_eq!(
                            plain_text_end(&bytes, start).ok(),
                            expected,
                            "{bytes:?} from {start}"
                        );
                    }
                }
            }
        }
    }

    /// A text long enough to be compacted on another thread reads as a short one does; refused, it comes back.
    #[test]
    fn large_texts_are_compacted_beside_the_scan() {
        let entry =
            "  \"/p{i}\": {\n    \"get\": {\"description\": \"a \\\" b\", \"x\": [1, 2]}\n  }";
        let entries: Vec<String> = (0..30_000)
            .map(|i| entry.replace("{i}", &i.to_string()))
            .collect();
        let text = format!("{{\n \"paths\": {{\n{}\n }}\n}}\n", entries.join(",\n"));
        assert!(text.len() >= PARALLEL_COMPACTION);
        let doc = lazy(&text).unwrap();
        let whole: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc.text(), serde_json::to_string(&whole).unwrap());
        for i in [0, 1, 12_345, 29_999] {
            let (unit, rest) = doc.part(&format!("/paths/~1p{i}")).unwrap();
            assert_eq!(
                unit.pointer(&rest),
                whole.pointer(&format!("/paths/~1p{i}"))
            );
        }
        let broken = format!("{}]", &text[..text.len() - 2]);
        assert_eq!(LazyJson::new(broken.clone()).err(), Some(broken));
    }

    #[test]
    fn duplicate_keys_keep_the_first_place_and_the_last_value() {
        let doc = lazy(r#"{"paths": {"/a": 1, "/b": 2, "/a": 3}}"#).unwrap();
        assert_eq!(doc.keys("/paths").unwrap(), vec!["/a", "/b"]);
        assert_eq!(*doc.part("/paths/~1a").unwrap().0, json!(3));
    }
}
