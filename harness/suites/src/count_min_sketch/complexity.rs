//! Stage 5 of `count-min-sketch`: is every add O(depth), whatever the number of distinct items?
//!
//! Four series, each timed against the reference at four sizes, four times apart (see
//! [`crate::measure`] for how), on the workloads of [`super::workloads`]. The sketch's shape is
//! fixed (ε = 0.001, δ = 0.01: 2 719 × 5 counters); only the number of distinct items grows.
//!
//! - **`add`**, **`conservative-add`**: the sketches' `add` on Zipf(1.2) keys over 16 Ki to
//!   1 Mi distinct items. A sketch is a fixed array: nothing in an add may grow with the items.
//! - **`top-k`**: `TopK<u32, ConservativeCountMinSketch>`, k = 100, over 1 Ki to 64 Ki distinct
//!   items, first given every item once. A tracker that keeps every item it has seen as a
//!   candidate, or finds the lightest candidate by scanning more than k of them, grows with the
//!   items; a heap of k candidates with a map from item to place costs O(depth + log k).
//! - **`space-saving`**: `SpaceSaving<u32>` with 1 Ki to 64 Ki counters, full, on Zipf(0.8) keys
//!   over four times as many items: most adds replace the item with the smallest count. Finding
//!   it by scanning the counters costs O(counters); an indexed min-heap O(log counters).
//!
//! The smaller sizes of the last two keep the untimed preparation of a tracker that scans short
//! enough: it is given every item once before it is timed, which costs such a tracker
//! O(items²).

use kata_core::count_min_sketch::{SpaceSavingTracker, TopKTracker};

use super::workloads::{sized, Adds, Plan, Tracked, SKETCH_SIZES, TOP_K, ZIPF_S};
use super::CountMinSketchFamily;
use crate::measure::{compare_complexity, report_complexity, Workload, COMPLEXITY_SIZES};
use crate::Ctx;

/// The series of this stage, by name, for [`crate::measure::Count`].
pub const SERIES: &[&str] = &["add", "conservative-add", "top-k", "space-saving"];

/// The `add` or `conservative-add` series of family `F` on `plan`.
fn adds<'a, F: CountMinSketchFamily>(plan: &Plan, conservative: bool) -> Box<dyn Workload + 'a> {
    if conservative {
        let mut w = Adds::<F::Conservative>::on(plan);
        Box::new(move |_| w.step())
    } else {
        let mut w = Adds::<F::Plain>::on(plan);
        Box::new(move |_| w.step())
    }
}

/// The `top-k` series of family `F` on `plan`: the tracker first given every item once.
fn top_k<'a, F: CountMinSketchFamily>(plan: &Plan) -> Box<dyn Workload + 'a> {
    let tracker = F::TopK::<u32, F::Conservative>::new(TOP_K, sized())
        .expect("TopK::new(100, sketch) is a valid configuration");
    let mut w = Tracked::filled(plan, tracker, plan.distinct());
    Box::new(move |_| w.step())
}

/// The `space-saving` series of family `F` with `counters` counters on `plan`: first given
/// `counters` items, so that it is full.
fn space_saving<'a, F: CountMinSketchFamily>(
    plan: &Plan,
    counters: usize,
) -> Box<dyn Workload + 'a> {
    let tracker = F::SpaceSaving::<u32>::new(TOP_K.min(counters), counters)
        .expect("SpaceSaving::new(100, counters) is a valid configuration");
    let mut w = Tracked::filled(plan, tracker, counters);
    Box::new(move |_| w.step())
}

/// The plan of `series` at `size`.
fn plan(series: &str, size: usize, seed: u64) -> Plan {
    let plan = if series == "space-saving" {
        Plan::space_saving(size, seed)
    } else {
        Plan::zipf(size, ZIPF_S, seed)
    };
    plan.unwrap_or_else(|e| panic!("{e}"))
}

/// The workload of `series` for family `F` on `plan`, at `size`.
fn workload<'a, F: CountMinSketchFamily>(
    series: &str,
    plan: &Plan,
    size: usize,
) -> Box<dyn Workload + 'a> {
    match series {
        "add" => adds::<F>(plan, false),
        "conservative-add" => adds::<F>(plan, true),
        "top-k" => top_k::<F>(plan),
        _ => space_saving::<F>(plan, size),
    }
}

/// What each series is, for its check's name.
fn describe(series: &str) -> &'static str {
    match series {
        "add" => "CountMinSketch::add, Zipf(1.2) over 16 Ki to 1 Mi items",
        "conservative-add" => "ConservativeCountMinSketch::add, Zipf(1.2) over 16 Ki to 1 Mi items",
        "top-k" => {
            "TopK<u32, ConservativeCountMinSketch>::add, k = 100, Zipf(1.2) over 1 Ki to 64 Ki \
             items, each seen before"
        }
        _ => "SpaceSaving::add, 1 Ki to 64 Ki counters (full), Zipf(0.8) over 4x as many items",
    }
}

/// Grades this stage on `F`, with `R` as the reference the measurements compare with (through
/// [`super::run`] or [`crate::grade!`]).
pub fn run<F: CountMinSketchFamily, R: CountMinSketchFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    let order_seed = ctx.sub_seed(55);
    if let Some(count) = ctx.count.clone() {
        ctx.check(&format!("count {}", count.series), || {
            if !SERIES.contains(&count.series.as_str()) {
                return Err(count.unknown(SERIES));
            }
            let plan = plan(&count.series, count.size, seed);
            let mut w = workload::<F>(&count.series, &plan, count.size);
            count.run(&mut *w);
            Ok(())
        });
        return;
    }
    for &series in SERIES {
        if !ctx.wants_series(series) {
            continue;
        }
        let sizes: &[usize] = if series.ends_with("add") {
            &SKETCH_SIZES
        } else {
            &COMPLEXITY_SIZES
        };
        let what = format!("{series}: {}", describe(series));
        let mut report = None;
        ctx.check(&format!("{what}, at four sizes"), || {
            // One plan per size, shared by both sides.
            let plans: Vec<Plan> = sizes.iter().map(|&n| plan(series, n, seed)).collect();
            let at = |n: usize| {
                let i = sizes
                    .iter()
                    .position(|&s| s == n)
                    .expect("a size of the series");
                &plans[i]
            };
            report = Some(compare_complexity(
                sizes,
                order_seed,
                |n| workload::<F>(series, at(n), n),
                |n| workload::<R>(series, at(n), n),
            ));
            Ok(())
        });
        if let Some(report) = report {
            report_complexity(ctx, series, &report);
        }
    }
}
