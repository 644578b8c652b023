//! The workbench's store, in sled: projects, specs (content-addressed, versions in order, with their
//! source), server profiles and call history. One process holds a store at a time; a second one gets
//! [`StoreError::Locked`] naming the path. Every key layout is under a schema version, checked (and migrated)
//! on open.
//!
//! Trees and keys:
//! - `meta`: `schema_version` -> u32 (big-endian)
//!   and `jobs_checked_through` -> u64 BE (see [`jobs`])
//! - `projects`: name -> [`Project`]
//! - `blobs`: SHA-256 hex -> the spec's bytes
//! - `spec_versions`: `project \0 spec \0 version (u32 BE)` -> [`SpecVersion`] (with its [`SpecSummary`])
//! - `profiles`: name -> [`ProfileRecord`]
//! - `calls`: id (u64 BE, increasing) -> [`CallRecord`]
//! - `connectors` and `jobs`: see [`jobs`]
//! - `test_runs`: see [`test_runs`]

pub mod add_spec;
pub mod drift;
pub mod export;
pub mod jobs;
mod migrate;
mod records;
pub mod sample;
pub mod test_runs;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use thiserror::Error;

pub use jobs::{
    ConnectorRecord, ConnectorStatus, JobKind, JobLogEntry, JobRecord, JobStatus, StoredFile,
};
pub use records::{
    CallRecord, ProfileRecord, Project, SpecSummary, SpecVersion, now_millis, redact_arguments,
};
pub use test_runs::TestRunRecord;

/// The key layout this build writes (see [`migrate`] for what each version changed).
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("another mcpow is using the store at {}; close it first (or use another --data-dir)", path.display())]
    Locked { path: PathBuf },
    #[error("the store at {} was written by a newer mcpow (schema {found}; this one reads up to {SCHEMA_VERSION})", path.display())]
    TooNew { path: PathBuf, found: u32 },
    #[error("the store at {}: {source}", path.display())]
    Sled { path: PathBuf, source: sled::Error },
    #[error("the store at {}: record {key} cannot be read: {message}", path.display())]
    Corrupt {
        path: PathBuf,
        key: String,
        message: String,
    },
}

/// An open store.
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    projects: sled::Tree,
    blobs: sled::Tree,
    spec_versions: sled::Tree,
    profiles: sled::Tree,
    calls: sled::Tree,
    connectors: sled::Tree,
    jobs: sled::Tree,
    /// Jobs of the embedded engine found unfinished on open (their process is gone), now failed.
    interrupted: usize,
}

impl Store {
    /// Opens (creating if needed) the store in `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let sled_error = |source: sled::Error| {
            let locked = matches!(&source, sled::Error::Io(e) if e.to_string().contains("could not acquire lock"));
            if locked {
                StoreError::Locked {
                    path: path.to_path_buf(),
                }
            } else {
                StoreError::Sled {
                    path: path.to_path_buf(),
                    source,
                }
            }
        };
        let db = sled::Config::new()
            .path(path)
            .mode(sled::Mode::LowSpace)
            .open()
            .map_err(sled_error)?;
        let tree = |name: &str| db.open_tree(name).map_err(sled_error);
        let store = Store {
            path: path.to_path_buf(),
            projects: tree("projects")?,
            blobs: tree("blobs")?,
            spec_versions: tree("spec_versions")?,
            profiles: tree("profiles")?,
            calls: tree("calls")?,
            connectors: tree("connectors")?,
            jobs: tree("jobs")?,
            db,
            interrupted: 0,
        };
        store.check_schema()?;
        // Only the process holding the store runs embedded jobs: any still "processing" were cut off.
        let mut store = store;
        store.interrupted = store.fail_interrupted_jobs()?;
        Ok(store)
    }

    /// How many unfinished embedded jobs opening the store marked failed ("interrupted").
    pub fn interrupted_at_open(&self) -> usize {
        self.interrupted
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sled(&self, source: sled::Error) -> StoreError {
        StoreError::Sled {
            path: self.path.clone(),
            source,
        }
    }

    /// Writes the schema version into a new store; refuses a newer one; migrates an older one.
    fn check_schema(&self) -> Result<(), StoreError> {
        let meta = self.db.open_tree("meta").map_err(|e| self.sled(e))?;
        let found = meta
            .get("schema_version")
            .map_err(|e| self.sled(e))?
            .and_then(|v| <[u8; 4]>::try_from(v.as_ref()).ok())
            .map(u32::from_be_bytes);
        match found {
            Some(version) if version > SCHEMA_VERSION => Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
            }),
            Some(version) => {
                // One step at a time, each recorded once done: a step cut off is run again whole.
                for step in version..SCHEMA_VERSION {
                    migrate::step(self, step)?;
                    meta.insert("schema_version", &(step + 1).to_be_bytes())
                        .map_err(|e| self.sled(e))?;
                    self.flush()?;
                }
                Ok(())
            }
            None => {
                meta.insert("schema_version", &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| self.sled(e))?;
                self.flush()
            }
        }
    }

    /// Waits until everything written is on disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(|e| self.sled(e))
    }

    fn put<T: Serialize>(
        &self,
        tree: &sled::Tree,
        key: &[u8],
        value: &T,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            key: String::from_utf8_lossy(key).into_owned(),
            message: e.to_string(),
        })?;
        tree.insert(key, bytes).map_err(|e| self.sled(e))?;
        Ok(())
    }

    fn decode<T: DeserializeOwned>(&self, key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
        serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            key: String::from_utf8_lossy(key).into_owned(),
            message: e.to_string(),
        })
    }

    fn all<T: DeserializeOwned>(&self, tree: &sled::Tree) -> Result<Vec<T>, StoreError> {
        tree.iter()
            .map(|entry| {
                let (key, value) = entry.map_err(|e| self.sled(e))?;
                self.decode(&key, &value)
            })
            .collect()
    }

    // Projects and specs.

    pub fn projects(&self) -> Result<Vec<Project>, StoreError> {
        self.all(&self.projects)
    }

    pub fn project(&self, name: &str) -> Result<Option<Project>, StoreError> {
        match self.projects.get(name).map_err(|e| self.sled(e))? {
            Some(bytes) => self.decode(name.as_bytes(), &bytes).map(Some),
            None => Ok(None),
        }
    }

    pub fn save_project(&self, project: &Project) -> Result<(), StoreError> {
        self.put(&self.projects, project.name.as_bytes(), project)?;
        self.flush()
    }

    /// Adds `bytes` as the next version of `spec` in `project` (creating the project), unless they are the
    /// same as the latest version, which is then returned. The bytes are loaded once for their summary.
    pub fn add_spec(
        &self,
        project: &str,
        spec: &str,
        source: &str,
        bytes: &[u8],
    ) -> Result<SpecVersion, StoreError> {
        let summary = || SpecSummary::of_bytes(spec, bytes);
        self.add_spec_with(project, spec, source, bytes, summary)
    }

    /// [`Store::add_spec`] with the summary made by the caller (who has loaded the bytes already); it is
    /// only asked for when the bytes are new.
    pub fn add_spec_with(
        &self,
        project: &str,
        spec: &str,
        source: &str,
        bytes: &[u8],
        summary: impl FnOnce() -> Option<Box<SpecSummary>>,
    ) -> Result<SpecVersion, StoreError> {
        if self.project(project)?.is_none() {
            self.put(
                &self.projects,
                project.as_bytes(),
                &Project {
                    name: project.to_string(),
                    created_at: now_millis(),
                    profiles: Vec::new(),
                },
            )?;
        }
        let hash = hex(&Sha256::digest(bytes));
        let versions = self.spec_versions(project, spec)?;
        if let Some(latest) = versions.last().filter(|v| v.hash == hash) {
            return Ok(latest.clone());
        }
        self.blobs
            .insert(hash.as_bytes(), bytes)
            .map_err(|e| self.sled(e))?;
        let version = SpecVersion {
            project: project.to_string(),
            name: spec.to_string(),
            version: versions.last().map_or(1, |v| v.version + 1),
            hash,
            source: source.to_string(),
            added_at: now_millis(),
            bytes: bytes.len(),
            summary: summary(),
        };
        self.put(
            &self.spec_versions,
            &version_key(project, spec, version.version),
            &version,
        )?;
        self.flush()?;
        Ok(version)
    }

    /// Every version of one spec, oldest first.
    pub fn spec_versions(&self, project: &str, spec: &str) -> Result<Vec<SpecVersion>, StoreError> {
        let prefix = [project.as_bytes(), b"\0", spec.as_bytes(), b"\0"].concat();
        self.spec_versions
            .scan_prefix(prefix)
            .map(|entry| {
                let (key, value) = entry.map_err(|e| self.sled(e))?;
                self.decode(&key, &value)
            })
            .collect()
    }

    /// The latest version of each spec of a project, by name.
    pub fn specs(&self, project: &str) -> Result<Vec<SpecVersion>, StoreError> {
        let prefix = [project.as_bytes(), b"\0"].concat();
        let mut latest: Vec<SpecVersion> = Vec::new();
        for entry in self.spec_versions.scan_prefix(prefix) {
            let (key, value) = entry.map_err(|e| self.sled(e))?;
            let version: SpecVersion = self.decode(&key, &value)?;
            match latest.last_mut() {
                Some(last) if last.name == version.name => *last = version,
                _ => latest.push(version),
            }
        }
        Ok(latest)
    }

    pub fn spec_bytes(&self, version: &SpecVersion) -> Result<Vec<u8>, StoreError> {
        self.blobs
            .get(version.hash.as_bytes())
            .map_err(|e| self.sled(e))?
            .map(|b| b.to_vec())
            .ok_or_else(|| StoreError::Corrupt {
                path: self.path.clone(),
                key: version.hash.clone(),
                message: "the spec's bytes are missing".into(),
            })
    }

    // Profiles.

    pub fn profiles(&self) -> Result<Vec<ProfileRecord>, StoreError> {
        self.all(&self.profiles)
    }

    pub fn save_profile(&self, profile: &ProfileRecord) -> Result<(), StoreError> {
        self.put(&self.profiles, profile.name.as_bytes(), profile)?;
        self.flush()
    }

    // Call history.

    /// Appends a call (its arguments redacted) and returns its id once it is on disk.
    pub fn append_call(&self, mut call: CallRecord) -> Result<u64, StoreError> {
        let id = self.db.generate_id().map_err(|e| self.sled(e))?;
        call.id = id;
        call.arguments = redact_arguments(&call.arguments);
        self.put(&self.calls, &id.to_be_bytes(), &call)?;
        self.flush()?;
        Ok(id)
    }

    /// The last `limit` calls, newest first.
    pub fn recent_calls(&self, limit: usize) -> Result<Vec<CallRecord>, StoreError> {
        self.calls
            .iter()
            .rev()
            .take(limit)
            .map(|entry| {
                let (key, value) = entry.map_err(|e| self.sled(e))?;
                self.decode(&key, &value)
            })
            .collect()
    }

    /// Every call, oldest first.
    pub fn all_calls(&self) -> Result<Vec<CallRecord>, StoreError> {
        self.all(&self.calls)
    }
}

fn version_key(project: &str, spec: &str, version: u32) -> Vec<u8> {
    [
        project.as_bytes(),
        b"\0",
        spec.as_bytes(),
        b"\0",
        &version.to_be_bytes(),
    ]
    .concat()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The default data directory: `$MCPOW_DATA_DIR`, else `$XDG_DATA_HOME/mcpow`, else `~/.local/share/mcpow`.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MCPOW_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("mcpow");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".local/share/mcpow")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_content_addressed_with_versions_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let first = store
            .add_spec("demo", "pets.yaml", "pets.yaml", b"openapi: 3.0.0")
            .unwrap();
        let same = store
            .add_spec("demo", "pets.yaml", "pets.yaml", b"openapi: 3.0.0")
            .unwrap();
        assert_eq!(first, same, "the same bytes are not a new version");
        let second = store
            .add_spec(
                "demo",
                "pets.yaml",
                "https://example.test/pets.yaml",
                b"openapi: 3.1.0",
            )
            .unwrap();
        assert_eq!((first.version, second.version), (1, 2));
        store
            .add_spec("demo", "other.json", "stdin", b"{}")
            .unwrap();
        let latest = store.specs("demo").unwrap();
        let names: Vec<(&str, u32)> = latest
            .iter()
            .map(|v| (v.name.as_str(), v.version))
            .collect();
        assert_eq!(names, [("other.json", 1), ("pets.yaml", 2)]);
        assert_eq!(store.spec_bytes(&latest[1]).unwrap(), b"openapi: 3.1.0");
        assert_eq!(store.spec_versions("demo", "pets.yaml").unwrap().len(), 2);
        assert_eq!(store.projects().unwrap()[0].name, "demo");
    }

    #[test]
    fn a_second_open_is_refused_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let _held = Store::open(dir.path()).unwrap();
        let error = Store::open(dir.path()).err().expect("locked");
        assert!(matches!(error, StoreError::Locked { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains(&dir.path().display().to_string())
        );
    }

    #[test]
    fn a_newer_schema_is_refused_and_survives() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let meta = store.db.open_tree("meta").unwrap();
            meta.insert("schema_version", &99u32.to_be_bytes()).unwrap();
            store.flush().unwrap();
        }
        let error = Store::open(dir.path()).err().expect("too new");
        assert!(error.to_string().contains("schema 99"), "{error}");
    }
}
