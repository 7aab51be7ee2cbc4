//! House rules checked over the source tree: every Rust file opens with a `//!` paragraph saying
//! what it is for, and a test is ignored only to put it in the heavy tier, which CI runs.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        let name = e.file_name();
        if p.is_dir() {
            if name != "target" && name != ".git" {
                rust_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["harness", "katas", "solutions", "tests", "benches"] {
        if root.join(dir).is_dir() {
            rust_files(&root.join(dir), &mut files);
        }
    }
    assert!(files.len() > 20, "found only {} Rust files", files.len());
    files
}

#[test]
fn every_module_opens_with_a_doc_comment() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not open with `//!`: {missing:#?}"
    );
}

/// The one reason a test may be ignored: it is a heavy proof, left out of the README's
/// `cargo test` (which must stay a few minutes long however many katas there are) and run by CI.
/// The reason shows in `cargo test`'s output, so nothing is skipped silently.
const HEAVY: &str = "heavy proof, run by CI: cargo test -- --include-ignored";

#[test]
fn a_test_is_ignored_only_as_a_heavy_proof_that_ci_runs() {
    let attr = concat!("#[", "ignore");
    let allowed = format!("{attr} = {HEAVY:?}]");
    let ignored: Vec<String> = sources()
        .into_iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            text.matches(attr).count() != text.matches(&allowed).count()
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        ignored.is_empty(),
        "tests ignored for another reason than `{HEAVY}` in: {ignored:?}"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    assert!(
        ci.lines().any(|l| !l.trim_start().starts_with('#')
            && (l.contains("--include-ignored")
                || l.contains("--run-ignored all")
                || l.contains("--run-ignored ignored-only"))),
        ".ci/run must run the heavy tier (`cargo test -- --include-ignored`, or \
         `cargo nextest run` with `--run-ignored all` or `--run-ignored ignored-only`)"
    );
}
