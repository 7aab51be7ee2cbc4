//! `cargo kata bench` as a learner runs it: a crate that fails is a DNF and is not timed; a
//! correct one is timed against the reference and the peer crates and recorded on the board.
//!
//! Tests that change the learner's crate work on the shared copy of the repository
//! (`common::Copy`).

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
    let ratio = w["ratio"].as_f64().expect("ratio");
    let (yours, reference) = (
        w["ns_per_op"].as_f64().expect("ns"),
        w["reference_ns_per_op"].as_f64().expect("ns"),
    );
    assert!(yours > 0.0 && reference > 0.0, "{w}");
    assert!((ratio - yours / reference).abs() < 1e-9, "{w}");
    // The same code as the reference: a ratio far from 1 means the bench is not measuring the
    // code (generous bounds: a quick run on a shared machine).
    assert!(
        (0.5..2.0).contains(&ratio),
        "reference against itself: {ratio}"
    );
}

#[test]
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
