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
use crate::render::{Out, BOLD, DIM, GREEN, RED, YELLOW};
use crate::results::{self, Verdict};
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
            let stage = report
                .stages
                .iter()
                .find(|st| st.status != results::StageStatus::Passed)
                .map(|st| st.name.clone())
                .unwrap_or_default();
            out.line(&out.paint(
                RED,
                &format!(
                    "DNF: your crate fails the {stage} stage on held-out inputs, so it is not \
                     timed."
                ),
            ));
            out.line(&format!(
                "  {}",
                report.reason.as_deref().unwrap_or("see the stage above")
            ));
            out.line(&out.paint(
                YELLOW,
                &format!(
                    "  Replay it with `cargo kata check {} --seed {s}`, fix it, then bench again.",
                    kata.name
                ),
            ));
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
            let painted = match c.map(|c| c.role) {
                Some(Role::Reference) => ratio_text,
                _ if ratio_text == "1.00x" => ratio_text,
                _ if ratio < 1.0 => out.paint(GREEN, &ratio_text),
                _ => out.paint(YELLOW, &ratio_text),
            };
            let name = format!("{}{dagger}", t.contender);
            let name = if c.is_some_and(|c| c.role == Role::Learner) {
                out.paint(BOLD, &format!("{name:<16}"))
            } else {
                format!("{name:<16}")
            };
            out.line(&format!(
                "    {:<4} {name} {:>12.2} {:>9}",
                i + 1,
                t.median_ns,
                painted
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
