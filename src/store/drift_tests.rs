use super::*;

const V1: &[u8] = include_bytes!("../../tests/fixtures/diff/api-v1.yaml");
const V2: &[u8] = include_bytes!("../../tests/fixtures/diff/api-v2.yaml");
const SPEC: &str = "shop.yaml";

fn connector(name: &str, version: u32, operations: &[&str]) -> ConnectorRecord {
    let mut connector = ConnectorRecord::for_tests("demo", name, SPEC, version);
    connector.operations = operations.iter().map(|o| o.to_string()).collect();
    connector
}

fn add(store: &Store, bytes: &[u8]) -> SpecVersion {
    store.add_spec("demo", SPEC, SPEC, bytes).unwrap()
}

fn status(store: &Store, name: &str) -> (ConnectorStatus, Option<Staleness>) {
    let record = store.connector("demo", name).unwrap().unwrap();
    (record.status, record.stale)
}

/// v1 with four connectors: every tool, `getItem` only (unchanged in v2), `listItems` only (broken), and a
/// failed one.
fn shop_v1(store: &Store) {
    add(store, V1);
    for record in [
        connector("all", 1, &[]),
        connector("get-only", 1, &["getItem"]),
        connector("list-only", 1, &["GET /items"]),
        ConnectorRecord {
            status: ConnectorStatus::Failed,
            ..connector("failed", 1, &[])
        },
    ] {
        store.update_connector(&record).unwrap();
    }
}

#[test]
fn a_new_version_marks_the_connectors_it_breaks_stale() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        shop_v1(&store);
        let v2 = add(&store, V2);
        let drift = spec_added(&store, "demo", &v2).unwrap().expect("a drift");
        assert_eq!((drift.from, drift.to), (1, 2));
        let summary = drift.diff.summary;
        assert_eq!(
            (
                summary.tools_added,
                summary.tools_removed,
                summary.tools_changed
            ),
            (1, 1, 1)
        );
        assert!(
            drift
                .breaking_lines()
                .contains(&"deleteItem: tool removed".to_string())
        );
        let stale: Vec<&str> = drift.stale.iter().map(|c| c.connector.as_str()).collect();
        assert_eq!(stale, ["all", "list-only"]);
        let ready: Vec<(&str, usize)> = drift
            .ready
            .iter()
            .map(|c| (c.connector.as_str(), c.other_changes))
            .collect();
        assert_eq!(ready, [("get-only", 0)]);
        // The listItems connector sees listItems' changes only; the whole one sees deleteItem too.
        let list_only = &drift.stale[1];
        assert!(
            list_only
                .breaking
                .iter()
                .all(|l| l.starts_with("listItems: ")),
            "{:?}",
            list_only.breaking
        );
        assert!(
            list_only
                .breaking
                .contains(&"listItems: argument `cursor` removed".to_string())
        );
        assert_eq!(drift.stale[0].breaking.len(), summary.breaking);
        assert_eq!(
            drift.headline(),
            format!(
                "shop.yaml v2: {} breaking changes, {} other, 2 connectors stale",
                summary.breaking,
                summary.changes - summary.breaking
            )
        );
    }
    // On disk: stale with the version and the lines; the failed one untouched.
    let store = Store::open(dir.path()).unwrap();
    let (status_all, staleness) = status(&store, "all");
    assert_eq!(status_all, ConnectorStatus::Stale);
    let staleness = staleness.expect("why it is stale");
    assert_eq!(staleness.version, 2);
    assert_eq!(staleness.breaking, staleness.changes.len());
    assert!(
        staleness
            .changes
            .contains(&"deleteItem: tool removed".to_string())
    );
    assert_eq!(status(&store, "get-only"), (ConnectorStatus::Ready, None));
    assert_eq!(status(&store, "list-only").0, ConnectorStatus::Stale);
    assert_eq!(status(&store, "failed"), (ConnectorStatus::Failed, None));
}

#[test]
fn a_version_that_undoes_the_break_makes_the_connectors_ready_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    shop_v1(&store);
    let v2 = add(&store, V2);
    spec_added(&store, "demo", &v2).unwrap();
    // v3 has v1's bytes again: each connector is compared with its own version (v1), not with v2.
    let v3 = add(&store, V1);
    assert_eq!(v3.version, 3);
    let drift = spec_added(&store, "demo", &v3).unwrap().expect("a drift");
    assert_eq!(drift.from, 2);
    assert!(drift.diff.has_breaking(), "v2 -> v3 breaks v2's callers");
    assert!(drift.stale.is_empty(), "{:?}", drift.stale);
    assert_eq!(drift.ready.len(), 3);
    for name in ["all", "get-only", "list-only"] {
        assert_eq!(
            status(&store, name),
            (ConnectorStatus::Ready, None),
            "{name}"
        );
    }
    // Reading the latest drift writes nothing and gives the same.
    assert_eq!(latest_drift(&store, "demo", SPEC).unwrap(), Some(drift));
}

#[test]
fn a_first_version_has_no_drift() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let v1 = add(&store, V1);
    assert_eq!(spec_added(&store, "demo", &v1).unwrap(), None);
    assert_eq!(latest_drift(&store, "demo", SPEC).unwrap(), None);
    assert_eq!(latest_drift(&store, "demo", "absent.yaml").unwrap(), None);
}

#[test]
fn a_previous_version_that_does_not_load_is_an_error_and_marks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    shop_v1(&store);
    add(&store, b"openapi: 3.0.3\ninfo: [\n");
    let v3 = add(&store, V2);
    let error = spec_added(&store, "demo", &v3).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("shop.yaml v2 cannot be loaded: "),
        "{text}"
    );
    assert!(text.contains("line "), "{text}");
    assert_eq!(status(&store, "all"), (ConnectorStatus::Ready, None));
    assert_eq!(store.spec_versions("demo", SPEC).unwrap().len(), 3);
}

#[test]
fn a_connector_whose_version_does_not_load_is_listed_unchecked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    add(&store, b"not: [a spec");
    store.update_connector(&connector("old", 1, &[])).unwrap();
    add(&store, V1);
    let v3 = add(&store, V2);
    let drift = spec_added(&store, "demo", &v3).unwrap().expect("a drift");
    assert_eq!((drift.from, drift.to), (2, 3));
    assert_eq!(drift.unchecked.len(), 1);
    assert_eq!(drift.unchecked[0].connector, "old");
    assert!(
        drift.unchecked[0]
            .reason
            .starts_with("shop.yaml v1 cannot be loaded"),
        "{}",
        drift.unchecked[0].reason
    );
    assert_eq!(status(&store, "old"), (ConnectorStatus::Ready, None));
}
