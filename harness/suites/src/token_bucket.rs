//! The graded suite of the `token-bucket` kata.
//!
//! Written once against [`kata_core::token_bucket::RateLimiter`] and
//! [`kata_core::token_bucket::ConcurrentRateLimiter`], run against whichever
//! [`TokenBucketFamily`] the runner plugs in. Time always comes from a
//! [`kata_core::clock::ManualClock`], so every scenario is exact; only the bench workloads of
//! [`workloads`] read the real clock.

use kata_core::catalogue::Stage;
use kata_core::clock::Clock;
use kata_core::token_bucket::{ConcurrentRateLimiter, RateLimiter};

use crate::Ctx;

pub mod complexity;
pub use complexity::COUNTED as COMPLEXITY_COUNTED;
pub use complexity::SERIES as COMPLEXITY_SERIES;
pub mod concurrency;
pub mod examples;
pub mod model;
pub mod properties;
pub mod quality;
pub mod workloads;

/// The types one implementation of the kata provides.
pub trait TokenBucketFamily: 'static {
    /// The single-threaded bucket.
    type Bucket<C: Clock>: RateLimiter<C>;
    /// The lock-free thread-safe bucket.
    type Atomic<C: Clock + Send + Sync>: ConcurrentRateLimiter<C>;
}

/// Declares a unit struct implementing [`TokenBucketFamily`] with the `TokenBucket` and
/// `AtomicTokenBucket` types of crate `$krate`.
#[macro_export]
macro_rules! token_bucket_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::token_bucket::TokenBucketFamily for $name {
            type Bucket<C: ::kata_core::clock::Clock> = $krate::TokenBucket<C>;
            type Atomic<C: ::kata_core::clock::Clock + Send + Sync> = $krate::AtomicTokenBucket<C>;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: TokenBucketFamily, R: TokenBucketFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(token_bucket, F, R, stage, ctx, all).expect("all is every stage");
}
