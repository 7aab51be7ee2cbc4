//! The textbook formulas the suite holds a filter to: sizing, the false-positive rate of the
//! standard and the blocked layouts, and the estimate of the number of items from the bits set.
//!
//! Every figure the quality stage prints beside a measurement comes from here, computed for the
//! filter's own `m` (bits) and `k` (hashes), so that a filter is judged on what it built, not on
//! what it was asked for.

use std::f64::consts::LN_2;

/// The bits of one block of the blocked filter: a 64-byte cache line.
pub const BLOCK_BITS: u64 = 512;

/// The textbook number of bits for `n` items at false-positive rate `p`, before rounding up:
/// `−n·ln p / (ln 2)²`.
pub fn optimal_bits(n: u64, p: f64) -> f64 {
    -(n as f64) * p.ln() / (LN_2 * LN_2)
}

/// The textbook number of hash functions for rate `p`, before rounding: `log2(1/p)`.
pub fn optimal_hashes(p: f64) -> f64 {
    -p.log2()
}

/// The false-positive rate of a standard filter of `m` bits and `k` hashes holding `n` items:
/// `(1 − e^(−k·n/m))^k` (each of the `k` bits a query looks at is set with probability
/// `1 − (1 − 1/m)^(k·n) ≈ 1 − e^(−k·n/m)`).
pub fn standard_rate(m: u64, k: u32, n: u64) -> f64 {
    let set = 1.0 - (-(f64::from(k)) * n as f64 / m as f64).exp();
    set.powi(k as i32)
}

/// The false-positive rate of a blocked filter of `m` bits (blocks of [`BLOCK_BITS`]) and `k`
/// hashes holding `n` items (Putze, Sanders, Singler 2007): the items are spread over the
/// `m / 512` blocks, so a block holds `j` of them with probability `Pois(j; λ)`, `λ = n·512/m`,
/// and a query that lands in a block of `j` items is a false positive with the rate of a
/// standard filter of 512 bits holding `j`: `(1 − (1 − 1/512)^(k·j))^k`. The sum over `j` is
/// above the standard filter's rate because the loads are uneven: the fuller blocks cost more
/// than the emptier ones save.
pub fn blocked_rate(m: u64, k: u32, n: u64) -> f64 {
    let blocks = (m as f64 / BLOCK_BITS as f64).max(1.0);
    let lambda = n as f64 / blocks;
    let keep = 1.0 - 1.0 / BLOCK_BITS as f64;
    // Pois(j; λ) in logarithms, from j = 0 up past the mode until the terms vanish.
    let mut ln_pois = -lambda;
    let mut total = 0.0;
    let last = (lambda + 12.0 * lambda.sqrt() + 40.0).ceil() as u64;
    for j in 0..=last {
        if j > 0 {
            ln_pois += lambda.ln() - (j as f64).ln();
        }
        let set = 1.0 - keep.powf(f64::from(k) * j as f64);
        total += ln_pois.exp() * set.powi(k as i32);
    }
    total
}

/// The number of items estimated from `x` bits set of `m`, `k` hashes (Swamidass and Baldi
/// 2007): `−(m/k)·ln(1 − x/m)`, infinite when every bit is set.
pub fn estimated_items(m: u64, k: u32, x: u64) -> f64 {
    if x >= m {
        return f64::INFINITY;
    }
    -(m as f64 / f64::from(k)) * (1.0 - x as f64 / m as f64).ln()
}

/// The standard deviation of a rate `f` measured over `trials` independent trials:
/// `sqrt(f·(1 − f) / trials)`.
pub fn sigma(f: f64, trials: u64) -> f64 {
    (f * (1.0 - f) / trials as f64).sqrt()
}

/// The most a measured false-positive rate may exceed the formula's, as a factor (before the
/// statistical allowance of [`SIGMAS`] standard deviations): double hashing and a finite `m`
/// cost a few percent over the formula, never 15.
pub const ABOVE: f64 = 1.15;

/// The least a measured false-positive rate may reach of the formula's, as a factor (after the
/// statistical allowance): a filter far better than the formula for its own `m` and `k` uses more
/// bits or more hashes than it reports.
pub const BELOW: f64 = 0.75;

/// The standard deviations of allowance either side of the formula.
pub const SIGMAS: f64 = 4.0;

/// The interval a false-positive rate measured over `trials` absent keys must fall in, for a
/// formula's rate `f`: `[f × BELOW − 4σ, f × ABOVE + 4σ]`, `σ = sqrt(f(1 − f)/trials)`.
pub fn rate_bounds(f: f64, trials: u64) -> (f64, f64) {
    let allowance = SIGMAS * sigma(f, trials);
    ((f * BELOW - allowance).max(0.0), f * ABOVE + allowance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_sizing() {
        // 1 % costs 9.585 bits per item and 6.64 hashes.
        assert!((optimal_bits(1_000, 0.01) - 9_585.06).abs() < 0.01);
        assert!((optimal_hashes(0.01) - 6.643_856).abs() < 1e-6);
        assert!((optimal_hashes(0.5) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn the_standard_rate_at_the_optimum_is_the_target() {
        for p in [0.1, 0.01, 0.001] {
            let n = 100_000;
            let m = optimal_bits(n, p).ceil() as u64;
            let k = optimal_hashes(p).round() as u32;
            let f = standard_rate(m, k, n);
            assert!((f / p - 1.0).abs() < 0.1, "p {p}: {f}");
        }
    }

    #[test]
    fn the_blocked_rate_is_above_the_standard_one_and_grows_with_k() {
        let n = 100_000;
        let mut last = 1.0;
        for p in [0.1, 0.01, 0.001] {
            let m = (optimal_bits(n, p) / 512.0).ceil() as u64 * 512;
            let k = optimal_hashes(p).round() as u32;
            let (s, b) = (standard_rate(m, k, n), blocked_rate(m, k, n));
            assert!(b > s, "p {p}: blocked {b} standard {s}");
            assert!(b / s > last || last == 1.0, "{p}");
            last = b / s;
        }
        // One block, one item: exactly the 512-bit standard filter's rate.
        let one = blocked_rate(512, 3, 0);
        assert_eq!(one, 0.0);
        // A huge load: everything set, rate 1.
        assert!((blocked_rate(512, 3, 100_000) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_estimate_inverts_the_expected_fill() {
        let (m, k, n) = (1_000_000u64, 7u32, 100_000u64);
        let expected_set = m as f64 * (1.0 - (-(f64::from(k)) * n as f64 / m as f64).exp());
        let est = estimated_items(m, k, expected_set.round() as u64);
        assert!((est / n as f64 - 1.0).abs() < 1e-4, "{est}");
        assert_eq!(estimated_items(64, 3, 64), f64::INFINITY);
        assert_eq!(estimated_items(64, 3, 0), 0.0);
    }

    #[test]
    fn bounds_are_wider_for_rarer_events() {
        let (lo, hi) = rate_bounds(0.01, 1_000_000);
        assert!(
            lo > 0.0070 && lo < 0.0072 && hi > 0.0118 && hi < 0.0120,
            "{lo} {hi}"
        );
        let (lo, _) = rate_bounds(1e-6, 1_000_000);
        assert_eq!(lo, 0.0);
    }
}
