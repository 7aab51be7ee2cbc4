//! `cargo kata bench lru`: the learner's cache, the reference and the peer crates on the
//! workloads of `kata_suites::lru::workloads`, each on a cache of `BENCH_CAPACITY` `u64 -> u64`
//! entries filled before timing.

use kata_suites::bench::Contender;
use kata_suites::lru::workloads::{Prepared, Spec, BENCH, BENCH_CAPACITY};
use kata_suites::lru::LruFamily;

use crate::{time_steps, Harness, PEER_SEED};

kata_suites::lru_family!(
    /// The reference `lru`.
    Reference => lru_solution
);
#[cfg(feature = "lru-learner")]
kata_suites::lru_family!(
    /// The learner's `lru`.
    Learner => lru_kata
);

/// Times family `F` as `name` on workload `spec`.
fn time_one<F: LruFamily>(h: &mut Harness, spec: &Spec, name: &str) {
    let mut prepared =
        match Prepared::<F::Cache<u64, u64>>::new(spec.name, BENCH_CAPACITY, h.seed()) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("kata-bench: {e}");
                std::process::exit(3);
            }
        };
    h.time(spec.name, spec.summary, name, |iters| {
        time_steps(iters, || prepared.step())
    });
}

type TimeOne = crate::TimeOne;

/// The peer crates, each graded in process, with the function that times it.
fn peers() -> Vec<(Contender, TimeOne)> {
    use kata_peers::grade::grade_lru;
    use kata_peers::lru::*;
    let mut all = Vec::new();
    for p in PEERS {
        let (verdict, time) = match p.name {
            "lru" => (
                grade_lru::<LruCrateFamily<Reference>, Reference>(PEER_SEED),
                time_one::<LruCrateFamily<Reference>> as TimeOne,
            ),
            "schnellru" => (
                grade_lru::<SchnellruFamily<Reference>, Reference>(PEER_SEED),
                time_one::<SchnellruFamily<Reference>> as TimeOne,
            ),
            "quick_cache" => (
                grade_lru::<QuickCacheFamily<Reference>, Reference>(PEER_SEED),
                time_one::<QuickCacheFamily<Reference>> as TimeOne,
            ),
            other => unreachable!("peer `{other}` has no family here"),
        };
        all.push((crate::peer(p, &verdict), time));
    }
    all
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "lru-learner")]
    let learner = Some(time_one::<Learner> as TimeOne);
    #[cfg(not(feature = "lru-learner"))]
    let learner = None;
    crate::run("lru", BENCH, learner, time_one::<Reference>, peers)
}
