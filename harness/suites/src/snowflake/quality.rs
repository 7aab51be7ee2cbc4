//! Stage 4 of `snowflake`: what the layout promises, measured on simulated workers.
//!
//! **A fleet with bad clocks.** [`WORKERS`] generators (workers 0 to 15, the default layout,
//! tolerating a clock [`TOLERANCE_MS`] behind) share [`DURATION_MS`] of simulated time. Each
//! worker's clock is off by its own skew (up to [`SKEW_MS`] either way), and now and then jumps
//! by up to [`JUMP_MS`] either way (an NTP step), staying within the skew. Every 5 µs of true
//! time a random worker asks for an ID. Measured on the stream of IDs in the order they were
//! handed out:
//!
//! - **duplicates**: must be 0. Workers differ in their worker bits; a worker whose clock jumped
//!   back must not hand out a millisecond's sequence again.
//! - **inverted pairs**: pairs handed out in one order whose IDs sort in the other. IDs are
//!   ordered by their clocks, not by true time, so pairs closer in time than the clocks'
//!   disagreement can invert; pairs further apart cannot. The share of inverted pairs must stay
//!   below the share of pairs that close, `2 × (spread + 1 ms) / duration`, where `spread` is the
//!   largest difference between two workers' offsets during the run (a worker may also wait
//!   for its own clock, hence the millisecond).
//! - **largest inversion**: the most true time between two inverted IDs; it must be below
//!   `spread + 1 ms`: IDs are "k-sorted" within the clocks' disagreement, the textbook promise.
//!
//! **The ceiling.** One worker with a clock moving 50 ns each time it is read (20 000 readings
//! per millisecond, far more than the sequence holds) calls `next_id` for [`CEILING_MS`] ms: every
//! complete millisecond must get exactly `2^12 = 4 096` IDs (reached, not exceeded), and no ID
//! may carry a millisecond later than the clock's when it was handed out.

use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::snowflake::{
    Backwards, Config, IdError, IdGenerator, DEFAULT_EPOCH_MS, NANOS_PER_MS,
};

use super::model::{at, decode, TickingClock};
use super::SnowflakeFamily;
use crate::measure::SplitMix64;
use crate::report::Measurement;
use crate::Ctx;

/// Workers in the fleet.
pub const WORKERS: u64 = 16;
/// Simulated time, in milliseconds.
pub const DURATION_MS: u64 = 200;
/// The most a worker's clock is off, either way.
pub const SKEW_MS: u64 = 4;
/// The most a clock jumps at once, either way.
pub const JUMP_MS: u64 = 2;
/// How far behind a worker tolerates its clock (`Backwards::WaitUpTo`).
pub const TOLERANCE_MS: u64 = 5;
/// Milliseconds of the ceiling run.
pub const CEILING_MS: u64 = 12;
/// True time between two requests, in nanoseconds.
const STEP_NS: u64 = 5_000;

/// What the fleet handed out, in order: `(true time ns, id)`.
struct Fleet {
    issued: Vec<(u64, u64)>,
    spread_ns: u64,
    retries: u64,
    refused: u64,
}

fn fleet<F: SnowflakeFamily>(seed: u64) -> Result<Fleet, String> {
    let mut rng = SplitMix64::new(seed);
    let skew = SKEW_MS * NANOS_PER_MS;
    let jump = JUMP_MS * NANOS_PER_MS;
    // Offsets in ns, shifted by `skew` so that they are unsigned: clock = true + offset - skew.
    let mut offsets: Vec<u64> = (0..WORKERS).map(|_| rng.below(2 * skew + 1)).collect();
    let start = at(DEFAULT_EPOCH_MS + 2 * SKEW_MS, 0);
    let config = |w| {
        Config::new(w).with_backwards(Backwards::WaitUpTo(Duration::from_millis(TOLERANCE_MS)))
    };
    let mut clocks = Vec::new();
    let mut gens = Vec::new();
    for w in 0..WORKERS {
        let clock = ManualClock::starting_at(start + offsets[w as usize] - skew);
        let g = F::Generator::<ManualClock>::new(config(w), clock.clone())
            .map_err(|e| format!("Snowflake::new(worker {w}): {e}"))?;
        clocks.push(clock);
        gens.push(g);
    }
    let (mut lo, mut hi) = (
        *offsets.iter().min().unwrap_or(&0),
        *offsets.iter().max().unwrap_or(&0),
    );
    let mut out = Fleet {
        issued: Vec::new(),
        spread_ns: 0,
        retries: 0,
        refused: 0,
    };
    let steps = DURATION_MS * NANOS_PER_MS / STEP_NS;
    for step in 0..steps {
        let t = start + step * STEP_NS;
        // About one jump per 2 ms of true time, somewhere in the fleet.
        if rng.below(400) == 0 {
            let w = rng.below(WORKERS) as usize;
            let by = rng.below(2 * jump + 1);
            offsets[w] = (offsets[w] + by).saturating_sub(jump).min(2 * skew);
            lo = lo.min(offsets[w]);
            hi = hi.max(offsets[w]);
        }
        let w = rng.below(WORKERS) as usize;
        clocks[w].set(t + offsets[w] - skew);
        match gens[w].try_next_id() {
            Ok(id) => out.issued.push((t, id)),
            Err(IdError::Retry { .. }) => out.retries += 1,
            Err(IdError::ClockMovedBackwards { .. }) => out.refused += 1,
            Err(e) => return Err(format!("worker {w} at true time {t} ns: try_next_id: {e}")),
        }
    }
    out.spread_ns = hi - lo;
    Ok(out)
}

/// Pairs `i < j` with `ids[i] > ids[j]`, by merge sort.
pub fn inversions(ids: &[u64]) -> u64 {
    fn sort(v: &mut [u64], buf: &mut Vec<u64>) -> u64 {
        if v.len() < 2 {
            return 0;
        }
        let mid = v.len() / 2;
        let mut n = sort(&mut v[..mid], buf) + sort(&mut v[mid..], buf);
        buf.clear();
        let (mut i, mut j) = (0, mid);
        while i < mid && j < v.len() {
            if v[j] < v[i] {
                n += (mid - i) as u64;
                buf.push(v[j]);
                j += 1;
            } else {
                buf.push(v[i]);
                i += 1;
            }
        }
        buf.extend_from_slice(&v[i..mid]);
        buf.extend_from_slice(&v[j..]);
        v.copy_from_slice(buf);
        n
    }
    let mut v = ids.to_vec();
    sort(&mut v, &mut Vec::with_capacity(ids.len()))
}

/// The most time between an ID and a later-issued smaller one: for each `j`, the earliest `i`
/// whose ID is larger (the first prefix maximum above it).
pub fn largest_inversion(issued: &[(u64, u64)]) -> u64 {
    let mut prefix_max = Vec::with_capacity(issued.len());
    let mut best = 0;
    let mut m = 0;
    for (j, &(t, id)) in issued.iter().enumerate() {
        let i = prefix_max.partition_point(|&p| p <= id);
        if i < j {
            best = best.max(t - issued[i].0);
        }
        m = m.max(id);
        prefix_max.push(m);
    }
    best
}

fn ms(ns: u64) -> f64 {
    ns as f64 / NANOS_PER_MS as f64
}

/// IDs per millisecond of one worker on a fast-ticking clock: `(complete ms counted, min, max,
/// IDs ahead of the clock)`.
fn ceiling<F: SnowflakeFamily>() -> Result<(usize, u64, u64, u64), String> {
    let start_ms = DEFAULT_EPOCH_MS + 1;
    let clock = TickingClock::new(at(start_ms, 0), 50);
    let config = Config::new(5);
    let mut g = F::Generator::<TickingClock>::new(config, clock.clone())
        .map_err(|e| format!("Snowflake::new: {e}"))?;
    let mut per_ms = vec![0u64; CEILING_MS as usize + 2];
    let mut ahead = 0;
    loop {
        let id = g
            .next_id()
            .map_err(|e| format!("next_id on a clock moving forward: {e}"))?;
        let clock_ms = clock.peek() / NANOS_PER_MS;
        let parts = decode(&config, id).map_err(|e| format!("ID {id}: {e}"))?;
        if parts.unix_ms > clock_ms {
            ahead += 1;
        }
        let k = parts.unix_ms.saturating_sub(start_ms);
        if k > CEILING_MS {
            break;
        }
        per_ms[k as usize] += 1;
        if per_ms.iter().sum::<u64>() > 4 * 4_096 * CEILING_MS {
            break;
        }
    }
    // Milliseconds 1 to CEILING_MS - 1 are complete (0 may have started late).
    let full = &per_ms[1..CEILING_MS as usize];
    let min = full.iter().copied().min().unwrap_or(0);
    let max = per_ms.iter().copied().max().unwrap_or(0);
    Ok((full.len(), min, max, ahead))
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: SnowflakeFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(4);
    let mut fleet_run = None;
    ctx.check(
        &format!(
            "{WORKERS} workers, clocks skewed up to {SKEW_MS} ms and jumping up to {JUMP_MS} ms, \
             {DURATION_MS} ms"
        ),
        || {
            fleet_run = Some(fleet::<F>(seed)?);
            Ok(())
        },
    );
    if let Some(f) = fleet_run {
        let n = f.issued.len() as u64;
        let mut sorted: Vec<u64> = f.issued.iter().map(|e| e.1).collect();
        sorted.sort_unstable();
        let duplicates = sorted.windows(2).filter(|w| w[0] == w[1]).count() as u64;
        let ids: Vec<u64> = f.issued.iter().map(|e| e.1).collect();
        let inv = inversions(&ids);
        let pairs = n * n.saturating_sub(1) / 2;
        let share = inv as f64 / pairs.max(1) as f64;
        let window = f.spread_ns + NANOS_PER_MS;
        let bound = 2.0 * window as f64 / (DURATION_MS * NANOS_PER_MS) as f64;
        let largest = largest_inversion(&f.issued);
        ctx.table(
            "the merged stream",
            &["measure", "value", "threshold", "for comparison"],
            vec![
                vec![
                    "IDs handed out".into(),
                    n.to_string(),
                    "".into(),
                    format!(
                        "{} requests; {} retries, {} refused",
                        DURATION_MS * NANOS_PER_MS / STEP_NS,
                        f.retries,
                        f.refused
                    ),
                ],
                vec![
                    "duplicates".into(),
                    duplicates.to_string(),
                    "== 0".into(),
                    "".into(),
                ],
                vec![
                    "inverted pairs".into(),
                    format!("{inv} of {pairs} ({:.4} %)", 100.0 * share),
                    format!("<= {:.4} %", 100.0 * bound),
                    format!(
                        "pairs closer than the clocks' spread {:.2} ms + 1 ms",
                        ms(f.spread_ns)
                    ),
                ],
                vec![
                    "largest inversion".into(),
                    format!("{:.3} ms", ms(largest)),
                    format!("< {:.3} ms", ms(window)),
                    "k-sorted within the clock skew".into(),
                ],
            ],
        );
        ctx.measure(Measurement {
            name: "duplicate IDs".into(),
            value: duplicates as f64,
            unit: "IDs".into(),
            threshold: "== 0".into(),
            passed: duplicates == 0,
        });
        ctx.measure(Measurement {
            name: "share of inverted pairs".into(),
            value: share,
            unit: "ratio".into(),
            threshold: format!("<= {bound:.6}"),
            passed: share <= bound,
        });
        ctx.measure(Measurement {
            name: "largest inversion".into(),
            value: ms(largest),
            unit: "ms".into(),
            threshold: format!("< {:.3}", ms(window)),
            passed: largest < window,
        });
        ctx.measure(Measurement {
            name: "requests refused for a clock behind by at most the jumps".into(),
            value: f.refused as f64,
            unit: "requests".into(),
            threshold: "== 0".into(),
            passed: f.refused == 0,
        });
    }
    let mut ceiling_run = None;
    ctx.check(
        &format!("one worker, a clock read 20 000 times per ms, {CEILING_MS} ms of next_id"),
        || {
            ceiling_run = Some(ceiling::<F>()?);
            Ok(())
        },
    );
    if let Some((full, min, max, ahead)) = ceiling_run {
        ctx.table(
            "IDs per millisecond, one worker (default layout)",
            &["measure", "value", "threshold", "for comparison"],
            vec![
                vec![
                    format!("fewest in any of the {full} complete ms"),
                    min.to_string(),
                    "== 4096".into(),
                    "2^12 sequence values".into(),
                ],
                vec![
                    "most in any ms".into(),
                    max.to_string(),
                    "== 4096".into(),
                    "4.096 million IDs per second per worker".into(),
                ],
                vec![
                    "IDs ahead of the clock".into(),
                    ahead.to_string(),
                    "== 0".into(),
                    "".into(),
                ],
            ],
        );
        ctx.measure(Measurement {
            name: "fewest IDs in a complete millisecond".into(),
            value: min as f64,
            unit: "IDs".into(),
            threshold: "== 4096".into(),
            passed: min == 4_096,
        });
        ctx.measure(Measurement {
            name: "most IDs in a millisecond".into(),
            value: max as f64,
            unit: "IDs".into(),
            threshold: "== 4096".into(),
            passed: max == 4_096,
        });
        ctx.measure(Measurement {
            name: "IDs carrying a millisecond later than the clock's".into(),
            value: ahead as f64,
            unit: "IDs".into(),
            threshold: "== 0".into(),
            passed: ahead == 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inversions_are_counted() {
        assert_eq!(inversions(&[1, 2, 3]), 0);
        assert_eq!(inversions(&[3, 2, 1]), 3);
        assert_eq!(inversions(&[2, 3, 1, 4]), 2);
        assert_eq!(largest_inversion(&[(0, 5), (1, 6), (7, 4), (8, 9)]), 7);
        assert_eq!(largest_inversion(&[(0, 1), (3, 2)]), 0);
    }
}
