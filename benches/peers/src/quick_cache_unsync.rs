//! The [`quick_cache`](https://crates.io/crates/quick_cache) crate's single-threaded
//! `unsync::Cache`, with unit weights and a weight capacity equal to the kata's capacity: the one
//! mapping both cache katas' adapters wrap (`lru::QuickCacheUnsync` behind the `lru` kata's
//! `Cache`, `lfu::QuickCacheForgetful` behind the `lfu` kata's `ForgetfulCache`).
//!
//! quick_cache reports evictions only through a `Lifecycle` hook, so the adapter plugs in
//! [`Evictions`], which hands the evicted entry (or the newcomer, when quick_cache does not keep
//! it) back to `put`. When the key is present, `put` replaces the value in place through
//! `get_mut`, which counts as a use exactly as quick_cache's own `insert` on a present key does;
//! the key returned with the old value is the one just passed in (equal to the stored one). No
//! extra bound on `K` or `V` is needed.

use std::hash::Hash;
use std::mem;

use ::quick_cache::unsync;
use ::quick_cache::{DefaultHashBuilder, Lifecycle, UnitWeighter};
use kata_core::lru::CapacityError;

/// The lifecycle hook that catches what quick_cache evicts during one `put`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evictions;

/// The entry evicted during one request, if any.
///
/// An insert can evict two entries (seen from capacity 4 up while grading the lfu peer), and
/// `put` can hand back only one: the first is kept, a second is dropped unreported. The lru
/// verdict fails before that matters (a full cache evicts the entry put last); the lfu verdict is
/// that very failure (its contract: nothing leaves unannounced).
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

/// A `quick_cache::unsync::Cache` with the kata calls as inherent methods.
pub struct Unsync<K, V> {
    cache: unsync::Cache<K, V, UnitWeighter, DefaultHashBuilder, Evictions>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Unsync<K, V> {
    /// A cache of `capacity` entries; `CapacityError::Zero` for 0.
    pub fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
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
        Ok(Unsync { cache, capacity })
    }

    /// The value under `key`, counted as a use.
    #[inline]
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.cache.get(key)
    }

    /// The value under `key`, not counted.
    #[inline]
    pub fn peek(&self, key: &K) -> Option<&V> {
        self.cache.peek(key)
    }

    /// Replaces or inserts; returns the old `(key, value)` or the entry the insert pushed out.
    #[inline]
    pub fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(mut slot) = self.cache.get_mut(&key) {
            let old = mem::replace(&mut *slot, value);
            return Some((key, old));
        }
        let mut evicted = Evicted::default();
        self.cache.insert_with_lifecycle(key, value, &mut evicted);
        evicted.0
    }

    /// Removes `key` and returns its value.
    #[inline]
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.cache.remove(key).map(|(_, v)| v)
    }

    /// The entries held.
    #[inline]
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// Whether no entry is held.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.cache.len() == 0
    }

    /// The capacity asked for.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Implements a kata's cache trait (`$trait`, with the methods `with_capacity`, `get`, `peek`,
/// `put`, `remove`, `len`, `capacity`) for `$wrapper`, a newtype over [`Unsync`], by delegation.
macro_rules! delegate_to_unsync {
    ($trait:path, $wrapper:ident) => {
        impl<K: ::std::hash::Hash + Eq + Clone, V> $trait for $wrapper<K, V> {
            fn with_capacity(
                capacity: usize,
            ) -> ::std::result::Result<Self, ::kata_core::lru::CapacityError> {
                $crate::quick_cache_unsync::Unsync::with_capacity(capacity).map($wrapper)
            }
            #[inline]
            fn get(&mut self, key: &K) -> Option<&V> {
                self.0.get(key)
            }
            #[inline]
            fn peek(&self, key: &K) -> Option<&V> {
                self.0.peek(key)
            }
            #[inline]
            fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
                self.0.put(key, value)
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
                self.0.capacity()
            }
        }
    };
}
pub(crate) use delegate_to_unsync;
