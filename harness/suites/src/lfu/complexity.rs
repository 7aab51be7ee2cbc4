//! Stage 5 of `lfu`: is every operation O(1)? Counted in instructions under callgrind
//! ([`crate::measure::counted`]).
//!
//! Six series, each on a cache filled before anything is counted, at [`CAPACITIES`] (four, four
//! times apart), each expected O(1). Five of the exact `LfuCache`: the three bench workloads of
//! [`super::workloads`] (`read-heavy`, `write-heavy`, `hot-set`), each [`Prepared`] at the
//! capacity, and [`mixed_workload`], a strict cycle of `get`, evicting `put`, `peek`, `remove`,
//! `put` back and `frequency`, which pins every operation down at a known frequency. An eviction
//! that searches the entries for the lowest count, or a `remove` that scans a bucket's list,
//! grows with the capacity and fails. A fifth, [`many_counts_workload`], puts and removes one key
//! among entries of `n / 16` distinct counts: a `remove` that searches the counts in use for the
//! new lowest one fails there (a learner's natural fix of the `min_freq` design, found by trying
//! the kata as a learner). And one of the `ForgetfulLfuCache`, [`forgetful_workload`]: a cycle of
//! `get` (and `put` on a miss), `put` of a new key into the full cache, `peek`, `remove` and `put`
//! back, over the `read-heavy` trace's keys. A victim searched for among the entries fails there.
//!
//! An aging pass over every entry is counted only when it falls among the [`OPS`] operations
//! counted at a capacity: spacing the passes in proportion to the capacity (what keeps them
//! amortised O(1)) is advice this stage does not check.
//!
//! The capacities are small (filling an O(n) cache is O(n²), and it happens under callgrind too,
//! though uncounted) and the operations few, so that such a cache is rejected in seconds.
//! Without valgrind the stage times each series against the reference instead (see
//! [`counted`]).
//!
//! The sharded cache is not counted here: its shards are exact LFU caches, and what it trades
//! (exactness for parallelism) is measured by the quality stage.

use kata_core::lfu::Cache;

use super::workloads::{
    forgetful_workload, many_counts_workload, mixed_workload, Prepared,
};
use super::LfuFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The capacities every series is counted at: four, four times apart.
pub const CAPACITIES: &[usize] = &[128, 512, 2_048, 8_192];

/// Operations counted per capacity (after a warm-up of a quarter as many): enough to average over
/// the Zipf workloads' mix of operations, and a multiple of the cycles of `mixed` (six),
/// `forgetful` (five) and `many-counts` (two).
pub const OPS: u64 = 960;

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "read-heavy",
        title: "LfuCache, read-heavy (Zipf: 90% get, put on a miss, 5% peek, 3% put, 2% remove)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "write-heavy",
        title: "LfuCache, write-heavy (60% evicting put, 10% put, 25% get, 5% remove)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "hot-set",
        title: "LfuCache, hot-set (7/8 get of a hot key, 1/8 evicting put)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "mixed",
        title: "LfuCache, mixed (get, evicting put, peek, remove, put back, frequency)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "many-counts",
        title: "LfuCache, many-counts (put a new key and remove it, among n/16 distinct counts)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "forgetful",
        title: "ForgetfulLfuCache, forgetful (get or put, put of a new key, peek, remove, put back)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &[
    "read-heavy",
    "write-heavy",
    "hot-set",
    "mixed",
    "many-counts",
    "forgetful",
];

/// Series `name` of `F` at capacity `size`, traces from `seed`, as a [`Workload`]; `None` for a
/// name not in [`SERIES`].
///
/// # Panics
///
/// When the cache refuses the capacity (0 only, which no series asks for).
pub fn workload<F: LfuFamily>(name: &str, size: usize, seed: u64) -> Option<Box<dyn Workload>> {
    type C<F> = <F as LfuFamily>::Cache<u64, u64>;
    type Forgetful<F> = <F as LfuFamily>::Forgetful<u64, u64>;
    Some(match name {
        "mixed" => Box::new(mixed_workload::<C<F>>(size, seed)),
        "many-counts" => Box::new(many_counts_workload::<C<F>>(size, seed)),
        "forgetful" => Box::new(forgetful_workload::<Forgetful<F>>(size, seed)),
        "read-heavy" | "write-heavy" | "hot-set" => prepared::<C<F>>(name, size, seed),
        _ => return None,
    })
}

/// The bench workload `name` at capacity `n`, as a [`Workload`].
fn prepared<C: Cache<u64, u64> + 'static>(name: &str, n: usize, seed: u64) -> Box<dyn Workload> {
    let mut p = Prepared::<C>::new(name, n, seed).unwrap_or_else(|e| panic!("{e}"));
    Box::new(move |_| p.step())
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LfuFamily, R: LfuFamily>(ctx: &mut Ctx) {
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
