//! The steps from one schema version to the next, run in order by [`Store::open`]. Each step only adds
//! to what is stored and can be run again whole if it was cut off; the version is raised after it.
//!
//! - 1 → 2: every spec version keeps a [`SpecSummary`] (its analysis in brief), made from its bytes.

use super::{SpecSummary, SpecVersion, Store, StoreError};

/// Runs the step from schema `from` to `from + 1`.
pub(super) fn step(store: &Store, from: u32) -> Result<(), StoreError> {
    match from {
        1 => summarize_spec_versions(store),
        _ => Ok(()),
    }
}

/// 1 → 2: a summary for each spec version without one (bytes that no longer load alone keep none).
fn summarize_spec_versions(store: &Store) -> Result<(), StoreError> {
    let versions: Vec<(sled::IVec, SpecVersion)> = store
        .spec_versions
        .iter()
        .map(|entry| {
            let (key, value) = entry.map_err(|e| store.sled(e))?;
            let version = store.decode(&key, &value)?;
            Ok((key, version))
        })
        .collect::<Result<_, StoreError>>()?;
    for (key, mut version) in versions {
        if version.summary.is_some() {
            continue;
        }
        let bytes = store.spec_bytes(&version)?;
        version.summary = SpecSummary::of_bytes(&version.name, &bytes);
        if version.summary.is_some() {
            store.put(&store.spec_versions, &key, &version)?;
        }
    }
    Ok(())
}
