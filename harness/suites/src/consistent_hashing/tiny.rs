//! Small routers for the suite's own tests, written plainly: FNV-1a then a SplitMix64 finaliser
//! for the key, a mix of (node, index) for points and scores, every structure rebuilt from the
//! membership on each change. `Family<0>` is correct; `Family<B>` for `B` > 0 carries the
//! mistake [`Bug`] names, so that the tests can show a stage rejecting it. The shared ring takes
//! its locks from `kata_core::sync`, so that the loom checks can run on it too.

use std::collections::BTreeMap;

use kata_core::sync::{Arc, Mutex, RwLock};

use kata_core::consistent_hashing::{
    ConcurrentRouter, ConfigError, MaglevRouter, MembershipError, NodeId, RingRouter, Router,
    DEFAULT_TABLE_SIZE, DEFAULT_VNODES, MAX_TABLE_SIZE, MAX_VNODES, MAX_WEIGHT,
};

use super::ConsistentHashingFamily;

/// The mistakes a `Family<B>` makes.
pub struct Bug;

impl Bug {
    /// None.
    pub const NONE: u8 = 0;
    /// The ring's lookup takes point `h % points` instead of the first clockwise: not consistent.
    pub const RING_MODULO: u8 = 1;
    /// Jump removes any member (renumbering the buckets after it).
    pub const JUMP_REMOVES_ANY: u8 = 2;
    /// Rendezvous ignores weights.
    pub const RENDEZVOUS_UNWEIGHTED: u8 = 3;
    /// The shared ring's `add` reads the ring, builds the new one, and swaps it in without
    /// holding a writers' lock: two adds at once lose one.
    pub const SHARED_LOST_UPDATE: u8 = 4;
    /// The ring gives each node `vnodes` points whatever its weight.
    pub const RING_UNWEIGHTED: u8 = 5;
    /// The ring's `nodes_for` may repeat a node (it takes the next points, not the next nodes).
    pub const RING_REPEATS: u8 = 6;
    /// The ring's points take a 4-bit hash of the node: a few points per node, heavy imbalance
    /// (virtual nodes that collide).
    pub const RING_FEW_POINTS: u8 = 7;
    /// The shared ring's `add` publishes the ring twice: first with half of the new node's
    /// points, then with all of them (a lookup in between sees a torn ring).
    pub const SHARED_TORN: u8 = 8;
    /// The ring's `nodes_for` does not wrap: a key whose hash is past the last point gets no
    /// replicas (its `node_for` wraps, rightly).
    pub const RING_NO_WRAP: u8 = 9;
    /// Rendezvous scores `hash(key) ^ node`, unmixed: the same node wins nearly every key.
    pub const RENDEZVOUS_XOR: u8 = 10;
}

fn finalise(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key's 64-bit hash.
pub fn hash(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    finalise(h)
}

fn mix(a: u64, b: u64) -> u64 {
    finalise(a ^ finalise(b.wrapping_add(0x9E37_79B9_7F4A_7C15)))
}

fn check_weight(weight: u32, weighted: bool) -> Result<(), MembershipError> {
    if weight == 0 {
        return Err(MembershipError::ZeroWeight);
    }
    if weight > MAX_WEIGHT {
        return Err(MembershipError::WeightTooLarge(weight));
    }
    if !weighted && weight != 1 {
        return Err(MembershipError::WeightsUnsupported);
    }
    Ok(())
}

/// Modulo hashing.
#[derive(Debug, Default, Clone)]
pub struct TinyModulo {
    weights: BTreeMap<NodeId, u32>,
    list: Vec<NodeId>,
}

impl TinyModulo {
    fn rebuild(&mut self) {
        self.list = self
            .weights
            .iter()
            .flat_map(|(&n, &w)| std::iter::repeat_n(n, w as usize))
            .collect();
    }
}

impl Router for TinyModulo {
    fn new() -> Self {
        TinyModulo::default()
    }
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight, true)?;
        if self.weights.contains_key(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        self.weights.insert(node, weight);
        self.rebuild();
        Ok(())
    }
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        self.weights
            .remove(&node)
            .ok_or(MembershipError::NotMember(node))?;
        self.rebuild();
        Ok(())
    }
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.list.is_empty() {
            return None;
        }
        Some(self.list[(hash(key) % self.list.len() as u64) as usize])
    }
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let mut out = Vec::new();
        if self.list.is_empty() {
            return out;
        }
        let start = (hash(key) % self.list.len() as u64) as usize;
        for i in 0..self.list.len() {
            if out.len() == n {
                break;
            }
            let x = self.list[(start + i) % self.list.len()];
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
    fn members(&self) -> Vec<NodeId> {
        self.weights.keys().copied().collect()
    }
    fn len(&self) -> usize {
        self.weights.len()
    }
}

/// The hash ring.
#[derive(Debug, Clone)]
pub struct TinyRing<const B: u8> {
    vnodes: u32,
    weights: BTreeMap<NodeId, u32>,
    points: Vec<(u64, NodeId)>,
}

impl<const B: u8> TinyRing<B> {
    fn rebuild(&mut self) {
        let mut points = Vec::new();
        for (&n, &w) in &self.weights {
            let w = if B == Bug::RING_UNWEIGHTED { 1 } else { w };
            for i in 0..u64::from(self.vnodes * w) {
                let i = if B == Bug::RING_FEW_POINTS { i % 4 } else { i };
                points.push((mix(u64::from(n), i), n));
            }
        }
        points.sort_unstable();
        self.points = points;
    }

    fn start(&self, key: &[u8]) -> usize {
        let h = hash(key);
        if B == Bug::RING_MODULO {
            return (h % self.points.len() as u64) as usize;
        }
        let i = self.points.partition_point(|&(p, _)| p < h);
        if i == self.points.len() {
            0
        } else {
            i
        }
    }
}

impl<const B: u8> Router for TinyRing<B> {
    fn new() -> Self {
        TinyRing {
            vnodes: DEFAULT_VNODES,
            weights: BTreeMap::new(),
            points: Vec::new(),
        }
    }
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight, true)?;
        if self.weights.contains_key(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        self.weights.insert(node, weight);
        self.rebuild();
        Ok(())
    }
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        self.weights
            .remove(&node)
            .ok_or(MembershipError::NotMember(node))?;
        self.rebuild();
        Ok(())
    }
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.points.is_empty() {
            return None;
        }
        Some(self.points[self.start(key)].1)
    }
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let mut out = Vec::new();
        if self.points.is_empty() {
            return out;
        }
        let h = hash(key);
        let start = if B == Bug::RING_NO_WRAP {
            self.points.partition_point(|&(p, _)| p < h)
        } else {
            self.start(key)
        };
        let want = n.min(self.weights.len());
        for i in 0..self.points.len() {
            if out.len() == want || (B == Bug::RING_NO_WRAP && start + i == self.points.len()) {
                break;
            }
            let x = self.points[(start + i) % self.points.len()].1;
            if B == Bug::RING_REPEATS || !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
    fn members(&self) -> Vec<NodeId> {
        self.weights.keys().copied().collect()
    }
    fn len(&self) -> usize {
        self.weights.len()
    }
}

impl<const B: u8> RingRouter for TinyRing<B> {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        if vnodes == 0 {
            return Err(ConfigError::ZeroVnodes);
        }
        if vnodes > MAX_VNODES {
            return Err(ConfigError::TooManyVnodes);
        }
        let mut r = Self::new();
        r.vnodes = vnodes;
        Ok(r)
    }
    fn vnodes(&self) -> u32 {
        self.vnodes
    }
    fn points(&self) -> usize {
        self.points.len()
    }
}

/// Jump consistent hash (Lamping and Veach 2014).
#[derive(Debug, Clone, Default)]
pub struct TinyJump<const B: u8> {
    buckets: Vec<NodeId>,
}

/// The bucket of `key` among `n`, by the paper's loop.
pub fn jump(mut key: u64, n: usize) -> usize {
    let (mut b, mut j) = (-1i64, 0i64);
    while j < n as i64 {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as usize
}

impl<const B: u8> Router for TinyJump<B> {
    fn new() -> Self {
        TinyJump {
            buckets: Vec::new(),
        }
    }
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight, false)?;
        if self.buckets.contains(&node) {
            return Err(MembershipError::AlreadyMember(node));
        }
        self.buckets.push(node);
        Ok(())
    }
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let at = self
            .buckets
            .iter()
            .position(|&x| x == node)
            .ok_or(MembershipError::NotMember(node))?;
        let last = *self.buckets.last().expect("a member");
        if last != node && B != Bug::JUMP_REMOVES_ANY {
            return Err(MembershipError::NotLast { node, last });
        }
        self.buckets.remove(at);
        Ok(())
    }
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.buckets.is_empty() {
            return None;
        }
        Some(self.buckets[jump(hash(key), self.buckets.len())])
    }
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        if self.buckets.is_empty() {
            return Vec::new();
        }
        let b = jump(hash(key), self.buckets.len());
        (0..n.min(self.buckets.len()))
            .map(|i| self.buckets[(b + i) % self.buckets.len()])
            .collect()
    }
    fn members(&self) -> Vec<NodeId> {
        let mut m = self.buckets.clone();
        m.sort_unstable();
        m
    }
    fn len(&self) -> usize {
        self.buckets.len()
    }
}

/// Rendezvous hashing, weighted by the logarithmic method.
#[derive(Debug, Clone, Default)]
pub struct TinyRendezvous<const B: u8> {
    weights: BTreeMap<NodeId, u32>,
}

impl<const B: u8> TinyRendezvous<B> {
    fn ranked(&self, key: &[u8]) -> Vec<NodeId> {
        let h = hash(key);
        let mut scored: Vec<(f64, NodeId)> = self
            .weights
            .iter()
            .map(|(&n, &w)| {
                let w = if B == Bug::RENDEZVOUS_UNWEIGHTED {
                    1
                } else {
                    w
                };
                let s = if B == Bug::RENDEZVOUS_XOR {
                    h ^ u64::from(n)
                } else {
                    mix(h, u64::from(n))
                };
                let u = (s >> 11) as f64 / (1u64 << 53) as f64;
                let u = u.max(f64::MIN_POSITIVE);
                (-f64::from(w) / u.ln(), n)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, n)| n).collect()
    }
}

impl<const B: u8> Router for TinyRendezvous<B> {
    fn new() -> Self {
        TinyRendezvous {
            weights: BTreeMap::new(),
        }
    }
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight, true)?;
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
        self.ranked(key).first().copied()
    }
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let mut r = self.ranked(key);
        r.truncate(n);
        r
    }
    fn members(&self) -> Vec<NodeId> {
        self.weights.keys().copied().collect()
    }
    fn len(&self) -> usize {
        self.weights.len()
    }
}

/// Maglev hashing (Eisenbud et al. 2016); full when it holds as many nodes as slots.
#[derive(Debug, Clone)]
pub struct TinyMaglev {
    size: u64,
    nodes: Vec<NodeId>,
    table: Vec<NodeId>,
}

impl TinyMaglev {
    fn rebuild(&mut self) {
        let m = self.size as usize;
        self.table.clear();
        if self.nodes.is_empty() {
            return;
        }
        let mut table = vec![None; m];
        let mut next = vec![0u64; self.nodes.len()];
        let mut filled = 0;
        'fill: loop {
            for (i, &n) in self.nodes.iter().enumerate() {
                let offset = mix(u64::from(n), 1) % self.size;
                let skip = mix(u64::from(n), 2) % (self.size - 1).max(1) + 1;
                loop {
                    let slot = ((offset + next[i] * skip) % self.size) as usize;
                    next[i] += 1;
                    if table[slot].is_none() {
                        table[slot] = Some(n);
                        filled += 1;
                        break;
                    }
                }
                if filled == m {
                    break 'fill;
                }
            }
        }
        self.table = table.into_iter().map(|s| s.expect("full")).collect();
    }
}

impl Router for TinyMaglev {
    fn new() -> Self {
        TinyMaglev {
            size: DEFAULT_TABLE_SIZE,
            nodes: Vec::new(),
            table: Vec::new(),
        }
    }
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        check_weight(weight, false)?;
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
        self.rebuild();
        Ok(())
    }
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        let at = self
            .nodes
            .iter()
            .position(|&x| x == node)
            .ok_or(MembershipError::NotMember(node))?;
        self.nodes.remove(at);
        self.rebuild();
        Ok(())
    }
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        if self.table.is_empty() {
            return None;
        }
        Some(self.table[(hash(key) % self.size) as usize])
    }
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let mut out = Vec::new();
        if self.table.is_empty() {
            return out;
        }
        let want = n.min(self.nodes.len());
        let start = (hash(key) % self.size) as usize;
        for i in 0..self.table.len() {
            if out.len() == want {
                break;
            }
            let x = self.table[(start + i) % self.table.len()];
            if !out.contains(&x) {
                out.push(x);
            }
        }
        // A node the walk did not meet (a table with fewer slots than a node's share) comes last.
        for &x in &self.nodes {
            if out.len() == want {
                break;
            }
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
    fn members(&self) -> Vec<NodeId> {
        self.nodes.clone()
    }
    fn len(&self) -> usize {
        self.nodes.len()
    }
}

fn is_prime(m: u64) -> bool {
    m >= 2
        && (2..)
            .take_while(|d| d * d <= m)
            .all(|d| !m.is_multiple_of(d))
}

impl MaglevRouter for TinyMaglev {
    fn with_table_size(table_size: u64) -> Result<Self, ConfigError> {
        if !(2..=MAX_TABLE_SIZE).contains(&table_size) {
            return Err(ConfigError::TableSizeOutOfRange(table_size));
        }
        if !is_prime(table_size) {
            return Err(ConfigError::TableSizeNotPrime(table_size));
        }
        let mut r = Self::new();
        r.size = table_size;
        Ok(r)
    }
    fn table_size(&self) -> u64 {
        self.size
    }
}

/// The shared ring: a snapshot behind a lock, replaced on each change.
#[derive(Debug)]
pub struct TinyShared<const B: u8> {
    ring: RwLock<Arc<TinyRing<B>>>,
    writers: Mutex<()>,
}

impl<const B: u8> TinyShared<B> {
    fn snapshot(&self) -> Arc<TinyRing<B>> {
        Arc::clone(&self.ring.read())
    }
    fn change(
        &self,
        f: impl FnOnce(&mut TinyRing<B>) -> Result<(), MembershipError>,
    ) -> Result<(), MembershipError> {
        let _writer = (B != Bug::SHARED_LOST_UPDATE).then(|| self.writers.lock());
        let old = self.snapshot();
        let mut ring = (*old).clone();
        f(&mut ring)?;
        if B == Bug::SHARED_TORN {
            // Half of each new node's points, as if they were inserted one at a time in place.
            let mut half = ring.clone();
            let mut odd = false;
            half.points.retain(|&(_, n)| {
                odd = !odd;
                old.weights.contains_key(&n) || odd
            });
            *self.ring.write() = Arc::new(half);
        }
        *self.ring.write() = Arc::new(ring);
        Ok(())
    }
}

impl<const B: u8> ConcurrentRouter for TinyShared<B> {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        Ok(TinyShared {
            ring: RwLock::new(Arc::new(TinyRing::with_vnodes(vnodes)?)),
            writers: Mutex::new(()),
        })
    }
    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.change(|r| r.add(node, weight))
    }
    fn remove(&self, node: NodeId) -> Result<(), MembershipError> {
        self.change(|r| r.remove(node))
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

/// The six types, with mistake `B` ([`Bug`]).
pub struct Family<const B: u8>;
impl<const B: u8> ConsistentHashingFamily for Family<B> {
    type Modulo = TinyModulo;
    type Ring = TinyRing<B>;
    type Jump = TinyJump<B>;
    type Rendezvous = TinyRendezvous<B>;
    type Maglev = TinyMaglev;
    type Shared = TinyShared<B>;
}

/// The failed checks of a stage run on the default seed: name and message.
pub fn failures(stage: impl FnOnce(&mut crate::Ctx)) -> Vec<(String, String)> {
    use crate::report::{Event, Reporter};
    let mut ctx = crate::Ctx::new(Reporter::in_memory(), crate::runner::DEFAULT_SEED);
    stage(&mut ctx);
    let mut out: Vec<(String, String)> = ctx
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::CheckEnd {
                name,
                passed: false,
                message,
                ..
            } => Some((name.clone(), message.clone())),
            _ => None,
        })
        .collect();
    out.extend(ctx.events().iter().filter_map(|e| match e {
        Event::Measurement(m) if !m.passed => Some((m.name.clone(), m.threshold.clone())),
        _ => None,
    }));
    out
}
