//! `cargo kata`: the grader's command line.
//!
//! Runs through the `.cargo/config.toml` alias `kata = "run --profile grade --package kata-cli
//! --"`, so it works straight after a clone. It never links a kata itself: for each kata it builds
//! the runner (`harness/runner`) with just that kata's feature, then runs one child process per
//! stage and reads the events it writes. So a kata that does not compile, hangs or crashes is
//! reported, and never stops another kata from being graded.
//!
//! - [`build`]: `cargo build` of the runner, and the compiler's messages when it fails;
//! - [`grade`]: the stages, the child processes, timeouts and crashes;
//! - [`results`]: the results file (JSON) and its schema;
//! - [`render`]: what the learner reads;
//! - [`leaderboard`]: the benchmark leaderboards and `cargo kata leaderboard`.
//! - [`watch`]: `cargo kata watch`, grading on every save.
//! - the learner's loop: [`progress`] (`kata-progress.json`), [`status`] (`cargo kata` alone),
//!   [`hints`] (`cargo kata hint`), [`reset`] (`cargo kata reset`), [`solution`].

mod bench;
mod build;
mod foreign_sync;
mod grade;
mod hints;
mod leaderboard;
mod progress;
mod render;
mod reset;
mod results;
mod solution;
mod status;
mod watch;
mod workspace;

use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand};
use kata_core::catalogue::{self, Kata, Stage};

use crate::grade::Target;
use crate::results::Verdict;

/// Grades system-design katas stage by stage.
#[derive(Parser)]
#[command(
    name = "cargo kata",
    bin_name = "cargo kata",
    version,
    about,
    after_help = "Examples:\n  cargo kata              (your progress, and what to do next)\n  cargo kata hint lru\n  cargo kata list\n  cargo kata check lru\n  cargo kata check lru --stage properties\n  cargo kata check --all --solution"
)]
struct Cli {
    /// Without a command: your progress in every kata, and what to do next.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Lists the katas, with the stages each has passed so far.
    #[command(after_help = "Example:\n  cargo kata list")]
    List,
    /// Grades a kata: examples, properties, concurrency, quality, complexity, in order,
    /// stopping at the first stage that fails.
    #[command(
        after_help = "Examples:\n  cargo kata check lru\n  cargo kata check token-bucket --stage examples\n  cargo kata check lru --solution --json\n\n\
Exit status: 0 every stage graded passed, 1 a stage failed, 2 the kata could not be graded\n\
(it does not compile, a stage timed out, or no check ran)."
    )]
    Check(CheckArgs),
    /// Grades a kata at start and again on every save, on one compact screen; keys: r re-run,
    /// h next hint, n next kata, q quit.
    #[command(
        after_help = "Examples:\n  cargo kata watch\n  cargo kata watch token-bucket\n  cargo kata watch lru --poll\n\n\
Without a kata: the first one not solved yet. When stdin is not a terminal, keys are read as\n\
lines (`q` then Enter), so that the watch can be scripted."
    )]
    Watch(WatchArgs),
    /// Shows the next hint for a kata: for the first stage your code has not passed, the next
    /// level you have not seen (a nudge, a direction, the key idea, sometimes the pitfall).
    #[command(
        after_help = "Examples:\n  cargo kata hint lru\n  cargo kata hint lru --stage concurrency\n  cargo kata hint token-bucket --stage examples --level 2\n\n\
Hints are in katas/<kata>/HINTS.md; the levels you have seen are kept in kata-progress.json."
    )]
    Hint(hints::HintArgs),
    /// Restores a kata's stub as shipped, after backing your crate up to
    /// .kata-backups/<kata>/<timestamp>/; clears the kata's passed stages (not the hints seen).
    #[command(
        after_help = "Examples:\n  cargo kata reset lru\n  cargo kata reset token-bucket --from 4ab8038\n\n\
Your files (src/, tests/, Cargo.toml, anything you added) are restored as of the newest commit whose\n\
src/lib.rs is still all todo!()s, so it works after you commit your own work; the kata's\n\
README.md and HINTS.md are never rolled back. A deleted kata folder is restored too."
    )]
    Reset(reset::ResetArgs),
    /// Shows the reference solution beside your code (a diff), once your crate passes every stage.
    #[command(
        after_help = "Examples:\n  cargo kata solution lru\n  cargo kata solution lru --paths\n  cargo kata solution token-bucket --force"
    )]
    Solution(solution::SolutionArgs),
    /// Times your crate against the reference and well-known crates on the kata's workloads,
    /// after regrading it with fresh random inputs, and records the ratios on the leaderboard.
    #[command(
        after_help = "Examples:\n  cargo kata bench lru --quick\n  cargo kata bench token-bucket --workload uncontended\n  cargo kata bench lru --solution --self-test\n\n\
A crate that fails any stage on the fresh inputs is not timed (DNF, exit status 1).\n\
Contenders race in interleaved rounds; each ratio to the reference is taken round by round and\n\
shown with its 95% interval. It is a tie unless the whole interval is beyond 5%.\n\
Instructions per operation are counted under valgrind's callgrind when it is installed."
    )]
    Bench(BenchArgs),
    /// Shows the benchmark leaderboards (benches/leaderboards/<kata>.jsonl), ranked per workload
    /// by the ratio to the reference, or writes them as a self-contained HTML page.
    #[command(
        after_help = "Examples:\n  cargo kata leaderboard\n  cargo kata leaderboard lru\n  cargo kata leaderboard lru --html /tmp/lru.html\n  cargo kata leaderboard lru --from ../classmate/benches/leaderboards/lru.jsonl\n\n\
Entries are recorded by `cargo kata bench <kata>` when your crate passes."
    )]
    Leaderboard(leaderboard::LeaderboardArgs),
}

#[derive(Args)]
struct BenchArgs {
    /// The kata to benchmark (see `cargo kata list`).
    kata: String,
    /// Fewer rounds (21 in 3 processes, instead of 60 in 5) and no criterion report: a first look.
    #[arg(long)]
    quick: bool,
    /// Time the reference and the peer crates only (no regrade, no leaderboard entry).
    #[arg(long)]
    solution: bool,
    /// Only this workload (repeatable), e.g. `read-heavy`.
    #[arg(long = "workload", value_name = "WORKLOAD")]
    workloads: Vec<String>,
    /// Your name on the leaderboard (default: `git config user.name`).
    #[arg(long, value_name = "NAME")]
    who: Option<String>,
    /// Do not record this run on the leaderboard.
    #[arg(long)]
    no_record: bool,
    /// Seed of the regrade before timing (default: a fresh one each run).
    #[arg(long)]
    seed: Option<u64>,
    /// Also time the reference a second time and a copy of it doing 1.5 times the work: on this
    /// machine, now, the first must come out a tie and the second slower, or the ratios mean
    /// nothing.
    #[arg(long)]
    self_test: bool,
    /// Do not count instructions per operation under callgrind.
    #[arg(long)]
    no_count: bool,
    /// Leave the peer crates out: your crate against the reference only, in about half the time.
    #[arg(long)]
    no_peers: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// The kata to grade (its folder name under katas/, see `cargo kata list`); by default, the
    /// kata whose folder you are in.
    kata: Option<String>,
    /// Grade every kata.
    #[arg(long, conflicts_with = "kata")]
    all: bool,
    /// Grade the reference solution instead of your crate.
    #[arg(long)]
    solution: bool,
    /// Grade only this stage: examples, properties, concurrency, quality or complexity.
    #[arg(long, value_name = "STAGE")]
    stage: Option<String>,
    /// Print the results as JSON on stdout (progress goes to stderr).
    #[arg(long)]
    json: bool,
    /// Seed for the random inputs (a failure prints the one that replays it).
    #[arg(long)]
    seed: Option<u64>,
    /// Grade one of the repository's known-wrong implementations (for the grader's own tests).
    #[arg(long, hide = true, conflicts_with = "solution")]
    mutant: Option<String>,
    /// Grade your crate even if it is unchanged since it passed every stage.
    #[arg(long)]
    fresh: bool,
    /// Progress as JSON lines on stderr instead of text (for `cargo kata watch`).
    #[arg(long, hide = true)]
    live_events: bool,
}

#[derive(Args)]
struct WatchArgs {
    /// The kata to watch (default: the first one not solved yet).
    kata: Option<String>,
    /// Poll the kata's files every 0.5 s instead of using file-system events.
    #[arg(long)]
    poll: bool,
}

fn main() -> ExitCode {
    // `cargo kata ... | head` must end quietly, as Unix tools do: the default action of SIGPIPE
    // (which the Rust runtime ignores, turning the next print into a panic or an error) ends the
    // process without a word at the first write after the reader is gone. Set before anything
    // is printed, so that it covers every print, ours or a library's.
    #[cfg(unix)]
    // SAFETY: restoring a signal's default action; no handler runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let ws = workspace::Workspace::locate()?;
    let Some(command) = cli.command else {
        status::show(&ws);
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Hint(args) => hints::command(&ws, &args),
        Command::Reset(args) => reset::command(&ws, &args),
        Command::Solution(args) => solution::command(&ws, &args),
        Command::List => {
            render::list(&ws);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => check(&ws, args),
        Command::Watch(args) => watch::run(
            &ws,
            watch::Options {
                kata: args.kata,
                poll: args.poll,
            },
        ),
        Command::Leaderboard(args) => {
            leaderboard::command(&ws.root, &args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(args) => {
            let kata = catalogue::find(&args.kata).ok_or_else(|| unknown_kata(&args.kata))?;
            bench::run(
                &ws,
                kata,
                &bench::Options {
                    quick: args.quick,
                    solution: args.solution,
                    workloads: args.workloads,
                    who: args.who,
                    no_record: args.no_record,
                    seed: args.seed,
                    self_test: args.self_test,
                    no_count: args.no_count,
                    no_peers: args.no_peers,
                },
            )
        }
    }
}

fn unknown_kata(name: &str) -> anyhow::Error {
    workspace::unknown_kata(name)
}

fn check(ws: &workspace::Workspace, args: CheckArgs) -> Result<ExitCode> {
    let katas: Vec<&'static Kata> = match (&args.kata, args.all) {
        (_, true) => catalogue::KATAS.iter().collect(),
        (Some(name), false) => vec![catalogue::find(name).ok_or_else(|| unknown_kata(name))?],
        (None, false) => match ws.kata_here() {
            Some(kata) => vec![kata],
            None => bail!(
                "name a kata to grade, e.g. `cargo kata check lru`, or grade them all with \
                 `cargo kata check --all` (see `cargo kata list`)"
            ),
        },
    };
    let stages: Vec<Stage> = match &args.stage {
        None => Stage::ALL.to_vec(),
        Some(s) => vec![Stage::parse(s).ok_or_else(|| workspace::unknown_stage(s))?],
    };
    let target = match (&args.mutant, args.solution) {
        (Some(m), _) => Target::Mutant(m.clone()),
        (None, true) => Target::Solution,
        (None, false) => Target::Learner,
    };
    let out = if args.live_events {
        render::Out::events()
    } else {
        render::Out::new(args.json)
    };
    let mut worst = Verdict::Passed;
    let mut all = Vec::new();
    // A full learner check of a kata unchanged since it passed every stage is not redone.
    let reuse = target == Target::Learner && args.stage.is_none() && args.seed.is_none();
    for kata in katas {
        let unchanged = (reuse && !args.fresh)
            .then(|| progress::unchanged_since_passed(ws, kata, &out))
            .flatten();
        let report = match unchanged {
            Some(report) => report,
            None => grade::grade(ws, kata, &target, &stages, args.seed, &out)?,
        };
        worst = worst.max(report.verdict);
        all.push(report);
    }
    if args.all {
        grade::all_summary(&all, &out);
    }
    if args.json {
        let json = if all.len() == 1 {
            serde_json::to_string_pretty(&all[0])?
        } else {
            serde_json::to_string_pretty(&all)?
        };
        println!("{json}");
    }
    Ok(ExitCode::from(worst.exit_code()))
}
