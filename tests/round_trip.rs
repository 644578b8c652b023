//! Every operation of the bundled specs and of three large real descriptions (Stripe, GitHub, Twilio
//! api_v2010), called through the real `mcpow serve` (stdio, rmcp's client) against the real `mcpow mock`
//! (`--require-auth --no-examples`), with arguments synthesized from each tool's inputSchema. Each call must
//! succeed; its body must validate against the spec's response schema; and the request the mock logged must
//! carry every argument serialized as the spec says, checked with an oracle written from the OpenAPI style
//! table (`round_trip/wire.rs`), independently of `src/http`.

mod common;

#[path = "round_trip/driver.rs"]
mod driver;
#[path = "round_trip/wire.rs"]
mod wire;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use mcpoverflow::mock::LoggedRequest;

/// The mock's JSON-lines log, read as it grows.
struct LogTail {
    reader: BufReader<File>,
}

impl LogTail {
    fn new_entries(&mut self) -> Vec<LoggedRequest> {
        let mut entries = Vec::new();
        let mut line = String::new();
        while self.reader.read_line(&mut line).unwrap_or(0) > 0 {
            entries.push(serde_json::from_str(&line).expect("a logged request"));
            line.clear();
        }
        entries
    }
}

async fn round_trip(name: &str, spec: &Path) {
    let model = driver::load(spec);
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("requests.jsonl");
    std::fs::write(&log_path, b"").unwrap();
    let spec_arg = spec.to_str().unwrap();
    let mock = common::processes::start_mcpow(&[
        "mock",
        spec_arg,
        "--port",
        "0",
        "--no-examples",
        "--require-auth",
        "--log",
        log_path.to_str().unwrap(),
    ]);
    let client = driver::connect(spec, &mock.url, &driver::credentials(&model)).await;
    let upload = driver::upload_file(dir.path());
    let mut log = LogTail {
        reader: BufReader::new(File::open(&log_path).unwrap()),
    };
    let no_change = |_: &_, _: &mut _| {};
    let tally =
        driver::call_every_tool(&model, &client, &upload, no_change, |tool, args, tally| {
            let entries = log.new_entries();
            let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
                tally
                    .failures
                    .push(format!("{}: no request reached the mock", tool.name));
                return None;
            };
            // One request, or a redirect and the request that followed it.
            let redirected = entries.len() == 2 && (300..400).contains(&first.status);
            if entries.len() > 1 && !redirected {
                tally.failures.push(format!(
                    "{}: {} requests for one call",
                    tool.name,
                    entries.len()
                ));
            }
            if redirected {
                tally.redirects_followed += 1;
            }
            if !(200..300).contains(&last.status) {
                tally.failures.push(format!(
                    "{}: the mock answered {}: {}",
                    tool.name,
                    last.status,
                    last.summary()
                ));
            }
            driver::check_wire(&model, tool, args, first, tally);
            Some(last.status)
        })
        .await;
    let _ = client.cancel().await;
    println!("{}", tally.report(name));
    for failure in tally.failures.iter().take(40) {
        println!("  FAILED {failure}");
    }
    assert!(tally.tools > 0, "{name}: no tools");
    assert!(
        tally.failures.is_empty(),
        "{name}: {} of {} calls failed a check (see the output)",
        tally.failures.len(),
        tally.tools
    );
    assert_eq!(tally.succeeded, tally.tools);
}

#[tokio::test(flavor = "multi_thread")]
async fn bundled_specs_round_trip_through_serve_and_mock() {
    for name in [
        "petstore-3.0.yaml",
        "petstore-3.1.yaml",
        "petstore-swagger-2.0.json",
        "petstore.postman_collection.json",
        "petstore.graphql",
    ] {
        round_trip(name, &common::sample(name)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn stripe_round_trip_through_serve_and_mock() {
    if let Some(spec) = common::corpus("openapi/stripe/spec3.json") {
        round_trip("stripe spec3.json", &spec).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn github_round_trip_through_serve_and_mock() {
    if let Some(spec) = common::corpus("openapi/github/api.github.com.json") {
        round_trip("github", &spec).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn twilio_round_trip_through_serve_and_mock() {
    if let Some(spec) = common::corpus("openapi/twilio/json/twilio_api_v2010.json") {
        round_trip("twilio api_v2010", &spec).await;
    }
}
