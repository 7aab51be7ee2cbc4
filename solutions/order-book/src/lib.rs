//! Reference solution of the `order-book` kata.
//!
//! [`Book`]: every resting order lives in one slab (a `Vec` of nodes and a free list), linked
//! to its neighbours at the same price by `u32` indices (an intrusive doubly linked list per
//! level, so a cancel unlinks in O(1)). Levels live in a second slab; each side keeps its
//! levels in a `BTreeMap<Price, level>` (ordered: the next best level after the best empties,
//! O(log P)) and caches its best level (O(1) reads). One hash map takes an order id to its
//! slot, or to [`DEAD`] for an id accepted once and no longer resting: one lookup answers both
//! "does it rest?" and "was it ever accepted?".
//!
//! [`Engine`]: the LMAX single writer. One thread owns a [`Book`]; gateways queue
//! `(gateway, command)` on one bounded queue, so each gateway's commands keep their order;
//! each gateway has its own reply channel, registered through the same queue before its first
//! command.

use std::collections::BTreeMap;

use hashbrown::HashMap;
use kata_core::order_book::{
    BookConfig, CancelReason, Command, EngineClosed, EngineError, Event, Level, NewOrder,
    OrderBook, OrderEngine, OrderId, Price, Priority, Qty, Reject, ReplayError, RestingOrder, Side,
    SideSnapshot, Snapshot, TimeInForce,
};
use kata_core::sync::{bounded, channel, thread};

/// No node, no level.
const NIL: u32 = u32::MAX;
/// The id map's value for an id accepted once that no longer rests.
pub const DEAD: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Node {
    id: OrderId,
    qty: Qty,
    level: u32,
    prev: u32,
    next: u32,
}

#[derive(Debug, Clone, Copy)]
struct LevelData {
    price: Price,
    qty: Qty,
    orders: u32,
    head: u32,
    tail: u32,
    side: Side,
}

#[derive(Debug, Default)]
struct Ladder {
    prices: BTreeMap<Price, u32>,
    best: u32,
}

/// The reference order book.
#[derive(Debug)]
pub struct Book {
    config: BookConfig,
    nodes: Vec<Node>,
    free_nodes: Vec<u32>,
    levels: Vec<LevelData>,
    free_levels: Vec<u32>,
    bids: Ladder,
    asks: Ladder,
    ids: HashMap<OrderId, u32>,
}

impl Book {
    fn ladder(&self, side: Side) -> &Ladder {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    fn ladder_mut(&mut self, side: Side) -> &mut Ladder {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    fn level_of(&self, idx: u32) -> Level {
        let l = &self.levels[idx as usize];
        Level {
            price: l.price,
            qty: l.qty,
            orders: l.orders as usize,
        }
    }

    /// Whether `price` is better than `than` on `side`.
    #[inline]
    fn better(side: Side, price: Price, than: Price) -> bool {
        match side {
            Side::Buy => price > than,
            Side::Sell => price < than,
        }
    }

    /// The level of `side` at `price`, created if need be.
    fn level_at(&mut self, side: Side, price: Price) -> u32 {
        if let Some(&idx) = self.ladder(side).prices.get(&price) {
            return idx;
        }
        let data = LevelData {
            price,
            qty: 0,
            orders: 0,
            head: NIL,
            tail: NIL,
            side,
        };
        let idx = match self.free_levels.pop() {
            Some(i) => {
                self.levels[i as usize] = data;
                i
            }
            None => {
                self.levels.push(data);
                (self.levels.len() - 1) as u32
            }
        };
        let best = self.ladder(side).best;
        let new_best = best == NIL || Self::better(side, price, self.levels[best as usize].price);
        let ladder = self.ladder_mut(side);
        ladder.prices.insert(price, idx);
        if new_best {
            ladder.best = idx;
        }
        idx
    }

    fn drop_level(&mut self, idx: u32) {
        let LevelData { price, side, .. } = self.levels[idx as usize];
        let ladder = self.ladder_mut(side);
        ladder.prices.remove(&price);
        if ladder.best == idx {
            ladder.best = match side {
                Side::Buy => ladder.prices.last_key_value(),
                Side::Sell => ladder.prices.first_key_value(),
            }
            .map_or(NIL, |(_, &i)| i);
        }
        self.free_levels.push(idx);
    }

    /// Rests order `id` at the back of `price` on `side`.
    fn rest(&mut self, id: OrderId, side: Side, price: Price, qty: Qty) {
        let level = self.level_at(side, price);
        let tail = self.levels[level as usize].tail;
        let node = Node {
            id,
            qty,
            level,
            prev: tail,
            next: NIL,
        };
        let slot = match self.free_nodes.pop() {
            Some(s) => {
                self.nodes[s as usize] = node;
                s
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        if tail == NIL {
            self.levels[level as usize].head = slot;
        } else {
            self.nodes[tail as usize].next = slot;
        }
        let l = &mut self.levels[level as usize];
        l.tail = slot;
        l.qty += qty;
        l.orders += 1;
        self.ids.insert(id, slot);
    }

    /// Unlinks the order in `slot` (its id becomes [`DEAD`]), dropping its level if empty.
    fn unlink(&mut self, slot: u32) {
        let Node {
            id,
            qty,
            level,
            prev,
            next,
        } = self.nodes[slot as usize];
        if prev == NIL {
            self.levels[level as usize].head = next;
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next == NIL {
            self.levels[level as usize].tail = prev;
        } else {
            self.nodes[next as usize].prev = prev;
        }
        let l = &mut self.levels[level as usize];
        l.qty -= qty;
        l.orders -= 1;
        let empty = l.orders == 0;
        self.free_nodes.push(slot);
        if let Some(v) = self.ids.get_mut(&id) {
            *v = DEAD;
        }
        if empty {
            self.drop_level(level);
        }
    }

    /// The resting slot of `id`, if it rests.
    #[inline]
    fn slot(&self, id: OrderId) -> Option<u32> {
        match self.ids.get(&id) {
            Some(&s) if s != DEAD => Some(s),
            _ => None,
        }
    }

    /// Whether a taker on `side` with `limit` accepts the opposite price `price`.
    #[inline]
    fn acceptable(side: Side, limit: Option<Price>, price: Price) -> bool {
        match (side, limit) {
            (_, None) => true,
            (Side::Buy, Some(l)) => price <= l,
            (Side::Sell, Some(l)) => price >= l,
        }
    }

    /// Whether `qty` can fill whole against `side`'s opposite at acceptable prices.
    fn can_fill(&self, side: Side, limit: Option<Price>, qty: Qty) -> bool {
        let mut available: Qty = 0;
        let opposite = self.ladder(side.opposite());
        let mut visit = |idx: &u32| {
            let l = &self.levels[*idx as usize];
            if !Self::acceptable(side, limit, l.price) {
                return Some(false);
            }
            available += l.qty;
            (available >= qty).then_some(true)
        };
        let found = match side {
            Side::Buy => opposite.prices.values().find_map(&mut visit),
            Side::Sell => opposite.prices.values().rev().find_map(&mut visit),
        };
        found.unwrap_or(false)
    }

    /// Matches taker `id` against the opposite side; returns the open quantity left.
    fn take(
        &mut self,
        id: OrderId,
        side: Side,
        limit: Option<Price>,
        mut qty: Qty,
        events: &mut Vec<Event>,
    ) -> Qty {
        let opposite = side.opposite();
        while qty > 0 {
            let best = self.ladder(opposite).best;
            if best == NIL {
                break;
            }
            let (price, head) = {
                let l = &self.levels[best as usize];
                (l.price, l.head)
            };
            if !Self::acceptable(side, limit, price) {
                break;
            }
            let maker = &mut self.nodes[head as usize];
            let fill = qty.min(maker.qty);
            events.push(Event::Filled {
                maker: maker.id,
                taker: id,
                price,
                qty: fill,
            });
            qty -= fill;
            if fill == maker.qty {
                self.unlink(head);
            } else {
                maker.qty -= fill;
                self.levels[best as usize].qty -= fill;
            }
        }
        qty
    }

    fn submit(&mut self, o: &NewOrder, events: &mut Vec<Event>) {
        let reject = if o.qty == 0 {
            Some(Reject::ZeroQuantity)
        } else if let Some(r) = o.price.and_then(|p| self.config.check(p)) {
            Some(r)
        } else if o.price.is_none() && o.tif == TimeInForce::Gtc {
            Some(Reject::MarketGtc)
        } else {
            None
        };
        if let Some(reason) = reject {
            events.push(Event::Rejected { id: o.id, reason });
            return;
        }
        match self.ids.entry(o.id) {
            hashbrown::hash_map::Entry::Occupied(_) => {
                events.push(Event::Rejected {
                    id: o.id,
                    reason: Reject::DuplicateId,
                });
                return;
            }
            hashbrown::hash_map::Entry::Vacant(v) => {
                v.insert(DEAD);
            }
        }
        events.push(Event::Accepted {
            id: o.id,
            side: o.side,
            price: o.price,
            qty: o.qty,
            tif: o.tif,
        });
        if o.tif == TimeInForce::Fok && !self.can_fill(o.side, o.price, o.qty) {
            events.push(Event::Cancelled {
                id: o.id,
                qty: o.qty,
                reason: CancelReason::Killed,
            });
            return;
        }
        let left = self.take(o.id, o.side, o.price, o.qty, events);
        if left == 0 {
            return;
        }
        match (o.tif, o.price) {
            (TimeInForce::Gtc, Some(price)) => {
                self.rest(o.id, o.side, price, left);
                events.push(Event::Rested {
                    id: o.id,
                    side: o.side,
                    price,
                    qty: left,
                });
            }
            _ => events.push(Event::Cancelled {
                id: o.id,
                qty: left,
                reason: CancelReason::Unfilled,
            }),
        }
    }

    fn cancel(&mut self, id: OrderId, events: &mut Vec<Event>) {
        let Some(slot) = self.slot(id) else {
            events.push(Event::Rejected {
                id,
                reason: Reject::UnknownId,
            });
            return;
        };
        let qty = self.nodes[slot as usize].qty;
        self.unlink(slot);
        events.push(Event::Cancelled {
            id,
            qty,
            reason: CancelReason::Requested,
        });
    }

    fn modify(&mut self, id: OrderId, price: Price, qty: Qty, events: &mut Vec<Event>) {
        let reject = match self.slot(id) {
            None => Err(Reject::UnknownId),
            Some(_) if qty == 0 => Err(Reject::ZeroQuantity),
            Some(s) => match self.config.check(price) {
                Some(r) => Err(r),
                None => Ok(s),
            },
        };
        let slot = match reject {
            Ok(s) => s,
            Err(reason) => {
                events.push(Event::Rejected { id, reason });
                return;
            }
        };
        let node = self.nodes[slot as usize];
        let level = self.levels[node.level as usize];
        if price == level.price && qty <= node.qty {
            self.nodes[slot as usize].qty = qty;
            self.levels[node.level as usize].qty -= node.qty - qty;
            events.push(Event::Modified {
                id,
                price,
                qty,
                priority: Priority::Kept,
            });
            return;
        }
        let side = level.side;
        self.unlink(slot);
        events.push(Event::Modified {
            id,
            price,
            qty,
            priority: Priority::Lost,
        });
        let left = self.take(id, side, Some(price), qty, events);
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
        let ladder = self.ladder(side);
        let level = |&idx: &u32| {
            let l = &self.levels[idx as usize];
            let mut orders = Vec::with_capacity(l.orders as usize);
            let mut at = l.head;
            while at != NIL {
                let n = &self.nodes[at as usize];
                orders.push((n.id, n.qty));
                at = n.next;
            }
            (l.price, orders)
        };
        match side {
            Side::Buy => ladder.prices.values().rev().map(level).collect(),
            Side::Sell => ladder.prices.values().map(level).collect(),
        }
    }

    fn apply(&mut self, index: usize, e: &Event) -> Result<(), ReplayError> {
        let bad = ReplayError::Inconsistent { index };
        match *e {
            Event::Accepted { id, .. } => {
                if self.ids.insert(id, DEAD).is_some() {
                    return Err(bad);
                }
            }
            Event::Rested {
                id,
                side,
                price,
                qty,
            } => {
                if self.ids.get(&id) != Some(&DEAD)
                    || qty == 0
                    || self.config.check(price).is_some()
                {
                    return Err(bad);
                }
                self.rest(id, side, price, qty);
            }
            Event::Filled { maker, qty, .. } => {
                let slot = self
                    .slot(maker)
                    .ok_or(ReplayError::UnknownOrder { index, id: maker })?;
                let node = &mut self.nodes[slot as usize];
                if qty == 0 || qty > node.qty {
                    return Err(bad);
                }
                if qty == node.qty {
                    self.unlink(slot);
                } else {
                    node.qty -= qty;
                    let level = node.level;
                    self.levels[level as usize].qty -= qty;
                }
            }
            Event::Cancelled { id, .. } => {
                if let Some(slot) = self.slot(id) {
                    self.unlink(slot);
                }
            }
            Event::Modified {
                id,
                price,
                qty,
                priority,
            } => {
                let slot = self
                    .slot(id)
                    .ok_or(ReplayError::UnknownOrder { index, id })?;
                let node = self.nodes[slot as usize];
                match priority {
                    Priority::Kept => {
                        if price != self.levels[node.level as usize].price
                            || qty > node.qty
                            || qty == 0
                        {
                            return Err(bad);
                        }
                        self.nodes[slot as usize].qty = qty;
                        self.levels[node.level as usize].qty -= node.qty - qty;
                    }
                    Priority::Lost => self.unlink(slot),
                }
            }
            Event::Rejected { .. } => {}
        }
        Ok(())
    }
}

impl OrderBook for Book {
    fn new(config: BookConfig) -> Self {
        Book {
            config,
            nodes: Vec::new(),
            free_nodes: Vec::new(),
            levels: Vec::new(),
            free_levels: Vec::new(),
            bids: Ladder {
                prices: BTreeMap::new(),
                best: NIL,
            },
            asks: Ladder {
                prices: BTreeMap::new(),
                best: NIL,
            },
            ids: HashMap::new(),
        }
    }

    #[inline]
    fn execute(&mut self, cmd: &Command, events: &mut Vec<Event>) {
        match *cmd {
            Command::Submit(ref o) => self.submit(o, events),
            Command::Cancel { id } => self.cancel(id, events),
            Command::Modify { id, price, qty } => self.modify(id, price, qty, events),
        }
    }

    fn best_bid(&self) -> Option<Level> {
        (self.bids.best != NIL).then(|| self.level_of(self.bids.best))
    }

    fn best_ask(&self) -> Option<Level> {
        (self.asks.best != NIL).then(|| self.level_of(self.asks.best))
    }

    fn depth(&self, side: Side, levels: usize) -> Vec<Level> {
        let ladder = self.ladder(side);
        let level = |(_, &idx): (&Price, &u32)| self.level_of(idx);
        match side {
            Side::Buy => ladder.prices.iter().rev().take(levels).map(level).collect(),
            Side::Sell => ladder.prices.iter().take(levels).map(level).collect(),
        }
    }

    fn order(&self, id: OrderId) -> Option<RestingOrder> {
        let slot = self.slot(id)?;
        let n = &self.nodes[slot as usize];
        let l = &self.levels[n.level as usize];
        Some(RestingOrder {
            id,
            side: l.side,
            price: l.price,
            qty: n.qty,
        })
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            bids: self.side_snapshot(Side::Buy),
            asks: self.side_snapshot(Side::Sell),
        }
    }

    fn replay(config: BookConfig, log: &[Event]) -> Result<Self, ReplayError> {
        let mut book = Book::new(config);
        for (index, e) in log.iter().enumerate() {
            book.apply(index, e)?;
        }
        Ok(book)
    }
}

enum Msg {
    Register(usize, channel::Sender<Vec<Event>>),
    Command(usize, Command),
}

/// The reference engine: one thread owns a [`Book`].
pub struct Engine {
    queue: bounded::Sender<Msg>,
    thread: thread::JoinHandle<(Snapshot, Vec<Event>)>,
    gateways: std::cell::Cell<usize>,
}

/// A gateway of [`Engine`].
pub struct EngineGateway {
    queue: bounded::Sender<Msg>,
    me: usize,
    replies: channel::Receiver<Vec<Event>>,
    pending: usize,
}

impl OrderEngine for Engine {
    type Gateway = EngineGateway;

    fn start(config: BookConfig, capacity: usize) -> Result<Self, EngineError> {
        if capacity == 0 {
            return Err(EngineError::ZeroCapacity);
        }
        let (queue, inbox) = bounded::bounded::<Msg>(capacity);
        let thread = thread::spawn(move || {
            let mut book = Book::new(config);
            let mut log = Vec::new();
            let mut replies: Vec<Option<channel::Sender<Vec<Event>>>> = Vec::new();
            while let Ok(msg) = inbox.recv() {
                match msg {
                    Msg::Register(g, reply) => {
                        if replies.len() <= g {
                            replies.resize_with(g + 1, || None);
                        }
                        replies[g] = Some(reply);
                    }
                    Msg::Command(g, cmd) => {
                        let from = log.len();
                        book.execute(&cmd, &mut log);
                        if let Some(Some(reply)) = replies.get(g) {
                            let _ = reply.send(log[from..].to_vec());
                        }
                    }
                }
            }
            (book.snapshot(), log)
        });
        Ok(Engine {
            queue,
            thread,
            gateways: std::cell::Cell::new(0),
        })
    }

    fn gateway(&self) -> EngineGateway {
        let me = self.gateways.get();
        self.gateways.set(me + 1);
        let (reply, replies) = channel::unbounded();
        // The engine thread runs until this engine's own sender is dropped: it is there.
        let _ = self.queue.send(Msg::Register(me, reply));
        EngineGateway {
            queue: self.queue.clone(),
            me,
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

impl kata_core::order_book::Gateway for EngineGateway {
    fn send(&mut self, cmd: Command) -> Result<(), EngineClosed> {
        self.queue
            .send(Msg::Command(self.me, cmd))
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
