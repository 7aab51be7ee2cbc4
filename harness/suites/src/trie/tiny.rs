//! Small stores for the suite's own tests: a `BTreeMap` answering by brute force (the suite's
//! [`Model`]), with the node counts a per-byte trie and a merged radix trie would report, and a
//! cache size; correct when `BUG` is [`OK`], and with one mistake a learner makes otherwise.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use kata_core::trie::{
    Autocomplete, CachedAutocomplete, ConcurrentAutocomplete, ConfigError, TermError,
    DEFAULT_CACHE, MAX_CACHE,
};

use super::model::Model;
use super::TrieFamily;

/// Correct.
pub const OK: u8 = 0;
/// Equal weights in reverse byte order.
pub const TIES: u8 = 1;
/// A prefix that is not valid UTF-8 finds nothing (a trie keyed by `char`).
pub const CHARS: u8 = 2;
/// Answers remembered per `(prefix, k)` and forgotten only when a weight goes up (the cached
/// types): a removal or a lowered weight leaves stale answers.
pub const STALE: u8 = 3;
/// The node count never goes down (nodes are not pruned on removal).
pub const LEAK: u8 = 4;
/// `add_weight` wraps instead of saturating.
pub const WRAP: u8 = 5;
/// The length limit counted in characters, not bytes.
pub const CHAR_LIMIT: u8 = 6;
/// `top_k` with `k` above the cache size answers only the cache's terms (the cached types).
pub const CACHE_ONLY: u8 = 7;

/// The shared store answers from a copy of the store refreshed every 16 updates (a snapshot
/// published late).
pub const LAG: u8 = 8;

/// `top_k` collects the completions in byte order and sorts them with
/// `sort_unstable_by_key(weight)`: equal weights in whatever order the sort leaves them.
pub const UNSTABLE: u8 = 9;

/// `top_k` collects the completions in the order the terms were first inserted and sorts them
/// by weight alone (stably): equal weights in insertion order.
pub const INSERTION_ORDER: u8 = 10;

/// The radix trie (`KIND` 1) finds nothing for a prefix that ends inside an edge of the merged
/// radix trie of its terms (a walk that stops at the end of the prefix without looking along
/// the label), though it keys its nodes by byte.
pub const EDGE: u8 = 11;

/// Answers remembered by `(prefix, k)`.
type Memo = HashMap<(Vec<u8>, usize), Vec<(String, u64)>>;

/// A plain (`KIND` 0), radix (1) or cached (2) store.
#[derive(Debug, Default)]
pub struct Tiny<const BUG: u8, const KIND: u8> {
    model: Model,
    ever: BTreeSet<String>,
    /// The terms in the order first inserted.
    order: Vec<String>,
    memo: Mutex<Memo>,
    cache: usize,
}

impl<const BUG: u8, const KIND: u8> Tiny<BUG, KIND> {
    fn check(term: &str) -> Result<(), TermError> {
        if term.is_empty() {
            return Err(TermError::Empty);
        }
        let n = if BUG == CHAR_LIMIT {
            term.chars().count()
        } else {
            term.len()
        };
        if n > kata_core::trie::MAX_TERM_BYTES {
            return Err(TermError::TooLong(n));
        }
        Ok(())
    }

    fn stale() -> bool {
        BUG == STALE && KIND == 2
    }

    fn forget(&self) {
        self.memo.lock().expect("memo").clear();
    }

    fn inserted(&mut self, term: &str) {
        if self.ever.insert(term.to_owned()) {
            self.order.push(term.to_owned());
        }
    }
}

impl<const BUG: u8, const KIND: u8> Autocomplete for Tiny<BUG, KIND> {
    fn new() -> Self {
        Tiny {
            cache: DEFAULT_CACHE,
            ..Tiny::default()
        }
    }
    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        Self::check(term)?;
        let old = self.model.terms.insert(term.to_owned(), weight);
        self.inserted(term);
        if !Self::stale() || old.is_none_or(|o| weight > o) {
            self.forget();
        }
        Ok(old)
    }
    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        Self::check(term)?;
        let w = self.model.terms.entry(term.to_owned()).or_insert(0);
        *w = if BUG == WRAP {
            w.wrapping_add(delta)
        } else {
            w.saturating_add(delta)
        };
        let w = *w;
        self.inserted(term);
        self.forget();
        Ok(w)
    }
    fn remove(&mut self, term: &str) -> Option<u64> {
        let old = self.model.remove(term);
        if !Self::stale() {
            self.forget();
        }
        old
    }
    fn weight(&self, term: &str) -> Option<u64> {
        self.model.weight(term)
    }
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if BUG == CHARS && std::str::from_utf8(prefix).is_err() {
            return Vec::new();
        }
        if BUG == EDGE && KIND == 1 && super::model::inside_edge(prefix, &self.model).is_some() {
            return Vec::new();
        }
        let key = (prefix.to_vec(), k);
        if let Some(hit) = self.memo.lock().expect("memo").get(&key) {
            return hit.clone();
        }
        let mut got = self.model.top_k(prefix, k);
        if BUG == TIES {
            let mut all = self.model.top_k(prefix, usize::MAX);
            all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
            all.truncate(k);
            got = all;
        }
        if BUG == UNSTABLE || BUG == INSERTION_ORDER {
            let mut all: Vec<(String, u64)> = if BUG == UNSTABLE {
                self.model.top_k(prefix, usize::MAX)
            } else {
                self.order
                    .iter()
                    .filter_map(|t| Some((t.clone(), self.model.weight(t)?)))
                    .filter(|(t, _)| t.as_bytes().starts_with(prefix))
                    .collect()
            };
            if BUG == UNSTABLE {
                all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                all.sort_unstable_by_key(|e| std::cmp::Reverse(e.1));
            } else {
                all.sort_by_key(|e| std::cmp::Reverse(e.1));
            }
            all.truncate(k);
            got = all;
        }
        if BUG == CACHE_ONLY && KIND == 2 && k > self.cache {
            got = self.model.top_k(prefix, self.cache);
        }
        self.memo.lock().expect("memo").insert(key, got.clone());
        got
    }
    fn len(&self) -> usize {
        self.model.len()
    }
    fn node_count(&self) -> usize {
        let terms: Vec<&str> = if BUG == LEAK {
            self.ever.iter().map(String::as_str).collect()
        } else {
            self.model.terms.keys().map(String::as_str).collect()
        };
        if KIND == 1 {
            super::model::radix_nodes(terms)
        } else {
            super::model::plain_nodes(terms)
        }
    }
}

impl<const BUG: u8> CachedAutocomplete for Tiny<BUG, 2> {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        match cache {
            0 => Err(ConfigError::ZeroCache),
            c if c > MAX_CACHE => Err(ConfigError::CacheTooLarge(c)),
            c => Ok(Tiny {
                cache: c,
                ..Tiny::default()
            }),
        }
    }
    fn cache(&self) -> usize {
        self.cache
    }
}

/// The cached store behind a mutex (and, with [`LAG`], a copy of its terms refreshed now and
/// then, which the queries read).
#[derive(Debug)]
pub struct TinyShared<const BUG: u8> {
    live: Mutex<Tiny<BUG, 2>>,
    copy: Mutex<(Model, u64)>,
}

impl<const BUG: u8> TinyShared<BUG> {
    fn wrote(&self) {
        let live = self.live.lock().expect("lock");
        let mut copy = self.copy.lock().expect("lock");
        copy.1 += 1;
        if copy.1.is_multiple_of(16) {
            copy.0 = live.model.clone();
        }
    }
}

impl<const BUG: u8> ConcurrentAutocomplete for TinyShared<BUG> {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        Tiny::with_cache(cache).map(|t| TinyShared {
            live: Mutex::new(t),
            copy: Mutex::default(),
        })
    }
    fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let out = self.live.lock().expect("lock").insert(term, weight);
        self.wrote();
        out
    }
    fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError> {
        let out = self.live.lock().expect("lock").add_weight(term, delta);
        self.wrote();
        out
    }
    fn remove(&self, term: &str) -> Option<u64> {
        let out = self.live.lock().expect("lock").remove(term);
        self.wrote();
        out
    }
    fn weight(&self, term: &str) -> Option<u64> {
        if BUG == LAG {
            return self.copy.lock().expect("lock").0.weight(term);
        }
        self.live.lock().expect("lock").weight(term)
    }
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if BUG == LAG {
            return self.copy.lock().expect("lock").0.top_k(prefix, k);
        }
        self.live.lock().expect("lock").top_k(prefix, k)
    }
    fn len(&self) -> usize {
        if BUG == LAG {
            return self.copy.lock().expect("lock").0.len();
        }
        self.live.lock().expect("lock").len()
    }
}

/// The four types, with mistake `BUG`.
pub struct Family<const BUG: u8>;
impl<const BUG: u8> TrieFamily for Family<BUG> {
    type Plain = Tiny<BUG, 0>;
    type Radix = Tiny<BUG, 1>;
    type Cached = Tiny<BUG, 2>;
    type Shared = TinyShared<BUG>;
}

/// The failed checks of a stage run on the default seed: name and message, each also printed
/// (shown when a test fails).
pub fn failures(stage: impl FnOnce(&mut crate::Ctx)) -> Vec<(String, String)> {
    use crate::report::{Event, Reporter};
    let mut ctx = crate::Ctx::new(Reporter::in_memory(), crate::runner::DEFAULT_SEED);
    stage(&mut ctx);
    let failed: Vec<(String, String)> = ctx
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::CheckEnd {
                name,
                passed: false,
                message,
                ..
            } => Some((name.clone(), message.clone())),
            Event::Measurement(m) if !m.passed => Some((m.name.clone(), m.threshold.clone())),
            _ => None,
        })
        .collect();
    for (name, message) in &failed {
        eprintln!("FAILED {name}\n    {message}");
    }
    failed
}
