//! Stage 5 of `lru`: is every operation O(1)? Counted in instructions under callgrind
//! ([`crate::measure::counted`]).
//!
//! Four series, each on a `LruCache<u64, u64>` filled to its capacity before anything is counted,
//! at [`CAPACITIES`] (four, four times apart), each expected O(1): the three bench workloads of
//! [`super::workloads`] (`read-heavy`, `write-heavy`, `scan`), each [`Prepared`] at the capacity,
//! and [`mixed_workload`], a strict cycle of `get`, evicting `put`, `peek`, `remove` and `put`
//! back, which pins every operation down at a known frequency.
//!
//! An instruction count does not see the caches, the load of the machine or the speed of the
//! core, so an O(1) cache counts about the same per operation at every capacity, and one that
//! scans its entries (recency kept in a `Vec`, the smallest stamp searched for on eviction)
//! counts in proportion to the capacity: fitted O(n), rejected. The capacities are small
//! ([`CAPACITIES`]: filling an O(n) cache is O(n²), and it happens under callgrind too, though
//! uncounted) and the operations few ([`OPS`]), so that such a cache is rejected in seconds.
//! Without valgrind the stage times each series against the reference instead (see
//! [`counted`]).

use kata_core::lru::Cache;

use super::workloads::{mixed_workload, Prepared};
use super::LruFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The capacities every series is counted at: four, four times apart.
pub const CAPACITIES: &[usize] = &[128, 512, 2_048, 8_192];

/// Operations counted per capacity (after a warm-up of a quarter as many): enough to average
/// over the Zipf workloads' mix of operations, a multiple of `mixed`'s cycle of five.
pub const OPS: u64 = 2_000;

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "read-heavy",
        title: "LruCache, read-heavy (Zipf: 85% get, 5% peek, 8% put, 2% remove)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "write-heavy",
        title: "LruCache, write-heavy (Zipf: 25% get, 65% put, 10% remove)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "scan",
        title: "LruCache, scan (get, put on a miss: every access misses and evicts)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "mixed",
        title: "LruCache, mixed (get, evicting put, peek, remove, put back)",
        variable: "capacity",
        sizes: CAPACITIES,
        ops: OPS,
        expected: Class::Constant,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["read-heavy", "write-heavy", "scan", "mixed"];

/// Series `name` of `F` at capacity `size`, traces from `seed`, as a [`Workload`]; `None` for a
/// name not in [`SERIES`].
///
/// # Panics
///
/// When the cache refuses the capacity (0 only, which no series asks for).
pub fn workload<F: LruFamily>(name: &str, size: usize, seed: u64) -> Option<Box<dyn Workload>> {
    type C<F> = <F as LruFamily>::Cache<u64, u64>;
    Some(match name {
        "mixed" => Box::new(mixed_workload::<C<F>>(size, seed)),
        "read-heavy" | "write-heavy" | "scan" => prepared::<C<F>>(name, size, seed),
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
pub fn run<F: LruFamily, R: LruFamily>(ctx: &mut Ctx) {
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
