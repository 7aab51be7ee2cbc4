//! One lesson, three katas: the five rate limiters of `token-bucket`, `leaky-bucket` and
//! `sliding-window` on the same traffic, side by side. This is where the comparison table in those
//! katas' READMEs and in `CHALLENGES.md` comes from:
//!
//! ```text
//! cargo test -p kata-suites --test three_limiters -- --nocapture
//! ```
//!
//! Every limiter is its kata's model (the definition each reference is graded against, call by
//! call, in its properties stage), so the figures are the references' own. The traffic is the
//! `leaky-bucket` quality stage's bursty minute at the default seed (what `cargo kata check
//! leaky-bucket` prints); all five are set to the same long-run rate, 10
//! per second, and the same burst allowance, 20: a bucket of 20 refilled or drained at 10 per
//! second, or a limit of 20 per 2 s window.
//!
//! The test asserts what the table teaches, so that a change to a model or a trace that breaks the
//! lesson fails here rather than silently changing the READMEs' story.

use std::time::Duration;

use kata_core::leaky_bucket::Full;
use kata_suites::check::sub_seed;
use kata_suites::leaky_bucket::model::ModelShaper;
use kata_suites::leaky_bucket::quality::{police, trace, Outcome, CAPACITY, RATE, TRACE_SALT};
use kata_suites::runner::DEFAULT_SEED;
use kata_suites::sliding_window::model::{Kind, Model};

const SECOND: u64 = 1_000_000_000;
/// The leak and refill interval: 100 ms.
const INTERVAL: u64 = SECOND / 10;
/// The sliding-window katas' window: capacity / rate = 2 s, so that the limit is the capacity.
const WINDOW: u64 = 2 * SECOND;

/// The leaky bucket on `trace`, a consumer polling every departure at its instant.
fn shape(trace: &[u64]) -> Outcome {
    let mut bucket = ModelShaper::new(CAPACITY, RATE);
    let mut out = Outcome::default();
    for (i, &t) in trace.iter().enumerate() {
        match bucket.offer(i, t) {
            Ok(leaves) => {
                out.admitted += 1;
                out.departures.push(leaves);
                out.delays.push(leaves - t);
            }
            Err(Full { .. }) => out.dropped += 1,
        }
    }
    out.departures.sort_unstable();
    out
}

/// A window limiter on `trace`: an admitted request goes at once.
fn window(kind: Kind, trace: &[u64]) -> Outcome {
    let mut limiter = Model::new(kind, CAPACITY as u64, Duration::from_nanos(WINDOW))
        .expect("a valid configuration");
    let mut out = Outcome::default();
    for &t in trace {
        if limiter.try_acquire(t) {
            out.admitted += 1;
            out.departures.push(t);
            out.delays.push(0);
        } else {
            out.dropped += 1;
        }
    }
    out
}

#[test]
fn five_limiters_on_one_bursty_minute() {
    // The trace the quality stage grades with at the default seed.
    let trace = trace(sub_seed(DEFAULT_SEED, TRACE_SALT));
    let rows = [
        ("token bucket", police(&trace)),
        ("leaky bucket", shape(&trace)),
        ("fixed window", window(Kind::Fixed, &trace)),
        ("sliding log", window(Kind::Log, &trace)),
        ("sliding counter", window(Kind::Counter, &trace)),
    ];
    println!(
        "{} arrivals over 60 s; every limiter at 10 per second with a burst allowance of 20",
        trace.len()
    );
    println!("| | {} |", rows.each_ref().map(|r| r.0).join(" | "));
    println!("|---|{}", "---|".repeat(rows.len()));
    let line = |what: &str, f: &dyn Fn(&Outcome) -> String| {
        println!(
            "| {what} | {} |",
            rows.iter().map(|r| f(&r.1)).collect::<Vec<_>>().join(" | ")
        );
    };
    line("admitted", &|o| o.admitted.to_string());
    line("dropped", &|o| o.dropped.to_string());
    line("most out in 100 ms", &|o| {
        o.largest_burst(INTERVAL).to_string()
    });
    line("most out in 2 s", &|o| o.largest_burst(WINDOW).to_string());
    line("worst delay", &|o| {
        format!("{:.1} s", o.worst_delay() as f64 / SECOND as f64)
    });
    line("mean delay", &|o| {
        format!("{:.2} s", o.mean_delay() / SECOND as f64)
    });

    let [token, leaky, fixed, log, counter] = rows.map(|r| r.1);
    // Same long-run rate: none admits more than the rate over the minute plus one allowance (two
    // for the fixed window, which can spend one each side of a boundary). On bursty traffic the
    // windows admit less than the buckets: a bucket earns its allowance back continuously, while
    // a window that a burst has used up refuses the trickle until it ends.
    let ceiling = 10 * 60 + CAPACITY as u64;
    for (o, extra) in [
        (&token, 0),
        (&leaky, 1),
        (&fixed, CAPACITY),
        (&log, 0),
        (&counter, 0),
    ] {
        assert!(
            o.admitted <= ceiling + extra as u64,
            "admitted {}",
            o.admitted
        );
    }
    for w in [&fixed, &log, &counter] {
        assert!(
            w.admitted < token.admitted,
            "{} >= {}",
            w.admitted,
            token.admitted
        );
    }
    // The shaper alone smooths: one per interval, and it pays in delay, bounded by its capacity.
    assert_eq!(leaky.largest_burst(INTERVAL), 1);
    assert!(leaky.worst_delay() <= CAPACITY as u64 * INTERVAL);
    assert!(leaky.mean_delay() > 0.0);
    for policer in [&token, &fixed, &log, &counter] {
        assert_eq!(policer.worst_delay(), 0);
        // A burst goes out at once, as much of it as the allowance has left.
        assert!(policer.largest_burst(INTERVAL) >= CAPACITY / 2);
    }
    // The exact window never exceeds its limit in any window's length; the fixed window does, at
    // a boundary; the counter sits between. The token bucket, never a window, lets out its
    // allowance plus what it earns meanwhile.
    assert_eq!(log.largest_burst(WINDOW), CAPACITY);
    assert!(fixed.largest_burst(WINDOW) > CAPACITY);
    assert!(counter.largest_burst(WINDOW) <= 2 * CAPACITY);
    assert!(token.largest_burst(WINDOW) > CAPACITY);
}
