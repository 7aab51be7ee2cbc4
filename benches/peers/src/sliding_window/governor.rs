//! The [`governor`](https://crates.io/crates/governor) crate's rate limiters behind the kata's
//! [`WindowLimiter`] (its direct limiter, [`GovernorWindow`]) and [`KeyedLimiter`] (its keyed
//! limiter on `dashmap`, [`GovernorKeyed`]).
//!
//! The mapping: `limit` requests per `window` is governor's quota of a burst of `limit` cells,
//! one cell replenished every `window / limit` (a whole number of nanoseconds, rounded down, at
//! least 1, as governor keeps it); `try_acquire` is `check` (or `check_key`), admitted when it
//! conforms. governor is GCRA, not a window: after a burst of `limit` it admits the next request
//! one replenishment interval later, where a window admits nothing more until the window has
//! moved on (see [`super::PEERS`]).
//!
//! The configuration errors are checked by the adapter, in the kata's order, before governor
//! sees the configuration: governor's types cannot express a zero limit.
//!
//! **Time.** A [`WindowLimiter`] is handed `now` on each call, while governor reads a clock of
//! its own: [`GovernorWindow`] gives its limiter a clock ([`HandedClock`]) that returns the
//! instant stored in it just before each call, starting at 0, the kata's epoch. [`GovernorKeyed`]
//! reads the kata's clock through [`KataClock`]; governor counts from the reading it takes when
//! it is built.
//!
//! **Forgetting keys.** governor's keyed limiter forgets keys only when told to
//! (`retain_recent`, which drops every key whose state is that of a fresh one); the adapter calls
//! it at most once per window, from the first `try_acquire` a window or more after the last
//! sweep, as the reference sweeps. A key whose last request came at `r` has its theoretical
//! arrival time at most `r + window`, so a sweep at `s` drops it once `s >= r + 2 × window`, and
//! the kata's promise (no key held whose last request came at or before `t − 3 × window`) holds.
//!
//! **`is_idle`** reads governor's state (shared with the limiter through governor's public
//! `StateStore` trait, in a call that declines to update it): idle when the theoretical arrival
//! time is not after `now`, where a new limiter's state is the same.

use std::hash::Hash;
use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ::governor::clock::Clock as GovClock;
use ::governor::middleware::NoOpMiddleware;
use ::governor::nanos::Nanos;
use ::governor::state::keyed::DashMapStateStore;
use ::governor::state::{InMemoryState, NotKeyed, StateStore};
use ::governor::{Quota, RateLimiter};
use kata_core::clock::Clock;
use kata_core::sliding_window::{ConfigError, KeyedLimiter, WindowLimiter};

/// Checks a configuration as the kata's specification does, in the same order, and returns
/// governor's quota for it and the window in nanoseconds.
///
/// # Panics
///
/// When `limit` exceeds `u32::MAX`: governor's burst size is a `NonZeroU32`.
pub fn quota(limit: u64, window: Duration) -> Result<(Quota, u64), ConfigError> {
    if limit == 0 {
        return Err(ConfigError::ZeroLimit);
    }
    if window.is_zero() {
        return Err(ConfigError::ZeroWindow);
    }
    let window_ns = u64::try_from(window.as_nanos()).map_err(|_| ConfigError::WindowTooLong)?;
    let burst = u32::try_from(limit)
        .ok()
        .and_then(NonZeroU32::new)
        .unwrap_or_else(|| panic!("governor's burst size is a u32; {limit} does not fit"));
    let interval = (window_ns / limit).max(1);
    let quota = Quota::with_period(Duration::from_nanos(interval))
        .expect("the interval is at least 1 ns")
        .allow_burst(burst);
    Ok((quota, window_ns))
}

/// A governor clock that returns the instant last stored in it: how [`GovernorWindow`] hands
/// the `now` it is given to its limiter.
#[derive(Debug, Clone, Default)]
pub struct HandedClock(Arc<AtomicU64>);

impl GovClock for HandedClock {
    type Instant = Nanos;

    #[inline]
    fn now(&self) -> Nanos {
        Nanos::from(self.0.load(Ordering::Relaxed))
    }
}

/// A governor clock that reads a kata [`Clock`]: its instants are the kata clock's nanoseconds,
/// as governor's own [`Nanos`].
#[derive(Debug, Clone)]
pub struct KataClock<C>(pub C);

impl<C: Clock> GovClock for KataClock<C> {
    type Instant = Nanos;

    #[inline]
    fn now(&self) -> Nanos {
        Nanos::from(self.0.now())
    }
}

/// governor's in-memory state, shared between the direct limiter and the adapter's `is_idle`.
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

/// governor's direct limiter as the kata's single-key limiter.
type Direct = RateLimiter<NotKeyed, SharedState, HandedClock, NoOpMiddleware<Nanos>>;

/// A governor direct rate limiter behind [`WindowLimiter`]: GCRA, whichever of the kata's three
/// limiters it stands in for.
#[derive(Debug)]
pub struct GovernorWindow {
    limiter: Direct,
    state: SharedState,
    clock: HandedClock,
    limit: u64,
    window: Duration,
}

impl WindowLimiter for GovernorWindow {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        let (quota, _) = quota(limit, window)?;
        let state = SharedState::default();
        // At 0 when the limiter reads its start: governor then counts from the kata's epoch.
        let clock = HandedClock::default();
        let limiter = RateLimiter::new(quota, state.clone(), clock.clone());
        Ok(GovernorWindow {
            limiter,
            state,
            clock,
            limit,
            window,
        })
    }

    #[inline]
    fn try_acquire(&mut self, now: u64) -> bool {
        self.clock.0.store(now, Ordering::Relaxed);
        self.limiter.check().is_ok()
    }

    fn is_idle(&self, now: u64) -> bool {
        match self
            .state
            .measure_and_replace(&NotKeyed::NonKey, Err::<((), Nanos), _>)
        {
            Err(Some(tat)) => tat.as_u64() <= now,
            // Never used.
            _ => true,
        }
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        self.window
    }
}

/// governor's keyed limiter on dashmap, reading the kata's clock.
type Keyed<K, C> = RateLimiter<K, DashMapStateStore<K>, KataClock<C>, NoOpMiddleware<Nanos>>;

/// governor's keyed limiter (one GCRA state per key in a `DashMap`, governor's default hasher)
/// behind [`KeyedLimiter`], for keys that are `Sync` (dashmap shares them between threads). The
/// window type `W` is not used: every key is GCRA.
#[derive(Debug)]
pub struct GovernorKeyed<K: Hash + Eq + Clone, W, C: Clock> {
    limiter: Keyed<K, C>,
    window_ns: u64,
    /// The clock reading of the last sweep for idle keys.
    swept: AtomicU64,
    _window: PhantomData<fn() -> W>,
}

impl<K, W, C> KeyedLimiter<K, W, C> for GovernorKeyed<K, W, C>
where
    K: Hash + Eq + Clone + Send + Sync,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    fn new(limit: u64, window: Duration, clock: C) -> Result<Self, ConfigError> {
        let (quota, window_ns) = quota(limit, window)?;
        let swept = AtomicU64::new(clock.now());
        Ok(GovernorKeyed {
            limiter: RateLimiter::dashmap_with_clock(quota, KataClock(clock)),
            window_ns,
            swept,
            _window: PhantomData,
        })
    }

    #[inline]
    fn try_acquire(&self, key: &K) -> bool {
        let admitted = self.limiter.check_key(key).is_ok();
        let now = self.limiter.clock().0.now();
        let swept = self.swept.load(Ordering::Relaxed);
        if now >= swept.saturating_add(self.window_ns)
            && self
                .swept
                .compare_exchange(swept, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.limiter.retain_recent();
        }
        admitted
    }

    fn len(&self) -> usize {
        self.limiter.len()
    }
}
