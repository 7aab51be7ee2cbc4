//! Stage 3 of `lru`: the sharded cache under concurrency.
//!
//! Built with `--cfg kata_loom`, this stage model-checks small scenarios with loom, exploring every
//! interleaving up to a small preemption bound. Built normally, it runs a real-thread stress test.
//! Both check the same invariant, *conservation*: every value put is, at the end, either still in
//! the cache or was handed back exactly once (by the `put` that evicted or replaced it, or by the
//! `remove` that took it), and `len()` counts exactly the entries present. An operation that is not
//! atomic loses or duplicates a value, or miscounts.

use std::collections::HashMap;

use kata_core::lru::ConcurrentCache;

use super::LruFamily;
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

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: LruFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        "stress: 4 threads, 20 000 random operations each, conservation holds",
        || stress::<F>(seed),
    );
}

#[cfg(not(kata_loom))]
fn stress<F: LruFamily>(seed: u64) -> Result<(), String> {
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
                        match rng.below(10) {
                            0..=4 => {
                                // Values are unique: thread in the top bits, sequence below; the
                                // key is recoverable as `value % KEYS` to check for crossed wires.
                                let value = (t * OPS + puts) * KEYS as u32 + key as u32;
                                puts += 1;
                                if let Some((k, v)) = cache.put(key, value) {
                                    if u64::from(v) % KEYS != k {
                                        return Err(format!(
                                        "put returned ({k}, {v}): that value was put under key {}",
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

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: LruFamily>(ctx: &mut Ctx) {
    use loom::sync::Arc;
    use loom::thread;

    type Shared<F> = Arc<<F as LruFamily>::Sharded<u32, u32>>;

    /// A cache of `capacity` in one shard (so every key contends), with `setup` applied.
    fn cache<F: LruFamily>(capacity: usize, setup: &[(u32, u32)]) -> Shared<F> {
        let c = F::Sharded::<u32, u32>::with_shards(capacity, 1).expect("with_shards(capacity, 1)");
        for &(k, v) in setup {
            c.put(k, v);
        }
        Arc::new(c)
    }

    /// Runs `a` and `b` on two threads at once; the values they handed back.
    fn race<F: LruFamily>(
        cache: &Shared<F>,
        a: fn(&F::Sharded<u32, u32>) -> Option<u32>,
        b: fn(&F::Sharded<u32, u32>) -> Option<u32>,
    ) -> Vec<u32> {
        let threads: Vec<_> = [a, b]
            .into_iter()
            .map(|op| {
                let c = Arc::clone(cache);
                thread::spawn(move || op(&c))
            })
            .collect();
        threads
            .into_iter()
            .filter_map(|t| t.join().expect("thread"))
            .collect()
    }

    /// The values under `keys` left in the cache.
    fn remaining<F: LruFamily>(cache: &Shared<F>, keys: std::ops::Range<u32>) -> Vec<u32> {
        keys.filter_map(|k| cache.peek(&k)).collect()
    }

    ctx.check(
        "loom: two new keys put concurrently into a full cache of capacity 1",
        || {
            crate::check::loom_model(|| {
                let c = cache::<F>(1, &[(0, 0)]);
                let back = race::<F>(
                    &c,
                    |c| c.put(1, 1).map(|e| e.1),
                    |c| c.put(2, 2).map(|e| e.1),
                );
                conservation(3, &back, &remaining::<F>(&c, 0..3), c.len(), 1)
            })
        },
    );

    ctx.check("loom: the same key put by two threads at once", || {
        crate::check::loom_model(|| {
            let c = cache::<F>(2, &[]);
            let back = race::<F>(
                &c,
                |c| c.put(7, 0).map(|e| e.1),
                |c| c.put(7, 1).map(|e| e.1),
            );
            conservation(2, &back, &remaining::<F>(&c, 7..8), c.len(), 2)
        })
    });

    ctx.check("loom: put and remove of one key race", || {
        crate::check::loom_model(|| {
            let c = cache::<F>(2, &[(5, 0)]);
            let back = race::<F>(&c, |c| c.put(5, 1).map(|e| e.1), |c| c.remove(&5));
            conservation(2, &back, &remaining::<F>(&c, 5..6), c.len(), 2)
        })
    });

    ctx.check(
        "loom: len() counts concurrent inserts and removals exactly",
        || {
            crate::check::loom_model(|| {
                let c = cache::<F>(4, &[(1, 0)]);
                let back = race::<F>(&c, |c| c.put(2, 1).map(|e| e.1), |c| c.remove(&1));
                conservation(2, &back, &remaining::<F>(&c, 1..3), c.len(), 4)
            })
        },
    );
}
