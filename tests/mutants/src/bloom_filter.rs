//! Known-wrong `bloom-filter` implementations.
//!
//! Most are one textbook standard filter, [`Textbook`] (the bits in a [`Store`], one 64-bit hash
//! per item from std's `DefaultHasher`, SipHash with fixed keys, double hashing `h1 + i·h2` with
//! `h2` the hash's halves swapped and forced odd, positions by multiply-shift), with one mistake
//! switched on by its `BUG` parameter; [`DoubleHashedBlocks`] is a blocked filter whose in-block
//! positions come from double hashing on 9 bits; the thread-safe ones are [`AtomicWords`], each
//! splitting or misreading one atomic step, and [`LockedFilter`], a textbook filter behind a
//! mutex.

use std::f64::consts::LN_2;
use std::hash::{BuildHasher, DefaultHasher, Hash, Hasher, RandomState};
use std::marker::PhantomData;

use kata_core::bloom_filter::{
    ConcurrentFilter, ConfigError, Filter, ShapeMismatch, MAX_BITS, MAX_HASHES,
};
use kata_core::catalogue::Stage;
use kata_core::sync::atomic::{AtomicU64, Ordering};
use kata_core::sync::Mutex;
use kata_suites::bloom_filter::BloomFilterFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "bloom-filter", suite bloom_filter, reference R: BloomFilterFamily;
    "k-from-rounded-m" => WithStandard<Words<K_FROM_ROUNDED_M>, R> {
        mistake: "k is the optimum for the filter's own m, (m/n)·ln 2, with m already rounded up \
                   to whole words: for few items the rounding dwarfs m, and one item at 50 % gets \
                   44 hashes instead of 1",
        rejected_by: [examples],
        passes: [],
    }
    "ln2-not-squared" => WithStandard<Words<LN2_NOT_SQUARED>, R> {
        mistake: "m is −n·ln p / ln 2, the square dropped from (ln 2)²: 0.69 times the bits the \
                   rate needs",
        rejected_by: [examples],
        passes: [],
    }
    "k-unclamped" => WithStandard<Words<K_UNCLAMPED>, R> {
        mistake: "k is log2(1/p) rounded, without the floor of 1: a rate near 1 gets 0 hashes, and \
                   then every lookup answers present",
        rejected_by: [examples],
        passes: [],
    }
    "too-many-bits-first" => WithStandard<Words<TOO_MANY_BITS_FIRST>, R> {
        mistake: "with_shape checks for too many bits before zero hashes: (MAX_BITS + 1, 0) is \
                   TooManyBits, where the documented order says ZeroHashes",
        rejected_by: [examples],
        passes: [],
    }
    "union-adds-counts" => WithStandard<Words<UNION_ADDS_COUNTS>, R> {
        mistake: "union ORs the words but adds the two filters' bits_set, so a bit set in both \
                   counts twice",
        rejected_by: [examples],
        passes: [],
    }
    "union-unchecked" => WithStandard<Words<UNION_UNCHECKED>, R> {
        mistake: "union ORs the words it can pair up without comparing the shapes: filters of \
                   different bits or hashes are merged into nonsense instead of refused",
        rejected_by: [examples],
        passes: [],
    }
    "address-hash" => WithStandard<Words<ADDRESS_HASH>, R> {
        mistake: "the item is hashed by its address, not its value: a String is not found as the \
                   equal &str, nor a key inserted from one variable and looked up from another",
        rejected_by: [examples],
        passes: [],
    }
    "per-filter-seed" => WithStandard<Words<PER_FILTER_SEED>, R> {
        mistake: "each filter hashes with its own RandomState::new(): two filters of one shape \
                   put an item at different bits, so their union means nothing",
        rejected_by: [examples],
        passes: [],
    }
    "insert-any-set" => WithStandard<Words<INSERT_ANY_SET>, R> {
        mistake: "insert returns true when any of the item's bits was set already, not all of \
                   them: a new item that shares one bit with another is reported as present",
        rejected_by: [properties],
        passes: [examples],
    }
    "atomic-mutex" => WithAtomic<LockedFilter, R> {
        mistake: "the thread-safe filter is the single-thread one behind a kata_core::sync::Mutex: \
                   right answers, but every call takes a lock, where the kata asks for atomic \
                   words and fetch_or",
        rejected_by: [properties],
        passes: [examples],
    }
    "byte-per-bit" => WithStandard<Textbook<Vec<bool>, CORRECT>, R> {
        mistake: "the bits are a Vec<bool>: right answers, but each bit takes a byte, 8 times \
                   the memory the filter is for",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "lookup-k-minus-1" => WithStandard<Words<LOOKUP_K_MINUS_1>, R> {
        mistake: "contains tests the first k − 1 of the item's k positions (an off-by-one in its \
                   loop): no false negative, but about twice the false positives",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "in-block-double-hashing" => WithBlocked<DoubleHashedBlocks, R> {
        mistake: "the blocked filter draws its k in-block positions as (a + i·b) mod 512 from 9-bit \
                   a and b, double hashing as the standard layout does: 2^17 patterns in all, and \
                   two items in a block often share most of their bits",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "load-then-store" => WithAtomic<AtomicWords<LOAD_THEN_STORE>, R> {
        mistake: "the atomic filter sets a bit by loading the word and storing it back with the \
                   bit ORed in, instead of fetch_or: two inserts into one word can each write \
                   over the other's bit",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "counts-from-loads" => WithAtomic<AtomicWords<COUNTS_FROM_LOADS>, R> {
        mistake: "the atomic filter keeps bits_set in a shared counter, bumped for each bit a load \
                   found clear before its fetch_or: two threads setting the same bit both count it",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "recount-after-insert" => WithStandard<Words<RECOUNT_AFTER_INSERT>, R> {
        mistake: "bits_set is kept by counting the ones of every word after each insert: right, \
                   but O(m) per insert",
        rejected_by: [complexity],
        slow_in: "insert",
        passes: [examples, properties],
    }
    "atomic-count-before-after" => WithAtomic<AtomicWords<COUNT_BEFORE_AFTER>, R> {
        mistake: "the atomic filter's insert counts the bits set before and after setting its own \
                   and answers true when the count did not change: O(m) per insert",
        rejected_by: [complexity],
        slow_in: "atomic-insert",
        passes: [examples, properties],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: BloomFilterFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::bloom_filter`).
        "sip-modulo" => kata_suites::grade!(
            bloom_filter,
            crate::alternatives::bloom_filter::SipModuloFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no bloom-filter mutant named `{name}`")),
    }
}

// ---- Families: one wrong type, the reference's others. ----

/// A family with the standard filter `S` and the reference's other types.
pub struct WithStandard<S, R>(PhantomData<(S, R)>);

impl<S, R> BloomFilterFamily for WithStandard<S, R>
where
    S: Filter + Send + Sync + 'static,
    R: BloomFilterFamily,
{
    type Standard = S;
    type Blocked = R::Blocked;
    type Atomic = R::Atomic;
}

/// A family with the blocked filter `B` and the reference's other types.
pub struct WithBlocked<B, R>(PhantomData<(B, R)>);

impl<B, R> BloomFilterFamily for WithBlocked<B, R>
where
    B: Filter + Send + Sync + 'static,
    R: BloomFilterFamily,
{
    type Standard = R::Standard;
    type Blocked = B;
    type Atomic = R::Atomic;
}

/// A family with the thread-safe filter `A` and the reference's other types.
pub struct WithAtomic<A, R>(PhantomData<(A, R)>);

impl<A, R> BloomFilterFamily for WithAtomic<A, R>
where
    A: ConcurrentFilter + 'static,
    R: BloomFilterFamily,
{
    type Standard = R::Standard;
    type Blocked = R::Blocked;
    type Atomic = A;
}

// ---- Bugs, switched on one at a time. ----

const CORRECT: u8 = 0;
const K_FROM_ROUNDED_M: u8 = 1;
const LN2_NOT_SQUARED: u8 = 2;
const K_UNCLAMPED: u8 = 3;
const TOO_MANY_BITS_FIRST: u8 = 4;
const UNION_ADDS_COUNTS: u8 = 5;
const UNION_UNCHECKED: u8 = 6;
const ADDRESS_HASH: u8 = 7;
const PER_FILTER_SEED: u8 = 8;
const INSERT_ANY_SET: u8 = 9;
const LOOKUP_K_MINUS_1: u8 = 10;
const RECOUNT_AFTER_INSERT: u8 = 11;
const LOAD_THEN_STORE: u8 = 12;
const COUNTS_FROM_LOADS: u8 = 13;
const COUNT_BEFORE_AFTER: u8 = 14;

// ---- What every filter here shares: hashing, sizing, the estimate. ----

/// The item's 64-bit hash: SipHash with std's fixed keys, the same in every filter.
fn fixed_hash<T: Hash + ?Sized>(item: &T) -> u64 {
    let mut h = DefaultHasher::new();
    item.hash(&mut h);
    h.finish()
}

/// The step of the double hashing: the hash's halves swapped, forced odd.
fn step(h: u64) -> u64 {
    h.rotate_left(32) | 1
}

/// `g` brought into `[0, n)` by multiply-shift: `⌊g·n / 2^64⌋`.
fn fast_range(g: u64, n: u64) -> u64 {
    ((u128::from(g) * u128::from(n)) >> 64) as u64
}

/// `(bits, hashes)` for `n` items at `rate`, checked in the documented order; the bits before
/// rounding to `unit`, the unit needed for [`K_FROM_ROUNDED_M`].
fn shape_for_rate<const BUG: u8>(n: u64, rate: f64, unit: u64) -> Result<(u64, u32), ConfigError> {
    if n == 0 {
        return Err(ConfigError::ZeroItems);
    }
    if !(rate > 0.0 && rate < 1.0) {
        return Err(ConfigError::RateOutOfRange);
    }
    let per = if BUG == LN2_NOT_SQUARED {
        LN_2
    } else {
        LN_2 * LN_2
    };
    let bits = (-(n as f64) * rate.ln() / per).ceil();
    if bits > MAX_BITS as f64 {
        return Err(ConfigError::TooManyBits);
    }
    let bits = (bits as u64).max(1);
    let hashes = match BUG {
        K_FROM_ROUNDED_M => (bits.div_ceil(unit) * unit) as f64 / n as f64 * LN_2,
        _ => -rate.log2(),
    }
    .round();
    let hashes = if BUG == K_UNCLAMPED {
        hashes
    } else {
        hashes.max(1.0)
    };
    if hashes > f64::from(MAX_HASHES) {
        return Err(ConfigError::TooManyHashes);
    }
    Ok((bits, hashes as u32))
}

/// Checks a shape in the documented order (or, for [`TOO_MANY_BITS_FIRST`], not).
fn check_shape<const BUG: u8>(bits: u64, hashes: u32) -> Result<(), ConfigError> {
    if bits == 0 {
        return Err(ConfigError::ZeroBits);
    }
    if BUG == TOO_MANY_BITS_FIRST && bits > MAX_BITS {
        return Err(ConfigError::TooManyBits);
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

/// `−(m/k)·ln(1 − x/m)`, infinite when every bit is set.
fn estimate(x: u64, m: u64, k: u32) -> f64 {
    if x >= m {
        return f64::INFINITY;
    }
    -(m as f64 / f64::from(k)) * (1.0 - x as f64 / m as f64).ln()
}

/// How many `unit`-bit units hold `bits` bits.
fn units(bits: u64, unit: u64) -> usize {
    usize::try_from(bits.div_ceil(unit)).expect("at most MAX_BITS bits")
}

// ---- The textbook standard filter. ----

/// Where a [`Textbook`] filter keeps its bits.
pub trait Store: Sized {
    /// How many bits a store for `bits` bits holds.
    fn rounded(bits: u64) -> u64;
    /// A store of [`Store::rounded`]`(bits)` bits, all clear.
    fn clear(bits: u64) -> Self;
    /// Bit `i`.
    fn get(&self, i: u64) -> bool;
    /// Sets bit `i`; whether it was clear.
    fn set(&mut self, i: u64) -> bool;
    /// ORs `other`'s bits into this store, as far as both reach.
    fn or(&mut self, other: &Self);
    /// The bits set, counted one by one.
    fn count(&self) -> u64;
}

/// Bits packed 64 to a word.
impl Store for Box<[u64]> {
    fn rounded(bits: u64) -> u64 {
        bits.div_ceil(64) * 64
    }
    fn clear(bits: u64) -> Self {
        vec![0u64; units(bits, 64)].into_boxed_slice()
    }
    fn get(&self, i: u64) -> bool {
        self[(i / 64) as usize] >> (i % 64) & 1 == 1
    }
    fn set(&mut self, i: u64) -> bool {
        let word = &mut self[(i / 64) as usize];
        let bit = 1u64 << (i % 64);
        let was_clear = *word & bit == 0;
        *word |= bit;
        was_clear
    }
    fn or(&mut self, other: &Self) {
        for (ours, theirs) in self.iter_mut().zip(other.iter()) {
            *ours |= theirs;
        }
    }
    fn count(&self) -> u64 {
        self.iter().map(|w| u64::from(w.count_ones())).sum()
    }
}

/// A byte per bit.
impl Store for Vec<bool> {
    fn rounded(bits: u64) -> u64 {
        bits
    }
    fn clear(bits: u64) -> Self {
        vec![false; units(bits, 1)]
    }
    fn get(&self, i: u64) -> bool {
        self[i as usize]
    }
    fn set(&mut self, i: u64) -> bool {
        !std::mem::replace(&mut self[i as usize], true)
    }
    fn or(&mut self, other: &Self) {
        for (ours, theirs) in self.iter_mut().zip(other.iter()) {
            *ours |= theirs;
        }
    }
    fn count(&self) -> u64 {
        self.iter().filter(|&&b| b).count() as u64
    }
}

/// [`Textbook`] on 64-bit words.
pub type Words<const BUG: u8> = Textbook<Box<[u64]>, BUG>;

/// A standard filter: the bits in a store `S`, an item's `k` positions by double hashing one
/// SipHash, with bug `BUG`.
pub struct Textbook<S, const BUG: u8> {
    store: S,
    bits: u64,
    hashes: u32,
    /// The bits set, counted as inserts set them.
    set: u64,
    /// The keys of this filter's own hash ([`PER_FILTER_SEED`] only).
    seed: Option<RandomState>,
}

impl<S: Store, const BUG: u8> Textbook<S, BUG> {
    fn new(bits: u64, hashes: u32) -> Self {
        Textbook {
            store: S::clear(bits),
            bits: S::rounded(bits),
            hashes,
            set: 0,
            seed: (BUG == PER_FILTER_SEED).then(RandomState::new),
        }
    }

    fn hash<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        match (&self.seed, BUG) {
            (Some(seed), _) => seed.hash_one(item),
            (None, ADDRESS_HASH) => fixed_hash(&((item as *const T).cast::<u8>() as usize)),
            (None, _) => fixed_hash(item),
        }
    }

    /// The `i`-th position of the item hashed to `h`.
    fn position(&self, h: u64, i: u32) -> u64 {
        fast_range(
            h.wrapping_add(u64::from(i).wrapping_mul(step(h))),
            self.bits,
        )
    }
}

impl<S: Store, const BUG: u8> Filter for Textbook<S, BUG> {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (bits, hashes) = shape_for_rate::<BUG>(expected_items, rate, S::rounded(1))?;
        Ok(Self::new(bits, hashes))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape::<BUG>(bits, hashes)?;
        Ok(Self::new(bits, hashes))
    }

    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        let h = self.hash(item);
        let (mut newly, mut any_was_set) = (0, false);
        for i in 0..self.hashes {
            let pos = self.position(h, i);
            if self.store.set(pos) {
                newly += 1;
            } else {
                any_was_set = true;
            }
        }
        self.set = if BUG == RECOUNT_AFTER_INSERT {
            self.store.count()
        } else {
            self.set + newly
        };
        if BUG == INSERT_ANY_SET {
            any_was_set
        } else {
            newly == 0
        }
    }

    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let h = self.hash(item);
        let tested = if BUG == LOOKUP_K_MINUS_1 {
            self.hashes - 1
        } else {
            self.hashes
        };
        (0..tested).all(|i| self.store.get(self.position(h, i)))
    }

    fn bits_set(&self) -> u64 {
        self.set
    }

    fn estimated_items(&self) -> f64 {
        estimate(self.set, self.bits, self.hashes)
    }

    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        if BUG != UNION_UNCHECKED && (self.bits, self.hashes) != (other.bits, other.hashes) {
            return Err(ShapeMismatch {
                ours: (self.bits, self.hashes),
                theirs: (other.bits, other.hashes),
            });
        }
        self.store.or(&other.store);
        self.set = if BUG == UNION_ADDS_COUNTS {
            self.set + other.set
        } else {
            self.store.count()
        };
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.bits
    }

    fn hashes(&self) -> u32 {
        self.hashes
    }
}

// ---- A blocked filter with double hashing inside the block. ----

/// A blocked filter whose block comes from the top bits of the hash (multiply-shift) and whose
/// `k` in-block positions are `(a + i·b) mod 512`, `a` the hash's low 9 bits and `b` the next 9,
/// forced odd.
pub struct DoubleHashedBlocks {
    blocks: Box<[[u64; 8]]>,
    hashes: u32,
    set: u64,
}

impl DoubleHashedBlocks {
    fn new(bits: u64, hashes: u32) -> Self {
        DoubleHashedBlocks {
            blocks: vec![[0u64; 8]; units(bits, 512)].into_boxed_slice(),
            hashes,
            set: 0,
        }
    }

    /// The block of the item hashed to `h`, and its in-block positions.
    fn positions(&self, h: u64) -> (usize, impl Iterator<Item = u64>) {
        let block = fast_range(h, self.blocks.len() as u64) as usize;
        let (a, b) = (h & 511, (h >> 9) & 511 | 1);
        (
            block,
            (0..u64::from(self.hashes)).map(move |i| (a + i * b) & 511),
        )
    }
}

impl Filter for DoubleHashedBlocks {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (bits, hashes) = shape_for_rate::<CORRECT>(expected_items, rate, 512)?;
        Ok(Self::new(bits, hashes))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape::<CORRECT>(bits, hashes)?;
        Ok(Self::new(bits, hashes))
    }

    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        let (index, positions) = self.positions(fixed_hash(item));
        let block = &mut self.blocks[index];
        let mut newly = 0;
        for p in positions {
            let bit = 1u64 << (p % 64);
            newly += u64::from(block[(p / 64) as usize] & bit == 0);
            block[(p / 64) as usize] |= bit;
        }
        self.set += newly;
        newly == 0
    }

    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let (index, mut positions) = self.positions(fixed_hash(item));
        let block = &self.blocks[index];
        positions.all(|p| block[(p / 64) as usize] >> (p % 64) & 1 == 1)
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
            for (o, t) in ours.iter_mut().zip(theirs) {
                *o |= t;
            }
        }
        self.set = self
            .blocks
            .iter()
            .flatten()
            .map(|w| u64::from(w.count_ones()))
            .sum();
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.blocks.len() as u64 * 512
    }

    fn hashes(&self) -> u32 {
        self.hashes
    }
}

// ---- Thread-safe filters. ----

/// The standard layout on atomic words, with bug `BUG` in how an insert sets its bits or counts
/// them.
pub struct AtomicWords<const BUG: u8> {
    words: Box<[AtomicU64]>,
    bits: u64,
    hashes: u32,
    /// The bits set, counted by inserts ([`COUNTS_FROM_LOADS`] only).
    counted: AtomicU64,
}

impl<const BUG: u8> AtomicWords<BUG> {
    fn new(bits: u64, hashes: u32) -> Self {
        let words: Box<[AtomicU64]> = (0..units(bits, 64)).map(|_| AtomicU64::new(0)).collect();
        AtomicWords {
            bits: words.len() as u64 * 64,
            words,
            hashes,
            counted: AtomicU64::new(0),
        }
    }

    /// The word and the bit of the `i`-th position of the item hashed to `h`.
    fn place(&self, h: u64, i: u32) -> (&AtomicU64, u64) {
        let pos = fast_range(
            h.wrapping_add(u64::from(i).wrapping_mul(step(h))),
            self.bits,
        );
        (&self.words[(pos / 64) as usize], 1u64 << (pos % 64))
    }

    /// The ones of every word.
    fn popcount(&self) -> u64 {
        self.words
            .iter()
            .map(|w| u64::from(w.load(Ordering::Acquire).count_ones()))
            .sum()
    }
}

impl<const BUG: u8> ConcurrentFilter for AtomicWords<BUG> {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        let (bits, hashes) = shape_for_rate::<CORRECT>(expected_items, rate, 64)?;
        Ok(Self::new(bits, hashes))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape::<CORRECT>(bits, hashes)?;
        Ok(Self::new(bits, hashes))
    }

    fn insert<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let h = fixed_hash(item);
        let before = (BUG == COUNT_BEFORE_AFTER).then(|| self.popcount());
        let mut all_set = true;
        for i in 0..self.hashes {
            let (word, bit) = self.place(h, i);
            match BUG {
                LOAD_THEN_STORE => {
                    // Another thread's store between this load and this store is overwritten.
                    let w = word.load(Ordering::Acquire);
                    all_set &= w & bit != 0;
                    word.store(w | bit, Ordering::Release);
                }
                COUNTS_FROM_LOADS => {
                    // Two threads can both find the bit clear here, and both count it.
                    if word.load(Ordering::Acquire) & bit == 0 {
                        self.counted.fetch_add(1, Ordering::AcqRel);
                        all_set = false;
                        word.fetch_or(bit, Ordering::AcqRel);
                    }
                }
                _ => {
                    all_set &= word.fetch_or(bit, Ordering::AcqRel) & bit != 0;
                }
            }
        }
        match before {
            Some(before) => self.popcount() == before,
            None => all_set,
        }
    }

    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let h = fixed_hash(item);
        (0..self.hashes).all(|i| {
            let (word, bit) = self.place(h, i);
            word.load(Ordering::Acquire) & bit != 0
        })
    }

    fn bits_set(&self) -> u64 {
        if BUG == COUNTS_FROM_LOADS {
            self.counted.load(Ordering::Acquire)
        } else {
            self.popcount()
        }
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

/// The textbook standard filter behind one `kata_core::sync::Mutex`, every call one acquisition.
pub struct LockedFilter {
    inner: Mutex<Words<CORRECT>>,
    bits: u64,
    hashes: u32,
}

impl LockedFilter {
    fn wrap(inner: Words<CORRECT>) -> Self {
        LockedFilter {
            bits: inner.bits,
            hashes: inner.hashes,
            inner: Mutex::new(inner),
        }
    }
}

impl ConcurrentFilter for LockedFilter {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        Filter::with_rate(expected_items, rate).map(Self::wrap)
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        Filter::with_shape(bits, hashes).map(Self::wrap)
    }

    fn insert<T: Hash + ?Sized>(&self, item: &T) -> bool {
        self.inner.lock().insert(item)
    }

    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        self.inner.lock().contains(item)
    }

    fn bits_set(&self) -> u64 {
        self.inner.lock().bits_set()
    }

    fn estimated_items(&self) -> f64 {
        self.inner.lock().estimated_items()
    }

    fn bits(&self) -> u64 {
        self.bits
    }

    fn hashes(&self) -> u32 {
        self.hashes
    }
}
