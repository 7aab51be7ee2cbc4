//! Known-wrong `trie` implementations.
//!
//! Each family is the reference's but for one type, and that type has one mistake, switched on
//! by its `BUG` parameter:
//!
//! - [`BoxTrie`], the plain trie a learner writes first: a node per byte, boxed, its children in
//!   a container `C` ([`SortedVec`], or the two that cost too much memory: [`HashChildren`] and
//!   [`ArrayChildren`]); a query collects every completion of the prefix and sorts them.
//! - [`ArenaRadix`]: a radix trie in an arena, edges labelled with byte strings.
//! - [`ArenaCached`]: a per-byte trie in an arena whose every node caches the ids of its
//!   subtree's best `K` terms, the terms in a [`Table`] ([`Slots`], or [`NamedWeights`], whose
//!   weights are looked up by name in a `BTreeMap`).
//! - [`Locked`] and [`SplitTable`]: a cached trie shared behind `kata_core::sync::RwLock`s, each
//!   splitting one update across two critical sections.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use kata_core::catalogue::Stage;
use kata_core::sync::RwLock;
use kata_core::trie::{
    Autocomplete, CachedAutocomplete, ConcurrentAutocomplete, ConfigError, TermError,
    DEFAULT_CACHE, MAX_CACHE, MAX_TERM_BYTES,
};
use kata_suites::trie::TrieFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "trie", suite trie, reference R: TrieFamily;
    "ties-reversed" => WithPlain<BoxTrie<SortedVec, TIES_REVERSED>, R> {
        mistake: "top_k sorts equal weights in reverse byte order (the sort key is (weight, term) \
                   and the whole order reversed): \"b\" before \"ab\" at equal weight",
        rejected_by: [examples],
        passes: [],
    }
    "k-zero-one" => WithPlain<BoxTrie<SortedVec, K_ZERO_ONE>, R> {
        mistake: "top_k takes k.max(1) so that a query always shows something: k = 0 answers \
                   one term",
        rejected_by: [examples],
        passes: [],
    }
    "chars-limit" => WithPlain<BoxTrie<SortedVec, CHARS_LIMIT>, R> {
        mistake: "a term's length is checked with chars().count(): 512 × \"é\" and an \"a\" \
                   (1 025 bytes in 513 characters) is accepted",
        rejected_by: [examples],
        passes: [],
    }
    "add-wraps" => WithPlain<BoxTrie<SortedVec, ADD_WRAPS>, R> {
        mistake: "add_weight adds with wrapping_add: a weight near u64::MAX wraps to a small one \
                   instead of saturating",
        rejected_by: [examples],
        passes: [],
    }
    "remove-keeps-nodes" => WithPlain<BoxTrie<SortedVec, KEEPS_NODES>, R> {
        mistake: "remove clears the term's weight and frees nothing: the nodes that lead to no \
                   term any more stay, and node_count never goes back to 1",
        rejected_by: [examples],
        passes: [],
    }
    "lossy-prefix" => WithPlain<BoxTrie<SortedVec, LOSSY_PREFIX>, R> {
        mistake: "a trie minded in characters: the prefix is decoded with from_utf8_lossy and the \
                   undecodable bytes dropped, so b\"caf\\xC3\" completes as \"caf\" (\"cafe\" \
                   too) and b\"\\xFF\" as the empty prefix (every term)",
        rejected_by: [examples],
        passes: [],
    }
    "radix-per-byte" => WithRadix<ArenaRadix<PER_BYTE>, R> {
        mistake: "the radix trie never compresses: every edge is one byte, a plain trie in the \
                   radix trie's place (\"car\", \"cart\" are 5 nodes, not 3)",
        rejected_by: [examples],
        passes: [],
    }
    "radix-never-merges" => WithRadix<ArenaRadix<NEVER_MERGES>, R> {
        mistake: "the radix trie's remove frees leaves left without a term but never merges a \
                   node left with no term and one child into that child: chains come back",
        rejected_by: [examples],
        passes: [],
    }
    "radix-merge-only-self" => WithRadix<ArenaRadix<MERGE_ONLY_SELF>, R> {
        mistake: "the radix trie's remove merges the node it emptied into its child, but not a \
                   parent that the removal left with no term and one child",
        rejected_by: [examples],
        passes: [],
    }
    "radix-prefix-overwrites" => WithRadix<ArenaRadix<PREFIX_OVERWRITES>, R> {
        mistake: "the radix trie splits an edge only where the term and the label differ: a term \
                   that ends inside an edge (\"ab\" after \"abb\") is taken for the node below, \
                   and overwrites the longer term's weight",
        rejected_by: [examples],
        passes: [],
    }
    "cache-only" => WithCached<ArenaCached<Slots, CACHE_ONLY>, R> {
        mistake: "the cached trie answers every query from the prefix's cache, also when k is \
                   larger than the cache: top_k(prefix, K + 1) gives K terms",
        rejected_by: [examples],
        passes: [],
    }
    "stale-cache" => WithCached<ArenaCached<Slots, STALE>, R> {
        mistake: "the cached trie fixes the caches when a weight goes up but not when it goes \
                   down: a lowered term keeps its place, a removed one leaves a hole that is \
                   never refilled",
        rejected_by: [examples],
        passes: [],
    }
    "search-skips-ties" => WithCached<ArenaCached<Slots, SKIPS_TIES>, R> {
        mistake: "the cached trie's search for k > K skips a subtree whose best term weighs no \
                   more than the k-th kept, forgetting that at equal weight a smaller term still \
                   places",
        rejected_by: [properties],
        passes: [examples],
    }
    "recompute-unsorted" => WithCached<ArenaCached<Slots, UNSORTED>, R> {
        mistake: "the cached trie rebuilds a cache by select_nth_unstable_by, which puts the K \
                   best first but leaves them unordered (in order only while K ≤ 2): after a \
                   cached term is removed, a cache of 3 may list its terms out of order",
        rejected_by: [properties],
        passes: [examples],
    }
    "torn-insert" => WithShared<Locked<<R as TrieFamily>::Cached, TORN_INSERT>, R> {
        mistake: "the shared trie inserts a term with weight 0 under one write lock and sets its \
                   weight under a second: a reader between them sees the term without its weight",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "lost-increment" => WithShared<Locked<<R as TrieFamily>::Cached, LOST_INCREMENT>, R> {
        mistake: "the shared trie's add_weight reads the weight under the read lock and writes the \
                   sum under the write lock: two adds at once both read the old weight, and one \
                   increment is lost",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "index-before-table" => WithShared<SplitTable<<R as TrieFamily>::Cached>, R> {
        mistake: "the shared trie keeps the cached trie and the table of weights behind two locks, \
                   and an update publishes the trie before the table: a query between them names \
                   a term the table does not have yet",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "array-children" => WithPlain<BoxTrie<ArrayChildren, CORRECT>, R> {
        mistake: "each node has an array of 256 children, [Option<Box<Node>>; 256]: right \
                   answers, 2 KiB of pointers per node",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "hashmap-children" => WithPlain<BoxTrie<HashChildren, CORRECT>, R> {
        mistake: "each node keeps its children in a HashMap<u8, Box<Node>>: right answers, but a \
                   hash table per node, where most nodes have one child",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "weights-by-name" => WithCached<ArenaCached<NamedWeights, CORRECT>, R> {
        mistake: "the cached trie keeps the weights in a BTreeMap<Box<str>, u64> by term and the \
                   caches name term ids whose weight is looked up there: every answer pays k \
                   lookups of O(log n), where the cache gives O(1)",
        rejected_by: [complexity],
        slow_in: "cached-top-k",
        passes: [examples, properties],
    }
    "uncached-scan" => WithCached<ArenaCached<Slots, UNCACHED_SCAN>, R> {
        mistake: "the cached trie keeps every cache right but answers top_k by searching the \
                   prefix's subtree, as the plain trie does: O(n) where the cache gives O(1)",
        rejected_by: [complexity],
        slow_in: "cached-top-k",
        passes: [examples, properties],
    }
    "cache-every-term" => WithCached<ArenaCached<Slots, CACHE_ALL>, R> {
        mistake: "every node caches all the terms of its subtree, sorted, not only the best K: \
                   right answers, but an update finds and moves its term in lists as long as the \
                   subtrees, O(n) at the root",
        rejected_by: [complexity],
        slow_in: "cached-add-weight",
        passes: [examples, properties],
    }
    "insert-copies-rest" => WithPlain<BoxTrie<SortedVec, COPIES_REST>, R> {
        mistake: "insert recurses on an owned copy of the rest of the term, built byte by byte at \
                   every level: O(length²) per insert",
        rejected_by: [complexity],
        slow_in: "insert",
        passes: [examples, properties],
    }
    "radix-quadratic-split" => WithRadix<ArenaRadix<QUADRATIC_COMMON>, R> {
        mistake: "the radix trie finds how much of an edge the term shares by trying ever longer \
                   prefixes of the label, each compared from its first byte: O(label²) per edge",
        rejected_by: [complexity],
        slow_in: "radix-insert",
        passes: [examples, properties],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: TrieFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::trie`).
        "boxed" => kata_suites::grade!(
            trie,
            crate::alternatives::trie::BoxedFamily,
            R,
            stage,
            ctx,
            all
        ),
        // Not in the table: O(n) per update at 64 Ki terms is more than callgrind can count in
        // the stage's budget (it counts 1 Ki and 4 Ki terms, then the stage fails it as out of
        // time, after 150 s): `cache-every-term` is the table's O(n) update.
        "recompute-from-subtree" => kata_suites::grade!(
            trie,
            WithCached<ArenaCached<Slots, RECOMPUTE_FROM_SUBTREE>, R>,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no trie mutant named `{name}`")),
    }
}

// ---- Families: one wrong type, the reference's others. ----

/// A family with the plain trie `P` and the reference's other types.
pub struct WithPlain<P, R>(PhantomData<(P, R)>);

impl<P: Autocomplete + Send + Sync + 'static, R: TrieFamily> TrieFamily for WithPlain<P, R> {
    type Plain = P;
    type Radix = R::Radix;
    type Cached = R::Cached;
    type Shared = R::Shared;
}

/// A family with the radix trie `X` and the reference's other types.
pub struct WithRadix<X, R>(PhantomData<(X, R)>);

impl<X: Autocomplete + Send + Sync + 'static, R: TrieFamily> TrieFamily for WithRadix<X, R> {
    type Plain = R::Plain;
    type Radix = X;
    type Cached = R::Cached;
    type Shared = R::Shared;
}

/// A family with the cached trie `C` and the reference's other types.
pub struct WithCached<C, R>(PhantomData<(C, R)>);

impl<C, R> TrieFamily for WithCached<C, R>
where
    C: CachedAutocomplete + Send + Sync + 'static,
    R: TrieFamily,
{
    type Plain = R::Plain;
    type Radix = R::Radix;
    type Cached = C;
    type Shared = R::Shared;
}

/// A family with the shared store `S` and the reference's other types.
pub struct WithShared<S, R>(PhantomData<(S, R)>);

impl<S: ConcurrentAutocomplete + 'static, R: TrieFamily> TrieFamily for WithShared<S, R> {
    type Plain = R::Plain;
    type Radix = R::Radix;
    type Cached = R::Cached;
    type Shared = S;
}

// ---- Bugs, switched on one at a time. ----

// Named only by mutants graded on other stages than concurrency, which the loom build omits.
#[cfg_attr(kata_loom, allow(dead_code))]
const CORRECT: u8 = 0;
const TIES_REVERSED: u8 = 1;
const K_ZERO_ONE: u8 = 2;
const CHARS_LIMIT: u8 = 3;
const ADD_WRAPS: u8 = 4;
const KEEPS_NODES: u8 = 5;
const LOSSY_PREFIX: u8 = 6;
const COPIES_REST: u8 = 7;
const PER_BYTE: u8 = 8;
const NEVER_MERGES: u8 = 9;
const MERGE_ONLY_SELF: u8 = 10;
const PREFIX_OVERWRITES: u8 = 11;
const QUADRATIC_COMMON: u8 = 12;
const CACHE_ONLY: u8 = 13;
const STALE: u8 = 14;
const SKIPS_TIES: u8 = 15;
const UNCACHED_SCAN: u8 = 16;
const RECOMPUTE_FROM_SUBTREE: u8 = 17;
const TORN_INSERT: u8 = 18;
const LOST_INCREMENT: u8 = 19;
const UNSORTED: u8 = 20;
const CACHE_ALL: u8 = 21;

// ---- What every store here shares. ----

/// The term's bytes, or why it is refused: empty first, then too long (in bytes).
fn check_term(term: &str) -> Result<&[u8], TermError> {
    if term.is_empty() {
        Err(TermError::Empty)
    } else if term.len() > MAX_TERM_BYTES {
        Err(TermError::TooLong(term.len()))
    } else {
        Ok(term.as_bytes())
    }
}

/// The order of an answer: heavier first, equal weights in byte order.
fn rank(a: &(String, u64), b: &(String, u64)) -> Ordering {
    b.1.cmp(&a.1)
        .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
}

/// The terms spelled by `(bytes, weight)` pairs (whole terms: valid UTF-8).
fn to_answer(found: Vec<(Vec<u8>, u64)>) -> Vec<(String, u64)> {
    found
        .into_iter()
        .map(|(t, w)| (String::from_utf8(t).expect("a term is UTF-8"), w))
        .collect()
}

// ---- The boxed plain trie. ----

/// A node of [`BoxTrie`]: its children in a container `C`, and the weight of the term ending
/// here.
pub struct Node<C> {
    children: C,
    weight: Option<u64>,
}

impl<C: Children> Node<C> {
    fn new() -> Self {
        Node {
            children: C::default(),
            weight: None,
        }
    }

    /// Whether nothing below needs this node: no term, no children.
    fn is_bare(&self) -> bool {
        self.weight.is_none() && self.children.is_empty()
    }
}

/// Where a [`Node`] keeps its children.
pub trait Children: Default + Sized + Send + Sync {
    /// The child reached by `byte`.
    fn get(&self, byte: u8) -> Option<&Node<Self>>;
    /// The child reached by `byte`, mutably.
    fn get_mut(&mut self, byte: u8) -> Option<&mut Node<Self>>;
    /// The child reached by `byte`, created when missing; whether it was created.
    fn entry(&mut self, byte: u8) -> (&mut Node<Self>, bool);
    /// Drops the child reached by `byte`.
    fn remove(&mut self, byte: u8);
    /// Whether there are none.
    fn is_empty(&self) -> bool;
    /// The children, in byte order.
    fn each(&self) -> Vec<(u8, &Node<Self>)>;
}

/// Children in a `Vec` sorted by byte, each boxed.
#[derive(Default)]
pub struct SortedVec(Vec<(u8, Box<Node<SortedVec>>)>);

impl Children for SortedVec {
    fn get(&self, byte: u8) -> Option<&Node<Self>> {
        let i = self.0.binary_search_by_key(&byte, |c| c.0).ok()?;
        Some(&self.0[i].1)
    }
    fn get_mut(&mut self, byte: u8) -> Option<&mut Node<Self>> {
        let i = self.0.binary_search_by_key(&byte, |c| c.0).ok()?;
        Some(&mut self.0[i].1)
    }
    fn entry(&mut self, byte: u8) -> (&mut Node<Self>, bool) {
        match self.0.binary_search_by_key(&byte, |c| c.0) {
            Ok(i) => (&mut self.0[i].1, false),
            Err(i) => {
                self.0.insert(i, (byte, Box::new(Node::new())));
                (&mut self.0[i].1, true)
            }
        }
    }
    fn remove(&mut self, byte: u8) {
        if let Ok(i) = self.0.binary_search_by_key(&byte, |c| c.0) {
            self.0.remove(i);
        }
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn each(&self) -> Vec<(u8, &Node<Self>)> {
        self.0.iter().map(|(b, n)| (*b, &**n)).collect()
    }
}

/// Children in a `HashMap<u8, Box<Node>>`.
#[derive(Default)]
pub struct HashChildren(HashMap<u8, Box<Node<HashChildren>>>);

impl Children for HashChildren {
    fn get(&self, byte: u8) -> Option<&Node<Self>> {
        self.0.get(&byte).map(|n| &**n)
    }
    fn get_mut(&mut self, byte: u8) -> Option<&mut Node<Self>> {
        self.0.get_mut(&byte).map(|n| &mut **n)
    }
    fn entry(&mut self, byte: u8) -> (&mut Node<Self>, bool) {
        use std::collections::hash_map::Entry;
        match self.0.entry(byte) {
            Entry::Occupied(o) => (o.into_mut(), false),
            Entry::Vacant(v) => (v.insert(Box::new(Node::new())), true),
        }
    }
    fn remove(&mut self, byte: u8) {
        self.0.remove(&byte);
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn each(&self) -> Vec<(u8, &Node<Self>)> {
        let mut all: Vec<(u8, &Node<Self>)> = self.0.iter().map(|(b, n)| (*b, &**n)).collect();
        all.sort_unstable_by_key(|c| c.0);
        all
    }
}

/// A child slot for every byte value, in the node itself.
pub struct ArrayChildren([Option<Box<Node<ArrayChildren>>>; 256]);

impl Default for ArrayChildren {
    fn default() -> Self {
        ArrayChildren(std::array::from_fn(|_| None))
    }
}

impl Children for ArrayChildren {
    fn get(&self, byte: u8) -> Option<&Node<Self>> {
        self.0[usize::from(byte)].as_deref()
    }
    fn get_mut(&mut self, byte: u8) -> Option<&mut Node<Self>> {
        self.0[usize::from(byte)].as_deref_mut()
    }
    fn entry(&mut self, byte: u8) -> (&mut Node<Self>, bool) {
        let slot = &mut self.0[usize::from(byte)];
        let created = slot.is_none();
        (slot.get_or_insert_with(|| Box::new(Node::new())), created)
    }
    fn remove(&mut self, byte: u8) {
        self.0[usize::from(byte)] = None;
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
    fn each(&self) -> Vec<(u8, &Node<Self>)> {
        (0..=255u8)
            .filter_map(|b| self.get(b).map(|n| (b, n)))
            .collect()
    }
}

/// The plain trie with boxed nodes, children in `C`, and bug `BUG`.
pub struct BoxTrie<C, const BUG: u8> {
    root: Node<C>,
    terms: usize,
    /// Live nodes, the root included.
    nodes: usize,
}

/// The node `rest` leads to below `n`, created as needed: the copying walk of [`COPIES_REST`],
/// which hands the next level a copy of the term's rest, built byte by byte.
fn place_copying<'a, C: Children>(
    n: &'a mut Node<C>,
    rest: Vec<u8>,
    created: &mut usize,
) -> &'a mut Node<C> {
    let Some(&first) = rest.first() else {
        return n;
    };
    let (child, new) = n.children.entry(first);
    *created += usize::from(new);
    let mut tail = Vec::with_capacity(rest.len() - 1);
    for &b in &rest[1..] {
        tail.push(b);
    }
    place_copying(child, tail, created)
}

/// Removes the term at the end of `rest` below `n`, freeing the nodes left bare (unless
/// `keep`); returns its weight and how many nodes were freed.
fn remove_below<C: Children>(n: &mut Node<C>, rest: &[u8], keep: bool) -> Option<(u64, usize)> {
    let Some((&first, tail)) = rest.split_first() else {
        return n.weight.take().map(|w| (w, 0));
    };
    let child = n.children.get_mut(first)?;
    let (w, mut freed) = remove_below(child, tail, keep)?;
    if !keep && child.is_bare() {
        n.children.remove(first);
        freed += 1;
    }
    Some((w, freed))
}

impl<C: Children, const BUG: u8> BoxTrie<C, BUG> {
    fn check(term: &str) -> Result<&[u8], TermError> {
        if BUG == CHARS_LIMIT && !term.is_empty() {
            let chars = term.chars().count();
            return if chars > MAX_TERM_BYTES {
                Err(TermError::TooLong(chars))
            } else {
                Ok(term.as_bytes())
            };
        }
        check_term(term)
    }

    fn find(&self, bytes: &[u8]) -> Option<&Node<C>> {
        let mut n = &self.root;
        for &b in bytes {
            n = n.children.get(b)?;
        }
        Some(n)
    }

    /// The node `bytes` leads to, created as needed.
    fn place(&mut self, bytes: &[u8]) -> &mut Node<C> {
        let mut created = 0;
        let BoxTrie { root, nodes, .. } = self;
        let n = if BUG == COPIES_REST {
            place_copying(root, bytes.to_vec(), &mut created)
        } else {
            let mut n = root;
            for &b in bytes {
                let (child, new) = n.children.entry(b);
                created += usize::from(new);
                n = child;
            }
            n
        };
        *nodes += created;
        n
    }
}

impl<C: Children, const BUG: u8> Autocomplete for BoxTrie<C, BUG> {
    fn new() -> Self {
        BoxTrie {
            root: Node::new(),
            terms: 0,
            nodes: 1,
        }
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let bytes = Self::check(term)?;
        let old = self.place(bytes).weight.replace(weight);
        self.terms += usize::from(old.is_none());
        Ok(old)
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        let bytes = Self::check(term)?;
        let slot = &mut self.place(bytes).weight;
        let was = *slot;
        let w = match was {
            Some(w) if BUG == ADD_WRAPS => w.wrapping_add(delta),
            Some(w) => w.saturating_add(delta),
            None => delta,
        };
        *slot = Some(w);
        self.terms += usize::from(was.is_none());
        Ok(w)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        if term.is_empty() {
            return None;
        }
        let (w, freed) = remove_below(&mut self.root, term.as_bytes(), BUG == KEEPS_NODES)?;
        self.terms -= 1;
        self.nodes -= freed;
        Some(w)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.find(term.as_bytes())?.weight
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        let k = if BUG == K_ZERO_ONE { k.max(1) } else { k };
        if k == 0 {
            return Vec::new();
        }
        let decoded;
        let prefix = if BUG == LOSSY_PREFIX {
            decoded = String::from_utf8_lossy(prefix).replace('\u{FFFD}', "");
            decoded.as_bytes()
        } else {
            prefix
        };
        let Some(start) = self.find(prefix) else {
            return Vec::new();
        };
        // Every completion, depth first, then sorted.
        let mut found = Vec::new();
        let mut stack = vec![(start, prefix.to_vec())];
        while let Some((n, path)) = stack.pop() {
            if let Some(w) = n.weight {
                found.push((path.clone(), w));
            }
            for (b, c) in n.children.each() {
                let mut p = path.clone();
                p.push(b);
                stack.push((c, p));
            }
        }
        let mut all = to_answer(found);
        if BUG == TIES_REVERSED {
            all.sort_by(|a, b| (b.1, b.0.as_bytes()).cmp(&(a.1, a.0.as_bytes())));
        } else {
            all.sort_by(rank);
        }
        all.truncate(k);
        all
    }

    fn len(&self) -> usize {
        self.terms
    }

    fn node_count(&self) -> usize {
        self.nodes
    }
}

// ---- The radix trie in an arena. ----

#[derive(Default)]
struct RadixNode {
    label: Vec<u8>,
    /// `(first byte of the child's label, child)`, sorted by byte.
    children: Vec<(u8, u32)>,
    weight: Option<u64>,
}

/// A radix trie in an arena, with bug `BUG`.
pub struct ArenaRadix<const BUG: u8> {
    nodes: Vec<RadixNode>,
    free: Vec<u32>,
    terms: usize,
}

/// How many bytes `label` and `rest` share at their start; for [`QUADRATIC_COMMON`], found by
/// trying ever longer prefixes of the label, each compared from its first byte.
fn shared_len<const BUG: u8>(label: &[u8], rest: &[u8]) -> usize {
    let most = label.len().min(rest.len());
    if BUG == QUADRATIC_COMMON {
        return (1..=most)
            .take_while(|&j| label[..j].iter().zip(&rest[..j]).all(|(a, b)| a == b))
            .count();
    }
    label.iter().zip(rest).take_while(|(a, b)| a == b).count()
}

impl<const BUG: u8> ArenaRadix<BUG> {
    fn child(&self, n: u32, byte: u8) -> Option<(usize, u32)> {
        let children = &self.nodes[n as usize].children;
        let i = children.binary_search_by_key(&byte, |c| c.0).ok()?;
        Some((i, children[i].1))
    }

    fn alloc(&mut self, node: RadixNode) -> u32 {
        if let Some(i) = self.free.pop() {
            self.nodes[i as usize] = node;
            return i;
        }
        self.nodes.push(node);
        u32::try_from(self.nodes.len() - 1).expect("fewer than 2^32 nodes")
    }

    fn release(&mut self, n: u32) {
        self.nodes[n as usize] = RadixNode::default();
        self.free.push(n);
    }

    /// A new leaf below `n` spelling `rest` (a chain of one-byte nodes for [`PER_BYTE`]).
    fn leaf(&mut self, n: u32, rest: &[u8]) -> u32 {
        let step = if BUG == PER_BYTE { 1 } else { rest.len() };
        let label = rest[..step].to_vec();
        let first = label[0];
        let c = self.alloc(RadixNode {
            label,
            ..RadixNode::default()
        });
        let children = &mut self.nodes[n as usize].children;
        let pos = children.binary_search_by_key(&first, |c| c.0).unwrap_err();
        children.insert(pos, (first, c));
        if step < rest.len() {
            return self.leaf(c, &rest[step..]);
        }
        c
    }

    /// The node spelling `bytes`, created by splitting an edge or adding a leaf.
    fn place(&mut self, bytes: &[u8]) -> u32 {
        let (mut n, mut i) = (0u32, 0usize);
        while i < bytes.len() {
            let rest = &bytes[i..];
            let Some((pos, c)) = self.child(n, rest[0]) else {
                return self.leaf(n, rest);
            };
            let label = &self.nodes[c as usize].label;
            let common = shared_len::<BUG>(label, rest);
            if common == label.len() {
                (n, i) = (c, i + common);
                continue;
            }
            if BUG == PREFIX_OVERWRITES && common == rest.len() {
                return c;
            }
            // Split the edge: a middle node takes the shared bytes, `c` keeps the others.
            let tail = self.nodes[c as usize].label.split_off(common);
            let head = std::mem::replace(&mut self.nodes[c as usize].label, tail);
            let below = self.nodes[c as usize].label[0];
            let middle = self.alloc(RadixNode {
                label: head,
                children: vec![(below, c)],
                weight: None,
            });
            self.nodes[n as usize].children[pos].1 = middle;
            (n, i) = (middle, i + common);
        }
        n
    }

    /// The nodes from the root to the one spelling exactly `bytes`.
    fn locate(&self, bytes: &[u8]) -> Option<Vec<u32>> {
        let mut path = vec![0u32];
        let mut i = 0;
        while i < bytes.len() {
            let (_, c) = self.child(*path.last().expect("the root"), bytes[i])?;
            let label = &self.nodes[c as usize].label;
            if !bytes[i..].starts_with(label) {
                return None;
            }
            i += label.len();
            path.push(c);
        }
        Some(path)
    }

    /// Replaces `n` (no term, one child), child of `parent`, by its child.
    fn merge(&mut self, n: u32, parent: u32) {
        let (_, c) = self.nodes[n as usize].children.pop().expect("one child");
        let mut label = std::mem::take(&mut self.nodes[n as usize].label);
        let first = label[0];
        label.extend_from_slice(&self.nodes[c as usize].label);
        self.nodes[c as usize].label = label;
        let siblings = &mut self.nodes[parent as usize].children;
        let pos = siblings
            .binary_search_by_key(&first, |s| s.0)
            .expect("a child");
        siblings[pos].1 = c;
        self.release(n);
    }

    /// Unlinks and frees `n`, child of `parent`.
    fn unlink(&mut self, n: u32, parent: u32) {
        let first = self.nodes[n as usize].label[0];
        let siblings = &mut self.nodes[parent as usize].children;
        let pos = siblings
            .binary_search_by_key(&first, |s| s.0)
            .expect("a child");
        siblings.remove(pos);
        self.release(n);
    }
}

impl<const BUG: u8> Autocomplete for ArenaRadix<BUG> {
    fn new() -> Self {
        ArenaRadix {
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
        let w = slot.unwrap_or(0).saturating_add(delta);
        *slot = Some(w);
        Ok(w)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        if term.is_empty() {
            return None;
        }
        let mut path = self.locate(term.as_bytes())?;
        let n = *path.last().expect("not the root");
        let old = self.nodes[n as usize].weight.take()?;
        self.terms -= 1;
        let merges = !matches!(BUG, PER_BYTE | NEVER_MERGES);
        match self.nodes[n as usize].children.len() {
            1 if merges => self.merge(n, path[path.len() - 2]),
            0 => {
                // Free the leaf, then every node above left with no term and no child.
                path.pop();
                self.unlink(n, *path.last().expect("the parent"));
                while path.len() > 1 {
                    let p = path.pop().expect("a node");
                    let node = &self.nodes[p as usize];
                    let above = *path.last().expect("the parent");
                    if node.weight.is_some() {
                        break;
                    }
                    match node.children.len() {
                        0 => self.unlink(p, above),
                        1 if merges && BUG != MERGE_ONLY_SELF => {
                            self.merge(p, above);
                            break;
                        }
                        _ => break,
                    }
                }
            }
            _ => {}
        }
        Some(old)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        let path = self.locate(term.as_bytes())?;
        self.nodes[*path.last()? as usize].weight
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        let (mut n, mut i, mut path) = (0u32, 0usize, Vec::new());
        while i < prefix.len() {
            let Some((_, c)) = self.child(n, prefix[i]) else {
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
            (n, i) = (c, i + label.len());
        }
        let mut found = Vec::new();
        let mut stack = vec![(n, path)];
        while let Some((n, path)) = stack.pop() {
            let node = &self.nodes[n as usize];
            if let Some(w) = node.weight {
                found.push((path.clone(), w));
            }
            for &(_, c) in &node.children {
                let mut p = path.clone();
                p.extend_from_slice(&self.nodes[c as usize].label);
                stack.push((c, p));
            }
        }
        let mut all = to_answer(found);
        all.sort_by(rank);
        all.truncate(k);
        all
    }

    fn len(&self) -> usize {
        self.terms
    }

    fn node_count(&self) -> usize {
        self.nodes.len() - self.free.len()
    }
}

// ---- The cached trie in an arena. ----

/// Where an [`ArenaCached`] keeps its terms: a table from id to text and weight.
pub trait Table: Default + Send + Sync {
    /// A new id for `text` with `weight`.
    fn add(&mut self, text: &str, weight: u64) -> u32;
    /// The text of `id`.
    fn text(&self, id: u32) -> &str;
    /// The weight of `id`.
    fn weight(&self, id: u32) -> u64;
    /// Sets the weight of `id`.
    fn set(&mut self, id: u32, weight: u64);
    /// Frees `id`.
    fn free(&mut self, id: u32);
    /// The number of terms.
    fn terms(&self) -> usize;
}

/// Texts and weights in a `Vec` indexed by id, freed ids reused.
#[derive(Default)]
pub struct Slots {
    slots: Vec<(Box<str>, u64)>,
    free: Vec<u32>,
}

impl Table for Slots {
    fn add(&mut self, text: &str, weight: u64) -> u32 {
        let slot = (text.into(), weight);
        if let Some(id) = self.free.pop() {
            self.slots[id as usize] = slot;
            return id;
        }
        self.slots.push(slot);
        u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 terms")
    }
    fn text(&self, id: u32) -> &str {
        &self.slots[id as usize].0
    }
    fn weight(&self, id: u32) -> u64 {
        self.slots[id as usize].1
    }
    fn set(&mut self, id: u32, weight: u64) {
        self.slots[id as usize].1 = weight;
    }
    fn free(&mut self, id: u32) {
        self.slots[id as usize].0 = Box::default();
        self.free.push(id);
    }
    fn terms(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}

/// Texts in a `Vec` indexed by id; the weights in a `BTreeMap` by text.
#[derive(Default)]
pub struct NamedWeights {
    names: Vec<Box<str>>,
    free: Vec<u32>,
    weights: BTreeMap<Box<str>, u64>,
}

impl Table for NamedWeights {
    fn add(&mut self, text: &str, weight: u64) -> u32 {
        self.weights.insert(text.into(), weight);
        if let Some(id) = self.free.pop() {
            self.names[id as usize] = text.into();
            return id;
        }
        self.names.push(text.into());
        u32::try_from(self.names.len() - 1).expect("fewer than 2^32 terms")
    }
    fn text(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
    fn weight(&self, id: u32) -> u64 {
        self.weights[&self.names[id as usize]]
    }
    fn set(&mut self, id: u32, weight: u64) {
        if let Some(w) = self.weights.get_mut(&self.names[id as usize]) {
            *w = weight;
        }
    }
    fn free(&mut self, id: u32) {
        self.weights.remove(&self.names[id as usize]);
        self.names[id as usize] = Box::default();
        self.free.push(id);
    }
    fn terms(&self) -> usize {
        self.weights.len()
    }
}

/// "No term here".
const NO_TERM: u32 = u32::MAX;

#[derive(Default)]
struct CachedNode {
    /// `(byte, child)`, sorted by byte.
    children: Vec<(u8, u32)>,
    /// The id of the term ending here, or [`NO_TERM`].
    term: u32,
    /// The ids of the best `min(K, terms below)` terms of the subtree, best first.
    top: Vec<u32>,
}

/// How a term's weight changed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    /// A new term: in no cache yet.
    New,
    Up,
    Down,
    Removed,
}

/// Whether term `a` ranks before term `b` in `table`.
fn before<T: Table>(table: &T, a: u32, b: u32) -> bool {
    let (wa, wb) = (table.weight(a), table.weight(b));
    wa > wb || (wa == wb && table.text(a).as_bytes() < table.text(b).as_bytes())
}

/// Keeps `id` among the `k` best of `best` (sorted, best first).
fn offer<T: Table>(table: &T, best: &mut Vec<u32>, k: usize, id: u32) {
    if best.len() == k {
        if !before(table, id, *best.last().expect("k ≥ 1")) {
            return;
        }
        best.pop();
    }
    let q = best.partition_point(|&t| before(table, t, id));
    best.insert(q, id);
}

/// A per-byte trie in an arena caching its subtrees' best `K` term ids, terms in `T`, with bug
/// `BUG`.
pub struct ArenaCached<T, const BUG: u8> {
    nodes: Vec<CachedNode>,
    free: Vec<u32>,
    table: T,
    cache: usize,
    /// The path of the term being updated, the root first.
    path: Vec<u32>,
}

impl<T: Table, const BUG: u8> ArenaCached<T, BUG> {
    fn build(cache: usize) -> Self {
        ArenaCached {
            nodes: vec![CachedNode {
                term: NO_TERM,
                ..CachedNode::default()
            }],
            free: Vec::new(),
            table: T::default(),
            cache,
            path: Vec::new(),
        }
    }

    fn child(&self, n: u32, byte: u8) -> Option<u32> {
        let children = &self.nodes[n as usize].children;
        let i = children.binary_search_by_key(&byte, |c| c.0).ok()?;
        Some(children[i].1)
    }

    fn walk(&self, bytes: &[u8]) -> Option<u32> {
        let mut n = 0;
        for &b in bytes {
            n = self.child(n, b)?;
        }
        Some(n)
    }

    /// The node `bytes` leads to, recording the path; created as needed when `create`.
    fn walk_path(&mut self, bytes: &[u8], create: bool) -> Option<u32> {
        self.path.clear();
        self.path.push(0);
        let mut n = 0u32;
        for &b in bytes {
            let children = &self.nodes[n as usize].children;
            n = match children.binary_search_by_key(&b, |c| c.0) {
                Ok(i) => children[i].1,
                Err(_) if !create => return None,
                Err(i) => {
                    let fresh = CachedNode {
                        term: NO_TERM,
                        ..CachedNode::default()
                    };
                    let c = match self.free.pop() {
                        Some(c) => {
                            self.nodes[c as usize] = fresh;
                            c
                        }
                        None => {
                            self.nodes.push(fresh);
                            u32::try_from(self.nodes.len() - 1).expect("fewer than 2^32 nodes")
                        }
                    };
                    self.nodes[n as usize].children.insert(i, (b, c));
                    c
                }
            };
            self.path.push(n);
        }
        Some(n)
    }

    /// Sets the weight of the term at node `n` (the end of the path just walked) to
    /// `weight(old)`; returns the old weight.
    fn set(&mut self, n: u32, text: &str, weight: impl FnOnce(Option<u64>) -> u64) -> Option<u64> {
        let id = self.nodes[n as usize].term;
        if id == NO_TERM {
            let id = self.table.add(text, weight(None));
            self.nodes[n as usize].term = id;
            self.fix(id, Change::New);
            return None;
        }
        let old = self.table.weight(id);
        let new = weight(Some(old));
        self.table.set(id, new);
        match new.cmp(&old) {
            Ordering::Greater => self.fix(id, Change::Up),
            Ordering::Less => self.fix(id, Change::Down),
            Ordering::Equal => {}
        }
        Some(old)
    }

    /// Fixes the caches on the path, bottom-up, after term `id` changed.
    fn fix(&mut self, id: u32, change: Change) {
        let k = if BUG == CACHE_ALL {
            usize::MAX
        } else {
            self.cache
        };
        for at in (0..self.path.len()).rev() {
            let n = self.path[at] as usize;
            if BUG == RECOMPUTE_FROM_SUBTREE {
                self.recompute_from_subtree(n);
                continue;
            }
            let table = &self.table;
            let top = &mut self.nodes[n].top;
            let found = if change == Change::New {
                None
            } else {
                top.iter().position(|&t| t == id)
            };
            match (change, found) {
                (Change::New | Change::Up, Some(p)) => {
                    top.remove(p);
                    let q = top.partition_point(|&t| before(table, t, id));
                    top.insert(q, id);
                }
                (Change::New | Change::Up, None) => {
                    let q = top.partition_point(|&t| before(table, t, id));
                    if q >= k {
                        // Not among this subtree's best, so not among a larger one's.
                        break;
                    }
                    top.insert(q, id);
                    top.truncate(k);
                }
                (_, None) => break,
                (Change::Down, Some(p)) => {
                    if BUG == STALE {
                        continue;
                    }
                    let full = top.len() == k;
                    top.remove(p);
                    let q = top.partition_point(|&t| before(table, t, id));
                    if full && q == top.len() {
                        // Last of a full cache: a term not cached may beat it now.
                        self.recompute(n);
                    } else {
                        top.insert(q, id);
                    }
                }
                (Change::Removed, Some(p)) => {
                    let full = top.len() == k;
                    top.remove(p);
                    if full && BUG != STALE {
                        self.recompute(n);
                    }
                }
            }
        }
    }

    /// Node `n`'s cache from its own term and its children's caches.
    fn recompute(&mut self, n: usize) {
        let node = &self.nodes[n];
        let mut candidates: Vec<u32> = Vec::new();
        if node.term != NO_TERM {
            candidates.push(node.term);
        }
        for &(_, c) in &node.children {
            candidates.extend_from_slice(&self.nodes[c as usize].top);
        }
        let table = &self.table;
        let by_rank = |a: &u32, b: &u32| {
            if before(table, *a, *b) {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        };
        if BUG == UNSORTED {
            // The best K first, in no particular order.
            if let Some(last) = candidates.len().min(self.cache).checked_sub(1) {
                candidates.select_nth_unstable_by(last, by_rank);
            }
        } else {
            candidates.sort_unstable_by(by_rank);
        }
        candidates.truncate(self.cache);
        self.nodes[n].top = candidates;
    }

    /// Node `n`'s cache from every term of its subtree ([`RECOMPUTE_FROM_SUBTREE`]).
    fn recompute_from_subtree(&mut self, n: usize) {
        let mut all = Vec::new();
        let mut stack = vec![n as u32];
        while let Some(m) = stack.pop() {
            let node = &self.nodes[m as usize];
            if node.term != NO_TERM {
                all.push(node.term);
            }
            stack.extend(node.children.iter().map(|c| c.1));
        }
        let table = &self.table;
        let by_rank = |a: &u32, b: &u32| {
            if before(table, *a, *b) {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        };
        if all.len() > self.cache {
            all.select_nth_unstable_by(self.cache - 1, by_rank);
            all.truncate(self.cache);
        }
        all.sort_unstable_by(by_rank);
        self.nodes[n].top = all;
    }

    /// Frees the nodes at the bottom of the path of `bytes` left with no term and no child.
    fn prune(&mut self, bytes: &[u8]) {
        for at in (1..self.path.len()).rev() {
            let n = self.path[at];
            let node = &self.nodes[n as usize];
            if node.term != NO_TERM || !node.children.is_empty() {
                break;
            }
            let siblings = &mut self.nodes[self.path[at - 1] as usize].children;
            let pos = siblings
                .binary_search_by_key(&bytes[at - 1], |c| c.0)
                .expect("on the path");
            siblings.remove(pos);
            self.free.push(n);
        }
    }

    /// The best `k` terms below `start`, the subtree searched with the caches' help: a subtree
    /// whose cache holds all its terms is read from it, one whose best term cannot place is
    /// skipped.
    fn search(&self, start: u32, k: usize) -> Vec<u32> {
        let table = &self.table;
        let mut best = Vec::new();
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            let node = &self.nodes[n as usize];
            if node.top.len() < self.cache {
                for &id in &node.top {
                    offer(table, &mut best, k, id);
                }
                continue;
            }
            if best.len() == k {
                let (head, worst) = (node.top[0], *best.last().expect("k ≥ 1"));
                let skip = if BUG == SKIPS_TIES {
                    table.weight(head) <= table.weight(worst)
                } else {
                    !before(table, head, worst)
                };
                if skip {
                    continue;
                }
            }
            if node.term != NO_TERM {
                offer(table, &mut best, k, node.term);
            }
            stack.extend(node.children.iter().map(|c| c.1));
        }
        best
    }

    /// The best `k` terms below `start`, every node visited ([`UNCACHED_SCAN`]).
    fn scan(&self, start: u32, k: usize) -> Vec<u32> {
        let mut best = Vec::new();
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            let node = &self.nodes[n as usize];
            if node.term != NO_TERM {
                offer(&self.table, &mut best, k, node.term);
            }
            stack.extend(node.children.iter().map(|c| c.1));
        }
        best
    }

    fn answer(&self, ids: &[u32]) -> Vec<(String, u64)> {
        ids.iter()
            .map(|&id| (self.table.text(id).to_owned(), self.table.weight(id)))
            .collect()
    }
}

impl<T: Table, const BUG: u8> Autocomplete for ArenaCached<T, BUG> {
    fn new() -> Self {
        Self::build(DEFAULT_CACHE)
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let bytes = check_term(term)?;
        let n = self.walk_path(bytes, true).expect("created");
        Ok(self.set(n, term, |_| weight))
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        let bytes = check_term(term)?;
        let n = self.walk_path(bytes, true).expect("created");
        self.set(n, term, |old| old.unwrap_or(0).saturating_add(delta));
        Ok(self.table.weight(self.nodes[n as usize].term))
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        let bytes = term.as_bytes();
        let n = self.walk_path(bytes, false)?;
        let id = std::mem::replace(&mut self.nodes[n as usize].term, NO_TERM);
        if id == NO_TERM {
            return None;
        }
        let old = self.table.weight(id);
        self.fix(id, Change::Removed);
        self.table.free(id);
        self.prune(bytes);
        Some(old)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        let id = self.nodes[self.walk(term.as_bytes())? as usize].term;
        (id != NO_TERM).then(|| self.table.weight(id))
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        let Some(n) = self.walk(prefix) else {
            return Vec::new();
        };
        let k = k.min(self.table.terms());
        if BUG == UNCACHED_SCAN {
            return self.answer(&self.scan(n, k));
        }
        let top = &self.nodes[n as usize].top;
        if k > self.cache && top.len() == self.cache && BUG != CACHE_ONLY {
            return self.answer(&self.search(n, k));
        }
        self.answer(&top[..k.min(top.len())])
    }

    fn len(&self) -> usize {
        self.table.terms()
    }

    fn node_count(&self) -> usize {
        self.nodes.len() - self.free.len()
    }
}

impl<T: Table, const BUG: u8> CachedAutocomplete for ArenaCached<T, BUG> {
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

// ---- Shared stores. ----

/// A cached trie `C` behind one `RwLock`, with bug `BUG` splitting an update in two.
pub struct Locked<C, const BUG: u8>(RwLock<C>);

impl<C: CachedAutocomplete + Send + Sync, const BUG: u8> ConcurrentAutocomplete for Locked<C, BUG> {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        C::with_cache(cache).map(|c| Locked(RwLock::new(c)))
    }

    fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        if BUG == TORN_INSERT {
            // The term first, its weight after.
            let old = self.0.write().insert(term, 0)?;
            self.0.write().insert(term, weight)?;
            return Ok(old);
        }
        self.0.write().insert(term, weight)
    }

    fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError> {
        if BUG == LOST_INCREMENT {
            check_term(term)?;
            let w = self
                .0
                .read()
                .weight(term)
                .unwrap_or(0)
                .saturating_add(delta);
            self.0.write().insert(term, w)?;
            return Ok(w);
        }
        self.0.write().add_weight(term, delta)
    }

    fn remove(&self, term: &str) -> Option<u64> {
        self.0.write().remove(term)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.0.read().weight(term)
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        self.0.read().top_k(prefix, k)
    }

    fn len(&self) -> usize {
        self.0.read().len()
    }
}

/// A cached trie `C` (the order of the terms) and a table of their weights, each behind its own
/// lock; an update changes the trie, then the table.
pub struct SplitTable<C> {
    index: RwLock<C>,
    weights: RwLock<HashMap<String, u64>>,
}

impl<C: CachedAutocomplete + Send + Sync> ConcurrentAutocomplete for SplitTable<C> {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        Ok(SplitTable {
            index: RwLock::new(C::with_cache(cache)?),
            weights: RwLock::new(HashMap::new()),
        })
    }

    fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let old = self.index.write().insert(term, weight)?;
        self.weights.write().insert(term.to_owned(), weight);
        Ok(old)
    }

    fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError> {
        let w = self.index.write().add_weight(term, delta)?;
        self.weights.write().insert(term.to_owned(), w);
        Ok(w)
    }

    fn remove(&self, term: &str) -> Option<u64> {
        let old = self.index.write().remove(term);
        self.weights.write().remove(term);
        old
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.weights.read().get(term).copied()
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        let terms = self.index.read().top_k(prefix, k);
        let weights = self.weights.read();
        terms
            .into_iter()
            .map(|(t, _)| {
                let w = weights.get(&t).copied().unwrap_or(0);
                (t, w)
            })
            .collect()
    }

    fn len(&self) -> usize {
        self.weights.read().len()
    }
}
