//! Every source: a file, stdin, a URL on 127.0.0.1, discovery on a running service, remote references.

mod common;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use common::{assert_refused, inspect, sample, serve};

fn petstore_yaml() -> String {
    std::fs::read_to_string(sample("petstore-3.0.yaml")).unwrap()
}

fn operations(output: &std::process::Output) -> u64 {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["operations"].as_u64().unwrap()
}

#[test]
fn stdin_is_read_and_detected_by_content() {
    for name in [
        "petstore-3.0.yaml",
        "petstore-swagger-2.0.json",
        "petstore.graphql",
        "petstore.postman_collection.json",
    ] {
        let bytes = std::fs::read(sample(name)).unwrap();
        let output = inspect(&["--json", "-"], Some(&bytes));
        assert!(operations(&output) >= 10, "{name}");
    }
}

#[test]
fn stdin_errors_name_stdin() {
    let output = inspect(&["-"], Some(b"openapi: 3.0.0\ninfo: [unclosed\n"));
    assert_refused(&output, "<stdin>: line 3, column 1");
}

#[tokio::test(flavor = "multi_thread")]
async fn url_is_fetched_over_http() {
    let yaml = petstore_yaml();
    let base =
        serve(Router::new().route("/specs/pets.yaml", get(move || async move { yaml }))).await;
    let url = format!("{base}/specs/pets.yaml");
    let output = tokio::task::spawn_blocking(move || inspect(&["--json", &url], None))
        .await
        .unwrap();
    assert_eq!(operations(&output), 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn running_service_is_discovered() {
    let json = std::fs::read_to_string(sample("petstore-swagger-2.0.json")).unwrap();
    let app = Router::new()
        .route(
            "/",
            get(|| async { "<html>the service's home page</html>" }),
        )
        .route(
            "/v3/api-docs",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
        );
    let base = serve(app).await;
    let output = tokio::task::spawn_blocking(move || inspect(&["--json", &base], None))
        .await
        .unwrap();
    assert_eq!(operations(&output), 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_failure_lists_what_was_tried() {
    let base = serve(Router::new().route("/", get(|| async { "hello" }))).await;
    let output = tokio::task::spawn_blocking(move || inspect(&[&base], None))
        .await
        .unwrap();
    let stderr = assert_refused(&output, "no API description found");
    assert!(
        stderr.contains("/openapi.json") && stderr.contains("/swagger/v1/swagger.json"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn redirect_loops_and_errors_are_clear() {
    let app = Router::new()
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route(
            "/gone.json",
            get(|| async { (StatusCode::NOT_FOUND, "no") }),
        );
    let base = serve(app).await;
    let looped = format!("{base}/loop");
    let output = tokio::task::spawn_blocking(move || inspect(&[&looped], None))
        .await
        .unwrap();
    assert_refused(&output, "no API description found");
    let unreachable = "http://127.0.0.1:9/openapi.json".to_string();
    let output = tokio::task::spawn_blocking(move || inspect(&[&unreachable], None))
        .await
        .unwrap();
    assert_refused(&output, "could not connect");
}

#[tokio::test(flavor = "multi_thread")]
async fn stalled_server_times_out() {
    let app = Router::new().route(
        "/slow.json",
        get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            "{}"
        }),
    );
    let base = serve(app).await;
    let url = format!("{base}/slow.json");
    let output = tokio::task::spawn_blocking(move || inspect(&["--timeout", "1", &url], None))
        .await
        .unwrap();
    assert_refused(&output, "timed out");
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_download_is_refused() {
    let big = "x".repeat(3 * 1024 * 1024);
    let base =
        serve(Router::new().route("/big.json", get(move || async move { big.into_response() })))
            .await;
    let url = format!("{base}/big.json");
    let output = tokio::task::spawn_blocking(move || inspect(&["--max-size", "1", &url], None))
        .await
        .unwrap();
    assert_refused(&output, "larger than the 1 MB limit");
}

const ROOT_WITH_REMOTE_REF: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "remote", "version": "1"},
  "paths": {"/pets": {"get": {"operationId": "listPets",
    "responses": {"200": {"description": "ok", "content": {"application/json":
      {"schema": {"$ref": "REMOTE/models.json#/components/schemas/Pet"}}}}}}}}
}"##;

#[tokio::test(flavor = "multi_thread")]
async fn remote_refs_only_when_allowed() {
    let models = r#"{"components": {"schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}}}"#;
    let base = serve(Router::new().route("/models.json", get(move || async move { models }))).await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root.json");
    std::fs::write(&root, ROOT_WITH_REMOTE_REF.replace("REMOTE", &base)).unwrap();
    let path = root.to_str().unwrap().to_string();

    let refused_path = path.clone();
    let output = tokio::task::spawn_blocking(move || inspect(&["--json", &refused_path], None))
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let warning = json["warnings"][0]["message"].as_str().unwrap();
    assert!(warning.contains("--allow-remote-refs"), "{warning}");
    assert_eq!(json["schemas"], serde_json::json!([]));

    let output = tokio::task::spawn_blocking(move || {
        inspect(&["--json", "--allow-remote-refs", &path], None)
    })
    .await
    .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["warnings"], serde_json::json!([]), "{json}");
    assert_eq!(json["schemas"], serde_json::json!(["Pet"]));
}

#[test]
fn missing_file_and_directory_are_clear() {
    assert_refused(
        &inspect(&["no/such/file.yaml"], None),
        "no/such/file.yaml: cannot read",
    );
    assert_refused(
        &inspect(&["specs"], None),
        "specs: cannot read: is a directory",
    );
}
