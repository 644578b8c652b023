//! Postman collections v2.0 and v2.1 into the model.
//!
//! Every request becomes one operation; every folder becomes a tag named by its path (`Users / Admin`).
//! - Collection variables: disabled ones are skipped and, as in Postman, a later duplicate wins. A variable with
//!   an empty value counts as unresolved.
//! - An unresolved `{{name}}` in the scheme, host or port becomes a server variable (`{name}`, default ""); one in
//!   the path becomes a path parameter, as does a `:name` segment.
//! - Auth is inherited (request over folder over collection); only its shape is kept, never a secret value.
//! - Requests whose base URL is not the first server's carry their own `servers`.
//!
//! This module walks the items and folders; the rest is split by concern:
//! - [`fields`]: the loosely typed fields of a collection (text, descriptions, key/value rows).
//! - [`vars`]: collection variables, `{{name}}` resolution and the markers for unresolved ones.
//! - [`url`]: request URLs into servers and path templates.
//! - [`params`]: path, query and header parameters.
//! - [`auth`]: auth inheritance and security schemes.
//! - [`body`]: request bodies and saved example responses.

mod auth;
mod body;
mod fields;
mod params;
mod url;
mod vars;

#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::error::SpecError;
use super::model::{
    ApiModel, HttpMethod, Operation, SecurityRequirement, SpecFormat, Tag, Warning,
};
use auth::Auth;
use fields::{description_of, entries, non_empty, text_of};
use params::{header_parameters, path_parameters};
use url::path_template;
use vars::collection_variables;

/// Folders nested deeper than this are skipped with a warning.
const MAX_FOLDER_DEPTH: usize = 64;

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
        expanded: Cell::new(0),
        expansion_cut: Cell::new(false),
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
    if reader.expansion_cut.get() {
        let message = format!(
            "variables expand to more than {} KB in all; the rest are left as written",
            vars::MAX_EXPANSION / 1024
        );
        reader.warn("/variable", message);
    }
    reader.assign_servers();
    Ok(reader.model)
}

/// What a folder passes on to the items inside it.
#[derive(Clone)]
struct Scope<'a> {
    folders: Vec<String>,
    auth: Option<Auth<'a>>,
    depth: usize,
}

struct Reader {
    model: ApiModel,
    vars: HashMap<String, String>,
    /// Bytes of variable values inserted so far, and whether one was left out for [`vars::MAX_EXPANSION`].
    expanded: Cell<usize>,
    expansion_cut: Cell<bool>,
    op_ids: HashSet<String>,
    /// Security requirements by the pointer of the auth object they come from.
    auth_cache: HashMap<String, Vec<SecurityRequirement>>,
    /// For each operation, the index of its server in `model.servers`.
    op_servers: Vec<Option<usize>>,
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
        let url_vars = entries(url.and_then(|u| u.get("variable")));
        let url = self.split_url(url, pointer);
        let server = self.server(&url);
        let (path, path_names) = path_template(&url.path, &url.names);
        let mut op = Operation::new(method, path, pointer);
        self.describe(&mut op, item, request, scope);
        let requirements = self.request_security(get("auth"), pointer, scope.auth.as_ref());
        let auth_names = self.auth_param_names(&requirements);
        op.security = (requirements != self.model.security).then_some(requirements);
        let headers = entries(get("header"));
        op.parameters = path_parameters(&path_names, &url_vars);
        op.parameters
            .extend(self.query_parameters(&url, &auth_names));
        op.parameters
            .extend(header_parameters(&headers, &auth_names));
        op.request_body = self.request_body(get("body"), &headers, pointer);
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

    /// An operation id from the request's name (else its label), unique among the collection's.
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
        let id = first_free(
            &base,
            |id| self.op_ids.contains(id),
            |n| format!("{base}_{n}"),
        );
        self.op_ids.insert(id.clone());
        id
    }
}

/// `base` when `taken` says it is free, else the first free of `numbered(2)`, `numbered(3)`, ...
fn first_free(
    base: &str,
    taken: impl Fn(&str) -> bool,
    numbered: impl Fn(usize) -> String,
) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken(&name) {
        name = numbered(n);
        n += 1;
    }
    name
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
