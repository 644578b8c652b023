//! The keywords of a flattened schema, in the order first met: borrowed from the schemas they come from,
//! owned only where merging made a new value (so flattening a large schema copies nothing deep).

use std::borrow::Cow;

use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub(crate) struct FlatMap<'s> {
    entries: Vec<(&'s str, Cow<'s, Value>)>,
}

impl<'s> FlatMap<'s> {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_ref())
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| *k == key)
    }

    /// The value of `key`, to change in place (a borrowed one is copied first).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_mut())
    }

    /// Sets `key`, keeping its place when it is already there.
    pub fn insert(&mut self, key: &'s str, value: Cow<'s, Value>) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Sets `key` unless it is there.
    pub fn insert_new(&mut self, key: &'s str, value: &'s Value) {
        if !self.contains_key(key) {
            self.entries.push((key, Cow::Borrowed(value)));
        }
    }

    /// The `type` keyword as a list (`None` when absent).
    pub fn types(&self) -> Option<Vec<String>> {
        super::merge::types_list_of(self.get("type")?)
    }

    /// An owned JSON object with the same keywords in the same order.
    pub fn into_map(self) -> Map<String, Value> {
        self.entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_owned()))
            .collect()
    }
}
