//! Your own tests. Run them with `cargo test -p trie-kata` (the grader never does: it runs its own
//! suite with `cargo kata check trie`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case. Add your own as you go; a failing sequence
//! that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use std::collections::BTreeMap;

use quickcheck::quickcheck;
use trie_kata::{Autocomplete, Trie};

#[test]
fn a_search_box_suggests_the_most_popular_queries() {
    let mut queries = Trie::new();
    for (query, searches) in [
        ("rust", 900),
        ("rust book", 300),
        ("ruby", 600),
        ("rugby", 600),
        ("python", 800),
    ] {
        queries.insert(query, searches).unwrap();
    }
    // Heaviest first; "ruby" and "rugby" weigh the same, so byte order decides.
    assert_eq!(
        queries.top_k(b"ru", 3),
        [
            ("rust".to_string(), 900),
            ("ruby".to_string(), 600),
            ("rugby".to_string(), 600)
        ]
    );
    // Searched again: "rust book" overtakes the others below "rust".
    assert_eq!(queries.add_weight("rust book", 1_000).unwrap(), 1_300);
    assert_eq!(
        queries.top_k(b"rust", 1),
        [("rust book".to_string(), 1_300)]
    );
    // The prefix is bytes: it may stop in the middle of a character.
    queries.insert("café", 5).unwrap();
    assert_eq!(queries.top_k(b"caf\xC3", 10), [("café".to_string(), 5)]);
    assert_eq!(queries.top_k(b"rust", 0), []);
}

/// What `top_k` must return: every term that starts with `prefix`, heaviest first, equal weights
/// in byte order, the first `k`.
fn scan(terms: &BTreeMap<String, u64>, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
    let mut matches: Vec<(String, u64)> = terms
        .iter()
        .filter(|(term, _)| term.as_bytes().starts_with(prefix))
        .map(|(term, &weight)| (term.clone(), weight))
        .collect();
    matches.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    matches.truncate(k);
    matches
}

quickcheck! {
    /// `top_k` agrees with a scan of every term, for every prefix of every term (cut anywhere,
    /// inside a character too).
    fn top_k_is_what_a_scan_gives(entries: Vec<(String, u8)>, k: u8) -> bool {
        let mut trie = Trie::new();
        let mut model = BTreeMap::new();
        for (term, weight) in &entries {
            // Weights from 0 to 255: plenty of ties.
            if trie.insert(term, u64::from(*weight)).is_ok() {
                model.insert(term.clone(), u64::from(*weight));
            }
        }
        let k = usize::from(k % 8);
        model.keys().all(|term| {
            (0..=term.len()).all(|cut| {
                let prefix = &term.as_bytes()[..cut];
                trie.top_k(prefix, k) == scan(&model, prefix, k)
            })
        })
    }
}
