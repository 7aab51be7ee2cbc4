//! Stage 4 of `lru`: hit ratios on realistic traces.
//!
//! - On a Zipf trace (skewed, like web and key-value traffic) and on a scan trace (a loop over
//!   more keys than fit, LRU's worst case), the cache's hit/miss sequence must be identical to an
//!   exact LRU's, request for request. The hit ratios are printed: the scan's shows why databases
//!   protect their buffer pools from scans.
//! - The sharded cache trades exactness for parallelism: each shard evicts on its own. Its hit
//!   ratio on the Zipf trace is printed beside the exact one and must stay within
//!   [`SHARDED_TOLERANCE`].

use std::collections::VecDeque;

use kata_core::lru::{Cache, ConcurrentCache};

use super::LruFamily;
use crate::measure::Zipf;
use crate::report::Measurement;
use crate::Ctx;

/// How far (absolute) the sharded cache's hit ratio may fall below the exact LRU's on the Zipf
/// trace with 16 shards. A good hash spreads the hot keys evenly: the measured gap of the reference
/// is about half a point; a hash that piles keys onto a few shards loses far more.
pub const SHARDED_TOLERANCE: f64 = 0.02;

const CAPACITY: usize = 1_000;
const SHARDS: usize = 16;
const ZIPF_KEYS: usize = 20_000;
const ZIPF_S: f64 = 0.9;
const REQUESTS: usize = 200_000;

/// Exact LRU over a trace with a move-to-front list: the model. Returns hits per request.
fn model_hits(trace: &[u32], capacity: usize) -> Vec<bool> {
    // Keys in recency order, most recent at the back. O(capacity) per request, fine here.
    let mut order: VecDeque<u32> = VecDeque::with_capacity(capacity + 1);
    trace
        .iter()
        .map(|k| {
            if let Some(i) = order.iter().rposition(|x| x == k) {
                order.remove(i);
                order.push_back(*k);
                true
            } else {
                order.push_back(*k);
                if order.len() > capacity {
                    order.pop_front();
                }
                false
            }
        })
        .collect()
}

/// The cache-aside pattern: read, and on a miss, load and insert.
fn cache_hits<C: Cache<u32, u32>>(cache: &mut C, trace: &[u32]) -> Vec<bool> {
    trace
        .iter()
        .map(|k| {
            if cache.get(k).is_some() {
                true
            } else {
                cache.put(*k, *k);
                false
            }
        })
        .collect()
}

fn ratio(hits: &[bool]) -> f64 {
    hits.iter().filter(|h| **h).count() as f64 / hits.len() as f64
}

fn compare_exact<F: LruFamily>(ctx: &mut Ctx, name: &str, trace: &[u32]) {
    let expected = model_hits(trace, CAPACITY);
    let mut outcome = None;
    ctx.check(
        &format!("{name}: hit/miss sequence identical to exact LRU"),
        || {
            let mut cache = F::Cache::<u32, u32>::with_capacity(CAPACITY)
                .map_err(|e| format!("with_capacity({CAPACITY}): {e}"))?;
            let got = cache_hits(&mut cache, trace);
            outcome = Some(ratio(&got));
            match got.iter().zip(&expected).position(|(g, e)| g != e) {
                None => Ok(()),
                Some(i) => Err(format!(
                "request #{} (key {}) was a {} but an exact LRU of capacity {CAPACITY} has a {} \
                 there; {} of {} requests differ",
                i + 1,
                trace[i],
                if got[i] { "hit" } else { "miss" },
                if expected[i] { "hit" } else { "miss" },
                got.iter().zip(&expected).filter(|(g, e)| g != e).count(),
                trace.len()
            )),
            }
        },
    );
    ctx.measure(Measurement {
        name: format!("{name}: hit ratio (exact LRU: {:.4})", ratio(&expected)),
        value: outcome.unwrap_or(f64::NAN),
        unit: "ratio".into(),
        threshold: format!("== {:.4}", ratio(&expected)),
        passed: outcome == Some(ratio(&expected)),
    });
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LruFamily>(ctx: &mut Ctx) {
    let zipf = Zipf::new(ZIPF_KEYS, ZIPF_S).trace(REQUESTS, ctx.sub_seed(4));
    compare_exact::<F>(
        ctx,
        &format!(
            "Zipf trace (s = {ZIPF_S}, {ZIPF_KEYS} keys, {REQUESTS} requests, capacity {CAPACITY})"
        ),
        &zipf,
    );

    // A loop over 1.5x the capacity, then a hot set of 100 keys mixed with a scan: LRU keeps
    // nothing of the loop (0% hits) and lets the scan flush the hot set.
    let mut scan: Vec<u32> = (0..10).flat_map(|_| 0..(CAPACITY as u32 * 3 / 2)).collect();
    let mut cold = 1_000_000u32;
    for i in 0..50_000u32 {
        if i % 3 == 0 {
            scan.push(cold);
            cold += 1;
        } else {
            scan.push(i % 100);
        }
    }
    compare_exact::<F>(
        ctx,
        "scan trace (loop over 1.5x capacity, then hot set + scan)",
        &scan,
    );

    let exact = ratio(&model_hits(&zipf, CAPACITY));
    let mut sharded_ratio = f64::NAN;
    ctx.check(
        &format!("sharded ({SHARDS} shards) runs the Zipf trace"),
        || {
            let cache = F::Sharded::<u32, u32>::with_shards(CAPACITY, SHARDS)
                .map_err(|e| format!("with_shards({CAPACITY}, {SHARDS}): {e}"))?;
            let hits = zipf
                .iter()
                .filter(|k| {
                    if cache.get(k).is_some() {
                        true
                    } else {
                        cache.put(**k, **k);
                        false
                    }
                })
                .count();
            sharded_ratio = hits as f64 / zipf.len() as f64;
            Ok(())
        },
    );
    ctx.measure(Measurement {
        name: format!("sharded hit ratio on the Zipf trace (exact LRU: {exact:.4})"),
        value: sharded_ratio,
        unit: "ratio".into(),
        threshold: format!(
            ">= {:.4} (exact - {SHARDED_TOLERANCE})",
            exact - SHARDED_TOLERANCE
        ),
        passed: sharded_ratio >= exact - SHARDED_TOLERANCE,
    });
}
