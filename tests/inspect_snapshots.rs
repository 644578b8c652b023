//! Snapshots of `mcpow inspect` (the report, `--json` and `--model`) for every bundled spec, from the real binary.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test inspect_snapshots`).

mod common;

const SPECS: [&str; 5] = [
    "petstore-3.0.yaml",
    "petstore-3.1.yaml",
    "petstore-swagger-2.0.json",
    "petstore.postman_collection.json",
    "petstore.graphql",
];

fn stdout_of(args: &[&str]) -> String {
    let output = common::inspect(args, None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn inspect_outputs_of_bundled_specs() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for name in SPECS {
            let path = common::sample(name);
            let path = path.to_str().unwrap();
            insta::assert_snapshot!(format!("report-{name}"), stdout_of(&[path]));
            let json: serde_json::Value =
                serde_json::from_str(&stdout_of(&["--json", path])).unwrap();
            insta::assert_json_snapshot!(format!("json-{name}"), json);
            let model: serde_json::Value =
                serde_json::from_str(&stdout_of(&["--model", path])).unwrap();
            insta::assert_json_snapshot!(format!("model-{name}"), model);
        }
    });
}
