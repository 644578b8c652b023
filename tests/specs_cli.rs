//! `mcpow specs add`, `mcpow specs list` and `mcpow projects`: the real binary on a temp data directory.

mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use common::{assert_refused, sample, serve};
use mcpoverflow::store::Store;
use serde_json::Value;

/// `mcpow ARGS... --data-dir DATA` (stdin optional), bounded to two minutes.
fn mcpow(data: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = common::mcpow();
    command
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("MCPOW_DATA_DIR");
    common::run_bounded(command, stdin, Duration::from_secs(120))
}

/// Stdout of a command that must succeed.
fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn list_json(data: &Path, project: &str) -> Value {
    let output = mcpow(
        data,
        &["specs", "list", "--project", project, "--json"],
        None,
    );
    serde_json::from_str(&ok(&output)).expect("specs list --json prints JSON")
}

/// (name, [version numbers]) of each spec in a `specs list --json` answer.
fn versions(listing: &Value) -> Vec<(String, Vec<u64>)> {
    listing["specs"]
        .as_array()
        .expect("specs")
        .iter()
        .map(|spec| {
            let numbers = spec["versions"]
                .as_array()
                .expect("versions")
                .iter()
                .map(|v| v["version"].as_u64().expect("version"))
                .collect();
            (spec["name"].as_str().expect("name").to_string(), numbers)
        })
        .collect()
}

#[test]
fn add_list_readd_change_and_refuse() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    let petstore = sample("petstore-3.0.yaml");
    let petstore_arg = petstore.to_str().unwrap();
    let size = std::fs::metadata(&petstore).unwrap().len();

    let added = ok(&mcpow(
        data,
        &["specs", "add", petstore_arg, "--project", "demo"],
        None,
    ));
    assert_eq!(
        added,
        format!("added petstore-3.0.yaml v1 to demo ({size} bytes)\n")
    );

    // Text: the project, the spec, its one version with size and source.
    let listed = ok(&mcpow(data, &["specs", "list", "--project", "demo"], None));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines[0], "demo: 1 spec", "{listed}");
    assert_eq!(lines[1], "petstore-3.0.yaml", "{listed}");
    assert!(lines[2].starts_with("  v1 "), "{listed}");
    assert!(lines[2].contains(&format!("{size} bytes")), "{listed}");
    assert!(lines[2].contains(" UTC "), "{listed}");
    let source = std::path::absolute(&petstore).unwrap();
    assert!(
        lines[2].ends_with(&format!(
            "{}  openapi 3.0.3, 10 operations",
            source.display()
        )),
        "{listed}"
    );
    assert_eq!(lines.len(), 3, "{listed}");

    // JSON: the same, with the hash.
    let listing = list_json(data, "demo");
    assert_eq!(listing["project"], "demo");
    let version = &listing["specs"][0]["versions"][0];
    assert_eq!(version["bytes"].as_u64(), Some(size));
    assert_eq!(version["version"].as_u64(), Some(1));
    assert_eq!(version["hash"].as_str().map(str::len), Some(64));
    assert!(version["added_at"].as_u64().unwrap() > 1_700_000_000_000);

    // The same bytes again: no new version.
    let again = ok(&mcpow(
        data,
        &["specs", "add", petstore_arg, "--project", "demo"],
        None,
    ));
    assert_eq!(
        again,
        format!("unchanged: petstore-3.0.yaml is already v1 in demo ({size} bytes)\n")
    );
    assert_eq!(
        versions(&list_json(data, "demo")),
        [("petstore-3.0.yaml".to_string(), vec![1])]
    );

    // A changed copy under the same file name is version 2; both are listed.
    let scratch = tempfile::tempdir().unwrap();
    let changed = scratch.path().join("petstore-3.0.yaml");
    let mut text = std::fs::read_to_string(&petstore).unwrap();
    text.push_str("# changed\n");
    std::fs::write(&changed, &text).unwrap();
    let added = ok(&mcpow(
        data,
        &[
            "specs",
            "add",
            changed.to_str().unwrap(),
            "--project",
            "demo",
        ],
        None,
    ));
    // A new version of a spec also tells its drift from the one before (here: none).
    assert_eq!(
        added,
        format!(
            "added petstore-3.0.yaml v2 to demo ({} bytes)\n\
             drift from v1: 10 -> 10 tools: 0 added, 0 removed, 0 changed, 10 unchanged; \
             0 changes, 0 breaking (in 0 tools).\n",
            text.len()
        )
    );
    let listing = list_json(data, "demo");
    assert_eq!(
        versions(&listing),
        [("petstore-3.0.yaml".to_string(), vec![1, 2])]
    );
    assert_eq!(
        listing["specs"][0]["versions"][1]["source"],
        changed.display().to_string()
    );

    // A file that does not load: exit 2, one line naming the file and the line; nothing stored.
    let broken = scratch.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.0\ninfo: [unclosed\n").unwrap();
    let refused = mcpow(
        data,
        &[
            "specs",
            "add",
            broken.to_str().unwrap(),
            "--project",
            "demo",
        ],
        None,
    );
    let message = assert_refused(&refused, &broken.display().to_string());
    assert!(message.contains("line 3"), "{message}");
    assert_eq!(versions(&list_json(data, "demo")).len(), 1);

    // A missing file is refused the same way.
    let missing = scratch.path().join("nope.yaml");
    let refused = mcpow(data, &["specs", "add", missing.to_str().unwrap()], None);
    assert_refused(&refused, &missing.display().to_string());
}

#[test]
fn the_sample_project_is_the_default_and_projects_are_counted() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    // A new store starts with the sample project, which holds the bundled petstore already.
    let petstore = sample("petstore-3.0.yaml");
    let again = ok(&mcpow(
        data,
        &["specs", "add", petstore.to_str().unwrap()],
        None,
    ));
    assert!(
        again.starts_with("unchanged: petstore-3.0.yaml is already v1 in sample ("),
        "{again}"
    );
    // Stdin: named after the title.
    let yaml = std::fs::read(sample("petstore-3.1.yaml")).unwrap();
    let added = ok(&mcpow(
        data,
        &["specs", "add", "-", "--project", "piped"],
        Some(&yaml),
    ));
    assert_eq!(
        added,
        format!(
            "added pet-clinic-store.yaml v1 to piped ({} bytes)\n",
            yaml.len()
        )
    );

    let listed = ok(&mcpow(data, &["projects"], None));
    let rows: Vec<Vec<&str>> = listed
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{listed}");
    assert_eq!(rows[0][..3], ["piped", "1", "spec"], "{listed}");
    assert_eq!(rows[1][..3], ["sample", "5", "specs"], "{listed}");

    let output = mcpow(data, &["projects", "--json"], None);
    let projects: Value = serde_json::from_str(&ok(&output)).unwrap();
    let counts: Vec<(&str, u64)> = projects
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["specs"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("piped", 1), ("sample", 5)]);

    let sample_specs = versions(&list_json(data, "sample"));
    assert_eq!(sample_specs.len(), 5);
    assert!(sample_specs.iter().all(|(_, v)| *v == [1]));

    // A project that is not there is named, with the ones that are.
    let refused = mcpow(data, &["specs", "list", "--project", "nope"], None);
    let message = assert_refused(&refused, "no project `nope`");
    assert!(message.contains("piped, sample"), "{message}");
}

#[test]
fn the_data_dir_may_come_before_the_subcommand() {
    let data = tempfile::tempdir().unwrap();
    let mut command = common::mcpow();
    command
        .arg("--data-dir")
        .arg(data.path())
        .args(["projects", "--json"]);
    let output = common::run_bounded(command, None, Duration::from_secs(60));
    let projects: Value = serde_json::from_str(&ok(&output)).unwrap();
    assert_eq!(projects[0]["name"], "sample");
    assert!(data.path().join("store").exists());
}

#[test]
fn a_store_held_by_another_mcpow_is_named() {
    let data = tempfile::tempdir().unwrap();
    let _held = Store::open(&data.path().join("store")).unwrap();
    for args in [
        &["specs", "list"][..],
        &["projects"][..],
        &["specs", "add", sample("petstore.graphql").to_str().unwrap()][..],
    ] {
        let output = mcpow(data.path(), args, None);
        let message = assert_refused(&output, "another mcpow is using the store at");
        assert!(
            message.contains(&data.path().display().to_string()),
            "{message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn urls_and_running_services_are_added() {
    let json = std::fs::read_to_string(sample("petstore-swagger-2.0.json")).unwrap();
    let size = json.len();
    let served = json.clone();
    let app = Router::new()
        .route(
            "/",
            get(|| async { "<html>the service's home page</html>" }),
        )
        .route(
            "/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], served) }),
        )
        .route(
            "/files/petstore-swagger-2.0.json",
            get(move || async move { json }),
        );
    let base = serve(app).await;
    let port = base.rsplit(':').next().unwrap().to_string();
    let data = tempfile::tempdir().unwrap();
    let data_path = data.path().to_path_buf();
    let document = format!("{base}/files/petstore-swagger-2.0.json");
    let (by_url, by_service, listing) = tokio::task::spawn_blocking(move || {
        let by_url = mcpow(
            &data_path,
            &["specs", "add", &document, "--project", "web"],
            None,
        );
        let by_service = mcpow(
            &data_path,
            &["specs", "add", &base, "--project", "web"],
            None,
        );
        (by_url, by_service, list_json(&data_path, "web"))
    })
    .await
    .unwrap();
    assert_eq!(
        ok(&by_url),
        format!("added petstore-swagger-2.0.json v1 to web ({size} bytes)\n")
    );
    assert_eq!(
        ok(&by_service),
        format!("added 127.0.0.1:{port} openapi.json v1 to web ({size} bytes)\n")
    );
    let sources: Vec<&str> = listing["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["versions"][0]["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            format!("http://127.0.0.1:{port}/openapi.json"),
            format!("http://127.0.0.1:{port}/files/petstore-swagger-2.0.json"),
        ]
    );
}

#[test]
fn generate_with_a_project_keeps_the_spec_the_job_and_the_connector() {
    let data = tempfile::tempdir().unwrap();
    let out = data.path().join("clinic");
    let spec = sample("petstore-3.0.yaml");
    let args = [
        "generate",
        spec.to_str().unwrap(),
        "--lang",
        "typescript",
        "--out",
        out.to_str().unwrap(),
        "--include-tag",
        "owners",
        "--name",
        "clinic",
        "--project",
        "demo",
    ];
    let output = mcpow(data.path(), &args, None);
    ok(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for stage in [
        "analyzing",
        "generating code",
        "generating tests",
        "writing docs",
        "done",
    ] {
        assert!(
            stderr.contains(&format!(": {stage}: ")),
            "{stage} in {stderr}"
        );
    }
    assert!(out.join("src/operations.ts").exists());
    // Again: the same spec is the same version; a second job replaces the connector.
    let again = mcpow(data.path(), &[&args[..], &["--force"]].concat(), None);
    ok(&again);

    // `mcpow jobs` lists them, newest first.
    let listed = ok(&mcpow(data.path(), &["jobs", "--project", "demo"], None));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains("completed") && l.contains("clinic"))
    );
    let json: Value =
        serde_json::from_str(&ok(&mcpow(data.path(), &["jobs", "--json"], None))).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[0]["log"].as_array().unwrap().len(), 6);
    let none = ok(&mcpow(data.path(), &["jobs", "--status", "failed"], None));
    assert_eq!(none, "no jobs\n");
    let refused = mcpow(data.path(), &["jobs", "--status", "stuck"], None);
    assert_refused(&refused, "--status `stuck`");
    let store = Store::open(&data.path().join("store")).unwrap();
    assert_eq!(
        store
            .spec_versions("demo", "petstore-3.0.yaml")
            .unwrap()
            .len(),
        1
    );
    let jobs = store.jobs().unwrap();
    assert_eq!(jobs.len(), 2);
    assert!(
        jobs.iter()
            .all(|j| j.status == mcpoverflow::store::JobStatus::Completed)
    );
    let connectors = store.connectors("demo").unwrap();
    assert_eq!(connectors.len(), 1);
    let clinic = &connectors[0];
    assert_eq!(
        (clinic.name.as_str(), clinic.language.as_str()),
        ("clinic", "typescript")
    );
    assert_eq!(clinic.job, Some(jobs[1].id));
    assert_eq!(clinic.operations, ["getOwner", "listOwnerPets"]);
    let files = store.connector_files(clinic).unwrap();
    let written = std::fs::read(out.join("src/operations.ts")).unwrap();
    let kept = files
        .iter()
        .find(|f| f.path == "src/operations.ts")
        .unwrap();
    assert_eq!(kept.contents, written);
}

#[test]
fn a_generation_killed_mid_way_is_marked_interrupted_at_the_next_open() {
    use std::io::{BufRead, BufReader};
    // Stripe is large enough that generating its code takes a while (seconds in a debug build).
    let Some(stripe) = common::corpus("openapi/stripe/spec3.json") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let mut child = common::mcpow()
        .args([
            "generate",
            stripe.to_str().unwrap(),
            "--lang",
            "python",
            "--project",
            "big",
        ])
        .arg("--out")
        .arg(data.path().join("out"))
        .arg("--data-dir")
        .arg(data.path())
        .env_remove("MCPOW_DATA_DIR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    for line in stderr.lines() {
        let line = line.unwrap();
        if line.contains(": generating code: ") {
            break;
        }
    }
    // Killed (-9) while the job is in its code stage: nothing runs its cleanup.
    child.kill().unwrap();
    child.wait().unwrap();
    let jobs: Value =
        serde_json::from_str(&ok(&mcpow(data.path(), &["jobs", "--json"], None))).unwrap();
    let job = &jobs[0];
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"], "interrupted");
    assert_eq!(job["stage"], "generating code");
    assert!(!data.path().join("out").exists(), "no half-written project");
    let store = Store::open(&data.path().join("store")).unwrap();
    assert!(store.connectors("big").unwrap().is_empty());
    assert_eq!(
        store.interrupted_at_open(),
        0,
        "marked once, by the first open"
    );
}

#[test]
fn a_project_exported_and_imported_is_whole_and_a_bad_file_is_named() {
    let data = tempfile::tempdir().unwrap();
    let spec = sample("petstore-3.0.yaml");
    let out = data.path().join("clinic");
    let generate = [
        "generate",
        spec.to_str().unwrap(),
        "--lang",
        "python",
        "--out",
        out.to_str().unwrap(),
        "--project",
        "demo",
    ];
    ok(&mcpow(data.path(), &generate, None));
    let file = data.path().join("demo.json");
    let exported = mcpow(
        data.path(),
        &["export", "demo", "--out", file.to_str().unwrap()],
        None,
    );
    ok(&exported);
    let said = String::from_utf8_lossy(&exported.stderr);
    assert!(
        said.contains("exported demo: 1 spec versions, 1 connectors, 1 jobs"),
        "{said}"
    );
    let imported = mcpow(
        data.path(),
        &["import", file.to_str().unwrap(), "--as", "copy"],
        None,
    );
    ok(&imported);
    let again = mcpow(data.path(), &["import", file.to_str().unwrap()], None);
    assert_refused(&again, "project `demo` already exists");
    let store = Store::open(&data.path().join("store")).unwrap();
    let copy = store.connectors("copy").unwrap();
    assert_eq!(copy.len(), 1);
    let original = store.connectors("demo").unwrap();
    assert_eq!(
        store.connector_files(&copy[0]).unwrap(),
        store.connector_files(&original[0]).unwrap()
    );
    assert_eq!(
        store
            .spec_versions("copy", "petstore-3.0.yaml")
            .unwrap()
            .len(),
        1
    );
    drop(store);
    // A file that is not an export: the field and line are named.
    let broken = data.path().join("broken.json");
    std::fs::write(&broken, "{\n  \"mcpowExport\": \"one\"\n}\n").unwrap();
    let refused = mcpow(data.path(), &["import", broken.to_str().unwrap()], None);
    let line = assert_refused(&refused, "mcpowExport");
    assert!(line.contains("line 2"), "{line}");
}

/// `mcpow specs add` on a new version of a spec: the drift from the version before, and the connectors it
/// breaks marked stale in the store (only for the tools each one has); a version that undoes it makes them
/// ready again.
#[test]
fn a_new_version_prints_its_drift_and_marks_broken_connectors_stale() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    let scratch = tempfile::tempdir().unwrap();
    let fixture =
        |name: &str| std::fs::read(common::root().join("tests/fixtures/diff").join(name)).unwrap();
    let spec = scratch.path().join("shop.yaml");
    let spec_arg = spec.to_str().unwrap();
    std::fs::write(&spec, fixture("api-v1.yaml")).unwrap();
    for (name, only) in [("shop-all", None), ("shop-get", Some("getItem"))] {
        let out = scratch.path().join(name);
        let mut args = vec![
            "generate",
            spec_arg,
            "--lang",
            "python",
            "--project",
            "shop",
            "--name",
            name,
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(op) = only {
            args.extend(["--include-op", op]);
        }
        ok(&mcpow(data, &args, None));
    }

    std::fs::write(&spec, fixture("api-v2.yaml")).unwrap();
    let added = ok(&mcpow(
        data,
        &["specs", "add", spec_arg, "--project", "shop"],
        None,
    ));
    let lines: Vec<&str> = added.lines().collect();
    assert!(
        lines[0].starts_with("added shop.yaml v2 to shop ("),
        "{added}"
    );
    assert!(
        lines[1].starts_with(
            "drift from v1: 3 -> 3 tools: 1 added, 1 removed, 1 changed, 1 unchanged; "
        ),
        "{added}"
    );
    let breaking = lines
        .iter()
        .position(|l| l.starts_with("breaking changes ("))
        .expect("the breaking changes are listed");
    assert!(added.contains("\n  deleteItem: tool removed\n"), "{added}");
    assert!(
        added.contains("\n  listItems: argument `cursor` removed\n"),
        "{added}"
    );
    let stale = lines
        .iter()
        .position(|l| *l == "connectors marked stale (1):")
        .expect("one connector is stale");
    assert!(stale > breaking, "{added}");
    assert!(
        lines[stale + 1].starts_with("  shop-all (from v1): "),
        "{added}"
    );
    assert!(
        added.contains("connector shop-get (from v1) still works: 0 changes, none breaking\n"),
        "getItem did not change: {added}"
    );
    {
        let store = Store::open(&data.join("store")).unwrap();
        let all = store.connector("shop", "shop-all").unwrap().unwrap();
        assert_eq!(all.status, mcpoverflow::store::ConnectorStatus::Stale);
        let staleness = all.stale.expect("why it is stale");
        assert_eq!(staleness.version, 2);
        assert!(
            staleness
                .changes
                .contains(&"deleteItem: tool removed".to_string())
        );
        let get = store.connector("shop", "shop-get").unwrap().unwrap();
        assert_eq!(get.status, mcpoverflow::store::ConnectorStatus::Ready);
    }

    // v1's bytes again, as JSON: v3 breaks v2's callers, but each connector is compared with its own v1.
    std::fs::write(&spec, fixture("api-v1.yaml")).unwrap();
    let json = ok(&mcpow(
        data,
        &["specs", "add", spec_arg, "--project", "shop", "--json"],
        None,
    ));
    let answer: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(answer["new"], true);
    assert_eq!(answer["added"]["version"], 3);
    let drift = &answer["drift"];
    assert_eq!(
        (drift["from"].as_u64(), drift["to"].as_u64()),
        (Some(2), Some(3))
    );
    assert!(
        drift["diff"]["summary"]["breaking"].as_u64().unwrap() > 0,
        "{json}"
    );
    assert_eq!(drift["stale"].as_array().map(Vec::len), Some(0), "{json}");
    assert_eq!(drift["ready"].as_array().map(Vec::len), Some(2), "{json}");
    let store = Store::open(&data.join("store")).unwrap();
    let all = store.connector("shop", "shop-all").unwrap().unwrap();
    assert_eq!(
        (all.status, all.stale),
        (mcpoverflow::store::ConnectorStatus::Ready, None)
    );
}
