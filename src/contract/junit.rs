//! A run as JUnit XML, the form CI systems read: `<testsuites>` with one `<testsuite>` per tool, one
//! `<testcase>` per call (`<failure>` naming the failed checks, `<skipped>` with the reason), times in seconds.

use super::report::{CaseOutcome, CaseResult, CheckStatus, TestRunReport, cut};

/// The JUnit XML of `report`.
pub fn to_junit(report: &TestRunReport) -> String {
    let mut suites: Vec<(&str, Vec<&CaseResult>)> = Vec::new();
    for case in &report.cases {
        match suites.iter_mut().find(|(tool, _)| *tool == case.tool) {
            Some((_, cases)) => cases.push(case),
            None => suites.push((&case.tool, vec![case])),
        }
    }
    let totals = &report.totals;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">\n",
        escape(&format!("mcpow test {}: {}", report.suite, report.target)),
        totals.cases,
        totals.failed,
        totals.skipped,
        seconds(report.duration_ms)
    ));
    for (tool, cases) in &suites {
        let count = |outcome: CaseOutcome| cases.iter().filter(|c| c.outcome == outcome).count();
        let time: u64 = cases.iter().map(|c| c.duration_ms).sum();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">\n",
            escape(tool),
            cases.len(),
            count(CaseOutcome::Failed),
            count(CaseOutcome::Skipped),
            seconds(time)
        ));
        for case in cases {
            testcase(&mut out, case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, case: &CaseResult) {
    out.push_str(&format!(
        "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n",
        escape(&case.name),
        escape(&case.tool),
        seconds(case.duration_ms)
    ));
    match case.outcome {
        CaseOutcome::Skipped => out.push_str(&format!(
            "      <skipped message=\"{}\"/>\n",
            escape(case.skip_reason.as_deref().unwrap_or(""))
        )),
        CaseOutcome::Failed => {
            let message = case
                .first_failure()
                .map(|check| check.line())
                .unwrap_or_default();
            let mut body: Vec<String> = case
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Failed)
                .map(|c| c.line())
                .collect();
            body.push(format!(
                "arguments: {}",
                serde_json::Value::Object(case.arguments.clone())
            ));
            if let Some(exchange) = case.exchanges.last() {
                body.push(format!("HTTP: {}", exchange.summary()));
                if let Some(text) = &exchange.response_body {
                    body.push(format!("response body: {}", cut(text, 2000)));
                }
            }
            if let Some(error) = &case.call_error {
                body.push(format!("call error: {error}"));
            }
            out.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                escape(&cut(&message, 500)),
                escape(case.first_failure().map_or("check", |c| c.check.as_str())),
                escape(&body.join("\n"))
            ));
        }
        CaseOutcome::Passed => {}
    }
    let notes: Vec<String> = case
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Skipped)
        .map(|c| format!("skipped {}", c.line()))
        .collect();
    if !notes.is_empty() {
        out.push_str(&format!(
            "      <system-out>{}</system-out>\n",
            escape(&notes.join("\n"))
        ));
    }
    out.push_str("    </testcase>\n");
}

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// Text for XML attributes and content: the five entities escaped, characters XML 1.0 cannot hold replaced.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}&#10;"
        );
    }
}
