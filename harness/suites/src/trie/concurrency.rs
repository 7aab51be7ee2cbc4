//! Stage 3 of `trie`: the shared store, read by many threads while one writes.
//!
//! The invariants, from [`ConcurrentAutocomplete`]'s documentation: a query racing an update
//! answers as the store stood before it or after it (never a half-inserted term, a term without
//! its weight, or a top list from no single moment); an update that has returned is seen by
//! every query that begins after it; concurrent updates lose nothing.
//!
//! Built with `--cfg kata_loom`, three small races are model-checked with loom over every
//! interleaving (up to the preemption bound), on `SharedTrie::with_cache(2)`:
//!
//! 1. a reader's `top_k(b"a", 10)` and `weight("ab")` racing `insert("ab", 5)` into a store
//!    holding `("ac", 3)`: before or after, both answers from one side of the insert;
//! 2. `add_weight("ab", 2)` (3 to 5, past `"ac"` at 4), then a flag set (Release): a reader
//!    that sees the flag (Acquire) gets the new top list, not a stale one;
//! 3. `add_weight("ab", 1)` and `add_weight("ab", 2)` from two threads at once: the weight ends
//!    at 3, one call returning 3 and the other its own delta.
//!
//! Built normally, real threads: [`READERS`] readers query (`top_k` with `k` within and beyond
//! the cache, `weight`) while one writer applies a Zipf stream of [`STREAM`] `add_weight`s over
//! [`TERMS`] generated terms. During the run every answer must be in order, name terms of the
//! stream only, with weights no higher than their final ones, and never lower than what the same
//! reader saw before (an update that returned stays seen). After the join, every term's weight
//! must be its count in the stream, and `top_k` must equal a single-thread `CachedTrie` fed the
//! same stream, at every prefix of one and two bytes.

use kata_core::trie::ConcurrentAutocomplete;

use super::TrieFamily;
use crate::Ctx;

/// Reader threads of the stress test.
#[cfg(not(kata_loom))]
pub const READERS: usize = 2;

/// Distinct terms in the stress test's stream.
#[cfg(not(kata_loom))]
pub const TERMS: usize = 3_000;

/// `add_weight` calls in the stress test's stream.
#[cfg(not(kata_loom))]
pub const STREAM: usize = 100_000;

/// The cache of the stores of this stage.
pub const CACHE: usize = 2;

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: TrieFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        &format!(
            "stress: SharedTrie::with_cache({CACHE}), {READERS} readers querying while a writer \
             applies {STREAM} add_weight calls (Zipf over {TERMS} terms): every answer in order \
             and never ahead of the stream or behind an earlier one; after the join, every \
             weight is its count and top_k is a single-thread CachedTrie's"
        ),
        || stress::<F::Shared, F::Cached>(seed),
    );
}

/// The stress test (see the module documentation).
#[cfg(not(kata_loom))]
fn stress<A: ConcurrentAutocomplete, C: kata_core::trie::CachedAutocomplete>(
    seed: u64,
) -> crate::check::Outcome {
    use std::collections::{BTreeSet, HashMap};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Barrier;

    use super::model::{answer_literal, bytes_literal, is_ranked};
    use super::workloads::{vocabulary, Vocabulary, ZipfRanks, QUALITY_VOCABULARY};
    use crate::check::guarded;
    use crate::measure::SplitMix64;

    let params = Vocabulary {
        terms: TERMS,
        lexicon: TERMS,
        ..QUALITY_VOCABULARY
    };
    let terms: Vec<String> = vocabulary(&params, seed)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    let ranks = ZipfRanks::new(terms.len(), 1.0);
    let mut rng = SplitMix64::new(seed ^ 0x5354_5245);
    let stream: Vec<(usize, u64)> = (0..STREAM)
        .map(|_| (ranks.sample(&mut rng), 1 + rng.below(3)))
        .collect();
    let mut fin: HashMap<&str, u64> = HashMap::new();
    for &(t, d) in &stream {
        *fin.entry(terms[t].as_str()).or_insert(0) += d;
    }
    let distinct = fin.len();
    // The weight of the term of each add_weight of the stream once it has returned.
    let mut sums: HashMap<usize, u64> = HashMap::new();
    let after: Vec<u64> = stream
        .iter()
        .map(|&(t, d)| {
            let w = sums.entry(t).or_insert(0);
            *w += d;
            *w
        })
        .collect();
    // The prefixes the readers ask: the first one and two bytes of terms in the stream.
    let prefixes: Vec<Vec<u8>> = {
        let mut set = BTreeSet::new();
        set.insert(Vec::new());
        for t in fin.keys() {
            let b = t.as_bytes();
            set.insert(b[..1].to_vec());
            set.insert(b[..2.min(b.len())].to_vec());
        }
        set.into_iter().collect()
    };
    let store =
        A::with_cache(CACHE).map_err(|e| format!("SharedTrie::with_cache({CACHE}) failed: {e}"))?;
    let done = AtomicBool::new(false);
    // How many add_weight calls of the stream have returned.
    let progress = AtomicUsize::new(0);
    let start = Barrier::new(READERS + 1);
    let results: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let (store, done, start, fin, terms, prefixes, stream) =
            (&store, &done, &start, &fin, &terms, &prefixes, &stream);
        let (progress, after) = (&progress, &after);
        let writer = scope.spawn(move || {
            start.wait();
            let out = guarded(|| -> Result<(), String> {
                let mut mine: HashMap<usize, u64> = HashMap::new();
                for (i, &(t, d)) in stream.iter().enumerate() {
                    let w = mine.entry(t).or_insert(0);
                    *w += d;
                    let got = store
                        .add_weight(&terms[t], d)
                        .map_err(|e| format!("add_weight({:?}, {d}) failed: {e}", terms[t]))?;
                    progress.store(i + 1, Ordering::Release);
                    if got != *w {
                        return Err(format!(
                            "the writer's add_weight {} ({:?}, {d}) returned {got}, expected \
                             {w}: the sum of the deltas so far (only this thread writes)",
                            i + 1,
                            terms[t]
                        ));
                    }
                }
                Ok(())
            })
            .and_then(|r| r);
            done.store(true, Ordering::Release);
            out.map_err(|e| format!("writer: {e}"))
        });
        let readers: Vec<_> = (0..READERS)
            .map(|r| {
                scope.spawn(move || {
                    start.wait();
                    guarded(|| -> Result<(), String> {
                        let mut seen: HashMap<String, u64> = HashMap::new();
                        let mut rng = SplitMix64::new(seed ^ r as u64);
                        let mut queries = 0u64;
                        loop {
                            let last = done.load(Ordering::Acquire);
                            let n = progress.load(Ordering::Acquire);
                            if n > 0 {
                                let (t, _) = stream[n - 1];
                                let t = &terms[t];
                                let got = store.weight(t);
                                if got.is_none_or(|w| w < after[n - 1]) {
                                    return Err(format!(
                                        "the writer's add_weight {n} had returned, leaving \
                                         {t:?} at {}, but this reader's weight({t:?}) after \
                                         that is {got:?}: an update that has returned must be \
                                         seen by every query that begins after it (a snapshot \
                                         or cache published late?)",
                                        after[n - 1]
                                    ));
                                }
                            }
                            let p = &prefixes[rng.below(prefixes.len() as u64) as usize];
                            let k = if queries.is_multiple_of(2) {
                                CACHE
                            } else {
                                CACHE + 5
                            };
                            let answer = store.top_k(p, k);
                            let call = format!("top_k({}, {k})", bytes_literal(p));
                            if !is_ranked(&answer) || answer.len() > k {
                                return Err(format!(
                                    "{call} during the writes is {}: not in order (heaviest \
                                     first, equal weights in byte order, each term once, at \
                                     most k): a list from no single moment?",
                                    answer_literal(&answer)
                                ));
                            }
                            for (t, w) in &answer {
                                let most = fin.get(t.as_str()).copied();
                                if !t.as_bytes().starts_with(p) || most.is_none_or(|m| *w > m) {
                                    return Err(format!(
                                        "{call} during the writes holds ({t:?}, {w}), but the \
                                         stream only ever raises {t:?} to {most:?}: a term or a \
                                         weight from nowhere (a torn read?)"
                                    ));
                                }
                                let before = seen.entry(t.clone()).or_insert(0);
                                if *w < *before {
                                    return Err(format!(
                                        "{call} during the writes gives {t:?} weight {w}, but \
                                         this reader saw it at {before} before: weights only \
                                         go up, and an update that returned must be seen by \
                                         every query that begins after it (a stale cache or \
                                         snapshot?)"
                                    ));
                                }
                                *before = *w;
                            }
                            let t = &terms[rng.below(terms.len() as u64) as usize];
                            let got = store.weight(t);
                            let before = seen.get(t.as_str()).copied().unwrap_or(0);
                            let most = fin.get(t.as_str()).copied();
                            let fine = match (got, most) {
                                (None, _) => before == 0,
                                (Some(w), Some(m)) => w >= before && w <= m && w > 0,
                                (Some(_), None) => false,
                            };
                            if !fine {
                                return Err(format!(
                                    "weight({t:?}) during the writes is {got:?}; this reader \
                                     saw {before} before, and the stream raises it to \
                                     {most:?}: a weight goes from absent to positive and up, \
                                     never down, never beyond the stream"
                                ));
                            }
                            if let Some(w) = got {
                                seen.insert(t.clone(), w);
                            }
                            queries += 1;
                            if last {
                                return Ok(());
                            }
                        }
                    })
                    .and_then(|r| r)
                    .map_err(|e| format!("reader {r}: {e}"))
                })
            })
            .collect();
        std::iter::once(writer)
            .chain(readers)
            .map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into())))
            .collect()
    });
    for r in results {
        r?;
    }
    let len = store.len();
    if len != distinct {
        return Err(format!(
            "after the writer and the readers were joined, len() is {len}, expected {distinct} \
             (the distinct terms of the stream)"
        ));
    }
    let mut sorted: Vec<(&&str, &u64)> = fin.iter().collect();
    sorted.sort();
    for (t, &w) in sorted {
        let got = store.weight(t);
        if got != Some(w) {
            return Err(format!(
                "after the join, weight({t:?}) is {got:?}, expected Some({w}): its count in the \
                 stream (an update lost?)"
            ));
        }
    }
    let mut single =
        C::with_cache(CACHE).map_err(|e| format!("CachedTrie::with_cache({CACHE}) failed: {e}"))?;
    for &(t, d) in &stream {
        single
            .add_weight(&terms[t], d)
            .map_err(|e| format!("CachedTrie: add_weight failed: {e}"))?;
    }
    for p in &prefixes {
        for k in [CACHE, 10] {
            let (got, want) = (store.top_k(p, k), single.top_k(p, k));
            if got != want {
                return Err(format!(
                    "after the join, SharedTrie's top_k({}, {k}) is {}, but a single-thread \
                     CachedTrie::with_cache({CACHE}) fed the same stream answers {}",
                    bytes_literal(p),
                    answer_literal(&got),
                    answer_literal(&want)
                ));
            }
        }
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: TrieFamily>(ctx: &mut Ctx) {
    before_or_after::<F::Shared>(ctx);
    published::<F::Shared>(ctx);
    no_lost_update::<F::Shared>(ctx);
}

/// A new shared store of [`CACHE`], holding `terms`.
#[cfg(kata_loom)]
fn shared<A: ConcurrentAutocomplete>(terms: &[(&str, u64)]) -> Result<loom::sync::Arc<A>, String> {
    let store =
        A::with_cache(CACHE).map_err(|e| format!("SharedTrie::with_cache({CACHE}) failed: {e}"))?;
    for &(t, w) in terms {
        store
            .insert(t, w)
            .map_err(|e| format!("SharedTrie: insert({t:?}, {w}) failed: {e}"))?;
    }
    Ok(loom::sync::Arc::new(store))
}

/// `pairs` as an owned answer.
#[cfg(kata_loom)]
fn answer(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|&(t, w)| (t.to_owned(), w)).collect()
}

/// A reader racing an insert: before or after.
#[cfg(kata_loom)]
fn before_or_after<A: ConcurrentAutocomplete + 'static>(ctx: &mut Ctx) {
    use super::model::answer_literal;
    ctx.check(
        "loom: a reader's top_k(b\"a\", 10) and weight(\"ab\") racing insert(\"ab\", 5), on a \
         store holding (\"ac\", 3): each answer is the store before or after the insert",
        || {
            crate::check::loom_model(|| {
                let store = shared::<A>(&[("ac", 3)])?;
                let writer = {
                    let store = loom::sync::Arc::clone(&store);
                    loom::thread::spawn(move || store.insert("ab", 5))
                };
                let before = answer(&[("ac", 3)]);
                let after = answer(&[("ab", 5), ("ac", 3)]);
                let got = store.top_k(b"a", 10);
                if got != before && got != after {
                    return Err(format!(
                        "invariant broken: one thread called insert(\"ab\", 5) on a \
                         SharedTrie::with_cache(2) holding (\"ac\", 3); another's \
                         top_k(b\"a\", 10) at the same time answered {}, expected {} (before) \
                         or {} (after): a query must see the store before the update or after \
                         it, never half of it (take the lock around the whole update, or swap \
                         in a snapshot that is complete)",
                        answer_literal(&got),
                        answer_literal(&before),
                        answer_literal(&after)
                    ));
                }
                let w = store.weight("ab");
                if w.is_some() && w != Some(5) {
                    return Err(format!(
                        "invariant broken: weight(\"ab\") racing insert(\"ab\", 5) answered \
                         {w:?}, expected None (before) or Some(5) (after): a term must never be \
                         seen without its weight"
                    ));
                }
                let returned = writer.join().expect("thread");
                if returned != Ok(None) {
                    return Err(format!(
                        "insert(\"ab\", 5) into a store without \"ab\" returned {returned:?}, \
                         expected Ok(None)"
                    ));
                }
                let got = store.top_k(b"a", 10);
                if got != after {
                    return Err(format!(
                        "after insert(\"ab\", 5) returned and its thread was joined, \
                         top_k(b\"a\", 10) is {}, expected {}",
                        answer_literal(&got),
                        answer_literal(&after)
                    ));
                }
                Ok(())
            })
        },
    );
}

/// An update published by a release store is seen by a query after the acquire load.
#[cfg(kata_loom)]
fn published<A: ConcurrentAutocomplete + 'static>(ctx: &mut Ctx) {
    use loom::sync::atomic::{AtomicBool, Ordering};

    use super::model::answer_literal;
    ctx.check(
        "loom: add_weight(\"ab\", 2) lifts \"ab\" past \"ac\", then a flag is set (Release); a \
         reader that sees the flag (Acquire) gets the new top list",
        || {
            crate::check::loom_model(|| {
                let store = shared::<A>(&[("ab", 3), ("ac", 4)])?;
                let flag = loom::sync::Arc::new(AtomicBool::new(false));
                let writer = {
                    let (store, flag) = (
                        loom::sync::Arc::clone(&store),
                        loom::sync::Arc::clone(&flag),
                    );
                    loom::thread::spawn(move || {
                        let got = store.add_weight("ab", 2);
                        flag.store(true, Ordering::Release);
                        got
                    })
                };
                let after = answer(&[("ab", 5), ("ac", 4)]);
                if flag.load(Ordering::Acquire) {
                    let got = store.top_k(b"a", 2);
                    if got != after {
                        return Err(format!(
                            "invariant broken: one thread called add_weight(\"ab\", 2) on a \
                             SharedTrie::with_cache(2) holding (\"ab\", 3) and (\"ac\", 4), \
                             then set a flag; another saw the flag and then asked top_k(b\"a\", \
                             2): {}, expected {}: an update that has returned must be seen by \
                             every query that begins after it (no cache or snapshot a reader \
                             keeps from before)",
                            answer_literal(&got),
                            answer_literal(&after)
                        ));
                    }
                }
                let returned = writer.join().expect("thread");
                if returned != Ok(5) {
                    return Err(format!(
                        "add_weight(\"ab\", 2) on (\"ab\", 3) returned {returned:?}, expected \
                         Ok(5)"
                    ));
                }
                let got = store.top_k(b"a", 2);
                if got != after {
                    return Err(format!(
                        "after add_weight(\"ab\", 2) returned and its thread was joined, \
                         top_k(b\"a\", 2) is {}, expected {}",
                        answer_literal(&got),
                        answer_literal(&after)
                    ));
                }
                Ok(())
            })
        },
    );
}

/// Two `add_weight`s of one term at once: nothing lost.
#[cfg(kata_loom)]
fn no_lost_update<A: ConcurrentAutocomplete + 'static>(ctx: &mut Ctx) {
    ctx.check(
        "loom: two threads call add_weight(\"ab\", 1) and add_weight(\"ab\", 2) at once on an \
         empty store: the weight ends at 3, one call returning 3 and the other its own delta",
        || {
            crate::check::loom_model(|| {
                let store = shared::<A>(&[])?;
                let adder = |d: u64| {
                    let store = loom::sync::Arc::clone(&store);
                    loom::thread::spawn(move || store.add_weight("ab", d))
                };
                let (a, b) = (adder(1), adder(2));
                let (ra, rb) = (a.join().expect("thread"), b.join().expect("thread"));
                let w = store.weight("ab");
                let fine = matches!((ra, rb), (Ok(1), Ok(3)) | (Ok(3), Ok(2)));
                if w != Some(3) || !fine || store.len() != 1 {
                    return Err(format!(
                        "invariant broken: two threads called add_weight(\"ab\", 1) and \
                         add_weight(\"ab\", 2) at once on an empty SharedTrie::with_cache(2); \
                         they returned {ra:?} and {rb:?}, and then weight(\"ab\") is {w:?} and \
                         len() {}, expected Some(3) and 1, the calls returning (1, 3) or (3, 2): \
                         an increment was lost, or the term inserted twice. Reading the weight \
                         under one lock and writing it under another lets the other thread in \
                         between: do the whole add under the write lock",
                        store.len()
                    ));
                }
                Ok(())
            })
        },
    );
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::{self, Family};
    use super::*;

    #[test]
    fn a_correct_store_passes_and_a_late_snapshot_does_not() {
        assert_eq!(tiny::failures(run::<Family<{ tiny::OK }>>), vec![]);
        let failed = tiny::failures(run::<Family<{ tiny::LAG }>>);
        assert!(
            failed.iter().any(|(_, m)| m.contains("must be seen")),
            "{failed:?}"
        );
    }
}

#[cfg(all(test, kata_loom))]
mod loom_tests {
    use kata_core::sync::RwLock;
    use kata_core::trie::{Autocomplete, CachedAutocomplete, ConfigError, TermError};

    use super::super::tiny::{self, Family, Tiny};
    use super::*;

    type Inner = Tiny<{ tiny::OK }, 2>;

    /// The cached store behind a `RwLock` of the shim, with a mistake: `LOST` reads the weight
    /// under the read lock and writes the sum under the write lock; `TORN` inserts a term in two
    /// writes, with weight 0 first.
    struct Locked<const BUG: u8>(RwLock<Inner>);

    const LOST: u8 = 1;
    const TORN: u8 = 2;

    impl<const BUG: u8> ConcurrentAutocomplete for Locked<BUG> {
        fn with_cache(cache: usize) -> Result<Self, ConfigError> {
            Inner::with_cache(cache).map(|t| Locked(RwLock::new(t)))
        }
        fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
            if BUG == TORN {
                let old = self.0.write().insert(term, 0)?;
                self.0.write().insert(term, weight)?;
                return Ok(old);
            }
            self.0.write().insert(term, weight)
        }
        fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError> {
            if BUG == LOST {
                let w = self.0.read().weight(term).unwrap_or(0);
                self.0.write().insert(term, w + delta)?;
                return Ok(w + delta);
            }
            self.0.write().add_weight(term, delta)
        }
        fn remove(&self, term: &str) -> Option<u64> {
            self.0.write().remove(term)
        }
        fn weight(&self, term: &str) -> Option<u64> {
            self.0.read().weight(term)
        }
        fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
            self.0.read().top_k(prefix, k)
        }
        fn len(&self) -> usize {
            self.0.read().len()
        }
    }

    struct With<const BUG: u8>;
    impl<const BUG: u8> TrieFamily for With<BUG> {
        type Plain = <Family<{ tiny::OK }> as TrieFamily>::Plain;
        type Radix = <Family<{ tiny::OK }> as TrieFamily>::Radix;
        type Cached = Inner;
        type Shared = Locked<BUG>;
    }

    #[test]
    fn each_race_is_caught_by_its_check() {
        assert_eq!(tiny::failures(run::<With<0>>), vec![]);
        let lost = tiny::failures(run::<With<LOST>>);
        assert!(
            lost.iter()
                .any(|(n, m)| n.starts_with("loom: two threads")
                    && m.contains("an increment was lost")),
            "{lost:?}"
        );
        let torn = tiny::failures(run::<With<TORN>>);
        assert!(
            torn.iter()
                .any(|(n, _)| n.starts_with("loom: a reader's top_k")),
            "{torn:?}"
        );
    }
}
