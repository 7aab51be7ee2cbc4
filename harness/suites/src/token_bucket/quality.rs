//! Stage 4 of `token-bucket`: what a limiter promises, measured on a traffic trace.
//!
//! Two minutes of simulated traffic, with an idle start, a flash crowd, a long overload at four
//! times the rate, a pause, random request sizes, and periodic bursts. Measured:
//!
//! - *envelope excess*: for every window `[s, t]`, tokens granted within it may not exceed
//!   `capacity + rate × (t - s)`, the defining bound of a token bucket (the "(σ, ρ)" arrival
//!   curve of network calculus, Cruz 1991). The largest excess over all windows must be 0.
//! - *admitted vs ideal*: tokens granted against what the exact bucket grants on the same trace;
//!   a limiter may not throttle more than it must: at least [`MIN_ADMITTED_RATIO`] of the ideal.
//! - *largest burst*: tokens granted at a single instant; must be exactly the capacity (the flash
//!   crowd arrives after a long idle, so a correct bucket is full).

use kata_core::clock::ManualClock;
use kata_core::token_bucket::{ConcurrentRateLimiter, Rate, RateLimiter};

use super::model::ModelBucket;
use super::TokenBucketFamily;
use crate::measure::SplitMix64;
use crate::report::Measurement;
use crate::Ctx;

/// The least fraction of the ideal (exact bucket's) admissions a limiter must grant.
pub const MIN_ADMITTED_RATIO: f64 = 0.995;

const CAPACITY: u64 = 100;
const RATE: Rate = Rate::per_second(50);
const SECOND: u64 = 1_000_000_000;

/// `(time in ns, tokens requested)`, in time order.
pub fn trace(seed: u64) -> Vec<(u64, u64)> {
    let mut t = Vec::new();
    // Flash crowd after 10 s idle: 300 requests at one instant.
    t.extend(std::iter::repeat_n((10 * SECOND, 1), 300));
    // Overload: a request every 5 ms (200/s, four times the rate) for 30 s.
    t.extend((0..6_000).map(|i| (10 * SECOND + 1 + i * 5_000_000, 1)));
    // Pause, then random sizes 1..=5 at random gaps averaging 20 ms (about 150 tokens/s).
    let mut rng = SplitMix64::new(seed);
    let mut now = 50 * SECOND;
    while now < 80 * SECOND {
        t.push((now, 1 + rng.below(5)));
        now += 1 + rng.below(40_000_000);
    }
    // A burst of 80 every 3 s.
    for b in 0..10 {
        t.extend(std::iter::repeat_n((80 * SECOND + b * 3 * SECOND, 1), 80));
    }
    t
}

/// Tokens granted per trace entry, by `acquire(time, n) -> granted?`.
fn replay(trace: &[(u64, u64)], mut acquire: impl FnMut(u64, u64) -> bool) -> Vec<bool> {
    trace.iter().map(|&(t, n)| acquire(t, n)).collect()
}

/// The largest excess, in tokens, of grants over the envelope `capacity + rate × window`.
pub fn envelope_excess(trace: &[(u64, u64)], granted: &[bool]) -> f64 {
    // Scaled by the period: window [s, t] conforms iff
    // (A(t) - A(<s)) × P <= capacity × P + (t - s) × r.
    let p = RATE.period.as_nanos() as i128;
    let r = i128::from(RATE.tokens);
    let mut admitted: i128 = 0;
    let mut min_start = i128::MAX;
    let mut worst: i128 = i128::MIN;
    for (&(t, n), &g) in trace.iter().zip(granted) {
        let t = i128::from(t);
        min_start = min_start.min(admitted * p - t * r);
        if g {
            admitted += i128::from(n);
        }
        worst = worst.max(admitted * p - t * r - i128::from(CAPACITY) * p - min_start);
    }
    (worst.max(0) as f64) / p as f64
}

fn largest_burst(trace: &[(u64, u64)], granted: &[bool]) -> u64 {
    let mut best = 0;
    let mut i = 0;
    while i < trace.len() {
        let t = trace[i].0;
        let mut sum = 0;
        while i < trace.len() && trace[i].0 == t {
            if granted[i] {
                sum += trace[i].1;
            }
            i += 1;
        }
        best = best.max(sum);
    }
    best
}

fn total(trace: &[(u64, u64)], granted: &[bool]) -> u64 {
    trace
        .iter()
        .zip(granted)
        .filter(|(_, g)| **g)
        .map(|(e, _)| e.1)
        .sum()
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: TokenBucketFamily>(ctx: &mut Ctx) {
    let trace = trace(ctx.sub_seed(4));
    let mut model = ModelBucket::new(CAPACITY, RATE, 0);
    let ideal = replay(&trace, |t, n| model.try_acquire(n, t).is_ok());
    let ideal_total = total(&trace, &ideal);

    let mut seq = None;
    ctx.check(
        &format!("TokenBucket ({CAPACITY} tokens, {RATE}) replays the trace"),
        || {
            let clock = ManualClock::new();
            let mut b = F::Bucket::<ManualClock>::new(CAPACITY, RATE, clock.clone())
                .map_err(|e| format!("TokenBucket::new: {e}"))?;
            seq = Some(replay(&trace, |t, n| {
                clock.set(t);
                b.try_acquire(n).is_ok()
            }));
            Ok(())
        },
    );
    let mut atomic = None;
    ctx.check("AtomicTokenBucket replays the trace", || {
        let clock = ManualClock::new();
        let b = F::Atomic::<ManualClock>::new(CAPACITY, RATE, clock.clone())
            .map_err(|e| format!("AtomicTokenBucket::new: {e}"))?;
        atomic = Some(replay(&trace, |t, n| {
            clock.set(t);
            b.try_acquire(n).is_ok()
        }));
        Ok(())
    });

    let duration = trace.last().map_or(0, |e| e.0) as f64 / SECOND as f64;
    ctx.note(format!(
        "trace: {} requests, {} tokens asked over {duration:.0} s; envelope {CAPACITY} + 50/s x {duration:.0} s = {:.0}; the exact bucket grants {ideal_total}",
        trace.len(),
        trace.iter().map(|e| e.1).sum::<u64>(),
        CAPACITY as f64 + 50.0 * duration,
    ));
    for (name, granted) in [("TokenBucket", seq), ("AtomicTokenBucket", atomic)] {
        let Some(granted) = granted else { continue };
        let excess = envelope_excess(&trace, &granted);
        ctx.measure(Measurement {
            name: format!("{name}: tokens granted above the envelope (worst window)"),
            value: excess,
            unit: "tokens".into(),
            threshold: "== 0".into(),
            passed: excess == 0.0,
        });
        let admitted = total(&trace, &granted);
        let ratio = admitted as f64 / ideal_total as f64;
        ctx.measure(Measurement {
            name: format!("{name}: tokens granted / exact bucket's ({admitted} / {ideal_total})"),
            value: (ratio * 10_000.0).round() / 10_000.0,
            unit: "ratio".into(),
            threshold: format!(">= {MIN_ADMITTED_RATIO}"),
            passed: ratio >= MIN_ADMITTED_RATIO,
        });
        let burst = largest_burst(&trace, &granted);
        ctx.measure(Measurement {
            name: format!("{name}: largest burst granted at one instant"),
            value: burst as f64,
            unit: "tokens".into(),
            threshold: format!("== {CAPACITY} (the capacity)"),
            passed: burst == CAPACITY,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = SECOND;

    #[test]
    fn the_envelope_allows_capacity_at_once_then_the_rate() {
        // 100 at t = 0, then 50 one second later: exactly on the envelope.
        let trace: Vec<(u64, u64)> = vec![(0, 100), (S, 50)];
        assert_eq!(envelope_excess(&trace, &[true, true]), 0.0);
        // One token more, anywhere, is over it.
        let trace: Vec<(u64, u64)> = vec![(0, 100), (S, 51)];
        assert_eq!(envelope_excess(&trace, &[true, true]), 1.0);
        // A window that starts later is checked too: 100 at 10 s after 100 at 0 s is fine,
        // 100 more at 10.5 s is 75 over (window [10 s, 10.5 s] allows 100 + 25).
        let trace: Vec<(u64, u64)> = vec![(0, 100), (10 * S, 100), (10 * S + S / 2, 100)];
        assert_eq!(envelope_excess(&trace, &[true, true, true]), 75.0);
        assert_eq!(envelope_excess(&trace, &[true, true, false]), 0.0);
    }

    #[test]
    fn the_largest_burst_sums_one_instant() {
        let trace: Vec<(u64, u64)> = vec![(0, 3), (0, 4), (1, 5)];
        assert_eq!(largest_burst(&trace, &[true, true, true]), 7);
        assert_eq!(largest_burst(&trace, &[true, false, true]), 5);
    }
}
