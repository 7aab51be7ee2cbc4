//! `cargo kata bench count-min-sketch`: the learner's sketches and tracker, the reference's and
//! the peer crates on the workloads of `kata_suites::count_min_sketch::workloads`, all on one
//! Zipf(1.2) trace over 1 Mi keys, each sketch sized for ε = 0.001 and δ = 0.01.
//!
//! The learner's crate and the reference run the type each workload names: the plain sketch on
//! `add-zipf` and `estimate-zipf`, the conservative one on `conservative-add`, the sketch-backed
//! tracker over the conservative sketch on `top-k`. Both peer crates have a conservative-update
//! sketch and no plain one ([`kata_peers::count_min_sketch`]), so a peer runs its conservative
//! sketch on all three sketch workloads: on `add-zipf` its ratio is what conservative update
//! costs it against the reference's plain add, on `estimate-zipf` (a lookup either way, the
//! minimum of the rows) like for like. On `top-k` a peer runs its family's tracker over its own
//! sketch: `streaming_algorithms`'s `Top` (which counts with a sketch of its own, of the same
//! shape), and for `count-min-sketch`, which has no tracker, the reference's over the crate's
//! sketch. Both crates size ε = 0.001 and δ = 0.01 as 2048 × 6 counters, where the kata's
//! formulas give 2719 × 5: fewer, narrower rows, and one more of them.

use kata_core::count_min_sketch::{Sketch, TopKTracker};
use kata_suites::count_min_sketch::workloads::{
    sized, Adds, Estimates, Plan, Tracked, BENCH, BENCH_DISTINCT, TOP_K,
};
use kata_suites::count_min_sketch::CountMinSketchFamily;

use crate::{plan_of, Clock, KataBench, Spec, Subject};

kata_suites::count_min_sketch_family!(
    /// The reference `count-min-sketch`.
    Reference => count_min_sketch_solution
);
#[cfg(feature = "count-min-sketch-learner")]
kata_suites::count_min_sketch_family!(
    /// The learner's `count-min-sketch`.
    Learner => count_min_sketch_kata
);

impl<S: Sketch> Subject for Adds<S> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<S: Sketch> Subject for Estimates<S> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<H: kata_core::count_min_sketch::HeavyHitters<u32>> Subject for Tracked<H> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

/// One trace for every workload: Zipf(1.2) over [`BENCH_DISTINCT`] keys, drawn from `seed`.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    Ok(crate::Prepared {
        plan: std::sync::Arc::new(Plan::new(spec.name, BENCH_DISTINCT, seed)?),
        clock: Clock::ThreadCpu,
        countable: true,
    })
}

/// The workload `spec` on the plain sketch `P`, the conservative sketch `C` and the tracker `T`
/// over `C`.
fn make_with<P, C, T>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject>
where
    P: Sketch + 'static,
    C: Sketch + 'static,
    T: TopKTracker<u32, C> + 'static,
{
    let plan = plan_of::<Plan>(plan);
    match spec.name {
        "add-zipf" => Box::new(Adds::<P>::on(plan)),
        "estimate-zipf" => Box::new(Estimates::<P>::on(plan)),
        "conservative-add" => Box::new(Adds::<C>::on(plan)),
        _ => match T::new(TOP_K, sized::<C>()) {
            Ok(tracker) => Box::new(Tracked::on(plan, tracker)),
            Err(e) => crate::fail(&format!("count-min-sketch: TopK::new({TOP_K}): {e}")),
        },
    }
}

/// The types of family `F` that each workload names.
fn make<F: CountMinSketchFamily>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_with::<F::Plain, F::Conservative, F::TopK<u32, F::Conservative>>(spec, plan)
}

/// A peer's own conservative sketch on the sketch workloads, and its family's tracker over it on
/// `top-k` (see the module documentation).
fn make_peer<F: CountMinSketchFamily>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_with::<F::Conservative, F::Conservative, F::TopK<u32, F::Conservative>>(spec, plan)
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    use kata_peers::count_min_sketch::{CmsCrateFamily, StreamingFamily};
    Some(match name {
        "count-min-sketch" => make_peer::<CmsCrateFamily>,
        "streaming_algorithms" => make_peer::<StreamingFamily>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "count-min-sketch-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "count-min-sketch-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "count-min-sketch",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(
            kata_peers::count_min_sketch::PEERS,
            kata_peers::count_min_sketch::verdict,
            peer,
        ),
    })
}
