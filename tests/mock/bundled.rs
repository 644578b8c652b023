//! Every operation of every bundled spec answered, with and without the servers' base path, and every
//! answer valid against the response schema the spec declares for its status.

use mcpoverflow::mock::{Direction, MockOptions, SchemaChecker, sample_request};
use mcpoverflow::spec::model::{ApiModel, BodyKind, Operation};
use serde_json::{Value, json};

use super::support::{BUNDLED, call, client, get, json_body, load, load_text, mock, send};

/// The base path of the model's first server (`/v1`), or empty.
fn base_path(model: &ApiModel) -> String {
    model
        .servers
        .first()
        .and_then(|s| url::Url::parse(&s.default_url()).ok())
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default()
}

/// The JSON schema declared for `status` (or `default`).
fn response_schema(op: &Operation, status: u16) -> Option<&Value> {
    let response = op
        .responses
        .iter()
        .find(|r| r.status == status.to_string())
        .or_else(|| op.responses.iter().find(|r| r.status == "default"))?;
    response
        .content
        .iter()
        .find(|(k, _)| BodyKind::of(k) == BodyKind::Json)
        .and_then(|(_, m)| m.schema.as_ref())
}

#[tokio::test]
async fn every_operation_of_every_bundled_spec_is_answered_and_matches_its_schema() {
    let client = client();
    for name in BUNDLED {
        let model = load(name);
        let server = mock(&model, MockOptions::default()).await;
        let checker = SchemaChecker::new(model.clone(), true);
        let prefixed = format!("{}{}", server.base_url(), base_path(&model));
        assert!(!model.operations.is_empty(), "{name}");
        for op in &model.operations {
            let request = sample_request(&model, op);
            for base in [prefixed.clone(), server.base_url()] {
                let reply = send(&client, &base, &request).await;
                let label = format!("{name} {} (as {})", op.label(), request.path_and_query());
                assert!(
                    (200..300).contains(&reply.status),
                    "{label}: {} {}",
                    reply.status,
                    reply.text()
                );
                let first_2xx = op.responses.iter().find(|r| r.status.starts_with('2'));
                if let Some(declared) = first_2xx.and_then(|r| r.status.parse::<u16>().ok()) {
                    assert_eq!(reply.status, declared, "{label}");
                }
                if reply.status == 204 {
                    assert!(reply.body.is_empty(), "{label}: a 204 has no body");
                    continue;
                }
                if let Some(schema) = response_schema(op, reply.status) {
                    let body = reply.json();
                    let issues = checker
                        .check(schema, &body, Direction::Response)
                        .expect("the schema compiles");
                    assert!(issues.is_empty(), "{label}: {issues:?}\n{body:#}");
                }
            }
        }
        let log = server.log().entries();
        assert_eq!(log.len(), model.operations.len() * 2, "{name}");
        assert!(log.iter().all(|e| e.operation.is_some()), "{name}");
        server.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn swagger_base_path_and_server_variables_are_prefixes() {
    let client = client();
    let swagger = load("petstore-swagger-2.0.json");
    let server = mock(&swagger, MockOptions::default()).await;
    for path in ["/v1/pets/1042", "/pets/1042", "/v1/pets/1042/"] {
        let reply = get(&client, &format!("{}{path}", server.base_url())).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text());
        assert_eq!(reply.json()["id"], 1042, "the spec's example");
    }
    let reply = get(&client, &format!("{}/v2/pets/1042", server.base_url())).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["path"], "/v2/pets/1042");
}

#[tokio::test]
async fn graphql_answers_each_root_field_by_the_query_text() {
    let client = client();
    let model = load("petstore.graphql");
    let server = mock(&model, MockOptions::default()).await;
    let url = format!("{}/graphql", server.base_url());
    let query = "query Two($id: ID!) { mine: pet(id: $id) { id name } owner(id: \"o1\") { id } }";
    let body = json!({"query": query, "variables": {"id": "p1"}});
    let reply = call(&client, "POST", &url, &[], json_body(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let data = &reply.json()["data"];
    assert!(data["mine"].is_object(), "{data}");
    assert!(data["owner"]["id"].is_string(), "{data}");
    assert_eq!(
        server.log().last().unwrap().operation.as_deref(),
        Some("pet")
    );

    let unknown = json!({"query": "{ dragons { id } }"});
    let reply = call(&client, "POST", &url, &[], json_body(&unknown)).await;
    assert_eq!(reply.status, 400);
    let message = reply.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("Cannot query field \"dragons\""),
        "{message}"
    );

    let missing = json!({"query": query, "variables": {}});
    let reply = call(&client, "POST", &url, &[], json_body(&missing)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["field"], "variables.id");

    let wrong = json!({"query": "query P($first: Int) { pets(first: $first) { totalCount } }", "variables": {"first": "many"}});
    let reply = call(&client, "POST", &url, &[], json_body(&wrong)).await;
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert_eq!(reply.json()["field"], "variables.first");
}

const TEMPLATES: &str = r#"
openapi: 3.0.3
info: {title: templates, version: '1'}
servers: [{url: 'https://api.example.com/base/v2'}]
paths:
  /files/{name}.{ext}:
    get:
      operationId: getFile
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: ext, in: path, required: true, schema: {type: string, enum: [txt, csv]}}
      responses:
        '200': {description: ok, content: {text/plain: {schema: {type: string}, example: hello}}}
  /pets/mine:
    get:
      operationId: myPets
      responses:
        '200': {description: ok, content: {application/json: {example: {mine: true}}}}
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer}}}
"#;

#[tokio::test]
async fn templates_with_several_params_per_segment_and_literals_first() {
    let client = client();
    let model = load_text(TEMPLATES);
    let server = mock(&model, MockOptions::default()).await;
    let base = format!("{}/base/v2", server.base_url());
    let reply = get(&client, &format!("{base}/files/report.2024.csv")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.text(), "hello");
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );

    let reply = get(&client, &format!("{base}/files/report.pdf")).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.json()["field"], "path.ext");

    let reply = get(&client, &format!("{base}/pets/mine")).await;
    assert_eq!(reply.json(), json!({"mine": true}));
    let reply = get(&client, &format!("{}/pets/12", server.base_url())).await;
    assert_eq!(reply.status, 200);
    assert!(reply.json()["id"].is_i64());
    let reply = get(&client, &format!("{base}/pets/twelve")).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["field"], "path.id");
    assert_eq!(reply.json()["operation"], "getPet");
}
