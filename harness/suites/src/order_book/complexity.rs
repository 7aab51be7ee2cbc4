//! Stage 5 of `order-book`: what the book's calls cost as it grows, in instructions counted
//! under callgrind ([`crate::measure::counted`]).
//!
//! - **`submit`**: on a book of P price levels (2 orders each, bids and asks), a limit order that
//!   does not cross, at a new price deep among the bids, then its cancel (which drops the new
//!   level again): O(log P) or better. A book that keeps its levels in a sorted `Vec` shifts
//!   O(P) per new level; one that finds the best by scanning every level pays O(P) on each
//!   match attempt.
//! - **`cancel`**: one level of n orders, the cancel of an order in its first half, then a new
//!   order at the back: O(1). A level kept as a `Vec` or `VecDeque` that is searched to remove
//!   the order is O(n).
//! - **`best`**: `best_bid()` and `best_ask()` on a book of P levels: O(1).
//! - **`order`**: `order(id)` on a book of P levels: O(1).
//! - **`depth`**: `depth(side, 8)` of both sides on a book of P levels: O(levels returned), so
//!   flat in P. Collecting every level and sorting them is O(P log P).
//!
//! Best, depth and order count what a B-tree's first keys cost too: its height grows by one
//! for every six to eleven times more levels, which these sizes cannot tell from O(1), so an
//! ordered map's `first_key_value` passes as a cached best does.
//!
//! P and n are 64, 256, 1 024 and 4 096, four times apart.

use kata_core::order_book::{BookConfig, Command, Event, NewOrder, OrderBook, Side, TimeInForce};

use super::OrderBookFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::{SplitMix64, Workload};
use crate::Ctx;

/// The sizes: price levels, or orders at one level.
pub const SIZES: &[usize] = &[64, 256, 1_024, 4_096];

/// The grid of the stage: ticks of 1 from 1 to 1 000 000.
pub const CONFIG: BookConfig = BookConfig {
    tick: 1,
    min_price: 1,
    max_price: 1_000_000,
};

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "submit",
        title: "a new level deep in the book, then its cancel (P levels)",
        variable: "levels",
        sizes: SIZES,
        ops: 64,
        expected: Class::Log,
    },
    Series {
        name: "cancel",
        title: "cancel in a level of n orders, then a new order at its back",
        variable: "orders",
        sizes: SIZES,
        ops: 16,
        expected: Class::Constant,
    },
    Series {
        name: "best",
        title: "best_bid() and best_ask() (P levels)",
        variable: "levels",
        sizes: SIZES,
        ops: 64,
        expected: Class::Constant,
    },
    Series {
        name: "order",
        title: "order(id) of a random resting order (P levels)",
        variable: "levels",
        sizes: SIZES,
        ops: 64,
        expected: Class::Constant,
    },
    Series {
        name: "depth",
        title: "depth(Buy, 8) and depth(Sell, 8) (P levels)",
        variable: "levels",
        sizes: SIZES,
        ops: 32,
        expected: Class::Constant,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["submit", "cancel", "best", "order", "depth"];

/// The middle price of the stage's books.
pub const MID: u64 = 500_000;

fn gtc(id: u64, side: Side, price: u64, qty: u64) -> Command {
    Command::Submit(NewOrder {
        id,
        side,
        price: Some(price),
        qty,
        tif: TimeInForce::Gtc,
    })
}

/// A book of `levels` bid levels (prices `MID - 2k`, even distances) and as many ask levels,
/// two orders each; ids `1..`; returns the book and the next free id.
pub fn ladder<B: OrderBook>(levels: usize) -> (B, u64) {
    let mut book = B::new(CONFIG);
    let mut events: Vec<Event> = Vec::new();
    let mut id = 1;
    for k in 1..=levels as u64 {
        for _ in 0..2 {
            book.execute(&gtc(id, Side::Buy, MID - 2 * k, 3), &mut events);
            book.execute(&gtc(id + 1, Side::Sell, MID + 2 * k, 3), &mut events);
            id += 2;
        }
    }
    (book, id)
}

/// Series `name` of `B` at `size`, from `seed`, as a [`Workload`]; `None` for a name not in
/// [`SERIES`].
pub fn workload<B: OrderBook + 'static>(name: &str, size: usize, seed: u64) -> Option<Box<dyn Workload>> {
    let mut rng = SplitMix64::new(seed ^ size as u64);
    let mut events: Vec<Event> = Vec::with_capacity(16);
    Some(match name {
        "submit" => {
            let (mut book, mut id) = ladder::<B>(size);
            // Odd distances: prices between the ladder's, deep among the bids.
            let prices: Vec<u64> = (0..256)
                .map(|_| MID - 2 * (size as u64 / 4 + rng.below(size as u64 / 2)) - 1)
                .collect();
            Box::new(move |i: u64| {
                events.clear();
                let p = prices[i as usize % prices.len()];
                book.execute(&gtc(id, Side::Buy, p, 1), &mut events);
                book.execute(&Command::Cancel { id }, &mut events);
                id += 1;
                std::hint::black_box(&events);
            })
        }
        "cancel" => {
            let mut book = B::new(CONFIG);
            let n = size as u64;
            for id in 1..=n {
                book.execute(&gtc(id, Side::Sell, MID, 1), &mut events);
            }
            // Orders n/4 + i: in the first half of the level, a quarter of it from the front.
            let mut next = n + 1;
            Box::new(move |i: u64| {
                events.clear();
                book.execute(&Command::Cancel { id: n / 4 + 1 + i }, &mut events);
                book.execute(&gtc(next, Side::Sell, MID, 1), &mut events);
                next += 1;
                std::hint::black_box(&events);
            })
        }
        "best" => {
            let (book, _) = ladder::<B>(size);
            Box::new(move |_| {
                std::hint::black_box(std::hint::black_box(&book).best_bid());
                std::hint::black_box(std::hint::black_box(&book).best_ask());
            })
        }
        "order" => {
            let (book, next) = ladder::<B>(size);
            let ids: Vec<u64> = (0..256).map(|_| 1 + rng.below(next - 1)).collect();
            Box::new(move |i: u64| {
                std::hint::black_box(book.order(ids[i as usize % ids.len()]));
            })
        }
        "depth" => {
            let (book, _) = ladder::<B>(size);
            Box::new(move |_| {
                std::hint::black_box(std::hint::black_box(&book).depth(Side::Buy, 8));
                std::hint::black_box(std::hint::black_box(&book).depth(Side::Sell, 8));
            })
        }
        _ => return None,
    })
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: OrderBookFamily, R: OrderBookFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    counted::stage(
        ctx,
        COUNTED,
        |n, s| workload::<F::Book>(n, s, seed),
        |n, s| workload::<R::Book>(n, s, seed),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_series_are_the_counted_ones_in_order() {
        let names: Vec<&str> = COUNTED.iter().map(|s| s.name).collect();
        assert_eq!(names, SERIES);
    }
}
