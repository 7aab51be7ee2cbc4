//! Stage 3 of `token-bucket`: the lock-free bucket under concurrency.
//!
//! The invariant: concurrent callers are never granted more than a single-threaded bucket would
//! have granted to the same requests in some order. Under `--cfg kata_loom` small scenarios are
//! model-checked over every interleaving (up to the preemption bound); otherwise real threads
//! hammer a shared bucket and the total granted is checked against the exact bound.

use kata_core::clock::ManualClock;
use kata_core::token_bucket::{ConcurrentRateLimiter, Rate};

use super::TokenBucketFamily;
use crate::Ctx;

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: TokenBucketFamily>(ctx: &mut Ctx) {
    ctx.check(
        "stress: 4 threads share one bucket; granted never exceeds capacity + rate x time",
        stress::<F>,
    );
}

#[cfg(not(kata_loom))]
fn stress<F: TokenBucketFamily>() -> Result<(), String> {
    use std::sync::Arc;
    const THREADS: u64 = 4;
    const ATTEMPTS: u64 = 50_000;
    const CAPACITY: u64 = 20;
    // One token per 10 µs; every attempt moves the shared clock 1 µs: demand is 10x supply.
    let rate = Rate::new(1, std::time::Duration::from_micros(10));
    let clock = ManualClock::new();
    let bucket = Arc::new(
        F::Atomic::<ManualClock>::new(CAPACITY, rate, clock.clone())
            .map_err(|e| format!("AtomicTokenBucket::new: {e}"))?,
    );
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let bucket = Arc::clone(&bucket);
            let clock = clock.clone();
            std::thread::spawn(move || {
                crate::check::guarded(|| {
                    let mut granted = 0u64;
                    for i in 0..ATTEMPTS {
                        let n = 1 + (i + t) % 2;
                        if bucket.try_acquire(n).is_ok() {
                            granted += n;
                        }
                        clock.advance_nanos(1_000);
                    }
                    granted
                })
                .map_err(|e| format!("worker thread {t}: {e}"))
            })
        })
        .collect();
    let mut granted = 0;
    for h in handles {
        granted += crate::check::join_worker(h)?;
    }
    let elapsed = THREADS * ATTEMPTS * 1_000;
    let bound = CAPACITY + elapsed / 10_000;
    if granted > bound {
        return Err(format!(
            "invariant broken: {granted} tokens granted, but a bucket of capacity {CAPACITY} \
             refilling 1 token per 10 µs can grant at most {bound} in {elapsed} ns: concurrent \
             acquisitions were granted tokens that were not there"
        ));
    }
    // Demand always exceeds supply, so a correct bucket grants nearly everything that accrues.
    if granted * 10 < bound * 9 {
        return Err(format!(
            "only {granted} of the {bound} tokens that accrued were granted, although requests \
             never stopped: concurrent callers are refused tokens that are there"
        ));
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: TokenBucketFamily>(ctx: &mut Ctx) {
    use loom::sync::Arc;
    use loom::thread;
    use std::time::Duration;

    fn new<F: TokenBucketFamily>(
        capacity: u64,
        rate: Rate,
        clock: &ManualClock,
    ) -> Arc<F::Atomic<ManualClock>> {
        Arc::new(
            F::Atomic::<ManualClock>::new(capacity, rate, clock.clone()).expect("valid config"),
        )
    }

    /// One thread per request in `sizes`, all at once; which were granted.
    fn race<B: ConcurrentRateLimiter<ManualClock> + 'static>(
        b: &Arc<B>,
        sizes: &[u64],
    ) -> Vec<bool> {
        let threads: Vec<_> = sizes
            .iter()
            .map(|&n| {
                let b = Arc::clone(b);
                thread::spawn(move || b.try_acquire(n).is_ok())
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("thread"))
            .collect()
    }

    fn count(granted: &[bool]) -> usize {
        granted.iter().filter(|g| **g).count()
    }

    ctx.check(
        "loom: three threads take one token each from a bucket of 2",
        || {
            crate::check::loom_model(|| {
                let clock = ManualClock::new();
                let b = new::<F>(2, Rate::per_second(1), &clock);
                match count(&race(&b, &[1, 1, 1])) {
                    2 => Ok(()),
                    n => Err(format!(
                        "invariant broken: {n} of 3 concurrent try_acquire(1) succeeded on a full \
                     bucket of 2 with no refill; exactly 2 must"
                    )),
                }
            })
        },
    );

    ctx.check(
        "loom: try_acquire(2) and try_acquire(1) race for a bucket of 2",
        || {
            crate::check::loom_model(|| {
                let clock = ManualClock::new();
                let b = new::<F>(2, Rate::per_second(1), &clock);
                match race(&b, &[2, 1])[..] {
                    [true, true] => {
                        Err("invariant broken: both try_acquire(2) and try_acquire(1) \
                                     succeeded on a bucket of 2: 3 tokens granted"
                            .to_owned())
                    }
                    [false, false] => Err("invariant broken: both requests were refused, but in \
                                       either order one of them fits"
                        .to_owned()),
                    _ => Ok(()),
                }
            })
        },
    );

    ctx.check("loom: two threads race for one refilled token", || {
        crate::check::loom_model(|| {
            let clock = ManualClock::new();
            let b = new::<F>(1, Rate::new(1, Duration::from_micros(1)), &clock);
            assert!(
                b.try_acquire(1).is_ok(),
                "try_acquire(1) on a full bucket of 1"
            );
            clock.advance(Duration::from_micros(1));
            match count(&race(&b, &[1, 1])) {
                1 => Ok(()),
                n => Err(format!(
                    "invariant broken: {n} threads were granted the one token that refilled; \
                     exactly 1 must be (the refill was counted twice, or not at all)"
                )),
            }
        })
    });
}
