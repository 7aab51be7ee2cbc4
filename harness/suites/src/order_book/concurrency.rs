//! Stage 3 of `order-book`: the engine, in the form real matching engines take.
//!
//! One thread owns the book (LMAX's single writer); gateways on other threads queue commands
//! through a bounded queue and receive their own events. Nothing shares the book, so there is
//! no lock around it to get wrong: what can go wrong is the plumbing. The checks, from the
//! engine's log (every event in the order it produced them) and each gateway's replies:
//!
//! - every command sent is run exactly once, none lost (a full queue blocks the sender, it must
//!   not drop the command), none run twice;
//! - one gateway's commands run in the order it sent them;
//! - each gateway receives the events of its own commands, in its order, and nobody else's;
//! - the log is what the model gives for the commands in the order the log shows, and the final
//!   book is the model's.
//!
//! Ids are disjoint per gateway (gateway `g` uses `g·1 000 000 + k`), so the first event of a
//! command's events says whose command it was.
//!
//! Under `--cfg kata_loom`: a queue of capacity 1, two gateways on two threads, A sends a buy
//! then its cancel, B a sell that may cross it; every interleaving loom reaches. Otherwise four
//! gateways on real threads, 2 000 commands each, pipelined (up to 8 sent before receiving).

use kata_core::order_book::{Command, Event, Snapshot};

use super::examples::CONFIG;
use super::model::Model;
#[cfg(not(kata_loom))]
use super::OrderBookFamily;
use crate::check::Outcome;
#[cfg(not(kata_loom))]
use crate::Ctx;

/// The ids of gateway `g` start here.
pub const ID_SPAN: u64 = 1_000_000;

/// Checks a run: `sent[g]` the commands gateway `g` sent, in order; `replies[g]` what it
/// received, in order; `log` and `book` what the engine's shutdown returned.
///
/// # Errors
///
/// The first thing that does not hold.
pub fn check_run(
    sent: &[Vec<Command>],
    replies: &[Vec<Vec<Event>>],
    log: &[Event],
    book: &Snapshot,
) -> Outcome {
    let gateways = sent.len();
    let mut next = vec![0usize; gateways];
    let mut model = Model::new(CONFIG);
    let mut pos = 0;
    while pos < log.len() {
        let id = event_id(&log[pos]);
        let g = (id / ID_SPAN) as usize;
        if g >= gateways || next[g] >= sent[g].len() {
            return Err(format!(
                "the engine's log has events {:?} at position {pos} for a command nobody sent \
                 (or sent fewer times): a command was run twice?",
                &log[pos..(pos + 4).min(log.len())]
            ));
        }
        let cmd = sent[g][next[g]];
        let want = model.execute(&cmd);
        let got = &log[pos..(pos + want.len()).min(log.len())];
        if got != want.as_slice() {
            return Err(format!(
                "the engine's log does not run gateway {g}'s command {} ({cmd:?}) next in its \
                 order: it has {got:?} where that command gives {want:?}. One gateway's commands \
                 must run in the order it sent them, each once",
                next[g] + 1
            ));
        }
        match replies[g].get(next[g]) {
            Some(r) if r.as_slice() == got => {}
            other => {
                return Err(format!(
                    "gateway {g} received {other:?} as the events of its command {} ({cmd:?}), \
                     which gave {got:?}: each gateway must receive its own commands' events, in \
                     its order",
                    next[g] + 1
                ))
            }
        }
        next[g] += 1;
        pos += want.len();
    }
    for g in 0..gateways {
        if next[g] != sent[g].len() {
            return Err(format!(
                "gateway {g} sent {} commands but the engine's log runs {}: a command was lost \
                 (a full queue must block the sender, never drop the command)",
                sent[g].len(),
                next[g]
            ));
        }
        if replies[g].len() != sent[g].len() {
            return Err(format!(
                "gateway {g} sent {} commands and received the events of {}",
                sent[g].len(),
                replies[g].len()
            ));
        }
    }
    let want = model.snapshot();
    if *book != want {
        return Err(format!(
            "the engine's final book is\n  {book:?}\nbut the log's commands give\n  {want:?}"
        ));
    }
    Ok(())
}

/// The id of the command an event sequence starting with `e` answers.
fn event_id(e: &Event) -> u64 {
    match *e {
        Event::Accepted { id, .. }
        | Event::Rested { id, .. }
        | Event::Cancelled { id, .. }
        | Event::Modified { id, .. }
        | Event::Rejected { id, .. } => id,
        Event::Filled { taker, .. } => taker,
    }
}

/// Grades this stage on `F`: loom's model check under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: OrderBookFamily>(ctx: &mut Ctx) {
    use kata_core::order_book::{EngineError, OrderEngine};
    ctx.check("Engine::start refuses a queue of capacity 0", || {
        match F::Engine::start(CONFIG, 0) {
            Err(EngineError::ZeroCapacity) => Ok(()),
            Ok(_) => Err("start(config, 0) started an engine with a queue of no room".into()),
        }
    });
    let seed = ctx.sub_seed(3);
    ctx.check(
        "stress: 4 gateway threads, 2 000 commands each, a queue of 16: every command run once, \
         in its gateway's order, each gateway's events its own, the log the model's",
        || stress::<F>(seed),
    );
}

/// The commands of gateway `g` in the stress test, from `seed`: limit orders around 100 on its
/// own ids, cancels and modifies of them, some IOC and market orders.
#[cfg(not(kata_loom))]
pub fn gateway_flow(g: usize, n: usize, seed: u64) -> Vec<Command> {
    use kata_core::order_book::{NewOrder, Side, TimeInForce};
    let mut rng = crate::measure::SplitMix64::new(seed ^ (g as u64 + 1).wrapping_mul(0x9E37));
    let base = g as u64 * ID_SPAN;
    let mut next = 0u64;
    (0..n)
        .map(|_| {
            let roll = rng.below(10);
            if roll < 3 && next > 0 {
                let id = base + rng.below(next);
                if roll == 0 {
                    Command::Modify {
                        id,
                        price: 5 * (18 + rng.below(5)),
                        qty: 1 + rng.below(5),
                    }
                } else {
                    Command::Cancel { id }
                }
            } else {
                let side = if rng.below(2) == 0 { Side::Buy } else { Side::Sell };
                let (price, tif) = match rng.below(10) {
                    0 => (None, TimeInForce::Ioc),
                    1 => (Some(5 * (18 + rng.below(5))), TimeInForce::Ioc),
                    _ => (Some(5 * (18 + rng.below(5))), TimeInForce::Gtc),
                };
                next += 1;
                Command::Submit(NewOrder {
                    id: base + next - 1,
                    side,
                    price,
                    qty: 1 + rng.below(6),
                    tif,
                })
            }
        })
        .collect()
}

/// How long the stress test waits with no gateway making progress (no command sent, no
/// events received) before it calls a command lost. A correct engine never pauses that long;
/// a lost command leaves its gateway blocked in `recv` for ever. Five seconds, not less: on a
/// machine shared with builds and valgrind, four threads can all wait for a core for a second
/// or two, and a correct engine must never be called lossy for it.
#[cfg(not(kata_loom))]
const STALL: std::time::Duration = std::time::Duration::from_secs(5);

#[cfg(not(kata_loom))]
fn stress<F: OrderBookFamily>(seed: u64) -> Outcome {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use kata_core::order_book::{Gateway, OrderEngine};

    const GATEWAYS: usize = 4;
    const COMMANDS: usize = 2_000;
    const PIPELINE: usize = 8;
    let engine = F::Engine::start(CONFIG, 16).map_err(|e| format!("start(config, 16): {e}"))?;
    let sent: Vec<Vec<Command>> = (0..GATEWAYS).map(|g| gateway_flow(g, COMMANDS, seed)).collect();
    // Per gateway: commands sent, events received (read by the watchdog below).
    let progress: Arc<Vec<[AtomicUsize; 2]>> = Arc::new(
        (0..GATEWAYS)
            .map(|_| [AtomicUsize::new(0), AtomicUsize::new(0)])
            .collect(),
    );
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    for (g, flow) in sent.iter().enumerate() {
        let mut gw = engine.gateway();
        let flow = flow.clone();
        let done = done_tx.clone();
        let progress = Arc::clone(&progress);
        std::thread::spawn(move || {
            let outcome = crate::check::guarded(move || -> Result<Vec<Vec<Event>>, String> {
                let mut replies: Vec<Vec<Event>> = Vec::with_capacity(flow.len());
                // Receives the events of command `replies.len()` and checks, at once, that
                // they are about that command's order (the first event of a command's events
                // always names it).
                let receive = |gw: &mut <F::Engine as OrderEngine>::Gateway,
                               replies: &mut Vec<Vec<Event>>|
                 -> Result<(), String> {
                    let k = replies.len();
                    let events = gw.recv().ok_or_else(|| {
                        format!("gateway {g}: recv() gave None with commands pending")
                    })?;
                    let cmd = flow[k];
                    if events.first().map(event_id) != Some(cmd.id()) {
                        return Err(format!(
                            "gateway {g} received {events:?} as the events of its command {} \
                             ({cmd:?}): they are not about order {}. Each gateway must receive \
                             its own commands' events, in its order, and nobody else's",
                            k + 1,
                            cmd.id()
                        ));
                    }
                    replies.push(events);
                    progress[g][1].fetch_add(1, Ordering::Relaxed);
                    Ok(())
                };
                for (k, c) in flow.iter().enumerate() {
                    gw.send(*c)
                        .map_err(|e| format!("gateway {g}: send of command {}: {e}", k + 1))?;
                    progress[g][0].fetch_add(1, Ordering::Relaxed);
                    if k + 1 >= PIPELINE {
                        receive(&mut gw, &mut replies)?;
                    }
                }
                while replies.len() < flow.len() {
                    receive(&mut gw, &mut replies)?;
                }
                if let Some(extra) = gw.recv() {
                    return Err(format!(
                        "gateway {g}: recv() gave {extra:?} after every command's events"
                    ));
                }
                Ok(replies)
            })
            .and_then(|r| r);
            let _ = done.send((g, outcome));
        });
    }
    drop(done_tx);
    let mut replies: Vec<Vec<Vec<Event>>> = vec![Vec::new(); GATEWAYS];
    let mut finished = 0;
    let snapshot = |p: &[[AtomicUsize; 2]]| -> Vec<[usize; 2]> {
        p.iter()
            .map(|c| [c[0].load(Ordering::Relaxed), c[1].load(Ordering::Relaxed)])
            .collect()
    };
    let mut seen = snapshot(&progress);
    let mut moved = Instant::now();
    while finished < GATEWAYS {
        match done_rx.recv_timeout(Duration::from_millis(50)) {
            Ok((g, Ok(r))) => {
                replies[g] = r;
                finished += 1;
                moved = Instant::now();
            }
            Ok((_, Err(e))) => {
                // Some gateways may still be blocked: leave the engine to them rather than
                // risk waiting on it.
                std::mem::forget(engine);
                return Err(e);
            }
            Err(_) => {
                let now = snapshot(&progress);
                if now != seen {
                    seen = now;
                    moved = Instant::now();
                } else if moved.elapsed() >= STALL {
                    std::mem::forget(engine);
                    let stuck: Vec<String> = seen
                        .iter()
                        .enumerate()
                        .filter(|(_, [s, r])| r < s)
                        .map(|(g, [s, r])| format!("gateway {g} sent {s}, received {r}"))
                        .collect();
                    return Err(format!(
                        "no gateway made progress for {} s ({}): each waits for the events of a \
                         command it sent. The command was lost (dropped when the queue was \
                         full? a full queue must block the sender) or its events went to \
                         another gateway",
                        STALL.as_secs(),
                        stuck.join(", ")
                    ));
                }
            }
        }
    }
    let (book, log) = engine.shutdown();
    check_run(&sent, &replies, &log, &book)
}

/// Grades this stage on `F` under loom (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: super::OrderBookFamily>(ctx: &mut crate::Ctx) {
    ctx.check(
        "loom: a queue of 1, gateway A sends a buy then its cancel, gateway B a sell that \
         crosses it: in every interleaving each command runs once, A's in A's order, each \
         gateway gets its own events, the book is the model's",
        || crate::check::loom_model(two_gateways::<F>),
    );
}

#[cfg(kata_loom)]
fn two_gateways<F: super::OrderBookFamily>() -> Outcome {
    use kata_core::order_book::{Gateway, NewOrder, OrderEngine, Side, TimeInForce};
    use loom::thread;

    let a_flow = vec![
        Command::Submit(NewOrder {
            id: 1,
            side: Side::Buy,
            price: Some(100),
            qty: 2,
            tif: TimeInForce::Gtc,
        }),
        Command::Cancel { id: 1 },
    ];
    let b_flow = vec![Command::Submit(NewOrder {
        id: ID_SPAN,
        side: Side::Sell,
        price: Some(100),
        qty: 1,
        tif: TimeInForce::Gtc,
    })];
    let engine = F::Engine::start(CONFIG, 1).map_err(|e| format!("start(config, 1): {e}"))?;
    let mut a = engine.gateway();
    let mut b = engine.gateway();
    let flow = a_flow.clone();
    let ta = thread::spawn(move || -> Result<Vec<Vec<Event>>, String> {
        for c in &flow {
            a.send(*c).map_err(|e| format!("gateway A: send: {e}"))?;
        }
        let mut r = Vec::new();
        for _ in &flow {
            r.push(a.recv().ok_or("gateway A: recv() gave None with commands pending")?);
        }
        Ok(r)
    });
    // Gateway B runs on this thread: one thread fewer for loom to interleave.
    b.send(b_flow[0]).map_err(|e| format!("gateway B: send: {e}"))?;
    let rb = vec![b.recv().ok_or("gateway B: recv() gave None with a command pending")?];
    drop(b);
    let ra = ta.join().map_err(|_| "gateway A panicked".to_owned())??;
    let (book, log) = engine.shutdown();
    check_run(&[a_flow, b_flow], &[ra, rb], &log, &book)
}
