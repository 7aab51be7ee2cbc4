//! Known-wrong `snowflake` implementations.
//!
//! One single-threaded generator ([`Gen`]), one packed atomic generator ([`Packed`]) and one
//! codec ([`Codec`]), each with a `BUG` switch, and three atomic generators built differently
//! ([`Split`], [`Locked`], [`Remembering`]). A mutant family mixes one wrong type with the
//! reference's others, so each mutant isolates one mistake.

use std::time::Duration;

use kata_core::catalogue::Stage;
use kata_core::clock::Clock;
use kata_core::snowflake::{
    Backwards, ConcurrentIdGenerator, Config, ConfigError, DecodeError, Field, IdCodec, IdError,
    IdGenerator, Layout, Parts, NANOS_PER_MS,
};
use kata_core::sync::atomic::{AtomicU64, Ordering};
use kata_core::sync::Mutex;
use kata_suites::snowflake::SnowflakeFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "snowflake", suite snowflake, reference R: SnowflakeFamily;
    "no-sequence-reset" => SeqFamily<NO_RESET, R> {
        mistake: "the sequence keeps counting across milliseconds instead of starting again at 0",
        rejected_by: [examples, properties],
        passes: [],
    }
    "sequence-into-worker" => SeqFamily<INTO_WORKER, R> {
        mistake: "no check that the sequence is used up: ID 4 097 of a millisecond carries into \
                   the worker bits",
        rejected_by: [examples],
        passes: [],
    }
    "unchecked-layout" => SeqFamily<NO_LAYOUT_CHECK, R> {
        mistake: "the layout's widths are not checked to add up to 63 bits",
        rejected_by: [examples],
        passes: [],
    }
    "unchecked-worker" => SeqFamily<NO_WORKER_CHECK, R> {
        mistake: "a worker id too large for its bits is masked instead of refused",
        rejected_by: [examples],
        passes: [],
    }
    "reuse-on-backwards" => SeqFamily<REUSE_BACKWARDS, R> {
        mistake: "a clock that went back starts a 'new' millisecond at sequence 0, handing out \
                   IDs it already handed out",
        rejected_by: [examples, properties],
        passes: [],
    }
    "latest-from-construction" => SeqFamily<FROM_CONSTRUCTION, R> {
        mistake: "before the first ID the latest millisecond is the construction's, not the \
                   epoch: a clock set back after construction is refused with nothing issued",
        rejected_by: [examples, properties],
        passes: [],
    }
    "lowercase-first" => CodecFamily<LOWER_FIRST, R> {
        mistake: "base62 digits in the order 0-9a-zA-Z: a valid bijection, but not the kata's",
        rejected_by: [examples, properties],
        passes: [],
    }
    "leading-zeros" => CodecFamily<LEADING_ZEROS, R> {
        mistake: "base62 decode accepts leading zeros, so two texts decode to one ID",
        rejected_by: [examples, properties],
        passes: [],
    }
    "wrapping-decode" => CodecFamily<WRAPPING, R> {
        mistake: "base62 decode multiplies and adds with wrapping arithmetic: an overflow \
                   becomes a different ID",
        rejected_by: [examples],
        passes: [],
    }
    "split-state" => AtomicFamily<Split, R> {
        mistake: "the atomic generator keeps the millisecond and the sequence in two atomics: a \
                   new millisecond is stored, then its sequence reset, and a racing call in \
                   between gets the same ID",
        rejected_by: [concurrency],
        passes: [examples],
    }
    "stale-reading" => AtomicFamily<Packed<STALE>, R> {
        mistake: "the atomic generator reads the clock once, then retries its compare-and-swap \
                   with that reading: another thread's later millisecond makes it look like the \
                   clock went backwards",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    // The examples and properties check every call of the atomic generator for a lock (loom,
    // which the concurrency stage's rejections must come from, sees nothing wrong with a lock);
    // its properties failure is the atomic generator's replay snippet that
    // tests/failure_messages.rs compiles.
    "locked" => AtomicFamily<Locked, R> {
        mistake: "the atomic generator is a correct generator behind kata_core::sync::Mutex: \
                   right answers, but not lock-free as the kata demands",
        rejected_by: [examples, properties],
        passes: [],
    }
    "worker-high" => SeqFamily<WORKER_HIGH, R> {
        mistake: "the worker id in the top bits, above the timestamp: unique, but IDs sort by \
                   worker, not by time",
        rejected_by: [quality],
        passes: [],
    }
    "wrapping-sequence" => SeqFamily<WRAPPING_SEQUENCE, R> {
        mistake: "the sequence wraps round to 0 within a millisecond instead of waiting for the \
                   next: past 4 096 in a millisecond, duplicates",
        rejected_by: [quality],
        passes: [],
    }
    "short-sequence" => SeqFamily<SHORT_SEQUENCE, R> {
        mistake: "the sequence stops one short (`next < max` where `next <= max`): 4 095 IDs per \
                   millisecond, a slot wasted in each",
        rejected_by: [quality],
        passes: [],
    }
    "remembers-issued" => SeqFamily<REMEMBERS, R> {
        mistake: "keeps every ID it handed out and searches them for a duplicate before handing \
                   out another: correct, but O(IDs issued) per ID",
        rejected_by: [complexity],
        slow_in: "next-id",
        passes: [examples],
    }
    "atomic-remembers" => AtomicFamily<Remembering, R> {
        mistake: "the atomic generator logs every ID it handed out and searches the log: O(IDs \
                   issued) per ID",
        rejected_by: [complexity],
        slow_in: "atomic-next-id",
        passes: [],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: SnowflakeFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::snowflake`).
        "last-id" => kata_suites::grade!(
            snowflake,
            crate::alternatives::snowflake::LastIdFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no snowflake mutant named `{name}`")),
    }
}

/// A family with a wrong single-threaded generator and the reference's others.
pub struct SeqFamily<const BUG: u8, R>(std::marker::PhantomData<R>);

impl<const BUG: u8, R: SnowflakeFamily> SnowflakeFamily for SeqFamily<BUG, R> {
    type Generator<C: Clock> = Gen<C, BUG>;
    type Atomic<C: Clock + Send + Sync> = R::Atomic<C>;
    type Codec = R::Codec;
}

/// Supplies a thread-safe generator type.
pub trait AtomicMaker: 'static {
    /// The generator type.
    type Atomic<C: Clock + Send + Sync>: ConcurrentIdGenerator<C>;
}

/// A family with a wrong atomic generator and the reference's others.
pub struct AtomicFamily<M, R>(std::marker::PhantomData<(M, R)>);

impl<M: AtomicMaker, R: SnowflakeFamily> SnowflakeFamily for AtomicFamily<M, R> {
    type Generator<C: Clock> = R::Generator<C>;
    type Atomic<C: Clock + Send + Sync> = M::Atomic<C>;
    type Codec = R::Codec;
}

/// A family with a wrong codec and the reference's generators.
pub struct CodecFamily<const BUG: u8, R>(std::marker::PhantomData<R>);

impl<const BUG: u8, R: SnowflakeFamily> SnowflakeFamily for CodecFamily<BUG, R> {
    type Generator<C: Clock> = R::Generator<C>;
    type Atomic<C: Clock + Send + Sync> = R::Atomic<C>;
    type Codec = Codec<BUG>;
}

// ---- The generators' shared arithmetic, with optional bugs. ----

const CORRECT: u8 = 0;
const NO_RESET: u8 = 1;
const INTO_WORKER: u8 = 2;
const NO_LAYOUT_CHECK: u8 = 3;
const NO_WORKER_CHECK: u8 = 4;
const REUSE_BACKWARDS: u8 = 5;
const FROM_CONSTRUCTION: u8 = 6;
const WORKER_HIGH: u8 = 7;
const WRAPPING_SEQUENCE: u8 = 8;
const SHORT_SEQUENCE: u8 = 9;
const REMEMBERS: u8 = 10;
const STALE: u8 = 11;

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    }
}

/// A validated configuration.
#[derive(Debug, Clone, Copy)]
struct Spec<const BUG: u8> {
    epoch_ms: u64,
    worker: u64,
    tb: u32,
    wb: u32,
    sb: u32,
    wait_ns: Option<u128>,
}

impl<const BUG: u8> Spec<BUG> {
    fn new(config: &Config, now: u64) -> Result<(Self, u64), ConfigError> {
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
        let (tb, wb, sb) = (
            u32::from(timestamp_bits),
            u32::from(worker_bits),
            u32::from(sequence_bits),
        );
        if BUG != NO_LAYOUT_CHECK && tb + wb + sb != 63 {
            return Err(ConfigError::BitsDoNotAddUp {
                total: tb + wb + sb,
            });
        }
        let mut worker = config.worker;
        if worker > mask(wb) {
            if BUG == NO_WORKER_CHECK {
                worker &= mask(wb);
            } else {
                return Err(ConfigError::WorkerTooLarge {
                    worker,
                    max: mask(wb),
                });
            }
        }
        let now_ms = now / NANOS_PER_MS;
        if config.epoch_ms > now_ms {
            return Err(ConfigError::EpochInFuture {
                epoch_ms: config.epoch_ms,
                now_ms,
            });
        }
        if now_ms - config.epoch_ms > mask(tb) {
            return Err(ConfigError::EpochTooOld {
                epoch_ms: config.epoch_ms,
                now_ms,
                max_timestamp: mask(tb),
            });
        }
        let spec = Spec {
            epoch_ms: config.epoch_ms,
            worker,
            tb,
            wb,
            sb,
            wait_ns: match config.backwards {
                Backwards::Refuse => None,
                Backwards::WaitUpTo(d) => Some(d.as_nanos()),
            },
        };
        let latest = if BUG == FROM_CONSTRUCTION {
            now_ms - config.epoch_ms
        } else {
            0
        };
        Ok((spec, latest))
    }

    fn used_up(&self) -> u64 {
        if BUG == SHORT_SEQUENCE {
            (1 << self.sb) - 1
        } else {
            1 << self.sb
        }
    }

    fn id(&self, ts: u64, seq: u64) -> u64 {
        if BUG == WORKER_HIGH {
            (self.worker << (self.tb + self.sb)) | (ts << self.sb) | seq
        } else {
            (ts << (self.wb + self.sb)) | (self.worker << self.sb) | seq
        }
    }

    /// `(id, latest, next)` from `(latest, next)` at `now`.
    fn step(&self, last: u64, next: u64, now: u64) -> Result<(u64, u64, u64), IdError> {
        let ms = u128::from(NANOS_PER_MS);
        let now_ms = now / NANOS_PER_MS;
        let last_ms = self.epoch_ms + last;
        let used_up = self.used_up();
        let new_ms = if BUG == REUSE_BACKWARDS {
            now_ms != last_ms
        } else {
            now_ms > last_ms
        };
        if new_ms {
            let ts = now_ms.saturating_sub(self.epoch_ms);
            if ts > mask(self.tb) {
                return Err(IdError::TimestampOverflow);
            }
            if BUG == NO_RESET {
                let seq = next & mask(self.sb);
                return Ok((self.id(ts, seq), ts, seq + 1));
            }
            return Ok((self.id(ts, 0), ts, 1));
        }
        if next >= used_up && last == mask(self.tb) && BUG != INTO_WORKER {
            return Err(IdError::TimestampOverflow);
        }
        if now_ms < last_ms {
            let behind = u128::from(last_ms) * ms - u128::from(now);
            let ns = |x: u128| Duration::from_nanos(u64::try_from(x).unwrap_or(u64::MAX));
            return Err(match self.wait_ns {
                Some(wait) if behind <= wait => IdError::Retry {
                    after: ns(if next >= used_up { behind + ms } else { behind }),
                },
                _ => IdError::ClockMovedBackwards { by: ns(behind) },
            });
        }
        if BUG == INTO_WORKER {
            return Ok((self.id(last, next), last, next + 1));
        }
        if BUG == WRAPPING_SEQUENCE {
            let seq = next & mask(self.sb);
            return Ok((self.id(last, seq), last, seq + 1));
        }
        if next >= used_up {
            let start = (u128::from(now_ms) + 1) * ms;
            return Err(IdError::Retry {
                after: Duration::from_nanos(
                    u64::try_from(start - u128::from(now)).unwrap_or(u64::MAX),
                ),
            });
        }
        Ok((self.id(last, next), last, next + 1))
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        if id >> 63 != 0 {
            return Err(IdError::NotAnId { id });
        }
        if BUG == WORKER_HIGH {
            return Ok(Parts {
                unix_ms: self.epoch_ms + ((id >> self.sb) & mask(self.tb)),
                worker: id >> (self.tb + self.sb),
                sequence: id & mask(self.sb),
            });
        }
        Ok(Parts {
            unix_ms: self.epoch_ms + (id >> (self.wb + self.sb)),
            worker: (id >> self.sb) & mask(self.wb),
            sequence: id & mask(self.sb),
        })
    }
}

/// The single-threaded generator, with bug `BUG`.
pub struct Gen<C, const BUG: u8> {
    spec: Spec<BUG>,
    last: u64,
    next: u64,
    issued: Vec<u64>,
    clock: C,
}

impl<C: Clock, const BUG: u8> IdGenerator<C> for Gen<C, BUG> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        let (spec, last) = Spec::new(&config, clock.now())?;
        Ok(Gen {
            spec,
            last,
            next: 0,
            issued: Vec::new(),
            clock,
        })
    }

    fn try_next_id(&mut self) -> Result<u64, IdError> {
        let (id, last, next) = self.spec.step(self.last, self.next, self.clock.now())?;
        if BUG == REMEMBERS {
            // Correct, so never found; but the whole history is read every time.
            assert!(
                !self.issued.contains(&id),
                "ID {id} would have been handed out twice"
            );
            self.issued.push(id);
        }
        self.last = last;
        self.next = next;
        Ok(id)
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.spec.decode(id)
    }
}

/// The atomic generator packed in one word, with bug `BUG`.
pub struct Packed<const BUG: u8>;

impl<const BUG: u8> AtomicMaker for Packed<BUG> {
    type Atomic<C: Clock + Send + Sync> = PackedGen<C, BUG>;
}

/// `latest << (sequence_bits + 1) | next` in one `AtomicU64`.
pub struct PackedGen<C, const BUG: u8> {
    spec: Spec<BUG>,
    state: AtomicU64,
    clock: C,
}

impl<C: Clock + Send + Sync, const BUG: u8> ConcurrentIdGenerator<C> for PackedGen<C, BUG> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        let (spec, last) = Spec::new(&config, clock.now())?;
        Ok(PackedGen {
            state: AtomicU64::new(last << (spec.sb + 1)),
            spec,
            clock,
        })
    }

    fn try_next_id(&self) -> Result<u64, IdError> {
        let shift = self.spec.sb + 1;
        let stale = self.clock.now();
        loop {
            let state = self.state.load(Ordering::SeqCst);
            let now = if BUG == STALE {
                stale
            } else {
                self.clock.now()
            };
            let (id, last, next) = self.spec.step(state >> shift, state & mask(shift), now)?;
            if self
                .state
                .compare_exchange(
                    state,
                    (last << shift) | next,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                )
                .is_ok()
            {
                return Ok(id);
            }
        }
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.spec.decode(id)
    }
}

/// The millisecond and the sequence in two atomics.
pub struct Split;

impl AtomicMaker for Split {
    type Atomic<C: Clock + Send + Sync> = SplitGen<C>;
}

/// Two atomics: the latest timestamp, and the next sequence in it.
pub struct SplitGen<C> {
    spec: Spec<CORRECT>,
    last: AtomicU64,
    next: AtomicU64,
    clock: C,
}

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for SplitGen<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        let (spec, last) = Spec::new(&config, clock.now())?;
        Ok(SplitGen {
            spec,
            last: AtomicU64::new(last),
            next: AtomicU64::new(0),
            clock,
        })
    }

    fn try_next_id(&self) -> Result<u64, IdError> {
        let last = self.last.load(Ordering::SeqCst);
        let now = self.clock.now();
        let next = self.next.load(Ordering::SeqCst);
        let (id, new_last, new_next) = self.spec.step(last, next, now)?;
        if new_last != last {
            // A new millisecond: stored, then its sequence reset.
            self.last.store(new_last, Ordering::SeqCst);
            self.next.store(new_next, Ordering::SeqCst);
            return Ok(id);
        }
        // The same millisecond: take a sequence number.
        let seq = self.next.fetch_add(1, Ordering::SeqCst);
        if seq >= 1 << self.spec.sb {
            self.next.fetch_sub(1, Ordering::SeqCst);
            return self.spec.step(last, seq, now).map(|(id, _, _)| id);
        }
        Ok(self.spec.id(last, seq))
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.spec.decode(id)
    }
}

/// A correct generator behind a mutex.
pub struct Locked;

impl AtomicMaker for Locked {
    type Atomic<C: Clock + Send + Sync> = LockedGen<C>;
}

/// `Mutex<Gen>`.
pub struct LockedGen<C>(Mutex<Gen<C, CORRECT>>, Spec<CORRECT>);

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for LockedGen<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        let spec = Spec::new(&config, clock.now())?.0;
        Ok(LockedGen(Mutex::new(Gen::new(config, clock)?), spec))
    }

    fn try_next_id(&self) -> Result<u64, IdError> {
        self.0.lock().try_next_id()
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.1.decode(id)
    }
}

/// A correct packed generator that logs its IDs and searches the log.
pub struct Remembering;

impl AtomicMaker for Remembering {
    type Atomic<C: Clock + Send + Sync> = RememberingGen<C>;
}

/// [`PackedGen`] and a log.
pub struct RememberingGen<C> {
    inner: PackedGen<C, CORRECT>,
    log: Mutex<Vec<u64>>,
}

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for RememberingGen<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Ok(RememberingGen {
            inner: PackedGen::new(config, clock)?,
            log: Mutex::new(Vec::new()),
        })
    }

    fn try_next_id(&self) -> Result<u64, IdError> {
        let id = self.inner.try_next_id()?;
        let mut log = self.log.lock();
        assert!(
            !log.contains(&id),
            "ID {id} would have been handed out twice"
        );
        log.push(id);
        Ok(id)
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.inner.decode(id)
    }
}

// ---- A codec with optional bugs. ----

const LOWER_FIRST: u8 = 1;
const LEADING_ZEROS: u8 = 2;
const WRAPPING: u8 = 3;

/// Base62 with bug `BUG`.
pub struct Codec<const BUG: u8>;

impl<const BUG: u8> Codec<BUG> {
    fn alphabet() -> &'static [u8; 62] {
        if BUG == LOWER_FIRST {
            b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        } else {
            kata_core::snowflake::BASE62_ALPHABET
        }
    }
}

impl<const BUG: u8> IdCodec for Codec<BUG> {
    fn encode(id: u64) -> String {
        let alphabet = Self::alphabet();
        let mut digits = Vec::new();
        let mut n = id;
        loop {
            digits.push(alphabet[(n % 62) as usize]);
            n /= 62;
            if n == 0 {
                break;
            }
        }
        digits.reverse();
        String::from_utf8(digits).unwrap_or_default()
    }

    fn decode(text: &str) -> Result<u64, DecodeError> {
        if text.is_empty() {
            return Err(DecodeError::Empty);
        }
        let alphabet = Self::alphabet();
        let mut value = Some(0u64);
        for (at, byte) in text.bytes().enumerate() {
            let Some(d) = alphabet.iter().position(|&a| a == byte) else {
                return Err(DecodeError::InvalidByte { byte, at });
            };
            value = if BUG == WRAPPING {
                value.map(|v| v.wrapping_mul(62).wrapping_add(d as u64))
            } else {
                value
                    .and_then(|v| v.checked_mul(62))
                    .and_then(|v| v.checked_add(d as u64))
            };
        }
        if BUG != LEADING_ZEROS && text.len() > 1 && text.starts_with('0') {
            return Err(DecodeError::LeadingZero);
        }
        value.ok_or(DecodeError::Overflow)
    }
}
