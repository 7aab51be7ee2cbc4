//! Every reference solution passes every stage, graded through `cargo kata` as a user grades.

mod common;

use common::{kata, serial, stage};
use kata_core::catalogue::{Stage, KATAS};

#[test]
fn every_reference_solution_passes_every_stage() {
    let _serial = serial();
    for k in KATAS {
        let run = kata(&["check", k.name, "--solution", "--json"]);
        assert_eq!(
            run.code,
            0,
            "the reference `{}` must pass:\n{}",
            k.name,
            run.all()
        );
        let report = run.json();
        assert_eq!(report["verdict"], "passed");
        for s in Stage::ALL {
            let st = stage(&report, s.name());
            assert_eq!(st["status"], "passed", "{} {}: {st}", k.name, s.name());
            let checks = st["tests"].as_array().map_or(0, Vec::len)
                + st["measurements"].as_array().map_or(0, Vec::len);
            assert!(checks > 0, "{} {} ran no check", k.name, s.name());
        }
        // The concurrency stage ran both halves.
        let names: Vec<&str> = stage(&report, "concurrency")["tests"]
            .as_array()
            .expect("tests")
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert!(names.iter().any(|n| n.starts_with("loom:")), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("stress:")), "{names:?}");
    }
}
