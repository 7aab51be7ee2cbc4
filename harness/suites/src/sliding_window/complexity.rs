//! Stage 5 of `sliding-window`: is every request O(1) amortised, whatever the limit and the number
//! of keys?
//!
//! Two series, each timed against the reference at sizes of 1 Ki to 64 Ki (see
//! [`crate::measure`] for how), on the workloads of [`super::workloads`] with the [`OpClock`]:
//!
//! - **`sliding-log`**: the `single-key` workload on a `SlidingLog` of limit `n`, whose window
//!   is `n` requests long, so that the log holds `n` timestamps and every request is admitted and
//!   drops one (a window of 1.5 `n`, as the bench's, alternates phases of admissions and of
//!   refusals, and a log slow only when it admits hid in the refusals: a `Vec::remove(0)` log
//!   came out at slope 0.57-0.60 there). A log that counts its timestamps by scanning them, or
//!   drops the oldest by shifting the rest (`Vec::remove(0)`), costs O(n) per request.
//! - **`many-keys`**: the `many-keys` workload over `n` keys (Zipf), a window of `n` requests: a
//!   keyed limiter that sweeps for idle keys on every call rather than once per window, or finds
//!   a key by scanning, costs O(n) per request. A sweep once per window costs O(keys held) every
//!   `n` requests: O(1) amortised.
//!
//! `FixedWindow` and `SlidingCounter` are not timed: two or three numbers have no size to grow
//! with, and the quality stage measures that their memory does not grow with the limit.

use super::workloads::{ManyKeys, OpClock, Plan, SingleKey};
use super::SlidingWindowFamily;
use crate::measure::{compare_complexity, report_complexity, Workload, COMPLEXITY_SIZES};
use crate::Ctx;

/// The series of this stage, by name, for [`crate::measure::Count`].
pub const SERIES: &[&str] = &["sliding-log", "many-keys"];

/// The `sliding-log` series of family `F` at size `n`.
fn sliding_log<'a, F: SlidingWindowFamily>(n: usize) -> Box<dyn Workload + 'a> {
    let mut w = SingleKey::<F::Log, OpClock>::with_window(n, n as u64, OpClock);
    Box::new(move |_| w.step())
}

/// The `many-keys` series of family `F` at size `n`, its trace drawn from `seed`.
fn many_keys<'a, F: SlidingWindowFamily>(n: usize, seed: u64) -> Box<dyn Workload + 'a> {
    let plan = Plan::new("many-keys", n, seed).unwrap_or_else(|e| panic!("{e}"));
    let mut w =
        ManyKeys::<F::Keyed<u64, F::Counter, OpClock>, F::Counter, OpClock>::on(&plan, OpClock);
    Box::new(move |_| w.step())
}

/// Grades this stage on `F`, with `R` as the reference the measurements compare with (through
/// [`super::run`] or [`crate::grade!`]).
pub fn run<F: SlidingWindowFamily, R: SlidingWindowFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    let order_seed = ctx.sub_seed(55);
    if let Some(count) = ctx.count.clone() {
        ctx.check(&format!("count {}", count.series), || {
            let mut workload = match count.series.as_str() {
                "sliding-log" => sliding_log::<F>(count.size),
                "many-keys" => many_keys::<F>(count.size, seed),
                _ => return Err(count.unknown(SERIES)),
            };
            count.run(&mut *workload);
            Ok(())
        });
        return;
    }
    if ctx.wants_series("sliding-log") {
        let mut report = None;
        ctx.check(
            "SlidingLog, sliding-log: limit n, the log full (n timestamps), at four limits",
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
                    sliding_log::<F>,
                    sliding_log::<R>,
                ));
                Ok(())
            },
        );
        if let Some(report) = report {
            report_complexity(ctx, "SlidingLog, sliding-log", &report);
        }
    }
    if ctx.wants_series("many-keys") {
        let mut report = None;
        ctx.check(
            "Keyed<_, SlidingCounter, _>, many-keys: Zipf over n keys, a window of n requests, at \
             four key counts",
            || {
                report = Some(compare_complexity(
                    &COMPLEXITY_SIZES,
                    order_seed,
                    |n| many_keys::<F>(n, seed),
                    |n| many_keys::<R>(n, seed),
                ));
                Ok(())
            },
        );
        if let Some(report) = report {
            report_complexity(ctx, "Keyed<_, SlidingCounter, _>, many-keys", &report);
        }
    }
}
