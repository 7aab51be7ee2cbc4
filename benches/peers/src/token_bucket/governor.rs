//! The [`governor`](https://crates.io/crates/governor) crate's direct (un-keyed) `RateLimiter`
//! behind the kata's rate-limiter traits, reading time from the kata's clock through
//! [`GovernorClock`].
//!
//! The mapping: the capacity is governor's burst size, and the rate becomes governor's
//! replenishment interval `period / tokens`, which governor keeps as a whole number of
//! nanoseconds: the division rounds down, and an interval under 1 ns counts as 1 ns, as governor
//! itself does for rates it cannot space. A request for `n` tokens is `check_n(n)`; a refusal's
//! wait is governor's own `NotUntil::wait_time_from(now)`, and a request above the burst size is
//! governor's `InsufficientCapacity`. The bucket starts full, as governor's limiters do.
//!
//! governor has no call that reads the state without changing it, so [`available`] reads the
//! limiter's state store (shared with the limiter, through governor's public `StateStore` trait,
//! in a call that declines to update it) and counts how many cells governor's conformance test
//! would admit now.
//!
//! [`available`]: kata_core::token_bucket::RateLimiter::available

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use ::governor::clock::Clock as GovClock;
use ::governor::middleware::NoOpMiddleware;
use ::governor::nanos::Nanos;
use ::governor::state::{InMemoryState, NotKeyed, StateStore};
use ::governor::Quota;
use kata_core::clock::Clock;
use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};

use super::period_nanos;

/// A governor clock that reads a kata [`Clock`]: its instants are the kata clock's nanoseconds,
/// as governor's own [`Nanos`].
#[derive(Debug, Clone)]
pub struct GovernorClock<C>(pub C);

impl<C: Clock> GovClock for GovernorClock<C> {
    type Instant = Nanos;

    #[inline]
    fn now(&self) -> Nanos {
        Nanos::from(self.0.now())
    }
}

/// governor's in-memory state, shared between the limiter and the adapter's `available`.
#[derive(Debug, Clone, Default)]
pub struct SharedState(Arc<InMemoryState>);

impl StateStore for SharedState {
    type Key = NotKeyed;

    #[inline]
    fn measure_and_replace<T, F, E>(&self, key: &NotKeyed, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        self.0.measure_and_replace(key, f)
    }
}

type Limiter<C> =
    ::governor::RateLimiter<NotKeyed, SharedState, GovernorClock<C>, NoOpMiddleware<Nanos>>;

/// A governor direct rate limiter behind [`RateLimiter`] and [`ConcurrentRateLimiter`].
#[derive(Debug)]
pub struct GovernorBucket<C: Clock> {
    limiter: Limiter<C>,
    state: SharedState,
    /// The clock reading taken just before the limiter was built, standing in for the limiter's
    /// own (private) start reading: equal to it with a `ManualClock`, a few nanoseconds earlier
    /// with a real clock.
    start: u64,
    /// governor's replenishment interval (its `t`), in nanoseconds.
    interval: u64,
    capacity: u64,
}

impl<C: Clock> GovernorBucket<C> {
    /// A full bucket of `capacity` tokens refilling at `rate`, reading time from `clock`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`], as the kata's specification says.
    ///
    /// # Panics
    ///
    /// When `capacity` exceeds `u32::MAX`: governor's burst size is a `NonZeroU32`.
    pub fn build(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let period = period_nanos(capacity, rate)?;
        let burst = u32::try_from(capacity)
            .ok()
            .and_then(NonZeroU32::new)
            .unwrap_or_else(|| panic!("governor's burst size is a u32; {capacity} does not fit"));
        let interval = (period / rate.tokens).max(1);
        let quota = Quota::with_period(Duration::from_nanos(interval))
            .expect("the interval is at least 1 ns")
            .allow_burst(burst);
        let state = SharedState::default();
        let start = clock.now();
        let limiter = ::governor::RateLimiter::new(quota, state.clone(), GovernorClock(clock));
        Ok(GovernorBucket {
            limiter,
            state,
            start,
            interval,
            capacity,
        })
    }

    /// The clock this bucket reads, through governor.
    pub fn clock(&self) -> &GovernorClock<C> {
        self.limiter.clock()
    }

    /// Takes `n` tokens if they are all there: the kata's `try_acquire`, callable through
    /// `&self` without naming either trait.
    ///
    /// # Errors
    ///
    /// As [`RateLimiter::try_acquire`].
    #[inline]
    pub fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        let exceeds = AcquireError::ExceedsCapacity {
            requested: n,
            capacity: self.capacity,
        };
        let Ok(n) = u32::try_from(n) else {
            // More than u32::MAX, so more than the burst size, which is a u32.
            return Err(exceeds);
        };
        let Some(n) = NonZeroU32::new(n) else {
            return Ok(());
        };
        match self.limiter.check_n(n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(AcquireError::Insufficient {
                retry_after: not_until.wait_time_from(self.limiter.clock().now()),
            }),
            Err(_insufficient_capacity) => Err(exceeds),
        }
    }

    /// Whole tokens available now: how many cells governor's conformance test would admit, where
    /// `n` cells conform when `tat + (n - 1) × t - tau <= now` and `tau = (burst - 1) × t`.
    pub fn available(&self) -> u64 {
        let tat = match self
            .state
            .measure_and_replace(&NotKeyed::NonKey, Err::<((), Nanos), _>)
        {
            Err(Some(tat)) => u128::from(tat.as_u64()),
            // Never used yet: governor treats the bucket as full.
            _ => return self.capacity,
        };
        let t = u128::from(self.interval);
        let tau = t * u128::from(self.capacity - 1);
        let now = u128::from(self.limiter.clock().0.now().saturating_sub(self.start));
        match (now + tau).checked_sub(tat) {
            None => 0,
            Some(slack) => u64::try_from(slack / t + 1)
                .unwrap_or(u64::MAX)
                .min(self.capacity),
        }
    }

    /// The most tokens the bucket holds: governor's burst size.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }
}

impl<C: Clock> RateLimiter<C> for GovernorBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        GovernorBucket::build(capacity, rate, clock)
    }

    #[inline]
    fn try_acquire(&mut self, n: u64) -> Result<(), AcquireError> {
        GovernorBucket::try_acquire(self, n)
    }

    fn available(&self) -> u64 {
        GovernorBucket::available(self)
    }

    fn capacity(&self) -> u64 {
        GovernorBucket::capacity(self)
    }
}

impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for GovernorBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        GovernorBucket::build(capacity, rate, clock)
    }

    #[inline]
    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        GovernorBucket::try_acquire(self, n)
    }

    fn available(&self) -> u64 {
        GovernorBucket::available(self)
    }

    fn capacity(&self) -> u64 {
        GovernorBucket::capacity(self)
    }
}
