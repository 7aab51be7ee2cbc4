//! Stage 2 of `order-book`: random order flows against the model ([`super::model`]).
//!
//! A flow is up to 40 commands on the examples' grid (ticks of 5, 5 to 10 000): ids from a
//! dozen (so that ids come back: duplicates, cancels and modifies of live and dead orders),
//! prices around 100 on a few levels (sometimes off the grid or out of range), quantities 0 to
//! 6, every time in force and market orders. After every command:
//!
//! - the events equal the model's, and the snapshot too;
//! - the book is never crossed (best bid < best ask);
//! - `best_bid`, `best_ask`, `depth` and `order` agree with the snapshot.
//!
//! After the flow: quantity is conserved per order (accepted, plus what modifies added, equals
//! filled as maker or taker, plus cancelled, plus what modifies took off, plus what rests; a
//! modify's change is its new quantity minus the open quantity before it), and
//! `replay(log)` equals the live book: the same snapshot, and every id accepted is refused as
//! a duplicate by both.

use std::fmt::Write as _;

use kata_core::order_book::{Command, Event, NewOrder, OrderBook, OrderId, Reject, Side, TimeInForce};
use proptest::prelude::*;

use super::examples::CONFIG;
use super::model::{check_queries, conservation, not_crossed, Model};
use super::OrderBookFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::Ctx;

/// The ids a flow draws from.
pub const IDS: u64 = 12;

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Buy), Just(Side::Sell)]
}

fn price() -> impl Strategy<Value = u64> {
    prop_oneof![
        12 => (18u64..=22).prop_map(|t| t * 5),
        1 => Just(3u64),
        1 => Just(102u64),
    ]
}

fn qty() -> impl Strategy<Value = u64> {
    prop_oneof![12 => 1u64..=6, 1 => Just(0u64)]
}

fn tif() -> impl Strategy<Value = TimeInForce> {
    prop_oneof![
        6 => Just(TimeInForce::Gtc),
        2 => Just(TimeInForce::Ioc),
        2 => Just(TimeInForce::Fok)
    ]
}

/// One random command.
pub fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        6 => (0..IDS, side(), price(), qty(), tif()).prop_map(|(id, side, p, qty, tif)| {
            Command::Submit(NewOrder { id, side, price: Some(p), qty, tif })
        }),
        1 => (0..IDS, side(), qty(), tif()).prop_map(|(id, side, qty, tif)| {
            Command::Submit(NewOrder { id, side, price: None, qty, tif })
        }),
        2 => (0..IDS).prop_map(|id| Command::Cancel { id }),
        2 => (0..IDS, price(), qty()).prop_map(|(id, price, qty)| Command::Modify { id, price, qty }),
    ]
}

/// A command as Rust code.
pub fn render_command(c: &Command) -> String {
    match *c {
        Command::Submit(o) => format!(
            "Command::Submit(NewOrder {{ id: {}, side: Side::{:?}, price: {:?}, qty: {}, tif: TimeInForce::{:?} }})",
            o.id, o.side, o.price, o.qty, o.tif
        ),
        Command::Cancel { id } => format!("Command::Cancel {{ id: {id} }}"),
        Command::Modify { id, price, qty } => {
            format!("Command::Modify {{ id: {id}, price: {price}, qty: {qty} }}")
        }
    }
}

/// A flow as a test a learner can paste.
#[allow(clippy::ptr_arg)] // `check_model` hands the value as `&Vec`.
pub fn render_flow(flow: &Vec<Command>) -> String {
    let mut out = String::from(
        "let mut book = Book::new(BookConfig::new(5, 5, 10_000).unwrap());\n\
         let mut events = Vec::new();",
    );
    for c in flow {
        let _ = write!(
            out,
            "\nevents.clear();\nbook.execute(&{}, &mut events);\nprintln!(\"{{events:?}}\");",
            render_command(c)
        );
    }
    out
}

#[allow(clippy::ptr_arg)]
/// Runs `flow` on `B` and the model, checking after every step; then conservation and replay.
///
/// # Errors
///
/// The first step that disagrees.
pub fn drive<B: OrderBook>(flow: &Vec<Command>) -> Outcome {
    let mut book = B::new(CONFIG);
    let mut model = Model::new(CONFIG);
    let mut log: Vec<Event> = Vec::new();
    for (step, c) in flow.iter().enumerate() {
        let at = format!("step {} ({})", step + 1, render_command(c));
        let from = log.len();
        book.execute(c, &mut log);
        let want = model.execute(c);
        if log[from..] != want[..] {
            return Err(format!(
                "{at}: the events were\n  {:?}\nexpected\n  {want:?}",
                &log[from..]
            ));
        }
        let s = model.snapshot();
        let got = book.snapshot();
        if got != s {
            return Err(format!("{at}: snapshot() is\n  {got:?}\nexpected\n  {s:?}"));
        }
        not_crossed(&got, &format!("after {at}"))?;
        let absent: Vec<OrderId> = (0..IDS).filter(|id| !model.at.contains_key(id)).collect();
        check_queries(&book, &s, &absent, &format!("after {at}"))?;
    }
    conservation(&log, &model.snapshot()).map_err(|e| format!("after the flow: {e}"))?;
    let replayed = B::replay(CONFIG, &log)
        .map_err(|e| format!("replay of the flow's log failed: {e}"))?;
    let (live, again) = (book.snapshot(), replayed.snapshot());
    if live != again {
        return Err(format!(
            "replay(log) is not the live book: its snapshot() is\n  {again:?}\nthe live one\n  {live:?}"
        ));
    }
    let mut replayed = replayed;
    for id in 0..IDS {
        let probe = Command::Submit(NewOrder {
            id,
            side: Side::Buy,
            price: Some(5),
            qty: 1,
            tif: TimeInForce::Ioc,
        });
        let (mut a, mut b) = (Vec::new(), Vec::new());
        book.execute(&probe, &mut a);
        replayed.execute(&probe, &mut b);
        let seen = model.seen.contains(&id);
        let refused = a == [Event::Rejected { id, reason: Reject::DuplicateId }];
        if refused != seen || a != b {
            return Err(format!(
                "replay(log) did not keep the ids seen: {} gave {a:?} on the live book and {b:?} \
                 on the replayed one (id {id} was {}accepted before)",
                render_command(&probe),
                if seen { "" } else { "never " }
            ));
        }
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: OrderBookFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(1);
    ctx.check(
        "random flows: the model's events and book after every command, never crossed, \
         queries consistent, quantity conserved, replay equals live",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                prop::collection::vec(command(), 1..40),
                render_flow,
                drive::<F::Book>,
            )
        },
    );
}
