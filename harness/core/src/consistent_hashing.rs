//! The API of the `consistent-hashing` kata: which node of a cluster holds a key, and how few keys
//! move when the cluster changes.
//!
//! A **router** maps keys (byte strings: a cache key, a user id) to nodes (numbered
//! [`NodeId`]s). Every router here answers the same questions ([`Router`]): the node for a key,
//! and the `n` distinct nodes that hold its replicas, as Dynamo places them. They differ in what
//! a change of membership costs:
//!
//! - [`Router`] as **modulo hashing**, the anti-example: `hash(key) mod n`. Perfect balance, and
//!   when `n` changes almost every key moves (a fraction `1 − 1/(n+1)` of them when one node
//!   joins). Kept so that its numbers can be shown beside the others.
//! - [`RingRouter`], the **hash ring** with virtual nodes (Karger et al. 1997; Dynamo 2007): each
//!   node is hashed to `v` points on a circle of 2^64 positions, a key belongs to the first point
//!   clockwise from its hash. A join or leave moves about `1/n` of the keys, the ideal; more
//!   virtual nodes give better balance for more memory. Lookup: a binary search, O(log(n·v)).
//! - [`Router`] as **jump consistent hash** (Lamping and Veach 2014): no memory at all beyond the
//!   list of nodes, perfect balance, O(log n) per lookup; but the buckets are numbered `0..n`, so
//!   a node can only be added at the end and removed from the end ([`MembershipError::NotLast`]).
//! - [`Router`] as **rendezvous hashing** (highest random weight; Thaler and Ravishankar 1998):
//!   every node scores the key, the highest score wins. Minimal disruption and natural replicas
//!   (the `n` highest scores), O(n) per lookup.
//! - [`MaglevRouter`], **Maglev hashing** (Eisenbud et al. 2016, Google's load balancer): a lookup
//!   table of a prime size `M`, filled from each node's permutation of the slots in turn; O(1)
//!   per lookup, near-perfect balance, and a little more disruption than the minimum when the
//!   membership changes.
//! - [`ConcurrentRouter`]: a ring shared by threads, looked up from many while membership
//!   changes.
//!
//! **Weights**: a node added with weight `w` takes about `w` times the keys of a node of weight 1
//! (the ring gives it `w·v` points; rendezvous ranks nodes by `−w / ln u`, `u` the node's hash
//! of the key scaled into (0, 1]; modulo lists it `w` times).
//! Jump and Maglev here take weight 1 only ([`MembershipError::WeightsUnsupported`]).
//!
//! **Hashing** is the implementation's choice, but it must be deterministic (the same router
//! built the same way places every key the same way) and spread keys evenly: the quality stage
//! measures the balance over a million keys.

use std::fmt;

/// A node of the cluster, by number.
pub type NodeId = u32;

/// The largest weight a node may have.
pub const MAX_WEIGHT: u32 = 1_000;

/// The most virtual nodes per unit of weight a ring accepts.
pub const MAX_VNODES: u32 = 10_000;

/// The largest Maglev table accepted (a prime near 2^24, 16.7 million slots).
pub const MAX_TABLE_SIZE: u64 = 16_777_213;

/// The virtual nodes per unit of weight of a ring made by [`Router::new`].
pub const DEFAULT_VNODES: u32 = 160;

/// The table size of a Maglev router made by [`Router::new`]: a prime, as the paper requires,
/// large enough for a few hundred nodes.
pub const DEFAULT_TABLE_SIZE: u64 = 65_537;

/// Why a router could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// A ring with zero virtual nodes per node: no node would own any key.
    ZeroVnodes,
    /// More than [`MAX_VNODES`] virtual nodes per unit of weight.
    TooManyVnodes,
    /// A Maglev table size that is not a prime: the node permutations would not visit every
    /// slot.
    TableSizeNotPrime(u64),
    /// A Maglev table size below 2 or above [`MAX_TABLE_SIZE`].
    TableSizeOutOfRange(u64),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ZeroVnodes => {
                f.write_str("a ring needs at least 1 virtual node per node (160 is usual)")
            }
            ConfigError::TooManyVnodes => write!(
                f,
                "at most {MAX_VNODES} virtual nodes per node: more buys no visible balance"
            ),
            ConfigError::TableSizeNotPrime(m) => write!(
                f,
                "the Maglev table size must be a prime (it is {m}): each node's permutation of \
                 the slots steps by a skip below the size, which visits every slot only when \
                 the size is prime; 65537 is one"
            ),
            ConfigError::TableSizeOutOfRange(m) => write!(
                f,
                "the Maglev table size must be a prime from 2 to {MAX_TABLE_SIZE} (it is {m})"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why a change of membership was refused; the router is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipError {
    /// The node is already a member.
    AlreadyMember(NodeId),
    /// The node is not a member.
    NotMember(NodeId),
    /// A weight of zero: the node would own nothing.
    ZeroWeight,
    /// A weight above [`MAX_WEIGHT`].
    WeightTooLarge(u32),
    /// A weight other than 1, for a router that cannot weigh nodes (jump, Maglev).
    WeightsUnsupported,
    /// Jump hashing removes the last node added only: its buckets are numbered `0..n`, and
    /// removing another would renumber, and so move, the keys of every bucket after it.
    NotLast {
        /// The node asked to be removed.
        node: NodeId,
        /// The node that can be removed: the last one added.
        last: NodeId,
    },
    /// A Maglev router whose table already has one node per slot: one more would own no slot.
    TableFull {
        /// The table size.
        table_size: u64,
    },
}

impl fmt::Display for MembershipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MembershipError::AlreadyMember(n) => write!(f, "node {n} is already a member"),
            MembershipError::NotMember(n) => write!(f, "node {n} is not a member"),
            MembershipError::ZeroWeight => {
                f.write_str("a node's weight must be at least 1: with 0 it would own no key")
            }
            MembershipError::WeightTooLarge(w) => {
                write!(
                    f,
                    "a node's weight must be at most {MAX_WEIGHT} (it is {w})"
                )
            }
            MembershipError::WeightsUnsupported => {
                f.write_str("this router gives every node the same share: add nodes with weight 1")
            }
            MembershipError::NotLast { node, last } => write!(
                f,
                "jump hashing removes the last node added only ({last}), not {node}: its buckets \
                 are numbered 0..n, and removing another would move the keys of every bucket \
                 after it"
            ),
            MembershipError::TableFull { table_size } => write!(
                f,
                "a Maglev table of {table_size} slots holds at most {table_size} nodes, one slot \
                 each: build it with a larger prime (about 100 slots per node)"
            ),
        }
    }
}

impl std::error::Error for MembershipError {}

/// A router of keys to nodes, for one thread (see the module documentation for the variants).
///
/// Every method that answers with nodes answers with members only, and the same answer for the
/// same key until the membership changes.
pub trait Router: Sized {
    /// An empty router with the variant's defaults ([`DEFAULT_VNODES`] for a ring,
    /// [`DEFAULT_TABLE_SIZE`] for Maglev).
    fn new() -> Self;

    /// Adds `node` with `weight` (1 for an ordinary node).
    ///
    /// # Errors
    ///
    /// In this order: [`MembershipError::ZeroWeight`], [`MembershipError::WeightTooLarge`],
    /// [`MembershipError::WeightsUnsupported`] (jump and Maglev, for a weight other than 1),
    /// [`MembershipError::AlreadyMember`], [`MembershipError::TableFull`] (Maglev).
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError>;

    /// Removes `node`; the keys it held go to the other nodes.
    ///
    /// # Errors
    ///
    /// [`MembershipError::NotMember`]; for jump, [`MembershipError::NotLast`] when `node` is a
    /// member but not the last one added.
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError>;

    /// The node that holds `key`; `None` when there are no nodes.
    #[must_use]
    fn node_for(&self, key: &[u8]) -> Option<NodeId>;

    /// The `n` distinct nodes that hold `key`'s replicas, in order of preference: the first is
    /// [`Router::node_for`], and the list for `n` is the start of the list for `n + 1`. Fewer
    /// than `n` when there are fewer members; empty when `n` is 0.
    #[must_use]
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId>;

    /// The members, in ascending order.
    fn members(&self) -> Vec<NodeId>;

    /// The number of members.
    fn len(&self) -> usize;

    /// Whether there are no members.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A hash ring with virtual nodes.
pub trait RingRouter: Router {
    /// An empty ring that gives each node `vnodes` points per unit of weight.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroVnodes`], [`ConfigError::TooManyVnodes`].
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError>;

    /// The virtual nodes per unit of weight.
    fn vnodes(&self) -> u32;

    /// The points on the ring: the sum over the members of `vnodes × weight`.
    fn points(&self) -> usize;
}

/// A Maglev router.
pub trait MaglevRouter: Router {
    /// An empty router with a lookup table of `table_size` slots, a prime.
    ///
    /// # Errors
    ///
    /// [`ConfigError::TableSizeOutOfRange`], then [`ConfigError::TableSizeNotPrime`].
    fn with_table_size(table_size: u64) -> Result<Self, ConfigError>;

    /// The number of slots of the lookup table.
    fn table_size(&self) -> u64;
}

/// A hash ring shared by threads (`&self`): lookups from any number of threads while others
/// change the membership.
///
/// A lookup racing a change answers as the ring stood before the change or as it stood after it,
/// never with a mixture (a torn state), and never with a node whose removal returned before the
/// lookup began. A change that has returned is seen by every lookup that begins after it.
pub trait ConcurrentRouter: Sized + Send + Sync {
    /// An empty ring with `vnodes` points per unit of weight.
    ///
    /// # Errors
    ///
    /// As [`RingRouter::with_vnodes`].
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError>;

    /// As [`Router::add`], from any thread.
    ///
    /// # Errors
    ///
    /// As [`Router::add`] for a ring.
    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError>;

    /// As [`Router::remove`], from any thread.
    ///
    /// # Errors
    ///
    /// As [`Router::remove`] for a ring.
    fn remove(&self, node: NodeId) -> Result<(), MembershipError>;

    /// As [`Router::node_for`], from any thread.
    #[must_use]
    fn node_for(&self, key: &[u8]) -> Option<NodeId>;

    /// As [`Router::nodes_for`], from any thread: all `n` from one membership.
    #[must_use]
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId>;

    /// As [`Router::members`]: one membership, as it stood at some moment during the call.
    fn members(&self) -> Vec<NodeId>;
}
