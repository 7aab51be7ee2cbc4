//! Stage 1 of `merkle-tree`: scenarios that read like the specification.
//!
//! The roots are checked against RFC 6962's own figures: the eight leaves of Certificate
//! Transparency's reference tests and the roots of their first `n` leaves, as hexadecimal.

use std::collections::HashSet;

use kata_core::merkle_tree::{
    height, width, Chunking, DeltaSync, Hash, MerkleError, MerkleTree, NodeSource, Proof,
    VerifyError,
};

use super::model::{self, leaf_hash, Counting};
use super::MerkleTreeFamily;
use crate::{ensure, ensure_eq, Ctx};

type T<F> = <F as MerkleTreeFamily>::Tree;
type B<F> = <F as MerkleTreeFamily>::Blocks;

/// The leaves of Certificate Transparency's reference tests.
pub const CT_LEAVES: [&[u8]; 8] = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
];

/// The roots of the first 1 to 8 of [`CT_LEAVES`] (RFC 6962's Merkle Tree Hash).
pub const CT_ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// A hash as lowercase hexadecimal.
pub fn hex(h: &Hash) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// The tree of `F` over `leaves`, or why not.
///
/// # Errors
///
/// When `new` refuses leaves that are valid.
pub fn tree<F: MerkleTreeFamily, L: AsRef<[u8]>>(leaves: &[L]) -> Result<T<F>, String> {
    T::<F>::new(leaves).map_err(|e| format!("Tree::new over {} leaves failed: {e}", leaves.len()))
}

fn proof<F: MerkleTreeFamily>(t: &T<F>, i: usize) -> Result<Proof, String> {
    t.proof(i)
        .map_err(|e| format!("proof({i}) of a tree of {} leaves failed: {e}", t.len()))
}

/// `n` leaves `"leaf 0"`, `"leaf 1"`, ...
pub fn named(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("leaf {i}").into_bytes()).collect()
}

/// The proofs forged against the tree over `leaves`, each with the leaf data it claims and what
/// it tries: all must be refused. See the quality stage, which prints them.
pub fn forgeries(leaves: &[Vec<u8>], genuine: &Proof) -> Vec<(String, Vec<u8>, Proof)> {
    let i = genuine.index;
    let n = genuine.tree_size;
    let data = leaves[i].clone();
    let mut out = Vec::new();
    if let Some(first) = genuine.path.first() {
        let mut p = genuine.clone();
        let mut h = *first;
        h[7] ^= 0x10;
        p.path[0] = h;
        out.push(("a bit flipped in the path's first hash".into(), data.clone(), p));
    }
    if n > 1 {
        let mut p = genuine.clone();
        p.index = i ^ 1;
        if p.index >= n {
            p.index = i - 1;
        }
        out.push((
            format!("the same path claimed for index {}", p.index),
            data.clone(),
            p,
        ));
    }
    let mut p = genuine.clone();
    p.path.push(model::sha256(b"padding"));
    out.push(("the path extended by one hash".into(), data.clone(), p));
    if !genuine.path.is_empty() {
        let mut p = genuine.clone();
        p.path.pop();
        out.push(("the path shortened by one hash".into(), data.clone(), p));
    }
    let mut other = leaves[i].clone();
    other.push(b'!');
    out.push((
        "another leaf's data with the genuine path".into(),
        other,
        genuine.clone(),
    ));
    out
}

/// The inner node of `t` (at least 4 leaves) above leaves 0 and 1, presented as a leaf of 64
/// bytes (the two leaf hashes, as `t` computed them) at index 0 of the tree one level up, with
/// that level's path (`t`'s own nodes): what a tree without domain separation accepts, since
/// there the 64 bytes hash as a leaf to exactly the inner node. Built from the graded tree's
/// nodes, not from RFC 6962's hashes, so that the check fails on a tree that does not separate.
pub fn inner_node_as_leaf<S: NodeSource>(t: &S) -> Result<(Vec<u8>, Proof), String> {
    let node = |level: u32, index: usize| {
        t.node(level, index)
            .ok_or_else(|| format!("node({level}, {index}) of {} leaves gave None", t.len()))
    };
    let mut data = node(0, 0)?.to_vec();
    data.extend_from_slice(&node(0, 1)?);
    // Index 0's sibling is node 1 at every level up to the root's.
    let path = (1..height(t.len()))
        .map(|level| node(level, 1))
        .collect::<Result<Vec<Hash>, String>>()?;
    Ok((
        data,
        Proof {
            index: 0,
            tree_size: width(t.len(), 1),
            path,
        },
    ))
}

/// Bitcoin's duplicate-the-last-node collision on `t`, the tree over leaves `a, b, c`: a proof
/// that `c` is leaf 3 of a tree of 4 leaves `a, b, c, c`, whose root a duplicating tree shares
/// with `a, b, c`. Its path is `t`'s own nodes (leaf `c`'s hash, the node above `a` and `b`), so
/// that a tree that duplicates accepts it.
pub fn duplicate_odd<S: NodeSource>(t: &S, c: &[u8]) -> Result<(Vec<u8>, Proof), String> {
    let node = |level: u32, index: usize| {
        t.node(level, index)
            .ok_or_else(|| format!("node({level}, {index}) of {} leaves gave None", t.len()))
    };
    Ok((
        c.to_vec(),
        Proof {
            index: 3,
            tree_size: 4,
            path: vec![node(0, 2)?, node(1, 0)?],
        },
    ))
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    ctx.check("the roots of RFC 6962's reference leaves, 1 to 8 of them", || {
        for n in 1..=8 {
            let t = tree::<F, _>(&CT_LEAVES[..n])?;
            ensure_eq!(t.len(), n, "len() of a tree of {n} leaves");
            ensure_eq!(
                hex(&t.root()),
                CT_ROOTS[n - 1],
                "root() of the first {n} CT test leaves (leaf = SHA-256(0x00 ‖ data), node = \
                 SHA-256(0x01 ‖ left ‖ right), an odd last node promoted)"
            );
        }
        Ok(())
    });

    ctx.check("one leaf: the root is its leaf hash, its proof is empty", || {
        let t = tree::<F, _>(&[b"only"])?;
        ensure_eq!(
            hex(&t.root()),
            hex(&leaf_hash(b"only")),
            "root() of one leaf \"only\""
        );
        let p = proof::<F>(&t, 0)?;
        ensure_eq!(
            p.clone(),
            Proof {
                index: 0,
                tree_size: 1,
                path: vec![]
            },
            "proof(0) of a tree of one leaf"
        );
        ensure_eq!(T::<F>::verify(&t.root(), b"only", &p), Ok(()), "verify of that proof");
        Ok(())
    });

    ctx.check("node(level, index) addresses every level; none past them", || {
        let leaves = named(5);
        let t = tree::<F, _>(&leaves)?;
        let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
        let levels = model::levels(&hashes);
        ensure_eq!(
            levels.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![5, 3, 2, 1],
            "(the suite's own levels)"
        );
        for (k, level) in levels.iter().enumerate() {
            for (i, h) in level.iter().enumerate() {
                ensure_eq!(
                    t.node(k as u32, i).map(|h| hex(&h)),
                    Some(hex(h)),
                    "node({k}, {i}) of a tree of 5 leaves (level 1 node 2 and level 2 node 1 \
                     are leaf 4's hash, promoted unchanged)"
                );
            }
            ensure_eq!(
                t.node(k as u32, level.len()),
                None,
                "node({k}, {}), past level {k}'s {} nodes",
                level.len(),
                level.len()
            );
        }
        ensure_eq!(t.node(4, 0), None, "node(4, 0): the root is at level 3");
        ensure_eq!(t.node(u32::MAX, 0), None, "node(u32::MAX, 0)");
        Ok(())
    });

    ctx.check("proofs: RFC 6962's audit paths, sibling hashes bottom-up", || {
        for n in 1..=8 {
            let t = tree::<F, _>(&CT_LEAVES[..n])?;
            let hashes: Vec<Hash> = CT_LEAVES[..n].iter().map(|l| leaf_hash(l)).collect();
            for (i, &leaf) in CT_LEAVES[..n].iter().enumerate() {
                let p = proof::<F>(&t, i)?;
                ensure_eq!(
                    (p.index, p.tree_size),
                    (i, n),
                    "proof({i}) of {n} leaves: (index, tree_size)"
                );
                let expected: Vec<String> = model::path(i, &hashes).iter().map(hex).collect();
                let got: Vec<String> = p.path.iter().map(hex).collect();
                ensure_eq!(
                    got,
                    expected,
                    "proof({i}).path of {n} leaves (a level where the node is promoted alone \
                     adds no hash)"
                );
                ensure_eq!(
                    T::<F>::verify(&t.root(), leaf, &p),
                    Ok(()),
                    "verify(root, leaf {i}, proof({i})) of {n} leaves"
                );
            }
        }
        Ok(())
    });

    ctx.check("an empty tree and indices out of range are refused", || {
        let none: [&[u8]; 0] = [];
        ensure_eq!(T::<F>::new(&none).err(), Some(MerkleError::Empty), "Tree::new(&[])");
        let mut t = tree::<F, _>(&named(3))?;
        let root = t.root();
        ensure_eq!(
            t.proof(3).err(),
            Some(MerkleError::IndexOutOfRange { index: 3, len: 3 }),
            "proof(3) of 3 leaves"
        );
        ensure_eq!(
            t.update(3, b"x"),
            Err(MerkleError::IndexOutOfRange { index: 3, len: 3 }),
            "update(3, ..) of 3 leaves"
        );
        ensure_eq!(
            t.update(usize::MAX, b"x"),
            Err(MerkleError::IndexOutOfRange {
                index: usize::MAX,
                len: 3
            }),
            "update(usize::MAX, ..)"
        );
        ensure_eq!(t.root(), root, "root() after the refused updates");
        let message = MerkleError::IndexOutOfRange { index: 3, len: 3 }.to_string();
        ensure!(
            message.contains('3') && message.contains("0 to 2"),
            "the message of IndexOutOfRange says the index and the range allowed: {message}"
        );
        Ok(())
    });

    ctx.check("update rehashes the path to the root", || {
        let mut leaves = named(5);
        let mut t = tree::<F, _>(&leaves)?;
        for (i, data) in [(4usize, &b"new four"[..]), (1, b"new one"), (4, b"again")] {
            t.update(i, data)
                .map_err(|e| format!("update({i}, ..) failed: {e}"))?;
            leaves[i] = data.to_vec();
            ensure_eq!(
                hex(&t.root()),
                hex(&model::root(&leaves)),
                "root() after update({i}, {:?})",
                String::from_utf8_lossy(data)
            );
            let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
            for (k, level) in model::levels(&hashes).iter().enumerate() {
                for (j, h) in level.iter().enumerate() {
                    ensure_eq!(
                        t.node(k as u32, j).map(|h| hex(&h)),
                        Some(hex(h)),
                        "node({k}, {j}) after update({i}, ..)"
                    );
                }
            }
            let p = proof::<F>(&t, i)?;
            ensure_eq!(
                T::<F>::verify(&t.root(), data, &p),
                Ok(()),
                "verify of the updated leaf {i}"
            );
        }
        Ok(())
    });

    ctx.check("verify refuses malformed proofs with the error that says why", || {
        let leaves = named(8);
        let t = tree::<F, _>(&leaves)?;
        let root = t.root();
        let p6 = proof::<F>(&t, 6)?;
        let v = |data: &[u8], p: &Proof| T::<F>::verify(&root, data, p);
        let mut p = p6.clone();
        p.tree_size = 0;
        ensure_eq!(v(&leaves[6], &p), Err(VerifyError::EmptyTree), "tree_size 0");
        let mut p = p6.clone();
        p.index = 8;
        ensure_eq!(
            v(&leaves[6], &p),
            Err(VerifyError::IndexOutOfRange { index: 8, size: 8 }),
            "index 8 of a tree of 8"
        );
        let mut p = p6.clone();
        p.path.push(root);
        ensure_eq!(
            v(&leaves[6], &p),
            Err(VerifyError::PathLength {
                expected: 3,
                got: 4
            }),
            "a path of 4 hashes for leaf 6 of 8"
        );
        ensure_eq!(
            v(b"not leaf 6", &p6),
            Err(VerifyError::RootMismatch),
            "another leaf's data with leaf 6's proof"
        );
        let mut p = p6.clone();
        p.tree_size = 7;
        ensure_eq!(
            v(&leaves[6], &p),
            Err(VerifyError::PathLength {
                expected: 2,
                got: 3
            }),
            "leaf 6's proof claimed for a tree of 7 leaves (where leaf 6 is promoted once, so \
             its path has 2 hashes)"
        );
        let mut p = proof::<F>(&t, 5)?;
        p.tree_size = 7;
        let seven = tree::<F, _>(&leaves[..7])?;
        ensure_eq!(
            T::<F>::verify(&seven.root(), &leaves[5], &p),
            Err(VerifyError::RootMismatch),
            "leaf 5's proof in the tree of 8 leaves, claimed for the tree of their first 7, \
             against that tree's root (the same path length, other hashes)"
        );
        let message = VerifyError::PathLength {
            expected: 2,
            got: 3,
        }
        .to_string();
        ensure!(
            message.contains('2') && message.contains('3'),
            "the message of PathLength says both lengths: {message}"
        );
        Ok(())
    });

    ctx.check(
        "domain separation: an inner node presented as a 64-byte leaf is refused",
        || {
            let leaves = named(8);
            let t = tree::<F, _>(&leaves)?;
            let (data, forged) = inner_node_as_leaf(&t)?;
            ensure!(
                T::<F>::verify(&t.root(), &data, &forged).is_err(),
                "verify accepted leaf hashes 0 and 1 (64 bytes) as leaf 0 of the tree's level \
                 1, with that level's path {:?}: a leaf must hash as SHA-256(0x00 ‖ data) and \
                 an inner node as SHA-256(0x01 ‖ left ‖ right), so that the two never collide",
                forged.path.iter().map(hex).collect::<Vec<_>>()
            );
            Ok(())
        },
    );

    ctx.check(
        "an odd last node is promoted, not duplicated: [a, b, c] and [a, b, c, c] differ",
        || {
            let three = named(3);
            let mut four = three.clone();
            four.push(three[2].clone());
            let (t3, t4) = (tree::<F, _>(&three)?, tree::<F, _>(&four)?);
            ensure!(
                t3.root() != t4.root(),
                "the trees over [a, b, c] and [a, b, c, c] have the same root {}: duplicating \
                 the last node of an odd level lets two leaf lists share a root \
                 (CVE-2012-2459); promote it unchanged",
                hex(&t3.root())
            );
            let (data, forged) = duplicate_odd(&t3, &three[2])?;
            ensure!(
                T::<F>::verify(&t3.root(), &data, &forged).is_err(),
                "verify accepted c as leaf 3 of 4 against the root of [a, b, c]"
            );
            Ok(())
        },
    );

    ctx.check("diff finds the differing leaves, asking the remote top-down", || {
        let leaves = named(8);
        let t = tree::<F, _>(&leaves)?;
        let same = tree::<F, _>(&leaves)?;
        let remote = Counting::new(&same);
        ensure_eq!(t.diff(&remote), Ok(vec![]), "diff of two equal trees of 8 leaves");
        ensure_eq!(
            remote.asked(),
            1,
            "hashes asked of the remote when the trees are equal (the roots match: nothing \
             more to ask)"
        );
        let mut other = leaves.clone();
        other[2] = b"changed".to_vec();
        other[5] = b"changed too".to_vec();
        let o = tree::<F, _>(&other)?;
        let remote = Counting::new(&o);
        ensure_eq!(t.diff(&remote), Ok(vec![2, 5]), "diff with leaves 2 and 5 changed");
        let bound = model::diff_bound(2, 8);
        ensure!(
            remote.asked() <= bound,
            "diff asked the remote for {} hashes to find 2 differing leaves of 8: at most 1 + \
             2·d·h = {bound} (the root, then the two children of each differing node)",
            remote.asked()
        );
        let small = tree::<F, _>(&named(7))?;
        ensure_eq!(
            t.diff(&small),
            Err(MerkleError::SizeMismatch { ours: 8, theirs: 7 }),
            "diff of 8 leaves against 7"
        );
        let one = tree::<F, _>(&[b"x"])?;
        let one_b = tree::<F, _>(&[b"y"])?;
        ensure_eq!(one.diff(&one_b), Ok(vec![0]), "diff of two different single leaves");
        Ok(())
    });

    ctx.check("fixed-size blocks cover the file, the last one shorter", || {
        let data: Vec<u8> = (0..10u8).collect();
        ensure_eq!(
            B::<F>::chunks(&data, Chunking::Fixed { block: 4 }),
            Ok(vec![0..4, 4..8, 8..10]),
            "chunks of 10 bytes in blocks of 4"
        );
        ensure_eq!(
            B::<F>::chunks(&data[..8], Chunking::Fixed { block: 4 }),
            Ok(vec![0..4, 4..8]),
            "chunks of 8 bytes in blocks of 4 (no empty block at the end)"
        );
        ensure_eq!(
            B::<F>::chunks(&data, Chunking::Fixed { block: 100 }),
            Ok(std::iter::once(0..10).collect::<Vec<_>>()),
            "chunks of 10 bytes in blocks of 100"
        );
        ensure_eq!(
            B::<F>::chunks(&[], Chunking::Fixed { block: 4 }),
            Ok(vec![]),
            "chunks of no bytes"
        );
        ensure_eq!(
            B::<F>::chunks(&data, Chunking::Fixed { block: 0 }),
            Err(MerkleError::ZeroBlockSize),
            "blocks of 0 bytes"
        );
        Ok(())
    });

    ctx.check("content-defined chunks: sizes validated, within [min, max]", || {
        for (min, avg, max) in [(0, 4, 8), (5, 4, 8), (2, 9, 8), (3, 2, 1)] {
            ensure_eq!(
                B::<F>::chunks(b"abc", Chunking::ContentDefined { min, avg, max }),
                Err(MerkleError::ChunkSizes { min, avg, max }),
                "content-defined chunking with min {min}, avg {avg}, max {max}"
            );
        }
        let message = MerkleError::ChunkSizes {
            min: 5,
            avg: 4,
            max: 8,
        }
        .to_string();
        ensure!(
            message.contains("min <= avg <= max"),
            "the message of ChunkSizes says the order allowed: {message}"
        );
        let data = random_bytes(100_000, 0xC0FFEE);
        let chunking = Chunking::ContentDefined {
            min: 512,
            avg: 2_048,
            max: 8_192,
        };
        let chunks = B::<F>::chunks(&data, chunking)
            .map_err(|e| format!("chunks of 100 000 bytes, min 512 avg 2048 max 8192: {e}"))?;
        let mut at = 0;
        for (k, c) in chunks.iter().enumerate() {
            ensure_eq!(c.start, at, "chunk {k} starts where chunk {} ends", k.max(1) - 1);
            ensure!(
                c.len() <= 8_192 && (c.len() >= 512 || k + 1 == chunks.len()) && !c.is_empty(),
                "chunk {k} is {} bytes: every chunk is within [512, 8192] but the last, which \
                 is not empty and at most 8192",
                c.len()
            );
            at = c.end;
        }
        ensure_eq!(at, data.len(), "where the last chunk ends");
        ensure!(
            chunks.len() > 100_000 / 8_192,
            "{} chunks of 100 000 random bytes: boundaries should come at about every 2 048 \
             bytes, not only at the maximum",
            chunks.len()
        );
        ensure_eq!(
            B::<F>::chunks(&data[..300], chunking),
            Ok(std::iter::once(0..300).collect::<Vec<_>>()),
            "300 bytes, under the minimum chunk: one chunk"
        );
        ensure_eq!(B::<F>::chunks(&[], chunking), Ok(vec![]), "no bytes");
        Ok(())
    });

    ctx.check("an upload plan sends the blocks the server lacks, each once", || {
        let mut data = random_bytes(4 * 1_000, 7);
        // Block 3 is a copy of block 1.
        let copy = data[1_000..2_000].to_vec();
        data[3_000..4_000].copy_from_slice(&copy);
        data.extend_from_slice(b"tail");
        let fixed = Chunking::Fixed { block: 1_000 };
        let blocks: Vec<&[u8]> = data.chunks(1_000).collect();
        let hashes: Vec<Hash> = blocks.iter().map(|b| leaf_hash(b)).collect();
        let plan = B::<F>::plan(&data, fixed, &HashSet::new())
            .map_err(|e| format!("plan of 4 004 bytes: {e}"))?;
        ensure_eq!(
            plan.blocks.iter().map(hex).collect::<Vec<_>>(),
            hashes.iter().map(hex).collect::<Vec<_>>(),
            "plan.blocks (leaf hashes)"
        );
        ensure_eq!(hex(&plan.root), hex(&model::mth(&hashes)), "plan.root");
        ensure_eq!(
            plan.send,
            vec![0..1_000, 1_000..2_000, 2_000..3_000, 4_000..4_004],
            "plan.send to an empty server (block 3 repeats block 1: sent once)"
        );
        let server: HashSet<Hash> = [hashes[0], hashes[4], model::sha256(b"x")].into();
        let plan = B::<F>::plan(&data, fixed, &server)
            .map_err(|e| format!("plan of 4 004 bytes: {e}"))?;
        ensure_eq!(
            plan.send,
            vec![1_000..2_000, 2_000..3_000],
            "plan.send to a server holding blocks 0 and 4"
        );
        let all: HashSet<Hash> = hashes.iter().copied().collect();
        let plan =
            B::<F>::plan(&data, fixed, &all).map_err(|e| format!("plan of 4 004 bytes: {e}"))?;
        ensure_eq!(
            plan.send,
            Vec::<std::ops::Range<usize>>::new(),
            "plan.send to a server holding every block"
        );
        ensure_eq!(
            B::<F>::plan(&[], fixed, &HashSet::new()).err(),
            Some(MerkleError::Empty),
            "plan of an empty file"
        );
        ensure_eq!(
            B::<F>::plan(&data, Chunking::Fixed { block: 0 }, &HashSet::new()).err(),
            Some(MerkleError::ZeroBlockSize),
            "plan with blocks of 0 bytes"
        );
        Ok(())
    });
}

/// `n` pseudo-random bytes from `seed`.
pub fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = crate::measure::SplitMix64::new(seed);
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        out.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    out.truncate(n);
    out
}

/// The hashes asked of a remote by `t.diff`, and the answer.
pub fn counted_diff<Tr: MerkleTree, S: NodeSource>(
    t: &Tr,
    remote: &S,
) -> (Result<Vec<usize>, MerkleError>, u64) {
    let c = Counting::new(remote);
    let r = t.diff(&c);
    (r, c.asked())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree that hashes leaves and nodes the same way (no prefixes), and, with `DUPLICATE`,
    /// pairs an odd last node with itself: the trees the two forgeries are for.
    struct Unseparated<const DUPLICATE: bool> {
        levels: Vec<Vec<Hash>>,
    }

    fn pair(l: &Hash, r: &Hash) -> Hash {
        let mut b = l.to_vec();
        b.extend_from_slice(r);
        model::sha256(&b)
    }

    impl<const DUPLICATE: bool> Unseparated<DUPLICATE> {
        fn new(leaves: &[Vec<u8>]) -> Self {
            let mut levels = vec![leaves.iter().map(|l| model::sha256(l)).collect::<Vec<_>>()];
            while levels.last().map_or(0, Vec::len) > 1 {
                let below = levels.last().expect("a level");
                let up = below
                    .chunks(2)
                    .map(|p| match p {
                        [l, r] => pair(l, r),
                        [l] if DUPLICATE => pair(l, l),
                        [l] => *l,
                        _ => unreachable!(),
                    })
                    .collect();
                levels.push(up);
            }
            Unseparated { levels }
        }

        /// RFC 9162's walk up, with this tree's hashing and without checking the path length
        /// against the size (which the forgeries get right anyway).
        fn verify(root: &Hash, leaf: &[u8], proof: &Proof) -> bool {
            let (mut index, mut last) = (proof.index, proof.tree_size - 1);
            let mut h = model::sha256(leaf);
            for sibling in &proof.path {
                while index % 2 == 0 && index == last && last > 0 {
                    index /= 2;
                    last /= 2;
                }
                h = if index % 2 == 1 {
                    pair(sibling, &h)
                } else {
                    pair(&h, sibling)
                };
                index /= 2;
                last /= 2;
            }
            h == *root
        }
    }

    impl<const DUPLICATE: bool> NodeSource for Unseparated<DUPLICATE> {
        fn len(&self) -> usize {
            self.levels[0].len()
        }
        fn node(&self, level: u32, index: usize) -> Option<Hash> {
            self.levels.get(level as usize)?.get(index).copied()
        }
    }

    /// The forgeries are real: built from such a tree's own nodes, they verify against its root
    /// (so the examples and quality checks that present them can fail), while the separated,
    /// promoting RFC 6962 tree refuses the same construction.
    #[test]
    fn the_forgeries_fool_the_trees_they_are_for() {
        let leaves = named(8);
        let t = Unseparated::<false>::new(&leaves);
        let (data, p) = inner_node_as_leaf(&t).expect("nodes");
        assert!(Unseparated::<false>::verify(&t.levels[3][0], &data, &p));
        let three = named(3);
        let t3 = Unseparated::<true>::new(&three);
        let (data, p) = duplicate_odd(&t3, &three[2]).expect("nodes");
        assert!(Unseparated::<true>::verify(&t3.levels[2][0], &data, &p));
        // The same constructions from RFC 6962's nodes do not verify against its roots.
        let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
        let rfc = model::levels(&hashes);
        struct Levels(Vec<Vec<Hash>>);
        impl NodeSource for Levels {
            fn len(&self) -> usize {
                self.0[0].len()
            }
            fn node(&self, level: u32, index: usize) -> Option<Hash> {
                self.0.get(level as usize)?.get(index).copied()
            }
        }
        let (data, p) = inner_node_as_leaf(&Levels(rfc.clone())).expect("nodes");
        let mut h = leaf_hash(&data);
        for s in &p.path {
            h = model::node_hash(&h, s);
        }
        assert_ne!(h, rfc[3][0]);
    }
}
