//! `mcpow gateway`: MCP servers' tools as REST, through the real binary, against `mcpow serve` (backed by
//! `mcpow mock`) and npm `@modelcontextprotocol/server-everything`. Its /openapi.json is loaded back through
//! `mcpow inspect` and checked by PyPI `openapi-spec-validator`; servers are killed mid-way.

mod common;

#[path = "gateway/support.rs"]
mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{Gateway, check_document, everything, kill, post, recording_proxy};

#[tokio::test(flavor = "multi_thread")]
async fn tools_of_mcpow_serve_as_rest() {
    let spec = common::sample("petstore-3.0.yaml");
    let mock = common::processes::start_mcpow(&["mock", spec.to_str().unwrap(), "--port", "0"]);
    let gateway = Gateway::start(
        &["--env", "PET_CLINIC_STORE_API_KEY=k-1"],
        &[
            env!("CARGO_BIN_EXE_mcpow"),
            "serve",
            spec.to_str().unwrap(),
            "--base-url",
            &mock.url,
        ],
    );
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let health: Value = client
        .get(format!("{}/health", gateway.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["session"]["state"], "up", "{health}");
    assert_eq!(health["restarts"], 0);

    let listed: Value = client
        .get(format!("{}/tools", gateway.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tools = listed["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 10);
    assert!(tools.iter().any(|t| t["path"] == "/tools/listPets"));

    let (status, pets) = post(&client, &gateway, "listPets", json!({"limit": 2})).await;
    assert_eq!(status, 200, "{pets}");
    assert_eq!(pets["isError"], false);
    assert!(pets["content"][0]["text"].is_string(), "{pets}");
    let structured = &pets["structuredContent"];
    assert!(structured.is_object() || structured.is_array(), "{pets}");

    let (status, pet) = post(&client, &gateway, "getPet", json!({"petId": 1042})).await;
    assert_eq!(status, 200, "{pet}");
    assert!(
        pet["structuredContent"]["id"].is_number()
            || pet["structuredContent"]["body"]["id"].is_number(),
        "{pet}"
    );

    // Arguments are checked against the inputSchema before the server sees them.
    let (status, refused) = post(&client, &gateway, "getPet", json!({"petId": "one"})).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["code"], "INVALID_ARGUMENTS");
    assert_eq!(refused["problems"][0]["field"], "petId", "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("`petId`"),
        "{refused}"
    );
    let (status, missing) = post(&client, &gateway, "getPet", json!({})).await;
    assert_eq!(status, 422, "{missing}");
    assert_eq!(missing["problems"][0]["field"], "petId", "{missing}");

    let (status, unknown) = post(&client, &gateway, "adoptAll", json!({})).await;
    assert_eq!(status, 404, "{unknown}");
    assert_eq!(unknown["code"], "UNKNOWN_TOOL");
    assert!(
        unknown["error"].as_str().unwrap().contains("listPets"),
        "{unknown}"
    );

    for (body, needle) in [("{oops", "not JSON"), ("[1, 2]", "not an array")] {
        let response = client
            .post(format!("{}/tools/listPets", gateway.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["code"], "BAD_BODY");
        assert!(
            answer["error"].as_str().unwrap().contains(needle),
            "{answer}"
        );
    }

    check_document(&gateway, 10).await;

    // The server dies between calls: the next call starts it again and works.
    let killed = kill(&gateway);
    assert_eq!(killed.len(), 1, "one server process: {killed:?}");
    // The exit status follows the closed pipe: "down" first, then why.
    let health = support::wait_for_health(&client, &gateway, |health| {
        health["session"]["state"] == "down"
            && health["session"]["reason"]
                .as_str()
                .is_some_and(|r| r.contains("signal 9"))
    })
    .await;
    assert_eq!(health["inFlight"], 0, "{health}");
    let (status, pets) = post(&client, &gateway, "listPets", json!({"limit": 1})).await;
    assert_eq!(status, 200, "{pets}");
    let health = support::wait_for_session(&client, &gateway, "up").await;
    assert_eq!(health["restarts"], 1, "{health}");
    assert_ne!(kill(&gateway), killed, "a new server process");
}

#[tokio::test(flavor = "multi_thread")]
async fn tools_of_server_everything_as_rest() {
    let Some(server) = everything() else {
        return;
    };
    let gateway = Gateway::start(&[], &[server.to_str().unwrap()]);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let (status, echo) = post(&client, &gateway, "echo", json!({"message": "hi there"})).await;
    assert_eq!(status, 200, "{echo}");
    assert_eq!(echo["isError"], false);
    assert!(
        echo["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("hi there"),
        "{echo}"
    );

    let (status, sum) = post(&client, &gateway, "get-sum", json!({"a": 2, "b": 40})).await;
    assert_eq!(status, 200, "{sum}");
    assert!(
        sum["content"][0]["text"].as_str().unwrap().contains("42"),
        "{sum}"
    );

    let (status, structured) = post(
        &client,
        &gateway,
        "get-structured-content",
        json!({"location": "Chicago"}),
    )
    .await;
    assert_eq!(status, 200, "{structured}");
    assert!(structured["structuredContent"].is_object(), "{structured}");

    let (status, refused) = post(&client, &gateway, "get-sum", json!({"a": "two", "b": 1})).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["problems"][0]["field"], "a", "{refused}");
    let (status, refused) = post(&client, &gateway, "echo", json!({})).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["problems"][0]["pointer"], "/message", "{refused}");

    let (status, unknown) = post(&client, &gateway, "add", json!({"a": 1, "b": 2})).await;
    assert_eq!(status, 404, "{unknown}");
    assert!(
        unknown["error"].as_str().unwrap().contains("get-sum"),
        "{unknown}"
    );

    let document = check_document(&gateway, 13).await;
    let echo = &document["paths"]["/tools/echo"]["post"];
    assert_eq!(echo["operationId"], "echo");
    assert_eq!(echo["x-mcp-annotations"]["readOnlyHint"], true, "{echo}");
    assert_eq!(echo["requestBody"]["required"], true);
    let structured = &document["components"]["schemas"]["get-structured-content.result"];
    assert_eq!(
        structured["properties"]["structuredContent"]["$ref"],
        "#/components/schemas/get-structured-content.output"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_in_flight_when_the_server_dies_fails_clearly_and_the_next_works() {
    let Some(server) = everything() else {
        return;
    };
    let gateway = Gateway::start(&[], &[server.to_str().unwrap()]);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let in_flight = {
        let client = client.clone();
        let url = gateway.url.clone();
        tokio::spawn(async move {
            let response = client
                .post(format!("{url}/tools/trigger-long-running-operation"))
                .json(&json!({"duration": 120, "steps": 120}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        })
    };
    support::wait_for_in_flight(&client, &gateway).await;
    let killed = kill(&gateway);
    assert_eq!(killed.len(), 1, "one server process: {killed:?}");

    let (status, failed) = tokio::time::timeout(Duration::from_secs(60), in_flight)
        .await
        .expect("the call in flight ends when its server dies")
        .unwrap();
    assert_eq!(status, 503, "{failed}");
    assert_eq!(failed["code"], "SERVER_GONE");
    let message = failed["error"].as_str().unwrap();
    assert!(message.contains("went away during the call"), "{message}");
    assert!(message.contains("signal 9"), "{message}");
    assert!(
        message.contains("the next request starts it again"),
        "{message}"
    );

    let (status, echo) = post(&client, &gateway, "echo", json!({"message": "again"})).await;
    assert_eq!(status, 200, "{echo}");
    assert!(
        echo["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("again")
    );
    let health = support::wait_for_session(&client, &gateway, "up").await;
    assert_eq!(health["restarts"], 1, "{health}");
    assert_eq!(health["inFlight"], 0, "{health}");
}

#[test]
fn unusable_setups_are_refused_in_one_line() {
    let refuse = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = common::mcpow();
        command.arg("gateway").args(args).envs(env.iter().copied());
        common::run_bounded(command, None, Duration::from_secs(60))
    };
    let output = refuse(&["--port", "0", "--pass-bearer", "--", "true"], &[]);
    common::assert_refused(&output, "HTTP servers only");
    let output = refuse(
        &[
            "http://127.0.0.1:9/mcp",
            "--port",
            "0",
            "--bearer-env",
            "MCPOW_GATEWAY_TEST_UNSET",
        ],
        &[],
    );
    common::assert_refused(&output, "MCPOW_GATEWAY_TEST_UNSET: the variable is not set");
    let output = refuse(&["--port", "0", "--", "/nonexistent/mcp-server"], &[]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot start `/nonexistent/mcp-server`"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tool_error_is_a_502_with_the_result() {
    let spec = common::sample("petstore-3.0.yaml");
    // Nothing listens on port 9: every API call fails, and the tool says so with isError.
    let gateway = Gateway::start(
        &["--env", "PET_CLINIC_STORE_API_KEY=k-1"],
        &[
            env!("CARGO_BIN_EXE_mcpow"),
            "serve",
            spec.to_str().unwrap(),
            "--base-url",
            "http://127.0.0.1:9",
        ],
    );
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let (status, failed) = post(&client, &gateway, "listPets", json!({"limit": 1})).await;
    assert_eq!(status, 502, "{failed}");
    assert_eq!(failed["isError"], true, "{failed}");
    let text = failed["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("could not connect"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bearer_tokens_reach_an_http_server_and_are_never_printed() {
    let spec = common::sample("petstore-3.0.yaml");
    let mock = common::processes::start_mcpow(&["mock", spec.to_str().unwrap(), "--port", "0"]);
    let server = common::processes::start_mcpow_with(
        &[
            "serve",
            spec.to_str().unwrap(),
            "--transport",
            "http",
            "--port",
            "0",
            "--base-url",
            &mock.url,
        ],
        &[("PET_CLINIC_STORE_API_KEY", "k-1")],
    );
    let (proxy, seen) = recording_proxy(server.url.clone()).await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    // Callers' tokens, passed through: one session each.
    let passing = Gateway::start(&[&proxy, "--pass-bearer"], &[]);
    let call = |token: Option<&'static str>| {
        let request = client
            .post(format!("{}/tools/listPets", passing.url))
            .json(&json!({"limit": 1}));
        let request = match token {
            Some(value) => request.header("authorization", value),
            None => request,
        };
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let (status, refused) = call(None).await;
    assert_eq!(status, 401, "{refused}");
    assert_eq!(refused["code"], "UNAUTHORIZED");
    let (status, refused) = call(Some("Basic dTpw")).await;
    assert_eq!(status, 400, "{refused}");
    let (status, answer) = call(Some("Bearer caller-token-1")).await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = call(Some("Bearer caller-token-2")).await;
    assert_eq!(status, 200, "{answer}");
    {
        let seen = seen.lock().unwrap();
        assert!(
            seen.iter().any(|h| h == "Bearer caller-token-1"),
            "{seen:?}"
        );
        assert!(
            seen.iter().any(|h| h == "Bearer caller-token-2"),
            "{seen:?}"
        );
        assert!(
            seen.iter().all(|h| h.starts_with("Bearer caller-token-")),
            "{seen:?}"
        );
    }
    let health = support::wait_for_session(&client, &passing, "up").await;
    assert_eq!(health["sessions"], 2, "{health}");

    // The gateway's own token, from the environment.
    seen.lock().unwrap().clear();
    let own = Gateway::start_with(
        &[&proxy, "--bearer-env", "GATEWAY_TEST_TOKEN"],
        &[],
        &[("GATEWAY_TEST_TOKEN", "own-secret-token")],
    );
    let (status, answer) = post(&client, &own, "listPets", json!({"limit": 1})).await;
    assert_eq!(status, 200, "{answer}");
    let document: Value = client
        .get(format!("{}/openapi.json", own.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(document["paths"].as_object().unwrap().len(), 10);
    {
        let seen = seen.lock().unwrap();
        assert!(!seen.is_empty());
        assert!(
            seen.iter().all(|h| h == "Bearer own-secret-token"),
            "{seen:?}"
        );
    }
    for gateway in [&passing, &own] {
        let printed = support::wait_for_stderr(gateway, "POST /tools/listPets 200").await;
        assert!(!printed.contains("token"), "a token was printed: {printed}");
    }
}
