//! The graded suite of the `lfu` kata.
//!
//! Written once against [`kata_core::lfu::Cache`], [`kata_core::lfu::ForgetfulCache`] and
//! [`kata_core::lfu::ConcurrentCache`], and run against whichever [`LfuFamily`] the runner plugs
//! in: the learner's crate, the reference, a peer crate, or one of the repository's known-wrong
//! implementations.

use std::hash::Hash;

use kata_core::catalogue::Stage;
use kata_core::lfu::{Cache, ConcurrentCache, ForgetfulCache};

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
pub trait LfuFamily: 'static {
    /// The single-threaded exact LFU cache.
    type Cache<K: Hash + Eq + Clone, V>: Cache<K, V>;
    /// The cache that forgets (aging or W-TinyLFU: the learner's choice).
    type Forgetful<K: Hash + Eq + Clone, V>: ForgetfulCache<K, V>;
    /// The thread-safe sharded cache.
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send>: ConcurrentCache<K, V>;
}

/// Declares a unit struct implementing [`LfuFamily`] with the `LfuCache`, `ForgetfulLfuCache` and
/// `ShardedLfuCache` types of crate `$krate`. Using the same macro for the learner's crate and the
/// reference is what makes the compiler prove that they expose the same API.
#[macro_export]
macro_rules! lfu_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::lfu::LfuFamily for $name {
            type Cache<K: ::std::hash::Hash + Eq + Clone, V> = $krate::LfuCache<K, V>;
            type Forgetful<K: ::std::hash::Hash + Eq + Clone, V> = $krate::ForgetfulLfuCache<K, V>;
            type Sharded<K: ::std::hash::Hash + Eq + Clone + Send, V: Clone + Send> =
                $krate::ShardedLfuCache<K, V>;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: LfuFamily, R: LfuFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(lfu, F, R, stage, ctx, all).expect("all is every stage");
}
