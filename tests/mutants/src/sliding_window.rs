//! Known-wrong `sliding-window` implementations.
//!
//! Each family is the reference's but for one type: a fixed window ([`BadFixed`]), a sliding
//! counter ([`BadCounter`]), a sliding log ([`DequeLog`] or [`VecLog`]) or a keyed limiter
//! ([`BadKeyed`]), each with one mistake switched on by its `BUG` parameter. The fixed window and
//! the counter find their window by dividing (`t / W`), as a learner first writes them; the keyed
//! limiter is one `HashMap` behind one `kata_core::sync::Mutex`, swept for idle keys at most once
//! per window.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::marker::PhantomData;
use std::time::Duration;

use kata_core::catalogue::Stage;
use kata_core::clock::Clock;
use kata_core::sliding_window::{ConfigError, KeyedLimiter, WindowLimiter};
use kata_core::sync::Mutex;
use kata_suites::sliding_window::SlidingWindowFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "sliding-window", suite sliding_window, reference R: SlidingWindowFamily;
    "log-inclusive" => WithLog<DequeLog<INCLUSIVE>, R> {
        mistake: "the sliding log's window is [t - W, t], both ends in: a request made exactly \
                   W before still counts, so its slot frees one nanosecond late",
        rejected_by: [examples],
        passes: [],
    }
    "counts-refused" => WithCounter<BadCounter<COUNTS_REFUSED>, R> {
        mistake: "the sliding counter adds the request to the current window's count before \
                   deciding, and does not take it back when it refuses: refused requests count",
        rejected_by: [examples, quality],
        passes: [],
    }
    "prev-full" => WithCounter<BadCounter<PREV_FULL>, R> {
        mistake: "the sliding counter weighs the previous window in full (prev + curr < limit), \
                   not by how much of it the sliding window still covers",
        rejected_by: [examples],
        passes: [],
    }
    "stale-prev" => WithCounter<BadCounter<STALE_PREV>, R> {
        mistake: "when the sliding counter moves to a new window, the old current count becomes \
                   the previous one even when whole windows were skipped in between",
        rejected_by: [examples, properties],
        passes: [],
    }
    "first-aligned" => WithFixed<BadFixed<FIRST_ALIGNED>, R> {
        mistake: "the fixed windows start at the first request instead of at time 0",
        rejected_by: [examples],
        passes: [],
    }
    "fixed-rewinds" => WithFixed<BadFixed<REWINDS>, R> {
        mistake: "the fixed window resets its count whenever now falls in another window, also \
                   an earlier one: a clock that steps back starts a fresh count there",
        rejected_by: [examples],
        passes: [],
    }
    "backward-panic" => WithCounter<BadCounter<BACKWARD_PANIC>, R> {
        mistake: "the sliding counter takes now as it comes: after the clock steps back into an \
                   earlier window, now - window start underflows and it panics",
        rejected_by: [examples, properties],
        passes: [],
    }
    "forgets-after-a-window" => KeyedFamily<FORGETS_AFTER_A_WINDOW, R> {
        mistake: "the keyed limiter forgets a key once its last request is a window old, which \
                   is not idle for a sliding counter: its previous window still weighs, and a \
                   new counter admits what the old one would refuse",
        rejected_by: [properties],
        passes: [],
    }
    "never-forgets" => KeyedFamily<NEVER_FORGETS, R> {
        mistake: "the keyed limiter never forgets a key: memory grows with every key ever seen",
        rejected_by: [examples],
        passes: [],
    }
    "take-decide-put" => KeyedFamily<TAKE_DECIDE_PUT, R> {
        mistake: "the keyed limiter takes the key's limiter out of the map under the lock, \
                   decides with the lock released and puts it back under a second acquisition: \
                   two threads both find the key absent, or both decide on the same state",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "split-sweep" => KeyedFamily<SPLIT_SWEEP, R> {
        mistake: "the sweep lists the idle keys under the lock and removes them under a second \
                   acquisition: a key requested in between is removed with its new admission",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "never-prunes" => WithLog<VecLog<NEVER_PRUNES>, R> {
        mistake: "the sliding log keeps every admitted timestamp and counts those in the window \
                   by scanning them all: exact, but its memory grows with every request ever \
                   admitted (and each request's cost with it)",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "retain-prune" => WithLog<DequeLog<RETAIN_PRUNE>, R> {
        mistake: "the sliding log drops old timestamps with retain, which visits every timestamp \
                   held: exact, but O(limit) per request",
        rejected_by: [complexity],
        slow_in: "sliding-log",
        passes: [examples, properties, quality],
    }
    "remove-zero" => WithLog<VecLog<REMOVE_ZERO>, R> {
        mistake: "the sliding log is a Vec whose oldest timestamp is dropped with remove(0), \
                   which shifts all the others: exact, but O(limit) per request",
        rejected_by: [complexity],
        slow_in: "sliding-log",
        passes: [examples, properties, quality],
    }
    "sweep-every-call" => KeyedFamily<SWEEP_EVERY_CALL, R> {
        mistake: "the keyed limiter sweeps every key for idleness on every call, not once per \
                   window: right answers, but O(keys held) per request",
        rejected_by: [complexity],
        slow_in: "many-keys",
        passes: [examples, properties, quality],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: SlidingWindowFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::sliding_window`).
        "ring-log" => kata_suites::grade!(
            sliding_window,
            crate::alternatives::sliding_window::RingLogFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no sliding-window mutant named `{name}`")),
    }
}

// ---- Families: one wrong type, the reference's others. ----

/// A family with the fixed window `W` and the reference's other types.
pub struct WithFixed<W, R>(PhantomData<(W, R)>);

impl<W, R> SlidingWindowFamily for WithFixed<W, R>
where
    W: WindowLimiter + Send + Sync + 'static,
    R: SlidingWindowFamily,
{
    type Fixed = W;
    type Log = R::Log;
    type Counter = R::Counter;
    type Keyed<
        K: Hash + Eq + Clone + Send + Sync,
        L: WindowLimiter + Send + Sync,
        C: Clock + Send + Sync,
    > = R::Keyed<K, L, C>;
}

/// A family with the sliding log `W` and the reference's other types.
pub struct WithLog<W, R>(PhantomData<(W, R)>);

impl<W, R> SlidingWindowFamily for WithLog<W, R>
where
    W: WindowLimiter + Send + Sync + 'static,
    R: SlidingWindowFamily,
{
    type Fixed = R::Fixed;
    type Log = W;
    type Counter = R::Counter;
    type Keyed<
        K: Hash + Eq + Clone + Send + Sync,
        L: WindowLimiter + Send + Sync,
        C: Clock + Send + Sync,
    > = R::Keyed<K, L, C>;
}

/// A family with the sliding counter `W` and the reference's other types.
pub struct WithCounter<W, R>(PhantomData<(W, R)>);

impl<W, R> SlidingWindowFamily for WithCounter<W, R>
where
    W: WindowLimiter + Send + Sync + 'static,
    R: SlidingWindowFamily,
{
    type Fixed = R::Fixed;
    type Log = R::Log;
    type Counter = W;
    type Keyed<
        K: Hash + Eq + Clone + Send + Sync,
        L: WindowLimiter + Send + Sync,
        C: Clock + Send + Sync,
    > = R::Keyed<K, L, C>;
}

/// A family with the keyed limiter [`BadKeyed`] of bug `BUG` and the reference's limiters.
pub struct KeyedFamily<const BUG: u8, R>(PhantomData<R>);

impl<const BUG: u8, R: SlidingWindowFamily> SlidingWindowFamily for KeyedFamily<BUG, R> {
    type Fixed = R::Fixed;
    type Log = R::Log;
    type Counter = R::Counter;
    type Keyed<
        K: Hash + Eq + Clone + Send + Sync,
        L: WindowLimiter + Send + Sync,
        C: Clock + Send + Sync,
    > = BadKeyed<K, L, C, BUG>;
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

// ---- Fixed windows. ----

const FIRST_ALIGNED: u8 = 1;
const REWINDS: u8 = 2;

/// A fixed window that keeps the index of the window it counts in, with bug `BUG`:
/// [`FIRST_ALIGNED`] counts windows from the first request, [`REWINDS`] resets on any change of
/// window, backwards too.
pub struct BadFixed<const BUG: u8> {
    limit: u64,
    window: u64,
    /// Where window 0 starts: time 0, or (`FIRST_ALIGNED`) the first request's time.
    origin: Option<u64>,
    index: u64,
    count: u64,
}

impl<const BUG: u8> BadFixed<BUG> {
    /// The index of the window `now` falls in.
    fn index_of(&self, now: u64) -> u64 {
        now.saturating_sub(self.origin.unwrap_or(0)) / self.window
    }
}

impl<const BUG: u8> WindowLimiter for BadFixed<BUG> {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(BadFixed {
            limit,
            window: window_nanos(limit, window)?,
            origin: (BUG != FIRST_ALIGNED).then_some(0),
            index: 0,
            count: 0,
        })
    }

    fn try_acquire(&mut self, now: u64) -> bool {
        if self.origin.is_none() {
            self.origin = Some(now);
        }
        let k = self.index_of(now);
        let moved = if BUG == REWINDS {
            k != self.index
        } else {
            k > self.index
        };
        if moved {
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
        self.count == 0 || self.index_of(now) > self.index
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

// ---- Sliding counters. ----

const COUNTS_REFUSED: u8 = 1;
const PREV_FULL: u8 = 2;
const STALE_PREV: u8 = 3;
const BACKWARD_PANIC: u8 = 4;

/// A sliding counter that keeps the index of its current window, with bug `BUG` (see the
/// constants' mutants).
pub struct BadCounter<const BUG: u8> {
    limit: u64,
    window: u64,
    index: u64,
    latest: u64,
    prev: u64,
    curr: u64,
}

impl<const BUG: u8> WindowLimiter for BadCounter<BUG> {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(BadCounter {
            limit,
            window: window_nanos(limit, window)?,
            index: 0,
            latest: 0,
            prev: 0,
            curr: 0,
        })
    }

    fn try_acquire(&mut self, now: u64) -> bool {
        // BACKWARD_PANIC: no clock rule, `now` as it comes.
        let t = if BUG == BACKWARD_PANIC {
            now
        } else {
            now.max(self.latest)
        };
        self.latest = t;
        let k = t / self.window;
        if k > self.index {
            self.prev = if k == self.index + 1 || BUG == STALE_PREV {
                self.curr
            } else {
                0
            };
            self.curr = 0;
            self.index = k;
        }
        // Underflows when `t` is in a window before `index` (only BACKWARD_PANIC lets it be).
        let e = t - self.index * self.window;
        let w = u128::from(self.window);
        let weighted_prev = if BUG == PREV_FULL {
            u128::from(self.prev) * w
        } else {
            u128::from(self.prev) * u128::from(self.window - e)
        };
        if BUG == COUNTS_REFUSED {
            self.curr = self.curr.saturating_add(1);
            let before = u128::from(self.curr - 1) * w;
            return weighted_prev
                .checked_add(before)
                .is_some_and(|sum| sum < u128::from(self.limit) * w);
        }
        let admit = weighted_prev
            .checked_add(u128::from(self.curr) * w)
            .is_some_and(|sum| sum < u128::from(self.limit) * w);
        if admit {
            self.curr += 1;
        }
        admit
    }

    fn is_idle(&self, now: u64) -> bool {
        let k = now.max(self.latest) / self.window;
        if k == self.index {
            self.curr == 0 && self.prev == 0
        } else if k == self.index + 1 {
            self.curr == 0
        } else {
            true
        }
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

// ---- Sliding logs. ----

const INCLUSIVE: u8 = 1;
const RETAIN_PRUNE: u8 = 2;
const NEVER_PRUNES: u8 = 3;
const REMOVE_ZERO: u8 = 4;

/// A sliding log in a `VecDeque`, with bug `BUG`: [`INCLUSIVE`] counts `[t − W, t]`,
/// [`RETAIN_PRUNE`] prunes with `retain`.
pub struct DequeLog<const BUG: u8> {
    limit: u64,
    window: u64,
    times: VecDeque<u64>,
}

impl<const BUG: u8> WindowLimiter for DequeLog<BUG> {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(DequeLog {
            limit,
            window: window_nanos(limit, window)?,
            times: VecDeque::new(),
        })
    }

    fn try_acquire(&mut self, now: u64) -> bool {
        let t = self.times.back().map_or(now, |&newest| now.max(newest));
        if let Some(cut) = t.checked_sub(self.window) {
            if BUG == RETAIN_PRUNE {
                self.times.retain(|&x| x > cut);
            } else {
                // INCLUSIVE keeps a timestamp equal to `t − W`.
                let out = |x: u64| if BUG == INCLUSIVE { x < cut } else { x <= cut };
                while self.times.front().is_some_and(|&x| out(x)) {
                    self.times.pop_front();
                }
            }
        }
        if (self.times.len() as u64) < self.limit {
            self.times.push_back(t);
            true
        } else {
            false
        }
    }

    fn is_idle(&self, now: u64) -> bool {
        self.times.back().is_none_or(|&newest| {
            let age = now.saturating_sub(newest);
            if BUG == INCLUSIVE {
                age > self.window
            } else {
                age >= self.window
            }
        })
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

/// A sliding log in a `Vec`, with bug `BUG`: [`NEVER_PRUNES`] keeps every timestamp and counts
/// those in the window by scanning; [`REMOVE_ZERO`] drops the oldest with `remove(0)`.
pub struct VecLog<const BUG: u8> {
    limit: u64,
    window: u64,
    times: Vec<u64>,
}

impl<const BUG: u8> WindowLimiter for VecLog<BUG> {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(VecLog {
            limit,
            window: window_nanos(limit, window)?,
            times: Vec::new(),
        })
    }

    fn try_acquire(&mut self, now: u64) -> bool {
        let t = self.times.last().map_or(now, |&newest| now.max(newest));
        let cut = t.checked_sub(self.window);
        let in_window = if BUG == NEVER_PRUNES {
            self.times
                .iter()
                .filter(|&&x| cut.is_none_or(|c| x > c))
                .count()
        } else {
            debug_assert_eq!(BUG, REMOVE_ZERO, "a VecLog drops timestamps with remove(0)");
            if let Some(cut) = cut {
                while self.times.first().is_some_and(|&x| x <= cut) {
                    self.times.remove(0);
                }
            }
            self.times.len()
        };
        if (in_window as u64) < self.limit {
            self.times.push(t);
            true
        } else {
            false
        }
    }

    fn is_idle(&self, now: u64) -> bool {
        self.times
            .last()
            .is_none_or(|&newest| now.saturating_sub(newest) >= self.window)
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

// ---- Keyed limiters. ----

const FORGETS_AFTER_A_WINDOW: u8 = 1;
const NEVER_FORGETS: u8 = 2;
const TAKE_DECIDE_PUT: u8 = 3;
const SPLIT_SWEEP: u8 = 4;
const SWEEP_EVERY_CALL: u8 = 5;

/// A key's limiter and the time of its last request.
struct Slot<W> {
    limiter: W,
    last: u64,
}

/// What [`BadKeyed`] keeps under its lock.
struct State<K, W> {
    map: HashMap<K, Slot<W>>,
    /// The earliest time the next sweep may run.
    next_sweep: u64,
}

impl<K, W> State<K, W> {
    /// Whether a sweep is due at `now`; if so, the next one is moved a window on.
    fn sweep_due(&mut self, now: u64, window: u64) -> bool {
        if now < self.next_sweep {
            return false;
        }
        self.next_sweep = now.saturating_add(window);
        true
    }
}

/// One `HashMap` of keys behind one lock, swept for idle keys at most once per window, with bug
/// `BUG` (see the constants' mutants).
pub struct BadKeyed<K, W, C, const BUG: u8> {
    state: Mutex<State<K, W>>,
    limit: u64,
    window: Duration,
    window_ns: u64,
    clock: C,
}

impl<K, W, C, const BUG: u8> BadKeyed<K, W, C, BUG>
where
    K: Hash + Eq + Clone + Send + Sync,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    /// Sweeps `state` at `now` if a sweep is due (or always, or never, as `BUG` has it).
    fn maybe_sweep(&self, state: &mut State<K, W>, now: u64) {
        let due = match BUG {
            NEVER_FORGETS => false,
            SWEEP_EVERY_CALL => true,
            _ => state.sweep_due(now, self.window_ns),
        };
        if !due {
            return;
        }
        if BUG == FORGETS_AFTER_A_WINDOW {
            let window = self.window_ns;
            state
                .map
                .retain(|_, slot| now.saturating_sub(slot.last) < window);
        } else {
            state.map.retain(|_, slot| !slot.limiter.is_idle(now));
        }
    }

    /// A new key's slot at `now`.
    fn fresh(&self, now: u64) -> Option<Slot<W>> {
        // `new` checked this configuration with `W::new` already.
        W::new(self.limit, self.window)
            .ok()
            .map(|limiter| Slot { limiter, last: now })
    }
}

impl<K, W, C, const BUG: u8> KeyedLimiter<K, W, C> for BadKeyed<K, W, C, BUG>
where
    K: Hash + Eq + Clone + Send + Sync,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    fn new(limit: u64, window: Duration, clock: C) -> Result<Self, ConfigError> {
        W::new(limit, window)?;
        Ok(BadKeyed {
            state: Mutex::new(State {
                map: HashMap::new(),
                next_sweep: 0,
            }),
            limit,
            window,
            window_ns: window_nanos(limit, window)?,
            clock,
        })
    }

    fn try_acquire(&self, key: &K) -> bool {
        let now = self.clock.now();
        if BUG == TAKE_DECIDE_PUT {
            let taken = {
                let mut state = self.state.lock();
                self.maybe_sweep(&mut state, now);
                state.map.remove(key)
            };
            let Some(mut slot) = taken.or_else(|| self.fresh(now)) else {
                return false;
            };
            let admitted = slot.limiter.try_acquire(now);
            self.state.lock().map.insert(key.clone(), slot);
            return admitted;
        }
        if BUG == SPLIT_SWEEP {
            let idle: Vec<K> = {
                let mut state = self.state.lock();
                if state.sweep_due(now, self.window_ns) {
                    state
                        .map
                        .iter()
                        .filter(|(_, slot)| slot.limiter.is_idle(now))
                        .map(|(k, _)| k.clone())
                        .collect()
                } else {
                    Vec::new()
                }
            };
            if !idle.is_empty() {
                let mut state = self.state.lock();
                for k in &idle {
                    state.map.remove(k);
                }
            }
        }
        let mut state = self.state.lock();
        if BUG != SPLIT_SWEEP {
            self.maybe_sweep(&mut state, now);
        }
        if !state.map.contains_key(key) {
            let Some(slot) = self.fresh(now) else {
                return false;
            };
            state.map.insert(key.clone(), slot);
        }
        let Some(slot) = state.map.get_mut(key) else {
            return false;
        };
        slot.last = slot.last.max(now);
        slot.limiter.try_acquire(now)
    }

    fn len(&self) -> usize {
        self.state.lock().map.len()
    }
}
