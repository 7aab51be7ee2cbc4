//! Stage 1 of `consistent-hashing`: scenarios that read like the specification.
//!
//! The same scenarios on each of the six routers, modulo first (one generic helper through
//! [`Subject`], its checks named by the type; `SharedRing` through `&self`), and before a
//! router's scenarios its constructors: every [`ConfigError`] in its documented order (a ring's
//! virtual nodes, a Maglev table's size: out of range before not prime), the defaults, a ring's
//! `points()` as `vnodes × Σ weights`, and a Maglev table too small for its nodes
//! ([`MembershipError::TableFull`]). The scenarios:
//!
//! - an empty router, and one node holding every key;
//! - every [`MembershipError`] in its documented order, and a refused change that changes
//!   nothing (jump: removing a node other than the last is [`MembershipError::NotLast`]);
//! - `nodes_for`: `n` distinct members, the first `node_for`,
//!   each list the start of the next; members ascending; every member holds some keys;
//! - determinism: two routers built alike answer alike, and a node removed and added again gets
//!   its keys back; the membership is a set (the same nodes added in another order place keys
//!   alike), except for jump, whose buckets are numbered in order of addition;
//! - weights: a node of weight 3 among nodes of weight 1 holds about three times their keys
//!   (modulo, ring, rendezvous, shared ring);
//! - the lesson, as an example: when an 11th node joins 10, modulo moves more than half of the
//!   keys; the others at most 2/11, and the exact ones (ring, jump, rendezvous) only to the new
//!   node; the same when one leaves.
//!
//! Nothing here assumes which node a key goes to: every check is a property that any correct
//! router has.

use std::collections::BTreeMap;

use kata_core::consistent_hashing::ConfigError::{
    TableSizeNotPrime as NotPrime, TableSizeOutOfRange as OutOfRange,
};
use kata_core::consistent_hashing::MembershipError::{
    AlreadyMember, NotLast, NotMember, TableFull, WeightTooLarge, WeightsUnsupported, ZeroWeight,
};
use kata_core::consistent_hashing::{
    ConcurrentRouter, ConfigError, MaglevRouter, MembershipError, NodeId, RingRouter, Router,
    DEFAULT_TABLE_SIZE, DEFAULT_VNODES, MAX_TABLE_SIZE, MAX_VNODES, MAX_WEIGHT,
};

use super::subject::{
    answers, built, check_replicas, key, ones, result, show, Jump, Kind, Maglev, Modulo,
    Rendezvous, Ring, Shared, Subject,
};
use super::ConsistentHashingFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: ConsistentHashingFamily>(ctx: &mut Ctx) {
    // The simplest router first: its first todo!() is where a learner starts.
    scenarios::<Modulo<F::Modulo>>(ctx);
    vnodes::<F>(ctx);
    points::<F::Ring>(ctx);
    scenarios::<Ring<F::Ring>>(ctx);
    scenarios::<Jump<F::Jump>>(ctx);
    scenarios::<Rendezvous<F::Rendezvous>>(ctx);
    table_sizes::<F::Maglev>(ctx);
    table_full::<F::Maglev>(ctx);
    scenarios::<Maglev<F::Maglev>>(ctx);
    scenarios::<Shared<F::Shared>>(ctx);
}

/// `with_vnodes` calls that must fail, with the error.
pub const VNODE_ERRORS: [(u32, ConfigError); 3] = [
    (0, ConfigError::ZeroVnodes),
    (MAX_VNODES + 1, ConfigError::TooManyVnodes),
    (u32::MAX, ConfigError::TooManyVnodes),
];

/// `with_table_size` calls that must fail, with the error and why.
#[rustfmt::skip]
pub const TABLE_ERRORS: [(u64, ConfigError, &str); 10] = [
    (0, OutOfRange(0), "below 2"),
    (1, OutOfRange(1), "below 2 (and not a prime)"),
    (MAX_TABLE_SIZE + 1, OutOfRange(MAX_TABLE_SIZE + 1), "above MAX_TABLE_SIZE"),
    (MAX_TABLE_SIZE + 2, OutOfRange(MAX_TABLE_SIZE + 2), "out of range before not prime"),
    (u64::MAX, OutOfRange(u64::MAX), "u64::MAX"),
    (4, NotPrime(4), "2 × 2"),
    (100, NotPrime(100), "not a prime"),
    (65_536, NotPrime(65_536), "2^16, a power of two"),
    (65_535, NotPrime(65_535), "3 × 5 × 17 × 257"),
    (561, NotPrime(561), "3 × 11 × 17, a Carmichael number: a Fermat test calls it prime"),
];

/// Table sizes that must be accepted: primes from 2 to [`MAX_TABLE_SIZE`].
pub const PRIMES: [u64; 6] = [2, 3, 7, 65_521, DEFAULT_TABLE_SIZE, MAX_TABLE_SIZE];

/// The small Maglev table of the `TableFull` scenario.
pub const SMALL_TABLE: u64 = 7;

/// The order of the membership errors, for messages.
const ORDER: &str = "the order: ZeroWeight, WeightTooLarge, WeightsUnsupported, AlreadyMember, \
                     TableFull; for remove, NotMember, then NotLast";

/// The nodes most scenarios build on, in the order they are added: not ascending, so that
/// `members()` must sort.
pub const NODES: [NodeId; 5] = [17, 3, 11, 5, 8];

/// Keys of the scenarios that look every key up.
pub const KEYS: usize = 1_000;

/// Keys of the weight and disruption scenarios.
pub const MANY_KEYS: usize = 30_000;

/// The keys `key-0` .. `key-<n-1>`, then `b""` and a key of 1000 bytes.
fn keys(n: usize) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..n).map(key).collect();
    out.push(Vec::new());
    out.push(vec![b'x'; 1000]);
    out
}

/// The ring's and the shared ring's `with_vnodes`, and the ring's defaults.
fn vnodes<F: ConsistentHashingFamily>(ctx: &mut Ctx) {
    ctx.check(
        &format!(
            "Ring and SharedRing: with_vnodes(0) is ZeroVnodes, with_vnodes({}) TooManyVnodes; \
             1 and {MAX_VNODES} accepted; Ring::new() has {DEFAULT_VNODES}",
            MAX_VNODES + 1
        ),
        || {
            for (v, want) in VNODE_ERRORS {
                let got = F::Ring::with_vnodes(v).map(|r| r.vnodes());
                ensure!(
                    got == Err(want),
                    "Ring::with_vnodes({v}) returned {}, expected Err(ConfigError::{want:?})",
                    match got {
                        Ok(v) => format!("a ring (vnodes() = {v})"),
                        Err(e) => format!("Err(ConfigError::{e:?})"),
                    }
                );
                let got = F::Shared::with_vnodes(v).map(|_| ());
                ensure!(
                    got == Err(want),
                    "SharedRing::with_vnodes({v}) returned {got:?}, expected \
                     Err(ConfigError::{want:?})"
                );
            }
            for v in [1, 2, DEFAULT_VNODES, MAX_VNODES] {
                let r = F::Ring::with_vnodes(v)
                    .map_err(|e| format!("Ring::with_vnodes({v}) failed: {e}"))?;
                ensure_eq!(r.vnodes(), v, "Ring::with_vnodes({v}).vnodes()");
                ensure_eq!(
                    r.points(),
                    0,
                    "Ring::with_vnodes({v}).points(), no node added"
                );
                ensure!(
                    r.is_empty() && r.members().is_empty(),
                    "Ring::with_vnodes({v}): a new ring has members {:?}",
                    r.members()
                );
                let s = F::Shared::with_vnodes(v)
                    .map_err(|e| format!("SharedRing::with_vnodes({v}) failed: {e}"))?;
                ensure!(
                    s.members().is_empty() && s.node_for(b"key-0").is_none(),
                    "SharedRing::with_vnodes({v}): a new ring has members {:?}",
                    s.members()
                );
            }
            let r = F::Ring::new();
            ensure_eq!(r.vnodes(), DEFAULT_VNODES, "Ring::new().vnodes()");
            ensure_eq!(r.points(), 0, "Ring::new().points()");
            Ok(())
        },
    );
}

/// `points()` as `vnodes × Σ weights`.
fn points<R: RingRouter>(ctx: &mut Ctx) {
    ctx.check(
        "Ring: points() is vnodes × the sum of the weights, after every add and remove, and \
         unchanged by a refused one",
        || {
            let mut r = R::with_vnodes(10).map_err(|e| format!("Ring::with_vnodes(10): {e}"))?;
            let steps: [(&str, NodeId, u32, usize); 8] = [
                ("add", 1, 1, 10),
                ("add", 2, 2, 30),
                ("add", 3, 3, 60),
                ("add", 3, 1, 60),
                ("remove", 2, 0, 40),
                ("remove", 2, 0, 40),
                ("add", 2, 1, 50),
                ("add", 4, 0, 50),
            ];
            let mut history = String::from("Ring::with_vnodes(10)");
            for (op, node, weight, want) in steps {
                let outcome = if op == "add" {
                    history.push_str(&format!(", add({node}, {weight})"));
                    r.add(node, weight)
                } else {
                    history.push_str(&format!(", remove({node})"));
                    r.remove(node)
                };
                let got = r.points();
                ensure!(
                    got == want,
                    "{history} (which returned {}): points() is {got}, expected {want} (10 \
                     virtual nodes per unit of weight: each node of weight w has 10·w points{})",
                    result(&outcome),
                    if outcome.is_err() {
                        "; a refused change changes nothing"
                    } else {
                        ""
                    }
                );
            }
            let mut r = R::new();
            r.add(7, 2)
                .map_err(|e| format!("Ring::new(), add(7, 2): {e}"))?;
            ensure_eq!(
                r.points(),
                2 * DEFAULT_VNODES as usize,
                "Ring::new(), add(7, 2): points() (DEFAULT_VNODES per unit of weight)"
            );
            let mut r = R::with_vnodes(1).map_err(|e| format!("Ring::with_vnodes(1): {e}"))?;
            for n in 1..=5 {
                r.add(n, 1)
                    .map_err(|e| format!("Ring::with_vnodes(1), add({n}, 1): {e}"))?;
            }
            ensure_eq!(r.points(), 5, "Ring::with_vnodes(1) with 5 nodes: points()");
            for k in keys(200) {
                let got = r.node_for(&k);
                ensure!(
                    got.is_some_and(|n| (1..=5).contains(&n)),
                    "Ring::with_vnodes(1) holding nodes 1..=5: node_for({}) is {got:?}",
                    show(&k)
                );
            }
            Ok(())
        },
    );
}

/// `with_table_size`: every error in order, the primes accepted.
fn table_sizes<M: MaglevRouter>(ctx: &mut Ctx) {
    ctx.check(
        &format!(
            "Maglev::with_table_size: out of range (below 2, above {MAX_TABLE_SIZE}) before not \
             a prime; the primes 2 to {MAX_TABLE_SIZE} accepted; Maglev::new() has \
             {DEFAULT_TABLE_SIZE} slots"
        ),
        || {
            for (m, want, why) in TABLE_ERRORS {
                let got = M::with_table_size(m).map(|r| r.table_size());
                ensure!(
                    got == Err(want),
                    "Maglev::with_table_size({m}) returned {}, expected Err(ConfigError::{want:?}) \
                     ({why}; the order: TableSizeOutOfRange, then TableSizeNotPrime)",
                    match got {
                        Ok(s) => format!("a router (table_size() = {s})"),
                        Err(e) => format!("Err(ConfigError::{e:?})"),
                    }
                );
            }
            for m in PRIMES {
                let r = M::with_table_size(m)
                    .map_err(|e| format!("Maglev::with_table_size({m}), a prime, failed: {e}"))?;
                ensure_eq!(
                    r.table_size(),
                    m,
                    "Maglev::with_table_size({m}).table_size()"
                );
                ensure!(
                    r.is_empty() && r.node_for(b"key-0").is_none(),
                    "Maglev::with_table_size({m}): a new router has members {:?}",
                    r.members()
                );
            }
            ensure_eq!(
                M::new().table_size(),
                DEFAULT_TABLE_SIZE,
                "Maglev::new().table_size()"
            );
            Ok(())
        },
    );
}

/// A Maglev table of [`SMALL_TABLE`] slots filled with nodes until it refuses one.
fn table_full<M: MaglevRouter>(ctx: &mut Ctx) {
    ctx.check(
        &format!(
            "Maglev::with_table_size({SMALL_TABLE}): nodes added until TableFull {{ table_size: \
             {SMALL_TABLE} }}, after {} or {SMALL_TABLE} of them, each owning keys; a full table \
             still says ZeroWeight, WeightsUnsupported and AlreadyMember first",
            SMALL_TABLE - 1
        ),
        || {
            let mut r = M::with_table_size(SMALL_TABLE)
                .map_err(|e| format!("Maglev::with_table_size({SMALL_TABLE}) failed: {e}"))?;
            let mut accepted = 0;
            let refused = loop {
                match r.add(accepted, 1) {
                    Ok(()) => accepted += 1,
                    Err(e) => break e,
                }
                ensure!(
                    u64::from(accepted) <= SMALL_TABLE,
                    "Maglev::with_table_size({SMALL_TABLE}) accepted {accepted} nodes: with more \
                     nodes than slots, a node owns no slot; refuse it with TableFull"
                );
            };
            let full = TableFull {
                table_size: SMALL_TABLE,
            };
            ensure!(
                refused == full && u64::from(accepted) + 1 >= SMALL_TABLE,
                "Maglev::with_table_size({SMALL_TABLE}): add({accepted}, 1) after {accepted} \
                 nodes returned Err(MembershipError::{refused:?}), expected {} ",
                if refused == full {
                    format!(
                        "Ok(()): a table of {SMALL_TABLE} slots is full at {SMALL_TABLE} nodes \
                         (or {}, if you keep a slot spare), not at {accepted}",
                        SMALL_TABLE - 1
                    )
                } else {
                    format!("Err(MembershipError::{full:?}) or Ok(())")
                }
            );
            let members: Vec<NodeId> = (0..accepted).collect();
            ensure_eq!(r.members(), members.clone(), "a full table's members()");
            let mut owned: BTreeMap<NodeId, usize> = BTreeMap::new();
            for k in keys(5_000) {
                match r.node_for(&k) {
                    Some(n) if members.contains(&n) => *owned.entry(n).or_default() += 1,
                    other => {
                        return Err(format!(
                            "Maglev::with_table_size({SMALL_TABLE}) holding {members:?}: \
                             node_for({}) is {other:?}",
                            show(&k)
                        ))
                    }
                }
            }
            ensure!(
                owned.len() == members.len(),
                "Maglev::with_table_size({SMALL_TABLE}) holding {members:?}: of 5 000 keys, only \
                 {owned:?} (node: keys) have a node; every node must own at least one slot (the \
                 table is filled by each node in turn taking its next preferred free slot)"
            );
            let k = key(1);
            let list = r.nodes_for(&k, 10);
            let call =
                format!("Maglev::with_table_size({SMALL_TABLE}), full: nodes_for(b\"key-1\", 10)");
            check_replicas(&call, &list, 10, &members, r.node_for(&k))?;
            let cases: [(NodeId, u32, MembershipError); 4] = [
                (99, 0, ZeroWeight),
                (99, MAX_WEIGHT + 1, WeightTooLarge(MAX_WEIGHT + 1)),
                (99, 2, WeightsUnsupported),
                (0, 1, AlreadyMember(0)),
            ];
            for (node, weight, want) in cases {
                let got = r.add(node, weight);
                ensure!(
                    got == Err(want),
                    "a full Maglev::with_table_size({SMALL_TABLE}) holding {members:?}: \
                     add({node}, {weight}) returned {}, expected Err(MembershipError::{want:?}) \
                     ({ORDER})",
                    result(&got)
                );
            }
            r.remove(2)
                .map_err(|e| format!("a full table: remove(2) failed: {e}"))?;
            r.add(99, 1)
                .map_err(|e| format!("a full table after remove(2): add(99, 1) failed: {e}"))?;
            ensure!(
                r.members().contains(&99) && !r.members().contains(&2),
                "a full table after remove(2) and add(99, 1): members() is {:?}",
                r.members()
            );
            Ok(())
        },
    );
}

/// What a router built from `nodes` says about each of `keys`: `node_for` and `nodes_for(k, 3)`.
fn placement<S: Subject>(r: &S, keys: &[Vec<u8>]) -> Vec<(Option<NodeId>, Vec<NodeId>)> {
    keys.iter()
        .map(|k| (r.node_for(k), r.nodes_for(k, 3)))
        .collect()
}

/// The first key whose placement differs between `a` and `b`, as a message.
fn differ(
    keys: &[Vec<u8>],
    a: &[(Option<NodeId>, Vec<NodeId>)],
    b: &[(Option<NodeId>, Vec<NodeId>)],
    what_a: &str,
    what_b: &str,
) -> Option<String> {
    let i = (0..keys.len()).find(|&i| a[i] != b[i])?;
    let k = show(&keys[i]);
    Some(format!(
        "{what_a}: node_for({k}) is {:?} and nodes_for({k}, 3) {:?}; {what_b}: {:?} and {:?}",
        a[i].0, a[i].1, b[i].0, b[i].1
    ))
}

/// The scenarios of this stage on `S`.
fn scenarios<S: Subject>(ctx: &mut Ctx) {
    let kind = S::KIND;
    let name = kind.type_name();

    ctx.check(
        &format!(
            "{name}: an empty router: node_for None, nodes_for empty, no members; remove is \
             NotMember"
        ),
        || {
            let mut r = S::make()?;
            let new = S::constructor();
            ensure!(
                r.is_empty() && r.len() == 0 && r.members().is_empty(),
                "{new}: len() {}, is_empty() {}, members() {:?} before any add",
                r.len(),
                r.is_empty(),
                r.members()
            );
            for k in keys(100) {
                ensure!(
                    r.node_for(&k).is_none(),
                    "{new}: node_for({}) is {:?} with no nodes, expected None",
                    show(&k),
                    r.node_for(&k)
                );
                ensure!(
                    r.nodes_for(&k, 3).is_empty(),
                    "{new}: nodes_for({}, 3) is {:?} with no nodes, expected []",
                    show(&k),
                    r.nodes_for(&k, 3)
                );
            }
            let got = r.remove(0);
            ensure!(
                got == Err(NotMember(0)),
                "{new}: remove(0) on an empty router returned {}, expected \
                 Err(MembershipError::NotMember(0))",
                result(&got)
            );
            // Emptied again after adds.
            for n in [4, 2] {
                r.add(n, 1)
                    .map_err(|e| format!("{new}: add({n}, 1): {e}"))?;
            }
            for n in [2, 4] {
                r.remove(n)
                    .map_err(|e| format!("{new}, add(4, 1), add(2, 1): remove({n}): {e}"))?;
            }
            ensure!(
                r.is_empty()
                    && r.node_for(b"key-1").is_none()
                    && r.nodes_for(b"key-1", 2).is_empty(),
                "{new}, add(4, 1), add(2, 1), remove(2), remove(4): not empty again: members() \
                 {:?}, node_for(b\"key-1\") {:?}",
                r.members(),
                r.node_for(b"key-1")
            );
            Ok(())
        },
    );

    ctx.check(&format!("{name}: one node holds every key"), || {
        let r: S = built(&[(42, 1)])?;
        let new = S::constructor();
        ensure!(
            r.len() == 1 && !r.is_empty() && r.members() == [42],
            "{new}, add(42, 1): len() {}, is_empty() {}, members() {:?}",
            r.len(),
            r.is_empty(),
            r.members()
        );
        for k in keys(KEYS) {
            ensure!(
                r.node_for(&k) == Some(42),
                "{new}, add(42, 1): node_for({}) is {:?}, expected Some(42), the only node",
                show(&k),
                r.node_for(&k)
            );
            for n in [1, 3] {
                let got = r.nodes_for(&k, n);
                ensure!(
                    got == [42],
                    "{new}, add(42, 1): nodes_for({}, {n}) is {got:?}, expected [42]{}",
                    show(&k),
                    match (got.len(), S::KIND) {
                        (0, Kind::Ring | Kind::Shared) => {
                            ", as node_for finds: the walk found no point at or after this key's \
                             hash, which is past the ring's last point. The ring wraps around: \
                             when the walk reaches the last point it must go on from the first, \
                             until it has n distinct nodes or has been once round"
                        }
                        (0, _) => {
                            ", as node_for finds: nodes_for(key, n) returns min(n, len) \
                             nodes, here the one member"
                        }
                        (1, _) => ": the only member",
                        _ => {
                            ": each member at most once, and fewer than n when there are fewer \
                             members"
                        }
                    }
                );
            }
            ensure!(
                r.nodes_for(&k, 0).is_empty(),
                "{new}, add(42, 1): nodes_for({}, 0) is {:?}, expected []",
                show(&k),
                r.nodes_for(&k, 0)
            );
        }
        Ok(())
    });

    ctx.check(
        &format!(
            "{name}: every MembershipError, in the documented order; a refused change changes \
             nothing{}",
            if kind.ordered() {
                "; only the last node added can be removed (NotLast)"
            } else {
                ""
            }
        ),
        || errors::<S>(),
    );

    if kind.weighted() {
        ctx.check(
            &format!("{name}: every weight from 1 to MAX_WEIGHT ({MAX_WEIGHT}) is accepted"),
            || {
                let mut r: S = built(&[(1, 1)])?;
                for (node, weight) in [(2, 2), (3, MAX_WEIGHT), (4, 7)] {
                    r.add(node, weight).map_err(|e| {
                        format!("{}: add({node}, {weight}) failed: {e}", S::constructor())
                    })?;
                }
                ensure_eq!(r.members(), vec![1, 2, 3, 4], "members()");
                r.remove(3)
                    .map_err(|e| format!("remove(3) of a node of weight {MAX_WEIGHT}: {e}"))?;
                ensure_eq!(r.members(), vec![1, 2, 4], "members() after remove(3)");
                Ok(())
            },
        );
    }

    ctx.check(
        &format!(
            "{name}: nodes_for(key, n): min(n, len) distinct members in order of preference, the \
             first node_for, each list the start of the next; members ascending; every member \
             holds keys"
        ),
        || replicas::<S>(),
    );

    ctx.check(
        &format!(
            "{name}: deterministic: two routers built alike place every key alike; a node \
             removed and added again gets its keys back"
        ),
        || {
            let nodes = ones(NODES);
            let ks = keys(KEYS);
            let (a, b): (S, S) = (built(&nodes)?, built(&nodes)?);
            let built_as = format!(
                "{} with nodes {NODES:?} added in that order",
                S::constructor()
            );
            let (pa, pb) = (placement(&a, &ks), placement(&b, &ks));
            if let Some(m) = differ(&ks, &pa, &pb, "one router", "another built alike") {
                return Err(format!(
                    "two routers {built_as} place keys differently: {m}. Hash with fixed seeds \
                     (a per-instance RandomState places keys differently in every router, and \
                     every process)"
                ));
            }
            let mut c = a;
            // Jump removes the last one added only.
            let x = if kind.ordered() { NODES[4] } else { NODES[2] };
            c.remove(x)
                .map_err(|e| format!("{built_as}: remove({x}): {e}"))?;
            c.add(x, 1)
                .map_err(|e| format!("{built_as}, remove({x}): add({x}, 1): {e}"))?;
            let pc = placement(&c, &ks);
            if let Some(m) = differ(
                &ks,
                &pa,
                &pc,
                "before",
                &format!("after remove({x}), add({x}, 1)"),
            ) {
                return Err(format!(
                    "{built_as}: a node removed and added again must get its keys back (the \
                     router is a function of its membership): {m}{}",
                    history_causes(kind)
                ));
            }
            Ok(())
        },
    );

    if !kind.ordered() {
        ctx.check(
            &format!(
                "{name}: the membership is a set: the same nodes added in another order, or with \
                 a detour, place every key alike"
            ),
            || {
                let ks = keys(KEYS);
                let mut reversed = NODES;
                reversed.reverse();
                let a: S = built(&ones(NODES))?;
                let b: S = built(&ones(reversed))?;
                let mut c: S = built(&ones([5, 99, 17, 8, 3, 11]))?;
                c.remove(99).map_err(|e| format!("remove(99): {e}"))?;
                let pa = placement(&a, &ks);
                for (what, other) in [
                    (format!("added as {reversed:?}"), &b),
                    (
                        "added as [5, 99, 17, 8, 3, 11], then remove(99)".to_owned(),
                        &c,
                    ),
                ] {
                    if let Some(m) = differ(
                        &ks,
                        &pa,
                        &placement(other, &ks),
                        &format!("nodes added as {NODES:?}"),
                        &what,
                    ) {
                        return Err(format!(
                            "{}: the same members must place keys alike, whatever the order they \
                             came in: {m}{}",
                            S::constructor(),
                            history_causes(kind)
                        ));
                    }
                }
                Ok(())
            },
        );
    }

    if kind.weighted() {
        ctx.check(
            &format!(
                "{name}: a node of weight 3 among 10 of weight 1 holds about 3 times their keys \
                 ({MANY_KEYS} keys; between {WEIGHT_BAND_LOW} and {WEIGHT_BAND_HIGH} times)"
            ),
            || weights::<S>(),
        );
    }

    ctx.check(
        &format!(
            "{name}: an 11th node joins 10, then one leaves: {}",
            match kind {
                Kind::Modulo => "modulo moves more than half of the keys (the anti-example)",
                Kind::Maglev => "at most 2/11 of the keys move",
                _ =>
                    "at most 2/11 of the keys move, each to the node that joined, or from the \
                      node that left",
            }
        ),
        || disruption::<S>(),
    );
}

/// Why a router's answers may depend on the order of its changes rather than on its members
/// alone, the likely causes first, for a message that ends with them.
fn history_causes(kind: Kind) -> &'static str {
    match kind {
        Kind::Ring | Kind::Shared => {
            ". A point's position must come from its node's id and its index alone. The likely \
             causes, most likely first: points numbered by a counter shared by all nodes, or by \
             the node's place in the order of adds (number each node's own points 0, 1, 2, ... \
             and mix the index with the node's id); a hasher kept in the router whose state \
             carries over from one point or one add to the next (start a fresh one, with fixed \
             seeds, for every point); only then, two equal positions kept in the order they \
             arrived (order equal points by node id)"
        }
        Kind::Rendezvous => {
            ". A node's score for a key must come from the key and the node's id alone, not from \
             its place among the members or the order it joined"
        }
        Kind::Maglev => {
            ". Fill the table from scratch on each change, taking the nodes in id order, not in \
             the order they were added"
        }
        Kind::Modulo => ". List the nodes in id order, not in the order they were added",
        Kind::Jump => "",
    }
}

/// The smallest and largest share of a node of weight 3 over the mean of weight-1 nodes.
pub const WEIGHT_BAND_LOW: f64 = 2.0;
/// See [`WEIGHT_BAND_LOW`].
pub const WEIGHT_BAND_HIGH: f64 = 4.0;

/// The membership errors scenario.
fn errors<S: Subject>() -> Outcome {
    let kind = S::KIND;
    let mut r: S = built(&ones([1, 2, 3]))?;
    let ks = keys(200);
    let before = answers(&r, &ks);
    let holding = format!("{} holding [1, 2, 3]", S::constructor());
    let mut cases: Vec<(&str, NodeId, u32, MembershipError, &str)> = vec![
        ("add", 9, 0, ZeroWeight, "a weight of 0"),
        (
            "add",
            9,
            MAX_WEIGHT + 1,
            WeightTooLarge(MAX_WEIGHT + 1),
            "above MAX_WEIGHT",
        ),
        ("add", 9, u32::MAX, WeightTooLarge(u32::MAX), "u32::MAX"),
        (
            "add",
            2,
            0,
            ZeroWeight,
            "the weight is checked before the membership",
        ),
        (
            "add",
            2,
            MAX_WEIGHT + 1,
            WeightTooLarge(MAX_WEIGHT + 1),
            "the weight is checked before the membership",
        ),
    ];
    if !kind.weighted() {
        cases.extend([
            (
                "add",
                9,
                2,
                WeightsUnsupported,
                "this router takes weight 1 only",
            ),
            (
                "add",
                9,
                MAX_WEIGHT,
                WeightsUnsupported,
                "this router takes weight 1 only",
            ),
            (
                "add",
                2,
                2,
                WeightsUnsupported,
                "WeightsUnsupported is checked before AlreadyMember",
            ),
        ]);
    }
    cases.push(("add", 2, 1, AlreadyMember(2), "2 is a member"));
    if kind.weighted() {
        cases.push((
            "add",
            2,
            3,
            AlreadyMember(2),
            "2 is a member, whatever the weight",
        ));
    }
    cases.push(("remove", 9, 0, NotMember(9), "9 is not a member"));
    if kind.ordered() {
        cases.extend([
            (
                "remove",
                1,
                0,
                NotLast { node: 1, last: 3 },
                "jump removes the last node added only",
            ),
            (
                "remove",
                2,
                0,
                NotLast { node: 2, last: 3 },
                "jump removes the last node added only",
            ),
        ]);
    }
    for (op, node, weight, want, why) in cases {
        let (call, got) = if op == "add" {
            (format!("add({node}, {weight})"), r.add(node, weight))
        } else {
            (format!("remove({node})"), r.remove(node))
        };
        ensure!(
            got == Err(want),
            "{holding}: {call} returned {}, expected Err(MembershipError::{want:?}) ({why}; \
             {ORDER})",
            result(&got)
        );
        ensure!(
            r.members() == [1, 2, 3] && r.len() == 3,
            "{holding}: after {call} was refused, members() is {:?} and len() {}: a refused \
             change must change nothing",
            r.members(),
            r.len()
        );
        if let Some(i) = (0..ks.len()).find(|&i| r.node_for(&ks[i]) != before[i]) {
            return Err(format!(
                "{holding}: after {call} was refused, node_for({}) is {:?}, where it was {:?}: a \
                 refused change must change nothing",
                show(&ks[i]),
                r.node_for(&ks[i]),
                before[i]
            ));
        }
    }
    // The removals that are allowed.
    let steps: Vec<(NodeId, Result<(), MembershipError>, Vec<NodeId>)> = if kind.ordered() {
        vec![
            (3, Ok(()), vec![1, 2]),
            (1, Err(NotLast { node: 1, last: 2 }), vec![1, 2]),
            (2, Ok(()), vec![1]),
            (1, Ok(()), vec![]),
            (1, Err(NotMember(1)), vec![]),
        ]
    } else {
        vec![
            (2, Ok(()), vec![1, 3]),
            (2, Err(NotMember(2)), vec![1, 3]),
            (1, Ok(()), vec![3]),
            (3, Ok(()), vec![]),
        ]
    };
    let mut done = holding.clone();
    for (node, want, members) in steps {
        let got = r.remove(node);
        ensure!(
            got == want && r.members() == members,
            "{done}, remove({node}): returned {} with members() {:?} after, expected {} with \
             {members:?}{}",
            result(&got),
            r.members(),
            result(&want),
            if kind.ordered() {
                " (jump removes the last node added, whichever it is)"
            } else {
                ""
            }
        );
        done.push_str(&format!(", remove({node})"));
    }
    Ok(())
}

/// The `nodes_for` scenario.
fn replicas<S: Subject>() -> Outcome {
    let r: S = built(&ones(NODES))?;
    let mut members = NODES.to_vec();
    members.sort_unstable();
    let new = format!(
        "{} with nodes {NODES:?} added in that order",
        S::constructor()
    );
    ensure!(
        r.members() == members,
        "{new}: members() is {:?}, expected {members:?}: ascending",
        r.members()
    );
    ensure_eq!(r.len(), NODES.len(), "{new}: len()");
    ensure!(!r.is_empty(), "{new}: is_empty() is true");
    let mut held: BTreeMap<NodeId, usize> = BTreeMap::new();
    let ks = keys(KEYS);
    for (i, k) in ks.iter().enumerate() {
        let first = r.node_for(k);
        match first {
            Some(n) if members.contains(&n) => *held.entry(n).or_default() += 1,
            other => {
                return Err(format!(
                    "{new}: node_for({}) is {other:?}, expected a member",
                    show(k)
                ))
            }
        }
        if i % 5 != 0 && i + 2 < ks.len() {
            continue;
        }
        let mut previous: Vec<NodeId> = Vec::new();
        for n in 0..=NODES.len() + 2 {
            let got = r.nodes_for(k, n);
            let call = format!("{new}: nodes_for({}, {n})", show(k));
            check_replicas(&call, &got, n, &members, first)?;
            ensure!(
                got.starts_with(&previous),
                "{call} is {got:?}, but nodes_for({}, {}) is {previous:?}: the list for n must \
                 be the start of the list for n + 1 (the same order of preference whatever n)",
                show(k),
                n.saturating_sub(1)
            );
            previous = got;
        }
    }
    let least = KEYS / (4 * NODES.len());
    ensure!(
        held.len() == NODES.len() && held.values().all(|&c| c >= least),
        "{new}: of {KEYS} keys the nodes hold {held:?} (node: keys); every member must hold \
         some, at least {least} (a quarter of an even share): is every node's share of the hash \
         space reachable?{}",
        match S::KIND {
            Kind::Rendezvous => {
                " A node's score must be independent of the others': hash(key) ^ node or \
                 hash(key) + node ranks the nodes alike for most keys (mix the key's hash and \
                 the node's id together through a full 64-bit mix)"
            }
            Kind::Ring | Kind::Shared => {
                " Each node's points must be spread over the whole ring: mix its id and each \
                 index through a full 64-bit mix, not node × C + i (one arc per node)"
            }
            _ => "",
        }
    );
    Ok(())
}

/// The weights scenario.
fn weights<S: Subject>() -> Outcome {
    let mut nodes = ones(0..10);
    nodes.push((10, 3));
    let r: S = built(&nodes)?;
    let mut held = [0usize; 11];
    for i in 0..MANY_KEYS {
        match r.node_for(&key(i)) {
            Some(n) if n <= 10 => held[n as usize] += 1,
            other => {
                return Err(format!(
                    "{} holding nodes 0..=10: node_for({}) is {other:?}",
                    S::constructor(),
                    show(&key(i))
                ))
            }
        }
    }
    let light = held[..10].iter().sum::<usize>() as f64 / 10.0;
    let (least, most) = (
        held[..10].iter().min().copied().unwrap_or(0),
        held[..10].iter().max().copied().unwrap_or(0),
    );
    let ratio = held[10] as f64 / light.max(1.0);
    ensure!(
        (WEIGHT_BAND_LOW..=WEIGHT_BAND_HIGH).contains(&ratio),
        "{} with nodes 0..10 of weight 1 and node 10 of weight 3: of {MANY_KEYS} keys node 10 \
         holds {}, the others {least} to {most}, {light:.0} on average: {ratio:.2} times their \
         mean, expected about 3 (between {WEIGHT_BAND_LOW} and {WEIGHT_BAND_HIGH}){}",
        S::constructor(),
        held[10],
        match S::KIND {
            Kind::Ring | Kind::Shared => {
                ". A node of weight w needs vnodes × w points (points() counts them, checked \
                 above), spread over the whole ring like everyone's. Points can be there in \
                 number and still not count: bunched together by a weak mix of node and index \
                 (node × C + i puts a node's points side by side, one arc that takes the keys \
                 of one point whatever the weight: mix both through a full 64-bit mix such as \
                 SplitMix64's finaliser), or the same points again when a weight repeats the \
                 indices 0..vnodes w times (number them 0..vnodes × w)"
            }
            Kind::Rendezvous =>
                rendezvous_weight_causes(ratio, light < 1.0 || least as f64 * 4.0 < light),
            _ => ". List a node of weight w w times",
        }
    );
    Ok(())
}

/// Why rendezvous gave a node of weight 3 `ratio` times the mean share of nodes of weight 1, the
/// likelier cause first: scores that are not independent from node to node when the weight-1
/// nodes are far from even shares (`uneven`), else the weight applied the wrong way.
fn rendezvous_weight_causes(ratio: f64, uneven: bool) -> &'static str {
    if uneven {
        ". The nodes of weight 1 are far from even shares (one holds under a quarter of their \
         mean, or they hold nothing), so the scores are likely not independent from node to \
         node: hash(key) ^ node or hash(key) + node ranks the nodes alike for most keys (mix \
         the key's hash and the node's id together through a full 64-bit mix). Then the weight \
         must scale a node's odds of winning: rank by −w / ln(u), u the score as a fraction in \
         (0, 1]; w × score (or w × u) gives a heavy node far more than w shares"
    } else if ratio > WEIGHT_BAND_HIGH {
        ". The weight must scale a node's odds of winning, and w × score (or w × u) gives a \
         heavy node far more than w shares: rank by −w / ln(u) instead, u the score as a \
         fraction in (0, 1]. (Scores must also be independent from node to node: not \
         hash(key) ^ node, which ranks the nodes alike for most keys.)"
    } else {
        ". The weight has too little effect, or none: rank by −w / ln(u), u the score as a \
         fraction in (0, 1], so that a node's odds of winning are proportional to w (w × score \
         gives far more than w shares; and scores must be independent from node to node, not \
         hash(key) ^ node)"
    }
}

/// The disruption scenario: an 11th node joins 10, then one leaves.
fn disruption<S: Subject>() -> Outcome {
    let kind = S::KIND;
    let mut r: S = built(&ones(0..10))?;
    let ks: Vec<Vec<u8>> = (0..MANY_KEYS).map(key).collect();
    let before = answers(&r, &ks);
    let new = format!("{} holding nodes 0..10", S::constructor());
    r.add(10, 1)
        .map_err(|e| format!("{new}: add(10, 1) failed: {e}"))?;
    let joined = answers(&r, &ks);
    // Jump removes the last only; the others a node in the middle.
    let gone = if kind.ordered() { 10 } else { 4 };
    r.remove(gone)
        .map_err(|e| format!("{new}, add(10, 1): remove({gone}) failed: {e}"))?;
    let left = answers(&r, &ks);
    let bound = 2.0 / 11.0;
    for (what, from, to, moved_to, moved_from) in [
        ("add(10, 1)", &before, &joined, Some(10), None),
        (
            &*format!("then remove({gone})"),
            &joined,
            &left,
            None,
            Some(gone),
        ),
    ] {
        let moved: Vec<usize> = (0..ks.len()).filter(|&i| from[i] != to[i]).collect();
        let share = moved.len() as f64 / ks.len() as f64;
        if kind == Kind::Modulo {
            if share <= 0.5 {
                return Err(format!(
                    "{new}: {what} moved {:.1} % of {MANY_KEYS} keys; hash mod n moves about \
                     n/(n+1) of them, here 10/11 = 90.9 %: is it really hash % len over the \
                     members?",
                    share * 100.0
                ));
            }
            continue;
        }
        ensure!(
            share.total_cmp(&bound).is_le(),
            "{new}: {what} moved {:.1} % of {MANY_KEYS} keys, expected at most 2/11 = 18.2 % \
             (ideally 1/11 = 9.1 %: only the keys the new node takes, or the old one had){}",
            share * 100.0,
            if share > 0.5 {
                ": a router that moves most keys is hash mod n, the anti-example"
            } else {
                ""
            }
        );
        if !kind.minimal() {
            continue;
        }
        if let Some(&i) = moved.iter().find(|&&i| {
            moved_to.is_some_and(|x| to[i] != Some(x))
                || moved_from.is_some_and(|x| from[i] != Some(x))
        }) {
            return Err(format!(
                "{new}: {what}: node_for({}) went from {:?} to {:?}; {}",
                show(&ks[i]),
                from[i],
                to[i],
                match (moved_to, moved_from) {
                    (Some(x), _) => format!(
                        "when a node joins, a key may only move to it ({x}): every other key \
                         keeps its node"
                    ),
                    (_, Some(x)) => format!(
                        "when a node leaves, only its keys ({x}'s) may move: every other key \
                         keeps its node"
                    ),
                    _ => String::new(),
                }
            ));
        }
    }
    Ok(())
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::{failures, Bug, Family};
    use super::*;

    fn failed<const B: u8>() -> Vec<(String, String)> {
        let f = failures(run::<Family<B>>);
        for (name, message) in &f {
            eprintln!("FAILED {name}\n    {message}");
        }
        f
    }

    #[test]
    fn a_plain_correct_family_passes() {
        assert_eq!(failed::<{ Bug::NONE }>(), vec![]);
    }

    #[test]
    fn each_mistake_fails_the_check_meant_for_it() {
        let has = |f: &[(String, String)], name: &str, text: &str| {
            f.iter()
                .any(|(n, m)| n.starts_with(name) && m.contains(text))
        };
        let f = failed::<{ Bug::RING_MODULO }>();
        assert!(has(&f, "Ring: an 11th node", "moved"), "{f:?}");
        let f = failed::<{ Bug::JUMP_REMOVES_ANY }>();
        assert!(has(&f, "Jump: every MembershipError", "NotLast"), "{f:?}");
        let f = failed::<{ Bug::RENDEZVOUS_UNWEIGHTED }>();
        assert!(has(&f, "Rendezvous: a node of weight 3", "times"), "{f:?}");
        let f = failed::<{ Bug::RING_UNWEIGHTED }>();
        assert!(has(&f, "Ring: points()", "points()"), "{f:?}");
        let f = failed::<{ Bug::RING_REPEATS }>();
        assert!(has(&f, "Ring: nodes_for", "twice"), "{f:?}");
        let f = failed::<{ Bug::RING_FEW_POINTS }>();
        assert!(!f.is_empty(), "{f:?}");
        let f = failed::<{ Bug::RING_NO_WRAP }>();
        assert!(
            has(&f, "Ring: one node holds every key", "wraps around"),
            "{f:?}"
        );
        let f = failed::<{ Bug::RENDEZVOUS_XOR }>();
        assert!(
            has(&f, "Rendezvous: a node of weight 3", "hash(key) ^ node"),
            "{f:?}"
        );
        assert!(has(&f, "Rendezvous: nodes_for", "independent"), "{f:?}");
    }
}
