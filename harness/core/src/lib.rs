//! What every kata shares, and nothing else.
//!
//! A kata crate (`katas/<name>`, the learner's) and its reference (`solutions/<name>`) both depend on
//! this crate and implement the same traits from it, so the graded suite in `kata-suites` can be
//! written once, generic over those traits, and run unchanged against either. This crate holds:
//!
//! - [`lru`], [`lfu`], [`token_bucket`], [`leaky_bucket`], [`sliding_window`],
//!   [`bloom_filter`], [`count_min_sketch`], [`consistent_hashing`], [`trie`], [`snowflake`],
//!   [`vector_clock`], [`merkle_tree`] and [`order_book`]: the API each kata implements, with the error types the suites match on;
//! - [`clock`]: time as an injected dependency, so time-based katas are deterministic under test;
//! - [`sync`]: the synchronisation primitives a kata must use for its thread-safe variant, which
//!   become [loom](https://docs.rs/loom)'s under `--cfg kata_loom`;
//! - [`catalogue`]: the list of katas, their stages and where each lives.
//!
//! Rule: this crate never depends on a kata, a solution or the suites.

pub mod bloom_filter;
pub mod catalogue;
pub mod clock;
pub mod consistent_hashing;
pub mod count_min_sketch;
pub mod leaky_bucket;
pub mod lfu;
pub mod lru;
pub mod merkle_tree;
pub mod order_book;
pub mod sliding_window;
pub mod snowflake;
pub mod sync;
pub mod token_bucket;
pub mod trie;
pub mod vector_clock;
