//! The benchmark harness behind `cargo kata bench`.
//!
//! One binary per kata and implementation (`src/bin/<feature>.rs`, as in `harness/runner`): the
//! binary `lru-learner` times the learner's crate, the reference and the lru peers; the binary
//! `lru` times the reference and the peers only (`cargo kata bench lru --solution`). Every
//! contender runs the same named workloads, defined once in `kata_suites::<kata>::workloads` and
//! shared with the complexity stage, through criterion.
//!
//! Criterion does the statistics (warm-up, linear sampling, outlier classification, and in a
//! full run its HTML report under `target/kata/bench/criterion`). We need the figure it ranks by,
//! the median time per operation, inside this process: [`Harness::time`] times each sample through
//! `iter_custom` and keeps the samples of the measurement phase (criterion calls the routine once
//! per sample after its warm-up, so they are the last `sample_size` calls), whose median per
//! operation is criterion's own median estimate.
//!
//! Peers are graded on the kata's examples and properties in process before they are timed; one
//! that fails is still timed, but marked, with the check it fails and the semantic difference that
//! explains it, so that nobody compares unlike with like without knowing it.
//!
//! The binary writes a [`kata_suites::bench::Summary`] as JSON to `--out`; progress goes to
//! stderr, criterion's own report to stdout (the CLI keeps it in a log file).

use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use criterion::Criterion;
use kata_suites::bench::{self, Contender, Role, Summary, Timing, WorkloadTimings};
use kata_suites::measure::Spec;

#[cfg(feature = "lru")]
pub mod lru;
#[cfg(feature = "token-bucket")]
pub mod token_bucket;

/// What the CLI asked for.
#[derive(Debug, Clone)]
pub struct Args {
    /// Short warm-up and measurement: about a second per contender and workload.
    pub quick: bool,
    /// Only these workloads (all when empty).
    pub workloads: Vec<String>,
    /// Where the JSON summary goes.
    pub out: PathBuf,
    /// Seed of the workloads' random traces.
    pub seed: u64,
}

/// The seed of the workload traces when none is given: the same traces in every run, so that
/// ratios from different runs and machines compare.
pub const DEFAULT_SEED: u64 = 0xBE4C_5EED;

impl Args {
    /// Parses `--out FILE [--quick] [--workload NAME]... [--seed N]`.
    ///
    /// # Errors
    ///
    /// A message naming the bad argument.
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut parsed = Args {
            quick: false,
            workloads: Vec::new(),
            out: PathBuf::new(),
            seed: DEFAULT_SEED,
        };
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--quick" => parsed.quick = true,
                "--workload" => parsed.workloads.push(value()?),
                "--out" => parsed.out = PathBuf::from(value()?),
                "--seed" => {
                    let v = value()?;
                    parsed.seed = v.parse().map_err(|_| format!("bad seed `{v}`"))?;
                }
                // `cargo bench` passes `--bench`; accepted so that the binaries also run that way.
                "--bench" => {}
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if parsed.out.as_os_str().is_empty() {
            return Err("--out FILE is required".into());
        }
        Ok(parsed)
    }
}

/// Runs criterion over contenders and workloads and collects the [`Summary`].
pub struct Harness {
    criterion: Criterion,
    args: Args,
    summary: Summary,
}

impl Harness {
    /// A harness for `kata` configured by `args`.
    pub fn new(kata: &str, args: Args) -> Harness {
        let criterion = if args.quick {
            Criterion::default()
                .warm_up_time(Duration::from_millis(300))
                .measurement_time(Duration::from_millis(900))
                .sample_size(20)
                .nresamples(10_000)
                .without_plots()
        } else {
            Criterion::default()
        };
        Harness {
            criterion: criterion.with_output_color(false),
            summary: Summary {
                schema: bench::SCHEMA,
                kata: kata.to_owned(),
                mode: if args.quick { "quick" } else { "full" }.to_owned(),
                contenders: Vec::new(),
                workloads: Vec::new(),
            },
            args,
        }
    }

    /// The seed of the workload traces.
    pub fn seed(&self) -> u64 {
        self.args.seed
    }

    /// Whether the workload `name` was asked for.
    pub fn wants(&self, name: &str) -> bool {
        self.args.workloads.is_empty() || self.args.workloads.iter().any(|w| w == name)
    }

    /// Registers a contender (before timing it).
    pub fn contender(&mut self, contender: Contender) {
        if contender.role == Role::Peer {
            let verdict = if contender.correct {
                "passed"
            } else {
                "failed"
            };
            progress(&format!("peer\t{}\t{verdict}", contender.name));
        }
        self.summary.contenders.push(contender);
    }

    /// Times `routine` as `contender` on workload `name`. `routine(iters)` runs `iters`
    /// operations and returns how long they took.
    pub fn time(
        &mut self,
        name: &str,
        summary: &str,
        contender: &str,
        mut routine: impl FnMut(u64) -> Duration,
    ) {
        progress(&format!("start\t{name}\t{contender}"));
        let samples: Rc<RefCell<Vec<(u64, Duration)>>> = Rc::default();
        let kept = Rc::clone(&samples);
        let mut group = self
            .criterion
            .benchmark_group(format!("{}/{name}", self.summary.kata));
        group.bench_function(contender, |b| {
            b.iter_custom(|iters| {
                let took = routine(iters);
                kept.borrow_mut().push((iters, took));
                took
            })
        });
        group.finish();
        let samples = samples.borrow();
        let n = sample_size(self.args.quick).min(samples.len());
        let per_op: Vec<f64> = samples[samples.len() - n..]
            .iter()
            .map(|(iters, took)| took.as_nanos() as f64 / (*iters).max(1) as f64)
            .collect();
        let timing = Timing {
            contender: contender.to_owned(),
            median_ns: bench::median(&per_op),
            min_ns: per_op.iter().copied().fold(f64::INFINITY, f64::min),
            max_ns: per_op.iter().copied().fold(0.0, f64::max),
            samples: n,
        };
        progress(&format!("done\t{name}\t{contender}\t{}", timing.median_ns));
        match self.summary.workloads.iter_mut().find(|w| w.name == name) {
            Some(w) => w.timings.push(timing),
            None => self.summary.workloads.push(WorkloadTimings {
                name: name.to_owned(),
                summary: summary.to_owned(),
                timings: vec![timing],
            }),
        }
    }

    /// Writes the summary to `--out` and exits.
    pub fn finish(self) -> ! {
        if self.summary.workloads.is_empty() {
            eprintln!("kata-bench: no workload matched {:?}", self.args.workloads);
            std::process::exit(3);
        }
        let json = serde_json::to_string_pretty(&self.summary).expect("serialisable");
        if let Err(e) = std::fs::write(&self.args.out, json) {
            eprintln!("kata-bench: cannot write {}: {e}", self.args.out.display());
            std::process::exit(3);
        }
        std::process::exit(0);
    }
}

fn sample_size(quick: bool) -> usize {
    if quick {
        20
    } else {
        100
    }
}

/// A line of progress on stderr, for the CLI ([`bench::PROGRESS_PREFIX`]).
pub fn progress(line: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{}{line}", bench::PROGRESS_PREFIX);
}

/// Parses the process's arguments, or exits with a message.
pub fn args() -> Args {
    Args::parse(std::env::args().skip(1)).unwrap_or_else(|e| {
        eprintln!("kata-bench: {e}");
        std::process::exit(3);
    })
}

/// Times one contender on one workload, under the name given.
pub type TimeOne = fn(&mut Harness, &Spec, &str);

/// A bench binary's whole run: registers the learner's crate (when this binary has it), the
/// reference and the peers (`peers` grades each in process), then times every contender on every
/// workload asked for, workload by workload, and writes the summary.
pub fn run(
    kata: &str,
    workloads: &[Spec],
    learner: Option<TimeOne>,
    reference: TimeOne,
    peers: fn() -> Vec<(Contender, TimeOne)>,
) -> ! {
    let mut h = Harness::new(kata, args());
    let mut contenders: Vec<(String, TimeOne)> = Vec::new();
    if let Some(time) = learner {
        h.contender(self::learner());
        contenders.push(("yours".into(), time));
    }
    h.contender(self::reference());
    contenders.push(("reference".into(), reference));
    for (contender, time) in peers() {
        contenders.push((contender.name.clone(), time));
        h.contender(contender);
    }
    for spec in workloads {
        if !h.wants(spec.name) {
            continue;
        }
        for (name, time) in &contenders {
            time(&mut h, spec, name);
        }
    }
    h.finish()
}

/// The contender record of the learner's crate (graded by the CLI before it is timed).
pub fn learner() -> Contender {
    Contender {
        name: "yours".into(),
        role: Role::Learner,
        version: None,
        correct: true,
        failure: None,
    }
}

/// The contender record of the reference.
pub fn reference() -> Contender {
    Contender {
        name: "reference".into(),
        role: Role::Reference,
        version: None,
        correct: true,
        failure: None,
    }
}

/// The contender record of a peer crate, from its in-process verdict on the kata's checks.
pub fn peer(peer: &kata_peers::Peer, verdict: &kata_peers::Verdict) -> Contender {
    Contender {
        name: peer.name.into(),
        role: Role::Peer,
        version: Some(format!("{} {}", peer.krate, peer.version)),
        correct: verdict.passed(),
        failure: verdict.failure().map(|f| {
            let why = peer.difference.unwrap_or(
                "(no known difference is recorded for this crate: the adapter may be wrong)",
            );
            format!("{f}. {why}")
        }),
    }
}

/// The seed peers are graded with: the grader's default, so their verdict is the same in every
/// run (the learner's crate is the one graded with fresh seeds).
pub const PEER_SEED: u64 = kata_suites::runner::DEFAULT_SEED;

/// Times `iters` calls of `step`.
#[inline]
pub fn time_steps(iters: u64, mut step: impl FnMut()) -> Duration {
    let start = std::time::Instant::now();
    for _ in 0..iters {
        step();
    }
    start.elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn arguments_parse_and_bad_ones_are_named() {
        let a = parse(&[
            "--out",
            "x.json",
            "--quick",
            "--workload",
            "scan",
            "--seed",
            "7",
        ])
        .unwrap();
        assert!(a.quick);
        assert_eq!(a.workloads, ["scan"]);
        assert_eq!(a.seed, 7);
        assert!(parse(&["--quick"]).unwrap_err().contains("--out"));
        assert!(parse(&["--out", "x", "--fast"])
            .unwrap_err()
            .contains("--fast"));
        assert!(parse(&["--out", "x", "--seed", "z"])
            .unwrap_err()
            .contains("bad seed"));
    }
}
