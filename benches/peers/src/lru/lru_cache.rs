//! The [`lru`](https://crates.io/crates/lru) crate's `LruCache` behind [`Cache`].
//!
//! The closest match of the three: `LruCache::push` already returns the replaced or evicted
//! entry, `pop` removes, `peek` reads without touching recency. When `put` replaces a present
//! key, the key returned with the old value is the one just passed in (equal to the stored one),
//! as `push` itself does.

use std::hash::Hash;
use std::num::NonZeroUsize;

use kata_core::lru::{Cache, CapacityError};

use super::CacheMaker;

/// An `lru::LruCache` behind [`Cache`].
pub struct LruCrateCache<K, V>(::lru::LruCache<K, V>);

impl<K: Hash + Eq + Clone, V> Cache<K, V> for LruCrateCache<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        let capacity = NonZeroUsize::new(capacity).ok_or(CapacityError::Zero)?;
        Ok(LruCrateCache(::lru::LruCache::new(capacity)))
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
        self.0.push(key, value)
    }

    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        self.0.pop(key)
    }

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.0.cap().get()
    }
}

/// Marker for [`LruCrateCache`] as a family's cache.
pub struct LruCrate;

impl CacheMaker for LruCrate {
    type Cache<K: Hash + Eq + Clone, V> = LruCrateCache<K, V>;
}
