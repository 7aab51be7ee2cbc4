//! `cargo kata bench token-bucket`: the learner's buckets, the reference and the peer crates on
//! the workloads of `kata_suites::token_bucket::workloads`, reading the real monotonic clock.

use kata_core::clock::MonotonicClock;
use kata_suites::bench::Contender;
use kata_suites::token_bucket::workloads::{Contended, Spec, Uncontended, BENCH};
use kata_suites::token_bucket::TokenBucketFamily;

use crate::{time_steps, Harness, PEER_SEED};

kata_suites::token_bucket_family!(
    /// The reference `token-bucket`.
    Reference => token_bucket_solution
);
#[cfg(feature = "token-bucket-learner")]
kata_suites::token_bucket_family!(
    /// The learner's `token-bucket`.
    Learner => token_bucket_kata
);

/// Times family `F` as `name` on workload `spec`.
fn time_one<F: TokenBucketFamily>(h: &mut Harness, spec: &Spec, name: &str) {
    match spec.name {
        "uncontended" => {
            let mut w = Uncontended::<F::Bucket<MonotonicClock>>::new();
            h.time(spec.name, spec.summary, name, |iters| {
                time_steps(iters, || w.step())
            });
        }
        "contended-2-threads" => {
            let mut w = Contended::<F::Atomic<MonotonicClock>>::new(2);
            h.time(spec.name, spec.summary, name, |iters| w.time(iters));
        }
        other => {
            eprintln!("kata-bench: no token-bucket workload named `{other}`");
            std::process::exit(3);
        }
    }
}

type TimeOne = crate::TimeOne;

/// The peer crates, each graded in process, with the function that times it.
fn peers() -> Vec<(Contender, TimeOne)> {
    use kata_peers::grade::grade_token_bucket;
    use kata_peers::token_bucket::*;
    let mut all = Vec::new();
    for p in PEERS {
        let (verdict, time) = match p.name {
            "governor" => (
                grade_token_bucket::<GovernorFamily, Reference>(PEER_SEED),
                time_one::<GovernorFamily> as TimeOne,
            ),
            "ratelimit" => (
                grade_token_bucket::<RatelimitFamily, Reference>(PEER_SEED),
                time_one::<RatelimitFamily> as TimeOne,
            ),
            other => unreachable!("peer `{other}` has no family here"),
        };
        all.push((crate::peer(p, &verdict), time));
    }
    all
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "token-bucket-learner")]
    let learner = Some(time_one::<Learner> as TimeOne);
    #[cfg(not(feature = "token-bucket-learner"))]
    let learner = None;
    crate::run("token-bucket", BENCH, learner, time_one::<Reference>, peers)
}
