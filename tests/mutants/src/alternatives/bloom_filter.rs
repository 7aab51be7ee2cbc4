//! `bloom-filter` in the design learners most often write. The reference hashes each item once
//! with `ahash` under fixed seeds, derives the second hash by a mix, reduces positions by
//! multiply-shift, counts the bits as inserts set them, and draws its in-block positions from
//! independent products; here:
//!
//! - every filter hashes with std's `DefaultHasher::new()` (SipHash with fixed keys), twice per
//!   item with different one-byte prefixes, for `h1` and `h2`;
//! - the standard and atomic filters take position `i` as `(h1 + i·h2) mod m`, by `%`, in a
//!   `Vec<u64>` (a `Vec<AtomicU64>` set with `SeqCst` `fetch_or` for the atomic one), and count
//!   the bits set by popcount over the words when asked (O(m/64));
//! - the blocked filter is a `Vec<[u64; 8]>`: the block is `h1 mod blocks`, and the `k` in-block
//!   positions are consecutive 9-bit slices of `h2`, seven to a hash, the item hashed again with
//!   the next prefix when `k` needs more.
//!
//! Graded on every stage as `--mutant sip-modulo`.

use std::f64::consts::LN_2;
use std::hash::{DefaultHasher, Hash, Hasher};

use kata_core::bloom_filter::{
    ConcurrentFilter, ConfigError, Filter, ShapeMismatch, MAX_BITS, MAX_HASHES,
};
use kata_core::sync::atomic::{AtomicU64, Ordering};
use kata_suites::bloom_filter::BloomFilterFamily;

/// The SipHash-and-modulo `bloom-filter` family.
pub struct SipModuloFamily;

impl BloomFilterFamily for SipModuloFamily {
    type Standard = SipBloom;
    type Blocked = SipBlocked;
    type Atomic = SipAtomic;
}

/// The item hashed after the byte `prefix`: prefix 0 gives `h1`, prefix 1 `h2`, and so on.
fn sip<T: Hash + ?Sized>(prefix: u8, item: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write_u8(prefix);
    item.hash(&mut hasher);
    hasher.finish()
}

/// `m` (before rounding) and `k` for `n` items at rate `p`, in the API's order of errors.
fn sizing(n: u64, p: f64) -> Result<(u64, u32), ConfigError> {
    if n == 0 {
        return Err(ConfigError::ZeroItems);
    }
    if p.is_nan() || p <= 0.0 || p >= 1.0 {
        return Err(ConfigError::RateOutOfRange);
    }
    let m = (n as f64 * -p.ln() / (LN_2 * LN_2)).ceil();
    if m > MAX_BITS as f64 {
        return Err(ConfigError::TooManyBits);
    }
    let k = (-p.log2()).round();
    if k > f64::from(MAX_HASHES) {
        return Err(ConfigError::TooManyHashes);
    }
    Ok(((m as u64).max(1), (k as u32).max(1)))
}

/// A shape checked in the API's order.
fn shape(m: u64, k: u32) -> Result<(u64, u32), ConfigError> {
    match (m, k) {
        (0, _) => Err(ConfigError::ZeroBits),
        (_, 0) => Err(ConfigError::ZeroHashes),
        (m, _) if m > MAX_BITS => Err(ConfigError::TooManyBits),
        (_, k) if k > MAX_HASHES => Err(ConfigError::TooManyHashes),
        _ => Ok((m, k)),
    }
}

/// Swamidass and Baldi's estimate from `x` bits set of `m`.
fn estimate(x: u64, m: u64, k: u32) -> f64 {
    if x == m {
        f64::INFINITY
    } else {
        -(m as f64) / f64::from(k) * (1.0 - x as f64 / m as f64).ln()
    }
}

/// The error for two shapes that differ.
fn mismatch(ours: (u64, u32), theirs: (u64, u32)) -> Result<(), ShapeMismatch> {
    if ours == theirs {
        Ok(())
    } else {
        Err(ShapeMismatch { ours, theirs })
    }
}

/// The `k` positions of an item in a filter of `m` bits: `(h1 + i·h2) mod m`.
fn positions<T: Hash + ?Sized>(item: &T, m: u64, k: u32) -> impl Iterator<Item = u64> {
    let (h1, h2) = (sip(0, item), sip(1, item));
    (0..u64::from(k)).map(move |i| h1.wrapping_add(i.wrapping_mul(h2)) % m)
}

/// A standard filter: a `Vec<u64>` of words.
pub struct SipBloom {
    words: Vec<u64>,
    k: u32,
}

impl SipBloom {
    fn new(m: u64, k: u32) -> Self {
        SipBloom {
            words: vec![0; m.div_ceil(64) as usize],
            k,
        }
    }

    fn m(&self) -> u64 {
        self.words.len() as u64 * 64
    }
}

impl Filter for SipBloom {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (m, k) = sizing(expected_items, rate)?;
        Ok(Self::new(m, k))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        let (m, k) = shape(bits, hashes)?;
        Ok(Self::new(m, k))
    }

    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        let mut seen = true;
        for p in positions(item, self.m(), self.k) {
            let (w, bit) = ((p / 64) as usize, 1 << (p % 64));
            seen &= self.words[w] & bit != 0;
            self.words[w] |= bit;
        }
        seen
    }

    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        positions(item, self.m(), self.k)
            .all(|p| self.words[(p / 64) as usize] >> (p % 64) & 1 == 1)
    }

    fn bits_set(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    fn estimated_items(&self) -> f64 {
        estimate(self.bits_set(), self.m(), self.k)
    }

    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        mismatch((self.m(), self.k), (other.m(), other.k))?;
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= *b;
        }
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.m()
    }

    fn hashes(&self) -> u32 {
        self.k
    }
}

/// A blocked filter: a `Vec` of 512-bit blocks.
pub struct SipBlocked {
    blocks: Vec<[u64; 8]>,
    k: u32,
    /// Bits set, counted as inserts set them (a popcount of every block would do too).
    set: u64,
}

impl SipBlocked {
    fn new(m: u64, k: u32) -> Self {
        SipBlocked {
            blocks: vec![[0; 8]; m.div_ceil(512) as usize],
            k,
            set: 0,
        }
    }

    /// The item's block, and its `k` in-block positions: 9-bit slices of `h2`, `h3`, ….
    fn place<'a, T: Hash + ?Sized>(&self, item: &'a T) -> (usize, impl Iterator<Item = u64> + 'a) {
        let block = (sip(0, item) % self.blocks.len() as u64) as usize;
        let slices = (0..self.k).scan(0u64, move |h, i| {
            if i % 7 == 0 {
                *h = sip(1 + (i / 7) as u8, item);
            }
            let slice = *h & 511;
            *h >>= 9;
            Some(slice)
        });
        (block, slices)
    }
}

impl Filter for SipBlocked {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (m, k) = sizing(expected_items, rate)?;
        Ok(Self::new(m, k))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        let (m, k) = shape(bits, hashes)?;
        Ok(Self::new(m, k))
    }

    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        let (b, slices) = self.place(item);
        let block = &mut self.blocks[b];
        let mut newly = 0;
        for p in slices {
            let (w, bit) = ((p / 64) as usize, 1 << (p % 64));
            if block[w] & bit == 0 {
                block[w] |= bit;
                newly += 1;
            }
        }
        self.set += newly;
        newly == 0
    }

    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let (b, mut slices) = self.place(item);
        let block = &self.blocks[b];
        slices.all(|p| block[(p / 64) as usize] >> (p % 64) & 1 == 1)
    }

    fn bits_set(&self) -> u64 {
        self.set
    }

    fn estimated_items(&self) -> f64 {
        estimate(self.set, self.bits(), self.k)
    }

    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        mismatch((self.bits(), self.k), (other.bits(), other.k))?;
        self.set = 0;
        for (a, b) in self.blocks.iter_mut().zip(&other.blocks) {
            for (x, y) in a.iter_mut().zip(b) {
                *x |= *y;
                self.set += u64::from(x.count_ones());
            }
        }
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.blocks.len() as u64 * 512
    }

    fn hashes(&self) -> u32 {
        self.k
    }
}

/// The standard filter on a `Vec<AtomicU64>`, every access `SeqCst`.
pub struct SipAtomic {
    words: Vec<AtomicU64>,
    k: u32,
}

impl SipAtomic {
    fn new(m: u64, k: u32) -> Self {
        SipAtomic {
            words: (0..m.div_ceil(64)).map(|_| AtomicU64::new(0)).collect(),
            k,
        }
    }

    fn m(&self) -> u64 {
        self.words.len() as u64 * 64
    }
}

impl ConcurrentFilter for SipAtomic {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (m, k) = sizing(expected_items, rate)?;
        Ok(Self::new(m, k))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        let (m, k) = shape(bits, hashes)?;
        Ok(Self::new(m, k))
    }

    fn insert<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let mut seen = true;
        for p in positions(item, self.m(), self.k) {
            let bit = 1 << (p % 64);
            seen &= self.words[(p / 64) as usize].fetch_or(bit, Ordering::SeqCst) & bit != 0;
        }
        seen
    }

    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        positions(item, self.m(), self.k)
            .all(|p| self.words[(p / 64) as usize].load(Ordering::SeqCst) >> (p % 64) & 1 == 1)
    }

    fn bits_set(&self) -> u64 {
        self.words
            .iter()
            .map(|w| u64::from(w.load(Ordering::SeqCst).count_ones()))
            .sum()
    }

    fn estimated_items(&self) -> f64 {
        estimate(self.bits_set(), self.m(), self.k)
    }

    fn bits(&self) -> u64 {
        self.m()
    }

    fn hashes(&self) -> u32 {
        self.k
    }
}
