//! SKELETON (replaced by the real stub/reference).
#![allow(unused_variables)]

use std::hash::Hash;
use std::marker::PhantomData;
use std::time::Duration;

pub use kata_core::clock::{Clock, ManualClock, MonotonicClock};
pub use kata_core::sliding_window::{ConfigError, KeyedLimiter, WindowLimiter};

macro_rules! skeleton {
    ($($name:ident),+) => {$(
        /// A window limiter.
        pub struct $name {
            _state: (),
        }
        impl WindowLimiter for $name {
            fn new(limit: u64, window: Duration) -> Result<Self, ConfigError> {
                todo!(concat!(stringify!($name), "::new"))
            }
            fn try_acquire(&mut self, now: u64) -> bool {
                todo!(concat!(stringify!($name), "::try_acquire"))
            }
            fn is_idle(&self, now: u64) -> bool {
                todo!(concat!(stringify!($name), "::is_idle"))
            }
            fn limit(&self) -> u64 {
                todo!(concat!(stringify!($name), "::limit"))
            }
            fn window(&self) -> Duration {
                todo!(concat!(stringify!($name), "::window"))
            }
        }
    )+};
}
skeleton!(FixedWindow, SlidingLog, SlidingCounter);

/// A keyed limiter.
pub struct Keyed<K, W, C> {
    _state: PhantomData<fn() -> (K, W, C)>,
}

impl<K, W, C> KeyedLimiter<K, W, C> for Keyed<K, W, C>
where
    K: Hash + Eq + Clone + Send,
    W: WindowLimiter + Send,
    C: Clock + Send + Sync,
{
    fn new(limit: u64, window: Duration, clock: C) -> Result<Self, ConfigError> {
        todo!("Keyed::new")
    }
    fn try_acquire(&self, key: &K) -> bool {
        todo!("Keyed::try_acquire")
    }
    fn len(&self) -> usize {
        todo!("Keyed::len")
    }
}
