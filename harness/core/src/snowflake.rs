//! The API of the `snowflake` kata: 64-bit unique IDs from a timestamp, a worker id and a
//! sequence, a lock-free thread-safe generator, and base62 text for short URLs.
//!
//! An ID is three fields packed into the low 63 bits of a `u64` (the top bit stays 0, so every ID
//! is also a positive `i64`), most significant first:
//!
//! ```text
//!  63 | 62 ........ timestamp ........ | .. worker .. | .. sequence .. | 0
//!   0 | milliseconds since the epoch   | who made it  | which in the ms |
//! ```
//!
//! The widths are a [`Layout`] (41/10/12 by default: 69.7 years of milliseconds, 1 024 workers,
//! 4 096 IDs per millisecond per worker). Because the timestamp is on top, IDs sort by time (to
//! within how far the workers' clocks disagree), which is what makes them good database keys.
//!
//! Time comes from an injected [`Clock`] that reads **Unix time** in nanoseconds
//! ([`crate::clock::SystemClock`] in production, a [`crate::clock::ManualClock`] set to a Unix
//! time in tests). A millisecond is `now / 1_000_000`. See `katas/snowflake/README.md`.

use std::fmt;
use std::time::Duration;

use crate::clock::Clock;

/// 2020-01-01T00:00:00Z in Unix milliseconds: the epoch of [`Config::new`].
pub const DEFAULT_EPOCH_MS: u64 = 1_577_836_800_000;

/// Nanoseconds in a millisecond.
pub const NANOS_PER_MS: u64 = 1_000_000;

/// The widths of an ID's three fields, in bits. They must add up to 63 and none may be 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout {
    /// Bits of the timestamp: milliseconds since the epoch, up to `2^bits - 1`.
    pub timestamp_bits: u8,
    /// Bits of the worker id: workers `0..2^bits`.
    pub worker_bits: u8,
    /// Bits of the sequence: `2^bits` IDs per millisecond per worker.
    pub sequence_bits: u8,
}

impl Layout {
    /// Twitter's layout: 41 bits of milliseconds, 10 of worker, 12 of sequence.
    pub const DEFAULT: Layout = Layout {
        timestamp_bits: 41,
        worker_bits: 10,
        sequence_bits: 12,
    };

    /// The bits an ID uses: the three fields, which must add up to this.
    pub const ID_BITS: u32 = 63;

    /// A layout of `timestamp_bits`, `worker_bits` and `sequence_bits` (not checked here: the
    /// generators check it when they are built).
    pub const fn new(timestamp_bits: u8, worker_bits: u8, sequence_bits: u8) -> Layout {
        Layout {
            timestamp_bits,
            worker_bits,
            sequence_bits,
        }
    }
}

impl Default for Layout {
    fn default() -> Self {
        Layout::DEFAULT
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{} bits (timestamp/worker/sequence)",
            self.timestamp_bits, self.worker_bits, self.sequence_bits
        )
    }
}

/// What a generator does when its clock reads a millisecond earlier than the latest one it
/// issued an ID in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backwards {
    /// Refuse with [`IdError::ClockMovedBackwards`], saying by how much.
    Refuse,
    /// Ask the caller to retry ([`IdError::Retry`]) while the clock is behind by at most this
    /// much; refuse as [`Backwards::Refuse`] beyond.
    WaitUpTo(Duration),
}

/// How to build a generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Config {
    /// The widths of the fields.
    pub layout: Layout,
    /// The custom epoch, in Unix milliseconds: timestamp 0. It must not be in the future.
    pub epoch_ms: u64,
    /// This generator's worker id: `0..2^worker_bits`. Two generators with the same worker id
    /// and epoch can hand out the same ID; giving each its own is the deployment's job.
    pub worker: u64,
    /// What to do when the clock goes backwards.
    pub backwards: Backwards,
}

impl Config {
    /// Worker `worker`, the default layout, the epoch [`DEFAULT_EPOCH_MS`], refusing when the
    /// clock goes backwards.
    pub const fn new(worker: u64) -> Config {
        Config {
            layout: Layout::DEFAULT,
            epoch_ms: DEFAULT_EPOCH_MS,
            worker,
            backwards: Backwards::Refuse,
        }
    }

    /// The same, with layout `layout`.
    pub const fn with_layout(self, layout: Layout) -> Config {
        Config { layout, ..self }
    }

    /// The same, with epoch `epoch_ms` (Unix milliseconds).
    pub const fn with_epoch_ms(self, epoch_ms: u64) -> Config {
        Config { epoch_ms, ..self }
    }

    /// The same, with policy `backwards`.
    pub const fn with_backwards(self, backwards: Backwards) -> Config {
        Config { backwards, ..self }
    }
}

/// One of an ID's three fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The timestamp.
    Timestamp,
    /// The worker id.
    Worker,
    /// The sequence.
    Sequence,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Timestamp => "timestamp",
            Field::Worker => "worker",
            Field::Sequence => "sequence",
        })
    }
}

/// Why a generator could not be built. Checked in this order: the first that applies is
/// returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigError {
    /// A field of 0 bits (the first one, in the order timestamp, worker, sequence).
    EmptyField {
        /// The field.
        field: Field,
    },
    /// The three widths do not add up to 63.
    BitsDoNotAddUp {
        /// Their sum.
        total: u32,
    },
    /// The worker id does not fit its bits.
    WorkerTooLarge {
        /// The worker id asked for.
        worker: u64,
        /// The largest that fits: `2^worker_bits - 1`.
        max: u64,
    },
    /// The epoch is later than the clock's current millisecond.
    EpochInFuture {
        /// The epoch, Unix ms.
        epoch_ms: u64,
        /// The clock's millisecond, Unix ms.
        now_ms: u64,
    },
    /// The clock is already past the last millisecond the timestamp bits can hold.
    EpochTooOld {
        /// The epoch, Unix ms.
        epoch_ms: u64,
        /// The clock's millisecond, Unix ms.
        now_ms: u64,
        /// The largest timestamp the layout holds: `2^timestamp_bits - 1` ms after the epoch.
        max_timestamp: u64,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ConfigError::EmptyField { field } => write!(
                f,
                "the {field} field has 0 bits: every field needs at least 1 bit"
            ),
            ConfigError::BitsDoNotAddUp { total } => write!(
                f,
                "the layout's fields add up to {total} bits: timestamp, worker and sequence bits \
                 must add up to exactly 63 (the top bit of an ID stays 0)"
            ),
            ConfigError::WorkerTooLarge { worker, max } => write!(
                f,
                "worker id {worker} does not fit the worker bits: allowed 0 to {max}"
            ),
            ConfigError::EpochInFuture { epoch_ms, now_ms } => write!(
                f,
                "the epoch {epoch_ms} (Unix ms) is {} ms in the future: it must be at or before \
                 the clock's now, {now_ms}",
                epoch_ms - now_ms
            ),
            ConfigError::EpochTooOld {
                epoch_ms,
                now_ms,
                max_timestamp,
            } => write!(
                f,
                "the clock ({now_ms} Unix ms) is {} ms after the epoch {epoch_ms}, past the {} the \
                 timestamp bits hold: use a later epoch or more timestamp bits",
                now_ms - epoch_ms,
                max_timestamp
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why no ID was handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdError {
    /// No ID can be handed out now, one can at a later reading of the clock: after exactly
    /// `after` (and not a nanosecond sooner), if nothing else takes it first.
    Retry {
        /// The time until the clock reaches the millisecond the next ID will be in.
        after: Duration,
    },
    /// The clock reads a millisecond earlier than the latest one an ID was issued in (before
    /// the first ID: the epoch), and the policy refuses.
    ClockMovedBackwards {
        /// How far the clock is behind: the start of that latest millisecond minus now.
        by: Duration,
    },
    /// The timestamp no longer fits its bits: the generator has run out of time.
    TimestampOverflow,
    /// [`IdGenerator::decode`] was given a number with bit 63 set, which no ID has.
    NotAnId {
        /// The number.
        id: u64,
    },
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IdError::Retry { after } => write!(
                f,
                "this millisecond's IDs are all handed out (or the clock is behind within the \
                 tolerance): retry after {after:?}"
            ),
            IdError::ClockMovedBackwards { by } => write!(
                f,
                "the clock moved backwards by {by:?}: an ID now could repeat or precede one \
                 already handed out"
            ),
            IdError::TimestampOverflow => f.write_str(
                "the timestamp no longer fits its bits: no ID can be made after the layout's \
                 last millisecond (use a later epoch or more timestamp bits)",
            ),
            IdError::NotAnId { id } => {
                write!(f, "{id} has bit 63 set: IDs use the low 63 bits only")
            }
        }
    }
}

impl std::error::Error for IdError {}

/// An ID taken apart: what [`IdGenerator::decode`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Parts {
    /// When it was made: the epoch plus the timestamp, in Unix milliseconds.
    pub unix_ms: u64,
    /// The worker id.
    pub worker: u64,
    /// The sequence number within that millisecond.
    pub sequence: u64,
}

/// A Snowflake ID generator for one thread (`&mut self`).
///
/// # The rules every generator follows
///
/// - An ID at millisecond `ms` (Unix) is `(ms - epoch) << (worker_bits + sequence_bits) |
///   worker << sequence_bits | sequence`.
/// - The sequence starts at 0 in every millisecond an ID is issued in and counts up by one per
///   ID; when it has used all `2^sequence_bits` values, no more IDs are issued in that
///   millisecond: [`IdError::Retry`] says how long until the next one starts.
/// - Each ID is strictly greater than the one before: a `(timestamp, sequence)` pair is never
///   handed out twice, even when the clock goes backwards.
/// - The clock is *behind* when it reads a millisecond earlier than the latest one an ID was
///   issued in (before the first ID: the epoch). It is behind by the start of that millisecond
///   minus the reading. Then, by [`Backwards`]: refuse with [`IdError::ClockMovedBackwards`],
///   or ask for a retry while behind by at most the tolerance (inclusive), the retry being due
///   when the clock reaches the millisecond the next ID will be in (that one, or the next if its
///   sequence is used up).
/// - [`IdError::TimestampOverflow`] comes before anything else once no ID can ever be made:
///   the clock is past the last millisecond the timestamp bits hold, or that millisecond's
///   sequence is used up.
pub trait IdGenerator<C: Clock>: Sized {
    /// A generator configured by `config`, reading Unix time from `clock`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`], the first that applies in the order of its variants.
    fn new(config: Config, clock: C) -> Result<Self, ConfigError>;

    /// The next ID, or why not now. Never waits.
    ///
    /// # Errors
    ///
    /// [`IdError::Retry`] with the exact wait (the sequence of this millisecond is used up, or
    /// the clock is behind within the tolerance), [`IdError::ClockMovedBackwards`],
    /// [`IdError::TimestampOverflow`]. A refused call changes nothing.
    fn try_next_id(&mut self) -> Result<u64, IdError>;

    /// The next ID, spinning on the clock through every [`IdError::Retry`] (each turn reads the
    /// clock again: no sleep, so a test clock that advances as it is read ends the wait).
    ///
    /// # Errors
    ///
    /// [`IdError::ClockMovedBackwards`] or [`IdError::TimestampOverflow`]: waiting will not help.
    fn next_id(&mut self) -> Result<u64, IdError> {
        loop {
            match self.try_next_id() {
                Err(IdError::Retry { .. }) => std::hint::spin_loop(),
                other => return other,
            }
        }
    }

    /// Takes `id` apart by this generator's layout and epoch. Any number below 2^63 decodes.
    ///
    /// # Errors
    ///
    /// [`IdError::NotAnId`] when bit 63 is set.
    fn decode(&self, id: u64) -> Result<Parts, IdError>;
}

/// A thread-safe Snowflake generator (`&self`), lock-free: its whole state (the latest
/// millisecond and sequence) is one atomic word, changed with compare-and-swap.
///
/// Whatever the interleaving, no two calls get the same ID, and the IDs one thread gets are
/// strictly increasing. Called from one thread, it answers exactly as an [`IdGenerator`].
pub trait ConcurrentIdGenerator<C: Clock>: Sized + Send + Sync {
    /// As [`IdGenerator::new`].
    ///
    /// # Errors
    ///
    /// As [`IdGenerator::new`].
    fn new(config: Config, clock: C) -> Result<Self, ConfigError>;

    /// As [`IdGenerator::try_next_id`], atomically.
    ///
    /// # Errors
    ///
    /// As [`IdGenerator::try_next_id`].
    fn try_next_id(&self) -> Result<u64, IdError>;

    /// As [`IdGenerator::next_id`].
    ///
    /// # Errors
    ///
    /// As [`IdGenerator::next_id`].
    fn next_id(&self) -> Result<u64, IdError> {
        loop {
            match self.try_next_id() {
                Err(IdError::Retry { .. }) => std::hint::spin_loop(),
                other => return other,
            }
        }
    }

    /// As [`IdGenerator::decode`].
    ///
    /// # Errors
    ///
    /// As [`IdGenerator::decode`].
    fn decode(&self, id: u64) -> Result<Parts, IdError>;
}

/// The 62 digits of base62, in value order: `0-9`, then `A-Z`, then `a-z`.
pub const BASE62_ALPHABET: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The longest base62 text of a `u64`: 11 digits (`u64::MAX` is `LygHa16AHYF`).
pub const BASE62_MAX_LEN: usize = 11;

/// Why a text is not the base62 form of a `u64`. Checked in this order: the first that applies
/// is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecodeError {
    /// The text is empty.
    Empty,
    /// A byte that is not a base62 digit (the first one).
    InvalidByte {
        /// The byte.
        byte: u8,
        /// Its index in the text.
        at: usize,
    },
    /// More than one digit and the first is `0`: not the canonical form.
    LeadingZero,
    /// The value is more than `u64::MAX`.
    Overflow,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DecodeError::Empty => f.write_str("empty text: a base62 ID has at least one digit"),
            DecodeError::InvalidByte { byte, at } => write!(
                f,
                "byte {byte:#04x} ({:?}) at index {at} is not a base62 digit: allowed 0-9, A-Z, \
                 a-z",
                char::from(byte)
            ),
            DecodeError::LeadingZero => f.write_str(
                "leading '0': the canonical base62 form has none (only \"0\" itself starts with \
                 '0')",
            ),
            DecodeError::Overflow => write!(
                f,
                "the value is larger than u64::MAX (LygHa16AHYF, at most {BASE62_MAX_LEN} digits)"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Base62 text for IDs, for short URLs: digits [`BASE62_ALPHABET`], most significant first, no
/// leading zeros. Encoding is a bijection between `u64` and the canonical texts: `decode(encode(x))
/// == Ok(x)` for every `x`, and every text `decode` accepts is what `encode` gives for its value.
pub trait IdCodec {
    /// `id` in base62: `"0"` for 0, otherwise no leading `0`, at most [`BASE62_MAX_LEN`] digits.
    fn encode(id: u64) -> String;

    /// The value of a canonical base62 text.
    ///
    /// # Errors
    ///
    /// [`DecodeError`], the first that applies in the order of its variants.
    fn decode(text: &str) -> Result<u64, DecodeError>;
}
