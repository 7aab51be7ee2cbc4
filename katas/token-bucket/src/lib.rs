//! # Kata `token-bucket`: a token bucket rate limiter
//!
//! A bucket holds at most `capacity` tokens and starts full; tokens flow in at a fixed `rate`;
//! a request for `n` tokens is granted only if `n` whole tokens are there, and takes them. The
//! capacity is the largest burst a client can send; the rate is its sustained throughput.
//!
//! Read `katas/token-bucket/README.md` first. Grade your work with
//! `cargo kata check token-bucket`.
//!
//! What must hold (the graded suite checks all of it):
//! - time comes only from the injected [`Clock`], as nanoseconds;
//! - the arithmetic is exact integers: fractions of a token are kept, nothing drifts over time;
//! - a refusal says exactly how long to wait (rounded up to the nanosecond);
//! - zero capacity, zero rate, zero period, and requests above capacity get clear errors;
//! - [`AtomicTokenBucket`] takes no lock (the suite counts `kata_core::sync::Mutex` locks, and
//!   refuses `std::sync` and `parking_lot`), and no interleaving of threads may grant more tokens
//!   than there are (loom checks): keep its whole state in one atomic, changed by compare-and-swap;
//! - a clock that steps back is no error: a reading earlier than the latest one `try_acquire`
//!   acted on means no time has passed, so never panic and never credit time twice;
//! - every operation is O(1), whatever the capacity and rate.
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.
//! For the atomic variant use `kata_core::sync::atomic` (it has an `AtomicU128`), not
//! `std::sync::atomic`, so that the concurrency stage can model-check it with loom.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::marker::PhantomData;

pub use kata_core::clock::{Clock, ManualClock, MonotonicClock};
pub use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};

/// A token bucket for one thread.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use token_bucket_kata::{AcquireError, ManualClock, Rate, RateLimiter, TokenBucket};
///
/// let clock = ManualClock::new();
/// let mut bucket = TokenBucket::new(2, Rate::per_second(1), clock.clone()).unwrap();
/// assert_eq!(bucket.try_acquire(2), Ok(()));
/// assert_eq!(
///     bucket.try_acquire(1),
///     Err(AcquireError::Insufficient { retry_after: Duration::from_secs(1) })
/// );
/// clock.advance(Duration::from_secs(1));
/// assert_eq!(bucket.try_acquire(1), Ok(()));
/// ```
pub struct TokenBucket<C> {
    _state: PhantomData<C>,
}

impl<C: Clock> RateLimiter<C> for TokenBucket<C> {
    /// A full bucket of `capacity` tokens refilling at `rate`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroCapacity`], [`ConfigError::ZeroRate`], [`ConfigError::ZeroPeriod`], or
    /// [`ConfigError::PeriodTooLong`] (a period over `u64::MAX` nanoseconds).
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        todo!("TokenBucket::new")
    }

    /// Takes `n` tokens if all `n` are there; `n = 0` always succeeds.
    ///
    /// # Errors
    ///
    /// [`AcquireError::ExceedsCapacity`] when `n > capacity`; otherwise
    /// [`AcquireError::Insufficient`] with the shortest wait after which the same request would
    /// succeed. A refused request takes nothing.
    fn try_acquire(&mut self, n: u64) -> Result<(), AcquireError> {
        todo!("TokenBucket::try_acquire")
    }

    /// Whole tokens available now.
    fn available(&self) -> u64 {
        todo!("TokenBucket::available")
    }

    /// The bucket's capacity.
    fn capacity(&self) -> u64 {
        todo!("TokenBucket::capacity")
    }
}

/// A lock-free token bucket shared by threads.
pub struct AtomicTokenBucket<C> {
    _state: PhantomData<C>,
}

impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for AtomicTokenBucket<C> {
    /// A full bucket of `capacity` tokens refilling at `rate`.
    ///
    /// # Errors
    ///
    /// As [`TokenBucket::new`](RateLimiter::new).
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        todo!("AtomicTokenBucket::new")
    }

    /// Takes `n` tokens if all `n` are there, in one atomic step.
    ///
    /// # Errors
    ///
    /// As [`TokenBucket::try_acquire`](RateLimiter::try_acquire).
    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        todo!("AtomicTokenBucket::try_acquire")
    }

    /// Whole tokens available now.
    fn available(&self) -> u64 {
        todo!("AtomicTokenBucket::available")
    }

    /// The bucket's capacity.
    fn capacity(&self) -> u64 {
        todo!("AtomicTokenBucket::capacity")
    }
}
