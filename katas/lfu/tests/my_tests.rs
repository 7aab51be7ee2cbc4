//! Your own tests. Run them with `cargo test -p lfu-kata` (the grader never does: it runs its
//! own suite with `cargo kata check lfu`).
//!
//! A few to start from: two examples, and two properties written with quickcheck, which generates
//! random inputs and shrinks a failing one to a small case. Add your own as you go; a failing
//! sequence that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use lfu_kata::{Cache, ForgetfulCache, ForgetfulLfuCache, LfuCache};
use quickcheck::quickcheck;

#[test]
fn a_full_cache_evicts_the_least_frequently_used_entry() {
    let mut cache = LfuCache::with_capacity(2).unwrap();
    cache.put("a", 1);
    cache.put("b", 2);
    cache.get(&"a"); // "a": 2 uses, "b": 1
    assert_eq!(cache.put("c", 3), Some(("b", 2)));
    assert_eq!(cache.frequency(&"a"), Some(2));
    assert_eq!(cache.frequency(&"c"), Some(1));
}

#[test]
fn a_tie_goes_to_the_least_recently_used() {
    let mut cache = LfuCache::with_capacity(2).unwrap();
    cache.put("a", 1);
    cache.put("b", 2);
    cache.get(&"b");
    cache.get(&"a"); // both used twice; "b" reached 2 first, so it was used longer ago
    assert_eq!(cache.put("c", 3), Some(("b", 2)));
}

quickcheck! {
    /// Whatever keys are put, the exact cache never holds more than its capacity, and the key put
    /// last is always there.
    fn never_more_than_capacity(capacity: u8, keys: Vec<u8>) -> bool {
        let capacity = usize::from(capacity % 8) + 1;
        let mut cache = LfuCache::with_capacity(capacity).unwrap();
        keys.iter().all(|&k| {
            cache.put(k, ());
            cache.len() <= capacity && cache.peek(&k).is_some()
        })
    }

    /// The forgetful cache, whichever design you chose: `put` of a new key returns nothing while
    /// the cache is not full, and exactly one entry that is no longer held once it is.
    fn forgetful_put_returns_one_entry_that_left(capacity: u8, keys: Vec<u8>) -> bool {
        let capacity = usize::from(capacity % 8) + 1;
        let mut cache = ForgetfulLfuCache::with_capacity(capacity).unwrap();
        keys.iter().all(|&k| {
            let (held, before) = (cache.peek(&k).is_some(), cache.len());
            match cache.put(k, ()) {
                None => !held && before < capacity && cache.len() == before + 1,
                Some((old, ())) if held => old == k && cache.len() == before,
                Some((gone, ())) => {
                    before == capacity && cache.len() == capacity && cache.peek(&gone).is_none()
                }
            }
        })
    }
}
