//! Stage 5 of `vector-clock`: what `compare` and `merge` cost as clocks grow, in instructions
//! counted under callgrind ([`crate::measure::counted`]).
//!
//! Both must be O(number of entries): one walk over the two clocks side by side. Two series, on
//! the pairs of [`super::workloads`], at 8 to 2 048 entries (four times apart):
//!
//! - **`compare`**: `a.compare(&b)` where `b` is `a` or `a` with counters raised and nodes
//!   added, so that every comparison reads both clocks to the end. Looking each node of one
//!   clock up in an unsorted list of the other's is O(n²); the series has only
//!   [`COMPARE_OPS`] operations per size so that such a mutant is counted, and rejected, in
//!   seconds.
//! - **`merge`**: `a.clone()` then `merge(&b)`, the clocks sharing half their nodes. A merge
//!   that inserts the other's new entries one by one into a sorted `Vec` (shifting the rest each
//!   time) is O(n²); one that concatenates and sorts is O(n log n).

use super::workloads::{Compare, Merge};
use super::VectorClockFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The numbers of entries: five, four times apart.
pub const ENTRIES: &[usize] = &[8, 32, 128, 512, 2_048];

/// Comparisons counted per size: few, so that an O(n²) compare (about 6 million instructions
/// at 2 048 entries) is counted in seconds under callgrind.
pub const COMPARE_OPS: u64 = 16;

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "compare",
        title: "VClock, compare (b after or equal to a)",
        variable: "entries",
        sizes: ENTRIES,
        ops: COMPARE_OPS,
        expected: Class::Linear,
    },
    Series {
        name: "merge",
        title: "VClock, clone then merge (half the nodes shared)",
        variable: "entries",
        sizes: ENTRIES,
        ops: 32,
        expected: Class::Linear,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["compare", "merge"];

/// Series `name` of `F` at `size`, clocks from `seed`, as a [`Workload`]; `None` for a name not
/// in [`SERIES`].
pub fn workload<F: VectorClockFamily>(
    name: &str,
    size: usize,
    seed: u64,
) -> Option<Box<dyn Workload>> {
    Some(match name {
        "compare" => {
            let mut w = Compare::<F::Clock>::new(size, seed);
            Box::new(move |_| {
                w.step();
            })
        }
        "merge" => {
            let mut w = Merge::<F::Clock>::new(size, seed);
            Box::new(move |_| w.step())
        }
        _ => return None,
    })
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: VectorClockFamily, R: VectorClockFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    counted::stage(
        ctx,
        COUNTED,
        |n, s| workload::<F>(n, s, seed),
        |n, s| workload::<R>(n, s, seed),
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
}
