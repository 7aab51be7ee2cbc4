//! Every stage of every kata rejects known-wrong implementations (`tests/mutants`), and the
//! mutants meant to slip past the earlier stages do pass them, so each stage is shown to catch
//! something the others do not.

mod common;

use common::{each_kata, kata_in, root, stage};
use kata_core::catalogue::{Stage, KATAS};
use kata_mutants::Mutant;

fn mutants(kata: &str) -> &'static [Mutant] {
    kata_mutants::of(kata)
        .unwrap_or_else(|| panic!("kata `{kata}` has no mutants: add some to tests/mutants"))
}

#[test]
fn every_stage_of_every_kata_has_at_least_two_mutants_to_reject() {
    for k in KATAS {
        for s in Stage::ALL {
            let n = mutants(k.name)
                .iter()
                .filter(|m| m.rejected_by.contains(&s.name()))
                .count();
            assert!(
                n >= 2,
                "{} {}: only {n} mutant(s) prove this stage can fail",
                k.name,
                s.name()
            );
        }
    }
}

/// A mutant the complexity stage rejects names the one series it is slow in, and that series is
/// one the stage measures: graded on it alone, the heavy tier's cost does not grow with a kata's
/// series. (That the stage still rejects it there is what the grades below check.)
#[test]
fn every_complexity_mutant_names_a_series_it_is_slow_in() {
    for k in KATAS {
        let series = kata_suites::complexity_series(k.name).expect("a kata");
        for m in mutants(k.name) {
            let complexity = m.rejected_by.contains(&"complexity");
            match m.slow_in {
                Some(s) => assert!(
                    complexity && series.contains(&s),
                    "{} mutant `{}`: slow_in \"{s}\" must name one of the complexity series \
                     {series:?}, on a mutant the complexity stage rejects",
                    k.name,
                    m.name
                ),
                None => assert!(
                    !complexity,
                    "{} mutant `{}` is rejected by complexity: name the series it is slow in \
                     (`slow_in: \"...\",` in its `mutants!` entry)",
                    k.name, m.name
                ),
            }
        }
    }
}

/// The quick proof: for each stage of `name`, the first mutant it must reject, graded on that
/// stage only. [`every_other_mutant`] grades the rest.
fn first_per_stage(name: &str) -> Vec<(&'static Mutant, &'static str)> {
    Stage::ALL
        .iter()
        .map(|s| {
            let m = mutants(name)
                .iter()
                .find(|m| m.rejected_by.contains(&s.name()))
                .unwrap_or_else(|| panic!("{name}: no mutant for {}", s.name()));
            (m, s.name())
        })
        .collect()
}

fn one_mutant_per_stage(name: &str) {
    for (m, s) in first_per_stage(name) {
        grade(name, m, s, 1);
    }
}

/// The rest of the proof: every mutant of `name` fails every stage meant to reject it and passes
/// those it must pass, but for the pairs [`one_mutant_per_stage`] grades (CI runs both tiers, so
/// each pair is graded once there; `cargo test -- --include-ignored` does the same).
fn every_other_mutant(name: &str) {
    let quick = first_per_stage(name);
    for m in mutants(name) {
        let must_fail = m.rejected_by.iter().map(|s| (*s, 1));
        let must_pass = m.passes.iter().map(|s| (*s, 0));
        for (s, expected) in must_fail.chain(must_pass) {
            if !quick.iter().any(|(q, qs)| q.name == m.name && *qs == s) {
                grade(name, m, s, expected);
            }
        }
    }
}

/// Grades mutant `m` of `name` on stage `s`, which must exit with `expected` (1: rejected, 0:
/// passed); a rejection by the concurrency stage must come from loom.
fn grade(name: &str, m: &Mutant, s: &str, expected: i32) {
    let mutant = format!("--mutant={}", m.name);
    // A complexity mutant is graded on the series it is slow in; a stage it must pass, on all.
    let series = match m.slow_in {
        Some(series) if s == "complexity" && expected == 1 => {
            vec![(kata_suites::runner::SERIES_ENV, series)]
        }
        _ => vec![],
    };
    let run = kata_in(
        root(),
        &["check", name, &mutant, "--stage", s, "--json"],
        &series,
    );
    let verb = if expected == 1 { "fail" } else { "pass" };
    assert_eq!(
        run.code,
        expected,
        "{name} mutant `{}` ({}) must {verb} {s}:\n{}",
        m.name,
        m.mistake,
        run.all()
    );
    if expected == 0 {
        return;
    }
    let report = run.json();
    let st = stage(&report, s);
    assert_eq!(st["status"], "failed", "{st}");
    if s != "concurrency" {
        return;
    }
    // Loom alone must catch it, whatever the stress test saw.
    let loom_failed = st["tests"].as_array().expect("tests").iter().any(|t| {
        t["status"] == "failed" && t["name"].as_str().is_some_and(|n| n.starts_with("loom:"))
    });
    assert!(
        loom_failed,
        "loom did not catch {name} mutant `{}`: {st}",
        m.name
    );
}

each_kata!(fn each_stage_rejects_a_mutant => one_mutant_per_stage);

each_kata!(
    #[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
    fn the_stages_reject_every_other_mutant => every_other_mutant
);

/// A mutant is compiled only for the stages its entry names (`kata_mutants::mutants!`): asked for
/// another, the runner says so and the grade is not a pass.
#[test]
fn a_mutant_is_graded_only_on_the_stages_its_entry_names() {
    let m = mutants("lru")
        .iter()
        .find(|m| m.name == "short-shards")
        .expect("the lru mutant short-shards");
    assert_eq!((m.rejected_by, m.passes), (&["examples"][..], &[][..]));
    let run = common::kata(&[
        "check",
        "lru",
        "--mutant=short-shards",
        "--stage",
        "quality",
    ]);
    assert_eq!(run.code, 2, "{}", run.all());
    common::assert_mentions(
        &run.all(),
        &[
            "lru mutant `short-shards`",
            "graded on examples only, not on quality",
        ],
    );
}
