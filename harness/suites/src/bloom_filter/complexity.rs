//! Stage 5 of `bloom-filter`: is every operation O(k), whatever the number of items?
//!
//! Four series, each timed against the reference at [`SIZES`] (16 Ki to 1 Mi items, four times
//! apart; see [`crate::measure`] for how), on the workloads of [`super::workloads`], the filter
//! sized for the size at 1 %:
//!
//! - **`insert`**: the standard filter filled from empty, again and again ([`Insert`]);
//! - **`contains`**: the standard filter holding its items, half the lookups present and half
//!   absent ([`Contains`]);
//! - **`blocked-contains`**: the same on the blocked filter;
//! - **`atomic-insert`**: [`Insert`] on the atomic filter, from one thread.
//!
//! `k` is fixed by the rate (7 at 1 %), so an operation's cost must not grow with `n`; the ratio
//! to the reference cancels what the caches add as the filter outgrows them (19 KB at 16 Ki
//! items, 1.2 MB at 1 Mi). A filter that recounts its bits by scanning every word after each
//! insert, or checks it is not empty by counting its bits before each lookup, costs O(m) = O(n)
//! per operation: a ratio that grows 64-fold over the sizes.

use std::time::Duration;

use super::workloads::{Bloom, Contains, Insert, Plan, Shared, Single};
use super::BloomFilterFamily;
use crate::measure::{compare_complexity, report_complexity, thread_time, Workload};
use crate::Ctx;

/// The series of this stage, by name, for [`crate::measure::Count`].
pub const SERIES: &[&str] = &["insert", "contains", "blocked-contains", "atomic-insert"];

/// The sizes (items) the stage measures at: four, each four times the last.
pub const SIZES: [usize; 4] = [1 << 14, 1 << 16, 1 << 18, 1 << 20];

/// Series `name` of `F` at `n` items, keys from `seed`, as a [`Workload`]; `None` for a name not
/// in [`SERIES`].
fn workload<F: BloomFilterFamily>(name: &str, n: usize, seed: u64) -> Option<Box<dyn Workload>> {
    let plan = Plan::with_items(n as u64, seed);
    Some(match name {
        "insert" => {
            let mut w = Insert::<Single<F::Standard>>::new(&plan);
            Box::new(move |_| w.step())
        }
        "contains" => {
            let mut w = Contains::<Single<F::Standard>>::new(&plan);
            Box::new(move |_| w.step())
        }
        "blocked-contains" => {
            let mut w = Contains::<Single<F::Blocked>>::new(&plan);
            Box::new(move |_| w.step())
        }
        "atomic-insert" => {
            let mut w = Insert::<Shared<F::Atomic>>::new(&plan);
            Box::new(move |_| w.step())
        }
        _ => return None,
    })
}

/// The most CPU time filling the learner's filter for a lookup series may be projected to take at
/// the largest size: a filter with O(k) inserts fills 1 Mi items in tens of milliseconds.
pub const FILL_BUDGET: Duration = Duration::from_secs(20);

/// Inserts timed to project the cost of filling a filter.
const FILL_SAMPLE: u64 = 1_000;

/// Refuses a lookup series whose filter, filled with `items` items by inserts at the pace of the
/// first [`FILL_SAMPLE`], would take longer than [`FILL_BUDGET`] to prepare: an insert far from
/// O(k), which the insert series has measured.
fn fillable<B: Bloom>(name: &str, items: u64) -> Result<(), String> {
    let plan = Plan::with_items(items, 0);
    let mut filter = B::build(items);
    let start = thread_time();
    for j in 0..FILL_SAMPLE {
        filter.put(plan.key(j));
    }
    let per = (thread_time() - start).as_secs_f64() / FILL_SAMPLE as f64;
    let projected = per * items as f64;
    if projected <= FILL_BUDGET.as_secs_f64() {
        return Ok(());
    }
    Err(format!(
        "not measured: {name}'s filter must hold {items} items, and an insert into it takes \
         {:.1} µs (timed over {FILL_SAMPLE}), so filling it would take {projected:.0} s. An \
         insert must cost O(k) whatever m: the insert series above says how its cost grows",
        per * 1e6
    ))
}

/// Series `series` as the table names it, and what it does, for its check's name.
fn describe(series: &str) -> (&'static str, &'static str) {
    match series {
        "insert" => (
            "BloomFilter, insert",
            "filled from empty to n items, again and again",
        ),
        "contains" => (
            "BloomFilter, contains",
            "n items held, half the lookups present",
        ),
        "blocked-contains" => (
            "BlockedBloomFilter, contains",
            "n items held, half the lookups present",
        ),
        _ => (
            "AtomicBloomFilter, insert",
            "one thread, filled from empty to n items, again and again",
        ),
    }
}

/// Grades this stage on `F`, with `R` as the reference the measurements compare with (through
/// [`super::run`] or [`crate::grade!`]).
pub fn run<F: BloomFilterFamily, R: BloomFilterFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    let order_seed = ctx.sub_seed(55);
    if let Some(count) = ctx.count.clone() {
        ctx.check(&format!("count {}", count.series), || {
            let mut w = workload::<F>(&count.series, count.size, seed)
                .ok_or_else(|| count.unknown(SERIES))?;
            count.run(&mut *w);
            Ok(())
        });
        return;
    }
    for &series in SERIES {
        if !ctx.wants_series(series) {
            continue;
        }
        let (label, what) = describe(series);
        let mut report = None;
        ctx.check(
            &format!("{label}: {what}, at 16 Ki to 1 Mi items (1 %)"),
            || {
                let largest = SIZES[SIZES.len() - 1] as u64;
                match series {
                    "contains" => fillable::<Single<F::Standard>>("BloomFilter", largest)?,
                    "blocked-contains" => {
                        fillable::<Single<F::Blocked>>("BlockedBloomFilter", largest)?;
                    }
                    _ => {}
                }
                report = Some(compare_complexity(
                    &SIZES,
                    order_seed,
                    |n| workload::<F>(series, n, seed).expect("a series of SERIES"),
                    |n| workload::<R>(series, n, seed).expect("a series of SERIES"),
                ));
                Ok(())
            },
        );
        if let Some(report) = report {
            report_complexity(ctx, label, &report);
        }
    }
}
