//! The graded suite of the `leaky-bucket` kata.
//!
//! Written once against [`kata_core::leaky_bucket::Shaper`] and
//! [`kata_core::leaky_bucket::ConcurrentShaper`], run against whichever [`LeakyBucketFamily`] the
//! runner plugs in. Time always comes from a [`kata_core::clock::ManualClock`], so every scenario
//! is exact; only the bench workloads of [`workloads`] read the real clock.

use kata_core::catalogue::Stage;
use kata_core::clock::Clock;
use kata_core::leaky_bucket::{ConcurrentShaper, Shaper};

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
pub trait LeakyBucketFamily: 'static {
    /// The single-threaded shaper.
    type Bucket<T, C: Clock>: Shaper<T, C>;
    /// The thread-safe (MPSC) shaper.
    type Concurrent<T: Send, C: Clock + Send + Sync>: ConcurrentShaper<T, C>;
}

/// Declares a unit struct implementing [`LeakyBucketFamily`] with the `LeakyBucket` and
/// `ConcurrentLeakyBucket` types of crate `$krate`.
#[macro_export]
macro_rules! leaky_bucket_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::leaky_bucket::LeakyBucketFamily for $name {
            type Bucket<T, C: ::kata_core::clock::Clock> = $krate::LeakyBucket<T, C>;
            type Concurrent<T: Send, C: ::kata_core::clock::Clock + Send + Sync> =
                $krate::ConcurrentLeakyBucket<T, C>;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: LeakyBucketFamily, R: LeakyBucketFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(leaky_bucket, F, R, stage, ctx, all).expect("all is every stage");
}
