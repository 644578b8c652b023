//! Running operations over real HTTP on 127.0.0.1: serialization, bodies, auth, retries and failures.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{any, get, post};
use mcpoverflow::http::{Authenticator, HttpCaller, HttpConfig, HttpError, OperationArgs};
use mcpoverflow::spec::model::{ApiModel, ParamLocation};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use serde_json::{Value, json};

/// Echoes what arrived: method, path, raw query, headers and body.
async fn echo(request: Request) -> axum::Json<Value> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let headers: HashMap<String, String> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    axum::Json(json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query().unwrap_or(""),
        "headers": headers,
        "body": String::from_utf8_lossy(&bytes),
    }))
}

fn petstore() -> Arc<ApiModel> {
    let path = common::sample("petstore-3.0.yaml");
    Arc::new(
        load_bytes(
            "petstore",
            &std::fs::read(&path).unwrap(),
            Some(&path),
            &LoadOptions::default(),
        )
        .unwrap(),
    )
}

fn index(model: &ApiModel, id: &str) -> usize {
    model
        .operations
        .iter()
        .position(|op| op.operation_id.as_deref() == Some(id))
        .unwrap()
}

fn caller(model: Arc<ApiModel>, base: &str, env: &[(&str, &str)]) -> HttpCaller {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let auth = Authenticator::new(
        "PET_CLINIC_STORE",
        Box::new(move |name| env.get(name).cloned()),
    );
    let config = HttpConfig {
        base_url: Some(base.to_string()),
        timeout: Duration::from_secs(2),
        max_response_bytes: 64 * 1024,
        ..HttpConfig::default()
    };
    HttpCaller::new(model, config, auth).unwrap()
}

fn echoed(outcome: &mcpoverflow::http::HttpOutcome) -> Value {
    assert_eq!(
        outcome.status,
        200,
        "{}",
        String::from_utf8_lossy(&outcome.body)
    );
    serde_json::from_slice(&outcome.body).unwrap()
}

fn param(location: ParamLocation, name: &str, value: Value) -> (ParamLocation, String, Value) {
    (location, name.to_string(), value)
}

#[tokio::test]
async fn parameters_are_serialized_as_the_spec_says() {
    let base = common::serve(Router::new().fallback(any(echo))).await;
    let model = petstore();
    let http = caller(
        model.clone(),
        &base,
        &[("PET_CLINIC_STORE_API_KEY", "k-123")],
    );
    let args = OperationArgs {
        params: vec![
            param(ParamLocation::Query, "species", json!(["dog", "cat"])),
            param(
                ParamLocation::Query,
                "filter",
                json!({"minAgeYears": 2, "vaccinated": true}),
            ),
            param(ParamLocation::Query, "limit", json!(5)),
            param(ParamLocation::Header, "X-Request-Id", json!("7d1c")),
        ],
        ..Default::default()
    };
    let seen = echoed(&http.call(index(&model, "listPets"), &args).await.unwrap());
    assert_eq!(seen["path"], "/pets");
    assert_eq!(
        seen["query"],
        "species=dog,cat&filter%5BminAgeYears%5D=2&filter%5Bvaccinated%5D=true&limit=5"
    );
    assert_eq!(seen["headers"]["x-request-id"], "7d1c");
    assert_eq!(
        seen["headers"]["x-api-key"], "k-123",
        "apiKey from the environment"
    );

    let get_pet = &model.operations[index(&model, "getPet")];
    let cookie = get_pet
        .parameters
        .iter()
        .find(|p| p.location == ParamLocation::Cookie)
        .unwrap();
    let args = OperationArgs {
        params: vec![
            param(ParamLocation::Path, "petId", json!(1042)),
            param(ParamLocation::Cookie, &cookie.name, json!("a b")),
        ],
        ..Default::default()
    };
    let seen = echoed(&http.call(index(&model, "getPet"), &args).await.unwrap());
    assert_eq!(seen["path"], "/pets/1042");
    assert_eq!(seen["headers"]["cookie"], format!("{}=a%20b", cookie.name));
}

#[tokio::test]
async fn bodies_of_each_kind() {
    let base = common::serve(Router::new().fallback(any(echo))).await;
    let model = petstore();
    let http = caller(
        model.clone(),
        &base,
        &[("PET_CLINIC_STORE_BEARER_AUTH_TOKEN", "tok")],
    );

    let body = json!({"name": "Biscuit", "species": "dog"});
    let args = OperationArgs {
        body: Some(body.clone()),
        ..Default::default()
    };
    let seen = echoed(&http.call(index(&model, "createPet"), &args).await.unwrap());
    assert_eq!(seen["headers"]["content-type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Value>(seen["body"].as_str().unwrap()).unwrap(),
        body
    );

    let args = OperationArgs {
        params: vec![param(ParamLocation::Path, "appointmentId", json!("a1"))],
        body: Some(json!({"reason": "owner request", "notes": "x&y"})),
        ..Default::default()
    };
    let seen = echoed(
        &http
            .call(index(&model, "cancelAppointment"), &args)
            .await
            .unwrap(),
    );
    assert_eq!(
        seen["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(seen["body"], "reason=owner%20request&notes=x%26y");
    assert_eq!(seen["headers"]["authorization"], "Bearer tok");

    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("biscuit.png");
    std::fs::write(&photo, b"\x89PNG fake").unwrap();
    let upload = &model.operations[index(&model, "uploadPetPhoto")];
    let schema = model.resolve(
        upload.request_body.as_ref().unwrap().content["multipart/form-data"]
            .schema
            .as_ref()
            .unwrap(),
    );
    let file_field = schema["properties"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, p)| p["format"] == "binary")
        .unwrap()
        .0
        .clone();
    let args = OperationArgs {
        params: vec![param(ParamLocation::Path, "petId", json!(7))],
        body: Some(json!({ file_field.clone(): photo.to_str().unwrap(), "caption": "hello" })),
        ..Default::default()
    };
    let seen = echoed(
        &http
            .call(index(&model, "uploadPetPhoto"), &args)
            .await
            .unwrap(),
    );
    assert!(
        seen["headers"]["content-type"]
            .as_str()
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let text = seen["body"].as_str().unwrap();
    assert!(
        text.contains(&format!("name=\"{file_field}\"; filename=\"biscuit.png\"")),
        "{text}"
    );
    assert!(
        text.contains("PNG fake") && text.contains("hello"),
        "{text}"
    );

    let missing = OperationArgs {
        params: vec![param(ParamLocation::Path, "petId", json!(7))],
        body: Some(json!({ file_field: "/no/such/file.png" })),
        ..Default::default()
    };
    let error = http
        .call(index(&model, "uploadPetPhoto"), &missing)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("cannot read /no/such/file.png"),
        "{error}"
    );
}

#[tokio::test]
async fn idempotent_calls_retry_and_posts_do_not() {
    let hits = Arc::new(AtomicUsize::new(0));
    let flaky = |State(hits): State<Arc<AtomicUsize>>| async move {
        if hits.fetch_add(1, Ordering::SeqCst) < 2 {
            (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response()
        } else {
            axum::Json(json!({"ok": true})).into_response()
        }
    };
    let app = Router::new()
        .route("/pets", get(flaky).post(flaky))
        .with_state(hits.clone());
    let base = common::serve(app).await;
    let model = petstore();
    let http = caller(model.clone(), &base, &[]);
    let outcome = http
        .call(index(&model, "listPets"), &OperationArgs::default())
        .await
        .unwrap();
    assert_eq!((outcome.status, hits.load(Ordering::SeqCst)), (200, 3));

    hits.store(0, Ordering::SeqCst);
    let args = OperationArgs {
        body: Some(json!({"name": "x"})),
        ..Default::default()
    };
    let outcome = http.call(index(&model, "createPet"), &args).await.unwrap();
    assert_eq!((outcome.status, hits.load(Ordering::SeqCst)), (503, 1));
}

#[tokio::test]
async fn failures_are_clear_errors() {
    let app = Router::new()
        .route("/pets", get(|| async { Redirect::temporary("/pets") }))
        .route("/owners/{id}", get(|| async { "x".repeat(200 * 1024) }))
        .route(
            "/appointments/slots",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(20)).await;
                "late"
            }),
        );
    let base = common::serve(app).await;
    let model = petstore();
    let http = caller(model.clone(), &base, &[]);
    let error = http
        .call(index(&model, "listPets"), &OperationArgs::default())
        .await
        .unwrap_err();
    assert!(matches!(error, HttpError::Redirects { .. }), "{error}");
    let args = OperationArgs {
        params: vec![param(ParamLocation::Path, "ownerId", json!("o1"))],
        ..Default::default()
    };
    let error = http
        .call(index(&model, "getOwner"), &args)
        .await
        .unwrap_err();
    assert!(
        matches!(error, HttpError::TooLarge { limit: 65536, .. }),
        "{error}"
    );
    let error = http
        .call(
            index(&model, "listAvailableSlots"),
            &OperationArgs::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, HttpError::Timeout { .. }), "{error}");
    let error = http
        .call(index(&model, "getPet"), &OperationArgs::default())
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "missing path parameter `petId`");
    let closed = caller(model.clone(), "http://127.0.0.1:9", &[]);
    let error = closed
        .call(
            index(&model, "listAvailableSlots"),
            &OperationArgs::default(),
        )
        .await
        .unwrap_err();
    assert!(error.to_string().contains("could not connect"), "{error}");
}

const OAUTH_SPEC: &str = r#"
openapi: 3.0.3
info: {title: Token Test, version: "1"}
servers: [{url: "BASE"}]
security: [{cc: [read]}]
paths:
  /things:
    get:
      operationId: listThings
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "BASE/token", scopes: {read: read things}}
"#;

#[tokio::test]
async fn oauth2_client_credentials_token_is_fetched_once_and_cached() {
    let token_calls = Arc::new(AtomicUsize::new(0));
    let token = |State(calls): State<Arc<AtomicUsize>>, request: Request| async move {
        calls.fetch_add(1, Ordering::SeqCst);
        let auth = request
            .headers()
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let body = axum::body::to_bytes(request.into_body(), 4096)
            .await
            .unwrap_or_else(|_| Bytes::new());
        assert_eq!(
            auth, "Basic aWQ6c2VjcmV0",
            "client id and secret as basic auth"
        );
        assert_eq!(
            String::from_utf8_lossy(&body),
            "grant_type=client_credentials&scope=read"
        );
        axum::Json(json!({"access_token": "T0K", "expires_in": 3600}))
    };
    let app = Router::new()
        .route("/token", post(token))
        .route("/things", get(echo))
        .with_state(token_calls.clone());
    let base = common::serve(app).await;
    let spec = OAUTH_SPEC.replace("BASE", &base);
    let model =
        Arc::new(load_bytes("t.yaml", spec.as_bytes(), None, &LoadOptions::default()).unwrap());
    let env: HashMap<String, String> = [
        ("TOKEN_TEST_CC_CLIENT_ID", "id"),
        ("TOKEN_TEST_CC_CLIENT_SECRET", "secret"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let auth = Authenticator::new("TOKEN_TEST", Box::new(move |name| env.get(name).cloned()));
    let http = HttpCaller::new(model, HttpConfig::default(), auth).unwrap();
    for _ in 0..3 {
        let seen = echoed(&http.call(0, &OperationArgs::default()).await.unwrap());
        assert_eq!(seen["headers"]["authorization"], "Bearer T0K");
    }
    assert_eq!(token_calls.load(Ordering::SeqCst), 1);
}
