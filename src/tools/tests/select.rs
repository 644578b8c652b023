use super::super::select::{Selection, glob_matches};
use super::super::{Exposure, ToolOptions, build_tools};
use super::sample;
use crate::spec::model::HttpMethod;

#[test]
fn globs_match_segments() {
    assert!(glob_matches("/pets", "/pets"));
    assert!(glob_matches("/pets/*", "/pets/{petId}"));
    assert!(!glob_matches("/pets/*", "/pets/{petId}/photos"));
    assert!(!glob_matches("/pets/*", "/pets"));
    assert!(glob_matches("/pets/**", "/pets"));
    assert!(glob_matches("/pets/**", "/pets/{petId}/photos"));
    assert!(glob_matches("/**/photos", "/pets/{petId}/photos"));
    assert!(glob_matches("**", "/anything/at/all"));
    assert!(glob_matches("/p*s/{pet?d}", "/pets/{petId}"));
    assert!(glob_matches("/**/b/**/d", "/a/b/c/b/x/d"));
    assert!(!glob_matches("/**/b/**/d", "/a/b/c/e"));
    assert!(!glob_matches("/owners/**", "/pets/1"));
    assert!(glob_matches("/pets/", "/pets"));
}

fn selected(selection: Selection) -> Vec<String> {
    let model = sample("petstore-3.0.yaml");
    let options = ToolOptions {
        selection,
        ..ToolOptions::default()
    };
    build_tools(&model, &options)
        .tools
        .into_iter()
        .map(|t| t.name)
        .collect()
}

#[test]
fn includes_narrow_and_excludes_win() {
    assert_eq!(selected(Selection::all()).len(), 10);
    let pets = selected(Selection {
        include_tags: vec!["PETS".into()],
        ..Selection::default()
    });
    assert_eq!(
        pets,
        [
            "listPets",
            "createPet",
            "getPet",
            "delete_pets_by_petId",
            "uploadPetPhoto"
        ]
    );
    // Kinds combine with AND; values within a kind with OR.
    let get_pets = selected(Selection {
        include_tags: vec!["pets".into(), "owners".into()],
        include_methods: vec![HttpMethod::Get],
        ..Selection::default()
    });
    assert_eq!(
        get_pets,
        ["listPets", "getPet", "getOwner", "listOwnerPets"]
    );
    let by_path = selected(Selection {
        include_paths: vec!["/pets/**".into()],
        exclude_paths: vec!["/pets/*/photos".into()],
        exclude_operations: vec!["DELETE /pets/{petId}".into()],
        ..Selection::default()
    });
    assert_eq!(by_path, ["listPets", "createPet", "getPet"]);
    // Named operations are added to the filtered ones; excludes still win.
    let named = selected(Selection {
        include_tags: vec!["owners".into()],
        include_operations: vec!["bookAppointment".into(), "delete_pets_by_petId".into()],
        exclude_tags: vec!["appointments".into()],
        ..Selection::default()
    });
    assert_eq!(named, ["delete_pets_by_petId", "getOwner", "listOwnerPets"]);
    let only_named = selected(Selection {
        include_operations: vec!["getPet".into()],
        ..Selection::default()
    });
    assert_eq!(only_named, ["getPet"]);
    let excluded = selected(Selection {
        exclude_methods: vec![HttpMethod::Get],
        ..Selection::default()
    });
    assert!(
        excluded
            .iter()
            .all(|n| !n.starts_with("get") && !n.starts_with("list")),
        "{excluded:?}"
    );
}

#[test]
fn names_do_not_depend_on_the_selection() {
    let model = sample("petstore-3.0.yaml");
    let all = build_tools(
        &model,
        &ToolOptions {
            exposure: Exposure::All,
            ..ToolOptions::default()
        },
    );
    let selection = Selection {
        include_tags: vec!["appointments".into()],
        ..Selection::default()
    };
    // `All` ignores the selection.
    let ignored = build_tools(
        &model,
        &ToolOptions {
            exposure: Exposure::All,
            selection: selection.clone(),
            ..ToolOptions::default()
        },
    );
    assert_eq!(ignored.tools.len(), all.tools.len());
    let some = build_tools(
        &model,
        &ToolOptions {
            selection,
            ..ToolOptions::default()
        },
    );
    assert_eq!(some.tools.len(), 3);
    for tool in &some.tools {
        assert_eq!(
            all.get(&tool.name).map(|t| t.operation),
            Some(tool.operation)
        );
    }
}
