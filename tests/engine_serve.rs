//! `mcpow engine serve` as a separate process on 127.0.0.1, spoken to over real HTTP: health, analyze, sync
//! and async generation (stages seen while polling, one job per idempotency key), tests, validation, the AI-only
//! refusals, the API key, and a JSON error for every bad request.

mod common;

use std::time::Duration;

use common::processes::{Running, start_mcpow_with};
use serde_json::{Value, json};

const KEY: &str = "engine-test-key";

fn engine(args: &[&str]) -> Running {
    let mut all = vec!["engine", "serve", "--port", "0"];
    all.extend_from_slice(args);
    start_mcpow_with(&all, &[("MCPOW_ENGINE_API_KEY", KEY)])
}

fn petstore() -> String {
    std::fs::read_to_string(common::sample("petstore-3.0.yaml")).unwrap()
}

/// `METHOD url` with the key (when `keyed`) and a JSON body; the status and the JSON answer.
async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    keyed: bool,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.request(method, url);
    if keyed {
        request = request.bearer_auth(KEY);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the engine answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, value)
}

fn generation(language: &str, endpoints: Option<Vec<&str>>) -> Value {
    let mut body = json!({
        "name": "clinic",
        "specType": "openapi",
        "spec": petstore(),
        "language": language,
        "runtime": "stdio",
    });
    if let Some(endpoints) = endpoints {
        body["endpoints"] = json!(endpoints);
    }
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn the_engine_api_over_http() {
    let engine = engine(&[]);
    let base = engine.url.clone();
    let client = reqwest::Client::new();
    let post = reqwest::Method::POST;
    let get = reqwest::Method::GET;

    let (status, health) = call(&client, get.clone(), format!("{base}/health"), false, None).await;
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    assert_eq!(health["engine"], "mcpow-embedded");

    // The key is required, and a wrong one refused, with a JSON error.
    let analyze = json!({"specType": "openapi", "spec": petstore()});
    let url = format!("{base}/api/analyze");
    let (status, refused) = call(
        &client,
        post.clone(),
        url.clone(),
        false,
        Some(analyze.clone()),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let wrong = client
        .post(&url)
        .bearer_auth("not-the-key")
        .json(&analyze)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let (status, analysis) = call(&client, post.clone(), url.clone(), true, Some(analyze)).await;
    assert_eq!(status, 200, "{analysis}");
    assert_eq!(analysis["endpoints"].as_array().unwrap().len(), 10);
    assert_eq!(analysis["suggestedName"], "pet-clinic-store-mcp");
    assert!(
        analysis["auth"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "bearerAuth")
    );

    // Bad requests name what is wrong.
    let (status, bad) = call(
        &client,
        post.clone(),
        url.clone(),
        true,
        Some(json!({"specType": "openapi"})),
    )
    .await;
    assert_eq!((status, bad["code"].as_str()), (400, Some("bad_request")));
    assert!(bad["error"].as_str().unwrap().contains("spec"), "{bad}");
    let broken = json!({"specType": "openapi", "spec": "openapi: 3.0.0\ninfo: {title: x\n"});
    let (status, bad) = call(&client, post.clone(), url, true, Some(broken)).await;
    assert_eq!((status, bad["code"].as_str()), (400, Some("bad_spec")));
    assert!(bad["error"].as_str().unwrap().contains("line"), "{bad}");
    let (status, missing) = call(
        &client,
        get.clone(),
        format!("{base}/api/nothing"),
        true,
        None,
    )
    .await;
    assert_eq!((status, missing["code"].as_str()), (404, Some("not_found")));

    // Sync generation.
    let url = format!("{base}/api/generate-connector");
    let (status, generated) = call(
        &client,
        post.clone(),
        url.clone(),
        true,
        Some(generation("python", Some(vec!["getPet"]))),
    )
    .await;
    assert_eq!(status, 200, "{generated}");
    let files = generated["connector"]["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f["path"] == "pyproject.toml"));
    let operations = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("/operations.py"))
        .unwrap();
    assert!(
        operations["content"]
            .as_str()
            .unwrap()
            .contains("\"getPet\"")
    );
    let mut described = generation("python", None);
    described["description"] = json!("a shop for pets");
    let (status, refused) = call(&client, post.clone(), url, true, Some(described)).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (501, Some("ai_required"))
    );

    // Async: 202 with a job id; the same idempotency key is the same job; polling sees it through.
    let url = format!("{base}/api/jobs/generate-connector");
    let create = || {
        client
            .post(&url)
            .bearer_auth(KEY)
            .header("Idempotency-Key", "request-1")
            .json(&generation("rust", None))
            .send()
    };
    let first = create().await.unwrap();
    assert_eq!(first.status().as_u16(), 202);
    let first: Value = first.json().await.unwrap();
    let again: Value = create().await.unwrap().json().await.unwrap();
    assert_eq!(
        first["jobId"], again["jobId"],
        "one job per idempotency key"
    );
    let job_url = format!("{base}/api/jobs/{}", first["jobId"].as_str().unwrap());
    let mut seen = Vec::new();
    let finished = loop {
        let (status, state) = call(&client, get.clone(), job_url.clone(), true, None).await;
        assert_eq!(status, 200);
        let status = state["status"].as_str().unwrap().to_string();
        if !seen.contains(&status) {
            seen.push(status.clone());
        }
        if status == "completed" || status == "failed" {
            break state;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!(finished["status"], "completed", "{finished}");
    assert_eq!(finished["progress"]["stage"], "done");
    assert_eq!(finished["progress"]["percent"], 100);
    assert!(finished["completedAt"].as_str().unwrap().ends_with('Z'));
    let files = finished["result"]["connector"]["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f["path"] == "Cargo.toml"));
    assert_eq!(seen.last().unwrap(), "completed", "{seen:?}");
    let (status, unknown) =
        call(&client, get, format!("{base}/api/jobs/job-999"), true, None).await;
    assert_eq!(
        (status, unknown["code"].as_str()),
        (404, Some("job_not_found"))
    );

    // Tests and validation of the connector just made.
    let connector = json!({"language": "rust", "files": files});
    let (status, tests) = call(
        &client,
        post.clone(),
        format!("{base}/api/generate-tests"),
        true,
        Some(json!({"connector": connector, "spec": petstore()})),
    )
    .await;
    assert_eq!(status, 200, "{tests}");
    assert_eq!(tests["framework"], "cargo test");
    assert!(!tests["files"].as_array().unwrap().is_empty());
    let (status, valid) = call(
        &client,
        post.clone(),
        format!("{base}/api/validate-connector"),
        true,
        Some(json!({"connector": connector})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(valid["valid"], true, "{valid}");
    let (status, fix) = call(
        &client,
        post,
        format!("{base}/api/fix-connector"),
        true,
        Some(json!({"connector": {"name": "x", "language": "rust", "runtime": "stdio", "files": []}, "failures": []})),
    )
    .await;
    assert_eq!((status, fix["code"].as_str()), (501, Some("ai_required")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_over_the_limit_is_refused_as_json() {
    let engine = engine(&["--max-body-mib", "1"]);
    let client = reqwest::Client::new();
    let body = json!({"specType": "openapi", "spec": "x".repeat(2 * 1024 * 1024)});
    let (status, refused) = call(
        &client,
        reqwest::Method::POST,
        format!("{}/api/analyze", engine.url),
        true,
        Some(body),
    )
    .await;
    assert_eq!((status, refused["code"].as_str()), (413, Some("too_large")));
}
