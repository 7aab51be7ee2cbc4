//! Measuring: a small deterministic RNG, Zipf-distributed keys, and the complexity stage's timing
//! and log-log slope.
//!
//! The complexity stage's timing (what [`counted`] falls back to without valgrind) never trusts
//! one absolute timing on a shared, noisy machine:
//!
//! - It reads the **thread's CPU time** ([`thread_time`]: `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`
//!   on Unix, wall time elsewhere), so time spent descheduled while other processes run does not
//!   count: on a loaded machine the grader's thread runs less often, not slower.
//! - At every size it prepares the implementation under test and the reference (untimed), sizes
//!   a batch of operations of each to take about [`BATCH`], and runs a warm-up. Then it times
//!   [`ROUNDS`] rounds, each one batch of both sides in an order drawn at random (seeded), so that
//!   neither side is always the one that runs right after the other. Before each timed batch a
//!   side runs half a batch untimed, to bring back into the caches what the other side pushed
//!   out. Interference from the rest of the machine only ever adds time, so the fastest batch of
//!   each side is kept, and their ratio is the size's figure.
//! - It fits the least-squares slope of `log2(ratio)` against `log2(size)` over the four sizes
//!   ([`fit_slopes`]). Anything that slows both sides (a busy neighbour, cache misses that grow
//!   with the working set) cancels out of the ratio. An O(1) implementation has a relative slope
//!   near 0, an O(n) one near 1 (less what the reference itself grows by as its working set
//!   leaves the caches, up to a few tenths), and the verdict threshold, [`MAX_RELATIVE_SLOPE`],
//!   sits between.
//! - When the slope lands within [`RETRY_MARGIN`] of the threshold ([`needs_retry`]), it measures
//!   [`ROUNDS`] more rounds at every size on the same prepared workloads and decides on all the
//!   rounds together.
//!
//! This separates O(1) from O(n) (a ratio that grows up to 64-fold over the sizes), not O(1) from
//! O(log n) (a ratio that grows by about 60 % from 1 Ki to 64 Ki, no more than caches alone can
//! make it grow). Telling those apart takes counting instructions rather than timing: that is
//! [`counted`], the second instrument, which every kata's complexity stage is graded by (it is
//! also indifferent to the machine's load, which timing only mostly cancels).
//!
//! [`pool`]: the persistent worker threads of the contended workloads, timed by their CPU time.

pub mod counted;
pub mod pool;
pub use pool::{PoolRun, WorkerPool};

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, seedable generator for workloads.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0), by multiply-shift (Lemire 2019, without the rejection step:
    /// the bias is below 2^-32 for the sizes used here).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A float in `[0, 1)`.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Keys `0..n` drawn with probability proportional to `1 / (rank + 1)^s`: the skew of real cache
/// traffic (Breslau et al., "Web caching and Zipf-like distributions", INFOCOM 1999).
#[derive(Debug, Clone)]
pub struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    /// A Zipf distribution over `n` keys with exponent `s`.
    pub fn new(n: usize, s: f64) -> Zipf {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for rank in 0..n {
            total += 1.0 / ((rank + 1) as f64).powf(s);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Zipf { cdf }
    }

    /// Draws a key. Keys are scrambled so that popularity is not correlated with key order.
    pub fn sample(&self, rng: &mut SplitMix64) -> u32 {
        let u = rng.unit();
        let rank = self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1);
        Zipf::key(rank)
    }

    /// The key [`sample`](Zipf::sample) returns for popularity rank `rank` (0 is the most popular):
    /// distinct ranks below 2^32 have distinct keys.
    pub fn key(rank: usize) -> u32 {
        // A fixed bijection on 0..n would do; multiplying by an odd constant mod 2^32 keeps keys
        // distinct and spreads them.
        (rank as u32).wrapping_mul(0x9E37_79B1)
    }

    /// A trace of `len` keys.
    pub fn trace(&self, len: usize, seed: u64) -> Vec<u32> {
        let mut rng = SplitMix64::new(seed);
        (0..len).map(|_| self.sample(&mut rng)).collect()
    }
}

/// A named workload of a kata (`kata_suites::<kata>::workloads::BENCH`): its name, as on the
/// command line (`cargo kata bench lru --workload NAME`), and a one-line summary for tables and
/// docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The name.
    pub name: &'static str,
    /// One line saying what the workload does.
    pub summary: &'static str,
}

/// A relative log-log slope at or above this fails the complexity stage: halfway between O(1)
/// (slope 0) and O(n) (slope 1).
pub const MAX_RELATIVE_SLOPE: f64 = 0.5;

/// A slope closer than this to [`MAX_RELATIVE_SLOPE`] is measured again before it is judged.
pub const RETRY_MARGIN: f64 = 0.15;

/// Timed rounds per size in one pass; each round times one batch of each side.
pub const ROUNDS: usize = 11;

/// Batches are sized to take about this much CPU time, so that the clock's resolution and the
/// cost of reading it do not matter, and a batch of a slow implementation still holds enough
/// operations to average over the workload's mix.
pub const BATCH: Duration = Duration::from_millis(3);

/// Untimed batches of each side run after calibration, before the timed rounds.
const WARMUP_BATCHES: usize = 2;

/// A single operation slower than this means the implementation is far off O(1): stop there.
const MAX_OP: Duration = Duration::from_millis(20);

/// What [`thread_time`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// The calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`).
    ThreadCpu,
    /// Wall time ([`Instant`]): where no thread CPU clock is available.
    Wall,
}

impl TimeSource {
    /// How the source is named in reports.
    pub fn describe(self) -> &'static str {
        match self {
            TimeSource::ThreadCpu => "thread CPU time",
            TimeSource::Wall => "wall time",
        }
    }
}

#[cfg(unix)]
fn thread_cpu() -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable `timespec` for the duration of the call, which is all
    // `clock_gettime` needs.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    let secs = u64::try_from(ts.tv_sec).ok()?;
    let nanos = u32::try_from(ts.tv_nsec).ok()?;
    (rc == 0).then(|| Duration::new(secs, nanos))
}

#[cfg(not(unix))]
fn thread_cpu() -> Option<Duration> {
    None
}

/// The clock the complexity stage times with: the thread's CPU time where the platform has one
/// (every Unix), wall time otherwise. Decided once per process.
pub fn time_source() -> TimeSource {
    static SOURCE: OnceLock<TimeSource> = OnceLock::new();
    *SOURCE.get_or_init(|| {
        if thread_cpu().is_some() {
            TimeSource::ThreadCpu
        } else {
            TimeSource::Wall
        }
    })
}

/// A reading of [`time_source`]: CPU time consumed by the calling thread, or the wall time since
/// an epoch fixed at the first call. Differences between two readings on the same thread are
/// durations; the reading never goes backwards on one thread.
pub fn thread_time() -> Duration {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    match time_source() {
        TimeSource::ThreadCpu => {
            thread_cpu().expect("the thread CPU clock, which worked before, still works")
        }
        TimeSource::Wall => EPOCH.get_or_init(Instant::now).elapsed(),
    }
}

/// One operation of a workload at a given size: prepared once, then run many times.
pub trait Workload {
    /// Runs the `i`-th operation.
    fn op(&mut self, i: u64);
}

impl<F: FnMut(u64)> Workload for F {
    fn op(&mut self, i: u64) {
        self(i)
    }
}

/// A request to run one series of the complexity stage, untimed, for an instruction count (see
/// `tests/yardstick.rs`): the runner's `--count SERIES:SIZE:OPS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The series, one of the kata's `COMPLEXITY_SERIES`.
    pub series: String,
    /// The size to prepare it at.
    pub size: usize,
    /// How many operations to run after preparing it.
    pub ops: u64,
}

impl Count {
    /// Parses `SERIES:SIZE:OPS`.
    ///
    /// # Errors
    ///
    /// When the text is not of that form.
    pub fn parse(text: &str) -> Result<Count, String> {
        let bad = || format!("--count wants SERIES:SIZE:OPS, not `{text}`");
        let mut parts = text.rsplitn(3, ':');
        let ops = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let size = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let series = parts.next().filter(|s| !s.is_empty()).ok_or_else(bad)?;
        Ok(Count {
            series: series.to_owned(),
            size,
            ops,
        })
    }

    /// Runs `ops` operations of `workload` (prepared by the caller at `size`) inside
    /// [`counted::kata_counted_ops`], after a warm-up of a quarter as many outside it: callgrind
    /// started with `--toggle-collect=kata_suites::measure::counted::kata_counted_ops` counts the operations and nothing of
    /// the preparation.
    pub fn run(&self, workload: &mut dyn Workload) {
        let warm = (self.ops / 4).max(1);
        for i in 0..warm {
            workload.op(black_box(i));
        }
        crate::heap::reserve_arena();
        counted::kata_counted_ops(workload, warm, self.ops);
    }

    /// The error for a series the kata does not have.
    pub fn unknown(&self, series: &[&str]) -> String {
        format!(
            "no complexity series named `{}`; the series are: {}",
            self.series,
            series.join(", ")
        )
    }
}

/// What the complexity stage measured at one size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// The size (capacity) measured.
    pub size: usize,
    /// The implementation under test's ns per operation: its fastest batch over the rounds.
    pub learner_ns: f64,
    /// The reference's ns per operation: its fastest batch over the rounds.
    pub reference_ns: f64,
    /// `learner_ns / reference_ns`: what the verdict rests on.
    pub ratio: f64,
}

/// What the complexity stage measured.
#[derive(Debug, Clone)]
pub struct ComplexityReport {
    /// One row per size measured.
    pub rows: Vec<Row>,
    /// Slope of log(learner / reference) against log(size).
    pub relative_slope: f64,
    /// Slope of log(learner) against log(size).
    pub absolute_slope: f64,
    /// Timed rounds per size the verdict rests on: [`ROUNDS`], or twice that when the first pass
    /// was close to the threshold ([`needs_retry`]).
    pub rounds: usize,
    /// The slope of the first pass, when it was close enough to the threshold to measure again.
    pub first_slope: Option<f64>,
    /// What the costs were timed with.
    pub source: TimeSource,
    /// Set when measuring stopped early because one operation took too long.
    pub gave_up: Option<String>,
}

/// Times `ops` operations of `w` from index `start`, on [`thread_time`].
fn time_batch(w: &mut dyn Workload, start: u64, ops: u64) -> Duration {
    let t = thread_time();
    for i in start..start + ops {
        w.op(black_box(i));
    }
    thread_time().saturating_sub(t)
}

/// Nanoseconds per operation.
fn per_op(t: Duration, ops: u64) -> f64 {
    (t.as_nanos() as f64 / ops as f64).max(0.01)
}

/// One side (learner or reference) at one size: its workload, how far it has gone through it,
/// and its batch size.
struct Side<'a> {
    work: Box<dyn Workload + 'a>,
    next: u64,
    batch: u64,
}

impl<'a> Side<'a> {
    /// Sizes a batch to take about [`BATCH`] (every run of the calibration is the workload's
    /// first operations, so it doubles as the start of the warm-up), then warms up; `None` when a
    /// single operation takes longer than [`MAX_OP`].
    fn new(mut work: Box<dyn Workload + 'a>) -> Option<Side<'a>> {
        let mut next = 0;
        let mut ops = 1u64;
        let batch = loop {
            let took = time_batch(&mut *work, next, ops);
            next += ops;
            if ops == 1 && took > MAX_OP {
                return None;
            }
            if took >= BATCH || ops >= 1 << 24 {
                let per_op = took.as_secs_f64().max(1e-9) / ops as f64;
                break ((BATCH.as_secs_f64() / per_op) as u64).clamp(1, 1 << 24);
            }
            ops *= 4;
        };
        let mut side = Side { work, next, batch };
        for _ in 0..WARMUP_BATCHES {
            side.run();
        }
        Some(side)
    }

    /// Runs half a batch untimed, to bring back into the caches what the other side's batch
    /// pushed out, then times one batch: ns per operation.
    fn run(&mut self) -> f64 {
        let warm = (self.batch / 2).max(1);
        for i in self.next..self.next + warm {
            self.work.op(black_box(i));
        }
        self.next += warm;
        let t = time_batch(&mut *self.work, self.next, self.batch);
        self.next += self.batch;
        per_op(t, self.batch)
    }
}

/// Both sides at one size, and what every round measured.
struct Point<'a> {
    size: usize,
    learner: Side<'a>,
    reference: Side<'a>,
    /// `(learner ns/op, reference ns/op)` of every timed round.
    rounds: Vec<(f64, f64)>,
}

impl Point<'_> {
    /// Times one batch of each side, the reference first when `reference_first`.
    fn round(&mut self, reference_first: bool) {
        let (l, r) = if reference_first {
            let r = self.reference.run();
            (self.learner.run(), r)
        } else {
            let l = self.learner.run();
            (l, self.reference.run())
        };
        self.rounds.push((l, r));
    }

    /// The row of this size, over every round so far: the fastest batch of each side, since
    /// interference from the rest of the machine only ever adds time.
    fn row(&self) -> Row {
        let (l, r) = self
            .rounds
            .iter()
            .fold((f64::INFINITY, f64::INFINITY), |(l, r), x| {
                (l.min(x.0), r.min(x.1))
            });
        Row {
            size: self.size,
            learner_ns: l,
            reference_ns: r,
            ratio: l / r,
        }
    }
}

/// Times [`ROUNDS`] more rounds at every point, the order of the two sides in each round drawn
/// from `rng`.
fn measure_pass(points: &mut [Point<'_>], rng: &mut SplitMix64) {
    for p in points.iter_mut() {
        for _ in 0..ROUNDS {
            p.round(rng.next_u64() & 1 == 1);
        }
    }
}

/// Least-squares slope of `ys` against `xs`.
pub fn slope(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let cov: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let var: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    cov / var
}

/// The relative and absolute log-log slopes of `rows`: the slope of `log2(ratio)`, and of
/// `log2(learner ns/op)`, against `log2(size)`. Both are infinite with fewer than two rows
/// (measuring gave up at the first sizes).
pub fn fit_slopes(rows: &[Row]) -> (f64, f64) {
    if rows.len() < 2 {
        return (f64::INFINITY, f64::INFINITY);
    }
    let xs: Vec<f64> = rows.iter().map(|r| (r.size as f64).log2()).collect();
    let rel: Vec<f64> = rows.iter().map(|r| r.ratio.log2()).collect();
    let abs: Vec<f64> = rows.iter().map(|r| r.learner_ns.log2()).collect();
    (slope(&xs, &rel), slope(&xs, &abs))
}

/// Whether a relative slope is too close to [`MAX_RELATIVE_SLOPE`] to judge on one pass: within
/// [`RETRY_MARGIN`] of it (an infinite slope, from giving up, is not).
pub fn needs_retry(relative_slope: f64) -> bool {
    (relative_slope - MAX_RELATIVE_SLOPE).abs() < RETRY_MARGIN
}

/// The retry rule: runs `pass` once and judges by `fit` (the slope over everything measured so
/// far); when that slope [`needs_retry`], runs `pass` once more and judges by `fit` again, over
/// the combined data. Returns the final slope, and the first one when there was a second pass.
pub fn settle<S>(
    state: &mut S,
    mut pass: impl FnMut(&mut S),
    fit: impl Fn(&S) -> f64,
) -> (f64, Option<f64>) {
    pass(state);
    let first = fit(state);
    if !needs_retry(first) {
        return (first, None);
    }
    pass(state);
    (fit(state), Some(first))
}

/// Measures `learner` against `reference` at each of `sizes`, interleaved, with
/// the order of the two in each round drawn from `seed`; see the module documentation.
///
/// `prepare_*` builds the workload for a size (filled to that size, say); it is not timed. Sizes
/// are prepared in order, and measuring stops at the first size where a single operation of the
/// learner's takes longer than 20 ms.
pub fn compare_complexity<'a>(
    sizes: &[usize],
    seed: u64,
    mut prepare_learner: impl FnMut(usize) -> Box<dyn Workload + 'a>,
    mut prepare_reference: impl FnMut(usize) -> Box<dyn Workload + 'a>,
) -> ComplexityReport {
    let mut points = Vec::new();
    let mut gave_up = None;
    for &size in sizes {
        let Some(learner) = Side::new(prepare_learner(size)) else {
            gave_up = Some(format!(
                "at size {size} a single operation took over {MAX_OP:?}: far from O(1)"
            ));
            break;
        };
        let reference = Side::new(prepare_reference(size)).expect("the reference is O(1)");
        points.push(Point {
            size,
            learner,
            reference,
            rounds: Vec::new(),
        });
    }
    let rows_of = |points: &Vec<Point<'a>>| points.iter().map(Point::row).collect::<Vec<_>>();
    let mut rng = SplitMix64::new(seed);
    let (_, first_slope) = settle(
        &mut points,
        |points| measure_pass(points, &mut rng),
        |points| fit_slopes(&rows_of(points)).0,
    );
    let rows = rows_of(&points);
    let (relative_slope, absolute_slope) = fit_slopes(&rows);
    ComplexityReport {
        rows,
        relative_slope,
        absolute_slope,
        rounds: points.first().map_or(0, |p| p.rounds.len()),
        first_slope,
        source: time_source(),
        gave_up,
    }
}

/// Records a [`ComplexityReport`] in `ctx`: the table, and the slope as a measurement judged
/// against [`MAX_RELATIVE_SLOPE`].
pub fn report_complexity(ctx: &mut crate::Ctx, what: &str, report: &ComplexityReport) {
    let rows = report
        .rows
        .iter()
        .map(|r| {
            vec![
                r.size.to_string(),
                format!("{:.1}", r.learner_ns),
                format!("{:.1}", r.reference_ns),
                format!("{:.2}", r.ratio),
            ]
        })
        .collect();
    ctx.table(
        &format!(
            "{what}: cost per operation ({}, fastest of {} rounds)",
            report.source.describe(),
            report.rounds
        ),
        &["size", "yours ns/op", "reference ns/op", "ratio"],
        rows,
    );
    if let Some(first) = report.first_slope {
        ctx.note(format!(
            "{what}: the first pass's slope, {first:.3}, was within {RETRY_MARGIN} of \
             {MAX_RELATIVE_SLOPE}: measured {ROUNDS} more rounds and judged all of them"
        ));
    }
    if let Some(why) = &report.gave_up {
        ctx.measure(crate::report::Measurement {
            name: format!("{what}: relative log-log slope"),
            value: f64::INFINITY,
            unit: "slope".into(),
            threshold: format!("< {MAX_RELATIVE_SLOPE} (O(1)); {why}"),
            passed: false,
        });
        return;
    }
    let s = report.relative_slope;
    let verdict = if s < MAX_RELATIVE_SLOPE {
        "O(1)"
    } else if s < 1.5 {
        "grows like O(n)"
    } else {
        "grows faster than O(n)"
    };
    ctx.measure(crate::report::Measurement {
        name: format!("{what}: relative log-log slope ({verdict})"),
        value: (s * 1000.0).round() / 1000.0,
        unit: "slope".into(),
        threshold: format!("< {MAX_RELATIVE_SLOPE} (O(1) ~ 0, O(n) ~ 1)"),
        passed: s < MAX_RELATIVE_SLOPE,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_of_a_line_is_its_gradient() {
        let xs = [10.0, 12.0, 14.0, 16.0];
        let ys: Vec<f64> = xs.iter().map(|x| 3.0 - 0.5 * x).collect();
        assert!((slope(&xs, &ys) + 0.5).abs() < 1e-12);
    }

    #[test]
    fn zipf_favours_low_ranks() {
        let z = Zipf::new(1_000, 1.0);
        let trace = z.trace(100_000, 7);
        let top = 0u32.wrapping_mul(0x9E37_79B1);
        let share = trace.iter().filter(|k| **k == top).count() as f64 / trace.len() as f64;
        // 1 / H(1000) = 0.1336 for the most popular key.
        assert!((share - 0.1336).abs() < 0.01, "{share}");
    }

    #[test]
    fn zipf_samples_are_the_keys_of_their_ranks() {
        let z = Zipf::new(100, 0.9);
        let keys: std::collections::HashSet<u32> = (0..100).map(Zipf::key).collect();
        assert_eq!(keys.len(), 100);
        assert!(z.trace(1_000, 3).iter().all(|k| keys.contains(k)));
    }

    fn row(size: usize, learner_ns: f64, reference_ns: f64) -> Row {
        Row {
            size,
            learner_ns,
            reference_ns,
            ratio: learner_ns / reference_ns,
        }
    }

    #[test]
    fn a_ratio_that_grows_with_size_has_slope_one_and_a_constant_one_slope_zero() {
        let sizes = [1 << 10, 1 << 12, 1 << 14, 1 << 16];
        // Learner 3 times a reference that itself grows (caches): relative slope 0.
        let constant: Vec<_> = sizes
            .iter()
            .map(|&n| row(n, 3.0 * (n as f64).sqrt(), (n as f64).sqrt()))
            .collect();
        let (rel, abs) = fit_slopes(&constant);
        assert!(rel.abs() < 1e-9, "{rel}");
        assert!((abs - 0.5).abs() < 1e-9, "{abs}");
        // Learner proportional to n over a flat reference: relative slope 1.
        let linear: Vec<_> = sizes
            .iter()
            .map(|&n| row(n, n as f64 / 10.0, 20.0))
            .collect();
        let (rel, abs) = fit_slopes(&linear);
        assert!((rel - 1.0).abs() < 1e-9, "{rel}");
        assert!((abs - 1.0).abs() < 1e-9, "{abs}");
    }

    #[test]
    fn slopes_of_fewer_than_two_sizes_are_infinite() {
        assert_eq!(fit_slopes(&[]).0, f64::INFINITY);
        assert_eq!(fit_slopes(&[row(1024, 5.0, 1.0)]).0, f64::INFINITY);
        assert!(!needs_retry(f64::INFINITY));
    }

    #[test]
    fn only_slopes_near_the_threshold_are_measured_again() {
        for s in [0.36, 0.5, 0.6, 0.64] {
            assert!(needs_retry(s), "{s}");
        }
        for s in [-0.2, 0.0, 0.34, 0.66, 1.0] {
            assert!(!needs_retry(s), "{s}");
        }
    }

    #[test]
    fn settle_measures_once_more_when_close_and_judges_the_combined_data() {
        // The "measurements" are the slopes each pass would give alone; the fit is their mean,
        // standing in for a fit over all the rounds.
        let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let run = |passes: [f64; 2]| {
            let mut it = passes.into_iter();
            let mut seen = Vec::new();
            let out = settle(&mut seen, |s| s.push(it.next().expect("pass")), mean);
            (out, seen.len())
        };
        // Far from the threshold: one pass decides.
        assert_eq!(run([0.05, 9.0]), ((0.05, None), 1));
        assert_eq!(run([0.95, 9.0]), ((0.95, None), 1));
        // Close: a second pass, and the verdict on both.
        let ((slope, first), passes) = run([0.45, 0.15]);
        assert_eq!(passes, 2);
        assert_eq!(first, Some(0.45));
        assert!((slope - 0.3).abs() < 1e-12, "{slope}");
        // At most two passes, even when the combined data is close again.
        assert_eq!(run([0.55, 0.45]).1, 2);
    }

    #[test]
    fn the_thread_clock_never_goes_backwards() {
        let mut last = thread_time();
        let mut spin = 0u64;
        for i in 0..10_000u64 {
            spin = black_box(spin.wrapping_mul(31).wrapping_add(i));
            let now = thread_time();
            assert!(now >= last, "{now:?} < {last:?}");
            last = now;
        }
        // Works on other threads too, each with its own clock.
        let other = std::thread::spawn(|| {
            let a = thread_time();
            let b = thread_time();
            b >= a
        });
        assert!(other.join().expect("thread"));
        #[cfg(unix)]
        assert_eq!(time_source(), TimeSource::ThreadCpu);
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = SplitMix64::new(1);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
    }
}
