//! The [`quick_cache`](https://crates.io/crates/quick_cache) crate's single-threaded
//! `unsync::Cache` behind [`ForgetfulCache`], with unit weights and a weight capacity equal to the
//! kata's capacity: the same mapping as the `lru` kata's adapter (`kata_peers::lru::quick_cache`,
//! which this module does not depend on, so that each kata's feature stands alone).
//!
//! quick_cache's policy (Clock-PRO / S3-FIFO-like: a small queue for newcomers, a main one with
//! reference bits, ghost entries for keys recently evicted) is a policy that forgets: it is what
//! the kata's `ForgetfulCache` is a contract for. It reports evictions only through a `Lifecycle`
//! hook, so the adapter plugs in [`Evictions`], which hands the evicted entry (or the newcomer,
//! when quick_cache does not keep it) back to `put`. When the key is present, `put` replaces the
//! value in place through `get_mut`, which counts as a use exactly as quick_cache's own `insert`
//! on a present key does; the key returned with the old value is the one just passed in (equal
//! to the stored one).

use std::hash::Hash;
use std::mem;

use ::quick_cache::unsync;
use ::quick_cache::{DefaultHashBuilder, Lifecycle, UnitWeighter};
use kata_core::lfu::{CapacityError, ForgetfulCache};

use super::ForgetfulMaker;

/// The lifecycle hook that catches what quick_cache evicts during one `put`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evictions;

/// The entry evicted during one request, if any.
///
/// With unit weights an insert evicts at most one entry (the new entry itself, when quick_cache
/// does not keep it, counts as that one). Were a second one ever reported, it would be dropped,
/// and the graded contract (nothing leaves unannounced) would catch it.
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

/// A `quick_cache::unsync::Cache` behind [`ForgetfulCache`].
pub struct QuickCacheForgetful<K, V> {
    cache: unsync::Cache<K, V, UnitWeighter, DefaultHashBuilder, Evictions>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> ForgetfulCache<K, V> for QuickCacheForgetful<K, V> {
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
        Ok(QuickCacheForgetful { cache, capacity })
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

/// Marker for [`QuickCacheForgetful`] as a family's cache that forgets.
pub struct QuickCache;

impl ForgetfulMaker for QuickCache {
    type Forgetful<K: Hash + Eq + Clone, V> = QuickCacheForgetful<K, V>;
}
