//! The API of the `count-min-sketch` kata: how often has each item been seen, in a fixed few
//! kilobytes however many items there are, and which are the most frequent.
//!
//! A Count-Min sketch (Cormode and Muthukrishnan 2005) is `depth` rows of `width` counters, each
//! row with its own hash function. Adding an item adds its count to one counter per row, the one
//! its hash picks; its estimate is the smallest of those counters. Other items share the
//! counters, so an estimate is never below the true count, and above it by at most `ε·N` (`N`
//! the total of all counts) with probability at least `1 − δ`, for `width = ⌈e/ε⌉` and
//! `depth = ⌈ln(1/δ)⌉`. Memory depends on ε and δ only, not on how many distinct items pass.
//!
//! - [`Sketch`] for the **plain** sketch ([`Sketch::add`] adds to every row) and for the
//!   **conservative-update** sketch (Estan and Varghese 2002): an add raises each of the item's
//!   counters only as far as the item's new estimate needs, `c_i = max(c_i, estimate + count)`,
//!   so a counter shared with a heavy item is not pushed further up by light ones. Same
//!   guarantee, much smaller errors in practice.
//! - [`ConcurrentSketch`]: the plain sketch shared by threads, its counters atomic, lock-free.
//!   Plain, not conservative: a conservative add reads the minimum and then raises counters, and
//!   two threads doing that at once would lose one of the increments.
//! - Heavy hitters, the `k` most frequent items: [`TopKTracker`], a sketch plus the `k` heaviest
//!   candidates seen so far; and [`SpaceSavingTracker`], Space-Saving (Metwally, Agrawal, El
//!   Abbadi 2005), which keeps `m` items with counters and no sketch at all.
//!
//! Items are anything [`Hash`]. The hashes must be deterministic, the same for every sketch of a
//! shape: [`Sketch::merge`] adds two sketches' counters, which means something only if both put
//! an item in the same places. Counters and totals saturate at `u64::MAX` rather than wrap: a
//! wrapped counter would underestimate.

use std::fmt;
use std::hash::Hash;

/// The most counters a sketch may have (`width × depth`): 2^30, 8 GiB of `u64`.
pub const MAX_COUNTERS: u64 = 1 << 30;

/// Why a sketch or a tracker could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// An ε (relative error) not strictly between 0 and 1, or NaN.
    EpsilonOutOfRange,
    /// A δ (probability of a larger error) not strictly between 0 and 1, or NaN.
    DeltaOutOfRange,
    /// A sketch of width 0.
    ZeroWidth,
    /// A sketch of depth 0.
    ZeroDepth,
    /// More than [`MAX_COUNTERS`] counters, asked for or computed from ε and δ.
    TooManyCounters,
    /// A heavy-hitters tracker for the top 0.
    ZeroK,
    /// A Space-Saving tracker with fewer counters than the `k` items it must report.
    TooFewCounters,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::EpsilonOutOfRange => f.write_str(
                "epsilon (the error as a share of the total count) must be strictly between 0 \
                 and 1 (0.001 is 0.1 %)",
            ),
            ConfigError::DeltaOutOfRange => f.write_str(
                "delta (the probability of a larger error) must be strictly between 0 and 1",
            ),
            ConfigError::ZeroWidth => f.write_str("a sketch needs a width of at least 1"),
            ConfigError::ZeroDepth => f.write_str("a sketch needs a depth of at least 1"),
            ConfigError::TooManyCounters => write!(
                f,
                "the sketch would need more than {MAX_COUNTERS} counters (width × depth, 8 GiB): \
                 accept a larger epsilon or delta"
            ),
            ConfigError::ZeroK => f.write_str("k must be at least 1"),
            ConfigError::TooFewCounters => f.write_str(
                "Space-Saving needs at least k counters (and several times k for good estimates)",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Two sketches of different shapes cannot be merged: their items are not in the same counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeMismatch {
    /// `(width, depth)` of the sketch that was asked to merge.
    pub ours: (usize, usize),
    /// `(width, depth)` of the other sketch.
    pub theirs: (usize, usize),
}

impl fmt::Display for ShapeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot merge a sketch of width {} and depth {} with one of width {} and depth {}: only \
             sketches of the same shape (built with the same parameters) merge",
            self.ours.0, self.ours.1, self.theirs.0, self.theirs.1
        )
    }
}

impl std::error::Error for ShapeMismatch {}

/// A Count-Min sketch for one thread: plain or conservative update (see the module
/// documentation).
pub trait Sketch: Sized {
    /// A sketch whose estimates exceed the truth by at most `epsilon × total` with probability at
    /// least `1 − delta`: width `⌈e/ε⌉`, depth `⌈ln(1/δ)⌉`, exactly.
    ///
    /// # Errors
    ///
    /// In this order: [`ConfigError::EpsilonOutOfRange`], [`ConfigError::DeltaOutOfRange`],
    /// [`ConfigError::TooManyCounters`].
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError>;

    /// A sketch of exactly `width` counters in each of `depth` rows.
    ///
    /// # Errors
    ///
    /// In this order: [`ConfigError::ZeroWidth`], [`ConfigError::ZeroDepth`],
    /// [`ConfigError::TooManyCounters`].
    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError>;

    /// Counts `count` more occurrences of `item` (0 changes nothing). Counters and the total
    /// saturate at `u64::MAX`.
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64);

    /// The estimated count of `item`: never below the true count (the sum of what was added for
    /// it), and exactly it while no other item shares all its counters. 0 for an empty sketch.
    #[must_use]
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64;

    /// Adds `other`'s counts to this sketch's: afterwards every estimate is at least the sum of
    /// the item's true counts in both, and the total is the sum of the totals (saturating).
    ///
    /// # Errors
    ///
    /// [`ShapeMismatch`] when the two differ in width or depth; this one is unchanged.
    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch>;

    /// The sum of every count added (`N`), saturating at `u64::MAX`.
    fn total(&self) -> u64;

    /// The number of counters in a row.
    fn width(&self) -> usize;

    /// The number of rows.
    fn depth(&self) -> usize;
}

/// A plain Count-Min sketch shared by threads (`&self`), lock-free: its counters are atomics and
/// no lock is taken.
///
/// No increment is lost: once every `add` has returned, each estimate is at least the sum of
/// what was added for the item, and the total is exactly the sum of the counts (saturating).
pub trait ConcurrentSketch: Sized + Send + Sync {
    /// As [`Sketch::with_error`].
    ///
    /// # Errors
    ///
    /// As [`Sketch::with_error`].
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError>;

    /// As [`Sketch::with_shape`].
    ///
    /// # Errors
    ///
    /// As [`Sketch::with_shape`].
    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError>;

    /// As [`Sketch::add`], from any thread.
    fn add<T: Hash + ?Sized>(&self, item: &T, count: u64);

    /// As [`Sketch::estimate`], from any thread: at least the item's count as of the adds that
    /// happen before this call (adds on this thread, and on others before a join or any
    /// Release/Acquire synchronisation with them).
    #[must_use]
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64;

    /// As [`Sketch::total`].
    fn total(&self) -> u64;

    /// As [`Sketch::width`].
    fn width(&self) -> usize;

    /// As [`Sketch::depth`].
    fn depth(&self) -> usize;
}

/// The `k` most frequent items of a stream, approximately (one thread).
pub trait HeavyHitters<T: Hash + Eq + Clone + Ord>: Sized {
    /// Counts `count` more occurrences of `item` (0 changes nothing).
    fn add(&mut self, item: &T, count: u64);

    /// At most `k` items with their estimated counts, heaviest first; items of equal estimate in
    /// ascending order of the item (`Ord`), so the answer is deterministic.
    fn top_k(&self) -> Vec<(T, u64)>;

    /// The `k` it was built for.
    fn k(&self) -> usize;
}

/// Heavy hitters from a sketch: the sketch counts every item, and at most `k` candidates are kept
/// with their estimates.
///
/// After `add(item, count)`, with `e` the sketch's new estimate of `item`: a candidate has its
/// estimate updated to `e`; otherwise, while there are fewer than `k` candidates, `item` joins
/// them; otherwise it replaces the lightest candidate when it outranks it (a larger estimate, or
/// the same estimate and a smaller item). So with a sketch that counted exactly, the candidates
/// would always be exactly the top `k`. [`HeavyHitters::top_k`] reports the candidates with their
/// estimates (as stored, or asked of the sketch again: yours to choose).
pub trait TopKTracker<T: Hash + Eq + Clone + Ord, S: Sketch>: HeavyHitters<T> {
    /// A tracker of the top `k`, counting with `sketch` (usually empty; its counts so far are
    /// kept, but no item it already counted is a candidate).
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroK`].
    fn new(k: usize, sketch: S) -> Result<Self, ConfigError>;

    /// The sketch it counts with.
    fn sketch(&self) -> &S;
}

/// Heavy hitters by Space-Saving: `counters` monitored items, each with a count and no sketch.
///
/// `add(item, count)`: a monitored item's count grows by `count`; a new item is monitored with
/// `count` while fewer than `counters` items are; otherwise it takes the place of an item with
/// the smallest count `min` (any of them when several tie), with count `min + count`. So with `N`
/// the total added, every monitored item's count is at least its true count and at most `N /
/// counters` above it, and every item whose true count exceeds `N / counters` is monitored.
/// [`HeavyHitters::top_k`] reports the `k` monitored items with the largest counts.
pub trait SpaceSavingTracker<T: Hash + Eq + Clone + Ord>: HeavyHitters<T> {
    /// A tracker of the top `k` monitoring `counters` items.
    ///
    /// # Errors
    ///
    /// In this order: [`ConfigError::ZeroK`], [`ConfigError::TooFewCounters`] (`counters < k`),
    /// [`ConfigError::TooManyCounters`] (`counters` above [`MAX_COUNTERS`]).
    fn new(k: usize, counters: usize) -> Result<Self, ConfigError>;

    /// The estimated count of `item`: its count if it is monitored, 0 otherwise.
    #[must_use]
    fn estimate(&self, item: &T) -> u64;

    /// The number of items monitored now (at most `counters`).
    fn monitored(&self) -> usize;
}
