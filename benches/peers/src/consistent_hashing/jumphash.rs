//! The [`jumphash`](https://crates.io/crates/jumphash) crate's `JumpHasher` behind [`Router`], as
//! the kata's jump router.
//!
//! jumphash (0.1.9) is Lamping and Veach's jump consistent hash: `slot(key, n)` hashes the key
//! with SipHash-1-3 (here under fixed keys, so that every router places keys alike; its default
//! draws random keys) and runs the fast jump loop, one LCG step and one float division per jump,
//! O(log n) jumps. It knows nothing but the number of buckets, so the adapter keeps the nodes in
//! a `Vec` in order of addition, bucket `b` being the `b`-th, and refuses what jump hashing
//! cannot do without renumbering: weights, and the removal of any node but the last
//! ([`MembershipError::NotLast`]). It has no replicas: `nodes_for` gives the one node.

use ::jumphash::JumpHasher;
use kata_core::consistent_hashing::{MembershipError, NodeId, Router};

use super::{one_replica, Members};

/// The SipHash keys of every adapter's hasher.
const KEYS: (u64, u64) = (0x6A75_6D70_6861_7368, 0x5EED_0000_0000_0001);

/// jumphash's `JumpHasher` behind [`Router`] (see the module documentation).
#[derive(Debug, Clone)]
pub struct JumpHashRouter {
    hasher: JumpHasher,
    buckets: Vec<NodeId>,
    members: Members,
}

impl Router for JumpHashRouter {
    fn new() -> Self {
        JumpHashRouter {
            hasher: JumpHasher::new_with_keys(KEYS.0, KEYS.1),
            buckets: Vec::new(),
            members: Members::new(),
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.members.check_add(node, weight, false)?;
        self.members.insert(node, weight);
        self.buckets.push(node);
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        if !self.members.contains(node) {
            return Err(MembershipError::NotMember(node));
        }
        let last = *self.buckets.last().expect("a member is in a bucket");
        if last != node {
            return Err(MembershipError::NotLast { node, last });
        }
        self.members.remove(node)?;
        self.buckets.pop();
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        let n = u32::try_from(self.buckets.len()).ok().filter(|&n| n > 0)?;
        Some(self.buckets[self.hasher.slot(&key, n) as usize])
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        one_replica(self.node_for(key), n)
    }

    fn members(&self) -> Vec<NodeId> {
        self.members.ids()
    }

    fn len(&self) -> usize {
        self.buckets.len()
    }
}
