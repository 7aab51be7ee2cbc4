//! # Kata `leaky-bucket`: a leaky bucket traffic shaper
//!
//! Items are offered to a bounded FIFO and leave it at a constant rate, one every
//! `rate.period / rate.tokens` (read `tokens` as items). The capacity is how many items may wait;
//! the rate is how fast they leave. Where a token bucket lets a burst through at once, the leaky
//! bucket spreads it out: the same long-run rate, the opposite handling of bursts.
//!
//! Read `katas/leaky-bucket/README.md` first. Grade your work with
//! `cargo kata check leaky-bucket`.
//!
//! What must hold (the graded suite checks all of it):
//! - time comes only from the injected [`Clock`], as nanoseconds;
//! - an item offered to an idle bucket leaves at once; an item offered behind others leaves
//!   exactly one interval after the one before it;
//! - the schedule is exact: in *scaled time* (nanoseconds × `rate.tokens`) one interval is
//!   `period` nanoseconds, an integer, so item `i` offered at `a_i` is scheduled at
//!   `S_i = max(a_i × tokens, S_{i-1} + period_ns)` (the first at `a_0 × tokens`) and leaves at
//!   `ceil(S_i / tokens)` nanoseconds. Nothing drifts: the millionth item of a bucket leaking 3 per
//!   second leaves exactly `ceil(10^6 / 3)` seconds after the first of a backlog;
//! - an item has *left* once its departure instant has come, polled or not; the level is the
//!   number of accepted items still to leave, and an offer is refused when it is at capacity,
//!   giving the item back with the wait until the oldest waiting item leaves; an offer whose
//!   departure would not fit a `u64` of nanoseconds is refused too; a refused offer changes
//!   nothing;
//! - `poll` hands items out in the order they were accepted, each once, never before its
//!   instant, and nothing ready is held back;
//! - zero capacity, zero rate, zero period and a period over `u64::MAX` nanoseconds get clear
//!   errors, in that order; a capacity of `usize::MAX` works (never allocate `capacity` slots up
//!   front);
//! - a clock that steps back is no error: the bucket's time is the latest reading an `offer` or
//!   `poll` acted on when the clock reads earlier, so never panic, never schedule an item before
//!   an instant already acted on, and never hold back an item that was ready then;
//! - [`ConcurrentLeakyBucket`] serves many producers and one consumer: each call is one atomic
//!   step, so no interleaving loses or duplicates an item, lets the level pass the capacity, or
//!   schedules two departures closer than one interval (loom checks);
//! - every operation is O(1) (amortised for the queue's growth), whatever the capacity, the rate
//!   and the number of items waiting.
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.
//! For the thread-safe variant take the `Mutex` (or the atomics) from `kata_core::sync`, not
//! `std::sync` or `parking_lot`, so that the concurrency stage can model-check it with loom.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::marker::PhantomData;

pub use kata_core::clock::{Clock, ManualClock, MonotonicClock};
pub use kata_core::leaky_bucket::{ConcurrentShaper, ConfigError, Full, Rate, Shaper};

/// A leaky bucket for one thread: a bounded FIFO that releases items at a constant rate.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use leaky_bucket_kata::{LeakyBucket, ManualClock, Rate, Shaper};
///
/// let clock = ManualClock::new();
/// let mut bucket = LeakyBucket::new(2, Rate::per_second(1), clock.clone()).unwrap();
/// assert_eq!(bucket.offer("a"), Ok(0)); // an idle bucket: it leaves at once
/// assert_eq!(bucket.offer("b"), Ok(1_000_000_000)); // one interval later
/// assert_eq!(bucket.offer("c"), Ok(2_000_000_000));
/// assert_eq!(bucket.level(), 2); // "b" and "c" wait: the bucket is full
/// let full = bucket.offer("d").unwrap_err();
/// assert_eq!((full.item, full.retry_after), ("d", Duration::from_secs(1)));
/// assert_eq!(bucket.poll(), Some("a"));
/// assert_eq!(bucket.poll(), None); // "b" leaves at 1 s
/// clock.advance(Duration::from_secs(1));
/// assert_eq!(bucket.poll(), Some("b"));
/// assert_eq!(bucket.offer("d"), Ok(3_000_000_000));
/// ```
pub struct LeakyBucket<T, C> {
    _state: PhantomData<(T, C)>,
}

impl<T, C: Clock> Shaper<T, C> for LeakyBucket<T, C> {
    /// An empty bucket that holds at most `capacity` waiting items and releases one every
    /// `rate.period / rate.tokens`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroCapacity`], [`ConfigError::ZeroRate`], [`ConfigError::ZeroPeriod`], or
    /// [`ConfigError::PeriodTooLong`] (a period over `u64::MAX` nanoseconds), checked in that
    /// order.
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        todo!("LeakyBucket::new")
    }

    /// Offers `item` now. Accepted: the instant (nanoseconds on the clock) at which it leaves:
    /// now if the bucket is idle, otherwise one interval after the item accepted before it,
    /// rounded up to the nanosecond.
    ///
    /// # Errors
    ///
    /// [`Full`] with the item, unchanged, when [`level`](Shaper::level) is at capacity:
    /// `retry_after` is the wait until the oldest waiting item leaves (at least 1 ns), after which
    /// an offer is accepted. Also [`Full`] when the departure would not fit a `u64` of
    /// nanoseconds (the same `retry_after`, or [`Duration::MAX`](std::time::Duration::MAX) when
    /// no item waits). A refused offer changes nothing.
    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        todo!("LeakyBucket::offer")
    }

    /// The oldest item not yet polled, if its departure instant has come; otherwise `None`. Items
    /// come out in the order they were accepted, each exactly once.
    fn poll(&mut self) -> Option<T> {
        todo!("LeakyBucket::poll")
    }

    /// The departure instant of the oldest item not yet polled, even if it has come already;
    /// `None` when every accepted item has been polled.
    fn next_departure(&self) -> Option<u64> {
        todo!("LeakyBucket::next_departure")
    }

    /// Accepted items whose departure instant is still to come (later than now), polled or not.
    fn level(&self) -> usize {
        todo!("LeakyBucket::level")
    }

    /// The most items that can wait at once.
    fn capacity(&self) -> usize {
        todo!("LeakyBucket::capacity")
    }
}

/// A leaky bucket shared by threads: many producers offer, one consumer polls (MPSC).
pub struct ConcurrentLeakyBucket<T, C> {
    _state: PhantomData<fn() -> (T, C)>,
}

impl<T: Send, C: Clock + Send + Sync> ConcurrentShaper<T, C> for ConcurrentLeakyBucket<T, C> {
    /// An empty bucket, as [`LeakyBucket::new`](Shaper::new).
    ///
    /// # Errors
    ///
    /// As [`LeakyBucket::new`](Shaper::new).
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        todo!("ConcurrentLeakyBucket::new")
    }

    /// Offers `item` now, from any thread, in one atomic step.
    ///
    /// # Errors
    ///
    /// As [`LeakyBucket::offer`](Shaper::offer).
    fn offer(&self, item: T) -> Result<u64, Full<T>> {
        todo!("ConcurrentLeakyBucket::offer")
    }

    /// The oldest item whose departure instant has come, as
    /// [`LeakyBucket::poll`](Shaper::poll), in one atomic step.
    fn poll(&self) -> Option<T> {
        todo!("ConcurrentLeakyBucket::poll")
    }

    /// The departure instant of the oldest item not yet polled.
    fn next_departure(&self) -> Option<u64> {
        todo!("ConcurrentLeakyBucket::next_departure")
    }

    /// Accepted items whose departure instant is still to come.
    fn level(&self) -> usize {
        todo!("ConcurrentLeakyBucket::level")
    }

    /// The most items that can wait at once.
    fn capacity(&self) -> usize {
        todo!("ConcurrentLeakyBucket::capacity")
    }
}
