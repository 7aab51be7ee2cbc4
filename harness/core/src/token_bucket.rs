//! The API of the `token-bucket` kata: a rate limiter and its lock-free thread-safe variant.
//!
//! A bucket holds at most `capacity` tokens and starts full. Tokens flow in continuously at
//! `rate.tokens` per `rate.period`, and whatever would overflow the capacity is lost. A request
//! for `n` tokens is granted, and takes them, only if `n` whole tokens are there.
//!
//! The arithmetic is exact: a bucket that has been refilling for a year has received exactly
//! `year × rate` tokens, not a value that drifted through rounding. Fractions of a token are kept,
//! not dropped. See `katas/token-bucket/README.md` for how.

use std::fmt;
use std::time::Duration;

use crate::clock::Clock;

/// A refill rate: `tokens` per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Tokens added per period.
    pub tokens: u64,
    /// The period.
    pub period: Duration,
}

impl Rate {
    /// `tokens` per second.
    pub const fn per_second(tokens: u64) -> Rate {
        Rate {
            tokens,
            period: Duration::from_secs(1),
        }
    }

    /// `tokens` per `period`.
    pub const fn new(tokens: u64, period: Duration) -> Rate {
        Rate { tokens, period }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} tokens per {:?}", self.tokens, self.period)
    }
}

/// Why a bucket could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// Capacity 0: the bucket could never grant anything.
    ZeroCapacity,
    /// Zero tokens per period: the bucket would never refill.
    ZeroRate,
    /// A period of zero: the rate would be infinite.
    ZeroPeriod,
    /// A period longer than `u64::MAX` nanoseconds (584 years).
    PeriodTooLong,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigError::ZeroCapacity => {
                "capacity must be at least 1 token: an empty bucket grants nothing"
            }
            ConfigError::ZeroRate => "the rate must add at least 1 token per period",
            ConfigError::ZeroPeriod => "the rate's period must be longer than zero",
            ConfigError::PeriodTooLong => {
                "the rate's period must fit in u64 nanoseconds (584 years)"
            }
        })
    }
}

impl std::error::Error for ConfigError {}

/// Why a request for tokens was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcquireError {
    /// Not enough tokens now. After `retry_after` (and not a nanosecond sooner) the same request
    /// would be granted, if nothing else takes tokens in between.
    Insufficient {
        /// The shortest wait after which the request would be granted.
        retry_after: Duration,
    },
    /// More tokens than the bucket can ever hold: waiting will not help.
    ExceedsCapacity {
        /// Tokens asked for.
        requested: u64,
        /// The bucket's capacity.
        capacity: u64,
    },
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AcquireError::Insufficient { retry_after } => {
                write!(f, "not enough tokens; retry after {retry_after:?}")
            }
            AcquireError::ExceedsCapacity {
                requested,
                capacity,
            } => write!(
                f,
                "asked for {requested} tokens but the bucket holds at most {capacity}"
            ),
        }
    }
}

impl std::error::Error for AcquireError {}

/// A token-bucket rate limiter for one thread (`&mut self`).
pub trait RateLimiter<C: Clock>: Sized {
    /// A full bucket of `capacity` tokens refilling at `rate`, reading time from `clock`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the capacity or rate is zero, or the period does not fit.
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError>;

    /// Takes `n` tokens if they are all there. Asking for 0 tokens always succeeds.
    ///
    /// # Errors
    ///
    /// [`AcquireError::Insufficient`] with the exact time to wait, or
    /// [`AcquireError::ExceedsCapacity`] when `n > capacity`. A refused request takes nothing.
    fn try_acquire(&mut self, n: u64) -> Result<(), AcquireError>;

    /// Whole tokens available now.
    fn available(&self) -> u64;

    /// The most tokens the bucket holds.
    fn capacity(&self) -> u64;
}

/// A thread-safe token bucket (`&self`), whose whole state changes in one atomic step.
///
/// No interleaving of concurrent calls may grant more than a single-threaded bucket would have
/// granted to the same requests in some order.
pub trait ConcurrentRateLimiter<C: Clock>: Sized + Send + Sync {
    /// A full bucket of `capacity` tokens refilling at `rate`, reading time from `clock`.
    ///
    /// # Errors
    ///
    /// As [`RateLimiter::new`].
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError>;

    /// Takes `n` tokens if they are all there, atomically.
    ///
    /// # Errors
    ///
    /// As [`RateLimiter::try_acquire`].
    fn try_acquire(&self, n: u64) -> Result<(), AcquireError>;

    /// Whole tokens available now.
    fn available(&self) -> u64;

    /// The most tokens the bucket holds.
    fn capacity(&self) -> u64;
}
