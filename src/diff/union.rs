//! Matching the members of two unions (`anyOf`/`oneOf`): the same member in both versions is compared, the
//! others are added or removed.
//!
//! A member's name is its discriminator (a property with one allowed string value, like Stripe's
//! `"object": {"enum": ["card"]}`), else its title. Members pair first by type and name, then by type with the
//! most property names in common; members whose discriminators differ never pair.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::schema::{alternatives, type_label};

/// The members of a union, nested unions flattened; a schema that is no union is its only member.
pub(super) fn members(schema: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    let Some(list) = alternatives(schema) else {
        return vec![schema];
    };
    let mut out = Vec::new();
    for member in list.iter().filter_map(Value::as_object) {
        if alternatives(member).is_some() {
            out.extend(members(member));
        } else {
            out.push(member);
        }
    }
    out
}

/// Which members pair up (old index, new index, in new order), and which are left over.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Matching {
    pub pairs: Vec<(usize, usize)>,
    pub removed: Vec<usize>,
    pub added: Vec<usize>,
}

pub(super) fn pair(before: &[&Map<String, Value>], after: &[&Map<String, Value>]) -> Matching {
    let mut before_used = vec![false; before.len()];
    let mut after_used = vec![false; after.len()];
    let mut pairs = Vec::new();
    for (i, old) in before.iter().enumerate() {
        let Some(old_name) = name(old) else { continue };
        let found = after.iter().enumerate().position(|(j, new)| {
            !after_used[j]
                && type_label(old) == type_label(new)
                && name(new).as_deref() == Some(old_name.as_str())
        });
        if let Some(j) = found {
            before_used[i] = true;
            after_used[j] = true;
            pairs.push((i, j));
        }
    }
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for (i, old) in before.iter().enumerate().filter(|(i, _)| !before_used[*i]) {
        for (j, new) in after.iter().enumerate().filter(|(j, _)| !after_used[*j]) {
            let clash =
                matches!((discriminator(old), discriminator(new)), (Some(a), Some(b)) if a != b);
            if !clash && type_label(old) == type_label(new) {
                candidates.push((similarity(old, new), i, j));
            }
        }
    }
    // Best similarity first, then document order.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, i, j) in candidates {
        if !before_used[i] && !after_used[j] {
            before_used[i] = true;
            after_used[j] = true;
            pairs.push((i, j));
        }
    }
    pairs.sort_by_key(|&(_, j)| j);
    Matching {
        pairs,
        removed: unused(&before_used),
        added: unused(&after_used),
    }
}

fn unused(used: &[bool]) -> Vec<usize> {
    used.iter()
        .enumerate()
        .filter(|(_, used)| !**used)
        .map(|(i, _)| i)
        .collect()
}

/// Shared property names per thousand of all property names (1000 when neither has properties).
fn similarity(a: &Map<String, Value>, b: &Map<String, Value>) -> usize {
    let names = |m: &Map<String, Value>| -> HashSet<String> {
        m.get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (a, b) = (names(a), names(b));
    let all = a.union(&b).count();
    if all == 0 {
        return 1000;
    }
    a.intersection(&b).count() * 1000 / all
}

/// The one string value a property allows (`"object": {"enum": ["card"]}`): `object`, `type` or `kind` first.
fn discriminator(member: &Map<String, Value>) -> Option<String> {
    let properties = member.get("properties")?.as_object()?;
    let usual = ["object", "type", "kind"]
        .iter()
        .filter_map(|key| properties.get(*key));
    usual.chain(properties.values()).find_map(|schema| {
        let schema = schema.as_object()?;
        match (schema.get("enum"), schema.get("const")) {
            (Some(Value::Array(values)), _) if values.len() == 1 => {
                values[0].as_str().map(str::to_string)
            }
            (None, Some(Value::String(value))) => Some(value.clone()),
            _ => None,
        }
    })
}

fn name(member: &Map<String, Value>) -> Option<String> {
    discriminator(member).or_else(|| {
        member
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_string)
    })
}

/// Each member's name, else its types (`string`, `null|object`), with `#2`, `#3`, ... when one comes again.
pub(super) fn labels(list: &[&Map<String, Value>]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    list.iter()
        .map(|member| {
            let base = name(member).unwrap_or_else(|| type_label(member));
            let count = seen.iter().filter(|s| **s == base).count();
            seen.push(base.clone());
            if count == 0 {
                base
            } else {
                format!("{base}#{}", count + 1)
            }
        })
        .collect()
}
