//! # Kata `order-book`: a matching engine with price-time priority, events and replay
//!
//! A limit order book holds the orders of one instrument that wait to trade: bids (buy
//! orders) and asks (sell orders), each at a price. An incoming order trades against the
//! best opposite prices first, and at one price against the oldest order first
//! (**price-time priority**); what it cannot trade rests, or is cancelled, as its time in
//! force says. Two types:
//!
//! - [`Book`]: the book, owned by one thread. [`execute`](OrderBook::execute) runs a command
//!   (submit, cancel, modify) and appends the events it caused to the caller's buffer;
//!   [`best_bid`](OrderBook::best_bid), [`best_ask`](OrderBook::best_ask),
//!   [`depth`](OrderBook::depth) and [`order`](OrderBook::order) answer without a scan of the
//!   book; [`replay`](OrderBook::replay) rebuilds a book from its events (event sourcing).
//! - [`Engine`] and [`EngineGateway`]: LMAX's single writer. One thread owns a [`Book`];
//!   gateways on other threads queue commands through a bounded queue and receive their own
//!   events.
//!
//! Read `katas/order-book/README.md` first. The exact events of every command, the types you
//! use but do not write ([`Command`], [`Event`], [`Reject`], [`BookConfig`], ...) and the
//! traits are documented in `harness/core/src/order_book.rs` (or `cargo doc -p kata-core
//! --open`, module `order_book`): the grader compares events one for one, so read the
//! specification there before you write. Grade your work with `cargo kata check order-book`.
//! Start with [`Book::new`] and [`Book::execute`] for a limit order that rests.
//!
//! What must hold (the graded suite checks all of it):
//! - **validation** first, the first failure wins, and a refused command changes nothing (not
//!   even the ids seen): `[Rejected { id, reason }]` alone;
//! - **matching**: best price first, oldest first at a price, at the **maker's** price, the
//!   fill the smaller of the two open quantities; FOK checks the whole quantity is available at
//!   acceptable prices before it fills anything;
//! - **modify**: the same price and no more quantity keeps the order's place (`Kept`); anything
//!   else loses it (`Lost`): it leaves, comes back as a `Gtc` taker, may fill, then rests;
//! - **ids**: an id accepted once is refused ever after (`DuplicateId`), even once its order
//!   is gone; a refused id is not consumed;
//! - **replay**: the events applied as facts give the live book: the same snapshot, the same
//!   ids seen; a log no book produced is refused with a [`ReplayError`], never a panic;
//! - **engine**: every command run once, each gateway's in its order, each gateway receives
//!   its own events; a full queue blocks the sender, it never drops a command. Threads and
//!   queues come from `kata_core::sync` (`thread::spawn`, `bounded::bounded`,
//!   `channel::unbounded`), so that loom can check them;
//! - **cost**: a submit that rests at a new price O(log P) in the price levels, a cancel O(1)
//!   (not a search of its level), best bid and ask O(1), `order(id)` O(1), `depth` O(levels
//!   returned) (never a collect-and-sort of every level).
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::marker::PhantomData;

pub use kata_core::order_book::{
    BookConfig, CancelReason, Command, ConfigError, EngineClosed, EngineError, Event, Gateway,
    Level, NewOrder, OrderBook, OrderEngine, OrderId, Price, Priority, Qty, Reject, ReplayError,
    RestingOrder, Side, SideSnapshot, Snapshot, TimeInForce,
};

/// The order book of one instrument.
///
/// One design that meets the costs: every resting order in one slab (a `Vec` and a free list),
/// linked to its neighbours at the same price (a doubly linked list per level, so a cancel
/// unlinks it where it is); the levels of each side in an ordered map by price, with the best
/// level cached; a hash map from id to the order's slot, which also remembers ids no longer
/// resting.
pub struct Book {
    _todo: PhantomData<()>,
}

impl OrderBook for Book {
    fn new(config: BookConfig) -> Self {
        todo!("Book::new")
    }

    fn execute(&mut self, cmd: &Command, events: &mut Vec<Event>) {
        todo!("Book::execute")
    }

    fn best_bid(&self) -> Option<Level> {
        todo!("Book::best_bid")
    }

    fn best_ask(&self) -> Option<Level> {
        todo!("Book::best_ask")
    }

    fn depth(&self, side: Side, levels: usize) -> Vec<Level> {
        todo!("Book::depth")
    }

    fn order(&self, id: OrderId) -> Option<RestingOrder> {
        todo!("Book::order")
    }

    fn snapshot(&self) -> Snapshot {
        todo!("Book::snapshot")
    }

    fn replay(config: BookConfig, log: &[Event]) -> Result<Self, ReplayError> {
        todo!("Book::replay")
    }
}

/// The single-writer engine: one thread owning a [`Book`], fed by a bounded queue.
///
/// Hint: one bounded queue of `(gateway, command)` keeps each gateway's order for free; each
/// gateway needs a reply channel of its own that the engine thread can find.
pub struct Engine {
    _todo: PhantomData<()>,
}

/// One client's way into the [`Engine`]: queues commands, receives their events.
pub struct EngineGateway {
    _todo: PhantomData<()>,
}

impl OrderEngine for Engine {
    type Gateway = EngineGateway;

    fn start(config: BookConfig, capacity: usize) -> Result<Self, EngineError> {
        todo!("Engine::start")
    }

    fn gateway(&self) -> EngineGateway {
        todo!("Engine::gateway")
    }

    fn shutdown(self) -> (Snapshot, Vec<Event>) {
        todo!("Engine::shutdown")
    }
}

impl Gateway for EngineGateway {
    fn send(&mut self, cmd: Command) -> Result<(), EngineClosed> {
        todo!("EngineGateway::send")
    }

    fn recv(&mut self) -> Option<Vec<Event>> {
        todo!("EngineGateway::recv")
    }
}
