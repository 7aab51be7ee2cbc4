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
//!   checked first, weights saturating).
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
    let cut = std::str::from_utf8(prefix).is_err();
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
    if got.is_empty() && cut {
        return format!(
            "the prefix {} is not valid UTF-8 (it ends inside a multi-byte character, or is no \
             UTF-8 at all), and terms start with it: prefixes are bytes, and a term completes \
             a prefix when its bytes start with the prefix's bytes (a trie keyed by char cannot \
             find these)",
            bytes_literal(prefix)
        );
    }
    let mut a = got.to_vec();
    let mut b = want.to_vec();
    a.sort();
    b.sort();
    if a == b {
        let by_weight = got.windows(2).all(|w| w[0].1 >= w[1].1);
        return if by_weight {
            "the right terms, but equal weights must come in the terms' byte order (\"ab\" \
             before \"b\" before \"ba\"; \"cafè\" before \"café\")"
                .to_owned()
        } else {
            "the right terms, but the heaviest must come first".to_owned()
        };
    }
    if got.len() < want.len() && want.starts_with(got) {
        return format!(
            "{} terms where {} complete the prefix: the answer holds min(k, completions)",
            got.len(),
            want.len()
        );
    }
    if !is_ranked(got) {
        return "not in order: heaviest first, equal weights in byte order, each term once"
            .to_owned();
    }
    if let Some((t, w)) = want.iter().find(|e| !got.contains(e)) {
        return format!(
            "({t:?}, {}) is missing, and it outranks a term the answer holds",
            weight_literal(*w)
        );
    }
    "not the k heaviest completions".to_owned()
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
