//! `--strict`: an OpenAPI 3.0 document checked against the typed 3.0 object model of the `openapiv3` crate.
//!
//! The lenient reader loads what it can; this says where a 3.0 document departs from the specification's
//! object model (a missing required field, a wrong type, an unknown variant), as warnings with pointers.
//! `openapiv3` reads references through buffered untagged enums, which hide where inside them a failure is,
//! so the document is checked piece by piece: each parameter, body, response, schema and security scheme alone.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::model::{Warning, escape_pointer_segment, pointer_join};

/// The most departures reported.
const MAX_FINDINGS: usize = 50;

/// Where `doc` does not fit OpenAPI 3.0's object model.
pub(crate) fn check_openapi30(doc: &Value) -> Vec<Warning> {
    let mut findings = Vec::new();
    let Err(whole) = check::<openapiv3::OpenAPI>(doc, "") else {
        return findings;
    };
    check_pieces(doc, &mut findings);
    if findings.is_empty() {
        findings.push(whole);
    }
    findings.truncate(MAX_FINDINGS);
    findings
}

/// Deserializes `value` as `T`; a failure is a warning at `base` plus the path serde reached.
fn check<T: DeserializeOwned>(value: &Value, base: &str) -> Result<(), Warning> {
    let Err(error) = serde_path_to_error::deserialize::<_, T>(value) else {
        return Ok(());
    };
    let mut pointer = base.to_string();
    for segment in error.path().iter() {
        pointer.push('/');
        match segment {
            serde_path_to_error::Segment::Seq { index } => pointer.push_str(&index.to_string()),
            serde_path_to_error::Segment::Map { key } => {
                pointer.push_str(&escape_pointer_segment(key))
            }
            serde_path_to_error::Segment::Enum { variant } => {
                pointer.push_str(&escape_pointer_segment(variant))
            }
            serde_path_to_error::Segment::Unknown => pointer.push('?'),
        }
    }
    if pointer.is_empty() {
        pointer.push('/');
    }
    Err(Warning::new(
        pointer,
        format!("strict OpenAPI 3.0: {}", error.inner()),
    ))
}

/// Checks every entry of the object at `pointer` as a `T`, skipping `$ref`s.
fn check_each<T: DeserializeOwned>(doc: &Value, pointer: &str, findings: &mut Vec<Warning>) {
    let Some(entries) = doc.pointer(pointer).and_then(Value::as_object) else {
        return;
    };
    for (key, value) in entries {
        if value.get("$ref").is_none() && !key.starts_with("x-") {
            findings.extend(check::<T>(value, &pointer_join(pointer, key)).err());
        }
    }
}

fn check_pieces(doc: &Value, findings: &mut Vec<Warning>) {
    if let Some(info) = doc.get("info") {
        findings.extend(check::<openapiv3::Info>(info, "/info").err());
    }
    if let Some(servers) = doc.get("servers") {
        findings.extend(check::<Vec<openapiv3::Server>>(servers, "/servers").err());
    }
    check_each::<openapiv3::Schema>(doc, "/components/schemas", findings);
    check_each::<openapiv3::Parameter>(doc, "/components/parameters", findings);
    check_each::<openapiv3::RequestBody>(doc, "/components/requestBodies", findings);
    check_each::<openapiv3::Response>(doc, "/components/responses", findings);
    check_each::<openapiv3::SecurityScheme>(doc, "/components/securitySchemes", findings);
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let item_pointer = pointer_join("/paths", path);
        for (method, operation) in item {
            let op_pointer = pointer_join(&item_pointer, method);
            if method == "parameters" {
                check_list::<openapiv3::Parameter>(operation, &op_pointer, findings);
                continue;
            }
            if !operation.is_object()
                || matches!(
                    method.as_str(),
                    "summary" | "description" | "servers" | "$ref"
                )
            {
                continue;
            }
            check_operation(operation, &op_pointer, findings);
        }
    }
}

fn check_list<T: DeserializeOwned>(list: &Value, pointer: &str, findings: &mut Vec<Warning>) {
    for (i, item) in list.as_array().into_iter().flatten().enumerate() {
        if item.get("$ref").is_none() {
            findings.extend(check::<T>(item, &format!("{pointer}/{i}")).err());
        }
    }
}

fn check_operation(operation: &Value, pointer: &str, findings: &mut Vec<Warning>) {
    if let Some(parameters) = operation.get("parameters") {
        check_list::<openapiv3::Parameter>(parameters, &format!("{pointer}/parameters"), findings);
    }
    if let Some(body) = operation
        .get("requestBody")
        .filter(|b| b.get("$ref").is_none())
    {
        findings
            .extend(check::<openapiv3::RequestBody>(body, &format!("{pointer}/requestBody")).err());
    }
    let responses_pointer = format!("{pointer}/responses");
    if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            if response.get("$ref").is_none() && !status.starts_with("x-") {
                let at = pointer_join(&responses_pointer, status);
                findings.extend(check::<openapiv3::Response>(response, &at).err());
            }
        }
    }
    // The operation's own fields, with the parts checked above left out.
    let mut rest = operation.clone();
    if let Some(object) = rest.as_object_mut() {
        object.remove("parameters");
        object.remove("requestBody");
        object.insert("responses".to_string(), Value::Object(Default::default()));
    }
    findings.extend(check::<openapiv3::Operation>(&rest, pointer).err());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conforming_document_passes() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/a": {"get": {"responses": {"200": {"description": "ok"}}}}}});
        assert_eq!(check_openapi30(&doc), vec![]);
    }

    #[test]
    fn departures_are_located_inside_references_and_lists() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/a": {"get": {
                "parameters": [{"name": "ok", "in": "query", "schema": {"type": "string"}}, {"name": "bad", "in": "nowhere"}],
                "responses": {"200": {"content": {}}}}}}});
        let findings = check_openapi30(&doc);
        let pointers: Vec<&str> = findings.iter().map(|w| w.pointer.as_str()).collect();
        assert!(
            pointers.contains(&"/paths/~1a/get/parameters/1/in"),
            "{findings:?}"
        );
        assert!(
            pointers.contains(&"/paths/~1a/get/responses/200"),
            "{findings:?}"
        );
        let missing = findings
            .iter()
            .find(|w| w.pointer == "/paths/~1a/get/responses/200")
            .unwrap();
        assert_eq!(
            missing.message,
            "strict OpenAPI 3.0: missing field `description`"
        );
    }
}
