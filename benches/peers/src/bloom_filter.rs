//! Peers of the `bloom-filter` kata: `fastbloom`'s standard and atomic filters, `bloomfilter`'s
//! standard filter and `sbbf-rs`'s split-block filter, behind [`kata_core::bloom_filter::Filter`]
//! and [`kata_core::bloom_filter::ConcurrentFilter`].
//!
//! Each peer is put in the slot of the kata it fills: fastbloom (0.17: a standard filter on
//! `u64` words, no longer the blocked one of its early versions) as the standard filter and the
//! atomic one; bloomfilter as the standard filter; sbbf-rs (Parquet's split-block filter, 256-bit
//! buckets, `k` = 8) as the blocked filter. None provides all three types, so a peer's family
//! ([`FastbloomFamily`], [`BloomfilterFamily`], [`SbbfFamily`]) fills the other slots with the
//! *reference's* types, as the lfu peers do: a peer's verdict is about its own types alone, and
//! the bench times a peer on the workloads of the types it has.
//!
//! None of the crates sizes a filter as the kata does (`m` from the formula, `k = log2(1/p)`
//! rounded): fastbloom and bloomfilter derive `k` from the `m` they allocate and `n`, sbbf-rs has
//! `k` = 8 always. Their verdicts fail the sizing examples, and say why. The kata's configuration
//! errors are checked by the adapters, in the kata's order, before a crate sees the
//! configuration ([`rate_shape`], [`check_shape`]): the crates panic or assert instead.

use std::f64::consts::LN_2;

use kata_core::bloom_filter::{ConfigError, MAX_BITS, MAX_HASHES};
use kata_suites::bloom_filter::BloomFilterFamily;

use crate::Peer;

pub mod bloomfilter;
pub mod fastbloom;
pub mod sbbf;

pub use self::bloomfilter::BloomCrate;
pub use self::fastbloom::{FastBloom, FastBloomAtomic};
pub use self::sbbf::Sbbf;

kata_suites::bloom_filter_family!(
    /// The reference `bloom-filter`: the yardstick the suite grades a peer against, and the types
    /// the peers' families borrow.
    Reference => bloom_filter_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_bloom_filter;
    Some(match name {
        "fastbloom" => grade_bloom_filter::<FastbloomFamily, Reference>(seed),
        "bloomfilter" => grade_bloom_filter::<BloomfilterFamily, Reference>(seed),
        "sbbf-rs" => grade_bloom_filter::<SbbfFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `bloom-filter` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "fastbloom",
        krate: "fastbloom",
        version: "0.17",
        design: "a standard filter on u64 words (and an atomic one, fetch_or): one SipHash-1-3 \
                 hash per item, k positions by its own double hashing, multiply-shift reduction, \
                 k chosen from the bits allocated per expected item",
        difference: Some(FASTBLOOM_DIFFERENCE),
    },
    Peer {
        name: "bloomfilter",
        krate: "bloomfilter",
        version: "3.0",
        design: "a standard filter on a byte array: two SipHash-1-3 hashes per item, the others \
                 by double hashing modulo a prime, positions reduced by division, k chosen from \
                 the bytes allocated per expected item",
        difference: Some(BLOOMFILTER_DIFFERENCE),
    },
    Peer {
        name: "sbbf-rs",
        krate: "sbbf-rs",
        version: "0.2",
        design: "Parquet's split-block filter: 256-bit buckets, a bucket from the hash's upper \
                 half and one bit in each of its eight 32-bit words from the lower half (k = 8 \
                 always), tested with SIMD; takes a hash (ahash here)",
        difference: Some(SBBF_DIFFERENCE),
    },
];

/// How fastbloom differs from the kata's specification.
const FASTBLOOM_DIFFERENCE: &str =
    "fastbloom sizes m from the formula but rounds it up to a multiple of 64 bits (at least 64), \
     and then picks k from that m and the expected items (round(m / n · ln 2)), not from the \
     rate: for few items the rounding dominates, and k comes out far above log2(1/p) (44 hashes \
     for 1 item at 50 %).";

/// How bloomfilter differs from the kata's specification.
const BLOOMFILTER_DIFFERENCE: &str =
    "bloomfilter sizes m from the formula rounded up to whole bytes, and then picks k from that m \
     and the expected items (round(m / n · ln 2)), not from the rate: for few items the rounding \
     dominates, and k comes out above log2(1/p) (6 hashes for 1 item at 50 %).";

/// How sbbf-rs differs from the kata's specification.
const SBBF_DIFFERENCE: &str =
    "sbbf-rs always sets 8 bits per item, one in each 32-bit word of a 256-bit bucket, whatever \
     the rate or the number of hashes asked for: a filter for 1 % has 8 hashes where the formula \
     gives 7, and one for 0.1 % still 8 where it gives 10.";

/// The families of the peers, each with the reference's types where its crate has none.
macro_rules! peer_family {
    ($(#[$meta:meta])* $name:ident: $standard:ty, $blocked:ty, $atomic:ty) => {
        $(#[$meta])*
        pub struct $name;
        impl BloomFilterFamily for $name {
            type Standard = $standard;
            type Blocked = $blocked;
            type Atomic = $atomic;
        }
    };
}

peer_family!(
    /// fastbloom's family: its `BloomFilter` as the standard filter, its `AtomicBloomFilter` as
    /// the atomic one, and the reference's blocked filter.
    FastbloomFamily: FastBloom, <Reference as BloomFilterFamily>::Blocked, FastBloomAtomic
);
peer_family!(
    /// bloomfilter's family: its `Bloom` as the standard filter, the reference's blocked and
    /// atomic filters.
    BloomfilterFamily: BloomCrate, <Reference as BloomFilterFamily>::Blocked,
        <Reference as BloomFilterFamily>::Atomic
);
peer_family!(
    /// sbbf-rs's family: its split-block filter as the blocked filter, the reference's standard
    /// and atomic filters.
    SbbfFamily: <Reference as BloomFilterFamily>::Standard, Sbbf,
        <Reference as BloomFilterFamily>::Atomic
);

/// Checks `with_rate`'s arguments as the kata's specification does, in its order, and returns
/// the textbook shape: `m = ⌈−n·ln p / (ln 2)²⌉` bits and `k = round(log2(1/p))`, at least 1.
///
/// # Errors
///
/// [`ConfigError::ZeroItems`], [`ConfigError::RateOutOfRange`], [`ConfigError::TooManyBits`],
/// [`ConfigError::TooManyHashes`], in that order.
pub fn rate_shape(expected_items: u64, rate: f64) -> Result<(u64, u32), ConfigError> {
    if expected_items == 0 {
        return Err(ConfigError::ZeroItems);
    }
    if !(rate > 0.0 && rate < 1.0) {
        return Err(ConfigError::RateOutOfRange);
    }
    let bits = (-(expected_items as f64) * rate.ln() / (LN_2 * LN_2)).ceil();
    if bits > MAX_BITS as f64 {
        return Err(ConfigError::TooManyBits);
    }
    let hashes = (1.0 / rate).log2().round().max(1.0);
    if hashes > f64::from(MAX_HASHES) {
        return Err(ConfigError::TooManyHashes);
    }
    Ok(((bits as u64).max(1), hashes as u32))
}

/// Checks `with_shape`'s arguments as the kata's specification does, in its order.
///
/// # Errors
///
/// [`ConfigError::ZeroBits`], [`ConfigError::ZeroHashes`], [`ConfigError::TooManyBits`],
/// [`ConfigError::TooManyHashes`], in that order.
pub fn check_shape(bits: u64, hashes: u32) -> Result<(), ConfigError> {
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

/// The kata's estimate of the items inserted from `ones` bits set of `bits`, with `hashes` bits
/// per item: `−(m/k)·ln(1 − X/m)`, infinite when every bit is set.
pub fn estimated_items(ones: u64, bits: u64, hashes: u32) -> f64 {
    if ones >= bits {
        return f64::INFINITY;
    }
    let m = bits as f64;
    -(m / f64::from(hashes)) * (1.0 - ones as f64 / m).ln()
}

/// The bits set in `words`.
pub fn ones_in_words(words: impl Iterator<Item = u64>) -> u64 {
    words.map(|w| u64::from(w.count_ones())).sum()
}
