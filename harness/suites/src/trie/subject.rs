//! The four types behind one interface, so that a scenario is written once and run on each:
//! [`Subject`], implemented by [`Plain`], [`Radix`] and [`Cached`] (an
//! [`Autocomplete`]) and [`Shared`] (a [`ConcurrentAutocomplete`], driven through `&self`).
//!
//! The shared store has no `node_count` and no `cache()` in its API: [`Subject::node_count`] and
//! [`Subject::cache`] say so with `None`, and the scenarios that need them skip it.

use kata_core::trie::{
    Autocomplete, CachedAutocomplete, ConcurrentAutocomplete, ConfigError, TermError, DEFAULT_CACHE,
};

/// Which of the kata's four types a [`Subject`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Trie`: one node per byte.
    Plain,
    /// `RadixTrie`: chains merged into edges labelled with byte strings.
    Radix,
    /// `CachedTrie`: every node keeps its subtree's top terms.
    Cached,
    /// `SharedTrie`: the cached trie shared by threads, through `&self`.
    Shared,
}

impl Kind {
    /// The four, in the order the stages run them.
    pub const ALL: [Kind; 4] = [Kind::Plain, Kind::Radix, Kind::Cached, Kind::Shared];

    /// The type's name in the learner's crate.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Plain => "Trie",
            Kind::Radix => "RadixTrie",
            Kind::Cached => "CachedTrie",
            Kind::Shared => "SharedTrie",
        }
    }

    /// Whether the type caches top terms (and has a cache size).
    pub fn caches(self) -> bool {
        matches!(self, Kind::Cached | Kind::Shared)
    }

    /// How a test pasted from a failure makes the store: `let mut trie = Trie::new();`, or with
    /// `cache` for the caching types.
    pub fn declaration(self, cache: usize) -> String {
        match self {
            Kind::Plain | Kind::Radix => format!("let mut trie = {}::new();", self.type_name()),
            Kind::Cached => format!("let mut trie = CachedTrie::with_cache({cache})?;"),
            Kind::Shared => format!("let trie = SharedTrie::with_cache({cache})?;"),
        }
    }

    /// How the store is made, for a message: `Trie::new()`, `CachedTrie::with_cache(3)`.
    pub fn made(self, cache: usize) -> String {
        match self {
            Kind::Plain | Kind::Radix => format!("{}::new()", self.type_name()),
            _ => format!("{}::with_cache({cache})", self.type_name()),
        }
    }
}

/// One of the four stores, driven the same way (see the module documentation).
pub trait Subject: Sized {
    /// Which type this is.
    const KIND: Kind;
    /// A new empty store: `new()`, or `with_cache(cache)` for the caching types.
    ///
    /// # Errors
    ///
    /// As `with_cache`.
    fn build(cache: usize) -> Result<Self, ConfigError>;
    /// As [`Autocomplete::insert`].
    ///
    /// # Errors
    ///
    /// As [`Autocomplete::insert`].
    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError>;
    /// As [`Autocomplete::add_weight`].
    ///
    /// # Errors
    ///
    /// As [`Autocomplete::insert`].
    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError>;
    /// As [`Autocomplete::remove`].
    fn remove(&mut self, term: &str) -> Option<u64>;
    /// As [`Autocomplete::weight`].
    fn weight(&self, term: &str) -> Option<u64>;
    /// As [`Autocomplete::contains`] (the shared store: `weight(term).is_some()`).
    fn contains(&self, term: &str) -> bool;
    /// As [`Autocomplete::top_k`].
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)>;
    /// As [`Autocomplete::len`].
    fn len(&self) -> usize;
    /// As [`Autocomplete::is_empty`].
    fn is_empty(&self) -> bool;
    /// As [`Autocomplete::node_count`]; `None` for the shared store, which has none.
    fn node_count(&self) -> Option<usize>;
    /// As [`CachedAutocomplete::cache`]; `None` for the plain and radix tries.
    fn cache(&self) -> Option<usize>;
}

/// The plain trie of a family.
#[derive(Debug)]
pub struct Plain<T>(pub T);
/// The radix trie of a family.
#[derive(Debug)]
pub struct Radix<T>(pub T);
/// The cached trie of a family.
#[derive(Debug)]
pub struct Cached<T>(pub T);
/// The shared store of a family.
#[derive(Debug)]
pub struct Shared<T>(pub T);

macro_rules! single {
    ($wrapper:ident, $kind:expr, $bound:ident, |$c:ident| $build:expr, |$s:ident| $cache:expr) => {
        impl<T: $bound> Subject for $wrapper<T> {
            const KIND: Kind = $kind;
            fn build($c: usize) -> Result<Self, ConfigError> {
                $build.map($wrapper)
            }
            fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
                self.0.insert(term, weight)
            }
            fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
                self.0.add_weight(term, delta)
            }
            fn remove(&mut self, term: &str) -> Option<u64> {
                self.0.remove(term)
            }
            fn weight(&self, term: &str) -> Option<u64> {
                self.0.weight(term)
            }
            fn contains(&self, term: &str) -> bool {
                self.0.contains(term)
            }
            fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
                self.0.top_k(prefix, k)
            }
            fn len(&self) -> usize {
                self.0.len()
            }
            fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
            fn node_count(&self) -> Option<usize> {
                Some(self.0.node_count())
            }
            fn cache(&self) -> Option<usize> {
                let $s = &self.0;
                $cache
            }
        }
    };
}

single!(
    Plain,
    Kind::Plain,
    Autocomplete,
    |_c| Ok::<T, ConfigError>(T::new()),
    |_s| None
);
single!(
    Radix,
    Kind::Radix,
    Autocomplete,
    |_c| Ok::<T, ConfigError>(T::new()),
    |_s| None
);
single!(
    Cached,
    Kind::Cached,
    CachedAutocomplete,
    |c| T::with_cache(c),
    |s| Some(s.cache())
);

impl<T: ConcurrentAutocomplete> Subject for Shared<T> {
    const KIND: Kind = Kind::Shared;
    fn build(cache: usize) -> Result<Self, ConfigError> {
        T::with_cache(cache).map(Shared)
    }
    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        self.0.insert(term, weight)
    }
    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        self.0.add_weight(term, delta)
    }
    fn remove(&mut self, term: &str) -> Option<u64> {
        self.0.remove(term)
    }
    fn weight(&self, term: &str) -> Option<u64> {
        self.0.weight(term)
    }
    fn contains(&self, term: &str) -> bool {
        self.0.weight(term).is_some()
    }
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        self.0.top_k(prefix, k)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn node_count(&self) -> Option<usize> {
        None
    }
    fn cache(&self) -> Option<usize> {
        None
    }
}

/// A new store of `S` ([`Subject::build`] with `cache`), its error as a failure message.
///
/// # Errors
///
/// When the constructor refuses a valid cache size.
pub fn made<S: Subject>(cache: usize) -> Result<S, String> {
    S::build(cache).map_err(|e| format!("{} failed: {e}", S::KIND.made(cache)))
}

/// A new store of `S` with the default cache ([`DEFAULT_CACHE`]).
///
/// # Errors
///
/// As [`made`].
pub fn fresh<S: Subject>() -> Result<S, String> {
    made::<S>(DEFAULT_CACHE)
}
