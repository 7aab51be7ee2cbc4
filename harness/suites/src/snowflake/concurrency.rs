//! Stage 3 of `snowflake`: the lock-free generator under concurrency.
//!
//! The invariants: no two calls, on any threads, get the same ID; the IDs one thread gets are
//! strictly increasing; and with a clock that never goes backwards no call is refused for a clock
//! "moving backwards" (a thread that read the clock before another thread's ID must not then
//! compare that stale reading with the other thread's millisecond). Under `--cfg kata_loom`
//! small races are model-checked over every interleaving (up to the preemption bound), on a
//! layout of 1 sequence bit so that a millisecond is used up within the race; otherwise real
//! threads share a generator and a clock they move themselves, and every call is checked to
//! take no lock.

use kata_core::clock::ManualClock;
use kata_core::snowflake::{Config, ConcurrentIdGenerator, IdError, Layout, DEFAULT_EPOCH_MS};

use super::model::at;
use super::SnowflakeFamily;
use crate::Ctx;

/// One ID from `g`, moving the clock to the next millisecond when told to retry (at most
/// `tries` times); `Err` for any other refusal.
fn take<G: ConcurrentIdGenerator<ManualClock>>(
    g: &G,
    clock: &ManualClock,
    tries: usize,
) -> Result<u64, String> {
    for _ in 0..tries {
        match g.try_next_id() {
            Ok(id) => return Ok(id),
            Err(IdError::Retry { after }) => clock.advance(after),
            Err(e) => {
                return Err(format!(
                    "invariant broken: try_next_id failed with `{e}` ({e:?}), but the clock only \
                     ever moved forward: a reading taken before another thread's ID was compared \
                     with that ID's millisecond (load the state, then read the clock, on every \
                     attempt)"
                ))
            }
        }
    }
    Err(format!(
        "try_next_id asked for a retry {tries} times in a row, the clock moved each time as told"
    ))
}

/// The checks on what the threads got: every ID once, each thread's IDs increasing.
fn judge(per_thread: &[Vec<u64>]) -> Result<(), String> {
    for (t, ids) in per_thread.iter().enumerate() {
        if let Some(w) = ids.windows(2).find(|w| w[1] <= w[0]) {
            return Err(format!(
                "invariant broken: thread {t} got ID {} after {}: the IDs one thread gets must \
                 strictly increase",
                w[1], w[0]
            ));
        }
    }
    let mut all: Vec<u64> = per_thread.iter().flatten().copied().collect();
    all.sort_unstable();
    if let Some(w) = all.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "invariant broken: ID {} was handed out twice, to two concurrent calls: the latest \
             millisecond and the sequence must change together, in one compare-and-swap",
            w[0]
        ));
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: SnowflakeFamily>(ctx: &mut Ctx) {
    ctx.check(
        "stress: 4 threads share one generator and clock; every ID once, each thread's \
         increasing, no lock",
        stress::<F>,
    );
}

#[cfg(not(kata_loom))]
fn stress<F: SnowflakeFamily>() -> Result<(), String> {
    use std::sync::Arc;

    use kata_core::sync::locks_taken;
    const THREADS: usize = 4;
    const IDS: usize = 20_000;
    // 8 sequence bits: 256 IDs per millisecond, used up often; each thread moves the shared clock
    // 1 µs after every ID, so the four together make about 4 000 attempts per millisecond.
    let layout = Layout::new(41, 14, 8);
    let clock = ManualClock::starting_at(at(DEFAULT_EPOCH_MS + 1, 0));
    let g = Arc::new(
        F::Atomic::<ManualClock>::new(Config::new(77).with_layout(layout), clock.clone())
            .map_err(|e| format!("AtomicSnowflake::new: {e}"))?,
    );
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let g = Arc::clone(&g);
            let clock = clock.clone();
            std::thread::spawn(move || {
                crate::check::guarded(|| {
                    let before = locks_taken();
                    let mut ids = Vec::with_capacity(IDS);
                    for _ in 0..IDS {
                        ids.push(take(&*g, &clock, 1_000_000)?);
                        clock.advance_nanos(1_000);
                    }
                    let taken = locks_taken() - before;
                    if taken > 0 {
                        return Err(format!(
                            "AtomicSnowflake::try_next_id took {taken} locks on thread {t}: the \
                             atomic generator must be lock-free (one AtomicU64, \
                             compare_exchange)"
                        ));
                    }
                    Ok(ids)
                })
                .and_then(|r| r)
                .map_err(|e| format!("worker thread {t}: {e}"))
            })
        })
        .collect();
    let mut per_thread = Vec::new();
    for h in handles {
        per_thread.push(crate::check::join_worker(h)?);
    }
    judge(&per_thread)
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: SnowflakeFamily>(ctx: &mut Ctx) {
    use loom::sync::Arc;
    use loom::thread;

    /// A generator of 1 sequence bit (2 IDs per millisecond) at the epoch.
    fn new<F: SnowflakeFamily>(clock: &ManualClock) -> Arc<F::Atomic<ManualClock>> {
        Arc::new(
            F::Atomic::<ManualClock>::new(
                Config::new(1).with_layout(Layout::new(41, 21, 1)),
                clock.clone(),
            )
            .expect("valid config"),
        )
    }

    /// `threads` threads taking `each` IDs each; what each got.
    fn race<F: SnowflakeFamily>(
        threads: usize,
        each: usize,
        advance_first: bool,
    ) -> Result<Vec<Vec<u64>>, String> {
        let clock = ManualClock::starting_at(at(DEFAULT_EPOCH_MS, 0));
        let g = new::<F>(&clock);
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let g = Arc::clone(&g);
                let clock = clock.clone();
                thread::spawn(move || {
                    let mut ids = Vec::new();
                    for _ in 0..each {
                        if advance_first {
                            clock.advance_nanos(kata_core::snowflake::NANOS_PER_MS);
                        }
                        ids.push(take(&*g, &clock, 8)?);
                    }
                    Ok::<_, String>(ids)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    }

    ctx.check(
        "loom: two threads take two IDs each, 2 per millisecond: every ID once, each thread's \
         increasing",
        || crate::check::loom_model(|| judge(&race::<F>(2, 2, false)?)),
    );
    ctx.check(
        "loom: three threads take one ID each from a millisecond of 2",
        || crate::check::loom_model(|| judge(&race::<F>(3, 1, false)?)),
    );
    ctx.check(
        "loom: two threads each move the clock a millisecond, then take an ID: never refused",
        || crate::check::loom_model(|| judge(&race::<F>(2, 1, true)?)),
    );
}
