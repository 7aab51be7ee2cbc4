//! Measuring: a small deterministic RNG, Zipf-distributed keys, and the complexity stage's timing
//! and log-log slope.
//!
//! The complexity stage never trusts one absolute timing on a shared, noisy machine. At every size
//! it times the implementation under test and the reference *interleaved*, in the same process,
//! several times, and keeps the fastest repetition of each; then it fits the slope of `log(cost / reference cost)`
//! against `log(size)`. Anything that slows both (a busy neighbour, cache misses that grow with
//! the working set) cancels out of the ratio. An O(1) implementation has a relative slope near 0;
//! an O(n) one near 1; the verdict threshold sits between.

use std::hint::black_box;
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

/// The sizes the complexity stage measures at: four, each four times the last.
pub const COMPLEXITY_SIZES: [usize; 4] = [1 << 10, 1 << 12, 1 << 14, 1 << 16];

/// A relative log-log slope at or above this fails the complexity stage: halfway between O(1)
/// (slope 0) and O(n) (slope 1).
pub const MAX_RELATIVE_SLOPE: f64 = 0.5;

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

/// What the complexity stage measured.
#[derive(Debug, Clone)]
pub struct ComplexityReport {
    /// `(size, learner ns/op, reference ns/op)` for each size measured (fastest repetition).
    pub rows: Vec<(usize, f64, f64)>,
    /// Slope of log(learner / reference) against log(size).
    pub relative_slope: f64,
    /// Slope of log(learner) against log(size).
    pub absolute_slope: f64,
    /// Set when measuring stopped early because one operation took too long.
    pub gave_up: Option<String>,
}

/// Batches are sized to take about this long, so that timer resolution does not matter.
const BATCH: Duration = Duration::from_millis(2);
/// Interleaved repetitions per size; the fastest of each side is kept, since interference from
/// the rest of the machine (other processes, interrupts, frequency changes) only ever adds time.
const REPS: usize = 9;
/// A single operation slower than this means the implementation is far off O(1): stop there.
const MAX_OP: Duration = Duration::from_millis(20);

fn time_batch(w: &mut dyn Workload, start: u64, ops: u64) -> Duration {
    let t = Instant::now();
    for i in start..start + ops {
        w.op(black_box(i));
    }
    t.elapsed()
}

/// Finds a batch size that takes about [`BATCH`]; `None` if one op exceeds [`MAX_OP`].
fn calibrate(w: &mut dyn Workload, next: &mut u64) -> Option<u64> {
    let mut ops = 1u64;
    loop {
        let took = time_batch(w, *next, ops);
        *next += ops;
        if ops == 1 && took > MAX_OP {
            return None;
        }
        if took >= BATCH || ops >= 1 << 24 {
            let per_op = took.as_secs_f64() / ops as f64;
            return Some(((BATCH.as_secs_f64() / per_op) as u64).clamp(1, 1 << 24));
        }
        ops *= 4;
    }
}

fn fastest(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
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

/// Measures `learner` against `reference` at each of `sizes`, interleaved.
///
/// `prepare_*` builds the workload for a size (filled to that size, say); it is not timed.
pub fn compare_complexity<'a>(
    sizes: &[usize],
    mut prepare_learner: impl FnMut(usize) -> Box<dyn Workload + 'a>,
    mut prepare_reference: impl FnMut(usize) -> Box<dyn Workload + 'a>,
) -> ComplexityReport {
    let mut rows = Vec::new();
    let mut gave_up = None;
    for &size in sizes {
        let mut learner = prepare_learner(size);
        let mut reference = prepare_reference(size);
        let (mut next_l, mut next_r) = (0u64, 0u64);
        let Some(batch_l) = calibrate(&mut *learner, &mut next_l) else {
            gave_up = Some(format!(
                "at size {size} a single operation took over {MAX_OP:?}: far from O(1)"
            ));
            break;
        };
        let batch_r = calibrate(&mut *reference, &mut next_r).unwrap_or(1);
        let (mut ls, mut rs) = (Vec::new(), Vec::new());
        for _ in 0..REPS {
            let t = time_batch(&mut *learner, next_l, batch_l);
            next_l += batch_l;
            ls.push(t.as_nanos() as f64 / batch_l as f64);
            let t = time_batch(&mut *reference, next_r, batch_r);
            next_r += batch_r;
            rs.push(t.as_nanos() as f64 / batch_r as f64);
        }
        rows.push((size, fastest(&ls).max(0.01), fastest(&rs).max(0.01)));
    }
    let xs: Vec<f64> = rows.iter().map(|r| (r.0 as f64).log2()).collect();
    let rel: Vec<f64> = rows.iter().map(|r| (r.1 / r.2).log2()).collect();
    let abs: Vec<f64> = rows.iter().map(|r| r.1.log2()).collect();
    let (relative_slope, absolute_slope) = if rows.len() >= 2 {
        (slope(&xs, &rel), slope(&xs, &abs))
    } else {
        (f64::INFINITY, f64::INFINITY)
    };
    ComplexityReport {
        rows,
        relative_slope,
        absolute_slope,
        gave_up,
    }
}

/// Records a [`ComplexityReport`] in `ctx`: the table, and the slope as a measurement judged
/// against [`MAX_RELATIVE_SLOPE`].
pub fn report_complexity(ctx: &mut crate::Ctx, what: &str, report: &ComplexityReport) {
    let rows = report
        .rows
        .iter()
        .map(|(size, l, r)| {
            vec![
                size.to_string(),
                format!("{l:.1}"),
                format!("{r:.1}"),
                format!("{:.2}", l / r),
            ]
        })
        .collect();
    ctx.table(
        &format!("{what}: cost per operation"),
        &["size", "yours ns/op", "reference ns/op", "ratio"],
        rows,
    );
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
    fn below_stays_in_range() {
        let mut rng = SplitMix64::new(1);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
    }
}
