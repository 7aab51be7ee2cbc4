//! The [`fastbloom`](https://crates.io/crates/fastbloom) crate's `BloomFilter` behind [`Filter`]
//! and its `AtomicBloomFilter` behind [`ConcurrentFilter`].
//!
//! fastbloom (0.17) is a standard Bloom filter on `u64` words: one 64-bit hash per item (its
//! default hasher, SipHash-1-3, seeded here with fixed keys so that two filters of one shape hash
//! alike), the first position from the hash itself and the others by a double hashing of its own,
//! each reduced to `[0, m)` by a multiply-shift; a lookup stops at the first unset bit. Its atomic
//! filter is the same on `AtomicU64` words, bits set with `fetch_or`.
//!
//! The mapping: `with_rate(n, p)` is `with_false_pos(p).expected_items(n)`, which sizes `m` from
//! the formula (rounded up to whole words) and then `k` from `m / n`, not from `p`;
//! `with_shape(bits, hashes)` is `with_num_bits(bits).hashes(hashes)`. fastbloom has no count of
//! the bits set: [`Filter::bits_set`] counts them over its words (`as_slice`, `iter`), O(m / 64),
//! and [`Filter::estimated_items`] applies the kata's formula to that count. The kata's
//! configuration errors are checked first ([`super::rate_shape`], [`super::check_shape`]):
//! fastbloom panics on a rate of 0 and reads 0 hashes as 1.

use std::hash::Hash;

use ::fastbloom::{AtomicBloomFilter, BloomFilter};
use kata_core::bloom_filter::{ConcurrentFilter, ConfigError, Filter, ShapeMismatch};

use super::{check_shape, estimated_items, ones_in_words, rate_shape};

/// The seed of fastbloom's SipHash keys in every adapter filter.
const SEED: u128 = 0x6661_7374_626C_6F6F_6D5F_5345_4544_0001;

/// `usize` from a count of bits already checked against `MAX_BITS` (2^36).
fn bits_usize(bits: u64) -> usize {
    usize::try_from(bits).expect("a filter of at most 2^36 bits fits in usize on 64-bit targets")
}

/// fastbloom's `BloomFilter` behind [`Filter`] (see the module documentation).
#[derive(Debug, Clone)]
pub struct FastBloom(BloomFilter);

impl Filter for FastBloom {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        rate_shape(expected_items, rate)?;
        let n = usize::try_from(expected_items).map_err(|_| ConfigError::TooManyBits)?;
        Ok(FastBloom(
            BloomFilter::with_false_pos(rate)
                .seed(&SEED)
                .expected_items(n),
        ))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape(bits, hashes)?;
        Ok(FastBloom(
            BloomFilter::with_num_bits(bits_usize(bits))
                .seed(&SEED)
                .hashes(hashes),
        ))
    }

    #[inline]
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        self.0.insert(item)
    }

    #[inline]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        self.0.contains(item)
    }

    fn bits_set(&self) -> u64 {
        ones_in_words(self.0.as_slice().iter().copied())
    }

    fn estimated_items(&self) -> f64 {
        estimated_items(self.bits_set(), self.bits(), self.hashes())
    }

    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        let (ours, theirs) = ((self.bits(), self.hashes()), (other.bits(), other.hashes()));
        if ours != theirs {
            return Err(ShapeMismatch { ours, theirs });
        }
        self.0.union(&other.0);
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.0.num_bits() as u64
    }

    fn hashes(&self) -> u32 {
        self.0.num_hashes()
    }
}

/// fastbloom's `AtomicBloomFilter` behind [`ConcurrentFilter`] (see the module documentation).
#[derive(Debug)]
pub struct FastBloomAtomic(AtomicBloomFilter);

impl ConcurrentFilter for FastBloomAtomic {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        rate_shape(expected_items, rate)?;
        let n = usize::try_from(expected_items).map_err(|_| ConfigError::TooManyBits)?;
        Ok(FastBloomAtomic(
            AtomicBloomFilter::with_false_pos(rate)
                .seed(&SEED)
                .expected_items(n),
        ))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape(bits, hashes)?;
        Ok(FastBloomAtomic(
            AtomicBloomFilter::with_num_bits(bits_usize(bits))
                .seed(&SEED)
                .hashes(hashes),
        ))
    }

    #[inline]
    fn insert<T: Hash + ?Sized>(&self, item: &T) -> bool {
        self.0.insert(item)
    }

    #[inline]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        self.0.contains(item)
    }

    fn bits_set(&self) -> u64 {
        ones_in_words(self.0.iter())
    }

    fn estimated_items(&self) -> f64 {
        estimated_items(self.bits_set(), self.bits(), self.hashes())
    }

    fn bits(&self) -> u64 {
        self.0.num_bits() as u64
    }

    fn hashes(&self) -> u32 {
        self.0.num_hashes()
    }
}
