//! Stage 2 of `vector-clock`: random operation sequences against the models of [`super::model`].
//!
//! - **clocks**: three clocks, up to 60 steps of `tick`, `merge` and `compare` on nodes 0 to 5
//!   and 1 000; after every step every clock's `entries`, `len` and `get` equal a `BTreeMap`'s,
//!   and `compare` equals the model's relation;
//! - **replicas**: three stores (replicas coordinating as nodes 10, 20 and 30), up to 40 steps:
//!   a put through one replica with an empty context, the context of a read there or elsewhere,
//!   or a stale context read earlier; replication of one version or of all from one replica to
//!   another, in any order. After every step each replica's versions, values and read context
//!   equal the model replica's, which holds exactly the versions written or received that no
//!   other supersedes: nothing lost, nothing kept too long.

use std::fmt::Write as _;

use kata_core::vector_clock::{Dot, VectorClock, VersionedStore};
use proptest::prelude::*;

use super::model::{self, ModelClock, ModelReplica, ModelVersion};
use super::VectorClockFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::{ensure_eq, Ctx};

/// One step on three clocks.
#[derive(Debug, Clone, Copy)]
pub enum ClockOp {
    /// `clocks[i].tick(node)`.
    Tick(usize, u32),
    /// `clocks[i].merge(&clocks[j])`, `i != j`.
    Merge(usize, usize),
    /// `clocks[i].compare(&clocks[j])`.
    Compare(usize, usize),
}

fn clock_op() -> impl Strategy<Value = ClockOp> {
    let node = prop_oneof![0u32..6, Just(1_000u32)];
    prop_oneof![
        3 => (0usize..3, node).prop_map(|(i, n)| ClockOp::Tick(i, n)),
        2 => (0usize..3, 1usize..3).prop_map(|(i, d)| ClockOp::Merge(i, (i + d) % 3)),
        2 => (0usize..3, 0usize..3).prop_map(|(i, j)| ClockOp::Compare(i, j)),
    ]
}

/// `vec![...]` of a clock's entries, as the snippet asserts them.
fn entries_literal(m: &ModelClock) -> String {
    let entries: Vec<String> = m.iter().map(|(n, c)| format!("({n}, {c})")).collect();
    format!("vec![{}]", entries.join(", "))
}

fn render_clocks(ops: &[ClockOp]) -> String {
    // No warning when pasted: `mut` only when a step changes a clock. Each step asserts what the
    // model says (a tick's count, a comparison, a merged clock's entries), so the pasted snippet
    // stops at the first step that differs.
    let changes = ops.iter().any(|op| !matches!(op, ClockOp::Compare(..)));
    let mut models: Vec<ModelClock> = vec![ModelClock::new(); 3];
    let mut out = String::new();
    if ops.iter().any(|op| matches!(op, ClockOp::Tick(..))) {
        out.push_str("// in a #[test] fn returning Result<(), ClockError> (for the `?`)\n");
    }
    out.push_str(if changes { "let mut c" } else { "let c" });
    out.push_str(" = [VClock::new(), VClock::new(), VClock::new()];");
    for op in ops {
        let _ = match *op {
            ClockOp::Tick(i, n) => {
                let m = models[i].entry(n).or_insert(0);
                *m += 1;
                write!(out, "\nassert_eq!(c[{i}].tick({n})?, {m});")
            }
            ClockOp::Merge(i, j) => {
                let other = models[j].clone();
                model::merge(&mut models[i], &other);
                write!(
                    out,
                    "\nlet other = c[{j}].clone();\nc[{i}].merge(&other);\nassert_eq!(c[{i}].entries(), {});",
                    entries_literal(&models[i])
                )
            }
            ClockOp::Compare(i, j) => write!(
                out,
                "\nassert_eq!(c[{i}].compare(&c[{j}]), Causality::{:?});",
                model::compare(&models[i], &models[j])
            ),
        };
    }
    out
}

fn drive_clocks<C: VectorClock>(ops: &[ClockOp]) -> Outcome {
    let mut clocks: Vec<C> = (0..3).map(|_| C::new()).collect();
    let mut models: Vec<ModelClock> = vec![ModelClock::new(); 3];
    for (step, op) in ops.iter().enumerate() {
        let at = format!("step {}", step + 1);
        match *op {
            ClockOp::Tick(i, n) => {
                let m = models[i].entry(n).or_insert(0);
                *m += 1;
                ensure_eq!(clocks[i].tick(n), Ok(*m), "{at}: c[{i}].tick({n})");
            }
            ClockOp::Merge(i, j) => {
                let (a, b) = if i < j {
                    let (x, y) = clocks.split_at_mut(j);
                    (&mut x[i], &y[0])
                } else {
                    let (x, y) = clocks.split_at_mut(i);
                    (&mut y[0], &x[j])
                };
                a.merge(b);
                let other = models[j].clone();
                model::merge(&mut models[i], &other);
            }
            ClockOp::Compare(i, j) => {
                ensure_eq!(
                    clocks[i].compare(&clocks[j]),
                    model::compare(&models[i], &models[j]),
                    "{at}: c[{i}] = {:?}, c[{j}] = {:?}, c[{i}].compare(&c[{j}])",
                    models[i],
                    models[j]
                );
            }
        }
        for (k, (c, m)) in clocks.iter().zip(&models).enumerate() {
            let expected: Vec<(u32, u64)> = m.iter().map(|(&n, &c)| (n, c)).collect();
            ensure_eq!(c.entries(), expected, "{at}: c[{k}].entries()");
            ensure_eq!(c.len(), m.len(), "{at}: c[{k}].len()");
            for n in [0, 3, 5, 1_000, 7] {
                ensure_eq!(c.get(n), m.get(&n).copied().unwrap_or(0), "{at}: c[{k}].get({n})");
            }
        }
    }
    Ok(())
}

/// The context a put passes.
#[derive(Debug, Clone, Copy)]
pub enum Context {
    /// A blind write: an empty clock.
    Empty,
    /// The context of `replicas[r].get()` now.
    Read(usize),
    /// The context saved by the `k`-th `Save` (modulo those made), or empty before any.
    Saved(usize),
}

/// One step on three replicas.
#[derive(Debug, Clone, Copy)]
pub enum StoreOp {
    /// `replicas[r].put(NODES[r], context, value)`; the value is the step's number.
    Put(usize, Context),
    /// Saves the context of `replicas[r].get()` for a later put (a client that read, then
    /// waited).
    Save(usize),
    /// `replicas[to].receive(one of replicas[from].versions())`, the `k`-th modulo their number.
    Send(usize, usize, usize),
    /// Every version of `replicas[from]` received by `replicas[to]`.
    SendAll(usize, usize),
}

/// The node each replica coordinates as.
pub const NODES: [u32; 3] = [10, 20, 30];

fn store_op() -> impl Strategy<Value = StoreOp> {
    let context = prop_oneof![
        Just(Context::Empty),
        (0usize..3).prop_map(Context::Read),
        (0usize..8).prop_map(Context::Saved),
    ];
    prop_oneof![
        4 => (0usize..3, context).prop_map(|(r, c)| StoreOp::Put(r, c)),
        1 => (0usize..3).prop_map(StoreOp::Save),
        3 => (0usize..3, 1usize..3, 0usize..4).prop_map(|(f, d, k)| StoreOp::Send(f, (f + d) % 3, k)),
        1 => (0usize..3, 1usize..3).prop_map(|(f, d)| StoreOp::SendAll(f, (f + d) % 3)),
    ]
}

fn render_store(ops: &[StoreOp]) -> String {
    let mut out = String::from(
        "// in a #[test] fn returning Result<(), ClockError> (for the `?`)\n",
    );
    // `mut` only when a step changes a replica (a save only reads one).
    out.push_str(if ops.iter().any(|op| !matches!(op, StoreOp::Save(_))) {
        "let mut r"
    } else {
        "let r"
    });
    out.push_str(" = [Store::new(), Store::new(), Store::new()]; // nodes 10, 20, 30");
    // `saved` is declared only when a step saves a context, and a put with a saved context
    // names the one it gets, so that the snippet compiles without a warning.
    let mut saves = 0usize;
    if ops.iter().any(|op| matches!(op, StoreOp::Save(_))) {
        out.push_str("\nlet mut saved: Vec<VClock> = Vec::new(); // contexts read, used later");
    }
    // The model runs beside the rendering, so that each put asserts its dot and the snippet ends
    // with what every replica must hold: pasted, it stops at the first step that differs.
    let mut models: Vec<ModelReplica> = vec![ModelReplica::default(); 3];
    let mut saved: Vec<ModelClock> = Vec::new();
    // `put(...)?` as the snippet writes it, asserted against the dot the model gives.
    let put = |r: usize, ctx: &str, value: usize, dot: Option<Dot>| match dot {
        Some(d) => format!(
            "\nassert_eq!(r[{r}].put({}, {ctx}, {value})?, Dot {{ node: {}, counter: {} }});",
            NODES[r], d.node, d.counter
        ),
        None => format!("\nr[{r}].put({}, {ctx}, {value})?;", NODES[r]),
    };
    for (step, op) in ops.iter().enumerate() {
        let value = step + 1;
        let v = value as u64;
        let _ = match *op {
            StoreOp::Put(r, Context::Empty) => {
                let dot = models[r].put(NODES[r], &ModelClock::new(), v);
                write!(out, "{}", put(r, "&VClock::new()", value, dot))
            }
            StoreOp::Put(r, Context::Read(q)) => {
                let ctx = models[q].read_context();
                let dot = models[r].put(NODES[r], &ctx, v);
                write!(
                    out,
                    "\nlet ctx = r[{q}].get().context;{}",
                    put(r, "&ctx", value, dot)
                )
            }
            StoreOp::Put(r, Context::Saved(_)) if saves == 0 => {
                // Nothing saved yet: the write is blind.
                let dot = models[r].put(NODES[r], &ModelClock::new(), v);
                write!(out, "{}", put(r, "&VClock::new()", value, dot))
            }
            StoreOp::Put(r, Context::Saved(k)) => {
                let ctx = saved[k % saves].clone();
                let dot = models[r].put(NODES[r], &ctx, v);
                write!(
                    out,
                    "\nlet ctx = saved[{}].clone();{}",
                    k % saves,
                    put(r, "&ctx", value, dot)
                )
            }
            StoreOp::Save(r) => {
                saves += 1;
                saved.push(models[r].read_context());
                write!(out, "\nsaved.push(r[{r}].get().context);")
            }
            StoreOp::Send(f, t, k) => {
                let vs = models[f].held.clone();
                if !vs.is_empty() {
                    models[t].receive(&vs[k % vs.len()]);
                }
                write!(
                    out,
                    "\nlet mut vs = r[{f}].versions();\nvs.sort_by_key(|v| v.dot);\nif !vs.is_empty() {{ r[{t}].receive(vs[{k} % vs.len()].clone())?; }}"
                )
            }
            StoreOp::SendAll(f, t) => {
                for version in models[f].held.clone() {
                    models[t].receive(&version);
                }
                write!(out, "\nfor v in r[{f}].versions() {{ r[{t}].receive(v)?; }}")
            }
        };
    }
    out.push_str("\n// what each replica must hold at the end (values sorted) and its read context:");
    for (k, m) in models.iter().enumerate() {
        let values: Vec<String> = m.values().iter().map(u64::to_string).collect();
        let expected = if values.is_empty() {
            "Vec::<u64>::new()".to_owned()
        } else {
            format!("vec![{}u64{}]", values[0], values[1..].iter().map(|v| format!(", {v}")).collect::<String>())
        };
        let _ = write!(
            out,
            "\nlet mut held = r[{k}].get().values;\nheld.sort_unstable();\nassert_eq!(held, {expected});\nassert_eq!(r[{k}].get().context.entries(), {});",
            entries_literal(&m.read_context())
        );
    }
    out
}

fn held<C: VectorClock, S: VersionedStore<u64, Clock = C>>(s: &S) -> Vec<ModelVersion> {
    let mut v: Vec<ModelVersion> = s.versions().iter().map(ModelVersion::of).collect();
    v.sort();
    v
}

fn drive_store<C: VectorClock, S: VersionedStore<u64, Clock = C>>(ops: &[StoreOp]) -> Outcome {
    let mut stores: Vec<S> = (0..3).map(|_| S::new()).collect();
    let mut models: Vec<ModelReplica> = vec![ModelReplica::default(); 3];
    let mut saved: Vec<ModelClock> = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        let value = step as u64 + 1;
        let at = format!("step {}", step + 1);
        let touched = match *op {
            StoreOp::Put(r, context) => {
                let ctx = match context {
                    Context::Empty => ModelClock::new(),
                    Context::Read(q) => models[q].read_context(),
                    Context::Saved(k) => saved
                        .get(k % saved.len().max(1))
                        .cloned()
                        .unwrap_or_default(),
                };
                let expected = models[r].put(NODES[r], &ctx, value);
                let got = stores[r].put(NODES[r], &model::clock(&ctx), value);
                ensure_eq!(
                    got.ok(),
                    expected,
                    "{at}: r[{r}].put({}, {ctx:?}, {value}) gave the dot",
                    NODES[r]
                );
                r
            }
            StoreOp::Save(r) => {
                saved.push(models[r].read_context());
                r
            }
            StoreOp::Send(f, t, k) => {
                let vs = models[f].held.clone();
                if !vs.is_empty() {
                    let v = &vs[k % vs.len()];
                    let expected = models[t].receive(v);
                    ensure_eq!(
                        stores[t].receive(v.to_version()),
                        Ok(expected),
                        "{at}: r[{t}].receive({v:?}) (whether it was kept)"
                    );
                }
                t
            }
            StoreOp::SendAll(f, t) => {
                for v in models[f].held.clone() {
                    let expected = models[t].receive(&v);
                    ensure_eq!(
                        stores[t].receive(v.to_version()),
                        Ok(expected),
                        "{at}: r[{t}].receive({v:?}) (whether it was kept)"
                    );
                }
                t
            }
        };
        let (s, m) = (&stores[touched], &models[touched]);
        ensure_eq!(
            held(s),
            m.held.clone(),
            "{at}: r[{touched}].versions() (sorted by dot; the versions written or received \
             that nothing held supersedes)"
        );
        let read = s.get();
        let mut values = read.values.clone();
        values.sort_unstable();
        ensure_eq!(values, m.values(), "{at}: r[{touched}].get().values (sorted)");
        ensure_eq!(
            model::model_of(&read.context),
            m.read_context(),
            "{at}: r[{touched}].get().context"
        );
        ensure_eq!(s.len(), m.held.len(), "{at}: r[{touched}].len()");
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: VectorClockFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(1);
    ctx.check(
        "clocks: tick, merge and compare agree with a map of counters, at random",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                prop::collection::vec(clock_op(), 1..60),
                |ops| render_clocks(ops),
                |ops| drive_clocks::<F::Clock>(ops),
            )
        },
    );
    let seed = ctx.sub_seed(2);
    ctx.check(
        "replicas: puts and replication in any order keep exactly the versions nothing \
         supersedes",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                prop::collection::vec(store_op(), 1..40),
                |ops| render_store(ops),
                |ops| drive_store::<F::Clock, F::Store<u64>>(ops),
            )
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_snippet_declares_saved_only_when_a_step_saves_and_names_the_context() {
        let blind = render_store(&[StoreOp::Put(0, Context::Saved(3))]);
        assert!(!blind.contains("saved"), "{blind}");
        assert!(
            blind.contains(
                "assert_eq!(r[0].put(10, &VClock::new(), 1)?, Dot { node: 10, counter: 1 });"
            ),
            "{blind}"
        );
        assert!(
            blind.contains(
                "assert_eq!(held, vec![1u64]);\nassert_eq!(r[0].get().context.entries(), vec![(10, 1)]);"
            ) && blind.ends_with(
                "assert_eq!(held, Vec::<u64>::new());\nassert_eq!(r[2].get().context.entries(), vec![]);"
            ),
            "{blind}"
        );
        let kept = render_store(&[
            StoreOp::Put(1, Context::Empty),
            StoreOp::Save(1),
            StoreOp::Save(0),
            StoreOp::Put(2, Context::Saved(3)),
        ]);
        assert!(kept.contains("let mut saved: Vec<VClock> = Vec::new();"), "{kept}");
        assert!(
            kept.contains(
                "let ctx = saved[1].clone();\nassert_eq!(r[2].put(30, &ctx, 4)?, Dot { node: 30, counter: 1 });"
            ),
            "{kept}"
        );
        let reads = render_store(&[StoreOp::Save(0)]);
        assert!(reads.contains("let r = ["), "{reads}");
        let compares = render_clocks(&[ClockOp::Compare(0, 1)]);
        assert!(compares.starts_with("let c = ["), "{compares}");
        assert!(
            compares.contains("assert_eq!(c[0].compare(&c[1]), Causality::Equal);"),
            "{compares}"
        );
        let merged = render_clocks(&[ClockOp::Tick(1, 3), ClockOp::Merge(0, 1)]);
        assert!(
            merged.contains("assert_eq!(c[1].tick(3)?, 1);")
                && merged.ends_with("c[0].merge(&other);\nassert_eq!(c[0].entries(), vec![(3, 1)]);"),
            "{merged}"
        );
    }
}
