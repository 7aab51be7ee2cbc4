//! The peers of the `order-book` kata: lobster's `OrderBook` (here), matchcore's ([`matchcore`])
//! and orderbook-rs's ([`orderbook_rs`]) behind [`kata_core::order_book::OrderBook`].
//!
//! lobster is a single-threaded limit order book: `execute(OrderType::{Market, Limit, Cancel})`
//! returns one `OrderEvent` (`Placed`, `Filled` or `PartiallyFilled` with the fills, `Canceled`,
//! `Unfilled`), with price-time priority and fills at the resting order's price. Levels are a
//! `BTreeMap<u64, Vec<usize>>` of indices into an arena of orders; an emptied level stays in the
//! map, and a cancel finds its order in its level by a linear search.
//!
//! What lobster does not report, the adapter keeps beside it (and the bench times it too): a map
//! from a resting order's id to its side, price, open quantity and arrival number (a `Canceled`
//! event carries no quantity; a fill names the maker but not what it has left), and the set of ids
//! ever accepted. The adapter validates commands itself (zero quantity, the grid, a market Gtc, a
//! duplicate id: lobster takes any id and any price). The rest it maps, and where lobster has no
//! such thing the mapping shows it:
//!
//! - an IOC limit order is lobster's limit order followed by the cancel of what rested;
//! - a FOK order is mapped as an IOC: lobster cannot tell whether the whole quantity is there
//!   before it trades;
//! - a modify is a cancel and a new limit order with the same id: it always loses its place
//!   (`Modified { priority: Lost }`), even for a size reduction, which keeps it in the kata.
//!
//! Queries read lobster's own best prices, and the adapter's map for the rest (`depth`, `order`,
//! the snapshot, sorted by arrival within a level). `replay` rebuilds by running again the
//! commands the log's `Accepted`, `Cancelled { Requested }` and `Modified` events record, and
//! refuses a log whose events the run does not reproduce. The engine of the family is the
//! reference's: the verdict and the bench are about the book.

use std::collections::{HashMap, HashSet};

use kata_core::order_book::{
    BookConfig, CancelReason, Command, Event, Level, OrderBook, OrderId, Price, Priority, Qty,
    Reject, ReplayError, RestingOrder, Side, SideSnapshot, Snapshot, TimeInForce,
};
use kata_suites::order_book::OrderBookFamily;

use crate::Peer;

pub mod matchcore;
pub mod orderbook_rs;

pub use self::matchcore::{MatchcoreBook, MatchcoreFamily};
pub use self::orderbook_rs::{OrderbookRsBook, OrderbookRsFamily};

kata_suites::order_book_family!(
    /// The reference `order-book`, the yardstick the suite grades the peers against.
    Reference => order_book_solution
);

/// lobster's family: its book, the reference's engine.
pub struct LobsterFamily;

impl OrderBookFamily for LobsterFamily {
    type Book = LobsterBook;
    type Engine = order_book_solution::Engine;
}

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    Some(match name {
        "lobster" => crate::grade::grade_order_book::<LobsterFamily, Reference>(seed),
        "matchcore" => crate::grade::grade_order_book::<MatchcoreFamily, Reference>(seed),
        "orderbook-rs" => crate::grade::grade_order_book::<OrderbookRsFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `order-book` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "lobster",
        krate: "lobster",
        version: "0.7",
        design: "levels in a BTreeMap of Vecs of arena indices (emptied levels stay), cached best \
             prices, an id map; cancel searches its level; the adapter keeps each order's open \
             quantity beside it",
        difference: Some(
            "no fill-or-kill (mapped as IOC: it trades what it can instead of nothing) and no \
         modify (mapped as cancel and re-submit: a size reduction loses its place)",
        ),
    },
    Peer {
        name: "matchcore",
        krate: "matchcore",
        version: "0.4",
        design: "levels in a slab indexed by a BTreeMap per side, each a VecDeque of queue \
                 entries left stale on cancel or move, orders in an FxHashMap; its own ids (the \
                 adapter maps the client's)",
        difference: Some(
            "a limit order that crosses is matched with no limit price (0.4.0 passes `None` to \
             its matcher on submit and on a price amend): it trades through its limit, a sell \
             at 95 filling a bid at 90",
        ),
    },
    Peer {
        name: "orderbook-rs",
        krate: "orderbook-rs",
        version: "0.15",
        design: "a concurrent book: levels in a crossbeam skip list per side, each a queue of \
                 pricelevel orders, orders by id in a DashMap, a submit gate; u128 prices; the \
                 adapter collects fills with a trade listener and keeps each order's open \
                 quantity beside it",
        difference: None,
    },
];

/// What the adapter keeps of a resting order.
#[derive(Debug, Clone, Copy)]
struct Resting {
    side: Side,
    price: Price,
    qty: Qty,
    arrival: u64,
}

/// lobster's book, with what the kata asks and lobster does not report.
pub struct LobsterBook {
    book: lobster::OrderBook,
    config: BookConfig,
    resting: HashMap<OrderId, Resting>,
    seen: HashSet<OrderId>,
    arrivals: u64,
}

fn lobster_side(side: Side) -> lobster::Side {
    match side {
        Side::Buy => lobster::Side::Bid,
        Side::Sell => lobster::Side::Ask,
    }
}

impl LobsterBook {
    /// Runs a limit (`Some(price)`) or market order `id` of `qty` through lobster, records its
    /// fills as events and in the makers' open quantities; returns what is left of it.
    fn trade(
        &mut self,
        id: OrderId,
        side: Side,
        price: Option<Price>,
        qty: Qty,
        events: &mut Vec<Event>,
    ) -> Qty {
        let order = match price {
            Some(price) => lobster::OrderType::Limit {
                id: u128::from(id),
                side: lobster_side(side),
                qty,
                price,
            },
            None => lobster::OrderType::Market {
                id: u128::from(id),
                side: lobster_side(side),
                qty,
            },
        };
        let filled = match self.book.execute(order) {
            lobster::OrderEvent::Filled {
                filled_qty, fills, ..
            }
            | lobster::OrderEvent::PartiallyFilled {
                filled_qty, fills, ..
            } => {
                for f in &fills {
                    // Ids come from u64s: the maker's fits.
                    let maker = f.order_2 as OrderId;
                    events.push(Event::Filled {
                        maker,
                        taker: id,
                        price: f.price,
                        qty: f.qty,
                    });
                    if let Some(r) = self.resting.get_mut(&maker) {
                        r.qty -= f.qty.min(r.qty);
                        if r.qty == 0 {
                            self.resting.remove(&maker);
                        }
                    }
                }
                filled_qty
            }
            _ => 0,
        };
        qty - filled.min(qty)
    }

    /// Rests what is left of limit order `id` (lobster has placed it already).
    fn rest(&mut self, id: OrderId, side: Side, price: Price, qty: Qty, events: &mut Vec<Event>) {
        self.arrivals += 1;
        self.resting.insert(
            id,
            Resting {
                side,
                price,
                qty,
                arrival: self.arrivals,
            },
        );
        events.push(Event::Rested {
            id,
            side,
            price,
            qty,
        });
    }

    /// The levels of `side`, best first, from the adapter's map.
    fn levels(&self, side: Side) -> Vec<Level> {
        let mut by_price: std::collections::BTreeMap<Price, Level> = Default::default();
        for r in self.resting.values().filter(|r| r.side == side) {
            let l = by_price.entry(r.price).or_insert(Level {
                price: r.price,
                qty: 0,
                orders: 0,
            });
            l.qty += r.qty;
            l.orders += 1;
        }
        let levels = by_price.into_values();
        match side {
            Side::Buy => levels.rev().collect(),
            Side::Sell => levels.collect(),
        }
    }

    fn level_at(&self, side: Side, price: Option<u64>) -> Option<Level> {
        let price = price?;
        self.levels(side).into_iter().find(|l| l.price == price)
    }

    fn side_snapshot(&self, side: Side) -> SideSnapshot {
        let mut orders: Vec<(&OrderId, &Resting)> = self
            .resting
            .iter()
            .filter(|(_, r)| r.side == side)
            .collect();
        orders.sort_by_key(|(_, r)| {
            let price = match side {
                Side::Buy => u64::MAX - r.price,
                Side::Sell => r.price,
            };
            (price, r.arrival)
        });
        let mut out: SideSnapshot = Vec::new();
        for (id, r) in orders {
            match out.last_mut() {
                Some((p, level)) if *p == r.price => level.push((*id, r.qty)),
                _ => out.push((r.price, vec![(*id, r.qty)])),
            }
        }
        out
    }
}

impl OrderBook for LobsterBook {
    fn new(config: BookConfig) -> Self {
        LobsterBook {
            book: lobster::OrderBook::default(),
            config,
            resting: HashMap::new(),
            seen: HashSet::new(),
            arrivals: 0,
        }
    }

    fn execute(&mut self, cmd: &Command, events: &mut Vec<Event>) {
        match *cmd {
            Command::Submit(o) => {
                let reject = if o.qty == 0 {
                    Some(Reject::ZeroQuantity)
                } else if let Some(r) = o.price.and_then(|p| self.config.check(p)) {
                    Some(r)
                } else if o.price.is_none() && o.tif == TimeInForce::Gtc {
                    Some(Reject::MarketGtc)
                } else if self.seen.contains(&o.id) {
                    Some(Reject::DuplicateId)
                } else {
                    None
                };
                if let Some(reason) = reject {
                    events.push(Event::Rejected { id: o.id, reason });
                    return;
                }
                self.seen.insert(o.id);
                events.push(Event::Accepted {
                    id: o.id,
                    side: o.side,
                    price: o.price,
                    qty: o.qty,
                    tif: o.tif,
                });
                let left = self.trade(o.id, o.side, o.price, o.qty, events);
                if left == 0 {
                    return;
                }
                match (o.price, o.tif) {
                    (Some(price), TimeInForce::Gtc) => self.rest(o.id, o.side, price, left, events),
                    (Some(_), _) => {
                        // lobster rested it: IOC (and FOK, mapped as IOC) take it back.
                        self.book.execute(lobster::OrderType::Cancel {
                            id: u128::from(o.id),
                        });
                        events.push(Event::Cancelled {
                            id: o.id,
                            qty: left,
                            reason: CancelReason::Unfilled,
                        });
                    }
                    (None, _) => events.push(Event::Cancelled {
                        id: o.id,
                        qty: left,
                        reason: CancelReason::Unfilled,
                    }),
                }
            }
            Command::Cancel { id } => match self.resting.remove(&id) {
                Some(r) => {
                    self.book
                        .execute(lobster::OrderType::Cancel { id: u128::from(id) });
                    events.push(Event::Cancelled {
                        id,
                        qty: r.qty,
                        reason: CancelReason::Requested,
                    });
                }
                None => events.push(Event::Rejected {
                    id,
                    reason: Reject::UnknownId,
                }),
            },
            Command::Modify { id, price, qty } => {
                let reject = match self.resting.get(&id) {
                    None => Some(Reject::UnknownId),
                    Some(_) if qty == 0 => Some(Reject::ZeroQuantity),
                    Some(_) => self.config.check(price),
                };
                if let Some(reason) = reject {
                    events.push(Event::Rejected { id, reason });
                    return;
                }
                let Some(r) = self.resting.remove(&id) else {
                    return;
                };
                // No modify in lobster: cancel, then the same id again as a new limit order.
                self.book
                    .execute(lobster::OrderType::Cancel { id: u128::from(id) });
                events.push(Event::Modified {
                    id,
                    price,
                    qty,
                    priority: Priority::Lost,
                });
                let left = self.trade(id, r.side, Some(price), qty, events);
                if left > 0 {
                    self.rest(id, r.side, price, left, events);
                }
            }
        }
    }

    fn best_bid(&self) -> Option<Level> {
        self.level_at(Side::Buy, self.book.max_bid())
    }

    fn best_ask(&self) -> Option<Level> {
        self.level_at(Side::Sell, self.book.min_ask())
    }

    fn depth(&self, side: Side, levels: usize) -> Vec<Level> {
        let mut all = self.levels(side);
        all.truncate(levels);
        all
    }

    fn order(&self, id: OrderId) -> Option<RestingOrder> {
        self.resting.get(&id).map(|r| RestingOrder {
            id,
            side: r.side,
            price: r.price,
            qty: r.qty,
        })
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            bids: self.side_snapshot(Side::Buy),
            asks: self.side_snapshot(Side::Sell),
        }
    }

    fn replay(config: BookConfig, log: &[Event]) -> Result<Self, ReplayError> {
        replay_by_rerunning(config, log)
    }
}

/// A book of type `B` rebuilt by running again the commands `log` records (its `Accepted`,
/// `Cancelled { Requested }` and `Modified` events; `Rejected` ones are skipped); a log whose
/// events the run does not reproduce is refused, as `UnknownOrder` when a command's first event
/// is a fill or modify of an order that does not rest, else as `Inconsistent`. For peers that cannot apply an event as a fact.
fn replay_by_rerunning<B: OrderBook>(config: BookConfig, log: &[Event]) -> Result<B, ReplayError> {
    let mut book = B::new(config);
    let mut events = Vec::new();
    let mut at = 0;
    while at < log.len() {
        let cmd = match log[at] {
            Event::Accepted {
                id,
                side,
                price,
                qty,
                tif,
            } => Command::Submit(kata_core::order_book::NewOrder {
                id,
                side,
                price,
                qty,
                tif,
            }),
            Event::Cancelled {
                id,
                reason: CancelReason::Requested,
                ..
            } => Command::Cancel { id },
            Event::Modified { id, .. } | Event::Filled { maker: id, .. }
                if book.order(id).is_none() =>
            {
                return Err(ReplayError::UnknownOrder { index: at, id });
            }
            Event::Modified { id, price, qty, .. } => Command::Modify { id, price, qty },
            Event::Rejected { .. } => {
                at += 1;
                continue;
            }
            _ => return Err(ReplayError::Inconsistent { index: at }),
        };
        events.clear();
        book.execute(&cmd, &mut events);
        let end = at + events.len();
        if end > log.len() || log[at..end] != events[..] {
            return Err(ReplayError::Inconsistent { index: at });
        }
        at = end;
    }
    Ok(book)
}
