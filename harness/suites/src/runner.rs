//! The runner's entry point: parse arguments, grade one stage of one implementation, exit.
//!
//! `kata-runner --kata <name> --impl <learner|solution|mutant:NAME> --stage <stage>
//! --events <file> [--seed N] [--count SERIES:SIZE:OPS] [--counted SERIES:SIZES:OPS]`
//!
//! With `--count` (and `--stage complexity`) nothing is graded: the runner prepares one series of
//! the complexity stage at one size and runs it untimed, so that `valgrind --tool=callgrind`
//! can count its instructions by hand.
//! `--counted` is the same for a counted kata's own stage, which starts the runner again under
//! callgrind with it ([`crate::measure::counted`]): every size of one series, each counted
//! apart.
//!
//! The runner is a separate process per stage so that a crash, a hang or an abort in learner code
//! is contained and reported by the CLI, never fatal to the grader. It exits 0 when the stage
//! passed, 1 when it failed, 3 when it was asked for something it cannot grade (a kata or
//! implementation this build does not include). Results travel through the events file
//! ([`crate::report`]), not through stdout, which stays the learner's.

use std::path::PathBuf;

use kata_core::catalogue::Stage;

use crate::check::install_panic_hook;
use crate::report::Reporter;
use crate::Ctx;

/// The seed used when none is given: grading is reproducible by default.
pub const DEFAULT_SEED: u64 = 0x5EED_CA7A;

/// Grades `stage` of implementation `imp` of kata `kata`; `Err` when this build cannot.
pub type Dispatch = fn(kata: &str, imp: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String>;

/// The environment variable that narrows a mutant's complexity stage to one series (see
/// [`Ctx::series`]): set by the repository's proof under load on the `cargo kata check --mutant`
/// it runs, and ignored for every other implementation.
pub const SERIES_ENV: &str = "KATA_COMPLEXITY_SERIES";

struct Args {
    kata: String,
    imp: String,
    stage: Stage,
    events: PathBuf,
    seed: u64,
    count: Option<crate::measure::Count>,
    counted: Option<crate::measure::counted::Request>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut kata, mut imp, mut stage, mut events, mut seed) = (None, None, None, None, None);
    let mut count = None;
    let mut counted = None;
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--kata" => kata = Some(value),
            "--impl" => imp = Some(value),
            "--stage" => {
                stage =
                    Some(Stage::parse(&value).ok_or_else(|| format!("unknown stage `{value}`"))?)
            }
            "--events" => events = Some(PathBuf::from(value)),
            "--seed" => seed = Some(value.parse().map_err(|_| format!("bad seed `{value}`"))?),
            "--count" => count = Some(crate::measure::Count::parse(&value)?),
            "--counted" => counted = Some(crate::measure::counted::Request::parse(&value)?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        kata: kata.ok_or("--kata is required")?,
        imp: imp.ok_or("--impl is required")?,
        stage: stage.ok_or("--stage is required")?,
        events: events.ok_or("--events is required")?,
        seed: seed.unwrap_or(DEFAULT_SEED),
        count,
        counted,
    })
}

/// What a runner built with `--cfg kata_loom` does when asked for a stage other than
/// concurrency: [`main`] refuses those first, so [`grade!`](crate::grade) compiles them to this.
#[cfg(kata_loom)]
pub fn loom_grades_concurrency_only() {
    unreachable!("a runner built for loom grades the concurrency stage only")
}

/// Runs the runner with `dispatch`; never returns.
pub fn main(dispatch: Dispatch) -> ! {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("kata-runner: {e}");
            std::process::exit(3);
        }
    };
    if cfg!(kata_loom) && args.stage != Stage::Concurrency {
        eprintln!("kata-runner: this build is for loom and only grades the concurrency stage");
        std::process::exit(3);
    }
    let reporter = match Reporter::to_file(&args.events) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kata-runner: cannot write {}: {e}", args.events.display());
            std::process::exit(3);
        }
    };
    install_panic_hook();
    let mut ctx = Ctx::new(reporter, args.seed);
    ctx.count = args.count;
    ctx.counted = args.counted;
    ctx.relaunch = Some(crate::measure::counted::Relaunch {
        kata: args.kata.clone(),
        imp: args.imp.clone(),
        seed: args.seed,
    });
    // Only a mutant's grade may be narrowed: a learner's or the reference's complexity stage
    // always grades every series, whatever the environment says.
    if args.imp.starts_with("mutant:") {
        ctx.series = std::env::var(SERIES_ENV).ok().filter(|s| !s.is_empty());
    }
    if let Err(e) = dispatch(&args.kata, &args.imp, args.stage, &mut ctx) {
        eprintln!("kata-runner: {e}");
        std::process::exit(3);
    }
    std::process::exit(if ctx.passed() { 0 } else { 1 });
}
