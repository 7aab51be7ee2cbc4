//! Stage 1 of `lfu`: scenarios that read like the specification.
//!
//! The exact cache's scenarios are built so that the wrong policies a learner reaches for give a
//! different answer than LFU: least recently used, first in first out, a tie broken by the most
//! recent entry or by insertion order, a newcomer evicted by its own insertion. The forgetful
//! cache is graded on its contract only (which entry goes is its policy's choice), and the
//! sharded cache on its shape and, with one shard, on being an exact LFU.

use std::collections::BTreeMap;
use std::rc::Rc;

use kata_core::lfu::{Cache, CapacityError, ConcurrentCache, ForgetfulCache};

use super::LfuFamily;
use crate::{ensure, ensure_eq, Ctx};

type C<F> = <F as LfuFamily>::Cache<&'static str, u32>;
type G<F> = <F as LfuFamily>::Forgetful<&'static str, u32>;
type S<F> = <F as LfuFamily>::Sharded<&'static str, u32>;

fn cache<F: LfuFamily>(capacity: usize) -> Result<C<F>, String> {
    C::<F>::with_capacity(capacity)
        .map_err(|e| format!("LfuCache::with_capacity({capacity}) failed: {e}"))
}

fn forgetful<F: LfuFamily>(capacity: usize) -> Result<G<F>, String> {
    G::<F>::with_capacity(capacity)
        .map_err(|e| format!("ForgetfulLfuCache::with_capacity({capacity}) failed: {e}"))
}

fn sharded<F: LfuFamily>(capacity: usize, shards: usize) -> Result<S<F>, String> {
    S::<F>::with_shards(capacity, shards)
        .map_err(|e| format!("ShardedLfuCache::with_shards({capacity}, {shards}) failed: {e}"))
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LfuFamily>(ctx: &mut Ctx) {
    exact::<F>(ctx);
    forgetting::<F>(ctx);
    shards::<F>(ctx);
}

/// The exact LFU cache.
fn exact<F: LfuFamily>(ctx: &mut Ctx) {
    ctx.check("capacity 0 is refused with CapacityError::Zero", || {
        ensure!(
            matches!(C::<F>::with_capacity(0), Err(CapacityError::Zero)),
            "LfuCache::with_capacity(0) must return Err(CapacityError::Zero)"
        );
        ensure!(
            matches!(G::<F>::with_capacity(0), Err(CapacityError::Zero)),
            "ForgetfulLfuCache::with_capacity(0) must return Err(CapacityError::Zero)"
        );
        ensure!(
            matches!(S::<F>::with_shards(0, 1), Err(CapacityError::Zero)),
            "ShardedLfuCache::with_shards(0, 1) must return Err(CapacityError::Zero)"
        );
        Ok(())
    });

    ctx.check("a new cache is empty and knows its capacity", || {
        let mut c = cache::<F>(3)?;
        ensure_eq!(c.len(), 0, "len() of a new cache");
        ensure!(c.is_empty(), "is_empty() of a new cache must be true");
        ensure_eq!(c.capacity(), 3, "capacity() of with_capacity(3)");
        ensure_eq!(c.get(&"a").copied(), None, "get(&\"a\") on an empty cache");
        ensure_eq!(
            c.peek(&"a").copied(),
            None,
            "peek(&\"a\") on an empty cache"
        );
        ensure_eq!(
            c.frequency(&"a"),
            None,
            "frequency(&\"a\") on an empty cache"
        );
        ensure_eq!(c.remove(&"a"), None, "remove(&\"a\") on an empty cache");
        ensure_eq!(
            c.len(),
            0,
            "len() after get, peek and remove of an absent key"
        );
        Ok(())
    });

    ctx.check("a new entry starts with a count of 1", || {
        let mut c = cache::<F>(2)?;
        ensure_eq!(c.put("a", 1), None, "put(\"a\", 1) into an empty cache");
        ensure_eq!(
            c.frequency(&"a"),
            Some(1),
            "frequency(&\"a\") after put(\"a\", 1)"
        );
        ensure_eq!(
            c.peek(&"a").copied(),
            Some(1),
            "peek(&\"a\") after put(\"a\", 1)"
        );
        ensure_eq!(c.len(), 1, "len() after one put");
        ensure!(!c.is_empty(), "is_empty() after one put must be false");
        ensure_eq!(
            c.frequency(&"b"),
            None,
            "frequency(&\"b\"), a key never put"
        );
        Ok(())
    });

    ctx.check("get returns the value and adds 1 to the count", || {
        let mut c = cache::<F>(2)?;
        c.put("a", 1);
        ensure_eq!(
            c.get(&"a").copied(),
            Some(1),
            "get(&\"a\") after put(\"a\", 1)"
        );
        ensure_eq!(
            c.frequency(&"a"),
            Some(2),
            "frequency(&\"a\") after put a, get a"
        );
        ensure_eq!(c.get(&"a").copied(), Some(1), "get(&\"a\") a second time");
        ensure_eq!(
            c.frequency(&"a"),
            Some(3),
            "frequency(&\"a\") after put a, get a, get a"
        );
        ensure_eq!(c.get(&"b").copied(), None, "get(&\"b\"), a key never put");
        ensure_eq!(
            c.frequency(&"b"),
            None,
            "frequency(&\"b\") after a get that missed"
        );
        ensure_eq!(c.len(), 1, "len() after a get that missed");
        Ok(())
    });

    ctx.check(
        "put of a present key replaces the value, returns the old entry and adds 1",
        || {
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            ensure_eq!(
                c.put("a", 10),
                Some(("a", 1)),
                "put(\"a\", 10) when a holds 1"
            );
            ensure_eq!(
                c.peek(&"a").copied(),
                Some(10),
                "peek(&\"a\") after put(\"a\", 10)"
            );
            ensure_eq!(
                c.get(&"a").copied(),
                Some(10),
                "get(&\"a\") after put(\"a\", 10)"
            );
            ensure_eq!(
                c.frequency(&"a"),
                Some(3),
                "frequency(&\"a\") after put a, put a, get a"
            );
            ensure_eq!(c.len(), 1, "len() after putting the same key twice");
            Ok(())
        },
    );

    ctx.check(
        "put of a present key in a full cache evicts nothing",
        || {
            let mut c = cache::<F>(3)?;
            c.put("a", 1);
            c.put("b", 2);
            c.put("c", 3);
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
            Ok(())
        },
    );

    ctx.check(
        "peek and frequency change neither count nor recency",
        || {
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            ensure_eq!(c.get(&"a").copied(), Some(1), "get(&\"a\")");
            for _ in 0..3 {
                ensure_eq!(c.peek(&"b").copied(), Some(2), "peek(&\"b\")");
                ensure_eq!(
                    c.frequency(&"b"),
                    Some(1),
                    "frequency(&\"b\") (peek is not a use)"
                );
            }
            ensure_eq!(
                c.put("c", 3),
                Some(("b", 2)),
                "after put a, put b, get a, then peek b and frequency b three times each: \
             put(\"c\", 3) must evict b (count 1; a has 2)"
            );
            // Equal counts, where only recency tells a from b.
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            ensure_eq!(c.peek(&"a").copied(), Some(1), "peek(&\"a\")");
            ensure_eq!(c.frequency(&"a"), Some(1), "frequency(&\"a\")");
            ensure_eq!(
                c.put("c", 3),
                Some(("a", 1)),
                "after put a, put b, peek a, frequency a: put(\"c\", 3) must evict a (both have \
             count 1, and a was used least recently: peek and frequency are not uses)"
            );
            Ok(())
        },
    );

    ctx.check(
        "a new key in a full cache evicts the entry with the lowest count",
        || {
            let mut c = cache::<F>(3)?;
            c.put("a", 1);
            c.get(&"a");
            c.get(&"a");
            c.put("b", 2);
            c.get(&"b");
            c.put("c", 3);
            c.get(&"a");
            // Counts a 4, b 2, c 1. Least recently used: b; first inserted: a; lowest count: c.
            ensure_eq!(
            c.put("d", 4),
            Some(("c", 3)),
            "after put a, get a, get a, put b, get b, put c, get a (counts a 4, b 2, c 1) in a \
             cache of capacity 3: put(\"d\", 4) must evict c, the lowest count (not b, the least \
             recently used, nor a, the first inserted)"
        );
            ensure_eq!(
                c.peek(&"c").copied(),
                None,
                "peek(&\"c\") after c was evicted"
            );
            ensure_eq!(
                c.frequency(&"c"),
                None,
                "frequency(&\"c\") after c was evicted"
            );
            for (k, v, n) in [("a", 1, 4), ("b", 2, 2), ("d", 4, 1)] {
                ensure_eq!(
                    c.peek(&k).copied(),
                    Some(v),
                    "peek(&\"{k}\") after put(\"d\", 4)"
                );
                ensure_eq!(
                    c.frequency(&k),
                    Some(n),
                    "frequency(&\"{k}\") after put(\"d\", 4)"
                );
            }
            ensure_eq!(c.len(), 3, "len() of a full cache of capacity 3");
            Ok(())
        },
    );

    ctx.check(
        "among equal counts, the least recently used goes (get is a use)",
        || {
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            c.get(&"b");
            c.get(&"a");
            ensure_eq!(
                c.put("c", 3),
                Some(("b", 2)),
                "after put a, put b, get b, get a (both count 2, b used least recently) in a \
                 cache of capacity 2: put(\"c\", 3) must evict b (evicting a would break the tie \
                 by insertion order, or by the most recent use)"
            );
            let mut c = cache::<F>(3)?;
            c.put("a", 1);
            c.put("b", 2);
            c.put("c", 3);
            c.get(&"c");
            c.get(&"a");
            ensure_eq!(
                c.put("d", 4),
                Some(("b", 2)),
                "after put a, put b, put c, get c, get a (b alone at count 1) in a cache of \
                 capacity 3: put(\"d\", 4) must evict b"
            );
            c.get(&"d");
            // a, c and d all at count 2, used in the order c, a, d.
            ensure_eq!(
                c.put("e", 5),
                Some(("c", 3)),
                "then after get d (a, c, d all count 2, last used in the order c, a, d): \
                 put(\"e\", 5) must evict c"
            );
            Ok(())
        },
    );

    ctx.check(
        "among equal counts, the least recently used goes (put is a use)",
        || {
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            c.get(&"b");
            ensure_eq!(
                c.put("a", 10),
                Some(("a", 1)),
                "put(\"a\", 10) when a holds 1"
            );
            ensure_eq!(
                c.put("c", 3),
                Some(("b", 2)),
                "after put a, put b, get b, put a again (both count 2, b used least recently) in \
                 a cache of capacity 2: put(\"c\", 3) must evict b"
            );
            ensure_eq!(c.peek(&"a").copied(), Some(10), "peek(&\"a\")");
            Ok(())
        },
    );

    ctx.check(
        "the lowest count rises when every entry at it is used",
        || {
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            c.get(&"a");
            c.get(&"b");
            // No entry is left at count 1: the victim is found at count 2.
            ensure_eq!(
                c.put("c", 3),
                Some(("a", 1)),
                "after put a, put b, get a, get b (both count 2, none at 1) in a cache of \
                 capacity 2: put(\"c\", 3) must evict a"
            );
            c.get(&"c");
            c.get(&"c");
            ensure_eq!(
                c.put("d", 4),
                Some(("b", 2)),
                "then after get c, get c (b 2, c 3): put(\"d\", 4) must evict b"
            );
            Ok(())
        },
    );

    ctx.check("the newcomer is never its own victim", || {
        let mut c = cache::<F>(2)?;
        c.put("a", 1);
        c.get(&"a");
        c.put("b", 2);
        c.get(&"b");
        ensure_eq!(
            c.put("c", 3),
            Some(("a", 1)),
            "after put a, get a, put b, get b (both count 2) in a cache of capacity 2: \
             put(\"c\", 3) must evict a, not c itself"
        );
        ensure_eq!(
            c.peek(&"c").copied(),
            Some(3),
            "peek(&\"c\") right after put(\"c\", 3)"
        );
        ensure_eq!(
            c.frequency(&"c"),
            Some(1),
            "frequency(&\"c\") right after its put"
        );
        ensure_eq!(
            c.put("d", 4),
            Some(("c", 3)),
            "then put(\"d\", 4) must evict c (count 1, b has 2)"
        );
        ensure_eq!(
            c.peek(&"d").copied(),
            Some(4),
            "peek(&\"d\") right after put(\"d\", 4)"
        );
        ensure_eq!(c.len(), 2, "len() of a full cache of capacity 2");
        Ok(())
    });

    ctx.check(
        "a removed key that comes back starts again at count 1",
        || {
            let mut c = cache::<F>(2)?;
            c.put("a", 1);
            c.get(&"a");
            c.get(&"a");
            c.get(&"a");
            ensure_eq!(c.remove(&"a"), Some(1), "remove(&\"a\") when a holds 1");
            ensure_eq!(c.len(), 0, "len() after removing the only entry");
            ensure!(
                c.is_empty(),
                "is_empty() after removing the only entry must be true"
            );
            ensure_eq!(c.frequency(&"a"), None, "frequency(&\"a\") after remove");
            ensure_eq!(c.remove(&"a"), None, "remove(&\"a\") a second time");
            ensure_eq!(c.put("a", 2), None, "put(\"a\", 2) after remove");
            ensure_eq!(
                c.frequency(&"a"),
                Some(1),
                "frequency(&\"a\") after remove, then put again"
            );
            c.put("b", 3);
            c.get(&"b");
            ensure_eq!(
            c.put("c", 4),
            Some(("a", 2)),
            "then put b, get b (a 1, b 2): put(\"c\", 4) must evict a, whose old count of 4 was \
             forgotten"
        );
            Ok(())
        },
    );

    ctx.check("remove frees a slot and keeps the others' counts", || {
        let mut c = cache::<F>(3)?;
        c.put("a", 1);
        c.get(&"a");
        c.put("b", 2);
        c.put("c", 3);
        c.get(&"c");
        c.get(&"c");
        ensure_eq!(c.remove(&"b"), Some(2), "remove(&\"b\")");
        ensure_eq!(c.len(), 2, "len() after remove");
        ensure_eq!(
            c.put("d", 4),
            None,
            "put(\"d\", 4) into the freed slot must evict nothing"
        );
        c.get(&"d");
        c.get(&"d");
        c.get(&"d");
        // a 2, c 3, d 4.
        ensure_eq!(
            c.put("e", 5),
            Some(("a", 1)),
            "after counts a 2, c 3, d 4: put(\"e\", 5) must evict a"
        );
        ensure_eq!(c.frequency(&"c"), Some(3), "frequency(&\"c\")");
        ensure_eq!(c.frequency(&"d"), Some(4), "frequency(&\"d\")");
        Ok(())
    });

    ctx.check(
        "an evicted key that comes back starts again at count 1",
        || {
            let mut c = cache::<F>(1)?;
            c.put("a", 1);
            c.get(&"a");
            c.get(&"a");
            ensure_eq!(
                c.put("b", 2),
                Some(("a", 1)),
                "put(\"b\", 2) in a cache of capacity 1 holding a (count 3) must evict a: the \
             newcomer is never its own victim"
            );
            ensure_eq!(c.frequency(&"b"), Some(1), "frequency(&\"b\")");
            ensure_eq!(c.get(&"b").copied(), Some(2), "get(&\"b\")");
            ensure_eq!(c.len(), 1, "len() of a cache of capacity 1");
            ensure_eq!(c.put("a", 3), Some(("b", 2)), "put(\"a\", 3) must evict b");
            ensure_eq!(
                c.frequency(&"a"),
                Some(1),
                "frequency(&\"a\") after it came back"
            );
            ensure_eq!(c.capacity(), 1, "capacity() of with_capacity(1)");
            Ok(())
        },
    );

    ctx.check("a high count survives many newcomers", || {
        let mut c = <F::Cache<u32, u32>>::with_capacity(3)
            .map_err(|e| format!("LfuCache::with_capacity(3) failed: {e}"))?;
        c.put(0, 0);
        for _ in 0..10 {
            c.get(&0);
        }
        for k in 1..=50 {
            let out = c.put(k, k);
            ensure!(
                out.is_none_or(|(key, _)| key != 0),
                "key 0 (count 11) was evicted by put({k}, {k}), though the newcomers before it \
                 only ever had count 1: got {out:?}"
            );
            ensure!(
                c.len() <= 3,
                "len() is {} after put({k}, {k}), capacity 3",
                c.len()
            );
        }
        ensure_eq!(c.peek(&0).copied(), Some(0), "peek(&0) after 50 newcomers");
        ensure_eq!(
            c.frequency(&0),
            Some(11),
            "frequency(&0) after put 0, 10 gets"
        );
        ensure_eq!(
            (c.peek(&49).copied(), c.peek(&50).copied()),
            (Some(49), Some(50)),
            "(peek(&49), peek(&50)): the last two newcomers"
        );
        Ok(())
    });

    ctx.check("counts keep growing past a thousand uses", || {
        let mut c = cache::<F>(2)?;
        c.put("a", 1);
        for _ in 0..1_500 {
            c.get(&"a");
        }
        ensure_eq!(
            c.frequency(&"a"),
            Some(1_501),
            "frequency(&\"a\") after put a, 1500 gets"
        );
        c.put("b", 2);
        ensure_eq!(
            c.put("c", 3),
            Some(("b", 2)),
            "put(\"c\", 3) must evict b, not a"
        );
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
                    c.get(&format!("key{i}"));
                }
                drop(c.put("key4".to_owned(), Rc::clone(&token)));
                drop(c.remove(&"key3".to_owned()));
                ensure_eq!(
                    Rc::strong_count(&token),
                    2,
                    "LfuCache: live values with one entry left (plus ours)"
                );
            }
            ensure_eq!(
                Rc::strong_count(&token),
                1,
                "LfuCache: live values after the cache was dropped"
            );
            Ok(())
        },
    );
}

/// The forgetful cache: its contract, whatever its policy.
fn forgetting<F: LfuFamily>(ctx: &mut Ctx) {
    ctx.check(
        "forgetful: a new cache is empty and knows its capacity",
        || {
            let mut c = forgetful::<F>(3)?;
            ensure_eq!(c.len(), 0, "len() of a new cache");
            ensure!(c.is_empty(), "is_empty() of a new cache must be true");
            ensure_eq!(c.capacity(), 3, "capacity() of with_capacity(3)");
            ensure_eq!(c.get(&"a").copied(), None, "get(&\"a\") on an empty cache");
            ensure_eq!(
                c.peek(&"a").copied(),
                None,
                "peek(&\"a\") on an empty cache"
            );
            ensure_eq!(c.remove(&"a"), None, "remove(&\"a\") on an empty cache");
            Ok(())
        },
    );

    ctx.check(
        "forgetful: a put while there is room inserts and returns None",
        || {
            let mut c = forgetful::<F>(4)?;
            for (i, k) in ["a", "b", "c", "d"].into_iter().enumerate() {
                ensure_eq!(
                    c.put(k, i as u32),
                    None,
                    "put(\"{k}\", {i}) with {i} of 4 entries held"
                );
                ensure_eq!(c.len(), i + 1, "len() after {} puts of new keys", i + 1);
            }
            for (i, k) in ["a", "b", "c", "d"].into_iter().enumerate() {
                ensure_eq!(c.peek(&k).copied(), Some(i as u32), "peek(&\"{k}\")");
                ensure_eq!(c.get(&k).copied(), Some(i as u32), "get(&\"{k}\")");
            }
            Ok(())
        },
    );

    ctx.check(
        "forgetful: put of a held key replaces the value and returns the old entry",
        || {
            let mut c = forgetful::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            ensure_eq!(
                c.put("a", 10),
                Some(("a", 1)),
                "put(\"a\", 10) in a full cache holding a"
            );
            ensure_eq!(c.len(), 2, "len() after replacing a in a full cache of 2");
            ensure_eq!(
                c.peek(&"a").copied(),
                Some(10),
                "peek(&\"a\") after put(\"a\", 10)"
            );
            ensure_eq!(
                c.get(&"a").copied(),
                Some(10),
                "get(&\"a\") after put(\"a\", 10)"
            );
            ensure_eq!(
                c.peek(&"b").copied(),
                Some(2),
                "peek(&\"b\") (nothing may leave)"
            );
            Ok(())
        },
    );

    ctx.check(
        "forgetful: a put into a full cache hands back exactly one entry it no longer holds",
        || {
            let mut c = <F::Forgetful<u32, u32>>::with_capacity(4)
                .map_err(|e| format!("ForgetfulLfuCache::with_capacity(4) failed: {e}"))?;
            let mut held: BTreeMap<u32, u32> = BTreeMap::new();
            for k in 0..4 {
                c.put(k, k + 100);
                held.insert(k, k + 100);
            }
            // Newcomers, with some of the held keys read between them: whatever the policy, the
            // cache stays full and every entry that leaves is handed back once.
            for k in 4..60 {
                if k % 3 == 0 {
                    for (&h, &v) in &held {
                        ensure_eq!(c.get(&h).copied(), Some(v), "get(&{h}) while {h} is held");
                    }
                }
                let v = k + 100;
                let out = c.put(k, v);
                let at = format!("put({k}, {v}) into a full cache of capacity 4");
                match out {
                    None => {
                        return Err(format!(
                            "{at} returned None: a new key in a full cache must either evict an \
                             entry or be refused, and the entry that is not held afterwards must \
                             be returned"
                        ))
                    }
                    Some((ek, ev)) if (ek, ev) == (k, v) => {
                        ensure_eq!(c.peek(&k).copied(), None, "{at} refused {k}; peek(&{k})");
                    }
                    Some((ek, ev)) => {
                        ensure_eq!(
                            held.get(&ek).copied(),
                            Some(ev),
                            "{at} returned ({ek}, {ev}); the cache held, under {ek}"
                        );
                        ensure_eq!(c.peek(&ek).copied(), None, "{at} evicted {ek}; peek(&{ek})");
                        ensure_eq!(
                            c.peek(&k).copied(),
                            Some(v),
                            "{at} admitted {k}; peek(&{k})"
                        );
                        held.remove(&ek);
                        held.insert(k, v);
                    }
                }
                ensure_eq!(c.len(), 4, "len() after {at}");
                for (&h, &hv) in &held {
                    ensure_eq!(
                        c.peek(&h).copied(),
                        Some(hv),
                        "peek(&{h}) after {at}: {h} was never handed back, so it must be held"
                    );
                }
            }
            Ok(())
        },
    );

    ctx.check(
        "forgetful: remove takes the entry and frees its slot",
        || {
            let mut c = forgetful::<F>(2)?;
            c.put("a", 1);
            c.put("b", 2);
            ensure_eq!(c.remove(&"a"), Some(1), "remove(&\"a\")");
            ensure_eq!(c.len(), 1, "len() after remove");
            ensure_eq!(c.peek(&"a").copied(), None, "peek(&\"a\") after remove");
            ensure_eq!(c.remove(&"a"), None, "remove(&\"a\") a second time");
            ensure_eq!(c.put("c", 3), None, "put(\"c\", 3) into the freed slot");
            ensure_eq!(c.len(), 2, "len() after filling the freed slot");
            ensure_eq!(c.peek(&"b").copied(), Some(2), "peek(&\"b\")");
            ensure_eq!(c.peek(&"c").copied(), Some(3), "peek(&\"c\")");
            Ok(())
        },
    );

    ctx.check(
        "forgetful: a cache of capacity 1 holds exactly one entry",
        || {
            let mut c = forgetful::<F>(1)?;
            ensure_eq!(
                c.put("a", 1),
                None,
                "put(\"a\", 1) into an empty cache of capacity 1"
            );
            let out = c.put("b", 2);
            let (kept, value) = match out {
                Some(("a", 1)) => ("b", 2),
                Some(("b", 2)) => ("a", 1),
                other => {
                    return Err(format!(
                    "put(\"b\", 2) into a cache of capacity 1 holding a: expected Some((\"a\", 1)) \
                     (a evicted) or Some((\"b\", 2)) (b refused), got {other:?}"
                ))
                }
            };
            ensure_eq!(c.len(), 1, "len() of a full cache of capacity 1");
            ensure_eq!(c.capacity(), 1, "capacity() of with_capacity(1)");
            ensure_eq!(
                c.peek(&kept).copied(),
                Some(value),
                "peek(&\"{kept}\") after {out:?}"
            );
            let gone = if kept == "a" { "b" } else { "a" };
            ensure_eq!(
                c.peek(&gone).copied(),
                None,
                "peek(&\"{gone}\") after {out:?}"
            );
            Ok(())
        },
    );

    ctx.check(
        "forgetful: owned keys and values: every value is dropped exactly once",
        || {
            let token = Rc::new(());
            {
                let mut c =
                    <F::Forgetful<String, Rc<()>>>::with_capacity(2).map_err(|e| e.to_string())?;
                for i in 0..20 {
                    drop(c.put(format!("key{}", i % 7), Rc::clone(&token)));
                    c.get(&format!("key{}", i % 3));
                }
                let held = c.len();
                ensure_eq!(
                    Rc::strong_count(&token),
                    held + 1,
                    "ForgetfulLfuCache: live values with {held} entries held (plus ours)"
                );
            }
            ensure_eq!(
                Rc::strong_count(&token),
                1,
                "ForgetfulLfuCache: live values after the cache was dropped"
            );
            Ok(())
        },
    );
}

/// The sharded cache.
fn shards<F: LfuFamily>(ctx: &mut Ctx) {
    ctx.check("sharded: bad shapes are refused", || {
        ensure!(
            matches!(S::<F>::with_shards(0, 1), Err(CapacityError::Zero)),
            "ShardedLfuCache::with_shards(0, 1) must return Err(CapacityError::Zero)"
        );
        ensure!(
            matches!(S::<F>::with_shards(4, 0), Err(CapacityError::ZeroShards)),
            "ShardedLfuCache::with_shards(4, 0) must return Err(CapacityError::ZeroShards)"
        );
        ensure!(
            matches!(
                S::<F>::with_shards(2, 4),
                Err(CapacityError::MoreShardsThanCapacity {
                    capacity: 2,
                    shards: 4
                })
            ),
            "ShardedLfuCache::with_shards(2, 4) must return \
             Err(MoreShardsThanCapacity {{ capacity: 2, shards: 4 }})"
        );
        Ok(())
    });

    ctx.check(
        "sharded: put, get, peek, frequency, remove and len across shards",
        || {
            let c = sharded::<F>(64, 4)?;
            ensure_eq!(c.capacity(), 64, "capacity() of with_shards(64, 4)");
            ensure!(c.is_empty(), "is_empty() of a new cache must be true");
            let keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
            for (i, k) in keys.iter().enumerate() {
                ensure_eq!(
                    c.put(k, i as u32),
                    None,
                    "put(\"{k}\", {i}) with room to spare"
                );
                ensure_eq!(c.frequency(k), Some(1), "frequency(&\"{k}\") after its put");
            }
            ensure_eq!(c.len(), 8, "len() after 8 puts");
            for (i, k) in keys.iter().enumerate() {
                ensure_eq!(c.get(k), Some(i as u32), "get(&\"{k}\")");
                ensure_eq!(c.peek(k), Some(i as u32), "peek(&\"{k}\")");
                ensure_eq!(
                    c.frequency(k),
                    Some(2),
                    "frequency(&\"{k}\") after put, get, peek"
                );
            }
            ensure_eq!(
                c.put("a", 100),
                Some(("a", 0)),
                "put(\"a\", 100) when a holds 0"
            );
            ensure_eq!(
                c.frequency(&"a"),
                Some(3),
                "frequency(&\"a\") after put, get, put"
            );
            ensure_eq!(c.get(&"a"), Some(100), "get(&\"a\") after put(\"a\", 100)");
            ensure_eq!(c.remove(&"b"), Some(1), "remove(&\"b\")");
            ensure_eq!(c.remove(&"b"), None, "remove(&\"b\") again");
            ensure_eq!(c.frequency(&"b"), None, "frequency(&\"b\") after remove");
            ensure_eq!(c.get(&"b"), None, "get(&\"b\") after remove");
            ensure_eq!(c.len(), 7, "len() after one remove");
            ensure_eq!(c.put("b", 5), None, "put(\"b\", 5) after remove");
            ensure_eq!(
                c.frequency(&"b"),
                Some(1),
                "frequency(&\"b\") after remove, put"
            );
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

    ctx.check("sharded with one shard is an exact LFU", || {
        let c = sharded::<F>(3, 1)?;
        c.put("a", 1);
        c.get(&"a");
        c.get(&"a");
        c.put("b", 2);
        c.get(&"b");
        c.put("c", 3);
        c.get(&"a");
        ensure_eq!(
            c.put("d", 4),
            Some(("c", 3)),
            "with_shards(3, 1), after put a, get a, get a, put b, get b, put c, get a (counts a \
             4, b 2, c 1): put(\"d\", 4) must evict c, the lowest count"
        );
        ensure_eq!(c.frequency(&"a"), Some(4), "frequency(&\"a\")");
        ensure_eq!(c.peek(&"d"), Some(4), "peek(&\"d\")");
        ensure_eq!(
            c.frequency(&"d"),
            Some(1),
            "frequency(&\"d\") (peek is no use)"
        );
        c.get(&"d");
        // b and d both at count 2; b was used least recently.
        ensure_eq!(
            c.put("e", 5),
            Some(("b", 2)),
            "then after get d (b and d count 2, b used least recently): put(\"e\", 5) must \
             evict b"
        );
        ensure_eq!(c.len(), 3, "len() of a full cache of capacity 3");
        Ok(())
    });
}
