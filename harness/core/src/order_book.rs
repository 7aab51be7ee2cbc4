//! The API of the `order-book` kata: a limit order book for one instrument, with price-time
//! priority, the events every command causes, a book rebuilt from its events, and an engine
//! thread that owns the book fed by gateways through a bounded queue.
//!
//! Prices are integers in the instrument's smallest unit ([`Price`]) on a grid
//! ([`BookConfig`]); quantities are integers ([`Qty`]). Nothing is floating point.
//!
//! # The events of each command (the specification the grader compares, event for event)
//!
//! [`OrderBook::execute`] appends to the caller's buffer exactly these events:
//!
//! 1. **A command that fails validation** yields exactly `[Rejected { id, reason }]` and changes
//!    nothing, not even the set of ids seen. The first failure wins, in this order:
//!    - [`Command::Submit`]: [`Reject::ZeroQuantity`], then (limit orders only)
//!      [`Reject::OutOfRange`], then [`Reject::OffTick`], then [`Reject::MarketGtc`] (a market
//!      order with [`TimeInForce::Gtc`]: it has no price to rest at), then [`Reject::DuplicateId`]
//!      (the id was accepted before, ever: resting, filled, cancelled or killed; ids are never
//!      reused).
//!    - [`Command::Cancel`]: [`Reject::UnknownId`] (no order of that id is resting now).
//!    - [`Command::Modify`]: [`Reject::UnknownId`], then [`Reject::ZeroQuantity`],
//!      [`Reject::OutOfRange`], [`Reject::OffTick`].
//! 2. **A valid submit**: [`Event::Accepted`] first (the id is now seen, for good). Then, for
//!    [`TimeInForce::Fok`] only: if the quantity resting on the other side at acceptable prices
//!    (every price for a market order; `<= limit` for a buy, `>= limit` for a sell) is below
//!    `qty`, [`Event::Cancelled`] `{ qty, reason: Killed }` and nothing else. Otherwise the order
//!    matches: while its open quantity is above 0 and the best opposite price is acceptable, it
//!    fills against the **oldest** order of the **best** level: [`Event::Filled`] `{ maker,
//!    taker: id, price: the maker's price, qty: the smaller open quantity of the two }`. Then
//!    its remainder, if any: a `Gtc` limit order rests ([`Event::Rested`] with what is left, at
//!    the back of its level); an `Ioc`, `Fok` or market order's remainder is cancelled
//!    ([`Event::Cancelled`] `{ reason: Unfilled }`). Nothing more when it filled completely.
//! 3. **A cancel** of a resting order: `[Cancelled { id, qty: its open qty, reason: Requested }]`.
//! 4. **A modify** of a resting order to `(price, qty)`: when the price is the same and `qty` is
//!    at most the open quantity, the order keeps its place: `[Modified { priority: Kept }]` (a
//!    `qty` equal to the open quantity is allowed: a no-op, still `Kept`). Otherwise it loses its
//!    place: [`Event::Modified`] `{ priority: Lost }`, the order leaves the book and comes back
//!    as a `Gtc` limit order at the new price for the new quantity, with its own id as the taker
//!    id: it may fill ([`Event::Filled`]...), then rests with what is left ([`Event::Rested`]), or
//!    nothing more if it filled completely. It is not accepted again (no [`Event::Accepted`]).
//!
//! There is no self-trade prevention: there are no trader ids, so two orders of one trader may
//! fill each other.
//!
//! ## A worked example
//!
//! On a book with a sell of 5 at 101 (id 1) and a sell of 5 at 102 (id 2), a `Gtc` buy of 8 at
//! 102 (id 3) gives `Accepted { 3 }`, `Filled { maker: 1, taker: 3, price: 101, qty: 5 }`,
//! `Filled { maker: 2, taker: 3, price: 102, qty: 3 }`; order 2 rests with 2, and nothing of 3
//! is left to rest. The same buy as `Ioc` at 101 gives `Accepted`, the fill of 5 at 101, then
//! `Cancelled { id: 3, qty: 3, reason: Unfilled }`. As `Fok` at 101, `Accepted` then
//! `Cancelled { id: 3, qty: 8, reason: Killed }`: only 5 are offered at 101 or less.
//!
//! # Event sourcing
//!
//! [`OrderBook::replay`] rebuilds a book from the events alone, applying each as a fact (never
//! matching again): `Accepted` records the id as seen; `Rested` appends the order at the back of
//! its level; `Filled` reduces the maker (removed at 0); `Cancelled` removes the order if it
//! rests; `Modified` with `Kept` reduces it in place, with `Lost` removes it (the `Rested`
//! that follows, if any, puts it back at the back); `Rejected` does nothing. The rebuilt book
//! equals the live one: the same [`Snapshot`] and the same ids seen.

use std::fmt;

/// A client's order id. Unique for the book's lifetime: an id once accepted is never accepted
/// again (FIX's `ClOrdID` plays this role on real exchanges).
pub type OrderId = u64;
/// A price in the instrument's smallest unit (ticks times the tick size).
pub type Price = u64;
/// A quantity, in lots.
pub type Qty = u64;

/// The price grid of the instrument: a price is valid when `min_price <= price <= max_price`
/// and `price % tick == 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BookConfig {
    /// The tick: every valid price is a multiple of it. At least 1.
    pub tick: Price,
    /// The lowest valid price (on the grid; 0 is allowed).
    pub min_price: Price,
    /// The highest valid price (on the grid).
    pub max_price: Price,
}

impl BookConfig {
    /// A grid of prices `min_price, min_price + tick, ..., max_price`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroTick`] for a tick of 0, [`ConfigError::Inverted`] when `min_price >
    /// max_price`, [`ConfigError::BoundOffTick`] when a bound is not a multiple of the tick.
    pub fn new(tick: Price, min_price: Price, max_price: Price) -> Result<Self, ConfigError> {
        if tick == 0 {
            return Err(ConfigError::ZeroTick);
        }
        if min_price > max_price {
            return Err(ConfigError::Inverted {
                min_price,
                max_price,
            });
        }
        for bound in [min_price, max_price] {
            if !bound.is_multiple_of(tick) {
                return Err(ConfigError::BoundOffTick { bound, tick });
            }
        }
        Ok(BookConfig {
            tick,
            min_price,
            max_price,
        })
    }

    /// The number of prices on the grid, `(max_price - min_price) / tick + 1`.
    #[must_use]
    pub fn levels(&self) -> u64 {
        (self.max_price - self.min_price) / self.tick + 1
    }

    /// Why `price` is not on the grid, or `None` when it is: [`Reject::OutOfRange`] first, then
    /// [`Reject::OffTick`].
    #[must_use]
    pub fn check(&self, price: Price) -> Option<Reject> {
        if price < self.min_price || price > self.max_price {
            Some(Reject::OutOfRange {
                price,
                min: self.min_price,
                max: self.max_price,
            })
        } else if !price.is_multiple_of(self.tick) {
            Some(Reject::OffTick {
                price,
                tick: self.tick,
            })
        } else {
            None
        }
    }
}

/// Why [`BookConfig::new`] refused a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// A tick of 0.
    ZeroTick,
    /// `min_price > max_price`.
    Inverted {
        /// The lowest price given.
        min_price: Price,
        /// The highest price given.
        max_price: Price,
    },
    /// A bound that is not a multiple of the tick.
    BoundOffTick {
        /// The bound.
        bound: Price,
        /// The tick.
        tick: Price,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ConfigError::ZeroTick => write!(f, "a tick of 0: the tick must be at least 1"),
            ConfigError::Inverted {
                min_price,
                max_price,
            } => write!(
                f,
                "min_price {min_price} is above max_price {max_price}: the range must have \
                 min_price <= max_price"
            ),
            ConfigError::BoundOffTick { bound, tick } => write!(
                f,
                "the bound {bound} is not a multiple of the tick {tick}: both bounds must be on \
                 the price grid"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The side of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// A bid: wants to buy, at the limit price or lower.
    Buy,
    /// An ask: wants to sell, at the limit price or higher.
    Sell,
}

impl Side {
    /// The other side.
    #[must_use]
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
}

/// How long an order's remainder may live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeInForce {
    /// Good till cancelled: a limit order's remainder rests in the book.
    Gtc,
    /// Immediate or cancel: fill what can be filled now, cancel the rest.
    Ioc,
    /// Fill or kill: fill the whole quantity now, or nothing at all.
    Fok,
}

/// A new order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NewOrder {
    /// The client's id.
    pub id: OrderId,
    /// Buy or sell.
    pub side: Side,
    /// The limit price; `None` for a market order (any price).
    pub price: Option<Price>,
    /// The quantity.
    pub qty: Qty,
    /// How long the remainder lives.
    pub tif: TimeInForce,
}

/// What a client asks of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// A new order.
    Submit(NewOrder),
    /// Cancel the resting order `id`.
    Cancel {
        /// The order.
        id: OrderId,
    },
    /// Change the resting order `id` to limit `price` and open quantity `qty`.
    Modify {
        /// The order.
        id: OrderId,
        /// The new limit price.
        price: Price,
        /// The new open quantity.
        qty: Qty,
    },
}

impl Command {
    /// The order the command is about.
    #[must_use]
    pub fn id(&self) -> OrderId {
        match *self {
            Command::Submit(o) => o.id,
            Command::Cancel { id } | Command::Modify { id, .. } => id,
        }
    }
}

/// Why an order's open quantity was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelReason {
    /// The client asked ([`Command::Cancel`]).
    Requested,
    /// The remainder of an `Ioc`, `Fok` or market order that could not fill further.
    Unfilled,
    /// A `Fok` order that could not fill whole: nothing of it filled.
    Killed,
}

/// Whether a modified order kept its place in its level's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    /// Same price, quantity not increased: it keeps its place.
    Kept,
    /// A new price or a larger quantity: it goes to the back (and may fill first).
    Lost,
}

/// Why a command was refused; the book is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reject {
    /// A quantity of 0.
    ZeroQuantity,
    /// A price outside `min..=max`.
    OutOfRange {
        /// The price given.
        price: Price,
        /// The lowest valid price.
        min: Price,
        /// The highest valid price.
        max: Price,
    },
    /// A price that is not a multiple of the tick.
    OffTick {
        /// The price given.
        price: Price,
        /// The tick.
        tick: Price,
    },
    /// A market order with `Gtc`: it has no price to rest at.
    MarketGtc,
    /// An id accepted before (ids are never reused).
    DuplicateId,
    /// No order of that id rests in the book.
    UnknownId,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reject::ZeroQuantity => write!(f, "a quantity of 0: an order needs at least 1 lot"),
            Reject::OutOfRange { price, min, max } => write!(
                f,
                "price {price} is out of range: prices must be between {min} and {max}"
            ),
            Reject::OffTick { price, tick } => write!(
                f,
                "price {price} is off the tick grid: prices must be multiples of {tick}"
            ),
            Reject::MarketGtc => write!(
                f,
                "a market order cannot be Gtc: it has no price to rest at; use Ioc or Fok"
            ),
            Reject::DuplicateId => write!(
                f,
                "this order id was used before: each new order needs an id never accepted yet"
            ),
            Reject::UnknownId => write!(
                f,
                "no order of this id is resting: only a resting order can be cancelled or \
                 modified"
            ),
        }
    }
}

impl std::error::Error for Reject {}

/// What a command caused, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// A new order passed validation; its id is now taken for good.
    Accepted {
        /// The order.
        id: OrderId,
        /// Its side.
        side: Side,
        /// Its limit, `None` for a market order.
        price: Option<Price>,
        /// Its quantity.
        qty: Qty,
        /// Its time in force.
        tif: TimeInForce,
    },
    /// A trade between a resting order (the maker) and an incoming one (the taker).
    Filled {
        /// The resting order.
        maker: OrderId,
        /// The incoming order.
        taker: OrderId,
        /// The maker's price.
        price: Price,
        /// The quantity traded.
        qty: Qty,
    },
    /// An order (or what is left of it) now rests at the back of its level.
    Rested {
        /// The order.
        id: OrderId,
        /// Its side.
        side: Side,
        /// Its price.
        price: Price,
        /// Its open quantity.
        qty: Qty,
    },
    /// Open quantity removed.
    Cancelled {
        /// The order.
        id: OrderId,
        /// The open quantity removed.
        qty: Qty,
        /// Why.
        reason: CancelReason,
    },
    /// A resting order changed.
    Modified {
        /// The order.
        id: OrderId,
        /// Its new price.
        price: Price,
        /// Its new open quantity.
        qty: Qty,
        /// Whether it kept its place.
        priority: Priority,
    },
    /// The command was refused; nothing changed.
    Rejected {
        /// The id the command named.
        id: OrderId,
        /// Why.
        reason: Reject,
    },
}

/// One price level as the queries report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Level {
    /// Its price.
    pub price: Price,
    /// The total open quantity resting there.
    pub qty: Qty,
    /// The number of orders resting there.
    pub orders: usize,
}

/// A resting order as [`OrderBook::order`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RestingOrder {
    /// Its id.
    pub id: OrderId,
    /// Its side.
    pub side: Side,
    /// Its price.
    pub price: Price,
    /// Its open quantity.
    pub qty: Qty,
}

/// One side of a [`Snapshot`]: levels best first, each with its orders `(id, open qty)` in time
/// priority (the oldest first).
pub type SideSnapshot = Vec<(Price, Vec<(OrderId, Qty)>)>;

/// The whole book, for grading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Snapshot {
    /// Bids, the highest price first.
    pub bids: SideSnapshot,
    /// Asks, the lowest price first.
    pub asks: SideSnapshot,
}

/// Why [`OrderBook::replay`] could not rebuild a book from a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayError {
    /// Event `index` names an order that does not rest (a fill's maker, a modify's order).
    UnknownOrder {
        /// Its position in the log.
        index: usize,
        /// The id.
        id: OrderId,
    },
    /// Event `index` does not fit the book: a fill larger than the maker's open quantity, a
    /// `Rested` for an id that already rests or was never accepted, a `Kept` modify that
    /// increases the quantity, a price off the grid.
    Inconsistent {
        /// Its position in the log.
        index: usize,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ReplayError::UnknownOrder { index, id } => write!(
                f,
                "event {index} names order {id}, which does not rest at that point: a log \
                 replays only events the book produced, in order"
            ),
            ReplayError::Inconsistent { index } => write!(
                f,
                "event {index} does not fit the book rebuilt so far: a log replays only events \
                 the book produced, in order"
            ),
        }
    }
}

impl std::error::Error for ReplayError {}

/// A limit order book for one instrument, owned by one thread (`&mut self`).
///
/// Costs the grader counts (instructions, P price levels, n orders at a level): a submit that
/// rests at a new level `O(log P)` or better, a cancel `O(1)` (not a search of its level), the
/// best bid and ask `O(1)`, [`OrderBook::order`] `O(1)`, [`OrderBook::depth`] `O(levels
/// returned)`.
pub trait OrderBook: Sized {
    /// An empty book on the grid `config` (already validated by [`BookConfig::new`]).
    fn new(config: BookConfig) -> Self;

    /// Runs `cmd` and appends the events it caused to `events`, as the [module](self)
    /// documentation says. The buffer is the caller's, so that the hot path need not allocate.
    fn execute(&mut self, cmd: &Command, events: &mut Vec<Event>);

    /// The best (highest) bid level, or `None` when there is no bid.
    fn best_bid(&self) -> Option<Level>;

    /// The best (lowest) ask level, or `None` when there is no ask.
    fn best_ask(&self) -> Option<Level>;

    /// The `levels` best levels of `side`, best first (fewer if the side has fewer).
    fn depth(&self, side: Side, levels: usize) -> Vec<Level>;

    /// The resting order `id`, or `None` when it does not rest.
    fn order(&self, id: OrderId) -> Option<RestingOrder>;

    /// The whole book, best levels first, orders in time priority. For grading: it may scan.
    fn snapshot(&self) -> Snapshot;

    /// The book the events `log` describe, applied as facts (see the [module](self)
    /// documentation), from an empty book on `config`.
    ///
    /// # Errors
    ///
    /// A [`ReplayError`] for a log no book produced (a fill of an order that does not rest...);
    /// never a panic.
    fn replay(config: BookConfig, log: &[Event]) -> Result<Self, ReplayError>;
}

/// Why [`OrderEngine::start`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineError {
    /// A queue capacity of 0.
    ZeroCapacity,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::ZeroCapacity => write!(
                f,
                "a queue capacity of 0: the engine's bounded queue must hold at least 1 command"
            ),
        }
    }
}

impl std::error::Error for EngineError {}

/// The engine has stopped: the command was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineClosed;

impl fmt::Display for EngineClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the engine has stopped: no command can be queued any more"
        )
    }
}

impl std::error::Error for EngineClosed {}

/// The single-writer engine (LMAX's design): one thread owns the book and runs the commands
/// in the order a bounded queue delivers them; gateways on other threads queue commands and
/// receive their own events.
///
/// What must hold (the concurrency stage checks it under loom and on real threads): no command
/// is lost or run twice; one gateway's commands run in the order it sent them; each gateway
/// receives the events of its own commands, in its own order, and no other's; a full queue
/// blocks the sender (back-pressure), it never drops a command. Threads and queues come from
/// [`crate::sync`] (`thread::spawn`, `bounded`, `channel::unbounded`).
pub trait OrderEngine: Sized {
    /// A gateway: one client connection's way in.
    type Gateway: Gateway + Send + 'static;

    /// Starts the engine thread on an empty book on `config`, with a queue of `capacity`
    /// commands.
    ///
    /// # Errors
    ///
    /// [`EngineError::ZeroCapacity`] for a capacity of 0.
    fn start(config: BookConfig, capacity: usize) -> Result<Self, EngineError>;

    /// A new gateway.
    fn gateway(&self) -> Self::Gateway;

    /// Once every gateway is dropped: runs what is still queued, stops the thread, and returns
    /// the final book and every event in the order the engine produced them.
    fn shutdown(self) -> (Snapshot, Vec<Event>);
}

/// One client's way into an [`OrderEngine`].
pub trait Gateway {
    /// Queues `cmd`, blocking while the queue is full.
    ///
    /// # Errors
    ///
    /// [`EngineClosed`] when the engine has stopped.
    fn send(&mut self, cmd: Command) -> Result<(), EngineClosed>;

    /// The events of this gateway's oldest command whose events it has not received yet,
    /// waiting for the engine to run it; `None` when every command sent has had its events
    /// received (or the engine has stopped).
    fn recv(&mut self) -> Option<Vec<Event>>;
}
