//! Requests that break the spec: 400 for malformed input, 422 for schema failures, each naming the field.

use mcpoverflow::mock::MockOptions;
use serde_json::json;

use super::support::{Reply, call, client, get, json_body, load, mock};

fn assert_problem(reply: &Reply, status: u16, field: &str, pointer: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["field"], field, "{body}");
    assert_eq!(body["pointer"], pointer, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn parameters_are_required_typed_and_validated() {
    let client = client();
    let model = load("petstore-3.0.yaml");
    let server = mock(&model, MockOptions::default()).await;
    let base = format!("{}/v1", server.base_url());

    let reply = get(&client, &format!("{base}/appointments/slots")).await;
    assert_problem(&reply, 400, "query.date", "/date");
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("missing required query parameter")
    );

    let reply = get(
        &client,
        &format!("{base}/appointments/slots?date=14-06-2024"),
    )
    .await;
    assert_problem(&reply, 422, "query.date", "/date");

    let reply = get(&client, &format!("{base}/pets?limit=abc")).await;
    assert_problem(&reply, 400, "query.limit", "/limit");
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("expected an integer")
    );

    let reply = get(&client, &format!("{base}/pets?limit=500")).await;
    assert_problem(&reply, 422, "query.limit", "/limit");

    let reply = get(&client, &format!("{base}/pets?species=dog,dragon")).await;
    assert_problem(&reply, 422, "query.species[1]", "/species/1");

    let reply = get(&client, &format!("{base}/pets?status=lost")).await;
    assert_problem(&reply, 422, "query.status", "/status");

    let reply = get(
        &client,
        &format!("{base}/pets?filter[minAgeYears]=-1&filter[vaccinated]=true"),
    )
    .await;
    assert_problem(
        &reply,
        422,
        "query.filter.minAgeYears",
        "/filter/minAgeYears",
    );

    let reply = get(&client, &format!("{base}/pets?filter[vaccinated]=maybe")).await;
    assert_problem(&reply, 400, "query.filter", "/filter");

    let reply = get(&client, &format!("{base}/pets/0")).await;
    assert_problem(&reply, 422, "path.petId", "/petId");

    let reply = call(
        &client,
        "GET",
        &format!("{base}/pets/7"),
        &[("Cookie", "units=kelvin")],
        None,
    )
    .await;
    assert_problem(&reply, 422, "cookie.units", "/units");

    let reply = call(
        &client,
        "GET",
        &format!("{base}/pets"),
        &[("X-Request-Id", "not-a-uuid")],
        None,
    )
    .await;
    assert_problem(&reply, 422, "header.X-Request-Id", "/X-Request-Id");

    let good =
        format!("{base}/pets?species=dog,cat&status=available&filter[minAgeYears]=2&limit=5");
    assert_eq!(get(&client, &good).await.status, 200);
}

#[tokio::test]
async fn json_bodies_are_validated_against_their_schema() {
    let client = client();
    let model = load("petstore-3.0.yaml");
    let server = mock(&model, MockOptions::default()).await;
    let url = format!("{}/v1/pets", server.base_url());

    let reply = call(
        &client,
        "POST",
        &url,
        &[],
        json_body(&json!({"species": "dog"})),
    )
    .await;
    assert_problem(&reply, 422, "body.name", "/name");

    let reply = call(
        &client,
        "POST",
        &url,
        &[],
        json_body(&json!({"name": "Rex", "species": "dragon"})),
    )
    .await;
    assert_problem(&reply, 422, "body.species", "/species");

    let bad_owner = json!({"name": "Rex", "species": "dog", "ownerId": "nope"});
    let reply = call(&client, "POST", &url, &[], json_body(&bad_owner)).await;
    assert_problem(&reply, 422, "body.ownerId", "/ownerId");

    let reply = call(
        &client,
        "POST",
        &url,
        &[],
        Some(("application/json", b"{\"name\": ".to_vec())),
    )
    .await;
    assert_problem(&reply, 400, "body", "");

    let reply = call(&client, "POST", &url, &[], None).await;
    assert_problem(&reply, 400, "body", "");

    let reply = call(
        &client,
        "POST",
        &url,
        &[],
        Some(("text/csv", b"name,species".to_vec())),
    )
    .await;
    assert_eq!(reply.status, 415, "{}", reply.text());
    assert_eq!(reply.json()["field"], "header.Content-Type");

    let pet = json!({"name": "Rex", "species": "dog"});
    let reply = call(&client, "POST", &url, &[], json_body(&pet)).await;
    assert_eq!(reply.status, 201, "{}", reply.text());

    // oneOf with a discriminator: a vaccination visit without its vaccines fits no branch.
    let appointments = format!("{}/v1/appointments", server.base_url());
    let visit =
        json!({"visitType": "vaccination", "petId": 1042, "startsAt": "2024-06-14T09:00:00Z"});
    let headers = [("Idempotency-Key", "0b9e4d3c-7f1a-4e2b-8c6d-5a4f3e2d1c0b")];
    let reply = call(&client, "POST", &appointments, &headers, json_body(&visit)).await;
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert_eq!(reply.json()["field"], "body");

    let reply = call(&client, "POST", &appointments, &[], json_body(&visit)).await;
    assert_problem(&reply, 400, "header.Idempotency-Key", "/Idempotency-Key");
}

#[tokio::test]
async fn form_and_multipart_bodies_are_checked_for_their_fields() {
    let client = client();
    let model = load("petstore-3.0.yaml");
    let server = mock(&model, MockOptions::default()).await;
    let cancel = format!(
        "{}/v1/appointments/3d2c1b0a-9e8f-4a7b-8c6d-1e2f3a4b5c6d/cancel",
        server.base_url()
    );
    let form = "application/x-www-form-urlencoded";
    let auth = [("Authorization", "Bearer t")];

    let reply = call(
        &client,
        "POST",
        &cancel,
        &auth,
        Some((form, b"note=hi".to_vec())),
    )
    .await;
    assert_problem(&reply, 422, "body.reason", "/reason");
    let reply = call(
        &client,
        "POST",
        &cancel,
        &auth,
        Some((form, b"reason=bored".to_vec())),
    )
    .await;
    assert_problem(&reply, 422, "body.reason", "/reason");
    let reply = call(
        &client,
        "POST",
        &cancel,
        &auth,
        Some((form, b"reason=no_show&notifyOwner=perhaps".to_vec())),
    )
    .await;
    assert_problem(&reply, 400, "body.notifyOwner", "/notifyOwner");
    let reply = call(
        &client,
        "POST",
        &cancel,
        &auth,
        Some((form, b"reason=no_show&notifyOwner=false".to_vec())),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());

    let photos = format!("{}/v1/pets/1042/photos", server.base_url());
    let boundary = "XyZ";
    let multipart = format!("multipart/form-data; boundary={boundary}");
    let caption_only = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nHello\r\n--{boundary}--\r\n"
    );
    let reply = call(
        &client,
        "POST",
        &photos,
        &[],
        Some((&multipart, caption_only.into_bytes())),
    )
    .await;
    assert_problem(&reply, 422, "body.file", "/file");

    let with_file = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
         Content-Type: image/png\r\n\r\n\u{1}PNG\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"public\"\r\n\r\ntrue\r\n--{boundary}--\r\n"
    );
    let reply = call(
        &client,
        "POST",
        &photos,
        &[],
        Some((&multipart, with_file.into_bytes())),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
}

/// A method, a URL and an optional body with its content type.
type HostileRequest<'a> = (&'a str, String, Option<(&'a str, Vec<u8>)>);

#[tokio::test]
async fn hostile_input_gets_an_answer_and_the_mock_stays_up() {
    let client = client();
    let petstore = load("petstore-3.0.yaml");
    let server = mock(&petstore, MockOptions::default()).await;
    let base = format!("{}/v1", server.base_url());
    let deep_key = format!("filter{}=1", "[a]".repeat(5_000));
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cancel = format!("{base}/appointments/x/cancel");
    let form = "application/x-www-form-urlencoded";
    let requests: Vec<HostileRequest> = vec![
        ("GET", format!("{base}/pets?{deep_key}"), None),
        ("GET", format!("{base}/pets/%FF%FE"), None),
        ("GET", format!("{base}/pets?limit=%FF"), None),
        (
            "POST",
            format!("{base}/pets"),
            Some(("application/json", deep_json.clone().into_bytes())),
        ),
        (
            "POST",
            cancel.clone(),
            Some((form, deep_key.clone().into_bytes())),
        ),
        ("POST", cancel, Some((form, vec![0xff, 0xfe, b'=', 0x80]))),
        (
            "POST",
            format!("{base}/pets/1/photos"),
            Some((
                "multipart/form-data; boundary=b",
                b"--b\r\nnonsense".to_vec(),
            )),
        ),
        (
            "POST",
            format!("{base}/pets/1/photos"),
            Some(("multipart/form-data", b"--b--".to_vec())),
        ),
        ("PATCH", format!("{base}/pets/1"), None),
    ];
    for (method, url, body) in requests {
        let reply = call(&client, method, &url, &[("Authorization", "Bearer")], body).await;
        let shown: String = url.chars().take(80).collect();
        assert!(reply.status < 500, "{method} {shown}: {}", reply.status);
    }
    let graphql = load("petstore.graphql");
    let gql = mock(&graphql, MockOptions::default()).await;
    let url = format!("{}/graphql", gql.base_url());
    for body in [
        "not json".to_string(),
        "{\"query\": 5}".to_string(),
        format!("{{\"query\": \"{}\"}}", "{".repeat(10_000)),
        "{\"query\": \"query ($a: [[Int!]!] = [[1]]) @x { pets { totalCount } }\", \"variables\": 7}".to_string(),
        "{\"query\": \"\\\"\\\"\\\" unterminated\"}".to_string(),
    ] {
        let reply = call(&client, "POST", &url, &[], Some(("application/json", body.into_bytes()))).await;
        assert!((400..500).contains(&reply.status), "{}", reply.text());
    }
    assert_eq!(get(&client, &format!("{base}/pets/1042")).await.status, 200);
}
