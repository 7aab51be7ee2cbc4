//! The [`moka`](https://crates.io/crates/moka) crate's `sync::Cache` behind [`ForgetfulCache`].
//!
//! moka is a concurrent cache: TinyLFU admission (a count-min sketch of recent popularity, halved
//! periodically) in front of an LRU, without W-TinyLFU's window. Three things stand between its
//! API and the kata's, and the adapter bridges each in the plainest way it can:
//!
//! - **It hands out clones, not references, and wants `Send + Sync + 'static` keys and values**,
//!   where the kata's traits return `&V` and take any key. So moka holds no value here: it holds
//!   each key's 64-bit hash (SipHash with fixed keys, so a run is repeatable) and decides which
//!   keys stay, while the adapter keeps the entries in its own table under the same hash. Every
//!   call is moka's: `get` is moka's `get` (a read its sketch records, hit or miss) and answers
//!   only if moka still holds the key; `peek` is moka's `contains_key`, which records nothing;
//!   `put` is moka's `insert`; `remove` is moka's `remove`. Two distinct keys with one 64-bit
//!   hash would make the adapter panic, saying so (odds of about one in 2^33 for 64 Ki keys).
//! - **It evicts lazily**, in maintenance work it runs now and then or when asked
//!   (`run_pending_tasks`). The kata's `put` must return the entry that left, so `put` of a new
//!   key asks for the pending work at once, every time.
//! - **It reports evictions only to an eviction listener.** The adapter's listener notes the
//!   hashes moka evicted for size (the newcomer's own, when moka's admission refuses it), and `put`
//!   takes those entries out of its table and returns the first. (With unit weights one insert
//!   evicts one entry; a second would leave unannounced, which the graded contract catches.)
//!
//! The bench times all of it: moka's own work plus the table, the hashing and the eager
//! maintenance that the kata's synchronous contract asks of it.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::mem;
use std::sync::{Arc, Mutex};

use ::moka::notification::RemovalCause;
use ::moka::sync::Cache as MokaCache;
use kata_core::lfu::{CapacityError, ForgetfulCache};

use super::ForgetfulMaker;

/// A hasher for keys that already are a 64-bit hash: it passes them through.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64`s are hashed with it; anything else is folded in, in case.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The build-hasher of the tables keyed by hash.
type ByHash = BuildHasherDefault<Prehashed>;

/// A `moka::sync::Cache` behind [`ForgetfulCache`] (see the module documentation).
pub struct MokaForgetful<K, V> {
    /// moka, deciding which keys stay, by their hashes.
    policy: MokaCache<u64, (), ByHash>,
    /// The entries moka holds, under the same hashes.
    entries: HashMap<u64, (K, V), ByHash>,
    /// What moka's listener saw evicted since `put` last looked.
    evicted: Arc<Mutex<Vec<u64>>>,
    /// How keys are hashed: SipHash with fixed keys.
    hasher: BuildHasherDefault<DefaultHasher>,
    capacity: usize,
}

impl<K: Hash + Eq, V> MokaForgetful<K, V> {
    #[inline]
    fn hash(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    /// The entry under hash `h`, if it is `key`'s; a panic if it is another key's.
    #[inline]
    fn entry(&self, h: u64, key: &K) -> Option<&V> {
        let (k, v) = self.entries.get(&h)?;
        assert!(
            k == key,
            "two keys with one 64-bit hash: the moka adapter cannot tell them apart"
        );
        Some(v)
    }
}

impl<K: Hash + Eq + Clone, V> ForgetfulCache<K, V> for MokaForgetful<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        let evicted = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&evicted);
        let policy = MokaCache::builder()
            .max_capacity(capacity as u64)
            .eviction_listener(move |h: Arc<u64>, (), cause| {
                if cause == RemovalCause::Size {
                    seen.lock().expect("not poisoned").push(*h);
                }
            })
            .build_with_hasher(ByHash::default());
        Ok(MokaForgetful {
            policy,
            entries: HashMap::with_capacity_and_hasher(capacity, ByHash::default()),
            evicted,
            hasher: BuildHasherDefault::default(),
            capacity,
        })
    }

    #[inline]
    fn get(&mut self, key: &K) -> Option<&V> {
        let h = self.hash(key);
        self.policy.get(&h)?;
        self.entry(h, key)
    }

    #[inline]
    fn peek(&self, key: &K) -> Option<&V> {
        let h = self.hash(key);
        if !self.policy.contains_key(&h) {
            return None;
        }
        self.entry(h, key)
    }

    #[inline]
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        let h = self.hash(&key);
        if self.entry(h, &key).is_some() {
            self.policy.insert(h, ());
            let slot = &mut self.entries.get_mut(&h)?.1;
            return Some((key, mem::replace(slot, value)));
        }
        self.entries.insert(h, (key, value));
        self.policy.insert(h, ());
        self.policy.run_pending_tasks();
        let mut evicted = self.evicted.lock().expect("not poisoned");
        let mut first = None;
        for gone in evicted.drain(..) {
            let entry = self.entries.remove(&gone);
            first = first.or(entry);
        }
        first
    }

    #[inline]
    fn remove(&mut self, key: &K) -> Option<V> {
        let h = self.hash(key);
        self.entry(h, key)?;
        self.policy.remove(&h);
        self.entries.remove(&h).map(|(_, v)| v)
    }

    #[inline]
    fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Marker for [`MokaForgetful`] as a family's cache that forgets.
pub struct Moka;

impl ForgetfulMaker for Moka {
    type Forgetful<K: Hash + Eq + Clone, V> = MokaForgetful<K, V>;
}
