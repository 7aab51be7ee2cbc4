//! The [`quick_cache`](https://crates.io/crates/quick_cache) crate behind [`ForgetfulCache`]: the
//! shared mapping of [`crate::quick_cache_unsync`].
//!
//! quick_cache's policy (Clock-PRO / S3-FIFO-like: a small queue for newcomers, a main one with
//! reference bits, ghost entries for keys recently evicted) is a policy that forgets: it is what
//! the kata's `ForgetfulCache` is a contract for.

use std::hash::Hash;

use kata_core::lfu::ForgetfulCache;

use super::ForgetfulMaker;
use crate::quick_cache_unsync::{delegate_to_unsync, Unsync};

/// A `quick_cache::unsync::Cache` behind [`ForgetfulCache`].
pub struct QuickCacheForgetful<K, V>(Unsync<K, V>);

delegate_to_unsync!(ForgetfulCache<K, V>, QuickCacheForgetful);

/// Marker for [`QuickCacheForgetful`] as a family's cache that forgets.
pub struct QuickCache;

impl ForgetfulMaker for QuickCache {
    type Forgetful<K: Hash + Eq + Clone, V> = QuickCacheForgetful<K, V>;
}
