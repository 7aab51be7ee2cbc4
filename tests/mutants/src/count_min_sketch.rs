//! Known-wrong `count-min-sketch` implementations.
//!
//! Each family is the reference's but for one type: a single-thread sketch ([`BadSketch`], plain
//! or conservative by its `CONSERVATIVE` parameter), the concurrent sketch ([`BadAtomic`] or
//! [`LockedSketch`]), the sketch-based tracker ([`BadTopK`]) or Space-Saving ([`ScanSpaceSaving`]
//! or [`HeapSpaceSaving`]), each with one mistake switched on by its `BUG` parameter. The
//! sketches hash an item once with std's SipHash under fixed keys (`DefaultHasher::new()`) and
//! place it in each row by double hashing and fast range, as the reference does with ahash; the
//! `TopK` keeps its candidates in a `Vec` it scans (k is small), Space-Saving its items in a
//! `Vec` with a map from item to slot, or in an indexed binary min-heap.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use kata_core::catalogue::Stage;
use kata_core::count_min_sketch::{
    ConcurrentSketch, ConfigError, HeavyHitters, ShapeMismatch, Sketch, SpaceSavingTracker,
    TopKTracker, MAX_COUNTERS,
};
use kata_core::sync::atomic::{AtomicU64, Ordering};
use kata_core::sync::Mutex;
use kata_suites::count_min_sketch::CountMinSketchFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "count-min-sketch", suite count_min_sketch, reference R: CountMinSketchFamily;
    "width-rounded" => WithPlain<BadSketch<WIDTH_ROUNDED, false>, R> {
        mistake: "with_error rounds e/ε to the nearest whole number instead of rounding it up: \
                   the sketch is one counter narrower than the guarantee needs",
        rejected_by: [examples],
        passes: [properties],
    }
    "wrapping-add" => WithPlain<BadSketch<WRAPPING, false>, R> {
        mistake: "counters and the total grow with wrapping_add, so a counter past u64::MAX \
                   wraps to a small number and the item is underestimated",
        rejected_by: [examples],
        passes: [],
    }
    "conservative-is-plain" => WithConservative<BadSketch<CONSERVATIVE_IS_PLAIN, true>, R> {
        mistake: "the conservative sketch adds the count to every row, as the plain one does",
        rejected_by: [examples],
        passes: [properties],
    }
    "max-of-rows" => WithPlain<BadSketch<MAX_OF_ROWS, false>, R> {
        mistake: "estimate returns the largest of the item's counters instead of the smallest",
        rejected_by: [examples],
        passes: [properties],
    }
    "one-hash" => WithPlain<BadSketch<ONE_HASH, false>, R> {
        mistake: "every row picks the item's counter with the same hash, so the rows collide \
                   together and the depth buys nothing",
        rejected_by: [examples],
        passes: [properties],
    }
    "minimum-only" => WithConservative<BadSketch<MINIMUM_ONLY, true>, R> {
        mistake: "conservative update raises only the counters that hold the minimum, leaving \
                   the others below the item's new count",
        rejected_by: [examples, properties],
        passes: [],
    }
    "merge-max" => WithPlain<BadSketch<MERGE_MAX, false>, R> {
        mistake: "merge keeps the larger of each pair of counters instead of their sum",
        rejected_by: [examples],
        passes: [],
    }
    "merge-any-shape" => WithPlain<BadSketch<MERGE_ANY_SHAPE, false>, R> {
        mistake: "merge does not compare the shapes: it adds the counters the two have in \
                   common by position and returns Ok",
        rejected_by: [examples],
        passes: [properties],
    }
    "total-counts-calls" => WithPlain<BadSketch<TOTAL_COUNTS_CALLS, false>, R> {
        mistake: "the total counts the calls to add, not the counts added",
        rejected_by: [examples],
        passes: [],
    }
    "ties-by-tuple" => WithTopK<TIES_BY_TUPLE, R> {
        mistake: "TopK compares (estimate, item) as a tuple throughout: at equal estimates the \
                   larger item ranks first and wins the last place",
        rejected_by: [examples],
        passes: [],
    }
    "zero-candidate" => WithTopK<ZERO_CANDIDATE, R> {
        mistake: "TopK does not return early on add(item, 0): the item, estimated 0, joins the \
                   candidates while there are fewer than k",
        rejected_by: [examples],
        passes: [],
    }
    "never-replaces" => WithTopK<NEVER_REPLACES, R> {
        mistake: "TopK keeps the first k items it sees: once it holds k candidates, no item \
                   replaces one, however heavy it grows",
        rejected_by: [examples, properties],
        passes: [],
    }
    "evict-with-count" => WithScanSs<EVICT_WITH_COUNT, R> {
        mistake: "Space-Saving gives a new item that replaces the smallest its own count, not \
                   min + count: the replaced item's count is lost, and the counts no longer \
                   bound the truth from above",
        rejected_by: [examples],
        passes: [],
    }
    "total-unchanged-on-overflow" => WithPlain<BadSketch<TOTAL_UNCHANGED, false>, R> {
        mistake: "add guards the total with checked_add and leaves it unchanged when it would \
                   overflow, instead of saturating at u64::MAX",
        rejected_by: [properties],
        passes: [examples, quality],
    }
    "no-sift-after-increment" => WithHeapSs<NO_SIFT, R> {
        mistake: "Space-Saving's min-heap is not restored after a monitored item's count grows: \
                   the root is no longer the smallest count, and a new item replaces a heavier \
                   one",
        rejected_by: [properties],
        passes: [examples],
    }
    "evicts-newest" => WithScanSs<EVICTS_NEWEST, R> {
        mistake: "Space-Saving, when full, replaces the item it placed last instead of the one \
                   with the smallest count",
        rejected_by: [properties],
        passes: [examples],
    }
    "every-row-to-target" => WithConservative<BadSketch<EVERY_ROW_TO_TARGET, true>, R> {
        mistake: "conservative update writes estimate + count into every row, lowering the \
                   counters that were above it: another item sharing one is then underestimated",
        rejected_by: [examples],
        passes: [],
    }
    "load-then-store" => WithAtomic<BadAtomic<LOAD_THEN_STORE>, R> {
        mistake: "the atomic sketch raises a counter by a load then a store: two adds at once \
                   both read the old value, and one increment is lost",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "check-then-fetch-add" => WithAtomic<BadAtomic<CHECK_THEN_FETCH_ADD>, R> {
        mistake: "the atomic sketch checks that a counter has room for the count, then \
                   fetch_adds it: two adds that pass the check at once wrap past u64::MAX",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "total-load-then-store" => WithAtomic<BadAtomic<TOTAL_LOAD_THEN_STORE>, R> {
        mistake: "the atomic sketch's counters are raised atomically, but its total by a load \
                   then a store: concurrent adds lose increments of the total",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "locked" => WithAtomic<LockedSketch, R> {
        mistake: "the concurrent sketch is a plain sketch behind one Mutex: correct, but every \
                   add and estimate takes a lock, and the sketch must be lock-free",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "half-range" => WithPlain<BadSketch<HALF_RANGE, false>, R> {
        mistake: "the fast range shifts the 128-bit product by 65 bits instead of 64: only the \
                   first half of each row is ever used, doubling the errors",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "keeps-items" => WithPlain<BadSketch<KEEPS_ITEMS, false>, R> {
        mistake: "the sketch also keeps a HashSet of the items' hashes (to count distinct \
                   items): its memory grows with the items, which is what a sketch avoids",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "space-saving-min-scan" => WithScanSs<MIN_SCAN, R> {
        mistake: "Space-Saving finds the smallest count by scanning every monitored item: \
                   right answers, but O(counters) per add of an item it does not monitor",
        rejected_by: [complexity],
        slow_in: "space-saving",
        passes: [examples, properties, quality],
    }
    "top-k-scan" => WithTopK<NONE, R> {
        mistake: "TopK keeps its k candidates in a Vec and scans it on every add, for the item \
                   and for the lightest candidate: right answers, but O(k) per add",
        rejected_by: [complexity],
        slow_in: "top-k",
        passes: [examples, properties, quality],
    }
    "top-k-map-of-all" => WithTopK<MAP_OF_ALL, R> {
        mistake: "TopK keeps every item it has seen in a HashMap with its latest estimate, and \
                   sorts them all for top_k: right answers and O(1) adds, but its memory grows \
                   with the items and each top_k costs O(items log items)",
        rejected_by: [quality, complexity],
        slow_in: "top-k-dashboard",
        passes: [examples, properties],
    }
    "top-k-keeps-all" => WithTopK<KEEPS_ALL, R> {
        mistake: "TopK adds an item that outranks the lightest candidate without removing that \
                   candidate, and finds the lightest by scanning every candidate on each add: \
                   top_k, cut to k, is still right, but the candidates pile up to nearly every \
                   item seen, O(items) per add",
        rejected_by: [complexity],
        slow_in: "top-k",
        passes: [examples, properties],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: CountMinSketchFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::count_min_sketch`).
        "hashed-rows" => kata_suites::grade!(
            count_min_sketch,
            crate::alternatives::count_min_sketch::HashedRowsFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no count-min-sketch mutant named `{name}`")),
    }
}

// ---- Families: one wrong type, the reference's others. ----

/// A family with the plain sketch `S` and the reference's other types.
pub struct WithPlain<S, R>(PhantomData<(S, R)>);

impl<S, R> CountMinSketchFamily for WithPlain<S, R>
where
    S: Sketch + Send + Sync + 'static,
    R: CountMinSketchFamily,
{
    type Plain = S;
    type Conservative = R::Conservative;
    type Atomic = R::Atomic;
    type TopK<T: Hash + Eq + Clone + Ord, K: Sketch> = R::TopK<T, K>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> = R::SpaceSaving<T>;
}

/// A family with the conservative sketch `S` and the reference's other types.
pub struct WithConservative<S, R>(PhantomData<(S, R)>);

impl<S, R> CountMinSketchFamily for WithConservative<S, R>
where
    S: Sketch + Send + Sync + 'static,
    R: CountMinSketchFamily,
{
    type Plain = R::Plain;
    type Conservative = S;
    type Atomic = R::Atomic;
    type TopK<T: Hash + Eq + Clone + Ord, K: Sketch> = R::TopK<T, K>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> = R::SpaceSaving<T>;
}

/// A family with the concurrent sketch `A` and the reference's other types.
pub struct WithAtomic<A, R>(PhantomData<(A, R)>);

impl<A, R> CountMinSketchFamily for WithAtomic<A, R>
where
    A: ConcurrentSketch + 'static,
    R: CountMinSketchFamily,
{
    type Plain = R::Plain;
    type Conservative = R::Conservative;
    type Atomic = A;
    type TopK<T: Hash + Eq + Clone + Ord, K: Sketch> = R::TopK<T, K>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> = R::SpaceSaving<T>;
}

/// A family with the tracker [`BadTopK`] of bug `BUG` and the reference's other types.
pub struct WithTopK<const BUG: u8, R>(PhantomData<R>);

impl<const BUG: u8, R: CountMinSketchFamily> CountMinSketchFamily for WithTopK<BUG, R> {
    type Plain = R::Plain;
    type Conservative = R::Conservative;
    type Atomic = R::Atomic;
    type TopK<T: Hash + Eq + Clone + Ord, K: Sketch> = BadTopK<T, K, BUG>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> = R::SpaceSaving<T>;
}

/// A family with Space-Saving as [`ScanSpaceSaving`] of bug `BUG` and the reference's other
/// types.
pub struct WithScanSs<const BUG: u8, R>(PhantomData<R>);

impl<const BUG: u8, R: CountMinSketchFamily> CountMinSketchFamily for WithScanSs<BUG, R> {
    type Plain = R::Plain;
    type Conservative = R::Conservative;
    type Atomic = R::Atomic;
    type TopK<T: Hash + Eq + Clone + Ord, K: Sketch> = R::TopK<T, K>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> = ScanSpaceSaving<T, BUG>;
}

/// A family with Space-Saving as [`HeapSpaceSaving`] of bug `BUG` and the reference's other
/// types.
pub struct WithHeapSs<const BUG: u8, R>(PhantomData<R>);

impl<const BUG: u8, R: CountMinSketchFamily> CountMinSketchFamily for WithHeapSs<BUG, R> {
    type Plain = R::Plain;
    type Conservative = R::Conservative;
    type Atomic = R::Atomic;
    type TopK<T: Hash + Eq + Clone + Ord, K: Sketch> = R::TopK<T, K>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> = HeapSpaceSaving<T, BUG>;
}

// ---- Shape and hashing, as the API documents them. ----

/// The bug of a sketch without one.
const NONE: u8 = 0;

/// Checks a shape in the documented order; the number of counters.
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

/// The shape for `(epsilon, delta)`, checked in the documented order; `round_width` rounds
/// `e/ε` to the nearest instead of up ([`WIDTH_ROUNDED`]).
fn shape_for(epsilon: f64, delta: f64, round_width: bool) -> Result<(usize, usize), ConfigError> {
    if !(epsilon > 0.0 && epsilon < 1.0) {
        return Err(ConfigError::EpsilonOutOfRange);
    }
    if !(delta > 0.0 && delta < 1.0) {
        return Err(ConfigError::DeltaOutOfRange);
    }
    let ratio = std::f64::consts::E / epsilon;
    let width = if round_width {
        ratio.round()
    } else {
        ratio.ceil()
    };
    let depth = (-delta.ln()).ceil().max(1.0);
    if width * depth > MAX_COUNTERS as f64 {
        return Err(ConfigError::TooManyCounters);
    }
    Ok((width as usize, depth as usize))
}

/// The item's 64-bit hash: SipHash with std's fixed keys, the same in every sketch.
fn hash_of<T: Hash + ?Sized>(item: &T) -> u64 {
    let mut h = DefaultHasher::new();
    item.hash(&mut h);
    h.finish()
}

/// The positions of `item`'s counters, row by row, in a row-by-row array: row `i` takes
/// `h1 + i·h2` to `[0, width)` by fast range. [`ONE_HASH`] uses `h1` in every row, [`HALF_RANGE`]
/// shifts the product by 65 bits.
fn positions<T: Hash + ?Sized>(
    item: &T,
    width: usize,
    depth: usize,
    bug: u8,
) -> impl Iterator<Item = usize> {
    let h1 = hash_of(item);
    let h2 = if bug == ONE_HASH {
        0
    } else {
        (h1 ^ (h1 >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9) | 1
    };
    let shift = if bug == HALF_RANGE { 65 } else { 64 };
    (0..depth).map(move |row| {
        let x = h1.wrapping_add((row as u64).wrapping_mul(h2));
        row * width + ((u128::from(x) * width as u128) >> shift) as usize
    })
}

// ---- Single-thread sketches. ----

const WIDTH_ROUNDED: u8 = 1;
const WRAPPING: u8 = 2;
const CONSERVATIVE_IS_PLAIN: u8 = 3;
const MAX_OF_ROWS: u8 = 4;
const ONE_HASH: u8 = 5;
const MINIMUM_ONLY: u8 = 6;
const MERGE_MAX: u8 = 7;
const MERGE_ANY_SHAPE: u8 = 8;
const TOTAL_COUNTS_CALLS: u8 = 9;
const TOTAL_UNCHANGED: u8 = 10;
const EVERY_ROW_TO_TARGET: u8 = 11;
const HALF_RANGE: u8 = 12;
const KEEPS_ITEMS: u8 = 13;

/// A Count-Min sketch with bug `BUG` (see the constants' mutants): conservative update when
/// `CONSERVATIVE`, plain otherwise. Counters row by row in one `Vec`.
pub struct BadSketch<const BUG: u8, const CONSERVATIVE: bool> {
    cells: Vec<u64>,
    width: usize,
    depth: usize,
    total: u64,
    /// The hashes of the items added ([`KEEPS_ITEMS`] only).
    items: HashSet<u64>,
}

impl<const BUG: u8, const CONSERVATIVE: bool> BadSketch<BUG, CONSERVATIVE> {
    fn at<T: Hash + ?Sized>(&self, item: &T) -> impl Iterator<Item = usize> {
        positions(item, self.width, self.depth, BUG)
    }

    fn raise(&self, counter: u64, count: u64) -> u64 {
        if BUG == WRAPPING {
            counter.wrapping_add(count)
        } else {
            counter.saturating_add(count)
        }
    }
}

impl<const BUG: u8, const CONSERVATIVE: bool> Sketch for BadSketch<BUG, CONSERVATIVE> {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        let (width, depth) = shape_for(epsilon, delta, BUG == WIDTH_ROUNDED)?;
        Self::with_shape(width, depth)
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        let n = counters_for(width, depth)?;
        Ok(BadSketch {
            cells: vec![0; n],
            width,
            depth,
            total: 0,
            items: HashSet::new(),
        })
    }

    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        if BUG == KEEPS_ITEMS {
            self.items.insert(hash_of(item));
        }
        if CONSERVATIVE && BUG != CONSERVATIVE_IS_PLAIN {
            let least = self.at(item).map(|p| self.cells[p]).min().unwrap_or(0);
            let target = least.saturating_add(count);
            for p in self.at(item) {
                let c = &mut self.cells[p];
                match BUG {
                    MINIMUM_ONLY if *c == least => *c = target,
                    MINIMUM_ONLY => {}
                    EVERY_ROW_TO_TARGET => *c = target,
                    _ => *c = (*c).max(target),
                }
            }
        } else {
            for p in self.at(item) {
                self.cells[p] = self.raise(self.cells[p], count);
            }
        }
        self.total = match BUG {
            TOTAL_COUNTS_CALLS => self.total.saturating_add(1),
            TOTAL_UNCHANGED => self.total.checked_add(count).unwrap_or(self.total),
            _ => self.raise(self.total, count),
        };
    }

    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        let counters = self.at(item).map(|p| self.cells[p]);
        match BUG {
            MAX_OF_ROWS => counters.max(),
            _ => counters.min(),
        }
        .unwrap_or(0)
    }

    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        let (ours, theirs) = ((self.width, self.depth), (other.width, other.depth));
        if ours != theirs && BUG != MERGE_ANY_SHAPE {
            return Err(ShapeMismatch { ours, theirs });
        }
        for (i, &c) in other.cells.iter().enumerate().take(self.cells.len()) {
            self.cells[i] = if BUG == MERGE_MAX {
                self.cells[i].max(c)
            } else {
                self.raise(self.cells[i], c)
            };
        }
        self.total = self.raise(self.total, other.total);
        Ok(())
    }

    fn total(&self) -> u64 {
        self.total
    }

    fn width(&self) -> usize {
        self.width
    }

    fn depth(&self) -> usize {
        self.depth
    }
}

// ---- Concurrent sketches. ----

const LOAD_THEN_STORE: u8 = 1;
const CHECK_THEN_FETCH_ADD: u8 = 2;
const TOTAL_LOAD_THEN_STORE: u8 = 3;

/// Adds `count` to `cell` the way `bug` does it: a saturating compare-exchange loop when
/// [`NONE`].
fn add_to(cell: &AtomicU64, count: u64, bug: u8) {
    match bug {
        LOAD_THEN_STORE | TOTAL_LOAD_THEN_STORE => {
            let seen = cell.load(Ordering::SeqCst);
            cell.store(seen.saturating_add(count), Ordering::SeqCst);
        }
        CHECK_THEN_FETCH_ADD => {
            if cell.load(Ordering::SeqCst) > u64::MAX - count {
                cell.store(u64::MAX, Ordering::SeqCst);
            } else {
                cell.fetch_add(count, Ordering::SeqCst);
            }
        }
        _ => {
            let mut seen = cell.load(Ordering::SeqCst);
            while let Err(now) = cell.compare_exchange_weak(
                seen,
                seen.saturating_add(count),
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                seen = now;
            }
        }
    }
}

/// A plain sketch on atomic counters with bug `BUG` (see the constants' mutants).
pub struct BadAtomic<const BUG: u8> {
    cells: Box<[AtomicU64]>,
    width: usize,
    depth: usize,
    total: AtomicU64,
}

impl<const BUG: u8> ConcurrentSketch for BadAtomic<BUG> {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        let (width, depth) = shape_for(epsilon, delta, false)?;
        Self::with_shape(width, depth)
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        let n = counters_for(width, depth)?;
        Ok(BadAtomic {
            cells: (0..n).map(|_| AtomicU64::new(0)).collect(),
            width,
            depth,
            total: AtomicU64::new(0),
        })
    }

    fn add<T: Hash + ?Sized>(&self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        let counters_bug = if BUG == TOTAL_LOAD_THEN_STORE {
            NONE
        } else {
            BUG
        };
        for p in positions(item, self.width, self.depth, NONE) {
            add_to(&self.cells[p], count, counters_bug);
        }
        let total_bug = if BUG == LOAD_THEN_STORE { NONE } else { BUG };
        add_to(&self.total, count, total_bug);
    }

    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        positions(item, self.width, self.depth, NONE)
            .map(|p| self.cells[p].load(Ordering::SeqCst))
            .min()
            .unwrap_or(0)
    }

    fn total(&self) -> u64 {
        self.total.load(Ordering::SeqCst)
    }

    fn width(&self) -> usize {
        self.width
    }

    fn depth(&self) -> usize {
        self.depth
    }
}

/// A correct plain sketch behind one `kata_core::sync::Mutex`.
pub struct LockedSketch {
    inner: Mutex<BadSketch<NONE, false>>,
    width: usize,
    depth: usize,
}

impl ConcurrentSketch for LockedSketch {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        let (width, depth) = shape_for(epsilon, delta, false)?;
        Self::with_shape(width, depth)
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        Ok(LockedSketch {
            inner: Mutex::new(Sketch::with_shape(width, depth)?),
            width,
            depth,
        })
    }

    fn add<T: Hash + ?Sized>(&self, item: &T, count: u64) {
        self.inner.lock().add(item, count);
    }

    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.inner.lock().estimate(item)
    }

    fn total(&self) -> u64 {
        self.inner.lock().total()
    }

    fn width(&self) -> usize {
        self.width
    }

    fn depth(&self) -> usize {
        self.depth
    }
}

// ---- TopK. ----

const TIES_BY_TUPLE: u8 = 1;
const ZERO_CANDIDATE: u8 = 2;
const NEVER_REPLACES: u8 = 3;
const KEEPS_ALL: u8 = 4;
const MAP_OF_ALL: u8 = 5;

/// Items and counts, heaviest first, equal counts in ascending order of the item
/// ([`TIES_BY_TUPLE`]: descending), at most `k`.
fn heaviest<T: Ord + Clone>(all: &[(T, u64)], k: usize, ties_by_tuple: bool) -> Vec<(T, u64)> {
    let mut out = all.to_vec();
    if ties_by_tuple {
        out.sort_by(|a, b| (b.1, &b.0).cmp(&(a.1, &a.0)));
    } else {
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    out.truncate(k);
    out
}

/// A sketch and its candidates in a `Vec`, found by a scan, with bug `BUG` (see the constants'
/// mutants; [`NONE`] is right but O(k) per add).
pub struct BadTopK<T, S, const BUG: u8> {
    k: usize,
    sketch: S,
    candidates: Vec<(T, u64)>,
    /// Every item added, with its latest estimate ([`MAP_OF_ALL`] only).
    all: HashMap<T, u64>,
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch, const BUG: u8> HeavyHitters<T> for BadTopK<T, S, BUG> {
    fn add(&mut self, item: &T, count: u64) {
        if count == 0 && BUG != ZERO_CANDIDATE {
            return;
        }
        self.sketch.add(item, count);
        let estimate = self.sketch.estimate(item);
        if BUG == MAP_OF_ALL {
            self.all.insert(item.clone(), estimate);
            return;
        }
        // The lightest candidate, found first by a scan of them all: the smallest estimate, among
        // equal ones the largest item.
        let lightest = if BUG == TIES_BY_TUPLE {
            (0..self.candidates.len()).min_by(|&a, &b| {
                let (a, b) = (&self.candidates[a], &self.candidates[b]);
                (a.1, &a.0).cmp(&(b.1, &b.0))
            })
        } else {
            (0..self.candidates.len()).min_by(|&a, &b| {
                let (a, b) = (&self.candidates[a], &self.candidates[b]);
                a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0))
            })
        };
        if let Some(c) = self.candidates.iter_mut().find(|c| c.0 == *item) {
            c.1 = estimate;
            return;
        }
        if self.candidates.len() < self.k {
            self.candidates.push((item.clone(), estimate));
            return;
        }
        let Some(at) = lightest else {
            return;
        };
        if BUG == NEVER_REPLACES {
            return;
        }
        let (ref light, weight) = self.candidates[at];
        let outranks = if BUG == TIES_BY_TUPLE {
            (estimate, item) > (weight, light)
        } else {
            estimate > weight || (estimate == weight && item < light)
        };
        if outranks && BUG == KEEPS_ALL {
            // The lightest candidate is not removed: candidates pile up.
            self.candidates.push((item.clone(), estimate));
        } else if outranks {
            self.candidates[at] = (item.clone(), estimate);
        }
    }

    fn top_k(&self) -> Vec<(T, u64)> {
        if BUG == MAP_OF_ALL {
            let all: Vec<(T, u64)> = self.all.iter().map(|(t, &e)| (t.clone(), e)).collect();
            return heaviest(&all, self.k, false);
        }
        heaviest(&self.candidates, self.k, BUG == TIES_BY_TUPLE)
    }

    fn k(&self) -> usize {
        self.k
    }
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch, const BUG: u8> TopKTracker<T, S>
    for BadTopK<T, S, BUG>
{
    fn new(k: usize, sketch: S) -> Result<Self, ConfigError> {
        if k == 0 {
            return Err(ConfigError::ZeroK);
        }
        Ok(BadTopK {
            k,
            sketch,
            candidates: Vec::new(),
            all: HashMap::new(),
        })
    }

    fn sketch(&self) -> &S {
        &self.sketch
    }
}

// ---- Space-Saving. ----

const EVICT_WITH_COUNT: u8 = 1;
const EVICTS_NEWEST: u8 = 2;
const MIN_SCAN: u8 = 3;
const NO_SIFT: u8 = 4;

/// Checks Space-Saving's parameters in the documented order.
fn check_space_saving(k: usize, counters: usize) -> Result<(), ConfigError> {
    if k == 0 {
        return Err(ConfigError::ZeroK);
    }
    if counters < k {
        return Err(ConfigError::TooFewCounters);
    }
    if counters as u64 > MAX_COUNTERS {
        return Err(ConfigError::TooManyCounters);
    }
    Ok(())
}

/// Space-Saving on a `Vec` of (item, count) slots with a map from item to slot; the smallest
/// count found by a scan. [`MIN_SCAN`] is otherwise right; [`EVICT_WITH_COUNT`] and
/// [`EVICTS_NEWEST`] replace wrongly.
pub struct ScanSpaceSaving<T, const BUG: u8> {
    k: usize,
    counters: usize,
    slots: Vec<(T, u64)>,
    index: HashMap<T, usize>,
    /// The slot filled or replaced last.
    newest: usize,
}

impl<T: Hash + Eq + Clone + Ord, const BUG: u8> HeavyHitters<T> for ScanSpaceSaving<T, BUG> {
    fn add(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        if let Some(&at) = self.index.get(item) {
            let c = &mut self.slots[at].1;
            *c = c.saturating_add(count);
            return;
        }
        if self.slots.len() < self.counters {
            self.newest = self.slots.len();
            self.index.insert(item.clone(), self.newest);
            self.slots.push((item.clone(), count));
            return;
        }
        let victim = if BUG == EVICTS_NEWEST {
            self.newest
        } else {
            debug_assert!(
                BUG == MIN_SCAN || BUG == EVICT_WITH_COUNT,
                "the other bugs find the smallest count by a scan"
            );
            (0..self.slots.len())
                .min_by_key(|&i| self.slots[i].1)
                .expect("full, so not empty")
        };
        let (old, min) = std::mem::replace(&mut self.slots[victim], (item.clone(), 0));
        self.index.remove(&old);
        self.slots[victim].1 = if BUG == EVICT_WITH_COUNT {
            count
        } else {
            min.saturating_add(count)
        };
        self.index.insert(item.clone(), victim);
        self.newest = victim;
    }

    fn top_k(&self) -> Vec<(T, u64)> {
        heaviest(&self.slots, self.k, false)
    }

    fn k(&self) -> usize {
        self.k
    }
}

impl<T: Hash + Eq + Clone + Ord, const BUG: u8> SpaceSavingTracker<T> for ScanSpaceSaving<T, BUG> {
    fn new(k: usize, counters: usize) -> Result<Self, ConfigError> {
        check_space_saving(k, counters)?;
        Ok(ScanSpaceSaving {
            k,
            counters,
            slots: Vec::new(),
            index: HashMap::new(),
            newest: 0,
        })
    }

    fn estimate(&self, item: &T) -> u64 {
        self.index.get(item).map_or(0, |&at| self.slots[at].1)
    }

    fn monitored(&self) -> usize {
        self.slots.len()
    }
}

/// Space-Saving on an indexed binary min-heap of (item, count), the smallest count at the root,
/// with a map from item to place; [`NO_SIFT`] does not move an item down after its count grows.
pub struct HeapSpaceSaving<T, const BUG: u8> {
    k: usize,
    counters: usize,
    heap: Vec<(T, u64)>,
    index: HashMap<T, usize>,
}

impl<T: Hash + Eq + Clone, const BUG: u8> HeapSpaceSaving<T, BUG> {
    /// Swaps the entries at `a` and `b`, and their places in the map.
    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        for at in [a, b] {
            *self.index.get_mut(&self.heap[at].0).expect("indexed") = at;
        }
    }

    fn sift_up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if self.heap[parent].1 <= self.heap[at].1 {
                break;
            }
            self.swap(at, parent);
            at = parent;
        }
    }

    fn sift_down(&mut self, mut at: usize) {
        loop {
            let (left, right) = (2 * at + 1, 2 * at + 2);
            let mut least = at;
            for child in [left, right] {
                if child < self.heap.len() && self.heap[child].1 < self.heap[least].1 {
                    least = child;
                }
            }
            if least == at {
                break;
            }
            self.swap(at, least);
            at = least;
        }
    }
}

impl<T: Hash + Eq + Clone + Ord, const BUG: u8> HeavyHitters<T> for HeapSpaceSaving<T, BUG> {
    fn add(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        if let Some(&at) = self.index.get(item) {
            let c = &mut self.heap[at].1;
            *c = c.saturating_add(count);
            if BUG != NO_SIFT {
                self.sift_down(at);
            }
            return;
        }
        if self.heap.len() < self.counters {
            self.index.insert(item.clone(), self.heap.len());
            self.heap.push((item.clone(), count));
            self.sift_up(self.heap.len() - 1);
            return;
        }
        let (old, min) = std::mem::replace(&mut self.heap[0], (item.clone(), 0));
        self.index.remove(&old);
        self.heap[0].1 = min.saturating_add(count);
        self.index.insert(item.clone(), 0);
        self.sift_down(0);
    }

    fn top_k(&self) -> Vec<(T, u64)> {
        heaviest(&self.heap, self.k, false)
    }

    fn k(&self) -> usize {
        self.k
    }
}

impl<T: Hash + Eq + Clone + Ord, const BUG: u8> SpaceSavingTracker<T> for HeapSpaceSaving<T, BUG> {
    fn new(k: usize, counters: usize) -> Result<Self, ConfigError> {
        check_space_saving(k, counters)?;
        Ok(HeapSpaceSaving {
            k,
            counters,
            heap: Vec::new(),
            index: HashMap::new(),
        })
    }

    fn estimate(&self, item: &T) -> u64 {
        self.index.get(item).map_or(0, |&at| self.heap[at].1)
    }

    fn monitored(&self) -> usize {
        self.heap.len()
    }
}
