//! Opening a store written by the previous schema (a fixture made by the v1 build with its own commands:
//! `specs add` twice and a GraphQL spec, `generate --project` done (a third version) and failed, `call --save` twice,
//! `profiles import`; the sample project came with the first open) migrates it with nothing lost.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use mcpoverflow::store::{JobStatus, SCHEMA_VERSION, Store};
use serde_json::Value;

type Trees = BTreeMap<String, Vec<(Vec<u8>, Vec<u8>)>>;

/// Every tree of the sled directory, key and value, read with sled itself (not through the store).
fn raw_trees(path: &Path) -> Trees {
    let db = sled::open(path).unwrap();
    let mut trees = Trees::new();
    for name in db.tree_names() {
        let tree = db.open_tree(&name).unwrap();
        let entries = tree
            .iter()
            .map(|entry| {
                let (key, value) = entry.unwrap();
                (key.to_vec(), value.to_vec())
            })
            .collect();
        trees.insert(String::from_utf8_lossy(&name).into_owned(), entries);
    }
    trees
}

fn schema_version(trees: &Trees) -> u32 {
    let (_, value) = trees["meta"]
        .iter()
        .find(|(key, _)| key == b"schema_version")
        .unwrap();
    u32::from_be_bytes(value.as_slice().try_into().unwrap())
}

fn unpack_fixture(into: &Path) -> std::path::PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store/v1.tar.gz");
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&fixture)
        .arg("-C")
        .arg(into)
        .status()
        .expect("tar runs");
    assert!(status.success());
    into.join("store")
}

#[test]
fn a_v1_store_migrates_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = unpack_fixture(dir.path());
    let before = raw_trees(&path);
    assert_eq!(schema_version(&before), 1);
    let counted = |trees: &Trees, name: &str| trees.get(name).map_or(0, Vec::len);
    assert_eq!(
        [
            "projects",
            "spec_versions",
            "connectors",
            "jobs",
            "calls",
            "profiles"
        ]
        .map(|t| counted(&before, t)),
        [2, 9, 1, 2, 2, 1],
        "the fixture holds what its doc says"
    );

    {
        let store = Store::open(&path).unwrap();
        let specs = store.specs("clinic").unwrap();
        let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["petstore-3.0.yaml", "petstore.graphql"]);
        let petstore = specs[0].summary.as_ref().expect("a summary was made");
        assert_eq!((specs[0].version, petstore.operations), (3, 10));
        assert_eq!(
            (petstore.format.as_str(), petstore.format_version.as_str()),
            ("openapi", "3.0.3")
        );
        let graphql = specs[1].summary.as_ref().unwrap();
        assert_eq!(graphql.format, "graphql");
        assert!(graphql.operations > 0);
        for version in store.spec_versions("clinic", "petstore-3.0.yaml").unwrap() {
            assert!(version.summary.is_some(), "v{}", version.version);
            assert_eq!(store.spec_bytes(&version).unwrap().len(), version.bytes);
        }
        let connector = store
            .connector("clinic", "pet-clinic-store-mcp")
            .unwrap()
            .unwrap();
        let files = store.connector_files(&connector).unwrap();
        assert_eq!(files.len(), connector.files.len());
        assert!(files.iter().any(|f| f.path == "README.md"));
        let jobs = store.jobs().unwrap();
        let statuses: Vec<JobStatus> = jobs.iter().map(|j| j.status).collect();
        assert_eq!(statuses, [JobStatus::Completed, JobStatus::Failed]);
        assert_eq!(connector.job, Some(jobs[0].id));
        let calls = store.all_calls().unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].arguments["api_key"], "[redacted]");
        assert_eq!(store.profiles().unwrap()[0].name, "petstore");
    }

    let after = raw_trees(&path);
    assert_eq!(schema_version(&after), SCHEMA_VERSION);
    for (name, entries) in &before {
        if name == "meta" {
            continue;
        }
        let migrated = &after[name];
        assert_eq!(
            migrated.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            entries.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            "the keys of {name}"
        );
        for ((key, old), (_, new)) in entries.iter().zip(migrated) {
            let old: Value = serde_json::from_slice(old).unwrap_or(Value::Null);
            let mut new: Value = serde_json::from_slice(new).unwrap_or(Value::Null);
            if name == "spec_versions" {
                // The one change of 1 -> 2: a summary added, everything else as it was.
                assert!(new["summary"].is_object());
                new.as_object_mut().unwrap().remove("summary");
            }
            if name == "blobs" {
                continue; // raw bytes, compared below
            }
            assert_eq!(old, new, "{name} {}", String::from_utf8_lossy(key));
        }
    }
    assert_eq!(before["blobs"], after["blobs"], "every blob as it was");

    // Opening again changes nothing.
    drop(Store::open(&path).unwrap());
    let again = raw_trees(&path);
    assert_eq!(again["spec_versions"], after["spec_versions"]);
    assert_eq!(schema_version(&again), SCHEMA_VERSION);
}

#[test]
fn a_migration_cut_off_is_run_again_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = unpack_fixture(dir.path());
    drop(Store::open(&path).unwrap());
    // As if the step had written one summary and then died before raising the version.
    {
        let db = sled::open(&path).unwrap();
        let versions = db.open_tree("spec_versions").unwrap();
        let (key, value) = versions.iter().next().unwrap().unwrap();
        let mut version: Value = serde_json::from_slice(&value).unwrap();
        version.as_object_mut().unwrap().remove("summary");
        versions
            .insert(key, serde_json::to_vec(&version).unwrap())
            .unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.insert("schema_version", &1u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(&path).unwrap();
    let versions = store.spec_versions("clinic", "petstore-3.0.yaml").unwrap();
    assert!(versions.iter().all(|v| v.summary.is_some()));
}
