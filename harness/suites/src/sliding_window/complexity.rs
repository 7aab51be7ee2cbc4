//! Stage 5 of `sliding-window`: is every request O(1) amortised, whatever the limit and the number
//! of keys? Counted in instructions under callgrind ([`crate::measure::counted`]).
//!
//! Two series, on the workloads of [`super::workloads`] with the [`OpClock`], each expected O(1):
//!
//! - **`sliding-log`**: the `single-key` workload on a `SlidingLog` of limit `n` (128 to 8 192,
//!   [`LIMITS`]), whose window is `n` requests long, so that the log holds `n` timestamps and
//!   every request is admitted and drops one (a window of 1.5 `n`, as the bench's, alternates
//!   phases of admissions and of refusals, and a log slow only when it admits would hide in the
//!   refusals). A log that counts its timestamps by scanning them, or drops the oldest by
//!   shifting the rest (`Vec::remove(0)`), costs O(n) per request.
//! - **`many-keys`**: the `many-keys` workload over `n` keys (Zipf; 32 to 2 048, [`KEYS`]), a
//!   window of `n` requests: a keyed limiter that sweeps for idle keys on every call rather than
//!   once per window, or finds a key by scanning, costs O(n) per request. A sweep once per
//!   window costs O(keys held) every `n` requests: O(1) amortised. Counting sees a sweep only
//!   when it falls among the requests counted, so the series counts [`MANY_KEYS_OPS`] requests,
//!   a whole number of windows at every size (four at the largest): every size's count holds
//!   its share of sweeps, whenever a design sweeps within its window.
//!
//! The sizes are small because preparing a series (filling the log, or a window of requests)
//! happens under callgrind too (uncounted), and is O(n²) for an O(n) log. Without valgrind the
//! stage times each series against the reference instead (see [`counted`]).
//!
//! `FixedWindow` and `SlidingCounter` are not counted: two or three numbers have no size to grow
//! with, and the quality stage measures that their memory does not grow with the limit.

use super::workloads::{ManyKeys, OpClock, Plan, SingleKey};
use super::SlidingWindowFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The limits of the `sliding-log` series: four, four times apart.
pub const LIMITS: &[usize] = &[128, 512, 2_048, 8_192];

/// The numbers of keys of the `many-keys` series: four, four times apart.
pub const KEYS: &[usize] = &[32, 128, 512, 2_048];

/// Requests counted per size in the `many-keys` series: a whole number of windows (of as many
/// requests as keys) at every size, four at the largest.
pub const MANY_KEYS_OPS: u64 = 8_192;

// Every size's window divides the requests counted, and their warm-up.
const _: () = {
    let mut i = 0;
    while i < KEYS.len() {
        assert!((MANY_KEYS_OPS / 4).is_multiple_of(KEYS[i] as u64));
        i += 1;
    }
};

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "sliding-log",
        title: "SlidingLog, sliding-log (limit n, the log full: every request admitted, one dropped)",
        variable: "limit",
        sizes: LIMITS,
        ops: 800,
        expected: Class::Constant,
    },
    Series {
        name: "many-keys",
        title: "Keyed<_, SlidingCounter, _>, many-keys (Zipf over n keys, a window of n requests)",
        variable: "keys",
        sizes: KEYS,
        ops: MANY_KEYS_OPS,
        expected: Class::Constant,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["sliding-log", "many-keys"];

/// Series `name` of `F` at size `n`, the trace drawn from `seed`, as a [`Workload`]; `None` for
/// a name not in [`SERIES`].
///
/// # Panics
///
/// When the implementation refuses the configuration (it is valid).
pub fn workload<F: SlidingWindowFamily>(
    name: &str,
    n: usize,
    seed: u64,
) -> Option<Box<dyn Workload>> {
    Some(match name {
        "sliding-log" => {
            let mut w = SingleKey::<F::Log, OpClock>::with_window(n, n as u64, OpClock);
            Box::new(move |_| w.step())
        }
        "many-keys" => {
            let plan = Plan::new("many-keys", n, seed).unwrap_or_else(|e| panic!("{e}"));
            let mut w =
                ManyKeys::<F::Keyed<u64, F::Counter, OpClock>, F::Counter, OpClock>::on(
                    &plan, OpClock,
                );
            Box::new(move |_| w.step())
        }
        _ => return None,
    })
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: SlidingWindowFamily, R: SlidingWindowFamily>(ctx: &mut Ctx) {
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
