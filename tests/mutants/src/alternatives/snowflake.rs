//! `snowflake` in another design: the state is the last ID handed out.
//!
//! - [`LastId`]: one `Option<u64>`, the last ID; its top bits are the latest timestamp and its low
//!   bits the latest sequence, so "the next sequence" is the last one plus 1, and "used up" is
//!   the last sequence being all ones.
//! - [`AtomicLastId`]: the same in one `AtomicU64` (`u64::MAX`, which no ID is, for "none yet"),
//!   moved by compare-and-swap.
//! - [`Powers`]: base62 by the powers of 62, most significant digit first (a table of the eleven
//!   powers), decoded through a `match` on byte ranges.
//!
//! The reference keeps `(latest timestamp, next sequence)`, packs it with a spare bit for "used
//! up", encodes by repeated division from the end of a buffer and decodes through a 256-entry
//! table. Graded on every stage as `--mutant last-id`.

use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::snowflake::{
    Backwards, ConcurrentIdGenerator, Config, ConfigError, DecodeError, Field, IdCodec, IdError,
    IdGenerator, Parts, NANOS_PER_MS,
};
use kata_core::sync::atomic::{AtomicU64, Ordering};
use kata_suites::snowflake::SnowflakeFamily;

/// The last-ID `snowflake` family.
pub struct LastIdFamily;

impl SnowflakeFamily for LastIdFamily {
    type Generator<C: Clock> = LastId<C>;
    type Atomic<C: Clock + Send + Sync> = AtomicLastId<C>;
    type Codec = Powers;
}

/// The rules, from the last ID.
#[derive(Debug, Clone, Copy)]
struct Rules {
    epoch_ms: u64,
    worker: u64,
    /// Bits below the timestamp.
    low_bits: u32,
    sequence_bits: u32,
    worker_bits: u32,
    timestamp_bits: u32,
    tolerance: Option<Duration>,
}

impl Rules {
    fn check(config: &Config, now: u64) -> Result<Rules, ConfigError> {
        let l = config.layout;
        let fields = [
            (Field::Timestamp, l.timestamp_bits),
            (Field::Worker, l.worker_bits),
            (Field::Sequence, l.sequence_bits),
        ];
        if let Some(&(field, _)) = fields.iter().find(|(_, b)| *b == 0) {
            return Err(ConfigError::EmptyField { field });
        }
        let total: u32 = fields.iter().map(|(_, b)| u32::from(*b)).sum();
        if total != 63 {
            return Err(ConfigError::BitsDoNotAddUp { total });
        }
        let max = u64::MAX >> (64 - u32::from(l.worker_bits));
        if config.worker > max {
            return Err(ConfigError::WorkerTooLarge {
                worker: config.worker,
                max,
            });
        }
        let now_ms = now / NANOS_PER_MS;
        if now_ms < config.epoch_ms {
            return Err(ConfigError::EpochInFuture {
                epoch_ms: config.epoch_ms,
                now_ms,
            });
        }
        let max_timestamp = u64::MAX >> (64 - u32::from(l.timestamp_bits));
        if now_ms - config.epoch_ms > max_timestamp {
            return Err(ConfigError::EpochTooOld {
                epoch_ms: config.epoch_ms,
                now_ms,
                max_timestamp,
            });
        }
        Ok(Rules {
            epoch_ms: config.epoch_ms,
            worker: config.worker,
            low_bits: u32::from(l.worker_bits) + u32::from(l.sequence_bits),
            sequence_bits: u32::from(l.sequence_bits),
            worker_bits: u32::from(l.worker_bits),
            timestamp_bits: u32::from(l.timestamp_bits),
            tolerance: match config.backwards {
                Backwards::Refuse => None,
                Backwards::WaitUpTo(d) => Some(d),
            },
        })
    }

    fn all_ones(bits: u32) -> u64 {
        u64::MAX >> (64 - bits)
    }

    /// The ID after `last` (`None`: nothing handed out yet) at clock reading `now`.
    fn after(&self, last: Option<u64>, now: u64) -> Result<u64, IdError> {
        let (latest, used_up) = match last {
            None => (0, false),
            Some(id) => (
                id >> self.low_bits,
                id & Self::all_ones(self.sequence_bits) == Self::all_ones(self.sequence_bits),
            ),
        };
        let last_timestamp = Self::all_ones(self.timestamp_bits);
        let now_ms = now / NANOS_PER_MS;
        let ts = now_ms.checked_sub(self.epoch_ms);
        if ts.is_some_and(|t| t > last_timestamp) || (used_up && latest == last_timestamp) {
            return Err(IdError::TimestampOverflow);
        }
        let start_of = |ms: u64| Duration::from_millis(ms);
        let now_d = Duration::from_nanos(now);
        match ts {
            Some(t) if t > latest || (t == latest && last.is_none()) => Ok(self.make(t, 0)),
            Some(t) if t == latest => {
                if used_up {
                    Err(IdError::Retry {
                        after: start_of(now_ms + 1).saturating_sub(now_d),
                    })
                } else {
                    Ok(last.unwrap_or(0) + 1)
                }
            }
            _ => {
                let by = start_of(self.epoch_ms + latest).saturating_sub(now_d);
                match self.tolerance {
                    Some(d) if by <= d => Err(IdError::Retry {
                        after: if used_up {
                            by + Duration::from_millis(1)
                        } else {
                            by
                        },
                    }),
                    _ => Err(IdError::ClockMovedBackwards { by }),
                }
            }
        }
    }

    fn make(&self, timestamp: u64, sequence: u64) -> u64 {
        timestamp << self.low_bits | self.worker << self.sequence_bits | sequence
    }

    fn parts(&self, id: u64) -> Result<Parts, IdError> {
        if id > i64::MAX as u64 {
            return Err(IdError::NotAnId { id });
        }
        Ok(Parts {
            unix_ms: self.epoch_ms + (id >> self.low_bits),
            worker: (id >> self.sequence_bits) & Self::all_ones(self.worker_bits),
            sequence: id & Self::all_ones(self.sequence_bits),
        })
    }
}

/// The single-threaded generator: the last ID handed out.
pub struct LastId<C> {
    rules: Rules,
    last: Option<u64>,
    clock: C,
}

impl<C: Clock> IdGenerator<C> for LastId<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Ok(LastId {
            rules: Rules::check(&config, clock.now())?,
            last: None,
            clock,
        })
    }

    fn try_next_id(&mut self) -> Result<u64, IdError> {
        let id = self.rules.after(self.last, self.clock.now())?;
        self.last = Some(id);
        Ok(id)
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.rules.parts(id)
    }
}

const NONE: u64 = u64::MAX;

/// The last ID handed out in one `AtomicU64`.
pub struct AtomicLastId<C> {
    rules: Rules,
    last: AtomicU64,
    clock: C,
}

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for AtomicLastId<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Ok(AtomicLastId {
            rules: Rules::check(&config, clock.now())?,
            last: AtomicU64::new(NONE),
            clock,
        })
    }

    fn try_next_id(&self) -> Result<u64, IdError> {
        loop {
            let last = self.last.load(Ordering::SeqCst);
            let id = self
                .rules
                .after((last != NONE).then_some(last), self.clock.now())?;
            if self
                .last
                .compare_exchange(last, id, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return Ok(id);
            }
        }
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.rules.parts(id)
    }
}

/// Base62 by powers of 62.
pub struct Powers;

/// 62^0 to 62^10.
const POWERS: [u64; 11] = {
    let mut p = [1u64; 11];
    let mut i = 1;
    while i < 11 {
        p[i] = p[i - 1] * 62;
        i += 1;
    }
    p
};

fn digit_char(d: u64) -> char {
    let d = d as u8;
    char::from(match d {
        0..=9 => b'0' + d,
        10..=35 => b'A' + d - 10,
        _ => b'a' + d - 36,
    })
}

fn digit_value(b: u8) -> Option<u64> {
    Some(u64::from(match b {
        b'0'..=b'9' => b - b'0',
        b'A'..=b'Z' => b - b'A' + 10,
        b'a'..=b'z' => b - b'a' + 36,
        _ => return None,
    }))
}

impl IdCodec for Powers {
    fn encode(id: u64) -> String {
        let top = POWERS.iter().rposition(|&p| p <= id).unwrap_or(0);
        let mut rest = id;
        (0..=top)
            .rev()
            .map(|k| {
                let d = rest / POWERS[k];
                rest %= POWERS[k];
                digit_char(d)
            })
            .collect()
    }

    fn decode(text: &str) -> Result<u64, DecodeError> {
        let bytes = text.as_bytes();
        let Some(&first) = bytes.first() else {
            return Err(DecodeError::Empty);
        };
        let digits = bytes
            .iter()
            .enumerate()
            .map(|(at, &byte)| digit_value(byte).ok_or(DecodeError::InvalidByte { byte, at }))
            .collect::<Result<Vec<u64>, _>>()?;
        if first == b'0' && bytes.len() > 1 {
            return Err(DecodeError::LeadingZero);
        }
        let mut value: u128 = 0;
        for d in digits {
            value = value * 62 + u128::from(d);
            if value > u128::from(u64::MAX) {
                return Err(DecodeError::Overflow);
            }
        }
        Ok(value as u64)
    }
}
