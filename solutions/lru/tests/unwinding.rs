//! The reference stays consistent when a key's `Drop` panics inside it.
//!
//! Found by running the crates.io peers' own unit tests against our references: a key whose
//! `Drop` panics inside `ShardedLruCache::remove` left `len()` one too high for good, so it could
//! exceed the capacity. A learner's cache is not graded on this (see `katas/lru/README.md`); the
//! reference, which learners read and peers are compared with, must get it right.

use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use lru_solution::{Cache, ConcurrentCache, LruCache, ShardedLruCache};

/// A key that panics when dropped while armed.
#[derive(Clone)]
struct Key {
    id: u32,
    armed: Arc<AtomicBool>,
}

impl Key {
    fn new(id: u32) -> Key {
        Key {
            id,
            armed: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.id == other.id
    }
}
impl Eq for Key {}
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        if self.armed.swap(false, Ordering::SeqCst) && !std::thread::panicking() {
            panic!("key {} panicked in drop", self.id);
        }
    }
}

/// Runs `f`, catching its panic without printing it. The panic hook is global: the two tests
/// here run on two threads at once, and without the lock one could take the other's silent hook
/// as the one to restore, leaving every later failure of the binary without its message.
fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = HOOK.lock().unwrap_or_else(|p| p.into_inner());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    out
}

#[test]
fn sharded_len_stays_exact_when_a_key_panics_in_drop_during_remove() {
    let cache = ShardedLruCache::with_shards(4, 2).unwrap();
    let stored = Key::new(1);
    let bomb = Arc::clone(&stored.armed);
    cache.put(stored, 10u32);
    cache.put(Key::new(2), 20);
    assert_eq!(cache.len(), 2);
    bomb.store(true, Ordering::SeqCst);
    assert!(
        quietly(|| cache.remove(&Key::new(1))).is_err(),
        "the key's drop was meant to panic"
    );
    let held = (1..=2)
        .filter(|&id| cache.peek(&Key::new(id)).is_some())
        .count();
    assert_eq!(held, 1, "the entry was removed before its key was dropped");
    assert_eq!(cache.len(), held, "len() after the panic");
    // And the count stays right afterwards: fill it up, it never exceeds the capacity.
    for id in 10..40 {
        cache.put(Key::new(id), id);
        assert!(
            cache.len() <= cache.capacity(),
            "len() {} > capacity",
            cache.len()
        );
    }
    assert_eq!(cache.len(), 4);
}

#[test]
fn exact_cache_stays_consistent_when_a_key_panics_in_drop_during_remove() {
    let mut cache = LruCache::with_capacity(2).unwrap();
    let stored = Key::new(1);
    let bomb = Arc::clone(&stored.armed);
    cache.put(stored, 10u32);
    cache.put(Key::new(2), 20);
    bomb.store(true, Ordering::SeqCst);
    assert!(quietly(|| cache.remove(&Key::new(1))).is_err());
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.peek(&Key::new(2)).copied(), Some(20));
    assert!(cache.put(Key::new(3), 30).is_none(), "one slot was free");
    assert_eq!(
        cache.put(Key::new(4), 40).map(|(k, v)| (k.id, v)),
        Some((2, 20))
    );
}
