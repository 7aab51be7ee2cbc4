//! Correct code in another design passes every stage: the suites test the specification, not the
//! reference's choices. The alternatives (`tests/mutants/src/alternatives.rs`) are the designs
//! learners most often write; each kata has one, graded here through `cargo kata` on every stage,
//! loom included.

mod common;

use common::{each_kata, kata, stage};
use kata_core::catalogue::{Stage, KATAS};
use kata_mutants::alternatives::ALTERNATIVES;

#[test]
fn every_kata_has_an_alternative_design() {
    for k in KATAS {
        assert!(
            ALTERNATIVES.iter().any(|(kata, _)| *kata == k.name),
            "kata `{}` has no correct alternative in tests/mutants/src/alternatives.rs",
            k.name
        );
    }
}

each_kata!(
    #[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
    fn the_correct_alternative_passes_every_stage => alternatives_pass_every_stage
);

fn alternatives_pass_every_stage(kata_name: &str) {
    let theirs = ALTERNATIVES.iter().filter(|(k, _)| *k == kata_name);
    for (name, alternative) in theirs {
        let mutant = format!("--mutant={alternative}");
        let run = kata(&["check", name, &mutant, "--json"]);
        assert_eq!(
            run.code,
            0,
            "the correct `{alternative}` design of {name} must pass every stage:\n{}",
            run.all()
        );
        let report = run.json();
        for s in Stage::ALL {
            assert_eq!(
                stage(&report, s.name())["status"],
                "passed",
                "{name} {}",
                s.name()
            );
        }
    }
}
