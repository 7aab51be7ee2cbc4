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
//! - [`heap`]: a counting global allocator (installed by the runners) and the heap bytes a value
//!   holds, for the quality stages' memory figures;
//! - [`lru`], [`token_bucket`]: the suites;
//! - [`runner`]: the entry point the runner binary calls;
//! - [`bench`]: the summary the bench binaries write for `cargo kata bench`.

pub mod bench;
pub mod check;
pub mod heap;
pub mod measure;
pub mod model;
pub mod report;
pub mod runner;

/// Declares every kata's suite module, once, with its catalogue name, and derives from that one
/// list what the tools look up by name: a kata's bench workloads and its complexity series. Each
/// module provides `workloads::BENCH` (items with a `name`), `COMPLEXITY_SERIES` and
/// `COMPLEXITY_COUNTED` (the counted series among them, empty for a timed stage).
macro_rules! suites {
    ($($kata:literal => $module:ident),+ $(,)?) => {
        $(pub mod $module;)+

        /// The names of kata `kata`'s bench workloads (its `workloads::BENCH`), in order; `None`
        /// for a name that is not a kata.
        pub fn bench_workloads(kata: &str) -> Option<Vec<&'static str>> {
            match kata {
                $($kata => Some($module::workloads::BENCH.iter().map(|w| w.name).collect()),)+
                _ => None,
            }
        }

        /// The series kata `kata`'s complexity stage measures; `None` for a name that is not a
        /// kata.
        pub fn complexity_series(kata: &str) -> Option<&'static [&'static str]> {
            match kata {
                $($kata => Some($module::COMPLEXITY_SERIES),)+
                _ => None,
            }
        }

        /// The counted series of kata `kata`'s complexity stage ([`measure::counted`]): every
        /// series of a counted stage, none of a timed one; `None` for a name that is not a kata.
        pub fn complexity_counted(kata: &str) -> Option<&'static [measure::counted::Series]> {
            match kata {
                $($kata => Some($module::COMPLEXITY_COUNTED),)+
                _ => None,
            }
        }
    };
}

suites! {
    "lru" => lru,
    "lfu" => lfu,
    "token-bucket" => token_bucket,
    "leaky-bucket" => leaky_bucket,
    "sliding-window" => sliding_window,
    "bloom-filter" => bloom_filter,
    "count-min-sketch" => count_min_sketch,
    "consistent-hashing" => consistent_hashing,
    "trie" => trie,
    "snowflake" => snowflake,
    "vector-clock" => vector_clock,
    "merkle-tree" => merkle_tree,
    "order-book" => order_book,
}

pub use check::Ctx;

#[doc(hidden)]
pub use kata_core::catalogue::Stage as __Stage;

/// Grades stage `$stage` of kata `$kata`'s suite (a module of this crate: `lru`,
/// `token_bucket`) on family `$f`, with `$r` as the reference, compiling only the stages listed:
/// the stages left out are never instantiated for `$f`. Evaluates to `Result<(), String>`, an
/// `Err` naming the listed stages when `$stage` is not one of them.
///
/// This is what keeps the runners quick to build. A suite is generic code, compiled once per
/// family it grades; the mutants' runner grades dozens of families per kata, each only on the
/// stages that must reject it or that it must pass (`kata_mutants::mutants!`). And under
/// `--cfg kata_loom`, which builds a runner for the concurrency stage alone
/// ([`runner::main`] refuses the other stages there), only `concurrency` is compiled at all.
///
/// ```ignore
/// kata_suites::grade!(lru, MyFamily, Reference, stage, ctx, [examples, properties])
/// kata_suites::grade!(lru, MyFamily, Reference, stage, ctx, all) // the five stages
/// ```
#[macro_export]
macro_rules! grade {
    ($kata:ident, $f:ty, $r:ty, $stage:expr, $ctx:expr, all) => {
        $crate::grade!(
            $kata,
            $f,
            $r,
            $stage,
            $ctx,
            [examples, properties, concurrency, quality, complexity]
        )
    };
    ($kata:ident, $f:ty, $r:ty, $stage:expr, $ctx:expr, [$($s:ident),+ $(,)?]) => {{
        let stage: $crate::__Stage = $stage;
        let ctx: &mut $crate::Ctx = $ctx;
        match stage {
            $(
                $crate::grade!(@pattern $s) => {
                    $crate::grade!(@call $kata, $s, $f, $r, ctx);
                    ::std::result::Result::<(), ::std::string::String>::Ok(())
                }
            )+
            #[allow(unreachable_patterns)]
            other => ::std::result::Result::Err(::std::format!(
                "this implementation is graded on {} only, not on {}",
                ::std::stringify!($($s),+),
                other.name()
            )),
        }
    }};
    (@pattern examples) => { $crate::__Stage::Examples };
    (@pattern properties) => { $crate::__Stage::Properties };
    (@pattern concurrency) => { $crate::__Stage::Concurrency };
    (@pattern quality) => { $crate::__Stage::Quality };
    (@pattern complexity) => { $crate::__Stage::Complexity };
    (@call $kata:ident, concurrency, $f:ty, $r:ty, $ctx:ident) => {
        $crate::$kata::concurrency::run::<$f>($ctx)
    };
    (@call $kata:ident, complexity, $f:ty, $r:ty, $ctx:ident) => {{
        #[cfg(not(kata_loom))]
        $crate::$kata::complexity::run::<$f, $r>($ctx);
        #[cfg(kata_loom)]
        $crate::runner::loom_grades_concurrency_only();
    }};
    (@call $kata:ident, $s:ident, $f:ty, $r:ty, $ctx:ident) => {{
        #[cfg(not(kata_loom))]
        $crate::$kata::$s::run::<$f>($ctx);
        #[cfg(kata_loom)]
        $crate::runner::loom_grades_concurrency_only();
    }};
}
