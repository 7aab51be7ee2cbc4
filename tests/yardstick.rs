//! The yardstick is checked too: each reference's own cost per operation must not grow with the
//! size, measured in instructions. (A counted complexity stage, which grades an implementation's
//! own instruction counts against a growth class rather than against the reference, needs none:
//! its series are skipped.)
//!
//! The complexity stage grades a learner's cost *relative to the reference's*, so a reference
//! that slowed down as it grew (a linear scan slipped in) would pass its own complexity stage and
//! then let an O(n) learner pass too. Time cannot check the reference on its own (the machine's
//! speed and load are unknown), but instructions can: `valgrind --tool=callgrind` counts the same
//! total for the same binary and input, whatever else the machine is doing.
//!
//! For every series of every kata's timed complexity stage, the runner prepares the reference at
//! a size and runs it untimed (`--count SERIES:SIZE:OPS`), the operations inside the one function
//! callgrind collects in (`--toggle-collect`), so the preparation is not counted. From
//! 1 Ki to 16 Ki that figure may grow by at most [`MAX_GROWTH`]: O(1) stays flat (cache misses
//! cost time, not instructions), O(log n) grows by about 1.4, O(n) by about 16. And the check
//! can fail: a known O(n) mutant of each kata is measured the same way and must exceed it.

mod common;

use std::path::Path;
use std::process::Command;

use common::{each_kata, mutants_runner};

/// The most instructions per operation may grow from [`SMALL`] to [`LARGE`].
const MAX_GROWTH: f64 = 1.5;
const SMALL: usize = 1 << 10;
const LARGE: usize = 1 << 14;

/// The series of `kata`'s complexity stage, and an O(n) mutant with the series it is slow in.
fn series(kata: &str) -> (&'static [&'static str], (&'static str, &'static str)) {
    let all = kata_suites::complexity_series(kata).expect("a kata of the catalogue");
    (all, common::slow_mutant(kata))
}

/// Instructions of one untimed run under callgrind.
fn instructions(exe: &Path, kata: &str, imp: &str, series: &str, size: usize, ops: u64) -> u64 {
    let events = std::env::temp_dir().join(format!("yardstick-{}.jsonl", std::process::id()));
    let out = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            "--collect-atstart=no",
            "--toggle-collect=kata_suites::measure::counted::kata_counted_ops",
        ])
        .arg(exe)
        .args(["--kata", kata, "--impl", imp, "--stage", "complexity"])
        .arg("--events")
        .arg(&events)
        .arg("--count")
        .arg(format!("{series}:{size}:{ops}"))
        .output()
        .expect("valgrind runs (it is on every machine here: apt-get install valgrind)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{kata} {imp} {series} at {size}: the runner failed under callgrind:\n{stderr}"
    );
    let line = stderr
        .lines()
        .find(|l| l.contains("Collected :"))
        .unwrap_or_else(|| panic!("no instruction count in callgrind's output:\n{stderr}"));
    line.rsplit(' ')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("cannot read the count in `{line}`"))
}

/// Instructions per operation of `series` at `size`.
fn per_op(exe: &Path, kata: &str, imp: &str, series: &str, size: usize, ops: u64) -> f64 {
    instructions(exe, kata, imp, series, size, ops) as f64 / ops as f64
}

fn growth(exe: &Path, kata: &str, imp: &str, series: &str, ops: u64) -> (f64, f64, f64) {
    let small = per_op(exe, kata, imp, series, SMALL, ops);
    let large = per_op(exe, kata, imp, series, LARGE, ops);
    (small, large, large / small)
}

each_kata!(
    #[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
    fn the_reference_costs_the_same_instructions_per_operation_at_every_size => yardstick
);

fn yardstick(kata_name: &str) {
    let exe = mutants_runner(kata_name);
    let mut report = Vec::new();
    let (all, (mutant, slow_series)) = series(kata_name);
    // A counted stage grades its own instruction counts against a class: no yardstick to check.
    let counted = kata_suites::complexity_counted(kata_name).expect("a kata");
    for name in all
        .iter()
        .filter(|s| !counted.iter().any(|c| c.name == **s))
    {
        let (small, large, g) = growth(&exe, kata_name, "solution", name, 20_000);
        report.push(format!(
            "{kata_name} {name}: {small:.0} -> {large:.0} instructions/op ({g:.2}x)"
        ));
        assert!(
            g <= MAX_GROWTH,
            "the {kata_name} reference's `{name}` costs {small:.0} instructions per operation at \
             {SMALL} and {large:.0} at {LARGE} ({g:.2}x, more than {MAX_GROWTH}x): it is \
             not O(1), and the complexity stage, which grades learners against it, would \
             let an O(n) learner pass"
        );
    }
    if counted.iter().any(|c| c.name == slow_series) {
        // The counted stage's own verdict on this mutant is the proof that it is caught: it must
        // be a mutant that stage rejects on that series (graded so by `mutants_rejected`, and
        // with every core busy by `complexity_under_load`).
        let m = kata_mutants::of(kata_name)
            .and_then(|all| all.iter().find(|m| m.name == mutant))
            .unwrap_or_else(|| panic!("{kata_name}: no mutant `{mutant}`"));
        assert!(
            m.rejected_by.contains(&"complexity") && m.slow_in == Some(slow_series),
            "{kata_name}: `{mutant}` must be a complexity mutant slow in `{slow_series}`"
        );
        println!("{kata_name}: counted series `{slow_series}` grades `{mutant}` itself");
        println!("{}", report.join("\n"));
        return;
    }
    // The same measure must catch a known O(n) implementation.
    let imp = format!("mutant:{mutant}");
    let (small, large, g) = growth(&exe, kata_name, &imp, slow_series, 2_000);
    report.push(format!(
        "{kata_name} mutant {mutant} {slow_series}: {small:.0} -> {large:.0} instructions/op ({g:.2}x)"
    ));
    assert!(
        g > MAX_GROWTH,
        "the O(n) mutant `{mutant}` of {kata_name} grew only {g:.2}x in `{slow_series}` \
         ({small:.0} -> {large:.0} instructions/op): this check could not catch a linear reference"
    );
    println!("{}", report.join("\n"));
}
