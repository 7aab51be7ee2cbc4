//! Stage 3 of `sliding-window`: the keyed limiter shared by threads.
//!
//! The invariant: for every key, concurrent requests are decided as that key's own limiter would
//! decide them in some order, so a key never gets more than its limit in a window, and forgetting
//! idle keys never loses a request that was just admitted. Built with `--cfg kata_loom`, small
//! races are model-checked with loom over every interleaving (up to the preemption bound) on the
//! exact limiters (`FixedWindow`, `SlidingLog`): threads racing for one key, and a key's expiry
//! racing an acquire of it. Built normally, real threads hammer many keys in phases, the clock
//! fixed within a phase, so that the exact number each key must admit is known: every limiter's
//! count must match its model's, key by key and phase by phase.

use super::SlidingWindowFamily;
use crate::Ctx;

#[cfg(not(kata_loom))]
use super::model::Kind;

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress tests
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: SlidingWindowFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    for (kind, stress) in [
        (
            Kind::Fixed,
            stress::<F, F::Fixed> as fn(Kind, u64) -> crate::check::Outcome,
        ),
        (Kind::Log, stress::<F, F::Log>),
        (Kind::Counter, stress::<F, F::Counter>),
    ] {
        ctx.check(
            &format!(
                "stress: Keyed<_, {}, _>, {THREADS} threads, {KEYS} keys coming and going over \
                 {PHASES} clock readings: each key admits exactly what its own limiter would",
                kind.type_name()
            ),
            || stress(kind, seed),
        );
    }
}

#[cfg(not(kata_loom))]
const THREADS: usize = 4;
#[cfg(not(kata_loom))]
const KEYS: u32 = 128;
#[cfg(not(kata_loom))]
const PHASES: usize = 150;

/// Real threads on one keyed limiter (limit 3, W = 1 000 ns). In each phase the clock is set
/// (moved by a fraction of a window up to a few windows), and every thread requests each key in
/// use in that phase twice, in an order of its own: 8 requests per key at one time, more than the
/// limit, so that however they interleave, the number admitted is exactly what one limiter fed 8
/// requests at that time admits. Keys come and go (a quarter sit out each phase, and the longer
/// steps leave every key idle), so the sweeps for idle keys race the acquires. Between phases,
/// `len()` must keep the 3-window promise.
#[cfg(not(kata_loom))]
fn stress<F: SlidingWindowFamily, W: kata_core::sliding_window::WindowLimiter + Send + Sync + 'static>(
    kind: Kind,
    seed: u64,
) -> crate::check::Outcome {
    use std::collections::HashMap;
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    use kata_core::clock::ManualClock;
    use kata_core::sliding_window::KeyedLimiter;

    use super::model::Model;
    use crate::check::{guarded, join_worker};
    use crate::measure::SplitMix64;

    const LIMIT: u64 = 3;
    const WINDOW: u64 = 1_000;
    const PER_THREAD: usize = 2;
    let name = kind.type_name();
    let window = Duration::from_nanos(WINDOW);

    // The plan: each phase's time, and which keys sit it out.
    let mut rng = SplitMix64::new(seed);
    let steps = [
        1,
        WINDOW / 3,
        WINDOW / 2,
        WINDOW - 1,
        WINDOW,
        WINDOW + 1,
        2 * WINDOW,
        4 * WINDOW,
    ];
    let mut now = 0u64;
    let plan: Arc<Vec<(u64, Vec<u32>)>> = Arc::new(
        (0..PHASES)
            .map(|_| {
                now += steps[rng.below(steps.len() as u64) as usize];
                let active = (0..KEYS).filter(|_| rng.below(4) != 0).collect();
                (now, active)
            })
            .collect(),
    );

    let clock = ManualClock::new();
    let keyed = Arc::new(
        F::Keyed::<u32, W, ManualClock>::new(LIMIT, window, clock.clone()).map_err(|e| {
            format!("Keyed::<u32, {name}, ManualClock>::new({LIMIT}, 1 000 ns, clock) failed: {e}")
        })?,
    );
    let start = Arc::new(Barrier::new(THREADS + 1));
    let end = Arc::new(Barrier::new(THREADS + 1));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (keyed, plan) = (Arc::clone(&keyed), Arc::clone(&plan));
            let (start, end) = (Arc::clone(&start), Arc::clone(&end));
            let mut rng = SplitMix64::new(seed ^ (t as u64 + 1).wrapping_mul(0x9E37_79B9));
            std::thread::spawn(move || -> Result<Vec<Vec<u32>>, String> {
                // Admitted per phase, per key. A panic is kept and the thread goes on meeting the
                // others at the barriers, so that nobody waits for it forever.
                let mut admitted = vec![vec![0u32; KEYS as usize]; plan.len()];
                let mut failed = None;
                for (phase, (_, active)) in plan.iter().enumerate() {
                    start.wait();
                    if failed.is_none() {
                        let mut order: Vec<u32> =
                            active.iter().flat_map(|&k| [k; PER_THREAD]).collect();
                        for i in (1..order.len()).rev() {
                            order.swap(i, rng.below(i as u64 + 1) as usize);
                        }
                        let counts = &mut admitted[phase];
                        if let Err(e) = guarded(|| {
                            for key in order {
                                if keyed.try_acquire(&key) {
                                    counts[key as usize] += 1;
                                }
                            }
                        }) {
                            failed = Some(format!("worker thread {t}: {e}"));
                        }
                    }
                    end.wait();
                }
                failed.map_or(Ok(admitted), Err)
            })
        })
        .collect();

    // The same requests on a model per key, phase by phase: what each key must admit.
    let mut models: HashMap<u32, Model> = HashMap::new();
    let mut expected = vec![vec![0u32; KEYS as usize]; plan.len()];
    let mut broken = None;
    for (phase, (t, active)) in plan.iter().enumerate() {
        clock.set(*t);
        start.wait();
        end.wait();
        for &key in active {
            let m = models
                .entry(key)
                .or_insert_with(|| Model::new(kind, LIMIT, window).expect("valid"));
            expected[phase][key as usize] = (0..THREADS * PER_THREAD)
                .filter(|_| m.try_acquire(*t))
                .count() as u32;
        }
        if broken.is_none() {
            let len = keyed.len();
            let most = models
                .values()
                .filter(|m| m.latest() + 3 * WINDOW > *t)
                .count();
            if len > most {
                broken = Some(format!(
                    "Keyed<_, {name}, _>: at {t} ns, after every thread's requests, len() is \
                     {len}, but only {most} keys had a request after {t} - 3 x 1 000 ns: idle \
                     keys must be forgotten"
                ));
            }
        }
    }
    let mut totals = vec![vec![0u32; KEYS as usize]; plan.len()];
    for w in workers {
        let counts = join_worker(w)?;
        for (total, mine) in totals.iter_mut().zip(counts) {
            for (a, b) in total.iter_mut().zip(mine) {
                *a += b;
            }
        }
    }
    for (phase, (t, active)) in plan.iter().enumerate() {
        for &key in active {
            let (got, want) = (totals[phase][key as usize], expected[phase][key as usize]);
            if got != want {
                return Err(format!(
                    "Keyed<_, {name}, _> (limit {LIMIT}, W = 1 000 ns): at {t} ns, {THREADS} \
                     threads made {} requests for key {key} at once; {got} were admitted, but a \
                     {name} of the key's own admits exactly {want} of them then, whatever their \
                     order. {}",
                    THREADS * PER_THREAD,
                    if got > want {
                        "Concurrent requests were admitted beyond the limit: the decision and \
                         the count must happen under the key's lock, in one step"
                    } else {
                        "Admitted requests were lost, or requests refused that fit: a key's \
                         state must not be replaced or forgotten while another thread uses it"
                    }
                ));
            }
        }
    }
    broken.map_or(Ok(()), Err)
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress tests
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: SlidingWindowFamily>(ctx: &mut Ctx) {
    same_key::<F, F::Fixed>(ctx, "FixedWindow", 2, 3);
    same_key::<F, F::Log>(ctx, "SlidingLog", 1, 2);
    expiry::<F, F::Fixed>(ctx, "FixedWindow");
    expiry::<F, F::Log>(ctx, "SlidingLog");
}

#[cfg(kata_loom)]
type Shared<F, W> =
    loom::sync::Arc<<F as SlidingWindowFamily>::Keyed<u32, W, kata_core::clock::ManualClock>>;

/// A keyed limiter (window 100 ns) on a new clock at 0, shared.
#[cfg(kata_loom)]
fn shared<F: SlidingWindowFamily, W: kata_core::sliding_window::WindowLimiter + Send + Sync + 'static>(
    limit: u64,
) -> (Shared<F, W>, kata_core::clock::ManualClock) {
    use kata_core::sliding_window::KeyedLimiter;
    let clock = kata_core::clock::ManualClock::new();
    let keyed =
        F::Keyed::<u32, W, _>::new(limit, std::time::Duration::from_nanos(100), clock.clone())
            .expect("a valid configuration");
    (loom::sync::Arc::new(keyed), clock)
}

/// One thread per key in `keys`, each `try_acquire` once, all at once; what each returned.
#[cfg(kata_loom)]
fn race<F: SlidingWindowFamily, W: kata_core::sliding_window::WindowLimiter + Send + Sync + 'static>(
    keyed: &Shared<F, W>,
    keys: &[u32],
) -> Vec<bool> {
    use kata_core::sliding_window::KeyedLimiter;
    let threads: Vec<_> = keys
        .iter()
        .map(|&key| {
            let keyed = loom::sync::Arc::clone(keyed);
            loom::thread::spawn(move || keyed.try_acquire(&key))
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect()
}

/// `threads` threads request one key of a keyed limiter of limit `limit`: exactly `limit` are
/// admitted.
#[cfg(kata_loom)]
fn same_key<
    F: SlidingWindowFamily,
    W: kata_core::sliding_window::WindowLimiter + Send + Sync + 'static,
>(
    ctx: &mut Ctx,
    wname: &'static str,
    limit: u64,
    threads: usize,
) {
    ctx.check(
        &format!(
            "loom: {threads} threads request one key of a Keyed<_, {wname}, _> of limit {limit} at \
             once: exactly {limit} admitted"
        ),
        move || {
            crate::check::loom_model(move || {
                let (keyed, _clock) = shared::<F, W>(limit);
                let admitted = race::<F, W>(&keyed, &vec![7; threads])
                    .into_iter()
                    .filter(|a| *a)
                    .count() as u64;
                if admitted == limit {
                    return Ok(());
                }
                Err(format!(
                    "invariant broken: {admitted} of {threads} concurrent try_acquire(&7) were \
                     admitted by a Keyed<_, {wname}, _> of limit {limit}, at one instant, with \
                     key 7 new; exactly {limit} must be. {}",
                    if admitted > limit {
                        "Two threads both saw room for one request (check-then-act): decide and \
                         count under the key's lock, in one step; or two threads each inserted a \
                         new limiter for the key, and one replaced the other"
                    } else {
                        "A request that fit was refused, or an admitted one's count was lost"
                    }
                ))
            })
        },
    );
}

/// Key 1 is idle (its request was 2.5 windows ago, and a sweep is due); one thread requests it
/// while another requests key 2, and either request may sweep. The request for key 1 must be
/// admitted and must stay counted: a further request for it, at the same time, is refused.
#[cfg(kata_loom)]
fn expiry<F: SlidingWindowFamily, W: kata_core::sliding_window::WindowLimiter + Send + Sync + 'static>(
    ctx: &mut Ctx,
    wname: &'static str,
) {
    use kata_core::sliding_window::KeyedLimiter;
    ctx.check(
        &format!(
            "loom: Keyed<_, {wname}, _>: an idle key requested while another key's request sweeps \
             idle keys: its admission is not lost"
        ),
        move || {
            crate::check::loom_model(move || {
                let (keyed, clock) = shared::<F, W>(1);
                if !keyed.try_acquire(&1) {
                    return Err(format!(
                        "Keyed<_, {wname}, _> of limit 1 refused the first request for key 1"
                    ));
                }
                clock.set(250);
                let got = race::<F, W>(&keyed, &[1, 2]);
                if got != [true, true] {
                    return Err(format!(
                        "invariant broken: at 250 ns, with key 1 idle since its request at 0 (W = \
                         100 ns, limit 1), concurrent first requests for keys 1 and 2 returned \
                         {got:?}; both must be admitted"
                    ));
                }
                for key in [1, 2] {
                    if keyed.try_acquire(&key) {
                        return Err(format!(
                            "invariant broken: Keyed<_, {wname}, _> of limit 1: key 1, idle, and \
                             key 2, new, were requested at once at 250 ns, when a sweep for idle \
                             keys was due; then a second request for key {key} at 250 ns was \
                             admitted too: the first one's count was lost. The sweep removed the \
                             key after (or while) its request was counted: check idleness and \
                             remove under the same lock the acquire decides under (retain under \
                             the shard's lock), and never count into a limiter taken out of the \
                             map before the lock is held"
                        ));
                    }
                }
                if keyed.len() != 2 {
                    return Err(format!(
                        "invariant broken: after keys 1 and 2 were admitted at 250 ns, len() is \
                         {}, expected 2",
                        keyed.len()
                    ));
                }
                Ok(())
            })
        },
    );
}
