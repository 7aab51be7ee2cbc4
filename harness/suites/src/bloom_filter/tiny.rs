//! Small filters for the suite's own tests, written the way a learner might: std's
//! `DefaultHasher` salted twice for `h1` and `h2`, positions `(h1 + i·h2) % m` (wrapping) with `m`
//! kept exactly as asked, `h2` forced odd when `ODD`; `insert` counts the item's unset positions
//! before setting them when `TWICE` (so that a bit two positions share counts twice), the bits
//! that change from 0 to 1 otherwise.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use kata_core::bloom_filter::{ConcurrentFilter, ConfigError, Filter, ShapeMismatch};

use kata_core::bloom_filter::{MAX_BITS, MAX_HASHES};

use super::formulas::{estimated_items, optimal_bits, optimal_hashes};
use super::BloomFilterFamily;

fn hash<T: Hash + ?Sized>(item: &T, salt: u64) -> u64 {
    let mut h = DefaultHasher::new();
    salt.hash(&mut h);
    item.hash(&mut h);
    h.finish()
}

/// The item's `k` positions in `[0, m)`; `h2` forced odd when `ODD`.
pub fn positions<T: Hash + ?Sized, const ODD: bool>(item: &T, m: u64, k: u32) -> Vec<u64> {
    let (h1, h2) = (hash(item, 1), hash(item, 2) | u64::from(ODD));
    (0..u64::from(k))
        .map(|i| h1.wrapping_add(i.wrapping_mul(h2)) % m)
        .collect()
}

fn shape(bits: u64, hashes: u32) -> Result<(u64, u32), ConfigError> {
    match (bits, hashes) {
        (0, _) => Err(ConfigError::ZeroBits),
        (_, 0) => Err(ConfigError::ZeroHashes),
        (b, _) if b > MAX_BITS => Err(ConfigError::TooManyBits),
        (_, h) if h > MAX_HASHES => Err(ConfigError::TooManyHashes),
        _ => Ok((bits, hashes)),
    }
}

fn rate_shape(n: u64, p: f64) -> Result<(u64, u32), ConfigError> {
    if n == 0 {
        return Err(ConfigError::ZeroItems);
    }
    if !(p > 0.0 && p < 1.0) {
        return Err(ConfigError::RateOutOfRange);
    }
    let m = optimal_bits(n, p).ceil();
    if m > MAX_BITS as f64 {
        return Err(ConfigError::TooManyBits);
    }
    let k = optimal_hashes(p).round().max(1.0);
    if k > f64::from(MAX_HASHES) {
        return Err(ConfigError::TooManyHashes);
    }
    Ok((m as u64, k as u32))
}

fn estimate(x: u64, m: u64, k: u32) -> f64 {
    estimated_items(m, k, x)
}

/// The single-thread filter.
pub struct Tiny<const TWICE: bool, const ODD: bool> {
    words: Vec<u64>,
    m: u64,
    k: u32,
    set: u64,
}

impl<const TWICE: bool, const ODD: bool> Tiny<TWICE, ODD> {
    fn new((m, k): (u64, u32)) -> Self {
        Tiny {
            words: vec![0; m.div_ceil(64) as usize],
            m,
            k,
            set: 0,
        }
    }
    fn get(&self, p: u64) -> bool {
        self.words[(p / 64) as usize] >> (p % 64) & 1 == 1
    }
}

impl<const TWICE: bool, const ODD: bool> Filter for Tiny<TWICE, ODD> {
    fn with_rate(n: u64, p: f64) -> Result<Self, ConfigError> {
        rate_shape(n, p).map(Self::new)
    }
    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        shape(bits, hashes).map(Self::new)
    }
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        let ps = positions::<T, ODD>(item, self.m, self.k);
        let mut newly = 0;
        if TWICE {
            newly = ps.iter().filter(|&&p| !self.get(p)).count() as u64;
            for p in ps {
                self.words[(p / 64) as usize] |= 1 << (p % 64);
            }
        } else {
            for p in ps {
                newly += u64::from(!self.get(p));
                self.words[(p / 64) as usize] |= 1 << (p % 64);
            }
        }
        self.set += newly;
        newly == 0
    }
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        positions::<T, ODD>(item, self.m, self.k)
            .into_iter()
            .all(|p| self.get(p))
    }
    fn bits_set(&self) -> u64 {
        self.set
    }
    fn estimated_items(&self) -> f64 {
        estimate(self.set, self.m, self.k)
    }
    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        if (self.m, self.k) != (other.m, other.k) {
            return Err(ShapeMismatch {
                ours: (self.m, self.k),
                theirs: (other.m, other.k),
            });
        }
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
        self.set = self.words.iter().map(|w| u64::from(w.count_ones())).sum();
        Ok(())
    }
    fn bits(&self) -> u64 {
        self.m
    }
    fn hashes(&self) -> u32 {
        self.k
    }
}

/// The atomic filter.
pub struct TinyAtomic<const TWICE: bool, const ODD: bool> {
    words: Vec<AtomicU64>,
    m: u64,
    k: u32,
    set: AtomicU64,
}

impl<const TWICE: bool, const ODD: bool> TinyAtomic<TWICE, ODD> {
    fn new((m, k): (u64, u32)) -> Self {
        TinyAtomic {
            words: (0..m.div_ceil(64)).map(|_| AtomicU64::new(0)).collect(),
            m,
            k,
            set: AtomicU64::new(0),
        }
    }
    fn get(&self, p: u64) -> bool {
        self.words[(p / 64) as usize].load(Ordering::Acquire) >> (p % 64) & 1 == 1
    }
}

impl<const TWICE: bool, const ODD: bool> ConcurrentFilter for TinyAtomic<TWICE, ODD> {
    fn with_rate(n: u64, p: f64) -> Result<Self, ConfigError> {
        rate_shape(n, p).map(Self::new)
    }
    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        shape(bits, hashes).map(Self::new)
    }
    fn insert<T: Hash + ?Sized>(&self, item: &T) -> bool {
        let ps = positions::<T, ODD>(item, self.m, self.k);
        let mut newly = 0;
        if TWICE {
            newly = ps.iter().filter(|&&p| !self.get(p)).count() as u64;
        }
        for p in ps {
            let bit = 1 << (p % 64);
            let before = self.words[(p / 64) as usize].fetch_or(bit, Ordering::AcqRel);
            if !TWICE {
                newly += u64::from(before & bit == 0);
            }
        }
        self.set.fetch_add(newly, Ordering::Relaxed);
        newly == 0
    }
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        positions::<T, ODD>(item, self.m, self.k)
            .into_iter()
            .all(|p| self.get(p))
    }
    fn bits_set(&self) -> u64 {
        self.set.load(Ordering::Relaxed)
    }
    fn estimated_items(&self) -> f64 {
        estimate(self.bits_set(), self.m, self.k)
    }
    fn bits(&self) -> u64 {
        self.m
    }
    fn hashes(&self) -> u32 {
        self.k
    }
}

/// The three types: `Tiny` standing for both single-thread layouts.
pub struct Family<const TWICE: bool, const ODD: bool>;
impl<const TWICE: bool, const ODD: bool> BloomFilterFamily for Family<TWICE, ODD> {
    type Standard = Tiny<TWICE, ODD>;
    type Blocked = Tiny<TWICE, ODD>;
    type Atomic = TinyAtomic<TWICE, ODD>;
}

/// The failed checks of a stage run on the default seed: name and message.
pub fn failures(stage: impl FnOnce(&mut crate::Ctx)) -> Vec<(String, String)> {
    use crate::report::{Event, Reporter};
    let mut ctx = crate::Ctx::new(Reporter::in_memory(), crate::runner::DEFAULT_SEED);
    stage(&mut ctx);
    ctx.events()
        .iter()
        .filter_map(|e| match e {
            Event::CheckEnd {
                name,
                passed: false,
                message,
                ..
            } => Some((name.clone(), message.clone())),
            _ => None,
        })
        .collect()
}
