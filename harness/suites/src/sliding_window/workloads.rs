//! The named `sliding-window` workloads: what `cargo kata bench sliding-window` times and what the
//! complexity stage measures, defined once here so that both time the same thing.
//!
//! # Time
//!
//! Every workload is generic over the [`Clock`] it is given, and moves time itself: operation
//! `i` of a workload happens at `i × TICK` ns ([`TICK`]), which it sets on [`OpClock`] (a
//! per-thread time, read by nothing else) just before it runs. With [`OpClock`] as the clock, every
//! contender is asked the same requests at the same times, however fast it runs and however often
//! it reads the clock, so every contender admits and refuses the same requests, also under
//! callgrind, which runs them fifty times slower. (A real clock would give each contender its own
//! mix of admissions and refusals, the faster one more refusals in a window, and a refusal costs
//! less than an admission.) With any other clock, the workloads run as written on that clock's
//! time, and [`OpClock::set`] is a thread-local write that nothing reads.
//!
//! # The bench workloads ([`BENCH`])
//!
//! - **`single-key`** ([`SingleKey`]): one [`SlidingCounter`](crate::sliding_window) of limit
//!   [`BENCH_LIMIT`] (100) per window of 150 operations (1.5 µs): one `try_acquire(clock.now())`
//!   per operation, so a window asks for 1.5 times the limit and about two requests in three are
//!   admitted. The sliding counter is what production limiters run; the sliding log's cost is the
//!   complexity stage's concern (it grows with the limit, which a bench at one limit cannot show).
//! - **`many-keys`** ([`ManyKeys`]): one keyed limiter of sliding counters, limit [`KEYED_LIMIT`]
//!   per key per window, on keys drawn from a Zipf distribution with exponent 0.9 over
//!   [`BENCH_KEYS`] keys ([`Zipf`]); a window lasts as many operations as there are keys, so the
//!   popular keys are refused most of the time, the rare ones admitted, and keys go idle and are
//!   forgotten all the time: about half the requests are admitted. The trace holds 2^17 keys,
//!   drawn from the seed, cycled.
//! - **`many-keys-contended`** ([`Contended`]): `many-keys` on two threads sharing one keyed
//!   limiter, each running the trace from its own half, on its own time.
//!
//! # The complexity stage
//!
//! Two series, counted in instructions under callgrind at the sizes of
//! [`super::complexity`]: the `single-key` workload on a [`SlidingLog`](crate::sliding_window) of
//! limit `n` (its window `n` operations long, so the log is full, and every admission drops one
//! timestamp and keeps `n`), and `many-keys` over `n` keys. A log that scans its timestamps or
//! shifts them all to drop one costs O(n) per request; a keyed limiter that sweeps for idle keys
//! on every call, or looks a key up by scanning, costs O(n) per request.

use std::cell::Cell;
use std::hint::black_box;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::sliding_window::{KeyedLimiter, WindowLimiter};

pub use crate::measure::Spec;
use crate::measure::{PoolRun, WorkerPool, Zipf};

/// The workloads the benches time, in the order they run. See the module documentation.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "single-key",
        summary: "one SlidingCounter, limit 100 per 150 requests: about 2 in 3 admitted",
    },
    Spec {
        name: "many-keys",
        summary: "Keyed<u64, SlidingCounter>: Zipf(0.9) keys over 64 Ki, limit 4 per key per \
                  window of 64 Ki requests; keys forgotten as they go idle",
    },
    Spec {
        name: "many-keys-contended",
        summary: "many-keys on two threads sharing one keyed limiter",
    },
];

/// Nanoseconds between two operations of a workload.
pub const TICK: u64 = 10;

/// The limit of the `single-key` bench workload.
pub const BENCH_LIMIT: usize = 100;

/// The keys of the `many-keys` bench workloads.
pub const BENCH_KEYS: usize = 1 << 16;

/// The limit per key of the `many-keys` workloads.
pub const KEYED_LIMIT: u64 = 4;

/// Keys in the trace of `many-keys`.
const TRACE_LEN: usize = 1 << 17;

/// The Zipf exponent of the `many-keys` keys.
const ZIPF_S: f64 = 0.9;

thread_local! {
    /// The time of the operation this thread is running, for [`OpClock`].
    static OP_TIME: Cell<u64> = const { Cell::new(0) };
}

/// The benches' clock: the time of the operation the calling thread is running, as the workload
/// set it ([`OpClock::set`]). Threads have their own times; every instance reads the same one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpClock;

impl OpClock {
    /// Sets this thread's time to `now` ns.
    #[inline]
    pub fn set(now: u64) {
        OP_TIME.with(|t| t.set(now));
    }
}

impl Clock for OpClock {
    #[inline]
    fn now(&self) -> u64 {
        OP_TIME.with(Cell::get)
    }
}

/// The `single-key` workload: one limiter `W` of limit `n`, its window `1.5 × n` operations long
/// (at least one), and one request per operation at time `i × TICK`, read from the clock.
#[derive(Debug)]
pub struct SingleKey<W, C> {
    limiter: W,
    clock: C,
    time: u64,
}

impl<W: WindowLimiter, C: Clock> SingleKey<W, C> {
    /// A limiter of limit `n` (see the type's documentation), on `clock`, after its first window
    /// of requests: a sliding log is full then, as it stays.
    ///
    /// # Panics
    ///
    /// When the implementation refuses the configuration (`n` = 0 is refused).
    pub fn new(n: usize, clock: C) -> Self {
        Self::with_window(n, (3 * n as u64 / 2).max(1), clock)
    }

    /// A limiter of limit `n` whose window is `window` operations long, on `clock`, after its
    /// first window of requests. With `window` = `n` every request is admitted and drops exactly
    /// the timestamp from `n` operations before: the complexity stage's `sliding-log` series, where
    /// a log that pays O(n) per admission (a shift of the rest) pays it on every request.
    ///
    /// # Panics
    ///
    /// When the implementation refuses the configuration (`n` = 0 is refused).
    pub fn with_window(n: usize, window: u64, clock: C) -> Self {
        let n = n as u64;
        let mut w = SingleKey {
            limiter: W::new(n, Duration::from_nanos(window * TICK))
                .expect("the single-key configuration is valid"),
            clock,
            time: 0,
        };
        for _ in 0..window {
            w.step();
        }
        w
    }

    /// One request, at the next operation's time; its result passed through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        self.time += TICK;
        OpClock::set(self.time);
        black_box(self.limiter.try_acquire(self.clock.now()));
    }
}

/// What a `many-keys` workload at one size asks, built once and shared by every contender: its
/// size and the trace of keys.
#[derive(Debug, Clone)]
pub struct Plan {
    keys: usize,
    trace: Arc<[u32]>,
}

impl Plan {
    /// The plan of `many-keys` (or `many-keys-contended`) over `keys` keys, its trace drawn from
    /// `seed` (see the module documentation).
    ///
    /// # Errors
    ///
    /// When `workload` is not one of the two, or `keys` is 0.
    pub fn new(workload: &str, keys: usize, seed: u64) -> Result<Plan, String> {
        if workload != "many-keys" && workload != "many-keys-contended" {
            let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
            return Err(format!(
                "no keyed sliding-window workload named `{workload}`; the workloads are: {}",
                known.join(", ")
            ));
        }
        if keys == 0 {
            return Err("a many-keys workload needs at least one key".to_owned());
        }
        Ok(Plan {
            keys,
            trace: Zipf::new(keys, ZIPF_S).trace(TRACE_LEN, seed).into(),
        })
    }

    /// The window of this plan: as many operations as keys.
    fn window(&self) -> Duration {
        Duration::from_nanos(self.keys as u64 * TICK)
    }
}

/// The `many-keys` workload: a keyed limiter `L` (of window limiters `W`, on clock `C`) of limit
/// [`KEYED_LIMIT`] per window of as many operations as the plan has keys, and the plan's trace.
#[derive(Debug)]
pub struct ManyKeys<L, W, C> {
    keyed: L,
    trace: Arc<[u32]>,
    next: usize,
    time: u64,
    _types: PhantomData<fn() -> (W, C)>,
}

impl<L, W, C> ManyKeys<L, W, C>
where
    L: KeyedLimiter<u64, W, C>,
    W: WindowLimiter + Send + Sync,
    C: Clock + Send + Sync,
{
    /// A keyed limiter for `plan`, on `clock`, after its first window of requests: it holds
    /// about as many keys then as it goes on holding.
    ///
    /// # Panics
    ///
    /// When the implementation refuses the configuration.
    pub fn on(plan: &Plan, clock: C) -> Self {
        let mut w = ManyKeys {
            keyed: L::new(KEYED_LIMIT, plan.window(), clock)
                .expect("the many-keys configuration is valid"),
            trace: Arc::clone(&plan.trace),
            next: 0,
            time: 0,
            _types: PhantomData,
        };
        for _ in 0..plan.keys {
            w.step();
        }
        w
    }

    /// One request, for the trace's next key at the next operation's time; its result passed
    /// through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let key = u64::from(self.trace[self.next]);
        self.next += 1;
        if self.next == self.trace.len() {
            self.next = 0;
        }
        self.time += TICK;
        OpClock::set(self.time);
        black_box(self.keyed.try_acquire(&key));
    }

    /// The keyed limiter, as the steps so far left it.
    pub fn keyed(&self) -> &L {
        &self.keyed
    }
}

/// The `many-keys-contended` workload: `threads` persistent worker threads ([`WorkerPool`])
/// running `many-keys` on one shared keyed limiter, worker `w` from position `w × len / threads` of
/// the trace, each on its own time (operation `i` of a worker at `i × TICK`). The workers wait
/// between runs; dropping the workload stops them.
#[derive(Debug)]
pub struct Contended<L> {
    keyed: Arc<L>,
    pool: WorkerPool,
}

impl<L: Send + Sync + 'static> Contended<L> {
    /// A new keyed limiter for `plan` on `clock`, shared by `threads` worker threads waiting to
    /// run.
    ///
    /// # Panics
    ///
    /// When `threads` is 0, a thread cannot be spawned, or the implementation refuses the
    /// configuration.
    pub fn on<W, C>(plan: &Plan, clock: C, threads: usize) -> Self
    where
        L: KeyedLimiter<u64, W, C>,
        W: WindowLimiter + Send + Sync,
        C: Clock + Send + Sync,
    {
        let keyed = Arc::new(
            L::new(KEYED_LIMIT, plan.window(), clock)
                .expect("the many-keys configuration is valid"),
        );
        let bodies = (0..threads)
            .map(|w| {
                let keyed = Arc::clone(&keyed);
                let trace = Arc::clone(&plan.trace);
                let mut next = w * trace.len() / threads;
                let mut time = 0u64;
                move |iters: u64| {
                    for _ in 0..iters {
                        let key = u64::from(trace[next]);
                        next += 1;
                        if next == trace.len() {
                            next = 0;
                        }
                        time += TICK;
                        OpClock::set(time);
                        black_box(keyed.try_acquire(&key));
                    }
                }
            })
            .collect();
        Contended {
            keyed,
            pool: WorkerPool::new("many-keys", bodies),
        }
    }

    /// Releases every worker to make `iters_per_thread` requests at once, and returns, once the
    /// last of them is done, the CPU time the workers spent in their loops and the wall time
    /// ([`WorkerPool::run`]).
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

    /// The shared keyed limiter.
    pub fn keyed(&self) -> &L {
        &self.keyed
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    use kata_core::sliding_window::ConfigError;

    use super::*;

    /// A limiter that admits everything and counts calls and the times it was given.
    #[derive(Debug, Default)]
    struct Counting {
        calls: usize,
        last: u64,
    }

    impl WindowLimiter for Counting {
        fn new(_: u64, _: Duration) -> Result<Self, ConfigError> {
            Ok(Counting::default())
        }
        fn try_acquire(&mut self, now: u64) -> bool {
            self.calls += 1;
            self.last = now;
            true
        }
        fn is_idle(&self, _: u64) -> bool {
            true
        }
        fn limit(&self) -> u64 {
            1
        }
        fn window(&self) -> Duration {
            Duration::from_nanos(1)
        }
    }

    /// A keyed "limiter" counting the requests per key and the clock it read.
    struct Tally<C> {
        clock: C,
        calls: AtomicUsize,
        per_key: std::sync::Mutex<HashMap<u64, usize>>,
        last: AtomicU64,
    }

    impl<C: Clock + Send + Sync> KeyedLimiter<u64, Counting, C> for Tally<C> {
        fn new(_: u64, _: Duration, clock: C) -> Result<Self, ConfigError> {
            Ok(Tally {
                clock,
                calls: AtomicUsize::new(0),
                per_key: std::sync::Mutex::new(HashMap::new()),
                last: AtomicU64::new(0),
            })
        }
        fn try_acquire(&self, key: &u64) -> bool {
            self.last.store(self.clock.now(), Ordering::SeqCst);
            self.calls.fetch_add(1, Ordering::SeqCst);
            *self.per_key.lock().expect("lock").entry(*key).or_default() += 1;
            true
        }
        fn len(&self) -> usize {
            self.per_key.lock().expect("lock").len()
        }
    }

    #[test]
    fn the_bench_names_are_the_documented_ones() {
        let names: Vec<_> = BENCH.iter().map(|s| s.name).collect();
        assert_eq!(names, ["single-key", "many-keys", "many-keys-contended"]);
        assert!(Plan::new("single-key", 8, 1).is_err());
    }

    #[test]
    fn single_key_asks_at_one_tick_per_operation_on_the_op_clock() {
        let mut w = SingleKey::<Counting, OpClock>::new(100, OpClock);
        assert_eq!((w.limiter.calls, w.limiter.last), (150, 150 * TICK));
        for _ in 0..5 {
            w.step();
        }
        assert_eq!((w.limiter.calls, w.limiter.last), (155, 155 * TICK));
    }

    #[test]
    fn many_keys_follows_the_trace_and_the_op_clock() {
        let plan = Plan::new("many-keys", 64, 3).expect("plan");
        let mut w = ManyKeys::<Tally<OpClock>, Counting, OpClock>::on(&plan, OpClock);
        for _ in 0..1_000 {
            w.step();
        }
        assert_eq!(w.keyed().calls.load(Ordering::SeqCst), 1_064);
        assert_eq!(w.keyed().last.load(Ordering::SeqCst), 1_064 * TICK);
        assert!(w.keyed().len() <= 64);
        assert_eq!(plan.window(), Duration::from_nanos(64 * TICK));
    }

    #[test]
    fn contended_runs_every_thread_on_its_own_time_and_stops_on_drop() {
        let plan = Plan::new("many-keys-contended", 64, 3).expect("plan");
        let mut w = Contended::<Tally<OpClock>>::on::<Counting, OpClock>(&plan, OpClock, 2);
        let run = w.time(1_000);
        assert!(
            run.cpu > Duration::ZERO && run.wall > Duration::ZERO,
            "{run:?}"
        );
        w.time(500);
        assert_eq!(w.keyed().calls.load(Ordering::SeqCst), 3_000);
        assert_eq!(w.keyed().last.load(Ordering::SeqCst), 1_500 * TICK);
        assert_eq!(w.threads(), 2);
    }
}
