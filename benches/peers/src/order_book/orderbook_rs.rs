//! orderbook-rs's `OrderBook` behind [`kata_core::order_book::OrderBook`].
//!
//! orderbook-rs is a concurrent book (every method takes `&self`): price levels in a lock-free
//! skip list per side (crossbeam-skiplist), each level a queue of `pricelevel` orders, the orders
//! by id in a `DashMap`, and a submit gate that FOK orders and modifies take exclusively. Prices
//! are `u128`, quantities `u64`, ids `pricelevel::Id` (here `Id::Sequential` of the client id, so
//! no id map is needed). It has the kata's commands: limit orders with GTC, IOC and FOK, market
//! orders, `cancel_order`, and `update_order` (a new price is a cancel and a re-add, which may
//! trade; a quantity change keeps the order's place when it shrinks and sends it to the back
//! when it grows: the kata's priority rule).
//!
//! What the adapter adds:
//!
//! - the fills: orderbook-rs returns a submit's trades only when it succeeds (an IOC that leaves
//!   a remainder is an error, and a modify returns no trades at all), so the adapter installs a
//!   trade listener that collects every `TradeResult` and turns it into `Filled` events after
//!   each call;
//! - the kata's validation (zero quantity, the grid, a market GTC, a duplicate id: orderbook-rs
//!   refuses a duplicate only while the first order rests), with the set of ids ever accepted;
//! - a market FOK (orderbook-rs's market orders have no time in force) is a FOK limit order at
//!   the far end of the grid;
//! - like the lobster adapter, a map of each resting order's side, price, open quantity and
//!   arrival number, kept from the fills, for `depth` and the snapshot (orderbook-rs has them,
//!   but behind its locks and `Arc`s). The best prices and `order` are read from orderbook-rs
//!   itself, so the checks see its state too.
//!
//! `replay` runs again the commands the log records (see [`super::replay_by_rerunning`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use ::orderbook_rs as ob;
use kata_core::order_book::{
    BookConfig, CancelReason, Command, Event, Level, OrderBook, OrderId, Price, Priority, Qty,
    Reject, ReplayError, RestingOrder, Side, SideSnapshot, Snapshot, TimeInForce,
};
use kata_suites::order_book::OrderBookFamily;
use pricelevel::{Id, OrderUpdate};

/// orderbook-rs's family: its book, the reference's engine.
pub struct OrderbookRsFamily;

impl OrderBookFamily for OrderbookRsFamily {
    type Book = OrderbookRsBook;
    type Engine = order_book_solution::Engine;
}

/// A fill the trade listener saw: maker id, price, quantity.
type Fill = (OrderId, Price, Qty);

/// What the adapter keeps of a resting order.
#[derive(Debug, Clone, Copy)]
struct Resting {
    side: Side,
    price: Price,
    qty: Qty,
    arrival: u64,
}

/// orderbook-rs's book, with the fills its listener collects and the resting orders' map.
pub struct OrderbookRsBook {
    book: ob::OrderBook<()>,
    fills: Arc<Mutex<Vec<Fill>>>,
    config: BookConfig,
    resting: HashMap<OrderId, Resting>,
    seen: HashSet<OrderId>,
    arrivals: u64,
}

fn ob_side(side: Side) -> pricelevel::Side {
    match side {
        Side::Buy => pricelevel::Side::Buy,
        Side::Sell => pricelevel::Side::Sell,
    }
}

fn ob_tif(tif: TimeInForce) -> pricelevel::TimeInForce {
    match tif {
        TimeInForce::Gtc => pricelevel::TimeInForce::Gtc,
        TimeInForce::Ioc => pricelevel::TimeInForce::Ioc,
        TimeInForce::Fok => pricelevel::TimeInForce::Fok,
    }
}

impl OrderbookRsBook {
    /// Turns the fills the listener collected into events of taker `id`, takes them off the
    /// makers' open quantities; returns the quantity filled.
    fn drain_fills(&mut self, id: OrderId, events: &mut Vec<Event>) -> Qty {
        let fills = std::mem::take(&mut *self.fills.lock().unwrap_or_else(|e| e.into_inner()));
        let mut filled = 0;
        for (maker, price, qty) in fills {
            filled += qty;
            events.push(Event::Filled {
                maker,
                taker: id,
                price,
                qty,
            });
            if let Some(r) = self.resting.get_mut(&maker) {
                r.qty -= qty.min(r.qty);
                if r.qty == 0 {
                    self.resting.remove(&maker);
                }
            }
        }
        filled
    }

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
        let mut by_price: BTreeMap<Price, Level> = BTreeMap::new();
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

    fn level_at(&self, side: Side, price: Option<u128>) -> Option<Level> {
        let price = Price::try_from(price?).ok()?;
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

    fn submit(&mut self, o: kata_core::order_book::NewOrder, events: &mut Vec<Event>) {
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
        let id = Id::Sequential(o.id);
        let side = ob_side(o.side);
        // An IOC or FOK that does not fill, or a market order that meets an empty side, is an
        // error in orderbook-rs: what traded is in the listener's fills either way.
        match (o.price, o.tif) {
            (None, TimeInForce::Fok) => {
                // No FOK market order in orderbook-rs: a FOK limit at the far end of the grid.
                let far = match o.side {
                    Side::Buy => self.config.max_price,
                    Side::Sell => self.config.min_price.max(1),
                };
                let _ = self.book.add_limit_order(
                    id,
                    u128::from(far),
                    o.qty,
                    side,
                    pricelevel::TimeInForce::Fok,
                    None,
                );
            }
            (None, _) => {
                let _ = self.book.submit_market_order(id, o.qty, side);
            }
            (Some(price), tif) => {
                let _ = self.book.add_limit_order(
                    id,
                    u128::from(price),
                    o.qty,
                    side,
                    ob_tif(tif),
                    None,
                );
            }
        }
        let filled = self.drain_fills(o.id, events);
        let left = o.qty - filled.min(o.qty);
        if left == 0 {
            return;
        }
        match (o.price, o.tif) {
            (Some(price), TimeInForce::Gtc) => self.rest(o.id, o.side, price, left, events),
            _ => {
                let reason = if o.tif == TimeInForce::Fok && filled == 0 {
                    CancelReason::Killed
                } else {
                    CancelReason::Unfilled
                };
                events.push(Event::Cancelled {
                    id: o.id,
                    qty: left,
                    reason,
                });
            }
        }
    }

    fn modify(&mut self, id: OrderId, price: Price, qty: Qty, events: &mut Vec<Event>) {
        let reject = match self.resting.get(&id) {
            None => Some(Reject::UnknownId),
            Some(_) if qty == 0 => Some(Reject::ZeroQuantity),
            Some(_) => self.config.check(price),
        };
        if let Some(reason) = reject {
            events.push(Event::Rejected { id, reason });
            return;
        }
        let Some(r) = self.resting.get(&id).copied() else {
            return;
        };
        let priority = if price == r.price && qty <= r.qty {
            Priority::Kept
        } else {
            Priority::Lost
        };
        events.push(Event::Modified {
            id,
            price,
            qty,
            priority,
        });
        let order_id = Id::Sequential(id);
        let update = if price == r.price {
            OrderUpdate::UpdateQuantity {
                order_id,
                new_quantity: pricelevel::Quantity::new(qty),
            }
        } else {
            OrderUpdate::UpdatePriceAndQuantity {
                order_id,
                new_price: pricelevel::Price::new(u128::from(price)),
                new_quantity: pricelevel::Quantity::new(qty),
            }
        };
        if qty != r.qty || price != r.price {
            let _ = self.book.update_order(update);
        }
        if priority == Priority::Kept {
            if let Some(m) = self.resting.get_mut(&id) {
                m.qty = qty;
            }
            return;
        }
        self.resting.remove(&id);
        let filled = self.drain_fills(id, events);
        let left = qty - filled.min(qty);
        if left > 0 {
            self.rest(id, r.side, price, left, events);
        }
    }
}

impl OrderBook for OrderbookRsBook {
    fn new(config: BookConfig) -> Self {
        let fills: Arc<Mutex<Vec<Fill>>> = Arc::default();
        let sink = Arc::clone(&fills);
        let listener: ob::TradeListener = Arc::new(move |result: &ob::TradeResult| {
            let mut sink = sink.lock().unwrap_or_else(|e| e.into_inner());
            for t in result.match_result.trades().as_vec() {
                // Every id here is an `Id::Sequential` of a client id; prices come from the
                // grid's u64s.
                let maker = t.maker_order_id().as_u64().unwrap_or_default();
                let price = Price::try_from(t.price().as_u128()).unwrap_or(Price::MAX);
                sink.push((maker, price, t.quantity().as_u64()));
            }
        });
        OrderbookRsBook {
            book: ob::OrderBook::with_trade_listener("KATA", listener),
            fills,
            config,
            resting: HashMap::new(),
            seen: HashSet::new(),
            arrivals: 0,
        }
    }

    fn execute(&mut self, cmd: &Command, events: &mut Vec<Event>) {
        match *cmd {
            Command::Submit(o) => self.submit(o, events),
            Command::Cancel { id } => match self.resting.remove(&id) {
                Some(r) => {
                    let _ = self.book.cancel_order(Id::Sequential(id));
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
            Command::Modify { id, price, qty } => self.modify(id, price, qty, events),
        }
    }

    fn best_bid(&self) -> Option<Level> {
        self.level_at(Side::Buy, self.book.best_bid())
    }

    fn best_ask(&self) -> Option<Level> {
        self.level_at(Side::Sell, self.book.best_ask())
    }

    fn depth(&self, side: Side, levels: usize) -> Vec<Level> {
        let mut all = self.levels(side);
        all.truncate(levels);
        all
    }

    fn order(&self, id: OrderId) -> Option<RestingOrder> {
        // orderbook-rs's own record of the order, not the adapter's.
        let o = self.book.get_order(Id::Sequential(id))?;
        Some(RestingOrder {
            id,
            side: match o.side() {
                pricelevel::Side::Buy => Side::Buy,
                pricelevel::Side::Sell => Side::Sell,
            },
            price: Price::try_from(o.price().as_u128()).ok()?,
            qty: o.visible_quantity().as_u64() + o.hidden_quantity().as_u64(),
        })
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            bids: self.side_snapshot(Side::Buy),
            asks: self.side_snapshot(Side::Sell),
        }
    }

    fn replay(config: BookConfig, log: &[Event]) -> Result<Self, ReplayError> {
        super::replay_by_rerunning(config, log)
    }
}
