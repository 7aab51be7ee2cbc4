//! `cargo kata bench consistent-hashing`: the learner's routers, the reference's and the peer
//! crates on the workloads of `kata_suites::consistent_hashing::workloads`, all at
//! [`BENCH_NODES`] nodes and on one set of 16-byte keys.
//!
//! # Which router runs where
//!
//! A workload names the router it times: `ring-lookup` and `ring-rebalance` the ring,
//! `jump-lookup` jump hashing, `rendezvous-lookup` rendezvous hashing, `maglev-lookup` Maglev.
//! The learner's crate and the reference run the type the workload names. A peer runs where its
//! crate has that type, and sits the others out ([`crate::SitOut`]): comparing hashring's ring
//! with the reference's rendezvous hashing would time two algorithms, not two implementations
//! of one. So hashring runs `ring-lookup` and `ring-rebalance`, jumphash `jump-lookup`, hrw-hash
//! `rendezvous-lookup`, maglev `maglev-lookup`. AnchorHash, which has no type of the kata's
//! (`kata_peers::consistent_hashing`), runs `jump-lookup` (it is graded in the jump slot, and
//! generalises jump hashing to arbitrary removals) and `maglev-lookup` (another O(1) router),
//! with an anchor of twice the nodes ([`ANCHOR_BUCKETS`]), as a deployment sized for its cluster
//! would have.
//!
//! # Routers built once
//!
//! Building a router is untimed, but not free: the reference's Maglev builds its 65 537-slot
//! table again on every add, a hundred times, and the maglev crate materialises every node's
//! permutation of the slots each time. Lookups do not change a router, so each process of a race
//! builds each contender's router once, on first use, and keeps it with its workload ([`Cached`],
//! keyed by the workload's type; the reference and the self-test's twins of it share one), and
//! the lookups go on from round to round through the keys. `ring-rebalance` changes its ring at
//! every step, always keeping [`BENCH_NODES`] nodes; it too goes on from round to round, so a
//! round starts where the last one left the ring. What
//! [`REBUILD_EVERY_ROUND`](crate::REBUILD_EVERY_ROUND) buys, many placements in memory, comes from
//! the processes a race is split across instead.
//!
//! Lookups take tens of nanoseconds, where the time of a batch moves by a few per cent with the
//! machine's load: the instructions per operation counted under callgrind are the steadier
//! figure, and the tables print both. `ring-rebalance`'s operations, a thousand lookups each,
//! are counted over [`REBALANCE_COUNT_OPS`] of them, not [`COUNT_OPS`](crate::COUNT_OPS).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use kata_core::consistent_hashing::Router;
use kata_peers::consistent_hashing::{
    AnchorRouter, HashRingRouter, HrwRouter, JumpHashRouter, MaglevCrate,
};
use kata_suites::consistent_hashing::workloads::{Lookups, Plan, Rebalance, BENCH, BENCH_NODES};
use kata_suites::consistent_hashing::ConsistentHashingFamily;

use crate::{plan_of, Clock, KataBench, SitOut, Spec, Subject, COUNT_OPS};

kata_suites::consistent_hashing_family!(
    /// The reference `consistent-hashing`.
    Reference => consistent_hashing_solution
);
#[cfg(feature = "consistent-hashing-learner")]
kata_suites::consistent_hashing_family!(
    /// The learner's `consistent-hashing`.
    Learner => consistent_hashing_kata
);

/// The buckets of AnchorHash's anchor in the bench: twice the nodes (see the module
/// documentation).
pub const ANCHOR_BUCKETS: u16 = 2 * BENCH_NODES as u16;

/// The operations of `ring-rebalance` counted under callgrind: each is a change of membership
/// and a thousand lookups (37 µs of the reference's, 260 µs of hashring's, which shifts its
/// whole ring once per virtual node removed), so [`COUNT_OPS`] of them would take hours under
/// callgrind; 64 are 64 000 lookups and 64 changes.
pub const REBALANCE_COUNT_OPS: u64 = 1 << 6;

/// The router a workload times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    RingLookup,
    JumpLookup,
    RendezvousLookup,
    MaglevLookup,
    RingRebalance,
}

/// A workload as the bench runs it: its plan, the router it times, and the workloads each
/// contender has started, by type.
pub struct BenchPlan {
    plan: Plan,
    kind: Kind,
    cached: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl BenchPlan {
    /// The workload `W` on this plan: built by `build` on first use, then the same one for
    /// every contender of type `W`, for the life of the process.
    fn cached<W: Send + 'static>(&self, build: impl FnOnce(&Plan) -> W) -> Arc<Mutex<W>> {
        let mut cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = cached
            .entry(TypeId::of::<W>())
            .or_insert_with(|| Arc::new(Arc::new(Mutex::new(build(&self.plan)))));
        Arc::clone(
            entry
                .downcast_ref::<Arc<Mutex<W>>>()
                .expect("an entry of type W's key is W's workload"),
        )
    }
}

/// A workload's step, for [`Cached`].
trait Step {
    fn step(&mut self);
}

impl<R: Router> Step for Lookups<R> {
    #[inline]
    fn step(&mut self) {
        Lookups::step(self);
    }
}

impl<R: Router> Step for Rebalance<R> {
    #[inline]
    fn step(&mut self) {
        Rebalance::step(self);
    }
}

/// A workload built once ([`BenchPlan::cached`]), going on from where the last batch stopped,
/// and the operations of it to count under callgrind.
struct Cached<W> {
    workload: Arc<Mutex<W>>,
    count_ops: u64,
}

impl<W> Cached<W> {
    /// `workload`, counted over [`COUNT_OPS`] operations.
    fn new(workload: Arc<Mutex<W>>) -> Self {
        Cached {
            workload,
            count_ops: COUNT_OPS,
        }
    }

    /// `workload`, counted over `count_ops` operations.
    fn counted_over(workload: Arc<Mutex<W>>, count_ops: u64) -> Self {
        Cached {
            workload,
            count_ops,
        }
    }
}

impl<W: Step> Subject for Cached<W> {
    fn steps(&mut self, ops: u64) {
        let mut w = self.workload.lock().unwrap_or_else(PoisonError::into_inner);
        for _ in 0..ops {
            w.step();
        }
    }

    fn count_ops(&self) -> u64 {
        self.count_ops
    }
}

/// The plan of workload `spec`, at [`BENCH_NODES`] nodes.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    let plan = Plan::new(spec.name, BENCH_NODES, seed)?;
    let kind = match spec.name {
        "ring-lookup" => Kind::RingLookup,
        "jump-lookup" => Kind::JumpLookup,
        "rendezvous-lookup" => Kind::RendezvousLookup,
        "maglev-lookup" => Kind::MaglevLookup,
        "ring-rebalance" => Kind::RingRebalance,
        other => return Err(format!("the bench has no router for workload `{other}`")),
    };
    Ok(crate::Prepared {
        plan: Arc::new(BenchPlan {
            plan,
            kind,
            cached: Mutex::default(),
        }),
        clock: Clock::ThreadCpu,
        countable: true,
    })
}

/// Lookups on `R::new()` holding the plan's nodes, built once.
fn lookups<R: Router + Send + 'static>(plan: &BenchPlan) -> Box<dyn Subject> {
    Box::new(Cached::new(plan.cached(Lookups::<R>::on)))
}

/// The rebalancing workload on `R::new()`, built once.
fn rebalance<R: Router + Send + 'static>(plan: &BenchPlan) -> Box<dyn Subject> {
    Box::new(Cached::counted_over(
        plan.cached(Rebalance::<R>::on),
        REBALANCE_COUNT_OPS,
    ))
}

/// The router of family `F` that the workload names.
fn make<F: ConsistentHashingFamily>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    match plan.kind {
        Kind::RingLookup => lookups::<F::Ring>(plan),
        Kind::JumpLookup => lookups::<F::Jump>(plan),
        Kind::RendezvousLookup => lookups::<F::Rendezvous>(plan),
        Kind::MaglevLookup => lookups::<F::Maglev>(plan),
        Kind::RingRebalance => rebalance::<F::Ring>(plan),
    }
}

/// hashring: the ring's workloads.
fn make_hashring(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    match plan.kind {
        Kind::RingLookup => lookups::<HashRingRouter>(plan),
        Kind::RingRebalance => rebalance::<HashRingRouter>(plan),
        _ => Box::new(SitOut),
    }
}

/// A peer with one router type, `R`, timed on the workload of `kind` only.
fn make_one<R: Router + Send + 'static>(kind: Kind, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    if plan.kind == kind {
        lookups::<R>(plan)
    } else {
        Box::new(SitOut)
    }
}

/// AnchorHash with an anchor of [`ANCHOR_BUCKETS`]: on `jump-lookup` and `maglev-lookup`.
fn make_anchor(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    match plan.kind {
        Kind::JumpLookup | Kind::MaglevLookup => {
            Box::new(Cached::new(plan.cached(|p| {
                Lookups::with(AnchorRouter::with_capacity(ANCHOR_BUCKETS), p)
            })))
        }
        _ => Box::new(SitOut),
    }
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    Some(match name {
        "hashring" => make_hashring,
        "jumphash" => |_, plan| make_one::<JumpHashRouter>(Kind::JumpLookup, plan),
        "hrw-hash" => |_, plan| make_one::<HrwRouter>(Kind::RendezvousLookup, plan),
        "maglev" => |_, plan| make_one::<MaglevCrate>(Kind::MaglevLookup, plan),
        "anchorhash" => make_anchor,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "consistent-hashing-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "consistent-hashing-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "consistent-hashing",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(
            kata_peers::consistent_hashing::PEERS,
            kata_peers::consistent_hashing::verdict,
            peer,
        ),
    })
}
