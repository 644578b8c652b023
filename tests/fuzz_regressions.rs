//! Inputs that once made the loader hang, run out of memory or crash, found while fuzzing it (see `fuzz/`).
//! Each must load (or be refused with a clear error) quickly and within bounded memory, on a stack the size of
//! the one `mcpow` loads on (tokio's blocking threads: 2 MiB).

use std::sync::mpsc;
use std::time::Duration;

use mcpoverflow::spec::{ApiModel, LoadOptions, SpecError, load_bytes};

/// Far above what any of these inputs needs once fixed (well under a second in release builds), far below what
/// they took before (hours, or all memory).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Loads `bytes` as the fuzz targets do (detached, at most 1 MiB) on a 2 MiB stack, failing the test if the
/// loader panics or takes longer than [`TIME_LIMIT`].
fn load(bytes: Vec<u8>) -> Result<ApiModel, SpecError> {
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .name("loader".into())
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let options = LoadOptions {
                max_bytes: 1 << 20,
                ..Default::default()
            };
            let _ = send.send(load_bytes("fuzz", &bytes, None, &options));
        })
        .unwrap();
    match receive.recv_timeout(TIME_LIMIT) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the loader took more than {TIME_LIMIT:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the loader panicked"),
    }
}

fn warned(model: &ApiModel, needle: &str) -> bool {
    model
        .warnings
        .iter()
        .any(|w| format!("{w:?}").contains(needle))
}

/// The size of the model as JSON: what it holds, to check that nothing multiplied.
fn model_bytes(model: &ApiModel) -> usize {
    serde_json::to_vec(model).unwrap().len()
}

/// OpenAPI: schemas outside `components/schemas` are inlined at each use. With each using the next twice
/// (`a40: allOf [a39, a39]`, ..., `a1: allOf [a0, a0]`) that was 2^40 copies: a hang, then out of memory.
/// Inlining now has a budget, past which such references become named schemas, each normalized once.
#[test]
fn openapi_references_that_double_at_each_step() {
    let mut doc = String::from(
        r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/x/a40"}}}}}}}},"x":{"a0":{"type":"string"}"##,
    );
    for i in 1..=40 {
        let previous = i - 1;
        doc.push_str(&format!(
            r##","a{i}":{{"allOf":[{{"$ref":"#/x/a{previous}"}},{{"$ref":"#/x/a{previous}"}}]}}"##
        ));
    }
    doc.push_str("}}");
    let model = load(doc.into_bytes()).expect("the document loads");
    assert_eq!(model.operations.len(), 1);
    assert!(
        warned(&model, "kept as named schemas"),
        "{:?}",
        model.warnings
    );
    assert!(
        model_bytes(&model) < 64 << 20,
        "{} bytes",
        model_bytes(&model)
    );
}

/// The doubling again, down to a schema with a 15,000-element `example`: a budget counted in schema objects let
/// each copy clone the example, and 32 KB of JSON took more than 2 GB. The budget now counts every value copied.
#[test]
fn openapi_references_that_double_down_to_a_large_example() {
    let example = vec!["1"; 15_000].join(",");
    let mut doc = format!(
        r##"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{"/a":{{"get":{{"responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{{"$ref":"#/x/a40"}}}}}}}}}}}}}}}},"x":{{"a0":{{"type":"string","example":[{example}]}}"##
    );
    for i in 1..=40 {
        let previous = i - 1;
        doc.push_str(&format!(
            r##","a{i}":{{"allOf":[{{"$ref":"#/x/a{previous}"}},{{"$ref":"#/x/a{previous}"}}]}}"##
        ));
    }
    doc.push_str("}}");
    let model = load(doc.into_bytes()).expect("the document loads");
    assert!(
        warned(&model, "kept as named schemas"),
        "{:?}",
        model.warnings
    );
    assert!(
        model_bytes(&model) < 64 << 20,
        "{} bytes",
        model_bytes(&model)
    );
}

/// The same doubling in YAML, through a path item's parameter schema, across the 3.1 dialect.
#[test]
fn openapi_yaml_references_that_double_at_each_step() {
    let mut doc = String::from(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {$ref: '#/x/b30'}}\nx:\n  b0: {type: integer}\n",
    );
    for i in 1..=30 {
        let previous = i - 1;
        doc.push_str(&format!(
            "  b{i}: {{anyOf: [{{$ref: '#/x/b{previous}'}}, {{$ref: '#/x/b{previous}'}}, {{$ref: '#/x/b{previous}'}}]}}\n"
        ));
    }
    let model = load(doc.into_bytes()).expect("the document loads");
    assert_eq!(model.operations.len(), 1);
    assert!(
        model_bytes(&model) < 64 << 20,
        "{} bytes",
        model_bytes(&model)
    );
}

/// Postman: a variable whose value uses itself a hundred times, used in a URL, resolved four levels deep, was
/// 100^5 copies. Expansion now has a budget, past which variables stay `{{name}}`.
#[test]
fn postman_variable_that_uses_itself_many_times() {
    let value = "{{a}}".repeat(100);
    let doc = format!(
        r#"{{"info":{{"name":"c"}},"variable":[{{"key":"a","value":"{value}"}}],"item":[{{"name":"r","request":{{"method":"GET","url":"https://example.com/{{{{a}}}}?q={{{{a}}}}","header":[{{"key":"X","value":"{{{{a}}}}"}}]}}}}]}}"#
    );
    let model = load(doc.into_bytes()).expect("the collection loads");
    assert_eq!(model.operations.len(), 1);
    assert!(
        warned(&model, "variables expand to more than"),
        "{:?}",
        model.warnings
    );
    assert!(
        model_bytes(&model) < 64 << 20,
        "{} bytes",
        model_bytes(&model)
    );
}

/// Postman: many small variables used by many requests add up; the budget is for the whole collection.
#[test]
fn postman_long_variable_used_by_many_requests() {
    let value = "v".repeat(100_000);
    let request = r#"{"name":"r","request":{"url":"{{a}}{{a}}{{a}}{{a}}{{a}}{{a}}{{a}}{{a}}"}}"#;
    let items = vec![request; 5_000].join(",");
    let doc = format!(
        r#"{{"info":{{"name":"c"}},"variable":[{{"key":"a","value":"{value}"}}],"item":[{items}]}}"#
    );
    let model = load(doc.into_bytes()).expect("the collection loads");
    assert_eq!(model.operations.len(), 5_000);
    assert!(
        warned(&model, "variables expand to more than"),
        "{:?}",
        model.warnings
    );
}

/// Postman: `{{` many times with one `}}` at the end. Each `{{` was matched with the far `}}` again: quadratic.
#[test]
fn postman_many_opening_braces() {
    let url = "{{".repeat(200_000) + "}}";
    let doc = format!(
        r#"{{"info":{{"name":"c"}},"item":[{{"name":"r","request":{{"method":"GET","url":"https://x/{url}"}}}}]}}"#
    );
    let model = load(doc.into_bytes()).expect("the collection loads");
    assert_eq!(model.operations.len(), 1);
}

/// Variables are still found next to stray braces after the rewrite of the `{{name}}` scanner.
#[test]
fn postman_variables_next_to_stray_braces() {
    let doc = br#"{"info":{"name":"c"},"variable":[{"key":"host","value":"api.example.com"}],
        "item":[{"name":"r","request":{"url":"https://{{host}}/a}}/{{ {{id}}/b/{{x{y}}/{{id}}}"}}]}"#;
    let model = load(doc.to_vec()).expect("the collection loads");
    let op = &model.operations[0];
    assert_eq!(model.servers[0].url, "https://api.example.com");
    assert!(op.path.contains("{id}"), "{}", op.path);
    assert!(op.path.contains("a}}"), "{}", op.path);
}

/// A `$ref` to a file that says it is empty but goes on and on (`/proc/self/pagemap` reads as 256 GiB) was read
/// until memory ran out. Reading now stops one byte past the size limit (this file even refuses a read whose
/// length is not a multiple of 8, so it fails at once): either way the reference is not followed, with a warning.
#[cfg(target_os = "linux")]
#[test]
fn reference_to_a_file_larger_than_its_size_says() {
    let doc = br##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"$ref":"/proc/self/pagemap#/x"}}}"##;
    let model = load(doc.to_vec()).expect("the document loads with a warning");
    assert!(
        warned(&model, "reference `/proc/self/pagemap`"),
        "{:?}",
        model.warnings
    );
}

/// OpenAPI: an operation with tens of thousands of parameters (and as many on its path item). Duplicates,
/// overrides and shadowing were checked pair by pair: quadratic, seconds for this 900 KB document.
#[test]
fn openapi_operation_with_very_many_parameters() {
    let params: Vec<String> = (0..15_000)
        .map(|i| format!(r#"{{"name":"p{i}","in":"query"}}"#))
        .collect();
    let params = params.join(",");
    let doc = format!(
        r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{"/a":{{"parameters":[{params}],"get":{{"parameters":[{params},{{"name":"P0","in":"header"}}],"responses":{{}}}}}}}}}}"#
    );
    let model = load(doc.into_bytes()).expect("the document loads");
    assert_eq!(model.operations[0].parameters.len(), 15_001);
    assert!(
        warned(&model, "parameter `P0` is both in query and in header"),
        "{:?}",
        model.warnings
    );
}

/// OpenAPI: a path template with very many `{names}`, none declared. Each was looked for in the list of the
/// names before it and in the parameters: quadratic.
#[test]
fn openapi_path_template_with_very_many_names() {
    let path: String = (0..60_000).map(|i| format!("{{n{i}}}")).collect();
    let doc = format!(
        r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{"/{path}":{{"get":{{"responses":{{}}}}}}}}}}"#
    );
    let model = load(doc.into_bytes()).expect("the document loads");
    assert_eq!(model.operations[0].parameters.len(), 60_000);
}
