//! `cargo kata bench vector-clock`: the learner's clock, the reference's and crdts's `VClock` on
//! the workloads of `kata_suites::vector_clock::workloads`: `tick` on a clock of 64 entries,
//! `compare` and clone-then-`merge` on clocks of 16 and 256 entries.
//!
//! Every contender builds its own clocks from the plan's entries (a few dozen clocks: building
//! them is untimed and takes microseconds) and goes through the same pairs in the same order.
//! The store is not benched: its cost is the clock's, times a short list of siblings.

use kata_core::vector_clock::VectorClock;
use kata_suites::vector_clock::workloads::{Compare, Merge, Tick, BENCH};
use kata_suites::vector_clock::VectorClockFamily;

use crate::{plan_of, Clock, KataBench, Spec, Subject};

kata_suites::vector_clock_family!(
    /// The reference `vector-clock`.
    Reference => vector_clock_solution
);
#[cfg(feature = "vector-clock-learner")]
kata_suites::vector_clock_family!(
    /// The learner's `vector-clock`.
    Learner => vector_clock_kata
);

/// What a workload times, and at how many entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tick(usize),
    Compare(usize),
    Merge(usize),
}

/// A workload's plan: what it times and the seed its clocks come from.
pub struct BenchPlan {
    kind: Kind,
    seed: u64,
}

/// The plan of workload `spec`.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    let kind = match spec.name {
        "tick" => Kind::Tick(64),
        "compare-16" => Kind::Compare(16),
        "compare-256" => Kind::Compare(256),
        "merge-16" => Kind::Merge(16),
        "merge-256" => Kind::Merge(256),
        other => {
            let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
            return Err(format!(
                "no vector-clock workload named `{other}`; the workloads are: {}",
                known.join(", ")
            ));
        }
    };
    Ok(crate::Prepared {
        plan: std::sync::Arc::new(BenchPlan { kind, seed }),
        clock: Clock::ThreadCpu,
        countable: true,
    })
}

struct Run<W>(W);

impl<C: VectorClock> Subject for Run<Compare<C>> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            std::hint::black_box(self.0.step());
        }
    }
}

impl<C: VectorClock> Subject for Run<Merge<C>> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.0.step();
        }
    }
}

impl<C: VectorClock> Subject for Run<Tick<C>> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.0.step();
        }
    }
}

/// The clock `C` on the workload the plan names.
fn make_clock<C: VectorClock + 'static>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    match plan.kind {
        Kind::Tick(n) => Box::new(Run(Tick::<C>::new(n, plan.seed))),
        Kind::Compare(n) => Box::new(Run(Compare::<C>::new(n, plan.seed))),
        Kind::Merge(n) => Box::new(Run(Merge::<C>::new(n, plan.seed))),
    }
}

/// Family `F`'s clock on the workload.
fn make<F: VectorClockFamily>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_clock::<F::Clock>(spec, plan)
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    Some(match name {
        "crdts" => make::<kata_peers::vector_clock::CrdtsFamily>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "vector-clock-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "vector-clock-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "vector-clock",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(
            kata_peers::vector_clock::PEERS,
            kata_peers::vector_clock::verdict,
            peer,
        ),
    })
}
