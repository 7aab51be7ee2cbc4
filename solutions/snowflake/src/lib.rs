//! Reference solution of the `snowflake` kata.
//!
//! Both generators keep the same two numbers: the latest timestamp an ID was issued at (`last`,
//! milliseconds since the epoch; 0 before the first ID) and the next sequence number to hand out
//! in it (`next`, from 0 to `2^sequence_bits`, the last value meaning "used up"). One pure
//! function, [`Spec::step`], decides from those two numbers and a clock reading what to hand out
//! and what the two numbers become; [`Snowflake`] keeps them in two fields, [`AtomicSnowflake`]
//! packs them into one `AtomicU64` (`last << (sequence_bits + 1) | next`, which fits: the
//! timestamp and sequence bits add up to at most 62) and moves it forward by compare-and-swap.
//!
//! The atomic generator loads its state *before* reading the clock, on every attempt: the state
//! it loaded was stored by a call that read the clock earlier, so with a clock that never goes
//! backwards the reading is never behind the state, and concurrent calls never see a clock
//! "moving backwards" that only moved on another thread. Reading the clock once and then retrying
//! the compare-and-swap with that stale reading does (and refuses where it must not).
//!
//! [`Base62`] encodes two digits per division (a table of the 3 844 pairs), written from the end
//! of a small buffer; it decodes through a 256-entry table of digit values in one unchecked pass
//! for texts of at most 10 digits (below 62^10, which fits a `u64`), and falls back to a checked
//! pass, which reports the first error in the documented order, for longer texts, a leading `0`,
//! or an invalid byte.

use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::snowflake::{
    Backwards, ConcurrentIdGenerator, Config, ConfigError, DecodeError, Field, IdCodec, IdError,
    IdGenerator, Layout, Parts, BASE62_ALPHABET, BASE62_MAX_LEN, NANOS_PER_MS,
};
// A line of its own, like the other references'.
use kata_core::sync::atomic::{AtomicU64, Ordering};

/// A validated configuration, with the numbers every call needs precomputed.
#[derive(Debug, Clone, Copy)]
struct Spec {
    epoch_ms: u64,
    /// `worker << sequence_bits`.
    worker_part: u64,
    worker_bits: u32,
    sequence_bits: u32,
    /// `2^timestamp_bits - 1`.
    max_timestamp: u64,
    /// `2^sequence_bits`: the value of `next` that means "used up".
    used_up: u64,
    /// The tolerance of a backward clock in nanoseconds; `None` refuses at once.
    wait_ns: Option<u128>,
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

fn nanos(ns: u128) -> Duration {
    Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))
}

impl Spec {
    /// Checks `config` against the clock's reading `now` (Unix ns), in [`ConfigError`]'s order.
    fn new(config: &Config, now: u64) -> Result<Spec, ConfigError> {
        let Layout {
            timestamp_bits,
            worker_bits,
            sequence_bits,
        } = config.layout;
        for (bits, field) in [
            (timestamp_bits, Field::Timestamp),
            (worker_bits, Field::Worker),
            (sequence_bits, Field::Sequence),
        ] {
            if bits == 0 {
                return Err(ConfigError::EmptyField { field });
            }
        }
        let total = u32::from(timestamp_bits) + u32::from(worker_bits) + u32::from(sequence_bits);
        if total != Layout::ID_BITS {
            return Err(ConfigError::BitsDoNotAddUp { total });
        }
        let (tb, wb, sb) = (
            u32::from(timestamp_bits),
            u32::from(worker_bits),
            u32::from(sequence_bits),
        );
        let max_worker = mask(wb);
        if config.worker > max_worker {
            return Err(ConfigError::WorkerTooLarge {
                worker: config.worker,
                max: max_worker,
            });
        }
        let now_ms = now / NANOS_PER_MS;
        if config.epoch_ms > now_ms {
            return Err(ConfigError::EpochInFuture {
                epoch_ms: config.epoch_ms,
                now_ms,
            });
        }
        let max_timestamp = mask(tb);
        if now_ms - config.epoch_ms > max_timestamp {
            return Err(ConfigError::EpochTooOld {
                epoch_ms: config.epoch_ms,
                now_ms,
                max_timestamp,
            });
        }
        Ok(Spec {
            epoch_ms: config.epoch_ms,
            worker_part: config.worker << sb,
            worker_bits: wb,
            sequence_bits: sb,
            max_timestamp,
            used_up: 1 << sb,
            wait_ns: match config.backwards {
                Backwards::Refuse => None,
                Backwards::WaitUpTo(d) => Some(d.as_nanos()),
            },
        })
    }

    /// From state `(last, next)` at clock reading `now`: the ID and the new state, or why not.
    #[inline]
    fn step(&self, last: u64, next: u64, now: u64) -> Result<(u64, u64, u64), IdError> {
        let now_ms = now / NANOS_PER_MS;
        let last_ms = self.epoch_ms + last;
        if now_ms > last_ms {
            let ts = now_ms - self.epoch_ms;
            if ts > self.max_timestamp {
                return Err(IdError::TimestampOverflow);
            }
            return Ok((self.id(ts, 0), ts, 1));
        }
        if next == self.used_up && last == self.max_timestamp {
            return Err(IdError::TimestampOverflow);
        }
        if now_ms < last_ms {
            let behind = u128::from(last_ms) * u128::from(NANOS_PER_MS) - u128::from(now);
            return Err(match self.wait_ns {
                Some(wait) if behind <= wait => IdError::Retry {
                    after: nanos(if next == self.used_up {
                        behind + u128::from(NANOS_PER_MS)
                    } else {
                        behind
                    }),
                },
                _ => IdError::ClockMovedBackwards { by: nanos(behind) },
            });
        }
        if next == self.used_up {
            let start = (u128::from(now_ms) + 1) * u128::from(NANOS_PER_MS);
            return Err(IdError::Retry {
                after: nanos(start - u128::from(now)),
            });
        }
        Ok((self.id(last, next), last, next + 1))
    }

    #[inline]
    fn id(&self, ts: u64, sequence: u64) -> u64 {
        (ts << (self.worker_bits + self.sequence_bits)) | self.worker_part | sequence
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        if id >> 63 != 0 {
            return Err(IdError::NotAnId { id });
        }
        Ok(Parts {
            unix_ms: self.epoch_ms + (id >> (self.worker_bits + self.sequence_bits)),
            worker: (id >> self.sequence_bits) & mask(self.worker_bits),
            sequence: id & mask(self.sequence_bits),
        })
    }
}

/// The single-threaded generator: the latest timestamp and the next sequence in two fields.
#[derive(Debug)]
pub struct Snowflake<C> {
    spec: Spec,
    last: u64,
    next: u64,
    clock: C,
}

impl<C: Clock> IdGenerator<C> for Snowflake<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        let spec = Spec::new(&config, clock.now())?;
        Ok(Snowflake {
            spec,
            last: 0,
            next: 0,
            clock,
        })
    }

    #[inline]
    fn try_next_id(&mut self) -> Result<u64, IdError> {
        let (id, last, next) = self.spec.step(self.last, self.next, self.clock.now())?;
        self.last = last;
        self.next = next;
        Ok(id)
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.spec.decode(id)
    }
}

/// The lock-free generator: `last << (sequence_bits + 1) | next` in one `AtomicU64`.
#[derive(Debug)]
pub struct AtomicSnowflake<C> {
    spec: Spec,
    state: AtomicU64,
    clock: C,
}

impl<C: Clock> AtomicSnowflake<C> {
    #[inline]
    fn pack(&self, last: u64, next: u64) -> u64 {
        (last << (self.spec.sequence_bits + 1)) | next
    }
}

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for AtomicSnowflake<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        let spec = Spec::new(&config, clock.now())?;
        Ok(AtomicSnowflake {
            spec,
            state: AtomicU64::new(0),
            clock,
        })
    }

    #[inline]
    fn try_next_id(&self) -> Result<u64, IdError> {
        let shift = self.spec.sequence_bits + 1;
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            // The clock after the state: see the crate's documentation.
            let now = self.clock.now();
            let (id, last, next) = self.spec.step(state >> shift, state & mask(shift), now)?;
            match self.state.compare_exchange_weak(
                state,
                self.pack(last, next),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(id),
                Err(actual) => state = actual,
            }
        }
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.spec.decode(id)
    }
}

/// Base62 text of IDs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Base62;

const INVALID: u8 = 0xFF;

/// The value of each byte as a base62 digit, or [`INVALID`].
const DIGITS: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 62 {
        table[BASE62_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Every pair of digits, `00` to `zz`: [`Base62::encode`] writes two digits per division.
const PAIRS: [[u8; 2]; 62 * 62] = {
    let mut table = [[0u8; 2]; 62 * 62];
    let mut i = 0;
    while i < 62 * 62 {
        table[i] = [BASE62_ALPHABET[i / 62], BASE62_ALPHABET[i % 62]];
        i += 1;
    }
    table
};

/// 62^10: every text of at most 10 digits is below it, so below `u64::MAX`.
const TEN_DIGITS: usize = 10;

impl Base62 {
    /// The first error of `bytes` in [`DecodeError`]'s order, or its value: the careful path.
    #[cold]
    fn decode_checked(bytes: &[u8]) -> Result<u64, DecodeError> {
        let mut value = Some(0u64);
        for (at, &byte) in bytes.iter().enumerate() {
            let digit = DIGITS[usize::from(byte)];
            if digit == INVALID {
                return Err(DecodeError::InvalidByte { byte, at });
            }
            value = value
                .and_then(|v| v.checked_mul(62))
                .and_then(|v| v.checked_add(u64::from(digit)));
        }
        if bytes.len() > 1 && bytes[0] == b'0' {
            return Err(DecodeError::LeadingZero);
        }
        value.ok_or(DecodeError::Overflow)
    }
}

impl IdCodec for Base62 {
    #[inline]
    fn encode(id: u64) -> String {
        let mut buf = [0u8; BASE62_MAX_LEN + 1];
        let mut at = buf.len();
        let mut n = id;
        while n >= 62 * 62 {
            let pair = PAIRS[(n % (62 * 62)) as usize];
            n /= 62 * 62;
            at -= 2;
            buf[at] = pair[0];
            buf[at + 1] = pair[1];
        }
        if n >= 62 {
            let pair = PAIRS[n as usize];
            at -= 2;
            buf[at] = pair[0];
            buf[at + 1] = pair[1];
        } else {
            at -= 1;
            buf[at] = BASE62_ALPHABET[n as usize];
        }
        // Every byte is from the alphabet, so ASCII: the check cannot fail.
        std::str::from_utf8(&buf[at..])
            .map(str::to_owned)
            .unwrap_or_default()
    }

    #[inline]
    fn decode(text: &str) -> Result<u64, DecodeError> {
        let bytes = text.as_bytes();
        if bytes.is_empty() {
            return Err(DecodeError::Empty);
        }
        if bytes.len() > TEN_DIGITS || (bytes[0] == b'0' && bytes.len() > 1) {
            return Self::decode_checked(bytes);
        }
        // At most 10 digits cannot overflow: one pass, and an invalid digit (0xFF) sets bit 7.
        let mut value = 0u64;
        let mut seen = 0u8;
        for &byte in bytes {
            let digit = DIGITS[usize::from(byte)];
            seen |= digit;
            value = value.wrapping_mul(62).wrapping_add(u64::from(digit));
        }
        if seen >= 64 {
            return Self::decode_checked(bytes);
        }
        Ok(value)
    }
}
