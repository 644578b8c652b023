use serde_json::json;

use super::super::schema::schema_problems;
use super::super::{
    ClientProfile, Exposure, MetaToolKind, Selection, ToolOptions, build_tools, size_report,
};
use super::sample;

#[test]
fn discover_lists_three_meta_tools_over_the_selection() {
    let model = sample("petstore-3.0.yaml");
    let options = ToolOptions {
        exposure: Exposure::Discover,
        selection: Selection {
            exclude_tags: vec!["owners".into()],
            ..Selection::default()
        },
        ..ToolOptions::default()
    };
    let set = build_tools(&model, &options);
    assert_eq!(set.tools.len(), 8);
    let listed = set.list_json();
    let names: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["search_operations", "describe_operation", "call_operation"]
    );
    for tool in &set.meta_tools {
        assert_eq!(MetaToolKind::from_name(&tool.name), Some(tool.kind));
        assert!(
            schema_problems(&tool.input_schema).is_empty(),
            "{}",
            tool.name
        );
        assert!(jsonschema::validator_for(&tool.input_schema).is_ok());
        if let Some(output) = &tool.output_schema {
            assert!(schema_problems(output).is_empty(), "{}", tool.name);
        }
    }
    assert!(
        set.meta_tools[0]
            .description
            .contains("8 operations of Pet Clinic & Store")
    );
    assert_eq!(set.meta_tools[0].input_schema["required"], json!(["query"]));
    assert_eq!(set.meta_tools[2].input_schema["required"], json!(["name"]));
    assert_eq!(set.meta_tools[0].annotations.read_only_hint, Some(true));
    // describe_operation answers with the operation's own entry.
    let entry = set.get("createPet").expect("createPet").list_entry();
    assert_eq!(entry["name"], "createPet");
    assert!(entry["inputSchema"]["properties"]["name"].is_object());
    assert!(set.get("getOwner").is_none());
}

#[test]
fn search_ranks_by_name_title_path_and_description() {
    let model = sample("petstore-3.0.yaml");
    let set = build_tools(&model, &ToolOptions::default());
    let hits = set.search(&model, "pet photo", 5);
    assert_eq!(hits[0].name, "uploadPetPhoto");
    assert_eq!(hits[0].method, "POST");
    assert_eq!(hits[0].path, "/pets/{petId}/photos");
    assert!(!hits[0].description.contains('\n'));
    let hits = set.search(&model, "cancel", 5);
    assert_eq!(
        hits.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        ["cancelAppointment"]
    );
    assert!(set.search(&model, "zebra", 5).is_empty());
    assert_eq!(set.search(&model, "", 3).len(), 3);
    let many = set.search(&model, "pet", 1000);
    assert!(many.len() >= 5 && many.len() <= 50, "{many:?}");
    assert!(many.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn sizes_are_reported_for_each_exposure() {
    let model = sample("petstore-3.1.yaml");
    let selection = Selection {
        include_tags: vec!["pets".into()],
        ..Selection::default()
    };
    let options = ToolOptions {
        selection,
        ..ToolOptions::default()
    };
    let report = size_report(&model, &options);
    assert_eq!(report.all_tools, 10);
    assert_eq!(report.selected_tools, 5);
    assert!(
        report.discover.bytes < report.selected.bytes && report.selected.bytes < report.all.bytes,
        "{report:?}"
    );
    assert_eq!(report.all.tokens, report.all.bytes.div_ceil(4));
    let all = build_tools(
        &model,
        &ToolOptions {
            exposure: Exposure::All,
            ..ToolOptions::default()
        },
    );
    let wire = serde_json::to_string(&json!({"tools": all.list_json()})).expect("json");
    assert_eq!(all.size().bytes, wire.len());
    assert_eq!(report.all, all.size());
}

#[test]
fn graphql_subscriptions_are_skipped_and_reported() {
    let model = sample("petstore.graphql");
    let set = build_tools(
        &model,
        &ToolOptions {
            profile: ClientProfile::Prefixed,
            ..ToolOptions::default()
        },
    );
    assert_eq!(set.skipped.len(), 2);
    for skipped in &set.skipped {
        assert!(model.operations[skipped.operation].unsupported.is_some());
        assert!(
            skipped.reason.contains("subscription"),
            "{}",
            skipped.reason
        );
    }
    assert_eq!(set.tools.len(), model.operations.len() - 2);
    let pet = set.get("pet").expect("pet query");
    assert_eq!(pet.annotations.read_only_hint, Some(true));
    assert!(
        pet.description
            .starts_with("A pet's chart.\n\n(Recursive schemas")
    );
    let cancel = set.get("cancelAppointment").expect("mutation");
    assert_eq!(cancel.annotations.read_only_hint, None);
    assert_eq!(cancel.input_schema["required"], json!(["id"]));
}
