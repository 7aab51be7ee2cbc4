//! The named `leaky-bucket` workloads: what `cargo kata bench leaky-bucket` times, and the
//! size-dependent workloads of the complexity stage, defined once here.
//!
//! Items are `u64`s, each one new. Every workload reads the clock it is given on each call, as a
//! shaper in a real hot path does: the benches give a [`MonotonicClock`](kata_core::clock::MonotonicClock),
//! the tests here a [`ManualClock`].
//!
//! # The bench workloads ([`BENCH`])
//!
//! Each is built so that every contender takes the same path on every call, however fast it is
//! (a rate near the loop's speed would mix accepted and refused offers in proportions that depend
//! on each contender's own speed, so a faster implementation would be timed on a different mix):
//!
//! - **`steady`** ([`Steady`]): one thread offers an item and polls it, in a loop, on a bucket of
//!   [`BENCH_CAPACITY`] leaking at [`STEADY_RATE`], a thousand items per nanosecond: far faster
//!   than any loop offers, so the bucket is always idle: every item leaves at the instant it is
//!   offered, and the poll right after hands it out. (On a clock coarser than a step, the items
//!   offered at one reading leave within the next nanosecond, a thousand to a nanosecond, and
//!   come out at the next reading: the bucket never fills.) The shaper's hot path.
//! - **`overflow`** ([`Overflow`]): one thread offers to a full bucket of [`BENCH_CAPACITY`]
//!   leaking at [`OVERFLOW_RATE`], one item per hour, filled before timing: every offer is refused
//!   and computes its `retry_after`. What a shaper does under overload.
//! - **`mpsc-2-producers`** ([`Mpsc`]): two threads offer to one shared concurrent bucket at
//!   [`STEADY_RATE`] (every offer accepted), and the first of them is also the consumer: it polls
//!   once after each of its offers, and polls everything left once both are done. The time is the
//!   CPU time both spent; each call also pays for the contention on the shared state.
//!
//! # The complexity workloads
//!
//! A bucket's cost must not grow with what it holds, so the complexity stage runs
//! [`full_workload`] (and [`concurrent_full_workload`] for the thread-safe bucket) at each size
//! `n` of [`SIZES`](super::complexity::SIZES), counting its instructions: a bucket of capacity
//! `n`, kept full of `n` waiting items on a [`ManualClock`] that moves one interval per cycle,
//! so that every cycle one item leaves and is polled, one offer is accepted, one is refused, and
//! the level and next departure are read. A level counted by walking the queue, a poll that
//! shifts a `Vec`, or a refusal that searches for the oldest waiting item costs O(n) there.

use std::hint::black_box;
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use kata_core::clock::{Clock, ManualClock};
use kata_core::leaky_bucket::{ConcurrentShaper, Rate, Shaper};

pub use crate::measure::Spec;
use crate::measure::{PoolRun, WorkerPool};

/// The workloads the benches time, in the order they run. See the module documentation.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "steady",
        summary: "one thread: offer then poll, every item leaving at once (1 000 per ns)",
    },
    Spec {
        name: "overflow",
        summary: "one thread: offers to a full bucket (1 per hour), every one refused",
    },
    Spec {
        name: "mpsc-2-producers",
        summary: "two threads offer to one concurrent bucket; the first also polls them out",
    },
];

/// The capacity of the bench workloads' buckets: 1 000 items.
pub const BENCH_CAPACITY: usize = 1_000;

/// The rate of `steady` and `mpsc-2-producers`: a thousand items per nanosecond, so that every
/// offer of any loop finds the bucket idle and its item leaves at once.
pub const STEADY_RATE: Rate = Rate::new(1_000, Duration::from_nanos(1));

/// The rate of `overflow`: one item per hour, so that a full bucket stays full for the whole
/// bench.
pub const OVERFLOW_RATE: Rate = Rate::new(1, Duration::from_secs(3_600));

/// The `steady` workload: a single-threaded bucket, and a loop of `offer` then `poll`.
#[derive(Debug)]
pub struct Steady<B, C> {
    bucket: B,
    next: u64,
    _clock: PhantomData<fn() -> C>,
}

impl<B: Shaper<u64, C>, C: Clock> Steady<B, C> {
    /// An empty bucket of [`BENCH_CAPACITY`] at [`STEADY_RATE`] on `clock`.
    ///
    /// # Panics
    ///
    /// When the implementation refuses that configuration.
    pub fn new(clock: C) -> Self {
        Steady {
            bucket: B::new(BENCH_CAPACITY, STEADY_RATE, clock)
                .expect("the bench configuration is valid"),
            next: 0,
            _clock: PhantomData,
        }
    }

    /// One `offer` of a new item and one `poll`, their results passed through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let _ = black_box(self.bucket.offer(black_box(self.next)));
        self.next += 1;
        black_box(self.bucket.poll());
    }

    /// The bucket.
    pub fn bucket(&self) -> &B {
        &self.bucket
    }
}

/// The `overflow` workload: a full single-threaded bucket, and a loop of refused offers.
#[derive(Debug)]
pub struct Overflow<B, C> {
    bucket: B,
    next: u64,
    _clock: PhantomData<fn() -> C>,
}

impl<B: Shaper<u64, C>, C: Clock> Overflow<B, C> {
    /// A bucket of [`BENCH_CAPACITY`] at [`OVERFLOW_RATE`] on `clock`, filled: one item that
    /// leaves at once and [`BENCH_CAPACITY`] waiting (an hour apart each).
    ///
    /// # Panics
    ///
    /// When the implementation refuses that configuration or one of the filling offers.
    pub fn new(clock: C) -> Self {
        let mut bucket =
            B::new(BENCH_CAPACITY, OVERFLOW_RATE, clock).expect("the bench configuration is valid");
        for item in 0..=BENCH_CAPACITY as u64 {
            assert!(
                bucket.offer(item).is_ok(),
                "an empty bucket of {BENCH_CAPACITY} takes {} items at once",
                BENCH_CAPACITY + 1
            );
        }
        Overflow {
            bucket,
            next: BENCH_CAPACITY as u64 + 1,
            _clock: PhantomData,
        }
    }

    /// One `offer` of a new item, refused, its result passed through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let _ = black_box(self.bucket.offer(black_box(self.next)));
        self.next += 1;
    }

    /// The bucket.
    pub fn bucket(&self) -> &B {
        &self.bucket
    }
}

/// The `mpsc-N-producers` workload: `N` persistent worker threads ([`WorkerPool`]) offering to
/// one shared thread-safe bucket at [`STEADY_RATE`]; worker 0 is also the consumer, polling once
/// after each of its own offers and, once every worker is done offering, until `None`. The workers
/// are started once, by [`Mpsc::new`], and wait between runs, so no run pays for spawning a
/// thread; dropping the workload stops them.
#[derive(Debug)]
pub struct Mpsc<B> {
    bucket: Arc<B>,
    pool: WorkerPool,
    /// Offers accepted and items polled, over every run.
    counts: Arc<(AtomicU64, AtomicU64)>,
}

impl<B: Send + Sync + 'static> Mpsc<B> {
    /// An empty bucket of [`BENCH_CAPACITY`] at [`STEADY_RATE`] on `clock`, and `producers`
    /// worker threads waiting to run.
    ///
    /// # Panics
    ///
    /// When `producers` is 0, a thread cannot be spawned, or the implementation refuses the
    /// configuration.
    pub fn new<C: Clock + Send + Sync + 'static>(producers: usize, clock: C) -> Self
    where
        B: ConcurrentShaper<u64, C>,
    {
        assert!(
            producers > 0,
            "an mpsc workload needs at least one producer"
        );
        let bucket = Arc::new(
            B::new(BENCH_CAPACITY, STEADY_RATE, clock).expect("the bench configuration is valid"),
        );
        let counts = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
        // Every producer meets the others here when its offers are done, before the consumer
        // drains.
        let offered = Arc::new(Barrier::new(producers));
        let bodies = (0..producers)
            .map(|p| {
                let bucket = Arc::clone(&bucket);
                let counts = Arc::clone(&counts);
                let offered = Arc::clone(&offered);
                let mut next = (p as u64) << 48;
                move |iters: u64| {
                    let (mut accepted, mut polled) = (0u64, 0u64);
                    // A panic is caught before the barrier and raised after it, so that the other
                    // producers are not left waiting there (see `WorkerPool`).
                    let offers = panic::catch_unwind(AssertUnwindSafe(|| {
                        for _ in 0..iters {
                            accepted += u64::from(black_box(bucket.offer(black_box(next))).is_ok());
                            next += 1;
                            if p == 0 {
                                polled += u64::from(black_box(bucket.poll()).is_some());
                            }
                        }
                    }));
                    offered.wait();
                    if let Err(payload) = offers {
                        panic::resume_unwind(payload);
                    }
                    if p == 0 {
                        while black_box(bucket.poll()).is_some() {
                            polled += 1;
                        }
                    }
                    counts.0.fetch_add(accepted, Ordering::SeqCst);
                    counts.1.fetch_add(polled, Ordering::SeqCst);
                }
            })
            .collect();
        Mpsc {
            bucket,
            pool: WorkerPool::new("mpsc", bodies),
            counts,
        }
    }

    /// Releases every worker to make `iters_per_thread` offers at once, and returns, once the
    /// consumer has polled everything out, the CPU time the workers spent and the wall time from
    /// the release ([`WorkerPool::run`]).
    ///
    /// # Panics
    ///
    /// When the implementation panicked in a worker (with its message).
    pub fn time(&mut self, iters_per_thread: u64) -> PoolRun {
        self.pool
            .run(iters_per_thread)
            .unwrap_or_else(|message| panic!("a producer of the mpsc workload {message}"))
    }

    /// How many producer threads it runs.
    pub fn producers(&self) -> usize {
        self.pool.threads()
    }

    /// Offers accepted and items polled over every run so far: equal after each run.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.counts.0.load(Ordering::SeqCst),
            self.counts.1.load(Ordering::SeqCst),
        )
    }

    /// The shared bucket.
    pub fn bucket(&self) -> &B {
        &self.bucket
    }
}

/// The rate of the complexity workloads: one item per microsecond.
pub const COMPLEXITY_RATE: Rate = Rate::new(1, Duration::from_micros(1));

/// The complexity workload for a single-threaded bucket of size `n`, as a function of the
/// operation's index: [`KeptFull::op`].
///
/// # Panics
///
/// When the implementation refuses the configuration (`n` = 0 is refused).
pub fn full_workload<B: Shaper<u64, ManualClock>>(n: usize) -> impl FnMut(u64) {
    let mut w = KeptFull::<B>::new(n);
    move |i| w.op(i)
}

/// [`full_workload`] for a thread-safe bucket, called from one thread: [`ConcurrentKeptFull::op`].
///
/// # Panics
///
/// As [`full_workload`].
pub fn concurrent_full_workload<B: ConcurrentShaper<u64, ManualClock>>(
    n: usize,
) -> impl FnMut(u64) {
    let mut w = ConcurrentKeptFull::<B>::new(n);
    move |i| w.op(i)
}

/// A single-threaded bucket of capacity `n` kept full: see [`KeptFull::op`].
#[derive(Debug)]
pub struct KeptFull<B> {
    bucket: B,
    clock: ManualClock,
    next: u64,
}

impl<B: Shaper<u64, ManualClock>> KeptFull<B> {
    /// A bucket of capacity `n` at [`COMPLEXITY_RATE`] on a [`ManualClock`] at 0, filled with
    /// `n + 1` items at once: one leaves at once, `n` wait.
    ///
    /// # Panics
    ///
    /// When the implementation refuses the configuration (`n` = 0 is refused).
    pub fn new(n: usize) -> Self {
        let clock = ManualClock::new();
        let mut bucket = B::new(n, COMPLEXITY_RATE, clock.clone()).expect("valid config");
        for item in 0..=n as u64 {
            let _ = bucket.offer(item);
        }
        KeptFull {
            bucket,
            clock,
            next: n as u64 + 1,
        }
    }

    /// Operation `i`, by `i % 4`: (0) the clock moves one interval and one item is polled; (1) an
    /// offer, accepted (one item left, so there is room for one); (2) an offer, refused, computing
    /// its `retry_after`; (3) `level()` and `next_departure()` are read. The bucket holds `n`
    /// waiting items but between ops 0 and 1 (`n - 1`), and `n + 1` or `n + 2` unpolled.
    #[inline]
    pub fn op(&mut self, i: u64) {
        match i % 4 {
            0 => {
                self.clock.advance(COMPLEXITY_RATE.period);
                black_box(self.bucket.poll());
            }
            1 | 2 => {
                let _ = black_box(self.bucket.offer(self.next));
                self.next += 1;
            }
            _ => {
                black_box(self.bucket.level());
                black_box(self.bucket.next_departure());
            }
        }
    }

    /// The bucket.
    pub fn bucket(&self) -> &B {
        &self.bucket
    }
}

/// A thread-safe bucket of capacity `n` kept full, called from one thread: as [`KeptFull`].
#[derive(Debug)]
pub struct ConcurrentKeptFull<B> {
    bucket: B,
    clock: ManualClock,
    next: u64,
}

impl<B: ConcurrentShaper<u64, ManualClock>> ConcurrentKeptFull<B> {
    /// As [`KeptFull::new`].
    ///
    /// # Panics
    ///
    /// As [`KeptFull::new`].
    pub fn new(n: usize) -> Self {
        let clock = ManualClock::new();
        let bucket = B::new(n, COMPLEXITY_RATE, clock.clone()).expect("valid config");
        for item in 0..=n as u64 {
            let _ = bucket.offer(item);
        }
        ConcurrentKeptFull {
            bucket,
            clock,
            next: n as u64 + 1,
        }
    }

    /// As [`KeptFull::op`].
    #[inline]
    pub fn op(&mut self, i: u64) {
        match i % 4 {
            0 => {
                self.clock.advance(COMPLEXITY_RATE.period);
                black_box(self.bucket.poll());
            }
            1 | 2 => {
                let _ = black_box(self.bucket.offer(self.next));
                self.next += 1;
            }
            _ => {
                black_box(self.bucket.level());
                black_box(self.bucket.next_departure());
            }
        }
    }

    /// The bucket.
    pub fn bucket(&self) -> &B {
        &self.bucket
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::atomic::AtomicUsize;

    use kata_core::clock::MonotonicClock;
    use kata_core::leaky_bucket::{ConfigError, Full};
    use kata_core::sync::Mutex as SyncMutex;

    use super::super::model::ModelShaper;
    use super::*;

    /// The model shaper on a clock, counting the calls: a bucket for checking the workloads.
    #[derive(Debug)]
    struct Counting<C> {
        model: ModelShaper<u64>,
        clock: C,
        capacity: usize,
        offers: usize,
        accepted: usize,
        refused: usize,
        polls: usize,
        polled: VecDeque<u64>,
    }

    impl<C: Clock> Shaper<u64, C> for Counting<C> {
        fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
            Ok(Counting {
                model: ModelShaper::new(capacity, rate),
                clock,
                capacity,
                offers: 0,
                accepted: 0,
                refused: 0,
                polls: 0,
                polled: VecDeque::new(),
            })
        }
        fn offer(&mut self, item: u64) -> Result<u64, Full<u64>> {
            self.offers += 1;
            let r = self.model.offer(item, self.clock.now());
            if r.is_ok() {
                self.accepted += 1;
            } else {
                self.refused += 1;
            }
            r
        }
        fn poll(&mut self) -> Option<u64> {
            self.polls += 1;
            let item = self.model.poll(self.clock.now());
            self.polled.extend(item);
            item
        }
        fn next_departure(&self) -> Option<u64> {
            self.model.next_departure()
        }
        fn level(&self) -> usize {
            self.model.level(self.clock.now())
        }
        fn capacity(&self) -> usize {
            self.capacity
        }
    }

    /// [`Counting`] behind a lock, as a thread-safe bucket, counting its offers.
    #[derive(Debug)]
    struct Locked<C> {
        inner: SyncMutex<Counting<C>>,
        calls: AtomicUsize,
    }

    impl<C: Clock + Send + Sync> ConcurrentShaper<u64, C> for Locked<C> {
        fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
            Ok(Locked {
                inner: SyncMutex::new(Counting::new(capacity, rate, clock)?),
                calls: AtomicUsize::new(0),
            })
        }
        fn offer(&self, item: u64) -> Result<u64, Full<u64>> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            self.inner.lock().offer(item)
        }
        fn poll(&self) -> Option<u64> {
            self.inner.lock().poll()
        }
        fn next_departure(&self) -> Option<u64> {
            self.inner.lock().next_departure()
        }
        fn level(&self) -> usize {
            self.inner.lock().level()
        }
        fn capacity(&self) -> usize {
            self.inner.lock().capacity()
        }
    }

    #[test]
    fn steady_offers_and_polls_every_item_at_once() {
        let mut w = Steady::<Counting<MonotonicClock>, _>::new(MonotonicClock::new());
        for _ in 0..10_000 {
            w.step();
        }
        let b = w.bucket();
        assert_eq!(
            (b.accepted, b.polls, b.polled.len()),
            (10_000, 10_000, 10_000)
        );
        assert_eq!(b.level(), 0);
        // On a clock that moves a nanosecond per step, every item leaves as it is offered.
        let clock = ManualClock::new();
        let mut w = Steady::<Counting<ManualClock>, _>::new(clock.clone());
        for _ in 0..1_000 {
            clock.advance_nanos(1);
            w.step();
        }
        assert_eq!(w.bucket().polled.len(), 1_000);
        // On one that never moves, the items of one reading leave at the next nanosecond.
        let clock = ManualClock::new();
        let mut w = Steady::<Counting<ManualClock>, _>::new(clock.clone());
        for _ in 0..500 {
            w.step();
        }
        assert_eq!(w.bucket().level(), 499);
        clock.advance_nanos(1);
        w.step();
        assert_eq!(w.bucket().level(), 0);
    }

    #[test]
    fn overflow_refuses_every_offer() {
        let mut w = Overflow::<Counting<MonotonicClock>, _>::new(MonotonicClock::new());
        for _ in 0..1_000 {
            w.step();
        }
        let b = w.bucket();
        assert_eq!((b.accepted, b.refused), (BENCH_CAPACITY + 1, 1_000));
        assert_eq!(b.level(), BENCH_CAPACITY);
    }

    #[test]
    fn mpsc_accepts_every_offer_and_polls_every_item_run_after_run() {
        let mut w = Mpsc::<Locked<MonotonicClock>>::new(2, MonotonicClock::new());
        assert_eq!(w.producers(), 2);
        let run = w.time(1_000);
        assert!(
            run.cpu > Duration::ZERO && run.wall > Duration::ZERO,
            "{run:?}"
        );
        w.time(500);
        assert_eq!(w.counts(), (3_000, 3_000));
        assert_eq!(w.bucket().calls.load(Ordering::SeqCst), 3_000);
        assert_eq!(w.bucket().inner.lock().polled.len(), 3_000);
    }

    #[test]
    fn the_full_workloads_keep_n_items_waiting() {
        for n in [1, 8, 64] {
            let mut w = KeptFull::<Counting<ManualClock>>::new(n);
            let mut c = ConcurrentKeptFull::<Locked<ManualClock>>::new(n);
            for i in 0..400 {
                w.op(i);
                c.op(i);
                // One item leaves at op 0 and op 1 takes its place.
                let level = if i % 4 == 0 { n - 1 } else { n };
                assert_eq!(w.bucket().level(), level, "n = {n}, after op {i}");
            }
            let b = w.bucket();
            // The fill (n + 1), then per cycle of four: one accepted, one refused, one polled.
            assert_eq!((b.accepted, b.refused), (n + 1 + 100, 100), "n = {n}");
            assert_eq!((b.polls, b.polled.len()), (100, 100), "n = {n}");
            let c = c.bucket().inner.lock();
            assert_eq!((c.accepted, c.refused, c.polled.len()), (n + 101, 100, 100));
        }
        let mut w = full_workload::<Counting<ManualClock>>(64);
        let mut a = concurrent_full_workload::<Locked<ManualClock>>(64);
        for i in 0..400 {
            w(i);
            a(i);
        }
    }

    #[test]
    fn the_bench_names_are_the_documented_ones() {
        let names: Vec<_> = BENCH.iter().map(|s| s.name).collect();
        assert_eq!(names, ["steady", "overflow", "mpsc-2-producers"]);
    }
}
