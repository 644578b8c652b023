use super::*;
use crate::contract::{CaseKind, CaseOutcome, CaseResult, TestRunReport, Totals};

fn connector(name: &str) -> ConnectorRecord {
    ConnectorRecord::for_tests("demo", name, "pets.yaml", 1)
}

fn case(outcome: CaseOutcome) -> CaseResult {
    CaseResult {
        tool: "getPet".into(),
        name: "valid".into(),
        kind: CaseKind::Valid,
        arguments: serde_json::Map::new(),
        expect_error: false,
        outcome,
        skip_reason: None,
        checks: Vec::new(),
        result: None,
        call_error: None,
        exchanges: Vec::new(),
        duration_ms: 1,
    }
}

fn record(id: u64, connector: &str, cases: Vec<CaseResult>) -> TestRunRecord {
    let report = TestRunReport {
        target: "python server.py".into(),
        suite: "smoke".into(),
        spec: None,
        api: "mock".into(),
        started_at: 1,
        duration_ms: 2,
        tools: 1,
        totals: Totals::of(&cases),
        cases,
    };
    let mut record = TestRunRecord::from_report(report, Some("demo"), Some(connector));
    record.id = id;
    record
}

/// The pane on project `demo` with two connectors listed and the runs of the first read.
fn pane() -> TestsPane {
    let mut pane = TestsPane::new("demo");
    assert_eq!(pane.show("demo", None).len(), 1);
    let outcome = pane.receive(TestsMessage::Connectors(Ok(vec![
        connector("alpha"),
        connector("beta"),
    ])));
    let TestsOutcome::Run(TestsTask::Runs(of)) = outcome else {
        panic!("the first target's runs are read");
    };
    assert_eq!(of.connector.as_deref(), Some("alpha"));
    let runs = vec![record(
        4,
        "alpha",
        vec![case(CaseOutcome::Passed), case(CaseOutcome::Failed)],
    )];
    pane.receive(TestsMessage::Runs { of, runs: Ok(runs) });
    pane
}

#[test]
fn a_stored_run_opens_at_its_first_failure_and_a_call_opens_its_detail() {
    let mut pane = pane();
    assert_eq!(pane.runs.len(), 1);
    pane.act(Action::Open); // Targets -> Runs
    assert_eq!(pane.column, Column::Runs);
    pane.act(Action::Open);
    assert_eq!(pane.column, Column::Calls);
    assert_eq!(pane.case_cursor, 1, "on the failure");
    assert_eq!(pane.shown.as_ref().unwrap().stored, Some(4));
    pane.act(Action::Open);
    let detail = pane.detail.as_ref().expect("the detail");
    assert_eq!(detail.title, "getPet / valid · FAILED");
    assert!(
        pane.focused_text()
            .unwrap()
            .starts_with("getPet / valid · FAILED\n")
    );
    pane.act(Action::Back);
    assert!(pane.detail.is_none());
    assert!(
        pane.focused_text()
            .unwrap()
            .contains("FAILED getPet / valid")
    );
    // Moving to the second connector asks for its runs; the first one's answer, late, is dropped.
    pane.act(Action::PreviousColumn);
    pane.act(Action::PreviousColumn);
    let TestsOutcome::Run(TestsTask::Runs(of)) = pane.act(Action::Down) else {
        panic!("the runs of beta");
    };
    assert_eq!(of.connector.as_deref(), Some("beta"));
    let late = pane.receive(TestsMessage::Runs {
        of: RunsOf {
            project: "demo".into(),
            connector: Some("alpha".into()),
            target: String::new(),
        },
        runs: Ok(vec![record(4, "alpha", Vec::new())]),
    });
    assert!(matches!(late, TestsOutcome::Nothing));
    assert!(pane.runs.is_empty());
}

#[test]
fn a_run_takes_the_settings_collects_calls_and_ignores_other_runs() {
    let mut pane = pane();
    pane.act(Action::CycleSuite);
    pane.act(Action::ToggleWrites);
    pane.act(Action::CycleApi);
    assert_eq!(pane.api, ApiChoice::FaultyMock);
    let TestsOutcome::Run(TestsTask::Run(request)) = pane.act(Action::RunSuite) else {
        panic!("a run");
    };
    assert_eq!(request.options.suite, Suite::Full);
    assert!(request.options.allow_writes);
    assert_eq!(request.api, ApiChoice::FaultyMock);
    assert!(matches!(&request.target, TestTarget::Connector(c) if c.name == "alpha"));
    assert!(pane.is_running());
    assert!(matches!(pane.act(Action::RunSuite), TestsOutcome::Toast(_)));
    let run = request.run;
    pane.receive(TestsMessage::Event {
        run,
        event: RunEvent::Started { tools: 1, cases: 2 },
    });
    pane.receive(TestsMessage::Event {
        run: run + 7,
        event: RunEvent::Started { tools: 9, cases: 9 },
    });
    pane.receive(TestsMessage::Event {
        run,
        event: RunEvent::CaseFinished {
            index: 0,
            total: 2,
            case: Box::new(case(CaseOutcome::Failed)),
        },
    });
    let shown = pane.shown.as_ref().unwrap();
    assert_eq!((shown.planned, shown.cases.len()), (Some(2), 1));
    // Finished: stored, listed first under the connector, the totals in a toast.
    let stored = record(
        9,
        "alpha",
        vec![case(CaseOutcome::Failed), case(CaseOutcome::Passed)],
    );
    let outcome = pane.receive(TestsMessage::Finished {
        run,
        outcome: Ok(Box::new(stored)),
    });
    assert!(
        matches!(&outcome, TestsOutcome::Toast(t) if t == "1 passed, 1 failed, 0 skipped · success rate 50.0%")
    );
    assert!(!pane.is_running());
    assert_eq!(pane.runs[0].id, 9);
    assert_eq!(pane.shown.as_ref().unwrap().state, RunState::Finished);
    // Ctrl-C with nothing running says so.
    assert!(matches!(pane.act(Action::Cancel), TestsOutcome::Toast(t) if t == "no run to cancel"));
}

#[test]
fn the_api_cycles_through_a_typed_base_url() {
    let mut pane = pane();
    pane.act(Action::CycleApi);
    pane.act(Action::CycleApi);
    assert!(pane.takes_keys());
    for c in "http://127.0.0.1:8080".chars() {
        pane.type_key(KeyEvent::from(KeyCode::Char(c)));
    }
    pane.type_key(KeyEvent::from(KeyCode::Enter));
    assert_eq!(pane.api, ApiChoice::BaseUrl("http://127.0.0.1:8080".into()));
    pane.act(Action::CycleApi);
    assert_eq!(pane.api, ApiChoice::Mock);
    pane.act(Action::CycleApi);
    pane.act(Action::CycleApi);
    pane.type_key(KeyEvent::from(KeyCode::Char('x')));
    let refused = pane.type_key(KeyEvent::from(KeyCode::Enter));
    assert!(matches!(refused, TestsOutcome::Toast(t) if t.contains("not an http(s) URL")));
    assert_eq!(pane.api, ApiChoice::Mock);
}
