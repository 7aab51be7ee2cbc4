//! Peers of the `lfu` kata: `lfu_cache` behind [`kata_core::lfu::Cache`], and `moka` and
//! `quick_cache` behind [`kata_core::lfu::ForgetfulCache`]; and their hit ratios beside the
//! reference's on the quality stage's traces ([`hit_ratios`]).
//!
//! Each peer is put in the slot of the kata it claims: `lfu_cache` is an exact LFU, so it is
//! graded as the exact [`Cache`]; moka (TinyLFU admission in front of an LRU) and quick_cache
//! (Clock-PRO / S3-FIFO-like) forget by design, so they are graded as the [`ForgetfulCache`],
//! whose contract leaves the choice of victim to the policy. None of them has a sharded cache of
//! the kata's shape (moka is concurrent, but one cache, not shards of exact LFUs), so a peer's
//! family ([`ExactPeer`], [`ForgetfulPeer`]) fills the other slots with the *reference's* types,
//! the way the repository's mutants pair one wrong type with the reference's others: a peer's
//! verdict is about its own type alone.

use std::hash::Hash;
use std::marker::PhantomData;

use kata_core::lfu::{Cache, ForgetfulCache};
use kata_suites::lfu::quality::CAPACITY;
use kata_suites::lfu::LfuFamily;

use crate::Peer;

pub mod lfu_cache;
pub mod moka;
pub mod quick_cache;

pub use self::lfu_cache::{LfuCrate, LfuCrateCache};
pub use self::moka::{Moka, MokaForgetful};
pub use self::quick_cache::{QuickCache, QuickCacheForgetful};

kata_suites::lfu_family!(
    /// The reference `lfu`: the yardstick the suite grades a peer against, and the types the
    /// peers' families borrow.
    Reference => lfu_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`].
///
/// Not generic, on purpose, as `kata_peers::lru::verdict`: every instantiation of the suite and
/// of the reference that grading needs is compiled here, not beside the bench's timed loops.
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_lfu;
    Some(match name {
        "lfu_cache" => grade_lfu::<LfuCrateFamily<Reference>, Reference>(seed),
        "moka" => grade_lfu::<MokaFamily<Reference>, Reference>(seed),
        "quick_cache" => grade_lfu::<QuickCacheFamily<Reference>, Reference>(seed),
        _ => return None,
    })
}

/// The `lfu` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "lfu_cache",
        krate: "lfu_cache",
        version: "1.3",
        design: "an exact LFU on frequency buckets (a linked list of counts, each with a list of \
                 its entries) and a hash map of heap-allocated entries, with raw pointers",
        difference: Some(LFU_CACHE_DIFFERENCE),
    },
    Peer {
        name: "moka",
        krate: "moka",
        version: "0.12",
        design: "a concurrent cache: TinyLFU admission (a count-min sketch, halved periodically) \
                 in front of an LRU, maintenance batched and run lazily; graded as the cache \
                 that forgets",
        difference: None,
    },
    Peer {
        name: "quick_cache",
        krate: "quick_cache",
        version: "0.7",
        design: "a Clock-PRO / S3-FIFO-like policy: a small queue for newcomers, a main one with \
                 reference bits, ghost entries for keys recently evicted; graded as the cache \
                 that forgets",
        difference: Some(QUICK_CACHE_DIFFERENCE),
    },
];

/// How `lfu_cache` differs from the kata's exact LFU.
const LFU_CACHE_DIFFERENCE: &str =
    "lfu_cache is an exact LFU, but it cannot tell one key's count: it keeps the counts and has \
     no call that reads one (the adapter's frequency panics for a key it holds), and it has no \
     lookup that leaves the count alone (the adapter's peek walks every entry: right, but O(n)). \
     Its policy differs on ties: when several entries share the lowest count it evicts the one \
     that reached it last (the most recently used), where the kata evicts the least recently \
     used; and its own insert of a present key resets the count (the adapter replaces through \
     get_mut, which counts the use as the kata's put does).";

/// How `quick_cache` differs from the kata's contract of a cache that forgets.
const QUICK_CACHE_DIFFERENCE: &str =
    "quick_cache forgets by design (a Clock-PRO / S3-FIFO-like policy, which the contract of a \
     cache that forgets allows), but one put of a new key into a full cache can push out two \
     entries at once (an old one, and the newcomer or another recent one), leaving the cache \
     below its capacity: put can hand back only one of them, so the other leaves unannounced, \
     where the kata's contract lets nothing leave but what put returns or remove takes.";

/// Supplies an exact LFU cache type: one peer's [`Cache`].
pub trait CacheMaker: 'static {
    /// The cache type.
    type Cache<K: Hash + Eq + Clone, V>: Cache<K, V>;
}

/// Supplies a cache type that forgets: one peer's [`ForgetfulCache`].
pub trait ForgetfulMaker: 'static {
    /// The cache type.
    type Forgetful<K: Hash + Eq + Clone, V>: ForgetfulCache<K, V>;
}

/// The family of a peer graded as the exact LFU: `M`'s cache, and the reference `R`'s cache that
/// forgets and sharded cache (see the module documentation).
pub struct ExactPeer<M, R>(PhantomData<(M, R)>);

impl<M: CacheMaker, R: LfuFamily> LfuFamily for ExactPeer<M, R> {
    type Cache<K: Hash + Eq + Clone, V> = M::Cache<K, V>;
    type Forgetful<K: Hash + Eq + Clone, V> = R::Forgetful<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = R::Sharded<K, V>;
}

/// The family of a peer graded as the cache that forgets: `M`'s cache that forgets, and the
/// reference `R`'s exact and sharded caches (see the module documentation).
pub struct ForgetfulPeer<M, R>(PhantomData<(M, R)>);

impl<M: ForgetfulMaker, R: LfuFamily> LfuFamily for ForgetfulPeer<M, R> {
    type Cache<K: Hash + Eq + Clone, V> = R::Cache<K, V>;
    type Forgetful<K: Hash + Eq + Clone, V> = M::Forgetful<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = R::Sharded<K, V>;
}

/// The `lfu_cache` crate's family, with `R`'s other types.
pub type LfuCrateFamily<R> = ExactPeer<LfuCrate, R>;
/// The `moka` crate's family, with `R`'s other types.
pub type MokaFamily<R> = ForgetfulPeer<Moka, R>;
/// The `quick_cache` crate's family, with `R`'s other types.
pub type QuickCacheFamily<R> = ForgetfulPeer<QuickCache, R>;

/// One cache's hit ratios on the quality stage's traces
/// (`kata_suites::lfu::quality`: cache-aside traffic on caches of
/// [`CAPACITY`] entries).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HitRatios {
    /// The cache, as the table names it.
    pub name: &'static str,
    /// On the Zipf trace.
    pub zipf: f64,
    /// On the scan-polluted trace, over its Zipf requests.
    pub scan: f64,
    /// On the shifting trace.
    pub shift: f64,
    /// On the shifting trace's second half, after the popular keys changed.
    pub shift_second: f64,
}

/// The names of [`hit_ratios`]'s rows, in order.
pub const HIT_RATIO_ROWS: [&str; 7] = [
    "LRU (model)",
    "LFU (model)",
    "reference LfuCache",
    "reference ForgetfulLfuCache",
    "lfu_cache",
    "moka",
    "quick_cache",
];

/// The hit ratios of exact LRU and LFU (the quality stage's models), the reference's exact and
/// forgetting caches, and the three peers, on the quality stage's traces under grading seed
/// `seed`, rows named as [`HIT_RATIO_ROWS`]. Every cache runs the same cache-aside traffic: `get`,
/// and `put` on a miss.
pub fn hit_ratios(seed: u64) -> Vec<HitRatios> {
    type Exact = <Reference as LfuFamily>::Cache<u32, u32>;
    type Forgetful = <Reference as LfuFamily>::Forgetful<u32, u32>;
    let caches: [TraceHits; 5] = [
        exact_hits::<Exact>,
        forgetful_hits::<Forgetful>,
        exact_hits::<LfuCrateCache<u32, u32>>,
        forgetful_hits::<MokaForgetful<u32, u32>>,
        forgetful_hits::<QuickCacheForgetful<u32, u32>>,
    ];
    let rows = kata_suites::lfu::quality::hit_ratios(seed, caches.len(), |i, t| caches[i](t));
    HIT_RATIO_ROWS
        .iter()
        .zip(rows)
        .map(|(&name, [zipf, scan, shift, shift_second])| HitRatios {
            name,
            zipf,
            scan,
            shift,
            shift_second,
        })
        .collect()
}

/// Runs cache-aside traffic over a trace: whether each request hit.
type TraceHits = fn(&[u32]) -> Vec<bool>;

/// Cache-aside traffic on an exact cache of [`CAPACITY`]: whether each request hit.
fn exact_hits<C: Cache<u32, u32>>(trace: &[u32]) -> Vec<bool> {
    let mut cache = C::with_capacity(CAPACITY).expect("a capacity above 0");
    trace
        .iter()
        .map(|&k| {
            let hit = cache.get(&k).is_some();
            if !hit {
                cache.put(k, k);
            }
            hit
        })
        .collect()
}

/// Cache-aside traffic on a cache that forgets, of [`CAPACITY`]: whether each request hit.
fn forgetful_hits<C: ForgetfulCache<u32, u32>>(trace: &[u32]) -> Vec<bool> {
    let mut cache = C::with_capacity(CAPACITY).expect("a capacity above 0");
    trace
        .iter()
        .map(|&k| {
            let hit = cache.get(&k).is_some();
            if !hit {
                cache.put(k, k);
            }
            hit
        })
        .collect()
}
