//! Stage 5 of `lfu`: is every operation O(1)?
//!
//! Six series, each timed against the reference at capacities of 1 Ki to 64 Ki entries (see
//! [`crate::measure`] for how). Five of the exact `LfuCache`: the three bench workloads of
//! [`super::workloads`] (`read-heavy`, `write-heavy`, `hot-set`), each [`Prepared`] at the
//! capacity, and [`mixed_workload`], a strict cycle of `get`, evicting `put`, `peek`, `remove`,
//! `put` back and `frequency`, which pins every operation down at a known frequency. An eviction
//! that searches the entries for the lowest count, or a `remove` that scans a bucket's list,
//! grows with the capacity and fails. A fifth, [`many_counts_workload`], puts and removes one key
//! among entries of `n / 16` distinct counts: a `remove` that searches the counts in use for the
//! new lowest one fails there (a learner's natural fix of the `min_freq` design, found by trying
//! the kata as a learner). And one of the `ForgetfulLfuCache`,
//! [`forgetful_workload`]: a cycle of `get` (and `put` on a miss), `put` of a new key into the
//! full cache, `peek`, `remove` and `put` back, over the `read-heavy` trace's keys, timed against
//! the reference's forgetting cache (whichever design each is: only the slope counts). A victim
//! searched for among the entries fails there. An aging pass over every entry is not seen: the
//! stage keeps each side's fastest batch, and a pass rarer than a batch (every few capacities'
//! worth of operations) is left out of some; spacing the passes in proportion to the capacity is
//! what keeps them amortised O(1), and that is advice this stage cannot check.
//!
//! The sharded cache is not timed here: its shards are exact LFU caches, and what it trades
//! (exactness for parallelism) is measured by the quality stage.

use kata_core::lfu::Cache;

use super::workloads::{
    forgetful_workload, many_counts_workload, mixed_workload, Prepared, BENCH,
};
use super::LfuFamily;
use crate::measure::{compare_complexity, report_complexity, Workload, COMPLEXITY_SIZES};
use crate::Ctx;

/// The bench workload `name` at capacity `n`, as a [`Workload`].
fn prepared<'a, C: Cache<u64, u64> + 'a>(
    name: &str,
    n: usize,
    seed: u64,
) -> Box<dyn Workload + 'a> {
    let mut p = Prepared::<C>::new(name, n, seed).unwrap_or_else(|e| panic!("{e}"));
    Box::new(move |_| p.step())
}

/// The series of this stage, by name, for [`crate::measure::Count`].
pub const SERIES: &[&str] = &[
    "read-heavy",
    "write-heavy",
    "hot-set",
    "mixed",
    "many-counts",
    "forgetful",
];

/// Grades this stage on `F`, with `R` as the reference the measurements compare with (through
/// [`super::run`] or [`crate::grade!`]).
pub fn run<F: LfuFamily, R: LfuFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    let order_seed = ctx.sub_seed(55);
    if let Some(count) = ctx.count.clone() {
        ctx.check(&format!("count {}", count.series), || {
            let mut workload: Box<dyn Workload> = match count.series.as_str() {
                "mixed" => Box::new(mixed_workload::<F::Cache<u64, u64>>(count.size, seed)),
                "many-counts" => Box::new(many_counts_workload::<F::Cache<u64, u64>>(
                    count.size, seed,
                )),
                "forgetful" => Box::new(forgetful_workload::<F::Forgetful<u64, u64>>(
                    count.size, seed,
                )),
                name if SERIES.contains(&name) => {
                    prepared::<F::Cache<u64, u64>>(name, count.size, seed)
                }
                _ => return Err(count.unknown(SERIES)),
            };
            count.run(&mut *workload);
            Ok(())
        });
        return;
    }
    for spec in BENCH {
        if !ctx.wants_series(spec.name) {
            continue;
        }
        let mut report = None;
        ctx.check(
            &format!(
                "LfuCache, {}: {}, at four capacities",
                spec.name, spec.summary
            ),
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
                    |n| prepared::<F::Cache<u64, u64>>(spec.name, n, seed),
                    |n| prepared::<R::Cache<u64, u64>>(spec.name, n, seed),
                ));
                Ok(())
            },
        );
        if let Some(report) = report {
            report_complexity(ctx, &format!("LfuCache, {}", spec.name), &report);
        }
    }
    if ctx.wants_series("mixed") {
        let mut report = None;
        ctx.check(
            "LfuCache, mixed: get, evicting put, peek, remove, put back and frequency, at four \
             capacities",
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
                    |n| Box::new(mixed_workload::<F::Cache<u64, u64>>(n, seed)) as Box<dyn Workload>,
                    |n| Box::new(mixed_workload::<R::Cache<u64, u64>>(n, seed)) as Box<dyn Workload>,
                ));
                Ok(())
            },
        );
        if let Some(report) = report {
            report_complexity(ctx, "LfuCache, mixed", &report);
        }
    }
    if ctx.wants_series("many-counts") {
        let mut report = None;
        ctx.check(
            "LfuCache, many-counts: put a new key and remove it, among n/16 distinct counts, at four \
             capacities",
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
                    |n| {
                        Box::new(many_counts_workload::<F::Cache<u64, u64>>(n, seed))
                            as Box<dyn Workload>
                    },
                    |n| {
                        Box::new(many_counts_workload::<R::Cache<u64, u64>>(n, seed))
                            as Box<dyn Workload>
                    },
                ));
                Ok(())
            },
        );
        if let Some(report) = report {
            report_complexity(ctx, "LfuCache, many-counts", &report);
        }
    }
    if ctx.wants_series("forgetful") {
        let mut report = None;
        ctx.check(
            "ForgetfulLfuCache, forgetful: get (put on a miss), put of a new key, peek, remove and put \
             back, at four capacities",
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
                    |n| {
                        Box::new(forgetful_workload::<F::Forgetful<u64, u64>>(n, seed))
                            as Box<dyn Workload>
                    },
                    |n| {
                        Box::new(forgetful_workload::<R::Forgetful<u64, u64>>(n, seed))
                            as Box<dyn Workload>
                    },
                ));
                Ok(())
            },
        );
        if let Some(report) = report {
            report_complexity(ctx, "ForgetfulLfuCache, forgetful", &report);
        }
    }
}
