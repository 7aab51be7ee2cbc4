//! The `trie` peers beside the reference on what a designer weighs besides speed: heap bytes per
//! term, on the bench's generated vocabulary (100 000 search queries,
//! `kata_suites::trie::workloads::BENCH_VOCABULARY`), with an `fst` map (built once from the
//! sorted terms, weights as values: it cannot be updated, so it is not a peer the bench can
//! time), a `HashMap<String, u64>` and a sorted `Vec<(String, u64)>` beside them.
//!
//! Printed as the table in `benches/README.md`, and held to what must hold whatever the crates'
//! versions. Run with `cargo test --profile bench -p kata-bench --features trie --test
//! trie_memory -- --nocapture` to see the table.
//!
//! Memory is what each store holds on the heap, counted by
//! [`kata_suites::heap::CountingAlloc`], installed as this test binary's allocator: the bytes
//! allocated while the store is built and not freed when it is returned (the allocator's own
//! rounding and headers are not counted).

use std::collections::HashMap;

use kata_core::trie::Autocomplete;
use kata_peers::trie::{Patricia, QpTrie, RadixTrieCrate, Reference, TrieRs};
use kata_suites::heap::{self, CountingAlloc};
use kata_suites::trie::workloads::{vocabulary, BENCH_VOCABULARY};
use kata_suites::trie::TrieFamily;

#[global_allocator]
static COUNTING: CountingAlloc = CountingAlloc;

/// The seed of the vocabulary: the bench's default.
const SEED: u64 = 0xBE4C_5EED;

/// One row of the table.
#[derive(Debug)]
struct Row {
    name: &'static str,
    /// Heap bytes held per term.
    per_term: f64,
    /// Nodes per term, where the store counts them.
    nodes_per_term: Option<f64>,
}

/// The row of a store built by `build` from the vocabulary.
fn row<T>(name: &'static str, terms: usize, build: impl FnOnce() -> T) -> (T, Row) {
    let (store, held) = heap::measure(build);
    let per_term = held as f64 / terms as f64;
    (
        store,
        Row {
            name,
            per_term,
            nodes_per_term: None,
        },
    )
}

/// The row of a kata store `A` filled with `vocab` by `insert`, with its node count when
/// `counts` says it has one.
fn store<A: Autocomplete>(name: &'static str, vocab: &[(String, u64)], counts: bool) -> Row {
    let (a, mut r) = row(name, vocab.len(), || {
        let mut a = A::new();
        for (t, w) in vocab {
            a.insert(t, *w).expect("a valid term");
        }
        a
    });
    assert_eq!(a.len(), vocab.len(), "{name}");
    if counts {
        r.nodes_per_term = Some(a.node_count() as f64 / vocab.len() as f64);
    }
    r
}

#[test]
fn bytes_per_term_beside_a_hash_map_a_sorted_vec_and_an_fst() {
    assert!(heap::installed(), "the counting allocator is this binary's");
    let vocab = vocabulary(&BENCH_VOCABULARY, SEED);
    let n = vocab.len();
    let term_bytes = vocab.iter().map(|(t, _)| t.len()).sum::<usize>() as f64 / n as f64;
    let mut sorted_terms: Vec<(&str, u64)> = vocab.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    sorted_terms.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));

    let rows = [
        store::<<Reference as TrieFamily>::Plain>("reference Trie", &vocab, true),
        store::<<Reference as TrieFamily>::Radix>("reference RadixTrie", &vocab, true),
        store::<<Reference as TrieFamily>::Cached>("reference CachedTrie (K = 10)", &vocab, true),
        store::<QpTrie>("qp-trie", &vocab, false),
        store::<Patricia>("patricia_tree", &vocab, false),
        store::<RadixTrieCrate>("radix_trie", &vocab, true),
        row("trie-rs (built once)", n, || {
            TrieRs::build(vocab.iter().map(|(t, w)| (t.as_str(), *w)))
        })
        .1,
        row("fst Map (built once)", n, || {
            fst::Map::from_iter(sorted_terms.iter().copied()).expect("sorted distinct terms")
        })
        .1,
        row("HashMap<String, u64>", n, || {
            vocab.iter().cloned().collect::<HashMap<String, u64>>()
        })
        .1,
        row("sorted Vec<(String, u64)>", n, || {
            let mut v: Vec<(String, u64)> = vocab.to_vec();
            v.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            v
        })
        .1,
    ];
    // Printed before any assertion: this is the table in benches/README.md.
    eprintln!(
        "{n} terms of {term_bytes:.1} bytes on average ({} bytes of text in all)",
        (term_bytes * n as f64).round()
    );
    eprintln!("| store | bytes per term | × the term's own bytes | nodes per term |");
    eprintln!("|---|---|---|---|");
    for r in &rows {
        eprintln!(
            "| {} | {:.1} | {:.2} | {} |",
            r.name,
            r.per_term,
            r.per_term / term_bytes,
            r.nodes_per_term
                .map_or_else(|| "-".to_owned(), |x| format!("{x:.2}"))
        );
    }
    let by_name = |name: &str| {
        rows.iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    let (plain, radix, cached) = (
        by_name("reference Trie"),
        by_name("reference RadixTrie"),
        by_name("reference CachedTrie (K = 10)"),
    );
    let (fst, hash, vec) = (
        by_name("fst Map (built once)"),
        by_name("HashMap<String, u64>"),
        by_name("sorted Vec<(String, u64)>"),
    );
    // A sorted Vec holds each term once, in a String of its own (24 bytes, the text, rounded up
    // by nothing when cloned) beside its weight: 32 bytes and the text, exactly.
    assert!(
        (vec.per_term - (32.0 + term_bytes)).abs() < 0.5,
        "{vec:?} for {term_bytes:.1} bytes of text"
    );
    // A hash map holds the same Strings, in a table with room to spare.
    assert!(hash.per_term > vec.per_term, "{hash:?} {vec:?}");
    // The fst shares prefixes and suffixes in one byte array: the smallest by far, below the
    // text itself.
    for r in &rows {
        if r.name != fst.name {
            assert!(fst.per_term * 2.0 < r.per_term, "{fst:?} {r:?}");
        }
    }
    assert!(fst.per_term < term_bytes, "{fst:?}");
    // A radix trie has at most as many nodes as the plain one, whose nodes are one per distinct
    // prefix (more than one per term: terms share their starts, not their ends); the cache costs
    // the cached trie memory on top of the plain trie's.
    let nodes = |r: &Row| r.nodes_per_term.expect("counted");
    assert!(nodes(radix) <= nodes(plain), "{radix:?} {plain:?}");
    assert!(nodes(radix) <= 2.0 + 1.0 / n as f64, "{radix:?}");
    assert!(nodes(plain) > 1.0, "{plain:?}");
    assert!(cached.per_term > plain.per_term, "{cached:?} {plain:?}");
}
