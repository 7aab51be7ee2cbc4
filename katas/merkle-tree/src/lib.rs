//! # Kata `merkle-tree`: proofs, anti-entropy and delta sync with one hash tree
//!
//! A Merkle tree hashes each leaf, then each pair of hashes, level by level, up to one hash:
//! the **root**, which commits to every leaf. Three types:
//!
//! - [`Tree`]: the tree over a list of leaves. Its [`root`](MerkleTree::root); the
//!   [`proof`](MerkleTree::proof) that a leaf is in it (the sibling hashes on the way up) and
//!   its [`verify`](MerkleTree::verify)cation against a root alone; an
//!   [`update`](MerkleTree::update) of one leaf that rehashes one node per level; a parallel
//!   [`build`](MerkleTree::build_parallel); and [`diff`](MerkleTree::diff), which finds the
//!   leaves where another replica differs by asking for its hashes top-down, as Dynamo and
//!   Cassandra's repair do.
//! - [`SharedTree`]: the tree shared by threads: one writer updates, readers ask for proofs.
//! - [`Blocks`]: a file cut into fixed blocks or content-defined chunks, and the upload plan
//!   that sends only the blocks a server lacks (Dropbox-style deduplication).
//!
//! Read `katas/merkle-tree/README.md` first. The types you use but do not write ([`Hash`],
//! [`Proof`], [`Chunking`], [`UploadPlan`], [`MerkleError`], [`VerifyError`]) and the traits are
//! documented in `harness/core/src/merkle_tree.rs` (or run `cargo doc -p kata-core --open`,
//! module `merkle_tree`). Grade your work with `cargo kata check merkle-tree`. Start with
//! [`Tree::new`] and [`Tree::root`].
//!
//! What must hold (the graded suite checks all of it):
//! - **hashing** (RFC 6962, so that roots compare across implementations): a leaf's hash is
//!   `SHA-256(0x00 ‖ data)`, an inner node's `SHA-256(0x01 ‖ left ‖ right)`;
//! - **levels**: level 0 holds the leaf hashes; node `i` of level `k + 1` is the inner-node hash
//!   of nodes `2i` and `2i + 1` of level `k`, or node `2i` itself, **promoted unchanged**, when it
//!   is the last of an odd level (never paired with a copy of itself); the top level,
//!   `⌈log2 n⌉`, is the root. [`NodeSource::node`] answers by that address;
//! - **proofs**: the sibling hashes bottom-up, none for a level where the node is promoted
//!   alone; [`MerkleTree::verify`] checks the path's length for the index and size, then
//!   that the hashes lead to the root;
//! - **diff**: the differing leaves, ascending, asking the remote (through [`NodeSource`] only)
//!   for at most `1 + 2·d·h` hashes: its root, then both children of each node that differs;
//! - **shared**: every `(root, proof)` a reader gets verifies, with a root the tree really had;
//! - **chunks**: cover the file in order; fixed blocks of `block` bytes (the last shorter);
//!   content-defined chunks within `[min, max]` (the last at most `max`), each boundary decided
//!   by the bytes before it, so that after an insertion the boundaries resynchronise;
//! - **plans**: the leaf hash of each chunk, the root over them, and the ranges of the chunks
//!   whose hash the server lacks, each distinct hash once, in file order;
//! - **bad input**: no leaves, an index out of range, a size mismatch, 0 threads, a block of 0
//!   bytes, chunk sizes out of order: the typed error, never a panic;
//! - **cost**: proof, verify and update O(log n) hashes; a build O(n) (about the cost of
//!   hashing the leaves once).
//!
//! Replace each `todo!()` with your implementation, and the `PhantomData` fields with your own.

// Silences warnings about the stub's unused parameters; delete it once you have started.
#![allow(unused_variables)]

use std::collections::HashSet;
use std::marker::PhantomData;
use std::ops::Range;

pub use kata_core::merkle_tree::{
    height, width, Chunking, DeltaSync, Hash, MerkleError, MerkleTree, NodeSource, Proof,
    SharedMerkleTree, UploadPlan, VerifyError, LEAF_PREFIX, NODE_PREFIX,
};

/// A Merkle tree over a list of leaves.
///
/// Keep every level's hashes (a `Vec<Vec<Hash>>`, level 0 first, is the simplest) so that a
/// proof reads one sibling per level and an update rehashes one node per level.
///
/// # Examples
///
/// ```no_run
/// use merkle_tree_kata::{MerkleTree, NodeSource, Tree};
///
/// let leaves = [&b"alpha"[..], b"beta", b"gamma"];
/// let mut tree = Tree::new(&leaves).unwrap();
/// let proof = tree.proof(2).unwrap(); // gamma was promoted at level 0: one hash, the node above alpha and beta
/// assert_eq!(proof.path.len(), 1);
/// assert!(Tree::verify(&tree.root(), b"gamma", &proof).is_ok());
/// tree.update(0, b"ALPHA").unwrap();
/// assert!(Tree::verify(&tree.root(), b"gamma", &proof).is_err()); // the root moved on
/// assert_eq!(tree.node(2, 0), Some(tree.root()));
/// ```
#[derive(Debug, Clone)]
pub struct Tree {
    _todo: PhantomData<()>,
}

impl NodeSource for Tree {
    fn len(&self) -> usize {
        todo!("Tree::len")
    }

    fn node(&self, level: u32, index: usize) -> Option<Hash> {
        todo!("Tree::node")
    }
}

impl MerkleTree for Tree {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        todo!("Tree::new")
    }

    /// Hash the leaves in runs, one per thread (`std::thread::scope` lets threads borrow the
    /// leaves), then the levels above: the result must be the same tree as [`Tree::new`]'s.
    fn build_parallel<L: AsRef<[u8]> + Sync>(
        leaves: &[L],
        threads: usize,
    ) -> Result<Self, MerkleError> {
        todo!("Tree::build_parallel")
    }

    fn root(&self) -> Hash {
        todo!("Tree::root")
    }

    fn proof(&self, index: usize) -> Result<Proof, MerkleError> {
        todo!("Tree::proof")
    }

    fn update(&mut self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        todo!("Tree::update")
    }

    fn diff<S: NodeSource>(&self, remote: &S) -> Result<Vec<usize>, MerkleError> {
        todo!("Tree::diff")
    }

    /// RFC 9162 §2.1.3.2 walks it: from the leaf's hash, at each level where the node has a
    /// sibling, hash the sibling on the left when the node's index there is odd, on the right
    /// when it is even.
    fn verify(root: &Hash, leaf: &[u8], proof: &Proof) -> Result<(), VerifyError> {
        todo!("Tree::verify")
    }
}

/// A [`Tree`] shared between threads: `&self` updates and proofs.
///
/// Take the synchronisation primitives from `kata_core::sync` (`RwLock`, `Mutex`, `Arc`), never
/// from `std::sync`: the grader model-checks this type with loom through them. Like
/// `parking_lot`'s, their `lock()`, `read()` and `write()` return the guard itself, with no
/// `Result` to unwrap (a lock is never poisoned). A proof's root and
/// path must come from the same version of the tree.
#[derive(Debug)]
pub struct SharedTree {
    _todo: PhantomData<()>,
}

impl SharedMerkleTree for SharedTree {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        todo!("SharedTree::new")
    }

    fn root(&self) -> Hash {
        todo!("SharedTree::root")
    }

    fn proof(&self, index: usize) -> Result<(Hash, Proof), MerkleError> {
        todo!("SharedTree::proof")
    }

    fn update(&self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        todo!("SharedTree::update")
    }
}

/// Chunking and upload plans: no state, two functions.
///
/// For content-defined chunks, a rolling hash whose value depends on the last few dozen bytes
/// only: Gear (`h = (h << 1) + TABLE[byte]`, 256 random `u64`s; its top bits see the last 64
/// bytes) or Buzhash. A boundary where the hash matches a pattern that one byte in about
/// `avg - min` does, looked for from `min` bytes into the chunk, forced at `max`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocks;

impl DeltaSync for Blocks {
    fn chunks(data: &[u8], chunking: Chunking) -> Result<Vec<Range<usize>>, MerkleError> {
        todo!("Blocks::chunks")
    }

    fn plan(
        data: &[u8],
        chunking: Chunking,
        server: &HashSet<Hash>,
    ) -> Result<UploadPlan, MerkleError> {
        todo!("Blocks::plan")
    }
}
