//! Helpers for the repository's own tests: run `cargo kata` as a user runs it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// An exclusive lock on the file `target/selftest/locks/<name>.lock`, held until dropped.
///
/// A file lock, not a `Mutex`: Cargo runs a binary's tests on threads of one process, nextest
/// runs every test in a process of its own, in parallel; an exclusive `flock` excludes both
/// (two opens of one file conflict even within a process). The kernel releases it when the
/// process dies, so a killed test never leaves a stale lock behind.
pub struct Lock {
    _file: std::fs::File,
}

fn lock_file(name: &str) -> std::fs::File {
    let dir = target_dir().join("selftest").join("locks");
    std::fs::create_dir_all(&dir).expect("mkdir target/selftest/locks");
    std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(format!("{name}.lock")))
        .expect("open a lock file")
}

/// Waits for the lock named `name` (see [`Lock`]).
pub fn lock(name: &str) -> Lock {
    let file = lock_file(name);
    file.lock().expect("lock a file");
    Lock { _file: file }
}

/// The lock named `name` if nobody holds it.
fn try_lock(name: &str) -> Option<Lock> {
    let file = lock_file(name);
    file.try_lock().ok().map(|()| Lock { _file: file })
}

/// Excludes every other holder of `serial()`, in any test process, for the guard's lifetime.
///
/// Most tests need no such thing: a test that changes a repository works in a [`Copy`], which
/// is locked for as long as the test holds it, and every `cargo kata check` or `bench` in the
/// real clone is locked per kata and implementation by [`kata_in`] (they share events files).
/// Timing is no reason either: the complexity stage measures thread CPU time, interleaves the
/// reference's rounds with the graded code's, and is proven to pass the references and fail the
/// O(n) mutants with every core busy (`tests/complexity_under_load.rs`); a grade next to another
/// is one more neighbour. `tests/bench.rs` and `tests/leaderboard.rs` still take it around each
/// of their tests, so those exclude one another and nothing else.
pub fn serial() -> Lock {
    lock("serial")
}

/// The outcome of one `cargo kata` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together, for searching.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The learner's state in the clone at `dir`, file by file: the progress file (and copies moved
/// aside), the learner's results files, the backups `reset` makes, the leaderboards. The
/// repository's tests must leave all of it as it was in the real clone: a learner may run them
/// at any time, and their progress is theirs.
pub fn learner_state(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<(String, Option<Vec<u8>>)>) {
        let Ok(entries) = std::fs::read_dir(d) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
                out.push((rel, std::fs::read(&p).ok()));
            }
        }
    }
    let mut state = Vec::new();
    let mut top: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    top.sort();
    for p in top {
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("kata-progress.json"))
        {
            state.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).ok(),
            ));
        }
    }
    for k in kata_core::catalogue::KATAS {
        let rel = format!("target/kata/results/{}.json", k.name);
        state.push((rel.clone(), std::fs::read(dir.join(&rel)).ok()));
    }
    walk(dir, &dir.join(".kata-backups"), &mut state);
    walk(dir, &dir.join("benches/leaderboards"), &mut state);
    state
}

/// Runs `cargo kata <args>` in `dir` with extra environment variables.
///
/// In the real clone (`root()`), it also checks that the command left the learner's state as
/// it was ([`learner_state`]): a test that grades, hints or resets a learner's crate must do it
/// in a [`Copy`].
pub fn kata_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let real = dir == root();
    assert!(
        real || !args.iter().any(|a| a.starts_with("--mutant")),
        "`cargo kata {}` in a copy would build a mutants runner there: grade mutants in the \
         real clone (`common::kata`), where each kata's is built once",
        args.join(" ")
    );
    // Runs in the real clone share its target directory's events files, named by kata,
    // implementation and stage; in a copy, the copy's lock already excludes everyone else.
    let _grading: Vec<Lock> = if real {
        grading_locks(args).iter().map(|n| lock(n)).collect()
    } else {
        Vec::new()
    };
    let before = real.then(|| learner_state(dir));
    let run = kata_in_unchecked(dir, args, env);
    if let Some(before) = before {
        let changed = state_changes(&before, &learner_state(dir));
        assert!(
            changed.is_empty(),
            "`cargo kata {}` in the repository changed the learner's state ({}): the \
             repository's tests must grade, hint and reset learner crates in a `common::Copy` \
             only. (Or did you run `cargo kata` yourself while the tests ran?)",
            args.join(" "),
            changed.join(", ")
        );
    }
    run
}

/// The locks a `cargo kata <args>` in the real clone must hold, sorted (so that two runs that
/// need several never wait for each other in a circle): one per kata and implementation graded
/// (`check` and `bench` grade; `bench --solution` grades the reference too), because a stage's
/// events go to `target/kata/events/<kata>.<implementation>.<stage>.jsonl`, which a second run
/// of the same stage would truncate under the first. Runs of different katas or
/// implementations, and every other command, run side by side.
fn grading_locks(args: &[&str]) -> Vec<String> {
    if !matches!(args.first(), Some(&"check") | Some(&"bench")) {
        return Vec::new();
    }
    let mut implementation = "learner".to_owned();
    for (i, a) in args.iter().enumerate() {
        if *a == "--solution" {
            implementation = "solution".to_owned();
        } else if let Some(m) = a.strip_prefix("--mutant=") {
            implementation = format!("mutant-{m}");
        } else if *a == "--mutant" {
            implementation = format!("mutant-{}", args.get(i + 1).unwrap_or(&""));
        }
    }
    let katas = kata_core::catalogue::KATAS
        .iter()
        .map(|k| k.name)
        .filter(|k| args.contains(&"--all") || args.contains(k));
    let mut names: Vec<String> = katas
        .map(|k| format!("grade-{k}-{implementation}"))
        .collect();
    names.sort();
    names
}

/// The files of the learner's state that differ between two [`learner_state`]s.
pub fn state_changes(
    before: &[(String, Option<Vec<u8>>)],
    after: &[(String, Option<Vec<u8>>)],
) -> Vec<String> {
    let mut names: Vec<&String> = before.iter().chain(after).map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    let get = |state: &[(String, Option<Vec<u8>>)], n: &String| {
        state
            .iter()
            .find(|(m, _)| m == n)
            .and_then(|(_, b)| b.clone())
    };
    names
        .into_iter()
        .filter(|n| get(before, n) != get(after, n))
        .cloned()
        .collect()
}

fn kata_in_unchecked(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    // Each clone builds its CLI in its own target directory (see `tests/cli.rs`, `Copy`).
    cmd.current_dir(dir)
        .arg("kata")
        .args(args)
        .env_remove("CARGO_TARGET_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("cargo runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `cargo kata <args>` at the root.
pub fn kata(args: &[&str]) -> Run {
    kata_in(root(), args, &[])
}

/// The O(n) mutant the proofs about the complexity stage use for `kata`, and the series of the
/// stage it is slow in: the proof under load grades it on that series only.
#[allow(dead_code)]
pub fn slow_mutant(kata: &str) -> (&'static str, &'static str) {
    match kata {
        "lru" => ("linear-scan", "read-heavy"),
        "lfu" => ("linear-scan", "read-heavy"),
        "token-bucket" => ("loop-refill", "TokenBucket"),
        "leaky-bucket" => ("scanning-level", "LeakyBucket"),
        "sliding-window" => ("retain-prune", "sliding-log"),
        "bloom-filter" => ("recount-after-insert", "insert"),
        "count-min-sketch" => ("space-saving-min-scan", "space-saving"),
        "consistent-hashing" => ("linear-ring", "ring"),
        "trie" => ("uncached-scan", "cached-top-k"),
        "snowflake" => ("remembers-issued", "next-id"),
        "vector-clock" => ("quadratic-compare", "compare"),
        "merkle-tree" => ("update-rebuilds", "update"),
        "order-book" => ("cancel-scans-level", "cancel"),
        other => panic!(
            "kata `{other}` has no slow mutant: name an O(n) mutant and the complexity series it \
             is slow in (tests/common/mod.rs, slow_mutant)"
        ),
    }
}

/// The target directory `cargo kata` builds in: always the clone's own.
pub fn target_dir() -> PathBuf {
    root().join("target")
}

/// The stage named `name` in a results document.
pub fn stage<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name} in {report}"))
}

/// Asserts that `text` contains every one of `needles`, naming the first missing one.
#[track_caller]
pub fn assert_mentions(text: &str, needles: &[&str]) {
    if let Some(missing) = needles.iter().find(|n| !text.contains(**n)) {
        panic!("expected the output to mention `{missing}`; it was:\n{text}");
    }
}

/// A copy of the repository's files in `target/selftest/repo-<n>`, for tests that change a kata
/// or the learner's state, or grade a learner's crate: the repository's git history, then a
/// commit of the files as copied, then one of the katas as shipped (`cargo kata reset` of each
/// kata in the copy), so that the tests see a new learner whatever the real `katas/` holds, and
/// `cargo kata reset` finds the shipped stubs there.
///
/// The copies are a pool of slots, one per core: a test takes the first slot no other test
/// holds (a [`Lock`] on `repo-<n>`, kept until the `Copy` is dropped) and waits when all are
/// taken. So tests that run at once (nextest runs one process per test, `cargo test` one thread
/// per test) never edit one copy together, while a slot is reused from test to test and run to
/// run: its `target/` is kept, and files outside `katas/` keep their modification times, so only
/// what a test changes (under `katas/`) is rebuilt. A copy of its own per test would rebuild the
/// grader and its runners in each (about 20-40 s on 2 cores; measured in ARCHITECTURE.md). The
/// learner's state (`kata-progress.json`, `.kata-backups/`, results files) is not kept.
pub struct Copy {
    dir: PathBuf,
    _slot: Lock,
}

/// How many copies may exist at once: one per core, two at least (nextest's default runs as
/// many tests at once as there are cores).
fn copy_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

impl Copy {
    /// A fresh copy (everything but `target/` is replaced), committed to a new git repository,
    /// in the first free slot.
    pub fn new() -> Copy {
        let (dest, slot) = loop {
            let free = (0..copy_slots()).find_map(|n| {
                let name = format!("repo-{n}");
                try_lock(&name).map(|l| (target_dir().join("selftest").join(&name), l))
            });
            match free {
                Some(found) => break found,
                None => std::thread::sleep(std::time::Duration::from_millis(200)),
            }
        };
        if let Ok(entries) = std::fs::read_dir(&dest) {
            for e in entries.flatten() {
                if e.file_name() != "target" {
                    let p = e.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            }
        }
        // A new learner: no results files from an earlier run in the kept `target/` either.
        let _ = std::fs::remove_dir_all(dest.join("target").join("kata"));
        copy_repo_tree(root(), &dest, false);
        let copy = Copy {
            dir: dest,
            _slot: slot,
        };
        copy.git(&["init", "-q"]);
        // The repository's history, when there is one, under the working tree as copied: so
        // that `cargo kata reset` finds the shipped stubs there, whatever the learner did.
        let history = Command::new("git")
            .current_dir(root())
            .args(["rev-parse", "--verify", "-q", "HEAD"])
            .output()
            .is_ok_and(|o| o.status.success());
        if history {
            copy.git(&[
                "fetch",
                "-q",
                "--no-tags",
                &root().to_string_lossy(),
                "HEAD",
            ]);
            copy.git(&["reset", "-q", "--soft", "FETCH_HEAD"]);
        }
        copy.commit_all("The working tree as copied");
        // A new learner: the katas as shipped, not the work of the learner who runs the tests
        // (a no-op when katas/ holds the stubs). `reset` takes them from the newest commit whose
        // stub is still all todo!()s, and leaves the docs as they are.
        for k in kata_core::catalogue::KATAS {
            let run = copy.kata(&["reset", k.name]);
            assert_eq!(run.code, 0, "reset {} in the copy:\n{}", k.name, run.all());
        }
        let _ = std::fs::remove_dir_all(copy.file(".kata-backups"));
        let _ = std::fs::remove_file(copy.file("kata-progress.json"));
        copy.commit_all("The katas as shipped");
        copy
    }

    /// Commits everything in the copy's working tree as `message` (also when nothing changed).
    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// The copy's root.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// `path` (relative to the copy's root) in the copy.
    pub fn file(&self, path: &str) -> PathBuf {
        self.dir.join(path)
    }

    /// Runs `cargo kata <args>` in the copy.
    pub fn kata(&self, args: &[&str]) -> Run {
        kata_in(&self.dir, args, &[])
    }

    /// Runs `git <args>` in the copy (with a fixed identity, no signing, no hooks from outside)
    /// and returns its stdout; panics when git fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(&self.dir)
            .args([
                "-c",
                "user.name=kata selftest",
                "-c",
                "user.email=selftest@example.invalid",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Makes the copy's learner crate of `kata` the reference solution (renamed to the kata's
    /// package), as a learner who solved it would have it.
    pub fn solve(&self, kata: &str) {
        let solution = self.dir.join("solutions").join(kata);
        let kata_dir = self.dir.join("katas").join(kata);
        std::fs::copy(solution.join("src/lib.rs"), kata_dir.join("src/lib.rs"))
            .expect("copy lib.rs");
        let manifest = std::fs::read_to_string(solution.join("Cargo.toml")).expect("manifest");
        let manifest = manifest.replace(
            &format!("name = \"{kata}-solution\""),
            &format!("name = \"{kata}-kata\""),
        );
        std::fs::write(kata_dir.join("Cargo.toml"), manifest).expect("write manifest");
    }

    /// The copy's progress file, parsed (`Null` when there is none).
    pub fn progress(&self) -> serde_json::Value {
        match std::fs::read(self.file("kata-progress.json")) {
            Ok(bytes) => serde_json::from_slice(&bytes).expect("progress is JSON"),
            Err(_) => serde_json::Value::Null,
        }
    }
}

/// Copies `from` to `to`, leaving out `target/`, `.git/` and the learner's state. Files outside
/// `katas/` keep their modification time (see [`Copy`]); `in_katas` says where we are.
fn copy_repo_tree(from: &Path, to: &Path, in_katas: bool) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let name = e.file_name();
        let n = name.to_string_lossy();
        if n == "target"
            || n == ".git"
            || n == ".kata-backups"
            || n.starts_with("kata-progress.json")
        {
            continue;
        }
        let p = e.path();
        let dest = to.join(&name);
        if p.is_dir() {
            copy_repo_tree(&p, &dest, in_katas || (from == root() && n == "katas"));
        } else {
            std::fs::copy(&p, &dest).expect("copy");
            if !in_katas {
                if let Ok(modified) = e.metadata().and_then(|m| m.modified()) {
                    let _ = std::fs::File::options()
                        .write(true)
                        .open(&dest)
                        .and_then(|f| f.set_modified(modified));
                }
            }
        }
    }
}

/// The runner built with `kata`'s reference and mutants (`--features <kata>-mutants`), for tests
/// that run it directly rather than through `cargo kata`: nothing is written but their own events
/// files, so the learner's state is never touched.
///
/// Built exactly as `cargo kata check <kata> --mutant` builds it (`harness/cli/src/build.rs`: with
/// `-p kata-cli`, so that features resolve as for the CLI): the same artifacts serve both. Built
/// on its own, the runner got other features for its dependencies, so the first test here
/// recompiled it (about 25 s on 2 cores), and each build then put its own variant back in place
/// at `target/grade/<kata>-mutants` while other tests might be starting the other.
pub fn mutants_runner(kata: &str) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let bin = format!("{kata}-mutants");
    let status = Command::new(cargo)
        .current_dir(root())
        .args([
            "build",
            "--quiet",
            "--profile",
            "grade",
            "--package",
            "kata-runner",
            "--package",
            "kata-cli",
        ])
        .args(["--bin", &bin, "--features", &format!("kata-runner/{bin}")])
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the {bin} runner failed");
    root().join("target").join("grade").join(bin)
}

/// One test per kata, in a module named `$module`: `each_kata!(fn $module => $check)` makes
/// `$module::lru`, `$module::token_bucket`, ... calling `$check("lru")` and so on (a function
/// of the test file), each with the attributes written before `fn` (the heavy tier's ignore
/// attribute, see README). One test per kata rather than a loop in one test: nextest runs them
/// side by side, and its timings show what each kata costs. `$module::every_kata_is_covered`
/// fails when a kata of the catalogue has no line here.
#[allow(unused_macros)]
macro_rules! each_kata {
    ($(#[$attr:meta])* fn $module:ident => $check:ident) => {
        mod $module {
            #[test]
            $(#[$attr])*
            fn lru() {
                super::$check("lru");
            }

            #[test]
            $(#[$attr])*
            fn lfu() {
                super::$check("lfu");
            }

            #[test]
            $(#[$attr])*
            fn token_bucket() {
                super::$check("token-bucket");
            }

            #[test]
            $(#[$attr])*
            fn leaky_bucket() {
                super::$check("leaky-bucket");
            }

            #[test]
            $(#[$attr])*
            fn sliding_window() {
                super::$check("sliding-window");
            }

            #[test]
            $(#[$attr])*
            fn bloom_filter() {
                super::$check("bloom-filter");
            }

            #[test]
            $(#[$attr])*
            fn count_min_sketch() {
                super::$check("count-min-sketch");
            }

            #[test]
            $(#[$attr])*
            fn consistent_hashing() {
                super::$check("consistent-hashing");
            }

            #[test]
            $(#[$attr])*
            fn trie() {
                super::$check("trie");
            }

            #[test]
            $(#[$attr])*
            fn snowflake() {
                super::$check("snowflake");
            }

            #[test]
            $(#[$attr])*
            fn vector_clock() {
                super::$check("vector-clock");
            }

            #[test]
            $(#[$attr])*
            fn merkle_tree() {
                super::$check("merkle-tree");
            }

            #[test]
            $(#[$attr])*
            fn order_book() {
                super::$check("order-book");
            }

            #[test]
            fn every_kata_is_covered() {
                let names: Vec<&str> =
                    kata_core::catalogue::KATAS.iter().map(|k| k.name).collect();
                assert_eq!(
                    names,
                    [
                        "lru",
                        "lfu",
                        "token-bucket",
                        "leaky-bucket",
                        "sliding-window",
                        "bloom-filter",
                        "count-min-sketch",
                        "consistent-hashing",
                        "trie",
                        "snowflake",
                        "vector-clock",
                        "merkle-tree",
                        "order-book",
                    ],
                    "add a test per new kata to `each_kata!` in tests/common/mod.rs"
                );
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use each_kata;
