//! Stage 1 of `trie`: scenarios that read like the specification.
//!
//! Every scenario of the API runs on each of the four types (one generic helper over
//! [`Subject`], its checks named by the type; the shared store through `&self`): the typed
//! errors and a store unchanged by them, 1 024 bytes accepted and 1 025 refused (bytes, not
//! characters), `insert` returning the weight it replaced, weight 0 being a weight, `add_weight`
//! inserting, adding and saturating, `remove` returning the weight and then `None`; `top_k`
//! heaviest first with ties in byte order, `k` = 0, `k` beyond the matches, the empty prefix, a
//! prefix that is itself a term, a prefix nothing completes; ties again among 48 completions
//! inserted out of byte order (more than a small sort handles by insertion, so a sort by weight
//! that is not stable shows, and so does a collection kept in insertion order); the byte-prefix
//! rule (`b"caf\xC3"`
//! is completed by `café` and `cafè`, `b"\xFF"` by nothing); a term that is a prefix of others,
//! removed.
//!
//! Then the node counts, stated as the API lets a test assume them: a plain trie has exactly one
//! node per distinct non-empty byte prefix of its terms, plus the root (`car` and `cart`: 5); a
//! radix trie at most `2·len + 1` (`car` and `cart`: exactly 3, root, `car`, `t`); both go back
//! to 1 when emptied. The cached types: the configuration errors, `new()` caching
//! [`DEFAULT_CACHE`], answers with `k` up to the cache and beyond it, equal weights kept in
//! byte order in the caches as terms are inserted out of order and raised into a tie (updates
//! that only raise, checked before the stale cache, so that a tie-order mistake fails as one
//! and a stale cache does not), and the
//! classic stale cache: the heaviest term removed, a weight lowered (by removing and inserting
//! again, and by inserting over it), each seen at every prefix of the term. A wrong answer's
//! message says which rule it breaks ([`diagnose`]): a tie names the two terms in byte order;
//! on a caching type after a lowered weight or a removal, it also says that a cache not rebuilt
//! shows the same way.

use kata_core::trie::{
    Autocomplete, CachedAutocomplete, ConfigError, TermError, DEFAULT_CACHE, MAX_CACHE,
    MAX_TERM_BYTES,
};

use super::model::{answer_literal, bytes_literal, diagnose, str_literal, weight_literal, Model};
use super::subject::{fresh, made, Cached, Plain, Radix, Shared, Subject};
use super::TrieFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: TrieFamily>(ctx: &mut Ctx) {
    api::<Plain<F::Plain>>(ctx);
    api::<Radix<F::Radix>>(ctx);
    api::<Cached<F::Cached>>(ctx);
    api::<Shared<F::Shared>>(ctx);
    plain_nodes::<F::Plain>(ctx);
    radix_nodes::<F::Radix>(ctx);
    ctx.check("CachedTrie: an empty store has 1 node (the root)", || {
        let t = fresh::<Cached<F::Cached>>()?;
        ensure_eq!(
            t.node_count(),
            Some(1),
            "CachedTrie::with_cache({DEFAULT_CACHE}), empty: node_count()"
        );
        Ok(())
    });
    configuration::<Cached<F::Cached>>(ctx);
    configuration::<Shared<F::Shared>>(ctx);
    ctx.check(
        &format!("CachedTrie: new() caches DEFAULT_CACHE ({DEFAULT_CACHE}) terms per node"),
        || {
            let t = <F::Cached as Autocomplete>::new();
            ensure_eq!(t.cache(), DEFAULT_CACHE, "CachedTrie::new().cache()");
            ensure!(
                t.is_empty() && t.top_k(b"", 10).is_empty(),
                "CachedTrie::new() is not empty: len() is {}",
                t.len()
            );
            Ok(())
        },
    );
    caches::<Cached<F::Cached>>(ctx);
    caches::<Shared<F::Shared>>(ctx);
}

/// A store of `S` and, beside it, the model, driven together: every step is checked as it
/// goes, every query answered by the model.
struct Pair<S> {
    store: S,
    model: Model,
    /// What was done so far, as code, for messages.
    done: Vec<String>,
    /// Whether the last update lowered a term's weight or removed it (what a cache that is not
    /// rebuilt gets wrong).
    demoted: bool,
}

impl<S: Subject> Pair<S> {
    fn new(cache: usize) -> Result<Self, String> {
        Ok(Pair {
            store: made::<S>(cache)?,
            model: Model::default(),
            done: vec![S::KIND.made(cache)],
            demoted: false,
        })
    }

    /// What was done, for a message: the last few steps.
    fn after(&self) -> String {
        let skip = self.done.len().saturating_sub(8);
        let steps: Vec<&str> = self.done[skip..].iter().map(String::as_str).collect();
        let dots = if skip > 0 { "..., " } else { "" };
        format!("{}, after {dots}{}", S::KIND.type_name(), steps.join(", "))
    }

    fn insert(&mut self, term: &str, weight: u64) -> Outcome {
        let got = self.store.insert(term, weight);
        let want = self.model.insert(term, weight);
        let call = format!("insert({}, {})", str_literal(term), weight_literal(weight));
        if got != want {
            return Err(format!(
                "{}: {call} returned {got:?}, expected {want:?} (insert returns the weight it \
                 replaced, None for a new term)",
                self.after()
            ));
        }
        self.done.push(call);
        self.demoted = matches!(want, Ok(Some(old)) if weight < old);
        Ok(())
    }

    fn add(&mut self, term: &str, delta: u64) -> Outcome {
        let got = self.store.add_weight(term, delta);
        let want = self.model.add_weight(term, delta);
        let call = format!(
            "add_weight({}, {})",
            str_literal(term),
            weight_literal(delta)
        );
        if got != want {
            let why = if want == Ok(u64::MAX) {
                "the weight saturates at u64::MAX (saturating_add), it never wraps"
            } else {
                "add_weight returns the new weight, inserting the term with weight delta when \
                 it was absent"
            };
            return Err(format!(
                "{}: {call} returned {got:?}, expected {want:?}: {why}",
                self.after()
            ));
        }
        self.done.push(call);
        self.demoted = false;
        Ok(())
    }

    fn remove(&mut self, term: &str) -> Outcome {
        let got = self.store.remove(term);
        let want = self.model.remove(term);
        let call = format!("remove({})", str_literal(term));
        if got != want {
            return Err(format!(
                "{}: {call} returned {got:?}, expected {want:?} (the weight it had, None when \
                 it was not a term)",
                self.after()
            ));
        }
        self.done.push(call);
        self.demoted = want.is_some();
        Ok(())
    }

    /// `top_k(prefix, k)` against the model.
    fn top(&self, prefix: &[u8], k: usize) -> Outcome {
        let got = self.store.top_k(prefix, k);
        let want = self.model.top_k(prefix, k);
        if got != want {
            let cache = if S::KIND.caches() && self.demoted {
                " (the last update lowered a weight or removed a term: where that term leaves \
                 a full cache, the cache must be rebuilt from the node's own term and its \
                 children's caches, or a term that now belongs there is missing; so a stale \
                 cache can look like a tie broken the wrong way, and a tie broken the wrong way \
                 like a stale cache)"
            } else {
                ""
            };
            return Err(format!(
                "{}: top_k({}, {k}) is {}, expected {}: {}{cache}",
                self.after(),
                bytes_literal(prefix),
                answer_literal(&got),
                answer_literal(&want),
                diagnose(&got, &want, prefix, k, &self.model)
            ));
        }
        Ok(())
    }

    /// `top_k(prefix, k)` must be `want` (which must also be the model's: a test of the test).
    fn expect(&self, prefix: &[u8], k: usize, want: &[(&str, u64)]) -> Outcome {
        let want: Vec<(String, u64)> = want.iter().map(|&(t, w)| (t.to_owned(), w)).collect();
        debug_assert_eq!(
            want,
            self.model.top_k(prefix, k),
            "the scenario's own answer"
        );
        self.top(prefix, k)
    }

    /// `len()`, `weight` and `contains` of every term in `terms` against the model.
    fn terms(&self, terms: &[&str]) -> Outcome {
        ensure!(
            self.store.len() == self.model.len(),
            "{}: len() is {}, expected {}",
            self.after(),
            self.store.len(),
            self.model.len()
        );
        ensure!(
            self.store.is_empty() == self.model.is_empty(),
            "{}: is_empty() is {}, but len() is {}",
            self.after(),
            self.store.is_empty(),
            self.model.len()
        );
        for &t in terms {
            let (got, want) = (self.store.weight(t), self.model.weight(t));
            ensure!(
                got == want,
                "{}: weight({}) is {got:?}, expected {want:?}",
                self.after(),
                str_literal(t)
            );
            let has = self.store.contains(t);
            ensure!(
                has == want.is_some(),
                "{}: contains({}) is {has}, but weight({}) is {want:?}",
                self.after(),
                str_literal(t),
                str_literal(t)
            );
        }
        Ok(())
    }
}

/// The scenarios of the API every type shares.
fn api<S: Subject>(ctx: &mut Ctx) {
    let name = S::KIND.type_name();

    ctx.check(
        &format!("{name}: an empty store has no terms and completes nothing"),
        || {
            let mut p = Pair::<S>::new(DEFAULT_CACHE)?;
            p.terms(&["a", "car"])?;
            p.expect(b"", 10, &[])?;
            p.expect(b"a", 10, &[])?;
            p.remove("car")?;
            p.terms(&["car"])
        },
    );

    ctx.check(
        &format!(
            "{name}: an empty term is refused with Empty, one over {MAX_TERM_BYTES} bytes with \
             TooLong(bytes), and the store is unchanged; {MAX_TERM_BYTES} bytes are accepted"
        ),
        || errors::<S>(),
    );

    ctx.check(
        &format!(
            "{name}: insert returns the weight it replaced; weight and contains see the term, not \
             its prefixes; 0 is a weight like any other"
        ),
        || {
            let mut p = Pair::<S>::new(DEFAULT_CACHE)?;
            p.insert("car", 3)?;
            p.terms(&["car", "ca", "cart", "c"])?;
            p.insert("car", 5)?;
            p.terms(&["car"])?;
            p.insert("cart", 4)?;
            p.terms(&["car", "cart", "ca"])?;
            p.insert("zero", 0)?;
            p.terms(&["zero", "car"])?;
            p.expect(b"z", 5, &[("zero", 0)])?;
            p.expect(b"", 5, &[("car", 5), ("cart", 4), ("zero", 0)])?;
            p.insert("zero", 0)?;
            p.insert("car", 0)?;
            p.terms(&["car", "cart", "zero"])?;
            p.expect(b"ca", 5, &[("cart", 4), ("car", 0)])
        },
    );

    ctx.check(
        &format!(
            "{name}: add_weight inserts an absent term with the delta, adds to a present one, \
             and saturates at u64::MAX"
        ),
        || {
            let mut p = Pair::<S>::new(DEFAULT_CACHE)?;
            p.add("tea", 2)?;
            p.terms(&["tea", "te"])?;
            p.add("tea", 3)?;
            p.add("tea", 0)?;
            p.terms(&["tea"])?;
            p.add("new", 0)?;
            p.terms(&["new", "tea"])?;
            p.insert("big", u64::MAX - 1)?;
            p.add("big", 5)?;
            p.terms(&["big"])?;
            p.add("big", u64::MAX)?;
            p.add("huge", u64::MAX)?;
            p.add("huge", 1)?;
            p.terms(&["big", "huge", "tea"])?;
            p.expect(b"", 3, &[("big", u64::MAX), ("huge", u64::MAX), ("tea", 5)])
        },
    );

    ctx.check(
        &format!("{name}: remove returns the weight, then None; only that term goes"),
        || {
            let mut p = Pair::<S>::new(DEFAULT_CACHE)?;
            p.insert("car", 3)?;
            p.insert("cart", 4)?;
            p.remove("car")?;
            p.terms(&["car", "cart"])?;
            p.remove("car")?;
            p.remove("ca")?;
            p.remove("carts")?;
            p.remove("")?;
            p.terms(&["car", "cart"])?;
            p.expect(b"car", 10, &[("cart", 4)])?;
            p.remove("cart")?;
            p.terms(&["car", "cart"])?;
            p.expect(b"", 10, &[])?;
            p.insert("car", 7)?;
            p.terms(&["car", "cart"])?;
            p.expect(b"c", 10, &[("car", 7)])
        },
    );

    ctx.check(
        &format!(
            "{name}: top_k gives the heaviest first, equal weights in byte order (\"ab\" before \
             \"b\" before \"ba\"); k = 0 nothing, k beyond the matches all of them"
        ),
        || {
            let mut p = Pair::<S>::new(DEFAULT_CACHE)?;
            for (t, w) in [
                ("b", 2),
                ("ab", 2),
                ("ba", 2),
                ("c", 5),
                ("abc", 1),
                ("bb", 7),
            ] {
                p.insert(t, w)?;
            }
            let all = [
                ("bb", 7),
                ("c", 5),
                ("ab", 2),
                ("b", 2),
                ("ba", 2),
                ("abc", 1),
            ];
            p.expect(b"", 10, &all)?;
            p.expect(b"", 6, &all)?;
            p.expect(b"", 3, &all[..3])?;
            p.expect(b"", 4, &all[..4])?;
            p.expect(b"", 1, &all[..1])?;
            p.expect(b"", 0, &[])?;
            p.expect(b"b", 0, &[])?;
            p.expect(b"", 1_000, &all)?;
            crate::check::guarded(|| p.expect(b"", usize::MAX, &all)).map_err(|panic| {
                format!(
                    "{name}: top_k(b\"\", usize::MAX) {panic}: k may be any usize, and the \
                     answer holds min(k, completions) terms (reserve room for that many, not \
                     for k)"
                )
            })??;
            p.expect(b"b", 10, &[("bb", 7), ("b", 2), ("ba", 2)])?;
            p.expect(b"b", 2, &[("bb", 7), ("b", 2)])?;
            p.expect(b"ab", 10, &[("ab", 2), ("abc", 1)])?;
            p.expect(b"abc", 10, &[("abc", 1)])?;
            p.expect(b"abcd", 10, &[])?;
            p.expect(b"x", 10, &[])?;
            p.expect(b"B", 10, &[])
        },
    );

    ctx.check(
        &format!(
            "{name}: {TIE_TERMS} completions of three weights, inserted out of byte order: \
             equal weights still come in byte order"
        ),
        || {
            let mut p = Pair::<S>::new(DEFAULT_CACHE)?;
            for (t, w) in tie_terms() {
                p.insert(&t, w)?;
            }
            for (prefix, k) in [
                (&b""[..], 10),
                (b"", 1),
                (b"", 7),
                (b"b", 10),
                (b"e", 5),
                (b"", DEFAULT_CACHE),
            ] {
                p.top(prefix, k)?;
            }
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: prefixes are bytes: b\"caf\\xC3\" is completed by \"cafè\" and \"café\", \
             b\"\\xFF\" (not UTF-8) by nothing"
        ),
        || {
            let mut p = Pair::<S>::new(DEFAULT_CACHE)?;
            p.insert("café", 2)?;
            p.insert("cafè", 2)?;
            p.insert("cafe", 5)?;
            p.insert("éclair", 1)?;
            p.expect(b"caf\xC3", 10, &[("cafè", 2), ("café", 2)])?;
            p.expect(b"caf\xC3", 1, &[("cafè", 2)])?;
            p.expect(b"caf", 10, &[("cafe", 5), ("cafè", 2), ("café", 2)])?;
            p.expect("café".as_bytes(), 10, &[("café", 2)])?;
            p.expect(b"\xC3", 10, &[("éclair", 1)])?;
            p.expect(b"\xFF", 10, &[])?;
            p.expect(b"caf\xFF", 10, &[])?;
            p.expect(b"caf\xC3\xA9\xFF", 10, &[])?;
            p.add("café", 4)?;
            p.expect(b"caf\xC3", 10, &[("café", 6), ("cafè", 2)])?;
            p.expect(b"", 2, &[("café", 6), ("cafe", 5)])?;
            p.terms(&["café", "cafè", "cafe", "caf"])
        },
    );

    ctx.check(
        &format!(
            "{name}: \"car\", \"cart\", \"carton\": removing \"cart\" leaves \"car\" and \
             \"carton\" findable at every prefix"
        ),
        || {
            let mut p = Pair::<S>::new(DEFAULT_CACHE)?;
            p.insert("car", 1)?;
            p.insert("cart", 2)?;
            p.insert("carton", 3)?;
            p.expect(b"car", 10, &[("carton", 3), ("cart", 2), ("car", 1)])?;
            p.remove("cart")?;
            p.terms(&["car", "cart", "carton"])?;
            for prefix in [&b"c"[..], b"ca", b"car"] {
                p.expect(prefix, 10, &[("carton", 3), ("car", 1)])?;
            }
            for prefix in [&b"cart"[..], b"carto", b"carton"] {
                p.expect(prefix, 10, &[("carton", 3)])?;
            }
            p.expect(b"cartons", 10, &[])?;
            p.remove("car")?;
            p.expect(b"c", 10, &[("carton", 3)])?;
            p.insert("cart", 9)?;
            p.expect(b"car", 10, &[("cart", 9), ("carton", 3)])?;
            p.remove("carton")?;
            p.expect(b"cart", 10, &[("cart", 9)])?;
            p.expect(b"carto", 10, &[])?;
            p.terms(&["car", "cart", "carton"])
        },
    );
}

/// Terms in the tie scenario.
const TIE_TERMS: usize = 48;

/// The tie scenario's terms, in the order inserted: the two-letter terms `"aa"` to `"hf"`, of
/// weights 7, 4 and 7 in turn in byte order (32 of weight 7, so that `k` = 10 takes part of a
/// tie), inserted in a scrambled order (the `29·i mod 48`-th in byte order at step `i`). A sort
/// by weight alone that is not stable (`sort_unstable_by_key`), on more than 20 completions,
/// moves equal weights out of the byte order a walk collects them in; a collection kept in the
/// order of insertion is out of byte order from the start.
fn tie_terms() -> Vec<(String, u64)> {
    let by_bytes: Vec<(String, u64)> = (0..TIE_TERMS)
        .map(|j| {
            let term: String = [b'a' + (j / 6) as u8, b'a' + (j % 6) as u8]
                .iter()
                .map(|&b| char::from(b))
                .collect();
            (term, if j % 3 == 1 { 4 } else { 7 })
        })
        .collect();
    (0..TIE_TERMS)
        .map(|i| by_bytes[(29 * i) % TIE_TERMS].clone())
        .collect()
}

/// The error scenario (see its check's name).
fn errors<S: Subject>() -> Outcome {
    let name = S::KIND.type_name();
    let mut s = fresh::<S>()?;
    s.insert("car", 3)
        .map_err(|e| format!("{name}: insert(\"car\", 3) failed: {e}"))?;
    let snapshot = |s: &S| (s.len(), s.top_k(b"", 10), s.node_count());
    let before = snapshot(&s);
    let long_ascii = "a".repeat(MAX_TERM_BYTES + 1);
    // 512 two-byte characters and one more byte: 1 025 bytes in 513 characters.
    let long_accented = "é".repeat(MAX_TERM_BYTES / 2) + "a";
    let longer = "é".repeat(MAX_TERM_BYTES / 2 + 1);
    let refused: [(&str, &str, TermError); 4] = [
        ("", "\"\"", TermError::Empty),
        (
            &long_ascii,
            "&\"a\".repeat(1025)",
            TermError::TooLong(MAX_TERM_BYTES + 1),
        ),
        (
            &long_accented,
            "&(\"é\".repeat(512) + \"a\")",
            TermError::TooLong(MAX_TERM_BYTES + 1),
        ),
        (
            &longer,
            "&\"é\".repeat(513)",
            TermError::TooLong(MAX_TERM_BYTES + 2),
        ),
    ];
    for (term, lit, want) in refused {
        let hint = if term == long_accented {
            " (its length is counted in bytes, as str::len does: 512 × \"é\" is 1 024 bytes, \
             not 512)"
        } else {
            ""
        };
        let got = s.insert(term, 7);
        ensure!(
            got == Err(want),
            "{name}: insert({lit}, 7) returned {got:?}, expected Err({want:?}){hint}"
        );
        let got = s.add_weight(term, 7);
        ensure!(
            got == Err(want),
            "{name}: add_weight({lit}, 7) returned {got:?}, expected Err({want:?}){hint}"
        );
        let got = s.add_weight(term, 0);
        ensure!(
            got == Err(want),
            "{name}: add_weight({lit}, 0) returned {got:?}, expected Err({want:?}): a term is \
             checked before anything else, whatever the delta"
        );
        ensure_eq!(s.weight(term), None, "{name}: after that, weight({lit})");
        ensure_eq!(s.remove(term), None, "{name}: remove({lit})");
        let after = snapshot(&s);
        ensure!(
            after == before,
            "{name}: after insert({lit}, 7) and add_weight({lit}, 7) were refused, (len(), \
             top_k(b\"\", 10), node_count()) is {after:?}, was {before:?}: a refused term must \
             change nothing (check it before touching the store)"
        );
    }
    let e = TermError::TooLong(MAX_TERM_BYTES + 1);
    ensure!(
        e.to_string().contains("1025"),
        "TermError::TooLong(1025) displays as {e}"
    );
    let longest = "a".repeat(MAX_TERM_BYTES);
    let accented = "é".repeat(MAX_TERM_BYTES / 2);
    for (term, lit, w) in [
        (&longest, "&\"a\".repeat(1024)", 4u64),
        (&accented, "&\"é\".repeat(512)", 5),
    ] {
        let got = s.insert(term, w);
        ensure!(
            got == Ok(None),
            "{name}: insert({lit}, {w}) returned {got:?}, expected Ok(None): {MAX_TERM_BYTES} \
             bytes is the longest term accepted, and it is accepted"
        );
        ensure_eq!(s.weight(term), Some(w), "{name}: then weight({lit})");
    }
    let want = vec![("a".repeat(MAX_TERM_BYTES), 4)];
    let got = s.top_k(b"aa", 10);
    ensure!(
        got == want,
        "{name}: top_k(b\"aa\", 10) is {} entries ({:?}...), expected the one term of \
         {MAX_TERM_BYTES} bytes \"aaa...\" with weight 4",
        got.len(),
        got.first().map(|(t, w)| (t.len(), w))
    );
    let got = s.add_weight(&longest, 1);
    ensure!(
        got == Ok(5),
        "{name}: add_weight(&\"a\".repeat(1024), 1) returned {got:?}, expected Ok(5)"
    );
    ensure_eq!(
        s.remove(&accented),
        Some(5),
        "{name}: remove(&\"é\".repeat(512))"
    );
    ensure_eq!(
        s.remove(&longest),
        Some(5),
        "{name}: remove(&\"a\".repeat(1024))"
    );
    let after = snapshot(&s);
    ensure!(
        after == before,
        "{name}: after inserting the two {MAX_TERM_BYTES}-byte terms and removing them, (len(), \
         top_k(b\"\", 10), node_count()) is {after:?}, was {before:?}{}",
        if after.0 == before.0 && after.1 == before.1 {
            ": a removal must free the nodes that lead to no term any more (node_count counts \
             live nodes)"
        } else {
            ""
        }
    );
    Ok(())
}

/// The plain trie's node counts.
fn plain_nodes<T: Autocomplete>(ctx: &mut Ctx) {
    ctx.check(
        "Trie: node_count is the root plus one node per distinct byte prefix of the terms (empty \
         1; \"car\", \"cart\": 5), back to 1 when every term is removed",
        || {
            let mut t = T::new();
            let mut model = Model::default();
            let mut steps: Vec<String> = vec!["Trie::new()".to_owned()];
            let check = |t: &T, model: &Model, steps: &[String]| -> Outcome {
                let (got, want) = (t.node_count(), model.plain_nodes());
                if got == want {
                    return Ok(());
                }
                let terms: Vec<&String> = model.terms.keys().collect();
                Err(format!(
                    "Trie, after {}: node_count() is {got}, expected {want}: one node per byte, \
                     so the root and one node for each distinct non-empty byte prefix of the \
                     terms {terms:?}{}",
                    steps.join(", "),
                    if got > want {
                        " (a removal must free the nodes that lead to no term any more, and \
                         node_count counts live nodes only)"
                    } else {
                        ""
                    }
                ))
            };
            check(&t, &model, &steps)?;
            let ops: [(&str, Option<u64>); 12] = [
                ("car", Some(1)),
                ("cart", Some(2)),
                ("car", Some(5)),
                ("carton", Some(3)),
                ("é", Some(1)),
                ("cart", None),
                ("carton", None),
                ("é", None),
                ("ab", Some(1)),
                ("ac", Some(1)),
                ("car", None),
                ("ab", None),
            ];
            for (term, op) in ops {
                match op {
                    Some(w) => {
                        let _ = t.insert(term, w);
                        let _ = model.insert(term, w);
                        steps.push(format!("insert({term:?}, {w})"));
                    }
                    None => {
                        let _ = t.remove(term);
                        model.remove(term);
                        steps.push(format!("remove({term:?})"));
                    }
                }
                check(&t, &model, &steps)?;
            }
            let _ = t.remove("ac");
            model.remove("ac");
            steps.push("remove(\"ac\")".to_owned());
            check(&t, &model, &steps)?;
            ensure_eq!(t.node_count(), 1, "Trie, emptied: node_count()");
            Ok(())
        },
    );
}

/// The radix trie's node counts.
fn radix_nodes<T: Autocomplete>(ctx: &mut Ctx) {
    ctx.check(
        "RadixTrie: \"car\", \"cart\" are 3 nodes (root, \"car\", \"t\"); never more than \
         2·len + 1 as terms come and go; back to 1 when every term is removed",
        || {
            let mut t = T::new();
            ensure_eq!(t.node_count(), 1, "RadixTrie::new(): node_count()");
            let _ = t.insert("car", 1);
            let _ = t.insert("cart", 2);
            ensure!(
                t.node_count() == 3,
                "RadixTrie, after insert(\"car\", 1), insert(\"cart\", 2): node_count() is {}, \
                 expected 3: the root, a node for \"car\" (one edge labelled \"car\", not one node \
                 per byte) and one for \"cart\" (the edge \"t\")",
                t.node_count()
            );
            let mut model = Model::default();
            let _ = model.insert("car", 1);
            let _ = model.insert("cart", 2);
            let mut steps: Vec<String> = vec![
                "RadixTrie::new()".to_owned(),
                "insert(\"car\", 1)".to_owned(),
                "insert(\"cart\", 2)".to_owned(),
            ];
            // Ends with one term, "xac", after chains were split and left with one child: a
            // radix trie that never merges them keeps root, "x", "a", "c" (4 > 2·1 + 1).
            let ops: [(&str, Option<u64>); 13] = [
                ("carton", Some(3)),
                ("cart", None),
                ("car", None),
                ("carton", None),
                ("xa", Some(1)),
                ("xb", Some(1)),
                ("xb", None),
                ("xac", Some(1)),
                ("xad", Some(1)),
                ("xad", None),
                ("xa", None),
                ("é", Some(1)),
                ("è", Some(1)),
            ];
            for (term, op) in ops {
                match op {
                    Some(w) => {
                        let _ = t.insert(term, w);
                        let _ = model.insert(term, w);
                        steps.push(format!("insert({term:?}, {w})"));
                    }
                    None => {
                        let _ = t.remove(term);
                        model.remove(term);
                        steps.push(format!("remove({term:?})"));
                    }
                }
                let (got, len) = (t.node_count(), model.len());
                ensure!(
                    got <= 2 * len + 1 && got >= 1,
                    "RadixTrie, after {}: node_count() is {got} with {len} terms, expected at \
                     most 2·len + 1 = {} (merged, it would be {}): a removal must free a leaf \
                     left with no term, and merge a node left with no term and one child into \
                     that child",
                    steps.join(", "),
                    2 * len + 1,
                    model.radix_nodes()
                );
                let top = t.top_k(b"", 10);
                let want = model.top_k(b"", 10);
                ensure!(
                    top == want,
                    "RadixTrie, after {}: top_k(b\"\", 10) is {}, expected {}: {}",
                    steps.join(", "),
                    answer_literal(&top),
                    answer_literal(&want),
                    diagnose(&top, &want, b"", 10, &model)
                );
            }
            for term in ["xac", "é", "è"] {
                let _ = t.remove(term);
            }
            ensure_eq!(
                t.node_count(),
                1,
                "RadixTrie, after every term was removed: node_count()"
            );
            // Down to one term from a shape where the removed term's parent is left with one
            // child: a removal that merges only the node it emptied, not that parent, keeps
            // root, "a", "b", "c" (4 > 2·1 + 1).
            let mut t = T::new();
            for term in ["abc", "abd", "ae"] {
                let _ = t.insert(term, 1);
            }
            let _ = t.remove("ae");
            let _ = t.remove("abd");
            ensure!(
                t.node_count() <= 3,
                "RadixTrie, after insert(\"abc\", 1), insert(\"abd\", 1), insert(\"ae\", 1), \
                 remove(\"ae\"), remove(\"abd\"): node_count() is {} with 1 term, expected at \
                 most 2·len + 1 = 3 (merged, it is 2: the root and \"abc\"): removing \"ae\" \
                 leaves \"a\" with no term and one child, and removing \"abd\" leaves \"b\" so: \
                 each must be merged into its child, not only the node the removal emptied",
                t.node_count()
            );
            Ok(())
        },
    );
}

/// The configuration errors of a caching type.
fn configuration<S: Subject>(ctx: &mut Ctx) {
    let name = S::KIND.type_name();
    ctx.check(
        &format!(
            "{name}: with_cache(0) is ZeroCache, with_cache(MAX_CACHE + 1) CacheTooLarge; 1 and \
             MAX_CACHE ({MAX_CACHE}) are accepted"
        ),
        || {
            let too_large = |c| ConfigError::CacheTooLarge(c);
            for (cache, want) in [
                (0, ConfigError::ZeroCache),
                (MAX_CACHE + 1, too_large(MAX_CACHE + 1)),
                (usize::MAX, too_large(usize::MAX)),
            ] {
                match S::build(cache) {
                    Err(e) => ensure!(
                        e == want,
                        "{name}::with_cache({cache}) returned Err({e:?}), expected Err({want:?})"
                    ),
                    Ok(_) => {
                        return Err(format!(
                            "{name}::with_cache({cache}) returned Ok, expected Err({want:?})"
                        ))
                    }
                }
            }
            for cache in [1, 2, MAX_CACHE] {
                let mut s = made::<S>(cache)?;
                if let Some(c) = s.cache() {
                    ensure_eq!(c, cache, "{name}::with_cache({cache}).cache()");
                }
                s.insert("a", 1)
                    .map_err(|e| format!("{name}::with_cache({cache}): insert failed: {e}"))?;
                s.insert("ab", 2)
                    .map_err(|e| format!("{name}::with_cache({cache}): insert failed: {e}"))?;
                let got = s.top_k(b"a", 10);
                let want = vec![("ab".to_owned(), 2), ("a".to_owned(), 1)];
                ensure!(
                    got == want,
                    "{name}::with_cache({cache}), after insert(\"a\", 1), insert(\"ab\", 2): \
                     top_k(b\"a\", 10) is {}, expected {}",
                    answer_literal(&got),
                    answer_literal(&want)
                );
            }
            Ok(())
        },
    );
}

/// The caching scenarios: answers within and beyond the cache, and the stale cache.
fn caches<S: Subject>(ctx: &mut Ctx) {
    let name = S::KIND.type_name();
    ctx.check(
        &format!(
            "{name}::with_cache(2): top_k with k up to the cache and beyond it are both exact"
        ),
        || {
            let mut p = Pair::<S>::new(2)?;
            for (t, w) in [
                ("a", 1),
                ("ab", 5),
                ("abc", 3),
                ("abd", 4),
                ("ac", 2),
                ("b", 9),
            ] {
                p.insert(t, w)?;
            }
            p.expect(b"a", 1, &[("ab", 5)])?;
            p.expect(b"a", 2, &[("ab", 5), ("abd", 4)])?;
            p.expect(b"a", 3, &[("ab", 5), ("abd", 4), ("abc", 3)])?;
            p.expect(
                b"a",
                10,
                &[("ab", 5), ("abd", 4), ("abc", 3), ("ac", 2), ("a", 1)],
            )?;
            p.expect(b"", 2, &[("b", 9), ("ab", 5)])?;
            p.expect(b"", 3, &[("b", 9), ("ab", 5), ("abd", 4)])?;
            p.expect(b"ab", 2, &[("ab", 5), ("abd", 4)])?;
            p.expect(b"ab", 3, &[("ab", 5), ("abd", 4), ("abc", 3)])?;
            p.expect(b"ac", 2, &[("ac", 2)])
        },
    );

    ctx.check(
        &format!(
            "{name}::with_cache(2): equal weights stay in byte order in the caches, whatever \
             the order of the updates (new terms, a term raised into a tie, one raised past it)"
        ),
        || {
            let mut p = Pair::<S>::new(2)?;
            let every = |p: &Pair<S>, term: &str| -> Outcome {
                let b = term.as_bytes();
                for i in 0..=b.len() {
                    for k in [1, 2] {
                        p.top(&b[..i], k)?;
                    }
                }
                Ok(())
            };
            // In reverse byte order, all of weight 3.
            for t in ["abd", "abc", "abb", "aba", "b"] {
                p.insert(t, 3)?;
                every(&p, t)?;
            }
            // Raised into the tie from below: after "aba" and "abb", so not cached at "ab".
            p.insert("abe", 1)?;
            every(&p, "abe")?;
            p.add("abe", 2)?;
            every(&p, "abe")?;
            // Raised past the tie.
            p.add("abc", 1)?;
            every(&p, "abc")?;
            // New terms of the tie's weight that come before the cached ones in byte order.
            p.insert("ab", 3)?;
            every(&p, "ab")?;
            p.insert("a", 1)?;
            p.add("a", 2)?;
            every(&p, "a")?;
            every(&p, "abb")
        },
    );

    ctx.check(
        &format!(
            "{name}::with_cache(2): an update that demotes a cached term (the heaviest removed, \
             a weight lowered) is seen at every prefix of the term"
        ),
        || {
            let mut p = Pair::<S>::new(2)?;
            for (t, w) in [
                ("abc", 10),
                ("abe", 6),
                ("abd", 5),
                ("ab", 4),
                ("a", 3),
                ("b", 1),
            ] {
                p.insert(t, w)?;
            }
            let every = |p: &Pair<S>, term: &str| -> Outcome {
                let b = term.as_bytes();
                for i in 0..=b.len() {
                    for k in [1, 2, 3] {
                        p.top(&b[..i], k)?;
                    }
                }
                Ok(())
            };
            every(&p, "abc")?;
            // The heaviest term, cached at every node of its path, removed.
            p.remove("abc")?;
            every(&p, "abc")?;
            // A weight lowered by removing the term and inserting it again.
            p.remove("abe")?;
            p.insert("abe", 1)?;
            every(&p, "abe")?;
            // A weight lowered by inserting over it.
            p.insert("abd", 0)?;
            every(&p, "abd")?;
            // Raised again, past the others.
            p.add("abe", 20)?;
            every(&p, "abe")?;
            p.insert("abe", 2)?;
            every(&p, "abe")?;
            every(&p, "abd")?;
            // A term below the cache's last raised into it.
            p.add("a", 3)?;
            every(&p, "a")?;
            p.remove("a")?;
            every(&p, "ab")?;
            p.terms(&["a", "ab", "abc", "abd", "abe", "b"])
        },
    );
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::{self, Family};
    use super::*;

    fn failures<F: TrieFamily>() -> Vec<(String, String)> {
        tiny::failures(run::<F>)
    }

    #[test]
    fn a_correct_store_passes() {
        assert_eq!(failures::<Family<{ tiny::OK }>>(), vec![]);
    }

    #[test]
    fn each_mistake_is_caught() {
        let caught = |failed: &[(String, String)], name: &str, text: &str| {
            failed
                .iter()
                .any(|(n, m)| n.starts_with(name) && m.contains(text))
        };
        let f = failures::<Family<{ tiny::TIES }>>();
        assert!(caught(&f, "Trie:", "byte order"), "ties");
        // Ties among many completions: a sort that is not stable, and insertion order.
        for (bug, what) in [
            (tiny::UNSTABLE, "unstable"),
            (tiny::INSERTION_ORDER, "insertion"),
        ] {
            let f = failures::<Family<{ tiny::OK }>>();
            assert!(f.is_empty());
            let f = match bug {
                tiny::UNSTABLE => failures::<Family<{ tiny::UNSTABLE }>>(),
                _ => failures::<Family<{ tiny::INSERTION_ORDER }>>(),
            };
            for kind in ["Trie:", "RadixTrie:", "CachedTrie:", "SharedTrie:"] {
                assert!(
                    caught(
                        &f,
                        &format!("{kind} {TIE_TERMS} completions"),
                        "equal weights: byte order decides"
                    ),
                    "{what}: {kind}"
                );
            }
        }
        let f = failures::<Family<{ tiny::INSERTION_ORDER }>>();
        assert!(
            caught(
                &f,
                "CachedTrie::with_cache(2): equal weights",
                "equal weights: byte order decides"
            ),
            "insertion: the caches' tie check"
        );
        // A byte-keyed radix trie that loses a prefix ending inside an edge: named as that,
        // not as a trie keyed by char (b"c" is valid UTF-8).
        let f = failures::<Family<{ tiny::EDGE }>>();
        assert!(
            caught(&f, "RadixTrie: \"car\"", "labelled b\"car\""),
            "edge"
        );
        assert!(
            !f.iter()
                .any(|(n, m)| n.starts_with("RadixTrie: \"car\"") && m.contains("UTF-8")),
            "edge: not blamed on UTF-8"
        );
        assert!(!caught(&f, "Trie:", ""), "edge: plain passes");
        let f = failures::<Family<{ tiny::CHARS }>>();
        assert!(caught(&f, "RadixTrie:", "not valid UTF-8"), "chars");
        let f = failures::<Family<{ tiny::STALE }>>();
        assert!(
            caught(&f, "CachedTrie::with_cache(2): an update", ""),
            "stale"
        );
        assert!(
            caught(&f, "SharedTrie::with_cache(2): an update", ""),
            "stale"
        );
        assert!(!caught(&f, "Trie:", ""), "stale: plain passes");
        // A stale cache is not taken for a tie: the caches' tie check only raises weights.
        assert!(
            !caught(&f, "CachedTrie::with_cache(2): equal weights", ""),
            "stale: the tie check passes"
        );
        assert!(
            caught(
                &f,
                "CachedTrie::with_cache(2): an update",
                "the cache must be rebuilt"
            ),
            "stale: named"
        );
        let f = failures::<Family<{ tiny::LEAK }>>();
        assert!(caught(&f, "Trie: node_count", "must free"), "leak");
        assert!(caught(&f, "RadixTrie: ", "at most 2·len + 1"), "leak");
        let f = failures::<Family<{ tiny::WRAP }>>();
        assert!(caught(&f, "SharedTrie: add_weight", "u64::MAX"), "wrap");
        let f = failures::<Family<{ tiny::CHAR_LIMIT }>>();
        assert!(
            caught(&f, "CachedTrie: an empty term", "bytes"),
            "char limit"
        );
        let f = failures::<Family<{ tiny::CACHE_ONLY }>>();
        assert!(
            caught(&f, "CachedTrie::with_cache(2): top_k", "min(k"),
            "cache only"
        );
    }
}
