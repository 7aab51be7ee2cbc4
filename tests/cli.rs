//! `cargo kata` as a user runs it: exit codes, messages, the results file, and a grader that
//! survives whatever the graded code does.

mod common;

use common::{assert_mentions, each_kata, kata, kata_in, root, stage, Copy};

/// No silent build: `cargo kata` is not `--quiet`, so Cargo's own progress shows while the
/// grader compiles, and the grader is built in the `grade` profile beside the runners, which then
/// reuse its dependencies.
#[test]
fn the_grader_is_built_loudly_in_the_profile_the_runners_share() {
    let run = kata(&["list"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(&run.stderr, &["Running `target/grade/kata-cli list`"]);
}

/// A runner build says how many crates it compiled (in a pipe; on a terminal Cargo's n/N
/// progress is redrawn on the building line).
#[test]
fn a_build_says_how_many_crates_it_compiled() {
    let copy = Copy::new();
    let lib = copy.file("katas/lru/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\n// an edit\n");
    std::fs::write(&lib, text).unwrap();
    let run = copy.kata(&["check", "lru", "--stage", "examples"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("  building ... "))
        .unwrap_or_else(|| panic!("no building line:\n{}", run.stdout));
    assert!(
        line.contains(" crates compiled, done ("),
        "the building line says what was compiled: {line}"
    );
}

#[test]
fn list_shows_the_catalogue() {
    let run = kata(&["list"]);
    assert_eq!(run.code, 0, "{}", run.all());
    for k in kata_core::catalogue::KATAS {
        assert_mentions(&run.stdout, &[k.name, k.title]);
    }
}

#[test]
fn bad_input_gets_a_clear_error_and_exit_code_2() {
    let run = kata(&["check", "lur"]);
    assert_eq!(run.code, 2);
    let all: Vec<&str> = kata_core::catalogue::KATAS.iter().map(|k| k.name).collect();
    assert_mentions(
        &run.stderr,
        &[
            "no kata named `lur`",
            "did you mean `lru`?",
            &all.join(", "),
        ],
    );
    let run = kata(&["check", "tokenbucket"]);
    assert_eq!(run.code, 2);
    assert_mentions(&run.stderr, &["did you mean `token-bucket`?"]);
    let run = kata(&["check", "hyperloglog"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);

    let run = kata(&["check", "lru", "--stage", "speed"]);
    assert_eq!(run.code, 2);
    assert_mentions(&run.stderr, &["no stage `speed`", "examples, properties"]);
    let run = kata(&["check", "lru", "--stage", "exampels"]);
    assert_eq!(run.code, 2);
    assert_mentions(&run.stderr, &["did you mean `examples`?"]);

    let run = kata(&["check"]);
    assert_eq!(run.code, 2);
    assert_mentions(&run.stderr, &["cargo kata check lru", "--all"]);
}

/// A run of one stage says that only that stage was graded and what comes next, in words that
/// cannot be read as the whole kata passing.
#[test]
fn a_run_of_one_stage_says_only_that_stage_was_graded_and_what_is_next() {
    let run = kata(&["check", "lru", "--solution", "--stage", "examples"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let last = run.stdout.lines().last().unwrap_or("");
    assert_mentions(
        last,
        &[
            "lru examples passed",
            "only the examples stage was graded",
            "1/5 stages passed",
            "not done yet",
            "Next: `cargo kata check lru --solution --stage properties`",
            "`cargo kata check lru --solution` for every stage",
        ],
    );
    assert!(
        !last.contains("every stage passed") && !last.contains("every stage graded passed"),
        "{last}"
    );
}

/// A full run that stops at a failing stage was not asked for less: it says to run it again, not
/// that "only" the stages up to the failure were graded.
#[test]
fn a_full_run_that_stops_at_a_failure_says_to_run_it_again() {
    let run = kata(&["check", "lru", "--mutant=no-refresh"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let last = run.stdout.lines().last().unwrap_or("");
    assert_mentions(last, &["fix it, then run `cargo kata check lru", "again"]);
    assert!(!last.contains("only the"), "{last}");
}

/// `check --all` ends with one line per kata and a total.
#[test]
fn check_all_ends_with_a_line_per_kata_and_a_total() {
    let run = kata(&["check", "--all", "--solution", "--stage", "examples"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let katas = kata_core::catalogue::KATAS;
    let tail: Vec<&str> = run.stdout.lines().rev().take(katas.len() + 2).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    assert_eq!(tail[0], "Summary", "{}", run.stdout);
    for (line, k) in tail[1..].iter().zip(katas) {
        assert!(
            line.trim_start().starts_with(k.name)
                && line.contains("examples passed")
                && line.contains("1/5 stages"),
            "{line}"
        );
    }
    assert_eq!(
        tail[katas.len() + 1],
        format!(
            "Total: {n} katas, {n} passed, 0 failed, 0 could not be graded (exit status 0).",
            n = katas.len()
        )
    );
}

#[test]
fn the_results_file_follows_the_documented_schema() {
    let run = kata(&[
        "check",
        "token-bucket",
        "--solution",
        "--stage",
        "examples",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.all());
    let path = root().join("target/kata/results/token-bucket.solution.json");
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("results file")).expect("JSON");
    assert_eq!(file, run.json(), "--json prints the results file");
    assert_eq!(file["schema"], 1);
    assert_eq!(file["kata"], "token-bucket");
    assert_eq!(file["implementation"], "solution");
    assert_eq!(file["source"], "solutions/token-bucket");
    assert_eq!(file["verdict"], "passed");
    assert_eq!(file["exit_code"], 0);
    assert!(file["reason"].is_null());
    assert!(file["source_hash"].as_str().is_some_and(|h| h.len() == 16));
    assert!(file["seed"].is_u64());
    assert!(file["started_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z') && t.len() == 20));
    assert!(file["toolchain"]["rustc"]
        .as_str()
        .is_some_and(|v| v.starts_with("rustc ")));
    assert!(file["toolchain"]["cargo"]
        .as_str()
        .is_some_and(|v| v.starts_with("cargo ")));
    let names: Vec<&str> = file["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "examples",
            "properties",
            "concurrency",
            "quality",
            "complexity"
        ]
    );
    let ex = stage(&file, "examples");
    assert_eq!(ex["status"], "passed");
    assert!(ex["limit_s"].as_u64().is_some_and(|l| l > 0));
    let t = &ex["tests"][0];
    assert!(
        t["name"].is_string()
            && t["status"] == "passed"
            && t["message"] == ""
            && t["todo"] == false
    );
    for other in ["properties", "concurrency", "quality", "complexity"] {
        assert_eq!(stage(&file, other)["status"], "not-run");
    }
}

#[test]
fn measurements_are_recorded_with_their_thresholds() {
    let run = kata(&["check", "lru", "--solution", "--stage", "quality", "--json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let report = run.json();
    let m = stage(&report, "quality")["measurements"]
        .as_array()
        .expect("measurements")
        .clone();
    assert!(m.len() >= 3, "{m:?}");
    for x in &m {
        assert!(
            x["value"].is_f64()
                && x["unit"].is_string()
                && x["threshold"].is_string()
                && x["passed"] == true,
            "{x}"
        );
    }
}

#[test]
fn a_property_failure_prints_the_minimal_sequence_and_how_to_replay_it() {
    let run = kata(&[
        "check",
        "lru",
        "--mutant",
        "no-refresh",
        "--stage",
        "properties",
    ]);
    assert_eq!(run.code, 1, "{}", run.all());
    let out = &run.stdout;
    assert_mentions(
        out,
        &[
            "minimal failing sequence:",
            "let mut cache = LruCache::with_capacity(",
            "replay: cargo kata check lru --stage properties --seed ",
        ],
    );
    // None of proptest's or the panic hook's own noise.
    for noise in [
        "proptest:",
        "Test failed:",
        "thread '",
        "panicked at",
        "minimal failing input",
    ] {
        assert!(
            !run.all().contains(noise),
            "output contains `{noise}`:\n{}",
            run.all()
        );
    }
    // The same seed gives the same minimal sequence; the shrinker found a short one.
    let again = kata(&[
        "check",
        "lru",
        "--mutant",
        "no-refresh",
        "--stage",
        "properties",
    ]);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.contains("cache."))
            .collect::<Vec<_>>(),
        again
            .stdout
            .lines()
            .filter(|l| l.contains("cache."))
            .collect::<Vec<_>>()
    );
    let steps = out
        .lines()
        .filter(|l| l.trim_start().starts_with("cache."))
        .count();
    assert!(steps <= 6, "not shrunk: {steps} steps\n{out}");
}

#[test]
fn an_infinite_loop_is_stopped_at_the_limit_and_reported() {
    let run = common::kata_in(
        root(),
        &["check", "lru", "--mutant", "hangs"],
        &[("KATA_STAGE_TIMEOUT_SECS", "3")],
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "COULD NOT GRADE",
            "timed out: examples took longer than its limit of 3 s",
            "while running the check `capacity 0 is refused",
        ],
    );
}

#[test]
fn a_stack_overflow_or_abort_fails_the_check_and_is_named() {
    let run = kata(&["check", "lru", "--mutant", "overflows-stack"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_mentions(&run.stdout, &["crashed the process: stack overflow"]);
    let run = kata(&["check", "lru", "--mutant", "aborts"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_mentions(&run.stdout, &["crashed the process: aborted"]);
}

/// A learner's loop that grows a collection without end (found in a learner's trial of
/// `order-book`: a cycle in a slab's links made `snapshot` push forever) must stop at the
/// runner's heap limit in seconds, named, rather than take the machine's memory until the kernel
/// kills some process.
#[test]
fn a_loop_that_grows_without_end_stops_at_the_heap_limit_and_is_named() {
    let started = std::time::Instant::now();
    let run = kata(&["check", "lru", "--mutant", "grows-forever"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &["crashed the process: stopped at the heap limit: one thread held more than 4 GiB"],
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_run_of_zero_checks_could_not_be_graded() {
    let run = kata(&["check", "lru", "--mutant", "no-checks", "--json"]);
    assert_eq!(run.code, 2, "{}", run.all());
    let report = run.json();
    assert_eq!(report["verdict"], "could-not-grade");
    assert_mentions(&run.stderr, &["ran zero checks"]);
}

#[test]
fn a_kata_that_does_not_compile_shows_the_compiler_and_blocks_no_other_kata() {
    let copy = Copy::new();
    let lib = copy.file("katas/lru/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).expect("stub");
    text.push_str("\nfn half_written( {\n");
    std::fs::write(&lib, text).expect("write");
    let run = kata_in(copy.path(), &["check", "lru"], &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "katas/lru/src/lib.rs",
            "error",
            "katas/lru does not compile: fix the errors above",
        ],
    );

    let run = kata_in(copy.path(), &["check", "token-bucket"], &[]);
    assert_eq!(
        run.code,
        1,
        "token-bucket must still be graded:\n{}",
        run.all()
    );
    assert_mentions(&run.stdout, &["NOT YET IMPLEMENTED"]);

    let run = kata_in(copy.path(), &["check", "--all", "--json"], &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    let reports = run.json();
    assert_eq!(reports[0]["verdict"], "could-not-grade");
    assert_eq!(reports[1]["verdict"], "failed");
}

/// A learner's crate that compiles on its own but asks for more than the kata's traits promise
/// (here `K: Copy`) makes the runner fail to compile, with errors inside harness/ that suggest
/// editing the suites: the grader says it in the learner's terms instead, raw errors below.
#[test]
fn a_bound_the_traits_do_not_promise_is_explained_in_the_learners_terms() {
    let copy = Copy::new();
    let lib = copy.file("katas/lru/src/lib.rs");
    let text = std::fs::read_to_string(&lib).expect("stub");
    let changed = text
        .replace(
            "pub struct LruCache<K, V>",
            "pub struct LruCache<K: Copy, V>",
        )
        .replace(
            "for LruCache<K, V> {",
            "for LruCache<K, V>\nwhere\n    K: Copy,\n{",
        );
    assert_ne!(
        changed, text,
        "the stub's LruCache is not where this test expects it"
    );
    std::fs::write(&lib, changed).expect("write");
    let line = std::fs::read_to_string(&lib)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("pub struct LruCache<K: Copy, V>"))
        .unwrap()
        + 1;
    let run = kata_in(copy.path(), &["check", "lru", "--json"], &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    let out = &run.stderr;
    assert_mentions(
        out,
        &[
            "Your crate (katas/lru) compiles on its own, but the grader cannot use it",
            &format!("`LruCache` (katas/lru/src/lib.rs:{line}) requires `K: Copy`"),
            "a bound the kata's traits do not promise",
            "katas/lru/README.md, section \"The API\"",
            "Remove the bounds above",
            // The compiler's own text stays, below, for reference.
            "The compiler's own messages follow",
            "the trait bound `K: Copy` is not satisfied",
        ],
    );
    let first = out.find("Your crate (katas/lru)").unwrap();
    let raw = out.find("the trait bound `K: Copy`").unwrap();
    assert!(first < raw, "the explanation comes first:\n{out}");
    assert!(!out.contains("katas/lru does not compile"), "{out}");
    assert_eq!(
        run.json()["reason"],
        "katas/lru compiles, but does not fit the kata's traits"
    );

    // The same class: a type of the API renamed. The crate compiles; the grader cannot find it.
    std::fs::write(&lib, text.replace("ShardedLruCache", "ShardedCache")).expect("write");
    let run = kata_in(copy.path(), &["check", "lru"], &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "Your crate (katas/lru) compiles on its own, but the grader cannot use it",
            "reports: ",
            "`ShardedLruCache`",
            "\"The API\"",
            "Fix what is listed above in your crate (not in harness/)",
        ],
    );
}

/// The repository's tests may run in a learner's clone at any time: what they run there must
/// leave the learner's results, progress, backups and leaderboards byte for byte as they were.
/// `common::kata_in` checks it around every `cargo kata` in the real clone (mutants' grades
/// included, there); this test shows, in a copy with a learner's state planted, that references'
/// grades, listings and refused input keep it, and that the check does catch a learner grade,
/// which tests therefore make in a `Copy` only. (No mutant is graded here: in a copy that builds
/// the mutants runner, every kata's mutants, 170 s of CPU in CI, for what `kata_in` already
/// checks in the real clone.)
#[test]
fn the_repositorys_tests_leave_the_learners_state_alone() {
    let copy = Copy::new();
    let results = copy.file("target/kata/results");
    std::fs::create_dir_all(&results).unwrap();
    // A learner who solved token-bucket and started lru, with a backup and a board entry.
    std::fs::write(results.join("lru.json"), b"{ \"planted\": \"lru\" }").unwrap();
    std::fs::write(results.join("token-bucket.json"), b"{ \"planted\": 1 }").unwrap();
    std::fs::write(
        copy.file("kata-progress.json"),
        b"{ \"schema\": 1, \"katas\": { \"lru\": { \"hints_seen\": { \"examples\": [1] } } } }\n",
    )
    .unwrap();
    std::fs::create_dir_all(copy.file(".kata-backups/lru/20260101T000000Z/src")).unwrap();
    std::fs::write(
        copy.file(".kata-backups/lru/20260101T000000Z/src/lib.rs"),
        "// mine\n",
    )
    .unwrap();
    let before = common::learner_state(copy.path());
    for args in [
        &[
            "check",
            "lru",
            "--solution",
            "--stage",
            "examples",
            "--json",
        ][..],
        &[
            "check",
            "token-bucket",
            "--solution",
            "--stage",
            "properties",
        ],
        &["list"],
        &["check", "lur"],
        &["check", "--help"],
    ] {
        copy.kata(args);
        let changed = common::state_changes(&before, &common::learner_state(copy.path()));
        assert!(
            changed.is_empty(),
            "`cargo kata {}` changed the learner's state: {changed:?}",
            args.join(" ")
        );
    }
    let run = copy.kata(&["check", "lru", "--stage", "examples"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let changed = common::state_changes(&before, &common::learner_state(copy.path()));
    assert!(
        changed.contains(&"target/kata/results/lru.json".to_owned())
            && changed.contains(&"kata-progress.json".to_owned()),
        "a learner grade writes the learner's state, and the check must see it: {changed:?}"
    );
}

/// `cargo kata check` with no kata, inside a kata's folder, grades that kata.
#[test]
fn check_inside_a_katas_folder_grades_that_kata() {
    let copy = Copy::new();
    let run = kata_in(
        &copy.file("katas/token-bucket/src"),
        &["check", "--stage", "examples"],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &["Grading token-bucket", "NOT YET IMPLEMENTED"],
    );
}

#[test]
fn single_stage_runs_add_up_to_the_learners_progress() {
    let copy = Copy::new();
    let first = copy.kata(&["check", "token-bucket", "--stage", "complexity"]);
    assert_eq!(first.code, 1, "{}", first.all());
    let run = copy.kata(&["check", "token-bucket", "--stage", "examples", "--json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let report = run.json();
    let examples = stage(&report, "examples");
    assert_eq!(examples["status"], "failed");
    assert_eq!(examples["carried_over"], false);
    let complexity = stage(&report, "complexity");
    assert_eq!(
        complexity["status"], "failed",
        "kept from the first run: {complexity}"
    );
    assert_eq!(complexity["carried_over"], true);
    assert_eq!(stage(&report, "quality")["status"], "not-run");
    let list = copy.kata(&["list"]);
    assert_mentions(&list.stdout, &["examples ✗", "complexity ✗"]);
}

each_kata!(
    #[ignore = "heavy proof, run by CI: cargo test -- --include-ignored"]
    fn a_learner_who_writes_the_reference_passes_every_stage => learner_with_the_reference_passes
);

fn learner_with_the_reference_passes(name: &str) {
    let copy = Copy::new();
    copy.solve(name);
    let run = kata_in(copy.path(), &["check", name, "--json"], &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let report = run.json();
    assert_eq!(report["implementation"], "learner");
    assert_eq!(report["verdict"], "passed", "{report}");
}
