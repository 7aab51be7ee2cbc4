//! Stage 4 of `trie`: what each form costs, in memory and in time, on a vocabulary that looks
//! like a query log.
//!
//! The vocabulary is [`QUALITY_VOCABULARY`] generated from the stage's seed
//! ([`super::workloads::vocabulary`]: 50 000 queries of one to three English-like words, a few
//! with accented letters, Zipf weights); its parameters are printed. Then:
//!
//! - **memory**: the heap each form holds once it holds every term ([`crate::heap`]), in bytes
//!   per term, beside a `HashMap<String, u64>` and a sorted `Vec<(String, u64)>` of the same
//!   terms (the two structures a trie is weighed against) and the terms' own bytes. The plain
//!   trie must stay under [`PLAIN_BYTES_PER_NODE`] bytes per node (for this vocabulary's nodes
//!   per term): a node per byte can afford a short child list and a weight, not a hash table
//!   per node (`HashMap<u8, Box<Node>>`, about 150 bytes a node) and certainly not an array of
//!   256 child pointers (2 KiB a node, gigabytes here: such a trie is refused after its first
//!   thousand terms). The cached trie may add, per node, a `Vec` of `K` term ids of 8 bytes
//!   ([`CACHE_BYTES_PER_NODE`]), and per term a table entry ([`TABLE_BYTES_PER_TERM`] plus the
//!   term's bytes). A failed memory check prints the bytes per node and names the likely causes:
//!   spare capacity (a `Vec` grown by doubling, or cut back with `truncate`, keeps its room: an
//!   excess that `shrink_to_fit` removes), entries larger than an id (copies of the terms in the
//!   caches), and a map per node.
//! - **nodes**: the plain trie's node count must be exactly 1 + the distinct byte prefixes of
//!   the terms; the radix trie's at most the plain trie's and at most `2·terms + 1`. Their ratio
//!   is what merging chains saves.
//! - **exactness**: [`PREFIXES`] prefixes of 1 to 6 bytes cut from the terms, a tenth of them
//!   inside a two-byte character, are completed with `k` = 10 by every form (and with `k` = 15,
//!   beyond the cache, by the caching ones) and compared with the sorted `Vec`'s answer (binary
//!   search for the prefix's range, then the `k` heaviest of it): every answer must be exact.
//! - **the trade-off**: the CPU time of an update (`add_weight(term, 1)` on Zipf-drawn terms)
//!   and of a query (`top_k` of a 1-3 byte prefix, `k` = 10) on the plain, radix and cached
//!   tries, in interleaved rounds (each round times a batch of each, in a random order; the
//!   median of the rounds is kept), printed with the cached trie's ratio to the plain one. Not
//!   graded: a table to read.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use kata_core::trie::DEFAULT_CACHE;

use super::model::{answer_literal, brute_top_k, bytes_literal, diagnose, rank, Model};
use super::subject::{Cached, Kind, Plain, Radix, Shared, Subject};
use super::workloads::{vocabulary, ZipfRanks, QUALITY_VOCABULARY};
use super::TrieFamily;
use crate::measure::{thread_time, SplitMix64};
use crate::report::Measurement;
use crate::Ctx;

/// Prefixes completed by every form in the exactness check.
pub const PREFIXES: usize = 1_000;

/// The most heap bytes per node the plain trie may hold (as bytes per term: this times the
/// vocabulary's nodes per term). A node in an arena, a sorted `Vec<(u8, u32)>` of children and
/// a weight hold about 70 to 100 (the reference, with the arena's spare capacity); a node boxed
/// in its parent's `Vec<(u8, Box<Node>)>` about 100; a `HashMap<u8, Box<Node>>` per node about
/// 150; `[Option<Box<Node>>; 256]` per node 2 KiB.
pub const PLAIN_BYTES_PER_NODE: f64 = 128.0;

/// What the cached trie may hold per node beyond the plain trie: a `Vec` (24 bytes) of
/// [`DEFAULT_CACHE`] term ids of 8 bytes.
pub const CACHE_BYTES_PER_NODE: f64 = 24.0 + 8.0 * DEFAULT_CACHE as f64;

/// What the cached trie may hold per term beyond the plain trie, besides the term's bytes: an
/// entry in a table of terms (a `String` and a weight, 32 bytes), twice over for the table's
/// spare capacity.
pub const TABLE_BYTES_PER_TERM: f64 = 64.0;

/// A form whose heap, projected from its first [`PROBE_TERMS`] terms, would pass this is not
/// built with the whole vocabulary.
pub const HEAP_LIMIT: f64 = 512.0 * 1024.0 * 1024.0;

/// Terms a form is first built with, to project its heap.
pub const PROBE_TERMS: usize = 1_000;

/// Rounds of the timing table.
pub const ROUNDS: usize = 11;

/// Updates per batch in the timing table.
const UPDATE_BATCH: usize = 2_000;

/// Queries per batch in the timing table.
const QUERY_BATCH: usize = 50;

/// What the stage measured of one form.
#[derive(Debug, Clone)]
struct Built {
    kind: Kind,
    heap: Option<i64>,
    nodes: Option<usize>,
    build: Duration,
}

/// The terms and what is known of them.
struct Vocab {
    /// The terms, sorted by their bytes, with their weights.
    sorted: Vec<(String, u64)>,
    /// The terms in the order generated.
    terms: Vec<(String, u64)>,
    /// 1 + the distinct non-empty byte prefixes.
    plain_nodes: usize,
    /// The terms' own bytes.
    bytes: usize,
}

impl Vocab {
    fn new(terms: Vec<(String, u64)>) -> Vocab {
        let mut sorted = terms.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut prefixes: BTreeSet<&[u8]> = BTreeSet::new();
        for (t, _) in &terms {
            let b = t.as_bytes();
            for i in 1..=b.len() {
                prefixes.insert(&b[..i]);
            }
        }
        let plain_nodes = 1 + prefixes.len();
        let bytes = terms.iter().map(|(t, _)| t.len()).sum();
        Vocab {
            sorted,
            terms,
            plain_nodes,
            bytes,
        }
    }

    /// The `k` heaviest completions of `prefix`, from the sorted terms: a binary search for the
    /// prefix's range, then the range ranked.
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        let start = self.sorted.partition_point(|(t, _)| t.as_bytes() < prefix);
        let len = self.sorted[start..]
            .iter()
            .take_while(|(t, _)| t.as_bytes().starts_with(prefix))
            .count();
        brute_top_k(
            self.sorted[start..start + len]
                .iter()
                .map(|(t, w)| (t.as_str(), *w)),
            prefix,
            k,
        )
    }

    fn count(&self) -> f64 {
        self.terms.len() as f64
    }

    fn nodes_per_term(&self) -> f64 {
        self.plain_nodes as f64 / self.count()
    }
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: TrieFamily>(ctx: &mut Ctx) {
    let counted = crate::heap::installed();
    let params = QUALITY_VOCABULARY;
    let v = Vocab::new(vocabulary(&params, ctx.sub_seed(4)));
    let accented = v.terms.iter().filter(|(t, _)| !t.is_ascii()).count();
    ctx.note(format!(
        "The vocabulary: {}. Here: {} terms, {:.1} bytes each on average, {accented} with a \
         multi-byte character; {} distinct byte prefixes, {:.2} nodes per term in a trie with \
         a node per byte.",
        params.describe(),
        v.terms.len(),
        v.bytes as f64 / v.count(),
        v.plain_nodes - 1,
        v.nodes_per_term()
    ));
    let prefixes = sample_prefixes(&v, ctx.sub_seed(6));

    let mut built = Vec::new();
    let plain = build::<Plain<F::Plain>>(ctx, &v, counted, &mut built);
    let radix = build::<Radix<F::Radix>>(ctx, &v, counted, &mut built);
    let cached = build::<Cached<F::Cached>>(ctx, &v, counted, &mut built);
    let shared = build::<Shared<F::Shared>>(ctx, &v, false, &mut Vec::new());

    if let Some(t) = &plain {
        exact(ctx, t, &v, &prefixes, &[10]);
    }
    if let Some(t) = &radix {
        exact(ctx, t, &v, &prefixes, &[10]);
    }
    if let Some(t) = &cached {
        exact(ctx, t, &v, &prefixes, &[10, 15]);
    }
    if let Some(t) = &shared {
        exact(ctx, t, &v, &prefixes, &[10, 15]);
    }
    drop(shared);

    memory(ctx, &v, &built, counted);
    nodes(ctx, &v, &built);
    if let (Some(p), Some(r), Some(c)) = (plain, radix, cached) {
        trade_off(ctx, &v, p, r, c);
    } else {
        ctx.note(
            "The update and query costs were not measured: a form could not be built (see the \
             failed check).",
        );
    }
}

/// The prefixes of the exactness check: [`PREFIXES`] of them, 1 to 6 bytes cut from terms drawn
/// at random, a tenth of them cut inside a multi-byte character (just after its first byte, which
/// is among a term's first 6).
fn sample_prefixes(v: &Vocab, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64::new(seed);
    // Terms with a multi-byte character starting within their first 6 bytes.
    let lead = |t: &str| t.bytes().position(|b| b >= 0xC0);
    let accented: Vec<&str> = v
        .terms
        .iter()
        .map(|(t, _)| t.as_str())
        .filter(|t| lead(t).is_some_and(|i| i < 6))
        .collect();
    let mut out = Vec::with_capacity(PREFIXES);
    while out.len() < PREFIXES {
        if out.len() % 10 == 9 && !accented.is_empty() {
            let t = accented[rng.below(accented.len() as u64) as usize];
            let at = lead(t).expect("a multi-byte character");
            out.push(t.as_bytes()[..=at].to_vec());
            continue;
        }
        let t = v.terms[rng.below(v.terms.len() as u64) as usize]
            .0
            .as_bytes();
        let len = (1 + rng.below(6) as usize).min(t.len());
        out.push(t[..len].to_vec());
    }
    out
}

/// Builds `S` with every term, measuring its heap when `counted`, and records what it measured
/// in `built`; `None` (the check failed) when it refused a term or would hold too much.
fn build<S: Subject>(ctx: &mut Ctx, v: &Vocab, counted: bool, built: &mut Vec<Built>) -> Option<S> {
    let kind = S::KIND;
    let name = kind.type_name();
    let made = kind.made(DEFAULT_CACHE);
    let mut out = None;
    ctx.check(
        &format!("{name}: {made} takes the {} terms", v.terms.len()),
        || {
            if counted {
                let (probe, held) = crate::heap::measure(|| fill::<S>(&v.terms[..PROBE_TERMS]));
                let probe = probe?;
                let projected = held as f64 / PROBE_TERMS as f64 * v.count();
                if projected > HEAP_LIMIT {
                    return Err(format!(
                        "{made} holds {held} bytes of heap after its first {PROBE_TERMS} terms, \
                         {:.0} per term, which would be {:.1} GiB for the {} terms: not built. \
                         A node with an array of 256 children (2 KiB of pointers) is the usual \
                         cause: keep a node's children in a short sorted Vec of (byte, child)",
                        held as f64 / PROBE_TERMS as f64,
                        projected / (1u64 << 30) as f64,
                        v.terms.len()
                    ));
                }
                drop(probe);
            }
            let start = thread_time();
            let (store, held) = crate::heap::measure(|| fill::<S>(&v.terms));
            let store = store?;
            let build = thread_time().saturating_sub(start);
            let len = store.len();
            if len != v.terms.len() {
                return Err(format!(
                    "{made} after inserting {} distinct terms: len() is {len}",
                    v.terms.len()
                ));
            }
            built.push(Built {
                kind,
                heap: counted.then_some(held as i64),
                nodes: store.node_count(),
                build,
            });
            out = Some(store);
            Ok(())
        },
    );
    out
}

/// A new `S` holding `terms`.
fn fill<S: Subject>(terms: &[(String, u64)]) -> Result<S, String> {
    let made = S::KIND.made(DEFAULT_CACHE);
    let mut s = S::build(DEFAULT_CACHE).map_err(|e| format!("{made} failed: {e}"))?;
    for (t, w) in terms {
        s.insert(t, *w)
            .map_err(|e| format!("{made}: insert({t:?}, {w}) failed: {e}"))?;
    }
    Ok(s)
}

/// Every prefix completed with each of `ks`, against the sorted terms.
fn exact<S: Subject>(ctx: &mut Ctx, s: &S, v: &Vocab, prefixes: &[Vec<u8>], ks: &[usize]) {
    let name = S::KIND.type_name();
    let list: Vec<String> = ks.iter().map(usize::to_string).collect();
    ctx.check(
        &format!(
            "{name}: top_k of {} prefixes (1-6 bytes, a tenth cut inside a character), k = {}, \
             exactly the sorted terms' answer",
            prefixes.len(),
            list.join(" and ")
        ),
        || {
            let mut wrong = 0;
            let mut first = None;
            for p in prefixes {
                for &k in ks {
                    let (got, want) = (s.top_k(p, k), v.top_k(p, k));
                    if got != want {
                        wrong += 1;
                        first.get_or_insert((p.clone(), k, got, want));
                    }
                }
            }
            match first {
                None => Ok(()),
                Some((p, k, got, want)) => {
                    let model = Model {
                        terms: v.terms.iter().cloned().collect(),
                    };
                    Err(format!(
                        "{wrong} of {} answers differ from the sorted terms'; the first: \
                         top_k({}, {k}) is {}, expected {}: {}",
                        prefixes.len() * ks.len(),
                        bytes_literal(&p),
                        answer_literal(&got),
                        answer_literal(&want),
                        diagnose(&got, &want, &p, k, &model)
                    ))
                }
            }
        },
    );
}

/// The memory table and its checks.
fn memory(ctx: &mut Ctx, v: &Vocab, built: &[Built], counted: bool) {
    if !counted {
        ctx.note(
            "Memory not measured: this process does not count heap bytes (the counting \
             allocator, kata_suites::heap, is installed by the runners only).",
        );
        return;
    }
    let n = v.count();
    let (map, map_heap) =
        crate::heap::measure(|| v.terms.iter().cloned().collect::<HashMap<String, u64>>());
    drop(map);
    let (vec, vec_heap) = crate::heap::measure(|| {
        let mut s: Vec<(String, u64)> = v.terms.to_vec();
        s.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        s
    });
    drop(vec);
    let find = |kind| built.iter().find(|b| b.kind == kind);
    let mut rows: Vec<Vec<String>> = built
        .iter()
        .filter_map(|b| {
            let heap = b.heap?;
            let nodes = b.nodes.unwrap_or(0);
            Some(vec![
                match b.kind {
                    Kind::Cached => format!("CachedTrie (K = {DEFAULT_CACHE})"),
                    k => k.type_name().to_owned(),
                },
                heap.to_string(),
                format!("{:.1}", heap as f64 / n),
                format!("{:.2}", heap as f64 / v.bytes as f64),
                nodes.to_string(),
                format!("{:.1}", heap as f64 / nodes.max(1) as f64),
                format!("{:.0}", b.build.as_secs_f64() * 1e3),
            ])
        })
        .collect();
    for (what, heap) in [
        ("HashMap<String, u64>", map_heap),
        ("sorted Vec<(String, u64)>", vec_heap),
    ] {
        rows.push(vec![
            what.to_owned(),
            heap.to_string(),
            format!("{:.1}", heap as f64 / n),
            format!("{:.2}", heap as f64 / v.bytes as f64),
            "-".into(),
            "-".into(),
            "-".into(),
        ]);
    }
    rows.push(vec![
        "the terms' bytes alone".to_owned(),
        v.bytes.to_string(),
        format!("{:.1}", v.bytes as f64 / n),
        "1.00".into(),
        "-".into(),
        "-".into(),
        "-".into(),
    ]);
    ctx.table(
        &format!(
            "memory: heap held with the {} terms, per term and beside the terms' own bytes",
            v.terms.len()
        ),
        &[
            "structure",
            "heap bytes",
            "bytes/term",
            "× the terms' bytes",
            "nodes",
            "bytes/node",
            "build ms",
        ],
        rows,
    );
    let npt = v.nodes_per_term();
    let per = |kind| find(kind).and_then(|b| b.heap).map(|h| h as f64 / n);
    if let (Some(p), Some(r), Some(c)) = (per(Kind::Plain), per(Kind::Radix), per(Kind::Cached)) {
        ctx.note(format!(
            "What this shows: a node per byte costs {p:.0} bytes per term here, {:.0}x the \
             terms' own bytes and {:.0}x a HashMap<String, u64> of them; merging chains (the \
             radix trie) keeps {r:.0} ({:.1}x less), and caching the top {DEFAULT_CACHE} at \
             every node adds {:.0} % to the plain trie. A sorted Vec answers the same prefix \
             queries by binary search and a scan of the prefix's range, in {:.0} bytes per term: \
             a trie buys queries that never look at the terms outside the prefix (and, cached, \
             not even inside it), and updates that move nothing.",
            p * n / v.bytes as f64,
            p * n / map_heap as f64,
            p / r,
            (c / p - 1.0) * 100.0,
            vec_heap as f64 / n
        ));
    }
    if let Some(p) = find(Kind::Plain).and_then(|b| b.heap.map(|h| (b, h))) {
        let per = p.1 as f64 / n;
        let per_node = p.1 as f64 / v.plain_nodes as f64;
        let bound = PLAIN_BYTES_PER_NODE * npt;
        let passed = per <= bound;
        let mut threshold = format!(
            "<= {bound:.0}: {PLAIN_BYTES_PER_NODE} bytes per node × {npt:.2} nodes per term (the \
             vocabulary's), room for a short sorted list of children and a weight"
        );
        if !passed {
            threshold.push_str(&format!(
                ". Likely causes: {}; a map per node (a HashMap<u8, _> of children costs about \
                 150 bytes a node, an array of 256 children 2 KiB); a copy of the term or of its \
                 prefix kept in nodes (a String per node)",
                SPARE_CAPACITY
            ));
        }
        ctx.measure(Measurement {
            name: format!(
                "Trie: heap bytes per term ({per_node:.1} bytes per node, {npt:.2} nodes per term)"
            ),
            value: (per * 10.0).round() / 10.0,
            unit: "bytes".into(),
            threshold,
            passed,
        });
        if let Some(c) = find(Kind::Cached).and_then(|b| b.heap) {
            let per_c = c as f64 / n;
            let term_bytes = v.bytes as f64 / n;
            let allowance = CACHE_BYTES_PER_NODE * npt + TABLE_BYTES_PER_TERM + term_bytes;
            let bound = per + allowance;
            let passed = per_c <= bound;
            let mut threshold = format!(
                "<= {bound:.0}: the plain trie's {per:.1}, plus per node a Vec of K = \
                 {DEFAULT_CACHE} term ids of 8 bytes ({CACHE_BYTES_PER_NODE} × {npt:.2} nodes \
                 per term), plus per term an entry in a table of terms ({TABLE_BYTES_PER_TERM} + \
                 the term's {term_bytes:.1} bytes)"
            );
            if !passed {
                let extra = (c - p.1) as f64 / v.plain_nodes as f64;
                threshold.push_str(&format!(
                    "; here the cached trie holds {extra:.1} bytes per node more than the plain \
                     trie (the allowance is {:.1}, table included). Likely causes: {}; cache \
                     entries larger than an id (a String per entry is 24 bytes and a copy of the \
                     term, an Arc<str> 16 bytes; a u32 id into a table of terms is 4); a map per \
                     node (a HashMap of children, or of cached weights)",
                    allowance / npt,
                    SPARE_CAPACITY
                ));
            }
            ctx.measure(Measurement {
                name: format!(
                    "CachedTrie (K = {DEFAULT_CACHE}): heap bytes per term, beside the plain \
                     trie's {per:.1}"
                ),
                value: (per_c * 10.0).round() / 10.0,
                unit: "bytes".into(),
                threshold,
                passed,
            });
        }
    }
}

/// The first likely cause every failed memory check names: the room a `Vec` keeps empty.
const SPARE_CAPACITY: &str = "spare capacity (a Vec grown by push or insert doubles its room, \
    4, 8, 16 entries, so up to half of it is empty, and truncate, remove and clear keep all of \
    it: a list of 10 filled one entry at a time has room for 16; call shrink_to_fit once a Vec \
    stops growing, or make it with reserve_exact for the size it will reach)";

/// The node table and its checks.
fn nodes(ctx: &mut Ctx, v: &Vocab, built: &[Built]) {
    let of = |kind| built.iter().find(|b| b.kind == kind).and_then(|b| b.nodes);
    let (plain, radix) = (of(Kind::Plain), of(Kind::Radix));
    let n = v.terms.len();
    let mut rows = vec![
        vec!["terms".to_owned(), n.to_string()],
        vec![
            "1 + distinct byte prefixes".to_owned(),
            v.plain_nodes.to_string(),
        ],
        vec!["2 · terms + 1".to_owned(), (2 * n + 1).to_string()],
    ];
    if let Some(p) = plain {
        rows.push(vec!["Trie: node_count()".to_owned(), p.to_string()]);
    }
    if let Some(r) = radix {
        rows.push(vec!["RadixTrie: node_count()".to_owned(), r.to_string()]);
    }
    if let (Some(p), Some(r)) = (plain, radix) {
        rows.push(vec![
            "Trie / RadixTrie".to_owned(),
            format!("{:.2}", p as f64 / r.max(1) as f64),
        ]);
    }
    ctx.table(
        "nodes: one per byte (Trie) against chains merged into labelled edges (RadixTrie)",
        &["", "count"],
        rows,
    );
    if let Some(p) = plain {
        ctx.measure(Measurement {
            name: "Trie: node_count()".into(),
            value: p as f64,
            unit: "nodes".into(),
            threshold: format!(
                "== {}: 1 + the distinct non-empty byte prefixes of the terms, one node per byte",
                v.plain_nodes
            ),
            passed: p == v.plain_nodes,
        });
    }
    if let Some(r) = radix {
        let most = plain.unwrap_or(v.plain_nodes).min(2 * n + 1);
        ctx.measure(Measurement {
            name: "RadixTrie: node_count()".into(),
            value: r as f64,
            unit: "nodes".into(),
            threshold: format!(
                "<= {most}: at most the plain trie's and at most 2·terms + 1 (every node but \
                 the root holds a term or has two children or more)"
            ),
            passed: r <= most && r >= 1,
        });
    }
}

/// The timing table: updates and queries on the three single-thread forms, interleaved.
fn trade_off<P: Subject, R: Subject, C: Subject>(ctx: &mut Ctx, v: &Vocab, p: P, r: R, c: C) {
    let seed = ctx.sub_seed(7);
    let mut rng = SplitMix64::new(seed);
    let ranks = ZipfRanks::new(v.terms.len(), 1.0);
    // Popularity by weight: the heaviest term is rank 0.
    let mut by_weight: Vec<&str> = v.terms.iter().map(|(t, _)| t.as_str()).collect();
    let weights: HashMap<&str, u64> = v.terms.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    by_weight.sort_by(|a, b| {
        rank(
            &((*a).to_owned(), weights[a]),
            &((*b).to_owned(), weights[b]),
        )
    });
    let updates: Vec<&str> = (0..UPDATE_BATCH * 4)
        .map(|_| by_weight[ranks.sample(&mut rng)])
        .collect();
    let queries = super::workloads::prefixes(&v.terms, QUERY_BATCH * 4, 3, seed);
    let mut stores: (P, R, C) = (p, r, c);
    let mut times: [[Vec<f64>; 3]; 2] = Default::default();
    for round in 0..ROUNDS {
        let mut order = [0usize, 1, 2];
        for i in (1..3).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            order.swap(i, j);
        }
        let ups = &updates[(round % 4) * UPDATE_BATCH..][..UPDATE_BATCH];
        let qs = &queries[(round % 4) * QUERY_BATCH..][..QUERY_BATCH];
        for &which in &order {
            let (u, q) = match which {
                0 => timed(&mut stores.0, ups, qs),
                1 => timed(&mut stores.1, ups, qs),
                _ => timed(&mut stores.2, ups, qs),
            };
            times[0][which].push(u);
            times[1][which].push(q);
        }
    }
    let median = |xs: &[f64]| {
        let mut s = xs.to_vec();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    };
    let m: Vec<[f64; 3]> = (0..2)
        .map(|op| {
            [
                median(&times[op][0]),
                median(&times[op][1]),
                median(&times[op][2]),
            ]
        })
        .collect();
    let rows = vec![
        vec![
            "add_weight(term, 1), Zipf-drawn terms".to_owned(),
            format!("{:.0}", m[0][0]),
            format!("{:.0}", m[0][1]),
            format!("{:.0}", m[0][2]),
            ratio(m[0][2] / m[0][0]),
        ],
        vec![
            "top_k(1-3 byte prefix, 10)".to_owned(),
            format!("{:.0}", m[1][0]),
            format!("{:.0}", m[1][1]),
            format!("{:.0}", m[1][2]),
            ratio(m[1][2] / m[1][0]),
        ],
    ];
    ctx.table(
        &format!(
            "the trade-off: ns per operation ({}, median of {ROUNDS} interleaved rounds; \
             {UPDATE_BATCH} updates and {QUERY_BATCH} queries a batch)",
            crate::measure::time_source().describe()
        ),
        &[
            "operation",
            "Trie",
            "RadixTrie",
            &format!("CachedTrie (K = {DEFAULT_CACHE})"),
            "cached / plain",
        ],
        rows,
    );
    ctx.note(format!(
        "What this shows: keeping each node's top {DEFAULT_CACHE} makes a query read one node's \
         list instead of searching the prefix's subtree ({:.0}x cheaper here), and makes every \
         update pay to keep the lists on its path right ({:.1}x the plain trie's update here). \
         A typeahead box asks far more often than its terms' weights change, and weights can \
         be batched: the search engines' choice.",
        m[1][0] / m[1][2].max(1e-9),
        m[0][2] / m[0][0].max(1e-9)
    ));
}

/// A ratio for the table: `2.10`, or `1/348` below 1 in 10.
fn ratio(x: f64) -> String {
    if x < 0.1 && x > 0.0 {
        format!("1/{:.0}", 1.0 / x)
    } else {
        format!("{x:.2}")
    }
}

/// One batch of updates and one of queries on `s`: ns per operation of each.
fn timed<S: Subject>(s: &mut S, updates: &[&str], queries: &[Vec<u8>]) -> (f64, f64) {
    let start = thread_time();
    for t in updates {
        let _ = std::hint::black_box(s.add_weight(t, 1));
    }
    let u = thread_time().saturating_sub(start);
    let start = thread_time();
    for q in queries {
        std::hint::black_box(s.top_k(q, 10));
    }
    let q = thread_time().saturating_sub(start);
    (
        u.as_nanos() as f64 / updates.len() as f64,
        q.as_nanos() as f64 / queries.len() as f64,
    )
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;

    /// Heap bytes per node of a per-byte trie built with `insert`, on the stage's vocabulary.
    fn per_node<T>(v: &Vocab, mut t: T, insert: impl Fn(&mut T, &[u8], u64)) -> f64 {
        let ((), held) = crate::heap::measure(|| {
            for (term, w) in &v.terms {
                insert(&mut t, term.as_bytes(), *w);
            }
        });
        std::hint::black_box(&t);
        held as f64 / v.plain_nodes as f64
    }

    /// A node of [`Arena`]: its children, sorted by byte, and its weight.
    type ArenaNode = (Vec<(u8, u32)>, Option<u64>);

    #[derive(Default)]
    struct Arena {
        nodes: Vec<ArenaNode>,
    }
    #[derive(Default)]
    struct Boxed {
        children: Vec<(u8, Box<Boxed>)>,
        weight: Option<u64>,
    }
    #[derive(Default)]
    struct Hashed {
        children: HashMap<u8, Box<Hashed>>,
        weight: Option<u64>,
    }
    #[derive(Default)]
    struct Tree {
        children: BTreeMap<u8, Box<Tree>>,
        weight: Option<u64>,
    }

    /// Prints what each layout holds per node (run with --nocapture), and checks that the bound
    /// parts the layouts it is meant to part.
    #[test]
    fn the_plain_bound_parts_a_child_list_from_a_hash_table() {
        let v = Vocab::new(vocabulary(&QUALITY_VOCABULARY, 1));
        let arena = per_node(
            &v,
            Arena {
                nodes: vec![(Vec::new(), None)],
            },
            |a, term, w| {
                let mut at = 0usize;
                for &b in term {
                    let found = a.nodes[at].0.binary_search_by_key(&b, |c| c.0);
                    at = match found {
                        Ok(i) => a.nodes[at].0[i].1 as usize,
                        Err(i) => {
                            let id = a.nodes.len() as u32;
                            a.nodes.push((Vec::new(), None));
                            a.nodes[at].0.insert(i, (b, id));
                            id as usize
                        }
                    };
                }
                a.nodes[at].1 = Some(w);
            },
        );
        let boxed = per_node(&v, Boxed::default(), |root, term, w| {
            let mut n = root;
            for &b in term {
                let i = match n.children.binary_search_by_key(&b, |c| c.0) {
                    Ok(i) => i,
                    Err(i) => {
                        n.children.insert(i, (b, Box::default()));
                        i
                    }
                };
                n = &mut n.children[i].1;
            }
            n.weight = Some(w);
        });
        let hashed = per_node(&v, Hashed::default(), |root, term, w| {
            let mut n = root;
            for &b in term {
                n = n.children.entry(b).or_default();
            }
            n.weight = Some(w);
        });
        let tree = per_node(&v, Tree::default(), |root, term, w| {
            let mut n = root;
            for &b in term {
                n = n.children.entry(b).or_default();
            }
            n.weight = Some(w);
        });
        eprintln!(
            "bytes per node: arena {arena:.1}, Vec<(u8, Box<Node>)> {boxed:.1}, \
             HashMap<u8, Box<Node>> {hashed:.1}, BTreeMap<u8, Box<Node>> {tree:.1}; bound \
             {PLAIN_BYTES_PER_NODE}"
        );
        assert!(arena <= PLAIN_BYTES_PER_NODE && boxed <= PLAIN_BYTES_PER_NODE);
        assert!(hashed > PLAIN_BYTES_PER_NODE);
    }
}
