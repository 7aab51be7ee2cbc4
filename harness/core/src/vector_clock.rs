//! The API of the `vector-clock` kata: causality between events on different machines, and a
//! store that keeps concurrent writes instead of losing one.
//!
//! Machines in a distributed system have no common clock that orders their events. What they can
//! know is **causality**: event `a` *happened before* `b` (Lamport, 1978) when `a` came earlier
//! on the same machine, or `a` sent a message that `b`'s machine received before `b`, or a chain
//! of those links leads from `a` to `b`. Two events neither of which happened before the other
//! are **concurrent**: nothing one machine knew when it did one could have come from the other.
//!
//! A **vector clock** (Fidge, Mattern, 1988) captures exactly that relation: one counter per node,
//! the number of that node's events the clock's owner has heard of. A node ticks its own counter
//! at each event and attaches its clock to the messages it sends; a receiver merges (entry by
//! entry maximum) the clock that came with a message into its own. Then `a` happened before `b`
//! if and only if `a`'s clock is below `b`'s in every entry and different from it. Two types
//! implement these traits:
//!
//! - [`VectorClock`]: the clock. **Sparse**: a node that never ticked has no entry (its counter
//!   reads 0), so a clock costs the nodes that ticked, not every node there is.
//! - [`VersionedStore`]: the versions of one key in a Dynamo-style store, kept as **siblings**
//!   while they are concurrent. A writer passes the **context** it read (the clock of what it
//!   saw); each version is identified by its **dot**, the event that wrote it (the coordinating
//!   node and its counter), and a version is replaced only by a write whose context covers its
//!   dot: one whose writer had seen it. This is the dotted version vector of Riak: two writes
//!   that saw nothing (an empty context) through the same node stay two siblings, where a store
//!   that kept one clock per version and ticked the coordinator's entry would let the second
//!   silently replace the first.
//!
//! Bad input is refused with a [`ClockError`], never a panic.

use std::fmt;

/// A node (a machine, a replica, a process): any `u32`.
pub type NodeId = u32;

/// How two clocks, and the events they stamp, are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Causality {
    /// `self` happened before `other`: no entry of `self` is above `other`'s, one is below.
    Before,
    /// `self` happened after `other` (`other` is `Before` `self`).
    After,
    /// The same entries.
    Equal,
    /// Neither happened before the other: each has an entry above the other's.
    Concurrent,
}

impl Causality {
    /// The relation seen from the other side: `Before` and `After` swap.
    #[must_use]
    pub fn reverse(self) -> Causality {
        match self {
            Causality::Before => Causality::After,
            Causality::After => Causality::Before,
            other => other,
        }
    }
}

/// Why a clock or a store refused an operation; it is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockError {
    /// `node`'s counter is already `u64::MAX`: one more event cannot be counted (a counter that
    /// wrapped to 0 would make the event look older than every other).
    Overflow {
        /// The node whose counter is full.
        node: NodeId,
    },
    /// A counter of 0 where only counts of events are allowed: an entry of
    /// [`VectorClock::from_entries`] (a sparse clock stores no zero), or a [`Dot`] (events are
    /// counted from 1).
    ZeroCounter {
        /// The node given a counter of 0.
        node: NodeId,
    },
    /// The same node twice in [`VectorClock::from_entries`].
    DuplicateNode {
        /// The node given twice.
        node: NodeId,
    },
}

impl fmt::Display for ClockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClockError::Overflow { node } => write!(
                f,
                "node {node}'s counter is at u64::MAX ({}): it cannot count another event \
                 (a counter must never wrap around to 0)",
                u64::MAX
            ),
            ClockError::ZeroCounter { node } => write!(
                f,
                "node {node} was given a counter of 0: counters count events from 1, and a \
                 sparse clock stores no entry for a node that has not ticked"
            ),
            ClockError::DuplicateNode { node } => write!(
                f,
                "node {node} appears twice in the entries: a clock has one counter per node"
            ),
        }
    }
}

impl std::error::Error for ClockError {}

/// A vector clock over [`NodeId`]s.
///
/// The counter of a node that never ticked (and was never merged in) is 0, and **it has no
/// entry**: [`VectorClock::len`] counts the nodes with a counter above 0, and
/// [`VectorClock::entries`] lists only those.
pub trait VectorClock: Clone + fmt::Debug + Sized {
    /// The clock of no event: every counter 0, no entry.
    fn new() -> Self;

    /// Counts one more event of `node`: its counter goes up by one. Returns the new counter.
    ///
    /// # Errors
    ///
    /// [`ClockError::Overflow`] when the counter is already `u64::MAX`; the clock is unchanged.
    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError>;

    /// The counter of `node`: 0 when it has no entry.
    #[must_use]
    fn get(&self, node: NodeId) -> u64;

    /// Takes in what `other` knows: every counter becomes the larger of the two.
    fn merge(&mut self, other: &Self);

    /// How `self` relates to `other`. A node missing on one side counts 0 there.
    #[must_use]
    fn compare(&self, other: &Self) -> Causality;

    /// The entries, `(node, counter)` with the counter above 0, sorted by node.
    #[must_use]
    fn entries(&self) -> Vec<(NodeId, u64)>;

    /// A clock with these entries, in any order.
    ///
    /// # Errors
    ///
    /// The first bad entry, in the order given, decides: [`ClockError::ZeroCounter`] for a
    /// counter of 0, [`ClockError::DuplicateNode`] for a node given earlier. An entry that is
    /// both (a node given again, with counter 0) may be refused with either.
    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError>;

    /// The number of entries: nodes whose counter is above 0.
    fn len(&self) -> usize;

    /// Whether every counter is 0.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The event that wrote a version: the `counter`-th write coordinated by `node`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dot {
    /// The node that coordinated the write.
    pub node: NodeId,
    /// Its count of the writes it coordinated, from 1.
    pub counter: u64,
}

impl Dot {
    /// Whether `clock` has seen this event: its counter of `node` is at least `counter`.
    #[must_use]
    pub fn covered_by<C: VectorClock>(&self, clock: &C) -> bool {
        clock.get(self.node) >= self.counter
    }
}

/// One version of the key: a value, the event that wrote it, and what its writer had seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version<V, C> {
    /// The value written.
    pub value: V,
    /// The write's own event.
    pub dot: Dot,
    /// The context the writer passed: the versions it had read, and so replaces.
    pub context: C,
}

/// What a read returns: every sibling's value, and one context covering them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read<V, C> {
    /// The values of the versions held, in no particular order: one when there is no conflict,
    /// several (siblings) when concurrent writes are waiting to be reconciled, none before the
    /// first write.
    pub values: Vec<V>,
    /// The merge of every held version's context and dot: a write passing it replaces every
    /// sibling returned.
    pub context: C,
}

/// The versions of one key held by a replica of a Dynamo-style store.
///
/// What must hold:
/// - a version is **superseded** by another when the other's context covers its dot
///   ([`Dot::covered_by`]); the store holds exactly the versions it has written or received that
///   no other of those supersedes: superseded ones are dropped, concurrent ones kept as siblings;
/// - [`VersionedStore::put`] gives the new version the dot `(node, c)` where `c` is one more than
///   the largest counter of `node` the store knows (in the dots and contexts of the versions it
///   holds, and in the context passed). Each node coordinates its writes through one replica,
///   whose store so numbers them uniquely.
pub trait VersionedStore<V: Clone>: Sized {
    /// The clock type of the contexts.
    type Clock: VectorClock;

    /// A replica that holds no version.
    fn new() -> Self;

    /// Writes `value` through coordinator `node`, by a writer that had read `context` (the
    /// context of a [`VersionedStore::get`], or an empty clock for a blind write). The new
    /// version drops the versions its context covers and joins the others as a sibling. Returns
    /// its dot.
    ///
    /// # Errors
    ///
    /// [`ClockError::Overflow`] when `node`'s counter would pass `u64::MAX`; nothing is written
    /// and no version is dropped.
    fn put(&mut self, node: NodeId, context: &Self::Clock, value: V) -> Result<Dot, ClockError>;

    /// The values held and the merge of their contexts and dots.
    #[must_use]
    fn get(&self) -> Read<V, Self::Clock>;

    /// The versions held, in no particular order: what is sent to replicate them.
    #[must_use]
    fn versions(&self) -> Vec<Version<V, Self::Clock>>;

    /// Takes in a version replicated from another replica. It is dropped when a version held has
    /// the same dot or supersedes it; otherwise it is kept, and the versions it supersedes are
    /// dropped. Returns whether it was kept.
    ///
    /// # Errors
    ///
    /// [`ClockError::ZeroCounter`] when the version's dot has counter 0, whatever the store
    /// holds (every clock covers such a dot); nothing changes.
    fn receive(&mut self, version: Version<V, Self::Clock>) -> Result<bool, ClockError>;

    /// The number of versions held (siblings).
    fn len(&self) -> usize;

    /// Whether no version is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
