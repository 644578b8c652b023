//! One call of a run: made through the session, its HTTP exchanges taken from the recorder, and checked.

use std::time::Instant;

use serde_json::Value;

use super::checks::{self, CallFailure};
use super::recorder::Recorder;
use super::report::{
    CaseKind, CaseOutcome, CaseResult, CheckKind, CheckResult, CheckStatus, Exchange,
};
use super::suite::{PlannedCase, ToolUnderTest};
use crate::mcp::{CallOptions, Session, SessionError};
use crate::mock::SchemaChecker;
use crate::spec::model::{ApiModel, Operation};

/// The longest text block kept of a result.
const MAX_RESULT_TEXT: usize = 16 * 1024;

pub(super) fn skipped(case: PlannedCase, reason: String) -> CaseResult {
    CaseResult {
        tool: case.tool,
        name: case.name,
        kind: case.kind,
        arguments: case.arguments,
        expect_error: case.expect_error,
        outcome: CaseOutcome::Skipped,
        skip_reason: Some(reason),
        checks: Vec::new(),
        result: None,
        call_error: None,
        exchanges: Vec::new(),
        duration_ms: 0,
    }
}

/// What one call needs.
pub(super) struct CallContext<'a> {
    pub(super) tool: &'a ToolUnderTest,
    pub(super) model: Option<&'a ApiModel>,
    pub(super) checker: &'a SchemaChecker,
    pub(super) recorder: Option<&'a Recorder>,
    pub(super) session: &'a Session,
    pub(super) call: &'a CallOptions,
}

impl CallContext<'_> {
    pub(super) async fn run_case(&self, case: PlannedCase) -> CaseResult {
        if let Some(recorder) = self.recorder {
            // Anything from before this call (a late retry, say) is not this call's.
            let _ = recorder.take();
        }
        let clock = Instant::now();
        let answer = self
            .session
            .call_tool(&case.tool, case.arguments.clone(), self.call, None)
            .await;
        let duration_ms = clock.elapsed().as_millis() as u64;
        let exchanges = self.recorder.map(Recorder::take).unwrap_or_default();
        let (result, failure) = match answer {
            Ok(outcome) => (serde_json::to_value(&outcome.result).ok(), None),
            Err(SessionError::Server { code, message }) => {
                (None, Some(CallFailure::Refused { code, message }))
            }
            Err(other) => (None, Some(CallFailure::Failed(other.to_string()))),
        };
        let outcome = match (&result, &failure) {
            (Some(result), _) => Ok(result),
            (None, Some(failure)) => Err(failure),
            (None, None) => Err(&CallFailure::Failed(String::new())),
        };
        let mut flag = checks::error_flag(case.expect_error, outcome);
        if flag.status == CheckStatus::Failed
            && !case.expect_error
            && result.is_some()
            && let Some(exchange) = exchanges.last()
            && let Some(op) = self.operation(Some(exchange))
        {
            flag = checks::data_dependent_error(op, exchange).unwrap_or(flag);
        }
        let mut found = vec![flag];
        found.extend(self.http_checks(&case, result.as_ref(), &exchanges));
        found.push(checks::output_schema_check(
            self.tool.output_schema.as_ref(),
            result.as_ref(),
        ));
        let failed = found.iter().any(|c| c.status == CheckStatus::Failed);
        CaseResult {
            tool: case.tool,
            name: case.name,
            kind: case.kind,
            arguments: case.arguments,
            expect_error: case.expect_error,
            outcome: if failed {
                CaseOutcome::Failed
            } else {
                CaseOutcome::Passed
            },
            skip_reason: None,
            checks: found,
            result: result.map(trimmed),
            call_error: failure.map(|f| f.describe()),
            exchanges,
            duration_ms,
        }
    }

    /// The operation the call maps to: the spec's tool of the same name, else the request seen.
    fn operation(&self, exchange: Option<&Exchange>) -> Option<&Operation> {
        let model = self.model?;
        if let Some(definition) = &self.tool.definition {
            return model.operations.get(definition.operation);
        }
        let exchange = exchange?;
        let base_path = self.recorder.map_or("", Recorder::base_path);
        operation_for(model, &exchange.method, &exchange.url, base_path)
    }

    fn http_checks(
        &self,
        case: &PlannedCase,
        result: Option<&Value>,
        exchanges: &[Exchange],
    ) -> Vec<CheckResult> {
        let skip_all = |reason: &str| {
            [
                CheckKind::HttpStatus,
                CheckKind::ContentType,
                CheckKind::Body,
            ]
            .into_iter()
            .map(|kind| CheckResult::skipped(kind, reason))
            .collect::<Vec<_>>()
        };
        let last = exchanges.last();
        if self.model.is_none() {
            return skip_all("no spec given (--spec)");
        }
        let Some(op) = self.operation(last) else {
            return skip_all("the tool matches no operation of the spec");
        };
        if let Some(exchange) = last {
            return checks::http_checks(self.checker, op, exchange);
        }
        if self.recorder.is_some() {
            return skip_all(if case.kind == CaseKind::Negative {
                "no request reached the API (the call was refused before it)"
            } else {
                "no HTTP request was seen during the call"
            });
        }
        let hidden = "not observable: the server's HTTP requests do not pass through mcpow (give a stdio SERVER \
                      with --mock or --base-url)";
        let body = match result {
            Some(result) => checks::result_body_check(self.checker, op, result),
            None => CheckResult::skipped(CheckKind::Body, "no result"),
        };
        vec![
            CheckResult::skipped(CheckKind::HttpStatus, hidden),
            CheckResult::skipped(CheckKind::ContentType, hidden),
            body,
        ]
    }
}

/// The operation whose method and path template match a request (the API's base path taken off first).
pub fn operation_for<'a>(
    model: &'a ApiModel,
    method: &str,
    url: &str,
    base_path: &str,
) -> Option<&'a Operation> {
    let path = url::Url::parse(url).ok()?.path().to_string();
    let path = path.strip_prefix(base_path).unwrap_or(&path);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut best: Option<(&Operation, usize)> = None;
    for op in &model.operations {
        if !op.method.as_str().eq_ignore_ascii_case(method) {
            continue;
        }
        let template: Vec<&str> = op
            .path
            .split('?')
            .next()
            .unwrap_or("")
            .trim_matches('/')
            .split('/')
            .collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let fits = template.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') && t.ends_with('}') {
                !s.is_empty()
            } else {
                literal += 1;
                t == s
            }
        });
        if fits && best.is_none_or(|(_, score)| literal > score) {
            best = Some((op, literal));
        }
    }
    best.map(|(op, _)| op)
}

/// A result with long text blocks cut, for the report and the store.
fn trimmed(mut result: Value) -> Value {
    if let Some(blocks) = result.get_mut("content").and_then(Value::as_array_mut) {
        for block in blocks {
            for key in ["text", "data", "blob"] {
                if let Some(Value::String(text)) = block.get_mut(key)
                    && text.len() > MAX_RESULT_TEXT
                {
                    *text = super::report::cut(text, MAX_RESULT_TEXT);
                }
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{HttpMethod, SpecFormat};

    #[test]
    fn requests_match_the_most_literal_template() {
        let mut model = ApiModel::new(SpecFormat::Openapi, "3.1.0", "t");
        model
            .operations
            .push(Operation::new(HttpMethod::Get, "/pets/{id}", "/a"));
        model
            .operations
            .push(Operation::new(HttpMethod::Get, "/pets/mine", "/b"));
        model
            .operations
            .push(Operation::new(HttpMethod::Post, "/pets", "/c"));
        let found =
            |method, url| operation_for(&model, method, url, "/v1").map(|op| op.pointer.as_str());
        assert_eq!(found("GET", "http://127.0.0.1:1/v1/pets/7"), Some("/a"));
        assert_eq!(
            found("GET", "http://127.0.0.1:1/v1/pets/mine?x=1"),
            Some("/b")
        );
        assert_eq!(found("POST", "http://127.0.0.1:1/v1/pets"), Some("/c"));
        assert_eq!(found("DELETE", "http://127.0.0.1:1/v1/pets"), None);
    }
}
