//! Connectors and jobs in the store.
//!
//! - `connectors`: `project \0 name` -> [`ConnectorRecord`]; each file's bytes live in `blobs` under their hash.
//! - `jobs`: id (u64 BE, increasing) -> [`JobRecord`]; every transition is written as it happens.
//! - `meta`: `jobs_checked_through` -> the highest job id (u64 BE) that the last open checked for interrupted
//!   jobs; the next open reads only the jobs after it (ids only grow, and only the process holding the store
//!   runs embedded jobs, so the jobs up to it were all finished or marked failed then).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Store, StoreError, hex, now_millis};
use crate::codegen::GeneratedFile;

/// What a connector is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectorStatus {
    Draft,
    Generating,
    Ready,
    Failed,
    Stale,
}

/// One file of a stored connector; its bytes are in `blobs` under `hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub path: String,
    pub hash: String,
    pub bytes: usize,
}

/// A generated connector of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorRecord {
    pub project: String,
    pub name: String,
    /// `python`, `typescript` or `rust`.
    pub language: String,
    /// How it runs, in the engine API's words: `stdio`, `streamable-http` or `docker`.
    pub runtime: String,
    /// The spec and version it was generated from.
    pub spec: String,
    pub spec_version: u32,
    /// The tools selected; empty means every operation.
    #[serde(default)]
    pub operations: Vec<String>,
    /// `embedded`, or the remote engine's URL.
    pub engine: String,
    /// The AI model and tokens used (remote engines only).
    #[serde(default)]
    pub ai_model: Option<String>,
    #[serde(default)]
    pub tokens_used: Option<u64>,
    /// The job that made it.
    #[serde(default)]
    pub job: Option<u64>,
    pub status: ConnectorStatus,
    /// Why it is [`ConnectorStatus::Stale`]: the spec version that broke it and how (see [`super::drift`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<super::drift::Staleness>,
    #[serde(default)]
    pub files: Vec<StoredFile>,
    /// Where it was last saved on disk.
    #[serde(default)]
    pub saved_to: Option<String>,
    pub duration_ms: u64,
    pub created_at: u64,
}

#[cfg(test)]
impl ConnectorRecord {
    /// A ready connector of every tool of `spec` v`version`, made by the embedded engine (for tests).
    pub(crate) fn for_tests(
        project: &str,
        name: &str,
        spec: &str,
        version: u32,
    ) -> ConnectorRecord {
        ConnectorRecord {
            project: project.into(),
            name: name.into(),
            language: "python".into(),
            runtime: "stdio".into(),
            spec: spec.into(),
            spec_version: version,
            operations: Vec::new(),
            engine: "embedded".into(),
            ai_model: None,
            tokens_used: None,
            job: None,
            status: ConnectorStatus::Ready,
            stale: None,
            files: Vec::new(),
            saved_to: None,
            duration_ms: 1,
            created_at: now_millis(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    Generate,
    Tests,
    Validate,
    Fix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Processing,
    Completed,
    Failed,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Generate => "generate",
            JobKind::Tests => "tests",
            JobKind::Validate => "validate",
            JobKind::Fix => "fix",
        }
    }
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Processing => "processing",
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed)
    }
}

/// One line of a job's progress log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobLogEntry {
    /// Unix milliseconds.
    pub at: u64,
    pub stage: String,
    pub message: String,
}

/// A job: its kind, status, timings, progress log, result and error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Assigned by the store.
    #[serde(default)]
    pub id: u64,
    pub kind: JobKind,
    pub status: JobStatus,
    pub project: String,
    #[serde(default)]
    pub connector: Option<String>,
    /// `embedded`, or the remote engine's URL.
    pub engine: String,
    pub created_at: u64,
    #[serde(default)]
    pub started_at: Option<u64>,
    #[serde(default)]
    pub completed_at: Option<u64>,
    /// The current (or last) stage.
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub log: Vec<JobLogEntry>,
    /// A summary of what it made.
    #[serde(default)]
    pub result: Option<Value>,
    #[serde(default)]
    pub error: Option<String>,
    /// What was asked (the engine's own form), to run it again.
    #[serde(default)]
    pub request: Option<Value>,
    /// The job's id on a remote engine, polled again after a restart.
    #[serde(default)]
    pub remote_id: Option<String>,
}

impl JobRecord {
    /// A queued job of `kind` in `project`, on `engine`.
    pub fn queued(kind: JobKind, project: &str, connector: Option<&str>, engine: &str) -> Self {
        JobRecord {
            id: 0,
            kind,
            status: JobStatus::Queued,
            project: project.to_string(),
            connector: connector.map(str::to_string),
            engine: engine.to_string(),
            created_at: now_millis(),
            started_at: None,
            completed_at: None,
            stage: None,
            log: Vec::new(),
            result: None,
            error: None,
            request: None,
            remote_id: None,
        }
    }

    /// Enters `stage` (starting the job if it was queued), logging `message`.
    pub fn enter(&mut self, stage: &str, message: &str) {
        let at = now_millis();
        if self.status == JobStatus::Queued {
            self.status = JobStatus::Processing;
            self.started_at = Some(at);
        }
        self.stage = Some(stage.to_string());
        self.log.push(JobLogEntry {
            at,
            stage: stage.to_string(),
            message: message.to_string(),
        });
    }

    /// Logs `message` under the current stage, without changing the status.
    pub fn note(&mut self, message: &str) {
        self.log.push(JobLogEntry {
            at: now_millis(),
            stage: self.stage.clone().unwrap_or_else(|| "queued".into()),
            message: message.to_string(),
        });
    }

    pub fn complete(&mut self, result: Value) {
        self.enter("done", "completed");
        self.status = JobStatus::Completed;
        self.completed_at = Some(now_millis());
        self.result = Some(result);
    }

    /// Fails the job; one that never started keeps no start time.
    pub fn fail(&mut self, error: &str) {
        self.note(&format!("failed: {error}"));
        self.status = JobStatus::Failed;
        self.completed_at = Some(now_millis());
        self.error = Some(error.to_string());
    }

    /// Milliseconds from start to end (or to now, while it runs).
    pub fn elapsed_ms(&self) -> u64 {
        let start = self.started_at.unwrap_or(self.created_at);
        self.completed_at
            .unwrap_or_else(now_millis)
            .saturating_sub(start)
    }
}

/// The `meta` key of the highest job id checked for interrupted jobs.
const JOBS_CHECKED: &str = "jobs_checked_through";

fn connector_key(project: &str, name: &str) -> Vec<u8> {
    [project.as_bytes(), b"\0", name.as_bytes()].concat()
}

impl Store {
    // Jobs.

    /// Stores a new job and returns it with its id, once it is on disk.
    pub fn create_job(&self, mut job: JobRecord) -> Result<JobRecord, StoreError> {
        // From 1: an id of 0 never shows.
        job.id = self.db.generate_id().map_err(|e| self.sled(e))? + 1;
        self.save_job(&job)?;
        Ok(job)
    }

    /// Writes a job's current state (each transition, as it happens).
    pub fn save_job(&self, job: &JobRecord) -> Result<(), StoreError> {
        self.put(&self.jobs, &job.id.to_be_bytes(), job)?;
        self.flush()
    }

    pub fn job(&self, id: u64) -> Result<Option<JobRecord>, StoreError> {
        let key = id.to_be_bytes();
        match self.jobs.get(key).map_err(|e| self.sled(e))? {
            Some(bytes) => self.decode(&key, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Every job, oldest first.
    pub fn jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        self.all(&self.jobs)
    }

    /// The newest `limit` jobs, newest first (a first screenful without reading the whole history).
    pub fn recent_jobs(&self, limit: usize) -> Result<Vec<JobRecord>, StoreError> {
        self.jobs
            .iter()
            .rev()
            .take(limit)
            .map(|entry| {
                let (key, value) = entry.map_err(|e| self.sled(e))?;
                self.decode(&key, &value)
            })
            .collect()
    }

    /// Marks every unfinished job of the embedded engine failed ("interrupted"): its process is gone.
    /// Returns how many. (Remote jobs are polled again instead.) Reads only the jobs created since the last
    /// check (see the module's `meta` key), so a long history costs nothing here.
    pub fn fail_interrupted_jobs(&self) -> Result<usize, StoreError> {
        let meta = self.db.open_tree("meta").map_err(|e| self.sled(e))?;
        let checked = meta
            .get(JOBS_CHECKED)
            .map_err(|e| self.sled(e))?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map(u64::from_be_bytes);
        let unchecked = match checked {
            Some(id) => self.jobs.range(id.saturating_add(1).to_be_bytes()..),
            None => self.jobs.iter(),
        };
        let mut count = 0;
        let mut last = None;
        for entry in unchecked {
            let (key, value) = entry.map_err(|e| self.sled(e))?;
            let mut job: JobRecord = self.decode(&key, &value)?;
            if job.engine == "embedded" && !job.status.is_finished() {
                job.fail("interrupted");
                self.put(&self.jobs, &key, &job)?;
                count += 1;
            }
            last = Some(key);
        }
        if let Some(key) = last {
            meta.insert(JOBS_CHECKED, key).map_err(|e| self.sled(e))?;
            self.flush()?;
        }
        Ok(count)
    }

    // Connectors.

    /// Stores `connector` with `files` (their bytes content-addressed), replacing one of the same name.
    pub fn save_connector(
        &self,
        mut connector: ConnectorRecord,
        files: &[GeneratedFile],
    ) -> Result<ConnectorRecord, StoreError> {
        connector.files = files
            .iter()
            .map(|file| {
                let hash = hex(&Sha256::digest(&file.contents));
                self.blobs
                    .insert(hash.as_bytes(), file.contents.as_slice())
                    .map_err(|e| self.sled(e))?;
                Ok(StoredFile {
                    path: file.path.clone(),
                    hash,
                    bytes: file.contents.len(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        self.update_connector(&connector)?;
        Ok(connector)
    }

    /// Writes a connector's record (its files' bytes must already be stored).
    pub fn update_connector(&self, connector: &ConnectorRecord) -> Result<(), StoreError> {
        self.put(
            &self.connectors,
            &connector_key(&connector.project, &connector.name),
            connector,
        )?;
        self.flush()
    }

    /// A project's connectors, by name.
    pub fn connectors(&self, project: &str) -> Result<Vec<ConnectorRecord>, StoreError> {
        let prefix = [project.as_bytes(), b"\0"].concat();
        self.connectors
            .scan_prefix(prefix)
            .map(|entry| {
                let (key, value) = entry.map_err(|e| self.sled(e))?;
                self.decode(&key, &value)
            })
            .collect()
    }

    pub fn connector(
        &self,
        project: &str,
        name: &str,
    ) -> Result<Option<ConnectorRecord>, StoreError> {
        let key = connector_key(project, name);
        match self.connectors.get(&key).map_err(|e| self.sled(e))? {
            Some(bytes) => self.decode(&key, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// A stored connector's files, with their bytes.
    pub fn connector_files(
        &self,
        connector: &ConnectorRecord,
    ) -> Result<Vec<GeneratedFile>, StoreError> {
        connector
            .files
            .iter()
            .map(|file| {
                let bytes = self
                    .blobs
                    .get(file.hash.as_bytes())
                    .map_err(|e| self.sled(e))?
                    .ok_or_else(|| StoreError::Corrupt {
                        path: self.path.clone(),
                        key: file.hash.clone(),
                        message: format!("the bytes of {} are missing", file.path),
                    })?;
                Ok(GeneratedFile {
                    path: file.path.clone(),
                    contents: bytes.to_vec(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connector(name: &str) -> ConnectorRecord {
        ConnectorRecord::for_tests("demo", name, "pets.yaml", 1)
    }

    #[test]
    fn connectors_keep_their_files_across_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            GeneratedFile::text("README.md".into(), "# pets\n"),
            GeneratedFile::text("src/server.py".into(), "print('hi')\n"),
        ];
        {
            let store = Store::open(dir.path()).unwrap();
            store.save_connector(connector("pets-mcp"), &files).unwrap();
            store
                .save_connector(connector("other"), &files[..1])
                .unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let stored = store.connectors("demo").unwrap();
        let names: Vec<&str> = stored.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["other", "pets-mcp"]);
        let pets = store.connector("demo", "pets-mcp").unwrap().unwrap();
        assert_eq!(pets.files[1].bytes, 12);
        assert_eq!(store.connector_files(&pets).unwrap(), files);
        assert!(store.connectors("elsewhere").unwrap().is_empty());
    }

    #[test]
    fn jobs_record_each_transition_and_interrupted_ones_fail() {
        let dir = tempfile::tempdir().unwrap();
        let (done, cut) = {
            let store = Store::open(dir.path()).unwrap();
            let mut done = store
                .create_job(JobRecord::queued(
                    JobKind::Generate,
                    "demo",
                    Some("pets"),
                    "embedded",
                ))
                .unwrap();
            done.enter("analyzing", "10 operations");
            store.save_job(&done).unwrap();
            done.complete(serde_json::json!({"files": 2}));
            store.save_job(&done).unwrap();
            let mut cut = store
                .create_job(JobRecord::queued(
                    JobKind::Generate,
                    "demo",
                    None,
                    "embedded",
                ))
                .unwrap();
            cut.enter("generating code", "python");
            store.save_job(&cut).unwrap();
            let remote = JobRecord::queued(JobKind::Generate, "demo", None, "http://127.0.0.1:9");
            store.create_job(remote).unwrap();
            (done, cut)
        };
        assert!(cut.id > done.id);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.interrupted_at_open(), 1);
        assert_eq!(store.fail_interrupted_jobs().unwrap(), 0, "done on open");
        let jobs = store.jobs().unwrap();
        assert_eq!(jobs.len(), 3);
        assert_eq!(jobs[0], done);
        assert_eq!(jobs[0].log.len(), 2);
        assert_eq!(jobs[1].status, JobStatus::Failed);
        assert_eq!(jobs[1].error.as_deref(), Some("interrupted"));
        assert_eq!(jobs[1].stage.as_deref(), Some("generating code"));
        assert_eq!(
            jobs[2].status,
            JobStatus::Queued,
            "remote jobs are polled again"
        );
        assert_eq!(store.job(done.id).unwrap().unwrap(), done);
    }

    #[test]
    fn an_open_reads_only_the_jobs_since_the_last_one() {
        let dir = tempfile::tempdir().unwrap();
        let old = {
            let store = Store::open(dir.path()).unwrap();
            let old = store
                .create_job(JobRecord::queued(
                    JobKind::Generate,
                    "demo",
                    None,
                    "embedded",
                ))
                .unwrap();
            let mut done = old.clone();
            done.complete(serde_json::json!({}));
            store.save_job(&done).unwrap();
            old
        };
        {
            // This open checks the finished job; a record up to it is never read again.
            let store = Store::open(dir.path()).unwrap();
            assert_eq!(store.interrupted_at_open(), 0);
            store
                .jobs
                .insert(old.id.to_be_bytes(), b"not json".as_slice())
                .unwrap();
            let mut cut = store
                .create_job(JobRecord::queued(JobKind::Tests, "demo", None, "embedded"))
                .unwrap();
            cut.enter("generating tests", "python");
            store.save_job(&cut).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.interrupted_at_open(), 1, "the job after the mark");
        assert_eq!(
            store.recent_jobs(1).unwrap()[0].error.as_deref(),
            Some("interrupted")
        );
        assert!(
            store.job(old.id).is_err(),
            "the old record was not read on open"
        );
        drop(store);
        assert_eq!(Store::open(dir.path()).unwrap().interrupted_at_open(), 0);
    }
}
