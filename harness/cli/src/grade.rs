//! Grading one kata: build, then one supervised child process per stage.
//!
//! Stages run in order and grading stops at the first that does not pass. Each runs in its own
//! process with a time limit; the runner appends events to a file as they happen, so when the
//! process hangs (killed at the limit), overflows its stack or aborts, the CLI still knows which
//! check was running and says so. The concurrency stage runs twice: the real-thread stress test
//! in the normal runner, then the loom model checks in a runner built with `--cfg kata_loom`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Result;
use kata_core::catalogue::{Kata, Stage};
use kata_suites::report::Event;

use crate::build::{self, Built, Flavour};
use crate::render::Out;
use crate::results::{self, Report, StageResult, StageStatus, TestResult, Toolchain, Verdict};
use crate::workspace::Workspace;

/// Which implementation of a kata to grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The learner's crate, `katas/<name>`.
    Learner,
    /// The reference, `solutions/<name>`.
    Solution,
    /// A known-wrong implementation from `tests/mutants`.
    Mutant(String),
}

impl Target {
    fn implementation(&self) -> String {
        match self {
            Target::Learner => "learner".into(),
            Target::Solution => "solution".into(),
            Target::Mutant(m) => format!("mutant:{m}"),
        }
    }

    fn features(&self, kata: &Kata) -> String {
        match self {
            Target::Learner => format!("{}-learner", kata.name),
            Target::Solution => kata.name.to_owned(),
            Target::Mutant(_) => format!("{}-mutants", kata.name),
        }
    }

    fn source(&self, kata: &Kata) -> String {
        match self {
            Target::Learner => format!("katas/{}", kata.name),
            Target::Solution => format!("solutions/{}", kata.name),
            Target::Mutant(_) => "tests/mutants".to_owned(),
        }
    }
}

/// The time limit of a stage (the loom half of concurrency has its own), overridable for every
/// stage at once with `KATA_STAGE_TIMEOUT_SECS`.
fn limit(stage: Stage, loom: bool) -> Duration {
    if let Some(secs) = std::env::var("KATA_STAGE_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return Duration::from_secs(secs);
    }
    Duration::from_secs(match (stage, loom) {
        (Stage::Examples, _) => 60,
        (Stage::Properties, _) => 180,
        (Stage::Concurrency, false) => 60,
        (Stage::Concurrency, true) => 300,
        (Stage::Quality, _) => 120,
        (Stage::Complexity, _) => 180,
    })
}

/// The extra limit of the loom half, for stages that have one.
fn loom_limit(stage: Stage) -> Duration {
    if stage == Stage::Concurrency {
        limit(stage, true)
    } else {
        Duration::ZERO
    }
}

/// The rustc and cargo versions, as they print them.
pub fn toolchain() -> Toolchain {
    let version = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".to_owned())
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Toolchain {
        rustc: version(&rustc),
        cargo: version(&cargo),
    }
}

/// First-build times measured on 2 idle cores (see the README's quick start), scaled by the
/// cores there are: the runner with all its dependencies (when `cargo kata` itself was not built
/// in this target directory first, which compiles most of them), and the loom flavour, which
/// compiles the target crates again with `--cfg kata_loom`, loom included.
const FIRST_BUILD_SECS_2_CORES: (u64, u64) = (20, 16);

/// Builds a runner, saying what is built; a first build says so and roughly how long it takes,
/// and on a terminal Cargo's progress (`37/61 crates: proptest`) is shown as it goes, in a pipe
/// the number of crates compiled at the end.
fn build_runner(
    ws: &Workspace,
    features: &str,
    flavour: Flavour,
    focus: &str,
    out: &Out,
) -> Result<Built> {
    let what = match flavour {
        Flavour::Normal => "",
        Flavour::Loom => " for loom",
    };
    if build::is_first(ws, flavour) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
        let base = match flavour {
            Flavour::Normal => FIRST_BUILD_SECS_2_CORES.0,
            Flavour::Loom => FIRST_BUILD_SECS_2_CORES.1,
        };
        let secs = (base * 2 / cores.clamp(1, 8)).max(5);
        out.line(&match flavour {
            Flavour::Normal => format!(
                "  first build of the grading runner: its dependencies are compiled once, \
                 roughly {secs} s on {cores} idle core{}; later builds recompile only the \
                 graded crate",
                if cores == 1 { "" } else { "s" }
            ),
            Flavour::Loom => format!(
                "  first build for loom: the runner is compiled once more with --cfg \
                 kata_loom, loom included, roughly {secs} s on {cores} idle core{} (once)",
                if cores == 1 { "" } else { "s" }
            ),
        });
    }
    out.building(what);
    let prefix = format!("  building{what} ... ");
    let mut width: usize = 0;
    let mut compiled = 0;
    let built = build::runner(ws, features, flavour, focus, out.color(), &mut |p| {
        compiled = p.compiled;
        if out.live() && p.total > 0 {
            let mut text = format!("\r{prefix}{}/{} crates: {}", p.done, p.total, p.compiling);
            text = text.chars().take(100).collect();
            let n = text.chars().count();
            let pad = " ".repeat(width.saturating_sub(n));
            width = n;
            out.print(&format!("{text}{pad}"));
        }
    })?;
    if width > 0 {
        out.print(&format!("\r{}\r{prefix}", " ".repeat(width)));
    }
    if compiled > 1 && matches!(built, Built::Ok { .. }) {
        out.print(&format!("{compiled} crates compiled, "));
    }
    Ok(built)
}

/// Grades `kata`'s `target` on `stages`, prints as it goes, writes the results file.
pub fn grade(
    ws: &Workspace,
    kata: &'static Kata,
    target: &Target,
    stages: &[Stage],
    seed: Option<u64>,
    out: &Out,
) -> Result<Report> {
    let started = Instant::now();
    let source = target.source(kata);
    let seed = seed.unwrap_or(kata_suites::runner::DEFAULT_SEED);
    let mut report = Report {
        schema: results::SCHEMA,
        kata: kata.name.to_owned(),
        implementation: target.implementation(),
        source: source.clone(),
        source_hash: results::hash_tree(&ws.root.join(&source)),
        verdict: Verdict::Passed,
        exit_code: 0,
        reason: None,
        seed,
        started_at: results::now_rfc3339(),
        duration_ms: 0,
        toolchain: toolchain(),
        stages: Stage::ALL
            .iter()
            .map(|s| StageResult::not_run(s.name()))
            .collect(),
    };
    out.kata_header(kata, target, &source);

    let focus = format!("{source}/");
    let features = target.features(kata);
    let exe = match build_runner(ws, &features, Flavour::Normal, &focus, out)? {
        Built::Ok { exe, took } => {
            out.built(took);
            exe
        }
        Built::Failed { messages, stderr } => {
            let first = messages.first().map(String::as_str).unwrap_or("");
            let (reason, closing) = if first.starts_with(build::MISFIT_HEADLINE) {
                (
                    format!("{source} compiles, but does not fit the kata's traits"),
                    Some(format!(
                        "Fix what is listed above in your crate (not in harness/), then run \
                         `cargo kata check {}` again.",
                        kata.name
                    )),
                )
            } else if let Some(broken) = build::broken_manifest_kata(&stderr)
                .filter(|_| first.starts_with(build::BROKEN_MANIFEST_HEADLINE))
            {
                (
                    format!("katas/{}/Cargo.toml cannot be loaded", broken.name),
                    Some(format!(
                        "katas/{0}/Cargo.toml must be fixed first (see above): `./target/grade/\
                         kata-cli reset {0}` restores it.",
                        broken.name
                    )),
                )
            } else {
                (format!("{source} does not compile"), None)
            };
            out.build_failed(
                kata,
                target,
                &source,
                &messages,
                &stderr,
                closing.as_deref(),
            );
            report.verdict = Verdict::CouldNotGrade;
            report.reason = Some(reason);
            return finish(ws, report, started, out);
        }
    };

    let mut loom_exe: Option<PathBuf> = None;
    for &stage in stages {
        let mut loom_failed = None;
        // A rule, not a note: see `foreign_sync`. Checked before loom runs, and loom is not run
        // when it fails: a lock loom cannot see blocks its one OS thread, so a learner's
        // `std::sync::Mutex` would hang the model until the time limit (seen: 300 s).
        let foreign = if stage == Stage::Concurrency && *target == Target::Learner {
            crate::foreign_sync::scan(&ws.root.join(&source))
        } else {
            Vec::new()
        };
        if stage == Stage::Concurrency && loom_exe.is_none() && foreign.is_empty() {
            // The loom half needs its own build (`--cfg kata_loom`). It is not started earlier,
            // in the background: examples and properties take well under a second for most
            // crates, so little would overlap, and a build still running when grading stops
            // early would have to be killed with its rustc processes (see ARCHITECTURE.md).
            match build_runner(ws, &features, Flavour::Loom, &focus, out)? {
                Built::Ok { exe, took } => {
                    out.built(took);
                    loom_exe = Some(exe);
                }
                Built::Failed { messages, stderr } => {
                    out.build_failed(kata, target, &source, &messages, &stderr, None);
                    loom_failed = Some(format!(
                        "{source} does not compile with --cfg kata_loom; use only kata_core::sync \
                         for the thread-safe variant"
                    ));
                }
            }
        }
        out.stage_start(stage, limit(stage, false) + loom_limit(stage));
        let mut result = run_stage(ws, &exe, kata, target, stage, seed, false, out)?;
        if stage == Stage::Concurrency && result.status != StageStatus::CouldNotGrade {
            if !foreign.is_empty() {
                result.tests.push(TestResult {
                    name: "locks and atomics come from kata_core::sync".to_owned(),
                    status: "failed".to_owned(),
                    message: format!(
                        "{} (The loom checks were not run: loom cannot see these, and a lock it \
                         cannot see can hang its model.)",
                        crate::foreign_sync::message(&source, &foreign)
                    ),
                    todo: false,
                    location: None,
                });
                if result.status == StageStatus::Passed {
                    result.status = StageStatus::Failed;
                }
            } else if let Some(why) = loom_failed {
                result.status = StageStatus::CouldNotGrade;
                result.message = Some(why);
            } else if let Some(loom_exe) = &loom_exe {
                let loom = run_stage(ws, loom_exe, kata, target, stage, seed, true, out)?;
                merge(&mut result, loom);
            }
        }
        out.stage_done(kata, &result, seed);
        let status = result.status;
        let index = Stage::ALL
            .iter()
            .position(|s| *s == stage)
            .expect("known stage");
        if status != StageStatus::Passed && report.reason.is_none() {
            report.reason = Some(first_reason(&result));
        }
        report.stages[index] = result;
        match status {
            StageStatus::Passed => {}
            StageStatus::Failed => {
                report.verdict = Verdict::Failed;
                break;
            }
            StageStatus::CouldNotGrade | StageStatus::NotRun => {
                report.verdict = Verdict::CouldNotGrade;
                break;
            }
        }
    }
    finish(ws, report, started, out)
}

fn finish(ws: &Workspace, mut report: Report, started: Instant, out: &Out) -> Result<Report> {
    report.exit_code = report.verdict.exit_code();
    if report.implementation == "learner" {
        carry_over(ws, &mut report);
    }
    report.duration_ms = started.elapsed().as_millis() as u64;
    let path = results::write(&ws.results_dir(), &report)?;
    if report.implementation == "learner" {
        // Progress is the learner's; a failure to record it must not lose the grade.
        if let Err(e) = crate::progress::record_grade(ws, &report) {
            out.line(&format!("warning: could not record progress: {e:#}"));
        }
    }
    out.summary(&report, &path, &ws.root);
    Ok(report)
}

/// Keeps, for the stages this run did not grade, the results of the last run on the same source,
/// so that `--stage` runs add up to the learner's progress instead of erasing it.
fn carry_over(ws: &Workspace, report: &mut Report) {
    let Some(previous) = results::read(&ws.results_dir(), &report.kata) else {
        return;
    };
    if previous.source_hash != report.source_hash {
        return;
    }
    for (stage, old) in report.stages.iter_mut().zip(previous.stages) {
        if stage.status == StageStatus::NotRun && old.status != StageStatus::NotRun {
            *stage = old;
            stage.carried_over = true;
        }
    }
}

fn first_reason(result: &StageResult) -> String {
    if let Some(m) = &result.message {
        return format!("{}: {m}", result.name);
    }
    if let Some(t) = result.tests.iter().find(|t| t.status != "passed") {
        let first_line = t.message.lines().next().unwrap_or("");
        return format!("{}: {}: {first_line}", result.name, t.name);
    }
    if let Some(m) = result.measurements.iter().find(|m| !m.passed) {
        return format!(
            "{}: {} = {} (needs {})",
            result.name, m.name, m.value, m.threshold
        );
    }
    format!("{}: did not pass", result.name)
}

fn merge(into: &mut StageResult, other: StageResult) {
    into.tests.extend(other.tests);
    into.measurements.extend(other.measurements);
    into.tables.extend(other.tables);
    into.notes.extend(other.notes);
    into.duration_ms += other.duration_ms;
    into.limit_s += other.limit_s;
    into.status = match (into.status, other.status) {
        (StageStatus::CouldNotGrade, _) | (_, StageStatus::CouldNotGrade) => {
            StageStatus::CouldNotGrade
        }
        (StageStatus::Failed, _) | (_, StageStatus::Failed) => StageStatus::Failed,
        _ => StageStatus::Passed,
    };
    if into.message.is_none() {
        into.message = other.message;
    }
}

#[allow(clippy::too_many_arguments)]
fn run_stage(
    ws: &Workspace,
    exe: &Path,
    kata: &Kata,
    target: &Target,
    stage: Stage,
    seed: u64,
    loom: bool,
    out: &Out,
) -> Result<StageResult> {
    let limit = limit(stage, loom);
    let events_dir = ws.events_dir();
    std::fs::create_dir_all(&events_dir)?;
    let tag = if loom { ".loom" } else { "" };
    let events_path = events_dir.join(format!(
        "{}.{}.{}{tag}.jsonl",
        kata.name,
        target.implementation().replace(':', "-"),
        stage.name()
    ));
    let _ = std::fs::remove_file(&events_path);
    let start = Instant::now();
    let mut child = Command::new(exe)
        .current_dir(&ws.root)
        .args([
            "--kata",
            kata.name,
            "--impl",
            &target.implementation(),
            "--stage",
            stage.name(),
        ])
        .arg("--events")
        .arg(&events_path)
        .args(["--seed", &seed.to_string()])
        .env(
            "LOOM_MAX_PREEMPTIONS",
            std::env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| "2".into()),
        )
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Whatever the graded code prints is drained as it comes (so it never blocks on a full pipe)
    // and only the last bytes are kept: a print in an endless loop cannot fill memory or disk.
    let stdout = tail_of(child.stdout.take());
    let stderr = tail_of(child.stderr.take());
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait()?;
        }
        // The spinner, on a terminal: a frame every 100 ms.
        out.tick();
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    let output_text = format!(
        "{}{}",
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default()
    );
    // A line the grader cannot read fails the stage, never disappears: a failed measurement
    // dropped here would have let the stage pass.
    let events: Vec<Event> = std::fs::read_to_string(&events_path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| Event::CheckEnd {
                name: "the runner's events can be read".into(),
                passed: false,
                message: format!(
                    "the grader cannot read an event the runner wrote ({e}): {}",
                    l.chars().take(200).collect::<String>()
                ),
                todo: false,
                location: None,
            })
        })
        .collect();

    let mut result = StageResult::not_run(stage.name());
    result.duration_ms = took.as_millis() as u64;
    result.limit_s = limit.as_secs();
    let mut running: Option<String> = None;
    for e in events {
        match e {
            Event::CheckStart { name } => running = Some(name),
            Event::CheckEnd {
                name,
                passed,
                message,
                todo,
                location,
            } => {
                running = None;
                result.tests.push(TestResult {
                    name,
                    status: if passed { "passed" } else { "failed" }.into(),
                    message,
                    todo,
                    location,
                });
            }
            Event::Measurement(m) => result.measurements.push(m),
            Event::Table {
                title,
                headers,
                rows,
            } => result.tables.push(results::Table {
                title,
                headers,
                rows,
            }),
            Event::Note { text } => result.notes.push(text),
        }
    }
    let half = if loom { " (loom)" } else { "" };
    if timed_out {
        result.status = StageStatus::CouldNotGrade;
        // Under loom a hang is most often a lock loom cannot see: its threads share one OS
        // thread, so one that blocks on such a lock waits forever.
        let cause = if loom {
            "A lock that is not kata_core::sync's (std, parking_lot, dashmap or a crate using \
             them), which loom cannot see and on which its model deadlocks? Or an infinite loop, \
             or a spin loop waiting for another thread without kata_core::sync::thread::yield_now"
        } else {
            "An infinite loop, or an operation far slower than O(1)"
        };
        result.message = Some(match &running {
            Some(check) => format!(
                "timed out: {}{half} took longer than its limit of {} s, while running the check \
                 `{check}`. {cause}? (Raise the limit with KATA_STAGE_TIMEOUT_SECS=<seconds>.)",
                stage.name(),
                limit.as_secs()
            ),
            None => format!(
                "timed out: {}{half} took longer than its limit of {} s",
                stage.name(),
                limit.as_secs()
            ),
        });
        return Ok(result);
    }
    if let Some(check) = running {
        // The process died in the middle of a check: learner code crashed it.
        let what = describe_crash(&status, &output_text);
        result.tests.push(TestResult {
            name: check.clone(),
            status: "failed".into(),
            message: format!("crashed the process: {what}"),
            todo: false,
            location: None,
        });
        result.status = StageStatus::Failed;
        return Ok(result);
    }
    match status.code() {
        Some(0) | Some(1) if !result.tests.is_empty() || !result.measurements.is_empty() => {
            let failed = result.tests.iter().any(|t| t.status != "passed")
                || result.measurements.iter().any(|m| !m.passed);
            result.status = if failed {
                StageStatus::Failed
            } else {
                StageStatus::Passed
            };
        }
        Some(0) | Some(1) => {
            result.status = StageStatus::CouldNotGrade;
            result.message = Some(format!(
                "{}{half} ran zero checks: nothing was graded",
                stage.name()
            ));
        }
        _ => {
            result.status = StageStatus::CouldNotGrade;
            let tail: Vec<&str> = output_text.lines().rev().take(5).collect();
            result.message = Some(format!(
                "the runner stopped outside any check ({}): {}",
                describe_crash(&status, &output_text),
                tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
            ));
        }
    }
    Ok(result)
}

/// How much of the graded process's output is kept, per stream.
const OUTPUT_TAIL: usize = 64 * 1024;

/// Reads `pipe` to its end on a thread, keeping the last [`OUTPUT_TAIL`] bytes.
fn tail_of(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let Some(mut pipe) = pipe else {
            return String::new();
        };
        let mut kept: Vec<u8> = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            kept.extend_from_slice(&buf[..n]);
            if kept.len() > 2 * OUTPUT_TAIL {
                kept.drain(..kept.len() - OUTPUT_TAIL);
            }
        }
        let start = kept.len().saturating_sub(OUTPUT_TAIL);
        String::from_utf8_lossy(&kept[start..]).into_owned()
    })
}

fn describe_crash(status: &std::process::ExitStatus, output: &str) -> String {
    if output.contains("has overflowed its stack") {
        return "stack overflow (unbounded recursion?)".into();
    }
    if output.contains(kata_suites::heap::HEAP_LIMIT_MESSAGE) {
        return "stopped at the heap limit: one thread held more than 4 GiB (a loop that grows a \
                collection without end: a cycle in a linked structure, a walk that never stops?)"
            .into();
    }
    if output.contains("loom found a deadlock") {
        return "loom found a deadlock: in one interleaving every thread was blocked, each \
                waiting for a message, a lock or a join that nothing left running would give \
                (a thread waiting for the answer to a message that was lost or never sent?)"
            .into();
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return match sig {
                6 => "aborted (SIGABRT: std::process::abort, a panic while panicking, or a failed \
                      allocation)"
                    .into(),
                9 => "killed (SIGKILL: out of memory?)".into(),
                11 => "segmentation fault (SIGSEGV: unsafe code touched invalid memory)".into(),
                other => format!("killed by signal {other}"),
            };
        }
    }
    match status.code() {
        Some(code) => {
            format!("the process exited with code {code} (std::process::exit in your code?)")
        }
        None => "the process ended abnormally".into(),
    }
}

/// The `cargo kata check` arguments that grade the same implementation as `report`.
fn check_command(report: &Report) -> String {
    let target = match report.implementation.as_str() {
        "learner" => String::new(),
        "solution" => " --solution".to_owned(),
        other => format!(
            " --mutant {}",
            other.strip_prefix("mutant:").unwrap_or(other)
        ),
    };
    format!("cargo kata check {}{target}", report.kata)
}

/// What the closing line says after the verdict: for a run of some stages only (`--stage`), that
/// only those were graded, what earlier runs on the same source add, and the next command; for a
/// full run, the next step.
pub fn next_step(report: &Report) -> String {
    let cmd = check_command(report);
    let graded: Vec<&StageResult> = report
        .stages
        .iter()
        .filter(|s| s.status != StageStatus::NotRun && !s.carried_over)
        .collect();
    let passed = report
        .stages
        .iter()
        .filter(|s| s.status == StageStatus::Passed)
        .count();
    let total = report.stages.len();
    let partial = graded.len() < total && report.verdict != Verdict::CouldNotGrade;
    // A full run stops at the first stage that fails: what it graded is the stages up to that
    // one, in order, and "only ... were graded" would read as if it had been asked for less.
    let stopped_early = report
        .stages
        .iter()
        .take(graded.len())
        .zip(&graded)
        .all(|(s, g)| std::ptr::eq(s, *g));
    let names = graded
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let only = if graded.len() == 1 {
        format!("only the {names} stage was graded")
    } else {
        format!("only the {names} stages were graded")
    };
    match report.verdict {
        Verdict::Passed if !partial => "every stage passed.".to_owned(),
        Verdict::Passed => {
            let earlier = passed - graded.len();
            let so_far = if earlier > 0 {
                format!("; with earlier runs on this source, {passed}/{total} stages passed")
            } else {
                format!("; {passed}/{total} stages passed on this source so far")
            };
            match report
                .stages
                .iter()
                .find(|s| s.status != StageStatus::Passed)
            {
                Some(next) => format!(
                    "{only}{so_far}, so the kata is not done yet. Next: `{cmd} --stage {}`, or \
                     `{cmd}` for every stage in order.",
                    next.name
                ),
                None => format!(
                    "{only}{so_far}. `{cmd}` grades them all in one run, the way a kata counts as \
                     solved."
                ),
            }
        }
        Verdict::Failed if partial && !stopped_early => format!(
            "{only}. Fix it, then run `{cmd} --stage {}` again.",
            graded.last().map_or("examples", |s| s.name.as_str())
        ),
        Verdict::Failed => format!("fix it, then run `{cmd}` again."),
        Verdict::CouldNotGrade => "see above.".to_owned(),
    }
}

/// The verdict's word for a run that passed: `passed`, or for a run of some stages only, which
/// (`examples passed`), so that it never reads as if the whole kata passed.
pub fn passed_word(report: &Report) -> String {
    let graded: Vec<&str> = report
        .stages
        .iter()
        .filter(|s| s.status != StageStatus::NotRun && !s.carried_over)
        .map(|s| s.name.as_str())
        .collect();
    if graded.len() == report.stages.len() {
        "passed".to_owned()
    } else {
        format!("{} passed", graded.join(", "))
    }
}

/// `cargo kata check --all`: one line per kata, and the total, after the katas' own output.
pub fn all_summary(reports: &[Report], out: &Out) {
    if reports.is_empty() {
        return;
    }
    out.line("");
    out.line(&out.paint(crate::render::BOLD, "Summary"));
    let width = reports.iter().map(|r| r.kata.len()).max().unwrap_or(0);
    for r in reports {
        let passed = r
            .stages
            .iter()
            .filter(|s| s.status == StageStatus::Passed)
            .count();
        let (word, style) = match r.verdict {
            Verdict::Passed => (passed_word(r), crate::render::GREEN),
            Verdict::Failed => ("failed".to_owned(), crate::render::RED),
            Verdict::CouldNotGrade => ("could not be graded".to_owned(), crate::render::RED),
        };
        let why = r
            .reason
            .as_deref()
            .map(|w| format!(": {}", w.lines().next().unwrap_or("")))
            .unwrap_or_default();
        out.line(&format!(
            "  {:<width$}  {}  {passed}/{} stages{why}",
            r.kata,
            out.paint(style, &format!("{word:<19}")),
            r.stages.len()
        ));
    }
    let count = |v: Verdict| reports.iter().filter(|r| r.verdict == v).count();
    let worst = reports
        .iter()
        .map(|r| r.verdict)
        .max()
        .unwrap_or(Verdict::Passed);
    out.line(&format!(
        "Total: {} kata{}, {} passed, {} failed, {} could not be graded (exit status {}).",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        count(Verdict::Passed),
        count(Verdict::Failed),
        count(Verdict::CouldNotGrade),
        worst.exit_code()
    ));
}
