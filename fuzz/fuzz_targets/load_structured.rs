//! Fuzz data inside a skeleton that is already a valid document of one format, so that most inputs get past
//! sniffing and parsing and into the readers (`$ref` resolution, schema normalization, Postman URLs and
//! variables, GraphQL type building).
//!
//! The first byte picks the skeleton ([`SKELETONS`], modulo their number); the rest goes between its prefix and
//! suffix. For the JSON skeletons the data is the rest of the root object's members, e.g.
//! `"paths":{"/a":{"get":{}}},"components":{}`; for YAML and SDL it is more lines of the document.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// (prefix, suffix) of each skeleton. `fuzz/make_corpus.py` writes seeds in the same order.
const SKELETONS: [(&[u8], &[u8]); 7] = [
    // 0: OpenAPI 3.0, JSON.
    (br#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"#, b"}"),
    // 1: OpenAPI 3.1, JSON.
    (br#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"#, b"}"),
    // 2: Swagger 2.0, JSON.
    (br#"{"swagger":"2.0","info":{"title":"t","version":"1"},"#, b"}"),
    // 3: Postman v2.1 collection, JSON.
    (
        br#"{"info":{"name":"t","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"#,
        b"}",
    ),
    // 4: GraphQL introspection result: the data is the `__schema` object.
    (br#"{"data":{"__schema":"#, b"}}"),
    // 5: OpenAPI 3.0, YAML: the data is more top-level keys.
    (b"openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n", b"\n"),
    // 6: GraphQL SDL: the data is more definitions.
    (b"type Query {\n  ping: String\n}\n", b"\n"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let (prefix, suffix) = SKELETONS[usize::from(selector) % SKELETONS.len()];
    let mut document = Vec::with_capacity(prefix.len() + body.len() + suffix.len());
    document.extend_from_slice(prefix);
    document.extend_from_slice(body);
    document.extend_from_slice(suffix);
    common::load(&document);
});
