//! Known-wrong `lru` implementations.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};

use kata_core::catalogue::Stage;
use kata_core::lru::{Cache, CapacityError, ConcurrentCache};
use kata_core::sync::atomic::{AtomicUsize, Ordering};
use kata_core::sync::Mutex;
use kata_suites::lru::LruFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "lru", suite lru, reference R: LruFamily;
    "no-refresh" => Family<VecLru<NO_REFRESH>, R> {
        mistake: "get does not make the entry most recently used",
        rejected_by: [examples, properties, quality],
        passes: [],
    }
    "evicts-newest" => Family<VecLru<EVICTS_NEWEST>, R> {
        mistake: "a full cache evicts the most recently used entry",
        rejected_by: [examples, properties, quality],
        passes: [],
    }
    "linear-scan" => Family<VecLru<CORRECT>, R> {
        mistake: "recency kept in a Vec searched on every operation: correct, but O(n)",
        rejected_by: [complexity],
        slow_in: "read-heavy",
        passes: [examples, properties, quality],
    }
    "min-stamp" => Family<StampLruFamily, R> {
        mistake: "entries stamped with a counter; eviction scans for the smallest: O(n) puts",
        rejected_by: [complexity],
        slow_in: "write-heavy",
        passes: [examples, properties, quality],
    }
    "check-then-act" => ShardedFamily<CHECK_THEN_ACT, R> {
        mistake: "sharded put decides on eviction under one lock and inserts under another",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "racy-len" => ShardedFamily<RACY_LEN, R> {
        mistake: "sharded len kept in a counter updated by load-then-store outside the lock",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "lopsided-shards" => ShardedFamily<LOPSIDED, R> {
        mistake: "every key goes to shard 0, so the cache uses 1/shards of its capacity",
        rejected_by: [examples],
        passes: [properties, concurrency],
    }
    "evicts-arbitrary" => Family<ArbitraryLruFamily, R> {
        mistake: "a full cache evicts whichever entry its HashMap (a per-instance RandomState) \
                   lists first: wrong, and differently wrong from run to run",
        rejected_by: [examples, properties],
        passes: [],
    }
    "sharded-put-returns-none" => ShardedFamily<PUT_RETURNS_NONE, R> {
        mistake: "the sharded put stores the value but always returns None, losing the replaced \
                   or evicted entry",
        rejected_by: [examples, properties],
        passes: [],
    }
    "short-shards" => ShardedFamily<SHORT_SHARDS, R> {
        mistake: "each shard holds capacity / shards, rounded down, so with_shards(3, 2) can \
                   never hold 3",
        rejected_by: [examples],
        passes: [],
    }
    "evicts-before-replace" => Family<VecLru<EVICTS_BEFORE_REPLACE>, R> {
        mistake: "put makes room first when the cache is full, even for a key already present, \
                   and the evicted entry is lost",
        rejected_by: [examples],
        passes: [],
    }
}

/// Implementations that take the grader down with them, to prove it survives: they loop forever,
/// overflow the stack, or abort the process, in `with_capacity`. And `no-checks`, which grades
/// nothing at all.
pub const CRASHERS: &[&str] = &[
    "hangs",
    "overflows-stack",
    "aborts",
    "grows-forever",
    "no-checks",
];

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: LruFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    use kata_suites::grade;
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // The crashers crash in `with_capacity`, so the first stage shows what the grader does.
        "hangs" => grade!(lru, Family<VecLru<HANGS>, R>, R, stage, ctx, [examples]),
        "overflows-stack" => grade!(
            lru,
            Family<VecLru<OVERFLOWS_STACK>, R>,
            R,
            stage,
            ctx,
            [examples]
        ),
        "aborts" => grade!(lru, Family<VecLru<ABORTS>, R>, R, stage, ctx, [examples]),
        "grows-forever" => grade!(
            lru,
            Family<VecLru<GROWS_FOREVER>, R>,
            R,
            stage,
            ctx,
            [examples]
        ),
        // Grades nothing: the grader must call a run of zero checks ungradable, not a pass.
        "no-checks" => Ok(()),
        // A correct design other than the reference's (`crate::alternatives`).
        "textbook" => grade!(lru, crate::alternatives::TextbookFamily, R, stage, ctx, all),
        _ => Err(format!("no lru mutant named `{name}`")),
    }
}

// ---- Families: one wrong type, the reference's other. ----

/// Supplies a single-threaded cache type.
pub trait CacheMaker: 'static {
    /// The cache type.
    type Cache<K: Hash + Eq + Clone, V>: Cache<K, V>;
}

/// A family with `M`'s cache and the reference's sharded cache.
pub struct Family<M, R>(std::marker::PhantomData<(M, R)>);

impl<M: CacheMaker, R: LruFamily> LruFamily for Family<M, R> {
    type Cache<K: Hash + Eq + Clone, V> = M::Cache<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = R::Sharded<K, V>;
}

/// A family with the reference's cache and a wrong sharded cache.
pub struct ShardedFamily<const BUG: u8, R>(std::marker::PhantomData<R>);

impl<const BUG: u8, R: LruFamily> LruFamily for ShardedFamily<BUG, R> {
    type Cache<K: Hash + Eq + Clone, V> = R::Cache<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = BadSharded<K, V, BUG>;
}

// ---- A Vec-based LRU, most recent first: simple, O(n), with optional bugs. ----

const CORRECT: u8 = 0;
const NO_REFRESH: u8 = 1;
const EVICTS_NEWEST: u8 = 2;
const EVICTS_BEFORE_REPLACE: u8 = 3;

/// Marker for [`VecLruCache`] with bug `BUG`.
pub struct VecLru<const BUG: u8>;

impl<const BUG: u8> CacheMaker for VecLru<BUG> {
    type Cache<K: Hash + Eq + Clone, V> = VecLruCache<K, V, BUG>;
}

/// Entries in a `Vec`, most recently used first.
pub struct VecLruCache<K, V, const BUG: u8> {
    entries: Vec<(K, V)>,
    capacity: usize,
}

impl<K: Eq, V, const BUG: u8> VecLruCache<K, V, BUG> {
    fn position(&self, key: &K) -> Option<usize> {
        self.entries.iter().position(|e| e.0 == *key)
    }

    fn move_to_front(&mut self, i: usize) {
        self.entries[..=i].rotate_right(1);
    }

    /// Removes and returns the least recently used entry.
    fn pop_lru(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }

    /// Inserts at the front, replacing an entry with the same key, with no capacity check.
    fn insert_unchecked(&mut self, key: K, value: V) -> Option<(K, V)> {
        let old = self.position(&key).map(|i| self.entries.remove(i));
        self.entries.insert(0, (key, value));
        old
    }
}

impl<K: Hash + Eq + Clone, V, const BUG: u8> Cache<K, V> for VecLruCache<K, V, BUG> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if BUG > 100 {
            crash(BUG);
        }
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(VecLruCache {
            entries: Vec::new(),
            capacity,
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        let i = self.position(key)?;
        if BUG == NO_REFRESH {
            return Some(&self.entries[i].1);
        }
        self.move_to_front(i);
        Some(&self.entries[0].1)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        let i = self.position(key)?;
        Some(&self.entries[i].1)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if BUG == EVICTS_BEFORE_REPLACE && self.entries.len() == self.capacity {
            let evicted = self.entries.pop();
            if let Some(i) = self.position(&key) {
                let old = std::mem::replace(&mut self.entries[i], (key, value));
                self.move_to_front(i);
                return Some(old);
            }
            self.entries.insert(0, (key, value));
            return evicted;
        }
        if let Some(i) = self.position(&key) {
            let old = std::mem::replace(&mut self.entries[i], (key, value));
            self.move_to_front(i);
            return Some(old);
        }
        let evicted = if self.entries.len() == self.capacity {
            if BUG == EVICTS_NEWEST {
                Some(self.entries.remove(0))
            } else {
                self.entries.pop()
            }
        } else {
            None
        };
        self.entries.insert(0, (key, value));
        evicted
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.position(key)?;
        Some(self.entries.remove(i).1)
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- Exact LRU with O(n) eviction by smallest stamp. ----

/// Marker for [`StampLru`].
pub struct StampLruFamily;

impl CacheMaker for StampLruFamily {
    type Cache<K: Hash + Eq + Clone, V> = StampLru<K, V>;
}

/// Each entry carries the tick of its last use; eviction scans for the smallest.
pub struct StampLru<K, V> {
    map: HashMap<K, (V, u64)>,
    tick: u64,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Cache<K, V> for StampLru<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(StampLru {
            map: HashMap::new(),
            tick: 0,
            capacity,
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        self.tick += 1;
        let e = self.map.get_mut(key)?;
        e.1 = self.tick;
        Some(&e.0)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|e| &e.0)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        self.tick += 1;
        if let Some((old_key, (old_value, _))) = self.map.remove_entry(&key) {
            self.map.insert(key, (value, self.tick));
            return Some((old_key, old_value));
        }
        let evicted = if self.map.len() == self.capacity {
            let oldest = self.map.values().map(|e| e.1).min().expect("full cache");
            self.map
                .extract_if(|_, e| e.1 == oldest)
                .next()
                .map(|(k, (v, _))| (k, v))
        } else {
            None
        };
        self.map.insert(key, (value, self.tick));
        evicted
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        self.map.remove(key).map(|e| e.0)
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- A cache that evicts in hash order: wrong, and nondeterministic. ----

/// Marker for [`ArbitraryLru`].
pub struct ArbitraryLruFamily;

impl CacheMaker for ArbitraryLruFamily {
    type Cache<K: Hash + Eq + Clone, V> = ArbitraryLru<K, V>;
}

/// Evicts the first entry its `HashMap` iterates over; the map has its own `RandomState`, so
/// which entry that is changes from one cache to the next.
pub struct ArbitraryLru<K, V> {
    map: HashMap<K, V>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Cache<K, V> for ArbitraryLru<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(ArbitraryLru {
            map: HashMap::new(),
            capacity,
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some((old_key, old_value)) = self.map.remove_entry(&key) {
            self.map.insert(key, value);
            return Some((old_key, old_value));
        }
        let evicted = if self.map.len() == self.capacity {
            let victim = self.map.keys().next().cloned().expect("full cache");
            self.map.remove_entry(&victim)
        } else {
            None
        };
        self.map.insert(key, value);
        evicted
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        self.map.remove(key)
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- Sharded caches with concurrency or distribution bugs. ----

const CHECK_THEN_ACT: u8 = 1;
const RACY_LEN: u8 = 2;
const LOPSIDED: u8 = 3;
const SHORT_SHARDS: u8 = 4;
const PUT_RETURNS_NONE: u8 = 5;

/// Shards of [`VecLruCache`] behind mutexes, with bug `BUG`.
pub struct BadSharded<K, V, const BUG: u8> {
    shards: Vec<Mutex<VecLruCache<K, V, CORRECT>>>,
    hasher: RandomState,
    len: AtomicUsize,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V, const BUG: u8> BadSharded<K, V, BUG> {
    fn shard(&self, key: &K) -> &Mutex<VecLruCache<K, V, CORRECT>> {
        if BUG == LOPSIDED {
            return &self.shards[0];
        }
        let h = self.hasher.hash_one(key);
        &self.shards[(h % self.shards.len() as u64) as usize]
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
                let share = if BUG == SHORT_SHARDS {
                    capacity / shards
                } else {
                    capacity / shards + usize::from(i < capacity % shards)
                };
                VecLruCache::with_capacity(share).map(Mutex::new)
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
        self.shard(key).lock().get(key).cloned()
    }

    fn peek(&self, key: &K) -> Option<V> {
        self.shard(key).lock().peek(key).cloned()
    }

    fn put(&self, key: K, value: V) -> Option<(K, V)> {
        let shard = self.shard(&key);
        if BUG == CHECK_THEN_ACT {
            // Check (and evict) under one lock...
            let evicted = {
                let mut s = shard.lock();
                if s.position(&key).is_none() && s.len() == s.capacity() {
                    s.pop_lru()
                } else {
                    None
                }
            };
            // ...and act under another: by now another thread may have filled the slot.
            let replaced = shard.lock().insert_unchecked(key, value);
            if replaced.is_none() && evicted.is_none() {
                self.len.fetch_add(1, Ordering::SeqCst);
            }
            return replaced.or(evicted);
        }
        // The total moves while the shard's lock is held, so it never counts a removal late:
        // counted after the unlock, another thread's insert into the freed slot could make
        // `len()` read one over the capacity.
        let mut s = shard.lock();
        let before = s.len();
        let out = s.put(key, value);
        let grew = s.len() > before;
        let out = if BUG == PUT_RETURNS_NONE { None } else { out };
        if BUG == RACY_LEN {
            drop(s);
        }
        if grew {
            if BUG == RACY_LEN {
                let n = self.len.load(Ordering::SeqCst);
                self.len.store(n + 1, Ordering::SeqCst);
            } else {
                self.len.fetch_add(1, Ordering::SeqCst);
            }
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
            if BUG == RACY_LEN {
                let n = self.len.load(Ordering::SeqCst);
                self.len.store(n - 1, Ordering::SeqCst);
            } else {
                self.len.fetch_sub(1, Ordering::SeqCst);
            }
        }
        out
    }

    fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst)
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- Caches that crash the process. ----

// Bug numbers above 100 make `VecLruCache::with_capacity` crash instead of returning.
const HANGS: u8 = 101;
const OVERFLOWS_STACK: u8 = 102;
const ABORTS: u8 = 103;
const GROWS_FOREVER: u8 = 104;

#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    // `black_box` keeps the recursion from being turned into a loop.
    let frame = std::hint::black_box([depth; 64]);
    recurse(frame[0] + 1) + frame[63]
}

/// Called by [`VecLruCache::with_capacity`] for crashing variants.
fn crash(how: u8) {
    match how {
        HANGS => loop {
            std::hint::spin_loop();
        },
        OVERFLOWS_STACK => {
            std::hint::black_box(recurse(0));
        }
        ABORTS => std::process::abort(),
        GROWS_FOREVER => {
            // A walk that never ends, collecting as it goes (a cycle in a linked list).
            let mut seen: Vec<u64> = Vec::new();
            loop {
                seen.push(std::hint::black_box(seen.len() as u64));
            }
        }
        _ => {}
    }
}
