//! Contract test runs in the store (`mcpow test`), for the workbench's Tests view.
//!
//! - `test_runs`: id (u64 BE, increasing) -> [`TestRunRecord`]: the run's target, suite, totals and every
//!   call with its request, response and checks.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::contract::TestRunReport;

const TREE: &str = "test_runs";

/// One stored run of a suite: the report, and what it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestRunRecord {
    /// Assigned by the store (from 1).
    #[serde(default)]
    pub id: u64,
    /// The project and connector the run belongs to, when linked.
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub connector: Option<String>,
    /// The target, suite, totals and every call: arguments, result, HTTP exchanges, checks.
    #[serde(flatten)]
    pub report: TestRunReport,
}

impl TestRunRecord {
    /// A record of `report`, linked to `project` and `connector` when given.
    pub fn from_report(
        report: TestRunReport,
        project: Option<&str>,
        connector: Option<&str>,
    ) -> TestRunRecord {
        TestRunRecord {
            id: 0,
            project: project.map(str::to_string),
            connector: connector.map(str::to_string),
            report,
        }
    }

    pub fn passed(&self) -> bool {
        self.report.totals.failed == 0
    }
}

impl Store {
    fn test_run_tree(&self) -> Result<sled::Tree, StoreError> {
        self.db.open_tree(TREE).map_err(|e| self.sled(e))
    }

    /// Stores a run and returns its id once it is on disk.
    pub fn save_test_run(&self, mut run: TestRunRecord) -> Result<u64, StoreError> {
        run.id = self.db.generate_id().map_err(|e| self.sled(e))? + 1;
        let tree = self.test_run_tree()?;
        self.put(&tree, &run.id.to_be_bytes(), &run)?;
        self.flush()?;
        Ok(run.id)
    }

    pub fn test_run(&self, id: u64) -> Result<Option<TestRunRecord>, StoreError> {
        let key = id.to_be_bytes();
        match self.test_run_tree()?.get(key).map_err(|e| self.sled(e))? {
            Some(bytes) => self.decode(&key, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Every run, oldest first.
    pub fn test_runs(&self) -> Result<Vec<TestRunRecord>, StoreError> {
        self.all(&self.test_run_tree()?)
    }

    /// The runs of one connector of a project, oldest first.
    pub fn connector_test_runs(
        &self,
        project: &str,
        connector: &str,
    ) -> Result<Vec<TestRunRecord>, StoreError> {
        Ok(self
            .test_runs()?
            .into_iter()
            .filter(|r| {
                r.project.as_deref() == Some(project) && r.connector.as_deref() == Some(connector)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{CaseKind, CaseOutcome, CaseResult, CheckKind, CheckResult, Totals};

    fn record(connector: Option<&str>) -> TestRunRecord {
        let mut check = CheckResult::failed(CheckKind::Body, "does not fit");
        check.pointer = Some("/id".into());
        let case = CaseResult {
            tool: "getPet".into(),
            name: "valid".into(),
            kind: CaseKind::Valid,
            arguments: serde_json::Map::new(),
            expect_error: false,
            outcome: CaseOutcome::Failed,
            skip_reason: None,
            checks: vec![check],
            result: None,
            call_error: None,
            exchanges: Vec::new(),
            duration_ms: 4,
        };
        let cases = vec![case];
        let report = TestRunReport {
            target: "mcpow serve pets.yaml".into(),
            suite: "smoke".into(),
            spec: Some("pets.yaml".into()),
            api: "mock".into(),
            started_at: 1,
            duration_ms: 5,
            tools: 1,
            totals: Totals::of(&cases),
            cases,
        };
        TestRunRecord::from_report(report, Some("demo"), connector)
    }

    #[test]
    fn runs_survive_a_reopen_and_filter_by_connector() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = {
            let store = Store::open(dir.path()).unwrap();
            (
                store.save_test_run(record(Some("pets-mcp"))).unwrap(),
                store.save_test_run(record(None)).unwrap(),
            )
        };
        assert!(first >= 1 && second > first);
        let store = Store::open(dir.path()).unwrap();
        let run = store.test_run(first).unwrap().unwrap();
        assert_eq!(run.id, first);
        assert!(!run.passed());
        assert_eq!(
            run.report.cases[0].checks[0].pointer.as_deref(),
            Some("/id")
        );
        assert_eq!(store.test_runs().unwrap().len(), 2);
        let linked = store.connector_test_runs("demo", "pets-mcp").unwrap();
        assert_eq!(linked.len(), 1);
        assert_eq!(linked[0].id, first);
        assert!(store.test_run(9_999).unwrap().is_none());
    }
}
