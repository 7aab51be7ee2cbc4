//! Stage 5 of `bloom-filter`: is every operation O(k), whatever the number of items? Counted in
//! instructions under callgrind ([`crate::measure::counted`]).
//!
//! Four series, each counted at [`SIZES`] (64 to 4 Ki items, four times apart), on the
//! workloads of [`super::workloads`], the filter sized for the size at 1 %:
//!
//! - **`insert`**: the standard filter filled from empty ([`Insert`]);
//! - **`contains`**: the standard filter holding its items, half the lookups present and half
//!   absent ([`Contains`]);
//! - **`blocked-contains`**: the same on the blocked filter;
//! - **`atomic-insert`**: [`Insert`] on the atomic filter, from one thread.
//!
//! `k` is fixed by the rate (7 at 1 %), so an operation's instruction count must not grow with
//! `n`: each series expects O(1). A filter that recounts its bits by scanning every word after
//! each insert, or checks it is not empty by counting its bits before each lookup, costs O(m) =
//! O(n) per operation, and is fitted O(n). [`OPS`] is a whole number of fills at every size, so
//! that each size's count of inserts covers the same range of fill and the same share of the
//! building of new filters (an O(m) step once every `n` inserts). The sizes are small because filling a lookup series'
//! filter happens under callgrind too (uncounted), which costs an O(m) insert O(n²). Without
//! valgrind the stage times each series against the reference instead (see [`counted`]).

use super::workloads::{Contains, Insert, Plan, Shared, Single};
use super::BloomFilterFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The sizes (items) the stage counts at: four, each four times the last.
pub const SIZES: &[usize] = &[1 << 6, 1 << 8, 1 << 10, 1 << 12];

/// Operations counted per size (after a warm-up of a quarter as many): a whole number of fills
/// of a filter at every size (one at the largest), so that the insert series count every size's
/// inserts over the same range of fill, from empty to full (a filter's insert may cost less as
/// more of its bits are already set), and each fill's share of the building of a new filter.
pub const OPS: u64 = 1 << 12;

const _: () = {
    let mut i = 0;
    while i < SIZES.len() {
        assert!(OPS.is_multiple_of(SIZES[i] as u64));
        i += 1;
    }
};

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "insert",
        title: "BloomFilter, insert (filled from empty)",
        variable: "items",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "contains",
        title: "BloomFilter, contains (n items held, half the lookups present)",
        variable: "items",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "blocked-contains",
        title: "BlockedBloomFilter, contains (n items held, half the lookups present)",
        variable: "items",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "atomic-insert",
        title: "AtomicBloomFilter, insert (one thread, filled from empty)",
        variable: "items",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["insert", "contains", "blocked-contains", "atomic-insert"];

/// Series `name` of `F` at `n` items, keys from `seed`, as a [`Workload`]; `None` for a name not
/// in [`SERIES`].
///
/// # Panics
///
/// When the implementation refuses the filter's size.
pub fn workload<F: BloomFilterFamily>(
    name: &str,
    n: usize,
    seed: u64,
) -> Option<Box<dyn Workload>> {
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

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: BloomFilterFamily, R: BloomFilterFamily>(ctx: &mut Ctx) {
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
}
