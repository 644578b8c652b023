//! Swagger 2.0 specifics: servers from host/basePath/schemes, `body` and `formData` parameters as request
//! bodies, `consumes`/`produces` as media types, and parameter schemas written inline on the parameter.

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::{Loc, Reader, bool_field, str_field};
use crate::spec::docs::Document;
use crate::spec::model::{
    MediaType, Operation, ParamStyle, Parameter, RequestBody, Response, Server,
};
use crate::spec::source::DocLocation;

/// Keys of a non-body Swagger parameter (or header, or items) that form its schema.
const PARAMETER_SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

pub(super) fn media_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `schemes` x `host` + `basePath`. With no host, the base path alone (relative to where the document came from).
pub(super) fn servers(root: &Value, document: &Document) -> Vec<Server> {
    let base_path = str_field(root, "basePath").unwrap_or_default();
    let base_path = base_path.trim_end_matches('/');
    let Some(host) = str_field(root, "host").filter(|h| !h.is_empty()) else {
        let url = if base_path.is_empty() {
            "/".to_string()
        } else {
            base_path.to_string()
        };
        return vec![Server {
            url,
            ..Default::default()
        }];
    };
    let mut schemes = media_list(root.get("schemes"));
    if schemes.is_empty() {
        let from_source = match &document.location {
            DocLocation::Url(url) => url.scheme().to_string(),
            _ => "https".to_string(),
        };
        schemes.push(from_source);
    }
    schemes
        .iter()
        .filter(|scheme| matches!(scheme.as_str(), "http" | "https"))
        .map(|scheme| Server {
            url: format!("{scheme}://{host}{base_path}"),
            ..Default::default()
        })
        .collect()
}

/// `collectionFormat` as OpenAPI 3 style and explode.
pub(super) fn apply_collection_format(param: &mut Parameter, node: &Value) {
    let format = node
        .get("collectionFormat")
        .and_then(Value::as_str)
        .unwrap_or("csv");
    let (style, explode) = match format {
        "multi" => (ParamStyle::Form, true),
        "ssv" => (ParamStyle::SpaceDelimited, false),
        "pipes" => (ParamStyle::PipeDelimited, false),
        _ => (ParamStyle::default_for(param.location), false),
    };
    param.style = style;
    param.explode = explode;
}

impl Reader<'_, '_> {
    /// The schema of a non-body parameter, header or items object, written on the object itself.
    pub(super) fn swagger_parameter_schema(&mut self, node: &Value, loc: &Loc<'_>) -> Value {
        if let Some(schema) = node.get("schema") {
            return self.schema(schema, &loc.key("schema"));
        }
        let mut schema = Map::new();
        for key in PARAMETER_SCHEMA_KEYS {
            if let Some(value) = node.get(key) {
                schema.insert(key.to_string(), value.clone());
            }
        }
        if let Some(description) = node.get("description") {
            schema.insert("description".to_string(), description.clone());
        }
        self.schema(&Value::Object(schema), loc)
    }

    /// The body, form fields and responses of a Swagger 2.0 operation.
    pub(super) fn read_swagger_operation(
        &mut self,
        node: &Value,
        loc: &Loc<'_>,
        op: &mut Operation,
    ) {
        let consumes = match node.get("consumes") {
            Some(list) => media_list(Some(list)),
            None => self.consumes.clone(),
        };
        let produces = match node.get("produces") {
            Some(list) => media_list(Some(list)),
            None => self.produces.clone(),
        };
        let params_loc = loc.key("parameters");
        let mut body_params: Vec<(Value, String)> = Vec::new();
        if let Some(list) = node.get("parameters").and_then(Value::as_array) {
            for (i, item) in list.iter().enumerate() {
                let at = params_loc.index(i);
                let found = self.with_deref(item, &at, |_, param, here| {
                    Some((param.clone(), here.pointer()))
                });
                if let Some((param, pointer)) = found
                    && matches!(
                        param.get("in").and_then(Value::as_str),
                        Some("body") | Some("formData")
                    )
                {
                    body_params.push((param, pointer));
                }
            }
        }
        op.request_body = self.swagger_body(&body_params, &consumes, loc.doc);
        if let Some(responses) = node.get("responses") {
            op.responses = self.swagger_responses(responses, &loc.key("responses"), &produces);
        }
    }

    fn swagger_body(
        &mut self,
        params: &[(Value, String)],
        consumes: &[String],
        doc: usize,
    ) -> Option<RequestBody> {
        if let Some((body, pointer)) = params
            .iter()
            .find(|(p, _)| p.get("in").and_then(Value::as_str) == Some("body"))
        {
            let loc = Loc::at(doc, pointer);
            let schema = match body.get("schema") {
                Some(schema) => self.schema(schema, &loc.key("schema")),
                None => json!({}),
            };
            let mut media_types: Vec<&str> = consumes
                .iter()
                .map(String::as_str)
                .filter(|m| {
                    !m.starts_with("multipart/") && *m != "application/x-www-form-urlencoded"
                })
                .collect();
            if media_types.is_empty() {
                media_types.push("application/json");
            }
            let content = media_types
                .into_iter()
                .map(|m| {
                    let media = MediaType {
                        schema: Some(schema.clone()),
                        example: body.get("x-example").cloned(),
                        ..Default::default()
                    };
                    (m.to_string(), media)
                })
                .collect();
            return Some(RequestBody {
                description: str_field(body, "description"),
                required: bool_field(body, "required"),
                content,
            });
        }
        let fields: Vec<&(Value, String)> = params
            .iter()
            .filter(|(p, _)| p.get("in").and_then(Value::as_str) == Some("formData"))
            .collect();
        if fields.is_empty() {
            return None;
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut has_file = false;
        for (field, pointer) in &fields {
            let Some(name) = str_field(field, "name") else {
                continue;
            };
            has_file |= field.get("type").and_then(Value::as_str) == Some("file");
            let schema = self.swagger_parameter_schema(field, &Loc::at(doc, pointer));
            if bool_field(field, "required") {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, schema);
        }
        let media_type = if has_file || consumes.iter().any(|m| m.starts_with("multipart/")) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required.clone());
        }
        Some(RequestBody {
            description: None,
            required: !required.is_empty(),
            content: IndexMap::from([(
                media_type.to_string(),
                MediaType {
                    schema: Some(schema),
                    ..Default::default()
                },
            )]),
        })
    }

    fn swagger_responses(
        &mut self,
        value: &Value,
        loc: &Loc<'_>,
        produces: &[String],
    ) -> Vec<Response> {
        let Some(responses) = value.as_object() else {
            self.warn(loc, "`responses` is not an object; ignored");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(responses.len());
        for (status, response) in responses {
            if status.starts_with("x-") {
                continue;
            }
            let at = loc.key(status);
            let read = self.with_deref(response, &at, |reader, node, here| {
                Some(reader.swagger_response(status, node, here, produces))
            });
            out.extend(read);
        }
        out
    }

    fn swagger_response(
        &mut self,
        status: &str,
        node: &Value,
        loc: &Loc<'_>,
        produces: &[String],
    ) -> Response {
        let schema = node
            .get("schema")
            .map(|s| self.schema(s, &loc.key("schema")));
        let examples = node.get("examples").and_then(Value::as_object);
        let mut media_types: Vec<String> = produces.to_vec();
        if let Some(examples) = examples {
            for media_type in examples.keys() {
                if !media_types.contains(media_type) {
                    media_types.push(media_type.clone());
                }
            }
        }
        if media_types.is_empty() && schema.is_some() {
            media_types.push("application/json".to_string());
        }
        let content = if schema.is_none() && examples.is_none() {
            IndexMap::new()
        } else {
            media_types
                .into_iter()
                .map(|media_type| {
                    let example = examples
                        .and_then(|e| e.get(&media_type))
                        .filter(|_| !self.docs.options().serving_only)
                        .cloned();
                    let media = MediaType {
                        schema: schema.clone(),
                        example,
                        ..Default::default()
                    };
                    (media_type, media)
                })
                .collect()
        };
        Response {
            status: status.to_string(),
            description: str_field(node, "description"),
            content,
            headers: self.read_headers(node.get("headers"), &loc.key("headers")),
        }
    }
}
