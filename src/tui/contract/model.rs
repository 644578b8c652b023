//! What the Tests pane shows and runs: the targets, the API choices, a run on screen and a call's detail.

use std::sync::Arc;

use super::detail::DetailLine;
use super::tasks::{FAULT_PERCENT, FAULT_SEED};
use crate::contract::{CaseOutcome, CaseResult, Totals};
use crate::spec::model::ApiModel;
use crate::store::{ConnectorRecord, SpecVersion, TestRunRecord};

/// What a suite runs on.
#[derive(Clone)]
pub enum TestTarget {
    /// The spec open in the Specs pane, served by mcpow itself.
    ServedSpec {
        version: SpecVersion,
        model: Arc<ApiModel>,
    },
    /// A generated connector, run with its own runtime.
    Connector(Box<ConnectorRecord>),
}

impl TestTarget {
    pub fn label(&self) -> String {
        match self {
            TestTarget::ServedSpec { version, .. } => {
                format!("serve {} v{}", version.name, version.version)
            }
            TestTarget::Connector(record) => format!("{} ({})", record.name, record.language),
        }
    }

    /// In a sentence: `petstore.yaml v1 served by mcpow`, `the connector clinic (python)`.
    pub fn description(&self) -> String {
        match self {
            TestTarget::ServedSpec { version, .. } => {
                format!("{} v{} served by mcpow", version.name, version.version)
            }
            TestTarget::Connector(_) => format!("the connector {}", self.label()),
        }
    }

    /// Which stored runs are this target's.
    pub(super) fn runs_of(&self, project: &str) -> RunsOf {
        match self {
            TestTarget::ServedSpec { version, .. } => RunsOf {
                project: project.to_string(),
                connector: None,
                target: format!("mcpow serve {} v{}", version.name, version.version),
            },
            TestTarget::Connector(record) => RunsOf {
                project: project.to_string(),
                connector: Some(record.name.clone()),
                target: String::new(),
            },
        }
    }
}

/// The runs of a connector of a project, or (no connector) of a served spec, by the target they name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunsOf {
    pub project: String,
    pub connector: Option<String>,
    pub target: String,
}

/// The API behind the server under test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiChoice {
    Mock,
    /// The mock failing [`FAULT_PERCENT`] % of requests (seed [`FAULT_SEED`]).
    FaultyMock,
    BaseUrl(String),
}

impl ApiChoice {
    pub fn label(&self) -> String {
        match self {
            ApiChoice::Mock => "mcpow's mock".into(),
            ApiChoice::FaultyMock => {
                format!("mock, {FAULT_PERCENT}% faults (seed {FAULT_SEED})")
            }
            ApiChoice::BaseUrl(url) => url.clone(),
        }
    }
}

/// The pane's columns: targets, their past runs, the calls of the run shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Targets,
    Runs,
    Calls,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Running,
    Finished,
    Cancelled,
    Failed(String),
}

/// A run on screen: one going on, or a stored one.
pub struct ShownRun {
    /// `#3 · smoke` style.
    pub title: String,
    /// The API it called (`mock with 30% faults (seed 7)`, a URL).
    pub api: String,
    /// The store's id once stored.
    pub stored: Option<u64>,
    /// Calls planned (known once connected).
    pub planned: Option<usize>,
    pub cases: Vec<CaseResult>,
    pub state: RunState,
    pub duration_ms: Option<u64>,
}

impl ShownRun {
    pub fn totals(&self) -> Totals {
        Totals::of(&self.cases)
    }

    pub(super) fn stored(record: &TestRunRecord) -> ShownRun {
        ShownRun {
            title: run_title(record),
            api: record.report.api.clone(),
            stored: Some(record.id),
            planned: Some(record.report.cases.len()),
            cases: record.report.cases.clone(),
            state: RunState::Finished,
            duration_ms: Some(record.report.duration_ms),
        }
    }
}

/// `#3 · smoke`.
pub fn run_title(record: &TestRunRecord) -> String {
    format!("#{} · {}", record.id, record.report.suite)
}

/// A call's detail, open over the pane.
pub struct OpenDetail {
    pub title: String,
    pub lines: Vec<DetailLine>,
    pub scroll: usize,
}

/// The first failed call's index (0 when none failed).
pub(super) fn first_failure(cases: &[CaseResult]) -> usize {
    cases
        .iter()
        .position(|c| c.outcome == CaseOutcome::Failed)
        .unwrap_or(0)
}

pub fn outcome_word(case: &CaseResult) -> &'static str {
    match case.outcome {
        CaseOutcome::Passed => "passed",
        CaseOutcome::Failed => "FAILED",
        CaseOutcome::Skipped => "skipped",
    }
}
