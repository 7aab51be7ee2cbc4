//! The graded suite of the `snowflake` kata.
//!
//! Written once against [`kata_core::snowflake`]'s traits, run against whichever
//! [`SnowflakeFamily`] the runner plugs in. Time always comes from a manual clock set to a Unix
//! time ([`kata_core::clock::ManualClock`], or [`model::TickingClock`], which moves a step each
//! time it is read, so that `next_id` ends its wait without anyone sleeping); only the bench
//! workloads of [`workloads`] read the real clock. The yardstick, a generator and a base62 codec
//! written as plainly as possible, is [`model`].

use kata_core::catalogue::Stage;
use kata_core::clock::Clock;
use kata_core::snowflake::{ConcurrentIdGenerator, IdCodec, IdGenerator};

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
pub trait SnowflakeFamily: 'static {
    /// The single-threaded generator.
    type Generator<C: Clock>: IdGenerator<C>;
    /// The lock-free thread-safe generator.
    type Atomic<C: Clock + Send + Sync>: ConcurrentIdGenerator<C>;
    /// The base62 codec.
    type Codec: IdCodec;
}

/// Declares a unit struct implementing [`SnowflakeFamily`] with the `Snowflake`,
/// `AtomicSnowflake` and `Base62` types of crate `$krate`.
#[macro_export]
macro_rules! snowflake_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::snowflake::SnowflakeFamily for $name {
            type Generator<C: ::kata_core::clock::Clock> = $krate::Snowflake<C>;
            type Atomic<C: ::kata_core::clock::Clock + Send + Sync> = $krate::AtomicSnowflake<C>;
            type Codec = $krate::Base62;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: SnowflakeFamily, R: SnowflakeFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(snowflake, F, R, stage, ctx, all).expect("all is every stage");
}
