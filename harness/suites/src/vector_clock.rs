//! The graded suite of the `vector-clock` kata.
//!
//! Written once against [`kata_core::vector_clock`]'s traits, run against whichever
//! [`VectorClockFamily`] the runner plugs in. The yardsticks, a `BTreeMap` clock, a store of
//! dotted versions and the happened-before relation of a message-passing history computed from
//! its event graph, are in [`model`]; the clocks the benches and the complexity stage share are
//! in [`workloads`].

use kata_core::catalogue::Stage;
use kata_core::vector_clock::{VectorClock, VersionedStore};

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
pub trait VectorClockFamily: 'static {
    /// The vector clock.
    type Clock: VectorClock + Send + Sync + 'static;
    /// The versions of one key, with contexts of [`VectorClockFamily::Clock`].
    type Store<V: Clone + Send + 'static>: VersionedStore<V, Clock = Self::Clock> + Send + 'static;
}

/// Declares a unit struct implementing [`VectorClockFamily`] with the `VClock` and `Store` types
/// of crate `$krate`.
#[macro_export]
macro_rules! vector_clock_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::vector_clock::VectorClockFamily for $name {
            type Clock = $krate::VClock;
            type Store<V: Clone + Send + 'static> = $krate::Store<V>;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: VectorClockFamily, R: VectorClockFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(vector_clock, F, R, stage, ctx, all).expect("all is every stage");
}
