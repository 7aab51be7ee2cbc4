//! The learner's loop as a learner runs it: `cargo kata` (the status screen), `hint`, `reset`,
//! `solution`, the progress file, and `check` skipping a kata unchanged since it passed.
//!
//! Every test works on a copy of the repository with its own git history (`common::Copy`), never
//! on the real `katas/`. Grading is limited to `--stage examples` except in one test, which grades
//! the reference in full once.

mod common;

use common::{assert_mentions, Copy};

/// The original stub of `kata` in the copy, as committed there.
fn stub(repo: &Copy, kata: &str) -> String {
    repo.git(&["show", &format!("HEAD:katas/{kata}/src/lib.rs")])
}

/// The level numbers in "Hint <n> of <total>".
fn hint_level(stdout: &str) -> (usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Hint "))
        .unwrap_or_else(|| panic!("no `Hint n of m` line in:\n{stdout}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let n = words[1].parse().expect("level");
    let total = words[3].trim_end_matches(':').parse().expect("total");
    (n, total)
}

/// Runs the copy's grader binary directly (built by an earlier `cargo kata` in the copy), as a
/// learner must when Cargo cannot load the workspace.
fn cli(repo: &Copy, args: &[&str]) -> common::Run {
    let exe = repo.file("target/grade/kata-cli");
    let out = std::process::Command::new(&exe)
        .current_dir(repo.path())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A progress file claiming every stage of `kata` passed on `hash`, with hints seen.
fn solved_progress(kata: &str, hash: &str) -> String {
    let passed: Vec<String> = kata_core::catalogue::Stage::ALL
        .iter()
        .map(|s| {
            format!(
                "\"{}\": {{ \"source_hash\": \"{hash}\", \"at\": \"2026-01-02T03:04:05Z\" }}",
                s.name()
            )
        })
        .collect();
    format!(
        "{{ \"schema\": 1, \"katas\": {{ \"{kata}\": {{ \"passed\": {{ {} }}, \
         \"hints_seen\": {{ \"quality\": [1, 2] }} }} }} }}",
        passed.join(", ")
    )
}

#[test]
fn hints_come_one_level_at_a_time_and_are_remembered() {
    let repo = Copy::new();
    // A new learner: no progress, so the first stage not passed is examples, level 1.
    let mut expected = 1;
    let total = loop {
        let run = repo.kata(&["hint", "lru"]);
        assert_eq!(run.code, 0, "{}", run.all());
        assert_mentions(&run.stdout, &["Hints for the examples stage of lru"]);
        let (n, total) = hint_level(&run.stdout);
        assert_eq!(n, expected, "{}", run.stdout);
        for seen in 1..n {
            assert_mentions(&run.stdout, &[&format!("seen {seen}. ")]);
        }
        if n == total {
            assert_mentions(
                &run.stdout,
                &["That was the last hint", "katas/lru/README.md"],
            );
            break total;
        }
        assert_mentions(&run.stdout, &[&format!("{} more hint", total - n)]);
        expected += 1;
    };
    assert!(total >= 3, "examples has {total} levels");
    let run = repo.kata(&["hint", "lru"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "No more hints",
            &format!("all {total} hints for the examples stage"),
            "katas/lru/README.md",
            "--level",
        ],
    );

    // --level shows one level again; out of range says what the range is.
    let run = repo.kata(&["hint", "lru", "--level", "2"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(hint_level(&run.stdout), (2, total));
    let run = repo.kata(&["hint", "lru", "--level", "99"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(&run.stderr, &[&format!("choose --level 1 to {total}")]);
    let run = repo.kata(&["hint", "lru", "--stage", "speed"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(&run.stderr, &["no stage `speed`", "examples, properties"]);

    // Another stage starts at level 1; what was seen is in the progress file.
    let run = repo.kata(&["hint", "lru", "--stage", "concurrency"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(&run.stdout, &["concurrency stage of lru", "Hint 1 of"]);
    let p = repo.progress();
    assert_eq!(p["schema"], 1);
    let seen: Vec<u64> = p["katas"]["lru"]["hints_seen"]["examples"]
        .as_array()
        .expect("examples seen")
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(seen, (1..=total as u64).collect::<Vec<_>>());
    assert_eq!(
        p["katas"]["lru"]["hints_seen"]["concurrency"],
        serde_json::json!([1])
    );
}

#[test]
fn a_corrupt_progress_file_is_moved_aside_and_rebuilt_from_the_results() {
    let repo = Copy::new();
    repo.solve("lru");
    let run = repo.kata(&["check", "lru", "--stage", "examples", "--json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let hash = run.json()["source_hash"].as_str().unwrap().to_owned();
    assert_eq!(
        repo.progress()["katas"]["lru"]["passed"]["examples"]["source_hash"],
        hash.as_str(),
        "the grade is recorded"
    );

    for (i, garbage) in ["{ this is not JSON", r#"{ "schema": 99, "katas": {} }"#]
        .into_iter()
        .enumerate()
    {
        std::fs::write(repo.file("kata-progress.json"), garbage).unwrap();
        let run = repo.kata(&["hint", "lru"]);
        assert_eq!(run.code, 0, "the command still works:\n{}", run.all());
        assert_mentions(
            &run.stderr,
            &[
                "warning: kata-progress.json",
                "moved it to kata-progress.json.corrupt-",
                "Rebuilt your progress from the results files",
            ],
        );
        // Examples passed (rebuilt), so the hint is for the next stage.
        assert_mentions(&run.stdout, &["properties stage of lru", "Hint 1 of"]);
        let aside: Vec<std::path::PathBuf> = std::fs::read_dir(repo.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().is_some_and(|n| {
                    n.to_string_lossy()
                        .starts_with("kata-progress.json.corrupt-")
                })
            })
            .collect();
        assert_eq!(aside.len(), i + 1, "never overwritten: {aside:?}");
        assert!(
            aside
                .iter()
                .any(|p| std::fs::read_to_string(p).unwrap() == garbage),
            "kept verbatim"
        );
        let p = repo.progress();
        assert_eq!(
            p["katas"]["lru"]["passed"]["examples"]["source_hash"],
            hash.as_str()
        );
    }
    let status = repo.kata(&[]);
    assert_eq!(status.code, 0, "{}", status.all());
    assert!(!status.stderr.contains("warning"), "{}", status.stderr);
    assert_mentions(&status.stdout, &["examples ✓"]);
}

#[test]
fn reset_backs_up_the_learners_work_then_restores_the_stub() {
    let repo = Copy::new();
    let shipped = stub(&repo, "lru");
    let lib = repo.file("katas/lru/src/lib.rs");
    let mine = shipped.replace("todo!(\"LruCache::len\")", "0 // my work in progress");
    std::fs::write(&lib, &mine).unwrap();
    std::fs::write(repo.file("katas/lru/src/notes.rs"), "//! My notes.\n").unwrap();
    // The learner commits their work: HEAD no longer holds the stub.
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "my lru so far"]);
    std::fs::write(
        repo.file("kata-progress.json"),
        solved_progress("lru", "0123456789abcdef"),
    )
    .unwrap();

    let first = repo.kata(&["reset", "lru"]);
    assert_eq!(first.code, 0, "{}", first.all());
    assert_mentions(
        &first.stdout,
        &[
            "Backed up katas/lru/",
            "to .kata-backups/lru/",
            "Restored your files in katas/lru/ (src/, tests/, Cargo.toml) to the stub as shipped \
             in commit",
            "1 removed",
        ],
    );
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), shipped);
    assert!(!repo.file("katas/lru/src/notes.rs").exists());
    // Passed stages cleared, hints seen kept.
    let p = repo.progress();
    assert_eq!(p["katas"]["lru"]["passed"], serde_json::json!({}));
    assert_eq!(
        p["katas"]["lru"]["hints_seen"]["quality"],
        serde_json::json!([1, 2])
    );

    let second = repo.kata(&["reset", "lru"]);
    assert_eq!(second.code, 0, "{}", second.all());
    let mut backups: Vec<std::path::PathBuf> = std::fs::read_dir(repo.file(".kata-backups/lru"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    backups.sort();
    assert_eq!(backups.len(), 2, "two distinct backups: {backups:?}");
    // Named by UTC time (a suffix when in the same second), so sorted oldest first.
    let (old, new) = (&backups[0], &backups[1]);
    for b in [old, new] {
        for f in ["Cargo.toml", "README.md", "HINTS.md", "src/lib.rs"] {
            assert!(b.join(f).is_file(), "{} lacks {f}", b.display());
        }
    }
    assert_eq!(
        std::fs::read_to_string(old.join("src/lib.rs")).unwrap(),
        mine
    );
    assert!(old.join("src/notes.rs").is_file());
    assert_eq!(
        std::fs::read_to_string(new.join("src/lib.rs")).unwrap(),
        shipped
    );
    assert_mentions(
        &first.stdout,
        &[&old.file_name().unwrap().to_string_lossy()],
    );
    assert_mentions(
        &second.stdout,
        &[&new.file_name().unwrap().to_string_lossy()],
    );

    // A botched source file is restored.
    std::fs::write(&lib, "fn half_written( {\n").unwrap();
    let run = repo.kata(&["reset", "lru"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), shipped);

    // A botched manifest or a deleted kata folder stops Cargo from loading the workspace, so
    // `cargo kata` cannot start; the grader binary that earlier runs built still can.
    let manifest = repo.file("katas/lru/Cargo.toml");
    let shipped_manifest = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, "[package\nname = ").unwrap();
    // Grading another kata names the kata whose manifest is broken, not the one graded.
    let run = cli(&repo, &["check", "token-bucket"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "katas/lru/Cargo.toml is broken or missing (the lru kata)",
            "./target/grade/kata-cli reset lru",
        ],
    );
    assert!(
        !run.stdout.contains("katas/token-bucket does not compile"),
        "blames the wrong kata:\n{}",
        run.stdout
    );
    let run = cli(&repo, &["reset", "lru"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        std::fs::read_to_string(&manifest).unwrap(),
        shipped_manifest
    );

    std::fs::remove_dir_all(repo.file("katas/lru")).unwrap();
    let run = cli(&repo, &["reset", "lru"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &["katas/lru/ does not exist: nothing to back up"],
    );
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), shipped);
    assert_eq!(
        std::fs::read_to_string(&manifest).unwrap(),
        shipped_manifest
    );
    assert!(repo.file("katas/lru/HINTS.md").is_file());
    assert_eq!(repo.kata(&["list"]).code, 0, "cargo kata works again");

    // Without git history to find the stub in, reset refuses and touches nothing.
    std::fs::write(&lib, &mine).unwrap();
    std::fs::remove_dir_all(repo.file(".git")).unwrap();
    let run = common::kata_in(
        repo.path(),
        &["reset", "lru"],
        &[(
            "GIT_CEILING_DIRECTORIES",
            &repo.path().parent().unwrap().to_string_lossy(),
        )],
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(
        &run.stderr,
        &["cannot reset lru", "Nothing was changed", "--from"],
    );
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), mine);
}

/// `reset --from <commit>` (the example of its own `--help`) restores the learner's files
/// (`src/`, `Cargo.toml`) as of that commit, and never the kata's docs: a README and HINTS
/// updated since stay as they are, and a deleted HINTS.md comes back as of HEAD.
#[test]
fn reset_restores_the_learners_files_and_never_the_katas_docs() {
    let repo = Copy::new();
    let shipped_commit = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let shipped = stub(&repo, "lru");
    // The maintainers improve the docs in a later commit.
    let readme = repo.file("katas/lru/README.md");
    let hints = repo.file("katas/lru/HINTS.md");
    let new_readme = format!(
        "{}\nA new paragraph.\n",
        std::fs::read_to_string(&readme).unwrap()
    );
    let new_hints = format!(
        "{}\nA new hint.\n",
        std::fs::read_to_string(&hints).unwrap()
    );
    std::fs::write(&readme, &new_readme).unwrap();
    std::fs::write(&hints, &new_hints).unwrap();
    repo.git(&["commit", "-q", "-am", "docs: lru"]);
    // The learner's work, a manifest they broke, a test file they added.
    let lib = repo.file("katas/lru/src/lib.rs");
    std::fs::write(&lib, shipped.replace("todo!(\"LruCache::len\")", "0")).unwrap();
    let manifest = repo.file("katas/lru/Cargo.toml");
    let shipped_manifest = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{shipped_manifest}\n# my own change\n")).unwrap();
    std::fs::create_dir_all(repo.file("katas/lru/tests")).unwrap();
    std::fs::write(repo.file("katas/lru/tests/mine.rs"), "// mine\n").unwrap();

    let run = repo.kata(&["reset", "lru", "--from", &shipped_commit]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), shipped);
    assert_eq!(
        std::fs::read_to_string(&manifest).unwrap(),
        shipped_manifest
    );
    assert!(!repo.file("katas/lru/tests/mine.rs").exists());
    assert_eq!(
        std::fs::read_to_string(&readme).unwrap(),
        new_readme,
        "README rolled back"
    );
    assert_eq!(
        std::fs::read_to_string(&hints).unwrap(),
        new_hints,
        "HINTS rolled back"
    );
    assert_mentions(
        &run.stdout,
        &["docs (README.md, HINTS.md) are left as they are"],
    );

    // A deleted doc comes back as the repository has it now, not as of the stub's commit.
    std::fs::remove_file(&hints).unwrap();
    let run = repo.kata(&["reset", "lru", "--from", &shipped_commit]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(std::fs::read_to_string(&hints).unwrap(), new_hints);
    assert_mentions(&run.stdout, &["brought back as of HEAD: HINTS.md"]);
}

#[test]
fn an_unchanged_solved_kata_is_not_graded_again_unless_fresh() {
    let repo = Copy::new();
    // The stub's source hash, from a results file; then progress that says it passed
    // everything on that very source.
    let run = repo.kata(&["check", "lru", "--stage", "examples", "--json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let mut report = run.json();
    let hash = report["source_hash"].as_str().unwrap().to_owned();
    std::fs::write(
        repo.file("kata-progress.json"),
        solved_progress("lru", &hash),
    )
    .unwrap();
    // The results file of that source says so too (`--json` prints it when nothing is graded).
    report["verdict"] = "passed".into();
    report["exit_code"] = 0.into();
    for s in report["stages"].as_array_mut().unwrap() {
        s["status"] = "passed".into();
    }
    let results = repo.file("target/kata/results/lru.json");
    std::fs::write(&results, serde_json::to_vec_pretty(&report).unwrap()).unwrap();
    let run = repo.kata(&["check", "lru", "--json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(run.json(), report);
    assert_mentions(
        &run.stderr,
        &["lru is unchanged since it passed every stage"],
    );

    let run = repo.kata(&["check", "lru"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &[
            "lru is unchanged since it passed every stage on 2026-01-02 03:04 UTC",
            "cargo kata check lru --fresh",
        ],
    );
    assert!(
        !run.stdout.contains("Grading") && !run.stdout.contains("building"),
        "nothing built or graded:\n{}",
        run.stdout
    );

    // --fresh grades it (and the stub fails), and the failure is recorded.
    let run = repo.kata(&["check", "lru", "--fresh"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_mentions(&run.stdout, &["Grading lru", "NOT YET IMPLEMENTED"]);
    assert!(repo.progress()["katas"]["lru"]["passed"]["examples"].is_null());
}

#[test]
fn the_reference_unlocks_once_every_stage_passes_and_the_status_screen_follows() {
    let repo = Copy::new();
    let env = [("NO_COLOR", "1")];

    // Before anything: the status screen says where to start.
    let status = common::kata_in(repo.path(), &[], &env);
    assert_eq!(status.code, 0, "{}", status.all());
    assert_mentions(
        &status.stdout,
        &[
            "lru",
            "token-bucket",
            "not started",
            "Next: Open katas/lru/src/lib.rs and replace the first todo!() in \
             LruCache::with_capacity",
            "cargo kata check lru",
            "cargo kata watch lru",
        ],
    );
    assert!(
        !status.stdout.contains('\x1b'),
        "NO_COLOR: {}",
        status.stdout
    );
    // `list` still works.
    let list = repo.kata(&["list"]);
    assert_eq!(list.code, 0, "{}", list.all());

    let run = repo.kata(&["solution", "lru"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(
        &run.stderr,
        &[
            "unlocks once your crate passes every stage",
            "examples stage",
            "cargo kata solution lru --force",
        ],
    );
    let run = repo.kata(&["solution", "lru", "--force", "--paths"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &["katas/lru/src/lib.rs", "solutions/lru/src/lib.rs"],
    );

    // A stub graded: examples failed on a todo!().
    let run = repo.kata(&["check", "lru", "--stage", "examples"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let status = common::kata_in(repo.path(), &[], &env);
    assert_mentions(
        &status.stdout,
        &[
            "examples ✗",
            "in progress",
            "reached a todo!()",
            "LruCache::with_capacity",
        ],
    );

    // The reference, graded in full, passes and unlocks the solution.
    repo.solve("lru");
    let run = repo.kata(&["check", "lru"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(&run.stdout, &["Grading lru", "[5/5]", "every stage passed"]);
    let run = repo.kata(&["solution", "lru"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &["lru: your code (---) against the reference (+++)"],
    );

    // Unchanged since: not graded again.
    let run = repo.kata(&["check", "lru"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(
        &run.stdout,
        &["lru is unchanged since it passed every stage"],
    );
    assert!(!run.stdout.contains("Grading"), "{}", run.stdout);

    let status = common::kata_in(repo.path(), &[], &env);
    assert_mentions(
        &status.stdout,
        &[
            "solved (",
            "5/5",
            "cargo kata bench lru",
            "cargo kata solution lru",
            // The next kata of the catalogue, after lru.
            &format!(
                "Next: Open katas/{}/src/lib.rs",
                kata_core::catalogue::KATAS[1].name
            ),
        ],
    );

    // Changed since: stale, and the solution locks again.
    let lib = repo.file("katas/lru/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\n// tidied\n");
    std::fs::write(&lib, text).unwrap();
    let status = common::kata_in(repo.path(), &[], &env);
    assert_mentions(&status.stdout, &["stale: changed since the last grade"]);
    let run = repo.kata(&["solution", "lru"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(&run.stderr, &["changed since it passed every stage"]);
}

#[test]
fn every_learner_command_has_help_with_an_example() {
    for cmd in ["hint", "reset", "solution", "check", "list"] {
        let run = common::kata(&[cmd, "--help"]);
        assert_eq!(run.code, 0, "{}", run.all());
        assert_mentions(&run.stdout, &["Example", &format!("cargo kata {cmd}")]);
    }
    let run = common::kata(&["--help"]);
    assert_mentions(
        &run.stdout,
        &["hint", "reset", "solution", "cargo kata hint lru"],
    );
    let run = common::kata(&["hint", "lur"]);
    assert_eq!(run.code, 2);
    assert_mentions(&run.stderr, &["no kata named `lur`", "cargo kata list"]);
}
