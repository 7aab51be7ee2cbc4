//! Placeholder of the `lfu` crate, replaced as the kata is written.

use std::hash::Hash;
use std::marker::PhantomData;

pub use kata_core::lfu::{Cache, CapacityError, ConcurrentCache, ForgetfulCache};

/// The exact LFU cache.
pub struct LfuCache<K, V>(PhantomData<(K, V)>);
/// The cache that forgets.
pub struct ForgetfulLfuCache<K, V>(PhantomData<(K, V)>);
/// The sharded cache.
pub struct ShardedLfuCache<K, V>(PhantomData<fn() -> (K, V)>);

impl<K: Hash + Eq + Clone, V> Cache<K, V> for LfuCache<K, V> {
    fn with_capacity(_capacity: usize) -> Result<Self, CapacityError> { todo!("LfuCache::with_capacity") }
    fn get(&mut self, _key: &K) -> Option<&V> { todo!("LfuCache::get") }
    fn peek(&self, _key: &K) -> Option<&V> { todo!("LfuCache::peek") }
    fn put(&mut self, _key: K, _value: V) -> Option<(K, V)> { todo!("LfuCache::put") }
    fn remove(&mut self, _key: &K) -> Option<V> { todo!("LfuCache::remove") }
    fn frequency(&self, _key: &K) -> Option<u64> { todo!("LfuCache::frequency") }
    fn len(&self) -> usize { todo!("LfuCache::len") }
    fn capacity(&self) -> usize { todo!("LfuCache::capacity") }
}

impl<K: Hash + Eq + Clone, V> ForgetfulCache<K, V> for ForgetfulLfuCache<K, V> {
    fn with_capacity(_capacity: usize) -> Result<Self, CapacityError> { todo!("ForgetfulLfuCache::with_capacity") }
    fn get(&mut self, _key: &K) -> Option<&V> { todo!("ForgetfulLfuCache::get") }
    fn peek(&self, _key: &K) -> Option<&V> { todo!("ForgetfulLfuCache::peek") }
    fn put(&mut self, _key: K, _value: V) -> Option<(K, V)> { todo!("ForgetfulLfuCache::put") }
    fn remove(&mut self, _key: &K) -> Option<V> { todo!("ForgetfulLfuCache::remove") }
    fn len(&self) -> usize { todo!("ForgetfulLfuCache::len") }
    fn capacity(&self) -> usize { todo!("ForgetfulLfuCache::capacity") }
}

impl<K: Hash + Eq + Clone + Send, V: Clone + Send> ConcurrentCache<K, V> for ShardedLfuCache<K, V> {
    fn with_shards(_capacity: usize, _shards: usize) -> Result<Self, CapacityError> { todo!("ShardedLfuCache::with_shards") }
    fn get(&self, _key: &K) -> Option<V> { todo!("ShardedLfuCache::get") }
    fn peek(&self, _key: &K) -> Option<V> { todo!("ShardedLfuCache::peek") }
    fn put(&self, _key: K, _value: V) -> Option<(K, V)> { todo!("ShardedLfuCache::put") }
    fn remove(&self, _key: &K) -> Option<V> { todo!("ShardedLfuCache::remove") }
    fn frequency(&self, _key: &K) -> Option<u64> { todo!("ShardedLfuCache::frequency") }
    fn len(&self) -> usize { todo!("ShardedLfuCache::len") }
    fn capacity(&self) -> usize { todo!("ShardedLfuCache::capacity") }
}
