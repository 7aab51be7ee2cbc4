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

/// The complexity workload on a cache of capacity `n`, filled, as a cycle of five operations:
/// `get` a present key, `put` a new key (evicting the least recently used), `peek` a present key,
/// `remove` a present key, and `put` it back (into the freed slot). Present keys are drawn from
/// the `n / 8` most recently inserted, which no eviction can have reached. The benches use the
/// same definition.
pub fn mixed_workload<C: Cache<u64, u64>>(n: usize, seed: u64) -> impl FnMut(u64) {
    let mut cache = C::with_capacity(n).expect("capacity > 0");
    for k in 0..n as u64 {
        cache.put(k, k);
    }
    let mut next = n as u64;
    let mut rng = SplitMix64::new(seed);
    let window = (n as u64 / 8).max(1);
    let mut removed = 0;
    move |i| {
        let recent = next - 1 - rng.below(window);
        match i % 5 {
            0 => {
                std::hint::black_box(cache.get(&recent));
            }
            1 => {
                std::hint::black_box(cache.put(next, next));
                next += 1;
            }
            2 => {
                std::hint::black_box(cache.peek(&recent));
            }
            3 => {
                removed = recent;
                std::hint::black_box(cache.remove(&removed));
            }
            _ => {
                std::hint::black_box(cache.put(removed, removed));
            }
        }
    }
}

pub(super) fn run<F: LruFamily, R: LruFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    let mut report = None;
    ctx.check(
        "LruCache: get, evicting put, peek, remove and put back, at four sizes",
        || {
            report = Some(compare_complexity(
                &COMPLEXITY_SIZES,
                |n| Box::new(mixed_workload::<F::Cache<u64, u64>>(n, seed)) as Box<dyn Workload>,
                |n| Box::new(mixed_workload::<R::Cache<u64, u64>>(n, seed)) as Box<dyn Workload>,
            ));
            Ok(())
        },
    );
    if let Some(report) = report {
        report_complexity(ctx, "LruCache", &report);
    }
}
