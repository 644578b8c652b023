//! Paths, path items and operations (webhooks too).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::loc::{MAX_SHOWN, shorten};
use super::{Dialect, Loc, Reader, bool_field, str_field};
use crate::spec::docs::Node;
use crate::spec::model::{HttpMethod, Operation, ParamLocation, Parameter, pointer_join};

/// The method keys of a path item, in the order operations are listed.
const METHOD_KEYS: [(&str, HttpMethod); 8] = [
    ("get", HttpMethod::Get),
    ("put", HttpMethod::Put),
    ("post", HttpMethod::Post),
    ("delete", HttpMethod::Delete),
    ("options", HttpMethod::Options),
    ("head", HttpMethod::Head),
    ("patch", HttpMethod::Patch),
    ("trace", HttpMethod::Trace),
];

/// What a path item's operations are collected into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Into {
    Operations,
    Webhooks,
}

/// The parts of a path item that its operations inherit.
struct PathItemShared {
    parameters: Vec<Parameter>,
    servers: Vec<crate::spec::model::Server>,
    summary: Option<String>,
    description: Option<String>,
}

impl Reader<'_, '_> {
    pub(super) fn read_paths(&mut self, top: &Loc<'_>) {
        let loc = top.key("paths");
        let Some(paths) = self.docs.keys(0, "/paths") else {
            if self.docs.node(0, "/paths").is_some() {
                self.warn(&loc, "`paths` is not an object; no operations read");
            } else if self.dialect != Dialect::Openapi31 {
                self.warn(&loc, "the document has no `paths`");
            }
            return;
        };
        let paths: Vec<String> = paths.into_iter().filter(|p| !p.starts_with("x-")).collect();
        // One path item at a time: a lazily read document parses each only now (a few ahead, elsewhere).
        let pointers = paths.iter().map(|p| pointer_join("/paths", p)).collect();
        let mut items = self.docs.nodes_in_order(0, pointers);
        for path in &paths {
            let item = items.next().flatten();
            let item_loc = loc.key(path);
            if !path.starts_with('/') {
                self.warn(&item_loc, format!("path `{path}` does not start with `/`"));
            }
            let item = item.unwrap_or_else(Node::null);
            self.read_path_item(path, item.get(), &item_loc, Into::Operations);
            items.done(item);
        }
    }

    pub(super) fn read_webhooks(&mut self, top: &Loc<'_>) {
        if self.docs.options().serving_only {
            return;
        }
        let Some(hooks) = self.docs.keys(0, "/webhooks") else {
            return;
        };
        let loc = top.key("webhooks");
        for name in hooks {
            let item_loc = loc.key(&name);
            let item = self.docs.node_or_null(0, &pointer_join("/webhooks", &name));
            self.read_path_item(&name, item.get(), &item_loc, Into::Webhooks);
        }
    }

    fn read_path_item(&mut self, path: &str, item: &Value, loc: &Loc<'_>, into: Into) {
        if !item.is_object() {
            self.warn(loc, "path item is not an object; skipped");
            return;
        }
        // A path item whose reference does not resolve was warned about; it has no operations.
        self.with_deref(item, loc, |reader, node, at| {
            reader.read_path_item_body(path, item, node, at, into);
            Some(())
        });
    }

    /// Reads a resolved path item `node`; `original` is the object at the path (it may add a summary to a `$ref`).
    fn read_path_item_body(
        &mut self,
        path: &str,
        original: &Value,
        node: &Value,
        loc: &Loc<'_>,
        into: Into,
    ) {
        let shared_params = match node.get("parameters") {
            Some(list) => self.read_parameter_list(list, &loc.key("parameters")),
            None => Vec::new(),
        };
        let servers = self.read_servers(node.get("servers"), &loc.key("servers"));
        let shared = PathItemShared {
            parameters: shared_params,
            servers,
            summary: str_field(original, "summary").or_else(|| str_field(node, "summary")),
            description: str_field(original, "description")
                .or_else(|| str_field(node, "description")),
        };
        for (key, method) in METHOD_KEYS {
            let Some(op) = node.get(key) else { continue };
            let op_loc = loc.key(key);
            if !op.is_object() {
                self.warn(&op_loc, "operation is not an object; skipped");
                continue;
            }
            // Some descriptions (DigitalOcean's) keep each operation in a file of its own behind a `$ref`.
            let pointer = self.docs.display(op_loc.doc, &op_loc.pointer());
            let read = self.with_deref(op, &op_loc, |reader, node, at| {
                Some(reader.read_operation(method, path, pointer, node, at, &shared))
            });
            let Some(operation) = read else { continue };
            match into {
                Into::Operations => self.model.operations.push(operation),
                Into::Webhooks => self.model.webhooks.push(operation),
            }
        }
    }

    fn read_operation(
        &mut self,
        method: HttpMethod,
        path: &str,
        pointer: String,
        node: &Value,
        loc: &Loc<'_>,
        shared: &PathItemShared,
    ) -> Operation {
        let mut op = Operation::new(method, path, pointer);
        op.operation_id = str_field(node, "operationId").filter(|id| !id.trim().is_empty());
        op.summary = str_field(node, "summary").or_else(|| shared.summary.clone());
        op.description = str_field(node, "description").or_else(|| shared.description.clone());
        op.deprecated = bool_field(node, "deprecated");
        op.tags = node
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let own = match node.get("parameters") {
            Some(list) => self.read_parameter_list(list, &loc.key("parameters")),
            None => Vec::new(),
        };
        op.parameters = merge_parameters(&shared.parameters, own);
        if self.dialect == Dialect::Swagger2 {
            self.read_swagger_operation(node, loc, &mut op);
        } else {
            if let Some(body) = node.get("requestBody") {
                op.request_body = self.read_request_body(body, &loc.key("requestBody"));
            }
            if let Some(responses) = node.get("responses") {
                op.responses = self.read_responses(responses, &loc.key("responses"));
            }
        }
        if node.get("responses").is_none() && self.dialect != Dialect::Openapi31 {
            self.warn(loc, "operation has no `responses`");
        }
        if let Some(security) = node.get("security") {
            op.security = Some(self.read_security_requirements(security, &loc.key("security")));
        }
        op.servers = match node.get("servers") {
            Some(servers) => self.read_servers(Some(servers), &loc.key("servers")),
            None => shared.servers.clone(),
        };
        self.check_parameters(&mut op, loc);
        op
    }

    /// Path template parameters against declared ones, and names that shadow each other.
    /// Sets, not scans: a document can give an operation tens of thousands of parameters.
    fn check_parameters(&mut self, op: &mut Operation, loc: &Loc<'_>) {
        let template = template_names(&op.path);
        let declared: HashSet<String> = op
            .parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| p.name.clone())
            .collect();
        for name in &template {
            if !declared.contains(name) {
                self.warn(
                    loc,
                    format!("path parameter `{name}` is not declared; read as a required string"),
                );
                let mut param = Parameter::new(
                    name.clone(),
                    ParamLocation::Path,
                    serde_json::json!({"type": "string"}),
                );
                param.required = true;
                op.parameters.push(param);
            }
        }
        let template: HashSet<&str> = template.iter().map(String::as_str).collect();
        let mut unused = Vec::new();
        let mut shadowed = Vec::new();
        // For each name (in any case), its locations in the order they first appear.
        let mut locations: HashMap<String, Vec<ParamLocation>> = HashMap::new();
        for param in &op.parameters {
            if param.location == ParamLocation::Path && !template.contains(param.name.as_str()) {
                unused.push(param.name.clone());
            }
            let seen = locations
                .entry(param.name.to_ascii_lowercase())
                .or_default();
            if let Some(twin) = seen.iter().find(|l| **l != param.location) {
                shadowed.push(format!(
                    "parameter `{}` is both in {} and in {}",
                    param.name,
                    twin.as_str(),
                    param.location.as_str()
                ));
            }
            if !seen.contains(&param.location) {
                seen.push(param.location);
            }
        }
        for name in unused {
            self.warn(
                loc,
                format!(
                    "path parameter `{name}` does not appear in the path `{}`",
                    shorten(&op.path, MAX_SHOWN)
                ),
            );
        }
        for message in shadowed {
            self.warn(loc, message);
        }
    }

    pub(super) fn read_parameter_list(&mut self, list: &Value, loc: &Loc<'_>) -> Vec<Parameter> {
        let Some(items) = list.as_array() else {
            self.warn(loc, "`parameters` is not an array; ignored");
            return Vec::new();
        };
        let mut out: Vec<Parameter> = Vec::new();
        let mut index: HashMap<(String, ParamLocation), usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let item_loc = loc.index(i);
            let Some(param) = self.with_deref(item, &item_loc, |reader, node, at| {
                reader.read_parameter(node, at)
            }) else {
                continue;
            };
            if let Some(&at) = index.get(&(param.name.clone(), param.location)) {
                self.warn(
                    &item_loc,
                    format!(
                        "parameter `{}` in {} is declared twice; the last one is used",
                        param.name,
                        param.location.as_str()
                    ),
                );
                out[at] = param;
            } else {
                index.insert((param.name.clone(), param.location), out.len());
                out.push(param);
            }
        }
        out
    }
}

/// Operation parameters override path-item ones with the same name and location.
fn merge_parameters(shared: &[Parameter], own: Vec<Parameter>) -> Vec<Parameter> {
    let overridden: HashSet<(&str, ParamLocation)> =
        own.iter().map(|o| (o.name.as_str(), o.location)).collect();
    let mut merged: Vec<Parameter> = shared
        .iter()
        .filter(|p| !overridden.contains(&(p.name.as_str(), p.location)))
        .cloned()
        .collect();
    merged.extend(own);
    merged
}

/// The `{name}`s of a path template.
pub(crate) fn template_names(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut seen = HashSet::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.is_empty() && seen.insert(name) {
            names.push(name.to_string());
        }
        rest = &after[end + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_in_order() {
        assert_eq!(template_names("/a/{x}/b/{y}.{fmt}"), vec!["x", "y", "fmt"]);
        assert!(template_names("/plain").is_empty());
        assert_eq!(template_names("/broken/{x"), Vec::<String>::new());
    }
}
