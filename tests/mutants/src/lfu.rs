//! Known-wrong `lfu` implementations.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash, RandomState};
use std::marker::PhantomData;

use kata_core::catalogue::Stage;
use kata_core::lfu::{Cache, CapacityError, ConcurrentCache, ForgetfulCache};
use kata_core::sync::atomic::{AtomicUsize, Ordering};
use kata_core::sync::Mutex;
use kata_suites::lfu::LfuFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "lfu", suite lfu, reference R: LfuFamily;
    "fifo-ties" => Family<VecLfu<FIFO_TIES>, R> {
        mistake: "among equal counts, the first inserted goes, not the least recently used: a \
                   use does not refresh recency",
        rejected_by: [examples, properties],
        passes: [],
    }
    "mru-ties" => Family<VecLfu<MRU_TIES>, R> {
        mistake: "among equal counts, the most recently used goes",
        rejected_by: [examples],
        passes: [],
    }
    "get-not-counted" => Family<VecLfu<GET_NOT_COUNTED>, R> {
        mistake: "get returns the value but does not add 1 to the count",
        rejected_by: [examples],
        passes: [],
    }
    "put-resets-count" => Family<VecLfu<PUT_RESETS_COUNT>, R> {
        mistake: "put of a present key starts its count again at 1",
        rejected_by: [examples],
        passes: [],
    }
    "remembers-removed" => Family<VecLfu<REMEMBERS_REMOVED>, R> {
        mistake: "counts kept in a map of their own that remove forgets to clean: a removed key \
                   that comes back resumes its old count",
        rejected_by: [examples],
        passes: [],
    }
    "evicts-newcomer" => Family<VecLfu<EVICTS_NEWCOMER>, R> {
        mistake: "put inserts first and evicts after, so the newcomer (count 1) is its own \
                   victim whenever every other entry has been used again",
        rejected_by: [examples],
        passes: [],
    }
    "stale-min" => Family<LazyLfu<STALE_MIN>, R> {
        mistake: "min_freq is not reset to 1 when a new key goes in, so the victim is taken \
                   from a higher count while entries of count 1 are held",
        rejected_by: [examples],
        passes: [],
    }
    "swap-remove" => Family<VecLfu<SWAP_REMOVE>, R> {
        mistake: "entries kept in a Vec in recency order, but remove uses swap_remove, which \
                   moves the most recent entry into the removed one's place: ties are broken \
                   wrongly after a remove",
        rejected_by: [properties],
        passes: [examples, quality],
    }
    "lazy-stale" => Family<LazyLfu<LAZY_STALE>, R> {
        mistake: "a queue per count with lazy deletion, a queued key taken as live when its \
                   count matches: a key removed or evicted, then put again, is ordered by its \
                   old incarnation's place",
        rejected_by: [properties],
        passes: [examples],
    }
    "linear-scan" => Family<VecLfu<CORRECT>, R> {
        mistake: "entries in a Vec searched on every operation, the victim found by a scan: \
                   correct, but O(n)",
        rejected_by: [complexity],
        slow_in: "read-heavy",
        passes: [examples, properties, quality],
    }
    "min-scan" => Family<ScanLfuFamily, R> {
        mistake: "a HashMap of (value, count, last use); eviction scans every entry for the \
                   smallest (count, last use): correct, but O(n) puts",
        rejected_by: [complexity],
        slow_in: "mixed",
        passes: [examples, properties, quality],
    }
    "min-search" => Family<MinSearchFamily, R> {
        mistake: "the min_freq design, which after a remove finds the new lowest count by \
                   searching the counts in use (a min() over the map of count lists): correct, \
                   but each remove is O(distinct counts)",
        rejected_by: [complexity],
        slow_in: "many-counts",
        passes: [examples, properties, quality],
    }
    "aging-scan" => ForgetfulFamily<AgingScan, R> {
        mistake: "the cache that forgets is an aging LFU (counts halved every 8 capacities' \
                   worth of uses) whose victim is found by scanning every entry: a good policy, \
                   but O(n) puts",
        rejected_by: [complexity],
        slow_in: "forgetful",
        passes: [examples, properties, quality],
    }
    "never-forgets" => ForgetfulFamily<NeverForgets, R> {
        mistake: "the cache that forgets is a plain exact LFU: old favourites keep their counts \
                   and new ones never get in",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "plain-lru" => ForgetfulFamily<PlainLru, R> {
        mistake: "the cache that forgets is a plain LRU: it forgets, but uses no frequency and a \
                   scan flushes it",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "refusal-returns-none" => ForgetfulFamily<RefusalReturnsNone, R> {
        mistake: "the admission filter refuses a newcomer and put returns None, as if it had \
                   gone in",
        rejected_by: [examples, properties],
        passes: [],
    }
    "one-short" => ForgetfulFamily<OneShort, R> {
        mistake: "the cache that forgets holds one entry fewer than its capacity, so it evicts \
                   while a slot is still free",
        rejected_by: [examples],
        passes: [],
    }
    "check-then-act" => ShardedFamily<CHECK_THEN_ACT, R> {
        mistake: "sharded put decides on eviction under one lock and inserts under another",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "lost-count" => ShardedFamily<LOST_COUNT, R> {
        mistake: "sharded get reads the count under the lock and writes count + 1 under a \
                   second acquisition: two gets at once count one use",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "racy-len" => ShardedFamily<RACY_LEN, R> {
        mistake: "sharded len kept in a counter updated by load-then-store outside the lock",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "sharded-put-not-counted" => ShardedFamily<PUT_NOT_COUNTED, R> {
        mistake: "sharded put of a present key replaces its value but does not add 1 to its \
                   count",
        rejected_by: [examples, properties],
        passes: [],
    }
    "three-hash-bits" => ShardedFamily<THREE_HASH_BITS, R> {
        mistake: "the shard is picked from the hash's top 3 bits (h >> 61): fine up to 8 \
                   shards, but with 16 half the shards never get a key and half the capacity \
                   is never used",
        rejected_by: [quality],
        passes: [examples, properties, concurrency],
    }
    "lopsided-shards" => ShardedFamily<LOPSIDED, R> {
        mistake: "every key goes to shard 0, so the cache uses 1/shards of its capacity",
        rejected_by: [examples],
        passes: [properties, concurrency],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: LfuFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    use kata_suites::grade;
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::lfu`).
        "textbook" => grade!(
            lfu,
            crate::alternatives::lfu::TextbookFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no lfu mutant named `{name}`")),
    }
}

// ---- Families: one wrong type, the reference's others. ----

/// Supplies an exact cache type.
pub trait CacheMaker: 'static {
    /// The cache type.
    type Cache<K: Hash + Eq + Clone, V>: Cache<K, V>;
}

/// Supplies a forgetful cache type, given the reference family `R`.
pub trait ForgetfulMaker<R: LfuFamily>: 'static {
    /// The cache type.
    type Forgetful<K: Hash + Eq + Clone, V>: ForgetfulCache<K, V>;
}

/// A family with `M`'s exact cache and the reference's other two.
pub struct Family<M, R>(PhantomData<(M, R)>);

impl<M: CacheMaker, R: LfuFamily> LfuFamily for Family<M, R> {
    type Cache<K: Hash + Eq + Clone, V> = M::Cache<K, V>;
    type Forgetful<K: Hash + Eq + Clone, V> = R::Forgetful<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = R::Sharded<K, V>;
}

/// A family with `M`'s forgetful cache and the reference's other two.
pub struct ForgetfulFamily<M, R>(PhantomData<(M, R)>);

impl<M: ForgetfulMaker<R>, R: LfuFamily> LfuFamily for ForgetfulFamily<M, R> {
    type Cache<K: Hash + Eq + Clone, V> = R::Cache<K, V>;
    type Forgetful<K: Hash + Eq + Clone, V> = M::Forgetful<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = R::Sharded<K, V>;
}

/// A family with a wrong sharded cache and the reference's other two.
pub struct ShardedFamily<const BUG: u8, R>(PhantomData<R>);

impl<const BUG: u8, R: LfuFamily> LfuFamily for ShardedFamily<BUG, R> {
    type Cache<K: Hash + Eq + Clone, V> = R::Cache<K, V>;
    type Forgetful<K: Hash + Eq + Clone, V> = R::Forgetful<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = BadSharded<K, V, BUG>;
}

// ---- A Vec-based LFU, least recently used first: simple, O(n), with optional bugs. ----

const CORRECT: u8 = 0;
const FIFO_TIES: u8 = 1;
const MRU_TIES: u8 = 2;
const GET_NOT_COUNTED: u8 = 3;
const PUT_RESETS_COUNT: u8 = 4;
const REMEMBERS_REMOVED: u8 = 5;
const EVICTS_NEWCOMER: u8 = 6;
const SWAP_REMOVE: u8 = 7;

/// Marker for [`VecLfuCache`] with bug `BUG`.
pub struct VecLfu<const BUG: u8>;

impl<const BUG: u8> CacheMaker for VecLfu<BUG> {
    type Cache<K: Hash + Eq + Clone, V> = VecLfuCache<K, V, BUG>;
}

struct Entry<K, V> {
    key: K,
    value: V,
    count: u64,
}

/// Entries in a `Vec`, least recently used first; the victim is the first of the lowest count.
pub struct VecLfuCache<K, V, const BUG: u8> {
    entries: Vec<Entry<K, V>>,
    /// `REMEMBERS_REMOVED`: every key's count, kept apart, and not cleaned by `remove`.
    counts: HashMap<K, u64>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V, const BUG: u8> VecLfuCache<K, V, BUG> {
    fn position(&self, key: &K) -> Option<usize> {
        self.entries.iter().position(|e| e.key == *key)
    }

    /// One use of entry `i`, counted by `counted`; the index it is at afterwards.
    fn used(&mut self, i: usize, counted: bool) -> usize {
        if counted {
            let e = &mut self.entries[i];
            e.count = e.count.saturating_add(1);
            if BUG == REMEMBERS_REMOVED {
                self.counts.insert(e.key.clone(), e.count);
            }
        }
        if BUG == FIFO_TIES {
            return i;
        }
        self.entries[i..].rotate_left(1);
        self.entries.len() - 1
    }

    /// The index of the victim: the least recently used of the lowest count.
    fn victim(&self) -> usize {
        let lowest = self
            .entries
            .iter()
            .map(|e| e.count)
            .min()
            .expect("a full cache");
        let mut of_lowest = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.count == lowest);
        let found = if BUG == MRU_TIES {
            of_lowest.next_back()
        } else {
            of_lowest.next()
        };
        found.expect("an entry of the lowest count").0
    }

    fn evict(&mut self, i: usize) -> (K, V) {
        let e = self.entries.remove(i);
        self.counts.remove(&e.key);
        (e.key, e.value)
    }

    /// The entry a shard of [`BadSharded`] evicts to make room for a new key, if it is full.
    fn pop_victim(&mut self, key: &K) -> Option<(K, V)> {
        if self.position(key).is_some() || self.entries.len() < self.capacity {
            return None;
        }
        let i = self.victim();
        Some(self.evict(i))
    }

    /// Puts `key` with no capacity check (for [`BadSharded`]'s check-then-act).
    fn insert_unchecked(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(i) = self.position(&key) {
            let i = self.used(i, true);
            let e = &mut self.entries[i];
            let old = std::mem::replace(&mut e.value, value);
            return Some((std::mem::replace(&mut e.key, key), old));
        }
        self.entries.push(Entry {
            key,
            value,
            count: 1,
        });
        None
    }
}

impl<K: Hash + Eq + Clone, V, const BUG: u8> Cache<K, V> for VecLfuCache<K, V, BUG> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(VecLfuCache {
            entries: Vec::new(),
            counts: HashMap::new(),
            capacity,
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        let i = self.position(key)?;
        let i = self.used(i, BUG != GET_NOT_COUNTED);
        Some(&self.entries[i].value)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        let i = self.position(key)?;
        Some(&self.entries[i].value)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(i) = self.position(&key) {
            let i = self.used(i, true);
            let e = &mut self.entries[i];
            if BUG == PUT_RESETS_COUNT {
                e.count = 1;
            }
            let old = std::mem::replace(&mut e.value, value);
            return Some((std::mem::replace(&mut e.key, key), old));
        }
        let full = self.entries.len() == self.capacity;
        let evicted = (full && BUG != EVICTS_NEWCOMER).then(|| {
            let i = self.victim();
            self.evict(i)
        });
        let count = if BUG == REMEMBERS_REMOVED {
            let c = self.counts.get(&key).map_or(1, |c| c + 1);
            self.counts.insert(key.clone(), c);
            c
        } else {
            1
        };
        self.entries.push(Entry { key, value, count });
        if full && BUG == EVICTS_NEWCOMER {
            let i = self.victim();
            return Some(self.evict(i));
        }
        evicted
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.position(key)?;
        let e = if BUG == SWAP_REMOVE {
            self.entries.swap_remove(i)
        } else {
            self.entries.remove(i)
        };
        if BUG != REMEMBERS_REMOVED {
            self.counts.remove(&e.key);
        }
        Some(e.value)
    }

    fn frequency(&self, key: &K) -> Option<u64> {
        let i = self.position(key)?;
        Some(self.entries[i].count)
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- A queue of keys per count, with lazy deletion and a `min_freq`. ----

const STALE_MIN: u8 = 1;
const LAZY_STALE: u8 = 2;

/// Marker for [`LazyLfuCache`] with bug `BUG`.
pub struct LazyLfu<const BUG: u8>;

impl<const BUG: u8> CacheMaker for LazyLfu<BUG> {
    type Cache<K: Hash + Eq + Clone, V> = LazyLfuCache<K, V, BUG>;
}

/// `HashMap<K, (value, count, stamp)>` and, per count, a queue of `(key, stamp)` pushed at every
/// use, oldest first. A queued pair is live when the key still has that count and that stamp;
/// the others are skipped when the eviction meets them.
pub struct LazyLfuCache<K, V, const BUG: u8> {
    map: HashMap<K, (V, u64, u64)>,
    queues: HashMap<u64, VecDeque<(K, u64)>>,
    min_freq: u64,
    max_freq: u64,
    tick: u64,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V, const BUG: u8> LazyLfuCache<K, V, BUG> {
    /// Gives `key` count `count` and a fresh stamp, and queues it.
    fn enqueue(&mut self, key: &K, count: u64) {
        self.tick += 1;
        let tick = self.tick;
        if let Some(e) = self.map.get_mut(key) {
            e.1 = count;
            e.2 = tick;
        }
        self.max_freq = self.max_freq.max(count);
        self.queues
            .entry(count)
            .or_default()
            .push_back((key.clone(), tick));
    }

    fn use_key(&mut self, key: &K) -> bool {
        let Some(count) = self.map.get(key).map(|e| e.1) else {
            return false;
        };
        self.enqueue(key, count + 1);
        true
    }

    /// Takes the least recently used key of the lowest count out.
    fn evict(&mut self) -> (K, V) {
        loop {
            if self.min_freq > self.max_freq {
                self.min_freq = 1;
            }
            let count = self.min_freq;
            let queue = self.queues.entry(count).or_default();
            while let Some((key, stamp)) = queue.pop_front() {
                let live = self
                    .map
                    .get(&key)
                    .is_some_and(|e| e.1 == count && (BUG == LAZY_STALE || e.2 == stamp));
                if live {
                    let (value, _, _) = self.map.remove(&key).expect("a live key");
                    return (key, value);
                }
            }
            self.min_freq += 1;
        }
    }
}

impl<K: Hash + Eq + Clone, V, const BUG: u8> Cache<K, V> for LazyLfuCache<K, V, BUG> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(LazyLfuCache {
            map: HashMap::new(),
            queues: HashMap::new(),
            min_freq: 1,
            max_freq: 1,
            tick: 0,
            capacity,
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        if !self.use_key(key) {
            return None;
        }
        self.map.get(key).map(|e| &e.0)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|e| &e.0)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if self.use_key(&key) {
            let (old_key, (old, count, stamp)) =
                self.map.remove_entry(&key).expect("a key just used");
            self.map.insert(key, (value, count, stamp));
            return Some((old_key, old));
        }
        let evicted = (self.map.len() == self.capacity).then(|| self.evict());
        self.map.insert(key.clone(), (value, 1, 0));
        self.enqueue(&key, 1);
        if BUG != STALE_MIN {
            self.min_freq = 1;
        }
        evicted
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        self.map.remove(key).map(|e| e.0)
    }

    fn frequency(&self, key: &K) -> Option<u64> {
        self.map.get(key).map(|e| e.1)
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- The textbook design searching for the lowest count after a remove. ----

/// The textbook design (`crate::alternatives::lfu`) searching for the lowest count after every
/// `remove`: the trap the complexity stage's `many-counts` series is for.
pub struct MinSearchFamily;

impl CacheMaker for MinSearchFamily {
    type Cache<K: Hash + Eq + Clone, V> = MinSearch<K, V>;
}

/// See [`MinSearchFamily`].
pub struct MinSearch<K, V>(crate::alternatives::lfu::TextbookLfu<K, V>);

impl<K: Hash + Eq + Clone, V> Cache<K, V> for MinSearch<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Cache::with_capacity(capacity).map(MinSearch)
    }
    fn get(&mut self, key: &K) -> Option<&V> {
        self.0.get(key)
    }
    fn peek(&self, key: &K) -> Option<&V> {
        self.0.peek(key)
    }
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        self.0.put(key, value)
    }
    fn remove(&mut self, key: &K) -> Option<V> {
        let value = self.0.remove(key)?;
        self.0.search_min_freq();
        Some(value)
    }
    fn frequency(&self, key: &K) -> Option<u64> {
        self.0.frequency(key)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

// ---- Exact LFU with O(n) eviction by smallest (count, last use). ----

/// Marker for [`ScanLfu`].
pub struct ScanLfuFamily;

impl CacheMaker for ScanLfuFamily {
    type Cache<K: Hash + Eq + Clone, V> = ScanLfu<K, V>;
}

/// Each entry carries its count and the tick of its last use; eviction scans for the smallest.
pub struct ScanLfu<K, V> {
    map: HashMap<K, (V, u64, u64)>,
    tick: u64,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Cache<K, V> for ScanLfu<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(ScanLfu {
            map: HashMap::new(),
            tick: 0,
            capacity,
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        self.tick += 1;
        let e = self.map.get_mut(key)?;
        e.1 = e.1.saturating_add(1);
        e.2 = self.tick;
        Some(&e.0)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|e| &e.0)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        self.tick += 1;
        if let Some((old_key, (old_value, count, _))) = self.map.remove_entry(&key) {
            self.map
                .insert(key, (value, count.saturating_add(1), self.tick));
            return Some((old_key, old_value));
        }
        let evicted = if self.map.len() == self.capacity {
            let victim = self
                .map
                .iter()
                .min_by_key(|(_, e)| (e.1, e.2))
                .map(|(k, _)| k.clone())
                .expect("a full cache");
            self.map.remove_entry(&victim).map(|(k, e)| (k, e.0))
        } else {
            None
        };
        self.map.insert(key, (value, 1, self.tick));
        evicted
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        self.map.remove(key).map(|e| e.0)
    }

    fn frequency(&self, key: &K) -> Option<u64> {
        self.map.get(key).map(|e| e.1)
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- Caches that forget wrongly, or not at all. ----

/// Marker: an aging [`ScanLfu`], O(n) per eviction.
pub struct AgingScan;

impl<R: LfuFamily> ForgetfulMaker<R> for AgingScan {
    type Forgetful<K: Hash + Eq + Clone, V> = AgingScanLfu<K, V>;
}

/// A [`ScanLfu`] whose counts are all halved after every `8 × capacity` uses (a `get` that hits,
/// a `put`): the aging design, with the victim found by a scan.
pub struct AgingScanLfu<K, V> {
    inner: ScanLfu<K, V>,
    uses: u64,
}

impl<K: Hash + Eq + Clone, V> AgingScanLfu<K, V> {
    fn used(&mut self) {
        self.uses += 1;
        if self.uses >= 8 * self.inner.capacity as u64 {
            self.uses = 0;
            for e in self.inner.map.values_mut() {
                e.1 /= 2;
            }
        }
    }
}

impl<K: Hash + Eq + Clone, V> ForgetfulCache<K, V> for AgingScanLfu<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Ok(AgingScanLfu {
            inner: ScanLfu::with_capacity(capacity)?,
            uses: 0,
        })
    }
    fn get(&mut self, key: &K) -> Option<&V> {
        self.inner.peek(key)?;
        self.used();
        self.inner.get(key)
    }
    fn peek(&self, key: &K) -> Option<&V> {
        self.inner.peek(key)
    }
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        self.used();
        self.inner.put(key, value)
    }
    fn remove(&mut self, key: &K) -> Option<V> {
        self.inner.remove(key)
    }
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn capacity(&self) -> usize {
        self.inner.capacity
    }
}

/// Marker: the reference's exact LFU, posing as the cache that forgets.
pub struct NeverForgets;

impl<R: LfuFamily> ForgetfulMaker<R> for NeverForgets {
    type Forgetful<K: Hash + Eq + Clone, V> = ExactAsForgetful<R::Cache<K, V>>;
}

/// An exact [`Cache`] behind the [`ForgetfulCache`] trait.
pub struct ExactAsForgetful<C>(C);

impl<K: Hash + Eq + Clone, V, C: Cache<K, V>> ForgetfulCache<K, V> for ExactAsForgetful<C> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        C::with_capacity(capacity).map(ExactAsForgetful)
    }
    fn get(&mut self, key: &K) -> Option<&V> {
        self.0.get(key)
    }
    fn peek(&self, key: &K) -> Option<&V> {
        self.0.peek(key)
    }
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        self.0.put(key, value)
    }
    fn remove(&mut self, key: &K) -> Option<V> {
        self.0.remove(key)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

/// Marker: the `lru` kata's reference, posing as the cache that forgets.
pub struct PlainLru;

impl<R: LfuFamily> ForgetfulMaker<R> for PlainLru {
    type Forgetful<K: Hash + Eq + Clone, V> = LruAsForgetful<K, V>;
}

/// `lru_solution::LruCache` behind the [`ForgetfulCache`] trait.
pub struct LruAsForgetful<K, V>(lru_solution::LruCache<K, V>);

impl<K: Hash + Eq + Clone, V> ForgetfulCache<K, V> for LruAsForgetful<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        <lru_solution::LruCache<K, V> as kata_core::lru::Cache<K, V>>::with_capacity(capacity)
            .map(LruAsForgetful)
    }
    fn get(&mut self, key: &K) -> Option<&V> {
        kata_core::lru::Cache::get(&mut self.0, key)
    }
    fn peek(&self, key: &K) -> Option<&V> {
        kata_core::lru::Cache::peek(&self.0, key)
    }
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        kata_core::lru::Cache::put(&mut self.0, key, value)
    }
    fn remove(&mut self, key: &K) -> Option<V> {
        kata_core::lru::Cache::remove(&mut self.0, key)
    }
    fn len(&self) -> usize {
        kata_core::lru::Cache::len(&self.0)
    }
    fn capacity(&self) -> usize {
        kata_core::lru::Cache::capacity(&self.0)
    }
}

/// Marker: the reference's cache that forgets, returning `None` when it refuses a newcomer.
pub struct RefusalReturnsNone;

impl<R: LfuFamily> ForgetfulMaker<R> for RefusalReturnsNone {
    type Forgetful<K: Hash + Eq + Clone, V> = Wrapped<R::Forgetful<K, V>, REFUSAL_RETURNS_NONE>;
}

/// Marker: the reference's cache that forgets, built one entry short.
pub struct OneShort;

impl<R: LfuFamily> ForgetfulMaker<R> for OneShort {
    type Forgetful<K: Hash + Eq + Clone, V> = Wrapped<R::Forgetful<K, V>, ONE_SHORT>;
}

const REFUSAL_RETURNS_NONE: u8 = 1;
const ONE_SHORT: u8 = 2;

/// A correct cache that forgets, `C`, with bug `BUG` around it.
pub struct Wrapped<C, const BUG: u8> {
    inner: C,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V, C: ForgetfulCache<K, V>, const BUG: u8> ForgetfulCache<K, V>
    for Wrapped<C, BUG>
{
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        let inner = if BUG == ONE_SHORT && capacity > 1 {
            C::with_capacity(capacity - 1)?
        } else {
            C::with_capacity(capacity)?
        };
        Ok(Wrapped { inner, capacity })
    }
    fn get(&mut self, key: &K) -> Option<&V> {
        self.inner.get(key)
    }
    fn peek(&self, key: &K) -> Option<&V> {
        self.inner.peek(key)
    }
    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if BUG != REFUSAL_RETURNS_NONE {
            return self.inner.put(key, value);
        }
        let held = self.inner.peek(&key).is_some();
        match self.inner.put(key.clone(), value) {
            Some((k, _)) if !held && k == key => None,
            out => out,
        }
    }
    fn remove(&mut self, key: &K) -> Option<V> {
        self.inner.remove(key)
    }
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- Sharded caches with concurrency or distribution bugs. ----

const CHECK_THEN_ACT: u8 = 1;
const LOST_COUNT: u8 = 2;
const RACY_LEN: u8 = 3;
const THREE_HASH_BITS: u8 = 4;
const LOPSIDED: u8 = 5;
const PUT_NOT_COUNTED: u8 = 6;

/// Shards of a correct [`VecLfuCache`] behind mutexes, with bug `BUG`.
pub struct BadSharded<K, V, const BUG: u8> {
    shards: Vec<Mutex<VecLfuCache<K, V, CORRECT>>>,
    hasher: RandomState,
    len: AtomicUsize,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V, const BUG: u8> BadSharded<K, V, BUG> {
    fn shard(&self, key: &K) -> &Mutex<VecLfuCache<K, V, CORRECT>> {
        if BUG == LOPSIDED {
            return &self.shards[0];
        }
        let h = self.hasher.hash_one(key);
        let h = if BUG == THREE_HASH_BITS { h >> 61 } else { h };
        &self.shards[(h % self.shards.len() as u64) as usize]
    }

    fn grew(&self) {
        if BUG == RACY_LEN {
            let n = self.len.load(Ordering::SeqCst);
            self.len.store(n + 1, Ordering::SeqCst);
        } else {
            self.len.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn shrank(&self) {
        if BUG == RACY_LEN {
            let n = self.len.load(Ordering::SeqCst);
            self.len.store(n - 1, Ordering::SeqCst);
        } else {
            self.len.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl<K, V, const BUG: u8> ConcurrentCache<K, V> for BadSharded<K, V, BUG>
where
    K: Hash + Eq + Clone + Send,
    V: Clone + Send,
{
    fn with_shards(capacity: usize, shards: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        if shards == 0 {
            return Err(CapacityError::ZeroShards);
        }
        if shards > capacity {
            return Err(CapacityError::MoreShardsThanCapacity { capacity, shards });
        }
        let shards = (0..shards)
            .map(|i| {
                let share = capacity / shards + usize::from(i < capacity % shards);
                VecLfuCache::with_capacity(share).map(Mutex::new)
            })
            .collect::<Result<_, _>>()?;
        Ok(BadSharded {
            shards,
            hasher: RandomState::new(),
            len: AtomicUsize::new(0),
            capacity,
        })
    }

    fn get(&self, key: &K) -> Option<V> {
        let shard = self.shard(key);
        if BUG == LOST_COUNT {
            // Read under one lock...
            let (value, count) = {
                let s = shard.lock();
                let i = s.position(key)?;
                (s.entries[i].value.clone(), s.entries[i].count)
            };
            // ...write back under another: a use by another thread in between is lost.
            let mut s = shard.lock();
            if let Some(i) = s.position(key) {
                let i = s.used(i, false);
                s.entries[i].count = count + 1;
            }
            return Some(value);
        }
        shard.lock().get(key).cloned()
    }

    fn peek(&self, key: &K) -> Option<V> {
        self.shard(key).lock().peek(key).cloned()
    }

    fn put(&self, key: K, value: V) -> Option<(K, V)> {
        let shard = self.shard(&key);
        if BUG == CHECK_THEN_ACT {
            // Check (and evict) under one lock...
            let evicted = shard.lock().pop_victim(&key);
            // ...and act under another: by now another thread may have filled the slot.
            let replaced = shard.lock().insert_unchecked(key, value);
            if replaced.is_none() && evicted.is_none() {
                self.len.fetch_add(1, Ordering::SeqCst);
            }
            return replaced.or(evicted);
        }
        let mut s = shard.lock();
        if BUG == PUT_NOT_COUNTED {
            if let Some(i) = s.position(&key) {
                let e = &mut s.entries[i];
                let old = std::mem::replace(&mut e.value, value);
                return Some((std::mem::replace(&mut e.key, key), old));
            }
        }
        let before = s.len();
        let out = s.put(key, value);
        // The total moves while the shard's lock is held, so it never counts a removal late:
        // counted after the unlock, another thread's insert into the freed slot could make
        // `len()` read one over the capacity.
        let grew = s.len() > before;
        if BUG == RACY_LEN {
            drop(s);
        }
        if grew {
            self.grew();
        }
        out
    }

    fn remove(&self, key: &K) -> Option<V> {
        let mut s = self.shard(key).lock();
        let out = s.remove(key);
        if BUG == RACY_LEN {
            drop(s);
        }
        if out.is_some() {
            self.shrank();
        }
        out
    }

    fn frequency(&self, key: &K) -> Option<u64> {
        self.shard(key).lock().frequency(key)
    }

    fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst)
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}
