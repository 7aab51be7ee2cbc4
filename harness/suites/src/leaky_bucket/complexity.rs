//! Stage 5 of `leaky-bucket`: is every operation O(1), however many items wait?
//!
//! At size `n` the bucket holds `n` waiting items, kept full on a manual clock that moves one
//! interval per cycle: the complexity workloads of [`super::workloads`] ([`full_workload`] and
//! [`concurrent_full_workload`]), timed against the reference at 1 Ki to 64 Ki items (see
//! [`crate::measure`] for how). Each cycle polls the item that left, offers one that is accepted
//! and one that is refused, and reads the level and the next departure. A level counted by
//! walking the queue, a poll that shifts a `Vec`, or a refusal that searches for the oldest
//! waiting item costs O(n) per operation.

use kata_core::clock::ManualClock;

use super::workloads::{concurrent_full_workload, full_workload};
use super::LeakyBucketFamily;
use crate::measure::{compare_complexity, report_complexity, Workload, COMPLEXITY_SIZES};
use crate::Ctx;

/// The series of this stage, by name, for [`crate::measure::Count`].
pub const SERIES: &[&str] = &["LeakyBucket", "ConcurrentLeakyBucket"];

/// Series `name` of `F` at size `n`, as a [`Workload`]; `None` for a name not in [`SERIES`].
fn workload<F: LeakyBucketFamily>(name: &str, n: usize) -> Option<Box<dyn Workload>> {
    Some(match name {
        "LeakyBucket" => Box::new(full_workload::<F::Bucket<u64, ManualClock>>(n)),
        "ConcurrentLeakyBucket" => Box::new(concurrent_full_workload::<
            F::Concurrent<u64, ManualClock>,
        >(n)),
        _ => return None,
    })
}

/// Grades this stage on `F`, with `R` as the reference the measurements compare with (through
/// [`super::run`] or [`crate::grade!`]).
pub fn run<F: LeakyBucketFamily, R: LeakyBucketFamily>(ctx: &mut Ctx) {
    let order_seed = ctx.sub_seed(55);
    if let Some(count) = ctx.count.clone() {
        ctx.check(&format!("count {}", count.series), || {
            let mut w =
                workload::<F>(&count.series, count.size).ok_or_else(|| count.unknown(SERIES))?;
            count.run(&mut *w);
            Ok(())
        });
        return;
    }
    for &series in SERIES {
        if !ctx.wants_series(series) {
            continue;
        }
        let mut report = None;
        ctx.check(
            &format!(
                "{series}: kept full of n waiting items, poll, accepted and refused offer, level \
                 and next departure at four sizes"
            ),
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
                    |n| workload::<F>(series, n).expect("a series of SERIES"),
                    |n| workload::<R>(series, n).expect("a series of SERIES"),
                ));
                Ok(())
            },
        );
        if let Some(report) = report {
            report_complexity(ctx, series, &report);
        }
    }
}
