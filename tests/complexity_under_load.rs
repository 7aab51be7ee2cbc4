//! The complexity stage tells O(1) from O(n) on a machine whose every core is busy: with a busy
//! thread on every core, each reference solution passes it and an O(n) mutant of each kata
//! (from `tests/mutants`) fails it, on the class fitted to its counted instructions (not by
//! crashing or timing out). Every kata's stage counts instructions (`measure::counted`), which a
//! busy core does not change; this is the proof that it does not.
//!
//! The same test shows more, with the cores as busy: an O(n) variant of a structure whose
//! reference is O(log n) (a ring scanned linearly against the binary-searched one) fails on the
//! class fitted to its counts; and `counting_tells_log_n_from_1_with_every_core_busy` fails an
//! O(log n) variant where O(1) is expected, which no timing can do on this machine.
//!
//! The runners are built before the load starts; the slopes are printed (`cargo test --test
//! complexity_under_load -- --include-ignored --nocapture` shows them). The same grades on the
//! machine as it is are the references' in `solutions_pass` and the mutants' in
//! `mutants_rejected`. A heavy proof, one test per kata: CI runs it.

mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use common::{assert_mentions, each_kata, kata, kata_in, root, stage};
use kata_mutants::Mutant;

/// Busy threads on every core until dropped (also when the test panics).
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Load {
    /// One thread per core (`available_parallelism`), each looping over its own 1 MiB buffer:
    /// they keep every core busy and, as a neighbour's build does, compete for the caches. (Twice
    /// as many only stretched the wall time: the grader's share of a core shrinks, while what it
    /// measures, its thread's CPU time, does not change.)
    fn start() -> Load {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..cores)
            .map(|i| {
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut buf = vec![i as u64; 1 << 17];
                    let mut x = i as u64;
                    while !stop.load(Ordering::Relaxed) {
                        for v in buf.iter_mut() {
                            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(*v);
                            *v = x;
                        }
                        black_box(&buf);
                    }
                })
            })
            .collect();
        Load { stop, threads }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn complexity_mutants(kata: &str) -> Vec<&'static Mutant> {
    let all = kata_mutants::of(kata)
        .unwrap_or_else(|| panic!("kata `{kata}` has no mutants: add some to tests/mutants"));
    all.iter()
        .filter(|m| m.rejected_by.contains(&"complexity"))
        .collect()
}

/// Runs the complexity stage of `kata` on `target` (`--solution` or `--mutant=NAME`) with `env`
/// set, checks the verdict, prints its slopes and returns how many were measured.
fn grade(
    kata_name: &str,
    target: &str,
    must_pass: bool,
    when: &str,
    env: &[(&str, &str)],
) -> usize {
    let run = kata_in(
        root(),
        &[
            "check",
            kata_name,
            target,
            "--stage",
            "complexity",
            "--json",
        ],
        env,
    );
    let report = run.json();
    let st = stage(&report, "complexity");
    let measurements = st["measurements"].as_array().expect("measurements");
    let slopes: Vec<String> = measurements
        .iter()
        .map(|m| {
            format!(
                "{} = {} ({})",
                m["name"].as_str().unwrap_or("?"),
                m["value"],
                if m["passed"] == true { "pass" } else { "FAIL" }
            )
        })
        .collect();
    eprintln!(
        "{when}: {kata_name} {target}: exit {}, complexity stage {} ms\n    {}",
        run.code,
        st["duration_ms"],
        slopes.join("\n    ")
    );
    for note in st["notes"].as_array().into_iter().flatten() {
        eprintln!("    note: {}", note.as_str().unwrap_or("?"));
    }
    if must_pass {
        assert_eq!(
            run.code,
            0,
            "{kata_name} {target} must pass ({when}):\n{}",
            run.all()
        );
        assert_eq!(st["status"], "passed", "{st}");
        return measurements.len();
    }
    assert_eq!(
        run.code,
        1,
        "{kata_name} {target} must fail the complexity stage ({when}), not crash or time out:\n{}",
        run.all()
    );
    assert_eq!(st["status"], "failed", "{st}");
    // Every check ran to completion: the failure is a measurement, not a panic.
    for t in st["tests"].as_array().expect("tests") {
        assert_eq!(
            t["status"], "passed",
            "a check of {kata_name} {target} failed: {t}"
        );
    }
    let failed: Vec<&serde_json::Value> = measurements
        .iter()
        .filter(|m| m["passed"] == false)
        .collect();
    assert!(!failed.is_empty(), "no measurement failed: {st}");
    let counted = kata_suites::complexity_counted(kata_name)
        .expect("a kata")
        .iter()
        .any(|c| only_series(env).is_none_or(|s| s == c.name));
    let verdict = if counted {
        "instructions per operation grow as"
    } else {
        "relative log-log slope"
    };
    for m in failed {
        assert_mentions(m["name"].as_str().expect("name"), &[verdict]);
    }
    measurements.len()
}

/// The series `env` narrows a mutant's grade to, if any.
fn only_series<'a>(env: &[(&str, &'a str)]) -> Option<&'a str> {
    env.iter()
        .find(|(k, _)| *k == kata_suites::runner::SERIES_ENV)
        .map(|(_, v)| *v)
}

each_kata!(
    #[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
    fn the_complexity_stage_separates_o1_from_on_with_every_core_busy => separates
);

/// Counting tells O(log n) from O(1) with every core busy: the `consistent-hashing` Maglev
/// router that answers by a binary search over a ring (O(log n)) fails the `maglev` series, which
/// expects the table's O(1), where the reference passes it (graded on every series in
/// [`separates`]).
#[test]
#[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
fn counting_tells_log_n_from_1_with_every_core_busy() {
    let (kata_name, name, series) = ("consistent-hashing", "maglev-ring-search", "maglev");
    let expected = kata_suites::complexity_counted(kata_name)
        .expect("a kata")
        .iter()
        .find(|s| s.name == series)
        .map(|s| s.expected);
    assert_eq!(
        expected,
        Some(kata_suites::measure::counted::Class::Constant),
        "the `{series}` series expects O(1)"
    );
    assert!(
        complexity_mutants(kata_name).iter().any(|m| m.name == name),
        "{kata_name}: `{name}` is not a mutant the complexity stage rejects"
    );
    let mutant = format!("--mutant={name}");
    let build = kata(&["check", kata_name, &mutant, "--stage", "examples"]);
    assert_ne!(build.code, 2, "{}", build.all());
    let _one_load = common::lock("load");
    let _load = Load::start();
    let only = [(kata_suites::runner::SERIES_ENV, series)];
    let measured = grade(kata_name, &mutant, false, "with every core busy", &only);
    assert_eq!(measured, 1, "{kata_name} {mutant}: one series graded");
}

fn separates(kata_name: &str) {
    // Builds the runners (a cheap stage) before the load starts: the load is for the measuring.
    // The same grades without load are not repeated here: the references pass the complexity
    // stage in `solutions_pass` and the O(n) mutants fail it in `mutants_rejected`.
    let build = kata(&["check", kata_name, "--solution", "--stage", "examples"]);
    assert_eq!(build.code, 0, "{}", build.all());
    // One O(n) mutant is enough to show the verdict holds under load, graded on the one series
    // it is slow in (the stage's other series, which it passes or fails the same way, only made
    // this test take minutes); every O(n) mutant fails the whole stage in `mutants_rejected`.
    let (name, series) = common::slow_mutant(kata_name);
    assert!(
        complexity_mutants(kata_name).iter().any(|m| m.name == name),
        "{kata_name}: `{name}` is not a mutant the complexity stage rejects"
    );
    let mutant = format!("--mutant={name}");
    let build = kata(&["check", kata_name, &mutant, "--stage", "examples"]);
    assert_ne!(build.code, 2, "{}", build.all());
    let when = "with every core busy";
    // One load at a time: the bench's proof under load takes this lock too.
    let _one_load = common::lock("load");
    let _load = Load::start();
    // The variable that narrows a mutant's grade is ignored for the reference: every series.
    let only = [(kata_suites::runner::SERIES_ENV, series)];
    let all = kata_suites::complexity_series(kata_name)
        .expect("a kata")
        .len();
    // At least one measurement per series: a kata may measure more besides its series
    // (`merkle-tree` counts the hashes its diff asks for, a check that no series narrows).
    let measured = grade(kata_name, "--solution", true, when, &only);
    assert!(
        measured >= all,
        "{kata_name}: the reference is graded on every series, whatever the environment says \
         ({measured} measurements for {all} series)"
    );
    let slopes = grade(kata_name, &mutant, false, when, &only);
    assert_eq!(
        slopes, 1,
        "{kata_name} {mutant}: graded on series `{series}` alone, one slope is measured"
    );
}
