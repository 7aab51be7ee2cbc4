//! The [`ratelimit`](https://crates.io/crates/ratelimit) crate's `Ratelimiter` behind the kata's
//! rate-limiter traits, reading time from the kata's clock through [`RatelimitClock`].
//!
//! ratelimit 2 takes an injected clock (its `Clock` trait: the time elapsed since the clock's
//! creation), so the suite's `ManualClock` drives it. The mapping: `rate.tokens` per
//! `rate.period` is the builder's rate and period, the capacity is both `max_tokens` and
//! `initial_available` (the bucket starts full), `try_acquire(n)` is `try_wait_n(n)`, and
//! `available()` is the crate's `available()`, which, as its documentation says, is not
//! refreshed by the passage of time: tokens only accumulate inside `try_wait_n`.

use std::time::Duration;

use ::ratelimit::{Builder, Ratelimiter, TryWaitError};
use kata_core::clock::Clock;
use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};

use super::period_nanos;

/// A ratelimit clock that reads a kata [`Clock`]: the time elapsed since `epoch`, the kata clock's
/// reading when the bucket was built.
#[derive(Debug, Clone)]
pub struct RatelimitClock<C> {
    /// The kata clock.
    pub clock: C,
    /// The kata clock's reading that counts as ratelimit's time zero.
    pub epoch: u64,
}

impl<C: Clock> ::ratelimit::Clock for RatelimitClock<C> {
    #[inline]
    fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.clock.now().saturating_sub(self.epoch))
    }
}

/// A `ratelimit::Ratelimiter` behind [`RateLimiter`] and [`ConcurrentRateLimiter`].
#[derive(Debug)]
pub struct RatelimitBucket<C: Clock>(Ratelimiter<RatelimitClock<C>>);

impl<C: Clock> RatelimitBucket<C> {
    /// A full bucket of `capacity` tokens refilling at `rate`, reading time from `clock`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`], as the kata's specification says.
    pub fn build(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        period_nanos(capacity, rate)?;
        let epoch = clock.now();
        let limiter = Builder::with_clock(rate.tokens, RatelimitClock { clock, epoch })
            .period(rate.period)
            .max_tokens(capacity)
            .initial_available(capacity)
            .build()
            // Capacity, rate and period were checked above, and the bucket starts exactly full.
            .unwrap_or_else(|e| panic!("ratelimit refused a valid configuration: {e}"));
        Ok(RatelimitBucket(limiter))
    }

    /// The wrapped limiter.
    pub fn inner(&self) -> &Ratelimiter<RatelimitClock<C>> {
        &self.0
    }

    /// Takes `n` tokens if they are all there: the kata's `try_acquire`, callable through
    /// `&self` without naming either trait.
    ///
    /// # Errors
    ///
    /// As [`RateLimiter::try_acquire`].
    #[inline]
    pub fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        match self.0.try_wait_n(n) {
            Ok(()) => Ok(()),
            Err(TryWaitError::Insufficient(retry_after)) => {
                Err(AcquireError::Insufficient { retry_after })
            }
            Err(TryWaitError::ExceedsCapacity) => Err(AcquireError::ExceedsCapacity {
                requested: n,
                capacity: self.capacity(),
            }),
            Err(e) => panic!("ratelimit returned an error this adapter does not know: {e}"),
        }
    }

    /// Whole tokens available: the crate's `available()`, as of the last `try_acquire` (ratelimit
    /// refills only inside `try_wait_n`).
    pub fn available(&self) -> u64 {
        self.0.available()
    }

    /// The most tokens the bucket holds: ratelimit's `max_tokens`.
    pub fn capacity(&self) -> u64 {
        self.0.max_tokens()
    }
}

impl<C: Clock> RateLimiter<C> for RatelimitBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        RatelimitBucket::build(capacity, rate, clock)
    }

    #[inline]
    fn try_acquire(&mut self, n: u64) -> Result<(), AcquireError> {
        RatelimitBucket::try_acquire(self, n)
    }

    fn available(&self) -> u64 {
        RatelimitBucket::available(self)
    }

    fn capacity(&self) -> u64 {
        RatelimitBucket::capacity(self)
    }
}

impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for RatelimitBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        RatelimitBucket::build(capacity, rate, clock)
    }

    #[inline]
    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        RatelimitBucket::try_acquire(self, n)
    }

    fn available(&self) -> u64 {
        RatelimitBucket::available(self)
    }

    fn capacity(&self) -> u64 {
        RatelimitBucket::capacity(self)
    }
}
