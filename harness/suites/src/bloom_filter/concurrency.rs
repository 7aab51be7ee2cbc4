//! Stage 3 of `bloom-filter`: the atomic filter shared by threads.
//!
//! The promises: an insert that has returned is seen by every `contains` that happens after it;
//! no interleaving of inserts loses a bit (the filter ends with exactly the bits one thread
//! inserting the same items would have set); of two threads inserting the same new item at once,
//! not both are told it was there; and no lock is taken.
//!
//! Built with `--cfg kata_loom`, small races are model-checked with loom over every interleaving
//! (up to the preemption bound), on a filter of 64 bits and 2 hashes, so that every bit is in one
//! word and the threads' `fetch_or`s meet there: two threads inserting items whose bits differ,
//! an insert published through a flag, and two threads inserting the same item. Built normally,
//! real threads insert 200 000 keys into one filter while others look up the keys already
//! inserted.

use super::BloomFilterFamily;
use crate::Ctx;

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: BloomFilterFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        &format!(
            "stress: AtomicBloomFilter, {WRITERS} threads insert {PER_WRITER} keys each while \
             {READERS} look up the keys already inserted: no false negative, no bit lost, no lock"
        ),
        || stress::<F::Atomic>(seed),
    );
}

#[cfg(not(kata_loom))]
const WRITERS: usize = 4;
#[cfg(not(kata_loom))]
const READERS: usize = 2;
#[cfg(not(kata_loom))]
const PER_WRITER: u64 = 50_000;

/// The `i`-th key of writer `w`: distinct for every (w, i), spread over the u64s.
#[cfg(not(kata_loom))]
fn key(seed: u64, w: usize, i: u64) -> u64 {
    crate::measure::SplitMix64::new(seed ^ ((w as u64) << 32 | i)).next_u64()
}

/// Real threads (see the module documentation): each writer publishes how far it has gone
/// (a Release store after each insert has returned), and each reader picks a writer, reads how
/// far it has gone (Acquire) and looks up a key below that mark, which must be found. After the
/// join, every key is found, and `bits_set` is that of a filter fed the same keys by one thread.
#[cfg(not(kata_loom))]
fn stress<A: kata_core::bloom_filter::ConcurrentFilter + 'static>(
    seed: u64,
) -> crate::check::Outcome {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::{Arc, Barrier};

    use super::subject::{lock_free, Kind};
    use crate::check::{guarded, join_worker};
    use crate::measure::SplitMix64;

    let items = WRITERS as u64 * PER_WRITER;
    let filter = Arc::new(
        A::with_rate(items, 0.01)
            .map_err(|e| format!("AtomicBloomFilter::with_rate({items}, 0.01) failed: {e}"))?,
    );
    let progress: Arc<Vec<AtomicU64>> = Arc::new((0..WRITERS).map(|_| AtomicU64::new(0)).collect());
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(WRITERS + READERS));

    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (filter, progress, start) = (
                Arc::clone(&filter),
                Arc::clone(&progress),
                Arc::clone(&start),
            );
            std::thread::spawn(move || -> Result<(), String> {
                start.wait();
                guarded(|| -> Result<(), String> {
                    for i in 0..PER_WRITER {
                        let k = key(seed, w, i);
                        lock_free(Kind::Atomic, "insert", || filter.insert(&k))?;
                        progress[w].store(i + 1, Ordering::Release);
                    }
                    Ok(())
                })?
                .map_err(|e| format!("writer thread {w}: {e}"))
            })
        })
        .collect();
    let readers: Vec<_> = (0..READERS)
        .map(|r| {
            let (filter, progress, start, done) = (
                Arc::clone(&filter),
                Arc::clone(&progress),
                Arc::clone(&start),
                Arc::clone(&done),
            );
            std::thread::spawn(move || -> Result<u64, String> {
                let mut rng = SplitMix64::new(seed ^ (0xA11CE + r as u64));
                start.wait();
                guarded(|| -> Result<u64, String> {
                    let mut looked = 0u64;
                    // One more round after the writers are done, so that every reader looks.
                    let mut last_round = false;
                    loop {
                        if done.load(Ordering::Acquire) {
                            last_round = true;
                        }
                        for _ in 0..256 {
                            let w = rng.below(WRITERS as u64) as usize;
                            let mark = progress[w].load(Ordering::Acquire);
                            if mark == 0 {
                                continue;
                            }
                            let i = rng.below(mark);
                            let k = key(seed, w, i);
                            looked += 1;
                            if !lock_free(Kind::Atomic, "contains", || filter.contains(&k))? {
                                return Err(format!(
                                    "reader thread {r}: contains(&{k}) returned false, but \
                                     writer {w}'s insert(&{k}) had returned before the reader \
                                     saw its progress mark ({mark} keys inserted; Release store \
                                     after the insert, Acquire load before the lookup): an \
                                     insert that has returned must be seen by every later \
                                     contains (set the bits with fetch_or on the shared words, \
                                     never a copy)"
                                ));
                            }
                        }
                        if last_round {
                            return Ok(looked);
                        }
                    }
                })?
            })
        })
        .collect();
    let mut failure = None;
    for w in writers {
        if let Err(e) = join_worker(w) {
            failure.get_or_insert(e);
        }
    }
    done.store(true, Ordering::Release);
    let mut looked = 0;
    for r in readers {
        match join_worker(r) {
            Ok(n) => looked += n,
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    for w in 0..WRITERS {
        for i in 0..PER_WRITER {
            let k = key(seed, w, i);
            if !filter.contains(&k) {
                return Err(format!(
                    "after every thread was joined, contains(&{k}) is false, but writer {w} \
                     inserted it ({i}th of its {PER_WRITER}): a bit was lost when two inserts \
                     met in one word (set bits with fetch_or, not a load then a store)"
                ));
            }
        }
    }
    let alone = A::with_rate(items, 0.01).map_err(|e| e.to_string())?;
    for w in 0..WRITERS {
        for i in 0..PER_WRITER {
            alone.insert(&key(seed, w, i));
        }
    }
    let (got, want) = (filter.bits_set(), alone.bits_set());
    if got != want {
        return Err(format!(
            "after {WRITERS} threads inserted {PER_WRITER} keys each, bits_set() is {got}, but a \
             filter of the same shape fed the same keys by one thread has {want}: {}",
            if got < want {
                "bits were lost when inserts met in one word (fetch_or returns the word before: \
                 count the bits it newly set from that, or count by popcount)"
            } else {
                "bits were counted twice when two threads set the same bit (count only the bits \
                 fetch_or newly set, or count by popcount)"
            }
        ));
    }
    if looked == 0 {
        return Err("the readers looked up nothing: the stress test did not run".to_owned());
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: BloomFilterFamily>(ctx: &mut Ctx) {
    lost_bit::<F::Atomic>(ctx);
    published::<F::Atomic>(ctx);
    same_item::<F::Atomic>(ctx);
}

/// The shape of every loom model: one 64-bit word, 2 hashes.
#[cfg(kata_loom)]
const SHAPE: (u64, u32) = (64, 2);

#[cfg(kata_loom)]
fn filter<A: kata_core::bloom_filter::ConcurrentFilter>() -> Result<A, String> {
    A::with_shape(SHAPE.0, SHAPE.1)
        .map_err(|e| format!("AtomicBloomFilter::with_shape(64, 2) failed: {e}"))
}

/// Two threads insert items whose bits differ, into one word: after the join both are found and
/// the bits set are those of the two inserted one after the other.
#[cfg(kata_loom)]
fn lost_bit<A: kata_core::bloom_filter::ConcurrentFilter + 'static>(ctx: &mut Ctx) {
    ctx.check(
        "loom: two threads insert different items into one 64-bit word at once: no bit lost",
        || {
            crate::check::loom_model(|| {
                // An item b that sets a bit a did not: found without threads, the same way in
                // every interleaving.
                let alone = filter::<A>()?;
                let a = 0u64;
                alone.insert(&a);
                let Some(b) = (1..10_000u64).find(|b| !alone.contains(b)) else {
                    return Err(
                        "AtomicBloomFilter::with_shape(64, 2) holding one item contains \
                                every other: it sets all its bits"
                            .to_owned(),
                    );
                };
                alone.insert(&b);
                let want = alone.bits_set();
                let shared = loom::sync::Arc::new(filter::<A>()?);
                let other = loom::sync::Arc::clone(&shared);
                let t = loom::thread::spawn(move || other.insert(&b));
                shared.insert(&a);
                t.join().expect("the inserting thread");
                let (has_a, has_b, got) =
                    (shared.contains(&a), shared.contains(&b), shared.bits_set());
                if has_a && has_b && got == want {
                    return Ok(());
                }
                Err(format!(
                    "invariant broken: two threads inserted {a} and {b} at once into an \
                     AtomicBloomFilter::with_shape(64, 2) (one word); afterwards contains(&{a}) \
                     is {has_a}, contains(&{b}) is {has_b} and bits_set() is {got}, where one \
                     thread inserting both gives true, true and {want}. {}",
                    if got < want || !has_a || !has_b {
                        "A bit was lost: both threads read the word, then each wrote back its own \
                         bits over the other's. Set bits with fetch_or, which reads and writes in \
                         one step"
                    } else {
                        "bits_set counts a bit twice: count the bits fetch_or newly set (from the \
                         word it returns), or count by popcount"
                    }
                ))
            })
        },
    );
}

/// One thread inserts an item then raises a flag (Release); another, seeing the flag (Acquire),
/// must find the item.
#[cfg(kata_loom)]
fn published<A: kata_core::bloom_filter::ConcurrentFilter + 'static>(ctx: &mut Ctx) {
    use kata_core::sync::atomic::{AtomicBool, Ordering};
    ctx.check(
        "loom: an insert that has returned is seen by a contains that happens after it",
        || {
            crate::check::loom_model(|| {
                let shared = loom::sync::Arc::new(filter::<A>()?);
                let flag = loom::sync::Arc::new(AtomicBool::new(false));
                let (f, fl) = (
                    loom::sync::Arc::clone(&shared),
                    loom::sync::Arc::clone(&flag),
                );
                let t = loom::thread::spawn(move || {
                    f.insert(&7u64);
                    fl.store(true, Ordering::Release);
                });
                let seen = flag.load(Ordering::Acquire) && !shared.contains(&7u64);
                t.join().expect("the inserting thread");
                if seen {
                    return Err("invariant broken: a thread inserted 7 into an \
                                AtomicBloomFilter, then set a flag (Release); another thread saw \
                                the flag (Acquire), then contains(&7) returned false: an insert \
                                that has returned must be seen by every contains after it (its \
                                bits set in the shared words before it returns)"
                        .to_owned());
                }
                if !shared.contains(&7u64) {
                    return Err("invariant broken: after the inserting thread was joined, \
                                contains(&7) returned false"
                        .to_owned());
                }
                Ok(())
            })
        },
    );
}

/// Two threads insert the same new item: not both are told it was already there, and it is found
/// with exactly its own bits.
#[cfg(kata_loom)]
fn same_item<A: kata_core::bloom_filter::ConcurrentFilter + 'static>(ctx: &mut Ctx) {
    ctx.check(
        "loom: two threads insert the same new item at once: at most one is told it was there",
        || {
            crate::check::loom_model(|| {
                let alone = filter::<A>()?;
                alone.insert(&9u64);
                let want = alone.bits_set();
                let shared = loom::sync::Arc::new(filter::<A>()?);
                let other = loom::sync::Arc::clone(&shared);
                let t = loom::thread::spawn(move || other.insert(&9u64));
                let mine = shared.insert(&9u64);
                let theirs = t.join().expect("the inserting thread");
                if mine && theirs {
                    return Err("invariant broken: two threads inserted 9, new, into an \
                                AtomicBloomFilter at once, and both inserts returned true (\"all \
                                its bits were set already\"); each bit was set first by one of \
                                them, who saw it unset: decide the result from the words \
                                fetch_or returns, not from a separate read after"
                        .to_owned());
                }
                let got = shared.bits_set();
                if !shared.contains(&9u64) || got != want {
                    return Err(format!(
                        "invariant broken: after two threads inserted 9 at once, contains(&9) is \
                         {} and bits_set() is {got}; one insert alone gives true and {want}{}",
                        shared.contains(&9u64),
                        if got > want {
                            ": a bit both threads set was counted twice (each saw it unset in a \
                             load before its fetch_or): count only the bits fetch_or newly set, \
                             from the word it returns, or count by popcount"
                        } else {
                            ": a bit was lost"
                        }
                    ));
                }
                Ok(())
            })
        },
    );
}
