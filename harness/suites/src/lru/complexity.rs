//! Stage 5 of `lru`: is every operation O(1)?
//!
//! At each size `n` the cache is filled with `n` keys, then runs the workload below, timed against
//! the reference interleaved (see [`crate::measure`]).

use kata_core::lru::Cache;

use super::LruFamily;
use crate::measure::{
    compare_complexity, report_complexity, SplitMix64, Workload, COMPLEXITY_SIZES,
};
use crate::Ctx;

/// The complexity workload on a cache of capacity `n`, filled: alternately a hit on a key among
/// the `n / 2` most recently inserted (found and moved to the front) and a put of a new key (which
/// evicts the least recently used). The benches use the same definition.
pub fn hit_evict_workload<C: Cache<u64, u64>>(n: usize, seed: u64) -> impl FnMut(u64) {
    let mut cache = C::with_capacity(n).expect("capacity > 0");
    for k in 0..n as u64 {
        cache.put(k, k);
    }
    let mut next = n as u64;
    let mut rng = SplitMix64::new(seed);
    let half = (n as u64 / 2).max(1);
    move |i| {
        if i % 2 == 0 {
            // Inserted within the last n/2 puts, and at most n - 1 operations ago: still there.
            let key = next - 1 - rng.below(half);
            std::hint::black_box(cache.get(&key));
        } else {
            std::hint::black_box(cache.put(next, next));
            next += 1;
        }
    }
}

pub(super) fn run<F: LruFamily, R: LruFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    let mut report = None;
    ctx.check("LruCache: get hits and evicting puts at four sizes", || {
        report = Some(compare_complexity(
            &COMPLEXITY_SIZES,
            |n| Box::new(hit_evict_workload::<F::Cache<u64, u64>>(n, seed)) as Box<dyn Workload>,
            |n| Box::new(hit_evict_workload::<R::Cache<u64, u64>>(n, seed)) as Box<dyn Workload>,
        ));
        Ok(())
    });
    if let Some(report) = report {
        report_complexity(ctx, "LruCache get + put", &report);
    }
}
