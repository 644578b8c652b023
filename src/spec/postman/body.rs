//! Request bodies by mode (raw, urlencoded, formdata, file, graphql) and saved example responses.

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::fields::{Entry, entries, non_empty};
use super::params::example_value;
use super::{Reader, first_free};
use crate::spec::infer::{media_from_body, parse_example_json, schema_from_example};
use crate::spec::model::{MediaType, RequestBody, Response};

impl Reader {
    pub(super) fn request_body(
        &mut self,
        body: Option<&Value>,
        headers: &[Entry],
        pointer: &str,
    ) -> Option<RequestBody> {
        let body = body?.as_object()?;
        if body.get("disabled").and_then(Value::as_bool) == Some(true) {
            return None;
        }
        let pointer = format!("{pointer}/request/body");
        let mode = body.get("mode").and_then(Value::as_str).unwrap_or("");
        let (media_type, media) = match mode {
            "raw" => self.raw_body(body, headers, &pointer)?,
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
                schema_media(binary_schema()),
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

    /// A raw body's media type, from its Content-Type header, its declared language or its text.
    fn raw_body(
        &mut self,
        body: &Map<String, Value>,
        headers: &[Entry],
        pointer: &str,
    ) -> Option<(String, MediaType)> {
        let raw = body
            .get("raw")
            .and_then(Value::as_str)
            .filter(|r| !r.trim().is_empty())?;
        let content_type = self.content_type(headers);
        let language = body.get("options").and_then(|o| o.pointer("/raw/language"));
        let inferred = media_from_body(
            raw,
            content_type.as_deref(),
            language.and_then(Value::as_str),
        );
        if inferred.invalid_json {
            let message =
                "the raw body is declared as JSON but does not parse; its schema is left open";
            self.warn(pointer, message);
        }
        Some((inferred.media_type, inferred.media))
    }

    /// The request's Content-Type, when it is set and its variables resolve.
    fn content_type(&self, headers: &[Entry]) -> Option<String> {
        let header = headers
            .iter()
            .find(|h| !h.disabled && h.key.eq_ignore_ascii_case("content-type"))?;
        Some(self.resolve(&header.value)).filter(|v| !v.trim().is_empty() && !v.contains("{{"))
    }

    /// One response per status of the saved responses; later ones for a status become named examples.
    pub(super) fn responses(&mut self, list: Option<&Value>, pointer: &str) -> Vec<Response> {
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
}

fn binary_schema() -> Value {
    json!({"type": "string", "format": "binary"})
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
        let mut schema = if is_file {
            binary_schema()
        } else {
            json!({"type": "string"})
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

/// `{query, variables}` with the variables' schema inferred from their example.
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
    let key = first_free(
        &name,
        |key| existing.examples.contains_key(key),
        |n| format!("{name} ({n})"),
    );
    existing.examples.insert(key, example);
}
