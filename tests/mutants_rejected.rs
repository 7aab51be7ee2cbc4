//! Every stage of every kata rejects known-wrong implementations (`tests/mutants`), and the
//! mutants meant to slip past the earlier stages do pass them, so each stage is shown to catch
//! something the others do not.

mod common;

use common::{kata, serial, stage};
use kata_core::catalogue::{Stage, KATAS};
use kata_mutants::Mutant;

fn mutants(kata: &str) -> &'static [Mutant] {
    match kata {
        "lru" => kata_mutants::lru::MUTANTS,
        "token-bucket" => kata_mutants::token_bucket::MUTANTS,
        other => panic!("kata `{other}` has no mutants: add some to tests/mutants"),
    }
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

fn check_kata(name: &str) {
    let _serial = serial();
    for m in mutants(name) {
        let mutant = format!("--mutant={}", m.name);
        let must_fail = m.rejected_by.iter().map(|s| (s, 1));
        let must_pass = m.passes.iter().map(|s| (s, 0));
        for (s, expected) in must_fail.chain(must_pass) {
            let run = kata(&["check", name, &mutant, "--stage", s, "--json"]);
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
                continue;
            }
            let report = run.json();
            let st = stage(&report, s);
            assert_eq!(st["status"], "failed", "{st}");
            if *s != "concurrency" {
                continue;
            }
            // Loom alone must catch it, whatever the stress test saw.
            let loom_failed = st["tests"].as_array().expect("tests").iter().any(|t| {
                t["status"] == "failed"
                    && t["name"].as_str().is_some_and(|n| n.starts_with("loom:"))
            });
            assert!(
                loom_failed,
                "loom did not catch {name} mutant `{}`: {st}",
                m.name
            );
        }
    }
}

#[test]
fn lru_stages_reject_the_lru_mutants() {
    check_kata("lru");
}

#[test]
fn token_bucket_stages_reject_the_token_bucket_mutants() {
    check_kata("token-bucket");
}
