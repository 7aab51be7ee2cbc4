//! Stage 4 of `leaky-bucket`: shaping against policing, on one bursty trace.
//!
//! A simulated minute of traffic ([`trace`]): a steady trickle at about 4 items per second (below
//! the rate), and six bursts of 3 to 5 times the capacity arriving at one instant each. It is fed
//! to the learner's leaky buckets and to the exact token bucket of the `token-bucket` kata
//! ([`ModelBucket`], the definition its reference is graded against), with the same capacity (20)
//! and rate (10 per second). The leaky bucket's consumer sleeps until `next_departure()` and
//! polls, so an item's departure is when it really came out.
//!
//! Printed side by side: admitted, dropped, the largest burst that left (most departures within
//! one interval), the worst and mean queueing delay, the smallest gap between departures. Judged:
//!
//! - *bounded delay*: an item waits at most `capacity × interval` (it finds at most `capacity - 1`
//!   items waiting, and leaves one interval after the last of them): 2 s here, exactly;
//! - *smoothness*: no two departures closer than one interval (rounded down to whole ns);
//! - *the envelope*: admitted at most `rate × duration + capacity + 1` (the queue, the one
//!   leaving, and what leaks in the time between the first and last arrival); the token bucket's
//!   admissions too, as a check of the trace and the model;
//! - *the same long-run rate*: the two admit nearly the same number. They cannot admit exactly the
//!   same: a leaky bucket of capacity `c` takes a burst into an idle bucket as `c` waiting items
//!   plus the one leaving at once, where a full token bucket of `c` tokens passes `c`; so the leaky
//!   bucket admits between 0 and 1 more for every burst that overflows both (6 here), and never
//!   fewer. Any other difference means one of them leaks at another rate.

use std::collections::HashMap;

use kata_core::clock::ManualClock;
use kata_core::leaky_bucket::Rate;

use super::model::{build, Driven, VARIANTS};
use super::LeakyBucketFamily;
use crate::measure::SplitMix64;
use crate::report::Measurement;
use crate::token_bucket::model::ModelBucket;
use crate::Ctx;

/// The capacity of every bucket on the trace: 20 items.
pub const CAPACITY: usize = 20;
/// The rate of every bucket on the trace: 10 items per second, one every 100 ms.
pub const RATE: Rate = Rate::per_second(10);
/// The salt of the trace's seed ([`crate::check::sub_seed`]).
pub const TRACE_SALT: u64 = 4;
/// How many bursts the trace holds.
pub const BURSTS: u64 = 6;

const SECOND: u64 = 1_000_000_000;
const MS: f64 = 1_000_000.0;
const INTERVAL: u64 = SECOND / 10;

/// Arrival instants in nanoseconds, in order: a trickle at random gaps of up to 0.5 s (about 4
/// per second) over 60 s, and [`BURSTS`] bursts of 60 to 100 items at one instant each, one at a
/// random instant 1 to 6 s into each 10 s of the minute.
pub fn trace(seed: u64) -> Vec<u64> {
    let mut rng = SplitMix64::new(seed);
    let mut t = Vec::new();
    let mut now = 0;
    while now < 60 * SECOND {
        t.push(now);
        now += 1 + rng.below(SECOND / 2);
    }
    for b in 0..BURSTS {
        let at = b * 10 * SECOND + SECOND + rng.below(5 * SECOND);
        let size = 60 + rng.below(41);
        t.extend(std::iter::repeat_n(at, size as usize));
    }
    t.sort_unstable();
    t
}

/// What one shaper or policer did with the trace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Items admitted.
    pub admitted: u64,
    /// Items refused.
    pub dropped: u64,
    /// Departure instants of the admitted items, in the order they left.
    pub departures: Vec<u64>,
    /// Queueing delay of each admitted item: departure minus arrival, in ns.
    pub delays: Vec<u64>,
}

impl Outcome {
    /// The most departures within one interval (a window `[x, x + interval)`).
    pub fn largest_burst(&self, interval: u64) -> usize {
        let d = &self.departures;
        let mut best = 0;
        let mut start = 0;
        for end in 0..d.len() {
            while d[end] - d[start] >= interval {
                start += 1;
            }
            best = best.max(end + 1 - start);
        }
        best
    }

    /// The longest queueing delay, in ns.
    pub fn worst_delay(&self) -> u64 {
        self.delays.iter().copied().max().unwrap_or(0)
    }

    /// The mean queueing delay, in ns.
    pub fn mean_delay(&self) -> f64 {
        if self.delays.is_empty() {
            return 0.0;
        }
        self.delays.iter().map(|d| *d as f64).sum::<f64>() / self.delays.len() as f64
    }

    /// The smallest gap between consecutive departures, in ns (`None` with fewer than two).
    pub fn smallest_gap(&self) -> Option<u64> {
        self.departures.windows(2).map(|w| w[1] - w[0]).min()
    }
}

/// The token bucket of the `token-bucket` kata on `trace`: an admitted item leaves at once.
pub fn police(trace: &[u64]) -> Outcome {
    let mut bucket = ModelBucket::new(CAPACITY as u64, RATE, 0);
    let mut out = Outcome::default();
    for &t in trace {
        if bucket.try_acquire(1, t).is_ok() {
            out.admitted += 1;
            out.departures.push(t);
            out.delays.push(0);
        } else {
            out.dropped += 1;
        }
    }
    out
}

/// The consumer of [`shape`]: it sleeps until `next_departure()` and polls.
struct Consumer<'a> {
    name: &'a str,
    clock: ManualClock,
    trace: &'a [u64],
    /// The clock's reading.
    now: u64,
    out: Outcome,
    /// The departure instant each accepted offer returned.
    promised: HashMap<u32, u64>,
}

impl Consumer<'_> {
    /// Releases every item due at or before `until` (all of them for `u64::MAX`), moving the
    /// clock to each one's instant.
    fn release(&mut self, b: &mut dyn Driven<u32>, until: u64) -> Result<(), String> {
        let name = self.name;
        while let Some(due) = b.next_departure().filter(|d| *d <= until) {
            self.now = self.now.max(due);
            self.clock.set(self.now);
            let now = self.now;
            let Some(item) = b.poll() else {
                return Err(format!(
                    "{name}: poll() at {now} ns returned None, but next_departure() is {due} ns: \
                     an item that is ready was held back"
                ));
            };
            let said = self.promised.get(&item).copied();
            if said != Some(now) {
                return Err(format!(
                    "{name}: item {item} came out at {now} ns, but its offer said it would leave \
                     at {said:?} ns"
                ));
            }
            self.out.departures.push(now);
            self.out.delays.push(now - self.trace[item as usize]);
        }
        Ok(())
    }
}

/// Variant `which` of `F` on `trace`, with a consumer that sleeps until `next_departure()` and
/// polls: departures are the clock's readings when items came out.
fn shape<F: LeakyBucketFamily>(which: usize, trace: &[u64]) -> Result<Outcome, String> {
    let name = VARIANTS[which];
    let clock = ManualClock::new();
    let mut b = build::<F, u32>(which, CAPACITY, RATE, &clock)
        .map_err(|e| format!("{name}::new({CAPACITY}, {RATE}): {e}"))?;
    let mut c = Consumer {
        name,
        clock,
        trace,
        now: 0,
        out: Outcome::default(),
        promised: HashMap::new(),
    };
    for (i, &t) in trace.iter().enumerate() {
        c.release(&mut *b, t)?;
        c.now = t;
        c.clock.set(t);
        let item = u32::try_from(i).expect("the trace is short");
        match b.offer(item) {
            Ok(departure) => {
                c.out.admitted += 1;
                c.promised.insert(item, departure);
            }
            Err(_) => c.out.dropped += 1,
        }
    }
    c.release(&mut *b, u64::MAX)?;
    let out = c.out;
    if out.departures.len() as u64 != out.admitted {
        return Err(format!(
            "{name}: {} items were admitted but {} came out once the clock passed every \
             departure",
            out.admitted,
            out.departures.len()
        ));
    }
    Ok(out)
}

fn ms(ns: f64) -> String {
    format!("{:.1} ms", ns / MS)
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LeakyBucketFamily>(ctx: &mut Ctx) {
    let trace = trace(ctx.sub_seed(TRACE_SALT));
    let duration = trace.last().copied().unwrap_or(0) - trace.first().copied().unwrap_or(0);
    let (tokens, period) = (u128::from(RATE.tokens), RATE.period.as_nanos());
    let envelope = (u128::from(duration) * tokens / period) as u64 + CAPACITY as u64;
    let worst_allowed =
        u64::try_from((CAPACITY as u128 * period).div_ceil(tokens)).expect("2 s fits in u64 ns");
    let policed = police(&trace);

    let mut shaped: Vec<(&str, Outcome)> = Vec::new();
    for (which, name) in VARIANTS.iter().enumerate() {
        ctx.check(
            &format!("{name} ({CAPACITY} items, 10 per second) shapes the trace"),
            || {
                shaped.push((name, shape::<F>(which, &trace)?));
                Ok(())
            },
        );
    }

    ctx.note(format!(
        "trace: {} arrivals over {:.1} s: a trickle of about 4 per second and {BURSTS} bursts of \
         60 to 100 at one instant; both buckets hold {CAPACITY} and leak or refill 10 per second (one \
         every 100 ms)",
        trace.len(),
        duration as f64 / SECOND as f64,
    ));
    let mut columns: Vec<(&str, &Outcome)> = shaped.iter().map(|(n, o)| (*n, o)).collect();
    columns.push(("token bucket", &policed));
    let row = |what: &str, cell: &dyn Fn(&Outcome) -> String| {
        let mut r = vec![what.to_owned()];
        r.extend(columns.iter().map(|(_, o)| cell(o)));
        r
    };
    let rows = vec![
        row("admitted", &|o| o.admitted.to_string()),
        row("dropped", &|o| o.dropped.to_string()),
        row("largest burst out (departures in one 100 ms)", &|o| {
            o.largest_burst(INTERVAL).to_string()
        }),
        row("worst queueing delay", &|o| ms(o.worst_delay() as f64)),
        row("mean queueing delay", &|o| ms(o.mean_delay())),
        row("smallest gap between departures", &|o| {
            o.smallest_gap().map_or("-".to_owned(), |g| ms(g as f64))
        }),
    ];
    let mut headers = vec![""];
    headers.extend(columns.iter().map(|(n, _)| *n));
    ctx.table(
        "one bursty minute: the leaky bucket shapes, the token bucket polices",
        &headers,
        rows,
    );

    ctx.measure(Measurement {
        name: format!(
            "token bucket: admitted ({} of {})",
            policed.admitted,
            trace.len()
        ),
        value: policed.admitted as f64,
        unit: "items".into(),
        threshold: format!("<= {envelope} (rate x duration + capacity: the trace's sanity)"),
        passed: policed.admitted <= envelope,
    });
    for (name, o) in &shaped {
        let worst = o.worst_delay();
        ctx.measure(Measurement {
            name: format!("{name}: worst queueing delay"),
            value: worst as f64 / MS,
            unit: "ms".into(),
            threshold: format!(
                "<= {} ms (capacity {CAPACITY} x interval 100 ms)",
                worst_allowed as f64 / MS
            ),
            passed: worst <= worst_allowed,
        });
        let gap = o.smallest_gap();
        ctx.measure(Measurement {
            name: format!("{name}: smallest gap between departures"),
            value: gap.map_or(f64::INFINITY, |g| g as f64 / MS),
            unit: "ms".into(),
            threshold: format!(">= {} ms (one interval)", INTERVAL as f64 / MS),
            passed: gap.is_none_or(|g| g >= INTERVAL),
        });
        ctx.measure(Measurement {
            name: format!("{name}: admitted ({} of {})", o.admitted, trace.len()),
            value: o.admitted as f64,
            unit: "items".into(),
            threshold: format!("<= {} (rate x duration + capacity + 1)", envelope + 1),
            passed: o.admitted <= envelope + 1,
        });
        let more = o.admitted as i64 - policed.admitted as i64;
        ctx.measure(Measurement {
            name: format!(
                "{name}: admitted minus the token bucket's ({} - {})",
                o.admitted, policed.admitted
            ),
            value: more as f64,
            unit: "items".into(),
            threshold: format!(
                "0 to {BURSTS} (the same long-run rate; at most one more per burst: the one \
                 leaving at once)"
            ),
            passed: (0..=BURSTS as i64).contains(&more),
        });
    }
    if let Some((_, o)) = shaped.first() {
        ctx.note(format!(
            "The same traffic at the same long-run rate: the token bucket let up to {} items out \
             within one 100 ms and made none wait; the leaky bucket let out at most {} per \
             100 ms, and made admitted items wait {:.2} s on average, {:.2} s at worst. Both \
             admitted about the same ({} and {} of {}): smoothing costs delay, not throughput.",
            policed.largest_burst(INTERVAL),
            o.largest_burst(INTERVAL),
            o.mean_delay() / SECOND as f64,
            o.worst_delay() as f64 / SECOND as f64,
            o.admitted,
            policed.admitted,
            trace.len()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::ModelShaper;
    use super::*;

    /// The model shaper on the trace, its departures taken from the offers.
    fn model_shape(trace: &[u64]) -> Outcome {
        let mut m = ModelShaper::new(CAPACITY, RATE);
        let mut out = Outcome::default();
        for (i, &t) in trace.iter().enumerate() {
            match m.offer(i, t) {
                Ok(d) => {
                    out.admitted += 1;
                    out.departures.push(d);
                    out.delays.push(d - t);
                }
                Err(_) => out.dropped += 1,
            }
        }
        out
    }

    #[test]
    fn the_trace_is_bursty_and_the_model_meets_every_threshold() {
        for seed in 0..400 {
            let t = trace(seed);
            let leaky = model_shape(&t);
            let token = police(&t);
            assert!(leaky.worst_delay() <= 2 * SECOND, "{seed}");
            assert!(
                leaky.smallest_gap().is_some_and(|g| g >= INTERVAL),
                "{seed}"
            );
            assert_eq!(leaky.largest_burst(INTERVAL), 1, "{seed}");
            let more = leaky.admitted as i64 - token.admitted as i64;
            assert!((0..=BURSTS as i64).contains(&more), "{seed}: {more}");
            assert!(token.largest_burst(INTERVAL) >= CAPACITY, "{seed}");
            assert!(leaky.dropped > 100, "{seed}: the bursts overflow");
        }
    }

    #[test]
    fn largest_burst_counts_a_half_open_interval() {
        let o = Outcome {
            departures: vec![0, 50, 99, 100, 100, 300],
            ..Outcome::default()
        };
        assert_eq!(o.largest_burst(100), 4);
        assert_eq!(o.smallest_gap(), Some(0));
    }
}
