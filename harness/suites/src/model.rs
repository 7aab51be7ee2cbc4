//! Model-based property testing: random operation sequences, checked step by step against a tiny,
//! obviously-correct model, shrunk to the shortest sequence that still fails.
//!
//! Built directly on proptest's `TestRunner` rather than its test macros, so that a failure comes
//! back as a value: the stage prints what went wrong first, then the minimal sequence as readable
//! code, and none of proptest's intermediate output. Runs are deterministic for a given seed (the
//! stage's, which the CLI prints once as the `--seed` that replays the stage).

use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::check::{describe_panic, is_todo, panic_record, remember_panic, Outcome};

/// How many random sequences a property tries.
pub const DEFAULT_CASES: u32 = 256;

/// A deterministic proptest runner for `seed`.
pub fn runner(seed: u64, cases: u32) -> TestRunner {
    let config = Config {
        cases,
        max_shrink_iters: 20_000,
        failure_persistence: None,
        // Learner code runs in-process; a panic is a failing case, shrunk like any other.
        ..Config::default()
    };
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = crate::measure::SplitMix64::new(seed.wrapping_add(i as u64)).next_u64();
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// How many times a failing case is run again to tell a real counterexample from an
/// implementation that behaves differently from run to run.
pub const RERUNS: usize = 8;

/// Runs `test` on `cases` values of `strategy`. On failure, returns a message that leads with
/// what went wrong (the mismatch, or the panic with its file and line), then the minimal failing
/// value rendered by `render`.
///
/// `test` returns `Err(reason)` on a failed step; a panic inside it counts as a failure too.
/// The minimal case is run again [`RERUNS`] times: when it does not fail the same way every time,
/// the implementation is nondeterministic (a `HashMap`'s iteration order, a per-instance
/// `RandomState`), shrinking could not work, and the message says so instead of presenting a
/// long sequence as minimal. The seed is not part of the message: the stage's seed replays the
/// whole stage, and the CLI prints it once.
pub fn check_model<T, S>(
    seed: u64,
    cases: u32,
    strategy: S,
    render: impl Fn(&T) -> String,
    test: impl Fn(&T) -> Outcome,
) -> Outcome
where
    T: Debug + Clone,
    S: Strategy<Value = T>,
{
    // Generic in the value and the strategy only: those are the same whichever family is
    // graded, so proptest's runner and shrinker are compiled once per property, not once per
    // family (which made them a tenth of the mutants' runner's code).
    check_model_dyn(seed, cases, strategy, &render, &test)
}

fn check_model_dyn<T, S>(
    seed: u64,
    cases: u32,
    strategy: S,
    render: &dyn Fn(&T) -> String,
    test: &dyn Fn(&T) -> Outcome,
) -> Outcome
where
    T: Debug + Clone,
    S: Strategy<Value = T>,
{
    // Catch panics here rather than in proptest, so that the file and line are kept.
    let case = |value: &T| -> Outcome {
        match panic::catch_unwind(AssertUnwindSafe(|| test(value))) {
            Ok(outcome) => outcome,
            Err(payload) => {
                let record = panic_record(payload.as_ref());
                if is_todo(&record.message) {
                    // `Ctx::check` reports a `todo!()` with its location: the message alone
                    // here, or the location would be printed twice.
                    let message = record.message.clone();
                    remember_panic(record);
                    return Err(message);
                }
                Err(describe_panic(&record))
            }
        }
    };
    let mut runner = runner(seed, cases);
    let result = runner.run(&strategy, |value| case(&value).map_err(TestCaseError::fail));
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Abort(why)) => Err(format!("the property run was aborted: {why}")),
        Err(TestError::Fail(reason, minimal)) => {
            let reason = reason.message().trim_end().to_owned();
            // A `todo!()` is not a counterexample: say what is missing, plainly.
            if is_todo(&reason) {
                return Err(reason);
            }
            let first_line = |r: &str| r.lines().next().unwrap_or("").to_owned();
            let again: Vec<Outcome> = (0..RERUNS).map(|_| case(&minimal)).collect();
            let same = again
                .iter()
                .filter(|o| matches!(o, Err(r) if first_line(r) == first_line(&reason)))
                .count();
            let steps = render(&minimal);
            if same < RERUNS {
                return Err(format!(
                    "{reason}\n\
                     This failure is real, but it does not happen every time: the same sequence, \
                     run {RERUNS} times more, failed this way {same} times. What your code does \
                     depends on something besides the operations: most often a per-instance \
                     RandomState (the hash, and so which entry a HashMap lists first or which \
                     shard a key lands in, changes from run to run), or time, or threads. That is \
                     fine where the specification leaves a choice (which shard a key goes to), \
                     not where it does not (which entry to evict). Because the outcome changes \
                     from run to run, the sequence could not be shrunk and --seed may not replay \
                     it. To debug it, use a fixed hasher for a while (for example \
                     BuildHasherDefault<DefaultHasher>) so that failures replay.\n\
                     the sequence that failed first ({} lines, not minimal):\n{}",
                    steps.lines().count(),
                    indent(&steps)
                ));
            }
            Err(format!(
                "{reason}\nminimal failing sequence:\n{}",
                indent(&steps)
            ))
        }
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
