//! Stage 1 of `order-book`: scenarios that read like the specification, each with the exact
//! events expected, on a grid of ticks of 5 from 5 to 10 000.

use kata_core::order_book::{
    BookConfig, CancelReason, Command, ConfigError, Event, Level, NewOrder, OrderBook, OrderId,
    Price, Priority, Qty, Reject, ReplayError, RestingOrder, Side, Snapshot, TimeInForce,
};

use super::OrderBookFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

/// The grid of the examples and properties: ticks of 5, prices 5 to 10 000.
pub const CONFIG: BookConfig = BookConfig {
    tick: 5,
    min_price: 5,
    max_price: 10_000,
};

use Side::{Buy, Sell};
use TimeInForce::{Fok, Gtc, Ioc};

/// A limit order.
pub fn limit(id: OrderId, side: Side, price: Price, qty: Qty, tif: TimeInForce) -> Command {
    Command::Submit(NewOrder {
        id,
        side,
        price: Some(price),
        qty,
        tif,
    })
}

/// A `Gtc` limit order.
pub fn gtc(id: OrderId, side: Side, price: Price, qty: Qty) -> Command {
    limit(id, side, price, qty, Gtc)
}

/// A market order.
pub fn market(id: OrderId, side: Side, qty: Qty, tif: TimeInForce) -> Command {
    Command::Submit(NewOrder {
        id,
        side,
        price: None,
        qty,
        tif,
    })
}

/// The `Accepted` event of `cmd`, a submit.
pub fn accepted(cmd: &Command) -> Event {
    match *cmd {
        Command::Submit(o) => Event::Accepted {
            id: o.id,
            side: o.side,
            price: o.price,
            qty: o.qty,
            tif: o.tif,
        },
        _ => unreachable!("accepted() of a submit only"),
    }
}

/// `Filled`.
pub fn fill(maker: OrderId, taker: OrderId, price: Price, qty: Qty) -> Event {
    Event::Filled {
        maker,
        taker,
        price,
        qty,
    }
}

/// `Rested`.
pub fn rested(id: OrderId, side: Side, price: Price, qty: Qty) -> Event {
    Event::Rested {
        id,
        side,
        price,
        qty,
    }
}

/// `Cancelled`.
pub fn cancelled(id: OrderId, qty: Qty, reason: CancelReason) -> Event {
    Event::Cancelled { id, qty, reason }
}

/// `Modified`.
pub fn modified(id: OrderId, price: Price, qty: Qty, priority: Priority) -> Event {
    Event::Modified {
        id,
        price,
        qty,
        priority,
    }
}

/// `Rejected`.
pub fn rejected(id: OrderId, reason: Reject) -> Event {
    Event::Rejected { id, reason }
}

/// A book under test with its whole log.
pub struct Scenario<B> {
    /// The book.
    pub book: B,
    /// Every event so far.
    pub log: Vec<Event>,
}

impl<B: OrderBook> Scenario<B> {
    /// An empty book on [`CONFIG`].
    pub fn new() -> Self {
        Scenario {
            book: B::new(CONFIG),
            log: Vec::new(),
        }
    }

    /// Runs `cmd`; its events.
    pub fn run(&mut self, cmd: Command) -> Vec<Event> {
        let from = self.log.len();
        self.book.execute(&cmd, &mut self.log);
        self.log[from..].to_vec()
    }

    /// Runs `cmd` and checks its events are `want`.
    ///
    /// # Errors
    ///
    /// When they are not.
    pub fn expect(&mut self, cmd: Command, want: &[Event]) -> Outcome {
        let got = self.run(cmd);
        ensure!(
            got == want,
            "execute({cmd:?}) gave the events\n  {got:?}\nexpected\n  {want:?}"
        );
        Ok(())
    }

    /// Runs `cmd`, a submit that must rest whole: `[Accepted, Rested]`.
    ///
    /// # Errors
    ///
    /// When it does not.
    pub fn rest(&mut self, cmd: Command) -> Outcome {
        let Command::Submit(o) = cmd else {
            unreachable!("rest() of a submit only")
        };
        let price = o.price.expect("a limit order");
        self.expect(cmd, &[accepted(&cmd), rested(o.id, o.side, price, o.qty)])
    }

    /// Checks the book's snapshot.
    ///
    /// # Errors
    ///
    /// When it differs.
    pub fn book_is(&self, bids: &[(Price, &[(OrderId, Qty)])], asks: &[(Price, &[(OrderId, Qty)])], when: &str) -> Outcome {
        let side = |s: &[(Price, &[(OrderId, Qty)])]| -> Vec<(Price, Vec<(OrderId, Qty)>)> {
            s.iter().map(|(p, o)| (*p, o.to_vec())).collect()
        };
        let want = Snapshot {
            bids: side(bids),
            asks: side(asks),
        };
        ensure_eq!(self.book.snapshot(), want, "snapshot() {when}");
        Ok(())
    }
}

impl<B: OrderBook> Default for Scenario<B> {
    fn default() -> Self {
        Self::new()
    }
}

type Bk<F> = <F as OrderBookFamily>::Book;

fn s<F: OrderBookFamily>() -> Scenario<Bk<F>> {
    Scenario::new()
}

/// Checks that `cmd` is rejected with `reason` and changes nothing, and that its id is not
/// consumed when `fresh` (a submit with that id is then accepted).
fn refused<B: OrderBook>(sc: &mut Scenario<B>, cmd: Command, reason: Reject) -> Outcome {
    let before = sc.book.snapshot();
    sc.expect(cmd, &[rejected(cmd.id(), reason)])?;
    ensure_eq!(
        sc.book.snapshot(),
        before,
        "snapshot() after the refused {cmd:?} (a refused command changes nothing)"
    );
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: OrderBookFamily>(ctx: &mut Ctx) {
    ctx.check("BookConfig::new refuses a tick of 0, min > max, bounds off the grid", || {
        ensure_eq!(BookConfig::new(0, 0, 10), Err(ConfigError::ZeroTick), "new(0, 0, 10)");
        ensure_eq!(
            BookConfig::new(5, 20, 10),
            Err(ConfigError::Inverted {
                min_price: 20,
                max_price: 10
            }),
            "new(5, 20, 10)"
        );
        ensure_eq!(
            BookConfig::new(5, 5, 12),
            Err(ConfigError::BoundOffTick { bound: 12, tick: 5 }),
            "new(5, 5, 12)"
        );
        ensure_eq!(BookConfig::new(5, 0, 10_000), Ok(BookConfig { tick: 5, min_price: 0, max_price: 10_000 }), "new(5, 0, 10 000)");
        Ok(())
    });

    ctx.check("a limit order that does not cross rests; best, depth and order report it", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Buy, 100, 5))?;
        b.rest(gtc(2, Buy, 100, 3))?;
        b.rest(gtc(3, Buy, 95, 4))?;
        b.rest(gtc(4, Sell, 110, 2))?;
        ensure_eq!(b.book.best_bid(), Some(Level { price: 100, qty: 8, orders: 2 }), "best_bid()");
        ensure_eq!(b.book.best_ask(), Some(Level { price: 110, qty: 2, orders: 1 }), "best_ask()");
        ensure_eq!(
            b.book.depth(Buy, 5),
            vec![Level { price: 100, qty: 8, orders: 2 }, Level { price: 95, qty: 4, orders: 1 }],
            "depth(Buy, 5), best first"
        );
        ensure_eq!(b.book.depth(Buy, 1).len(), 1, "depth(Buy, 1).len()");
        ensure_eq!(b.book.depth(Sell, 0), vec![], "depth(Sell, 0)");
        ensure_eq!(
            b.book.order(3),
            Some(RestingOrder { id: 3, side: Buy, price: 95, qty: 4 }),
            "order(3)"
        );
        ensure_eq!(b.book.order(9), None, "order(9), never submitted");
        b.book_is(&[(100, &[(1, 5), (2, 3)]), (95, &[(3, 4)])], &[(110, &[(4, 2)])], "")
    });

    ctx.check("an empty book: no best, no depth, no order", || {
        let b = s::<F>();
        ensure_eq!(b.book.best_bid(), None, "best_bid()");
        ensure_eq!(b.book.best_ask(), None, "best_ask()");
        ensure_eq!(b.book.depth(Sell, 3), vec![], "depth(Sell, 3)");
        b.book_is(&[], &[], "of a new book")
    });

    ctx.check("a fill is at the maker's price: a buy at 105 against an ask at 100 fills at 100", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 100, 5))?;
        let c = gtc(2, Buy, 105, 5);
        b.expect(c, &[accepted(&c), fill(1, 2, 100, 5)])?;
        b.book_is(&[], &[], "after the fill: both orders done")?;
        ensure_eq!(b.book.order(1), None, "order(1) after it filled");
        Ok(())
    });

    ctx.check("price priority, then partial fills across levels; the rest rests", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 105, 5))?;
        b.rest(gtc(2, Sell, 110, 5))?;
        b.rest(gtc(3, Sell, 100, 5))?;
        let c = gtc(4, Buy, 110, 12);
        b.expect(c, &[accepted(&c), fill(3, 4, 100, 5), fill(1, 4, 105, 5), fill(2, 4, 110, 2)])?;
        b.book_is(&[], &[(110, &[(2, 3)])], "after the buy of 12")?;
        let c = gtc(5, Buy, 115, 10);
        b.expect(c, &[accepted(&c), fill(2, 5, 110, 3), rested(5, Buy, 115, 7)])?;
        b.book_is(&[(115, &[(5, 7)])], &[], "after the buy of 10 at 115")
    });

    ctx.check("a sell fills the highest bids first, down to its limit", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Buy, 95, 5))?;
        b.rest(gtc(2, Buy, 100, 5))?;
        b.rest(gtc(3, Buy, 90, 5))?;
        let c = gtc(4, Sell, 95, 12);
        b.expect(c, &[accepted(&c), fill(2, 4, 100, 5), fill(1, 4, 95, 5), rested(4, Sell, 95, 2)])?;
        b.book_is(&[(90, &[(3, 5)])], &[(95, &[(4, 2)])], "after the sell")
    });

    ctx.check("time priority: at one price the oldest order fills first", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 100, 3))?;
        b.rest(gtc(2, Sell, 100, 3))?;
        b.rest(gtc(3, Sell, 100, 3))?;
        let c = gtc(4, Buy, 100, 4);
        b.expect(c, &[accepted(&c), fill(1, 4, 100, 3), fill(2, 4, 100, 1)])?;
        b.book_is(&[], &[(100, &[(2, 2), (3, 3)])], "after the buy of 4")
    });

    ctx.check("IOC: what cannot fill now is cancelled, never rests", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 100, 5))?;
        let c = limit(2, Buy, 100, 8, Ioc);
        b.expect(c, &[accepted(&c), fill(1, 2, 100, 5), cancelled(2, 3, CancelReason::Unfilled)])?;
        b.book_is(&[], &[], "after the IOC")?;
        let c = limit(3, Sell, 200, 4, Ioc);
        b.expect(c, &[accepted(&c), cancelled(3, 4, CancelReason::Unfilled)])?;
        b.book_is(&[], &[], "after an IOC that could not fill at all")
    });

    ctx.check("FOK: killed whole when not enough at acceptable prices, filled whole when there is", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 100, 5))?;
        b.rest(gtc(2, Sell, 105, 5))?;
        let c = limit(3, Buy, 100, 8, Fok);
        b.expect(c, &[accepted(&c), cancelled(3, 8, CancelReason::Killed)])?;
        b.book_is(&[], &[(100, &[(1, 5)]), (105, &[(2, 5)])], "after the killed FOK (nothing filled)")?;
        let c = limit(4, Buy, 105, 10, Fok);
        b.expect(c, &[accepted(&c), fill(1, 4, 100, 5), fill(2, 4, 105, 5)])?;
        b.book_is(&[], &[], "after the FOK of exactly what rests")?;
        b.rest(gtc(5, Buy, 95, 5))?;
        let c = limit(6, Sell, 95, 6, Fok);
        b.expect(c, &[accepted(&c), cancelled(6, 6, CancelReason::Killed)])?;
        let c = market(7, Sell, 2, Fok);
        b.expect(c, &[accepted(&c), fill(5, 7, 95, 2)])?;
        b.book_is(&[(95, &[(5, 3)])], &[], "after the market FOK")
    });

    ctx.check("a market order sweeps every level; its remainder is Unfilled; Gtc is refused", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 100, 2))?;
        b.rest(gtc(2, Sell, 9_000, 3))?;
        let c = market(3, Buy, 10, Ioc);
        b.expect(c, &[accepted(&c), fill(1, 3, 100, 2), fill(2, 3, 9_000, 3), cancelled(3, 5, CancelReason::Unfilled)])?;
        b.book_is(&[], &[], "after the market buy")?;
        b.rest(gtc(4, Buy, 50, 2))?;
        refused(&mut b, market(5, Sell, 1, Gtc), Reject::MarketGtc)?;
        let c = market(5, Sell, 1, Ioc);
        b.expect(c, &[accepted(&c), fill(4, 5, 50, 1)])?;
        b.book_is(&[(50, &[(4, 1)])], &[], "after the market sell")
    });

    ctx.check("modify down at the same price keeps priority: the order still fills first", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Buy, 100, 5))?;
        b.rest(gtc(2, Buy, 100, 5))?;
        b.expect(Command::Modify { id: 1, price: 100, qty: 2 }, &[modified(1, 100, 2, Priority::Kept)])?;
        b.book_is(&[(100, &[(1, 2), (2, 5)])], &[], "after modify(1, 100, 2)")?;
        ensure_eq!(b.book.best_bid(), Some(Level { price: 100, qty: 7, orders: 2 }), "best_bid() after the reduction");
        b.expect(Command::Modify { id: 2, price: 100, qty: 5 }, &[modified(2, 100, 5, Priority::Kept)])?;
        let c = gtc(3, Sell, 100, 3);
        b.expect(c, &[accepted(&c), fill(1, 3, 100, 2), fill(2, 3, 100, 1)])?;
        ensure_eq!(b.book.order(2), Some(RestingOrder { id: 2, side: Buy, price: 100, qty: 4 }), "order(2)");
        Ok(())
    });

    ctx.check("modify up or to another price loses priority: the order goes to the back", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Buy, 100, 5))?;
        b.rest(gtc(2, Buy, 100, 5))?;
        b.expect(Command::Modify { id: 1, price: 100, qty: 6 }, &[modified(1, 100, 6, Priority::Lost), rested(1, Buy, 100, 6)])?;
        b.book_is(&[(100, &[(2, 5), (1, 6)])], &[], "after modify(1, 100, 6)")?;
        b.expect(Command::Modify { id: 2, price: 95, qty: 5 }, &[modified(2, 95, 5, Priority::Lost), rested(2, Buy, 95, 5)])?;
        b.rest(gtc(3, Buy, 95, 1))?;
        b.expect(Command::Modify { id: 2, price: 100, qty: 1 }, &[modified(2, 100, 1, Priority::Lost), rested(2, Buy, 100, 1)])?;
        b.book_is(&[(100, &[(1, 6), (2, 1)]), (95, &[(3, 1)])], &[], "after moving 2 down and back")?;
        let c = gtc(4, Sell, 100, 7);
        b.expect(c, &[accepted(&c), fill(1, 4, 100, 6), fill(2, 4, 100, 1)])?;
        b.book_is(&[(95, &[(3, 1)])], &[], "after the sell of 7")
    });

    ctx.check("a modify that crosses fills as a taker, then rests what is left", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 110, 5))?;
        b.rest(gtc(2, Buy, 100, 5))?;
        b.expect(
            Command::Modify { id: 2, price: 110, qty: 8 },
            &[modified(2, 110, 8, Priority::Lost), fill(1, 2, 110, 5), rested(2, Buy, 110, 3)],
        )?;
        b.book_is(&[(110, &[(2, 3)])], &[], "after the crossing modify")?;
        b.rest(gtc(3, Sell, 120, 3))?;
        b.expect(Command::Modify { id: 2, price: 120, qty: 3 }, &[modified(2, 120, 3, Priority::Lost), fill(3, 2, 120, 3)])?;
        b.book_is(&[], &[], "after a modify that filled whole")?;
        refused(&mut b, Command::Cancel { id: 2 }, Reject::UnknownId)
    });

    ctx.check("cancel removes the open quantity; a second cancel is UnknownId", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 100, 5))?;
        b.rest(gtc(2, Sell, 100, 5))?;
        let c = gtc(3, Buy, 100, 2);
        b.expect(c, &[accepted(&c), fill(1, 3, 100, 2)])?;
        b.expect(Command::Cancel { id: 1 }, &[cancelled(1, 3, CancelReason::Requested)])?;
        b.book_is(&[], &[(100, &[(2, 5)])], "after cancel(1)")?;
        refused(&mut b, Command::Cancel { id: 1 }, Reject::UnknownId)?;
        b.expect(Command::Cancel { id: 2 }, &[cancelled(2, 5, CancelReason::Requested)])?;
        ensure_eq!(b.book.best_ask(), None, "best_ask() once the last ask is cancelled");
        b.rest(gtc(4, Sell, 105, 1))?;
        ensure_eq!(b.book.best_ask(), Some(Level { price: 105, qty: 1, orders: 1 }), "best_ask() after a new ask");
        Ok(())
    });

    ctx.check("every reject reason: nothing changes and the id is not consumed", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Buy, 100, 5))?;
        refused(&mut b, gtc(2, Buy, 100, 0), Reject::ZeroQuantity)?;
        refused(&mut b, gtc(2, Buy, 0, 5), Reject::OutOfRange { price: 0, min: 5, max: 10_000 })?;
        refused(&mut b, gtc(2, Sell, 10_005, 5), Reject::OutOfRange { price: 10_005, min: 5, max: 10_000 })?;
        refused(&mut b, gtc(2, Buy, 102, 5), Reject::OffTick { price: 102, tick: 5 })?;
        refused(&mut b, market(2, Sell, 5, Gtc), Reject::MarketGtc)?;
        refused(&mut b, gtc(1, Sell, 200, 5), Reject::DuplicateId)?;
        // The first failure wins, in the documented order.
        refused(&mut b, gtc(1, Buy, 3, 0), Reject::ZeroQuantity)?;
        refused(&mut b, gtc(2, Buy, 10_001, 5), Reject::OutOfRange { price: 10_001, min: 5, max: 10_000 })?;
        refused(&mut b, market(1, Buy, 5, Gtc), Reject::MarketGtc)?;
        refused(&mut b, limit(1, Buy, 102, 5, Ioc), Reject::OffTick { price: 102, tick: 5 })?;
        refused(&mut b, Command::Cancel { id: 2 }, Reject::UnknownId)?;
        refused(&mut b, Command::Modify { id: 2, price: 100, qty: 0 }, Reject::UnknownId)?;
        refused(&mut b, Command::Modify { id: 1, price: 3, qty: 0 }, Reject::ZeroQuantity)?;
        refused(&mut b, Command::Modify { id: 1, price: 10_005, qty: 4 }, Reject::OutOfRange { price: 10_005, min: 5, max: 10_000 })?;
        refused(&mut b, Command::Modify { id: 1, price: 101, qty: 4 }, Reject::OffTick { price: 101, tick: 5 })?;
        // Id 2 was refused every time: it is still free.
        b.rest(gtc(2, Sell, 105, 1))?;
        b.book_is(&[(100, &[(1, 5)])], &[(105, &[(2, 1)])], "after the refusals and order 2")
    });

    ctx.check("an id is never accepted twice: after a fill, a cancel, a kill or an IOC", || {
        let mut b = s::<F>();
        b.rest(gtc(1, Sell, 100, 1))?;
        let c = gtc(2, Buy, 100, 1);
        b.expect(c, &[accepted(&c), fill(1, 2, 100, 1)])?;
        b.rest(gtc(3, Buy, 50, 1))?;
        b.expect(Command::Cancel { id: 3 }, &[cancelled(3, 1, CancelReason::Requested)])?;
        let c = limit(4, Buy, 50, 1, Fok);
        b.expect(c, &[accepted(&c), cancelled(4, 1, CancelReason::Killed)])?;
        let c = limit(5, Buy, 50, 1, Ioc);
        b.expect(c, &[accepted(&c), cancelled(5, 1, CancelReason::Unfilled)])?;
        for id in 1..=5 {
            refused(&mut b, gtc(id, Buy, 60, 1), Reject::DuplicateId)?;
            refused(&mut b, market(id, Sell, 1, Ioc), Reject::DuplicateId)?;
        }
        b.book_is(&[], &[], "after the refusals")
    });

    ctx.check("Display of every reason says what is wrong and what is allowed", || {
        let show = Reject::OutOfRange { price: 3, min: 5, max: 10_000 }.to_string();
        ensure!(show.contains('3') && show.contains('5') && show.contains("10000"), "OutOfRange shows {show:?}");
        let show = Reject::OffTick { price: 102, tick: 5 }.to_string();
        ensure!(show.contains("102") && show.contains('5'), "OffTick shows {show:?}");
        for r in [Reject::ZeroQuantity, Reject::MarketGtc, Reject::DuplicateId, Reject::UnknownId] {
            ensure!(r.to_string().len() > 20, "{r:?} shows {:?}", r.to_string());
        }
        Ok(())
    });

    ctx.check("replay of the log rebuilds the same book, ids seen included", || {
        let mut b = s::<F>();
        let flow = [
            gtc(1, Buy, 100, 5),
            gtc(2, Buy, 100, 5),
            gtc(3, Sell, 110, 4),
            gtc(4, Sell, 100, 3),
            Command::Modify { id: 2, price: 100, qty: 2 },
            Command::Modify { id: 1, price: 105, qty: 2 },
            gtc(5, Sell, 120, 9),
            Command::Cancel { id: 5 },
            limit(6, Buy, 110, 30, Fok),
            market(7, Sell, 1, Ioc),
            gtc(8, Buy, 0, 1),
            Command::Modify { id: 3, price: 105, qty: 4 },
        ];
        for c in flow {
            b.run(c);
        }
        let replayed = Bk::<F>::replay(CONFIG, &b.log).map_err(|e| format!("replay of the log failed: {e}"))?;
        ensure_eq!(replayed.snapshot(), b.book.snapshot(), "snapshot() of the replayed book against the live one");
        let mut r = Scenario { book: replayed, log: Vec::new() };
        for id in [1, 3, 5, 6, 7] {
            let c = gtc(id, Sell, 200, 1);
            ensure_eq!(r.run(c), vec![rejected(id, Reject::DuplicateId)], "the replayed book, {c:?}");
        }
        let c = gtc(8, Sell, 200, 1);
        ensure_eq!(r.run(c), vec![accepted(&c), rested(8, Sell, 200, 1)], "the replayed book, {c:?} (id 8 was refused, never accepted)");
        ensure_eq!(Bk::<F>::replay(CONFIG, &[]).map(|b| b.snapshot()), Ok(Snapshot::default()), "replay of an empty log");
        Ok(())
    });

    ctx.check("replay refuses a malformed log with a typed error, without panicking", || {
        let fills_nobody = [fill(9, 1, 100, 1)];
        ensure_eq!(
            Bk::<F>::replay(CONFIG, &fills_nobody).err(),
            Some(ReplayError::UnknownOrder { index: 0, id: 9 }),
            "replay of [Filled {{ maker: 9, .. }}] on an empty book"
        );
        let unaccepted = [rested(4, Buy, 100, 1)];
        ensure!(Bk::<F>::replay(CONFIG, &unaccepted).is_err(), "replay of a Rested for an id never accepted was accepted");
        let c = gtc(1, Sell, 100, 2);
        let overfill = [accepted(&c), rested(1, Sell, 100, 2), fill(1, 2, 100, 3)];
        ensure_eq!(
            Bk::<F>::replay(CONFIG, &overfill).err(),
            Some(ReplayError::Inconsistent { index: 2 }),
            "replay of a fill of 3 of an order of 2"
        );
        let modify_unknown = [modified(5, 100, 1, Priority::Kept)];
        ensure_eq!(
            Bk::<F>::replay(CONFIG, &modify_unknown).err(),
            Some(ReplayError::UnknownOrder { index: 0, id: 5 }),
            "replay of a Modified of an order that does not rest"
        );
        Ok(())
    });
}
