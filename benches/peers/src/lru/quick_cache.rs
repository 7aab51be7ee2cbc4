//! The [`quick_cache`](https://crates.io/crates/quick_cache) crate behind [`Cache`]: the shared
//! mapping of [`crate::quick_cache_unsync`].
//!
//! quick_cache does not implement LRU eviction (see [`PEERS`](super::PEERS)); the adapter does not
//! try to make it.

use std::hash::Hash;

use kata_core::lru::Cache;

use super::CacheMaker;
use crate::quick_cache_unsync::{delegate_to_unsync, Unsync};

/// A `quick_cache::unsync::Cache` behind [`Cache`].
pub struct QuickCacheUnsync<K, V>(Unsync<K, V>);

delegate_to_unsync!(Cache<K, V>, QuickCacheUnsync);

/// Marker for [`QuickCacheUnsync`] as a family's cache.
pub struct QuickCache;

impl CacheMaker for QuickCache {
    type Cache<K: Hash + Eq + Clone, V> = QuickCacheUnsync<K, V>;
}
