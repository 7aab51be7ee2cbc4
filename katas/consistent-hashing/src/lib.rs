//! # Kata `consistent-hashing`: which node holds a key, and how few keys move when nodes change
//!
//! A cluster of cache or storage nodes splits its keys between them: a **router** answers "which
//! node holds `user:42`?" from the key alone, with no table of keys. The obvious answer,
//! `hash(key) mod n`, balances perfectly and breaks the day `n` changes: nearly every key moves
//! to another node, and a cache cluster that gains one node loses nearly all its hits at once.
//! Consistent hashing moves only about `1/n` of the keys, the ones the new node must take. You
//! write five routers over one trait ([`Router`]) and a ring shared by threads:
//!
//! - [`ModuloRouter`]: `hash(key) mod n`, the anti-example, kept so that its numbers can be shown;
//! - [`Ring`]: the hash ring with virtual nodes (Karger et al. 1997; Amazon's Dynamo 2007);
//! - [`Jump`]: jump consistent hash (Lamping and Veach 2014): no memory, numbered buckets;
//! - [`Rendezvous`]: highest random weight (Thaler and Ravishankar 1998): every node bids;
//! - [`Maglev`]: Google's load balancer's lookup table (Eisenbud et al. 2016): O(1) lookups;
//! - [`SharedRing`]: a ring looked up from many threads while others change it.
//!
//! Read `katas/consistent-hashing/README.md` first. Grade your work with `cargo kata check
//! consistent-hashing`. Start with [`ModuloRouter`], the whole API in its simplest form, then
//! [`Ring`]; [`SharedRing`] wraps your ring.
//!
//! What must hold (the graded suite checks all of it):
//! - **answers are members**: `node_for` is a member, `None` exactly when there is none;
//!   `nodes_for(key, n)` is `min(n, len)` distinct members, the first of them `node_for(key)`,
//!   and the list for `n` is the start of the list for `n + 1`; `members()` ascending;
//! - **bad input** is refused with the typed error, in the order each method documents, and a
//!   refused change changes nothing;
//! - **deterministic**: two routers built alike answer alike (so no randomly seeded hasher), a
//!   node removed and added again gets its keys back, and (all but jump) the membership is a
//!   set: the same nodes added in any order place every key alike;
//! - **consistent**: after `add(x)` a key either stays where it was or moves to `x`; after
//!   `remove(x)` only `x`'s keys move (exactly, for the ring, jump, rendezvous and the shared
//!   ring; Maglev moves a few more, and modulo almost all, which the quality stage shows);
//! - **balanced**: over a million keys, no node far above its share (the quality stage prints
//!   max/mean per router), and a node of weight `w` takes about `w` times the keys of a node of
//!   weight 1 (modulo, ring, rendezvous);
//! - **cost** of `node_for`: O(1) for modulo and Maglev, O(log(n·v)) for the ring, O(log n) for
//!   jump, O(n) for rendezvous; counted in instructions, so a linear scan of the ring's points
//!   shows even though it is fast on a small ring;
//! - **threads**: [`SharedRing`] answers as the ring stood before a change or after it, never a
//!   mixture, and never with a node whose removal had returned; it takes its locks and `Arc`
//!   from `kata_core::sync`.
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::marker::PhantomData;

pub use kata_core::consistent_hashing::{
    ConcurrentRouter, ConfigError, MaglevRouter, MembershipError, NodeId, RingRouter, Router,
    DEFAULT_TABLE_SIZE, DEFAULT_VNODES, MAX_TABLE_SIZE, MAX_VNODES, MAX_WEIGHT,
};

/// Modulo hashing, the anti-example: the node at `hash(key) mod N` of a list of the members.
///
/// The list holds each member `weight` times, in ascending order of id, and `N` is its length
/// (the sum of the weights). Perfect balance; and when a node joins, `N` changes, so the answer
/// changes for almost every key: a fraction `1 − 1/(n+1)` of them move, where consistent
/// hashing moves `1/(n+1)`. The quality stage prints both; that table is the lesson.
///
/// `nodes_for` takes the key's node, then the next distinct nodes going forward in the list,
/// wrapping at the end.
///
/// # Examples
///
/// ```no_run
/// use consistent_hashing_kata::{ModuloRouter, Router};
///
/// let mut cluster = ModuloRouter::new();
/// for node in [1, 2, 3] {
///     cluster.add(node, 1).unwrap();
/// }
/// assert!([1, 2, 3].contains(&cluster.node_for(b"user:42").unwrap()));
/// cluster.add(4, 1).unwrap(); // N goes from 3 to 4: three keys in four change node
/// assert_eq!(cluster.nodes_for(b"user:42", 9).len(), 4);
/// ```
#[derive(Debug)]
pub struct ModuloRouter {
    _state: PhantomData<()>,
}

impl Router for ModuloRouter {
    /// An empty router.
    fn new() -> Self {
        todo!("ModuloRouter::new")
    }

    /// Adds `node`, listed `weight` times.
    ///
    /// # Errors
    ///
    /// [`MembershipError::ZeroWeight`], [`MembershipError::WeightTooLarge`] (above
    /// [`MAX_WEIGHT`]), [`MembershipError::AlreadyMember`], checked in that order.
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        todo!("ModuloRouter::add")
    }

    /// Removes `node`.
    ///
    /// # Errors
    ///
    /// [`MembershipError::NotMember`].
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        todo!("ModuloRouter::remove")
    }

    /// The node at `hash(key) mod N` of the list.
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        todo!("ModuloRouter::node_for")
    }

    /// The key's node, then the next distinct nodes forward in the list.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        todo!("ModuloRouter::nodes_for")
    }

    /// The members, ascending.
    fn members(&self) -> Vec<NodeId> {
        todo!("ModuloRouter::members")
    }

    /// The number of members (not the length of the list).
    fn len(&self) -> usize {
        todo!("ModuloRouter::len")
    }
}

/// A hash ring with virtual nodes (Karger et al., "Consistent Hashing and Random Trees", 1997;
/// DeCandia et al., "Dynamo", 2007).
///
/// Picture the 2^64 possible hashes as a circle. Each member owns `vnodes × weight` **points**
/// on it (its virtual nodes), and a key belongs to the first point at or after the key's hash,
/// going clockwise and wrapping past the top to the first point. A node that joins takes the
/// arcs just before its points, from whichever nodes held them; a node that leaves gives each
/// arc to the next point's owner. No other key moves.
///
/// Why many points per node: with one point each, the arcs are very unequal (the largest of `n`
/// is about `ln n` times the average), and so are the loads. With `v` points the unevenness
/// shrinks like `1/√v`, for `v` times the memory. The quality stage prints balance and bytes
/// for `v` from 1 to 1 000.
///
/// - Keep the points in a sorted array (with their owners), so that a lookup is a binary search
///   for the first point `≥ hash` (`slice::partition_point`), wrapping to the first point when
///   there is none: O(log(n·v)). A scan of the points is O(n·v), and the complexity stage
///   counts it.
/// - A point's position must be a fixed function of (node, index), index `0..vnodes × weight`:
///   the same ring however it was built, so no counter shared by all nodes and no hasher whose
///   state carries over from one point to the next. Make it from the node id and the index with
///   a cheap full 64-bit mix; `node × C + i` puts a node's points side by side, where they count
///   as one. Hashing `format!("{id}-{i}")` per point works too, but costs an allocation and a
///   string hash per point, and a join places 160 of them.
/// - A join adds `vnodes × weight` points. Sorting them and merging them into the sorted array
///   is O(n·v); pushing each and re-sorting the whole array is far slower, and the stages build
///   rings of up to 1 000 nodes one node at a time (the complexity stage, to 512, under
///   callgrind).
/// - Two nodes' points could land on the same position: order them by node id too, or the ring
///   would depend on the order of the adds.
///
/// `nodes_for` walks clockwise from the key's point, wrapping past the last point to the first
/// as a lookup does, and takes each owner it has not taken yet: Dynamo's preference list. It
/// stops after `n` nodes, or after one turn of the ring.
///
/// # Examples
///
/// ```no_run
/// use consistent_hashing_kata::{Ring, RingRouter, Router};
///
/// let mut ring = Ring::with_vnodes(100).unwrap();
/// ring.add(1, 1).unwrap();
/// ring.add(2, 1).unwrap();
/// ring.add(3, 2).unwrap(); // twice the points, about twice the keys
/// assert_eq!(ring.points(), 400);
/// let replicas = ring.nodes_for(b"user:42", 2);
/// assert_eq!(replicas.len(), 2);
/// assert_eq!(Some(replicas[0]), ring.node_for(b"user:42"));
/// ```
#[derive(Debug)]
pub struct Ring {
    _state: PhantomData<()>,
}

impl Router for Ring {
    /// An empty ring of [`DEFAULT_VNODES`] (160) points per unit of weight.
    fn new() -> Self {
        todo!("Ring::new")
    }

    /// Adds `node` with `vnodes × weight` points.
    ///
    /// # Errors
    ///
    /// [`MembershipError::ZeroWeight`], [`MembershipError::WeightTooLarge`],
    /// [`MembershipError::AlreadyMember`], checked in that order.
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        todo!("Ring::add")
    }

    /// Removes `node` and all its points.
    ///
    /// # Errors
    ///
    /// [`MembershipError::NotMember`].
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        todo!("Ring::remove")
    }

    /// The owner of the first point at or after the key's hash, wrapping.
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        todo!("Ring::node_for")
    }

    /// The distinct owners met walking clockwise from the key's point.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        todo!("Ring::nodes_for")
    }

    /// The members, ascending.
    fn members(&self) -> Vec<NodeId> {
        todo!("Ring::members")
    }

    /// The number of members.
    fn len(&self) -> usize {
        todo!("Ring::len")
    }
}

impl RingRouter for Ring {
    /// An empty ring of `vnodes` points per unit of weight.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ZeroVnodes`], [`ConfigError::TooManyVnodes`] (above [`MAX_VNODES`]).
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        todo!("Ring::with_vnodes")
    }

    /// The points per unit of weight.
    fn vnodes(&self) -> u32 {
        todo!("Ring::vnodes")
    }

    /// The points on the ring: `vnodes × Σ weights`.
    fn points(&self) -> usize {
        todo!("Ring::points")
    }
}

/// Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash
/// Algorithm", 2014) over the members in order of addition: the first node added is bucket 0.
///
/// The function `jump(key, n)` gives a 64-bit key a bucket in `0..n`, such that going from `n`
/// to `n + 1` buckets moves a key only to the new bucket `n`, and each with probability
/// `1/(n+1)`: exactly the keys a new node should take. It needs no memory at all, and its loop
/// runs O(log n) times: the key seeds a small random-number generator, and each step jumps ahead
/// to the next bucket count at which the key would move. The paper gives the whole function in
/// a few lines; write it from the paper's description, with its constants.
///
/// The price is in the numbering: the buckets are `0..n`, so a node can join only as bucket `n`
/// and only the last bucket can leave. Removing another node would renumber every bucket after
/// it, and their keys would move. So `remove` refuses anything but the last node added, with
/// [`MembershipError::NotLast`], which names the node that can go (its message says why). And a
/// bucket is a bucket: no weights.
///
/// `nodes_for` takes the key's bucket, then the next buckets in order, wrapping.
///
/// # Examples
///
/// ```no_run
/// use consistent_hashing_kata::{Jump, MembershipError, Router};
///
/// let mut shards = Jump::new();
/// for node in [10, 20, 30] {
///     shards.add(node, 1).unwrap();
/// }
/// assert_eq!(
///     shards.remove(20),
///     Err(MembershipError::NotLast { node: 20, last: 30 })
/// );
/// assert_eq!(shards.remove(30), Ok(()));
/// ```
#[derive(Debug)]
pub struct Jump {
    _state: PhantomData<()>,
}

impl Router for Jump {
    /// An empty router.
    fn new() -> Self {
        todo!("Jump::new")
    }

    /// Adds `node` as the next bucket.
    ///
    /// # Errors
    ///
    /// [`MembershipError::ZeroWeight`], [`MembershipError::WeightTooLarge`],
    /// [`MembershipError::WeightsUnsupported`] (any weight but 1),
    /// [`MembershipError::AlreadyMember`], checked in that order.
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        todo!("Jump::add")
    }

    /// Removes `node`, which must be the last one added.
    ///
    /// # Errors
    ///
    /// [`MembershipError::NotMember`], then [`MembershipError::NotLast`] for a member that is
    /// not the last one added; either way nothing changes.
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        todo!("Jump::remove")
    }

    /// The node of bucket `jump(hash(key), len)`.
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        todo!("Jump::node_for")
    }

    /// The key's bucket, then the next buckets, wrapping.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        todo!("Jump::nodes_for")
    }

    /// The members, ascending (not in bucket order).
    fn members(&self) -> Vec<NodeId> {
        todo!("Jump::members")
    }

    /// The number of members.
    fn len(&self) -> usize {
        todo!("Jump::len")
    }
}

/// Rendezvous hashing, or highest random weight (Thaler and Ravishankar, "Using Name-Based
/// Mappings to Increase Hit Rates", 1998): every member scores the key, the highest score wins.
///
/// A score is a well-mixed 64-bit function of (key, node): a node that joins takes exactly the
/// keys on which it outscores every other node, and a node that leaves gives each of its keys to
/// that key's runner-up. Consistent by construction, with no ring to store; replicas come free
/// (the `n` highest scores). The cost is O(n) per lookup: one score per member.
///
/// - Hash the key once per lookup, then combine that hash with a fixed per-node value through a
///   cheap full 64-bit mix (such as SplitMix64's finaliser of `h ^ seed(node)`). The mix
///   matters: `h ^ node` or `h + node` alone ranks the nodes alike for most keys, so one node
///   wins nearly all of them. Hashing the key's bytes again for every node is the same O(n)
///   with a much larger constant.
/// - Ties (two nodes, one score) go to the lowest node id, so the answer does not depend on the
///   order the nodes were added in.
/// - **Weights**: multiplying the score by the weight does *not* give shares proportional to
///   the weights. The logarithmic method does (Schindelhauer and Schomaker, "Weighted
///   Distributed Hash Tables", 2005): map the score to `u` in `(0, 1]`, and the winner is the
///   highest `−w / ln u`. The README says why it works.
/// - `nodes_for(key, n)` needs the `n` best scores in order, not all of them sorted.
///
/// # Examples
///
/// ```no_run
/// use consistent_hashing_kata::{Rendezvous, Router};
///
/// let mut caches = Rendezvous::new();
/// for node in 0..5 {
///     caches.add(node, 1).unwrap();
/// }
/// caches.add(5, 3).unwrap(); // about 3/8 of the keys
/// let three = caches.nodes_for(b"user:42", 3);
/// assert_eq!(three.len(), 3);
/// ```
#[derive(Debug)]
pub struct Rendezvous {
    _state: PhantomData<()>,
}

impl Router for Rendezvous {
    /// An empty router.
    fn new() -> Self {
        todo!("Rendezvous::new")
    }

    /// Adds `node` with `weight`.
    ///
    /// # Errors
    ///
    /// [`MembershipError::ZeroWeight`], [`MembershipError::WeightTooLarge`],
    /// [`MembershipError::AlreadyMember`], checked in that order.
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        todo!("Rendezvous::add")
    }

    /// Removes `node`.
    ///
    /// # Errors
    ///
    /// [`MembershipError::NotMember`].
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        todo!("Rendezvous::remove")
    }

    /// The member with the highest score for the key.
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        todo!("Rendezvous::node_for")
    }

    /// The members with the `n` highest scores, highest first.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        todo!("Rendezvous::nodes_for")
    }

    /// The members, ascending.
    fn members(&self) -> Vec<NodeId> {
        todo!("Rendezvous::members")
    }

    /// The number of members.
    fn len(&self) -> usize {
        todo!("Rendezvous::len")
    }
}

/// Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
/// Balancer", NSDI 2016): a lookup table of `M` slots, `M` prime, each slot naming a node.
///
/// A lookup is `table[hash(key) mod M]`: O(1), one memory read, whatever the number of nodes.
/// The table is filled from each node's own permutation of the slots: node `i` starts at
/// `offset_i` and steps by `skip_i` (mod `M`), both from a hash of its id, with `skip_i` in
/// `1..M`; because `M` is prime, that walk visits every slot. Filling goes round-robin over the
/// nodes (in id order, so the table depends only on the membership): each node in turn takes
/// the next slot of its permutation that is still free, until every slot is taken. Every node
/// ends with `⌊M/n⌋` or `⌈M/n⌉` slots: near-perfect balance. A change of membership means a new
/// table, which moves a few more keys than the minimum (the quality stage measures how many).
///
/// - The paper rebuilds the table on every change: expected O(M log M) steps, milliseconds for
///   65 537 slots. The stages add hundreds of nodes one by one: consider building the table when
///   it is first needed after a change instead (a `std::sync::OnceLock` suits; the concurrency
///   check allows it, as it holds nothing that a race could hide behind).
/// - A node must own at least one slot, so the table holds at most `M` nodes (the fill's first
///   round gives each one a slot): refuse one more with [`MembershipError::TableFull`] (the
///   stage also accepts refusing at `M − 1`, if you keep a slot spare).
/// - `hash mod M` is a division; `(hash as u128 * M as u128) >> 64` picks a slot as evenly, with
///   one multiplication.
///
/// `nodes_for` walks the table forward from the key's slot and takes each node it has not taken
/// yet; one pass over the table meets every member.
///
/// # Examples
///
/// ```no_run
/// use consistent_hashing_kata::{Maglev, MaglevRouter, MembershipError, Router};
///
/// let mut backends = Maglev::with_table_size(7).unwrap();
/// assert_eq!(backends.add(1, 2), Err(MembershipError::WeightsUnsupported));
/// for node in 0..7 {
///     backends.add(node, 1).unwrap(); // 7 nodes, one slot each
/// }
/// assert_eq!(backends.add(7, 1), Err(MembershipError::TableFull { table_size: 7 }));
/// ```
#[derive(Debug)]
pub struct Maglev {
    _state: PhantomData<()>,
}

impl Router for Maglev {
    /// An empty router with a table of [`DEFAULT_TABLE_SIZE`] (65 537) slots.
    fn new() -> Self {
        todo!("Maglev::new")
    }

    /// Adds `node`.
    ///
    /// # Errors
    ///
    /// [`MembershipError::ZeroWeight`], [`MembershipError::WeightTooLarge`],
    /// [`MembershipError::WeightsUnsupported`] (any weight but 1),
    /// [`MembershipError::AlreadyMember`], [`MembershipError::TableFull`], checked in that
    /// order.
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        todo!("Maglev::add")
    }

    /// Removes `node`.
    ///
    /// # Errors
    ///
    /// [`MembershipError::NotMember`].
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        todo!("Maglev::remove")
    }

    /// The node in the key's slot.
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        todo!("Maglev::node_for")
    }

    /// The distinct nodes met walking the table forward from the key's slot.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        todo!("Maglev::nodes_for")
    }

    /// The members, ascending.
    fn members(&self) -> Vec<NodeId> {
        todo!("Maglev::members")
    }

    /// The number of members.
    fn len(&self) -> usize {
        todo!("Maglev::len")
    }
}

impl MaglevRouter for Maglev {
    /// An empty router with a table of `table_size` slots.
    ///
    /// # Errors
    ///
    /// [`ConfigError::TableSizeOutOfRange`] (below 2 or above [`MAX_TABLE_SIZE`]), then
    /// [`ConfigError::TableSizeNotPrime`]. Trial division up to `√table_size` is fast enough:
    /// it runs once.
    fn with_table_size(table_size: u64) -> Result<Self, ConfigError> {
        todo!("Maglev::with_table_size")
    }

    /// The number of slots, `M`.
    fn table_size(&self) -> u64 {
        todo!("Maglev::table_size")
    }
}

/// A hash ring shared by threads: every method takes `&self`; lookups from any number of
/// threads while others add and remove nodes.
///
/// It answers exactly as a [`Ring`] with the same membership and `vnodes` would (reuse yours).
/// What must hold when a lookup races a change:
///
/// - it answers as the ring stood before the change or as it stood after it, never from a ring
///   half changed (a torn state), and `nodes_for` takes all its `n` nodes from one of the two;
/// - a change that has returned is seen by every lookup that begins after it: no lookup answers
///   with a node whose `remove` had returned;
/// - two changes at once are both applied: none is lost.
///
/// Two designs pass. A lock around a ring (`RwLock<Ring>`): lookups share the read lock, a
/// change takes the write lock and changes the ring in place, and lookups wait while it does.
/// Or snapshots: the current ring behind an `Arc`, which a lookup clones and then searches with
/// no lock held, while a change builds the next ring aside and swaps it in. The README weighs
/// them. Either way, take `Mutex`, `RwLock` and `Arc` from `kata_core::sync` (not `std::sync`
/// or `parking_lot`): the concurrency stage model-checks this type with loom, which sees only
/// those.
///
/// # Examples
///
/// ```no_run
/// use consistent_hashing_kata::{ConcurrentRouter, SharedRing};
///
/// let ring = SharedRing::with_vnodes(160).unwrap();
/// ring.add(1, 1).unwrap();
/// std::thread::scope(|scope| {
///     scope.spawn(|| ring.add(2, 1).unwrap());
///     scope.spawn(|| assert!(matches!(ring.node_for(b"user:42"), Some(1 | 2))));
/// });
/// assert_eq!(ring.members(), vec![1, 2]);
/// ```
#[derive(Debug)]
pub struct SharedRing {
    _state: PhantomData<()>,
}

impl ConcurrentRouter for SharedRing {
    /// An empty shared ring of `vnodes` points per unit of weight.
    ///
    /// # Errors
    ///
    /// As [`Ring::with_vnodes`](RingRouter::with_vnodes).
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        todo!("SharedRing::with_vnodes")
    }

    /// As [`Ring::add`](Router::add), from any thread.
    ///
    /// # Errors
    ///
    /// As [`Ring::add`](Router::add).
    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        todo!("SharedRing::add")
    }

    /// As [`Ring::remove`](Router::remove), from any thread.
    ///
    /// # Errors
    ///
    /// As [`Ring::remove`](Router::remove).
    fn remove(&self, node: NodeId) -> Result<(), MembershipError> {
        todo!("SharedRing::remove")
    }

    /// As [`Ring::node_for`](Router::node_for), from any thread.
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        todo!("SharedRing::node_for")
    }

    /// As [`Ring::nodes_for`](Router::nodes_for), all `n` from one membership.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        todo!("SharedRing::nodes_for")
    }

    /// The members, ascending, as they stood at some moment during the call.
    fn members(&self) -> Vec<NodeId> {
        todo!("SharedRing::members")
    }
}
