//! The mock's request pipeline: route → auth → injected faults → parameters and body → response, then
//! latency and the request log.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, request::Parts};
use axum::response::Response;
use serde_json::{Value, json};

use super::log::{
    LoggedRequest, RequestLog, body_text, is_secret_header, now_rfc3339, redact, redact_cookies,
    redact_query,
};
use super::params::{ParamInput, check_params, parse_cookies};
use super::problem::{Problem, problems_body, problems_status};
use super::respond::{Prefer, respond};
use super::routes::{RouteMatch, RouteTable};
use super::validate::SchemaChecker;
use super::{MockOptions, auth, body, graphql};
use crate::spec::model::{ApiModel, HttpMethod, ParamLocation, SecurityScheme};

/// Everything a request needs, shared by all connections.
pub(crate) struct MockState {
    pub model: Arc<ApiModel>,
    pub routes: RouteTable,
    pub checker: SchemaChecker,
    pub options: MockOptions,
    pub log: Arc<RequestLog>,
    /// splitmix64 state for injected faults.
    pub rng: AtomicU64,
    secret_headers: Vec<String>,
    secret_query: Vec<String>,
    secret_cookies: Vec<String>,
}

impl MockState {
    pub(crate) fn new(
        model: Arc<ApiModel>,
        options: MockOptions,
        log: Arc<RequestLog>,
        seed: u64,
    ) -> Self {
        let mut secret_headers = Vec::new();
        let mut secret_query = Vec::new();
        let mut secret_cookies = Vec::new();
        for scheme in model.security_schemes.values() {
            if let SecurityScheme::ApiKey { name, location, .. } = scheme {
                match location {
                    ParamLocation::Header => secret_headers.push(name.clone()),
                    ParamLocation::Query => secret_query.push(name.clone()),
                    ParamLocation::Cookie => secret_cookies.push(name.clone()),
                    ParamLocation::Path => {}
                }
            }
        }
        MockState {
            routes: RouteTable::new(&model),
            checker: SchemaChecker::new(model.clone(), options.validate_formats),
            model,
            options,
            log,
            rng: AtomicU64::new(seed),
            secret_headers,
            secret_query,
            secret_cookies,
        }
    }

    /// The next pseudo-random number (splitmix64; one step per call, in arrival order).
    fn next_random(&self) -> u64 {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut z = self
            .rng
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// What the pipeline decided, before it becomes an HTTP response.
struct Outcome {
    status: u16,
    headers: Vec<(String, String)>,
    content_type: Option<String>,
    body: Option<Vec<u8>>,
    operation: Option<String>,
}

impl Outcome {
    fn json(status: u16, value: Value) -> Outcome {
        Outcome {
            status,
            headers: Vec::new(),
            content_type: Some("application/json".into()),
            body: serde_json::to_vec(&value).ok(),
            operation: None,
        }
    }

    fn problems(problems: &[Problem], operation: &str) -> Outcome {
        Outcome::json(
            problems_status(problems),
            problems_body(problems, operation),
        )
    }
}

pub(crate) async fn handle(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let outcome = match to_bytes(body, state.options.max_body_bytes).await {
        Ok(bytes) => {
            let outcome = process(&state, &parts, &bytes);
            log(&state, &parts, &bytes, &outcome, started);
            outcome
        }
        Err(_) => {
            let limit = state.options.max_body_bytes;
            let outcome = Outcome::json(
                413,
                json!({"error": format!("the request body is larger than {limit} bytes"), "field": "body"}),
            );
            log(&state, &parts, &[], &outcome, started);
            outcome
        }
    };
    if !state.options.latency.is_zero() {
        tokio::time::sleep(state.options.latency).await;
    }
    into_response(outcome)
}

/// Where the mock's redirects point: the mock itself, so a client that follows them stays on 127.0.0.1.
const REDIRECT_TARGET: &str = "/__mcpow/redirected";

fn process(state: &MockState, parts: &Parts, bytes: &[u8]) -> Outcome {
    let path = parts.uri.path();
    if let Some(original) = path.strip_prefix(REDIRECT_TARGET) {
        return redirect_target(original);
    }
    let Some(method) = HttpMethod::parse(parts.method.as_str()) else {
        return Outcome::json(
            405,
            json!({"error": format!("method {} is not supported", parts.method)}),
        );
    };
    let mut found = state.routes.find(method, path);
    if method == HttpMethod::Head && !matches!(found, RouteMatch::Found { .. }) {
        found = state.routes.find(HttpMethod::Get, path);
    }
    let (ops, path_params) = match found {
        RouteMatch::Found { ops, params } => (ops, params),
        RouteMatch::NotFound => {
            return Outcome::json(
                404,
                json!({"error": format!("no operation matches {} {path}", method.as_str()), "path": path}),
            );
        }
        RouteMatch::MethodNotAllowed(allowed) => {
            let names: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
            let mut outcome = if method == HttpMethod::Options {
                Outcome::json(204, Value::Null)
            } else {
                Outcome::json(
                    405,
                    json!({
                        "error": format!("{} is not allowed on {path}; allowed: {}", method.as_str(), names.join(", ")),
                        "path": path,
                        "allowed": names,
                    }),
                )
            };
            if method == HttpMethod::Options {
                outcome.body = None;
                outcome.content_type = None;
            }
            outcome.headers.push(("Allow".into(), names.join(", ")));
            return outcome;
        }
    };
    let Some(op_index) = ops.first().copied() else {
        return Outcome::json(404, json!({"error": "no operation", "path": path}));
    };
    let model = &state.model;
    let op = &model.operations[op_index];
    let label = op.operation_id.clone().unwrap_or_else(|| op.label());
    let mut outcome = answer(state, parts, bytes, &ops, op_index, path_params);
    if outcome.operation.is_none() {
        outcome.operation = Some(label);
    }
    outcome
}

fn answer(
    state: &MockState,
    parts: &Parts,
    bytes: &[u8],
    ops: &[usize],
    op_index: usize,
    path_params: Vec<(String, String)>,
) -> Outcome {
    let model = &state.model;
    let op = &model.operations[op_index];
    let label = op.operation_id.clone().unwrap_or_else(|| op.label());
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let cookies = parse_cookies(&parts.headers);

    if state.options.require_auth
        && let Err(failure) = auth::check(model, op, &parts.headers, &query, &cookies)
    {
        let mut outcome = Outcome::json(
            401,
            json!({
                "error": format!("{label} needs credentials"),
                "operation": label,
                "accepted": failure.accepted,
            }),
        );
        if let Some(challenge) = failure.challenge {
            outcome.headers.push(("WWW-Authenticate".into(), challenge));
        }
        return outcome;
    }

    if state.options.fail_rate > 0.0 {
        let draw = state.next_random();
        let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
        if unit < state.options.fail_rate {
            let status = if draw & 1 == 0 { 500 } else { 503 };
            let mut outcome = Outcome::json(
                status,
                json!({"error": format!("injected failure (fail rate {})", state.options.fail_rate), "operation": label}),
            );
            if status == 503 {
                outcome.headers.push(("Retry-After".into(), "1".into()));
            }
            return outcome;
        }
    }

    if op.graphql.is_some() && parts.method == axum::http::Method::POST {
        return match graphql::answer(model, ops, bytes, &state.checker) {
            Ok(reply) => {
                let mut outcome = Outcome::json(200, reply.data);
                let chosen = &model.operations[reply.op_index];
                outcome.operation = Some(
                    chosen
                        .operation_id
                        .clone()
                        .unwrap_or_else(|| chosen.label()),
                );
                outcome
            }
            Err(problem) => {
                let mut body = problems_body(std::slice::from_ref(&problem), &label);
                body["errors"] =
                    json!([{"message": problem.message, "extensions": {"field": problem.field}}]);
                Outcome::json(problem.status, body)
            }
        };
    }

    let input = ParamInput {
        path: &path_params,
        query: &query,
        headers: &parts.headers,
        cookies: &cookies,
    };
    let mut problems = check_params(op_index, op, &input, &state.checker);
    let content_type = header(&parts.headers, "content-type");
    problems.extend(body::check_body(
        op_index,
        op,
        content_type,
        bytes,
        &state.checker,
    ));
    if !problems.is_empty() {
        return Outcome::problems(&problems, &label);
    }
    let prefer = Prefer::from_headers(&parts.headers);
    let accept = header(&parts.headers, "accept");
    match respond(model, op, &prefer, accept, state.options.use_examples) {
        Ok(mut reply) => Outcome {
            status: reply.status,
            headers: {
                if is_redirect(reply.status) {
                    point_location_home(&mut reply.headers, parts);
                }
                reply.headers
            },
            content_type: reply.content_type,
            body: reply.body,
            operation: None,
        },
        Err(problem) => Outcome::problems(&[problem], &label),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Sets `Location` to the mock's own redirect target for this path (a spec's `Location` would leave the
/// machine, or is missing).
fn point_location_home(headers: &mut Vec<(String, String)>, parts: &Parts) {
    headers.retain(|(name, _)| !name.eq_ignore_ascii_case("location"));
    let host = header(&parts.headers, "host").unwrap_or("127.0.0.1");
    let location = format!("http://{host}{REDIRECT_TARGET}{}", parts.uri.path());
    headers.push(("Location".into(), location));
}

/// What a redirect lands on: a small download standing in for the real target.
fn redirect_target(original: &str) -> Outcome {
    Outcome {
        status: 200,
        headers: Vec::new(),
        content_type: Some("application/octet-stream".into()),
        body: Some(format!("mcpow mock: the redirect target of {original}\n").into_bytes()),
        operation: Some(format!("redirect target of {original}")),
    }
}

fn log(state: &MockState, parts: &Parts, bytes: &[u8], outcome: &Outcome, started: Instant) {
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let text = if name == axum::http::header::COOKIE {
                redact_cookies(&text, &state.secret_cookies)
            } else if is_secret_header(name.as_str(), &state.secret_headers) {
                redact(&text)
            } else {
                text
            };
            (name.as_str().to_string(), text)
        })
        .collect();
    state.log.record(LoggedRequest {
        time: now_rfc3339(),
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts
            .uri
            .query()
            .map(|q| redact_query(q, &state.secret_query)),
        headers,
        body: body_text(bytes),
        operation: outcome.operation.clone(),
        status: outcome.status,
        duration_ms: started.elapsed().as_millis() as u64,
    });
}

fn into_response(outcome: Outcome) -> Response {
    let mut response = Response::new(match outcome.body {
        Some(bytes) => Body::from(bytes),
        None => Body::empty(),
    });
    *response.status_mut() =
        StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(content_type) = outcome
        .content_type
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        headers.insert(axum::http::header::CONTENT_TYPE, content_type);
    }
    for (name, value) in outcome.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    response
}
