//! The [`schnellru`](https://crates.io/crates/schnellru) crate's `LruMap` (limited
//! `ByLength`) behind [`Cache`].
//!
//! `LruMap::insert` reports only whether it inserted, never what it evicted, so `put` does in
//! two public calls what `insert` does inside: when a new key arrives in a full map it first
//! takes the oldest entry with `pop_oldest` (exactly the entry `insert` would have dropped), then
//! inserts. When the key is present, `put` replaces the value in place through `get`, which
//! marks the entry most recently used as `insert` would; the key returned with the old value is
//! the one just passed in (equal to the stored one), since schnellru never hands a stored key
//! back except when popping. No extra bound on `K` or `V` is needed.

use std::hash::Hash;
use std::mem;

use ::schnellru::{ByLength, LruMap};
use kata_core::lru::{Cache, CapacityError};

use super::CacheMaker;

/// A `schnellru::LruMap<K, V, ByLength>` behind [`Cache`].
pub struct SchnellruCache<K, V>(LruMap<K, V, ByLength>);

impl<K: Hash + Eq + Clone, V> Cache<K, V> for SchnellruCache<K, V> {
    /// # Panics
    ///
    /// When `capacity` exceeds `u32::MAX`: schnellru's `ByLength` limit and its links are `u32`.
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        let length = u32::try_from(capacity)
            .unwrap_or_else(|_| panic!("schnellru holds at most u32::MAX entries, not {capacity}"));
        Ok(SchnellruCache(LruMap::new(ByLength::new(length))))
    }

    #[inline]
    fn get(&mut self, key: &K) -> Option<&V> {
        self.0.get(key).map(|v| &*v)
    }

    #[inline]
    fn peek(&self, key: &K) -> Option<&V> {
        self.0.peek(key)
    }

    #[inline]
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(slot) = self.0.get(&key) {
            let old = mem::replace(slot, value);
            return Some((key, old));
        }
        let evicted = if self.0.len() >= self.capacity() {
            self.0.pop_oldest()
        } else {
            None
        };
        // With room made, `ByLength` always admits; `insert` fails only if the table cannot grow.
        let inserted = self.0.insert(key, value);
        assert!(inserted, "schnellru refused an insert into a map with room");
        evicted
    }

    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        self.0.remove(key)
    }

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.0.limiter().max_length() as usize
    }
}

/// Marker for [`SchnellruCache`] as a family's cache.
pub struct Schnellru;

impl CacheMaker for Schnellru {
    type Cache<K: Hash + Eq + Clone, V> = SchnellruCache<K, V>;
}
