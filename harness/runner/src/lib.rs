//! The runner: links the implementations its features select to the graded suites.
//!
//! This is glue only. Each `*_family!` line names a crate's types; because the learner's crate
//! and the reference go through the same macro, the compiler proves they have the same API.
//!
//! There is one binary per feature (`src/bin/<feature>.rs`, each one line), so that runners built
//! for different katas never overwrite each other's executable, even when two `cargo kata` runs
//! build at once.

#![allow(unused_imports)]

use kata_core::catalogue::Stage;
use kata_suites::Ctx;

// The counting allocator (`kata_suites::heap`), for the quality stages' memory figures. It is
// declared here, in the library every runner binary links (each `src/bin/*.rs` is one call of
// `main`), so that every runner counts, the loom and mutants runners included, with one static.
// The benches do not link this crate and keep the system allocator: they time, and grade peers in
// process, where `kata_suites::heap::installed()` is false and the memory checks say they are
// skipped.
#[global_allocator]
static HEAP: kata_suites::heap::CountingAlloc = kata_suites::heap::CountingAlloc;

/// Declares, for each kata, the reference's and the learner's family (each behind its feature)
/// and the dispatch from `--kata` and `--impl` to the suite: one line per kata.
macro_rules! runner {
    ($(
        $kata:literal => $suite:ident, $family:ident:
            $reference:ident = $reference_crate:ident if $reference_feature:literal,
            $learner:ident = $learner_crate:ident if $learner_feature:literal,
            mutants if $mutants_feature:literal;
    )+) => {
        $(
            #[cfg(feature = $reference_feature)]
            kata_suites::$family!(
                #[doc = concat!("The reference `", $kata, "`.")]
                $reference => $reference_crate
            );
            #[cfg(feature = $learner_feature)]
            kata_suites::$family!(
                #[doc = concat!("The learner's `", $kata, "`.")]
                $learner => $learner_crate
            );
        )+

        fn dispatch(kata: &str, imp: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
            let _ = (stage, &ctx);
            match (kata, imp) {
                $(
                    #[cfg(feature = $learner_feature)]
                    ($kata, "learner") => {
                        kata_suites::$suite::run::<$learner, $reference>(stage, ctx);
                        Ok(())
                    }
                    #[cfg(feature = $reference_feature)]
                    ($kata, "solution") => {
                        kata_suites::$suite::run::<$reference, $reference>(stage, ctx);
                        Ok(())
                    }
                    #[cfg(feature = $mutants_feature)]
                    ($kata, imp) if imp.starts_with("mutant:") => {
                        kata_mutants::$suite::run::<$reference>(&imp["mutant:".len()..], stage, ctx)
                    }
                )+
                _ => Err(format!(
                    "this runner was not built with `{imp}` of kata `{kata}` (features: enable it)"
                )),
            }
        }
    };
}

runner! {
    "lru" => lru, lru_family:
        LruReference = lru_solution if "lru",
        LruLearner = lru_kata if "lru-learner",
        mutants if "lru-mutants";
    "lfu" => lfu, lfu_family:
        LfuReference = lfu_solution if "lfu",
        LfuLearner = lfu_kata if "lfu-learner",
        mutants if "lfu-mutants";
    "token-bucket" => token_bucket, token_bucket_family:
        TokenBucketReference = token_bucket_solution if "token-bucket",
        TokenBucketLearner = token_bucket_kata if "token-bucket-learner",
        mutants if "token-bucket-mutants";
    "leaky-bucket" => leaky_bucket, leaky_bucket_family:
        LeakyBucketReference = leaky_bucket_solution if "leaky-bucket",
        LeakyBucketLearner = leaky_bucket_kata if "leaky-bucket-learner",
        mutants if "leaky-bucket-mutants";
    "sliding-window" => sliding_window, sliding_window_family:
        SlidingWindowReference = sliding_window_solution if "sliding-window",
        SlidingWindowLearner = sliding_window_kata if "sliding-window-learner",
        mutants if "sliding-window-mutants";
    "bloom-filter" => bloom_filter, bloom_filter_family:
        BloomFilterReference = bloom_filter_solution if "bloom-filter",
        BloomFilterLearner = bloom_filter_kata if "bloom-filter-learner",
        mutants if "bloom-filter-mutants";
    "count-min-sketch" => count_min_sketch, count_min_sketch_family:
        CountMinSketchReference = count_min_sketch_solution if "count-min-sketch",
        CountMinSketchLearner = count_min_sketch_kata if "count-min-sketch-learner",
        mutants if "count-min-sketch-mutants";
    "consistent-hashing" => consistent_hashing, consistent_hashing_family:
        ConsistentHashingReference = consistent_hashing_solution if "consistent-hashing",
        ConsistentHashingLearner = consistent_hashing_kata if "consistent-hashing-learner",
        mutants if "consistent-hashing-mutants";
    "trie" => trie, trie_family:
        TrieReference = trie_solution if "trie",
        TrieLearner = trie_kata if "trie-learner",
        mutants if "trie-mutants";
    "snowflake" => snowflake, snowflake_family:
        SnowflakeReference = snowflake_solution if "snowflake",
        SnowflakeLearner = snowflake_kata if "snowflake-learner",
        mutants if "snowflake-mutants";
    "vector-clock" => vector_clock, vector_clock_family:
        VectorClockReference = vector_clock_solution if "vector-clock",
        VectorClockLearner = vector_clock_kata if "vector-clock-learner",
        mutants if "vector-clock-mutants";
    "merkle-tree" => merkle_tree, merkle_tree_family:
        MerkleTreeReference = merkle_tree_solution if "merkle-tree",
        MerkleTreeLearner = merkle_tree_kata if "merkle-tree-learner",
        mutants if "merkle-tree-mutants";
    "order-book" => order_book, order_book_family:
        OrderBookReference = order_book_solution if "order-book",
        OrderBookLearner = order_book_kata if "order-book-learner",
        mutants if "order-book-mutants";
}

/// The runner's entry point, for the binaries.
pub fn main() -> ! {
    kata_suites::runner::main(dispatch)
}
