//! Peers of the `consistent-hashing` kata: `hashring`'s ring, `jumphash`, `hrw-hash`'s
//! rendezvous hashing, `maglev` and `anchorhash`, behind [`kata_core::consistent_hashing::Router`]
//! and its sub-traits.
//!
//! Each crate is put in the slot of the kata it fills: hashring as the [`RingRouter`], jumphash
//! as the jump router, hrw-hash as the rendezvous router, maglev as the [`MaglevRouter`].
//! AnchorHash (Mendelson et al. 2020) has no type of the kata's: it is graded in the jump slot,
//! whose trait ([`Router`] alone, weight 1 only) it fits and whose algorithm it generalises
//! (numbered buckets, O(1) expected lookups, and removal of any bucket, not only the last). No
//! crate has every type, so a peer's family ([`HashringFamily`], [`JumphashFamily`],
//! [`HrwFamily`], [`MaglevFamily`], [`AnchorFamily`]) fills the other slots with the
//! *reference's* types, as the other katas' peers do: a peer's verdict is about its own type
//! alone, and the bench times a peer on the workloads of its type only.
//!
//! None of the crates keeps a membership the kata's way: hashring takes whatever it is given
//! (the same node twice is two nodes), hrw-hash and maglev are built from a list of nodes and
//! never changed, jumphash knows only a number of buckets. So each adapter keeps the members
//! itself ([`Members`]) and checks the kata's membership errors, in the kata's order, before the
//! crate sees the change, as the bloom-filter adapters check the configuration errors. What the
//! adapters do not add is what a crate lacks by design: jumphash, maglev and anchorhash have no
//! replicas (their `nodes_for` gives the one node a key maps to), and hashring's replicas are the
//! next points of its ring, a node's virtual nodes among them, not the next distinct nodes.
//!
//! # Which rendezvous crate
//!
//! Of `hrw-hash` and `rendezvous_hash`, hrw-hash: it is kept (2.0, edition 2024, on rapidhash
//! 3), where rendezvous_hash's last release, 0.3.0, dates from 2019. Both weigh nodes the same
//! way (Schindelhauer and Schomaker's logarithmic method, as the kata), and both allocate and
//! sort a score per node on every lookup. hrw-hash has no add or remove: its node set is built
//! once, so the adapter builds it again on every change, O(n), which lookups do not see.

use std::collections::BTreeMap;

use kata_core::consistent_hashing::{MembershipError, NodeId, MAX_WEIGHT};
use kata_suites::consistent_hashing::ConsistentHashingFamily;

use crate::Peer;

pub mod anchor;
pub mod hashring;
pub mod hrw;
pub mod jumphash;
pub mod maglev;

pub use self::anchor::AnchorRouter;
pub use self::hashring::HashRingRouter;
pub use self::hrw::HrwRouter;
pub use self::jumphash::JumpHashRouter;
pub use self::maglev::MaglevCrate;

kata_suites::consistent_hashing_family!(
    /// The reference `consistent-hashing`: the yardstick the suite grades a peer against, and
    /// the types the peers' families borrow.
    Reference => consistent_hashing_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_consistent_hashing;
    Some(match name {
        "hashring" => grade_consistent_hashing::<HashringFamily, Reference>(seed),
        "jumphash" => grade_consistent_hashing::<JumphashFamily, Reference>(seed),
        "hrw-hash" => grade_consistent_hashing::<HrwFamily, Reference>(seed),
        "maglev" => grade_consistent_hashing::<MaglevFamily, Reference>(seed),
        "anchorhash" => grade_consistent_hashing::<AnchorFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `consistent-hashing` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "hashring",
        krate: "hashring",
        version: "0.3.6",
        design: "a sorted Vec of (point, node) searched by binary search, points by SipHash-2-4 \
                 of whatever is added (here a (node, index) pair per virtual node), the whole \
                 ring re-sorted on every add",
        difference: Some(HASHRING_DIFFERENCE),
    },
    Peer {
        name: "jumphash",
        krate: "jumphash",
        version: "0.1.9",
        design: "Lamping and Veach's jump hash over a SipHash-1-3 of the key: the fast loop (an \
                 LCG step and a float division per jump), no state but the bucket count",
        difference: Some(JUMPHASH_DIFFERENCE),
    },
    Peer {
        name: "hrw-hash",
        krate: "hrw-hash",
        version: "2.0.3",
        design: "rendezvous hashing: a hash per node kept in a HashMap, a key's rapidhash mixed \
                 with each, weights by the logarithmic method in f64, every score collected in a \
                 Vec and sorted on each lookup",
        difference: None,
    },
    Peer {
        name: "maglev",
        krate: "maglev",
        version: "0.2.1",
        design: "Maglev's table of a prime size (isize slots), filled from each node's \
                 permutation (a Vec of every slot per node while it fills), looked up by a \
                 SipHash-1-3 of the key modulo the size",
        difference: Some(MAGLEV_DIFFERENCE),
    },
    Peer {
        name: "anchorhash",
        krate: "anchorhash",
        version: "0.2.2",
        design: "AnchorHash: an anchor of u16 buckets (working and removed) fixed when built, a \
                 key's hash mapped into it by fast range and re-hashed (FNV) past removed \
                 buckets; a hashbrown map from bucket to node",
        difference: Some(ANCHORHASH_DIFFERENCE),
    },
];

/// How hashring differs from the kata's specification.
const HASHRING_DIFFERENCE: &str =
    "hashring's replicas (get_with_replicas) are the next points of the ring, not the next \
     distinct nodes: with virtual nodes, two replicas of a key often land on one node.";

/// How jumphash differs from the kata's specification.
const JUMPHASH_DIFFERENCE: &str =
    "jumphash maps a key to one bucket and has no replicas: nodes_for gives that one node \
     whatever n is.";

/// How maglev differs from the kata's specification.
const MAGLEV_DIFFERENCE: &str = "maglev maps a key to one node of its table and has no \
     replicas: nodes_for gives that one node whatever n is.";

/// How anchorhash differs from the kata's specification.
const ANCHORHASH_DIFFERENCE: &str =
    "anchorhash has no replicas (nodes_for gives the one node a key maps to whatever n is), and \
     it removes any node, not only the last one added, which is its point: graded as jump hash, \
     it does not refuse the removal jump hash must refuse (NotLast).";

/// The families of the peers, each with the reference's types where its crate has none.
macro_rules! peer_family {
    ($(#[$meta:meta])* $name:ident: $modulo:ty, $ring:ty, $jump:ty, $rendezvous:ty, $maglev:ty) => {
        $(#[$meta])*
        pub struct $name;
        impl ConsistentHashingFamily for $name {
            type Modulo = $modulo;
            type Ring = $ring;
            type Jump = $jump;
            type Rendezvous = $rendezvous;
            type Maglev = $maglev;
            type Shared = <Reference as ConsistentHashingFamily>::Shared;
        }
    };
}

type RefModulo = <Reference as ConsistentHashingFamily>::Modulo;
type RefRing = <Reference as ConsistentHashingFamily>::Ring;
type RefJump = <Reference as ConsistentHashingFamily>::Jump;
type RefRendezvous = <Reference as ConsistentHashingFamily>::Rendezvous;
type RefMaglev = <Reference as ConsistentHashingFamily>::Maglev;

peer_family!(
    /// hashring's family: its ring as the ring, the reference's other types.
    HashringFamily: RefModulo, HashRingRouter, RefJump, RefRendezvous, RefMaglev
);
peer_family!(
    /// jumphash's family: its jump hash as the jump router, the reference's other types.
    JumphashFamily: RefModulo, RefRing, JumpHashRouter, RefRendezvous, RefMaglev
);
peer_family!(
    /// hrw-hash's family: its rendezvous hashing as the rendezvous router, the reference's
    /// other types.
    HrwFamily: RefModulo, RefRing, RefJump, HrwRouter, RefMaglev
);
peer_family!(
    /// maglev's family: its table as the Maglev router, the reference's other types.
    MaglevFamily: RefModulo, RefRing, RefJump, RefRendezvous, MaglevCrate
);
peer_family!(
    /// anchorhash's family: AnchorHash in the jump slot (see the module documentation), the
    /// reference's other types.
    AnchorFamily: RefModulo, RefRing, AnchorRouter, RefRendezvous, RefMaglev
);

/// The members of a router and their weights, kept by an adapter whose crate keeps none the
/// kata's way; it checks the kata's membership errors in the kata's order.
#[derive(Debug, Clone, Default)]
pub struct Members {
    weights: BTreeMap<NodeId, u32>,
}

impl Members {
    /// No members.
    pub fn new() -> Self {
        Members::default()
    }

    /// Checks that `node` can be added with `weight`: [`MembershipError::ZeroWeight`],
    /// [`MembershipError::WeightTooLarge`], [`MembershipError::WeightsUnsupported`] (when
    /// `weighted` is false and the weight is not 1), [`MembershipError::AlreadyMember`], in that
    /// order, as [`kata_core::consistent_hashing::Router::add`] documents.
    ///
    /// # Errors
    ///
    /// As said.
    pub fn check_add(
        &self,
        node: NodeId,
        weight: u32,
        weighted: bool,
    ) -> Result<(), MembershipError> {
        if weight == 0 {
            return Err(MembershipError::ZeroWeight);
        }
        if weight > MAX_WEIGHT {
            return Err(MembershipError::WeightTooLarge(weight));
        }
        if !weighted && weight != 1 {
            return Err(MembershipError::WeightsUnsupported);
        }
        if self.weights.contains_key(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        Ok(())
    }

    /// Records `node` with `weight` (checked with [`Members::check_add`] first).
    pub fn insert(&mut self, node: NodeId, weight: u32) {
        self.weights.insert(node, weight);
    }

    /// Forgets `node` and returns its weight.
    ///
    /// # Errors
    ///
    /// [`MembershipError::NotMember`].
    pub fn remove(&mut self, node: NodeId) -> Result<u32, MembershipError> {
        self.weights
            .remove(&node)
            .ok_or(MembershipError::NotMember(node))
    }

    /// Whether `node` is a member.
    pub fn contains(&self, node: NodeId) -> bool {
        self.weights.contains_key(&node)
    }

    /// The members, ascending.
    pub fn ids(&self) -> Vec<NodeId> {
        self.weights.keys().copied().collect()
    }

    /// The members with their weights, ascending by node.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, u32)> + '_ {
        self.weights.iter().map(|(&n, &w)| (n, w))
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }
}

/// The one node of a crate without replicas, as `nodes_for(key, n)` (empty for `n` = 0).
pub fn one_replica(node: Option<NodeId>, n: usize) -> Vec<NodeId> {
    node.into_iter().take(n).collect()
}
