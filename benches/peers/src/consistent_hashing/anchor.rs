//! The [`anchorhash`](https://crates.io/crates/anchorhash) crate's `AnchorHash` behind
//! [`Router`], graded in the kata's jump slot (see [`super`]).
//!
//! AnchorHash (Mendelson, Vargaftik, Barabash, Lorenz, Keslassy and Orda, 2020) keeps an
//! *anchor* of `a` buckets fixed when it is built, of which `w` are working; a key's hash is
//! mapped into the anchor (fast range), and while it lands on a removed bucket it is hashed again
//! into the working set as it stood when that bucket was removed. A lookup costs O(1 + ln(a/w))
//! expected steps, whatever was removed: arbitrary removal with jump hash's balance and minimal
//! disruption. The crate (0.2.2) keeps the anchor in `u16` arrays (at most 65 535 buckets) and a
//! hashbrown map from bucket to node; it hashes the key with the `BuildHasher` it is given (here
//! std's `DefaultHasher`, SipHash-1-3 under zero keys, deterministic) and uses its low 32 bits.
//!
//! The anchor's size is the one thing a [`Router`] does not say: [`Router::new`] takes the
//! largest, [`ANCHOR_CAPACITY`], so that the adapter refuses no node the kata accepts (a lookup
//! then pays about ln(65 535 / w) re-hashes); [`AnchorRouter::with_capacity`] sizes it for a
//! cluster, as a deployment would. Weights are refused (its buckets are equal), and it has no
//! replicas: `nodes_for` gives the one node. A node removed and added again gets its bucket back
//! (the crate reuses the last removed bucket first), so the order of changes matters, as for
//! jump hash.

use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use ::anchorhash::{AnchorHash, Builder};
use kata_core::consistent_hashing::{MembershipError, NodeId, Router};

use super::{one_replica, Members};

/// The anchor of a router made by [`Router::new`]: the crate's largest.
pub const ANCHOR_CAPACITY: u16 = u16::MAX;

/// The message `add` panics with when the anchor is full (beyond [`ANCHOR_CAPACITY`] nodes, or
/// the capacity given to [`AnchorRouter::with_capacity`]): the kata has no such error.
pub const ANCHOR_FULL: &str = "anchorhash's anchor is full: it holds as many nodes as it was \
                               built for, and the kata's Router has no error for that";

/// The hasher of every adapter: deterministic.
type Hasher = BuildHasherDefault<DefaultHasher>;

/// anchorhash's `AnchorHash` behind [`Router`] (see the module documentation).
#[derive(Debug)]
pub struct AnchorRouter {
    /// The crate's router, for keys of any lifetime (see [`AnchorRouter::node_for`]).
    anchor: AnchorHash<&'static [u8], NodeId, Hasher>,
    members: Members,
}

impl AnchorRouter {
    /// An empty router whose anchor has `capacity` buckets: it holds up to that many nodes.
    pub fn with_capacity(capacity: u16) -> Self {
        AnchorRouter {
            anchor: Builder::with_hasher(Hasher::default()).build(capacity),
            members: Members::new(),
        }
    }
}

impl Router for AnchorRouter {
    fn new() -> Self {
        AnchorRouter::with_capacity(ANCHOR_CAPACITY)
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.members.check_add(node, weight, false)?;
        if self.anchor.add_resource(node).is_err() {
            panic!("{ANCHOR_FULL}");
        }
        self.members.insert(node, weight);
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        self.members.remove(node)?;
        self.anchor
            .remove_resource(&node)
            .expect("a member is one of the crate's resources");
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        // The crate's key type is a type parameter of the router, used only in `get_resource`'s
        // signature (a `PhantomData`): the router for `'static` keys is, by covariance, one for
        // keys of any shorter lifetime.
        let anchor: &AnchorHash<&[u8], NodeId, Hasher> = &self.anchor;
        anchor.get_resource(key).copied()
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        one_replica(self.node_for(key), n)
    }

    fn members(&self) -> Vec<NodeId> {
        self.members.ids()
    }

    fn len(&self) -> usize {
        self.members.len()
    }
}
