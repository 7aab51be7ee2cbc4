//! Failures that teach: what a learner reads when a stage fails is checked, not only that it
//! fails.
//!
//! Each test runs a known-wrong implementation (`tests/mutants`) through the runner directly,
//! with its events in a temporary file, so nothing the learner has (results, progress) is read or
//! written, and reads the failed checks' messages:
//!
//! - a property failure leads with what went wrong (the mismatch, or the panic with its file and
//!   line), then the minimal sequence; it carries no seed of its own (the CLI prints the stage's
//!   one, which replays);
//! - a failure that does not reproduce on a rerun is called nondeterministic, not "minimal";
//! - the replay snippets compile, as a learner would paste them into a test.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{mutants_runner, root};

/// The failed checks of `stage` for `imp` of `kata`: `(name, message)`.
fn failures(exe: &Path, kata: &str, imp: &str, stage: &str) -> Vec<(String, String)> {
    // Tests run in parallel: every run gets its own file.
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let events = std::env::temp_dir().join(format!(
        "failure-messages-{}-{}.jsonl",
        std::process::id(),
        RUN.fetch_add(1, Ordering::SeqCst)
    ));
    let status = Command::new(exe)
        .args(["--kata", kata, "--impl", imp, "--stage", stage, "--events"])
        .arg(&events)
        .status()
        .expect("the runner runs");
    assert_eq!(status.code(), Some(1), "{kata} {imp} must fail {stage}");
    let text = std::fs::read_to_string(&events).expect("events");
    let _ = std::fs::remove_file(&events);
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("an event"))
        .filter(|e| e["event"] == "check-end" && e["passed"] == false)
        .map(|e| {
            (
                e["name"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The one failed check whose name contains `name`.
fn failure(exe: &Path, kata: &str, mutant: &str, stage: &str, name: &str) -> String {
    let all = failures(exe, kata, &format!("mutant:{mutant}"), stage);
    all.iter()
        .find(|(n, _)| n.contains(name))
        .map(|(_, m)| m.clone())
        .unwrap_or_else(|| panic!("{kata} {mutant}: no failed check named like `{name}`: {all:?}"))
}

/// The indented code block after the line that starts with `header`.
fn snippet(message: &str, header: &str) -> String {
    message
        .lines()
        .skip_while(|l| !l.starts_with(header))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| &l[4..])
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn property_failures_lead_with_the_mismatch_and_carry_no_seed_of_their_own() {
    let exe = mutants_runner("lru");
    let m = failure(&exe, "lru", "no-refresh", "properties", "exact LRU model");
    let first = m.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("step ") && first.contains("expected") && first.contains("got"),
        "the first line must say what went wrong, at which step: {m}"
    );
    assert!(m.contains("\nminimal failing sequence:\n"), "{m}");
    assert!(
        !m.contains("--seed"),
        "a seed in the message does not replay the stage: {m}"
    );
}

#[test]
fn a_panic_in_a_property_keeps_its_file_and_line() {
    let exe = mutants_runner("token-bucket");
    let m = failure(
        &exe,
        "token-bucket",
        "backward-panic",
        "properties",
        "steps back",
    );
    let first = m.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("panicked at tests/mutants/src/token_bucket.rs:")
            && first.contains("attempt to subtract with overflow"),
        "the first line must be the panic, with its place: {m}"
    );
}

#[test]
fn a_failure_that_does_not_reproduce_is_called_nondeterministic() {
    let exe = mutants_runner("lru");
    let m = failure(
        &exe,
        "lru",
        "evicts-arbitrary",
        "properties",
        "exact LRU model",
    );
    assert!(
        m.contains("does not happen every time") && m.contains("RandomState"),
        "{m}"
    );
    assert!(
        !m.contains("minimal failing sequence"),
        "a sequence that could not be shrunk must not be called minimal: {m}"
    );
}

#[test]
fn replay_snippets_compile_as_a_learner_pastes_them() {
    // One failing property per variant and property kind.
    let cases = [
        ("lru", "no-refresh", "exact LRU model"),
        ("lru", "sharded-put-returns-none", "ShardedLruCache"),
        ("lfu", "fifo-ties", "LfuCache matches"),
        ("lfu", "refusal-returns-none", "ForgetfulLfuCache keeps"),
        ("lfu", "sharded-put-not-counted", "ShardedLfuCache never"),
        ("token-bucket", "floor-retry", "TokenBucket matches"),
        ("token-bucket", "double-credit", "TokenBucket survives"),
        (
            "token-bucket",
            "atomic-floor-retry",
            "AtomicTokenBucket matches",
        ),
        ("token-bucket", "locked", "AtomicTokenBucket survives"),
        ("leaky-bucket", "floor-retry", "LeakyBucket matches"),
        ("leaky-bucket", "trusts-the-clock", "LeakyBucket survives"),
        (
            "leaky-bucket",
            "concurrent-floor-retry",
            "ConcurrentLeakyBucket matches",
        ),
        (
            "sliding-window",
            "stale-prev",
            "SlidingCounter: every decision",
        ),
        (
            "sliding-window",
            "forgets-after-a-window",
            "Keyed<_, SlidingCounter, _>",
        ),
        ("bloom-filter", "insert-any-set", "BloomFilter: insert"),
        ("bloom-filter", "atomic-mutex", "AtomicBloomFilter: insert"),
        (
            "count-min-sketch",
            "total-unchanged-on-overflow",
            "CountMinSketch: exact on a wide sketch",
        ),
        (
            "count-min-sketch",
            "never-replaces",
            "TopK over a sketch that counts exactly",
        ),
        (
            "count-min-sketch",
            "minimum-only",
            "TopK over ConservativeCountMinSketch",
        ),
        ("count-min-sketch", "evicts-newest", "SpaceSaving: counts"),
        (
            "consistent-hashing",
            "modulo-repeats-weighted",
            "ModuloRouter: add",
        ),
        (
            "consistent-hashing",
            "weighted-flag-overwritten",
            "Rendezvous: add",
        ),
        ("consistent-hashing", "jump-last-is-highest", "Jump: add"),
        (
            "trie",
            "search-skips-ties",
            "CachedTrie: insert, add_weight",
        ),
        ("snowflake", "no-sequence-reset", "Snowflake matches"),
        ("snowflake", "locked", "AtomicSnowflake matches"),
        ("snowflake", "lowercase-first", "Base62 round-trips"),
        (
            "vector-clock",
            "counter-ignores-contexts",
            "replicas: puts and replication",
        ),
        ("vector-clock", "merge-drops-tail", "clocks: tick, merge"),
        (
            "merkle-tree",
            "diff-drops-promoted",
            "diff: exactly the differing",
        ),
        ("merkle-tree", "cdc-max-plus-one", "chunking: chunks cover"),
        ("order-book", "depth-counts-cancelled", "random flows"),
    ];
    let mut functions = String::new();
    for (i, (kata, mutant, check)) in cases.iter().enumerate() {
        let m = failure(&mutants_runner(kata), kata, mutant, "properties", check);
        let code = [
            snippet(&m, "minimal failing sequence:"),
            snippet(&m, "the sequence that failed first"),
        ]
        .concat();
        assert!(!code.is_empty(), "{kata} {mutant}: no snippet in {m}");
        let prelude = match *kata {
            "lru" => "use lru_solution::*;",
            "lfu" => "use lfu_solution::*;",
            "token-bucket" => {
                "use token_bucket_solution::*; use kata_core::clock::{Clock, ManualClock};"
            }
            "leaky-bucket" => {
                "use leaky_bucket_solution::*; use kata_core::clock::{Clock, ManualClock};"
            }
            "sliding-window" => {
                "use sliding_window_solution::*; use kata_core::clock::{Clock, ManualClock};"
            }
            "bloom-filter" => "use bloom_filter_solution::*;",
            "count-min-sketch" => {
                "use count_min_sketch_solution::*; use kata_core::count_min_sketch::*;"
            }
            "consistent-hashing" => {
                "use consistent_hashing_solution::*; use kata_core::consistent_hashing::*;"
            }
            "trie" => "use trie_solution::*;",
            "snowflake" => {
                "use snowflake_solution::*; use kata_core::snowflake::*; \
                 use kata_core::clock::{Clock, ManualClock};"
            }
            "vector-clock" => "use vector_clock_solution::*; use kata_core::vector_clock::*;",
            "merkle-tree" => "use merkle_tree_solution::*; use kata_core::merkle_tree::*;",
            "order-book" => "use order_book_solution::*; use kata_core::order_book::*;",
            other => panic!("no snippet prelude for kata `{other}`: add one here"),
        };
        // The crate allows `unused` (a replay snippet reads values only in the lines a learner
        // adds); these katas' snippets are also held to pasting without a warning.
        let lints = match *kata {
            "vector-clock" | "merkle-tree" => {
                "#[deny(unused_mut, unused_must_use, unused_variables)]\n"
            }
            _ => "",
        };
        functions.push_str(&format!(
            "// {kata}, mutant {mutant}\n{lints}\
             fn case_{i}() -> Result<(), Box<dyn std::error::Error>> {{\n\
             {prelude}\n{code}\nOk(())\n}}\n\n"
        ));
    }
    let dir = root().join("target").join("selftest").join("snippets");
    std::fs::create_dir_all(dir.join("src")).expect("snippets dir");
    let path = |p: &str| root().join(p).display().to_string();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"snippets\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nkata-core = {{ path = {:?} }}\nlru-solution = {{ path = {:?} }}\n\
             lfu-solution = {{ path = {:?} }}\n\
             token-bucket-solution = {{ path = {:?} }}\n\
             leaky-bucket-solution = {{ path = {:?} }}\n\
             sliding-window-solution = {{ path = {:?} }}\n\
             bloom-filter-solution = {{ path = {:?} }}\n\
             consistent-hashing-solution = {{ path = {:?} }}\n\
             count-min-sketch-solution = {{ path = {:?} }}\n\
             trie-solution = {{ path = {:?} }}\n\
             snowflake-solution = {{ path = {:?} }}\n\
             vector-clock-solution = {{ path = {:?} }}\n\
             merkle-tree-solution = {{ path = {:?} }}\n\
             order-book-solution = {{ path = {:?} }}\n\n[workspace]\n",
            path("harness/core"),
            path("solutions/lru"),
            path("solutions/lfu"),
            path("solutions/token-bucket"),
            path("solutions/leaky-bucket"),
            path("solutions/sliding-window"),
            path("solutions/bloom-filter"),
            path("solutions/consistent-hashing"),
            path("solutions/count-min-sketch"),
            path("solutions/trie"),
            path("solutions/snowflake"),
            path("solutions/vector-clock"),
            path("solutions/merkle-tree"),
            path("solutions/order-book"),
        ),
    )
    .expect("Cargo.toml");
    let main =
        format!("#![allow(unused)]\nuse std::time::Duration;\n\n{functions}fn main() {{}}\n");
    std::fs::write(dir.join("src").join("main.rs"), &main).expect("main.rs");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&dir)
        .args(["build", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "the replay snippets do not compile:\n{}\n{main}",
        String::from_utf8_lossy(&out.stderr)
    );
}
