//! Peers of the `trie` kata: `trie-rs`'s LOUDS trie, `qp-trie`, `patricia_tree`'s map and
//! `radix_trie`, behind [`kata_core::trie::Autocomplete`].
//!
//! None of the crates ranks completions: each iterates the terms under a prefix (in byte order),
//! and the adapter keeps the `k` heaviest in a bounded heap as it goes ([`heaviest`]), which is
//! the honest way to give them the kata's `top_k`: O(completions · log k) per query, where the
//! reference's cached trie answers from the prefix's node. Each crate is put in the slot of the
//! kata it fills: trie-rs (one node per byte, in LOUDS bit vectors) as the plain trie; qp-trie,
//! patricia_tree and radix_trie (compressed paths) as the radix trie. None has a cache of top
//! terms or a shared form, so a peer's family ([`TrieRsFamily`], [`QpTrieFamily`],
//! [`PatriciaFamily`], [`RadixTrieFamily`]) fills the other slots with the *reference's* types,
//! as the other katas' peers do: a peer's verdict is about its own type alone, and the bench
//! times a peer on the query and update workloads its type can run.
//!
//! The kata's term errors are checked by the adapters first ([`check_term`]): the crates take
//! any key, the empty one included. What the adapters do not add is what a crate lacks: trie-rs
//! is built once from a builder, and cannot take a new term or drop one after that (its
//! adapter panics, saying so); qp-trie and patricia_tree keep their nodes to themselves, so their
//! adapters cannot count them (`node_count` panics, saying so). radix_trie's nodes are walked
//! and counted; they split on half-bytes (nibbles), not bytes.
//!
//! `fst` (a finite-state transducer, built once from sorted terms) is compared on memory only,
//! in `tests/trie_memory.rs`: it cannot be updated at all.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use kata_core::trie::{TermError, MAX_TERM_BYTES};
use kata_suites::trie::TrieFamily;

use crate::Peer;

pub mod patricia;
pub mod qp;
pub mod radix;
pub mod trie_rs;

pub use self::patricia::Patricia;
pub use self::qp::QpTrie;
pub use self::radix::RadixTrieCrate;
pub use self::trie_rs::TrieRs;

kata_suites::trie_family!(
    /// The reference `trie`: the yardstick the suite grades a peer against, and the types the
    /// peers' families borrow.
    Reference => trie_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_trie;
    Some(match name {
        "trie-rs" => grade_trie::<TrieRsFamily, Reference>(seed),
        "qp-trie" => grade_trie::<QpTrieFamily, Reference>(seed),
        "patricia_tree" => grade_trie::<PatriciaFamily, Reference>(seed),
        "radix_trie" => grade_trie::<RadixTrieFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `trie` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "trie-rs",
        krate: "trie-rs",
        version: "0.4.2",
        design: "a trie of one node per byte in LOUDS succinct bit vectors (louds-rs, fid-rs), \
                 built once from a TrieBuilder; children found by binary search over a Vec of \
                 their node numbers collected at each level; completions as fresh Vec<u8>s",
        difference: Some(TRIE_RS_DIFFERENCE),
    },
    Peer {
        name: "qp-trie",
        krate: "qp-trie",
        version: "0.8.2",
        design: "a qp-trie: branches on one nibble each, their children in a popcount-indexed \
                 array (at most 16), leaves holding the whole key and value; prefix iteration \
                 borrows the leaves",
        difference: Some(QP_TRIE_DIFFERENCE),
    },
    Peer {
        name: "patricia_tree",
        krate: "patricia_tree",
        version: "0.10.2",
        design: "a PATRICIA tree on bytes: each node one allocation holding its label, value and \
                 first-child / next-sibling pointers; prefix iteration builds each key afresh",
        difference: Some(PATRICIA_DIFFERENCE),
    },
    Peer {
        name: "radix_trie",
        krate: "radix_trie",
        version: "0.3.0",
        design: "a radix trie on nibbles: each node a boxed key fragment, the whole key and \
                 value, and 16 optional children; keys encoded to nibble vectors on every \
                 lookup",
        difference: None,
    },
];

/// How trie-rs differs from the kata's specification.
const TRIE_RS_DIFFERENCE: &str =
    "trie-rs builds its trie once, from a TrieBuilder: a built trie takes a new value for a term \
     it holds, but no new term, and drops none (its adapter panics on either); a store that \
     changes must be built again from every term.";

/// How qp-trie differs from the kata's specification.
const QP_TRIE_DIFFERENCE: &str =
    "qp-trie keeps its nodes to itself: there is no call that counts them, so its adapter \
     cannot give node_count (it panics, saying so).";

/// How patricia_tree differs from the kata's specification.
const PATRICIA_DIFFERENCE: &str =
    "patricia_tree keeps its nodes to itself: there is no call that counts them, so its adapter \
     cannot give node_count (it panics, saying so).";

/// The message `node_count` panics with in an adapter whose crate hides its nodes.
pub fn no_node_count(krate: &str) -> String {
    format!("{krate} keeps its nodes to itself: there is no call that counts them")
}

/// The families of the peers, each with the reference's types where its crate has none.
macro_rules! peer_family {
    ($(#[$meta:meta])* $name:ident: $plain:ty, $radix:ty) => {
        $(#[$meta])*
        pub struct $name;
        impl TrieFamily for $name {
            type Plain = $plain;
            type Radix = $radix;
            type Cached = <Reference as TrieFamily>::Cached;
            type Shared = <Reference as TrieFamily>::Shared;
        }
    };
}

type RefPlain = <Reference as TrieFamily>::Plain;
type RefRadix = <Reference as TrieFamily>::Radix;

peer_family!(
    /// trie-rs's family: its trie as the plain trie, the reference's other types.
    TrieRsFamily: TrieRs, RefRadix
);
peer_family!(
    /// qp-trie's family: its trie as the radix trie, the reference's other types.
    QpTrieFamily: RefPlain, QpTrie
);
peer_family!(
    /// patricia_tree's family: its map as the radix trie, the reference's other types.
    PatriciaFamily: RefPlain, Patricia
);
peer_family!(
    /// radix_trie's family: its trie as the radix trie, the reference's other types.
    RadixTrieFamily: RefPlain, RadixTrieCrate
);

/// Checks a term as the kata's specification does: [`TermError::Empty`], then
/// [`TermError::TooLong`].
///
/// # Errors
///
/// As said.
pub fn check_term(term: &str) -> Result<(), TermError> {
    if term.is_empty() {
        return Err(TermError::Empty);
    }
    if term.len() > MAX_TERM_BYTES {
        return Err(TermError::TooLong(term.len()));
    }
    Ok(())
}

/// A completion as [`heaviest`] ranks it: the greater is the better, the heavier, and at equal
/// weights the earlier in byte order.
struct Ranked<B> {
    weight: u64,
    term: B,
}

impl<B: AsRef<[u8]>> Ranked<B> {
    fn key(&self) -> (u64, Reverse<&[u8]>) {
        (self.weight, Reverse(self.term.as_ref()))
    }
}

impl<B: AsRef<[u8]>> PartialEq for Ranked<B> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<B: AsRef<[u8]>> Eq for Ranked<B> {}

impl<B: AsRef<[u8]>> PartialOrd for Ranked<B> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<B: AsRef<[u8]>> Ord for Ranked<B> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// The `k` heaviest of `completions` (each a term's bytes, borrowed or owned, and its weight),
/// heaviest first and equal weights in byte order: a heap of at most `k`, the worst on top, that
/// a completion enters only when it beats the worst. Empty for `k` = 0, without iterating.
///
/// # Panics
///
/// When a term is not UTF-8: every term the adapters hold came in as a `&str`.
pub fn heaviest<B>(completions: impl IntoIterator<Item = (B, u64)>, k: usize) -> Vec<(String, u64)>
where
    B: AsRef<[u8]> + Into<Vec<u8>>,
{
    if k == 0 {
        return Vec::new();
    }
    // Room for `k`, up to a bound: `k` may be anything, `usize::MAX` included.
    let mut heap: BinaryHeap<Reverse<Ranked<B>>> = BinaryHeap::with_capacity(k.min(64));
    for (term, weight) in completions {
        let next = Ranked { weight, term };
        if heap.len() < k {
            heap.push(Reverse(next));
        } else if let Some(mut worst) = heap.peek_mut() {
            if next > worst.0 {
                *worst = Reverse(next);
            }
        }
    }
    heap.into_sorted_vec()
        .into_iter()
        .map(|Reverse(r)| {
            let term = String::from_utf8(r.term.into()).expect("terms are UTF-8");
            (term, r.weight)
        })
        .collect()
}
