//! The graded suite of the `lru` kata.
//!
//! Written once against [`kata_core::lru::Cache`] and [`kata_core::lru::ConcurrentCache`], and
//! run against whichever [`LruFamily`] the runner plugs in: the learner's crate, the reference,
//! a peer crate, or one of the repository's known-wrong implementations.

use std::hash::Hash;

use kata_core::catalogue::Stage;
use kata_core::lru::{Cache, ConcurrentCache};

use crate::Ctx;

pub mod complexity;
pub use complexity::COUNTED as COMPLEXITY_COUNTED;
pub use complexity::SERIES as COMPLEXITY_SERIES;
pub mod concurrency;
pub mod examples;
pub mod properties;
pub mod quality;
pub mod workloads;

/// The types one implementation of the kata provides.
pub trait LruFamily: 'static {
    /// The single-threaded exact LRU cache.
    type Cache<K: Hash + Eq + Clone, V>: Cache<K, V>;
    /// The thread-safe sharded cache.
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send>: ConcurrentCache<K, V>;
}

/// Declares a unit struct implementing [`LruFamily`] with the `LruCache` and `ShardedLruCache`
/// types of crate `$krate`. Using the same macro for the learner's crate and the reference is what
/// makes the compiler prove that they expose the same API.
#[macro_export]
macro_rules! lru_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::lru::LruFamily for $name {
            type Cache<K: ::std::hash::Hash + Eq + Clone, V> = $krate::LruCache<K, V>;
            type Sharded<K: ::std::hash::Hash + Eq + Clone + Send, V: Clone + Send> =
                $krate::ShardedLruCache<K, V>;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: LruFamily, R: LruFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(lru, F, R, stage, ctx, all).expect("all is every stage");
}
