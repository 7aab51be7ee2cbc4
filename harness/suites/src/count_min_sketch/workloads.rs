//! The named `count-min-sketch` workloads: what `cargo kata bench count-min-sketch` times and what
//! the complexity stage counts, defined once here so that both measure the same thing.
//!
//! Every workload replays a trace of keys (`u32`; [`TRACE_LEN`] of them for the benches, fewer
//! for the complexity stage), drawn once per [`Plan`] from a Zipf distribution over the plan's
//! `distinct` keys ([`Zipf`]: popularity is scrambled, so it is not correlated with key order)
//! with the plan's seed, and cycled; one operation is one key of it, with count 1. So every
//! contender is asked the same keys, and no random number is drawn while measuring. The sketches are sized by [`EPSILON`] and
//! [`DELTA`] (width 2 719, depth 5: 108 760 bytes of counters, which fit in L2), whatever the
//! number of distinct keys.
//!
//! # The bench workloads ([`BENCH`]), at [`BENCH_DISTINCT`] distinct keys, Zipf([`ZIPF_S`])
//!
//! - **`add-zipf`** ([`Adds`]): `CountMinSketch::add(key, 1)`.
//! - **`estimate-zipf`** ([`Estimates`]): `CountMinSketch::estimate(key)` on a sketch that has
//!   counted the trace once.
//! - **`conservative-add`** ([`Adds`]): `ConservativeCountMinSketch::add(key, 1)`: it reads the
//!   row minimum before it writes.
//! - **`top-k`** ([`Tracked`]): `TopK<u32, ConservativeCountMinSketch>::add(key, 1)`, `k` =
//!   [`TOP_K`]: the sketch's add and estimate, then a lookup among the candidates and, for a key
//!   heavier than the lightest candidate, a heap update.
//!
//! # The complexity stage
//!
//! Five series, counted in instructions ([`super::complexity`], which says at what sizes); the
//! sketch's shape is fixed, only the keys grow. Each plays a trace of its own length, long
//! enough for the operations it counts ([`Plan::zipf_of`]):
//!
//! - **`add`** and **`conservative-add`**: the bench workloads ([`Adds`]).
//! - **`top-k`**: the bench workload at `n` distinct keys, with `k` growing with them
//!   ([`growing_k`]: `n / 2`), on a tracker that was first given every key once
//!   ([`Tracked::filled`]): a tracker that scans its `k` candidates on an add grows with the
//!   size.
//! - **`top-k-dashboard`** ([`Dashboard`]): `k` = [`TOP_K`], on a tracker first given every key
//!   once, one operation is [`READ_EVERY`] adds of the bench workload then a read of `top_k()`,
//!   as a dashboard refreshing often would ask: a tracker that keeps every key it has seen, and
//!   sorts them all for `top_k`, grows with the size.
//! - **`space-saving`**: `SpaceSaving<u32>` with `n` counters, [`TOP_K`] reported, on a
//!   Zipf([`SPACE_SAVING_S`]) trace over `4 n` keys ([`Plan::space_saving`]), first given `n`
//!   distinct keys (so it is full): most adds of a key it does not monitor replace the item
//!   with the smallest count.

use std::hint::black_box;
use std::sync::Arc;

use kata_core::count_min_sketch::{HeavyHitters, Sketch};

pub use crate::measure::Spec;
use crate::measure::Zipf;

/// The workloads the benches time, in the order they run. See the module documentation.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "add-zipf",
        summary: "CountMinSketch (ε 0.001, δ 0.01): add(key, 1), Zipf(1.2) keys over 1 Mi",
    },
    Spec {
        name: "estimate-zipf",
        summary: "CountMinSketch that counted the trace: estimate(key), the same keys",
    },
    Spec {
        name: "conservative-add",
        summary: "ConservativeCountMinSketch (ε 0.001, δ 0.01): add(key, 1), the same keys",
    },
    Spec {
        name: "top-k",
        summary: "TopK<u32, ConservativeCountMinSketch>, k = 100: add(key, 1), the same keys",
    },
];

/// The ε every workload's sketch is sized for.
pub const EPSILON: f64 = 0.001;
/// The δ every workload's sketch is sized for.
pub const DELTA: f64 = 0.01;
/// Distinct keys of the bench workloads.
pub const BENCH_DISTINCT: usize = 1 << 20;
/// The Zipf exponent of the bench workloads' keys.
pub const ZIPF_S: f64 = 1.2;
/// The `k` of the heavy-hitter workloads.
pub const TOP_K: usize = 100;
/// Keys in a trace.
pub const TRACE_LEN: usize = 1 << 17;
/// The Zipf exponent of the `space-saving` series: flatter, so that there is much to replace.
pub const SPACE_SAVING_S: f64 = 0.8;
/// In the `top-k` series, distinct keys per candidate: `k` is the number of distinct keys
/// divided by this ([`growing_k`]). Half of the keys are candidates, so that an O(k) scan is
/// large enough to show beside the cost of hashing an item into the sketch.
pub const KEYS_PER_CANDIDATE: usize = 2;
/// Adds before each read of `top_k()` in the `top-k-dashboard` series: one operation.
pub const READ_EVERY: usize = 16;

/// The `k` of the `top-k` series over `distinct` keys: `distinct / 2`, at least 1.
pub fn growing_k(distinct: usize) -> usize {
    (distinct / KEYS_PER_CANDIDATE).max(1)
}

/// What a workload asks at one size, built once and shared by every contender: the number of
/// distinct keys and the trace.
#[derive(Debug, Clone)]
pub struct Plan {
    distinct: usize,
    trace: Arc<[u32]>,
}

impl Plan {
    /// The plan of bench workload `workload` over `distinct` keys, its trace drawn from `seed`.
    ///
    /// # Errors
    ///
    /// When `workload` is not one of [`BENCH`] (the message names them), or `distinct` is 0.
    pub fn new(workload: &str, distinct: usize, seed: u64) -> Result<Plan, String> {
        if !BENCH.iter().any(|s| s.name == workload) {
            let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
            return Err(format!(
                "no count-min-sketch workload named `{workload}`; the workloads are: {}",
                known.join(", ")
            ));
        }
        Plan::zipf(distinct, ZIPF_S, seed)
    }

    /// A plan over `distinct` keys whose trace is Zipf(`s`), drawn from `seed`.
    ///
    /// # Errors
    ///
    /// When `distinct` is 0.
    pub fn zipf(distinct: usize, s: f64, seed: u64) -> Result<Plan, String> {
        Plan::zipf_of(distinct, s, TRACE_LEN, seed)
    }

    /// A plan over `distinct` keys whose trace of `len` keys is Zipf(`s`), drawn from `seed`.
    ///
    /// # Errors
    ///
    /// When `distinct` is 0.
    pub fn zipf_of(distinct: usize, s: f64, len: usize, seed: u64) -> Result<Plan, String> {
        if distinct == 0 {
            return Err("a count-min-sketch workload needs at least one key".to_owned());
        }
        Ok(Plan {
            distinct,
            trace: Zipf::new(distinct, s).trace(len, seed).into(),
        })
    }

    /// The plan of the complexity stage's `space-saving` series at `counters`: Zipf
    /// ([`SPACE_SAVING_S`]) over `4 × counters` keys, a trace of `16 × counters` keys (at least
    /// `min_len`), which holds several times more distinct keys than there are counters, so
    /// that replacing goes on however often the trace is cycled (the timing fallback cycles it).
    ///
    /// # Errors
    ///
    /// When `counters` is 0.
    pub fn space_saving(counters: usize, min_len: usize, seed: u64) -> Result<Plan, String> {
        let len = (16 * counters).max(min_len);
        Plan::zipf_of(4 * counters, SPACE_SAVING_S, len, seed)
    }

    /// The number of distinct keys the trace draws from.
    pub fn distinct(&self) -> usize {
        self.distinct
    }

    /// The trace.
    pub fn trace(&self) -> &[u32] {
        &self.trace
    }
}

/// A position in a plan's trace, cycling.
#[derive(Debug, Clone)]
struct Cursor {
    trace: Arc<[u32]>,
    next: usize,
}

impl Cursor {
    fn new(plan: &Plan) -> Cursor {
        Cursor {
            trace: Arc::clone(&plan.trace),
            next: 0,
        }
    }

    /// The next key.
    #[inline]
    fn key(&mut self) -> u32 {
        let key = self.trace[self.next];
        self.next += 1;
        if self.next == self.trace.len() {
            self.next = 0;
        }
        key
    }
}

/// A sketch sized for [`EPSILON`] and [`DELTA`].
///
/// # Panics
///
/// When the implementation refuses the sizing.
pub fn sized<S: Sketch>() -> S {
    S::with_error(EPSILON, DELTA).expect("with_error(0.001, 0.01) is a valid sizing")
}

/// The `add-zipf` and `conservative-add` workloads: one sketch `S`, `add(key, 1)` per step.
#[derive(Debug)]
pub struct Adds<S> {
    sketch: S,
    keys: Cursor,
}

impl<S: Sketch> Adds<S> {
    /// A new sketch ([`sized`]) for `plan`.
    ///
    /// # Panics
    ///
    /// When the implementation refuses the sizing.
    pub fn on(plan: &Plan) -> Self {
        Adds {
            sketch: sized(),
            keys: Cursor::new(plan),
        }
    }

    /// Adds the next key once.
    #[inline]
    pub fn step(&mut self) {
        let key = self.keys.key();
        self.sketch.add(&key, 1);
    }

    /// The sketch.
    pub fn sketch(&self) -> &S {
        &self.sketch
    }
}

/// The `estimate-zipf` workload: a sketch `S` that counted the trace once, `estimate(key)` per
/// step.
#[derive(Debug)]
pub struct Estimates<S> {
    sketch: S,
    keys: Cursor,
}

impl<S: Sketch> Estimates<S> {
    /// A new sketch ([`sized`]) that has counted `plan`'s trace once.
    ///
    /// # Panics
    ///
    /// When the implementation refuses the sizing.
    pub fn on(plan: &Plan) -> Self {
        let mut sketch: S = sized();
        for key in plan.trace.iter() {
            sketch.add(key, 1);
        }
        Estimates {
            sketch,
            keys: Cursor::new(plan),
        }
    }

    /// Estimates the next key, through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let key = self.keys.key();
        black_box(self.sketch.estimate(&key));
    }
}

/// The `top-k` workload, and the `space-saving` series: a heavy-hitters tracker `H`, `add(key,
/// 1)` per step.
#[derive(Debug)]
pub struct Tracked<H> {
    tracker: H,
    keys: Cursor,
}

impl<H: HeavyHitters<u32>> Tracked<H> {
    /// `tracker` on `plan`'s trace.
    pub fn on(plan: &Plan, tracker: H) -> Self {
        Tracked {
            tracker,
            keys: Cursor::new(plan),
        }
    }

    /// `tracker`, first given each of `fill` distinct keys once (the keys of popularity ranks
    /// `0..fill`, most popular first), on `plan`'s trace.
    pub fn filled(plan: &Plan, mut tracker: H, fill: usize) -> Self {
        for rank in 0..fill {
            tracker.add(&Zipf::key(rank), 1);
        }
        Tracked::on(plan, tracker)
    }

    /// Adds the next key once.
    #[inline]
    pub fn step(&mut self) {
        let key = self.keys.key();
        self.tracker.add(&key, 1);
    }

    /// The tracker.
    pub fn tracker(&self) -> &H {
        &self.tracker
    }
}

/// The `top-k-dashboard` series: a [`Tracked`] workload whose step is [`READ_EVERY`] adds and
/// then a read of `top_k()` (through [`black_box`]).
#[derive(Debug)]
pub struct Dashboard<H> {
    tracked: Tracked<H>,
}

impl<H: HeavyHitters<u32>> Dashboard<H> {
    /// `tracked`, read after every [`READ_EVERY`] adds.
    pub fn new(tracked: Tracked<H>) -> Self {
        Dashboard { tracked }
    }

    /// Adds the next [`READ_EVERY`] keys once each, then reads the top k.
    #[inline]
    pub fn step(&mut self) {
        for _ in 0..READ_EVERY {
            self.tracked.step();
        }
        black_box(self.tracked.tracker.top_k());
    }

    /// The tracker.
    pub fn tracker(&self) -> &H {
        self.tracked.tracker()
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::ExactSketch;
    use super::*;

    /// A tracker that records its adds and counts its reads.
    #[derive(Debug, Default)]
    struct Tally(Vec<u32>, std::cell::Cell<usize>);

    impl HeavyHitters<u32> for Tally {
        fn add(&mut self, item: &u32, _: u64) {
            self.0.push(*item);
        }
        fn top_k(&self) -> Vec<(u32, u64)> {
            self.1.set(self.1.get() + 1);
            Vec::new()
        }
        fn k(&self) -> usize {
            1
        }
    }

    #[test]
    fn the_bench_names_are_the_documented_ones() {
        let names: Vec<_> = BENCH.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            ["add-zipf", "estimate-zipf", "conservative-add", "top-k"]
        );
        assert!(Plan::new("space-saving", 8, 1).is_err());
        assert!(Plan::new("top-k", 0, 1).is_err());
    }

    #[test]
    fn workloads_follow_the_trace_and_cycle() {
        let plan = Plan::new("add-zipf", 64, 3).expect("plan");
        assert_eq!(plan.trace().len(), TRACE_LEN);
        assert!(plan
            .trace()
            .iter()
            .all(|&k| (0..64).any(|r| Zipf::key(r) == k)));
        let mut adds = Adds::<ExactSketch>::on(&plan);
        for _ in 0..TRACE_LEN + 5 {
            adds.step();
        }
        assert_eq!(adds.sketch().total(), (TRACE_LEN + 5) as u64);
        let first = plan.trace()[0];
        let again = plan.trace()[..5].iter().filter(|&&k| k == first).count() as u64;
        let whole = plan.trace().iter().filter(|&&k| k == first).count() as u64;
        assert_eq!(adds.sketch().estimate(&first), whole + again);
        let mut t = Tracked::filled(&plan, Tally::default(), 10);
        t.step();
        assert_eq!(t.tracker().0.len(), 11);
        assert_eq!(t.tracker().0[0], Zipf::key(0));
        assert_eq!(t.tracker().0[10], first);
        let plan = Plan::space_saving(16, 8, 3).expect("plan");
        assert_eq!(plan.distinct(), 64);
        assert_eq!(plan.trace().len(), 256);
        assert_eq!(Plan::space_saving(16, 1_000, 3).expect("plan").trace().len(), 1_000);
    }

    #[test]
    fn the_dashboard_reads_after_its_adds_and_k_grows() {
        let plan = Plan::new("top-k", 64, 5).expect("plan");
        let mut d = Dashboard::new(Tracked::on(&plan, Tally::default()));
        for _ in 0..3 {
            d.step();
        }
        assert_eq!(d.tracker().1.get(), 3);
        assert_eq!(d.tracker().0.len(), 3 * READ_EVERY);
        assert_eq!(d.tracker().0[..], plan.trace()[..3 * READ_EVERY]);
        assert_eq!(growing_k(1 << 10), 512);
        assert_eq!(growing_k(1 << 16), 32_768);
        assert_eq!(growing_k(1), 1);
    }
}
