//! Unusable input gets exit 2 and one `error:` line naming the file and the line and column (or pointer),
//! within seconds and bounded memory: never a panic, a stack overflow or a hang.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_refused, inspect};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn refuse(bytes: &[u8], name: &str, needle: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, bytes);
    let output = inspect(&[path.to_str().unwrap()], None);
    let stderr = assert_refused(&output, needle);
    assert!(stderr.contains(name), "the error names the file: {stderr}");
    stderr
}

#[test]
fn malformed_json_names_line_and_column() {
    refuse(
        b"{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\"title\": \"x\",,}\n}",
        "bad.json",
        "line 3, column 25",
    );
}

#[test]
fn malformed_yaml_names_line_and_column() {
    refuse(
        b"openapi: 3.0.0\ninfo:\n  title: x\n   version: 1\n",
        "bad.yaml",
        "line 4, column",
    );
}

#[test]
fn documents_of_no_known_format_are_refused() {
    refuse(
        b"name: my grocery list\nitems: [milk, eggs]\n",
        "list.yaml",
        "not an API description",
    );
    refuse(
        b"just some prose, not a description\n",
        "notes.txt",
        "not an API description",
    );
    refuse(b"[1, 2, 3]", "array.json", "an array");
    refuse(
        b"swagger: '1.2'\n",
        "old.yaml",
        "Swagger version `1.2` is not supported",
    );
    refuse(
        b"openapi: 2.5.0\n",
        "odd.yaml",
        "OpenAPI version `2.5.0` is not supported",
    );
}

#[test]
fn legacy_postman_collection_is_refused_with_advice() {
    let v1 = br#"{"id": "c1", "name": "old", "order": ["r1"], "requests": [{"id": "r1", "url": "http://x", "method": "GET"}]}"#;
    refuse(
        v1,
        "old.postman_collection.json",
        "export it from Postman as Collection v2.1",
    );
}

#[test]
fn empty_and_blank_files_are_refused() {
    refuse(b"", "empty.yaml", "the document is empty");
    refuse(b"  \n\n\t\n", "blank.json", "the document is empty");
}

#[test]
fn invalid_utf8_names_its_position() {
    refuse(
        b"openapi: 3.0.0\ninfo:\n  title: caf\xe9\n",
        "latin1.yaml",
        "line 3, column 13: invalid UTF-8",
    );
}

#[test]
fn huge_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    // A sparse 200 MB file: refused from its size, so nothing of it is read into memory.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(200 * 1024 * 1024)
        .unwrap();
    let output = inspect(&[path.to_str().unwrap()], None);
    assert_refused(&output, "larger than the 100 MB limit");
}

#[test]
fn huge_stdin_is_cut_off_at_the_limit() {
    let bytes = vec![b' '; 3 * 1024 * 1024];
    let output = inspect(&["--max-size", "2", "-"], Some(&bytes));
    assert_refused(
        &output,
        "<stdin>: the document is larger than the 2 MB limit",
    );
}

#[test]
fn yaml_alias_bomb_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("openapi: 3.0.0\n");
    refuse(text.as_bytes(), "bomb.yaml", "alias bomb");
}

#[test]
fn nesting_100000_levels_is_refused_in_every_syntax() {
    let depth = 100_000;
    let json = "[".repeat(depth) + &"]".repeat(depth);
    refuse(json.as_bytes(), "deep.json", "nests deeper than 128 levels");
    let flow = "openapi: 3.0.0\nx: ".to_string() + &"{a: ".repeat(depth) + "1" + &"}".repeat(depth);
    refuse(flow.as_bytes(), "deep-flow.yaml", "line 2, column");
    let block = "- ".repeat(depth) + "1\n";
    refuse(
        block.as_bytes(),
        "deep-block.yaml",
        "nests deeper than 128 levels",
    );
    let sdl = "type Query { a(x: ".to_string()
        + &"[".repeat(depth)
        + "Int"
        + &"]".repeat(depth)
        + "): Int }";
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "deep.graphql", sdl.as_bytes());
    let output = inspect(&[path.to_str().unwrap()], None);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn reference_cycle_through_path_items_loads_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: '#/paths/~1b'}\n  /b: {$ref: '#/paths/~1a'}\n";
    let path = write(dir.path(), "cycle.yaml", text);
    let json = common::inspect_json(&path);
    assert_eq!(json["operations"], 0);
    let warning = &json["warnings"][0];
    assert_eq!(warning["pointer"], "/paths/~1a");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("reference cycle"),
        "{warning}"
    );
}

#[test]
fn wrong_shapes_inside_a_spec_are_warnings_not_crashes() {
    let text = br#"{"openapi": "3.0.0", "info": "not an object", "paths": {"/a": {"get": "nope", "post": {"parameters": {"x": 1}, "requestBody": 7, "responses": []}}}, "components": {"schemas": {"A": 5, "B": {"properties": []}}}}"#;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "shapes.json", text);
    let json = common::inspect_json(&path);
    assert_eq!(json["operations"], 1);
    let pointers: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["pointer"].as_str().unwrap())
        .collect();
    for expected in [
        "/info",
        "/paths/~1a/get",
        "/paths/~1a/post/parameters",
        "/paths/~1a/post/responses",
        "/components/schemas/A",
    ] {
        assert!(
            pointers.contains(&expected),
            "no warning at {expected}: {pointers:?}"
        );
    }
}
