//! `cargo kata bench lru`: the learner's cache, the reference and the peer crates on the
//! workloads of `kata_suites::lru::workloads`, each on a cache of `BENCH_CAPACITY` `u64 -> u64`
//! entries filled before timing.

use kata_core::lru::Cache;
use kata_suites::lru::workloads::{Plan, Prepared, BENCH, BENCH_CAPACITY};
use kata_suites::lru::LruFamily;

use crate::{plan_of, Clock, KataBench, Spec, Subject};

kata_suites::lru_family!(
    /// The reference `lru`.
    Reference => lru_solution
);
#[cfg(feature = "lru-learner")]
kata_suites::lru_family!(
    /// The learner's `lru`.
    Learner => lru_kata
);

impl<C: Cache<u64, u64>> Subject for Prepared<C> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

/// The plan of workload `spec` at the bench capacity: one trace and fill for every contender.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    Ok(crate::Prepared {
        plan: std::sync::Arc::new(Plan::new(spec.name, BENCH_CAPACITY, seed)?),
        clock: Clock::ThreadCpu,
        countable: true,
    })
}

/// A cache of family `F` filled as the plan says.
fn make<F: LruFamily>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    match Prepared::<F::Cache<u64, u64>>::on(plan_of::<Plan>(plan)) {
        Ok(p) => Box::new(p),
        Err(e) => crate::fail(&format!("lru: {e}")),
    }
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    use kata_peers::lru::*;
    Some(match name {
        "lru" => make::<LruCrateFamily<Reference>>,
        "schnellru" => make::<SchnellruFamily<Reference>>,
        "quick_cache" => make::<QuickCacheFamily<Reference>>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "lru-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "lru-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "lru",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(kata_peers::lru::PEERS, kata_peers::lru::verdict, peer),
    })
}
