//! `cargo kata bench lru`: the learner's cache, the reference and the peer crates on the
//! workloads of `kata_suites::lru::workloads`, each on a cache of `BENCH_CAPACITY` `u64 -> u64`
//! entries filled before timing.

use kata_core::lru::Cache;
use kata_suites::lru::workloads::{Plan, Prepared, BENCH, BENCH_CAPACITY};
use kata_suites::lru::LruFamily;

use crate::{plan_of, Clock, KataBench, PeerEntrant, Spec, Subject};

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

/// The peer crates, each with the function that grades it and the one that builds it.
fn peers() -> Vec<PeerEntrant> {
    use kata_peers::lru::*;
    PEERS
        .iter()
        .map(|p| PeerEntrant {
            peer: p,
            grade: verdict,
            make: match p.name {
                "lru" => make::<LruCrateFamily<Reference>>,
                "schnellru" => make::<SchnellruFamily<Reference>>,
                "quick_cache" => make::<QuickCacheFamily<Reference>>,
                other => unreachable!("peer `{other}` has no family here"),
            },
        })
        .collect()
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
        peers: peers(),
    })
}
