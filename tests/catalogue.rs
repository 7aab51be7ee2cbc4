//! The catalogue matches the repository: a folder per kata in `katas/` and `solutions/`, and an
//! entry in `CHALLENGES.md` and a README for each.

use std::path::Path;

use kata_core::catalogue::KATAS;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_kata_has_its_folders_and_docs() {
    let challenges = std::fs::read_to_string(root().join("CHALLENGES.md")).expect("CHALLENGES.md");
    for kata in KATAS {
        for dir in ["katas", "solutions"] {
            let lib = root().join(dir).join(kata.name).join("src/lib.rs");
            assert!(lib.is_file(), "{} is missing", lib.display());
        }
        let readme = root().join("katas").join(kata.name).join("README.md");
        assert!(readme.is_file(), "{} is missing", readme.display());
        assert!(
            challenges.contains(&format!("`{}`", kata.name)),
            "CHALLENGES.md does not describe `{}`",
            kata.name
        );
    }
}

#[test]
fn every_kata_folder_is_in_the_catalogue() {
    for dir in ["katas", "solutions"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("folder") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(
                kata_core::catalogue::find(&name).is_some(),
                "{dir}/{name} is not in harness/core/src/catalogue.rs"
            );
        }
    }
}

/// Every place a kata must be wired into, checked from the catalogue: one test that names every
/// missing piece and where it goes (ARCHITECTURE.md, "Adding a kata", is the same list). What the
/// language can derive is not here: the per-kata tests come from `common::each_kata!`, whose
/// `every_kata_is_covered` tests fail for a kata without a line.
#[test]
fn every_kata_is_wired_everywhere_it_must_be() {
    let read = |path: &str| {
        std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let manifest = read("Cargo.toml");
    let runner = read("harness/runner/Cargo.toml");
    let runner_lib = read("harness/runner/src/lib.rs");
    let bench = read("benches/Cargo.toml");
    let peers = read("benches/peers/Cargo.toml");
    let references_bin = read("benches/src/bin/references.rs");
    let suites_lib = read("harness/suites/src/lib.rs");
    let mutants_lib = read("tests/mutants/src/lib.rs");
    let libs = [
        ("harness/core/src/lib.rs", read("harness/core/src/lib.rs")),
        ("tests/mutants/src/lib.rs", mutants_lib.clone()),
        ("benches/src/lib.rs", read("benches/src/lib.rs")),
        ("benches/peers/src/lib.rs", read("benches/peers/src/lib.rs")),
    ];
    let mut missing = Vec::new();
    for kata in KATAS {
        let (name, module) = (kata.name, kata.name.replace('-', "_"));
        let mut files = vec![
            format!("katas/{name}/Cargo.toml"),
            format!("katas/{name}/src/lib.rs"),
            format!("katas/{name}/README.md"),
            format!("katas/{name}/HINTS.md"),
            format!("solutions/{name}/Cargo.toml"),
            format!("solutions/{name}/src/lib.rs"),
            format!("harness/runner/src/bin/{name}.rs"),
            format!("harness/runner/src/bin/{name}-learner.rs"),
            format!("harness/runner/src/bin/{name}-mutants.rs"),
            format!("harness/suites/src/{module}/workloads.rs"),
        ];
        for dir in [
            "harness/core/src",
            "harness/suites/src",
            "tests/mutants/src",
        ] {
            files.push(format!("{dir}/{module}.rs"));
        }
        for dir in ["benches/src", "benches/peers/src"] {
            files.push(format!("{dir}/{module}.rs"));
        }
        for stage in kata_core::catalogue::Stage::ALL {
            files.push(format!("harness/suites/src/{module}/{}.rs", stage.name()));
        }
        for f in files {
            if !root().join(&f).is_file() {
                missing.push(format!("{name}: the file {f}"));
            }
        }
        for (lib, text) in &libs {
            if !text.contains(&format!("pub mod {module};")) {
                missing.push(format!("{name}: `pub mod {module};` in {lib}"));
            }
        }
        let lines = [
            (&manifest, "Cargo.toml", format!("\"katas/{name}\",")),
            (&manifest, "Cargo.toml", format!("\"solutions/{name}\",")),
            (
                &manifest,
                "Cargo.toml",
                format!("{name}-kata = {{ path = \"katas/{name}\" }}"),
            ),
            (
                &manifest,
                "Cargo.toml",
                format!("{name}-solution = {{ path = \"solutions/{name}\" }}"),
            ),
            (
                &runner,
                "harness/runner/Cargo.toml",
                format!("\n{name} = ["),
            ),
            (
                &runner,
                "harness/runner/Cargo.toml",
                format!("\n{name}-learner = ["),
            ),
            (
                &runner,
                "harness/runner/Cargo.toml",
                format!("name = \"{name}\"\n"),
            ),
            (
                &runner,
                "harness/runner/Cargo.toml",
                format!("name = \"{name}-learner\"\n"),
            ),
            (
                &runner,
                "harness/runner/Cargo.toml",
                format!("\n{name}-mutants = [\"{name}\", \"dep:kata-mutants\"]"),
            ),
            (
                &runner,
                "harness/runner/Cargo.toml",
                format!("name = \"{name}-mutants\"\n"),
            ),
            (
                &runner_lib,
                "harness/runner/src/lib.rs (`runner!`)",
                format!("mutants if \"{name}-mutants\";"),
            ),
            (
                &runner_lib,
                "harness/runner/src/lib.rs (`runner!`)",
                format!("\"{name}\" => {module}, {module}_family:"),
            ),
            (
                &suites_lib,
                "harness/suites/src/lib.rs (`suites!`)",
                format!("\"{name}\" => {module},"),
            ),
            (
                &mutants_lib,
                "tests/mutants/src/lib.rs (`of`)",
                format!("\"{name}\" => {module}::MUTANTS,"),
            ),
            (&bench, "benches/Cargo.toml", format!("\n{name} = [")),
            (
                &bench,
                "benches/Cargo.toml",
                format!("\n{name}-learner = ["),
            ),
            (
                &bench,
                "benches/Cargo.toml",
                format!("name = \"{name}-learner\"\n"),
            ),
            (&peers, "benches/peers/Cargo.toml", format!("\n{name} = [")),
            (
                &bench,
                "benches/Cargo.toml (feature `references`)",
                format!("\n    \"{name}\",\n"),
            ),
            (
                &references_bin,
                "benches/src/bin/references.rs",
                format!("\"{name}\" => kata_bench::{module}::main(),"),
            ),
        ];
        for (text, file, line) in lines {
            if !text.contains(&line) {
                missing.push(format!("{name}: `{}` in {file}", line.trim()));
            }
        }
        // The solution is a default member (its unit tests run with `cargo test`); the kata is
        // not (a learner's half-written crate must not break `cargo test`).
        let default_members = manifest
            .split("default-members")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .unwrap_or("");
        if !default_members.contains(&format!("\"solutions/{name}\"")) {
            missing.push(format!(
                "{name}: \"solutions/{name}\" in Cargo.toml's default-members"
            ));
        }
        if default_members.contains(&format!("\"katas/{name}\"")) {
            missing.push(format!(
                "{name}: \"katas/{name}\" must not be in Cargo.toml's default-members"
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "a kata of the catalogue is not wired everywhere (ARCHITECTURE.md, \"Adding a kata\"); \
         missing:\n  {}",
        missing.join("\n  ")
    );
}
