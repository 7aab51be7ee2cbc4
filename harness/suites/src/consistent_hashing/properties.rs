//! Stage 2 of `consistent-hashing`: random membership changes and lookups against a model.
//!
//! A scenario is a sequence of adds (node ids `0..16`, weights mostly 1, sometimes 2 or 3, now
//! and then 0 or `MAX_WEIGHT + 1`), removes (of any id, or of the member added last), and
//! lookups of keys from a pool of [`KEYS`] (`key-0` .. `key-47`). The model is the membership:
//! the set of members with their weights, and for jump the order they were added in. After every
//! step, on every key of the pool:
//!
//! - `add` and `remove` return what the model says, error for error, in the documented order;
//!   `members()` is the model's, ascending, and `len()` its size;
//! - `node_for` is a member, `None` exactly when there are none; `nodes_for(k, n)` is
//!   `min(n, len)` distinct members, the first `node_for(k)`, each list the start of the next;
//! - a refused change or a lookup changes no answer;
//! - **consistency** (ring, jump, rendezvous, shared ring: exactly): after `add(x)` every key
//!   kept its node or moved to `x`; after `remove(x)` only the keys that were on `x` moved.
//!   Modulo is exempt (it is the anti-example), and so is Maglev, whose table moves a few keys
//!   more than the minimum (the quality stage measures how many); their other properties hold.
//!
//! At the end, a router built afresh with the model's membership (in id order; for jump, in the
//! order of addition) must place every key as the one that went through the sequence: a router
//! is a function of its membership, not of its history.
//!
//! Maglev runs with a table of [`MAGLEV_TABLE`] slots (a prime; 16 nodes at most), so that its
//! rebuild on every change stays cheap.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kata_core::consistent_hashing::{NodeId, MAX_WEIGHT};
use proptest::prelude::*;

use super::subject::{
    add_error, answers, check_replicas, key, remove_error, result, show, Jump, Kind, Maglev,
    Modulo, Rendezvous, Ring, Shared, Subject,
};
use super::ConsistentHashingFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::Ctx;

/// Node ids are `0..NODES`.
pub const NODES: NodeId = 16;

/// Keys are `key-0` .. `key-<KEYS - 1>`.
pub const KEYS: usize = 48;

/// The Maglev table of this stage: a prime, about 64 slots per node at 16 nodes.
pub const MAGLEV_TABLE: u64 = 1_021;

/// One step of a scenario.
#[derive(Debug, Clone)]
pub enum Op {
    /// `add(node, weight)`.
    Add(NodeId, u32),
    /// `remove(node)`.
    Remove(NodeId),
    /// `remove` of the member added last (of node 0 when there is none).
    RemoveLast,
    /// `node_for(key-i)`.
    Lookup(usize),
    /// `nodes_for(key-i, n)`.
    Replicas(usize, usize),
}

fn weight() -> impl Strategy<Value = u32> {
    prop_oneof![
        14 => Just(1u32),
        3 => 2..=3u32,
        1 => Just(0u32),
        1 => Just(MAX_WEIGHT + 1),
    ]
}

fn scenario() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        6 => (0..NODES, weight()).prop_map(|(n, w)| Op::Add(n, w)),
        2 => (0..NODES).prop_map(Op::Remove),
        2 => Just(Op::RemoveLast),
        2 => (0..KEYS).prop_map(Op::Lookup),
        2 => (0..KEYS, 0..=NODES as usize + 2).prop_map(|(k, n)| Op::Replicas(k, n)),
    ];
    prop::collection::vec(op, 1..60)
}

/// The membership: who, with what weight, in what order.
#[derive(Debug, Clone, Default)]
struct Model {
    order: Vec<NodeId>,
    weights: BTreeMap<NodeId, u32>,
}

impl Model {
    fn members(&self) -> Vec<NodeId> {
        self.weights.keys().copied().collect()
    }

    /// The node a remove step names.
    fn target(&self, op: &Op) -> NodeId {
        match op {
            Op::Remove(x) => *x,
            _ => self.order.last().copied().unwrap_or(0),
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) {
        self.order.push(node);
        self.weights.insert(node, weight);
    }

    fn remove(&mut self, node: NodeId) {
        self.order.retain(|&x| x != node);
        self.weights.remove(&node);
    }

    /// The nodes to build this membership afresh, `(id, weight)`: in id order, or for an ordered
    /// router in the order of addition.
    fn rebuild(&self, kind: Kind) -> Vec<(NodeId, u32)> {
        if kind.ordered() {
            self.order.iter().map(|x| (*x, self.weights[x])).collect()
        } else {
            self.weights.iter().map(|(x, w)| (*x, *w)).collect()
        }
    }
}

/// The scenario as a test to paste, with what the model says.
fn render<S: Subject>(ops: &[Op]) -> String {
    let kind = S::KIND;
    let mut model = Model::default();
    let mut out = format!("let keys: Vec<Vec<u8>> = (0..{KEYS})");
    out.push_str(".map(|i| format!(\"key-{i}\").into_bytes()).collect();");
    let _ = write!(out, "\n{} router = {};", kind.binding(), S::constructor());
    let table = S::make().ok().and_then(|r| r.table_size()).unwrap_or(0);
    for op in ops {
        match op {
            Op::Add(x, w) => {
                let want = add_error(kind, &model.members(), *x, *w, usize::MAX, table);
                match want {
                    Some(e) => {
                        let _ = write!(
                            out,
                            "\nassert_eq!(router.add({x}, {w}), {});",
                            result(&Err(e))
                        );
                    }
                    None => {
                        model.add(*x, *w);
                        if kind.minimal() {
                            out.push_str(BEFORE);
                            let _ = write!(
                                out,
                                "\nrouter.add({x}, {w})?;\
                                 \nfor (k, was) in keys.iter().zip(&before) {{\
                                 \n    let now = router.node_for(k);\
                                 \n    assert!(now == *was || now == Some({x})); // or to {x}\
                                 \n}}"
                            );
                        } else {
                            let _ = write!(out, "\nrouter.add({x}, {w})?;");
                        }
                        let _ = write!(
                            out,
                            "\nassert_eq!(router.members(), vec!{:?});",
                            model.members()
                        );
                    }
                }
            }
            Op::Remove(_) | Op::RemoveLast => {
                let x = model.target(op);
                match remove_error(kind, &model.order, x) {
                    Some(e) => {
                        let _ = write!(
                            out,
                            "\nassert_eq!(router.remove({x}), {});",
                            result(&Err(e))
                        );
                    }
                    None => {
                        model.remove(x);
                        if kind.minimal() {
                            out.push_str(BEFORE);
                            let _ = write!(
                                out,
                                "\nrouter.remove({x})?;\
                                 \nfor (k, was) in keys.iter().zip(&before) {{\
                                 \n    let now = router.node_for(k);\
                                 \n    assert!(*was == Some({x}) || now == *was); // {x}'s only\
                                 \n}}"
                            );
                        } else {
                            let _ = write!(out, "\nrouter.remove({x})?;");
                        }
                        let _ = write!(
                            out,
                            "\nassert_eq!(router.members(), vec!{:?});",
                            model.members()
                        );
                    }
                }
            }
            Op::Lookup(k) => {
                let members = model.members();
                if members.is_empty() {
                    let _ = write!(out, "\nassert_eq!(router.node_for(b\"key-{k}\"), None);");
                } else {
                    let _ = write!(
                        out,
                        "\nlet node = router.node_for(b\"key-{k}\");\
                         \nassert!(node.is_some_and(|n| {members:?}.contains(&n)));"
                    );
                }
            }
            Op::Replicas(k, n) => {
                let want = (*n).min(model.weights.len());
                let _ = write!(
                    out,
                    "\n// distinct members, the first node_for\
                     \nlet nodes = router.nodes_for(b\"key-{k}\", {n});\
                     \nassert_eq!(nodes.len(), {want});"
                );
                if *n > 0 {
                    let _ = write!(
                        out,
                        "\nassert_eq!(nodes.first().copied(), router.node_for(b\"key-{k}\"));"
                    );
                }
            }
        }
    }
    let _ = write!(
        out,
        "\n// a router built afresh with the same membership places every key alike\
         \n{} again = {};",
        kind.binding(),
        S::constructor()
    );
    for (x, w) in model.rebuild(kind) {
        let _ = write!(out, "\nagain.add({x}, {w})?;");
    }
    out.push_str(
        "\nfor k in &keys {\n    assert_eq!(again.node_for(k), router.node_for(k));\n    \
         assert_eq!(again.nodes_for(k, 3), router.nodes_for(k, 3));\n}",
    );
    out
}

/// The line of a pasted test that records every key's node before a change.
const BEFORE: &str = "\nlet before: Vec<_> = keys.iter().map(|k| router.node_for(k)).collect();";

/// What a changed answer most likely means.
const MOVED: &str = "a key moves only when it must: when a node joins, only to it; when a node \
    leaves, only the keys it held";

fn drive<S: Subject>(ops: &[Op]) -> Outcome {
    let kind = S::KIND;
    let mut r = S::make()?;
    let table = r.table_size().unwrap_or(0);
    let keys: Vec<Vec<u8>> = (0..KEYS).map(key).collect();
    let mut model = Model::default();
    let mut last = answers(&r, &keys);
    for (i, op) in ops.iter().enumerate() {
        let step = i + 1;
        // What changed: (call, Some(node added) / Some(node removed)), for the consistency check.
        let mut joined = None;
        let mut left = None;
        let call = match op {
            Op::Add(x, w) => {
                let call = format!("add({x}, {w})");
                let want = add_error(kind, &model.members(), *x, *w, usize::MAX, table);
                let got = r.add(*x, *w);
                if got != want.map_or(Ok(()), Err) {
                    return Err(format!(
                        "step {step}: {call} returned {}, expected {} (members before: {:?})",
                        result(&got),
                        result(&want.map_or(Ok(()), Err)),
                        model.members()
                    ));
                }
                if want.is_none() {
                    model.add(*x, *w);
                    joined = Some(*x);
                }
                call
            }
            Op::Remove(_) | Op::RemoveLast => {
                let x = model.target(op);
                let call = format!("remove({x})");
                let want = remove_error(kind, &model.order, x);
                let got = r.remove(x);
                if got != want.map_or(Ok(()), Err) {
                    return Err(format!(
                        "step {step}: {call} returned {}, expected {} (members before: {:?}{})",
                        result(&got),
                        result(&want.map_or(Ok(()), Err)),
                        model.members(),
                        if kind.ordered() {
                            format!(", added in the order {:?}", model.order)
                        } else {
                            String::new()
                        }
                    ));
                }
                if want.is_none() {
                    model.remove(x);
                    left = Some(x);
                }
                call
            }
            Op::Lookup(k) => format!("node_for({})", show(&keys[*k])),
            Op::Replicas(k, n) => {
                let call = format!("nodes_for({}, {n})", show(&keys[*k]));
                let members = model.members();
                let first = r.node_for(&keys[*k]);
                let got = r.nodes_for(&keys[*k], *n);
                check_replicas(&format!("step {step}: {call}"), &got, *n, &members, first)?;
                for m in 0..*n {
                    let shorter = r.nodes_for(&keys[*k], m);
                    if !got.starts_with(&shorter) {
                        return Err(format!(
                            "step {step}: {call} is {got:?}, but nodes_for({}, {m}) is \
                             {shorter:?}: the list for n must be the start of the list for \
                             n + 1",
                            show(&keys[*k])
                        ));
                    }
                }
                call
            }
        };
        let members = model.members();
        let (got_members, got_len) = (r.members(), r.len());
        if got_members != members || got_len != members.len() || r.is_empty() != members.is_empty()
        {
            return Err(format!(
                "step {step}: after {call}, members() is {got_members:?} and len() {got_len}, \
                 expected {members:?} (ascending) and {}",
                members.len()
            ));
        }
        let now = answers(&r, &keys);
        for (k, got) in keys.iter().zip(&now) {
            let fine = match got {
                None => members.is_empty(),
                Some(n) => members.contains(n),
            };
            if !fine {
                return Err(format!(
                    "step {step}: after {call}, node_for({}) is {got:?}, expected {} (members: \
                     {members:?})",
                    show(k),
                    if members.is_empty() {
                        "None"
                    } else {
                        "a member"
                    }
                ));
            }
        }
        // nodes_for over every member, on a sixth of the keys in turn.
        for (j, k) in keys.iter().enumerate().skip(step % 6).step_by(6) {
            let n = members.len() + 1;
            let got = r.nodes_for(k, n);
            check_replicas(
                &format!("step {step}: after {call}, nodes_for({}, {n})", show(k)),
                &got,
                n,
                &members,
                now[j],
            )?;
        }
        let unchanged = joined.is_none() && left.is_none();
        for (j, k) in keys.iter().enumerate() {
            let (was, is) = (last[j], now[j]);
            if was == is {
                continue;
            }
            if unchanged {
                return Err(format!(
                    "step {step}: {call} {}, yet node_for({}) went from {was:?} to {is:?}: {}",
                    if matches!(op, Op::Lookup(_) | Op::Replicas(..)) {
                        "is a lookup"
                    } else {
                        "was refused"
                    },
                    show(k),
                    "an answer changes only when the membership does"
                ));
            }
            if !kind.minimal() {
                continue;
            }
            if let Some(x) = joined.filter(|&x| is != Some(x)) {
                return Err(format!(
                    "step {step}: {call}: node_for({}) went from {was:?} to {is:?}, but when {x} \
                     joins a key may only move to {x}; {MOVED}",
                    show(k)
                ));
            }
            if let Some(x) = left.filter(|&x| was != Some(x)) {
                return Err(format!(
                    "step {step}: {call}: node_for({}) went from {was:?} to {is:?}, but it was \
                     not on {x}, which left; {MOVED}",
                    show(k)
                ));
            }
        }
        last = now;
    }
    let nodes = model.rebuild(kind);
    let mut again = S::make()?;
    for &(x, w) in &nodes {
        again
            .add(x, w)
            .map_err(|e| format!("at the end, building afresh: add({x}, {w}) failed: {e}"))?;
    }
    for k in &keys {
        let (a, b) = (again.node_for(k), r.node_for(k));
        let (la, lb) = (again.nodes_for(k, 3), r.nodes_for(k, 3));
        if a != b || la != lb {
            return Err(format!(
                "after the last step, node_for({}) is {b:?} and nodes_for(.., 3) {lb:?}, but a \
                 router built afresh with the same membership ({}) gives {a:?} and {la:?}: a \
                 router must be a function of its membership{}, not of the changes that led to \
                 it{}",
                show(k),
                nodes
                    .iter()
                    .map(|(x, w)| format!("add({x}, {w})"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if kind.ordered() {
                    " (for jump, of its members in the order they were added)"
                } else {
                    ""
                },
                match kind {
                    Kind::Ring | Kind::Shared => {
                        ": derive a node's points from its id and weight only, and order equal \
                         points by node id"
                    }
                    Kind::Maglev =>
                        ": fill the table from scratch, in node id order, on each change",
                    _ => "",
                }
            ));
        }
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: ConsistentHashingFamily>(ctx: &mut Ctx) {
    property::<Modulo<F::Modulo>>(ctx, 1);
    property::<Ring<F::Ring>>(ctx, 2);
    property::<Jump<F::Jump>>(ctx, 3);
    property::<Rendezvous<F::Rendezvous>>(ctx, 4);
    property::<Maglev<F::Maglev, MAGLEV_TABLE>>(ctx, 5);
    property::<Shared<F::Shared>>(ctx, 6);
}

fn property<S: Subject>(ctx: &mut Ctx, salt: u64) {
    let kind = S::KIND;
    let seed = ctx.sub_seed(salt);
    ctx.check(
        &format!(
            "{}: add, remove, node_for, nodes_for and members agree with a model of the \
             membership, at random{}",
            kind.type_name(),
            if kind.minimal() {
                "; after a change only the keys that must move do"
            } else if kind == Kind::Modulo {
                " (keys may move on any change: the anti-example)"
            } else {
                " (how many keys a change moves: the quality stage)"
            }
        ),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(),
                |s| render::<S>(s),
                |s| drive::<S>(s),
            )
        },
    );
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::{failures, Bug, Family};
    use super::*;

    #[test]
    fn a_plain_correct_family_passes() {
        assert_eq!(failures(run::<Family<{ Bug::NONE }>>), vec![]);
    }

    #[test]
    fn an_inconsistent_ring_and_a_renumbering_jump_fail() {
        let failed = failures(run::<Family<{ Bug::RING_MODULO }>>);
        for (name, message) in &failed {
            eprintln!("FAILED {name}\n    {message}");
        }
        assert!(failed
            .iter()
            .any(|(n, m)| n.starts_with("Ring:") && m.contains("may only move")));
        let failed = failures(run::<Family<{ Bug::JUMP_REMOVES_ANY }>>);
        assert!(failed
            .iter()
            .any(|(n, m)| n.starts_with("Jump:") && m.contains("NotLast")));
        let failed = failures(run::<Family<{ Bug::RING_REPEATS }>>);
        assert!(failed
            .iter()
            .any(|(n, m)| n.starts_with("Ring:") && m.contains("twice")));
    }
}
