//! # Kata `vector-clock`: happened-before across machines, and a store that keeps siblings
//!
//! Machines have no shared clock that orders their events, but they can track **causality**:
//! event `a` happened before `b` when `a` came first on the same node, or `a` sent a message that
//! `b`'s node received before `b`, or a chain of such links leads from `a` to `b`. Events with no
//! such chain either way are **concurrent**. Two types:
//!
//! - [`VClock`], a vector clock: one counter per node, the number of that node's events its owner
//!   has heard of. A node [`tick`](VectorClock::tick)s its own entry at every event, sends its
//!   clock with each message, and [`merge`](VectorClock::merge)s the clock of every message it
//!   receives. [`compare`](VectorClock::compare) then tells `Before`, `After`, `Equal` or
//!   `Concurrent`, exactly as the events are related.
//! - [`Store`], the versions of one key in a Dynamo-style store: a write carries the context it
//!   read, concurrent writes are kept as siblings, a read returns every sibling and one context,
//!   and a write with that context replaces them all.
//!
//! Read `katas/vector-clock/README.md` first. The types you use but do not write ([`Dot`],
//! [`Version`], [`Read`], [`Causality`], [`ClockError`]) and the traits are documented in
//! `harness/core/src/vector_clock.rs` (or run `cargo doc -p kata-core --open`, module
//! `vector_clock`). Grade your work with `cargo kata check
//! vector-clock`. Start with [`VClock`]; the store uses it.
//!
//! What must hold (the graded suite checks all of it):
//! - **compare**: `a.compare(&b)` is `Before` when no counter of `a` is above `b`'s and one is
//!   below, `After` the other way round, `Equal` when all are equal, `Concurrent` when each has
//!   a counter above the other's. A node missing from one clock counts 0 there;
//! - **merge**: every counter becomes the larger of the two (the clocks' least upper bound);
//! - **sparse**: a node whose counter is 0 has no entry: [`VectorClock::len`] is the number of
//!   nodes that ticked (or were merged in), [`VectorClock::entries`] lists them sorted by node;
//! - **overflow**: a tick of a counter at `u64::MAX` is refused with [`ClockError::Overflow`],
//!   the clock unchanged (a wrapped counter would make the newest event look like the oldest);
//! - **bad entries**: [`VectorClock::from_entries`] refuses a counter of 0
//!   ([`ClockError::ZeroCounter`]) and a node given twice ([`ClockError::DuplicateNode`]): the
//!   first bad entry in the order given decides (an entry that is both, a node given again with
//!   counter 0, may be refused with either);
//! - **the store**: a version is superseded by another whose context covers its dot (the
//!   other's writer had seen it); the store holds exactly the versions it wrote or received that
//!   nothing it holds supersedes. A put's dot is `(node, c)` with `c` one more than the largest
//!   counter of `node` the store knows (held dots and contexts, and the context passed); a get's
//!   context is the merge of every held version's context and dot;
//! - **no write lost**: every write is either held or superseded by a write whose writer saw
//!   it, on every replica, whatever order replication delivers versions in;
//! - **cost**: `compare` and `merge` are O(number of entries) (O(a + b) for clocks of `a` and `b`
//!   entries): no lookup of one clock's nodes one by one in an unsorted list, no sort per merge.
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::marker::PhantomData;

pub use kata_core::vector_clock::{
    Causality, ClockError, Dot, NodeId, Read, VectorClock, Version, VersionedStore,
};

/// A sparse vector clock: a counter per node that has ticked, none for the others.
///
/// Keep the entries so that `merge` and `compare` can walk two clocks side by side once (a `Vec`
/// of `(node, counter)` sorted by node does it; so does a `BTreeMap`).
///
/// # Examples
///
/// ```no_run
/// use vector_clock_kata::{Causality, VClock, VectorClock};
///
/// let mut alice = VClock::new();
/// alice.tick(1).unwrap(); // Alice writes: {1: 1}
/// let mut bob = alice.clone(); // Bob receives Alice's message...
/// bob.tick(2).unwrap(); // ...and answers: {1: 1, 2: 1}
/// assert_eq!(alice.compare(&bob), Causality::Before);
/// alice.tick(1).unwrap(); // Alice writes again without having seen Bob's answer: {1: 2}
/// assert_eq!(alice.compare(&bob), Causality::Concurrent);
/// alice.merge(&bob); // now she has: {1: 2, 2: 1}
/// assert_eq!(alice.entries(), [(1, 2), (2, 1)]);
/// assert_eq!(bob.compare(&alice), Causality::Before);
/// assert_eq!(alice.get(7), 0); // never ticked: no entry
/// assert_eq!(alice.len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct VClock {
    _state: PhantomData<()>,
}

impl VectorClock for VClock {
    /// No entry at all.
    fn new() -> Self {
        todo!("VClock::new")
    }

    /// Adds one to `node`'s counter (creating its entry at 1), refusing to pass `u64::MAX`.
    ///
    /// # Errors
    ///
    /// [`ClockError::Overflow`]; the clock is unchanged.
    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        todo!("VClock::tick")
    }

    /// `node`'s counter, 0 when it has no entry.
    fn get(&self, node: NodeId) -> u64 {
        todo!("VClock::get")
    }

    /// Entry by entry maximum; nodes only `other` has are added. One pass over both clocks.
    fn merge(&mut self, other: &Self) {
        todo!("VClock::merge")
    }

    /// `Before`, `After`, `Equal` or `Concurrent`; a missing node counts 0. One pass over both.
    fn compare(&self, other: &Self) -> Causality {
        todo!("VClock::compare")
    }

    /// The entries above 0, sorted by node.
    fn entries(&self) -> Vec<(NodeId, u64)> {
        todo!("VClock::entries")
    }

    /// A clock of these entries, given in any order.
    ///
    /// # Errors
    ///
    /// The first bad entry in the order given: [`ClockError::ZeroCounter`] or
    /// [`ClockError::DuplicateNode`] (an entry that is both, a node given again with counter 0,
    /// may be refused with either).
    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        todo!("VClock::from_entries")
    }

    /// The number of entries (nodes with a counter above 0).
    fn len(&self) -> usize {
        todo!("VClock::len")
    }
}

/// The versions of one key, as one replica holds them: each a value, the dot of the write that
/// made it, and the context its writer had read.
///
/// # Examples
///
/// ```no_run
/// use vector_clock_kata::{Store, VClock, VectorClock, VersionedStore};
///
/// let mut cart = Store::new();
/// // Two clients add to an empty cart, neither having read it: both are kept.
/// cart.put(1, &VClock::new(), "milk").unwrap();
/// cart.put(1, &VClock::new(), "eggs").unwrap();
/// let read = cart.get();
/// assert_eq!(read.values.len(), 2); // siblings: the reader must reconcile them
/// // The reconciled cart, written with the context of the read, replaces both.
/// cart.put(1, &read.context, "milk, eggs").unwrap();
/// assert_eq!(cart.get().values, ["milk, eggs"]);
/// ```
#[derive(Debug, Clone)]
pub struct Store<V> {
    _state: PhantomData<V>,
}

impl<V: Clone> VersionedStore<V> for Store<V> {
    type Clock = VClock;

    /// No version yet.
    fn new() -> Self {
        todo!("Store::new")
    }

    /// A new version with dot `(node, 1 + the largest counter of node known here)`, replacing
    /// the versions whose dots `context` covers.
    ///
    /// # Errors
    ///
    /// [`ClockError::Overflow`]; nothing is written, and no version is dropped.
    fn put(&mut self, node: NodeId, context: &VClock, value: V) -> Result<Dot, ClockError> {
        todo!("Store::put")
    }

    /// Every sibling's value, and the merge of every held context and dot.
    fn get(&self) -> Read<V, VClock> {
        todo!("Store::get")
    }

    /// The versions held.
    fn versions(&self) -> Vec<Version<V, VClock>> {
        todo!("Store::versions")
    }

    /// Keeps `version` unless it is already here or superseded; drops what it supersedes.
    ///
    /// # Errors
    ///
    /// [`ClockError::ZeroCounter`] for a dot counter of 0, whatever the store holds; nothing
    /// changes.
    fn receive(&mut self, version: Version<V, VClock>) -> Result<bool, ClockError> {
        todo!("Store::receive")
    }

    /// The number of versions held.
    fn len(&self) -> usize {
        todo!("Store::len")
    }
}
