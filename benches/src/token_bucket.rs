//! `cargo kata bench token-bucket`: the learner's buckets, the reference and the peer crates on
//! the workloads of `kata_suites::token_bucket::workloads`, reading the real monotonic clock.

use std::time::Duration;

use kata_core::clock::MonotonicClock;
use kata_core::token_bucket::{ConcurrentRateLimiter, RateLimiter};
use kata_suites::token_bucket::workloads::{Contended, Uncontended, BENCH};
use kata_suites::token_bucket::TokenBucketFamily;

use crate::{Clock, KataBench, Spec, Subject};

kata_suites::token_bucket_family!(
    /// The reference `token-bucket`.
    Reference => token_bucket_solution
);
#[cfg(feature = "token-bucket-learner")]
kata_suites::token_bucket_family!(
    /// The learner's `token-bucket`.
    Learner => token_bucket_kata
);

impl<B: RateLimiter<MonotonicClock>> Subject for Uncontended<B> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<B: ConcurrentRateLimiter<MonotonicClock> + 'static> Subject for Contended<B> {
    /// `ops` calls on every thread at once.
    fn steps(&mut self, ops: u64) {
        self.time(ops);
    }

    /// The workers' CPU time, per thread: a batch's ns per operation is then the CPU time of one
    /// `try_acquire(1)` under contention.
    fn timed_steps(&mut self, ops: u64) -> Duration {
        self.time(ops).cpu / u32::try_from(self.threads()).unwrap_or(u32::MAX)
    }
}

/// The token buckets need no shared plan: each contender's bucket is built full.
fn prepare(spec: &Spec, _: u64) -> Result<crate::Prepared, String> {
    let contended = match spec.name {
        "uncontended" => false,
        "contended-2-threads" => true,
        other => return Err(format!("no token-bucket workload named `{other}`")),
    };
    Ok(crate::Prepared {
        plan: std::sync::Arc::new(()),
        clock: if contended {
            Clock::WorkersCpu
        } else {
            Clock::ThreadCpu
        },
        countable: !contended,
    })
}

/// A bucket of family `F` for workload `spec`.
fn make<F: TokenBucketFamily>(spec: &Spec, _: &crate::Plan) -> Box<dyn Subject> {
    if spec.name == "contended-2-threads" {
        Box::new(Contended::<F::Atomic<MonotonicClock>>::new(2))
    } else {
        Box::new(Uncontended::<F::Bucket<MonotonicClock>>::new())
    }
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    use kata_peers::token_bucket::*;
    Some(match name {
        "governor" => make::<GovernorFamily>,
        "ratelimit" => make::<RatelimitFamily>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "token-bucket-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "token-bucket-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "token-bucket",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(
            kata_peers::token_bucket::PEERS,
            kata_peers::token_bucket::verdict,
            peer,
        ),
    })
}
