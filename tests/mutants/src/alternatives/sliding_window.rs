//! `sliding-window` in the designs learners most often write. The reference keeps each window's
//! start and divides only when a window ends, a `VecDeque` of timestamps for the log, and a
//! sharded map of `hashbrown` tables for the keyed limiter; here:
//!
//! - the fixed window and the sliding counter divide on every request (`k = t / W`) and keep the
//!   index of the window they count in;
//! - the sliding log is a ring of at most `limit` slots holding the latest admitted timestamps:
//!   while a slot is free a request is admitted, and once all are taken, a request at `t` is
//!   admitted when the oldest timestamp is at or before `t − W`, and takes its slot. The ring
//!   grows as requests are admitted, up to `limit` slots, so that a huge limit allocates nothing
//!   up front;
//! - the keyed limiter is one `std::collections::HashMap` behind one `kata_core::sync::Mutex`,
//!   swept for idle keys under that lock at most once per window.
//!
//! Graded on every stage as `--mutant ring-log`.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::sliding_window::{ConfigError, KeyedLimiter, WindowLimiter};
use kata_core::sync::Mutex;
use kata_suites::sliding_window::SlidingWindowFamily;

/// The ring-log `sliding-window` family.
pub struct RingLogFamily;

impl SlidingWindowFamily for RingLogFamily {
    type Fixed = IndexFixed;
    type Log = RingLog;
    type Counter = IndexCounter;
    type Keyed<
        K: Hash + Eq + Clone + Send + Sync,
        W: WindowLimiter + Send + Sync,
        C: Clock + Send + Sync,
    > = GlobalKeyed<K, W, C>;
}

/// Checks a configuration in the API's order; the window in nanoseconds.
fn window_nanos(limit: u64, window: Duration) -> Result<u64, ConfigError> {
    if limit == 0 {
        return Err(ConfigError::ZeroLimit);
    }
    if window.is_zero() {
        return Err(ConfigError::ZeroWindow);
    }
    u64::try_from(window.as_nanos()).map_err(|_| ConfigError::WindowTooLong)
}

/// A fixed window: the index of the window it counts in, and its count.
pub struct IndexFixed {
    limit: u64,
    window: u64,
    index: u64,
    count: u64,
}

impl WindowLimiter for IndexFixed {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(IndexFixed {
            limit,
            window: window_nanos(limit, window)?,
            index: 0,
            count: 0,
        })
    }

    fn try_acquire(&mut self, now: u64) -> bool {
        // An earlier window is behind the clock: it counts in the latest one.
        let k = now / self.window;
        if k > self.index {
            self.index = k;
            self.count = 0;
        }
        if self.count < self.limit {
            self.count += 1;
            true
        } else {
            false
        }
    }

    fn is_idle(&self, now: u64) -> bool {
        self.count == 0 || now / self.window > self.index
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

/// A sliding counter: the index of the current window, its count and the previous window's, and
/// the latest time seen.
pub struct IndexCounter {
    limit: u64,
    window: u64,
    index: u64,
    latest: u64,
    prev: u64,
    curr: u64,
}

impl WindowLimiter for IndexCounter {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(IndexCounter {
            limit,
            window: window_nanos(limit, window)?,
            index: 0,
            latest: 0,
            prev: 0,
            curr: 0,
        })
    }

    fn try_acquire(&mut self, now: u64) -> bool {
        let t = now.max(self.latest);
        self.latest = t;
        let k = t / self.window;
        if k > self.index {
            self.prev = if k - self.index == 1 { self.curr } else { 0 };
            self.curr = 0;
            self.index = k;
        }
        let e = t % self.window;
        let w = u128::from(self.window);
        // prev × (W − e) + curr × W < limit × W; the sum may exceed u128 only when it is far
        // above the right side.
        let admit = (u128::from(self.prev) * u128::from(self.window - e))
            .checked_add(u128::from(self.curr) * w)
            .is_some_and(|sum| sum < u128::from(self.limit) * w);
        if admit {
            self.curr += 1;
        }
        admit
    }

    fn is_idle(&self, now: u64) -> bool {
        let k = now.max(self.latest) / self.window;
        match k - self.index {
            0 => self.curr == 0 && self.prev == 0,
            1 => self.curr == 0,
            _ => true,
        }
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

/// A sliding log as a ring of at most `limit` timestamps: the latest admitted ones.
pub struct RingLog {
    limit: u64,
    window: u64,
    /// Admitted timestamps; while fewer than `limit`, in order; once `limit`, a ring whose oldest
    /// is at `head`.
    slots: Vec<u64>,
    head: usize,
}

impl RingLog {
    /// `limit` as a number of slots (saturated where `usize` is narrower).
    fn slots_max(&self) -> usize {
        usize::try_from(self.limit).unwrap_or(usize::MAX)
    }

    /// The latest timestamp admitted.
    fn newest(&self) -> Option<u64> {
        let n = self.slots.len();
        if n == 0 {
            None
        } else if n < self.slots_max() {
            self.slots.last().copied()
        } else {
            Some(self.slots[(self.head + n - 1) % n])
        }
    }
}

impl WindowLimiter for RingLog {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(RingLog {
            limit,
            window: window_nanos(limit, window)?,
            slots: Vec::new(),
            head: 0,
        })
    }

    fn try_acquire(&mut self, now: u64) -> bool {
        let t = self.newest().map_or(now, |newest| now.max(newest));
        if self.slots.len() < self.slots_max() {
            self.slots.push(t);
            return true;
        }
        // Every slot taken: the oldest of the last `limit` admissions must have left the window.
        if t - self.slots[self.head] < self.window {
            return false;
        }
        self.slots[self.head] = t;
        self.head = (self.head + 1) % self.slots.len();
        true
    }

    fn is_idle(&self, now: u64) -> bool {
        self.newest()
            .is_none_or(|newest| now.saturating_sub(newest) >= self.window)
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

/// What [`GlobalKeyed`] keeps under its lock.
struct Keys<K, W> {
    map: HashMap<K, W>,
    /// The earliest time the next sweep may run.
    next_sweep: u64,
}

/// Every key's limiter in one `HashMap` behind one lock; idle keys swept out, under the same
/// lock, by the first request at or after `next_sweep`, which moves it a window on.
pub struct GlobalKeyed<K, W, C> {
    keys: Mutex<Keys<K, W>>,
    limit: u64,
    window: Duration,
    window_ns: u64,
    clock: C,
}

impl<K, W, C> KeyedLimiter<K, W, C> for GlobalKeyed<K, W, C>
where
    K: Hash + Eq + Clone + Send + Sync,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    fn new(limit: u64, window: Duration, clock: C) -> Result<Self, ConfigError> {
        let probe = W::new(limit, window)?;
        Ok(GlobalKeyed {
            keys: Mutex::new(Keys {
                map: HashMap::new(),
                next_sweep: 0,
            }),
            limit,
            window,
            window_ns: u64::try_from(probe.window().as_nanos()).unwrap_or(u64::MAX),
            clock,
        })
    }

    fn try_acquire(&self, key: &K) -> bool {
        let now = self.clock.now();
        let mut keys = self.keys.lock();
        if now >= keys.next_sweep {
            keys.next_sweep = now.saturating_add(self.window_ns);
            keys.map.retain(|_, limiter| !limiter.is_idle(now));
        }
        if let Some(limiter) = keys.map.get_mut(key) {
            return limiter.try_acquire(now);
        }
        // `new` checked this configuration with `W::new` already.
        let Ok(mut limiter) = W::new(self.limit, self.window) else {
            return false;
        };
        let admitted = limiter.try_acquire(now);
        keys.map.insert(key.clone(), limiter);
        admitted
    }

    fn len(&self) -> usize {
        self.keys.lock().map.len()
    }
}
