//! Import of MCP client configurations into profiles: Claude Desktop and Cursor (`mcpServers`) and VS Code
//! (`servers` with `inputs`, also nested under `mcp` in settings). Every literal secret in `env` or `headers`
//! is moved into an environment variable reference; the report names the variables, never the values.

use std::collections::HashMap;
use std::path::PathBuf;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use super::entry::{RawServer, read_server};
use super::env_value::{self, EnvValue};
use super::{Profile, ProfileError, Transport, jsonc};

/// What an import produced. Holds no secret value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The servers imported, in the file's order.
    pub profiles: Vec<Profile>,
    /// The entries not imported, as (name, reason).
    pub skipped: Vec<(String, String)>,
    /// The literal secrets replaced by references: set these variables before connecting.
    pub secrets_moved: Vec<MovedSecret>,
    /// What was kept but may not work as it did in the editor.
    pub warnings: Vec<String>,
}

/// A literal secret replaced by `${env:variable}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedSecret {
    pub profile: String,
    /// Where it was: `env.NAME` or `headers.Name`.
    pub field: String,
    /// The environment variable that must now hold it.
    pub variable: String,
}

/// Reads an MCP client configuration (JSON, comments and trailing commas allowed) into profiles.
/// `source_name` names the file in errors.
pub fn import(text: &str, source_name: &str) -> Result<ImportReport, ProfileError> {
    let document = jsonc::parse(text, source_name)?;
    let unknown_format = || ProfileError::UnknownFormat {
        source_name: source_name.to_string(),
    };
    let root = document.as_object().ok_or_else(unknown_format)?;
    let (dialect, container, servers_field) = if root.contains_key("mcpServers") {
        (Dialect::McpServers, root, "mcpServers")
    } else if root.contains_key("servers") {
        (Dialect::VsCode, root, "servers")
    } else if let Some(settings) = root.get("mcp").and_then(Value::as_object)
        && settings.contains_key("servers")
    {
        (Dialect::VsCode, settings, "mcp.servers")
    } else {
        return Err(unknown_format());
    };
    let servers = container
        .get(dialect.servers_key())
        .and_then(Value::as_object)
        .ok_or_else(|| ProfileError::Invalid {
            source_name: source_name.to_string(),
            field: servers_field.to_string(),
            message: "must be an object with one entry per server".to_string(),
        })?;

    let mut importer = Importer {
        dialect,
        input_descriptions: input_descriptions(container),
        report: ImportReport::default(),
        secret_by_variable: HashMap::new(),
    };
    if dialect == Dialect::McpServers && root.contains_key("servers") {
        importer.warn("\"servers\" is ignored: the file also has \"mcpServers\"".to_string());
    }
    for (name, entry) in servers {
        importer.import_entry(name, entry);
    }
    Ok(importer.report)
}

/// Which family of configuration files the text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// Claude Desktop, Cursor and most other clients: `{"mcpServers": {…}}`.
    McpServers,
    /// VS Code: `{"servers": {…}, "inputs": […]}`, where `${input:id}` asks the user for a value.
    VsCode,
}

impl Dialect {
    /// The key of the object holding one entry per server.
    fn servers_key(self) -> &'static str {
        match self {
            Dialect::McpServers => "mcpServers",
            Dialect::VsCode => "servers",
        }
    }
}

/// The two maps whose values are [`EnvValue`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Env,
    Headers,
}

impl Section {
    fn label(self) -> &'static str {
        match self {
            Section::Env => "env",
            Section::Headers => "headers",
        }
    }
}

struct Importer {
    dialect: Dialect,
    /// VS Code input ids and their descriptions.
    input_descriptions: HashMap<String, Option<String>>,
    report: ImportReport,
    /// The secret each variable was given, so two different secrets never share one. Never leaves the import.
    secret_by_variable: HashMap<String, String>,
}

impl Importer {
    fn import_entry(&mut self, name: &str, entry: &Value) {
        let Some(entry) = entry.as_object() else {
            return self.skip(name, "the entry is not an object");
        };
        if name.trim().is_empty() {
            return self.skip(name, "the name is empty");
        }
        if entry.get("disabled").and_then(Value::as_bool) == Some(true) {
            return self.skip(name, "disabled in the configuration");
        }
        match read_server(entry) {
            Ok(raw) => {
                let transport = self.convert(name, entry, raw);
                self.report.profiles.push(Profile {
                    name: name.to_string(),
                    description: None,
                    transport,
                });
            }
            Err(reason) => self.skip(name, &reason),
        }
    }

    fn convert(&mut self, profile: &str, entry: &Map<String, Value>, raw: RawServer) -> Transport {
        match raw {
            RawServer::Stdio {
                command,
                args,
                cwd,
                env,
            } => {
                let command = self.expand(profile, "command", command, false);
                let args: Vec<String> = args
                    .iter()
                    .enumerate()
                    .map(|(index, arg)| self.expand(profile, &format!("args[{index}]"), arg, false))
                    .collect();
                self.warn_about_secret_args(profile, &args);
                let cwd = cwd.map(|cwd| PathBuf::from(self.expand(profile, "cwd", cwd, false)));
                let env = self.env_values(profile, Section::Env, env);
                if entry.contains_key("url") {
                    self.warn(format!(
                        "{profile}: url is ignored: the server runs a command"
                    ));
                }
                if entry.contains_key("envFile") {
                    self.warn(format!(
                        "{profile}: envFile is not imported: set its variables in the environment"
                    ));
                }
                Transport::Stdio {
                    command,
                    args,
                    cwd,
                    env,
                }
            }
            RawServer::Remote { sse, url, headers } => {
                let url = self.expand(profile, "url", url, false);
                self.warn_about_secret_url(profile, &url);
                let headers = self.env_values(profile, Section::Headers, headers);
                if entry.contains_key("command") {
                    self.warn(format!(
                        "{profile}: command is ignored: the server is reached by url"
                    ));
                }
                if sse {
                    Transport::Sse { url, headers }
                } else {
                    Transport::StreamableHttp { url, headers }
                }
            }
        }
    }

    /// Converts an `env` or `headers` map, moving literal secrets into references.
    fn env_values(
        &mut self,
        profile: &str,
        section: Section,
        entries: Vec<(String, Option<String>)>,
    ) -> IndexMap<String, EnvValue> {
        let mut values = IndexMap::new();
        for (key, value) in entries {
            let field = format!("{}.{key}", section.label());
            let Some(value) = value else {
                self.warn(format!("{profile}: {field} is null and was left out"));
                continue;
            };
            let expanded = self.expand(profile, &field, &value, true);
            let stored = self.protect_secret(profile, section, &key, expanded);
            values.insert(key, EnvValue(stored));
        }
        values
    }

    /// Handles the `${…}` variables of an editor's configuration: `${input:id}` (VS Code) becomes
    /// `${env:ID}`, `${env:NAME}` stays, anything else stays literally with a warning. `resolved` says whether
    /// mcpow resolves references in this field at connect time.
    fn expand(&mut self, profile: &str, field: &str, text: &str, resolved: bool) -> String {
        let mut expanded = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find("${") {
            let Some(length) = rest[open..].find('}') else {
                break;
            };
            expanded.push_str(&rest[..open]);
            let token = &rest[open..open + length + 1];
            let body = &token[2..token.len() - 1];
            let replacement = match body.strip_prefix("input:") {
                Some(id) if self.dialect == Dialect::VsCode => {
                    let variable = input_variable(id);
                    let described = match self.input_descriptions.get(id) {
                        Some(Some(description)) => format!(" ({description})"),
                        _ => String::new(),
                    };
                    self.warn(format!(
                        "{profile}: ${{input:{id}}} now reads the environment variable {variable}{described}"
                    ));
                    format!("${{env:{variable}}}")
                }
                _ => token.to_string(),
            };
            if !replacement.starts_with("${env:") {
                self.warn(format!(
                    "{profile}: {field}: {token} is kept literally: mcpow does not expand editor variables"
                ));
            } else if !resolved {
                self.warn(format!(
                    "{profile}: {field}: {replacement} is stored as written: only env and headers values are resolved at connect time"
                ));
            }
            expanded.push_str(&replacement);
            rest = &rest[open + length + 1..];
        }
        expanded.push_str(rest);
        expanded
    }

    /// Replaces a literal secret with a reference (keeping a header's scheme, as in `Bearer ${env:…}`) and
    /// records the move; other values are returned unchanged.
    fn protect_secret(
        &mut self,
        profile: &str,
        section: Section,
        key: &str,
        value: String,
    ) -> String {
        if !EnvValue::is_secret_literal(key, &value) {
            return value;
        }
        let (scheme, secret) = match section {
            Section::Headers => env_value::split_auth_scheme(&value),
            Section::Env => ("", value.as_str()),
        };
        let variable = self.variable_for(profile, section, key, secret);
        self.report.secrets_moved.push(MovedSecret {
            profile: profile.to_string(),
            field: format!("{}.{key}", section.label()),
            variable: variable.clone(),
        });
        format!("{scheme}${{env:{variable}}}")
    }

    /// The variable to hold a secret: an env key that is a portable variable name is reused, anything else
    /// gets `MCPOW_<PROFILE>_<KEY>`. A name already given a different secret in this import is not reused.
    fn variable_for(&mut self, profile: &str, section: Section, key: &str, secret: &str) -> String {
        let generated = ["MCPOW", &upper_snake_case(profile), &upper_snake_case(key)]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        let holds_other_secret = |importer: &Self, variable: &str| {
            importer
                .secret_by_variable
                .get(variable)
                .is_some_and(|known| known != secret)
        };
        let mut variable = if section == Section::Env
            && env_value::is_portable_variable_name(key)
            && !holds_other_secret(self, key)
        {
            key.to_string()
        } else {
            generated.clone()
        };
        let mut suffix = 2;
        while holds_other_secret(self, &variable) {
            variable = format!("{generated}_{suffix}");
            suffix += 1;
        }
        self.secret_by_variable
            .insert(variable.clone(), secret.to_string());
        variable
    }

    /// Args are stored as written, so a secret there can only be pointed out.
    fn warn_about_secret_args(&mut self, profile: &str, args: &[String]) {
        for (index, arg) in args.iter().enumerate() {
            let (flag, value) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with('-') => (flag, value),
                _ => {
                    let previous = index
                        .checked_sub(1)
                        .map_or("", |previous| args[previous].as_str());
                    (
                        if previous.starts_with('-') {
                            previous
                        } else {
                            ""
                        },
                        arg.as_str(),
                    )
                }
            };
            if !value.starts_with('-')
                && EnvValue::is_secret_literal(flag.trim_start_matches('-'), value)
            {
                self.warn(format!(
                    "{profile}: args[{index}] looks like a secret: args are stored as written, pass it through env instead"
                ));
            }
        }
    }

    /// URLs are stored as written, so credentials or a token in the query can only be pointed out.
    fn warn_about_secret_url(&mut self, profile: &str, url: &str) {
        let Ok(parsed) = Url::parse(url) else {
            return;
        };
        let secret_in_query = parsed
            .query_pairs()
            .any(|(key, value)| EnvValue::is_secret_literal(&key, &value));
        if parsed.password().is_some() || secret_in_query {
            self.warn(format!(
                "{profile}: url looks like it holds a secret: urls are stored as written, pass it in a header instead"
            ));
        }
    }

    fn skip(&mut self, name: &str, reason: &str) {
        self.report
            .skipped
            .push((name.to_string(), reason.to_string()));
    }

    fn warn(&mut self, message: String) {
        if !self.report.warnings.contains(&message) {
            self.report.warnings.push(message);
        }
    }
}

/// VS Code's `inputs`: id → description.
fn input_descriptions(container: &Map<String, Value>) -> HashMap<String, Option<String>> {
    let Some(inputs) = container.get("inputs").and_then(Value::as_array) else {
        return HashMap::new();
    };
    inputs
        .iter()
        .filter_map(|input| {
            let id = input.get("id")?.as_str()?;
            let description = input.get("description").and_then(Value::as_str);
            Some((id.to_string(), description.map(str::to_string)))
        })
        .collect()
}

/// The environment variable that replaces `${input:id}`: the id in upper snake case (`api-key` → `API_KEY`).
fn input_variable(id: &str) -> String {
    let name = upper_snake_case(id);
    if env_value::is_portable_variable_name(&name) {
        name
    } else {
        format!("INPUT_{name}")
    }
}

/// `github-token` → `GITHUB_TOKEN`, `apiKey` → `API_KEY`, `X-Api-Key` → `X_API_KEY`.
pub(super) fn upper_snake_case(text: &str) -> String {
    let mut snake = String::with_capacity(text.len() + 4);
    let mut previous: Option<char> = None;
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            let starts_word = character.is_ascii_uppercase()
                && previous.is_some_and(|previous| {
                    previous.is_ascii_lowercase() || previous.is_ascii_digit()
                });
            if starts_word {
                snake.push('_');
            }
            snake.push(character.to_ascii_uppercase());
            previous = Some(character);
        } else {
            if !snake.is_empty() && !snake.ends_with('_') {
                snake.push('_');
            }
            previous = None;
        }
    }
    snake.trim_end_matches('_').to_string()
}
