//! Reference solution of the `sliding-window` kata.
//!
//! Three window limiters, each a few integers (and, for the log, a queue of timestamps), and a
//! keyed limiter that keeps one of them per key in a sharded map.
//!
//! # The limiters
//!
//! All three keep the window as a `u64` count of nanoseconds, and find the fixed window a time
//! falls in without dividing on the hot path: they keep the *start* of the window they counted
//! in (a multiple of the window), and only when `now − start ≥ window` do they divide, once, to
//! find the new window's start.
//!
//! - [`FixedWindow`]: the counted window's start and its count (32 bytes with the
//!   configuration).
//! - [`SlidingLog`]: the admitted requests' timestamps, oldest first, in a `VecDeque`; those at
//!   or before `t − window` are popped from the front before each decision, so it never holds
//!   more than `limit` of them, and each timestamp is pushed once and popped once (O(1)
//!   amortised).
//! - [`SlidingCounter`]: the counted window's start, the counts of that window and of the one
//!   before, and the latest time seen, which the weight of the previous window depends on
//!   (48 bytes). The decision `prev × (W − e) + curr × W < limit × W` is made as
//!   `curr < limit && prev × (W − e) < (limit − curr) × W`, which is the same inequality with no
//!   overflow in `u128` (each side is below `2¹²⁸`), and skipped when `prev + curr < limit`.
//!
//! The clock rule (`kata_core::clock::Clock`): a `now` earlier than the latest one a limiter
//! acted on counts as that latest one. [`FixedWindow`] only needs the latest time's window, which
//! is the one it counts in; [`SlidingLog`]'s latest time is its newest timestamp (a refused
//! request at a later time would change no later decision: see [`SlidingLog`]);
//! [`SlidingCounter`] keeps the latest time itself.
//!
//! # The keyed limiter
//!
//! [`Keyed`] is a map from key to limiter split into shards, each a `hashbrown::HashTable` behind
//! its own `kata_core::sync::Mutex`. A key is hashed once, with `ahash`: bits 32 and up of the hash
//! pick the shard, and the same hash places the key in the shard's table, which uses the low bits
//! and the top seven (keys sharing a shard still spread over its buckets). A `HashMap` would hash
//! the key a second time inside the shard: measured with a manual clock on one thread, hashing
//! once costs 13 to 18 ns per request where hashing twice costs 14 to 21 (u64 keys, 1 to 100 000
//! of them). A power of two
//! of at least four shards per hardware thread keeps two threads from meeting on one lock most of
//! the time.
//!
//! Idle keys are swept out at most once per window: the first `try_acquire` at or after
//! `next_sweep` claims the sweep by a compare-and-swap that moves `next_sweep` a window on, so one
//! thread sweeps, before it locks its own key's shard, and it walks the shards one at a time, keeping, under each shard's lock, only
//! the limiters that are not idle at its `now`. An acquire and a sweep of the same key are both
//! under that lock, so whichever comes first, nothing is lost: a limiter is dropped only when a
//! new one would decide the same. A sweep also gives back a shard's memory when the shard holds
//! less than a quarter of its capacity, so memory follows the keys in use, and the sweep's cost,
//! which is that of walking the shards, stays in proportion to them.
//!
//! Why every key is gone three windows after its last request `r`: a limiter of any of the three
//! kinds is idle at any `s ≥ r + 2W` (the counter's window index is then at least two past `r`'s;
//! the log's and the fixed window's at least one). After a `try_acquire` at `t`, the latest sweep
//! ran at some `s > t − W` (otherwise `t` would have swept), and `s > t − W ≥ r + 2W` when
//! `r ≤ t − 3W`. (With threads, "after" means after the sweeping thread has finished: a
//! `try_acquire` that finds the sweep claimed by another thread does not wait for it.)

use std::collections::VecDeque;
use std::hash::Hash;
use std::time::Duration;

use ahash::RandomState;
use hashbrown::HashTable;
use kata_core::sync::atomic::{AtomicU64, Ordering};
use kata_core::sync::Mutex;

pub use kata_core::clock::{Clock, ManualClock, MonotonicClock};
pub use kata_core::sliding_window::{ConfigError, KeyedLimiter, WindowLimiter};

/// Checks a configuration, in the order the trait documents, and returns the window in
/// nanoseconds.
fn window_nanos(limit: u64, window: Duration) -> Result<u64, ConfigError> {
    if limit == 0 {
        return Err(ConfigError::ZeroLimit);
    }
    if window.is_zero() {
        return Err(ConfigError::ZeroWindow);
    }
    u64::try_from(window.as_nanos()).map_err(|_| ConfigError::WindowTooLong)
}

/// The start of the fixed window that `t` falls in.
#[inline]
fn window_start(t: u64, window: u64) -> u64 {
    t - t % window
}

// ---------------------------------------------------------------------------------------------
// Fixed window
// ---------------------------------------------------------------------------------------------

/// At most `limit` admitted requests in each window `[k·W, (k+1)·W)`.
#[derive(Debug, Clone)]
pub struct FixedWindow {
    limit: u64,
    window: u64,
    /// Start of the window `count` counts in: the latest time's window.
    start: u64,
    count: u64,
}

impl WindowLimiter for FixedWindow {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(FixedWindow {
            limit,
            window: window_nanos(limit, window)?,
            start: 0,
            count: 0,
        })
    }

    #[inline]
    fn try_acquire(&mut self, now: u64) -> bool {
        // A `now` before `start` is behind the clock: it counts in the latest window.
        if now.saturating_sub(self.start) >= self.window {
            self.start = window_start(now, self.window);
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
        self.count == 0 || now.saturating_sub(self.start) >= self.window
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

// ---------------------------------------------------------------------------------------------
// Sliding log
// ---------------------------------------------------------------------------------------------

/// At most `limit` admitted requests in every `(t − W, t]`: one timestamp per admitted request.
///
/// The latest time it acted on is its newest timestamp. A refused request may have come later,
/// but counting from the newest timestamp instead changes no decision: a refusal at `L` means
/// `limit` timestamps in `(L − W, L]`, and at any time between the newest timestamp and `L` those
/// same timestamps are still inside the window, so that time refuses too, and is not idle.
#[derive(Debug, Clone)]
pub struct SlidingLog {
    limit: u64,
    /// `limit` as a length (saturated on targets where `usize` is narrower).
    capacity: usize,
    window: u64,
    /// Admitted requests' times, oldest first, none at or before the latest time minus `window`
    /// once pruned.
    times: VecDeque<u64>,
}

impl SlidingLog {
    /// `now` under the clock rule: no earlier than the newest timestamp.
    #[inline]
    fn latest(&self, now: u64) -> u64 {
        match self.times.back() {
            Some(&newest) => now.max(newest),
            None => now,
        }
    }
}

impl WindowLimiter for SlidingLog {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(SlidingLog {
            limit,
            capacity: usize::try_from(limit).unwrap_or(usize::MAX),
            window: window_nanos(limit, window)?,
            times: VecDeque::new(),
        })
    }

    #[inline]
    fn try_acquire(&mut self, now: u64) -> bool {
        let t = self.latest(now);
        if let Some(cut) = t.checked_sub(self.window) {
            while self.times.front().is_some_and(|&oldest| oldest <= cut) {
                self.times.pop_front();
            }
        }
        if self.times.len() < self.capacity {
            self.times.push_back(t);
            true
        } else {
            false
        }
    }

    fn is_idle(&self, now: u64) -> bool {
        // The newest timestamp is at or before `t − W` (the others are older).
        self.times
            .back()
            .is_none_or(|&newest| now.saturating_sub(newest) >= self.window)
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn window(&self) -> Duration {
        Duration::from_nanos(self.window)
    }
}

// ---------------------------------------------------------------------------------------------
// Sliding counter
// ---------------------------------------------------------------------------------------------

/// The fixed windows' counts, the previous window's weighted by the overlap: at `t = k·W + e`,
/// admits when `prev × (W − e) + curr × W < limit × W`.
#[derive(Debug, Clone)]
pub struct SlidingCounter {
    limit: u64,
    window: u64,
    /// Start of the window `curr` counts in: the latest time's window.
    start: u64,
    /// The latest time acted on.
    latest: u64,
    /// Admitted in the window before `start`'s.
    prev: u64,
    /// Admitted in `start`'s window.
    curr: u64,
}

impl SlidingCounter {
    /// Moves the counts to the window of `t`, at least one window after `start`'s.
    #[cold]
    fn roll(&mut self, t: u64) {
        let start = window_start(t, self.window);
        self.prev = if start - self.start == self.window {
            self.curr
        } else {
            0
        };
        self.curr = 0;
        self.start = start;
    }

    /// Whether a request `e` nanoseconds into the current window is admitted.
    #[inline]
    fn admits(&self, e: u64) -> bool {
        if self.curr >= self.limit {
            return false;
        }
        let room = self.limit - self.curr;
        // prev × (W − e) ≤ prev × W < room × W: no need for the exact product.
        self.prev < room
            || u128::from(self.prev) * u128::from(self.window - e)
                < u128::from(room) * u128::from(self.window)
    }
}

impl WindowLimiter for SlidingCounter {
    fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
        Ok(SlidingCounter {
            limit,
            window: window_nanos(limit, window)?,
            start: 0,
            latest: 0,
            prev: 0,
            curr: 0,
        })
    }

    #[inline]
    fn try_acquire(&mut self, now: u64) -> bool {
        let t = now.max(self.latest);
        self.latest = t;
        if t - self.start >= self.window {
            self.roll(t);
        }
        if self.admits(t - self.start) {
            self.curr += 1;
            true
        } else {
            false
        }
    }

    fn is_idle(&self, now: u64) -> bool {
        let e = now.max(self.latest) - self.start;
        if e < self.window {
            self.curr == 0 && self.prev == 0
        } else if e - self.window < self.window {
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

// ---------------------------------------------------------------------------------------------
// Keyed
// ---------------------------------------------------------------------------------------------

/// One shard's entries: a key and its limiter, placed by the key's `ahash` hash.
type Table<K, W> = HashTable<(K, W)>;

/// One shard: its own lock, alone on its cache lines so that two shards' locks never share one.
#[repr(align(128))]
struct Shard<K, W> {
    table: Mutex<Table<K, W>>,
}

/// Shards with fewer entries than this are never shrunk (a shrink would save little).
const SHRINK_FLOOR: usize = 64;

/// The number of shards: a power of two, at least four per hardware thread, at least 8.
/// Under loom, 2: enough for two keys to take different locks, few enough to model.
fn shard_count() -> usize {
    if cfg!(kata_loom) {
        return 2;
    }
    let threads = std::thread::available_parallelism().map_or(8, |n| n.get());
    (threads.saturating_mul(4))
        .clamp(8, 1 << 16)
        .next_power_of_two()
}

/// The keys' hasher: randomly seeded, except under loom, which replays one program many times and
/// needs each run to place the keys in the same shards (so that it takes the same locks).
fn hasher() -> RandomState {
    if cfg!(kata_loom) {
        RandomState::with_seeds(1, 2, 3, 4)
    } else {
        RandomState::new()
    }
}

/// A window limiter `W` per key, shared by threads: a sharded map that forgets idle keys.
pub struct Keyed<K, W, C> {
    shards: Box<[Shard<K, W>]>,
    /// `shards.len() − 1`.
    mask: usize,
    hasher: RandomState,
    limit: u64,
    window: Duration,
    window_ns: u64,
    /// The earliest time at which the next sweep may run.
    next_sweep: AtomicU64,
    clock: C,
}

impl<K, W, C> Keyed<K, W, C>
where
    K: Hash + Eq + Clone + Send + Sync,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    /// The shard holding keys whose hash is `hash`: bits 32 and up, which its table does not use
    /// to place them (see the module documentation).
    #[inline]
    fn shard(&self, hash: u64) -> &Mutex<Table<K, W>> {
        &self.shards[(hash >> 32) as usize & self.mask].table
    }

    /// Sweeps idle keys out of every shard if no sweep has run in the last window and no other
    /// thread is about to.
    #[inline]
    fn maybe_sweep(&self, now: u64) {
        // Orderings are free here: the shards' locks order what the sweep reads and writes, and
        // a stale `next` only makes this thread's compare-and-swap fail or skip a sweep another
        // thread will run.
        let next = if cfg!(kata_loom) {
            // Under loom, read by a read-modify-write, which always sees the latest store: loom
            // 0.7 can corrupt its model when a plain load is offered an older store of an atomic
            // that is also compare-and-swapped (tokio-rs/loom#252, "assertion left != right" in
            // `match_load_to_stores`). The algorithm is correct for any value a load may return.
            self.next_sweep.fetch_add(0, Ordering::Relaxed)
        } else {
            self.next_sweep.load(Ordering::Relaxed)
        };
        if now < next {
            return;
        }
        if self
            .next_sweep
            .compare_exchange(
                next,
                now.saturating_add(self.window_ns),
                Ordering::Relaxed,
                Ordering::Relaxed,
            )
            .is_ok()
        {
            self.sweep(now);
        }
    }

    #[cold]
    fn sweep(&self, now: u64) {
        for shard in self.shards.iter() {
            let mut table = shard.table.lock();
            table.retain(|(_, limiter)| !limiter.is_idle(now));
            if table.capacity() > SHRINK_FLOOR && table.len() < table.capacity() / 4 {
                let len = table.len();
                table.shrink_to(len * 2, |(key, _)| self.hasher.hash_one(key));
            }
        }
    }
}

impl<K, W, C> KeyedLimiter<K, W, C> for Keyed<K, W, C>
where
    K: Hash + Eq + Clone + Send + Sync,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    fn new(limit: u64, window: Duration, clock: C) -> Result<Self, ConfigError> {
        let window_ns = window_nanos(limit, window)?;
        // The key type's own checks, once, so that creating one per key cannot fail.
        W::new(limit, window)?;
        let shards: Box<[Shard<K, W>]> = (0..shard_count())
            .map(|_| Shard {
                table: Mutex::new(HashTable::new()),
            })
            .collect();
        Ok(Keyed {
            mask: shards.len() - 1,
            shards,
            hasher: hasher(),
            limit,
            window,
            window_ns,
            next_sweep: AtomicU64::new(0),
            clock,
        })
    }

    fn try_acquire(&self, key: &K) -> bool {
        let now = self.clock.now();
        // Before the key's own shard is locked: a sweep takes every shard's lock in turn.
        self.maybe_sweep(now);
        let hash = self.hasher.hash_one(key);
        let admitted = {
            let mut table = self.shard(hash).lock();
            if let Some((_, limiter)) = table.find_mut(hash, |(k, _)| k == key) {
                limiter.try_acquire(now)
            } else {
                // `new` checked this configuration with `W::new` already.
                let Ok(mut limiter) = W::new(self.limit, self.window) else {
                    return false;
                };
                let admitted = limiter.try_acquire(now);
                // The hasher rehashes keys only when the table grows.
                table.insert_unique(hash, (key.clone(), limiter), |(k, _)| {
                    self.hasher.hash_one(k)
                });
                admitted
            }
        };
        admitted
    }

    fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.table.lock().len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u64 = 1_000;

    fn new<L: WindowLimiter>(limit: u64) -> L {
        L::new(limit, Duration::from_nanos(W)).unwrap()
    }

    /// How many of `n` requests at `t` are admitted.
    fn admitted<L: WindowLimiter>(limiter: &mut L, t: u64, n: u64) -> u64 {
        (0..n).map(|_| u64::from(limiter.try_acquire(t))).sum()
    }

    #[test]
    fn configurations_are_refused_in_order() {
        fn check<L: WindowLimiter>() {
            let too_long = Duration::from_nanos(u64::MAX) + Duration::from_nanos(1);
            assert_eq!(
                L::new(0, Duration::ZERO).err(),
                Some(ConfigError::ZeroLimit)
            );
            assert_eq!(L::new(0, too_long).err(), Some(ConfigError::ZeroLimit));
            assert_eq!(
                L::new(1, Duration::ZERO).err(),
                Some(ConfigError::ZeroWindow)
            );
            assert_eq!(L::new(1, too_long).err(), Some(ConfigError::WindowTooLong));
            let max = L::new(u64::MAX, Duration::from_nanos(u64::MAX))
                .ok()
                .unwrap();
            assert_eq!(max.limit(), u64::MAX);
            assert_eq!(max.window(), Duration::from_nanos(u64::MAX));
        }
        check::<FixedWindow>();
        check::<SlidingLog>();
        check::<SlidingCounter>();
    }

    #[test]
    fn fixed_window_resets_at_the_boundary_and_admits_twice_the_limit_across_it() {
        let mut f: FixedWindow = new(3);
        assert_eq!(admitted(&mut f, W - 1, 5), 3);
        assert_eq!(admitted(&mut f, W, 5), 3); // 6 within 2 ns
        assert_eq!(admitted(&mut f, 2 * W - 1, 1), 0);
        assert_eq!(admitted(&mut f, 5 * W + 7, 1), 1);
    }

    #[test]
    fn fixed_window_clock_set_back_counts_in_the_latest_window() {
        let mut f: FixedWindow = new(2);
        assert_eq!(admitted(&mut f, 3 * W, 2), 2);
        assert_eq!(admitted(&mut f, W, 1), 0); // behind: still window 3
        assert!(!f.is_idle(0));
        assert!(f.is_idle(4 * W));
        assert_eq!(admitted(&mut f, 4 * W, 2), 2);
    }

    #[test]
    fn fixed_window_idle() {
        let mut f: FixedWindow = new(2);
        assert!(f.is_idle(0));
        assert!(f.try_acquire(10));
        assert!(!f.is_idle(10));
        assert!(!f.is_idle(W - 1));
        assert!(f.is_idle(W));
    }

    #[test]
    fn sliding_log_excludes_t_minus_w() {
        let mut log: SlidingLog = new(2);
        assert_eq!(admitted(&mut log, 100, 2), 2);
        assert_eq!(admitted(&mut log, 100 + W - 1, 1), 0); // 100 is still in (t − W, t]
        assert_eq!(admitted(&mut log, 100 + W, 3), 2); // 100 = t − W is not
        assert!(log.times.len() <= 2);
    }

    #[test]
    fn sliding_log_never_holds_more_than_limit() {
        let mut log: SlidingLog = new(5);
        for t in 0..10 * W {
            let _ = log.try_acquire(t);
            assert!(log.times.len() <= 5);
        }
    }

    #[test]
    fn sliding_log_clock_set_back_counts_as_latest() {
        let mut log: SlidingLog = new(2);
        assert!(log.try_acquire(5 * W));
        assert!(log.try_acquire(0)); // counts as 5W
        assert!(!log.try_acquire(0));
        assert!(!log.is_idle(0));
        assert!(!log.try_acquire(6 * W - 1));
        assert_eq!(admitted(&mut log, 6 * W, 3), 2);
        assert!(log.is_idle(7 * W));
    }

    #[test]
    fn sliding_log_idle() {
        let mut log: SlidingLog = new(3);
        assert!(log.is_idle(0));
        assert!(log.try_acquire(10));
        assert!(!log.is_idle(10 + W - 1));
        assert!(log.is_idle(10 + W));
    }

    /// `limit` requests in window 0, then how many are admitted at `W + e`.
    fn counter_after_full_window(limit: u64, e: u64) -> u64 {
        let mut c: SlidingCounter = new(limit);
        assert_eq!(admitted(&mut c, 0, limit), limit);
        admitted(&mut c, W + e, limit)
    }

    #[test]
    fn sliding_counter_weights_the_previous_window() {
        // e = 0: the previous window counts in full.
        assert_eq!(counter_after_full_window(10, 0), 0);
        // e = W/2: half of it. 10 × 500 + curr × 1000 < 10 000 ⇔ curr < 5.
        assert_eq!(counter_after_full_window(10, W / 2), 5);
        // e = W − 1: 10 × 1 + curr × 1000 < 10 000 ⇔ curr ≤ 9.
        assert_eq!(counter_after_full_window(10, W - 1), 10);
        // Exactly at the threshold: 4 × 250 + curr × 1000 < 4 000 ⇔ curr < 3.
        assert_eq!(counter_after_full_window(4, 3 * W / 4), 3);
        // Two windows later the previous window was empty.
        let mut c: SlidingCounter = new(10);
        assert_eq!(admitted(&mut c, 0, 10), 10);
        assert_eq!(admitted(&mut c, 2 * W, 20), 10);
    }

    #[test]
    fn sliding_counter_does_not_overflow_at_the_extremes() {
        let mut c = SlidingCounter::new(u64::MAX, Duration::from_nanos(u64::MAX)).unwrap();
        c.prev = u64::MAX;
        c.curr = u64::MAX - 1;
        assert!(!c.admits(0));
        assert!(!c.admits(u64::MAX - 1));
        c.prev = 1;
        assert!(c.admits(u64::MAX - 1));
    }

    #[test]
    fn sliding_counter_clock_set_back_keeps_the_latest_weight() {
        let mut c: SlidingCounter = new(10);
        assert_eq!(admitted(&mut c, 0, 10), 10);
        // At W + 900 window 0 weighs 1: 1 000 + 1 × 1 000 < 10 000.
        assert!(c.try_acquire(W + 900));
        // At W + 1 it would weigh nearly 10 and refuse; behind the clock, it is still W + 900.
        assert!(c.try_acquire(W + 1));
        assert!(c.try_acquire(0));
        assert_eq!(c.latest, W + 900);
        assert_eq!(c.curr, 3);
    }

    #[test]
    fn sliding_counter_idle() {
        let mut c: SlidingCounter = new(3);
        assert!(c.is_idle(0));
        assert!(c.try_acquire(W - 1));
        assert!(!c.is_idle(W - 1));
        assert!(!c.is_idle(W)); // window 1 still weighs window 0
        assert!(!c.is_idle(2 * W - 1));
        assert!(c.is_idle(2 * W));
        // Counts in both windows.
        assert!(c.try_acquire(W));
        assert!(!c.is_idle(2 * W)); // curr of window 1 becomes prev
        assert!(c.is_idle(3 * W));
        // Clock set back: judged at the latest time.
        assert!(!c.is_idle(0));
    }

    /// The three rules, computed from every admitted time and the latest time seen.
    #[derive(Default)]
    struct Model {
        admitted: Vec<u64>,
        latest: u64,
    }

    impl Model {
        fn decide(&mut self, kind: usize, limit: u64, now: u64) -> bool {
            self.latest = self.latest.max(now);
            let t = self.latest;
            let count = |lo: u64, hi: u64| {
                self.admitted.iter().filter(|&&a| lo <= a && a < hi).count() as u64
            };
            let k = t / W;
            let ok = match kind {
                0 => count(k * W, (k + 1) * W) < limit,
                1 => count((t + 1).saturating_sub(W), t + 1) < limit,
                _ => {
                    let prev = if k == 0 { 0 } else { count((k - 1) * W, k * W) };
                    let curr = count(k * W, (k + 1) * W);
                    let e = t - k * W;
                    u128::from(prev) * u128::from(W - e) + u128::from(curr) * u128::from(W)
                        < u128::from(limit) * u128::from(W)
                }
            };
            if ok {
                self.admitted.push(t);
            }
            ok
        }
    }

    #[test]
    fn agrees_with_a_naive_model_also_when_the_clock_steps_back() {
        fn check<L: WindowLimiter>(kind: usize, seed: u64) {
            let mut rng = seed;
            let mut next = move |n: u64| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng % n
            };
            for _ in 0..200 {
                let limit = 1 + next(4);
                let mut limiter: L = new(limit);
                let mut model = Model::default();
                let mut now = 0_u64;
                for _ in 0..60 {
                    now = match next(8) {
                        0 => now.saturating_sub(next(2 * W)),
                        1 => now + next(3 * W),
                        2 | 3 => now + next(W / 10),
                        _ => now,
                    };
                    let expected = model.decide(kind, limit, now);
                    assert_eq!(limiter.try_acquire(now), expected, "kind {kind} at {now}");
                }
            }
        }
        for seed in 1..20 {
            check::<FixedWindow>(0, seed);
            check::<SlidingLog>(1, seed);
            check::<SlidingCounter>(2, seed);
        }
    }

    #[test]
    fn idle_limiters_decide_as_new_ones() {
        fn check<L: WindowLimiter + Clone>() {
            let mut rng = 0x9E37_79B9_7F4A_7C15_u64;
            let mut next = move || {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng
            };
            let mut limiter: L = new(3);
            let mut t = 0;
            for _ in 0..20_000 {
                t += next() % (W / 2);
                if limiter.is_idle(t) {
                    let mut fresh: L = new(3);
                    let mut old = limiter.clone();
                    for i in 0..8 {
                        let at = t + i * (W / 3);
                        assert_eq!(old.try_acquire(at), fresh.try_acquire(at), "at {at}");
                    }
                }
                let _ = limiter.try_acquire(t);
            }
        }
        check::<FixedWindow>();
        check::<SlidingLog>();
        check::<SlidingCounter>();
    }

    #[cfg(not(kata_loom))]
    mod keyed {
        use super::*;

        fn keyed<L: WindowLimiter + Send + Sync>(
            clock: &ManualClock,
        ) -> Keyed<u64, L, ManualClock> {
            Keyed::new(2, Duration::from_nanos(W), clock.clone()).unwrap()
        }

        #[test]
        fn refuses_bad_configurations() {
            let clock = ManualClock::new();
            let bad = Keyed::<u64, SlidingLog, _>::new(0, Duration::ZERO, clock.clone());
            assert_eq!(bad.err(), Some(ConfigError::ZeroLimit));
            let bad = Keyed::<u64, FixedWindow, _>::new(1, Duration::ZERO, clock);
            assert_eq!(bad.err(), Some(ConfigError::ZeroWindow));
        }

        #[test]
        fn keys_have_their_own_limits() {
            let clock = ManualClock::new();
            let k = keyed::<SlidingLog>(&clock);
            assert!(k.try_acquire(&1) && k.try_acquire(&1) && !k.try_acquire(&1));
            assert!(k.try_acquire(&2) && k.try_acquire(&2) && !k.try_acquire(&2));
            assert_eq!(k.len(), 2);
        }

        /// Key 0 every W/4, key 1 000 + (step mod 7) every step, and a new key each step:
        /// every decision is the key's own limiter's, no key is held three windows after its
        /// last request, and no key whose limiter is not idle is forgotten.
        fn forgets_within_three_windows<L: WindowLimiter + Send + Sync>() {
            let clock = ManualClock::new();
            let k = keyed::<L>(&clock);
            let mut own = std::collections::HashMap::<u64, (L, u64)>::new();
            for step in 0..200_u64 {
                let t = step * (W / 4) + 7;
                clock.set(t);
                for key in [0, 1_000 + step % 7, 1_000_000 + step] {
                    let (limiter, last) = own.entry(key).or_insert_with(|| (new(2), t));
                    *last = t;
                    assert_eq!(
                        k.try_acquire(&key),
                        limiter.try_acquire(t),
                        "key {key} at {t}"
                    );
                }
                let recent = own.values().filter(|(_, r)| r + 3 * W > t).count();
                assert!(
                    k.len() <= recent,
                    "t {t}: {} held, {recent} recent",
                    k.len()
                );
                for (key, (limiter, _)) in &own {
                    if !limiter.is_idle(t) {
                        let hash = k.hasher.hash_one(key);
                        let table = k.shard(hash).lock();
                        let held = table.find(hash, |(k, _)| k == key).is_some();
                        assert!(held, "key {key} forgotten at {t}");
                    }
                }
            }
        }

        #[test]
        fn forgets_idle_keys_within_three_windows() {
            forgets_within_three_windows::<FixedWindow>();
            forgets_within_three_windows::<SlidingLog>();
            forgets_within_three_windows::<SlidingCounter>();
        }

        #[test]
        fn a_sweep_keeps_keys_that_are_not_idle() {
            let clock = ManualClock::new();
            let k = keyed::<SlidingCounter>(&clock);
            assert!(k.try_acquire(&1) && k.try_acquire(&1));
            clock.set(W + 10); // sweeps; key 1's window 0 still weighs in window 1
            assert!(k.try_acquire(&2));
            assert_eq!(k.len(), 2);
            // 2 × 990 + 0 < 2 000, then 2 × 990 + 1 000 is not: a new limiter would admit both.
            assert!(k.try_acquire(&1));
            assert!(!k.try_acquire(&1));
        }

        #[test]
        fn a_sweep_gives_memory_back() {
            let clock = ManualClock::new();
            let k = keyed::<FixedWindow>(&clock);
            for key in 0..10_000 {
                let _ = k.try_acquire(&key);
            }
            let full: usize = k.shards.iter().map(|s| s.table.lock().capacity()).sum();
            clock.set(3 * W);
            let _ = k.try_acquire(&0);
            assert_eq!(k.len(), 1);
            let after: usize = k.shards.iter().map(|s| s.table.lock().capacity()).sum();
            assert!(after * 8 < full, "{after} of {full}");
        }

        #[test]
        fn is_send_and_sync_for_send_keys_that_are_not_sync() {
            fn check<T: Send + Sync>() {}
            check::<Keyed<std::cell::Cell<u8>, SlidingLog, ManualClock>>();
        }
    }
}
