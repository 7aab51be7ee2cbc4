//! The [`sbbf-rs`](https://crates.io/crates/sbbf-rs) crate's split-block Bloom filter behind
//! [`Filter`], as the blocked filter.
//!
//! sbbf-rs implements the split-block Bloom filter of Apache Parquet's specification: the bits
//! are cut into buckets of 256 bits (32 bytes, eight 32-bit words), the upper half of a 64-bit
//! hash picks a bucket (multiply-shift) and the lower half, multiplied by eight fixed odd salts,
//! picks one bit in each of the eight words. So `k` is always 8, and a lookup is one load of 32
//! bytes and a SIMD compare (AVX2 or SSE4.1 when the processor has them, chosen at run time).
//!
//! The crate is a raw kernel: it takes a 64-bit hash, not an item, and a pointer to a buffer the
//! caller owns (aligned to 64 bytes), through `unsafe` functions. The adapter owns the buffer (a
//! `Vec` of 64-byte aligned lines, zeroed), hashes each item with `ahash` under fixed seeds (one
//! `hash_one`: two filters of one shape hash alike), and sizes it: `with_rate(n, p)` takes the
//! formula's `m` rounded up to whole buckets, `with_shape(bits, hashes)` rounds `bits` up the same
//! way; `k` is 8 whatever was asked, and [`Filter::hashes`] says so. sbbf-rs has no union and no
//! count of bits set: `union` ORs the two buffers once the shapes agree, `bits_set` counts the
//! bits over the buffer, O(m / 64), and `estimated_items` applies the kata's formula with `k` = 8.
//! The kata's configuration errors are checked first ([`super::rate_shape`],
//! [`super::check_shape`]).

use std::hash::Hash;

use kata_core::bloom_filter::{ConfigError, Filter, ShapeMismatch};
use sbbf_rs::{FilterFn, ALIGNMENT, BUCKET_SIZE};

use super::{check_shape, estimated_items, ones_in_words, rate_shape};

/// The bits of one sbbf-rs bucket.
pub const BUCKET_BITS: u64 = BUCKET_SIZE as u64 * 8;

/// The bits every item sets in sbbf-rs: one in each of a bucket's eight 32-bit words.
pub const SBBF_HASHES: u32 = 8;

/// The seeds of the `ahash` hasher of every adapter filter.
const SEEDS: [u64; 4] = [
    0x7362_6266_5f73_6565,
    0x6473_5f66_6f72_5f61,
    0x6861_7368_5f6f_6e63,
    0x655f_7065_725f_6974,
];

/// One 64-byte line of the buffer: two buckets, aligned as sbbf-rs requires.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Line([u64; 8]);

const _: () = assert!(std::mem::align_of::<Line>() == ALIGNMENT);
const _: () = assert!(std::mem::size_of::<Line>() == 2 * BUCKET_SIZE);

/// sbbf-rs's split-block filter behind [`Filter`] (see the module documentation).
#[derive(Debug, Clone)]
pub struct Sbbf {
    lines: Vec<Line>,
    buckets: usize,
    hasher: ahash::RandomState,
}

impl Sbbf {
    /// An empty filter of at least `bits` bits, in whole buckets.
    fn of_bits(bits: u64) -> Result<Sbbf, ConfigError> {
        let buckets =
            usize::try_from(bits.div_ceil(BUCKET_BITS)).map_err(|_| ConfigError::TooManyBits)?;
        Ok(Sbbf {
            lines: vec![Line([0; 8]); buckets.div_ceil(2)],
            buckets,
            hasher: ahash::RandomState::with_seeds(SEEDS[0], SEEDS[1], SEEDS[2], SEEDS[3]),
        })
    }

    /// The words of the buffer.
    fn words(&self) -> impl Iterator<Item = u64> + '_ {
        self.lines.iter().flat_map(|line| line.0)
    }
}

impl Filter for Sbbf {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (bits, _) = rate_shape(expected_items, rate)?;
        Sbbf::of_bits(bits)
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape(bits, hashes)?;
        Sbbf::of_bits(bits)
    }

    #[inline]
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        let hash = self.hasher.hash_one(item);
        // SAFETY: `lines` is aligned to ALIGNMENT (the type's alignment, checked above) and holds
        // `buckets.div_ceil(2)` lines of two buckets each, so at least `buckets` × BUCKET_SIZE
        // bytes; `buckets` is at least 1 (check_shape and rate_shape refuse 0 bits). The pointer
        // is derived from a unique borrow, so sbbf-rs may write through it.
        unsafe { FilterFn::new().insert(self.lines.as_mut_ptr().cast(), self.buckets, hash) }
    }

    #[inline]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let hash = self.hasher.hash_one(item);
        // SAFETY: as in `insert`; sbbf-rs only reads.
        unsafe { FilterFn::new().contains(self.lines.as_ptr().cast(), self.buckets, hash) }
    }

    fn bits_set(&self) -> u64 {
        ones_in_words(self.words())
    }

    fn estimated_items(&self) -> f64 {
        estimated_items(self.bits_set(), self.bits(), self.hashes())
    }

    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        let (ours, theirs) = ((self.bits(), self.hashes()), (other.bits(), other.hashes()));
        if ours != theirs {
            return Err(ShapeMismatch { ours, theirs });
        }
        for (a, b) in self.lines.iter_mut().zip(&other.lines) {
            for (x, y) in a.0.iter_mut().zip(b.0) {
                *x |= y;
            }
        }
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.buckets as u64 * BUCKET_BITS
    }

    fn hashes(&self) -> u32 {
        SBBF_HASHES
    }
}
