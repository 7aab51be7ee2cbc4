//! The API of the `sliding-window` kata: three window rate limiters behind one trait, and a keyed
//! limiter that keeps one window per key.
//!
//! Every limiter admits at most `limit` requests per `window`, and they differ in what "per window"
//! means:
//!
//! - [`WindowLimiter`] for a **fixed window**: time is cut into windows `[k·W, (k+1)·W)` from the
//!   clock's epoch (time 0); a request is admitted when fewer than `limit` were admitted in its
//!   window. Cheap, and at a boundary it admits up to twice the limit within one window's length.
//! - a **sliding log**: a request at `t` is admitted when fewer than `limit` were admitted in
//!   `(t − W, t]`; it keeps one timestamp per admitted request. Exact, and O(limit) memory.
//! - a **sliding counter** (as Cloudflare describes it): the fixed windows' counters, the previous
//!   window's weighted by how much of it the sliding window still covers. At `t = k·W + e`, with
//!   `prev` admitted in window `k − 1` and `curr` in window `k`, a request is admitted when
//!   `prev × (W − e) / W + curr < limit`, computed exactly in integers
//!   (`prev × (W − e) + curr × W < limit × W`). Two counters of memory, approximate.
//!
//! Only admitted requests are counted. Time is injected: each call takes `now`, nanoseconds on
//! the caller's clock, and a `now` earlier than one already seen means no time has passed
//! (`kata_core::clock::Clock`'s rule).
//!
//! [`KeyedLimiter`] shares one clock among a window per key (a user, an IP, an API key), decides
//! for each key exactly as that key's own limiter would, and forgets keys that have gone idle, so
//! that its memory follows the keys in use, not every key ever seen.

use std::fmt;
use std::hash::Hash;
use std::time::Duration;

use crate::clock::Clock;

/// Why a limiter could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// A limit of 0 requests: nothing would ever be admitted.
    ZeroLimit,
    /// A window of zero length: the limit would mean nothing.
    ZeroWindow,
    /// A window longer than `u64::MAX` nanoseconds (584 years).
    WindowTooLong,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigError::ZeroLimit => {
                "the limit must be at least 1 request per window: a limit of 0 admits nothing"
            }
            ConfigError::ZeroWindow => "the window must be longer than zero",
            ConfigError::WindowTooLong => "the window must fit in u64 nanoseconds (584 years)",
        })
    }
}

impl std::error::Error for ConfigError {}

/// A rate limiter for one key and one thread: at most `limit` admitted requests per `window`,
/// with "per window" as the implementing type defines it (see the module documentation).
pub trait WindowLimiter: Sized {
    /// A limiter with nothing admitted yet.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the limit or window is zero, or the window does not fit in `u64`
    /// nanoseconds.
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError>;

    /// Decides a request at time `now` (nanoseconds): `true` admits it, and counts it.
    /// A refused request changes nothing.
    #[must_use]
    fn try_acquire(&mut self, now: u64) -> bool;

    /// `true` when, from `now` on, this limiter decides every request exactly as a new one would:
    /// what it remembers no longer matters. A keyed limiter forgets a key whose limiter is idle.
    fn is_idle(&self, now: u64) -> bool;

    /// The requests admitted per window.
    fn limit(&self) -> u64;

    /// The window's length.
    fn window(&self) -> Duration;
}

/// Many keys, one window limiter `W` per key, shared by threads (`&self`).
///
/// For every key it admits exactly what a `W` of its own, fed that key's requests in the order the
/// limiter decided them, would admit; no interleaving of concurrent calls on one key admits more.
///
/// It forgets idle keys ([`WindowLimiter::is_idle`]) on its own, a little at a time, so that its
/// memory is bounded by the keys in use: after a `try_acquire` at time `t`, it holds no key whose
/// last request came at or before `t − 3 × window` (an idle key is gone within three windows: a
/// sliding counter's state matters for up to two, and a sweep may wait one more).
pub trait KeyedLimiter<K, W, C>: Sized + Send + Sync
where
    K: Hash + Eq + Clone + Send + Sync,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    /// An empty keyed limiter, each key allowed `limit` requests per `window`, reading time from
    /// `clock`.
    ///
    /// # Errors
    ///
    /// As [`WindowLimiter::new`]: the configuration is checked once, here.
    fn new(limit: u64, window: Duration, clock: C) -> Result<Self, ConfigError>;

    /// Decides a request for `key` now: `true` admits it.
    #[must_use]
    fn try_acquire(&self, key: &K) -> bool;

    /// The number of keys held now (forgotten keys are not counted).
    fn len(&self) -> usize;

    /// `true` when no key is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
