//! The test harness: a stand-in for the API on 127.0.0.1 (axum) that answers what a case says and records
//! every request, and the calls that run one case through the connector.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

use connector::auth::Authenticator;
use connector::runner::{Runner, Settings};
use connector::server::Connector;

/// One call of `tool` and the stub's answer to the `method` request on `path`.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub tool: String,
    pub method: String,
    pub path: String,
    pub arguments: Map<String, Value>,
    /// Arguments that take the path of a local file (the test writes one).
    #[serde(default)]
    pub file_arguments: Vec<String>,
    pub status: u16,
    pub content_type: Option<String>,
    /// The JSON the stub answers, or else `raw_body`.
    pub json_body: Option<Value>,
    #[serde(default)]
    pub raw_body: Vec<u8>,
    /// Whether the tool has an outputSchema (so the answer is also its structuredContent).
    pub structured: bool,
    /// When the call must fail before any request: a text its tool error contains.
    #[serde(default)]
    pub expect_error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Cases {
    /// Credential variables the tests give a value.
    credentials: Vec<String>,
    cases: Vec<Case>,
}

/// The cases, parsed once.
fn cases() -> &'static Cases {
    static CASES: std::sync::OnceLock<Cases> = std::sync::OnceLock::new();
    CASES.get_or_init(|| {
        serde_json::from_str(include_str!("../cases.json")).expect("cases.json is valid")
    })
}

pub fn case(tool: &str) -> Case {
    cases()
        .cases
        .iter()
        .find(|c| c.tool == tool)
        .cloned()
        .expect("a case for the tool")
}

/// One request as the stub saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Percent-decoded.
    pub path: String,
}

/// What the stub answers: `status`, `content_type` and `body` for `method` on paths of `template`.
#[derive(Debug, Clone)]
pub struct Answer {
    pub method: String,
    pub template: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Default)]
struct StubState {
    answer: Mutex<Option<Answer>>,
    received: Mutex<Vec<Received>>,
}

/// The stub API, running until it is dropped.
pub struct Stub {
    pub url: String,
    state: Arc<StubState>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Stub {
    pub async fn start(answer: Answer) -> Stub {
        let state = Arc::new(StubState::default());
        *state.answer.lock().unwrap() = Some(answer);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .fallback(handle)
            .with_state(state.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Stub {
            url,
            state,
            _stop: stop,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }
}

async fn handle(
    State(state): State<Arc<StubState>>,
    method: Method,
    uri: Uri,
    _body: Bytes,
) -> Response {
    let path = percent_decode(uri.path());
    state.received.lock().unwrap().push(Received {
        method: method.to_string(),
        path: path.clone(),
    });
    let answer = state.answer.lock().unwrap().clone();
    let mut status = 404;
    let mut content_type = Some("application/json".to_string());
    let mut body = br#"{"error":"no such route in the stub"}"#.to_vec();
    if let Some(answer) =
        answer.filter(|a| a.method == method.as_str() && matches_template(&a.template, &path))
    {
        status = answer.status;
        content_type = answer.content_type;
        body = answer.body;
    }
    let mut response =
        (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    response
        .headers_mut()
        .remove(axum::http::header::CONTENT_TYPE);
    if let Some(kind) = content_type.and_then(|k| k.parse().ok()) {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, kind);
    }
    response
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// Whether `path` is a path of `template` (`/pets/{petId}`): each `{...}` one non-empty segment part.
pub fn matches_template(template: &str, path: &str) -> bool {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        parts.push(&rest[..open]);
        rest = &rest[open + close + 1..];
    }
    parts.push(rest);
    let path = match path.strip_suffix('/') {
        Some(trimmed) if !template.ends_with('/') => trimmed,
        _ => path,
    };
    let Some(after) = path.strip_prefix(parts[0]) else {
        return false;
    };
    fits(&parts[1..], after)
}

/// Whether `text` is a (non-empty, `/`-free) value followed by `parts[0]`, then the same for the rest.
fn fits(parts: &[&str], text: &str) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    for (start, c) in text.char_indices() {
        if c == '/' {
            break;
        }
        let split = start + c.len_utf8();
        if let Some(after) = text[split..].strip_prefix(first)
            && fits(rest, after)
        {
            return true;
        }
    }
    false
}

/// Runs a test on the runtime every test of the process shares (with its one HTTP client).
pub fn run<F: std::future::Future>(test: F) -> F::Output {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("a Tokio runtime")
        })
        .block_on(test)
}

/// The HTTP client every test shares: building one (TLS) takes a while.
fn client() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| Runner::client(&Settings::default()).expect("the HTTP client"))
        .clone()
}

/// A connector calling `base_url`, with every credential variable of the cases set.
pub fn connector(base_url: &str) -> Connector {
    let credentials = &cases().credentials;
    let env = move |name: &str| {
        credentials
            .iter()
            .any(|c| c == name)
            .then(|| "test-credential".to_string())
    };
    let settings = Settings {
        base_url: Some(base_url.to_string()),
        ..Settings::default()
    };
    Connector::with_client(settings, Authenticator::new(Box::new(env)), client())
}

/// The case's arguments, with a real local file for each argument that uploads one.
pub fn arguments(case: &Case) -> Map<String, Value> {
    let mut arguments = case.arguments.clone();
    if !case.file_arguments.is_empty() {
        let file =
            std::env::temp_dir().join(format!("connector-test-{}-upload.txt", std::process::id()));
        std::fs::write(&file, b"test upload\n").unwrap();
        let path = Value::String(file.display().to_string());
        for name in &case.file_arguments {
            let value = if arguments.get(name).is_some_and(Value::is_array) {
                Value::Array(vec![path.clone()])
            } else {
                path.clone()
            };
            arguments.insert(name.clone(), value);
        }
    }
    arguments
}

fn text_of(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Calls the case's tool against the stub: one request, with the case's method on the case's path, and a
/// result that carries the stub's answer.
pub async fn run_case(tool: &str) {
    let case = case(tool);
    let body = match &case.json_body {
        Some(json) => serde_json::to_vec(json).unwrap(),
        None => case.raw_body.clone(),
    };
    let stub = Stub::start(Answer {
        method: case.method.clone(),
        template: case.path.clone(),
        status: case.status,
        content_type: case.content_type.clone(),
        body,
    })
    .await;
    let connector = connector(&stub.url);
    let result = connector.call_json(&case.tool, &arguments(&case)).await;
    if let Some(expected) = &case.expect_error {
        assert_eq!(result["isError"], Value::Bool(true), "{result}");
        assert!(text_of(&result).contains(expected.as_str()), "{result}");
        assert!(stub.received().is_empty());
        return;
    }
    assert_ne!(result["isError"], Value::Bool(true), "{}", text_of(&result));
    let received = stub.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].method, case.method);
    assert!(
        matches_template(&case.path, &received[0].path),
        "{} is not a path of {}",
        received[0].path,
        case.path
    );
    if let Some(json) = &case.json_body {
        if case.structured && json.is_object() {
            assert_eq!(&result["structuredContent"], json);
        } else if case.method != "HEAD" {
            let text = text_of(&result);
            assert_eq!(&serde_json::from_str::<Value>(&text).unwrap(), json);
        }
    }
}

/// An error status is a tool error carrying the status, the request and the body.
pub async fn run_error_case(tool: &str) {
    let case = case(tool);
    let stub = Stub::start(Answer {
        method: case.method.clone(),
        template: case.path.clone(),
        status: 500,
        content_type: Some("application/json".into()),
        body: br#"{"message":"down"}"#.to_vec(),
    })
    .await;
    let connector = connector(&stub.url);
    let result = connector.call_json(&case.tool, &arguments(&case)).await;
    assert_eq!(result["isError"], Value::Bool(true));
    let text = text_of(&result);
    assert!(
        text.starts_with(&format!("HTTP 500 from {} {}", case.method, stub.url)),
        "{text}"
    );
    assert!(text.ends_with(r#"{"message":"down"}"#), "{text}");
}

/// The tools listed are the cases' tools, and arguments that break the inputSchema never reach the API.
pub async fn run_listing_and_refusal() {
    let cases = &cases().cases;
    let stub = Stub::start(Answer {
        method: "GET".into(),
        template: "/".into(),
        status: 200,
        content_type: None,
        body: Vec::new(),
    })
    .await;
    let connector = connector(&stub.url);
    let names: Vec<String> = connector
        .tools()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    let expected: Vec<String> = cases.iter().map(|c| c.tool.clone()).collect();
    assert_eq!(names, expected);
    let mut wrong = Map::new();
    wrong.insert("\u{0}not an argument".into(), Value::Null);
    for tool in connector.tools() {
        let schema = Value::Object(tool.input_schema.as_ref().clone());
        let strict = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| !r.is_empty());
        if strict || required {
            let result = connector.call_json(&tool.name, &wrong).await;
            assert_eq!(result["isError"], Value::Bool(true), "{}", tool.name);
        }
    }
    let unknown = connector.call_json("no such tool", &Map::new()).await;
    assert_eq!(unknown["isError"], Value::Bool(true));
    assert!(stub.received().is_empty());
}
