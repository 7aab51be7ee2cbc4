//! Stage 5 of `token-bucket`: is every operation O(1), whatever the capacity and rate? Counted
//! in instructions under callgrind ([`crate::measure::counted`]).
//!
//! At size `n` the bucket holds `n` tokens and refills `n` per 1.024 s
//! ([`super::workloads::COMPLEXITY_PERIOD`]), on a manual clock: the complexity workloads of
//! [`super::workloads`] ([`refill_workload`] and [`atomic_refill_workload`]), a cycle of a full
//! refill then a grant of `n`, a refusal of `n` more (with its retry hint), and a read, counted
//! at [`SIZES`] (256 to 16 Ki tokens, four times apart) and expected O(1). An implementation
//! that refills or computes waits one token at a time costs O(n) per operation, and is fitted
//! O(n). Nothing is prepared, so the stage is quick; [`OPS`] is small so that such a loop (some
//! 16 Ki steps per refill at the largest size) is counted in a second or two. Without valgrind
//! the stage times each series against the reference instead (see [`counted`]).

use kata_core::clock::ManualClock;

use super::workloads::{atomic_refill_workload, refill_workload};
use super::TokenBucketFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The sizes (capacity, and tokens per period): four powers of two, four times apart, each
/// dividing [`super::workloads::COMPLEXITY_PERIOD`] into whole nanoseconds.
pub const SIZES: &[usize] = &[1 << 8, 1 << 10, 1 << 12, 1 << 14];

/// Operations counted per size (after a warm-up of a quarter as many): a multiple of the
/// workloads' cycle of three.
pub const OPS: u64 = 600;

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "TokenBucket",
        title: "TokenBucket (full refill and grant, refusal with retry hint, read)",
        variable: "tokens",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "AtomicTokenBucket",
        title: "AtomicTokenBucket (full refill and grant, refusal with retry hint, read)",
        variable: "tokens",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["TokenBucket", "AtomicTokenBucket"];

/// Series `name` of `F` at size `n`, as a [`Workload`]; `None` for a name not in [`SERIES`].
///
/// # Panics
///
/// When the implementation refuses the configuration (it is valid).
pub fn workload<F: TokenBucketFamily>(name: &str, n: usize) -> Option<Box<dyn Workload>> {
    Some(match name {
        "TokenBucket" => Box::new(refill_workload::<F::Bucket<ManualClock>>(n)),
        "AtomicTokenBucket" => Box::new(atomic_refill_workload::<F::Atomic<ManualClock>>(n)),
        _ => return None,
    })
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: TokenBucketFamily, R: TokenBucketFamily>(ctx: &mut Ctx) {
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
