//! The Postman reader, end to end: collections in, model out; and every Postman collection of the corpus.

use indexmap::IndexMap;
use serde_json::{Value, json};

use super::read;
use crate::spec::model::{
    ApiModel, HttpMethod, MediaType, OAuthFlowKind, Operation, ParamLocation, Parameter,
    SecurityScheme, Warning,
};

fn load(doc: Value) -> ApiModel {
    read(&doc, "test.json").expect("the collection reads")
}

fn collection(items: Value) -> Value {
    json!({
        "info": {"name": "Test", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items
    })
}

fn get(url: Value) -> Value {
    json!({"name": "Req", "request": {"method": "GET", "url": url}})
}

fn param<'m>(op: &'m Operation, name: &str) -> &'m Parameter {
    op.parameters
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

fn only_media(op: &Operation) -> (&str, &MediaType) {
    let body = op.request_body.as_ref().expect("a body");
    assert_eq!(body.content.len(), 1);
    let (media_type, media) = body.content.first().unwrap();
    (media_type.as_str(), media)
}

#[test]
fn info_and_nested_folders_become_tags() {
    let model = load(json!({
        "info": {"name": "Shop", "description": {"content": "About", "type": "text/markdown"},
                 "version": "1.2", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
        "item": [
            {"name": "Top", "request": {"method": "GET", "url": "https://api.shop.com/"}},
            {"name": "Users", "description": "User things", "item": [
                {"name": "List users", "request": {"method": "GET", "url": "https://api.shop.com/users",
                                                   "description": "All of them"}},
                {"name": "Admin", "item": [
                    {"name": "List users", "request": {"method": "DELETE", "url": "https://api.shop.com/users"}}
                ]}
            ]}
        ]
    }));
    assert_eq!(
        (model.title.as_str(), model.version.as_str()),
        ("Shop", "2.0.0")
    );
    assert_eq!(model.description.as_deref(), Some("About"));
    assert_eq!(model.api_version.as_deref(), Some("1.2"));
    let tags: Vec<_> = model
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.description.as_deref()))
        .collect();
    assert_eq!(
        tags,
        [("Users", Some("User things")), ("Users / Admin", None)]
    );
    let ops: Vec<_> = model
        .operations
        .iter()
        .map(|o| {
            (
                o.pointer.as_str(),
                o.operation_id.as_deref().unwrap(),
                o.tags.join(","),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("/item/0", "top", String::new()),
            ("/item/1/item/0", "list_users", "Users".to_string()),
            (
                "/item/1/item/1/item/0",
                "list_users_2",
                "Users / Admin".to_string()
            ),
        ]
    );
    let op = &model.operations[1];
    assert_eq!(
        (op.summary.as_deref(), op.description.as_deref()),
        (Some("List users"), Some("All of them"))
    );
    assert_eq!(model.servers.len(), 1);
    assert_eq!(model.servers[0].url, "https://api.shop.com");
    assert_eq!(op.path, "/users");
}

#[test]
fn variables_in_host_and_path() {
    let mut doc = collection(json!([
        get(
            json!({"raw": "{{baseUrl}}/users/{{userId}}", "host": ["{{baseUrl}}"], "path": ["users", "{{userId}}"]})
        ),
        get(
            json!({"raw": "{{api}}/v2/{{version}}/x", "host": ["{{api}}"], "path": ["v2", "{{version}}", "x"]})
        ),
        get(json!(
            "https://{{region}}.example.com:{{port}}/items/{{itemId}}?q={{query}}"
        )),
    ]));
    doc["variable"] = json!([
        {"key": "api", "value": "https://api.example.com/base"},
        {"key": "version", "value": "one"},
        {"key": "version", "value": "two"},
        {"key": "userId", "value": "ignored", "disabled": true},
        {"key": "query", "value": ""}
    ]);
    let model = load(doc);
    let urls: Vec<_> = model.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "{baseUrl}",
            "https://api.example.com",
            "https://{region}.example.com:{port}"
        ]
    );
    assert_eq!(model.servers[0].variables["baseUrl"].default, "");
    assert_eq!(
        model.servers[2].variables.keys().collect::<Vec<_>>(),
        ["region", "port"]
    );
    let [a, b, c] = &model.operations[..] else {
        panic!("three operations")
    };
    assert_eq!(a.path, "/users/{userId}");
    assert!(param(a, "userId").required);
    assert_eq!(b.path, "/base/v2/two/x");
    assert!(b.parameters.is_empty());
    assert_eq!(c.path, "/items/{itemId}");
    assert_eq!(param(c, "q").example, None);
    assert!(a.servers.is_empty());
    assert_eq!(b.servers[0].url, "https://api.example.com");
}

#[test]
fn colon_segments_query_and_headers() {
    let model = load(collection(json!([{"name": "Get tweet", "request": {
        "method": "GET",
        "header": [
            {"key": "Accept", "value": "application/json", "description": "What to get"},
            {"key": "Content-Type", "value": "application/json"},
            {"key": "Authorization", "value": "Bearer abc"},
            {"key": "X-Session-Token", "value": "s3cr3t"}
        ],
        "url": {
            "raw": "https://api.twitter.com/2/tweets/:id?expansions=author_id&old=1",
            "protocol": "https", "host": ["api", "twitter", "com"], "path": ["2", "tweets", ":id"],
            "query": [
                {"key": "expansions", "value": "author_id", "description": "Expand"},
                {"key": "old", "value": "1", "disabled": true}
            ],
            "variable": [{"key": "id", "value": "1234", "description": "The tweet"}]
        }
    }}])));
    let op = &model.operations[0];
    assert_eq!(op.path, "/2/tweets/{id}");
    assert_eq!(model.servers[0].url, "https://api.twitter.com");
    let names: Vec<_> = op
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.required))
        .collect();
    assert_eq!(
        names,
        [
            ("id", ParamLocation::Path, true),
            ("expansions", ParamLocation::Query, false),
            ("old", ParamLocation::Query, false),
            ("Accept", ParamLocation::Header, false),
            ("X-Session-Token", ParamLocation::Header, false),
        ]
    );
    let id = param(op, "id");
    assert_eq!(
        (id.description.as_deref(), id.example.clone()),
        (Some("The tweet"), Some(json!("1234")))
    );
    assert_eq!(param(op, "expansions").example, Some(json!("author_id")));
    assert_eq!(
        param(op, "Accept").description.as_deref(),
        Some("What to get")
    );
    assert_eq!(param(op, "X-Session-Token").example, None);
}

fn body_op(body: Value, headers: Value) -> Operation {
    let item = json!({"name": "b", "request": {"method": "POST", "header": headers, "body": body, "url": "http://h/x"}});
    let mut model = load(collection(json!([item])));
    model.operations.remove(0)
}

#[test]
fn raw_bodies() {
    let op = body_op(
        json!({"mode": "raw", "raw": "{\"a\": 1}", "options": {"raw": {"language": "json"}}}),
        json!([]),
    );
    let (media_type, media) = only_media(&op);
    assert_eq!(media_type, "application/json");
    assert_eq!(media.example, Some(json!({"a": 1})));
    assert_eq!(
        media.schema,
        Some(json!({"type": "object", "properties": {"a": {"type": "integer"}}}))
    );

    let op = body_op(
        json!({"mode": "raw", "raw": "{\"n\": {{count}}}"}),
        json!([]),
    );
    let (media_type, media) = only_media(&op);
    assert_eq!(
        (media_type, media.example.clone()),
        ("application/json", Some(json!({"n": "{{count}}"})))
    );

    let op = body_op(
        json!({"mode": "raw", "raw": "<a/>"}),
        json!([{"key": "Content-Type", "value": "text/xml; charset=utf-8"}]),
    );
    let (media_type, media) = only_media(&op);
    assert_eq!(
        (media_type, media.schema.clone()),
        ("text/xml", Some(json!({"type": "string"})))
    );

    let op = body_op(json!({"mode": "raw", "raw": "hello"}), json!([]));
    assert_eq!(only_media(&op).0, "text/plain");
    assert!(
        body_op(json!({"mode": "raw", "raw": ""}), json!([]))
            .request_body
            .is_none()
    );
}

#[test]
fn form_file_and_graphql_bodies() {
    let fields = json!([
        {"key": "name", "value": "Rex", "type": "text", "description": "Pet name"},
        {"key": "photo", "src": "/tmp/p.png", "type": "file"},
        {"key": "skip", "value": "x", "disabled": true}
    ]);
    let op = body_op(json!({"mode": "formdata", "formdata": fields}), json!([]));
    let (media_type, media) = only_media(&op);
    assert_eq!(media_type, "multipart/form-data");
    assert_eq!(
        media.schema,
        Some(json!({"type": "object", "properties": {
            "name": {"type": "string", "description": "Pet name"},
            "photo": {"type": "string", "format": "binary"}
        }}))
    );
    assert_eq!(media.example, Some(json!({"name": "Rex"})));

    let op = body_op(
        json!({"mode": "urlencoded", "urlencoded": [{"key": "a", "value": "1"}, {"key": "b", "enabled": false}]}),
        json!([]),
    );
    let (media_type, media) = only_media(&op);
    assert_eq!(media_type, "application/x-www-form-urlencoded");
    assert_eq!(
        media.schema,
        Some(json!({"type": "object", "properties": {"a": {"type": "string"}}}))
    );

    let op = body_op(json!({"mode": "file", "file": {"src": ""}}), json!([]));
    assert_eq!(only_media(&op).0, "application/octet-stream");

    let graphql = json!({"query": "query($id: ID!) { pet(id: $id) { name } }", "variables": "{\"id\": \"7\"}"});
    let op = body_op(json!({"mode": "graphql", "graphql": graphql}), json!([]));
    let (media_type, media) = only_media(&op);
    assert_eq!(media_type, "application/json");
    assert_eq!(
        media.example.as_ref().unwrap()["variables"],
        json!({"id": "7"})
    );
    assert_eq!(media.schema.as_ref().unwrap()["required"], json!(["query"]));

    assert!(
        body_op(
            json!({"mode": "raw", "raw": "{}", "disabled": true}),
            json!([])
        )
        .request_body
        .is_none()
    );
}

#[test]
fn auth_inheritance_and_noauth() {
    let model = load(json!({
        "info": {"name": "A"},
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "super-secret-token"}]},
        "item": [
            {"name": "inherits", "request": {"method": "GET", "url": "https://h/a"}},
            {"name": "open", "request": {"method": "GET", "url": "https://h/b", "auth": {"type": "noauth"}}},
            {"name": "F", "auth": {"type": "apikey", "apikey": [
                {"key": "in", "value": "query"}, {"key": "key", "value": "api_key"}, {"key": "value", "value": "k-123"}
            ]}, "item": [
                {"name": "in folder", "request": {"method": "GET", "url": "https://h/c?api_key=k-123&x=1"}},
                {"name": "basic", "request": {"method": "GET", "url": "https://h/d",
                    "auth": {"type": "basic", "basic": {"username": "u", "password": "hunter2"}}}},
                {"name": "hawk", "request": {"method": "GET", "url": "https://h/e", "auth": {"type": "hawk"}}},
                {"name": "inherit", "request": {"method": "GET", "url": "https://h/f", "auth": {"type": "inherit"}}}
            ]}
        ]
    }));
    assert_eq!(
        model.security,
        vec![IndexMap::from([(
            "bearerAuth".to_string(),
            Vec::<String>::new()
        )])]
    );
    let security: Vec<_> = model
        .operations
        .iter()
        .map(|o| o.security.clone())
        .collect();
    let req = |name: &str| {
        Some(vec![IndexMap::from([(
            name.to_string(),
            Vec::<String>::new(),
        )])])
    };
    assert_eq!(
        security,
        [
            None,
            Some(vec![]),
            req("apiKey"),
            req("basicAuth"),
            Some(vec![]),
            req("apiKey")
        ]
    );
    assert_eq!(
        model.security_schemes["apiKey"],
        SecurityScheme::ApiKey {
            name: "api_key".into(),
            location: ParamLocation::Query,
            description: None
        }
    );
    let names: Vec<_> = model.operations[2]
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["x"]);
    assert!(
        model
            .warnings
            .iter()
            .any(|w| w.message == "auth type hawk is not supported"
                && w.pointer == "/item/2/item/2/request/auth")
    );
    let text = serde_json::to_string(&model).unwrap();
    for secret in ["super-secret-token", "k-123", "hunter2"] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
}

#[test]
fn oauth2_scheme_shape() {
    let model = load(
        json!({"info": {"name": "O"}, "auth": {"type": "oauth2", "oauth2": [
        {"key": "grant_type", "value": "client_credentials"},
        {"key": "accessTokenUrl", "value": "https://h/token"},
        {"key": "scope", "value": "read write"},
        {"key": "clientSecret", "value": "shh"}
    ]}, "item": []}),
    );
    let SecurityScheme::OAuth2 { flows, .. } = &model.security_schemes["oauth2"] else {
        panic!("oauth2")
    };
    assert_eq!(flows[0].kind, OAuthFlowKind::ClientCredentials);
    assert_eq!(flows[0].token_url.as_deref(), Some("https://h/token"));
    assert_eq!(
        flows[0].scopes.keys().collect::<Vec<_>>(),
        ["read", "write"]
    );
    assert_eq!(model.security[0]["oauth2"], ["read", "write"]);
}

#[test]
fn saved_examples_become_responses() {
    let item = json!({"name": "r", "request": {"method": "GET", "url": "https://h/r"}, "response": [
        {"name": "ok", "code": 200, "status": "OK", "header": [{"key": "Content-Type", "value": "application/json"}],
         "body": "{\"id\": 1}"},
        {"name": "ok again", "code": 200, "body": "{\"id\": 2, \"x\": \"y\"}"},
        {"name": "plain", "body": "just text", "_postman_previewlanguage": "text"},
        {"name": "empty", "code": 204, "body": ""},
        "junk"
    ]});
    let model = load(collection(json!([item])));
    let responses = &model.operations[0].responses;
    let statuses: Vec<_> = responses.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["200", "default", "204"]);
    assert_eq!(responses[0].description.as_deref(), Some("OK"));
    let json = &responses[0].content["application/json"];
    assert_eq!(json.example, Some(json!({"id": 1})));
    assert_eq!(
        json.schema,
        Some(json!({"type": "object", "properties": {"id": {"type": "integer"}}}))
    );
    assert_eq!(json.examples["ok again"], json!({"id": 2, "x": "y"}));
    assert_eq!(
        responses[1].content["text/plain"].example,
        Some(json!("just text"))
    );
    assert!(responses[2].content.is_empty());
    assert_eq!(model.warnings[0].pointer, "/item/0/response/4");
}

#[test]
fn custom_and_missing_methods() {
    let model = load(collection(json!([
        {"name": "custom", "request": {"method": "POSTMAN", "url": "localhost:4041"}},
        {"name": "none", "request": {"url": {"raw": "localhost:4041", "host": ["localhost"], "port": "4041"}}}
    ])));
    let [custom, none] = &model.operations[..] else {
        panic!("two operations")
    };
    assert_eq!(custom.method, HttpMethod::Post);
    assert_eq!(
        custom.unsupported.as_deref(),
        Some("custom HTTP method `POSTMAN` cannot be called")
    );
    assert_eq!(
        model.warnings,
        [Warning::new(
            "/item/0",
            "custom HTTP method `POSTMAN` cannot be called"
        )]
    );
    assert_eq!(
        (none.method, none.unsupported.as_deref()),
        (HttpMethod::Get, None)
    );
    assert_eq!(model.servers[0].url, "http://localhost:4041");
    assert_eq!(none.path, "/");
}

#[test]
fn v2_0_string_urls_and_string_requests() {
    let model = load(json!({
        "name": "No info",
        "item": [
            {"name": "q", "request": {"method": "GET", "url": "https://postman-echo.com/get?foo=bar%20baz&flag#frag",
                "header": "Accept: text/plain\n//X-Off: 1"}},
            {"request": "https://user:pw@postman-echo.com/delay/2"}
        ]
    }));
    assert_eq!(
        (model.title.as_str(), model.version.as_str()),
        ("No info", "2.x")
    );
    let [q, s] = &model.operations[..] else {
        panic!("two operations")
    };
    assert_eq!(q.path, "/get");
    assert_eq!(param(q, "foo").example, Some(json!("bar baz")));
    assert_eq!(param(q, "flag").example, None);
    assert_eq!(param(q, "Accept").location, ParamLocation::Header);
    assert_eq!((s.method, s.path.as_str()), (HttpMethod::Get, "/delay/2"));
    assert_eq!(s.operation_id.as_deref(), Some("get_delay_2"));
    assert_eq!(model.servers.len(), 1);
}

#[test]
fn odd_shapes_warn_instead_of_panicking() {
    let mut deep = json!({"name": "leaf", "request": "https://h/x"});
    for _ in 0..100 {
        deep = json!({"name": "f", "item": [deep]});
    }
    let model = load(collection(json!([
        null,
        "text",
        {"name": "no request"},
        {"name": "bad", "request": 42},
        {"name": "odd", "request": {"method": 7, "url": {"host": 3, "path": {"x": 1}, "query": "q"},
            "header": 5, "body": {"mode": "raw", "raw": {"x": 1}}, "auth": "bearer"}, "response": {"a": 1}},
        {"name": "weird vars", "request": {"url": "https://{{host.{{one}}}}/a/{{a/b}}/{{$guid}}/{{"}},
        deep
    ])));
    assert_eq!(model.operations.len(), 2);
    let pointers: Vec<_> = model.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert!(
        pointers.starts_with(&["/item/0", "/item/1", "/item/2", "/item/3/request"]),
        "{pointers:?}"
    );
    assert!(
        model
            .warnings
            .iter()
            .any(|w| w.message.contains("nested deeper than 64"))
    );
    assert_eq!(model.operations[1].path, "/a/{a_b}/{guid}/{{");
    assert!(read(&json!({"info": {}, "item": {}}), "x").is_err());
}

/// Every Postman v2 collection of the shared corpus reads with the manifest's request count.
#[test]
fn corpus_request_counts_match_the_manifest() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("manifest.tsv")) else {
        eprintln!("no corpus at {}; skipped", corpus.display());
        return;
    };
    let mut checked = 0;
    for row in manifest.lines().skip(1) {
        let columns: Vec<&str> = row.split('\t').collect();
        if columns.len() < 7 || !columns[4].starts_with("postman v2") {
            continue;
        }
        let bytes = std::fs::read(corpus.join(columns[0])).expect("a corpus file");
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let doc: Value = serde_json::from_slice(bytes).expect("corpus JSON");
        let model = read(&doc, columns[0]).unwrap_or_else(|e| panic!("{e}"));
        let expected: usize = columns[6].parse().expect("a count");
        assert_eq!(model.operations.len(), expected, "{}", columns[0]);
        checked += 1;
    }
    assert_eq!(checked, 49);
}
