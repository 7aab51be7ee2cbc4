//! The named `lfu` workloads: what `cargo kata bench lfu` times and what the complexity stage
//! measures, defined once here so that both time the same thing.
//!
//! Every workload runs on a [`Cache<u64, u64>`](kata_core::lfu::Cache) of some `capacity`, filled
//! to `capacity` entries by [`Prepared::new`] before anything is timed (one `put` per key, so
//! every count starts at 1), and then replays a precomputed trace of operations, one per
//! [`Prepared::step`], cycling when it reaches the end. The trace is drawn from [`SplitMix64`]
//! seeded with the `seed` given to [`Prepared::new`], so it is the same for every implementation
//! given the same seed, and no random number is drawn while timing. Every value put is its key.
//! An operation is stored in 8 bytes (a `u32` key and its kind), so a trace of 2^17 operations is
//! 1 MiB, read sequentially. A `put` of a *new* key takes its key from a counter in the
//! [`Prepared`] (starting at 2^32, above every key of a trace), so that it is new however many
//! times the trace cycles.
//!
//! # The bench workloads ([`BENCH`])
//!
//! - **`read-heavy`**: cache-aside reads of keys drawn from a Zipf distribution with exponent
//!   s = 0.9 over `4 × capacity` distinct keys ([`Zipf`]: key popularity is scrambled, so it is
//!   not correlated with key order): each operation is a `get` with probability 90 %, followed by
//!   a `put(key, key)` when it misses; a `peek` 5 %, a `put(key, key)` 3 %, a `remove` 2 %. The
//!   trace holds 2^17 operations. The cache is filled with `capacity` distinct keys of the
//!   distribution, in the order they are first drawn (from their own generator, seeded from
//!   `seed`), so it starts with the popular keys, each counted once; the counts build up as the
//!   trace runs. A hit moves an entry up one count; a miss evicts the entry with the lowest count.
//! - **`write-heavy`**: churn. 60 % `put` of a new key, which evicts (the cache is full), 10 %
//!   `put(key, key)`, 25 % `get`, 5 % `remove`, those of keys drawn from the same distribution as
//!   `read-heavy`, with the same fill and trace length. Popular keys climb above count 1 (until a
//!   `remove` sends one back to the start) while the new keys push each other out of count 1:
//!   nearly every operation is an eviction, and a count's bucket is created and freed as entries
//!   move up.
//! - **`hot-set`**: counts that grow large. A hot eighth of the cache (`capacity / 8` keys, put
//!   last in the fill) is read over and over: 7 operations in 8 are a `get` of a hot key drawn
//!   uniformly (followed by a `put` if it misses, which it does not once it has been read), and 1
//!   in 8 a `put` of a new key, which evicts a cold entry of count 1. The hot keys' counts grow
//!   without bound as the trace cycles (at 1 Ki entries by about 900 per lap of 2^17 operations)
//!   and stay spread out, so most uses move an entry to a count no other entry has: a bucket
//!   created, and the old one freed.
//!
//! The benches run each at [`BENCH_CAPACITY`] entries.
//!
//! # The complexity stage
//!
//! The complexity stage (stage 5) runs the same three workloads, [`Prepared`] at each of
//! [`CAPACITIES`](super::complexity::CAPACITIES), and counts their instructions per operation
//! under callgrind ([`crate::measure::counted`]). It adds two series the benches do not time:
//! [`mixed_workload`], a strict cycle in which every operation hits (`get`, `peek`, `remove`,
//! `frequency` of a present key) or has a known effect (an evicting `put`, and a `put` back into
//! the slot a `remove` freed), so that an O(n) `remove`, `frequency` or insertion into a cache that
//! is not full has no place to hide behind the random mix; and [`forgetful_workload`], a cycle of
//! the same kind on the cache that forgets, over the `read-heavy` trace's keys.

use std::hint::black_box;
use std::sync::Arc;

use kata_core::lfu::{Cache, ForgetfulCache};

pub use crate::measure::Spec;
use crate::measure::{SplitMix64, Zipf};

/// The workloads the benches time, in the order they run. See the module documentation for
/// their exact definitions.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "read-heavy",
        summary: "Zipf(0.9) keys over 4x capacity: 90% get (put on a miss), 5% peek, 3% put, \
                  2% remove",
    },
    Spec {
        name: "write-heavy",
        summary: "churn: 60% put of a new key (evicts); Zipf(0.9) keys over 4x capacity: 10% put, \
                  25% get, 5% remove",
    },
    Spec {
        name: "hot-set",
        summary: "7/8 get of a hot eighth of the cache (counts grow without bound), 1/8 put of a \
                  new key (evicts)",
    },
];

/// The capacity the benches run every workload at: 64 Ki entries, more than fits in L1 and L2.
pub const BENCH_CAPACITY: usize = 65_536;

/// Operations in the trace of every workload.
const TRACE_LEN: usize = 1 << 17;

/// The Zipf exponent of the `read-heavy` and `write-heavy` keys.
const ZIPF_S: f64 = 0.9;

/// The first key a `put` of a new key puts: above every key a trace holds (`u32`).
const FIRST_NEW_KEY: u64 = 1 << 32;

/// What one step does with its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Get,
    Peek,
    Put,
    Remove,
    /// `get`, and `put` when it misses.
    GetOrPut,
    /// `put` of a key never put before (the op's key is not used).
    PutNew,
}

/// One step of a trace: 8 bytes.
#[derive(Debug, Clone, Copy)]
struct Op {
    key: u32,
    kind: Kind,
}

/// What a workload does at one capacity, prepared once and shared by every cache that runs it
/// (the benches race several caches on one plan, and rebuild them): the keys to fill the cache
/// with, in the order they are put, and the trace of operations.
#[derive(Debug, Clone)]
pub struct Plan {
    capacity: usize,
    fill: Arc<[u32]>,
    trace: Arc<[Op]>,
}

impl Plan {
    /// The plan of workload `workload` at `capacity`, its random choices drawn from `seed` (see
    /// the module documentation).
    ///
    /// # Errors
    ///
    /// When `workload` is not one of [`BENCH`] (the message names them).
    pub fn new(workload: &str, capacity: usize, seed: u64) -> Result<Plan, String> {
        let (fill, trace): (Vec<u32>, Box<[Op]>) = match workload {
            "read-heavy" => (
                zipf_fill(capacity, seed),
                zipf_trace(
                    capacity,
                    seed,
                    &[
                        (Kind::GetOrPut, 90),
                        (Kind::Peek, 5),
                        (Kind::Put, 3),
                        (Kind::Remove, 2),
                    ],
                ),
            ),
            "write-heavy" => (
                zipf_fill(capacity, seed),
                zipf_trace(
                    capacity,
                    seed,
                    &[
                        (Kind::PutNew, 60),
                        (Kind::Put, 10),
                        (Kind::Get, 25),
                        (Kind::Remove, 5),
                    ],
                ),
            ),
            "hot-set" => (hot_fill(capacity), hot_trace(capacity, seed)),
            other => {
                let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
                return Err(format!(
                    "no lfu workload named `{other}`; the workloads are: {}",
                    known.join(", ")
                ));
            }
        };
        Ok(Plan {
            capacity,
            fill: fill.into(),
            trace: trace.into(),
        })
    }
}

/// A cache of `u64 -> u64` filled to its capacity, and the trace of one named workload to run on
/// it one operation at a time.
#[derive(Debug)]
pub struct Prepared<C> {
    cache: C,
    trace: Arc<[Op]>,
    next: usize,
    /// The key the next `put` of a new key puts.
    new_key: u64,
}

impl<C: Cache<u64, u64>> Prepared<C> {
    /// A cache of `capacity` entries filled as workload `workload` says, and that workload's
    /// trace drawn from `seed` (see the module documentation). Nothing is timed here: the fill
    /// and the trace cost what they cost.
    ///
    /// # Errors
    ///
    /// When `workload` is not one of [`BENCH`] (the message names them), or the cache refuses
    /// `capacity` (0).
    pub fn new(workload: &str, capacity: usize, seed: u64) -> Result<Self, String> {
        Prepared::on(&Plan::new(workload, capacity, seed)?)
            .map_err(|e| format!("lfu workload `{workload}`: {e}"))
    }

    /// A new cache filled as `plan` says, to run `plan`'s trace from its start.
    ///
    /// # Errors
    ///
    /// When the cache refuses the plan's capacity (0).
    pub fn on(plan: &Plan) -> Result<Self, String> {
        let mut cache = C::with_capacity(plan.capacity)
            .map_err(|e| format!("at capacity {}: {e}", plan.capacity))?;
        for &key in plan.fill.iter() {
            let key = u64::from(key);
            cache.put(key, key);
        }
        Ok(Prepared {
            cache,
            trace: Arc::clone(&plan.trace),
            next: 0,
            new_key: FIRST_NEW_KEY,
        })
    }

    /// Runs the next operation of the trace (the first after the last), passing its result
    /// through [`black_box`] so that it cannot be optimised away.
    #[inline]
    pub fn step(&mut self) {
        let op = self.trace[self.next];
        self.next += 1;
        if self.next == self.trace.len() {
            self.next = 0;
        }
        let key = u64::from(op.key);
        match op.kind {
            Kind::Get => {
                black_box(self.cache.get(&key));
            }
            Kind::Peek => {
                black_box(self.cache.peek(&key));
            }
            Kind::Put => {
                black_box(self.cache.put(key, key));
            }
            Kind::Remove => {
                black_box(self.cache.remove(&key));
            }
            Kind::GetOrPut => {
                if black_box(self.cache.get(&key)).is_none() {
                    black_box(self.cache.put(key, key));
                }
            }
            Kind::PutNew => {
                let key = self.new_key;
                self.new_key += 1;
                black_box(self.cache.put(key, key));
            }
        }
    }

    /// The cache, as the steps so far left it.
    pub fn cache(&self) -> &C {
        &self.cache
    }
}

/// `capacity` distinct keys of the workloads' Zipf distribution, in the order they are first
/// drawn (from their own generator, so the trace is unaffected): the popular keys come early.
fn zipf_fill(capacity: usize, seed: u64) -> Vec<u32> {
    let zipf = Zipf::new(4 * capacity, ZIPF_S);
    let mut rng = SplitMix64::new(seed ^ 0xF111_F111_F111_F111);
    let mut seen = std::collections::HashSet::with_capacity(capacity);
    let mut fill = Vec::with_capacity(capacity);
    while fill.len() < capacity {
        let key = zipf.sample(&mut rng);
        if seen.insert(key) {
            fill.push(key);
        }
    }
    fill
}

/// Zipf keys over `4 × capacity` with the operation mix `mix` (kinds and their shares in
/// percent, summing to 100).
fn zipf_trace(capacity: usize, seed: u64, mix: &[(Kind, u64)]) -> Box<[Op]> {
    debug_assert_eq!(mix.iter().map(|m| m.1).sum::<u64>(), 100);
    let zipf = Zipf::new(4 * capacity, ZIPF_S);
    let mut rng = SplitMix64::new(seed);
    (0..TRACE_LEN)
        .map(|_| {
            let mut roll = rng.below(100);
            let mut kind = mix[mix.len() - 1].0;
            for &(k, share) in mix {
                if roll < share {
                    kind = k;
                    break;
                }
                roll -= share;
            }
            Op {
                key: zipf.sample(&mut rng),
                kind,
            }
        })
        .collect()
}

/// The hot keys of `hot-set` at `capacity`: `0 .. capacity / 8` (at least one).
fn hot_keys(capacity: usize) -> u64 {
    (capacity as u64 / 8).max(1)
}

/// The cold keys `hot .. capacity`, then the hot keys `0 .. hot`: the hot keys are the most
/// recent entries of count 1, so the evictions of the first steps take cold ones.
fn hot_fill(capacity: usize) -> Vec<u32> {
    let hot = hot_keys(capacity);
    (hot..capacity as u64)
        .chain(0..hot)
        .map(|k| u32::try_from(k).expect("hot-set keys fit in u32"))
        .collect()
}

/// 7 in 8 operations a `get` (then `put` on a miss) of a hot key drawn uniformly, 1 in 8 a `put`
/// of a new key.
fn hot_trace(capacity: usize, seed: u64) -> Box<[Op]> {
    let hot = hot_keys(capacity);
    let mut rng = SplitMix64::new(seed);
    (0..TRACE_LEN)
        .map(|_| {
            if rng.below(8) == 0 {
                Op {
                    key: 0,
                    kind: Kind::PutNew,
                }
            } else {
                Op {
                    key: u32::try_from(rng.below(hot)).expect("hot-set keys fit in u32"),
                    kind: Kind::GetOrPut,
                }
            }
        })
        .collect()
}

/// The complexity stage's series of the cache that forgets, which the benches do not run: a
/// [`ForgetfulCache`] of capacity `n`, filled as `read-heavy` fills it, run as a cycle of five
/// operations on the `read-heavy` trace's keys (a Zipf key is the next key of that trace, drawn
/// from `seed`, cycling): `get` of a Zipf key and `put` on a miss, `put` of a new key, `peek` of
/// a Zipf key, `remove` of a Zipf key, and `put` of that key back. The cache is full before each
/// `put` of a new key (the `remove` and the `put` back cancel out), so every cycle makes the
/// policy choose between a victim and the newcomer at least once: a victim searched for among
/// the entries cannot hide in a batch that happens to miss nothing.
///
/// # Panics
///
/// When the cache refuses capacity `n` (0).
pub fn forgetful_workload<C: ForgetfulCache<u64, u64>>(n: usize, seed: u64) -> impl FnMut(u64) {
    let plan = Plan::new("read-heavy", n, seed).expect("read-heavy is a workload");
    let mut cache = C::with_capacity(n).expect("capacity > 0");
    for &key in plan.fill.iter() {
        let key = u64::from(key);
        cache.put(key, key);
    }
    let mut next = 0;
    let mut zipf = move || {
        let key = u64::from(plan.trace[next].key);
        next += 1;
        if next == plan.trace.len() {
            next = 0;
        }
        key
    };
    let mut new_key = FIRST_NEW_KEY;
    let mut removed = 0;
    move |i| match i % 5 {
        0 => {
            let key = zipf();
            if black_box(cache.get(&key)).is_none() {
                black_box(cache.put(key, key));
            }
        }
        1 => {
            black_box(cache.put(new_key, new_key));
            new_key += 1;
        }
        2 => {
            black_box(cache.peek(&zipf()));
        }
        3 => {
            removed = zipf();
            black_box(cache.remove(&removed));
        }
        _ => {
            black_box(cache.put(removed, removed));
        }
    }
}

/// The complexity stage's extra series on a cache of capacity `n`, as a cycle of six operations
/// (`i` is the operation's index): `get` of a hot key, `put` of a new key (evicting), `peek` of
/// a hot key, `remove` of a recent cold key, `put` of it back (into the freed slot), and
/// `frequency` of a hot key. The benches do not run it.
///
/// The cache is filled with the hot keys `0 .. n / 8`, each put twice (count 2), then the cold
/// keys up to `n`, put once. Only hot keys are read, so their counts only grow, and every
/// eviction takes a cold entry of count 1, the least recently used: never a hot key, and never
/// one of the `n / 8` cold keys put last, from which the key removed and put back is drawn.
///
/// # Panics
///
/// When the cache refuses capacity `n` (0).
pub fn mixed_workload<C: Cache<u64, u64>>(n: usize, seed: u64) -> impl FnMut(u64) {
    let mut mixed = Mixed::<C>::new(n, seed);
    move |i| mixed.op(i)
}

/// The complexity stage's `many-counts` series at capacity `n`: the `i`-th step `put`s a new
/// key when `i` is even and `remove`s it when `i` is odd, into a cache whose other entries hold
/// `n / 16` distinct counts. The benches do not run it. The new key is one of 1 024 (counting
/// down from `u64::MAX`, none of them in the cache), a different one for each pair of steps:
/// with always the same key, the instructions counted depended on where that one key fell in
/// the hash table (a longer probe at one capacity than at the others, 13 % more instructions),
/// not on the capacity.
///
/// The cache holds `n - 1` entries, none of count 1: keys `0 .. n / 16` are used so that their
/// counts are `2, 3, ..., n / 16 + 1`, every other key twice (count 2). The `put` makes a count-1
/// entry, the lowest, and the `remove` takes it away again: the lowest count goes back to 2. The
/// cache is never full, so nothing is evicted. A design that finds the new lowest count after a
/// `remove` by searching the counts in use (`min_freq` recomputed with a `min()` over a map of
/// count lists) pays for every distinct count, `n / 16` of them, on every `remove`; the
/// frequency-bucket list, or a `min_freq` left stale until the next insertion sets it (the cache
/// is not full after a `remove`, so no eviction can read it first), pays nothing.
///
/// Filling takes about `(n / 16)² / 2` uses: 8 Mi at the largest size, well under a second.
/// One in 64 keys was tried, to fill faster: the searching design's slope fell to 0.45, too close
/// to the 0.5 threshold (the search over 16 counts at the smallest size costs little beside a
/// hash map's own work); one in 16 gives it 0.90.
///
/// # Panics
///
/// When the cache refuses capacity `n` (0).
pub fn many_counts_workload<C: Cache<u64, u64>>(n: usize, seed: u64) -> impl FnMut(u64) {
    let _ = seed;
    let mut cache = C::with_capacity(n).expect("capacity > 0");
    let n = n as u64;
    let distinct = (n / 16).max(1);
    for k in 0..n.saturating_sub(1) {
        cache.put(k, k);
        let uses = if k < distinct { k + 1 } else { 1 };
        for _ in 0..uses {
            black_box(cache.get(&k));
        }
    }
    move |i| {
        let key = u64::MAX - (i / 2) % 1_024;
        if i % 2 == 0 {
            black_box(cache.put(key, key));
        } else {
            black_box(cache.remove(&key));
        }
    }
}

/// The state of [`mixed_workload`].
struct Mixed<C> {
    cache: C,
    rng: SplitMix64,
    hot: u64,
    window: u64,
    /// The key the next evicting `put` puts: every key below it was put once.
    next: u64,
    removed: u64,
}

impl<C: Cache<u64, u64>> Mixed<C> {
    fn new(n: usize, seed: u64) -> Self {
        let mut cache = C::with_capacity(n).expect("capacity > 0");
        let n = n as u64;
        let hot = (n / 8).max(1).min(n);
        for k in 0..hot {
            cache.put(k, k);
            cache.put(k, k);
        }
        for k in hot..n {
            cache.put(k, k);
        }
        Mixed {
            cache,
            rng: SplitMix64::new(seed),
            hot,
            window: (n / 8).max(1),
            next: n,
            removed: n - 1,
        }
    }

    #[inline]
    fn op(&mut self, i: u64) {
        match i % 6 {
            0 => {
                let key = self.rng.below(self.hot);
                black_box(self.cache.get(&key));
            }
            1 => {
                black_box(self.cache.put(self.next, self.next));
                self.next += 1;
            }
            2 => {
                let key = self.rng.below(self.hot);
                black_box(self.cache.peek(&key));
            }
            3 => {
                self.removed = self.next - 1 - self.rng.below(self.window);
                black_box(self.cache.remove(&self.removed));
            }
            4 => {
                black_box(self.cache.put(self.removed, self.removed));
            }
            _ => {
                let key = self.rng.below(self.hot);
                black_box(self.cache.frequency(&key));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use kata_core::lfu::CapacityError;

    use super::*;

    /// A tiny exact LFU (entries with their count and last use) that counts what it was asked,
    /// for checking traces.
    #[derive(Debug)]
    struct Counting {
        /// `(key, value, count, last use)`.
        entries: Vec<(u64, u64, u64, u64)>,
        capacity: usize,
        clock: u64,
        calls: HashMap<&'static str, usize>,
        /// Lookups (`get`, `peek`, `remove`, `frequency`) that found nothing, by operation.
        misses: HashMap<&'static str, usize>,
        evictions: usize,
    }

    impl Counting {
        fn count(&mut self, what: &'static str) {
            *self.calls.entry(what).or_default() += 1;
        }
        fn find(&self, key: u64) -> Option<usize> {
            self.entries.iter().position(|e| e.0 == key)
        }
        fn missed(&mut self, what: &'static str) {
            *self.misses.entry(what).or_default() += 1;
        }
        fn total_misses(&self) -> usize {
            self.misses.values().sum()
        }
    }

    impl Cache<u64, u64> for Counting {
        fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
            if capacity == 0 {
                return Err(CapacityError::Zero);
            }
            Ok(Counting {
                entries: Vec::new(),
                capacity,
                clock: 0,
                calls: HashMap::new(),
                misses: HashMap::new(),
                evictions: 0,
            })
        }
        fn get(&mut self, key: &u64) -> Option<&u64> {
            self.count("get");
            self.clock += 1;
            match self.find(*key) {
                Some(i) => {
                    self.entries[i].2 += 1;
                    self.entries[i].3 = self.clock;
                    Some(&self.entries[i].1)
                }
                None => {
                    self.missed("get");
                    None
                }
            }
        }
        fn peek(&self, key: &u64) -> Option<&u64> {
            self.find(*key).map(|i| &self.entries[i].1)
        }
        fn put(&mut self, key: u64, value: u64) -> Option<(u64, u64)> {
            self.count("put");
            self.clock += 1;
            if let Some(i) = self.find(key) {
                let e = &mut self.entries[i];
                let old = std::mem::replace(&mut e.1, value);
                e.2 += 1;
                e.3 = self.clock;
                return Some((key, old));
            }
            let out = if self.entries.len() == self.capacity {
                let victim = (0..self.entries.len())
                    .min_by_key(|&i| (self.entries[i].2, self.entries[i].3))
                    .expect("full");
                self.evictions += 1;
                let e = self.entries.swap_remove(victim);
                Some((e.0, e.1))
            } else {
                None
            };
            self.entries.push((key, value, 1, self.clock));
            out
        }
        fn remove(&mut self, key: &u64) -> Option<u64> {
            self.count("remove");
            match self.find(*key) {
                Some(i) => Some(self.entries.swap_remove(i).1),
                None => {
                    self.missed("remove");
                    None
                }
            }
        }
        fn frequency(&self, key: &u64) -> Option<u64> {
            self.find(*key).map(|i| self.entries[i].2)
        }
        fn len(&self) -> usize {
            self.entries.len()
        }
        fn capacity(&self) -> usize {
            self.capacity
        }
    }

    /// `Counting` that also records misses of `peek` and `frequency` (which take `&self`).
    #[derive(Debug)]
    struct Strict(Counting, std::cell::Cell<usize>);

    impl Cache<u64, u64> for Strict {
        fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
            Ok(Strict(
                Counting::with_capacity(capacity)?,
                Default::default(),
            ))
        }
        fn get(&mut self, key: &u64) -> Option<&u64> {
            self.0.get(key)
        }
        fn peek(&self, key: &u64) -> Option<&u64> {
            let v = self.0.peek(key);
            self.1.set(self.1.get() + usize::from(v.is_none()));
            v
        }
        fn put(&mut self, key: u64, value: u64) -> Option<(u64, u64)> {
            self.0.put(key, value)
        }
        fn remove(&mut self, key: &u64) -> Option<u64> {
            self.0.remove(key)
        }
        fn frequency(&self, key: &u64) -> Option<u64> {
            let f = self.0.frequency(key);
            self.1.set(self.1.get() + usize::from(f.is_none()));
            f
        }
        fn len(&self) -> usize {
            self.0.len()
        }
        fn capacity(&self) -> usize {
            self.0.capacity()
        }
    }

    fn run(p: &mut Prepared<Counting>, steps: usize) {
        for _ in 0..steps {
            p.step();
        }
    }

    #[test]
    fn every_bench_workload_fills_the_cache() {
        for spec in BENCH {
            let p = Prepared::<Counting>::new(spec.name, 64, 1).expect(spec.name);
            assert_eq!(p.cache().len(), 64, "{}", spec.name);
            assert!(p.cache().entries.iter().all(|e| e.2 == 1), "{}", spec.name);
        }
    }

    #[test]
    fn unknown_workloads_and_zero_capacity_are_errors_naming_the_workloads() {
        let e = Prepared::<Counting>::new("nope", 64, 1).unwrap_err();
        assert!(BENCH.iter().all(|s| e.contains(s.name)), "{e}");
        assert!(Prepared::<Counting>::new("hot-set", 0, 1).is_err());
    }

    #[test]
    fn the_trace_depends_only_on_the_seed() {
        let mix = [(Kind::GetOrPut, 90), (Kind::Peek, 10)];
        let a = zipf_trace(128, 9, &mix);
        let b = zipf_trace(128, 9, &mix);
        let c = zipf_trace(128, 10, &mix);
        let same = |x: &[Op], y: &[Op]| {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| p.key == q.key && p.kind == q.kind)
        };
        assert!(same(&a, &b));
        assert!(!same(&a, &c));
        assert_eq!(a.len(), TRACE_LEN);
        let h = hot_trace(128, 9);
        assert!(same(&h, &hot_trace(128, 9)));
        assert!(!same(&h, &hot_trace(128, 10)));
    }

    #[test]
    fn the_mixes_are_as_documented() {
        for (name, expected) in [
            (
                "read-heavy",
                &[
                    (Kind::GetOrPut, 0.90),
                    (Kind::Peek, 0.05),
                    (Kind::Put, 0.03),
                    (Kind::Remove, 0.02),
                ][..],
            ),
            (
                "write-heavy",
                &[
                    (Kind::PutNew, 0.60),
                    (Kind::Put, 0.10),
                    (Kind::Get, 0.25),
                    (Kind::Remove, 0.05),
                ],
            ),
            ("hot-set", &[(Kind::GetOrPut, 0.875), (Kind::PutNew, 0.125)]),
        ] {
            let t = Plan::new(name, 256, 3).expect(name).trace;
            for &(kind, share) in expected {
                let s = t.iter().filter(|o| o.kind == kind).count() as f64 / t.len() as f64;
                assert!((s - share).abs() < 0.01, "{name}, {kind:?}: {s}");
            }
        }
    }

    #[test]
    fn new_keys_are_new_however_often_the_trace_cycles_and_write_heavy_evicts() {
        let cap = 64;
        let mut p = Prepared::<Counting>::new("write-heavy", cap, 5).expect("write-heavy");
        run(&mut p, 3 * TRACE_LEN);
        let puts_new = 3 * p.trace.iter().filter(|o| o.kind == Kind::PutNew).count();
        assert_eq!(p.new_key, FIRST_NEW_KEY + puts_new as u64);
        // Nearly every put of a new key evicts (a remove frees a slot now and then).
        assert!(
            p.cache().evictions as f64 > 0.9 * puts_new as f64,
            "{} evictions for {puts_new} new keys",
            p.cache().evictions
        );
        // Popular keys hold on above the new keys' count of 1.
        let above = p.cache().entries.iter().filter(|e| e.2 > 1).count();
        assert!(above > cap / 4, "{:?}", p.cache().entries);
    }

    #[test]
    fn in_the_hot_set_the_hot_keys_never_miss_and_their_counts_grow() {
        let cap = 256;
        let mut p = Prepared::<Counting>::new("hot-set", cap, 7).expect("hot-set");
        run(&mut p, 2 * TRACE_LEN);
        assert_eq!(p.cache().total_misses(), 0, "{:?}", p.cache().misses);
        let hot = hot_keys(cap);
        let counts: Vec<u64> = (0..hot)
            .map(|k| p.cache().frequency(&k).expect("hot keys stay"))
            .collect();
        let min = *counts.iter().min().expect("hot keys");
        assert!(min > 1_000, "{counts:?}");
        let distinct: HashSet<u64> = counts.iter().copied().collect();
        assert!(
            distinct.len() > hot as usize / 2,
            "{} distinct counts",
            distinct.len()
        );
    }

    #[test]
    fn read_heavy_hits_mostly_and_its_fill_starts_with_popular_keys() {
        let fill = zipf_fill(1_000, 4);
        let distinct: HashSet<_> = fill.iter().collect();
        assert_eq!(distinct.len(), 1_000);
        let ranks: HashMap<u32, usize> = (0..4_000).map(|r| (Zipf::key(r), r)).collect();
        assert!(fill.iter().all(|k| ranks.contains_key(k)));
        assert!(fill[..50].contains(&Zipf::key(0)));
        let mut p = Prepared::<Counting>::new("read-heavy", 256, 0).expect("read-heavy");
        run(&mut p, 50_000);
        let gets = p.cache().calls["get"];
        let hit = 1.0 - p.cache().misses["get"] as f64 / gets as f64;
        assert!((0.6..0.95).contains(&hit), "hit ratio {hit}");
    }

    #[test]
    fn in_the_mixed_cycle_every_lookup_hits_and_every_put_of_a_new_key_evicts() {
        for n in [8, 64, 1_000] {
            let mut m = Mixed::<Strict>::new(n, 11);
            let cycles = 20 * n;
            for i in 0..6 * cycles as u64 {
                m.op(i);
            }
            let c = &m.cache;
            assert_eq!(
                c.0.total_misses() + c.1.get(),
                0,
                "n = {n}: {:?}",
                c.0.misses
            );
            assert_eq!(c.0.evictions, cycles, "n = {n}");
            assert_eq!(c.len(), n);
            assert!((0..m.hot).all(|k| c.frequency(&k).is_some_and(|f| f >= 2)));
        }
    }
}
