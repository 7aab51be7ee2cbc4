//! `cargo kata`: the grader's command line.
//!
//! Runs through the `.cargo/config.toml` alias `kata = "run --quiet --package kata-cli --"`, so it
//! works straight after a clone. It never links a kata itself: for each kata it builds the runner
//! (`harness/runner`) with just that kata's feature, then runs one child process per stage and
//! reads the events it writes. So a kata that does not compile, hangs or crashes is reported, and
//! never stops another kata from being graded.
//!
//! - [`build`]: `cargo build` of the runner, and the compiler's messages when it fails;
//! - [`grade`]: the stages, the child processes, timeouts and crashes;
//! - [`results`]: the results file (JSON) and its schema;
//! - [`render`]: what the learner reads.

mod build;
mod grade;
mod render;
mod results;
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
    after_help = "Examples:\n  cargo kata list\n  cargo kata check lru\n  cargo kata check lru --stage properties\n  cargo kata check --all --solution"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
}

#[derive(Args)]
struct CheckArgs {
    /// The kata to grade (its folder name under katas/, see `cargo kata list`).
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
}

fn main() -> ExitCode {
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
    match cli.command {
        Command::List => {
            render::list(&ws);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => check(&ws, args),
    }
}

fn unknown_kata(name: &str) -> anyhow::Error {
    let names: Vec<&str> = catalogue::KATAS.iter().map(|k| k.name).collect();
    anyhow::anyhow!(
        "there is no kata named `{name}`; the katas are: {} (see `cargo kata list`)",
        names.join(", ")
    )
}

fn check(ws: &workspace::Workspace, args: CheckArgs) -> Result<ExitCode> {
    let katas: Vec<&'static Kata> = match (&args.kata, args.all) {
        (_, true) => catalogue::KATAS.iter().collect(),
        (Some(name), false) => vec![catalogue::find(name).ok_or_else(|| unknown_kata(name))?],
        (None, false) => bail!(
            "name a kata to grade, e.g. `cargo kata check lru`, or grade them all with \
             `cargo kata check --all` (see `cargo kata list`)"
        ),
    };
    let stages: Vec<Stage> = match &args.stage {
        None => Stage::ALL.to_vec(),
        Some(s) => vec![Stage::parse(s).ok_or_else(|| {
            anyhow::anyhow!(
                "there is no stage `{s}`; the stages are: examples, properties, concurrency, \
                 quality, complexity"
            )
        })?],
    };
    let target = match (&args.mutant, args.solution) {
        (Some(m), _) => Target::Mutant(m.clone()),
        (None, true) => Target::Solution,
        (None, false) => Target::Learner,
    };
    let out = render::Out::new(args.json);
    let mut worst = Verdict::Passed;
    let mut all = Vec::new();
    for kata in katas {
        let report = grade::grade(ws, kata, &target, &stages, args.seed, &out)?;
        worst = worst.max(report.verdict);
        all.push(report);
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
