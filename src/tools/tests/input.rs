use serde_json::json;

use super::super::ArgumentTarget;
use super::super::input::{argument_name, is_valid_argument_name};
use super::{only_tool, openapi};

#[test]
fn parameters_and_body_properties_merge_into_one_object() {
    let model = openapi(
        r#"/pets/{id}:
  put:
    operationId: updatePet
    parameters:
      - {name: id, in: path, required: true, description: The pet, schema: {type: integer}}
      - {name: id, in: query, schema: {type: string}}
      - {name: X-Id, in: query, schema: {type: string}}
      - {name: X-Id, in: header, schema: {type: string}}
      - {name: session, in: cookie, schema: {type: string, default: abc}}
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [id, name]
            properties:
              id: {type: integer, readOnly: true}
              name: {type: string}
              body: {type: string}"#,
        "",
    );
    let tool = only_tool(&model);
    let properties = tool.input_schema["properties"]
        .as_object()
        .expect("properties");
    let names: Vec<&str> = properties.keys().map(String::as_str).collect();
    // readOnly `id` is gone from the request body, so no `body_id`.
    assert_eq!(
        names,
        [
            "id",
            "query_id",
            "X-Id",
            "header_X-Id",
            "session",
            "name",
            "body"
        ]
    );
    assert_eq!(tool.input_schema["type"], "object");
    assert_eq!(tool.input_schema["required"], json!(["id", "name"]));
    assert_eq!(properties["id"]["description"], "The pet");
    assert_eq!(properties["session"]["default"], "abc");
    let targets: Vec<(&str, &ArgumentTarget)> = tool
        .bindings
        .iter()
        .map(|b| (b.argument.as_str(), &b.target))
        .collect();
    assert_eq!(
        targets,
        [
            ("id", &ArgumentTarget::Path("id".into())),
            ("query_id", &ArgumentTarget::Query("id".into())),
            ("X-Id", &ArgumentTarget::Query("X-Id".into())),
            ("header_X-Id", &ArgumentTarget::Header("X-Id".into())),
            ("session", &ArgumentTarget::Cookie("session".into())),
            ("name", &ArgumentTarget::BodyProperty("name".into())),
            ("body", &ArgumentTarget::BodyProperty("body".into())),
        ]
    );
    assert_eq!(tool.body_media_type.as_deref(), Some("application/json"));
    let json = serde_json::to_value(&tool.bindings[1]).expect("serializes");
    assert_eq!(
        json,
        json!({"argument": "query_id", "target": {"in": "query", "name": "id"}})
    );
}

#[test]
fn a_path_id_and_a_body_id_are_told_apart() {
    let model = openapi(
        r#"/items/{id}:
  patch:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    requestBody:
      content:
        application/json:
          schema: {type: object, required: [id], properties: {id: {type: string}, note: {type: string}}}"#,
        "",
    );
    let tool = only_tool(&model);
    assert_eq!(
        tool.target_of("id"),
        Some(&ArgumentTarget::Path("id".into()))
    );
    assert_eq!(
        tool.target_of("body_id"),
        Some(&ArgumentTarget::BodyProperty("id".into()))
    );
    // The body is optional, so its required properties are not required arguments.
    assert_eq!(tool.input_schema["required"], json!(["id"]));
}

#[test]
fn non_object_bodies_are_wrapped_in_one_argument() {
    let cases = [
        (
            "application/json",
            "{type: array, items: {type: string}}",
            "array",
        ),
        ("text/plain", "{type: string}", "string"),
        (
            "application/octet-stream",
            "{type: string, format: binary}",
            "string",
        ),
        (
            "application/json",
            "{oneOf: [{type: object, properties: {a: {type: string}}}, {type: string}]}",
            "",
        ),
        (
            "application/json",
            "{type: object, additionalProperties: {type: integer}}",
            "object",
        ),
    ];
    for (media_type, schema, kind) in cases {
        let model = openapi(
            &format!(
                "/upload:\n  post:\n    parameters: [{{name: body, in: query, schema: {{type: string}}}}]\n    \
                 requestBody:\n      required: true\n      description: The payload\n      content:\n        \
                 '{media_type}':\n          schema: {schema}"
            ),
            "",
        );
        let tool = only_tool(&model);
        let wrapped = &tool.input_schema["properties"]["request_body"];
        assert_eq!(
            tool.target_of("request_body"),
            Some(&ArgumentTarget::Body),
            "{schema}"
        );
        assert_eq!(
            tool.target_of("body"),
            Some(&ArgumentTarget::Query("body".into()))
        );
        if kind.is_empty() {
            assert!(wrapped["oneOf"].is_array(), "{wrapped}");
        } else {
            assert_eq!(wrapped["type"], kind, "{wrapped}");
        }
        assert_eq!(wrapped["description"], "The payload");
        assert_eq!(tool.input_schema["required"], json!(["request_body"]));
        assert_eq!(tool.body_media_type.as_deref(), Some(media_type));
        assert!(tool.input_schema.get("oneOf").is_none());
    }
}

#[test]
fn json_is_preferred_then_forms() {
    let model = openapi(
        r#"/a:
  post:
    requestBody:
      content:
        text/plain: {schema: {type: string}}
        multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}}
        application/x-www-form-urlencoded: {schema: {type: object, properties: {f: {type: string}}}}
        application/vnd.api+json: {schema: {type: object, properties: {j: {type: string}}}}
/b:
  post:
    requestBody:
      content:
        text/plain: {schema: {type: string}}
        multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}}"#,
        "",
    );
    let set = super::build(&model);
    assert_eq!(
        set.tools[0].body_media_type.as_deref(),
        Some("application/vnd.api+json")
    );
    assert_eq!(
        set.tools[0].target_of("j"),
        Some(&ArgumentTarget::BodyProperty("j".into()))
    );
    assert_eq!(
        set.tools[1].body_media_type.as_deref(),
        Some("multipart/form-data")
    );
    assert_eq!(
        set.tools[1].input_schema["properties"]["file"]["format"],
        "binary"
    );
}

#[test]
fn credentials_and_reserved_headers_are_not_arguments() {
    let model = super::model(
        r#"openapi: 3.0.3
info: {title: T, version: '1'}
security: [{key: []}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
paths:
  /a:
    get:
      parameters:
        - {name: x-api-key, in: header, schema: {type: string}}
        - {name: Authorization, in: header, schema: {type: string}}
        - {name: Accept, in: header, schema: {type: string}}
        - {name: q, in: query, deprecated: true, example: cats, schema: {type: string, enum: [cats, dogs]}}
      responses: {'200': {description: ok}}"#,
    );
    let tool = only_tool(&model);
    let properties = tool.input_schema["properties"]
        .as_object()
        .expect("properties");
    assert_eq!(properties.keys().collect::<Vec<_>>(), ["q"]);
    let q = &properties["q"];
    assert_eq!(q["deprecated"], true);
    assert_eq!(q["description"], "Deprecated.");
    assert_eq!(q["enum"], json!(["cats", "dogs"]));
    assert_eq!(q["examples"], json!(["cats"]));
}

#[test]
fn output_comes_from_the_first_2xx_json_object_response() {
    let model = openapi(
        r#"/a:
  get:
    responses:
      '202': {description: later, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
      '200': {description: list, content: {application/json: {schema: {type: array, items: {type: string}}}}}
      '400': {description: bad, content: {application/json: {schema: {type: object}}}}
/b:
  delete:
    responses:
      '204': {description: gone}"#,
        r#"Job:
  type: object
  properties:
    id: {type: string}
    secret: {type: string, writeOnly: true}
    state: {type: string, readOnly: true}"#,
    );
    let set = super::build(&model);
    let job = &set.tools[0];
    assert_eq!(job.output_status.as_deref(), Some("202"));
    let output = job.output_schema.as_ref().expect("output schema");
    assert_eq!(output["type"], "object");
    let props: Vec<&String> = output["properties"]
        .as_object()
        .expect("props")
        .keys()
        .collect();
    assert_eq!(props, ["id", "state"]);
    assert!(set.tools[1].output_schema.is_none());
}

#[test]
fn annotations_follow_the_method() {
    let model = openapi(
        r#"/r:
  get: {summary: Read it, responses: {'200': {description: ok}}}
  head: {responses: {'200': {description: ok}}}
  put: {responses: {'200': {description: ok}}}
  delete: {responses: {'200': {description: ok}}}
  post: {responses: {'200': {description: ok}}}
  patch: {responses: {'200': {description: ok}}}"#,
        "",
    );
    let set = super::build(&model);
    let hints: Vec<_> = set
        .tools
        .iter()
        .map(|t| {
            let a = &t.annotations;
            (
                t.name.as_str(),
                a.read_only_hint,
                a.destructive_hint,
                a.idempotent_hint,
            )
        })
        .collect();
    assert_eq!(
        hints,
        [
            ("get_r", Some(true), None, Some(true)),
            ("put_r", None, None, Some(true)),
            ("post_r", None, None, None),
            ("delete_r", None, Some(true), Some(true)),
            ("head_r", Some(true), None, Some(true)),
            ("patch_r", None, None, None),
        ]
    );
    assert_eq!(set.tools[0].annotations.title.as_deref(), Some("Read it"));
    assert_eq!(set.tools[0].title.as_deref(), Some("Read it"));
    let entry = set.tools[0].list_entry();
    assert_eq!(
        entry["annotations"],
        json!({"title": "Read it", "readOnlyHint": true, "idempotentHint": true})
    );
}

#[test]
fn argument_names_are_valid_property_keys_for_model_apis() {
    assert_eq!(argument_name("X-Request-Id"), "X-Request-Id");
    assert_eq!(argument_name("created__gte"), "created__gte");
    assert_eq!(argument_name("filter[minAgeYears]"), "filter_minAgeYears");
    assert_eq!(argument_name("ids[]"), "ids");
    assert_eq!(argument_name("StartTime<"), "StartTime_lt");
    assert_eq!(argument_name("StartTime>"), "StartTime_gt");
    assert_eq!(argument_name("$top"), "top");
    assert_eq!(argument_name("@odata.type"), "odata.type");
    assert_eq!(argument_name("名前"), "arg");
    assert_eq!(argument_name(&"x".repeat(80)).len(), 64);
    let model = openapi(
        r#"/calls:
  get:
    parameters:
      - {name: 'StartTime<', in: query, schema: {type: string}}
      - {name: 'StartTime>', in: query, schema: {type: string}}
      - {name: 'filter[a]', in: query, schema: {type: string}}
      - {name: 'filter_a', in: header, schema: {type: string}}
      - {name: 'very_long_parameter_name_that_keeps_going_and_going_past_the_limit_of_64', in: query, schema: {type: string}}
      - {name: 'very_long_parameter_name_that_keeps_going_and_going_past_the_limit_of_64', in: header, schema: {type: string}}"#,
        "",
    );
    let tool = only_tool(&model);
    let names: Vec<&str> = tool.bindings.iter().map(|b| b.argument.as_str()).collect();
    // Query parameters come before headers.
    assert_eq!(names[..3], ["StartTime_lt", "StartTime_gt", "filter_a"]);
    assert_eq!(names[4], "header_filter_a");
    assert_eq!(names[3].len(), 64);
    assert_ne!(names[3], names[5]);
    assert!(names.iter().all(|n| is_valid_argument_name(n)), "{names:?}");
    assert_eq!(
        tool.target_of("StartTime_lt"),
        Some(&ArgumentTarget::Query("StartTime<".into()))
    );
    assert_eq!(
        tool.target_of("filter_a"),
        Some(&ArgumentTarget::Query("filter[a]".into()))
    );
}
