//! # Kata `count-min-sketch`: how often was each item seen, in a few kilobytes
//!
//! A Count-Min sketch counts a stream of items (page views, flows, queries) in a fixed grid of
//! `depth` rows of `width` counters, however many distinct items pass. Each row has its own hash
//! function; an item's count goes into one counter per row, and its estimate is the smallest of
//! its counters. Then two ways to find the most frequent items: [`TopK`], a sketch plus the `k`
//! heaviest candidates seen so far, and [`SpaceSaving`], which keeps a few hundred items with
//! counters and no sketch at all.
//!
//! Read `katas/count-min-sketch/README.md` first. Grade your work with
//! `cargo kata check count-min-sketch`. Start with [`CountMinSketch`]; the conservative and the
//! atomic sketch are small changes to it; [`TopK`] works over either single-thread sketch;
//! [`SpaceSaving`] stands alone.
//!
//! What must hold (the graded suite checks all of it):
//! - `with_error(ε, δ)` builds exactly `width = ⌈e/ε⌉` counters per row and `depth = ⌈ln(1/δ)⌉`
//!   rows; `with_shape(width, depth)` exactly the shape asked. Bad parameters are refused with
//!   [`ConfigError`], in the order each constructor documents, including a `width × depth` that
//!   overflows or exceeds [`MAX_COUNTERS`];
//! - an estimate is never below the item's true count (the sum of what was added for it), is
//!   exact while no other item shares all its counters, and is above the truth by at most `ε·N`
//!   for all but a share `δ` of the items (`N` the total of all counts);
//! - `add(item, 0)` changes nothing, anywhere (a tracker does not make the item a candidate);
//! - counters and totals saturate at `u64::MAX` (a wrapped counter would underestimate);
//! - hashing is deterministic and the same for every sketch of a shape, so that `merge` of two
//!   sketches built separately adds up the same items; an item hashes the same whatever its
//!   borrowed form (`&str` and `String` alike: derive-style `Hash` does this for you);
//! - the conservative sketch's errors are smaller than the plain one's on skewed streams;
//! - [`AtomicCountMinSketch`] loses no increment when threads add at once, and takes no lock;
//! - [`TopK`] follows the rule of [`TopKTracker`] exactly, in O(depth + log k) per add (not
//!   O(k), not O(distinct items)), and keeps its sketch and at most `k` candidates, not every
//!   item it has seen: its memory is measured, and `top_k` sorts `k` items, no more;
//! - [`SpaceSaving`] keeps the guarantees of [`SpaceSavingTracker`], in O(log counters) per add
//!   (not a scan of its counters for the minimum).
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.
//! [`AtomicCountMinSketch`] must take its atomics from `kata_core::sync::atomic` (not
//! `std::sync::atomic`, whose operations loom cannot see), so that the concurrency stage can
//! model-check it.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::hash::Hash;
use std::marker::PhantomData;

pub use kata_core::count_min_sketch::{
    ConcurrentSketch, ConfigError, HeavyHitters, ShapeMismatch, Sketch, SpaceSavingTracker,
    TopKTracker, MAX_COUNTERS,
};

/// A plain Count-Min sketch: an add raises the item's counter in every row.
///
/// `depth` rows of `width` counters (one `Vec<u64>` of `depth × width`, row after row, is the
/// simplest layout), and the total of every count. Row `i` puts an item at a column chosen by a
/// hash function of its own; any fixed, well-mixing way of getting `depth` columns out of the
/// item is fine, as long as every sketch of a shape uses the same one.
///
/// # Examples
///
/// ```no_run
/// use count_min_sketch_kata::{CountMinSketch, Sketch};
///
/// let mut views = CountMinSketch::with_error(0.001, 0.01).unwrap();
/// assert_eq!((views.width(), views.depth()), (2_719, 5)); // ⌈e/0.001⌉, ⌈ln 100⌉
/// views.add("/home", 3);
/// views.add("/about", 1);
/// assert!(views.estimate("/home") >= 3); // exactly 3, unless /about shares all its counters
/// assert_eq!(views.estimate("/never-seen"), 0); // almost surely, with so few items
/// assert_eq!(views.total(), 4);
/// ```
#[derive(Debug, Clone)]
pub struct CountMinSketch {
    _state: PhantomData<()>,
}

impl Sketch for CountMinSketch {
    /// An empty sketch of width `⌈e/ε⌉` and depth `⌈ln(1/δ)⌉`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EpsilonOutOfRange`] (ε not strictly between 0 and 1, or NaN), then
    /// [`ConfigError::DeltaOutOfRange`] (the same for δ), then [`ConfigError::TooManyCounters`].
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        todo!("CountMinSketch::with_error")
    }

    /// An empty sketch of exactly `width` counters in each of `depth` rows.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroWidth`], then [`ConfigError::ZeroDepth`], then
    /// [`ConfigError::TooManyCounters`] (`width × depth` above [`MAX_COUNTERS`], or overflowing
    /// `usize`).
    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        todo!("CountMinSketch::with_shape")
    }

    /// Adds `count` to the item's counter in every row, and to the total; saturating.
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        todo!("CountMinSketch::add")
    }

    /// The smallest of the item's counters.
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        todo!("CountMinSketch::estimate")
    }

    /// Adds `other`'s counters to this one's, counter by counter, and its total; saturating.
    ///
    /// # Errors
    ///
    /// [`ShapeMismatch`] when the widths or depths differ; `self` is then unchanged.
    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        todo!("CountMinSketch::merge")
    }

    /// The sum of every count added, saturating.
    fn total(&self) -> u64 {
        todo!("CountMinSketch::total")
    }

    /// The number of counters in a row.
    fn width(&self) -> usize {
        todo!("CountMinSketch::width")
    }

    /// The number of rows.
    fn depth(&self) -> usize {
        todo!("CountMinSketch::depth")
    }
}

/// A Count-Min sketch with conservative update (Estan and Varghese 2002).
///
/// The same counters and estimate as [`CountMinSketch`]; only `add` differs. With `m` the item's
/// estimate before the add, each of its counters becomes `max(counter, m + count)`: raised no
/// further than the item's new count needs. A counter the item shares with a heavier item is then
/// left alone, where the plain sketch would push it up again. Estimates stay at or above the
/// truth, and are much closer to it on skewed streams.
///
/// # Examples
///
/// ```no_run
/// use count_min_sketch_kata::{ConservativeCountMinSketch, Sketch};
///
/// // One counter per row: every item shares it, and the estimate is the total so far.
/// let mut s = ConservativeCountMinSketch::with_shape(1, 2).unwrap();
/// s.add("heavy", 10);
/// s.add("light", 1); // max(10, 10 + 1) = 11 in both rows
/// assert_eq!(s.estimate("light"), 11);
/// ```
#[derive(Debug, Clone)]
pub struct ConservativeCountMinSketch {
    _state: PhantomData<()>,
}

impl Sketch for ConservativeCountMinSketch {
    /// As [`CountMinSketch::with_error`](Sketch::with_error).
    ///
    /// # Errors
    ///
    /// As [`CountMinSketch::with_error`](Sketch::with_error).
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        todo!("ConservativeCountMinSketch::with_error")
    }

    /// As [`CountMinSketch::with_shape`](Sketch::with_shape).
    ///
    /// # Errors
    ///
    /// As [`CountMinSketch::with_shape`](Sketch::with_shape).
    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        todo!("ConservativeCountMinSketch::with_shape")
    }

    /// Raises each of the item's counters to at least `estimate + count` (saturating), and adds
    /// `count` to the total.
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        todo!("ConservativeCountMinSketch::add")
    }

    /// The smallest of the item's counters.
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        todo!("ConservativeCountMinSketch::estimate")
    }

    /// Adds `other`'s counters to this one's, counter by counter (saturating): every counter
    /// still covers each item mapped to it, so no estimate falls below the truth.
    ///
    /// # Errors
    ///
    /// [`ShapeMismatch`] when the widths or depths differ; `self` is then unchanged.
    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        todo!("ConservativeCountMinSketch::merge")
    }

    /// The sum of every count added, saturating.
    fn total(&self) -> u64 {
        todo!("ConservativeCountMinSketch::total")
    }

    /// The number of counters in a row.
    fn width(&self) -> usize {
        todo!("ConservativeCountMinSketch::width")
    }

    /// The number of rows.
    fn depth(&self) -> usize {
        todo!("ConservativeCountMinSketch::depth")
    }
}

/// A plain Count-Min sketch shared by threads through `&self`, lock-free.
///
/// Its counters and its total are atomics from `kata_core::sync::atomic`. Two threads adding to
/// the same counter at once must both count: a load followed by a store loses one of them. And a
/// counter must saturate, not wrap, which a plain `fetch_add` does not do.
///
/// # Examples
///
/// ```no_run
/// use count_min_sketch_kata::{AtomicCountMinSketch, ConcurrentSketch};
///
/// let clicks = AtomicCountMinSketch::with_shape(1_024, 4).unwrap();
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| clicks.add("buy-button", 1));
///     }
/// });
/// assert_eq!(clicks.estimate("buy-button"), 4);
/// assert_eq!(clicks.total(), 4);
/// ```
#[derive(Debug)]
pub struct AtomicCountMinSketch {
    _state: PhantomData<()>,
}

impl ConcurrentSketch for AtomicCountMinSketch {
    /// As [`CountMinSketch::with_error`](Sketch::with_error).
    ///
    /// # Errors
    ///
    /// As [`CountMinSketch::with_error`](Sketch::with_error).
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        todo!("AtomicCountMinSketch::with_error")
    }

    /// As [`CountMinSketch::with_shape`](Sketch::with_shape).
    ///
    /// # Errors
    ///
    /// As [`CountMinSketch::with_shape`](Sketch::with_shape).
    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        todo!("AtomicCountMinSketch::with_shape")
    }

    /// Adds `count` to the item's counter in every row and to the total, each saturating, with no
    /// increment lost to another thread's.
    fn add<T: Hash + ?Sized>(&self, item: &T, count: u64) {
        todo!("AtomicCountMinSketch::add")
    }

    /// The smallest of the item's counters as read now.
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        todo!("AtomicCountMinSketch::estimate")
    }

    /// The sum of every count added, saturating.
    fn total(&self) -> u64 {
        todo!("AtomicCountMinSketch::total")
    }

    /// The number of counters in a row.
    fn width(&self) -> usize {
        todo!("AtomicCountMinSketch::width")
    }

    /// The number of rows.
    fn depth(&self) -> usize {
        todo!("AtomicCountMinSketch::depth")
    }
}

/// Heavy hitters from a sketch `S`: the sketch counts every item, and at most `k` candidates are
/// kept with their estimates.
///
/// The rule ([`TopKTracker`]): after an add, a candidate's stored estimate becomes the sketch's
/// new one; a new item joins while there are fewer than `k` candidates, and otherwise replaces the
/// lightest candidate when it outranks it (a larger estimate, or the same and a smaller item).
/// Finding "the lightest" must not mean looking at all `k`, and finding "is it a candidate" must
/// not mean searching them: a min-heap that knows where each item is, or an ordered set, does
/// both in O(log k). A tracker that scans its candidates costs O(k) per add, which the graded
/// suite shows by growing `k` with the number of items; one that keeps every item it has seen
/// (and cuts to `k` in `top_k`) is caught by its memory and by the cost of its `top_k`.
///
/// # Examples
///
/// ```no_run
/// use count_min_sketch_kata::{
///     ConservativeCountMinSketch, HeavyHitters, Sketch, TopK, TopKTracker,
/// };
///
/// let sketch = ConservativeCountMinSketch::with_error(0.001, 0.01).unwrap();
/// let mut top = TopK::new(2, sketch).unwrap();
/// for word in ["to", "be", "or", "not", "to", "be"] {
///     top.add(&word, 1);
/// }
/// assert_eq!(top.top_k(), vec![("be", 2), ("to", 2)]); // ties in item order
/// ```
pub struct TopK<T, S> {
    _state: Placeholder<(T, S)>,
}

/// The stub's stand-in for the trackers' fields: replace it with yours.
type Placeholder<X> = PhantomData<X>;

impl<T: Hash + Eq + Clone + Ord, S: Sketch> HeavyHitters<T> for TopK<T, S> {
    /// Counts `count` more of `item` in the sketch, then applies the candidate rule with its new
    /// estimate (nothing at all when `count` is 0).
    fn add(&mut self, item: &T, count: u64) {
        todo!("TopK::add")
    }

    /// The candidates with their estimates, largest first, ties in ascending item order: a sort
    /// of at most `k` items, whatever the number of items seen.
    fn top_k(&self) -> Vec<(T, u64)> {
        todo!("TopK::top_k")
    }

    /// The `k` it was built for.
    fn k(&self) -> usize {
        todo!("TopK::k")
    }
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch> TopKTracker<T, S> for TopK<T, S> {
    /// A tracker of the top `k` counting with `sketch`, with no candidates yet.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroK`].
    fn new(k: usize, sketch: S) -> Result<Self, ConfigError> {
        todo!("TopK::new")
    }

    /// The sketch it counts with.
    fn sketch(&self) -> &S {
        todo!("TopK::sketch")
    }
}

/// Heavy hitters by Space-Saving (Metwally, Agrawal and El Abbadi 2005): `counters` monitored
/// items with counts, and no sketch.
///
/// A monitored item's count grows by what is added; a new item is monitored with its count while
/// there is room, and otherwise takes the place of an item with the smallest count `min`, with
/// count `min + count` (it may have been seen before, evicted: `min` is the most it can have
/// had). Counts never fall below the truth and exceed it by at most `N / counters`.
///
/// Finding the smallest count must not mean scanning every counter: a min-heap on the counts
/// that knows where each item is does it in O(log counters).
///
/// # Examples
///
/// ```no_run
/// use count_min_sketch_kata::{HeavyHitters, SpaceSaving, SpaceSavingTracker};
///
/// let mut ss = SpaceSaving::new(1, 2).unwrap();
/// ss.add(&"a", 5);
/// ss.add(&"b", 2);
/// ss.add(&"c", 1); // evicts b, the smallest: 2 + 1
/// assert_eq!((ss.estimate(&"b"), ss.estimate(&"c")), (0, 3));
/// assert_eq!(ss.top_k(), vec![("a", 5)]);
/// ```
pub struct SpaceSaving<T> {
    _state: Placeholder<T>,
}

impl<T: Hash + Eq + Clone + Ord> HeavyHitters<T> for SpaceSaving<T> {
    /// Counts `count` more of `item` by the Space-Saving rule (nothing at all when `count` is 0);
    /// counts saturate at `u64::MAX`.
    fn add(&mut self, item: &T, count: u64) {
        todo!("SpaceSaving::add")
    }

    /// The `k` monitored items with the largest counts, largest first, ties in ascending item
    /// order.
    fn top_k(&self) -> Vec<(T, u64)> {
        todo!("SpaceSaving::top_k")
    }

    /// The `k` it was built for.
    fn k(&self) -> usize {
        todo!("SpaceSaving::k")
    }
}

impl<T: Hash + Eq + Clone + Ord> SpaceSavingTracker<T> for SpaceSaving<T> {
    /// A tracker of the top `k` monitoring at most `counters` items, none yet.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroK`], then [`ConfigError::TooFewCounters`] (`counters < k`), then
    /// [`ConfigError::TooManyCounters`] (`counters` above [`MAX_COUNTERS`]).
    fn new(k: usize, counters: usize) -> Result<Self, ConfigError> {
        todo!("SpaceSaving::new")
    }

    /// The item's count if it is monitored, 0 otherwise.
    fn estimate(&self, item: &T) -> u64 {
        todo!("SpaceSaving::estimate")
    }

    /// How many items are monitored now (at most `counters`).
    fn monitored(&self) -> usize {
        todo!("SpaceSaving::monitored")
    }
}
