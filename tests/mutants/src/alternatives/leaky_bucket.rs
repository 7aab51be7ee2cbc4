//! `leaky-bucket` in the design learners most often write: a `VecDeque` of items with their
//! departure instants, the schedule's last instant as one `u128` in scaled units (ns × tokens),
//! and a *cursor*: how many items at the front of the queue have already left (their instant has
//! come) but are not polled yet. The level is the queue's length minus the cursor, and the oldest
//! waiting item is the one at the cursor. Offers and polls advance the cursor over the items whose
//! instant has come, so each item is passed over once: O(1) amortised. `level`, which takes
//! `&self`, walks from the cursor on a copy of it, over the items that left since the last offer
//! or poll only.
//!
//! The reference computes the level from the last instant alone (the waiting items are back to
//! back) and keeps that instant as 64-bit nanoseconds plus a fraction; this one counts. The
//! thread-safe bucket is the same behind one `kata_core::sync::Mutex`. Graded on every stage as
//! `--mutant cursor`.

use std::collections::VecDeque;
use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::leaky_bucket::{ConcurrentShaper, ConfigError, Full, Rate, Shaper};
use kata_core::sync::Mutex;
use kata_suites::leaky_bucket::LeakyBucketFamily;

/// The cursor `leaky-bucket` family.
pub struct CursorFamily;

impl LeakyBucketFamily for CursorFamily {
    type Bucket<T, C: Clock> = CursorBucket<T, C>;
    type Concurrent<T: Send, C: Clock + Send + Sync> = LockedCursorBucket<T, C>;
}

/// A leaky bucket that counts its waiting items with a cursor into its queue.
pub struct CursorBucket<T, C> {
    /// Accepted items not yet polled, oldest first, with their departures (ns).
    queue: VecDeque<(T, u64)>,
    /// How many items at the front of `queue` had left as of `seen`.
    gone: usize,
    /// The scaled instant of the last accepted item.
    last: Option<u128>,
    /// The latest clock reading an offer or poll acted on.
    seen: u64,
    /// Scaled units per nanosecond (`rate.tokens`).
    tokens: u128,
    /// Scaled units per interval (the period in nanoseconds).
    period: u128,
    capacity: usize,
    clock: C,
}

impl<T, C: Clock> CursorBucket<T, C> {
    /// The clock, never earlier than the latest reading acted on.
    fn now(&self) -> u64 {
        self.clock.now().max(self.seen)
    }

    /// Where the cursor would be at `now`: past every item whose instant has come.
    fn cursor_at(&self, now: u64) -> usize {
        let mut gone = self.gone;
        while self
            .queue
            .get(gone)
            .is_some_and(|&(_, leaves)| leaves <= now)
        {
            gone += 1;
        }
        gone
    }

    /// Reads the clock as acted on, and moves the cursor to it.
    fn advance(&mut self) -> u64 {
        let now = self.now();
        self.seen = now;
        self.gone = self.cursor_at(now);
        now
    }

    /// The refusal of `item` at `now` (the cursor at `now`): the wait until the item at the
    /// cursor leaves, or `Duration::MAX` when none waits.
    fn refuse(&self, item: T, now: u64) -> Full<T> {
        let retry_after = self
            .queue
            .get(self.gone)
            .map_or(Duration::MAX, |&(_, leaves)| {
                Duration::from_nanos(leaves - now)
            });
        Full { item, retry_after }
    }
}

impl<T, C: Clock> Shaper<T, C> for CursorBucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        if capacity == 0 {
            return Err(ConfigError::ZeroCapacity);
        }
        if rate.tokens == 0 {
            return Err(ConfigError::ZeroRate);
        }
        if rate.period.is_zero() {
            return Err(ConfigError::ZeroPeriod);
        }
        let period =
            u64::try_from(rate.period.as_nanos()).map_err(|_| ConfigError::PeriodTooLong)?;
        Ok(CursorBucket {
            queue: VecDeque::new(),
            gone: 0,
            last: None,
            seen: 0,
            tokens: u128::from(rate.tokens),
            period: u128::from(period),
            capacity,
            clock,
        })
    }

    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        let now = self.advance();
        if self.queue.len() - self.gone == self.capacity {
            return Err(self.refuse(item, now));
        }
        let scaled_now = u128::from(now) * self.tokens;
        let at = match self.last {
            None => scaled_now,
            Some(last) => scaled_now.max(last + self.period),
        };
        let Ok(leaves) = u64::try_from(at.div_ceil(self.tokens)) else {
            return Err(self.refuse(item, now));
        };
        self.last = Some(at);
        self.queue.push_back((item, leaves));
        Ok(leaves)
    }

    fn poll(&mut self) -> Option<T> {
        self.advance();
        if self.gone == 0 {
            return None;
        }
        self.gone -= 1;
        self.queue.pop_front().map(|(item, _)| item)
    }

    fn next_departure(&self) -> Option<u64> {
        self.queue.front().map(|&(_, leaves)| leaves)
    }

    fn level(&self) -> usize {
        self.queue.len() - self.cursor_at(self.now())
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

/// A [`CursorBucket`] behind one `kata_core::sync::Mutex`: every call one acquisition.
pub struct LockedCursorBucket<T, C> {
    inner: Mutex<CursorBucket<T, C>>,
    capacity: usize,
}

impl<T: Send, C: Clock + Send + Sync> ConcurrentShaper<T, C> for LockedCursorBucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        Ok(LockedCursorBucket {
            inner: Mutex::new(Shaper::new(capacity, rate, clock)?),
            capacity,
        })
    }

    fn offer(&self, item: T) -> Result<u64, Full<T>> {
        self.inner.lock().offer(item)
    }

    fn poll(&self) -> Option<T> {
        self.inner.lock().poll()
    }

    fn next_departure(&self) -> Option<u64> {
        self.inner.lock().next_departure()
    }

    fn level(&self) -> usize {
        self.inner.lock().level()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}
