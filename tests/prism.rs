//! A second, independent mock: the round trip's calls for the bundled petstore and Twilio api_v2010 go
//! through the real `mcpow serve` to Prism (npm `@stoplight/prism-cli` 5.14.2, installed by
//! `tests/clients/setup.sh prism`) on 127.0.0.1, and Prism's request validation must accept every one.
//! Prism logs a verdict for each request it receives; the test reads them.

mod common;

// The wire checks need the mock's request log; Prism's verdicts stand in for them here.
#[allow(dead_code)]
#[path = "round_trip/driver.rs"]
mod driver;
#[allow(dead_code)]
#[path = "round_trip/wire.rs"]
mod wire;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcpoverflow::spec::model::{ApiModel, BodyKind};
use mcpoverflow::tools::{ArgumentTarget, ToolDefinition, ToolOptions, build_tools};
use serde_json::{Map, Value};

/// Prism's request verdicts, as it logs them.
const PASSED: &str = "The request passed the validation rules";
const FAILED: &str = "Request did not pass the validation rules";
const RECEIVED: &str = "Request received";

struct Prism {
    child: Child,
    url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    fn start(executable: &Path, spec: &Path) -> Prism {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(executable)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn prism");
        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            lines,
        };
        prism.wait_for(Duration::from_secs(180), |lines| {
            lines.iter().any(|l| l.contains("Prism is listening"))
        });
        prism
    }

    /// Waits until `done` holds for the log so far, and returns it; panics with the log on time-out.
    fn wait_for(&self, limit: Duration, done: impl Fn(&[String]) -> bool) -> Vec<String> {
        let started = Instant::now();
        loop {
            let lines = self.lines.lock().unwrap().clone();
            if done(&lines) {
                return lines;
            }
            if started.elapsed() > limit {
                let tail: Vec<&String> = lines.iter().rev().take(20).collect();
                panic!("prism: timed out; the last lines of its log: {tail:#?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn count(lines: &[String], needle: &str) -> usize {
    lines.iter().filter(|l| l.contains(needle)).count()
}

async fn through_prism(name: &str, spec: &Path) {
    let Some(executable) = common::client_toolchain("prism") else {
        return;
    };
    let model = driver::load(spec);
    let prism = Prism::start(&executable, spec);
    let client = driver::connect(spec, &prism.url, &driver::credentials(&model)).await;
    let dir = tempfile::tempdir().unwrap();
    let upload = driver::upload_file(dir.path());
    let mut calls = 0;
    let mut left_out = Vec::new();
    let prepare = |tool: &ToolDefinition, args: &mut Map<String, Value>| {
        left_out.extend(leave_out_form_arrays(&model, tool, args));
    };
    let tally = driver::call_every_tool(&model, &client, &upload, prepare, |_, _, _| {
        calls += 1;
        // Prism answers from the spec's examples, which need not fit its schemas: only the requests are
        // checked here.
        None
    })
    .await;
    let _ = client.cancel().await;
    let lines = prism.wait_for(Duration::from_secs(60), |lines| {
        count(lines, PASSED) + count(lines, FAILED) >= calls
    });
    let violations: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("Violation: request"))
        .collect();
    println!(
        "{name} through Prism 5.14.2: {} tools called, {} requests received, {} passed Prism's validation, \
         {} did not; {} calls succeeded",
        tally.tools,
        count(&lines, RECEIVED),
        count(&lines, PASSED),
        count(&lines, FAILED),
        tally.succeeded
    );
    println!(
        "  {} optional array fields of form-urlencoded bodies left out (stoplightio/prism#2473): {left_out:?}",
        left_out.len()
    );
    for line in violations.iter().take(30) {
        println!("  {line}");
    }
    // An operation that declares only a non-2xx answer (Twilio's 307 without a Location) is a tool error by
    // design: `serve` reports the API's status and body.
    let no_success: Vec<String> = build_tools(&model, &ToolOptions::default())
        .tools
        .iter()
        .filter(|t| {
            let op = &model.operations[t.operation];
            !op.responses.iter().any(|r| r.status.starts_with('2'))
        })
        .map(|t| format!("{}: ", t.name))
        .collect();
    let (expected, failures): (Vec<&String>, Vec<&String>) = tally
        .failures
        .iter()
        .partition(|f| no_success.iter().any(|prefix| f.starts_with(prefix)));
    for failure in &expected {
        println!("  only a non-2xx answer is declared: {failure}");
    }
    for failure in failures.iter().take(30) {
        println!("  FAILED {failure}");
    }
    assert_eq!(calls, tally.tools);
    assert_eq!(count(&lines, FAILED), 0, "{name}: Prism refused requests");
    assert!(violations.is_empty(), "{name}: Prism found violations");
    assert!(count(&lines, PASSED) >= tally.tools);
    assert!(
        failures.is_empty(),
        "{name}: {} calls failed through Prism",
        failures.len()
    );
}

/// Prism 5 reads a repeated key of a form-urlencoded body as one value, so it refuses an array sent the way
/// OpenAPI says (`style: form, explode: true`: `Event=a&Event=b`, and `Event=a` for one item), which is
/// how `mcpow serve` sends it and how Twilio reads it (stoplightio/prism#2473, open). Optional array fields
/// of such bodies are left out of the calls to Prism; the mock round trip checks their serialization.
fn leave_out_form_arrays(
    model: &ApiModel,
    tool: &ToolDefinition,
    args: &mut Map<String, Value>,
) -> Vec<String> {
    let form = tool
        .body_media_type
        .as_deref()
        .is_some_and(|m| BodyKind::of(m) == BodyKind::FormUrlencoded);
    if !form || model.operations[tool.operation].graphql.is_some() {
        return Vec::new();
    }
    let required: Vec<&str> = tool.input_schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut removed = Vec::new();
    for binding in &tool.bindings {
        let is_array = args.get(&binding.argument).is_some_and(Value::is_array);
        if matches!(binding.target, ArgumentTarget::BodyProperty(_))
            && is_array
            && !required.contains(&binding.argument.as_str())
        {
            args.remove(&binding.argument);
            removed.push(format!("{}.{}", tool.name, binding.argument));
        }
    }
    removed
}

#[tokio::test(flavor = "multi_thread")]
async fn petstore_through_prism() {
    through_prism("petstore-3.0.yaml", &common::sample("petstore-3.0.yaml")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twilio_through_prism() {
    if let Some(spec) = common::corpus("openapi/twilio/json/twilio_api_v2010.json") {
        through_prism("twilio api_v2010", &spec).await;
    }
}
