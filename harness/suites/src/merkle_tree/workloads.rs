//! The trees the benches and the complexity stage share.
//!
//! # The bench workloads ([`BENCH`])
//!
//! - **`build`**: `Tree::new` over 1 024 leaves of 4 KiB (4 MiB, blocks of a file); the bench
//!   prints beside it the time to SHA-256 the same 4 MiB once, the physical floor.
//! - **`proof`**: `proof(i)` on a tree of 65 536 leaves of 32 bytes, `i` random.
//! - **`verify`**: `verify(root, leaf, proof)` over 256 prepared proofs of that tree.
//! - **`update`**: `update(i, 32 bytes)` on that tree, `i` random.
//! - **`diff`**: `diff` of that tree against a replica differing in 16 random leaves.
//!
//! The complexity stage runs proof, verify, update and build at 16 to 1 024 leaves.

use kata_core::merkle_tree::{Hash, MerkleTree, Proof};

use crate::measure::{SplitMix64, Spec};

/// The bench workloads.
pub const BENCH: &[Spec] = &[
    Spec {
        name: "build",
        summary: "Tree::new over 1 024 leaves of 4 KiB (4 MiB)",
    },
    Spec {
        name: "proof",
        summary: "proof(i) on 65 536 leaves of 32 bytes, i random",
    },
    Spec {
        name: "verify",
        summary: "verify(root, leaf, proof) over 256 proofs of 65 536 leaves",
    },
    Spec {
        name: "update",
        summary: "update(i, 32 bytes) on 65 536 leaves, i random",
    },
    Spec {
        name: "diff",
        summary: "diff of 65 536 leaves against a replica differing in 16",
    },
];

/// Leaves of the `build` workload.
pub const BUILD_LEAVES: usize = 1_024;
/// Bytes per leaf of the `build` workload.
pub const BUILD_LEAF_BYTES: usize = 4_096;
/// Leaves of the other workloads.
pub const TREE_LEAVES: usize = 65_536;
/// Differing leaves of the `diff` workload.
pub const DIFF_CHANGED: usize = 16;

/// `n` leaves of `bytes` pseudo-random bytes each, from `seed`.
pub fn leaves(n: usize, bytes: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let mut v = Vec::with_capacity(bytes + 8);
            while v.len() < bytes {
                v.extend_from_slice(&rng.next_u64().to_le_bytes());
            }
            v.truncate(bytes);
            v
        })
        .collect()
}

fn new_tree<T: MerkleTree>(leaves: &[Vec<u8>]) -> T {
    T::new(leaves).unwrap_or_else(|e| panic!("Tree::new refused {} leaves: {e}", leaves.len()))
}

/// `Tree::new` over prepared leaves.
pub struct Build {
    /// The leaves.
    pub leaves: Vec<Vec<u8>>,
}

impl Build {
    /// `n` leaves of `bytes` bytes from `seed`.
    pub fn new(n: usize, bytes: usize, seed: u64) -> Self {
        Build {
            leaves: leaves(n, bytes, seed),
        }
    }

    /// One build; returns the root.
    #[inline]
    pub fn step<T: MerkleTree>(&self) -> Hash {
        new_tree::<T>(std::hint::black_box(&self.leaves)).root()
    }
}

/// `proof(i)` on a tree, `i` from a prepared random sequence.
pub struct Prove<T> {
    tree: T,
    indices: Vec<usize>,
    next: usize,
}

fn indices(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64::new(seed ^ 0x1D);
    (0..1_024).map(|_| rng.below(n as u64) as usize).collect()
}

impl<T: MerkleTree> Prove<T> {
    /// A tree of `n` leaves of 32 bytes from `seed`.
    pub fn new(n: usize, seed: u64) -> Self {
        Prove {
            tree: new_tree(&leaves(n, 32, seed)),
            indices: indices(n, seed),
            next: 0,
        }
    }

    /// One proof.
    #[inline]
    pub fn step(&mut self) -> Proof {
        let i = self.indices[self.next];
        self.next = (self.next + 1) % self.indices.len();
        std::hint::black_box(&self.tree)
            .proof(i)
            .unwrap_or_else(|e| panic!("proof({i}) failed: {e}"))
    }
}

/// `verify` over prepared proofs of one tree.
pub struct Verify {
    root: Hash,
    cases: Vec<(Vec<u8>, Proof)>,
    next: usize,
}

impl Verify {
    /// 256 proofs of a tree of `n` leaves of 32 bytes from `seed`, made by `T`.
    pub fn new<T: MerkleTree>(n: usize, seed: u64) -> Self {
        let l = leaves(n, 32, seed);
        let t: T = new_tree(&l);
        let cases = indices(n, seed)
            .into_iter()
            .take(256)
            .map(|i| {
                let p = t.proof(i).unwrap_or_else(|e| panic!("proof({i}) failed: {e}"));
                (l[i].clone(), p)
            })
            .collect();
        Verify {
            root: t.root(),
            cases,
            next: 0,
        }
    }

    /// One verification with `T::verify`; whether it passed.
    #[inline]
    pub fn step<T: MerkleTree>(&mut self) -> bool {
        let (leaf, proof) = &self.cases[self.next];
        self.next = (self.next + 1) % self.cases.len();
        T::verify(std::hint::black_box(&self.root), leaf, proof).is_ok()
    }
}

/// `update(i, data)` on a tree, `i` and `data` from a prepared sequence.
pub struct Update<T> {
    tree: T,
    indices: Vec<usize>,
    data: Vec<[u8; 32]>,
    next: usize,
}

impl<T: MerkleTree> Update<T> {
    /// A tree of `n` leaves of 32 bytes from `seed`.
    pub fn new(n: usize, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed ^ 0xDA7A);
        let data = (0..64)
            .map(|_| {
                let mut d = [0u8; 32];
                for c in d.chunks_mut(8) {
                    c.copy_from_slice(&rng.next_u64().to_le_bytes());
                }
                d
            })
            .collect();
        Update {
            tree: new_tree(&leaves(n, 32, seed)),
            indices: indices(n, seed),
            data,
            next: 0,
        }
    }

    /// One update.
    #[inline]
    pub fn step(&mut self) {
        let i = self.indices[self.next % self.indices.len()];
        let d = &self.data[self.next % self.data.len()];
        self.next += 1;
        self.tree
            .update(std::hint::black_box(i), d)
            .unwrap_or_else(|e| panic!("update({i}) failed: {e}"));
    }
}

/// `diff` of a tree against a replica differing in a few leaves.
pub struct Diff<T> {
    ours: T,
    theirs: T,
}

impl<T: MerkleTree> Diff<T> {
    /// Trees of `n` leaves of 32 bytes from `seed`, `changed` of them differing.
    pub fn new(n: usize, changed: usize, seed: u64) -> Self {
        let l = leaves(n, 32, seed);
        let mut other = l.clone();
        let mut rng = SplitMix64::new(seed ^ 0xD1FF);
        for _ in 0..changed {
            let i = rng.below(n as u64) as usize;
            other[i] = b"changed".to_vec();
        }
        Diff {
            ours: new_tree(&l),
            theirs: new_tree(&other),
        }
    }

    /// One diff; the number of differing leaves.
    #[inline]
    pub fn step(&self) -> usize {
        std::hint::black_box(&self.ours)
            .diff(std::hint::black_box(&self.theirs))
            .map_or(0, |d| d.len())
    }
}
