//! `cargo kata bench` as a learner runs it: a crate that fails is a DNF and is not timed; a
//! correct one is timed against the reference and the peer crates and recorded on the board. And
//! the proof that its ratios mean something on a loaded machine: the reference against itself is
//! a tie, and the reference doing 1.5 times the work is slower, every time.
//!
//! Tests that change the learner's crate work on the shared copy of the repository
//! (`common::Copy`). Every test that builds the bench profile (criterion, the peer crates: a
//! minute and more on a fresh clone) is in the heavy tier, which CI runs
//! (`cargo test -- --include-ignored`); the tables, ranks and intervals themselves are unit-tested
//! in `kata-cli` and `kata-suites` in the default tier.

mod common;

use common::{assert_mentions, kata, kata_in, serial, Copy};

#[test]
fn bad_input_gets_a_clear_error() {
    let _serial = serial();
    let run = kata(&["bench", "lur"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(&run.stderr, &["no kata named `lur`"]);
    let run = kata(&["bench", "lru", "--workload", "sprint", "--quick"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(
        &run.stderr,
        &["no workload `sprint`", "read-heavy", "write-heavy", "scan"],
    );
}

#[test]
fn a_crate_that_fails_a_stage_is_dnf_and_not_timed() {
    let _serial = serial();
    let copy = Copy::new();
    let run = kata_in(copy.path(), &["bench", "lru", "--quick"], &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "fresh seed",
            "DNF",
            "the examples stage reached a todo!()",
            "cargo kata check lru --stage examples --seed",
        ],
    );
    assert!(
        !run.stdout.contains("held-out"),
        "a todo!() is unfinished work, not a failure on held-out inputs:\n{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("Timing"),
        "a DNF is not timed:\n{}",
        run.stdout
    );
    assert!(
        !copy.path().join("benches/leaderboards/lru.jsonl").exists(),
        "a DNF is not recorded"
    );
}

#[test]
#[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
fn a_correct_crate_is_timed_against_reference_and_peers_and_recorded() {
    let _serial = serial();
    let copy = Copy::new();
    copy.solve("lru");
    let run = kata_in(
        copy.path(),
        &[
            "bench",
            "lru",
            "--quick",
            "--workload",
            "scan",
            "--who",
            "Ada <script>",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "scan",
            "yours",
            "reference",
            "lru",
            "schnellru",
            "quick_cache",
            "ratio",
            "recorded",
        ],
    );
    let board = std::fs::read_to_string(copy.path().join("benches/leaderboards/lru.jsonl"))
        .expect("a leaderboard entry");
    let lines: Vec<&str> = board.lines().collect();
    assert_eq!(lines.len(), 1, "{board}");
    let entry: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON line");
    assert_eq!(entry["who"], "Ada <script>");
    assert_eq!(entry["kata"], "lru");
    assert_eq!(entry["mode"], "quick");
    assert_eq!(entry["profile"], "bench");
    let w = &entry["workloads"][0];
    assert_eq!(w["name"], "scan");
    let number = |field: &str| {
        w[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{field} in {w}"))
    };
    let (yours, reference) = (number("ns_per_op"), number("reference_ns_per_op"));
    assert!(yours > 0.0 && reference > 0.0, "{w}");
    assert_eq!(w["rounds"], 21, "{w}");
    // The same code as the reference, compiled as the learner's crate: a tie, in time (its
    // interval reaches into the tie band) and in instructions (the same machine code).
    let (low, ratio, high) = (number("ratio_low"), number("ratio"), number("ratio_high"));
    assert!(low <= ratio && ratio <= high, "{w}");
    assert!(
        low <= 1.05 && high >= 1.0 / 1.05,
        "the reference against itself must be a tie: {w}"
    );
    let instructions = number("instructions_per_op") / number("reference_instructions_per_op");
    assert!(
        (instructions - 1.0).abs() < 0.02,
        "the same source, the same instructions: {w}"
    );
    assert_mentions(&run.stdout, &["yours", "tie"]);
}

#[test]
#[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
fn the_solution_bench_times_reference_and_peers_and_explains_the_peers_that_differ() {
    let _serial = serial();
    let run = kata(&["bench", "token-bucket", "--solution", "--quick"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "uncontended",
            "contended-2-threads",
            "reference",
            "governor",
            "ratelimit",
        ],
    );
    // Both peers round tokens differently from the exact bucket: each is marked, with why.
    assert_mentions(
        &run.stdout,
        &[
            "governor †",
            "ratelimit †",
            "whole number of nanoseconds",
            "millionths",
        ],
    );
    assert!(!run.stdout.contains("yours"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("recorded"),
        "--solution records nothing"
    );
}

/// Two threads spinning until dropped: a machine as busy as a shared one gets, on two cores.
struct Load {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start() -> Load {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let threads = (0..2)
            .map(|_| {
                let stop = std::sync::Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        Load { stop, threads }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// The proof the issue asked for: under load, each kata's bench with its self-test contenders
/// (and no peers, which would only make it longer); on every workload, the reference timed a second time is a tie, and the reference doing 1.5 times
/// the work is slower with a ratio near 1.5 (on the contended workload, where the scheduler
/// decides how much two workers overlap, its median is above 1.15, possibly past 1.5, and its
/// interval may reach into the tie band).
///
/// Each check must hold in at least two of three runs: a kata's bench runs once, and twice more
/// only when a check missed. A single comparison errs by design about once in forty (a 95 %
/// interval that misses), and this proof makes dozens of them, the noisy contended ones among
/// them: requiring every one to hold called the reference slower than itself in this issue's
/// first CI run (token-bucket contended-2-threads, 1.21x (1.09-1.59)). A bench that stopped
/// telling the contenders apart would fail every run, not one.
#[test]
#[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
fn under_load_the_reference_ties_with_itself_and_one_and_a_half_times_the_work_is_slower() {
    use kata_suites::bench::{Pace, Ratio, Role, Summary};
    let _serial = serial();
    // One load at a time: complexity_under_load takes this lock too, so two tests' busy
    // threads never stack on the same cores.
    let _one_load = common::lock("load");
    let _load = Load::start();
    for kata in kata_core::catalogue::KATAS.iter().map(|k| k.name) {
        // The checks each run missed, by workload and check, with what the run printed.
        let mut misses: std::collections::BTreeMap<(String, &str), Vec<String>> =
            Default::default();
        let mut runs_made = 0;
        for run in 1..=3 {
            // One run is enough when it misses nothing; a miss earns two more runs, so that a
            // check passes when it holds in two of three (the cost of three runs for every kata
            // was 57 s per kata in CI, the largest per-kata cost of the heavy tier).
            if run > 1 && misses.is_empty() {
                break;
            }
            runs_made = run;
            let out = common::kata(&[
                "bench",
                kata,
                "--solution",
                "--quick",
                "--self-test",
                "--no-count",
                "--no-peers",
            ]);
            assert_eq!(out.code, 0, "{}", out.all());
            let file = common::target_dir().join(format!("kata/bench/{kata}.json"));
            let summary: Summary =
                serde_json::from_slice(&std::fs::read(&file).expect("the bench's summary"))
                    .expect("a bench summary");
            // `--no-peers`: the reference and the self-test's two, nothing else.
            let roles: Vec<Role> = summary.contenders.iter().map(|c| c.role).collect();
            assert_eq!(
                roles,
                [Role::Reference, Role::Selftest, Role::Selftest],
                "{kata} run {run}: --no-peers times the reference and its twins only"
            );
            for w in &summary.workloads {
                let reference = w.timing("reference").expect("the reference");
                let ratio = |name: &str| {
                    Ratio::between(
                        &w.timing(name).expect("a self-test contender").rounds_ns,
                        &reference.rounds_ns,
                    )
                };
                let (again, slower) = (ratio("reference-again"), ratio("reference-1.5x-work"));
                eprintln!(
                    "{kata} run {run} {}: again {} / 1.5x {}",
                    w.name,
                    again.label(),
                    slower.label()
                );
                let mut miss = |check: &'static str, what: String| {
                    misses
                        .entry((w.name.clone(), check))
                        .or_default()
                        .push(format!(
                            "{kata} run {run}, {}: {what}\n{}",
                            w.name, out.stdout
                        ));
                };
                if again.pace() != Pace::Tie {
                    miss(
                        "tie",
                        format!(
                            "the reference against itself is {} ({})",
                            again.label(),
                            again.pace().word()
                        ),
                    );
                }
                // A contended workload's two workers overlap as the scheduler lets them: with
                // every core also busy with the load (and, in CI, another test), its interval
                // is wide, and calling 1.5 times the work a tie there is honest, not a miss.
                // Its direction must still be right, and its median clearly above 1 (and it may
                // exceed 1.5: more work per counted call means more compare-and-swaps that fail
                // and retry, 2.19x (1.11-3.27) in one CI run); every other workload must be
                // called slower, near 1.5.
                let contended = w.clock.contains("worker threads");
                if !(slower.pace() == Pace::Slower || contended) {
                    miss(
                        "slower",
                        format!(
                            "1.5 times the work is {} ({})",
                            slower.label(),
                            slower.pace().word()
                        ),
                    );
                }
                let expected = if contended { 1.15..3.5 } else { 1.3..1.8 };
                if !expected.contains(&slower.median) {
                    miss(
                        "near 1.5",
                        format!("1.5 times the work measured {}", slower.label()),
                    );
                }
            }
        }
        for ((workload, check), runs) in misses {
            assert!(
                runs.len() <= 1,
                "{kata} {workload}: `{check}` failed in {} of {runs_made} runs:\n{}",
                runs.len(),
                runs.join("\n")
            );
            eprintln!(
                "{kata} {workload}: `{check}` missed once in {runs_made} runs (allowed):\n{}",
                runs[0]
            );
        }
    }
}
