//! `merkle-tree` in another design: RFC 6962's recursion over a heap-ordered array, a `Mutex`,
//! and Buzhash chunks.
//!
//! - [`HeapTree`]: every node in one `Vec<Hash>` in heap order over the next power of two `P`
//!   of leaves (node `i` of level `k` at slot `P >> k` plus `i`, its children at twice the slot
//!   and the slot after). A proof follows RFC 6962 §2.1.1's recursion, `PATH(m, D[n])`: split
//!   at the largest power of two below `n`, recurse into the side holding `m`, and add the
//!   other side's subtree hash, read from the array. Verification is RFC 9162 §2.1.3.2's loop
//!   over the bits of the index and of the last index. Diff recurses on the same splits.
//! - [`LockedTree`]: a [`HeapTree`] behind a `Mutex`.
//! - [`Buzhash`]: content-defined chunks by a Buzhash rolling over a window of 48 bytes of the
//!   whole file (each byte rotates the hash and XORs in the byte's table value, and the table
//!   value of the byte leaving the window, rotated by the window, out).
//!
//! Graded on every stage as `--mutant recursive`.

use std::collections::HashSet;
use std::ops::Range;

use kata_core::merkle_tree::{
    height, width, Chunking, DeltaSync, Hash, MerkleError, MerkleTree, NodeSource, Proof,
    SharedMerkleTree, UploadPlan, VerifyError,
};
use kata_core::sync::Mutex;
use kata_suites::merkle_tree::MerkleTreeFamily;
use sha2::{Digest, Sha256};

/// The recursive family.
pub struct RecursiveFamily;

impl MerkleTreeFamily for RecursiveFamily {
    type Tree = HeapTree;
    type Shared = LockedTree;
    type Blocks = Buzhash;
}

fn leaf(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

fn inner(l: &Hash, r: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

/// The largest power of two strictly below `n >= 2`.
fn split(n: usize) -> usize {
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// Every node in heap order.
#[derive(Debug, Clone)]
pub struct HeapTree {
    n: usize,
    p: usize,
    heap: Vec<Hash>,
}

impl HeapTree {
    fn from_leaf_hashes(hashes: &[Hash]) -> HeapTree {
        let n = hashes.len();
        let p = n.next_power_of_two();
        let mut t = HeapTree {
            n,
            p,
            heap: vec![[0u8; 32]; 2 * p],
        };
        t.heap[p..p + n].copy_from_slice(hashes);
        for level in 1..=height(n) {
            for i in 0..width(n, level) {
                t.rehash(level, i);
            }
        }
        t
    }

    fn slot(&self, level: u32, i: usize) -> usize {
        (self.p >> level) + i
    }

    fn rehash(&mut self, level: u32, i: usize) {
        let s = self.slot(level, i);
        self.heap[s] = if 2 * i + 1 < width(self.n, level - 1) {
            inner(&self.heap[2 * s], &self.heap[2 * s + 1])
        } else {
            self.heap[2 * s]
        };
    }

    /// The hash of leaves `lo..lo + size`, a subtree of RFC 6962's recursion.
    fn subtree(&self, lo: usize, size: usize) -> Hash {
        let level = height(size);
        self.heap[self.slot(level, lo >> level)]
    }

    fn path(&self, m: usize, lo: usize, size: usize, out: &mut Vec<Hash>) {
        if size <= 1 {
            return;
        }
        let k = split(size);
        if m < k {
            self.path(m, lo, k, out);
            out.push(self.subtree(lo + k, size - k));
        } else {
            self.path(m - k, lo + k, size - k, out);
            out.push(self.subtree(lo, k));
        }
    }

    fn diff_range<S: NodeSource>(&self, remote: &S, lo: usize, size: usize, out: &mut Vec<usize>) {
        if size == 1 {
            out.push(lo);
            return;
        }
        let k = split(size);
        for (l, s) in [(lo, k), (lo + k, size - k)] {
            let level = height(s);
            if remote.node(level, l >> level) != Some(self.subtree(l, s)) {
                self.diff_range(remote, l, s, out);
            }
        }
    }

    fn index(&self, index: usize) -> Result<(), MerkleError> {
        if index >= self.n {
            return Err(MerkleError::IndexOutOfRange { index, len: self.n });
        }
        Ok(())
    }
}

impl NodeSource for HeapTree {
    fn len(&self) -> usize {
        self.n
    }

    fn node(&self, level: u32, index: usize) -> Option<Hash> {
        (index < width(self.n, level)).then(|| self.heap[self.slot(level, index)])
    }
}

impl MerkleTree for HeapTree {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        if leaves.is_empty() {
            return Err(MerkleError::Empty);
        }
        let hashes: Vec<Hash> = leaves.iter().map(|l| leaf(l.as_ref())).collect();
        Ok(HeapTree::from_leaf_hashes(&hashes))
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
        let share = leaves.len().div_ceil(threads);
        let hashes: Vec<Hash> = std::thread::scope(|s| {
            let parts: Vec<_> = leaves
                .chunks(share)
                .map(|part| {
                    s.spawn(move || part.iter().map(|l| leaf(l.as_ref())).collect::<Vec<_>>())
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().expect("a hashing thread"))
                .collect()
        });
        Ok(HeapTree::from_leaf_hashes(&hashes))
    }

    fn root(&self) -> Hash {
        self.heap[self.slot(height(self.n), 0)]
    }

    fn proof(&self, index: usize) -> Result<Proof, MerkleError> {
        self.index(index)?;
        let mut path = Vec::new();
        self.path(index, 0, self.n, &mut path);
        Ok(Proof {
            index,
            tree_size: self.n,
            path,
        })
    }

    fn update(&mut self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        self.index(index)?;
        let s = self.slot(0, index);
        self.heap[s] = leaf(data);
        for level in 1..=height(self.n) {
            self.rehash(level, index >> level);
        }
        Ok(())
    }

    fn diff<S: NodeSource>(&self, remote: &S) -> Result<Vec<usize>, MerkleError> {
        if remote.len() != self.n {
            return Err(MerkleError::SizeMismatch {
                ours: self.n,
                theirs: remote.len(),
            });
        }
        let mut out = Vec::new();
        if remote.node(height(self.n), 0) != Some(self.root()) {
            self.diff_range(remote, 0, self.n, &mut out);
        }
        Ok(out)
    }

    fn verify(root: &Hash, data: &[u8], proof: &Proof) -> Result<(), VerifyError> {
        let (index, size) = (proof.index, proof.tree_size);
        if size == 0 {
            return Err(VerifyError::EmptyTree);
        }
        if index >= size {
            return Err(VerifyError::IndexOutOfRange { index, size });
        }
        // The length: one hash per level where the node on the way has a sibling.
        let (mut j, mut w, mut expected) = (index, size, 0);
        while w > 1 {
            if j & 1 == 1 || j + 1 < w {
                expected += 1;
            }
            j >>= 1;
            w = w.div_ceil(2);
        }
        if proof.path.len() != expected {
            return Err(VerifyError::PathLength {
                expected,
                got: proof.path.len(),
            });
        }
        // RFC 9162 §2.1.3.2.
        let (mut f, mut s) = (index, size - 1);
        let mut r = leaf(data);
        for p in &proof.path {
            if f & 1 == 1 || f == s {
                r = inner(p, &r);
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            } else {
                r = inner(&r, p);
            }
            f >>= 1;
            s >>= 1;
        }
        if s == 0 && r == *root {
            Ok(())
        } else {
            Err(VerifyError::RootMismatch)
        }
    }
}

/// A [`HeapTree`] behind a `Mutex`.
#[derive(Debug)]
pub struct LockedTree(Mutex<HeapTree>);

impl SharedMerkleTree for LockedTree {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        Ok(LockedTree(Mutex::new(HeapTree::new(leaves)?)))
    }

    fn root(&self) -> Hash {
        self.0.lock().root()
    }

    fn proof(&self, index: usize) -> Result<(Hash, Proof), MerkleError> {
        let t = self.0.lock();
        let p = t.proof(index)?;
        Ok((t.root(), p))
    }

    fn update(&self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        self.0.lock().update(index, data)
    }
}

/// Fixed blocks and Buzhash chunks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Buzhash;

const WINDOW: usize = 48;

const TABLE: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut x: u64 = 0xBB67_AE85_84CA_A73B;
    let mut i = 0;
    while i < 256 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t[i] = x;
        i += 1;
    }
    t
};

fn buzhash_chunks(data: &[u8], min: usize, avg: usize, max: usize) -> Vec<Range<usize>> {
    // A boundary after byte p when the hash of the window ending at p has `bits` low zero bits
    // (and the chunk is at least min): about one byte in 2^bits past the minimum.
    let bits = (avg - min).max(1).ilog2();
    let mask = (1u64 << bits) - 1;
    let mut out = Vec::new();
    let mut start = 0;
    let mut h: u64 = 0;
    for (p, &b) in data.iter().enumerate() {
        h = h.rotate_left(1) ^ TABLE[b as usize];
        if p >= WINDOW {
            h ^= TABLE[data[p - WINDOW] as usize].rotate_left(WINDOW as u32);
        }
        let len = p + 1 - start;
        if len >= max || (len >= min && (bits == 0 || h & mask == 0)) {
            out.push(start..p + 1);
            start = p + 1;
        }
    }
    if start < data.len() {
        out.push(start..data.len());
    }
    out
}

impl DeltaSync for Buzhash {
    fn chunks(data: &[u8], chunking: Chunking) -> Result<Vec<Range<usize>>, MerkleError> {
        match chunking {
            Chunking::Fixed { block } => {
                if block == 0 {
                    return Err(MerkleError::ZeroBlockSize);
                }
                let mut out = Vec::new();
                let mut s = 0;
                while s < data.len() {
                    let e = data.len().min(s + block);
                    out.push(s..e);
                    s = e;
                }
                Ok(out)
            }
            Chunking::ContentDefined { min, avg, max } => {
                if !(1 <= min && min <= avg && avg <= max) {
                    return Err(MerkleError::ChunkSizes { min, avg, max });
                }
                Ok(buzhash_chunks(data, min, avg, max))
            }
        }
    }

    fn plan(
        data: &[u8],
        chunking: Chunking,
        server: &HashSet<Hash>,
    ) -> Result<UploadPlan, MerkleError> {
        let chunks = Self::chunks(data, chunking)?;
        let blocks: Vec<Hash> = chunks.iter().map(|r| leaf(&data[r.clone()])).collect();
        if blocks.is_empty() {
            return Err(MerkleError::Empty);
        }
        let mut known = server.clone();
        let mut send = Vec::new();
        for (r, h) in chunks.iter().zip(&blocks) {
            if known.insert(*h) {
                send.push(r.clone());
            }
        }
        let root = HeapTree::from_leaf_hashes(&blocks).root();
        Ok(UploadPlan { root, blocks, send })
    }
}
