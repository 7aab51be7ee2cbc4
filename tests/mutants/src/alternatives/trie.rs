//! `trie` in the design learners most often write: boxed nodes and recursive walks.
//!
//! - [`BoxedTrie`]: a node per byte, `Box`ed, its children in a `Vec<(u8, Box<Node>)>` sorted by
//!   byte; insert, lookup and remove recurse down the term; `top_k` collects every completion of
//!   the prefix into a `Vec<(String, u64)>`, then keeps the `k` best (`select_nth_unstable_by`,
//!   then a sort of those `k`).
//! - [`BoxedRadix`]: the same with edges labelled by byte strings, each node's children a
//!   `Vec<RadixNode>` sorted by their labels' first byte; an insert splits the edge the term
//!   leaves, a remove merges a node left with no term and one child into that child on the way
//!   back up.
//! - [`VecCached`]: the plain trie whose every node keeps a sorted `Vec<u32>` of the ids of its
//!   subtree's best `K` terms, the terms in a table of `(String, u64)` by id; an update recurses
//!   down the term and fixes each cache on the way back up (moving the term, or rebuilding the
//!   cache from the node's own term and its children's caches when a cached term falls out); a
//!   query for more than `K` collects every completion of the prefix, as the plain trie does.
//! - [`MutexShared`]: a `kata_core::sync::Mutex<VecCached>`.
//!
//! The reference keeps its nodes in an arena indexed by `u32`, walks with explicit stacks,
//! selects the `k` best in a bounded heap, caches term ids, and shares the cached trie behind a
//! reader-writer lock. Graded on every stage as `--mutant boxed`.

use std::cmp::Ordering;

use kata_core::sync::Mutex;
use kata_core::trie::{
    Autocomplete, CachedAutocomplete, ConcurrentAutocomplete, ConfigError, TermError,
    DEFAULT_CACHE, MAX_CACHE, MAX_TERM_BYTES,
};
use kata_suites::trie::TrieFamily;

/// The boxed `trie` family.
pub struct BoxedFamily;

impl TrieFamily for BoxedFamily {
    type Plain = BoxedTrie;
    type Radix = BoxedRadix;
    type Cached = VecCached;
    type Shared = MutexShared;
}

/// The term's bytes, or why it is refused: empty first, then too long.
fn check(term: &str) -> Result<&[u8], TermError> {
    if term.is_empty() {
        return Err(TermError::Empty);
    }
    if term.len() > MAX_TERM_BYTES {
        return Err(TermError::TooLong(term.len()));
    }
    Ok(term.as_bytes())
}

/// Heavier first, equal weights in byte order (`String`'s order is the bytes' order).
fn by_rank(a: &(String, u64), b: &(String, u64)) -> Ordering {
    b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
}

/// The `k` best of `all`, best first: the `k` best put first by `select_nth_unstable_by`, then
/// sorted. (Sorting all of them is O(n log n) in the completions: the complexity stage's `top-k`
/// series, which allows O(n), fits that to O(n log n) and fails it.)
fn best(mut all: Vec<(String, u64)>, k: usize) -> Vec<(String, u64)> {
    if all.len() > k {
        all.select_nth_unstable_by(k - 1, by_rank);
        all.truncate(k);
    }
    all.sort_by(by_rank);
    all
}

/// The term `path` spells (a whole term, so valid UTF-8).
fn text(path: &[u8]) -> String {
    String::from_utf8(path.to_vec()).expect("a term is UTF-8")
}

// ---- The plain trie. ----

#[derive(Default)]
struct Node {
    children: Vec<(u8, Box<Node>)>,
    weight: Option<u64>,
}

impl Node {
    fn at(&self, byte: u8) -> Result<usize, usize> {
        self.children.binary_search_by_key(&byte, |c| c.0)
    }

    fn find(&self, bytes: &[u8]) -> Option<&Node> {
        match bytes.split_first() {
            None => Some(self),
            Some((&b, rest)) => {
                let i = self.at(b).ok()?;
                self.children[i].1.find(rest)
            }
        }
    }

    fn find_or_create(&mut self, bytes: &[u8]) -> &mut Node {
        match bytes.split_first() {
            None => self,
            Some((&b, rest)) => {
                let i = match self.at(b) {
                    Ok(i) => i,
                    Err(i) => {
                        self.children.insert(i, (b, Box::default()));
                        i
                    }
                };
                self.children[i].1.find_or_create(rest)
            }
        }
    }

    fn remove(&mut self, bytes: &[u8]) -> Option<u64> {
        let Some((&b, rest)) = bytes.split_first() else {
            return self.weight.take();
        };
        let i = self.at(b).ok()?;
        let child = &mut self.children[i].1;
        let old = child.remove(rest)?;
        if child.weight.is_none() && child.children.is_empty() {
            self.children.remove(i);
        }
        Some(old)
    }

    fn collect(&self, path: &mut Vec<u8>, out: &mut Vec<(String, u64)>) {
        if let Some(w) = self.weight {
            out.push((text(path), w));
        }
        for (b, c) in &self.children {
            path.push(*b);
            c.collect(path, out);
            path.pop();
        }
    }

    fn count(&self) -> usize {
        1 + self.children.iter().map(|(_, c)| c.count()).sum::<usize>()
    }
}

/// The plain trie: boxed nodes, recursive walks.
#[derive(Default)]
pub struct BoxedTrie {
    root: Node,
    len: usize,
}

impl Autocomplete for BoxedTrie {
    fn new() -> Self {
        BoxedTrie::default()
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let old = self
            .root
            .find_or_create(check(term)?)
            .weight
            .replace(weight);
        if old.is_none() {
            self.len += 1;
        }
        Ok(old)
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        let node = self.root.find_or_create(check(term)?);
        let w = match node.weight {
            Some(w) => w.saturating_add(delta),
            None => {
                self.len += 1;
                delta
            }
        };
        node.weight = Some(w);
        Ok(w)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        if term.is_empty() {
            return None;
        }
        let old = self.root.remove(term.as_bytes())?;
        self.len -= 1;
        Some(old)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.root.find(term.as_bytes())?.weight
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        let Some(node) = self.root.find(prefix) else {
            return Vec::new();
        };
        let mut all = Vec::new();
        node.collect(&mut prefix.to_vec(), &mut all);
        best(all, k)
    }

    fn len(&self) -> usize {
        self.len
    }

    fn node_count(&self) -> usize {
        self.root.count()
    }
}

// ---- The radix trie. ----

/// A node of [`BoxedRadix`]: the label of the edge into it, its children sorted by their labels'
/// first byte, the weight of the term ending here.
#[derive(Default)]
pub struct RadixNode {
    label: Vec<u8>,
    children: Vec<RadixNode>,
    weight: Option<u64>,
}

impl RadixNode {
    fn at(&self, byte: u8) -> Result<usize, usize> {
        self.children.binary_search_by_key(&byte, |c| c.label[0])
    }

    /// The node spelling `rest` below this one, splitting an edge or adding a leaf as needed.
    fn place(&mut self, rest: &[u8]) -> &mut RadixNode {
        if rest.is_empty() {
            return self;
        }
        let i = match self.at(rest[0]) {
            Ok(i) => i,
            Err(i) => {
                self.children.insert(
                    i,
                    RadixNode {
                        label: rest.to_vec(),
                        ..RadixNode::default()
                    },
                );
                return &mut self.children[i];
            }
        };
        let child = &mut self.children[i];
        let common = child
            .label
            .iter()
            .zip(rest)
            .take_while(|(a, b)| a == b)
            .count();
        if common < child.label.len() {
            // The term leaves the edge: the child keeps the shared bytes, a new node below it
            // takes the rest of the label with the child's term and children.
            let lower = RadixNode {
                label: child.label.split_off(common),
                children: std::mem::take(&mut child.children),
                weight: child.weight.take(),
            };
            child.children.push(lower);
        }
        child.place(&rest[common..])
    }

    fn find(&self, rest: &[u8]) -> Option<&RadixNode> {
        if rest.is_empty() {
            return Some(self);
        }
        let child = &self.children[self.at(rest[0]).ok()?];
        child.find(rest.strip_prefix(child.label.as_slice())?)
    }

    /// Removes the term spelled by `rest` below this node; a child left with no term is freed
    /// (no children) or merged into its only child.
    fn remove(&mut self, rest: &[u8]) -> Option<u64> {
        let i = self.at(*rest.first()?).ok()?;
        let child = &mut self.children[i];
        let below = rest.strip_prefix(child.label.as_slice())?;
        let old = if below.is_empty() {
            child.weight.take()?
        } else {
            child.remove(below)?
        };
        if child.weight.is_none() {
            match child.children.len() {
                0 => {
                    self.children.remove(i);
                }
                1 => {
                    let only = child.children.pop().expect("one child");
                    child.label.extend_from_slice(&only.label);
                    child.children = only.children;
                    child.weight = only.weight;
                }
                _ => {}
            }
        }
        Some(old)
    }

    fn collect(&self, path: &mut Vec<u8>, out: &mut Vec<(String, u64)>) {
        if let Some(w) = self.weight {
            out.push((text(path), w));
        }
        for c in &self.children {
            let depth = path.len();
            path.extend_from_slice(&c.label);
            c.collect(path, out);
            path.truncate(depth);
        }
    }

    fn count(&self) -> usize {
        1 + self.children.iter().map(RadixNode::count).sum::<usize>()
    }
}

/// The radix trie: boxed nodes (in their parents' `Vec`s), recursive walks.
#[derive(Default)]
pub struct BoxedRadix {
    root: RadixNode,
    len: usize,
}

impl Autocomplete for BoxedRadix {
    fn new() -> Self {
        BoxedRadix::default()
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        let old = self.root.place(check(term)?).weight.replace(weight);
        if old.is_none() {
            self.len += 1;
        }
        Ok(old)
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        let node = self.root.place(check(term)?);
        let w = match node.weight {
            Some(w) => w.saturating_add(delta),
            None => {
                self.len += 1;
                delta
            }
        };
        node.weight = Some(w);
        Ok(w)
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        let old = self.root.remove(term.as_bytes())?;
        self.len -= 1;
        Some(old)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.root.find(term.as_bytes())?.weight
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        // Walk the prefix; it may end inside an edge, whose node's subtree then completes it.
        let (mut node, mut rest, mut path) = (&self.root, prefix, Vec::new());
        while let Some(&first) = rest.first() {
            let Ok(i) = node.at(first) else {
                return Vec::new();
            };
            node = &node.children[i];
            let label = node.label.as_slice();
            let shared = label.len().min(rest.len());
            if label[..shared] != rest[..shared] {
                return Vec::new();
            }
            path.extend_from_slice(label);
            rest = &rest[shared..];
        }
        let mut all = Vec::new();
        node.collect(&mut path, &mut all);
        best(all, k)
    }

    fn len(&self) -> usize {
        self.len
    }

    fn node_count(&self) -> usize {
        self.root.count()
    }
}

// ---- The cached trie. ----

/// The terms of a [`VecCached`]: `(text, weight)` by id, freed ids reused.
#[derive(Default)]
struct Terms {
    slots: Vec<(String, u64)>,
    free: Vec<u32>,
}

impl Terms {
    fn add(&mut self, text: &str, weight: u64) -> u32 {
        let slot = (text.to_owned(), weight);
        match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = slot;
                id
            }
            None => {
                self.slots.push(slot);
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 terms")
            }
        }
    }

    fn weight(&self, id: u32) -> u64 {
        self.slots[id as usize].1
    }

    /// Whether term `a` ranks before term `b`: heavier, or as heavy and smaller in byte order.
    fn ahead(&self, a: u32, b: u32) -> bool {
        let (x, y) = (&self.slots[a as usize], &self.slots[b as usize]);
        x.1 > y.1 || (x.1 == y.1 && x.0 < y.0)
    }

    fn order(&self, a: u32, b: u32) -> Ordering {
        if a == b {
            Ordering::Equal
        } else if self.ahead(a, b) {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    }

    fn answer(&self, id: u32) -> (String, u64) {
        self.slots[id as usize].clone()
    }
}

#[derive(Default)]
struct CachedNode {
    children: Vec<(u8, Box<CachedNode>)>,
    /// The id of the term ending here.
    term: Option<u32>,
    /// The ids of the best `min(K, terms below)` terms of the subtree, best first.
    top: Vec<u32>,
}

/// What an update does to its term's weight.
enum Update {
    Set(u64),
    Add(u64),
    Remove,
}

impl CachedNode {
    fn at(&self, byte: u8) -> Result<usize, usize> {
        self.children.binary_search_by_key(&byte, |c| c.0)
    }

    fn find(&self, bytes: &[u8]) -> Option<&CachedNode> {
        match bytes.split_first() {
            None => Some(self),
            Some((&b, rest)) => self.children[self.at(b).ok()?].1.find(rest),
        }
    }

    /// Applies `update` to `term`, whose bytes from `depth` on lead below this node (nodes are
    /// created for `Set` and `Add`, freed when a removal leaves them empty), then fixes every
    /// cache on the way back up. Returns the term's id (if it was or is there) and its weights
    /// before and after.
    fn update(
        &mut self,
        term: &str,
        depth: usize,
        k: usize,
        update: &Update,
        terms: &mut Terms,
    ) -> Option<(u32, Option<u64>, Option<u64>)> {
        let bytes = term.as_bytes();
        let changed = if depth == bytes.len() {
            match (update, self.term) {
                (Update::Remove, None) => return None,
                (Update::Remove, Some(id)) => {
                    self.term = None;
                    Some((id, Some(terms.weight(id)), None))
                }
                (Update::Set(w) | Update::Add(w), None) => {
                    let id = terms.add(term, *w);
                    self.term = Some(id);
                    Some((id, None, Some(*w)))
                }
                (Update::Set(w), Some(id)) => {
                    let old = terms.weight(id);
                    terms.slots[id as usize].1 = *w;
                    Some((id, Some(old), Some(*w)))
                }
                (Update::Add(d), Some(id)) => {
                    let old = terms.weight(id);
                    let new = old.saturating_add(*d);
                    terms.slots[id as usize].1 = new;
                    Some((id, Some(old), Some(new)))
                }
            }
        } else {
            let b = bytes[depth];
            let i = match self.at(b) {
                Ok(i) => i,
                Err(_) if matches!(update, Update::Remove) => return None,
                Err(i) => {
                    self.children.insert(i, (b, Box::default()));
                    i
                }
            };
            let child = &mut self.children[i].1;
            let changed = child.update(term, depth + 1, k, update, terms);
            if child.term.is_none() && child.children.is_empty() {
                self.children.remove(i);
            }
            changed
        };
        if let Some((id, old, new)) = changed {
            self.fix(id, old, new, k, terms);
        }
        changed
    }

    /// Fixes this node's cache after term `id`'s weight went from `old` to `new`.
    fn fix(&mut self, id: u32, old: Option<u64>, new: Option<u64>, k: usize, terms: &Terms) {
        if old == new {
            return;
        }
        let at = self.top.iter().position(|&t| t == id);
        if new.is_some_and(|w| old.is_none_or(|o| w > o)) {
            // Heavier, or new: moves up, or enters.
            if let Some(p) = at {
                self.top.remove(p);
            }
            let q = self.top.partition_point(|&t| terms.ahead(t, id));
            if q < k {
                self.top.insert(q, id);
                self.top.truncate(k);
            }
            return;
        }
        // Lighter, or gone.
        let Some(p) = at else {
            return;
        };
        let full = self.top.len() == k;
        self.top.remove(p);
        if new.is_some() {
            let q = self.top.partition_point(|&t| terms.ahead(t, id));
            if !full || q < self.top.len() {
                self.top.insert(q, id);
                return;
            }
        }
        if full {
            // A term that was not cached may place now: rebuild from the node's own term and
            // its children's caches.
            let mut all: Vec<u32> = self.term.into_iter().collect();
            for (_, c) in &self.children {
                all.extend_from_slice(&c.top);
            }
            all.sort_by(|&a, &b| terms.order(a, b));
            all.truncate(k);
            self.top = all;
        }
    }

    fn collect(&self, terms: &Terms, out: &mut Vec<(String, u64)>) {
        if let Some(id) = self.term {
            out.push(terms.answer(id));
        }
        for (_, c) in &self.children {
            c.collect(terms, out);
        }
    }

    fn count(&self) -> usize {
        1 + self.children.iter().map(|(_, c)| c.count()).sum::<usize>()
    }
}

/// The cached trie: boxed nodes, each with a sorted `Vec<u32>` of the ids of its subtree's best
/// `K` terms, the terms in a table (a `Vec<(u64, String)>` of copies per node, the first thing
/// one writes, holds 2 085 bytes per term on the quality stage's vocabulary, over its bound of
/// 1 584, as the kata's README warns).
pub struct VecCached {
    root: CachedNode,
    terms: Terms,
    cache: usize,
}

impl VecCached {
    fn apply(&mut self, term: &str, update: &Update) -> Option<(u32, Option<u64>, Option<u64>)> {
        let changed = self
            .root
            .update(term, 0, self.cache, update, &mut self.terms);
        if let Some((id, _, None)) = changed {
            self.terms.slots[id as usize].0 = String::new();
            self.terms.free.push(id);
        }
        changed
    }
}

impl Autocomplete for VecCached {
    fn new() -> Self {
        VecCached {
            root: CachedNode::default(),
            terms: Terms::default(),
            cache: DEFAULT_CACHE,
        }
    }

    fn insert(&mut self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        check(term)?;
        Ok(self.apply(term, &Update::Set(weight)).and_then(|c| c.1))
    }

    fn add_weight(&mut self, term: &str, delta: u64) -> Result<u64, TermError> {
        check(term)?;
        let (_, _, new) = self.apply(term, &Update::Add(delta)).expect("set");
        Ok(new.expect("set"))
    }

    fn remove(&mut self, term: &str) -> Option<u64> {
        self.apply(term, &Update::Remove)?.1
    }

    fn weight(&self, term: &str) -> Option<u64> {
        let id = self.root.find(term.as_bytes())?.term?;
        Some(self.terms.weight(id))
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        if k == 0 {
            return Vec::new();
        }
        let Some(node) = self.root.find(prefix) else {
            return Vec::new();
        };
        if k <= self.cache || node.top.len() < self.cache {
            // The k best are cached, or every term below is.
            return node
                .top
                .iter()
                .take(k)
                .map(|&id| self.terms.answer(id))
                .collect();
        }
        let mut all = Vec::new();
        node.collect(&self.terms, &mut all);
        best(all, k)
    }

    fn len(&self) -> usize {
        self.terms.slots.len() - self.terms.free.len()
    }

    fn node_count(&self) -> usize {
        self.root.count()
    }
}

impl CachedAutocomplete for VecCached {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        if cache == 0 {
            return Err(ConfigError::ZeroCache);
        }
        if cache > MAX_CACHE {
            return Err(ConfigError::CacheTooLarge(cache));
        }
        Ok(VecCached {
            cache,
            ..VecCached::new()
        })
    }

    fn cache(&self) -> usize {
        self.cache
    }
}

// ---- The shared trie. ----

/// The cached trie behind one `Mutex`: every call takes it.
pub struct MutexShared(Mutex<VecCached>);

impl ConcurrentAutocomplete for MutexShared {
    fn with_cache(cache: usize) -> Result<Self, ConfigError> {
        VecCached::with_cache(cache).map(|t| MutexShared(Mutex::new(t)))
    }

    fn insert(&self, term: &str, weight: u64) -> Result<Option<u64>, TermError> {
        self.0.lock().insert(term, weight)
    }

    fn add_weight(&self, term: &str, delta: u64) -> Result<u64, TermError> {
        self.0.lock().add_weight(term, delta)
    }

    fn remove(&self, term: &str) -> Option<u64> {
        self.0.lock().remove(term)
    }

    fn weight(&self, term: &str) -> Option<u64> {
        self.0.lock().weight(term)
    }

    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        self.0.lock().top_k(prefix, k)
    }

    fn len(&self) -> usize {
        self.0.lock().len()
    }
}
