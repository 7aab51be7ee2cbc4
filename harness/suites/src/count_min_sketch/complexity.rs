//! Stage 5 of `count-min-sketch`: is every add O(depth), and every tracker's add O(log k),
//! whatever the number of distinct items? Counted in instructions under callgrind
//! ([`crate::measure::counted`]).
//!
//! Five series, each counted at four sizes, four times apart, on the workloads of
//! [`super::workloads`], each replaying a Zipf trace of [`TRACE`] keys (the operations and
//! their warm-up, and no more: no key is asked again by cycling). The sketch's shape is fixed
//! (ε = 0.001, δ = 0.01: 2 719 × 5 counters); only the number of distinct items grows.
//!
//! - **`add`**, **`conservative-add`**: the sketches' `add` on Zipf(1.2) keys over [`ITEMS`]
//!   distinct items. A sketch is a fixed array: nothing in an add may grow with the items.
//!   Expected O(1).
//! - **`top-k`**: `TopK<u32, ConservativeCountMinSketch>::add` over [`TRACKED`] distinct items,
//!   first given every item once, with `k` growing with them: `k` = items / 2
//!   ([`growing_k`]). Expected **O(log n)**: the README's min-heap of the `k` candidates with a
//!   map from item to place, and an ordered set (`BTreeSet`) with a map, cost O(depth + log k).
//!   A tracker that scans its candidates (to find the item among them, or the lightest) costs
//!   O(k) per add, fitted O(n).
//! - **`top-k-dashboard`**: the same tracker with `k` = 100 over [`DASHBOARD`] distinct items,
//!   one operation being [`READ_EVERY`] adds and then a `top_k()`, as a dashboard refreshing
//!   often would ask. Expected O(1): sorting the `k` candidates costs the same at every size; a
//!   tracker that keeps every item it has seen, and sorts them all for `top_k`, grows as
//!   O(n log n).
//! - **`space-saving`**: `SpaceSaving<u32>` with [`COUNTERS`] counters, full, on Zipf(0.8) keys
//!   over four times as many items: most adds replace the item with the smallest count.
//!   Expected **O(log n)**: an indexed min-heap (or an ordered set) finds it in O(log counters);
//!   scanning the counters for it costs O(counters), fitted O(n).
//!
//! The tracker series are small because their preparation happens under callgrind too
//! (uncounted): every item is given once to a `top-k` tracker before it is counted, which costs
//! one that scans O(items × k), and a `top-k-dashboard` tracker that keeps every item sorts them
//! all at each operation. Without valgrind the stage times each series against the reference
//! instead (see [`counted`]).

use kata_core::count_min_sketch::{SpaceSavingTracker, TopKTracker};

use super::workloads::{
    growing_k, sized, Adds, Dashboard, Plan, Tracked, READ_EVERY, TOP_K, ZIPF_S,
};
use super::CountMinSketchFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The distinct items of the `add` and `conservative-add` series: four, four times apart.
pub const ITEMS: &[usize] = &[1 << 10, 1 << 12, 1 << 14, 1 << 16];

/// The distinct items of the `top-k` series (`k` is half of them): four, four times apart.
pub const TRACKED: &[usize] = &[1 << 6, 1 << 8, 1 << 10, 1 << 12];

/// The distinct items of the `top-k-dashboard` series: four, four times apart.
pub const DASHBOARD: &[usize] = &[1 << 7, 1 << 9, 1 << 11, 1 << 13];

/// The counters of the `space-saving` series: four, four times apart.
pub const COUNTERS: &[usize] = &[1 << 8, 1 << 10, 1 << 12, 1 << 14];

/// Adds counted per size in the `add` and `conservative-add` series.
pub const ADD_OPS: u64 = 4_096;

/// Adds counted per size in the `top-k` series.
pub const TOP_K_OPS: u64 = 1_024;

/// Adds counted per size in the `space-saving` series.
pub const SPACE_SAVING_OPS: u64 = 2_048;

/// Operations (each [`READ_EVERY`] adds and a `top_k()`) counted per size in the
/// `top-k-dashboard` series.
pub const DASHBOARD_OPS: u64 = 32;

/// Keys in a series' trace: enough for its operations and their warm-up (a quarter as many),
/// so that the counted operations never replay a key by cycling.
pub const TRACE: usize = 1 << 13;

/// The keys a series of `ops` operations of `keys_per_op` keys each reads, warm-up included.
const fn keys_read(ops: u64, keys_per_op: u64) -> u64 {
    (ops + ops / 4) * keys_per_op
}

const _: () = {
    assert!(keys_read(ADD_OPS, 1) <= TRACE as u64);
    assert!(keys_read(TOP_K_OPS, 1) <= TRACE as u64);
    assert!(keys_read(SPACE_SAVING_OPS, 1) <= TRACE as u64);
    assert!(keys_read(DASHBOARD_OPS, READ_EVERY as u64) <= TRACE as u64);
};

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "add",
        title: "CountMinSketch (2 719 x 5), add(key, 1), Zipf(1.2) keys",
        variable: "distinct items",
        sizes: ITEMS,
        ops: ADD_OPS,
        expected: Class::Constant,
    },
    Series {
        name: "conservative-add",
        title: "ConservativeCountMinSketch (2 719 x 5), add(key, 1), Zipf(1.2) keys",
        variable: "distinct items",
        sizes: ITEMS,
        ops: ADD_OPS,
        expected: Class::Constant,
    },
    Series {
        name: "top-k",
        title: "TopK<u32, ConservativeCountMinSketch>, k = items / 2, add(key, 1), Zipf(1.2) \
                keys, each seen before",
        variable: "distinct items",
        sizes: TRACKED,
        ops: TOP_K_OPS,
        expected: Class::Log,
    },
    Series {
        name: "top-k-dashboard",
        title: "TopK<u32, ConservativeCountMinSketch>, k = 100, 16 adds then top_k(), Zipf(1.2) \
                keys, each seen before",
        variable: "distinct items",
        sizes: DASHBOARD,
        ops: DASHBOARD_OPS,
        expected: Class::Constant,
    },
    Series {
        name: "space-saving",
        title: "SpaceSaving<u32> (full), add(key, 1), Zipf(0.8) keys over 4x as many items",
        variable: "counters",
        sizes: COUNTERS,
        ops: SPACE_SAVING_OPS,
        expected: Class::Log,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &[
    "add",
    "conservative-add",
    "top-k",
    "top-k-dashboard",
    "space-saving",
];

/// Series `name` of `F` at `size` (distinct items, or counters for `space-saving`), its trace
/// drawn from `seed`, as a [`Workload`]; `None` for a name not in [`SERIES`].
///
/// # Panics
///
/// When the implementation refuses the sketch's sizing or the tracker's configuration.
pub fn workload<'a, F: CountMinSketchFamily>(
    name: &str,
    size: usize,
    seed: u64,
) -> Option<Box<dyn Workload + 'a>> {
    let zipf = || Plan::zipf_of(size, ZIPF_S, TRACE, seed).unwrap_or_else(|e| panic!("{e}"));
    Some(match name {
        "add" => {
            let mut w = Adds::<F::Plain>::on(&zipf());
            Box::new(move |_| w.step())
        }
        "conservative-add" => {
            let mut w = Adds::<F::Conservative>::on(&zipf());
            Box::new(move |_| w.step())
        }
        "top-k" => {
            let mut w = tracked_top::<F>(&zipf(), growing_k(size));
            Box::new(move |_| w.step())
        }
        "top-k-dashboard" => {
            let mut w = Dashboard::new(tracked_top::<F>(&zipf(), TOP_K));
            Box::new(move |_| w.step())
        }
        "space-saving" => {
            let plan = Plan::space_saving(size, TRACE, seed).unwrap_or_else(|e| panic!("{e}"));
            let tracker = F::SpaceSaving::<u32>::new(TOP_K.min(size), size)
                .expect("SpaceSaving::new(100, counters) is a valid configuration");
            let mut w = Tracked::filled(&plan, tracker, size);
            Box::new(move |_| w.step())
        }
        _ => return None,
    })
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

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: CountMinSketchFamily, R: CountMinSketchFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    counted::stage(
        ctx,
        COUNTED,
        |name, n| workload::<F>(name, n, seed),
        |name, n| workload::<R>(name, n, seed),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_series_are_the_counted_ones_in_order() {
        let names: Vec<&str> = COUNTED.iter().map(|s| s.name).collect();
        assert_eq!(names, SERIES);
    }

    #[test]
    fn k_is_half_the_items_of_the_top_k_series() {
        assert_eq!(growing_k(TRACKED[0]), 32);
        assert_eq!(growing_k(TRACKED[3]), 2_048);
    }
}
