//! The named `trie` workloads: what `cargo kata bench trie` times, what the quality stage
//! measures on, and the term sets of the complexity stage, defined once here.
//!
//! # The vocabulary
//!
//! [`vocabulary`] generates search queries that look like real ones, from a seed and a
//! [`Vocabulary`] (the parameters, printed by the quality stage): first a lexicon of distinct
//! words, each of a length drawn from [`WORD_LENGTHS`] (English dictionary words, 1 to 12
//! letters, mostly 3 to 7) and of letters drawn by their frequency in English text
//! ([`LETTER_FREQUENCIES`]); a few per cent of the words get an accented letter (`é`, `è`, `ü`,
//! `ñ`, `ç`, `ö`, `á`: two bytes each in UTF-8), so that a prefix can stop inside a character.
//! Then queries of one to three words ([`WORDS_PER_QUERY`]), each word drawn from the lexicon
//! with Zipf(`word_s`) popularity (popular words start many queries, as in a real query log), kept
//! when new, until there are `terms` of them. Each query gets a weight by its popularity rank
//! `r` (ranks dealt at random): `max(1, round(top_weight / (r + 1)^weight_s))`, Zipf again, with
//! many ties in the tail.
//!
//! # The bench workloads ([`BENCH`]), on [`BENCH_VOCABULARY`] (100 000 terms)
//!
//! - **`top-k`** ([`Queries`]): the cached trie (`CachedTrie::new()`, caching
//!   [`DEFAULT_CACHE`](kata_core::trie::DEFAULT_CACHE) terms per node) holding the vocabulary,
//!   `top_k(prefix, 10)` for prefixes of one to three bytes of the terms ([`Plan::queries`]):
//!   answered from the prefix's node.
//! - **`top-k-uncached`**: the same queries on the plain trie, which searches the prefix's
//!   subtree.
//! - **`insert`** ([`Build`]): the plain trie built from empty with the vocabulary, in the order
//!   generated, then again.
//! - **`lookup`** ([`Lookups`]): `weight(term)` on the plain trie holding the vocabulary, present
//!   and absent terms alternately ([`Plan::lookups`]).
//!
//! # The complexity stage's term sets
//!
//! - [`Plan::synthetic`]: `n` distinct terms of [`SYNTHETIC_BYTES`] (14) letters from 4
//!   ([`HEAD`]), scrambled from the term's number; weights Zipf by the number. Every one of the
//!   16 two-letter prefixes is completed by about `n / 16` terms, every one-letter prefix by
//!   `n / 4`, and an update touches 15 nodes whatever `n`. Four letters, not more: the subtree
//!   of a node `d` bytes deep holds about `n / 4^d` terms, so each 4 times more terms fills the
//!   caches of a cached trie one level deeper, the same step at every size of the series (with
//!   16 letters, one level per 16 times, half of the steps between two sizes held most of the
//!   growth, and a cost that is a logarithm fitted no class).
//! - [`Stems`]: for the insert series, 4 stems of `length − 8` bytes inserted first; each
//!   operation inserts a new term, a stem and 8 more bytes, whose bytes the workload writes in
//!   place (no allocation, no copy of the stem), so that only the trie's work grows with the
//!   length.

use std::collections::HashSet;
use std::hint::black_box;
use std::sync::Arc;

use kata_core::trie::Autocomplete;

pub use crate::measure::Spec;
use crate::measure::SplitMix64;

/// The workloads the benches time, in the order they run. See the module documentation.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "top-k",
        summary: "CachedTrie::new() holding 100 000 generated queries: top_k(1-3 byte prefix, 10)",
    },
    Spec {
        name: "top-k-uncached",
        summary: "Trie (plain) holding the same 100 000 queries: top_k(1-3 byte prefix, 10), \
                  the subtree searched",
    },
    Spec {
        name: "insert",
        summary: "Trie (plain) built from empty with the 100 000 queries, again and again",
    },
    Spec {
        name: "lookup",
        summary: "Trie (plain) holding the 100 000 queries: weight(term), present and absent \
                  alternately",
    },
];

/// The `k` of every top-k workload.
pub const K: usize = 10;

/// The parameters of a generated vocabulary (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vocabulary {
    /// Distinct queries (terms) generated.
    pub terms: usize,
    /// Distinct words in the lexicon the queries are made of.
    pub lexicon: usize,
    /// The Zipf exponent of a word's popularity in queries.
    pub word_s: f64,
    /// The Zipf exponent of the queries' weights.
    pub weight_s: f64,
    /// The weight of the most popular query.
    pub top_weight: u64,
    /// Words with an accented letter, per thousand.
    pub accented_per_mille: u64,
}

impl Vocabulary {
    /// The parameters, in a line for a note.
    pub fn describe(&self) -> String {
        format!(
            "{} distinct queries of 1-3 words ({} % one word, {} % two, {} % three) from a \
             lexicon of {} words (lengths 1-12 letters, mean {:.1}; letters by English \
             frequency; {:.1} % with an accented letter, é è ü ñ ç ö á), words drawn \
             Zipf(s = {}); weights max(1, round({} / rank^{})), ranks dealt at random",
            self.terms,
            WORDS_PER_QUERY[0],
            WORDS_PER_QUERY[1],
            WORDS_PER_QUERY[2],
            self.lexicon,
            mean_word_length(),
            self.accented_per_mille as f64 / 10.0,
            self.word_s,
            self.top_weight,
            self.weight_s
        )
    }
}

/// The quality stage's vocabulary: 50 000 queries.
pub const QUALITY_VOCABULARY: Vocabulary = Vocabulary {
    terms: 50_000,
    lexicon: 20_000,
    word_s: 1.0,
    weight_s: 1.0,
    top_weight: 1_000_000,
    accented_per_mille: 30,
};

/// The benches' vocabulary: 100 000 queries.
pub const BENCH_VOCABULARY: Vocabulary = Vocabulary {
    terms: 100_000,
    lexicon: 30_000,
    ..QUALITY_VOCABULARY
};

/// The share of words of each length 1 to 12 (in per cent), roughly that of English dictionary
/// words.
pub const WORD_LENGTHS: [u64; 12] = [2, 8, 13, 15, 14, 13, 11, 9, 6, 4, 3, 2];

/// The share of queries of one, two and three words (in per cent).
pub const WORDS_PER_QUERY: [u64; 3] = [30, 45, 25];

/// Letters and their frequency in English text, in hundredths of a per cent.
pub const LETTER_FREQUENCIES: [(char, u64); 26] = [
    ('a', 817),
    ('b', 149),
    ('c', 278),
    ('d', 425),
    ('e', 1270),
    ('f', 223),
    ('g', 202),
    ('h', 609),
    ('i', 697),
    ('j', 15),
    ('k', 77),
    ('l', 403),
    ('m', 241),
    ('n', 675),
    ('o', 751),
    ('p', 193),
    ('q', 10),
    ('r', 599),
    ('s', 633),
    ('t', 906),
    ('u', 276),
    ('v', 98),
    ('w', 236),
    ('x', 15),
    ('y', 197),
    ('z', 7),
];

/// The accented letters a few words get: two bytes each in UTF-8, five of them starting with
/// the byte `C3`.
pub const ACCENTED: [char; 7] = ['é', 'è', 'ü', 'ñ', 'ç', 'ö', 'á'];

/// The mean word length of [`WORD_LENGTHS`].
fn mean_word_length() -> f64 {
    let total: u64 = WORD_LENGTHS.iter().sum();
    WORD_LENGTHS
        .iter()
        .enumerate()
        .map(|(i, &w)| (i + 1) as f64 * w as f64)
        .sum::<f64>()
        / total as f64
}

/// An index drawn from `weights` (any positive numbers), by their share of the total.
fn pick(rng: &mut SplitMix64, weights: &[u64]) -> usize {
    let total: u64 = weights.iter().sum();
    let mut x = rng.below(total);
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Ranks `0..n` drawn with probability proportional to `1 / (rank + 1)^s`.
#[derive(Debug, Clone)]
pub struct ZipfRanks {
    cdf: Vec<f64>,
}

impl ZipfRanks {
    /// Over `n` ranks (at least 1), exponent `s`.
    pub fn new(n: usize, s: f64) -> ZipfRanks {
        let mut cdf = Vec::with_capacity(n.max(1));
        let mut total = 0.0;
        for r in 0..n.max(1) {
            total += 1.0 / ((r + 1) as f64).powf(s);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        ZipfRanks { cdf }
    }

    /// A rank.
    pub fn sample(&self, rng: &mut SplitMix64) -> usize {
        let u = rng.unit();
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
    }
}

/// A word of the lexicon.
fn word(rng: &mut SplitMix64, accented_per_mille: u64) -> String {
    let len = pick(rng, &WORD_LENGTHS) + 1;
    let freqs: Vec<u64> = LETTER_FREQUENCIES.iter().map(|&(_, f)| f).collect();
    let mut letters: Vec<char> = (0..len)
        .map(|_| LETTER_FREQUENCIES[pick(rng, &freqs)].0)
        .collect();
    if rng.below(1_000) < accented_per_mille {
        let at = rng.below(len as u64) as usize;
        letters[at] = ACCENTED[rng.below(ACCENTED.len() as u64) as usize];
    }
    letters.into_iter().collect()
}

/// The weight of popularity rank `rank` (0 the most popular).
pub fn zipf_weight(rank: usize, top_weight: u64, s: f64) -> u64 {
    ((top_weight as f64 / ((rank + 1) as f64).powf(s)).round() as u64).max(1)
}

/// A generated vocabulary (see the module documentation): `params.terms` distinct terms with
/// their weights, in the order generated.
pub fn vocabulary(params: &Vocabulary, seed: u64) -> Vec<(String, u64)> {
    let mut rng = SplitMix64::new(seed ^ 0x766F_6361_6275_6C61);
    let mut seen = HashSet::new();
    let mut lexicon = Vec::with_capacity(params.lexicon);
    while lexicon.len() < params.lexicon {
        let w = word(&mut rng, params.accented_per_mille);
        if seen.insert(w.clone()) {
            lexicon.push(w);
        }
    }
    let popularity = ZipfRanks::new(lexicon.len(), params.word_s);
    let mut queries = HashSet::with_capacity(params.terms);
    let mut terms = Vec::with_capacity(params.terms);
    while terms.len() < params.terms {
        let words = pick(&mut rng, &WORDS_PER_QUERY) + 1;
        let q: Vec<&str> = (0..words)
            .map(|_| lexicon[popularity.sample(&mut rng)].as_str())
            .collect();
        let q = q.join(" ");
        if queries.insert(q.clone()) {
            terms.push(q);
        }
    }
    let mut ranks: Vec<usize> = (0..terms.len()).collect();
    for i in (1..ranks.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        ranks.swap(i, j);
    }
    terms
        .into_iter()
        .zip(ranks)
        .map(|(t, r)| (t, zipf_weight(r, params.top_weight, params.weight_s)))
        .collect()
}

/// `count` prefixes of `terms` (drawn uniformly) of 1 to `longest` bytes (at most the term's
/// length), cut anywhere, inside a character too.
pub fn prefixes(terms: &[(String, u64)], count: usize, longest: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64::new(seed ^ 0x7072_6566_6978);
    (0..count)
        .map(|_| {
            let t = terms[rng.below(terms.len() as u64) as usize].0.as_bytes();
            let len = (1 + rng.below(longest as u64) as usize).min(t.len());
            t[..len].to_vec()
        })
        .collect()
}

/// Queries in a plan, cycled.
pub const QUERIES: usize = 4_096;

/// What a workload asks, built once and shared by every contender: the terms to hold, the
/// prefixes to complete, the terms to look up.
#[derive(Debug, Clone)]
pub struct Plan {
    terms: Arc<[(String, u64)]>,
    queries: Arc<[Vec<u8>]>,
    lookups: Arc<[String]>,
}

impl Plan {
    /// The plan of bench workload `workload` (see [`BENCH`]), drawn from `seed`.
    ///
    /// # Errors
    ///
    /// When `workload` is not one of [`BENCH`] (the message names them).
    pub fn new(workload: &str, seed: u64) -> Result<Plan, String> {
        if !BENCH.iter().any(|s| s.name == workload) {
            let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
            return Err(format!(
                "no trie workload named `{workload}`; the workloads are: {}",
                known.join(", ")
            ));
        }
        Ok(Plan::generated(&BENCH_VOCABULARY, seed))
    }

    /// A plan over a vocabulary generated with `params` from `seed`: [`QUERIES`] prefixes of 1
    /// to 3 bytes, and as many lookups, present (even places) and absent (odd: a term and a
    /// byte more) alternately.
    pub fn generated(params: &Vocabulary, seed: u64) -> Plan {
        Plan::over(vocabulary(params, seed), 3, seed)
    }

    /// A plan over `terms` (not empty), with prefixes of 1 to `longest` bytes.
    fn over(terms: Vec<(String, u64)>, longest: usize, seed: u64) -> Plan {
        let queries = prefixes(&terms, QUERIES, longest, seed);
        let mut rng = SplitMix64::new(seed ^ 0x6C6F_6F6B);
        let lookups = (0..QUERIES)
            .map(|i| {
                let t = &terms[rng.below(terms.len() as u64) as usize].0;
                if i % 2 == 0 {
                    t.clone()
                } else {
                    // A term that is not there: one of them with a byte no term has after it
                    // ('~' is not a letter).
                    format!("{t}~")
                }
            })
            .collect();
        Plan {
            terms: terms.into(),
            queries: queries.into(),
            lookups,
        }
    }

    /// The complexity stage's synthetic term set of `n` terms (see the module documentation).
    pub fn synthetic(n: usize, seed: u64) -> Plan {
        let terms: Vec<(String, u64)> = (0..n)
            .map(|i| {
                (
                    synthetic_term(i as u64, seed),
                    zipf_weight(i, 1_000_000, 1.0),
                )
            })
            .collect();
        let queries: Vec<Vec<u8>> = HEAD
            .iter()
            .flat_map(|&a| HEAD.iter().map(move |&b| vec![a, b]))
            .collect();
        let ranks = ZipfRanks::new(n, 1.0);
        let mut rng = SplitMix64::new(seed ^ 0x7A69_7066);
        let lookups = (0..QUERIES)
            .map(|_| terms[ranks.sample(&mut rng)].0.clone())
            .collect();
        Plan {
            terms: terms.into(),
            queries: queries.into(),
            lookups,
        }
    }

    /// The same plan asking `queries` instead (not empty).
    pub fn with_queries(mut self, queries: Vec<Vec<u8>>) -> Plan {
        self.queries = queries.into();
        self
    }

    /// The terms and their weights, in the order to insert them.
    pub fn terms(&self) -> &[(String, u64)] {
        &self.terms
    }

    /// The prefixes the top-k workloads ask, in order (cycled).
    pub fn queries(&self) -> &[Vec<u8>] {
        &self.queries
    }

    /// The terms the lookup workload asks, in order (cycled): for a generated plan, present and
    /// absent alternately; for a synthetic one, present terms drawn Zipf(1) by weight.
    pub fn lookups(&self) -> &[String] {
        &self.lookups
    }

    /// A store `T` holding the plan's terms.
    ///
    /// # Panics
    ///
    /// When the store refuses one of them (they are all valid terms).
    pub fn filled<T: Autocomplete>(&self) -> T {
        let mut t = T::new();
        for (term, w) in self.terms.iter() {
            t.insert(term, *w).expect("the plan's terms are valid");
        }
        t
    }
}

/// The letters of a synthetic term, and the first letters of the insert series' stems.
pub const HEAD: [u8; 4] = *b"etao";
/// The letters of the insert series' stems and suffixes.
pub const TAIL: [u8; 16] = *b"etaoinshrdlucmfw";
/// The length of a synthetic term: 14 letters of 2 bits, the 28 bits of a scrambled number.
pub const SYNTHETIC_BYTES: usize = 14;

/// A bijection of the 28-bit numbers, mixed by `seed`.
fn scramble28(i: u64, seed: u64) -> u64 {
    const MASK: u64 = (1 << 28) - 1;
    let mut x = i.wrapping_mul(0x9E37_79B1).wrapping_add(seed) & MASK;
    x ^= x >> 14;
    x = x.wrapping_mul(0x0B4B_82E5) & MASK;
    x ^= x >> 13;
    x = x.wrapping_mul(0x0C2B_2AE3) & MASK;
    x ^ (x >> 15)
}

/// Synthetic term number `i` (below 2^28): [`SYNTHETIC_BYTES`] letters of [`HEAD`], two bits
/// each of a scramble of `i`, so distinct for distinct `i`.
pub fn synthetic_term(i: u64, seed: u64) -> String {
    let x = scramble28(i, seed);
    (0..SYNTHETIC_BYTES)
        .map(|d| char::from(HEAD[((x >> (2 * d)) & 3) as usize]))
        .collect()
}

/// A position in a list, cycling.
#[derive(Debug, Clone)]
struct Cycle {
    len: usize,
    next: usize,
}

impl Cycle {
    fn new(len: usize) -> Cycle {
        Cycle {
            len: len.max(1),
            next: 0,
        }
    }

    #[inline]
    fn next(&mut self) -> usize {
        let i = self.next;
        self.next += 1;
        if self.next == self.len {
            self.next = 0;
        }
        i
    }
}

/// The top-k workloads: a store `T` holding the plan's terms, `top_k(prefix, K)` per step, the
/// plan's prefixes in turn.
#[derive(Debug)]
pub struct Queries<T> {
    store: T,
    plan: Plan,
    at: Cycle,
    k: usize,
}

impl<T: Autocomplete> Queries<T> {
    /// `store` (holding the plan's terms) asked the plan's prefixes with `k`.
    pub fn on(store: T, plan: &Plan, k: usize) -> Self {
        Queries {
            store,
            plan: plan.clone(),
            at: Cycle::new(plan.queries.len()),
            k,
        }
    }

    /// A new store holding the plan's terms, asked with [`K`].
    pub fn new(plan: &Plan) -> Self {
        Queries::on(plan.filled(), plan, K)
    }

    /// Asks the next prefix; the answer through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let p = &self.plan.queries[self.at.next()];
        black_box(self.store.top_k(p, self.k));
    }

    /// The store.
    pub fn store(&self) -> &T {
        &self.store
    }
}

/// The insert workload: a store `T` built from empty with the plan's terms, one insert per
/// step, a new store when it holds them all.
#[derive(Debug)]
pub struct Build<T> {
    store: T,
    plan: Plan,
    at: usize,
}

impl<T: Autocomplete> Build<T> {
    /// An empty store for `plan`.
    pub fn new(plan: &Plan) -> Self {
        Build {
            store: T::new(),
            plan: plan.clone(),
            at: 0,
        }
    }

    /// Inserts the next term (into a new store when this one holds all of them).
    #[inline]
    pub fn step(&mut self) {
        if self.at == self.plan.terms.len() {
            self.store = T::new();
            self.at = 0;
        }
        let (t, w) = &self.plan.terms[self.at];
        self.at += 1;
        black_box(self.store.insert(t, *w)).expect("the plan's terms are valid");
    }

    /// The store.
    pub fn store(&self) -> &T {
        &self.store
    }
}

/// The lookup workload: a store `T` holding the plan's terms, `weight(term)` per step, the
/// plan's lookups in turn.
#[derive(Debug)]
pub struct Lookups<T> {
    store: T,
    plan: Plan,
    at: Cycle,
}

impl<T: Autocomplete> Lookups<T> {
    /// `store` (holding the plan's terms) asked the plan's lookups.
    pub fn on(store: T, plan: &Plan) -> Self {
        Lookups {
            store,
            plan: plan.clone(),
            at: Cycle::new(plan.lookups.len()),
        }
    }

    /// A new store holding the plan's terms.
    pub fn new(plan: &Plan) -> Self {
        Lookups::on(plan.filled(), plan)
    }

    /// Looks the next term up; the answer through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let t = &self.plan.lookups[self.at.next()];
        black_box(self.store.weight(t));
    }
}

/// The complexity stage's update series: a store `T` holding a synthetic plan's terms,
/// `add_weight(term, 1)` per step on the plan's lookups (Zipf-drawn terms, all present).
#[derive(Debug)]
pub struct Updates<T> {
    store: T,
    plan: Plan,
    at: Cycle,
}

impl<T: Autocomplete> Updates<T> {
    /// A new store holding the plan's terms.
    pub fn new(plan: &Plan) -> Self {
        Updates {
            store: plan.filled(),
            plan: plan.clone(),
            at: Cycle::new(plan.lookups.len()),
        }
    }

    /// Adds 1 to the next term's weight.
    #[inline]
    pub fn step(&mut self) {
        let t = &self.plan.lookups[self.at.next()];
        black_box(self.store.add_weight(t, 1)).expect("the plan's terms are valid");
    }
}

/// Stems in the insert series.
pub const STEMS: usize = 4;
/// The bytes after the stem in each term the insert series inserts.
pub const SUFFIX: usize = 8;

/// The insert series: a store `T` holding [`STEMS`] terms of `length − SUFFIX` bytes; each step
/// inserts a new term of `length` bytes, a stem and [`SUFFIX`] letters numbering the step.
#[derive(Debug)]
pub struct Stems<T> {
    store: T,
    /// One buffer per stem: the stem, then the suffix, rewritten in place at each step.
    terms: Vec<String>,
    stem: usize,
    step: u64,
}

impl<T: Autocomplete> Stems<T> {
    /// The store with its stems, for terms of `length` bytes (at least [`SUFFIX`] + 1); the
    /// stems' letters drawn from `seed`.
    ///
    /// # Panics
    ///
    /// When the store refuses a stem.
    pub fn new(length: usize, seed: u64) -> Self {
        let stem = length.saturating_sub(SUFFIX).max(1);
        let mut rng = SplitMix64::new(seed ^ 0x7374_656D);
        let mut store = T::new();
        let mut terms = Vec::with_capacity(STEMS);
        for s in 0..STEMS {
            let mut t = String::with_capacity(stem + SUFFIX);
            // Distinct first letters, so the stems share nothing.
            t.push(char::from(HEAD[s % HEAD.len()]));
            while t.len() < stem {
                t.push(char::from(TAIL[rng.below(16) as usize]));
            }
            store.insert(&t, 1).expect("a stem is a valid term");
            terms.push(t);
        }
        Stems {
            store,
            terms,
            stem,
            step: 0,
        }
    }

    /// Inserts the next term.
    #[inline]
    pub fn step(&mut self) {
        let n = self.step;
        self.step += 1;
        let t = &mut self.terms[(n % STEMS as u64) as usize];
        t.truncate(self.stem);
        let mut x = n / STEMS as u64;
        for _ in 0..SUFFIX {
            t.push(char::from(TAIL[(x & 15) as usize]));
            x >>= 4;
        }
        black_box(self.store.insert(t, n + 1)).expect("a valid term");
    }

    /// The store.
    pub fn store(&self) -> &T {
        &self.store
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_is_distinct_seeded_and_looks_like_queries() {
        let params = Vocabulary {
            terms: 3_000,
            lexicon: 2_000,
            ..QUALITY_VOCABULARY
        };
        let v = vocabulary(&params, 7);
        assert_eq!(v.len(), 3_000);
        assert_eq!(v, vocabulary(&params, 7));
        assert_ne!(v, vocabulary(&params, 8));
        let distinct: HashSet<&str> = v.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(distinct.len(), v.len());
        assert!(v.iter().all(|(t, w)| !t.is_empty() && *w >= 1));
        assert!(v.iter().any(|(_, w)| *w == params.top_weight));
        let accented = v.iter().filter(|(t, _)| !t.is_ascii()).count();
        assert!(accented > 30, "{accented}");
        let mean = v.iter().map(|(t, _)| t.len()).sum::<usize>() as f64 / v.len() as f64;
        assert!((6.0..20.0).contains(&mean), "{mean}");
        assert!(params.describe().contains("3000 distinct queries"));
    }

    #[test]
    fn synthetic_terms_are_distinct_and_every_pair_prefix_is_completed() {
        let p = Plan::synthetic(1 << 12, 3);
        let distinct: HashSet<&str> = p.terms().iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(distinct.len(), 1 << 12);
        assert!(p.terms().iter().all(|(t, _)| t.len() == SYNTHETIC_BYTES));
        assert_eq!(p.queries().len(), 16);
        for q in p.queries() {
            let n = p
                .terms()
                .iter()
                .filter(|(t, _)| t.as_bytes().starts_with(q))
                .count();
            assert!(n > 150, "{q:?}: {n}");
        }
    }

    #[test]
    fn the_bench_names_are_the_documented_ones() {
        let names: Vec<_> = BENCH.iter().map(|s| s.name).collect();
        assert_eq!(names, ["top-k", "top-k-uncached", "insert", "lookup"]);
        assert!(Plan::new("nope", 1).is_err());
    }
}
