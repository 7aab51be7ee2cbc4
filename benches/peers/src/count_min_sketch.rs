//! Peers of the `count-min-sketch` kata: the `count-min-sketch` crate's sketch and
//! `streaming_algorithms`'s sketch and `Top`, behind [`kata_core::count_min_sketch::Sketch`] and
//! [`kata_core::count_min_sketch::TopKTracker`].
//!
//! Both crates' sketches are conservative-update sketches, with no plain update, so each is put
//! in the kata's conservative slot; `streaming_algorithms::Top` (candidates with exact counts,
//! a sketch for the rest) in the sketch-backed tracker's. Neither crate has a plain sketch, an
//! atomic one or Space-Saving, so a peer's family ([`CmsCrateFamily`], [`StreamingFamily`])
//! fills those slots with the *reference's* types, as the lfu peers do: a peer's verdict is about
//! its own types alone, and the bench times a peer on the workloads of the types it has.
//!
//! Both crates size a sketch as `2/ε` counters rounded up to a power of two by `⌊log2(1/δ)⌋`
//! rows, where the kata's formulas give `⌈e/ε⌉` by `⌈ln(1/δ)⌉`: their verdicts fail the sizing
//! examples, and say why. The kata's configuration errors are checked by the adapters, in the
//! kata's order, before a crate sees the configuration ([`error_shape`], [`check_shape`]).

use std::f64::consts::E;
use std::hash::Hash;

use kata_core::count_min_sketch::{ConfigError, Sketch, MAX_COUNTERS};
use kata_suites::count_min_sketch::CountMinSketchFamily;

use crate::Peer;

pub mod cms_crate;
pub mod streaming;

pub use self::cms_crate::CmsCrate;
pub use self::streaming::{StreamingSketch, StreamingTop};

kata_suites::count_min_sketch_family!(
    /// The reference `count-min-sketch`: the yardstick the suite grades a peer against, and the
    /// types the peers' families borrow.
    Reference => count_min_sketch_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_count_min_sketch;
    Some(match name {
        "count-min-sketch" => grade_count_min_sketch::<CmsCrateFamily, Reference>(seed),
        "streaming_algorithms" => grade_count_min_sketch::<StreamingFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `count-min-sketch` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "count-min-sketch",
        krate: "count-min-sketch",
        version: "0.2",
        design: "a conservative-update sketch: u64 counters in one Vec, a power-of-two width, \
                 one 128-bit SipHash-1-3 per item under a random key, rows by double hashing",
        difference: Some(CMS_CRATE_DIFFERENCE),
    },
    Peer {
        name: "streaming_algorithms",
        krate: "streaming_algorithms",
        version: "0.3",
        design: "a conservative-update sketch (a Vec of counters per row, a power-of-two width, \
                 one xxHash64 stream per item, a byte more per row) and Top: the candidates' \
                 exact counts in a hash map and an ordered list, a sketch for the rest",
        difference: Some(STREAMING_DIFFERENCE),
    },
];

/// How count-min-sketch differs from the kata's specification.
const CMS_CRATE_DIFFERENCE: &str =
    "count-min-sketch sizes a sketch as 2/ε counters rounded up to a power of two by \
     ⌊log2(1/δ)⌋ rows (2048 × 6 for ε = 0.001 and δ = 0.01, where the kata's formulas give \
     2719 × 5); its add raises only the counters equal to the item's minimum, so with a count \
     above 1 a counter between the minimum and the new count stays below it and the estimate can \
     fall under the truth; and each sketch hashes with a random key of its own, so two sketches \
     cannot be merged (it has no merge).";

/// How streaming_algorithms differs from the kata's specification.
const STREAMING_DIFFERENCE: &str =
    "streaming_algorithms sizes a sketch as 2/ε counters rounded up to a power of two by \
     ⌊log2(1/δ)⌋ rows (2048 × 6 for ε = 0.001 and δ = 0.01, where the kata's formulas give \
     2719 × 5); its counters add with += (past u64::MAX a debug build panics; a release build \
     wraps the sum, and the max that follows keeps the counter); its sketch has no merge; and \
     its Top counts with a sketch of its own, not the one it is given, keeps exact counts for the \
     candidates, and orders ties as they entered.";

/// The families of the peers, each with the reference's types where its crate has none.
pub struct CmsCrateFamily;

impl CountMinSketchFamily for CmsCrateFamily {
    type Plain = <Reference as CountMinSketchFamily>::Plain;
    type Conservative = CmsCrate;
    type Atomic = <Reference as CountMinSketchFamily>::Atomic;
    type TopK<T: Hash + Eq + Clone + Ord, S: Sketch> =
        <Reference as CountMinSketchFamily>::TopK<T, S>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> =
        <Reference as CountMinSketchFamily>::SpaceSaving<T>;
}

/// streaming_algorithms's family: its sketch as the conservative one, its `Top` as the
/// sketch-backed tracker, the reference's plain and atomic sketches and Space-Saving.
pub struct StreamingFamily;

impl CountMinSketchFamily for StreamingFamily {
    type Plain = <Reference as CountMinSketchFamily>::Plain;
    type Conservative = StreamingSketch;
    type Atomic = <Reference as CountMinSketchFamily>::Atomic;
    type TopK<T: Hash + Eq + Clone + Ord, S: Sketch> = StreamingTop<T, S>;
    type SpaceSaving<T: Hash + Eq + Clone + Ord> =
        <Reference as CountMinSketchFamily>::SpaceSaving<T>;
}

/// Checks `with_error`'s arguments as the kata's specification does, in its order, and returns
/// the kata's shape: width `⌈e/ε⌉`, depth `⌈ln(1/δ)⌉`.
///
/// # Errors
///
/// [`ConfigError::EpsilonOutOfRange`], [`ConfigError::DeltaOutOfRange`],
/// [`ConfigError::TooManyCounters`], in that order.
pub fn error_shape(epsilon: f64, delta: f64) -> Result<(usize, usize), ConfigError> {
    if !(epsilon > 0.0 && epsilon < 1.0) {
        return Err(ConfigError::EpsilonOutOfRange);
    }
    if !(delta > 0.0 && delta < 1.0) {
        return Err(ConfigError::DeltaOutOfRange);
    }
    let width = (E / epsilon).ceil();
    let depth = (1.0 / delta).ln().ceil().max(1.0);
    if width * depth > MAX_COUNTERS as f64 {
        return Err(ConfigError::TooManyCounters);
    }
    Ok((width as usize, depth as usize))
}

/// Checks `with_shape`'s arguments as the kata's specification does, in its order.
///
/// # Errors
///
/// [`ConfigError::ZeroWidth`], [`ConfigError::ZeroDepth`], [`ConfigError::TooManyCounters`],
/// in that order.
pub fn check_shape(width: usize, depth: usize) -> Result<(), ConfigError> {
    if width == 0 {
        return Err(ConfigError::ZeroWidth);
    }
    if depth == 0 {
        return Err(ConfigError::ZeroDepth);
    }
    check_crate_shape(width, depth)
}

/// [`ConfigError::TooManyCounters`] when a sketch of `width` × `depth` would exceed
/// [`MAX_COUNTERS`]: checked again on the crates' own shapes, whose widths are rounded up.
///
/// # Errors
///
/// As said.
pub fn check_crate_shape(width: usize, depth: usize) -> Result<(), ConfigError> {
    match width.checked_mul(depth) {
        Some(n) if n as u64 <= MAX_COUNTERS => Ok(()),
        _ => Err(ConfigError::TooManyCounters),
    }
}

/// Both crates' width for a computed `2/e` of `width`: at least 2, rounded up to a power of two.
/// (A width beyond any power of two in `usize` comes out as `usize::MAX`, which
/// [`check_crate_shape`] refuses.)
pub fn pow2_width(width: f64) -> usize {
    (width as usize)
        .max(2)
        .checked_next_power_of_two()
        .unwrap_or(usize::MAX)
}

/// The probability both crates turn into a depth of exactly `depth`
/// (`⌊log2(1 / (1 − probability))⌋`): `1 − 2^−(depth + ½)`, halfway between two depths.
pub fn depth_probability(depth: usize) -> f64 {
    1.0 - (-(depth as f64 + 0.5)).exp2()
}
