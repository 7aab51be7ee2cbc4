//! The summary a bench binary writes for `cargo kata bench`: who was timed, on which workload,
//! with what median, and whether each contender is a correct implementation of the kata.
//!
//! The bench binaries (`benches/`, crate `kata-bench`) measure with criterion and write one
//! [`Summary`] as JSON; the CLI reads it back to print the ranked tables and record a
//! leaderboard entry. The types live here, beside the events of a graded run, because both sides
//! depend on this crate and neither should link the other (the CLI never compiles criterion).

use serde::{Deserialize, Serialize};

/// The version of [`Summary`]'s layout; bumped on any incompatible change.
pub const SCHEMA: u32 = 1;

/// The prefix of the bench binary's progress lines on stderr. Criterion writes its own progress
/// to stderr too; the CLI shows the lines with this prefix and keeps the others in a log.
/// After the prefix, tab-separated: `start <workload> <contender>`, `done <workload> <contender>
/// <median ns>`, or `peer <name> <passed|failed>`.
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
    /// Everyone timed, in the order they were timed.
    pub contenders: Vec<Contender>,
    /// One entry per workload, in the order they ran.
    pub workloads: Vec<WorkloadTimings>,
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
    /// One timing per contender, in the order they ran.
    pub timings: Vec<Timing>,
}

/// One contender's time on one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// The contender's name, as in [`Contender::name`].
    pub contender: String,
    /// Median time per operation over criterion's samples, in nanoseconds.
    pub median_ns: f64,
    /// The fastest and slowest sample, per operation, in nanoseconds.
    pub min_ns: f64,
    /// See [`Timing::min_ns`].
    pub max_ns: f64,
    /// How many samples the median is of.
    pub samples: usize,
}

impl Summary {
    /// The timing of `contender` on `workload`, if it ran.
    pub fn timing(&self, workload: &str, contender: &str) -> Option<&Timing> {
        self.workloads
            .iter()
            .find(|w| w.name == workload)?
            .timings
            .iter()
            .find(|t| t.contender == contender)
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
                timings: vec![Timing {
                    contender: "reference".into(),
                    median_ns: 12.5,
                    min_ns: 11.0,
                    max_ns: 20.0,
                    samples: 20,
                }],
            }],
        };
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"role\":\"reference\""));
        assert_eq!(serde_json::from_str::<Summary>(&json).unwrap(), s);
        assert_eq!(s.timing("scan", "reference").unwrap().median_ns, 12.5);
        assert!(s.timing("scan", "yours").is_none());
    }
}
