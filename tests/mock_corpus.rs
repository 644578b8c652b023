//! Synthesized values validate against their own schemas for every operation of three large real
//! descriptions (Stripe, GitHub, Twilio): every JSON response body, every JSON request body and every
//! parameter. The corpus sits beside the clone (`../shared/corpus`); without it these tests skip, unless
//! `CI=true`, where they fail.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use mcpoverflow::mock::sample::parameter_value;
use mcpoverflow::mock::{Direction, SchemaChecker, synthesize, synthesize_request};
use mcpoverflow::spec::model::{ApiModel, BodyKind};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use serde_json::Value;

fn corpus(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the corpus file {} is missing (CI must have ../shared/corpus)",
            path.display()
        );
    }
    eprintln!(
        "skipping: {} is not here (the shared corpus is not beside the clone)",
        path.display()
    );
    None
}

/// One synthesized value and the schema it must satisfy.
struct Case {
    what: String,
    schema: Value,
    value: Value,
    direction: Direction,
}

fn check_model(name: &str, model: ApiModel) {
    let model = Arc::new(model);
    let started = Instant::now();
    let mut cases = Vec::new();
    for op in &model.operations {
        let label = op.operation_id.clone().unwrap_or_else(|| op.label());
        for response in &op.responses {
            for (media_type, media) in &response.content {
                let Some(schema) = &media.schema else {
                    continue;
                };
                if BodyKind::of(media_type) != BodyKind::Json {
                    continue;
                }
                cases.push(Case {
                    what: format!("{label} response {} {media_type}", response.status),
                    schema: schema.clone(),
                    value: synthesize(schema, &model),
                    direction: Direction::Response,
                });
            }
        }
        if let Some(body) = &op.request_body {
            for (media_type, media) in &body.content {
                let Some(schema) = &media.schema else {
                    continue;
                };
                cases.push(Case {
                    what: format!("{label} request body {media_type}"),
                    schema: schema.clone(),
                    value: synthesize_request(schema, &model),
                    direction: Direction::Request,
                });
            }
        }
        for param in &op.parameters {
            cases.push(Case {
                what: format!(
                    "{label} {} parameter {}",
                    param.location.as_str(),
                    param.name
                ),
                schema: param.schema.clone(),
                value: parameter_value(&model, param),
                direction: Direction::Request,
            });
        }
    }
    let synthesized = started.elapsed();
    let checker = SchemaChecker::new(model.clone(), true);
    let mut failures = Vec::new();
    let mut uncompilable = Vec::new();
    for direction in [Direction::Response, Direction::Request] {
        let batch: Vec<&Case> = cases.iter().filter(|c| c.direction == direction).collect();
        let pairs: Vec<(&Value, &Value)> = batch.iter().map(|c| (&c.schema, &c.value)).collect();
        for (case, result) in batch.iter().zip(checker.check_many(&pairs, direction)) {
            match result {
                Ok(issues) if issues.is_empty() => {}
                Ok(issues) => {
                    let value: String = case.value.to_string().chars().take(400).collect();
                    failures.push(format!("{}: {issues:?}\n    value: {value}", case.what));
                }
                Err(error) => uncompilable.push(format!("{}: {error}", case.what)),
            }
        }
    }
    println!(
        "{name}: {} operations, {} values synthesized in {synthesized:?} and checked in {:?}: {} failed, \
         {} schemas could not compile",
        model.operations.len(),
        cases.len(),
        started.elapsed() - synthesized,
        failures.len(),
        uncompilable.len()
    );
    for reason in uncompilable.iter().take(10) {
        println!("  not compiled: {reason}");
    }
    for failure in failures.iter().take(40) {
        println!("  FAILED {failure}");
    }
    assert!(
        cases.len() > uncompilable.len(),
        "{name}: nothing was checked"
    );
    assert!(
        failures.is_empty(),
        "{name}: {} synthesized values do not validate",
        failures.len()
    );
}

fn load(path: &PathBuf) -> ApiModel {
    let bytes = std::fs::read(path).expect("read");
    let started = Instant::now();
    let model = load_bytes(
        &path.display().to_string(),
        &bytes,
        Some(path),
        &LoadOptions::default(),
    )
    .expect("load");
    println!("loaded {} in {:?}", path.display(), started.elapsed());
    model
}

#[test]
fn stripe_synthesized_values_validate() {
    if let Some(path) = corpus("openapi/stripe/spec3.json") {
        check_model("stripe", load(&path));
    }
}

#[test]
fn github_synthesized_values_validate() {
    if let Some(path) = corpus("openapi/github/api.github.com.json") {
        check_model("github", load(&path));
    }
}

#[test]
fn twilio_api_v2010_synthesized_values_validate() {
    if let Some(path) = corpus("openapi/twilio/json/twilio_api_v2010.json") {
        check_model("twilio api_v2010", load(&path));
    }
}

/// Every operation called over HTTP with its sample request: the mock must accept what the sample
/// generator sends (parameters serialized per style, form and JSON bodies) and answer with a 2xx (or the
/// operation's only declared status, such as a 302).
async fn round_trip(name: &str, model: ApiModel) {
    let model = Arc::new(model);
    let started = Instant::now();
    let server = mcpoverflow::mock::start(model.clone(), mcpoverflow::mock::MockOptions::default())
        .await
        .expect("start");
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut refused = Vec::new();
    for op in &model.operations {
        let request = mcpoverflow::mock::sample_request(&model, op);
        let url = format!("{}{}", server.base_url(), request.path_and_query());
        let method = reqwest::Method::from_bytes(request.method.as_str().as_bytes()).unwrap();
        let mut call = client.request(method, &url);
        for (k, v) in &request.headers {
            call = call.header(k.as_str(), v.as_str());
        }
        if let Some(body) = &request.body {
            call = call
                .header("content-type", body.content_type.as_str())
                .body(body.bytes.clone());
        }
        let response = call.send().await.expect("send");
        let status = response.status().as_u16();
        // The mock answers the first 2xx, else `default` (as 200), else the first declared status.
        let expected = op
            .responses
            .iter()
            .find(|r| r.status.starts_with('2'))
            .or_else(|| op.responses.iter().find(|r| r.status == "default"))
            .or_else(|| op.responses.first())
            .and_then(|r| r.status.parse::<u16>().ok())
            .unwrap_or(200);
        let accepted = (200..300).contains(&status) || status == expected;
        if !accepted {
            let text = response.text().await.unwrap_or_default();
            let text: String = text.chars().take(300).collect();
            refused.push(format!(
                "{} ({}): {status} {text}",
                op.label(),
                request.path_and_query()
            ));
        }
    }
    println!(
        "{name}: {} operations called over HTTP in {:?}, {} refused",
        model.operations.len(),
        started.elapsed(),
        refused.len()
    );
    for line in refused.iter().take(30) {
        println!("  REFUSED {line}");
    }
    assert!(
        refused.is_empty(),
        "{name}: the mock refused {} of its own sample requests",
        refused.len()
    );
}

#[tokio::test]
async fn twilio_round_trip() {
    if let Some(path) = corpus("openapi/twilio/json/twilio_api_v2010.json") {
        round_trip("twilio api_v2010", load(&path)).await;
    }
}

#[tokio::test]
async fn github_round_trip() {
    if let Some(path) = corpus("openapi/github/api.github.com.json") {
        round_trip("github", load(&path)).await;
    }
}

#[tokio::test]
async fn stripe_round_trip() {
    if let Some(path) = corpus("openapi/stripe/spec3.json") {
        round_trip("stripe", load(&path)).await;
    }
}
