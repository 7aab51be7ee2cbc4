//! The suite's own yardsticks for `count-min-sketch`, written as plainly as possible.
//!
//! - [`shape_for_error`] and [`check_shape`]: the sizing rules and the errors of
//!   [`Sketch::with_error`] and [`Sketch::with_shape`], in the documented order.
//! - [`ExactSketch`]: a [`Sketch`] that counts exactly, in a `HashMap` keyed by a 64-bit hash of
//!   the item (SipHash with fixed keys: no two of the few small items the suite uses share one).
//!   Under a [`kata_core::count_min_sketch::TopKTracker`] it makes the candidates exactly the
//!   top `k`, which the properties check against [`exact_top_k`].
//! - [`Counts`]: the calls every sketch shares, so that one check runs on the plain, the
//!   conservative and the concurrent sketch alike ([`Single`] wraps a [`Sketch`], [`Shared`] a
//!   [`ConcurrentSketch`], called through `&self`).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use kata_core::count_min_sketch::{
    ConcurrentSketch, ConfigError, ShapeMismatch, Sketch, MAX_COUNTERS,
};

/// Which of the kata's sketches a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `CountMinSketch`: an add raises every row's counter.
    Plain,
    /// `ConservativeCountMinSketch`: `c_i = max(c_i, estimate + count)`.
    Conservative,
    /// `AtomicCountMinSketch`: plain update on atomic counters, through `&self`.
    Atomic,
}

impl Kind {
    /// The kata's name for the type.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Plain => "CountMinSketch",
            Kind::Conservative => "ConservativeCountMinSketch",
            Kind::Atomic => "AtomicCountMinSketch",
        }
    }
}

/// The width `⌈e/ε⌉` as a float (it may be infinite).
pub fn width_for(epsilon: f64) -> f64 {
    (std::f64::consts::E / epsilon).ceil()
}

/// The depth `⌈ln(1/δ)⌉` as a float: computed as `-ln δ` (`1/δ` overflows for the smallest
/// δ), and at least 1 (`ln δ` rounds to 0 just below 1).
pub fn depth_for(delta: f64) -> f64 {
    (-delta.ln()).ceil().max(1.0)
}

/// What `with_error(epsilon, delta)` must give: the shape `(width, depth)`, or the first error
/// in the documented order.
///
/// # Errors
///
/// [`ConfigError::EpsilonOutOfRange`], [`ConfigError::DeltaOutOfRange`],
/// [`ConfigError::TooManyCounters`], in that order.
pub fn shape_for_error(epsilon: f64, delta: f64) -> Result<(usize, usize), ConfigError> {
    if !(epsilon > 0.0 && epsilon < 1.0) {
        return Err(ConfigError::EpsilonOutOfRange);
    }
    if !(delta > 0.0 && delta < 1.0) {
        return Err(ConfigError::DeltaOutOfRange);
    }
    let (width, depth) = (width_for(epsilon), depth_for(delta));
    // Both are whole numbers; their product is exact below 2^53, and anything above 2^30 fails.
    if width * depth > MAX_COUNTERS as f64 {
        return Err(ConfigError::TooManyCounters);
    }
    Ok((width as usize, depth as usize))
}

/// What `with_shape(width, depth)` must give.
///
/// # Errors
///
/// [`ConfigError::ZeroWidth`], [`ConfigError::ZeroDepth`], [`ConfigError::TooManyCounters`], in
/// that order.
pub fn check_shape(width: usize, depth: usize) -> Result<(usize, usize), ConfigError> {
    if width == 0 {
        return Err(ConfigError::ZeroWidth);
    }
    if depth == 0 {
        return Err(ConfigError::ZeroDepth);
    }
    match width.checked_mul(depth) {
        Some(n) if n as u64 <= MAX_COUNTERS => Ok((width, depth)),
        _ => Err(ConfigError::TooManyCounters),
    }
}

/// What `SpaceSaving::new(k, counters)` must give.
///
/// # Errors
///
/// [`ConfigError::ZeroK`], [`ConfigError::TooFewCounters`], [`ConfigError::TooManyCounters`], in
/// that order.
pub fn check_space_saving(k: usize, counters: usize) -> Result<(), ConfigError> {
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

/// The 64-bit hash [`ExactSketch`] keys an item by: SipHash with fixed keys, so `&str` and
/// `String` of one text hash alike, and every sketch agrees.
pub fn exact_key<T: Hash + ?Sized>(item: &T) -> u64 {
    let mut h = DefaultHasher::new();
    item.hash(&mut h);
    h.finish()
}

/// A sketch that counts exactly: a map from the item's [`exact_key`] to its count. Its shape is
/// only remembered, for `merge`; the configuration is checked as the trait documents.
#[derive(Debug, Clone, Default)]
pub struct ExactSketch {
    counts: HashMap<u64, u64>,
    total: u64,
    width: usize,
    depth: usize,
}

impl Sketch for ExactSketch {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        let (width, depth) = shape_for_error(epsilon, delta)?;
        Ok(ExactSketch {
            width,
            depth,
            ..ExactSketch::default()
        })
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        check_shape(width, depth)?;
        Ok(ExactSketch {
            width,
            depth,
            ..ExactSketch::default()
        })
    }

    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        if count == 0 {
            return;
        }
        let c = self.counts.entry(exact_key(item)).or_insert(0);
        *c = c.saturating_add(count);
        self.total = self.total.saturating_add(count);
    }

    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.counts.get(&exact_key(item)).copied().unwrap_or(0)
    }

    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        if (self.width, self.depth) != (other.width, other.depth) {
            return Err(ShapeMismatch {
                ours: (self.width, self.depth),
                theirs: (other.width, other.depth),
            });
        }
        for (&k, &v) in &other.counts {
            let c = self.counts.entry(k).or_insert(0);
            *c = c.saturating_add(v);
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
        self.depth
    }
}

/// The exact top `k` of `counts` (items with a count above 0): heaviest first, equal counts in
/// ascending order of the item.
pub fn exact_top_k<T: Ord + Clone>(counts: &[(T, u64)], k: usize) -> Vec<(T, u64)> {
    let mut all: Vec<(T, u64)> = counts.iter().filter(|(_, c)| *c > 0).cloned().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(k);
    all
}

/// The calls the plain, conservative and concurrent sketches share, so that one check runs on
/// each. The concurrent sketch has no `merge`: [`Counts::merge`] returns `None` for it.
pub trait Counts: Sized {
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
    /// As [`Sketch::add`].
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64);
    /// As [`Sketch::estimate`].
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64;
    /// As [`Sketch::total`].
    fn total(&self) -> u64;
    /// As [`Sketch::width`].
    fn width(&self) -> usize;
    /// As [`Sketch::depth`].
    fn depth(&self) -> usize;
    /// As [`Sketch::merge`]; `None` for a sketch that cannot merge.
    fn merge(&mut self, other: &Self) -> Option<Result<(), ShapeMismatch>>;
}

/// A [`Sketch`] seen as [`Counts`].
#[derive(Debug)]
pub struct Single<S>(pub S);

impl<S: Sketch> Counts for Single<S> {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        S::with_error(epsilon, delta).map(Single)
    }
    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        S::with_shape(width, depth).map(Single)
    }
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        self.0.add(item, count);
    }
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.0.estimate(item)
    }
    fn total(&self) -> u64 {
        self.0.total()
    }
    fn width(&self) -> usize {
        self.0.width()
    }
    fn depth(&self) -> usize {
        self.0.depth()
    }
    fn merge(&mut self, other: &Self) -> Option<Result<(), ShapeMismatch>> {
        Some(self.0.merge(&other.0))
    }
}

/// A [`ConcurrentSketch`] seen as [`Counts`]: every call goes through `&self`.
#[derive(Debug)]
pub struct Shared<A>(pub A);

impl<A: ConcurrentSketch> Counts for Shared<A> {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        A::with_error(epsilon, delta).map(Shared)
    }
    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        A::with_shape(width, depth).map(Shared)
    }
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        let shared: &A = &self.0;
        shared.add(item, count);
    }
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.0.estimate(item)
    }
    fn total(&self) -> u64 {
        self.0.total()
    }
    fn width(&self) -> usize {
        self.0.width()
    }
    fn depth(&self) -> usize {
        self.0.depth()
    }
    fn merge(&mut self, _: &Self) -> Option<Result<(), ShapeMismatch>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sizing_rules_and_their_errors() {
        assert_eq!(shape_for_error(0.1, 0.1), Ok((28, 3)));
        assert_eq!(shape_for_error(0.01, 0.01), Ok((272, 5)));
        assert_eq!(shape_for_error(0.001, 0.01), Ok((2_719, 5)));
        assert_eq!(shape_for_error(0.3, 0.001), Ok((10, 7)));
        assert_eq!(
            shape_for_error(f64::NAN, f64::NAN),
            Err(ConfigError::EpsilonOutOfRange)
        );
        assert_eq!(shape_for_error(0.5, 1.0), Err(ConfigError::DeltaOutOfRange));
        assert_eq!(
            shape_for_error(1e-9, 0.01),
            Err(ConfigError::TooManyCounters)
        );
        assert_eq!(
            shape_for_error(5e-324, 0.5),
            Err(ConfigError::TooManyCounters)
        );
        assert_eq!(check_shape(0, 0), Err(ConfigError::ZeroWidth));
        assert_eq!(check_shape(usize::MAX, 0), Err(ConfigError::ZeroDepth));
        assert_eq!(
            check_shape(usize::MAX, 2),
            Err(ConfigError::TooManyCounters)
        );
        assert_eq!(check_shape(1 << 15, 1 << 15), Ok((1 << 15, 1 << 15)));
        assert_eq!(check_space_saving(0, 0), Err(ConfigError::ZeroK));
        assert_eq!(
            check_space_saving(1 << 31, (1 << 31) - 1),
            Err(ConfigError::TooFewCounters)
        );
        assert_eq!(
            check_space_saving(1, (1 << 30) + 1),
            Err(ConfigError::TooManyCounters)
        );
    }

    #[test]
    fn the_exact_sketch_counts_exactly_and_keys_do_not_collide() {
        let keys: std::collections::HashSet<u64> = (0u64..10_000).map(|i| exact_key(&i)).collect();
        assert_eq!(keys.len(), 10_000);
        assert_eq!(exact_key("apple"), exact_key(&String::from("apple")));
        let mut a = ExactSketch::with_shape(4, 2).expect("shape");
        a.add(&1u32, 3);
        a.add(&1u32, 0);
        let mut b = ExactSketch::with_shape(4, 2).expect("shape");
        b.add(&1u32, u64::MAX);
        a.merge(&b).expect("same shape");
        assert_eq!((a.estimate(&1u32), a.total()), (u64::MAX, u64::MAX));
        let c = ExactSketch::with_shape(4, 3).expect("shape");
        assert!(a.merge(&c).is_err());
    }

    #[test]
    fn the_exact_top_k_breaks_ties_by_item() {
        let counts = [("c", 5), ("a", 5), ("b", 7), ("d", 0), ("e", 5)];
        assert_eq!(exact_top_k(&counts, 3), vec![("b", 7), ("a", 5), ("c", 5)]);
        assert_eq!(exact_top_k(&counts, 10).len(), 4);
    }
}
