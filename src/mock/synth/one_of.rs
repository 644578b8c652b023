//! `oneOf`: a value valid under exactly one branch, as JSON Schema requires (the first branch alone often
//! fits several: branches without required properties, or sharing them).

use serde_json::{Value, json};

use super::{Generator, check, merge};

impl<'a> Generator<'a> {
    /// The schema behind a chain of `$ref`s when it is a `oneOf` of two or more branches.
    pub(super) fn direct_one_of<'s>(&self, schema: &'s Value) -> Option<(Vec<&'s str>, &'s Value)>
    where
        'a: 's,
    {
        let mut refs = Vec::new();
        let mut current = schema;
        for _ in 0..16 {
            match merge::ref_of(current) {
                Some(reference) if current.as_object().is_some_and(|m| m.len() == 1) => {
                    refs.push(reference);
                    current = merge::resolve_ref(self.model, reference)?;
                }
                _ => break,
            }
        }
        let branches = current.get("oneOf")?.as_array()?;
        (branches.len() >= 2).then_some((refs, current))
    }

    /// A value valid under exactly one branch of a `oneOf`: each branch in turn, then each again with only
    /// required properties, until the structural check finds one that no other branch accepts.
    pub(super) fn one_of(
        &mut self,
        refs: Vec<&str>,
        target: &Value,
        depth: usize,
        variant: usize,
    ) -> Value {
        let Some(map) = target.as_object() else {
            return Value::Null;
        };
        let branches = map
            .get("oneOf")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut base = map.clone();
        base.remove("oneOf");
        base.remove("discriminator");
        let base = Value::Object(base);
        let pushed = refs.len();
        let recursive = refs.iter().any(|r| self.stack.iter().any(|s| s == r));
        self.stack.extend(refs.iter().map(|r| r.to_string()));
        let already_minimal = self.minimal > 0 || recursive;
        let null_only = |b: &Value| b.get("type").and_then(Value::as_str) == Some("null");
        let mut order: Vec<&Value> = branches
            .iter()
            .filter(|b| **b != Value::Bool(false))
            .collect();
        order.sort_by_key(|b| null_only(b) != already_minimal);
        let mut attempts = Vec::new();
        let mut found = None;
        for minimal in [already_minimal, true] {
            if minimal {
                self.minimal += 1;
            }
            for branch in &order {
                let combined = json!({"allOf": [base.clone(), (*branch).clone()]});
                let value = self.value(&combined, depth, variant);
                if check::accepts(self.model, target, &value) {
                    found = Some(value);
                    break;
                }
                attempts.push((*branch, value));
            }
            if minimal {
                self.minimal -= 1;
            }
            if found.is_some() || already_minimal {
                break;
            }
        }
        self.stack.truncate(self.stack.len() - pushed);
        if let Some(found) = found {
            return found;
        }
        // Branches that accept the same objects: break the tie with a property only another branch types.
        for (branch, value) in &attempts {
            if let Some(value) = self.exclude_others(target, branch, &order, value) {
                return value;
            }
        }
        attempts.into_iter().next().map_or(Value::Null, |(_, v)| v)
    }

    /// `value` (made for `chosen`) with properties that `chosen` leaves open set to values the other
    /// accepting branches reject; `None` when that does not make it valid under exactly one branch.
    fn exclude_others(
        &self,
        target: &Value,
        chosen: &Value,
        branches: &[&Value],
        value: &Value,
    ) -> Option<Value> {
        let mut value = value.clone();
        let own = merge::flatten(self.model, chosen, false, &[]).map;
        let own_props = own.get("properties").and_then(Value::as_object);
        if own.get("additionalProperties") == Some(&Value::Bool(false)) {
            return None;
        }
        for other in branches {
            if std::ptr::eq(*other, chosen) || !check::accepts(self.model, other, &value) {
                continue;
            }
            let flat = merge::flatten(self.model, other, false, &[]).map;
            let props = flat.get("properties").and_then(Value::as_object)?;
            let conflict = props.iter().find_map(|(name, schema)| {
                if own_props.is_some_and(|p| p.contains_key(name)) {
                    return None;
                }
                let candidates = [
                    json!("x"),
                    json!(0),
                    json!(true),
                    json!([]),
                    json!({}),
                    Value::Null,
                ];
                let bad = candidates
                    .into_iter()
                    .find(|c| !check::accepts(self.model, schema, c))?;
                Some((name.clone(), bad))
            });
            let (name, bad) = conflict?;
            value.as_object_mut()?.insert(name, bad);
        }
        check::accepts(self.model, target, &value).then_some(value)
    }
}
