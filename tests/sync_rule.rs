//! The concurrency stage's source rule, end to end: a learner's crate that takes atomics from
//! `std::sync` (which loom cannot see) fails it, with a message that says where and what to use
//! instead; one that only takes `std::sync::atomic::Ordering` (no state) passes.

mod common;

use common::{assert_mentions, stage, Copy};

/// Solves `kata` in the copy with the reference, with `from` replaced by `to` in its source.
fn solve_with(copy: &Copy, kata: &str, from: &str, to: &str) {
    copy.solve(kata);
    let lib = copy.file(&format!("katas/{kata}/src/lib.rs"));
    let text = std::fs::read_to_string(&lib).expect("lib.rs");
    assert!(text.contains(from), "the reference no longer has `{from}`");
    std::fs::write(&lib, text.replace(from, to)).expect("write lib.rs");
}

#[test]
fn std_atomics_fail_the_concurrency_stage_and_ordering_alone_does_not() {
    let copy = Copy::new();
    solve_with(
        &copy,
        "lru",
        "use kata_core::sync::atomic::{AtomicUsize, Ordering};",
        "use std::sync::atomic::{AtomicUsize, Ordering};",
    );
    let run = copy.kata(&["check", "lru", "--stage", "concurrency", "--json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let report = run.json();
    let st = stage(&report, "concurrency");
    assert_eq!(st["status"], "failed", "{st}");
    assert_mentions(
        &st.to_string(),
        &[
            "katas/lru/src/lib.rs:",
            "std::sync::atomic::AtomicUsize",
            "kata_core::sync",
        ],
    );

    solve_with(
        &copy,
        "token-bucket",
        "use kata_core::sync::atomic::{AtomicU128, Ordering};",
        "use kata_core::sync::atomic::AtomicU128;\nuse std::sync::atomic::Ordering;",
    );
    let run = copy.kata(&["check", "token-bucket", "--stage", "concurrency", "--json"]);
    assert_eq!(run.code, 0, "{}", run.all());
}

/// A lock loom cannot see is refused before loom runs: loom would block on it (its threads share
/// one OS thread), and the learner waited out the stage's 300 s limit before hearing why.
#[test]
fn a_std_mutex_fails_the_concurrency_stage_without_running_loom() {
    let copy = Copy::new();
    solve_with(
        &copy,
        "leaky-bucket",
        "use kata_core::sync::Mutex;",
        "#[derive(Debug)]\nstruct Mutex<T>(std::sync::Mutex<T>);\n\
         impl<T> Mutex<T> {\n\
             fn new(value: T) -> Self { Mutex(std::sync::Mutex::new(value)) }\n\
             fn lock(&self) -> std::sync::MutexGuard<'_, T> { self.0.lock().unwrap() }\n\
         }",
    );
    let run = copy.kata(&["check", "leaky-bucket", "--stage", "concurrency", "--json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let report = run.json();
    let st = stage(&report, "concurrency");
    assert_eq!(st["status"], "failed", "{st}");
    assert_mentions(
        &st.to_string(),
        &[
            "katas/leaky-bucket/src/lib.rs:",
            "std::sync::Mutex",
            "The loom checks were not run",
        ],
    );
    let loom_ran = st["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .any(|t| t["name"].as_str().is_some_and(|n| n.starts_with("loom:")));
    assert!(!loom_ran, "{st}");
}
