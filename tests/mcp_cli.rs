//! `mcpow tools`, `mcpow call`, `mcpow resources`, `mcpow prompts` as a user runs them: real subprocesses,
//! their output and exit codes (0 success, 1 tool error, 2 bad usage, 3 connection or protocol failure).

mod common;

use std::process::Output;
use std::time::Duration;

fn faulty_script() -> String {
    common::root()
        .join("tests/mcp_servers/faulty.py")
        .display()
        .to_string()
}

fn mcpow(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = common::mcpow();
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    common::run_bounded(command, None, Duration::from_secs(60))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn tools_and_call_over_stdio_with_a_trace() {
    let script = faulty_script();
    let listed = mcpow(&["tools", "--", "python3", &script, "plain"], &[]);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    let stdout = text(&listed.stdout);
    assert!(
        stdout.contains("ok ") && stdout.contains("Answers at once."),
        "{stdout}"
    );

    let called = mcpow(
        &["call", "ok", "--trace", "--", "python3", &script, "plain"],
        &[],
    );
    assert_eq!(called.status.code(), Some(0), "{}", text(&called.stderr));
    assert_eq!(text(&called.stdout), "ok: fine\n");
    let trace = text(&called.stderr);
    assert!(
        trace.contains("-> {\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\""),
        "{trace}"
    );
    assert!(trace.contains("<- {\"jsonrpc\": \"2.0\""), "{trace}");
}

#[test]
fn exit_codes_tell_failures_apart() {
    let script = faulty_script();
    let dead = mcpow(&["tools", "--", "python3", &script, "exit-at-start"], &[]);
    assert_eq!(dead.status.code(), Some(3));
    let message = text(&dead.stderr);
    assert!(
        message.contains("exited with status 3") && message.contains("faulty.toml"),
        "{message}"
    );

    let usage = mcpow(
        &[
            "call", "ok", "--args", "[1", "--", "python3", &script, "plain",
        ],
        &[],
    );
    assert_eq!(usage.status.code(), Some(2));
    assert!(text(&usage.stderr).contains("--args is not JSON"));

    let timeout = mcpow(
        &[
            "call",
            "hang",
            "--timeout",
            "1",
            "--",
            "python3",
            &script,
            "hang",
        ],
        &[],
    );
    assert_eq!(timeout.status.code(), Some(3));
    assert!(text(&timeout.stderr).contains("no answer within 1 s"));

    let no_server = mcpow(&["tools"], &[]);
    assert_eq!(no_server.status.code(), Some(2));
}

#[test]
fn a_tool_error_exits_with_1() {
    let Some(bin) = common::client_toolchain("servers-python") else {
        return;
    };
    let python = bin.join("python").display().to_string();
    let server = common::root()
        .join("tests/mcp_servers/python_server.py")
        .display()
        .to_string();
    let bad = mcpow(
        &[
            "call",
            "add",
            "--args",
            r#"{"a": "two"}"#,
            "--",
            &python,
            &server,
        ],
        &[],
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad.stderr));
    assert!(text(&bad.stdout).contains("isError"));
    let prompts = mcpow(&["prompts", "--", &python, &server], &[]);
    assert!(
        text(&prompts.stdout).contains("summarize"),
        "{}",
        text(&prompts.stderr)
    );
    let resources = mcpow(&["resources", "--", &python, &server], &[]);
    assert!(
        text(&resources.stdout).contains("note://{name} "),
        "{}",
        text(&resources.stdout)
    );
}

/// A profile from a Claude Desktop configuration: its literal secret is never used as written but moved to
/// an environment reference, which must be set to connect.
#[test]
fn a_profile_from_a_claude_desktop_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("claude_desktop_config.json");
    let script = faulty_script();
    std::fs::write(
        &config,
        serde_json::to_string_pretty(&serde_json::json!({
            "mcpServers": {
                "plain": {
                    "command": "python3",
                    "args": [script, "plain"],
                    "env": {"API_TOKEN": "sk-live-0123456789abcdef0123"}
                }
            }
        }))
        .unwrap(),
    )
    .unwrap();
    let config = config.display().to_string();
    let unset = mcpow(&["tools", "plain", "--from", &config], &[]);
    assert_eq!(unset.status.code(), Some(2));
    let message = text(&unset.stderr);
    assert!(message.contains("API_TOKEN is not set"), "{message}");
    assert!(!message.contains("sk-live"), "{message}");

    let set = mcpow(
        &["tools", "plain", "--from", &config],
        &[("API_TOKEN", "t")],
    );
    assert_eq!(set.status.code(), Some(0), "{}", text(&set.stderr));
    assert!(text(&set.stdout).contains("Answers at once."));

    let unknown = mcpow(&["tools", "github", "--from", &config], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("has no server `github` (it has: plain)"));
}

/// `--env` values may reference the caller's environment, so a token need not be typed on the command line.
#[test]
fn env_values_resolve_references() {
    let Some(bin) = common::client_toolchain("servers-node") else {
        return;
    };
    let everything = bin.join("mcp-server-everything").display().to_string();
    let args = [
        "call",
        "get-env",
        "--env",
        "MCPOW_GREETING=${env:TEST_GREETING}",
        "--",
        everything.as_str(),
    ];
    let called = mcpow(&args, &[("TEST_GREETING", "hello from the caller")]);
    assert_eq!(called.status.code(), Some(0), "{}", text(&called.stderr));
    assert!(
        text(&called.stdout).contains("\"MCPOW_GREETING\": \"hello from the caller\""),
        "{}",
        text(&called.stdout)
    );
    let missing = mcpow(&args, &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("TEST_GREETING is not set"));
}

/// Profiles imported into the store are servers by name; their secrets stay references.
#[test]
fn imported_profiles_are_servers_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let config = dir.path().join("mcp.json");
    std::fs::write(
        &config,
        serde_json::to_string(&serde_json::json!({
            "mcpServers": {
                "plain": {"command": "python3", "args": [faulty_script(), "plain"],
                          "env": {"SERVICE_TOKEN": "tok-0123456789abcdef0123"}}
            }
        }))
        .unwrap(),
    )
    .unwrap();
    let imported = mcpow(
        &[
            "profiles",
            "import",
            config.to_str().unwrap(),
            "--data-dir",
            data,
        ],
        &[],
    );
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        text(&imported.stderr)
    );
    let report = text(&imported.stdout);
    assert!(report.contains("saved 1 profiles: plain"), "{report}");
    assert!(
        report.contains("set SERVICE_TOKEN before connecting to plain"),
        "{report}"
    );
    let listed = mcpow(&["profiles", "list", "--json", "--data-dir", data], &[]);
    let listed = text(&listed.stdout);
    assert!(
        listed.contains("${env:SERVICE_TOKEN}") && !listed.contains("tok-0123"),
        "{listed}"
    );

    let called = mcpow(
        &["call", "plain", "ok", "--data-dir", data],
        &[("SERVICE_TOKEN", "t")],
    );
    assert_eq!(called.status.code(), Some(0), "{}", text(&called.stderr));
    assert_eq!(text(&called.stdout), "ok: fine\n");
    let unknown = mcpow(&["tools", "nope", "--data-dir", data], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("neither a URL nor a saved profile (saved: plain)"));
}
