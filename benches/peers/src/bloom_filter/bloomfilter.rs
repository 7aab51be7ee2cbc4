//! The [`bloomfilter`](https://crates.io/crates/bloomfilter) crate's `Bloom` behind [`Filter`].
//!
//! bloomfilter (3.x) is a standard Bloom filter on a byte array: two SipHash-1-3 hashes of the
//! item under two keys (fixed here, so that two filters of one shape hash alike), the others by
//! double hashing `h1 + i·h2` modulo the largest 64-bit prime, each position reduced to `[0, m)`
//! by a division (`%`). A lookup stops at the first unset bit; `check_and_set` is the kata's
//! insert (it answers whether every bit was set already).
//!
//! Three things stand between its API and the kata's, and the adapter bridges each in the plainest
//! way it can:
//!
//! - **`Bloom<T>` fixes its item type**; the kata's filter takes any `T: Hash` at each call. The
//!   adapter's filter is a `Bloom<ItemBytes>`: each item's `Hash` bytes, recorded and handed over
//!   ([`ItemBytes`]), which bloomfilter's SipHash hashes exactly as it would the item.
//! - **Its size is in bytes and its `k` comes from the size and an item count**, not from the
//!   rate: `with_rate(n, p)` is `new_for_fp_rate_with_seed(n, p)` (the formula's `m` rounded up to
//!   whole bytes, `k = round(m / n · ln 2)` of that `m`). It has no way to ask for a `k`, so
//!   `with_shape(bits, hashes)` builds a filter of `⌈bits / 8⌉` bytes and sets `k` in the header
//!   of its own byte format (version 1: `k` as a little-endian `u32` at offset 9), reading it back
//!   through `from_bytes`; the adapter checks that bloomfilter then reports that `k`.
//! - **It has no union and no count of bits set.** `union` ORs the two filters' bytes after the
//!   header (the same byte format) once the shapes agree; `bits_set` counts the bits of those
//!   bytes, O(m / 8), and `estimated_items` applies the kata's formula to the count.
//!
//! The kata's configuration errors are checked first ([`super::rate_shape`],
//! [`super::check_shape`]): bloomfilter asserts on a rate outside (0, 1) or 0 items.

use std::hash::Hash;

use ::bloomfilter::Bloom;
use kata_core::bloom_filter::{ConfigError, Filter, ShapeMismatch};

use super::{check_shape, estimated_items, rate_shape};
use crate::item_bytes::ItemBytes;

/// The two SipHash keys of every adapter filter (32 bytes, as bloomfilter takes them).
const SEED: [u8; 32] = *b"bloomfilter adapter: fixed keys!";

/// The length of bloomfilter's header in its byte format (version 1): a version byte, the
/// bitmap's length in bytes (`u64`), `k` (`u32`) and the 32-byte seed.
const HEADER: usize = 1 + 8 + 4 + 32;

/// Where `k` sits in that header.
const K_AT: usize = 1 + 8;

/// bloomfilter's `Bloom` behind [`Filter`] (see the module documentation).
#[derive(Clone)]
pub struct BloomCrate(Bloom<ItemBytes>);

impl std::fmt::Debug for BloomCrate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BloomCrate({:?})", self.0)
    }
}

impl BloomCrate {
    /// The filter's bitmap, without the header.
    fn bitmap(&self) -> &[u8] {
        &self.0.as_slice()[HEADER..]
    }
}

impl Filter for BloomCrate {
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        rate_shape(expected_items, rate)?;
        let n = usize::try_from(expected_items).map_err(|_| ConfigError::TooManyBits)?;
        let bloom = Bloom::new_for_fp_rate_with_seed(n, rate, &SEED)
            .expect("bloomfilter refuses nothing the kata's checks let through");
        Ok(BloomCrate(bloom))
    }

    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        check_shape(bits, hashes)?;
        let bytes = usize::try_from(bits.div_ceil(8)).map_err(|_| ConfigError::TooManyBits)?;
        let mut raw = Bloom::<ItemBytes>::new_with_seed(bytes, 1, &SEED)
            .expect("bloomfilter refuses nothing the kata's checks let through")
            .into_bytes();
        raw[K_AT..K_AT + 4].copy_from_slice(&hashes.to_le_bytes());
        let bloom = Bloom::from_bytes(raw).expect("bloomfilter reads back its own byte format");
        assert_eq!(
            bloom.number_of_hash_functions(),
            hashes,
            "bloomfilter's byte format has changed: k is no longer at offset {K_AT}"
        );
        Ok(BloomCrate(bloom))
    }

    #[inline]
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        self.0.check_and_set(&ItemBytes::of(item))
    }

    #[inline]
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        self.0.check(&ItemBytes::of(item))
    }

    fn bits_set(&self) -> u64 {
        self.bitmap()
            .iter()
            .map(|b| u64::from(b.count_ones()))
            .sum()
    }

    fn estimated_items(&self) -> f64 {
        estimated_items(self.bits_set(), self.bits(), self.hashes())
    }

    fn union(&mut self, other: &Self) -> Result<(), ShapeMismatch> {
        let (ours, theirs) = ((self.bits(), self.hashes()), (other.bits(), other.hashes()));
        if ours != theirs {
            return Err(ShapeMismatch { ours, theirs });
        }
        let mut raw = self.0.to_bytes();
        for (a, b) in raw[HEADER..].iter_mut().zip(other.bitmap()) {
            *a |= b;
        }
        self.0 = Bloom::from_bytes(raw).expect("bloomfilter reads back its own byte format");
        Ok(())
    }

    fn bits(&self) -> u64 {
        self.0.len()
    }

    fn hashes(&self) -> u32 {
        self.0.number_of_hash_functions()
    }
}
