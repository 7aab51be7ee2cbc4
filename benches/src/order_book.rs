//! `cargo kata bench order-book`: the learner's book, the reference's and the peers' on the
//! workloads of `kata_suites::order_book::workloads`:
//!
//! - `day`: a generated trading day of 100 000 commands (clustered prices around a drifting mid,
//!   most commands cancels and modifies, bursts of aggressive orders, some IOC, FOK and market
//!   orders). One operation is one command, whatever it is: the table's ops/s is the day's
//!   commands per second, the figure to set beside LMAX's six million.
//! - `rest`: limit orders that rest; `cross`: a resting sell, then a buy that fills it;
//!   `cancel`: 4 096 resting orders, then each cancelled in a random order.
//!
//! Every contender runs the same commands in the same order through
//! [`OrderBook::execute`] with one reused event buffer, from an empty book on
//! [`DAY_CONFIG`]; when the stream ends, the book is replaced by an empty one and the stream
//! starts again (so a batch may include dropping a full book: once every 100 000 commands).
//! The commands are generated once per workload (untimed) and shared by every contender.

use std::sync::Arc;

use kata_core::order_book::{Command, OrderBook};
use kata_suites::order_book::workloads::{stream, Flow, BENCH, DAY_CONFIG};
use kata_suites::order_book::OrderBookFamily;

use crate::{plan_of, Clock, KataBench, Spec, Subject};

kata_suites::order_book_family!(
    /// The reference `order-book`.
    Reference => order_book_solution
);
#[cfg(feature = "order-book-learner")]
kata_suites::order_book_family!(
    /// The learner's `order-book`.
    Learner => order_book_kata
);

/// A workload's plan: its commands, generated once.
pub struct BenchPlan {
    commands: Arc<Vec<Command>>,
}

/// The plan of workload `spec`.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    let Some(commands) = stream(spec.name, seed) else {
        let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
        return Err(format!(
            "no order-book workload named `{}`; the workloads are: {}",
            spec.name,
            known.join(", ")
        ));
    };
    Ok(crate::Prepared {
        plan: Arc::new(BenchPlan {
            commands: Arc::new(commands),
        }),
        clock: Clock::ThreadCpu,
        countable: true,
    })
}

struct Run<B>(Flow<B>);

impl<B: OrderBook> Subject for Run<B> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            std::hint::black_box(self.0.step());
        }
    }
}

/// Book `B` on the workload the plan names.
pub fn make_book<B: OrderBook + 'static>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    Box::new(Run(Flow::<B>::new(
        DAY_CONFIG,
        plan.commands.as_ref().clone(),
    )))
}

/// Family `F`'s book on the workload.
fn make<F: OrderBookFamily>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_book::<F::Book>(spec, plan)
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    Some(match name {
        "lobster" => make_book::<kata_peers::order_book::LobsterBook>,
        "matchcore" => make_book::<kata_peers::order_book::MatchcoreBook>,
        "orderbook-rs" => make_book::<kata_peers::order_book::OrderbookRsBook>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "order-book-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "order-book-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "order-book",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(
            kata_peers::order_book::PEERS,
            kata_peers::order_book::verdict,
            peer,
        ),
    })
}
