//! The API of the `leaky-bucket` kata: a traffic shaper, the leaky bucket as a queue.
//!
//! Items are offered to a bounded FIFO and leave it at a constant rate: one every
//! `rate.period / rate.tokens` (read `tokens` as items). An item offered to an idle bucket leaves at
//! once; an item offered behind others leaves one interval after the one before it. Where the
//! token bucket (`token-bucket` kata) lets a burst through at once, the leaky bucket spreads it
//! out: same long-run rate, opposite handling of bursts.
//!
//! # The schedule, exactly
//!
//! Departures are computed in exact integer arithmetic, so the millionth item of a bucket leaking
//! 3 items per second leaves at exactly `ceil(10^6 / 3)` seconds after the first, not at a value
//! that drifted through rounding. In *scaled time* (nanoseconds × `rate.tokens`), one interval is
//! `period` nanoseconds long, so every quantity is an integer. Item `i`, offered at `a_i`, leaves at
//!
//! ```text
//! S_i = max(a_i × tokens, S_{i-1} + period_ns)      (scaled; the first item: S_0 = a_0 × tokens)
//! departure_i = ceil(S_i / tokens)                  (nanoseconds on the bucket's clock)
//! ```
//!
//! An item has *left the bucket* once its departure instant has come (`departure_i <= now`),
//! whether or not [`Shaper::poll`] has handed it out yet. The bucket's [`level`](Shaper::level) is
//! the number of accepted items still waiting to leave; an offer is refused when the level is at
//! capacity. So an item never waits longer than `capacity` intervals.
//!
//! This is the leaky bucket of NGINX's `limit_req` with `burst` (capacity) and `delay`: the first
//! request of a burst passes at once, up to `burst` more are delayed to the rate, the rest refused.

use std::fmt;
use std::time::Duration;

use crate::clock::Clock;

pub use crate::token_bucket::Rate;

/// Why a bucket could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// Capacity 0: nothing could ever wait, so the bucket would only be a policer.
    ZeroCapacity,
    /// Zero items per period: nothing would ever leave.
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
                "capacity must be at least 1 item: a bucket that holds nothing cannot shape"
            }
            ConfigError::ZeroRate => "the rate must let at least 1 item leave per period",
            ConfigError::ZeroPeriod => "the rate's period must be longer than zero",
            ConfigError::PeriodTooLong => {
                "the rate's period must fit in u64 nanoseconds (584 years)"
            }
        })
    }
}

impl std::error::Error for ConfigError {}

/// An offer refused because the bucket is full: the item comes back, with how long until there is
/// room (the habit of `std::sync::mpsc::TrySendError`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Full<T> {
    /// The item, returned unchanged.
    pub item: T,
    /// The shortest wait after which an offer would be accepted (the next departure), if nothing
    /// else is offered in between. Never zero.
    pub retry_after: Duration,
}

impl<T> Full<T> {
    /// The refused item.
    pub fn into_inner(self) -> T {
        self.item
    }
}

impl<T> fmt::Debug for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Full")
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Display for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the bucket is full; an offer would be accepted after {:?}",
            self.retry_after
        )
    }
}

impl<T> std::error::Error for Full<T> {}

/// A leaky bucket for one thread (`&mut self`): a bounded FIFO that releases items at a constant
/// rate.
pub trait Shaper<T, C: Clock>: Sized {
    /// An empty bucket that holds at most `capacity` waiting items and releases one item every
    /// `rate.period / rate.tokens`, reading time from `clock`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the capacity or rate is zero, or the period does not fit.
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError>;

    /// Offers `item` now. Accepted: returns the instant (nanoseconds on the clock) at which it
    /// leaves, which is now when the bucket is idle.
    ///
    /// # Errors
    ///
    /// [`Full`], giving `item` back, when [`level`](Shaper::level) is at capacity. A refused offer
    /// changes nothing.
    fn offer(&mut self, item: T) -> Result<u64, Full<T>>;

    /// The oldest item whose departure instant has come, if any. Items come out in the order they
    /// were accepted, each exactly once. An item is never handed out before its instant, and once
    /// its instant has come it is handed out by the next `poll`s (nothing ready is held back).
    fn poll(&mut self) -> Option<T>;

    /// The departure instant of the oldest item not yet polled (it may have come already), or
    /// `None` when every accepted item has been polled. A consumer sleeps until then.
    fn next_departure(&self) -> Option<u64>;

    /// Accepted items whose departure instant is still to come (later than now).
    fn level(&self) -> usize;

    /// The most items that can wait at once.
    fn capacity(&self) -> usize;
}

/// A thread-safe leaky bucket (`&self`): many producers offer, one consumer polls (MPSC). Each call
/// changes the whole state in one atomic step.
///
/// No interleaving of concurrent offers and polls may lose or duplicate an item, let the level
/// exceed the capacity, or schedule two departures closer together than a single-threaded bucket
/// would have for the same offers in some order.
pub trait ConcurrentShaper<T: Send, C: Clock>: Sized + Send + Sync {
    /// As [`Shaper::new`].
    ///
    /// # Errors
    ///
    /// As [`Shaper::new`].
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError>;

    /// As [`Shaper::offer`], from any thread.
    ///
    /// # Errors
    ///
    /// As [`Shaper::offer`].
    fn offer(&self, item: T) -> Result<u64, Full<T>>;

    /// As [`Shaper::poll`]. Items come out in departure order; a consumer polls from one thread
    /// at a time.
    fn poll(&self) -> Option<T>;

    /// As [`Shaper::next_departure`].
    fn next_departure(&self) -> Option<u64>;

    /// As [`Shaper::level`].
    fn level(&self) -> usize;

    /// As [`Shaper::capacity`].
    fn capacity(&self) -> usize;
}
