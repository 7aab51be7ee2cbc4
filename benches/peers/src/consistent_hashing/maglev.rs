//! The [`maglev`](https://crates.io/crates/maglev) crate's `Maglev` behind [`MaglevRouter`].
//!
//! maglev (0.2.1) builds a lookup table of a prime size `M` from a list of nodes, as the paper
//! does: each node's offset and skip from two SipHash-1-3 hashes of it (std's `DefaultHasher`,
//! zero keys: deterministic), its whole permutation of the slots materialised (a `Vec` of `M`
//! slots per node while the table fills), and the nodes take their next preferred free slot in
//! turn until the table is full. A lookup hashes the key and reads `table[h mod M]`: one
//! division and one load, O(1). The table is built once, from the list it is given; the adapter
//! builds it again from its members, in ascending order (so that the table is a function of the
//! membership alone), on every add and remove, with the table size the router was made with
//! (`with_capacity` takes the first prime at or above it, the size itself when it is prime).
//!
//! The kata's configuration and membership errors are checked by the adapter first: the crate
//! rounds any size up to a prime and never refuses a node. [`MembershipError::TableFull`] is
//! refused as the kata documents it: a table holds fewer nodes than it has slots, so a node is
//! refused when the members already number the slots. Weights are refused (Maglev's nodes are
//! equal), and there are no replicas: `nodes_for` gives the one node.

use ::maglev::{ConsistentHasher, Maglev};
use kata_core::consistent_hashing::{
    ConfigError, MaglevRouter, MembershipError, NodeId, Router, DEFAULT_TABLE_SIZE, MAX_TABLE_SIZE,
};

use super::{one_replica, Members};

/// maglev's `Maglev` behind [`MaglevRouter`] (see the module documentation).
#[derive(Debug, Clone)]
pub struct MaglevCrate {
    /// The crate's table; `None` with no members (the crate has no table for no nodes).
    table: Option<Maglev<NodeId>>,
    table_size: u64,
    members: Members,
}

impl MaglevCrate {
    /// The crate's table for the members as they are now.
    fn rebuild(&mut self) {
        self.table = (!self.members.is_empty())
            .then(|| Maglev::with_capacity(self.members.ids(), self.table_size as usize));
    }
}

/// Whether `n` is a prime, by trial division (at most 2 048 divisions up to
/// [`MAX_TABLE_SIZE`]; it runs once per router).
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}

impl Router for MaglevCrate {
    fn new() -> Self {
        MaglevCrate {
            table: None,
            table_size: DEFAULT_TABLE_SIZE,
            members: Members::new(),
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.members.check_add(node, weight, false)?;
        if self.members.len() as u64 >= self.table_size {
            return Err(MembershipError::TableFull {
                table_size: self.table_size,
            });
        }
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
        self.table.as_ref()?.get(key).copied()
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

impl MaglevRouter for MaglevCrate {
    fn with_table_size(table_size: u64) -> Result<Self, ConfigError> {
        if !(2..=MAX_TABLE_SIZE).contains(&table_size) {
            return Err(ConfigError::TableSizeOutOfRange(table_size));
        }
        if !is_prime(table_size) {
            return Err(ConfigError::TableSizeNotPrime(table_size));
        }
        Ok(MaglevCrate {
            table_size,
            ..Router::new()
        })
    }

    fn table_size(&self) -> u64 {
        self.table_size
    }
}
