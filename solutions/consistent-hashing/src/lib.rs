//! Reference solution of the `consistent-hashing` kata.
//!
//! Five routers of keys to nodes ([`ModuloRouter`], [`Ring`], [`Jump`], [`Rendezvous`],
//! [`Maglev`]) and a ring shared by threads ([`SharedRing`]), over one hashing scheme.
//!
//! # Hashing
//!
//! A key is hashed once, to 64 bits, with `ahash` under fixed seeds ([`HASHER`]): every router
//! built the same way, in every process running this build, places a key the same way. With fixed
//! seeds the hash is not DoS-resistant (whoever reads this source can make keys that all land on
//! one node); a router fed by an adversary should take a keyed hash with a secret seed.
//!
//! Everything that belongs to a node (a ring's points, a rendezvous node's seed, a Maglev node's
//! offset and skip) comes from [`node_value`]: the pair (node id, index) packed into one 64-bit
//! word and scrambled by bijections (a multiplication by an odd constant, an XOR with a seed, the
//! SplitMix64 finaliser [`mix64`]). No string is formatted and nothing is hashed byte by byte:
//! a point costs a few instructions, and two distinct pairs never give the same value, so two
//! ring points never collide. The ring still orders equal points by node id, so that it stays a
//! function of its membership whatever the hashing.
//!
//! # Costs
//!
//! | router | `node_for` | memory | `add` / `remove` |
//! |---|---|---|---|
//! | [`ModuloRouter`] | O(1): one division | one entry per unit of weight | O(Σ weights) |
//! | [`Ring`] | O(log(n·v)): a binary search | 12 bytes per point | O(n·v): a merge |
//! | [`Jump`] | O(log n): the jump loop | one id per node | O(n) (the member check) |
//! | [`Rendezvous`] | O(n): a score per node | 16 bytes per node (+ 8 with weights) | O(n) |
//! | [`Maglev`] | O(1): one table read | 4 bytes per slot | the table rebuilt on the next lookup, expected O(M log M) |
//!
//! `node_for` never allocates; `nodes_for` allocates its answer (and, for rendezvous, the
//! scores it selects from).

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use ahash::RandomState;
use kata_core::sync::{Arc, Mutex, RwLock};

pub use kata_core::consistent_hashing::{
    ConcurrentRouter, ConfigError, MaglevRouter, MembershipError, NodeId, RingRouter, Router,
    DEFAULT_TABLE_SIZE, DEFAULT_VNODES, MAX_TABLE_SIZE, MAX_VNODES, MAX_WEIGHT,
};

/// The hasher of keys: `ahash` with fixed seeds (arbitrary constants; any would do), so that
/// routers built alike place every key alike.
static HASHER: RandomState = RandomState::with_seeds(
    0x243f_6a88_85a3_08d3,
    0x1319_8a2e_0370_7344,
    0xa409_3822_299f_31d0,
    0x082e_fa98_ec4e_6c89,
);

/// The seeds of [`node_value`], one per use, so that a ring's points, a rendezvous node's seed
/// and a Maglev node's permutation are unrelated.
const RING_SEED: u64 = 0x4528_21e6_38d0_1377;
const RENDEZVOUS_SEED: u64 = 0xbe54_66cf_34e9_0c6c;
const MAGLEV_SEED: u64 = 0xc0ac_29b7_c97c_50dd;

/// `⌊2^64/φ⌋`, odd: multiplying by it is a bijection that spreads consecutive integers.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The key's 64-bit hash.
#[inline]
fn key_hash(key: &[u8]) -> u64 {
    HASHER.hash_one(key)
}

/// The SplitMix64 finaliser (Stafford's "mix 13"): a bijection of `u64` in which every input bit
/// changes about half of the output bits.
#[inline]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A well-mixed 64-bit value for the pair (`node`, `index`) under `seed`. Every step is a
/// bijection, so two distinct pairs never give the same value under one seed.
#[inline]
fn node_value(seed: u64, node: NodeId, index: u32) -> u64 {
    mix64(((u64::from(node) << 32) | u64::from(index)).wrapping_mul(GAMMA) ^ seed)
}

/// `h` brought into `[0, n)` by multiply-shift (Lemire's "fast range"): `⌊h·n / 2^64⌋`, from the
/// top bits of `h`, with no division.
#[inline]
fn fast_range(h: u64, n: usize) -> usize {
    ((u128::from(h) * n as u128) >> 64) as usize
}

/// Checks a weight, in the order [`Router::add`] documents.
fn check_weight(weight: u32) -> Result<(), MembershipError> {
    if weight == 0 {
        Err(MembershipError::ZeroWeight)
    } else if weight > MAX_WEIGHT {
        Err(MembershipError::WeightTooLarge(weight))
    } else {
        Ok(())
    }
}

/// Checks a weight for a router that weighs every node alike (jump, Maglev).
fn check_unit_weight(weight: u32) -> Result<(), MembershipError> {
    check_weight(weight)?;
    if weight == 1 {
        Ok(())
    } else {
        Err(MembershipError::WeightsUnsupported)
    }
}

/// The first `want` distinct nodes of `walk`, in order (fewer if `walk` ends first).
///
/// A short list is searched for each node (a few comparisons); a long one keeps a set, so that
/// asking for every replica of a large cluster is not quadratic.
fn distinct(walk: impl Iterator<Item = NodeId>, want: usize) -> Vec<NodeId> {
    let mut out = Vec::with_capacity(want);
    if want == 0 {
        return out;
    }
    if want <= 16 {
        for node in walk {
            if !out.contains(&node) {
                out.push(node);
                if out.len() == want {
                    break;
                }
            }
        }
    } else {
        let mut seen = HashSet::with_capacity(want);
        for node in walk {
            if seen.insert(node) {
                out.push(node);
                if out.len() == want {
                    break;
                }
            }
        }
    }
    out
}

/// Modulo hashing, the anti-example: node `hash(key) mod N` of a list holding each member
/// `weight` times (ascending by id), `N` the sum of the weights.
///
/// Perfect balance, and a change of membership changes `N`, so almost every key moves: a
/// fraction `1 − 1/(n+1)` of them when one node joins `n` of weight 1.
#[derive(Clone, Default)]
pub struct ModuloRouter {
    /// The members and their weights, ascending by id.
    members: Vec<(NodeId, u32)>,
    /// Each member `weight` times, in the order of `members`.
    slots: Vec<NodeId>,
}

impl ModuloRouter {
    fn position(&self, node: NodeId) -> Result<usize, usize> {
        self.members.binary_search_by_key(&node, |&(id, _)| id)
    }

    fn rebuild(&mut self) {
        self.slots.clear();
        for &(id, weight) in &self.members {
            self.slots.extend(std::iter::repeat_n(id, weight as usize));
        }
    }
}

impl fmt::Debug for ModuloRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModuloRouter")
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}

impl Router for ModuloRouter {
    fn new() -> Self {
        ModuloRouter::default()
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight)?;
        let at = match self.position(node) {
            Ok(_) => return Err(MembershipError::AlreadyMember(node)),
            Err(at) => at,
        };
        self.members.insert(at, (node, weight));
        self.rebuild();
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let at = self
            .position(node)
            .map_err(|_| MembershipError::NotMember(node))?;
        self.members.remove(at);
        self.rebuild();
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.slots.is_empty() {
            return None;
        }
        // A true modulo, on purpose: this is the scheme whose every answer depends on `N`.
        let slot = key_hash(key) % self.slots.len() as u64;
        Some(self.slots[slot as usize])
    }

    /// The owner of the key's slot, then the next members going forward through the list
    /// (wrapping), each once.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.members.len());
        let Some(first) = self.node_for(key).filter(|_| want > 0) else {
            return Vec::new();
        };
        // A member's copies are contiguous, so the next distinct nodes are the next members.
        let start = self.position(first).unwrap_or_default();
        (0..want)
            .map(|j| self.members[(start + j) % self.members.len()].0)
            .collect()
    }

    fn members(&self) -> Vec<NodeId> {
        self.members.iter().map(|&(id, _)| id).collect()
    }

    fn len(&self) -> usize {
        self.members.len()
    }
}

/// A hash ring with virtual nodes (Karger et al. 1997; Dynamo 2007): each member owns
/// `vnodes × weight` points on a circle of 2^64 positions, and a key belongs to the first point
/// at or after its hash, wrapping past the top to the first point.
///
/// The points are two parallel sorted arrays, the positions (`u64`) and their owners
/// (`NodeId`): the binary search reads only the positions, eight bytes each, and the owner of
/// the point it lands on is one more read (measured with 16 000 points: 12 ns a lookup, where
/// one array of `(u64, NodeId)` pairs, 16 bytes each with padding, took 14). 12 bytes per point,
/// exactly: a join reserves room for its own points and no more.
///
/// A change is made in place: a join sorts its `vnodes × weight` new points and merges them in
/// from the back (each old point moved once, by `copy_within`), a leave compacts the arrays
/// over the leaver's points; both O(n·v). Building new arrays at each change costs the same in
/// theory, but each change then allocates megabytes that the kernel must map and zero afresh:
/// measured, adding 2 048 nodes one by one took 0.45 s that way and 0.12 s in place.
///
/// Equal positions (which [`node_value`] never gives) would be ordered by owner id, so the ring
/// is a function of its membership, not of the order of the changes that made it.
pub struct Ring {
    vnodes: u32,
    /// The members and their weights, ascending by id.
    members: Vec<(NodeId, u32)>,
    /// The points' positions, ascending.
    points: Vec<u64>,
    /// `owners[i]` owns `points[i]`.
    owners: Vec<NodeId>,
}

impl Clone for Ring {
    fn clone(&self) -> Self {
        Ring {
            vnodes: self.vnodes,
            members: self.members.clone(),
            points: self.points.clone(),
            owners: self.owners.clone(),
        }
    }

    /// Copies `source` into this ring's buffers, allocating only if they are too small.
    fn clone_from(&mut self, source: &Self) {
        self.vnodes = source.vnodes;
        self.members.clone_from(&source.members);
        self.points.clone_from(&source.points);
        self.owners.clone_from(&source.owners);
    }
}

impl Ring {
    fn position(&self, node: NodeId) -> Result<usize, usize> {
        self.members.binary_search_by_key(&node, |&(id, _)| id)
    }

    /// Checks an add, in the order [`Router::add`] documents; nothing changes.
    fn check_add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight)?;
        match self.position(node) {
            Ok(_) => Err(MembershipError::AlreadyMember(node)),
            Err(_) => Ok(()),
        }
    }

    /// Adds `node` with `weight`, which [`Ring::check_add`] accepted.
    fn insert(&mut self, node: NodeId, weight: u32) {
        let at = self.position(node).unwrap_err();
        self.members.insert(at, (node, weight));
        // At most MAX_VNODES × MAX_WEIGHT = 10^7 points: the index fits in a u32.
        let count = self.vnodes * weight;
        let mut fresh: Vec<u64> = (0..count).map(|i| node_value(RING_SEED, node, i)).collect();
        fresh.sort_unstable();

        // Merge from the back: the old points still to place are `[0, end)`; the new point `j`
        // and the old points after it shift up by `j + 1`. Exact reservations: no spare
        // capacity, 12 bytes a point.
        let mut end = self.points.len();
        self.points.reserve_exact(fresh.len());
        self.owners.reserve_exact(fresh.len());
        self.points.resize(end + fresh.len(), 0);
        self.owners.resize(end + fresh.len(), 0);
        for (j, &p) in fresh.iter().enumerate().rev() {
            // The old points that come before `p`: those below it, then those equal to it with
            // a smaller owner.
            let mut at = self.points[..end].partition_point(|&q| q < p);
            while at < end && self.points[at] == p && self.owners[at] < node {
                at += 1;
            }
            self.points.copy_within(at..end, at + j + 1);
            self.owners.copy_within(at..end, at + j + 1);
            self.points[at + j] = p;
            self.owners[at + j] = node;
            end = at;
        }
    }

    /// Removes the member at `index` of `members` and its points.
    fn delete(&mut self, index: usize) {
        let (node, _) = self.members.remove(index);
        let mut kept = 0;
        for i in 0..self.points.len() {
            if self.owners[i] != node {
                self.points[kept] = self.points[i];
                self.owners[kept] = self.owners[i];
                kept += 1;
            }
        }
        self.points.truncate(kept);
        self.owners.truncate(kept);
    }

    /// The index of the first point at or after `h`, wrapping to 0 past the last point.
    #[inline]
    fn start(&self, h: u64) -> usize {
        let i = self.points.partition_point(|&p| p < h);
        if i == self.points.len() {
            0
        } else {
            i
        }
    }
}

impl fmt::Debug for Ring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ring")
            .field("vnodes", &self.vnodes)
            .field("members", &self.members)
            .field("points", &self.points.len())
            .finish_non_exhaustive()
    }
}

impl Router for Ring {
    fn new() -> Self {
        Ring {
            vnodes: DEFAULT_VNODES,
            members: Vec::new(),
            points: Vec::new(),
            owners: Vec::new(),
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.check_add(node, weight)?;
        self.insert(node, weight);
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let index = self
            .position(node)
            .map_err(|_| MembershipError::NotMember(node))?;
        self.delete(index);
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        // An empty ring starts at 0 and has no owner there.
        self.owners.get(self.start(key_hash(key))).copied()
    }

    /// The owners met walking clockwise from the key's point, each once (Dynamo's preference
    /// list): at most one turn of the ring.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.members.len());
        if want == 0 {
            return Vec::new();
        }
        let i = self.start(key_hash(key));
        let walk = self.owners[i..].iter().chain(&self.owners[..i]).copied();
        distinct(walk, want)
    }

    fn members(&self) -> Vec<NodeId> {
        self.members.iter().map(|&(id, _)| id).collect()
    }

    fn len(&self) -> usize {
        self.members.len()
    }
}

impl RingRouter for Ring {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        if vnodes == 0 {
            return Err(ConfigError::ZeroVnodes);
        }
        if vnodes > MAX_VNODES {
            return Err(ConfigError::TooManyVnodes);
        }
        Ok(Ring {
            vnodes,
            ..Ring::new()
        })
    }

    fn vnodes(&self) -> u32 {
        self.vnodes
    }

    fn points(&self) -> usize {
        self.points.len()
    }
}

/// Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash
/// Algorithm", 2014): the bucket of a 64-bit key among `buckets`, in O(log buckets) expected
/// steps.
///
/// The key seeds a linear congruential generator; each step jumps from the current bucket `b` to
/// the next bucket `j > b` at which the key would move as buckets are added one by one (the
/// chance that it moves to bucket `i` when it is added is `1/(i+1)`), and the last `b` below
/// `buckets` is the answer. The float division is the paper's: `(b + 1) · 2^31 / (r + 1)` with
/// `r` the generator's top 31 bits.
#[inline]
fn jump(mut key: u64, buckets: usize) -> usize {
    let buckets = buckets as i64;
    let mut b: i64 = -1;
    let mut j: i64 = 0;
    while j < buckets {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        // Saturating conversion: a huge quotient ends the loop, as it should.
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as usize
}

/// Jump consistent hash over the members in order of addition: member `i` is bucket `i`.
///
/// No memory beyond the list, perfect balance, O(log n) per lookup; but the buckets are numbered,
/// so only the last member added can leave ([`MembershipError::NotLast`]), and nodes have no
/// weights.
#[derive(Clone, Default)]
pub struct Jump {
    /// The members in order of addition: bucket `i` is `buckets[i]`.
    buckets: Vec<NodeId>,
    /// The same members, ascending, for the membership checks and [`Router::members`].
    sorted: Vec<NodeId>,
}

impl fmt::Debug for Jump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jump")
            .field("buckets", &self.buckets)
            .finish()
    }
}

impl Router for Jump {
    fn new() -> Self {
        Jump::default()
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_unit_weight(weight)?;
        let at = match self.sorted.binary_search(&node) {
            Ok(_) => return Err(MembershipError::AlreadyMember(node)),
            Err(at) => at,
        };
        self.sorted.insert(at, node);
        self.buckets.push(node);
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let at = self
            .sorted
            .binary_search(&node)
            .map_err(|_| MembershipError::NotMember(node))?;
        // A member, so there is a last one.
        let last = *self.buckets.last().expect("a member was found");
        if last != node {
            return Err(MembershipError::NotLast { node, last });
        }
        self.buckets.pop();
        self.sorted.remove(at);
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.buckets.is_empty() {
            return None;
        }
        Some(self.buckets[jump(key_hash(key), self.buckets.len())])
    }

    /// The key's bucket, then the next buckets in order (wrapping).
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.buckets.len());
        if want == 0 {
            return Vec::new();
        }
        let b = jump(key_hash(key), self.buckets.len());
        (0..want)
            .map(|j| self.buckets[(b + j) % self.buckets.len()])
            .collect()
    }

    fn members(&self) -> Vec<NodeId> {
        self.sorted.clone()
    }

    fn len(&self) -> usize {
        self.buckets.len()
    }
}

/// Rendezvous hashing, or highest random weight (Thaler and Ravishankar 1998): every member
/// scores the key, and the highest score wins; the `n` replicas are the `n` highest.
///
/// A node's score for a key is `mix64(hash(key) XOR seed(node))`: a bijection of the XOR, so two
/// members never tie on a key. A member that joins takes exactly the keys it outscores everyone
/// on; one that leaves gives each of its keys to the runner-up. O(n) per lookup, no memory
/// beyond the members.
///
/// Weights by the logarithmic method (Schindelhauer and Schomaker, "Weighted Distributed Hash
/// Tables", 2005): with `u` the score mapped into `(0, 1]`, the winner is the node with the
/// highest `−w / ln u`, the same as the highest `ln(u) / w` (computed so, with no division by a
/// zero logarithm at `u = 1`). `−ln(u)` is exponentially distributed, so `−ln(u)/w` is an
/// exponential variable of rate `w`, and the smallest of them is node `i`'s with probability
/// `w_i / Σ w`: the shares are proportional to the weights, and still consistent. While every
/// weight is 1 the integer score is compared directly: the same order, without a logarithm per
/// node (the two can disagree only on two scores that share their top 53 bits, about one key
/// in 2^50).
#[derive(Clone, Default)]
pub struct Rendezvous {
    /// The members, ascending (ties, which the float scores can have, go to the lowest id).
    ids: Vec<NodeId>,
    /// `seeds[i]`: member `i`'s seed, XORed with a key's hash.
    seeds: Vec<u64>,
    /// `weights[i]`: member `i`'s weight.
    weights: Vec<u32>,
    /// `1 / weights[i]`.
    inverse_weights: Vec<f64>,
    /// Whether some weight is not 1 (the logarithmic scores are needed).
    weighted: bool,
}

/// The weighted score of a node whose integer score is `score`: `ln(u) / w`, with
/// `u = ((score >> 11) + 1) / 2^53` in `(0, 1]`. Higher is better, as for the integer score.
#[inline]
fn weighted_score(score: u64, inverse_weight: f64) -> f64 {
    const TOP: u64 = (1 << 53) - 1;
    // `1 − u`, exact; `ln(u) = ln_1p(−(1 − u))` keeps its precision when `u` is close to 1.
    let one_minus_u = (TOP - (score >> 11)) as f64 * (1.0 / (1u64 << 53) as f64);
    (-one_minus_u).ln_1p() * inverse_weight
}

impl Rendezvous {
    #[inline]
    fn score(h: u64, seed: u64) -> u64 {
        mix64(h ^ seed)
    }
}

impl fmt::Debug for Rendezvous {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendezvous")
            .field("members", &self.ids)
            .field("weights", &self.weights)
            .finish_non_exhaustive()
    }
}

impl Router for Rendezvous {
    fn new() -> Self {
        Rendezvous::default()
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight)?;
        let at = match self.ids.binary_search(&node) {
            Ok(_) => return Err(MembershipError::AlreadyMember(node)),
            Err(at) => at,
        };
        self.ids.insert(at, node);
        self.seeds.insert(at, node_value(RENDEZVOUS_SEED, node, 0));
        self.weights.insert(at, weight);
        self.inverse_weights.insert(at, 1.0 / f64::from(weight));
        self.weighted = self.weights.iter().any(|&w| w != 1);
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let at = self
            .ids
            .binary_search(&node)
            .map_err(|_| MembershipError::NotMember(node))?;
        self.ids.remove(at);
        self.seeds.remove(at);
        self.weights.remove(at);
        self.inverse_weights.remove(at);
        self.weighted = self.weights.iter().any(|&w| w != 1);
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.ids.is_empty() {
            return None;
        }
        let h = key_hash(key);
        let mut best = 0;
        if self.weighted {
            let mut top = f64::NEG_INFINITY;
            for (i, (&seed, &inverse)) in self.seeds.iter().zip(&self.inverse_weights).enumerate() {
                let score = weighted_score(Self::score(h, seed), inverse);
                if score > top {
                    (top, best) = (score, i);
                }
            }
        } else {
            // Scores are distinct, so `>` from 0 finds the highest; if one is 0, it is the
            // only 0 and loses to any other.
            let mut top = 0;
            for (i, &seed) in self.seeds.iter().enumerate() {
                let score = Self::score(h, seed);
                if score > top {
                    (top, best) = (score, i);
                }
            }
        }
        Some(self.ids[best])
    }

    /// The members in decreasing order of score for the key: a partial selection of the `n`
    /// best (O(members)), then a sort of those `n`.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.ids.len());
        if want == 0 {
            return Vec::new();
        }
        let h = key_hash(key);
        if self.weighted {
            let mut scored: Vec<(f64, NodeId)> = self
                .seeds
                .iter()
                .zip(&self.inverse_weights)
                .zip(&self.ids)
                .map(|((&seed, &inverse), &id)| (weighted_score(Self::score(h, seed), inverse), id))
                .collect();
            best_first(&mut scored, want, |a, b| {
                b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
            })
        } else {
            let mut scored: Vec<(u64, NodeId)> = self
                .seeds
                .iter()
                .zip(&self.ids)
                .map(|(&seed, &id)| (Self::score(h, seed), id))
                .collect();
            best_first(&mut scored, want, |a, b| b.0.cmp(&a.0))
        }
    }

    fn members(&self) -> Vec<NodeId> {
        self.ids.clone()
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// The ids of the `want` first of `scored` in the order `order` (best first):
/// `select_nth_unstable_by` puts the `want` best in front in O(len), then only they are sorted.
fn best_first<S>(
    scored: &mut Vec<(S, NodeId)>,
    want: usize,
    order: impl Fn(&(S, NodeId), &(S, NodeId)) -> std::cmp::Ordering,
) -> Vec<NodeId> {
    if want < scored.len() {
        scored.select_nth_unstable_by(want - 1, &order);
        scored.truncate(want);
    }
    scored.sort_unstable_by(&order);
    scored.iter().map(|&(_, id)| id).collect()
}

/// Whether `m` is prime, by trial division (`m ≤` [`MAX_TABLE_SIZE`], so at most 2 048 odd
/// divisors; it runs once per router).
fn is_prime(m: u64) -> bool {
    if m < 2 {
        return false;
    }
    if m.is_multiple_of(2) {
        return m == 2;
    }
    let mut d = 3;
    while d * d <= m {
        if m.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
/// Balancer", NSDI 2016): a lookup table of `M` slots (`M` prime), each slot naming a node; a
/// key's node is the slot its hash picks.
///
/// Each node has a permutation of the slots: start at `offset`, step by `skip` (mod `M`), both
/// from the node's id, `skip` in `1..M` so that (`M` being prime) the walk visits every slot.
/// The table is filled round-robin over the nodes in id order, each taking the next slot of its
/// permutation that is still free, until every slot is taken: each node gets `⌊M/n⌋` or
/// `⌈M/n⌉` slots, and a change of membership moves a few slots more than the minimum.
///
/// **Lookup**: the slot is `⌊h·M / 2^64⌋` (multiply-shift on the key's hash, no division), then
/// one read: O(1), whatever `n`.
///
/// **Rebuild**: the table is rebuilt from scratch after each change, as in the paper, in
/// expected O(M log M) steps: milliseconds for the default 65 537 slots. It is built lazily, by
/// the first lookup after a change (a `std::sync::OnceLock`, reset by every change), so that a
/// cluster of a thousand nodes added one by one costs one rebuild, not a thousand.
///
/// **Limit**: at most `M` members (then [`MembershipError::TableFull`]), so that every member
/// owns at least one slot (the first round of the fill gives each node one), which is also what
/// bounds [`Router::nodes_for`]'s walk to one pass over the table. For good balance, `M` should
/// be about 100 times the number of nodes or more.
#[derive(Clone)]
pub struct Maglev {
    /// `M`, a prime.
    size: u64,
    /// The members, ascending: the order of the round-robin fill.
    ids: Vec<NodeId>,
    /// The table for the current members, built on first use.
    table: OnceLock<Box<[NodeId]>>,
}

impl Maglev {
    /// The lookup table, built now if a change came since the last lookup; empty when there are
    /// no members.
    #[inline]
    fn table(&self) -> &[NodeId] {
        self.table.get_or_init(|| populate(self.size, &self.ids))
    }
}

/// The Maglev table of `size` slots for `ids` (ascending, at most `size` of them).
fn populate(size: u64, ids: &[NodeId]) -> Box<[NodeId]> {
    if ids.is_empty() {
        return Box::default();
    }
    // `size ≤ MAX_TABLE_SIZE < 2^24`: slots, skips and their sums fit in a u32.
    let m = size as u32;
    const FREE: u32 = u32::MAX;
    // The table first holds indices into `ids` (fewer than 2^24), so that FREE is never an id.
    let mut owner = vec![FREE; m as usize];
    // Each node's next candidate slot and its skip.
    let mut walks: Vec<(u32, u32)> = ids
        .iter()
        .map(|&id| {
            let offset = node_value(MAGLEV_SEED, id, 0) % size;
            let skip = node_value(MAGLEV_SEED, id, 1) % (size - 1) + 1;
            (offset as u32, skip as u32)
        })
        .collect();
    let mut filled = 0;
    'fill: loop {
        for (index, (next, skip)) in walks.iter_mut().enumerate() {
            let mut slot = *next;
            // A free slot exists (filled < m), and the permutation visits every slot.
            while owner[slot as usize] != FREE {
                slot += *skip;
                if slot >= m {
                    slot -= m;
                }
            }
            owner[slot as usize] = index as u32;
            slot += *skip;
            if slot >= m {
                slot -= m;
            }
            *next = slot;
            filled += 1;
            if filled == m {
                break 'fill;
            }
        }
    }
    owner.into_iter().map(|index| ids[index as usize]).collect()
}

impl fmt::Debug for Maglev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Maglev")
            .field("table_size", &self.size)
            .field("members", &self.ids)
            .finish_non_exhaustive()
    }
}

impl Router for Maglev {
    fn new() -> Self {
        Maglev {
            size: DEFAULT_TABLE_SIZE,
            ids: Vec::new(),
            table: OnceLock::new(),
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_unit_weight(weight)?;
        let at = match self.ids.binary_search(&node) {
            Ok(_) => return Err(MembershipError::AlreadyMember(node)),
            Err(at) => at,
        };
        if self.ids.len() as u64 >= self.size {
            return Err(MembershipError::TableFull {
                table_size: self.size,
            });
        }
        self.ids.insert(at, node);
        self.table = OnceLock::new();
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let at = self
            .ids
            .binary_search(&node)
            .map_err(|_| MembershipError::NotMember(node))?;
        self.ids.remove(at);
        self.table = OnceLock::new();
        Ok(())
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        let table = self.table();
        if table.is_empty() {
            return None;
        }
        Some(table[fast_range(key_hash(key), table.len())])
    }

    /// The nodes met walking the table forward from the key's slot (wrapping), each once: one
    /// pass at most, since every member owns a slot.
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.ids.len());
        if want == 0 {
            return Vec::new();
        }
        let table = self.table();
        let slot = fast_range(key_hash(key), table.len());
        distinct(table[slot..].iter().chain(&table[..slot]).copied(), want)
    }

    fn members(&self) -> Vec<NodeId> {
        self.ids.clone()
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

impl MaglevRouter for Maglev {
    fn with_table_size(table_size: u64) -> Result<Self, ConfigError> {
        if !(2..=MAX_TABLE_SIZE).contains(&table_size) {
            return Err(ConfigError::TableSizeOutOfRange(table_size));
        }
        if !is_prime(table_size) {
            return Err(ConfigError::TableSizeNotPrime(table_size));
        }
        Ok(Maglev {
            size: table_size,
            ..Maglev::new()
        })
    }

    fn table_size(&self) -> u64 {
        self.size
    }
}

/// A hash ring shared by threads, as immutable snapshots: an `RwLock<Arc<Ring>>`.
///
/// - A **lookup** takes the read lock only to clone the `Arc` (one atomic increment), releases
///   it, and searches its snapshot with no lock held: it never waits for a rebuild, and it sees
///   one whole ring, as it stood before or after any change, never a mixture.
/// - A **change** takes the writers' mutex (one change at a time, so none is lost), copies the
///   current ring, changes the copy in place (O(n·v), while lookups carry on with the current
///   ring), and swaps it in under the write lock, held for the swap only.
/// - The ring a change replaced becomes the next change's copy when no lookup holds it any more
///   (`Arc::try_unwrap`), so that its buffers are reused instead of allocated afresh; otherwise
///   the last lookup holding it frees it. Measured, adding 2 048 nodes one by one took 1.3 s
///   with a fresh copy per change and 0.2 s reusing the buffers (see [`Ring`] for why).
///
/// Why snapshots: lookups outnumber membership changes by millions to one, so a lookup should
/// cost what a single-thread lookup costs, plus as little as possible, and never wait for a
/// change. The price is on the side of changes: a copy of the ring per change, 12 bytes per
/// point (2 MB for 1 000 nodes of 160 points), and the kept copy, up to twice a [`Ring`]'s
/// memory.
pub struct SharedRing {
    /// The current ring.
    current: RwLock<Arc<Ring>>,
    /// Held by a change from its read of the current ring to its swap; it keeps the ring the
    /// last change replaced, when no lookup held it any more, for the next change to reuse.
    writer: Mutex<Option<Ring>>,
}

impl SharedRing {
    /// The current ring; the read lock is held only while the `Arc` is cloned.
    #[inline]
    fn snapshot(&self) -> Arc<Ring> {
        Arc::clone(&*self.current.read())
    }

    /// One change: `check` it against the current ring (an error changes nothing), `apply` it
    /// to a copy, and swap the copy in.
    fn change<T>(
        &self,
        check: impl FnOnce(&Ring) -> Result<T, MembershipError>,
        apply: impl FnOnce(&mut Ring, T),
    ) -> Result<(), MembershipError> {
        let mut spare = self.writer.lock();
        let next = {
            let current = self.snapshot();
            let checked = check(&current)?;
            let mut next = match spare.take() {
                Some(mut ring) => {
                    ring.clone_from(&current);
                    ring
                }
                None => Ring::clone(&current),
            };
            apply(&mut next, checked);
            next
        };
        // The write lock is held for the swap only.
        let previous = std::mem::replace(&mut *self.current.write(), Arc::new(next));
        *spare = Arc::try_unwrap(previous).ok();
        Ok(())
    }
}

impl fmt::Debug for SharedRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SharedRing")
            .field(&*self.snapshot())
            .finish()
    }
}

impl ConcurrentRouter for SharedRing {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        Ok(SharedRing {
            current: RwLock::new(Arc::new(Ring::with_vnodes(vnodes)?)),
            writer: Mutex::new(None),
        })
    }

    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.change(
            |ring| ring.check_add(node, weight),
            |ring, ()| ring.insert(node, weight),
        )
    }

    fn remove(&self, node: NodeId) -> Result<(), MembershipError> {
        self.change(
            |ring| {
                ring.position(node)
                    .map_err(|_| MembershipError::NotMember(node))
            },
            Ring::delete,
        )
    }

    #[inline]
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        self.snapshot().node_for(key)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        self.snapshot().nodes_for(key, n)
    }

    fn members(&self) -> Vec<NodeId> {
        self.snapshot().members()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u32) -> Vec<u8> {
        format!("key-{i:012}").into_bytes()
    }

    /// A router of `nodes` members of weight 1.
    fn with_nodes<R: Router>(nodes: impl IntoIterator<Item = NodeId>) -> R {
        let mut router = R::new();
        for node in nodes {
            router.add(node, 1).unwrap();
        }
        router
    }

    /// Runs `check` on a fresh router of every variant (`jump` tells which is jump).
    fn every_router(check: impl Fn(&mut dyn FnMut() -> Box<dyn Probe>, bool)) {
        check(&mut || Box::new(ModuloRouter::new()), false);
        check(&mut || Box::new(Ring::new()), false);
        check(&mut || Box::new(Jump::new()), true);
        check(&mut || Box::new(Rendezvous::new()), false);
        check(&mut || Box::new(Maglev::new()), false);
        check(
            &mut || Box::new(Maglev::with_table_size(1009).unwrap()),
            false,
        );
    }

    /// The Router methods, object-safe.
    trait Probe {
        fn put(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError>;
        fn drop_node(&mut self, node: NodeId) -> Result<(), MembershipError>;
        fn one(&self, key: &[u8]) -> Option<NodeId>;
        fn many(&self, key: &[u8], n: usize) -> Vec<NodeId>;
        fn all(&self) -> Vec<NodeId>;
    }

    impl<R: Router> Probe for R {
        fn put(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
            self.add(node, weight)
        }
        fn drop_node(&mut self, node: NodeId) -> Result<(), MembershipError> {
            self.remove(node)
        }
        fn one(&self, key: &[u8]) -> Option<NodeId> {
            self.node_for(key)
        }
        fn many(&self, key: &[u8], n: usize) -> Vec<NodeId> {
            self.nodes_for(key, n)
        }
        fn all(&self) -> Vec<NodeId> {
            self.members()
        }
    }

    #[test]
    fn membership_errors_come_in_order() {
        use MembershipError::*;
        every_router(|new, jump| {
            let mut router = new();
            assert_eq!(router.one(b"k"), None);
            assert!(router.many(b"k", 3).is_empty());
            assert_eq!(router.put(1, 0), Err(ZeroWeight));
            assert_eq!(
                router.put(1, MAX_WEIGHT + 1),
                Err(WeightTooLarge(MAX_WEIGHT + 1))
            );
            assert_eq!(router.drop_node(1), Err(NotMember(1)));
            router.put(5, 1).unwrap();
            assert_eq!(router.put(5, 1), Err(AlreadyMember(5)));
            assert_eq!(router.put(5, 0), Err(ZeroWeight));
            router.put(3, 1).unwrap();
            router.put(9, 1).unwrap();
            assert_eq!(router.all(), vec![3, 5, 9]);
            if jump {
                assert_eq!(router.drop_node(5), Err(NotLast { node: 5, last: 9 }));
                assert_eq!(router.all(), vec![3, 5, 9]);
                router.drop_node(9).unwrap();
                router.drop_node(3).unwrap();
                assert_eq!(router.all(), vec![5]);
            } else {
                router.drop_node(5).unwrap();
                assert_eq!(router.all(), vec![3, 9]);
            }
        });
        let mut jump = Jump::new();
        let mut maglev = Maglev::new();
        assert_eq!(jump.add(1, 2), Err(WeightsUnsupported));
        assert_eq!(maglev.add(1, MAX_WEIGHT), Err(WeightsUnsupported));
        assert_eq!(maglev.add(1, 0), Err(ZeroWeight));
        let mut tiny = Maglev::with_table_size(7).unwrap();
        for node in 0..7 {
            tiny.add(node, 1).unwrap();
        }
        assert_eq!(tiny.add(7, 1), Err(TableFull { table_size: 7 }));
        assert_eq!(tiny.add(3, 1), Err(AlreadyMember(3)));
        // Seven nodes on seven slots: one each.
        let mut owners = tiny.table().to_vec();
        owners.sort_unstable();
        assert_eq!(owners, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn config_errors_come_in_order() {
        use ConfigError::*;
        assert_eq!(Ring::with_vnodes(0).err(), Some(ZeroVnodes));
        assert_eq!(Ring::with_vnodes(MAX_VNODES + 1).err(), Some(TooManyVnodes));
        assert_eq!(Ring::with_vnodes(MAX_VNODES).unwrap().vnodes(), MAX_VNODES);
        assert_eq!(SharedRing::with_vnodes(0).err().unwrap(), ZeroVnodes);
        for size in [0, 1, MAX_TABLE_SIZE + 1, MAX_TABLE_SIZE + 2, u64::MAX] {
            assert_eq!(
                Maglev::with_table_size(size).err(),
                Some(TableSizeOutOfRange(size))
            );
        }
        for size in [4, 100, 65_536, 1009 * 1013, MAX_TABLE_SIZE - 1] {
            assert_eq!(
                Maglev::with_table_size(size).err(),
                Some(TableSizeNotPrime(size))
            );
        }
        for size in [2, 3, 7, 65_537, MAX_TABLE_SIZE] {
            assert_eq!(Maglev::with_table_size(size).unwrap().table_size(), size);
        }
        assert_eq!(Maglev::new().table_size(), DEFAULT_TABLE_SIZE);
        assert_eq!(Ring::new().vnodes(), DEFAULT_VNODES);
    }

    #[test]
    fn replicas_are_distinct_members_led_by_the_owner() {
        every_router(|new, _| {
            let mut router = new();
            for node in [10, 20, 30, 40, 50] {
                router.put(node, 1).unwrap();
            }
            for i in 0..500 {
                let k = key(i);
                let all = router.many(&k, 9);
                assert_eq!(all.len(), 5);
                assert_eq!(Some(all[0]), router.one(&k));
                let mut sorted = all.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, vec![10, 20, 30, 40, 50]);
                for n in 0..=5 {
                    assert_eq!(router.many(&k, n), all[..n]);
                }
            }
        });
    }

    #[test]
    fn a_join_moves_keys_to_the_new_node_only() {
        let keys: Vec<Vec<u8>> = (0..20_000).map(key).collect();
        fn check<R: Router>(keys: &[Vec<u8>], exact: bool) {
            let mut router: R = with_nodes(0..20);
            let before: Vec<_> = keys.iter().map(|k| router.node_for(k)).collect();
            router.add(20, 1).unwrap();
            let mut moved = 0;
            for (k, old) in keys.iter().zip(&before) {
                let now = router.node_for(k);
                if now != *old {
                    moved += 1;
                    if exact {
                        assert_eq!(now, Some(20));
                    }
                }
            }
            let fraction = moved as f64 / keys.len() as f64;
            assert!(fraction < 2.0 / 21.0, "{fraction}");
            router.remove(20).unwrap();
            let after: Vec<_> = keys.iter().map(|k| router.node_for(k)).collect();
            assert_eq!(after, before);
        }
        check::<Ring>(&keys, true);
        check::<Jump>(&keys, true);
        check::<Rendezvous>(&keys, true);
        check::<Maglev>(&keys, false);
        let mut modulo: ModuloRouter = with_nodes(0..20);
        let before: Vec<_> = keys.iter().map(|k| modulo.node_for(k)).collect();
        modulo.add(20, 1).unwrap();
        let moved = keys
            .iter()
            .zip(&before)
            .filter(|(k, old)| modulo.node_for(k) != **old)
            .count();
        assert!(moved as f64 / keys.len() as f64 > 0.9, "{moved}");
    }

    #[test]
    fn a_leave_moves_the_leavers_keys_only() {
        let keys: Vec<Vec<u8>> = (0..20_000).map(key).collect();
        fn check<R: Router>(keys: &[Vec<u8>]) {
            let mut router: R = with_nodes(0..20);
            let before: Vec<_> = keys.iter().map(|k| router.node_for(k)).collect();
            router.remove(7).unwrap();
            for (k, old) in keys.iter().zip(&before) {
                if *old != Some(7) {
                    assert_eq!(router.node_for(k), *old);
                }
            }
        }
        check::<Ring>(&keys);
        check::<Rendezvous>(&keys);
        let mut weighted = Rendezvous::new();
        for node in 0..20 {
            weighted.add(node, 1 + node % 3).unwrap();
        }
        let before: Vec<_> = keys.iter().map(|k| weighted.node_for(k)).collect();
        weighted.remove(4).unwrap();
        for (k, old) in keys.iter().zip(&before) {
            if *old != Some(4) {
                assert_eq!(weighted.node_for(k), *old);
            }
        }
    }

    #[test]
    fn the_order_of_adds_does_not_matter() {
        fn check<R: Router>() {
            let a: R = with_nodes([4, 1, 3, 2, 8]);
            let b: R = with_nodes([8, 3, 2, 1, 4]);
            for i in 0..2_000 {
                let k = key(i);
                assert_eq!(a.node_for(&k), b.node_for(&k));
                assert_eq!(a.nodes_for(&k, 3), b.nodes_for(&k, 3));
            }
        }
        check::<ModuloRouter>();
        check::<Ring>();
        check::<Rendezvous>();
        check::<Maglev>();
    }

    /// Shares of `keys` per member of `router`.
    fn shares<R: Router>(router: &R, keys: u32) -> std::collections::HashMap<NodeId, u32> {
        let mut count = std::collections::HashMap::new();
        for i in 0..keys {
            *count.entry(router.node_for(&key(i)).unwrap()).or_default() += 1;
        }
        count
    }

    #[test]
    fn weights_give_proportional_shares() {
        fn check<R: Router>() {
            let mut router = R::new();
            for node in 0..10 {
                router.add(node, 1).unwrap();
            }
            router.add(10, 3).unwrap();
            let count = shares(&router, 130_000);
            // 3 of 13 shares: 30 000 keys.
            let heavy = f64::from(count[&10]) / 30_000.0;
            assert!((0.85..1.15).contains(&heavy), "{heavy}");
        }
        check::<ModuloRouter>();
        check::<Ring>();
        check::<Rendezvous>();
        let mut ring = Ring::with_vnodes(10).unwrap();
        ring.add(1, 3).unwrap();
        ring.add(2, 1).unwrap();
        assert_eq!(ring.points(), 40);
    }

    #[test]
    fn balance_is_good() {
        fn max_over_mean<R: Router>(router: &R, nodes: u32, keys: u32) -> f64 {
            let count = shares(router, keys);
            assert_eq!(count.len(), nodes as usize);
            f64::from(*count.values().max().unwrap()) * f64::from(nodes) / f64::from(keys)
        }
        let keys = 200_000;
        let ring: Ring = with_nodes(0..100);
        let jump: Jump = with_nodes(0..100);
        let rendezvous: Rendezvous = with_nodes(0..100);
        let maglev: Maglev = with_nodes(0..100);
        let modulo: ModuloRouter = with_nodes(0..100);
        assert!(max_over_mean(&ring, 100, keys) < 1.4);
        // Sampling alone: 2 000 keys per node, 3.5 standard deviations is 1.08.
        assert!(max_over_mean(&jump, 100, keys) < 1.12);
        assert!(max_over_mean(&rendezvous, 100, keys) < 1.12);
        assert!(max_over_mean(&maglev, 100, keys) < 1.12);
        assert!(max_over_mean(&modulo, 100, keys) < 1.12);
        // Maglev's table itself: ⌊M/n⌋ or ⌈M/n⌉ slots each... nearly.
        let mut slots = std::collections::HashMap::<NodeId, u32>::new();
        for &node in maglev.table() {
            *slots.entry(node).or_default() += 1;
        }
        let most = *slots.values().max().unwrap();
        assert!(most <= 656, "{most}");
    }

    #[test]
    fn jump_follows_the_paper() {
        // A key's bucket among n + 1 is its bucket among n, or the new bucket n.
        for k in 0..2_000u64 {
            let h = mix64(k);
            assert_eq!(jump(h, 1), 0);
            for n in 1..200 {
                let (a, b) = (jump(h, n), jump(h, n + 1));
                assert!(a < n);
                assert!(b == a || b == n, "{k}: {a} then {b}");
            }
        }
    }

    #[test]
    fn the_shared_ring_answers_as_a_ring() {
        let shared = SharedRing::with_vnodes(50).unwrap();
        let mut ring = Ring::with_vnodes(50).unwrap();
        for node in [5, 1, 9, 7] {
            shared.add(node, 2).unwrap();
            ring.add(node, 2).unwrap();
        }
        assert_eq!(shared.add(5, 1), Err(MembershipError::AlreadyMember(5)));
        assert_eq!(shared.add(6, 0), Err(MembershipError::ZeroWeight));
        shared.remove(9).unwrap();
        ring.remove(9).unwrap();
        assert_eq!(shared.remove(9), Err(MembershipError::NotMember(9)));
        assert_eq!(shared.members(), ring.members());
        for i in 0..2_000 {
            let k = key(i);
            assert_eq!(shared.node_for(&k), ring.node_for(&k));
            assert_eq!(shared.nodes_for(&k, 2), ring.nodes_for(&k, 2));
        }
    }

    #[test]
    fn every_prime_is_found() {
        let primes: Vec<u64> = (0..60).filter(|&m| is_prime(m)).collect();
        assert_eq!(
            primes,
            [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59]
        );
        assert!(is_prime(65_537));
        assert!(is_prime(MAX_TABLE_SIZE));
        assert!(!is_prime(4093 * 4093));
    }
}
