//! Reference solution of the `count-min-sketch` kata.
//!
//! # The sketches
//!
//! A sketch is `depth` rows of `width` counters in one `Box<[u64]>`, row after row, and a total.
//! An item is hashed once, with ahash seeded by fixed constants (so every sketch of a shape, in
//! every process of one build, puts an item in the same counters and two of them can be merged).
//! From that one 64-bit hash `h` come two, `h1 = h` and `h2`, a multiply-mix of `h`; row `i` uses
//! `x_i = h1 + i·h2` (wrapping), reduced to `[0, width)` by the fast range `(x_i · width) >> 64`,
//! a multiplication instead of a division (Kirsch and Mitzenmacher 2006: two hashes combined
//! this way serve as `depth` hashes).
//!
//! - [`CountMinSketch`]: an add raises the item's counter in every row (saturating); the
//!   estimate is the smallest of them.
//! - [`ConservativeCountMinSketch`]: an add first reads the estimate `m` (the minimum), then
//!   raises each of the item's counters to `max(c, m + count)`: the least that keeps every
//!   counter at or above the item's new count. Two passes over the rows; the first keeps the
//!   positions on the stack (depth up to 8) for the second, which writes only the counters
//!   below the target.
//! - [`AtomicCountMinSketch`]: the plain sketch on `kata_core::sync::atomic::AtomicU64`
//!   counters. An add raises each counter by a compare-exchange loop that saturates (a
//!   `fetch_add` would wrap past `u64::MAX`), and the total the same way: one more shared
//!   counter that every add of every thread writes, the one place threads contend whatever
//!   the items.
//!
//! Merging adds counters element-wise (saturating): for the conservative sketch too, since every
//! counter of either is at least the true count of each item mapped to it, so is their sum.
//!
//! # The heavy-hitter trackers
//!
//! Both keep their items in an indexed binary min-heap ([`Heap`]): a `Vec` of entries (weight,
//! hash, item) with the lightest at the root, and a `hashbrown::HashTable` of positions in that
//! `Vec`, found by the item's hash and compared by the item. An item is cloned once, into the
//! heap; the table holds only its position. When an entry moves, its table slot is found by its
//! stored hash and its old position (positions are unique), so a sift costs no item hashing.
//!
//! - [`TopK`]: the weight is the sketch's estimate; among equal estimates the larger item is
//!   lighter (smaller items outrank). O(depth + log k) per add: the sketch's add and estimate,
//!   then at most one sift of `log k` steps. When the heap is full and the new estimate is below
//!   the root's, the item cannot be a candidate (a candidate's stored estimate is at least the
//!   root's, and estimates never decrease), and the add stops there, without a lookup.
//! - [`SpaceSaving`]: the weight is the count; ties are left in any order. A monitored item's
//!   count grows and it sinks; a new item, when all `counters` are taken, replaces the root with
//!   `min + count` and sinks. O(log m) per add, as weighted counts rule out the O(1) bucket list
//!   of the original paper (which needs increments of 1). `top_k` selects the `k` largest with
//!   `select_nth_unstable_by` and sorts only them: O(m + k log k).

use std::fmt;
use std::hash::Hash;

use ahash::RandomState;
use hashbrown::HashTable;
use kata_core::sync::atomic::{AtomicU64, Ordering};

pub use kata_core::count_min_sketch::{
    ConcurrentSketch, ConfigError, HeavyHitters, ShapeMismatch, Sketch, SpaceSavingTracker,
    TopKTracker, MAX_COUNTERS,
};

// ---------------------------------------------------------------------------------------------
// Shape and hashing
// ---------------------------------------------------------------------------------------------

/// The sketches' hasher: fixed seeds, so that sketches of one shape place items alike.
static HASHER: RandomState = RandomState::with_seeds(
    0x243F_6A88_85A3_08D3,
    0x1319_8A2E_0370_7344,
    0xA409_3822_299F_31D0,
    0x082E_FA98_EC4E_6C89,
);

/// Checks a shape, in the order [`Sketch::with_shape`] documents, and returns its counter count.
fn counters_for(width: usize, depth: usize) -> Result<usize, ConfigError> {
    if width == 0 {
        return Err(ConfigError::ZeroWidth);
    }
    if depth == 0 {
        return Err(ConfigError::ZeroDepth);
    }
    match width.checked_mul(depth) {
        Some(n) if n as u64 <= MAX_COUNTERS => Ok(n),
        _ => Err(ConfigError::TooManyCounters),
    }
}

/// The shape for an (ε, δ) guarantee: `(⌈e/ε⌉, ⌈ln(1/δ)⌉)`, checked in the order
/// [`Sketch::with_error`] documents.
fn shape_for(epsilon: f64, delta: f64) -> Result<(usize, usize), ConfigError> {
    // Written so that NaN fails too.
    if !(epsilon > 0.0 && epsilon < 1.0) {
        return Err(ConfigError::EpsilonOutOfRange);
    }
    if !(delta > 0.0 && delta < 1.0) {
        return Err(ConfigError::DeltaOutOfRange);
    }
    let width = (std::f64::consts::E / epsilon).ceil();
    // `-ln δ` rather than `ln(1/δ)`: `1/δ` is infinite for the smallest subnormal δ.
    let depth = (-delta.ln()).ceil().max(1.0);
    // Both are at least 1; their product is exact enough to compare with 2^30.
    if width * depth > MAX_COUNTERS as f64 {
        return Err(ConfigError::TooManyCounters);
    }
    Ok((width as usize, depth as usize))
}

/// The two hashes of `item` that place it in every row.
#[inline]
fn hashes<T: Hash + ?Sized>(item: &T) -> (u64, u64) {
    let h = HASHER.hash_one(item);
    // A multiply-mix: its high bits, which the fast range uses, depend on all of `h`'s bits.
    let h2 = (h ^ (h >> 31))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(29);
    (h, h2)
}

/// `x` mapped to `[0, n)` by its high bits.
#[inline]
fn fast_range(x: u64, n: usize) -> usize {
    ((u128::from(x) * n as u128) >> 64) as usize
}

/// The positions of an item's counters, one per row, in the row-by-row array.
#[derive(Clone, Copy)]
struct Positions {
    x: u64,
    step: u64,
    width: usize,
    row_start: usize,
    rows_left: usize,
}

impl Positions {
    #[inline]
    fn new<T: Hash + ?Sized>(item: &T, width: usize, depth: usize) -> Self {
        let (h1, h2) = hashes(item);
        Positions {
            x: h1,
            step: h2,
            width,
            row_start: 0,
            rows_left: depth,
        }
    }
}

impl Iterator for Positions {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.rows_left == 0 {
            return None;
        }
        let at = self.row_start + fast_range(self.x, self.width);
        self.x = self.x.wrapping_add(self.step);
        self.row_start += self.width;
        self.rows_left -= 1;
        Some(at)
    }
}

// ---------------------------------------------------------------------------------------------
// The single-thread sketches
// ---------------------------------------------------------------------------------------------

/// What the plain and the conservative sketch share: the counters, the shape and the total.
#[derive(Clone)]
struct Counters {
    cells: Box<[u64]>,
    width: usize,
    depth: usize,
    total: u64,
}

impl Counters {
    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        let n = counters_for(width, depth)?;
        Ok(Counters {
            cells: vec![0; n].into_boxed_slice(),
            width,
            depth,
            total: 0,
        })
    }

    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        let (width, depth) = shape_for(epsilon, delta)?;
        Self::with_shape(width, depth)
    }

    #[inline]
    fn positions<T: Hash + ?Sized>(&self, item: &T) -> Positions {
        Positions::new(item, self.width, self.depth)
    }

    #[inline]
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.positions(item)
            .map(|at| self.cells[at])
            .min()
            .unwrap_or(0)
    }

    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        if (self.width, self.depth) != (other.width, other.depth) {
            return Err(ShapeMismatch {
                ours: (self.width, self.depth),
                theirs: (other.width, other.depth),
            });
        }
        for (ours, theirs) in self.cells.iter_mut().zip(other.cells.iter()) {
            *ours = ours.saturating_add(*theirs);
        }
        self.total = self.total.saturating_add(other.total);
        Ok(())
    }
}

impl fmt::Debug for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sketch")
            .field("width", &self.width)
            .field("depth", &self.depth)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

/// A plain Count-Min sketch: an add raises the item's counter in every row.
#[derive(Debug, Clone)]
pub struct CountMinSketch(Counters);

impl Sketch for CountMinSketch {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        Counters::with_error(epsilon, delta).map(CountMinSketch)
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        Counters::with_shape(width, depth).map(CountMinSketch)
    }

    #[inline]
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        let s = &mut self.0;
        for at in Positions::new(item, s.width, s.depth) {
            s.cells[at] = s.cells[at].saturating_add(count);
        }
        s.total = s.total.saturating_add(count);
    }

    #[inline]
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.0.estimate(item)
    }

    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        self.0.merge(&other.0)
    }

    fn total(&self) -> u64 {
        self.0.total
    }

    fn width(&self) -> usize {
        self.0.width
    }

    fn depth(&self) -> usize {
        self.0.depth
    }
}

/// Depths up to this keep an add's positions on the stack between its two passes (δ = e^−8 is
/// 0.03 %: deeper sketches are rare, and recompute them).
const SMALL_DEPTH: usize = 8;

/// A Count-Min sketch with conservative update: an add raises each of the item's counters only
/// to the item's new estimate, `max(c, estimate + count)`.
#[derive(Debug, Clone)]
pub struct ConservativeCountMinSketch(Counters);

impl Sketch for ConservativeCountMinSketch {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        Counters::with_error(epsilon, delta).map(ConservativeCountMinSketch)
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        Counters::with_shape(width, depth).map(ConservativeCountMinSketch)
    }

    #[inline]
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        let s = &mut self.0;
        let positions = s.positions(item);
        if s.depth <= SMALL_DEPTH {
            // The usual depths: keep the positions from the first pass.
            let mut at = [0; SMALL_DEPTH];
            let mut least = u64::MAX;
            for (slot, p) in at.iter_mut().zip(positions) {
                *slot = p;
                least = least.min(s.cells[p]);
            }
            let target = least.saturating_add(count);
            for &p in &at[..s.depth] {
                if s.cells[p] < target {
                    s.cells[p] = target;
                }
            }
        } else {
            let least = positions.map(|p| s.cells[p]).min().unwrap_or(0);
            let target = least.saturating_add(count);
            for p in positions {
                if s.cells[p] < target {
                    s.cells[p] = target;
                }
            }
        }
        s.total = s.total.saturating_add(count);
    }

    #[inline]
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.0.estimate(item)
    }

    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        self.0.merge(&other.0)
    }

    fn total(&self) -> u64 {
        self.0.total
    }

    fn width(&self) -> usize {
        self.0.width
    }

    fn depth(&self) -> usize {
        self.0.depth
    }
}

// ---------------------------------------------------------------------------------------------
// The concurrent sketch
// ---------------------------------------------------------------------------------------------

/// Adds `count` to `cell`, saturating at `u64::MAX`, by a compare-exchange loop.
///
/// Relaxed: each counter is its own total order of additions, and no other memory is published
/// through it. An estimate that happens after an add (through the caller's own synchronisation,
/// or a join) reads that add's value or a later one: read-write coherence.
#[inline]
fn saturating_add_atomic(cell: &AtomicU64, count: u64) {
    let mut seen = cell.load(Ordering::Relaxed);
    while seen != u64::MAX {
        match cell.compare_exchange_weak(
            seen,
            seen.saturating_add(count),
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            Ok(_) => return,
            Err(now) => seen = now,
        }
    }
}

/// A plain Count-Min sketch shared by threads: atomic counters, no lock.
pub struct AtomicCountMinSketch {
    cells: Box<[AtomicU64]>,
    width: usize,
    depth: usize,
    total: AtomicU64,
}

impl fmt::Debug for AtomicCountMinSketch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicCountMinSketch")
            .field("width", &self.width)
            .field("depth", &self.depth)
            .field("total", &self.total())
            .finish_non_exhaustive()
    }
}

impl ConcurrentSketch for AtomicCountMinSketch {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        let (width, depth) = shape_for(epsilon, delta)?;
        Self::with_shape(width, depth)
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        let n = counters_for(width, depth)?;
        Ok(AtomicCountMinSketch {
            cells: (0..n).map(|_| AtomicU64::new(0)).collect(),
            width,
            depth,
            total: AtomicU64::new(0),
        })
    }

    #[inline]
    fn add<T: Hash + ?Sized>(&self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        for at in Positions::new(item, self.width, self.depth) {
            saturating_add_atomic(&self.cells[at], count);
        }
        saturating_add_atomic(&self.total, count);
    }

    #[inline]
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        Positions::new(item, self.width, self.depth)
            .map(|at| self.cells[at].load(Ordering::Relaxed))
            .min()
            .unwrap_or(0)
    }

    fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    fn width(&self) -> usize {
        self.width
    }

    fn depth(&self) -> usize {
        self.depth
    }
}

// ---------------------------------------------------------------------------------------------
// The indexed min-heap both trackers keep their items in
// ---------------------------------------------------------------------------------------------

/// The table value of the one entry being moved by a sift: unique while it moves.
const DETACHED: usize = usize::MAX;

/// An item with its weight (an estimate or a count) and its hash in the heap's table.
#[derive(Debug, Clone)]
struct Entry<T> {
    weight: u64,
    hash: u64,
    item: T,
}

/// A binary min-heap of entries, the lightest at index 0, with a table from item to position.
///
/// Invariant: the table holds exactly one value per entry, its position in `entries`, stored
/// under the entry's hash (during a sift, the moving entry's value is [`DETACHED`]).
#[derive(Debug, Clone)]
struct Heap<T> {
    entries: Vec<Entry<T>>,
    index: HashTable<usize>,
    hasher: RandomState,
    /// Whether, among equal weights, the larger item is lighter (`TopK`'s rule), or ties are in
    /// any order (`SpaceSaving`).
    ties_by_item: bool,
}

impl<T: Hash + Eq + Ord> Heap<T> {
    fn new(ties_by_item: bool) -> Self {
        Heap {
            entries: Vec::new(),
            index: HashTable::new(),
            hasher: RandomState::new(),
            ties_by_item,
        }
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn hash(&self, item: &T) -> u64 {
        self.hasher.hash_one(item)
    }

    /// Whether the entry at `a` is strictly lighter than the one at `b`.
    #[inline]
    fn lighter(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.entries[a], &self.entries[b]);
        a.weight < b.weight || (self.ties_by_item && a.weight == b.weight && a.item > b.item)
    }

    /// The position of `item`, if it is in the heap.
    #[inline]
    fn find(&self, hash: u64, item: &T) -> Option<usize> {
        let entries = &self.entries;
        self.index
            .find(hash, |&at| entries[at].item == *item)
            .copied()
    }

    /// Changes the table value `from` of the entry hashed `hash` to `to`.
    #[inline]
    fn reindex(&mut self, hash: u64, from: usize, to: usize) {
        *self
            .index
            .find_mut(hash, |&at| at == from)
            .expect("every entry is in the table") = to;
    }

    /// Moves the detached entry at `at` up while it is lighter than its parent; where it stops.
    fn rise(&mut self, mut at: usize) -> usize {
        while at > 0 {
            let parent = (at - 1) / 2;
            if !self.lighter(at, parent) {
                break;
            }
            self.entries.swap(at, parent);
            let moved = self.entries[at].hash;
            self.reindex(moved, parent, at);
            at = parent;
        }
        at
    }

    /// The lighter child of `at`, when it is lighter than `at`.
    #[inline]
    fn lighter_child(&self, at: usize) -> Option<usize> {
        let left = 2 * at + 1;
        if left >= self.entries.len() {
            return None;
        }
        let right = left + 1;
        let child = if right < self.entries.len() && self.lighter(right, left) {
            right
        } else {
            left
        };
        self.lighter(child, at).then_some(child)
    }

    /// Moves the detached entry at `at` down while a child is lighter; where it stops.
    fn sink(&mut self, mut at: usize) -> usize {
        while let Some(child) = self.lighter_child(at) {
            self.entries.swap(at, child);
            let moved = self.entries[at].hash;
            self.reindex(moved, child, at);
            at = child;
        }
        at
    }

    /// Restores the heap order after the weight of the entry at `at` changed.
    fn fix(&mut self, at: usize) {
        let down = self.lighter_child(at).is_some();
        let up = !down && at > 0 && self.lighter(at, (at - 1) / 2);
        if !(down || up) {
            return;
        }
        let hash = self.entries[at].hash;
        self.reindex(hash, at, DETACHED);
        let stop = if down { self.sink(at) } else { self.rise(at) };
        self.reindex(hash, DETACHED, stop);
    }

    /// Adds an entry (its item must not be in the heap).
    fn push(&mut self, entry: Entry<T>) {
        let hash = entry.hash;
        let entries = &self.entries;
        self.index
            .insert_unique(hash, DETACHED, |&at| entries[at].hash);
        self.entries.push(entry);
        let stop = self.rise(self.entries.len() - 1);
        self.reindex(hash, DETACHED, stop);
    }

    /// Replaces the lightest entry (the heap is not empty; the new item is not in it).
    fn replace_root(&mut self, entry: Entry<T>) {
        let old = self.entries[0].hash;
        if let Ok(slot) = self.index.find_entry(old, |&at| at == 0) {
            slot.remove();
        }
        let hash = entry.hash;
        self.entries[0] = entry;
        let entries = &self.entries;
        self.index
            .insert_unique(hash, DETACHED, |&at| entries[at].hash);
        let stop = self.sink(0);
        self.reindex(hash, DETACHED, stop);
    }

    /// The `k` heaviest entries' items and weights: weight descending, then item ascending.
    fn heaviest(&self, k: usize) -> Vec<(T, u64)>
    where
        T: Clone,
    {
        let order = |a: &&Entry<T>, b: &&Entry<T>| {
            b.weight.cmp(&a.weight).then_with(|| a.item.cmp(&b.item))
        };
        let mut chosen: Vec<&Entry<T>> = self.entries.iter().collect();
        if chosen.len() > k {
            chosen.select_nth_unstable_by(k - 1, order);
            chosen.truncate(k);
        }
        chosen.sort_unstable_by(order);
        chosen
            .into_iter()
            .map(|e| (e.item.clone(), e.weight))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Top-k from a sketch
// ---------------------------------------------------------------------------------------------

/// Heavy hitters from a sketch: the sketch counts every item; at most `k` candidates are kept in
/// a min-heap on their estimates.
#[derive(Debug, Clone)]
pub struct TopK<T, S> {
    k: usize,
    sketch: S,
    candidates: Heap<T>,
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch> HeavyHitters<T> for TopK<T, S> {
    fn add(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        self.sketch.add(item, count);
        let estimate = self.sketch.estimate(item);
        let heap = &mut self.candidates;
        let full = heap.len() >= self.k;
        // A candidate's stored estimate is at least the root's, and estimates never decrease:
        // an item estimated below the root is not a candidate and does not outrank the root.
        if full && estimate < heap.entries[0].weight {
            return;
        }
        let hash = heap.hash(item);
        if let Some(at) = heap.find(hash, item) {
            heap.entries[at].weight = estimate;
            heap.fix(at);
        } else if !full {
            heap.push(Entry {
                weight: estimate,
                hash,
                item: item.clone(),
            });
        } else {
            let root = &heap.entries[0];
            if estimate > root.weight || (estimate == root.weight && *item < root.item) {
                heap.replace_root(Entry {
                    weight: estimate,
                    hash,
                    item: item.clone(),
                });
            }
        }
    }

    fn top_k(&self) -> Vec<(T, u64)> {
        self.candidates.heaviest(self.k)
    }

    fn k(&self) -> usize {
        self.k
    }
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch> TopKTracker<T, S> for TopK<T, S> {
    fn new(k: usize, sketch: S) -> Result<Self, ConfigError> {
        if k == 0 {
            return Err(ConfigError::ZeroK);
        }
        Ok(TopK {
            k,
            sketch,
            candidates: Heap::new(true),
        })
    }

    fn sketch(&self) -> &S {
        &self.sketch
    }
}

// ---------------------------------------------------------------------------------------------
// Space-Saving
// ---------------------------------------------------------------------------------------------

/// Heavy hitters by Space-Saving: `counters` monitored items in a min-heap on their counts.
#[derive(Debug, Clone)]
pub struct SpaceSaving<T> {
    k: usize,
    counters: usize,
    monitored: Heap<T>,
}

impl<T: Hash + Eq + Clone + Ord> HeavyHitters<T> for SpaceSaving<T> {
    fn add(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        let heap = &mut self.monitored;
        let hash = heap.hash(item);
        if let Some(at) = heap.find(hash, item) {
            let weight = &mut heap.entries[at].weight;
            *weight = weight.saturating_add(count);
            heap.fix(at);
        } else if heap.len() < self.counters {
            heap.push(Entry {
                weight: count,
                hash,
                item: item.clone(),
            });
        } else {
            let weight = heap.entries[0].weight.saturating_add(count);
            heap.replace_root(Entry {
                weight,
                hash,
                item: item.clone(),
            });
        }
    }

    fn top_k(&self) -> Vec<(T, u64)> {
        self.monitored.heaviest(self.k)
    }

    fn k(&self) -> usize {
        self.k
    }
}

impl<T: Hash + Eq + Clone + Ord> SpaceSavingTracker<T> for SpaceSaving<T> {
    fn new(k: usize, counters: usize) -> Result<Self, ConfigError> {
        if k == 0 {
            return Err(ConfigError::ZeroK);
        }
        if counters < k {
            return Err(ConfigError::TooFewCounters);
        }
        if counters as u64 > MAX_COUNTERS {
            return Err(ConfigError::TooManyCounters);
        }
        Ok(SpaceSaving {
            k,
            counters,
            monitored: Heap::new(false),
        })
    }

    fn estimate(&self, item: &T) -> u64 {
        let heap = &self.monitored;
        heap.find(heap.hash(item), item)
            .map_or(0, |at| heap.entries[at].weight)
    }

    fn monitored(&self) -> usize {
        self.monitored.len()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A xorshift generator: deterministic streams without a dependency.
    fn rng(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// A skewed stream: item `i` about twice as often as `2i`.
    fn skewed(next: &mut impl FnMut() -> u64, items: u64) -> u64 {
        let r = next() % items + 1;
        (items / r).min(items - 1)
    }

    #[test]
    fn shape_follows_the_formulas() {
        for (eps, delta, width, depth) in [
            (0.01, 0.01, 272, 5),     // e/0.01 = 271.8, ln 100 = 4.6
            (0.001, 0.01, 2_719, 5),  // 2 718.3
            (0.3, 0.2, 10, 2),        // 9.06, 1.61
            (0.07, 0.000_7, 39, 8),   // 38.8, 7.26
            (0.999_9, 0.999_9, 3, 1), // 2.72, 0.0001
            (0.5, 5e-324, 6, 745),    // the smallest δ: ln(1/δ) = 744.4
        ] {
            let s = CountMinSketch::with_error(eps, delta).unwrap();
            assert_eq!((s.width(), s.depth()), (width, depth), "ε {eps}, δ {delta}");
            let a = AtomicCountMinSketch::with_error(eps, delta).unwrap();
            assert_eq!((a.width(), a.depth()), (width, depth), "ε {eps}, δ {delta}");
        }
        let s = ConservativeCountMinSketch::with_shape(7, 3).unwrap();
        assert_eq!((s.width(), s.depth()), (7, 3));
    }

    #[test]
    fn refuses_bad_parameters_in_order() {
        use ConfigError::*;
        for eps in [f64::NAN, 0.0, 1.0, -0.5, 2.0, f64::INFINITY] {
            assert_eq!(
                CountMinSketch::with_error(eps, f64::NAN).err(),
                Some(EpsilonOutOfRange)
            );
        }
        for delta in [f64::NAN, 0.0, 1.0, -0.1, 1.5] {
            assert_eq!(
                CountMinSketch::with_error(0.1, delta).err(),
                Some(DeltaOutOfRange)
            );
        }
        assert_eq!(
            CountMinSketch::with_error(1e-9, 0.5).err(),
            Some(TooManyCounters)
        );
        assert_eq!(
            CountMinSketch::with_error(1e-300, 1e-300).err(),
            Some(TooManyCounters)
        );
        assert_eq!(CountMinSketch::with_shape(0, 0).err(), Some(ZeroWidth));
        assert_eq!(CountMinSketch::with_shape(1, 0).err(), Some(ZeroDepth));
        assert_eq!(
            CountMinSketch::with_shape(usize::MAX, 2).err(),
            Some(TooManyCounters)
        );
        assert_eq!(
            CountMinSketch::with_shape(1 << 29, 3).err(),
            Some(TooManyCounters)
        );
        let a = AtomicCountMinSketch::with_shape(1 << 30, 2);
        assert_eq!(a.err(), Some(TooManyCounters));
    }

    fn counts_exactly_and_saturates<S: Sketch>() {
        let mut s = S::with_shape(1 << 12, 4).unwrap();
        assert_eq!((s.estimate(&1_u64), s.total()), (0, 0));
        s.add(&7_u64, 0);
        assert_eq!((s.estimate(&7_u64), s.total()), (0, 0));
        s.add(&7_u64, 3);
        s.add(&7_u64, 4);
        s.add("seven", 2);
        assert_eq!(
            (s.estimate(&7_u64), s.estimate(&8_u64), s.total()),
            (7, 0, 9)
        );
        assert_eq!(
            s.estimate(&String::from("seven")),
            2,
            "&str and String hash alike"
        );
        s.add(&7_u64, u64::MAX);
        s.add(&7_u64, 1);
        assert_eq!((s.estimate(&7_u64), s.total()), (u64::MAX, u64::MAX));
    }

    #[test]
    fn counts_exactly_and_saturates_plain() {
        counts_exactly_and_saturates::<CountMinSketch>();
    }

    #[test]
    fn counts_exactly_and_saturates_conservative() {
        counts_exactly_and_saturates::<ConservativeCountMinSketch>();
    }

    #[test]
    fn atomic_counts_exactly_and_saturates() {
        let s = AtomicCountMinSketch::with_shape(1 << 12, 4).unwrap();
        s.add(&7_u64, 0);
        assert_eq!((s.estimate(&7_u64), s.total()), (0, 0));
        s.add(&7_u64, 3);
        s.add(&7_u64, 4);
        assert_eq!(
            (s.estimate(&7_u64), s.estimate(&8_u64), s.total()),
            (7, 0, 7)
        );
        s.add(&7_u64, u64::MAX);
        s.add(&7_u64, 1);
        assert_eq!((s.estimate(&7_u64), s.total()), (u64::MAX, u64::MAX));
    }

    /// On a narrow sketch: every estimate at least the truth, conservative's at most plain's
    /// (they hash alike, and by induction every conservative counter is at most the plain one),
    /// and strictly below it somewhere.
    #[test]
    fn never_underestimates_and_conservative_is_tighter() {
        let mut next = rng(1);
        let mut plain = CountMinSketch::with_shape(8, 3).unwrap();
        let mut cons = ConservativeCountMinSketch::with_shape(8, 3).unwrap();
        let mut truth = HashMap::<u64, u64>::new();
        for _ in 0..2_000 {
            let item = skewed(&mut next, 100);
            let count = next() % 4;
            plain.add(&item, count);
            cons.add(&item, count);
            *truth.entry(item).or_default() += count;
        }
        let n: u64 = truth.values().sum();
        assert_eq!((plain.total(), cons.total()), (n, n));
        let mut tighter = 0;
        for item in 0..100_u64 {
            let t = truth.get(&item).copied().unwrap_or(0);
            let (p, c) = (plain.estimate(&item), cons.estimate(&item));
            assert!(
                t <= c && c <= p,
                "item {item}: truth {t}, conservative {c}, plain {p}"
            );
            tighter += u64::from(c < p);
        }
        assert!(tighter > 10, "conservative tighter on {tighter} items only");
    }

    #[test]
    fn merge_adds_counts_and_refuses_other_shapes() {
        fn check<S: Sketch>() {
            let mut a = S::with_shape(64, 3).unwrap();
            let mut b = S::with_shape(64, 3).unwrap();
            a.add("x", 2);
            b.add("x", 5);
            b.add("y", 1);
            a.merge(&b).unwrap();
            assert_eq!((a.estimate("x"), a.estimate("y"), a.total()), (7, 1, 8));
            let wide = S::with_shape(65, 3).unwrap();
            let err = a.merge(&wide).unwrap_err();
            assert_eq!((err.ours, err.theirs), ((64, 3), (65, 3)));
            assert_eq!((a.estimate("x"), a.total()), (7, 8), "unchanged");
            let mut full = S::with_shape(64, 3).unwrap();
            full.add("x", u64::MAX);
            a.merge(&full).unwrap();
            assert_eq!((a.estimate("x"), a.total()), (u64::MAX, u64::MAX));
        }
        check::<CountMinSketch>();
        check::<ConservativeCountMinSketch>();
    }

    #[cfg(not(kata_loom))]
    #[test]
    fn atomic_loses_no_increment_across_threads() {
        let s = AtomicCountMinSketch::with_shape(512, 4).unwrap();
        std::thread::scope(|scope| {
            for t in 0..4_u64 {
                let s = &s;
                scope.spawn(move || {
                    for i in 0..20_000_u64 {
                        s.add(&(i % 1_000), 1 + t);
                    }
                });
            }
        });
        assert_eq!(s.total(), 20_000 * (1 + 2 + 3 + 4));
        for item in 0..1_000_u64 {
            assert!(s.estimate(&item) >= 20 * 10, "item {item}");
        }
    }

    /// The exact top `k` of `truth`: count descending, then item ascending.
    fn exact_top(truth: &HashMap<u64, u64>, k: usize) -> Vec<(u64, u64)> {
        let mut all: Vec<(u64, u64)> = truth.iter().map(|(&i, &c)| (i, c)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }

    /// On a sketch wide enough to count 40 items exactly, the candidates are the exact top k
    /// (ties by item) after every add.
    #[test]
    fn top_k_follows_the_rule_with_ties() {
        for (seed, k) in [(1, 1), (2, 3), (3, 5), (4, 8)] {
            let mut next = rng(seed);
            let sketch = ConservativeCountMinSketch::with_shape(1 << 14, 4).unwrap();
            let mut top = TopK::new(k, sketch).unwrap();
            let mut truth = HashMap::<u64, u64>::new();
            for step in 0..3_000 {
                let item = skewed(&mut next, 40);
                let count = next() % 3;
                top.add(&item, count);
                if count > 0 {
                    *truth.entry(item).or_default() += count;
                }
                assert_eq!(
                    top.top_k(),
                    exact_top(&truth, k),
                    "seed {seed}, step {step}"
                );
            }
            assert_eq!(top.sketch().total(), truth.values().sum::<u64>());
        }
    }

    #[test]
    fn top_k_examples() {
        let sketch = || CountMinSketch::with_shape(1 << 10, 4).unwrap();
        assert_eq!(
            TopK::<u32, _>::new(0, sketch()).err(),
            Some(ConfigError::ZeroK)
        );
        let mut top = TopK::new(3, sketch()).unwrap();
        assert_eq!(top.k(), 3);
        top.add(&"b", 2);
        top.add(&"a", 2);
        top.add(&"z", 0);
        assert_eq!(
            top.top_k(),
            vec![("a", 2), ("b", 2)],
            "ties by item; 0 adds nothing"
        );
        top.add(&"c", 1);
        top.add(&"d", 1); // ties with c, c is smaller: c stays
        assert_eq!(top.top_k(), vec![("a", 2), ("b", 2), ("c", 1)]);
        top.add(&"d", 2); // 3 now: overtakes c, then a and b
        assert_eq!(top.top_k(), vec![("d", 3), ("a", 2), ("b", 2)]);
        top.add(&"c", 1); // 2, but larger than b, the lightest: does not outrank it
        assert_eq!(top.top_k(), vec![("d", 3), ("a", 2), ("b", 2)]);
        top.add(&"c", 1); // 3: replaces b, ties with d and comes first
        assert_eq!(top.top_k(), vec![("c", 3), ("d", 3), ("a", 2)]);
        assert_eq!(top.sketch().total(), 10);
    }

    #[test]
    fn space_saving_refuses_bad_parameters_in_order() {
        use ConfigError::*;
        assert_eq!(SpaceSaving::<u8>::new(0, 0).err(), Some(ZeroK));
        assert_eq!(SpaceSaving::<u8>::new(3, 2).err(), Some(TooFewCounters));
        assert_eq!(
            SpaceSaving::<u8>::new(3, usize::MAX).err(),
            Some(TooManyCounters)
        );
        assert!(SpaceSaving::<u8>::new(3, 3).is_ok());
    }

    #[test]
    fn space_saving_evicts_the_minimum() {
        let mut ss = SpaceSaving::new(1, 3).unwrap();
        ss.add(&'a', 5);
        ss.add(&'b', 3);
        ss.add(&'c', 2);
        ss.add(&'x', 0);
        assert_eq!(
            (ss.monitored(), ss.estimate(&'c'), ss.estimate(&'x')),
            (3, 2, 0)
        );
        ss.add(&'d', 4); // takes c's place: 2 + 4
        assert_eq!(
            (ss.estimate(&'c'), ss.estimate(&'d'), ss.monitored()),
            (0, 6, 3)
        );
        assert_eq!(ss.top_k(), vec![('d', 6)]);
        ss.add(&'e', 1); // takes b's place: 3 + 1
        assert_eq!((ss.estimate(&'b'), ss.estimate(&'e')), (0, 4));
        ss.add(&'f', u64::MAX);
        assert_eq!(ss.estimate(&'f'), u64::MAX);
    }

    /// Space-Saving's guarantees on skewed weighted streams.
    #[test]
    fn space_saving_keeps_its_guarantees() {
        for (seed, k, m) in [(1, 3, 8), (2, 5, 20), (3, 1, 1), (4, 10, 64)] {
            let mut next = rng(seed);
            let mut ss = SpaceSaving::new(k, m).unwrap();
            let mut truth = HashMap::<u64, u64>::new();
            for step in 0..4_000 {
                let item = skewed(&mut next, 500);
                let count = next() % 5;
                ss.add(&item, count);
                if count > 0 {
                    *truth.entry(item).or_default() += count;
                }
                if step % 97 != 0 {
                    continue;
                }
                let n: u64 = truth.values().sum();
                let bound = n / m as u64;
                let top = ss.top_k();
                let mut monitored = 0;
                let mut sum = 0;
                for (&item, &t) in &truth {
                    let e = ss.estimate(&item);
                    if e > 0 {
                        monitored += 1;
                        sum += e;
                        assert!(
                            t <= e && e <= t + bound,
                            "item {item}: {t} ≤ {e} ≤ {t} + {bound}"
                        );
                    } else {
                        assert!(
                            t <= bound,
                            "item {item} of count {t} > {bound} not monitored"
                        );
                    }
                }
                assert_eq!((monitored, sum), (ss.monitored(), n));
                assert!(ss.monitored() <= m);
                assert!(top.len() == k.min(ss.monitored()));
                assert!(top.windows(2).all(|w| (w[0].1, w[1].0) >= (w[1].1, w[0].0)));
                let lightest_reported = top.last().map_or(0, |&(_, c)| c);
                let heavier_left_out = truth
                    .keys()
                    .filter(|i| !top.iter().any(|(t, _)| t == *i))
                    .any(|i| ss.estimate(i) > lightest_reported);
                assert!(!heavier_left_out, "top_k is the k largest monitored");
            }
        }
    }
}
