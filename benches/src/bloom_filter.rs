//! `cargo kata bench bloom-filter`: the learner's filters, the reference's and the peer crates on
//! the workloads of `kata_suites::bloom_filter::workloads`, and one cache miss beside them.
//!
//! # Which filter runs where
//!
//! A workload names the layout it times: `insert-1m`, `contains-1m` and `contains-10m` the
//! standard filter, their `blocked-` twins the blocked one, `atomic-insert-1m` the atomic one
//! (through `&self`, from one thread). The learner's crate and the reference run the type the
//! workload names. A peer runs its *own* filter on every workload, whatever its layout, so that
//! each table compares every crate a user could pick for that job: fastbloom its standard filter
//! (its atomic one on `atomic-insert-1m`), bloomfilter its standard filter, sbbf-rs its
//! split-block filter (blocked); bloomfilter and sbbf-rs have no atomic filter, so on
//! `atomic-insert-1m` they run their single-thread insert, which the atomic one can only match.
//!
//! # One cache miss, for scale
//!
//! The goal for the blocked filter is a lookup at 10 M keys within 1.5 times one cache
//! miss. So every run also times [`CACHE_MISS`], a yardstick shown as a peer: a pointer chase
//! through a random cycle over [`CHASE_BYTES`] (four times the machine's 32 MiB last-level
//! cache), one dependent load per operation, each a miss in every cache. Its ratio on
//! `blocked-contains-10m` is the inverse of that goal's ratio: 0.67x or more meets it. (It is not
//! a peer: no crate, nothing graded; `--no-peers` leaves it out with the peers.)
//!
//! # At 10 M keys, in a full run only
//!
//! Filling the 10 M-key filters is most of what `contains-10m` and `blocked-contains-10m` cost,
//! in every process of their races: bloomfilter takes about 4 s a filter (a division per bit and
//! two SipHashes). So a `--quick` run leaves them out unless they are named with `--workload`: it
//! times the five workloads at 1 M keys, in about 15 s with the peers; a full run times all seven.
//!
//! # Filters built once
//!
//! A lookup workload's filter holds 1 M or 10 M keys: filling it takes a few tenths of a second,
//! far too long to do for every contender in every round. Lookups do not change a filter, so each
//! process of a race builds each contender's filter once, on first use, and keeps it with its
//! workload ([`Cached`], keyed by the filter's type; the reference and the self-test's twins of
//! it share one), and the lookups go on from round to round rather than start again, so that no
//! round finds the keys of the round before still in the cache. What
//! [`REBUILD_EVERY_ROUND`](crate::REBUILD_EVERY_ROUND) buys, many placements in memory, comes
//! from the processes a race is split across instead. An insert workload's filter is new in every
//! round, as the harness makes it.
//!
//! Instructions are counted (in the counting child, under callgrind) on filters of
//! [`COUNTED_ITEMS`] keys, whatever the workload's size: the instructions of an insert or a
//! lookup do not depend on it (the cache misses do, and callgrind does not see them), and filling
//! a 10 M-key filter under callgrind would take minutes.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use kata_suites::bloom_filter::workloads::{Bloom, Contains, Insert, Plan, Shared, Single, BENCH};
use kata_suites::bloom_filter::BloomFilterFamily;

use crate::{plan_of, Clock, KataBench, Spec, Subject};

kata_suites::bloom_filter_family!(
    /// The reference `bloom-filter`.
    Reference => bloom_filter_solution
);
#[cfg(feature = "bloom-filter-learner")]
kata_suites::bloom_filter_family!(
    /// The learner's `bloom-filter`.
    Learner => bloom_filter_kata
);

/// The keys of every filter the counting child fills: 64 Ki (see the module documentation).
pub const COUNTED_ITEMS: u64 = 1 << 16;

/// The size of [`CACHE_MISS`]'s cycle: 128 MiB, four times the last-level cache.
pub const CHASE_BYTES: usize = 128 << 20;

/// The cache-miss yardstick, as the tables name it (see the module documentation).
pub static CACHE_MISS: kata_peers::Peer = kata_peers::Peer {
    name: "one-cache-miss",
    krate: "yardstick",
    version: "-",
    design: "a pointer chase through a random cycle over 128 MiB: one dependent load per \
             operation, each a miss in every cache; a yardstick, not a peer",
    difference: None,
};

/// The type of filter a workload times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Standard,
    Blocked,
    Atomic,
}

/// A workload as the bench runs it: its plan, the layout it times, whether it looks up, and the
/// lookup workloads each contender has started, by filter type.
pub struct BenchPlan {
    plan: Plan,
    layout: Layout,
    lookups: bool,
    cached: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl BenchPlan {
    /// The lookup workload of filter `B` on this plan: filled on first use, then the same one
    /// for every contender of type `B`, for the life of the process.
    fn contains<B: Bloom + Send + 'static>(&self) -> Arc<Mutex<Contains<B>>> {
        let mut cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = cached
            .entry(TypeId::of::<B>())
            .or_insert_with(|| Arc::new(Arc::new(Mutex::new(Contains::<B>::new(&self.plan)))));
        Arc::clone(
            entry
                .downcast_ref::<Arc<Mutex<Contains<B>>>>()
                .expect("an entry of type B's key is B's workload"),
        )
    }
}

/// The lookups of a filter built once ([`BenchPlan::contains`]), going on from where the last
/// batch stopped.
struct Cached<B>(Arc<Mutex<Contains<B>>>);

impl<B: Bloom> Subject for Cached<B> {
    fn steps(&mut self, ops: u64) {
        let mut w = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for _ in 0..ops {
            w.step();
        }
    }
}

impl<B: Bloom> Subject for Insert<B> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

/// The plan of workload `spec`; in the counting child, at [`COUNTED_ITEMS`] keys.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    let (layout, base) = if let Some(base) = spec.name.strip_prefix("blocked-") {
        (Layout::Blocked, base)
    } else if let Some(base) = spec.name.strip_prefix("atomic-") {
        (Layout::Atomic, base)
    } else {
        (Layout::Standard, spec.name)
    };
    let mut plan = Plan::new(spec.name, seed)?;
    if crate::args().count_child {
        plan = Plan::with_items(COUNTED_ITEMS, seed);
    }
    Ok(crate::Prepared {
        plan: Arc::new(BenchPlan {
            plan,
            layout,
            lookups: base.starts_with("contains"),
            cached: Mutex::default(),
        }),
        clock: Clock::ThreadCpu,
        countable: true,
    })
}

/// The workload on filter `B`: its inserts, or its lookups in the filter built once.
fn make_bloom<B: Bloom + Send + 'static>(plan: &BenchPlan) -> Box<dyn Subject> {
    if plan.lookups {
        Box::new(Cached(plan.contains::<B>()))
    } else {
        Box::new(Insert::<B>::new(&plan.plan))
    }
}

/// The filter of family `F` that the workload names.
fn make<F: BloomFilterFamily>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    match plan.layout {
        Layout::Standard => make_bloom::<Single<F::Standard>>(plan),
        Layout::Blocked => make_bloom::<Single<F::Blocked>>(plan),
        Layout::Atomic => make_bloom::<Shared<F::Atomic>>(plan),
    }
}

/// A peer's own filter `B` on every workload (see the module documentation).
fn make_own<B: Bloom + Send + 'static>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_bloom::<B>(plan_of::<BenchPlan>(plan))
}

/// fastbloom's standard filter, or its atomic one on the atomic workload.
fn make_fastbloom(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    use kata_peers::bloom_filter::{FastBloom, FastBloomAtomic};
    match plan_of::<BenchPlan>(plan).layout {
        Layout::Atomic => make_own::<Shared<FastBloomAtomic>>(spec, plan),
        Layout::Standard | Layout::Blocked => make_own::<Single<FastBloom>>(spec, plan),
    }
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    use kata_peers::bloom_filter::{BloomCrate, Sbbf};
    Some(match name {
        "fastbloom" => make_fastbloom,
        "bloomfilter" => make_own::<Single<BloomCrate>>,
        "sbbf-rs" => make_own::<Single<Sbbf>>,
        _ => return None,
    })
}

/// The cycle [`CACHE_MISS`] chases, built once per process: `next[i]` is the element after `i`.
/// In the counting child, a small one (its instructions are the same).
fn chase_cycle() -> &'static [u32] {
    static CYCLE: OnceLock<Box<[u32]>> = OnceLock::new();
    CYCLE.get_or_init(|| {
        let bits = if crate::args().count_child {
            16
        } else {
            (CHASE_BYTES / 4).trailing_zeros()
        };
        random_cycle(bits)
    })
}

/// A cycle through all of `0..2^bits` in a scrambled order: `next[i]` is the element after `i`.
/// The order is `σ(0), σ(1), ...` for a bijection `σ` of `bits`-bit numbers (multiplications by
/// odd constants and xor-shifts, each invertible), and `next[i] = σ(σ⁻¹(i) + 1)`, so the array is
/// written in order, not scattered.
fn random_cycle(bits: u32) -> Box<[u32]> {
    assert!((8..=32).contains(&bits));
    let mask = u64::MAX >> (64 - bits);
    let shift = bits / 2 + 1;
    // Multiplication by an odd constant, and its inverse, modulo 2^bits.
    let (a, b) = (0x9E37_79B9_7F4A_7C15u64, 0xBF58_476D_1CE4_E5B9u64);
    let inverse = |m: u64| {
        // Newton's iteration: each step doubles the bits of m·x ≡ 1 that are right.
        let mut x = m;
        for _ in 0..6 {
            x = x.wrapping_mul(2u64.wrapping_sub(m.wrapping_mul(x)));
        }
        x
    };
    let (ia, ib) = (inverse(a), inverse(b));
    // x ^= x >> shift is its own inverse when 2·shift >= bits.
    let xs = |x: u64| x ^ (x >> shift);
    let sigma = |x: u64| xs(xs(xs(x).wrapping_mul(a) & mask).wrapping_mul(b) & mask);
    let sigma_inv = |y: u64| xs(xs(xs(y).wrapping_mul(ib) & mask).wrapping_mul(ia) & mask);
    (0..=mask)
        .map(|i| sigma((sigma_inv(i) + 1) & mask) as u32)
        .collect()
}

/// [`CACHE_MISS`] as a subject: one step of the chase per operation, going on from round to
/// round where the last batch stopped.
struct Chase {
    next: &'static [u32],
}

/// Where the chase stopped: one chase per process.
static CHASE_AT: Mutex<u32> = Mutex::new(0);

impl Subject for Chase {
    fn steps(&mut self, ops: u64) {
        let mut at = CHASE_AT.lock().unwrap_or_else(PoisonError::into_inner);
        let mut i = *at;
        for _ in 0..ops {
            i = self.next[i as usize];
        }
        *at = black_box(i);
    }
}

/// Builds [`CACHE_MISS`].
fn make_chase(_: &Spec, _: &crate::Plan) -> Box<dyn Subject> {
    Box::new(Chase {
        next: chase_cycle(),
    })
}

/// [`CACHE_MISS`] needs no grading: it runs no filter.
fn chase_verdict(_: &str, _: u64) -> Option<kata_peers::Verdict> {
    Some(kata_peers::Verdict::Passed)
}

/// The workloads of this run: in a `--quick` run that names none, those at 1 M keys only (see
/// the module documentation).
fn workloads() -> &'static [Spec] {
    let args = crate::args();
    if !(args.quick && args.workloads.is_empty()) {
        return BENCH;
    }
    static QUICK: OnceLock<Vec<Spec>> = OnceLock::new();
    QUICK.get_or_init(|| {
        BENCH
            .iter()
            .filter(|s| !s.name.ends_with("-10m"))
            .copied()
            .collect()
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "bloom-filter-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "bloom-filter-learner"))]
    let learner = None;
    let mut peers = crate::peer_entrants(
        kata_peers::bloom_filter::PEERS,
        kata_peers::bloom_filter::verdict,
        peer,
    );
    peers.push(crate::PeerEntrant {
        peer: &CACHE_MISS,
        grade: chase_verdict,
        make: make_chase,
    });
    crate::run(KataBench {
        kata: "bloom-filter",
        workloads: workloads(),
        prepare,
        learner,
        reference: make::<Reference>,
        peers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chase_is_one_cycle_through_every_element() {
        for bits in [8, 12, 17] {
            let next = random_cycle(bits);
            let mut seen = vec![false; next.len()];
            let mut i = 0u32;
            for _ in 0..next.len() {
                assert!(!seen[i as usize], "{bits} bits: {i} visited twice");
                seen[i as usize] = true;
                i = next[i as usize];
            }
            assert_eq!(i, 0, "{bits} bits: back at the start after every element");
            // Scrambled: consecutive elements of the cycle are as far apart as random ones (a
            // 64th of the range or closer about 3 % of the time), not near as in a scan.
            let span = (next.len() / 64) as i64;
            let near = (0..next.len())
                .filter(|&i| (i64::from(next[i]) - i as i64).abs() < span)
                .count();
            assert!(
                near * 100 < 6 * next.len(),
                "{bits} bits: {near} near neighbours"
            );
        }
    }
}
