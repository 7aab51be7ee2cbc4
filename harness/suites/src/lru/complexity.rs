//! Stage 5 of `lru`: is every operation O(1)?
//!
//! Four series, each timed against the reference at capacities of 1 Ki to 64 Ki entries (see
//! [`crate::measure`] for how): the three bench workloads of [`super::workloads`] (`read-heavy`,
//! `write-heavy`, `scan`), each [`Prepared`] at the capacity, and
//! [`mixed_workload`], a strict cycle of `get`, evicting `put`, `peek`, `remove` and `put` back,
//! which pins every operation down at a known frequency.

use kata_core::lru::Cache;

use super::workloads::{mixed_workload, Prepared, BENCH};
use super::LruFamily;
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
pub const SERIES: &[&str] = &["read-heavy", "write-heavy", "scan", "mixed"];

/// Grades this stage on `F`, with `R` as the reference the measurements compare with (through
/// [`super::run`] or [`crate::grade!`]).
pub fn run<F: LruFamily, R: LruFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    let order_seed = ctx.sub_seed(55);
    if let Some(count) = ctx.count.clone() {
        ctx.check(&format!("count {}", count.series), || {
            let mut workload: Box<dyn Workload> = match count.series.as_str() {
                "mixed" => Box::new(mixed_workload::<F::Cache<u64, u64>>(count.size, seed)),
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
                "LruCache, {}: {}, at four capacities",
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
            report_complexity(ctx, &format!("LruCache, {}", spec.name), &report);
        }
    }
    if ctx.wants_series("mixed") {
        let mut report = None;
        ctx.check(
            "LruCache, mixed: get, evicting put, peek, remove and put back, at four capacities",
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
            report_complexity(ctx, "LruCache, mixed", &report);
        }
    }
}
