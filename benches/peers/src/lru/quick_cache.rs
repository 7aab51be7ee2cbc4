//! The [`quick_cache`](https://crates.io/crates/quick_cache) crate's single-threaded
//! `unsync::Cache` behind [`Cache`], with unit weights and a weight capacity equal to the kata's
//! capacity.
//!
//! quick_cache reports evictions only through a `Lifecycle` hook, so the adapter plugs in
//! [`Evictions`], which hands the evicted entry back to `put`. When the key is present, `put`
//! replaces the value in place through `get_mut`, which counts as a use exactly as quick_cache's
//! own `insert` on a present key does; the key returned with the old value is the one just
//! passed in (equal to the stored one). No extra bound on `K` or `V` is needed.
//!
//! quick_cache does not implement LRU eviction (see [`PEERS`](super::PEERS)); the adapter does not
//! try to make it.

use std::hash::Hash;
use std::mem;

use ::quick_cache::unsync;
use ::quick_cache::{DefaultHashBuilder, Lifecycle, UnitWeighter};
use kata_core::lru::{Cache, CapacityError};

use super::CacheMaker;

/// The lifecycle hook that catches what quick_cache evicts during one `put`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evictions;

/// The entry evicted during one request, if any.
///
/// An insert can evict two entries (seen from capacity 4 up while grading the lfu peer), and `put`
/// can hand back only one: the first is kept, a second
/// is dropped unreported. The lru verdict fails before that matters (a full cache evicts the entry
/// put last); the lfu peer's verdict is that very failure (`benches/peers/src/lfu`).
pub struct Evicted<K, V>(Option<(K, V)>);

impl<K, V> Default for Evicted<K, V> {
    fn default() -> Self {
        Evicted(None)
    }
}

impl<K, V> Lifecycle<K, V> for Evictions {
    type RequestState = Evicted<K, V>;

    #[inline]
    fn on_evict(&self, state: &mut Evicted<K, V>, key: K, val: V) {
        if state.0.is_none() {
            state.0 = Some((key, val));
        }
    }
}

/// A `quick_cache::unsync::Cache` behind [`Cache`].
pub struct QuickCacheUnsync<K, V> {
    cache: unsync::Cache<K, V, UnitWeighter, DefaultHashBuilder, Evictions>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Cache<K, V> for QuickCacheUnsync<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        let cache = unsync::Cache::with(
            capacity,
            capacity as u64,
            UnitWeighter,
            DefaultHashBuilder::default(),
            Evictions,
        );
        Ok(QuickCacheUnsync { cache, capacity })
    }

    #[inline]
    fn get(&mut self, key: &K) -> Option<&V> {
        self.cache.get(key)
    }

    #[inline]
    fn peek(&self, key: &K) -> Option<&V> {
        self.cache.peek(key)
    }

    #[inline]
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(mut slot) = self.cache.get_mut(&key) {
            let old = mem::replace(&mut *slot, value);
            return Some((key, old));
        }
        let mut evicted = Evicted::default();
        self.cache.insert_with_lifecycle(key, value, &mut evicted);
        evicted.0
    }

    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        self.cache.remove(key).map(|(_, v)| v)
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

/// Marker for [`QuickCacheUnsync`] as a family's cache.
pub struct QuickCache;

impl CacheMaker for QuickCache {
    type Cache<K: Hash + Eq + Clone, V> = QuickCacheUnsync<K, V>;
}
