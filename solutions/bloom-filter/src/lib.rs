//! Reference solution of the `bloom-filter` kata.
//!
//! Three filters over one hashing scheme: a [`BloomFilter`] (the `k` bits anywhere in `m`), a
//! [`BlockedBloomFilter`] (the `k` bits in one 512-bit block, one cache line) and an
//! [`AtomicBloomFilter`] (the standard layout on atomic words, shared by threads).
//!
//! # Hashing
//!
//! Each item is hashed once, to 64 bits, with `ahash` under fixed seeds ([`HASHER`]): every filter
//! of a shape, in every process running this build, puts an item at the same positions, which is
//! what makes [`Filter::union`] meaningful. `ahash` is fast on short keys (a `u64` in a few
//! nanoseconds) and spreads sequential integers well enough for double hashing. With fixed seeds
//! it is not DoS-resistant: a filter fed by an adversary who can read this source could be sent
//! keys that all land on the same bits. Such a filter should take a keyed hash with a secret seed,
//! and then a union needs the same seed on both sides.
//!
//! The `k` positions come from that one hash by double hashing (Kirsch and Mitzenmacher 2006):
//! `g_i = h1 + i·h2` with `h1` the hash and `h2` its two halves swapped, forced odd. Each `g_i` is
//! brought into `[0, m)` by the multiply-shift "fast range" `(g·m) >> 64` (Lemire 2016), which
//! uses the top bits of `g` and needs no division.
//!
//! # The blocked layout
//!
//! [`BlockedBloomFilter`] picks a block by fast range over the number of blocks, from the top bits
//! of the hash, and its `k` positions inside the block as the top 9 bits of `k` products of the
//! hash with fixed odd multipliers (double hashing correlates items inside so small a range: see
//! [`for_block_positions`] for the figures). A lookup loads one 64-byte-aligned block and tests
//! its `k` bits with no branch per bit: one cache miss, whatever `k`.
//!
//! # Counting bits
//!
//! The two single-thread filters count the bits each insert sets for the first time, so
//! `bits_set` is O(1). The atomic one counts by popcount over its words when asked (O(m/64)): a
//! shared counter bumped by every insert would be one more contended cache line on the hot path.

use std::f64::consts::LN_2;
use std::fmt;
use std::hash::Hash;

use ahash::RandomState;
use kata_core::sync::atomic::{AtomicU64, Ordering};

pub use kata_core::bloom_filter::{
    ConcurrentFilter, ConfigError, Filter, ShapeMismatch, MAX_BITS, MAX_HASHES, MAX_ROUNDING,
};

/// The hasher every filter uses: `ahash` with fixed seeds (arbitrary constants; any would do),
/// so that filters of one shape agree on every item's positions.
static HASHER: RandomState = RandomState::with_seeds(
    0x2b7e_1516_28ae_d2a6,
    0xabf7_1588_09cf_4f3c,
    0x7625_5e4a_9d17_6a0b,
    0x4c9a_8d27_32f1_b6e9,
);

/// Bits in a word of the standard and atomic filters.
const WORD_BITS: u64 = 64;

/// Bits in a block of the blocked filter: one 64-byte cache line.
const BLOCK_BITS: u64 = 512;

/// The item's 64-bit hash.
#[inline]
fn hash<T: Hash + ?Sized>(item: &T) -> u64 {
    HASHER.hash_one(item)
}

/// The step of the double hashing, from the same 64 bits: its halves swapped, forced odd.
#[inline]
fn step(h: u64) -> u64 {
    h.rotate_left(32) | 1
}

/// `g` brought into `[0, n)` by multiply-shift (Lemire's "fast range"): `⌊g·n / 2^64⌋`.
#[inline]
fn fast_range(g: u64, n: u64) -> u64 {
    ((u128::from(g) * u128::from(n)) >> 64) as u64
}

/// `(bits, hashes)` for `expected_items` at `rate`, before rounding, checked in the order
/// [`Filter::with_rate`] documents.
fn shape_for_rate(expected_items: u64, rate: f64) -> Result<(u64, u32), ConfigError> {
    if expected_items == 0 {
        return Err(ConfigError::ZeroItems);
    }
    // Written so that NaN fails too.
    if !(rate > 0.0 && rate < 1.0) {
        return Err(ConfigError::RateOutOfRange);
    }
    let bits = (-(expected_items as f64) * rate.ln() / (LN_2 * LN_2)).ceil();
    if bits > MAX_BITS as f64 {
        return Err(ConfigError::TooManyBits);
    }
    // `-log2(p)` rather than `log2(1/p)`: `1/p` overflows for the smallest subnormal rates.
    let hashes = (-rate.log2()).round().max(1.0);
    if hashes > f64::from(MAX_HASHES) {
        return Err(ConfigError::TooManyHashes);
    }
    Ok(((bits as u64).max(1), hashes as u32))
}

/// Checks a shape in the order [`Filter::with_shape`] documents.
fn check_shape(bits: u64, hashes: u32) -> Result<(), ConfigError> {
    if bits == 0 {
        return Err(ConfigError::ZeroBits);
    }
    if hashes == 0 {
        return Err(ConfigError::ZeroHashes);
    }
    if bits > MAX_BITS {
        return Err(ConfigError::TooManyBits);
    }
    if hashes > MAX_HASHES {
        return Err(ConfigError::TooManyHashes);
    }
    Ok(())
}

/// How many `unit`-bit units hold `bits` bits (`bits ≤ MAX_BITS`, so no overflow).
fn units(bits: u64, unit: u64) -> usize {
    usize::try_from(bits.div_ceil(unit))
        .expect("at most MAX_BITS bits fit in memory's address space")
}

/// Swamidass and Baldi's estimate of the items inserted, from `x` bits set of `m`.
fn estimate(x: u64, m: u64, k: u32) -> f64 {
    if x >= m {
        return f64::INFINITY;
    }
    let m = m as f64;
    // `ln_1p(-x/m)` is `ln(1 − x/m)`, accurate when few bits are set.
    -(m / f64::from(k)) * (-(x as f64) / m).ln_1p()
}

/// The number of bits set in `words`.
fn popcount(words: impl Iterator<Item = u64>) -> u64 {
    words.map(|w| u64::from(w.count_ones())).sum()
}

/// A standard Bloom filter: `m` bits in 64-bit words, an item's `k` bits anywhere among them.
#[derive(Clone, PartialEq, Eq)]
pub struct BloomFilter {
    words: Box<[u64]>,
    /// `m`: `64 × words.len()`.
    bits: u64,
    hashes: u32,
    /// The bits set, counted as inserts set them.
    set: u64,
}

impl BloomFilter {
    fn new(bits: u64, hashes: u32) -> Self {
        let words = vec![0u64; units(bits, WORD_BITS)].into_boxed_slice();
        BloomFilter {
            bits: words.len() as u64 * WORD_BITS,
            words,
            hashes,
            set: 0,
        }
    }
}

impl fmt::Debug for BloomFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BloomFilter")
            .field("bits", &self.bits)
            .field("hashes", &self.hashes)
            .field("bits_set", &self.set)
            .finish_non_exhaustive()
    }
}

impl Filter for BloomFilter {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (bits, hashes) = shape_for_rate(expected_items, rate)?;
        Ok(Self::new(bits, hashes))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape(bits, hashes)?;
        Ok(Self::new(bits, hashes))
    }

    #[inline]
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        let h = hash(item);
        let delta = step(h);
        let mut g = h;
        let mut newly = 0;
        for _ in 0..self.hashes {
            let pos = fast_range(g, self.bits);
            let word = &mut self.words[(pos / WORD_BITS) as usize];
            let bit = 1u64 << (pos % WORD_BITS);
            // Two of an item's positions may coincide: the second finds its bit set already.
            newly += u64::from(*word & bit == 0);
            *word |= bit;
            g = g.wrapping_add(delta);
        }
        self.set += newly;
        newly == 0
    }

    #[inline]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let h = hash(item);
        let delta = step(h);
        let mut g = h;
        for _ in 0..self.hashes {
            let pos = fast_range(g, self.bits);
            if self.words[(pos / WORD_BITS) as usize] & (1u64 << (pos % WORD_BITS)) == 0 {
                return false;
            }
            g = g.wrapping_add(delta);
        }
        true
    }

    fn bits_set(&self) -> u64 {
        self.set
    }

    fn estimated_items(&self) -> f64 {
        estimate(self.set, self.bits, self.hashes)
    }

    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        if (self.bits, self.hashes) != (other.bits, other.hashes) {
            return Err(ShapeMismatch {
                ours: (self.bits, self.hashes),
                theirs: (other.bits, other.hashes),
            });
        }
        for (ours, theirs) in self.words.iter_mut().zip(other.words.iter()) {
            *ours |= theirs;
        }
        self.set = popcount(self.words.iter().copied());
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.bits
    }

    fn hashes(&self) -> u32 {
        self.hashes
    }
}

/// One 512-bit block, aligned on a 64-byte cache line so that it is never split across two.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
#[repr(C, align(64))]
struct Block([u64; 8]);

/// The multipliers that draw an item's in-block positions: `C^1, C^2, …, C^64` (mod 2^64) for an
/// odd `C` (`⌊2^64/φ⌋`, Knuth's multiplicative-hashing constant, which is odd).
const MULTIPLIERS: [u64; MAX_HASHES as usize] = {
    let c: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut table = [0u64; MAX_HASHES as usize];
    let mut power = c;
    let mut i = 0;
    while i < table.len() {
        table[i] = power;
        power = power.wrapping_mul(c);
        i += 1;
    }
    table
};

/// Calls `f` with each of the `k` in-block positions (in `[0, 512)`) of hash `h`: the top 9 bits
/// of `h·C^i`, `i = 1..=k`.
///
/// Why not double hashing, as the standard layout does: inside 512 bits it correlates the
/// positions of different items. Measured with 100 000 sequential keys and 10^6 absent ones,
/// `(a + i·b) mod 512` on 9-bit `a`, `b` gave 1.15× the blocked filter's formula at 1 % and
/// 1.98× at 0.1 % (only 2^17 patterns: two items often share most of their bits), and `a + i·b`
/// on 64 bits, top 9 bits kept, 1.06× and 1.38×; these independent products give 1.02× and
/// 1.03×. The `k` multiplications do not depend on each other, so they pipeline: the cost is
/// that of double hashing's additions, give or take a cycle each.
#[inline]
fn for_block_positions(h: u64, k: u32, mut f: impl FnMut(u32)) {
    for &multiplier in &MULTIPLIERS[..k as usize] {
        f((h.wrapping_mul(multiplier) >> 55) as u32);
    }
}

/// A blocked Bloom filter (Putze, Sanders and Singler 2007): 512-bit blocks, an item's `k` bits
/// all in the one block its hash picks.
#[derive(Clone, PartialEq, Eq)]
pub struct BlockedBloomFilter {
    blocks: Box<[Block]>,
    hashes: u32,
    /// The bits set, counted as inserts set them.
    set: u64,
}

impl BlockedBloomFilter {
    fn new(bits: u64, hashes: u32) -> Self {
        BlockedBloomFilter {
            blocks: vec![Block::default(); units(bits, BLOCK_BITS)].into_boxed_slice(),
            hashes,
            set: 0,
        }
    }

    /// The block `h` picks.
    #[inline]
    fn block_index(&self, h: u64) -> usize {
        fast_range(h, self.blocks.len() as u64) as usize
    }
}

impl fmt::Debug for BlockedBloomFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockedBloomFilter")
            .field("bits", &self.bits())
            .field("hashes", &self.hashes)
            .field("bits_set", &self.set)
            .finish_non_exhaustive()
    }
}

impl Filter for BlockedBloomFilter {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (bits, hashes) = shape_for_rate(expected_items, rate)?;
        Ok(Self::new(bits, hashes))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape(bits, hashes)?;
        Ok(Self::new(bits, hashes))
    }

    #[inline]
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        let h = hash(item);
        let index = self.block_index(h);
        let block = &mut self.blocks[index].0;
        let mut newly = 0;
        for_block_positions(h, self.hashes, |p| {
            let word = &mut block[(p / 64) as usize];
            newly += u64::from((*word >> (p % 64)) & 1 == 0);
            *word |= 1u64 << (p % 64);
        });
        self.set += newly;
        newly == 0
    }

    #[inline]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let h = hash(item);
        let block = &self.blocks[self.block_index(h)].0;
        // No branch per bit: the `k` tests are ANDed together. Measured with 16 Ki keys (the
        // filter in cache), half of the lookups absent: 4.8 ns a lookup, where stopping at the
        // first unset bit took 8.1 (a mispredicted branch on most absent keys) and building eight
        // masks to compare with the block 8.5.
        let mut all = 1;
        for_block_positions(h, self.hashes, |p| {
            all &= block[(p / 64) as usize] >> (p % 64);
        });
        all & 1 == 1
    }

    fn bits_set(&self) -> u64 {
        self.set
    }

    fn estimated_items(&self) -> f64 {
        estimate(self.set, self.bits(), self.hashes)
    }

    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        if (self.bits(), self.hashes) != (other.bits(), other.hashes) {
            return Err(ShapeMismatch {
                ours: (self.bits(), self.hashes),
                theirs: (other.bits(), other.hashes),
            });
        }
        for (ours, theirs) in self.blocks.iter_mut().zip(other.blocks.iter()) {
            for (o, t) in ours.0.iter_mut().zip(theirs.0) {
                *o |= t;
            }
        }
        self.set = popcount(self.blocks.iter().flat_map(|b| b.0));
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.blocks.len() as u64 * BLOCK_BITS
    }

    fn hashes(&self) -> u32 {
        self.hashes
    }
}

/// A standard Bloom filter shared by threads: its words are atomic and an insert sets its bits
/// with `fetch_or`, so no interleaving loses one; no lock is taken.
///
/// Orderings: an insert's `fetch_or`s are `Release` and a lookup's loads `Acquire`, so a thread
/// that finds an item also sees what the inserting thread wrote before inserting it (free on
/// x86-64, where every atomic read-modify-write is a full barrier and every load an acquire).
pub struct AtomicBloomFilter {
    words: Box<[AtomicU64]>,
    /// `m`: `64 × words.len()`.
    bits: u64,
    hashes: u32,
}

impl AtomicBloomFilter {
    fn new(bits: u64, hashes: u32) -> Self {
        let words: Box<[AtomicU64]> = (0..units(bits, WORD_BITS))
            .map(|_| AtomicU64::new(0))
            .collect();
        AtomicBloomFilter {
            bits: words.len() as u64 * WORD_BITS,
            words,
            hashes,
        }
    }
}

impl fmt::Debug for AtomicBloomFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicBloomFilter")
            .field("bits", &self.bits)
            .field("hashes", &self.hashes)
            .finish_non_exhaustive()
    }
}

impl ConcurrentFilter for AtomicBloomFilter {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (bits, hashes) = shape_for_rate(expected_items, rate)?;
        Ok(Self::new(bits, hashes))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape(bits, hashes)?;
        Ok(Self::new(bits, hashes))
    }

    #[inline]
    fn insert<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let h = hash(item);
        let delta = step(h);
        let mut g = h;
        let mut all_set = true;
        for _ in 0..self.hashes {
            let pos = fast_range(g, self.bits);
            let word = &self.words[(pos / WORD_BITS) as usize];
            let bit = 1u64 << (pos % WORD_BITS);
            // A bit already set needs no write: reading it keeps the cache line shared between
            // the threads that look it up.
            if word.load(Ordering::Acquire) & bit == 0 {
                all_set &= word.fetch_or(bit, Ordering::Release) & bit != 0;
            }
            g = g.wrapping_add(delta);
        }
        all_set
    }

    #[inline]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let h = hash(item);
        let delta = step(h);
        let mut g = h;
        for _ in 0..self.hashes {
            let pos = fast_range(g, self.bits);
            let word = self.words[(pos / WORD_BITS) as usize].load(Ordering::Acquire);
            if word & (1u64 << (pos % WORD_BITS)) == 0 {
                return false;
            }
            g = g.wrapping_add(delta);
        }
        true
    }

    fn bits_set(&self) -> u64 {
        popcount(self.words.iter().map(|w| w.load(Ordering::Relaxed)))
    }

    fn estimated_items(&self) -> f64 {
        estimate(self.bits_set(), self.bits, self.hashes)
    }

    fn bits(&self) -> u64 {
        self.bits
    }

    fn hashes(&self) -> u32 {
        self.hashes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `⌈−n·ln p / (ln 2)²⌉`, the textbook number of bits.
    fn formula_bits(n: u64, p: f64) -> u64 {
        (-(n as f64) * p.ln() / (LN_2 * LN_2)).ceil() as u64
    }

    /// Runs `check` on both single-thread filters.
    fn both(check: impl Fn(&dyn Fn(u64, u32) -> Box<dyn Probe>)) {
        check(&|bits, hashes| Box::new(BloomFilter::with_shape(bits, hashes).unwrap()));
        check(&|bits, hashes| Box::new(BlockedBloomFilter::with_shape(bits, hashes).unwrap()));
        check(&|bits, hashes| Box::new(AtomicBloomFilter::with_shape(bits, hashes).unwrap()));
    }

    /// The operations every filter has, on `u64` keys, object-safe so the tests run on all three.
    trait Probe {
        fn put(&mut self, key: u64) -> bool;
        fn has(&self, key: u64) -> bool;
        fn weight(&self) -> u64;
        fn estimate(&self) -> f64;
        fn size(&self) -> u64;
    }

    impl<F: Filter> Probe for F {
        fn put(&mut self, key: u64) -> bool {
            Filter::insert(self, &key)
        }
        fn has(&self, key: u64) -> bool {
            Filter::contains(self, &key)
        }
        fn weight(&self) -> u64 {
            Filter::bits_set(self)
        }
        fn estimate(&self) -> f64 {
            Filter::estimated_items(self)
        }
        fn size(&self) -> u64 {
            Filter::bits(self)
        }
    }

    impl Probe for AtomicBloomFilter {
        fn put(&mut self, key: u64) -> bool {
            ConcurrentFilter::insert(self, &key)
        }
        fn has(&self, key: u64) -> bool {
            ConcurrentFilter::contains(self, &key)
        }
        fn weight(&self) -> u64 {
            ConcurrentFilter::bits_set(self)
        }
        fn estimate(&self) -> f64 {
            ConcurrentFilter::estimated_items(self)
        }
        fn size(&self) -> u64 {
            ConcurrentFilter::bits(self)
        }
    }

    #[test]
    fn with_rate_follows_the_formulas() {
        for (n, p, k) in [
            (1000, 0.01, 7),
            (1_000_000, 0.001, 10),
            (1, 0.5, 1),
            (100_000, 0.1, 3),
            (10, 0.99, 1),
        ] {
            let m = formula_bits(n, p);
            let standard = BloomFilter::with_rate(n, p).unwrap();
            let blocked = BlockedBloomFilter::with_rate(n, p).unwrap();
            let atomic = AtomicBloomFilter::with_rate(n, p).unwrap();
            assert_eq!(Filter::bits(&standard), m.div_ceil(64) * 64, "{n} at {p}");
            assert_eq!(Filter::bits(&blocked), m.div_ceil(512) * 512, "{n} at {p}");
            assert_eq!(
                ConcurrentFilter::bits(&atomic),
                m.div_ceil(64) * 64,
                "{n} at {p}"
            );
            assert_eq!(Filter::hashes(&standard), k);
            assert_eq!(Filter::hashes(&blocked), k);
            assert_eq!(ConcurrentFilter::hashes(&atomic), k);
        }
        // 1000 at 1 %: 9585.06 bits, 9.59 per item.
        assert_eq!(formula_bits(1000, 0.01), 9586);
    }

    #[test]
    fn with_rate_refuses_in_order() {
        use ConfigError::*;
        for (n, p, error) in [
            (0, f64::NAN, ZeroItems),
            (0, 0.01, ZeroItems),
            (1, f64::NAN, RateOutOfRange),
            (1, 0.0, RateOutOfRange),
            (1, 1.0, RateOutOfRange),
            (1, -0.5, RateOutOfRange),
            (1, f64::INFINITY, RateOutOfRange),
            (u64::MAX, 0.5, TooManyBits),
            (1 << 40, 1e-30, TooManyBits),
            // 2^-65: 65 hashes, 90 bits.
            (1, 2f64.powi(-65), TooManyHashes),
            (1, f64::MIN_POSITIVE / 4.0, TooManyHashes),
        ] {
            assert_eq!(shape_for_rate(n, p), Err(error), "{n} at {p}");
            assert_eq!(BloomFilter::with_rate(n, p).err(), Some(error));
            assert_eq!(BlockedBloomFilter::with_rate(n, p).err(), Some(error));
            assert_eq!(AtomicBloomFilter::with_rate(n, p).err(), Some(error));
        }
        // The largest number of hashes is accepted: 2^-64.
        assert_eq!(shape_for_rate(1, 2f64.powi(-64)), Ok((93, 64)));
        // Just under MAX_BITS at 50 %: 2^36 · (ln 2)² / ln 2 items.
        let most = (MAX_BITS as f64 * LN_2).floor() as u64;
        assert!(shape_for_rate(most, 0.5).is_ok());
        assert_eq!(shape_for_rate(most + 2, 0.5), Err(TooManyBits));
    }

    #[test]
    fn with_shape_refuses_in_order_and_rounds_up() {
        use ConfigError::*;
        for (bits, hashes, error) in [
            (0, 0, ZeroBits),
            (0, 65, ZeroBits),
            (1, 0, ZeroHashes),
            (MAX_BITS + 1, 0, ZeroHashes),
            (MAX_BITS + 1, 65, TooManyBits),
            (MAX_BITS + 1, 1, TooManyBits),
            (1, MAX_HASHES + 1, TooManyHashes),
        ] {
            assert_eq!(check_shape(bits, hashes), Err(error), "{bits}, {hashes}");
            assert_eq!(BloomFilter::with_shape(bits, hashes).err(), Some(error));
            assert_eq!(
                BlockedBloomFilter::with_shape(bits, hashes).err(),
                Some(error)
            );
            assert_eq!(
                AtomicBloomFilter::with_shape(bits, hashes).err(),
                Some(error)
            );
        }
        assert_eq!(check_shape(MAX_BITS, MAX_HASHES), Ok(()));
        for (bits, standard, blocked) in [
            (1, 64, 512),
            (64, 64, 512),
            (65, 128, 512),
            (513, 576, 1024),
        ] {
            assert_eq!(
                Filter::bits(&BloomFilter::with_shape(bits, 3).unwrap()),
                standard
            );
            assert_eq!(
                Filter::bits(&BlockedBloomFilter::with_shape(bits, 3).unwrap()),
                blocked
            );
            assert_eq!(
                ConcurrentFilter::bits(&AtomicBloomFilter::with_shape(bits, 3).unwrap()),
                standard
            );
            assert_eq!(
                Filter::hashes(&BloomFilter::with_shape(bits, 3).unwrap()),
                3
            );
        }
    }

    #[test]
    fn inserts_are_found_and_counted() {
        both(|new| {
            let mut filter = new(1 << 16, 4);
            assert_eq!(filter.weight(), 0);
            assert_eq!(filter.estimate(), 0.0);
            assert!((0..10_000).all(|key| !filter.has(key)));
            assert!(!filter.put(42));
            assert!(filter.has(42));
            assert!((1..=4).contains(&filter.weight()));
            assert!(filter.put(42));
            for key in 0..1000 {
                filter.put(key);
            }
            assert!((0..1000).all(|key| filter.has(key)));
        });
    }

    #[test]
    fn bits_set_is_the_number_of_bits_set() {
        let mut standard = BloomFilter::with_shape(4096, 5).unwrap();
        let mut blocked = BlockedBloomFilter::with_shape(4096, 5).unwrap();
        for key in 0..500u64 {
            standard.insert(&key);
            blocked.insert(&key);
            assert_eq!(standard.set, popcount(standard.words.iter().copied()));
            assert_eq!(
                blocked.set,
                popcount(blocked.blocks.iter().flat_map(|b| b.0))
            );
        }
    }

    #[test]
    fn a_str_and_a_string_hash_alike() {
        let mut filter = BloomFilter::with_rate(100, 0.01).unwrap();
        filter.insert("https://example.com/");
        assert!(filter.contains(&String::from("https://example.com/")));
        let mut blocked = BlockedBloomFilter::with_rate(100, 0.01).unwrap();
        blocked.insert(&("user", 7u32));
        assert!(blocked.contains(&("user", 7u32)));
        assert!(!blocked.contains(&("user", 8u32)));
    }

    #[test]
    fn union_is_the_filter_of_both_sets() {
        fn check<F: Filter + PartialEq + fmt::Debug>() {
            let mut a = F::with_rate(1000, 0.01).unwrap();
            let mut b = F::with_rate(1000, 0.01).unwrap();
            let mut both = F::with_rate(1000, 0.01).unwrap();
            for key in 0..300u64 {
                a.insert(&key);
                both.insert(&key);
            }
            for key in 200..600u64 {
                b.insert(&key);
                both.insert(&key);
            }
            a.union(&b).unwrap();
            assert_eq!(a, both);
            assert_eq!(a.bits_set(), both.bits_set());

            let other = F::with_rate(1000, 0.001).unwrap();
            let before = a.bits_set();
            let error = a.union(&other).unwrap_err();
            assert_eq!(error.ours, (a.bits(), a.hashes()));
            assert_eq!(error.theirs, (other.bits(), other.hashes()));
            assert_eq!(a, both);
            assert_eq!(a.bits_set(), before);
        }
        check::<BloomFilter>();
        check::<BlockedBloomFilter>();
    }

    #[test]
    fn a_full_filter_contains_everything() {
        both(|new| {
            let mut filter = new(64, 3);
            let bits = filter.size();
            for key in 0..100_000 {
                filter.put(key);
            }
            assert_eq!(filter.weight(), bits);
            assert_eq!(filter.estimate(), f64::INFINITY);
            assert!((1_000_000..1_001_000).all(|key| filter.has(key)));
        });
    }

    #[test]
    fn estimated_items_is_close() {
        both(|new| {
            let mut filter = new(formula_bits(10_000, 0.01), 7);
            for key in 0..10_000 {
                filter.put(key);
            }
            let estimate = filter.estimate();
            assert!((estimate - 10_000.0).abs() < 500.0, "{estimate}");
        });
        assert_eq!(estimate(0, 64, 3), 0.0);
        // One bit of 64 set by 1 hash: −64·ln(63/64) = 1.007 894 8…
        assert!((estimate(1, 64, 1) - 1.007_895).abs() < 1e-6);
    }

    /// The blocked filter's false-positive rate for `n` items: the Poisson mixture over block
    /// loads, `λ = n·512/m`.
    fn blocked_formula(n: u64, m: u64, k: u32) -> f64 {
        let lambda = n as f64 * 512.0 / m as f64;
        let mut pois = (-lambda).exp();
        let mut sum = 0.0;
        for j in 0..(lambda * 10.0 + 100.0) as u32 {
            if j > 0 {
                pois *= lambda / f64::from(j);
            }
            let one = 1.0 - (1.0 - 1.0 / 512.0f64).powf(f64::from(k * j));
            sum += pois * one.powi(k as i32);
        }
        sum
    }

    #[test]
    fn false_positive_rates_follow_the_formulas() {
        let (n, absent) = (20_000u64, 200_000u64);
        for p in [0.1, 0.01, 0.001] {
            let mut standard = BloomFilter::with_rate(n, p).unwrap();
            let mut blocked = BlockedBloomFilter::with_rate(n, p).unwrap();
            for key in 0..n {
                standard.insert(&key);
                blocked.insert(&key);
            }
            let k = Filter::hashes(&standard);
            let rate = |filter: &dyn Fn(&u64) -> bool| {
                (n..n + absent).filter(|key| filter(key)).count() as f64 / absent as f64
            };
            let limit = |f: f64| f * 1.15 + 4.0 * (f * (1.0 - f) / absent as f64).sqrt();
            let m = Filter::bits(&standard) as f64;
            let formula = (1.0 - (-f64::from(k) * n as f64 / m).exp()).powi(k as i32);
            let measured = rate(&|key| standard.contains(key));
            assert!(
                measured <= limit(formula),
                "standard at {p}: {measured} > {formula}"
            );
            let formula = blocked_formula(n, Filter::bits(&blocked), k);
            let measured = rate(&|key| blocked.contains(key));
            assert!(
                measured <= limit(formula),
                "blocked at {p}: {measured} > {formula}"
            );
        }
    }

    #[test]
    fn in_block_positions_are_the_products_top_bits() {
        assert_eq!(MULTIPLIERS[0], 0x9e37_79b9_7f4a_7c15);
        assert_eq!(MULTIPLIERS[2], MULTIPLIERS[0].wrapping_mul(MULTIPLIERS[1]));
        assert!(MULTIPLIERS.iter().all(|m| m % 2 == 1));
        let mut distinct = std::collections::HashSet::new();
        for_block_positions(u64::MAX, MAX_HASHES, |p| {
            assert!(p < 512);
            distinct.insert(p);
        });
        assert!(distinct.len() >= 48, "{}", distinct.len());
    }

    #[test]
    fn threads_lose_no_bit() {
        let shared = AtomicBloomFilter::with_rate(40_000, 0.01).unwrap();
        let single = AtomicBloomFilter::with_rate(40_000, 0.01).unwrap();
        std::thread::scope(|scope| {
            for t in 0..4u64 {
                let shared = &shared;
                scope.spawn(move || {
                    for key in t * 10_000..(t + 1) * 10_000 {
                        shared.insert(&key);
                    }
                });
            }
        });
        for key in 0..40_000u64 {
            single.insert(&key);
        }
        assert!((0..40_000u64).all(|key| shared.contains(&key)));
        assert_eq!(shared.bits_set(), single.bits_set());
        // The same bits as the standard filter of that shape.
        let mut standard = BloomFilter::with_rate(40_000, 0.01).unwrap();
        for key in 0..40_000u64 {
            standard.insert(&key);
        }
        assert_eq!(standard.bits_set(), single.bits_set());
    }
}
