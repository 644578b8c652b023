//! Work done once per shared value: tools whose operations answer with the same schema share one `Arc`, so
//! what depends only on that schema (the stub's answer, a validator, its literal) is keyed by the address.
//! Also the writing of a large file's texts in order from every core.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, TryLockError};

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

/// Drops `value` on a thread of its own, so that freeing a large tree of small values (a plan's test cases, the
/// compiled validators) happens meanwhile instead of on the caller's path. Drops it here if no thread starts.
pub(crate) fn drop_meanwhile<T: Send + 'static>(value: T) {
    // A thread that does not start drops its closure, and `value` with it, here.
    let _ = std::thread::Builder::new()
        .name("mcpow-drop".into())
        .spawn(move || drop(value));
}

/// Renders every item's text on every core and appends the texts to `out` in the items' order. A worker
/// renders into its own scratch text and appends it at once when every earlier item is in (else a copy waits
/// its turn), so a large file is written once, with no text per item and no second copy to join them. While
/// another worker is appending (copying into `out`, whose fresh pages fault in then), a worker keeps its text
/// and renders the next, and appends what it kept the next time the text is free.
/// `render` gets each item's place in `items`. Returns what it returns for each item, in order.
pub(crate) fn par_append<'a, T: Sync, S, R: Send, B: Text>(
    out: &mut B,
    items: &'a [T],
    state: impl Fn() -> S + Sync,
    render: impl Fn(usize, &'a T, &mut S, &mut B) -> R + Sync,
) -> Vec<R> {
    let indexed: Vec<(usize, &'a T)> = items.iter().enumerate().collect();
    let order = Mutex::new(Appending {
        out,
        next: 0,
        appended: 0,
        total: items.len(),
        waiting: BTreeMap::new(),
    });
    crate::codegen::par_map(
        &indexed,
        || {
            let kept = Kept {
                order: &order,
                texts: Vec::new(),
            };
            (state(), B::default(), kept)
        },
        |&(index, item), (state, scratch, kept)| {
            scratch.clear();
            let result = render(index, item, state, scratch);
            let free = match order.try_lock() {
                Ok(order) => Some(order),
                Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => None,
            };
            match free {
                Some(mut order) => {
                    order.append_kept(&mut kept.texts);
                    order.append(index, scratch);
                }
                None => kept.texts.push((index, scratch.clone())),
            }
            result
        },
    )
}

/// The texts a worker rendered while another was appending; appended when the worker ends, if not before.
struct Kept<'m, 'o, B: Text> {
    order: &'m Mutex<Appending<'o, B>>,
    texts: Vec<(usize, B)>,
}

impl<B: Text> Drop for Kept<'_, '_, B> {
    fn drop(&mut self) {
        if !self.texts.is_empty() {
            self.order
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .append_kept(&mut self.texts);
        }
    }
}

/// A text [`par_append`] writes: a `String`, or bytes. (A clone is exactly as long as the text.)
pub(crate) trait Text: Default + Send + Clone + AsRef<[u8]> {
    /// Bytes it can take before it must grow.
    fn spare(&self) -> usize;
    fn clear(&mut self);
    fn reserve(&mut self, additional: usize);
    /// Reserves room for `additional` more bytes if the allocator has it.
    fn try_reserve(&mut self, additional: usize) -> bool;
    fn push_text(&mut self, text: &Self);
}

/// [`Text`] for a type whose own methods have those names, and `push` to append one of its kind.
macro_rules! text {
    ($type:ty, $push:ident) => {
        impl Text for $type {
            fn spare(&self) -> usize {
                self.capacity() - self.len()
            }
            fn clear(&mut self) {
                <$type>::clear(self)
            }
            fn reserve(&mut self, additional: usize) {
                <$type>::reserve(self, additional)
            }
            fn try_reserve(&mut self, additional: usize) -> bool {
                <$type>::try_reserve(self, additional).is_ok()
            }
            fn push_text(&mut self, text: &Self) {
                self.$push(text)
            }
        }
    };
}

text!(String, push_str);
text!(Vec<u8>, extend_from_slice);

/// Items appended before [`par_append`] sizes its text for the rest.
const ITEMS_BEFORE_ESTIMATE: usize = 16;

/// The texts of [`par_append`] on their way into `out`.
struct Appending<'o, B> {
    out: &'o mut B,
    /// The item whose text goes in next.
    next: usize,
    /// Bytes of item texts appended so far.
    appended: usize,
    total: usize,
    /// Texts that are ready before an earlier one, by item.
    waiting: BTreeMap<usize, B>,
}

impl<B: Text> Appending<'_, B> {
    fn append(&mut self, index: usize, text: &B) {
        if index == self.next {
            self.push_in_turn(text);
        } else {
            self.waiting.insert(index, text.clone());
        }
    }

    /// Appends the text whose turn it is, then every waiting one whose turn that brings.
    fn push_in_turn(&mut self, text: &B) {
        self.push(text);
        while let Some(text) = self.waiting.remove(&self.next) {
            self.push(&text);
        }
    }

    /// Appends texts a worker kept, moving into the waiting ones those whose turn has not come.
    fn append_kept(&mut self, kept: &mut Vec<(usize, B)>) {
        for (index, text) in kept.drain(..) {
            if index == self.next {
                self.push_in_turn(&text);
            } else {
                self.waiting.insert(index, text);
            }
        }
    }

    fn push(&mut self, text: &B) {
        let length = text.as_ref().len();
        if self.out.spare() < length {
            // Once a few items are in, room for the rest at their average and half as much again (pages
            // never written are never given memory), so a large text is rarely moved as it grows. A guess
            // the allocator cannot meet falls back to room for this text.
            let estimate = if self.next >= ITEMS_BEFORE_ESTIMATE {
                let average = (self.appended + length) / (self.next + 1);
                average
                    .saturating_mul(self.total - self.next)
                    .saturating_mul(3)
                    / 2
            } else {
                0
            };
            if estimate <= length || !self.out.try_reserve(estimate) {
                self.out.reserve(length);
            }
        }
        self.out.push_text(text);
        self.appended += length;
        self.next += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_appended_in_the_items_order_whatever_order_they_are_ready_in() {
        // Lengths from 0 to about 40 KB, so some items are slow and later ones wait; the first few are
        // short, so the estimate made after them is far too small and the text still grows.
        let items: Vec<usize> = (0..2_000).map(|i| (i * 7919) % 997 * (i % 41)).collect();
        let mut out = String::from("head\n");
        let results = par_append(
            &mut out,
            &items,
            || (),
            |_, &length, (), text: &mut String| {
                for n in 0..length {
                    text.push(char::from(b'a' + (n % 26) as u8));
                }
                text.push('\n');
                length
            },
        );
        assert_eq!(results, items);
        let mut expected = String::from("head\n");
        for &length in &items {
            expected.extend((0..length).map(|n| char::from(b'a' + (n % 26) as u8)));
            expected.push('\n');
        }
        assert_eq!(out, expected);
    }

    #[test]
    fn kept_texts_go_in_at_their_turn_whoever_appends_them() {
        let mut out = String::new();
        let order = Mutex::new(Appending {
            out: &mut out,
            next: 0,
            appended: 0,
            total: 5,
            waiting: BTreeMap::new(),
        });
        // A worker kept 1 and 3 while another appended; 2 is appended before they are, 0 after.
        let kept = Kept {
            order: &order,
            texts: vec![(1, "b".to_string()), (3, "d".to_string())],
        };
        order.lock().unwrap().append(2, &"c".to_string());
        drop(kept);
        order.lock().unwrap().append(0, &"a".to_string());
        // Kept texts whose turn has come go straight in.
        let mut late = vec![(4, "e".to_string())];
        order.lock().unwrap().append_kept(&mut late);
        assert!(late.is_empty());
        let order = order.into_inner().unwrap();
        assert!(order.waiting.is_empty());
        assert_eq!(order.next, 5);
        assert_eq!(out, "abcde");
    }

    #[test]
    fn a_size_guess_beyond_memory_falls_back_to_room_for_the_text() {
        let mut out = String::new();
        let mut order = Appending {
            out: &mut out,
            next: ITEMS_BEFORE_ESTIMATE,
            appended: 1 << 30,
            total: usize::MAX / 2,
            waiting: BTreeMap::new(),
        };
        order.push(&"x".repeat(100));
        assert_eq!(out.len(), 100);
        assert!(out.capacity() < 1 << 20, "{}", out.capacity());
    }
}
