//! The named `token-bucket` workloads: what `cargo kata bench token-bucket` times, and the
//! size-dependent workloads of the complexity stage, defined once here.
//!
//! # The bench workloads ([`BENCH`])
//!
//! Both read the real [`MonotonicClock`] on every call, as a limiter in a real hot path does, and
//! run on a bucket of [`BENCH_CAPACITY`] tokens refilling at [`BENCH_RATE`].
//!
//! - **`uncontended`** ([`Uncontended`]): one thread calls `try_acquire(1)` on a
//!   [`RateLimiter`], in a loop.
//! - **`contended-2-threads`** ([`Contended`]): two threads call `try_acquire(1)` on one shared
//!   [`ConcurrentRateLimiter`], in a loop each; the time is the wall time until both have done
//!   their share.
//!
//! The bucket refills at one token per nanosecond ([`BENCH_RATE`]), faster than any loop can take
//! tokens (a call costs some 15 to 40 ns, much of it reading the clock), so every call is granted
//! whoever the contender is: every contender runs exactly the same path, the grant, and the
//! ratios compare like with like. (A rate near the loop's speed would mix grants and refusals in
//! proportions that depend on each contender's own speed, so a faster implementation would be
//! timed on more of the costlier refusals.) The refusal path and its exact retry hint are timed
//! by the complexity stage instead, whose clock is manual. With two threads on one bucket each
//! call also pays for the contention on the shared state: the cost that a lock-free design is
//! meant to cut.
//!
//! # The complexity workloads
//!
//! An O(1) bucket costs the same at any capacity or rate, so the bench workloads have no size to
//! vary, and a real clock gives no control over how many tokens a refill adds. The complexity
//! stage therefore runs [`refill_workload`] (and [`atomic_refill_workload`] for the thread-safe
//! bucket) at each size `n` of [`SIZES`](super::complexity::SIZES), counting instructions: a
//! [`ManualClock`], capacity `n`, rate `n` per 1.024 s, and the same operations as the benches
//! (grants after a refill, refusals computing a retry hint, reads) with token counts that grow
//! with `n`, so that an implementation that refills or computes waits one token at a time costs
//! O(n) per call there.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use crate::measure::{PoolRun, WorkerPool};
use kata_core::clock::{ManualClock, MonotonicClock};
use kata_core::token_bucket::{ConcurrentRateLimiter, Rate, RateLimiter};

pub use crate::measure::Spec;

/// The workloads the benches time, in the order they run. See the module documentation.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "uncontended",
        summary: "one thread: try_acquire(1) in a loop, real clock, always granted (1 token/ns)",
    },
    Spec {
        name: "contended-2-threads",
        summary: "two threads: try_acquire(1) in a loop on one atomic bucket, always granted",
    },
];

/// The capacity of the bench workloads' buckets: 1 000 tokens.
pub const BENCH_CAPACITY: u64 = 1_000;

/// The refill rate of the bench workloads' buckets: a billion tokens per second, one every
/// nanosecond, so that every call of the loops is granted.
pub const BENCH_RATE: Rate = Rate::per_second(1_000_000_000);

/// The `uncontended` workload: a single-threaded bucket and a loop of `try_acquire(1)`.
#[derive(Debug)]
pub struct Uncontended<B> {
    bucket: B,
}

impl<B: RateLimiter<MonotonicClock>> Uncontended<B> {
    /// A full bucket of [`BENCH_CAPACITY`] tokens at [`BENCH_RATE`] on a fresh [`MonotonicClock`].
    ///
    /// # Panics
    ///
    /// When the implementation refuses that configuration.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Uncontended {
            bucket: B::new(BENCH_CAPACITY, BENCH_RATE, MonotonicClock::new())
                .expect("the bench configuration is valid"),
        }
    }

    /// One `try_acquire(1)`, its result passed through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let _ = black_box(self.bucket.try_acquire(black_box(1)));
    }
}

/// The `contended-N-threads` workload: `N` persistent worker threads calling `try_acquire(1)` on
/// one shared thread-safe bucket. The workers ([`WorkerPool`]) are started once, by
/// [`Contended::new`], and wait between runs, so no run pays for spawning a thread; dropping the
/// workload stops them.
#[derive(Debug)]
pub struct Contended<B> {
    bucket: Arc<B>,
    pool: WorkerPool,
}

impl<B: ConcurrentRateLimiter<MonotonicClock> + 'static> Contended<B> {
    /// A full bucket of [`BENCH_CAPACITY`] tokens at [`BENCH_RATE`] on a fresh [`MonotonicClock`],
    /// and `threads` worker threads waiting to run.
    ///
    /// # Panics
    ///
    /// When `threads` is 0, a thread cannot be spawned, or the implementation refuses the
    /// configuration.
    pub fn new(threads: usize) -> Self {
        let bucket = Arc::new(
            B::new(BENCH_CAPACITY, BENCH_RATE, MonotonicClock::new())
                .expect("the bench configuration is valid"),
        );
        let bodies = (0..threads)
            .map(|_| {
                let bucket = Arc::clone(&bucket);
                move |iters: u64| {
                    for _ in 0..iters {
                        let _ = black_box(bucket.try_acquire(black_box(1)));
                    }
                }
            })
            .collect();
        Contended {
            bucket,
            pool: WorkerPool::new("contended", bodies),
        }
    }

    /// Releases every worker to make `iters_per_thread` calls of `try_acquire(1)` at once, and
    /// returns, once the last of them is done, the CPU time the workers spent in their loops and
    /// the wall time ([`WorkerPool::run`]).
    ///
    /// # Panics
    ///
    /// When the implementation panicked in a worker (with its message).
    pub fn time(&mut self, iters_per_thread: u64) -> PoolRun {
        self.pool
            .run(iters_per_thread)
            .unwrap_or_else(|message| panic!("try_acquire in a contended worker {message}"))
    }

    /// How many worker threads it runs.
    pub fn threads(&self) -> usize {
        self.pool.threads()
    }

    /// The shared bucket.
    pub fn bucket(&self) -> &B {
        &self.bucket
    }
}

/// The period of the complexity workloads' rate: `n` tokens per 1.024 s. It is 2^16 × 15 625 ns,
/// a whole multiple of every size's `n` nanoseconds (the sizes are powers of two up to 2^16), so
/// that one token is a whole number of nanoseconds at every size: the reference then keeps the
/// same 64-bit state at every size, and its own cost per operation is the same at every size
/// (the complexity stage counts it). At `n` per second it switched to its 128-bit state from 4 Ki
/// tokens on, and cost twice the instructions there.
pub const COMPLEXITY_PERIOD: Duration = Duration::from_nanos(1_024_000_000);

/// The complexity workload for a single-threaded bucket of size `n`: capacity `n`, rate `n` per
/// [`COMPLEXITY_PERIOD`] (about a second), on a [`ManualClock`] starting at 0. Operation `i` is,
/// by `i % 3`: (0) one period passes and `n` tokens are taken, a full refill then a grant; (1)
/// `n` more are asked for, a refusal that must compute its one-period retry hint; (2)
/// `available()` is read.
///
/// # Panics
///
/// When the implementation refuses the configuration (`n` = 0 is refused).
pub fn refill_workload<B: RateLimiter<ManualClock>>(n: usize) -> impl FnMut(u64) {
    let clock = ManualClock::new();
    let n = n as u64;
    let mut b = B::new(n, Rate::new(n, COMPLEXITY_PERIOD), clock.clone()).expect("valid config");
    move |i| match i % 3 {
        0 => {
            clock.advance(COMPLEXITY_PERIOD);
            let _ = black_box(b.try_acquire(n));
        }
        1 => {
            let _ = black_box(b.try_acquire(n));
        }
        _ => {
            black_box(b.available());
        }
    }
}

/// [`refill_workload`] for a thread-safe bucket, called from one thread.
///
/// # Panics
///
/// As [`refill_workload`].
pub fn atomic_refill_workload<B: ConcurrentRateLimiter<ManualClock>>(n: usize) -> impl FnMut(u64) {
    let clock = ManualClock::new();
    let n = n as u64;
    let b = B::new(n, Rate::new(n, COMPLEXITY_PERIOD), clock.clone()).expect("valid config");
    move |i| match i % 3 {
        0 => {
            clock.advance(COMPLEXITY_PERIOD);
            let _ = black_box(b.try_acquire(n));
        }
        1 => {
            let _ = black_box(b.try_acquire(n));
        }
        _ => {
            black_box(b.available());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use kata_core::clock::Clock;
    use kata_core::token_bucket::{AcquireError, ConfigError};

    use super::*;

    /// A bucket that grants everything and counts the calls.
    #[derive(Debug)]
    struct Counting<C> {
        calls: AtomicUsize,
        capacity: u64,
        clock: C,
    }

    impl<C: Clock> RateLimiter<C> for Counting<C> {
        fn new(capacity: u64, _: Rate, clock: C) -> Result<Self, ConfigError> {
            Ok(Counting {
                calls: AtomicUsize::new(0),
                capacity,
                clock,
            })
        }
        fn try_acquire(&mut self, _: u64) -> Result<(), AcquireError> {
            let _ = self.clock.now();
            *self.calls.get_mut() += 1;
            Ok(())
        }
        fn available(&self) -> u64 {
            self.capacity
        }
        fn capacity(&self) -> u64 {
            self.capacity
        }
    }

    impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for Counting<C> {
        fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
            <Self as RateLimiter<C>>::new(capacity, rate, clock)
        }
        fn try_acquire(&self, _: u64) -> Result<(), AcquireError> {
            let _ = self.clock.now();
            self.calls.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
        fn available(&self) -> u64 {
            self.capacity
        }
        fn capacity(&self) -> u64 {
            self.capacity
        }
    }

    #[test]
    fn uncontended_makes_one_call_per_step_on_the_bench_configuration() {
        let mut w = Uncontended::<Counting<MonotonicClock>>::new();
        for _ in 0..100 {
            w.step();
        }
        assert_eq!(*w.bucket.calls.get_mut(), 100);
        assert_eq!(w.bucket.capacity, BENCH_CAPACITY);
    }

    #[test]
    fn contended_runs_every_thread_for_its_share_run_after_run_and_stops_on_drop() {
        let mut w = Contended::<Counting<MonotonicClock>>::new(2);
        assert_eq!(w.threads(), 2);
        let run = w.time(1_000);
        assert!(
            run.cpu > Duration::ZERO && run.wall > Duration::ZERO,
            "{run:?}"
        );
        w.time(500);
        assert_eq!(w.bucket().calls.load(Ordering::SeqCst), 3_000);
        drop(w);
        let mut one = Contended::<Counting<MonotonicClock>>::new(1);
        one.time(10);
        assert_eq!(one.bucket().calls.load(Ordering::SeqCst), 10);
    }

    #[test]
    fn the_bench_names_are_the_documented_ones() {
        let names: Vec<_> = BENCH.iter().map(|s| s.name).collect();
        assert_eq!(names, ["uncontended", "contended-2-threads"]);
    }

    #[test]
    fn the_refill_workloads_run_on_the_manual_clock_at_size_n() {
        let mut w = refill_workload::<Counting<ManualClock>>(64);
        let mut a = atomic_refill_workload::<Counting<ManualClock>>(64);
        for i in 0..9 {
            w(i);
            a(i);
        }
    }
}
