//! Tool names: readable, `[A-Za-z0-9_.-]` only, bounded per client profile, unique and stable across runs.
//!
//! A name is the operationId (sanitized), or else the method and path (`delete_pets_by_petId`). A name that is
//! too long, or that another operation claims first, gets a 6-hex-digit FNV-1a hash of the operation's method,
//! path and operationId, so it never depends on a counter or on the order of unrelated operations.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::spec::model::Operation;

/// What the client does with tool names, which sets how long a name may be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientProfile {
    /// Names used as they are: up to 64 characters (the common client limit).
    #[default]
    Standard,
    /// Clients that prefix tool names with the server's name (`mcp__server__tool`): up to 40 characters.
    Prefixed,
}

impl ClientProfile {
    /// The longest tool name this profile allows.
    pub fn max_name_len(self) -> usize {
        match self {
            ClientProfile::Standard => 64,
            ClientProfile::Prefixed => 40,
        }
    }
}

/// 64-bit FNV-1a: small, stable across platforms, Rust versions and runs (unlike `DefaultHasher`).
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Six lowercase hex digits of the FNV-1a hash of `key`.
pub fn short_hash(key: &str) -> String {
    format!("{:06x}", fnv1a_64(key.as_bytes()) & 0x00ff_ffff)
}

/// What identifies an operation for hashing: `METHOD path`, plus the operationId when there is one.
pub(crate) fn hash_key(op: &Operation) -> String {
    match &op.operation_id {
        Some(id) => format!("{} {} {id}", op.method.as_str(), op.path),
        None => format!("{} {}", op.method.as_str(), op.path),
    }
}

/// Keeps `[A-Za-z0-9_.-]`, turns every other run of characters into one `_`, and trims `_` from both ends.
pub fn sanitize_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// A name from the method and path: `GET /pets/{petId}/photos` → `get_pets_by_petId_photos`.
pub fn derived_name(op: &Operation) -> String {
    let mut raw = op.method.as_str().to_ascii_lowercase();
    let mut segments = 0;
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        raw.push('_');
        raw.push_str(&segment.replace('{', "by_").replace('}', ""));
        segments += 1;
    }
    if segments == 0 {
        raw.push_str("_root");
    }
    sanitize_name(&raw)
}

/// How strongly an operation claims its plain name when two want the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Claim {
    /// The operationId is already a valid name.
    ExactId,
    /// The operationId needed sanitizing.
    SanitizedId,
    /// No usable operationId: derived from method and path.
    Derived,
}

fn base_name(op: &Operation) -> (String, Claim) {
    if let Some(id) = op.operation_id.as_deref() {
        let clean = sanitize_name(id);
        if !clean.is_empty() {
            let claim = if clean == id {
                Claim::ExactId
            } else {
                Claim::SanitizedId
            };
            return (clean, claim);
        }
    }
    (derived_name(op), Claim::Derived)
}

/// `base` cut to fit `max` with `_` and the hash appended.
fn hashed(base: &str, hash: &str, max: usize) -> String {
    let room = max.saturating_sub(hash.len() + 1);
    // Names are ASCII after sanitizing, so byte positions are character positions.
    let cut = &base[..base.len().min(room)];
    let cut = cut.trim_end_matches(['_', '-', '.']);
    if cut.is_empty() {
        format!("op_{hash}")
    } else {
        format!("{cut}_{hash}")
    }
}

/// One unique name per operation, in the same order.
///
/// Rules, in order: a name longer than the profile allows is cut and hashed; among operations that want the same
/// plain name, a valid operationId beats a sanitized one, which beats a derived one, and then the earlier
/// operation in the document wins; the others are hashed. If a hashed name is still taken (two operations with
/// the same method, path and operationId), the hash key is salted with `#2`, `#3`, ... in document order.
pub fn assign_names(operations: &[Operation], profile: ClientProfile) -> Vec<String> {
    let max = profile.max_name_len();
    let bases: Vec<(String, Claim)> = operations.iter().map(base_name).collect();
    // The winner of each plain name: the strongest claim, then the earliest operation.
    let mut winners: HashMap<&str, usize> = HashMap::with_capacity(bases.len());
    for (index, (base, claim)) in bases.iter().enumerate() {
        if base.len() > max {
            continue;
        }
        winners
            .entry(base.as_str())
            .and_modify(|best| {
                if *claim < bases[*best].1 {
                    *best = index;
                }
            })
            .or_insert(index);
    }
    let mut names: Vec<Option<String>> = vec![None; operations.len()];
    let mut taken: HashSet<String> = HashSet::with_capacity(operations.len());
    for (base, &index) in &winners {
        names[index] = Some((*base).to_string());
        taken.insert((*base).to_string());
    }
    for (index, op) in operations.iter().enumerate() {
        if names[index].is_some() {
            continue;
        }
        let base = &bases[index].0;
        let key = hash_key(op);
        let mut name = hashed(base, &short_hash(&key), max);
        let mut salt = 2u32;
        while taken.contains(&name) {
            name = hashed(base, &short_hash(&format!("{key}#{salt}")), max);
            salt = salt.saturating_add(1);
        }
        taken.insert(name.clone());
        names[index] = Some(name);
    }
    names.into_iter().map(Option::unwrap_or_default).collect()
}

/// Whether `name` is a valid tool name for the profile.
pub fn is_valid_name(name: &str, profile: ClientProfile) -> bool {
    !name.is_empty()
        && name.len() <= profile.max_name_len()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}
