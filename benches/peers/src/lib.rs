//! Well-known crates put behind the kata traits, so that the graded suite and the benches can run
//! them exactly as they run the learner's crate and the reference.
//!
//! Each adapter is thin: it maps a kata call onto the crate's own API in the most natural way and
//! adds no logic of its own beyond what the mapping needs (turning a capacity into the crate's
//! integer type, handing back an entry the crate evicted, translating error types, and for
//! governor, which cannot report its tokens without taking them, reading its state). Where a crate's
//! semantics differ from the kata's specification, the adapter does not paper over it: the
//! difference shows up when the peer is graded, and the catalogue (`lru::PEERS`, `lfu::PEERS`,
//! `token_bucket::PEERS`) says what it is in plain words.
//!
//! - `lru` (feature `lru`): the `lru`, `schnellru` and `quick_cache` crates behind
//!   [`kata_core::lru::Cache`];
//! - `lfu` (feature `lfu`): `lfu_cache` behind [`kata_core::lfu::Cache`], and `moka` and
//!   `quick_cache` behind [`kata_core::lfu::ForgetfulCache`]; and the hit ratios of every one of
//!   them on the quality stage's traces;
//! - `token_bucket` (feature `token-bucket`): the `governor` and `ratelimit` crates behind
//!   [`kata_core::token_bucket::RateLimiter`] and
//!   [`kata_core::token_bucket::ConcurrentRateLimiter`];
//! - `leaky_bucket`, `sliding_window`: the token-bucket reference as a meter, and `governor`;
//! - `bloom_filter` (feature `bloom-filter`): `fastbloom`, `bloomfilter` and `sbbf-rs` behind
//!   [`kata_core::bloom_filter::Filter`], and `xorf`'s binary fuse filter in the quality
//!   comparison (`tests/bloom_quality.rs`);
//! - `count_min_sketch` (feature `count-min-sketch`): the `count-min-sketch` and
//!   `streaming_algorithms` crates behind [`kata_core::count_min_sketch::Sketch`], and
//!   `streaming_algorithms`' `Top` behind [`kata_core::count_min_sketch::TopKTracker`];
//! - `consistent_hashing` (feature `consistent-hashing`): `hashring` (a ring), `jumphash`,
//!   `hrw-hash` (rendezvous), `maglev` and `anchorhash` behind
//!   [`kata_core::consistent_hashing::Router`];
//! - `trie` (feature `trie`): `qp-trie`, `patricia_tree`, `radix_trie` and `trie-rs` behind
//!   [`kata_core::trie::Autocomplete`], and `fst` in the memory comparison
//!   (`tests/trie_memory.rs`);
//! - `snowflake` (feature `snowflake`): `rs-snowflake` and `sonyflake` (Snowflake generators),
//!   `ulid` and `uuid` v7 (the 128-bit IDs picked instead) behind
//!   [`kata_core::snowflake::IdGenerator`], and `base62` behind [`kata_core::snowflake::IdCodec`];
//! - `vector_clock` (feature `vector-clock`): crdts's `VClock` behind
//!   [`kata_core::vector_clock::VectorClock`];
//! - `merkle_tree` (feature `merkle-tree`): rs_merkle's `MerkleTree` behind
//!   [`kata_core::merkle_tree::MerkleTree`];
//! - `order_book` (feature `order-book`): lobster's `OrderBook` behind
//!   [`kata_core::order_book::OrderBook`];
//! - `item_bytes`: an item's `Hash` bytes, for the crates that take one item type only;
//! - [`grade`]: runs the suite's `examples` and `properties` stages on a family in process and
//!   returns a [`Verdict`].

#[cfg(feature = "bloom-filter")]
pub mod bloom_filter;
#[cfg(feature = "consistent-hashing")]
pub mod consistent_hashing;
#[cfg(feature = "count-min-sketch")]
pub mod count_min_sketch;
pub mod grade;
#[cfg(any(feature = "bloom-filter", feature = "count-min-sketch"))]
pub mod item_bytes;
#[cfg(feature = "leaky-bucket")]
pub mod leaky_bucket;
#[cfg(feature = "lfu")]
pub mod lfu;
#[cfg(feature = "lru")]
pub mod lru;
#[cfg(feature = "merkle-tree")]
pub mod merkle_tree;
#[cfg(feature = "order-book")]
pub mod order_book;
#[cfg(any(feature = "lru", feature = "lfu"))]
pub mod quick_cache_unsync;
#[cfg(feature = "sliding-window")]
pub mod sliding_window;
#[cfg(feature = "snowflake")]
pub mod snowflake;
#[cfg(feature = "token-bucket")]
pub mod token_bucket;
#[cfg(feature = "trie")]
pub mod trie;
#[cfg(feature = "vector-clock")]
pub mod vector_clock;

pub use grade::{Failure, Verdict};

/// One peer crate, as the bench tables and the catalogue show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// The name shown in bench tables (`lru`, `governor`, ...).
    pub name: &'static str,
    /// The crate's name on crates.io.
    pub krate: &'static str,
    /// The version requirement this crate is built against (as in `Cargo.toml`).
    pub version: &'static str,
    /// The crate's design, in one line.
    pub design: &'static str,
    /// How the crate's semantics differ from the kata's specification, in plain words for a
    /// learner; `None` when the peer passes the graded `examples` and `properties` stages.
    pub difference: Option<&'static str>,
}
