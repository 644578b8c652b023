//! Which format a document is, from its content alone.

use serde_json::Value;

use super::error::SpecError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Detected {
    /// OpenAPI 3.x with its version string; `v31` for 3.1 and later (JSON Schema 2020-12 dialect).
    Openapi {
        version: String,
        v31: bool,
    },
    Swagger2,
    Postman,
    GraphqlIntrospection,
}

/// Identifies a parsed JSON/YAML document, or says clearly why it is none of the formats.
pub(crate) fn detect(doc: &Value, source_name: &str) -> Result<Detected, SpecError> {
    let Some(object) = doc.as_object() else {
        return Err(SpecError::UnknownFormat {
            source_name: source_name.to_string(),
            message: format!(
                "the document is {}, not an API description (OpenAPI, Swagger, Postman or GraphQL)",
                describe(doc)
            ),
        });
    };
    if let Some(version) = object.get("openapi") {
        let version = version_text(version);
        return match version.as_str() {
            v if v.starts_with("3.0") => Ok(Detected::Openapi {
                version,
                v31: false,
            }),
            v if v.starts_with("3.") => Ok(Detected::Openapi { version, v31: true }),
            _ => Err(SpecError::unsupported(
                source_name,
                format!("OpenAPI version `{version}` is not supported (3.0 and 3.1 are)"),
            )),
        };
    }
    if let Some(version) = object.get("swagger") {
        let version = version_text(version);
        return if version.starts_with("2.") {
            Ok(Detected::Swagger2)
        } else {
            Err(SpecError::unsupported(
                source_name,
                format!(
                    "Swagger version `{version}` is not supported (2.0 is; convert older ones to 2.0 or OpenAPI 3)"
                ),
            ))
        };
    }
    if object.contains_key("swaggerVersion") {
        return Err(SpecError::unsupported(
            source_name,
            "Swagger 1.x is not supported (convert it to Swagger 2.0 or OpenAPI 3)",
        ));
    }
    if object.contains_key("__schema")
        || doc.pointer("/data/__schema").is_some_and(Value::is_object)
    {
        return Ok(Detected::GraphqlIntrospection);
    }
    let info_schema = doc
        .pointer("/info/schema")
        .and_then(Value::as_str)
        .unwrap_or("");
    if info_schema.contains("getpostman.com") && info_schema.contains("v1") {
        return Err(postman_v1(source_name));
    }
    // v2 collections without `info.schema` (or without `info`) still have a top-level `item` list.
    if info_schema.contains("getpostman.com") || object.get("item").is_some_and(Value::is_array) {
        return Ok(Detected::Postman);
    }
    if object.get("requests").is_some_and(Value::is_array)
        && (object.contains_key("order")
            || object.contains_key("folders")
            || object.contains_key("name"))
    {
        return Err(postman_v1(source_name));
    }
    Err(SpecError::UnknownFormat {
        source_name: source_name.to_string(),
        message: "not an API description: no `openapi`, `swagger`, Postman `info`/`item` or GraphQL `__schema` field at the top level".to_string(),
    })
}

fn postman_v1(source_name: &str) -> SpecError {
    SpecError::unsupported(
        source_name,
        "this is a legacy Postman v1 collection, which is not supported: export it from Postman as Collection v2.1",
    )
}

fn version_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a plain string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_each_format() {
        assert_eq!(
            detect(&json!({"openapi": "3.1.0"}), "x").unwrap(),
            Detected::Openapi {
                version: "3.1.0".into(),
                v31: true
            }
        );
        assert_eq!(
            detect(&json!({"openapi": "3.0.3"}), "x").unwrap(),
            Detected::Openapi {
                version: "3.0.3".into(),
                v31: false
            }
        );
        assert_eq!(
            detect(&json!({"swagger": "2.0"}), "x").unwrap(),
            Detected::Swagger2
        );
        assert_eq!(
            detect(&json!({"info": {"name": "c"}, "item": []}), "x").unwrap(),
            Detected::Postman
        );
        assert_eq!(
            detect(&json!({"data": {"__schema": {}}}), "x").unwrap(),
            Detected::GraphqlIntrospection
        );
    }

    #[test]
    fn refuses_clearly() {
        let v1 = detect(
            &json!({"id": "1", "name": "c", "requests": [], "order": []}),
            "c.json",
        )
        .unwrap_err();
        assert!(v1.to_string().contains("Postman v1"), "{v1}");
        let list = detect(&json!([1, 2]), "l.json").unwrap_err();
        assert!(list.to_string().contains("an array"), "{list}");
        let other = detect(&json!({"name": "x"}), "o.json").unwrap_err();
        assert!(
            other
                .to_string()
                .starts_with("o.json: not an API description"),
            "{other}"
        );
        let old = detect(&json!({"openapi": "4.0"}), "x").unwrap_err();
        assert!(old.to_string().contains("`4.0`"), "{old}");
    }
}
