//! Your own tests. Run them with `cargo test -p bloom-filter-kata` (the grader never does: it runs
//! its own suite with `cargo kata check bloom-filter`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case. Add your own as you go; a failing sequence
//! that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use std::collections::HashSet;

use bloom_filter_kata::{BloomFilter, Filter};
use quickcheck::quickcheck;

#[test]
fn a_crawler_visits_each_url_once() {
    let mut seen = BloomFilter::with_rate(1_000, 0.01).unwrap();
    let links = [
        "https://example.com/",
        "https://example.com/about",
        "https://example.com/",
        "https://example.com/blog",
        "https://example.com/about",
    ];
    // `insert` answers "seen before?" and records the URL, in one pass.
    let fetched: Vec<&str> = links
        .iter()
        .copied()
        .filter(|url| !seen.insert(*url))
        .collect();
    assert_eq!(
        fetched,
        [
            "https://example.com/",
            "https://example.com/about",
            "https://example.com/blog"
        ]
    );
    // About 9.6 bits per URL at 1 %, whatever the URLs' length.
    assert!(seen.bits() >= 9_586);
    assert_eq!(seen.hashes(), 7);
}

quickcheck! {
    /// No false negatives: every key inserted is found, and `insert` says "seen before" for a key
    /// inserted earlier.
    fn every_inserted_key_is_found(keys: Vec<u64>) -> bool {
        let mut filter = BloomFilter::with_shape(1 << 14, 4).unwrap();
        let mut inserted = HashSet::new();
        for &key in &keys {
            let seen_before = filter.insert(&key);
            // A key inserted before must be reported as seen; a new one may be (a false positive).
            if inserted.contains(&key) && !seen_before {
                return false;
            }
            inserted.insert(key);
        }
        keys.iter().all(|key| filter.contains(key))
    }
}
