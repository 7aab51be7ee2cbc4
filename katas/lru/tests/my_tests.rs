//! Your own tests. Run them with `cargo test -p lru-kata` (the grader never does: it runs its
//! own suite with `cargo kata check lru`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case. Add your own as you go; a failing sequence
//! that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use lru_kata::{Cache, LruCache};
use quickcheck::quickcheck;

#[test]
fn a_full_cache_evicts_the_least_recently_used_entry() {
    let mut cache = LruCache::with_capacity(2).unwrap();
    cache.put("a", 1);
    cache.put("b", 2);
    cache.get(&"a");
    assert_eq!(cache.put("c", 3), Some(("b", 2)));
    assert_eq!(cache.peek(&"a"), Some(&1));
}

quickcheck! {
    /// Whatever keys are put, the cache never holds more than its capacity, and the key put last
    /// is always there.
    fn never_more_than_capacity(capacity: u8, keys: Vec<u8>) -> bool {
        let capacity = usize::from(capacity % 8) + 1;
        let mut cache = LruCache::with_capacity(capacity).unwrap();
        keys.iter().all(|&k| {
            cache.put(k, ());
            cache.len() <= capacity && cache.peek(&k).is_some()
        })
    }
}
