//! The graded suite of the `bloom-filter` kata.
//!
//! Written once against [`kata_core::bloom_filter::Filter`] and
//! [`kata_core::bloom_filter::ConcurrentFilter`], run against whichever [`BloomFilterFamily`] the
//! runner plugs in. The three types are driven through one interface ([`subject::Subject`]), so
//! that a scenario is written once and run on each; every figure the quality stage prints beside
//! a measurement comes from [`formulas`].

use kata_core::bloom_filter::{ConcurrentFilter, Filter};
use kata_core::catalogue::Stage;

use crate::Ctx;

pub mod complexity;
pub use complexity::COUNTED as COMPLEXITY_COUNTED;
pub use complexity::SERIES as COMPLEXITY_SERIES;
pub mod concurrency;
pub mod examples;
pub mod formulas;
pub mod properties;
pub mod quality;
pub mod subject;
#[cfg(all(test, not(kata_loom)))]
mod tiny;
pub mod workloads;

/// The types one implementation of the kata provides.
pub trait BloomFilterFamily: 'static {
    /// The standard filter: an item's bits anywhere in the `m`.
    type Standard: Filter + Send + Sync + 'static;
    /// The blocked filter: an item's bits in one 512-bit block.
    type Blocked: Filter + Send + Sync + 'static;
    /// The standard filter shared by threads, on atomic words.
    type Atomic: ConcurrentFilter + 'static;
}

/// Declares a unit struct implementing [`BloomFilterFamily`] with the `BloomFilter`,
/// `BlockedBloomFilter` and `AtomicBloomFilter` types of crate `$krate`.
#[macro_export]
macro_rules! bloom_filter_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::bloom_filter::BloomFilterFamily for $name {
            type Standard = $krate::BloomFilter;
            type Blocked = $krate::BlockedBloomFilter;
            type Atomic = $krate::AtomicBloomFilter;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: BloomFilterFamily, R: BloomFilterFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(bloom_filter, F, R, stage, ctx, all).expect("all is every stage");
}
