//! The synchronisation primitives katas use, swapped for loom's under `--cfg kata_loom`.
//!
//! A kata's thread-safe variant must take its `Mutex`, `RwLock`, atomics and `Arc` from here, never from
//! `std::sync` or `parking_lot` directly: that is what lets the concurrency stage model-check it
//! with [loom](https://docs.rs/loom), which explores the interleavings of these primitives. In a
//! normal build they are `parking_lot`'s mutex (no poisoning: `lock()` returns the guard) and the
//! standard atomics, plus a lock-free [`atomic::AtomicU128`] from `portable-atomic`. Katas whose
//! concurrency is message passing take their [`channel`]s from here too.
//!
//! Every [`Mutex::lock`] is counted per thread ([`locks_taken`]), so a suite can check a
//! requirement such as "lock-free": it reads the count before and after a call and fails the check
//! if the call took a lock. The count is one thread-local increment, a few instructions beside
//! the lock itself.
//!
//! The cfg is project-specific (`kata_loom`, not `loom`) so that dependencies which have their own
//! `cfg(loom)` code are not switched too, as crossbeam (`crossbeam_loom`) and moka (`moka_loom`) do.

#[cfg(not(kata_loom))]
pub use std::sync::Arc;

#[cfg(kata_loom)]
pub use loom::sync::Arc;

thread_local! {
    static LOCKS_TAKEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many times this thread has taken a [`Mutex`] of this module so far.
///
/// The graded suites compare it before and after a call to check that a variant documented as
/// lock-free took no lock.
pub fn locks_taken() -> u64 {
    LOCKS_TAKEN.try_with(|n| n.get()).unwrap_or(0)
}

/// A mutual-exclusion lock whose `lock()` returns the guard directly (no poisoning).
#[derive(Debug, Default)]
pub struct Mutex<T> {
    #[cfg(not(kata_loom))]
    inner: parking_lot::Mutex<T>,
    #[cfg(kata_loom)]
    inner: loom::sync::Mutex<T>,
}

/// The guard returned by [`Mutex::lock`]; the lock is released when it is dropped.
#[cfg(not(kata_loom))]
pub type MutexGuard<'a, T> = parking_lot::MutexGuard<'a, T>;
/// The guard returned by [`Mutex::lock`]; the lock is released when it is dropped.
#[cfg(kata_loom)]
pub type MutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Mutex {
            #[cfg(not(kata_loom))]
            inner: parking_lot::Mutex::new(value),
            #[cfg(kata_loom)]
            inner: loom::sync::Mutex::new(value),
        }
    }

    /// Blocks until the lock is held and returns its guard.
    #[inline]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        // `try_with`: a lock taken while the thread's locals are torn down is not counted.
        let _ = LOCKS_TAKEN.try_with(|n| n.set(n.get() + 1));
        #[cfg(not(kata_loom))]
        {
            self.inner.lock()
        }
        #[cfg(kata_loom)]
        {
            // A panic while holding the lock already failed the check that caused it.
            self.inner
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }
    }

    /// Consumes the mutex and returns its value.
    pub fn into_inner(self) -> T {
        #[cfg(not(kata_loom))]
        {
            self.inner.into_inner()
        }
        #[cfg(kata_loom)]
        {
            self.inner
                .into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }
    }
}

/// A reader-writer lock whose `read()` and `write()` return the guard directly (no poisoning):
/// many readers at once, or one writer. Both count as a lock taken ([`locks_taken`]).
#[derive(Debug, Default)]
pub struct RwLock<T> {
    #[cfg(not(kata_loom))]
    inner: parking_lot::RwLock<T>,
    #[cfg(kata_loom)]
    inner: loom::sync::RwLock<T>,
}

/// The guard returned by [`RwLock::read`].
#[cfg(not(kata_loom))]
pub type RwLockReadGuard<'a, T> = parking_lot::RwLockReadGuard<'a, T>;
/// The guard returned by [`RwLock::read`].
#[cfg(kata_loom)]
pub type RwLockReadGuard<'a, T> = loom::sync::RwLockReadGuard<'a, T>;
/// The guard returned by [`RwLock::write`].
#[cfg(not(kata_loom))]
pub type RwLockWriteGuard<'a, T> = parking_lot::RwLockWriteGuard<'a, T>;
/// The guard returned by [`RwLock::write`].
#[cfg(kata_loom)]
pub type RwLockWriteGuard<'a, T> = loom::sync::RwLockWriteGuard<'a, T>;

impl<T> RwLock<T> {
    /// A new unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        RwLock {
            #[cfg(not(kata_loom))]
            inner: parking_lot::RwLock::new(value),
            #[cfg(kata_loom)]
            inner: loom::sync::RwLock::new(value),
        }
    }

    /// Blocks until no writer holds the lock, and returns a shared guard.
    #[inline]
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        let _ = LOCKS_TAKEN.try_with(|n| n.set(n.get() + 1));
        #[cfg(not(kata_loom))]
        {
            self.inner.read()
        }
        #[cfg(kata_loom)]
        {
            self.inner
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }
    }

    /// Blocks until nobody holds the lock, and returns the exclusive guard.
    #[inline]
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        let _ = LOCKS_TAKEN.try_with(|n| n.set(n.get() + 1));
        #[cfg(not(kata_loom))]
        {
            self.inner.write()
        }
        #[cfg(kata_loom)]
        {
            self.inner
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }
    }
}

/// Atomic integers: `std`'s in a normal build, loom's under `--cfg kata_loom`.
pub mod atomic {
    #[cfg(not(kata_loom))]
    pub use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

    #[cfg(kata_loom)]
    pub use loom::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

    /// A 128-bit atomic integer, for state that must change in one step but does not fit 64 bits.
    ///
    /// Lock-free where the processor has a 128-bit compare-and-swap (x86-64 `cmpxchg16b`, AArch64),
    /// detected at run time by `portable-atomic`. Under loom it is modelled as a value behind a loom
    /// mutex, which gives each operation the same single-step, sequentially consistent effect.
    #[derive(Debug, Default)]
    pub struct AtomicU128 {
        #[cfg(not(kata_loom))]
        inner: portable_atomic::AtomicU128,
        #[cfg(kata_loom)]
        inner: loom::sync::Mutex<u128>,
    }

    impl AtomicU128 {
        /// A new atomic holding `value`.
        pub fn new(value: u128) -> Self {
            AtomicU128 {
                #[cfg(not(kata_loom))]
                inner: portable_atomic::AtomicU128::new(value),
                #[cfg(kata_loom)]
                inner: loom::sync::Mutex::new(value),
            }
        }

        /// Loads the value.
        #[inline]
        pub fn load(&self, order: Ordering) -> u128 {
            #[cfg(not(kata_loom))]
            {
                self.inner.load(order)
            }
            #[cfg(kata_loom)]
            {
                let _ = order;
                *self.inner.lock().unwrap()
            }
        }

        /// Stores `value`.
        #[inline]
        pub fn store(&self, value: u128, order: Ordering) {
            #[cfg(not(kata_loom))]
            {
                self.inner.store(value, order)
            }
            #[cfg(kata_loom)]
            {
                let _ = order;
                *self.inner.lock().unwrap() = value;
            }
        }

        /// Stores `new` if the value is `current`; returns the previous value, `Ok` if it was
        /// `current`.
        ///
        /// # Errors
        ///
        /// `Err(actual)` when the value was not `current`; nothing was stored.
        #[inline]
        pub fn compare_exchange(
            &self,
            current: u128,
            new: u128,
            success: Ordering,
            failure: Ordering,
        ) -> Result<u128, u128> {
            #[cfg(not(kata_loom))]
            {
                self.inner.compare_exchange(current, new, success, failure)
            }
            #[cfg(kata_loom)]
            {
                let _ = (success, failure);
                let mut value = self.inner.lock().unwrap();
                if *value == current {
                    *value = new;
                    Ok(current)
                } else {
                    Err(*value)
                }
            }
        }

        /// Like [`compare_exchange`](Self::compare_exchange) but may fail spuriously, which is
        /// cheaper in a retry loop.
        ///
        /// # Errors
        ///
        /// `Err(actual)` when the value was not `current`, or spuriously.
        #[inline]
        pub fn compare_exchange_weak(
            &self,
            current: u128,
            new: u128,
            success: Ordering,
            failure: Ordering,
        ) -> Result<u128, u128> {
            #[cfg(not(kata_loom))]
            {
                self.inner
                    .compare_exchange_weak(current, new, success, failure)
            }
            #[cfg(kata_loom)]
            {
                self.compare_exchange(current, new, success, failure)
            }
        }
    }
}

/// Threads: `std`'s, or loom's under `--cfg kata_loom`.
pub mod thread {
    #[cfg(not(kata_loom))]
    pub use std::thread::{spawn, yield_now, JoinHandle};

    #[cfg(kata_loom)]
    pub use loom::thread::{spawn, yield_now, JoinHandle};
}

/// Channels between threads: `crossbeam-channel`'s unbounded channel, or loom's `mpsc` under
/// `--cfg kata_loom`, where every order in which messages are delivered and received is explored.
///
/// Only what both share is used: [`unbounded`] makes a pair, [`Sender::send`] and
/// [`Receiver::recv`] return a `Result` (an error when the other side has gone). Under loom a
/// `recv` with no message left and no sender to send one blocks forever (loom reports a
/// deadlock), so a thread that receives must know how many messages to wait for.
pub mod channel {
    #[cfg(not(kata_loom))]
    pub use crossbeam_channel::{unbounded, Receiver, Sender};

    #[cfg(kata_loom)]
    pub use loom::sync::mpsc::{channel as unbounded, Receiver, Sender};
}
