//! The [`trie-rs`](https://crates.io/crates/trie-rs) crate's map trie behind [`Autocomplete`],
//! as the kata's plain trie.
//!
//! trie-rs (0.4.2) builds a trie of one node per byte from a `TrieBuilder` (a pointer trie),
//! then stores it as LOUDS succinct bit vectors with a label and an optional value per node:
//! compact, and fixed. A built trie finds a term by walking its bytes (at each node it collects
//! the children's node numbers in a `Vec` and binary-searches their labels), and iterates the
//! terms under a prefix (`predictive_search`), each as a fresh `Vec<u8>`; the adapter keeps the
//! `k` heaviest ([`super::heaviest`]). It can change the value of a term it holds
//! (`exact_match_mut`), and nothing else: a new term, or a removal, panics with [`NO_INSERT`] or
//! [`NO_REMOVE`], and `node_count` with the crate's silence on its nodes. [`TrieRs::build`]
//! builds one from every term at once, as the crate is meant to be used; the bench times it so,
//! on its query workloads only.

use kata_core::trie::{Autocomplete, TermError};
use trie_rs::map::{Trie, TrieBuilder};

use super::{check_term, heaviest, no_node_count};

/// The message `insert` and `add_weight` panic with for a term the trie does not hold.
pub const NO_INSERT: &str = "trie-rs builds its trie once from a TrieBuilder: a built trie \
                             takes a new value for a term it holds, but no new term";

/// The message `remove` panics with for a term the trie holds.
pub const NO_REMOVE: &str = "trie-rs builds its trie once from a TrieBuilder: a built trie \
                             drops no term";

/// trie-rs's `map::Trie` behind [`Autocomplete`] (see the module documentation).
pub struct TrieRs {
    trie: Trie<u8, u64>,
    len: usize,
}

impl std::fmt::Debug for TrieRs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrieRs")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl TrieRs {
    /// A trie built once from `terms` (distinct, each a valid term), as trie-rs builds one.
    pub fn build<'a>(terms: impl IntoIterator<Item = (&'a str, u64)>) -> Self {
        let mut builder = TrieBuilder::new();
        let mut len = 0;
        for (term, weight) in terms {
            builder.push(term, weight);
            len += 1;
        }
        TrieRs {
            trie: builder.build(),
            len,
        }
    }
}

impl Autocomplete for TrieRs {
    fn new() -> Self {
        TrieRs::build([])
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        check_term(term)?;
        match self.trie.exact_match_mut(term) {
            Some(w) => Ok(Some(std::mem::replace(w, weight))),
            None => panic!("{NO_INSERT}"),
        }
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        check_term(term)?;
        match self.trie.exact_match_mut(term) {
            Some(w) => {
                *w = w.saturating_add(delta);
                Ok(*w)
            }
            None => panic!("{NO_INSERT}"),
        }
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        self.trie.exact_match(term).map(|_| panic!("{NO_REMOVE}"))
    }

    #[inline]
    fn weight(&self, term: &str) -> Option<u64> {
        self.trie.exact_match(term).copied()
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        heaviest(
            self.trie
                .predictive_search::<Vec<u8>, _>(prefix)
                .map(|(term, &w)| (term, w)),
            k,
        )
    }

    fn len(&self) -> usize {
        self.len
    }

    fn node_count(&self) -> usize {
        panic!("{}", no_node_count("trie-rs"))
    }
}
