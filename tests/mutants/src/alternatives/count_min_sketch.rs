//! `count-min-sketch` in the design learners most often write: `depth` separate rows, each a
//! `Vec<u64>`, row `i` placing an item at `hash((i, item)) % width` with std's `DefaultHasher`
//! (SipHash under fixed keys, so every sketch of a shape agrees and merges); the concurrent
//! sketch the same on rows of `AtomicU64` raised by a saturating compare-exchange loop. `TopK`
//! keeps its candidates in a `BTreeSet<(estimate, Reverse<item>)>` (the first element is the
//! lightest: the smallest estimate, among equal ones the largest item) beside a `HashMap` of
//! each candidate's estimate, O(depth + log k) per add; Space-Saving its items in a
//! `BTreeSet<(count, item)>` beside a `HashMap` of counts, O(log counters) per add, evicting the
//! smallest `(count, item)`.
//!
//! The reference hashes an item once with ahash, derives every row's position from that one
//! hash by double hashing and fast range, keeps all counters in one array, and its trackers in an
//! indexed binary heap. Graded on every stage as `--mutant hashed-rows`.

use std::cmp::Reverse;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use kata_core::count_min_sketch::{
    ConcurrentSketch, ConfigError, HeavyHitters, ShapeMismatch, Sketch, SpaceSavingTracker,
    TopKTracker, MAX_COUNTERS,
};
use kata_core::sync::atomic::{AtomicU64, Ordering};
use kata_suites::count_min_sketch::CountMinSketchFamily;

/// The hashed-rows `count-min-sketch` family.
pub struct HashedRowsFamily;

impl CountMinSketchFamily for HashedRowsFamily {
    type Plain = RowsSketch<false>;
    type Conservative = RowsSketch<true>;
    type Atomic = AtomicRowsSketch;
    type TopK<T: Hash + Eq + Clone + Ord, S: Sketch> = BTreeTopK<T, S>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> = BTreeSpaceSaving<T>;
}

/// Checks a shape in the order [`Sketch::with_shape`] documents.
fn check_shape(width: usize, depth: usize) -> Result<(), ConfigError> {
    if width == 0 {
        return Err(ConfigError::ZeroWidth);
    }
    if depth == 0 {
        return Err(ConfigError::ZeroDepth);
    }
    match width.checked_mul(depth) {
        Some(n) if n as u64 <= MAX_COUNTERS => Ok(()),
        _ => Err(ConfigError::TooManyCounters),
    }
}

/// The shape `(⌈e/ε⌉, ⌈ln(1/δ)⌉)`, checked in the order [`Sketch::with_error`] documents.
fn shape_for(epsilon: f64, delta: f64) -> Result<(usize, usize), ConfigError> {
    if epsilon.is_nan() || epsilon <= 0.0 || epsilon >= 1.0 {
        return Err(ConfigError::EpsilonOutOfRange);
    }
    if delta.is_nan() || delta <= 0.0 || delta >= 1.0 {
        return Err(ConfigError::DeltaOutOfRange);
    }
    let width = (std::f64::consts::E / epsilon).ceil();
    // ln(1/δ) = −ln δ, which stays finite where 1/δ does not; at least one row.
    let depth = (-delta.ln()).ceil().max(1.0);
    if width * depth > MAX_COUNTERS as f64 {
        return Err(ConfigError::TooManyCounters);
    }
    Ok((width as usize, depth as usize))
}

/// The column of `item` in row `row`: the hash of the pair, modulo the width.
fn column<T: Hash + ?Sized>(row: usize, item: &T, width: usize) -> usize {
    let mut h = DefaultHasher::new();
    (row, item).hash(&mut h);
    (h.finish() % width as u64) as usize
}

/// `depth` rows of `width` counters; conservative update when `CONSERVATIVE`.
pub struct RowsSketch<const CONSERVATIVE: bool> {
    rows: Vec<Vec<u64>>,
    width: usize,
    total: u64,
}

impl<const CONSERVATIVE: bool> RowsSketch<CONSERVATIVE> {
    /// The item's column in each row.
    fn columns<T: Hash + ?Sized>(&self, item: &T) -> Vec<usize> {
        (0..self.rows.len())
            .map(|row| column(row, item, self.width))
            .collect()
    }
}

impl<const CONSERVATIVE: bool> Sketch for RowsSketch<CONSERVATIVE> {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        let (width, depth) = shape_for(epsilon, delta)?;
        Self::with_shape(width, depth)
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        check_shape(width, depth)?;
        Ok(RowsSketch {
            rows: vec![vec![0; width]; depth],
            width,
            total: 0,
        })
    }

    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        let columns = self.columns(item);
        if CONSERVATIVE {
            let least = columns
                .iter()
                .zip(&self.rows)
                .map(|(&c, row)| row[c])
                .min()
                .unwrap_or(0);
            let target = least.saturating_add(count);
            for (&c, row) in columns.iter().zip(&mut self.rows) {
                row[c] = row[c].max(target);
            }
        } else {
            for (&c, row) in columns.iter().zip(&mut self.rows) {
                row[c] = row[c].saturating_add(count);
            }
        }
        self.total = self.total.saturating_add(count);
    }

    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, row)| row[column(i, item, self.width)])
            .min()
            .unwrap_or(0)
    }

    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        let ours = (self.width, self.rows.len());
        let theirs = (other.width, other.rows.len());
        if ours != theirs {
            return Err(ShapeMismatch { ours, theirs });
        }
        for (mine, other_row) in self.rows.iter_mut().zip(&other.rows) {
            for (a, &b) in mine.iter_mut().zip(other_row) {
                *a = a.saturating_add(b);
            }
        }
        self.total = self.total.saturating_add(other.total);
        Ok(())
    }

    fn total(&self) -> u64 {
        self.total
    }

    fn width(&self) -> usize {
        self.width
    }

    fn depth(&self) -> usize {
        self.rows.len()
    }
}

/// Adds `count` to `cell`, saturating, by a compare-exchange loop.
fn saturating_add(cell: &AtomicU64, count: u64) {
    let mut current = cell.load(Ordering::SeqCst);
    loop {
        let new = current.saturating_add(count);
        match cell.compare_exchange_weak(current, new, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return,
            Err(actual) => current = actual,
        }
    }
}

/// The plain sketch on rows of atomic counters, shared by threads.
pub struct AtomicRowsSketch {
    rows: Vec<Vec<AtomicU64>>,
    width: usize,
    total: AtomicU64,
}

impl ConcurrentSketch for AtomicRowsSketch {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        let (width, depth) = shape_for(epsilon, delta)?;
        Self::with_shape(width, depth)
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        check_shape(width, depth)?;
        let row = || (0..width).map(|_| AtomicU64::new(0)).collect();
        Ok(AtomicRowsSketch {
            rows: (0..depth).map(|_| row()).collect(),
            width,
            total: AtomicU64::new(0),
        })
    }

    fn add<T: Hash + ?Sized>(&self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        for (i, row) in self.rows.iter().enumerate() {
            saturating_add(&row[column(i, item, self.width)], count);
        }
        saturating_add(&self.total, count);
    }

    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, row)| row[column(i, item, self.width)].load(Ordering::SeqCst))
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
        self.rows.len()
    }
}

/// A sketch and at most `k` candidates ordered by `(estimate, Reverse(item))`.
pub struct BTreeTopK<T, S> {
    k: usize,
    sketch: S,
    ranked: BTreeSet<(u64, Reverse<T>)>,
    estimates: HashMap<T, u64>,
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch> HeavyHitters<T> for BTreeTopK<T, S> {
    fn add(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        self.sketch.add(item, count);
        let estimate = self.sketch.estimate(item);
        if let Some(old) = self.estimates.get_mut(item) {
            self.ranked.remove(&(*old, Reverse(item.clone())));
            *old = estimate;
            self.ranked.insert((estimate, Reverse(item.clone())));
            return;
        }
        if self.estimates.len() == self.k {
            let Some((weight, Reverse(lightest))) = self.ranked.first() else {
                return;
            };
            let outranks = estimate > *weight || (estimate == *weight && item < lightest);
            if !outranks {
                return;
            }
            if let Some((_, Reverse(out))) = self.ranked.pop_first() {
                self.estimates.remove(&out);
            }
        }
        self.estimates.insert(item.clone(), estimate);
        self.ranked.insert((estimate, Reverse(item.clone())));
    }

    fn top_k(&self) -> Vec<(T, u64)> {
        // Descending estimates; among equal ones, Reverse puts the smaller item last in the set,
        // so first here.
        self.ranked
            .iter()
            .rev()
            .map(|(e, Reverse(item))| (item.clone(), *e))
            .collect()
    }

    fn k(&self) -> usize {
        self.k
    }
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch> TopKTracker<T, S> for BTreeTopK<T, S> {
    fn new(k: usize, sketch: S) -> Result<Self, ConfigError> {
        if k == 0 {
            return Err(ConfigError::ZeroK);
        }
        Ok(BTreeTopK {
            k,
            sketch,
            ranked: BTreeSet::new(),
            estimates: HashMap::new(),
        })
    }

    fn sketch(&self) -> &S {
        &self.sketch
    }
}

/// Space-Saving: `(count, item)` pairs in a `BTreeSet`, counts in a `HashMap`.
pub struct BTreeSpaceSaving<T> {
    k: usize,
    counters: usize,
    ranked: BTreeSet<(u64, T)>,
    counts: HashMap<T, u64>,
}

impl<T: Hash + Eq + Clone + Ord> HeavyHitters<T> for BTreeSpaceSaving<T> {
    fn add(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        let new = if let Some(c) = self.counts.get_mut(item) {
            self.ranked.remove(&(*c, item.clone()));
            *c = c.saturating_add(count);
            *c
        } else if self.counts.len() < self.counters {
            count
        } else {
            let (min, out) = self.ranked.pop_first().expect("full, so not empty");
            self.counts.remove(&out);
            min.saturating_add(count)
        };
        self.counts.insert(item.clone(), new);
        self.ranked.insert((new, item.clone()));
    }

    fn top_k(&self) -> Vec<(T, u64)> {
        // From the largest count down, until k are taken and the next count is smaller than the
        // k-th: the ties with the k-th are all in, then sorted by item.
        let mut out: Vec<(T, u64)> = Vec::new();
        for (c, item) in self.ranked.iter().rev() {
            if out.len() >= self.k && *c < out[self.k - 1].1 {
                break;
            }
            out.push((item.clone(), *c));
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.truncate(self.k);
        out
    }

    fn k(&self) -> usize {
        self.k
    }
}

impl<T: Hash + Eq + Clone + Ord> SpaceSavingTracker<T> for BTreeSpaceSaving<T> {
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
        Ok(BTreeSpaceSaving {
            k,
            counters,
            ranked: BTreeSet::new(),
            counts: HashMap::new(),
        })
    }

    fn estimate(&self, item: &T) -> u64 {
        self.counts.get(item).copied().unwrap_or(0)
    }

    fn monitored(&self) -> usize {
        self.counts.len()
    }
}
