//! Stage 4 of `order-book`: a generated trading day, event for event against the model, and
//! what each kind of call costs.
//!
//! The day ([`super::workloads::day`], 200 000 commands): prices clustered around a mid that
//! drifts, about 65 % cancels and modifies (on real exchanges most orders are cancelled, not
//! filled), bursts of aggressive orders, IOC, FOK and market orders, a wall of 300 orders at
//! one price. Graded: every command's events equal the model's, the best levels and the top of
//! the depth agree every 1 000 commands, the final book is the model's, and `replay(log)` is
//! the live book. Printed, for information: the latency of each kind of call (median, p99,
//! p99.9, max), wall-clock nanoseconds measured with `Instant` around each call on a shared
//! machine, where the median is the figure to compare; and the day's own figures.

use std::time::Instant;

use kata_core::order_book::{Command, Event, OrderBook, Side};

use super::model::{level_of, Model};
use super::workloads::{day, DAY_CONFIG};
use super::OrderBookFamily;
use crate::check::Outcome;
use crate::Ctx;

/// The commands of the graded day.
pub const DAY_COMMANDS: usize = 200_000;

/// Latencies of one kind of call, in nanoseconds.
#[derive(Debug, Default, Clone)]
pub struct Latencies {
    /// The samples.
    pub ns: Vec<u64>,
}

impl Latencies {
    /// The `q`-quantile (0 to 1) of the samples, nearest rank.
    pub fn quantile(&mut self, q: f64) -> u64 {
        if self.ns.is_empty() {
            return 0;
        }
        self.ns.sort_unstable();
        let rank = ((q * self.ns.len() as f64).ceil() as usize).clamp(1, self.ns.len());
        self.ns[rank - 1]
    }
}

/// What the day was.
#[derive(Debug, Default, Clone)]
pub struct DayFigures {
    /// Orders accepted.
    pub accepted: usize,
    /// Fills.
    pub fills: usize,
    /// Cancels done on request.
    pub cancels: usize,
    /// Commands refused.
    pub rejected: usize,
    /// Orders resting at the end.
    pub resting: usize,
    /// Levels at the end, both sides.
    pub levels: usize,
    /// The most orders at one level at the end.
    pub deepest: usize,
    /// The heap the book rebuilt from the day's log holds, in bytes; `None` without the counting
    /// allocator (`crate::heap`).
    pub heap: Option<isize>,
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: OrderBookFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(4);
    let mut kinds: [Latencies; 4] = Default::default();
    let mut figures = DayFigures::default();
    let ok = ctx.check(
        "a day of 200 000 commands: every command's events, the best levels and the final book \
         are the model's; replay equals live",
        || the_day::<F::Book>(seed, &mut kinds, &mut figures),
    );
    if !ok {
        return;
    }
    let names = [
        "submit that rests",
        "submit that fills",
        "cancel",
        "modify",
    ];
    let mut rows = Vec::new();
    for (name, l) in names.iter().zip(kinds.iter_mut()) {
        let n = l.ns.len();
        rows.push(vec![
            (*name).to_owned(),
            n.to_string(),
            l.quantile(0.5).to_string(),
            l.quantile(0.99).to_string(),
            l.quantile(0.999).to_string(),
            l.quantile(1.0).to_string(),
        ]);
    }
    ctx.table(
        "latency per call on the day, wall-clock ns with Instant around each call (a shared \
         machine: compare medians; LMAX's published figure is about 6 million orders a second on \
         one thread, some 170 ns each)",
        &["call", "calls", "median", "p99", "p99.9", "max"],
        rows,
    );
    // What remembering every id costs: the rebuilt book holds the few orders still resting and
    // every id ever accepted (idempotency), so its heap is mostly ids.
    let (heap, per_id) = match figures.heap {
        Some(bytes) => (
            format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20)),
            format!("{:.0}", bytes as f64 / figures.accepted.max(1) as f64),
        ),
        None => ("-".to_owned(), "-".to_owned()),
    };
    ctx.table(
        "the day (the book's heap: the book rebuilt from the day's log, mostly the ids it must \
         refuse as duplicates, as a venue's ClOrdID check does; a HashMap<u64, u32> entry is 16 \
         bytes with its padding, plus a control byte and its share of the table's slack)",
        &["commands", "accepted", "fills", "cancels", "refused", "resting at the end", "levels", "most orders at one level", "book's heap", "bytes per id accepted"],
        vec![vec![
            DAY_COMMANDS.to_string(),
            figures.accepted.to_string(),
            figures.fills.to_string(),
            figures.cancels.to_string(),
            figures.rejected.to_string(),
            figures.resting.to_string(),
            figures.levels.to_string(),
            figures.deepest.to_string(),
            heap,
            per_id,
        ]],
    );
}

fn the_day<B: OrderBook>(seed: u64, kinds: &mut [Latencies; 4], figures: &mut DayFigures) -> Outcome {
    let commands = day(DAY_COMMANDS, seed);
    let mut book = B::new(DAY_CONFIG);
    let mut model = Model::new(DAY_CONFIG);
    let mut log: Vec<Event> = Vec::with_capacity(DAY_COMMANDS * 3);
    for (i, c) in commands.iter().enumerate() {
        let from = log.len();
        let t = Instant::now();
        book.execute(c, &mut log);
        let ns = t.elapsed().as_nanos() as u64;
        let want = model.execute(c);
        let got = &log[from..];
        if got != want.as_slice() {
            return Err(format!(
                "command {} of the day, {c:?}: the events were\n  {got:?}\nexpected\n  {want:?}",
                i + 1
            ));
        }
        let kind = match c {
            Command::Submit(_) if got.iter().any(|e| matches!(e, Event::Filled { .. })) => 1,
            Command::Submit(_) => 0,
            Command::Cancel { .. } => 2,
            Command::Modify { .. } => 3,
        };
        kinds[kind].ns.push(ns);
        for e in got {
            match e {
                Event::Accepted { .. } => figures.accepted += 1,
                Event::Filled { .. } => figures.fills += 1,
                Event::Cancelled { reason: kata_core::order_book::CancelReason::Requested, .. } => figures.cancels += 1,
                Event::Rejected { .. } => figures.rejected += 1,
                _ => {}
            }
        }
        if i % 1_000 == 999 {
            let s = model.snapshot();
            let levels = |side: &[(u64, Vec<(u64, u64)>)]| -> Vec<kata_core::order_book::Level> {
                side.iter().take(5).map(|(p, o)| level_of(*p, o)).collect()
            };
            let (bids, asks) = (levels(&s.bids), levels(&s.asks));
            if book.best_bid() != bids.first().copied() || book.best_ask() != asks.first().copied() {
                return Err(format!(
                    "after command {} of the day: best_bid() {:?} and best_ask() {:?}, expected \
                     {:?} and {:?}",
                    i + 1,
                    book.best_bid(),
                    book.best_ask(),
                    bids.first(),
                    asks.first()
                ));
            }
            if book.depth(Side::Buy, 5) != bids || book.depth(Side::Sell, 5) != asks {
                return Err(format!(
                    "after command {} of the day: depth(Buy, 5) {:?} and depth(Sell, 5) {:?}, \
                     expected {bids:?} and {asks:?}",
                    i + 1,
                    book.depth(Side::Buy, 5),
                    book.depth(Side::Sell, 5)
                ));
            }
        }
    }
    let s = model.snapshot();
    let got = book.snapshot();
    if got != s {
        return Err("after the day, snapshot() is not the model's book".into());
    }
    for (_, orders) in s.bids.iter().chain(s.asks.iter()) {
        figures.resting += orders.len();
        figures.levels += 1;
        figures.deepest = figures.deepest.max(orders.len());
    }
    let before = crate::heap::live_bytes();
    let replayed =
        B::replay(DAY_CONFIG, &log).map_err(|e| format!("replay of the day's log failed: {e}"))?;
    figures.heap = crate::heap::installed().then(|| crate::heap::live_bytes() - before);
    if replayed.snapshot() != got {
        return Err("replay of the day's log is not the live book: their snapshots differ".into());
    }
    Ok(())
}
