//! # Kata `lfu`: a least-frequently-used cache
//!
//! Build a cache that holds at most `capacity` entries and, when a new key arrives in a full
//! cache, evicts the entry used the fewest times (the least recently used of those on a tie), in
//! O(1). Then a variant that forgets old popularity, and a thread-safe sharded version.
//!
//! Read `katas/lfu/README.md` first. Grade your work with `cargo kata check lfu`; the stages are
//! examples, properties, concurrency, quality and complexity. Start with [`LfuCache`]
//! (`with_capacity`, `len` and `capacity`, then `put`, `get` and `frequency`): the other two
//! types build on it.
//!
//! What must hold (the graded suite checks all of it):
//! - an entry's *count* is its number of uses since it was inserted: the `put` that inserts it
//!   counts 1, every later `get` or `put` of its key adds 1, `peek` and `frequency` add nothing,
//!   and a key that was removed or evicted starts again at 1 when it comes back;
//! - a full [`LfuCache`] evicts the entry with the lowest count, the least recently used of those
//!   when several share it; the newcomer goes in afterwards, so it is never its own victim;
//! - `put` returns what it pushed out: the old entry under the same key, or the evicted one (and,
//!   for [`ForgetfulLfuCache`] only, possibly the newcomer itself, refused);
//! - [`ForgetfulLfuCache`] keeps the rules of [`ForgetfulCache`] and lets old popularity fade, by
//!   aging or by W-TinyLFU: your choice, the suite grades either;
//! - every operation of [`LfuCache`] and [`ForgetfulLfuCache`] is O(1) on average (amortised, for
//!   aging), whatever the capacity and the counts;
//! - [`ShardedLfuCache`] is `Send + Sync`, each of its operations acts atomically, and its shards'
//!   capacities add up to exactly the capacity asked for;
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

pub use kata_core::lfu::{Cache, CapacityError, ConcurrentCache, ForgetfulCache};

/// An exact least-frequently-used cache, O(1) per operation.
///
/// Entries of equal count stay together, in the order of their last use, so that the victim (the
/// least recently used entry of the lowest count) is always at hand, and a use moves one entry
/// from its count to the next. Shah, Mitra and Matani, "An O(1) algorithm for implementing the
/// LFU cache eviction scheme" (2010), is the design to read.
///
/// # Examples
///
/// ```no_run
/// use lfu_kata::{Cache, LfuCache};
///
/// let mut cache = LfuCache::with_capacity(2).unwrap();
/// cache.put("a", 1);
/// cache.put("b", 2);
/// cache.get(&"a"); // "a" has been used twice, "b" once
/// assert_eq!(cache.put("c", 3), Some(("b", 2))); // so "b" is evicted
/// assert_eq!(cache.frequency(&"a"), Some(2));
/// assert_eq!(cache.frequency(&"c"), Some(1));
/// ```
pub struct LfuCache<K, V> {
    _entries: PhantomData<(K, V)>,
}

// `K: Clone` lets a node keep its own copy of the key (see the README, "The API").
impl<K: Hash + Eq + Clone, V> Cache<K, V> for LfuCache<K, V> {
    /// An empty cache holding at most `capacity` entries.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`] when `capacity` is 0.
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        todo!("LfuCache::with_capacity")
    }

    /// The value under `key`, adding 1 to the entry's count and making it the most recently used
    /// of its new count. A miss changes nothing. O(1).
    fn get(&mut self, key: &K) -> Option<&V> {
        todo!("LfuCache::get")
    }

    /// The value under `key`, leaving counts and recency untouched. O(1).
    fn peek(&self, key: &K) -> Option<&V> {
        todo!("LfuCache::peek")
    }

    /// Inserts or replaces `key`'s value. O(1).
    ///
    /// A present key gets the new value and 1 more on its count, as a `get` would, and
    /// `Some((key, old_value))` comes back; nothing is evicted, even when the cache is full. A new
    /// key in a full cache first evicts the entry with the lowest count (the least recently used
    /// of those) and returns it, then goes in with a count of 1. Otherwise `None`.
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        todo!("LfuCache::put")
    }

    /// Removes `key`'s entry and returns its value; its count is forgotten. O(1).
    fn remove(&mut self, key: &K) -> Option<V> {
        todo!("LfuCache::remove")
    }

    /// The count of `key`'s entry: 1 for the `put` that inserted it, plus every `get` and `put` of
    /// it since. Looks without using. O(1).
    fn frequency(&self, key: &K) -> Option<u64> {
        todo!("LfuCache::frequency")
    }

    /// The number of entries held.
    fn len(&self) -> usize {
        todo!("LfuCache::len")
    }

    /// The most entries the cache holds.
    fn capacity(&self) -> usize {
        todo!("LfuCache::capacity")
    }
}

/// A frequency-based cache that forgets: an entry that was popular long ago does not stay forever.
///
/// Plain LFU only ever adds to a count, so when popularity shifts, yesterday's favourites keep
/// their high counts and today's keys, starting at 1, evict each other. Pick one way to forget
/// and say which in this comment:
///
/// - **aging**: an exact LFU whose counts are all halved every so many uses, so that a count
///   measures recent popularity;
/// - **W-TinyLFU** (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
///   Policy", ACM Transactions on Storage, 2017; what Caffeine does): a small LRU window in front
///   of a main segment, and a newcomer from the window admitted to the main segment only when a
///   compact frequency sketch, halved periodically, says it is used more often than the entry it
///   would replace.
///
/// Whichever you pick, the rules of [`ForgetfulCache`] hold: a value read is the value last put;
/// `put` of a held key replaces it and returns the old entry; `put` of a new key returns `None`
/// while the cache is not full and, once it is full, exactly one entry that is no longer held (an
/// evicted one, or the newcomer refused), so the cache stays full; nothing else ever leaves. The
/// quality stage measures whether your policy chooses well.
///
/// # Examples
///
/// ```no_run
/// use lfu_kata::{ForgetfulCache, ForgetfulLfuCache};
///
/// let mut cache = ForgetfulLfuCache::with_capacity(2).unwrap();
/// assert_eq!(cache.put("a", 1), None);
/// assert_eq!(cache.put("a", 10), Some(("a", 1))); // replaced
/// assert_eq!(cache.put("b", 2), None); // not full yet: nothing leaves
/// let (gone, _) = cache.put("c", 3).unwrap(); // full: exactly one entry leaves
/// assert!(cache.peek(&gone).is_none());
/// assert_eq!(cache.len(), 2);
/// ```
pub struct ForgetfulLfuCache<K, V> {
    _entries: PhantomData<(K, V)>,
}

impl<K: Hash + Eq + Clone, V> ForgetfulCache<K, V> for ForgetfulLfuCache<K, V> {
    /// An empty cache holding at most `capacity` entries.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`] when `capacity` is 0.
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        todo!("ForgetfulLfuCache::with_capacity")
    }

    /// The value under `key`, recording the access for the policy. O(1).
    fn get(&mut self, key: &K) -> Option<&V> {
        todo!("ForgetfulLfuCache::get")
    }

    /// The value under `key`, recording nothing. O(1).
    fn peek(&self, key: &K) -> Option<&V> {
        todo!("ForgetfulLfuCache::peek")
    }

    /// Inserts `value` under `key`, or refuses it. O(1), amortised for aging.
    ///
    /// Returns `Some((key, old_value))` when `key` was held (it stays held); `None` when it is new
    /// and fewer than `capacity` entries are held (nothing may leave then); and, when it is new
    /// and the cache is full, the one entry that is not held after the call: the one evicted, or
    /// `(key, value)` itself if the policy refused it.
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        todo!("ForgetfulLfuCache::put")
    }

    /// Removes `key`'s entry and returns its value. O(1).
    fn remove(&mut self, key: &K) -> Option<V> {
        todo!("ForgetfulLfuCache::remove")
    }

    /// The number of entries held.
    fn len(&self) -> usize {
        todo!("ForgetfulLfuCache::len")
    }

    /// The most entries the cache holds.
    fn capacity(&self) -> usize {
        todo!("ForgetfulLfuCache::capacity")
    }
}

/// A thread-safe cache split into `shards` independently locked exact LFU caches.
///
/// A key always goes to the same shard (pick it from the key's hash), and eviction is
/// least-frequently-used within that shard. The capacity is split across the shards so that their
/// capacities add up to exactly `capacity`. With one shard it behaves exactly like [`LfuCache`].
pub struct ShardedLfuCache<K, V> {
    // `fn() -> ...` keeps the stub `Send + Sync` whatever K and V are; your fields decide.
    _shards: PhantomData<fn() -> (K, V)>,
}

impl<K, V> ConcurrentCache<K, V> for ShardedLfuCache<K, V>
where
    K: Hash + Eq + Clone + Send,
    V: Clone + Send,
{
    /// An empty cache of `capacity` entries over `shards` shards.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`] when `capacity` is 0, [`CapacityError::ZeroShards`] when `shards`
    /// is 0, and `CapacityError::MoreShardsThanCapacity { capacity, shards }` (a struct variant:
    /// it says both numbers) when `shards > capacity`. Which comes first when both are 0 is yours
    /// to choose: no stage asks.
    fn with_shards(capacity: usize, shards: usize) -> Result<Self, CapacityError> {
        todo!("ShardedLfuCache::with_shards")
    }

    /// A clone of `key`'s value, adding 1 to its count. Two threads that `get` the same key add 2.
    fn get(&self, key: &K) -> Option<V> {
        todo!("ShardedLfuCache::get")
    }

    /// A clone of `key`'s value, leaving its count untouched.
    fn peek(&self, key: &K) -> Option<V> {
        todo!("ShardedLfuCache::peek")
    }

    /// Inserts or replaces `key`'s value; returns what was pushed out, like [`Cache::put`] within
    /// the key's shard.
    fn put(&self, key: K, value: V) -> Option<(K, V)> {
        todo!("ShardedLfuCache::put")
    }

    /// Removes `key`'s entry and returns its value.
    fn remove(&self, key: &K) -> Option<V> {
        todo!("ShardedLfuCache::remove")
    }

    /// The count of `key`'s entry, as [`Cache::frequency`].
    fn frequency(&self, key: &K) -> Option<u64> {
        todo!("ShardedLfuCache::frequency")
    }

    /// Entries held across all shards. Must be exact whenever no operation is in flight.
    fn len(&self) -> usize {
        todo!("ShardedLfuCache::len")
    }

    /// The most entries held in total.
    fn capacity(&self) -> usize {
        todo!("ShardedLfuCache::capacity")
    }
}
