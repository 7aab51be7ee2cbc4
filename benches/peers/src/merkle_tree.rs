//! The peer of the `merkle-tree` kata: rs_merkle's `MerkleTree` behind
//! [`kata_core::merkle_tree::MerkleTree`].
//!
//! rs_merkle builds a tree over hashes its caller computed, with a `Hasher` whose
//! `concat_and_hash(left, right)` the caller may override; its default promotes a lone left node
//! unchanged, as RFC 6962's levels do. The adapter hashes leaves as `SHA-256(0x00 ‖ data)` and
//! overrides `concat_and_hash` to `SHA-256(0x01 ‖ left ‖ right)`, so that the roots are RFC
//! 6962's. A proof is rs_merkle's multi-proof for one index (its hashes bottom-up, as the kata's
//! path), verified by rs_merkle with the leaf count; the adapter adds the checks the kata asks
//! of `verify` and rs_merkle leaves to its caller (an index in range, the path's length).
//!
//! What rs_merkle does not have, the adapter supplies, and the bench does not time: rs_merkle
//! keeps its levels private, so a node is the rs_merkle root of the leaves under it; there is no
//! update of one leaf (its trees grow by appending), so an update rebuilds from the leaves; diff
//! walks down through those nodes. The bench's `update` and `diff` workloads are sat out. The
//! shared tree and the chunker are the reference's: the verdict and the bench are about the tree.

use kata_core::merkle_tree::{
    Hash, MerkleError, MerkleTree, NodeSource, Proof, VerifyError, LEAF_PREFIX, NODE_PREFIX,
};
use kata_suites::merkle_tree::MerkleTreeFamily;
use sha2::{Digest, Sha256};

use crate::Peer;

kata_suites::merkle_tree_family!(
    /// The reference `merkle-tree`, the yardstick the suite grades the peer against.
    Reference => merkle_tree_solution
);

/// rs_merkle's family: its tree, the reference's shared tree and chunker.
pub struct RsMerkleFamily;

impl MerkleTreeFamily for RsMerkleFamily {
    type Tree = RsTree;
    type Shared = merkle_tree_solution::SharedTree;
    type Blocks = merkle_tree_solution::Blocks;
}

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    Some(match name {
        "rs_merkle" => crate::grade::grade_merkle_tree::<RsMerkleFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `merkle-tree` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[Peer {
    name: "rs_merkle",
    krate: "rs_merkle",
    version: "1.4",
    design: "MerkleTree over caller-hashed leaves, layers of (index, hash) built by a Hasher \
             whose concat_and_hash is overridden here to RFC 6962's 0x01 prefix; multi-proofs \
             verified with the leaf count",
    difference: None,
}];

/// RFC 6962's inner-node hashing for rs_merkle.
#[derive(Debug, Clone, Copy)]
pub struct Rfc6962;

impl rs_merkle::Hasher for Rfc6962 {
    type Hash = Hash;

    fn hash(data: &[u8]) -> Hash {
        Sha256::digest(data).into()
    }

    fn concat_and_hash(left: &Hash, right: Option<&Hash>) -> Hash {
        match right {
            Some(right) => {
                let mut h = Sha256::new_with_prefix([NODE_PREFIX]);
                h.update(left);
                h.update(right);
                h.finalize().into()
            }
            None => *left,
        }
    }
}

fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new_with_prefix([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// rs_merkle's tree and its leaf hashes.
#[derive(Clone)]
pub struct RsTree {
    tree: rs_merkle::MerkleTree<Rfc6962>,
    leaves: Vec<Hash>,
}

impl std::fmt::Debug for RsTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsTree")
            .field("leaves", &self.leaves.len())
            .finish()
    }
}

impl RsTree {
    fn from_hashes(leaves: Vec<Hash>) -> RsTree {
        RsTree {
            tree: rs_merkle::MerkleTree::from_leaves(&leaves),
            leaves,
        }
    }

    fn check(&self, index: usize) -> Result<(), MerkleError> {
        if index < self.leaves.len() {
            Ok(())
        } else {
            Err(MerkleError::IndexOutOfRange {
                index,
                len: self.leaves.len(),
            })
        }
    }
}

impl NodeSource for RsTree {
    fn len(&self) -> usize {
        self.leaves.len()
    }

    fn node(&self, level: u32, index: usize) -> Option<Hash> {
        let n = self.leaves.len();
        if index >= kata_core::merkle_tree::width(n, level) {
            return None;
        }
        let span = 1usize << level;
        let part = &self.leaves[index * span..((index + 1) * span).min(n)];
        rs_merkle::MerkleTree::<Rfc6962>::from_leaves(part).root()
    }
}

impl MerkleTree for RsTree {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        if leaves.is_empty() {
            return Err(MerkleError::Empty);
        }
        Ok(RsTree::from_hashes(
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
        Self::new(leaves)
    }

    fn root(&self) -> Hash {
        self.tree
            .root()
            .expect("a tree of at least one leaf has a root")
    }

    fn proof(&self, index: usize) -> Result<Proof, MerkleError> {
        self.check(index)?;
        Ok(Proof {
            index,
            tree_size: self.leaves.len(),
            path: self.tree.proof(&[index]).proof_hashes().to_vec(),
        })
    }

    fn update(&mut self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        self.check(index)?;
        let mut leaves = std::mem::take(&mut self.leaves);
        leaves[index] = leaf_hash(data);
        *self = RsTree::from_hashes(leaves);
        Ok(())
    }

    fn diff<S: NodeSource>(&self, remote: &S) -> Result<Vec<usize>, MerkleError> {
        let n = self.leaves.len();
        if remote.len() != n {
            return Err(MerkleError::SizeMismatch {
                ours: n,
                theirs: remote.len(),
            });
        }
        let top = kata_core::merkle_tree::height(n);
        if remote.node(top, 0) == Some(self.root()) {
            return Ok(Vec::new());
        }
        let mut differ = vec![0usize];
        for k in (0..top).rev() {
            let w = kata_core::merkle_tree::width(n, k);
            let mut next = Vec::new();
            for &j in &differ {
                if 2 * j + 1 < w {
                    for c in [2 * j, 2 * j + 1] {
                        if remote.node(k, c) != self.node(k, c) {
                            next.push(c);
                        }
                    }
                } else {
                    next.push(2 * j);
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
        let p = rs_merkle::MerkleProof::<Rfc6962>::new(proof.path.clone());
        if p.verify(*root, &[index], &[leaf_hash(leaf)], size) {
            Ok(())
        } else {
            Err(VerifyError::RootMismatch)
        }
    }
}
