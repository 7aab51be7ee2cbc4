//! The graded suites: one per kata, written once, generic over the kata's traits.
//!
//! The same code grades the learner's crate, the reference solution, peer crates and the
//! repository's known-wrong implementations: what differs is only the type plugged in (a
//! "family" trait per kata, such as [`lru::LruFamily`]). The runner binary (`harness/runner`)
//! picks the family, the CLI (`harness/cli`) runs the runner once per stage in a child process.
//!
//! - [`check`]: the small test framework: named checks, caught panics, measurements, tables,
//!   written as JSON lines through [`report`];
//! - [`model`]: model-based property testing on top of proptest, printing the minimal failing
//!   operation sequence and how to replay it;
//! - [`measure`]: workloads (Zipf, scans), timing and the log-log slope of the complexity stage;
//! - [`lru`], [`token_bucket`]: the suites;
//! - [`runner`]: the entry point the runner binary calls;
//! - [`bench`]: the summary the bench binaries write for `cargo kata bench`.

pub mod bench;
pub mod check;
pub mod lru;
pub mod measure;
pub mod model;
pub mod report;
pub mod runner;
pub mod token_bucket;

pub use check::Ctx;
