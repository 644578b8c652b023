//! A whole project as one JSON file, and back: its specs (every version, with its bytes), connectors (with
//! their files), jobs, the server profiles it uses (secrets are `${env:NAME}` references, never values) and the
//! calls made to its specs and connectors (arguments already redacted).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{CallRecord, ConnectorRecord, JobRecord, ProfileRecord, Project, SpecVersion, Store};
use crate::codegen::GeneratedFile;

/// The format's version, checked on import.
pub const EXPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedSpec {
    pub version: SpecVersion,
    /// The document's text.
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedFile {
    pub path: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedConnector {
    pub record: ConnectorRecord,
    pub files: Vec<ExportedFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectExport {
    pub mcpow_export: u32,
    pub project: Project,
    pub specs: Vec<ExportedSpec>,
    pub connectors: Vec<ExportedConnector>,
    pub jobs: Vec<JobRecord>,
    pub profiles: Vec<ProfileRecord>,
    pub calls: Vec<CallRecord>,
}

fn text(bytes: Vec<u8>, what: &str) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| format!("{what} is not UTF-8 text and cannot be exported"))
}

/// Everything of `project`.
pub fn export_project(store: &Store, name: &str) -> Result<ProjectExport, String> {
    let project = store
        .project(name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no project `{name}`"))?;
    let mut specs = Vec::new();
    for latest in store.specs(name).map_err(|e| e.to_string())? {
        for version in store
            .spec_versions(name, &latest.name)
            .map_err(|e| e.to_string())?
        {
            let bytes = store.spec_bytes(&version).map_err(|e| e.to_string())?;
            let what = format!("{} v{}", version.name, version.version);
            specs.push(ExportedSpec {
                content: text(bytes, &what)?,
                version,
            });
        }
    }
    let mut connectors = Vec::new();
    for record in store.connectors(name).map_err(|e| e.to_string())? {
        let files = store
            .connector_files(&record)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|f| {
                let what = format!("{}'s {}", record.name, f.path);
                Ok(ExportedFile {
                    content: text(f.contents, &what)?,
                    path: f.path,
                })
            })
            .collect::<Result<_, String>>()?;
        connectors.push(ExportedConnector { record, files });
    }
    let jobs: Vec<JobRecord> = store
        .jobs()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|j| j.project == name)
        .collect();
    let profiles: Vec<ProfileRecord> = store
        .profiles()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|p| project.profiles.contains(&p.name))
        .collect();
    // Calls name their server: the project's specs served, its connectors run, or its profiles.
    let mut servers: Vec<String> = specs.iter().map(|s| s.version.name.clone()).collect();
    servers.extend(
        connectors
            .iter()
            .map(|c| format!("connector {}", c.record.name)),
    );
    let calls = store
        .all_calls()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|call| {
            project.profiles.contains(&call.server)
                || servers
                    .iter()
                    .any(|s| call.server.starts_with(&format!("{s} ")))
        })
        .collect();
    Ok(ProjectExport {
        mcpow_export: EXPORT_VERSION,
        project,
        specs,
        connectors,
        jobs,
        profiles,
        calls,
    })
}

/// What an import added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub project: String,
    pub specs: usize,
    pub connectors: usize,
    pub jobs: usize,
    pub calls: usize,
}

/// Adds an export to the store as project `name` (the exported name by default), which must not exist yet.
/// Jobs get new ids (connectors follow them); specs keep their versions in order.
pub fn import_project(
    store: &Store,
    export: ProjectExport,
    name: Option<&str>,
) -> Result<Imported, String> {
    if export.mcpow_export != EXPORT_VERSION {
        return Err(format!(
            "mcpowExport: version {} is not the {EXPORT_VERSION} this mcpow reads",
            export.mcpow_export
        ));
    }
    let name = name.unwrap_or(&export.project.name).to_string();
    if store.project(&name).map_err(|e| e.to_string())?.is_some() {
        return Err(format!(
            "project `{name}` already exists (import it under another name with --as)"
        ));
    }
    let mut specs = export.specs;
    specs.sort_by(|a, b| {
        (&a.version.name, a.version.version).cmp(&(&b.version.name, b.version.version))
    });
    for spec in &specs {
        store
            .add_spec(
                &name,
                &spec.version.name,
                &spec.version.source,
                spec.content.as_bytes(),
            )
            .map_err(|e| e.to_string())?;
    }
    let mut project = export.project;
    project.name = name.clone();
    store.save_project(&project).map_err(|e| e.to_string())?;
    for profile in &export.profiles {
        let exists = store
            .profiles()
            .map_err(|e| e.to_string())?
            .iter()
            .any(|p| p.name == profile.name);
        if !exists {
            store.save_profile(profile).map_err(|e| e.to_string())?;
        }
    }
    let mut job_ids = HashMap::new();
    for mut job in export.jobs.into_iter() {
        let old = job.id;
        job.project = name.clone();
        let stored = store.create_job(job).map_err(|e| e.to_string())?;
        job_ids.insert(old, stored.id);
    }
    let connectors = export.connectors.len();
    for connector in export.connectors {
        let mut record = connector.record;
        record.project = name.clone();
        record.job = record.job.and_then(|id| job_ids.get(&id).copied());
        let files: Vec<GeneratedFile> = connector
            .files
            .into_iter()
            .map(|f| GeneratedFile::text(f.path, &f.content))
            .collect();
        store
            .save_connector(record, &files)
            .map_err(|e| e.to_string())?;
    }
    let calls = export.calls.len();
    for call in export.calls {
        store.append_call(call).map_err(|e| e.to_string())?;
    }
    Ok(Imported {
        project: name,
        specs: specs.len(),
        connectors,
        jobs: job_ids.len(),
        calls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ConnectorStatus, JobKind, now_millis};

    #[test]
    fn a_project_goes_out_and_back_in_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .add_spec("demo", "pets.yaml", "pets.yaml", b"openapi: 3.0.0\n")
            .unwrap();
        store
            .add_spec("demo", "pets.yaml", "pets.yaml", b"openapi: 3.1.0\n")
            .unwrap();
        store
            .add_spec("other", "x.yaml", "x.yaml", b"openapi: 3.0.0\n")
            .unwrap();
        let job = store
            .create_job(JobRecord::queued(
                JobKind::Generate,
                "demo",
                Some("pets"),
                "embedded",
            ))
            .unwrap();
        let record = ConnectorRecord {
            project: "demo".into(),
            name: "pets".into(),
            language: "python".into(),
            runtime: "stdio".into(),
            spec: "pets.yaml".into(),
            spec_version: 2,
            operations: Vec::new(),
            engine: "embedded".into(),
            ai_model: None,
            tokens_used: None,
            job: Some(job.id),
            status: ConnectorStatus::Ready,
            stale: None,
            files: Vec::new(),
            saved_to: None,
            duration_ms: 5,
            created_at: now_millis(),
        };
        let files = vec![GeneratedFile::text("README.md".into(), "# pets\n")];
        store.save_connector(record, &files).unwrap();
        let mut arguments = serde_json::Map::new();
        arguments.insert("api_key".into(), "sk-live-secret".into());
        let call = |server: &str| CallRecord {
            id: 0,
            server: server.into(),
            tool: "getPet".into(),
            arguments: arguments.clone(),
            result: serde_json::json!({}),
            is_error: false,
            duration_ms: 1,
            at: now_millis(),
        };
        store
            .append_call(call("pets.yaml served against the mock"))
            .unwrap();
        store
            .append_call(call("connector pets against the mock"))
            .unwrap();
        store
            .append_call(call("x.yaml served against the mock"))
            .unwrap();

        let export = export_project(&store, "demo").unwrap();
        assert_eq!((export.specs.len(), export.connectors.len()), (2, 1));
        assert_eq!((export.jobs.len(), export.calls.len()), (1, 2));
        let text = serde_json::to_string(&export).unwrap();
        assert!(!text.contains("sk-live-secret"), "secrets never leave");

        let other = tempfile::tempdir().unwrap();
        let fresh = Store::open(other.path()).unwrap();
        let back: ProjectExport = serde_json::from_str(&text).unwrap();
        let imported = import_project(&fresh, back.clone(), None).unwrap();
        assert_eq!(imported.specs, 2);
        let versions = fresh.spec_versions("demo", "pets.yaml").unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(fresh.spec_bytes(&versions[1]).unwrap(), b"openapi: 3.1.0\n");
        let connector = fresh.connector("demo", "pets").unwrap().unwrap();
        assert_eq!(fresh.connector_files(&connector).unwrap(), files);
        let jobs = fresh.jobs().unwrap();
        assert_eq!(connector.job, Some(jobs[0].id));
        assert_eq!(fresh.all_calls().unwrap().len(), 2);
        let again = import_project(&fresh, back.clone(), None).unwrap_err();
        assert!(again.contains("already exists"), "{again}");
        let renamed = import_project(&fresh, back, Some("copy")).unwrap();
        assert_eq!(renamed.project, "copy");
        assert_eq!(fresh.connectors("copy").unwrap().len(), 1);
    }
}
