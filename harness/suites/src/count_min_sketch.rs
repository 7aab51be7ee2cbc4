//! The graded suite of the `count-min-sketch` kata.
//!
//! Written once against the traits of [`kata_core::count_min_sketch`], run against whichever
//! [`CountMinSketchFamily`] the runner plugs in. The suite's own yardsticks (the sizing rules, an
//! exact sketch, one interface over the three sketches) are in [`model`]; the streams the
//! complexity stage and the benches share are in [`workloads`].

use std::hash::Hash;

use kata_core::catalogue::Stage;
use kata_core::count_min_sketch::{ConcurrentSketch, Sketch, SpaceSavingTracker, TopKTracker};

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
pub trait CountMinSketchFamily: 'static {
    /// The plain sketch: an add raises every row's counter.
    type Plain: Sketch + Send + Sync + 'static;
    /// The conservative-update sketch.
    type Conservative: Sketch + Send + Sync + 'static;
    /// The plain sketch shared by threads, on atomic counters.
    type Atomic: ConcurrentSketch + 'static;
    /// Heavy hitters from a sketch and `k` candidates.
    type TopK<T: Hash + Eq + Clone + Ord, S: Sketch>: TopKTracker<T, S>;
    /// Heavy hitters by Space-Saving.
    type SpaceSaving<T: Hash + Eq + Clone + Ord>: SpaceSavingTracker<T>;
}

/// Declares a unit struct implementing [`CountMinSketchFamily`] with the `CountMinSketch`,
/// `ConservativeCountMinSketch`, `AtomicCountMinSketch`, `TopK` and `SpaceSaving` types of crate
/// `$krate`.
#[macro_export]
macro_rules! count_min_sketch_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::count_min_sketch::CountMinSketchFamily for $name {
            type Plain = $krate::CountMinSketch;
            type Conservative = $krate::ConservativeCountMinSketch;
            type Atomic = $krate::AtomicCountMinSketch;
            type TopK<
                T: ::std::hash::Hash + Eq + Clone + Ord,
                S: ::kata_core::count_min_sketch::Sketch,
            > = $krate::TopK<T, S>;
            type SpaceSaving<T: ::std::hash::Hash + Eq + Clone + Ord> = $krate::SpaceSaving<T>;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: CountMinSketchFamily, R: CountMinSketchFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(count_min_sketch, F, R, stage, ctx, all).expect("all is every stage");
}
