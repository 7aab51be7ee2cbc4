//! `cargo kata bench lfu`: the learner's exact LFU cache, the reference's and the peer crates on
//! the workloads of `kata_suites::lfu::workloads`, each on a cache of `BENCH_CAPACITY`
//! `u64 -> u64` entries filled before timing.
//!
//! The workloads run an exact [`Cache`]. `lfu_cache` is one; `moka` and `quick_cache` are caches
//! that forget ([`ForgetfulCache`]: their own policies choose the victim), timed on the same plans
//! through [`AsCache`], which makes the calls a workload's step makes (`get`, `peek`, `put`,
//! `remove`: never `frequency`). Their ratios to the reference are of cost, not of like for like:
//! they run another policy (admission, a sketch to keep up), and hit and miss on other requests.

use kata_core::lfu::{Cache, CapacityError, ForgetfulCache};
use kata_suites::lfu::workloads::{Plan, Prepared, BENCH, BENCH_CAPACITY};
use kata_suites::lfu::LfuFamily;

use crate::{plan_of, Clock, KataBench, Spec, Subject};

kata_suites::lfu_family!(
    /// The reference `lfu`.
    Reference => lfu_solution
);
#[cfg(feature = "lfu-learner")]
kata_suites::lfu_family!(
    /// The learner's `lfu`.
    Learner => lfu_kata
);

impl<C: Cache<u64, u64>> Subject for Prepared<C> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

/// A cache that forgets, making the calls of an exact [`Cache`] that the workloads make: every
/// one is the forgetful cache's own. It has no count to give: [`Cache::frequency`] panics, and no
/// workload step calls it.
pub struct AsCache<G>(G);

impl<G: ForgetfulCache<u64, u64>> Cache<u64, u64> for AsCache<G> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        G::with_capacity(capacity).map(AsCache)
    }

    #[inline]
    fn get(&mut self, key: &u64) -> Option<&u64> {
        self.0.get(key)
    }

    #[inline]
    fn peek(&self, key: &u64) -> Option<&u64> {
        self.0.peek(key)
    }

    #[inline]
    fn put(&mut self, key: u64, value: u64) -> Option<(u64, u64)> {
        self.0.put(key, value)
    }

    #[inline]
    fn remove(&mut self, key: &u64) -> Option<u64> {
        self.0.remove(key)
    }

    fn frequency(&self, _: &u64) -> Option<u64> {
        unreachable!("a cache that forgets has no exact count, and no bench workload asks for one")
    }

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

/// The plan of workload `spec` at the bench capacity: one trace and fill for every contender.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    Ok(crate::Prepared {
        plan: std::sync::Arc::new(Plan::new(spec.name, BENCH_CAPACITY, seed)?),
        clock: Clock::ThreadCpu,
        countable: true,
    })
}

/// An exact cache `C` filled as the plan says.
fn make_cache<C: Cache<u64, u64> + 'static>(plan: &crate::Plan) -> Box<dyn Subject> {
    match Prepared::<C>::on(plan_of::<Plan>(plan)) {
        Ok(p) => Box::new(p),
        Err(e) => crate::fail(&format!("lfu: {e}")),
    }
}

/// The exact cache of family `F` filled as the plan says.
fn make<F: LfuFamily>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_cache::<F::Cache<u64, u64>>(plan)
}

/// The cache that forgets of family `F`, filled as the plan says, through [`AsCache`].
fn make_forgetful<F: LfuFamily>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_cache::<AsCache<F::Forgetful<u64, u64>>>(plan)
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    use kata_peers::lfu::*;
    Some(match name {
        "lfu_cache" => make::<LfuCrateFamily<Reference>>,
        "moka" => make_forgetful::<MokaFamily<Reference>>,
        "quick_cache" => make_forgetful::<QuickCacheFamily<Reference>>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "lfu-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "lfu-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "lfu",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(kata_peers::lfu::PEERS, kata_peers::lfu::verdict, peer),
    })
}
