//! The [`qp-trie`](https://crates.io/crates/qp-trie) crate's `Trie` behind [`Autocomplete`], as
//! the kata's radix trie.
//!
//! qp-trie (0.8.2) is Tony Finch's qp-trie: a PATRICIA trie that branches on one nibble at a
//! time, each branch's children in an array indexed by the popcount of a 16-bit bitmap, each
//! leaf holding its whole key (here a `BString`, a `String` that borrows as bytes) and value. A
//! lookup tests one nibble per branch and compares the key once at the leaf; `iter_prefix`
//! walks to the branch under the prefix (bytes: it may end inside a character) and borrows the
//! leaves below it, which the adapter ranks ([`super::heaviest`]) without copying a key. The
//! crate does not show its branches, so `node_count` panics, saying so.

use std::borrow::Borrow;

use kata_core::trie::{Autocomplete, TermError};
use qp_trie::wrapper::BString;
use qp_trie::Trie;

use super::{check_term, heaviest, no_node_count};

/// qp-trie's `Trie` behind [`Autocomplete`] (see the module documentation).
#[derive(Debug, Default)]
pub struct QpTrie(Trie<BString, u64>);

impl Autocomplete for QpTrie {
    fn new() -> Self {
        QpTrie::default()
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        check_term(term)?;
        Ok(self.0.insert_str(term, weight))
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        check_term(term)?;
        if let Some(w) = self.0.get_mut_str(term) {
            *w = w.saturating_add(delta);
            return Ok(*w);
        }
        self.0.insert_str(term, delta);
        Ok(delta)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        self.0.remove_str(term)
    }

    #[inline]
    fn weight(&self, term: &str) -> Option<u64> {
        self.0.get_str(term).copied()
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        heaviest(
            self.0
                .iter_prefix(prefix)
                .map(|(term, &w)| (Borrow::<[u8]>::borrow(term), w)),
            k,
        )
    }

    fn len(&self) -> usize {
        self.0.count()
    }

    fn node_count(&self) -> usize {
        panic!("{}", no_node_count("qp-trie"))
    }
}
