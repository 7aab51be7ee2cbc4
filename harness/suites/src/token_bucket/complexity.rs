//! Stage 5 of `token-bucket`: is every operation O(1), whatever the capacity and rate?
//!
//! At size `n` the bucket holds `n` tokens and refills `n` per 1.024 s
//! ([`super::workloads::COMPLEXITY_PERIOD`]), on a manual clock: the
//! complexity workloads of [`super::workloads`] ([`refill_workload`] and
//! [`atomic_refill_workload`]), timed against the reference at 1 Ki to 64 Ki tokens (see
//! [`crate::measure`] for how). An implementation that refills or computes waits one token at a
//! time costs O(n) per operation.

use kata_core::clock::ManualClock;

use super::workloads::{atomic_refill_workload, refill_workload};
use super::TokenBucketFamily;
use crate::measure::{compare_complexity, report_complexity, Workload, COMPLEXITY_SIZES};
use crate::Ctx;

/// The series of this stage, by name, for [`crate::measure::Count`].
pub const SERIES: &[&str] = &["TokenBucket", "AtomicTokenBucket"];

/// Grades this stage on `F`, with `R` as the reference the measurements compare with (through
/// [`super::run`] or [`crate::grade!`]).
pub fn run<F: TokenBucketFamily, R: TokenBucketFamily>(ctx: &mut Ctx) {
    let order_seed = ctx.sub_seed(55);
    if let Some(count) = ctx.count.clone() {
        ctx.check(&format!("count {}", count.series), || {
            let mut workload: Box<dyn Workload> = match count.series.as_str() {
                "TokenBucket" => Box::new(refill_workload::<F::Bucket<ManualClock>>(count.size)),
                "AtomicTokenBucket" => {
                    Box::new(atomic_refill_workload::<F::Atomic<ManualClock>>(count.size))
                }
                _ => return Err(count.unknown(SERIES)),
            };
            count.run(&mut *workload);
            Ok(())
        });
        return;
    }
    if ctx.wants_series("TokenBucket") {
        let mut report = None;
        ctx.check(
            "TokenBucket: refill, refusal and read at four sizes",
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
                    |n| Box::new(refill_workload::<F::Bucket<ManualClock>>(n)) as Box<dyn Workload>,
                    |n| Box::new(refill_workload::<R::Bucket<ManualClock>>(n)) as Box<dyn Workload>,
                ));
                Ok(())
            },
        );
        if let Some(report) = report.take() {
            report_complexity(ctx, "TokenBucket", &report);
        }
    }
    if ctx.wants_series("AtomicTokenBucket") {
        let mut report = None;
        ctx.check(
            "AtomicTokenBucket: refill, refusal and read at four sizes",
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
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
}
