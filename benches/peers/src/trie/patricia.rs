//! The [`patricia_tree`](https://crates.io/crates/patricia_tree) crate's `PatriciaMap` behind
//! [`Autocomplete`], as the kata's radix trie.
//!
//! patricia_tree (0.10.2) is a PATRICIA tree on bytes: every node is one allocation holding its
//! label (the bytes of its edge), its value and its first child and next sibling, so a node's
//! children are a list searched in order. Keys are `Vec<u8>` (its `StringPatriciaMap` cuts
//! prefixes at character boundaries, which the kata's byte prefixes must not); `iter_prefix`
//! walks to the prefix, which may end inside an edge, and yields every key below it in byte
//! order, each built afresh in a `Vec<u8>`, which the adapter ranks ([`super::heaviest`]). The
//! crate does not show its nodes, so `node_count` panics, saying so.

use kata_core::trie::{Autocomplete, TermError};
use patricia_tree::PatriciaMap;

use super::{check_term, heaviest, no_node_count};

/// patricia_tree's `PatriciaMap` behind [`Autocomplete`] (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct Patricia(PatriciaMap<u64>);

impl Autocomplete for Patricia {
    fn new() -> Self {
        Patricia::default()
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        check_term(term)?;
        Ok(self.0.insert(term, weight))
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        check_term(term)?;
        if let Some(w) = self.0.get_mut(term) {
            *w = w.saturating_add(delta);
            return Ok(*w);
        }
        self.0.insert(term, delta);
        Ok(delta)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        self.0.remove(term)
    }

    #[inline]
    fn weight(&self, term: &str) -> Option<u64> {
        self.0.get(term).copied()
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        heaviest(self.0.iter_prefix(prefix).map(|(term, &w)| (term, w)), k)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn node_count(&self) -> usize {
        panic!("{}", no_node_count("patricia_tree"))
    }
}
