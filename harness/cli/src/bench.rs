//! `cargo kata bench <kata>`: time the learner's crate against the reference and peer crates,
//! and record the result on the kata's leaderboard.
//!
//! 1. The learner's crate is graded again on every stage with a fresh random seed (held-out
//!    inputs). A crate that fails is not timed: it is a DNF, with the stage that failed.
//! 2. The bench binary of the kata is built (`benches/`, binary `<kata>-learner`, or `<kata>` with
//!    `--solution`) with the `bench` profile, and run: criterion times every contender on every
//!    workload and the binary writes a summary ([`kata_suites::bench::Summary`]).
//! 3. One ranked table per workload: median time per operation and the ratio to the reference
//!    measured in the same run (machines differ; ratios travel). Peers that fail the kata's
//!    checks are marked `†` with the reason.
//! 4. Unless `--no-record` (or `--solution`), the ratios become an entry on
//!    `benches/leaderboards/<kata>.jsonl` ([`crate::leaderboard`]).

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, Context, Result};
use kata_core::catalogue::{Kata, Stage};
use kata_suites::bench::{Role, Summary};

use crate::build::{self, Built};
use crate::grade::{self, Target};
use crate::leaderboard::{self, Entry, WorkloadResult};
use crate::render::{Align, Out, BOLD, DIM, GREEN, RED, YELLOW};
use crate::results::{self, StageStatus, Verdict};
use crate::workspace::Workspace;

/// What `cargo kata bench` was asked to do.
pub struct Options {
    /// Short runs (about a second per contender and workload).
    pub quick: bool,
    /// Time the reference and the peers only; grade nothing, record nothing.
    pub solution: bool,
    /// Only these workloads.
    pub workloads: Vec<String>,
    /// The name on the leaderboard (default: `git config user.name`).
    pub who: Option<String>,
    /// Do not record an entry.
    pub no_record: bool,
    /// The seed of the held-out regrade (default: fresh).
    pub seed: Option<u64>,
}

/// A seed no earlier run used: the graded crate cannot have been tuned to it.
fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// Runs `cargo kata bench`.
pub fn run(ws: &Workspace, kata: &'static Kata, opts: &Options) -> Result<ExitCode> {
    let out = Out::new(false);
    let known: Vec<&str> = workload_names(kata);
    if let Some(bad) = opts.workloads.iter().find(|w| !known.contains(&w.as_str())) {
        bail!(
            "kata `{}` has no workload `{bad}`; its workloads are: {}",
            kata.name,
            known.join(", ")
        );
    }
    let mut seed = None;
    let mut source_hash = String::new();
    if !opts.solution {
        let s = opts.seed.unwrap_or_else(fresh_seed);
        out.line(&format!(
            "{} regrading your crate on every stage with a fresh seed ({s}): a time only counts \
             for a correct implementation",
            out.paint(BOLD, "Bench:")
        ));
        let report = grade::grade(ws, kata, &Target::Learner, &Stage::ALL, Some(s), &out)?;
        if report.verdict != Verdict::Passed {
            for line in dnf(&out, kata, &report) {
                out.line(&line);
            }
            return Ok(ExitCode::from(report.verdict.exit_code()));
        }
        seed = Some(s);
        source_hash = report.source_hash;
    }

    let features = if opts.solution {
        kata.name.to_owned()
    } else {
        format!("{}-learner", kata.name)
    };
    out.line(&format!(
        "{} {} ({}{})",
        out.paint(BOLD, "Timing"),
        out.paint(BOLD, kata.name),
        if opts.quick {
            "quick"
        } else {
            "full criterion run"
        },
        if opts.solution {
            ": the reference and the peer crates"
        } else {
            ": your crate, the reference and the peer crates"
        }
    ));
    out.line("  building the benches (bench profile) ...");
    let focus = format!("katas/{}/", kata.name);
    let exe = match build::bench(ws, &features, &focus, out.color())? {
        Built::Ok { exe, took } => {
            out.line(&format!("  built in {:.1} s", took.as_secs_f64()));
            exe
        }
        Built::Failed { messages, stderr } => {
            for m in &messages {
                out.line(m.trim_end());
            }
            if messages.is_empty() {
                out.line(stderr.trim_end());
            }
            bail!("the benches of `{}` do not compile (see above)", kata.name);
        }
    };
    let dir = ws.target.join("kata").join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let summary_path = dir.join(format!("{}.json", kata.name));
    let log_path = dir.join(format!("{}.criterion.log", kata.name));
    let _ = std::fs::remove_file(&summary_path);
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("cannot create {}", log_path.display()))?;
    let log_for_stderr = log.try_clone()?;
    let mut cmd = Command::new(&exe);
    cmd.current_dir(&ws.root)
        .arg("--out")
        .arg(&summary_path)
        .env("CRITERION_HOME", dir.join("criterion"))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(Stdio::piped());
    if opts.quick {
        cmd.arg("--quick");
    }
    for w in &opts.workloads {
        cmd.args(["--workload", w]);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    let stderr = child.stderr.take().expect("piped");
    show_progress(&out, stderr, log_for_stderr);
    let status = child.wait()?;
    if !status.success() {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(8).collect();
        for line in tail.into_iter().rev() {
            out.line(&format!("    {line}"));
        }
        bail!(
            "the bench binary failed ({status}); its whole output is in {}",
            log_path.display()
        );
    }
    let summary: Summary = serde_json::from_slice(
        &std::fs::read(&summary_path)
            .with_context(|| format!("the bench wrote no {}", summary_path.display()))?,
    )
    .with_context(|| format!("{} is not a bench summary", summary_path.display()))?;
    print_tables(&out, &summary);
    let rel = |p: &PathBuf| p.strip_prefix(&ws.root).unwrap_or(p).display().to_string();
    if !opts.quick {
        out.line(&format!(
            "  criterion's statistics and HTML report: {}",
            rel(&dir.join("criterion").join("report").join("index.html"))
        ));
    }
    out.line(&out.paint(DIM, &format!("  criterion's log: {}", rel(&log_path))));

    if let (Some(seed), false) = (seed, opts.no_record) {
        let entry = entry(ws, kata, opts, &summary, seed, source_hash)?;
        let board = leaderboard::board_path(&ws.root, kata.name);
        leaderboard::append(&board, &entry)?;
        out.line(&format!(
            "  recorded on the leaderboard as {:?}: {} (see `cargo kata leaderboard {}`)",
            entry.who,
            rel(&board),
            kata.name
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Shows the bench binary's progress lines (one per contender and workload, its median when
/// done) and keeps everything else it writes on stderr (criterion's own progress) in the log.
fn show_progress(out: &Out, stderr: impl std::io::Read, mut log: std::fs::File) {
    use std::io::{BufRead, Write};
    let mut workload = String::new();
    for line in std::io::BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
    {
        let Some(msg) = line.strip_prefix(kata_suites::bench::PROGRESS_PREFIX) else {
            let _ = writeln!(log, "{line}");
            continue;
        };
        let fields: Vec<&str> = msg.split('\t').collect();
        match fields.as_slice() {
            ["peer", name, "failed"] => out.line(&format!(
                "  {name}: fails the kata's checks; timed anyway, marked † below"
            )),
            ["start", w, contender] => {
                if *w != workload {
                    out.line(&format!("  {}", out.paint(BOLD, w)));
                    workload = (*w).to_owned();
                }
                out.print(&format!("    {contender:<16} ... "));
            }
            ["done", _, _, median] => {
                let median: f64 = median.parse().unwrap_or(f64::NAN);
                out.line(&format!("{median:.2} ns/op"));
            }
            _ => {}
        }
    }
}

fn workload_names(kata: &Kata) -> Vec<&'static str> {
    match kata.name {
        "lru" => kata_suites::lru::workloads::BENCH
            .iter()
            .map(|w| w.name)
            .collect(),
        "token-bucket" => kata_suites::token_bucket::workloads::BENCH
            .iter()
            .map(|w| w.name)
            .collect(),
        _ => Vec::new(),
    }
}

/// The leaderboard entry for a learner's run.
fn entry(
    ws: &Workspace,
    kata: &Kata,
    opts: &Options,
    summary: &Summary,
    seed: u64,
    source_hash: String,
) -> Result<Entry> {
    let mut workloads = Vec::new();
    for w in &summary.workloads {
        let (Some(yours), Some(reference)) = (
            summary.timing(&w.name, "yours"),
            summary.timing(&w.name, "reference"),
        ) else {
            bail!(
                "the bench summary lacks your or the reference's time on {}",
                w.name
            );
        };
        workloads.push(WorkloadResult {
            name: w.name.clone(),
            ratio: yours.median_ns / reference.median_ns,
            ns_per_op: yours.median_ns,
            reference_ns_per_op: reference.median_ns,
        });
    }
    Ok(Entry {
        schema: 1,
        kata: kata.name.to_owned(),
        who: opts
            .who
            .clone()
            .unwrap_or_else(|| leaderboard::who(&ws.root)),
        when: results::now_rfc3339(),
        source_hash,
        toolchain: grade::toolchain().rustc,
        cpu: leaderboard::cpu_model(),
        profile: "bench".into(),
        mode: summary.mode.clone(),
        seed,
        workloads,
    })
}

/// Why a regrade that did not pass is a DNF, and the command that replays it. The cause decides
/// the words: only a real failure is "on fresh random inputs"; a `todo!()` is unfinished work and
/// a crate that does not compile (or a stage that timed out) could not be graded at all.
fn dnf(out: &Out, kata: &Kata, report: &results::Report) -> Vec<String> {
    let failing = report
        .stages
        .iter()
        .find(|st| !matches!(st.status, StageStatus::Passed | StageStatus::NotRun));
    let todo = failing.and_then(|st| st.tests.iter().find(|t| t.todo));
    let seed = report.seed;
    let why = match (failing, todo) {
        (Some(st), Some(t)) => format!(
            "DNF: your crate is not finished: the {} stage reached a todo!() ({}), so it is not \
             timed.",
            st.name,
            t.message
                .strip_prefix("not yet implemented: ")
                .unwrap_or(&t.message)
        ),
        (Some(st), None) if st.status == StageStatus::CouldNotGrade => format!(
            "DNF: the {} stage of your crate could not be graded, so it is not timed.",
            st.name
        ),
        (Some(st), None) => format!(
            "DNF: your crate fails the {} stage on this run's fresh random inputs (seed {seed}), \
             so it is not timed.",
            st.name
        ),
        (None, _) => "DNF: your crate could not be graded, so it is not timed.".to_owned(),
    };
    let replay = match failing {
        Some(st) => {
            crate::render::replay_command(kata.name, &report.implementation, &st.name, seed)
        }
        None => format!("cargo kata check {}", kata.name),
    };
    let next = if todo.is_some() {
        format!("  Replace it (`{replay}` shows where), then bench again.")
    } else {
        format!("  Replay it with `{replay}`, fix it, then bench again.")
    };
    vec![
        out.paint(RED, &why),
        format!(
            "  {}",
            report.reason.as_deref().unwrap_or("see the stage above")
        ),
        out.paint(YELLOW, &next),
    ]
}

/// One ranked table per workload.
fn print_tables(out: &Out, summary: &Summary) {
    for w in &summary.workloads {
        let Some(reference) = summary.timing(&w.name, "reference") else {
            continue;
        };
        out.line("");
        out.line(&format!(
            "  {}  {}",
            out.paint(BOLD, &w.name),
            out.paint(DIM, &w.summary)
        ));
        out.line(&format!(
            "    {:<4} {:<16} {:>12} {:>9}",
            "rank", "contender", "median ns/op", "ratio"
        ));
        let mut rows: Vec<_> = w.timings.iter().collect();
        rows.sort_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
        for (i, t) in rows.iter().enumerate() {
            let c = summary.contenders.iter().find(|c| c.name == t.contender);
            let dagger = if c.is_some_and(|c| !c.correct) {
                " †"
            } else {
                ""
            };
            let ratio = t.median_ns / reference.median_ns;
            let ratio_text = format!("{ratio:.2}x");
            // Padded, then painted: `{:>9}` of a painted text counts its escape codes.
            let style = match c.map(|c| c.role) {
                Some(Role::Reference) => "",
                _ if ratio_text == "1.00x" => "",
                _ if ratio < 1.0 => GREEN,
                _ => YELLOW,
            };
            let painted = if style.is_empty() {
                crate::render::pad(&ratio_text, 9, Align::Right)
            } else {
                out.cell(style, &ratio_text, 9, Align::Right)
            };
            let name = format!("{}{dagger}", t.contender);
            let name = if c.is_some_and(|c| c.role == Role::Learner) {
                out.cell(BOLD, &name, 16, Align::Left)
            } else {
                crate::render::pad(&name, 16, Align::Left)
            };
            out.line(&format!(
                "    {:<4} {name} {:>12.2} {painted}",
                i + 1,
                t.median_ns,
            ));
        }
    }
    let failing: Vec<_> = summary.contenders.iter().filter(|c| !c.correct).collect();
    if !failing.is_empty() {
        out.line("");
        out.line("  † fails the kata's checks, so it is not doing the same job:");
        for c in failing {
            let version = c.version.as_deref().unwrap_or("");
            out.line(&format!(
                "    {} {version}: {}",
                c.name,
                c.failure.as_deref().unwrap_or("?")
            ));
        }
    }
    out.line("");
    out.line(&out.paint(
        DIM,
        "  Ratios are to the reference in this run; within 0.95-1.05 read them as a tie (a shared \
         machine moves medians by a few percent between runs).",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Report, TestResult};
    use kata_suites::bench::{Contender, Timing, WorkloadTimings};

    fn lru() -> &'static Kata {
        kata_core::catalogue::find("lru").unwrap()
    }

    fn report_failing(todo: bool) -> Report {
        let mut report = Report::fixture("lru");
        let stages = &mut report.stages;
        stages[0].status = StageStatus::Failed;
        stages[0].tests.push(TestResult {
            name: "get after put".into(),
            status: "failed".into(),
            message: if todo {
                "not yet implemented: LruCache::new".into()
            } else {
                "expected Some(1), got None".into()
            },
            todo,
            location: None,
        });
        report.reason = Some("examples: get after put".into());
        report.seed = 99;
        report
    }

    /// A todo!() is unfinished work, not a failure on held-out inputs.
    #[test]
    fn a_dnf_on_a_todo_says_so_and_not_held_out_inputs() {
        let text = dnf(&Out::buffer(false), lru(), &report_failing(true)).join("\n");
        assert!(text.contains("reached a todo!() (LruCache::new)"), "{text}");
        assert!(!text.contains("held-out"), "{text}");
        assert!(!text.contains("random inputs"), "{text}");
    }

    #[test]
    fn a_dnf_on_a_failure_names_the_stage_and_the_replay() {
        let text = dnf(&Out::buffer(false), lru(), &report_failing(false)).join("\n");
        assert!(text.contains("fails the examples stage"), "{text}");
        assert!(
            text.contains("`cargo kata check lru --stage examples --seed 99`"),
            "{text}"
        );
    }

    /// Colour never moves a column: the coloured table, stripped of its escapes, is the plain one.
    #[test]
    fn colour_does_not_move_the_columns_of_the_tables() {
        let contender = |name: &str, role| Contender {
            name: name.into(),
            role,
            version: None,
            correct: true,
            failure: None,
        };
        let timing = |name: &str, median_ns| Timing {
            contender: name.into(),
            median_ns,
            min_ns: median_ns,
            max_ns: median_ns,
            samples: 10,
        };
        let summary = Summary {
            schema: kata_suites::bench::SCHEMA,
            kata: "lru".into(),
            mode: "quick".into(),
            contenders: vec![
                contender("yours", Role::Learner),
                contender("reference", Role::Reference),
                contender("lru", Role::Peer),
            ],
            workloads: vec![WorkloadTimings {
                name: "read-heavy".into(),
                summary: "Zipf".into(),
                timings: vec![
                    timing("yours", 20.0),
                    timing("reference", 30.0),
                    timing("lru", 45.0),
                ],
            }],
        };
        let (plain, coloured) = (Out::buffer(false), Out::buffer(true));
        print_tables(&plain, &summary);
        print_tables(&coloured, &summary);
        let coloured = coloured.take();
        assert!(coloured.contains(GREEN) && coloured.contains(YELLOW));
        assert_eq!(
            anstream::adapter::strip_str(&coloured).to_string(),
            plain.take()
        );
    }
}
