//! The yardstick of `order-book`: a book kept as plainly as possible, matched by brute force.
//!
//! Each side is a `BTreeMap<Price, VecDeque<(OrderId, Qty)>>` (oldest first); the ids ever
//! accepted are a `HashSet`. It follows the specification of [`kata_core::order_book`] line by
//! line; it is fast enough for a day of 200 000 commands, and obviously right rather than
//! clever.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use kata_core::order_book::{
    BookConfig, CancelReason, Command, Event, Level, NewOrder, OrderId, Price, Priority, Qty,
    Reject, RestingOrder, Side, Snapshot, TimeInForce,
};

/// One side: price to the orders resting there, oldest first.
pub type Ladder = BTreeMap<Price, VecDeque<(OrderId, Qty)>>;

/// The model book.
#[derive(Debug, Clone)]
pub struct Model {
    /// The grid.
    pub config: BookConfig,
    /// Bids by price.
    pub bids: Ladder,
    /// Asks by price.
    pub asks: Ladder,
    /// Every id ever accepted.
    pub seen: HashSet<OrderId>,
    /// Where each resting order is: its side and price (so that a day of 200 000 commands
    /// does not search the whole book for each cancel).
    pub at: HashMap<OrderId, (Side, Price)>,
}

impl Model {
    /// An empty book on `config`.
    pub fn new(config: BookConfig) -> Self {
        Model {
            config,
            bids: Ladder::new(),
            asks: Ladder::new(),
            seen: HashSet::new(),
            at: HashMap::new(),
        }
    }

    fn ladder(&mut self, side: Side) -> &mut Ladder {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    /// Where order `id` rests: side, price, position, open quantity.
    pub fn find(&self, id: OrderId) -> Option<(Side, Price, usize, Qty)> {
        let &(side, price) = self.at.get(&id)?;
        let ladder = match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        };
        let q = ladder.get(&price)?;
        let pos = q.iter().position(|&(i, _)| i == id)?;
        Some((side, price, pos, q[pos].1))
    }

    fn remove(&mut self, side: Side, price: Price, pos: usize) {
        let ladder = self.ladder(side);
        let q = ladder.get_mut(&price).expect("the level exists");
        let removed = q.remove(pos);
        if q.is_empty() {
            ladder.remove(&price);
        }
        if let Some((id, _)) = removed {
            self.at.remove(&id);
        }
    }

    fn acceptable(side: Side, limit: Option<Price>, price: Price) -> bool {
        match (side, limit) {
            (_, None) => true,
            (Side::Buy, Some(l)) => price <= l,
            (Side::Sell, Some(l)) => price >= l,
        }
    }

    /// The best opposite price for a taker on `side`.
    fn best_opposite(&self, side: Side) -> Option<Price> {
        match side {
            Side::Buy => self.asks.keys().next().copied(),
            Side::Sell => self.bids.keys().next_back().copied(),
        }
    }

    fn available(&self, side: Side, limit: Option<Price>) -> Qty {
        let ladder = match side {
            Side::Buy => &self.asks,
            Side::Sell => &self.bids,
        };
        ladder
            .iter()
            .filter(|(&p, _)| Self::acceptable(side, limit, p))
            .flat_map(|(_, q)| q.iter().map(|&(_, qty)| qty))
            .sum()
    }

    fn take(
        &mut self,
        id: OrderId,
        side: Side,
        limit: Option<Price>,
        mut qty: Qty,
        out: &mut Vec<Event>,
    ) -> Qty {
        while qty > 0 {
            let Some(price) = self.best_opposite(side) else {
                break;
            };
            if !Self::acceptable(side, limit, price) {
                break;
            }
            let ladder = self.ladder(side.opposite());
            let q = ladder.get_mut(&price).expect("the best level exists");
            let (maker, open) = q[0];
            let fill = qty.min(open);
            out.push(Event::Filled {
                maker,
                taker: id,
                price,
                qty: fill,
            });
            qty -= fill;
            if fill == open {
                q.pop_front();
                if q.is_empty() {
                    ladder.remove(&price);
                }
                self.at.remove(&maker);
            } else {
                q[0].1 -= fill;
            }
        }
        qty
    }

    fn rest(&mut self, id: OrderId, side: Side, price: Price, qty: Qty, out: &mut Vec<Event>) {
        self.ladder(side)
            .entry(price)
            .or_default()
            .push_back((id, qty));
        self.at.insert(id, (side, price));
        out.push(Event::Rested {
            id,
            side,
            price,
            qty,
        });
    }

    fn submit(&mut self, o: NewOrder, out: &mut Vec<Event>) {
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
            out.push(Event::Rejected { id: o.id, reason });
            return;
        }
        self.seen.insert(o.id);
        out.push(Event::Accepted {
            id: o.id,
            side: o.side,
            price: o.price,
            qty: o.qty,
            tif: o.tif,
        });
        if o.tif == TimeInForce::Fok && self.available(o.side, o.price) < o.qty {
            out.push(Event::Cancelled {
                id: o.id,
                qty: o.qty,
                reason: CancelReason::Killed,
            });
            return;
        }
        let left = self.take(o.id, o.side, o.price, o.qty, out);
        if left == 0 {
            return;
        }
        match (o.tif, o.price) {
            (TimeInForce::Gtc, Some(price)) => self.rest(o.id, o.side, price, left, out),
            _ => out.push(Event::Cancelled {
                id: o.id,
                qty: left,
                reason: CancelReason::Unfilled,
            }),
        }
    }

    /// Runs `cmd` and returns its events, as the specification says.
    pub fn execute(&mut self, cmd: &Command) -> Vec<Event> {
        let mut out = Vec::new();
        match *cmd {
            Command::Submit(o) => self.submit(o, &mut out),
            Command::Cancel { id } => match self.find(id) {
                None => out.push(Event::Rejected {
                    id,
                    reason: Reject::UnknownId,
                }),
                Some((side, price, pos, qty)) => {
                    self.remove(side, price, pos);
                    out.push(Event::Cancelled {
                        id,
                        qty,
                        reason: CancelReason::Requested,
                    });
                }
            },
            Command::Modify { id, price, qty } => {
                let Some((side, old_price, pos, open)) = self.find(id) else {
                    out.push(Event::Rejected {
                        id,
                        reason: Reject::UnknownId,
                    });
                    return out;
                };
                let reject = if qty == 0 {
                    Some(Reject::ZeroQuantity)
                } else {
                    self.config.check(price)
                };
                if let Some(reason) = reject {
                    out.push(Event::Rejected { id, reason });
                    return out;
                }
                if price == old_price && qty <= open {
                    self.ladder(side).get_mut(&price).expect("its level")[pos].1 = qty;
                    out.push(Event::Modified {
                        id,
                        price,
                        qty,
                        priority: Priority::Kept,
                    });
                    return out;
                }
                self.remove(side, old_price, pos);
                out.push(Event::Modified {
                    id,
                    price,
                    qty,
                    priority: Priority::Lost,
                });
                let left = self.take(id, side, Some(price), qty, &mut out);
                if left > 0 {
                    self.rest(id, side, price, left, &mut out);
                }
            }
        }
        out
    }

    /// The book as a [`Snapshot`].
    pub fn snapshot(&self) -> Snapshot {
        let side = |it: &mut dyn Iterator<Item = (&Price, &VecDeque<(OrderId, Qty)>)>| {
            it.map(|(&p, q)| (p, q.iter().copied().collect()))
                .collect::<Vec<_>>()
        };
        Snapshot {
            bids: side(&mut self.bids.iter().rev()),
            asks: side(&mut self.asks.iter()),
        }
    }
}

/// The level a side's snapshot entry makes.
pub fn level_of(price: Price, orders: &[(OrderId, Qty)]) -> Level {
    Level {
        price,
        qty: orders.iter().map(|&(_, q)| q).sum(),
        orders: orders.len(),
    }
}

/// Checks the queries of a book against its snapshot `s` (the model's): best bid and ask, depth
/// (1, 3 and every level), and `order(id)` for every resting order and for `absent` ids.
///
/// # Errors
///
/// The first query that disagrees.
pub fn check_queries<B: kata_core::order_book::OrderBook>(
    book: &B,
    s: &Snapshot,
    absent: &[OrderId],
    at: &str,
) -> Result<(), String> {
    let levels = |side: &[(Price, Vec<(OrderId, Qty)>)]| -> Vec<Level> {
        side.iter().map(|(p, o)| level_of(*p, o)).collect()
    };
    let (bids, asks) = (levels(&s.bids), levels(&s.asks));
    if book.best_bid() != bids.first().copied() {
        return Err(format!(
            "{at}: best_bid() is {:?}, expected {:?}",
            book.best_bid(),
            bids.first()
        ));
    }
    if book.best_ask() != asks.first().copied() {
        return Err(format!(
            "{at}: best_ask() is {:?}, expected {:?}",
            book.best_ask(),
            asks.first()
        ));
    }
    for (side, want) in [(Side::Buy, &bids), (Side::Sell, &asks)] {
        for n in [1, 3, want.len() + 1] {
            let got = book.depth(side, n);
            let expected: Vec<Level> = want.iter().take(n).copied().collect();
            if got != expected {
                return Err(format!(
                    "{at}: depth({side:?}, {n}) is {got:?}, expected {expected:?}"
                ));
            }
        }
    }
    for (side, ladder) in [(Side::Buy, &s.bids), (Side::Sell, &s.asks)] {
        for (price, orders) in ladder {
            for &(id, qty) in orders {
                let want = RestingOrder {
                    id,
                    side,
                    price: *price,
                    qty,
                };
                if book.order(id) != Some(want) {
                    return Err(format!(
                        "{at}: order({id}) is {:?}, expected {want:?}",
                        book.order(id)
                    ));
                }
            }
        }
    }
    for &id in absent {
        if let Some(o) = book.order(id) {
            return Err(format!(
                "{at}: order({id}) is {o:?}, but order {id} does not rest"
            ));
        }
    }
    Ok(())
}

/// Checks that `s` is not crossed: the best bid is below the best ask.
///
/// # Errors
///
/// When it is crossed.
pub fn not_crossed(s: &Snapshot, at: &str) -> Result<(), String> {
    if let (Some((bid, _)), Some((ask, _))) = (s.bids.first(), s.asks.first()) {
        if bid >= ask {
            return Err(format!(
                "invariant broken {at}: the book is crossed, best bid {bid} >= best ask {ask}: \
                 an incoming order must fill against the other side before it rests"
            ));
        }
    }
    Ok(())
}

/// The accounting of one order over a log: what was accepted for it, filled of it (as maker or
/// taker), cancelled of it, and the open quantity changed by modifies.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Accepted quantity plus every increase a modify made.
    pub added: Qty,
    /// Filled, as maker or taker, plus every decrease a modify made.
    pub removed: Qty,
}

/// Checks conservation per order over `log` against the resting quantities of `s`: for every
/// order, `accepted + modify increases = filled + cancelled + modify decreases + resting`.
/// A modify's change is the new quantity minus the open quantity before it, which the log
/// itself tells (the last `Rested`, `Modified` and fills of that order).
///
/// # Errors
///
/// The first order whose quantities do not add up.
pub fn conservation(log: &[Event], s: &Snapshot) -> Result<(), String> {
    let mut acc: HashMap<OrderId, Account> = HashMap::new();
    let mut open: HashMap<OrderId, Qty> = HashMap::new();
    for e in log {
        match *e {
            Event::Accepted { id, qty, .. } => {
                acc.entry(id).or_default().added += qty;
            }
            Event::Filled {
                maker, taker, qty, ..
            } => {
                acc.entry(maker).or_default().removed += qty;
                acc.entry(taker).or_default().removed += qty;
                if let Some(o) = open.get_mut(&maker) {
                    *o = o.saturating_sub(qty);
                }
            }
            Event::Rested { id, qty, .. } => {
                open.insert(id, qty);
            }
            Event::Cancelled { id, qty, .. } => {
                acc.entry(id).or_default().removed += qty;
                open.remove(&id);
            }
            Event::Modified { id, qty, .. } => {
                let before = open.remove(&id).unwrap_or(0);
                let a = acc.entry(id).or_default();
                if qty >= before {
                    a.added += qty - before;
                } else {
                    a.removed += before - qty;
                }
                // Kept: it rests with `qty`; Lost: it is taken out, and a `Rested` puts it back.
                open.insert(id, qty);
            }
            Event::Rejected { .. } => {}
        }
    }
    let mut resting: HashMap<OrderId, Qty> = HashMap::new();
    for (_, orders) in s.bids.iter().chain(s.asks.iter()) {
        for &(id, qty) in orders {
            resting.insert(id, qty);
        }
    }
    for (id, a) in &acc {
        let r = resting.get(id).copied().unwrap_or(0);
        if a.added != a.removed + r {
            return Err(format!(
                "invariant broken: quantity not conserved for order {id}: accepted and added by \
                 modifies {}, but filled, cancelled and taken off by modifies {} plus resting {r} \
                 make {}",
                a.added,
                a.removed,
                a.removed + r
            ));
        }
    }
    Ok(())
}
