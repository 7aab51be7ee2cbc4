//! Stage 5 of `token-bucket`: is every operation O(1), whatever the capacity and rate?
//!
//! At size `n` the bucket holds `n` tokens and refills `n` per second. The workload repeats three
//! operations: one second passes and `n` tokens are taken (a full refill), `n` more are asked for
//! (a refusal that must compute its retry time), and `available()` is read. An implementation
//! that refills or computes waits one token at a time costs O(n) per operation.

use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::token_bucket::{ConcurrentRateLimiter, Rate, RateLimiter};

use super::TokenBucketFamily;
use crate::measure::{compare_complexity, report_complexity, Workload, COMPLEXITY_SIZES};
use crate::Ctx;

/// The complexity workload for a single-threaded bucket of size `n`.
pub fn refill_workload<B: RateLimiter<ManualClock>>(n: usize) -> impl FnMut(u64) {
    let clock = ManualClock::new();
    let n = n as u64;
    let mut b = B::new(n, Rate::per_second(n), clock.clone()).expect("valid config");
    move |i| match i % 3 {
        0 => {
            clock.advance(Duration::from_secs(1));
            let _ = std::hint::black_box(b.try_acquire(n));
        }
        1 => {
            let _ = std::hint::black_box(b.try_acquire(n));
        }
        _ => {
            std::hint::black_box(b.available());
        }
    }
}

/// The same workload for a thread-safe bucket.
pub fn atomic_refill_workload<B: ConcurrentRateLimiter<ManualClock>>(n: usize) -> impl FnMut(u64) {
    let clock = ManualClock::new();
    let n = n as u64;
    let b = B::new(n, Rate::per_second(n), clock.clone()).expect("valid config");
    move |i| match i % 3 {
        0 => {
            clock.advance(Duration::from_secs(1));
            let _ = std::hint::black_box(b.try_acquire(n));
        }
        1 => {
            let _ = std::hint::black_box(b.try_acquire(n));
        }
        _ => {
            std::hint::black_box(b.available());
        }
    }
}

pub(super) fn run<F: TokenBucketFamily, R: TokenBucketFamily>(ctx: &mut Ctx) {
    let mut report = None;
    ctx.check(
        "TokenBucket: refill, refusal and read at four sizes",
        || {
            report = Some(compare_complexity(
                &COMPLEXITY_SIZES,
                |n| Box::new(refill_workload::<F::Bucket<ManualClock>>(n)) as Box<dyn Workload>,
                |n| Box::new(refill_workload::<R::Bucket<ManualClock>>(n)) as Box<dyn Workload>,
            ));
            Ok(())
        },
    );
    if let Some(report) = report.take() {
        report_complexity(ctx, "TokenBucket", &report);
    }
    ctx.check(
        "AtomicTokenBucket: refill, refusal and read at four sizes",
        || {
            report = Some(compare_complexity(
                &COMPLEXITY_SIZES,
                |n| {
                    Box::new(atomic_refill_workload::<F::Atomic<ManualClock>>(n))
                        as Box<dyn Workload>
                },
                |n| {
                    Box::new(atomic_refill_workload::<R::Atomic<ManualClock>>(n))
                        as Box<dyn Workload>
                },
            ));
            Ok(())
        },
    );
    if let Some(report) = report {
        report_complexity(ctx, "AtomicTokenBucket", &report);
    }
}
