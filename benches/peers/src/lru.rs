//! Peers of the `lru` kata: the `lru`, `schnellru` and `quick_cache` crates behind
//! [`kata_core::lru::Cache`].
//!
//! None of these crates has a sharded, thread-safe cache of the kata's shape, so a peer's family
//! ([`Family`]) pairs the peer's single-threaded cache with the *reference's* sharded cache, the
//! way the repository's mutants pair one wrong type with the reference's others. The suite's
//! sharded checks therefore grade the reference, not the peer: a peer's verdict is about its
//! [`Cache`] alone.

use std::hash::Hash;
use std::marker::PhantomData;

use kata_core::lru::Cache;
use kata_suites::lru::LruFamily;

use crate::Peer;

pub mod lru_cache;
pub mod quick_cache;
pub mod schnellru;

pub use self::lru_cache::{LruCrate, LruCrateCache};
pub use self::quick_cache::{QuickCache, QuickCacheUnsync};
pub use self::schnellru::{Schnellru, SchnellruCache};

kata_suites::lru_family!(
    /// The reference `lru`: the yardstick the suite grades a peer against, and the sharded cache
    /// the peers' families borrow.
    Reference => lru_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`].
///
/// Not generic, on purpose: every instantiation of the suite and of the reference that grading
/// needs is compiled here, in this crate. A bench binary that graded in its own code would hold
/// the reference's operations at many more call sites than the learner's, and the optimiser,
/// which inlines a function with one caller more readily, made the reference's hot loop 11 %
/// longer in instructions than the same source compiled as the learner's crate (measured: 102
/// against 91 instructions per `read-heavy` operation).
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_lru;
    Some(match name {
        "lru" => grade_lru::<LruCrateFamily<Reference>, Reference>(seed),
        "schnellru" => grade_lru::<SchnellruFamily<Reference>, Reference>(seed),
        "quick_cache" => grade_lru::<QuickCacheFamily<Reference>, Reference>(seed),
        _ => return None,
    })
}

/// The `lru` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "lru",
        krate: "lru",
        version: "0.19",
        design: "a hash map of heap-allocated nodes on an intrusive doubly linked list; exact LRU",
        difference: None,
    },
    Peer {
        name: "schnellru",
        krate: "schnellru",
        version: "0.2",
        design: "one open-addressing table whose buckets are linked into a recency list by u32 \
                 index; exact LRU, bounded by a pluggable limiter (here by length)",
        difference: None,
    },
    Peer {
        name: "quick_cache",
        krate: "quick_cache",
        version: "0.7",
        design: "a Clock-PRO / S3-FIFO-like policy: hot and cold queues with reference counters \
                 and ghost entries for recently evicted keys",
        difference: Some(
            "quick_cache is not an LRU but a Clock-PRO / S3-FIFO-like cache: a new key that finds \
             the hot section full waits in a small cold queue and is the first to be evicted, so a \
             full cache can evict the entry put last instead of the least recently used one.",
        ),
    },
];

/// Supplies a single-threaded cache type: one peer's [`Cache`].
pub trait CacheMaker: 'static {
    /// The cache type.
    type Cache<K: Hash + Eq + Clone, V>: Cache<K, V>;
}

/// The family of a peer: `M`'s cache and the reference `R`'s sharded cache (see the module
/// documentation: the sharded checks grade `R`).
pub struct Family<M, R>(PhantomData<(M, R)>);

impl<M: CacheMaker, R: LruFamily> LruFamily for Family<M, R> {
    type Cache<K: Hash + Eq + Clone, V> = M::Cache<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = R::Sharded<K, V>;
}

/// The `lru` crate's family, with `R`'s sharded cache.
pub type LruCrateFamily<R> = Family<LruCrate, R>;
/// The `schnellru` crate's family, with `R`'s sharded cache.
pub type SchnellruFamily<R> = Family<Schnellru, R>;
/// The `quick_cache` crate's family, with `R`'s sharded cache.
pub type QuickCacheFamily<R> = Family<QuickCache, R>;
