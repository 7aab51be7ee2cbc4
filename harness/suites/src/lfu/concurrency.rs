//! Stage 3 of `lfu`: the sharded cache under concurrency.
//!
//! Built with `--cfg kata_loom`, this stage model-checks small scenarios with loom, exploring every
//! interleaving up to a small preemption bound. Built normally, it runs real-thread stress tests.
//! Both check *conservation*: every value put is, at the end, either still in the cache or was
//! handed back exactly once (by the `put` that evicted or replaced it, or by the `remove` that took
//! it), and `len()` counts exactly the entries present. And both check that no use is lost: a key
//! used `n` times by any threads since its insertion has a count of `1 + n`. An operation that is
//! not atomic loses or duplicates a value, miscounts, or loses an increment.

use std::collections::HashMap;

use kata_core::lfu::ConcurrentCache;

use super::LfuFamily;
use crate::Ctx;

/// Checks conservation over `put` values `0..n_values` (each put once), given what the
/// operations handed back and what is left (`remaining`), and `len` against `capacity`.
fn conservation(
    n_values: u32,
    handed_back: &[u32],
    remaining: &[u32],
    len: usize,
    capacity: usize,
) -> Result<(), String> {
    if remaining.len() > capacity {
        return Err(format!(
            "invariant broken: the cache holds {} entries but its capacity is {capacity}: two \
             inserts both found room that only one of them had (check-then-act)",
            remaining.len()
        ));
    }
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for v in handed_back.iter().chain(remaining) {
        *seen.entry(*v).or_default() += 1;
    }
    for v in 0..n_values {
        match seen.get(&v).copied().unwrap_or(0) {
            1 => {}
            0 => {
                return Err(format!(
                    "invariant broken: value {v} was put, but is neither in the cache nor was it \
                     returned by any put or remove: an update was lost (an operation is not atomic)"
                ))
            }
            n => {
                return Err(format!(
                    "invariant broken: value {v} was returned or found {n} times; each value must \
                     leave the cache exactly once (an operation is not atomic)"
                ))
            }
        }
    }
    if len != remaining.len() {
        return Err(format!(
            "invariant broken: len() is {len} but the cache holds {} entries",
            remaining.len()
        ));
    }
    Ok(())
}

/// Checks that `key`'s count is `expected` after `what`.
fn count(key: u32, got: Option<u64>, expected: u64, what: &str) -> Result<(), String> {
    if got == Some(expected) {
        return Ok(());
    }
    Err(format!(
        "invariant broken: {what}, frequency(&{key}) is {got:?}, expected Some({expected}): {}",
        match got {
            Some(n) if n < expected =>
                "an increment was lost (two uses read the same count and \
                                        both wrote it back plus 1: the count is not updated \
                                        under the shard's lock, or not atomically)",
            Some(_) => "a use was counted twice",
            None => "the key is gone, though nothing evicted or removed it",
        }
    ))
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress tests
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: LfuFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        "stress: 4 threads, 20 000 random operations each, conservation holds",
        || stress::<F>(seed),
    );
    let seed = ctx.sub_seed(4);
    ctx.check(
        "stress: 4 threads use the same 4 keys 20 000 times each, no use is lost from a count",
        || stress_counts::<F>(seed),
    );
}

/// Random puts, gets and removes over more keys than the capacity: conservation, values under
/// the right keys, `len() <= capacity`, counts of held keys at least 1.
#[cfg(not(kata_loom))]
fn stress<F: LfuFamily>(seed: u64) -> Result<(), String> {
    use std::sync::Arc;
    const THREADS: u32 = 4;
    const OPS: u32 = 20_000;
    const KEYS: u64 = 256;
    let cache = Arc::new(
        F::Sharded::<u64, u32>::with_shards(64, 8)
            .map_err(|e| format!("with_shards(64, 8): {e}"))?,
    );
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let cache = Arc::clone(&cache);
            std::thread::spawn(move || -> Result<(Vec<u32>, u32), String> {
                crate::check::guarded(|| -> Result<(Vec<u32>, u32), String> {
                    let mut rng = crate::measure::SplitMix64::new(seed ^ u64::from(t));
                    let mut back = Vec::new();
                    let mut puts = 0u32;
                    for _ in 0..OPS {
                        let key = rng.below(KEYS);
                        match rng.below(12) {
                            0..=4 => {
                                // Values are unique: thread in the top bits, sequence below; the
                                // key is recoverable as `value % KEYS` to check for crossed wires.
                                let value = (t * OPS + puts) * KEYS as u32 + key as u32;
                                puts += 1;
                                if let Some((k, v)) = cache.put(key, value) {
                                    if u64::from(v) % KEYS != k {
                                        return Err(format!(
                                            "put returned ({k}, {v}): that value was put under \
                                             key {}",
                                            u64::from(v) % KEYS
                                        ));
                                    }
                                    back.push(v);
                                }
                            }
                            5..=7 => {
                                if let Some(v) = cache.get(&key) {
                                    if u64::from(v) % KEYS != key {
                                        return Err(format!(
                                            "get(&{key}) returned {v}, a value put under key {}",
                                            u64::from(v) % KEYS
                                        ));
                                    }
                                }
                            }
                            8 => {
                                if let Some(0) = cache.frequency(&key) {
                                    return Err(format!(
                                        "frequency(&{key}) returned Some(0): a held entry has \
                                         been used at least once, by the put that inserted it"
                                    ));
                                }
                            }
                            9 => {
                                if let Some(v) = cache.peek(&key) {
                                    if u64::from(v) % KEYS != key {
                                        return Err(format!(
                                            "peek(&{key}) returned {v}, a value put under key {}",
                                            u64::from(v) % KEYS
                                        ));
                                    }
                                }
                            }
                            _ => back.extend(cache.remove(&key)),
                        }
                        if cache.len() > 64 {
                            return Err(format!(
                                "len() is {} with capacity 64, and must never read more than \
                                 the capacity, even for an instant: either two inserts found \
                                 room that only one of them had (decide and insert under one \
                                 lock), or a total kept beside the shards moved after the \
                                 shard's unlock (a removal counted late lets another thread's \
                                 insert into the freed slot be counted first)",
                                cache.len()
                            ));
                        }
                    }
                    Ok((back, puts))
                })?
            })
        })
        .collect();
    let mut back = Vec::new();
    let mut put_values = Vec::new();
    for (t, h) in handles.into_iter().enumerate() {
        let (b, puts) =
            crate::check::join_worker(h).map_err(|e| format!("worker thread {t}: {e}"))?;
        back.extend(b);
        put_values.extend((0..puts).map(|p| (t as u32 * OPS + p) * KEYS as u32));
    }
    for k in 0..KEYS {
        let (value, frequency) = (cache.peek(&k), cache.frequency(&k));
        if value.is_some() != frequency.is_some_and(|n| n >= 1) {
            return Err(format!(
                "at the end, peek(&{k}) is {value:?} but frequency(&{k}) is {frequency:?}: a held \
                 key has a count of at least 1, an absent one none"
            ));
        }
    }
    let remaining: Vec<u32> = (0..KEYS).filter_map(|k| cache.peek(&k)).collect();
    // Renumber values to 0..n for the conservation check.
    let index: HashMap<u32, u32> = put_values
        .iter()
        .enumerate()
        .map(|(i, base)| (*base, i as u32))
        .collect();
    let renumber = |v: &u32| index[&(v - v % KEYS as u32)];
    let back: Vec<u32> = back.iter().map(renumber).collect();
    let remaining: Vec<u32> = remaining.iter().map(renumber).collect();
    conservation(put_values.len() as u32, &back, &remaining, cache.len(), 64)
}

/// Gets and puts of keys that are all held and can never be evicted (each shard has room for
/// every key): every call must find its key, and at the end each key's count is 1 plus the uses
/// of all threads.
#[cfg(not(kata_loom))]
fn stress_counts<F: LfuFamily>(seed: u64) -> Result<(), String> {
    use std::sync::Arc;
    const THREADS: u64 = 4;
    const OPS: u64 = 20_000;
    // Few keys, so that the threads contend for each of them all the time.
    const KEYS: u64 = 4;
    // 4 shards of 16: whatever the hash, no shard can fill up with 4 keys.
    let cache = Arc::new(
        F::Sharded::<u64, u64>::with_shards(64, 4)
            .map_err(|e| format!("with_shards(64, 4): {e}"))?,
    );
    for k in 0..KEYS {
        if let Some(out) = cache.put(k, k) {
            return Err(format!(
                "put({k}, {k}) into a cache with room to spare returned {out:?}"
            ));
        }
    }
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let cache = Arc::clone(&cache);
            std::thread::spawn(move || -> Result<Vec<u64>, String> {
                crate::check::guarded(|| -> Result<Vec<u64>, String> {
                    let mut rng = crate::measure::SplitMix64::new(seed ^ t);
                    let mut uses = vec![0u64; KEYS as usize];
                    for i in 0..OPS {
                        let key = rng.below(KEYS);
                        let rng_put = rng.below(4) == 0;
                        let got = if rng_put {
                            let value = ((t * OPS + i) << 8) | key;
                            cache.put(key, value).map(|(k, v)| (k == key, v))
                        } else {
                            cache.get(&key).map(|v| (true, v))
                        };
                        match got {
                            Some((true, v)) if v & 0xff == key => {}
                            other => {
                                return Err(format!(
                                    "key {key} is held and cannot be evicted, but {} returned \
                                     {other:?} as (the key is {key}, the value): expected a value \
                                     put under {key} (those have {key} in their low byte)",
                                    if rng_put {
                                        "a put of it"
                                    } else {
                                        "a get of it"
                                    }
                                ))
                            }
                        }
                        uses[key as usize] += 1;
                    }
                    Ok(uses)
                })?
            })
        })
        .collect();
    let mut uses = vec![0u64; KEYS as usize];
    for (t, h) in handles.into_iter().enumerate() {
        let mine = crate::check::join_worker(h).map_err(|e| format!("worker thread {t}: {e}"))?;
        for (total, n) in uses.iter_mut().zip(mine) {
            *total += n;
        }
    }
    for k in 0..KEYS {
        count(
            k as u32,
            cache.frequency(&k),
            1 + uses[k as usize],
            &format!(
                "after its put and {} gets and puts by {THREADS} threads",
                uses[k as usize]
            ),
        )?;
    }
    if cache.len() != KEYS as usize {
        return Err(format!(
            "len() is {} after putting {KEYS} keys that nothing evicted or removed",
            cache.len()
        ));
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress tests
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: LfuFamily>(ctx: &mut Ctx) {
    use loom::sync::Arc;
    use loom::thread;

    type Sharded<F> = <F as LfuFamily>::Sharded<u32, u32>;
    type Shared<F> = Arc<Sharded<F>>;

    /// A cache of `capacity` in one shard (so every key contends), with `setup` applied.
    fn cache<F: LfuFamily>(capacity: usize, setup: &[(u32, u32)]) -> Shared<F> {
        let c = Sharded::<F>::with_shards(capacity, 1).expect("with_shards(capacity, 1)");
        for &(k, v) in setup {
            c.put(k, v);
        }
        Arc::new(c)
    }

    /// Runs `a` and `b` on two threads at once; what each returned.
    fn race<F: LfuFamily, T: Send + 'static>(
        cache: &Shared<F>,
        a: fn(&Sharded<F>) -> T,
        b: fn(&Sharded<F>) -> T,
    ) -> [T; 2] {
        let spawn = |op: fn(&Sharded<F>) -> T| {
            let c = Arc::clone(cache);
            thread::spawn(move || op(&c))
        };
        let (ta, tb) = (spawn(a), spawn(b));
        [ta.join().expect("thread"), tb.join().expect("thread")]
    }

    /// The values handed back by both threads.
    fn back(out: [Option<u32>; 2]) -> Vec<u32> {
        out.into_iter().flatten().collect()
    }

    /// The values under `keys` left in the cache.
    fn remaining<F: LfuFamily>(cache: &Shared<F>, keys: std::ops::Range<u32>) -> Vec<u32> {
        keys.filter_map(|k| cache.peek(&k)).collect()
    }

    ctx.check(
        "loom: two new keys put concurrently into a full cache of capacity 2",
        || {
            crate::check::loom_model(|| {
                let c = cache::<F>(2, &[(0, 0), (1, 1)]);
                let out = race::<F, _>(
                    &c,
                    |c| c.put(2, 2).map(|e| e.1),
                    |c| c.put(3, 3).map(|e| e.1),
                );
                conservation(4, &back(out), &remaining::<F>(&c, 0..4), c.len(), 2)?;
                for k in [2, 3] {
                    count(k, c.frequency(&k), 1, "after both puts, for a newcomer")?;
                }
                Ok(())
            })
        },
    );

    ctx.check("loom: the same key put by two threads at once", || {
        crate::check::loom_model(|| {
            let c = cache::<F>(2, &[]);
            let out = race::<F, _>(
                &c,
                |c| c.put(7, 0).map(|e| e.1),
                |c| c.put(7, 1).map(|e| e.1),
            );
            conservation(2, &back(out), &remaining::<F>(&c, 7..8), c.len(), 2)?;
            count(
                7,
                c.frequency(&7),
                2,
                "after two puts of key 7 into an empty cache",
            )
        })
    });

    ctx.check("loom: two gets of one key each add 1 to its count", || {
        crate::check::loom_model(|| {
            let c = cache::<F>(2, &[(3, 30)]);
            let out = race::<F, _>(&c, |c| c.get(&3), |c| c.get(&3));
            if out != [Some(30), Some(30)] {
                return Err(format!(
                    "invariant broken: two gets of key 3, which holds 30, returned {out:?}"
                ));
            }
            count(
                3,
                c.frequency(&3),
                3,
                "after put(3, 30) and two concurrent gets",
            )
        })
    });

    ctx.check(
        "loom: a get racing a put sees the old or the new value",
        || {
            crate::check::loom_model(|| {
                let c = cache::<F>(2, &[(5, 0)]);
                let [got, put] = race::<F, _>(&c, |c| c.get(&5).map(|v| (5, v)), |c| c.put(5, 1));
                if !matches!(got, Some((5, 0 | 1))) {
                    return Err(format!(
                    "invariant broken: get(&5) racing put(5, 1), when 5 held 0, returned {:?}; \
                     expected Some(0) or Some(1)",
                    got.map(|e| e.1)
                ));
                }
                if put != Some((5, 0)) {
                    return Err(format!(
                    "invariant broken: put(5, 1) racing get(&5), when 5 held 0, returned {put:?}; \
                     expected Some((5, 0))"
                ));
                }
                if c.peek(&5) != Some(1) {
                    return Err(format!(
                        "invariant broken: after the race, peek(&5) is {:?}, expected Some(1)",
                        c.peek(&5)
                    ));
                }
                count(
                    5,
                    c.frequency(&5),
                    3,
                    "after put(5, 0), then a get and a put at once",
                )
            })
        },
    );

    ctx.check("loom: put and remove of one key race", || {
        crate::check::loom_model(|| {
            let c = cache::<F>(2, &[(5, 0)]);
            let out = race::<F, _>(&c, |c| c.put(5, 1).map(|e| e.1), |c| c.remove(&5));
            conservation(2, &back(out), &remaining::<F>(&c, 5..6), c.len(), 2)
        })
    });

    ctx.check(
        "loom: a get racing the eviction of its key sees it whole or not at all",
        || {
            crate::check::loom_model(|| {
                let c = cache::<F>(1, &[(0, 0)]);
                let [got, put] = race::<F, _>(&c, |c| c.get(&0).map(|v| (0, v)), |c| c.put(1, 1));
                if !matches!(got, None | Some((0, 0))) {
                    return Err(format!(
                        "invariant broken: get(&0) racing put(1, 1), when 0 held 0, returned {:?}",
                        got.map(|e| e.1)
                    ));
                }
                if put != Some((0, 0)) {
                    return Err(format!(
                        "invariant broken: put(1, 1) into a full cache of capacity 1 holding \
                         (0, 0) returned {put:?}; expected Some((0, 0)) (the newcomer is never \
                         its own victim)"
                    ));
                }
                let left = (c.peek(&0), c.peek(&1), c.len());
                if left != (None, Some(1), 1) {
                    return Err(format!(
                        "invariant broken: after the race, (peek(&0), peek(&1), len()) is \
                         {left:?}; expected (None, Some(1), 1)"
                    ));
                }
                count(1, c.frequency(&1), 1, "after put(1, 1) evicted 0")
            })
        },
    );

    ctx.check(
        "loom: len() counts concurrent inserts and removals exactly",
        || {
            crate::check::loom_model(|| {
                let c = cache::<F>(4, &[(1, 0)]);
                let out = race::<F, _>(&c, |c| c.put(2, 1).map(|e| e.1), |c| c.remove(&1));
                conservation(2, &back(out), &remaining::<F>(&c, 1..3), c.len(), 4)
            })
        },
    );
}
