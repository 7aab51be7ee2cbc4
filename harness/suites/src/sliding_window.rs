//! The graded suite of the `sliding-window` kata.
//!
//! Written once against [`kata_core::sliding_window::WindowLimiter`] and
//! [`kata_core::sliding_window::KeyedLimiter`], run against whichever [`SlidingWindowFamily`] the
//! runner plugs in. Time is always explicit, a [`kata_core::clock::ManualClock`], or the
//! workloads' [`workloads::OpClock`] (operation i at i × 10 ns), so every scenario is exact and
//! every contender of a bench sees the same mix of admitted and refused requests.

use std::hash::Hash;

use kata_core::catalogue::Stage;
use kata_core::clock::Clock;
use kata_core::sliding_window::{KeyedLimiter, WindowLimiter};

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
pub trait SlidingWindowFamily: 'static {
    /// The fixed-window limiter.
    type Fixed: WindowLimiter + Send + Sync + 'static;
    /// The sliding log: exact.
    type Log: WindowLimiter + Send + Sync + 'static;
    /// The sliding window counter: approximate, two counters.
    type Counter: WindowLimiter + Send + Sync + 'static;
    /// The thread-safe limiter with one window per key.
    type Keyed<K: Hash + Eq + Clone + Send + Sync, W: WindowLimiter + Send + Sync, C: Clock + Send + Sync>: KeyedLimiter<K, W, C>;
}

/// Declares a unit struct implementing [`SlidingWindowFamily`] with the `FixedWindow`,
/// `SlidingLog`, `SlidingCounter` and `Keyed` types of crate `$krate`.
#[macro_export]
macro_rules! sliding_window_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::sliding_window::SlidingWindowFamily for $name {
            type Fixed = $krate::FixedWindow;
            type Log = $krate::SlidingLog;
            type Counter = $krate::SlidingCounter;
            type Keyed<
                K: ::std::hash::Hash + Eq + Clone + Send + Sync,
                W: ::kata_core::sliding_window::WindowLimiter + Send + Sync,
                C: ::kata_core::clock::Clock + Send + Sync,
            > = $krate::Keyed<K, W, C>;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: SlidingWindowFamily, R: SlidingWindowFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(sliding_window, F, R, stage, ctx, all).expect("all is every stage");
}
