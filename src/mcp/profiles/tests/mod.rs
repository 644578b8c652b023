//! Import of realistic Claude Desktop, Cursor and VS Code configurations, and the fixture files.

use std::path::PathBuf;

use super::*;
use indexmap::IndexMap;

mod edge_cases;

const CLAUDE_DESKTOP_CONFIG: &str = r#"{
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-filesystem",
        "/Users/alice/Desktop",
        "/Users/alice/Downloads"
      ]
    },
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_example0000000000000000000000000000"
      }
    },
    "weather": {
      "command": "uv",
      "args": ["run", "--with", "mcp[cli]", "python", "-m", "weather_server", "--units", "metric"],
      "cwd": "/Users/alice/projects/weather-mcp",
      "env": {
        "OPENWEATHER_API_KEY": "owm_example_5f3c2a1b0e9d8c7b6a5f4e3d",
        "PYTHONUNBUFFERED": "1"
      }
    }
  }
}
"#;

const CURSOR_CONFIG: &str = r#"{
  "mcpServers": {
    "acme-docs": {
      "url": "https://mcp.acme.example/mcp",
      "headers": {
        "Authorization": "Bearer acme_live_example_4f9a8b7c6d5e4f3a",
        "X-Client-Name": "cursor"
      }
    },
    "linear": {
      "url": "https://mcp.linear.example/sse"
    },
    "postgres": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://localhost:5432/app_dev"],
      "env": {
        "NODE_ENV": "development"
      }
    },
    "puppeteer": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-puppeteer"],
      "disabled": true
    },
    "sentry": {
      "type": "sse",
      "url": "https://mcp.sentry.example/events",
      "headers": {
        "X-Api-Key": "sntry_example_key_0a1b2c3d4e5f"
      }
    },
    "notes": {
      "args": ["--verbose"]
    }
  }
}
"#;

const VSCODE_CONFIG: &str = r#"{
  // Values VS Code asks for once and keeps in its secret storage.
  "inputs": [
    {
      "type": "promptString",
      "id": "github-token",
      "description": "GitHub Personal Access Token",
      "password": true
    },
    {
      "type": "promptString",
      "id": "api-key",
      "description": "Events API key",
      "password": true,
    },
  ],
  "servers": {
    /* Local servers, started by VS Code
       in the workspace folder. */
    "github": {
      "type": "stdio",
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "${input:github-token}", // prompted
        "GITHUB_HOST": "${env:GITHUB_HOST}",
      },
    },
    "workspace-files": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "${workspaceFolder}"],
    },
    // Remote servers: "http" is streamable HTTP, "sse" the legacy transport.
    "context7": {
      "type": "http",
      "url": "https://mcp.context7.example/mcp",
      "headers": {
        "CONTEXT7_API_KEY": "ctx7sk_example_9d8c7b6a5f4e3d2c",
      },
    },
    "events": {
      "type": "sse",
      "url": "http://localhost:3001/sse",
      "headers": {
        "X-Api-Key": "${input:api-key}",
        "Accept-Language": "en",
      },
    },
  },
}
"#;

fn values(pairs: &[(&str, &str)]) -> IndexMap<String, EnvValue> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), EnvValue(value.to_string())))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

fn stdio(command: &str, args: &[&str], cwd: Option<&str>, env: &[(&str, &str)]) -> Transport {
    Transport::Stdio {
        command: command.to_string(),
        args: strings(args),
        cwd: cwd.map(PathBuf::from),
        env: values(env),
    }
}

fn profile(name: &str, transport: Transport) -> Profile {
    Profile {
        name: name.to_string(),
        description: None,
        transport,
    }
}

fn moved(profile: &str, field: &str, variable: &str) -> MovedSecret {
    MovedSecret {
        profile: profile.to_string(),
        field: field.to_string(),
        variable: variable.to_string(),
    }
}

fn skipped(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, reason)| (name.to_string(), reason.to_string()))
        .collect()
}

/// Every variable the report's env and headers values reference, in order.
fn referenced_variables(report: &ImportReport) -> Vec<String> {
    let mut names = Vec::new();
    for profile in &report.profiles {
        let values = match &profile.transport {
            Transport::Stdio { env, .. } => env,
            Transport::StreamableHttp { headers, .. } | Transport::Sse { headers, .. } => headers,
        };
        for value in values.values() {
            names.extend(value.references());
        }
    }
    names
}

fn assert_no_leak(report: &ImportReport, secrets: &[&str]) {
    let serialized = serde_json::to_string(report).unwrap();
    for secret in secrets {
        assert!(
            !serialized.contains(secret),
            "{secret} leaked into {serialized}"
        );
    }
}

#[test]
fn claude_desktop_config_imports_three_stdio_servers_without_their_secrets() {
    let report = import(CLAUDE_DESKTOP_CONFIG, "claude_desktop_config.json").unwrap();
    assert_eq!(report.profiles.len(), 3);
    assert_eq!(
        report.profiles,
        vec![
            profile(
                "filesystem",
                stdio(
                    "npx",
                    &[
                        "-y",
                        "@modelcontextprotocol/server-filesystem",
                        "/Users/alice/Desktop",
                        "/Users/alice/Downloads",
                    ],
                    None,
                    &[],
                ),
            ),
            profile(
                "github",
                stdio(
                    "npx",
                    &["-y", "@modelcontextprotocol/server-github"],
                    None,
                    &[(
                        "GITHUB_PERSONAL_ACCESS_TOKEN",
                        "${env:GITHUB_PERSONAL_ACCESS_TOKEN}",
                    )],
                ),
            ),
            profile(
                "weather",
                stdio(
                    "uv",
                    &[
                        "run",
                        "--with",
                        "mcp[cli]",
                        "python",
                        "-m",
                        "weather_server",
                        "--units",
                        "metric",
                    ],
                    Some("/Users/alice/projects/weather-mcp"),
                    &[
                        ("OPENWEATHER_API_KEY", "${env:OPENWEATHER_API_KEY}"),
                        ("PYTHONUNBUFFERED", "1"),
                    ],
                ),
            ),
        ]
    );
    assert_eq!(
        report.secrets_moved,
        vec![
            moved(
                "github",
                "env.GITHUB_PERSONAL_ACCESS_TOKEN",
                "GITHUB_PERSONAL_ACCESS_TOKEN"
            ),
            moved("weather", "env.OPENWEATHER_API_KEY", "OPENWEATHER_API_KEY"),
        ]
    );
    assert_eq!(report.skipped, skipped(&[]));
    assert_eq!(report.warnings, Vec::<String>::new());
    assert_no_leak(
        &report,
        &[
            "ghp_example0000000000000000000000000000",
            "owm_example_5f3c",
        ],
    );
}

#[test]
fn cursor_config_imports_remote_and_stdio_servers_and_skips_the_rest() {
    let report = import(CURSOR_CONFIG, "cursor-mcp.json").unwrap();
    assert_eq!(report.profiles.len(), 4);
    assert_eq!(
        report.profiles,
        vec![
            profile(
                "acme-docs",
                Transport::StreamableHttp {
                    url: "https://mcp.acme.example/mcp".to_string(),
                    headers: values(&[
                        (
                            "Authorization",
                            "Bearer ${env:MCPOW_ACME_DOCS_AUTHORIZATION}"
                        ),
                        ("X-Client-Name", "cursor"),
                    ]),
                },
            ),
            profile(
                "linear",
                Transport::Sse {
                    url: "https://mcp.linear.example/sse".to_string(),
                    headers: IndexMap::new(),
                },
            ),
            profile(
                "postgres",
                stdio(
                    "npx",
                    &[
                        "-y",
                        "@modelcontextprotocol/server-postgres",
                        "postgresql://localhost:5432/app_dev",
                    ],
                    None,
                    &[("NODE_ENV", "development")],
                ),
            ),
            profile(
                "sentry",
                Transport::Sse {
                    url: "https://mcp.sentry.example/events".to_string(),
                    headers: values(&[("X-Api-Key", "${env:MCPOW_SENTRY_X_API_KEY}")]),
                },
            ),
        ]
    );
    assert_eq!(
        report.skipped,
        skipped(&[
            ("puppeteer", "disabled in the configuration"),
            ("notes", "has neither a command nor a url"),
        ])
    );
    assert_eq!(
        report.secrets_moved,
        vec![
            moved(
                "acme-docs",
                "headers.Authorization",
                "MCPOW_ACME_DOCS_AUTHORIZATION"
            ),
            moved("sentry", "headers.X-Api-Key", "MCPOW_SENTRY_X_API_KEY"),
        ]
    );
    assert_eq!(report.warnings, Vec::<String>::new());
    assert_no_leak(
        &report,
        &["acme_live_example_4f9a8b7c6d5e4f3a", "sntry_example_key"],
    );
}

#[test]
fn vscode_config_with_comments_inputs_and_editor_variables() {
    let report = import(VSCODE_CONFIG, ".vscode/mcp.json").unwrap();
    assert_eq!(report.profiles.len(), 4);
    assert_eq!(
        report.profiles,
        vec![
            profile(
                "github",
                stdio(
                    "docker",
                    &[
                        "run",
                        "-i",
                        "--rm",
                        "-e",
                        "GITHUB_PERSONAL_ACCESS_TOKEN",
                        "ghcr.io/github/github-mcp-server",
                    ],
                    None,
                    &[
                        ("GITHUB_PERSONAL_ACCESS_TOKEN", "${env:GITHUB_TOKEN}"),
                        ("GITHUB_HOST", "${env:GITHUB_HOST}"),
                    ],
                ),
            ),
            profile(
                "workspace-files",
                stdio(
                    "npx",
                    &[
                        "-y",
                        "@modelcontextprotocol/server-filesystem",
                        "${workspaceFolder}",
                    ],
                    None,
                    &[],
                ),
            ),
            profile(
                "context7",
                Transport::StreamableHttp {
                    url: "https://mcp.context7.example/mcp".to_string(),
                    headers: values(&[(
                        "CONTEXT7_API_KEY",
                        "${env:MCPOW_CONTEXT7_CONTEXT7_API_KEY}"
                    )]),
                },
            ),
            profile(
                "events",
                Transport::Sse {
                    url: "http://localhost:3001/sse".to_string(),
                    headers: values(&[("X-Api-Key", "${env:API_KEY}"), ("Accept-Language", "en"),]),
                },
            ),
        ]
    );
    assert_eq!(
        referenced_variables(&report),
        strings(&[
            "GITHUB_TOKEN",
            "GITHUB_HOST",
            "MCPOW_CONTEXT7_CONTEXT7_API_KEY",
            "API_KEY"
        ])
    );
    assert_eq!(
        report.secrets_moved,
        vec![moved(
            "context7",
            "headers.CONTEXT7_API_KEY",
            "MCPOW_CONTEXT7_CONTEXT7_API_KEY"
        )]
    );
    assert_eq!(
        report.warnings,
        strings(&[
            "github: ${input:github-token} now reads the environment variable GITHUB_TOKEN (GitHub Personal Access Token)",
            "workspace-files: args[2]: ${workspaceFolder} is kept literally: mcpow does not expand editor variables",
            "events: ${input:api-key} now reads the environment variable API_KEY (Events API key)",
        ])
    );
    assert_eq!(report.skipped, skipped(&[]));
    assert_no_leak(&report, &["ctx7sk_example_9d8c7b6a5f4e3d2c"]);
}

#[test]
fn imported_headers_resolve_at_connect_time() {
    let report = import(CURSOR_CONFIG, "cursor-mcp.json").unwrap();
    let Transport::StreamableHttp { headers, .. } = &report.profiles[0].transport else {
        panic!("acme-docs is not streamable HTTP: {:?}", report.profiles[0]);
    };
    let authorization = &headers["Authorization"];
    let lookup =
        |name: &str| (name == "MCPOW_ACME_DOCS_AUTHORIZATION").then(|| "s3cr3t".to_string());
    assert_eq!(authorization.resolve(&lookup).unwrap(), "Bearer s3cr3t");
    assert_eq!(
        authorization
            .resolve(&|_: &str| None)
            .unwrap_err()
            .to_string(),
        "environment variable MCPOW_ACME_DOCS_AUTHORIZATION is not set"
    );
}

#[test]
fn fixture_files_import() {
    let fixtures = [
        (
            include_str!("../../../../tests/fixtures/mcp-configs/claude_desktop_config.json"),
            vec!["filesystem", "github", "weather"],
        ),
        (
            include_str!("../../../../tests/fixtures/mcp-configs/cursor-mcp.json"),
            vec!["acme-docs", "linear", "postgres", "sentry"],
        ),
        (
            include_str!("../../../../tests/fixtures/mcp-configs/vscode-mcp.json"),
            vec!["github", "workspace-files", "context7", "events"],
        ),
    ];
    for (text, names) in fixtures {
        let report = import(text, "fixture").unwrap();
        let imported: Vec<&str> = report
            .profiles
            .iter()
            .map(|profile| profile.name.as_str())
            .collect();
        assert_eq!(imported, names);
        assert_no_leak(&report, &["_example"]);
    }
}
