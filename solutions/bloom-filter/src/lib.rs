//! SKELETON (being written).

use std::hash::Hash;

use kata_core::bloom_filter::{ConcurrentFilter, ConfigError, Filter, ShapeMismatch};

macro_rules! filter {
    ($name:ident) => {
        /// SKELETON.
        pub struct $name;
        impl Filter for $name {
            fn with_rate(_: u64, _: f64) -> Result<Self, ConfigError> {
                todo!(concat!(stringify!($name), "::with_rate"))
            }
            fn with_shape(_: u64, _: u32) -> Result<Self, ConfigError> {
                todo!(concat!(stringify!($name), "::with_shape"))
            }
            fn insert<T: Hash + ?Sized>(&mut self, _: &T) -> bool {
                todo!()
            }
            fn contains<T: Hash + ?Sized>(&self, _: &T) -> bool {
                todo!()
            }
            fn bits_set(&self) -> u64 {
                todo!()
            }
            fn estimated_items(&self) -> f64 {
                todo!()
            }
            fn union(&mut self, _: &Self) -> Result<(), ShapeMismatch> {
                todo!()
            }
            fn bits(&self) -> u64 {
                todo!()
            }
            fn hashes(&self) -> u32 {
                todo!()
            }
        }
    };
}
filter!(BloomFilter);
filter!(BlockedBloomFilter);

/// SKELETON.
pub struct AtomicBloomFilter;
impl ConcurrentFilter for AtomicBloomFilter {
    fn with_rate(_: u64, _: f64) -> Result<Self, ConfigError> {
        todo!("AtomicBloomFilter::with_rate")
    }
    fn with_shape(_: u64, _: u32) -> Result<Self, ConfigError> {
        todo!("AtomicBloomFilter::with_shape")
    }
    fn insert<T: Hash + ?Sized>(&self, _: &T) -> bool {
        todo!()
    }
    fn contains<T: Hash + ?Sized>(&self, _: &T) -> bool {
        todo!()
    }
    fn bits_set(&self) -> u64 {
        todo!()
    }
    fn estimated_items(&self) -> f64 {
        todo!()
    }
    fn bits(&self) -> u64 {
        todo!()
    }
    fn hashes(&self) -> u32 {
        todo!()
    }
}
