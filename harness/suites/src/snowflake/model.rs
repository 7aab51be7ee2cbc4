//! The yardsticks of the `snowflake` suite: the generator and the base62 codec written as plainly
//! as possible, a clock that moves as it is read, and one interface over both generators.
//!
//! The model generator keeps the latest millisecond an ID was issued in (Unix ms; the epoch
//! before the first ID) and how many IDs it issued there, and does its arithmetic in `u128`, so
//! that it cannot overflow whatever the layout.

use std::sync::atomic::{AtomicU64 as StdAtomicU64, Ordering as StdOrdering};
use std::sync::Arc as StdArc;
use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::snowflake::{
    Backwards, Config, ConcurrentIdGenerator, DecodeError, IdError, IdGenerator, Parts,
    BASE62_ALPHABET, NANOS_PER_MS,
};
use kata_core::sync::locks_taken;

const MS: u128 = NANOS_PER_MS as u128;

/// The generator by the definition. The configuration must be valid.
#[derive(Debug, Clone)]
pub struct ModelGenerator {
    config: Config,
    /// The latest millisecond an ID was issued in, Unix ms.
    latest_ms: u128,
    /// IDs issued in it.
    issued: u128,
}

impl ModelGenerator {
    /// A generator for `config` (valid, and valid at the clock's reading) that has issued
    /// nothing.
    pub fn new(config: Config) -> ModelGenerator {
        ModelGenerator {
            config,
            latest_ms: u128::from(config.epoch_ms),
            issued: 0,
        }
    }

    fn per_ms(&self) -> u128 {
        1u128 << self.config.layout.sequence_bits
    }

    fn last_timestamp(&self) -> u128 {
        (1u128 << self.config.layout.timestamp_bits) - 1
    }

    fn duration(ns: u128) -> Duration {
        Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))
    }

    /// `try_next_id()` with the clock reading `now` (Unix ns).
    pub fn try_next_id(&mut self, now: u64) -> Result<u64, IdError> {
        let now = u128::from(now);
        let now_ms = now / MS;
        let epoch = u128::from(self.config.epoch_ms);
        let used_up = self.issued == self.per_ms();
        // Out of time for good: past the last millisecond, or its sequence used up.
        let last_ms = epoch + self.last_timestamp();
        if now_ms > last_ms || (used_up && self.latest_ms == last_ms) {
            return Err(IdError::TimestampOverflow);
        }
        if now_ms < self.latest_ms {
            let behind = self.latest_ms * MS - now;
            if let Backwards::WaitUpTo(d) = self.config.backwards {
                if behind <= d.as_nanos() {
                    let due = if used_up {
                        self.latest_ms + 1
                    } else {
                        self.latest_ms
                    };
                    return Err(IdError::Retry {
                        after: Self::duration(due * MS - now),
                    });
                }
            }
            return Err(IdError::ClockMovedBackwards {
                by: Self::duration(behind),
            });
        }
        if now_ms > self.latest_ms {
            self.latest_ms = now_ms;
            self.issued = 0;
        } else if used_up {
            return Err(IdError::Retry {
                after: Self::duration((now_ms + 1) * MS - now),
            });
        }
        let l = self.config.layout;
        let id = ((self.latest_ms - epoch) << (l.worker_bits + l.sequence_bits))
            | (u128::from(self.config.worker) << l.sequence_bits)
            | self.issued;
        self.issued += 1;
        Ok(u64::try_from(id).expect("a valid layout makes IDs of 63 bits"))
    }

    /// `decode(id)`.
    pub fn decode(&self, id: u64) -> Result<Parts, IdError> {
        decode(&self.config, id)
    }
}

/// `id` taken apart by `config`'s layout and epoch, as the definition says.
pub fn decode(config: &Config, id: u64) -> Result<Parts, IdError> {
    if id >= 1 << 63 {
        return Err(IdError::NotAnId { id });
    }
    let l = config.layout;
    let id = u128::from(id);
    let field = |shift: u8, bits: u8| ((id >> shift) & ((1u128 << bits) - 1)) as u64;
    Ok(Parts {
        unix_ms: config.epoch_ms + field(l.worker_bits + l.sequence_bits, l.timestamp_bits),
        worker: field(l.sequence_bits, l.worker_bits),
        sequence: field(0, l.sequence_bits),
    })
}

/// Base62 of `x`, by the definition.
pub fn encode(x: u64) -> String {
    let mut digits = Vec::new();
    let mut x = u128::from(x);
    loop {
        digits.push(BASE62_ALPHABET[(x % 62) as usize]);
        x /= 62;
        if x == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).expect("ASCII")
}

/// The value of a base62 text, or the first error in [`DecodeError`]'s order.
pub fn decode_text(text: &str) -> Result<u64, DecodeError> {
    if text.is_empty() {
        return Err(DecodeError::Empty);
    }
    let mut value: u128 = 0;
    let mut too_big = false;
    for (at, byte) in text.bytes().enumerate() {
        let Some(d) = BASE62_ALPHABET.iter().position(|&a| a == byte) else {
            return Err(DecodeError::InvalidByte { byte, at });
        };
        value = value * 62 + d as u128;
        if value > u128::from(u64::MAX) {
            too_big = true;
            value = 0;
        }
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(DecodeError::LeadingZero);
    }
    if too_big {
        return Err(DecodeError::Overflow);
    }
    Ok(value as u64)
}

/// A clock that moves `step` nanoseconds forward each time it is read (and can be set, like a
/// [`kata_core::clock::ManualClock`]). Clones share the time. It uses `std`'s atomics: it is for
/// the stages that do not run under loom.
#[derive(Debug, Clone)]
pub struct TickingClock {
    nanos: StdArc<StdAtomicU64>,
    step: u64,
}

impl TickingClock {
    /// A clock at `nanos` moving `step` per read.
    pub fn new(nanos: u64, step: u64) -> TickingClock {
        TickingClock {
            nanos: StdArc::new(StdAtomicU64::new(nanos)),
            step,
        }
    }

    /// The time, without moving it.
    pub fn peek(&self) -> u64 {
        self.nanos.load(StdOrdering::SeqCst)
    }

    /// Sets the time.
    pub fn set(&self, nanos: u64) {
        self.nanos.store(nanos, StdOrdering::SeqCst);
    }
}

impl Clock for TickingClock {
    fn now(&self) -> u64 {
        self.nanos.fetch_add(self.step, StdOrdering::SeqCst)
    }
}

/// Unix nanoseconds of millisecond `ms` plus `ns`.
pub const fn at(ms: u64, ns: u64) -> u64 {
    ms * NANOS_PER_MS + ns
}

/// The operations both generators share, so one scenario checks them both. The atomic one is
/// checked to take no lock on every call.
pub trait Subject {
    /// `try_next_id()`.
    fn try_next(&mut self) -> Result<Result<u64, IdError>, String>;
    /// `next_id()`.
    fn next(&mut self) -> Result<Result<u64, IdError>, String>;
    /// `decode(id)`.
    fn decode(&mut self, id: u64) -> Result<Result<Parts, IdError>, String>;
    /// The type's name, for messages.
    fn kind(&self) -> &'static str;
}

/// A single-threaded generator as a [`Subject`].
pub struct Seq<G, C>(pub G, pub std::marker::PhantomData<C>);

impl<C: Clock, G: IdGenerator<C>> Subject for Seq<G, C> {
    fn try_next(&mut self) -> Result<Result<u64, IdError>, String> {
        Ok(self.0.try_next_id())
    }
    fn next(&mut self) -> Result<Result<u64, IdError>, String> {
        Ok(self.0.next_id())
    }
    fn decode(&mut self, id: u64) -> Result<Result<Parts, IdError>, String> {
        Ok(self.0.decode(id))
    }
    fn kind(&self) -> &'static str {
        "Snowflake"
    }
}

/// An atomic generator as a [`Subject`], each call checked to take no lock.
pub struct Conc<A, C>(pub A, pub std::marker::PhantomData<C>);

impl<C: Clock + Send + Sync, A: ConcurrentIdGenerator<C>> Subject for Conc<A, C> {
    fn try_next(&mut self) -> Result<Result<u64, IdError>, String> {
        lock_free("try_next_id()", || self.0.try_next_id())
    }
    fn next(&mut self) -> Result<Result<u64, IdError>, String> {
        lock_free("next_id()", || self.0.next_id())
    }
    fn decode(&mut self, id: u64) -> Result<Result<Parts, IdError>, String> {
        lock_free("decode()", || self.0.decode(id))
    }
    fn kind(&self) -> &'static str {
        "AtomicSnowflake"
    }
}

/// Runs `call` (the atomic generator's `what`) and fails if it took a `kata_core::sync` lock.
pub fn lock_free<T>(what: &str, call: impl FnOnce() -> T) -> Result<T, String> {
    let before = locks_taken();
    let out = call();
    let taken = locks_taken() - before;
    if taken > 0 {
        return Err(format!(
            "AtomicSnowflake::{what} took a lock ({taken} Mutex::lock call(s)): the atomic \
             generator must be lock-free; keep the latest millisecond and the next sequence in \
             one AtomicU64 and change it with compare_exchange"
        ));
    }
    Ok(out)
}

/// Builds `F`'s single-threaded generator as a [`Subject`].
pub fn seq<G: IdGenerator<C> + 'static, C: Clock + 'static>(
    config: Config,
    clock: C,
) -> Result<Result<Box<dyn Subject>, kata_core::snowflake::ConfigError>, String> {
    Ok(G::new(config, clock)
        .map(|g| Box::new(Seq(g, std::marker::PhantomData)) as Box<dyn Subject>))
}

/// Builds `F`'s atomic generator as a [`Subject`] (its `new` checked to take no lock).
pub fn conc<A: ConcurrentIdGenerator<C> + 'static, C: Clock + Send + Sync + 'static>(
    config: Config,
    clock: C,
) -> Result<Result<Box<dyn Subject>, kata_core::snowflake::ConfigError>, String> {
    lock_free("new()", || {
        A::new(config, clock)
            .map(|g| Box::new(Conc(g, std::marker::PhantomData)) as Box<dyn Subject>)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kata_core::snowflake::Layout;

    #[test]
    fn the_model_counts_up_and_says_when_to_retry() {
        let config = Config::new(3)
            .with_layout(Layout::new(41, 20, 2))
            .with_epoch_ms(1_000);
        let mut m = ModelGenerator::new(config);
        for s in 0..4 {
            assert_eq!(m.try_next_id(at(1_005, 0)), Ok(5 << 22 | 3 << 2 | s));
        }
        assert_eq!(
            m.try_next_id(at(1_005, 250_000)),
            Err(IdError::Retry {
                after: Duration::from_micros(750)
            })
        );
        assert_eq!(m.try_next_id(at(1_006, 0)), Ok(6 << 22 | 3 << 2));
    }

    #[test]
    fn base62_by_the_definition() {
        assert_eq!(encode(0), "0");
        assert_eq!(encode(62), "10");
        assert_eq!(encode(u64::MAX), "LygHa16AHYF");
        assert_eq!(decode_text("LygHa16AHYF"), Ok(u64::MAX));
        assert_eq!(decode_text("LygHa16AHYG"), Err(DecodeError::Overflow));
        assert_eq!(decode_text("0zzzzzzzzzzzzzz"), Err(DecodeError::LeadingZero));
        assert_eq!(
            decode_text("0zzzzzzzzzzzzzz-"),
            Err(DecodeError::InvalidByte { byte: b'-', at: 15 })
        );
    }
}
