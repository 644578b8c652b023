//! Prefer, latency, injected faults, require-auth, the request log, 404 and 405.

use std::time::{Duration, Instant};

use mcpoverflow::mock::MockOptions;
use serde_json::json;

use super::support::{call, client, get, load, load_text, mock};

const NAMED_EXAMPLES: &str = r#"
openapi: 3.1.0
info: {title: examples, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          headers:
            X-Rate-Limit: {schema: {type: integer, minimum: 10}}
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}}}
              examples:
                dog: {value: {name: Biscuit}}
                cat: {value: {name: Miso}}
        '404':
          description: gone
          content:
            application/json:
              examples:
                gone: {value: {code: gone}}
"#;

#[tokio::test]
async fn prefer_picks_a_declared_status_or_a_named_example() {
    let client = client();
    let petstore = load("petstore-3.0.yaml");
    let server = mock(&petstore, MockOptions::default()).await;
    let url = format!("{}/v1/pets/1042", server.base_url());
    let reply = call(&client, "GET", &url, &[("Prefer", "code=404")], None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.json(),
        json!({"code": "not_found", "message": "No record with that id"})
    );
    // Not declared, but `default` is.
    let reply = call(&client, "GET", &url, &[("Prefer", "code=503")], None).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.json()["code"], "internal");
    let reply = call(&client, "GET", &url, &[("Prefer", "code=304")], None).await;
    assert_eq!(reply.status, 304);
    assert!(reply.body.is_empty());
    let reply = call(&client, "GET", &url, &[], None).await;
    assert_eq!(
        reply.header("etag").as_deref(),
        Some("string"),
        "declared headers are sent"
    );

    let model = load_text(NAMED_EXAMPLES);
    let server = mock(&model, MockOptions::default()).await;
    let url = format!("{}/pets/1", server.base_url());
    let reply = get(&client, &url).await;
    assert_eq!(
        reply.json(),
        json!({"name": "Biscuit"}),
        "the first example by default"
    );
    assert_eq!(reply.header("x-rate-limit").as_deref(), Some("10"));
    let reply = call(&client, "GET", &url, &[("Prefer", "example=cat")], None).await;
    assert_eq!((reply.status, reply.json()), (200, json!({"name": "Miso"})));
    let reply = call(&client, "GET", &url, &[("Prefer", "example=gone")], None).await;
    assert_eq!((reply.status, reply.json()), (404, json!({"code": "gone"})));
    let reply = call(&client, "GET", &url, &[("Prefer", "example=bird")], None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["field"], "header.Prefer");
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("dog, cat, gone")
    );
    let reply = call(&client, "GET", &url, &[("Prefer", "code=418")], None).await;
    assert_eq!(reply.status, 400);
    assert!(reply.json()["error"].as_str().unwrap().contains("418"));
}

#[tokio::test]
async fn latency_delays_every_response() {
    let client = client();
    let model = load("petstore-3.1.yaml");
    let options = MockOptions {
        latency: Duration::from_millis(300),
        ..MockOptions::default()
    };
    let server = mock(&model, options).await;
    let started = Instant::now();
    let reply = get(
        &client,
        &format!(
            "{}/v1/owners/6f1c2a9e-3b1d-4c55-9a0e-2f7d8b6c1e44",
            server.base_url()
        ),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    assert_eq!(
        get(&client, &format!("{}/nowhere", server.base_url()))
            .await
            .status,
        404
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
}

async fn statuses(seed: u64, rate: f64, count: usize) -> Vec<u16> {
    let client = client();
    let model = load("petstore-3.0.yaml");
    let options = MockOptions {
        fail_rate: rate,
        seed: Some(seed),
        ..MockOptions::default()
    };
    let server = mock(&model, options).await;
    let mut out = Vec::new();
    for _ in 0..count {
        let reply = get(&client, &format!("{}/v1/pets/1042", server.base_url())).await;
        if reply.status >= 500 {
            assert!(reply.json()["error"].as_str().unwrap().contains("injected"));
        }
        out.push(reply.status);
    }
    out
}

#[tokio::test]
async fn fail_rate_is_deterministic_for_a_seed() {
    let first = statuses(42, 0.4, 40).await;
    let again = statuses(42, 0.4, 40).await;
    assert_eq!(first, again, "same seed, same failures");
    let failures = first.iter().filter(|s| **s >= 500).count();
    assert!(
        (6..=28).contains(&failures),
        "{failures} of 40 failed: {first:?}"
    );
    assert!(first.contains(&500) && first.contains(&503), "{first:?}");
    assert!(first.iter().all(|s| [200, 500, 503].contains(s)));
    assert_ne!(
        first,
        statuses(7, 0.4, 40).await,
        "another seed, other failures"
    );
    assert!(statuses(1, 0.0, 10).await.iter().all(|s| *s == 200));
    assert!(statuses(1, 1.0, 10).await.iter().all(|s| *s >= 500));
}

#[tokio::test]
async fn require_auth_answers_401_without_credentials() {
    let client = client();
    let model = load("petstore-3.0.yaml");
    let options = MockOptions {
        require_auth: true,
        ..MockOptions::default()
    };
    let server = mock(&model, options).await;
    let base = format!("{}/v1", server.base_url());

    let reply = get(&client, &format!("{base}/pets")).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.header("www-authenticate").as_deref(),
        Some("Bearer realm=\"mock\"")
    );
    assert_eq!(reply.json()["operation"], "listPets");
    assert!(reply.json()["accepted"].to_string().contains("X-Api-Key"));

    let key = [("X-Api-Key", "k")];
    assert_eq!(
        call(&client, "GET", &format!("{base}/pets"), &key, None)
            .await
            .status,
        200
    );
    let bearer = [("Authorization", "Bearer t")];
    assert_eq!(
        call(&client, "GET", &format!("{base}/pets"), &bearer, None)
            .await
            .status,
        200
    );
    let empty = [("Authorization", "Bearer ")];
    assert_eq!(
        call(&client, "GET", &format!("{base}/pets"), &empty, None)
            .await
            .status,
        401
    );

    // `security: []` stays open.
    assert_eq!(
        get(
            &client,
            &format!("{base}/appointments/slots?date=2024-06-14")
        )
        .await
        .status,
        200
    );

    // Basic or bearer, not the API key.
    let cancel = format!("{base}/appointments/3d2c1b0a-9e8f-4a7b-8c6d-1e2f3a4b5c6d/cancel");
    let form = Some((
        "application/x-www-form-urlencoded",
        b"reason=no_show".to_vec(),
    ));
    let reply = call(&client, "POST", &cancel, &key, form.clone()).await;
    assert_eq!(reply.status, 401);
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(
        challenge.contains("Basic") && challenge.contains("Bearer"),
        "{challenge}"
    );
    let basic = [("Authorization", "Basic dTpw")];
    assert_eq!(
        call(&client, "POST", &cancel, &basic, form).await.status,
        200
    );
}

const DELIMITED: &str = r#"
openapi: 3.0.3
info: {title: delimited, version: '1'}
components:
  securitySchemes:
    queryKey: {type: apiKey, in: query, name: api_key}
security: [{queryKey: []}]
paths:
  /search:
    get:
      operationId: search
      parameters:
        - {name: tags, in: query, style: pipeDelimited, explode: false, schema: {type: array, items: {type: string}}}
        - {name: ids, in: query, style: spaceDelimited, explode: false, schema: {type: array, items: {type: integer}}}
        - {name: sort, in: query, explode: true, schema: {type: array, items: {type: string, enum: [name, age]}}}
        - {name: filter, in: query, style: deepObject, explode: true, schema: {type: object, properties: {min: {type: integer}, tags: {type: array, items: {type: string}}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
"#;

#[tokio::test]
async fn the_log_keeps_raw_query_strings_and_redacts_secrets() {
    let client = client();
    let model = load_text(DELIMITED);
    let dir = tempfile::tempdir().unwrap();
    let log_file = dir.path().join("requests.jsonl");
    let options = MockOptions {
        log_file: Some(log_file.clone()),
        require_auth: true,
        ..MockOptions::default()
    };
    let server = mock(&model, options).await;
    let queries = [
        "tags=a|b|c&ids=1%202%203&sort=name&sort=age&filter[min]=2&filter[tags]=x&filter[tags]=y&api_key=topsecret",
        "tags=a%7Cb&ids=4+5&filter%5Bmin%5D=3&api_key=topsecret",
    ];
    for query in queries {
        let headers = [("Authorization", "Bearer abcdefgh"), ("X-Trace", "t-1")];
        let reply = call(
            &client,
            "GET",
            &format!("{}/search?{query}", server.base_url()),
            &headers,
            None,
        )
        .await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.text());
    }
    let bad = format!("{}/search?ids=1%20two&api_key=k", server.base_url());
    let reply = get(&client, &bad).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["field"], "query.ids");

    let entries = server.log().entries();
    assert_eq!(entries.len(), 3);
    let expected: Vec<String> = queries
        .iter()
        .map(|q| q.replace("topsecret", "tops…"))
        .collect();
    assert_eq!(entries[0].query.as_deref(), Some(expected[0].as_str()));
    assert_eq!(entries[1].query.as_deref(), Some(expected[1].as_str()));
    let first = &entries[0];
    assert_eq!(
        (first.method.as_str(), first.path.as_str()),
        ("GET", "/search")
    );
    assert_eq!(first.operation.as_deref(), Some("search"));
    assert_eq!(first.status, 200);
    assert!(
        first.time.ends_with('Z') && first.time.len() == 24,
        "{}",
        first.time
    );
    let header = |name: &str| {
        first
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("authorization").as_deref(), Some("Bear…"));
    assert_eq!(header("x-trace").as_deref(), Some("t-1"));
    assert_eq!(entries[2].status, 400);

    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log_file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["query"], expected[0].as_str());
    assert_eq!(lines[2]["status"], 400);
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let client = client();
    let model = load("petstore-3.0.yaml");
    let server = mock(&model, MockOptions::default()).await;
    let reply = get(&client, &format!("{}/v1/dragons", server.base_url())).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["path"], "/v1/dragons");
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("/v1/dragons")
    );

    let reply = call(
        &client,
        "PUT",
        &format!("{}/v1/pets", server.base_url()),
        &[],
        None,
    )
    .await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.json()["allowed"], json!(["GET", "POST"]));
    assert_eq!(reply.header("allow").as_deref(), Some("GET, POST"));

    let body = json!({"visitType": "checkup", "petId": 1, "startsAt": "2024-06-14T09:00:00Z"});
    let reply = call(
        &client,
        "POST",
        &format!("{}/v1/appointments", server.base_url()),
        &[("Idempotency-Key", "0b9e4d3c-7f1a-4e2b-8c6d-5a4f3e2d1c0b")],
        Some(("application/json", serde_json::to_vec(&body).unwrap())),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(server.log().len(), 3);
    assert_eq!(server.log().entries()[1].operation, None);
}

const DOWNLOAD_REDIRECT: &str = r#"
openapi: 3.0.3
info: {title: downloads, version: '1'}
paths:
  /archives/{id}:
    get:
      operationId: downloadArchive
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '302':
          description: the archive is elsewhere
          headers:
            Location: {schema: {type: string, format: uri, example: 'https://downloads.example.com/a.zip'}}
"#;

#[tokio::test]
async fn redirects_point_back_to_the_mock() {
    let model = load_text(DOWNLOAD_REDIRECT);
    let server = mock(&model, MockOptions::default()).await;
    let no_follow = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reply = get(&no_follow, &format!("{}/archives/7", server.base_url())).await;
    assert_eq!(reply.status, 302);
    let location = reply.header("location").expect("a Location header");
    assert_eq!(
        location,
        format!("{}/__mcpow/redirected/archives/7", server.base_url()),
        "a redirect must not leave 127.0.0.1"
    );

    // A client that follows it lands on a small download from the mock.
    let reply = get(&client(), &format!("{}/archives/7", server.base_url())).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert!(reply.text().contains("/archives/7"));
    let entries = server.log().entries();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].operation.as_deref(), Some("downloadArchive"));
    assert_eq!(entries[2].path, "/__mcpow/redirected/archives/7");
}
