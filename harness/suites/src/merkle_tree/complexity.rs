//! Stage 5 of `merkle-tree`: what proof, verify, update and build cost as the tree grows, in
//! instructions counted under callgrind ([`crate::measure::counted`]), and what diff asks of the
//! remote, counted by the suite.
//!
//! Proofs, verification and updates touch one node per level: O(log n) hashes (a proof copies
//! them, verify and update compute them). A build hashes every node once: O(n). Four series at
//! 16 to 1 024 leaves of 32 bytes, four times apart:
//!
//! - **`proof`**: `proof(i)`, `i` random. One that rebuilds the levels to answer is O(n); the
//!   series has few operations so that such a mutant is counted, and rejected, in seconds.
//! - **`verify`**: `verify(root, leaf, proof)` over prepared proofs.
//! - **`update`**: `update(i, data)`. One that rebuilds the tree is O(n); the series has few
//!   operations so that such a mutant is counted, and rejected, in seconds.
//! - **`build`**: `Tree::new`. O(n), whatever the leaves' order of hashing.
//!
//! Beside them, no valgrind needed: **diff** on trees of 256 to 16 384 leaves differing in 4
//! leaves must ask the remote for O(log n) hashes, at most `1 + 2·d·h`; one that asks for every
//! leaf asks `n`.

use kata_core::merkle_tree::MerkleTree;

use super::model::{self, Counting};
use super::workloads::{Build, Prove, Update, Verify};
use super::MerkleTreeFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::report::Measurement;
use crate::Ctx;

/// The numbers of leaves: four, four times apart.
pub const LEAVES: &[usize] = &[16, 64, 256, 1_024];

/// Updates and proofs counted per size: few, so that an O(n) update or proof (a rebuild of
/// 2 000 hashes at 1 024 leaves, some 10 million instructions with SHA-256 in software, as under
/// callgrind) is counted, and rejected, in seconds.
pub const UPDATE_OPS: u64 = 8;

/// Proofs counted per size (see [`UPDATE_OPS`]).
pub const PROOF_OPS: u64 = 16;

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "proof",
        title: "Tree, proof(i)",
        variable: "leaves",
        sizes: LEAVES,
        ops: PROOF_OPS,
        expected: Class::Log,
    },
    Series {
        name: "verify",
        title: "Tree::verify(root, leaf, proof)",
        variable: "leaves",
        sizes: LEAVES,
        ops: 64,
        expected: Class::Log,
    },
    Series {
        name: "update",
        title: "Tree, update(i, 32 bytes)",
        variable: "leaves",
        sizes: LEAVES,
        ops: UPDATE_OPS,
        expected: Class::Log,
    },
    Series {
        name: "build",
        title: "Tree::new over n leaves of 32 bytes",
        variable: "leaves",
        sizes: LEAVES,
        ops: 2,
        expected: Class::Linear,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["proof", "verify", "update", "build"];

/// The leaves of the diff series, four times apart.
pub const DIFF_LEAVES: [usize; 4] = [256, 1_024, 4_096, 16_384];
/// Differing leaves of the diff series.
pub const DIFF_CHANGED: usize = 4;

/// Series `name` of `F` at `size`, trees from `seed`, as a [`Workload`]; `None` for a name not
/// in [`SERIES`].
pub fn workload<F: MerkleTreeFamily>(
    name: &str,
    size: usize,
    seed: u64,
) -> Option<Box<dyn Workload>> {
    Some(match name {
        "proof" => {
            let mut w = Prove::<F::Tree>::new(size, seed);
            Box::new(move |_| {
                std::hint::black_box(w.step());
            })
        }
        "verify" => {
            let mut w = Verify::new::<F::Tree>(size, seed);
            Box::new(move |_| {
                std::hint::black_box(w.step::<F::Tree>());
            })
        }
        "update" => {
            let mut w = Update::<F::Tree>::new(size, seed);
            Box::new(move |_| w.step())
        }
        "build" => {
            let w = Build::new(size, 32, seed);
            Box::new(move |_| {
                std::hint::black_box(w.step::<F::Tree>());
            })
        }
        _ => return None,
    })
}

fn diff_exchanged<F: MerkleTreeFamily>(ctx: &mut Ctx, seed: u64) {
    let mut rows = Vec::new();
    let mut worst = 0.0f64;
    let ok = ctx.check(
        "diff asks the remote for O(log n) hashes: 4 differing leaves of 256 to 16 384",
        || {
            for n in DIFF_LEAVES {
                let leaves = super::workloads::leaves(n, 8, seed);
                let mut theirs = leaves.clone();
                let mut rng = crate::measure::SplitMix64::new(seed ^ n as u64);
                let mut changed = std::collections::BTreeSet::new();
                while changed.len() < DIFF_CHANGED {
                    let i = rng.below(n as u64) as usize;
                    changed.insert(i);
                    theirs[i] = b"changed".to_vec();
                }
                let ours = F::Tree::new(&leaves).map_err(|e| format!("Tree::new: {e}"))?;
                let remote = F::Tree::new(&theirs).map_err(|e| format!("Tree::new: {e}"))?;
                let counter = Counting::new(&remote);
                let got = ours.diff(&counter).map_err(|e| format!("diff: {e}"))?;
                if got != changed.iter().copied().collect::<Vec<_>>() {
                    return Err(format!("diff of {n} leaves did not find the 4 changed"));
                }
                let bound = model::diff_bound(DIFF_CHANGED, n);
                worst = worst.max(counter.asked() as f64 / bound as f64);
                rows.push(vec![
                    n.to_string(),
                    counter.asked().to_string(),
                    bound.to_string(),
                    n.to_string(),
                ]);
            }
            Ok(())
        },
    );
    if !ok {
        return;
    }
    ctx.table(
        "diff: hashes asked of the remote, 4 differing leaves",
        &["leaves n", "hashes asked", "bound 1 + 2·d·⌈log2 n⌉", "every leaf"],
        rows,
    );
    ctx.measure(Measurement {
        name: "diff: hashes asked over the bound 1 + 2·d·⌈log2 n⌉ (largest over n)".into(),
        value: worst,
        unit: "ratio".into(),
        threshold: "<= 1 (O(log n) at a fixed d)".into(),
        passed: worst <= 1.0,
    });
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: MerkleTreeFamily, R: MerkleTreeFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    // Not in a counting child, nor when a mutant's grade is narrowed to one counted series.
    if ctx.counted.is_none() && ctx.count.is_none() && ctx.series.is_none() {
        diff_exchanged::<F>(ctx, seed);
    }
    counted::stage(
        ctx,
        COUNTED,
        |n, s| workload::<F>(n, s, seed),
        |n, s| workload::<R>(n, s, seed),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_series_are_the_counted_ones_in_order() {
        let names: Vec<&str> = COUNTED.iter().map(|s| s.name).collect();
        assert_eq!(names, SERIES);
    }
}
