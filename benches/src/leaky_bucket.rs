//! `cargo kata bench leaky-bucket`: the learner's shapers, the reference and the peer on the
//! workloads of `kata_suites::leaky_bucket::workloads`, reading the real monotonic clock.
//!
//! The peer is the `token-bucket` reference driven as a meter (`kata_peers::leaky_bucket`): it
//! accepts and refuses the same offers as a shaper, but lets every accepted item leave at once,
//! so its ratio is what policing costs against shaping, not like for like. On `steady` and
//! `mpsc-2-producers` no item ever waits, for any contender (the rate is a thousand items per
//! nanosecond), so there the two do the same job.

use std::time::Duration;

use kata_core::clock::MonotonicClock;
use kata_core::leaky_bucket::{ConcurrentShaper, Shaper};
use kata_suites::leaky_bucket::workloads::{Mpsc, Overflow, Steady, BENCH};
use kata_suites::leaky_bucket::LeakyBucketFamily;

use crate::{Clock, KataBench, Spec, Subject};

kata_suites::leaky_bucket_family!(
    /// The reference `leaky-bucket`.
    Reference => leaky_bucket_solution
);
#[cfg(feature = "leaky-bucket-learner")]
kata_suites::leaky_bucket_family!(
    /// The learner's `leaky-bucket`.
    Learner => leaky_bucket_kata
);

impl<B: Shaper<u64, MonotonicClock>> Subject for Steady<B, MonotonicClock> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<B: Shaper<u64, MonotonicClock>> Subject for Overflow<B, MonotonicClock> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<B: ConcurrentShaper<u64, MonotonicClock> + 'static> Subject for Mpsc<B> {
    /// `ops` offers on every producer at once, and the consumer's polls.
    fn steps(&mut self, ops: u64) {
        self.time(ops);
    }

    /// The workers' CPU time, per producer: a batch's ns per operation is then the CPU time of
    /// one offer (and, for the first producer, one poll) under contention.
    fn timed_steps(&mut self, ops: u64) -> Duration {
        self.time(ops).cpu / u32::try_from(self.producers()).unwrap_or(u32::MAX)
    }
}

/// The shapers need no shared plan: each contender's bucket is built empty (or, for
/// `overflow`, filled by its own offers).
fn prepare(spec: &Spec, _: u64) -> Result<crate::Prepared, String> {
    let contended = match spec.name {
        "steady" | "overflow" => false,
        "mpsc-2-producers" => true,
        other => return Err(format!("no leaky-bucket workload named `{other}`")),
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

/// A bucket of family `F` for workload `spec`, on a fresh [`MonotonicClock`].
fn make<F: LeakyBucketFamily>(spec: &Spec, _: &crate::Plan) -> Box<dyn Subject> {
    let clock = MonotonicClock::new();
    match spec.name {
        "overflow" => Box::new(Overflow::<F::Bucket<u64, MonotonicClock>, _>::new(clock)),
        "mpsc-2-producers" => Box::new(Mpsc::<F::Concurrent<u64, MonotonicClock>>::new(2, clock)),
        _ => Box::new(Steady::<F::Bucket<u64, MonotonicClock>, _>::new(clock)),
    }
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    Some(match name {
        "token-bucket" => make::<kata_peers::leaky_bucket::MeterFamily>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "leaky-bucket-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "leaky-bucket-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "leaky-bucket",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(
            kata_peers::leaky_bucket::PEERS,
            kata_peers::leaky_bucket::verdict,
            peer,
        ),
    })
}
