//! Stage 3 of `count-min-sketch`: the atomic sketch shared by threads.
//!
//! The invariants: no increment is lost (once every `add` has returned, each estimate is at least
//! the item's true count and the total is exactly the sum of the counts, saturating), an add that
//! returned is seen by every estimate that begins after it, and no lock is taken. Built with
//! `--cfg kata_loom`, small races on a 64 × 2 sketch are model-checked with loom over every
//! interleaving (up to the preemption bound): two adds of one item, an estimate published by a
//! release/acquire flag, and two adds that together pass `u64::MAX`. Built normally, four
//! threads add 100 000 Zipf-distributed items each to one sketch, each checking as it goes that
//! its own adds are seen, and the suite checks every item and the total after they are joined.

use super::CountMinSketchFamily;
use crate::Ctx;

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: CountMinSketchFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        &format!(
            "stress: AtomicCountMinSketch::with_error(0.001, 0.01), {THREADS} threads x \
             {PER_THREAD} adds of Zipf({ZIPF_S}) items, no lock taken: each thread sees its own \
             adds, and after the join the total is exact and no estimate is below the truth"
        ),
        || stress::<F::Atomic>(seed),
    );
}

#[cfg(not(kata_loom))]
const THREADS: usize = 4;
#[cfg(not(kata_loom))]
const PER_THREAD: usize = 100_000;
#[cfg(not(kata_loom))]
const ITEMS: usize = 100_000;
#[cfg(not(kata_loom))]
const ZIPF_S: f64 = 1.1;

/// Real threads on one sketch, each adding its own slice of one Zipf stream with counts 1 to 3,
/// and asking the estimate of each item right after adding it: at least what this thread alone
/// has added for it.
#[cfg(not(kata_loom))]
fn stress<A: kata_core::count_min_sketch::ConcurrentSketch>(seed: u64) -> crate::check::Outcome {
    use std::collections::HashMap;
    use std::sync::Barrier;

    use kata_core::sync::locks_taken;

    use crate::check::guarded;
    use crate::measure::{SplitMix64, Zipf};

    let zipf = Zipf::new(ITEMS, ZIPF_S);
    let mut rng = SplitMix64::new(seed);
    let plan: Vec<Vec<(u32, u64)>> = (0..THREADS)
        .map(|_| {
            (0..PER_THREAD)
                .map(|_| (zipf.sample(&mut rng), 1 + rng.below(3)))
                .collect()
        })
        .collect();
    let sketch = A::with_error(0.001, 0.01)
        .map_err(|e| format!("AtomicCountMinSketch::with_error(0.001, 0.01) failed: {e}"))?;
    let start = Barrier::new(THREADS);
    let results: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = plan
            .iter()
            .enumerate()
            .map(|(t, adds)| {
                let (sketch, start) = (&sketch, &start);
                scope.spawn(move || {
                    start.wait();
                    guarded(|| -> Result<(), String> {
                        let mut mine: HashMap<u32, u64> = HashMap::new();
                        let before = locks_taken();
                        for (i, &(item, count)) in adds.iter().enumerate() {
                            sketch.add(&item, count);
                            let own = mine.entry(item).or_insert(0);
                            *own += count;
                            let est = sketch.estimate(&item);
                            if est < *own {
                                return Err(format!(
                                    "add {} of this thread: estimate(&{item}u32) right after this \
                                     thread's add returned is {est}, but this thread alone has \
                                     added {own} for it: an add that returned must be seen by \
                                     every later estimate (was an increment lost to another \
                                     thread's? Raise a counter with a compare-and-swap loop or \
                                     an atomic add, never a load then a store)",
                                    i + 1
                                ));
                            }
                        }
                        let taken = locks_taken() - before;
                        if taken > 0 {
                            return Err(format!(
                                "{taken} locks were taken during {PER_THREAD} adds \
                                 and estimates: the atomic sketch must be lock-free (atomic \
                                 counters, kata_core::sync::atomic, no Mutex)"
                            ));
                        }
                        Ok(())
                    })
                    .and_then(|r| r)
                    .map_err(|e| format!("worker thread {t}: {e}"))
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err("a worker panicked".into())))
            .collect()
    });
    for r in results {
        r?;
    }
    let mut truth: HashMap<u32, u64> = HashMap::new();
    for &(item, count) in plan.iter().flatten() {
        *truth.entry(item).or_insert(0) += count;
    }
    let sum: u64 = truth.values().sum();
    let total = sketch.total();
    if total != sum {
        return Err(format!(
            "after {THREADS} threads added {} items ({sum} in all) at once and were joined, \
             total() is {total}: {}",
            THREADS * PER_THREAD,
            if total < sum {
                "increments of the total were lost (a load then a store races; use an atomic \
                 add or a compare-and-swap loop)"
            } else {
                "counts were added more than once"
            }
        ));
    }
    let mut items: Vec<(&u32, &u64)> = truth.iter().collect();
    items.sort_unstable();
    for (item, &t) in items {
        let est = sketch.estimate(item);
        if est < t {
            return Err(format!(
                "after {THREADS} threads added their items at once and were joined, \
                 estimate(&{item}u32) is {est}, below its true count {t}: an increment was lost \
                 (a load then a store races; use a compare-and-swap loop)"
            ));
        }
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: CountMinSketchFamily>(ctx: &mut Ctx) {
    same_item::<F::Atomic>(ctx);
    published::<F::Atomic>(ctx);
    saturation::<F::Atomic>(ctx);
}

/// The shape of the loom sketches: few counters, since loom tracks every atomic.
#[cfg(kata_loom)]
const LOOM_SHAPE: (usize, usize) = (64, 2);

/// A new shared sketch of [`LOOM_SHAPE`].
#[cfg(kata_loom)]
fn shared<A: kata_core::count_min_sketch::ConcurrentSketch>() -> Result<loom::sync::Arc<A>, String>
{
    let (w, d) = LOOM_SHAPE;
    A::with_shape(w, d)
        .map(loom::sync::Arc::new)
        .map_err(|e| format!("AtomicCountMinSketch::with_shape({w}, {d}) failed: {e}"))
}

/// Spawns a loom thread that adds `count` of `item` and returns how many locks it took.
#[cfg(kata_loom)]
fn adder<A: kata_core::count_min_sketch::ConcurrentSketch + 'static>(
    sketch: &loom::sync::Arc<A>,
    item: u64,
    count: u64,
) -> loom::thread::JoinHandle<u64> {
    let sketch = loom::sync::Arc::clone(sketch);
    loom::thread::spawn(move || {
        let before = kata_core::sync::locks_taken();
        sketch.add(&item, count);
        kata_core::sync::locks_taken() - before
    })
}

/// Fails when any of `taken` is above 0.
#[cfg(kata_loom)]
fn lock_free(taken: &[u64]) -> crate::check::Outcome {
    let locks: u64 = taken.iter().sum();
    if locks > 0 {
        return Err(format!(
            "invariant broken: the adds took {locks} lock(s); the atomic sketch must be lock-free \
             (atomic counters from kata_core::sync::atomic, no Mutex)"
        ));
    }
    Ok(())
}

/// Two threads add one item at once: nothing is lost.
#[cfg(kata_loom)]
fn same_item<A: kata_core::count_min_sketch::ConcurrentSketch + 'static>(ctx: &mut Ctx) {
    ctx.check(
        "loom: two threads add one item at once (1 and 2): after the join its estimate and the \
         total are 3, and no lock was taken",
        || {
            crate::check::loom_model(|| {
                let sketch = shared::<A>()?;
                let a = adder(&sketch, 7, 1);
                let b = adder(&sketch, 7, 2);
                let taken = [a.join().expect("thread"), b.join().expect("thread")];
                let got = (sketch.estimate(&7u64), sketch.total());
                if got != (3, 3) {
                    return Err(format!(
                        "invariant broken: two threads called add(&7u64, 1) and add(&7u64, 2) at \
                         once on a new AtomicCountMinSketch::with_shape(64, 2); after both \
                         returned, (estimate(&7u64), total()) is {got:?}, expected (3, 3): an \
                         increment was lost. A load followed by a store lets the other thread's \
                         add in between; raise each counter, and the total, in one atomic step \
                         (a compare_exchange_weak loop that saturates)"
                    ));
                }
                lock_free(&taken)
            })
        },
    );
}

/// An add published by a release store is seen by an estimate after the acquire load.
#[cfg(kata_loom)]
fn published<A: kata_core::count_min_sketch::ConcurrentSketch + 'static>(ctx: &mut Ctx) {
    use loom::sync::atomic::{AtomicBool, Ordering};
    ctx.check(
        "loom: an add, then a flag set (Release); an estimate after the flag is seen (Acquire) is \
         at least the count",
        || {
            crate::check::loom_model(|| {
                let sketch = shared::<A>()?;
                let flag = loom::sync::Arc::new(AtomicBool::new(false));
                let writer = {
                    let (sketch, flag) = (
                        loom::sync::Arc::clone(&sketch),
                        loom::sync::Arc::clone(&flag),
                    );
                    loom::thread::spawn(move || {
                        let before = kata_core::sync::locks_taken();
                        sketch.add(&7u64, 5);
                        let taken = kata_core::sync::locks_taken() - before;
                        flag.store(true, Ordering::Release);
                        taken
                    })
                };
                if flag.load(Ordering::Acquire) {
                    let got = (sketch.estimate(&7u64), sketch.total());
                    if got.0 < 5 || got.1 < 5 {
                        return Err(format!(
                            "invariant broken: one thread called add(&7u64, 5), then set a flag; \
                             another saw the flag and then read (estimate(&7u64), total()) = \
                             {got:?}, expected at least 5 for both: an add that returned must \
                             be seen by every estimate that begins after it (write the counters \
                             themselves, atomically, before add returns)"
                        ));
                    }
                }
                let taken = writer.join().expect("thread");
                let got = (sketch.estimate(&7u64), sketch.total());
                if got != (5, 5) {
                    return Err(format!(
                        "invariant broken: after add(&7u64, 5) returned and its thread was \
                         joined, (estimate(&7u64), total()) is {got:?}, expected (5, 5)"
                    ));
                }
                lock_free(&[taken])
            })
        },
    );
}

/// Two adds that together pass `u64::MAX`, at once: the counters and the total saturate.
#[cfg(kata_loom)]
fn saturation<A: kata_core::count_min_sketch::ConcurrentSketch + 'static>(ctx: &mut Ctx) {
    ctx.check(
        "loom: two threads add u64::MAX - 1 and 2 of one item at once: the estimate and the total \
         saturate at u64::MAX",
        || {
            crate::check::loom_model(|| {
                let sketch = shared::<A>()?;
                let a = adder(&sketch, 7, u64::MAX - 1);
                let b = adder(&sketch, 7, 2);
                let taken = [a.join().expect("thread"), b.join().expect("thread")];
                let got = (sketch.estimate(&7u64), sketch.total());
                if got != (u64::MAX, u64::MAX) {
                    return Err(format!(
                        "invariant broken: two threads called add(&7u64, u64::MAX - 1) and \
                         add(&7u64, 2) at once; after both returned, (estimate(&7u64), total()) \
                         is {got:?}, expected u64::MAX for both: a fetch_add wraps (and \
                         underestimates), and a check before it races; a compare_exchange_weak \
                         loop storing the saturating sum does not"
                    ));
                }
                lock_free(&taken)
            })
        },
    );
}
