//! matchcore's `OrderBook` behind [`kata_core::order_book::OrderBook`].
//!
//! matchcore is a single-threaded, deterministic book driven by commands (`Submit`, `Amend`,
//! `Cancel`, each with a sequence number that must follow the previous one) that answer with an
//! outcome: the target order's trades (maker id, price, quantity) and why its remainder was
//! cancelled, if it was. Its limit book keeps levels in a slab indexed from one `BTreeMap` per
//! side, each level a `VecDeque` of queue entries (an entry whose order left or moved stays
//! there until matching reaches it), and every resting order in an `FxHashMap`.
//!
//! One difference the adapter does not hide: matchcore 0.4.0 matches a limit order that crosses
//! with no limit price (its submit and its price amend call the matcher with `None`), so once it
//! crosses it fills against every level there is, past its limit, until its quantity runs out;
//! the verdict names the example that shows it.
//!
//! It has every command the kata has: limit orders with GTC, IOC and FOK, market orders, cancel,
//! and an amend with the kata's priority rule (a new price or a larger quantity sends the order to
//! the back, and a new price may trade; a smaller quantity keeps its place). What it does not
//! have, the adapter adds:
//!
//! - matchcore numbers orders itself (an order's id is its command's sequence number): the adapter
//!   keeps the client id of each sequence number (a `Vec`, to name a trade's maker) and the
//!   matchcore id of each client id that may rest (a `HashMap`);
//! - the validation the kata asks (the grid, a market GTC, a duplicate id: matchcore takes any
//!   non-zero price and numbers ids itself), with the set of ids ever accepted;
//! - a market FOK (matchcore's market orders have no time in force) is a FOK limit order at the
//!   far end of the grid, which every resting order on the other side accepts.
//!
//! Queries read matchcore's own state: its best levels, its level quantities and order counts,
//! its resting orders; the snapshot walks each level's queue and keeps the entries whose order
//! is still there with that entry's time priority. `replay` runs again the commands the log
//! records (see [`super::replay_by_rerunning`]).

use std::collections::{HashMap, HashSet};

use ::matchcore as mc;
use kata_core::order_book::{
    BookConfig, CancelReason, Command, Event, Level, OrderBook, OrderId, Price, Priority, Qty,
    Reject, ReplayError, RestingOrder, Side, SideSnapshot, Snapshot, TimeInForce,
};
use kata_suites::order_book::OrderBookFamily;

/// matchcore's family: its book, the reference's engine.
pub struct MatchcoreFamily;

impl OrderBookFamily for MatchcoreFamily {
    type Book = MatchcoreBook;
    type Engine = order_book_solution::Engine;
}

/// matchcore's book, with the client ids the kata names orders by.
pub struct MatchcoreBook {
    book: mc::OrderBook,
    config: BookConfig,
    /// The client id of each command sent to matchcore, by its sequence number (which is the
    /// matchcore id of an order it submits).
    owners: Vec<OrderId>,
    /// The matchcore id of each client id that rests or rested (pruned when it leaves).
    ids: HashMap<OrderId, mc::OrderId>,
    seen: HashSet<OrderId>,
}

fn mc_side(side: Side) -> mc::Side {
    match side {
        Side::Buy => mc::Side::Buy,
        Side::Sell => mc::Side::Sell,
    }
}

fn kata_side(side: mc::Side) -> Side {
    match side {
        mc::Side::Buy => Side::Buy,
        mc::Side::Sell => Side::Sell,
    }
}

fn mc_tif(tif: TimeInForce) -> mc::TimeInForce {
    match tif {
        TimeInForce::Gtc => mc::TimeInForce::Gtc,
        TimeInForce::Ioc => mc::TimeInForce::Ioc,
        TimeInForce::Fok => mc::TimeInForce::Fok,
    }
}

impl MatchcoreBook {
    /// Sends `kind` to matchcore as the next command, on behalf of client id `id`.
    fn send(&mut self, id: OrderId, kind: mc::CommandKind) -> mc::CommandOutcome {
        let seq = self.owners.len() as u64;
        self.owners.push(id);
        self.book.execute(&mc::Command {
            meta: mc::CommandMeta {
                sequence_number: mc::SequenceNumber(seq),
                timestamp: mc::Timestamp(0),
            },
            kind,
        })
    }

    /// The resting limit order of client id `id`, if it rests.
    fn resting(&self, id: OrderId) -> Option<(mc::OrderId, &mc::RestingLimitOrder)> {
        let mc_id = *self.ids.get(&id)?;
        self.book.limit().orders().get(&mc_id).map(|o| (mc_id, o))
    }

    /// Appends the fills of `outcome` (taker `id`) as events, forgets the makers that left;
    /// returns the quantity executed.
    fn fills(&mut self, id: OrderId, outcome: &mc::OrderOutcome, events: &mut Vec<Event>) -> Qty {
        let Some(result) = outcome.match_result() else {
            return 0;
        };
        for t in result.trades() {
            let maker_mc = t.maker_order_id();
            let maker = self.owners[maker_mc.0 as usize];
            events.push(Event::Filled {
                maker,
                taker: id,
                price: t.price().0,
                qty: t.quantity().0,
            });
            if !self.book.limit().orders().contains_key(&maker_mc) {
                self.ids.remove(&maker);
            }
        }
        result.executed_quantity().0
    }

    fn level(&self, price: mc::Price, level: usize) -> Level {
        let l = &self.book.limit().levels()[level];
        Level {
            price: price.0,
            qty: l.total_quantity().0,
            orders: l.level_entries().order_count() as usize,
        }
    }

    fn levels(&self, side: Side) -> Box<dyn Iterator<Item = (&mc::Price, &usize)> + '_> {
        match side {
            Side::Buy => Box::new(self.book.limit().bids().iter().rev()),
            Side::Sell => Box::new(self.book.limit().asks().iter()),
        }
    }

    fn side_snapshot(&self, side: Side) -> SideSnapshot {
        let orders = self.book.limit().orders();
        self.levels(side)
            .map(|(price, &level)| {
                let queue = self.book.limit().levels()[level].level_entries().queue();
                let live = queue.iter().filter_map(|e| {
                    let o = orders.get(&e.order_id())?;
                    (o.time_priority() == e.time_priority() && o.price() == *price)
                        .then(|| (self.owners[e.order_id().0 as usize], o.total_quantity().0))
                });
                (price.0, live.collect())
            })
            .collect()
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
        let quantity = mc::Quantity(o.qty);
        let order = match (o.price, o.tif) {
            (None, TimeInForce::Fok) => {
                // No FOK market order in matchcore: a FOK limit at the far end of the grid.
                let far = match o.side {
                    Side::Buy => self.config.max_price,
                    Side::Sell => self.config.min_price.max(1),
                };
                mc::NewOrder::Limit(mc::LimitOrder::new(
                    mc::Price(far),
                    mc::QuantityPolicy::Standard { quantity },
                    mc::OrderFlags::new(mc_side(o.side), false, mc::TimeInForce::Fok),
                ))
            }
            (None, _) => {
                mc::NewOrder::Market(mc::MarketOrder::new(quantity, mc_side(o.side), false))
            }
            (Some(price), tif) => mc::NewOrder::Limit(mc::LimitOrder::new(
                mc::Price(price),
                mc::QuantityPolicy::Standard { quantity },
                mc::OrderFlags::new(mc_side(o.side), false, mc_tif(tif)),
            )),
        };
        let mc_id = mc::OrderId(self.owners.len() as u64);
        let outcome = self.send(o.id, mc::CommandKind::Submit(mc::SubmitCmd { order }));
        let mc::CommandOutcome::Applied(mc::CommandReport::Submit(effects)) = outcome else {
            // matchcore refuses only what the checks above refuse, or a price of 0: nothing
            // happened.
            return;
        };
        let target = effects.target_order();
        let filled = self.fills(o.id, target, events);
        let left = o.qty - filled.min(o.qty);
        if left == 0 {
            return;
        }
        if target.cancel_reason().is_some() {
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
        } else if let Some(price) = o.price {
            self.ids.insert(o.id, mc_id);
            events.push(Event::Rested {
                id: o.id,
                side: o.side,
                price,
                qty: left,
            });
        }
    }

    fn modify(&mut self, id: OrderId, price: Price, qty: Qty, events: &mut Vec<Event>) {
        let Some((mc_id, order)) = self.resting(id) else {
            events.push(Event::Rejected {
                id,
                reason: Reject::UnknownId,
            });
            return;
        };
        let (side, old_price, open) = (
            kata_side(order.flags().side()),
            order.price().0,
            order.total_quantity().0,
        );
        let reject = if qty == 0 {
            Some(Reject::ZeroQuantity)
        } else {
            self.config.check(price)
        };
        if let Some(reason) = reject {
            events.push(Event::Rejected { id, reason });
            return;
        }
        let priority = if price == old_price && qty <= open {
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
        let patch = mc::LimitOrderPatch::new()
            .with_price(mc::Price(price))
            .with_quantity_policy(mc::QuantityPolicy::Standard {
                quantity: mc::Quantity(qty),
            });
        let outcome = self.send(
            id,
            mc::CommandKind::Amend(mc::AmendCmd {
                order_id: mc_id,
                patch: mc::AmendPatch::Limit(patch),
            }),
        );
        if priority == Priority::Kept {
            return;
        }
        let mc::CommandOutcome::Applied(mc::CommandReport::Amend(effects)) = outcome else {
            return;
        };
        let filled = self.fills(id, effects.target_order(), events);
        let left = qty - filled.min(qty);
        if left > 0 {
            events.push(Event::Rested {
                id,
                side,
                price,
                qty: left,
            });
        } else {
            self.ids.remove(&id);
        }
    }
}

impl OrderBook for MatchcoreBook {
    fn new(config: BookConfig) -> Self {
        MatchcoreBook {
            book: mc::OrderBook::new("KATA"),
            config,
            owners: Vec::new(),
            ids: HashMap::new(),
            seen: HashSet::new(),
        }
    }

    fn execute(&mut self, cmd: &Command, events: &mut Vec<Event>) {
        match *cmd {
            Command::Submit(o) => self.submit(o, events),
            Command::Cancel { id } => {
                let Some((mc_id, order)) = self.resting(id) else {
                    events.push(Event::Rejected {
                        id,
                        reason: Reject::UnknownId,
                    });
                    return;
                };
                let qty = order.total_quantity().0;
                self.send(
                    id,
                    mc::CommandKind::Cancel(mc::CancelCmd {
                        order_id: mc_id,
                        order_kind: mc::OrderKind::Limit,
                    }),
                );
                self.ids.remove(&id);
                events.push(Event::Cancelled {
                    id,
                    qty,
                    reason: CancelReason::Requested,
                });
            }
            Command::Modify { id, price, qty } => self.modify(id, price, qty, events),
        }
    }

    fn best_bid(&self) -> Option<Level> {
        let (price, &level) = self.book.limit().bids().last_key_value()?;
        Some(self.level(*price, level))
    }

    fn best_ask(&self) -> Option<Level> {
        let (price, &level) = self.book.limit().asks().first_key_value()?;
        Some(self.level(*price, level))
    }

    fn depth(&self, side: Side, levels: usize) -> Vec<Level> {
        self.levels(side)
            .take(levels)
            .map(|(price, &level)| self.level(*price, level))
            .collect()
    }

    fn order(&self, id: OrderId) -> Option<RestingOrder> {
        let (_, o) = self.resting(id)?;
        Some(RestingOrder {
            id,
            side: kata_side(o.flags().side()),
            price: o.price().0,
            qty: o.total_quantity().0,
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
