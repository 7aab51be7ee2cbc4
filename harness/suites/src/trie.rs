//! The graded suite of the `trie` kata.
//!
//! Written once against [`kata_core::trie`]'s traits, run against whichever [`TrieFamily`] the
//! runner plugs in. The four types are driven through one interface ([`subject::Subject`]), so
//! that a scenario is written once and run on each; the suite's yardstick, a map of terms with a
//! brute-force top k, is [`model`]; the vocabulary the quality stage and the benches share, and
//! the term sets of the complexity stage, are in [`workloads`].

use kata_core::catalogue::Stage;
use kata_core::trie::{Autocomplete, CachedAutocomplete, ConcurrentAutocomplete};

use crate::Ctx;

pub mod complexity;
pub use complexity::SERIES as COMPLEXITY_SERIES;
pub use complexity::COUNTED as COMPLEXITY_COUNTED;
pub mod concurrency;
pub mod examples;
pub mod model;
pub mod properties;
pub mod quality;
pub mod subject;
#[cfg(test)]
mod tiny;
pub mod workloads;

/// The types one implementation of the kata provides.
pub trait TrieFamily: 'static {
    /// The plain trie: one node per byte.
    type Plain: Autocomplete + Send + Sync + 'static;
    /// The radix (compressed) trie.
    type Radix: Autocomplete + Send + Sync + 'static;
    /// The trie that caches each node's top terms.
    type Cached: CachedAutocomplete + Send + Sync + 'static;
    /// The store shared by threads.
    type Shared: ConcurrentAutocomplete + 'static;
}

/// Declares a unit struct implementing [`TrieFamily`] with the `Trie`, `RadixTrie`, `CachedTrie`
/// and `SharedTrie` types of crate `$krate`.
#[macro_export]
macro_rules! trie_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::trie::TrieFamily for $name {
            type Plain = $krate::Trie;
            type Radix = $krate::RadixTrie;
            type Cached = $krate::CachedTrie;
            type Shared = $krate::SharedTrie;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: TrieFamily, R: TrieFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(trie, F, R, stage, ctx, all).expect("all is every stage");
}
