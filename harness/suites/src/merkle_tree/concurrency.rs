//! Stage 3 of `merkle-tree`: proofs read while a writer updates (the parallel build, whose
//! threads share nothing but the leaves they read, is checked by the properties stage).
//!
//! - **readers and a writer** (real threads): a [`SharedMerkleTree`] of 64 leaves, one writer
//!   making 200 updates, three readers asking for 300 proofs each: every `(root, proof)` a
//!   reader gets verifies, and the root is one the tree had (the root after some prefix of the
//!   writer's updates, computed beforehand).
//! - under `--cfg kata_loom`, 4 leaves, one writer updating leaves 1 and 2 in turn, one reader
//!   asking for the proofs of leaves 0 and 3 (which never change, so their data is known): in
//!   every interleaving loom explores, each proof verifies against the root returned with it,
//!   and that root is one of the three the tree had. A root read under one lock and the path
//!   under another gives, in some interleaving, a path of one version and a root of another.

use kata_core::merkle_tree::{Hash, MerkleError, Proof, SharedMerkleTree};

use super::model::{self, leaf_hash, node_hash};
use super::MerkleTreeFamily;
use crate::check::Outcome;
use crate::Ctx;

/// Recomputes the root from `leaf` and `proof` by RFC 6962's walk, the suite's own
/// verification (the implementation's `verify` is graded elsewhere).
pub fn root_from_path(leaf: &[u8], proof: &Proof) -> Option<Hash> {
    if proof.tree_size == 0 || proof.index >= proof.tree_size {
        return None;
    }
    let (mut fn_, mut sn) = (proof.index, proof.tree_size - 1);
    let mut r = leaf_hash(leaf);
    for p in &proof.path {
        if sn == 0 {
            return None;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    (sn == 0).then_some(r)
}

/// Checks one `(root, proof)` a reader got for leaf `index`: the root is `roots[v]` for some
/// version `v`, and the proof leads from the leaf's data in version `v` to it.
fn check_read(
    index: usize,
    got: Result<(Hash, Proof), MerkleError>,
    roots: &[Hash],
    data_at: impl Fn(usize) -> Vec<u8>,
) -> Outcome {
    let (root, proof) = got.map_err(|e| format!("proof({index}) failed: {e}"))?;
    let Some(v) = roots.iter().position(|r| *r == root) else {
        return Err(format!(
            "invariant broken: proof({index}) returned a root the tree never had ({}): a \
             root computed from a mix of two versions, or read while an update was half done",
            super::examples::hex(&root)
        ));
    };
    if proof.index != index {
        return Err(format!("proof({index}) returned a proof of index {}", proof.index));
    }
    let leaf = data_at(v);
    if root_from_path(&leaf, &proof) != Some(root) {
        return Err(format!(
            "invariant broken: proof({index}) returned the root after {v} update(s) with a path \
             that does not lead to it from leaf {index}'s data at that time: the root and the \
             path were read from two different versions (take them under one lock)"
        ));
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, real threads
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        "stress: 1 writer (200 updates) and 3 readers (300 proofs each) on 64 leaves: every \
         proof verifies against a root the tree had",
        || stress::<F>(seed),
    );
}

#[cfg(not(kata_loom))]
fn stress<F: MerkleTreeFamily>(seed: u64) -> Outcome {
    use crate::measure::SplitMix64;

    const LEAVES: usize = 64;
    const UPDATES: usize = 200;
    const READERS: usize = 3;
    const PROOFS: usize = 300;
    let mut rng = SplitMix64::new(seed);
    let initial: Vec<Vec<u8>> = (0..LEAVES).map(|i| format!("leaf {i}").into_bytes()).collect();
    let updates: Vec<(usize, Vec<u8>)> = (0..UPDATES)
        .map(|u| (rng.below(LEAVES as u64) as usize, format!("update {u}").into_bytes()))
        .collect();
    // The versions: the leaves after each prefix of the updates, and their roots.
    let mut versions = vec![initial.clone()];
    for (i, d) in &updates {
        let mut next = versions.last().expect("one version at least").clone();
        next[*i] = d.clone();
        versions.push(next);
    }
    let roots: Vec<Hash> = versions.iter().map(|v| model::root(v)).collect();
    let shared = F::Shared::new(&initial).map_err(|e| format!("SharedTree::new failed: {e}"))?;
    std::thread::scope(|s| {
        let writer = s.spawn(|| {
            crate::check::guarded(|| -> Outcome {
                for (i, d) in &updates {
                    shared
                        .update(*i, d)
                        .map_err(|e| format!("writer: update({i}, ..) failed: {e}"))?;
                }
                Ok(())
            })
            .and_then(|r| r)
        });
        let readers: Vec<_> = (0..READERS)
            .map(|r| {
                let (shared, roots, versions) = (&shared, &roots, &versions);
                let mut rng = SplitMix64::new(seed ^ (r as u64 + 1));
                s.spawn(move || {
                    crate::check::guarded(|| -> Outcome {
                        for _ in 0..PROOFS {
                            let i = rng.below(LEAVES as u64) as usize;
                            check_read(i, shared.proof(i), roots, |v| versions[v][i].clone())
                                .map_err(|e| format!("reader {r}: {e}"))?;
                        }
                        Ok(())
                    })
                    .and_then(|r| r)
                })
            })
            .collect();
        let mut outcome = writer.join().unwrap_or_else(|_| Err("the writer panicked".into()));
        for h in readers {
            let r = h.join().unwrap_or_else(|_| Err("a reader panicked".into()));
            if outcome.is_ok() {
                outcome = r;
            }
        }
        outcome
    })?;
    let last = *roots.last().expect("roots");
    if shared.root() != last {
        return Err("after the writer's updates, root() is not the root of the last version".into());
    }
    match shared.proof(LEAVES) {
        Err(MerkleError::IndexOutOfRange { index, len }) if index == LEAVES && len == LEAVES => {
            Ok(())
        }
        other => Err(format!(
            "SharedTree::proof({LEAVES}) of {LEAVES} leaves: expected \
             Err(IndexOutOfRange {{ index: {LEAVES}, len: {LEAVES} }}), got {other:?}"
        )),
    }
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, real threads
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    ctx.check(
        "loom: a writer updates leaves 1 then 2 of 4 while a reader asks for the proofs of \
         leaves 0 and 3: each proof verifies against the root returned with it, a root the \
         tree had",
        || crate::check::loom_model(writer_and_reader::<F>),
    );
}

#[cfg(kata_loom)]
fn writer_and_reader<F: MerkleTreeFamily>() -> Outcome {
    use kata_core::sync::Arc;
    use loom::thread;

    let leaves: Vec<Vec<u8>> = vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec(), b"d".to_vec()];
    let mut v1 = leaves.clone();
    v1[1] = b"B".to_vec();
    let mut v2 = v1.clone();
    v2[2] = b"C".to_vec();
    let roots = vec![model::root(&leaves), model::root(&v1), model::root(&v2)];
    let shared =
        Arc::new(F::Shared::new(&leaves).map_err(|e| format!("SharedTree::new failed: {e}"))?);
    let writer = {
        let shared = shared.clone();
        thread::spawn(move || -> Outcome {
            shared
                .update(1, b"B")
                .map_err(|e| format!("update(1, ..) failed: {e}"))?;
            shared
                .update(2, b"C")
                .map_err(|e| format!("update(2, ..) failed: {e}"))
        })
    };
    let reader = {
        let shared = shared.clone();
        let roots = roots.clone();
        thread::spawn(move || -> Outcome {
            check_read(0, shared.proof(0), &roots, |_| b"a".to_vec())?;
            check_read(3, shared.proof(3), &roots, |_| b"d".to_vec())
        })
    };
    writer.join().map_err(|_| "the writer panicked".to_owned())??;
    reader.join().map_err(|_| "the reader panicked".to_owned())??;
    if shared.root() != roots[2] {
        return Err("after both updates, root() is not the root of the leaves a, B, C, d".into());
    }
    Ok(())
}
