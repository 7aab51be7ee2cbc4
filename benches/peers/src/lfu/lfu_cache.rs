//! The [`lfu_cache`](https://crates.io/crates/lfu_cache) crate's `LfuCache` behind [`Cache`].
//!
//! lfu_cache is an exact LFU on frequency buckets (the design the kata teaches, with raw
//! pointers), but its API covers less than the kata's, and the adapter does not fill the gaps
//! with logic of its own:
//!
//! - `get`, `remove` and `len` are the crate's own.
//! - `put` of a present key replaces the value in place through `get_mut`, which counts the use
//!   as the kata's `put` does (the crate's own `insert` of a present key would *reset* its count);
//!   the key returned with the old value is the one just passed in (equal to the stored one).
//!   `put` of a new key into a full cache reads the victim's key with `peek_lfu_key` (the entry
//!   `insert` is about to evict) and pairs it with the value `insert` returns, since `insert`
//!   returns the evicted value only.
//! - `peek`: the crate has no lookup that leaves the count alone (`get`, `get_mut` and `entry`
//!   all count a use), so `peek` walks the crate's entries with `peek_iter`: the right answer, in
//!   O(n).
//! - `frequency`: the crate keeps every entry's count but has no call that reads one key's
//!   count. The adapter answers `None` for a key it does not hold (found as `peek` finds it) and
//!   panics, saying so, for a key it holds.
//!
//! On a tie of lowest counts the crate evicts the entry that reached that count last (its own
//! documentation: "the most recently added item"), where the kata evicts the least recently used;
//! the adapter leaves that as it is (see [`PEERS`](super::PEERS)).

use std::hash::Hash;
use std::mem;

use ::lfu_cache::LfuCache;
use kata_core::lfu::{Cache, CapacityError};

use super::CacheMaker;

/// The message `frequency` panics with for a key the cache holds.
pub const NO_COUNT: &str =
    "lfu_cache keeps each entry's count but has no call that reads one key's count";

/// An `lfu_cache::LfuCache` behind [`Cache`].
pub struct LfuCrateCache<K: Hash + Eq, V> {
    cache: LfuCache<K, V>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Cache<K, V> for LfuCrateCache<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        // lfu_cache takes a capacity of 0 to mean unbounded; the kata refuses it.
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(LfuCrateCache {
            cache: LfuCache::with_capacity(capacity),
            capacity,
        })
    }

    #[inline]
    fn get(&mut self, key: &K) -> Option<&V> {
        self.cache.get(key)
    }

    /// O(n): see the module documentation.
    #[inline]
    fn peek(&self, key: &K) -> Option<&V> {
        self.cache
            .peek_iter()
            .find_map(|(k, v)| (k == key).then_some(v))
    }

    #[inline]
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(slot) = self.cache.get_mut(&key) {
            let old = mem::replace(slot, value);
            return Some((key, old));
        }
        let victim = if self.cache.len() >= self.capacity {
            self.cache.peek_lfu_key().cloned()
        } else {
            None
        };
        let evicted = self.cache.insert(key, value);
        victim.zip(evicted)
    }

    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        self.cache.remove(key)
    }

    /// `None` for a key not held; a panic for a key held (see the module documentation).
    fn frequency(&self, key: &K) -> Option<u64> {
        self.peek(key).map(|_| panic!("{NO_COUNT}"))
    }

    #[inline]
    fn len(&self) -> usize {
        self.cache.len()
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Marker for [`LfuCrateCache`] as a family's exact cache.
pub struct LfuCrate;

impl CacheMaker for LfuCrate {
    type Cache<K: Hash + Eq + Clone, V> = LfuCrateCache<K, V>;
}
