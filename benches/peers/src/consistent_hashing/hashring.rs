//! The [`hashring`](https://crates.io/crates/hashring) crate's `HashRing` behind [`RingRouter`].
//!
//! hashring (0.3.6) is a ring as a sorted `Vec` of (point, item) pairs: `add` hashes an item
//! (SipHash-2-4 with zero keys, deterministic) to its point, pushes it and sorts the whole
//! `Vec`; `get` hashes the key and binary-searches for the first point at or after it, wrapping
//! to the first; `remove` hashes an item and removes the entry at its point. It has no virtual
//! nodes of its own: as its documentation shows, a virtual node is an item, so the adapter adds
//! a [`VNode`] `(node, index)` for each of a node's `vnodes × weight` points, in one
//! `batch_add` (one sort), and removes them one by one (each a shift of the `Vec`).
//!
//! Replicas are `get_with_replicas(key, n − 1)`: the `n` ring entries from the key's point on,
//! which with virtual nodes are not `n` distinct nodes (see
//! [`super::PEERS`]); the crate clones and rotates its whole ring to give them.

use ::hashring::HashRing;
use kata_core::consistent_hashing::{
    ConfigError, MembershipError, NodeId, RingRouter, Router, DEFAULT_VNODES, MAX_VNODES,
};

use super::Members;

/// One point of a node on the ring: the item hashring hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VNode {
    /// The node.
    pub node: NodeId,
    /// Which of its points.
    pub index: u32,
}

/// hashring's `HashRing` behind [`RingRouter`] (see the module documentation).
#[derive(Debug, Clone)]
pub struct HashRingRouter {
    ring: HashRing<VNode>,
    members: Members,
    vnodes: u32,
}

impl HashRingRouter {
    /// The points of `node` at `weight`.
    fn points_of(&self, node: NodeId, weight: u32) -> impl Iterator<Item = VNode> {
        (0..self.vnodes * weight).map(move |index| VNode { node, index })
    }
}

impl Router for HashRingRouter {
    fn new() -> Self {
        HashRingRouter {
            ring: HashRing::new(),
            members: Members::new(),
            vnodes: DEFAULT_VNODES,
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.members.check_add(node, weight, true)?;
        let points = self.points_of(node, weight).collect();
        self.ring.batch_add(points);
        self.members.insert(node, weight);
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let weight = self.members.remove(node)?;
        for point in self.points_of(node, weight) {
            self.ring.remove(&point);
        }
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        self.ring.get(&key).map(|p| p.node)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        if n == 0 {
            return Vec::new();
        }
        self.ring
            .get_with_replicas(&key, n - 1)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.node)
            .collect()
    }

    fn members(&self) -> Vec<NodeId> {
        self.members.ids()
    }

    fn len(&self) -> usize {
        self.members.len()
    }
}

impl RingRouter for HashRingRouter {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        if vnodes == 0 {
            return Err(ConfigError::ZeroVnodes);
        }
        if vnodes > MAX_VNODES {
            return Err(ConfigError::TooManyVnodes);
        }
        Ok(HashRingRouter {
            vnodes,
            ..Router::new()
        })
    }

    fn vnodes(&self) -> u32 {
        self.vnodes
    }

    fn points(&self) -> usize {
        self.ring.len()
    }
}
