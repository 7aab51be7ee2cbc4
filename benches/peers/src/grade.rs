//! In-process grading of a peer: the suite's `examples` and then `properties` stages, run on a
//! family in this process, summarised as a [`Verdict`].
//!
//! This is the same suite `cargo kata check` runs, minus the child process: a peer is a
//! well-behaved crate, so there is no crash to survive. Only the two correctness stages run; the
//! concurrency, quality and complexity stages are the benches' business. Grading stops at the
//! first stage that fails, and the verdict names that stage, the first failing check in it and a
//! short form of its message, short enough for a note under a bench table.

use std::fmt;
use std::panic;

use kata_core::catalogue::Stage;
use kata_suites::bloom_filter::BloomFilterFamily;
use kata_suites::check::install_panic_hook;
use kata_suites::consistent_hashing::ConsistentHashingFamily;
use kata_suites::count_min_sketch::CountMinSketchFamily;
use kata_suites::leaky_bucket::LeakyBucketFamily;
use kata_suites::lfu::LfuFamily;
use kata_suites::lru::LruFamily;
use kata_suites::merkle_tree::MerkleTreeFamily;
use kata_suites::order_book::OrderBookFamily;
use kata_suites::report::{Event, Reporter};
use kata_suites::sliding_window::SlidingWindowFamily;
use kata_suites::snowflake::SnowflakeFamily;
use kata_suites::token_bucket::TokenBucketFamily;
use kata_suites::trie::TrieFamily;
use kata_suites::vector_clock::VectorClockFamily;
use kata_suites::Ctx;

/// The stages a peer is graded on, in order.
pub const STAGES: [Stage; 2] = [Stage::Examples, Stage::Properties];

/// The most lines a [`Failure::message`] keeps.
pub const NOTE_LINES: usize = 3;

/// The most characters a line of a [`Failure::message`] keeps.
pub const NOTE_LINE_CHARS: usize = 200;

/// The outcome of grading a peer on [`STAGES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every check of every stage passed.
    Passed,
    /// A stage failed; grading stopped there.
    Failed(Failure),
}

impl Verdict {
    /// Whether every stage passed.
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Passed)
    }

    /// The failure, if a stage failed.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Verdict::Passed => None,
            Verdict::Failed(failure) => Some(failure),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Passed => f.write_str("passes examples and properties"),
            Verdict::Failed(failure) => write!(f, "{failure}"),
        }
    }
}

/// The first failing check of the first failing stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The stage that failed.
    pub stage: Stage,
    /// The failing check's name (or the failed measurement's name).
    pub check: String,
    /// The check's message, shortened for a table note: at most [`NOTE_LINES`] lines of at most
    /// [`NOTE_LINE_CHARS`] characters. For a property, the reason comes first and the minimal
    /// failing sequence after it, on one line.
    pub message: String,
    /// The check's whole message, as `cargo kata check` would print it.
    pub full_message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fails {}: \"{}\": {}",
            self.stage, self.check, self.message
        )
    }
}

/// Grades an `lru` family `F` (with `R` as the reference the suite compares against).
pub fn grade_lru<F: LruFamily, R: LruFamily>(seed: u64) -> Verdict {
    // Only the stages of `STAGES` are compiled for a peer (`kata_suites::grade!`).
    grade(seed, |stage, ctx| {
        kata_suites::grade!(lru, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades an `lfu` family `F` (with `R` as the reference the suite compares against).
pub fn grade_lfu<F: LfuFamily, R: LfuFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(lfu, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `token-bucket` family `F` (with `R` as the reference the suite compares against).
pub fn grade_token_bucket<F: TokenBucketFamily, R: TokenBucketFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(token_bucket, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `leaky-bucket` family `F` (with `R` as the reference the suite compares against).
pub fn grade_leaky_bucket<F: LeakyBucketFamily, R: LeakyBucketFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(leaky_bucket, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `sliding-window` family `F` (with `R` as the reference the suite compares against).
pub fn grade_sliding_window<F: SlidingWindowFamily, R: SlidingWindowFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(sliding_window, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `bloom-filter` family `F` (with `R` as the reference the suite compares against).
pub fn grade_bloom_filter<F: BloomFilterFamily, R: BloomFilterFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(bloom_filter, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `count-min-sketch` family `F` (with `R` as the reference the suite compares
/// against).
pub fn grade_count_min_sketch<F: CountMinSketchFamily, R: CountMinSketchFamily>(
    seed: u64,
) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(count_min_sketch, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `consistent-hashing` family `F` (with `R` as the reference the suite compares
/// against).
pub fn grade_consistent_hashing<F: ConsistentHashingFamily, R: ConsistentHashingFamily>(
    seed: u64,
) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(consistent_hashing, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `trie` family `F` (with `R` as the reference the suite compares against).
pub fn grade_trie<F: TrieFamily, R: TrieFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(trie, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `snowflake` family `F` (with `R` as the reference the suite compares against).
pub fn grade_snowflake<F: SnowflakeFamily, R: SnowflakeFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(snowflake, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `vector-clock` family `F` (with `R` as the reference the suite compares against).
pub fn grade_vector_clock<F: VectorClockFamily, R: VectorClockFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(vector_clock, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades a `merkle-tree` family `F` (with `R` as the reference the suite compares against).
pub fn grade_merkle_tree<F: MerkleTreeFamily, R: MerkleTreeFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(merkle_tree, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Grades an `order-book` family `F` (with `R` as the reference the suite compares against).
pub fn grade_order_book<F: OrderBookFamily, R: OrderBookFamily>(seed: u64) -> Verdict {
    grade(seed, |stage, ctx| {
        kata_suites::grade!(order_book, F, R, stage, ctx, [examples, properties])
            .expect("STAGES are examples and properties")
    })
}

/// Runs [`STAGES`] in order through `run` (a suite's `run` function with its families chosen),
/// each in a fresh in-memory context seeded with `seed`, and stops at the first that fails.
///
/// While it runs, the suite's panic hook (which records a panic for the check that catches it
/// instead of printing it) replaces the process's; the previous hook is put back afterwards. The
/// hook is process-wide, so gradings on several threads at once may leave the suite's in place.
pub fn grade(seed: u64, mut run: impl FnMut(Stage, &mut Ctx)) -> Verdict {
    let previous = panic::take_hook();
    install_panic_hook();
    let mut verdict = Verdict::Passed;
    for stage in STAGES {
        let mut ctx = Ctx::new(Reporter::in_memory(), seed);
        run(stage, &mut ctx);
        if let Some(failure) = first_failure(stage, &ctx) {
            verdict = Verdict::Failed(failure);
            break;
        }
    }
    panic::set_hook(previous);
    verdict
}

/// The first failed check or measurement recorded in `ctx`, or a failure when the stage ran no
/// check at all (a run of zero checks proves nothing).
fn first_failure(stage: Stage, ctx: &Ctx) -> Option<Failure> {
    let failed = |check: &str, message: String| Failure {
        stage,
        check: check.to_owned(),
        message: shorten(&message),
        full_message: message,
    };
    for event in ctx.events() {
        match event {
            Event::CheckEnd {
                name,
                passed: false,
                message,
                ..
            } => return Some(failed(name, message.clone())),
            Event::Measurement(m) if !m.passed => {
                let message = format!("measured {} {}, expected {}", m.value, m.unit, m.threshold);
                return Some(failed(&m.name, message));
            }
            _ => {}
        }
    }
    if ctx.checks_run() == 0 {
        return Some(failed("(none)", "the stage ran no checks".to_owned()));
    }
    // A failure counted but not found among the events would be a suite bug; say so.
    (!ctx.passed()).then(|| failed("(unknown)", "a check failed without an event".to_owned()))
}

/// Shortens a check's message for a table note; see [`Failure::message`].
pub fn shorten(message: &str) -> String {
    // `check_model`'s layout: the reason, a header line (`minimal failing sequence:`, or `the
    // sequence that failed first ...:` when it did not shrink), the sequence indented by four
    // spaces, then the replay hint. The reason comes first whichever order the message has, and
    // the sequence is folded onto one line under its header's words.
    let mut lines: Vec<String> = Vec::new();
    let mut sequences: Vec<(String, Vec<&str>)> = Vec::new();
    for l in message.lines() {
        let header = l.trim_end();
        if header.starts_with("minimal failing sequence")
            || header.starts_with("the sequence that failed first")
        {
            sequences.push((header.trim_end_matches(':').to_owned(), Vec::new()));
        } else if let (Some((_, steps)), true) = (sequences.last_mut(), l.starts_with("    ")) {
            steps.push(l.trim());
        } else if !l.starts_with("(replay it with") {
            lines.push(l.to_owned());
        }
    }
    for (header, steps) in sequences {
        lines.push(format!("{header}: {}", steps.join(" ")));
    }
    lines
        .iter()
        .map(|l| l.trim_end())
        .filter(|l| !l.is_empty())
        .take(NOTE_LINES)
        .map(|l| {
            if l.chars().count() > NOTE_LINE_CHARS {
                let cut: String = l.chars().take(NOTE_LINE_CHARS - 1).collect();
                format!("{cut}…")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
