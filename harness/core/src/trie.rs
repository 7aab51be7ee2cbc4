//! The API of the `trie` kata: autocomplete, the k heaviest completions of what was typed so far.
//!
//! A typeahead box sends what the user has typed, a **prefix**, and shows the few most popular
//! queries that start with it. The store holds **terms** (UTF-8 strings) each with a **weight**
//! (how often it was searched), and answers [`Autocomplete::top_k`]: the `k` heaviest terms that
//! start with the prefix, heaviest first, ties broken by the term in byte order; exactly the
//! terms a scan of every term would give.
//!
//! Four types implement these traits:
//!
//! - [`Autocomplete`] as a **plain trie**: one node per byte, a term's bytes spelling the path
//!   from the root to the node that holds its weight. Finding the prefix costs its length; the
//!   completions are then the whole subtree below it, which a query must search.
//! - [`Autocomplete`] as a **radix trie** (Morrison's PATRICIA, 1968): chains of single-child
//!   nodes merged into one edge labelled with a byte string, so the nodes number at most twice
//!   the terms, whatever their length.
//! - [`CachedAutocomplete`]: a trie whose every node keeps the top `K` terms of its subtree (the
//!   typeahead trade-off, as search engines serve suggestions): a query with `k ≤ K` costs the
//!   prefix's length plus `k`, whatever the number of terms, and every update pays to keep the
//!   caches on its path right.
//! - [`ConcurrentAutocomplete`]: readers querying from many threads while one writer updates.
//!
//! **Prefixes are bytes**: the prefix a user has typed may end inside a multi-byte character (a
//! keyboard buffer cut between the two bytes of `é`), so [`Autocomplete::top_k`] takes `&[u8]`,
//! and a term completes a prefix when the term's bytes start with the prefix's bytes. `b"caf\xC3"`
//! is completed by `café` and by `cafè`, whose second-to-last bytes differ. An empty prefix is
//! completed by every term; `k = 0` gives nothing.

use std::fmt;

/// The longest term accepted, in bytes.
pub const MAX_TERM_BYTES: usize = 1_024;

/// The largest cache accepted ([`CachedAutocomplete::with_cache`]).
pub const MAX_CACHE: usize = 1_000;

/// The cache size of a cached trie made by [`Autocomplete::new`]: ten suggestions, as search
/// boxes show.
pub const DEFAULT_CACHE: usize = 10;

/// Why a term was refused; the store is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermError {
    /// The empty string: nothing to complete to.
    Empty,
    /// A term longer than [`MAX_TERM_BYTES`] bytes.
    TooLong(usize),
}

impl fmt::Display for TermError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TermError::Empty => f.write_str("a term must not be empty"),
            TermError::TooLong(n) => write!(
                f,
                "a term must be at most {MAX_TERM_BYTES} bytes long (this one is {n})"
            ),
        }
    }
}

impl std::error::Error for TermError {}

/// Why a cached trie could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// A cache of zero terms: every query would miss it.
    ZeroCache,
    /// A cache of more than [`MAX_CACHE`] terms.
    CacheTooLarge(usize),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ZeroCache => {
                f.write_str("the cache must hold at least 1 term per node (10 is usual)")
            }
            ConfigError::CacheTooLarge(k) => write!(
                f,
                "the cache holds at most {MAX_CACHE} terms per node (asked for {k}): a cache \
                 that large costs more memory than it saves time"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A store of weighted terms that completes prefixes, for one thread.
pub trait Autocomplete: Sized {
    /// An empty store ([`DEFAULT_CACHE`] for a cached trie).
    fn new() -> Self;

    /// Inserts `term` with `weight`, replacing its weight if it was there. Returns the weight it
    /// had.
    ///
    /// # Errors
    ///
    /// [`TermError::Empty`], [`TermError::TooLong`].
    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError>;

    /// Adds `delta` to the weight of `term` (the query was typed again), inserting it with
    /// weight `delta` if it was not there. The weight saturates at `u64::MAX`. Returns the new
    /// weight.
    ///
    /// # Errors
    ///
    /// As [`Autocomplete::insert`].
    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError>;

    /// Removes `term`; returns the weight it had, `None` when it was not there.
    fn remove(&mut self, term: &str) -> Option<u64>;

    /// The weight of `term`, `None` when it is not there.
    #[must_use]
    fn weight(&self, term: &str) -> Option<u64>;

    /// Whether `term` is there.
    #[must_use]
    fn contains(&self, term: &str) -> bool {
        self.weight(term).is_some()
    }

    /// The `k` heaviest terms whose bytes start with `prefix`, with their weights: heaviest
    /// first, equal weights in the terms' byte order. Fewer when fewer terms complete the
    /// prefix; empty when `k` is 0.
    #[must_use]
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)>;

    /// The number of terms.
    fn len(&self) -> usize;

    /// Whether there are no terms.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of nodes, the root included (an empty store has 1): what the quality stage
    /// compares between the plain and the radix form.
    fn node_count(&self) -> usize;
}

/// A trie that keeps the top terms of every subtree at the subtree's root.
pub trait CachedAutocomplete: Autocomplete {
    /// An empty trie caching the top `cache` terms at every node.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroCache`], [`ConfigError::CacheTooLarge`].
    fn with_cache(cache: usize) -> Result<Self, ConfigError>;

    /// The number of terms each node caches: a query with `k` up to it is answered from the
    /// caches alone; a larger `k` searches the subtree, as a plain trie does.
    fn cache(&self) -> usize;
}

/// An autocomplete store shared by threads (`&self`): any number of threads query while writers
/// update.
///
/// A query racing an update answers as the store stood before the update or after it, never
/// with a half-inserted term or a top list from no single moment; an update that has returned is
/// seen by every query that begins after it.
pub trait ConcurrentAutocomplete: Sized + Send + Sync {
    /// An empty store whose queries for up to `cache` completions are answered from caches.
    ///
    /// # Errors
    ///
    /// As [`CachedAutocomplete::with_cache`].
    fn with_cache(cache: usize) -> Result<Self, ConfigError>;

    /// As [`Autocomplete::insert`], from any thread.
    ///
    /// # Errors
    ///
    /// As [`Autocomplete::insert`].
    fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError>;

    /// As [`Autocomplete::add_weight`], from any thread.
    ///
    /// # Errors
    ///
    /// As [`Autocomplete::insert`].
    fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError>;

    /// As [`Autocomplete::remove`], from any thread.
    fn remove(&self, term: &str) -> Option<u64>;

    /// As [`Autocomplete::weight`], from any thread.
    #[must_use]
    fn weight(&self, term: &str) -> Option<u64>;

    /// As [`Autocomplete::top_k`], from any thread.
    #[must_use]
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)>;

    /// As [`Autocomplete::len`]: the number of terms at some moment during the call.
    fn len(&self) -> usize;

    /// Whether there are no terms.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
