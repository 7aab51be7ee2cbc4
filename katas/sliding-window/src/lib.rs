//! # Kata `sliding-window`: window rate limiters, and one limiter per key
//!
//! Three ways to admit at most `limit` requests per `window`, which differ in what "per window"
//! means: a [`FixedWindow`] counts in windows cut from time 0, a [`SlidingLog`] remembers every
//! admitted request of the last window, and a [`SlidingCounter`] estimates the last window from
//! two fixed windows' counts. Then [`Keyed`], which keeps one of them per key (a user, an IP, an
//! API key) for many threads, and forgets the keys that have gone quiet.
//!
//! Read `katas/sliding-window/README.md` first. Grade your work with
//! `cargo kata check sliding-window`. Start with [`FixedWindow`], the simplest; [`Keyed`] comes
//! last and works with any of the three.
//!
//! What must hold (the graded suite checks all of it):
//! - time is passed in: `try_acquire(now)` and `is_idle(now)` take nanoseconds on the caller's
//!   clock, and [`Keyed`] reads its injected [`Clock`]; `W` below is the window in nanoseconds;
//! - only admitted requests are counted, and a refused request changes no later decision;
//! - [`FixedWindow`] admits a request at `t` when fewer than `limit` were admitted in its window
//!   `[k·W, (k+1)·W)`, the `k` with `k·W ≤ t < (k+1)·W`;
//! - [`SlidingLog`] admits at `t` when fewer than `limit` were admitted in `(t − W, t]` (a request
//!   exactly `W` earlier no longer counts), and never holds more than `limit` timestamps;
//! - [`SlidingCounter`], at `t = k·W + e` (`0 ≤ e < W`), with `prev` admitted in window `k − 1`
//!   and `curr` in window `k`, admits when `prev × (W − e) + curr × W < limit × W`, computed
//!   exactly (in `u128`: the products do not fit a `u64`);
//! - `is_idle(now)` is `true` exactly when the limiter would, from `now` on, decide every request
//!   as a new one would;
//! - the clock may step back: a `now` earlier than the latest one a limiter acted on counts as that
//!   latest one. Never panic (no unguarded `now - last`), never forget a request, never admit
//!   more because the clock went back;
//! - `new` refuses a limit of 0, a zero window and a window longer than `u64::MAX` nanoseconds,
//!   checked in that order, with [`ConfigError`];
//! - [`Keyed`] decides for each key exactly as that key's own limiter would, whatever the threads
//!   do, and forgets idle keys by itself: after a `try_acquire` at `t` it holds no key whose last
//!   request came at or before `t − 3W`;
//! - every operation is O(1) (amortised), whatever the number of keys and of requests held; a
//!   sliding log's memory is O(limit), the counters' O(1).
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.
//! [`Keyed`] must be `Send + Sync`: build it from `kata_core::sync::Mutex` and
//! `kata_core::sync::atomic` (not `std::sync`, `parking_lot` or `dashmap`, whose locks loom cannot
//! see), so that the concurrency stage can model-check it. Its `Mutex::lock()` returns the guard
//! itself, as `parking_lot`'s does (no poisoning, no `.unwrap()`).

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::hash::Hash;
use std::marker::PhantomData;
use std::time::Duration;

pub use kata_core::clock::{Clock, ManualClock, MonotonicClock};
pub use kata_core::sliding_window::{ConfigError, KeyedLimiter, WindowLimiter};

/// At most `limit` admitted requests in each fixed window `[k·W, (k+1)·W)`, counted from time 0.
///
/// Two numbers of state are enough: which window the count is for, and the count. Cheap, and
/// blind to where in its window a request falls: `limit` requests at the end of one window and
/// `limit` more at the start of the next are all admitted, twice the limit within a few
/// nanoseconds.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use sliding_window_kata::{FixedWindow, WindowLimiter};
///
/// let mut fixed = FixedWindow::new(2, Duration::from_secs(1)).unwrap();
/// let second = 1_000_000_000;
/// assert!(fixed.try_acquire(second - 2));
/// assert!(fixed.try_acquire(second - 1));
/// assert!(!fixed.try_acquire(second - 1)); // two in window 0 already
/// assert!(fixed.try_acquire(second)); // window 1 starts empty
/// ```
#[derive(Debug, Clone)]
pub struct FixedWindow {
    _state: PhantomData<()>,
}

impl WindowLimiter for FixedWindow {
    /// A fixed-window limiter with nothing admitted yet.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroLimit`], [`ConfigError::ZeroWindow`] or [`ConfigError::WindowTooLong`],
    /// checked in that order.
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        todo!("FixedWindow::new")
    }

    /// Admits a request at `now` when fewer than `limit` were admitted in `now`'s window (the
    /// latest window seen, if the clock stepped back).
    fn try_acquire(&mut self, now: u64) -> bool {
        todo!("FixedWindow::try_acquire")
    }

    /// `true` when nothing counts any more at `now`: nothing was admitted in the latest window
    /// seen, or `now` is in a later window.
    fn is_idle(&self, now: u64) -> bool {
        todo!("FixedWindow::is_idle")
    }

    /// The requests admitted per window.
    fn limit(&self) -> u64 {
        todo!("FixedWindow::limit")
    }

    /// The window's length, as given to `new`.
    fn window(&self) -> Duration {
        todo!("FixedWindow::window")
    }
}

/// At most `limit` admitted requests in every window `(t − W, t]`: exact, one timestamp per
/// admitted request.
///
/// It keeps the times of the requests it admitted in the last window, oldest first; the ones that
/// have left the window can be dropped from the front as time moves on, so it never needs more
/// than `limit` of them.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use sliding_window_kata::{SlidingLog, WindowLimiter};
///
/// let mut log = SlidingLog::new(2, Duration::from_nanos(100)).unwrap();
/// assert!(log.try_acquire(10));
/// assert!(log.try_acquire(50));
/// assert!(!log.try_acquire(109)); // 10 and 50 are both in (9, 109]
/// assert!(log.try_acquire(110)); // 10 is not in (10, 110]
/// ```
#[derive(Debug, Clone)]
pub struct SlidingLog {
    _state: PhantomData<()>,
}

impl WindowLimiter for SlidingLog {
    /// A sliding log with nothing admitted yet.
    ///
    /// # Errors
    ///
    /// As [`FixedWindow::new`](WindowLimiter::new).
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        todo!("SlidingLog::new")
    }

    /// Admits a request at `now` when fewer than `limit` were admitted in `(now − W, now]`.
    /// A `now` earlier than the latest seen counts as the latest.
    fn try_acquire(&mut self, now: u64) -> bool {
        todo!("SlidingLog::try_acquire")
    }

    /// `true` when no admitted request lies in `(now − W, now]` (with the same clock rule).
    fn is_idle(&self, now: u64) -> bool {
        todo!("SlidingLog::is_idle")
    }

    /// The requests admitted per window.
    fn limit(&self) -> u64 {
        todo!("SlidingLog::limit")
    }

    /// The window's length, as given to `new`.
    fn window(&self) -> Duration {
        todo!("SlidingLog::window")
    }
}

/// The sliding window counter: two fixed windows' counts, the previous one weighted by how much
/// of it the sliding window still covers.
///
/// At `t = k·W + e`, the window `(t − W, t]` covers the last `W − e` nanoseconds of window
/// `k − 1` and the first `e` of window `k`. Assuming the previous window's requests were spread
/// evenly, `prev × (W − e) / W` of them are still inside; the counter admits when that plus
/// `curr` is below `limit`. O(1) memory, and approximate: the README derives by how much.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use sliding_window_kata::{SlidingCounter, WindowLimiter};
///
/// let mut counter = SlidingCounter::new(10, Duration::from_nanos(1_000)).unwrap();
/// for _ in 0..10 {
///     assert!(counter.try_acquire(0)); // window 0: 10 admitted
/// }
/// // Halfway through window 1, window 0 weighs 10 × 500 / 1 000 = 5: five more fit.
/// for _ in 0..5 {
///     assert!(counter.try_acquire(1_500));
/// }
/// assert!(!counter.try_acquire(1_500));
/// ```
#[derive(Debug, Clone)]
pub struct SlidingCounter {
    _state: PhantomData<()>,
}

impl WindowLimiter for SlidingCounter {
    /// A sliding counter with nothing admitted yet.
    ///
    /// # Errors
    ///
    /// As [`FixedWindow::new`](WindowLimiter::new).
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        todo!("SlidingCounter::new")
    }

    /// Admits a request at `now = k·W + e` when `prev × (W − e) + curr × W < limit × W`, exactly.
    /// A `now` earlier than the latest seen counts as the latest (its `e` too).
    fn try_acquire(&mut self, now: u64) -> bool {
        todo!("SlidingCounter::try_acquire")
    }

    /// `true` when both counts that could still weigh on a decision are zero: in the latest
    /// window seen, `prev` and `curr`; in the next one, `curr`; two or more windows later, always.
    fn is_idle(&self, now: u64) -> bool {
        todo!("SlidingCounter::is_idle")
    }

    /// The requests admitted per window.
    fn limit(&self) -> u64 {
        todo!("SlidingCounter::limit")
    }

    /// The window's length, as given to `new`.
    fn window(&self) -> Duration {
        todo!("SlidingCounter::window")
    }
}

/// One window limiter `W` per key, shared by threads, forgetting keys that have gone idle.
///
/// A map from key to limiter, split into shards each behind its own lock, so that threads working
/// on different keys rarely wait for each other. Each key's decisions are its own limiter's, and
/// keys whose limiter is idle are dropped a little at a time (say, a sweep at most once per
/// window), so that memory follows the keys in use.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use sliding_window_kata::{Keyed, KeyedLimiter, ManualClock, SlidingLog};
///
/// let clock = ManualClock::new();
/// let per_user: Keyed<&str, SlidingLog, _> =
///     Keyed::new(1, Duration::from_secs(1), clock.clone()).unwrap();
/// assert!(per_user.try_acquire(&"alice"));
/// assert!(!per_user.try_acquire(&"alice"));
/// assert!(per_user.try_acquire(&"bob")); // a key of its own
/// assert_eq!(per_user.len(), 2);
/// clock.advance(Duration::from_secs(10));
/// assert!(per_user.try_acquire(&"carol"));
/// assert_eq!(per_user.len(), 1); // alice and bob were forgotten
/// ```
pub struct Keyed<K, W, C> {
    _state: Placeholder<K, W, C>,
}

/// The stub's stand-in for `Keyed`'s fields. `fn() -> ...` makes it `Send + Sync` whatever `K`,
/// `W` and `C` are; yours must be `Send + Sync` for any `K`, `W` and `C` that are `Send + Sync`.
type Placeholder<K, W, C> = PhantomData<fn() -> (K, W, C)>;

impl<K, W, C> KeyedLimiter<K, W, C> for Keyed<K, W, C>
where
    K: Hash + Eq + Clone + Send + Sync,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    /// An empty keyed limiter: each key gets a `W` of `limit` per `window` when first seen.
    ///
    /// # Errors
    ///
    /// As [`WindowLimiter::new`]: check the configuration here, once (calling `W::new` is the
    /// simplest way), so that creating a key's limiter later cannot fail.
    fn new(limit: u64, window: Duration, clock: C) -> Result<Self, ConfigError> {
        todo!("Keyed::new")
    }

    /// Decides a request for `key` at the clock's `now`, with the key's own limiter (a new one if
    /// the key is not held). The decision and the limiter's update happen under one lock.
    fn try_acquire(&self, key: &K) -> bool {
        todo!("Keyed::try_acquire")
    }

    /// The number of keys held now.
    fn len(&self) -> usize {
        todo!("Keyed::len")
    }
}
