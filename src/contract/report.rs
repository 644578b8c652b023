//! What a run found: each call (its arguments, what came back, the HTTP exchanges seen, every check), the
//! totals, and the report as text.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Why a call was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseKind {
    /// Valid arguments (synthesized from the schema, or the spec's examples).
    Valid,
    /// Valid arguments with one at a bound (min/max, length, first/last enum value).
    Boundary,
    /// Invalid arguments: the call must fail.
    Negative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseOutcome {
    Passed,
    Failed,
    Skipped,
}

/// What one check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// `isError` as expected (or the call refused with a JSON-RPC error, for an invalid call).
    ErrorFlag,
    /// The HTTP status is one the operation documents.
    HttpStatus,
    /// The response's content type is one documented for that status.
    ContentType,
    /// The response body fits the documented schema.
    Body,
    /// structuredContent fits the tool's outputSchema.
    OutputSchema,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::ErrorFlag => "error flag",
            CheckKind::HttpStatus => "HTTP status",
            CheckKind::ContentType => "content type",
            CheckKind::Body => "body",
            CheckKind::OutputSchema => "outputSchema",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Passed,
    Failed,
    /// The check could not apply (nothing to observe); never counted as passed.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: CheckKind,
    pub status: CheckStatus,
    /// Why it passed, failed or was skipped.
    pub detail: String,
    /// For schema checks that failed: the JSON pointer of the first failing value (`""` is the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl CheckResult {
    pub fn passed(check: CheckKind, detail: impl Into<String>) -> CheckResult {
        CheckResult {
            check,
            status: CheckStatus::Passed,
            detail: detail.into(),
            pointer: None,
        }
    }

    pub fn failed(check: CheckKind, detail: impl Into<String>) -> CheckResult {
        CheckResult {
            check,
            status: CheckStatus::Failed,
            detail: detail.into(),
            pointer: None,
        }
    }

    pub fn skipped(check: CheckKind, detail: impl Into<String>) -> CheckResult {
        CheckResult {
            check,
            status: CheckStatus::Skipped,
            detail: detail.into(),
            pointer: None,
        }
    }

    /// `body at /name: ...` style, for reports.
    pub fn line(&self) -> String {
        match &self.pointer {
            Some(pointer) => format!(
                "{} at {}: {}",
                self.check.as_str(),
                if pointer.is_empty() { "/" } else { pointer },
                self.detail
            ),
            None => format!("{}: {}", self.check.as_str(), self.detail),
        }
    }
}

/// One HTTP request the server made to the API during a call, and the answer, as the recorder saw them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub method: String,
    /// The URL the API was called at.
    pub url: String,
    /// Headers sent (secret values cut to their first four characters).
    pub request_headers: Vec<(String, String)>,
    /// The request body as text when small UTF-8, else `<N bytes>`.
    #[serde(default)]
    pub request_body: Option<String>,
    /// 0 when the API could not be reached (`error` says why).
    pub status: u16,
    #[serde(default)]
    pub content_type: Option<String>,
    /// The response body as text (cut at 64 KiB), else `<N bytes>`.
    #[serde(default)]
    pub response_body: Option<String>,
    /// Whether `response_body` holds the whole body.
    #[serde(default)]
    pub body_complete: bool,
    #[serde(default)]
    pub error: Option<String>,
    pub duration_ms: u64,
}

impl Exchange {
    /// `GET http://127.0.0.1:1234/v1/pets -> 200 application/json`.
    pub fn summary(&self) -> String {
        let answer = match (&self.error, self.status) {
            (Some(error), 0) => format!("no answer: {error}"),
            (_, status) => format!(
                "{status} {}",
                self.content_type.as_deref().unwrap_or("(no content type)")
            ),
        };
        format!("{} {} -> {answer}", self.method, self.url)
    }
}

/// One tool call and everything checked about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    pub tool: String,
    /// `valid`, `examples`, `boundary: limit = maximum (100)`, `negative: missing required `petId``.
    pub name: String,
    pub kind: CaseKind,
    pub arguments: Map<String, Value>,
    /// Whether the call must fail.
    pub expect_error: bool,
    pub outcome: CaseOutcome,
    /// Why the case was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    pub checks: Vec<CheckResult>,
    /// The tool result as the server sent it (long texts cut).
    #[serde(default)]
    pub result: Option<Value>,
    /// Why the call itself failed (a JSON-RPC error, a time-out, the session ending).
    #[serde(default)]
    pub call_error: Option<String>,
    pub exchanges: Vec<Exchange>,
    pub duration_ms: u64,
}

impl CaseResult {
    /// The check that failed first, if any.
    pub fn first_failure(&self) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.status == CheckStatus::Failed)
    }

    /// `tool / name`.
    pub fn title(&self) -> String {
        format!("{} / {}", self.tool, self.name)
    }
}

/// Counts of cases and checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub checks_passed: usize,
    pub checks_failed: usize,
    pub checks_skipped: usize,
}

impl Totals {
    pub fn of(cases: &[CaseResult]) -> Totals {
        let mut totals = Totals {
            cases: cases.len(),
            ..Totals::default()
        };
        for case in cases {
            match case.outcome {
                CaseOutcome::Passed => totals.passed += 1,
                CaseOutcome::Failed => totals.failed += 1,
                CaseOutcome::Skipped => totals.skipped += 1,
            }
            for check in &case.checks {
                match check.status {
                    CheckStatus::Passed => totals.checks_passed += 1,
                    CheckStatus::Failed => totals.checks_failed += 1,
                    CheckStatus::Skipped => totals.checks_skipped += 1,
                }
            }
        }
        totals
    }

    /// Passed cases among those run, in percent (100 when none ran).
    pub fn success_rate(&self) -> f64 {
        let run = self.passed + self.failed;
        if run == 0 {
            100.0
        } else {
            self.passed as f64 * 100.0 / run as f64
        }
    }
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestRunReport {
    /// The server tested (its command, URL, or `mcpow serve SPEC`).
    pub target: String,
    /// `smoke` or `full`.
    pub suite: String,
    /// The spec the HTTP checks used.
    #[serde(default)]
    pub spec: Option<String>,
    /// `mock`, the API's base URL, or `none`.
    pub api: String,
    /// Unix milliseconds.
    pub started_at: u64,
    pub duration_ms: u64,
    /// How many tools the server listed.
    pub tools: usize,
    pub totals: Totals,
    pub cases: Vec<CaseResult>,
}

impl TestRunReport {
    /// Every case ran or was skipped, and none failed.
    pub fn passed(&self) -> bool {
        self.totals.failed == 0
    }

    /// The readable report: a header, each failure with its reason, the skipped cases' reasons, the rate.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "mcpow test ({} suite): {}\n  spec: {}\n  API: {}\n  {} tools, {} calls\n",
            self.suite,
            self.target,
            self.spec.as_deref().unwrap_or("none"),
            self.api,
            self.tools,
            self.totals.cases
        );
        let failed: Vec<&CaseResult> = self
            .cases
            .iter()
            .filter(|c| c.outcome == CaseOutcome::Failed)
            .collect();
        if !failed.is_empty() {
            out.push_str("\nFailures:\n");
            for case in failed {
                out.push_str(&format!("  FAIL {}\n", case.title()));
                for check in case
                    .checks
                    .iter()
                    .filter(|c| c.status == CheckStatus::Failed)
                {
                    out.push_str(&format!("       {}\n", check.line()));
                }
                if let Some(exchange) = case.exchanges.last() {
                    out.push_str(&format!("       HTTP: {}\n", exchange.summary()));
                }
                out.push_str(&format!(
                    "       arguments: {}\n",
                    cut(&Value::Object(case.arguments.clone()).to_string(), 300)
                ));
            }
        }
        let skipped: Vec<&CaseResult> = self
            .cases
            .iter()
            .filter(|c| c.outcome == CaseOutcome::Skipped)
            .collect();
        if !skipped.is_empty() {
            out.push_str("\nSkipped:\n");
            for case in skipped {
                out.push_str(&format!(
                    "  SKIP {}: {}\n",
                    case.title(),
                    case.skip_reason.as_deref().unwrap_or("")
                ));
            }
        }
        let t = &self.totals;
        out.push_str(&format!(
            "\n{} passed, {} failed, {} skipped of {} calls; success rate {:.1}%\nchecks: {} passed, {} failed, \
             {} skipped; {:.1} s\n",
            t.passed,
            t.failed,
            t.skipped,
            t.cases,
            t.success_rate(),
            t.checks_passed,
            t.checks_failed,
            t.checks_skipped,
            self.duration_ms as f64 / 1000.0
        ));
        out
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(outcome: CaseOutcome, checks: Vec<CheckResult>) -> CaseResult {
        CaseResult {
            tool: "listPets".into(),
            name: "valid".into(),
            kind: CaseKind::Valid,
            arguments: Map::new(),
            expect_error: false,
            outcome,
            skip_reason: None,
            checks,
            result: None,
            call_error: None,
            exchanges: Vec::new(),
            duration_ms: 3,
        }
    }

    #[test]
    fn totals_and_rate_count_cases_and_checks() {
        let mut failing = CheckResult::failed(CheckKind::Body, "\"x\" is not of type \"integer\"");
        failing.pointer = Some("/0/id".into());
        let cases = vec![
            case(
                CaseOutcome::Passed,
                vec![
                    CheckResult::passed(CheckKind::ErrorFlag, "ok"),
                    CheckResult::skipped(CheckKind::HttpStatus, "not observable"),
                ],
            ),
            case(CaseOutcome::Failed, vec![failing.clone()]),
            case(CaseOutcome::Skipped, Vec::new()),
        ];
        let totals = Totals::of(&cases);
        assert_eq!((totals.passed, totals.failed, totals.skipped), (1, 1, 1));
        assert_eq!(
            (
                totals.checks_passed,
                totals.checks_failed,
                totals.checks_skipped
            ),
            (1, 1, 1)
        );
        assert_eq!(totals.success_rate(), 50.0);
        assert_eq!(
            failing.line(),
            "body at /0/id: \"x\" is not of type \"integer\""
        );
        assert_eq!(Totals::default().success_rate(), 100.0);
        assert_eq!(cut("abcdef", 3), "abc…");
    }
}
