//! SKELETON: the `trie` kata (being written).

use kata_core::trie::{
    Autocomplete, CachedAutocomplete, ConcurrentAutocomplete, ConfigError, TermError,
};

macro_rules! store {
    ($($t:ident),+) => {$(
        /// SKELETON.
        #[derive(Debug)]
        pub struct $t;

        impl Autocomplete for $t {
            fn new() -> Self {
                todo!(concat!(stringify!($t), "::new"))
            }
            fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
                let _ = (term, weight);
                todo!(concat!(stringify!($t), "::insert"))
            }
            fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
                let _ = (term, delta);
                todo!(concat!(stringify!($t), "::add_weight"))
            }
            fn remove(&mut self, term: &str) -> Option<u64> {
                let _ = term;
                todo!(concat!(stringify!($t), "::remove"))
            }
            fn weight(&self, term: &str) -> Option<u64> {
                let _ = term;
                todo!(concat!(stringify!($t), "::weight"))
            }
            fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
                let _ = (prefix, k);
                todo!(concat!(stringify!($t), "::top_k"))
            }
            fn len(&self) -> usize {
                todo!(concat!(stringify!($t), "::len"))
            }
            fn node_count(&self) -> usize {
                todo!(concat!(stringify!($t), "::node_count"))
            }
        }
    )+};
}

store!(Trie, RadixTrie, CachedTrie);

impl CachedAutocomplete for CachedTrie {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        let _ = cache;
        todo!("CachedTrie::with_cache")
    }
    fn cache(&self) -> usize {
        todo!("CachedTrie::cache")
    }
}

/// SKELETON.
#[derive(Debug)]
pub struct SharedTrie;

impl ConcurrentAutocomplete for SharedTrie {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        let _ = cache;
        todo!("SharedTrie::with_cache")
    }
    fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let _ = (term, weight);
        todo!("SharedTrie::insert")
    }
    fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError> {
        let _ = (term, delta);
        todo!("SharedTrie::add_weight")
    }
    fn remove(&self, term: &str) -> Option<u64> {
        let _ = term;
        todo!("SharedTrie::remove")
    }
    fn weight(&self, term: &str) -> Option<u64> {
        let _ = term;
        todo!("SharedTrie::weight")
    }
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        let _ = (prefix, k);
        todo!("SharedTrie::top_k")
    }
    fn len(&self) -> usize {
        todo!("SharedTrie::len")
    }
}
