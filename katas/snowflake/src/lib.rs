//! # Kata `snowflake`: unique 64-bit IDs without coordination
//!
//! Each generator ("worker") makes IDs on its own, with no shared counter and no database: an
//! ID is the time in milliseconds since a custom epoch, the worker's id, and a sequence number
//! counting the IDs of that millisecond, packed into the low 63 bits of a `u64`:
//!
//! ```text
//! 0 | timestamp (41 bits) | worker (10 bits) | sequence (12 bits)
//! ```
//!
//! Read `katas/snowflake/README.md` first. Grade your work with `cargo kata check snowflake`.
//!
//! What must hold (the graded suite checks all of it):
//! - the [`Layout`] is validated at construction, then the worker id, then the epoch, each with
//!   its [`ConfigError`] (in the order of its variants: the first that applies);
//! - time comes only from the injected [`Clock`], as **Unix** nanoseconds; a millisecond is
//!   `now / 1_000_000`;
//! - an ID is `timestamp << (worker_bits + sequence_bits) | worker << sequence_bits | sequence`,
//!   the sequence starting at 0 in each new millisecond;
//! - when a millisecond's `2^sequence_bits` IDs are used up, `try_next_id` returns
//!   [`IdError::Retry`] with the exact wait until the next millisecond; `next_id` (provided by
//!   the trait) spins on the clock through it;
//! - IDs from one generator strictly increase, and no ID is handed out twice, even when the
//!   clock goes backwards: then the [`Backwards`] policy decides, refuse (saying by how much) or
//!   wait up to a tolerance;
//! - [`AtomicSnowflake`] takes no lock (the suite counts `kata_core::sync::Mutex` locks): its
//!   whole state, the latest millisecond and the next sequence, in one `AtomicU64`, changed by
//!   compare-and-swap; no interleaving hands out an ID twice (loom checks);
//! - [`Base62`] turns any `u64` into its canonical text and back, and refuses any other text
//!   with a [`DecodeError`];
//! - every operation is O(1), whatever the number of IDs issued.
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.
//! For the atomic variant use `kata_core::sync::atomic`, not `std::sync::atomic`, so that the
//! concurrency stage can model-check it with loom.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::marker::PhantomData;

pub use kata_core::clock::{Clock, ManualClock, SystemClock};
pub use kata_core::snowflake::{
    Backwards, ConcurrentIdGenerator, Config, ConfigError, DecodeError, Field, IdCodec, IdError,
    IdGenerator, Layout, Parts, BASE62_ALPHABET, BASE62_MAX_LEN, DEFAULT_EPOCH_MS, NANOS_PER_MS,
};

/// A Snowflake generator for one thread.
///
/// # Examples
///
/// ```no_run
/// use snowflake_kata::{Config, IdGenerator, ManualClock, Parts, Snowflake, DEFAULT_EPOCH_MS};
///
/// // The clock reads Unix nanoseconds: 5 ms after the epoch.
/// let clock = ManualClock::starting_at((DEFAULT_EPOCH_MS + 5) * 1_000_000);
/// let mut ids = Snowflake::new(Config::new(3), clock.clone()).unwrap();
/// let id = ids.try_next_id().unwrap();
/// assert_eq!(id, 5 << 22 | 3 << 12);
/// assert_eq!(ids.try_next_id(), Ok(id + 1));
/// assert_eq!(
///     ids.decode(id),
///     Ok(Parts { unix_ms: DEFAULT_EPOCH_MS + 5, worker: 3, sequence: 0 })
/// );
/// ```
pub struct Snowflake<C> {
    _state: PhantomData<C>,
}

impl<C: Clock> IdGenerator<C> for Snowflake<C> {
    /// A generator for `config`, reading Unix time from `clock`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptyField`], [`ConfigError::BitsDoNotAddUp`],
    /// [`ConfigError::WorkerTooLarge`], [`ConfigError::EpochInFuture`],
    /// [`ConfigError::EpochTooOld`]: the first that applies, in that order.
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        todo!("Snowflake::new")
    }

    /// The next ID, or why not now; never waits.
    ///
    /// # Errors
    ///
    /// [`IdError::Retry`] with the exact wait, [`IdError::ClockMovedBackwards`] with how far the
    /// clock is behind, [`IdError::TimestampOverflow`]. A refused call changes nothing.
    fn try_next_id(&mut self) -> Result<u64, IdError> {
        todo!("Snowflake::try_next_id")
    }

    /// `id` taken apart by this generator's layout and epoch.
    ///
    /// # Errors
    ///
    /// [`IdError::NotAnId`] when bit 63 is set.
    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        todo!("Snowflake::decode")
    }
}

/// A lock-free Snowflake generator shared by threads.
pub struct AtomicSnowflake<C> {
    _state: PhantomData<C>,
}

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for AtomicSnowflake<C> {
    /// As [`Snowflake::new`](IdGenerator::new).
    ///
    /// # Errors
    ///
    /// As [`Snowflake::new`](IdGenerator::new).
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        todo!("AtomicSnowflake::new")
    }

    /// The next ID, in one compare-and-swap of the whole state.
    ///
    /// # Errors
    ///
    /// As [`Snowflake::try_next_id`](IdGenerator::try_next_id).
    fn try_next_id(&self) -> Result<u64, IdError> {
        todo!("AtomicSnowflake::try_next_id")
    }

    /// `id` taken apart by this generator's layout and epoch.
    ///
    /// # Errors
    ///
    /// [`IdError::NotAnId`] when bit 63 is set.
    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        todo!("AtomicSnowflake::decode")
    }
}

/// Base62 text of IDs, for short URLs.
///
/// # Examples
///
/// ```no_run
/// use snowflake_kata::{Base62, DecodeError, IdCodec};
///
/// assert_eq!(Base62::encode(0), "0");
/// assert_eq!(Base62::encode(61), "z");
/// assert_eq!(Base62::encode(62), "10");
/// assert_eq!(Base62::decode("10"), Ok(62));
/// assert_eq!(Base62::decode("010"), Err(DecodeError::LeadingZero));
/// ```
pub struct Base62;

impl IdCodec for Base62 {
    /// `id` in base62, most significant digit first, no leading `0` (but `"0"` for 0).
    fn encode(id: u64) -> String {
        todo!("Base62::encode")
    }

    /// The value of a canonical base62 text.
    ///
    /// # Errors
    ///
    /// [`DecodeError::Empty`], [`DecodeError::InvalidByte`] (the first),
    /// [`DecodeError::LeadingZero`], [`DecodeError::Overflow`]: the first that applies, in that
    /// order.
    fn decode(text: &str) -> Result<u64, DecodeError> {
        todo!("Base62::decode")
    }
}
