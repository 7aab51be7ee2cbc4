//! Reference solution of the `leaky-bucket` kata.
//!
//! # The schedule in 64-bit integers, without a division
//!
//! The specification (`kata_core::leaky_bucket`) schedules item `i` at the scaled instant
//! `S_i = max(now × tokens, S_{i-1} + period_ns)` and lets it leave at `ceil(S_i / tokens)`
//! nanoseconds. Both `tokens` and `period_ns` are first divided by their greatest common divisor
//! `g`, which changes no departure (`S / tokens = (S / g) / (tokens / g)`): 1 000 items per second
//! becomes one unit per nanosecond and 1 000 000 units per interval. Call the reduced values `t`
//! (units per nanosecond) and `p` (units per interval).
//!
//! A scaled instant can need 128 bits (`u64` nanoseconds times a `u64` rate), but it never needs
//! to be *stored* that way. `Scaled` keeps `S` as the pair `(ns, behind)` with
//! `S = ns × t − behind` and `0 <= behind < t`: `ns` is the departure itself, `ceil(S / t)`, and
//! `behind` the fraction of a nanosecond it was rounded up by, in units. Adding one interval,
//! `p = q × t + r`, adds `q` to `ns` and takes `r` from `behind`, borrowing one nanosecond when
//! `behind < r`; comparing `S` with `now × t` is comparing `ns` with `now` (and `behind` with 0).
//! So an accepted offer costs two additions, a few comparisons, and the push onto the queue: no
//! multiplication, no division, no `u128`, whatever the rate. Only [`Shaper::level`] divides, once,
//! in `u128` (and so does a refusal past the end of the clock, for its hint).
//!
//! Measured against the same bucket on `u128` scaled instants reduced by the same gcd (one
//! multiplication and one `u128` division per offer), on a scratch harness in `--release` on a
//! 2-core machine (load average under 1), capacity 1 024, `u64` items on a `ManualClock`, the
//! median of 9 rounds of 2²⁰ items, two runs: a steady stream (the clock moves one interval, one
//! offer, one poll) costs 8.7 to 9.0 ns per item here against 10.1 to 10.2 ns, and bursts of 64
//! offers followed by 64 polls 4.0 to 4.6 ns per item against 6.5 to 6.8 ns, at 1 000 per second
//! (`t = 1`), 3 per second, 7 per ms and 5 per 3 ns alike.
//!
//! # Level and fullness in O(1)
//!
//! Every offer happens at or after the previous one (the bucket's time never goes back: see
//! below), so an item offered while others wait is scheduled exactly one interval after the one
//! before it: the items still waiting are *back to back*, the last one at `S_last`. Hence
//! `level = ceil((S_last − now × t) / p)` when `S_last > now × t`, and 0 otherwise; and the bucket
//! is full exactly when `S_last − now × t > (capacity − 1) × p`. That bound, `backlog` below, is
//! computed once, in the same `(ns, behind)` form, so the offer's fullness test is again a
//! comparison of pairs. When full, the oldest waiting item sits at `S_last − backlog`, whose
//! departure is the `retry_after` hint.
//!
//! An offer whose departure would be past `u64::MAX` nanoseconds is refused too, with [`Full`]:
//! no instant of the clock could hold it. Its `retry_after` is worked out as for a full bucket,
//! the wait until the oldest waiting item leaves, found in `u128` on this rare path; when no item
//! waits (a bucket near the end of the clock with an interval longer than what is left of it),
//! it is [`Duration::MAX`]: no wait helps.
//!
//! # The clock
//!
//! A bucket's time is `max(clock.now(), latest reading)`, where the latest reading is the largest
//! one any [`offer`](Shaper::offer) (accepted or refused) or [`poll`](Shaper::poll) read. A
//! clock set back therefore stops the bucket's time instead of rewinding it: nothing is scheduled
//! before an instant the bucket has already acted on, and nothing that was ready is held back.
//! `level` takes `&self`: it reads the clock without recording the reading.
//!
//! # The thread-safe bucket
//!
//! [`ConcurrentLeakyBucket`] is the single-threaded bucket behind one [`kata_core::sync::Mutex`]:
//! each call takes the lock once, reads the clock inside it (so readings are acted on in the order
//! the calls are serialised) and does the single-threaded work. Producers and the consumer contend
//! for one short critical section; the capacity is kept outside the lock, constant.

use std::collections::VecDeque;
use std::time::Duration;

use kata_core::sync::Mutex;

pub use kata_core::clock::{Clock, ManualClock, MonotonicClock};
pub use kata_core::leaky_bucket::{ConcurrentShaper, ConfigError, Full, Rate, Shaper};

/// A scaled instant `S = ns × t − behind`, `0 <= behind < t`: `ns` is `ceil(S / t)`, the
/// nanosecond an item scheduled at `S` leaves. Ordered as `S` is (lexicographically on `ns`,
/// then *reversed* on `behind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scaled {
    ns: u64,
    behind: u64,
}

impl Scaled {
    /// `now × t`, exactly.
    #[inline]
    fn at(now: u64) -> Scaled {
        Scaled { ns: now, behind: 0 }
    }

    /// Whether `self >= other` as scaled instants.
    #[inline]
    fn at_least(self, other: Scaled) -> bool {
        self.ns > other.ns || (self.ns == other.ns && self.behind <= other.behind)
    }
}

/// The constants of a bucket, reduced by the gcd of its rate (see the module documentation).
#[derive(Debug, Clone, Copy)]
struct Schedule {
    /// Units per nanosecond: `rate.tokens / g`.
    t: u64,
    /// Units per interval: `period_ns / g`.
    p: u64,
    /// `p / t`: whole nanoseconds per interval.
    q: u64,
    /// `p % t`: the rest of an interval, in units.
    r: u64,
    /// `(capacity − 1) × p` in `(ns, behind)` form, or `None` when that is beyond any instant
    /// (the bucket can never hold `capacity` items inside the clock's range).
    backlog: Option<Scaled>,
    capacity: usize,
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Schedule {
    fn new(capacity: usize, rate: Rate) -> Result<Schedule, ConfigError> {
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
        let g = gcd(rate.tokens, period);
        let (t, p) = (rate.tokens / g, period / g);
        // (capacity - 1) × p < 2^128; its ceiling over t must fit a u64 to be reachable.
        let units = (capacity as u128 - 1) * u128::from(p);
        let ns = units.div_ceil(u128::from(t));
        let backlog = u64::try_from(ns).ok().map(|ns| Scaled {
            ns,
            // ns × t − units < t.
            behind: (ns as u128 * u128::from(t) - units) as u64,
        });
        Ok(Schedule {
            t,
            p,
            q: p / t,
            r: p % t,
            backlog,
            capacity,
        })
    }

    /// `s + p`: one interval after `s`, or `None` when its departure is past `u64::MAX`.
    #[inline]
    fn after(&self, s: Scaled) -> Option<Scaled> {
        let (behind, borrow) = if s.behind >= self.r {
            (s.behind - self.r, 0)
        } else {
            (s.behind + (self.t - self.r), 1)
        };
        let ns = s.ns.checked_add(self.q)?.checked_add(borrow)?;
        Some(Scaled { ns, behind })
    }

    /// When the bucket is full at `now` with its last item at `last`: the departure of the oldest
    /// waiting item, `ceil((last − backlog) / t)`.
    #[inline]
    fn full_until(&self, last: Scaled, now: u64) -> Option<u64> {
        let backlog = self.backlog?;
        // last − now × t, in (ns, behind) form, exceeds the backlog.
        let ahead = last.ns.checked_sub(now)?;
        if ahead > backlog.ns || (ahead == backlog.ns && last.behind < backlog.behind) {
            Some(last.ns - backlog.ns + u64::from(backlog.behind > last.behind))
        } else {
            None
        }
    }

    /// The departure of the oldest item still waiting at `now`, if any: with `level` items
    /// waiting back to back, the one `level − 1` intervals before `last`. Off the fast path: it
    /// serves the refusal of an offer whose departure is past the end of the clock.
    fn oldest_waiting(&self, last: Scaled, now: u64) -> Option<u64> {
        let level = self.level(last, now);
        let (t, p) = (u128::from(self.t), u128::from(self.p));
        let last = u128::from(last.ns) * t - u128::from(last.behind);
        let oldest = last - (level.checked_sub(1)? as u128) * p;
        // At most last.ns.
        Some(oldest.div_ceil(t) as u64)
    }

    /// Items scheduled after `now`: `ceil((last − now × t) / p)`, or 0.
    #[inline]
    fn level(&self, last: Scaled, now: u64) -> usize {
        match last.ns.checked_sub(now) {
            Some(ahead) if ahead > 0 => {
                let units = u128::from(ahead) * u128::from(self.t) - u128::from(last.behind);
                // At most the capacity, so it fits.
                units.div_ceil(u128::from(self.p)) as usize
            }
            _ => 0,
        }
    }
}

/// A leaky bucket for one thread: a FIFO of items with their departure instants.
#[derive(Debug, Clone)]
pub struct LeakyBucket<T, C> {
    /// Accepted items not yet polled, oldest first, each with its departure (nanoseconds).
    queue: VecDeque<(T, u64)>,
    /// The scaled instant of the last accepted item, `None` before the first.
    last: Option<Scaled>,
    /// The latest clock reading an `offer` or `poll` acted on.
    seen: u64,
    schedule: Schedule,
    clock: C,
}

impl<T, C: Clock> LeakyBucket<T, C> {
    /// The bucket's time: the clock, never earlier than the latest reading acted on.
    #[inline]
    fn now(&self) -> u64 {
        self.clock.now().max(self.seen)
    }
}

impl<T, C: Clock> Shaper<T, C> for LeakyBucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        Ok(LeakyBucket {
            // Never `with_capacity(capacity)`: the capacity may be usize::MAX.
            queue: VecDeque::new(),
            last: None,
            seen: 0,
            schedule: Schedule::new(capacity, rate)?,
            clock,
        })
    }

    #[inline]
    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        let now = self.now();
        self.seen = now;
        let at = match self.last {
            None => Scaled::at(now),
            Some(last) => {
                if let Some(leaves) = self.schedule.full_until(last, now) {
                    return Err(Full {
                        item,
                        retry_after: Duration::from_nanos(leaves - now),
                    });
                }
                match self.schedule.after(last) {
                    Some(next) if next.at_least(Scaled::at(now)) => next,
                    Some(_) => Scaled::at(now),
                    None => {
                        let retry_after = self
                            .schedule
                            .oldest_waiting(last, now)
                            .map_or(Duration::MAX, |leaves| Duration::from_nanos(leaves - now));
                        return Err(Full { item, retry_after });
                    }
                }
            }
        };
        self.last = Some(at);
        self.queue.push_back((item, at.ns));
        Ok(at.ns)
    }

    #[inline]
    fn poll(&mut self) -> Option<T> {
        let now = self.now();
        self.seen = now;
        match self.queue.front() {
            Some(&(_, leaves)) if leaves <= now => self.queue.pop_front().map(|(item, _)| item),
            _ => None,
        }
    }

    #[inline]
    fn next_departure(&self) -> Option<u64> {
        self.queue.front().map(|&(_, leaves)| leaves)
    }

    #[inline]
    fn level(&self) -> usize {
        match self.last {
            Some(last) => self.schedule.level(last, self.now()),
            None => 0,
        }
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.schedule.capacity
    }
}

/// A thread-safe leaky bucket (many producers, one consumer): a [`LeakyBucket`] behind a
/// [`kata_core::sync::Mutex`], so that every call is one atomic step.
#[derive(Debug)]
pub struct ConcurrentLeakyBucket<T, C> {
    inner: Mutex<LeakyBucket<T, C>>,
    capacity: usize,
}

impl<T: Send, C: Clock + Send + Sync> ConcurrentShaper<T, C> for ConcurrentLeakyBucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        Ok(ConcurrentLeakyBucket {
            inner: Mutex::new(Shaper::new(capacity, rate, clock)?),
            capacity,
        })
    }

    #[inline]
    fn offer(&self, item: T) -> Result<u64, Full<T>> {
        self.inner.lock().offer(item)
    }

    #[inline]
    fn poll(&self) -> Option<T> {
        self.inner.lock().poll()
    }

    #[inline]
    fn next_departure(&self) -> Option<u64> {
        self.inner.lock().next_departure()
    }

    #[inline]
    fn level(&self) -> usize {
        self.inner.lock().level()
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    //! The arithmetic against the specification written out in `u128` ([`Model`]), and the
    //! cases the module documentation promises.

    use super::*;
    use std::sync::Arc;

    /// The specification, word for word: `u128` scaled instants, unreduced, a departure per item.
    struct Model {
        capacity: u128,
        tokens: u128,
        period: u128,
        queue: VecDeque<(u64, u64)>,
        last: Option<u128>,
        seen: u64,
    }

    impl Model {
        fn new(capacity: usize, rate: Rate) -> Model {
            Model {
                capacity: capacity as u128,
                tokens: u128::from(rate.tokens),
                period: rate.period.as_nanos(),
                queue: VecDeque::new(),
                last: None,
                seen: 0,
            }
        }

        fn level(&self, now: u64) -> u128 {
            let now_scaled = u128::from(now) * self.tokens;
            match self.last {
                Some(last) if last > now_scaled => (last - now_scaled).div_ceil(self.period),
                _ => 0,
            }
        }

        fn offer(&mut self, clock: u64, item: u64) -> Result<u64, Full<u64>> {
            let now = clock.max(self.seen);
            self.seen = now;
            let level = self.level(now);
            let now_scaled = u128::from(now) * self.tokens;
            if level == self.capacity {
                // The oldest waiting item, `level − 1` intervals before the last.
                let oldest = self.last.expect("full") - (level - 1) * self.period;
                let leaves = oldest.div_ceil(self.tokens) as u64;
                return Err(Full {
                    item,
                    retry_after: Duration::from_nanos(leaves - now),
                });
            }
            let s = match self.last {
                None => now_scaled,
                Some(last) => now_scaled.max(last + self.period),
            };
            let Ok(leaves) = u64::try_from(s.div_ceil(self.tokens)) else {
                // Past the end of the clock: the wait until the oldest waiting item leaves.
                let oldest = self.queue.iter().map(|&(_, d)| d).find(|&d| d > now);
                return Err(Full {
                    item,
                    retry_after: oldest.map_or(Duration::MAX, |d| Duration::from_nanos(d - now)),
                });
            };
            self.last = Some(s);
            self.queue.push_back((item, leaves));
            Ok(leaves)
        }

        fn poll(&mut self, clock: u64) -> Option<u64> {
            let now = clock.max(self.seen);
            self.seen = now;
            match self.queue.front() {
                Some(&(_, leaves)) if leaves <= now => self.queue.pop_front().map(|(i, _)| i),
                _ => None,
            }
        }
    }

    /// A small deterministic generator (xorshift64*), so that the tests need no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn upto(&mut self, n: u64) -> u64 {
            self.next() % (n + 1)
        }

        fn pick(&mut self, from: &[u64]) -> u64 {
            from[self.next() as usize % from.len()]
        }
    }

    fn random_rate(rng: &mut Rng) -> Rate {
        let ns = Duration::from_nanos;
        match rng.upto(9) {
            0 => Rate::per_second(3),
            1 => Rate::per_second(1_000),
            2 => Rate::new(5, ns(3)),
            3 => Rate::new(7, Duration::from_millis(1)),
            4 => Rate::new(1, Duration::from_secs(3_600)),
            5 => Rate::per_second(u64::from(u32::MAX)),
            6 => Rate::new(u64::MAX, ns(u64::MAX)),
            7 => Rate::new(rng.next() | 1, ns(rng.next() | 1)),
            8 => Rate::new(1 + rng.upto(1_000), ns(1 + rng.upto(1_000_000))),
            _ => Rate::new(u64::MAX - rng.upto(3), ns(1 + rng.upto(3))),
        }
    }

    fn bucket(capacity: usize, rate: Rate, clock: &ManualClock) -> LeakyBucket<u64, ManualClock> {
        LeakyBucket::new(capacity, rate, clock.clone()).expect("valid")
    }

    #[test]
    fn the_shaper_agrees_with_the_u128_specification_call_by_call() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut accepted, mut refused_full, mut refused_far, mut polled) = (0, 0, 0, 0);
        for run in 0..4_000 {
            let rate = random_rate(&mut rng);
            let capacity = match rng.upto(4) {
                0 => 1,
                1 => 2 + rng.upto(5) as usize,
                2 => usize::MAX,
                3 => rng.next() as usize,
                _ => 1 + rng.upto(100) as usize,
            };
            let start = match rng.upto(3) {
                0 => 0,
                1 => u64::MAX - rng.upto(1 << 40),
                _ => rng.next(),
            };
            let clock = ManualClock::starting_at(start);
            let mut ours = bucket(capacity, rate, &clock);
            let mut model = Model::new(capacity, rate);
            let interval = (rate.period.as_nanos() / u128::from(rate.tokens)).max(1);
            let interval = u64::try_from(interval).unwrap_or(u64::MAX);
            let mut now = start;
            for step in 0..80 {
                match rng.upto(9) {
                    0..=2 => now = now.saturating_add(rng.upto(interval.saturating_mul(2))),
                    3 => now = now.saturating_add(rng.pick(&[1, 2, 3])),
                    4 => now = now.saturating_sub(rng.upto(interval.saturating_mul(3))),
                    5 => now = now.saturating_add(rng.next() >> rng.upto(63)),
                    _ => {}
                }
                clock.set(now);
                let context = || format!("run {run} step {step}: capacity {capacity}, {rate}");
                if rng.upto(2) == 0 {
                    let item = rng.next();
                    let got = ours.offer(item);
                    let want = model.offer(now, item);
                    assert_eq!(
                        got.as_ref().map_err(|f| (f.item, f.retry_after)),
                        want.as_ref().map_err(|f| (f.item, f.retry_after)),
                        "offer at {now}, {}",
                        context()
                    );
                    match got {
                        Ok(_) => accepted += 1,
                        Err(_) if ours.level() == capacity => refused_full += 1,
                        Err(_) => refused_far += 1,
                    }
                } else {
                    let got = ours.poll();
                    assert_eq!(got, model.poll(now), "poll at {now}, {}", context());
                    polled += u64::from(got.is_some());
                }
                let level = model.level(now.max(model.seen));
                assert_eq!(ours.level() as u128, level, "level, {}", context());
                assert!(level <= capacity as u128, "{}", context());
                let next = model.queue.front().map(|&(_, leaves)| leaves);
                assert_eq!(ours.next_departure(), next, "next departure, {}", context());
            }
        }
        assert!(accepted > 50_000, "{accepted} accepted");
        assert!(refused_full > 5_000, "{refused_full} refused as full");
        assert!(refused_far > 500, "{refused_far} refused past the clock");
        assert!(polled > 20_000, "{polled} polled");
    }

    #[test]
    fn three_per_second_does_not_drift_over_a_million_departures() {
        let clock = ManualClock::starting_at(7);
        let mut b = bucket(usize::MAX, Rate::per_second(3), &clock);
        let quarter = 250_000_000;
        let mut out = 0;
        for k in 0..=1_000_000u64 {
            // Offered every quarter of a second, faster than they leave: item k leaves
            // ceil(k × 10^9 / 3) ns after the first, not k times a rounded interval.
            clock.set(7 + k * quarter);
            assert_eq!(
                b.offer(k),
                Ok(7 + (k * 1_000_000_000).div_ceil(3)),
                "item {k}"
            );
            if k % 2 == 0 {
                if let Some(item) = b.poll() {
                    assert_eq!(item, out);
                    out += 1;
                }
            }
        }
        // The last: 333 333 333 333 333 ns and a third after the first, rounded up.
        assert_eq!(
            b.queue.back().map(|&(_, d)| d),
            Some(7 + 333_333_333_333_334)
        );
        // At 250 000 s, items up to 750 000 have left: 250 000 are waiting.
        assert_eq!(b.level(), 250_000);
        clock.set(7 + 333_333_333_333_333);
        assert_eq!(b.level(), 1);
        clock.set(7 + 333_333_333_333_334);
        assert_eq!(b.level(), 0);
        while let Some(item) = b.poll() {
            assert_eq!(item, out);
            out += 1;
        }
        assert_eq!(out, 1_000_001);
        assert_eq!(b.next_departure(), None);
    }

    #[test]
    fn the_schedule_is_paced_in_exact_intervals_and_restarts_after_idle() {
        let clock = ManualClock::starting_at(1_000);
        // 5 items per 3 ns: 0.6 ns apart.
        let mut b = bucket(10, Rate::new(5, Duration::from_nanos(3)), &clock);
        let leaves: Vec<u64> = (0..6).map(|i| b.offer(i).expect("room")).collect();
        // 1000, 1000.6, 1001.2, 1001.8, 1002.4, 1003.0, rounded up.
        assert_eq!(leaves, [1_000, 1_001, 1_002, 1_002, 1_003, 1_003]);
        assert_eq!(b.level(), 5);
        clock.set(1_002);
        assert_eq!(b.level(), 2, "1002.4 and 1003.0 still to come");
        // Idle until well after the last: the next leaves at once.
        clock.set(2_000);
        assert_eq!(b.level(), 0);
        assert_eq!(b.offer(6), Ok(2_000));
        assert_eq!(b.offer(7), Ok(2_001), "2000.6");
    }

    #[test]
    fn a_full_bucket_refuses_until_its_oldest_waiting_item_leaves() {
        let clock = ManualClock::new();
        let mut b = bucket(2, Rate::per_second(1), &clock);
        let second = 1_000_000_000;
        assert_eq!(b.offer(0), Ok(0), "an idle bucket lets it through at once");
        assert_eq!(b.offer(1), Ok(second));
        assert_eq!(b.offer(2), Ok(2 * second));
        assert_eq!(b.level(), 2);
        let refused = b.offer(3).expect_err("full");
        assert_eq!(refused.item, 3);
        assert_eq!(refused.retry_after, Duration::from_secs(1));
        clock.set(second - 1);
        let refused = b.offer(3).expect_err("still full");
        assert_eq!(refused.retry_after, Duration::from_nanos(1));
        assert_eq!(b.level(), 2, "a refusal changes nothing");
        clock.set(second);
        assert_eq!(b.level(), 1);
        assert_eq!(b.offer(3), Ok(3 * second));
        // Nothing polled so far: all four are still queued, two of them ready.
        assert_eq!(b.next_departure(), Some(0));
        assert_eq!((b.poll(), b.poll(), b.poll()), (Some(0), Some(1), None));
        assert_eq!(b.next_departure(), Some(2 * second));
    }

    #[test]
    fn a_clock_set_back_stops_the_bucket_time_instead_of_rewinding_it() {
        let clock = ManualClock::starting_at(100);
        let mut b = bucket(3, Rate::new(1, Duration::from_nanos(10)), &clock);
        assert_eq!(b.offer(0), Ok(100));
        assert_eq!(b.offer(1), Ok(110));
        clock.set(200);
        assert_eq!(b.poll(), Some(0));
        // Back to 50: the bucket still counts 200.
        clock.set(50);
        assert_eq!(b.poll(), Some(1), "ready at 200, not held back");
        assert_eq!(b.offer(2), Ok(200), "never scheduled before 200");
        assert_eq!(b.offer(3), Ok(210));
        assert_eq!(b.level(), 1);
        assert_eq!(b.poll(), Some(2));
        assert_eq!(b.poll(), None);
        clock.set(0);
        assert_eq!(b.offer(4), Ok(220));
        assert_eq!(b.offer(5), Ok(230));
        assert_eq!(b.level(), 3, "210, 220 and 230 wait at 200");
        let refused = b.offer(6).expect_err("full at 200");
        assert_eq!(
            refused.retry_after,
            Duration::from_nanos(10),
            "until 210, from 200"
        );
        clock.set(210);
        assert_eq!(b.offer(6), Ok(240));
    }

    #[test]
    fn a_huge_capacity_allocates_only_what_is_offered() {
        let clock = ManualClock::new();
        let mut b = bucket(usize::MAX, Rate::new(1, Duration::from_nanos(1)), &clock);
        assert_eq!(b.capacity(), usize::MAX);
        for i in 0..1_000 {
            assert_eq!(b.offer(i), Ok(i));
        }
        assert_eq!(b.level(), 999);
        assert!(b.queue.capacity() < 1 << 12);
        // One item per hour with room for usize::MAX: full only past the clock's end.
        let mut b = bucket(usize::MAX, Rate::new(1, Duration::from_secs(3_600)), &clock);
        assert!(b.schedule.backlog.is_none());
        let hour = 3_600_000_000_000;
        let mut refused = None;
        for i in 0..10_000_000u64 {
            match b.offer(i) {
                Ok(leaves) => assert_eq!(leaves, i * hour),
                Err(full) => {
                    refused = Some((i, full.retry_after));
                    break;
                }
            }
        }
        // u64::MAX / hour = 5 124 095: the items 0 to 5 124 095 fit.
        let (first_refused, retry_after) = refused.expect("refused past the clock");
        assert_eq!(first_refused, u64::MAX / hour + 1);
        assert_eq!(
            retry_after,
            Duration::from_secs(3_600),
            "until item 1 leaves (item 0 left at once)"
        );
    }

    #[test]
    fn a_departure_past_the_end_of_the_clock_is_refused_and_changes_nothing() {
        let clock = ManualClock::starting_at(u64::MAX - 25);
        let mut b = bucket(100, Rate::new(1, Duration::from_nanos(10)), &clock);
        assert_eq!(b.offer(0), Ok(u64::MAX - 25));
        assert_eq!(b.offer(1), Ok(u64::MAX - 15));
        assert_eq!(b.offer(2), Ok(u64::MAX - 5));
        let refused = b.offer(3).expect_err("would leave at u64::MAX + 5");
        assert_eq!(
            refused.retry_after,
            Duration::from_nanos(10),
            "until item 1 leaves"
        );
        assert_eq!(refused.into_inner(), 3);
        assert_eq!(b.level(), 2);
        assert_eq!(b.next_departure(), Some(u64::MAX - 25));
        // The longest period there is, from the end of the clock.
        let clock = ManualClock::starting_at(u64::MAX);
        let mut b = bucket(1, Rate::new(1, Duration::from_nanos(u64::MAX)), &clock);
        assert_eq!(b.offer(0), Ok(u64::MAX));
        let refused = b.offer(1).expect_err("past the clock");
        assert_eq!(
            refused.retry_after,
            Duration::MAX,
            "nothing waits: no wait helps"
        );
        assert_eq!(b.level(), 0);
        assert_eq!(b.poll(), Some(0));
    }

    #[test]
    fn bad_configurations_are_refused_in_order() {
        let clock = ManualClock::new();
        let new = |capacity, rate| LeakyBucket::<u8, _>::new(capacity, rate, clock.clone()).err();
        let zero = Duration::ZERO;
        assert_eq!(new(0, Rate::new(0, zero)), Some(ConfigError::ZeroCapacity));
        assert_eq!(new(1, Rate::new(0, zero)), Some(ConfigError::ZeroRate));
        assert_eq!(new(1, Rate::new(1, zero)), Some(ConfigError::ZeroPeriod));
        let long = Duration::from_nanos(u64::MAX) + Duration::from_nanos(1);
        assert_eq!(new(1, Rate::new(1, long)), Some(ConfigError::PeriodTooLong));
        assert_eq!(
            new(1, Rate::new(1, Duration::MAX)),
            Some(ConfigError::PeriodTooLong)
        );
        assert_eq!(
            new(1, Rate::new(u64::MAX, Duration::from_nanos(u64::MAX))),
            None
        );
    }

    #[test]
    fn threads_offering_at_once_get_distinct_paced_departures_and_the_consumer_each_item_once() {
        const PRODUCERS: u64 = 4;
        const EACH: u64 = 5_000;
        let clock = ManualClock::new();
        let bucket = Arc::new(
            ConcurrentLeakyBucket::new(1_000, Rate::new(1, Duration::from_nanos(7)), clock.clone())
                .expect("valid"),
        );
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let bucket = Arc::clone(&bucket);
                let clock = clock.clone();
                std::thread::spawn(move || {
                    let mut departures = Vec::new();
                    for i in 0..EACH {
                        let mut item = p * EACH + i;
                        loop {
                            match bucket.offer(item) {
                                Ok(leaves) => {
                                    departures.push(leaves);
                                    break;
                                }
                                Err(full) => {
                                    item = full.into_inner();
                                    clock.advance_nanos(3);
                                    std::thread::yield_now();
                                }
                            }
                        }
                    }
                    departures
                })
            })
            .collect();
        let mut seen = vec![false; (PRODUCERS * EACH) as usize];
        let mut received = 0;
        while received < PRODUCERS * EACH {
            assert!(bucket.level() <= 1_000);
            match bucket.poll() {
                Some(item) => {
                    assert!(
                        !std::mem::replace(&mut seen[item as usize], true),
                        "{item} twice"
                    );
                    received += 1;
                }
                None => {
                    clock.advance_nanos(5);
                    std::thread::yield_now();
                }
            }
        }
        let mut departures: Vec<u64> = producers
            .into_iter()
            .flat_map(|p| p.join().expect("producer"))
            .collect();
        departures.sort_unstable();
        assert!(departures.windows(2).all(|w| w[1] - w[0] >= 7), "paced");
        assert_eq!(bucket.poll(), None);
        assert_eq!(bucket.next_departure(), None);
    }
}
