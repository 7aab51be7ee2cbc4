//! The API of the `lru` kata: a least-recently-used cache and its thread-safe sharded variant.
//!
//! Both the learner's `katas/lru` and the reference `solutions/lru` implement these traits; the
//! graded suite calls nothing else. See `katas/lru/README.md` for the concept and the stages.

use std::fmt;
use std::hash::Hash;

/// Why a cache could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityError {
    /// A capacity of zero was asked for; a cache must hold at least one entry.
    Zero,
    /// A sharded cache was asked for with zero shards.
    ZeroShards,
    /// A sharded cache was asked for with more shards than entries, which would leave shards that
    /// can hold nothing.
    MoreShardsThanCapacity {
        /// The capacity asked for.
        capacity: usize,
        /// The number of shards asked for.
        shards: usize,
    },
}

impl fmt::Display for CapacityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CapacityError::Zero => {
                f.write_str("capacity must be at least 1: a cache of capacity 0 can hold nothing")
            }
            CapacityError::ZeroShards => f.write_str("a sharded cache needs at least one shard"),
            CapacityError::MoreShardsThanCapacity { capacity, shards } => write!(
                f,
                "{shards} shards for a capacity of {capacity}: use at most one shard per entry"
            ),
        }
    }
}

impl std::error::Error for CapacityError {}

/// A fixed-capacity cache that evicts its least recently used entry when full.
///
/// "Used" means inserted by [`put`](Cache::put) or read by [`get`](Cache::get); [`peek`](Cache::peek)
/// reads without using. Every operation is O(1) on average.
///
/// Keys are `Hash + Eq + Clone`. `Clone` is there so that the textbook design compiles: a hash
/// map from key to node plus a linked list whose nodes hold the key too (the tail's key is what
/// eviction removes from the map), which keeps every key twice. A design that keeps each key once
/// (a `hashbrown::HashTable` of node indices, as the reference does) avoids the clone, and is
/// worth it for large keys, but is not required. Values need no bound: they are moved, never
/// cloned.
pub trait Cache<K: Hash + Eq + Clone, V>: Sized {
    /// An empty cache that holds at most `capacity` entries.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`] when `capacity` is 0.
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError>;

    /// The value under `key`, marking the entry most recently used.
    fn get(&mut self, key: &K) -> Option<&V>;

    /// The value under `key`, leaving recency untouched.
    fn peek(&self, key: &K) -> Option<&V>;

    /// Inserts `value` under `key` and marks the entry most recently used.
    ///
    /// Returns the entry pushed out, if any: the old `(key, value)` when `key` was already present
    /// (its value is replaced), or the least recently used entry when a new key arrives in a full
    /// cache.
    fn put(&mut self, key: K, value: V) -> Option<(K, V)>;

    /// Removes the entry under `key` and returns its value.
    fn remove(&mut self, key: &K) -> Option<V>;

    /// The number of entries held.
    fn len(&self) -> usize;

    /// Whether the cache holds no entry.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most entries the cache holds.
    fn capacity(&self) -> usize;
}

/// A thread-safe cache split into independently locked shards, each an LRU over its own keys.
///
/// Every operation acts atomically: it behaves as if it happened at one instant between its call
/// and its return. Eviction is least-recently-used within the shard a key hashes to, which only
/// approximates a global LRU; the quality stage measures by how much.
pub trait ConcurrentCache<K: Hash + Eq + Clone + Send, V: Clone + Send>:
    Sized + Send + Sync
{
    /// An empty cache holding at most `capacity` entries in total, over `shards` shards.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`], [`CapacityError::ZeroShards`], or
    /// [`CapacityError::MoreShardsThanCapacity`] when `shards > capacity`.
    fn with_shards(capacity: usize, shards: usize) -> Result<Self, CapacityError>;

    /// A clone of the value under `key`, marking the entry most recently used in its shard.
    fn get(&self, key: &K) -> Option<V>;

    /// A clone of the value under `key`, leaving recency untouched.
    fn peek(&self, key: &K) -> Option<V>;

    /// Inserts `value` under `key`; returns the entry pushed out, as [`Cache::put`] does.
    fn put(&self, key: K, value: V) -> Option<(K, V)>;

    /// Removes the entry under `key` and returns its value.
    fn remove(&self, key: &K) -> Option<V>;

    /// The number of entries held across all shards.
    fn len(&self) -> usize;

    /// Whether the cache holds no entry.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most entries the cache holds in total.
    fn capacity(&self) -> usize;
}
