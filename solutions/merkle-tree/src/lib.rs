//! Reference solution of the `merkle-tree` kata.
//!
//! - [`Tree`]: every level of hashes in its own `Vec`, level 0 the leaf hashes. A proof reads
//!   one sibling per level, an update rehashes one node per level, a build hashes each node
//!   once. Hashing is RFC 6962's, through `sha2` (which uses the CPU's SHA extensions where
//!   there are some).
//! - [`SharedTree`]: a [`Tree`] behind one `RwLock`: a proof takes the root and the path under
//!   one read lock, so they always come from the same version.
//! - [`Blocks`]: fixed blocks, content-defined chunks by a Gear rolling hash (each byte shifts
//!   the hash left by one and adds a random 64-bit value for the byte, so the hash's top bits
//!   depend on the last 64 bytes only: a boundary where they are all zero), and upload plans.

use std::collections::HashSet;
use std::ops::Range;

use kata_core::merkle_tree::{
    Chunking, DeltaSync, Hash, MerkleError, MerkleTree, NodeSource, Proof, SharedMerkleTree,
    UploadPlan, VerifyError, LEAF_PREFIX, NODE_PREFIX,
};
use kata_core::sync::RwLock;
use sha2::{Digest, Sha256};

/// `SHA-256(0x00 ‖ data)`.
#[inline]
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new_with_prefix([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
#[inline]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut buf = [0u8; 65];
    buf[0] = NODE_PREFIX;
    buf[1..33].copy_from_slice(left);
    buf[33..].copy_from_slice(right);
    Sha256::digest(buf).into()
}

/// The level above `below`: pairs hashed, an odd last node promoted.
fn parent_level(below: &[Hash]) -> Vec<Hash> {
    below
        .chunks(2)
        .map(|p| {
            if p.len() == 2 {
                node_hash(&p[0], &p[1])
            } else {
                p[0]
            }
        })
        .collect()
}

/// A Merkle tree: every level of hashes, level 0 the leaves', the last one the root alone.
#[derive(Debug, Clone)]
pub struct Tree {
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// The tree over leaf hashes `hashes` (at least one).
    fn from_hashes(hashes: Vec<Hash>) -> Tree {
        let mut levels = vec![hashes];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let next = parent_level(levels.last().expect("a level"));
            levels.push(next);
        }
        Tree { levels }
    }

    fn check(&self, index: usize) -> Result<(), MerkleError> {
        if index < self.levels[0].len() {
            Ok(())
        } else {
            Err(MerkleError::IndexOutOfRange {
                index,
                len: self.levels[0].len(),
            })
        }
    }
}

impl NodeSource for Tree {
    fn len(&self) -> usize {
        self.levels[0].len()
    }

    fn node(&self, level: u32, index: usize) -> Option<Hash> {
        self.levels.get(level as usize)?.get(index).copied()
    }
}

/// The sibling's position at each level on the way up from `index` in a tree of `size`
/// leaves: `Some(true)` when the sibling is on the left, `Some(false)` on the right, `None`
/// where the node is promoted alone.
fn sides(index: usize, size: usize) -> impl Iterator<Item = Option<bool>> {
    let (mut j, mut w) = (index, size);
    std::iter::from_fn(move || {
        if w <= 1 {
            return None;
        }
        let side = if j & 1 == 1 {
            Some(true)
        } else if j + 1 < w {
            Some(false)
        } else {
            None
        };
        j >>= 1;
        w = w.div_ceil(2);
        Some(side)
    })
}

impl MerkleTree for Tree {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        if leaves.is_empty() {
            return Err(MerkleError::Empty);
        }
        Ok(Tree::from_hashes(
            leaves.iter().map(|l| leaf_hash(l.as_ref())).collect(),
        ))
    }

    fn build_parallel<L: AsRef<[u8]> + Sync>(
        leaves: &[L],
        threads: usize,
    ) -> Result<Self, MerkleError> {
        if threads == 0 {
            return Err(MerkleError::ZeroThreads);
        }
        if leaves.is_empty() {
            return Err(MerkleError::Empty);
        }
        // Each thread hashes a run of leaves, then a run of each level's pairs: runs of an even
        // length, so that no pair is split between two threads.
        let run = |width: usize| (width.div_ceil(threads) + 1) & !1;
        let mut level = vec![[0u8; 32]; leaves.len()];
        std::thread::scope(|s| {
            let size = run(leaves.len()).max(2);
            for (out, inp) in level.chunks_mut(size).zip(leaves.chunks(size)) {
                s.spawn(move || {
                    for (o, l) in out.iter_mut().zip(inp) {
                        *o = leaf_hash(l.as_ref());
                    }
                });
            }
        });
        let mut levels = vec![level];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().expect("a level");
            let mut next = vec![[0u8; 32]; below.len().div_ceil(2)];
            if below.len() < 512 || threads == 1 {
                next = parent_level(below);
            } else {
                let size = run(below.len()).max(2);
                std::thread::scope(|s| {
                    for (out, inp) in next.chunks_mut(size / 2).zip(below.chunks(size)) {
                        s.spawn(move || out.copy_from_slice(&parent_level(inp)));
                    }
                });
            }
            levels.push(next);
        }
        Ok(Tree { levels })
    }

    fn root(&self) -> Hash {
        self.levels.last().expect("a tree has a level")[0]
    }

    fn proof(&self, index: usize) -> Result<Proof, MerkleError> {
        self.check(index)?;
        let mut path = Vec::with_capacity(self.levels.len());
        let mut j = index;
        for level in &self.levels[..self.levels.len() - 1] {
            if let Some(h) = level.get(j ^ 1) {
                path.push(*h);
            }
            j >>= 1;
        }
        Ok(Proof {
            index,
            tree_size: self.len(),
            path,
        })
    }

    fn update(&mut self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        self.check(index)?;
        self.levels[0][index] = leaf_hash(data);
        let mut j = index;
        for k in 1..self.levels.len() {
            j >>= 1;
            let (below, above) = self.levels.split_at_mut(k);
            let below = &below[k - 1];
            above[0][j] = match below.get(2 * j + 1) {
                Some(right) => node_hash(&below[2 * j], right),
                None => below[2 * j],
            };
        }
        Ok(())
    }

    fn diff<S: NodeSource>(&self, remote: &S) -> Result<Vec<usize>, MerkleError> {
        if remote.len() != self.len() {
            return Err(MerkleError::SizeMismatch {
                ours: self.len(),
                theirs: remote.len(),
            });
        }
        let top = self.levels.len() - 1;
        if remote.node(top as u32, 0) == Some(self.root()) {
            return Ok(Vec::new());
        }
        // The nodes that differ, level by level down, in ascending order.
        let mut differ = vec![0usize];
        for k in (0..top).rev() {
            let level = &self.levels[k];
            let mut next = Vec::with_capacity(2 * differ.len());
            for &j in &differ {
                let left = 2 * j;
                if left + 1 < level.len() {
                    for c in [left, left + 1] {
                        if remote.node(k as u32, c) != Some(level[c]) {
                            next.push(c);
                        }
                    }
                } else {
                    // Promoted alone: it is its parent, which differs.
                    next.push(left);
                }
            }
            differ = next;
        }
        Ok(differ)
    }

    fn verify(root: &Hash, leaf: &[u8], proof: &Proof) -> Result<(), VerifyError> {
        let (index, size) = (proof.index, proof.tree_size);
        if size == 0 {
            return Err(VerifyError::EmptyTree);
        }
        if index >= size {
            return Err(VerifyError::IndexOutOfRange { index, size });
        }
        let expected = sides(index, size).flatten().count();
        if proof.path.len() != expected {
            return Err(VerifyError::PathLength {
                expected,
                got: proof.path.len(),
            });
        }
        let mut h = leaf_hash(leaf);
        let mut path = proof.path.iter();
        for side in sides(index, size).flatten() {
            let sibling = path.next().expect("the length was checked");
            h = if side {
                node_hash(sibling, &h)
            } else {
                node_hash(&h, sibling)
            };
        }
        if h == *root {
            Ok(())
        } else {
            Err(VerifyError::RootMismatch)
        }
    }
}

/// A [`Tree`] behind one `RwLock`.
#[derive(Debug)]
pub struct SharedTree {
    tree: RwLock<Tree>,
}

impl SharedMerkleTree for SharedTree {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        Ok(SharedTree {
            tree: RwLock::new(Tree::new(leaves)?),
        })
    }

    fn root(&self) -> Hash {
        self.tree.read().root()
    }

    fn proof(&self, index: usize) -> Result<(Hash, Proof), MerkleError> {
        let tree = self.tree.read();
        Ok((tree.root(), tree.proof(index)?))
    }

    fn update(&self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        self.tree.write().update(index, data)
    }
}

/// 256 random 64-bit values, one per byte, for the Gear hash.
const GEAR: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut x: u64 = 0x6A09_E667_F3BC_C908;
    let mut i = 0;
    while i < 256 {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        t[i] = z ^ (z >> 31);
        i += 1;
    }
    t
};

/// Chunking and upload plans.
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocks;

fn content_defined(data: &[u8], min: usize, avg: usize, max: usize) -> Vec<Range<usize>> {
    // A boundary where the hash's top `bits` bits are zero: one chance in 2^bits per byte past
    // the minimum, so chunks average about min + 2^bits.
    let bits = (avg - min).max(1).ilog2();
    let shift = 64 - bits;
    let mut out = Vec::with_capacity(data.len() / avg + 1);
    let mut start = 0;
    while start < data.len() {
        let end = (start + max).min(data.len());
        let mut cut = end;
        if start + min < end {
            let mut h: u64 = 0;
            for (p, &b) in data[start + min..end].iter().enumerate() {
                h = (h << 1).wrapping_add(GEAR[b as usize]);
                if bits == 0 || h >> shift == 0 {
                    cut = start + min + p + 1;
                    break;
                }
            }
        }
        out.push(start..cut);
        start = cut;
    }
    out
}

impl DeltaSync for Blocks {
    fn chunks(data: &[u8], chunking: Chunking) -> Result<Vec<Range<usize>>, MerkleError> {
        match chunking {
            Chunking::Fixed { block: 0 } => Err(MerkleError::ZeroBlockSize),
            Chunking::Fixed { block } => Ok((0..data.len())
                .step_by(block)
                .map(|s| s..(s + block).min(data.len()))
                .collect()),
            Chunking::ContentDefined { min, avg, max } => {
                if min == 0 || min > avg || avg > max {
                    return Err(MerkleError::ChunkSizes { min, avg, max });
                }
                Ok(content_defined(data, min, avg, max))
            }
        }
    }

    fn plan(
        data: &[u8],
        chunking: Chunking,
        server: &HashSet<Hash>,
    ) -> Result<UploadPlan, MerkleError> {
        let chunks = Self::chunks(data, chunking)?;
        if chunks.is_empty() {
            return Err(MerkleError::Empty);
        }
        let blocks: Vec<Hash> = chunks.iter().map(|r| leaf_hash(&data[r.clone()])).collect();
        let mut sent: HashSet<Hash> = HashSet::new();
        let send = chunks
            .iter()
            .zip(&blocks)
            .filter(|(_, h)| !server.contains(*h) && sent.insert(**h))
            .map(|(r, _)| r.clone())
            .collect();
        let root = Tree::from_hashes(blocks.clone()).root();
        Ok(UploadPlan { root, blocks, send })
    }
}
