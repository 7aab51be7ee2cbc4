//! Stage 3 of `leaky-bucket`: the MPSC bucket under concurrency.
//!
//! Producers on several threads offer, one consumer polls, and the clock moves meanwhile. What
//! every interleaving must keep (checked by `audit`):
//!
//! - *conservation*: every item offered was either refused, and came back to its producer as the
//!   very item offered, or accepted, and then comes out of `poll` exactly once (by the end, when
//!   the clock is past every departure);
//! - *the bound*: `level()`, whenever the consumer reads it, is at most the capacity;
//! - *the rate*: the departure instants the accepted offers returned are pairwise at least one
//!   interval (rounded down) apart, and each producer's accepted items leave in the order it
//!   offered them;
//! - *the order*: items come out in departure order, and never before their instant.
//!
//! Under `--cfg kata_loom` small scenarios are model-checked over every interleaving (up to the
//! preemption bound); otherwise real threads hammer a shared bucket on a clock a driver thread
//! moves.

use std::collections::HashMap;

use kata_core::clock::{Clock, ManualClock};
use kata_core::leaky_bucket::{ConcurrentShaper, Full, Rate};

use super::LeakyBucketFamily;
use crate::Ctx;

/// What one producer's offers returned: `(item, departure or the item given back)`, in the
/// order offered.
type Offers = Vec<(u32, Result<u64, u32>)>;

fn offer<B: ConcurrentShaper<u32, ManualClock>>(b: &B, item: u32) -> (u32, Result<u64, u32>) {
    (item, b.offer(item).map_err(|Full { item, .. }| item))
}

/// Checks the invariants of the module documentation over a finished run: what each producer's
/// offers returned, what the consumer polled (with the clock read right after each poll, which
/// only ever moved forward), the levels it read, and the interval rounded down.
fn audit(
    capacity: usize,
    interval: u64,
    producers: &[Offers],
    polled: &[(u32, u64)],
    levels: &[usize],
) -> Result<(), String> {
    if let Some(level) = levels.iter().find(|l| **l > capacity) {
        return Err(format!(
            "invariant broken: level() read {level}, above the capacity {capacity}: two offers \
             both found room that only one of them had (check-then-act)"
        ));
    }
    let mut accepted: HashMap<u32, u64> = HashMap::new();
    for (p, offers) in producers.iter().enumerate() {
        let mut last: Option<u64> = None;
        for &(item, result) in offers {
            match result {
                Err(back) if back != item => {
                    return Err(format!(
                        "invariant broken: producer {p} offered item {item} and was refused, but \
                         got item {back} back"
                    ))
                }
                Err(_) => {}
                Ok(departure) => {
                    if let Some(before) = last.filter(|b| departure <= *b) {
                        return Err(format!(
                            "invariant broken: producer {p} offered item {item} after an item \
                             that leaves at {before} ns, yet item {item} leaves at {departure} \
                             ns: offers accepted one after the other must leave in that order"
                        ));
                    }
                    last = Some(departure);
                    accepted.insert(item, departure);
                }
            }
        }
    }
    let mut departures: Vec<(u64, u32)> = accepted.iter().map(|(i, d)| (*d, *i)).collect();
    departures.sort_unstable();
    for pair in departures.windows(2) {
        let ((a, x), (b, y)) = (pair[0], pair[1]);
        if b - a < interval {
            return Err(format!(
                "invariant broken: items {x} and {y} leave at {a} and {b} ns, {} ns apart, \
                 closer than one interval ({interval} ns): two concurrent offers were scheduled \
                 from the same state",
                b - a
            ));
        }
    }
    let mut seen: HashMap<u32, usize> = HashMap::new();
    let mut previous: Option<(u32, u64)> = None;
    for &(item, read_after) in polled {
        *seen.entry(item).or_default() += 1;
        let Some(&departure) = accepted.get(&item) else {
            return Err(format!(
                "invariant broken: poll() returned item {item}, which no offer had accepted"
            ));
        };
        if departure > read_after {
            return Err(format!(
                "invariant broken: poll() handed out item {item}, which leaves at {departure} \
                 ns, while the clock read {read_after} ns: an item must not come out before its \
                 instant"
            ));
        }
        if let Some((other, before)) = previous.filter(|(_, before)| *before > departure) {
            return Err(format!(
                "invariant broken: poll() returned item {other} (leaving at {before} ns) before \
                 item {item} (leaving at {departure} ns): items come out in departure order"
            ));
        }
        previous = Some((item, departure));
    }
    for item in accepted.keys() {
        match seen.get(item).copied().unwrap_or(0) {
            1 => {}
            0 => {
                return Err(format!(
                    "invariant broken: item {item} was accepted but never came out of poll(), \
                     though the clock passed its instant: an item was lost"
                ))
            }
            n => {
                return Err(format!(
                    "invariant broken: item {item} came out of poll() {n} times; each accepted \
                     item must come out exactly once"
                ))
            }
        }
    }
    Ok(())
}

/// Polls until `None` with the clock at `at`, recording each item with `at`.
fn drain<B: ConcurrentShaper<u32, ManualClock>>(
    b: &B,
    clock: &ManualClock,
    at: u64,
    polled: &mut Vec<(u32, u64)>,
) {
    clock.set(at);
    while let Some(item) = b.poll() {
        polled.push((item, clock.now()));
    }
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: LeakyBucketFamily>(ctx: &mut Ctx) {
    ctx.check(
        "stress: 3 producers and a consumer share one bucket while the clock runs: nothing lost \
         or duplicated, never above capacity, departures one interval apart and in order",
        stress::<F>,
    );
}

/// Real threads: 3 producers offer new items until the clock has run its course (yielding after
/// each refusal, as a producer that backs off), the main thread polls and reads the level, and a
/// driver thread moves the clock 8 192 times, in rounds that alternate between leaking fast
/// (eight places open per step, which the producers race for: a schedule read and written in two
/// steps hands two items one instant) and barely at all (a tenth of a place per step: most
/// offers refused). Such a race is caught by some runs only; loom's scenarios catch it always.
#[cfg(not(kata_loom))]
fn stress<F: LeakyBucketFamily>() -> Result<(), String> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Barrier};

    const PRODUCERS: u32 = 3;
    const STEPS: u64 = 8_192;
    /// A producer stops after this many offers even if the clock has not run its course...
    const MAX_OFFERS: u32 = 200_000;
    /// ... and makes at least this many, however late it starts: the first `CAPACITY + 1`
    /// offers into the empty bucket are accepted whoever makes them.
    const MIN_OFFERS: u32 = 64;
    const CAPACITY: usize = 16;
    const INTERVAL: u64 = 1_000;
    const FAST: u64 = 8;
    let rate = Rate::new(1, std::time::Duration::from_nanos(INTERVAL));
    let clock = ManualClock::new();
    let bucket = Arc::new(
        F::Concurrent::<u32, ManualClock>::new(CAPACITY, rate, clock.clone())
            .map_err(|e| format!("ConcurrentLeakyBucket::new({CAPACITY}, {rate}): {e}"))?,
    );
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(PRODUCERS as usize + 2));
    let driver = {
        let (clock, stop, start) = (clock.clone(), Arc::clone(&stop), Arc::clone(&start));
        std::thread::spawn(move || -> Result<(), String> {
            start.wait();
            for i in 0..STEPS {
                // 256 steps of 4 intervals, then 256 of a tenth of one.
                let step = if (i >> 8) % 2 == 0 {
                    FAST * INTERVAL
                } else {
                    INTERVAL / 10
                };
                clock.advance_nanos(step);
                std::thread::yield_now();
            }
            stop.store(true, Ordering::SeqCst);
            Ok(())
        })
    };
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let (bucket, start, stop) =
                (Arc::clone(&bucket), Arc::clone(&start), Arc::clone(&stop));
            std::thread::spawn(move || {
                start.wait();
                crate::check::guarded(|| {
                    let mut offers = Offers::new();
                    for i in 0..MAX_OFFERS {
                        if i >= MIN_OFFERS && stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let out = offer(&*bucket, p * MAX_OFFERS + i);
                        if out.1.is_err() {
                            std::thread::yield_now();
                        }
                        offers.push(out);
                    }
                    offers
                })
                .map_err(|e| format!("producer thread {p}: {e}"))
            })
        })
        .collect();
    let mut polled = Vec::new();
    let mut levels = Vec::new();
    start.wait();
    let consumed = crate::check::guarded(|| {
        while producers.iter().any(|p| !p.is_finished()) {
            match bucket.poll() {
                Some(item) => polled.push((item, clock.now())),
                None => {
                    levels.push(bucket.level());
                    std::thread::yield_now();
                }
            }
        }
    });
    stop.store(true, Ordering::SeqCst);
    let mut offers = Vec::new();
    for p in producers {
        offers.push(crate::check::join_worker(p)?);
    }
    crate::check::join_worker(driver)?;
    consumed.map_err(|e| format!("the consumer (poll, level): {e}"))?;
    // Past every departure: the capacity's worth of intervals after the clock, and then some.
    let end = clock.now() + (CAPACITY as u64 + 2) * INTERVAL;
    let tail = crate::check::guarded(|| drain(&*bucket, &clock, end, &mut polled));
    tail.map_err(|e| format!("poll() at the end: {e}"))?;
    let accepted = offers.iter().flatten().filter(|o| o.1.is_ok()).count();
    if accepted <= CAPACITY {
        return Err(format!(
            "only {accepted} offers were accepted, but the bucket started empty: the first \
             {} offers fit (one leaves at once, {CAPACITY} wait)",
            CAPACITY + 1
        ));
    }
    audit(CAPACITY, INTERVAL, &offers, &polled, &levels)
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: LeakyBucketFamily>(ctx: &mut Ctx) {
    use loom::sync::Arc;
    use loom::thread;
    use std::time::Duration;

    /// One microsecond per item.
    const INTERVAL: u64 = 1_000;
    const RATE: Rate = Rate::new(1, Duration::from_nanos(INTERVAL));

    fn new<F: LeakyBucketFamily>(
        capacity: usize,
        clock: &ManualClock,
    ) -> Arc<F::Concurrent<u32, ManualClock>> {
        Arc::new(
            F::Concurrent::<u32, ManualClock>::new(capacity, RATE, clock.clone())
                .expect("valid config"),
        )
    }

    /// A producer thread offering `items` in order.
    fn producer<B: ConcurrentShaper<u32, ManualClock> + 'static>(
        b: &Arc<B>,
        items: &'static [u32],
    ) -> thread::JoinHandle<Offers> {
        let b = Arc::clone(b);
        thread::spawn(move || items.iter().map(|&i| offer(&*b, i)).collect())
    }

    ctx.check(
        "loom: two producers offer 1 and 2 items while the consumer polls: each item comes out \
         once or comes back, never above capacity, one interval apart",
        || {
            crate::check::loom_model(|| {
                let clock = ManualClock::new();
                // Capacity 2 at time 0: one leaves at once, two wait; all three fit.
                let b = new::<F>(2, &clock);
                let p1 = producer(&b, &[1]);
                let p2 = producer(&b, &[2, 3]);
                let mut polled = Vec::new();
                if let Some(item) = b.poll() {
                    polled.push((item, clock.now()));
                }
                let levels = vec![b.level()];
                let offers = vec![
                    p1.join().expect("producer 1"),
                    p2.join().expect("producer 2"),
                ];
                if let Some(refused) = offers.iter().flatten().find(|o| o.1.is_err()) {
                    return Err(format!(
                        "invariant broken: item {} was refused, but three offers at one instant \
                         fit a bucket of capacity 2 in any order (one leaves at once)",
                        refused.0
                    ));
                }
                drain(&*b, &clock, 10 * INTERVAL, &mut polled);
                audit(2, INTERVAL, &offers, &polled, &levels)
            })
        },
    );

    ctx.check(
        "loom: two producers race for the one place the clock frees while the consumer polls: \
         at most one gets it, never above capacity, one interval apart",
        || {
            crate::check::loom_model(|| {
                let clock = ManualClock::new();
                // Capacity 1: item 1 leaves at once, item 2 waits until 1 µs. Full.
                let b = new::<F>(1, &clock);
                let mut before = vec![offer(&*b, 1), offer(&*b, 2)];
                let p1 = producer(&b, &[3]);
                let p2 = producer(&b, &[4]);
                // The consumer moves the clock to 1 µs, freeing one place, and polls.
                clock.set(INTERVAL);
                let mut polled = Vec::new();
                let levels = vec![b.level()];
                while let Some(item) = b.poll() {
                    polled.push((item, clock.now()));
                }
                let mut offers = vec![
                    p1.join().expect("producer 1"),
                    p2.join().expect("producer 2"),
                ];
                let won = offers.iter().flatten().filter(|o| o.1.is_ok()).count();
                if won > 1 {
                    return Err(format!(
                        "invariant broken: both racing offers were accepted ({offers:?}), but the \
                         clock freed one place in a bucket of capacity 1"
                    ));
                }
                offers.push(std::mem::take(&mut before));
                drain(&*b, &clock, 10 * INTERVAL, &mut polled);
                audit(1, INTERVAL, &offers, &polled, &levels)
            })
        },
    );
}
