//! Stage 4 of `vector-clock`: what vector clocks know that Lamport clocks do not, what a store
//! of siblings keeps, and what a sparse clock costs.
//!
//! - **classification**: a random message-passing history of [`EVENTS`] events over
//!   [`PROCESSES`] processes (local events, sends, receives in any order), its true
//!   happened-before computed from the event graph ([`super::model::History::past`]). Every pair
//!   of events is compared through the clocks: misclassified pairs must be 0 (the theorem of
//!   Fidge and Mattern: vector clocks characterise causality exactly). Beside it, Lamport clocks
//!   (1978) on the same history: they never contradict causality (`a → b` gives
//!   `L(a) < L(b)`), but order almost every concurrent pair, by an accident of counts.
//! - **siblings**: five replicas of a Dynamo-style store, 300 random steps of client writes (a
//!   read then a write, or now and then a blind one) and replication in any order, then a full
//!   exchange. The true number of concurrent writes is computed from what each writer had seen
//!   (not from a clock): the writes no later write saw. Each replica must hold exactly that many
//!   siblings; a last-writer-wins store would keep one and lose the rest.
//! - **clock size**: histories of 24 events per process over 4 to 256 processes whose node ids
//!   are spread over 0 to 16 383: a clock's `len()` must be the number of processes it has
//!   heard of, and the live heap of the processes' final clocks (allocated and not freed while
//!   they are all alive, so that a clone sharing its entries behind an `Arc` does not hide what
//!   each process holds) at most [`MAX_BYTES_PER_ENTRY`] per entry (a dense array indexed by node
//!   id would hold 8 bytes for every id up to the largest).

use std::collections::BTreeSet;

use kata_core::vector_clock::{Causality, VectorClock, VersionedStore};

use super::model::{distinct_nodes, History, Kind};
use super::VectorClockFamily;
use crate::measure::SplitMix64;
use crate::report::Measurement;
use crate::Ctx;

/// Processes of the classification history.
pub const PROCESSES: usize = 16;
/// Events of the classification history.
pub const EVENTS: usize = 1_500;
/// The most heap bytes per entry a clock may hold (a sorted `Vec` of `(u32, u64)` holds 16 and
/// its spare capacity, about 20 here; a `BTreeMap` or a `HashMap` 20 to 40; an `Arc` around one
/// adds 16 per clock).
pub const MAX_BYTES_PER_ENTRY: f64 = 64.0;
/// Replicas of the sibling simulation.
pub const REPLICAS: usize = 5;
/// Steps of the sibling simulation.
pub const STEPS: usize = 300;
/// Process counts of the clock-size histories.
pub const SIZES: [usize; 4] = [4, 16, 64, 256];

fn pct(n: u64, d: u64) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.1} %", 100.0 * n as f64 / d as f64)
    }
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: VectorClockFamily>(ctx: &mut Ctx) {
    classification::<F>(ctx);
    siblings::<F>(ctx);
    clock_size::<F>(ctx);
}

fn classification<F: VectorClockFamily>(ctx: &mut Ctx) {
    let nodes = distinct_nodes(PROCESSES, 1_000, ctx.sub_seed(40));
    let history = History::random(nodes, EVENTS, ctx.sub_seed(41));
    let clocks = match crate::check::guarded(|| history.stamp::<F::Clock>()).and_then(|r| r) {
        Ok(c) => c,
        Err(e) => {
            ctx.check("the classification history runs", || Err(e));
            return;
        }
    };
    let past = history.past();
    let lamport = history.lamport();
    let (mut pairs, mut wrong, mut concurrent, mut vc_concurrent_right) = (0u64, 0u64, 0u64, 0u64);
    let (mut lamport_ordered, mut lamport_wrong) = (0u64, 0u64);
    let mut first_wrong: Option<String> = None;
    let compared = crate::check::guarded(|| {
        for a in 0..clocks.len() {
            for b in a + 1..clocks.len() {
                pairs += 1;
                let truth = History::relation(&past, a, b);
                let got = clocks[a].compare(&clocks[b]);
                if got != truth {
                    wrong += 1;
                    first_wrong.get_or_insert_with(|| {
                        format!(
                            "events {a} and {b} are {truth:?} but {:?}.compare({:?}) gives {got:?}",
                            clocks[a].entries(),
                            clocks[b].entries()
                        )
                    });
                }
                match truth {
                    Causality::Concurrent => {
                        concurrent += 1;
                        if got == Causality::Concurrent {
                            vc_concurrent_right += 1;
                        }
                        if lamport[a] != lamport[b] {
                            lamport_ordered += 1;
                        }
                    }
                    Causality::Before if lamport[a] >= lamport[b] => lamport_wrong += 1,
                    Causality::After if lamport[a] <= lamport[b] => lamport_wrong += 1,
                    _ => {}
                }
            }
        }
    });
    if let Err(e) = compared {
        ctx.check("compare runs on every pair of the history", || Err(e));
        return;
    }
    ctx.table(
        &format!(
            "Every pair of {EVENTS} events over {PROCESSES} processes, against the event graph"
        ),
        &["clock", "pairs misclassified", "concurrent pairs", "reported concurrent", "given an order"],
        vec![
            vec![
                "vector clock (yours)".into(),
                format!("{wrong} of {pairs}"),
                concurrent.to_string(),
                pct(vc_concurrent_right, concurrent),
                pct(concurrent - vc_concurrent_right, concurrent),
            ],
            vec![
                "Lamport clock".into(),
                format!("{lamport_wrong} causal pairs out of order"),
                concurrent.to_string(),
                "never (one number cannot say it)".into(),
                format!("{} (unequal timestamps; with a tie-break by node, 100 %)", pct(lamport_ordered, concurrent)),
            ],
        ],
    );
    ctx.note(
        "Lamport's clock is consistent with causality (a → b gives L(a) < L(b)) but not \
         characterising: from L(a) < L(b) nothing follows. Vector clocks characterise it: \
         a → b exactly when V(a) < V(b).",
    );
    if let Some(w) = first_wrong {
        ctx.note(format!("first misclassified pair: {w}"));
    }
    ctx.measure(Measurement {
        name: "pairs of events misclassified by compare".into(),
        value: wrong as f64,
        unit: "pairs".into(),
        threshold: "== 0".into(),
        passed: wrong == 0,
    });
}

/// The sibling simulation: what every replica holds after the full exchange, and the true
/// number of writes no other write saw.
fn siblings<F: VectorClockFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(42);
    let result = crate::check::guarded(|| -> Result<(usize, usize, Vec<usize>, bool), String> {
        let mut rng = SplitMix64::new(seed);
        let nodes: Vec<u32> = (0..REPLICAS as u32).map(|r| 100 + r).collect();
        let mut stores: Vec<F::Store<u64>> = (0..REPLICAS).map(|_| F::Store::<u64>::new()).collect();
        // What each replica has heard of (write numbers), and what each write's writer had seen.
        let mut known: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); REPLICAS];
        let mut seen: Vec<BTreeSet<u64>> = Vec::new();
        for _ in 0..STEPS {
            let r = rng.below(REPLICAS as u64) as usize;
            if rng.below(2) == 0 {
                let blind = rng.below(5) == 0;
                let (context, saw) = if blind {
                    (F::Clock::new(), BTreeSet::new())
                } else {
                    (stores[r].get().context, known[r].clone())
                };
                let w = seen.len() as u64;
                stores[r]
                    .put(nodes[r], &context, w)
                    .map_err(|e| format!("put failed: {e}"))?;
                seen.push(saw);
                known[r].insert(w);
            } else {
                let to = rng.below(REPLICAS as u64) as usize;
                if to == r {
                    continue;
                }
                for v in stores[r].versions() {
                    let w = v.value;
                    stores[to].receive(v).map_err(|e| format!("receive failed: {e}"))?;
                    let past = seen[w as usize].clone();
                    known[to].insert(w);
                    known[to].extend(past);
                }
            }
        }
        for _ in 0..2 {
            for from in 0..REPLICAS {
                for to in 0..REPLICAS {
                    if from != to {
                        for v in stores[from].versions() {
                            stores[to].receive(v).map_err(|e| format!("receive failed: {e}"))?;
                        }
                    }
                }
            }
        }
        let superseded: BTreeSet<u64> = seen.iter().flatten().copied().collect();
        let truth: BTreeSet<u64> = (0..seen.len() as u64).filter(|w| !superseded.contains(w)).collect();
        let held: Vec<usize> = stores.iter().map(VersionedStore::len).collect();
        let exact = stores.iter().all(|s| {
            let v: BTreeSet<u64> = s.get().values.into_iter().collect();
            v == truth
        });
        Ok((seen.len(), truth.len(), held, exact))
    })
    .and_then(|r| r);
    let (writes, truth, held, exact) = match result {
        Ok(r) => r,
        Err(e) => {
            ctx.check("the sibling simulation runs", || Err(e));
            return;
        }
    };
    let error: usize = held.iter().map(|&h| h.abs_diff(truth)).sum();
    ctx.table(
        &format!(
            "{REPLICAS} replicas, {writes} writes ({STEPS} steps), then a full exchange"
        ),
        &["store", "siblings per replica", "true concurrent writes", "writes lost"],
        vec![
            vec![
                "dotted versions (yours)".into(),
                format!("{held:?}"),
                truth.to_string(),
                if exact { "0".into() } else { "not the true set".into() },
            ],
            vec![
                "last writer wins".into(),
                "1".into(),
                truth.to_string(),
                truth.saturating_sub(1).to_string(),
            ],
        ],
    );
    ctx.measure(Measurement {
        name: "siblings held beyond or short of the true concurrent writes (all replicas)".into(),
        value: error as f64,
        unit: "versions".into(),
        threshold: "== 0".into(),
        passed: error == 0 && exact,
    });
}

/// Each process's clock at the end of a random history over `nodes` (the clocks of the
/// messages still in flight at the end are dropped).
fn final_clocks<C: VectorClock>(h: &History) -> Result<Vec<C>, String> {
    let mut clocks: Vec<C> = h.nodes.iter().map(|_| C::new()).collect();
    let mut messages = std::collections::BTreeMap::new();
    for e in &h.events {
        if let Kind::Recv { msg } = e.kind {
            let m: C = messages.remove(&msg).ok_or("a message received twice")?;
            clocks[e.process].merge(&m);
        }
        clocks[e.process]
            .tick(h.nodes[e.process])
            .map_err(|err| err.to_string())?;
        if let Kind::Send { msg } = e.kind {
            messages.insert(msg, clocks[e.process].clone());
        }
    }
    Ok(clocks)
}

fn clock_size<F: VectorClockFamily>(ctx: &mut Ctx) {
    let counted = crate::heap::installed();
    let mut rows = Vec::new();
    let mut extra_entries = 0usize;
    let mut worst_bytes: f64 = 0.0;
    for (i, &n) in SIZES.iter().enumerate() {
        let nodes = distinct_nodes(n, 1 << 14, ctx.sub_seed(50 + i as u64));
        let history = History::random(nodes.clone(), 24 * n, ctx.sub_seed(60 + i as u64));
        let measured = crate::check::guarded(|| -> Result<(usize, usize, isize), String> {
            // The live heap of the processes' clocks: what building them left allocated (the
            // messages in flight are freed when `final_clocks` returns), less the `Vec` that
            // holds them. Each process ticked its own clock last, so no two of them are one
            // shared allocation: a clock that shares its entries behind an `Arc` is counted
            // at what each process really holds.
            let (clocks, held) = crate::heap::measure(|| final_clocks::<F::Clock>(&history));
            let clocks = clocks?;
            let bytes = held - (clocks.capacity() * std::mem::size_of::<F::Clock>()) as isize;
            let past = history.past();
            let mut last: Vec<Option<usize>> = vec![None; n];
            for (e, ev) in history.events.iter().enumerate() {
                last[ev.process] = Some(e);
            }
            let (mut entries, mut heard) = (0usize, 0usize);
            for (p, c) in clocks.iter().enumerate() {
                let truth = match last[p] {
                    None => 0,
                    Some(e) => {
                        let mut procs = BTreeSet::from([p]);
                        for (j, ev) in history.events.iter().enumerate() {
                            if past[e][j / 64] >> (j % 64) & 1 == 1 {
                                procs.insert(ev.process);
                            }
                        }
                        procs.len()
                    }
                };
                entries += c.len();
                heard += truth;
            }
            Ok((entries, heard, bytes))
        })
        .and_then(|r| r);
        let (entries, heard, bytes) = match measured {
            Ok(m) => m,
            Err(e) => {
                ctx.check(&format!("the clock-size history over {n} processes runs"), || Err(e));
                return;
            }
        };
        extra_entries += entries.abs_diff(heard);
        let per_entry = bytes as f64 / entries.max(1) as f64;
        if n >= 64 {
            worst_bytes = worst_bytes.max(per_entry);
        }
        let dense = (*nodes.iter().max().unwrap_or(&0) as usize + 1) * 8;
        rows.push(vec![
            n.to_string(),
            format!("{:.1}", entries as f64 / n as f64),
            format!("{:.1}", heard as f64 / n as f64),
            if counted { format!("{:.0}", bytes as f64 / n as f64) } else { "-".into() },
            if counted { format!("{per_entry:.1}") } else { "-".into() },
            dense.to_string(),
        ]);
    }
    ctx.table(
        "Clocks at the end of a history of 24 events per process, node ids spread over 0..16 384",
        &[
            "processes",
            "entries per clock",
            "processes heard of",
            "heap bytes per clock",
            "bytes per entry",
            "a dense u64 array by id",
        ],
        rows,
    );
    ctx.measure(Measurement {
        name: "entries that are not a process the clock has heard of (all histories)".into(),
        value: extra_entries as f64,
        unit: "entries".into(),
        threshold: "== 0".into(),
        passed: extra_entries == 0,
    });
    if counted {
        ctx.measure(Measurement {
            name: "heap bytes per clock entry (64 and 256 processes)".into(),
            value: worst_bytes,
            unit: "bytes".into(),
            threshold: format!("<= {MAX_BYTES_PER_ENTRY}"),
            passed: worst_bytes <= MAX_BYTES_PER_ENTRY,
        });
    } else {
        ctx.note("heap bytes not measured: the counting allocator is not installed in this run");
    }
}
