//! The [`radix_trie`](https://crates.io/crates/radix_trie) crate's `Trie` behind
//! [`Autocomplete`], as the kata's radix trie.
//!
//! radix_trie (0.3.0) is a radix trie on nibbles (half-bytes): each node holds a fragment of
//! key, the whole key and value when a term ends there, and a fixed array of 16 optional boxed
//! children. Every call encodes its key into a nibble vector first. `get_raw_descendant` walks
//! to the node under a prefix (bytes: a prefix that ends inside a character is a whole number
//! of nibbles), whose subtrie's entries (borrowed keys) the adapter ranks
//! ([`super::heaviest`]). `node_count` walks the nodes from the root: a radix trie on nibbles
//! has a node wherever two keys part at a nibble, so it can have more nodes than one on bytes,
//! and still at most `2·len + 1`.

use kata_core::trie::{Autocomplete, TermError};
use radix_trie::{SubTrie, Trie, TrieCommon};

use super::{check_term, heaviest};

/// radix_trie's `Trie` behind [`Autocomplete`] (see the module documentation).
#[derive(Debug, Default)]
pub struct RadixTrieCrate(Trie<Vec<u8>, u64>);

impl Autocomplete for RadixTrieCrate {
    fn new() -> Self {
        RadixTrieCrate::default()
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        check_term(term)?;
        Ok(self.0.insert(term.as_bytes().to_vec(), weight))
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        check_term(term)?;
        if let Some(w) = self.0.get_mut(term.as_bytes()) {
            *w = w.saturating_add(delta);
            return Ok(*w);
        }
        self.0.insert(term.as_bytes().to_vec(), delta);
        Ok(delta)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        self.0.remove(term.as_bytes())
    }

    #[inline]
    fn weight(&self, term: &str) -> Option<u64> {
        self.0.get(term.as_bytes()).copied()
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        let Some(below) = self.0.get_raw_descendant(prefix) else {
            return Vec::new();
        };
        heaviest(below.iter().map(|(term, &w)| (term.as_slice(), w)), k)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn node_count(&self) -> usize {
        // The root, then every node below it, by an explicit stack (a chain of nodes can be as
        // deep as a term is long).
        let mut stack: Vec<SubTrie<'_, Vec<u8>, u64>> = self.0.children().collect();
        let mut nodes = 1;
        while let Some(node) = stack.pop() {
            nodes += 1;
            stack.extend(node.children());
        }
        nodes
    }
}
