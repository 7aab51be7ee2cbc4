//! Known-wrong `order-book` implementations.
//!
//! Every family is [`M`]`<BUG>`: [`MBook`] and [`MEngine`], the reference's design (a slab of
//! orders linked per level, levels in a `BTreeMap` with the best cached, an id map; one
//! bounded queue into the engine thread, one reply channel per gateway) with one mistake
//! switched on by `BUG`.

crate::mutants! {
    kata "order-book", suite order_book, reference R: OrderBookFamily;
    "lifo-in-level" => M<LIFO_IN_LEVEL> {
        mistake: "a new order rests at the front of its level instead of the back: the newest \
                   order at a price fills first (last in, first out)",
        rejected_by: [examples],
        passes: [],
    }
    "fill-at-taker-price" => M<FILL_AT_TAKER_PRICE> {
        mistake: "a fill is priced at the incoming order's limit instead of the resting order's \
                   price: a buy at 105 against an ask at 100 trades at 105",
        rejected_by: [examples],
        passes: [],
    }
    "ioc-rests" => M<IOC_RESTS> {
        mistake: "an IOC limit order's remainder rests in the book like a Gtc order's instead \
                   of being cancelled",
        rejected_by: [examples],
        passes: [],
    }
    "fok-partial" => M<FOK_PARTIAL> {
        mistake: "a FOK order is matched like an IOC: it fills what it can and cancels the rest, \
                   instead of checking first that the whole quantity is there",
        rejected_by: [examples],
        passes: [],
    }
    "modify-up-keeps-priority" => M<MODIFY_UP_KEEPS_PRIORITY> {
        mistake: "a modify at the same price keeps the order's place whatever the quantity: an \
                   increase jumps the queue",
        rejected_by: [examples],
        passes: [],
    }
    "duplicate-after-fill-accepted" => M<DUPLICATE_AFTER_FILL_ACCEPTED> {
        mistake: "the id map forgets an id when its order leaves the book (filled or \
                   cancelled), so the id can be submitted again",
        rejected_by: [examples],
        passes: [],
    }
    "reject-consumes-id" => M<REJECT_CONSUMES_ID> {
        mistake: "a refused submit still records its id as seen: the client's corrected order \
                   with the same id is refused as a duplicate",
        rejected_by: [examples],
        passes: [],
    }
    "stale-best-after-cancel" => M<STALE_BEST_AFTER_CANCEL> {
        mistake: "a cancel that empties the best level updates the cached best only when the \
                   side becomes empty: with other levels left, the best still names the freed \
                   level",
        rejected_by: [properties],
        passes: [examples],
    }
    "replay-lost-at-front" => M<REPLAY_LOST_AT_FRONT> {
        mistake: "replay applies a Lost modify at the same price in place (the order keeps its \
                   old position) instead of sending it to the back of its level",
        rejected_by: [properties],
        passes: [examples],
    }
    "depth-counts-cancelled" => M<DEPTH_COUNTS_CANCELLED> {
        mistake: "a cancelled order is unlinked but its quantity stays in its level's total: \
                   best_bid, best_ask and depth report quantity nobody offers",
        rejected_by: [properties],
        passes: [examples],
    }
    "u16-prices" => M<U16_PRICES> {
        mistake: "a level keeps its price in a u16 to stay small: every price above 65 535 \
                   wraps, which no test with small prices sees",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "u8-order-count" => M<U8_ORDER_COUNT> {
        mistake: "a level counts its orders in a u8: the 256th order at one price overflows \
                   (a wall of orders at a round price, as real days have)",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "cancel-fast-lane" => M<CANCEL_FAST_LANE> {
        mistake: "cancels go through a second, priority queue that the engine drains first: a \
                   gateway's submit then cancel can run cancel first (UnknownId), and the \
                   order rests",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "shared-replies" => M<SHARED_REPLIES> {
        mistake: "one reply channel for all gateways: a gateway may receive another's events",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "drops-when-full" => M<DROPS_WHEN_FULL> {
        mistake: "a gateway queues with try_send and drops the command when the queue is full: \
                   the command is lost and its sender waits for events that never come",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "depth-sorts-all" => M<DEPTH_SORTS_ALL> {
        mistake: "depth collects every level of the side and sorts them by price, then takes \
                   the first few: O(P log P) for a view of the top of the book",
        rejected_by: [complexity],
        slow_in: "depth",
        passes: [examples, properties],
    }
    "scan-best" => M<SCAN_BEST> {
        mistake: "the best level is found by scanning every level instead of being kept: O(P) \
                   for best_bid, best_ask and every match",
        rejected_by: [complexity],
        slow_in: "best",
        passes: [examples, properties],
    }
    "cancel-scans-level" => M<CANCEL_SCANS_LEVEL> {
        mistake: "cancel walks its level from the front to find the order instead of going \
                   to it: O(n) in the orders at that price",
        rejected_by: [complexity],
        slow_in: "cancel",
        passes: [examples, properties],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: OrderBookFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::order_book`).
        "lazy-cancel" => kata_suites::grade!(
            order_book,
            crate::alternatives::order_book::LazyFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no order-book mutant named `{name}`")),
    }
}

/// The family of mistake `BUG`.
pub struct M<const BUG: u8>;

impl<const BUG: u8> OrderBookFamily for M<BUG> {
    type Book = MBook<BUG>;
    type Engine = MEngine<BUG>;
}

/// No mistake.
pub const CORRECT: u8 = 0;
const LIFO_IN_LEVEL: u8 = 1;
const FILL_AT_TAKER_PRICE: u8 = 2;
const IOC_RESTS: u8 = 3;
const FOK_PARTIAL: u8 = 4;
const MODIFY_UP_KEEPS_PRIORITY: u8 = 5;
const DUPLICATE_AFTER_FILL_ACCEPTED: u8 = 6;
const REJECT_CONSUMES_ID: u8 = 7;
const STALE_BEST_AFTER_CANCEL: u8 = 8;
const REPLAY_LOST_AT_FRONT: u8 = 9;
const DEPTH_COUNTS_CANCELLED: u8 = 10;
const U16_PRICES: u8 = 11;
const U8_ORDER_COUNT: u8 = 12;
const CANCEL_FAST_LANE: u8 = 13;
const SHARED_REPLIES: u8 = 14;
const DROPS_WHEN_FULL: u8 = 15;
const SCAN_BEST: u8 = 16;
const CANCEL_SCANS_LEVEL: u8 = 17;
const DEPTH_SORTS_ALL: u8 = 18;

use std::collections::BTreeMap;

use hashbrown::HashMap;
use kata_core::catalogue::Stage;
use kata_core::order_book::{
    BookConfig, CancelReason, Command, EngineClosed, EngineError, Event, Level, NewOrder,
    OrderBook, OrderEngine, OrderId, Price, Priority, Qty, Reject, ReplayError, RestingOrder, Side,
    SideSnapshot, Snapshot, TimeInForce,
};
use kata_core::sync::{bounded, channel, thread};
use kata_suites::order_book::OrderBookFamily;
use kata_suites::Ctx;

/// No node, no level.
const NIL: u32 = u32::MAX;
/// The id map's value for an id accepted once that no longer rests.
const DEAD: u32 = u32::MAX;

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

/// The reference's book with mistake `BUG`.
#[derive(Debug)]
pub struct MBook<const BUG: u8> {
    config: BookConfig,
    nodes: Vec<Node>,
    free_nodes: Vec<u32>,
    levels: Vec<LevelData>,
    free_levels: Vec<u32>,
    bids: Ladder,
    asks: Ladder,
    ids: HashMap<OrderId, u32>,
    in_cancel: bool,
}

impl<const BUG: u8> MBook<BUG> {
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
            price: if BUG == U16_PRICES {
                u64::from(price as u16)
            } else {
                price
            },
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
        let in_cancel = self.in_cancel;
        let ladder = self.ladder_mut(side);
        ladder.prices.remove(&price);
        let stale = BUG == STALE_BEST_AFTER_CANCEL && in_cancel && !ladder.prices.is_empty();
        if ladder.best == idx && !stale {
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
        let head = self.levels[level as usize].head;
        let lifo = BUG == LIFO_IN_LEVEL && head != NIL;
        let node = Node {
            id,
            qty,
            level,
            prev: if lifo { NIL } else { tail },
            next: if lifo { head } else { NIL },
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
        if lifo {
            self.nodes[head as usize].prev = slot;
            self.levels[level as usize].head = slot;
        } else {
            if tail == NIL {
                self.levels[level as usize].head = slot;
            } else {
                self.nodes[tail as usize].next = slot;
            }
            self.levels[level as usize].tail = slot;
        }
        let l = &mut self.levels[level as usize];
        l.qty += qty;
        if BUG == U8_ORDER_COUNT {
            // The count kept in a byte: 255 + 1 overflows.
            l.orders = u32::from(l.orders as u8 + 1);
        } else {
            l.orders += 1;
        }
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
        if !(BUG == DEPTH_COUNTS_CANCELLED && self.in_cancel) {
            l.qty -= qty;
        }
        l.orders -= 1;
        let empty = l.orders == 0;
        self.free_nodes.push(slot);
        if BUG == DUPLICATE_AFTER_FILL_ACCEPTED {
            self.ids.remove(&id);
        } else if let Some(v) = self.ids.get_mut(&id) {
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
            let best = if BUG == SCAN_BEST {
                self.scan_best(opposite)
            } else {
                self.ladder(opposite).best
            };
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
                price: if BUG == FILL_AT_TAKER_PRICE {
                    limit.unwrap_or(price)
                } else {
                    price
                },
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

    /// The best level of `side`, found by looking at every level.
    fn scan_best(&self, side: Side) -> u32 {
        let mut best = NIL;
        for (i, l) in self.levels.iter().enumerate() {
            if l.orders == 0 || l.side != side {
                continue;
            }
            if best == NIL || Self::better(side, l.price, self.levels[best as usize].price) {
                best = i as u32;
            }
        }
        best
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
            if BUG == REJECT_CONSUMES_ID {
                self.ids.entry(o.id).or_insert(DEAD);
            }
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
        if BUG != FOK_PARTIAL && o.tif == TimeInForce::Fok && !self.can_fill(o.side, o.price, o.qty)
        {
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
        let rests = o.tif == TimeInForce::Gtc || (BUG == IOC_RESTS && o.tif == TimeInForce::Ioc);
        match (rests, o.price) {
            (true, Some(price)) => {
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
        let slot = if BUG == CANCEL_SCANS_LEVEL {
            // Walks the level from its front to the order.
            let mut at = self.levels[self.nodes[slot as usize].level as usize].head;
            while self.nodes[at as usize].id != id {
                at = self.nodes[at as usize].next;
            }
            at
        } else {
            slot
        };
        let qty = self.nodes[slot as usize].qty;
        self.in_cancel = true;
        self.unlink(slot);
        self.in_cancel = false;
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
        if price == level.price && (qty <= node.qty || BUG == MODIFY_UP_KEEPS_PRIORITY) {
            self.nodes[slot as usize].qty = qty;
            self.levels[node.level as usize].qty = level.qty - node.qty + qty;
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
                if BUG == REPLAY_LOST_AT_FRONT {
                    if let Some(slot) = self.slot(id) {
                        // Put back where it was: its quantity changed in place.
                        let node = self.nodes[slot as usize];
                        self.nodes[slot as usize].qty = qty;
                        let l = &mut self.levels[node.level as usize];
                        l.qty = l.qty - node.qty + qty;
                        return Ok(());
                    }
                }
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
                    Priority::Lost
                        if BUG == REPLAY_LOST_AT_FRONT
                            && price == self.levels[node.level as usize].price => {}
                    Priority::Lost => self.unlink(slot),
                }
            }
            Event::Rejected { .. } => {}
        }
        Ok(())
    }
}

impl<const BUG: u8> OrderBook for MBook<BUG> {
    fn new(config: BookConfig) -> Self {
        MBook {
            in_cancel: false,
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
        let best = if BUG == SCAN_BEST {
            self.scan_best(Side::Buy)
        } else {
            self.bids.best
        };
        (best != NIL).then(|| self.level_of(best))
    }

    fn best_ask(&self) -> Option<Level> {
        let best = if BUG == SCAN_BEST {
            self.scan_best(Side::Sell)
        } else {
            self.asks.best
        };
        (best != NIL).then(|| self.level_of(best))
    }

    fn depth(&self, side: Side, levels: usize) -> Vec<Level> {
        let ladder = self.ladder(side);
        let level = |(_, &idx): (&Price, &u32)| self.level_of(idx);
        if BUG == DEPTH_SORTS_ALL {
            let mut all: Vec<Level> = ladder.prices.iter().map(level).collect();
            all.sort_by_key(|l| match side {
                Side::Buy => std::cmp::Reverse(l.price),
                Side::Sell => std::cmp::Reverse(u64::MAX - l.price),
            });
            all.truncate(levels);
            return all;
        }
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
        let mut book = Self::new(config);
        for (index, e) in log.iter().enumerate() {
            book.apply(index, e)?;
        }
        Ok(book)
    }
}

enum Msg {
    Register(usize, channel::Sender<Vec<Event>>),
    Command(usize, Command),
    /// Something waits in the priority lane (`cancel-fast-lane`).
    Wake,
}

type Replies = kata_core::sync::Arc<kata_core::sync::Mutex<channel::Receiver<Vec<Event>>>>;

/// The reference's engine with mistake `BUG`.
pub struct MEngine<const BUG: u8> {
    queue: bounded::Sender<Msg>,
    lane: bounded::Sender<Msg>,
    shared: Option<(channel::Sender<Vec<Event>>, Replies)>,
    thread: thread::JoinHandle<(Snapshot, Vec<Event>)>,
    gateways: std::cell::Cell<usize>,
}

/// A gateway of [`MEngine`].
pub struct MGateway<const BUG: u8> {
    queue: bounded::Sender<Msg>,
    lane: bounded::Sender<Msg>,
    me: usize,
    replies: Option<channel::Receiver<Vec<Event>>>,
    shared: Option<Replies>,
    pending: usize,
}

impl<const BUG: u8> OrderEngine for MEngine<BUG> {
    type Gateway = MGateway<BUG>;

    fn start(config: BookConfig, capacity: usize) -> Result<Self, EngineError> {
        if capacity == 0 {
            return Err(EngineError::ZeroCapacity);
        }
        let (queue, inbox) = bounded::bounded::<Msg>(capacity);
        let (lane, lane_inbox) = bounded::bounded::<Msg>(capacity);
        let thread = thread::spawn(move || {
            let mut book = MBook::<CORRECT>::new(config);
            let mut log = Vec::new();
            let mut replies: Vec<Option<channel::Sender<Vec<Event>>>> = Vec::new();
            let mut handle = |msg: Msg, log: &mut Vec<Event>| match msg {
                Msg::Register(g, reply) => {
                    if replies.len() <= g {
                        replies.resize_with(g + 1, || None);
                    }
                    replies[g] = Some(reply);
                }
                Msg::Command(g, cmd) => {
                    let from = log.len();
                    book.execute(&cmd, log);
                    if let Some(Some(reply)) = replies.get(g) {
                        let _ = reply.send(log[from..].to_vec());
                    }
                }
                Msg::Wake => {}
            };
            while let Ok(msg) = inbox.recv() {
                if BUG == CANCEL_FAST_LANE {
                    // The priority lane first: cancels jump the queue.
                    while let Ok(urgent) = lane_inbox.try_recv() {
                        handle(urgent, &mut log);
                    }
                }
                handle(msg, &mut log);
            }
            while let Ok(urgent) = lane_inbox.try_recv() {
                handle(urgent, &mut log);
            }
            (book.snapshot(), log)
        });
        let shared = (BUG == SHARED_REPLIES).then(|| {
            let (tx, rx) = channel::unbounded();
            (
                tx,
                kata_core::sync::Arc::new(kata_core::sync::Mutex::new(rx)),
            )
        });
        Ok(MEngine {
            queue,
            lane,
            shared,
            thread,
            gateways: std::cell::Cell::new(0),
        })
    }

    fn gateway(&self) -> MGateway<BUG> {
        let me = self.gateways.get();
        self.gateways.set(me + 1);
        let (reply, replies, shared) = match &self.shared {
            // Every gateway registers the same reply channel, and reads the one receiver.
            Some((tx, rx)) => (tx.clone(), None, Some(rx.clone())),
            None => {
                let (tx, rx) = channel::unbounded();
                (tx, Some(rx), None)
            }
        };
        let _ = self.queue.send(Msg::Register(me, reply));
        MGateway {
            queue: self.queue.clone(),
            lane: self.lane.clone(),
            me,
            replies,
            shared,
            pending: 0,
        }
    }

    fn shutdown(self) -> (Snapshot, Vec<Event>) {
        drop(self.queue);
        drop(self.lane);
        drop(self.shared);
        self.thread
            .join()
            .unwrap_or_else(|_| (Snapshot::default(), Vec::new()))
    }
}

impl<const BUG: u8> kata_core::order_book::Gateway for MGateway<BUG> {
    fn send(&mut self, cmd: Command) -> Result<(), EngineClosed> {
        let msg = Msg::Command(self.me, cmd);
        if BUG == CANCEL_FAST_LANE && matches!(cmd, Command::Cancel { .. }) {
            self.lane.send(msg).map_err(|_| EngineClosed)?;
            self.queue.send(Msg::Wake).map_err(|_| EngineClosed)?;
        } else if BUG == DROPS_WHEN_FULL {
            // A full queue: the command is dropped, and nobody knows.
            let _ = self.queue.try_send(msg);
        } else {
            self.queue.send(msg).map_err(|_| EngineClosed)?;
        }
        self.pending += 1;
        Ok(())
    }

    fn recv(&mut self) -> Option<Vec<Event>> {
        if self.pending == 0 {
            return None;
        }
        let events = match (&self.replies, &self.shared) {
            (Some(rx), _) => rx.recv().ok()?,
            (None, Some(shared)) => shared.lock().recv().ok()?,
            (None, None) => return None,
        };
        self.pending -= 1;
        Some(events)
    }
}
