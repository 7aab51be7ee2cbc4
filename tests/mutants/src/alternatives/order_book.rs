//! `order-book`: a correct book and engine in another design than the reference's.
//!
//! The reference links the orders of a level in a doubly linked list through a slab, so that a
//! cancel unlinks its order where it stands. Here each level is a `VecDeque` of `(id, arrival)`
//! in time order, and a cancel is lazy: the order leaves the id map and its quantity leaves the
//! level's totals at once (so `best_bid`, `depth` and FOK's check see exact figures), but its
//! entry stays in the queue as a tombstone, skipped and dropped when matching reaches it (an
//! entry is live when the id map still has that id with that arrival number: an order that lost
//! its place comes back with a new one). A level whose last live order leaves is removed whole,
//! tombstones with it. Levels live in a slab indexed from a `BTreeMap` per side, with the best
//! level of each side cached.
//!
//! The engine differs too: there is no registration of gateways; every command travels with the
//! sender of its gateway's reply channel.

use std::collections::{BTreeMap, VecDeque};

use hashbrown::{HashMap, HashSet};
use kata_core::order_book::{
    BookConfig, CancelReason, Command, EngineClosed, EngineError, Event, Level, OrderBook,
    OrderEngine, OrderId, Price, Priority, Qty, Reject, ReplayError, RestingOrder, Side,
    SideSnapshot, Snapshot, TimeInForce,
};
use kata_core::sync::{bounded, channel, thread};
use kata_suites::order_book::OrderBookFamily;

/// The lazy-cancel book and its engine.
pub struct LazyFamily;

impl OrderBookFamily for LazyFamily {
    type Book = LazyBook;
    type Engine = CarriedEngine;
}

/// A resting order, in the id map.
#[derive(Debug, Clone, Copy)]
struct Live {
    side: Side,
    price: Price,
    qty: Qty,
    arrival: u64,
    level: usize,
}

/// One price level: its queue (live entries and tombstones) and its exact live totals.
#[derive(Debug, Default)]
struct Lvl {
    price: Price,
    queue: VecDeque<(OrderId, u64)>,
    qty: Qty,
    orders: usize,
}

fn at(side: Side) -> usize {
    match side {
        Side::Buy => 0,
        Side::Sell => 1,
    }
}

/// The book: an id map of live orders, levels of lazy queues.
pub struct LazyBook {
    config: BookConfig,
    live: HashMap<OrderId, Live>,
    seen: HashSet<OrderId>,
    levels: Vec<Lvl>,
    free: Vec<usize>,
    index: [BTreeMap<Price, usize>; 2],
    best: [Option<usize>; 2],
    arrivals: u64,
}

impl LazyBook {
    /// Whether a taker on `side` with limit `price` accepts the level at `level_price`.
    fn acceptable(side: Side, price: Option<Price>, level_price: Price) -> bool {
        match (side, price) {
            (_, None) => true,
            (Side::Buy, Some(p)) => level_price <= p,
            (Side::Sell, Some(p)) => level_price >= p,
        }
    }

    /// The best level of `side` recomputed from the index.
    fn best_of(&self, side: Side) -> Option<usize> {
        let index = &self.index[at(side)];
        let found = match side {
            Side::Buy => index.last_key_value(),
            Side::Sell => index.first_key_value(),
        };
        found.map(|(_, &l)| l)
    }

    /// The level of `side` at `price`, made if need be.
    fn level(&mut self, side: Side, price: Price) -> usize {
        if let Some(&l) = self.index[at(side)].get(&price) {
            return l;
        }
        let lvl = Lvl {
            price,
            ..Lvl::default()
        };
        let l = match self.free.pop() {
            Some(l) => {
                self.levels[l] = lvl;
                l
            }
            None => {
                self.levels.push(lvl);
                self.levels.len() - 1
            }
        };
        self.index[at(side)].insert(price, l);
        let better = match self.best[at(side)] {
            None => true,
            Some(b) => {
                let bp = self.levels[b].price;
                match side {
                    Side::Buy => price > bp,
                    Side::Sell => price < bp,
                }
            }
        };
        if better {
            self.best[at(side)] = Some(l);
        }
        l
    }

    /// Removes level `l` of `side` (no live order left), tombstones and all.
    fn drop_level(&mut self, side: Side, l: usize) {
        let price = self.levels[l].price;
        self.index[at(side)].remove(&price);
        self.levels[l] = Lvl::default();
        self.free.push(l);
        if self.best[at(side)] == Some(l) {
            self.best[at(side)] = self.best_of(side);
        }
    }

    /// Rests `qty` of order `id` at the back of its level.
    fn rest(&mut self, id: OrderId, side: Side, price: Price, qty: Qty) {
        let l = self.level(side, price);
        self.arrivals += 1;
        let arrival = self.arrivals;
        let lvl = &mut self.levels[l];
        lvl.queue.push_back((id, arrival));
        lvl.qty += qty;
        lvl.orders += 1;
        self.live.insert(
            id,
            Live {
                side,
                price,
                qty,
                arrival,
                level: l,
            },
        );
    }

    /// Takes order `id` out of the book (its queue entry becomes a tombstone); its open quantity.
    fn take(&mut self, id: OrderId) -> Option<Qty> {
        let o = self.live.remove(&id)?;
        let lvl = &mut self.levels[o.level];
        lvl.qty -= o.qty;
        lvl.orders -= 1;
        if lvl.orders == 0 {
            self.drop_level(o.side, o.level);
        }
        Some(o.qty)
    }

    /// Reduces resting order `id` by `qty` (at most its open quantity), removing it at 0.
    fn reduce(&mut self, id: OrderId, qty: Qty) {
        let Some(o) = self.live.get_mut(&id) else {
            return;
        };
        if qty >= o.qty {
            self.take(id);
        } else {
            o.qty -= qty;
            let l = o.level;
            self.levels[l].qty -= qty;
        }
    }

    /// Whether `qty` is available to a taker on `side` at `price` or better.
    fn available(&self, side: Side, price: Option<Price>, qty: Qty) -> bool {
        let other = side.opposite();
        let mut sum: Qty = 0;
        let levels: Box<dyn Iterator<Item = (&Price, &usize)>> = match other {
            Side::Buy => Box::new(self.index[at(other)].iter().rev()),
            Side::Sell => Box::new(self.index[at(other)].iter()),
        };
        for (&p, &l) in levels {
            if !Self::acceptable(side, price, p) {
                break;
            }
            sum = sum.saturating_add(self.levels[l].qty);
            if sum >= qty {
                return true;
            }
        }
        false
    }

    /// Matches taker `id` against the other side; what is left of it.
    fn matching(
        &mut self,
        id: OrderId,
        side: Side,
        price: Option<Price>,
        mut qty: Qty,
        events: &mut Vec<Event>,
    ) -> Qty {
        let other = side.opposite();
        while qty > 0 {
            let Some(l) = self.best[at(other)] else {
                break;
            };
            let level_price = self.levels[l].price;
            if !Self::acceptable(side, price, level_price) {
                break;
            }
            let Some(&(maker, arrival)) = self.levels[l].queue.front() else {
                break;
            };
            let Some(m) = self.live.get(&maker).filter(|m| m.arrival == arrival) else {
                // A tombstone: dropped now.
                self.levels[l].queue.pop_front();
                continue;
            };
            let fill = qty.min(m.qty);
            events.push(Event::Filled {
                maker,
                taker: id,
                price: level_price,
                qty: fill,
            });
            qty -= fill;
            if fill == m.qty {
                self.levels[l].queue.pop_front();
            }
            self.reduce(maker, fill);
        }
        qty
    }

    /// A limit order `id` that enters (a new Gtc order or a Lost modify): matches, then rests.
    fn enter(&mut self, id: OrderId, side: Side, price: Price, qty: Qty, events: &mut Vec<Event>) {
        let left = self.matching(id, side, Some(price), qty, events);
        if left > 0 {
            self.rest(id, side, price, left);
            events.push(Event::Rested {
                id,
                side,
                price,
                qty: left,
            });
        }
    }

    fn side_snapshot(&self, side: Side) -> SideSnapshot {
        let levels: Box<dyn Iterator<Item = (&Price, &usize)>> = match side {
            Side::Buy => Box::new(self.index[at(side)].iter().rev()),
            Side::Sell => Box::new(self.index[at(side)].iter()),
        };
        levels
            .map(|(&p, &l)| {
                let orders = self.levels[l]
                    .queue
                    .iter()
                    .filter_map(|&(id, arrival)| {
                        self.live
                            .get(&id)
                            .filter(|o| o.arrival == arrival)
                            .map(|o| (id, o.qty))
                    })
                    .collect();
                (p, orders)
            })
            .collect()
    }

    fn level_report(&self, l: usize) -> Level {
        let lvl = &self.levels[l];
        Level {
            price: lvl.price,
            qty: lvl.qty,
            orders: lvl.orders,
        }
    }

    /// Applies one event of a log as a fact.
    fn apply(&mut self, index: usize, e: &Event) -> Result<(), ReplayError> {
        let bad = ReplayError::Inconsistent { index };
        match *e {
            Event::Accepted { id, .. } => {
                if !self.seen.insert(id) {
                    return Err(bad);
                }
            }
            Event::Rested {
                id,
                side,
                price,
                qty,
            } => {
                if !self.seen.contains(&id)
                    || self.live.contains_key(&id)
                    || qty == 0
                    || self.config.check(price).is_some()
                {
                    return Err(bad);
                }
                self.rest(id, side, price, qty);
            }
            Event::Filled { maker, qty, .. } => {
                let open = self
                    .live
                    .get(&maker)
                    .ok_or(ReplayError::UnknownOrder { index, id: maker })?
                    .qty;
                if qty == 0 || qty > open {
                    return Err(bad);
                }
                self.reduce(maker, qty);
            }
            Event::Cancelled { id, .. } => {
                self.take(id);
            }
            Event::Modified {
                id,
                price,
                qty,
                priority,
            } => {
                let o = *self
                    .live
                    .get(&id)
                    .ok_or(ReplayError::UnknownOrder { index, id })?;
                match priority {
                    Priority::Kept => {
                        if price != o.price || qty > o.qty || qty == 0 {
                            return Err(bad);
                        }
                        self.reduce(id, o.qty - qty);
                    }
                    Priority::Lost => {
                        self.take(id);
                    }
                }
            }
            Event::Rejected { .. } => {}
        }
        Ok(())
    }
}

impl OrderBook for LazyBook {
    fn new(config: BookConfig) -> Self {
        LazyBook {
            config,
            live: HashMap::new(),
            seen: HashSet::new(),
            levels: Vec::new(),
            free: Vec::new(),
            index: [BTreeMap::new(), BTreeMap::new()],
            best: [None, None],
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
                if o.tif == TimeInForce::Fok && !self.available(o.side, o.price, o.qty) {
                    events.push(Event::Cancelled {
                        id: o.id,
                        qty: o.qty,
                        reason: CancelReason::Killed,
                    });
                    return;
                }
                match (o.price, o.tif) {
                    (Some(price), TimeInForce::Gtc) => {
                        self.enter(o.id, o.side, price, o.qty, events);
                    }
                    _ => {
                        let left = self.matching(o.id, o.side, o.price, o.qty, events);
                        if left > 0 {
                            events.push(Event::Cancelled {
                                id: o.id,
                                qty: left,
                                reason: CancelReason::Unfilled,
                            });
                        }
                    }
                }
            }
            Command::Cancel { id } => match self.take(id) {
                Some(qty) => events.push(Event::Cancelled {
                    id,
                    qty,
                    reason: CancelReason::Requested,
                }),
                None => events.push(Event::Rejected {
                    id,
                    reason: Reject::UnknownId,
                }),
            },
            Command::Modify { id, price, qty } => {
                let Some(o) = self.live.get(&id).copied() else {
                    events.push(Event::Rejected {
                        id,
                        reason: Reject::UnknownId,
                    });
                    return;
                };
                let reject = if qty == 0 {
                    Some(Reject::ZeroQuantity)
                } else {
                    self.config.check(price)
                };
                if let Some(reason) = reject {
                    events.push(Event::Rejected { id, reason });
                    return;
                }
                if price == o.price && qty <= o.qty {
                    self.reduce(id, o.qty - qty);
                    events.push(Event::Modified {
                        id,
                        price,
                        qty,
                        priority: Priority::Kept,
                    });
                } else {
                    self.take(id);
                    events.push(Event::Modified {
                        id,
                        price,
                        qty,
                        priority: Priority::Lost,
                    });
                    self.enter(id, o.side, price, qty, events);
                }
            }
        }
    }

    fn best_bid(&self) -> Option<Level> {
        self.best[0].map(|l| self.level_report(l))
    }

    fn best_ask(&self) -> Option<Level> {
        self.best[1].map(|l| self.level_report(l))
    }

    fn depth(&self, side: Side, levels: usize) -> Vec<Level> {
        let index = &self.index[at(side)];
        let ls: Box<dyn Iterator<Item = &usize>> = match side {
            Side::Buy => Box::new(index.values().rev()),
            Side::Sell => Box::new(index.values()),
        };
        ls.take(levels).map(|&l| self.level_report(l)).collect()
    }

    fn order(&self, id: OrderId) -> Option<RestingOrder> {
        self.live.get(&id).map(|o| RestingOrder {
            id,
            side: o.side,
            price: o.price,
            qty: o.qty,
        })
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            bids: self.side_snapshot(Side::Buy),
            asks: self.side_snapshot(Side::Sell),
        }
    }

    fn replay(config: BookConfig, log: &[Event]) -> Result<Self, ReplayError> {
        let mut book = LazyBook::new(config);
        for (index, e) in log.iter().enumerate() {
            book.apply(index, e)?;
        }
        Ok(book)
    }
}

/// A command and where its events go.
type Carried = (Command, channel::Sender<Vec<Event>>);

/// The engine: one thread owns a [`LazyBook`]; each command carries its reply channel.
pub struct CarriedEngine {
    queue: bounded::Sender<Carried>,
    thread: thread::JoinHandle<(Snapshot, Vec<Event>)>,
}

/// A gateway of [`CarriedEngine`].
pub struct CarriedGateway {
    queue: bounded::Sender<Carried>,
    reply: channel::Sender<Vec<Event>>,
    replies: channel::Receiver<Vec<Event>>,
    pending: usize,
}

impl OrderEngine for CarriedEngine {
    type Gateway = CarriedGateway;

    fn start(config: BookConfig, capacity: usize) -> Result<Self, EngineError> {
        if capacity == 0 {
            return Err(EngineError::ZeroCapacity);
        }
        let (queue, inbox) = bounded::bounded::<Carried>(capacity);
        let thread = thread::spawn(move || {
            let mut book = LazyBook::new(config);
            let mut log = Vec::new();
            while let Ok((cmd, reply)) = inbox.recv() {
                let from = log.len();
                book.execute(&cmd, &mut log);
                let _ = reply.send(log[from..].to_vec());
            }
            (book.snapshot(), log)
        });
        Ok(CarriedEngine { queue, thread })
    }

    fn gateway(&self) -> CarriedGateway {
        let (reply, replies) = channel::unbounded();
        CarriedGateway {
            queue: self.queue.clone(),
            reply,
            replies,
            pending: 0,
        }
    }

    fn shutdown(self) -> (Snapshot, Vec<Event>) {
        drop(self.queue);
        self.thread
            .join()
            .unwrap_or_else(|_| (Snapshot::default(), Vec::new()))
    }
}

impl kata_core::order_book::Gateway for CarriedGateway {
    fn send(&mut self, cmd: Command) -> Result<(), EngineClosed> {
        self.queue
            .send((cmd, self.reply.clone()))
            .map_err(|_| EngineClosed)?;
        self.pending += 1;
        Ok(())
    }

    fn recv(&mut self) -> Option<Vec<Event>> {
        if self.pending == 0 {
            return None;
        }
        let events = self.replies.recv().ok()?;
        self.pending -= 1;
        Some(events)
    }
}
