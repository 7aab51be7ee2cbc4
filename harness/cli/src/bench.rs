//! `cargo kata bench <kata>`: time the learner's crate against the reference and peer crates,
//! and record the result on the kata's leaderboard.
//!
//! 1. The learner's crate is graded again on every stage with a fresh random seed (held-out
//!    inputs). A crate that fails is not timed: it is a DNF, with the stage that failed.
//! 2. The bench binary of the kata is built (`benches/`, binary `<kata>-learner`, or `<kata>` with
//!    `--solution`) with the `bench` profile, and run: it times every contender on every workload
//!    in interleaved rounds, counts their instructions per operation under callgrind, and writes
//!    a summary ([`kata_suites::bench::Summary`]; how and why: the `kata_bench` crate).
//! 3. One ranked table per workload: median time per operation, the ratio to the reference with
//!    its 95 % interval and what it means (faster, tie, slower), instructions per operation.
//!    Ties share a rank ([`kata_suites::bench::ranks`]). Peers that fail the kata's checks are
//!    marked `†` with the reason.
//! 4. Unless `--no-record` (or `--solution`), the ratios become an entry on
//!    `benches/leaderboards/<kata>.jsonl` ([`crate::leaderboard`]).
//!
//! `--self-test` adds two contenders that prove the ratios on this machine, now: the reference
//! timed a second time (a tie) and the reference doing 1.5 times the work (slower). `--no-peers`
//! leaves the peer crates out (neither graded nor timed), for a quicker run.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, Context, Result};
use kata_core::catalogue::{Kata, Stage};
use kata_suites::bench::{ranks, Pace, Ratio, Role, Summary, Timing};

use crate::build::{self, Built};
use crate::grade::{self, Target};
use crate::leaderboard::{self, Entry, WorkloadResult};
use crate::render::{Align, Out, BOLD, DIM, GREEN, RED, YELLOW};
use crate::results::{self, StageStatus, Verdict};
use crate::workspace::Workspace;

/// What `cargo kata bench` was asked to do.
pub struct Options {
    /// Fewer rounds, and no criterion report.
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
    /// Add the bench's self-test contenders (the reference again, and at 1.5 times the work).
    pub self_test: bool,
    /// Do not count instructions.
    pub no_count: bool,
    /// Leave the peer crates out.
    pub no_peers: bool,
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

    // The references of every kata share one binary (`references`, see benches/Cargo.toml): built
    // once, it benches any kata's reference; a learner's crate has a binary of its own.
    let features = if opts.solution {
        "references".to_owned()
    } else {
        format!("{}-learner", kata.name)
    };
    out.line(&format!(
        "{} {} ({}{})",
        out.paint(BOLD, "Timing"),
        out.paint(BOLD, kata.name),
        if opts.quick {
            "quick: 21 rounds in 3 processes"
        } else {
            "full: 60 rounds in 5 processes, and criterion's report"
        },
        match (opts.solution, opts.no_peers) {
            (true, false) => ": the reference and the peer crates",
            (true, true) => ": the reference, no peers",
            (false, false) => ": your crate, the reference and the peer crates",
            (false, true) => ": your crate and the reference, no peers",
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
        .env("KATA_BENCH_KATA", kata.name)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(Stdio::piped());
    for (on, flag) in [
        (opts.quick, "--quick"),
        (opts.self_test, "--selftest"),
        (opts.no_count, "--no-count"),
        (opts.no_peers, "--no-peers"),
    ] {
        if on {
            cmd.arg(flag);
        }
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
    // A quick run leaves criterion out, and its log empty: nothing to point at.
    if std::fs::metadata(&log_path).is_ok_and(|m| m.len() > 0) {
        out.line(&out.paint(DIM, &format!("  criterion's log: {}", rel(&log_path))));
    }

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

/// Shows the bench binary's progress (a line per workload, with how long its rounds took, and one
/// for counting instructions) and keeps everything else it writes on stderr (criterion's own
/// progress) in the log.
fn show_progress(out: &Out, stderr: impl std::io::Read, mut log: std::fs::File) {
    use std::io::{BufRead, Write};
    let mut started = std::time::Instant::now();
    for line in std::io::BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
    {
        let Some(msg) = line.strip_prefix(kata_suites::bench::PROGRESS_PREFIX) else {
            let _ = writeln!(log, "{line}");
            continue;
        };
        let fields: Vec<&str> = msg.split('\t').collect();
        let took =
            |started: std::time::Instant| format!("{:.1} s", started.elapsed().as_secs_f64());
        match fields.as_slice() {
            ["peer", name, "failed"] => out.line(&format!(
                "  {name}: fails the kata's checks; timed anyway, marked † below"
            )),
            ["workload", w, rounds] => {
                started = std::time::Instant::now();
                out.print(&format!(
                    "  {:<22} {rounds} interleaved rounds ... ",
                    out.paint(BOLD, w)
                ));
            }
            ["done", _] => out.line(&took(started)),
            ["criterion", w, who] => {
                out.line(&out.paint(DIM, &format!("    criterion's report on {who}, {w} ...")))
            }
            ["count", "start"] => {
                started = std::time::Instant::now();
                out.print("  counting instructions per operation under callgrind ... ");
            }
            ["count", "done"] => out.line(&took(started)),
            _ => {}
        }
    }
}

fn workload_names(kata: &Kata) -> Vec<&'static str> {
    kata_suites::bench_workloads(kata.name).unwrap_or_default()
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
        let (Some(yours), Some(reference)) = (w.timing("yours"), w.timing("reference")) else {
            bail!(
                "the bench summary lacks your or the reference's time on {}",
                w.name
            );
        };
        let ratio = Ratio::between(&yours.rounds_ns, &reference.rounds_ns);
        workloads.push(WorkloadResult {
            name: w.name.clone(),
            ratio: ratio.median,
            ratio_low: Some(ratio.low),
            ratio_high: Some(ratio.high),
            ns_per_op: yours.median_ns(),
            reference_ns_per_op: reference.median_ns(),
            rounds: Some(yours.rounds_ns.len()),
            instructions_per_op: yours.instructions_per_op,
            reference_instructions_per_op: reference.instructions_per_op,
        });
    }
    Ok(Entry {
        schema: leaderboard::SCHEMA,
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
    let todo = failing.and_then(|st| st.only_todo());
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

/// Operations per second at `ns` nanoseconds each, short: `6.2M`, `840k`, `95`.
fn rate(ns: f64) -> String {
    if ns.is_nan() || ns <= 0.0 {
        return "-".to_owned();
    }
    let per_s = 1e9 / ns;
    if per_s >= 1e9 {
        format!("{:.1}G", per_s / 1e9)
    } else if per_s >= 1e6 {
        format!("{:.1}M", per_s / 1e6)
    } else if per_s >= 1e3 {
        format!("{:.0}k", per_s / 1e3)
    } else {
        format!("{per_s:.0}")
    }
}

/// One ranked table per workload: each contender's median ns/op, its rate (operations per
/// second, the same figure the other way up), its ratio to the reference with
/// the ratio's interval and what it means (faster, tie, slower), and its instructions per
/// operation. Ranks come from [`ranks`]: ties share one, and rows are in rank order, then by
/// median.
fn print_tables(out: &Out, summary: &Summary) {
    for w in &summary.workloads {
        let Some(reference) = w.timing("reference") else {
            continue;
        };
        out.line("");
        out.line(&format!(
            "  {}  {}",
            out.paint(BOLD, &w.name),
            out.paint(DIM, &w.summary)
        ));
        out.line(&format!(
            "    {:<4} {:<19} {:>9} {:>8}  {:<25} {:>9} {:>7}",
            "rank", "contender", "ns/op", "ops/s", "vs reference", "instr/op", "ratio"
        ));
        let ranks = ranks(&w.timings);
        let mut rows: Vec<(usize, &Timing)> = ranks.into_iter().zip(&w.timings).collect();
        rows.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.median_ns().total_cmp(&b.1.median_ns()))
        });
        for (rank, t) in rows {
            let c = summary.contender(&t.contender);
            let dagger = if c.is_some_and(|c| !c.correct) {
                " †"
            } else {
                ""
            };
            let is_reference = c.is_some_and(|c| c.role == Role::Reference);
            let (vs, style) = if is_reference {
                (String::new(), "")
            } else {
                let ratio = Ratio::between(&t.rounds_ns, &reference.rounds_ns);
                let pace = ratio.pace();
                let style = match pace {
                    Pace::Faster => GREEN,
                    Pace::Tie => "",
                    Pace::Slower => YELLOW,
                };
                (format!("{} {}", ratio.label(), pace.word()), style)
            };
            // Padded, then painted: `{:<25}` of a painted text counts its escape codes.
            let vs = if style.is_empty() {
                crate::render::pad(&vs, 25, Align::Left)
            } else {
                out.cell(style, &vs, 25, Align::Left)
            };
            let name = format!("{}{dagger}", t.contender);
            let name = if c.is_some_and(|c| c.role == Role::Learner) {
                out.cell(BOLD, &name, 19, Align::Left)
            } else {
                crate::render::pad(&name, 19, Align::Left)
            };
            let (instr, instr_ratio) = match (t.instructions_per_op, reference.instructions_per_op)
            {
                (Some(i), Some(r)) => (format!("{i:.0}"), format!("{:.2}x", i / r)),
                _ => ("-".to_owned(), String::new()),
            };
            out.line(&format!(
                "    {rank:<4} {name} {:>9.2} {:>8}  {vs} {instr:>9} {instr_ratio:>7}",
                t.median_ns(),
                rate(t.median_ns()),
            ));
        }
        out.line(&out.paint(
            DIM,
            &format!(
                "    {} rounds, timed on {}",
                reference.rounds_ns.len(),
                w.clock
            ),
        ));
    }
    let failing: Vec<_> = summary.contenders.iter().filter(|c| !c.correct).collect();
    if !failing.is_empty() {
        out.line("");
        out.line("  † fails the kata's checks, so it is not doing the same job:");
        for c in failing {
            // The version names the crate ("governor 0.10"): the name only when it differs.
            let version = c.version.as_deref().unwrap_or("");
            let who = if version.starts_with(&format!("{} ", c.name)) {
                version.to_owned()
            } else {
                format!("{} {version}", c.name).trim_end().to_owned()
            };
            out.line(&format!(
                "    {who}: {}",
                c.failure.as_deref().unwrap_or("?")
            ));
        }
    }
    out.line("");
    let counted = match &summary.instructions_note {
        Some(why) => format!("Instructions per operation: {why}."),
        None => "instr/op: instructions per operation counted by callgrind (the same on any \
                 load; not time: a cache miss is one instruction). Contended workloads are not \
                 counted (callgrind runs one thread at a time)."
            .to_owned(),
    };
    out.line(&out.paint(
        DIM,
        &format!(
            "  Every contender ran one batch per round, in a random order, and ratios are taken \
             round by round: the median, and in brackets its 95% interval. A difference counts \
             only when the whole interval is beyond 5% (below 0.95x or above 1.05x); anything \
             else is a tie, and ties share a rank. {counted}"
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Report, TestResult};
    use kata_suites::bench::{Contender, WorkloadTimings};

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
        // Eleven rounds around a median, each contender's noise its own.
        let timing = |name: &str, median_ns: f64, instructions| Timing {
            contender: name.into(),
            rounds_ns: (0..11)
                .map(|i| median_ns * (1.0 + 0.01 * ((i * 7 + name.len()) % 5) as f64 - 0.02))
                .collect(),
            instructions_per_op: instructions,
        };
        let summary = Summary {
            schema: kata_suites::bench::SCHEMA,
            kata: "lru".into(),
            mode: "quick".into(),
            contenders: vec![
                contender("yours", Role::Learner),
                contender("reference", Role::Reference),
                contender("lru", Role::Peer),
                contender("quick", Role::Peer),
            ],
            workloads: vec![WorkloadTimings {
                name: "read-heavy".into(),
                summary: "Zipf".into(),
                clock: "thread CPU time".into(),
                timings: vec![
                    timing("yours", 20.0, Some(80.0)),
                    timing("reference", 30.0, Some(100.0)),
                    timing("lru", 45.0, Some(120.0)),
                    timing("quick", 30.5, None),
                ],
            }],
            instructions_note: None,
        };
        let (plain, coloured) = (Out::buffer(false), Out::buffer(true));
        print_tables(&plain, &summary);
        print_tables(&coloured, &summary);
        let coloured = coloured.take();
        assert!(coloured.contains(GREEN) && coloured.contains(YELLOW));
        let plain = plain.take();
        assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain);
        // Ranked: yours clearly first; the reference and `quick` (1.7 % apart) tied second;
        // lru clearly last. The interval and the verdict are on every row but the reference's.
        let rows: Vec<&str> = plain.lines().filter(|l| l.starts_with("    ")).collect();
        let starts = |i: usize, rank: &str, name: &str| {
            let cells: Vec<&str> = rows[i].split_whitespace().collect();
            assert_eq!((cells[0], cells[1]), (rank, name), "{plain}");
        };
        starts(1, "1", "yours");
        starts(2, "2", "reference");
        starts(3, "2", "quick");
        starts(4, "4", "lru");
        assert!(
            rows[1].contains("0.67x (0.") && rows[1].contains("faster"),
            "{plain}"
        );
        assert!(
            rows[3].contains("x (0.9") && rows[3].contains("tie"),
            "{plain}"
        );
        assert!(
            rows[4].contains("x (1.4") && rows[4].contains("slower") && rows[4].contains("1.20x"),
            "{plain}"
        );
    }
}
