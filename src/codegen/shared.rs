//! Work done once per shared value: tools whose operations answer with the same schema share one `Arc`, so
//! what depends only on that schema (the stub's answer, a validator, its literal) is keyed by the address.
//! Also the joining of a large file's texts.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// One `T` per key met, made by the first worker that needs it (a worker that needs the same one meanwhile
/// waits for it).
pub(crate) struct OnceEach<K, T> {
    cells: Mutex<HashMap<K, Arc<OnceLock<T>>>>,
}

/// Keyed by the address of an `Arc`: every key must outlive the cache, so that no address is reused.
pub(crate) type ByAddress<T> = OnceEach<usize, T>;

impl<K, T> Default for OnceEach<K, T> {
    fn default() -> Self {
        OnceEach {
            cells: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq, T: Clone> OnceEach<K, T> {
    /// The value for `key`, made by `make` the first time (outside the lock).
    pub fn get(&self, key: K, make: impl FnOnce() -> T) -> T {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(cells.entry(key).or_default())
        };
        cell.get_or_init(make).clone()
    }
}

impl<T: Clone> OnceEach<usize, T> {
    /// The value for the `Arc` `key`, made by `make` the first time.
    pub fn of<V>(&self, key: &Arc<V>, make: impl FnOnce() -> T) -> T {
        self.get(Arc::as_ptr(key) as *const () as usize, make)
    }
}

/// `head`, every part and `tail`, in one allocation of the exact size: a large file's text is joined without
/// growing (and copying) it step by step.
pub(crate) fn joined(head: &str, parts: impl IntoIterator<Item = String>, tail: &str) -> String {
    let parts: Vec<String> = parts.into_iter().collect();
    let size = head.len() + parts.iter().map(String::len).sum::<usize>() + tail.len();
    let mut out = String::with_capacity(size);
    out.push_str(head);
    for part in parts {
        out.push_str(&part);
    }
    out.push_str(tail);
    out
}
