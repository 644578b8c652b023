//! Tools from the bundled sample specs: valid and self-contained in every format, stable from run to run, and
//! a snapshot of each `tools/list` (review with `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test tools`).

mod common;

use std::collections::HashSet;

use mcpoverflow::spec::model::ApiModel;
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::tools::input::is_valid_argument_name;
use mcpoverflow::tools::naming::is_valid_name;
use mcpoverflow::tools::schema::schema_problems;
use mcpoverflow::tools::{
    ArgumentTarget, ClientProfile, Exposure, ToolOptions, ToolSet, build_tools, size_report,
};

const SPECS: [&str; 5] = [
    "petstore-3.0.yaml",
    "petstore-3.1.yaml",
    "petstore-swagger-2.0.json",
    "petstore.postman_collection.json",
    "petstore.graphql",
];

fn load(name: &str) -> ApiModel {
    let path = common::sample(name);
    let bytes = std::fs::read(&path).expect("read sample");
    load_bytes(name, &bytes, Some(&path), &LoadOptions::default()).expect("sample loads")
}

fn all(model: &ApiModel, profile: ClientProfile) -> ToolSet {
    let options = ToolOptions {
        exposure: Exposure::All,
        profile,
        ..ToolOptions::default()
    };
    build_tools(model, &options)
}

#[test]
fn every_sample_gives_valid_self_contained_tools() {
    for name in SPECS {
        let model = load(name);
        for profile in [ClientProfile::Standard, ClientProfile::Prefixed] {
            let set = all(&model, profile);
            let callable = model
                .operations
                .iter()
                .filter(|o| o.unsupported.is_none())
                .count();
            assert_eq!(set.tools.len(), callable, "{name}");
            let mut seen = HashSet::new();
            for tool in &set.tools {
                assert!(is_valid_name(&tool.name, profile), "{name}: {}", tool.name);
                assert!(
                    seen.insert(tool.name.clone()),
                    "{name}: duplicate {}",
                    tool.name
                );
                assert!(!tool.description.is_empty() && tool.description.chars().count() <= 1024);
                let schemas =
                    std::iter::once(&tool.input_schema).chain(tool.output_schema.as_deref());
                for schema in schemas {
                    assert_eq!(
                        schema_problems(schema),
                        Vec::<String>::new(),
                        "{name}: {}",
                        tool.name
                    );
                    assert!(
                        jsonschema::validator_for(schema).is_ok(),
                        "{name}: {}",
                        tool.name
                    );
                    assert!(!serde_json::to_string(schema).unwrap().contains("\"$ref\""));
                }
                // Every argument has exactly one binding, in property order.
                let properties: Vec<&String> = tool.input_schema["properties"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .collect();
                let bound: Vec<&String> = tool.bindings.iter().map(|b| &b.argument).collect();
                assert_eq!(properties, bound, "{name}: {}", tool.name);
                assert!(
                    properties.iter().all(|p| is_valid_argument_name(p)),
                    "{name}: {properties:?}"
                );
            }
        }
    }
}

#[test]
fn the_formats_agree_on_the_shared_operations() {
    for name in [
        "petstore-3.0.yaml",
        "petstore-3.1.yaml",
        "petstore-swagger-2.0.json",
    ] {
        let set = all(&load(name), ClientProfile::Standard);
        let names: Vec<&str> = set.tools.iter().map(|t| t.name.as_str()).collect();
        for wanted in [
            "listPets",
            "createPet",
            "getPet",
            "delete_pets_by_petId",
            "uploadPetPhoto",
        ] {
            assert!(names.contains(&wanted), "{name}: {names:?}");
        }
        let upload = set.get("uploadPetPhoto").unwrap();
        assert_eq!(
            upload.body_media_type.as_deref(),
            Some("multipart/form-data")
        );
        assert_eq!(
            upload.target_of("file"),
            Some(&ArgumentTarget::BodyProperty("file".into()))
        );
        assert_eq!(
            upload.target_of("petId"),
            Some(&ArgumentTarget::Path("petId".into()))
        );
        let cancel = set.get("cancelAppointment").unwrap();
        assert_eq!(
            cancel.body_media_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
        let delete = set.get("delete_pets_by_petId").unwrap();
        assert_eq!(delete.annotations.destructive_hint, Some(true));
        let list = set.get("listPets").unwrap();
        assert_eq!(list.annotations.read_only_hint, Some(true));
        assert!(list.output_schema.is_some(), "{name}");
    }
}

#[test]
fn builds_are_identical_from_run_to_run_and_round_trip_through_json() {
    for name in SPECS {
        let model = load(name);
        let first = all(&model, ClientProfile::Standard);
        let again = all(&load(name), ClientProfile::Standard);
        assert_eq!(first, again, "{name}");
        let text = serde_json::to_string(&first).unwrap();
        let back: ToolSet = serde_json::from_str(&text).unwrap();
        assert_eq!(back, first, "{name}");
    }
}

#[test]
fn tool_lists_of_bundled_specs() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for name in SPECS {
            let model = load(name);
            let set = all(&model, ClientProfile::Standard);
            insta::assert_json_snapshot!(format!("tools-{name}"), set.list_json());
        }
    });
}

#[test]
fn size_report_of_bundled_specs() {
    for name in SPECS {
        let model = load(name);
        let report = size_report(&model, &ToolOptions::default());
        assert_eq!(report.all, report.selected, "{name}");
        assert!(
            report.discover.bytes < report.all.bytes,
            "{name}: {report:?}"
        );
        assert!(report.all.tokens > 0);
    }
}

/// GitHub marks its shared `alert-number` parameter schema `readOnly`: as a tool argument it is input all the
/// same, and must not carry a flag that tells clients to leave a required argument out.
#[test]
fn read_only_parameter_schemas_stay_arguments() {
    let spec = r##"{"openapi": "3.0.3", "info": {"title": "alerts", "version": "1"},
      "paths": {"/alerts/{alert_number}": {"get": {"operationId": "getAlert",
        "parameters": [{"name": "alert_number", "in": "path", "required": true,
                        "schema": {"$ref": "#/components/schemas/alert-number"}}],
        "responses": {"200": {"description": "ok"}}}}},
      "components": {"schemas": {"alert-number": {"type": "integer", "readOnly": true}}}}"##;
    let model = load_bytes(
        "alerts.json",
        spec.as_bytes(),
        None,
        &LoadOptions::default(),
    )
    .unwrap();
    let tools = build_tools(&model, &ToolOptions::default());
    let schema = &tools.tools[0].input_schema;
    assert_eq!(schema["required"], serde_json::json!(["alert_number"]));
    assert_eq!(
        schema["properties"]["alert_number"],
        serde_json::json!({"type": "integer"})
    );
}
