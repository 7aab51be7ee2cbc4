//! The named `bloom-filter` workloads: what `cargo kata bench bloom-filter` times and what the
//! complexity stage measures, defined once here so that both time the same thing.
//!
//! Every workload works on a filter sized for a number of items `n` at [`RATE`] (1 %), and on
//! the keys of a [`Plan`]: `n` keys present (the `j`-th is [`Plan::key`]`(j)`, `j < n`), and
//! keys never inserted (`j ≥ n`), all distinct u64s drawn from the plan's seed, so that every
//! contender is asked the same questions.
//!
//! - [`Insert`]: fills a new filter from empty with its `n` keys, then starts again on a new
//!   filter, and so on: every insert is into a filter at most at its design load, as in use
//!   (building the next filter is part of the cost, a few bytes per insert).
//! - [`Contains`]: a filter holding its `n` keys, asked alternately for a present key (drawn at
//!   random from the `n`) and an absent one: half the answers true, half (but the 1 % of false
//!   positives) false. A present key costs all `k` probes, an absent one stops at the first
//!   unset bit (about two) in the standard filter; the blocked filter costs one cache line
//!   either way.
//!
//! The filters are driven through [`Bloom`], implemented by [`Single`] (a [`Filter`]) and
//! [`Shared`] (a [`ConcurrentFilter`], through `&self`).
//!
//! # The bench workloads ([`BENCH`])
//!
//! - **`insert-1m`**: [`Insert`] with `n` = 1 000 000 (a filter of 9.6 M bits, 1.2 MB).
//! - **`contains-1m`**: [`Contains`] on a filter holding 1 000 000 keys.
//! - **`contains-10m`**: [`Contains`] on a filter holding 10 000 000 keys (12 MB, beyond the
//!   caches): every lookup misses the cache, once for the blocked filter, up to `k` = 7 times for
//!   the standard one (about two for an absent key). Filling it takes a few tenths of a second;
//!   [`Contains::on`] and [`Contains::into_filter`] let a bench build it once and reuse it.
//!
//! Those three time the standard filter. Each has a twin named with the layout it times instead:
//! `blocked-insert-1m`, `blocked-contains-1m` and `blocked-contains-10m` the blocked filter,
//! `atomic-insert-1m` the atomic one (through `&self`, from one thread); a twin's plan is its
//! standard workload's ([`Plan::new`] reads the name without the prefix).
//!
//! # The complexity stage
//!
//! Four series at `n` of 64 to 4 Ki items ([`super::complexity`], counted): `insert` (standard),
//! `contains` (standard), `blocked-contains` and `atomic-insert`. Each operation costs O(k),
//! whatever `n`: a filter that recounts its bits by scanning every word after each insert, or
//! checks whether it is empty by counting its bits before each lookup, costs O(m) = O(n).

use std::hint::black_box;

use kata_core::bloom_filter::{ConcurrentFilter, Filter};

pub use crate::measure::Spec;
use crate::measure::SplitMix64;

/// The workloads the benches time, in the order they run. See the module documentation.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "insert-1m",
        summary: "a filter for 1 M keys at 1 % filled from empty, again and again",
    },
    Spec {
        name: "blocked-insert-1m",
        summary: "insert-1m on the blocked filter",
    },
    Spec {
        name: "atomic-insert-1m",
        summary: "insert-1m on the atomic filter, through &self from one thread",
    },
    Spec {
        name: "contains-1m",
        summary: "lookups in a filter holding 1 M keys (1 %): half present, half absent",
    },
    Spec {
        name: "blocked-contains-1m",
        summary: "contains-1m on the blocked filter",
    },
    Spec {
        name: "contains-10m",
        summary: "lookups in a filter holding 10 M keys (12 MB, beyond the caches): half present, \
                  half absent",
    },
    Spec {
        name: "blocked-contains-10m",
        summary: "contains-10m on the blocked filter: one cache line per lookup",
    },
];

/// The false-positive rate every workload's filter is sized for.
pub const RATE: f64 = 0.01;

/// A filter as the workloads drive it: built for `n` items at [`RATE`], keys inserted and looked
/// up.
pub trait Bloom {
    /// A filter sized for `items` at [`RATE`].
    ///
    /// # Panics
    ///
    /// When the implementation refuses the size.
    fn build(items: u64) -> Self;
    /// Inserts `key`; what `insert` returned.
    fn put(&mut self, key: u64) -> bool;
    /// Looks `key` up.
    fn has(&self, key: u64) -> bool;
}

/// A [`Filter`] (the standard or the blocked one) as a [`Bloom`].
#[derive(Debug)]
pub struct Single<F>(pub F);

impl<F: Filter> Bloom for Single<F> {
    fn build(items: u64) -> Self {
        Single(F::with_rate(items, RATE).expect("the workloads' sizes are valid"))
    }
    #[inline]
    fn put(&mut self, key: u64) -> bool {
        self.0.insert(&key)
    }
    #[inline]
    fn has(&self, key: u64) -> bool {
        self.0.contains(&key)
    }
}

/// A [`ConcurrentFilter`] as a [`Bloom`], driven through `&self` from one thread.
#[derive(Debug)]
pub struct Shared<A>(pub A);

impl<A: ConcurrentFilter> Bloom for Shared<A> {
    fn build(items: u64) -> Self {
        Shared(A::with_rate(items, RATE).expect("the workloads' sizes are valid"))
    }
    #[inline]
    fn put(&mut self, key: u64) -> bool {
        self.0.insert(&key)
    }
    #[inline]
    fn has(&self, key: u64) -> bool {
        self.0.contains(&key)
    }
}

/// What a workload at one size asks: its number of items and the keys, a function of a seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    items: u64,
    seed: u64,
}

impl Plan {
    /// The plan of bench workload `workload` (see [`BENCH`]), its keys drawn from `seed`; a
    /// `blocked-` or `atomic-` twin's is its standard workload's.
    ///
    /// # Errors
    ///
    /// When `workload` is not one of [`BENCH`].
    pub fn new(workload: &str, seed: u64) -> Result<Plan, String> {
        let known = BENCH.iter().any(|s| s.name == workload);
        let standard = ["blocked-", "atomic-"]
            .iter()
            .find_map(|layout| workload.strip_prefix(layout))
            .unwrap_or(workload);
        let items = match standard {
            "insert-1m" | "contains-1m" if known => 1_000_000,
            "contains-10m" if known => 10_000_000,
            _ => {
                let other = workload;
                let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
                return Err(format!(
                    "no bloom-filter workload named `{other}`; the workloads are: {}",
                    known.join(", ")
                ));
            }
        };
        Ok(Plan::with_items(items, seed))
    }

    /// A plan of `items` items (at least 1), its keys drawn from `seed`.
    pub fn with_items(items: u64, seed: u64) -> Plan {
        Plan {
            items: items.max(1),
            seed,
        }
    }

    /// The number of items the filter is sized for and holds.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// The `j`-th key: present when `j < items()`. Distinct for distinct `j` (a bijection of
    /// the u64s), spread over the u64s.
    #[inline]
    pub fn key(&self, j: u64) -> u64 {
        // SplitMix64's output function is a bijection; so is adding the seed.
        let mut z = j
            .wrapping_add(self.seed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The key of the `i`-th lookup: for even `i` a present key drawn at random, for odd `i` the
    /// absent key `key(items + i)`.
    #[inline]
    pub fn query(&self, i: u64) -> u64 {
        if i & 1 == 0 {
            let r = SplitMix64::new(i ^ self.seed.rotate_left(17)).next_u64();
            self.key(((u128::from(r) * u128::from(self.items)) >> 64) as u64)
        } else {
            self.key(self.items.wrapping_add(i))
        }
    }

    /// A filter `B` holding the plan's `items()` keys.
    pub fn filled<B: Bloom>(&self) -> B {
        let mut filter = B::build(self.items);
        for j in 0..self.items {
            filter.put(self.key(j));
        }
        filter
    }
}

/// The insert workload (see the module documentation): one insert per step, into a filter filled
/// from empty with the plan's keys, replaced by a new one when it holds them all.
#[derive(Debug)]
pub struct Insert<B> {
    plan: Plan,
    filter: B,
    filled: u64,
}

impl<B: Bloom> Insert<B> {
    /// An empty filter for `plan`.
    ///
    /// # Panics
    ///
    /// When the implementation refuses the plan's size.
    pub fn new(plan: &Plan) -> Self {
        Insert {
            plan: *plan,
            filter: B::build(plan.items),
            filled: 0,
        }
    }

    /// Inserts the next key (into a new filter when this one holds all of the plan's); the
    /// result passed through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        if self.filled == self.plan.items {
            self.filter = B::build(self.plan.items);
            self.filled = 0;
        }
        black_box(self.filter.put(self.plan.key(self.filled)));
        self.filled += 1;
    }

    /// The filter being filled.
    pub fn filter(&self) -> &B {
        &self.filter
    }
}

/// The lookup workload (see the module documentation): one lookup per step, present and absent
/// keys in turn, in a filter holding the plan's keys.
#[derive(Debug)]
pub struct Contains<B> {
    plan: Plan,
    filter: B,
    next: u64,
}

impl<B: Bloom> Contains<B> {
    /// A filter holding the plan's keys ([`Plan::filled`]).
    ///
    /// # Panics
    ///
    /// When the implementation refuses the plan's size.
    pub fn new(plan: &Plan) -> Self {
        Contains::on(plan, plan.filled())
    }

    /// The workload on `filter`, which must hold the plan's keys (from [`Plan::filled`], or an
    /// earlier workload's [`Contains::into_filter`]).
    pub fn on(plan: &Plan, filter: B) -> Self {
        Contains {
            plan: *plan,
            filter,
            next: 0,
        }
    }

    /// Looks the next key up; the answer passed through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        black_box(self.filter.has(self.plan.query(self.next)));
        self.next += 1;
    }

    /// How many of the first `lookups` lookups answered true, each checked: a present key must
    /// be found. For tests and for a bench that wants to see the mix.
    ///
    /// # Errors
    ///
    /// The first present key not found (a false negative).
    pub fn found(&self, lookups: u64) -> Result<u64, String> {
        let mut found = 0;
        for i in 0..lookups {
            let hit = self.filter.has(self.plan.query(i));
            if i & 1 == 0 && !hit {
                return Err(format!(
                    "lookup {i}, of a key the filter holds, answered false"
                ));
            }
            found += u64::from(hit);
        }
        Ok(found)
    }

    /// The filter, for the next workload on the same plan.
    pub fn into_filter(self) -> B {
        self.filter
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// An exact "filter" for checking the workloads: a set, sized by nothing.
    #[derive(Debug, Default)]
    struct Exact(HashSet<u64>, u64);

    impl Bloom for Exact {
        fn build(_: u64) -> Self {
            Exact::default()
        }
        fn put(&mut self, key: u64) -> bool {
            self.1 += 1;
            !self.0.insert(key)
        }
        fn has(&self, key: u64) -> bool {
            self.0.contains(&key)
        }
    }

    #[test]
    fn the_bench_names_are_the_documented_ones() {
        let names: Vec<_> = BENCH.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "insert-1m",
                "blocked-insert-1m",
                "atomic-insert-1m",
                "contains-1m",
                "blocked-contains-1m",
                "contains-10m",
                "blocked-contains-10m"
            ]
        );
        assert_eq!(
            Plan::new("contains-10m", 1).expect("plan").items(),
            10_000_000
        );
        assert_eq!(
            Plan::new("blocked-contains-10m", 1),
            Plan::new("contains-10m", 1)
        );
        assert!(Plan::new("insert", 1).is_err());
        assert!(Plan::new("atomic-contains-1m", 1).is_err());
    }

    #[test]
    fn keys_are_distinct_and_depend_on_the_seed() {
        let plan = Plan::with_items(1_000, 7);
        let keys: HashSet<u64> = (0..10_000).map(|j| plan.key(j)).collect();
        assert_eq!(keys.len(), 10_000);
        assert_ne!(plan.key(0), Plan::with_items(1_000, 8).key(0));
    }

    #[test]
    fn half_the_lookups_are_present_and_half_absent() {
        let plan = Plan::with_items(1_000, 3);
        let w = Contains::<Exact>::new(&plan);
        assert_eq!(w.found(10_000), Ok(5_000));
    }

    #[test]
    fn insert_starts_a_new_filter_when_the_last_is_full() {
        let plan = Plan::with_items(100, 3);
        let mut w = Insert::<Exact>::new(&plan);
        for _ in 0..250 {
            w.step();
        }
        assert_eq!(w.filter().0.len(), 50);
        assert_eq!(w.filter().1, 50);
        assert!(w.filter().has(plan.key(49)) && !w.filter().has(plan.key(50)));
    }
}
