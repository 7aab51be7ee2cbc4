//! Known-wrong `leaky-bucket` implementations.
//!
//! Most are one textbook bucket, [`Textbook`] (a FIFO of items with their departure instants,
//! the schedule's last instant in `u128` scaled units, the level by the back-to-back formula),
//! with one mistake switched on by its `BUG` parameter; [`F64Bucket`] keeps time in `f64`
//! seconds; the thread-safe ones each split one atomic step in two.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::time::Duration;

use kata_core::catalogue::Stage;
use kata_core::clock::Clock;
use kata_core::leaky_bucket::{ConcurrentShaper, ConfigError, Full, Rate, Shaper};
use kata_core::sync::Mutex;
use kata_suites::leaky_bucket::LeakyBucketFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "leaky-bucket", suite leaky_bucket, reference R: LeakyBucketFamily;
    "idle-waits" => SeqFamily<Bug<IDLE_WAITS>, R> {
        mistake: "every item leaves one interval after the later of now and the item before it, \
                   so an item offered to an idle bucket waits an interval instead of leaving at \
                   once",
        rejected_by: [examples],
        passes: [],
    }
    "counts-unpolled" => SeqFamily<Bug<COUNTS_UNPOLLED>, R> {
        mistake: "the level is the number of items not yet polled: an item whose instant has \
                   come still takes a place until the consumer polls it",
        rejected_by: [examples],
        passes: [],
    }
    "truncated-interval" => SeqFamily<Bug<TRUNCATED_INTERVAL>, R> {
        mistake: "the interval is period / tokens in whole nanoseconds, rounded down: at 3 per \
                   second every departure comes a third of a nanosecond early and the error adds \
                   up; at 3 per nanosecond the interval is 0",
        rejected_by: [examples],
        passes: [quality],
    }
    "f64-seconds" => SeqFamily<F64, R> {
        mistake: "time kept in f64 seconds (Duration::as_secs_f64): each departure is the one \
                   before plus an inexact interval, so the schedule drifts, and far along the \
                   clock whole nanoseconds are lost",
        rejected_by: [examples],
        passes: [],
    }
    "floor-retry" => SeqFamily<Bug<FLOOR_RETRY>, R> {
        mistake: "retry_after rounds the oldest waiting item's scaled instant down to the \
                   nanosecond, so a client that waits as told is refused again (or told to wait 0)",
        rejected_by: [examples, properties],
        passes: [],
    }
    "early-poll" => SeqFamily<Bug<EARLY_POLL>, R> {
        mistake: "poll tests `departure <= now + 1`: an item comes out a nanosecond before its \
                   instant",
        rejected_by: [examples],
        passes: [],
    }
    "holds-back" => SeqFamily<Bug<HOLDS_BACK>, R> {
        mistake: "poll tests `departure < now`: an item whose instant is now is held back",
        rejected_by: [examples],
        passes: [],
    }
    "trusts-the-clock" => SeqFamily<Bug<TRUSTS_THE_CLOCK>, R> {
        mistake: "time is the clock's reading, without the rule that a reading earlier than the \
                   latest counts as the latest: with the clock set back, the level is worked out \
                   for the earlier time, counts items that have already left and exceeds the \
                   capacity, and an idle bucket schedules an item before an instant it has \
                   already acted on",
        rejected_by: [examples, properties],
        passes: [],
    }
    "saturating-departure" => SeqFamily<Bug<SATURATING_DEPARTURE>, R> {
        mistake: "a departure past u64::MAX ns is clamped to u64::MAX and the item accepted, \
                   instead of being refused as Full",
        rejected_by: [examples],
        passes: [],
    }
    "meter" => SeqFamily<Bug<METER>, R> {
        mistake: "the leaky bucket as a meter: offers are admitted by the right rule, but an \
                   admitted item leaves at once, so a burst goes straight through (a policer, \
                   not a shaper)",
        rejected_by: [examples, quality],
        passes: [],
    }
    "inverted-rate" => SeqFamily<Bug<INVERTED_RATE>, R> {
        mistake: "the interval is period × tokens instead of period / tokens: right at 1 per \
                   period, 100 times too slow at 10 per second",
        rejected_by: [examples, quality],
        passes: [],
    }
    "concurrent-floor-retry" => ConcFamily<LockedBug<FLOOR_RETRY>, R> {
        mistake: "the thread-safe bucket, a textbook bucket behind a mutex, rounds retry_after \
                   down to the nanosecond, so a client that waits as told is refused again",
        rejected_by: [examples, properties],
        passes: [],
    }
    "split-offer" => ConcFamily<SplitOffer, R> {
        mistake: "the thread-safe bucket schedules the departure under one lock and queues the \
                   item under another: a later departure can be queued before an earlier one",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "check-then-offer" => ConcFamily<CheckThenOffer, R> {
        mistake: "the thread-safe bucket checks the level under one lock and offers under a \
                   second: two producers both find the one free place and the level exceeds the \
                   capacity",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "scanning-level" => SeqFamily<Bug<SCANNING_LEVEL>, R> {
        mistake: "the level is counted by walking the queue for items still to leave, and every \
                   offer asks it: correct, but O(n)",
        rejected_by: [complexity],
        slow_in: "LeakyBucket",
        passes: [examples, properties, quality],
    }
    "vec-remove-front" => ConcFamily<LockedVec, R> {
        mistake: "the thread-safe bucket keeps its items in a Vec and poll takes the oldest with \
                   remove(0), which shifts every other item: correct, but O(n)",
        rejected_by: [complexity],
        slow_in: "ConcurrentLeakyBucket",
        passes: [examples, properties, quality],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: LeakyBucketFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::leaky_bucket`).
        "cursor" => kata_suites::grade!(
            leaky_bucket,
            crate::alternatives::leaky_bucket::CursorFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no leaky-bucket mutant named `{name}`")),
    }
}

// ---- Families: one wrong type, the reference's other. ----

/// Supplies a single-threaded bucket type.
pub trait BucketMaker: 'static {
    /// The bucket type.
    type Bucket<T, C: Clock>: Shaper<T, C>;
}

/// Supplies a thread-safe bucket type.
pub trait ConcurrentMaker: 'static {
    /// The bucket type.
    type Concurrent<T: Send, C: Clock + Send + Sync>: ConcurrentShaper<T, C>;
}

/// A family with `M`'s single-threaded bucket and the reference's thread-safe one.
pub struct SeqFamily<M, R>(PhantomData<(M, R)>);

impl<M: BucketMaker, R: LeakyBucketFamily> LeakyBucketFamily for SeqFamily<M, R> {
    type Bucket<T, C: Clock> = M::Bucket<T, C>;
    type Concurrent<T: Send, C: Clock + Send + Sync> = R::Concurrent<T, C>;
}

/// A family with the reference's single-threaded bucket and `M`'s thread-safe one.
pub struct ConcFamily<M, R>(PhantomData<(M, R)>);

impl<M: ConcurrentMaker, R: LeakyBucketFamily> LeakyBucketFamily for ConcFamily<M, R> {
    type Bucket<T, C: Clock> = R::Bucket<T, C>;
    type Concurrent<T: Send, C: Clock + Send + Sync> = M::Concurrent<T, C>;
}

/// Marker for [`Textbook`] on a `VecDeque` with bug `BUG`.
pub struct Bug<const BUG: u8>;

impl<const BUG: u8> BucketMaker for Bug<BUG> {
    type Bucket<T, C: Clock> = DequeBucket<T, C, BUG>;
}

// ---- The schedule in u128 scaled units (ns × tokens), with optional bugs. ----

const CORRECT: u8 = 0;
const IDLE_WAITS: u8 = 1;
const COUNTS_UNPOLLED: u8 = 2;
const TRUNCATED_INTERVAL: u8 = 3;
const FLOOR_RETRY: u8 = 4;
const EARLY_POLL: u8 = 5;
const HOLDS_BACK: u8 = 6;
const TRUSTS_THE_CLOCK: u8 = 7;
const SATURATING_DEPARTURE: u8 = 8;
const METER: u8 = 9;
const INVERTED_RATE: u8 = 10;
const SCANNING_LEVEL: u8 = 11;

/// `(tokens, period_ns)`, or the first thing wrong with the configuration, in the order the
/// specification checks them.
fn validate(capacity: usize, rate: Rate) -> Result<(u128, u128), ConfigError> {
    if capacity == 0 {
        return Err(ConfigError::ZeroCapacity);
    }
    if rate.tokens == 0 {
        return Err(ConfigError::ZeroRate);
    }
    if rate.period.is_zero() {
        return Err(ConfigError::ZeroPeriod);
    }
    let period = u64::try_from(rate.period.as_nanos()).map_err(|_| ConfigError::PeriodTooLong)?;
    Ok((u128::from(rate.tokens), u128::from(period)))
}

/// The schedule of a bucket: item `i` at `S_i = max(now × t, S_{i-1} + p)`, leaving at
/// `ceil(S_i / t)` ns.
#[derive(Debug, Clone, Copy)]
struct Sched<const BUG: u8> {
    capacity: usize,
    /// Scaled units per nanosecond (`rate.tokens`).
    t: u128,
    /// Scaled units per interval (the period in nanoseconds).
    p: u128,
    /// The scaled instant of the last accepted item.
    last: Option<u128>,
    /// The latest clock reading an offer or a poll acted on.
    seen: u64,
}

impl<const BUG: u8> Sched<BUG> {
    fn new(capacity: usize, rate: Rate) -> Result<Self, ConfigError> {
        let (t, period) = validate(capacity, rate)?;
        let p = match BUG {
            // Whole nanoseconds per interval, in scaled units.
            TRUNCATED_INTERVAL => period / t * t,
            // An interval of period × tokens nanoseconds.
            INVERTED_RATE => period.saturating_mul(t).saturating_mul(t),
            _ => period,
        };
        Ok(Sched {
            capacity,
            t,
            p,
            last: None,
            seen: 0,
        })
    }

    /// The bucket's time: the clock, never earlier than the latest reading acted on.
    fn time(&self, clock: &impl Clock) -> u64 {
        let now = clock.now();
        if BUG == TRUSTS_THE_CLOCK {
            now
        } else {
            now.max(self.seen)
        }
    }

    /// [`Self::time`], recorded as acted on.
    fn act(&mut self, clock: &impl Clock) -> u64 {
        let now = self.time(clock);
        self.seen = self.seen.max(now);
        now
    }

    /// Items scheduled after `now`: `ceil((last − now × t) / p)`, or 0.
    fn level(&self, now: u64) -> usize {
        let now = u128::from(now) * self.t;
        match self.last {
            Some(last) if last > now && self.p > 0 => (last - now).div_ceil(self.p) as usize,
            _ => 0,
        }
    }

    /// The scaled instant of the next item offered at `now`.
    fn next(&self, now: u64) -> u128 {
        let now = u128::from(now) * self.t;
        match (BUG, self.last) {
            (IDLE_WAITS, last) => now.max(last.unwrap_or(0)).saturating_add(self.p),
            (_, None) => now,
            (_, Some(last)) => now.max(last.saturating_add(self.p)),
        }
    }

    /// The nanosecond an item scheduled at `s` leaves, if the clock reaches it.
    fn departure(&self, s: u128) -> Option<u64> {
        match u64::try_from(s.div_ceil(self.t)) {
            Ok(d) => Some(d),
            Err(_) if BUG == SATURATING_DEPARTURE => Some(u64::MAX),
            Err(_) => None,
        }
    }

    /// The wait until the oldest item still waiting at `now` leaves (`Duration::MAX` when none
    /// waits).
    fn retry_after(&self, now: u64) -> Duration {
        let (Some(last), Some(behind)) = (self.last, self.level(now).checked_sub(1)) else {
            return Duration::MAX;
        };
        let oldest = last - behind as u128 * self.p;
        let leaves = if BUG == FLOOR_RETRY {
            oldest / self.t
        } else {
            oldest.div_ceil(self.t)
        };
        Duration::from_nanos(
            u64::try_from(leaves)
                .unwrap_or(u64::MAX)
                .saturating_sub(now),
        )
    }
}

// ---- The textbook bucket. ----

/// The queue a [`Textbook`] bucket keeps its items in.
pub trait Fifo<X>: Default {
    /// Adds `x` at the back.
    fn push_back(&mut self, x: X);
    /// Takes the front item.
    fn pop_front(&mut self) -> Option<X>;
    /// The front item.
    fn front(&self) -> Option<&X>;
    /// How many items `keep` holds for.
    fn count_if(&self, keep: impl Fn(&X) -> bool) -> usize;
}

impl<X> Fifo<X> for VecDeque<X> {
    fn push_back(&mut self, x: X) {
        VecDeque::push_back(self, x);
    }
    fn pop_front(&mut self) -> Option<X> {
        VecDeque::pop_front(self)
    }
    fn front(&self) -> Option<&X> {
        VecDeque::front(self)
    }
    fn count_if(&self, keep: impl Fn(&X) -> bool) -> usize {
        self.iter().filter(|x| keep(x)).count()
    }
}

/// A `Vec` whose front is taken with `remove(0)`: every other item shifts.
impl<X> Fifo<X> for Vec<X> {
    fn push_back(&mut self, x: X) {
        self.push(x);
    }
    fn pop_front(&mut self) -> Option<X> {
        (!self.is_empty()).then(|| self.remove(0))
    }
    fn front(&self) -> Option<&X> {
        self.first()
    }
    fn count_if(&self, keep: impl Fn(&X) -> bool) -> usize {
        self.iter().filter(|x| keep(x)).count()
    }
}

/// [`Textbook`] on a `VecDeque`.
pub type DequeBucket<T, C, const BUG: u8> = Textbook<T, C, VecDeque<(T, u64)>, BUG>;

/// A FIFO `Q` of items with their departure instants and a [`Sched`], with bug `BUG`.
pub struct Textbook<T, C, Q, const BUG: u8> {
    queue: Q,
    sched: Sched<BUG>,
    clock: C,
    _items: PhantomData<fn() -> T>,
}

impl<T, C: Clock, Q: Fifo<(T, u64)>, const BUG: u8> Textbook<T, C, Q, BUG> {
    /// The bucket's time, recorded as acted on.
    fn act(&mut self) -> u64 {
        self.sched.act(&self.clock)
    }

    /// The level at `now`, as this bucket counts it.
    fn level_at(&self, now: u64) -> usize {
        match BUG {
            COUNTS_UNPOLLED => self.queue.count_if(|_| true),
            SCANNING_LEVEL => self.queue.count_if(|&(_, d)| d > now),
            _ => self.sched.level(now),
        }
    }

    /// The refusal of `item` at `now`.
    fn full(&self, item: T, now: u64) -> Full<T> {
        Full {
            item,
            retry_after: self.sched.retry_after(now),
        }
    }

    /// Schedules `item` at `now`, whatever the level: refused only past the end of the clock.
    fn accept(&mut self, item: T, now: u64) -> Result<u64, Full<T>> {
        let s = self.sched.next(now);
        let Some(departure) = self.sched.departure(s) else {
            return Err(self.full(item, now));
        };
        self.sched.last = Some(s);
        let leaves = if BUG == METER { now } else { departure };
        self.queue.push_back((item, leaves));
        Ok(leaves)
    }
}

impl<T, C: Clock, Q: Fifo<(T, u64)>, const BUG: u8> Shaper<T, C> for Textbook<T, C, Q, BUG> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        Ok(Textbook {
            queue: Q::default(),
            sched: Sched::new(capacity, rate)?,
            clock,
            _items: PhantomData,
        })
    }

    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        let now = self.act();
        if self.level_at(now) >= self.sched.capacity {
            return Err(self.full(item, now));
        }
        self.accept(item, now)
    }

    fn poll(&mut self) -> Option<T> {
        let now = self.act();
        let &(_, leaves) = self.queue.front()?;
        let ready = match BUG {
            EARLY_POLL => leaves <= now.saturating_add(1),
            HOLDS_BACK => leaves < now,
            _ => leaves <= now,
        };
        if ready {
            self.queue.pop_front().map(|(item, _)| item)
        } else {
            None
        }
    }

    fn next_departure(&self) -> Option<u64> {
        self.queue.front().map(|&(_, leaves)| leaves)
    }

    fn level(&self) -> usize {
        self.level_at(self.sched.time(&self.clock))
    }

    fn capacity(&self) -> usize {
        self.sched.capacity
    }
}

const _: () = assert!(CORRECT == 0);

// ---- f64 seconds. ----

/// Marker for [`F64Bucket`].
pub struct F64;

impl BucketMaker for F64 {
    type Bucket<T, C: Clock> = F64Bucket<T, C>;
}

/// The schedule in `f64` seconds: `last + interval`, the departure rounded up to the nanosecond.
pub struct F64Bucket<T, C> {
    queue: VecDeque<(T, u64)>,
    capacity: usize,
    /// Seconds per item.
    interval: f64,
    /// The instant of the last accepted item, in seconds.
    last: Option<f64>,
    seen: u64,
    clock: C,
}

impl<T, C: Clock> F64Bucket<T, C> {
    fn now(&self) -> u64 {
        self.clock.now().max(self.seen)
    }

    fn seconds(ns: u64) -> f64 {
        ns as f64 / 1e9
    }

    fn level_at(&self, now: u64) -> usize {
        let now = Self::seconds(now);
        match self.last {
            Some(last) if last > now => ((last - now) / self.interval).ceil() as usize,
            _ => 0,
        }
    }

    fn retry_after(&self, now: u64) -> Duration {
        let (Some(last), Some(behind)) = (self.last, self.level_at(now).checked_sub(1)) else {
            return Duration::MAX;
        };
        let oldest = last - behind as f64 * self.interval;
        // `as` saturates.
        Duration::from_nanos(((oldest * 1e9).ceil() as u64).saturating_sub(now).max(1))
    }
}

impl<T, C: Clock> Shaper<T, C> for F64Bucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        validate(capacity, rate)?;
        Ok(F64Bucket {
            queue: VecDeque::new(),
            capacity,
            interval: rate.period.as_secs_f64() / rate.tokens as f64,
            last: None,
            seen: 0,
            clock,
        })
    }

    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        let now = self.now();
        self.seen = now;
        if self.level_at(now) >= self.capacity {
            let retry_after = self.retry_after(now);
            return Err(Full { item, retry_after });
        }
        let at = match self.last {
            None => Self::seconds(now),
            Some(last) => Self::seconds(now).max(last + self.interval),
        };
        let departure = (at * 1e9).ceil();
        if departure > u64::MAX as f64 {
            let retry_after = self.retry_after(now);
            return Err(Full { item, retry_after });
        }
        self.last = Some(at);
        let departure = departure as u64;
        self.queue.push_back((item, departure));
        Ok(departure)
    }

    fn poll(&mut self) -> Option<T> {
        let now = self.now();
        self.seen = now;
        match self.queue.front() {
            Some(&(_, leaves)) if leaves <= now => self.queue.pop_front().map(|(item, _)| item),
            _ => None,
        }
    }

    fn next_departure(&self) -> Option<u64> {
        self.queue.front().map(|&(_, leaves)| leaves)
    }

    fn level(&self) -> usize {
        self.level_at(self.now())
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

// ---- Thread-safe buckets. ----

/// Marker for [`SplitOfferBucket`].
pub struct SplitOffer;

impl ConcurrentMaker for SplitOffer {
    type Concurrent<T: Send, C: Clock + Send + Sync> = SplitOfferBucket<T, C>;
}

/// The schedule behind one lock, the queue behind another: an offer takes the first to schedule
/// its departure, then the second to queue the item, so two offers can queue their items in the
/// opposite order to their departures.
pub struct SplitOfferBucket<T, C> {
    sched: Mutex<Sched<CORRECT>>,
    queue: Mutex<VecDeque<(T, u64)>>,
    capacity: usize,
    clock: C,
}

impl<T: Send, C: Clock + Send + Sync> ConcurrentShaper<T, C> for SplitOfferBucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        Ok(SplitOfferBucket {
            sched: Mutex::new(Sched::new(capacity, rate)?),
            queue: Mutex::new(VecDeque::new()),
            capacity,
            clock,
        })
    }

    fn offer(&self, item: T) -> Result<u64, Full<T>> {
        let departure = {
            let mut sched = self.sched.lock();
            let now = sched.act(&self.clock);
            let s = sched.next(now);
            match sched.departure(s) {
                Some(departure) if sched.level(now) < self.capacity => {
                    sched.last = Some(s);
                    departure
                }
                _ => {
                    let retry_after = sched.retry_after(now);
                    return Err(Full { item, retry_after });
                }
            }
        };
        self.queue.lock().push_back((item, departure));
        Ok(departure)
    }

    fn poll(&self) -> Option<T> {
        let now = self.sched.lock().act(&self.clock);
        let mut queue = self.queue.lock();
        match queue.front() {
            Some(&(_, leaves)) if leaves <= now => queue.pop_front().map(|(item, _)| item),
            _ => None,
        }
    }

    fn next_departure(&self) -> Option<u64> {
        self.queue.lock().front().map(|&(_, leaves)| leaves)
    }

    fn level(&self) -> usize {
        let sched = self.sched.lock();
        sched.level(sched.time(&self.clock))
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Marker for [`CheckThenOfferBucket`].
pub struct CheckThenOffer;

impl ConcurrentMaker for CheckThenOffer {
    type Concurrent<T: Send, C: Clock + Send + Sync> = CheckThenOfferBucket<T, C>;
}

/// A correct bucket behind a mutex, but an offer checks for room under one acquisition and
/// schedules under a second.
pub struct CheckThenOfferBucket<T, C> {
    inner: Mutex<DequeBucket<T, C, CORRECT>>,
    capacity: usize,
}

impl<T: Send, C: Clock + Send + Sync> ConcurrentShaper<T, C> for CheckThenOfferBucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        Ok(CheckThenOfferBucket {
            inner: Mutex::new(Shaper::new(capacity, rate, clock)?),
            capacity,
        })
    }

    fn offer(&self, item: T) -> Result<u64, Full<T>> {
        {
            let mut b = self.inner.lock();
            let now = b.act();
            if b.level_at(now) >= self.capacity {
                return Err(b.full(item, now));
            }
        }
        // The room found above may be taken by now.
        let mut b = self.inner.lock();
        let now = b.act();
        b.accept(item, now)
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

/// Marker for [`Locked`] around a [`Textbook`] bucket with bug `BUG`.
pub struct LockedBug<const BUG: u8>;

impl<const BUG: u8> ConcurrentMaker for LockedBug<BUG> {
    type Concurrent<T: Send, C: Clock + Send + Sync> = Locked<DequeBucket<T, C, BUG>>;
}

/// Marker for [`Locked`] around a [`Textbook`] bucket on a `Vec`.
pub struct LockedVec;

impl ConcurrentMaker for LockedVec {
    type Concurrent<T: Send, C: Clock + Send + Sync> =
        Locked<Textbook<T, C, Vec<(T, u64)>, CORRECT>>;
}

/// A single-threaded bucket behind one mutex, every call one acquisition.
pub struct Locked<B> {
    inner: Mutex<B>,
    capacity: usize,
}

impl<T, C, B> ConcurrentShaper<T, C> for Locked<B>
where
    T: Send,
    C: Clock + Send + Sync,
    B: Shaper<T, C> + Send,
{
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        Ok(Locked {
            inner: Mutex::new(B::new(capacity, rate, clock)?),
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
