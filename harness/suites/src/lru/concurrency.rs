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

#[cfg(not(kata_loom))]
pub(super) fn run<F: LruFamily>(ctx: &mut Ctx) {
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
                        return Err(format!("len() is {} with capacity 64", cache.len()));
                    }
                }
                Ok((back, puts))
            })
        })
        .collect();
    let mut back = Vec::new();
    let mut put_values = Vec::new();
    for (t, h) in handles.into_iter().enumerate() {
        let (b, puts) = h
            .join()
            .map_err(|_| "a worker thread panicked".to_owned())??;
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

#[cfg(kata_loom)]
pub(super) fn run<F: LruFamily>(ctx: &mut Ctx) {
    use loom::sync::Arc;
    use loom::thread;

    ctx.check(
        "loom: two new keys put concurrently into a full cache of capacity 1",
        || {
            crate::check::loom_model(|| {
                let cache =
                    Arc::new(F::Sharded::<u32, u32>::with_shards(1, 1).expect("with_shards(1, 1)"));
                cache.put(0, 0);
                let a = {
                    let c = Arc::clone(&cache);
                    thread::spawn(move || c.put(1, 1))
                };
                let b = {
                    let c = Arc::clone(&cache);
                    thread::spawn(move || c.put(2, 2))
                };
                let mut back: Vec<u32> = Vec::new();
                back.extend(a.join().expect("thread").map(|e| e.1));
                back.extend(b.join().expect("thread").map(|e| e.1));
                let remaining: Vec<u32> = (0..3).filter_map(|k| cache.peek(&k)).collect();
                conservation(3, &back, &remaining, cache.len(), 1)
            })
        },
    );

    ctx.check("loom: the same key put by two threads at once", || {
        crate::check::loom_model(|| {
            let cache =
                Arc::new(F::Sharded::<u32, u32>::with_shards(2, 1).expect("with_shards(2, 1)"));
            let a = {
                let c = Arc::clone(&cache);
                thread::spawn(move || c.put(7, 0))
            };
            let b = {
                let c = Arc::clone(&cache);
                thread::spawn(move || c.put(7, 1))
            };
            let mut back: Vec<u32> = Vec::new();
            back.extend(a.join().expect("thread").map(|e| e.1));
            back.extend(b.join().expect("thread").map(|e| e.1));
            let remaining: Vec<u32> = cache.peek(&7).into_iter().collect();
            conservation(2, &back, &remaining, cache.len(), 2)
        })
    });

    ctx.check("loom: put and remove of one key race", || {
        crate::check::loom_model(|| {
            let cache =
                Arc::new(F::Sharded::<u32, u32>::with_shards(2, 1).expect("with_shards(2, 1)"));
            cache.put(5, 0);
            let a = {
                let c = Arc::clone(&cache);
                thread::spawn(move || c.put(5, 1))
            };
            let b = {
                let c = Arc::clone(&cache);
                thread::spawn(move || c.remove(&5))
            };
            let mut back: Vec<u32> = Vec::new();
            back.extend(a.join().expect("thread").map(|e| e.1));
            back.extend(b.join().expect("thread"));
            let remaining: Vec<u32> = cache.peek(&5).into_iter().collect();
            conservation(2, &back, &remaining, cache.len(), 2)
        })
    });

    ctx.check(
        "loom: len() counts concurrent inserts and removals exactly",
        || {
            crate::check::loom_model(|| {
                let cache =
                    Arc::new(F::Sharded::<u32, u32>::with_shards(4, 1).expect("with_shards(4, 1)"));
                cache.put(1, 0);
                let a = {
                    let c = Arc::clone(&cache);
                    thread::spawn(move || c.put(2, 1))
                };
                let b = {
                    let c = Arc::clone(&cache);
                    thread::spawn(move || c.remove(&1))
                };
                let mut back: Vec<u32> = Vec::new();
                back.extend(a.join().expect("thread").map(|e| e.1));
                back.extend(b.join().expect("thread"));
                let remaining: Vec<u32> = (1..3).filter_map(|k| cache.peek(&k)).collect();
                conservation(2, &back, &remaining, cache.len(), 4)
            })
        },
    );
}
