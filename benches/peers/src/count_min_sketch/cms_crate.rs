//! The [`count-min-sketch`](https://crates.io/crates/count-min-sketch) crate's
//! `CountMinSketch64` behind [`Sketch`], as the conservative-update sketch.
//!
//! count-min-sketch (0.2) is a conservative-update sketch only: `depth` rows of a power-of-two
//! `width` of counters in one `Vec` (`u64` counters here, `CountMinSketch64`), one 128-bit
//! SipHash-1-3 of the item under a key drawn from the operating system's random source when the
//! sketch is built, the rows' columns by double hashing `h1 + i·h2` masked to the width. Its add
//! reads the minimum `m` of the item's counters and sets those *equal to* `m` to `m + count`
//! (saturating), leaving the others: with unit counts that is conservative update, with larger
//! counts a counter between `m` and `m + count` stays below the item's new count.
//!
//! The mapping: `with_error(ε, δ)` is `new(1, 1 − δ, ε)` (width `2/ε` rounded up to a power of
//! two, depth `⌊log2(1/δ)⌋`, at least 1); `with_shape(w, d)` passes the parameters that give width
//! `w` rounded up to a power of two (at least 2) and depth `d` exactly (depths above
//! [`MAX_DEPTH`] it cannot express: the adapter panics, saying so). `CountMinSketch64<K>` fixes
//! its item type, so the adapter's sketch is a `CountMinSketch64<ItemBytes>` ([`ItemBytes`]: each
//! item's `Hash` bytes, hashed by the crate's SipHash exactly as the item would be). The crate
//! keeps no total: the adapter adds every count to its own (saturating). And it has no merge, nor
//! any way to build two sketches that hash alike (the key is random and private): `merge` of two
//! sketches of one shape panics, saying so. The kata's configuration errors are checked first,
//! in the kata's order ([`super::error_shape`], [`super::check_shape`]).

use std::hash::Hash;

use ::count_min_sketch::CountMinSketch64;
use kata_core::count_min_sketch::{ConfigError, ShapeMismatch, Sketch};

use super::{check_crate_shape, check_shape, depth_probability, error_shape, pow2_width};
use crate::item_bytes::ItemBytes;

/// The deepest sketch the crate can be asked for: its depth is `⌊log2(1 / (1 − probability))⌋`
/// of a probability below 1 in `f64`.
pub const MAX_DEPTH: usize = 50;

/// count-min-sketch's `CountMinSketch64` behind [`Sketch`] (see the module documentation).
pub struct CmsCrate {
    sketch: CountMinSketch64<ItemBytes>,
    width: usize,
    depth: usize,
    total: u64,
}

impl CmsCrate {
    /// The crate's sketch for `(capacity, probability, tolerance)`, which the caller computed to
    /// give `width` × `depth`.
    fn build(width: usize, depth: usize, probability: f64, tolerance: f64) -> CmsCrate {
        let sketch = CountMinSketch64::new(1, probability, tolerance)
            .expect("count-min-sketch refuses nothing the kata's checks let through");
        debug_assert_eq!(
            CountMinSketch64::<ItemBytes>::estimate_memory(1, probability, tolerance),
            Ok(width * depth * 8)
        );
        CmsCrate {
            sketch,
            width,
            depth,
            total: 0,
        }
    }
}

impl Sketch for CmsCrate {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        error_shape(epsilon, delta)?;
        let width = pow2_width((2.0 / epsilon).round());
        let depth = (((1.0 - (1.0 - delta)).ln() / 0.5f64.ln()) as usize).max(1);
        check_crate_shape(width, depth)?;
        Ok(CmsCrate::build(width, depth, 1.0 - delta, epsilon))
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        check_shape(width, depth)?;
        assert!(
            depth <= MAX_DEPTH,
            "count-min-sketch cannot express a depth of {depth} (at most {MAX_DEPTH}): its depth \
             is log2(1 / (1 - probability)) of an f64 probability"
        );
        let crate_width = pow2_width(width as f64);
        check_crate_shape(crate_width, depth)?;
        // Tolerance 2 / width over a capacity of 1: the crate's width is round(2 / e) = width,
        // rounded up to a power of two.
        Ok(CmsCrate::build(
            crate_width,
            depth,
            depth_probability(depth),
            2.0 / width as f64,
        ))
    }

    #[inline]
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        self.sketch.add(&ItemBytes::of(item), count);
        self.total = self.total.saturating_add(count);
    }

    #[inline]
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.sketch.estimate(&ItemBytes::of(item))
    }

    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        let (ours, theirs) = ((self.width, self.depth), (other.width, other.depth));
        if ours != theirs {
            return Err(ShapeMismatch { ours, theirs });
        }
        panic!(
            "count-min-sketch has no merge, and cannot have one: each sketch hashes with a \
             random key of its own, so two sketches never put an item in the same counters"
        )
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
