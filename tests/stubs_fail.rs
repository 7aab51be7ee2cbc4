//! Every kata stub compiles and fails every stage with "not yet implemented".
//!
//! The stubs are graded in a copy of the repository (`common::Copy`) that holds the katas as
//! shipped, so this holds whatever the learner running it has done in `katas/`, and never
//! changes their results or progress.

mod common;

use common::{assert_mentions, each_kata, root, stage, Copy};
use kata_core::catalogue::Stage;

each_kata!(fn the_stub_fails_every_stage_with_not_yet_implemented => stub_fails_every_stage);

fn stub_fails_every_stage(name: &str) {
    let copy = Copy::new();
    for s in Stage::ALL {
        let run = copy.kata(&["check", name, "--stage", s.name(), "--json"]);
        assert_eq!(
            run.code,
            1,
            "stub {} must fail {}:\n{}",
            name,
            s.name(),
            run.all()
        );
        let report = run.json();
        let st = stage(&report, s.name());
        assert_eq!(st["status"], "failed", "{st}");
        let failed: Vec<&serde_json::Value> = st["tests"]
            .as_array()
            .expect("tests")
            .iter()
            .filter(|t| t["status"] == "failed")
            .collect();
        assert!(!failed.is_empty(), "{st}");
        for t in failed {
            assert_eq!(t["todo"], true, "{} {}: {t}", name, s.name());
            let message = t["message"].as_str().unwrap_or("");
            assert!(message.starts_with("not yet implemented"), "{message}");
            // Where the check knows the location, the message does not repeat it (a property
            // stage once printed it twice).
            if let Some(at) = t["location"].as_str() {
                assert!(
                    !message.contains(at),
                    "{} {}: {message} / {at}",
                    name,
                    s.name()
                );
            }
        }
    }
}

#[test]
fn a_full_check_of_a_stub_stops_at_examples_and_names_the_function() {
    let copy = Copy::new();
    let run = copy.kata(&["check", "lru"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "NOT YET IMPLEMENTED",
            "not yet implemented: LruCache::with_capacity (katas/lru/src/lib.rs:",
        ],
    );
    assert!(
        !run.stdout.contains("[2/5]"),
        "grading must stop at the first failing stage"
    );
}

/// The learner's state is never shipped: a fresh clone has no progress (so the first hint is
/// level 1) and no backups. Git ignores both, so they are not committed by accident either.
#[test]
fn learner_state_is_not_tracked_by_the_repository() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root())
            .output()
    };
    let Ok(out) = git(&["ls-files", "--", "kata-progress.json", ".kata-backups"]) else {
        return; // Not a git checkout: nothing is tracked.
    };
    if !out.status.success() {
        return;
    }
    let tracked = String::from_utf8_lossy(&out.stdout);
    assert!(
        tracked.trim().is_empty(),
        "learner state is tracked by git; untrack it with `git rm --cached`:\n{tracked}"
    );
    for path in [
        "kata-progress.json",
        ".kata-backups/lru/20260101T000000Z/src/lib.rs",
    ] {
        let ignored = git(&["check-ignore", "-q", "--no-index", path]).expect("git runs");
        assert!(
            ignored.status.success(),
            "{path} must be ignored by .gitignore"
        );
    }
}
