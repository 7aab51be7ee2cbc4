//! The [`streaming_algorithms`](https://crates.io/crates/streaming_algorithms) crate's
//! `CountMinSketch` behind [`Sketch`], as the conservative-update sketch, and its `Top` behind
//! [`TopKTracker`].
//!
//! streaming_algorithms (0.3) has a conservative-update sketch only: `depth` rows (one `Vec` of
//! counters each) of a power-of-two `width`, one xxHash64 stream per item (seed 0, so every
//! sketch hashes alike), each row's column the stream's hash after one more byte is fed in,
//! masked to the width. Its add reads the minimum `m` of the item's counters and raises each to
//! at least `m + count` (the kata's rule), with `+=`, not saturating (past `u64::MAX` a debug
//! build panics; a release build wraps the sum, and the max that follows leaves the counter). Its `Top` keeps the top `n`
//! in a hash map and a list ordered by count, with exact counts for the candidates, and a
//! sketch of its own for every other item: an item outside the top is added to the sketch and
//! enters the top when its estimate exceeds the lightest candidate's count, which then goes back
//! into the sketch.
//!
//! The mapping: `with_error(ε, δ)` is `new(1 − δ, ε)` (width `2/ε` rounded up to a power of two,
//! depth `⌊log2(1/δ)⌋`, at least 1); `with_shape(w, d)` passes the parameters that give width `w`
//! rounded up to a power of two (at least 2) and depth `d` exactly (depths above
//! [`super::cms_crate::MAX_DEPTH`] it cannot express: the adapter panics, saying so). Its
//! `CountMinSketch<K>` names its item type, so the adapter's sketch is a
//! `CountMinSketch<ItemBytes, u64>` ([`ItemBytes`]: each item's `Hash` bytes, hashed by the
//! crate's xxHash exactly as the item would be). The crate keeps no total: the adapter adds every
//! count to its own (saturating). It has no merge of two sketches (its counters are private):
//! `merge` of two sketches of one shape panics, saying so.
//!
//! [`StreamingTop`] is `Top` as the kata's sketch-backed tracker, `TopK<T, S>`: `Top` counts with
//! its own sketch, which cannot be handed in, so the adapter builds it to the shape of the sketch
//! it is given (the same `with_shape` mapping as above), and keeps the given sketch, untouched,
//! for [`TopKTracker::sketch`]. `top_k` is `Top`'s own order (by count, heaviest first).

use std::hash::Hash;

use kata_core::count_min_sketch::{ConfigError, HeavyHitters, ShapeMismatch, Sketch, TopKTracker};
use streaming_algorithms::{CountMinSketch, Top};

use super::cms_crate::MAX_DEPTH;
use super::{check_crate_shape, check_shape, depth_probability, error_shape, pow2_width};
use crate::item_bytes::ItemBytes;

/// streaming_algorithms's `CountMinSketch` behind [`Sketch`] (see the module documentation).
pub struct StreamingSketch {
    sketch: CountMinSketch<ItemBytes, u64>,
    width: usize,
    depth: usize,
    total: u64,
}

/// The crate's `(probability, tolerance)` for a sketch of `width` (rounded up to a power of two,
/// at least 2) by `depth`, and that rounded width.
fn shape_parameters(width: usize, depth: usize) -> (f64, f64, usize) {
    assert!(
        depth <= MAX_DEPTH,
        "streaming_algorithms cannot express a depth of {depth} (at most {MAX_DEPTH}): its depth \
         is log2(1 / (1 - probability)) of an f64 probability"
    );
    (
        depth_probability(depth),
        2.0 / width as f64,
        pow2_width(width as f64),
    )
}

impl Sketch for StreamingSketch {
    fn with_error(epsilon: f64, delta: f64) -> Result<Self, ConfigError> {
        error_shape(epsilon, delta)?;
        let width = pow2_width((2.0 / epsilon).round());
        let depth = (((1.0 - (1.0 - delta)).ln() / 0.5f64.ln()).floor() as usize).max(1);
        check_crate_shape(width, depth)?;
        Ok(StreamingSketch {
            sketch: CountMinSketch::new(1.0 - delta, epsilon, ()),
            width,
            depth,
            total: 0,
        })
    }

    fn with_shape(width: usize, depth: usize) -> Result<Self, ConfigError> {
        check_shape(width, depth)?;
        let (probability, tolerance, width) = shape_parameters(width, depth);
        check_crate_shape(width, depth)?;
        Ok(StreamingSketch {
            sketch: CountMinSketch::new(probability, tolerance, ()),
            width,
            depth,
            total: 0,
        })
    }

    #[inline]
    fn add<T: Hash + ?Sized>(&mut self, item: &T, count: u64) {
        self.sketch.push(&ItemBytes::of(item), &count);
        self.total = self.total.saturating_add(count);
    }

    #[inline]
    fn estimate<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.sketch.get(&ItemBytes::of(item))
    }

    fn merge(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        let (ours, theirs) = ((self.width, self.depth), (other.width, other.depth));
        if ours != theirs {
            return Err(ShapeMismatch { ours, theirs });
        }
        panic!(
            "streaming_algorithms's CountMinSketch has no merge: its counters are private, and \
             it offers no operation on two sketches"
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

/// streaming_algorithms's `Top` behind [`TopKTracker`] (see the module documentation).
pub struct StreamingTop<T: Hash + Eq + Clone, S> {
    top: Top<T, u64>,
    k: usize,
    sketch: S,
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch> HeavyHitters<T> for StreamingTop<T, S> {
    #[inline]
    fn add(&mut self, item: &T, count: u64) {
        self.top.push(item.clone(), &count);
    }

    fn top_k(&self) -> Vec<(T, u64)> {
        self.top.iter().map(|(t, &c)| (t.clone(), c)).collect()
    }

    fn k(&self) -> usize {
        self.k
    }
}

impl<T: Hash + Eq + Clone + Ord, S: Sketch> TopKTracker<T, S> for StreamingTop<T, S> {
    fn new(k: usize, sketch: S) -> Result<Self, ConfigError> {
        if k == 0 {
            return Err(ConfigError::ZeroK);
        }
        let (probability, tolerance, _) = shape_parameters(sketch.width(), sketch.depth());
        Ok(StreamingTop {
            top: Top::new(k, probability, tolerance, ()),
            k,
            sketch,
        })
    }

    fn sketch(&self) -> &S {
        &self.sketch
    }
}
