//! The document's info, servers, tags and security, and the checks made once everything is read.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::Value;

use super::{Dialect, Loc, Reader, str_field};
use crate::spec::model::{
    OAuthFlow, OAuthFlowKind, ParamLocation, SecurityRequirement, SecurityScheme, Server,
    ServerVariable, Tag,
};

impl Reader<'_, '_> {
    pub(super) fn read_info(&mut self, root: &Value, top: &Loc<'_>) {
        match root.get("info") {
            Some(info) if info.is_object() => {
                self.model.title = str_field(info, "title").unwrap_or_default();
                self.model.api_version = info.get("version").map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                self.model.description = str_field(info, "description");
            }
            _ => self.warn(&top.key("info"), "the document has no `info` object"),
        }
        if self.model.title.is_empty() {
            self.model.title = "Untitled API".to_string();
        }
    }

    pub(super) fn read_servers(&mut self, value: Option<&Value>, loc: &Loc<'_>) -> Vec<Server> {
        let Some(value) = value else {
            return Vec::new();
        };
        let Some(list) = value.as_array() else {
            self.warn(loc, "`servers` is not an array; ignored");
            return Vec::new();
        };
        list.iter()
            .filter_map(|server| {
                let url = str_field(server, "url")?;
                let variables = server
                    .get("variables")
                    .and_then(Value::as_object)
                    .map(|vars| {
                        vars.iter()
                            .map(|(name, var)| (name.clone(), server_variable(var)))
                            .collect()
                    })
                    .unwrap_or_default();
                Some(Server {
                    url,
                    description: str_field(server, "description"),
                    variables,
                })
            })
            .collect()
    }

    pub(super) fn read_tags(&mut self, root: &Value, top: &Loc<'_>) {
        let mut tags: Vec<Tag> = Vec::new();
        if let Some(list) = root.get("tags") {
            match list.as_array() {
                Some(list) => {
                    for tag in list {
                        if let Some(name) = str_field(tag, "name")
                            && !tags.iter().any(|t| t.name == name)
                        {
                            tags.push(Tag {
                                name,
                                description: str_field(tag, "description"),
                            });
                        }
                    }
                }
                None => self.warn(&top.key("tags"), "`tags` is not an array; ignored"),
            }
        }
        let mut known: std::collections::HashSet<String> =
            tags.iter().map(|t| t.name.clone()).collect();
        for op in self.model.operations.iter().chain(&self.model.webhooks) {
            for tag in &op.tags {
                if known.insert(tag.clone()) {
                    tags.push(Tag {
                        name: tag.clone(),
                        description: None,
                    });
                }
            }
        }
        self.model.tags = tags;
    }

    pub(super) fn read_security_schemes(&mut self, root: &Value, top: &Loc<'_>) {
        let components = self.docs.node(0, "/components/securitySchemes");
        let (container, key_loc) = if self.dialect == Dialect::Swagger2 {
            (
                root.get("securityDefinitions"),
                top.key("securityDefinitions"),
            )
        } else {
            (components.as_ref().map(|n| n.get()), top.key("components"))
        };
        let Some(schemes) = container.and_then(Value::as_object) else {
            return;
        };
        let schemes_loc = if self.dialect == Dialect::Swagger2 {
            key_loc
        } else {
            key_loc.key("securitySchemes")
        };
        for (name, scheme) in schemes {
            let loc = schemes_loc.key(name);
            let read = self.with_deref(scheme, &loc, |reader, node, at| {
                reader.security_scheme(node, at)
            });
            if let Some(scheme) = read {
                self.model.security_schemes.insert(name.clone(), scheme);
            }
        }
    }

    fn security_scheme(&mut self, node: &Value, loc: &Loc<'_>) -> Option<SecurityScheme> {
        let description = str_field(node, "description");
        let kind = node.get("type").and_then(Value::as_str).unwrap_or("");
        let scheme = match kind {
            "apiKey" => {
                let location = match node.get("in").and_then(Value::as_str) {
                    Some("query") => ParamLocation::Query,
                    Some("cookie") => ParamLocation::Cookie,
                    _ => ParamLocation::Header,
                };
                SecurityScheme::ApiKey {
                    name: str_field(node, "name").unwrap_or_default(),
                    location,
                    description,
                }
            }
            "http" => SecurityScheme::Http {
                scheme: str_field(node, "scheme")
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                bearer_format: str_field(node, "bearerFormat"),
                description,
            },
            "basic" => SecurityScheme::Http {
                scheme: "basic".to_string(),
                bearer_format: None,
                description,
            },
            "oauth2" => SecurityScheme::OAuth2 {
                flows: self.oauth_flows(node),
                description,
            },
            "openIdConnect" => SecurityScheme::OpenIdConnect {
                url: str_field(node, "openIdConnectUrl").unwrap_or_default(),
                description,
            },
            "mutualTLS" => SecurityScheme::MutualTls { description },
            other => {
                self.warn(
                    loc,
                    format!("security scheme type `{other}` is not supported; ignored"),
                );
                return None;
            }
        };
        Some(scheme)
    }

    fn oauth_flows(&self, node: &Value) -> Vec<OAuthFlow> {
        if self.dialect == Dialect::Swagger2 {
            let kind = match node.get("flow").and_then(Value::as_str) {
                Some("implicit") => OAuthFlowKind::Implicit,
                Some("password") => OAuthFlowKind::Password,
                Some("application") => OAuthFlowKind::ClientCredentials,
                _ => OAuthFlowKind::AuthorizationCode,
            };
            return vec![oauth_flow(kind, node)];
        }
        let Some(flows) = node.get("flows").and_then(Value::as_object) else {
            return Vec::new();
        };
        flows
            .iter()
            .filter_map(|(name, flow)| {
                let kind = match name.as_str() {
                    "implicit" => OAuthFlowKind::Implicit,
                    "password" => OAuthFlowKind::Password,
                    "clientCredentials" => OAuthFlowKind::ClientCredentials,
                    "authorizationCode" => OAuthFlowKind::AuthorizationCode,
                    _ => return None,
                };
                Some(oauth_flow(kind, flow))
            })
            .collect()
    }

    pub(super) fn read_security_requirements(
        &mut self,
        value: &Value,
        loc: &Loc<'_>,
    ) -> Vec<SecurityRequirement> {
        let Some(list) = value.as_array() else {
            self.warn(loc, "`security` is not an array; ignored");
            return Vec::new();
        };
        list.iter()
            .filter_map(Value::as_object)
            .map(|requirement| {
                requirement
                    .iter()
                    .map(|(name, scopes)| {
                        let scopes = scopes
                            .as_array()
                            .map(|s| {
                                s.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default();
                        (name.clone(), scopes)
                    })
                    .collect::<IndexMap<_, _>>()
            })
            .collect()
    }

    /// Warns about missing and duplicate operationIds.
    pub(super) fn check_operation_ids(&mut self) {
        let mut first_use: HashMap<String, String> = HashMap::new();
        let mut problems = Vec::new();
        for op in &self.model.operations {
            match &op.operation_id {
                None => problems.push((
                    op.pointer.clone(),
                    format!("{} has no operationId", op.label()),
                )),
                Some(id) => {
                    if let Some(first) = first_use.get(id) {
                        problems.push((
                            op.pointer.clone(),
                            format!("duplicate operationId `{id}` (also at {first})"),
                        ));
                    } else {
                        first_use.insert(id.clone(), op.pointer.clone());
                    }
                }
            }
        }
        for (pointer, message) in problems {
            self.warn(&Loc::at(0, &pointer), message);
        }
    }

    /// Warns once for each security requirement that names an undeclared scheme.
    pub(super) fn check_security_names(&mut self) {
        let mut missing: IndexMap<String, String> = IndexMap::new();
        let global = self
            .model
            .security
            .iter()
            .map(|r| (r, "/security".to_string()));
        let per_op = self
            .model
            .operations
            .iter()
            .filter_map(|op| op.security.as_ref().map(|s| (s, op.pointer.clone())))
            .flat_map(|(reqs, pointer)| {
                reqs.iter().map(move |r| (r, format!("{pointer}/security")))
            });
        for (requirement, pointer) in global.chain(per_op) {
            for name in requirement.keys() {
                if !self.model.security_schemes.contains_key(name) && !missing.contains_key(name) {
                    missing.insert(name.clone(), pointer.clone());
                }
            }
        }
        for (name, pointer) in missing {
            self.warn(
                &Loc::at(0, &pointer),
                format!("security requirement names undeclared scheme `{name}`"),
            );
        }
    }
}

fn server_variable(var: &Value) -> ServerVariable {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    ServerVariable {
        default: var.get("default").map(text).unwrap_or_default(),
        enum_values: var
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| values.iter().map(text).collect())
            .unwrap_or_default(),
        description: str_field(var, "description"),
    }
}

fn oauth_flow(kind: OAuthFlowKind, flow: &Value) -> OAuthFlow {
    OAuthFlow {
        kind,
        authorization_url: str_field(flow, "authorizationUrl"),
        token_url: str_field(flow, "tokenUrl"),
        refresh_url: str_field(flow, "refreshUrl"),
        scopes: flow
            .get("scopes")
            .and_then(Value::as_object)
            .map(|scopes| {
                scopes
                    .iter()
                    .map(|(name, text)| {
                        (name.clone(), text.as_str().unwrap_or_default().to_string())
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}
