//! The order flows the benches, the quality stage and the complexity stage share.
//!
//! # The bench workloads ([`BENCH`])
//!
//! - **`day`**: a generated trading day ([`day`]): prices clustered around a mid that drifts
//!   (a random walk), most commands cancels and modifies of recent orders, bursts of
//!   aggressive orders, some IOC, FOK and market orders; the rate is commands per second.
//! - **`rest`**: limit orders that rest (bids below the mid, asks above), no fill: 4 096 of
//!   them, then an empty book again.
//! - **`cross`**: pairs of a resting sell and a buy that fills it whole.
//! - **`cancel`**: 4 096 resting orders, then the cancel of each, in a random order.
//!
//! Each stream is run from an empty book; at its end the book is replaced by an empty one and
//! the stream starts again.

use kata_core::order_book::{BookConfig, Command, NewOrder, OrderBook, Price, Side, TimeInForce};

use crate::measure::{SplitMix64, Spec};

/// The bench workloads.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "day",
        summary: "a generated day: clustered prices, ~60 % cancels and modifies, bursts",
    },
    Spec {
        name: "rest",
        summary: "limit orders that rest, no fill (4 096, then an empty book again)",
    },
    Spec {
        name: "cross",
        summary: "a resting sell, then a buy that fills it, repeated",
    },
    Spec {
        name: "cancel",
        summary: "4 096 resting orders, then each cancelled in a random order",
    },
];

/// The grid of the day: ticks of 5, prices 5 to 10 000 000.
pub const DAY_CONFIG: BookConfig = BookConfig {
    tick: 5,
    min_price: 5,
    max_price: 10_000_000,
};

/// Where the day's mid starts: 200 000 (in ticks of 5, 40 000 ticks).
pub const DAY_START_MID: Price = 200_000;

/// The commands of the bench's day.
pub const BENCH_DAY_COMMANDS: usize = 100_000;

/// A generated trading day of `n` commands from `seed`, on [`DAY_CONFIG`].
///
/// The mid starts at [`DAY_START_MID`] and moves one tick up or down every 50 commands. A new
/// order's price is the mid plus or minus a distance of a few ticks, most often one or two
/// (geometric), on its own side of the mid: it rests. About 60 % of the commands are cancels
/// and modifies of one of the 2 000 most recent passive orders that still rest (the generator
/// runs the model as it goes), half of them cancels; a modify most often reduces the
/// quantity, sometimes moves the price by a tick or adds to it. Every 500 commands, a burst of
/// 20 aggressive orders crosses the mid (limits a few ticks through it, some IOC, FOK, or market where the other side has
/// 10 levels or more).
/// At a fifth of the day, a wall of 300 small sells rests at one round price far above the mid,
/// never cancelled.
pub fn day(n: usize, seed: u64) -> Vec<Command> {
    let tick = DAY_CONFIG.tick;
    let mut rng = SplitMix64::new(seed ^ 0xDA7);
    let mut mid = DAY_START_MID;
    let mut next_id: u64 = 1;
    let mut recent: Vec<u64> = Vec::with_capacity(2_048);
    // The limit price of order `id` at index `id - 1` (0 for a market order).
    let mut price_of: Vec<Price> = Vec::new();
    let mut out = Vec::with_capacity(n);
    // The model runs the day as it is generated, so that cancels and modifies name live orders.
    let mut model = super::model::Model::new(DAY_CONFIG);
    let mut fed = 0;
    let mut walled = false;
    let distance = |rng: &mut SplitMix64| {
        let mut d = 1;
        while d < 30 && rng.below(2) == 0 {
            d += 1;
        }
        d
    };
    while out.len() < n {
        while fed < out.len() {
            model.execute(&out[fed]);
            fed += 1;
        }
        let i = out.len();
        if i % 50 == 0 {
            if rng.below(2) == 0 {
                mid += tick;
            } else {
                mid -= tick;
            }
        }
        if i >= n / 5 && !walled {
            walled = true;
            let wall = (mid / 1_000 + 20) * 1_000;
            for _ in 0..300 {
                out.push(Command::Submit(NewOrder {
                    id: next_id,
                    side: Side::Sell,
                    price: Some(wall),
                    qty: 1 + rng.below(3),
                    tif: TimeInForce::Gtc,
                }));
                price_of.push(wall);
                next_id += 1;
            }
            continue;
        }
        if i % 500 == 499 {
            for _ in 0..20 {
                let side = if rng.below(2) == 0 { Side::Buy } else { Side::Sell };
                let through = tick * (1 + rng.below(4));
                let price = match side {
                    Side::Buy => mid + through,
                    Side::Sell => mid - through,
                };
                // A market order only where the other side is deep: it sweeps what it needs.
                let deep = match side {
                    Side::Buy => model.asks.len(),
                    Side::Sell => model.bids.len(),
                } >= 10;
                let (price, tif) = match rng.below(20) {
                    0 if deep => (None, TimeInForce::Ioc),
                    1 | 2 => (Some(price), TimeInForce::Fok),
                    3..=6 => (Some(price), TimeInForce::Ioc),
                    _ => (Some(price), TimeInForce::Gtc),
                };
                out.push(Command::Submit(NewOrder {
                    id: next_id,
                    side,
                    price,
                    qty: 1 + rng.below(40),
                    tif,
                }));
                price_of.push(price.unwrap_or(0));
                next_id += 1;
            }
            continue;
        }
        let roll = rng.below(100);
        // Forget the orders picked that no longer rest.
        let mut pick = None;
        while !recent.is_empty() && roll < 55 {
            let k = rng.below(recent.len() as u64) as usize;
            if model.at.contains_key(&recent[k]) {
                pick = Some(k);
                break;
            }
            recent.swap_remove(k);
        }
        if let Some(k) = pick {
            let id = recent[k];
            if roll < 22 {
                out.push(Command::Cancel { id });
                recent.swap_remove(k);
            } else {
                let price = price_of[(id - 1) as usize];
                let (price, qty) = match rng.below(10) {
                    0..=5 => (price, 1 + rng.below(5)),
                    6 | 7 => (price, 5 + rng.below(20)),
                    8 => (price + tick, 1 + rng.below(10)),
                    _ => (price.saturating_sub(tick).max(tick), 1 + rng.below(10)),
                };
                out.push(Command::Modify { id, price, qty });
            }
            continue;
        }
        let side = if rng.below(2) == 0 { Side::Buy } else { Side::Sell };
        let d = tick * distance(&mut rng);
        let price = match side {
            Side::Buy => mid - d,
            Side::Sell => mid + d,
        };
        out.push(Command::Submit(NewOrder {
            id: next_id,
            side,
            price: Some(price),
            qty: 1 + rng.below(20),
            tif: TimeInForce::Gtc,
        }));
        if recent.len() >= 2_000 {
            recent.swap_remove(rng.below(recent.len() as u64) as usize);
        }
        recent.push(next_id);
        price_of.push(price);
        next_id += 1;
    }
    out.truncate(n);
    out
}

/// `n` limit orders that rest: bids below 100 000, asks above, a few ticks away, from `seed`.
pub fn rest(n: usize, seed: u64) -> Vec<Command> {
    let mut rng = SplitMix64::new(seed ^ 0x7E57);
    (0..n)
        .map(|i| {
            let side = if rng.below(2) == 0 { Side::Buy } else { Side::Sell };
            let d = 5 * (1 + rng.below(50));
            Command::Submit(NewOrder {
                id: i as u64 + 1,
                side,
                price: Some(match side {
                    Side::Buy => 100_000 - d,
                    Side::Sell => 100_000 + d,
                }),
                qty: 1 + rng.below(20),
                tif: TimeInForce::Gtc,
            })
        })
        .collect()
}

/// `n` commands: pairs of a resting sell and a buy that fills it whole, from `seed`.
pub fn cross(n: usize, seed: u64) -> Vec<Command> {
    let mut rng = SplitMix64::new(seed ^ 0xC055);
    let mut out = Vec::with_capacity(n);
    let mut id = 1;
    while out.len() < n {
        let price = 100_000 + 5 * rng.below(10);
        let qty = 1 + rng.below(20);
        out.push(Command::Submit(NewOrder {
            id,
            side: Side::Sell,
            price: Some(price),
            qty,
            tif: TimeInForce::Gtc,
        }));
        out.push(Command::Submit(NewOrder {
            id: id + 1,
            side: Side::Buy,
            price: Some(price + 10),
            qty,
            tif: TimeInForce::Gtc,
        }));
        id += 2;
    }
    out.truncate(n);
    out
}

/// The resting orders of the `cancel` workload.
pub const CANCEL_ORDERS: usize = 4_096;

/// [`CANCEL_ORDERS`] resting orders, then the cancel of each in a random order, from `seed`.
pub fn cancel(seed: u64) -> Vec<Command> {
    let mut out = rest(CANCEL_ORDERS, seed);
    let mut ids: Vec<u64> = (1..=CANCEL_ORDERS as u64).collect();
    let mut rng = SplitMix64::new(seed ^ 0xCA2C);
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.below(i as u64 + 1) as usize);
    }
    out.extend(ids.into_iter().map(|id| Command::Cancel { id }));
    out
}

/// The commands of workload `name` (one of [`BENCH`]) from `seed`; `None` for another name.
pub fn stream(name: &str, seed: u64) -> Option<Vec<Command>> {
    Some(match name {
        "day" => day(BENCH_DAY_COMMANDS, seed),
        // 4 096 orders, then an empty book again: a book of 100 000 resting orders (10 MB with
        // its id map) dropped and rebuilt inside the timed batches made the reference timed
        // against itself come out 0.83x to 0.87x in one CI run: where the allocator placed each
        // contender's growing book, not the book's work, decided its time.
        "rest" => rest(CANCEL_ORDERS, seed),
        "cross" => cross(BENCH_DAY_COMMANDS, seed),
        "cancel" => cancel(seed),
        _ => return None,
    })
}

/// A book running a stream of commands, again from an empty book each time it ends.
pub struct Flow<B> {
    book: B,
    config: BookConfig,
    commands: Vec<Command>,
    next: usize,
    events: Vec<kata_core::order_book::Event>,
}

impl<B: OrderBook> Flow<B> {
    /// `commands` on books of `config`.
    pub fn new(config: BookConfig, commands: Vec<Command>) -> Self {
        Flow {
            book: B::new(config),
            config,
            commands,
            next: 0,
            events: Vec::with_capacity(64),
        }
    }

    /// Runs the next command; returns how many events it caused.
    #[inline]
    pub fn step(&mut self) -> usize {
        if self.next == self.commands.len() {
            self.next = 0;
            self.book = B::new(self.config);
        }
        self.events.clear();
        self.book
            .execute(&self.commands[self.next], &mut self.events);
        self.next += 1;
        self.events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_is_mostly_cancels_and_modifies_and_stays_on_the_grid() {
        let d = day(20_000, 7);
        assert_eq!(d.len(), 20_000);
        let changes = d
            .iter()
            .filter(|c| !matches!(c, Command::Submit(_)))
            .count();
        assert!((0.5..0.75).contains(&(changes as f64 / d.len() as f64)), "{changes}");
        for c in &d {
            match c {
                Command::Submit(o) => {
                    if let Some(p) = o.price {
                        assert_eq!(DAY_CONFIG.check(p), None, "{c:?}");
                    }
                }
                Command::Modify { price, .. } => assert_eq!(DAY_CONFIG.check(*price), None),
                Command::Cancel { .. } => {}
            }
        }
        assert_eq!(day(1_000, 3), day(1_000, 3));
    }
}
