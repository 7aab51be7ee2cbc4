//! Stage 1 of `lru`: scenarios that read like the specification.

use std::rc::Rc;

use kata_core::lru::{Cache, CapacityError, ConcurrentCache};

use super::LruFamily;
use crate::{ensure, ensure_eq, Ctx};

type C<F> = <F as LruFamily>::Cache<&'static str, u32>;
type S<F> = <F as LruFamily>::Sharded<&'static str, u32>;

fn cache<F: LruFamily>(capacity: usize) -> Result<C<F>, String> {
    C::<F>::with_capacity(capacity).map_err(|e| format!("with_capacity({capacity}) failed: {e}"))
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LruFamily>(ctx: &mut Ctx) {
    ctx.check("capacity 0 is refused with CapacityError::Zero", || {
        ensure!(
            matches!(C::<F>::with_capacity(0), Err(CapacityError::Zero)),
            "LruCache::with_capacity(0) must return Err(CapacityError::Zero)"
        );
        Ok(())
    });

    ctx.check("a new cache is empty and knows its capacity", || {
        let mut c = cache::<F>(3)?;
        ensure_eq!(c.len(), 0, "len() of a new cache");
        ensure!(c.is_empty(), "is_empty() of a new cache must be true");
        ensure_eq!(c.capacity(), 3, "capacity() of with_capacity(3)");
        ensure_eq!(c.get(&"a").copied(), None, "get(&\"a\") on an empty cache");
        Ok(())
    });

    ctx.check("put then get returns the value", || {
        let mut c = cache::<F>(2)?;
        ensure_eq!(c.put("a", 1), None, "put(\"a\", 1) into an empty cache");
        ensure_eq!(
            c.get(&"a").copied(),
            Some(1),
            "get(&\"a\") after put(\"a\", 1)"
        );
        ensure_eq!(
            c.peek(&"a").copied(),
            Some(1),
            "peek(&\"a\") after put(\"a\", 1)"
        );
        ensure_eq!(c.len(), 1, "len() after one put");
        Ok(())
    });

    ctx.check(
        "a new key in a full cache evicts the least recently used entry",
        || {
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            ensure_eq!(
                c.put("c", 3),
                Some(("a", 1)),
                "put(\"c\", 3) after put a, put b in a cache of capacity 2 must evict and return a"
            );
            ensure_eq!(
                c.peek(&"a").copied(),
                None,
                "peek(&\"a\") after a was evicted"
            );
            ensure_eq!(c.peek(&"b").copied(), Some(2), "peek(&\"b\")");
            ensure_eq!(c.peek(&"c").copied(), Some(3), "peek(&\"c\")");
            ensure_eq!(c.len(), 2, "len() of a full cache of capacity 2");
            Ok(())
        },
    );

    ctx.check("get refreshes recency", || {
        let mut c = cache::<F>(2)?;
        c.put("a", 1);
        c.put("b", 2);
        ensure_eq!(c.get(&"a").copied(), Some(1), "get(&\"a\")");
        ensure_eq!(
            c.put("c", 3),
            Some(("b", 2)),
            "after put a, put b, get a: put(\"c\", 3) must evict b, the least recently used"
        );
        ensure_eq!(
            c.peek(&"a").copied(),
            Some(1),
            "peek(&\"a\") (a was used last)"
        );
        Ok(())
    });

    ctx.check("peek does not refresh recency", || {
        let mut c = cache::<F>(2)?;
        c.put("a", 1);
        c.put("b", 2);
        ensure_eq!(c.peek(&"a").copied(), Some(1), "peek(&\"a\")");
        ensure_eq!(
            c.put("c", 3),
            Some(("a", 1)),
            "after put a, put b, peek a: put(\"c\", 3) must still evict a (peek is not a use)"
        );
        Ok(())
    });

    ctx.check(
        "put on a present key replaces the value, returns the old entry, refreshes it",
        || {
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            ensure_eq!(
                c.put("a", 10),
                Some(("a", 1)),
                "put(\"a\", 10) when a holds 1"
            );
            ensure_eq!(c.len(), 2, "len() after replacing a value");
            ensure_eq!(
                c.peek(&"a").copied(),
                Some(10),
                "peek(&\"a\") after the replacement"
            );
            ensure_eq!(
                c.put("c", 3),
                Some(("b", 2)),
                "after put a, put b, put a again: put(\"c\", 3) must evict b"
            );
            Ok(())
        },
    );

    ctx.check(
        "put on a present key in a full cache evicts nothing",
        || {
            let mut c = cache::<F>(3)?;
            c.put("a", 1);
            c.put("b", 2);
            c.put("c", 3);
            // b is neither the least nor the most recently used: replacing it must not make room.
            ensure_eq!(
                c.put("b", 20),
                Some(("b", 2)),
                "put(\"b\", 20) in a full cache holding a, b, c"
            );
            ensure_eq!(c.len(), 3, "len() after replacing b in a full cache of 3");
            for (k, v) in [("a", 1), ("b", 20), ("c", 3)] {
                ensure_eq!(
                    c.peek(&k).copied(),
                    Some(v),
                    "peek(&\"{k}\") after replacing b (nothing may be evicted)"
                );
            }
            ensure_eq!(
                c.put("d", 4),
                Some(("a", 1)),
                "then put(\"d\", 4) must evict a, still the least recently used"
            );
            Ok(())
        },
    );

    ctx.check("remove returns the value and frees its slot", || {
        let mut c = cache::<F>(2)?;
        c.put("a", 1);
        c.put("b", 2);
        ensure_eq!(c.remove(&"a"), Some(1), "remove(&\"a\")");
        ensure_eq!(c.len(), 1, "len() after remove");
        ensure_eq!(c.remove(&"a"), None, "remove(&\"a\") a second time");
        ensure_eq!(
            c.put("c", 3),
            None,
            "put(\"c\", 3) into the freed slot must evict nothing"
        );
        ensure_eq!(
            c.put("d", 4),
            Some(("b", 2)),
            "put(\"d\", 4) must then evict b"
        );
        Ok(())
    });

    ctx.check(
        "removing the most and least recent entries keeps the order of the rest",
        || {
            let mut c = cache::<F>(4)?;
            for (k, v) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
                c.put(k, v);
            }
            ensure_eq!(c.remove(&"d"), Some(4), "remove(&\"d\") (most recent)");
            ensure_eq!(c.remove(&"a"), Some(1), "remove(&\"a\") (least recent)");
            c.put("e", 5);
            c.put("f", 6);
            ensure_eq!(
                c.put("g", 7),
                Some(("b", 2)),
                "then put(\"g\", 7) must evict b"
            );
            ensure_eq!(
                c.put("h", 8),
                Some(("c", 3)),
                "then put(\"h\", 8) must evict c"
            );
            ensure_eq!(
                c.put("i", 9),
                Some(("e", 5)),
                "then put(\"i\", 9) must evict e"
            );
            Ok(())
        },
    );

    ctx.check("a cache of capacity 1 holds the last key put", || {
        let mut c = cache::<F>(1)?;
        c.put("a", 1);
        ensure_eq!(
            c.put("b", 2),
            Some(("a", 1)),
            "put(\"b\", 2) in a cache of capacity 1"
        );
        ensure_eq!(c.get(&"b").copied(), Some(2), "get(&\"b\")");
        ensure_eq!(c.len(), 1, "len()");
        Ok(())
    });

    ctx.check("len never exceeds capacity; the newest keys stay", || {
        let mut c = C::<F>::with_capacity(3).map_err(|e| e.to_string())?;
        let keys = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"];
        for (i, k) in keys.iter().enumerate() {
            c.put(k, i as u32);
            ensure!(
                c.len() <= 3,
                "len() is {} after {} puts, capacity 3",
                c.len(),
                i + 1
            );
        }
        for (i, k) in keys.iter().enumerate() {
            let expected = (i >= 7).then_some(i as u32);
            ensure_eq!(c.peek(k).copied(), expected, "peek(&\"{k}\") after 10 puts");
        }
        Ok(())
    });

    ctx.check(
        "owned keys and values: every value is dropped exactly once",
        || {
            let token = Rc::new(());
            {
                let mut c =
                    <F::Cache<String, Rc<()>>>::with_capacity(2).map_err(|e| e.to_string())?;
                for i in 0..5 {
                    drop(c.put(format!("key{i}"), Rc::clone(&token)));
                }
                drop(c.put("key4".to_owned(), Rc::clone(&token)));
                drop(c.remove(&"key3".to_owned()));
                ensure_eq!(
                    Rc::strong_count(&token),
                    2,
                    "live values with one entry left (plus ours)"
                );
            }
            ensure_eq!(
                Rc::strong_count(&token),
                1,
                "live values after the cache was dropped"
            );
            Ok(())
        },
    );

    ctx.check("sharded: bad shapes are refused", || {
        ensure!(
            matches!(S::<F>::with_shards(0, 1), Err(CapacityError::Zero)),
            "ShardedLruCache::with_shards(0, 1) must return Err(CapacityError::Zero)"
        );
        ensure!(
            matches!(S::<F>::with_shards(4, 0), Err(CapacityError::ZeroShards)),
            "ShardedLruCache::with_shards(4, 0) must return Err(CapacityError::ZeroShards)"
        );
        ensure!(
            matches!(
                S::<F>::with_shards(2, 4),
                Err(CapacityError::MoreShardsThanCapacity { capacity: 2, shards: 4 })
            ),
            "with_shards(2, 4) must return Err(MoreShardsThanCapacity {{ capacity: 2, shards: 4 }})"
        );
        Ok(())
    });

    ctx.check(
        "sharded: put, get, peek, remove and len across shards",
        || {
            let c = S::<F>::with_shards(64, 4).map_err(|e| e.to_string())?;
            ensure_eq!(c.capacity(), 64, "capacity() of with_shards(64, 4)");
            let keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
            for (i, k) in keys.iter().enumerate() {
                ensure_eq!(
                    c.put(k, i as u32),
                    None,
                    "put(\"{k}\", {i}) with room to spare"
                );
            }
            ensure_eq!(c.len(), 8, "len() after 8 puts");
            for (i, k) in keys.iter().enumerate() {
                ensure_eq!(c.get(k), Some(i as u32), "get(&\"{k}\")");
                ensure_eq!(c.peek(k), Some(i as u32), "peek(&\"{k}\")");
            }
            ensure_eq!(
                c.put("a", 100),
                Some(("a", 0)),
                "put(\"a\", 100) when a holds 0"
            );
            ensure_eq!(c.remove(&"b"), Some(1), "remove(&\"b\")");
            ensure_eq!(c.remove(&"b"), None, "remove(&\"b\") again");
            ensure_eq!(c.len(), 7, "len() after one remove");
            Ok(())
        },
    );

    ctx.check(
        "sharded: the shards together hold exactly the capacity asked for",
        || {
            // Shapes whose capacity does not divide evenly: shard capacities must still add up.
            for (capacity, shards) in [(3, 2), (7, 3), (10, 4), (5, 5), (16, 3)] {
                let c = <F::Sharded<u32, u32>>::with_shards(capacity, shards)
                    .map_err(|e| format!("with_shards({capacity}, {shards}): {e}"))?;
                ensure_eq!(
                    c.capacity(),
                    capacity,
                    "capacity() of with_shards({capacity}, {shards})"
                );
                // Enough distinct keys that every shard fills up, whatever the hash.
                const KEYS: u32 = 1_000;
                let mut most = 0;
                for k in 0..KEYS {
                    c.put(k, k);
                    most = most.max(c.len());
                    ensure!(
                        c.len() <= capacity,
                        "with_shards({capacity}, {shards}): len() is {} after {} puts",
                        c.len(),
                        k + 1
                    );
                }
                let held = (0..KEYS).filter(|k| c.peek(k).is_some()).count();
                ensure_eq!(
                    (most, held),
                    (capacity, capacity),
                    "with_shards({capacity}, {shards}) after put of {KEYS} distinct keys: (the \
                     largest len() seen, the keys still held); by then every shard must be full, \
                     so either the shards' capacities add up to less than {capacity}, or some \
                     shard never gets a key"
                );
            }
            Ok(())
        },
    );

    ctx.check("sharded with one shard is an exact LRU", || {
        let c = S::<F>::with_shards(2, 1).map_err(|e| e.to_string())?;
        c.put("a", 1);
        c.put("b", 2);
        ensure_eq!(c.get(&"a"), Some(1), "get(&\"a\")");
        ensure_eq!(c.put("c", 3), Some(("b", 2)), "put(\"c\", 3) must evict b");
        ensure_eq!(c.peek(&"a"), Some(1), "peek(&\"a\")");
        ensure_eq!(
            c.put("d", 4),
            Some(("a", 1)),
            "put(\"d\", 4) must evict a (peek is no use)"
        );
        Ok(())
    });
}
