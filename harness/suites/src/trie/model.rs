//! The suite's yardstick: the terms in a `BTreeMap<String, u64>`, and everything the stages
//! compare with, computed by brute force from it.
//!
//! - [`brute_top_k`]: every term whose bytes start with the prefix, sorted by [`rank`] (weight
//!   descending, then the term's bytes ascending: `str`'s own order), the first `k`;
//! - [`plain_nodes`]: what a plain trie's `node_count` is exactly, one node per byte: the root
//!   and one node for each distinct non-empty byte prefix of the terms;
//! - [`radix_nodes`]: what a radix trie that merges every chain has: the root, and one node for
//!   each prefix that is a term or where the terms branch. The API promises no more than
//!   `2·len + 1` ([`radix_bound`]); the exact count is shown beside it in messages;
//! - [`Model`]: the map with the kata's operations, as the documentation words them (errors
//!   checked first, weights saturating);
//! - [`diagnose`]: why a wrong answer is wrong, in the documentation's words: a tie says that
//!   equal weights go in byte order and names the two terms; nothing found names the terms that
//!   complete the prefix and the likely causes ([`nothing_found`]: a prefix cut inside a
//!   character, a prefix that ends inside a radix trie's edge, [`inside_edge`]).
//!
//! It also renders what a failure message shows: a prefix as a byte-string literal
//! ([`bytes_literal`]), a term as a string literal ([`str_literal`]), a top-k answer as code
//! ([`answer_literal`]).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use kata_core::trie::{TermError, MAX_TERM_BYTES};

/// The order of a top-k answer: heavier first, equal weights in the terms' byte order.
pub fn rank(a: &(String, u64), b: &(String, u64)) -> Ordering {
    b.1.cmp(&a.1)
        .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
}

/// The `k` first of `terms` whose bytes start with `prefix`, in [`rank`] order.
pub fn brute_top_k<'a>(
    terms: impl IntoIterator<Item = (&'a str, u64)>,
    prefix: &[u8],
    k: usize,
) -> Vec<(String, u64)> {
    if k == 0 {
        return Vec::new();
    }
    let mut all: Vec<(String, u64)> = terms
        .into_iter()
        .filter(|(t, _)| t.as_bytes().starts_with(prefix))
        .map(|(t, w)| (t.to_owned(), w))
        .collect();
    all.sort_by(rank);
    all.truncate(k);
    all
}

/// Whether `answer` is strictly in [`rank`] order (so no entry is there twice).
pub fn is_ranked(answer: &[(String, u64)]) -> bool {
    answer
        .windows(2)
        .all(|w| rank(&w[0], &w[1]) == Ordering::Less)
}

/// The error a term gets, if any: [`TermError::Empty`], then [`TermError::TooLong`].
pub fn term_error(term: &str) -> Option<TermError> {
    if term.is_empty() {
        Some(TermError::Empty)
    } else if term.len() > MAX_TERM_BYTES {
        Some(TermError::TooLong(term.len()))
    } else {
        None
    }
}

/// The node count of a plain trie (one node per byte) holding `terms`: 1 + the distinct
/// non-empty byte prefixes of the terms.
pub fn plain_nodes<'a>(terms: impl IntoIterator<Item = &'a str>) -> usize {
    let mut prefixes: BTreeSet<&[u8]> = BTreeSet::new();
    for t in terms {
        let b = t.as_bytes();
        for i in 1..=b.len() {
            prefixes.insert(&b[..i]);
        }
    }
    1 + prefixes.len()
}

/// The node count of a radix trie holding `terms` with every single-child chain merged: the
/// root, and each non-empty prefix that is a term or is followed by two or more distinct bytes
/// among the terms.
pub fn radix_nodes<'a>(terms: impl IntoIterator<Item = &'a str>) -> usize {
    let terms: BTreeSet<&[u8]> = terms.into_iter().map(str::as_bytes).collect();
    let mut next: BTreeMap<&[u8], BTreeSet<u8>> = BTreeMap::new();
    for t in &terms {
        for i in 1..t.len() {
            next.entry(&t[..i]).or_default().insert(t[i]);
        }
    }
    let branching = next
        .iter()
        .filter(|(p, after)| after.len() >= 2 && !terms.contains(*p))
        .count();
    1 + terms.len() + branching
}

/// The most nodes the API lets a radix trie of `len` terms have: `2·len + 1`.
pub fn radix_bound(len: usize) -> usize {
    2 * len + 1
}

/// The terms and their weights, with the kata's operations done the obvious way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    /// Every term and its weight.
    pub terms: BTreeMap<String, u64>,
}

impl Model {
    /// As `Autocomplete::insert`.
    ///
    /// # Errors
    ///
    /// As [`term_error`].
    pub fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        if let Some(e) = term_error(term) {
            return Err(e);
        }
        Ok(self.terms.insert(term.to_owned(), weight))
    }

    /// As `Autocomplete::add_weight`: saturating.
    ///
    /// # Errors
    ///
    /// As [`term_error`].
    pub fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        if let Some(e) = term_error(term) {
            return Err(e);
        }
        let w = self.terms.entry(term.to_owned()).or_insert(0);
        *w = w.saturating_add(delta);
        Ok(*w)
    }

    /// As `Autocomplete::remove`.
    pub fn remove(&mut self, term: &str) -> Option<u64> {
        self.terms.remove(term)
    }

    /// As `Autocomplete::weight`.
    pub fn weight(&self, term: &str) -> Option<u64> {
        self.terms.get(term).copied()
    }

    /// As `Autocomplete::top_k`, by brute force.
    pub fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        brute_top_k(self.terms.iter().map(|(t, &w)| (t.as_str(), w)), prefix, k)
    }

    /// The number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// [`plain_nodes`] of the terms.
    pub fn plain_nodes(&self) -> usize {
        plain_nodes(self.terms.keys().map(String::as_str))
    }

    /// [`radix_nodes`] of the terms.
    pub fn radix_nodes(&self) -> usize {
        radix_nodes(self.terms.keys().map(String::as_str))
    }
}

/// Why `got`, the answer of `top_k(prefix, k)`, is not `want` (the brute force's, over the
/// terms of `model`): the first rule of the documentation it breaks, in words, for a failure
/// message. Empty when they are equal.
///
/// Where equal weights decide (a term missing or out of place beside one of the same weight),
/// it says so and names the two terms in byte order; where nothing was found, it names the
/// terms that complete the prefix and the likely causes ([`nothing_found`]).
pub fn diagnose(
    got: &[(String, u64)],
    want: &[(String, u64)],
    prefix: &[u8],
    k: usize,
    model: &Model,
) -> String {
    if got == want {
        return String::new();
    }
    if k == 0 {
        return "k = 0 must give nothing".to_owned();
    }
    if got.len() > k {
        return format!("at most k = {k} terms");
    }
    if let Some((t, _)) = got.iter().find(|(t, _)| !t.as_bytes().starts_with(prefix)) {
        return format!(
            "{t:?} does not start with the prefix {}: only terms whose bytes start with the \
             prefix's bytes complete it",
            bytes_literal(prefix)
        );
    }
    if let Some((t, w)) = got.iter().find(|(t, _)| model.weight(t).is_none()) {
        return format!(
            "({t:?}, {}) is not a term of the store (any more): a removed term must leave every \
             answer, the cached ones too",
            weight_literal(*w)
        );
    }
    if let Some((t, w)) = got.iter().find(|(t, w)| model.weight(t) != Some(*w)) {
        return format!(
            "({t:?}, {}) is not its weight: {t:?} weighs {} now (an answer kept from before an \
             update?)",
            weight_literal(*w),
            weight_literal(model.weight(t).unwrap_or(0))
        );
    }
    if got.is_empty() {
        return nothing_found(prefix, model);
    }
    let mut a = got.to_vec();
    let mut b = want.to_vec();
    a.sort();
    b.sort();
    if a == b {
        // The right terms in the wrong order: the first place they differ.
        let at = got.iter().zip(want).position(|(g, w)| g != w).unwrap_or(0);
        let (g, w) = (&got[at], &want[at]);
        return if g.1 == w.1 {
            format!(
                "the right terms, but at place {at} {:?} comes before {:?}: {}",
                w.0,
                g.0,
                equal_weights(&w.0, &g.0)
            )
        } else {
            format!(
                "the right terms, but the heaviest must come first: ({:?}, {}) before ({:?}, {})",
                w.0,
                weight_literal(w.1),
                g.0,
                weight_literal(g.1)
            )
        };
    }
    if got.len() < want.len() && want.starts_with(got) {
        return format!(
            "{} terms where {} complete the prefix: the answer holds min(k, completions)",
            got.len(),
            want.len()
        );
    }
    if let Some(pair) = got
        .windows(2)
        .find(|p| rank(&p[0], &p[1]) != Ordering::Less)
    {
        let (x, y) = (&pair[0], &pair[1]);
        return if x == y {
            format!("{:?} is there twice: each term once", x.0)
        } else if x.1 == y.1 {
            format!(
                "not in order: {:?} before {:?}, {}",
                x.0,
                y.0,
                equal_weights(&y.0, &x.0)
            )
        } else {
            format!(
                "not in order: ({:?}, {}) before ({:?}, {}), the heaviest must come first",
                x.0,
                weight_literal(x.1),
                y.0,
                weight_literal(y.1)
            )
        };
    }
    if let Some((t, w)) = want.iter().find(|e| !got.contains(e)) {
        // The first term of the answer it outranks: the one it should have come before.
        let entry = (t.clone(), *w);
        let beaten = got
            .iter()
            .find(|g| rank(&entry, g) == Ordering::Less)
            .or(got.last());
        return match beaten {
            Some((u, v)) if v == w => format!(
                "({t:?}, {}) is missing, and it places before ({u:?}, {}), which the answer \
                 holds: {}",
                weight_literal(*w),
                weight_literal(*v),
                equal_weights(t, u)
            ),
            Some((u, v)) => format!(
                "({t:?}, {}) is missing, and it outranks ({u:?}, {}), which the answer holds",
                weight_literal(*w),
                weight_literal(*v)
            ),
            None => format!("({t:?}, {}) is missing", weight_literal(*w)),
        };
    }
    "not the k heaviest completions".to_owned()
}

/// The tie rule, applied to `first` and `second` (of equal weight, `first` the smaller in byte
/// order): `equal weights: byte order decides, "baa" < "bab"`.
fn equal_weights(first: &str, second: &str) -> String {
    format!(
        "equal weights: byte order decides, {} < {} (compare the terms' bytes, not chars, \
         lowercased copies or the order they were inserted in)",
        str_literal(first),
        str_literal(second)
    )
}

/// Why `top_k(prefix, _)` gave nothing when terms of `model` complete `prefix`: what was asked,
/// the terms it should have found (a few of them), and the likely causes that fit this prefix:
/// it is not valid UTF-8 (a trie keyed by `char` has no edge for a lone byte of a character),
/// and it ends inside an edge of a radix trie holding these terms (the walk must accept a prefix
/// that ends part-way along a label). Both, either, or, when neither fits, a walk that loses its
/// way.
pub fn nothing_found(prefix: &[u8], model: &Model) -> String {
    let completions: Vec<&String> = model
        .terms
        .keys()
        .filter(|t| t.as_bytes().starts_with(prefix))
        .collect();
    let shown: Vec<String> = completions.iter().take(4).map(|t| str_literal(t)).collect();
    let more = if completions.len() > shown.len() {
        format!(" and {} more", completions.len() - shown.len())
    } else {
        String::new()
    };
    let mut causes = Vec::new();
    if std::str::from_utf8(prefix).is_err() {
        causes.push(
            "the prefix is not valid UTF-8 (it ends inside a multi-byte character): prefixes \
             are bytes, and a term completes a prefix when its bytes start with the prefix's \
             bytes; a trie keyed by char, or one that decodes the prefix first, cannot find \
             these"
                .to_owned(),
        );
    }
    if let Some((upper, lower)) = inside_edge(prefix, model) {
        causes.push(format!(
            "in a radix trie the prefix ends inside an edge: the edge from {} to {} is \
             labelled {}, and the prefix stops {} byte(s) into it; the completions are then \
             the whole subtree below that edge, so a walk that finds no child for the rest of \
             the prefix must check whether the rest is a prefix of the label",
            if upper.is_empty() {
                "the root".to_owned()
            } else {
                bytes_literal(upper)
            },
            bytes_literal(lower),
            bytes_literal(&lower[upper.len()..]),
            prefix.len() - upper.len()
        ));
    }
    if causes.is_empty() {
        causes.push(
            "the walk down the prefix's bytes lost its way (a child looked up by the wrong \
             byte, or a node that holds no term taken for a missing one)"
                .to_owned(),
        );
    }
    let numbered: Vec<String> = if causes.len() == 1 {
        causes
    } else {
        causes
            .iter()
            .enumerate()
            .map(|(i, c)| format!("({}) {c}", i + 1))
            .collect()
    };
    format!(
        "nothing was found, but {} term(s) complete the prefix {} ({}{more}). {}: {}",
        completions.len(),
        bytes_literal(prefix),
        shown.join(", "),
        if numbered.len() == 1 {
            "The likely cause"
        } else {
            "The likely causes"
        },
        numbered.join("; ")
    )
}

/// Where `prefix` ends inside an edge of the radix trie of `model`'s terms (every chain merged,
/// as [`radix_nodes`] counts): the nodes above and below it, `None` when it ends at a node or
/// nothing completes it.
pub fn inside_edge<'a>(prefix: &[u8], model: &'a Model) -> Option<(&'a [u8], &'a [u8])> {
    let terms: Vec<&[u8]> = model.terms.keys().map(|t| t.as_bytes()).collect();
    let below: Vec<&[u8]> = terms
        .iter()
        .copied()
        .filter(|t| t.starts_with(prefix))
        .collect();
    let first = *below.first()?;
    // The node below: the longest prefix the completions share.
    let lcp = below.iter().fold(first.len(), |n, t| {
        n.min(first.iter().zip(*t).take_while(|(a, b)| a == b).count())
    });
    if prefix.is_empty() || lcp == prefix.len() {
        return None;
    }
    // The node above: the longest proper prefix of `prefix` that is a term or where the terms
    // branch (the root at worst).
    let is_node = |p: &[u8]| {
        let mut next = BTreeSet::new();
        for t in &terms {
            if *t == p {
                return true;
            }
            if t.len() > p.len() && t.starts_with(p) {
                next.insert(t[p.len()]);
            }
        }
        next.len() >= 2
    };
    let upper = (1..prefix.len())
        .rev()
        .find(|&i| is_node(&prefix[..i]))
        .unwrap_or(0);
    Some((&first[..upper], &first[..lcp]))
}

/// `bytes` as a Rust byte-string literal: printable ASCII as is, everything else `\xNN`.
pub fn bytes_literal(bytes: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7E => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
    out.push('"');
    out
}

/// `term` as a Rust string literal (`{:?}`), shortened to its length for a long one.
pub fn str_literal(term: &str) -> String {
    if term.len() > 40 {
        let c = term.chars().next().unwrap_or('a');
        if term.chars().all(|x| x == c) {
            return format!("&{:?}.repeat({})", c.to_string(), term.chars().count());
        }
    }
    format!("{term:?}")
}

/// A top-k answer as code: `vec![("ab".to_owned(), 3), ...]`.
pub fn answer_literal(answer: &[(String, u64)]) -> String {
    if answer.is_empty() {
        return "Vec::<(String, u64)>::new()".to_owned();
    }
    let items: Vec<String> = answer
        .iter()
        .map(|(t, w)| format!("({t:?}.to_owned(), {})", weight_literal(*w)))
        .collect();
    format!("vec![{}]", items.join(", "))
}

/// A weight as code: `u64::MAX` and its neighbours by name.
pub fn weight_literal(w: u64) -> String {
    match u64::MAX - w {
        0 => "u64::MAX".to_owned(),
        d if d < 1_000 => format!("u64::MAX - {d}"),
        _ => w.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brute_force_ranks_by_weight_then_bytes() {
        let terms = [("b", 1), ("ab", 1), ("ba", 1), ("c", 2), ("abc", 0)];
        let got = brute_top_k(terms, b"", 10);
        let names: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["c", "ab", "b", "ba", "abc"]);
        assert!(is_ranked(&got));
        assert_eq!(brute_top_k(terms, b"a", 1), vec![("ab".to_owned(), 1)]);
        assert!(brute_top_k(terms, b"a", 0).is_empty());
        let cafe = [("café", 1), ("cafè", 1), ("cafe", 1)];
        let got = brute_top_k(cafe, b"caf\xC3", 10);
        assert_eq!(got, vec![("cafè".to_owned(), 1), ("café".to_owned(), 1)]);
    }

    #[test]
    fn node_counts_of_the_worked_example() {
        assert_eq!(plain_nodes(["car", "cart"]), 5);
        assert_eq!(radix_nodes(["car", "cart"]), 3);
        assert_eq!(plain_nodes([]), 1);
        assert_eq!(radix_nodes([]), 1);
        // "ab" and "ac" branch after "a": root, a, b, c.
        assert_eq!(radix_nodes(["ab", "ac"]), 4);
        assert_eq!(radix_nodes(["car", "carton"]), 3);
        for terms in [
            vec!["a", "ab", "abc", "b"],
            vec!["x", "y", "z"],
            vec!["é", "è"],
        ] {
            assert!(radix_nodes(terms.iter().copied()) <= radix_bound(terms.len()));
        }
        // "é" and "è" share their first byte: root, C3, A9, A8.
        assert_eq!(radix_nodes(["é", "è"]), 4);
        assert_eq!(plain_nodes(["é", "è"]), 4);
    }

    fn model(terms: &[(&str, u64)]) -> Model {
        let mut m = Model::default();
        for &(t, w) in terms {
            m.insert(t, w).expect("a valid term");
        }
        m
    }

    fn answer(terms: &[(&str, u64)]) -> Vec<(String, u64)> {
        terms.iter().map(|&(t, w)| (t.to_owned(), w)).collect()
    }

    #[test]
    fn a_tie_names_the_two_terms_in_byte_order() {
        let m = model(&[("baa", 2), ("bab", 2), ("c", 1)]);
        let want = m.top_k(b"", 3);
        // Misordered.
        let got = answer(&[("bab", 2), ("baa", 2), ("c", 1)]);
        let why = diagnose(&got, &want, b"", 3, &m);
        assert!(
            why.contains("equal weights: byte order decides, \"baa\" < \"bab\""),
            "{why}"
        );
        // Missing: the other of the tie kept instead.
        let want = m.top_k(b"", 1);
        let got = answer(&[("bab", 2)]);
        let why = diagnose(&got, &want, b"", 1, &m);
        assert!(why.contains("\"baa\" is missing") || why.contains("(\"baa\", 2) is missing"));
        assert!(
            why.contains("byte order decides, \"baa\" < \"bab\""),
            "{why}"
        );
        // Not a tie: the weights are named.
        let got = answer(&[("c", 1), ("baa", 2), ("bab", 2)]);
        let why = diagnose(&got, &m.top_k(b"", 3), b"", 3, &m);
        assert!(why.contains("heaviest must come first"), "{why}");
        assert!(!why.contains("equal weights"), "{why}");
    }

    #[test]
    fn nothing_found_names_the_completions_and_the_causes_that_fit() {
        // "car" and "carton": a radix trie has root -> "car" -> "ton"; b"cart" ends inside the
        // edge "ton", and is valid UTF-8.
        let m = model(&[("car", 1), ("carton", 3)]);
        let why = diagnose(&[], &m.top_k(b"cart", 10), b"cart", 10, &m);
        assert!(why.contains("b\"cart\""), "{why}");
        assert!(why.contains("\"carton\""), "{why}");
        assert!(why.contains("inside an edge"), "{why}");
        assert!(why.contains("labelled b\"ton\""), "{why}");
        assert!(!why.contains("UTF-8"), "{why}");
        assert_eq!(
            inside_edge(b"cart", &m),
            Some((&b"car"[..], &b"carton"[..]))
        );
        assert_eq!(inside_edge(b"car", &m), None);
        assert_eq!(inside_edge(b"ca", &m), Some((&b""[..], &b"car"[..])));
        // b"caf\xC3" with "café" alone: inside the edge "café" from the root, and cut inside a
        // character: both causes.
        let m = model(&[("café", 2)]);
        let why = diagnose(&[], &m.top_k(b"caf\xC3", 10), b"caf\xC3", 10, &m);
        assert!(why.contains("not valid UTF-8"), "{why}");
        assert!(why.contains("inside an edge"), "{why}");
        assert!(why.contains("from the root"), "{why}");
        // "café" and "cafè" branch at C3: a node, so only the character applies.
        let m = model(&[("café", 2), ("cafè", 2)]);
        let why = diagnose(&[], &m.top_k(b"caf\xC3", 10), b"caf\xC3", 10, &m);
        assert!(
            why.contains("not valid UTF-8") && !why.contains("inside an edge"),
            "{why}"
        );
    }

    #[test]
    fn literals_are_code() {
        assert_eq!(bytes_literal(b"caf\xC3"), "b\"caf\\xC3\"");
        assert_eq!(bytes_literal("é".as_bytes()), "b\"\\xC3\\xA9\"");
        assert_eq!(answer_literal(&[]), "Vec::<(String, u64)>::new()");
        assert_eq!(
            answer_literal(&[("aé".to_owned(), u64::MAX)]),
            "vec![(\"aé\".to_owned(), u64::MAX)]"
        );
        assert_eq!(str_literal(&"a".repeat(1025)), "&\"a\".repeat(1025)");
        assert_eq!(weight_literal(u64::MAX - 2), "u64::MAX - 2");
    }
}
