//! The API of the `lfu` kata: an exact least-frequently-used cache, a variant that forgets, and
//! a thread-safe sharded variant.
//!
//! The learner's `katas/lfu` and the reference `solutions/lfu` both implement these traits; the
//! graded suite calls nothing else. See `katas/lfu/README.md` for the concept and the stages.
//!
//! The conventions are `lru`'s wherever they apply: the same constructor errors
//! ([`CapacityError`]), `get` as a use and `peek` as a look, and `put` returning the entry it
//! pushed out.

use std::hash::Hash;

pub use crate::lru::CapacityError;

/// A fixed-capacity cache that evicts its least frequently used entry when full, the least
/// recently used of those when several share the lowest count.
///
/// An entry's *count* is the number of uses since it was inserted: the [`put`](Cache::put) that
/// inserted it counts 1, and every later [`get`](Cache::get) or `put` of its key adds 1.
/// [`peek`](Cache::peek) and [`frequency`](Cache::frequency) look without using. A removed or
/// evicted key that comes back starts again at 1.
///
/// Every operation is O(1) on average, whatever the counts: the design of Shah, Mitra and Matani
/// (2010) keeps entries of equal count together in buckets, and the buckets in a list ordered by
/// count, so that the victim is always at hand and a use moves an entry to the next bucket.
pub trait Cache<K: Hash + Eq + Clone, V>: Sized {
    /// An empty cache that holds at most `capacity` entries.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`] when `capacity` is 0.
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError>;

    /// The value under `key`, adding 1 to the entry's count.
    fn get(&mut self, key: &K) -> Option<&V>;

    /// The value under `key`, leaving its count and recency untouched.
    fn peek(&self, key: &K) -> Option<&V>;

    /// Inserts `value` under `key`.
    ///
    /// When `key` is present, its value is replaced, its count goes up by 1, and the old
    /// `(key, value)` is returned. When `key` is new and the cache is full, the entry with the
    /// lowest count (the least recently used of those on a tie) is evicted first and returned;
    /// the new entry then goes in with a count of 1, so it is never its own victim.
    fn put(&mut self, key: K, value: V) -> Option<(K, V)>;

    /// Removes the entry under `key` and returns its value.
    fn remove(&mut self, key: &K) -> Option<V>;

    /// The count of the entry under `key`: how many times it was used since it was inserted.
    fn frequency(&self, key: &K) -> Option<u64>;

    /// The number of entries held.
    fn len(&self) -> usize;

    /// Whether the cache holds no entry.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most entries the cache holds.
    fn capacity(&self) -> usize;
}

/// A frequency-based cache that forgets: yesterday's favourites do not stay forever.
///
/// Plain LFU keeps an entry that was hot an hour ago over one that is hot now, because its count
/// only grows. A forgetting cache lets old counts fade. Two designs satisfy this contract, and the
/// suite grades the contract, not the design:
///
/// - **aging**: an exact LFU whose counts are all halved periodically (or counted over a sliding
///   window), so that a count measures recent popularity;
/// - **W-TinyLFU** (Einziger, Friedman and Manes 2017, what Caffeine uses; moka uses TinyLFU
///   admission in front of an LRU, without the window): a small LRU window in front of a main
///   segment, and an admission filter that lets a newcomer in only when
///   a compact frequency sketch says it is used more often than the entry it would replace; the
///   sketch is halved periodically.
///
/// What every implementation must do (the properties stage checks each rule):
///
/// - `get` and `peek` return the value last put under a key, for as long as the key is held;
/// - `put` of a key that is held replaces its value, keeps it held and returns the old
///   `(key, value)`;
/// - `put` of a new key while fewer than `capacity` entries are held inserts it and returns
///   `None`;
/// - `put` of a new key into a full cache returns exactly one entry that is no longer held: a
///   previous entry it evicted, or the new `(key, value)` itself when the policy refused to admit
///   it. Either way the cache stays full;
/// - nothing else leaves: an entry is held from the `put` that inserted it until a `put` returns
///   it or [`remove`](ForgetfulCache::remove) takes it.
///
/// Which entry goes is the policy's choice; the quality stage measures whether the choice is
/// good: as good as LFU on a skewed trace, resistant to a scan, and quick to follow popularity
/// when it shifts. Every operation is O(1) on average (amortised for aging).
pub trait ForgetfulCache<K: Hash + Eq + Clone, V>: Sized {
    /// An empty cache that holds at most `capacity` entries.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`] when `capacity` is 0.
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError>;

    /// The value under `key`, recording the access.
    fn get(&mut self, key: &K) -> Option<&V>;

    /// The value under `key`, recording nothing.
    fn peek(&self, key: &K) -> Option<&V>;

    /// Inserts `value` under `key`, or refuses it; returns the entry that is not held after the
    /// call, as the trait's rules say.
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

/// A thread-safe cache split into independently locked shards, each an exact LFU over its own
/// keys.
///
/// Every operation acts atomically: it behaves as if it happened at one instant between its call
/// and its return. Eviction is least-frequently-used within the shard a key hashes to, which only
/// approximates a global LFU; the quality stage measures by how much. With one shard it is exactly
/// a [`Cache`].
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

    /// A clone of the value under `key`, adding 1 to the entry's count.
    fn get(&self, key: &K) -> Option<V>;

    /// A clone of the value under `key`, leaving its count untouched.
    fn peek(&self, key: &K) -> Option<V>;

    /// Inserts `value` under `key`; returns the entry pushed out, as [`Cache::put`] does within
    /// the key's shard.
    fn put(&self, key: K, value: V) -> Option<(K, V)>;

    /// Removes the entry under `key` and returns its value.
    fn remove(&self, key: &K) -> Option<V>;

    /// The count of the entry under `key`, as [`Cache::frequency`].
    fn frequency(&self, key: &K) -> Option<u64>;

    /// The number of entries held across all shards.
    fn len(&self) -> usize;

    /// Whether the cache holds no entry.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most entries the cache holds in total.
    fn capacity(&self) -> usize;
}
