//! Stage 5 of `leaky-bucket`: is every operation O(1), however many items wait? Counted in
//! instructions under callgrind ([`crate::measure::counted`]).
//!
//! At size `n` the bucket holds `n` waiting items, kept full on a manual clock that moves one
//! interval per cycle: the complexity workloads of [`super::workloads`] ([`full_workload`] and
//! [`concurrent_full_workload`]), counted at [`SIZES`] (128 to 8 192 items, four times apart) and
//! expected O(1). Each cycle polls the item that left, offers one that is accepted and one that
//! is refused, and reads the level and the next departure. A level counted by walking the queue,
//! a poll that shifts a `Vec`, or a refusal that searches for the oldest waiting item costs O(n)
//! per operation, and is fitted O(n). The sizes are small because filling the bucket happens
//! under callgrind too (uncounted), and a bucket that walks its queue on every offer fills in
//! O(n²); [`OPS`] is small so that such a bucket is rejected in seconds. Without valgrind the
//! stage times each series against the reference instead (see [`counted`]).

use kata_core::clock::ManualClock;

use super::workloads::{concurrent_full_workload, full_workload};
use super::LeakyBucketFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The numbers of waiting items: four, four times apart.
pub const SIZES: &[usize] = &[128, 512, 2_048, 8_192];

/// Operations counted per size (after a warm-up of a quarter as many): a multiple of the
/// workloads' cycle of four.
pub const OPS: u64 = 800;

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "LeakyBucket",
        title: "LeakyBucket, kept full (poll, accepted and refused offer, level and next departure)",
        variable: "items waiting",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "ConcurrentLeakyBucket",
        title: "ConcurrentLeakyBucket, kept full, one thread (poll, accepted and refused offer, \
                level and next departure)",
        variable: "items waiting",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["LeakyBucket", "ConcurrentLeakyBucket"];

/// Series `name` of `F` at size `n`, as a [`Workload`]; `None` for a name not in [`SERIES`].
///
/// # Panics
///
/// When the implementation refuses the configuration (it is valid).
pub fn workload<F: LeakyBucketFamily>(name: &str, n: usize) -> Option<Box<dyn Workload>> {
    Some(match name {
        "LeakyBucket" => Box::new(full_workload::<F::Bucket<u64, ManualClock>>(n)),
        "ConcurrentLeakyBucket" => Box::new(concurrent_full_workload::<
            F::Concurrent<u64, ManualClock>,
        >(n)),
        _ => return None,
    })
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LeakyBucketFamily, R: LeakyBucketFamily>(ctx: &mut Ctx) {
    counted::stage(
        ctx,
        COUNTED,
        |name, n| workload::<F>(name, n),
        |name, n| workload::<R>(name, n),
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
