use super::super::naming::{
    ClientProfile, assign_names, derived_name, fnv1a_64, is_valid_name, sanitize_name, short_hash,
};
use crate::spec::model::{HttpMethod, Operation};

fn op(method: HttpMethod, path: &str, id: Option<&str>) -> Operation {
    let mut op = Operation::new(method, path, "");
    op.operation_id = id.map(String::from);
    op
}

#[test]
fn fnv1a_matches_the_reference_vectors() {
    assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    assert_eq!(short_hash("a"), "01ec8c");
}

#[test]
fn sanitizing_keeps_the_allowed_characters_only() {
    assert_eq!(sanitize_name("listPets"), "listPets");
    assert_eq!(sanitize_name("pets.list-all_v2"), "pets.list-all_v2");
    assert_eq!(sanitize_name("  get pets/{id}!! "), "get_pets_id");
    assert_eq!(sanitize_name("Ünïcode name"), "n_code_name");
    assert_eq!(sanitize_name("___"), "");
    assert_eq!(sanitize_name("a  //  b"), "a_b");
}

#[test]
fn names_derive_from_method_and_path_without_an_operation_id() {
    let delete = op(HttpMethod::Delete, "/pets/{petId}", None);
    assert_eq!(derived_name(&delete), "delete_pets_by_petId");
    let nested = op(HttpMethod::Post, "/pets/{petId}/photos", None);
    assert_eq!(derived_name(&nested), "post_pets_by_petId_photos");
    assert_eq!(derived_name(&op(HttpMethod::Get, "/", None)), "get_root");
    let custom = op(HttpMethod::Post, "/v1/jobs/{id}:cancel", None);
    assert_eq!(derived_name(&custom), "post_v1_jobs_by_id_cancel");
    // An operationId that sanitizes to nothing falls back to the path.
    let names = assign_names(
        &[op(HttpMethod::Get, "/pets", Some("***"))],
        ClientProfile::Standard,
    );
    assert_eq!(names, ["get_pets"]);
}

#[test]
fn long_names_are_cut_and_hashed_within_each_profile() {
    let long_id = "listAllTheRepositoriesThatTheAuthenticatedUserCanAccessAcrossEveryOrganization";
    let ops = [op(HttpMethod::Get, "/user/repos", Some(long_id))];
    for profile in [ClientProfile::Standard, ClientProfile::Prefixed] {
        let names = assign_names(&ops, profile);
        let name = &names[0];
        assert_eq!(name.len(), profile.max_name_len(), "{name}");
        assert!(is_valid_name(name, profile), "{name}");
        let hash = short_hash(&format!("GET /user/repos {long_id}"));
        assert!(name.ends_with(&format!("_{hash}")), "{name}");
        assert!(long_id.starts_with(&name[..name.len() - 7]), "{name}");
    }
    assert_eq!(ClientProfile::Standard.max_name_len(), 64);
    assert_eq!(ClientProfile::Prefixed.max_name_len(), 40);
}

#[test]
fn collisions_keep_the_strongest_claim_and_hash_the_rest() {
    let ops = [
        // Sanitizes to `get_pets`, which the derived name of GET /pets also wants...
        op(HttpMethod::Post, "/search", Some("get pets")),
        op(HttpMethod::Get, "/pets", None),
        // ...but an exact operationId beats both, even later in the document.
        op(HttpMethod::Put, "/other", Some("get_pets")),
    ];
    let names = assign_names(&ops, ClientProfile::Standard);
    assert_eq!(names[2], "get_pets");
    assert_eq!(
        names[0],
        format!("get_pets_{}", short_hash("POST /search get pets"))
    );
    assert_eq!(names[1], format!("get_pets_{}", short_hash("GET /pets")));
}

#[test]
fn identical_operations_still_get_distinct_names() {
    // Postman collections can hold the same request twice.
    let ops = vec![op(HttpMethod::Get, "/pets", Some("list")); 3];
    let names = assign_names(&ops, ClientProfile::Standard);
    assert_eq!(names[0], "list");
    assert_ne!(names[1], names[2]);
    assert!(
        names
            .iter()
            .all(|n| is_valid_name(n, ClientProfile::Standard))
    );
}

#[test]
fn names_are_stable_across_runs_and_when_operations_are_added() {
    let mut ops = vec![
        op(HttpMethod::Get, "/pets", Some("listPets")),
        op(HttpMethod::Delete, "/pets/{petId}", None),
        op(HttpMethod::Get, "/a", Some("dup")),
        op(HttpMethod::Get, "/b", Some("dup")),
    ];
    let before = assign_names(&ops, ClientProfile::Standard);
    assert_eq!(before, assign_names(&ops, ClientProfile::Standard));
    // New operations, at the front and at the end, one colliding with an existing name.
    ops.insert(0, op(HttpMethod::Get, "/owners", Some("listOwners")));
    ops.push(op(HttpMethod::Get, "/c", Some("dup")));
    let after = assign_names(&ops, ClientProfile::Standard);
    assert_eq!(&after[1..5], &before[..]);
    assert_eq!(after[0], "listOwners");
    assert_eq!(after[5], format!("dup_{}", short_hash("GET /c dup")));
}
