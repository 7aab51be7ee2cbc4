//! The named `lru` workloads: what `cargo kata bench lru` times and what the complexity stage
//! measures, defined once here so that both time the same thing.
//!
//! Every workload runs on a [`Cache<u64, u64>`](kata_core::lru::Cache) of some `capacity`, filled
//! to `capacity` entries by [`Prepared::new`] before anything is timed, and then replays a
//! precomputed trace of operations, one per [`Prepared::step`], cycling when it reaches the end.
//! The trace is drawn from [`SplitMix64`] seeded with the `seed` given to [`Prepared::new`], so it
//! is the same for every implementation given the same seed, and no random number is drawn while
//! timing. Every value put is its key. An operation is stored in 8 bytes (a `u32` key and its
//! kind), so a trace of 2^17 operations is 1 MiB, read sequentially.
//!
//! # The bench workloads ([`BENCH`])
//!
//! - **`read-heavy`**: keys drawn from a Zipf distribution with exponent s = 0.9 over
//!   `4 × capacity` distinct keys ([`Zipf`]: key popularity is scrambled, so it is not correlated
//!   with key order); each operation is a `get` with probability 85 %, a `peek` 5 %, a
//!   `put(key, key)` 8 %, a `remove` 2 %. The trace holds 2^17 operations. The cache is filled
//!   with the state an exact LRU reaches after a long run of Zipf draws: the `capacity` most
//!   recent distinct keys of such a run (drawn from their own generator, seeded from `seed`),
//!   least recent first. So the first operations already meet the steady state's hits and misses,
//!   not those of a cache holding the hottest keys only, which matters to a slow implementation
//!   that gets through only a few thousand operations while it is timed.
//! - **`write-heavy`**: the same keys, distribution, fill and trace length; 25 % `get`, 65 % `put`,
//!   10 % `remove`.
//! - **`scan`**: a loop over the keys `0 .. capacity + capacity / 2` in order, each one a `get` and,
//!   when it misses, a `put(key, key)`. The trace is exactly one lap (`capacity + capacity / 2`
//!   operations), so cycling continues the loop. The cache is filled with the keys
//!   `capacity / 2 .. capacity + capacity / 2` in order, the state at the end of a lap, so that from
//!   the first step every access misses (for `capacity >= 2`) and evicts: LRU's worst case, the
//!   cost of a miss plus an eviction on every operation.
//!
//! The benches run each at [`BENCH_CAPACITY`] entries.
//!
//! # The complexity stage
//!
//! The complexity stage (stage 5) runs the same three workloads, [`Prepared`] at each of
//! [`CAPACITIES`](super::complexity::CAPACITIES), and counts their instructions per operation under
//! callgrind ([`crate::measure::counted`]). It adds one series the benches do not time,
//! [`mixed_workload`]: a strict cycle in which every operation hits (`get`, `peek`, `remove` of a
//! present key) or has a known effect (an evicting `put`, and a `put` back into the slot a
//! `remove` freed), so that an O(n) `remove` or an O(n) insertion into a cache that is not full
//! has no place to hide behind the random mix.

use std::hint::black_box;
use std::sync::Arc;

use kata_core::lru::Cache;

pub use crate::measure::Spec;
use crate::measure::{SplitMix64, Zipf};

/// The workloads the benches time, in the order they run. See the module documentation for
/// their exact definitions.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "read-heavy",
        summary: "Zipf(0.9) keys over 4x capacity: 85% get, 5% peek, 8% put, 2% remove",
    },
    Spec {
        name: "write-heavy",
        summary: "Zipf(0.9) keys over 4x capacity: 25% get, 65% put, 10% remove",
    },
    Spec {
        name: "scan",
        summary: "loop over 1.5x capacity keys in order, get then put on miss: every access misses",
    },
];

/// The capacity the benches run every workload at: 64 Ki entries, more than fits in L1 and L2.
pub const BENCH_CAPACITY: usize = 65_536;

/// Operations in the trace of the Zipf workloads (`read-heavy`, `write-heavy`).
const ZIPF_TRACE_LEN: usize = 1 << 17;

/// The Zipf exponent of the `read-heavy` and `write-heavy` keys.
const ZIPF_S: f64 = 0.9;

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
}

/// One step of a trace: 8 bytes.
#[derive(Debug, Clone, Copy)]
struct Op {
    key: u32,
    kind: Kind,
}

/// What a workload does at one capacity, prepared once and shared by every cache that runs it
/// (the benches race several caches on one plan, and rebuild them): the keys to fill the cache
/// with, least recently used first, and the trace of operations.
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
                zipf_trace(capacity, seed, [85, 5, 8, 2]),
            ),
            "write-heavy" => (
                zipf_fill(capacity, seed),
                zipf_trace(capacity, seed, [25, 0, 65, 10]),
            ),
            "scan" => {
                let span = scan_span(capacity);
                let fill = ((span - capacity as u64)..span)
                    .map(|k| u32::try_from(k).expect("scan keys fit in u32"))
                    .collect();
                (fill, scan_trace(capacity))
            }
            other => {
                let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
                return Err(format!(
                    "no lru workload named `{other}`; the workloads are: {}",
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
            .map_err(|e| format!("lru workload `{workload}`: {e}"))
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
        }
    }

    /// The cache, as the steps so far left it.
    pub fn cache(&self) -> &C {
        &self.cache
    }
}

/// The number of keys the `scan` workload loops over: `capacity + capacity / 2`.
fn scan_span(capacity: usize) -> u64 {
    (capacity + capacity / 2) as u64
}

/// One lap of the scan.
fn scan_trace(capacity: usize) -> Box<[Op]> {
    (0..scan_span(capacity))
        .map(|key| Op {
            key: u32::try_from(key).expect("scan keys fit in u32"),
            kind: Kind::GetOrPut,
        })
        .collect()
}

/// The keys an exact LRU cache of `capacity` holds after a long run of independent draws from
/// the workloads' Zipf distribution, least recently used first: the `capacity` most recent
/// distinct keys of the run. The draws being independent, a run read backwards is just as
/// random as one read forwards, so the most recent distinct keys are the first distinct keys of
/// fresh draws (from their own generator, so the trace is unaffected).
fn zipf_fill(capacity: usize, seed: u64) -> Vec<u32> {
    let zipf = Zipf::new(4 * capacity, ZIPF_S);
    let mut rng = SplitMix64::new(seed ^ 0xF111_F111_F111_F111);
    let mut seen = std::collections::HashSet::with_capacity(capacity);
    let mut most_recent_first = Vec::with_capacity(capacity);
    while most_recent_first.len() < capacity {
        let key = zipf.sample(&mut rng);
        if seen.insert(key) {
            most_recent_first.push(key);
        }
    }
    most_recent_first.reverse();
    most_recent_first
}

/// Zipf keys over `4 × capacity` with the operation mix `[get, peek, put, remove]` in percent.
fn zipf_trace(capacity: usize, seed: u64, mix: [u64; 4]) -> Box<[Op]> {
    debug_assert_eq!(mix.iter().sum::<u64>(), 100);
    let zipf = Zipf::new(4 * capacity, ZIPF_S);
    let mut rng = SplitMix64::new(seed);
    let kinds = [Kind::Get, Kind::Peek, Kind::Put, Kind::Remove];
    (0..ZIPF_TRACE_LEN)
        .map(|_| {
            let mut roll = rng.below(100);
            let mut kind = Kind::Remove;
            for (k, share) in kinds.iter().zip(mix) {
                if roll < share {
                    kind = *k;
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

/// The complexity stage's extra series on a cache of capacity `n`, filled with keys `0..n`, as a
/// cycle of five operations (`i` is the operation's index): `get` a present key, `put` a new key
/// (evicting the least recently used), `peek` a present key, `remove` a present key, and `put` it
/// back (into the freed slot). Present keys are drawn from the `n / 8` most recently inserted,
/// which no eviction can have reached. The benches do not run it.
///
/// # Panics
///
/// When the cache refuses capacity `n` (0).
pub fn mixed_workload<C: Cache<u64, u64>>(n: usize, seed: u64) -> impl FnMut(u64) {
    let mut cache = C::with_capacity(n).expect("capacity > 0");
    for k in 0..n as u64 {
        cache.put(k, k);
    }
    let mut next = n as u64;
    let mut rng = SplitMix64::new(seed);
    let window = (n as u64 / 8).max(1);
    let mut removed = 0;
    move |i| {
        let recent = next - 1 - rng.below(window);
        match i % 5 {
            0 => {
                black_box(cache.get(&recent));
            }
            1 => {
                black_box(cache.put(next, next));
                next += 1;
            }
            2 => {
                black_box(cache.peek(&recent));
            }
            3 => {
                removed = recent;
                black_box(cache.remove(&removed));
            }
            _ => {
                black_box(cache.put(removed, removed));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use kata_core::lru::CapacityError;

    use super::*;

    /// A tiny exact LRU (most recent last) that counts what it was asked, for checking traces.
    #[derive(Debug)]
    struct Counting {
        entries: Vec<(u64, u64)>,
        capacity: usize,
        calls: HashMap<&'static str, usize>,
        misses: usize,
    }

    impl Counting {
        fn count(&mut self, what: &'static str) {
            *self.calls.entry(what).or_default() += 1;
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
                calls: HashMap::new(),
                misses: 0,
            })
        }
        fn get(&mut self, key: &u64) -> Option<&u64> {
            self.count("get");
            match self.entries.iter().position(|e| e.0 == *key) {
                Some(i) => {
                    let e = self.entries.remove(i);
                    self.entries.push(e);
                    self.entries.last().map(|e| &e.1)
                }
                None => {
                    self.misses += 1;
                    None
                }
            }
        }
        fn peek(&self, key: &u64) -> Option<&u64> {
            self.entries.iter().find(|e| e.0 == *key).map(|e| &e.1)
        }
        fn put(&mut self, key: u64, value: u64) -> Option<(u64, u64)> {
            self.count("put");
            let old = self
                .entries
                .iter()
                .position(|e| e.0 == key)
                .map(|i| self.entries.remove(i));
            let out = match old {
                Some(old) => Some(old),
                None if self.entries.len() == self.capacity => Some(self.entries.remove(0)),
                None => None,
            };
            self.entries.push((key, value));
            out
        }
        fn remove(&mut self, key: &u64) -> Option<u64> {
            self.count("remove");
            let i = self.entries.iter().position(|e| e.0 == *key)?;
            Some(self.entries.remove(i).1)
        }
        fn len(&self) -> usize {
            self.entries.len()
        }
        fn capacity(&self) -> usize {
            self.capacity
        }
    }

    #[test]
    fn every_bench_workload_fills_the_cache() {
        for spec in BENCH {
            let p = Prepared::<Counting>::new(spec.name, 64, 1).expect(spec.name);
            assert_eq!(p.cache().len(), 64, "{}", spec.name);
        }
    }

    #[test]
    fn unknown_workloads_and_zero_capacity_are_errors_naming_the_workloads() {
        let e = Prepared::<Counting>::new("nope", 64, 1).unwrap_err();
        assert!(BENCH.iter().all(|s| e.contains(s.name)), "{e}");
        assert!(Prepared::<Counting>::new("scan", 0, 1).is_err());
    }

    #[test]
    fn the_trace_depends_only_on_the_seed() {
        let a = zipf_trace(128, 9, [85, 5, 8, 2]);
        let b = zipf_trace(128, 9, [85, 5, 8, 2]);
        let c = zipf_trace(128, 10, [85, 5, 8, 2]);
        let same = |x: &[Op], y: &[Op]| {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| p.key == q.key && p.kind == q.kind)
        };
        assert!(same(&a, &b));
        assert!(!same(&a, &c));
        assert_eq!(a.len(), ZIPF_TRACE_LEN);
    }

    #[test]
    fn the_read_heavy_mix_is_as_documented() {
        let t = zipf_trace(256, 3, [85, 5, 8, 2]);
        let share = |k: Kind| t.iter().filter(|o| o.kind == k).count() as f64 / t.len() as f64;
        for (kind, expected) in [
            (Kind::Get, 0.85),
            (Kind::Peek, 0.05),
            (Kind::Put, 0.08),
            (Kind::Remove, 0.02),
        ] {
            let s = share(kind);
            assert!((s - expected).abs() < 0.01, "{kind:?}: {s}");
        }
        let w = zipf_trace(256, 3, [25, 0, 65, 10]);
        assert!(w.iter().all(|o| o.kind != Kind::Peek));
    }

    #[test]
    fn every_scan_access_misses_from_the_first_step_and_the_loop_cycles() {
        let cap = 100;
        let mut p = Prepared::<Counting>::new("scan", cap, 0).expect("scan");
        let laps = 3 * (cap + cap / 2);
        for _ in 0..laps {
            p.step();
        }
        assert_eq!(p.cache().misses, laps);
        assert_eq!(p.cache().calls["get"], laps);
        assert_eq!(p.cache().len(), cap);
    }

    #[test]
    fn the_zipf_fill_is_distinct_keys_of_the_distribution_and_mostly_hot_ones() {
        let fill = zipf_fill(1_000, 4);
        let distinct: std::collections::HashSet<_> = fill.iter().collect();
        assert_eq!(distinct.len(), 1_000);
        let ranks: std::collections::HashMap<u32, usize> =
            (0..4_000).map(|r| (Zipf::key(r), r)).collect();
        assert!(fill.iter().all(|k| ranks.contains_key(k)));
        // The hottest key is all but certain to be among the most recent.
        let hottest = Zipf::key(0);
        assert!(fill[fill.len() - 50..].contains(&hottest));
        let p = Prepared::<Counting>::new("read-heavy", 32, 0).expect("read-heavy");
        assert_eq!(p.cache().entries.len(), 32);
    }
}
