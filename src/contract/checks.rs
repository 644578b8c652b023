//! The checks of one call: the tool error flag, the HTTP status, content type and body against the spec's
//! documented responses, and structuredContent against the outputSchema. What cannot be observed is skipped
//! with the reason, never passed.

use serde_json::Value;

use super::report::{CheckKind, CheckResult, Exchange, cut};
use crate::mock::Direction;
use crate::mock::SchemaChecker;
use crate::mock::validate::issues;
use crate::spec::model::{BodyKind, HttpMethod, Operation, Response};

/// How many schema issues a failed check lists.
const ISSUES_SHOWN: usize = 3;

/// How a call ended when it did not bring a result.
#[derive(Debug, Clone, PartialEq)]
pub enum CallFailure {
    /// A JSON-RPC error answer (invalid params, say).
    Refused { code: i32, message: String },
    /// A time-out, the session ending, a protocol error.
    Failed(String),
}

impl CallFailure {
    pub fn describe(&self) -> String {
        match self {
            CallFailure::Refused { code, message } => format!("JSON-RPC error {code}: {message}"),
            CallFailure::Failed(message) => message.clone(),
        }
    }
}

/// The tool's result text (its text blocks joined), for messages and the result-body check.
pub fn result_text(result: &Value) -> String {
    result
        .get("content")
        .and_then(Value::as_array)
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

pub fn is_error_result(result: &Value) -> bool {
    result.get("isError").and_then(Value::as_bool) == Some(true)
}

/// `isError` as the case expects; a JSON-RPC refusal counts as an error.
pub fn error_flag(expect_error: bool, outcome: Result<&Value, &CallFailure>) -> CheckResult {
    let check = CheckKind::ErrorFlag;
    match outcome {
        Err(CallFailure::Refused { .. }) if expect_error => CheckResult::passed(
            check,
            format!("refused as expected ({})", cut(&outcome_text(outcome), 200)),
        ),
        Err(failure @ CallFailure::Refused { .. }) => CheckResult::failed(
            check,
            format!("the call was refused: {}", cut(&failure.describe(), 300)),
        ),
        Err(failure) => CheckResult::failed(
            check,
            format!("the call failed: {}", cut(&failure.describe(), 300)),
        ),
        Ok(result) => match (is_error_result(result), expect_error) {
            (true, true) => CheckResult::passed(
                check,
                format!("isError as expected: {}", cut(&result_text(result), 200)),
            ),
            (false, false) => CheckResult::passed(check, "no error, as expected"),
            (true, false) => CheckResult::failed(
                check,
                format!(
                    "the tool reported an error: {}",
                    cut(&result_text(result), 400)
                ),
            ),
            (false, true) => CheckResult::failed(
                check,
                format!(
                    "the invalid call succeeded (isError expected): {}",
                    cut(&result_text(result), 200)
                ),
            ),
        },
    }
}

/// A valid call's error that only says the data is not there (or the caller lacks access): the API answered a
/// 4xx the operation documents, other than 400 and 422 (which refuse arguments that fit the schema). The error
/// flag cannot be judged then: skipped, with the answer.
pub fn data_dependent_error(op: &Operation, exchange: &Exchange) -> Option<CheckResult> {
    let status = exchange.status;
    if !(401..500).contains(&status) || status == 422 {
        return None;
    }
    let documented = documented_response(op, status).filter(|r| r.status != "default")?;
    Some(CheckResult::skipped(
        CheckKind::ErrorFlag,
        format!(
            "the API answered {status}, documented ({}): the call depends on data or access the API does not \
             have, so success could not be checked",
            documented
                .description
                .as_deref()
                .map_or(documented.status.as_str(), |d| d)
        ),
    ))
}

fn outcome_text(outcome: Result<&Value, &CallFailure>) -> String {
    match outcome {
        Ok(result) => result_text(result),
        Err(failure) => failure.describe(),
    }
}

/// The response `op` documents for `status`: exact, then `2XX`, then `default`.
pub fn documented_response(op: &Operation, status: u16) -> Option<&Response> {
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    op.responses
        .iter()
        .find(|r| r.status == exact)
        .or_else(|| {
            op.responses
                .iter()
                .find(|r| r.status.eq_ignore_ascii_case(&range))
        })
        .or_else(|| op.responses.iter().find(|r| r.status == "default"))
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether `actual` fits the documented `pattern` (`application/json`, `image/*`, `*/*`).
fn media_matches(pattern: &str, actual: &str) -> bool {
    let (pattern, actual) = (essence(pattern), essence(actual));
    if pattern == "*/*" || pattern == actual {
        return true;
    }
    match pattern.strip_suffix("/*") {
        Some(kind) => actual.split('/').next() == Some(kind),
        None => false,
    }
}

/// The status, content type and body of the exchange that answered the call (the last one, after any
/// redirect), against what `op` documents.
pub fn http_checks(
    checker: &SchemaChecker,
    op: &Operation,
    exchange: &Exchange,
) -> Vec<CheckResult> {
    if exchange.status == 0 {
        return vec![
            CheckResult::failed(
                CheckKind::HttpStatus,
                format!(
                    "the API could not be reached: {}",
                    exchange.error.as_deref().unwrap_or("no answer")
                ),
            ),
            CheckResult::skipped(CheckKind::ContentType, "no answer"),
            CheckResult::skipped(CheckKind::Body, "no answer"),
        ];
    }
    let documented: Vec<&str> = op.responses.iter().map(|r| r.status.as_str()).collect();
    let Some(response) = documented_response(op, exchange.status) else {
        let status = if documented.is_empty() {
            CheckResult::skipped(
                CheckKind::HttpStatus,
                "the operation documents no responses",
            )
        } else {
            CheckResult::failed(
                CheckKind::HttpStatus,
                format!(
                    "{} is not documented (documented: {})",
                    exchange.status,
                    documented.join(", ")
                ),
            )
        };
        return vec![
            status,
            CheckResult::skipped(
                CheckKind::ContentType,
                "no documented response to compare with",
            ),
            CheckResult::skipped(CheckKind::Body, "no documented response to compare with"),
        ];
    };
    let status = CheckResult::passed(
        CheckKind::HttpStatus,
        format!("{} documented (as {})", exchange.status, response.status),
    );
    let has_body = exchange.response_body.is_some();
    if response.content.is_empty() || op.method == HttpMethod::Head {
        let content = if has_body && op.method != HttpMethod::Head {
            CheckResult::failed(
                CheckKind::ContentType,
                format!(
                    "{} is documented without a body, but the answer has one ({})",
                    response.status,
                    exchange
                        .content_type
                        .as_deref()
                        .unwrap_or("no content type")
                ),
            )
        } else {
            CheckResult::passed(CheckKind::ContentType, "no body, none documented")
        };
        return vec![
            status,
            content,
            CheckResult::skipped(CheckKind::Body, "no body documented"),
        ];
    }
    let kinds: Vec<&str> = response.content.keys().map(String::as_str).collect();
    let Some(actual) = exchange.content_type.as_deref() else {
        let content = if has_body {
            CheckResult::failed(
                CheckKind::ContentType,
                format!(
                    "the answer has no content type (documented: {})",
                    kinds.join(", ")
                ),
            )
        } else {
            CheckResult::failed(
                CheckKind::ContentType,
                format!(
                    "the answer is empty, but {} documents a body ({})",
                    response.status,
                    kinds.join(", ")
                ),
            )
        };
        return vec![
            status,
            content,
            CheckResult::skipped(CheckKind::Body, "no body to check"),
        ];
    };
    let Some((media_type, media)) = response
        .content
        .iter()
        .find(|(pattern, _)| media_matches(pattern, actual))
    else {
        return vec![
            status,
            CheckResult::failed(
                CheckKind::ContentType,
                format!(
                    "{actual} is not documented for {} (documented: {})",
                    response.status,
                    kinds.join(", ")
                ),
            ),
            CheckResult::skipped(CheckKind::Body, "no schema for this content type"),
        ];
    };
    let content = CheckResult::passed(CheckKind::ContentType, format!("{actual} documented"));
    let body = match (&media.schema, &exchange.response_body) {
        (None, _) => CheckResult::skipped(CheckKind::Body, format!("{media_type} has no schema")),
        (Some(_), None) => CheckResult::failed(CheckKind::Body, "the body is empty"),
        (Some(_), Some(_)) if !exchange.body_complete => {
            CheckResult::skipped(CheckKind::Body, "the body is too long to check")
        }
        (Some(_), Some(_)) if BodyKind::of(actual) != BodyKind::Json => CheckResult::skipped(
            CheckKind::Body,
            format!("{actual} is not JSON; its schema is not checked"),
        ),
        (Some(schema), Some(text)) => match serde_json::from_str::<Value>(text) {
            Ok(value) => {
                let key = format!("{} {} {media_type}", op.pointer, response.status);
                schema_check(
                    checker,
                    &key,
                    schema,
                    &value,
                    CheckKind::Body,
                    "the response schema",
                )
            }
            Err(e) => {
                CheckResult::failed(CheckKind::Body, format!("{actual} that is not JSON: {e}"))
            }
        },
    };
    vec![status, content, body]
}

/// The body check for a server whose HTTP requests mcpow does not see: the result's JSON (structuredContent,
/// else its text) against the operation's first documented 2xx JSON schema.
pub fn result_body_check(checker: &SchemaChecker, op: &Operation, result: &Value) -> CheckResult {
    if is_error_result(result) {
        return CheckResult::skipped(CheckKind::Body, "an error result: no success body to check");
    }
    let documented = op
        .responses
        .iter()
        .filter(|r| r.status.starts_with('2'))
        .find_map(|r| {
            r.content
                .iter()
                .find(|(media_type, _)| BodyKind::of(media_type) == BodyKind::Json)
                .and_then(|(media_type, media)| Some((r, media_type, media.schema.as_ref()?)))
        });
    let Some((response, media_type, schema)) = documented else {
        return CheckResult::skipped(CheckKind::Body, "no 2xx JSON schema documented");
    };
    let value = match result.get("structuredContent") {
        Some(structured) => structured.clone(),
        None => match serde_json::from_str::<Value>(&result_text(result)) {
            Ok(value) => value,
            Err(_) => {
                return CheckResult::skipped(
                    CheckKind::Body,
                    "the result is not JSON; not compared with the schema",
                );
            }
        },
    };
    let key = format!("{} {} {media_type}", op.pointer, response.status);
    let mut check = schema_check(
        checker,
        &key,
        schema,
        &value,
        CheckKind::Body,
        "the response schema (checked on the tool result)",
    );
    if check.status != super::report::CheckStatus::Failed {
        check
            .detail
            .push_str(" (from the tool result; the HTTP answer itself was not observable)");
    }
    check
}

fn schema_check(
    checker: &SchemaChecker,
    key: &str,
    schema: &Value,
    value: &Value,
    kind: CheckKind,
    what: &str,
) -> CheckResult {
    let validator = checker.validator(key, schema, Direction::Response);
    match validator.as_ref() {
        Ok(validator) => from_issues(kind, what, issues(validator, value, ISSUES_SHOWN)),
        Err(message) => CheckResult::skipped(kind, format!("{what} cannot be compiled: {message}")),
    }
}

fn from_issues(kind: CheckKind, what: &str, found: Vec<crate::mock::Issue>) -> CheckResult {
    let Some(first) = found.first() else {
        return CheckResult::passed(kind, format!("fits {what}"));
    };
    let listed: Vec<String> = found
        .iter()
        .map(|i| {
            format!(
                "{} {}",
                if i.pointer.is_empty() {
                    "/"
                } else {
                    &i.pointer
                },
                i.message
            )
        })
        .collect();
    CheckResult {
        check: kind,
        status: super::report::CheckStatus::Failed,
        detail: format!("does not fit {what}: {}", cut(&listed.join("; "), 600)),
        pointer: Some(first.pointer.clone()),
    }
}

/// structuredContent against the tool's outputSchema.
pub fn output_schema_check(output_schema: Option<&Value>, result: Option<&Value>) -> CheckResult {
    let kind = CheckKind::OutputSchema;
    let Some(schema) = output_schema else {
        return CheckResult::skipped(kind, "the tool declares no outputSchema");
    };
    let Some(result) = result else {
        return CheckResult::skipped(kind, "no result");
    };
    if is_error_result(result) {
        return CheckResult::skipped(kind, "an error result");
    }
    let Some(structured) = result.get("structuredContent") else {
        return CheckResult::failed(
            kind,
            "the tool declares an outputSchema but the result has no structuredContent",
        );
    };
    match jsonschema::options().build(schema) {
        Ok(validator) => from_issues(
            kind,
            "the outputSchema",
            issues(&validator, structured, ISSUES_SHOWN),
        ),
        Err(e) => CheckResult::failed(kind, format!("the outputSchema cannot be compiled: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{ApiModel, MediaType, SpecFormat};
    use serde_json::json;
    use std::sync::Arc;

    fn op() -> Operation {
        let mut op = Operation::new(HttpMethod::Get, "/pets", "/paths/~1pets/get");
        let mut content = indexmap::IndexMap::new();
        content.insert(
            "application/json".to_string(),
            MediaType {
                schema: Some(json!({"type": "array", "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}})),
                example: None,
                examples: Default::default(),
                encoding: Default::default(),
            },
        );
        op.responses.push(Response {
            status: "200".into(),
            description: None,
            content,
            headers: Default::default(),
        });
        op.responses.push(Response {
            status: "204".into(),
            description: None,
            content: Default::default(),
            headers: Default::default(),
        });
        op
    }

    fn exchange(status: u16, content_type: &str, body: &str) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: "http://127.0.0.1/pets".into(),
            request_headers: Vec::new(),
            request_body: None,
            status,
            content_type: Some(content_type.into()),
            response_body: (!body.is_empty()).then(|| body.to_string()),
            body_complete: true,
            error: None,
            duration_ms: 1,
        }
    }

    #[test]
    fn http_checks_name_the_failing_pointer_and_undocumented_answers() {
        let checker = SchemaChecker::new(
            Arc::new(ApiModel::new(SpecFormat::Openapi, "3.1.0", "t")),
            true,
        );
        let good = http_checks(
            &checker,
            &op(),
            &exchange(200, "application/json; charset=utf-8", r#"[{"id": 1}]"#),
        );
        assert!(
            good.iter()
                .all(|c| c.status == super::super::report::CheckStatus::Passed),
            "{good:?}"
        );
        let bad = http_checks(
            &checker,
            &op(),
            &exchange(200, "application/json", r#"[{"id": 1}, {"id": "x"}]"#),
        );
        assert_eq!(bad[2].status, super::super::report::CheckStatus::Failed);
        assert_eq!(bad[2].pointer.as_deref(), Some("/1/id"));
        let missing = http_checks(
            &checker,
            &op(),
            &exchange(200, "application/json", r#"[{}]"#),
        );
        assert_eq!(missing[2].pointer.as_deref(), Some("/0/id"));
        let undocumented = http_checks(&checker, &op(), &exchange(418, "text/plain", "teapot"));
        assert_eq!(
            undocumented[0].status,
            super::super::report::CheckStatus::Failed
        );
        assert!(
            undocumented[0].detail.contains("200, 204"),
            "{}",
            undocumented[0].detail
        );
        let wrong_type = http_checks(&checker, &op(), &exchange(200, "text/html", "<p>"));
        assert_eq!(
            wrong_type[1].status,
            super::super::report::CheckStatus::Failed
        );
        let mut not_found = exchange(404, "application/json", "{}");
        let mut with_404 = op();
        with_404.responses.push(Response {
            status: "404".into(),
            description: Some("No such pet".into()),
            content: Default::default(),
            headers: Default::default(),
        });
        let skipped = data_dependent_error(&with_404, &not_found).expect("a documented 404");
        assert!(skipped.detail.contains("No such pet"), "{}", skipped.detail);
        assert!(
            data_dependent_error(&op(), &not_found).is_none(),
            "undocumented"
        );
        not_found.status = 400;
        assert!(data_dependent_error(&with_404, &not_found).is_none());
        let no_content = http_checks(&checker, &op(), &exchange(204, "text/plain", ""));
        assert_eq!(
            no_content[1].status,
            super::super::report::CheckStatus::Passed
        );
        assert!(media_matches("image/*", "image/png") && !media_matches("image/*", "text/png"));
    }

    #[test]
    fn error_flag_and_output_schema() {
        let ok =
            json!({"content": [{"type": "text", "text": "{}"}], "structuredContent": {"n": "x"}});
        let refused = CallFailure::Refused {
            code: -32602,
            message: "bad".into(),
        };
        use super::super::report::CheckStatus::{Failed, Passed, Skipped};
        assert_eq!(error_flag(false, Ok(&ok)).status, Passed);
        assert_eq!(error_flag(true, Ok(&ok)).status, Failed);
        assert_eq!(error_flag(true, Err(&refused)).status, Passed);
        assert_eq!(error_flag(false, Err(&refused)).status, Failed);
        let schema = json!({"type": "object", "properties": {"n": {"type": "integer"}}});
        let check = output_schema_check(Some(&schema), Some(&ok));
        assert_eq!(
            (check.status, check.pointer.as_deref()),
            (Failed, Some("/n"))
        );
        assert_eq!(output_schema_check(None, Some(&ok)).status, Skipped);
        let plain = json!({"content": []});
        assert_eq!(
            output_schema_check(Some(&schema), Some(&plain)).status,
            Failed
        );
    }
}
