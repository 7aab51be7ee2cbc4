//! The named `snowflake` workloads: what `cargo kata bench snowflake` times, and the
//! size-dependent workloads of the complexity stage, defined once here.
//!
//! # The bench workloads ([`BENCH`])
//!
//! - **`next-id`** ([`NextId`]): one thread calls `next_id()` on a generator of the default
//!   layout reading the real wall clock ([`SystemClock`]), in a loop. A default-layout generator
//!   hands out at most 4 096 IDs per millisecond, one per 244 ns: a loop faster than that spends
//!   the rest of each millisecond waiting for the next, so this times the generator at its
//!   ceiling, where the layout, not the code, sets the pace. That is the figure a designer
//!   needs (a Snowflake worker cannot mint faster, whatever its code), and the reason the
//!   128-bit peers, which have no per-millisecond ceiling, can be faster here.
//! - **`contended-2-threads`** ([`Contended`]): two threads call `next_id()` on one shared
//!   [`ConcurrentIdGenerator`]; the same ceiling, now shared, plus the fight for the state word.
//! - **`encode`** ([`Encode`]): base62 text of a sequence of real IDs (a default-layout ID of
//!   2025 is 10 digits).
//! - **`decode`** ([`Decode`]): those texts back to numbers.
//!
//! # The complexity workloads
//!
//! A Snowflake generator's cost per ID must not depend on how many IDs it has handed out. At
//! size `n` a generator on a [`ManualClock`] first hands out `n` IDs (the clock moving 1 µs per
//! ID, so about a thousand per millisecond), then each operation moves the clock 1 µs and takes
//! one more ([`issued_workload`], [`atomic_issued_workload`]); the codec series encode and decode
//! the IDs that follow the `n`-th ([`encode_workload`], [`decode_workload`]).

use std::hint::black_box;
use std::sync::Arc;

use crate::measure::{PoolRun, WorkerPool};
use kata_core::clock::{ManualClock, SystemClock};
use kata_core::snowflake::{
    Config, ConcurrentIdGenerator, IdCodec, IdGenerator, DEFAULT_EPOCH_MS, NANOS_PER_MS,
};

pub use crate::measure::Spec;

/// The workloads the benches time, in the order they run. See the module documentation.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "next-id",
        summary: "one thread: next_id() in a loop, real clock, default layout (4 096 per ms)",
    },
    Spec {
        name: "contended-2-threads",
        summary: "two threads: next_id() in a loop on one shared generator, real clock",
    },
    Spec {
        name: "encode",
        summary: "base62 text of consecutive default-layout IDs of 2025 (10 digits)",
    },
    Spec {
        name: "decode",
        summary: "those texts back to u64",
    },
];

/// The worker id of the bench generators.
pub const BENCH_WORKER: u64 = 1;

/// The `next-id` workload: a default-layout generator on the wall clock.
#[derive(Debug)]
pub struct NextId<G> {
    generator: G,
}

impl<G: IdGenerator<SystemClock>> NextId<G> {
    /// Worker [`BENCH_WORKER`], the default layout and epoch, on [`SystemClock`].
    ///
    /// # Panics
    ///
    /// When the implementation refuses that configuration.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NextId {
            generator: G::new(Config::new(BENCH_WORKER), SystemClock)
                .expect("the bench configuration is valid"),
        }
    }

    /// One `next_id()`, its result passed through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let _ = black_box(self.generator.next_id());
    }
}

/// The `contended-N-threads` workload: `N` persistent worker threads calling `next_id()` on one
/// shared generator ([`WorkerPool`]: started once, waiting between runs).
#[derive(Debug)]
pub struct Contended<A> {
    generator: Arc<A>,
    pool: WorkerPool,
}

impl<A: ConcurrentIdGenerator<SystemClock> + 'static> Contended<A> {
    /// A default-layout generator on [`SystemClock`] and `threads` workers.
    ///
    /// # Panics
    ///
    /// When `threads` is 0, a thread cannot be spawned, or the implementation refuses the
    /// configuration.
    pub fn new(threads: usize) -> Self {
        let generator = Arc::new(
            A::new(Config::new(BENCH_WORKER), SystemClock)
                .expect("the bench configuration is valid"),
        );
        let bodies = (0..threads)
            .map(|_| {
                let generator = Arc::clone(&generator);
                move |iters: u64| {
                    for _ in 0..iters {
                        let _ = black_box(generator.next_id());
                    }
                }
            })
            .collect();
        Contended {
            generator,
            pool: WorkerPool::new("contended", bodies),
        }
    }

    /// Releases every worker for `iters_per_thread` calls at once ([`WorkerPool::run`]).
    ///
    /// # Panics
    ///
    /// When the implementation panicked in a worker.
    pub fn time(&mut self, iters_per_thread: u64) -> PoolRun {
        self.pool
            .run(iters_per_thread)
            .unwrap_or_else(|message| panic!("next_id in a contended worker {message}"))
    }

    /// How many worker threads it runs.
    pub fn threads(&self) -> usize {
        self.pool.threads()
    }

    /// The shared generator.
    pub fn generator(&self) -> &A {
        &self.generator
    }
}

/// How many IDs the codec workloads cycle through.
pub const CODEC_IDS: usize = 4_096;

/// `CODEC_IDS` consecutive default-layout IDs of 2025-01-01 (worker [`BENCH_WORKER`]): what a
/// short-URL service encodes.
pub fn codec_ids() -> Vec<u64> {
    // 2025-01-01T00:00:00Z, five years after the default epoch.
    let ms = 1_735_689_600_000 - DEFAULT_EPOCH_MS;
    (0..CODEC_IDS as u64)
        .map(|i| ((ms + i / 64) << 22) | (BENCH_WORKER << 12) | (i % 64))
        .collect()
}

/// The `encode` workload.
#[derive(Debug)]
pub struct Encode<X> {
    ids: Vec<u64>,
    at: usize,
    _codec: std::marker::PhantomData<X>,
}

impl<X: IdCodec> Encode<X> {
    /// Over [`codec_ids`].
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Encode {
            ids: codec_ids(),
            at: 0,
            _codec: std::marker::PhantomData,
        }
    }

    /// One `encode`.
    #[inline]
    pub fn step(&mut self) {
        black_box(X::encode(black_box(self.ids[self.at])));
        self.at = (self.at + 1) % self.ids.len();
    }
}

/// The `decode` workload.
#[derive(Debug)]
pub struct Decode<X> {
    texts: Vec<String>,
    at: usize,
    _codec: std::marker::PhantomData<X>,
}

impl<X: IdCodec> Decode<X> {
    /// Over the base62 texts of [`codec_ids`] (made by `X` itself).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Decode {
            texts: codec_ids().into_iter().map(X::encode).collect(),
            at: 0,
            _codec: std::marker::PhantomData,
        }
    }

    /// One `decode`.
    #[inline]
    pub fn step(&mut self) {
        let _ = black_box(X::decode(black_box(&self.texts[self.at])));
        self.at = (self.at + 1) % self.texts.len();
    }
}

/// Where the complexity workloads' clocks start: the default epoch plus one second.
pub const COMPLEXITY_START: u64 = (DEFAULT_EPOCH_MS + 1_000) * NANOS_PER_MS;

/// A default-layout generator on a manual clock that has handed out `n` IDs, the clock moving
/// 1 µs per ID; each operation moves it 1 µs more and takes one ID.
///
/// # Panics
///
/// When the implementation refuses the configuration or an ID.
pub fn issued_workload<G: IdGenerator<ManualClock>>(n: usize) -> impl FnMut(u64) {
    let clock = ManualClock::starting_at(COMPLEXITY_START);
    let mut g = G::new(Config::new(BENCH_WORKER), clock.clone()).expect("valid config");
    for _ in 0..n {
        clock.advance_nanos(1_000);
        g.next_id().expect("an ID on a clock moving forward");
    }
    move |_| {
        clock.advance_nanos(1_000);
        let _ = black_box(g.try_next_id());
    }
}

/// [`issued_workload`] for a thread-safe generator, called from one thread.
///
/// # Panics
///
/// As [`issued_workload`].
pub fn atomic_issued_workload<A: ConcurrentIdGenerator<ManualClock>>(
    n: usize,
) -> impl FnMut(u64) {
    let clock = ManualClock::starting_at(COMPLEXITY_START);
    let g = A::new(Config::new(BENCH_WORKER), clock.clone()).expect("valid config");
    for _ in 0..n {
        clock.advance_nanos(1_000);
        g.next_id().expect("an ID on a clock moving forward");
    }
    move |_| {
        clock.advance_nanos(1_000);
        let _ = black_box(g.try_next_id());
    }
}

/// The first ID after `n` handed out as [`issued_workload`] does (1 000 per millisecond).
fn nth_id(n: usize) -> u64 {
    let ms = 1_000 + n as u64 / 1_000;
    (ms << 22) | (BENCH_WORKER << 12) | (n as u64 % 1_000)
}

/// `encode` of the IDs that follow the `n`-th.
pub fn encode_workload<X: IdCodec>(n: usize) -> impl FnMut(u64) {
    let base = nth_id(n);
    move |i| {
        black_box(X::encode(black_box(base + (i % 1_000))));
    }
}

/// `decode` of the texts of the IDs that follow the `n`-th (made by `X` itself).
pub fn decode_workload<X: IdCodec>(n: usize) -> impl FnMut(u64) {
    let base = nth_id(n);
    let texts: Vec<String> = (0..1_000).map(|i| X::encode(base + i)).collect();
    move |i| {
        let _ = black_box(X::decode(black_box(&texts[(i % 1_000) as usize])));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_names_are_the_documented_ones() {
        let names: Vec<_> = BENCH.iter().map(|s| s.name).collect();
        assert_eq!(names, ["next-id", "contended-2-threads", "encode", "decode"]);
    }

    #[test]
    fn codec_ids_are_ten_digits_of_2025() {
        let ids = codec_ids();
        assert_eq!(ids.len(), CODEC_IDS);
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ids[0] >> 22, 1_735_689_600_000 - DEFAULT_EPOCH_MS);
    }
}
