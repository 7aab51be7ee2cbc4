//! SKELETON (being written).

use std::hash::Hash;
use std::marker::PhantomData;

use kata_core::count_min_sketch::{
    ConcurrentSketch, ConfigError, HeavyHitters, ShapeMismatch, Sketch, SpaceSavingTracker,
    TopKTracker,
};

macro_rules! sketch {
    ($name:ident) => {
        /// SKELETON.
        pub struct $name;
        impl Sketch for $name {
            fn with_error(_: f64, _: f64) -> Result<Self, ConfigError> {
                todo!(concat!(stringify!($name), "::with_error"))
            }
            fn with_shape(_: usize, _: usize) -> Result<Self, ConfigError> {
                todo!(concat!(stringify!($name), "::with_shape"))
            }
            fn add<T: Hash + ?Sized>(&mut self, _: &T, _: u64) {
                todo!()
            }
            fn estimate<T: Hash + ?Sized>(&self, _: &T) -> u64 {
                todo!()
            }
            fn merge(&mut self, _: &Self) -> Result<(), ShapeMismatch> {
                todo!()
            }
            fn total(&self) -> u64 {
                todo!()
            }
            fn width(&self) -> usize {
                todo!()
            }
            fn depth(&self) -> usize {
                todo!()
            }
        }
    };
}
sketch!(CountMinSketch);
sketch!(ConservativeCountMinSketch);

/// SKELETON.
pub struct AtomicCountMinSketch;
impl ConcurrentSketch for AtomicCountMinSketch {
    fn with_error(_: f64, _: f64) -> Result<Self, ConfigError> {
        todo!("AtomicCountMinSketch::with_error")
    }
    fn with_shape(_: usize, _: usize) -> Result<Self, ConfigError> {
        todo!("AtomicCountMinSketch::with_shape")
    }
    fn add<T: Hash + ?Sized>(&self, _: &T, _: u64) {
        todo!()
    }
    fn estimate<T: Hash + ?Sized>(&self, _: &T) -> u64 {
        todo!()
    }
    fn total(&self) -> u64 {
        todo!()
    }
    fn width(&self) -> usize {
        todo!()
    }
    fn depth(&self) -> usize {
        todo!()
    }
}

/// SKELETON.
pub struct TopK<T, S>(PhantomData<(T, S)>);
impl<T: Hash + Eq + Clone + Ord, S: Sketch> HeavyHitters<T> for TopK<T, S> {
    fn add(&mut self, _: &T, _: u64) {
        todo!("TopK::add")
    }
    fn top_k(&self) -> Vec<(T, u64)> {
        todo!()
    }
    fn k(&self) -> usize {
        todo!()
    }
}
impl<T: Hash + Eq + Clone + Ord, S: Sketch> TopKTracker<T, S> for TopK<T, S> {
    fn new(_: usize, _: S) -> Result<Self, ConfigError> {
        todo!("TopK::new")
    }
    fn sketch(&self) -> &S {
        todo!()
    }
}

/// SKELETON.
pub struct SpaceSaving<T>(PhantomData<T>);
impl<T: Hash + Eq + Clone + Ord> HeavyHitters<T> for SpaceSaving<T> {
    fn add(&mut self, _: &T, _: u64) {
        todo!("SpaceSaving::add")
    }
    fn top_k(&self) -> Vec<(T, u64)> {
        todo!()
    }
    fn k(&self) -> usize {
        todo!()
    }
}
impl<T: Hash + Eq + Clone + Ord> SpaceSavingTracker<T> for SpaceSaving<T> {
    fn new(_: usize, _: usize) -> Result<Self, ConfigError> {
        todo!("SpaceSaving::new")
    }
    fn estimate(&self, _: &T) -> u64 {
        todo!()
    }
    fn monitored(&self) -> usize {
        todo!()
    }
}
