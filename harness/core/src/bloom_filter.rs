//! The API of the `bloom-filter` kata: a set that answers "maybe" or "certainly not", in a few
//! bits per item.
//!
//! A Bloom filter is `m` bits, all zero at first, and `k` hash functions. Inserting an item sets
//! the `k` bits its hashes point at; looking one up answers "present" when all `k` are set. An
//! item inserted is always found (**no false negatives**); an item never inserted is found only
//! when other items happen to have set all its bits, a **false positive**, with probability about
//! `(1 − e^(−k·n/m))^k` after `n` insertions. That is the trade: about 9.6 bits per item for a 1 %
//! rate, whatever the items' size.
//!
//! Three types implement it:
//!
//! - [`Filter`] for the **standard** filter: the `k` bits anywhere in the `m`;
//! - [`Filter`] again for the **blocked** filter (Putze, Sanders, Singler 2007): the bits are cut
//!   into blocks of 512 bits, one 64-byte cache line, and all `k` bits of an item fall in the one
//!   block its hash picks. One cache miss per lookup instead of up to `k`, paid for with a
//!   slightly higher false-positive rate (blocks fill unevenly);
//! - [`ConcurrentFilter`]: the standard filter shared by threads (`&self`), its words atomic and
//!   its bits set with `fetch_or`, lock-free.
//!
//! **Sizing** ([`Filter::with_rate`]): for `n` expected items and a target rate `p`, the textbook
//! optimum is `m = ⌈−n·ln p / (ln 2)²⌉` bits and `k = log2(1/p)` hash functions, rounded to an
//! integer. An implementation may round `m` up to its unit of storage (a 64-bit word, a 512-bit
//! block), by less than [`MAX_ROUNDING`] bits, and [`Filter::bits`] reports what it has.
//!
//! **Hashing**: the `k` positions come from two 64-bit hash values by double hashing,
//! `g_i = h1 + i·h2` (Kirsch and Mitzenmacher 2006: no worse asymptotically than `k` independent
//! hashes, for the price of one). The hash must be deterministic, the same for every filter of a
//! shape: [`Filter::union`] ORs two filters' bits, which means something only if both put an item
//! at the same positions.
//!
//! Items are anything [`Hash`]: a `u64`, a `&str` URL, a tuple.

use std::fmt;
use std::hash::Hash;

/// The largest filter accepted, in bits: 2^36 bits, 8 GiB.
pub const MAX_BITS: u64 = 1 << 36;

/// The most hash functions accepted. The optimum for a rate `p` is `log2(1/p)`: 64 is a rate of
/// 10^-19, far below anything useful.
pub const MAX_HASHES: u32 = 64;

/// How far above the formula's `m` an implementation may round its number of bits: up to, not
/// including, one 512-bit block.
pub const MAX_ROUNDING: u64 = 512;

/// Why a filter could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// Zero expected items: the formulas divide by it.
    ZeroItems,
    /// A false-positive rate not strictly between 0 and 1 (or NaN).
    RateOutOfRange,
    /// A filter of zero bits.
    ZeroBits,
    /// Zero hash functions: every lookup would answer "present".
    ZeroHashes,
    /// More than [`MAX_BITS`] bits, asked for or computed from the items and rate.
    TooManyBits,
    /// More than [`MAX_HASHES`] hash functions, asked for or computed from the rate.
    TooManyHashes,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ZeroItems => {
                f.write_str("the expected number of items must be at least 1")
            }
            ConfigError::RateOutOfRange => f.write_str(
                "the false-positive rate must be strictly between 0 and 1 (0.01 is 1 %)",
            ),
            ConfigError::ZeroBits => f.write_str("a filter needs at least 1 bit"),
            ConfigError::ZeroHashes => {
                f.write_str("a filter needs at least 1 hash function: with 0 it finds everything")
            }
            ConfigError::TooManyBits => write!(
                f,
                "the filter would need more than {MAX_BITS} bits (8 GiB): expect fewer items or \
                 accept a higher rate"
            ),
            ConfigError::TooManyHashes => write!(
                f,
                "at most {MAX_HASHES} hash functions (a rate of 10^-19): accept a higher rate"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Two filters of different shapes cannot be combined: their items' bits are not in the same
/// places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeMismatch {
    /// `(bits, hashes)` of the filter that was asked to take the union.
    pub ours: (u64, u32),
    /// `(bits, hashes)` of the other filter.
    pub theirs: (u64, u32),
}

impl fmt::Display for ShapeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot take the union of a filter of {} bits and {} hashes with one of {} bits and {} \
             hashes: only filters of the same shape (built with the same parameters) combine",
            self.ours.0, self.ours.1, self.theirs.0, self.theirs.1
        )
    }
}

impl std::error::Error for ShapeMismatch {}

/// A Bloom filter for one thread: the standard layout or the blocked one (see the module
/// documentation).
pub trait Filter: Sized {
    /// A filter sized for `expected_items` items at false-positive rate `rate` (0.01 is 1 %):
    /// `m = ⌈−n·ln p / (ln 2)²⌉` bits (plus less than [`MAX_ROUNDING`] of rounding to a unit of
    /// storage) and `k = log2(1/p)` hash functions rounded to an integer, at least 1.
    ///
    /// # Errors
    ///
    /// In this order: [`ConfigError::ZeroItems`], [`ConfigError::RateOutOfRange`],
    /// [`ConfigError::TooManyBits`], [`ConfigError::TooManyHashes`].
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError>;

    /// A filter of at least `bits` bits (less than [`MAX_ROUNDING`] more) and exactly `hashes`
    /// hash functions.
    ///
    /// # Errors
    ///
    /// In this order: [`ConfigError::ZeroBits`], [`ConfigError::ZeroHashes`],
    /// [`ConfigError::TooManyBits`], [`ConfigError::TooManyHashes`].
    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError>;

    /// Inserts `item`: sets its `k` bits. Returns `true` when all of them were set already, that
    /// is, when [`Filter::contains`] would have answered `true` before (the item was inserted
    /// before, or is a false positive): "insert if new" in one pass, as a crawler deduplicating
    /// URLs wants it.
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool;

    /// `false` when `item` was certainly never inserted; `true` when it was, or is a false
    /// positive.
    #[must_use]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool;

    /// The number of bits set (the filter's "weight").
    fn bits_set(&self) -> u64;

    /// The number of distinct items inserted, estimated from the bits set (Swamidass and Baldi
    /// 2007): with `X` bits set, `n ≈ −(m/k)·ln(1 − X/m)`. `f64::INFINITY` when every bit is set.
    fn estimated_items(&self) -> f64;

    /// Adds every item of `other` to this filter: afterwards it contains everything either
    /// contained, exactly as if it had been built from both sets of items.
    ///
    /// # Errors
    ///
    /// [`ShapeMismatch`] when the two filters differ in bits or hashes; this one is unchanged.
    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch>;

    /// `m`, the number of bits the filter has.
    fn bits(&self) -> u64;

    /// `k`, the number of bits each item sets.
    fn hashes(&self) -> u32;
}

/// A standard Bloom filter shared by threads (`&self`): any number of threads insert and look up
/// at once, lock-free (the bits in atomic words, set with `fetch_or`; no lock is taken).
///
/// An insert that has returned is seen by every `contains` that happens after it, and no
/// interleaving of inserts loses a bit: the filter ends with exactly the bits a single thread
/// inserting the same items would have set.
pub trait ConcurrentFilter: Sized + Send + Sync {
    /// As [`Filter::with_rate`].
    ///
    /// # Errors
    ///
    /// As [`Filter::with_rate`].
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError>;

    /// As [`Filter::with_shape`].
    ///
    /// # Errors
    ///
    /// As [`Filter::with_shape`].
    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError>;

    /// As [`Filter::insert`], from any thread. When two threads insert the same new item at
    /// once, both may be told `false` (each set some of its bits), never both `true`.
    fn insert<T: Hash + ?Sized>(&self, item: &T) -> bool;

    /// As [`Filter::contains`], from any thread.
    #[must_use]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool;

    /// As [`Filter::bits_set`]; while inserts run, a count of some moment during the call.
    fn bits_set(&self) -> u64;

    /// As [`Filter::estimated_items`].
    fn estimated_items(&self) -> f64;

    /// As [`Filter::bits`].
    fn bits(&self) -> u64;

    /// As [`Filter::hashes`].
    fn hashes(&self) -> u32;
}
