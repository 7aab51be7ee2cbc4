//! Known-wrong implementations ("mutants") of each kata, kept to prove that the grader grades.
//!
//! Each mutant is wrong in one way a learner might plausibly be: a cache whose `get` forgets to
//! refresh recency, an O(n) cache that is otherwise perfect, a bucket that never caps its tokens, a
//! lock-free bucket that checks and then acts in two steps. The repository's tests
//! (`tests/mutants_rejected.rs`) run every stage named in [`lru::MUTANTS`] and
//! [`token_bucket::MUTANTS`] against its mutants through `cargo kata` and assert that the stage
//! fails, and, for a mutant meant to slip past the earlier stages, that those pass.
//!
//! A mutant is a family of types like any implementation, mixing one wrong type with the
//! reference's others, so each mutant isolates one mistake.

pub mod alternatives;
pub mod bloom_filter;
pub mod consistent_hashing;
pub mod count_min_sketch;
pub mod leaky_bucket;
pub mod lfu;
pub mod lru;
pub mod merkle_tree;
pub mod order_book;
pub mod sliding_window;
pub mod snowflake;
pub mod token_bucket;
pub mod trie;
pub mod vector_clock;

/// The mutants of kata `kata` (its name in the catalogue), or `None` for a kata that has none
/// yet: the one place the repository's tests find them.
pub fn of(kata: &str) -> Option<&'static [Mutant]> {
    Some(match kata {
        "lru" => lru::MUTANTS,
        "lfu" => lfu::MUTANTS,
        "token-bucket" => token_bucket::MUTANTS,
        "leaky-bucket" => leaky_bucket::MUTANTS,
        "sliding-window" => sliding_window::MUTANTS,
        "bloom-filter" => bloom_filter::MUTANTS,
        "count-min-sketch" => count_min_sketch::MUTANTS,
        "consistent-hashing" => consistent_hashing::MUTANTS,
        "trie" => trie::MUTANTS,
        "snowflake" => snowflake::MUTANTS,
        "vector-clock" => vector_clock::MUTANTS,
        "merkle-tree" => merkle_tree::MUTANTS,
        "order-book" => order_book::MUTANTS,
        _ => return None,
    })
}

/// One known-wrong implementation and what must catch it.
#[derive(Debug, Clone, Copy)]
pub struct Mutant {
    /// Its name, as in `--mutant NAME`.
    pub name: &'static str,
    /// The mistake it makes.
    pub mistake: &'static str,
    /// Stages that must reject it.
    pub rejected_by: &'static [&'static str],
    /// Stages it must pass (it is wrong only in a way the later stages see).
    pub passes: &'static [&'static str],
    /// For a mutant the complexity stage rejects: the one series of that stage it is slow in.
    /// The repository's tests grade it on that series alone (`KATA_COMPLEXITY_SERIES`), which is
    /// what keeps the heavy tier's cost per kata flat as katas add series.
    pub slow_in: Option<&'static str>,
}

#[doc(hidden)]
#[macro_export]
macro_rules! __slow_in {
    () => {
        ::std::option::Option::None
    };
    ($series:literal) => {
        ::std::option::Option::Some($series)
    };
}

/// Declares a kata's mutants once: the table `MUTANTS` ([`Mutant`]s, what the repository's tests
/// read) and `run_listed`, which grades a mutant of the table on the stages its entry names
/// (`rejected_by` and `passes`) and on no other: through [`kata_suites::grade!`], the suite is
/// compiled for each mutant only on those stages, which keeps the mutants' runner, built for
/// every kata at once, quick to build. `run_listed` returns `None` for a name not in the table,
/// so that a kata's `run` can add the mutants graded otherwise (the crashers, the alternative).
///
/// The generic parameter named after `reference` is the reference family, which the mutants'
/// types may use for the parts they do not get wrong.
#[macro_export]
macro_rules! mutants {
    (
        kata $kata:literal, suite $suite:ident, reference $r:ident: $family:path;
        $(
            $name:literal => $f:ty {
                mistake: $mistake:expr,
                rejected_by: [$($rejected:ident),+ $(,)?],
                $(slow_in: $slow:literal,)?
                passes: [$($passed:ident),* $(,)?] $(,)?
            }
        )+
    ) => {
        /// The mutants of this kata, with the stages that must reject them and those they must
        /// pass.
        pub const MUTANTS: &[$crate::Mutant] = &[$(
            $crate::Mutant {
                name: $name,
                mistake: $mistake,
                rejected_by: &[$(::std::stringify!($rejected)),+],
                passes: &[$(::std::stringify!($passed)),*],
                slow_in: $crate::__slow_in!($($slow)?),
            },
        )+];

        /// Grades `stage` on the mutant of [`MUTANTS`] named `name`, with `R` as the reference:
        /// `None` when no mutant of the table has that name, an error when the stage is not one
        /// its entry names.
        pub fn run_listed<$r: $family>(
            name: &str,
            stage: ::kata_core::catalogue::Stage,
            ctx: &mut ::kata_suites::Ctx,
        ) -> ::std::option::Option<::std::result::Result<(), ::std::string::String>> {
            ::std::option::Option::Some(match name {
                $(
                    $name => ::kata_suites::grade!(
                        $suite, $f, $r, stage, ctx, [$($rejected,)+ $($passed),*]
                    )
                    .map_err(|e| ::std::format!("{} mutant `{name}`: {e}", $kata)),
                )+
                _ => return ::std::option::Option::None,
            })
        }
    };
}
