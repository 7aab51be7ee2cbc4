//! Every reference solution passes every stage, graded through `cargo kata` as a user grades.
//!
//! The quick tier grades the stages that need no loom build and measure no complexity; the whole
//! proof, every stage, loom and stress included, is in the heavy tier that CI runs.

mod common;

use common::{each_kata, kata, stage};
use kata_core::catalogue::Stage;

each_kata!(fn the_reference_passes_the_quick_stages => reference_passes_the_quick_stages);

each_kata!(
    #[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
    fn the_reference_passes_every_stage => reference_passes_every_stage
);

/// The reference of `name` passes examples, properties and quality, each graded alone.
fn reference_passes_the_quick_stages(name: &str) {
    for s in [Stage::Examples, Stage::Properties, Stage::Quality] {
        let run = kata(&["check", name, "--solution", "--stage", s.name(), "--json"]);
        assert_eq!(
            run.code,
            0,
            "the reference `{name}` must pass {}:\n{}",
            s.name(),
            run.all()
        );
        let st = stage(&run.json(), s.name()).clone();
        assert_eq!(st["status"], "passed", "{name} {}: {st}", s.name());
        let checks = st["tests"].as_array().map_or(0, Vec::len)
            + st["measurements"].as_array().map_or(0, Vec::len);
        assert!(checks > 0, "{name} {} ran no check", s.name());
    }
}

fn reference_passes_every_stage(name: &str) {
    let run = kata(&["check", name, "--solution", "--json"]);
    assert_eq!(
        run.code,
        0,
        "the reference `{name}` must pass:\n{}",
        run.all()
    );
    let report = run.json();
    assert_eq!(report["verdict"], "passed");
    for s in Stage::ALL {
        let st = stage(&report, s.name());
        assert_eq!(st["status"], "passed", "{name} {}: {st}", s.name());
        let checks = st["tests"].as_array().map_or(0, Vec::len)
            + st["measurements"].as_array().map_or(0, Vec::len);
        assert!(checks > 0, "{name} {} ran no check", s.name());
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
