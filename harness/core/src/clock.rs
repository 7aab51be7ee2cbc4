//! Time as an injected dependency, and the rule for clocks that go backwards ([`Clock`]).
//!
//! Time-based katas never call `Instant::now()` themselves: they take a [`Clock`] and ask it. In
//! normal use that is [`MonotonicClock`] (or [`SystemClock`], for a kata that needs the time of
//! day); in tests it is a [`ManualClock`] that moves only when the
//! test says so, which makes every scenario exact and repeatable. Time is a count of nanoseconds
//! since the clock's own epoch, as a `u64` (enough for 584 years), so katas can do exact integer
//! arithmetic on it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::sync::atomic::{AtomicU64, Ordering};
use crate::sync::Arc;

/// A source of time: nanoseconds since an epoch of the clock's choosing.
///
/// # Clocks that go backwards: the rule for every kata
///
/// [`MonotonicClock`] never goes backwards. An injected clock can: a test sets it back
/// ([`ManualClock::set`]), a wall clock is corrected by NTP, a VM migrates; and on different
/// threads even a monotonic clock's readings arrive out of order (a thread acts on a reading older
/// than another's). So a kata that reads a clock must survive a reading earlier than one it has
/// already acted on:
///
/// - it never panics (no unguarded `now - last`);
/// - it never counts the same stretch of time twice: a reading earlier than the latest one it
///   acted on means *no time has passed* since that latest reading. It may be more cautious while
///   the clock is behind (a rate limiter may grant less), never more generous;
/// - once the clock passes the latest reading again, time counts from there.
///
/// Each kata's README says what this means for it (a rate limiter grants at most what it would at
/// the latest reading; an ID generator must not reuse a timestamp), and its suite checks it with a
/// [`ManualClock`] set backwards.
pub trait Clock {
    /// Nanoseconds elapsed since this clock's epoch.
    fn now(&self) -> u64;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> u64 {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> u64 {
        (**self).now()
    }
}

/// The real monotonic clock ([`Instant`]), with its epoch at construction.
#[derive(Debug, Clone, Copy)]
pub struct MonotonicClock {
    epoch: Instant,
}

impl MonotonicClock {
    /// A clock whose epoch is now.
    pub fn new() -> Self {
        MonotonicClock {
            epoch: Instant::now(),
        }
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for MonotonicClock {
    fn now(&self) -> u64 {
        // Saturates after 584 years.
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// The wall clock ([`SystemTime`]), with its epoch at the Unix epoch: what an ID generator needs,
/// since its IDs carry the time of day. Unlike [`MonotonicClock`] it can go backwards (an NTP
/// correction); a time before 1970 reads as 0.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }
}

/// A clock that moves only when told to. Clones share the same time.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use kata_core::clock::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let seen_by_limiter = clock.clone();
/// clock.advance(Duration::from_millis(5));
/// assert_eq!(seen_by_limiter.now(), 5_000_000);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at time zero.
    pub fn new() -> Self {
        Self::starting_at(0)
    }

    /// A clock at `nanos` nanoseconds.
    pub fn starting_at(nanos: u64) -> Self {
        ManualClock {
            nanos: Arc::new(AtomicU64::new(nanos)),
        }
    }

    /// Moves time forward by `by` (saturating at `u64::MAX` nanoseconds).
    pub fn advance(&self, by: Duration) {
        self.advance_nanos(u64::try_from(by.as_nanos()).unwrap_or(u64::MAX));
    }

    /// Moves time forward by `nanos` nanoseconds (saturating).
    pub fn advance_nanos(&self, nanos: u64) {
        // One atomic step, so that threads advancing a shared clock never move it backwards.
        let _ = self
            .nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(nanos))
            });
    }

    /// Sets the time to `nanos`. Setting it backwards is allowed, so tests can check that a kata
    /// follows the rule for clocks that go backwards (see [`Clock`]).
    pub fn set(&self, nanos: u64) {
        self.nanos.store(nanos, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.nanos.load(Ordering::SeqCst)
    }
}
