//! The summary a bench binary writes for `cargo kata bench`, and the statistics every reader of
//! it shares: who was timed, on which workload, round by round; each ratio with its spread; and
//! which differences are real.
//!
//! The bench binaries (`benches/`, crate `kata-bench`) time every contender of a workload in
//! interleaved rounds and write one [`Summary`] as JSON; the CLI reads it back to print the ranked
//! tables and record a leaderboard entry. The types live here, beside the events of a graded run,
//! because both sides depend on this crate and neither should link the other.
//!
//! # How a ratio is judged
//!
//! In each round every contender runs one batch, in an order drawn at random, so a round is a
//! moment of the machine's life that every contender shared. A contender's ratio to another is
//! taken round by round (its batch's ns/op over the other's, in the same round), so whatever the
//! machine was doing in that round cancels. [`Ratio::between`] reports the median of those
//! per-round ratios and a distribution-free 95 % confidence interval for it, from the order
//! statistics of the ratios ([`median_interval`]: no assumption about the shape of the noise,
//! and one round spoilt by a burst of load moves it by one rank at most).
//!
//! A difference counts only when the whole interval lies outside the tie band, [`TIE_BAND`]
//! either side of 1 ([`Ratio::pace`]): it must be both clear of the noise and large enough to
//! matter. Everything else is a tie, and [`ranks`] starts a new rank only at a contender clearly
//! slower than the first of the rank above, so ties share a rank and nothing is ranked inside the
//! noise.

use serde::{Deserialize, Serialize};

/// The version of [`Summary`]'s layout; bumped on any incompatible change.
pub const SCHEMA: u32 = 2;

/// Ratios whose confidence interval reaches into `1 ± TIE_BAND` (`0.952 ..= 1.05`: symmetric on
/// a log scale) are ties: a difference of a few percent is below what a shared machine resolves
/// between two builds of the same code (code alignment alone moves that much).
pub const TIE_BAND: f64 = 0.05;

/// The confidence of the intervals [`median_interval`] returns.
pub const CONFIDENCE: f64 = 0.95;

/// The prefix of the bench binary's progress lines on stderr. Criterion writes its own progress
/// to stderr too; the CLI shows the lines with this prefix and keeps the others in a log.
/// After the prefix, tab-separated: `peer <name> <passed|failed>`, `workload <name> <rounds>`,
/// `round <workload> <done> <rounds>`, `done <workload>`, `criterion <workload> <contender>`,
/// `count start` and `count done` (counting instructions under callgrind).
pub const PROGRESS_PREFIX: &str = "kata-bench| ";

/// What one run of a bench binary measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The kata benchmarked.
    pub kata: String,
    /// `quick` or `full`.
    pub mode: String,
    /// Everyone timed, in the order they were registered.
    pub contenders: Vec<Contender>,
    /// One entry per workload, in the order they ran.
    pub workloads: Vec<WorkloadTimings>,
    /// Why instructions were not counted (valgrind missing, say), when they were not.
    pub instructions_note: Option<String>,
}

/// Whose code a contender is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The learner's crate (`katas/<kata>`).
    Learner,
    /// The reference solution (`solutions/<kata>`): the yardstick of every ratio.
    Reference,
    /// A well-known crate behind a thin adapter (`benches/peers`).
    Peer,
    /// A contender of the bench's own self-test (`--selftest`): the reference again, or the
    /// reference made to do half as much work again.
    Selftest,
}

/// One implementation that was timed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contender {
    /// The name in the tables: `yours`, `reference`, or the peer crate's name.
    pub name: String,
    /// Whose code it is.
    pub role: Role,
    /// `crate version` for a peer.
    pub version: Option<String>,
    /// Whether it passed the correctness stages it was graded on before timing (for a peer:
    /// examples and properties, in process; the learner's crate is graded by the CLI first).
    pub correct: bool,
    /// For a contender that is not correct: the stage, check and message that failed, and the
    /// known semantic difference that explains it.
    pub failure: Option<String>,
}

/// The timings of every contender on one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadTimings {
    /// The workload's name (`read-heavy`, `uncontended`, ...).
    pub name: String,
    /// One line saying what it does.
    pub summary: String,
    /// What the batches were timed with: `thread CPU time` or `wall time`.
    pub clock: String,
    /// One timing per contender, in the order they were registered.
    pub timings: Vec<Timing>,
}

/// One contender's time on one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// The contender's name, as in [`Contender::name`].
    pub contender: String,
    /// Nanoseconds per operation of its batch in each round, in round order: the same length
    /// for every contender of the workload.
    pub rounds_ns: Vec<f64>,
    /// Instructions per operation, counted under callgrind (`None` when not counted).
    pub instructions_per_op: Option<f64>,
}

impl Timing {
    /// The median of [`Timing::rounds_ns`].
    pub fn median_ns(&self) -> f64 {
        median(&self.rounds_ns)
    }
}

impl WorkloadTimings {
    /// The timing of `contender`, if it ran.
    pub fn timing(&self, contender: &str) -> Option<&Timing> {
        self.timings.iter().find(|t| t.contender == contender)
    }
}

impl Summary {
    /// The timing of `contender` on `workload`, if it ran.
    pub fn timing(&self, workload: &str, contender: &str) -> Option<&Timing> {
        self.workloads
            .iter()
            .find(|w| w.name == workload)?
            .timing(contender)
    }

    /// The record of contender `name`.
    pub fn contender(&self, name: &str) -> Option<&Contender> {
        self.contenders.iter().find(|c| c.name == name)
    }
}

/// The median of `xs` (the mean of the two middle values for an even count); `NaN` when empty.
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// The median of `xs` and a distribution-free [`CONFIDENCE`] interval for it: `(low, median,
/// high)`. The interval runs from the `k`-th smallest to the `k`-th largest value, `k` the
/// largest rank for which a Binomial(n, ½) count falls below `k` with probability at most
/// (1 − confidence) / 2: the chance that the true median lies below the `k`-th smallest value is
/// the chance that fewer than `k` values fall below it. With fewer than six values no rank is
/// that safe, and the interval is the whole range. `NaN`s when empty.
pub fn median_interval(xs: &[f64]) -> (f64, f64, f64) {
    if xs.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let tail = (1.0 - CONFIDENCE) / 2.0;
    // P(B <= i) for B ~ Binomial(n, 1/2), accumulated term by term.
    let mut pmf = 0.5f64.powi(i32::try_from(n).unwrap_or(i32::MAX));
    let mut cdf = 0.0;
    let mut k = 0;
    for i in 0..n {
        cdf += pmf;
        if cdf > tail {
            break;
        }
        // P(B < i + 1) <= tail: the (i + 1)-th smallest value is a safe lower bound.
        k = i + 1;
        pmf *= (n - i) as f64 / (i + 1) as f64;
    }
    let k = k.max(1).min(n.div_ceil(2));
    (v[k - 1], median(&v), v[n - k])
}

/// Faster, tied with or slower than what a ratio is taken against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pace {
    /// The whole interval is below the tie band.
    Faster,
    /// The interval reaches into the tie band.
    Tie,
    /// The whole interval is above the tie band.
    Slower,
}

impl Pace {
    /// `faster`, `tie` or `slower`.
    pub fn word(self) -> &'static str {
        match self {
            Pace::Faster => "faster",
            Pace::Tie => "tie",
            Pace::Slower => "slower",
        }
    }
}

/// A ratio of two contenders' times with its spread.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    /// The median of the per-round ratios.
    pub median: f64,
    /// The low end of its [`CONFIDENCE`] interval.
    pub low: f64,
    /// The high end of its [`CONFIDENCE`] interval.
    pub high: f64,
}

impl Ratio {
    /// `a`'s time over `b`'s, round by round (`a` and `b` are [`Timing::rounds_ns`] of one
    /// workload): the median of the per-round ratios and its interval ([`median_interval`]).
    pub fn between(a: &[f64], b: &[f64]) -> Ratio {
        let per_round: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
        let (low, median, high) = median_interval(&per_round);
        Ratio { median, low, high }
    }

    /// A ratio known only as a point (an entry recorded before spreads were), taken to be as
    /// uncertain as the tie band.
    pub fn point(median: f64) -> Ratio {
        Ratio {
            median,
            low: median,
            high: median,
        }
    }

    /// [`Pace::Faster`] when the whole interval lies below `1 / (1 + TIE_BAND)`,
    /// [`Pace::Slower`] when it lies above `1 + TIE_BAND`, else [`Pace::Tie`].
    pub fn pace(&self) -> Pace {
        if self.high < 1.0 / (1.0 + TIE_BAND) {
            Pace::Faster
        } else if self.low > 1.0 + TIE_BAND {
            Pace::Slower
        } else {
            Pace::Tie
        }
    }

    /// `1.02x (0.97-1.08)`: the median and the interval.
    pub fn label(&self) -> String {
        if self.low == self.high {
            return format!("{:.2}x", self.median);
        }
        format!("{:.2}x ({:.2}-{:.2})", self.median, self.low, self.high)
    }
}

/// The rank of each of `timings` (one workload's, in order). In order of median time, each
/// contender shares the rank of the one above it unless it is clearly slower ([`Ratio::pace`]
/// of its ratio to the first contender of that rank is [`Pace::Slower`]); then its rank is its
/// position. So ties share a rank, ranks follow the order of the table, and a chain of small
/// steps (10, 10.4, 10.8 ns) starts a new rank only where it has drifted clear of the rank's
/// first contender: 1, 1, 3.
pub fn ranks(timings: &[Timing]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..timings.len()).collect();
    order.sort_by(|&a, &b| timings[a].median_ns().total_cmp(&timings[b].median_ns()));
    let mut ranks = vec![0; timings.len()];
    let mut leader: Option<usize> = None;
    for (position, &i) in order.iter().enumerate() {
        ranks[i] = match leader {
            Some(l)
                if Ratio::between(&timings[i].rounds_ns, &timings[l].rounds_ns).pace()
                    != Pace::Slower =>
            {
                ranks[l]
            }
            _ => {
                leader = Some(i);
                position + 1
            }
        };
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn the_median_interval_uses_the_binomial_order_statistics() {
        let xs: Vec<f64> = (1..=21).map(f64::from).collect();
        // n = 21: P(B <= 5) = 0.0133 <= 0.025 < P(B <= 6) = 0.0392, so k = 6.
        assert_eq!(median_interval(&xs), (6.0, 11.0, 16.0));
        let xs: Vec<f64> = (1..=10).map(f64::from).collect();
        // n = 10: P(B <= 1) = 0.0107, P(B <= 2) = 0.0547: k = 2.
        assert_eq!(median_interval(&xs), (2.0, 5.5, 9.0));
        // Too few values for any rank to be safe: the whole range.
        assert_eq!(median_interval(&[3.0, 1.0, 2.0]), (1.0, 2.0, 3.0));
        assert_eq!(median_interval(&[4.0]), (4.0, 4.0, 4.0));
        // One wild value moves the interval by one rank at most.
        let mut spoilt: Vec<f64> = (1..=21).map(f64::from).collect();
        spoilt[0] = 1e9;
        assert_eq!(median_interval(&spoilt), (7.0, 12.0, 17.0));
    }

    #[test]
    fn the_interval_covers_the_true_median_about_as_often_as_promised() {
        // Uniform noise around a true median of 1: count how often the interval misses it.
        let mut rng = crate::measure::SplitMix64::new(9);
        let trials = 2_000;
        let missed = (0..trials)
            .filter(|_| {
                let xs: Vec<f64> = (0..21).map(|_| 0.5 + rng.unit()).collect();
                let (lo, _, hi) = median_interval(&xs);
                !(lo..=hi).contains(&1.0)
            })
            .count();
        // The promise is at most 5 % (2.7 % exactly, for 21 values).
        assert!(missed < trials * 5 / 100, "{missed} of {trials}");
        assert!(
            missed > 0,
            "an interval that never misses is the whole range"
        );
    }

    #[test]
    fn a_ratio_is_only_faster_or_slower_clear_of_the_tie_band() {
        let r = |low, median, high| Ratio { median, low, high };
        assert_eq!(r(0.80, 0.85, 0.90).pace(), Pace::Faster);
        assert_eq!(r(0.90, 0.93, 0.96).pace(), Pace::Tie);
        assert_eq!(r(0.97, 1.00, 1.03).pace(), Pace::Tie);
        assert_eq!(r(1.02, 1.10, 1.20).pace(), Pace::Tie);
        assert_eq!(r(1.06, 1.10, 1.20).pace(), Pace::Slower);
        assert_eq!(r(0.97, 1.0, 1.03).label(), "1.00x (0.97-1.03)");
        assert_eq!(Ratio::point(1.5).label(), "1.50x");
    }

    #[test]
    fn ratios_are_taken_round_by_round() {
        // The machine slows down in the middle rounds; both contenders feel it: the per-round
        // ratio is 2 throughout, which a ratio of medians over noisy rounds would blur.
        let a = [20.0, 40.0, 200.0, 40.0, 20.0, 22.0, 30.0];
        let b = [10.0, 20.0, 100.0, 20.0, 10.0, 11.0, 15.0];
        let r = Ratio::between(&a, &b);
        assert_eq!((r.low, r.median, r.high), (2.0, 2.0, 2.0));
        assert_eq!(r.pace(), Pace::Slower);
    }

    #[test]
    fn ties_share_a_rank_and_a_rank_counts_only_those_clearly_faster() {
        let t = |name: &str, rounds_ns: Vec<f64>| Timing {
            contender: name.into(),
            rounds_ns,
            instructions_per_op: None,
        };
        let wobble = |base: f64| -> Vec<f64> {
            (0..21)
                .map(|i| base * (1.0 + 0.02 * f64::from(i % 3) - 0.02))
                .collect()
        };
        let timings = [
            t("slow", wobble(15.0)),
            t("fast", wobble(10.0)),
            t("fast-too", wobble(10.1)),
            t("middle", wobble(10.4)),
        ];
        assert_eq!(ranks(&timings), [4, 1, 1, 1]);
        // A chain of ties: the third has drifted clear of the first.
        let chain = [
            t("c", wobble(10.8)),
            t("a", wobble(10.0)),
            t("b", wobble(10.4)),
        ];
        assert_eq!(ranks(&chain), [3, 1, 1]);
    }

    #[test]
    fn summary_round_trips_through_json() {
        let s = Summary {
            schema: SCHEMA,
            kata: "lru".into(),
            mode: "quick".into(),
            contenders: vec![Contender {
                name: "reference".into(),
                role: Role::Reference,
                version: None,
                correct: true,
                failure: None,
            }],
            workloads: vec![WorkloadTimings {
                name: "scan".into(),
                summary: "a loop".into(),
                clock: "thread CPU time".into(),
                timings: vec![Timing {
                    contender: "reference".into(),
                    rounds_ns: vec![12.0, 12.5, 13.0],
                    instructions_per_op: Some(120.5),
                }],
            }],
            instructions_note: None,
        };
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"role\":\"reference\""));
        assert_eq!(serde_json::from_str::<Summary>(&json).unwrap(), s);
        assert_eq!(s.timing("scan", "reference").unwrap().median_ns(), 12.5);
        assert!(s.timing("scan", "yours").is_none());
    }
}
