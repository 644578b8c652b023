//! A call's detail as lines: the failing check first, the arguments, every check (the failed ones marked,
//! with their JSON pointer), each HTTP request and response the recording proxy saw, and the tool result.
//! The same lines are drawn and copied.

use serde_json::Value;

use crate::contract::{CaseResult, CheckStatus, Exchange};

/// How a line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Heading,
    Plain,
    Dim,
    Passed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailLine {
    pub kind: LineKind,
    pub text: String,
}

fn line(kind: LineKind, text: impl Into<String>) -> DetailLine {
    DetailLine {
        kind,
        text: text.into(),
    }
}

/// `text` as lines (a check's reason may quote a body over several).
fn push(lines: &mut Vec<DetailLine>, kind: LineKind, text: &str) {
    lines.extend(text.lines().map(|l| line(kind, l)));
}

/// Pretty JSON (text that is not JSON as it is), each line indented by `indent` spaces.
fn block(lines: &mut Vec<DetailLine>, text: &str, kind: LineKind, indent: usize) {
    let pretty = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string());
    let pad = " ".repeat(indent);
    lines.extend(pretty.lines().map(|l| line(kind, format!("{pad}{l}"))));
}

pub fn case_detail(case: &CaseResult) -> Vec<DetailLine> {
    let mut lines = Vec::new();
    let kind = format!("{:?}", case.kind).to_lowercase();
    lines.push(line(
        LineKind::Dim,
        format!(
            "{kind} call{} · {} ms",
            if case.expect_error {
                " (must fail)"
            } else {
                ""
            },
            case.duration_ms
        ),
    ));
    if let Some(check) = case.first_failure() {
        push(&mut lines, LineKind::Failed, &format!("✗ {}", check.line()));
    }
    if let Some(reason) = &case.skip_reason {
        push(&mut lines, LineKind::Dim, &format!("skipped: {reason}"));
    }
    if let Some(error) = &case.call_error {
        push(
            &mut lines,
            LineKind::Failed,
            &format!("the call failed: {error}"),
        );
    }
    lines.push(line(LineKind::Heading, "Arguments"));
    block(
        &mut lines,
        &Value::Object(case.arguments.clone()).to_string(),
        LineKind::Plain,
        2,
    );
    lines.push(line(
        LineKind::Heading,
        format!("Checks ({})", case.checks.len()),
    ));
    for check in &case.checks {
        let (mark, kind) = match check.status {
            CheckStatus::Passed => ("✓", LineKind::Passed),
            CheckStatus::Failed => ("✗", LineKind::Failed),
            CheckStatus::Skipped => ("-", LineKind::Dim),
        };
        push(&mut lines, kind, &format!("{mark} {}", check.line()));
        if let Some(pointer) = &check.pointer {
            let at = if pointer.is_empty() { "/" } else { pointer };
            lines.push(line(kind, format!("    JSON pointer: {at}")));
        }
    }
    if case.checks.is_empty() {
        lines.push(line(LineKind::Dim, "  none ran"));
    }
    lines.push(line(
        LineKind::Heading,
        format!("HTTP ({} seen)", case.exchanges.len()),
    ));
    for (index, exchange) in case.exchanges.iter().enumerate() {
        exchange_lines(&mut lines, index + 1, exchange);
    }
    if case.exchanges.is_empty() {
        lines.push(line(
            LineKind::Dim,
            "  the server made no request to the API",
        ));
    }
    lines.push(line(LineKind::Heading, "Result"));
    match &case.result {
        Some(result) => block(&mut lines, &result.to_string(), LineKind::Plain, 2),
        None => lines.push(line(LineKind::Dim, "  none")),
    }
    lines
}

fn exchange_lines(lines: &mut Vec<DetailLine>, number: usize, exchange: &Exchange) {
    lines.push(line(
        LineKind::Plain,
        format!("{number}. {} {}", exchange.method, exchange.url),
    ));
    for (name, value) in &exchange.request_headers {
        lines.push(line(LineKind::Dim, format!("   {name}: {value}")));
    }
    if let Some(body) = exchange.request_body.as_deref().filter(|b| !b.is_empty()) {
        lines.push(line(LineKind::Dim, "   request body:"));
        block(lines, body, LineKind::Plain, 5);
    }
    let kind = if exchange.status >= 400 || exchange.status == 0 {
        LineKind::Failed
    } else {
        LineKind::Passed
    };
    let answer = match (&exchange.error, exchange.status) {
        (Some(error), 0) => format!("   → no answer: {error}"),
        (_, status) => format!(
            "   → {status} {} · {} ms",
            exchange
                .content_type
                .as_deref()
                .unwrap_or("(no content type)"),
            exchange.duration_ms
        ),
    };
    lines.push(line(kind, answer));
    if let Some(body) = exchange.response_body.as_deref().filter(|b| !b.is_empty()) {
        lines.push(line(
            LineKind::Dim,
            if exchange.body_complete {
                "   response body:"
            } else {
                "   response body (cut):"
            },
        ));
        block(lines, body, LineKind::Plain, 5);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{CaseKind, CaseOutcome, CheckKind, CheckResult};

    #[test]
    fn the_failing_check_leads_and_keeps_its_pointer() {
        let mut failed = CheckResult::failed(CheckKind::Body, "\"x\" is not of type \"integer\"");
        failed.pointer = Some("/id".into());
        let case = CaseResult {
            tool: "getPet".into(),
            name: "valid".into(),
            kind: CaseKind::Valid,
            arguments: serde_json::json!({"petId": 7})
                .as_object()
                .cloned()
                .unwrap(),
            expect_error: false,
            outcome: CaseOutcome::Failed,
            skip_reason: None,
            checks: vec![CheckResult::passed(CheckKind::ErrorFlag, "ok"), failed],
            result: None,
            call_error: None,
            exchanges: vec![Exchange {
                method: "GET".into(),
                url: "http://127.0.0.1:1/pets/7".into(),
                request_headers: vec![("accept".into(), "application/json".into())],
                request_body: None,
                status: 200,
                content_type: Some("application/json".into()),
                response_body: Some("{\"id\":\"x\"}".into()),
                body_complete: true,
                error: None,
                duration_ms: 2,
            }],
            duration_ms: 3,
        };
        let lines = case_detail(&case);
        assert_eq!(lines[1].kind, LineKind::Failed);
        assert_eq!(
            lines[1].text,
            "✗ body at /id: \"x\" is not of type \"integer\""
        );
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert!(texts.contains(&"    JSON pointer: /id"), "{texts:?}");
        assert!(texts.contains(&"    \"petId\": 7"), "{texts:?}");
        assert!(
            texts.contains(&"1. GET http://127.0.0.1:1/pets/7"),
            "{texts:?}"
        );
        assert!(texts.contains(&"       \"id\": \"x\""), "{texts:?}");
        assert!(texts.contains(&"✓ error flag: ok"), "{texts:?}");
    }
}
