//! Postman collections v2.0 and v2.1 into the model.
//!
//! Every request becomes one operation; every folder becomes a tag named by its path (`Users / Admin`).
//! - Collection variables: disabled ones are skipped and, as in Postman, a later duplicate wins. A variable with
//!   an empty value counts as unresolved.
//! - An unresolved `{{name}}` in the scheme, host or port becomes a server variable (`{name}`, default ""); one in
//!   the path becomes a path parameter, as does a `:name` segment.
//! - Auth is inherited (request over folder over collection); only its shape is kept, never a secret value.
//! - Requests whose base URL is not the first server's carry their own `servers`.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

use super::error::SpecError;
use super::infer::{media_from_body, parse_example_json, schema_from_example};
use super::model::{
    ApiModel, HttpMethod, MediaType, OAuthFlow, OAuthFlowKind, Operation, ParamLocation, Parameter,
    RequestBody, Response, SecurityRequirement, SecurityScheme, Server, ServerVariable, SpecFormat,
    Tag, Warning,
};

/// Folders nested deeper than this are skipped with a warning.
const MAX_FOLDER_DEPTH: usize = 64;
/// Headers the HTTP client sets itself (Content-Type comes from the body's media type): not parameters.
const MANAGED_HEADERS: [&str; 5] = [
    "content-type",
    "content-length",
    "host",
    "connection",
    "transfer-encoding",
];
/// Marks an unresolved variable in a URL while the URL is split into base, path and query.
const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

/// Reads a document already identified as a Postman v2.x collection (it has `info` and `item`).
pub(crate) fn read(doc: &Value, source_name: &str) -> Result<ApiModel, SpecError> {
    let Some(items) = doc.get("item").and_then(Value::as_array) else {
        return Err(SpecError::invalid(
            source_name,
            "/item",
            "a Postman collection needs an `item` array",
        ));
    };
    let info = doc.get("info");
    let title = info
        .and_then(|i| i.get("name"))
        .or_else(|| doc.get("name"))
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(source_name);
    let mut reader = Reader {
        model: ApiModel::new(SpecFormat::Postman, schema_version(info), title),
        vars: collection_variables(doc.get("variable")),
        op_ids: HashSet::new(),
        auth_cache: HashMap::new(),
        op_servers: Vec::new(),
    };
    reader.model.description = description_of(info.and_then(|i| i.get("description")));
    reader.model.api_version = info.and_then(|i| i.get("version")).and_then(api_version);
    let auth = reader.auth_at(doc.get("auth"), "/auth");
    if let Some((value, pointer)) = &auth {
        reader.model.security = reader.security_of(value, pointer);
    }
    let scope = Scope {
        folders: Vec::new(),
        auth,
        depth: 0,
    };
    reader.walk(items, "", &scope);
    reader.finish();
    Ok(reader.model)
}

/// An auth object in effect, with its pointer.
type Auth<'a> = (&'a Value, String);

#[derive(Clone)]
struct Scope<'a> {
    folders: Vec<String>,
    auth: Option<Auth<'a>>,
    depth: usize,
}

struct Reader {
    model: ApiModel,
    vars: HashMap<String, String>,
    op_ids: HashSet<String>,
    /// Security requirements by the pointer of the auth object they come from.
    auth_cache: HashMap<String, Vec<SecurityRequirement>>,
    /// For each operation, the index of its server in `model.servers`.
    op_servers: Vec<Option<usize>>,
}

/// A URL split into its parts, with unresolved variables as markers (see [`Reader::mark`]).
struct UrlParts {
    base: String,
    path: String,
    query: Vec<Entry>,
    names: Vec<String>,
}

/// A key/value row: a query parameter, header, form field or URL variable.
struct Entry {
    key: String,
    value: String,
    description: Option<String>,
    disabled: bool,
    kind: Option<String>,
}

impl Reader {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.model.warnings.push(Warning::new(pointer, message));
    }

    fn walk<'a>(&mut self, items: &'a [Value], base: &str, scope: &Scope<'a>) {
        for (index, item) in items.iter().enumerate() {
            let pointer = format!("{base}/item/{index}");
            match item {
                Value::Object(obj) if obj.get("item").is_some_and(Value::is_array) => {
                    self.folder(obj, &pointer, scope)
                }
                Value::Object(obj) if obj.contains_key("request") => {
                    self.request(obj, &pointer, scope)
                }
                _ => self.warn(
                    &pointer,
                    "skipped: an item needs a `request` or an `item` array",
                ),
            }
        }
    }

    fn folder<'a>(&mut self, folder: &'a Map<String, Value>, pointer: &str, scope: &Scope<'a>) {
        if scope.depth >= MAX_FOLDER_DEPTH {
            let message = format!("skipped: folders nested deeper than {MAX_FOLDER_DEPTH} levels");
            return self.warn(pointer, message);
        }
        let name = non_empty(folder.get("name")).unwrap_or_else(|| "(unnamed folder)".to_string());
        let mut inner = scope.clone();
        inner.folders.push(name);
        inner.depth += 1;
        let tag = inner.folders.join(" / ");
        if !self.model.tags.iter().any(|t| t.name == tag) {
            let description = description_of(folder.get("description"));
            self.model.tags.push(Tag {
                name: tag,
                description,
            });
        }
        if let Some(auth) = self.auth_at(folder.get("auth"), &format!("{pointer}/auth")) {
            inner.auth = Some(auth);
        }
        let items = folder
            .get("item")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        self.walk(items, pointer, &inner);
    }

    fn request<'a>(&mut self, item: &'a Map<String, Value>, pointer: &str, scope: &Scope<'a>) {
        let (request, url) = match &item["request"] {
            url @ Value::String(_) => (None, Some(url)),
            Value::Object(obj) => (Some(obj), obj.get("url")),
            _ => {
                return self.warn(
                    &format!("{pointer}/request"),
                    "skipped: `request` must be an object or a URL",
                );
            }
        };
        let get = |key: &str| request.and_then(|r| r.get(key));
        let (method, custom) = self.method(get("method"), pointer);
        let url = self.split_url(url, pointer);
        let server = self.server(&url);
        let (path, path_names) = path_template(&url.path, &url.names);
        let mut op = Operation::new(method, path, pointer);
        self.describe(&mut op, item, request, scope);
        let auth = self.auth_at(get("auth"), &format!("{pointer}/request/auth"));
        let requirements = match auth.as_ref().or(scope.auth.as_ref()) {
            Some((value, auth_pointer)) => self.security_of(value, auth_pointer),
            None => Vec::new(),
        };
        let auth_names = self.auth_param_names(&requirements);
        op.security = (requirements != self.model.security).then_some(requirements);
        let url_vars = entries(get("url").and_then(|u| u.get("variable")));
        let headers = entries(get("header"));
        op.parameters = path_parameters(&path_names, &url_vars);
        op.parameters
            .extend(self.query_parameters(&url, &auth_names));
        op.parameters
            .extend(header_parameters(&headers, &auth_names));
        let content_type = self.content_type(&headers);
        op.request_body = self.request_body(get("body"), content_type.as_deref(), pointer);
        op.responses = self.responses(item.get("response"), pointer);
        if let Some(name) = custom {
            let message = format!("custom HTTP method `{name}` cannot be called");
            self.warn(pointer, message.clone());
            op.unsupported = Some(message);
        }
        self.model.operations.push(op);
        self.op_servers.push(server);
    }

    /// Summary, description, operation id and tag.
    fn describe(
        &mut self,
        op: &mut Operation,
        item: &Map<String, Value>,
        request: Option<&Map<String, Value>>,
        scope: &Scope,
    ) {
        let request_description = request.and_then(|r| description_of(r.get("description")));
        op.summary = non_empty(item.get("name"));
        op.description = request_description.or_else(|| description_of(item.get("description")));
        op.operation_id = Some(self.unique_id(op.summary.as_deref(), &op.label()));
        if !scope.folders.is_empty() {
            op.tags = vec![scope.folders.join(" / ")];
        }
    }

    /// The request's Content-Type, when it is set and its variables resolve.
    fn content_type(&self, headers: &[Entry]) -> Option<String> {
        let header = headers
            .iter()
            .find(|h| !h.disabled && h.key.eq_ignore_ascii_case("content-type"))?;
        Some(self.resolve(&header.value)).filter(|v| !v.trim().is_empty() && !v.contains("{{"))
    }

    /// The method, and the custom method's name when it is not a standard one (read as POST).
    fn method(&mut self, method: Option<&Value>, pointer: &str) -> (HttpMethod, Option<String>) {
        match method {
            None | Some(Value::Null) => (HttpMethod::Get, None),
            Some(Value::String(name)) if name.trim().is_empty() => (HttpMethod::Get, None),
            Some(Value::String(name)) => match HttpMethod::parse(name.trim()) {
                Some(method) => (method, None),
                None => (HttpMethod::Post, Some(name.trim().to_string())),
            },
            Some(_) => {
                self.warn(
                    &format!("{pointer}/request/method"),
                    "the method is not a string; read as GET",
                );
                (HttpMethod::Get, None)
            }
        }
    }

    fn unique_id(&mut self, name: Option<&str>, label: &str) -> String {
        let mut base = name.map(snake_case).unwrap_or_default();
        if base.is_empty() {
            base = snake_case(label);
        }
        if base.is_empty() {
            base = "operation".to_string();
        }
        if base.starts_with(|c: char| c.is_ascii_digit()) {
            base = format!("op_{base}");
        }
        let mut id = base.clone();
        let mut n = 2;
        while !self.op_ids.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }

    /// Text with every known variable replaced by its value (variables in values resolve a few levels deep).
    fn resolve(&self, text: &str) -> String {
        self.resolve_depth(text, 0)
    }

    fn resolve_depth(&self, text: &str, depth: usize) -> String {
        if !text.contains("{{") {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        for piece in pieces(text) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(name) => match self.vars.get(name) {
                    Some(value) if depth < 4 => out.push_str(&self.resolve_depth(value, depth + 1)),
                    Some(value) => out.push_str(value),
                    None => out.push_str(&format!("{{{{{name}}}}}")),
                },
            }
        }
        out
    }

    /// [`Reader::resolve`], with each unresolved variable replaced by a marker that indexes `names`.
    fn mark(&self, text: &str, names: &mut Vec<String>) -> String {
        let mut out = String::new();
        for piece in pieces(&self.resolve(text)) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(name) => {
                    out.push(MARK_OPEN);
                    out.push_str(&names.len().to_string());
                    out.push(MARK_CLOSE);
                    names.push(name.to_string());
                }
            }
        }
        out
    }

    fn split_url(&mut self, url: Option<&Value>, pointer: &str) -> UrlParts {
        let mut names = Vec::new();
        let (base, path, query) = match url {
            Some(Value::String(raw)) => split_raw(&self.mark(raw, &mut names)),
            Some(Value::Object(obj)) if obj.get("host").is_some_and(|h| !h.is_null()) => {
                let (base, extra) = split_base(&self.mark(&url_base(obj), &mut names));
                let path = self.mark(&url_path(obj.get("path")), &mut names);
                let path = if path.is_empty() {
                    extra
                } else {
                    format!("{extra}/{path}")
                };
                (base, path, entries(obj.get("query")))
            }
            Some(Value::Object(obj)) if obj.get("raw").is_some_and(Value::is_string) => {
                split_raw(&self.mark(obj["raw"].as_str().unwrap_or(""), &mut names))
            }
            _ => {
                self.warn(&format!("{pointer}/request"), "the request has no URL");
                (String::new(), String::new(), Vec::new())
            }
        };
        UrlParts {
            base,
            path,
            query,
            names,
        }
    }

    /// Registers the URL's base as a server (once per distinct base) and returns its index.
    fn server(&mut self, url: &UrlParts) -> Option<usize> {
        let mut base = url.base.trim().to_string();
        if base.is_empty() {
            return None;
        }
        if !base.contains("://") && !base.starts_with(MARK_OPEN) {
            base = format!("http://{base}");
        }
        let host_start = base.find("://").map_or(0, |i| i + 3);
        if let Some(at) = base[host_start..].rfind('@') {
            base.replace_range(host_start..host_start + at + 1, ""); // user:password@
        }
        let mut variables = IndexMap::new();
        let template = unmark(&base, &url.names, |name| {
            let clean = param_name(name);
            let description = Some(format!("Postman variable `{{{{{name}}}}}`"));
            let var = ServerVariable {
                default: String::new(),
                enum_values: Vec::new(),
                description,
            };
            variables.insert(clean.clone(), var);
            format!("{{{clean}}}")
        });
        let template = template.trim_end_matches('/').to_string();
        if let Some(index) = self.model.servers.iter().position(|s| s.url == template) {
            return Some(index);
        }
        self.model.servers.push(Server {
            url: template,
            description: None,
            variables,
        });
        Some(self.model.servers.len() - 1)
    }

    fn query_parameters(
        &self,
        url: &UrlParts,
        auth_names: &HashSet<(ParamLocation, String)>,
    ) -> Vec<Parameter> {
        let mut params: Vec<Parameter> = Vec::new();
        for entry in &url.query {
            let key = unmark(&self.resolve(&entry.key), &url.names, |n| {
                format!("{{{{{n}}}}}")
            });
            let lower = key.to_ascii_lowercase();
            if key.is_empty() || params.iter().any(|p| p.name == key) {
                continue;
            }
            if auth_names.contains(&(ParamLocation::Query, lower)) {
                continue;
            }
            let value = unmark(&self.resolve(&entry.value), &url.names, |n| {
                format!("{{{{{n}}}}}")
            });
            let mut param = Parameter::new(key, ParamLocation::Query, json!({"type": "string"}));
            param.description = entry.description.clone();
            param.example = example_value(&param.name, &value);
            params.push(param);
        }
        params
    }

    fn request_body(
        &mut self,
        body: Option<&Value>,
        content_type: Option<&str>,
        pointer: &str,
    ) -> Option<RequestBody> {
        let body = body?.as_object()?;
        if body.get("disabled").and_then(Value::as_bool) == Some(true) {
            return None;
        }
        let pointer = format!("{pointer}/request/body");
        let mode = body.get("mode").and_then(Value::as_str).unwrap_or("");
        let (media_type, media) = match mode {
            "raw" => self.raw_body(body, content_type, &pointer)?,
            "urlencoded" => (
                "application/x-www-form-urlencoded".into(),
                form_body(body.get(mode), false)?,
            ),
            "formdata" => (
                "multipart/form-data".into(),
                form_body(body.get(mode), true)?,
            ),
            "file" => (
                "application/octet-stream".into(),
                schema_media(json!({"type": "string", "format": "binary"})),
            ),
            "graphql" => ("application/json".into(), graphql_body(body.get("graphql"))),
            "" | "none" => return None,
            other => {
                self.warn(
                    &pointer,
                    format!("body mode `{other}` is not supported; the body is left out"),
                );
                return None;
            }
        };
        let content = IndexMap::from([(media_type, media)]);
        Some(RequestBody {
            description: None,
            required: true,
            content,
        })
    }

    fn raw_body(
        &mut self,
        body: &Map<String, Value>,
        content_type: Option<&str>,
        pointer: &str,
    ) -> Option<(String, MediaType)> {
        let raw = body
            .get("raw")
            .and_then(Value::as_str)
            .filter(|r| !r.trim().is_empty())?;
        let language = body.get("options").and_then(|o| o.pointer("/raw/language"));
        let inferred = media_from_body(raw, content_type, language.and_then(Value::as_str));
        if inferred.invalid_json {
            let message =
                "the raw body is declared as JSON but does not parse; its schema is left open";
            self.warn(pointer, message);
        }
        Some((inferred.media_type, inferred.media))
    }

    fn responses(&mut self, list: Option<&Value>, pointer: &str) -> Vec<Response> {
        let mut responses: Vec<Response> = Vec::new();
        let Some(list) = list.and_then(Value::as_array) else {
            return responses;
        };
        for (index, saved) in list.iter().enumerate() {
            let Some(saved) = saved.as_object() else {
                self.warn(
                    &format!("{pointer}/response/{index}"),
                    "skipped: a saved response must be an object",
                );
                continue;
            };
            let status = match saved.get("code") {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                _ => "default".to_string(),
            };
            let name =
                non_empty(saved.get("name")).unwrap_or_else(|| format!("example {}", index + 1));
            let media = response_media(saved);
            match responses.iter_mut().find(|r| r.status == status) {
                Some(existing) => add_example(existing, name, media),
                None => {
                    let description = non_empty(saved.get("status")).or(Some(name));
                    let content = media.into_iter().collect();
                    responses.push(Response {
                        status,
                        description,
                        content,
                        headers: IndexMap::new(),
                    });
                }
            }
        }
        responses
    }

    /// The auth object at `value` when it overrides what is inherited (`inherit` and absent do not).
    fn auth_at<'a>(&mut self, value: Option<&'a Value>, pointer: &str) -> Option<Auth<'a>> {
        match value? {
            Value::Null => None,
            auth @ Value::Object(obj) => match obj.get("type").and_then(Value::as_str) {
                Some("inherit") => None,
                Some(_) => Some((auth, pointer.to_string())),
                None => {
                    self.warn(pointer, "the auth has no `type`; it is ignored");
                    None
                }
            },
            _ => {
                self.warn(pointer, "the auth must be an object; it is ignored");
                None
            }
        }
    }

    /// The security requirements an auth object means (none for `noauth` and unsupported types).
    fn security_of(&mut self, auth: &Value, pointer: &str) -> Vec<SecurityRequirement> {
        if let Some(cached) = self.auth_cache.get(pointer) {
            return cached.clone();
        }
        let kind = auth
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let requirements = match self.scheme_of(auth, &kind) {
            Some((base, scheme, scopes)) => {
                let name = self.register_scheme(base, scheme);
                vec![IndexMap::from([(name, scopes)])]
            }
            None if kind == "noauth" => Vec::new(),
            None => {
                self.warn(pointer, format!("auth type {kind} is not supported"));
                Vec::new()
            }
        };
        self.auth_cache
            .insert(pointer.to_string(), requirements.clone());
        requirements
    }

    /// The scheme's base name, the scheme and the scopes it needs.
    fn scheme_of(
        &self,
        auth: &Value,
        kind: &str,
    ) -> Option<(&'static str, SecurityScheme, Vec<String>)> {
        let param = |key: &str| {
            auth_param(auth, kind, key)
                .map(|v| self.resolve(&v))
                .filter(|v| !v.is_empty())
        };
        let http = |scheme: &str| SecurityScheme::Http {
            scheme: scheme.into(),
            bearer_format: None,
            description: None,
        };
        Some(match kind {
            "apikey" => {
                let location = match param("in").as_deref() {
                    Some("query") => ParamLocation::Query,
                    _ => ParamLocation::Header,
                };
                let name = param("key").unwrap_or_else(|| "X-API-Key".to_string());
                (
                    "apiKey",
                    SecurityScheme::ApiKey {
                        name,
                        location,
                        description: None,
                    },
                    Vec::new(),
                )
            }
            "bearer" => ("bearerAuth", http("bearer"), Vec::new()),
            "basic" => ("basicAuth", http("basic"), Vec::new()),
            "digest" => ("digestAuth", http("digest"), Vec::new()),
            "oauth2" => {
                let scopes: Vec<String> = param("scope")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(String::from)
                    .collect();
                let flow = OAuthFlow {
                    kind: oauth_flow_kind(param("grant_type").as_deref()),
                    authorization_url: param("authUrl"),
                    token_url: param("accessTokenUrl"),
                    refresh_url: None,
                    scopes: scopes.iter().map(|s| (s.clone(), String::new())).collect(),
                };
                (
                    "oauth2",
                    SecurityScheme::OAuth2 {
                        flows: vec![flow],
                        description: None,
                    },
                    scopes,
                )
            }
            _ => return None,
        })
    }

    /// Adds a scheme under `base` (or `base_2`, ...) unless an equal one is already there; returns its name.
    fn register_scheme(&mut self, base: &str, scheme: SecurityScheme) -> String {
        let schemes = &mut self.model.security_schemes;
        if let Some((name, _)) = schemes.iter().find(|(_, s)| **s == scheme) {
            return name.clone();
        }
        let mut name = base.to_string();
        let mut n = 2;
        while schemes.contains_key(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        schemes.insert(name.clone(), scheme);
        name
    }

    /// Where API keys go for these requirements, so those headers and query entries are not parameters.
    fn auth_param_names(
        &self,
        requirements: &[SecurityRequirement],
    ) -> HashSet<(ParamLocation, String)> {
        let mut names = HashSet::from([(ParamLocation::Header, "authorization".to_string())]);
        for name in requirements.iter().flat_map(|r| r.keys()) {
            if let Some(SecurityScheme::ApiKey { name, location, .. }) =
                self.model.security_schemes.get(name)
            {
                names.insert((*location, name.to_ascii_lowercase()));
            }
        }
        names
    }

    /// Operations whose base is not the first server's get their own server.
    fn finish(&mut self) {
        if self.model.servers.len() < 2 {
            return;
        }
        for (op, server) in self.model.operations.iter_mut().zip(&self.op_servers) {
            if let Some(index) = server.filter(|i| *i != 0) {
                op.servers = vec![self.model.servers[index].clone()];
            }
        }
    }
}

fn schema_version(info: Option<&Value>) -> String {
    let schema = info
        .and_then(|i| i.get("schema"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if schema.contains("v2.1") {
        "2.1.0".into()
    } else if schema.contains("v2.0") {
        "2.0.0".into()
    } else {
        "2.x".into()
    }
}

fn api_version(version: &Value) -> Option<String> {
    match version {
        Value::String(s) => Some(s.clone()).filter(|s| !s.trim().is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => {
            let part = |k: &str| o.get(k).and_then(text_of).unwrap_or_else(|| "0".into());
            Some(format!(
                "{}.{}.{}",
                part("major"),
                part("minor"),
                part("patch")
            ))
        }
        _ => None,
    }
}

/// Enabled collection variables with a non-empty value; a later duplicate wins.
fn collection_variables(list: Option<&Value>) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    for entry in list.and_then(Value::as_array).into_iter().flatten() {
        let key = entry
            .get("key")
            .or_else(|| entry.get("id"))
            .and_then(text_of);
        let Some(key) = key.filter(|k| !k.is_empty() && !is_disabled(entry)) else {
            continue;
        };
        match entry
            .get("value")
            .and_then(text_of)
            .filter(|v| !v.is_empty())
        {
            Some(value) => vars.insert(key, value),
            None => vars.remove(&key),
        };
    }
    vars
}

/// The text of a description: a string or `{content, type}`.
fn description_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(obj) => non_empty(obj.get("content")),
        other => non_empty(Some(other)),
    }
}

fn non_empty(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_disabled(entry: &Value) -> bool {
    entry.get("disabled").and_then(Value::as_bool) == Some(true)
        || entry.get("enabled").and_then(Value::as_bool) == Some(false)
}

/// Key/value rows from a list of `{key, value, description, disabled}` or from `Key: Value` lines.
fn entries(value: Option<&Value>) -> Vec<Entry> {
    match value {
        Some(Value::Array(list)) => list
            .iter()
            .filter(|e| e.is_object())
            .map(|e| Entry {
                key: e
                    .get("key")
                    .and_then(text_of)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                value: e.get("value").and_then(text_of).unwrap_or_default(),
                description: description_of(e.get("description")),
                disabled: is_disabled(e),
                kind: e.get("type").and_then(Value::as_str).map(str::to_string),
            })
            .collect(),
        Some(Value::String(lines)) => lines
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(key, value)| Entry {
                disabled: key.trim_start().starts_with("//"),
                key: key.trim().trim_start_matches("//").trim().to_string(),
                value: value.trim().to_string(),
                description: None,
                kind: None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn auth_param(auth: &Value, kind: &str, key: &str) -> Option<String> {
    match auth.get(kind)? {
        Value::Array(list) => list
            .iter()
            .find(|e| e.get("key").and_then(Value::as_str) == Some(key))?
            .get("value"),
        Value::Object(obj) => obj.get(key),
        _ => None,
    }
    .and_then(text_of)
}

fn oauth_flow_kind(grant_type: Option<&str>) -> OAuthFlowKind {
    match grant_type {
        Some("client_credentials") => OAuthFlowKind::ClientCredentials,
        Some("password_credentials" | "password") => OAuthFlowKind::Password,
        Some("implicit") => OAuthFlowKind::Implicit,
        _ => OAuthFlowKind::AuthorizationCode,
    }
}

enum Piece<'t> {
    Text(&'t str),
    Var(&'t str),
}

/// Splits text into literal text and `{{name}}` variables (innermost first when they nest).
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + 2 + len];
        if name.trim().is_empty() || name.contains(['{', '}']) {
            out.push(Piece::Text(&rest[..start + 1]));
            rest = &rest[start + 1..];
            continue;
        }
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        out.push(Piece::Var(name.trim()));
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Replaces each marker made by [`Reader::mark`] with what `replace` gives for its variable's name.
fn unmark(text: &str, names: &[String], mut replace: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(MARK_OPEN) {
        let after = &rest[start + MARK_OPEN.len_utf8()..];
        let Some(len) = after.find(MARK_CLOSE) else {
            break;
        };
        out.push_str(&rest[..start]);
        if let Some(name) = after[..len]
            .parse::<usize>()
            .ok()
            .and_then(|i| names.get(i))
        {
            out.push_str(&replace(name));
        }
        rest = &after[len + MARK_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// `scheme://host:port` of an object URL (before variables are resolved).
fn url_base(url: &Map<String, Value>) -> String {
    let mut base = String::new();
    if let Some(protocol) = url.get("protocol").and_then(text_of) {
        let protocol = protocol.trim_end_matches("://").trim_end_matches(':');
        if !protocol.is_empty() {
            base = format!("{protocol}://");
        }
    }
    match url.get("host") {
        Some(Value::Array(parts)) => base.push_str(
            &parts
                .iter()
                .filter_map(text_of)
                .collect::<Vec<_>>()
                .join("."),
        ),
        Some(host) => base.push_str(&text_of(host).unwrap_or_default()),
        None => {}
    }
    if let Some(port) = url.get("port").and_then(text_of).filter(|p| !p.is_empty()) {
        base = format!("{base}:{port}");
    }
    base
}

/// The path of an object URL without its leading `/`: a string, or segments (strings or `{value}` objects).
fn url_path(path: Option<&Value>) -> String {
    let segment = |s: &Value| text_of(s).or_else(|| s.get("value").and_then(text_of));
    let joined = match path {
        Some(Value::Array(segments)) => segments
            .iter()
            .filter_map(segment)
            .collect::<Vec<_>>()
            .join("/"),
        Some(other) => text_of(other).unwrap_or_default(),
        None => String::new(),
    };
    joined.trim_start_matches('/').to_string()
}

/// Splits a raw URL into base, path and query entries.
fn split_raw(raw: &str) -> (String, String, Vec<Entry>) {
    let raw = raw.trim();
    let without_fragment = raw.split('#').next().unwrap_or("");
    let (before, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let (base, path) = split_base(before);
    (base, path, query_entries(query))
}

/// `https://host:port/rest` into (`https://host:port`, `/rest`).
fn split_base(text: &str) -> (String, String) {
    let start = text.find("://").map_or(0, |i| i + 3);
    match text[start..].find('/') {
        Some(i) => (text[..start + i].to_string(), text[start + i..].to_string()),
        None => (text.to_string(), String::new()),
    }
}

fn query_entries(query: &str) -> Vec<Entry> {
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Entry {
                key: decode(key),
                value: decode(value),
                description: None,
                disabled: false,
                kind: None,
            }
        })
        .collect()
}

/// The path template (`/users/{id}`) and its parameters in order: (name, came from a `:name` segment).
fn path_template(path: &str, names: &[String]) -> (String, Vec<(String, bool)>) {
    let mut params: Vec<(String, bool)> = Vec::new();
    let segments: Vec<String> = path
        .split('/')
        .map(
            |segment| match segment.strip_prefix(':').filter(|s| !s.is_empty()) {
                Some(name) => {
                    let name = param_name(name);
                    params.push((name.clone(), true));
                    format!("{{{name}}}")
                }
                None => unmark(segment, names, |name| {
                    let name = param_name(name);
                    params.push((name.clone(), false));
                    format!("{{{name}}}")
                }),
            },
        )
        .collect();
    let mut template = segments.join("/");
    if !template.starts_with('/') {
        template.insert(0, '/');
    }
    let mut seen = HashSet::new();
    params.retain(|(name, _)| seen.insert(name.clone()));
    (template, params)
}

/// A variable name usable inside `{...}` of a URL template.
fn param_name(name: &str) -> String {
    let clean: String = name
        .trim()
        .trim_start_matches('$')
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "var".to_string()
    } else {
        clean
    }
}

fn path_parameters(names: &[(String, bool)], url_vars: &[Entry]) -> Vec<Parameter> {
    names
        .iter()
        .map(|(name, from_colon)| {
            let mut param =
                Parameter::new(name.clone(), ParamLocation::Path, json!({"type": "string"}));
            let var = url_vars.iter().find(|v| v.key == *name);
            param.description = var.and_then(|v| v.description.clone());
            if param.description.is_none() && !from_colon {
                param.description = Some(format!("Postman variable `{{{{{name}}}}}`"));
            }
            param.example = var.and_then(|v| example_value(name, &v.value));
            param
        })
        .collect()
}

fn header_parameters(
    headers: &[Entry],
    auth_names: &HashSet<(ParamLocation, String)>,
) -> Vec<Parameter> {
    let mut params: Vec<Parameter> = Vec::new();
    for header in headers {
        let lower = header.key.to_ascii_lowercase();
        let skip = lower.is_empty()
            || MANAGED_HEADERS.contains(&lower.as_str())
            || auth_names.contains(&(ParamLocation::Header, lower))
            || params
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&header.key));
        if skip {
            continue;
        }
        let mut param = Parameter::new(
            header.key.clone(),
            ParamLocation::Header,
            json!({"type": "string"}),
        );
        param.description = header.description.clone();
        param.example = example_value(&header.key, &header.value);
        params.push(param);
    }
    params
}

/// An example for a parameter, unless it is empty, a placeholder, or might be a secret.
fn example_value(name: &str, value: &str) -> Option<Value> {
    let usable = !value.trim().is_empty() && !value.contains("{{") && !looks_secret(name);
    usable.then(|| Value::String(value.to_string()))
}

fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words = [
        "token",
        "secret",
        "password",
        "passwd",
        "auth",
        "cookie",
        "session",
        "signature",
        "credential",
    ];
    words.iter().any(|w| lower.contains(w)) || lower.ends_with("key")
}

fn schema_media(schema: Value) -> MediaType {
    MediaType {
        schema: Some(schema),
        ..MediaType::default()
    }
}

/// An object with one property per enabled form field; `file` fields are binary in multipart bodies.
fn form_body(fields: Option<&Value>, multipart: bool) -> Option<MediaType> {
    let mut properties = Map::new();
    let mut example = Map::new();
    for field in entries(fields)
        .into_iter()
        .filter(|f| !f.disabled && !f.key.is_empty())
    {
        if properties.contains_key(&field.key) {
            continue;
        }
        let is_file = multipart && field.kind.as_deref() == Some("file");
        let mut schema = match is_file {
            true => json!({"type": "string", "format": "binary"}),
            false => json!({"type": "string"}),
        };
        if let Some(description) = &field.description {
            schema["description"] = json!(description);
        }
        if let Some(value) = example_value(&field.key, &field.value).filter(|_| !is_file) {
            example.insert(field.key.clone(), value);
        }
        properties.insert(field.key, schema);
    }
    if properties.is_empty() {
        return None;
    }
    let schema = json!({"type": "object", "properties": properties});
    let example = (!example.is_empty()).then_some(Value::Object(example));
    Some(MediaType {
        example,
        ..schema_media(schema)
    })
}

fn graphql_body(graphql: Option<&Value>) -> MediaType {
    let query = graphql
        .and_then(|g| g.get("query"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let variables = match graphql.and_then(|g| g.get("variables")) {
        Some(Value::String(text)) => parse_example_json(text).filter(Value::is_object),
        Some(value @ Value::Object(_)) => Some(value.clone()),
        _ => None,
    };
    let variables_schema = variables
        .as_ref()
        .map_or(json!({"type": "object"}), schema_from_example);
    let schema = json!({
        "type": "object",
        "properties": {"query": {"type": "string"}, "variables": variables_schema},
        "required": ["query"]
    });
    let example = json!({"query": query, "variables": variables.unwrap_or_else(|| json!({}))});
    MediaType {
        example: Some(example),
        ..schema_media(schema)
    }
}

/// The media type and content of a saved response's body, if it has one.
fn response_media(saved: &Map<String, Value>) -> Option<(String, MediaType)> {
    let body = saved
        .get("body")
        .and_then(Value::as_str)
        .filter(|b| !b.trim().is_empty())?;
    let headers = entries(saved.get("header"));
    let declared = headers
        .iter()
        .find(|h| h.key.eq_ignore_ascii_case("content-type"));
    let preview = saved
        .get("_postman_previewlanguage")
        .and_then(Value::as_str);
    let inferred = media_from_body(body, declared.map(|h| h.value.as_str()), preview);
    Some((inferred.media_type, inferred.media))
}

/// A later saved response for a status already seen: its body becomes a named example.
fn add_example(response: &mut Response, name: String, media: Option<(String, MediaType)>) {
    let Some((media_type, media)) = media else {
        return;
    };
    let Some(existing) = response.content.get_mut(&media_type) else {
        response.content.insert(media_type, media);
        return;
    };
    let Some(example) = media.example else {
        return;
    };
    let mut key = name.clone();
    let mut n = 2;
    while existing.examples.contains_key(&key) {
        key = format!("{name} ({n})");
        n += 1;
    }
    existing.examples.insert(key, example);
}

/// `Get User's Profile` -> `get_user_s_profile`; `listAllItems` -> `list_all_items`. At most 64 characters.
fn snake_case(text: &str) -> String {
    let mut out = String::new();
    let mut after_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && after_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            after_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            after_lower = false;
        }
    }
    out.truncate(64);
    out.trim_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(doc: Value) -> ApiModel {
        read(&doc, "test.json").expect("the collection reads")
    }

    fn collection(items: Value) -> Value {
        json!({
            "info": {"name": "Test", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": items
        })
    }

    fn get(url: Value) -> Value {
        json!({"name": "Req", "request": {"method": "GET", "url": url}})
    }

    fn param<'m>(op: &'m Operation, name: &str) -> &'m Parameter {
        op.parameters
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no parameter {name}"))
    }

    fn only_media(op: &Operation) -> (&str, &MediaType) {
        let body = op.request_body.as_ref().expect("a body");
        assert_eq!(body.content.len(), 1);
        let (media_type, media) = body.content.first().unwrap();
        (media_type.as_str(), media)
    }

    #[test]
    fn info_and_nested_folders_become_tags() {
        let model = load(json!({
            "info": {"name": "Shop", "description": {"content": "About", "type": "text/markdown"},
                     "version": "1.2", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
            "item": [
                {"name": "Top", "request": {"method": "GET", "url": "https://api.shop.com/"}},
                {"name": "Users", "description": "User things", "item": [
                    {"name": "List users", "request": {"method": "GET", "url": "https://api.shop.com/users",
                                                       "description": "All of them"}},
                    {"name": "Admin", "item": [
                        {"name": "List users", "request": {"method": "DELETE", "url": "https://api.shop.com/users"}}
                    ]}
                ]}
            ]
        }));
        assert_eq!(
            (model.title.as_str(), model.version.as_str()),
            ("Shop", "2.0.0")
        );
        assert_eq!(model.description.as_deref(), Some("About"));
        assert_eq!(model.api_version.as_deref(), Some("1.2"));
        let tags: Vec<_> = model
            .tags
            .iter()
            .map(|t| (t.name.as_str(), t.description.as_deref()))
            .collect();
        assert_eq!(
            tags,
            [("Users", Some("User things")), ("Users / Admin", None)]
        );
        let ops: Vec<_> = model
            .operations
            .iter()
            .map(|o| {
                (
                    o.pointer.as_str(),
                    o.operation_id.as_deref().unwrap(),
                    o.tags.join(","),
                )
            })
            .collect();
        assert_eq!(
            ops,
            [
                ("/item/0", "top", String::new()),
                ("/item/1/item/0", "list_users", "Users".to_string()),
                (
                    "/item/1/item/1/item/0",
                    "list_users_2",
                    "Users / Admin".to_string()
                ),
            ]
        );
        let op = &model.operations[1];
        assert_eq!(
            (op.summary.as_deref(), op.description.as_deref()),
            (Some("List users"), Some("All of them"))
        );
        assert_eq!(model.servers.len(), 1);
        assert_eq!(model.servers[0].url, "https://api.shop.com");
        assert_eq!(op.path, "/users");
    }

    #[test]
    fn variables_in_host_and_path() {
        let mut doc = collection(json!([
            get(
                json!({"raw": "{{baseUrl}}/users/{{userId}}", "host": ["{{baseUrl}}"], "path": ["users", "{{userId}}"]})
            ),
            get(
                json!({"raw": "{{api}}/v2/{{version}}/x", "host": ["{{api}}"], "path": ["v2", "{{version}}", "x"]})
            ),
            get(json!(
                "https://{{region}}.example.com:{{port}}/items/{{itemId}}?q={{query}}"
            )),
        ]));
        doc["variable"] = json!([
            {"key": "api", "value": "https://api.example.com/base"},
            {"key": "version", "value": "one"},
            {"key": "version", "value": "two"},
            {"key": "userId", "value": "ignored", "disabled": true},
            {"key": "query", "value": ""}
        ]);
        let model = load(doc);
        let urls: Vec<_> = model.servers.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "{baseUrl}",
                "https://api.example.com",
                "https://{region}.example.com:{port}"
            ]
        );
        assert_eq!(model.servers[0].variables["baseUrl"].default, "");
        assert_eq!(
            model.servers[2].variables.keys().collect::<Vec<_>>(),
            ["region", "port"]
        );
        let [a, b, c] = &model.operations[..] else {
            panic!("three operations")
        };
        assert_eq!(a.path, "/users/{userId}");
        assert!(param(a, "userId").required);
        assert_eq!(b.path, "/base/v2/two/x");
        assert!(b.parameters.is_empty());
        assert_eq!(c.path, "/items/{itemId}");
        assert_eq!(param(c, "q").example, None);
        assert!(a.servers.is_empty());
        assert_eq!(b.servers[0].url, "https://api.example.com");
    }

    #[test]
    fn colon_segments_query_and_headers() {
        let model = load(collection(json!([{"name": "Get tweet", "request": {
            "method": "GET",
            "header": [
                {"key": "Accept", "value": "application/json", "description": "What to get"},
                {"key": "Content-Type", "value": "application/json"},
                {"key": "Authorization", "value": "Bearer abc"},
                {"key": "X-Session-Token", "value": "s3cr3t"}
            ],
            "url": {
                "raw": "https://api.twitter.com/2/tweets/:id?expansions=author_id&old=1",
                "protocol": "https", "host": ["api", "twitter", "com"], "path": ["2", "tweets", ":id"],
                "query": [
                    {"key": "expansions", "value": "author_id", "description": "Expand"},
                    {"key": "old", "value": "1", "disabled": true}
                ],
                "variable": [{"key": "id", "value": "1234", "description": "The tweet"}]
            }
        }}])));
        let op = &model.operations[0];
        assert_eq!(op.path, "/2/tweets/{id}");
        assert_eq!(model.servers[0].url, "https://api.twitter.com");
        let names: Vec<_> = op
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.location, p.required))
            .collect();
        assert_eq!(
            names,
            [
                ("id", ParamLocation::Path, true),
                ("expansions", ParamLocation::Query, false),
                ("old", ParamLocation::Query, false),
                ("Accept", ParamLocation::Header, false),
                ("X-Session-Token", ParamLocation::Header, false),
            ]
        );
        let id = param(op, "id");
        assert_eq!(
            (id.description.as_deref(), id.example.clone()),
            (Some("The tweet"), Some(json!("1234")))
        );
        assert_eq!(param(op, "expansions").example, Some(json!("author_id")));
        assert_eq!(
            param(op, "Accept").description.as_deref(),
            Some("What to get")
        );
        assert_eq!(param(op, "X-Session-Token").example, None);
    }

    fn body_op(body: Value, headers: Value) -> Operation {
        let item = json!({"name": "b", "request": {"method": "POST", "header": headers, "body": body, "url": "http://h/x"}});
        let mut model = load(collection(json!([item])));
        model.operations.remove(0)
    }

    #[test]
    fn raw_bodies() {
        let op = body_op(
            json!({"mode": "raw", "raw": "{\"a\": 1}", "options": {"raw": {"language": "json"}}}),
            json!([]),
        );
        let (media_type, media) = only_media(&op);
        assert_eq!(media_type, "application/json");
        assert_eq!(media.example, Some(json!({"a": 1})));
        assert_eq!(
            media.schema,
            Some(json!({"type": "object", "properties": {"a": {"type": "integer"}}}))
        );

        let op = body_op(
            json!({"mode": "raw", "raw": "{\"n\": {{count}}}"}),
            json!([]),
        );
        let (media_type, media) = only_media(&op);
        assert_eq!(
            (media_type, media.example.clone()),
            ("application/json", Some(json!({"n": "{{count}}"})))
        );

        let op = body_op(
            json!({"mode": "raw", "raw": "<a/>"}),
            json!([{"key": "Content-Type", "value": "text/xml; charset=utf-8"}]),
        );
        let (media_type, media) = only_media(&op);
        assert_eq!(
            (media_type, media.schema.clone()),
            ("text/xml", Some(json!({"type": "string"})))
        );

        let op = body_op(json!({"mode": "raw", "raw": "hello"}), json!([]));
        assert_eq!(only_media(&op).0, "text/plain");
        assert!(
            body_op(json!({"mode": "raw", "raw": ""}), json!([]))
                .request_body
                .is_none()
        );
    }

    #[test]
    fn form_file_and_graphql_bodies() {
        let fields = json!([
            {"key": "name", "value": "Rex", "type": "text", "description": "Pet name"},
            {"key": "photo", "src": "/tmp/p.png", "type": "file"},
            {"key": "skip", "value": "x", "disabled": true}
        ]);
        let op = body_op(json!({"mode": "formdata", "formdata": fields}), json!([]));
        let (media_type, media) = only_media(&op);
        assert_eq!(media_type, "multipart/form-data");
        assert_eq!(
            media.schema,
            Some(json!({"type": "object", "properties": {
                "name": {"type": "string", "description": "Pet name"},
                "photo": {"type": "string", "format": "binary"}
            }}))
        );
        assert_eq!(media.example, Some(json!({"name": "Rex"})));

        let op = body_op(
            json!({"mode": "urlencoded", "urlencoded": [{"key": "a", "value": "1"}, {"key": "b", "enabled": false}]}),
            json!([]),
        );
        let (media_type, media) = only_media(&op);
        assert_eq!(media_type, "application/x-www-form-urlencoded");
        assert_eq!(
            media.schema,
            Some(json!({"type": "object", "properties": {"a": {"type": "string"}}}))
        );

        let op = body_op(json!({"mode": "file", "file": {"src": ""}}), json!([]));
        assert_eq!(only_media(&op).0, "application/octet-stream");

        let graphql = json!({"query": "query($id: ID!) { pet(id: $id) { name } }", "variables": "{\"id\": \"7\"}"});
        let op = body_op(json!({"mode": "graphql", "graphql": graphql}), json!([]));
        let (media_type, media) = only_media(&op);
        assert_eq!(media_type, "application/json");
        assert_eq!(
            media.example.as_ref().unwrap()["variables"],
            json!({"id": "7"})
        );
        assert_eq!(media.schema.as_ref().unwrap()["required"], json!(["query"]));

        assert!(
            body_op(
                json!({"mode": "raw", "raw": "{}", "disabled": true}),
                json!([])
            )
            .request_body
            .is_none()
        );
    }

    #[test]
    fn auth_inheritance_and_noauth() {
        let model = load(json!({
            "info": {"name": "A"},
            "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "super-secret-token"}]},
            "item": [
                {"name": "inherits", "request": {"method": "GET", "url": "https://h/a"}},
                {"name": "open", "request": {"method": "GET", "url": "https://h/b", "auth": {"type": "noauth"}}},
                {"name": "F", "auth": {"type": "apikey", "apikey": [
                    {"key": "in", "value": "query"}, {"key": "key", "value": "api_key"}, {"key": "value", "value": "k-123"}
                ]}, "item": [
                    {"name": "in folder", "request": {"method": "GET", "url": "https://h/c?api_key=k-123&x=1"}},
                    {"name": "basic", "request": {"method": "GET", "url": "https://h/d",
                        "auth": {"type": "basic", "basic": {"username": "u", "password": "hunter2"}}}},
                    {"name": "hawk", "request": {"method": "GET", "url": "https://h/e", "auth": {"type": "hawk"}}},
                    {"name": "inherit", "request": {"method": "GET", "url": "https://h/f", "auth": {"type": "inherit"}}}
                ]}
            ]
        }));
        assert_eq!(
            model.security,
            vec![IndexMap::from([(
                "bearerAuth".to_string(),
                Vec::<String>::new()
            )])]
        );
        let security: Vec<_> = model
            .operations
            .iter()
            .map(|o| o.security.clone())
            .collect();
        let req = |name: &str| {
            Some(vec![IndexMap::from([(
                name.to_string(),
                Vec::<String>::new(),
            )])])
        };
        assert_eq!(
            security,
            [
                None,
                Some(vec![]),
                req("apiKey"),
                req("basicAuth"),
                Some(vec![]),
                req("apiKey")
            ]
        );
        assert_eq!(
            model.security_schemes["apiKey"],
            SecurityScheme::ApiKey {
                name: "api_key".into(),
                location: ParamLocation::Query,
                description: None
            }
        );
        let names: Vec<_> = model.operations[2]
            .parameters
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["x"]);
        assert!(
            model
                .warnings
                .iter()
                .any(|w| w.message == "auth type hawk is not supported"
                    && w.pointer == "/item/2/item/2/request/auth")
        );
        let text = serde_json::to_string(&model).unwrap();
        for secret in ["super-secret-token", "k-123", "hunter2"] {
            assert!(!text.contains(secret), "{secret} leaked");
        }
    }

    #[test]
    fn oauth2_scheme_shape() {
        let model = load(
            json!({"info": {"name": "O"}, "auth": {"type": "oauth2", "oauth2": [
            {"key": "grant_type", "value": "client_credentials"},
            {"key": "accessTokenUrl", "value": "https://h/token"},
            {"key": "scope", "value": "read write"},
            {"key": "clientSecret", "value": "shh"}
        ]}, "item": []}),
        );
        let SecurityScheme::OAuth2 { flows, .. } = &model.security_schemes["oauth2"] else {
            panic!("oauth2")
        };
        assert_eq!(flows[0].kind, OAuthFlowKind::ClientCredentials);
        assert_eq!(flows[0].token_url.as_deref(), Some("https://h/token"));
        assert_eq!(
            flows[0].scopes.keys().collect::<Vec<_>>(),
            ["read", "write"]
        );
        assert_eq!(model.security[0]["oauth2"], ["read", "write"]);
    }

    #[test]
    fn saved_examples_become_responses() {
        let item = json!({"name": "r", "request": {"method": "GET", "url": "https://h/r"}, "response": [
            {"name": "ok", "code": 200, "status": "OK", "header": [{"key": "Content-Type", "value": "application/json"}],
             "body": "{\"id\": 1}"},
            {"name": "ok again", "code": 200, "body": "{\"id\": 2, \"x\": \"y\"}"},
            {"name": "plain", "body": "just text", "_postman_previewlanguage": "text"},
            {"name": "empty", "code": 204, "body": ""},
            "junk"
        ]});
        let model = load(collection(json!([item])));
        let responses = &model.operations[0].responses;
        let statuses: Vec<_> = responses.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(statuses, ["200", "default", "204"]);
        assert_eq!(responses[0].description.as_deref(), Some("OK"));
        let json = &responses[0].content["application/json"];
        assert_eq!(json.example, Some(json!({"id": 1})));
        assert_eq!(
            json.schema,
            Some(json!({"type": "object", "properties": {"id": {"type": "integer"}}}))
        );
        assert_eq!(json.examples["ok again"], json!({"id": 2, "x": "y"}));
        assert_eq!(
            responses[1].content["text/plain"].example,
            Some(json!("just text"))
        );
        assert!(responses[2].content.is_empty());
        assert_eq!(model.warnings[0].pointer, "/item/0/response/4");
    }

    #[test]
    fn custom_and_missing_methods() {
        let model = load(collection(json!([
            {"name": "custom", "request": {"method": "POSTMAN", "url": "localhost:4041"}},
            {"name": "none", "request": {"url": {"raw": "localhost:4041", "host": ["localhost"], "port": "4041"}}}
        ])));
        let [custom, none] = &model.operations[..] else {
            panic!("two operations")
        };
        assert_eq!(custom.method, HttpMethod::Post);
        assert_eq!(
            custom.unsupported.as_deref(),
            Some("custom HTTP method `POSTMAN` cannot be called")
        );
        assert_eq!(
            model.warnings,
            [Warning::new(
                "/item/0",
                "custom HTTP method `POSTMAN` cannot be called"
            )]
        );
        assert_eq!(
            (none.method, none.unsupported.as_deref()),
            (HttpMethod::Get, None)
        );
        assert_eq!(model.servers[0].url, "http://localhost:4041");
        assert_eq!(none.path, "/");
    }

    #[test]
    fn v2_0_string_urls_and_string_requests() {
        let model = load(json!({
            "name": "No info",
            "item": [
                {"name": "q", "request": {"method": "GET", "url": "https://postman-echo.com/get?foo=bar%20baz&flag#frag",
                    "header": "Accept: text/plain\n//X-Off: 1"}},
                {"request": "https://user:pw@postman-echo.com/delay/2"}
            ]
        }));
        assert_eq!(
            (model.title.as_str(), model.version.as_str()),
            ("No info", "2.x")
        );
        let [q, s] = &model.operations[..] else {
            panic!("two operations")
        };
        assert_eq!(q.path, "/get");
        assert_eq!(param(q, "foo").example, Some(json!("bar baz")));
        assert_eq!(param(q, "flag").example, None);
        assert_eq!(param(q, "Accept").location, ParamLocation::Header);
        assert_eq!((s.method, s.path.as_str()), (HttpMethod::Get, "/delay/2"));
        assert_eq!(s.operation_id.as_deref(), Some("get_delay_2"));
        assert_eq!(model.servers.len(), 1);
    }

    #[test]
    fn odd_shapes_warn_instead_of_panicking() {
        let mut deep = json!({"name": "leaf", "request": "https://h/x"});
        for _ in 0..100 {
            deep = json!({"name": "f", "item": [deep]});
        }
        let model = load(collection(json!([
            null,
            "text",
            {"name": "no request"},
            {"name": "bad", "request": 42},
            {"name": "odd", "request": {"method": 7, "url": {"host": 3, "path": {"x": 1}, "query": "q"},
                "header": 5, "body": {"mode": "raw", "raw": {"x": 1}}, "auth": "bearer"}, "response": {"a": 1}},
            {"name": "weird vars", "request": {"url": "https://{{host.{{one}}}}/a/{{a/b}}/{{$guid}}/{{"}},
            deep
        ])));
        assert_eq!(model.operations.len(), 2);
        let pointers: Vec<_> = model.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert!(
            pointers.starts_with(&["/item/0", "/item/1", "/item/2", "/item/3/request"]),
            "{pointers:?}"
        );
        assert!(
            model
                .warnings
                .iter()
                .any(|w| w.message.contains("nested deeper than 64"))
        );
        assert_eq!(model.operations[1].path, "/a/{a_b}/{guid}/{{");
        assert!(read(&json!({"info": {}, "item": {}}), "x").is_err());
    }

    /// Every Postman v2 collection of the shared corpus reads with the manifest's request count.
    #[test]
    fn corpus_request_counts_match_the_manifest() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let Ok(manifest) = std::fs::read_to_string(corpus.join("manifest.tsv")) else {
            eprintln!("no corpus at {}; skipped", corpus.display());
            return;
        };
        let mut checked = 0;
        for row in manifest.lines().skip(1) {
            let columns: Vec<&str> = row.split('\t').collect();
            if columns.len() < 7 || !columns[4].starts_with("postman v2") {
                continue;
            }
            let bytes = std::fs::read(corpus.join(columns[0])).expect("a corpus file");
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let doc: Value = serde_json::from_slice(bytes).expect("corpus JSON");
            let model = read(&doc, columns[0]).unwrap_or_else(|e| panic!("{e}"));
            let expected: usize = columns[6].parse().expect("a count");
            assert_eq!(model.operations.len(), expected, "{}", columns[0]);
            checked += 1;
        }
        assert_eq!(checked, 49);
    }
}
