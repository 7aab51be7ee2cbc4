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

/// A bounded queue between threads: `crossbeam-channel`'s bounded channel, or under
/// `--cfg kata_loom` a small queue on loom's `Mutex` and `Condvar` with the same method names,
/// so that every interleaving of senders and receivers is explored.
///
/// [`bounded`]`(capacity)` makes a pair. [`Sender::send`] blocks while the queue holds
/// `capacity` messages (back-pressure) and [`Receiver::recv`] blocks while it is empty; both
/// return an `Err` when the other side has gone (every `Sender` dropped, with the queue empty,
/// for `recv`; the `Receiver` dropped, for `send`). `Sender` is `Clone`: many producers, one
/// consumer. [`Sender::try_send`] never blocks: it returns an `Err` when the queue is full.
pub mod bounded {
    #[cfg(not(kata_loom))]
    pub use crossbeam_channel::{bounded, Receiver, Sender};

    #[cfg(kata_loom)]
    pub use self::modelled::{bounded, Receiver, Sender};

    #[cfg(kata_loom)]
    mod modelled {
        use std::collections::VecDeque;

        use loom::sync::{Arc, Condvar, Mutex};

        struct State<T> {
            queue: VecDeque<T>,
            capacity: usize,
            senders: usize,
            receiver: bool,
        }

        struct Shared<T> {
            state: Mutex<State<T>>,
            not_full: Condvar,
            not_empty: Condvar,
        }

        /// The sending side; clone it for more producers.
        pub struct Sender<T> {
            shared: Arc<Shared<T>>,
        }

        /// The receiving side.
        pub struct Receiver<T> {
            shared: Arc<Shared<T>>,
        }

        /// A queue of at most `capacity` messages (at least 1).
        pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
            let shared = Arc::new(Shared {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    capacity: capacity.max(1),
                    senders: 1,
                    receiver: true,
                }),
                not_full: Condvar::new(),
                not_empty: Condvar::new(),
            });
            (
                Sender {
                    shared: shared.clone(),
                },
                Receiver { shared },
            )
        }

        impl<T> Sender<T> {
            /// Queues `value`, waiting while the queue is full; `Err(value)` when the receiver
            /// has gone.
            pub fn send(&self, value: T) -> Result<(), T> {
                let mut state = self.shared.state.lock().unwrap();
                loop {
                    if !state.receiver {
                        return Err(value);
                    }
                    if state.queue.len() < state.capacity {
                        state.queue.push_back(value);
                        self.shared.not_empty.notify_all();
                        return Ok(());
                    }
                    state = self.shared.not_full.wait(state).unwrap();
                }
            }

            /// Queues `value` if there is room; `Err(value)` when the queue is full or the
            /// receiver has gone.
            pub fn try_send(&self, value: T) -> Result<(), T> {
                let mut state = self.shared.state.lock().unwrap();
                if !state.receiver || state.queue.len() >= state.capacity {
                    return Err(value);
                }
                state.queue.push_back(value);
                self.shared.not_empty.notify_all();
                Ok(())
            }
        }

        impl<T> Clone for Sender<T> {
            fn clone(&self) -> Self {
                self.shared.state.lock().unwrap().senders += 1;
                Sender {
                    shared: self.shared.clone(),
                }
            }
        }

        impl<T> Drop for Sender<T> {
            fn drop(&mut self) {
                if let Ok(mut state) = self.shared.state.lock() {
                    state.senders -= 1;
                }
                self.shared.not_empty.notify_all();
            }
        }

        impl<T> Receiver<T> {
            /// The oldest message, waiting while the queue is empty; `Err(())` when it is
            /// empty and every sender has gone.
            #[allow(clippy::result_unit_err)]
            pub fn recv(&self) -> Result<T, ()> {
                let mut state = self.shared.state.lock().unwrap();
                loop {
                    if let Some(value) = state.queue.pop_front() {
                        self.shared.not_full.notify_all();
                        return Ok(value);
                    }
                    if state.senders == 0 {
                        return Err(());
                    }
                    state = self.shared.not_empty.wait(state).unwrap();
                }
            }

            /// The oldest message if there is one, without waiting.
            #[allow(clippy::result_unit_err)]
            pub fn try_recv(&self) -> Result<T, ()> {
                let mut state = self.shared.state.lock().unwrap();
                let value = state.queue.pop_front().ok_or(())?;
                self.shared.not_full.notify_all();
                Ok(value)
            }
        }

        impl<T> Drop for Receiver<T> {
            fn drop(&mut self) {
                if let Ok(mut state) = self.shared.state.lock() {
                    state.receiver = false;
                }
                self.shared.not_full.notify_all();
            }
        }
    }
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::bounded::bounded;

    #[test]
    fn a_bounded_queue_blocks_when_full_and_errs_when_a_side_has_gone() {
        let (tx, rx) = bounded::<u32>(2);
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        assert!(tx.try_send(3).is_err(), "a full queue refuses try_send");
        let tx2 = tx.clone();
        let producer = std::thread::spawn(move || tx2.send(3).is_ok());
        assert_eq!(rx.recv().unwrap(), 1);
        assert!(producer.join().unwrap(), "send waits for room, then queues");
        assert_eq!(rx.recv().unwrap(), 2);
        assert_eq!(rx.recv().unwrap(), 3);
        drop(tx);
        assert!(rx.recv().is_err(), "every sender gone and the queue empty");
        let (tx, rx) = bounded::<u32>(1);
        drop(rx);
        assert!(tx.send(1).is_err(), "the receiver gone");
    }
}

#[cfg(all(test, kata_loom))]
mod loom_tests {
    use super::bounded::bounded;

    #[test]
    fn a_bounded_queue_of_one_delivers_each_message_once_in_order() {
        loom::model(|| {
            let (tx, rx) = bounded::<u32>(1);
            let tx2 = tx.clone();
            let a = loom::thread::spawn(move || {
                tx.send(1).unwrap();
                tx.send(2).unwrap();
            });
            let b = loom::thread::spawn(move || tx2.send(10).unwrap());
            let got: Vec<u32> = (0..3).map(|_| rx.recv().unwrap()).collect();
            a.join().unwrap();
            b.join().unwrap();
            assert!(rx.recv().is_err());
            let ones: Vec<u32> = got.iter().copied().filter(|&v| v < 10).collect();
            assert_eq!(ones, [1, 2]);
            assert!(got.contains(&10));
        });
    }
}
