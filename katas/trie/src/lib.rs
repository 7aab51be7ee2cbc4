//! # Kata `trie`: autocomplete, the `k` heaviest completions of what was typed so far
//!
//! A search box suggests, after every keystroke, the few most popular queries that start with
//! what the user has typed. The store holds **terms** (UTF-8 strings), each with a **weight** (how
//! often it was searched), and answers `top_k(prefix, k)`: the `k` heaviest terms that start with
//! `prefix`. Four types: a plain [`Trie`] (one node per byte), a [`RadixTrie`] (chains of
//! single-child nodes merged into one edge), a [`CachedTrie`] (every node keeps the best terms of
//! its subtree, so a query never searches) and a [`SharedTrie`] (the cached one, shared by
//! threads).
//!
//! Read `katas/trie/README.md` first. Grade your work with `cargo kata check trie`. Start with
//! [`Trie`]; the other two single-thread types share its walk down a prefix.
//!
//! What must hold (the graded suite checks all of it):
//! - **the answer**: `top_k(prefix, k)` is exactly what a scan of every term would give: the terms
//!   whose bytes start with `prefix`'s bytes, heaviest first, equal weights in the terms' byte
//!   order (`"ab" < "abc" < "b"`), the first `k` of them; fewer when fewer terms match;
//! - **bytes, not characters**: a prefix may end inside a multi-byte character. `b"caf\xC3"` is
//!   completed by `café` and `cafè` (`é` is `C3 A9`, `è` is `C3 A8`). A trie keyed by `char`
//!   cannot find the completions of `b"caf\xC3"`: its last byte is not a character;
//! - **edges**: `k = 0` gives nothing; the empty prefix is completed by every term; a prefix no
//!   term starts with gives nothing;
//! - **terms refused** with [`TermError`], the store unchanged: the empty string
//!   ([`TermError::Empty`]) first, then one longer than [`MAX_TERM_BYTES`] (1 024) bytes
//!   ([`TermError::TooLong`] with its length);
//! - **weights**: `insert` replaces a weight and returns the old one; `add_weight` adds to it (a
//!   term not there starts from 0) and saturates at `u64::MAX` instead of overflowing; `remove`
//!   returns the weight the term had;
//! - **nodes**: [`Autocomplete::node_count`] counts the nodes alive, the root included (an empty
//!   store has 1). The plain and cached tries have one node per distinct non-empty prefix of the
//!   terms' bytes, plus the root, so a removal frees the nodes that only the removed term used;
//!   the radix trie has at most `2·len + 1`, whatever the terms' length;
//! - **deep terms**: a term of 1 024 bytes is a path 1 024 nodes deep; nothing may overflow the
//!   stack on it (a recursive walk per byte might: the graded runs use the default 2 MiB thread
//!   stack, and loops over an explicit stack never do);
//! - **cost**: insert is O(term length) in the plain and radix tries, whatever the number of
//!   terms; the cached trie answers `k ≤ K` from its caches in O(prefix + k), whatever the number
//!   of terms, and an update costs a bounded amount per byte of its term (O(fanout · K) at most:
//!   the complexity stage allows it to grow like log n, as the caches on a path fill, but not
//!   like n);
//! - **threads**: [`SharedTrie`] takes `&self` everywhere; a query racing an update answers as the
//!   store stood before the update or after it, and an update that has returned is seen by every
//!   query that starts later. Take its lock from `kata_core::sync` (not `std::sync`), so that the
//!   concurrency stage can model-check it with loom.
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::marker::PhantomData;

pub use kata_core::trie::{
    Autocomplete, CachedAutocomplete, ConcurrentAutocomplete, ConfigError, TermError,
    DEFAULT_CACHE, MAX_CACHE, MAX_TERM_BYTES,
};

/// The plain trie: one node per byte of every term.
///
/// A term's bytes spell the path from the root to the node that holds its weight; terms that
/// share a prefix share its nodes. Finding a prefix costs its length, whatever the number of
/// terms; its completions are then every term in the subtree below, which a query must search
/// to pick the `k` heaviest (a subtree can hold most of the store: the empty prefix's is all of
/// it).
///
/// Per *byte*, not per `char`: a prefix cut inside a character must still walk somewhere.
///
/// # Examples
///
/// ```no_run
/// use trie_kata::{Autocomplete, Trie};
///
/// let mut queries = Trie::new();
/// queries.insert("rust", 90).unwrap();
/// queries.insert("rust book", 40).unwrap();
/// queries.insert("ruby", 60).unwrap();
/// queries.add_weight("rust book", 20).unwrap(); // typed again: 60
/// assert_eq!(
///     queries.top_k(b"ru", 3),
///     [("rust".to_string(), 90), ("ruby".to_string(), 60), ("rust book".to_string(), 60)],
/// ); // "ruby" before "rust book": as heavy, and first in byte order
/// assert_eq!(queries.top_k(b"rust", 0), []);
/// assert_eq!(queries.node_count(), 1 + 9 + 2); // "r", "ru", "rus", ..., "rust book"; "rub", "ruby"
/// ```
#[derive(Debug)]
pub struct Trie {
    _state: PhantomData<()>,
}

impl Autocomplete for Trie {
    /// An empty trie: the root alone.
    fn new() -> Self {
        todo!("Trie::new")
    }

    /// Adds `term` with `weight` (or replaces its weight), creating the nodes its bytes need.
    ///
    /// # Errors
    ///
    /// [`TermError::Empty`], then [`TermError::TooLong`]; the trie is unchanged.
    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        todo!("Trie::insert")
    }

    /// Adds `delta` to `term`'s weight (from 0 if it is new), saturating at `u64::MAX`.
    ///
    /// # Errors
    ///
    /// As [`Trie::insert`](Autocomplete::insert).
    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        todo!("Trie::add_weight")
    }

    /// Removes `term`, and the nodes no other term uses.
    fn remove(&mut self, term: &str) -> Option<u64> {
        todo!("Trie::remove")
    }

    /// `term`'s weight: a walk down its bytes.
    fn weight(&self, term: &str) -> Option<u64> {
        todo!("Trie::weight")
    }

    /// The `k` heaviest terms whose bytes start with `prefix`, heaviest first, ties in byte
    /// order.
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        todo!("Trie::top_k")
    }

    /// The number of terms.
    fn len(&self) -> usize {
        todo!("Trie::len")
    }

    /// The nodes alive, the root included: one per distinct non-empty prefix of the terms' bytes,
    /// plus the root.
    fn node_count(&self) -> usize {
        todo!("Trie::node_count")
    }
}

/// The radix (compressed) trie, Morrison's PATRICIA (1968): edges labelled with byte strings.
///
/// Where a plain trie has a chain of nodes with one child each (the tail of a long term that
/// shares nothing), the radix trie has one edge labelled with all those bytes. Every node but the
/// root then holds a term or has two children or more, so there are at most `2·len + 1` nodes,
/// however long the terms: fewer nodes, fewer pointers, fewer cache misses on a walk.
///
/// What it costs: labels to compare on the way down, an edge to split when a new term leaves it
/// in the middle, and two nodes to merge back when a removal leaves a node with no term and one
/// child. And a prefix may end inside an edge label (below, `"roma"` ends inside the edge `"an"`
/// under `"rom"`): its completions are then the whole subtree that edge leads to.
///
/// # Examples
///
/// ```no_run
/// use trie_kata::{Autocomplete, RadixTrie};
///
/// let mut words = RadixTrie::new();
/// words.insert("romane", 1).unwrap();
/// words.insert("romanus", 2).unwrap();
/// words.insert("romulus", 3).unwrap();
/// // root -> "rom" -> { "an" -> { "e", "us" }, "ulus" }: 6 nodes, where a plain trie has 13
/// assert_eq!(words.node_count(), 6);
/// assert_eq!(words.top_k(b"roma", 5), [("romanus".to_string(), 2), ("romane".to_string(), 1)]);
/// ```
#[derive(Debug)]
pub struct RadixTrie {
    _state: PhantomData<()>,
}

impl Autocomplete for RadixTrie {
    /// An empty radix trie: the root alone.
    fn new() -> Self {
        todo!("RadixTrie::new")
    }

    /// Adds `term` with `weight` (or replaces its weight), splitting an edge where the term
    /// leaves it.
    ///
    /// # Errors
    ///
    /// [`TermError::Empty`], then [`TermError::TooLong`]; the trie is unchanged.
    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        todo!("RadixTrie::insert")
    }

    /// Adds `delta` to `term`'s weight (from 0 if it is new), saturating at `u64::MAX`.
    ///
    /// # Errors
    ///
    /// As [`RadixTrie::insert`](Autocomplete::insert).
    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        todo!("RadixTrie::add_weight")
    }

    /// Removes `term`, and merges what its removal leaves with no term and fewer than two
    /// children, so that at most `2·len + 1` nodes remain.
    fn remove(&mut self, term: &str) -> Option<u64> {
        todo!("RadixTrie::remove")
    }

    /// `term`'s weight, or `None`: a term must end exactly at a node, not inside an edge.
    fn weight(&self, term: &str) -> Option<u64> {
        todo!("RadixTrie::weight")
    }

    /// The `k` heaviest terms whose bytes start with `prefix`, heaviest first, ties in byte
    /// order. The prefix may end inside an edge.
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        todo!("RadixTrie::top_k")
    }

    /// The number of terms.
    fn len(&self) -> usize {
        todo!("RadixTrie::len")
    }

    /// The nodes alive, the root included: at most `2·len + 1`.
    fn node_count(&self) -> usize {
        todo!("RadixTrie::node_count")
    }
}

/// A trie whose every node keeps the best `K` terms of its subtree: the typeahead trade-off.
///
/// **What the cache buys.** A query for `k ≤ K` completions walks the prefix and reads the `k`
/// first of that node's cache: O(prefix + k), whether the store holds a hundred terms or a
/// hundred million. This is how suggestion services answer within a keystroke: the top
/// suggestions of every prefix computed ahead, the query a lookup.
///
/// **What it costs.** Memory: up to `K` entries per node. And every update: a term's weight is
/// in the caches of the nodes on its path, from the root down to its own node, so an insert, an
/// `add_weight` or a removal must put each of those caches right, with a bounded amount of work
/// per node (nothing that grows with the number of terms). The hard case is a term that leaves a
/// full cache, because it got lighter or was removed: which term takes its place, when that one
/// was not cached here? (The README says what is enough to know.)
///
/// `top_k` with `k > K` cannot be answered from the caches: it searches the subtree, as the plain
/// trie does, and must give the same answer.
///
/// # Examples
///
/// ```no_run
/// use trie_kata::{Autocomplete, CachedAutocomplete, CachedTrie};
///
/// let mut suggest = CachedTrie::with_cache(2).unwrap();
/// for (query, weight) in [("weather", 50), ("web", 80), ("webmail", 30), ("wiki", 70)] {
///     suggest.insert(query, weight).unwrap();
/// }
/// assert_eq!(suggest.top_k(b"w", 2), [("web".to_string(), 80), ("wiki".to_string(), 70)]);
/// suggest.remove("web"); // "web" leaves the cache of "w": "weather" comes in
/// assert_eq!(suggest.top_k(b"w", 2), [("wiki".to_string(), 70), ("weather".to_string(), 50)]);
/// assert_eq!(suggest.top_k(b"w", 3).len(), 3); // k > K: a search, the same answer a scan gives
/// ```
#[derive(Debug)]
pub struct CachedTrie {
    _state: PhantomData<()>,
}

impl Autocomplete for CachedTrie {
    /// An empty trie caching [`DEFAULT_CACHE`] (10) terms per node.
    fn new() -> Self {
        todo!("CachedTrie::new")
    }

    /// Adds `term` with `weight` (or replaces its weight), and puts the caches on its path right.
    ///
    /// # Errors
    ///
    /// [`TermError::Empty`], then [`TermError::TooLong`]; the trie is unchanged.
    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        todo!("CachedTrie::insert")
    }

    /// Adds `delta` to `term`'s weight (from 0 if it is new), saturating at `u64::MAX`, and puts
    /// the caches on its path right.
    ///
    /// # Errors
    ///
    /// As [`CachedTrie::insert`](Autocomplete::insert).
    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        todo!("CachedTrie::add_weight")
    }

    /// Removes `term` from the trie and from every cache on its path (a cache it leaves may take
    /// in a term it did not hold), and frees the nodes no other term uses.
    fn remove(&mut self, term: &str) -> Option<u64> {
        todo!("CachedTrie::remove")
    }

    /// `term`'s weight.
    fn weight(&self, term: &str) -> Option<u64> {
        todo!("CachedTrie::weight")
    }

    /// For `k ≤ K`: the first `k` of the cache of the node `prefix` leads to. For `k > K`: a
    /// search of the subtree. Either way, exactly what a scan of every term would give.
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        todo!("CachedTrie::top_k")
    }

    /// The number of terms.
    fn len(&self) -> usize {
        todo!("CachedTrie::len")
    }

    /// The nodes alive, the root included: as in the plain trie.
    fn node_count(&self) -> usize {
        todo!("CachedTrie::node_count")
    }
}

impl CachedAutocomplete for CachedTrie {
    /// An empty trie caching `cache` terms per node.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroCache`] for 0, [`ConfigError::CacheTooLarge`] above [`MAX_CACHE`].
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        todo!("CachedTrie::with_cache")
    }

    /// `K`, the terms each node caches.
    fn cache(&self) -> usize {
        todo!("CachedTrie::cache")
    }
}

/// A cached trie shared by threads: any number of them query while writers update.
///
/// Every method takes `&self`. A query racing an update must answer as the store stood before
/// the update or after it: never a term half inserted, never a top list some caches of which
/// were updated and others not. An update that has returned is seen by every query that starts
/// after it.
///
/// Two designs meet that (the README weighs them): a reader-writer lock around a [`CachedTrie`],
/// held by queries to read and by updates to write, or a snapshot that readers load while a
/// writer prepares the next version and swaps it in. Take the lock, or the atomics, from
/// `kata_core::sync`, never from `std::sync`: loom sees only those.
///
/// # Examples
///
/// ```no_run
/// use trie_kata::{ConcurrentAutocomplete, SharedTrie};
///
/// let suggest = SharedTrie::with_cache(10).unwrap();
/// std::thread::scope(|scope| {
///     scope.spawn(|| {
///         for query in ["rust", "rust book", "rustup"] {
///             suggest.add_weight(query, 1).unwrap();
///         }
///     });
///     scope.spawn(|| {
///         // Sees 0, 1, 2 or 3 of them, each with its weight: never a half-inserted term.
///         let seen = suggest.top_k(b"rus", 10);
///         assert!(seen.len() <= 3);
///     });
/// });
/// assert_eq!(suggest.len(), 3);
/// ```
#[derive(Debug)]
pub struct SharedTrie {
    _state: PhantomData<()>,
}

impl ConcurrentAutocomplete for SharedTrie {
    /// An empty store caching `cache` terms per node.
    ///
    /// # Errors
    ///
    /// As [`CachedTrie::with_cache`](CachedAutocomplete::with_cache).
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        todo!("SharedTrie::with_cache")
    }

    /// As [`CachedTrie::insert`](Autocomplete::insert), from any thread.
    ///
    /// # Errors
    ///
    /// As [`CachedTrie::insert`](Autocomplete::insert).
    fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        todo!("SharedTrie::insert")
    }

    /// As [`CachedTrie::add_weight`](Autocomplete::add_weight), from any thread.
    ///
    /// # Errors
    ///
    /// As [`CachedTrie::insert`](Autocomplete::insert).
    fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError> {
        todo!("SharedTrie::add_weight")
    }

    /// As [`CachedTrie::remove`](Autocomplete::remove), from any thread.
    fn remove(&self, term: &str) -> Option<u64> {
        todo!("SharedTrie::remove")
    }

    /// As [`CachedTrie::weight`](Autocomplete::weight), from any thread.
    fn weight(&self, term: &str) -> Option<u64> {
        todo!("SharedTrie::weight")
    }

    /// As [`CachedTrie::top_k`](Autocomplete::top_k), from any thread: the answer of one
    /// moment, between two updates.
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        todo!("SharedTrie::top_k")
    }

    /// The number of terms at some moment during the call.
    fn len(&self) -> usize {
        todo!("SharedTrie::len")
    }
}
