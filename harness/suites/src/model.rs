//! Model-based property testing: random operation sequences, checked step by step against a tiny,
//! obviously-correct model, shrunk to the shortest sequence that still fails.
//!
//! Built directly on proptest's `TestRunner` rather than its test macros, so that a failure comes
//! back as a value: the stage prints the minimal sequence as readable code plus the seed that
//! replays it, and none of proptest's intermediate output. Runs are deterministic for a given seed.

use std::fmt::Debug;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::check::{is_todo, Outcome};

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

/// Runs `test` on `cases` values of `strategy`. On failure, returns a message with the minimal
/// failing value rendered by `render`, the reason, and the seed to replay it with.
///
/// `test` returns `Err(reason)` on a failed step; a panic inside it counts as a failure too.
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
    let mut runner = runner(seed, cases);
    let result = runner.run(&strategy, |value| test(&value).map_err(TestCaseError::fail));
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Abort(why)) => Err(format!("the property run was aborted: {why}")),
        Err(TestError::Fail(reason, minimal)) => {
            let reason = reason.message().to_owned();
            // A `todo!()` is not a counterexample: say what is missing, plainly.
            if is_todo(&reason) {
                return Err(reason);
            }
            Err(format!(
                "minimal failing sequence:\n{}\n{}\n(replay it with --seed {seed})",
                indent(&render(&minimal)),
                reason.trim_end()
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
