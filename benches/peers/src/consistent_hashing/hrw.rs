//! The [`hrw-hash`](https://crates.io/crates/hrw-hash) crate's `HrwNodes` behind [`Router`], as
//! the kata's rendezvous router.
//!
//! hrw-hash (2.0.3) keeps a hash per node (rapidhash v3, through a hasher that gathers the bytes
//! in a `Vec` first) in a `HashMap`. `sorted(key)` hashes the key, mixes it with every node's
//! hash (a murmur3-style finaliser), turns each into a score by the logarithmic method,
//! `(capacity / total capacity) / −ln(h / 2^64)`, and sorts every (score, node) pair in a new
//! `Vec`: O(n log n) and two allocations per lookup. The first is the key's node, the first `n`
//! its replicas.
//!
//! Its node set is built once (`HrwNodes::new`) and never changed, so the adapter builds it
//! again from its members on every add and remove. A node is an [`HrwNode`] whose identity (its
//! `Hash` and `Eq`) is its id and whose capacity is its weight.

use std::hash::{Hash, Hasher};

use hrw_hash::{HrwNode, HrwNodes};
use kata_core::consistent_hashing::{MembershipError, NodeId, Router};

use super::Members;

/// A node as hrw-hash sees it: hashed and compared by its id, weighed by its weight.
#[derive(Debug, Clone, Copy)]
pub struct Weighted {
    /// The node.
    pub id: NodeId,
    /// Its weight.
    pub weight: u32,
}

impl PartialEq for Weighted {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Weighted {}

impl Hash for Weighted {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl HrwNode for Weighted {
    fn capacity(&self) -> usize {
        self.weight as usize
    }
}

/// hrw-hash's `HrwNodes` behind [`Router`] (see the module documentation).
pub struct HrwRouter {
    nodes: HrwNodes<Weighted>,
    members: Members,
}

impl std::fmt::Debug for HrwRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HrwRouter")
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}

impl HrwRouter {
    /// The crate's node set for the members as they are now.
    fn rebuild(&mut self) {
        self.nodes = HrwNodes::new(
            self.members
                .iter()
                .map(|(id, weight)| Weighted { id, weight }),
        );
    }
}

impl Router for HrwRouter {
    fn new() -> Self {
        HrwRouter {
            nodes: HrwNodes::new([]),
            members: Members::new(),
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.members.check_add(node, weight, true)?;
        self.members.insert(node, weight);
        self.rebuild();
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        self.members.remove(node)?;
        self.rebuild();
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        self.nodes.sorted(&key).next().map(|w| w.id)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        self.nodes.sorted(&key).take(n).map(|w| w.id).collect()
    }

    fn members(&self) -> Vec<NodeId> {
        self.members.ids()
    }

    fn len(&self) -> usize {
        self.members.len()
    }
}
