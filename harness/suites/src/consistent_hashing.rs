//! The graded suite of the `consistent-hashing` kata.
//!
//! Written once against [`kata_core::consistent_hashing`]'s traits, run against whichever
//! [`ConsistentHashingFamily`] the runner plugs in. The six routers are driven through one
//! interface ([`subject::Subject`]), so that a scenario is written once and run on each; nothing
//! assumes which node a key goes to, only what every correct router promises.

use kata_core::catalogue::Stage;
use kata_core::consistent_hashing::{ConcurrentRouter, MaglevRouter, RingRouter, Router};

use crate::Ctx;

pub mod complexity;
pub use complexity::COUNTED as COMPLEXITY_COUNTED;
pub use complexity::SERIES as COMPLEXITY_SERIES;
pub mod concurrency;
pub mod examples;
pub mod properties;
pub mod quality;
pub mod subject;
#[cfg(test)]
mod tiny;
pub mod workloads;

/// The types one implementation of the kata provides.
pub trait ConsistentHashingFamily: 'static {
    /// Modulo hashing, the anti-example.
    type Modulo: Router + Send + Sync + 'static;
    /// The hash ring with virtual nodes.
    type Ring: RingRouter + Send + Sync + 'static;
    /// Jump consistent hash.
    type Jump: Router + Send + Sync + 'static;
    /// Rendezvous (highest random weight) hashing.
    type Rendezvous: Router + Send + Sync + 'static;
    /// Maglev hashing.
    type Maglev: MaglevRouter + Send + Sync + 'static;
    /// The ring shared by threads.
    type Shared: ConcurrentRouter + 'static;
}

/// Declares a unit struct implementing [`ConsistentHashingFamily`] with the `ModuloRouter`,
/// `Ring`, `Jump`, `Rendezvous`, `Maglev` and `SharedRing` types of crate `$krate`.
#[macro_export]
macro_rules! consistent_hashing_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::consistent_hashing::ConsistentHashingFamily for $name {
            type Modulo = $krate::ModuloRouter;
            type Ring = $krate::Ring;
            type Jump = $krate::Jump;
            type Rendezvous = $krate::Rendezvous;
            type Maglev = $krate::Maglev;
            type Shared = $krate::SharedRing;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: ConsistentHashingFamily, R: ConsistentHashingFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(consistent_hashing, F, R, stage, ctx, all).expect("all is every stage");
}
