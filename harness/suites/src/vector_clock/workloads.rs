//! The clocks the benches and the complexity stage share.
//!
//! # The bench workloads ([`BENCH`])
//!
//! - **`tick`**: a clock of 64 entries, `tick(node)` on its nodes in turn.
//! - **`compare-16`**, **`compare-256`**: `a.compare(&b)` over [`PAIRS`] prepared pairs of
//!   clocks of 16 (256) entries, where `b` is `a` with some counters raised and a few nodes more
//!   (`Before`), or a copy of `a` (`Equal`): pairs a comparison must read to the end, as a
//!   replica's check of an incoming message mostly is (its sender heard of what it had).
//! - **`merge-16`**, **`merge-256`**: `let mut c = a.clone(); c.merge(&b)` over the prepared
//!   pairs, `a` and `b` sharing half their nodes: the copy and the walk over both.
//!
//! The complexity stage runs the same compare and merge at 8 to 2 048 entries.

use kata_core::vector_clock::{NodeId, VectorClock};

use crate::measure::{SplitMix64, Spec};

/// A clock's entries, as `from_entries` takes them.
pub type Entries = Vec<(NodeId, u64)>;

/// The prepared pairs a compare or merge workload goes through in turn.
pub const PAIRS: usize = 16;

/// The bench workloads.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "tick",
        summary: "a clock of 64 entries: tick(node), its nodes in turn",
    },
    Spec {
        name: "compare-16",
        summary: "a.compare(&b), clocks of 16 entries, b after or equal to a",
    },
    Spec {
        name: "compare-256",
        summary: "a.compare(&b), clocks of 256 entries, b after or equal to a",
    },
    Spec {
        name: "merge-16",
        summary: "a.clone() then merge(&b), clocks of 16 entries sharing half their nodes",
    },
    Spec {
        name: "merge-256",
        summary: "a.clone() then merge(&b), clocks of 256 entries sharing half their nodes",
    },
];

/// Entries of `n` distinct nodes spread over `0..16n`, counters 1 to 1 000, in random order.
fn entries(n: usize, rng: &mut SplitMix64) -> Vec<(NodeId, u64)> {
    let mut nodes = std::collections::BTreeSet::new();
    while nodes.len() < n {
        nodes.insert(rng.below(16 * n as u64) as NodeId);
    }
    let mut out: Vec<(NodeId, u64)> = nodes.into_iter().map(|node| (node, 1 + rng.below(1_000))).collect();
    // Not sorted: from_entries takes any order.
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i as u64 + 1) as usize);
    }
    out
}

fn make<C: VectorClock>(e: &[(NodeId, u64)]) -> C {
    C::from_entries(e).unwrap_or_else(|err| panic!("from_entries refused valid entries: {err}"))
}

/// [`PAIRS`] pairs of clocks of `n` entries: `b` is `a` (even pairs) or `a` with every fourth
/// counter raised and `n / 8` nodes more (odd pairs).
pub fn compare_pairs(n: usize, seed: u64) -> Vec<(Entries, Entries)> {
    let mut rng = SplitMix64::new(seed);
    (0..PAIRS)
        .map(|p| {
            let a = entries(n, &mut rng);
            let mut b = a.clone();
            if p % 2 == 1 {
                for (i, e) in b.iter_mut().enumerate() {
                    if i % 4 == 0 {
                        e.1 += 1;
                    }
                }
                let mut extra = 0;
                let mut node = 16 * n as NodeId;
                while extra < n / 8 {
                    b.push((node, 1));
                    node += 3;
                    extra += 1;
                }
            }
            (a, b)
        })
        .collect()
}

/// [`PAIRS`] pairs of clocks of `n` entries sharing half their nodes.
pub fn merge_pairs(n: usize, seed: u64) -> Vec<(Entries, Entries)> {
    let mut rng = SplitMix64::new(seed);
    (0..PAIRS)
        .map(|_| {
            let all = entries(n + n / 2, &mut rng);
            let a = all[..n].to_vec();
            let b: Vec<(NodeId, u64)> = all[n / 2..]
                .iter()
                .map(|&(node, c)| (node, c + rng.below(3)))
                .collect();
            (a, b)
        })
        .collect()
}

/// `compare` over prepared pairs.
pub struct Compare<C> {
    pairs: Vec<(C, C)>,
    next: usize,
}

impl<C: VectorClock> Compare<C> {
    /// Pairs of `n` entries from `seed`.
    pub fn new(n: usize, seed: u64) -> Self {
        Compare {
            pairs: compare_pairs(n, seed)
                .iter()
                .map(|(a, b)| (make(a), make(b)))
                .collect(),
            next: 0,
        }
    }

    /// One comparison.
    #[inline]
    pub fn step(&mut self) -> kata_core::vector_clock::Causality {
        let (a, b) = &self.pairs[self.next];
        self.next = (self.next + 1) % self.pairs.len();
        std::hint::black_box(a).compare(std::hint::black_box(b))
    }
}

/// `a.clone()` then `merge(&b)` over prepared pairs.
pub struct Merge<C> {
    pairs: Vec<(C, C)>,
    next: usize,
}

impl<C: VectorClock> Merge<C> {
    /// Pairs of `n` entries from `seed`.
    pub fn new(n: usize, seed: u64) -> Self {
        Merge {
            pairs: merge_pairs(n, seed)
                .iter()
                .map(|(a, b)| (make(a), make(b)))
                .collect(),
            next: 0,
        }
    }

    /// One clone and merge.
    #[inline]
    pub fn step(&mut self) {
        let (a, b) = &self.pairs[self.next];
        self.next = (self.next + 1) % self.pairs.len();
        let mut c = std::hint::black_box(a).clone();
        c.merge(std::hint::black_box(b));
        std::hint::black_box(&c);
    }
}

/// `tick` on a clock of `n` entries, its nodes in turn.
pub struct Tick<C> {
    clock: C,
    nodes: Vec<NodeId>,
    next: usize,
}

impl<C: VectorClock> Tick<C> {
    /// A clock of `n` entries from `seed`.
    pub fn new(n: usize, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let e = entries(n, &mut rng);
        Tick {
            clock: make(&e),
            nodes: e.iter().map(|x| x.0).collect(),
            next: 0,
        }
    }

    /// One tick.
    #[inline]
    pub fn step(&mut self) {
        let node = self.nodes[self.next];
        self.next = (self.next + 1) % self.nodes.len();
        let _ = std::hint::black_box(self.clock.tick(node));
    }
}
