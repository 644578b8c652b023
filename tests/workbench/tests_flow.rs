//! The Tests pane through the app and its real tasks: the smoke suite on the open sample spec served by
//! mcpow, against the mock with injected faults; the calls arrive one by one, the run is stored and listed,
//! a failure opens with its request, response and failing check, and a cancelled run stores nothing.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::contract::{CaseOutcome, CheckStatus};
use mcpoverflow::store::sample::SAMPLE_PROJECT;
use mcpoverflow::tui::contract::{ApiChoice, Column, RunState};
use mcpoverflow::tui::{Effect, Message, Pane};

use super::generate_flow::{Driven, opened};
use super::tools_views::mask_times;

fn finished(app: &mcpoverflow::tui::App) -> bool {
    app.tests
        .shown
        .as_ref()
        .is_some_and(|s| s.state != RunState::Running)
}

/// `127.0.0.1:PORT` for every port on the loopback (the mock's and the proxy's, free ports; five digits).
fn mask_ports(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (before, after) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(before);
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        out.push_str(&"P".repeat(digits));
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_smoke_suite_on_a_faulty_mock_and_a_failure_opened() {
    let mut driven = Driven::new();
    let specs = driven.context.store.specs(SAMPLE_PROJECT).unwrap();
    let (_, effects) = driven.app.update(Message::SpecsListed(Ok(specs)));
    driven.run(effects);
    driven
        .until("the first spec", |app| opened(app).is_some())
        .await;

    // Pane 6 offers the open spec served by mcpow (the sample project has no connector yet).
    driven.key(KeyCode::Char('6'));
    assert_eq!(driven.app.focus, Pane::Tests);
    driven.until("the targets", |app| app.tests.loaded).await;
    let empty = driven.screen(80, 24);
    assert!(empty.contains("serve petstore-3.0.yaml v1"), "{empty}");
    assert!(empty.contains("No stored run"), "{empty}");
    insta::assert_snapshot!("tests_pane_80x24", empty);

    // `a`: the mock with 30 % faults; `r` runs the smoke suite.
    driven.key(KeyCode::Char('a'));
    assert_eq!(driven.app.tests.api, ApiChoice::FaultyMock);
    assert!(driven.screen(80, 24).contains("mock, 30% faults (seed 7)"));
    driven.key(KeyCode::Char('r'));
    assert!(driven.app.tests.is_running());
    // The calls come in one by one (the screen is read while some are still to come).
    driven
        .until("the first call", |app| {
            app.tests
                .shown
                .as_ref()
                .is_some_and(|s| !s.cases.is_empty())
        })
        .await;
    let partial = driven.app.tests.shown.as_ref().unwrap();
    let planned = partial.planned.expect("planned once connected");
    assert!(partial.cases.len() <= planned);
    driven.until("the end of the run", finished).await;
    let shown = driven.app.tests.shown.as_ref().unwrap();
    assert_eq!(shown.state, RunState::Finished);
    assert_eq!(shown.cases.len(), planned);
    let totals = shown.totals();
    assert!(
        totals.failed > 0 && totals.passed > 0,
        "30% faults fail some calls: {totals:?}"
    );
    assert!(totals.skipped > 0, "writes are off: {totals:?}");

    // Stored, linked to the project, and listed under the target.
    let id = shown.stored.expect("stored");
    let stored = driven.context.store.test_run(id).unwrap().unwrap();
    assert_eq!(stored.project.as_deref(), Some(SAMPLE_PROJECT));
    assert_eq!(stored.connector, None);
    assert_eq!(stored.report.target, "mcpow serve petstore-3.0.yaml v1");
    assert_eq!(stored.report.api, "mock with 30% faults (seed 7)");
    assert_eq!(stored.report.cases, shown.cases);
    assert_eq!(driven.app.tests.runs.first().map(|r| r.id), Some(id));
    let run = driven.screen(80, 24);
    let rate = format!("success rate {:.1}%", totals.success_rate());
    for text in [
        format!("{}/{planned} calls", totals.cases),
        format!("{} failed", totals.failed),
        rate.clone(),
        format!("stored as run #{id}"),
        "✗ ".to_string(),
    ] {
        assert!(run.contains(&text), "{text} in {run}");
    }
    insta::assert_snapshot!("tests_run_80x24", mask_times(&run));

    // The cursor is on the first failure: Enter opens it.
    let failure = shown
        .cases
        .iter()
        .find(|c| c.outcome == CaseOutcome::Failed)
        .unwrap()
        .clone();
    let failing = failure.first_failure().unwrap().clone();
    // Its first line (a reason may quote the body on the next).
    let failing_line = format!("✗ {}", failing.line().lines().next().unwrap());
    assert_eq!(driven.app.tests.column, Column::Calls);
    driven.key(KeyCode::Enter);
    let detail = driven.screen(120, 40);
    assert!(driven.app.tests.detail.is_some(), "{detail}");
    for text in [
        format!("{} · FAILED", failure.title()),
        failing_line.clone(),
        "Arguments".to_string(),
        "HTTP (1 seen)".to_string(),
        "injected failure (fail rate 0.3)".to_string(),
    ] {
        assert!(detail.contains(&text), "{text} in {detail}");
    }
    let exchange = &failure.exchanges[0];
    assert!(matches!(exchange.status, 500 | 503), "{exchange:?}");
    assert!(
        detail.contains(&format!("→ {} application/json", exchange.status)),
        "{detail}"
    );
    assert!(
        failure
            .checks
            .iter()
            .any(|c| c.status == CheckStatus::Failed)
    );
    insta::assert_snapshot!("tests_failure_120x40", mask_times(&mask_ports(&detail)));

    // y copies the detail; j scrolls it; Esc closes it.
    let key = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE);
    let (_, effects) = driven.app.update(Message::Input(Event::Key(key)));
    let copied = match effects.as_slice() {
        [Effect::Copy(text)] => text.clone(),
        _ => panic!("y copies"),
    };
    assert!(copied.contains(&failing_line), "{copied}");
    assert!(copied.contains(&exchange.url), "{copied}");
    driven.key(KeyCode::Char('j'));
    assert_eq!(driven.app.tests.detail.as_ref().unwrap().scroll, 1);
    driven.key(KeyCode::Esc);
    assert!(driven.app.tests.detail.is_none());

    // The stored run opens from the Runs column the same way.
    driven.key(KeyCode::Char('h'));
    assert_eq!(driven.app.tests.column, Column::Runs);
    driven.key(KeyCode::Enter);
    assert_eq!(driven.app.tests.column, Column::Calls);
    assert_eq!(driven.app.tests.shown.as_ref().unwrap().stored, Some(id));
    driven.key(KeyCode::Enter);
    let again = driven.screen(120, 40);
    assert!(again.contains(&failing_line), "{again}");
    driven.key(KeyCode::Esc);

    // A run cancelled at once (Ctrl-C) says so and stores nothing.
    driven.key(KeyCode::Char('r'));
    let key = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let (_, effects) = driven.app.update(Message::Input(Event::Key(key)));
    driven.run(effects);
    driven.until("the cancel", finished).await;
    assert_eq!(
        driven.app.tests.shown.as_ref().unwrap().state,
        RunState::Cancelled
    );
    assert!(!driven.app.tests.is_running());
    assert_eq!(driven.context.store.test_runs().unwrap().len(), 1);
}

/// Whether process `pid` is gone (a zombie waiting for its parent counts as gone).
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => true,
    }
}

/// A stored Python "connector" that starts a child, writes both pids and never answers `initialize`: Ctrl-C
/// in the Tests pane cancels the run, and the connector's whole process group is stopped.
#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_run_stops_the_connector_and_its_children() {
    if !super::common::runtime_present("python3", "the Tests pane's cancel test") {
        return;
    }
    let pids = tempfile::tempdir().unwrap();
    let pid_file = pids.path().join("pids");
    let script = format!(
        "import os, subprocess, time\n\
         child = subprocess.Popen(['sleep', '600'])\n\
         with open({path:?} + '.part', 'w') as f:\n    f.write(f'{{os.getpid()}} {{child.pid}}')\n\
         os.rename({path:?} + '.part', {path:?})\n\
         time.sleep(600)\n",
        path = pid_file.display().to_string()
    );
    let mut driven = Driven::new();
    let files = vec![
        mcpoverflow::codegen::GeneratedFile::text("src/hang/__init__.py".into(), ""),
        mcpoverflow::codegen::GeneratedFile::text("src/hang/__main__.py".into(), &script),
    ];
    let record = mcpoverflow::store::ConnectorRecord {
        project: SAMPLE_PROJECT.into(),
        name: "hang-mcp".into(),
        language: "python".into(),
        runtime: "stdio".into(),
        spec: "petstore-3.0.yaml".into(),
        spec_version: 1,
        operations: Vec::new(),
        engine: "embedded".into(),
        ai_model: None,
        tokens_used: None,
        job: None,
        status: mcpoverflow::store::ConnectorStatus::Ready,
        stale: None,
        files: Vec::new(),
        saved_to: None,
        duration_ms: 1,
        created_at: 1,
    };
    driven.context.store.save_connector(record, &files).unwrap();

    driven.key(KeyCode::Char('6'));
    driven.until("the targets", |app| app.tests.loaded).await;
    assert!(driven.screen(80, 24).contains("› hang-mcp (python)"));
    driven.key(KeyCode::Char('r'));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let text = loop {
        if let Ok(text) = std::fs::read_to_string(&pid_file) {
            break text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the connector never started: {}",
            driven.screen(120, 30)
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let started: Vec<u32> = text
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(started.len(), 2);
    assert!(started.iter().all(|&pid| !gone(pid)));
    assert!(
        driven
            .screen(80, 24)
            .contains("starting the server and the API")
    );

    let key = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let (_, effects) = driven.app.update(Message::Input(Event::Key(key)));
    driven.run(effects);
    driven.until("the cancel", finished).await;
    assert_eq!(
        driven.app.tests.shown.as_ref().unwrap().state,
        RunState::Cancelled
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !started.iter().all(|&pid| gone(pid)) {
        assert!(
            std::time::Instant::now() < deadline,
            "still running after the cancel: {started:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(driven.context.store.test_runs().unwrap().is_empty());
}
