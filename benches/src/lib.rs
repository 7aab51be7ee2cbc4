//! The benchmark harness behind `cargo kata bench`.
//!
//! One binary per kata for the learner's crate (`src/bin/<kata>-learner.rs`, as in
//! `harness/runner`): the binary `lru-learner` times the learner's crate, the reference and the lru
//! peers. One binary, `references`, times any kata's reference and peers (`cargo kata bench lru
//! --solution`, the kata named by `KATA_BENCH_KATA`), so that it is built once for all. Every
//! contender runs the same named workloads, defined once in `kata_suites::<kata>::workloads` and
//! shared with the complexity stage.
//!
//! # Rounds, not one contender after another
//!
//! A shared machine does not hold still: other processes come and go, the frequency moves, a
//! neighbour fills the shared cache. Timing one contender for a few seconds and then the next
//! (criterion's way, one function at a time) lets all of that land on one contender and not on
//! the other: this harness used to, and the reference timed against itself came out anywhere
//! between 0.55x and 1.02x. So every workload is a [`race`]: in each round, every contender runs
//! one batch of about [`BATCH`] ([`CONTENDED_BATCH`] for threads), in an order drawn at random,
//! each batch after half a batch untimed to bring its own data back into the caches. A round is a moment that every contender
//! shared, and the ratios are taken round by round ([`kata_suites::bench::Ratio`]), with their
//! spread, so that a tie is called a tie.
//!
//! Each contender's state (a cache filled to capacity, a bucket) is built afresh for every
//! round from the workload's shared plan, untimed: see [`REBUILD_EVERY_ROUND`] for why. And the
//! rounds are split across several processes run one after another ([`race_in_processes`]):
//! what a process's memory layout does to a memory-bound contender stays fixed for its life.
//!
//! Batches are timed in CPU time ([`Subject::timed_steps`], [`Clock`]): the thread's
//! ([`kata_suites::measure::thread_time`]), or for a contended workload its worker threads',
//! so that time spent descheduled while other processes run does not count.
//!
//! # Instructions
//!
//! Time depends on the machine and its load; instructions do not. After the race, the binary runs
//! itself once more under `valgrind --tool=callgrind` ([`count`]), which counts the instructions
//! of a fixed number of operations of every contender on every single-threaded workload: a figure
//! that is the same on a loaded machine and an idle one, and comparable between machines of one
//! architecture. (It is not a stand-in for time: a cache miss costs one instruction and a hundred
//! cycles. Callgrind runs one thread at a time, so it cannot see contention, and contended
//! workloads are not counted.)
//!
//! # Criterion
//!
//! A full run (not `--quick`) also hands the learner's crate (or, with `--solution`, the
//! reference) to criterion, workload by workload, for its statistics and HTML report under
//! `target/kata/bench/criterion`, and its comparison with the previous run of the same crate: the
//! place to see whether your last change made your own crate faster. Ranks never come from it.
//!
//! Peers are graded on the kata's examples and properties in process before they are timed; one
//! that fails is still timed, but marked, with the check it fails and the semantic difference that
//! explains it, so that nobody compares unlike with like without knowing it.
//!
//! The binary writes a [`kata_suites::bench::Summary`] as JSON to `--out`; progress goes to
//! stderr, criterion's own report to stdout (the CLI keeps both in a log).

use std::any::Any;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::Criterion;
use kata_suites::bench::{self, Contender, Role, Summary, Timing, WorkloadTimings};
use kata_suites::measure::{thread_time, SplitMix64};

pub use kata_suites::measure::Spec;

#[cfg(feature = "bloom-filter")]
pub mod bloom_filter;
#[cfg(feature = "consistent-hashing")]
pub mod consistent_hashing;
#[cfg(feature = "count-min-sketch")]
pub mod count_min_sketch;
#[cfg(feature = "leaky-bucket")]
pub mod leaky_bucket;
#[cfg(feature = "lfu")]
pub mod lfu;
#[cfg(feature = "lru")]
pub mod lru;
#[cfg(feature = "merkle-tree")]
pub mod merkle_tree;
#[cfg(feature = "order-book")]
pub mod order_book;
#[cfg(feature = "sliding-window")]
pub mod sliding_window;
#[cfg(feature = "snowflake")]
pub mod snowflake;
#[cfg(feature = "token-bucket")]
pub mod token_bucket;
#[cfg(feature = "trie")]
pub mod trie;
#[cfg(feature = "vector-clock")]
pub mod vector_clock;

/// What the CLI asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    /// Fewer rounds, and no criterion report.
    pub quick: bool,
    /// Only these workloads (all when empty).
    pub workloads: Vec<String>,
    /// Where the JSON summary goes.
    pub out: PathBuf,
    /// Seed of the workloads' random traces and of the order of contenders in each round.
    pub seed: u64,
    /// Rounds per workload (default [`QUICK_ROUNDS`] or [`FULL_ROUNDS`]).
    pub rounds: Option<usize>,
    /// Add the self-test's contenders: the reference a second time, and the reference doing half
    /// as much work again.
    pub selftest: bool,
    /// Do not count instructions.
    pub no_count: bool,
    /// Leave the peers out: the learner's crate (or the self-test's contenders) against the
    /// reference only.
    pub no_peers: bool,
    /// Internal: run as the child [`count`] starts under callgrind.
    pub count_child: bool,
    /// Internal: run as one of the processes a race is split across ([`race_in_processes`]):
    /// its index.
    pub race_child: Option<u64>,
}

/// The seed of the workload traces when none is given: the same traces in every run, so that
/// ratios from different runs and machines compare.
pub const DEFAULT_SEED: u64 = 0xBE4C_5EED;

/// Rounds per workload of a `--quick` run.
pub const QUICK_ROUNDS: usize = 21;

/// Rounds per workload of a full run.
pub const FULL_ROUNDS: usize = 60;

/// Processes a `--quick` run splits each workload's rounds across ([`race_in_processes`]).
pub const QUICK_PROCESSES: usize = 3;

/// Processes a full run splits each workload's rounds across.
pub const FULL_PROCESSES: usize = 5;

/// Each timed batch is sized to take about this long.
pub const BATCH: Duration = Duration::from_millis(4);

/// A contended workload's batches are sized to take about this much of its workers' CPU time:
/// how much two workers overlap, and so how hard they contend, is up to the scheduler, slice by
/// slice, and on a busy machine a 4 ms batch is one or two slices: its contention was luck. With
/// two spinning threads and another test's load on two cores, 4 ms batches put the reference
/// doing 1.5 times the work at 1.47x (0.94-1.66), a tie.
pub const CONTENDED_BATCH: Duration = Duration::from_millis(20);

impl Clock {
    /// How long a batch timed on this clock is sized to take.
    pub fn batch(self) -> Duration {
        match self {
            Clock::ThreadCpu => BATCH,
            Clock::WorkersCpu => CONTENDED_BATCH,
        }
    }
}

/// Whether every contender's state is built afresh for every round (from the workload's shared
/// plan, untimed) rather than once per run. Two caches filled the same way are not equally fast
/// for their whole life: where their memory lands (which physical pages, so which sets of the
/// shared caches they compete for) stays fixed while they live and differs between two
/// allocations. Timed on one allocation each, the reference against itself came out 0.81x
/// (0.80-0.81) on `scan` in one process and 0.95x-0.99x in three others, tight intervals in a
/// direction that changes from run to run, which no number of rounds averages out. Rebuilt every
/// round, each contender is measured over as many placements as rounds, and the same runs give
/// 0.96x-1.03x, every interval across 1. (Age does not matter: a cache run for a million
/// operations before every batch timed the same as a fresh one, within 2 %.)
pub const REBUILD_EVERY_ROUND: bool = true;

/// Operations whose instructions are counted per contender and workload, after
/// [`COUNT_WARMUP`] uncounted ones; fewer for a subject that asks ([`Subject::count_ops`]).
pub const COUNT_OPS: u64 = 1 << 15;

/// Operations run before counting starts: an eighth of the operations counted.
pub const COUNT_WARMUP: u64 = COUNT_OPS / 8;

impl Args {
    /// Parses `--out FILE [--quick] [--workload NAME]... [--seed N] [--rounds N] [--selftest]
    /// [--no-count] [--no-peers]`.
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
            rounds: None,
            selftest: false,
            no_count: false,
            no_peers: false,
            count_child: false,
            race_child: None,
        };
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--quick" => parsed.quick = true,
                "--selftest" => parsed.selftest = true,
                "--no-count" => parsed.no_count = true,
                "--no-peers" => parsed.no_peers = true,
                "--count-child" => parsed.count_child = true,
                "--race-child" => {
                    let v = value()?;
                    parsed.race_child =
                        Some(v.parse().map_err(|_| format!("bad race child `{v}`"))?);
                }
                "--workload" => parsed.workloads.push(value()?),
                "--out" => parsed.out = PathBuf::from(value()?),
                "--seed" => {
                    let v = value()?;
                    parsed.seed = v.parse().map_err(|_| format!("bad seed `{v}`"))?;
                }
                "--rounds" => {
                    let v = value()?;
                    parsed.rounds = Some(
                        v.parse()
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| format!("bad number of rounds `{v}`"))?,
                    );
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

    /// The flags that choose the contenders, for a child process (racing or counting) to run the
    /// same ones as its parent.
    pub fn contender_flags(&self) -> Vec<&'static str> {
        [(self.selftest, "--selftest"), (self.no_peers, "--no-peers")]
            .into_iter()
            .filter_map(|(on, flag)| on.then_some(flag))
            .collect()
    }

    /// The processes each workload's rounds are split across.
    pub fn processes(&self) -> usize {
        if self.quick {
            QUICK_PROCESSES
        } else {
            FULL_PROCESSES
        }
    }

    /// The rounds per process.
    pub fn rounds_per_process(&self) -> usize {
        let rounds = self.rounds.unwrap_or(if self.quick {
            QUICK_ROUNDS
        } else {
            FULL_ROUNDS
        });
        rounds.div_ceil(self.processes())
    }

    /// The rounds per workload: as asked (`--rounds`, or the mode's default), rounded up to a
    /// multiple of the processes.
    pub fn rounds(&self) -> usize {
        self.rounds_per_process() * self.processes()
    }

    /// Whether the workload `name` was asked for.
    pub fn wants(&self, name: &str) -> bool {
        self.workloads.is_empty() || self.workloads.iter().any(|w| w == name)
    }
}

/// Something a workload runs: a cache filled to capacity with its trace, a bucket, a pool of
/// threads around a shared bucket.
pub trait Subject {
    /// Runs the next `ops` operations.
    fn steps(&mut self, ops: u64);

    /// Runs the next `ops` operations and returns the CPU time they took: by default the calling
    /// thread's ([`thread_time`]), so that time spent descheduled while other processes run does
    /// not count. A subject whose operations run on threads of its own returns their CPU time
    /// per thread ([`Clock::WorkersCpu`]).
    fn timed_steps(&mut self, ops: u64) -> Duration {
        let t = thread_time();
        self.steps(ops);
        thread_time().saturating_sub(t)
    }

    /// Whether this contender sits the workload out ([`SitOut`]): it is neither timed nor
    /// counted there, and the workload's table leaves it out.
    fn sits_out(&self) -> bool {
        false
    }

    /// How many operations the counting child counts ([`count`]): [`COUNT_OPS`], or fewer for
    /// operations that take tens of microseconds (a thousand lookups, a search of a subtree of
    /// thousands of nodes), so that counting them under callgrind takes seconds, not minutes.
    fn count_ops(&self) -> u64 {
        COUNT_OPS
    }

    /// How long a batch of this subject is sized to take: `None` for its clock's
    /// ([`Clock::batch`]), or longer for operations of a millisecond whose costs differ widely
    /// (a search of a trie's subtree under a one-byte prefix or a three-byte one), so that a
    /// batch holds tens of them and one more or one fewer does not make another workload of it.
    fn batch_time(&self) -> Option<Duration> {
        None
    }
}

/// The subject of a peer that has no type for a workload (a build-once trie on an insert
/// workload, a jump hash on a ring's): it sits the workload out ([`Subject::sits_out`]).
pub struct SitOut;

impl Subject for SitOut {
    fn steps(&mut self, _: u64) {}

    fn sits_out(&self) -> bool {
        true
    }
}

/// What a workload's batches are timed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The calling thread's CPU time: for single-threaded workloads.
    ThreadCpu,
    /// The CPU time of the worker threads, summed and divided by their number: for contended
    /// workloads. Not wall time: on a busy machine a descheduled worker stretches a batch's wall
    /// time by a time slice or more (a contender once came out 215 times slower than itself that
    /// way), while the CPU time spent contending stays what it was.
    WorkersCpu,
}

impl Clock {
    fn describe(self) -> &'static str {
        match self {
            Clock::ThreadCpu => "thread CPU time",
            Clock::WorkersCpu => "the worker threads' CPU time, per thread",
        }
    }
}

/// A workload's shared plan (a trace, the keys to fill a cache with), built once per workload and
/// run by every contender: each kata module knows its concrete type.
pub type Plan = Arc<dyn Any + Send + Sync>;

/// Builds one contender's [`Subject`] for a workload from its plan.
pub type Make = fn(&Spec, &Plan) -> Box<dyn Subject>;

/// How a workload is run: its plan, its clock, and whether callgrind can count it.
pub struct Prepared {
    /// The shared plan.
    pub plan: Plan,
    /// What its batches are timed with.
    pub clock: Clock,
    /// Whether it runs on one thread, so that callgrind counts what it costs.
    pub countable: bool,
}

/// A peer crate as a kata module offers it: who it is, how to grade it, how to build it.
pub struct PeerEntrant {
    /// The catalogue's record.
    pub peer: &'static kata_peers::Peer,
    /// Grades it on the kata's examples and properties in process: a function of `kata-peers`,
    /// not generic, so that the grading code is compiled there and not beside the timed loops
    /// (see `kata_peers::lru::verdict`).
    pub grade: fn(&str, u64) -> Option<kata_peers::Verdict>,
    /// Builds it for a workload.
    pub make: Make,
}

/// The peers of a kata, as [`KataBench::peers`] wants them: its catalogue, its `verdict`
/// function, and the builder of each peer by name.
///
/// # Panics
///
/// When `make` has no builder for a peer of the catalogue: the kata module's own mistake.
pub fn peer_entrants(
    peers: &'static [kata_peers::Peer],
    grade: fn(&str, u64) -> Option<kata_peers::Verdict>,
    make: fn(&str) -> Option<Make>,
) -> Vec<PeerEntrant> {
    peers
        .iter()
        .map(|peer| PeerEntrant {
            peer,
            grade,
            make: make(peer.name)
                .unwrap_or_else(|| panic!("peer `{}` has no builder here", peer.name)),
        })
        .collect()
}

/// What a kata module gives the harness.
pub struct KataBench {
    /// The kata's name.
    pub kata: &'static str,
    /// Its workloads, in the order they run.
    pub workloads: &'static [Spec],
    /// Prepares a workload's plan from the seed.
    pub prepare: fn(&Spec, u64) -> Result<Prepared, String>,
    /// The learner's crate, when this binary has it.
    pub learner: Option<Make>,
    /// The reference.
    pub reference: Make,
    /// The peer crates.
    pub peers: Vec<PeerEntrant>,
}

/// How an entrant's subject is built.
#[derive(Clone, Copy)]
enum Build {
    /// By this function.
    One(Make),
    /// By this function, running one and a half operations for every one it is asked for: the
    /// same code, on the same memory, doing 1.5 times the work.
    Slower(Make),
}

/// One contender with the way its subject is built.
struct Entrant {
    contender: Contender,
    build: Build,
}

impl Entrant {
    fn make(&self, spec: &Spec, plan: &Plan) -> Box<dyn Subject> {
        match self.build {
            Build::One(make) => make(spec, plan),
            Build::Slower(make) => Box::new(OneAndAHalf(make(spec, plan))),
        }
    }
}

/// The self-test's slower contender: asked for `n` operations, it runs `n + n / 2`.
struct OneAndAHalf(Box<dyn Subject>);

impl Subject for OneAndAHalf {
    fn steps(&mut self, ops: u64) {
        self.0.steps(ops + ops / 2);
    }

    fn timed_steps(&mut self, ops: u64) -> Duration {
        self.0.timed_steps(ops + ops / 2)
    }

    fn count_ops(&self) -> u64 {
        self.0.count_ops()
    }

    fn batch_time(&self) -> Option<Duration> {
        self.0.batch_time()
    }
}

/// The name of the self-test's second reference.
pub const SELF_AGAIN: &str = "reference-again";

/// The name of the self-test's slower contender.
pub const SELF_SLOWER: &str = "reference-1.5x-work";

/// A bench binary's whole run: grades the peers, races every contender on every workload asked
/// for, counts instructions, and writes the summary; or, as the child of [`count`], counts.
pub fn run(kata: KataBench) -> ! {
    let args = args();
    let entrants = entrants(&kata, &args);
    if args.count_child {
        count_child(&kata, &args, &entrants);
    }
    if let Some(part) = args.race_child {
        race_child(&kata, &args, &entrants, part);
    }
    let mut summary = Summary {
        schema: bench::SCHEMA,
        kata: kata.kata.to_owned(),
        mode: if args.quick { "quick" } else { "full" }.to_owned(),
        contenders: entrants.iter().map(|e| e.contender.clone()).collect(),
        workloads: Vec::new(),
        instructions_note: None,
    };
    let mut criterion = (!args.quick).then(|| Criterion::default().with_output_color(false));
    for spec in kata.workloads.iter().filter(|s| args.wants(s.name)) {
        progress(&format!("workload\t{}\t{}", spec.name, args.rounds()));
        let (clock, rounds_ns) =
            race_in_processes(&args, spec, entrants.len()).unwrap_or_else(|e| fail(&e));
        progress(&format!("done\t{}", spec.name));
        summary.workloads.push(WorkloadTimings {
            name: spec.name.to_owned(),
            summary: spec.summary.to_owned(),
            clock,
            // A contender that sat the workload out has no rounds, and no row.
            timings: entrants
                .iter()
                .zip(rounds_ns)
                .filter(|(_, rounds_ns)| !rounds_ns.is_empty())
                .map(|(e, rounds_ns)| Timing {
                    contender: e.contender.name.clone(),
                    rounds_ns,
                    instructions_per_op: None,
                })
                .collect(),
        });
        if let Some(c) = &mut criterion {
            let own = entrants
                .iter()
                .find(|e| e.contender.role == Role::Learner)
                .or_else(|| {
                    entrants
                        .iter()
                        .find(|e| e.contender.role == Role::Reference)
                })
                .expect("a reference");
            progress(&format!("criterion\t{}\t{}", spec.name, own.contender.name));
            let prepared = (kata.prepare)(spec, args.seed).unwrap_or_else(|e| fail(&e));
            with_criterion(c, kata.kata, spec, &prepared, own);
        }
    }
    if summary.workloads.is_empty() {
        fail(&format!("no workload matched {:?}", args.workloads));
    }
    if args.no_count {
        summary.instructions_note = Some("not counted (--no-count)".into());
    } else {
        match count(&args, &summary) {
            Ok(counts) => {
                for w in &mut summary.workloads {
                    for t in &mut w.timings {
                        t.instructions_per_op = counts
                            .iter()
                            .find(|c| c.workload == w.name && c.contender == t.contender)
                            .map(|c| c.per_op);
                    }
                }
            }
            Err(why) => summary.instructions_note = Some(why),
        }
    }
    let json = serde_json::to_string_pretty(&summary).expect("serialisable");
    if let Err(e) = std::fs::write(&args.out, json) {
        fail(&format!("cannot write {}: {e}", args.out.display()));
    }
    std::process::exit(0);
}

/// Every contender of this run, in table order: the learner's crate, the reference, the
/// self-test's two (with `--selftest`), the peers (graded here, unless counting; none with
/// `--no-peers`).
fn entrants(kata: &KataBench, args: &Args) -> Vec<Entrant> {
    let mut all = Vec::new();
    if let Some(make) = kata.learner {
        all.push(Entrant {
            contender: learner(),
            build: Build::One(make),
        });
    }
    all.push(Entrant {
        contender: reference(),
        build: Build::One(kata.reference),
    });
    if args.selftest {
        for (name, build) in [
            (SELF_AGAIN, Build::One(kata.reference)),
            (SELF_SLOWER, Build::Slower(kata.reference)),
        ] {
            all.push(Entrant {
                contender: Contender {
                    name: name.into(),
                    role: Role::Selftest,
                    version: None,
                    correct: true,
                    failure: None,
                },
                build,
            });
        }
    }
    let peers = if args.no_peers {
        &[][..]
    } else {
        &kata.peers[..]
    };
    for p in peers {
        let contender = if args.count_child || args.race_child.is_some() {
            // A child needs no verdict: the parent has it.
            peer(p.peer, &kata_peers::Verdict::Passed)
        } else {
            let verdict = (p.grade)(p.peer.name, PEER_SEED)
                .unwrap_or_else(|| fail(&format!("no verdict for peer `{}`", p.peer.name)));
            let c = peer(p.peer, &verdict);
            progress(&format!(
                "peer\t{}\t{}",
                c.name,
                if c.correct { "passed" } else { "failed" }
            ));
            c
        };
        all.push(Entrant {
            contender,
            build: Build::One(p.make),
        });
    }
    all
}

/// What one process of a race sends back: the clock its batches were timed with, and every
/// entrant's ns per operation, round by round.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct RacePart {
    clock: String,
    rounds_ns: Vec<Vec<f64>>,
}

/// Races one workload in [`Args::processes`] processes in turn, each this binary again
/// (`--race-child`) running [`Args::rounds_per_process`] rounds, and puts their rounds together:
/// the clock and every entrant's ns per operation, round by round.
///
/// Why processes: where a process's memory lands, and so how a memory-bound contender fares
/// against another, is decided when the process starts and stays for its life. Timed in one
/// process, `schnellru` came out 0.85x of the reference on `scan` in one run and 1.10x in the
/// next, each with a tight interval; rounds from several processes carry that difference into
/// the interval, so a verdict holds only if it holds across them.
fn race_in_processes(
    args: &Args,
    spec: &Spec,
    entrants: usize,
) -> Result<(String, Vec<Vec<f64>>), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let mut clock = String::new();
    let mut rounds_ns = vec![Vec::new(); entrants];
    for part in 0..args.processes() {
        let out = args.out.with_extension(format!("race-{part}.json"));
        let mut cmd = Command::new(&exe);
        cmd.args(["--race-child", &part.to_string(), "--workload", spec.name])
            .args(["--seed", &args.seed.to_string()])
            .args(["--rounds", &args.rounds_per_process().to_string()])
            .arg("--out")
            .arg(&out);
        cmd.args(args.contender_flags());
        let status = cmd
            .status()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if !status.success() {
            return Err(format!("the race of {} failed ({status})", spec.name));
        }
        let part: RacePart = std::fs::read(&out)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| format!("the race of {} wrote no result", spec.name))?;
        let _ = std::fs::remove_file(&out);
        if part.rounds_ns.len() != entrants {
            return Err(format!("the race of {} lost a contender", spec.name));
        }
        for (all, more) in rounds_ns.iter_mut().zip(part.rounds_ns) {
            all.extend(more);
        }
        clock = part.clock;
    }
    Ok((clock, rounds_ns))
}

/// The child's side of [`race_in_processes`]: races the one workload asked for and writes a
/// [`RacePart`] to `--out`. The order of contenders in its rounds is drawn from the seed and
/// the process's index.
fn race_child(kata: &KataBench, args: &Args, entrants: &[Entrant], part: u64) -> ! {
    let spec = kata
        .workloads
        .iter()
        .find(|s| args.wants(s.name))
        .unwrap_or_else(|| fail(&format!("no workload matched {:?}", args.workloads)));
    let prepared = (kata.prepare)(spec, args.seed).unwrap_or_else(|e| fail(&e));
    let mut order = SplitMix64::new(args.seed ^ 0x0D0E_0D0E ^ part.wrapping_mul(0x9E37_79B9));
    let rounds = args.rounds.unwrap_or(QUICK_ROUNDS);
    let first_round = part * rounds as u64;
    let rounds_ns = race(spec, &prepared, entrants, rounds, first_round, &mut order);
    let part = RacePart {
        clock: prepared.clock.describe().to_owned(),
        rounds_ns,
    };
    let json = serde_json::to_string(&part).expect("serialisable");
    if let Err(e) = std::fs::write(&args.out, json) {
        fail(&format!("cannot write {}: {e}", args.out.display()));
    }
    std::process::exit(0);
}

/// One contender's lane in a race: its subject and its batch size.
struct Lane {
    subject: Box<dyn Subject>,
    batch: u64,
}

/// A batch size that takes about `batch`: the subject's first operations, four times more each
/// time, until one run takes that long.
fn calibrate(subject: &mut dyn Subject, batch: Duration) -> u64 {
    let mut ops = 1u64;
    loop {
        let took = subject.timed_steps(ops);
        if took >= batch || ops >= 1 << 26 {
            let per_op = took.as_secs_f64().max(1e-9) / ops as f64;
            return ((batch.as_secs_f64() / per_op) as u64).clamp(1, 1 << 26);
        }
        ops *= 4;
    }
}

/// Races `entrants` on one workload for `rounds` rounds (see the crate documentation): the ns per
/// operation of every entrant's batch in every round, entrant by entrant.
fn race(
    spec: &Spec,
    prepared: &Prepared,
    entrants: &[Entrant],
    rounds: usize,
    first_round: u64,
    order: &mut SplitMix64,
) -> Vec<Vec<f64>> {
    let mut lanes: Vec<Lane> = entrants
        .iter()
        .map(|e| {
            let mut subject = e.make(spec, &prepared.plan);
            if subject.sits_out() {
                // No batch: never timed, no rounds.
                return Lane { subject, batch: 0 };
            }
            let time = subject
                .batch_time()
                .unwrap_or_else(|| prepared.clock.batch());
            let batch = calibrate(&mut *subject, time);
            for _ in 0..2 {
                subject.steps(batch);
            }
            Lane { subject, batch }
        })
        .collect();
    let mut ns: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); entrants.len()];
    let mut turn: Vec<usize> = (0..entrants.len()).collect();
    for round in 0..rounds {
        ROUND.store(first_round + round as u64 + 1, Ordering::Relaxed);
        // Fisher-Yates, from the seeded generator.
        for i in (1..turn.len()).rev() {
            turn.swap(i, order.below(i as u64 + 1) as usize);
        }
        for &i in &turn {
            let lane = &mut lanes[i];
            if lane.batch == 0 {
                continue;
            }
            if REBUILD_EVERY_ROUND {
                lane.subject = entrants[i].make(spec, &prepared.plan);
            }
            lane.subject.steps((lane.batch / 2).max(1));
            let took = lane.subject.timed_steps(lane.batch);
            ns[i].push((took.as_nanos() as f64 / lane.batch as f64).max(0.01));
        }
        progress(&format!("round\t{}\t{}\t{rounds}", spec.name, round + 1));
    }
    ROUND.store(0, Ordering::Relaxed);
    ns
}

/// The round [`race`] is running: see [`round`].
static ROUND: AtomicU64 = AtomicU64::new(0);

/// The number of the round being run: rounds are numbered from 1 across the processes of a race
/// (process `p`'s follow process `p − 1`'s); 0 outside the rounds (calibration, the counting
/// child). A subject made for a round can start where the round says, so that every contender
/// of the round is asked the same questions. That matters for a workload whose operations
/// differ in cost (a top-k query over a one-byte prefix searches a thousand times more of a trie
/// than one over three bytes; an insert into a trie just begun makes more nodes than one into a
/// trie almost full): a batch of a few of them, or a batch taken at another place of a build,
/// is another workload for each contender unless they all start at one place.
pub fn round() -> u64 {
    ROUND.load(Ordering::Relaxed)
}

/// Hands one entrant to criterion on one workload, for its report.
fn with_criterion(c: &mut Criterion, kata: &str, spec: &Spec, prepared: &Prepared, e: &Entrant) {
    let mut subject = e.make(spec, &prepared.plan);
    let mut group = c.benchmark_group(format!("{kata}/{}", spec.name));
    group.bench_function(&e.contender.name, |b| {
        b.iter_custom(|iters| subject.timed_steps(iters))
    });
    group.finish();
}

/// One counted figure: instructions per operation of `contender` on `workload`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Counted {
    /// The workload.
    pub workload: String,
    /// The contender.
    pub contender: String,
    /// Instructions per operation.
    pub per_op: f64,
}

/// The function callgrind counts inside (`--toggle-collect`) and dumps after (`--dump-after`):
/// one call per contender and workload, so each dump holds exactly one contender's operations.
#[inline(never)]
pub fn kata_bench_counted_ops(subject: &mut dyn Subject, ops: u64) {
    subject.steps(std::hint::black_box(ops));
}

/// The child's side of [`count`]: runs [`COUNT_OPS`] operations (or the subject's
/// [`Subject::count_ops`]) of every entrant on every countable workload asked for, each inside
/// [`kata_bench_counted_ops`], and writes the order of the calls, with the operations of each, to
/// `--out`.
fn count_child(kata: &KataBench, args: &Args, entrants: &[Entrant]) -> ! {
    let mut calls: Vec<(String, String, u64)> = Vec::new();
    for spec in kata.workloads.iter().filter(|s| args.wants(s.name)) {
        let prepared = (kata.prepare)(spec, args.seed).unwrap_or_else(|e| fail(&e));
        if !prepared.countable {
            continue;
        }
        for e in entrants {
            let mut subject = e.make(spec, &prepared.plan);
            if subject.sits_out() {
                continue;
            }
            let ops = subject.count_ops().max(8);
            subject.steps(ops / 8);
            kata_bench_counted_ops(&mut *subject, ops);
            calls.push((spec.name.to_owned(), e.contender.name.clone(), ops));
        }
    }
    let json = serde_json::to_string(&calls).expect("serialisable");
    if let Err(e) = std::fs::write(&args.out, json) {
        fail(&format!("cannot write {}: {e}", args.out.display()));
    }
    std::process::exit(0);
}

/// Counts instructions per operation of every contender on every countable workload of `summary`:
/// runs this binary again under callgrind as a counting child, and reads one dump per call of
/// [`kata_bench_counted_ops`].
///
/// # Errors
///
/// Why nothing was counted (valgrind is not installed, say), in words for the table's footnote.
pub fn count(args: &Args, summary: &Summary) -> Result<Vec<Counted>, String> {
    count_with("valgrind", args, summary)
}

/// [`count`] with `valgrind` as the program to run.
fn count_with(valgrind: &str, args: &Args, summary: &Summary) -> Result<Vec<Counted>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("not counted: {e}"))?;
    let dir = args.out.with_extension("callgrind");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("not counted: {}: {e}", dir.display()))?;
    let order = dir.join("order.json");
    let mut cmd = Command::new(valgrind);
    cmd.arg("--tool=callgrind")
        .arg(format!(
            "--callgrind-out-file={}",
            dir.join("callgrind.out").display()
        ))
        .args([
            "--collect-atstart=no",
            "--toggle-collect=kata_bench::kata_bench_counted_ops",
            "--dump-after=kata_bench::kata_bench_counted_ops",
        ])
        .arg(&exe)
        .args(["--count-child", "--out"])
        .arg(&order)
        .args(["--seed", &args.seed.to_string()]);
    for w in &summary.workloads {
        cmd.args(["--workload", &w.name]);
    }
    cmd.args(args.contender_flags());
    progress("count\tstart");
    let output = cmd.output();
    progress("count\tdone");
    let out = match output {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(
                "not counted: valgrind is not installed (instructions per operation \
                 need `valgrind --tool=callgrind`; on Debian or Ubuntu: apt-get install valgrind)"
                    .into(),
            )
        }
        Err(e) => return Err(format!("not counted: cannot run valgrind: {e}")),
    };
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(6).collect();
        return Err(format!(
            "not counted: the counting run under callgrind failed ({}): {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ));
    }
    let calls: Vec<(String, String, u64)> = std::fs::read(&order)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("not counted: the counting run wrote no order of calls")?;
    let dumps = read_dumps(&dir)?;
    if dumps.len() < calls.len() {
        return Err(format!(
            "not counted: {} calls but {} callgrind dumps",
            calls.len(),
            dumps.len()
        ));
    }
    Ok(calls
        .into_iter()
        .zip(dumps)
        .map(|((workload, contender, ops), total)| Counted {
            workload,
            contender,
            per_op: total as f64 / ops as f64,
        })
        .collect())
}

/// The instruction totals of callgrind's numbered dumps in `dir`, in order (read as the counted
/// complexity stage reads its own: [`kata_suites::measure::counted::read_dumps`]).
fn read_dumps(dir: &Path) -> Result<Vec<u64>, String> {
    kata_suites::measure::counted::read_dumps(dir).map_err(|e| format!("not counted: {e}"))
}

/// A line of progress on stderr, for the CLI ([`bench::PROGRESS_PREFIX`]).
pub fn progress(line: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{}{line}", bench::PROGRESS_PREFIX);
}

/// Exits with a message (status 3).
pub fn fail(message: &str) -> ! {
    eprintln!("kata-bench: {message}");
    std::process::exit(3);
}

/// Parses the process's arguments, or exits with a message.
pub fn args() -> Args {
    Args::parse(std::env::args().skip(1)).unwrap_or_else(|e| fail(&e))
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

/// The concrete plan behind a [`Plan`].
///
/// # Panics
///
/// When the plan is of another type: a kata module's own mistake.
pub fn plan_of<T: 'static>(plan: &Plan) -> &T {
    plan.downcast_ref::<T>()
        .expect("a workload's plan is of the type its kata module made")
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
            "--rounds",
            "5",
            "--selftest",
            "--no-peers",
        ])
        .unwrap();
        assert!(a.quick && a.selftest && a.no_peers && !a.no_count && !a.count_child);
        assert_eq!(a.workloads, ["scan"]);
        // Five rounds asked for, in three processes: two each, six in all.
        assert_eq!((a.seed, a.rounds_per_process(), a.rounds()), (7, 2, 6));
        let full = parse(&["--out", "x"]).unwrap();
        assert_eq!(
            (full.processes(), full.rounds()),
            (FULL_PROCESSES, FULL_ROUNDS)
        );
        assert_eq!(
            parse(&["--out", "x", "--quick"]).unwrap().rounds(),
            QUICK_ROUNDS
        );
        assert_eq!(
            parse(&["--out", "x", "--race-child", "2"])
                .unwrap()
                .race_child,
            Some(2)
        );
        assert!(parse(&["--quick"]).unwrap_err().contains("--out"));
        assert!(parse(&["--out", "x", "--fast"])
            .unwrap_err()
            .contains("--fast"));
        assert!(parse(&["--out", "x", "--seed", "z"])
            .unwrap_err()
            .contains("bad seed"));
        assert!(parse(&["--out", "x", "--rounds", "0"])
            .unwrap_err()
            .contains("bad number of rounds"));
    }

    /// A subject that spins `cost` times per operation and counts its operations.
    struct Spin {
        cost: u64,
        ops: u64,
    }

    impl Subject for Spin {
        fn steps(&mut self, ops: u64) {
            let mut x = 0u64;
            for _ in 0..ops * self.cost {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            self.ops += ops;
        }
    }

    /// A subject that only counts the operations it was asked for.
    struct Tally(std::rc::Rc<std::cell::Cell<u64>>);

    impl Subject for Tally {
        fn steps(&mut self, ops: u64) {
            self.0.set(self.0.get() + ops);
        }
    }

    #[test]
    fn the_slower_self_test_contender_does_one_and_a_half_times_the_work() {
        let ran = std::rc::Rc::default();
        let mut s = OneAndAHalf(Box::new(Tally(std::rc::Rc::clone(&ran))));
        s.steps(100);
        s.steps(10);
        assert_eq!(ran.get(), 165);
        // Timed through the inner subject's own clock (a contended subject's is its workers').
        s.timed_steps(20);
        assert_eq!(ran.get(), 195);
    }

    #[test]
    fn without_valgrind_nothing_is_counted_and_the_note_says_how_to_get_it() {
        let args = Args::parse(
            [
                "--out",
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../target/selftest/kata-bench-unit/summary.json"
                ),
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        )
        .unwrap();
        let summary = Summary {
            schema: bench::SCHEMA,
            kata: "lru".into(),
            mode: "quick".into(),
            contenders: Vec::new(),
            workloads: Vec::new(),
            instructions_note: None,
        };
        let why = count_with("valgrind-is-not-installed-here", &args, &summary).unwrap_err();
        assert!(
            why.contains("valgrind is not installed") && why.contains("apt-get install valgrind"),
            "{why}"
        );
    }

    #[test]
    fn calibration_sizes_a_batch_to_about_the_batch_time() {
        let mut s = Spin { cost: 50, ops: 0 };
        let batch = calibrate(&mut s, BATCH);
        let took = s.timed_steps(batch);
        assert!(
            took > BATCH / 4 && took < BATCH * 4,
            "{batch} ops took {took:?}"
        );
    }

    /// A subject that spins, made in the round it holds.
    struct Made(u64);

    /// The rounds [`make_spin`] was called in.
    static MADE_IN: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());

    impl Subject for Made {
        fn steps(&mut self, ops: u64) {
            let mut x = self.0;
            for _ in 0..ops * 20 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        }
    }

    fn make_spin(_: &Spec, _: &Plan) -> Box<dyn Subject> {
        MADE_IN.lock().expect("not poisoned").push(round());
        Box::new(Made(round()))
    }

    fn make_sit_out(_: &Spec, _: &Plan) -> Box<dyn Subject> {
        Box::new(SitOut)
    }

    #[test]
    fn a_contender_that_sits_out_has_no_rounds_and_rounds_are_numbered_across_processes() {
        let entrant = |name: &str, make: Make| Entrant {
            contender: Contender {
                name: name.into(),
                ..reference()
            },
            build: Build::One(make),
        };
        let entrants = [entrant("spins", make_spin), entrant("sits", make_sit_out)];
        let prepared = Prepared {
            plan: Arc::new(()),
            clock: Clock::ThreadCpu,
            countable: true,
        };
        let spec = Spec {
            name: "w",
            summary: "",
        };
        let ns = race(&spec, &prepared, &entrants, 3, 3, &mut SplitMix64::new(1));
        assert_eq!(ns[0].len(), 3, "one batch per round");
        assert!(ns[1].is_empty(), "never timed");
        assert_eq!(round(), 0, "outside the rounds");
        // Calibrated outside the rounds, then made again in each: the rounds of the second of
        // a race's processes of three rounds each are 4, 5 and 6.
        assert_eq!(*MADE_IN.lock().expect("not poisoned"), [0, 4, 5, 6]);
        assert_eq!(make_spin(&spec, &prepared.plan).count_ops(), COUNT_OPS);
        assert!(SitOut.sits_out() && !Made(0).sits_out());
    }
}
