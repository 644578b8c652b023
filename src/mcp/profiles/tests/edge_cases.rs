//! Imports beyond the three sample files: skipped entries, warnings, errors, shared variables, and the
//! profile format.

use indexmap::IndexMap;
use serde_json::json;

use super::*;
use crate::mcp::profiles::import::upper_snake_case;

#[test]
fn vscode_user_settings_nest_servers_under_mcp() {
    let settings = r#"{
  "editor.fontSize": 14,
  "mcp": {
    "servers": {
      "time": { "command": "uvx", "args": ["mcp-server-time", "--local-timezone=Europe/Paris"] },
    },
  },
}"#;
    let report = import(settings, "settings.json").unwrap();
    assert_eq!(
        report.profiles,
        vec![profile(
            "time",
            stdio(
                "uvx",
                &["mcp-server-time", "--local-timezone=Europe/Paris"],
                None,
                &[]
            )
        )]
    );
}

#[test]
fn a_malformed_file_is_an_error_naming_the_file_line_and_column() {
    let text = "{\n  // servers\n  \"servers\": {\n    /* a\n       comment */\n    \"a\": { \"command\": \"x\" }\n    \"b\": { \"command\": \"y\" }\n  }\n}\n";
    let error = import(text, ".vscode/mcp.json").unwrap_err();
    assert_eq!(
        error.to_string(),
        ".vscode/mcp.json: line 7, column 5: expected `,` or `}`"
    );
    assert!(matches!(error, ProfileError::Parse { line: 7, .. }));
}

#[test]
fn a_file_without_servers_is_an_unknown_format() {
    let error = import(r#"{"editor.fontSize": 14}"#, "settings.json").unwrap_err();
    assert_eq!(
        error.to_string(),
        "settings.json: not an MCP client configuration (expected an \"mcpServers\" or a \"servers\" object)"
    );
    assert_eq!(
        import("[1, 2]", "list.json").unwrap_err(),
        ProfileError::UnknownFormat {
            source_name: "list.json".to_string()
        }
    );
    assert_eq!(
        import(r#"{"mcpServers": []}"#, "claude.json")
            .unwrap_err()
            .to_string(),
        "claude.json: mcpServers: must be an object with one entry per server"
    );
}

#[test]
fn entries_that_cannot_be_imported_are_skipped_with_a_reason() {
    let text = r#"{"mcpServers": {
      "not-an-object": "npx server",
      "websocket": { "type": "ws", "url": "wss://mcp.example/ws" },
      "no-command": { "type": "stdio", "url": "https://mcp.example/mcp" },
      "no-url": { "type": "http", "command": "server" },
      "bad-url": { "url": "not a url" },
      "ftp": { "url": "ftp://mcp.example/sse" },
      "bad-args": { "command": "server", "args": [["nested"]] },
      "bad-env": { "command": "server", "env": { "DEPTH": { "max": 3 } } },
      "": { "command": "server" },
      "ok": { "command": "server", "args": ["--port", 8080, true] }
    }}"#;
    let report = import(text, "mcp.json").unwrap();
    assert_eq!(
        report.skipped,
        skipped(&[
            ("not-an-object", "the entry is not an object"),
            (
                "websocket",
                "unsupported type \"ws\" (expected stdio, http or sse)"
            ),
            ("no-command", "a stdio server needs a command"),
            ("no-url", "an http server needs a url"),
            (
                "bad-url",
                "url is not a valid URL (relative URL without a base)"
            ),
            ("ftp", "url must start with http:// or https://"),
            ("bad-args", "args[0] must be a string"),
            ("bad-env", "env.DEPTH must be a string"),
            ("", "the name is empty"),
        ])
    );
    assert_eq!(
        report.profiles,
        vec![profile(
            "ok",
            stdio("server", &["--port", "8080", "true"], None, &[])
        )]
    );
}

#[test]
fn warnings_point_out_what_may_not_work_without_quoting_values() {
    let text = r#"{"mcpServers": {
      "db": {
        "command": "npx",
        "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://app:hunter2@db.internal/app", "--api-key", "plainkey123"],
        "url": "https://ignored.example/mcp",
        "envFile": "${workspaceFolder}/.env",
        "env": { "HOME_DIR": "${env:HOME}", "UNSET": null }
      },
      "remote": {
        "type": "http",
        "url": "https://mcp.example/mcp?api_key=querysecret42",
        "command": "ignored"
      },
      "cursor-input": { "command": "server", "env": { "MODE": "${input:mode}" } }
    }}"#;
    let report = import(text, "mcp.json").unwrap();
    assert_eq!(
        report.warnings,
        strings(&[
            "db: args[2] looks like a secret: args are stored as written, pass it through env instead",
            "db: args[4] looks like a secret: args are stored as written, pass it through env instead",
            "db: env.UNSET is null and was left out",
            "db: url is ignored: the server runs a command",
            "db: envFile is not imported: set its variables in the environment",
            "remote: url looks like it holds a secret: urls are stored as written, pass it in a header instead",
            "remote: command is ignored: the server is reached by url",
            "cursor-input: env.MODE: ${input:mode} is kept literally: mcpow does not expand editor variables",
        ])
    );
    let warnings = report.warnings.join("\n");
    assert!(!warnings.contains("hunter2") && !warnings.contains("plainkey123"));
    assert!(!warnings.contains("querysecret42"));
    assert_eq!(
        report.profiles[0].transport,
        stdio(
            "npx",
            &[
                "-y",
                "@modelcontextprotocol/server-postgres",
                "postgresql://app:hunter2@db.internal/app",
                "--api-key",
                "plainkey123",
            ],
            None,
            &[("HOME_DIR", "${env:HOME}")],
        )
    );
}

#[test]
fn env_references_outside_env_and_headers_are_pointed_out() {
    let text = r#"{"servers": {
      "local": { "command": "${env:HOME}/bin/server", "args": ["--token", "${input:token}"] }
    }}"#;
    let report = import(text, "mcp.json").unwrap();
    assert_eq!(
        report.profiles[0].transport,
        stdio(
            "${env:HOME}/bin/server",
            &["--token", "${env:TOKEN}"],
            None,
            &[]
        )
    );
    assert_eq!(
        report.warnings,
        strings(&[
            "local: command: ${env:HOME} is stored as written: only env and headers values are resolved at connect time",
            "local: ${input:token} now reads the environment variable TOKEN",
            "local: args[1]: ${env:TOKEN} is stored as written: only env and headers values are resolved at connect time",
        ])
    );
}

#[test]
fn different_secrets_never_share_a_variable() {
    let text = r#"{"mcpServers": {
      "first": { "command": "a", "env": { "API_KEY": "first-secret-value" } },
      "second": { "command": "b", "env": { "API_KEY": "second-secret-value" } },
      "third": { "command": "c", "env": { "API_KEY": "first-secret-value" } },
      "token-scheme": { "url": "https://api.example/mcp", "headers": { "Authorization": "token ghp_example1111111111111111111111111111" } }
    }}"#;
    let report = import(text, "mcp.json").unwrap();
    assert_eq!(
        report.secrets_moved,
        vec![
            moved("first", "env.API_KEY", "API_KEY"),
            moved("second", "env.API_KEY", "MCPOW_SECOND_API_KEY"),
            moved("third", "env.API_KEY", "API_KEY"),
            moved(
                "token-scheme",
                "headers.Authorization",
                "MCPOW_TOKEN_SCHEME_AUTHORIZATION"
            ),
        ]
    );
    assert_eq!(
        report.profiles[3].transport,
        Transport::StreamableHttp {
            url: "https://api.example/mcp".to_string(),
            headers: values(&[(
                "Authorization",
                "token ${env:MCPOW_TOKEN_SCHEME_AUTHORIZATION}"
            )]),
        }
    );
    assert_no_leak(
        &report,
        &[
            "first-secret-value",
            "second-secret-value",
            "ghp_example1111",
        ],
    );
}

#[test]
fn profiles_serialize_with_a_type_tag_and_round_trip() {
    let profiles = vec![
        Profile {
            name: "github".to_string(),
            description: Some("GitHub, read-only token".to_string()),
            transport: stdio(
                "npx",
                &["-y", "@modelcontextprotocol/server-github"],
                Some("/tmp"),
                &[("GITHUB_TOKEN", "${env:GITHUB_TOKEN}")],
            ),
        },
        profile(
            "remote",
            Transport::StreamableHttp {
                url: "https://mcp.example/mcp".to_string(),
                headers: IndexMap::new(),
            },
        ),
    ];
    let serialized = serde_json::to_value(&profiles).unwrap();
    assert_eq!(
        serialized,
        json!([
            {
                "name": "github",
                "description": "GitHub, read-only token",
                "transport": {
                    "type": "stdio",
                    "command": "npx",
                    "args": ["-y", "@modelcontextprotocol/server-github"],
                    "cwd": "/tmp",
                    "env": {"GITHUB_TOKEN": "${env:GITHUB_TOKEN}"}
                }
            },
            {"name": "remote", "transport": {"type": "streamable_http", "url": "https://mcp.example/mcp"}}
        ])
    );
    let parsed: Vec<Profile> = serde_json::from_value(serialized).unwrap();
    assert_eq!(parsed, profiles);
    let sse: Profile = serde_json::from_str(
        r#"{"name": "old", "transport": {"type": "sse", "url": "http://localhost:3001/sse"}}"#,
    )
    .unwrap();
    assert_eq!(
        sse.transport,
        Transport::Sse {
            url: "http://localhost:3001/sse".to_string(),
            headers: IndexMap::new()
        }
    );
}

#[test]
fn names_become_upper_snake_case() {
    assert_eq!(upper_snake_case("github-token"), "GITHUB_TOKEN");
    assert_eq!(upper_snake_case("apiKey"), "API_KEY");
    assert_eq!(upper_snake_case("X-Api-Key"), "X_API_KEY");
    assert_eq!(upper_snake_case("my server.v2"), "MY_SERVER_V2");
    assert_eq!(upper_snake_case("--weird__name--"), "WEIRD_NAME");
}
