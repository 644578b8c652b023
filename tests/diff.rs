//! `mcpow diff OLD NEW`: hand-made version pairs (tests/fixtures/diff/) with every kind of change, exact changes
//! and breaking flags; load errors; selection flags; and two real Stripe versions from the corpus.

mod common;

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;

fn fixture(name: &str) -> String {
    common::root()
        .join("tests/fixtures/diff")
        .join(name)
        .to_string_lossy()
        .to_string()
}

fn diff(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = common::mcpow();
    command.arg("diff").args(args);
    common::run_bounded(command, stdin, Duration::from_secs(180))
}

/// `mcpow diff --json OLD NEW` of a fixture pair: the exit code and the parsed diff.
fn diff_pair(pair: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let old = fixture(&format!("{pair}-v1.yaml"));
    let new = fixture(&format!("{pair}-v2.yaml"));
    let mut args = vec!["--json", old.as_str(), new.as_str()];
    args.extend_from_slice(extra);
    let output = diff(&args, None);
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "diff --json printed no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), json)
}

/// A tool's changes as `side path kind breaking|ok` lines.
fn changes(diff: &Value, tool: &str) -> Vec<String> {
    let entry =
        tool_entry(diff, tool).unwrap_or_else(|| panic!("{tool} is not in the diff: {diff:#}"));
    entry["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c["side"].as_str().unwrap_or("?"),
                c["path"].as_str().unwrap_or("?"),
                c["kind"].as_str().unwrap_or("?"),
                if c["breaking"] == Value::Bool(true) {
                    "breaking"
                } else {
                    "ok"
                }
            )
        })
        .collect()
}

fn tool_entry<'a>(diff: &'a Value, tool: &str) -> Option<&'a Value> {
    diff["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .find(|t| t["tool"] == tool)
}

/// The change of `tool` at `path` of `kind`.
fn change<'a>(diff: &'a Value, tool: &str, path: &str, kind: &str) -> &'a Value {
    tool_entry(diff, tool)
        .and_then(|t| t["changes"].as_array())
        .and_then(|list| list.iter().find(|c| c["path"] == path && c["kind"] == kind))
        .unwrap_or_else(|| panic!("no {kind} at {path} of {tool}"))
}

fn summary(diff: &Value, key: &str) -> u64 {
    diff["summary"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("summary.{key}"))
}

#[test]
fn tools_and_arguments_added_removed_required_and_moved() {
    let (code, diff) = diff_pair("api", &[]);
    assert_eq!(code, Some(1), "a removed tool breaks");
    assert_eq!(changes(&diff, "archiveItem"), ["tool  tool_added ok"]);
    assert_eq!(
        changes(&diff, "deleteItem"),
        ["tool  tool_removed breaking"]
    );
    assert!(
        tool_entry(&diff, "getItem").is_none(),
        "getItem did not change"
    );
    assert_eq!(
        changes(&diff, "listItems"),
        [
            "input cursor argument_removed breaking",
            "input sort became_required breaking",
            "input tag became_optional ok",
            "input page argument_added ok",
            "input store argument_added breaking",
            "input region argument_moved breaking",
        ]
    );
    assert_eq!(
        change(&diff, "listItems", "page", "argument_added")["required"],
        false
    );
    assert_eq!(
        change(&diff, "listItems", "store", "argument_added")["required"],
        true
    );
    let moved = change(&diff, "listItems", "region", "argument_moved");
    assert_eq!(
        (moved["old"].as_str(), moved["new"].as_str()),
        (Some("query region"), Some("header region"))
    );
    for (key, expected) in [
        ("old_tools", 3),
        ("new_tools", 3),
        ("tools_added", 1),
        ("tools_removed", 1),
        ("tools_changed", 1),
        ("tools_unchanged", 1),
        ("changes", 8),
        ("breaking", 5),
        ("tools_broken", 2),
    ] {
        assert_eq!(summary(&diff, key), expected, "summary.{key}");
    }
}

#[test]
fn types_enums_and_formats_of_arguments_and_nested_properties() {
    let (code, diff) = diff_pair("schemas", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        changes(&diff, "createOrder"),
        [
            "input mode enum_values_added ok",
            "input quantity type_changed breaking",
            "input amount type_changed ok",
            "input status enum_values_removed breaking",
            "input status enum_values_added ok",
            "input channel enum_introduced breaking",
            "input kind enum_dropped ok",
            "input due format_changed breaking",
            "input count format_changed ok",
            "input email format_changed ok",
            "input shipping.street became_required breaking",
            "input shipping.zip type_changed breaking",
            "input shipping.country property_added breaking",
            "input shipping.note property_added ok",
            "input lines[].qty type_changed breaking",
            "input lines[].gift property_added ok",
        ]
    );
    let quantity = change(&diff, "createOrder", "quantity", "type_changed");
    assert_eq!(quantity["old"], serde_json::json!(["integer"]));
    assert_eq!(quantity["new"], serde_json::json!(["string"]));
    let held = change(&diff, "createOrder", "status", "enum_values_removed");
    assert_eq!(held["values"], serde_json::json!(["held"]));
    let pending = change(&diff, "createOrder", "status", "enum_values_added");
    assert_eq!(pending["values"], serde_json::json!(["pending"]));
    let due = change(&diff, "createOrder", "due", "format_changed");
    assert_eq!(
        (&due["old"], &due["new"]),
        (&Value::Null, &serde_json::json!("date-time"))
    );
    assert_eq!(summary(&diff, "breaking"), 8);
}

#[test]
fn response_schema_changes() {
    let (code, diff) = diff_pair("responses", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        changes(&diff, "getUser"),
        [
            "output name property_removed breaking",
            "output role enum_values_removed ok",
            "output role enum_values_added breaking",
            "output age type_changed breaking",
            "output score type_changed ok",
            "output address.city became_optional breaking",
            "output email property_added ok",
        ]
    );
    assert_eq!(
        change(&diff, "getUser", "age", "type_changed")["new"],
        serde_json::json!(["integer", "null"])
    );
    assert_eq!(
        changes(&diff, "listUsers"),
        ["output  output_schema_removed breaking"]
    );
    assert_eq!(changes(&diff, "ping"), ["output  output_schema_added ok"]);
    assert_eq!(summary(&diff, "tools_broken"), 2);
}

#[test]
fn changes_that_break_nothing_exit_zero() {
    let (code, diff) = diff_pair("additive", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(changes(&diff, "createNote"), ["tool  tool_added ok"]);
    assert_eq!(
        changes(&diff, "listNotes"),
        [
            "input color enum_values_added ok",
            "input owner became_optional ok",
            "input limit argument_added ok",
            "output total property_added ok",
        ]
    );
    assert_eq!(summary(&diff, "breaking"), 0);
    assert_eq!(summary(&diff, "changes"), 5);
}

#[test]
fn the_text_report_groups_changes_by_tool_and_ends_with_the_counts() {
    let output = diff(&[&fixture("api-v1.yaml"), &fixture("api-v2.yaml")], None);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "+ archiveItem: added");
    assert_eq!(lines[1], "- deleteItem: removed  [breaking]");
    assert_eq!(lines[2], "~ listItems: 6 changes, 4 breaking");
    assert_eq!(
        lines[3].split_whitespace().collect::<Vec<_>>(),
        ["breaking", "argument", "`cursor`", "removed"]
    );
    assert!(text.contains("argument `store` added (required)"), "{text}");
    assert!(
        text.contains("argument `region` moved from query region to header region"),
        "{text}"
    );
    assert_eq!(
        lines.last().copied(),
        Some(
            "Summary: 3 -> 3 tools: 1 added, 1 removed, 1 changed, 1 unchanged; 8 changes, 5 breaking (in 2 tools)."
        )
    );
    let schemas = diff(
        &[&fixture("schemas-v1.yaml"), &fixture("schemas-v2.yaml")],
        None,
    );
    let text = String::from_utf8_lossy(&schemas.stdout);
    assert!(
        text.contains("argument `status`: enum values removed: \"held\""),
        "{text}"
    );
    assert!(
        text.contains("property `shipping.zip`: type string -> integer"),
        "{text}"
    );
    assert!(
        text.contains("argument `due`: format none -> date-time"),
        "{text}"
    );
}

#[test]
fn the_same_version_twice_has_no_changes_also_from_stdin() {
    let spec = std::fs::read(fixture("schemas-v1.yaml")).expect("fixture");
    let output = diff(&["-", &fixture("schemas-v1.yaml")], Some(&spec));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Summary: 1 -> 1 tools: 0 added, 0 removed, 0 changed, 1 unchanged; 0 changes, 0 breaking (in 0 tools).\n"
    );
}

#[test]
fn selection_flags_pick_the_tools_compared_as_serve_would() {
    let (code, diff) = diff_pair("api", &["--include-op", "listItems"]);
    assert_eq!(code, Some(1));
    let tools: Vec<&str> = diff["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["tool"].as_str())
        .collect();
    assert_eq!(tools, ["listItems"]);
    assert_eq!(summary(&diff, "old_tools"), 1);
    // Without the tools that break, nothing breaks.
    let (code, diff) = diff_pair(
        "api",
        &["--include-op", "getItem", "--include-op", "archiveItem"],
    );
    assert_eq!(code, Some(0));
    assert_eq!(summary(&diff, "tools_added"), 1);
    assert_eq!(summary(&diff, "breaking"), 0);
    // `--only-breaking` lists breaking changes only; the summary still counts all.
    let (code, diff) = diff_pair("api", &["--only-breaking"]);
    assert_eq!(code, Some(1));
    assert!(tool_entry(&diff, "archiveItem").is_none());
    assert_eq!(changes(&diff, "listItems").len(), 4);
    assert_eq!(summary(&diff, "changes"), 8);
}

#[test]
fn a_version_that_cannot_load_exits_2_naming_it() {
    let missing = common::root().join("tests/fixtures/diff/no-such-version.yaml");
    let missing = missing.to_string_lossy();
    let output = diff(&[&missing, &fixture("api-v2.yaml")], None);
    let stderr = common::assert_refused(&output, "no-such-version.yaml");
    assert!(stderr.contains("OLD"), "{stderr}");
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\npaths: [\n").expect("write");
    let output = diff(&[&fixture("api-v1.yaml"), &broken.to_string_lossy()], None);
    let stderr = common::assert_refused(&output, "broken.yaml");
    assert!(stderr.contains("NEW"), "{stderr}");
    common::assert_refused(&diff(&["-", "-"], Some(b"")), "only one of OLD and NEW");
    common::assert_refused(
        &diff(
            &[
                &fixture("api-v1.yaml"),
                &fixture("api-v2.yaml"),
                "--method",
                "FETCH",
            ],
            None,
        ),
        "FETCH",
    );
}

/// Two real Stripe versions (2022-04 JSON, 2023-09 YAML): tools come and go, breaking changes exit 1.
#[test]
fn two_stripe_versions_from_the_corpus() {
    let (Some(old), Some(new)) = (
        common::corpus("openapi/stripe/spec3.json"),
        common::corpus("openapi/stripe/spec3.yaml"),
    ) else {
        return;
    };
    let path = |p: &PathBuf| p.to_string_lossy().to_string();
    let output = diff(&["--json", &path(&old), &path(&new)], None);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let diff: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    eprintln!("stripe 2022-04 -> 2023-09: {}", diff["summary"]);
    assert_eq!(summary(&diff, "old_tools"), 417);
    assert_eq!(summary(&diff, "new_tools"), 468);
    for key in [
        "tools_added",
        "tools_removed",
        "tools_changed",
        "tools_unchanged",
        "breaking",
    ] {
        assert!(
            summary(&diff, key) > 0,
            "summary.{key} is 0: {}",
            diff["summary"]
        );
    }
    assert_eq!(
        summary(&diff, "old_tools") + summary(&diff, "tools_added"),
        summary(&diff, "new_tools") + summary(&diff, "tools_removed")
    );
    assert_eq!(
        summary(&diff, "tools_removed")
            + summary(&diff, "tools_changed")
            + summary(&diff, "tools_unchanged"),
        summary(&diff, "old_tools")
    );
    let total: usize = diff["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["changes"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(total as u64, summary(&diff, "changes"));
    assert_eq!(
        changes(&diff, "DeleteAccount"),
        ["tool  tool_removed breaking"]
    );
}

/// Two real Adyen Recurring versions (v30 and v67): only additions, so nothing breaks and the exit is 0.
#[test]
fn two_adyen_recurring_versions_from_the_corpus_break_nothing() {
    let dir = "openapi/apisguru-3.1-schemathesis/adyen.com/RecurringService";
    let (Some(old), Some(new)) = (
        common::corpus(&format!("{dir}/30.json")),
        common::corpus(&format!("{dir}/67.json")),
    ) else {
        return;
    };
    let output = diff(
        &["--json", &old.to_string_lossy(), &new.to_string_lossy()],
        None,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let diff: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(changes(&diff, "post-createPermit"), ["tool  tool_added ok"]);
    assert_eq!(
        changes(&diff, "post-disablePermit"),
        ["tool  tool_added ok"]
    );
    assert_eq!(
        changes(&diff, "post-listRecurringDetails"),
        [
            "input recurring.recurringExpiry property_added ok",
            "input recurring.recurringFrequency property_added ok",
        ]
    );
    assert_eq!(
        (summary(&diff, "old_tools"), summary(&diff, "new_tools")),
        (4, 6)
    );
    assert_eq!(summary(&diff, "tools_unchanged"), 3);
}
