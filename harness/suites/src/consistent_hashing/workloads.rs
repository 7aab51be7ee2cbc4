//! The named `consistent-hashing` workloads: what `cargo kata bench consistent-hashing` times and
//! what the complexity stage counts, defined once here so that both run the same thing.
//!
//! Every workload works on a [`Plan`]: a number of nodes `n` (the router holds nodes `0..n`,
//! each of weight 1, added in that order) and [`KEYS`] keys of [`KEY_BYTES`] random bytes each,
//! drawn once from the plan's seed and cycled, so that every contender is asked the same keys,
//! every key costs the same to hash whatever `n`, and no random number is drawn while timing.
//!
//! - [`Lookups`]: `node_for(key)` on a router holding the plan's nodes.
//! - [`Replicas`]: `nodes_for(key, 3)`, the three replicas Dynamo would place.
//! - [`SharedLookups`]: `node_for(key)` on a shared ring, through `&self` from one thread.
//! - [`Rebalance`]: one step is a change of membership and then [`REBALANCE_LOOKUPS`] lookups:
//!   the member that has been in longest leaves, a new node joins (so the ring keeps `n` nodes),
//!   then the lookups: what a cluster pays when nodes come and go while it serves.
//!
//! # The bench workloads ([`BENCH`]), at [`BENCH_NODES`] nodes
//!
//! - **`ring-lookup`**: [`Lookups`] on `Ring::new()` (160 virtual nodes per node: 16 000
//!   points).
//! - **`jump-lookup`**: [`Lookups`] on `Jump::new()`.
//! - **`rendezvous-lookup`**: [`Lookups`] on `Rendezvous::new()`: a hundred scores a lookup.
//! - **`maglev-lookup`**: [`Lookups`] on `Maglev::new()` (65 537 slots).
//! - **`ring-rebalance`**: [`Rebalance`] on `Ring::new()`.
//!
//! # The complexity stage
//!
//! Seven counted series, from 8 to 2 048 nodes (the shared ring to 512) ([`super::complexity`]):
//! [`Lookups`] on each of the five routers, [`SharedLookups`] on the shared ring, and
//! [`Replicas`] on the ring. The Maglev router of
//! the stage has [`COMPLEXITY_TABLE`] slots, not the default: a lookup costs the same whatever
//! the table's size, and a router that rebuilds its table on every add (as the paper does)
//! would spend minutes under callgrind building 2 048 nodes into 65 537 slots one add at a time.

use std::hint::black_box;
use std::sync::Arc;

use kata_core::consistent_hashing::{ConcurrentRouter, NodeId, Router, DEFAULT_VNODES};

pub use crate::measure::Spec;
use crate::measure::SplitMix64;

/// The workloads the benches time, in the order they run. See the module documentation.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "ring-lookup",
        summary: "Ring (160 virtual nodes per node), 100 nodes: node_for of 16-byte keys",
    },
    Spec {
        name: "jump-lookup",
        summary: "Jump, 100 nodes: node_for of 16-byte keys",
    },
    Spec {
        name: "rendezvous-lookup",
        summary: "Rendezvous, 100 nodes: node_for of 16-byte keys (100 scores each)",
    },
    Spec {
        name: "maglev-lookup",
        summary: "Maglev (65 537 slots), 100 nodes: node_for of 16-byte keys",
    },
    Spec {
        name: "ring-rebalance",
        summary: "Ring, 100 nodes: the oldest node leaves, a new one joins, then 1 000 lookups",
    },
];

/// The nodes of the bench workloads.
pub const BENCH_NODES: usize = 100;

/// Bytes in a key.
pub const KEY_BYTES: usize = 16;

/// Keys in a plan, cycled.
pub const KEYS: usize = 4_096;

/// Lookups after each change of membership in [`Rebalance`].
pub const REBALANCE_LOOKUPS: usize = 1_000;

/// Replicas asked for by [`Replicas`].
pub const REPLICAS: usize = 3;

/// The Maglev table of the complexity stage: a prime, two slots per node at 2 048 nodes.
pub const COMPLEXITY_TABLE: u64 = 4_099;

/// What a workload asks at one size, built once and shared by every contender: the number of
/// nodes and the keys.
#[derive(Debug, Clone)]
pub struct Plan {
    nodes: usize,
    keys: Arc<[[u8; KEY_BYTES]]>,
}

impl Plan {
    /// The plan of bench workload `workload` with `nodes` nodes, its keys drawn from `seed`.
    ///
    /// # Errors
    ///
    /// When `workload` is not one of [`BENCH`] (the message names them), or `nodes` is 0.
    pub fn new(workload: &str, nodes: usize, seed: u64) -> Result<Plan, String> {
        if !BENCH.iter().any(|s| s.name == workload) {
            let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
            return Err(format!(
                "no consistent-hashing workload named `{workload}`; the workloads are: {}",
                known.join(", ")
            ));
        }
        Plan::with_nodes(nodes, seed)
    }

    /// A plan of `nodes` nodes and [`KEYS`] keys drawn from `seed` (the keys depend on the seed
    /// only, not on `nodes`).
    ///
    /// # Errors
    ///
    /// When `nodes` is 0, or too many for a [`NodeId`].
    pub fn with_nodes(nodes: usize, seed: u64) -> Result<Plan, String> {
        if nodes == 0 || NodeId::try_from(nodes).is_err() {
            return Err(format!(
                "a consistent-hashing workload needs 1 to {} nodes, not {nodes}",
                NodeId::MAX
            ));
        }
        let mut rng = SplitMix64::new(seed);
        let keys = (0..KEYS)
            .map(|_| {
                let mut k = [0u8; KEY_BYTES];
                for chunk in k.chunks_mut(8) {
                    chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
                }
                k
            })
            .collect();
        Ok(Plan { nodes, keys })
    }

    /// The number of nodes.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// The keys.
    pub fn keys(&self) -> &[[u8; KEY_BYTES]] {
        &self.keys
    }
}

/// A position in a plan's keys, cycling.
#[derive(Debug, Clone)]
struct Cursor {
    keys: Arc<[[u8; KEY_BYTES]]>,
    next: usize,
}

impl Cursor {
    fn new(plan: &Plan) -> Cursor {
        Cursor {
            keys: Arc::clone(&plan.keys),
            next: 0,
        }
    }

    /// The next key.
    #[inline]
    fn key(&mut self) -> [u8; KEY_BYTES] {
        let key = self.keys[self.next];
        self.next += 1;
        if self.next == self.keys.len() {
            self.next = 0;
        }
        key
    }
}

/// `router` (empty) with the plan's nodes `0..n` added, each of weight 1, in that order.
///
/// # Panics
///
/// When the router refuses a node.
pub fn populated<R: Router>(mut router: R, plan: &Plan) -> R {
    for node in 0..plan.nodes as NodeId {
        router
            .add(node, 1)
            .unwrap_or_else(|e| panic!("add({node}, 1) to a router of {node} nodes failed: {e}"));
    }
    router
}

/// `node_for(key)` on a router holding the plan's nodes.
#[derive(Debug)]
pub struct Lookups<R> {
    router: R,
    keys: Cursor,
}

impl<R: Router> Lookups<R> {
    /// `R::new()` holding the plan's nodes.
    ///
    /// # Panics
    ///
    /// When the router refuses a node.
    pub fn on(plan: &Plan) -> Self {
        Lookups::with(R::new(), plan)
    }

    /// `router` (empty) holding the plan's nodes.
    ///
    /// # Panics
    ///
    /// When the router refuses a node.
    pub fn with(router: R, plan: &Plan) -> Self {
        Lookups {
            router: populated(router, plan),
            keys: Cursor::new(plan),
        }
    }

    /// Looks the next key up, through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let key = self.keys.key();
        black_box(self.router.node_for(black_box(&key)));
    }

    /// The router.
    pub fn router(&self) -> &R {
        &self.router
    }
}

/// `nodes_for(key, REPLICAS)` on a router holding the plan's nodes.
#[derive(Debug)]
pub struct Replicas<R> {
    lookups: Lookups<R>,
}

impl<R: Router> Replicas<R> {
    /// `R::new()` holding the plan's nodes.
    ///
    /// # Panics
    ///
    /// When the router refuses a node.
    pub fn on(plan: &Plan) -> Self {
        Replicas {
            lookups: Lookups::on(plan),
        }
    }

    /// The next key's [`REPLICAS`] replicas, through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let key = self.lookups.keys.key();
        black_box(self.lookups.router.nodes_for(black_box(&key), REPLICAS));
    }
}

/// `node_for(key)` on a shared ring with [`DEFAULT_VNODES`] holding the plan's nodes, through
/// `&self` from one thread.
#[derive(Debug)]
pub struct SharedLookups<C> {
    ring: C,
    keys: Cursor,
}

impl<C: ConcurrentRouter> SharedLookups<C> {
    /// `C::with_vnodes(DEFAULT_VNODES)` holding the plan's nodes.
    ///
    /// # Panics
    ///
    /// When the ring refuses the configuration or a node.
    pub fn on(plan: &Plan) -> Self {
        let ring = C::with_vnodes(DEFAULT_VNODES)
            .unwrap_or_else(|e| panic!("SharedRing::with_vnodes({DEFAULT_VNODES}) failed: {e}"));
        for node in 0..plan.nodes as NodeId {
            ring.add(node, 1)
                .unwrap_or_else(|e| panic!("SharedRing: add({node}, 1) failed: {e}"));
        }
        SharedLookups {
            ring,
            keys: Cursor::new(plan),
        }
    }

    /// Looks the next key up, through [`black_box`].
    #[inline]
    pub fn step(&mut self) {
        let key = self.keys.key();
        black_box(self.ring.node_for(black_box(&key)));
    }
}

/// The `ring-rebalance` workload: a step is a change of membership (the member that has been in
/// longest leaves, then a new node joins) and [`REBALANCE_LOOKUPS`] lookups.
#[derive(Debug)]
pub struct Rebalance<R> {
    router: R,
    keys: Cursor,
    /// The member that has been in longest: it leaves next.
    oldest: NodeId,
    /// The id of the next node to join.
    next: NodeId,
}

impl<R: Router> Rebalance<R> {
    /// `R::new()` holding the plan's nodes.
    ///
    /// # Panics
    ///
    /// When the router refuses a node.
    pub fn on(plan: &Plan) -> Self {
        Rebalance {
            router: populated(R::new(), plan),
            keys: Cursor::new(plan),
            oldest: 0,
            next: plan.nodes as NodeId,
        }
    }

    /// One change of membership, then the lookups.
    ///
    /// # Panics
    ///
    /// When the router refuses the change.
    #[inline]
    pub fn step(&mut self) {
        let (gone, new) = (self.oldest, self.next);
        self.router
            .remove(gone)
            .unwrap_or_else(|e| panic!("remove({gone}) of a member failed: {e}"));
        self.router
            .add(new, 1)
            .unwrap_or_else(|e| panic!("add({new}, 1) of a new node failed: {e}"));
        self.oldest = self.oldest.wrapping_add(1);
        self.next = self.next.wrapping_add(1);
        for _ in 0..REBALANCE_LOOKUPS {
            let key = self.keys.key();
            black_box(self.router.node_for(black_box(&key)));
        }
    }

    /// The router.
    pub fn router(&self) -> &R {
        &self.router
    }
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::{TinyRing, TinyShared};
    use super::*;

    #[test]
    fn the_bench_names_are_the_documented_ones() {
        let names: Vec<_> = BENCH.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "ring-lookup",
                "jump-lookup",
                "rendezvous-lookup",
                "maglev-lookup",
                "ring-rebalance"
            ]
        );
        assert!(Plan::new("ring", 8, 1).is_err());
        assert!(Plan::new("ring-lookup", 0, 1).is_err());
    }

    #[test]
    fn plans_share_their_keys_across_sizes_and_workloads_cycle() {
        let (a, b) = (
            Plan::with_nodes(8, 3).expect("plan"),
            Plan::with_nodes(2048, 3).expect("plan"),
        );
        assert_eq!(a.keys(), b.keys());
        assert_ne!(a.keys(), Plan::with_nodes(8, 4).expect("plan").keys());
        assert_eq!(a.keys().len(), KEYS);
        let mut w = Lookups::<TinyRing<0>>::on(&a);
        assert_eq!(w.router().members(), (0..8).collect::<Vec<_>>());
        for _ in 0..KEYS + 3 {
            w.step();
        }
        assert_eq!(w.keys.next, 3);
        let mut s = SharedLookups::<TinyShared<0>>::on(&a);
        s.step();
        let mut r = Replicas::<TinyRing<0>>::on(&a);
        r.step();
    }

    #[test]
    fn rebalancing_keeps_the_size_and_rotates_the_members() {
        let plan = Plan::with_nodes(4, 1).expect("plan");
        let mut w = Rebalance::<TinyRing<0>>::on(&plan);
        w.step();
        w.step();
        assert_eq!(w.router().members(), vec![2, 3, 4, 5]);
        assert_eq!(w.keys.next, 2 * REBALANCE_LOOKUPS);
    }
}
