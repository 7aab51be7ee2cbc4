//! The graded suite of the `merkle-tree` kata.
//!
//! Written once against [`kata_core::merkle_tree`]'s traits, run against whichever
//! [`MerkleTreeFamily`] the runner plugs in. The yardstick, RFC 6962's Merkle Tree Hash computed
//! by its recursive definition (split at the largest power of two below `n`), and a counter of
//! the hashes a replica is asked for, are in [`model`]; the trees the benches and the complexity
//! stage share are in [`workloads`].

use kata_core::catalogue::Stage;
use kata_core::merkle_tree::{DeltaSync, MerkleTree, SharedMerkleTree};

use crate::Ctx;

pub mod complexity;
pub use complexity::COUNTED as COMPLEXITY_COUNTED;
pub use complexity::SERIES as COMPLEXITY_SERIES;
pub mod concurrency;
pub mod examples;
pub mod model;
pub mod properties;
pub mod quality;
pub mod workloads;

/// The types one implementation of the kata provides.
pub trait MerkleTreeFamily: 'static {
    /// The tree.
    type Tree: MerkleTree + Send + Sync + 'static;
    /// The tree shared between threads.
    type Shared: SharedMerkleTree + 'static;
    /// Chunking and upload plans.
    type Blocks: DeltaSync + 'static;
}

/// Declares a unit struct implementing [`MerkleTreeFamily`] with the `Tree`, `SharedTree` and
/// `Blocks` types of crate `$krate`.
#[macro_export]
macro_rules! merkle_tree_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::merkle_tree::MerkleTreeFamily for $name {
            type Tree = $krate::Tree;
            type Shared = $krate::SharedTree;
            type Blocks = $krate::Blocks;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: MerkleTreeFamily, R: MerkleTreeFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(merkle_tree, F, R, stage, ctx, all).expect("all is every stage");
}
