//! `consistent-hashing` in the design learners most often write. The reference hashes a key once
//! with `ahash` under fixed seeds, derives every node's points and scores from a 64-bit mix of
//! `(node, index)`, keeps the ring in two parallel sorted arrays changed in place, and shares it
//! as snapshots; here:
//!
//! - everything is hashed with std's `DefaultHasher::new()` (SipHash with fixed keys): a key's
//!   bytes, a ring point's `(node, index)`, a rendezvous score's `(key, node)`, a Maglev node's
//!   `(node, "offset")` and `(node, "skip")`;
//! - modulo keeps its members in a `BTreeMap` and a list holding each `weight` times;
//! - the ring is a `BTreeMap<u64, NodeId>` from point to owner: a lookup is `range(h..)`'s first
//!   entry, or the map's first; a join inserts its points one by one, a leave recomputes and
//!   removes them;
//! - jump is the paper's function as printed, over a `Vec` of the members in order of addition;
//! - rendezvous scores every member with SipHash of `(key, node)`: the highest score wins, and
//!   with weights the highest `−w / ln(u)`, `u` the score as a fraction in `(0, 1)`;
//! - Maglev is the paper's: the table rebuilt on every change, round-robin over the members in
//!   id order, each taking the next free slot of its permutation `offset + j·skip mod M`;
//! - the shared ring is the `BTreeMap` ring behind one `kata_core::sync::Mutex`: readers take
//!   the lock too. Correct, and slower under contention.
//!
//! Graded on every stage as `--mutant btree-sip`.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use kata_core::consistent_hashing::{
    ConcurrentRouter, ConfigError, MaglevRouter, MembershipError, NodeId, RingRouter, Router,
    DEFAULT_TABLE_SIZE, DEFAULT_VNODES, MAX_TABLE_SIZE, MAX_VNODES, MAX_WEIGHT,
};
use kata_core::sync::Mutex;
use kata_suites::consistent_hashing::ConsistentHashingFamily;

/// The BTreeMap-and-SipHash `consistent-hashing` family.
pub struct BtreeSipFamily;

impl ConsistentHashingFamily for BtreeSipFamily {
    type Modulo = SipModulo;
    type Ring = BtreeRing;
    type Jump = PaperJump;
    type Rendezvous = SipRendezvous;
    type Maglev = PaperMaglev;
    type Shared = LockedRing;
}

/// `value` hashed with std's SipHash under its fixed keys.
fn sip<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Checks a weight, in the documented order.
fn check_weight(weight: u32) -> Result<(), MembershipError> {
    if weight == 0 {
        return Err(MembershipError::ZeroWeight);
    }
    if weight > MAX_WEIGHT {
        return Err(MembershipError::WeightTooLarge(weight));
    }
    Ok(())
}

/// Checks a weight for a router that takes weight 1 only.
fn check_unit_weight(weight: u32) -> Result<(), MembershipError> {
    check_weight(weight)?;
    if weight != 1 {
        return Err(MembershipError::WeightsUnsupported);
    }
    Ok(())
}

/// Up to `want` distinct nodes of `walk`, in order.
fn first_distinct(walk: impl Iterator<Item = NodeId>, want: usize) -> Vec<NodeId> {
    let mut out = Vec::new();
    for node in walk {
        if out.len() == want {
            break;
        }
        if !out.contains(&node) {
            out.push(node);
        }
    }
    out
}

// ---- Modulo. ----

/// Modulo hashing over a list holding each member `weight` times, in id order.
#[derive(Debug, Default)]
pub struct SipModulo {
    weights: BTreeMap<NodeId, u32>,
    list: Vec<NodeId>,
}

impl SipModulo {
    fn rebuild(&mut self) {
        self.list.clear();
        for (&node, &weight) in &self.weights {
            for _ in 0..weight {
                self.list.push(node);
            }
        }
    }
}

impl Router for SipModulo {
    fn new() -> Self {
        SipModulo::default()
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight)?;
        if self.weights.contains_key(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        self.weights.insert(node, weight);
        self.rebuild();
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        if self.weights.remove(&node).is_none() {
            return Err(MembershipError::NotMember(node));
        }
        self.rebuild();
        Ok(())
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.list.is_empty() {
            return None;
        }
        Some(self.list[(sip(key) % self.list.len() as u64) as usize])
    }

    /// The key's node, then the next members by id, wrapping.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let Some(first) = self.node_for(key) else {
            return Vec::new();
        };
        let after = self.weights.range(first..).map(|(&x, _)| x);
        let before = self.weights.range(..first).map(|(&x, _)| x);
        after.chain(before).take(n).collect()
    }

    fn members(&self) -> Vec<NodeId> {
        self.weights.keys().copied().collect()
    }

    fn len(&self) -> usize {
        self.weights.len()
    }
}

// ---- The ring. ----

/// A hash ring in a `BTreeMap` from point to owner; point `i` of `node` is SipHash of
/// `(node, i)`.
#[derive(Debug)]
pub struct BtreeRing {
    vnodes: u32,
    weights: BTreeMap<NodeId, u32>,
    points: BTreeMap<u64, NodeId>,
}

impl BtreeRing {
    /// The points of `node` with `weight`.
    fn points_of(&self, node: NodeId, weight: u32) -> impl Iterator<Item = u64> {
        (0..self.vnodes * weight).map(move |i| sip(&(node, i)))
    }

    /// The owners met walking clockwise from `key`'s hash.
    fn clockwise(&self, key: &[u8]) -> impl Iterator<Item = NodeId> + '_ {
        let h = sip(key);
        self.points
            .range(h..)
            .chain(self.points.range(..h))
            .map(|(_, &node)| node)
    }
}

impl Router for BtreeRing {
    fn new() -> Self {
        BtreeRing {
            vnodes: DEFAULT_VNODES,
            weights: BTreeMap::new(),
            points: BTreeMap::new(),
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight)?;
        if self.weights.contains_key(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        self.weights.insert(node, weight);
        let points: Vec<u64> = self.points_of(node, weight).collect();
        for p in points {
            // Two 64-bit SipHashes never meet at these sizes; were they to, the lower id keeps
            // the point, whatever the order of the adds.
            let owner = self.points.entry(p).or_insert(node);
            *owner = (*owner).min(node);
        }
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let Some(weight) = self.weights.remove(&node) else {
            return Err(MembershipError::NotMember(node));
        };
        let points: Vec<u64> = self.points_of(node, weight).collect();
        for p in points {
            if self.points.get(&p) == Some(&node) {
                self.points.remove(&p);
            }
        }
        Ok(())
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        let h = sip(key);
        self.points
            .range(h..)
            .next()
            .or_else(|| self.points.iter().next())
            .map(|(_, &node)| node)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        first_distinct(self.clockwise(key), n.min(self.weights.len()))
    }

    fn members(&self) -> Vec<NodeId> {
        self.weights.keys().copied().collect()
    }

    fn len(&self) -> usize {
        self.weights.len()
    }
}

impl RingRouter for BtreeRing {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        if vnodes == 0 {
            return Err(ConfigError::ZeroVnodes);
        }
        if vnodes > MAX_VNODES {
            return Err(ConfigError::TooManyVnodes);
        }
        Ok(BtreeRing {
            vnodes,
            ..BtreeRing::new()
        })
    }

    fn vnodes(&self) -> u32 {
        self.vnodes
    }

    fn points(&self) -> usize {
        self.points.len()
    }
}

// ---- Jump. ----

/// Jump consistent hash as printed in the paper (Lamping and Veach 2014, figure 1).
fn jump_consistent_hash(mut key: u64, num_buckets: i32) -> i32 {
    let (mut b, mut j): (i64, i64) = (-1, 0);
    while j < i64::from(num_buckets) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * (f64::from(1u32 << 31) / ((key >> 33) + 1) as f64)) as i64;
    }
    b as i32
}

/// Jump over the members in order of addition.
#[derive(Debug, Default)]
pub struct PaperJump {
    buckets: Vec<NodeId>,
}

impl PaperJump {
    fn bucket(&self, key: &[u8]) -> usize {
        let n = i32::try_from(self.buckets.len()).expect("fewer than 2^31 nodes");
        jump_consistent_hash(sip(key), n) as usize
    }
}

impl Router for PaperJump {
    fn new() -> Self {
        PaperJump::default()
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_unit_weight(weight)?;
        if self.buckets.contains(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        self.buckets.push(node);
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        if !self.buckets.contains(&node) {
            return Err(MembershipError::NotMember(node));
        }
        let last = self.buckets[self.buckets.len() - 1];
        if last != node {
            return Err(MembershipError::NotLast { node, last });
        }
        self.buckets.pop();
        Ok(())
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.buckets.is_empty() {
            return None;
        }
        Some(self.buckets[self.bucket(key)])
    }

    /// The key's bucket, then the next ones, wrapping.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        if self.buckets.is_empty() {
            return Vec::new();
        }
        let b = self.bucket(key);
        let len = self.buckets.len();
        (0..n.min(len))
            .map(|i| self.buckets[(b + i) % len])
            .collect()
    }

    fn members(&self) -> Vec<NodeId> {
        let mut members = self.buckets.clone();
        members.sort_unstable();
        members
    }

    fn len(&self) -> usize {
        self.buckets.len()
    }
}

// ---- Rendezvous. ----

/// Rendezvous hashing: every member scores the key with SipHash of `(key, node)`.
#[derive(Debug, Default)]
pub struct SipRendezvous {
    weights: BTreeMap<NodeId, u32>,
}

impl SipRendezvous {
    /// Every member, best first; ties to the lower id.
    fn ranking(&self, key: &[u8]) -> Vec<NodeId> {
        let weighted = self.weights.values().any(|&w| w != 1);
        let mut scored: Vec<(f64, u64, NodeId)> = self
            .weights
            .iter()
            .map(|(&node, &weight)| {
                let s = sip(&(key, node));
                (
                    if weighted {
                        weighted_score(s, weight)
                    } else {
                        0.0
                    },
                    s,
                    node,
                )
            })
            .collect();
        scored.sort_by(|a, b| {
            if weighted {
                b.0.total_cmp(&a.0)
            } else {
                b.1.cmp(&a.1)
            }
            .then(a.2.cmp(&b.2))
        });
        scored.into_iter().map(|(_, _, node)| node).collect()
    }
}

/// `−w / ln(u)`, `u` the score's top 53 bits as a fraction in `(0, 1)`.
fn weighted_score(score: u64, weight: u32) -> f64 {
    let u = ((score >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    -f64::from(weight) / u.ln()
}

impl Router for SipRendezvous {
    fn new() -> Self {
        SipRendezvous::default()
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight)?;
        if self.weights.contains_key(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        self.weights.insert(node, weight);
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        self.weights
            .remove(&node)
            .map(|_| ())
            .ok_or(MembershipError::NotMember(node))
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        let weighted = self.weights.values().any(|&w| w != 1);
        let mut best: Option<(f64, u64, NodeId)> = None;
        for (&node, &weight) in &self.weights {
            let s = sip(&(key, node));
            let score = if weighted {
                weighted_score(s, weight)
            } else {
                0.0
            };
            // Ascending ids: a strictly higher score replaces, so ties stay with the lower id.
            let higher = match best {
                None => true,
                Some((f, _, _)) if weighted => score > f,
                Some((_, b, _)) => s > b,
            };
            if higher {
                best = Some((score, s, node));
            }
        }
        best.map(|(_, _, node)| node)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let mut ranking = self.ranking(key);
        ranking.truncate(n);
        ranking
    }

    fn members(&self) -> Vec<NodeId> {
        self.weights.keys().copied().collect()
    }

    fn len(&self) -> usize {
        self.weights.len()
    }
}

// ---- Maglev. ----

/// Maglev as the paper builds it: the table rebuilt from scratch on every change.
#[derive(Debug)]
pub struct PaperMaglev {
    size: u64,
    nodes: Vec<NodeId>,
    table: Vec<NodeId>,
}

impl PaperMaglev {
    fn populate(&mut self) {
        self.table.clear();
        if self.nodes.is_empty() {
            return;
        }
        let m = self.size;
        let perms: Vec<(u64, u64)> = self
            .nodes
            .iter()
            .map(|&node| {
                (
                    sip(&(node, "offset")) % m,
                    sip(&(node, "skip")) % (m - 1) + 1,
                )
            })
            .collect();
        let mut next = vec![0u64; self.nodes.len()];
        let mut entry: Vec<Option<NodeId>> = vec![None; m as usize];
        let mut filled = 0;
        'fill: loop {
            for (i, &(offset, skip)) in perms.iter().enumerate() {
                let mut c = (offset + next[i] * skip) % m;
                while entry[c as usize].is_some() {
                    next[i] += 1;
                    c = (offset + next[i] * skip) % m;
                }
                entry[c as usize] = Some(self.nodes[i]);
                next[i] += 1;
                filled += 1;
                if filled == m {
                    break 'fill;
                }
            }
        }
        self.table = entry.into_iter().map(|e| e.expect("filled")).collect();
    }

    fn slot(&self, key: &[u8]) -> usize {
        (sip(key) % self.size) as usize
    }
}

impl Router for PaperMaglev {
    fn new() -> Self {
        PaperMaglev {
            size: DEFAULT_TABLE_SIZE,
            nodes: Vec::new(),
            table: Vec::new(),
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_unit_weight(weight)?;
        if self.nodes.contains(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        if self.nodes.len() as u64 >= self.size {
            return Err(MembershipError::TableFull {
                table_size: self.size,
            });
        }
        self.nodes.push(node);
        self.nodes.sort_unstable();
        self.populate();
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let Some(at) = self.nodes.iter().position(|&x| x == node) else {
            return Err(MembershipError::NotMember(node));
        };
        self.nodes.remove(at);
        self.populate();
        Ok(())
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.table.is_empty() {
            return None;
        }
        Some(self.table[self.slot(key)])
    }

    /// The nodes met walking the table forward from the key's slot.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        if self.table.is_empty() {
            return Vec::new();
        }
        let s = self.slot(key);
        let walk = self.table[s..].iter().chain(&self.table[..s]).copied();
        first_distinct(walk, n.min(self.nodes.len()))
    }

    fn members(&self) -> Vec<NodeId> {
        self.nodes.clone()
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }
}

impl MaglevRouter for PaperMaglev {
    fn with_table_size(table_size: u64) -> Result<Self, ConfigError> {
        if !(2..=MAX_TABLE_SIZE).contains(&table_size) {
            return Err(ConfigError::TableSizeOutOfRange(table_size));
        }
        let mut d = 2;
        while d * d <= table_size {
            if table_size.is_multiple_of(d) {
                return Err(ConfigError::TableSizeNotPrime(table_size));
            }
            d += 1;
        }
        Ok(PaperMaglev {
            size: table_size,
            ..PaperMaglev::new()
        })
    }

    fn table_size(&self) -> u64 {
        self.size
    }
}

// ---- The shared ring. ----

/// The [`BtreeRing`] behind one mutex: every call, lookups included, takes it.
#[derive(Debug)]
pub struct LockedRing {
    ring: Mutex<BtreeRing>,
}

impl ConcurrentRouter for LockedRing {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        Ok(LockedRing {
            ring: Mutex::new(BtreeRing::with_vnodes(vnodes)?),
        })
    }

    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.ring.lock().add(node, weight)
    }

    fn remove(&self, node: NodeId) -> Result<(), MembershipError> {
        self.ring.lock().remove(node)
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        self.ring.lock().node_for(key)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        self.ring.lock().nodes_for(key, n)
    }

    fn members(&self) -> Vec<NodeId> {
        self.ring.lock().members()
    }
}
