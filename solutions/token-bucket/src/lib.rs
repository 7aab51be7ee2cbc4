//! Reference solution of the `token-bucket` kata.
//!
//! Both variants use the generic cell rate algorithm (GCRA, ATM Forum TM 4.0, 1996), the
//! single-number form of a token bucket: instead of "tokens held" and "last refill time" it keeps
//! one *theoretical arrival time* `tat`, the instant at which the bucket would be full again. At
//! time `t` the bucket holds `capacity - max(0, tat - t) × rate` tokens, so granting `n` tokens just
//! moves `tat` forward by `n / rate`, and a refusal knows exactly how long to wait.
//!
//! To keep the arithmetic exact, time is counted in units of `1 / rate.tokens` nanoseconds: one
//! nanosecond is `rate.tokens` units and one token is `period_ns` units, both integers. Nothing is
//! ever rounded except the final retry hint, which is rounded *up* to a whole nanosecond. All of it
//! fits a `u128` (a `u64` nanosecond count times a `u64` rate), and so does the whole state, which
//! is why [`AtomicTokenBucket`] can update it with a single 128-bit compare-and-swap.

use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::sync::atomic::{AtomicU128, Ordering};

pub use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};

/// The constants of a bucket, in units of `1 / rate.tokens` nanoseconds.
#[derive(Debug, Clone, Copy)]
struct Gcra {
    /// Units per nanosecond: `rate.tokens`.
    units_per_ns: u128,
    /// Units per token: the period in nanoseconds.
    token: u128,
    /// Units for a full bucket: `capacity × token`.
    tolerance: u128,
    capacity: u64,
    /// Clock reading at construction: time zero for `tat`.
    epoch: u64,
}

impl Gcra {
    fn new(capacity: u64, rate: Rate, epoch: u64) -> Result<Gcra, ConfigError> {
        if capacity == 0 {
            return Err(ConfigError::ZeroCapacity);
        }
        if rate.tokens == 0 {
            return Err(ConfigError::ZeroRate);
        }
        let period =
            u64::try_from(rate.period.as_nanos()).map_err(|_| ConfigError::PeriodTooLong)?;
        if period == 0 {
            return Err(ConfigError::ZeroPeriod);
        }
        Ok(Gcra {
            units_per_ns: u128::from(rate.tokens),
            token: u128::from(period),
            tolerance: u128::from(capacity) * u128::from(period),
            capacity,
            epoch,
        })
    }

    #[inline]
    fn units(&self, now: u64) -> u128 {
        // A clock reading before the epoch counts as the epoch.
        u128::from(now.saturating_sub(self.epoch)) * self.units_per_ns
    }

    /// The new `tat` if `n` tokens can be granted at `t` (in units), or why not.
    #[inline]
    fn acquire(&self, tat: u128, t: u128, n: u64) -> Result<u128, AcquireError> {
        if n > self.capacity {
            return Err(AcquireError::ExceedsCapacity {
                requested: n,
                capacity: self.capacity,
            });
        }
        let new_tat = tat.max(t).saturating_add(u128::from(n) * self.token);
        let debt = new_tat - t;
        if debt <= self.tolerance {
            Ok(new_tat)
        } else {
            let wait_units = debt - self.tolerance;
            let wait_ns = wait_units.div_ceil(self.units_per_ns);
            Err(AcquireError::Insufficient {
                retry_after: Duration::from_nanos(u64::try_from(wait_ns).unwrap_or(u64::MAX)),
            })
        }
    }

    #[inline]
    fn available(&self, tat: u128, t: u128) -> u64 {
        let credit = self.tolerance - tat.saturating_sub(t).min(self.tolerance);
        // credit <= capacity × token, so the quotient fits a u64.
        (credit / self.token) as u64
    }
}

/// A token bucket for one thread.
#[derive(Debug, Clone)]
pub struct TokenBucket<C> {
    gcra: Gcra,
    tat: u128,
    clock: C,
}

impl<C: Clock> RateLimiter<C> for TokenBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let gcra = Gcra::new(capacity, rate, clock.now())?;
        Ok(TokenBucket {
            gcra,
            tat: 0,
            clock,
        })
    }

    #[inline]
    fn try_acquire(&mut self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        let t = self.gcra.units(self.clock.now());
        self.tat = self.gcra.acquire(self.tat, t, n)?;
        Ok(())
    }

    fn available(&self) -> u64 {
        self.gcra
            .available(self.tat, self.gcra.units(self.clock.now()))
    }

    fn capacity(&self) -> u64 {
        self.gcra.capacity
    }
}

/// A lock-free token bucket: its whole state is one `u128` changed by compare-and-swap.
#[derive(Debug)]
pub struct AtomicTokenBucket<C> {
    gcra: Gcra,
    tat: AtomicU128,
    clock: C,
}

impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for AtomicTokenBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let gcra = Gcra::new(capacity, rate, clock.now())?;
        Ok(AtomicTokenBucket {
            gcra,
            tat: AtomicU128::new(0),
            clock,
        })
    }

    #[inline]
    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        let t = self.gcra.units(self.clock.now());
        let mut tat = self.tat.load(Ordering::Acquire);
        loop {
            let new_tat = self.gcra.acquire(tat, t, n)?;
            match self
                .tat
                .compare_exchange_weak(tat, new_tat, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Ok(()),
                Err(actual) => tat = actual,
            }
        }
    }

    fn available(&self) -> u64 {
        let t = self.gcra.units(self.clock.now());
        self.gcra.available(self.tat.load(Ordering::Acquire), t)
    }

    fn capacity(&self) -> u64 {
        self.gcra.capacity
    }
}
