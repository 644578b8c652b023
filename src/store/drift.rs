//! Spec drift in a project: when a spec gets a new version, what changed in its tools (as `mcpow serve` lists
//! them, default options) and which of the project's connectors, generated from an older version, it breaks.
//!
//! [`spec_added`] compares the new version with the one before it, checks every ready (or already stale)
//! connector of that spec generated from an older version against its own tools only (its selection), marks
//! the ones with breaking changes [`ConnectorStatus::Stale`] (keeping a [`Staleness`]) and the others ready
//! again. [`latest_drift`] computes the same without writing. Both are blocking (they load and build specs):
//! call them off the UI thread.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{ConnectorRecord, ConnectorStatus, SpecVersion, Store, StoreError};
use crate::diff::{ToolDiff, diff_definitions, diff_tools};
use crate::spec::model::ApiModel;
use crate::spec::{LoadOptions, load_bytes};
use crate::tools::{Selection, ToolDefinition, ToolOptions, ToolSet, build_tools};

/// Breaking changes kept with a stale connector (the count is always whole).
pub const KEPT_CHANGES: usize = 100;

/// Why a connector is stale: kept with its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staleness {
    /// The spec version whose changes break it.
    pub version: u32,
    /// How many changes break it.
    pub breaking: usize,
    /// The first [`KEPT_CHANGES`] of them, one line each (`listItems: argument `cursor` removed`).
    pub changes: Vec<String>,
}

/// How one connector fares against the new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorDrift {
    pub connector: String,
    /// The spec version it was generated from.
    pub spec_version: u32,
    /// Its breaking changes, one line each (`getItem: tool removed`).
    pub breaking: Vec<String>,
    /// How many of its changes break nothing.
    pub other_changes: usize,
}

/// A connector that could not be checked (the version it was generated from does not load).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UncheckedConnector {
    pub connector: String,
    pub reason: String,
}

/// What a new version of a spec changes, and for which connectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecDrift {
    pub project: String,
    pub spec: String,
    /// The version before, and the new one.
    pub from: u32,
    pub to: u32,
    /// Every tool's changes from `from` to `to`.
    pub diff: ToolDiff,
    /// Connectors of older versions that the new one breaks (marked stale by [`spec_added`]).
    pub stale: Vec<ConnectorDrift>,
    /// Connectors of older versions that keep working (ready).
    pub ready: Vec<ConnectorDrift>,
    pub unchecked: Vec<UncheckedConnector>,
}

impl SpecDrift {
    /// Every breaking change of the whole diff, one line each, in report order.
    pub fn breaking_lines(&self) -> Vec<String> {
        self.diff
            .breaking_changes()
            .map(|(tool, change)| format!("{tool}: {}", change.describe()))
            .collect()
    }

    /// `v3: 4 breaking changes, 1 connector stale`.
    pub fn headline(&self) -> String {
        let breaking = self.diff.summary.breaking;
        let mut text = format!(
            "{} v{}: {breaking} breaking {}, {} other",
            self.spec,
            self.to,
            plural(breaking, "change", "changes"),
            self.diff.summary.changes.saturating_sub(breaking)
        );
        if !self.stale.is_empty() || !self.ready.is_empty() {
            let stale = self.stale.len();
            text.push_str(&format!(
                ", {stale} {} stale",
                plural(stale, "connector", "connectors")
            ));
        }
        text
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

#[derive(Debug, Error)]
pub enum DriftError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{spec} v{version} is not in project {project}")]
    NoVersion {
        project: String,
        spec: String,
        version: u32,
    },
    #[error("{spec} v{version} cannot be loaded: {message}")]
    Load {
        spec: String,
        version: u32,
        message: String,
    },
}

/// [`super::add_spec::store_spec`], then, for a new version, [`spec_added`]: the version stored, and the one
/// line saying what the new version broke (none for a first or unchanged version). A failed comparison is that
/// line too; the version stays stored.
pub fn store_spec_marking_stale(
    store: &Store,
    project: &str,
    source: &crate::spec::SpecSource,
) -> Result<(SpecVersion, Option<String>), String> {
    match super::add_spec::store_spec(store, project, source)? {
        super::add_spec::Added::New(version) => {
            let said = match spec_added(store, project, &version) {
                Ok(drift) => drift.map(|d| d.headline()),
                Err(e) => Some(format!(
                    "{} v{} was added, but its drift is unknown: {e}",
                    version.name, version.version
                )),
            };
            Ok((version, said))
        }
        super::add_spec::Added::Unchanged(version) => Ok((version, None)),
    }
}

/// `added` was just stored: its drift from the version before, with the connectors marked (stale, or ready
/// again). `None` for a first version. Nothing is marked when the comparison fails.
pub fn spec_added(
    store: &Store,
    project: &str,
    added: &SpecVersion,
) -> Result<Option<SpecDrift>, DriftError> {
    if added.version <= 1 {
        return Ok(None);
    }
    let drift = compare(store, project, &added.name, added.version)?;
    mark_connectors(store, &drift)?;
    Ok(Some(drift))
}

/// The drift from the version before the latest one of `spec` to the latest, without writing anything;
/// `None` when the spec has one version.
pub fn latest_drift(
    store: &Store,
    project: &str,
    spec: &str,
) -> Result<Option<SpecDrift>, DriftError> {
    let versions = store.spec_versions(project, spec)?;
    match versions.last() {
        Some(latest) if versions.len() > 1 => {
            compare(store, project, spec, latest.version).map(Some)
        }
        _ => Ok(None),
    }
}

/// A version loaded, its tools built as `mcpow serve` does by default.
struct Built {
    model: ApiModel,
    tools: ToolSet,
}

/// The versions of one spec, each loaded at most once.
struct Versions<'a> {
    store: &'a Store,
    project: &'a str,
    spec: &'a str,
    versions: Vec<SpecVersion>,
    built: BTreeMap<u32, Arc<Built>>,
}

impl Versions<'_> {
    fn get(&mut self, version: u32) -> Result<Arc<Built>, DriftError> {
        if let Some(built) = self.built.get(&version) {
            return Ok(built.clone());
        }
        let stored = self
            .versions
            .iter()
            .find(|v| v.version == version)
            .ok_or_else(|| DriftError::NoVersion {
                project: self.project.to_string(),
                spec: self.spec.to_string(),
                version,
            })?;
        let bytes = self.store.spec_bytes(stored)?;
        let model =
            load_bytes(&stored.name, &bytes, None, &LoadOptions::default()).map_err(|e| {
                DriftError::Load {
                    spec: self.spec.to_string(),
                    version,
                    message: e.to_string(),
                }
            })?;
        let tools = build_tools(&model, &ToolOptions::default());
        let built = Arc::new(Built { model, tools });
        self.built.insert(version, built.clone());
        Ok(built)
    }
}

/// The drift to version `to` of `spec` from the version before it; reads only.
fn compare(store: &Store, project: &str, spec: &str, to: u32) -> Result<SpecDrift, DriftError> {
    let stored = store.spec_versions(project, spec)?;
    let missing = |version: u32| DriftError::NoVersion {
        project: project.to_string(),
        spec: spec.to_string(),
        version,
    };
    let index = stored
        .iter()
        .position(|v| v.version == to)
        .ok_or_else(|| missing(to))?;
    let from = index
        .checked_sub(1)
        .and_then(|i| stored.get(i))
        .map(|v| v.version)
        .ok_or_else(|| missing(to.saturating_sub(1)))?;
    let mut versions = Versions {
        store,
        project,
        spec,
        versions: stored,
        built: BTreeMap::new(),
    };
    let new = versions.get(to)?;
    let old = versions.get(from)?;
    let diff = diff_tools(&old.tools, &new.tools);
    let mut drift = SpecDrift {
        project: project.to_string(),
        spec: spec.to_string(),
        from,
        to,
        diff,
        stale: Vec::new(),
        ready: Vec::new(),
        unchecked: Vec::new(),
    };
    for connector in store.connectors(project)? {
        if !checked(&connector, spec, to) {
            continue;
        }
        let old = match versions.get(connector.spec_version) {
            Ok(old) => old,
            Err(e) => {
                drift.unchecked.push(UncheckedConnector {
                    connector: connector.name.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let own = if connector.operations.is_empty() && connector.spec_version == from {
            drift.diff.clone()
        } else {
            own_diff(&old, &new, &connector.operations)
        };
        let breaking: Vec<String> = own
            .breaking_changes()
            .map(|(tool, change)| format!("{tool}: {}", change.describe()))
            .collect();
        let entry = ConnectorDrift {
            connector: connector.name,
            spec_version: connector.spec_version,
            other_changes: own.summary.changes.saturating_sub(breaking.len()),
            breaking,
        };
        if entry.breaking.is_empty() {
            drift.ready.push(entry);
        } else {
            drift.stale.push(entry);
        }
    }
    Ok(drift)
}

/// Whether `connector` is one the new version `to` of `spec` may make stale.
fn checked(connector: &ConnectorRecord, spec: &str, to: u32) -> bool {
    connector.spec == spec
        && connector.spec_version < to
        && matches!(
            connector.status,
            ConnectorStatus::Ready | ConnectorStatus::Stale
        )
}

/// The diff restricted to a connector's tools: those its `operations` select in its own version (all when
/// empty), compared by name with the new version's.
fn own_diff(old: &Built, new: &Built, operations: &[String]) -> ToolDiff {
    if operations.is_empty() {
        // Every tool: new tools are changes too (not breaking ones).
        return diff_tools(&old.tools, &new.tools);
    }
    let selection = Selection {
        include_operations: operations.to_vec(),
        ..Selection::default()
    };
    let own: BTreeSet<&str> = old
        .tools
        .tools
        .iter()
        .filter(|tool| {
            old.model
                .operations
                .get(tool.operation)
                .is_some_and(|op| selection.matches(op, &tool.name))
        })
        .map(|tool| tool.name.as_str())
        .collect();
    let pick = |tools: &[ToolDefinition]| -> Vec<ToolDefinition> {
        tools
            .iter()
            .filter(|t| own.contains(t.name.as_str()))
            .cloned()
            .collect()
    };
    diff_definitions(&pick(&old.tools.tools), &pick(&new.tools.tools))
}

/// Marks the stale connectors stale and the others ready; each record is read again first, and one that
/// changed meanwhile (another version, another status) is left alone.
fn mark_connectors(store: &Store, drift: &SpecDrift) -> Result<(), StoreError> {
    let entries = drift
        .stale
        .iter()
        .map(|e| (e, true))
        .chain(drift.ready.iter().map(|e| (e, false)));
    for (entry, stale) in entries {
        let Some(mut record) = store.connector(&drift.project, &entry.connector)? else {
            continue;
        };
        if !checked(&record, &drift.spec, drift.to) || record.spec_version != entry.spec_version {
            continue;
        }
        if stale {
            record.status = ConnectorStatus::Stale;
            record.stale = Some(Staleness {
                version: drift.to,
                breaking: entry.breaking.len(),
                changes: entry.breaking.iter().take(KEPT_CHANGES).cloned().collect(),
            });
        } else if record.status == ConnectorStatus::Stale {
            record.status = ConnectorStatus::Ready;
            record.stale = None;
        } else {
            continue;
        }
        store.update_connector(&record)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "drift_tests.rs"]
mod tests;
