//! `cargo kata bench sliding-window`: the learner's limiters, the reference and governor on the
//! workloads of `kata_suites::sliding_window::workloads`, on the workloads' [`OpClock`]
//! (operation `i` at `i × 10` ns), so that every contender is asked the same requests at the
//! same times.
//!
//! `single-key` runs each crate's `SlidingCounter` (governor's direct limiter stands in for it),
//! `many-keys` and `many-keys-contended` its `Keyed<u64, SlidingCounter, OpClock>` (governor's
//! keyed limiter on dashmap). governor is GCRA, not a window (`kata_peers::sliding_window`), so
//! it admits other requests than a sliding counter does: its ratios compare cost on the same
//! traffic, not like for like.

use std::sync::Arc;
use std::time::Duration;

use kata_core::sliding_window::{KeyedLimiter, WindowLimiter};
use kata_suites::sliding_window::workloads::{
    Contended, ManyKeys, OpClock, Plan, SingleKey, BENCH, BENCH_KEYS, BENCH_LIMIT,
};
use kata_suites::sliding_window::SlidingWindowFamily;

use crate::{plan_of, Clock, KataBench, Spec, Subject};

kata_suites::sliding_window_family!(
    /// The reference `sliding-window`.
    Reference => sliding_window_solution
);
#[cfg(feature = "sliding-window-learner")]
kata_suites::sliding_window_family!(
    /// The learner's `sliding-window`.
    Learner => sliding_window_kata
);

impl<W: WindowLimiter> Subject for SingleKey<W, OpClock> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<L, W> Subject for ManyKeys<L, W, OpClock>
where
    L: KeyedLimiter<u64, W, OpClock>,
    W: WindowLimiter + Send + Sync,
{
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<L: Send + Sync + 'static> Subject for Contended<L> {
    /// `ops` requests on every thread at once.
    fn steps(&mut self, ops: u64) {
        self.time(ops);
    }

    /// The workers' CPU time, per thread: a batch's ns per operation is then the CPU time of one
    /// `try_acquire` under contention.
    fn timed_steps(&mut self, ops: u64) -> Duration {
        self.time(ops).cpu / u32::try_from(self.threads()).unwrap_or(u32::MAX)
    }
}

/// `single-key` needs no plan; the keyed workloads share one trace of keys over
/// [`BENCH_KEYS`] keys.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    let (plan, contended): (crate::Plan, bool) = match spec.name {
        "single-key" => (Arc::new(()), false),
        "many-keys" | "many-keys-contended" => (
            Arc::new(Plan::new(spec.name, BENCH_KEYS, seed)?),
            spec.name == "many-keys-contended",
        ),
        other => return Err(format!("no sliding-window workload named `{other}`")),
    };
    Ok(crate::Prepared {
        plan,
        clock: if contended {
            Clock::WorkersCpu
        } else {
            Clock::ThreadCpu
        },
        countable: !contended,
    })
}

/// The window limiter `W` on `single-key`, or the keyed limiter `L` (of `W`s) on the keyed
/// workloads.
fn make_with<W, L>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject>
where
    W: WindowLimiter + Send + Sync + 'static,
    L: KeyedLimiter<u64, W, OpClock> + 'static,
{
    // Every contender is built at time 0 on this thread's op clock, where its workload's time
    // starts, whatever the workload built before it left there: governor counts from the
    // reading its keyed limiter takes when it is built.
    OpClock::set(0);
    match spec.name {
        "single-key" => Box::new(SingleKey::<W, OpClock>::new(BENCH_LIMIT, OpClock)),
        "many-keys-contended" => Box::new(Contended::<L>::on::<W, OpClock>(
            plan_of::<Plan>(plan),
            OpClock,
            2,
        )),
        _ => Box::new(ManyKeys::<L, W, OpClock>::on(
            plan_of::<Plan>(plan),
            OpClock,
        )),
    }
}

/// The limiters of family `F`: its `SlidingCounter`, and its `Keyed` of them.
fn make<F: SlidingWindowFamily>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_with::<F::Counter, F::Keyed<u64, F::Counter, OpClock>>(spec, plan)
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    use kata_peers::sliding_window::{GovernorKeyed, GovernorWindow};
    Some(match name {
        "governor" => make_with::<GovernorWindow, GovernorKeyed<u64, GovernorWindow, OpClock>>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "sliding-window-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "sliding-window-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "sliding-window",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(
            kata_peers::sliding_window::PEERS,
            kata_peers::sliding_window::verdict,
            peer,
        ),
    })
}
