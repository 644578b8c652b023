//! The gateway's HTTP face: `POST /tools/{name}`, `GET /tools`, `GET /openapi.json`, `GET /health`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

use super::arguments::{Problem, Validators};
use super::openapi::{DocumentInfo, document, tool_path};
use super::upstream::{Upstream, UpstreamFailure};
use super::{GatewayEvent, GatewayOptions};
use crate::mcp::CallOptions;

pub(crate) struct GatewayState {
    pub(crate) upstream: Upstream,
    pub(crate) events: broadcast::Sender<GatewayEvent>,
    call: CallOptions,
    pass_bearer: bool,
    addr: SocketAddr,
    validators: Validators,
}

impl GatewayState {
    pub(crate) fn new(
        upstream: Upstream,
        options: GatewayOptions,
        addr: SocketAddr,
        events: broadcast::Sender<GatewayEvent>,
    ) -> Self {
        GatewayState {
            upstream,
            events,
            call: options.call,
            pass_bearer: options.credentials.pass_bearer,
            addr,
            validators: Validators::default(),
        }
    }
}

pub(crate) fn router(state: Arc<GatewayState>, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/tools", get(list_tools))
        .route("/tools/{name}", post(call_tool))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), log_request))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}

fn error(status: u16, code: &str, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        axum::Json(json!({ "error": message.into(), "code": code })),
    )
        .into_response()
}

fn failed(failure: UpstreamFailure) -> Response {
    error(failure.status, failure.code, failure.message)
}

async fn log_request(
    State(state): State<Arc<GatewayState>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let _ = state.events.send(GatewayEvent::Request {
        method,
        path,
        status: response.status().as_u16(),
        elapsed: started.elapsed(),
    });
    response
}

/// The caller's bearer token, when tokens are passed through (another scheme is refused, not dropped).
fn bearer(state: &GatewayState, headers: &HeaderMap) -> Result<Option<String>, UpstreamFailure> {
    if !state.pass_bearer {
        return Ok(None);
    }
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let refused = || {
        UpstreamFailure::new(
            400,
            "BAD_AUTHORIZATION",
            "only `Authorization: Bearer TOKEN` is passed to the server",
        )
    };
    let text = value.to_str().map_err(|_| refused())?;
    match text.trim().split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(refused()),
    }
}

async fn health(State(state): State<Arc<GatewayState>>) -> Response {
    let status = state.upstream.status();
    let mut body = serde_json::to_value(&status).unwrap_or_else(|_| json!({}));
    body["status"] = json!("ok");
    axum::Json(body).into_response()
}

async fn list_tools(State(state): State<Arc<GatewayState>>, headers: HeaderMap) -> Response {
    let bearer = match bearer(&state, &headers) {
        Ok(bearer) => bearer,
        Err(failure) => return failed(failure),
    };
    let tools = match state.upstream.tools(bearer.as_deref()).await {
        Ok((_, tools)) => tools,
        Err(failure) => return failed(failure),
    };
    let listed: Vec<Value> = tools
        .iter()
        .map(|tool| {
            let mut value = serde_json::to_value(tool).unwrap_or_else(|_| json!({}));
            value["path"] = json!(tool_path(&tool.name));
            value
        })
        .collect();
    axum::Json(json!({ "tools": listed })).into_response()
}

async fn openapi(State(state): State<Arc<GatewayState>>, headers: HeaderMap) -> Response {
    let bearer = match bearer(&state, &headers) {
        Ok(bearer) => bearer,
        Err(failure) => return failed(failure),
    };
    let (connection, tools) = match state.upstream.tools(bearer.as_deref()).await {
        Ok(found) => found,
        Err(failure) => return failed(failure),
    };
    let (name, version, instructions) = Upstream::server_info(&connection)
        .unwrap_or_else(|| (state.upstream.label(), "0.0.0".to_string(), None));
    let info = DocumentInfo {
        title: format!("{name} (MCP tools through mcpow gateway)"),
        version,
        description: instructions.filter(|text| !text.trim().is_empty()),
        server_url: format!("http://{}", state.addr),
    };
    axum::Json(document(&tools, &info)).into_response()
}

async fn call_tool(
    State(state): State<Arc<GatewayState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let arguments = match arguments(&body) {
        Ok(arguments) => arguments,
        Err(failure) => return failed(failure),
    };
    let bearer = match bearer(&state, &headers) {
        Ok(bearer) => bearer,
        Err(failure) => return failed(failure),
    };
    let (connection, tools) = match state.upstream.tools(bearer.as_deref()).await {
        Ok(found) => found,
        Err(failure) => return failed(failure),
    };
    let Some(tool) = tools.iter().find(|tool| tool.name == name) else {
        let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).take(30).collect();
        if tools.len() > names.len() {
            names.push("...");
        }
        return error(
            404,
            "UNKNOWN_TOOL",
            format!(
                "the server has no tool `{name}` (it has: {})",
                names.join(", ")
            ),
        );
    };
    let problems =
        state
            .validators
            .check(&name, &tool.input_schema, &Value::Object(arguments.clone()));
    if !problems.is_empty() {
        return invalid_arguments(&name, &problems);
    }
    match state
        .upstream
        .call(&connection, &name, arguments, &state.call)
        .await
    {
        Ok(outcome) => {
            let result = &outcome.result;
            let is_error = result.is_error == Some(true);
            let mut body = json!({ "content": result.content, "isError": is_error });
            if let Some(structured) = &result.structured_content {
                body["structuredContent"] = structured.clone();
            }
            let status = if is_error {
                StatusCode::BAD_GATEWAY
            } else {
                StatusCode::OK
            };
            (status, axum::Json(body)).into_response()
        }
        Err(failure) => failed(failure),
    }
}

/// The body as the arguments: a JSON object; an empty body is `{}`.
fn arguments(body: &[u8]) -> Result<Map<String, Value>, UpstreamFailure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(UpstreamFailure::new(
            400,
            "BAD_BODY",
            format!(
                "the body must be a JSON object of the tool's arguments, not {}",
                kind(&other)
            ),
        )),
        Err(e) => Err(UpstreamFailure::new(
            400,
            "BAD_BODY",
            format!("the body is not JSON: {e}"),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn invalid_arguments(tool: &str, problems: &[Problem]) -> Response {
    let first = &problems[0];
    let place = if first.field.is_empty() {
        String::new()
    } else {
        format!("`{}`: ", first.field)
    };
    let more = match problems.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    let body = json!({
        "error": format!("the arguments do not fit the inputSchema of `{tool}`: {place}{}{more}", first.message),
        "code": "INVALID_ARGUMENTS",
        "problems": problems,
    });
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

async fn not_found(request: Request) -> Response {
    error(
        404,
        "NOT_FOUND",
        format!(
            "no route {} {}; try POST /tools/NAME, GET /tools, GET /openapi.json or GET /health",
            request.method(),
            request.uri().path()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_become_arguments_or_clear_refusals() {
        assert!(arguments(b"").unwrap().is_empty());
        assert_eq!(arguments(br#"{"a": 1}"#).unwrap()["a"], 1);
        for bad in [&b"[1]"[..], b"{oops", b"42"] {
            let failure = arguments(bad).unwrap_err();
            assert_eq!(failure.status, 400);
            assert_eq!(failure.code, "BAD_BODY");
        }
    }
}
