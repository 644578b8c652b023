//! Helpers for the mock tests: loading specs, starting mocks, sending requests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use mcpoverflow::mock::{MockOptions, RunningMock, SampleRequest, start};
use mcpoverflow::spec::{ApiModel, LoadOptions, load_bytes};
use serde_json::Value;

/// The bundled sample specs.
pub const BUNDLED: [&str; 5] = [
    "petstore-3.0.yaml",
    "petstore-3.1.yaml",
    "petstore-swagger-2.0.json",
    "petstore.postman_collection.json",
    "petstore.graphql",
];

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled spec, loaded.
pub fn load(name: &str) -> Arc<ApiModel> {
    let path = root().join("specs").join(name);
    let bytes = std::fs::read(&path).expect("read the sample spec");
    Arc::new(load_bytes(name, &bytes, Some(&path), &LoadOptions::default()).expect("load"))
}

/// A spec written in the test, loaded.
pub fn load_text(text: &str) -> Arc<ApiModel> {
    Arc::new(
        load_bytes(
            "inline.yaml",
            text.as_bytes(),
            None,
            &LoadOptions::default(),
        )
        .expect("load"),
    )
}

pub async fn mock(model: &Arc<ApiModel>, options: MockOptions) -> RunningMock {
    start(model.clone(), options).await.expect("start the mock")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "expected JSON ({e}), got {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends a request: `method` to `url` with headers and an optional (content type, bytes) body.
pub async fn call(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = client.request(method, url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some((content_type, bytes)) = body {
        request = request.header("content-type", content_type).body(bytes);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(client: &reqwest::Client, url: &str) -> Reply {
    call(client, "GET", url, &[], None).await
}

/// Sends a sample request under `base` (the mock's URL plus any base path).
pub async fn send(client: &reqwest::Client, base: &str, request: &SampleRequest) -> Reply {
    let url = format!("{base}{}", request.path_and_query());
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = request
        .body
        .as_ref()
        .map(|b| (b.content_type.as_str(), b.bytes.clone()));
    call(client, request.method.as_str(), &url, &headers, body).await
}

/// The operation with this id.
pub fn op<'a>(model: &'a ApiModel, id: &str) -> &'a mcpoverflow::spec::model::Operation {
    model
        .operations
        .iter()
        .find(|o| o.operation_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no operation {id}"))
}

/// A JSON body as (content type, bytes).
pub fn json_body(value: &Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", serde_json::to_vec(value).unwrap()))
}
