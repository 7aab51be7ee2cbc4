//! Known-wrong `consistent-hashing` implementations.
//!
//! Each family is the reference's but for one type, written plainly here with one mistake
//! switched on by its `BUG` parameter: [`BadModulo`], the ring [`BadRing`] (its points a sorted
//! `Vec` of `(position, node)`, each change merged in), [`BadJump`], [`BadRendezvous`],
//! [`BadMaglev`] (its table built on the first lookup after a change), and three shared rings:
//! [`SnapshotRing`] (an `RwLock<Arc<ring>>` replaced on each change), [`InPlaceRing`] (an
//! `RwLock<ring>` changed in place) and [`SplitRing`] (the ring and its member list behind two
//! locks). Keys are hashed 8 bytes at a time, each word folded in by the SplitMix64 finaliser
//! ([`key_hash`]); a node's points and scores come from the same finaliser over
//! `(node, index)` ([`node_value`]), as the reference does, unless the mistake is there.

use std::cmp::Ordering;
use std::hash::{BuildHasher, RandomState};
use std::marker::PhantomData;
use std::sync::OnceLock;

use kata_core::catalogue::Stage;
use kata_core::consistent_hashing::{
    ConcurrentRouter, ConfigError, MaglevRouter, MembershipError, NodeId, RingRouter, Router,
    DEFAULT_TABLE_SIZE, DEFAULT_VNODES, MAX_TABLE_SIZE, MAX_VNODES, MAX_WEIGHT,
};
use kata_core::sync::{Arc, Mutex, RwLock};
use kata_suites::consistent_hashing::ConsistentHashingFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "consistent-hashing", suite consistent_hashing, reference R: ConsistentHashingFamily;
    "duplicate-before-weight" => WithRing<BadRing<DUPLICATE_BEFORE_WEIGHT>, R> {
        mistake: "the ring's add checks the membership before the weight: add(2, 0) on a ring \
                   holding 2 is AlreadyMember, where the documented order says ZeroWeight",
        rejected_by: [examples],
        passes: [],
    }
    "ring-unweighted" => WithRing<BadRing<UNWEIGHTED>, R> {
        mistake: "the ring gives every node `vnodes` points whatever its weight: a node of weight \
                   3 holds a third of the keys it should",
        rejected_by: [examples],
        passes: [],
    }
    "ring-repeats" => WithRing<BadRing<REPEATS>, R> {
        mistake: "the ring's nodes_for takes the owners of the next n points, not the next n \
                   distinct nodes: two virtual nodes of one node in a row give it twice",
        rejected_by: [examples],
        passes: [],
    }
    "ring-seed-per-instance" => WithRing<BadRing<PER_INSTANCE_SEED>, R> {
        mistake: "the ring hashes (node, index) to its points with its own RandomState::new(): two \
                   rings built alike place keys differently, as does every process",
        rejected_by: [examples],
        passes: [],
    }
    "jump-removes-any" => WithJump<BadJump<REMOVES_ANY>, R> {
        mistake: "jump removes any member, not only the last one added: the buckets after it are \
                   renumbered, and their keys move between nodes that stayed",
        rejected_by: [examples],
        passes: [],
    }
    "members-in-order-of-addition" => WithRendezvous<BadRendezvous<MEMBERS_IN_ORDER>, R> {
        mistake: "rendezvous keeps its members in the order they were added, and members() \
                   returns them so, not ascending",
        rejected_by: [examples],
        passes: [],
    }
    "maglev-fermat-prime" => WithMaglev<BadMaglev<FERMAT>, R> {
        mistake: "with_table_size tests primality with Fermat's little theorem to base 2 \
                   (2^(m−1) mod m = 1): a Carmichael number such as 561 = 3·11·17 passes, and \
                   the table's permutations do not visit every slot",
        rejected_by: [examples],
        passes: [],
    }
    "modulo-repeats-weighted" => WithModulo<BadModulo<REPEATS>, R> {
        mistake: "modulo's nodes_for takes the next n entries of its list, where a node of weight \
                   w has w entries in a row: right while every weight is 1, a node twice in the \
                   replicas as soon as one is heavier",
        rejected_by: [properties],
        passes: [examples],
    }
    "weighted-flag-overwritten" => WithRendezvous<BadRendezvous<FLAG_OVERWRITTEN>, R> {
        mistake: "rendezvous keeps a flag for 'some weight is not 1' (to skip the logarithms \
                   when none is), but each add sets it from its own weight alone: a node of \
                   weight 1 added after a heavier one turns the weights off, and keys move \
                   between nodes that stayed",
        rejected_by: [properties],
        passes: [examples],
    }
    "jump-last-is-highest" => WithJump<BadJump<LAST_IS_HIGHEST>, R> {
        mistake: "jump refuses to remove any member but the last one added, rightly, but its \
                   NotLast error names the highest id as the last, not the last added",
        rejected_by: [properties],
        passes: [examples],
    }
    "shared-lost-update" => WithShared<SnapshotRing<LOST_UPDATE>, R> {
        mistake: "the shared ring's writers copy the current ring, change the copy and swap it \
                   in, but take no writers' lock: two adds at once both copy the old ring, and \
                   the second swap loses the first add",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "shared-split-locks" => WithShared<SplitRing, R> {
        mistake: "the shared ring keeps its member list in a lock of its own beside the ring, \
                   and nodes_for reads the number of members from one and walks the other: \
                   racing an add, it counts the old members and walks the new ring",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "shared-two-reads" => WithShared<InPlaceRing<TWO_READS>, R> {
        mistake: "the shared ring's nodes_for takes the owner through node_for, one read of the \
                   ring, then the other replicas from a second read: a change in between mixes \
                   the ring before it with the ring after it",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "fnv-points" => WithRing<BadRing<FNV_POINTS>, R> {
        mistake: "the ring places point i of node x at the FNV-1a hash of the label \"x-i\", with \
                   no final mixing: labels that differ in their last characters land close \
                   together, so a node's 160 points sit in a few clumps and the balance is that \
                   of a few points per node",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "point-labels" => WithRing<BadRing<CORRECT, String>, R> {
        mistake: "the ring keeps each point's label (\"x-i\", a String) beside its position and \
                   owner: right answers, but 40 bytes a point and the label's own allocation, \
                   where a point needs 12",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "maglev-remainder-to-first" => WithMaglev<BadMaglev<REMAINDER_TO_FIRST>, R> {
        mistake: "Maglev fills ⌊M/n⌋ rounds of the table, one slot per node each, then gives the \
                   M mod n slots left over to the first node: fine with 10 nodes (7 slots), nine \
                   times a fair share for node 0 with 1000 (537 extra)",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "maglev-ring-search" => WithMaglev<BadMaglev<RING_SEARCH>, R> {
        mistake: "the Maglev router is a hash ring of 160 points per node under Maglev's API: a \
                   lookup binary-searches the points, O(log n) where the table's one read is O(1) \
                   (and the ring's balance is a ring's, not a table's)",
        rejected_by: [quality, complexity],
        slow_in: "maglev",
        passes: [examples, properties],
    }
    "linear-ring" => WithRing<BadRing<LINEAR>, R> {
        mistake: "the ring's lookup scans its sorted points from the first for the first at or \
                   after the key's hash: right answers, but O(n·v) where a binary search is \
                   O(log(n·v))",
        rejected_by: [complexity],
        slow_in: "ring",
        passes: [examples, properties],
    }
    "slow-jump" => WithJump<BadJump<SLOW_LOOP>, R> {
        mistake: "jump is the paper's first, O(n) loop: for each bucket j from 1 to n − 1 the key's \
                   generator moves it there with chance 1/(j + 1). Right answers, but a step per \
                   bucket where the jump skips to the next bucket it would move to: O(log n)",
        rejected_by: [complexity],
        slow_in: "jump",
        passes: [examples, properties],
    }
    "sorting-rendezvous" => WithRendezvous<BadRendezvous<SORTS>, R> {
        mistake: "rendezvous's node_for scores every node into a Vec, sorts it and takes the \
                   first: right answers, but O(n log n) and an allocation per lookup, where \
                   keeping the best score while scoring is O(n)",
        rejected_by: [complexity],
        slow_in: "rendezvous",
        passes: [examples, properties],
    }
    "shared-clone-per-lookup" => WithShared<InPlaceRing<CLONE_PER_LOOKUP>, R> {
        mistake: "the shared ring is an RwLock<Ring>, and each lookup clones the ring under the \
                   read lock, to hold the lock briefly, then answers from the clone: right \
                   answers, but every lookup copies every point, O(n·v)",
        rejected_by: [complexity],
        slow_in: "shared-ring",
        passes: [examples, properties],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: ConsistentHashingFamily>(
    name: &str,
    stage: Stage,
    ctx: &mut Ctx,
) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's
        // (`crate::alternatives::consistent_hashing`).
        "btree-sip" => kata_suites::grade!(
            consistent_hashing,
            crate::alternatives::consistent_hashing::BtreeSipFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no consistent-hashing mutant named `{name}`")),
    }
}

// ---- Families: one wrong type, the reference's others. ----

macro_rules! with {
    ($(#[$meta:meta])* $name:ident, $slot:ident: $($bound:tt)+) => {
        $(#[$meta])*
        pub struct $name<T, R>(PhantomData<(T, R)>);

        impl<T, R> ConsistentHashingFamily for $name<T, R>
        where
            T: $($bound)+,
            R: ConsistentHashingFamily,
        {
            with!(@types $slot, T, R);
        }
    };
    (@types Modulo, $t:ident, $r:ident) => {
        type Modulo = $t; type Ring = $r::Ring; type Jump = $r::Jump;
        type Rendezvous = $r::Rendezvous; type Maglev = $r::Maglev; type Shared = $r::Shared;
    };
    (@types Ring, $t:ident, $r:ident) => {
        type Modulo = $r::Modulo; type Ring = $t; type Jump = $r::Jump;
        type Rendezvous = $r::Rendezvous; type Maglev = $r::Maglev; type Shared = $r::Shared;
    };
    (@types Jump, $t:ident, $r:ident) => {
        type Modulo = $r::Modulo; type Ring = $r::Ring; type Jump = $t;
        type Rendezvous = $r::Rendezvous; type Maglev = $r::Maglev; type Shared = $r::Shared;
    };
    (@types Rendezvous, $t:ident, $r:ident) => {
        type Modulo = $r::Modulo; type Ring = $r::Ring; type Jump = $r::Jump;
        type Rendezvous = $t; type Maglev = $r::Maglev; type Shared = $r::Shared;
    };
    (@types Maglev, $t:ident, $r:ident) => {
        type Modulo = $r::Modulo; type Ring = $r::Ring; type Jump = $r::Jump;
        type Rendezvous = $r::Rendezvous; type Maglev = $t; type Shared = $r::Shared;
    };
    (@types Shared, $t:ident, $r:ident) => {
        type Modulo = $r::Modulo; type Ring = $r::Ring; type Jump = $r::Jump;
        type Rendezvous = $r::Rendezvous; type Maglev = $r::Maglev; type Shared = $t;
    };
}

with!(
    /// A family with the modulo router `T` and the reference's other types.
    WithModulo, Modulo: Router + Send + Sync + 'static
);
with!(
    /// A family with the ring `T` and the reference's other types.
    WithRing, Ring: RingRouter + Send + Sync + 'static
);
with!(
    /// A family with the jump router `T` and the reference's other types.
    WithJump, Jump: Router + Send + Sync + 'static
);
with!(
    /// A family with the rendezvous router `T` and the reference's other types.
    WithRendezvous, Rendezvous: Router + Send + Sync + 'static
);
with!(
    /// A family with the Maglev router `T` and the reference's other types.
    WithMaglev, Maglev: MaglevRouter + Send + Sync + 'static
);
with!(
    /// A family with the shared ring `T` and the reference's other types.
    WithShared, Shared: ConcurrentRouter + 'static
);

// ---- Bugs, switched on one at a time. ----

const CORRECT: u8 = 0;
const DUPLICATE_BEFORE_WEIGHT: u8 = 1;
const UNWEIGHTED: u8 = 2;
const REPEATS: u8 = 3;
const PER_INSTANCE_SEED: u8 = 4;
const REMOVES_ANY: u8 = 5;
const MEMBERS_IN_ORDER: u8 = 6;
const FERMAT: u8 = 7;
const FLAG_OVERWRITTEN: u8 = 8;
const LAST_IS_HIGHEST: u8 = 9;
const LOST_UPDATE: u8 = 10;
const TWO_READS: u8 = 11;
const FNV_POINTS: u8 = 12;
const REMAINDER_TO_FIRST: u8 = 13;
const RING_SEARCH: u8 = 14;
const LINEAR: u8 = 15;
const SLOW_LOOP: u8 = 16;
const SORTS: u8 = 17;
const CLONE_PER_LOOKUP: u8 = 18;

// ---- What every router here shares: hashing, checks, the walk for replicas. ----

/// `⌊2^64/φ⌋`, odd: multiplying by it is a bijection that spreads consecutive integers.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The seeds of [`node_value`], one per use.
const RING_SEED: u64 = 0x5851_f42d_4c95_7f2d;
const RENDEZVOUS_SEED: u64 = 0x1405_7b7e_f767_814f;
const MAGLEV_SEED: u64 = 0x2545_f491_4f6c_dd1d;

/// The SplitMix64 finaliser: a bijection of `u64` that mixes every bit into every other.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A key's 64-bit hash: its length, then each 8-byte word (the last zero-padded), folded in by
/// [`mix64`].
pub fn key_hash(key: &[u8]) -> u64 {
    let mut h = 0x243f_6a88_85a3_08d3 ^ (key.len() as u64).wrapping_mul(GAMMA);
    let mut words = key.chunks_exact(8);
    for w in &mut words {
        h = mix64(h ^ u64::from_le_bytes(w.try_into().expect("8 bytes")));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = mix64(h ^ u64::from_le_bytes(last));
    }
    h
}

/// A well-mixed value for `(node, index)` under `seed`.
fn node_value(seed: u64, node: NodeId, index: u32) -> u64 {
    mix64(((u64::from(node) << 32) | u64::from(index)).wrapping_mul(GAMMA) ^ seed)
}

/// FNV-1a, 64 bits, with no final mixing.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `h` brought into `[0, n)` by multiply-shift.
fn fast_range(h: u64, n: usize) -> usize {
    ((u128::from(h) * n as u128) >> 64) as usize
}

/// Checks a weight, in the documented order.
fn check_weight(weight: u32) -> Result<(), MembershipError> {
    if weight == 0 {
        Err(MembershipError::ZeroWeight)
    } else if weight > MAX_WEIGHT {
        Err(MembershipError::WeightTooLarge(weight))
    } else {
        Ok(())
    }
}

/// Checks a weight for a router that takes weight 1 only.
fn check_unit_weight(weight: u32) -> Result<(), MembershipError> {
    check_weight(weight)?;
    if weight == 1 {
        Ok(())
    } else {
        Err(MembershipError::WeightsUnsupported)
    }
}

/// The first `want` distinct nodes of `walk`, in order.
fn distinct(walk: impl Iterator<Item = NodeId>, want: usize) -> Vec<NodeId> {
    let mut out = Vec::with_capacity(want);
    if want == 0 {
        return out;
    }
    for node in walk {
        if !out.contains(&node) {
            out.push(node);
            if out.len() == want {
                break;
            }
        }
    }
    out
}

/// Whether `m` is prime, by trial division.
fn is_prime(m: u64) -> bool {
    m >= 2
        && (2..)
            .take_while(|d| d * d <= m)
            .all(|d| !m.is_multiple_of(d))
}

/// Whether `m` passes Fermat's test to base 2: `2^(m−1) mod m = 1` (or `m` is 2).
fn fermat_base_2(m: u64) -> bool {
    if m == 2 {
        return true;
    }
    let (mut base, mut exp, mut acc) = (2u128 % u128::from(m), m - 1, 1u128);
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc * base % u128::from(m);
        }
        base = base * base % u128::from(m);
        exp >>= 1;
    }
    acc == 1
}

// ---- Modulo. ----

/// Modulo hashing: node `hash mod N` of a list holding each member `weight` times (ascending by
/// id); [`REPEATS`]: `nodes_for` takes the next entries of the list, not the next members.
#[derive(Debug, Default)]
pub struct BadModulo<const BUG: u8> {
    members: Vec<(NodeId, u32)>,
    slots: Vec<NodeId>,
}

impl<const BUG: u8> BadModulo<BUG> {
    fn position(&self, node: NodeId) -> Result<usize, usize> {
        self.members.binary_search_by_key(&node, |&(id, _)| id)
    }

    fn rebuild(&mut self) {
        self.slots = self
            .members
            .iter()
            .flat_map(|&(id, w)| std::iter::repeat_n(id, w as usize))
            .collect();
    }

    fn slot(&self, key: &[u8]) -> usize {
        (key_hash(key) % self.slots.len() as u64) as usize
    }
}

impl<const BUG: u8> Router for BadModulo<BUG> {
    fn new() -> Self {
        BadModulo {
            members: Vec::new(),
            slots: Vec::new(),
        }
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

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.slots.is_empty() {
            return None;
        }
        Some(self.slots[self.slot(key)])
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.members.len());
        if want == 0 {
            return Vec::new();
        }
        let s = self.slot(key);
        if BUG == REPEATS {
            // The next entries of the list: a node of weight w has w of them in a row.
            return (0..want)
                .map(|j| self.slots[(s + j) % self.slots.len()])
                .collect();
        }
        let start = self.position(self.slots[s]).unwrap_or_default();
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

// ---- The ring. ----

/// What a [`BadRing`] keeps beside each point's position and owner: nothing, or its label.
pub trait Payload: Clone + Send + Sync + 'static {
    /// The payload of point `index` of `node`.
    fn make(node: NodeId, index: u32) -> Self;
}

impl Payload for () {
    fn make(_: NodeId, _: u32) -> Self {}
}

/// The point's label, `"x-i"`.
impl Payload for String {
    fn make(node: NodeId, index: u32) -> Self {
        format!("{node}-{index}")
    }
}

/// A hash ring: the points a `Vec` of `(position, owner, payload)` sorted by position then
/// owner, each join's points sorted and merged in, each leave's filtered out; a lookup is a
/// binary search for the first point at or after the key's hash, wrapping to the first; with
/// mistake `BUG` and payload `P` per point.
#[derive(Debug, Clone)]
pub struct BadRing<const BUG: u8, P = ()> {
    vnodes: u32,
    /// The members and their weights, ascending by id.
    members: Vec<(NodeId, u32)>,
    points: Vec<(u64, NodeId, P)>,
    /// This ring's own hasher of points ([`PER_INSTANCE_SEED`] only).
    seed: Option<RandomState>,
}

impl<const BUG: u8, P: Payload> BadRing<BUG, P> {
    fn position(&self, node: NodeId) -> Result<usize, usize> {
        self.members.binary_search_by_key(&node, |&(id, _)| id)
    }

    /// Where point `index` of `node` goes.
    fn place(&self, node: NodeId, index: u32) -> u64 {
        match (&self.seed, BUG) {
            (Some(seed), _) => seed.hash_one((node, index)),
            (None, FNV_POINTS) => fnv1a(format!("{node}-{index}").as_bytes()),
            (None, _) => node_value(RING_SEED, node, index),
        }
    }

    /// Checks an add, in the documented order (or, for [`DUPLICATE_BEFORE_WEIGHT`], not).
    fn check_add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        if BUG == DUPLICATE_BEFORE_WEIGHT && self.position(node).is_ok() {
            return Err(MembershipError::AlreadyMember(node));
        }
        check_weight(weight)?;
        match self.position(node) {
            Ok(_) => Err(MembershipError::AlreadyMember(node)),
            Err(_) => Ok(()),
        }
    }

    /// Adds `node`, which [`BadRing::check_add`] accepted: its points merged into the ring's.
    fn insert(&mut self, node: NodeId, weight: u32) {
        let at = self.position(node).unwrap_err();
        self.members.insert(at, (node, weight));
        let count = if BUG == UNWEIGHTED {
            self.vnodes
        } else {
            self.vnodes * weight
        };
        let mut fresh: Vec<(u64, NodeId, P)> = (0..count)
            .map(|i| (self.place(node, i), node, P::make(node, i)))
            .collect();
        fresh.sort_unstable_by_key(|p| (p.0, p.1));
        let old = std::mem::take(&mut self.points);
        let mut merged = Vec::with_capacity(old.len() + fresh.len());
        let (mut a, mut b) = (old.into_iter().peekable(), fresh.into_iter().peekable());
        loop {
            let take_old = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => (x.0, x.1) <= (y.0, y.1),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            merged.extend(if take_old { a.next() } else { b.next() });
        }
        self.points = merged;
    }

    /// Removes the member at `index` of `members`, and its points.
    fn delete(&mut self, index: usize) {
        let (node, _) = self.members.remove(index);
        self.points.retain(|p| p.1 != node);
    }

    /// The index of the first point at or after `h`, wrapping to 0.
    fn start(&self, h: u64) -> usize {
        let i = if BUG == LINEAR {
            // A scan from the first point.
            self.points
                .iter()
                .position(|p| p.0 >= h)
                .unwrap_or(self.points.len())
        } else {
            self.points.partition_point(|p| p.0 < h)
        };
        if i == self.points.len() {
            0
        } else {
            i
        }
    }

    /// The first `want` nodes met walking clockwise from the key (the owners of the next `want`
    /// points for [`REPEATS`]).
    fn walk(&self, key: &[u8], want: usize) -> Vec<NodeId> {
        if self.points.is_empty() || want == 0 {
            return Vec::new();
        }
        let i = self.start(key_hash(key));
        let owners = self.points[i..]
            .iter()
            .chain(&self.points[..i])
            .map(|p| p.1);
        if BUG == REPEATS {
            owners.take(want).collect()
        } else {
            distinct(owners, want)
        }
    }
}

impl<const BUG: u8, P: Payload> Router for BadRing<BUG, P> {
    fn new() -> Self {
        BadRing {
            vnodes: DEFAULT_VNODES,
            members: Vec::new(),
            points: Vec::new(),
            seed: (BUG == PER_INSTANCE_SEED).then(RandomState::new),
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

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.points.is_empty() {
            return None;
        }
        Some(self.points[self.start(key_hash(key))].1)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        self.walk(key, n.min(self.members.len()))
    }

    fn members(&self) -> Vec<NodeId> {
        self.members.iter().map(|&(id, _)| id).collect()
    }

    fn len(&self) -> usize {
        self.members.len()
    }
}

impl<const BUG: u8, P: Payload> RingRouter for BadRing<BUG, P> {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        if vnodes == 0 {
            return Err(ConfigError::ZeroVnodes);
        }
        if vnodes > MAX_VNODES {
            return Err(ConfigError::TooManyVnodes);
        }
        Ok(BadRing {
            vnodes,
            ..BadRing::new()
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

/// The multiplier of jump's linear congruential generator (the paper's).
const LCG: u64 = 2_862_933_555_777_941_757;

/// Jump consistent hash: the bucket of `key` among `buckets`, the paper's O(log n) loop.
fn jump(mut key: u64, buckets: usize) -> usize {
    let (mut b, mut j) = (-1i64, 0i64);
    while j < buckets as i64 {
        b = j;
        key = key.wrapping_mul(LCG).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as usize
}

/// The paper's first version, O(n): the key seeds the generator, and each bucket `j` from 1 to
/// `n − 1` takes the key with chance `1/(j + 1)`.
fn slow_jump(mut key: u64, buckets: usize) -> usize {
    let mut b = 0;
    for j in 1..buckets {
        key = key.wrapping_mul(LCG).wrapping_add(1);
        let r = ((key >> 33) + 1) as f64 / (1u64 << 31) as f64;
        if r < 1.0 / (j + 1) as f64 {
            b = j;
        }
    }
    b
}

/// Jump consistent hash over the members in order of addition, with mistake `BUG`.
#[derive(Debug, Default)]
pub struct BadJump<const BUG: u8> {
    /// The members in order of addition: bucket `i` is `buckets[i]`.
    buckets: Vec<NodeId>,
    /// The same, ascending.
    sorted: Vec<NodeId>,
}

impl<const BUG: u8> BadJump<BUG> {
    fn bucket(&self, key: &[u8]) -> usize {
        if BUG == SLOW_LOOP {
            slow_jump(key_hash(key), self.buckets.len())
        } else {
            jump(key_hash(key), self.buckets.len())
        }
    }
}

impl<const BUG: u8> Router for BadJump<BUG> {
    fn new() -> Self {
        BadJump {
            buckets: Vec::new(),
            sorted: Vec::new(),
        }
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
        let last = *self.buckets.last().expect("a member was found");
        if last != node {
            match BUG {
                REMOVES_ANY => {
                    // The buckets after it are renumbered.
                    self.buckets.retain(|&x| x != node);
                    self.sorted.remove(at);
                    return Ok(());
                }
                LAST_IS_HIGHEST => {
                    let highest = *self.sorted.last().expect("a member was found");
                    return Err(MembershipError::NotLast {
                        node,
                        last: highest,
                    });
                }
                _ => return Err(MembershipError::NotLast { node, last }),
            }
        }
        self.buckets.pop();
        self.sorted.remove(at);
        Ok(())
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.buckets.is_empty() {
            return None;
        }
        Some(self.buckets[self.bucket(key)])
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.buckets.len());
        if want == 0 {
            return Vec::new();
        }
        let b = self.bucket(key);
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

// ---- Rendezvous. ----

/// A node's score for a key, as a sortable value: the integer score while no weight is in
/// play, the weighted one (`ln(u) / w`) otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Score {
    Plain(u64),
    Weighted(f64),
}

impl Score {
    fn cmp(&self, other: &Score) -> Ordering {
        match (self, other) {
            (Score::Plain(a), Score::Plain(b)) => a.cmp(b),
            (Score::Weighted(a), Score::Weighted(b)) => a.total_cmp(b),
            _ => unreachable!("one kind of score per lookup"),
        }
    }
}

/// Rendezvous hashing: each member's score is `mix64(hash(key) XOR seed(node))`, the highest
/// wins; with weights, `ln(u) / w` for `u` the score mapped into `(0, 1]` (Schindelhauer and
/// Schomaker's logarithmic method), computed only while some weight is not 1; with mistake
/// `BUG`.
#[derive(Debug, Default)]
pub struct BadRendezvous<const BUG: u8> {
    /// The members, ascending (in order of addition for [`MEMBERS_IN_ORDER`]).
    ids: Vec<NodeId>,
    seeds: Vec<u64>,
    weights: Vec<u32>,
    /// Whether some weight is not 1.
    weighted: bool,
}

impl<const BUG: u8> BadRendezvous<BUG> {
    fn score(&self, h: u64, i: usize) -> Score {
        let s = mix64(h ^ self.seeds[i]);
        if !self.weighted {
            return Score::Plain(s);
        }
        let u = ((s >> 11) + 1) as f64 / (1u64 << 53) as f64;
        Score::Weighted(u.ln() / f64::from(self.weights[i]))
    }

    /// Every member with its score, best first (ties to the lower id).
    fn ranked(&self, key: &[u8]) -> Vec<(Score, NodeId)> {
        let h = key_hash(key);
        let mut all: Vec<(Score, NodeId)> = (0..self.ids.len())
            .map(|i| (self.score(h, i), self.ids[i]))
            .collect();
        all.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all
    }
}

impl<const BUG: u8> Router for BadRendezvous<BUG> {
    fn new() -> Self {
        BadRendezvous {
            ids: Vec::new(),
            seeds: Vec::new(),
            weights: Vec::new(),
            weighted: false,
        }
    }

    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight)?;
        if self.ids.contains(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        let at = if BUG == MEMBERS_IN_ORDER {
            self.ids.len()
        } else {
            self.ids.partition_point(|&x| x < node)
        };
        self.ids.insert(at, node);
        self.seeds.insert(at, node_value(RENDEZVOUS_SEED, node, 0));
        self.weights.insert(at, weight);
        self.weighted = if BUG == FLAG_OVERWRITTEN {
            // From this node's weight alone.
            weight != 1
        } else {
            self.weights.iter().any(|&w| w != 1)
        };
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let at = self
            .ids
            .iter()
            .position(|&x| x == node)
            .ok_or(MembershipError::NotMember(node))?;
        self.ids.remove(at);
        self.seeds.remove(at);
        self.weights.remove(at);
        if BUG != FLAG_OVERWRITTEN {
            self.weighted = self.weights.iter().any(|&w| w != 1);
        }
        Ok(())
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.ids.is_empty() {
            return None;
        }
        if BUG == SORTS {
            return self.ranked(key).first().map(|&(_, id)| id);
        }
        let h = key_hash(key);
        let mut best = 0;
        let mut top = self.score(h, 0);
        for i in 1..self.ids.len() {
            let s = self.score(h, i);
            let better = match s.cmp(&top) {
                Ordering::Greater => true,
                Ordering::Equal => self.ids[i] < self.ids[best],
                Ordering::Less => false,
            };
            if better {
                (top, best) = (s, i);
            }
        }
        Some(self.ids[best])
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let mut all = self.ranked(key);
        all.truncate(n);
        all.into_iter().map(|(_, id)| id).collect()
    }

    fn members(&self) -> Vec<NodeId> {
        self.ids.clone()
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

// ---- Maglev. ----

/// Maglev hashing: a table of `M` slots (`M` prime) filled round-robin over the members in id
/// order, each taking the next free slot of its permutation (offset and skip from its id), built
/// on the first lookup after a change; with mistake `BUG`.
#[derive(Debug, Clone)]
pub struct BadMaglev<const BUG: u8> {
    size: u64,
    /// The members, ascending.
    ids: Vec<NodeId>,
    /// The table for the members.
    table: OnceLock<Vec<NodeId>>,
    /// [`RING_SEARCH`]: a ring of [`DEFAULT_VNODES`] points per member, sorted, in place of the
    /// table.
    ring: OnceLock<Vec<(u64, NodeId)>>,
}

impl<const BUG: u8> BadMaglev<BUG> {
    fn table(&self) -> &[NodeId] {
        self.table
            .get_or_init(|| populate::<BUG>(self.size, &self.ids))
    }

    fn ring(&self) -> &[(u64, NodeId)] {
        self.ring.get_or_init(|| {
            let mut points: Vec<(u64, NodeId)> = self
                .ids
                .iter()
                .flat_map(|&id| {
                    (0..DEFAULT_VNODES).map(move |i| (node_value(RING_SEED, id, i), id))
                })
                .collect();
            points.sort_unstable();
            points
        })
    }

    fn changed(&mut self) {
        self.table = OnceLock::new();
        self.ring = OnceLock::new();
    }

    /// The nodes met from the key's place onwards, `want` of them, distinct.
    fn walk(&self, key: &[u8], want: usize) -> Vec<NodeId> {
        let h = key_hash(key);
        if BUG == RING_SEARCH {
            let ring = self.ring();
            let i = ring.partition_point(|p| p.0 < h) % ring.len().max(1);
            let owners = ring[i..].iter().chain(&ring[..i]).map(|p| p.1);
            return distinct(owners, want);
        }
        let table = self.table();
        let slot = fast_range(h, table.len());
        distinct(table[slot..].iter().chain(&table[..slot]).copied(), want)
    }
}

/// The Maglev table of `size` slots for `ids` (ascending, at most `size` of them).
fn populate<const BUG: u8>(size: u64, ids: &[NodeId]) -> Vec<NodeId> {
    if ids.is_empty() {
        return Vec::new();
    }
    const FREE: usize = usize::MAX;
    let m = size as usize;
    let mut owner = vec![FREE; m];
    let mut walks: Vec<(usize, usize)> = ids
        .iter()
        .map(|&id| {
            let offset = node_value(MAGLEV_SEED, id, 0) % size;
            let skip = node_value(MAGLEV_SEED, id, 1) % (size - 1) + 1;
            (offset as usize, skip as usize)
        })
        .collect();
    // Slots to fill: all of them, or ⌊M/n⌋ rounds for REMAINDER_TO_FIRST.
    let quota = if BUG == REMAINDER_TO_FIRST {
        m / ids.len() * ids.len()
    } else {
        m
    };
    let mut filled = 0;
    'fill: while filled < quota {
        for (index, (next, skip)) in walks.iter_mut().enumerate() {
            while owner[*next] != FREE {
                *next = (*next + *skip) % m;
            }
            owner[*next] = index;
            *next = (*next + *skip) % m;
            filled += 1;
            if filled == quota {
                break 'fill;
            }
        }
    }
    owner
        .into_iter()
        .map(|index| if index == FREE { ids[0] } else { ids[index] })
        .collect()
}

impl<const BUG: u8> Router for BadMaglev<BUG> {
    fn new() -> Self {
        BadMaglev {
            size: DEFAULT_TABLE_SIZE,
            ids: Vec::new(),
            table: OnceLock::new(),
            ring: OnceLock::new(),
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
        self.changed();
        Ok(())
    }

    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let at = self
            .ids
            .binary_search(&node)
            .map_err(|_| MembershipError::NotMember(node))?;
        self.ids.remove(at);
        self.changed();
        Ok(())
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.ids.is_empty() {
            return None;
        }
        if BUG == RING_SEARCH {
            let (ring, h) = (self.ring(), key_hash(key));
            let i = ring.partition_point(|p| p.0 < h);
            return Some(ring[if i == ring.len() { 0 } else { i }].1);
        }
        let table = self.table();
        Some(table[fast_range(key_hash(key), table.len())])
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.ids.len());
        if want == 0 {
            return Vec::new();
        }
        self.walk(key, want)
    }

    fn members(&self) -> Vec<NodeId> {
        self.ids.clone()
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

impl<const BUG: u8> MaglevRouter for BadMaglev<BUG> {
    fn with_table_size(table_size: u64) -> Result<Self, ConfigError> {
        if !(2..=MAX_TABLE_SIZE).contains(&table_size) {
            return Err(ConfigError::TableSizeOutOfRange(table_size));
        }
        let prime = if BUG == FERMAT {
            fermat_base_2(table_size)
        } else {
            is_prime(table_size)
        };
        if !prime {
            return Err(ConfigError::TableSizeNotPrime(table_size));
        }
        Ok(BadMaglev {
            size: table_size,
            ..BadMaglev::new()
        })
    }

    fn table_size(&self) -> u64 {
        self.size
    }
}

// ---- Shared rings. ----

/// The correct single-thread ring the shared rings are made of.
type PlainRing = BadRing<CORRECT>;

/// Snapshots: an `RwLock<Arc<ring>>`; a change copies the ring, changes the copy and swaps it
/// in; a lookup clones the `Arc` and searches with no lock held. [`LOST_UPDATE`]: the changes
/// take no writers' lock.
#[derive(Debug)]
pub struct SnapshotRing<const BUG: u8> {
    current: RwLock<Arc<PlainRing>>,
    writer: Mutex<()>,
}

impl<const BUG: u8> SnapshotRing<BUG> {
    fn snapshot(&self) -> Arc<PlainRing> {
        Arc::clone(&*self.current.read())
    }

    fn change(
        &self,
        apply: impl FnOnce(&mut PlainRing) -> Result<(), MembershipError>,
    ) -> Result<(), MembershipError> {
        let _writer = (BUG != LOST_UPDATE).then(|| self.writer.lock());
        let mut next = PlainRing::clone(&self.snapshot());
        apply(&mut next)?;
        *self.current.write() = Arc::new(next);
        Ok(())
    }
}

impl<const BUG: u8> ConcurrentRouter for SnapshotRing<BUG> {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        Ok(SnapshotRing {
            current: RwLock::new(Arc::new(PlainRing::with_vnodes(vnodes)?)),
            writer: Mutex::new(()),
        })
    }

    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.change(|ring| ring.add(node, weight))
    }

    fn remove(&self, node: NodeId) -> Result<(), MembershipError> {
        self.change(|ring| ring.remove(node))
    }

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

/// One ring behind an `RwLock`, changed in place under the write lock; lookups under the read
/// lock, with mistake `BUG` ([`TWO_READS`], [`CLONE_PER_LOOKUP`]).
#[derive(Debug)]
pub struct InPlaceRing<const BUG: u8> {
    ring: RwLock<PlainRing>,
}

impl<const BUG: u8> ConcurrentRouter for InPlaceRing<BUG> {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        Ok(InPlaceRing {
            ring: RwLock::new(PlainRing::with_vnodes(vnodes)?),
        })
    }

    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.ring.write().add(node, weight)
    }

    fn remove(&self, node: NodeId) -> Result<(), MembershipError> {
        self.ring.write().remove(node)
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if BUG == CLONE_PER_LOOKUP {
            // The lock is held for the copy only; the copy costs every point.
            let copy = self.ring.read().clone();
            return copy.node_for(key);
        }
        self.ring.read().node_for(key)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        match BUG {
            TWO_READS => {
                if n == 0 {
                    return Vec::new();
                }
                // The owner from one read, the others from a second.
                let Some(first) = self.node_for(key) else {
                    return Vec::new();
                };
                let mut out = vec![first];
                for x in self.ring.read().nodes_for(key, n) {
                    if out.len() == n {
                        break;
                    }
                    if !out.contains(&x) {
                        out.push(x);
                    }
                }
                out
            }
            CLONE_PER_LOOKUP => {
                let copy = self.ring.read().clone();
                copy.nodes_for(key, n)
            }
            _ => self.ring.read().nodes_for(key, n),
        }
    }

    fn members(&self) -> Vec<NodeId> {
        self.ring.read().members()
    }
}

/// A snapshot ring, with its member list in a lock of its own beside it, changed after the
/// ring; `nodes_for` takes the number of members from the list and walks the ring.
#[derive(Debug)]
pub struct SplitRing {
    ring: RwLock<Arc<PlainRing>>,
    members: RwLock<Vec<NodeId>>,
    writer: Mutex<()>,
}

impl SplitRing {
    fn snapshot(&self) -> Arc<PlainRing> {
        Arc::clone(&*self.ring.read())
    }
}

impl ConcurrentRouter for SplitRing {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        Ok(SplitRing {
            ring: RwLock::new(Arc::new(PlainRing::with_vnodes(vnodes)?)),
            members: RwLock::new(Vec::new()),
            writer: Mutex::new(()),
        })
    }

    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        let _writer = self.writer.lock();
        let mut next = PlainRing::clone(&self.snapshot());
        next.add(node, weight)?;
        *self.ring.write() = Arc::new(next);
        let mut members = self.members.write();
        let at = members.partition_point(|&x| x < node);
        members.insert(at, node);
        Ok(())
    }

    fn remove(&self, node: NodeId) -> Result<(), MembershipError> {
        let _writer = self.writer.lock();
        let mut next = PlainRing::clone(&self.snapshot());
        next.remove(node)?;
        *self.ring.write() = Arc::new(next);
        self.members.write().retain(|&x| x != node);
        Ok(())
    }

    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        self.snapshot().node_for(key)
    }

    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let want = n.min(self.members.read().len());
        self.snapshot().walk(key, want)
    }

    fn members(&self) -> Vec<NodeId> {
        self.members.read().clone()
    }
}
