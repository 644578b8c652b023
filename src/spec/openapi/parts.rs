//! OpenAPI 3.x parameters, request bodies, responses and their media types.

use indexmap::IndexMap;
use serde_json::{Value, json};

use super::{Dialect, Loc, Reader, bool_field, str_field};
use crate::spec::model::{MediaType, ParamLocation, ParamStyle, Parameter, RequestBody, Response};

/// Which examples of a media type a load keeps (see [`crate::spec::LoadOptions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ExamplesKept {
    All,
    /// `example`, else the first of `examples` that resolves.
    First,
    None,
}

impl Reader<'_, '_> {
    /// One resolved parameter object. Swagger 2.0 `body`/`formData` parameters are read elsewhere.
    pub(super) fn read_parameter(&mut self, node: &Value, loc: &Loc<'_>) -> Option<Parameter> {
        let Some(name) = str_field(node, "name") else {
            self.warn(loc, "parameter has no `name`; skipped");
            return None;
        };
        let location = match node.get("in").and_then(Value::as_str) {
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query,
            Some("header") => ParamLocation::Header,
            Some("cookie") => ParamLocation::Cookie,
            Some("body") | Some("formData") if self.dialect == Dialect::Swagger2 => return None,
            Some(other) => {
                self.warn(
                    loc,
                    format!("parameter `{name}` has unknown location `{other}`; skipped"),
                );
                return None;
            }
            None => {
                self.warn(loc, format!("parameter `{name}` has no `in`; skipped"));
                return None;
            }
        };
        let (schema, media_type) = if self.dialect == Dialect::Swagger2 {
            (self.swagger_parameter_schema(node, loc), None)
        } else {
            self.parameter_schema(node, loc)
        };
        let mut param = Parameter::new(name, location, schema);
        param.required = bool_field(node, "required") || location == ParamLocation::Path;
        param.deprecated = bool_field(node, "deprecated");
        param.description = str_field(node, "description");
        param.allow_reserved = bool_field(node, "allowReserved");
        param.media_type = media_type;
        if self.dialect == Dialect::Swagger2 {
            super::swagger::apply_collection_format(&mut param, node);
        } else {
            if let Some(style) = node.get("style").and_then(Value::as_str) {
                match ParamStyle::parse(style) {
                    Some(style) => param.style = style,
                    None => self.warn(
                        loc,
                        format!("parameter style `{style}` is unknown; the default is used"),
                    ),
                }
            }
            param.explode = node
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(param.style == ParamStyle::Form);
        }
        param.example = node
            .get("example")
            .or_else(|| node.get("x-example"))
            .cloned();
        if let Some(examples) = node.get("examples") {
            param.examples = self.read_examples(examples, &loc.key("examples"), usize::MAX);
        }
        Some(param)
    }

    /// A 3.x parameter's schema, from `schema` or from its single `content` media type.
    fn parameter_schema(&mut self, node: &Value, loc: &Loc<'_>) -> (Value, Option<String>) {
        if let Some(schema) = node.get("schema") {
            return (self.schema(schema, &loc.key("schema")), None);
        }
        if let Some((media_type, media)) = node
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.iter().next())
        {
            let content_loc = loc.key("content");
            let media_loc = content_loc.key(media_type);
            let schema = match media.get("schema") {
                Some(schema) => self.schema(schema, &media_loc.key("schema")),
                None => json!({}),
            };
            return (schema, Some(media_type.clone()));
        }
        (json!({}), None)
    }

    pub(super) fn read_request_body(
        &mut self,
        value: &Value,
        loc: &Loc<'_>,
    ) -> Option<RequestBody> {
        self.with_deref(value, loc, |reader, node, at| {
            let content = match node.get("content") {
                Some(content) => {
                    let examples = reader.examples_kept(false);
                    reader.read_content(content, &at.key("content"), examples)
                }
                None => IndexMap::new(),
            };
            Some(RequestBody {
                description: str_field(node, "description"),
                required: bool_field(node, "required"),
                content,
            })
        })
    }

    pub(super) fn read_responses(&mut self, value: &Value, loc: &Loc<'_>) -> Vec<Response> {
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
                Some(reader.read_response(status, node, here))
            });
            if let Some(response) = read {
                out.push(response);
            }
        }
        out
    }

    fn read_response(&mut self, status: &str, node: &Value, loc: &Loc<'_>) -> Response {
        let content = match node.get("content") {
            Some(content) => {
                let examples = self.examples_kept(status.starts_with('2'));
                self.read_content(content, &loc.key("content"), examples)
            }
            None => IndexMap::new(),
        };
        Response {
            status: status.to_string(),
            description: str_field(node, "description"),
            content,
            headers: self.read_headers(node.get("headers"), &loc.key("headers")),
        }
    }

    /// Response headers as name to schema.
    pub(super) fn read_headers(
        &mut self,
        value: Option<&Value>,
        loc: &Loc<'_>,
    ) -> IndexMap<String, Value> {
        let Some(headers) = value.and_then(Value::as_object) else {
            return IndexMap::new();
        };
        if self.docs.options().serving_only {
            return IndexMap::new();
        }
        let mut out = IndexMap::with_capacity(headers.len());
        for (name, header) in headers {
            let at = loc.key(name);
            let schema = self.with_deref(header, &at, |reader, node, here| {
                Some(if reader.dialect == Dialect::Swagger2 {
                    reader.swagger_parameter_schema(node, here)
                } else {
                    reader.parameter_schema(node, here).0
                })
            });
            out.insert(name.clone(), schema.unwrap_or_else(|| json!({})));
        }
        out
    }

    /// Which examples of a request body's or response's media types the load keeps.
    fn examples_kept(&self, success_response: bool) -> ExamplesKept {
        let options = self.docs.options();
        if options.serving_only {
            ExamplesKept::None
        } else if !options.connector_only {
            ExamplesKept::All
        } else if success_response {
            ExamplesKept::First
        } else {
            ExamplesKept::None
        }
    }

    /// A `content` map: media type to schema and examples.
    pub(super) fn read_content(
        &mut self,
        value: &Value,
        loc: &Loc<'_>,
        kept: ExamplesKept,
    ) -> IndexMap<String, MediaType> {
        let Some(content) = value.as_object() else {
            self.warn(loc, "`content` is not an object; ignored");
            return IndexMap::new();
        };
        let mut out = IndexMap::with_capacity(content.len());
        for (media_type, media) in content {
            let at = loc.key(media_type);
            let schema = media
                .get("schema")
                .map(|schema| self.schema(schema, &at.key("schema")));
            let example = match kept {
                ExamplesKept::None => None,
                _ => media.get("example").cloned(),
            };
            let examples = match (media.get("examples"), kept) {
                (Some(examples), ExamplesKept::All) => {
                    self.read_examples(examples, &at.key("examples"), usize::MAX)
                }
                // The first example is `example`, else the first of `examples` that resolves.
                (Some(examples), ExamplesKept::First) if example.is_none() => {
                    self.read_examples(examples, &at.key("examples"), 1)
                }
                _ => IndexMap::new(),
            };
            let encoding = media
                .get("encoding")
                .and_then(Value::as_object)
                .map(|e| e.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            out.insert(
                media_type.clone(),
                MediaType {
                    schema,
                    example,
                    examples,
                    encoding,
                },
            );
        }
        out
    }

    /// Named examples: each Example object's `value` (following `$ref`s to components/examples).
    /// `most` of them at most, the first that resolve.
    pub(super) fn read_examples(
        &mut self,
        value: &Value,
        loc: &Loc<'_>,
        most: usize,
    ) -> IndexMap<String, Value> {
        let Some(examples) = value.as_object() else {
            return IndexMap::new();
        };
        let mut out = IndexMap::with_capacity(examples.len().min(most));
        for (name, example) in examples {
            if out.len() == most {
                break;
            }
            let at = loc.key(name);
            let value = self.with_deref(example, &at, |_, node, _| {
                node.get("value").cloned().or_else(|| {
                    node.get("externalValue")
                        .map(|url| json!({ "externalValue": url }))
                })
            });
            if let Some(value) = value {
                out.insert(name.clone(), value);
            }
        }
        out
    }
}
