//! SKELETON (replaced by the real stub/reference).
#![allow(unused_variables)]

use std::marker::PhantomData;

pub use kata_core::clock::{Clock, ManualClock, MonotonicClock};
pub use kata_core::leaky_bucket::{ConcurrentShaper, ConfigError, Full, Rate, Shaper};

/// A leaky bucket for one thread.
pub struct LeakyBucket<T, C> {
    _state: PhantomData<(T, C)>,
}

impl<T, C: Clock> Shaper<T, C> for LeakyBucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        todo!("LeakyBucket::new")
    }
    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        todo!("LeakyBucket::offer")
    }
    fn poll(&mut self) -> Option<T> {
        todo!("LeakyBucket::poll")
    }
    fn next_departure(&self) -> Option<u64> {
        todo!("LeakyBucket::next_departure")
    }
    fn level(&self) -> usize {
        todo!("LeakyBucket::level")
    }
    fn capacity(&self) -> usize {
        todo!("LeakyBucket::capacity")
    }
}

/// A thread-safe leaky bucket.
pub struct ConcurrentLeakyBucket<T, C> {
    _state: PhantomData<fn() -> (T, C)>,
}

impl<T: Send, C: Clock + Send + Sync> ConcurrentShaper<T, C> for ConcurrentLeakyBucket<T, C> {
    fn new(capacity: usize, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        todo!("ConcurrentLeakyBucket::new")
    }
    fn offer(&self, item: T) -> Result<u64, Full<T>> {
        todo!("ConcurrentLeakyBucket::offer")
    }
    fn poll(&self) -> Option<T> {
        todo!("ConcurrentLeakyBucket::poll")
    }
    fn next_departure(&self) -> Option<u64> {
        todo!("ConcurrentLeakyBucket::next_departure")
    }
    fn level(&self) -> usize {
        todo!("ConcurrentLeakyBucket::level")
    }
    fn capacity(&self) -> usize {
        todo!("ConcurrentLeakyBucket::capacity")
    }
}
