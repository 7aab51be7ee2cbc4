//! # Kata `lru`: a least-recently-used cache
//!
//! Build a cache that holds at most `capacity` entries and, when a new key arrives in a full
//! cache, evicts the entry used longest ago. Then make a thread-safe version of it.
//!
//! Read `katas/lru/README.md` first. Grade your work with `cargo kata check lru`; the stages are
//! examples, properties, concurrency, quality and complexity.
//!
//! What must hold (the graded suite checks all of it):
//! - every operation of [`LruCache`] is O(1) on average, whatever the capacity;
//! - `get` and `put` make an entry the most recently used; `peek` does not;
//! - `put` returns what it pushed out: the old entry under the same key, or the evicted one;
//! - [`ShardedLruCache`] is `Send + Sync`, and each of its operations acts atomically.
//!
//! - a [`ShardedLruCache`] can hold exactly the capacity asked for: its shards' capacities add up;
//! - keys are `Hash + Eq + Clone`, values have no bound: put no other bound on your types.
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.
//! For the thread-safe variant use `kata_core::sync::{Mutex, atomic::*}` (not `std::sync` or
//! `parking_lot`, which the concurrency stage refuses), so that loom can model-check it. Its
//! `Mutex::lock()` returns the guard itself, as `parking_lot`'s does (no poisoning, no
//! `.unwrap()`).

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::hash::Hash;
use std::marker::PhantomData;

pub use kata_core::lru::{Cache, CapacityError, ConcurrentCache};

/// An exact least-recently-used cache.
///
/// # Examples
///
/// ```no_run
/// use lru_kata::{Cache, LruCache};
///
/// let mut cache = LruCache::with_capacity(2).unwrap();
/// cache.put("a", 1);
/// cache.put("b", 2);
/// cache.get(&"a"); // "a" is now the most recently used
/// assert_eq!(cache.put("c", 3), Some(("b", 2))); // so "b" is evicted
/// ```
pub struct LruCache<K, V> {
    _entries: PhantomData<(K, V)>,
}

// `K: Clone` lets a node keep its own copy of the key (see the README, "The API").
impl<K: Hash + Eq + Clone, V> Cache<K, V> for LruCache<K, V> {
    /// An empty cache holding at most `capacity` entries.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`] when `capacity` is 0.
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        todo!("LruCache::with_capacity")
    }

    /// The value under `key`, making the entry the most recently used. O(1).
    fn get(&mut self, key: &K) -> Option<&V> {
        todo!("LruCache::get")
    }

    /// The value under `key`, without changing recency. O(1).
    fn peek(&self, key: &K) -> Option<&V> {
        todo!("LruCache::peek")
    }

    /// Inserts or replaces `key`'s value and makes it the most recently used. O(1).
    ///
    /// Returns `Some((key, old_value))` when `key` was present, `Some(evicted)` when a new key
    /// filled a full cache and the least recently used entry had to go, `None` otherwise.
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        todo!("LruCache::put")
    }

    /// Removes `key`'s entry and returns its value. O(1).
    fn remove(&mut self, key: &K) -> Option<V> {
        todo!("LruCache::remove")
    }

    /// The number of entries held.
    fn len(&self) -> usize {
        todo!("LruCache::len")
    }

    /// The most entries the cache holds.
    fn capacity(&self) -> usize {
        todo!("LruCache::capacity")
    }
}

/// A thread-safe cache split into `shards` independently locked LRU caches.
///
/// A key always goes to the same shard (pick it from the key's hash). The capacity is split
/// across the shards so that their capacities add up to exactly `capacity`.
pub struct ShardedLruCache<K, V> {
    // `fn() -> ...` keeps the stub `Send + Sync` whatever K and V are; your fields decide.
    _shards: PhantomData<fn() -> (K, V)>,
}

impl<K, V> ConcurrentCache<K, V> for ShardedLruCache<K, V>
where
    K: Hash + Eq + Clone + Send,
    V: Clone + Send,
{
    /// An empty cache of `capacity` entries over `shards` shards.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`], [`CapacityError::ZeroShards`], or
    /// [`CapacityError::MoreShardsThanCapacity`].
    fn with_shards(capacity: usize, shards: usize) -> Result<Self, CapacityError> {
        todo!("ShardedLruCache::with_shards")
    }

    /// A clone of `key`'s value, making it the most recently used in its shard.
    fn get(&self, key: &K) -> Option<V> {
        todo!("ShardedLruCache::get")
    }

    /// A clone of `key`'s value, without changing recency.
    fn peek(&self, key: &K) -> Option<V> {
        todo!("ShardedLruCache::peek")
    }

    /// Inserts or replaces `key`'s value; returns what was pushed out, like [`Cache::put`].
    fn put(&self, key: K, value: V) -> Option<(K, V)> {
        todo!("ShardedLruCache::put")
    }

    /// Removes `key`'s entry and returns its value.
    fn remove(&self, key: &K) -> Option<V> {
        todo!("ShardedLruCache::remove")
    }

    /// Entries held across all shards. Must be exact whenever no operation is in flight.
    fn len(&self) -> usize {
        todo!("ShardedLruCache::len")
    }

    /// The most entries held in total.
    fn capacity(&self) -> usize {
        todo!("ShardedLruCache::capacity")
    }
}
