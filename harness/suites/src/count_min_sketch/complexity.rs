//! Stage 5 of `count-min-sketch`: is every add O(depth), whatever the number of distinct items?
//!
//! Five series, each timed against the reference at four sizes, four times apart (see
//! [`crate::measure`] for how), on the workloads of [`super::workloads`]. The sketch's shape is
//! fixed (ε = 0.001, δ = 0.01: 2 719 × 5 counters); only the number of distinct items grows.
//!
//! - **`add`**, **`conservative-add`**: the sketches' `add` on Zipf(1.2) keys over 16 Ki to
//!   1 Mi distinct items. A sketch is a fixed array: nothing in an add may grow with the items.
//! - **`top-k`**: `TopK<u32, ConservativeCountMinSketch>::add` over 1 Ki to 64 Ki distinct items,
//!   first given every item once, with `k` growing with them: `k` = items / 2, 512 to 32 768. A
//!   tracker that scans its candidates (to find the item among them, or the lightest) costs O(k)
//!   per add and grows; a heap of the `k` candidates with a map from item to place, or an
//!   ordered set with a map, costs O(depth + log k), which timing cannot tell from flat.
//! - **`top-k-dashboard`**: the same tracker with `k` = 100 over the same items, one operation
//!   being 16 adds and then a `top_k()`, as a dashboard refreshing often would ask. Sorting the
//!   `k` candidates costs the same at every size; a tracker that keeps every item it has seen,
//!   and sorts them all for `top_k`, grows with the items.
//! - **`space-saving`**: `SpaceSaving<u32>` with 1 Ki to 64 Ki counters, full, on Zipf(0.8) keys
//!   over four times as many items: most adds replace the item with the smallest count. Finding
//!   it by scanning the counters costs O(counters); an indexed min-heap O(log counters).
//!
//! The smaller sizes of the tracker series keep the untimed preparation of a tracker that scans
//! short enough: it is given every item once before it is timed, which costs such a tracker
//! O(items × k).

use kata_core::count_min_sketch::{SpaceSavingTracker, TopKTracker};

use super::workloads::{
    growing_k, sized, Adds, Dashboard, Plan, Tracked, READ_EVERY, SKETCH_SIZES, TOP_K, ZIPF_S,
};
use super::CountMinSketchFamily;
use crate::measure::{
    compare_complexity, report_complexity, ComplexityReport, Workload, COMPLEXITY_SIZES,
    MAX_RELATIVE_SLOPE,
};
use crate::Ctx;

/// The series of this stage, by name, for [`crate::measure::Count`].
pub const SERIES: &[&str] = &[
    "add",
    "conservative-add",
    "top-k",
    "top-k-dashboard",
    "space-saving",
];

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

/// A `TopK<u32, Conservative>` of family `F` tracking the top `k` on `plan`, first given every
/// item once.
fn tracked_top<F: CountMinSketchFamily>(
    plan: &Plan,
    k: usize,
) -> Tracked<F::TopK<u32, F::Conservative>> {
    let tracker = F::TopK::<u32, F::Conservative>::new(k, sized())
        .unwrap_or_else(|e| panic!("TopK::new({k}, sketch) is a valid configuration: {e}"));
    Tracked::filled(plan, tracker, plan.distinct())
}

/// The `top-k` series of family `F` on `plan`: `k` grows with the items.
fn top_k<'a, F: CountMinSketchFamily>(plan: &Plan) -> Box<dyn Workload + 'a> {
    let mut w = tracked_top::<F>(plan, growing_k(plan.distinct()));
    Box::new(move |_| w.step())
}

/// The `top-k-dashboard` series of family `F` on `plan`: `k` = 100, `top_k()` read every
/// [`READ_EVERY`] adds.
fn dashboard<'a, F: CountMinSketchFamily>(plan: &Plan) -> Box<dyn Workload + 'a> {
    let mut w = Dashboard::new(tracked_top::<F>(plan, TOP_K));
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
        "top-k-dashboard" => dashboard::<F>(plan),
        _ => space_saving::<F>(plan, size),
    }
}

/// What each series is, for its check's name.
fn describe(series: &str) -> String {
    match series {
        "add" => "CountMinSketch::add, Zipf(1.2) over 16 Ki to 1 Mi items".to_owned(),
        "conservative-add" => {
            "ConservativeCountMinSketch::add, Zipf(1.2) over 16 Ki to 1 Mi items".to_owned()
        }
        "top-k" => format!(
            "TopK<u32, ConservativeCountMinSketch>::add, Zipf(1.2) over 1 Ki to 64 Ki items, each \
             seen before, k = items / {} ({} to {})",
            super::workloads::KEYS_PER_CANDIDATE,
            growing_k(COMPLEXITY_SIZES[0]),
            group(growing_k(COMPLEXITY_SIZES[3]))
        ),
        "top-k-dashboard" => format!(
            "TopK<u32, ConservativeCountMinSketch>, k = {TOP_K}, Zipf(1.2) over 1 Ki to 64 Ki \
             items, each seen before; one operation is {READ_EVERY} adds and a top_k()"
        ),
        _ => "SpaceSaving::add, 1 Ki to 64 Ki counters (full), Zipf(0.8) over 4x as many items"
            .to_owned(),
    }
}

/// The likely cause of a slope that grows in `series`, for the learner.
fn likely_cause(series: &str) -> &'static str {
    match series {
        "add" | "conservative-add" => {
            "the sketch's add does something that grows with the distinct items: a sketch \
             touches one counter per row and nothing else (no map or set of the items seen)"
        }
        "top-k" => {
            "TopK scans its candidates on an add (to find the item among them, or the lightest \
             one): O(k) per add, and k grows with the size here; or it keeps every item seen. \
             A min-heap of the k candidates with a map from item to its place (or an ordered \
             set with a map) costs O(log k)"
        }
        "top-k-dashboard" => {
            "top_k() handles more than the k candidates: the tracker keeps every item seen, and \
             sorts them all for each top_k(), or an add scans them. Keep at most k candidates; \
             top_k() then sorts k items"
        }
        _ => {
            "SpaceSaving finds the smallest count by scanning all counters: O(counters) per \
             add of an item it does not monitor. An indexed min-heap on the counts finds it in \
             O(log counters)"
        }
    }
}

/// `n` with a space between groups of three digits.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Whether `report`'s slope fails the stage.
fn fails(report: &ComplexityReport) -> bool {
    report.gave_up.is_some()
        || report.relative_slope.is_nan()
        || report.relative_slope >= MAX_RELATIVE_SLOPE
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
            if fails(&report) {
                ctx.note(format!(
                    "{series}: the cost grows with the size. The likely cause: {}.",
                    likely_cause(series)
                ));
            }
        }
    }
}
