//! Reference solution of the `trie` kata.
//!
//! Four stores of weighted terms that complete byte prefixes:
//!
//! - [`Trie`], the plain trie: one node per byte of a term, in an arena (`Vec`) addressed by
//!   `u32`, freed nodes reused from a free list. A node's children are a small `Vec` of
//!   `(byte, child)` sorted by byte. A query walks the prefix, then searches the whole subtree
//!   below it, keeping the `k` best in a bounded heap.
//! - [`RadixTrie`], the compressed trie (Morrison's PATRICIA, 1968): every edge is labelled with
//!   a byte string, so a chain of single-child nodes is one node. Every node but the root holds a
//!   term or has two children or more, so there are at most `2·len + 1` nodes with the root,
//!   however long the terms.
//! - [`CachedTrie`], the typeahead trade-off: a plain trie whose every node keeps the ids of the
//!   best `K` terms of its subtree. A query for `k ≤ K` completions walks the prefix and reads
//!   the cache: O(prefix + k), whatever the number of terms. An update fixes the caches of the
//!   nodes on its term's path, bottom-up: O(len · fanout · K) at worst, independent of the
//!   number of terms (see [`CachedTrie`]).
//! - [`SharedTrie`], a [`CachedTrie`] behind a reader-writer lock, for many querying threads and
//!   a few writers.
//!
//! # Order and ties
//!
//! Every query answers the `k` best completions by (weight descending, term bytes ascending):
//! exactly what sorting every completion by that key and keeping the first `k` gives.
//!
//! # Bytes, not characters
//!
//! Nodes are per byte of the terms' UTF-8, so a prefix that ends inside a multi-byte character
//! (`b"caf\xC3"`) walks to a node like any other, and its completions are the terms whose bytes
//! start with it (`café`, `cafè`). Terms are `&str`, so the bytes gathered along a path to a node
//! holding a term are always valid UTF-8.
//!
//! # Walks without recursion
//!
//! Terms are up to [`MAX_TERM_BYTES`] (1 024) bytes, so a trie can be 1 024 levels deep: every
//! walk here is a loop over an explicit stack, never recursion.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;

use kata_core::sync::RwLock;

pub use kata_core::trie::{
    Autocomplete, CachedAutocomplete, ConcurrentAutocomplete, ConfigError, TermError,
    DEFAULT_CACHE, MAX_CACHE, MAX_TERM_BYTES,
};

/// The root's index in every arena.
const ROOT: u32 = 0;

/// "No term here", in a [`CachedTrie`] node.
const NO_TERM: u32 = u32::MAX;

/// The term's bytes, or why it is refused: empty first, then too long.
fn check_term(term: &str) -> Result<&[u8], TermError> {
    if term.is_empty() {
        Err(TermError::Empty)
    } else if term.len() > MAX_TERM_BYTES {
        Err(TermError::TooLong(term.len()))
    } else {
        Ok(term.as_bytes())
    }
}

/// Where `byte` is among `children` (sorted by byte), or where it would go.
///
/// A binary search. Measured on a plain trie of 64 Ki random words of 3 to 10 letters (fanout
/// 26 at the top two levels, 1 or 2 below), `weight` of every word, best of 30 rounds: 63 ns a
/// lookup with the binary search, 77 ns with a linear scan that stops at the first byte not
/// smaller (a mispredicted exit per level where the fanout is large).
#[inline]
fn find(children: &[(u8, u32)], byte: u8) -> Result<usize, usize> {
    children.binary_search_by_key(&byte, |&(b, _)| b)
}

/// The child of a node reached by `byte`.
#[inline]
fn child(children: &[(u8, u32)], byte: u8) -> Option<u32> {
    find(children, byte).ok().map(|i| children[i].1)
}

/// A new index in an arena of `len` entries.
fn next_index(len: usize) -> u32 {
    u32::try_from(len)
        .ok()
        .filter(|&i| i != NO_TERM)
        .expect("a trie holds fewer than 2^32 - 1 nodes")
}

/// A completion ranked for the bounded heap: the `Ord` puts the *worse* one last, so that a
/// max-heap's top is the worst kept, the one a better completion evicts.
struct Ranked<T> {
    weight: u64,
    term: T,
}

impl<T: AsRef<[u8]>> Ord for Ranked<T> {
    /// `Less` is better: heavier, then smaller in byte order.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .weight
            .cmp(&self.weight)
            .then_with(|| self.term.as_ref().cmp(other.term.as_ref()))
    }
}

impl<T: AsRef<[u8]>> PartialOrd for Ranked<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: AsRef<[u8]>> PartialEq for Ranked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T: AsRef<[u8]>> Eq for Ranked<T> {}

/// The `k` best completions seen so far (`k ≥ 1`), in a max-heap of at most `k` whose top is the
/// worst of them: O(log k) per completion that gets in, O(1) for one that does not.
struct Best<T> {
    k: usize,
    heap: BinaryHeap<Ranked<T>>,
}

impl<T: AsRef<[u8]>> Best<T> {
    /// An empty selection of `k ≥ 1`, of at most `available` completions.
    fn new(k: usize, available: usize) -> Self {
        debug_assert!(k > 0);
        Best {
            k,
            heap: BinaryHeap::with_capacity(k.min(available)),
        }
    }

    /// Whether a completion of `weight` and `term` would be kept.
    #[inline]
    fn admits(&self, weight: u64, term: &[u8]) -> bool {
        match self.heap.peek() {
            Some(worst) if self.heap.len() == self.k => {
                weight > worst.weight || (weight == worst.weight && term < worst.term.as_ref())
            }
            _ => true,
        }
    }

    /// Keeps a completion that [`Best::admits`] accepted; returns the term it evicted, if any,
    /// so that its buffer can be reused.
    fn add(&mut self, weight: u64, term: T) -> Option<T> {
        let entry = Ranked { weight, term };
        if self.heap.len() < self.k {
            self.heap.push(entry);
            return None;
        }
        let mut worst = self.heap.peek_mut().expect("k ≥ 1, and the heap is full");
        Some(std::mem::replace(&mut *worst, entry).term)
    }

    /// The completions kept, best first.
    fn into_sorted(self) -> Vec<Ranked<T>> {
        self.heap.into_sorted_vec()
    }
}

/// Offers the term spelled by `path` to `best`, copying the bytes only if it gets in (into the
/// buffer of the last term evicted, when there is one).
#[inline]
fn offer_bytes(best: &mut Best<Vec<u8>>, spare: &mut Option<Vec<u8>>, weight: u64, path: &[u8]) {
    if best.admits(weight, path) {
        let term = match spare.take() {
            Some(mut buffer) => {
                buffer.clear();
                buffer.extend_from_slice(path);
                buffer
            }
            None => path.to_vec(),
        };
        *spare = best.add(weight, term);
    }
}

/// The completions `best` kept, as the trait returns them.
fn into_answer(best: Best<Vec<u8>>) -> Vec<(String, u64)> {
    best.into_sorted()
        .into_iter()
        .map(|r| {
            let term = String::from_utf8(r.term).expect("a term's bytes are valid UTF-8");
            (term, r.weight)
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// The plain trie
// ------------------------------------------------------------------------------------------

/// A node of the plain trie: its children by byte, and the weight of the term ending here.
#[derive(Clone, Default)]
struct Node {
    /// `(byte, child)`, sorted by byte.
    children: Vec<(u8, u32)>,
    weight: Option<u64>,
}

/// The plain trie: one node per byte of every term.
///
/// Memory: 40 bytes per node (a `Vec` and an `Option<u64>`) plus 8 per child entry, and a node
/// for every byte no other term shares. A query for the `k` best completions of a prefix costs
/// the prefix's length plus the size of the subtree below it, plus `O(log k)` per completion
/// that enters the selection.
#[derive(Clone)]
pub struct Trie {
    nodes: Vec<Node>,
    /// Indices of freed nodes, reused first.
    free: Vec<u32>,
    terms: usize,
}

impl Trie {
    /// The node `bytes` leads to from the root.
    fn walk(&self, bytes: &[u8]) -> Option<u32> {
        let mut n = ROOT;
        for &b in bytes {
            n = child(&self.nodes[n as usize].children, b)?;
        }
        Some(n)
    }

    /// A fresh node, from the free list first.
    fn alloc(&mut self) -> u32 {
        if let Some(i) = self.free.pop() {
            return i;
        }
        let i = next_index(self.nodes.len());
        self.nodes.push(Node::default());
        i
    }

    /// The node `bytes` leads to, created with the nodes missing on the way.
    fn walk_or_create(&mut self, bytes: &[u8]) -> u32 {
        let mut n = ROOT;
        for &b in bytes {
            n = match find(&self.nodes[n as usize].children, b) {
                Ok(i) => self.nodes[n as usize].children[i].1,
                Err(i) => {
                    let c = self.alloc();
                    self.nodes[n as usize].children.insert(i, (b, c));
                    c
                }
            };
        }
        n
    }
}

impl fmt::Debug for Trie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trie")
            .field("len", &self.terms)
            .field("node_count", &self.node_count())
            .finish_non_exhaustive()
    }
}

impl Autocomplete for Trie {
    fn new() -> Self {
        Trie {
            nodes: vec![Node::default()],
            free: Vec::new(),
            terms: 0,
        }
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let bytes = check_term(term)?;
        let n = self.walk_or_create(bytes);
        let old = self.nodes[n as usize].weight.replace(weight);
        self.terms += usize::from(old.is_none());
        Ok(old)
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        let bytes = check_term(term)?;
        let n = self.walk_or_create(bytes);
        let slot = &mut self.nodes[n as usize].weight;
        self.terms += usize::from(slot.is_none());
        let weight = slot.unwrap_or(0).saturating_add(delta);
        *slot = Some(weight);
        Ok(weight)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        let bytes = term.as_bytes();
        let (&first, _) = bytes.split_first()?;
        // The deepest node on the path that stays whatever happens below it (the root, a node
        // with a term, or one with another child), and the byte leading down from it: below it
        // the path is a chain of single-child nodes without terms, freed if the term's node
        // becomes a leaf without a term.
        let (mut keep, mut keep_byte) = (ROOT, first);
        let mut n = ROOT;
        for &b in bytes {
            let node = &self.nodes[n as usize];
            if n == ROOT || node.weight.is_some() || node.children.len() > 1 {
                (keep, keep_byte) = (n, b);
            }
            n = child(&node.children, b)?;
        }
        let old = self.nodes[n as usize].weight.take()?;
        self.terms -= 1;
        if self.nodes[n as usize].children.is_empty() {
            let siblings = &mut self.nodes[keep as usize].children;
            let i = find(siblings, keep_byte).expect("the path was just walked");
            let mut c = siblings.remove(i).1;
            loop {
                // Each node of the chain has at most one child; the vector keeps its capacity
                // for the node's next life.
                let next = self.nodes[c as usize].children.pop();
                self.free.push(c);
                match next {
                    Some((_, d)) => c = d,
                    None => break,
                }
            }
        }
        Some(old)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.walk(term.as_bytes())
            .and_then(|n| self.nodes[n as usize].weight)
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        let Some(start) = self.walk(prefix) else {
            return Vec::new();
        };
        let mut best = Best::new(k, self.terms);
        let mut spare = None;
        // Depth-first, children in byte order, with one buffer holding the bytes of the path:
        // each stack entry is a node, the length of the path above it and the byte leading to it.
        let mut path = prefix.to_vec();
        let start_node = &self.nodes[start as usize];
        if let Some(w) = start_node.weight {
            offer_bytes(&mut best, &mut spare, w, &path);
        }
        let mut stack: Vec<(u32, usize, u8)> = start_node
            .children
            .iter()
            .rev()
            .map(|&(b, c)| (c, path.len(), b))
            .collect();
        while let Some((n, depth, byte)) = stack.pop() {
            path.truncate(depth);
            path.push(byte);
            let node = &self.nodes[n as usize];
            if let Some(w) = node.weight {
                offer_bytes(&mut best, &mut spare, w, &path);
            }
            let depth = path.len();
            stack.extend(node.children.iter().rev().map(|&(b, c)| (c, depth, b)));
        }
        into_answer(best)
    }

    fn len(&self) -> usize {
        self.terms
    }

    fn node_count(&self) -> usize {
        self.nodes.len() - self.free.len()
    }
}

// ------------------------------------------------------------------------------------------
// The radix trie
// ------------------------------------------------------------------------------------------

/// A node of the radix trie: the label of the edge into it, its children by the first byte of
/// their labels, and the weight of the term ending here.
#[derive(Clone, Default)]
struct RadixNode {
    /// The bytes of the edge from the parent (empty for the root and for freed nodes).
    label: Box<[u8]>,
    /// `(first byte of the child's label, child)`, sorted by byte.
    children: Vec<(u8, u32)>,
    weight: Option<u64>,
}

/// The radix trie (PATRICIA, Morrison 1968): edges labelled with byte strings.
///
/// Invariant: every node but the root holds a term or has two children or more. So the nodes
/// number at most `2·len + 1`, the root included (the `len` nodes with a term, fewer than `len`
/// branching ones without, and the root): a term of 40 bytes that shares nothing costs one node,
/// not 40. Insert splits an edge at the first byte where the term departs from it; remove
/// merges a node left with no term and one child into that child.
#[derive(Clone)]
pub struct RadixTrie {
    nodes: Vec<RadixNode>,
    free: Vec<u32>,
    terms: usize,
}

/// The length of the longest common prefix of `a` and `b`.
#[inline]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

impl RadixTrie {
    /// Stores `node` in a free slot (or a new one) and returns its index.
    fn alloc(&mut self, node: RadixNode) -> u32 {
        if let Some(i) = self.free.pop() {
            self.nodes[i as usize] = node;
            return i;
        }
        let i = next_index(self.nodes.len());
        self.nodes.push(node);
        i
    }

    /// Frees node `n` (already unlinked from its parent).
    fn release(&mut self, n: u32) {
        self.nodes[n as usize] = RadixNode::default();
        self.free.push(n);
    }

    /// The node whose path spells exactly `bytes`, with its parent and grandparent (`NO_TERM`
    /// where there is none).
    fn locate(&self, bytes: &[u8]) -> Option<(u32, u32, u32)> {
        let (mut n, mut parent, mut grandparent) = (ROOT, NO_TERM, NO_TERM);
        let mut i = 0;
        while i < bytes.len() {
            let c = child(&self.nodes[n as usize].children, bytes[i])?;
            let label = &self.nodes[c as usize].label;
            if !bytes[i..].starts_with(label) {
                return None;
            }
            i += label.len();
            (grandparent, parent, n) = (parent, n, c);
        }
        Some((n, parent, grandparent))
    }

    /// The node whose path spells `bytes`, splitting an edge or adding a leaf as needed.
    fn place(&mut self, bytes: &[u8]) -> u32 {
        let mut n = ROOT;
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            match find(&self.nodes[n as usize].children, rest[0]) {
                Err(pos) => {
                    let leaf = self.alloc(RadixNode {
                        label: rest.into(),
                        ..RadixNode::default()
                    });
                    self.nodes[n as usize].children.insert(pos, (rest[0], leaf));
                    return leaf;
                }
                Ok(pos) => {
                    let c = self.nodes[n as usize].children[pos].1;
                    let label = &self.nodes[c as usize].label;
                    let common = common_prefix(label, rest);
                    if common < label.len() {
                        // The term leaves the edge after `common` bytes (at least one: the first
                        // bytes agree): a middle node takes the shared part, `c` keeps the rest.
                        let head: Box<[u8]> = label[..common].into();
                        let tail: Box<[u8]> = label[common..].into();
                        let tail_first = tail[0];
                        self.nodes[c as usize].label = tail;
                        let middle = self.alloc(RadixNode {
                            label: head,
                            children: vec![(tail_first, c)],
                            weight: None,
                        });
                        self.nodes[n as usize].children[pos].1 = middle;
                        // The next round adds the term's own leaf below `middle` (its next byte
                        // differs from `tail_first`), or the loop ends at `middle`.
                        n = middle;
                    } else {
                        n = c;
                    }
                    i += common;
                }
            }
        }
        n
    }

    /// Replaces node `n`, child of `parent`, which has no term and one child, by that child:
    /// the child's label becomes `n`'s label followed by its own.
    fn merge(&mut self, n: u32, parent: u32) {
        let (_, c) = self.nodes[n as usize]
            .children
            .pop()
            .expect("a node merged has one child");
        let head = std::mem::take(&mut self.nodes[n as usize].label);
        let tail = &self.nodes[c as usize].label;
        let mut label = Vec::with_capacity(head.len() + tail.len());
        label.extend_from_slice(&head);
        label.extend_from_slice(tail);
        self.nodes[c as usize].label = label.into_boxed_slice();
        let siblings = &mut self.nodes[parent as usize].children;
        let pos = find(siblings, head[0]).expect("n is a child of its parent");
        siblings[pos].1 = c;
        self.release(n);
    }
}

impl fmt::Debug for RadixTrie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RadixTrie")
            .field("len", &self.terms)
            .field("node_count", &self.node_count())
            .finish_non_exhaustive()
    }
}

impl Autocomplete for RadixTrie {
    fn new() -> Self {
        RadixTrie {
            nodes: vec![RadixNode::default()],
            free: Vec::new(),
            terms: 0,
        }
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let bytes = check_term(term)?;
        let n = self.place(bytes);
        let old = self.nodes[n as usize].weight.replace(weight);
        self.terms += usize::from(old.is_none());
        Ok(old)
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        let bytes = check_term(term)?;
        let n = self.place(bytes);
        let slot = &mut self.nodes[n as usize].weight;
        self.terms += usize::from(slot.is_none());
        let weight = slot.unwrap_or(0).saturating_add(delta);
        *slot = Some(weight);
        Ok(weight)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        let (n, parent, grandparent) = self.locate(term.as_bytes())?;
        let old = self.nodes[n as usize].weight.take()?;
        self.terms -= 1;
        // `n` is not the root: the root holds no term.
        match self.nodes[n as usize].children.len() {
            0 => {
                let first = self.nodes[n as usize].label[0];
                let siblings = &mut self.nodes[parent as usize].children;
                let pos = find(siblings, first).expect("n is a child of its parent");
                siblings.remove(pos);
                self.release(n);
                let p = &self.nodes[parent as usize];
                if parent != ROOT && p.weight.is_none() && p.children.len() == 1 {
                    self.merge(parent, grandparent);
                }
            }
            1 => self.merge(n, parent),
            _ => {}
        }
        Some(old)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.locate(term.as_bytes())
            .and_then(|(n, _, _)| self.nodes[n as usize].weight)
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        // Walk the prefix; it may end inside an edge, and then the completions are the subtree
        // of the node that edge leads to. `path` spells the way to the node reached.
        let mut path = Vec::with_capacity(prefix.len() + 32);
        let mut n = ROOT;
        let mut i = 0;
        while i < prefix.len() {
            let Some(c) = child(&self.nodes[n as usize].children, prefix[i]) else {
                return Vec::new();
            };
            let label = &self.nodes[c as usize].label;
            let rest = &prefix[i..];
            let along = if rest.len() >= label.len() {
                rest.starts_with(label)
            } else {
                label.starts_with(rest)
            };
            if !along {
                return Vec::new();
            }
            path.extend_from_slice(label);
            i += label.len();
            n = c;
        }
        let mut best = Best::new(k, self.terms);
        let mut spare = None;
        // Depth-first: a stack entry is a node and the length of the path above its label.
        let mut stack = vec![(n, path.len())];
        let mut first = true;
        while let Some((n, depth)) = stack.pop() {
            let node = &self.nodes[n as usize];
            path.truncate(depth);
            if !std::mem::take(&mut first) {
                // The start node's label is in the path already.
                path.extend_from_slice(&node.label);
            }
            if let Some(w) = node.weight {
                offer_bytes(&mut best, &mut spare, w, &path);
            }
            let depth = path.len();
            stack.extend(node.children.iter().rev().map(|&(_, c)| (c, depth)));
        }
        into_answer(best)
    }

    fn len(&self) -> usize {
        self.terms
    }

    fn node_count(&self) -> usize {
        self.nodes.len() - self.free.len()
    }
}

// ------------------------------------------------------------------------------------------
// The cached trie
// ------------------------------------------------------------------------------------------

/// A node of the cached trie.
#[derive(Clone)]
struct CachedNode {
    /// `(byte, child)`, sorted by byte.
    children: Vec<(u8, u32)>,
    /// The id of the term ending here, or [`NO_TERM`].
    term: u32,
    /// The ids of the best `min(K, terms below)` terms of the subtree (this node's own included),
    /// best first.
    top: Vec<u32>,
}

impl CachedNode {
    const EMPTY: CachedNode = CachedNode {
        children: Vec::new(),
        term: NO_TERM,
        top: Vec::new(),
    };
}

/// A term of the cached trie's table.
#[derive(Clone)]
struct Slot {
    /// Empty while the slot is free.
    text: Box<str>,
    weight: u64,
}

/// Whether term `a` ranks before term `b`: heavier, or as heavy and smaller in byte order.
#[inline]
fn ranks_before(slots: &[Slot], a: u32, b: u32) -> bool {
    rank(slots, a, b) == Ordering::Less
}

/// The ranking of two term ids: `Less` when `a` comes first.
#[inline]
fn rank(slots: &[Slot], a: u32, b: u32) -> Ordering {
    let (a, b) = (&slots[a as usize], &slots[b as usize]);
    b.weight
        .cmp(&a.weight)
        .then_with(|| a.text.as_bytes().cmp(b.text.as_bytes()))
}

/// The plain trie with the best `K` terms of every subtree cached at its root.
///
/// Terms live in a table (id → text and weight, freed ids reused); each node holds the id of its
/// own term and `top`, the ids of the best `min(K, terms below)` terms of its subtree, best
/// first.
///
/// **Queries.** `top_k(prefix, k)` with `k ≤ K` walks the prefix and copies `top[..k]`:
/// O(prefix + k), whatever the number of terms. With `k > K` it searches the subtree as
/// [`Trie`] does, skipping whole subtrees whose cache shows they cannot place (a child whose best
/// term is worse than the `k`-th kept) and reading small subtrees (fewer than `K` terms, all in
/// their cache) without descending.
///
/// **Updates.** A term's weight is in the caches of the nodes on its path only, so an update
/// walks the path and fixes them bottom-up:
///
/// - a heavier weight (or a new term) moves or inserts the id in each cache, truncated to `K`,
///   and stops at the first node where it does not place: it cannot place in a larger subtree;
/// - a lighter weight moves the id down; if it falls to the last place of a full cache, a term
///   not cached might now beat it, so the cache is recomputed from the node's own term and its
///   children's caches (each child's best `K` hold the best `K` of their union);
/// - a removal takes the id out, and recomputes a cache that was full the same way;
/// - both stop at the first node whose cache did not hold the id.
///
/// So an update costs O(len · K) when it only moves ids, and O(len · fanout · K) (times a
/// logarithm, for the selection) when every cache on the path is recomputed: independent of the
/// number of terms, but dearer than the plain trie's O(len). Memory: a cache per node, up to `K`
/// ids of 4 bytes, on top of the plain trie's nodes.
#[derive(Clone)]
pub struct CachedTrie {
    nodes: Vec<CachedNode>,
    free_nodes: Vec<u32>,
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    /// `K`.
    cache: usize,
    /// The nodes on the path of the term being updated, the root first (kept to reuse its
    /// buffer).
    path: Vec<u32>,
    /// The candidates of a cache being recomputed (kept to reuse its buffer).
    scratch: Vec<u32>,
}

impl fmt::Debug for CachedTrie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedTrie")
            .field("cache", &self.cache)
            .field("len", &self.len())
            .field("node_count", &self.node_count())
            .finish_non_exhaustive()
    }
}

/// How a term's weight changed, for the caches on its path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Heavier, or new.
    Up,
    /// Lighter, still there.
    Down,
    /// Gone.
    Removed,
}

impl CachedTrie {
    /// A trie caching `cache` terms per node (checked by the caller).
    fn build(cache: usize) -> Self {
        CachedTrie {
            nodes: vec![CachedNode::EMPTY],
            free_nodes: Vec::new(),
            slots: Vec::new(),
            free_slots: Vec::new(),
            cache,
            path: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The node `bytes` leads to, without recording the path.
    fn walk(&self, bytes: &[u8]) -> Option<u32> {
        let mut n = ROOT;
        for &b in bytes {
            n = child(&self.nodes[n as usize].children, b)?;
        }
        Some(n)
    }

    /// The node `bytes` leads to, recording the path in `self.path`.
    fn walk_path(&mut self, bytes: &[u8]) -> Option<u32> {
        self.path.clear();
        self.path.push(ROOT);
        let mut n = ROOT;
        for &b in bytes {
            n = child(&self.nodes[n as usize].children, b)?;
            self.path.push(n);
        }
        Some(n)
    }

    /// The node `bytes` leads to, created as needed, recording the path in `self.path`.
    fn walk_or_create(&mut self, bytes: &[u8]) -> u32 {
        self.path.clear();
        self.path.push(ROOT);
        let mut n = ROOT;
        for &b in bytes {
            n = match find(&self.nodes[n as usize].children, b) {
                Ok(i) => self.nodes[n as usize].children[i].1,
                Err(i) => {
                    let c = match self.free_nodes.pop() {
                        Some(c) => c,
                        None => {
                            let c = next_index(self.nodes.len());
                            self.nodes.push(CachedNode::EMPTY);
                            c
                        }
                    };
                    self.nodes[n as usize].children.insert(i, (b, c));
                    c
                }
            };
            self.path.push(n);
        }
        n
    }

    /// A new term id for `text` with `weight`.
    fn new_slot(&mut self, text: &str, weight: u64) -> u32 {
        let slot = Slot {
            text: text.into(),
            weight,
        };
        if let Some(id) = self.free_slots.pop() {
            self.slots[id as usize] = slot;
            return id;
        }
        let id = next_index(self.slots.len());
        self.slots.push(slot);
        id
    }

    /// Sets the weight of the term at node `n` (created by the walk just done), adding the term
    /// if it is new; returns the weight it had. Fixes the caches on the path.
    fn set_weight(&mut self, n: u32, text: &str, weight: impl FnOnce(u64) -> u64) -> Option<u64> {
        let id = self.nodes[n as usize].term;
        if id == NO_TERM {
            let id = self.new_slot(text, weight(0));
            self.nodes[n as usize].term = id;
            self.fix_caches(id, Change::Up);
            return None;
        }
        let slot = &mut self.slots[id as usize];
        let old = slot.weight;
        slot.weight = weight(old);
        match slot.weight.cmp(&old) {
            Ordering::Greater => self.fix_caches(id, Change::Up),
            Ordering::Less => self.fix_caches(id, Change::Down),
            Ordering::Equal => {}
        }
        Some(old)
    }

    /// Fixes the caches of the nodes on `self.path`, bottom-up, after term `id` changed.
    fn fix_caches(&mut self, id: u32, change: Change) {
        let k = self.cache;
        for at in (0..self.path.len()).rev() {
            let n = self.path[at] as usize;
            let slots = &self.slots;
            let top = &mut self.nodes[n].top;
            let found = top.iter().position(|&t| t == id);
            match (change, found) {
                (Change::Up, Some(p)) => {
                    // Heavier: it moves towards the front.
                    let q = top[..p].partition_point(|&t| ranks_before(slots, t, id));
                    top[q..=p].rotate_right(1);
                }
                (Change::Up, None) => {
                    let q = top.partition_point(|&t| ranks_before(slots, t, id));
                    if q >= k {
                        // Not among the best K here, so not in any larger subtree either.
                        break;
                    }
                    top.insert(q, id);
                    top.truncate(k);
                }
                // Not cached here, so not cached above: nothing above changes.
                (Change::Down | Change::Removed, None) => break,
                (Change::Down, Some(p)) => {
                    let after = top[p + 1..].partition_point(|&t| ranks_before(slots, t, id));
                    if top.len() < k || p + after + 1 < top.len() {
                        // Every term below is cached (the cache is not full), or the term still
                        // beats the last cached one, which beats every term not cached.
                        top[p..=p + after].rotate_left(1);
                    } else {
                        self.recompute(n);
                    }
                }
                (Change::Removed, Some(p)) => {
                    let full = top.len() == k;
                    top.remove(p);
                    if full {
                        self.recompute(n);
                    }
                }
            }
        }
    }

    /// Recomputes node `n`'s cache from its own term and its children's caches.
    fn recompute(&mut self, n: usize) {
        let k = self.cache;
        let slots = &self.slots;
        let candidates = &mut self.scratch;
        candidates.clear();
        let node = &self.nodes[n];
        if node.term != NO_TERM {
            candidates.push(node.term);
        }
        for &(_, c) in &node.children {
            candidates.extend_from_slice(&self.nodes[c as usize].top);
        }
        let by_rank = |a: &u32, b: &u32| rank(slots, *a, *b);
        if candidates.len() > k {
            candidates.select_nth_unstable_by(k - 1, by_rank);
            candidates.truncate(k);
        }
        candidates.sort_unstable_by(by_rank);
        let top = &mut self.nodes[n].top;
        top.clear();
        top.extend_from_slice(candidates);
    }

    /// Frees the nodes at the bottom of `self.path` (the path of `bytes`) left without a term
    /// and without children.
    fn prune(&mut self, bytes: &[u8]) {
        for at in (1..self.path.len()).rev() {
            let n = self.path[at];
            let node = &mut self.nodes[n as usize];
            if node.term != NO_TERM || !node.children.is_empty() {
                break;
            }
            node.top.clear();
            let parent = self.path[at - 1];
            let siblings = &mut self.nodes[parent as usize].children;
            let pos = find(siblings, bytes[at - 1]).expect("the path was just walked");
            siblings.remove(pos);
            self.free_nodes.push(n);
        }
    }

    /// The `k > K` best completions below node `start`: a search of its subtree, helped by the
    /// caches.
    fn search(&self, start: u32, k: usize) -> Vec<(String, u64)> {
        let slots = &self.slots;
        let mut best: Best<&[u8]> = Best::new(k, self.len());
        fn offer<'a>(best: &mut Best<&'a [u8]>, slot: &'a Slot) {
            if best.admits(slot.weight, slot.text.as_bytes()) {
                best.add(slot.weight, slot.text.as_bytes());
            }
        }
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            let node = &self.nodes[n as usize];
            if node.top.len() < self.cache {
                // Every term of this subtree is in its cache.
                for &id in &node.top {
                    offer(&mut best, &slots[id as usize]);
                }
                continue;
            }
            if let Some(&head) = node.top.first() {
                let slot = &slots[head as usize];
                if !best.admits(slot.weight, slot.text.as_bytes()) {
                    // Its best term does not place: neither does any other below.
                    continue;
                }
            }
            if node.term != NO_TERM {
                offer(&mut best, &slots[node.term as usize]);
            }
            stack.extend(node.children.iter().map(|&(_, c)| c));
        }
        best.into_sorted()
            .into_iter()
            .map(|r| {
                let term = std::str::from_utf8(r.term).expect("a term is a str");
                (term.to_owned(), r.weight)
            })
            .collect()
    }
}

impl Autocomplete for CachedTrie {
    fn new() -> Self {
        Self::build(DEFAULT_CACHE)
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let bytes = check_term(term)?;
        let n = self.walk_or_create(bytes);
        Ok(self.set_weight(n, term, |_| weight))
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        let bytes = check_term(term)?;
        let n = self.walk_or_create(bytes);
        self.set_weight(n, term, |old| old.saturating_add(delta));
        let id = self.nodes[n as usize].term;
        Ok(self.slots[id as usize].weight)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        let bytes = term.as_bytes();
        let n = self.walk_path(bytes)?;
        let id = std::mem::replace(&mut self.nodes[n as usize].term, NO_TERM);
        if id == NO_TERM {
            return None;
        }
        self.fix_caches(id, Change::Removed);
        let slot = &mut self.slots[id as usize];
        slot.text = Box::default();
        let old = slot.weight;
        self.free_slots.push(id);
        self.prune(bytes);
        Some(old)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        let n = self.walk(term.as_bytes())?;
        let id = self.nodes[n as usize].term;
        (id != NO_TERM).then(|| self.slots[id as usize].weight)
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        let Some(n) = self.walk(prefix) else {
            return Vec::new();
        };
        let top = &self.nodes[n as usize].top;
        if k > self.cache && top.len() == self.cache {
            return self.search(n, k);
        }
        top.iter()
            .take(k)
            .map(|&id| {
                let slot = &self.slots[id as usize];
                (slot.text.to_string(), slot.weight)
            })
            .collect()
    }

    fn len(&self) -> usize {
        self.slots.len() - self.free_slots.len()
    }

    fn node_count(&self) -> usize {
        self.nodes.len() - self.free_nodes.len()
    }
}

impl CachedAutocomplete for CachedTrie {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        if cache == 0 {
            return Err(ConfigError::ZeroCache);
        }
        if cache > MAX_CACHE {
            return Err(ConfigError::CacheTooLarge(cache));
        }
        Ok(Self::build(cache))
    }

    fn cache(&self) -> usize {
        self.cache
    }
}

// ------------------------------------------------------------------------------------------
// The shared trie
// ------------------------------------------------------------------------------------------

/// A [`CachedTrie`] shared by threads behind a reader-writer lock.
///
/// Queries take the read lock, so any number run at once; an update takes the write lock for the
/// microseconds it costs (a walk of the term's path and its caches), so readers hardly wait. A
/// query therefore sees the trie between two updates, never during one, and an update that has
/// returned released the lock before any later query took it.
///
/// The alternative is a snapshot readers never wait for: the writer builds a new version and
/// swaps a pointer. Copying the whole trie per update costs O(n); a persistent trie copies only
/// the path it changes (and its caches), O(len · K) per update, but needs reference-counted nodes
/// and a reclamation scheme, which is the stretch this reference leaves to the learner.
pub struct SharedTrie {
    inner: RwLock<CachedTrie>,
}

impl fmt::Debug for SharedTrie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedTrie").finish_non_exhaustive()
    }
}

impl ConcurrentAutocomplete for SharedTrie {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        Ok(SharedTrie {
            inner: RwLock::new(CachedTrie::with_cache(cache)?),
        })
    }

    fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        check_term(term)?;
        self.inner.write().insert(term, weight)
    }

    fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError> {
        check_term(term)?;
        self.inner.write().add_weight(term, delta)
    }

    fn remove(&self, term: &str) -> Option<u64> {
        self.inner.write().remove(term)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.inner.read().weight(term)
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        self.inner.read().top_k(prefix, k)
    }

    fn len(&self) -> usize {
        self.inner.read().len()
    }
}
