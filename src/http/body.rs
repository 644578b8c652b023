//! Request bodies: JSON, form-urlencoded, multipart (a file part takes a local path), text and bytes.
//! A GraphQL operation's body is `{query, variables}`.

use serde_json::{Value, json};

use super::serialize::{encode, scalar_text};
use super::{HttpError, OperationArgs};
use crate::spec::model::{ApiModel, BodyKind, Operation};

/// The largest file a multipart part reads.
const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

pub(super) async fn attach(
    model: &ApiModel,
    op: &Operation,
    args: &OperationArgs,
    request: reqwest::RequestBuilder,
) -> Result<reqwest::RequestBuilder, HttpError> {
    if let Some(graphql) = &op.graphql {
        let variables = args.body.clone().unwrap_or_else(|| json!({}));
        let body = json!({ "query": graphql.document, "variables": variables });
        return Ok(json_body(request, "application/json", &body));
    }
    let Some(value) = &args.body else {
        return Ok(request);
    };
    let media_type = args
        .body_media_type
        .clone()
        .or_else(|| {
            op.request_body
                .as_ref()
                .and_then(|b| b.content.keys().next().cloned())
        })
        .unwrap_or_else(|| "application/json".to_string());
    Ok(match BodyKind::of(&media_type) {
        BodyKind::Json => json_body(request, &media_type, value),
        BodyKind::FormUrlencoded => request
            .header(reqwest::header::CONTENT_TYPE, media_type)
            .body(form_urlencoded(value)),
        BodyKind::Multipart => request.multipart(multipart(model, op, &media_type, value).await?),
        _ => {
            let bytes = match value {
                Value::String(text) => text.clone().into_bytes(),
                other => other.to_string().into_bytes(),
            };
            request
                .header(reqwest::header::CONTENT_TYPE, media_type)
                .body(bytes)
        }
    })
}

fn json_body(
    request: reqwest::RequestBuilder,
    media_type: &str,
    value: &Value,
) -> reqwest::RequestBuilder {
    request
        .header(reqwest::header::CONTENT_TYPE, media_type)
        .body(serde_json::to_vec(value).unwrap_or_default())
}

/// `a=1&tags=x&tags=y`: arrays repeat their key, objects are sent as JSON text.
pub(crate) fn form_urlencoded(value: &Value) -> String {
    let Some(fields) = value.as_object() else {
        return encode(&scalar_text(value), false);
    };
    let mut pairs = Vec::new();
    for (key, value) in fields {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    pairs.push(format!(
                        "{}={}",
                        encode(key, false),
                        encode(&scalar_text(item), false)
                    ));
                }
            }
            other => pairs.push(format!(
                "{}={}",
                encode(key, false),
                encode(&scalar_text(other), false)
            )),
        }
    }
    pairs.join("&")
}

/// Fields whose schema is binary (`format: binary`/`base64`, or a `contentMediaType`): their values are paths.
fn binary_fields(model: &ApiModel, op: &Operation, media_type: &str) -> Vec<String> {
    let schema = op
        .request_body
        .as_ref()
        .and_then(|b| b.content.get(media_type))
        .and_then(|m| m.schema.as_ref());
    let Some(schema) = schema else {
        return Vec::new();
    };
    let schema = model.resolve(schema);
    let mut fields = Vec::new();
    let mut collect = |properties: &Value| {
        for (name, property) in properties.as_object().into_iter().flatten() {
            let property = model.resolve(property);
            let item = property
                .get("items")
                .map(|i| model.resolve(i))
                .unwrap_or(property);
            let binary = matches!(
                item.get("format").and_then(Value::as_str),
                Some("binary") | Some("base64")
            ) || item.get("contentMediaType").is_some();
            if binary {
                fields.push(name.clone());
            }
        }
    };
    if let Some(properties) = schema.get("properties") {
        collect(properties);
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(properties) = model.resolve(part).get("properties") {
            collect(properties);
        }
    }
    fields
}

async fn multipart(
    model: &ApiModel,
    op: &Operation,
    media_type: &str,
    value: &Value,
) -> Result<reqwest::multipart::Form, HttpError> {
    let files = binary_fields(model, op, media_type);
    let encoding = op
        .request_body
        .as_ref()
        .and_then(|b| b.content.get(media_type))
        .map(|m| &m.encoding);
    let mut form = reqwest::multipart::Form::new();
    let Some(fields) = value.as_object() else {
        return Err(HttpError::Arguments(
            "a multipart body must be an object of fields".into(),
        ));
    };
    for (name, value) in fields {
        if value.is_null() {
            continue;
        }
        let values: Vec<&Value> = match value {
            Value::Array(items) if files.contains(name) => items.iter().collect(),
            other => vec![other],
        };
        for value in values {
            let part = if files.contains(name) {
                let declared = encoding
                    .and_then(|e| e.get(name))
                    .and_then(|e| e.get("contentType"))
                    .and_then(Value::as_str);
                file_part(name, value, declared).await?
            } else {
                reqwest::multipart::Part::text(scalar_text(value))
            };
            form = form.part(name.clone(), part);
        }
    }
    Ok(form)
}

async fn file_part(
    name: &str,
    value: &Value,
    declared_type: Option<&str>,
) -> Result<reqwest::multipart::Part, HttpError> {
    let Some(path) = value.as_str() else {
        return Err(HttpError::Arguments(format!(
            "`{name}` takes the path of a local file"
        )));
    };
    let size = tokio::fs::metadata(path)
        .await
        .map_err(|e| HttpError::Arguments(format!("`{name}`: cannot read {path}: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(HttpError::Arguments(format!(
            "`{name}`: {path} is larger than {} MB",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| HttpError::Arguments(format!("`{name}`: cannot read {path}: {e}")))?;
    let file_name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "file".to_string());
    let content_type = file_content_type(declared_type, &file_name);
    reqwest::multipart::Part::bytes(bytes)
        .file_name(file_name)
        .mime_str(&content_type)
        .map_err(|e| HttpError::Arguments(format!("`{name}`: content type {content_type}: {e}")))
}

/// A file part's `Content-Type`: the spec's encoding when it names one type, else a guess from the file's
/// extension, else `application/octet-stream`. Some servers refuse file parts without one.
fn file_content_type(declared: Option<&str>, file_name: &str) -> String {
    let declared = declared
        .and_then(|list| list.split(',').next())
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.contains('*'));
    if let Some(declared) = declared {
        return declared.to_string();
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let guessed = match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "txt" | "log" | "md" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "yaml" | "yml" => "application/yaml",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    };
    guessed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_have_a_content_type() {
        assert_eq!(
            file_content_type(Some("image/png, image/jpeg"), "a.bin"),
            "image/png"
        );
        assert_eq!(file_content_type(Some("image/*"), "a.JPG"), "image/jpeg");
        assert_eq!(file_content_type(None, "notes.txt"), "text/plain");
        assert_eq!(file_content_type(None, "blob"), "application/octet-stream");
    }

    #[test]
    fn form_fields_repeat_arrays_and_encode() {
        let body = json!({"reason": "moved away", "tags": ["a", "b&c"], "skip": null, "n": 3});
        assert_eq!(
            form_urlencoded(&body),
            "reason=moved%20away&tags=a&tags=b%26c&n=3"
        );
    }
}
