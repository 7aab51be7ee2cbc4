//! Stage 2 of `trie`: random operation sequences against a map of terms.
//!
//! A scenario is a cache size (2 or 3, for the caching types) and up to 80 steps: `insert`,
//! `add_weight`, `remove`, `weight` and `top_k`, on terms of one to four pieces from `a`, `b`
//! and `é` (a two-byte character, `C3 A9`), so that terms share prefixes and a byte prefix can
//! stop inside a character; now and then the empty term, which must be refused. Weights are
//! mostly 0 to 5, so that ties are everywhere, some near `u64::MAX`, so that `add_weight`
//! saturates. A `top_k` prefix is either a term's bytes cut anywhere (inside `é` too) or up to
//! three bytes from `a`, `b`, `C3`, `A9`, `A8` and `FF` (`FF` is never UTF-8); `k` runs from 0
//! to 12, so that a cached type answers both from its caches (`k` up to the cache) and beyond
//! them.
//!
//! The model is [`Model`], a `BTreeMap<String, u64>` with a brute-force top k. After every
//! step: the step's answer equals the model's; `len` and `is_empty` agree; after an update,
//! `top_k` at every prefix of the updated term, with `k` equal to the cache size, equals the
//! model's (what a stale cache gets wrong); the plain trie's `node_count` is exactly 1 + the
//! distinct prefixes of the model's terms (a node left behind by a removal shows at once), the
//! radix trie's at most `2·len + 1`. For all four types; the shared store through `&self`.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::model::{
    answer_literal, bytes_literal, diagnose, radix_bound, str_literal, weight_literal, Model,
};
use super::subject::{made, Cached, Kind, Plain, Radix, Shared, Subject};
use super::TrieFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::Ctx;

/// One step of a scenario.
#[derive(Debug, Clone)]
pub enum Op {
    /// `insert(term, weight)`.
    Insert(String, u64),
    /// `add_weight(term, delta)`.
    Add(String, u64),
    /// `remove(term)`.
    Remove(String),
    /// `weight(term)`.
    Weight(String),
    /// `top_k(prefix, k)`.
    TopK(Vec<u8>, usize),
}

impl Op {
    /// The term an update changed, if the step is an update.
    fn updated(&self) -> Option<&str> {
        match self {
            Op::Insert(t, _) | Op::Add(t, _) | Op::Remove(t) => Some(t),
            _ => None,
        }
    }

    /// The step as a call, for messages and code.
    fn call(&self) -> String {
        match self {
            Op::Insert(t, w) => format!("insert({}, {})", str_literal(t), weight_literal(*w)),
            Op::Add(t, d) => format!("add_weight({}, {})", str_literal(t), weight_literal(*d)),
            Op::Remove(t) => format!("remove({})", str_literal(t)),
            Op::Weight(t) => format!("weight({})", str_literal(t)),
            Op::TopK(p, k) => format!("top_k({}, {k})", bytes_literal(p)),
        }
    }
}

/// A cache size and the steps.
#[derive(Debug, Clone)]
pub struct Scenario {
    cache: usize,
    ops: Vec<Op>,
}

/// The pieces terms are made of: two ASCII letters and a two-byte character.
pub const PIECES: [&str; 3] = ["a", "b", "é"];

/// A term: one to four pieces, or (rarely) the empty term.
fn term() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        30 => prop::collection::vec(prop::sample::select(&PIECES[..]), 1..=4)
            .prop_map(|pieces| pieces.concat()),
        1 => Just(String::new()),
    ]
}

/// A weight: mostly tiny (ties), sometimes larger, sometimes next to `u64::MAX`.
fn weight() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![
        8 => 0u64..=5,
        1 => 6u64..=1_000,
        1 => Just(u64::MAX - 1),
    ]
}

/// A delta: mostly tiny, sometimes half of `u64::MAX` (two of them saturate).
fn delta() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![
        8 => 0u64..=3,
        1 => Just(u64::MAX / 2 + 1),
    ]
}

/// A prefix: a term's bytes cut anywhere, or a few bytes of which some are never UTF-8.
fn prefix() -> impl Strategy<Value = Vec<u8>> + Clone {
    prop_oneof![
        3 => (term(), 0usize..=9).prop_map(|(t, cut)| t.as_bytes()[..cut.min(t.len())].to_vec()),
        1 => prop::collection::vec(
            prop::sample::select(&[b'a', b'b', 0xC3, 0xA9, 0xA8, 0xFF][..]),
            0..=3
        ),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let op = prop_oneof![
        6 => (term(), weight()).prop_map(|(t, w)| Op::Insert(t, w)),
        4 => (term(), delta()).prop_map(|(t, d)| Op::Add(t, d)),
        3 => term().prop_map(Op::Remove),
        1 => term().prop_map(Op::Weight),
        5 => (prefix(), 0usize..=12).prop_map(|(p, k)| Op::TopK(p, k)),
    ];
    (2usize..=3, prop::collection::vec(op, 1..80)).prop_map(|(cache, ops)| Scenario { cache, ops })
}

/// The prefixes of `term` (its bytes cut at each position, the empty prefix and the term
/// included).
fn prefixes(term: &str) -> impl Iterator<Item = &[u8]> {
    let b = term.as_bytes();
    (0..=b.len()).map(move |i| &b[..i])
}

/// The `k` the checks after an update ask: the cache size (answered from the caches); for the
/// plain and radix tries, the same.
fn probe_k(s: &Scenario) -> usize {
    s.cache
}

/// The scenario as a test to paste, with the model's answers; after the last update, the
/// checks the stage makes then.
fn render(kind: Kind, s: &Scenario) -> String {
    let mut model = Model::default();
    let mut out = kind.declaration(s.cache);
    let mut last = None;
    for op in &s.ops {
        let call = op.call();
        let line = match op {
            Op::Insert(t, w) => match model.insert(t, *w) {
                Ok(Some(old)) => format!("Ok(Some({}))", weight_literal(old)),
                Ok(None) => "Ok(None)".to_owned(),
                Err(e) => format!("Err(TermError::{e:?})"),
            },
            Op::Add(t, d) => match model.add_weight(t, *d) {
                Ok(w) => format!("Ok({})", weight_literal(w)),
                Err(e) => format!("Err(TermError::{e:?})"),
            },
            Op::Remove(t) => match model.remove(t) {
                Some(w) => format!("Some({})", weight_literal(w)),
                None => "None".to_owned(),
            },
            Op::Weight(t) => match model.weight(t) {
                Some(w) => format!("Some({})", weight_literal(w)),
                None => "None".to_owned(),
            },
            Op::TopK(p, k) => answer_literal(&model.top_k(p, *k)),
        };
        let _ = write!(out, "\nassert_eq!(trie.{call}, {line});");
        if let Some(t) = op.updated() {
            last = Some(t.to_owned());
        }
    }
    let _ = write!(out, "\nassert_eq!(trie.len(), {});", model.len());
    match kind {
        Kind::Plain => {
            let _ = write!(
                out,
                "\nassert_eq!(trie.node_count(), {}); // 1 + the distinct byte prefixes",
                model.plain_nodes()
            );
        }
        Kind::Radix => {
            let _ = write!(
                out,
                "\nassert!(trie.node_count() <= 2 * trie.len() + 1); // merged: {}",
                model.radix_nodes()
            );
        }
        _ => {}
    }
    if let Some(t) = last.filter(|t| !t.is_empty()) {
        let k = probe_k(s);
        let _ = write!(
            out,
            "\n// after every update, top_k at every prefix of the term, k = {k}:"
        );
        for p in prefixes(&t) {
            let _ = write!(
                out,
                "\nassert_eq!(trie.top_k({}, {k}), {});",
                bytes_literal(p),
                answer_literal(&model.top_k(p, k))
            );
        }
    }
    out
}

fn drive<S: Subject>(s: &Scenario) -> Outcome {
    let kind = S::KIND;
    let name = kind.type_name();
    let mut store = made::<S>(s.cache)?;
    let mut model = Model::default();
    let made = kind.made(s.cache);
    for (i, op) in s.ops.iter().enumerate() {
        let at = format!("step {} ({name}::{})", i + 1, op.call());
        match op {
            Op::Insert(t, w) => {
                let (got, want) = (store.insert(t, *w), model.insert(t, *w));
                if got != want {
                    return Err(format!(
                        "{at}: returned {got:?}, expected {want:?} (the weight it replaced, None \
                         for a new term; Err(Empty) for the empty term, the store unchanged)"
                    ));
                }
            }
            Op::Add(t, d) => {
                let (got, want) = (store.add_weight(t, *d), model.add_weight(t, *d));
                if got != want {
                    let why = if want == Ok(u64::MAX) {
                        "the weight saturates at u64::MAX, it never wraps"
                    } else {
                        "the new weight: the old one plus the delta, or the delta for a term \
                         that was absent"
                    };
                    return Err(format!("{at}: returned {got:?}, expected {want:?}: {why}"));
                }
            }
            Op::Remove(t) => {
                let (got, want) = (store.remove(t), model.remove(t));
                if got != want {
                    return Err(format!(
                        "{at}: returned {got:?}, expected {want:?} (the weight it had, None when \
                         it was not a term)"
                    ));
                }
            }
            Op::Weight(t) => {
                let (got, want) = (store.weight(t), model.weight(t));
                let has = store.contains(t);
                if got != want || has != want.is_some() {
                    return Err(format!(
                        "{at}: returned {got:?} (and contains: {has}), expected {want:?}"
                    ));
                }
            }
            Op::TopK(p, k) => {
                let (got, want) = (store.top_k(p, *k), model.top_k(p, *k));
                if got != want {
                    return Err(format!(
                        "{at}: returned {}, expected {}: {}",
                        answer_literal(&got),
                        answer_literal(&want),
                        diagnose(&got, &want, p, *k, &model)
                    ));
                }
            }
        }
        if store.len() != model.len() || store.is_empty() != model.is_empty() {
            return Err(format!(
                "after {at}: len() is {} and is_empty() {}, expected {} terms",
                store.len(),
                store.is_empty(),
                model.len()
            ));
        }
        if let Some(t) = op.updated() {
            let k = probe_k(s);
            for p in prefixes(t) {
                let (got, want) = (store.top_k(p, k), model.top_k(p, k));
                if got != want {
                    return Err(format!(
                        "after {at}: top_k({}, {k}) is {}, expected {}: {}{}",
                        bytes_literal(p),
                        answer_literal(&got),
                        answer_literal(&want),
                        diagnose(&got, &want, p, k, &model),
                        if kind.caches() {
                            format!(
                                " ({made} caches {} terms per node: an update must fix the \
                                 cache of every node on the term's path, a decrease or a \
                                 removal too)",
                                s.cache
                            )
                        } else {
                            String::new()
                        }
                    ));
                }
            }
        }
        match (kind, store.node_count()) {
            (Kind::Plain, Some(n)) if n != model.plain_nodes() => {
                let want = model.plain_nodes();
                return Err(format!(
                    "after {at}: node_count() is {n}, expected {want}: one node per byte, the \
                     root and one node for each distinct non-empty byte prefix of the {} terms{}",
                    model.len(),
                    if n > want {
                        " (a removal must free every node that leads to no term any more)"
                    } else {
                        " (one node per byte: \"é\" is two)"
                    }
                ));
            }
            (Kind::Radix, Some(n)) if n > radix_bound(model.len()) || n == 0 => {
                return Err(format!(
                    "after {at}: node_count() is {n} with {} terms, expected at least 1 and at \
                     most 2·len + 1 = {} (merged, it would be {}): a removal must free a leaf \
                     left with no term, and merge a node left with no term and one child into \
                     that child",
                    model.len(),
                    radix_bound(model.len()),
                    model.radix_nodes()
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: TrieFamily>(ctx: &mut Ctx) {
    property::<Plain<F::Plain>>(ctx, 1);
    property::<Radix<F::Radix>>(ctx, 2);
    property::<Cached<F::Cached>>(ctx, 3);
    property::<Shared<F::Shared>>(ctx, 4);
}

fn property<S: Subject>(ctx: &mut Ctx, salt: u64) {
    let kind = S::KIND;
    let seed = ctx.sub_seed(salt);
    let what = match kind {
        Kind::Plain => "; node_count exactly 1 + the distinct byte prefixes",
        Kind::Radix => "; node_count at most 2·len + 1",
        Kind::Cached => " (caching 2 or 3 terms per node, k from 0 to 12)",
        Kind::Shared => " (caching 2 or 3 terms per node, k from 0 to 12, through &self)",
    };
    ctx.check(
        &format!(
            "{}: insert, add_weight, remove, weight and top_k agree with a map of terms, at \
             random, on terms of a, b and é{what}",
            kind.type_name()
        ),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(),
                |s| render(kind, s),
                |s| drive::<S>(s),
            )
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
        let f = failures::<Family<{ tiny::CHARS }>>();
        assert!(caught(&f, "RadixTrie:", "not valid UTF-8"), "chars");
        let f = failures::<Family<{ tiny::STALE }>>();
        assert!(
            caught(&f, "CachedTrie:", "minimal failing sequence"),
            "stale"
        );
        assert!(
            caught(&f, "SharedTrie:", "minimal failing sequence"),
            "stale"
        );
        assert!(!caught(&f, "Trie:", ""), "stale: plain passes");
        let f = failures::<Family<{ tiny::LEAK }>>();
        assert!(caught(&f, "Trie:", "must free"), "leak");
        assert!(caught(&f, "RadixTrie:", "2·len + 1"), "leak");
        let f = failures::<Family<{ tiny::WRAP }>>();
        assert!(caught(&f, "SharedTrie:", "saturates"), "wrap");
        let f = failures::<Family<{ tiny::CACHE_ONLY }>>();
        assert!(caught(&f, "CachedTrie:", "min(k"), "cache only");
    }
}
