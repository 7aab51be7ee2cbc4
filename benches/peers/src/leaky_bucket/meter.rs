//! The `token-bucket` kata's reference driven as a meter, behind the leaky bucket's
//! [`Shaper`] and [`ConcurrentShaper`].
//!
//! A meter (a policer) decides at once: an offer takes a token or is refused. Nothing waits, so
//! an accepted item departs at the instant it was offered, and the next [`poll`](Shaper::poll)
//! hands it out. The mapping:
//!
//! - the token bucket holds `capacity + 1` tokens and refills at the shaper's rate. A shaper of
//!   capacity `c` takes `c + 1` items at once into an idle bucket (one leaves, `c` wait), and in
//!   general accepts an offer exactly when a token bucket of `c + 1` tokens at the same rate has
//!   a token: both are the same GCRA conformance test. So the meter accepts and refuses the same
//!   offers as the shaper, with the same `retry_after`; what differs is *when* the accepted
//!   items leave.
//! - `offer` is `try_acquire(1)`; a refusal's wait is the bucket's own `retry_after`.
//! - `level()` is always 0: no accepted item ever waits. `next_departure()` is the instant the
//!   oldest unpolled item was accepted at.
//!
//! The token bucket reads its clock itself, and the meter needs the same reading to return it as
//! the departure instant. Reading the kata's clock twice per offer would time two clock reads
//! against the shaper's one, so the meter reads the clock once (applying the kata's clock rule:
//! never earlier than the latest reading acted on) and hands that reading to the bucket through
//! [`Handed`], a clock that returns the last value stored in it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use kata_core::clock::Clock;
use kata_core::leaky_bucket::{ConcurrentShaper, ConfigError, Full, Rate, Shaper};
use kata_core::sync::Mutex;
use kata_core::token_bucket::{self, AcquireError, RateLimiter};
use token_bucket_solution::TokenBucket;

/// A clock that returns the reading last stored in it: how the meter hands its one reading of the
/// real clock to the token bucket.
#[derive(Debug, Clone, Default)]
pub struct Handed(Arc<AtomicU64>);

impl Handed {
    /// Makes `now` the reading the bucket sees next.
    #[inline]
    fn set(&self, now: u64) {
        self.0.store(now, Ordering::Relaxed);
    }
}

impl Clock for Handed {
    #[inline]
    fn now(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The token-bucket reference as a single-threaded meter: see the module documentation.
#[derive(Debug)]
pub struct TokenBucketMeter<T, C> {
    bucket: TokenBucket<Handed>,
    handed: Handed,
    clock: C,
    /// The latest clock reading acted on.
    latest: u64,
    /// Accepted items not yet polled, with the instant each was accepted (and so left).
    left: VecDeque<(T, u64)>,
    capacity: usize,
}

impl<T, C: Clock> TokenBucketMeter<T, C> {
    /// A meter that accepts what a leaky bucket of `capacity` leaking at `rate` would.
    ///
    /// # Errors
    ///
    /// [`ConfigError`], in the kata's order.
    pub fn build(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        if capacity == 0 {
            return Err(ConfigError::ZeroCapacity);
        }
        let tokens = u64::try_from(capacity)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let latest = clock.now();
        let handed = Handed::default();
        handed.set(latest);
        let bucket = TokenBucket::new(tokens, rate, handed.clone()).map_err(|e| match e {
            token_bucket::ConfigError::ZeroCapacity => ConfigError::ZeroCapacity,
            token_bucket::ConfigError::ZeroRate => ConfigError::ZeroRate,
            token_bucket::ConfigError::ZeroPeriod => ConfigError::ZeroPeriod,
            token_bucket::ConfigError::PeriodTooLong => ConfigError::PeriodTooLong,
        })?;
        Ok(TokenBucketMeter {
            bucket,
            handed,
            clock,
            latest,
            left: VecDeque::new(),
            capacity,
        })
    }

    /// Takes a token for `item` now, or gives it back with the bucket's wait for one.
    ///
    /// # Errors
    ///
    /// [`Full`] when the bucket has no token.
    #[inline]
    pub fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        let now = self.clock.now().max(self.latest);
        self.latest = now;
        self.handed.set(now);
        match self.bucket.try_acquire(1) {
            Ok(()) => {
                self.left.push_back((item, now));
                Ok(now)
            }
            Err(AcquireError::Insufficient { retry_after }) => Err(Full { item, retry_after }),
            Err(e @ AcquireError::ExceedsCapacity { .. }) => {
                unreachable!("the bucket holds at least two tokens and one is asked for: {e}")
            }
        }
    }

    /// The oldest accepted item: it left when it was accepted.
    #[inline]
    pub fn poll(&mut self) -> Option<T> {
        self.left.pop_front().map(|(item, _)| item)
    }

    /// The instant the oldest unpolled item was accepted at.
    pub fn next_departure(&self) -> Option<u64> {
        self.left.front().map(|&(_, at)| at)
    }

    /// Always 0: a meter holds nothing back.
    pub fn level(&self) -> usize {
        0
    }

    /// The capacity asked for (the bucket holds one token more).
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl<T, C: Clock> Shaper<T, C> for TokenBucketMeter<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        TokenBucketMeter::build(capacity, rate, clock)
    }

    #[inline]
    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        TokenBucketMeter::offer(self, item)
    }

    #[inline]
    fn poll(&mut self) -> Option<T> {
        TokenBucketMeter::poll(self)
    }

    fn next_departure(&self) -> Option<u64> {
        TokenBucketMeter::next_departure(self)
    }

    fn level(&self) -> usize {
        TokenBucketMeter::level(self)
    }

    fn capacity(&self) -> usize {
        TokenBucketMeter::capacity(self)
    }
}

/// [`TokenBucketMeter`] behind a [`kata_core::sync::Mutex`] (the lock the reference's
/// concurrent bucket takes too), for many producers and one consumer.
#[derive(Debug)]
pub struct ConcurrentTokenBucketMeter<T, C>(Mutex<TokenBucketMeter<T, C>>);

impl<T: Send, C: Clock + Send + Sync> ConcurrentShaper<T, C> for ConcurrentTokenBucketMeter<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        TokenBucketMeter::build(capacity, rate, clock).map(|m| Self(Mutex::new(m)))
    }

    #[inline]
    fn offer(&self, item: T) -> Result<u64, Full<T>> {
        self.0.lock().offer(item)
    }

    #[inline]
    fn poll(&self) -> Option<T> {
        self.0.lock().poll()
    }

    fn next_departure(&self) -> Option<u64> {
        self.0.lock().next_departure()
    }

    fn level(&self) -> usize {
        0
    }

    fn capacity(&self) -> usize {
        self.0.lock().capacity()
    }
}
